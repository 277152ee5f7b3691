"""The classic ``cleanlab.pruning`` names: finding, ordering and counting the label errors.

``from cleanlab.pruning import X`` becomes ``from sklearn_noisy.compat.pruning import X``.
"""

import numpy as np
from sklearn.metrics import f1_score
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils._param_validation import validate_params

from .. import _engine, rank
from .. import filter as _filter
from .._validation import FILTER_BY_OPTIONS

#: Classic ``sorted_index_method`` -> ``return_indices_ranked_by``.
SORTED_INDEX_METHODS = {
    None: None,
    "prob_given_label": "self_confidence",
    "normalized_margin": "normalized_margin",
}
#: The classic package did not prune classes with this many examples or fewer.
CLASSIC_MIN_EXAMPLES_PER_CLASS = 5
#: The classic name of :data:`CLASSIC_MIN_EXAMPLES_PER_CLASS`.
MIN_NUM_PER_CLASS = CLASSIC_MIN_EXAMPLES_PER_CLASS
#: The probability cut-offs that :func:`multiclass_crossval_predict` tries: 0.05, 0.10, ..., 0.85.
CROSSVAL_PREDICT_BOUNDARIES = np.arange(1, 18) * 0.05

__all__ = [
    "get_noise_indices",
    "keep_at_least_n_per_class",
    "multiclass_crossval_predict",
    "order_label_errors",
    "reduce_prune_counts",
]


def _ranked_by(sorted_index_method):
    if sorted_index_method not in SORTED_INDEX_METHODS:
        choices = ", ".join(repr(m) for m in SORTED_INDEX_METHODS)
        raise ValueError(f"sorted_index_method={sorted_index_method!r} is not supported; choose "
                         f"one of {choices}.")
    return SORTED_INDEX_METHODS[sorted_index_method]


@validate_params({"prune_method": [FILTER_BY_OPTIONS]}, prefer_skip_nested_validation=True)
def get_noise_indices(s, psx, inverse_noise_matrix=None, confident_joint=None,
                      frac_noise=1.0, num_to_remove_per_class=None,
                      prune_method="prune_by_noise_rate", sorted_index_method=None,
                      multi_label=False, n_jobs=None, verbose=0, *,
                      min_examples_per_class=CLASSIC_MIN_EXAMPLES_PER_CLASS):
    """Classic name of :func:`sklearn_noisy.filter.find_label_issues`.

    The arguments may be passed by position in the classic order.

    Parameters
    ----------
    s : array-like of shape (n_samples,)
        Given labels (``labels``).
    psx : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities (``pred_probs``).
    inverse_noise_matrix : array-like of shape (K, K), default=None
        Accepted and unused, as in the classic package.
    confident_joint : array-like of shape (K, K), default=None
    frac_noise : float, default=1.0
    num_to_remove_per_class : int or array-like of shape (K,), default=None
    prune_method : str, default='prune_by_noise_rate'
        ``filter_by``: 'prune_by_noise_rate', 'prune_by_class', 'both', or any other
        ``filter_by`` of :func:`~sklearn_noisy.filter.find_label_issues`.
    sorted_index_method : {None, 'prob_given_label', 'normalized_margin'}, default=None
        ``None`` returns a mask; otherwise the indices of the issues, ranked by the
        self-confidence (``'prob_given_label'``) or the normalized margin.
    multi_label : bool, default=False
    n_jobs : int, default=None
    verbose : int, default=0
        Accepted and unused: nothing is printed.
    min_examples_per_class : int, default=5
        Classes with at most this many examples are not pruned (5 in the classic package,
        1 in cleanlab 2).

    Returns
    -------
    label_issues : ndarray
        A boolean mask, or ranked indices if ``sorted_index_method`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat.pruning import get_noise_indices
    >>> s = np.repeat([0, 1], 8)
    >>> psx = np.tile([[0.9, 0.1]], (16, 1))
    >>> psx[8:] = [0.2, 0.8]
    >>> psx[[3, 12]] = [[0.1, 0.9], [0.95, 0.05]]
    >>> get_noise_indices(s, psx, sorted_index_method="prob_given_label")
    array([12,  3])
    """
    del inverse_noise_matrix, verbose  # unused, as in the classic package
    return _filter.find_label_issues(
        s, psx, filter_by=prune_method, return_indices_ranked_by=_ranked_by(sorted_index_method),
        frac_noise=frac_noise, num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
        multi_label=multi_label, n_jobs=n_jobs,
    )


def order_label_errors(label_errors_bool, psx, labels, sorted_index_method="normalized_margin"):
    """Classic name of :func:`sklearn_noisy.rank.order_label_issues`.

    ``sorted_index_method`` is ``'normalized_margin'`` or ``'prob_given_label'`` (the
    self-confidence). The order is the classic one for examples whose given label is not the
    most likely class, which includes every issue :func:`get_noise_indices` returns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat.pruning import order_label_errors
    >>> psx = np.array([[0.3, 0.7], [0.9, 0.1], [0.1, 0.9]])
    >>> order_label_errors(np.array([True, False, True]), psx, np.array([0, 0, 0]))
    array([2, 0])
    """
    rank_by = _ranked_by(sorted_index_method)
    if rank_by is None:
        raise ValueError("sorted_index_method must be 'normalized_margin' or "
                         "'prob_given_label' to order label errors.")
    return rank.order_label_issues(label_errors_bool, labels, psx, rank_by=rank_by)


