"""The classic API (cleanlab 0.1) in sklearn_noisy.compat: names, signatures, new helpers.

Where cleanlab 2.9.0 keeps a counterpart (``cleanlab.internal.*``, ``cleanlab.filter``,
``cleanlab.count``), the results are compared with it on random inputs; otherwise with
hand-worked fixtures.
"""

import importlib
import inspect
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from sklearn_noisy import ConfidentLearningClassifier, compat, count, latent_algebra
from sklearn_noisy.compat import util

cleanlab_filter = pytest.importorskip("cleanlab.filter")
cleanlab_count = pytest.importorskip("cleanlab.count")
cleanlab_util = pytest.importorskip("cleanlab.internal.util")
cleanlab_algebra = pytest.importorskip("cleanlab.internal.latent_algebra")

SETTINGS = settings(max_examples=25, deadline=None)

# The positional parameters of the classic functions, in order, read from the published
# source of the classic package (module, name, parameters).
CLASSIC_SIGNATURES = [
    ("pruning", "get_noise_indices",
     ["s", "psx", "inverse_noise_matrix", "confident_joint", "frac_noise",
      "num_to_remove_per_class", "prune_method", "sorted_index_method", "multi_label",
      "n_jobs", "verbose"]),
    ("pruning", "order_label_errors",
     ["label_errors_bool", "psx", "labels", "sorted_index_method"]),
    ("pruning", "keep_at_least_n_per_class", ["prune_count_matrix", "n", "frac_noise"]),
    ("pruning", "reduce_prune_counts", ["prune_count_matrix", "frac_noise"]),
    ("pruning", "multiclass_crossval_predict", ["pyx", "labels"]),
    ("latent_estimation", "num_label_errors", ["labels", "psx", "confident_joint"]),
    ("latent_estimation", "calibrate_confident_joint", ["confident_joint", "s", "multi_label"]),
    ("latent_estimation", "estimate_joint", ["s", "psx", "confident_joint", "multi_label"]),
    ("latent_estimation", "compute_confident_joint",
     ["s", "psx", "K", "thresholds", "calibrate", "multi_label",
      "return_indices_of_off_diagonals"]),
    ("latent_estimation", "estimate_latent",
     ["confident_joint", "s", "py_method", "converge_latent_estimates"]),
    ("latent_estimation", "estimate_py_and_noise_matrices_from_probabilities",
     ["s", "psx", "thresholds", "converge_latent_estimates", "py_method", "calibrate"]),
    ("latent_estimation", "estimate_confident_joint_and_cv_pred_proba",
     ["X", "s", "clf", "cv_n_folds", "thresholds", "seed", "calibrate"]),
    ("latent_estimation", "estimate_py_noise_matrices_and_cv_pred_proba",
     ["X", "s", "clf", "cv_n_folds", "thresholds", "converge_latent_estimates", "py_method",
      "seed"]),
    ("latent_estimation", "estimate_cv_predicted_probabilities",
     ["X", "labels", "clf", "cv_n_folds", "seed"]),
    ("latent_estimation", "estimate_noise_matrices",
     ["X", "s", "clf", "cv_n_folds", "thresholds", "converge_latent_estimates", "seed"]),
    ("latent_estimation", "converge_estimates",
     ["ps", "py", "noise_matrix", "inverse_noise_matrix", "inv_noise_matrix_iterations",
      "noise_matrix_iterations"]),
    ("latent_estimation", "estimate_confident_joint_from_probabilities",
     ["s", "psx", "thresholds", "force_ps", "return_list_of_converging_cj_matrices"]),
    ("latent_algebra", "compute_ps_py_inv_noise_matrix", ["s", "noise_matrix"]),
    ("latent_algebra", "compute_py_inv_noise_matrix", ["ps", "noise_matrix"]),
    ("latent_algebra", "compute_inv_noise_matrix", ["py", "noise_matrix", "ps"]),
    ("latent_algebra", "compute_noise_matrix_from_inverse",
     ["ps", "inverse_noise_matrix", "py"]),
    ("latent_algebra", "compute_py",
     ["ps", "noise_matrix", "inverse_noise_matrix", "py_method", "y_count"]),
    ("latent_algebra", "compute_pyx", ["psx", "noise_matrix", "inverse_noise_matrix"]),
    ("noise_generation", "noise_matrix_is_valid", ["noise_matrix", "py", "verbose"]),
    ("noise_generation", "generate_noisy_labels", ["y", "noise_matrix", "verbose"]),
    ("noise_generation", "generate_noise_matrix_from_trace",
     ["K", "trace", "max_trace_prob", "min_trace_prob", "max_noise_rate", "min_noise_rate",
      "valid_noise_matrix", "py", "frac_zero_noise_rates", "seed", "max_iter"]),
    ("noise_generation", "generate_n_rand_probabilities_that_sum_to_m",
     ["n", "m", "max_prob", "min_prob"]),
    ("noise_generation", "randomly_distribute_N_balls_into_K_bins",
     ["N", "K", "max_balls_per_bin", "min_balls_per_bin"]),
    ("noise_generation", "generate_noise_matrix",
     ["K", "max_noise_rate", "frac_zero_noise_rates", "verbose"]),
    ("baseline_methods", "baseline_argmax", ["psx", "s"]),
    ("baseline_methods", "baseline_argmax_confusion_matrix",
     ["psx", "s", "calibrate", "prune_method"]),
    ("baseline_methods", "baseline_argmax_calibrated_confusion_matrix",
     ["psx", "s", "prune_method"]),
    ("util", "value_counts", ["x"]),
    ("util", "confusion_matrix", ["true", "pred"]),
    ("util", "round_preserving_sum", ["iterable"]),
    ("util", "round_preserving_row_totals", ["confident_joint"]),
    ("util", "estimate_pu_f1", ["s", "prob_s_eq_1"]),
    ("util", "remove_noise_from_class", ["noise_matrix", "class_without_noise"]),
    ("util", "print_square_matrix",
     ["matrix", "left_name", "top_name", "title", "short_title", "round_places"]),
    ("util", "print_noise_matrix", ["noise_matrix", "round_places"]),
    ("util", "print_inverse_noise_matrix", ["inverse_noise_matrix", "round_places"]),
    ("util", "print_joint_matrix", ["joint_matrix", "round_places"]),
    ("classification", "LearningWithNoisyLabels",
     ["clf", "seed", "cv_n_folds", "prune_method", "converge_latent_estimates", "pulearning",
      "n_jobs"]),
]


