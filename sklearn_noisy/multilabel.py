"""Label issues in multi-label data, where an example may belong to several classes at once.

Each class ``k`` is treated as its own binary problem, one-vs-rest: the binary label says whether
``k`` is among the example's labels, and the binary predicted probabilities are
``[1 - pred_probs[:, k], pred_probs[:, k]]``. The binary problems run through the same kernels
as multi-class data; an example has a label issue when any of its classes has one. This matches
the reference implementation, cleanlab 2.9.0 (``cleanlab.multilabel_classification``).

``labels`` is either a list with one list of class indices per example (``[[0, 2], [1], []]``)
or an (n, K) binary indicator matrix; ``pred_probs`` is (n, K) with an independent probability
per class in [0, 1] (rows need not sum to 1).

Two differences from the reference: a class that every example has (or none has) is accepted
(its binary problem then has a single class) where the reference raises; and
with ``filter_by='low_self_confidence'`` or ``'low_normalized_margin'`` and
``return_indices_ranked_by``, the issues come back ranked by score, where the reference returns
the same indices in a scrambled order.
"""

import numpy as np

from ._counting import group_by_label
from ._threads import kernel_threads
from ._validation import (
    FILTER_BY,
    RANK_BY,
    check_frac_noise,
    check_non_negative_int,
    check_option,
)
from .count import _confident_counts, _finish_confident_joint, _thresholds_from_groups
from .filter import _find_issue_mask
from .rank import _quality_scores

#: Weight of each newer (lower) score in the exponential moving average of class scores.
DEFAULT_ALPHA = 0.8


def _check_multilabel_pred_probs(pred_probs):
    pred_probs = np.asarray(pred_probs)
    if pred_probs.dtype not in (np.float32, np.float64):
        pred_probs = pred_probs.astype(np.float64)
    if pred_probs.ndim != 2 or pred_probs.shape[0] == 0 or pred_probs.shape[1] < 2:
        raise ValueError(
            "pred_probs must be a non-empty 2-D array of shape (n_samples, n_classes) with at "
            f"least 2 classes, got shape {pred_probs.shape}."
        )
    if not np.all(np.isfinite(pred_probs)):
        raise ValueError("pred_probs contains NaN or infinite values; pass finite probabilities.")
    if np.any(pred_probs < 0) or np.any(pred_probs > 1):
        raise ValueError(
            "Multi-label pred_probs must lie in [0, 1]: one independent probability per class "
            "(for example a sigmoid output), not logits."
        )
    return pred_probs


def to_indicator(labels, n_classes):
    """Return multi-labels as an (n, K) uint8 indicator matrix.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, n_classes)
        Per example, the list of its classes; or a binary indicator matrix.
    n_classes : int
        Number of classes K.

    Returns
    -------
    indicator : ndarray of shape (n_samples, n_classes), dtype uint8

    Examples
    --------
    >>> from sklearn_noisy.multilabel import to_indicator
    >>> to_indicator([[0, 2], [1], []], 3)
    array([[1, 0, 1],
           [0, 1, 0],
           [0, 0, 0]], dtype=uint8)
    """
    if isinstance(labels, np.ndarray) and labels.ndim == 2:
        if labels.shape[1] != n_classes:
            raise ValueError(
                f"The label indicator matrix has {labels.shape[1]} columns but pred_probs has "
                f"{n_classes}."
            )
        if not np.all((labels == 0) | (labels == 1)):
            raise ValueError("A label indicator matrix must hold only 0 and 1.")
        return labels.astype(np.uint8)
    indicator = np.zeros((len(labels), n_classes), dtype=np.uint8)
    for row, classes in enumerate(labels):
        if np.ndim(classes) != 1:
            raise ValueError(
                "Multi-labels must be a list with one list of class indices per example, "
                f"such as [[0, 2], [1], []]; entry {row} is {classes!r}."
            )
        classes = np.asarray(classes, dtype=np.intp) if len(classes) else np.empty(0, np.intp)
        if classes.size and (classes.min() < 0 or classes.max() >= n_classes):
            raise ValueError(
                f"Entry {row} of labels has a class outside 0..{n_classes - 1}: {list(classes)}."
            )
        indicator[row, classes] = 1
    return indicator


