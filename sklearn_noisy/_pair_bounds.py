"""The pruning quota as a sparse list of pairs, and an exact lower bound on each pair's pick.

Prune by noise rate flags, for each pair ``(i, j)`` with a quota ``m = quota[i, j]``, the ``m``
examples labelled ``i`` with the largest margins ``p_j - p_i`` (ties to the smaller index).
Over row blocks, each block keeps its own best ``m`` of each pair and a merge keeps the best of
the union. When a block holds few rows of a class, its best ``m`` are nearly all its rows of
that class, so a flagged row is a candidate of every pair of its class.

A pass before the selection bounds each pair from below: any ``m`` examples of class ``i``
whose margins toward ``j`` reach ``L`` prove that the pair's ``m``-th largest margin reaches
``L``, so no example below ``L`` is picked. The pass takes, from each row, its
:data:`SUBSET_PER_ROW` largest margins among the pairs of its class that have a quota (the
large margins of a pair are nearly all in this subset), keeps the best ``m`` of each pair as
the selection does, and the worst of those is the bound. A pair with fewer than ``m`` in the
subset is left unbounded. The selection then makes candidates only of the margins that reach
their pair's bound, about ``m`` per pair in all rather than ``m`` per pair and block; whatever
the bound, the best ``m`` of every pair are among them, so the result is exact.

Keys are those of :func:`sklearn_noisy._blocks.keep_best`: smaller is better, a margin ``x``
has the key ``-x`` (in float64, from the margin computed in the input's precision, as the
selection kernel computes it), so a bound is the largest key a candidate may have.
"""

from dataclasses import dataclass

import numpy as np

#: How many of its largest margins each row puts into the bounding subset.
SUBSET_PER_ROW = 8
#: At most this many margins are computed at once.
BATCH = 1 << 21


@dataclass(frozen=True)
class SparseQuota:
    """The nonzero entries of a ``K x K`` pruning quota.

    ``pairs`` holds ``i * K + j`` in increasing order, ``amounts`` the quota of each; a
    pair's position in ``pairs`` is its group in the tables of candidates. The pairs of class
    ``k`` are ``pairs[starts[k]:starts[k + 1]]``.
    """

    pairs: np.ndarray
    amounts: np.ndarray
    starts: np.ndarray
    n_classes: int

    @classmethod
    def from_dense(cls, quota):
        n_classes = len(quota)
        pairs = np.flatnonzero(quota).astype(np.int64)
        return cls(pairs=pairs, amounts=np.ravel(quota)[pairs].astype(np.intp),
                   starts=np.searchsorted(pairs, np.arange(n_classes + 1) * n_classes),
                   n_classes=n_classes)

    def to_dense(self):
        quota = np.zeros(self.n_classes * self.n_classes, dtype=np.intp)
        quota[self.pairs] = self.amounts
        return quota.reshape(self.n_classes, self.n_classes)

    def groups_of(self, k):
        """``(noise_rate_groups, columns, by_class_group)`` of class ``k``; the last is None
        when the class has no quota by class."""
        low, high = self.starts[k], self.starts[k + 1]
        groups = np.arange(low, high)
        columns = self.pairs[low:high] - k * self.n_classes
        diagonal = columns == k
        by_class = groups[diagonal][0] if diagonal.any() else None
        return groups[~diagonal], columns[~diagonal], by_class

    def is_by_class(self, groups):
        pairs = self.pairs[groups]
        return pairs // self.n_classes == pairs % self.n_classes


def by_class_groups(quota):
    """Each class's group of prune by class, -1 for a class without one."""
    diagonal = np.arange(quota.n_classes) * (quota.n_classes + 1)
    pairs = np.append(quota.pairs, -1)
    where = np.searchsorted(quota.pairs, diagonal)
    return np.where(pairs[where] == diagonal, where, -1)


def least_margins(quota, classes, values):
    """A dense ``(len(classes), K)`` matrix: ``values[group]`` at the column of each
    noise-rate pair of each class, +inf (no margin reaches it) elsewhere."""
    n_classes = quota.n_classes
    first = quota.starts[classes]
    count = quota.starts[classes + 1] - first
    local = np.repeat(np.arange(len(classes)), count)
    group = np.arange(len(local)) + np.repeat(first - (np.cumsum(count) - count), count)
    matrix = np.full((len(classes), n_classes), np.inf)
    matrix[local, quota.pairs[group] - classes[local] * n_classes] = values[group]
    matrix[np.arange(len(classes)), classes] = np.inf
    return matrix


