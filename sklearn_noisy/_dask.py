"""dask arrays, computed where they live, with the in-memory results exactly.

The public functions of ``count``, ``filter`` and ``rank`` carry :func:`accepts_dask_arrays`:
when one of their arguments is a ``dask.array.Array``, the function of the same name here
runs instead. It runs the passes of :mod:`sklearn_noisy._blocks` as dask tasks, one per row
block and pass, on whatever scheduler is active (threads, processes or a
``dask.distributed.Client``). The calling process receives only per-class vectors, ``K x K``
counts and the indices of the issues; ``pred_probs`` stays where its blocks are.

Masks and scores come back as dask arrays chunked like the rows of ``pred_probs`` (``.compute()``
makes them numpy; a mask's graph holds only the issues' indices, so that costs nothing more),
``K x K`` results, thresholds and ranked indices as numpy.

dask is an optional dependency: this module imports it only when it is given a dask array,
which cannot exist without dask being imported already.
"""

import functools
import inspect
import itertools
import sys

import numpy as np

from . import _blocks, _engine, _latent
from ._validation import (
    check_adjust_pred_probs,
    check_confident_joint,
    check_num_to_remove_per_class,
    check_rank_by_kwargs,
    check_thresholds,
)


def is_dask_array(value):
    """Whether ``value`` is a dask array (without importing dask)."""
    module = sys.modules.get("dask.array")
    return module is not None and isinstance(value, module.Array)


