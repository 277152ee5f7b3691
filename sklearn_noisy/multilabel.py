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

import itertools
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from . import _engine, _latent
from ._lowest_scores import issues_by_lowest_scores
from ._threads import kernel_threads
from ._validation import (
    FIND_LABEL_ISSUES_PARAMETERS,
    MULTIPLE_CONFIDENT_OPTIONS,
    N_JOBS,
    NON_NEGATIVE_INT,
    NON_NEGATIVE_REAL,
    PRED_PROBS,
    RANK_BY_OPTIONS,
    as_array,
    check_adjust_pred_probs,
    check_confident_joint,
    check_num_to_remove_per_class,
    check_rank_by_kwargs,
)

#: Weight of each newer (lower) score in the exponential moving average of class scores.
DEFAULT_ALPHA = 0.8
#: The smallest temperature of ``softmin``.
SOFTMIN_MIN_TEMPERATURE = 1e-6


def _check_multilabel_pred_probs(pred_probs):
    if hasattr(pred_probs, "toarray"):
        raise TypeError("pred_probs must be a dense array; call .toarray() on the sparse matrix.")
    pred_probs = as_array(pred_probs, "pred_probs")
    if pred_probs.dtype.kind not in "biuf":
        raise ValueError(
            f"pred_probs must hold numbers (real, not complex), got dtype {pred_probs.dtype}."
        )
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

    A 2-D numpy array is read as an indicator matrix; anything else (a list, even of 0/1 rows)
    as one list of class indices per example, as the reference does.

    Parameters
    ----------
    labels : list of list of int, or ndarray of shape (n_samples, n_classes)
        Per example, the list of its classes; or a binary indicator matrix (an ndarray).
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
    indicator = _indicator_of_int_lists(labels, n_classes)
    if indicator is not None:
        return indicator
    # Anything else is checked row by row, so that a message can name the bad row.
    indicator = np.zeros((len(labels), n_classes), dtype=np.uint8)
    for row, classes in enumerate(labels):
        if np.ndim(classes) != 1:
            raise ValueError(
                "Multi-labels must be a list with one list of class indices per example, "
                f"such as [[0, 2], [1], []]; entry {row} is {classes!r}."
            )
        classes = np.asarray(classes) if len(classes) else np.empty(0, np.intp)
        if classes.dtype.kind not in "iu" and not (
            classes.dtype.kind == "f" and np.all(np.isfinite(classes) & (classes % 1 == 0))
        ):
            raise ValueError(
                f"Entry {row} of labels must hold integer class indices, got {list(classes)}."
            )
        if classes.size and (classes.min() < 0 or classes.max() >= n_classes):
            raise ValueError(
                f"Entry {row} of labels has a class outside 0..{n_classes - 1}: {list(classes)}."
            )
        indicator[row, classes.astype(np.intp)] = 1
    return indicator


_INT_TYPES = (int, np.integer)


def _indicator_of_int_lists(labels, n_classes):
    """The indicator matrix of rows that are lists or tuples of ints in range, else None.

    The common case, vectorised: one pass over the elements to check their types, then numpy.
    """
    if not all(type(classes) in (list, tuple) for classes in labels):
        return None
    if not all(isinstance(value, _INT_TYPES) and not isinstance(value, bool)
               for classes in labels for value in classes):
        return None
    lengths = np.fromiter(map(len, labels), dtype=np.intp, count=len(labels))
    try:
        flat = np.fromiter(itertools.chain.from_iterable(labels), dtype=np.int64,
                           count=int(lengths.sum()))
    except OverflowError:
        return None
    if flat.size and (flat.min() < 0 or flat.max() >= n_classes):
        return None
    indicator = np.zeros((len(labels), n_classes), dtype=np.uint8)
    indicator[np.repeat(np.arange(len(labels)), lengths), flat] = 1
    return indicator


