"""Tests of sklearn_noisy.count and sklearn_noisy.latent_algebra.

The hand-worked numbers for ``three_class_problem`` (see conftest.py):

* thresholds = mean self-confidence per given label:
  t0 = (0.90 + 0.70 + 0.20 + 0.12) / 4 = 0.48, t1 = (0.80 + 0.60 + 0.25) / 3 = 0.55,
  t2 = (0.80 + 0.60 + 0.15) / 3 = 0.51666...;
* confident classes (p >= t - 1e-6): 0, 1 -> {0}; 2 -> {1}; 3 -> none (0.12 < t0, 0.46 < t1,
  0.42 < t2); 4, 5 -> {1}; 6 -> {2}; 7, 8 -> {2}; 9 -> {0};
* raw confident joint (rows: given, columns: guessed true) [[2, 1, 0], [0, 2, 1], [1, 0, 2]],
  off the diagonal: examples 2, 6 and 9;
* calibration: label counts are (4, 3, 3); row 0 sums to 3 and is scaled by 4/3 to
  (2.67, 1.33, 0), rounded to (3, 1, 0); rows 1 and 2 already sum to 3; the total is 10 = n.
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted

from sklearn_noisy import _counting, _threads, latent_algebra
from sklearn_noisy.count import (
    calibrate_confident_joint,
    compute_confident_joint,
    estimate_confident_joint_and_cv_pred_proba,
    estimate_cv_predicted_probabilities,
    estimate_joint,
    estimate_latent,
    estimate_py_and_noise_matrices_from_probabilities,
    estimate_py_noise_matrices_and_cv_pred_proba,
    get_confident_thresholds,
    num_label_issues,
)

FEW = settings(max_examples=25, deadline=None)

RAW_JOINT = np.array([[2, 1, 0], [0, 2, 1], [1, 0, 2]])
CALIBRATED_JOINT = np.array([[3, 1, 0], [0, 2, 1], [1, 0, 2]])


# --- hand-worked: three_class_problem -------------------------------------------------------


def test_thresholds_are_mean_self_confidence_per_given_label(three_class_problem):
    labels, pred_probs = three_class_problem
    thresholds = get_confident_thresholds(labels, pred_probs)
    np.testing.assert_allclose(thresholds, [0.48, 0.55, 1.55 / 3], rtol=1e-12)
    assert thresholds.dtype == np.float64


def test_raw_confident_joint_and_off_diagonal_indices_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    joint, off_diagonal = compute_confident_joint(
        labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True
    )
    np.testing.assert_array_equal(joint, RAW_JOINT)
    np.testing.assert_array_equal(off_diagonal, [2, 6, 9])


def test_calibrated_confident_joint_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    np.testing.assert_array_equal(compute_confident_joint(labels, pred_probs), CALIBRATED_JOINT)
    np.testing.assert_array_equal(calibrate_confident_joint(RAW_JOINT, labels), CALIBRATED_JOINT)


def test_estimate_joint_is_calibrated_joint_over_n(three_class_problem):
    labels, pred_probs = three_class_problem
    expected = CALIBRATED_JOINT / 10
    np.testing.assert_allclose(estimate_joint(labels, pred_probs), expected, rtol=1e-15)
    np.testing.assert_allclose(
        estimate_joint(labels, pred_probs, confident_joint=RAW_JOINT), expected, rtol=1e-15
    )


def test_estimate_latent_by_hand(three_class_problem):
    # Column sums of the calibrated joint (true counts) are (4, 3, 3), row sums (4, 3, 3).
    labels, _ = three_class_problem
    py, noise_matrix, inverse = estimate_latent(CALIBRATED_JOINT, labels)
    np.testing.assert_allclose(py, [0.4, 0.3, 0.3], rtol=1e-12)
    np.testing.assert_allclose(
        noise_matrix, [[3 / 4, 1 / 3, 0], [0, 2 / 3, 1 / 3], [1 / 4, 0, 2 / 3]], rtol=1e-12
    )
    np.testing.assert_allclose(
        inverse, [[3 / 4, 0, 1 / 3], [1 / 4, 2 / 3, 0], [0, 1 / 3, 2 / 3]], rtol=1e-12
    )


def test_estimate_py_and_noise_matrices_from_probabilities_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    py, noise_matrix, inverse, joint = estimate_py_and_noise_matrices_from_probabilities(
        labels, pred_probs, converge_latent_estimates=False
    )
    np.testing.assert_array_equal(joint, CALIBRATED_JOINT)
    np.testing.assert_allclose(py, [0.4, 0.3, 0.3], rtol=1e-12)
    np.testing.assert_allclose(noise_matrix[:, 0], [3 / 4, 0, 1 / 4], rtol=1e-12)
    np.testing.assert_allclose(inverse[:, 1], [0, 2 / 3, 1 / 3], rtol=1e-12)


def test_num_label_issues_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    # Off the diagonal: 2, 6, 9, none of them labelled with its argmax.
    assert num_label_issues(labels, pred_probs) == 3
    # n * (1 - trace(calibrated) / n) = 10 - 7.
    assert num_label_issues(labels, pred_probs, estimation_method="off_diagonal_calibrated") == 3
    custom = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert (
        num_label_issues(labels, pred_probs, confident_joint=custom,
                         estimation_method="off_diagonal_custom")
        == 0
    )


def test_tied_argmax_within_tolerance_is_not_counted_as_an_issue():
    # Example 4 (label 0) has p = (0.5, 0.5 + 1e-7): counted off the diagonal (its argmax is 1 and
    # both classes are confident), but its label is the argmax within 1e-6.
    labels = np.array([0, 0, 1, 1, 0])
    pred_probs = np.array(
        [[0.9, 0.1], [0.1, 0.9], [0.2, 0.8], [0.8, 0.2], [0.5 - 1e-7, 0.5 + 1e-7]]
    )
    # t0 = (0.9 + 0.1 + 0.4999999) / 3 = 0.49999997, t1 = (0.8 + 0.2) / 2 = 0.5; examples 1
    # and 3 are counted off the diagonal too, and their labels are not their argmax.
    _, off_diagonal = compute_confident_joint(
        labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True
    )
    np.testing.assert_array_equal(off_diagonal, [1, 3, 4])
    assert num_label_issues(labels, pred_probs) == len(off_diagonal) - 1


# --- the three departures of the reference from the paper ------------------------------------


def test_multiple_confident_argmax_counts_the_overall_argmax(argmax_not_confident):
    labels, pred_probs = argmax_not_confident
    joint, off_diagonal = compute_confident_joint(
        labels, pred_probs, calibrate=False, min_diagonal=0, return_indices_of_off_diagonals=True
    )
    # Example 0 goes to (0, 2), although class 2 did not reach its threshold.
    np.testing.assert_array_equal(joint, [[0, 1, 1], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(off_diagonal, [0, 1, 2])
    # With the default diagonal floor of 1.
    np.testing.assert_array_equal(
        compute_confident_joint(labels, pred_probs, calibrate=False),
        [[1, 1, 1], [1, 1, 0], [0, 0, 1]],
    )


def test_multiple_confident_confident_argmax_follows_the_paper(argmax_not_confident):
    labels, pred_probs = argmax_not_confident
    joint, off_diagonal = compute_confident_joint(
        labels, pred_probs, calibrate=False, min_diagonal=0, multiple_confident="confident_argmax",
        return_indices_of_off_diagonals=True,
    )
    # Example 0 goes to (0, 0): 0.32 is the largest probability among the confident classes.
    np.testing.assert_array_equal(joint, [[1, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_array_equal(off_diagonal, [1, 2])


@pytest.fixture
def probability_just_below_threshold():
    """Example 2 (label 0) has p(1) = t1 - 5e-7, with t1 = (0.8 + 0.6) / 2 = 0.7.

    t0 = (0.9 + 0.5 + 0.3000005) / 3 = 0.5666668; example 2 misses it.
    Examples 1 and 4 are confident in no class.
    """
    labels = np.array([0, 0, 0, 1, 1])
    pred_probs = np.array(
        [[0.9, 0.1], [0.5, 0.5], [0.3000005, 0.6999995], [0.2, 0.8], [0.4, 0.6]]
    )
    return labels, pred_probs


def test_threshold_tolerance_default_counts_probabilities_just_below(
    probability_just_below_threshold,
):
    labels, pred_probs = probability_just_below_threshold
    joint, off_diagonal = compute_confident_joint(
        labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True
    )
    np.testing.assert_array_equal(joint, [[1, 1], [0, 1]])
    np.testing.assert_array_equal(off_diagonal, [2])


def test_threshold_tolerance_zero_follows_the_paper(probability_just_below_threshold):
    labels, pred_probs = probability_just_below_threshold
    joint, off_diagonal = compute_confident_joint(
        labels, pred_probs, calibrate=False, threshold_tolerance=0,
        return_indices_of_off_diagonals=True,
    )
    np.testing.assert_array_equal(joint, [[1, 0], [0, 1]])
    assert off_diagonal.size == 0


@pytest.fixture
def class_with_empty_diagonal():
    """No example labelled 1 is counted as truly 1.

    t0 = (0.5 + 0.6) / 2 = 0.55, t1 = (0.4 + 0.2) / 2 = 0.3. Example 0 (0.5, 0.5) -> {1};
    example 1 (0.6, 0.4) -> {0, 1}, argmax 0; example 2 (0.6, 0.4, label 1) -> {0, 1},
    argmax 0; example 3 (0.8, 0.2, label 1) -> {0}.
    """
    labels = np.array([0, 0, 1, 1])
    pred_probs = np.array([[0.5, 0.5], [0.6, 0.4], [0.6, 0.4], [0.8, 0.2]])
    return labels, pred_probs


def test_min_diagonal_default_raises_empty_diagonal_to_one(class_with_empty_diagonal):
    labels, pred_probs = class_with_empty_diagonal
    np.testing.assert_array_equal(
        compute_confident_joint(labels, pred_probs, calibrate=False), [[1, 1], [2, 1]]
    )
    # Row 1 (2, 1) is scaled by 2/3 to (1.33, 0.67) and rounded to (1, 1).
    np.testing.assert_array_equal(compute_confident_joint(labels, pred_probs), [[1, 1], [1, 1]])


def test_min_diagonal_zero_follows_the_paper(class_with_empty_diagonal):
    labels, pred_probs = class_with_empty_diagonal
    np.testing.assert_array_equal(
        compute_confident_joint(labels, pred_probs, calibrate=False, min_diagonal=0),
        [[1, 1], [2, 0]],
    )
    np.testing.assert_array_equal(
        compute_confident_joint(labels, pred_probs, min_diagonal=0), [[1, 1], [2, 0]]
    )


# --- thresholds: dtype, missing classes, floor ----------------------------------------------


def test_thresholds_keep_float32():
    labels = np.array([0, 1, 1])
    pred_probs = np.array([[0.7, 0.3], [0.4, 0.6], [0.1, 0.9]], dtype=np.float32)
    thresholds = get_confident_thresholds(labels, pred_probs)
    assert thresholds.dtype == np.float32
    np.testing.assert_array_equal(
        thresholds, [np.float32(0.7), np.mean(np.array([0.6, 0.9], dtype=np.float32))]
    )


def test_class_missing_from_labels_gets_threshold_two_and_is_never_confident():
    labels = np.array([0, 0, 2, 2])
    pred_probs = np.array(
        [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.0, 1.0, 0.0]]
    )
    thresholds = get_confident_thresholds(labels, pred_probs)
    assert thresholds[1] == 2 and thresholds.dtype == np.float64
    joint = compute_confident_joint(labels, pred_probs, calibrate=False, min_diagonal=0)
    assert joint[:, 1].sum() == 0


def test_thresholds_are_floored_so_zero_self_confidence_is_not_confident():
    # Class 1's examples all give it probability 0: t1 is floored to 2e-6 and the cutoff
    # 2e-6 - 1e-6 > 0, so probability 0 does not reach it.
    labels = np.array([0, 0, 1, 1])
    pred_probs = np.array([[1.0, 0.0], [0.6, 0.4], [1.0, 0.0], [1.0, 0.0]])
    thresholds = get_confident_thresholds(labels, pred_probs)
    assert thresholds[1] == pytest.approx(2e-6)
    joint = compute_confident_joint(labels, pred_probs, calibrate=False, min_diagonal=0)
    np.testing.assert_array_equal(joint, [[1, 1], [2, 0]])


def test_explicit_thresholds_are_used():
    labels = np.array([0, 0, 1, 1])
    pred_probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.55, 0.45]])
    joint = compute_confident_joint(
        labels, pred_probs, thresholds=[0.5, 0.5], calibrate=False, min_diagonal=0
    )
    # 0.4 and 0.45 miss 0.5; every other example is confident in its argmax.
    np.testing.assert_array_equal(joint, [[2, 0], [1, 1]])


def test_list_inputs_give_the_same_results_as_arrays(three_class_problem):
    labels, pred_probs = three_class_problem
    np.testing.assert_array_equal(
        compute_confident_joint(labels.tolist(), pred_probs.tolist()), CALIBRATED_JOINT
    )


# --- invariants on random problems ------------------------------------------------------------


@FEW
@given(data=st.data())
def test_calibrated_rows_sum_to_label_counts_and_total_to_n(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    joint = compute_confident_joint(labels, pred_probs, n_jobs=1)
    counts = np.bincount(labels, minlength=pred_probs.shape[1])
    np.testing.assert_array_equal(joint.sum(axis=1), counts)
    assert joint.sum() == len(labels)
    assert np.all(joint >= 0)


@FEW
@given(data=st.data())
def test_raw_joint_counts_each_confident_example_once(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    for rule in ("argmax", "confident_argmax"):
        joint, off_diagonal = compute_confident_joint(
            labels, pred_probs, calibrate=False, min_diagonal=0, multiple_confident=rule,
            return_indices_of_off_diagonals=True, n_jobs=1,
        )
        thresholds = get_confident_thresholds(labels, pred_probs)
        confident = np.any(pred_probs >= thresholds - 1e-6, axis=1)
        assert joint.sum() == confident.sum()
        np.testing.assert_array_equal(joint.sum(axis=1), np.bincount(
            labels[confident], minlength=pred_probs.shape[1]))
        assert joint.sum() - np.trace(joint) == len(off_diagonal)
        assert np.all(np.diff(off_diagonal) > 0)


@FEW
@given(data=st.data())
def test_zero_tolerance_counts_no_more_examples_than_the_default(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    default = compute_confident_joint(labels, pred_probs, calibrate=False, min_diagonal=0, n_jobs=1)
    strict = compute_confident_joint(labels, pred_probs, calibrate=False, min_diagonal=0,
                                     threshold_tolerance=0, n_jobs=1)
    assert strict.sum() <= default.sum()


@FEW
@given(data=st.data())
def test_noise_matrix_columns_sum_to_one_where_the_class_has_mass(data, problem_drawer):
    # A column without mass (for example of a class nobody is labelled with) stays all zero.
    labels, pred_probs = problem_drawer(data)
    py, noise_matrix, inverse, joint = estimate_py_and_noise_matrices_from_probabilities(
        labels, pred_probs, converge_latent_estimates=False, n_jobs=1
    )
    for matrix, mass in ((noise_matrix, joint.sum(axis=0)), (inverse, joint.sum(axis=1))):
        np.testing.assert_allclose(matrix.sum(axis=0)[mass > 0], 1, rtol=1e-12)
        np.testing.assert_array_equal(matrix[:, mass == 0], 0)
        assert np.all(matrix >= 0)
    assert py.sum() == pytest.approx(1, rel=1e-12) and np.all(py > 0)


@FEW
@given(data=st.data())
def test_converged_noise_matrix_columns_sum_to_one_or_zero(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    py, noise_matrix, inverse, _ = estimate_py_and_noise_matrices_from_probabilities(
        labels, pred_probs, converge_latent_estimates=True, n_jobs=1
    )
    for matrix in (noise_matrix, inverse):
        sums = matrix.sum(axis=0)
        assert np.all(np.isclose(sums, 1, rtol=1e-12) | (sums == 0))
        assert np.all(matrix >= 0)
    assert py.sum() == pytest.approx(1, rel=1e-12) and np.all(py > 0)


@FEW
@given(data=st.data())
def test_estimated_joint_sums_to_one_with_rows_the_label_prior(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    joint = estimate_joint(labels, pred_probs, n_jobs=1)
    assert joint.sum() == pytest.approx(1, rel=1e-12)
    prior = np.bincount(labels, minlength=pred_probs.shape[1]) / len(labels)
    np.testing.assert_allclose(joint.sum(axis=1), prior, rtol=1e-12, atol=1e-15)


@FEW
@given(data=st.data())
def test_num_label_issues_off_diagonal_is_at_most_the_off_diagonal_count(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    _, off_diagonal = compute_confident_joint(
        labels, pred_probs, calibrate=False, return_indices_of_off_diagonals=True, n_jobs=1
    )
    assert 0 <= num_label_issues(labels, pred_probs, n_jobs=1) <= len(off_diagonal)
    calibrated = num_label_issues(labels, pred_probs, estimation_method="off_diagonal_calibrated",
                                  n_jobs=1)
    assert 0 <= calibrated <= len(labels)


@FEW
@given(data=st.data())
def test_counts_do_not_depend_on_float32_rounding_when_away_from_cutoffs(data, problem_drawer):
    # The same values in float32 and float64 give the same counts, unless a probability lies
    # so close to a cutoff (threshold - 1e-6) that the two precisions' thresholds disagree.
    labels, pred_probs = problem_drawer(data, dtypes=(np.float32,))
    wide = pred_probs.astype(np.float64)
    cutoffs = get_confident_thresholds(labels, wide) - 1e-6
    assume(np.all(np.abs(wide - cutoffs) > 1e-5 * np.abs(cutoffs)))
    np.testing.assert_array_equal(
        compute_confident_joint(labels, pred_probs, n_jobs=1),
        compute_confident_joint(labels, wide, n_jobs=1),
    )


@FEW
@given(data=st.data())
def test_calibrate_confident_joint_matches_compute_confident_joint(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    raw = compute_confident_joint(labels, pred_probs, calibrate=False, n_jobs=1)
    np.testing.assert_array_equal(
        calibrate_confident_joint(raw, labels),
        compute_confident_joint(labels, pred_probs, n_jobs=1),
    )


def test_inputs_are_never_written(three_class_problem):
    # The fixture's arrays are read-only: a write anywhere would raise.
    labels, pred_probs = three_class_problem
    compute_confident_joint(labels, pred_probs, return_indices_of_off_diagonals=True)
    estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    num_label_issues(labels, pred_probs, estimation_method="off_diagonal_calibrated")
    joint = RAW_JOINT.copy()
    joint.setflags(write=False)
    calibrate_confident_joint(joint, labels)
    estimate_latent(joint, labels, converge_latent_estimates=True)


def test_read_only_float32_input_works_and_stays_float32(three_class_problem):
    labels, pred_probs = three_class_problem
    narrow = np.ascontiguousarray(pred_probs, dtype=np.float32)
    narrow.setflags(write=False)
    assert get_confident_thresholds(labels, narrow).dtype == np.float32
    np.testing.assert_array_equal(compute_confident_joint(labels, narrow), CALIBRATED_JOINT)


# --- latent algebra -----------------------------------------------------------------------------


@st.composite
def latent_triples(draw):
    """A latent prior and a noise matrix with a dominant diagonal (invertible, rates < 0.9999)."""
    n_classes = draw(st.integers(2, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    py = rng.dirichlet(np.ones(n_classes)) * 0.9 + 0.1 / n_classes
    noise_matrix = rng.dirichlet(np.ones(n_classes), n_classes).T * 0.4
    noise_matrix[np.diag_indices(n_classes)] += 0.6
    return py, noise_matrix


@settings(max_examples=40, deadline=None)
@given(latent_triples())
def test_noise_matrix_and_inverse_round_trip(triple):
    py, noise_matrix = triple
    ps = noise_matrix @ py
    inverse = latent_algebra.compute_inv_noise_matrix(py, noise_matrix)
    np.testing.assert_allclose(inverse.sum(axis=0), 1, rtol=1e-12)
    # Bayes: P(y=j | s=i) P(s=i) = P(s=i | y=j) P(y=j).
    np.testing.assert_allclose(inverse.T * ps[:, None], noise_matrix * py, rtol=1e-10)
    back = latent_algebra.compute_noise_matrix_from_inverse(ps, inverse)
    np.testing.assert_allclose(back, noise_matrix, rtol=1e-10)


@settings(max_examples=40, deadline=None)
@given(latent_triples())
def test_every_py_method_recovers_the_prior_of_a_consistent_triple(triple):
    py, noise_matrix = triple
    ps = noise_matrix @ py
    inverse = latent_algebra.compute_inv_noise_matrix(py, noise_matrix)
    for method in ("cnt", "eqn", "marginal_ps"):
        np.testing.assert_allclose(
            latent_algebra.compute_py(ps, noise_matrix, inverse, py_method=method), py, rtol=1e-9
        )
    np.testing.assert_allclose(
        latent_algebra.compute_py(ps, noise_matrix, inverse, py_method="marginal",
                                  true_labels_class_counts=py * 1000),
        py, rtol=1e-12,
    )


def test_clip_noise_rates_clips_off_diagonal_and_renormalises_columns():
    matrix = np.array([[0.5, 1.2], [-0.5, 0.3]])
    clipped = latent_algebra.clip_noise_rates(matrix)
    # Column 0: (0.5, 0) -> (1, 0); column 1: (0.9999, 0.3) -> divided by 1.2999.
    np.testing.assert_allclose(clipped, [[1.0, 0.9999 / 1.2999], [0.0, 0.3 / 1.2999]])
    np.testing.assert_array_equal(matrix, [[0.5, 1.2], [-0.5, 0.3]])


def test_clip_values_clips_and_rescales_to_the_requested_sum():
    np.testing.assert_allclose(
        latent_algebra.clip_values(np.array([-1.0, 0.5, 2.0]), low=0, high=1, new_sum=3),
        [0, 1, 2],
    )
    # The default sum is the sum before clipping: 1.5.
    np.testing.assert_allclose(
        latent_algebra.clip_values(np.array([-1.0, 0.5, 2.0])), [0, 0.5, 1]
    )


def test_compute_py_floors_tiny_priors():
    py = latent_algebra.compute_py(
        np.array([0.5, 0.5]), np.eye(2), np.eye(2), py_method="marginal",
        true_labels_class_counts=np.array([0.0, 10.0]),
    )
    assert py[0] > 0 and py.sum() == pytest.approx(1)
    assert py[0] == pytest.approx(1e-6, rel=1e-3)


def test_compute_py_rejects_unknown_method_and_marginal_without_counts():
    with pytest.raises(ValueError, match="py_method='median' is not supported"):
        latent_algebra.compute_py(np.ones(2) / 2, np.eye(2), np.eye(2), py_method="median")
    with pytest.raises(ValueError, match="needs true_labels_class_counts"):
        latent_algebra.compute_py(np.ones(2) / 2, np.eye(2), np.eye(2), py_method="marginal")


def test_converged_estimates_satisfy_bayes_rule(three_class_problem):
    labels, pred_probs = three_class_problem
    py, noise_matrix, inverse, _ = estimate_py_and_noise_matrices_from_probabilities(
        labels, pred_probs, converge_latent_estimates=True
    )
    ps = np.bincount(labels) / len(labels)
    np.testing.assert_allclose(inverse.T * ps[:, None], noise_matrix * py, rtol=1e-3, atol=1e-6)


# --- cross-validation helpers -------------------------------------------------------------------


class MemorizingClassifier(ClassifierMixin, BaseEstimator):
    """One-hot on examples seen in fit, uniform on others: reveals in-sample predictions."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.seen_ = {tuple(row): label for row, label in zip(np.asarray(X), y)}
        return self

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def predict_proba(self, X):
        out = np.full((len(X), len(self.classes_)), 1 / len(self.classes_))
        for i, row in enumerate(np.asarray(X)):
            if tuple(row) in self.seen_:
                out[i] = self.classes_ == self.seen_[tuple(row)]
        return out


