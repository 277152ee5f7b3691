"""Label quality scores: rank examples from most to least likely mislabelled."""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import validate_params

from . import _dask, _engine
from ._threads import kernel_threads
from ._validation import (
    N_JOBS,
    PRED_PROBS,
    RANK_BY_OPTIONS,
    StrictInterval,
    as_array,
    check_adjust_pred_probs,
    check_labels_and_pred_probs,
    check_rank_by_kwargs,
)


def _checked_scores(labels, pred_probs, method, adjust_pred_probs, n_jobs):
    """Quality scores of checked inputs."""
    thresholds = None
    if adjust_pred_probs:
        thresholds = _engine.thresholds_from_groups(_engine.group_labels(labels, pred_probs))
    return _engine.quality_scores(labels, pred_probs, method, thresholds=thresholds,
                                  n_threads=kernel_threads(n_jobs, pred_probs))


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "method": [RANK_BY_OPTIONS],
     "adjust_pred_probs": ["boolean"], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False, n_jobs=None):
    """Score how likely each example's given label is to be correct (lower: more likely wrong).

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    method : {'self_confidence', 'normalized_margin', 'confidence_weighted_entropy'}, \
            default='self_confidence'
        - ``'self_confidence'``: ``p(label)``;
        - ``'normalized_margin'``: ``(p(label) - max of the other classes + 1) / 2``;
        - ``'confidence_weighted_entropy'``: with ``r = H(p) / log(K) / p(label)`` (``p(label)``
          clipped to at least 1e-6), ``log(1 + r) / r`` (``r`` clipped to at least 1e-6 in the
          denominator). A certain prediction (entropy 0) scores 0, the lowest score, even
          when it agrees with the label; the reference does the same.
    adjust_pred_probs : bool, default=False
        Subtract each class's confident threshold from its column, add back the largest
        threshold and renormalise each row before scoring; this evens out classes the model
        is systematically under- or over-confident in.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    scores : ndarray of shape (n_samples,)
        In [0, 1], in the precision of ``pred_probs``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.rank import get_label_quality_scores
    >>> labels = np.array([0, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.7, 0.3]])
    >>> get_label_quality_scores(labels, pred_probs)
    array([0.9, 0.3])
    >>> get_label_quality_scores(labels, pred_probs, method="normalized_margin")
    array([0.9, 0.3])
    """
    adjust_pred_probs = check_adjust_pred_probs(adjust_pred_probs, method)
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    return _checked_scores(labels, pred_probs, method, adjust_pred_probs, n_jobs)


@validate_params(
    {"label_issues_mask": ["array-like"], "labels": ["array-like"], "pred_probs": PRED_PROBS,
     "rank_by": [RANK_BY_OPTIONS], "rank_by_kwargs": [dict, None], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def order_label_issues(label_issues_mask, labels, pred_probs, *, rank_by="self_confidence",
                       rank_by_kwargs=None, n_jobs=None):
    """Order the flagged examples from most to least likely mislabelled.

    Parameters
    ----------
    label_issues_mask : array-like of bool, shape (n_samples,)
        For example the output of :func:`sklearn_noisy.filter.find_label_issues`.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    rank_by : str, default='self_confidence'
        A ``method`` of :func:`get_label_quality_scores`.
    rank_by_kwargs : dict, default=None
        Extra arguments of :func:`get_label_quality_scores`, such as ``adjust_pred_probs``.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    indices : ndarray of int
        The indices where ``label_issues_mask`` is True, lowest score first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.rank import order_label_issues
    >>> pred_probs = np.array([[0.3, 0.7], [0.9, 0.1], [0.1, 0.9]])
    >>> order_label_issues([True, False, True], [0, 0, 0], pred_probs)
    array([2, 0])
    """
    adjust_pred_probs = check_rank_by_kwargs(rank_by_kwargs, rank_by)
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    mask = as_array(label_issues_mask, "label_issues_mask")
    if mask.shape != labels.shape or mask.dtype != bool:
        raise ValueError(
            f"label_issues_mask must be a boolean array of shape {labels.shape}, "
            f"got {mask.dtype} of shape {mask.shape}."
        )
    return _engine.rank_issues(mask, _checked_scores(labels, pred_probs, rank_by, adjust_pred_probs, n_jobs))


@validate_params(
    {"quality_scores": ["array-like"],
     "top": [StrictInterval(Integral, 0, None, closed="left"), None]},
    prefer_skip_nested_validation=True,
)


@_dask.accepts_dask_arrays
def find_top_issues(quality_scores, *, top=10):
    """Indices of the ``top`` lowest quality scores, lowest first (ties: smaller index first).

    Parameters
    ----------
    quality_scores : array-like of shape (n_samples,)
        For example from :func:`get_label_quality_scores`.
    top : int or None, default=10
        How many to return; ``None`` returns all.

    Returns
    -------
    indices : ndarray of int

    Examples
    --------
    >>> from sklearn_noisy.rank import find_top_issues
    >>> find_top_issues([0.9, 0.2, 0.5, 0.1], top=2)
    array([3, 1])
    """
    quality_scores = as_array(quality_scores, "quality_scores")
    if quality_scores.ndim != 1:
        raise ValueError(f"quality_scores must be 1-D, got shape {quality_scores.shape}.")
    if quality_scores.dtype.kind not in "iuf":
        raise ValueError(f"quality_scores must hold real numbers, got dtype {quality_scores.dtype}.")
    return np.argsort(quality_scores, kind="stable")[:top]
