"""Counting label noise: confident thresholds, the confident joint and the noise matrices.

All functions take ``labels`` (integers 0..K-1) and ``pred_probs`` (n x K out-of-sample predicted
probabilities, float32 or float64; float32 is never up-cast). The O(n*K) work runs in compiled
kernels on ``n_jobs`` OpenMP threads with identical results for any thread count; the K x K
algebra is numpy.

The results match the reference implementation, cleanlab 2.9.0, including three behaviours
in which it departs from the confident-learning paper (Northcutt et al., JAIR 2021). Each is
the default here and each can be switched to the paper's rule:

* when several classes reach their thresholds, the example is counted toward the overall
  argmax of its row, even if that class is not itself confident
  (``multiple_confident="argmax"``); the paper takes the argmax among the confident classes
  (``multiple_confident="confident_argmax"``);
* a probability counts as reaching its threshold when ``p >= threshold - 1e-6``
  (``threshold_tolerance=1e-6``); the paper compares with no tolerance (``0``);
* every diagonal entry of the confident joint is raised to at least 1 before calibration
  (``min_diagonal=1``); the paper does not (``0``).
"""

import numpy as np
from sklearn.utils._param_validation import HasMethods, StrOptions, validate_params

from . import _cv, _dask, _engine, _latent, multilabel
from ._threads import kernel_threads
from ._validation import (
    MULTIPLE_CONFIDENT_OPTIONS,
    N_JOBS,
    NON_NEGATIVE_INT,
    NON_NEGATIVE_REAL,
    PRED_PROBS,
    as_array,
    check_and_group,
    check_confident_joint,
    check_labels,
    check_labels_and_pred_probs,
    check_thresholds,
)

ESTIMATION_METHODS = ("off_diagonal", "off_diagonal_calibrated", "off_diagonal_custom")
PY_METHODS = StrOptions(set(_latent.PY_METHODS))


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "multi_label": ["boolean"],
     "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def get_confident_thresholds(labels, pred_probs, *, multi_label=False, n_jobs=None):
    """Per-class thresholds: the mean predicted probability of class k over examples labelled k.

    An example "confidently" belongs to class ``k`` when its predicted probability of ``k``
    reaches ``thresholds[k]`` (the model's average self-confidence in ``k``).

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``; some may be wrong.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities; each row sums to 1.
    multi_label : bool, default=False
        ``labels`` holds a list of classes per example (or a binary indicator matrix): return
        the (K, 2) one-vs-rest thresholds of
        :func:`sklearn_noisy.multilabel.get_confident_thresholds`.
    n_jobs : int, default=None
        OpenMP threads for the input check; ``None`` uses all cores.

    Returns
    -------
    thresholds : ndarray of shape (K,)
        In the precision of ``pred_probs`` (float64 if a class has no examples; its threshold
        is then 2, which no probability reaches). Clipped from below to 2e-6.
        Shape (K, 2) with ``multi_label=True``.

    See Also
    --------
    compute_confident_joint : Counts examples against these thresholds.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import get_confident_thresholds
    >>> labels = np.array([0, 0, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.7, 0.3], [0.2, 0.8], [0.4, 0.6]])
    >>> get_confident_thresholds(labels, pred_probs)
    array([0.8, 0.7])
    """
    if multi_label:
        return multilabel.get_confident_thresholds(labels, pred_probs)
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    return _engine.thresholds_from_groups(_engine.group_labels(labels, pred_probs))



@validate_params(
    {
        "labels": ["array-like"],
        "pred_probs": PRED_PROBS,
        "thresholds": ["array-like", None],
        "calibrate": ["boolean"],
        "return_indices_of_off_diagonals": ["boolean"],
        "multiple_confident": [MULTIPLE_CONFIDENT_OPTIONS],
        "threshold_tolerance": [NON_NEGATIVE_REAL],
        "min_diagonal": [NON_NEGATIVE_INT],
        "multi_label": ["boolean"],
        "n_jobs": N_JOBS,
    },
    prefer_skip_nested_validation=True,
)

