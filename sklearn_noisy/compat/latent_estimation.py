"""The classic ``cleanlab.latent_estimation`` names: the confident joint and the noise estimates.

``from cleanlab.latent_estimation import X`` becomes
``from sklearn_noisy.compat.latent_estimation import X``. ``cv_n_folds`` is ``cv`` and ``seed``
is ``random_state`` of the functions of :mod:`sklearn_noisy.count`.
"""

import warnings

import numpy as np

from .. import _latent, count
from .._foreign import cloneable
from .._validation import check_labels_and_pred_probs, check_thresholds

__all__ = [
    "calibrate_confident_joint",
    "compute_confident_joint",
    "converge_estimates",
    "estimate_confident_joint_and_cv_pred_proba",
    "estimate_confident_joint_from_probabilities",
    "estimate_cv_predicted_probabilities",
    "estimate_joint",
    "estimate_latent",
    "estimate_noise_matrices",
    "estimate_py_and_noise_matrices_from_probabilities",
    "estimate_py_noise_matrices_and_cv_pred_proba",
    "num_label_errors",
]

#: Epochs of threshold updates when ``force_ps=True``, and their learning rate.
FORCE_PS_EPOCHS = 5
FORCE_PS_LEARNING_RATE = 0.5


def _model(clf):
    """``clf``, made clonable if it is not a scikit-learn estimator (the classic package
    deep-copied it)."""
    return None if clf is None else cloneable(clf)


def _check_num_classes(K, psx):
    n_classes = np.shape(psx)[1] if np.ndim(psx) == 2 else None
    if K is not None and n_classes is not None and K != n_classes:
        raise ValueError(f"K={K} does not match the {n_classes} columns of psx.")


def compute_confident_joint(s, psx, K=None, thresholds=None, calibrate=True,
                            multi_label=False, return_indices_of_off_diagonals=False):
    """Classic name of :func:`sklearn_noisy.count.compute_confident_joint`.

    ``K``, if given, must equal the number of columns of ``psx``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import compute_confident_joint
    >>> s = np.array([0, 0, 0, 1, 1, 1])
    >>> psx = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                 [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> compute_confident_joint(s, psx, calibrate=False)
    array([[2, 1],
           [0, 2]])
    """
    _check_num_classes(K, psx)
    return count.compute_confident_joint(
        s, psx, thresholds=thresholds, calibrate=calibrate, multi_label=multi_label,
        return_indices_of_off_diagonals=return_indices_of_off_diagonals,
    )


def estimate_confident_joint_from_probabilities(s, psx, thresholds=None, force_ps=False,
                                                return_list_of_converging_cj_matrices=False):
    """The calibrated confident joint; deprecated in the classic package already.

    Warns with a ``DeprecationWarning``: use :func:`compute_confident_joint` (or
    :func:`sklearn_noisy.count.compute_confident_joint`), whose default this is.

    ``force_ps`` repeats the count after moving each threshold by half the difference between
    the class's share of the joint's rows and its share of the labels: ``True`` for 5 rounds,
    an int for that many. As the joint is calibrated, its rows already hold the label counts,
    so the thresholds move only by rounding errors.

    Parameters
    ----------
    s : array-like of shape (n_samples,)
    psx : array-like of shape (n_samples, K)
    thresholds : array-like of shape (K,), default=None
    force_ps : bool or int, default=False
    return_list_of_converging_cj_matrices : bool, default=False
        Return the joint of every round, in a list.

    Returns
    -------
    confident_joint : ndarray of shape (K, K), or a list of them

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sklearn_noisy.compat import estimate_confident_joint_from_probabilities
    >>> s = np.array([0, 0, 0, 1, 1, 1])
    >>> psx = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                 [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     estimate_confident_joint_from_probabilities(s, psx)
    array([[2, 1],
           [0, 3]])
    """
    warnings.warn("estimate_confident_joint_from_probabilities is deprecated (as in the "
                  "classic package); use compute_confident_joint.", DeprecationWarning,
                  stacklevel=2)
    if isinstance(force_ps, bool):
        n_epochs = FORCE_PS_EPOCHS if force_ps else 1
    elif isinstance(force_ps, (int, np.integer)) and force_ps >= 1:
        n_epochs = int(force_ps)
    else:
        raise ValueError(f"force_ps must be a bool or a number of epochs >= 1, got {force_ps!r}.")
    labels, pred_probs = check_labels_and_pred_probs(s, psx)
    n_classes = pred_probs.shape[1]
    ps = np.bincount(labels, minlength=n_classes) / len(labels)
    thresholds = (count.get_confident_thresholds(labels, pred_probs) if thresholds is None
                  else check_thresholds(thresholds, n_classes).copy())
    joints = []
    for _ in range(n_epochs):
        joint = count.compute_confident_joint(labels, pred_probs, thresholds=thresholds)
        joints.append(joint)
        if force_ps:
            joint_ps = joint.sum(axis=1) / joint.sum()
            thresholds = thresholds + FORCE_PS_LEARNING_RATE * (joint_ps - ps)
    return joints if return_list_of_converging_cj_matrices else joints[-1]


