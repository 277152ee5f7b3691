"""Checks of the inputs: one place, clear messages, inputs never modified.

The scalar and option arguments of the public functions and of the estimators are checked by
scikit-learn's parameter validation (``validate_params`` and ``_parameter_constraints``) with
the constraint objects defined here, so a bad ``filter_by`` gets the same message everywhere.
The array arguments are checked by the ``check_*`` functions.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import Interval, StrOptions

from ._counting import find_invalid_row, group_checked_rows
from ._threads import kernel_threads

#: How far a row of ``pred_probs`` may sum from 1 before it is rejected.
ROW_SUM_TOLERANCE = 1e-3

FILTER_BY = (
    "prune_by_noise_rate",
    "prune_by_class",
    "both",
    "confident_learning",
    "predicted_neq_given",
    "low_normalized_margin",
    "low_self_confidence",
)
RANK_BY = ("self_confidence", "normalized_margin", "confidence_weighted_entropy")
MULTIPLE_CONFIDENT = ("argmax", "confident_argmax")
PRUNING_FILTERS = ("prune_by_noise_rate", "prune_by_class", "both")
#: The largest count accepted (so that no count overflows the kernels' integers).
MAX_COUNT = 2**53


class StrictInterval(Interval):
    """An :class:`~sklearn.utils._param_validation.Interval` that refuses booleans.

    ``True`` is an ``int`` in Python, but ``frac_noise=True`` or ``top=True`` is a mistake.
    """

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


#: Constraints shared by the public functions (``validate_params``) and the estimators.
FILTER_BY_OPTIONS = StrOptions(set(FILTER_BY))
RANK_BY_OPTIONS = StrOptions(set(RANK_BY))
MULTIPLE_CONFIDENT_OPTIONS = StrOptions(set(MULTIPLE_CONFIDENT))
FRACTION = StrictInterval(Real, 0, 1, closed="right")
NON_NEGATIVE_INT = StrictInterval(Integral, 0, MAX_COUNT, closed="both")
NON_NEGATIVE_REAL = StrictInterval(Real, 0, None, closed="left")
#: ``pred_probs`` may be sparse here so that its check can say how to make it dense.
PRED_PROBS = ["array-like", "sparse matrix"]
N_JOBS = [
    StrictInterval(Integral, None, -1, closed="right"),
    StrictInterval(Integral, 1, None, closed="left"),
    None,
]
#: The parameters of ``find_label_issues``, multi-class and multi-label.
FIND_LABEL_ISSUES_PARAMETERS = {
    "labels": ["array-like"],
    "pred_probs": PRED_PROBS,
    "filter_by": [FILTER_BY_OPTIONS],
    "return_indices_ranked_by": [RANK_BY_OPTIONS, None],
    "rank_by_kwargs": [dict, None],
    "frac_noise": [FRACTION],
    "num_to_remove_per_class": ["array-like", Integral, None],
    "min_examples_per_class": [NON_NEGATIVE_INT],
    "confident_joint": ["array-like", None],
    "multiple_confident": [MULTIPLE_CONFIDENT_OPTIONS],
    "n_jobs": N_JOBS,
}


def as_array(value, name):
    """``np.asarray(value)``, with our own message where numpy cannot make an array of it."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"{name} must be an array of numbers with every row of the same length (not a "
            f"ragged nested list), got a {type(value).__name__} numpy cannot read: {error}"
        ) from None


def check_pred_probs(pred_probs, *, n_jobs=None, copy=False):
    """Return ``pred_probs`` as a C-contiguous float32 or float64 array, checked.

    float32 and float64 arrays that are already C-contiguous are returned as they are, unless
    ``copy`` asks for an array of its own (made during the check, in the same pass); other
    dtypes are converted to float64.
    """
    pred_probs, copy_to = prepare_pred_probs(pred_probs, copy)
    row = find_invalid_row(pred_probs, ROW_SUM_TOLERANCE, kernel_threads(n_jobs, pred_probs),
                           copy_to)
    raise_if_invalid_row(pred_probs, row)
    return pred_probs if copy_to is None else copy_to


def prepare_pred_probs(pred_probs, copy):
    """Check everything but the rows' values; return ``(pred_probs, copy_to)``.

    ``copy_to`` is an empty array for the rows' copy if ``copy`` asks for one and no conversion
    made one already, else None.
    """
    if hasattr(pred_probs, "toarray"):
        raise TypeError("pred_probs must be a dense array; call .toarray() on the sparse matrix.")
    pred_probs = original = as_array(pred_probs, "pred_probs")
    if pred_probs.dtype not in (np.float32, np.float64):
        if pred_probs.dtype.kind not in "biuf":
            raise ValueError(
                f"pred_probs must hold numbers (real, not complex), got dtype {pred_probs.dtype}."
            )
        pred_probs = pred_probs.astype(np.float64)
    if pred_probs.ndim != 2:
        raise ValueError(
            f"pred_probs must be a 2-D array of shape (n_samples, n_classes), got shape "
            f"{pred_probs.shape}. For a single example use pred_probs.reshape(1, -1)."
        )
    n_samples, n_classes = pred_probs.shape
    if n_samples == 0:
        raise ValueError("pred_probs is empty (0 examples); pass at least one example.")
    if n_classes < 2:
        raise ValueError(
            f"pred_probs has {n_classes} column(s); confident learning needs at least 2 classes, "
            "one column of predicted probabilities per class."
        )
    pred_probs = np.ascontiguousarray(pred_probs)
    return pred_probs, (np.empty_like(pred_probs) if copy and pred_probs is original else None)


