"""Checks of the functional API's inputs: one place, clear messages, inputs never modified."""

import numbers

import numpy as np

from ._counting import find_invalid_row
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


def check_pred_probs(pred_probs, *, n_jobs=None):
    """Return ``pred_probs`` as a C-contiguous float32 or float64 array, checked.

    float32 and float64 arrays that are already C-contiguous are returned as they are (no copy);
    other dtypes are converted to float64.
    """
    if hasattr(pred_probs, "toarray"):
        raise TypeError("pred_probs must be a dense array; call .toarray() on the sparse matrix.")
    pred_probs = np.asarray(pred_probs)
    if pred_probs.dtype not in (np.float32, np.float64):
        if not (np.issubdtype(pred_probs.dtype, np.number) or pred_probs.dtype == bool):
            raise ValueError(
                f"pred_probs must hold numbers, got dtype {pred_probs.dtype}."
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
    row = find_invalid_row(pred_probs, ROW_SUM_TOLERANCE, kernel_threads(n_jobs, pred_probs))
    if row >= 0:
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
        total = float(values.sum(dtype=np.float64))
        raise ValueError(
            f"Row {row} of pred_probs sums to {total:.6g}, not 1 (tolerance "
            f"{ROW_SUM_TOLERANCE:g}), or holds values above 1. Each row must be a probability "
            "distribution over the classes: apply a softmax to logits, or divide each row by "
            "its sum."
        )
    return pred_probs


def check_labels(labels, n_samples, n_classes, *, allow_one_class=False):
    """Return ``labels`` as a 1-D ``np.intp`` array of class indices 0..K-1, checked."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(
            f"labels must be a 1-D array of class indices, got shape {labels.shape}."
        )
    if labels.shape[0] != n_samples:
        raise ValueError(
            f"labels has {labels.shape[0]} entries but pred_probs has {n_samples} rows; "
            "they must describe the same examples in the same order."
        )
    if not np.issubdtype(labels.dtype, np.integer):
        if labels.dtype.kind == "f" and np.all(np.isfinite(labels)) and np.all(labels % 1 == 0):
            labels = labels.astype(np.intp)
        else:
            raise ValueError(
                f"labels must be integers 0..{n_classes - 1} that index the columns of "
                f"pred_probs, got dtype {labels.dtype}. Encode other labels with "
                "sklearn.preprocessing.LabelEncoder."
            )
    low, high = labels.min(), labels.max()
    if low < 0 or high >= n_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"labels must be in 0..{n_classes - 1} (one per column of pred_probs), found {bad}."
        )
    labels = np.ascontiguousarray(labels, dtype=np.intp)
    if not allow_one_class and n_samples > 1 and low == high:
        raise ValueError(
            f"labels contain a single class ({low}); finding label issues needs examples of "
            "at least two classes."
        )
    return labels


def check_labels_and_pred_probs(labels, pred_probs, *, n_jobs=None, allow_one_class=False):
    """Check both arrays together; return ``(labels, pred_probs)`` ready for the kernels."""
    pred_probs = check_pred_probs(pred_probs, n_jobs=n_jobs)
    labels = check_labels(labels, *pred_probs.shape, allow_one_class=allow_one_class)
    return labels, pred_probs


def check_confident_joint(confident_joint, n_classes):
    """Return the confident joint as a float or int array of shape (K, K), checked."""
    confident_joint = np.asarray(confident_joint)
    if confident_joint.shape != (n_classes, n_classes):
        raise ValueError(
            f"confident_joint must have shape ({n_classes}, {n_classes}) for {n_classes} "
            f"classes, got {confident_joint.shape}. Compute it with "
            "sklearn_noisy.count.compute_confident_joint(labels, pred_probs)."
        )
    if not np.issubdtype(confident_joint.dtype, np.number):
        raise ValueError(f"confident_joint must hold numbers, got dtype {confident_joint.dtype}.")
    if not np.all(np.isfinite(confident_joint)) or np.any(confident_joint < 0):
        raise ValueError("confident_joint must hold finite, non-negative counts.")
    return confident_joint


def check_option(value, name, allowed):
    """Raise a ValueError naming the allowed values if ``value`` is not one of them."""
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name}={value!r} is not supported; choose one of {choices}.")
    return value


def check_frac_noise(frac_noise):
    if (
        not isinstance(frac_noise, numbers.Real)
        or isinstance(frac_noise, bool)
        or not 0 < frac_noise <= 1
    ):
        raise ValueError(
            f"frac_noise must be a number in (0, 1], got {frac_noise!r}; 1.0 returns every "
            "label issue found, 0.5 the half with the most evidence."
        )
    return float(frac_noise)


def check_non_negative_int(value, name):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}.")
    return int(value)


def check_counts_per_class(counts, n_classes, name):
    """Return a length-K array of non-negative integers."""
    counts = np.asarray(counts)
    if counts.shape != (n_classes,):
        raise ValueError(
            f"{name} must have one entry per class ({n_classes}), got shape {counts.shape}."
        )
    if not np.issubdtype(counts.dtype, np.integer) or np.any(counts < 0):
        raise ValueError(f"{name} must hold non-negative integers.")
    return counts.astype(np.int64)


def check_rank_by_kwargs(rank_by_kwargs):
    """Only ``adjust_pred_probs`` is an extra argument of the ranking scores."""
    unknown = set(rank_by_kwargs or {}) - {"adjust_pred_probs"}
    if unknown:
        raise ValueError(
            f"rank_by_kwargs accepts only 'adjust_pred_probs', got {sorted(unknown)}."
        )
    return rank_by_kwargs or {}
