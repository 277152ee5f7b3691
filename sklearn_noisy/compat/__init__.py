"""The names of the classic confident-learning package (cleanlab 0.1), mapped onto this one.

Code written for the first confident-learning package runs with its imports changed, either
to this package (``from sklearn_noisy.compat import get_noise_indices``) or to the submodule
named like the classic module (``from cleanlab.pruning import get_noise_indices`` becomes
``from sklearn_noisy.compat.pruning import get_noise_indices``): :mod:`.pruning`,
:mod:`.latent_estimation`, :mod:`.latent_algebra`, :mod:`.noise_generation`,
:mod:`.classification`, :mod:`.baseline_methods` and :mod:`.util`.

Each name is a thin mapping: it takes the classic parameters (``s`` -> ``labels``, ``psx`` ->
``pred_probs``, ``prune_method`` -> ``filter_by``, ``sorted_index_method`` ->
``return_indices_ranked_by``, ``cv_n_folds`` -> ``cv``, ``seed`` -> ``random_state``, ``clf`` ->
``estimator``), in the classic order, and calls the function of this package whose
documentation describes the behaviour. New code should call those functions directly. The
user guide page "Coming from the classic API" lists the names and every deliberate difference.
"""

from .baseline_methods import (
    baseline_argmax,
    baseline_argmax_calibrated_confusion_matrix,
    baseline_argmax_confusion_matrix,
)
from .classification import CleanLearning, LearningWithNoisyLabels
from .latent_algebra import (
    compute_inv_noise_matrix,
    compute_noise_matrix_from_inverse,
    compute_ps_py_inv_noise_matrix,
    compute_py,
    compute_py_inv_noise_matrix,
    compute_pyx,
)
from .latent_estimation import (
    calibrate_confident_joint,
    compute_confident_joint,
    converge_estimates,
    estimate_confident_joint_and_cv_pred_proba,
    estimate_confident_joint_from_probabilities,
    estimate_cv_predicted_probabilities,
    estimate_joint,
    estimate_latent,
    estimate_noise_matrices,
    estimate_py_and_noise_matrices_from_probabilities,
    estimate_py_noise_matrices_and_cv_pred_proba,
    num_label_errors,
)
from .noise_generation import (
    generate_n_rand_probabilities_that_sum_to_m,
    generate_noise_matrix,
    generate_noise_matrix_from_trace,
    generate_noisy_labels,
    noise_matrix_is_valid,
    randomly_distribute_N_balls_into_K_bins,
)
from .pruning import CLASSIC_MIN_EXAMPLES_PER_CLASS as CLASSIC_MIN_EXAMPLES_PER_CLASS
from .pruning import SORTED_INDEX_METHODS as SORTED_INDEX_METHODS
from .pruning import (
    get_noise_indices,
    keep_at_least_n_per_class,
    multiclass_crossval_predict,
    order_label_errors,
    reduce_prune_counts,
)

__all__ = [
    "CleanLearning",
    "LearningWithNoisyLabels",
    "baseline_argmax",
    "baseline_argmax_calibrated_confusion_matrix",
    "baseline_argmax_confusion_matrix",
    "calibrate_confident_joint",
    "compute_confident_joint",
    "compute_inv_noise_matrix",
    "compute_noise_matrix_from_inverse",
    "compute_ps_py_inv_noise_matrix",
    "compute_py",
    "compute_py_inv_noise_matrix",
    "compute_pyx",
    "converge_estimates",
    "estimate_confident_joint_and_cv_pred_proba",
    "estimate_confident_joint_from_probabilities",
    "estimate_cv_predicted_probabilities",
    "estimate_joint",
    "estimate_latent",
    "estimate_noise_matrices",
    "estimate_py_and_noise_matrices_from_probabilities",
    "estimate_py_noise_matrices_and_cv_pred_proba",
    "generate_n_rand_probabilities_that_sum_to_m",
    "generate_noise_matrix",
    "generate_noise_matrix_from_trace",
    "generate_noisy_labels",
    "get_noise_indices",
    "keep_at_least_n_per_class",
    "multiclass_crossval_predict",
    "noise_matrix_is_valid",
    "num_label_errors",
    "order_label_errors",
    "randomly_distribute_N_balls_into_K_bins",
    "reduce_prune_counts",
]