def _check(labels, pred_probs):
    pred_probs = _check_multilabel_pred_probs(pred_probs)
    if (not hasattr(labels, "__len__") or isinstance(labels, str)
            or (isinstance(labels, np.ndarray) and labels.ndim == 0)):
        raise ValueError(
            "Multi-labels must be a list with one list of class indices per example, or a 2-D "
            f"indicator ndarray, got {type(labels).__name__}."
        )
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


_ONE_VS_REST_OPTIONS = {
    "multiple_confident": [MULTIPLE_CONFIDENT_OPTIONS],
    "threshold_tolerance": [NON_NEGATIVE_REAL],
    "min_diagonal": [NON_NEGATIVE_INT],
    "n_jobs": N_JOBS,
}


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "thresholds": ["array-like", None],
     "calibrate": ["boolean"], "return_indices_of_off_diagonals": ["boolean"],
     **_ONE_VS_REST_OPTIONS},
    prefer_skip_nested_validation=True,
)
def compute_confident_joint(labels, pred_probs, *, thresholds=None, calibrate=True,
                            return_indices_of_off_diagonals=False, multiple_confident="argmax",
                            threshold_tolerance=1e-6, min_diagonal=1, n_jobs=None):
    """One-vs-rest confident joints of multi-label data.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample probability of each class, independently.
    thresholds : None
        Only None: each class's binary problem computes its own thresholds; anything else is
        a ValueError.
    calibrate : bool, default=True
        Calibrate each binary confident joint (see
        :func:`sklearn_noisy.count.calibrate_confident_joint`).
    return_indices_of_off_diagonals : bool, default=False
        Also return, per class, the examples counted off the diagonal.
    multiple_confident, threshold_tolerance, min_diagonal
        As in :func:`sklearn_noisy.count.compute_confident_joint`, for each binary problem.
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
    if thresholds is not None:
        raise ValueError(
            "thresholds cannot be given for multi-label data: each class's one-vs-rest problem "
            "computes its own thresholds. Pass thresholds=None."
        )
    indicator, pred_probs = _check(labels, pred_probs)
    results = _one_vs_rest(
        indicator, pred_probs, n_jobs, multiple_confident=multiple_confident,
        threshold_tolerance=threshold_tolerance, min_diagonal=min_diagonal, calibrate=calibrate,
    )
    confident_joint = np.array([r.confident_joint for r in results], dtype=np.int64)
    if return_indices_of_off_diagonals:
        return confident_joint, [np.flatnonzero(r.off_diagonal) for r in results]
    return confident_joint


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS}, prefer_skip_nested_validation=True
)
def get_confident_thresholds(labels, pred_probs):
    """Per-class thresholds of each class's one-vs-rest problem.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample probability of each class, independently.

    Returns
    -------
    thresholds : ndarray of shape (K, 2)
        ``thresholds[k]`` holds the thresholds of class ``k``'s binary problem: for "``k`` is
        absent" (the mean of ``1 - p_k`` over the examples without ``k``) and for "``k`` is
        present" (the mean of ``p_k`` over the examples with ``k``); 2 where no example is on
        that side, as in :func:`sklearn_noisy.count.get_confident_thresholds`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import get_confident_thresholds
    >>> get_confident_thresholds([[0], [0, 1], [1]], np.array([[0.8, 0.2], [0.6, 0.7], [0.3, 0.9]]))
    array([[0.7, 0.7],
           [0.8, 0.8]])
    """
    indicator, pred_probs = _check(labels, pred_probs)
    return np.array([
        _engine.thresholds_from_groups(_engine.group_labels(binary_labels, binary_probs))
        for binary_labels, binary_probs in _binary_problems(indicator, pred_probs)
    ], dtype=np.float64)


def _check_joints(confident_joint, n_classes):
    """A one-vs-rest confident joint of shape (K, 2, 2), each 2 x 2 joint checked."""
    confident_joint = as_array(confident_joint, "confident_joint")
    if confident_joint.shape != (n_classes, 2, 2):
        raise ValueError(
            f"A multi-label confident_joint must have shape ({n_classes}, 2, 2), got "
            f"{confident_joint.shape}; compute it with "
            "sklearn_noisy.multilabel.compute_confident_joint."
        )
    return np.array([check_confident_joint(joint, 2) for joint in confident_joint])


def _check_labels_for_joint(labels, confident_joint):
    """The indicator matrix of ``labels`` and the checked (K, 2, 2) joint, together."""
    confident_joint = as_array(confident_joint, "confident_joint")
    n_classes = len(confident_joint) if confident_joint.ndim else 0
    confident_joint = _check_joints(confident_joint, n_classes)
    if not hasattr(labels, "__len__") or isinstance(labels, str) or len(labels) == 0:
        raise ValueError("labels must hold the given classes of at least one example.")
    return to_indicator(labels, n_classes), confident_joint


@validate_params(
    {"confident_joint": ["array-like"], "labels": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def calibrate_confident_joint(confident_joint, labels):
    """Calibrate each class's binary confident joint to the counts of its given labels.

    Parameters
    ----------
    confident_joint : array-like of shape (K, 2, 2)
        From :func:`compute_confident_joint` with ``calibrate=False``.
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.

    Returns
    -------
    calibrated : ndarray of shape (K, 2, 2)
        Integer counts; row ``i`` of ``calibrated[k]`` sums to the number of examples with
        (``i=1``) or without (``i=0``) class ``k``, as
        :func:`sklearn_noisy.count.calibrate_confident_joint` does for one binary problem.

    Examples
    --------
    >>> from sklearn_noisy.multilabel import calibrate_confident_joint
    >>> calibrate_confident_joint([[[1, 1], [0, 1]], [[2, 0], [0, 1]]], [[0], [0, 1], [1], []])
    array([[[1, 1],
            [0, 2]],
    <BLANKLINE>
           [[2, 0],
            [0, 2]]])
    """
    indicator, confident_joint = _check_labels_for_joint(labels, confident_joint)
    return np.array([
        _engine.calibrate_joint(joint, np.bincount(indicator[:, k], minlength=2))
        for k, joint in enumerate(confident_joint)
    ], dtype=np.int64)


@validate_params(
    {"labels": ["array-like"], "pred_probs": [*PRED_PROBS, None],
     "confident_joint": ["array-like", None], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
def estimate_joint(labels, pred_probs, *, confident_joint=None, n_jobs=None):
    """Estimate each class's binary joint ``P(given=i, true=j)`` of its one-vs-rest problem.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample probability of each class. Not used if ``confident_joint`` is given.
    confident_joint : array-like of shape (K, 2, 2), default=None
        One-vs-rest confident joints to calibrate and normalise instead of computing them.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    joint : ndarray of shape (K, 2, 2)
        Each ``joint[k]`` sums to 1.

    Examples
    --------
    >>> from sklearn_noisy.multilabel import estimate_joint
    >>> estimate_joint([[0], [0, 1], [1], []], None,
    ...                confident_joint=[[[1, 1], [0, 1]], [[2, 0], [0, 1]]])[0]
    array([[0.25, 0.25],
           [0.  , 0.5 ]])
    """
    if confident_joint is None:
        confident_joint = compute_confident_joint(labels, pred_probs, n_jobs=n_jobs)
    calibrated = calibrate_confident_joint(confident_joint, labels)
    return np.array([_latent.normalized(joint) for joint in calibrated])


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "confident_joint": ["array-like", None],
     "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
def num_label_issues(labels, pred_probs, *, confident_joint=None, n_jobs=None):
    """Estimate how many examples of multi-label data have a wrong set of classes.

    The number of examples that ``find_label_issues(..., filter_by='confident_learning')``
    flags: counted off the diagonal of some class's binary confident joint, and not
    (within 1e-6) predicted as given in that class.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample probability of each class, independently.
    confident_joint : array-like of shape (K, 2, 2), default=None
        Checked but, as in the reference, not used by the count.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    num_issues : int

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import num_label_issues
    >>> pred_probs = np.array([[0.9, 0.2], [0.8, 0.7], [0.3, 0.9],
    ...                        [0.1, 0.9], [0.2, 0.8], [0.7, 0.1]])
    >>> num_label_issues([[0], [0, 1], [1], [0], [1], [0]], pred_probs)  # the 4th lacks 1
    1
    """
    return int(np.count_nonzero(find_label_issues(
        labels, pred_probs, filter_by="confident_learning", confident_joint=confident_joint,
        n_jobs=n_jobs,
    )))


def _one_vs_rest(indicator, pred_probs, n_jobs, *, confident_joint=None,
                 num_to_remove_per_class=None, **options):
    """The engine's result on each class's binary problem."""
    n_threads = kernel_threads(n_jobs, pred_probs)
    results = []
    for k, (binary_labels, binary_probs) in enumerate(_binary_problems(indicator, pred_probs)):
        results.append(_engine.confident_learning(
            binary_labels, binary_probs, n_threads=n_threads,
            confident_joint=None if confident_joint is None else confident_joint[k],
            num_to_remove_per_class=(
                None if num_to_remove_per_class is None
                else np.array([num_to_remove_per_class[k], 0])
            ),
            **options,
        ))
    return results


@validate_params(
    {"scores": ["array-like"], "alpha": [Interval(Real, 0, 1, closed="both"), None]},
    prefer_skip_nested_validation=True,
)
def exponential_moving_average(scores, *, alpha=DEFAULT_ALPHA):
    """Aggregate each row of class scores, highest first, so the lowest weigh the most.

    The scores of a row are sorted in decreasing order ``s_1 >= ... >= s_K`` and averaged as
    ``m_1 = s_1``, ``m_i = alpha * s_i + (1 - alpha) * m_(i-1)``.

    Parameters
    ----------
    scores : array-like of shape (n_samples, K)
    alpha : float in [0, 1] or None, default=0.8
        ``None`` means ``2 / (K + 1)``, the usual span-based choice.

    Returns
    -------
    aggregated : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import exponential_moving_average
    >>> exponential_moving_average(np.array([[0.9, 0.9, 0.3], [0.4, 0.9, 0.6]]))
    array([0.42 , 0.452])
    >>> exponential_moving_average(np.array([[0.9, 0.9, 0.3]]), alpha=None)  # alpha = 1/2
    array([0.6])
    """
    decreasing = np.sort(_check_scores(scores), axis=1)[:, ::-1]
    if alpha is None:
        alpha = 2 / (decreasing.shape[1] + 1)
    average = decreasing[:, 0]
    for column in decreasing[:, 1:].T:
        average = alpha * column + (1 - alpha) * average
    return average


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "method": [RANK_BY_OPTIONS],
     "adjust_pred_probs": ["boolean"], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
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
    adjust_pred_probs = check_adjust_pred_probs(adjust_pred_probs, method)
    indicator, pred_probs = _check(labels, pred_probs)
    return _per_class_scores(indicator, pred_probs, method, adjust_pred_probs, n_jobs)


def _per_class_scores(indicator, pred_probs, method, adjust_pred_probs, n_jobs):
    """The scores of each class's binary problem; only the scores are computed."""
    n_threads = kernel_threads(n_jobs, pred_probs)
    columns = []
    for binary_labels, binary_probs in _binary_problems(indicator, pred_probs):
        thresholds = None
        if adjust_pred_probs:
            thresholds = _engine.thresholds_from_groups(
                _engine.group_labels(binary_labels, binary_probs))
        columns.append(_engine.quality_scores(binary_labels, binary_probs, method,
                                              thresholds=thresholds, n_threads=n_threads))
    return np.column_stack(columns)


