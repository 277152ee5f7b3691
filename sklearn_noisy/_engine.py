"""The confident-learning computation, on inputs that are already checked.

The public modules (``count``, ``filter``, ``rank``, ``multilabel``) and the estimators check
their arguments once, then call :func:`confident_learning`, which does the rest in one pass
over the data and returns every result a caller may want as one :class:`ConfidentLearning`:

1. group the examples by given label (a counting sort) and take each class's threshold, the
   mean self-confidence of its examples;
2. the confident pass: one kernel call over ``pred_probs`` that counts the confident joint and
   notes, per example, its guessed true label and whether its given label is the argmax;
3. the confident joint: the counts with their diagonal clipped, calibrated;
4. the label issues of the chosen ``filter_by``, from the pruning quota and one selection
   kernel call (or from the pass itself, or from the quality scores);
5. the label quality scores and the issues ranked by them.

Inputs here are ``labels`` as a C-contiguous ``np.intp`` array of class indices and
``pred_probs`` as a C-contiguous float32 or float64 array, as ``_validation`` returns them.

Every O(n*K) step is a kernel that reads one block of rows at a time and whose results over
row blocks add up (:func:`class_sums`, the confident counts) or merge (the per-class
selections), so that a map-reduce over row blocks can reproduce them; the K x K algebra in
between is small and runs in numpy.
"""

from dataclasses import dataclass

import numpy as np

from ._counting import (
    LABEL_IS_ARGMAX,
    LABEL_NEAR_ARGMAX,
    confident_pass,
    count_by_label,
    group_by_label,
)
from ._scores import Method
from ._scores import quality_scores as score_rows
from ._selection import PRUNED_BY_CLASS, PRUNED_BY_NOISE_RATE, prune_flags

#: Threshold given to a class that no example is labelled with: no probability reaches it.
MISSING_CLASS_THRESHOLD = 2
#: Thresholds are clipped from below to this value (twice the default tolerance).
THRESHOLD_FLOOR = 2e-6
#: The reference's tolerance: ``p`` reaches a threshold ``t`` when ``p >= t - 1e-6``.
REFERENCE_TOLERANCE = 1e-6
#: Residual below which a rounded sum counts as preserved.
ROUNDING_TOLERANCE = 1e-6
#: Smallest divisor of the K x K algebra.
TINY = 1e-100

#: The bits of the selection kernel that each pruning ``filter_by`` requires.
PRUNE_BITS = {
    "prune_by_class": PRUNED_BY_CLASS,
    "prune_by_noise_rate": PRUNED_BY_NOISE_RATE,
    "both": PRUNED_BY_CLASS | PRUNED_BY_NOISE_RATE,
}
#: The ``filter_by`` methods that take the examples with the lowest score of this method.
LOW_SCORE_FILTERS = {
    "low_normalized_margin": "normalized_margin",
    "low_self_confidence": "self_confidence",
}
SCORE_METHODS = {
    "self_confidence": Method.SELF_CONFIDENCE,
    "normalized_margin": Method.NORMALIZED_MARGIN,
    "confidence_weighted_entropy": Method.CONFIDENCE_WEIGHTED_ENTROPY,
}


@dataclass(frozen=True)
class LabelGroups:
    """The examples sorted by given label: class ``k`` is ``order[offsets[k]:offsets[k + 1]]``.

    ``self_confidence`` holds ``pred_probs[i, labels[i]]`` in the same order, so each class's
    self-confidences are one contiguous slice.
    """

    offsets: np.ndarray
    order: np.ndarray
    self_confidence: np.ndarray

    @property
    def label_counts(self):
        return np.diff(self.offsets)

    def of_class(self, k):
        return slice(self.offsets[k], self.offsets[k + 1])