def positional_parameters(function):
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [name for name, parameter in inspect.signature(function).parameters.items()
            if parameter.kind in kinds and name != "self"]


@pytest.mark.parametrize("module, name, parameters", CLASSIC_SIGNATURES,
                         ids=[f"{m}.{n}" for m, n, _ in CLASSIC_SIGNATURES])
def test_classic_signature_is_kept_in_its_module_and_at_the_top(module, name, parameters):
    function = getattr(importlib.import_module(f"sklearn_noisy.compat.{module}"), name)
    # Every classic parameter, by name and by position in the classic order.
    assert positional_parameters(function)[:len(parameters)] == parameters
    if name in compat.__all__:
        assert getattr(compat, name) is function


def test_learning_with_noisy_labels_fit_has_the_classic_signature():
    assert positional_parameters(compat.LearningWithNoisyLabels.fit)[:6] == [
        "X", "y", "psx", "thresholds", "noise_matrix", "inverse_noise_matrix"
    ]


def classic_inputs(seed, n_samples=300, n_classes=3):
    """Labels (a fifth of them resampled) and Dirichlet probabilities leaning to the truth."""
    rng = np.random.default_rng(seed)
    true = np.arange(n_samples) % n_classes
    pred_probs = rng.dirichlet(np.ones(n_classes), size=n_samples) + 2 * np.eye(n_classes)[true]
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n_samples) < 0.2, rng.integers(0, n_classes, n_samples), true)
    labels[:n_classes] = np.arange(n_classes)
    return labels, pred_probs


# --- defect: the classic name y_count ----------------------------------------------------------

def test_compute_py_takes_the_classic_y_count():
    ps = np.array([0.6, 0.4])
    noise = np.array([[0.8, 0.4], [0.2, 0.6]])
    inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    y_count = np.array([30, 10])
    ours = compat.compute_py(ps, noise, inverse, "marginal", y_count)
    np.testing.assert_allclose(ours, [0.75, 0.25])
    np.testing.assert_array_equal(
        ours, cleanlab_algebra.compute_py(ps, noise, inverse, py_method="marginal",
                                          true_labels_class_counts=y_count))
    np.testing.assert_array_equal(
        compat.compute_py(ps, noise, inverse, py_method="marginal", y_count=y_count),
        compat.compute_py(ps, noise, inverse, py_method="marginal",
                          true_labels_class_counts=y_count))
    with pytest.raises(ValueError, match="same argument"):
        compat.compute_py(ps, noise, inverse, "marginal", y_count,
                          true_labels_class_counts=y_count)


