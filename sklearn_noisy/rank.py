"""Label quality scores: rank examples from most to least likely mislabelled."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.metrics import log_loss
from sklearn.utils._param_validation import StrOptions, validate_params

from . import _dask, _engine
from ._threads import kernel_threads
from ._validation import (
    N_JOBS,
    PRED_PROBS,
    RANK_BY_OPTIONS,
    StrictInterval,
    as_array,
    check_adjust_pred_probs,
    check_labels_and_pred_probs,
    check_rank_by_kwargs,
)


def _checked_scores(labels, pred_probs, method, adjust_pred_probs, n_jobs):
    """Quality scores of checked inputs."""
    thresholds = None
    if adjust_pred_probs:
        thresholds = _engine.thresholds_from_groups(_engine.group_labels(labels, pred_probs))
    return _engine.quality_scores(labels, pred_probs, method, thresholds=thresholds,
                                  n_threads=kernel_threads(n_jobs, pred_probs))


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "method": [RANK_BY_OPTIONS],
     "adjust_pred_probs": ["boolean"], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def get_label_quality_scores(labels, pred_probs, *, method="self_confidence",
                             adjust_pred_probs=False, n_jobs=None):
    """Score how likely each example's given label is to be correct (lower: more likely wrong).

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    method : {'self_confidence', 'normalized_margin', 'confidence_weighted_entropy'}, \
            default='self_confidence'
        - ``'self_confidence'``: ``p(label)``;
        - ``'normalized_margin'``: ``(p(label) - max of the other classes + 1) / 2``;
        - ``'confidence_weighted_entropy'``: with ``r = H(p) / log(K) / p(label)`` (``p(label)``
          clipped to at least 1e-6), ``log(1 + r) / r`` (``r`` clipped to at least 1e-6 in the
          denominator). A certain prediction (entropy 0) scores 0, the lowest score, even
          when it agrees with the label; the reference does the same.
    adjust_pred_probs : bool, default=False
        Subtract each class's confident threshold from its column, add back the largest
        threshold and renormalise each row before scoring; this evens out classes the model
        is systematically under- or over-confident in.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    scores : ndarray of shape (n_samples,)
        In [0, 1], in the precision of ``pred_probs``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.rank import get_label_quality_scores
    >>> labels = np.array([0, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.7, 0.3]])
    >>> get_label_quality_scores(labels, pred_probs)
    array([0.9, 0.3])
    >>> get_label_quality_scores(labels, pred_probs, method="normalized_margin")
    array([0.9, 0.3])
    """
    adjust_pred_probs = check_adjust_pred_probs(adjust_pred_probs, method)
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    return _checked_scores(labels, pred_probs, method, adjust_pred_probs, n_jobs)


@validate_params(
    {"label_issues_mask": ["array-like"], "labels": ["array-like"], "pred_probs": PRED_PROBS,
     "rank_by": [RANK_BY_OPTIONS], "rank_by_kwargs": [dict, None], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def order_label_issues(label_issues_mask, labels, pred_probs, *, rank_by="self_confidence",
                       rank_by_kwargs=None, n_jobs=None):
    """Order the flagged examples from most to least likely mislabelled.

    Parameters
    ----------
    label_issues_mask : array-like of bool, shape (n_samples,)
        For example the output of :func:`sklearn_noisy.filter.find_label_issues`.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    rank_by : str, default='self_confidence'
        A ``method`` of :func:`get_label_quality_scores`.
    rank_by_kwargs : dict, default=None
        Extra arguments of :func:`get_label_quality_scores`, such as ``adjust_pred_probs``.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    indices : ndarray of int
        The indices where ``label_issues_mask`` is True, lowest score first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.rank import order_label_issues
    >>> pred_probs = np.array([[0.3, 0.7], [0.9, 0.1], [0.1, 0.9]])
    >>> order_label_issues([True, False, True], [0, 0, 0], pred_probs)
    array([2, 0])
    """
    adjust_pred_probs = check_rank_by_kwargs(rank_by_kwargs, rank_by)
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    mask = as_array(label_issues_mask, "label_issues_mask")
    if mask.shape != labels.shape or mask.dtype != bool:
        raise ValueError(
            f"label_issues_mask must be a boolean array of shape {labels.shape}, "
            f"got {mask.dtype} of shape {mask.shape}."
        )
    return _engine.rank_issues(mask, _checked_scores(labels, pred_probs, rank_by, adjust_pred_probs, n_jobs))


@validate_params(
    {"quality_scores": ["array-like"],
     "top": [StrictInterval(Integral, 0, None, closed="left"), None]},
    prefer_skip_nested_validation=True,
)


@_dask.accepts_dask_arrays
def find_top_issues(quality_scores, *, top=10):
    """Indices of the ``top`` lowest quality scores, lowest first (ties: smaller index first).

    Parameters
    ----------
    quality_scores : array-like of shape (n_samples,)
        For example from :func:`get_label_quality_scores`.
    top : int or None, default=10
        How many to return; ``None`` returns all.

    Returns
    -------
    indices : ndarray of int

    Examples
    --------
    >>> from sklearn_noisy.rank import find_top_issues
    >>> find_top_issues([0.9, 0.2, 0.5, 0.1], top=2)
    array([3, 1])
    """
    quality_scores = as_array(quality_scores, "quality_scores")
    if quality_scores.ndim != 1:
        raise ValueError(f"quality_scores must be 1-D, got shape {quality_scores.shape}.")
    if quality_scores.dtype.kind not in "iuf":
        raise ValueError(f"quality_scores must hold real numbers, got dtype {quality_scores.dtype}.")
    return _engine.stable_argsort(quality_scores)[:top]


#: How the members of an ensemble are weighted (see get_label_quality_ensemble_scores).
ENSEMBLE_WEIGHTINGS = ("accuracy", "log_loss_search", "uniform", "custom")
#: The temperatures tried by ``weight_ensemble_members_by='log_loss_search'``.
LOG_LOSS_SEARCH_T_VALUES = (1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 2e2)
#: Probabilities are clipped from below to this before a member's log loss is taken.
LOG_LOSS_FLOOR = 1e-6


@validate_params(
    {"labels": ["array-like"], "pred_probs_list": ["array-like"], "method": [RANK_BY_OPTIONS],
     "adjust_pred_probs": ["boolean"],
     "weight_ensemble_members_by": [StrOptions(set(ENSEMBLE_WEIGHTINGS))],
     "custom_weights": ["array-like", None], "log_loss_search_T_values": ["array-like"],
     "verbose": ["verbose"], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
def get_label_quality_ensemble_scores(labels, pred_probs_list, *, method="self_confidence",
                                      adjust_pred_probs=False,
                                      weight_ensemble_members_by="accuracy",
                                      custom_weights=None,
                                      log_loss_search_T_values=LOG_LOSS_SEARCH_T_VALUES,
                                      verbose=False, n_jobs=None):
    """Label quality scores of an ensemble: a weighted mean of each model's scores.

    Each model's ``pred_probs`` is scored with :func:`get_label_quality_scores`; the scores
    are then averaged with one weight per model.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs_list : list of array-like of shape (n_samples, K)
        The out-of-sample predicted probabilities of each model of the ensemble.
    method : {'self_confidence', 'normalized_margin', 'confidence_weighted_entropy'}, \
            default='self_confidence'
        See :func:`get_label_quality_scores`.
    adjust_pred_probs : bool, default=False
        See :func:`get_label_quality_scores`.
    weight_ensemble_members_by : {'accuracy', 'log_loss_search', 'uniform', 'custom'}, \
            default='accuracy'
        - ``'uniform'``: the plain mean;
        - ``'accuracy'``: weights proportional to each model's accuracy on the given labels
          (the argmax of its ``pred_probs``);
        - ``'log_loss_search'``: weights proportional to ``exp(-t * log_loss)``, each
          model's log loss taken on its probabilities clipped from below to 1e-6 and
          renormalised; ``t`` is the value of ``log_loss_search_T_values`` whose weighted
          mean of the ``pred_probs`` has the lowest log loss (the first, on ties);
        - ``'custom'``: the ``custom_weights``, as given (not normalised).
    custom_weights : array-like of shape (n_models,), default=None
        Only with ``weight_ensemble_members_by='custom'``.
    log_loss_search_T_values : array-like of float, \
            default=(1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 200)
        The values of ``t`` tried by ``'log_loss_search'``.
    verbose : bool, default=False
        Print the weighting scheme and each model's weight (to standard output).
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    scores : ndarray of shape (n_samples,)
        Lower: more likely mislabelled.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.rank import get_label_quality_ensemble_scores
    >>> labels = np.array([0, 1, 1])
    >>> first = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> second = np.array([[0.7, 0.3], [0.4, 0.6], [0.8, 0.2]])
    >>> get_label_quality_ensemble_scores(labels, [first, second],
    ...                                   weight_ensemble_members_by="uniform")
    array([0.8, 0.7, 0.3])
    """
    adjust_pred_probs = check_adjust_pred_probs(adjust_pred_probs, method)
    members = [check_labels_and_pred_probs(labels, pred_probs, n_jobs=n_jobs,
                                           allow_one_class=True)
               for pred_probs in pred_probs_list]
    if not members:
        raise ValueError("pred_probs_list is empty; pass the pred_probs of at least one model.")
    labels = members[0][0]
    members = [pred_probs for _, pred_probs in members]
    if len({pred_probs.shape for pred_probs in members}) > 1:
        raise ValueError(
            "Every array of pred_probs_list must have the same shape (n_samples, K), got "
            f"{sorted({pred_probs.shape for pred_probs in members})}."
        )
    weights = _ensemble_weights(labels, members, weight_ensemble_members_by, custom_weights,
                                log_loss_search_T_values)
    if verbose:
        print(f"Ensemble of {len(members)} models, weighted by {weight_ensemble_members_by}:")
        for index, weight in enumerate(np.full(len(members), 1 / len(members))
                                       if weights is None else weights):
            print(f"  model {index}: weight {weight:.6g}")
    scores = np.column_stack([
        _checked_scores(labels, pred_probs, method, adjust_pred_probs, n_jobs)
        for pred_probs in members
    ])
    return scores.mean(axis=1) if weights is None else (scores * weights).sum(axis=1)


def _ensemble_weights(labels, members, weighting, custom_weights, t_values):
    """One weight per member, or None for the plain mean."""
    if custom_weights is not None and weighting != "custom":
        raise ValueError(
            "custom_weights is only used with weight_ensemble_members_by='custom', got "
            f"{weighting!r}; drop custom_weights or set weight_ensemble_members_by='custom'."
        )
    if weighting == "uniform":
        return None
    if weighting == "custom":
        weights = None if custom_weights is None else as_array(custom_weights, "custom_weights")
        if weights is None or weights.shape != (len(members),) or weights.dtype.kind not in "iuf":
            raise ValueError(
                "weight_ensemble_members_by='custom' needs custom_weights: one number per "
                f"model ({len(members)})."
            )
        return weights
    if weighting == "accuracy":
        accuracies = np.array([np.mean(np.argmax(p, axis=1) == labels) for p in members])
        if accuracies.sum() == 0:
            raise ValueError(
                "No model of the ensemble predicts any given label, so weights by accuracy are "
                "undefined; use weight_ensemble_members_by='uniform' or 'log_loss_search'."
            )
        return accuracies / accuracies.sum()
    return _log_loss_search_weights(labels, members, t_values)


def _log_loss_search_weights(labels, members, t_values):
    """The weights ``exp(-t * log_loss)`` of the ``t`` whose mixture has the lowest log loss."""
    t_values = np.asarray(t_values, dtype=np.float64).ravel()
    if t_values.size == 0:
        raise ValueError("log_loss_search_T_values is empty; pass at least one value of t.")
    classes = np.arange(members[0].shape[1])
    member_losses = []
    for pred_probs in members:
        clipped = np.clip(pred_probs, LOG_LOSS_FLOOR, None)
        clipped /= clipped.sum(axis=1)[:, np.newaxis]
        member_losses.append(_log_loss(labels, clipped, classes))
    best_loss, best_weights = np.inf, None
    for t in t_values:
        weights = np.exp(-t * np.array(member_losses))
        weights = weights / weights.sum()
        mixture = sum(weight * pred_probs for weight, pred_probs in zip(weights, members))
        loss = _log_loss(labels, mixture, classes)
        if loss < best_loss:
            best_loss, best_weights = loss, weights
    return best_weights


def _log_loss(labels, pred_probs, classes):
    """scikit-learn's log loss, without its warning about float32 rows summing to 1 - 1e-7."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*do not sum to one", category=UserWarning)
        return log_loss(labels, pred_probs, labels=classes)
