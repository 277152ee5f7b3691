"""Multi-label label issues: hand-worked fixtures, invariants, and agreement with cleanlab 2.9.0."""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_noisy import multilabel
from sklearn_noisy.count import compute_confident_joint
from sklearn_noisy.filter import find_label_issues

FILTER_BY = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
             "predicted_neq_given", "low_normalized_margin", "low_self_confidence"]

LABELS = [[0], [0, 1], [1], [1]]
PRED_PROBS = np.array([[0.9, 0.2], [0.8, 0.7], [0.3, 0.9], [0.7, 0.6]])


def test_indicator_and_list_labels_give_the_same_results():
    indicator = np.array([[1, 0], [1, 1], [0, 1], [0, 1]])
    for filter_by in FILTER_BY:
        np.testing.assert_array_equal(
            multilabel.find_label_issues(LABELS, PRED_PROBS, filter_by=filter_by),
            multilabel.find_label_issues(indicator, PRED_PROBS, filter_by=filter_by),
        )


def test_hand_worked_one_vs_rest_confident_joint():
    # Class 0: present in rows 0, 1 (p = .9, .8 -> threshold .85), absent in rows 2, 3
    # (1 - p = .7, .3 -> threshold .5). Row 0 is confidently present, row 2 confidently
    # absent, rows 1 and 3 reach neither threshold.
    joint = multilabel.compute_confident_joint(LABELS, PRED_PROBS, calibrate=False)
    np.testing.assert_array_equal(joint[0], [[1, 0], [0, 1]])
    # Class 1: absent in row 0 (1 - p = .8: threshold .8, confident), present in rows 1-3
    # (p = .7, .9, .6: threshold .7333): rows 2 is confident; row 1 (.7) and row 3 (.6) are not.
    np.testing.assert_array_equal(joint[1], [[1, 0], [0, 1]])


def test_an_example_missing_a_confident_class_is_an_issue():
    labels = [[0], [0], [0, 1], [1], [1], [0]]
    pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8],
                           [0.1, 0.9], [0.2, 0.7], [0.1, 0.9]])
    # The last example is labelled 0 only, but the model is sure it is class 1, not class 0.
    np.testing.assert_array_equal(
        multilabel.find_label_issues(labels, pred_probs),
        [False, False, False, False, False, True],
    )


def test_multi_label_flag_of_the_core_functions_delegates():
    np.testing.assert_array_equal(
        find_label_issues(LABELS, PRED_PROBS, multi_label=True),
        multilabel.find_label_issues(LABELS, PRED_PROBS),
    )
    np.testing.assert_array_equal(
        compute_confident_joint(LABELS, PRED_PROBS, multi_label=True),
        multilabel.compute_confident_joint(LABELS, PRED_PROBS),
    )


def test_calibrated_joints_sum_to_the_class_presence_counts():
    rng = np.random.default_rng(0)
    truth = rng.random((200, 4)) < 0.4
    pred_probs = np.clip(truth * 0.7 + rng.uniform(0, 0.3, truth.shape), 0, 1)
    joint = multilabel.compute_confident_joint(truth.astype(int), pred_probs)
    for k in range(4):
        np.testing.assert_array_equal(
            joint[k].sum(axis=1), [np.sum(~truth[:, k]), np.sum(truth[:, k])]
        )


def test_exponential_moving_average_weights_low_scores_most():
    scores = np.array([[0.9, 0.9, 0.3]])
    # Sorted decreasing: .9, .9, .3 -> .9, .8 * .9 + .2 * .9 = .9, .8 * .3 + .2 * .9 = .42
    np.testing.assert_allclose(multilabel.exponential_moving_average(scores), [0.42])
    np.testing.assert_allclose(multilabel.exponential_moving_average(scores, alpha=1.0), [0.3])
    np.testing.assert_allclose(multilabel.exponential_moving_average(scores, alpha=0.0), [0.9])


@pytest.mark.parametrize(
    "labels, pred_probs, match",
    [
        ([[0], [3]], np.array([[0.9, 0.1], [0.2, 0.8]]), "outside 0..1"),
        ([[0], [1]], np.array([[1.5, 0.1], [0.2, 0.8]]), r"\[0, 1\]"),
        ([[0], [1]], np.array([[np.nan, 0.1], [0.2, 0.8]]), "NaN"),
        ([[0]], np.array([[0.9, 0.1], [0.2, 0.8]]), "1 entries"),
        ([[0], [1]], np.array([0.9, 0.1]), "2-D"),
        (np.array([[2, 0], [0, 1]]), np.array([[0.9, 0.1], [0.2, 0.8]]), "only 0 and 1"),
    ],
)
def test_bad_multilabel_input_raises_a_clear_error(labels, pred_probs, match):
    before = pred_probs.copy()
    with pytest.raises(ValueError, match=match):
        multilabel.find_label_issues(labels, pred_probs)
    np.testing.assert_array_equal(pred_probs, before)


@st.composite
def multilabel_data(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(8, 300))
    n_classes = draw(st.integers(2, 6))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    truth = rng.random((n, n_classes)) < rng.uniform(0.15, 0.6, n_classes)
    scores = truth * rng.uniform(0.35, 1, truth.shape) + ~truth * rng.uniform(0, 0.65, truth.shape)
    given_labels = truth ^ (rng.random(truth.shape) < 0.1)
    return given_labels, np.clip(scores, 0, 1).astype(dtype)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(multilabel_data())