def _check(labels, pred_probs):
    pred_probs = _check_multilabel_pred_probs(pred_probs)
    if len(labels) != pred_probs.shape[0]:
        raise ValueError(
            f"labels has {len(labels)} entries but pred_probs has {pred_probs.shape[0]} rows."
        )
    return to_indicator(labels, pred_probs.shape[1]), pred_probs


def _binary_problems(indicator, pred_probs):
    """Yield, for each class, its binary labels and [1 - p, p] predicted probabilities."""
    for k in range(pred_probs.shape[1]):
        column = pred_probs[:, k]
        binary = np.empty((len(column), 2), dtype=pred_probs.dtype)
        binary[:, 0] = 1 - column
        binary[:, 1] = column
        yield indicator[:, k].astype(np.intp), binary


def compute_confident_joint(labels, pred_probs, *, calibrate=True,
                            return_indices_of_off_diagonals=False, n_jobs=None):
    """One-vs-rest confident joints of multi-label data.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample probability of each class, independently.
    calibrate : bool, default=True
        Calibrate each binary confident joint (see
        :func:`sklearn_noisy.count.calibrate_confident_joint`).
    return_indices_of_off_diagonals : bool, default=False
        Also return, per class, the examples counted off the diagonal.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    confident_joint : ndarray of shape (K, 2, 2)
        ``confident_joint[k]`` is the binary confident joint of class ``k``: rows are the given
        label (0: ``k`` absent, 1: present), columns the true one.
    indices_off_diagonal : list of ndarray
        Only with ``return_indices_of_off_diagonals``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import compute_confident_joint
    >>> labels = [[0], [0, 1], [1], [1]]
    >>> pred_probs = np.array([[0.9, 0.2], [0.8, 0.7], [0.3, 0.9], [0.7, 0.6]])
    >>> compute_confident_joint(labels, pred_probs, calibrate=False)[0]
    array([[1, 0],
           [0, 1]])
    """
    indicator, pred_probs = _check(labels, pred_probs)
    n_threads = kernel_threads(n_jobs, pred_probs)
    joints, off_diagonal = [], []
    for binary_labels, binary_probs in _binary_problems(indicator, pred_probs):
        offsets, _, self_confidence = group_by_label(binary_labels, binary_probs)
        thresholds = _thresholds_from_groups(offsets, self_confidence)
        counts, guess, _ = _confident_counts(
            binary_labels, binary_probs, thresholds, multiple_confident="argmax",
            threshold_tolerance=1e-6, n_jobs=n_threads,
        )
        joints.append(_finish_confident_joint(counts, binary_labels, 1, calibrate))
        off_diagonal.append(np.flatnonzero((guess >= 0) & (guess != binary_labels)))
    confident_joint = np.array(joints, dtype=np.int64)
    if return_indices_of_off_diagonals:
        return confident_joint, off_diagonal
    return confident_joint


def exponential_moving_average(scores, *, alpha=DEFAULT_ALPHA):
    """Aggregate each row of class scores, highest first, so the lowest weigh the most.

    The scores of a row are sorted in decreasing order ``s_1 >= ... >= s_K`` and averaged as
    ``m_1 = s_1``, ``m_i = alpha * s_i + (1 - alpha) * m_(i-1)``.

    Parameters
    ----------
    scores : array-like of shape (n_samples, K)
    alpha : float in [0, 1], default=0.8

    Returns
    -------
    aggregated : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import exponential_moving_average
    >>> exponential_moving_average(np.array([[0.9, 0.9, 0.3], [0.4, 0.9, 0.6]]))
    array([0.42 , 0.452])
    """
    if not 0 <= alpha <= 1:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}.")
    decreasing = np.sort(np.asarray(scores), axis=1)[:, ::-1]
    average = decreasing[:, 0]
    for column in decreasing[:, 1:].T:
        average = alpha * column + (1 - alpha) * average
    return average


