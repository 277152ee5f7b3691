"""Finding the label issues: which examples are likely mislabelled."""

import numpy as np

from ._counting import group_by_label
from ._selection import prune_flags
from ._threads import kernel_threads
from ._validation import (
    FILTER_BY,
    MULTIPLE_CONFIDENT,
    RANK_BY,
    check_confident_joint,
    check_counts_per_class,
    check_frac_noise,
    check_labels_and_pred_probs,
    check_non_negative_int,
    check_option,
    check_rank_by_kwargs,
)
from .count import (
    _confident_counts,
    _count_confident_off_diagonal,
    _finish_confident_joint,
    _round_preserving_row_totals,
    _thresholds_from_groups,
)
from .rank import _order_issues, _quality_scores

PRUNE_BITS = {"prune_by_class": 1, "prune_by_noise_rate": 2, "both": 3}


def _keep_at_least_n_per_class(prune_counts, n, frac_noise):
    """Adjust a prune-count matrix (rows: true label, columns: given label).

    Each diagonal entry is raised to at least ``n`` (examples kept per class), the increase
    taken evenly from that column's non-zero off-diagonal entries; then the off-diagonal
    entries are scaled by ``frac_noise`` and what they lose is moved to the diagonal, so
    column totals are preserved. The result is rounded to integers preserving row totals.
    """
    diagonal = np.diagonal(prune_counts)
    new_diagonal = np.maximum(diagonal, n)
    increase = new_diagonal - diagonal
    n_noise_rates = np.maximum(np.count_nonzero(prune_counts, axis=0) - 1.0, 1.0)
    adjusted = prune_counts - increase / n_noise_rates
    adjusted[adjusted < 0] = 0
    np.fill_diagonal(adjusted, new_diagonal)
    scaled = adjusted * frac_noise
    np.fill_diagonal(scaled, np.diagonal(adjusted))
    np.fill_diagonal(scaled, np.diagonal(adjusted) + np.sum(adjusted - scaled, axis=0))
    return _round_preserving_row_totals(scaled.astype(int)).astype(int)


def _prune_counts_for_quota(prune_counts, label_counts, num_to_remove_per_class):
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
    return _round_preserving_row_totals(rescaled)


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
    multi_label=False,
    n_jobs=None,
):
    """Find the examples whose given label is likely wrong.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``; some may be wrong.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities (for example from cross-validation), float32 or
        float64. Rows sum to 1.
    filter_by : str, default='prune_by_noise_rate'
        How the issues are chosen:

        - ``'prune_by_noise_rate'``: for each off-diagonal entry ``(i, j)`` of the confident
          joint, flag that many examples labelled ``i`` with the largest margin
          ``p(j) - p(i)``;
        - ``'prune_by_class'``: in each class ``i``, flag the examples with the lowest
          ``p(i)``, as many as the confident joint's off-diagonal mass of row ``i``;
        - ``'both'``: the examples flagged by both of the above;
        - ``'confident_learning'``: the examples counted off the diagonal of the confident
          joint;
        - ``'predicted_neq_given'``: the examples whose argmax is not their label;
        - ``'low_normalized_margin'``, ``'low_self_confidence'``: the
          :func:`sklearn_noisy.count.num_label_issues` examples with the lowest score.

        Except for the last two, an example whose given label is the argmax within 1e-6 is
        never flagged.
    return_indices_ranked_by : {None, 'self_confidence', 'normalized_margin', \
            'confidence_weighted_entropy'}, default=None
        ``None`` returns a boolean mask; otherwise the indices of the issues, most likely
        errors first, by this label quality score.
    rank_by_kwargs : dict, default=None
        Extra arguments of the ranking score, for example ``{"adjust_pred_probs": True}``.
    frac_noise : float in (0, 1], default=1.0
        Return only this fraction of the issues of the pruning methods (those with the most
        evidence). The other methods ignore it, as in the reference, so that a grid search
        over ``filter_by`` and ``frac_noise`` runs every combination.
    num_to_remove_per_class : array-like of shape (K,), default=None
        For the pruning methods, the number of issues to find in each given class instead of
        the estimated one. ``prune_by_class`` flags exactly these numbers; with
        ``prune_by_noise_rate`` they are spread over the off-diagonal entries of each class's
        row and an example can be counted toward several, so fewer may be flagged.
    min_examples_per_class : int, default=1
        Raise each class's estimated number of correctly labelled examples to at least this
        before pruning. ``prune_by_class`` and ``both`` then leave at least this many examples
        in each class; ``prune_by_noise_rate`` may leave fewer, since an example can be counted
        toward several off-diagonal entries (as in the reference). A class with at most this
        many examples (or with a single example) is not pruned.
    confident_joint : array-like of shape (K, K), default=None
        A precomputed confident joint for the pruning methods; computed if omitted.
    multiple_confident : {'argmax', 'confident_argmax'}, default='argmax'
        See :func:`sklearn_noisy.count.compute_confident_joint`.
    multi_label : bool, default=False
        ``labels`` holds a list of classes per example (or a binary indicator matrix) and
        ``pred_probs`` an independent probability per class: delegate to
        :func:`sklearn_noisy.multilabel.find_label_issues`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores. Results do not depend on it.

    Returns
    -------
    label_issues : ndarray
        A boolean mask of shape (n_samples,), True for a likely label error; or, with
        ``return_indices_ranked_by``, the indices of those examples ranked most likely first.

    Notes
    -----
    The result equals that of the reference implementation, cleanlab 2.9.0, on inputs without
    ties. Where several candidates tie exactly, the one with the smaller index is chosen (the
    reference's choice then depends on its sort's internals). An example counted in several
    off-diagonal entries of its class is flagged once, as in the reference.

    See Also
    --------
    sklearn_noisy.count.compute_confident_joint : The counts behind the pruning.
    sklearn_noisy.rank.get_label_quality_scores : Scores to rank issues or all examples.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.filter import find_label_issues
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> find_label_issues(labels, pred_probs)
    array([False, False,  True, False, False, False])
    >>> find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence")
    array([2])
    """
    if multi_label:
        from . import multilabel

        return multilabel.find_label_issues(
            labels, pred_probs, filter_by=filter_by,
            return_indices_ranked_by=return_indices_ranked_by, rank_by_kwargs=rank_by_kwargs,
            frac_noise=frac_noise, num_to_remove_per_class=num_to_remove_per_class,
            min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
            n_jobs=n_jobs,
        )
    check_option(filter_by, "filter_by", FILTER_BY)
    if return_indices_ranked_by is not None:
        check_option(return_indices_ranked_by, "return_indices_ranked_by", RANK_BY)
    check_option(multiple_confident, "multiple_confident", MULTIPLE_CONFIDENT)
    frac_noise = check_frac_noise(frac_noise)
    min_examples_per_class = check_non_negative_int(min_examples_per_class,
                                                    "min_examples_per_class")
    labels, pred_probs = check_labels_and_pred_probs(labels, pred_probs, n_jobs=n_jobs)
    n_classes = pred_probs.shape[1]
    if confident_joint is not None:
        confident_joint = check_confident_joint(confident_joint, n_classes)
    if num_to_remove_per_class is not None:
        if filter_by not in PRUNE_BITS:
            raise ValueError(
                f"num_to_remove_per_class applies only to filter_by in {sorted(PRUNE_BITS)}, "
                f"not {filter_by!r}."
            )
        num_to_remove_per_class = check_counts_per_class(
            num_to_remove_per_class, n_classes, "num_to_remove_per_class"
        )
    check_rank_by_kwargs(rank_by_kwargs)
    n_threads = kernel_threads(n_jobs, pred_probs)
    issues = _find_issue_mask(
        labels, pred_probs, filter_by=filter_by, frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
        multiple_confident=multiple_confident, n_threads=n_threads,
    )
    if return_indices_ranked_by is None:
        return issues
    return _order_issues(issues, labels, pred_probs, return_indices_ranked_by,
                         rank_by_kwargs or {}, n_threads)