def test_classic_argument_names_of_the_latent_algebra():
    labels = np.array([0, 0, 0, 1, 1])
    noise = np.array([[0.8, 0.4], [0.2, 0.6]])
    ps, py, inverse = compat.compute_ps_py_inv_noise_matrix(s=labels, noise_matrix=noise)
    expected = cleanlab_algebra.compute_ps_py_inv_noise_matrix(labels, noise)
    for ours, theirs in zip((ps, py, inverse), expected):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    psx = np.array([[0.9, 0.1], [0.3, 0.7]])
    np.testing.assert_allclose(
        compat.compute_pyx(psx=psx, noise_matrix=noise, inverse_noise_matrix=inverse),
        cleanlab_algebra.compute_pyx(psx, noise, inverse), rtol=0, atol=1e-12)


def test_generate_noisy_labels_takes_classic_verbose_by_position():
    y = np.repeat([0, 1], 20)
    noise = [[0.8, 0.3], [0.2, 0.7]]
    np.testing.assert_array_equal(compat.generate_noisy_labels(y, noise, False, seed=1),
                                  compat.generate_noisy_labels(y, noise, seed=1))


# --- latent_estimation --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_converge_estimates_matches_reference(seed):
    labels, pred_probs = classic_inputs(seed)
    cj = count.compute_confident_joint(labels, pred_probs)
    py, noise, inverse = count.estimate_latent(cj, labels)
    ps = np.bincount(labels) / len(labels)
    ours = compat.converge_estimates(ps, py, noise, inverse, 4, 2)
    theirs = cleanlab_count._converge_estimates(ps, py, noise, inverse,
                                                inv_noise_matrix_iterations=4,
                                                noise_matrix_iterations=2)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_estimate_confident_joint_from_probabilities_is_the_calibrated_joint(seed):
    labels, pred_probs = classic_inputs(seed)
    with pytest.warns(DeprecationWarning, match="compute_confident_joint"):
        ours = compat.estimate_confident_joint_from_probabilities(labels, pred_probs)
    np.testing.assert_array_equal(ours, cleanlab_count.compute_confident_joint(labels,
                                                                               pred_probs))


def test_force_ps_runs_the_threshold_updates():
    labels, pred_probs = classic_inputs(0)
    thresholds = count.get_confident_thresholds(labels, pred_probs)
    before = thresholds.copy()
    with pytest.warns(DeprecationWarning):
        joints = compat.estimate_confident_joint_from_probabilities(
            labels, pred_probs, thresholds, True, True)
    with pytest.warns(DeprecationWarning):
        three = compat.estimate_confident_joint_from_probabilities(
            labels, pred_probs, force_ps=3, return_list_of_converging_cj_matrices=True)
    assert len(joints) == 5 and len(three) == 3
    np.testing.assert_array_equal(thresholds, before)  # the input is not moved in place
    # The calibrated joint already has the label counts as row sums: nothing to converge.
    for joint in joints:
        np.testing.assert_array_equal(joint.sum(axis=1), np.bincount(labels))
        np.testing.assert_array_equal(joint, joints[0])
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="force_ps"):
        compat.estimate_confident_joint_from_probabilities(labels, pred_probs, force_ps=0)


# --- pruning ------------------------------------------------------------------------------------

count_matrices = st.integers(2, 5).flatmap(
    lambda k: st.lists(st.integers(0, 60), min_size=k * k, max_size=k * k).map(
        lambda values: np.array(values).reshape(k, k)))


@SETTINGS
@given(matrix=count_matrices, n=st.integers(0, 20), frac_noise=st.floats(0.01, 1.0))
def test_keep_at_least_n_per_class_matches_reference(matrix, n, frac_noise):
    np.testing.assert_array_equal(
        compat.keep_at_least_n_per_class(matrix, n, frac_noise),
        cleanlab_filter._keep_at_least_n_per_class(matrix, n, frac_noise=frac_noise))


@SETTINGS
@given(matrix=count_matrices, frac_noise=st.floats(0.01, 1.0))
def test_reduce_prune_counts_matches_reference(matrix, frac_noise):
    ours = compat.reduce_prune_counts(matrix, frac_noise)
    np.testing.assert_array_equal(ours, cleanlab_filter._reduce_prune_counts(matrix, frac_noise))