@dataclass(frozen=True)
class ConfidentLearning:
    """What one pass of confident learning found; fields a caller did not ask for are None.

    Attributes
    ----------
    label_counts : ndarray of shape (K,)
        Examples given each label.
    thresholds : ndarray of shape (K,)
        The per-class confident thresholds used.
    confident_counts : ndarray of shape (K, K)
        The raw confident joint: no diagonal clip, no calibration.
    true_label_guess : ndarray of shape (n,)
        Each example's confidently guessed true label, -1 where no class is confident.
    agreement : ndarray of shape (n,)
        ``LABEL_NEAR_ARGMAX`` and ``LABEL_IS_ARGMAX`` bits of each example.
    off_diagonal : ndarray of bool of shape (n,)
        The examples counted off the diagonal of the confident joint.
    confident_joint : ndarray of shape (K, K)
        The confident joint as asked for (clipped, calibrated) or as given.
    label_issues : ndarray of bool of shape (n,)
    quality_scores : ndarray of shape (n,)
    ranked_label_issues : ndarray of int
    """

    label_counts: np.ndarray
    thresholds: np.ndarray
    confident_counts: np.ndarray
    true_label_guess: np.ndarray
    agreement: np.ndarray
    off_diagonal: np.ndarray
    confident_joint: np.ndarray
    label_issues: np.ndarray = None
    quality_scores: np.ndarray = None
    ranked_label_issues: np.ndarray = None


def group_labels(labels, pred_probs):
    """Sort the examples by given label (see :class:`LabelGroups`)."""
    return LabelGroups(*group_by_label(labels, pred_probs))


def thresholds_from_groups(groups):
    """Per-class mean self-confidence, in the input's precision, clipped from below.

    Each mean is numpy's ``mean`` of one contiguous class slice, so it is the same number as
    averaging ``pred_probs[labels == k, k]``. A class without examples gets a threshold of 2,
    which no probability reaches (the array is then float64).
    """
    counts = groups.label_counts
    dtype = groups.self_confidence.dtype if np.all(counts > 0) else np.float64
    means = [
        np.mean(groups.self_confidence[groups.of_class(k)]) if counts[k]
        else MISSING_CLASS_THRESHOLD
        for k in range(len(counts))
    ]
    return np.clip(np.array(means, dtype=dtype), THRESHOLD_FLOOR, None)


def class_sums(labels, self_confidence, n_classes):
    """Per-class example counts and sums of self-confidence of one block of rows.

    The partial results of the thresholds: summed over row blocks, ``sums / counts`` is each
    class's mean self-confidence (to rounding; :func:`thresholds_from_groups` is exact).
    """
    counts = np.bincount(labels, minlength=n_classes)
    sums = np.bincount(labels, weights=self_confidence, minlength=n_classes)
    return counts, sums


def cutoffs_in_input_precision(cutoffs, dtype):
    """The smallest values of ``dtype`` that reach ``cutoffs``.

    ``cutoffs`` is computed as numpy would (in the thresholds' own precision); numpy then
    compares the probabilities with it in the wider of the two types. For float32 input, the
    smallest float32 at or above each cutoff makes a float32 comparison give the same answer.
    """
    cutoffs = np.asarray(cutoffs, dtype=np.float64)
    rounded = cutoffs.astype(dtype)
    below = rounded.astype(np.float64) < cutoffs
    rounded[below] = np.nextafter(rounded[below], np.inf)
    return np.ascontiguousarray(rounded)