def _find_issue_mask(labels, pred_probs, *, filter_by, frac_noise, num_to_remove_per_class,
                     min_examples_per_class, confident_joint, multiple_confident, n_threads):
    """The boolean mask of :func:`find_label_issues`, on checked inputs."""
    n_samples = len(labels)
    if filter_by in ("low_normalized_margin", "low_self_confidence"):
        scores = _quality_scores(labels, pred_probs, filter_by[4:], n_threads=n_threads)
        n_issues = _count_confident_off_diagonal(labels, pred_probs, n_threads)
        issues = np.zeros(n_samples, dtype=bool)
        issues[np.argsort(scores, kind="stable")[:n_issues]] = True
        return issues
    offsets, order, self_confidence = group_by_label(labels, pred_probs)
    thresholds = _thresholds_from_groups(offsets, self_confidence)
    counts, guess, agrees = _confident_counts(
        labels, pred_probs, thresholds, multiple_confident=multiple_confident,
        threshold_tolerance=1e-6, n_jobs=n_threads,
    )
    if filter_by == "confident_learning":
        issues = (guess >= 0) & (guess != labels)
    elif filter_by == "predicted_neq_given":
        issues = (agrees & 2) == 0
    else:
        if confident_joint is None:
            confident_joint = _finish_confident_joint(counts, labels, 1, calibrate=True)
        quota = _pruning_quota(
            confident_joint, np.diff(offsets), frac_noise, min_examples_per_class,
            num_to_remove_per_class,
        )
        bits = PRUNE_BITS[filter_by]
        flags = prune_flags(pred_probs, order, offsets, quota, n_threads)
        issues = (flags & bits) == bits
    # An example whose label is the argmax (within 1e-6) is not an issue.
    issues &= (agrees & 1) == 0
    return issues


def _pruning_quota(confident_joint, label_counts, frac_noise, min_examples_per_class,
                   num_to_remove_per_class):
    """How many examples of each given class to flag, as a (K, K) matrix for the kernel.

    ``quota[i, j]`` (``j != i``) is the number of examples labelled ``i`` to flag by the
    margin toward ``j``; ``quota[i, i]`` the number to flag by low self-confidence.
    """
    prune_counts = _keep_at_least_n_per_class(
        np.asarray(confident_joint).T, min_examples_per_class, frac_noise
    )
    if num_to_remove_per_class is not None:
        prune_counts = _prune_counts_for_quota(prune_counts, label_counts, num_to_remove_per_class)
    quota = prune_counts.T.copy()
    np.fill_diagonal(quota, label_counts - np.diagonal(prune_counts))
    # Classes too small to prune; a class with a single example is never pruned.
    too_small = label_counts <= max(min_examples_per_class, 1)
    quota[too_small] = 0
    return np.ascontiguousarray(np.clip(quota, 0, None), dtype=np.intp)
