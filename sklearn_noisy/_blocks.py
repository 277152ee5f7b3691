"""Confident learning as map-reduce passes over row blocks, with the in-memory result exactly.

The engine (:mod:`sklearn_noisy._engine`) needs all of ``pred_probs`` in memory. Here the same
computation runs over row blocks that a *source* hands out one at a time (a memory-mapped
file, see :class:`ArrayBlocks`) or where they live (a dask array, see
:mod:`sklearn_noisy._dask`). Only per-class vectors, the nonzero entries of ``K x K`` counts
and quotas, per-pair bounds and the candidates of the selections are combined; no pass holds
more than one block of ``pred_probs`` per worker.

1. label counts per block (labels only): each class's total and where each block starts in it;
2. the thresholds: per-class means reproduced bit for bit (:mod:`._class_means`);
3. the confident pass of each block with those thresholds (the engine's kernel): the counts
   add up to the confident joint; the joint, calibration and pruning quota follow as in the
   engine, from the global counts;
4. the selections (pruning, lowest scores): each block keeps its best candidates of every
   group, at most the group's quota, ranked as the engine ranks them (largest margin or lowest
   score first, ties to the smaller index); merging keeps the best of the union, which is the
   engine's selection, since the whole's best of a group are among each block's best. Prune by
   noise rate first bounds each (given, true) pair from below in one more pass
   (:mod:`._pair_bounds`), so that only the margins that can be picked become candidates.

A source offers ``n_samples``, ``n_classes``, ``dtype``, ``bounds`` (the row range of each
block), ``label_counts()`` (each class's total and its count before each block),
``map_reduce(func, combine, shared, per_block, finish)`` and ``issues_mask(indices)``.
"""

import functools
from dataclasses import dataclass

import numpy as np

from . import _class_means, _engine, _latent, _pair_bounds
from ._counting import LABEL_IS_ARGMAX, LABEL_NEAR_ARGMAX
from ._selection import PRUNED_BY_CLASS, PRUNED_BY_NOISE_RATE
from ._threads import kernel_threads
from ._validation import check_labels, check_pred_probs

#: How many partial results are combined at once (fewer merges of the growing result).
COMBINE_EVERY = 8


# --------------------------------------------------------------------------- checks per block


def checked_labels(labels, n_classes):
    """One block's labels, checked as the in-memory functions check them."""
    labels = np.asarray(labels)
    return check_labels(labels, len(labels), n_classes, allow_one_class=True)


def checked_pred_probs(pred_probs, start, n_jobs):
    """One block of ``pred_probs``, checked; a bad row is named by its index in the whole."""
    try:
        return check_pred_probs(pred_probs, n_jobs=n_jobs)
    except ValueError as error:
        raise ValueError(f"In the block of pred_probs starting at row {start} (rows below are "
                         f"counted from there): {error}") from None


def as_kernel_input(labels, pred_probs):
    """Blocks already checked in an earlier pass, in the kernels' types."""
    pred_probs = np.asarray(pred_probs)
    if pred_probs.dtype not in (np.float32, np.float64):
        pred_probs = pred_probs.astype(np.float64)
    return np.ascontiguousarray(labels, dtype=np.intp), np.ascontiguousarray(pred_probs)


def check_shape(shape, dtype, n_labels):
    """The checks of ``pred_probs`` and ``labels`` that need only their shapes and types."""
    if len(shape) != 2:
        raise ValueError(f"pred_probs must be a 2-D array of shape (n_samples, n_classes), got "
                         f"shape {shape}.")
    if np.dtype(dtype).kind not in "biuf":
        raise ValueError(f"pred_probs must hold numbers (real, not complex), got dtype {dtype}.")
    if shape[0] == 0:
        raise ValueError("pred_probs is empty (0 examples); pass at least one example.")
    if shape[1] < 2:
        raise ValueError(f"pred_probs has {shape[1]} column(s); confident learning needs at "
                         "least 2 classes, one column of predicted probabilities per class.")
    if n_labels != shape[0]:
        raise ValueError(f"labels has {n_labels} entries but pred_probs has {shape[0]} rows; "
                         "they must describe the same examples in the same order.")