@pytest.fixture
def small_dataset():
    X, y = make_classification(n_samples=60, n_features=5, n_informative=3, n_classes=3,
                               random_state=0)
    return X, y


def test_cv_probabilities_are_out_of_fold(small_dataset):
    X, y = small_dataset
    pred_probs = estimate_cv_predicted_probabilities(X, y, MemorizingClassifier(), cv=3,
                                                     random_state=0)
    assert pred_probs.shape == (60, 3)
    np.testing.assert_allclose(pred_probs, 1 / 3)


def test_cv_clones_the_classifier(small_dataset):
    X, y = small_dataset
    clf = LogisticRegression()
    estimate_cv_predicted_probabilities(X, y, clf, cv=3, random_state=0)
    with pytest.raises(NotFittedError):
        check_is_fitted(clf)


def test_cv_is_reproducible_with_random_state(small_dataset):
    X, y = small_dataset
    first = estimate_cv_predicted_probabilities(X, y, cv=4, random_state=3)
    second = estimate_cv_predicted_probabilities(X, y, cv=4, random_state=3)
    np.testing.assert_array_equal(first, second)
    other = estimate_cv_predicted_probabilities(X, y, cv=4, random_state=4)
    assert not np.array_equal(first, other)
    seeded = estimate_cv_predicted_probabilities(X, y, cv=4,
                                                 random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(seeded, first)


def test_cv_accepts_a_numpy_generator_as_documented(small_dataset):
    X, y = small_dataset
    first = estimate_cv_predicted_probabilities(X, y, cv=4, random_state=np.random.default_rng(1))
    second = estimate_cv_predicted_probabilities(X, y, cv=4, random_state=np.random.default_rng(1))
    np.testing.assert_array_equal(first, second)


def test_cv_accepts_a_splitter(small_dataset):
    X, y = small_dataset
    pred_probs = estimate_cv_predicted_probabilities(X, y, MemorizingClassifier(), cv=KFold(4))
    np.testing.assert_allclose(pred_probs, 1 / 3)


def test_cv_passes_fit_params(small_dataset):
    X, y = small_dataset
    # Zero weight on every example of class 0 in training: class 0 gets little probability.
    weights = np.where(y == 0, 1e-6, 1.0)
    weighted = estimate_cv_predicted_probabilities(X, y, cv=3, random_state=0,
                                                   fit_params={"sample_weight": weights})
    plain = estimate_cv_predicted_probabilities(X, y, cv=3, random_state=0)
    assert weighted[:, 0].mean() < plain[:, 0].mean() / 2


@pytest.mark.parametrize("random_state", [None, 0])
def test_cv_helpers_leave_the_global_random_state_alone(small_dataset, random_state):
    X, y = small_dataset
    before = np.random.get_state()
    estimate_cv_predicted_probabilities(X, y, cv=3, random_state=random_state)
    estimate_confident_joint_and_cv_pred_proba(X, y, cv=3, random_state=random_state)
    estimate_py_noise_matrices_and_cv_pred_proba(X, y, cv=3, random_state=random_state)
    after = np.random.get_state()
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_cv_helpers_agree_with_the_functional_api(small_dataset):
    X, y = small_dataset
    joint, pred_probs = estimate_confident_joint_and_cv_pred_proba(X, y, cv=3, random_state=0)
    np.testing.assert_array_equal(pred_probs,
                                  estimate_cv_predicted_probabilities(X, y, cv=3, random_state=0))
    np.testing.assert_array_equal(joint, compute_confident_joint(y, pred_probs))
    py, noise_matrix, inverse, joint2, pred_probs2 = estimate_py_noise_matrices_and_cv_pred_proba(
        X, y, cv=3, random_state=0
    )
    np.testing.assert_array_equal(joint2, joint)
    np.testing.assert_array_equal(pred_probs2, pred_probs)
    expected = estimate_latent(joint, y)
    for got, want in zip((py, noise_matrix, inverse), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_functions_leave_the_global_random_state_alone(three_class_problem):
    labels, pred_probs = three_class_problem
    before = np.random.get_state()
    compute_confident_joint(labels, pred_probs)
    estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    num_label_issues(labels, pred_probs)
    after = np.random.get_state()
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


@pytest.mark.skipif(not _threads.boundscheck_enabled(),
                    reason="needs a build with SKLEARN_NOISY_BOUNDSCHECK=1 (CI makes one)")
def test_a_checked_build_turns_an_out_of_bounds_label_into_an_error():
    # The public functions never let such a label through; the kernels alone would read
    # outside their arrays, and a build with bounds checks must say so.
    pred_probs = np.full((5, 3), 1 / 3)
    labels = np.array([0, 1, 2, 3, 0], dtype=np.intp)
    with pytest.raises(IndexError):
        _counting.group_by_label(labels, pred_probs)
    with pytest.raises(IndexError):
        _counting.group_checked_rows(pred_probs, labels, 1e-3, 1)
    with pytest.raises(IndexError):
        _counting.confident_pass(pred_probs, labels, np.full(3, 0.2), False, 1,
                                 np.empty(5, dtype=np.intc), np.empty(5, dtype=np.uint8))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 300), n_classes=st.integers(2, 7),
       n_threads=st.integers(1, 3), wide_rows=st.booleans())