def confident_counts(labels, pred_probs, thresholds, *, multiple_confident="argmax",
                     threshold_tolerance=REFERENCE_TOLERANCE, n_threads=1, groups=None):
    """The confident pass over one block of rows.

    Returns ``(counts, true_label_guess, agreement)``: the raw confident joint (its sum over
    row blocks is the whole data's), each example's guessed true label (-1 if no class is
    confident), and the bits ``LABEL_NEAR_ARGMAX`` / ``LABEL_IS_ARGMAX``. ``groups`` (the rows'
    :class:`LabelGroups`, if the caller has it) lets the counting go class by class.
    """
    n_samples, n_classes = pred_probs.shape
    cutoffs = cutoffs_in_input_precision(np.asarray(thresholds) - threshold_tolerance,
                                         pred_probs.dtype)
    guess = np.empty(n_samples, dtype=np.intc)
    agreement = np.empty(n_samples, dtype=np.uint8)
    confident_pass(pred_probs, labels, cutoffs, multiple_confident == "confident_argmax",
                   n_threads, guess, agreement)
    if groups is not None:
        counts = count_by_label(groups.order, groups.offsets, guess, n_threads)
    else:
        confident = guess >= 0
        counts = np.bincount(labels[confident] * n_classes + guess[confident],
                             minlength=n_classes * n_classes).reshape(n_classes, n_classes)
    return counts, guess, agreement


def finish_confident_joint(counts, label_counts, *, min_diagonal=1, calibrate=True):
    """Clip the diagonal of raw counts from below, then optionally calibrate.

    The joint is kept in column-major memory order, as the reference's (the transpose of a
    confusion matrix) is: numpy then adds its entries in the same order during calibration,
    and the rounding that follows breaks near-ties the same way.
    """
    joint = np.asfortranarray(counts, dtype=int)
    np.fill_diagonal(joint, np.maximum(np.diagonal(joint), min_diagonal))
    return calibrate_joint(joint, label_counts) if calibrate else joint


def calibrate_joint(confident_joint, label_counts):
    """Rescale rows to ``label_counts`` and the total to ``label_counts.sum()``; round."""
    row_totals = np.clip(confident_joint.sum(axis=1), TINY, None)
    calibrated = (confident_joint.T / row_totals * label_counts).T
    calibrated = calibrated / np.clip(np.sum(calibrated), TINY, None) * np.sum(label_counts)
    return round_preserving_row_totals(calibrated)


def round_preserving_sum(values):
    """Round to integers so that the total stays the rounded total of ``values``.

    Rounding each entry may change the sum by a few units; the entries whose rounding moved
    them furthest from the needed direction are adjusted by one. Ties between equal residuals
    are resolved in numpy's default ``argsort`` order, as the reference does.
    """
    values = np.asarray(values, dtype=float)
    rounded = values.round()
    target = np.sum(values).round()
    while abs(np.sum(rounded).round() - target) > ROUNDING_TOLERANCE:
        missing = np.round(target - np.sum(rounded).round())
        step = 1 if missing > 0 else -1
        n_changes = min(int(abs(missing)), len(values))
        residual_order = np.argsort(values - rounded)
        if step > 0:
            residual_order = residual_order[::-1]
        rounded[residual_order[:n_changes]] += step
    return rounded.astype(int)


def round_preserving_row_totals(matrix):
    """Round each row of a float matrix to integers, preserving the row totals.

    Every row as :func:`round_preserving_sum` rounds it, all rows at once. The entries to
    adjust are found by a partition instead of a sort, unless the cut falls inside a group of
    equal residuals: then only the sort tells which of them it takes.
    """
    values = np.array(matrix, dtype=float, order="C", ndmin=2)
    rounded = values.round()
    missing = np.round(values.sum(axis=1).round() - rounded.sum(axis=1).round())
    # One adjustment suffices: each row misses fewer units than it has entries.
    for row in np.flatnonzero(np.abs(missing) > ROUNDING_TOLERANCE):
        rounded[row, entries_to_adjust(values[row] - rounded[row], missing[row])] += np.sign(
            missing[row])
    return rounded.astype(int).reshape(np.shape(matrix))


def entries_to_adjust(residuals, missing):
    """The entries :func:`round_preserving_sum` moves by one unit toward ``missing``."""
    n_changes = min(int(abs(missing)), len(residuals))
    # Up: the largest residuals; down: the smallest.
    keys = -residuals if missing > 0 else residuals
    cut = np.partition(keys, n_changes - 1)[n_changes - 1]
    below, at_cut = keys < cut, keys == cut
    if np.count_nonzero(below) + np.count_nonzero(at_cut) == n_changes:
        return below | at_cut
    order = np.argsort(residuals)
    return (order[::-1] if missing > 0 else order)[:n_changes]