def _check_scores(scores):
    scores = as_array(scores, "scores")
    if scores.ndim != 2 or scores.shape[1] == 0 or scores.dtype.kind not in "iuf":
        raise ValueError(
            f"scores must be a 2-D array of numbers, one column per class, got shape "
            f"{scores.shape} and dtype {scores.dtype}."
        )
    return scores


@validate_params(
    {"scores": ["array-like"], "temperature": [Interval(Real, 0, None, closed="neither")]},
    prefer_skip_nested_validation=True,
)
def softmin(scores, *, temperature=0.1):
    """Aggregate each row of class scores as a mean weighted toward its lowest scores.

    Each score ``s_k`` weighs ``exp((1 - s_k) / temperature)``, normalised over the row: a
    small temperature approaches the minimum, a large one the plain mean.

    Parameters
    ----------
    scores : array-like of shape (n_samples, K)
    temperature : float > 0, default=0.1
        Below about 1e-3 the weights of all but the lowest score underflow to 0; the
        temperature is floored at 1e-6.

    Returns
    -------
    aggregated : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import softmin
    >>> softmin(np.array([[0.9, 0.3]]), temperature=1e-3)
    array([0.3])
    >>> softmin(np.array([[0.9, 0.3]]), temperature=1e3).round(3)
    array([0.6])
    """
    scores = _check_scores(scores)
    logits = (1 - scores) / max(temperature, SOFTMIN_MIN_TEMPERATURE)
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("ij,ij->i", scores, weights)


