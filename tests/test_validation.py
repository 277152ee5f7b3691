"""Bad input: a ValueError that says what is wrong and how to fix it, and inputs left unchanged."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.svm import LinearSVC

from sklearn_noisy.count import (
    calibrate_confident_joint,
    compute_confident_joint,
    estimate_cv_predicted_probabilities,
    estimate_joint,
    estimate_latent,
    estimate_py_and_noise_matrices_from_probabilities,
    get_confident_thresholds,
    num_label_issues,
)
from sklearn_noisy.filter import find_label_issues
from sklearn_noisy.rank import find_top_issues, get_label_quality_scores, order_label_issues

LABELS = np.array([0, 1, 2, 0, 1])
PRED_PROBS = np.array(
    [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2], [0.3, 0.4, 0.3]]
)

# Every public function of the functional core that checks (labels, pred_probs).
CHECKED = {
    "get_confident_thresholds": get_confident_thresholds,
    "compute_confident_joint": compute_confident_joint,
    "estimate_joint": estimate_joint,
    "estimate_py_and_noise_matrices_from_probabilities":
        estimate_py_and_noise_matrices_from_probabilities,
    "num_label_issues": num_label_issues,
    "find_label_issues": find_label_issues,
    "get_label_quality_scores": get_label_quality_scores,
    "order_label_issues": lambda labels, pred_probs: order_label_issues(
        np.ones(np.shape(labels), dtype=bool), labels, pred_probs),
}


def assert_rejected(call, *arrays, match, error=ValueError):
    """``call(*arrays)`` raises ``error`` matching ``match`` and leaves ``arrays`` unchanged."""
    before = [np.array(array, copy=True) for array in arrays]
    with pytest.raises(error, match=match):
        call(*arrays)
    for old, new in zip(before, arrays):
        np.testing.assert_array_equal(np.asarray(new), old)


def with_row(row_index, values):
    pred_probs = PRED_PROBS.copy()
    pred_probs[row_index] = values
    return pred_probs


@pytest.fixture(params=sorted(CHECKED))
def checked(request):
    return CHECKED[request.param]


# --- pred_probs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pred_probs", [PRED_PROBS[:, 0], PRED_PROBS[None]])
def test_pred_probs_must_be_two_dimensional(checked, pred_probs):
    assert_rejected(checked, LABELS, pred_probs, match=r"pred_probs must be a 2-D array")


def test_number_of_labels_must_match_rows(checked):
    assert_rejected(checked, LABELS[:4], PRED_PROBS,
                    match=r"labels has 4 entries but pred_probs has 5 rows")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_probabilities_are_rejected_with_the_row(checked, bad):
    pred_probs = with_row(3, [bad, 0.5, 0.5])
    assert_rejected(checked, LABELS, pred_probs, match=r"NaN or infinite values \(first in row 3\)")


def test_negative_probabilities_are_rejected_with_the_row(checked):
    pred_probs = with_row(2, [-0.2, 0.6, 0.6])
    assert_rejected(checked, LABELS, pred_probs, match=r"negative values \(first in row 2\)")


@pytest.mark.parametrize("values", [[0.5, 0.2, 0.1], [0.7, 0.7, 0.1], [1.2, 0.0, 0.0]])
def test_rows_must_sum_to_one_and_the_message_names_the_row(checked, values):
    pred_probs = with_row(4, values)
    assert_rejected(checked, LABELS, pred_probs, match=r"Row 4 of pred_probs sums to .*not 1")


def test_the_first_bad_row_is_named_even_in_a_later_block():
    # Rows are checked in blocks of 1024 on several threads; the first bad row wins.
    n_samples = 5000
    labels = np.arange(n_samples) % 3
    pred_probs = np.full((n_samples, 3), 1 / 3)
    pred_probs[[1500, 3100, 4999]] = [0.5, 0.5, 0.5]
    for n_jobs in (1, 2, 4):
        assert_rejected(lambda y, p, n_jobs=n_jobs: find_label_issues(y, p, n_jobs=n_jobs),
                        labels, pred_probs,
                        match=r"Row 1500 of pred_probs")


def test_pred_probs_must_hold_numbers(checked):
    assert_rejected(checked, LABELS, PRED_PROBS.astype(str), match=r"pred_probs must hold numbers")


def test_pred_probs_must_have_two_columns(checked):
    assert_rejected(checked, [0, 0], np.ones((2, 1)), match=r"at least 2 classes")


def test_empty_input_is_rejected(checked):
    assert_rejected(checked, np.array([], dtype=int), np.zeros((0, 3)),
                    match=r"pred_probs is empty")


def test_sparse_pred_probs_are_rejected_with_a_hint():
    from scipy import sparse

    with pytest.raises(TypeError, match=r"toarray"):
        find_label_issues(LABELS, sparse.csr_matrix(PRED_PROBS))


# --- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 3])
def test_labels_must_index_the_columns(checked, bad):
    labels = LABELS.copy()
    labels[1] = bad
    assert_rejected(checked, labels, PRED_PROBS, match=rf"labels must be in 0..2 .*found {bad}")


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0.5, 1, 2, 0, 1]),
        np.array(["a", "b", "c", "a", "b"]),
        np.array([np.nan, 1, 2, 0, 1]),
        np.array([True, False, True, False, True]),
    ],
    ids=["fractional", "strings", "nan", "bool"],
)
def test_labels_must_be_integers(checked, labels):
    assert_rejected(checked, labels, PRED_PROBS,
                    match=r"labels must be integers 0..2 .*LabelEncoder")


def test_integer_valued_float_labels_are_accepted():
    np.testing.assert_array_equal(
        find_label_issues(LABELS.astype(float), PRED_PROBS), find_label_issues(LABELS, PRED_PROBS)
    )


def test_labels_must_be_one_dimensional(checked):
    assert_rejected(checked, LABELS[:, None], PRED_PROBS, match=r"labels must be a 1-D array")


@pytest.mark.parametrize(
    "call",
    [find_label_issues, num_label_issues],
    ids=["find_label_issues", "num_label_issues"],
)
def test_finding_issues_needs_two_classes_in_labels(call):
    assert_rejected(call, np.array([1, 1, 1, 1, 1]), PRED_PROBS,
                    match=r"labels contain a single class \(1\)")


# --- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda y, p: find_label_issues(y, p, filter_by="prune"),
         r"'filter_by' parameter of find_label_issues must be a str among .*'both'.*Got 'prune'"),
        (lambda y, p: find_label_issues(y, p, return_indices_ranked_by="margin"),
         r"'return_indices_ranked_by' parameter of find_label_issues must be a str among .*"),
        (lambda y, p: get_label_quality_scores(y, p, method="entropy"),
         r"'method' parameter of get_label_quality_scores must be a str among .*Got 'entropy'"),
        (lambda y, p: order_label_issues(np.ones(5, dtype=bool), y, p, rank_by="entropy"),
         r"'rank_by' parameter of order_label_issues must be a str among .*Got 'entropy'"),
        (lambda y, p: num_label_issues(y, p, estimation_method="diagonal"),
         r"'estimation_method' parameter .* must be a str among .*'off_diagonal'.*Got 'diagonal'"),
        (lambda y, p: compute_confident_joint(y, p, multiple_confident="max"),
         r"'multiple_confident' parameter of compute_confident_joint must be a str among \{'"),
        (lambda y, p: find_label_issues(y, p, multiple_confident="max"),
         r"'multiple_confident' parameter of find_label_issues must be a str among .*Got 'max'"),
        (lambda y, p: estimate_py_and_noise_matrices_from_probabilities(y, p, py_method="x"),
         r"'py_method' parameter .* must be a str among .*'cnt'.*Got 'x'"),
    ],
    ids=["filter_by", "return_indices_ranked_by", "method", "rank_by", "estimation_method",
         "multiple_confident", "multiple_confident_filter", "py_method"],
)
def test_unknown_option_names_the_choices(call, match):
    assert_rejected(call, LABELS, PRED_PROBS, match=match)


@pytest.mark.parametrize("frac_noise", [0, -0.5, 1.5, np.nan, "0.5", True])
def test_frac_noise_must_be_in_the_half_open_unit_interval(frac_noise):
    assert_rejected(lambda y, p: find_label_issues(y, p, frac_noise=frac_noise), LABELS,
                    PRED_PROBS, match=r"'frac_noise' parameter of find_label_issues must be a float in the range "
                          r"\(0\.0, 1\.0\]\. Got")


@pytest.mark.parametrize("value", [-1, 1.5, True])
def test_min_examples_per_class_must_be_a_non_negative_integer(value):
    assert_rejected(lambda y, p: find_label_issues(y, p, min_examples_per_class=value), LABELS,
                    PRED_PROBS, match=r"'min_examples_per_class' parameter of find_label_issues must be an int in "
                          r"the range \[0, ")


@pytest.mark.parametrize(
    ("value", "match"),
    [([1, 1], r"one entry per class \(3\)"), ([1, -1, 0], r"non-negative integers"),
     ([0.5, 1, 0], r"non-negative integers")],
)
def test_num_to_remove_per_class_must_be_counts_per_class(value, match):
    assert_rejected(lambda y, p: find_label_issues(y, p, num_to_remove_per_class=value), LABELS,
                    PRED_PROBS, match=match)


@pytest.mark.parametrize(
    ("joint", "match"),
    [
        (np.eye(2), r"confident_joint must have shape \(3, 3\) for 3 classes, got \(2, 2\)"),
        (-np.eye(3), r"finite, non-negative counts"),
        (np.full((3, 3), np.nan), r"finite, non-negative counts"),
        (np.full((3, 3), "a"), r"confident_joint must hold numbers"),
    ],
    ids=["shape", "negative", "nan", "strings"],
)
def test_confident_joint_must_be_k_by_k_counts(joint, match):
    assert_rejected(lambda y, p, cj: find_label_issues(y, p, confident_joint=cj), LABELS,
                    PRED_PROBS, joint, match=match)


def test_calibrate_and_estimate_latent_check_the_joint_against_labels():
    assert_rejected(calibrate_confident_joint, np.ones((2, 3)), LABELS,
                    match=r"confident_joint must have shape")
    assert_rejected(estimate_latent, np.eye(2), LABELS, match=r"labels must be in 0..1")


def test_thresholds_need_one_entry_per_class():
    assert_rejected(lambda y, p: compute_confident_joint(y, p, thresholds=[0.5, 0.5]), LABELS,
                    PRED_PROBS, match=r"thresholds must have one entry per class \(3\)")


def test_off_diagonal_custom_needs_a_confident_joint():
    assert_rejected(lambda y, p: num_label_issues(y, p, estimation_method="off_diagonal_custom"),
                    LABELS, PRED_PROBS, match=r"needs a confident_joint")


def test_adjusted_confidence_weighted_entropy_is_refused():
    assert_rejected(
        lambda y, p: get_label_quality_scores(y, p, method="confidence_weighted_entropy",
                                              adjust_pred_probs=True),
        LABELS, PRED_PROBS, match=r"adjust_pred_probs=True is not available",
    )


def test_zero_threads_are_refused():
    assert_rejected(lambda y, p: find_label_issues(y, p, n_jobs=0), LABELS, PRED_PROBS,
                    match=r"'n_jobs' parameter of find_label_issues must be an int in the range "
                          r"\(-inf, -1\], an int in the range \[1, inf\) or None\. Got 0")


def test_order_label_issues_needs_a_boolean_mask_of_the_right_shape():
    assert_rejected(order_label_issues, np.array([1, 0, 1, 0, 1]), LABELS, PRED_PROBS,
                    match=r"label_issues_mask must be a boolean array of shape \(5,\)")
    assert_rejected(order_label_issues, np.ones(4, dtype=bool), LABELS, PRED_PROBS,
                    match=r"got bool of shape \(4,\)")


@pytest.mark.parametrize(("scores", "top", "match"), [
    ([[0.1, 0.2]], 1, r"quality_scores must be 1-D"),
    ([0.1, 0.2], -1, r"'top' parameter of find_top_issues must be an int in the range \[0, inf\) or"),
    ([0.1, 0.2], 1.5, r"'top' parameter of find_top_issues must be an int .*Got 1\.5"),
    ([0.1, 0.2], True, r"'top' parameter of find_top_issues must be an int .*Got True"),
])
def test_find_top_issues_checks_its_arguments(scores, top, match):
    assert_rejected(lambda s: find_top_issues(s, top=top), np.array(scores), match=match)


# --- cross-validation ---------------------------------------------------------------------------


@pytest.fixture
def imbalanced_features():
    rng = np.random.default_rng(0)
    return rng.normal(size=(12, 2)), np.array([0] * 10 + [1] * 2)


def test_cv_needs_as_many_examples_per_class_as_folds(imbalanced_features):
    X, labels = imbalanced_features
    assert_rejected(lambda X, y: estimate_cv_predicted_probabilities(X, y, cv=3), X, labels,
                    match=r"Class 1 has 2 example\(s\), fewer than the 3 cross-validation folds"
                          r".*Lower cv to at most 2")


def test_cv_needs_two_classes(imbalanced_features):
    X, _ = imbalanced_features
    assert_rejected(lambda X, y: estimate_cv_predicted_probabilities(X, y, cv=2), X,
                    np.zeros(12, dtype=int), match=r"labels contain a single class")


def test_cv_needs_predict_proba(imbalanced_features):
    X, labels = imbalanced_features
    assert_rejected(lambda X, y: estimate_cv_predicted_probabilities(X, y, LinearSVC(), cv=2), X,
                    labels, match=r"'clf' parameter of estimate_cv_predicted_probabilities must be an object "
                          r"implementing 'fit' and 'predict_proba' or None\. Got LinearSVC")


def test_cv_rejects_empty_input_clearly():
    assert_rejected(estimate_cv_predicted_probabilities, np.zeros((0, 2)),
                    np.array([], dtype=int), match=r"empty")


def test_cv_probabilities_have_a_column_per_class_or_refuse_missing_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    labels = np.array([0] * 10 + [2] * 10)
    try:
        pred_probs = estimate_cv_predicted_probabilities(X, labels, cv=2, random_state=0)
    except ValueError as error:
        assert "class 1" in str(error).lower()
    else:
        assert pred_probs.shape == (20, 3)


# --- what an adversarial review found -----------------------------------------------------------


def test_nan_float_labels_get_our_message_in_cross_validation():
    X = np.zeros((6, 1))
    assert_rejected(lambda X, y: estimate_cv_predicted_probabilities(X, y, cv=2), X,
                    np.array([0.0, 1.0, np.nan, 0.0, 1.0, 1.0]),
                    match=r"labels must be integers 0\.\.")


@pytest.mark.parametrize("thresholds", [[np.nan, 0.5, 0.5], [0.5, np.inf, 0.5],
                                        [-0.1, 0.5, 0.5], [0.5, 1.5, 0.5]])
def test_thresholds_must_be_probabilities(thresholds):
    assert_rejected(lambda y, p: compute_confident_joint(y, p, thresholds=thresholds), LABELS,
                    PRED_PROBS, match=r"thresholds must be probabilities in \[0, 1\]")


def test_the_threshold_of_a_class_without_examples_is_accepted_back():
    labels = np.array([0, 0, 1, 1, 0])
    thresholds = get_confident_thresholds(labels, PRED_PROBS)
    assert thresholds[2] == 2
    np.testing.assert_array_equal(
        compute_confident_joint(labels, PRED_PROBS, thresholds=thresholds),
        compute_confident_joint(labels, PRED_PROBS),
    )


def test_complex_input_is_refused_not_truncated():
    assert_rejected(lambda y, p: find_label_issues(y, p), LABELS, PRED_PROBS.astype(complex),
                    match=r"pred_probs must hold numbers \(real, not complex\)")
    assert_rejected(lambda y, p: find_label_issues(y, p, confident_joint=np.eye(3) + 0j),
                    LABELS, PRED_PROBS, match=r"confident_joint must hold numbers")


@pytest.mark.parametrize("joint", [np.full((3, 3), 1e300), np.full((3, 3), 2.0**63)])
def test_absurd_confident_joints_are_refused(joint):
    assert_rejected(lambda y, p: find_label_issues(y, p, confident_joint=joint), LABELS,
                    PRED_PROBS, match=r"finite, non-negative counts \(at most")


@pytest.mark.parametrize("labels", [np.array([0, 1, 2, 0, 1e300]), np.array([0, 1, 2, 0, 2.0**63]),
                                    np.array([0, 1, 2, 0, 2**64 - 1], dtype=np.uint64)],
                         ids=["1e300", "2**63", "uint64 max"])
def test_overflowing_labels_are_named_as_given(labels):
    expected = re.escape(f"found {labels[-1].item()!r}.")
    assert_rejected(find_label_issues, labels, PRED_PROBS,
                    match=rf"labels must be in 0\.\.2 .*{expected}")


@pytest.mark.parametrize("value", [2**63, np.uint64(2**64 - 1)])
def test_overflowing_scalar_counts_are_refused(value):
    assert_rejected(lambda y, p: find_label_issues(y, p, min_examples_per_class=value),
                    LABELS, PRED_PROBS, match=r"'min_examples_per_class' parameter")
    assert_rejected(lambda y, p: compute_confident_joint(y, p, min_diagonal=value),
                    LABELS, PRED_PROBS, match=r"'min_diagonal' parameter")


@pytest.mark.parametrize("count", [np.uint64(2**64 - 1), 2**63 - 1, np.array([2**62] * 3)])
def test_overflowing_counts_are_refused(count):
    assert_rejected(lambda y, p: find_label_issues(y, p, filter_by="prune_by_class",
                                                   num_to_remove_per_class=count),
                    LABELS, PRED_PROBS, match=r"num_to_remove_per_class must hold non-negative")


def test_a_float32_row_over_many_classes_is_a_probability_distribution():
    n_classes = 200_000
    pred_probs = np.full((2, n_classes), 1 / n_classes, dtype=np.float32)
    assert abs(float(np.cumsum(pred_probs[0])[-1]) - 1) > 1e-3  # a float32 running sum drifts
    scores = get_label_quality_scores([0, 1], pred_probs)  # the check sums in float64
    assert scores.shape == (2,)


def test_a_row_within_tolerance_of_one_but_above_one_somewhere_is_named():
    assert_rejected(lambda y, p: find_label_issues(y, p), LABELS, with_row(1, [1.0004, 0, 0]),
                    match=r"values above 1 \(first in row 1\)")


@pytest.mark.parametrize("call", [calibrate_confident_joint, estimate_latent])
def test_empty_labels_are_named(call):
    assert_rejected(call, np.eye(2), np.array([], dtype=int), match=r"labels is empty")


@pytest.mark.parametrize(("call", "match"), [
    (lambda y, p: compute_confident_joint(y, p, threshold_tolerance=True),
     r"'threshold_tolerance' parameter"),
    (lambda y, p: compute_confident_joint(y, p, min_diagonal=True), r"'min_diagonal' parameter"),
    (lambda y, p: find_label_issues(y, p, n_jobs=2.0), r"'n_jobs' parameter"),
    (lambda y, p: find_label_issues(y, p, n_jobs="2"), r"'n_jobs' parameter"),
    (lambda y, p: find_label_issues(y, p, return_indices_ranked_by="self_confidence",
                                    rank_by_kwargs={"adjust_pred_probs": "yes"}),
     r"adjust_pred_probs must be True or False"),
])
def test_booleans_and_strings_are_not_numbers(call, match):
    assert_rejected(call, LABELS, PRED_PROBS, match=match, error=(TypeError, ValueError))


@pytest.mark.parametrize("n_jobs", [0, True, 2.0])
def test_estimators_refuse_bad_n_jobs_before_fitting(n_jobs):
    from sklearn_noisy import NoiseEstimator

    X, labels = np.zeros((20, 1)), np.arange(20) % 2
    with pytest.raises(ValueError, match=r"'n_jobs' parameter of NoiseEstimator must be"):
        NoiseEstimator(n_jobs=n_jobs).fit(X, labels)


def test_a_huge_n_jobs_is_capped_at_the_cores_for_the_folds():
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(30, 2)), np.arange(30) % 2
    pred_probs = estimate_cv_predicted_probabilities(X, labels, cv=2, random_state=0,
                                                     n_jobs=3_000_000_000)
    np.testing.assert_array_equal(
        pred_probs, estimate_cv_predicted_probabilities(X, labels, cv=2, random_state=0))


@settings(max_examples=80, deadline=None)
@given(
    dtype=st.sampled_from([np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint64,
                           np.float64, np.str_]),
    spread=st.sampled_from([1, 3, 50, 10**6]),
    seed=st.integers(0, 2**16),
    n=st.integers(1, 60),
)
def test_encoded_class_labels_equal_label_encoder(dtype, spread, seed, n):
    from sklearn.preprocessing import LabelEncoder

    from sklearn_noisy._validation import encode_class_labels

    rng = np.random.default_rng(seed)
    low = 0 if np.dtype(dtype).kind in "uU" else -min(spread, 100)
    values = rng.integers(low, low + spread, size=n)
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        values = np.clip(values, info.min, info.max)
    y = values.astype(dtype)
    before = y.copy()
    classes, encoded = encode_class_labels(y)
    encoder = LabelEncoder().fit(y)
    assert classes.dtype == encoder.classes_.dtype
    assert_array_equal(classes, encoder.classes_)
    assert encoded.dtype == np.intp
    assert_array_equal(encoded, encoder.transform(y))
    assert not np.shares_memory(encoded, y)
    assert_array_equal(y, before)


def test_encoded_class_labels_of_a_gappy_and_a_huge_integer_range():
    from sklearn_noisy._validation import encode_class_labels

    classes, encoded = encode_class_labels(np.array([7, -3, 7, 100, -3]))
    assert_array_equal(classes, [-3, 7, 100])
    assert_array_equal(encoded, [1, 0, 1, 2, 0])
    big = np.array([2**63 + 5, 3, 2**63 + 5], dtype=np.uint64)
    classes, encoded = encode_class_labels(big)
    assert_array_equal(classes, np.array([3, 2**63 + 5], dtype=np.uint64))
    assert_array_equal(encoded, [1, 0, 1])


@pytest.mark.parametrize("layout", ["float32", "float64", "fortran", "int"])
def test_a_copy_asked_of_check_pred_probs_shares_no_memory_with_the_input(layout):
    from sklearn_noisy._validation import check_pred_probs

    given = {"float32": PRED_PROBS.astype(np.float32), "float64": PRED_PROBS.copy(),
             "fortran": np.asfortranarray(PRED_PROBS), "int": np.eye(3, dtype=int)[[0, 1, 2]]}
    given = given[layout]
    checked = check_pred_probs(given, copy=True)
    assert not np.shares_memory(checked, given)
    assert checked.flags.c_contiguous
    assert_array_equal(checked, given)
    # Without the request, an array that needs no conversion is returned as it is.
    if layout.startswith("float"):
        assert check_pred_probs(given) is given


def test_a_copy_asked_of_check_pred_probs_still_rejects_a_bad_row():
    from sklearn_noisy._validation import check_pred_probs

    assert_rejected(lambda p: check_pred_probs(p, copy=True), with_row(3, [0.5, 0.6, 0.2]),
                    match="Row 3 of pred_probs sums to")