def assume_no_errors_in(confident_joint, clean):
    """The confident joint if no example labelled ``clean`` belongs to another class.

    The counts of row ``clean`` off the diagonal move onto its diagonal, so row sums (the
    label counts) are kept.
    """
    joint = np.array(confident_joint, copy=True)
    joint[clean, clean] = joint[clean].sum()
    joint[clean, np.arange(len(joint)) != clean] = 0
    return joint


# --------------------------------------------------------------------------- pruning


def keep_at_least_n_per_class(prune_counts, n, frac_noise):
    """Adjust a prune-count matrix (rows: true label, columns: given label).

    Each diagonal entry is raised to at least ``n`` (examples kept per class), the increase
    taken evenly from that column's non-zero off-diagonal entries; then the off-diagonal
    entries are scaled by ``frac_noise`` and what they lose is moved to the diagonal, so
    column totals are preserved. The result is truncated to integers (the reference then
    rounds those integers preserving row totals, which leaves them as they are).
    """
    diagonal = np.diagonal(prune_counts)
    new_diagonal = np.maximum(diagonal, n)
    increase = new_diagonal - diagonal
    n_noise_rates = np.maximum(np.count_nonzero(prune_counts, axis=0) - 1.0, 1.0)
    adjusted = prune_counts - increase / n_noise_rates
    adjusted[adjusted < 0] = 0
    np.fill_diagonal(adjusted, new_diagonal)
    scaled = adjusted * frac_noise
    # Only the off-diagonal entries are scaled: the diagonal gets back what they lose.
    np.fill_diagonal(scaled, np.diagonal(adjusted))
    np.fill_diagonal(scaled, np.diagonal(adjusted) + np.sum(adjusted - scaled, axis=0))
    return scaled.astype(int)


def prune_counts_for_quota(prune_counts, label_counts, num_to_remove_per_class):
    """Rescale the off-diagonals of each column to remove the requested number per class.

    A class with no estimated noise has nothing to rescale: none of it is removed (the
    reference divides by zero there).
    """
    joint = prune_counts / np.sum(prune_counts, axis=1)
    noise_per_given = joint.sum(axis=1) - joint.diagonal()
    with np.errstate(divide="ignore", invalid="ignore"):
        rescaled = (joint.T * num_to_remove_per_class / noise_per_given).T
    rescaled[noise_per_given == 0] = 0
    np.fill_diagonal(rescaled, label_counts - num_to_remove_per_class)
    return round_preserving_row_totals(rescaled)


def pruning_quota(confident_joint, label_counts, *, frac_noise=1.0, min_examples_per_class=1,
                  num_to_remove_per_class=None):
    """How many examples of each given class to flag, as a (K, K) matrix.

    ``quota[i, j]`` (``j != i``) is the number of examples labelled ``i`` to flag by the
    margin toward ``j`` (prune by noise rate); ``quota[i, i]`` the number to flag by low
    self-confidence (prune by class).
    """
    prune_counts = keep_at_least_n_per_class(
        np.asarray(confident_joint).T, min_examples_per_class, frac_noise
    )
    if num_to_remove_per_class is not None:
        prune_counts = prune_counts_for_quota(prune_counts, label_counts, num_to_remove_per_class)
    quota = prune_counts.T.copy()
    np.fill_diagonal(quota, label_counts - np.diagonal(prune_counts))
    # Classes too small to prune; a class with a single example is never pruned.
    quota[label_counts <= max(min_examples_per_class, 1)] = 0
    return np.ascontiguousarray(np.clip(quota, 0, None), dtype=np.intp)