#: The built-in aggregators of ``aggregator_kwargs["method"]`` and the options each takes.
AGGREGATORS = {"exponential_moving_average": (exponential_moving_average, {"alpha"}),
               "softmin": (softmin, {"temperature"})}


def aggregate(per_class_scores, aggregator_kwargs=None, *, alpha=DEFAULT_ALPHA):
    """One score per example from the per-class scores, as ``aggregator_kwargs`` says.

    ``aggregator_kwargs`` holds ``"method"`` (a name of :data:`AGGREGATORS`, the default
    ``"exponential_moving_average"``, or a callable) and that method's options. A callable is
    called as ``method(scores, axis=1, **options)`` on the (n_samples, K) scores, as
    ``numpy.min`` would be. Without ``aggregator_kwargs``: the moving average with ``alpha``.
    """
    if not aggregator_kwargs:
        return exponential_moving_average(per_class_scores, alpha=alpha)
    if alpha != DEFAULT_ALPHA:
        raise ValueError(
            "Pass alpha either as an argument or in aggregator_kwargs, not both: "
            "aggregator_kwargs={'method': 'exponential_moving_average', 'alpha': ...}."
        )
    options = dict(aggregator_kwargs)
    method = options.pop("method", "exponential_moving_average")
    if callable(method):
        aggregated = np.asarray(method(per_class_scores, axis=1, **options))
        if aggregated.shape != (len(per_class_scores),):
            raise ValueError(
                f"The aggregator {method!r} returned shape {aggregated.shape}; it must reduce "
                f"the (n_samples, K) scores along axis=1 to shape ({len(per_class_scores)},)."
            )
        return aggregated
    if method not in AGGREGATORS:
        raise ValueError(
            f"aggregator_kwargs['method'] must be a callable or one of {sorted(AGGREGATORS)}, "
            f"got {method!r}."
        )
    function, accepted = AGGREGATORS[method]
    unknown = set(options) - accepted
    if unknown:
        raise ValueError(
            f"The aggregator {method!r} takes only {sorted(accepted)}, got {sorted(unknown)} "
            "in aggregator_kwargs."
        )
    return function(per_class_scores, **options)


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "method": [RANK_BY_OPTIONS],
     "adjust_pred_probs": ["boolean"], "aggregator_kwargs": [dict, None],
     "alpha": [Interval(Real, 0, 1, closed="both"), None], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False, aggregator_kwargs=None,
                             alpha=DEFAULT_ALPHA, n_jobs=None):
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
    aggregator_kwargs : dict, default=None
        How the per-class scores are combined: ``{"method": "exponential_moving_average",
        "alpha": a}`` (``a=None`` means ``2 / (K + 1)``), ``{"method": "softmin",
        "temperature": t}``, or ``{"method": f, ...}`` with a callable ``f`` called as
        ``f(scores, axis=1, ...)`` (``numpy.min`` works); see :func:`aggregate`. ``None``:
        the moving average with ``alpha``.
    alpha : float in [0, 1] or None, default=0.8
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
    >>> get_label_quality_scores([[1], [0, 2]], np.array([[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]]),
    ...                          aggregator_kwargs={"method": np.min})
    array([0.9, 0.4])
    """
    per_class = get_label_quality_scores_per_class(
        labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs, n_jobs=n_jobs
    )
    return aggregate(per_class, aggregator_kwargs, alpha=alpha)


@validate_params(
    {**FIND_LABEL_ISSUES_PARAMETERS, "verbose": ["verbose"], "low_memory": ["boolean"]},
    prefer_skip_nested_validation=True,
)
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
    multiple_confident="argmax",
    n_jobs=None,
    verbose=False,
    low_memory=False,
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
    num_to_remove_per_class : int or array-like of shape (K,), default=None
        For the pruning methods, the number of examples to flag for wrongly lacking each class
        (flagged in the class's binary problem as given "absent", truly "present").
    min_examples_per_class : int, default=1
    confident_joint : array-like of shape (K, 2, 2), default=None
        From :func:`compute_confident_joint`.
    multiple_confident : {'argmax', 'confident_argmax'}, default='argmax'
        See :func:`sklearn_noisy.count.compute_confident_joint`; applies to each binary problem.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.
    verbose : bool, default=False
        Print the number of issues found (to standard output).
    low_memory : bool, default=False
        The rule of the reference's memory-bounded search, class by class: in each class's
        binary problem, the :func:`sklearn_noisy.count.num_label_issues` examples with the
        lowest score (``return_indices_ranked_by``, or self-confidence) are flagged, except
        those predicted as given. Computed exactly, one class at a time (the reference
        approximates it in batches). The pruning options (``filter_by``, ``frac_noise``,
        ``num_to_remove_per_class``, ``min_examples_per_class``, ``confident_joint``,
        ``multiple_confident``) do not apply and must be left at their defaults.

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
    adjust_pred_probs = check_rank_by_kwargs(rank_by_kwargs, return_indices_ranked_by)
    indicator, pred_probs = _check(labels, pred_probs)
    n_classes = pred_probs.shape[1]
    if confident_joint is not None:
        confident_joint = _check_joints(confident_joint, n_classes)
    num_to_remove_per_class = check_num_to_remove_per_class(num_to_remove_per_class, filter_by,
                                                            n_classes)
    options = {"frac_noise": frac_noise, "min_examples_per_class": min_examples_per_class,
               "multiple_confident": multiple_confident, "confident_joint": confident_joint}
    if low_memory:
        _check_low_memory_options(filter_by=filter_by,
                                  num_to_remove_per_class=num_to_remove_per_class, **options)
        issues = _lowest_score_issues(indicator, pred_probs,
                                      return_indices_ranked_by or "self_confidence", n_jobs)
    elif filter_by in _engine.LOW_SCORE_FILTERS:
        # As the reference: as many as 'confident_learning' flags, lowest self-confidence first.
        n_issues = np.count_nonzero(_any_class_issue(indicator, pred_probs, n_jobs,
                                                     filter_by="confident_learning", **options))
        scores = exponential_moving_average(
            _per_class_scores(indicator, pred_probs, "self_confidence", False, n_jobs)
        )
        issues = _engine.lowest(scores, n_issues)
    else:
        issues = _any_class_issue(indicator, pred_probs, n_jobs, filter_by=filter_by,
                                  num_to_remove_per_class=num_to_remove_per_class, **options)
    if verbose:
        print(f"Found {np.count_nonzero(issues)} label issues among {len(issues)} examples.")
    if return_indices_ranked_by is None:
        return issues
    scores = exponential_moving_average(_per_class_scores(
        indicator, pred_probs, return_indices_ranked_by, adjust_pred_probs, n_jobs,
    ))
    return _engine.rank_issues(issues, scores)


@validate_params(FIND_LABEL_ISSUES_PARAMETERS, prefer_skip_nested_validation=True)
def find_multilabel_issues_per_class(
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
    multiple_confident="argmax",
    n_jobs=None,
):
    """Which classes of which examples look wrongly given, class by class.

    The per-class results that :func:`find_label_issues` combines: each class's one-vs-rest
    problem through :func:`sklearn_noisy.filter.find_label_issues`.

    Parameters
    ----------
    labels, pred_probs, filter_by, rank_by_kwargs, frac_noise, num_to_remove_per_class, \