def margins_reaching(labels, pred_probs, rows, quota, values):
    """The margins of ``rows`` toward every class, in batches of rows, and which of them
    belong to a pair of the row's class and reach its value (one per group): yields
    ``(rows, margins, reached)``. Margins are in the input's precision, as the selection
    kernel computes them."""
    step = max(1, BATCH // quota.n_classes)
    for low in range(0, len(rows), step):
        batch = rows[low:low + step]
        classes, local = np.unique(labels[batch], return_inverse=True)
        margins = pred_probs[batch] - pred_probs[batch, labels[batch]][:, None]
        yield batch, margins, margins >= least_margins(quota, classes, values)[local]


def group_of(quota, labels, columns):
    return np.searchsorted(quota.pairs, labels * quota.n_classes + columns)


def largest_margin_reach(labels, pred_probs):
    """Per row, a number no margin of the row exceeds: the row's largest probability minus
    its label's (0 where the label is the argmax, whose margins are all at most 0)."""
    return pred_probs.max(axis=1) - pred_probs[np.arange(len(labels)), labels]


def subset_codes(labels, pred_probs, quota):
    """The bounding subset of one block: each row's best keys among its class's pairs, as
    codes (see :func:`encode`), the best of each group up to its quota, sorted.

    Rows whose label is their argmax have no positive margin and join no subset: any subset
    gives a valid bound, and a pair that needs such rows is left unbounded.
    """
    parts = [np.empty(0, dtype=np.int64)]
    rows = np.flatnonzero(largest_margin_reach(labels, pred_probs) > 0)
    every = np.full(len(quota.pairs), -np.inf)
    # Below every margin, and distinct: a partition is slow among many equal values.
    below = -3.0 - np.arange(quota.n_classes, dtype=pred_probs.dtype)
    take = min(SUBSET_PER_ROW, quota.n_classes)
    for batch, margins, reached in margins_reaching(labels, pred_probs, rows, quota, every):
        best = np.argpartition(np.where(reached, margins, below), -take, axis=1)[:, -take:]
        row = np.repeat(np.arange(len(batch)), take)
        best = best.ravel()
        member = reached[row, best]
        row, best = row[member], best[member]
        parts.append(combine_codes([encode(group_of(quota, labels[batch[row]], best),
                                           -margins[row, best].astype(np.float64))],
                                   quota.amounts))
    return combine_codes(parts, quota.amounts)


def encode(groups, keys):
    """One sortable int64 per ``(group, key)``: the group in the high 32 bits, the key rounded
    up to float32 in the low 32 bits, so that sorting the codes sorts by group, then key.

    Rounding a key up only loosens the bound it may give, so the bound stays valid; margins
    of float32 input are float32 already and lose nothing.
    """
    rounded = keys.astype(np.float32) + np.float32(0)   # + 0 turns -0.0 into 0.0
    low = rounded.astype(np.float64) < keys
    rounded[low] = np.nextafter(rounded[low], np.float32(np.inf))
    bits = rounded.view(np.uint32).astype(np.int64)
    ordered = np.where(bits >= 2**31, 2**32 - 1 - bits, bits + 2**31)
    return (groups.astype(np.int64) << 32) | ordered


def decode_keys(codes):
    ordered = codes & (2**32 - 1)
    bits = np.where(ordered >= 2**31, ordered - 2**31, 2**32 - 1 - ordered)
    return bits.astype(np.uint32).view(np.float32).astype(np.float64)


def combine_codes(parts, amounts):
    """The smallest codes of each group, as many as its quota, sorted."""
    codes = np.sort(np.concatenate(parts))
    groups = codes >> 32
    first = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    rank = np.arange(len(codes)) - np.repeat(first, np.diff(np.r_[first, len(codes)]))
    return codes[rank < amounts[groups]]


def bounds_of(codes, amounts):
    """Each group's bound from the merged best of the subset: the worst key kept, where
    the subset held the group's whole quota; +inf (no bound) elsewhere."""
    groups = codes >> 32
    kept = np.bincount(groups, minlength=len(amounts))
    worst = np.full(len(amounts), np.inf)
    last = np.flatnonzero(np.r_[groups[1:] != groups[:-1], True]) if len(codes) else []
    worst[groups[last]] = decode_keys(codes[last])
    return np.where(kept >= amounts, worst, np.inf)


def table_of(parts):
    """A table of candidates from ``(group, key, index)`` arrays."""
    if not parts:
        return {"group": np.empty(0, dtype=np.intp), "key": np.empty(0),
                "index": np.empty(0, dtype=np.intp)}
    return {name: np.concatenate(column)
            for name, column in zip(("group", "key", "index"), zip(*parts))}


def candidate_parts(labels, pred_probs, quota, bounds, class_bounds, *, noise_rate,
                    by_class):
    """The candidates of one block, as ``(group, key, row)`` arrays (rows in the block).

    Prune by noise rate: the margins whose key is at most their pair's bound (a row whose
    largest margin is below ``class_bounds``, every bound of its class, is not read); prune by
    class: every row of a class with a quota by class, keyed by its self-confidence.
    """
    if noise_rate:
        reach = -largest_margin_reach(labels, pred_probs).astype(np.float64)
        rows = np.flatnonzero(reach <= class_bounds[labels])
        for batch, margins, reached in margins_reaching(labels, pred_probs, rows, quota,
                                                        -bounds):
            row, column = np.nonzero(reached)
            yield (group_of(quota, labels[batch[row]], column),
                   -margins[row, column].astype(np.float64), batch[row])
    if by_class:
        group = by_class_groups(quota)[labels]
        rows = np.flatnonzero(group >= 0)
        yield group[rows], pred_probs[rows, labels[rows]].astype(np.float64), rows


def loosest_bounds(quota, bounds):
    """Each class's largest bound over its noise-rate pairs (-inf for a class without)."""
    noise_rate = ~quota.is_by_class(np.arange(len(quota.pairs)))
    loosest = np.full(quota.n_classes, -np.inf)
    np.maximum.at(loosest, quota.pairs[noise_rate] // quota.n_classes, bounds[noise_rate])
    return loosest