def raise_if_invalid_row(pred_probs, row):
    """Say what is wrong with row ``row`` of ``pred_probs`` (if ``row >= 0``)."""
    if row < 0:
        return
    values = pred_probs[row]
    if not np.all(np.isfinite(values)):
        raise ValueError(
            f"pred_probs contains NaN or infinite values (first in row {row}); "
            "pass finite predicted probabilities."
        )
    if np.any(values < 0):
        raise ValueError(
            f"pred_probs contains negative values (first in row {row}); "
            "pass predicted probabilities (for example predict_proba's output), not scores."
        )
    fix = ("Each row must be a probability distribution over the classes: apply a softmax "
           "to logits, or divide each row by its sum.")
    total = float(values.sum(dtype=np.float64))
    if abs(total - 1) <= ROW_SUM_TOLERANCE:
        raise ValueError(f"pred_probs contains values above 1 (first in row {row}). {fix}")
    raise ValueError(
        f"Row {row} of pred_probs sums to {total!r}, not 1 (tolerance "
        f"{ROW_SUM_TOLERANCE:g}). {fix}"
    )


def check_labels(labels, n_samples, n_classes, *, allow_one_class=False):
    """Return ``labels`` as a 1-D ``np.intp`` array of class indices 0..K-1, checked."""
    labels = as_array(labels, "labels")
    if labels.ndim != 1:
        raise ValueError(
            f"labels must be a 1-D array of class indices, got shape {labels.shape}."
        )
    if labels.shape[0] != n_samples:
        raise ValueError(
            f"labels has {labels.shape[0]} entries but pred_probs has {n_samples} rows; "
            "they must describe the same examples in the same order."
        )
    whole_floats = (labels.dtype.kind == "f" and np.all(np.isfinite(labels))
                    and np.all(labels % 1 == 0))
    if labels.dtype.kind not in "iu" and not whole_floats:
        raise ValueError(
            f"labels must be integers 0..{n_classes - 1} that index the columns of "
            f"pred_probs, got dtype {labels.dtype}. Encode other labels with "
            "sklearn.preprocessing.LabelEncoder."
        )
    # The range is checked in the labels' own type, before any conversion could wrap around.
    low, high = labels.min().item(), labels.max().item()
    if low < 0 or high >= n_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"labels must be in 0..{n_classes - 1} (one per column of pred_probs), found {bad}."
        )
    low = int(low)
    labels = np.ascontiguousarray(labels, dtype=np.intp)
    if not allow_one_class and n_samples > 1 and low == high:
        raise ValueError(
            f"labels contain a single class ({low}); finding label issues needs examples of "
            "at least two classes."
        )
    return labels


def encode_class_labels(y):
    """The sorted classes of the 1-d ``y`` and each label's index among them.

    The same as :class:`~sklearn.preprocessing.LabelEncoder`'s ``classes_`` and
    ``transform``. Integer labels over a range no wider than their number are counted
    instead of sorted: one pass over ``y`` rather than several sorts of it.

    Returns
    -------
    classes : ndarray of the dtype of ``y``
    encoded : ndarray of intp
    """
    if y.dtype.kind in "iu" and y.size:
        low, high = int(y.min()), int(y.max())
        if high - low <= y.size and high <= np.iinfo(np.intp).max:
            shifted = y.astype(np.intp, copy=False) - low
            present = np.flatnonzero(np.bincount(shifted))
            classes = (present + low).astype(y.dtype)
            if len(present) == high - low + 1:
                return classes, shifted
            index = np.zeros(high - low + 1, dtype=np.intp)
            index[present] = np.arange(len(present))
            return classes, index[shifted]
    encoder = LabelEncoder().fit(y)
    return encoder.classes_, encoder.transform(y).astype(np.intp, copy=False)


def check_labels_and_pred_probs(labels, pred_probs, *, n_jobs=None, allow_one_class=False):
    """Check both arrays together; return ``(labels, pred_probs)`` ready for the kernels."""
    pred_probs = check_pred_probs(pred_probs, n_jobs=n_jobs)
    labels = check_labels(labels, *pred_probs.shape, allow_one_class=allow_one_class)
    return labels, pred_probs