@_dask.accepts_dask_arrays
def compute_confident_joint(
    labels,
    pred_probs,
    *,
    thresholds=None,
    calibrate=True,
    return_indices_of_off_diagonals=False,
    multiple_confident="argmax",
    threshold_tolerance=1e-6,
    min_diagonal=1,
    multi_label=False,
    n_jobs=None,
):
    """Count the examples confidently belonging to each (given label, true label) pair.

    Entry ``[i, j]`` of the confident joint counts the examples labelled ``i`` whose predicted
    probability of class ``j`` reaches ``j``'s threshold (see
    :func:`get_confident_thresholds`). Off-diagonal entries are likely label errors.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities (for example from cross-validation).
    thresholds : array-like of shape (K,), default=None
        Per-class thresholds; computed with :func:`get_confident_thresholds` if omitted.
    calibrate : bool, default=True
        Rescale the counts so that row ``i`` sums to the number of examples labelled ``i``
        (see :func:`calibrate_confident_joint`).
    return_indices_of_off_diagonals : bool, default=False
        Also return the indices of the examples counted off the diagonal.
    multiple_confident : {'argmax', 'confident_argmax'}, default='argmax'
        Where an example that reaches several thresholds is counted. ``'argmax'`` (the
        reference's behaviour) takes the largest probability of the row, even if that class did
        not reach its own threshold; ``'confident_argmax'`` (the paper's rule) takes the largest
        among the classes that reached their thresholds.
    threshold_tolerance : float, default=1e-6
        A probability reaches a threshold when ``p >= threshold - threshold_tolerance``.
        The reference uses 1e-6; the paper's rule is 0.
    min_diagonal : int, default=1
        Diagonal entries are raised to at least this value before calibration, so that no
        class is estimated to have no correctly labelled example. The reference uses 1; the
        paper's rule is 0.
    multi_label : bool, default=False
        ``labels`` holds a list of classes per example (or a binary indicator matrix): return
        the one-vs-rest joints of shape (K, 2, 2) of
        :func:`sklearn_noisy.multilabel.compute_confident_joint`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores. Results do not depend on it.

    Returns
    -------
    confident_joint : ndarray of shape (K, K)
        Integer counts, rows indexed by given label and columns by true label.
    indices_off_diagonal : ndarray of int
        Only with ``return_indices_of_off_diagonals``: the examples counted off the diagonal,
        in increasing order.

    See Also
    --------
    sklearn_noisy.filter.find_label_issues : Turns the confident joint into label issues.
    estimate_latent : Turns it into the noise matrices and the latent prior.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import compute_confident_joint
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> compute_confident_joint(labels, pred_probs, calibrate=False)
    array([[2, 1],
           [0, 2]])
    """
    if multi_label:
        return multilabel.compute_confident_joint(
            labels, pred_probs, thresholds=thresholds, calibrate=calibrate,
            return_indices_of_off_diagonals=return_indices_of_off_diagonals,
            multiple_confident=multiple_confident, threshold_tolerance=threshold_tolerance,
            min_diagonal=min_diagonal, n_jobs=n_jobs,
        )
    labels, pred_probs, thresholds, groups = _check_with_thresholds(labels, pred_probs,
                                                                    thresholds, n_jobs)
    result = _engine.confident_learning(
        labels, pred_probs, n_threads=kernel_threads(n_jobs, pred_probs), thresholds=thresholds,
        multiple_confident=multiple_confident, threshold_tolerance=threshold_tolerance,
        min_diagonal=min_diagonal, calibrate=calibrate, groups=groups,
    )
    if return_indices_of_off_diagonals:
        return result.confident_joint, np.flatnonzero(result.off_diagonal)
    return result.confident_joint


def _check_with_thresholds(labels, pred_probs, thresholds, n_jobs):
    """``(labels, pred_probs, thresholds, groups)`` checked together; thresholds may be None."""
    labels, pred_probs, grouping = check_and_group(labels, pred_probs, n_jobs=n_jobs,
                                                   allow_one_class=True)
    if thresholds is not None:
        thresholds = check_thresholds(thresholds, pred_probs.shape[1])
    return labels, pred_probs, thresholds, _engine.LabelGroups(*grouping)