def calibrate_confident_joint(confident_joint, s, multi_label=False):
    """Classic name of :func:`sklearn_noisy.count.calibrate_confident_joint`.

    Examples
    --------
    >>> from sklearn_noisy.compat import calibrate_confident_joint
    >>> calibrate_confident_joint([[2, 1], [0, 2]], [0, 0, 0, 1, 1, 1])
    array([[2, 1],
           [0, 3]])
    """
    if multi_label:
        raise ValueError("calibrate_confident_joint with multi_label=True is not available; "
                         "use compute_confident_joint(..., multi_label=True, calibrate=True).")
    return count.calibrate_confident_joint(confident_joint, s)


def estimate_joint(s, psx=None, confident_joint=None, multi_label=False):
    """Classic name of :func:`sklearn_noisy.count.estimate_joint`.

    Examples
    --------
    >>> from sklearn_noisy.compat import estimate_joint
    >>> estimate_joint([0, 0, 0, 1, 1, 1], confident_joint=[[2, 1], [0, 2]])
    array([[0.33333333, 0.16666667],
           [0.        , 0.5       ]])
    """
    if multi_label:
        raise ValueError("estimate_joint with multi_label=True is not available; use "
                         "compute_confident_joint(..., multi_label=True) for the per-class "
                         "joints.")
    return count.estimate_joint(s, psx, confident_joint=confident_joint)


def estimate_latent(confident_joint, s, py_method="cnt", converge_latent_estimates=False):
    """Classic name of :func:`sklearn_noisy.count.estimate_latent`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import estimate_latent
    >>> py, noise_matrix, inverse = estimate_latent(np.array([[4, 2], [0, 2]]),
    ...                                             [0, 0, 0, 0, 0, 0, 1, 1])
    >>> noise_matrix
    array([[1. , 0.5],
           [0. , 0.5]])
    """
    return count.estimate_latent(confident_joint, s, py_method=py_method,
                                 converge_latent_estimates=converge_latent_estimates)


def estimate_py_and_noise_matrices_from_probabilities(s, psx, thresholds=None,
                                                      converge_latent_estimates=True,
                                                      py_method="cnt", calibrate=True):
    """Classic name of
    :func:`sklearn_noisy.count.estimate_py_and_noise_matrices_from_probabilities`.

    Returns ``(py, noise_matrix, inverse_noise_matrix, confident_joint)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import estimate_py_and_noise_matrices_from_probabilities
    >>> s = np.array([0, 0, 0, 1, 1, 1])
    >>> psx = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                 [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> py, nm, inv, cj = estimate_py_and_noise_matrices_from_probabilities(s, psx)
    >>> cj
    array([[2, 1],
           [0, 3]])
    """
    return count.estimate_py_and_noise_matrices_from_probabilities(
        s, psx, thresholds=thresholds, converge_latent_estimates=converge_latent_estimates,
        py_method=py_method, calibrate=calibrate,
    )


def estimate_cv_predicted_probabilities(X, labels, clf=None, cv_n_folds=5, seed=None):
    """Classic name of :func:`sklearn_noisy.count.estimate_cv_predicted_probabilities`.

    ``cv_n_folds`` is ``cv`` and ``seed`` is ``random_state``; ``clf=None`` means
    ``LogisticRegression``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn_noisy.compat import estimate_cv_predicted_probabilities
    >>> X, y = load_iris(return_X_y=True)
    >>> estimate_cv_predicted_probabilities(X, y, GaussianNB(), seed=0).shape
    (150, 3)
    """
    return count.estimate_cv_predicted_probabilities(X, labels, _model(clf), cv=cv_n_folds,
                                                     random_state=seed)