def get_label_quality_scores_per_class(labels, pred_probs, *, method="self_confidence",
                                       adjust_pred_probs=False, n_jobs=None):
    """Label quality score of every (example, class) pair, from its binary problem.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
    pred_probs : array-like of shape (n_samples, K)
    method : {'self_confidence', 'normalized_margin', 'confidence_weighted_entropy'}, \
            default='self_confidence'
        See :func:`sklearn_noisy.rank.get_label_quality_scores`.
    adjust_pred_probs : bool, default=False
        See :func:`sklearn_noisy.rank.get_label_quality_scores`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    scores : ndarray of shape (n_samples, K)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import get_label_quality_scores_per_class
    >>> get_label_quality_scores_per_class([[1], [0, 2]],
    ...                                    np.array([[0.1, 0.9, 0.7], [0.4, 0.1, 0.6]]))
    array([[0.9, 0.9, 0.3],
           [0.4, 0.9, 0.6]])
    """
    check_option(method, "method", RANK_BY)
    indicator, pred_probs = _check(labels, pred_probs)
    return _per_class_scores(indicator, pred_probs, method, adjust_pred_probs,
                             kernel_threads(n_jobs, pred_probs))


def _per_class_scores(indicator, pred_probs, method, adjust_pred_probs, n_threads):
    return np.column_stack([
        _quality_scores(binary_labels, binary_probs, method,
                        adjust_pred_probs=adjust_pred_probs, n_threads=n_threads)
        for binary_labels, binary_probs in _binary_problems(indicator, pred_probs)
    ])


def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False, alpha=DEFAULT_ALPHA, n_jobs=None):
    """One label quality score per example of multi-label data (lower: more likely wrong).

    The per-class scores of :func:`get_label_quality_scores_per_class` are aggregated with
    :func:`exponential_moving_average`, so that one bad class label lowers the score of the
    whole example.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
    pred_probs : array-like of shape (n_samples, K)
    method : {'self_confidence', 'normalized_margin', 'confidence_weighted_entropy'}, \
            default='self_confidence'
    adjust_pred_probs : bool, default=False
    alpha : float in [0, 1], default=0.8
        Weight of each lower score in the moving average.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    scores : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import get_label_quality_scores
    >>> get_label_quality_scores([[1], [0, 2]], np.array([[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]]))
    array([0.9, 0.5])
    """
    per_class = get_label_quality_scores_per_class(
        labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs, n_jobs=n_jobs
    )
    return exponential_moving_average(per_class, alpha=alpha)


