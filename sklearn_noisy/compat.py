"""The names of the classic confident-learning package (cleanlab 1.x), mapped onto this one.

Code written for the first confident-learning package runs with one changed import, for
example ``from sklearn_noisy.compat import get_noise_indices`` instead of
``from cleanlab.pruning import get_noise_indices``. Each name below is a thin mapping: it
renames the old parameters (``s`` -> ``labels``, ``psx`` -> ``pred_probs``, ``prune_method`` ->
``filter_by``, ``sorted_index_method`` -> ``return_indices_ranked_by``, ``cv_n_folds`` -> ``cv``,
``seed`` -> ``random_state``) and calls the function of this package, whose documentation
describes the behaviour. New code should call those functions directly.

========================================================  ====================================
classic name                                              sklearn_noisy
========================================================  ====================================
*pruning*
``get_noise_indices(s, psx, prune_method=...)``           ``filter.find_label_issues``
``order_label_errors``                                    ``rank.order_label_issues``
*latent_estimation*
``compute_confident_joint(s, psx, ...)``                  ``count``, same name
``calibrate_confident_joint``                             ``count``, same name
``estimate_joint``                                        ``count``, same name
``estimate_latent``                                       ``count``, same name
``estimate_py_and_noise_matrices_from_probabilities``     ``count``, same name
``estimate_confident_joint_and_cv_pred_proba``            ``count``, same name
``estimate_py_noise_matrices_and_cv_pred_proba``          ``count``, same name
``estimate_cv_predicted_probabilities``                   ``count``, same name
``estimate_noise_matrices``                               two outputs of ``count.estimate_py_``
                                                          ``noise_matrices_and_cv_pred_proba``
``num_label_errors``                                      ``count.num_label_issues``
*latent_algebra*
all names                                                 ``latent_algebra``, same names
*noise_generation*
all names (``seed`` -> ``random_state``)                  ``noise_generation``, same names
*classification*
``LearningWithNoisyLabels(clf, seed, cv_n_folds, ...)``    ``ConfidentLearningClassifier``
========================================================  ====================================

Where the results differ from the classic package:

* The counts and masks are those of cleanlab 2.9.0, which this package reproduces; they differ
  from the classic package in details it later fixed (for example, every diagonal entry of the
  confident joint is at least 1). :func:`get_noise_indices` keeps the classic rule of not
  pruning classes with at most 5 examples (``min_examples_per_class=5``).
* With ``multi_label=True`` the labels are handled one-vs-rest, as in cleanlab 2.9.0
  (:mod:`sklearn_noisy.multilabel`); the confident joint is then one 2 x 2 matrix per class.
* Randomness comes from ``seed`` / ``random_state`` only, never from numpy's global state;
  ``seed=None`` draws fresh randomness.
* :func:`generate_noise_matrix_from_trace` raises a ValueError where the classic function
  returned None or looped.
"""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from . import count, latent_algebra, noise_generation, rank
from . import filter as _filter
from ._classifier import ConfidentLearningClassifier
from ._validation import FILTER_BY_OPTIONS
from .latent_algebra import (
    compute_inv_noise_matrix as _compute_inv_noise_matrix,
)
from .latent_algebra import (
    compute_noise_matrix_from_inverse as _compute_noise_matrix_from_inverse,
)
from .latent_algebra import compute_py as _compute_py
from .noise_generation import (
    generate_n_rand_probabilities_that_sum_to_m,
    randomly_distribute_N_balls_into_K_bins,
)

#: Classic ``sorted_index_method`` -> ``return_indices_ranked_by``.
SORTED_INDEX_METHODS = {
    None: None,
    "prob_given_label": "self_confidence",
    "normalized_margin": "normalized_margin",
}
#: The classic package did not prune classes with this many examples or fewer.
CLASSIC_MIN_EXAMPLES_PER_CLASS = 5

compute_ps_py_inv_noise_matrix = latent_algebra.compute_ps_py_inv_noise_matrix
compute_py_inv_noise_matrix = latent_algebra.compute_py_inv_noise_matrix
compute_pyx = latent_algebra.compute_pyx