def check_two_classes(label_counts):
    present = np.flatnonzero(label_counts)
    if label_counts.sum() > 1 and len(present) == 1:
        raise ValueError(f"labels contain a single class ({present[0]}); finding label issues "
                         "needs examples of at least two classes.")


# --------------------------------------------------------------------------- a file or an array


class ArrayBlocks:
    """Row blocks of two arrays (numpy, memory-mapped, or ``.npy`` paths), one after another.

    A path is opened memory-mapped for each block and closed after it, and each block is
    copied out of the map, so the process holds one block at a time.
    """

    def __init__(self, labels, pred_probs, *, batch_size, n_jobs=None):
        self._labels, self._pred_probs = labels, pred_probs
        shape, dtype = self._header(pred_probs)
        check_shape(shape, dtype, self._header(labels)[0][0])
        self.n_samples, self.n_classes = shape
        self.dtype = np.dtype(dtype) if dtype in (np.float32, np.float64) else np.dtype(np.float64)
        starts = range(0, self.n_samples, batch_size)
        self.bounds = [(start, min(start + batch_size, self.n_samples)) for start in starts]
        self.n_jobs = n_jobs

    @staticmethod
    def _header(array):
        if isinstance(array, str):
            array = np.load(array, mmap_mode="r")
        return np.shape(array), np.asarray(array[:0]).dtype

    def _rows(self, array, start, stop):
        if isinstance(array, str):
            mapped = np.load(array, mmap_mode="r")
            rows = np.array(mapped[start:stop])
            del mapped
            return rows
        return np.asarray(array[start:stop])

    def blocks(self):
        for start, stop in self.bounds:
            yield (self._rows(self._labels, start, stop),
                   self._rows(self._pred_probs, start, stop), start)

    def label_counts(self):
        per_block = np.array([
            np.bincount(checked_labels(self._rows(self._labels, start, stop), self.n_classes),
                        minlength=self.n_classes)
            for start, stop in self.bounds
        ])
        before = np.cumsum(per_block, axis=0) - per_block
        return per_block.sum(axis=0), list(before)

    def map_reduce(self, func, combine, shared=(), per_block=None, finish=None):
        pending = []
        for b, (labels, pred_probs, start) in enumerate(self.blocks()):
            extra = () if per_block is None else (per_block[b],)
            pending.append(func(labels, pred_probs, start, *shared, *extra))
            if len(pending) == COMBINE_EVERY:
                pending = [combine(pending)]
        result = combine(pending) if len(pending) > 1 else pending[0]
        return result if finish is None else finish(result)

    def issues_mask(self, indices):
        mask = np.zeros(self.n_samples, dtype=bool)
        mask[indices] = True
        return mask

    def scores(self, func, shared=()):
        return np.concatenate([func(labels, pred_probs, *shared)
                               for labels, pred_probs, _ in self.blocks()])


# --------------------------------------------------------------------------- the passes


def thresholds_block(labels, pred_probs, start, class_total, class_start, n_jobs):
    """Pass 2 on one block: check it, then the partial result of the class means."""
    pred_probs = checked_pred_probs(pred_probs, start, n_jobs)
    labels = np.ascontiguousarray(labels, dtype=np.intp)
    self_confidence = pred_probs[np.arange(len(labels)), labels]
    return _class_means.block_partial(labels, self_confidence, np.ravel(class_start), class_total)


def thresholds_of(label_counts, means, dtype):
    """The engine's thresholds from the class means (see ``thresholds_from_groups``)."""
    dtype = dtype if np.all(label_counts > 0) else np.float64
    means = [mean if count else _engine.MISSING_CLASS_THRESHOLD
             for mean, count in zip(means, label_counts)]
    return np.clip(np.array(means, dtype=dtype), _engine.THRESHOLD_FLOOR, None)