def _check_prune_count_matrix(prune_count_matrix):
    matrix = np.asarray(prune_count_matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.dtype.kind not in "iuf":
        raise ValueError(f"prune_count_matrix must be a square (K, K) array of counts, got "
                         f"shape {matrix.shape} and dtype {matrix.dtype}.")
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise ValueError("prune_count_matrix must hold non-negative counts.")
    return matrix


def _check_frac_noise(frac_noise):
    if not 0 < frac_noise <= 1:
        raise ValueError(f"frac_noise must lie in (0, 1], got {frac_noise!r}.")


def keep_at_least_n_per_class(prune_count_matrix, n, frac_noise=1.0):
    """Counts of examples to prune that leave at least ``n`` examples in every class.

    Each diagonal entry (the examples kept) is raised to at least ``n``; the increase is taken
    evenly from the non-zero off-diagonal entries of its column. Then the off-diagonal counts
    are scaled by ``frac_noise`` and what they lose is added back to the diagonal, so column
    totals do not change. The counts are truncated to integers.

    Parameters
    ----------
    prune_count_matrix : array-like of shape (K, K)
        Non-negative counts; the transpose of a confident joint (rows: true label, columns:
        given label).
    n : int
        The number of examples to keep in each class.
    frac_noise : float in (0, 1], default=1.0
        The fraction of the off-diagonal counts to keep.

    Returns
    -------
    prune_count_matrix : ndarray of int of shape (K, K)

    Examples
    --------
    >>> from sklearn_noisy.compat.pruning import keep_at_least_n_per_class
    >>> keep_at_least_n_per_class([[3, 4], [2, 10]], n=5)
    array([[ 5,  4],
           [ 0, 10]])
    """
    matrix = _check_prune_count_matrix(prune_count_matrix)
    _check_frac_noise(frac_noise)
    return _engine.keep_at_least_n_per_class(matrix.astype(float), n, frac_noise)


def reduce_prune_counts(prune_count_matrix, frac_noise=1.0):
    """Scale the off-diagonal counts by ``frac_noise``, moving what they lose to the diagonal.

    Column totals are preserved; the result is truncated to integers.

    Parameters
    ----------
    prune_count_matrix : array-like of shape (K, K)
        Non-negative counts.
    frac_noise : float in (0, 1], default=1.0

    Returns
    -------
    prune_count_matrix : ndarray of int of shape (K, K)

    Examples
    --------
    >>> from sklearn_noisy.compat.pruning import reduce_prune_counts
    >>> reduce_prune_counts([[8, 4], [2, 6]], frac_noise=0.5)
    array([[9, 2],
           [1, 8]])
    """
    matrix = _check_prune_count_matrix(prune_count_matrix)
    _check_frac_noise(frac_noise)
    # Keeping at least 0 examples per class changes nothing before the scaling.
    return _engine.keep_at_least_n_per_class(matrix.astype(float), 0, frac_noise)


def multiclass_crossval_predict(pyx, labels):
    """Multi-label predictions: every class whose probability exceeds one common cut-off.

    The cut-off is the one of 0.05, 0.10, ..., 0.85 whose predictions have the best micro
    F1 score against the given labels (the first, on ties).

    Parameters
    ----------
    pyx : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities of each class.
    labels : list of lists of int
        The classes given to each example.

    Returns
    -------
    predictions : ndarray of uint8 of shape (n_samples, K)
        One-hot predictions.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat.pruning import multiclass_crossval_predict
    >>> pyx = np.array([[0.9, 0.6, 0.1], [0.2, 0.7, 0.3], [0.8, 0.1, 0.4]])
    >>> multiclass_crossval_predict(pyx, [[0, 1], [1], [0, 2]])
    array([[1, 1, 0],
           [0, 1, 0],
           [1, 0, 1]], dtype=uint8)
    """
    pyx = np.asarray(pyx, dtype=float)
    if pyx.ndim != 2:
        raise ValueError(f"pyx must be a 2-D array of shape (n_samples, K), got shape "
                         f"{pyx.shape}.")
    if len(labels) != pyx.shape[0]:
        raise ValueError(f"labels has {len(labels)} entries but pyx has {pyx.shape[0]} rows.")
    one_hot = MultiLabelBinarizer(classes=range(pyx.shape[1])).fit_transform(labels)
    scores = [f1_score(one_hot, (pyx > cut).astype(np.uint8), average="micro")
              for cut in CROSSVAL_PREDICT_BOUNDARIES]
    return (pyx > CROSSVAL_PREDICT_BOUNDARIES[int(np.argmax(scores))]).astype(np.uint8)