__all__ = [
    "LearningWithNoisyLabels",
    "calibrate_confident_joint",
    "compute_confident_joint",
    "compute_inv_noise_matrix",
    "compute_noise_matrix_from_inverse",
    "compute_ps_py_inv_noise_matrix",
    "compute_py",
    "compute_py_inv_noise_matrix",
    "compute_pyx",
    "estimate_confident_joint_and_cv_pred_proba",
    "estimate_cv_predicted_probabilities",
    "estimate_joint",
    "estimate_latent",
    "estimate_noise_matrices",
    "estimate_py_and_noise_matrices_from_probabilities",
    "estimate_py_noise_matrices_and_cv_pred_proba",
    "generate_n_rand_probabilities_that_sum_to_m",
    "generate_noise_matrix_from_trace",
    "generate_noisy_labels",
    "get_noise_indices",
    "noise_matrix_is_valid",
    "num_label_errors",
    "order_label_errors",
    "randomly_distribute_N_balls_into_K_bins",
]


def _ranked_by(sorted_index_method):
    if sorted_index_method not in SORTED_INDEX_METHODS:
        choices = ", ".join(repr(m) for m in SORTED_INDEX_METHODS)
        raise ValueError(f"sorted_index_method={sorted_index_method!r} is not supported; choose "
                         f"one of {choices}.")
    return SORTED_INDEX_METHODS[sorted_index_method]


# --- pruning ---------------------------------------------------------------------------------

@validate_params({"prune_method": [FILTER_BY_OPTIONS]}, prefer_skip_nested_validation=True)
def get_noise_indices(s, psx, *, inverse_noise_matrix=None, confident_joint=None,
                      frac_noise=1.0, num_to_remove_per_class=None,
                      prune_method="prune_by_noise_rate", sorted_index_method=None,
                      multi_label=False, n_jobs=None, verbose=0,
                      min_examples_per_class=CLASSIC_MIN_EXAMPLES_PER_CLASS):
    """Classic name of :func:`sklearn_noisy.filter.find_label_issues`.

    Parameters
    ----------
    s : array-like of shape (n_samples,)
        Given labels (``labels``).
    psx : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities (``pred_probs``).
    inverse_noise_matrix : array-like of shape (K, K), default=None
        Accepted and unused, as in the classic package.
    confident_joint : array-like of shape (K, K), default=None
    frac_noise : float, default=1.0
    num_to_remove_per_class : array-like of shape (K,), default=None
    prune_method : str, default='prune_by_noise_rate'
        ``filter_by``: 'prune_by_noise_rate', 'prune_by_class', 'both', or any other
        ``filter_by`` of :func:`~sklearn_noisy.filter.find_label_issues`.
    sorted_index_method : {None, 'prob_given_label', 'normalized_margin'}, default=None
        ``None`` returns a mask; otherwise the indices of the issues, ranked by the
        self-confidence (``'prob_given_label'``) or the normalized margin.
    multi_label : bool, default=False
    n_jobs : int, default=None
    verbose : int, default=0
        Accepted and unused: nothing is printed.
    min_examples_per_class : int, default=5
        Classes with at most this many examples are not pruned (5 in the classic package,
        1 in cleanlab 2).

    Returns
    -------
    label_issues : ndarray
        A boolean mask, or ranked indices if ``sorted_index_method`` is given.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import get_noise_indices
    >>> s = np.repeat([0, 1], 8)
    >>> psx = np.tile([[0.9, 0.1]], (16, 1))
    >>> psx[8:] = [0.2, 0.8]
    >>> psx[[3, 12]] = [[0.1, 0.9], [0.95, 0.05]]
    >>> get_noise_indices(s, psx, sorted_index_method="prob_given_label")
    array([12,  3])
    """
    del inverse_noise_matrix, verbose  # unused, as in the classic package
    return _filter.find_label_issues(
        s, psx, filter_by=prune_method, return_indices_ranked_by=_ranked_by(sorted_index_method),
        frac_noise=frac_noise, num_to_remove_per_class=num_to_remove_per_class,
        min_examples_per_class=min_examples_per_class, confident_joint=confident_joint,
        multi_label=multi_label, n_jobs=n_jobs,
    )


def order_label_errors(label_errors_bool, psx, labels, sorted_index_method="normalized_margin"):
    """Classic name of :func:`sklearn_noisy.rank.order_label_issues`.

    ``sorted_index_method`` is ``'normalized_margin'`` or ``'prob_given_label'`` (the
    self-confidence). The order is the classic one for examples whose given label is not the
    most likely class, which includes every issue :func:`get_noise_indices` returns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import order_label_errors
    >>> psx = np.array([[0.3, 0.7], [0.9, 0.1], [0.1, 0.9]])
    >>> order_label_errors(np.array([True, False, True]), psx, np.array([0, 0, 0]))
    array([2, 0])
    """
    rank_by = _ranked_by(sorted_index_method)
    if rank_by is None:
        raise ValueError("sorted_index_method must be 'normalized_margin' or "
                         "'prob_given_label' to order label errors.")
    return rank.order_label_issues(label_errors_bool, labels, psx, rank_by=rank_by)