def estimate_confident_joint_and_cv_pred_proba(X, s, clf=None, cv_n_folds=5,
                                               thresholds=None, seed=None, calibrate=True):
    """Classic name of :func:`sklearn_noisy.count.estimate_confident_joint_and_cv_pred_proba`.

    Returns ``(confident_joint, psx)``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn_noisy.compat import estimate_confident_joint_and_cv_pred_proba
    >>> X, y = load_iris(return_X_y=True)
    >>> cj, psx = estimate_confident_joint_and_cv_pred_proba(X, y, GaussianNB(), seed=0)
    >>> int(cj.sum()), psx.shape
    (150, (150, 3))
    """
    return count.estimate_confident_joint_and_cv_pred_proba(
        X, s, _model(clf), cv=cv_n_folds, random_state=seed, thresholds=thresholds,
        calibrate=calibrate,
    )


def estimate_py_noise_matrices_and_cv_pred_proba(X, s, clf=None, cv_n_folds=5,
                                                 thresholds=None,
                                                 converge_latent_estimates=False,
                                                 py_method="cnt", seed=None):
    """Classic name of :func:`sklearn_noisy.count.estimate_py_noise_matrices_and_cv_pred_proba`.

    Returns ``(py, noise_matrix, inverse_noise_matrix, confident_joint, psx)``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn_noisy.compat import estimate_py_noise_matrices_and_cv_pred_proba
    >>> X, y = load_iris(return_X_y=True)
    >>> py, nm, inv, cj, psx = estimate_py_noise_matrices_and_cv_pred_proba(
    ...     X, y, GaussianNB(), seed=0)
    >>> nm.shape, psx.shape
    ((3, 3), (150, 3))
    """
    return count.estimate_py_noise_matrices_and_cv_pred_proba(
        X, s, _model(clf), cv=cv_n_folds, random_state=seed, thresholds=thresholds,
        converge_latent_estimates=converge_latent_estimates, py_method=py_method,
    )


def estimate_noise_matrices(X, s, clf=None, cv_n_folds=5, thresholds=None,
                            converge_latent_estimates=True, seed=None):
    """The noise matrix and the inverse noise matrix, by cross-validating ``clf``.

    Classic name; the first three steps of
    :func:`sklearn_noisy.count.estimate_py_noise_matrices_and_cv_pred_proba`.

    Returns ``(noise_matrix, inverse_noise_matrix)``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn_noisy.compat import estimate_noise_matrices
    >>> X, y = load_iris(return_X_y=True)
    >>> noise_matrix, inverse = estimate_noise_matrices(X, y, GaussianNB(), seed=0)
    >>> noise_matrix.sum(axis=0)
    array([1., 1., 1.])
    """
    estimates = count.estimate_py_noise_matrices_and_cv_pred_proba(
        X, s, _model(clf), cv=cv_n_folds, random_state=seed, thresholds=thresholds,
        converge_latent_estimates=converge_latent_estimates,
    )
    return estimates[1], estimates[2]


def converge_estimates(ps, py, noise_matrix, inverse_noise_matrix,
                       inv_noise_matrix_iterations=5, noise_matrix_iterations=3):
    """Make ``py``, ``noise_matrix`` and ``inverse_noise_matrix`` agree with each other.

    ``noise_matrix_iterations`` times: ``inv_noise_matrix_iterations`` times recompute the
    inverse noise matrix from ``py`` and ``py`` from it, then recompute the noise matrix, all
    with the identities of :mod:`sklearn_noisy.latent_algebra`.

    Returns
    -------
    py, noise_matrix, inverse_noise_matrix : ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat.latent_estimation import converge_estimates
    >>> noise = np.array([[0.8, 0.4], [0.2, 0.6]])
    >>> inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    >>> py, _, _ = converge_estimates(np.array([0.6, 0.4]), np.array([0.5, 0.5]), noise,
    ...                               inverse)
    >>> py
    array([0.5, 0.5])
    """
    return _latent.converge(np.asarray(ps, dtype=float), np.asarray(py, dtype=float),
                            np.asarray(noise_matrix, dtype=float),
                            np.asarray(inverse_noise_matrix, dtype=float),
                            outer=noise_matrix_iterations, inner=inv_noise_matrix_iterations)


def num_label_errors(labels, psx, confident_joint=None):
    """Classic name of :func:`sklearn_noisy.count.num_label_issues`.

    The number of examples off the diagonal of the calibrated confident joint (computed, or
    the given ``confident_joint`` calibrated), rounded to the nearest integer where the
    classic package rounded down.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import num_label_errors
    >>> s = np.array([0, 0, 0, 1, 1, 1])
    >>> psx = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                 [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> num_label_errors(s, psx)
    1
    """
    if confident_joint is None:
        return count.num_label_issues(labels, psx, estimation_method="off_diagonal_calibrated")
    return count.num_label_issues(labels, psx, confident_joint=confident_joint,
                                  estimation_method="off_diagonal_custom")