def find_label_issues(
    labels,
    pred_probs,
    *,
    filter_by="prune_by_noise_rate",
    return_indices_ranked_by=None,
    rank_by_kwargs=None,
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    confident_joint=None,
    n_jobs=None,
):
    """Find the examples of multi-label data whose given set of classes is likely wrong.

    Every class is checked as its own binary problem with
    :func:`sklearn_noisy.filter.find_label_issues`; an example is an issue when any of its
    classes is.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample probability of each class, independently.
    filter_by : str, default='prune_by_noise_rate'
        As in :func:`sklearn_noisy.filter.find_label_issues`, per class. With
        ``'low_self_confidence'`` or ``'low_normalized_margin'`` the examples with the lowest
        :func:`get_label_quality_scores` (self-confidence, for both, as the reference does) are
        flagged, as many as ``'confident_learning'`` flags.
    return_indices_ranked_by : str, default=None
        ``None`` returns a boolean mask; otherwise the issue indices ranked by
        :func:`get_label_quality_scores` with this ``method``.
    rank_by_kwargs : dict, default=None
        Extra arguments of the ranking score (``adjust_pred_probs``).
    frac_noise : float in (0, 1], default=1.0
    num_to_remove_per_class : array-like of shape (K,), default=None
        The number of examples to flag for wrongly having each class.
    min_examples_per_class : int, default=1
    confident_joint : array-like of shape (K, 2, 2), default=None
        From :func:`compute_confident_joint`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    label_issues : ndarray
        A boolean mask of shape (n_samples,), or ranked indices.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import find_label_issues
    >>> labels = [[0], [0], [0, 1], [1], [1], [0]]
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8],
    ...                        [0.1, 0.9], [0.2, 0.7], [0.1, 0.9]])
    >>> find_label_issues(labels, pred_probs)
    array([False, False, False, False, False,  True])
    """
    check_option(filter_by, "filter_by", FILTER_BY)
    if return_indices_ranked_by is not None:
        check_option(return_indices_ranked_by, "return_indices_ranked_by", RANK_BY)
    frac_noise = check_frac_noise(frac_noise)
    min_examples_per_class = check_non_negative_int(min_examples_per_class,
                                                    "min_examples_per_class")
    indicator, pred_probs = _check(labels, pred_probs)
    n_samples, n_classes = pred_probs.shape
    if confident_joint is not None:
        confident_joint = np.asarray(confident_joint)
        if confident_joint.shape != (n_classes, 2, 2):
            raise ValueError(
                f"A multi-label confident_joint must have shape ({n_classes}, 2, 2), got "
                f"{confident_joint.shape}; compute it with "
                "sklearn_noisy.multilabel.compute_confident_joint."
            )
    if num_to_remove_per_class is not None:
        num_to_remove_per_class = np.asarray(num_to_remove_per_class)
        if num_to_remove_per_class.shape != (n_classes,):
            raise ValueError(
                f"num_to_remove_per_class must have one entry per class ({n_classes})."
            )
    n_threads = kernel_threads(n_jobs, pred_probs)
    rank_by_kwargs = rank_by_kwargs or {}

    if filter_by in ("low_normalized_margin", "low_self_confidence"):
        n_issues = int(np.count_nonzero(_any_class_issue(
            indicator, pred_probs, "confident_learning", frac_noise, None,
            min_examples_per_class, confident_joint, n_threads,
        )))
        scores = exponential_moving_average(
            _per_class_scores(indicator, pred_probs, "self_confidence", False, n_threads)
        )
        issues = np.zeros(n_samples, dtype=bool)
        issues[np.argsort(scores, kind="stable")[:n_issues]] = True
    else:
        issues = _any_class_issue(
            indicator, pred_probs, filter_by, frac_noise, num_to_remove_per_class,
            min_examples_per_class, confident_joint, n_threads,
        )
    if return_indices_ranked_by is None:
        return issues
    scores = exponential_moving_average(_per_class_scores(
        indicator, pred_probs, return_indices_ranked_by,
        rank_by_kwargs.get("adjust_pred_probs", False), n_threads,
    ))
    flagged = np.flatnonzero(issues)
    return flagged[np.argsort(scores[flagged], kind="stable")]


def _any_class_issue(indicator, pred_probs, filter_by, frac_noise, num_to_remove_per_class,
                     min_examples_per_class, confident_joint, n_threads):
    """True for the examples with an issue in at least one class's binary problem."""
    issues = np.zeros(len(indicator), dtype=bool)
    problems = _binary_problems(indicator, pred_probs)
    for k, (binary_labels, binary_probs) in enumerate(problems):
        issues |= _find_issue_mask(
            binary_labels,
            binary_probs,
            filter_by=filter_by,
            frac_noise=frac_noise,
            num_to_remove_per_class=(
                None if num_to_remove_per_class is None
                else np.array([num_to_remove_per_class[k], 0])
            ),
            min_examples_per_class=min_examples_per_class,
            confident_joint=None if confident_joint is None else confident_joint[k],
            multiple_confident="argmax",
            n_threads=n_threads,
        )
    return issues