@dataclass(frozen=True)
class PassOptions:
    """What the confident pass and the selections of a block need besides the block."""

    thresholds: np.ndarray
    multiple_confident: str = "argmax"
    threshold_tolerance: float = _engine.REFERENCE_TOLERANCE
    n_jobs: int = 1
    #: Rows to list in the confident pass: None, "off_diagonal", "confident_learning" or
    #: "predicted_neq_given".
    listed: str = None
    #: The ranking score of listed or selected rows, and the thresholds of its adjustment.
    rank_by: str = None
    rank_thresholds: np.ndarray = None
    #: The selection: "pruning" (with ``bits`` and ``quota``) or a low-score method.
    select: str = None
    #: Whether a low-score selection takes the adjusted scores (``rank_thresholds``).
    select_adjusted: bool = False
    bits: int = 0
    #: The pruning quota (a :class:`._pair_bounds.SparseQuota`) and, once known, the largest
    #: key a candidate of each of its groups may have.
    quota: _pair_bounds.SparseQuota = None
    bounds: np.ndarray = None
    class_bounds: np.ndarray = None
    count: int = 0


def confident_pass(labels, pred_probs, options):
    """The engine's confident pass of a block: ``(counts, guess, agreement)``."""
    return _engine.confident_counts(
        labels, pred_probs, options.thresholds, multiple_confident=options.multiple_confident,
        threshold_tolerance=options.threshold_tolerance,
        n_threads=kernel_threads(options.n_jobs, pred_probs),
    )


def label_near_argmax(labels, pred_probs):
    """The confident pass's ``LABEL_NEAR_ARGMAX`` bit of each row, for a few rows: the label
    is the argmax (its first index) once 1e-6 is added to its probability, in the input's
    precision."""
    top = pred_probs.max(axis=1)
    boosted = pred_probs[np.arange(len(labels)), labels] + pred_probs.dtype.type(1e-6)
    return (top < boosted) | ((top == boosted) & (pred_probs.argmax(axis=1) > labels))


def rank_scores(labels, pred_probs, rows, options):
    if options.rank_by is None:
        return np.zeros(len(rows))
    return _engine.quality_scores(
        labels[rows], np.ascontiguousarray(pred_probs[rows]), options.rank_by,
        thresholds=options.rank_thresholds, n_threads=1,
    )


def counts_block(labels, pred_probs, start, options):
    """Pass 3 on one block: the confident counts (as pairs and counts), the number of
    off-diagonal examples whose label is not the argmax, and the rows asked to be listed."""
    labels, pred_probs = as_kernel_input(labels, pred_probs)
    counts, guess, agreement = confident_pass(labels, pred_probs, options)
    near_argmax = (agreement & LABEL_NEAR_ARGMAX) != 0
    off_diagonal = (guess >= 0) & (guess != labels)
    flat = np.flatnonzero(counts)
    listed = np.empty(0, dtype=np.intp)
    if options.listed == "off_diagonal":
        listed = np.flatnonzero(off_diagonal)
    elif options.listed == "confident_learning":
        listed = np.flatnonzero(off_diagonal & ~near_argmax)
    elif options.listed == "predicted_neq_given":
        listed = np.flatnonzero(((agreement & LABEL_IS_ARGMAX) == 0) & ~near_argmax)
    return {
        "pairs": flat, "counts": counts.ravel()[flat],
        "n_off_diagonal": int(np.count_nonzero(off_diagonal & ~near_argmax)),
        "listed": listed + start, "scores": rank_scores(labels, pred_probs, listed, options),
    }


def combine_counts(parts):
    pairs = np.concatenate([part["pairs"] for part in parts])
    unique, inverse = np.unique(pairs, return_inverse=True)
    return {
        "pairs": unique,
        "counts": np.bincount(inverse, weights=np.concatenate([p["counts"] for p in parts]),
                              minlength=len(unique)).astype(np.int64),
        "n_off_diagonal": sum(part["n_off_diagonal"] for part in parts),
        "listed": np.concatenate([part["listed"] for part in parts]),
        "scores": np.concatenate([part["scores"] for part in parts]),
    }


def keep_best(table, capacity):
    """The rows of a candidate table that rank within their group's capacity.

    Candidates rank by ascending ``key`` (a negated margin, or a score), ties by ascending
    ``index``: the engine's order. ``capacity[group]`` is how many each group keeps.
    """
    order = np.lexsort((table["index"], table["key"], table["group"]))
    group = table["group"][order]
    new_group = np.ones(len(group), dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(group)), 0))
    kept = order[np.arange(len(group)) - group_start < capacity[group]]
    return {name: column[kept] for name, column in table.items()}


