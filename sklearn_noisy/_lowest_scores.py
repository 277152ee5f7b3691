"""The rule of the reference's memory-bounded label-issue search, on arrays in memory.

cleanlab's ``find_label_issues_batched`` (used by its ``low_memory=True`` options) flags, as
label issues, the examples with the lowest label quality scores, as many as
``count.num_label_issues`` estimates, and then spares those whose given label is (within 1e-6)
the most likely class. Computed here in one pass of the engine, exactly.
"""

import numpy as np

from . import _engine


def issues_by_lowest_scores(labels, pred_probs, *, method="self_confidence", n_threads=1):
    """Mask of the estimated number of issues with the lowest ``method`` scores.

    ``labels`` and ``pred_probs`` are checked inputs (see ``_engine``); ties between scores
    go to the smaller index.
    """
    result = _engine.confident_learning(labels, pred_probs, n_threads=n_threads, rank_by=method)
    near_argmax = (result.agreement & _engine.LABEL_NEAR_ARGMAX) != 0
    n_issues = np.count_nonzero(result.off_diagonal & ~near_argmax)
    return _engine.lowest(result.quality_scores, n_issues) & ~near_argmax