min_examples_per_class, confident_joint, multiple_confident, n_jobs
        As in :func:`find_label_issues`.
    return_indices_ranked_by : str, default=None
        ``None`` returns a boolean mask; otherwise, per class, the indices of its issues ranked
        by that class's binary label quality score (see below).

    Returns
    -------
    label_issues : ndarray of bool of shape (n_samples, K)
        ``label_issues[i, k]`` is True when class ``k`` looks wrongly given (or wrongly
        missing) in example ``i``.
    (label_issues_list, labels_list, pred_probs_list) : tuple of lists
        Only with ``return_indices_ranked_by``: per class, the ranked issue indices, the
        binary labels and the binary ``[1 - p, p]`` predicted probabilities, as the reference
        returns them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel import find_multilabel_issues_per_class
    >>> labels = [[0], [0], [0, 1], [1], [1], [0]]
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8],
    ...                        [0.1, 0.9], [0.2, 0.7], [0.1, 0.9]])
    >>> find_multilabel_issues_per_class(labels, pred_probs)[-1]  # given 0, not 1: both wrong
    array([ True,  True])
    """
    adjust_pred_probs = check_rank_by_kwargs(rank_by_kwargs, return_indices_ranked_by)
    indicator, pred_probs = _check(labels, pred_probs)
    n_classes = pred_probs.shape[1]
    if confident_joint is not None:
        confident_joint = _check_joints(confident_joint, n_classes)
    results = _one_vs_rest(
        indicator, pred_probs, n_jobs, filter_by=filter_by, frac_noise=frac_noise,
        num_to_remove_per_class=check_num_to_remove_per_class(num_to_remove_per_class,
                                                              filter_by, n_classes),
        min_examples_per_class=min_examples_per_class, multiple_confident=multiple_confident,
        confident_joint=confident_joint, rank_by=return_indices_ranked_by,
        adjust_pred_probs=adjust_pred_probs,
    )
    if return_indices_ranked_by is None:
        return np.column_stack([result.label_issues for result in results])
    problems = list(_binary_problems(indicator, pred_probs))
    return ([result.ranked_label_issues for result in results],
            [binary_labels for binary_labels, _ in problems],
            [binary_probs for _, binary_probs in problems])


#: The options of find_label_issues that low_memory=True does not use, with their defaults.
_PRUNING_DEFAULTS = {"filter_by": "prune_by_noise_rate", "frac_noise": 1.0,
                     "num_to_remove_per_class": None, "min_examples_per_class": 1,
                     "confident_joint": None, "multiple_confident": "argmax"}


def _check_low_memory_options(**options):
    for name, default in _PRUNING_DEFAULTS.items():
        value = options[name]
        if (value is not None) if default is None else (value != default):
            raise ValueError(
                f"{name} does not apply with low_memory=True, which flags the lowest-scoring "
                f"examples of each class; leave it at its default ({default!r}) or set "
                "low_memory=False."
            )


def _lowest_score_issues(indicator, pred_probs, method, n_jobs):
    """True for the examples flagged by the low-memory rule in at least one class."""
    n_threads = kernel_threads(n_jobs, pred_probs)
    issues = np.zeros(len(indicator), dtype=bool)
    for binary_labels, binary_probs in _binary_problems(indicator, pred_probs):
        issues |= issues_by_lowest_scores(binary_labels, binary_probs, method=method,
                                          n_threads=n_threads)
    return issues


def _any_class_issue(indicator, pred_probs, n_jobs, **options):
    """True for the examples with an issue in at least one class's binary problem."""
    issues = np.zeros(len(indicator), dtype=bool)
    for result in _one_vs_rest(indicator, pred_probs, n_jobs, **options):
        issues |= result.label_issues
    return issues