def smallest(values, count):
    """Indices of the ``count`` smallest of ``values`` (ties: smaller index first), unordered.

    One partition, O(n): the values below the ``count``-th smallest, then as many of those
    equal to it as are missing, in increasing index.
    """
    if count <= 0:
        return np.empty(0, dtype=np.intp)
    if count >= len(values):
        return np.arange(len(values))
    kth = np.partition(values, count - 1)[count - 1]
    below = np.flatnonzero(values < kth)
    ties = np.flatnonzero(values == kth)[:count - len(below)]
    return np.concatenate([below, ties])


def lowest(scores, count):
    """Mask of the ``count`` lowest scores (ties: smaller index first)."""
    mask = np.zeros(len(scores), dtype=bool)
    mask[smallest(scores, count)] = True
    return mask


# --------------------------------------------------------------------------- scores


def quality_scores(labels, pred_probs, method, *, thresholds=None, n_threads=1):
    """Label quality scores; with ``thresholds``, of the threshold-adjusted probabilities."""
    adjust = np.empty(0) if thresholds is None else np.asarray(thresholds, dtype=np.float64)
    return score_rows(pred_probs, labels, SCORE_METHODS[method], adjust, n_threads)


def rank_issues(label_issues, scores):
    """Indices of the flagged examples, lowest score first (ties: smaller index first)."""
    issues = np.flatnonzero(label_issues)
    return issues[stable_argsort(scores[issues])]


def stable_argsort(values):
    """``np.argsort(values, kind="stable")`` of a 1-D array of numbers, several times faster.

    float32 values and their positions are packed into one uint64 key each, whose plain sort
    is the stable order (numpy sorts integers much faster than it stably sorts floats).
    Otherwise an unstable argsort serves unless it finds equal values.
    """
    n = len(values)
    if np.isnan(values).any():
        return np.argsort(values, kind="stable")
    if values.dtype == np.float32 and n <= np.iinfo(np.uint32).max:
        # Adding 0 turns -0.0 into 0.0, which the float order does not tell apart.
        bits = (values + np.float32(0)).view(np.uint32)
        # An order-preserving map of IEEE floats onto unsigned integers.
        mapped = np.where(bits >> 31, ~bits, bits | np.uint32(1 << 31))
        keys = mapped.astype(np.uint64) << np.uint64(32)
        keys |= np.arange(n, dtype=np.uint64)
        keys.sort()
        return (keys & np.uint64(0xFFFFFFFF)).astype(np.intp)
    order = np.argsort(values)
    ranked = values[order]
    if np.any(ranked[1:] == ranked[:-1]):
        return np.argsort(values, kind="stable")
    return order


# --------------------------------------------------------------------------- one pass


