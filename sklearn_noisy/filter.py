"""Finding the label issues: which examples are likely mislabelled."""

import os
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from . import _blocks, _dask, _engine, multilabel
from ._threads import kernel_threads
from ._validation import (
    FILTER_BY_OPTIONS,
    FIND_LABEL_ISSUES_PARAMETERS,
    N_JOBS,
    PRED_PROBS,
    check_and_group,
    check_confident_joint,
    check_labels_and_pred_probs,
    check_num_to_remove_per_class,
    check_rank_by_kwargs,
)


@validate_params(
    {**FIND_LABEL_ISSUES_PARAMETERS, "multi_label": ["boolean"], "verbose": ["verbose"]},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
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
    verbose=False,
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
    num_to_remove_per_class : int or array-like of shape (K,), default=None
        For the pruning methods, the number of issues to find in each given class instead of
        the estimated one (one number applies to every class). ``prune_by_class`` flags exactly these numbers; with
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
    verbose : bool, default=False
        Print the number of issues found (to standard output). Results do not depend on it.

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
        return multilabel.find_label_issues(
            labels, pred_probs, filter_by=filter_by,
            return_indices_ranked_by=return_indices_ranked_by, rank_by_kwargs=rank_by_kwargs,
            frac_noise=frac_noise, num_to_remove_per_class=num_to_remove_per_class,
            min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
            multiple_confident=multiple_confident, n_jobs=n_jobs, verbose=verbose,
        )
    adjust_pred_probs = check_rank_by_kwargs(rank_by_kwargs, return_indices_ranked_by)
    labels, pred_probs, grouping = check_and_group(labels, pred_probs, n_jobs=n_jobs)
    n_classes = pred_probs.shape[1]
    if confident_joint is not None:
        confident_joint = check_confident_joint(confident_joint, n_classes)
    num_to_remove_per_class = check_num_to_remove_per_class(num_to_remove_per_class, filter_by,
                                                            n_classes)
    result = _engine.confident_learning(
        labels, pred_probs, n_threads=kernel_threads(n_jobs, pred_probs),
        multiple_confident=multiple_confident, confident_joint=confident_joint,
        filter_by=filter_by, frac_noise=frac_noise,
        num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, rank_by=return_indices_ranked_by,
        adjust_pred_probs=adjust_pred_probs, groups=_engine.LabelGroups(*grouping),
    )
    if verbose:
        _report_issues(result.label_issues, filter_by)
    if return_indices_ranked_by is None:
        return result.label_issues
    return result.ranked_label_issues


def _report_issues(label_issues, filter_by):
    """Print how many label issues were found (``verbose=True``)."""
    print(f"Found {np.count_nonzero(label_issues)} label issues among {len(label_issues)} "
          f"examples (filter_by={filter_by!r}).")


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "calibrate": ["boolean"],
     "filter_by": [FILTER_BY_OPTIONS], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
def find_label_issues_using_argmax_confusion_matrix(labels, pred_probs, *, calibrate=True,
                                                    filter_by="prune_by_noise_rate",
                                                    n_jobs=None):
    """A baseline: :func:`find_label_issues` with the confusion matrix as the confident joint.

    The matrix counting the examples by (given label, argmax of ``pred_probs``) replaces the
    confident joint; no thresholds are involved.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    calibrate : bool, default=True
        Calibrate the confusion matrix (see
        :func:`sklearn_noisy.count.calibrate_confident_joint`) before pruning.
    filter_by : str, default='prune_by_noise_rate'
        See :func:`find_label_issues`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    label_issues : ndarray of bool of shape (n_samples,)

    Notes
    -----
    The result equals that of cleanlab 2.9.0 when every class is both given and predicted;
    otherwise the reference's confusion matrix is not K x K, and it fails or misaligns the
    classes, where this function counts a zero row or column.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.filter import find_label_issues_using_argmax_confusion_matrix
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> find_label_issues_using_argmax_confusion_matrix(labels, pred_probs)
    array([False, False,  True, False, False, False])
    """
    labels, pred_probs = check_labels_and_pred_probs(labels, pred_probs, n_jobs=n_jobs)
    n_classes = pred_probs.shape[1]
    predicted = np.argmax(pred_probs, axis=1)
    # Counted as (predicted, given) and transposed: the column-major layout of the reference's
    # joint, so that calibration adds (and rounds) in the same order.
    confusion = np.bincount(predicted * n_classes + labels, minlength=n_classes * n_classes)
    joint = confusion.reshape(n_classes, n_classes).astype(np.float64).T
    if calibrate:
        joint = _engine.calibrate_joint(joint, np.bincount(labels, minlength=n_classes))
    return find_label_issues(labels, pred_probs, filter_by=filter_by, confident_joint=joint,
                             n_jobs=n_jobs)


@validate_params(
    {"labels": ["array-like", None], "pred_probs": ["array-like", None],
     "labels_file": [str, os.PathLike, None], "pred_probs_file": [str, os.PathLike, None],
     "batch_size": [Interval(Integral, 1, None, closed="left")], "n_jobs": N_JOBS,
     "verbose": ["boolean"], "quality_score_kwargs": [dict, None],
     "num_issue_kwargs": [dict, None], "return_mask": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def find_label_issues_batched(labels=None, pred_probs=None, *, labels_file=None,
                              pred_probs_file=None, batch_size=10000, n_jobs=None, verbose=True,
                              quality_score_kwargs=None, num_issue_kwargs=None,
                              return_mask=False):
    """Find label issues reading ``pred_probs`` in blocks of rows, with bounded memory.

    The answer is exactly that of the in-memory functions: the
    :func:`sklearn_noisy.count.num_label_issues` examples with the lowest
    :func:`sklearn_noisy.rank.get_label_quality_scores` (ties: smaller index first), which
    with the defaults is ``find_label_issues(labels, pred_probs,
    filter_by="low_self_confidence", return_indices_ranked_by="self_confidence")``. The
    reference's function of this name approximates that answer; this one does not. It reads
    the data one block at a time, in four passes: the labels alone, then the
    self-confidences, the confident counts and the selection of the lowest scores. Memory
    holds one block and the lowest scores of up to eight blocks waiting to be merged (each at
    most the number of issues).

    Parameters
    ----------
    labels : array-like of shape (n_samples,), default=None
        Given labels, integers in ``0..K-1``: a numpy array, a memory-mapped one
        (``np.load(path, mmap_mode="r")``) or any array that can be sliced by rows. Give
        ``labels_file`` instead to have the file memory-mapped.
    pred_probs : array-like of shape (n_samples, K), default=None
        Out-of-sample predicted probabilities, as ``labels``; or give ``pred_probs_file``.
    labels_file, pred_probs_file : str or path-like, default=None
        ``.npy`` files (written by ``np.save``), memory-mapped one block at a time.
    batch_size : int, default=10000
        Rows per block; the largest that memory allows is fastest.
    n_jobs : int, default=None
        OpenMP threads of the kernels on each block; ``None`` uses all cores. Results do not
        depend on it (the reference counts processes here).
    verbose : bool, default=True
        Print how many issues were found.
    quality_score_kwargs : dict, default=None
        ``method`` and ``adjust_pred_probs`` of
        :func:`sklearn_noisy.rank.get_label_quality_scores`, for the scores that select and
        rank the issues.
    num_issue_kwargs : dict, default=None
        ``estimation_method`` of :func:`sklearn_noisy.count.num_label_issues`:
        ``'off_diagonal'`` (default) or ``'off_diagonal_calibrated'``.
    return_mask : bool, default=False
        Return a boolean mask instead of the ranked indices.

    Returns
    -------
    label_issues : ndarray
        The indices of the issues, lowest score first; or, with ``return_mask``, a boolean
        mask of shape (n_samples,).

    See Also
    --------
    find_label_issues : The same answer from arrays in memory, with every ``filter_by``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.filter import find_label_issues_batched
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> find_label_issues_batched(labels, pred_probs, batch_size=4, verbose=False)
    array([2])
    """
    arrays = {}
    for name, array, path in [("labels", labels, labels_file),
                              ("pred_probs", pred_probs, pred_probs_file)]:
        if (array is None) == (path is None):
            raise ValueError(f"Pass exactly one of {name} and {name}_file.")
        arrays[name] = os.fspath(path) if array is None else array
    quality = dict(quality_score_kwargs or {})
    method = quality.pop("method", "self_confidence")
    adjust_pred_probs = check_rank_by_kwargs(quality, method)
    estimation = dict(num_issue_kwargs or {})
    estimation_method = estimation.pop("estimation_method", "off_diagonal")
    if estimation or estimation_method not in ("off_diagonal", "off_diagonal_calibrated"):
        raise ValueError("num_issue_kwargs accepts only estimation_method, 'off_diagonal' or "
                         f"'off_diagonal_calibrated'; got {num_issue_kwargs!r}.")
    source = _blocks.ArrayBlocks(arrays["labels"], arrays["pred_probs"],
                                 batch_size=batch_size, n_jobs=n_jobs)
    issues, scores = _blocks.lowest_scores(source, method=method,
                                           adjust_pred_probs=adjust_pred_probs,
                                           estimation_method=estimation_method)
    if verbose:
        print(f"Found {len(issues)} label issues among {source.n_samples} examples "
              f"({len(source.bounds)} blocks of at most {batch_size} rows).")
    if return_mask:
        return source.issues_mask(issues)
    return issues[_engine.stable_argsort(scores)]