# --- latent_estimation -----------------------------------------------------------------------

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
    return count.estimate_cv_predicted_probabilities(X, labels, clf, cv=cv_n_folds,
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
        X, s, clf, cv=cv_n_folds, random_state=seed, thresholds=thresholds, calibrate=calibrate
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
        X, s, clf, cv=cv_n_folds, random_state=seed, thresholds=thresholds,
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
        X, s, clf, cv=cv_n_folds, random_state=seed, thresholds=thresholds,
        converge_latent_estimates=converge_latent_estimates,
    )
    return estimates[1], estimates[2]


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


# --- latent_algebra (classic argument order: optional arguments by position too) --------------

def compute_inv_noise_matrix(py, noise_matrix, ps=None):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_inv_noise_matrix`.

    Examples
    --------
    >>> from sklearn_noisy.compat import compute_inv_noise_matrix
    >>> compute_inv_noise_matrix([0.5, 0.5], [[0.8, 0.4], [0.2, 0.6]])
    array([[0.66666667, 0.25      ],
           [0.33333333, 0.75      ]])
    """
    return _compute_inv_noise_matrix(py, noise_matrix, ps=ps)


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=None):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_noise_matrix_from_inverse`.

    Examples
    --------
    >>> from sklearn_noisy.compat import compute_noise_matrix_from_inverse
    >>> compute_noise_matrix_from_inverse([0.6, 0.4], [[2 / 3, 0.25], [1 / 3, 0.75]])
    array([[0.8, 0.4],
           [0.2, 0.6]])
    """
    return _compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=py)


def compute_py(ps, noise_matrix, inverse_noise_matrix, py_method="cnt",
               true_labels_class_counts=None):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_py`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import compute_py
    >>> compute_py(np.array([0.6, 0.4]), np.array([[0.8, 0.4], [0.2, 0.6]]),
    ...            np.array([[2 / 3, 0.25], [1 / 3, 0.75]]), "eqn")
    array([0.5, 0.5])
    """
    return _compute_py(ps, noise_matrix, inverse_noise_matrix, py_method=py_method,
                       true_labels_class_counts=true_labels_class_counts)


# --- noise_generation --------------------------------------------------------------------------

def generate_noise_matrix_from_trace(K, trace, max_trace_prob=1.0, min_trace_prob=1e-5,
                                     max_noise_rate=1 - 1e-5, min_noise_rate=0.0,
                                     valid_noise_matrix=True, py=None,
                                     frac_zero_noise_rates=0.0, seed=0, max_iter=10000):
    """Classic name of :func:`sklearn_noisy.noise_generation.generate_noise_matrix_from_trace`.

    ``seed`` is ``random_state`` (0 by default, as in the classic package). The bounds on the
    diagonal entries and the noise rates are accepted at their classic defaults only. Raises
    a ValueError where the classic function returned None.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import generate_noise_matrix_from_trace
    >>> noise_matrix = generate_noise_matrix_from_trace(3, 2.4, py=[0.2, 0.3, 0.5])
    >>> float(np.trace(noise_matrix))
    2.4
    """
    defaults = {"max_trace_prob": 1.0, "min_trace_prob": 1e-5, "max_noise_rate": 1 - 1e-5,
                "min_noise_rate": 0.0}
    given = {"max_trace_prob": max_trace_prob, "min_trace_prob": min_trace_prob,
             "max_noise_rate": max_noise_rate, "min_noise_rate": min_noise_rate}
    changed = [name for name, value in given.items() if value != defaults[name]]
    if changed:
        raise ValueError(f"{', '.join(changed)} other than the classic default is not "
                         f"supported; leave them out.")
    return noise_generation.generate_noise_matrix_from_trace(
        K, trace, py=py, valid_noise_matrix=valid_noise_matrix,
        frac_zero_noise_rates=frac_zero_noise_rates, random_state=seed, max_iter=max_iter,
    )


def noise_matrix_is_valid(noise_matrix, py, verbose=False):
    """Classic name of :func:`sklearn_noisy.noise_generation.noise_matrix_is_valid`.

    ``verbose`` is accepted and unused: nothing is printed.

    Examples
    --------
    >>> from sklearn_noisy.compat import noise_matrix_is_valid
    >>> noise_matrix_is_valid([[0.8, 0.3], [0.2, 0.7]], [0.5, 0.5])
    True
    """
    del verbose
    return noise_generation.noise_matrix_is_valid(noise_matrix, py)