def test_prune_count_helpers_by_hand():
    # Column 0: diagonal 3 -> 5, the 2 taken from its one noise rate (2 -> 0).
    np.testing.assert_array_equal(compat.keep_at_least_n_per_class([[3, 4], [2, 10]], 5),
                                  [[5, 4], [0, 10]])
    # Half of each noise rate moves to the diagonal: 4 -> 2 and 2 -> 1.
    np.testing.assert_array_equal(compat.reduce_prune_counts([[8, 4], [2, 6]], 0.5),
                                  [[9, 2], [1, 8]])
    with pytest.raises(ValueError, match="non-negative counts"):
        compat.reduce_prune_counts([[1, -1], [0, 1]])
    with pytest.raises(ValueError, match=r"frac_noise must lie in \(0, 1\]"):
        compat.keep_at_least_n_per_class([[1, 0], [0, 1]], 1, 1.5)


def test_get_noise_indices_takes_the_classic_positional_order():
    labels, pred_probs = classic_inputs(1)
    cj = count.compute_confident_joint(labels, pred_probs)
    by_position = compat.get_noise_indices(labels, pred_probs, None, cj, 1.0, None, "both",
                                           "prob_given_label")
    by_name = compat.get_noise_indices(s=labels, psx=pred_probs, confident_joint=cj,
                                       prune_method="both",
                                       sorted_index_method="prob_given_label")
    np.testing.assert_array_equal(by_position, by_name)


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), n_samples=st.integers(5, 40), n_classes=st.integers(2, 5))
def test_multiclass_crossval_predict_matches_reference(seed, n_samples, n_classes):
    rng = np.random.default_rng(seed)
    pyx = rng.random((n_samples, n_classes))
    labels = [list(np.flatnonzero(row > 0.5)) or [int(np.argmax(row))]
              for row in pyx + rng.normal(scale=0.2, size=pyx.shape)]
    labels[0] = list(range(n_classes))  # every class given
    np.testing.assert_array_equal(compat.multiclass_crossval_predict(pyx, labels),
                                  cleanlab_filter._multiclass_crossval_predict(labels, pyx))


# --- baseline_methods ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_baseline_argmax_matches_reference(seed):
    labels, pred_probs = classic_inputs(seed)
    np.testing.assert_array_equal(compat.baseline_argmax(pred_probs, labels),
                                  cleanlab_filter.find_predicted_neq_given(labels, pred_probs))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("calibrate", [False, True])
@pytest.mark.parametrize("prune_method", ["prune_by_noise_rate", "prune_by_class", "both"])
def test_baseline_confusion_matrix_methods_match_reference(seed, calibrate, prune_method):
    # Classes of about 100 examples: the classic minimum of 5 per class changes nothing.
    labels, pred_probs = classic_inputs(seed)
    expected = cleanlab_filter.find_label_issues_using_argmax_confusion_matrix(
        labels, pred_probs, calibrate=calibrate, filter_by=prune_method)
    ours = compat.baseline_argmax_confusion_matrix(pred_probs, labels, calibrate, prune_method)
    np.testing.assert_array_equal(ours, expected)
    assert ours.any()
    if calibrate:
        np.testing.assert_array_equal(
            compat.baseline_argmax_calibrated_confusion_matrix(pred_probs, labels, prune_method),
            expected)


# --- util ---------------------------------------------------------------------------------------

@SETTINGS
@given(values=st.lists(st.integers(0, 6), min_size=1, max_size=40))
def test_value_counts_and_confusion_matrix_match_reference(values):
    values = np.array(values)
    np.testing.assert_array_equal(util.value_counts(values), cleanlab_util.value_counts(values))
    np.testing.assert_array_equal(util.value_counts(values, num_classes=7),
                                  cleanlab_util.value_counts(values, num_classes=7))
    shifted = (values * 3 + 1) % 5
    np.testing.assert_array_equal(util.confusion_matrix(values, shifted),
                                  cleanlab_util.confusion_matrix(values, shifted))


def test_value_counts_of_strings_and_bad_num_classes():
    np.testing.assert_array_equal(util.value_counts(["dog", "cat", "dog"]), [1, 2])
    with pytest.raises(ValueError, match="integers 0..2"):
        util.value_counts([0, 5], num_classes=3)