def combine_candidates(parts, capacity):
    table = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    return keep_best(table, capacity)


def capacity_of(options):
    if options.select == "pruning":
        return options.quota.amounts
    return np.array([options.count])


def bounds_block(labels, pred_probs, start, options):
    """The bounding pass on one block: its best of the subset of :mod:`._pair_bounds`."""
    labels, pred_probs = as_kernel_input(labels, pred_probs)
    return _pair_bounds.subset_codes(labels, pred_probs, options.quota)


def candidates_block(labels, pred_probs, start, options):
    """Pass 4 on one block: its best candidates of each group of the selection."""
    labels, pred_probs = as_kernel_input(labels, pred_probs)
    if options.select == "pruning":
        table = _pair_bounds.table_of(list(_pair_bounds.candidate_parts(
            labels, pred_probs, options.quota, options.bounds, options.class_bounds,
            noise_rate=options.bits & PRUNED_BY_NOISE_RATE,
            by_class=options.bits & PRUNED_BY_CLASS)))
    else:
        table = {"group": np.zeros(len(labels), dtype=np.intp),
                 "key": _engine.quality_scores(
                     labels, pred_probs, options.select,
                     thresholds=options.rank_thresholds if options.select_adjusted else None,
                     n_threads=kernel_threads(options.n_jobs, pred_probs)),
                 "index": np.arange(len(labels))}
    table = keep_best(table, capacity_of(options))
    # A row may be a candidate of several groups: check and score each row once.
    rows, where = np.unique(table["index"], return_inverse=True)
    if options.select == "pruning":
        table["near_argmax"] = label_near_argmax(labels[rows], pred_probs[rows])[where]
    else:
        table["near_argmax"] = np.zeros(len(where), dtype=bool)
    table["score"] = rank_scores(labels, pred_probs, rows, options)[where]
    table["index"] = table["index"] + start
    return table


def issues_of_selection(table, options):
    """The sorted indices of the issues that the merged candidates give, and their scores."""
    index = table["index"]
    if options.select == "pruning":
        by_class = options.quota.is_by_class(table["group"])
        chosen = {PRUNED_BY_NOISE_RATE: np.unique(index[~by_class]),
                  PRUNED_BY_CLASS: np.unique(index[by_class])}
        picked = functools.reduce(np.intersect1d, [chosen[bit] for bit in chosen
                                                   if options.bits & bit])
        near = np.isin(picked, index[table["near_argmax"]])
        picked = picked[~near]
    else:
        picked = np.unique(index)
    first = np.unique(index, return_index=True)[1]
    scores = table["score"][first][np.searchsorted(index[first], picked)]
    return picked, scores


# --------------------------------------------------------------------------- the whole


@dataclass(frozen=True)
class BlockResult:
    """What the passes found; the row-sized results are sorted index lists, not masks."""

    label_counts: np.ndarray
    thresholds: np.ndarray
    class_thresholds: np.ndarray
    confident_counts: np.ndarray
    confident_joint: np.ndarray
    n_off_diagonal: int
    listed: np.ndarray = None
    issues: np.ndarray = None
    issue_scores: np.ndarray = None

    def ranked(self):
        """The issues, lowest score first (ties: smaller index first)."""
        return self.issues[_engine.stable_argsort(self.issue_scores)]


def class_thresholds(source, *, allow_one_class=True):
    """``(label_counts, thresholds)`` in two passes (labels, then self-confidences)."""
    label_counts, before = source.label_counts()
    if not allow_one_class:
        check_two_classes(label_counts)
    partial = source.map_reduce(
        functools.partial(thresholds_block, n_jobs=source.n_jobs),
        functools.partial(_class_means.merge, class_total=label_counts),
        shared=(label_counts,), per_block=before,
    )
    means = _class_means.class_means(partial, label_counts)
    return label_counts, thresholds_of(label_counts, means, source.dtype)