@validate_params(
    {"confident_joint": ["array-like"], "labels": ["array-like"], "multi_label": ["boolean"]},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def calibrate_confident_joint(confident_joint, labels, *, multi_label=False):
    """Rescale a confident joint into an estimate of the joint counts of given and true labels.

    Each row ``i`` is scaled to sum to the number of examples labelled ``i`` and the whole matrix
    to the number of examples, then rounded to integers preserving the row totals.

    Parameters
    ----------
    confident_joint : array-like of shape (K, K)
        Counts from :func:`compute_confident_joint` with ``calibrate=False``.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    multi_label : bool, default=False
        ``confident_joint`` has shape (K, 2, 2) and ``labels`` holds a list of classes per
        example: see :func:`sklearn_noisy.multilabel.calibrate_confident_joint`.

    Returns
    -------
    calibrated : ndarray of shape (K, K)
        Integer counts; ``calibrated.sum(axis=1) == np.bincount(labels, minlength=K)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import calibrate_confident_joint
    >>> calibrate_confident_joint(np.array([[2, 1], [0, 2]]), [0, 0, 0, 0, 0, 0, 1, 1])
    array([[4, 2],
           [0, 2]])
    """
    if multi_label:
        return multilabel.calibrate_confident_joint(confident_joint, labels)
    confident_joint, label_counts = _check_joint_and_labels(confident_joint, labels)
    return _engine.calibrate_joint(confident_joint, label_counts)


def _check_joint_and_labels(confident_joint, labels):
    """A (K, K) confident joint and the label counts of ``labels``, checked together."""
    confident_joint = as_array(confident_joint, "confident_joint")
    n_classes = len(confident_joint) if confident_joint.ndim else 0
    confident_joint = check_confident_joint(confident_joint, n_classes)
    labels = as_array(labels, "labels")
    if labels.ndim == 1 and labels.shape[0] == 0:
        raise ValueError("labels is empty (0 examples); pass the labels of at least one example.")
    labels = check_labels(labels, len(labels), n_classes, allow_one_class=True)
    return confident_joint, np.bincount(labels, minlength=n_classes)


@validate_params(
    {"labels": ["array-like"], "pred_probs": [*PRED_PROBS, None],
     "confident_joint": ["array-like", None], "multi_label": ["boolean"], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def estimate_joint(labels, pred_probs, *, confident_joint=None, multi_label=False, n_jobs=None):
    """Estimate the joint distribution ``P(given label=i, true label=j)``.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities. Not used if ``confident_joint`` is given.
    confident_joint : array-like of shape (K, K), default=None
        A confident joint to calibrate and normalise instead of computing one.
    multi_label : bool, default=False
        ``labels`` holds a list of classes per example: return the (K, 2, 2) one-vs-rest
        joints of :func:`sklearn_noisy.multilabel.estimate_joint`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    joint : ndarray of shape (K, K)
        Sums to 1; row ``i`` sums to the fraction of examples labelled ``i``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import estimate_joint
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> estimate_joint(labels, pred_probs)
    array([[0.33333333, 0.16666667],
           [0.        , 0.5       ]])
    """
    if multi_label:
        return multilabel.estimate_joint(labels, pred_probs, confident_joint=confident_joint,
                                         n_jobs=n_jobs)
    if confident_joint is None:
        labels, pred_probs = check_labels_and_pred_probs(
            labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
        )
        calibrated = _engine.confident_learning(
            labels, pred_probs, n_threads=kernel_threads(n_jobs, pred_probs)
        ).confident_joint
    else:
        calibrated = _engine.calibrate_joint(*_check_joint_and_labels(confident_joint, labels))
    return _latent.normalized(calibrated)


@validate_params(
    {"confident_joint": ["array-like"], "labels": ["array-like"], "py_method": [PY_METHODS],
     "converge_latent_estimates": ["boolean"]},
    prefer_skip_nested_validation=True,
)
@_dask.accepts_dask_arrays
def estimate_latent(confident_joint, labels, *, py_method="cnt", converge_latent_estimates=False):
    """Estimate the latent prior and both noise matrices from a confident joint.

    Parameters
    ----------
    confident_joint : array-like of shape (K, K)
        Usually calibrated, from :func:`compute_confident_joint`.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    py_method : {'cnt', 'eqn', 'marginal', 'marginal_ps'}, default='cnt'
        How the latent prior is estimated; see
        :func:`sklearn_noisy.latent_algebra.compute_py`.
    converge_latent_estimates : bool, default=False
        Iterate the identities between the three estimates until they agree numerically.

    Returns
    -------
    py : ndarray of shape (K,)
        ``P(true label = k)``.
    noise_matrix : ndarray of shape (K, K)
        ``P(given label = i | true label = j)``; columns sum to 1.
    inverse_noise_matrix : ndarray of shape (K, K)
        ``P(true label = j | given label = i)`` at ``[j, i]``; columns sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import estimate_latent
    >>> py, noise_matrix, inverse = estimate_latent(np.array([[4, 2], [0, 2]]),
    ...                                             [0, 0, 0, 0, 0, 0, 1, 1])
    >>> noise_matrix
    array([[1. , 0.5],
           [0. , 0.5]])
    """
    confident_joint, label_counts = _check_joint_and_labels(confident_joint, labels)
    return _latent.estimate_latent(confident_joint, label_counts, py_method=py_method,
                                   converge_latent_estimates=converge_latent_estimates)


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS, "thresholds": ["array-like", None],
     "converge_latent_estimates": ["boolean"], "py_method": [PY_METHODS],
     "calibrate": ["boolean"], "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)

@_dask.accepts_dask_arrays
def estimate_py_and_noise_matrices_from_probabilities(
    labels,
    pred_probs,
    *,
    thresholds=None,
    converge_latent_estimates=True,
    py_method="cnt",
    calibrate=True,
    n_jobs=None,
):
    """Estimate the latent prior, the noise matrices and the confident joint in one call.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    thresholds : array-like of shape (K,), default=None
        See :func:`compute_confident_joint`.
    converge_latent_estimates : bool, default=True
        See :func:`estimate_latent`.
    py_method : {'cnt', 'eqn', 'marginal', 'marginal_ps'}, default='cnt'
        See :func:`estimate_latent`.
    calibrate : bool, default=True
        See :func:`compute_confident_joint`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    py, noise_matrix, inverse_noise_matrix, confident_joint : tuple of ndarrays

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import estimate_py_and_noise_matrices_from_probabilities
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> py, nm, inv, cj = estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    >>> cj
    array([[2, 1],
           [0, 3]])
    """
    labels, pred_probs, thresholds, groups = _check_with_thresholds(labels, pred_probs,
                                                                    thresholds, n_jobs)
    result = _engine.confident_learning(
        labels, pred_probs, n_threads=kernel_threads(n_jobs, pred_probs), thresholds=thresholds,
        calibrate=calibrate, groups=groups,
    )
    py, noise_matrix, inverse_noise_matrix = _latent.estimate_latent(
        result.confident_joint, result.label_counts, py_method=py_method,
        converge_latent_estimates=converge_latent_estimates,
    )
    return py, noise_matrix, inverse_noise_matrix, result.confident_joint


@validate_params(
    {"labels": ["array-like"], "pred_probs": PRED_PROBS,
     "confident_joint": ["array-like", None],
     "estimation_method": [StrOptions(set(ESTIMATION_METHODS))], "multi_label": ["boolean"],
     "n_jobs": N_JOBS},
    prefer_skip_nested_validation=True,
)

@_dask.accepts_dask_arrays
def num_label_issues(labels, pred_probs, *, confident_joint=None, estimation_method="off_diagonal",
                     multi_label=False, n_jobs=None):
    """Estimate how many examples are mislabelled, without finding which.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    confident_joint : array-like of shape (K, K), default=None
        Needed by ``estimation_method='off_diagonal_custom'``.
    estimation_method : {'off_diagonal', 'off_diagonal_calibrated', 'off_diagonal_custom'}, \
            default='off_diagonal'
        ``'off_diagonal'`` counts the examples off the diagonal of the uncalibrated confident
        joint, leaving out those whose given label is (within 1e-6) the most likely class;
        ``'off_diagonal_calibrated'`` is ``n`` times the off-diagonal mass of the calibrated
        joint; ``'off_diagonal_custom'`` does the same with the given ``confident_joint``.
    multi_label : bool, default=False
        ``labels`` holds a list of classes per example: the count of
        :func:`sklearn_noisy.multilabel.num_label_issues` (only with
        ``estimation_method='off_diagonal'``, which it follows).
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    num_issues : int

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import num_label_issues
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> num_label_issues(labels, pred_probs)
    1
    """
    if multi_label:
        if estimation_method != "off_diagonal":
            raise ValueError(
                f"estimation_method={estimation_method!r} is not available with "
                "multi_label=True, which counts the examples off the diagonal of the "
                "one-vs-rest confident joints; use estimation_method='off_diagonal'."
            )
        return multilabel.num_label_issues(labels, pred_probs, confident_joint=confident_joint,
                                           n_jobs=n_jobs)
    labels, pred_probs = check_labels_and_pred_probs(labels, pred_probs, n_jobs=n_jobs)
    if estimation_method == "off_diagonal_custom":
        if confident_joint is None:
            raise ValueError(
                "estimation_method='off_diagonal_custom' needs a confident_joint; pass one, or "
                "use 'off_diagonal' or 'off_diagonal_calibrated' to have it computed."
            )
        joint = _engine.calibrate_joint(
            check_confident_joint(confident_joint, pred_probs.shape[1]),
            np.bincount(labels, minlength=pred_probs.shape[1]),
        )
        return _latent.count_off_diagonal(joint, len(labels))
    result = _engine.confident_learning(labels, pred_probs,
                                        n_threads=kernel_threads(n_jobs, pred_probs))
    if estimation_method == "off_diagonal":
        near_argmax = (result.agreement & _engine.LABEL_NEAR_ARGMAX) != 0
        return int(np.count_nonzero(result.off_diagonal & ~near_argmax))
    return _latent.count_off_diagonal(result.confident_joint, len(labels))


_CV_PARAMETERS = {
    "X": ["array-like", "sparse matrix"],
    "labels": ["array-like"],
    "clf": [HasMethods(["fit", "predict_proba"]), None],
    "cv": ["cv_object"],
    "random_state": ["random_state", np.random.Generator],
    "n_jobs": N_JOBS,
    "fit_params": [dict, None],
}


@validate_params(_CV_PARAMETERS, prefer_skip_nested_validation=False)

def estimate_cv_predicted_probabilities(X, labels, clf=None, *, cv=5, random_state=None,
                                        n_jobs=None, fit_params=None):
    """Out-of-fold predicted probabilities of a clone of ``clf``, by cross-validation.

    Each example's probabilities come from a model that did not see it, which is what
    confident learning needs.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Features, in any format ``clf`` accepts.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``, every class present.
    clf : classifier, default=None
        Any scikit-learn classifier with ``predict_proba``; it is cloned, never fitted in
        place. ``None`` means ``LogisticRegression(max_iter=1000)``.
    cv : int or cross-validation splitter, default=5
        An int gives a shuffled ``StratifiedKFold``.
    random_state : int, RandomState or Generator instance, default=None
        Seeds the shuffling of the folds when ``cv`` is an int. ``None`` draws fresh
        randomness without touching numpy's global random state.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib).
    fit_params : dict, default=None
        Passed to ``clf.fit``.

    Returns
    -------
    pred_probs : ndarray of shape (n_samples, K)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy.count import estimate_cv_predicted_probabilities
    >>> X, y = load_iris(return_X_y=True)
    >>> estimate_cv_predicted_probabilities(X, y, random_state=0).shape
    (150, 3)
    """
    labels = _check_cv_labels(labels)
    clf = _cv.default_estimator() if clf is None else clf
    splitter = _cv.make_splitter(cv, labels, random_state)
    _cv.check_folds(labels, splitter, np.arange(labels.max() + 1))
    return _cv.out_of_fold_pred_probs(clf, X, labels, splitter, n_jobs=n_jobs,
                                      fit_params=fit_params)


def _check_cv_labels(labels):
    """Labels for cross-validation: integers 0..K-1, every class present."""
    labels = as_array(labels, "labels")
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            f"labels must be a non-empty 1-D array of class indices, got shape {labels.shape}."
        )
    # Every class present means at most one class per example.
    labels = check_labels(labels, len(labels), len(labels))
    n_classes = int(labels.max()) + 1
    missing = np.flatnonzero(np.bincount(labels, minlength=n_classes) == 0)
    if missing.size:
        raise ValueError(
            f"Class {missing[0]} has no examples; labels must use every class 0..{n_classes - 1} "
            "so that the columns of pred_probs index them. Re-encode the labels with "
            "sklearn.preprocessing.LabelEncoder."
        )
    return labels


@validate_params(
    {**_CV_PARAMETERS, "thresholds": ["array-like", None], "calibrate": ["boolean"]},
    prefer_skip_nested_validation=False,
)

def estimate_confident_joint_and_cv_pred_proba(X, labels, clf=None, *, cv=5, random_state=None,
                                                n_jobs=None, fit_params=None, thresholds=None,
                                                calibrate=True):
    """Cross-validate ``clf`` and count the confident joint of its out-of-fold probabilities.

    Parameters are those of :func:`estimate_cv_predicted_probabilities`, plus ``thresholds``
    and ``calibrate`` of :func:`compute_confident_joint`.

    Returns
    -------
    confident_joint : ndarray of shape (K, K)
    pred_probs : ndarray of shape (n_samples, K)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy.count import estimate_confident_joint_and_cv_pred_proba
    >>> X, y = load_iris(return_X_y=True)
    >>> cj, pred_probs = estimate_confident_joint_and_cv_pred_proba(X, y, random_state=0)
    >>> int(cj.sum())
    150
    """
    pred_probs = estimate_cv_predicted_probabilities(
        X, labels, clf, cv=cv, random_state=random_state, n_jobs=n_jobs, fit_params=fit_params
    )
    confident_joint = compute_confident_joint(
        labels, pred_probs, thresholds=thresholds, calibrate=calibrate, n_jobs=n_jobs
    )
    return confident_joint, pred_probs


@validate_params(
    {**_CV_PARAMETERS, "thresholds": ["array-like", None],
     "converge_latent_estimates": ["boolean"], "py_method": [PY_METHODS]},
    prefer_skip_nested_validation=False,
)
def estimate_py_noise_matrices_and_cv_pred_proba(X, labels, clf=None, *, cv=5, random_state=None,
                                                 n_jobs=None, fit_params=None, thresholds=None,
                                                 converge_latent_estimates=False, py_method="cnt"):
    """Cross-validate ``clf``, then estimate the latent prior and the noise matrices.

    Parameters are those of :func:`estimate_confident_joint_and_cv_pred_proba`, plus
    ``converge_latent_estimates`` and ``py_method`` of :func:`estimate_latent`.

    Returns
    -------
    py, noise_matrix, inverse_noise_matrix, confident_joint, pred_probs : tuple of ndarrays

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy.count import estimate_py_noise_matrices_and_cv_pred_proba
    >>> X, y = load_iris(return_X_y=True)
    >>> py, nm, inv, cj, pred_probs = estimate_py_noise_matrices_and_cv_pred_proba(
    ...     X, y, random_state=0)
    >>> nm.sum(axis=0)
    array([1., 1., 1.])
    """
    confident_joint, pred_probs = estimate_confident_joint_and_cv_pred_proba(
        X, labels, clf, cv=cv, random_state=random_state, n_jobs=n_jobs,
        fit_params=fit_params, thresholds=thresholds,
    )
    py, noise_matrix, inverse_noise_matrix = _latent.estimate_latent(
        confident_joint, np.bincount(np.asarray(labels, dtype=np.intp)),
        py_method=py_method, converge_latent_estimates=converge_latent_estimates,
    )
    return py, noise_matrix, inverse_noise_matrix, confident_joint, pred_probs