def confident_learning(
    labels,
    pred_probs,
    *,
    n_threads=1,
    thresholds=None,
    multiple_confident="argmax",
    threshold_tolerance=REFERENCE_TOLERANCE,
    min_diagonal=1,
    calibrate=True,
    confident_joint=None,
    clean_class=None,
    filter_by=None,
    frac_noise=1.0,
    num_to_remove_per_class=None,
    min_examples_per_class=1,
    rank_by=None,
    adjust_pred_probs=False,
    groups=None,
):
    """Run confident learning on checked inputs, as far as the arguments ask.

    The thresholds, the confident pass and the confident joint are always computed (the joint
    as given, if ``confident_joint`` is passed). ``filter_by`` adds the label issues,
    ``rank_by`` the quality scores and, with ``filter_by``, the ranked issues.
    ``clean_class`` is a class assumed to have no label errors: its row of the joint moves onto
    the diagonal and none of its examples is an issue. ``groups`` is the examples' grouping by
    label if the caller has it already (see ``_validation.check_and_group``).

    Returns
    -------
    result : ConfidentLearning
    """
    if groups is None:
        groups = group_labels(labels, pred_probs)
    class_thresholds = thresholds_from_groups(groups)
    if thresholds is None:
        thresholds = class_thresholds
    counts, guess, agreement = confident_counts(
        labels, pred_probs, thresholds, multiple_confident=multiple_confident,
        threshold_tolerance=threshold_tolerance, n_threads=n_threads, groups=groups,
    )
    label_counts = groups.label_counts
    if confident_joint is None:
        confident_joint = finish_confident_joint(counts, label_counts, min_diagonal=min_diagonal,
                                                 calibrate=calibrate)
    if clean_class is not None:
        confident_joint = assume_no_errors_in(confident_joint, clean_class)

    off_diagonal = (guess >= 0) & (guess != labels)
    scores = {}

    def scores_of(method, adjust):
        if (method, adjust) not in scores:
            scores[method, adjust] = quality_scores(
                labels, pred_probs, method, n_threads=n_threads,
                thresholds=class_thresholds if adjust else None,
            )
        return scores[method, adjust]

    issues = None
    if filter_by is not None:
        if filter_by in LOW_SCORE_FILTERS:
            n_issues = np.count_nonzero(off_diagonal & ((agreement & LABEL_NEAR_ARGMAX) == 0))
            issues = lowest(scores_of(LOW_SCORE_FILTERS[filter_by], False), n_issues)
        else:
            if filter_by == "confident_learning":
                issues = off_diagonal.copy()
            elif filter_by == "predicted_neq_given":
                issues = (agreement & LABEL_IS_ARGMAX) == 0
            else:
                issues = pruned(labels, pred_probs, groups, confident_joint, agreement,
                                filter_by=filter_by, frac_noise=frac_noise,
                                num_to_remove_per_class=num_to_remove_per_class,
                                min_examples_per_class=min_examples_per_class,
                                n_threads=n_threads)
            # An example whose label is the argmax (within 1e-6) is not an issue.
            issues[(agreement & LABEL_NEAR_ARGMAX) != 0] = False
        if clean_class is not None:
            issues &= labels != clean_class

    quality = ranked = None
    if rank_by is not None:
        quality = scores_of(rank_by, adjust_pred_probs)
        if issues is not None:
            ranked = rank_issues(issues, quality)
    return ConfidentLearning(
        label_counts=label_counts,
        thresholds=thresholds,
        confident_counts=counts,
        true_label_guess=guess,
        agreement=agreement,
        off_diagonal=off_diagonal,
        confident_joint=confident_joint,
        label_issues=issues,
        quality_scores=quality,
        ranked_label_issues=ranked,
    )


def pruned(labels, pred_probs, groups, confident_joint, agreement, *, filter_by, frac_noise,
           num_to_remove_per_class, min_examples_per_class, n_threads):
    """The examples a pruning ``filter_by`` flags (before the argmax exception).

    Prune by class takes, in each class's contiguous slice of self-confidences, the lowest;
    prune by noise rate needs each row's margins, which the selection kernel scans.
    """
    quota = pruning_quota(
        confident_joint, groups.label_counts, frac_noise=frac_noise,
        min_examples_per_class=min_examples_per_class,
        num_to_remove_per_class=num_to_remove_per_class,
    )
    bits = PRUNE_BITS[filter_by]
    issues = None
    if bits & PRUNED_BY_NOISE_RATE:
        by_noise_rate = quota.copy()
        np.fill_diagonal(by_noise_rate, 0)
        issues = prune_flags(pred_probs, groups.order, groups.offsets, by_noise_rate,
                             agreement, n_threads) != 0
    if bits & PRUNED_BY_CLASS:
        by_class = np.zeros(len(labels), dtype=bool)
        for k in np.flatnonzero(np.diagonal(quota)):
            in_class = groups.of_class(k)
            picked = smallest(groups.self_confidence[in_class], quota[k, k])
            by_class[groups.order[in_class][picked]] = True
        issues = by_class if issues is None else np.logical_and(issues, by_class, out=issues)
    return issues