def generate_noisy_labels(y, noise_matrix, seed=None):
    """Classic name of :func:`sklearn_noisy.noise_generation.generate_noisy_labels`.

    ``y`` is ``true_labels``; ``seed`` is ``random_state``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import generate_noisy_labels
    >>> noisy = generate_noisy_labels(np.repeat([0, 1], 10), [[0.8, 0.3], [0.2, 0.7]], seed=0)
    >>> int((noisy != np.repeat([0, 1], 10)).sum())
    5
    """
    return noise_generation.generate_noisy_labels(y, noise_matrix, random_state=seed)


# --- classification ----------------------------------------------------------------------------


class LearningWithNoisyLabels(ConfidentLearningClassifier):
    """Classic name and parameters of :class:`sklearn_noisy.ConfidentLearningClassifier`.

    Finds the label issues by cross-validating ``clf``, fits a clone of ``clf`` on the other
    examples (reweighted by the estimated noise rates) and predicts with it.

    Parameters
    ----------
    clf : classifier, default=None
        ``estimator``; ``None`` means ``LogisticRegression(max_iter=1000)``.
    seed : int, RandomState instance or None, default=None
        ``random_state``: seeds the cross-validation folds.
    cv_n_folds : int, default=5
        ``cv``: the number of stratified folds.
    prune_method : str, default='prune_by_noise_rate'
        ``filter_by``; see :func:`sklearn_noisy.filter.find_label_issues`.
    pulearning : class label or None, default=None
        The class known to have no label errors (positive-unlabelled learning).
    n_jobs : int, default=None
        Parallel folds and kernel threads.

    Attributes
    ----------
    classes_, estimator_, label_issues_, noise_matrix_, inverse_noise_matrix_, confident_joint_, py_, pred_probs_
        As in :class:`sklearn_noisy.ConfidentLearningClassifier`. The classic attribute
        ``noise_mask`` is ``label_issues_``.

    Notes
    -----
    Classes with at most 5 examples are not pruned, as in the classic package
    (``min_examples_per_class=5``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_noisy.compat import LearningWithNoisyLabels
    >>> X, y = load_iris(return_X_y=True)
    >>> model = LearningWithNoisyLabels(clf=LogisticRegression(max_iter=1000), seed=0)
    >>> model.fit(X, y).predict(X[:3])
    array([0, 0, 0])
    """

    _parameter_constraints: dict = {
        "clf": ConfidentLearningClassifier._parameter_constraints["estimator"],
        "seed": ConfidentLearningClassifier._parameter_constraints["random_state"],
        "cv_n_folds": [Interval(Integral, 2, None, closed="left")],
        "prune_method": [FILTER_BY_OPTIONS],
        "pulearning": ConfidentLearningClassifier._parameter_constraints["pulearning"],
        "n_jobs": ConfidentLearningClassifier._parameter_constraints["n_jobs"],
    }

    # The parameters of ConfidentLearningClassifier that the classic class did not have.
    frac_noise = 1.0
    num_to_remove_per_class = None
    min_examples_per_class = 5
    return_indices_ranked_by = "self_confidence"
    preset = "reference"
    reweight = True
    detection_rounds = 1
    relabel_margin = None
    calibration = None
    extra_estimators = None
    memory = None

    def __init__(self, clf=None, *, seed=None, cv_n_folds=5,
                 prune_method="prune_by_noise_rate", pulearning=None, n_jobs=None):
        self.clf = clf
        self.seed = seed
        self.cv_n_folds = cv_n_folds
        self.prune_method = prune_method
        self.pulearning = pulearning
        self.n_jobs = n_jobs

    # The new parameter names, read by ConfidentLearningClassifier, map to the classic ones.
    estimator = property(lambda self: self.clf)
    random_state = property(lambda self: self.seed)
    cv = property(lambda self: self.cv_n_folds)
    filter_by = property(lambda self: self.prune_method)

    def fit(self, X, y=None, psx=None, *, s=None, **fit_params):
        """Fit on features ``X`` and noisy labels ``y`` (classic name ``s``).

        ``psx`` are precomputed out-of-sample predicted probabilities (``pred_probs``).

        Returns
        -------
        self : object
        """
        if (y is None) == (s is None):
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
                if y is None else "Pass the labels once, as y or as s, not both."
            )
        return super().fit(X, y if s is None else s, pred_probs=psx, **fit_params)

    @property
    def noise_mask(self):
        """The classic name of ``label_issues_``."""
        return self.label_issues_