def test_agrees_with_the_reference(data):
    cleanlab_filter = pytest.importorskip("cleanlab.multilabel_classification.filter")
    cleanlab_rank = pytest.importorskip("cleanlab.multilabel_classification.rank")
    import cleanlab.count

    given_labels, pred_probs = data
    # The reference refuses a class that every example has, or none has.
    if given_labels.all(axis=0).any() or (~given_labels).all(axis=0).any():
        return
    labels = [list(np.flatnonzero(row)) for row in given_labels]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.testing.assert_array_equal(
            multilabel.compute_confident_joint(labels, pred_probs),
            cleanlab.count.compute_confident_joint(labels, pred_probs, multi_label=True),
        )
        for filter_by in FILTER_BY:
            np.testing.assert_array_equal(
                multilabel.find_label_issues(labels, pred_probs, filter_by=filter_by),
                cleanlab_filter.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                                  n_jobs=1),
            )
        ranked = multilabel.find_label_issues(labels, pred_probs,
                                              return_indices_ranked_by="normalized_margin")
        reference = cleanlab_filter.find_label_issues(
            labels, pred_probs, return_indices_ranked_by="normalized_margin", n_jobs=1
        )
        np.testing.assert_array_equal(ranked, reference)
        for method in ["self_confidence", "normalized_margin", "confidence_weighted_entropy"]:
            rtol = 1e-5 if pred_probs.dtype == np.float32 else 1e-10
            np.testing.assert_allclose(
                multilabel.get_label_quality_scores(labels, pred_probs, method=method),
                cleanlab_rank.get_label_quality_scores(labels, pred_probs, method=method),
                rtol=rtol, atol=1e-7,
            )


# --- every option honoured or refused -----------------------------------------------------------


def binary_results(labels, pred_probs, **options):
    """The multi-class functions run on each class's one-vs-rest problem."""
    indicator = multilabel.to_indicator(labels, pred_probs.shape[1])
    for k in range(pred_probs.shape[1]):
        yield indicator[:, k], np.column_stack([1 - pred_probs[:, k], pred_probs[:, k]])


@pytest.mark.parametrize("options", [{"min_diagonal": 0, "calibrate": False},
                                     {"threshold_tolerance": 0.0, "calibrate": False},
                                     {"multiple_confident": "confident_argmax"}])
def test_the_joint_options_apply_to_each_binary_problem(options):
    rng = np.random.default_rng(3)
    pred_probs = rng.random((60, 3))
    labels = [list(np.flatnonzero(row > 0.5)) for row in rng.random((60, 3))]
    joints = compute_confident_joint(labels, pred_probs, multi_label=True, **options)
    for k, (binary, probs) in enumerate(binary_results(labels, pred_probs)):
        np.testing.assert_array_equal(
            joints[k], compute_confident_joint(binary, probs, **options))


def test_thresholds_are_refused_for_multi_label_data():
    with pytest.raises(ValueError, match=r"thresholds cannot be given for multi-label data"):
        compute_confident_joint(LABELS, PRED_PROBS, multi_label=True, thresholds=[0.5, 0.5])


def test_multiple_confident_applies_to_each_class_of_find_label_issues():
    rng = np.random.default_rng(4)
    pred_probs = rng.random((80, 3))
    labels = [list(np.flatnonzero(row > 0.5)) for row in rng.random((80, 3))]
    got = multilabel.find_label_issues(labels, pred_probs, filter_by="confident_learning",
                                       multiple_confident="confident_argmax")
    expected = np.zeros(80, dtype=bool)
    for binary, probs in binary_results(labels, pred_probs):
        expected |= find_label_issues(binary, probs, filter_by="confident_learning",
                                      multiple_confident="confident_argmax")
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("options", "match"), [
    ({"num_to_remove_per_class": [1, -1]}, r"non-negative integers"),
    ({"num_to_remove_per_class": [0.5, 1]}, r"non-negative integers"),
    ({"num_to_remove_per_class": [1, 1], "filter_by": "confident_learning"},
     r"applies only to filter_by in"),
    ({"rank_by_kwargs": {"adjust": True}, "return_indices_ranked_by": "self_confidence"},
     r"rank_by_kwargs accepts only 'adjust_pred_probs'"),
    ({"multiple_confident": "max"}, r"'multiple_confident' parameter"),
    ({"n_jobs": "x"}, r"'n_jobs' parameter"),
    ({"confident_joint": -np.ones((2, 2, 2))}, r"finite, non-negative counts"),
    ({"confident_joint": np.full((2, 2, 2), np.nan)}, r"finite, non-negative counts"),
])
def test_multi_label_checks_what_multi_class_checks(options, match):
    with pytest.raises(ValueError, match=match):
        multilabel.find_label_issues(LABELS, PRED_PROBS, **options)


@pytest.mark.parametrize("labels", [[[0.5], [1], [0], [1]], [["a"], [1], [0], [1]]])
def test_class_indices_must_be_integers(labels):
    with pytest.raises(ValueError, match=r"Entry 0 of labels must hold integer class indices"):
        multilabel.find_label_issues(labels, PRED_PROBS)


def test_nested_lists_are_class_indices_and_arrays_are_indicators():
    rows = [[1, 0], [1, 1], [0, 1], [0, 1]]
    # As a list, [1, 0] means "classes 1 and 0"; as an ndarray, "class 0 only".
    np.testing.assert_array_equal(multilabel.to_indicator(rows, 2)[0], [1, 1])
    np.testing.assert_array_equal(multilabel.to_indicator(np.array(rows), 2)[0], [1, 0])


def test_sparse_or_string_pred_probs_get_our_message():
    from scipy import sparse

    with pytest.raises(TypeError, match=r"toarray"):
        multilabel.find_label_issues(LABELS, sparse.csr_matrix(PRED_PROBS))
    with pytest.raises(ValueError, match=r"pred_probs must hold numbers"):
        multilabel.find_label_issues(LABELS, PRED_PROBS.astype(str))