def confident_learning(source, *, thresholds=None, multiple_confident="argmax",
                       threshold_tolerance=_engine.REFERENCE_TOLERANCE, min_diagonal=1,
                       calibrate=True, confident_joint=None, filter_by=None, frac_noise=1.0,
                       num_to_remove_per_class=None, min_examples_per_class=1, rank_by=None,
                       adjust_pred_probs=False, list_off_diagonal=False, allow_one_class=True):
    """The engine's :func:`~sklearn_noisy._engine.confident_learning` over the blocks of
    ``source``; the arguments mean the same."""
    label_counts, own_thresholds = class_thresholds(source, allow_one_class=allow_one_class)
    options = PassOptions(
        thresholds=own_thresholds if thresholds is None else thresholds,
        multiple_confident=multiple_confident, threshold_tolerance=threshold_tolerance,
        n_jobs=source.n_jobs, rank_by=rank_by,
        rank_thresholds=own_thresholds if adjust_pred_probs else None,
        listed="off_diagonal" if list_off_diagonal else (
            filter_by if filter_by in ("confident_learning", "predicted_neq_given") else None),
    )
    totals = source.map_reduce(counts_block, combine_counts, shared=(options,))
    n_classes = source.n_classes
    counts = np.zeros(n_classes * n_classes, dtype=np.int64)
    counts[totals["pairs"]] = totals["counts"]
    counts = counts.reshape(n_classes, n_classes)
    if confident_joint is None:
        confident_joint = _engine.finish_confident_joint(counts, label_counts,
                                                         min_diagonal=min_diagonal,
                                                         calibrate=calibrate)
    result = {"label_counts": label_counts, "thresholds": options.thresholds,
                  "class_thresholds": own_thresholds, "confident_counts": counts,
                  "confident_joint": confident_joint, "n_off_diagonal": totals["n_off_diagonal"],
                  "listed": totals["listed"]}
    if filter_by is None:
        return BlockResult(**result)
    if filter_by in ("confident_learning", "predicted_neq_given"):
        return BlockResult(**result, issues=totals["listed"], issue_scores=totals["scores"])
    if filter_by in _engine.LOW_SCORE_FILTERS:
        options = _with(options, select=_engine.LOW_SCORE_FILTERS[filter_by],
                        count=totals["n_off_diagonal"])
    else:
        quota = _engine.pruning_quota(confident_joint, label_counts, frac_noise=frac_noise,
                                      min_examples_per_class=min_examples_per_class,
                                      num_to_remove_per_class=num_to_remove_per_class)
        options = _with(options, select="pruning", bits=_engine.PRUNE_BITS[filter_by],
                        quota=_pair_bounds.SparseQuota.from_dense(quota))
    issues, scores = select(source, options)
    return BlockResult(**result, issues=issues, issue_scores=scores)


def _with(options, **changes):
    return PassOptions(**{**options.__dict__, **changes})


def select(source, options):
    """The issues of a selection (pruning or lowest scores) and their ranking scores."""
    capacity = capacity_of(options)
    if options.select == "pruning" and options.bits & PRUNED_BY_NOISE_RATE:
        bounds = source.map_reduce(
            bounds_block, functools.partial(_pair_bounds.combine_codes, amounts=capacity),
            shared=(options,), finish=functools.partial(_pair_bounds.bounds_of,
                                                        amounts=capacity))
        options = _with(options, bounds=bounds,
                        class_bounds=_pair_bounds.loosest_bounds(options.quota, bounds))
    # The issues are found where the candidates were merged: only they travel further.
    return source.map_reduce(candidates_block,
                             functools.partial(combine_candidates, capacity=capacity),
                             shared=(options,),
                             finish=functools.partial(issues_of_selection, options=options))


def lowest_scores(source, *, method="self_confidence", adjust_pred_probs=False,
                  estimation_method="off_diagonal"):
    """The examples with the lowest quality scores, as many as ``num_label_issues`` estimates.

    Returns the issues (sorted indices) and their scores; see
    :func:`sklearn_noisy.filter.find_label_issues_batched`.
    """
    result = confident_learning(source, allow_one_class=False)
    if estimation_method == "off_diagonal":
        count = result.n_off_diagonal
    else:
        count = _latent.count_off_diagonal(result.confident_joint, source.n_samples)
    options = PassOptions(
        thresholds=result.thresholds, n_jobs=source.n_jobs, rank_by=method,
        rank_thresholds=result.class_thresholds if adjust_pred_probs else None,
        select=method, select_adjusted=adjust_pred_probs, count=count,
    )
    return select(source, options)