@SETTINGS
@given(rows=st.integers(1, 5), columns=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
def test_rounding_preserves_totals_as_the_reference(rows, columns, seed):
    matrix = np.random.default_rng(seed).random((rows, columns)) * 20
    ours = util.round_preserving_row_totals(matrix)
    np.testing.assert_array_equal(ours, cleanlab_util.round_preserving_row_totals(matrix))
    np.testing.assert_array_equal(ours.sum(axis=1), matrix.sum(axis=1).round())
    np.testing.assert_array_equal(util.round_preserving_sum(matrix[0]),
                                  cleanlab_util.round_preserving_sum(matrix[0]))


@SETTINGS
@given(rows=st.integers(1, 6), columns=st.integers(1, 40), seed=st.integers(0, 2**31 - 1))
def test_rounding_breaks_ties_between_residuals_as_the_reference(rows, columns, seed):
    # Quarters and zeros: many equal residuals, often where the adjustment must cut.
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 12, size=(rows, columns)) / 4 * (rng.random((rows, columns)) < 0.7)
    np.testing.assert_array_equal(util.round_preserving_row_totals(matrix),
                                  cleanlab_util.round_preserving_row_totals(matrix))


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), n_samples=st.integers(2, 50))
def test_estimate_pu_f1_matches_reference(seed, n_samples):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 2, n_samples)
    s[0] = 1
    prob = rng.random(n_samples)
    ours, theirs = util.estimate_pu_f1(s, prob), cleanlab_util.estimate_pu_f1(s, prob)
    assert ours == pytest.approx(theirs, nan_ok=True)


def test_estimate_pu_f1_by_hand():
    # Predicted positive: examples 0 and 2; recall 1/2; half predicted positive:
    # (1/2)^2 / (2 * 1/2) = 0.25.
    assert util.estimate_pu_f1([1, 1, 0, 0], [0.9, 0.4, 0.8, 0.1]) == 0.25
    assert np.isnan(util.estimate_pu_f1([1, 0], [0.1, 0.2]))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("clean", [0, 1, 2])
def test_remove_noise_from_class_matches_reference(seed, clean):
    rng = np.random.default_rng(seed)
    noise = rng.dirichlet(np.ones(3), size=3).T + np.eye(3)
    noise /= noise.sum(axis=0)
    ours = util.remove_noise_from_class(noise, clean)
    np.testing.assert_allclose(ours, cleanlab_util.remove_noise_from_class(noise, clean),
                               rtol=0, atol=1e-15)
    assert np.all(ours[clean, np.arange(3) != clean] == 0)
    np.testing.assert_allclose(ours.sum(axis=0), 1)


def test_printing_shows_the_entries_and_the_trace(capsys):
    matrix = np.array([[0.8, 0.25], [0.2, 0.75]])
    util.print_noise_matrix(matrix)
    util.print_inverse_noise_matrix(matrix, round_places=1)
    util.print_joint_matrix(matrix / 2)
    out = capsys.readouterr().out
    assert "P(s|y) of shape (2, 2)" in out and "P(y|s)" in out and "P(s,y)" in out
    assert "s=0    |" in out and "y=1    |" in out
    assert "0.25" in out and "0.8" in out and "Trace(matrix) = 1.55" in out
    assert "Trace(matrix) = 1.6" in out  # one decimal


# --- noise_generation ---------------------------------------------------------------------------

@pytest.mark.parametrize("n_classes", [2, 3, 6])
@pytest.mark.parametrize("max_noise_rate, frac_zero", [(1.0, 0.0), (0.4, 0.0), (0.6, 0.5)])
def test_generate_noise_matrix_draws_a_column_stochastic_matrix(n_classes, max_noise_rate,
                                                               frac_zero):
    state = np.random.get_state()
    with pytest.warns(DeprecationWarning, match="generate_noise_matrix_from_trace"):
        first = compat.generate_noise_matrix(n_classes, max_noise_rate, frac_zero, seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        again = compat.generate_noise_matrix(n_classes, max_noise_rate, frac_zero, seed=7)
    assert np.array_equal(np.random.get_state()[1], state[1])  # global state untouched
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first.sum(axis=0), 1)
    off_diagonal = first[~np.eye(n_classes, dtype=bool)]
    assert np.all(off_diagonal >= 0) and np.all(off_diagonal <= max_noise_rate)
    np.testing.assert_allclose(off_diagonal, off_diagonal.round(2))
    assert np.all(np.diagonal(first) > 0)


def test_generate_noise_matrix_without_noise_is_the_identity():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        np.testing.assert_array_equal(compat.generate_noise_matrix(4, 0.0, seed=0), np.eye(4))
        np.testing.assert_array_equal(compat.generate_noise_matrix(4, 1.0, 1.0, seed=0),
                                      np.eye(4))
        with pytest.raises(ValueError, match="K must be"):
            compat.generate_noise_matrix(1)