def check_and_group(labels, pred_probs, *, n_jobs=None, allow_one_class=False):
    """Check both arrays and group the examples by label, in the pass that checks the rows.

    Returns ``(labels, pred_probs, grouping)``, ``grouping`` as
    :func:`sklearn_noisy._counting.group_by_label` returns it. The labels are checked first, as
    the grouping needs them.
    """
    pred_probs, _ = prepare_pred_probs(pred_probs, copy=False)
    labels = check_labels(labels, *pred_probs.shape, allow_one_class=allow_one_class)
    row, *grouping = group_checked_rows(pred_probs, labels, ROW_SUM_TOLERANCE,
                                        kernel_threads(n_jobs, pred_probs))
    raise_if_invalid_row(pred_probs, row)
    return labels, pred_probs, grouping


def check_confident_joint(confident_joint, n_classes):
    """Return the confident joint as a float or int array of shape (K, K), checked."""
    confident_joint = as_array(confident_joint, "confident_joint")
    if confident_joint.shape != (n_classes, n_classes):
        raise ValueError(
            f"confident_joint must have shape ({n_classes}, {n_classes}) for {n_classes} "
            f"classes, got {confident_joint.shape}. Compute it with "
            "sklearn_noisy.count.compute_confident_joint(labels, pred_probs)."
        )
    if confident_joint.dtype.kind not in "iuf":
        raise ValueError(
            f"confident_joint must hold numbers (counts), got dtype {confident_joint.dtype}."
        )
    if (
        not np.all(np.isfinite(confident_joint))
        or np.any(confident_joint < 0)
        or np.any(confident_joint.astype(np.float64) > MAX_COUNT)
    ):
        raise ValueError(
            f"confident_joint must hold finite, non-negative counts (at most {MAX_COUNT}), "
            "as compute_confident_joint returns them."
        )
    return confident_joint


def check_counts_per_class(counts, n_classes, name):
    """Return a length-K int64 array of counts; a single number applies to every class."""
    counts = as_array(counts, name)
    if counts.ndim == 0:
        counts = np.full(n_classes, counts[()])
    if counts.shape != (n_classes,):
        raise ValueError(
            f"{name} must be one number or have one entry per class ({n_classes}), got shape "
            f"{counts.shape}."
        )
    if (
        counts.dtype.kind not in "iu"
        or np.any(counts < 0)
        or np.any(counts.astype(np.float64) > MAX_COUNT)
    ):
        raise ValueError(
            f"{name} must hold non-negative integers (at most {MAX_COUNT}), got {counts.tolist()}."
        )
    return counts.astype(np.int64)


def check_num_to_remove_per_class(num_to_remove_per_class, filter_by, n_classes):
    """``num_to_remove_per_class`` as counts per class, or None; only for the pruning methods."""
    if num_to_remove_per_class is None:
        return None
    if filter_by not in PRUNING_FILTERS:
        raise ValueError(
            f"num_to_remove_per_class applies only to filter_by in {sorted(PRUNING_FILTERS)}, "
            f"not {filter_by!r}."
        )
    return check_counts_per_class(num_to_remove_per_class, n_classes, "num_to_remove_per_class")


def check_thresholds(thresholds, n_classes):
    """Return per-class thresholds as a float64 array of shape (K,), checked.

    Each is a probability in [0, 1], or 2, the mark that
    :func:`sklearn_noisy.count.get_confident_thresholds` gives a class without examples.
    """
    thresholds = as_array(thresholds, "thresholds")
    if thresholds.shape != (n_classes,):
        raise ValueError(
            f"thresholds must have one entry per class ({n_classes}), got shape "
            f"{thresholds.shape}."
        )
    if thresholds.dtype.kind not in "iuf":
        raise ValueError(f"thresholds must hold real numbers, got dtype {thresholds.dtype}.")
    valid = ((thresholds >= 0) & (thresholds <= 1)) | (thresholds == 2)
    if not np.all(valid):
        raise ValueError(
            f"thresholds must be probabilities in [0, 1] (or 2 for a class without examples), "
            f"got {thresholds[~valid][0]!r}."
        )
    return thresholds


def check_rank_by_kwargs(rank_by_kwargs, method):
    """The extra arguments of a ranking score: only ``adjust_pred_probs``, a bool.

    Returns the value of ``adjust_pred_probs``.
    """
    rank_by_kwargs = {} if rank_by_kwargs is None else rank_by_kwargs
    if not isinstance(rank_by_kwargs, dict):
        raise TypeError(f"rank_by_kwargs must be a dict or None, got {rank_by_kwargs!r}.")
    unknown = set(rank_by_kwargs) - {"adjust_pred_probs"}
    if unknown:
        raise ValueError(
            f"rank_by_kwargs accepts only 'adjust_pred_probs', got {sorted(unknown)}."
        )
    return check_adjust_pred_probs(rank_by_kwargs.get("adjust_pred_probs", False), method)


def check_adjust_pred_probs(adjust_pred_probs, method):
    if not isinstance(adjust_pred_probs, (bool, np.bool_)):
        raise TypeError(f"adjust_pred_probs must be True or False, got {adjust_pred_probs!r}.")
    if adjust_pred_probs and method == "confidence_weighted_entropy":
        raise ValueError(
            "adjust_pred_probs=True is not available with method='confidence_weighted_entropy'; "
            "use 'self_confidence' or 'normalized_margin'."
        )
    return bool(adjust_pred_probs)