def accepts_dask_arrays(func):
    """Decorate a public function so that dask arrays run its counterpart in this module."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if any(map(is_dask_array, itertools.chain(args, kwargs.values()))):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return getattr(sys.modules[__name__], func.__name__)(**bound.arguments)
        return func(*args, **kwargs)

    return wrapper


def as_dask(array, chunks=None):
    import dask.array as da

    if is_dask_array(array):
        return array
    return da.from_array(np.asarray(array), chunks=chunks or "auto")


def known_row_chunks(array, name):
    if any(np.isnan(size) for size in array.chunks[0]):
        raise ValueError(f"{name} has blocks of unknown size; call {name}.compute_chunk_sizes() "
                         "first.")
    return array.chunks[0]


class DaskBlocks:
    """The row blocks of a dask ``pred_probs`` and its labels (see :mod:`._blocks`)."""

    def __init__(self, labels, pred_probs, n_jobs=None):
        pred_probs = as_dask(pred_probs)
        labels = as_dask(labels, chunks=(known_row_chunks(pred_probs, "pred_probs"),))
        if labels.ndim != 1:
            raise ValueError(f"labels must be a 1-D array of class indices, got shape "
                             f"{labels.shape}.")
        _blocks.check_shape(pred_probs.shape, pred_probs.dtype, labels.shape[0])
        if pred_probs.numblocks[1] > 1:
            pred_probs = pred_probs.rechunk({1: -1})
        rows = known_row_chunks(pred_probs, "pred_probs")
        self.labels = labels.rechunk((rows,))
        self.pred_probs = pred_probs
        self.n_samples, self.n_classes = pred_probs.shape
        dtype = pred_probs.dtype
        self.dtype = dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)
        stops = np.cumsum(rows).tolist()
        self.bounds = list(zip([0, *stops[:-1]], stops))
        # Kernels use one thread per task unless told otherwise: dask runs tasks in parallel.
        self.n_jobs = 1 if n_jobs is None else n_jobs

    def pieces(self, array):
        """The row blocks of another array of the same rows, as delayed objects."""
        return as_dask(array).rechunk((self.labels.chunks[0],)).to_delayed().ravel().tolist()

    def label_counts(self):
        import dask

        counts = counts_per_block(self.labels, self.n_classes)
        before = counts.cumsum(axis=0) - counts
        (total,) = dask.compute(counts.sum(axis=0))
        return total, before.to_delayed().ravel().tolist()

    def map_reduce(self, func, combine, shared=(), per_block=None, finish=None):
        import dask

        shared = [dask.delayed(value) for value in shared]
        task = dask.delayed(func, pure=True)
        parts = [
            task(labels, pred_probs, start, *shared,
                 *(() if per_block is None else (per_block[b],)))
            for b, (labels, pred_probs, (start, _)) in enumerate(zip(
                self.labels.to_delayed().ravel(), self.pred_probs.to_delayed().ravel(),
                self.bounds))
        ]
        result = tree_reduce(parts, combine)
        if finish is not None:
            result = dask.delayed(finish, pure=True)(result)
        return dask.compute(result)[0]

    def issues_mask(self, indices):
        import dask
        import dask.array as da

        blocks = []
        for start, stop in self.bounds:
            inside = indices[np.searchsorted(indices, start):np.searchsorted(indices, stop)]
            blocks.append(da.from_delayed(
                dask.delayed(mask_block, pure=True)(inside - start, stop - start),
                shape=(stop - start,), dtype=bool))
        return da.concatenate(blocks)

    def scores(self, func, shared=()):
        import dask
        import dask.array as da

        task = dask.delayed(func, pure=True)
        shared = [dask.delayed(value) for value in shared]
        return da.concatenate([
            da.from_delayed(task(labels, pred_probs, start, *shared), shape=(stop - start,),
                            dtype=self.dtype)
            for labels, pred_probs, (start, stop) in zip(
                self.labels.to_delayed().ravel(), self.pred_probs.to_delayed().ravel(),
                self.bounds)
        ])


def tree_reduce(parts, combine):
    import dask

    task = dask.delayed(combine, pure=True)
    while len(parts) > 1:
        every = _blocks.COMBINE_EVERY
        parts = [task(parts[i:i + every]) for i in range(0, len(parts), every)]
    return parts[0]


def block_label_counts(labels, n_classes):
    labels = _blocks.checked_labels(labels, n_classes)
    return np.bincount(labels, minlength=n_classes)[None, :]


def mask_block(indices, size):
    mask = np.zeros(size, dtype=bool)
    mask[indices] = True
    return mask


def scores_block(labels, pred_probs, start, method, thresholds, n_jobs):
    labels = _blocks.checked_labels(labels, pred_probs.shape[1])
    pred_probs = _blocks.checked_pred_probs(pred_probs, start, n_jobs)
    return _engine.quality_scores(labels, pred_probs, method, thresholds=thresholds,
                                  n_threads=_blocks.kernel_threads(n_jobs, pred_probs))


def counts_per_block(labels, n_classes):
    """The label counts of each row block of dask ``labels`` (checked), as a dask array."""
    return labels.map_blocks(block_label_counts, n_classes=n_classes, new_axis=1,
                             dtype=np.int64, chunks=((1,) * labels.numblocks[0], (n_classes,)))


def label_counts_of(labels, n_classes):
    """The label counts of dask ``labels``, checked."""
    import dask

    labels = as_dask(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be a 1-D array of class indices, got shape "
                         f"{labels.shape}.")
    return dask.compute(counts_per_block(labels, n_classes).sum(axis=0))[0]


def joint_and_label_counts(confident_joint, labels):
    confident_joint = np.asarray(confident_joint)
    n_classes = len(confident_joint) if confident_joint.ndim else 0
    confident_joint = check_confident_joint(confident_joint, n_classes)
    return confident_joint, label_counts_of(labels, n_classes)


# --------------------------------------------------------------------------- count


def refuse_multi_label(multi_label):
    if multi_label:
        raise ValueError("multi_label=True does not take dask arrays; pass numpy arrays.")


def get_confident_thresholds(labels, pred_probs, *, multi_label, n_jobs):
    refuse_multi_label(multi_label)
    return _blocks.class_thresholds(DaskBlocks(labels, pred_probs, n_jobs))[1]


def _joint_result(labels, pred_probs, n_jobs, thresholds=None, **options):
    source = DaskBlocks(labels, pred_probs, n_jobs)
    if thresholds is not None:
        thresholds = check_thresholds(thresholds, source.n_classes)
    return source, _blocks.confident_learning(source, thresholds=thresholds, **options)


def compute_confident_joint(labels, pred_probs, *, thresholds, calibrate,
                            return_indices_of_off_diagonals, multiple_confident,
                            threshold_tolerance, min_diagonal, multi_label, n_jobs):
    refuse_multi_label(multi_label)
    _, result = _joint_result(
        labels, pred_probs, n_jobs, thresholds=thresholds, calibrate=calibrate,
        multiple_confident=multiple_confident, threshold_tolerance=threshold_tolerance,
        min_diagonal=min_diagonal, list_off_diagonal=return_indices_of_off_diagonals,
    )
    if return_indices_of_off_diagonals:
        return result.confident_joint, result.listed
    return result.confident_joint


def calibrate_confident_joint(confident_joint, labels, *, multi_label=False):
    refuse_multi_label(multi_label)
    return _engine.calibrate_joint(*joint_and_label_counts(confident_joint, labels))


def estimate_joint(labels, pred_probs, *, confident_joint, multi_label, n_jobs):
    refuse_multi_label(multi_label)
    if confident_joint is None:
        calibrated = _joint_result(labels, pred_probs, n_jobs)[1].confident_joint
    else:
        calibrated = calibrate_confident_joint(confident_joint, labels)
    return _latent.normalized(calibrated)


def estimate_latent(confident_joint, labels, *, py_method, converge_latent_estimates):
    return _latent.estimate_latent(*joint_and_label_counts(confident_joint, labels),
                                   py_method=py_method,
                                   converge_latent_estimates=converge_latent_estimates)


def estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs, *, thresholds,
                                                      converge_latent_estimates, py_method,
                                                      calibrate, n_jobs):
    _, result = _joint_result(labels, pred_probs, n_jobs, thresholds=thresholds,
                              calibrate=calibrate)
    latent = _latent.estimate_latent(result.confident_joint, result.label_counts,
                                     py_method=py_method,
                                     converge_latent_estimates=converge_latent_estimates)
    return (*latent, result.confident_joint)


def num_label_issues(labels, pred_probs, *, confident_joint, estimation_method, multi_label,
                     n_jobs):
    refuse_multi_label(multi_label)
    source = DaskBlocks(labels, pred_probs, n_jobs)
    if estimation_method == "off_diagonal_custom":
        if confident_joint is None:
            raise ValueError(
                "estimation_method='off_diagonal_custom' needs a confident_joint; pass one, or "
                "use 'off_diagonal' or 'off_diagonal_calibrated' to have it computed."
            )
        counts, _ = source.label_counts()
        _blocks.check_two_classes(counts)
        joint = _engine.calibrate_joint(check_confident_joint(confident_joint, source.n_classes),
                                        counts)
        return _latent.count_off_diagonal(joint, source.n_samples)
    result = _blocks.confident_learning(source, allow_one_class=False)
    if estimation_method == "off_diagonal":
        return result.n_off_diagonal
    return _latent.count_off_diagonal(result.confident_joint, source.n_samples)


# --------------------------------------------------------------------------- filter


def find_label_issues(labels, pred_probs, *, filter_by, return_indices_ranked_by,
                      rank_by_kwargs, frac_noise, num_to_remove_per_class,
                      min_examples_per_class, confident_joint, multiple_confident,
                      multi_label, verbose, n_jobs):
    refuse_multi_label(multi_label)
    adjust_pred_probs = check_rank_by_kwargs(rank_by_kwargs, return_indices_ranked_by)
    source = DaskBlocks(labels, pred_probs, n_jobs)
    if confident_joint is not None:
        confident_joint = check_confident_joint(confident_joint, source.n_classes)
    result = _blocks.confident_learning(
        source, multiple_confident=multiple_confident, confident_joint=confident_joint,
        filter_by=filter_by, frac_noise=frac_noise,
        num_to_remove_per_class=check_num_to_remove_per_class(
            num_to_remove_per_class, filter_by, source.n_classes),
        min_examples_per_class=min_examples_per_class, rank_by=return_indices_ranked_by,
        adjust_pred_probs=adjust_pred_probs, allow_one_class=False,
    )
    if verbose:
        print(f"Found {len(result.issues)} label issues among {source.n_samples} examples "
              f"(filter_by={filter_by!r}).")
    if return_indices_ranked_by is None:
        return source.issues_mask(result.issues)
    return result.ranked()


# --------------------------------------------------------------------------- rank


def get_label_quality_scores(labels, pred_probs, *, method, adjust_pred_probs, n_jobs):
    adjust_pred_probs = check_adjust_pred_probs(adjust_pred_probs, method)
    source = DaskBlocks(labels, pred_probs, n_jobs)
    thresholds = _blocks.class_thresholds(source)[1] if adjust_pred_probs else None
    return source.scores(scores_block, shared=(method, thresholds, source.n_jobs))


def order_label_issues(label_issues_mask, labels, pred_probs, *, rank_by, rank_by_kwargs,
                       n_jobs):
    adjust_pred_probs = check_rank_by_kwargs(rank_by_kwargs, rank_by)
    source = DaskBlocks(labels, pred_probs, n_jobs)
    mask = as_dask(label_issues_mask, chunks=(source.labels.chunks[0],))
    if mask.shape != (source.n_samples,) or mask.dtype != bool:
        raise ValueError(
            f"label_issues_mask must be a boolean array of shape ({source.n_samples},), "
            f"got {mask.dtype} of shape {mask.shape}."
        )
    thresholds = _blocks.class_thresholds(source)[1] if adjust_pred_probs else None
    options = _blocks.PassOptions(thresholds=thresholds, n_jobs=source.n_jobs, rank_by=rank_by,
                                  rank_thresholds=thresholds)
    listed = source.map_reduce(flagged_scores_block, combine_listed, shared=(options,),
                               per_block=source.pieces(mask))
    return listed["index"][_engine.stable_argsort(listed["score"])]


def flagged_scores_block(labels, pred_probs, start, options, mask):
    labels = _blocks.checked_labels(labels, pred_probs.shape[1])
    pred_probs = _blocks.checked_pred_probs(pred_probs, start, options.n_jobs)
    rows = np.flatnonzero(mask)
    return {"index": rows + start,
            "score": _blocks.rank_scores(labels, pred_probs, rows, options)}


def combine_listed(parts):
    return {name: np.concatenate([part[name] for part in parts]) for name in ("index", "score")}


def find_top_issues(quality_scores, *, top):
    import dask

    scores = as_dask(quality_scores)
    if scores.ndim != 1:
        raise ValueError(f"quality_scores must be 1-D, got shape {scores.shape}.")
    if scores.dtype.kind not in "iuf":
        raise ValueError(f"quality_scores must hold real numbers, got dtype {scores.dtype}.")
    capacity = np.array([scores.shape[0] if top is None else top])
    stops = np.cumsum(known_row_chunks(scores, "quality_scores")).tolist()
    task = dask.delayed(lowest_scores_block, pure=True)
    parts = [task(block, start, capacity) for block, start in
             zip(scores.to_delayed().ravel(), [0, *stops[:-1]])]
    best = dask.compute(tree_reduce(parts, functools.partial(combine_lowest,
                                                             capacity=capacity)))[0]
    return best["index"][np.lexsort((best["index"], best["key"]))]


def lowest_scores_block(scores, start, capacity):
    table = {"group": np.zeros(len(scores), dtype=np.intp), "key": np.asarray(scores),
             "index": np.arange(start, start + len(scores))}
    return _blocks.keep_best(table, capacity)


def combine_lowest(parts, capacity):
    table = {name: np.concatenate([part[name] for part in parts])
             for name in ("group", "key", "index")}
    return _blocks.keep_best(table, capacity)
