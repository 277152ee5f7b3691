"""Label quality scores: rank examples from most to least likely mislabelled."""

import numpy as np

from . import _scores
from ._counting import group_by_label
from ._threads import kernel_threads
from ._validation import RANK_BY, check_labels_and_pred_probs, check_option, check_rank_by_kwargs
from .count import _thresholds_from_groups

_METHOD_CODES = {
    "self_confidence": _scores.Method.SELF_CONFIDENCE,
    "normalized_margin": _scores.Method.NORMALIZED_MARGIN,
    "confidence_weighted_entropy": _scores.Method.CONFIDENCE_WEIGHTED_ENTROPY,
}


def _quality_scores(labels, pred_probs, method, *, adjust_pred_probs=False, n_threads=1):
    """Scores of checked inputs (see :func:`get_label_quality_scores`)."""
    thresholds = np.empty(0)
    if adjust_pred_probs:
        if method == "confidence_weighted_entropy":
            raise ValueError(
                "adjust_pred_probs=True is not available with method='confidence_weighted_entropy'; "
                "use 'self_confidence' or 'normalized_margin'."
            )
        offsets, _, self_confidence = group_by_label(labels, pred_probs)
        thresholds = _thresholds_from_groups(offsets, self_confidence).astype(np.float64)
    return _scores.quality_scores(pred_probs, labels, _METHOD_CODES[method], thresholds, n_threads)


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
    check_option(method, "method", RANK_BY)
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    return _quality_scores(labels, pred_probs, method, adjust_pred_probs=adjust_pred_probs,
                           n_threads=kernel_threads(n_jobs, pred_probs))


def _order_issues(label_issues_mask, labels, pred_probs, rank_by, rank_by_kwargs, n_threads):
    """Indices of the flagged examples, lowest score first (ties: smaller index first)."""
    scores = _quality_scores(labels, pred_probs, rank_by, n_threads=n_threads, **rank_by_kwargs)
    issues = np.flatnonzero(label_issues_mask)
    return issues[np.argsort(scores[issues], kind="stable")]


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
    check_option(rank_by, "rank_by", RANK_BY)
    rank_by_kwargs = check_rank_by_kwargs(rank_by_kwargs)
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    mask = np.asarray(label_issues_mask)
    if mask.shape != labels.shape or mask.dtype != bool:
        raise ValueError(
            f"label_issues_mask must be a boolean array of shape {labels.shape}, "
            f"got {mask.dtype} of shape {mask.shape}."
        )
    return _order_issues(mask, labels, pred_probs, rank_by, rank_by_kwargs,
                         kernel_threads(n_jobs, pred_probs))


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
    quality_scores = np.asarray(quality_scores)
    if quality_scores.ndim != 1:
        raise ValueError(f"quality_scores must be 1-D, got shape {quality_scores.shape}.")
    if top is None:
        top = len(quality_scores)
    if not isinstance(top, (int, np.integer)) or top < 0:
        raise ValueError(f"top must be a non-negative integer or None, got {top!r}.")
    return np.argsort(quality_scores, kind="stable")[:top]