def test_counting_class_by_class_is_counting_the_pairs(seed, n, n_classes, n_threads,
                                                       wide_rows):
    rng = np.random.default_rng(seed)
    labels = rng.integers(n_classes, size=n).astype(np.intp)
    guess = rng.integers(-1, n_classes, size=n).astype(np.intc)
    offsets, order, _ = _counting.group_by_label(labels, np.full((n, n_classes), 0.5))
    if wide_rows:
        order = order.astype(np.intp)
    counts = _counting.count_by_label(order, offsets, guess, n_threads)
    expected = np.zeros((n_classes, n_classes), dtype=np.int64)
    for label, guessed in zip(labels, guess):
        if guessed >= 0:
            expected[label, guessed] += 1
    np.testing.assert_array_equal(counts, expected)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 300), n_classes=st.integers(2, 6),
       rows_per_chunk=st.integers(1, 64), n_threads=st.integers(1, 3),
       dtype=st.sampled_from([np.float32, np.float64]), bad=st.booleans())
def test_checking_and_grouping_in_one_pass_is_both_passes(seed, n, n_classes, rows_per_chunk,
                                                        n_threads, dtype, bad):
    rng = np.random.default_rng(seed)
    pred_probs = rng.dirichlet(np.ones(n_classes), size=n).astype(dtype)
    if bad:
        pred_probs[rng.integers(n, size=3)] = [np.nan] + [0.5] * (n_classes - 1)
    labels = rng.integers(n_classes, size=n).astype(np.intp)
    row, *grouping = _counting.group_checked_rows(pred_probs, labels, 1e-3, n_threads,
                                                  rows_per_chunk=rows_per_chunk)
    assert row == _counting.find_invalid_row(pred_probs, 1e-3, 1)
    if row < 0:
        for got, expected in zip(grouping, _counting.group_by_label(labels, pred_probs)):
            np.testing.assert_array_equal(got, expected)