# --- models that are not scikit-learn estimators -------------------------------------------------

class PlainModel:
    """fit, predict and predict_proba only, as in the classic README: no BaseEstimator."""

    def __init__(self):
        self.model = LogisticRegression()

    def fit(self, X, y, sample_weight=None):
        self.model.fit(X, y, sample_weight=sample_weight)
        return self

    def predict(self, X):
        return self.model.predict(X)

    def predict_proba(self, X):
        return self.model.predict_proba(X)


@pytest.fixture
def noisy_data():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 40)
    X = rng.normal(size=(120, 2)) + 2 * np.eye(3, 2)[y]
    noisy = np.where(rng.random(120) < 0.15, (y + 1) % 3, y)
    return X, noisy


def test_classifier_deep_copies_a_model_without_get_params(noisy_data):
    X, y = noisy_data
    plain = PlainModel()
    ours = ConfidentLearningClassifier(plain, random_state=0, preset="reference").fit(X, y)
    same = ConfidentLearningClassifier(LogisticRegression(), random_state=0,
                                       preset="reference").fit(X, y)
    np.testing.assert_array_equal(ours.label_issues_, same.label_issues_)
    np.testing.assert_array_equal(ours.predict(X), same.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), same.predict_proba(X))
    assert isinstance(ours.estimator_, PlainModel) and ours.estimator_ is not plain
    assert not hasattr(plain.model, "coef_")  # the given model is never fitted


def test_a_model_class_instead_of_an_instance_is_explained(noisy_data):
    X, y = noisy_data
    with pytest.raises(TypeError, match=r"pass PlainModel\(\) instead"):
        ConfidentLearningClassifier(PlainModel).fit(X, y)


def test_learning_with_noisy_labels_takes_a_plain_model(noisy_data):
    X, y = noisy_data
    classic = compat.LearningWithNoisyLabels(clf=PlainModel(), seed=0).fit(X, y)
    same = compat.LearningWithNoisyLabels(clf=LogisticRegression(), seed=0).fit(X, y)
    np.testing.assert_array_equal(classic.noise_mask, same.noise_mask)
    np.testing.assert_array_equal(classic.predict(X), same.predict(X))
    psx = compat.estimate_cv_predicted_probabilities(X, y, PlainModel(), seed=0)
    np.testing.assert_allclose(
        psx, compat.estimate_cv_predicted_probabilities(X, y, LogisticRegression(), seed=0))


def test_learning_with_noisy_labels_fit_takes_classic_positional_arguments(noisy_data):
    X, y = noisy_data
    psx = compat.estimate_cv_predicted_probabilities(X, y, LogisticRegression(), seed=0)
    noise_matrix = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    model = compat.LearningWithNoisyLabels(clf=LogisticRegression(), seed=0)
    model.fit(X, y, psx, None, noise_matrix)
    np.testing.assert_array_equal(model.noise_matrix_, noise_matrix)
    py, inverse = latent_algebra.compute_py_inv_noise_matrix(np.bincount(y) / len(y),
                                                             noise_matrix)
    np.testing.assert_allclose(model.inverse_noise_matrix_, inverse)
    np.testing.assert_allclose(model.py_, py)
    # The classic attribute names.
    assert model.noise_matrix is model.noise_matrix_ and model.py is model.py_
    assert model.inverse_noise_matrix is model.inverse_noise_matrix_
    assert model.confident_joint is model.confident_joint_ and model.K == 3
    np.testing.assert_allclose(model.ps, np.bincount(y) / len(y))
    with pytest.raises(ValueError, match="trace 1, but confident learning needs"):
        model.fit(X, y, psx, None, None, np.full((3, 3), 1 / 3))


def test_converge_latent_estimates_converges_the_fitted_matrices(noisy_data):
    X, y = noisy_data
    psx = compat.estimate_cv_predicted_probabilities(X, y, LogisticRegression(), seed=0)
    model = compat.LearningWithNoisyLabels(clf=LogisticRegression(),
                                           converge_latent_estimates=True).fit(X, y, psx)
    cj = count.compute_confident_joint(y, psx)
    py, noise, inverse = count.estimate_latent(cj, y, converge_latent_estimates=True)
    np.testing.assert_allclose(model.noise_matrix_, noise)
    np.testing.assert_allclose(model.inverse_noise_matrix_, inverse)
    np.testing.assert_allclose(model.py_, py)
