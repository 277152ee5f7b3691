"""Tests of sklearn_noisy.rank: label quality scores, ordering of issues, top issues."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_noisy._validation import RANK_BY
from sklearn_noisy.rank import find_top_issues, get_label_quality_scores, order_label_issues

FEW = settings(max_examples=25, deadline=None)

# For three_class_problem (conftest.py), by hand.
SELF_CONFIDENCE = [0.90, 0.70, 0.20, 0.12, 0.80, 0.60, 0.25, 0.80, 0.60, 0.15]
# (p(label) - largest other + 1) / 2, e.g. example 3: (0.12 - 0.46 + 1) / 2 = 0.33.
NORMALIZED_MARGIN = [0.925, 0.75, 0.25, 0.33, 0.85, 0.675, 0.275, 0.85, 0.70, 0.20]
# r = H(p) / log(3) / p(label), score log(1 + r) / r. Example 2: H = 0.8018, r = 3.649,
# score = 1.5367 / 3.649 = 0.4211; example 9: H = 0.7306, r = 4.433, score = 0.3818.
CONFIDENCE_WEIGHTED_ENTROPY = {2: 0.4211, 3: 0.2875, 6: 0.4833, 9: 0.3818}


def test_self_confidence_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    scores = get_label_quality_scores(labels, pred_probs)
    np.testing.assert_array_equal(scores, SELF_CONFIDENCE)


def test_normalized_margin_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    scores = get_label_quality_scores(labels, pred_probs, method="normalized_margin")
    np.testing.assert_allclose(scores, NORMALIZED_MARGIN, rtol=1e-12)


def test_confidence_weighted_entropy_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    scores = get_label_quality_scores(labels, pred_probs, method="confidence_weighted_entropy")
    for index, expected in CONFIDENCE_WEIGHTED_ENTROPY.items():
        assert scores[index] == pytest.approx(expected, abs=1e-4)


def test_confidence_weighted_entropy_of_a_certain_row_is_zero():
    # Entropy 0 gives r = 0 and log(1 + 0) / max(0, 1e-6) = 0, whatever the label: the
    # reference scores a certain, correct prediction as the least trustworthy.
    scores = get_label_quality_scores([0, 1], np.array([[1.0, 0.0], [1.0, 0.0]]),
                                      method="confidence_weighted_entropy")
    np.testing.assert_array_equal(scores, [0, 0])


def test_adjusted_self_confidence_by_hand(three_class_problem):
    # Thresholds (0.48, 0.55, 0.51667), largest 0.55: each row becomes p - t + 0.55 and is
    # divided by its new sum 1 + 0.07 + 0 + 0.03333 = 1.10333. Example 2 (label 0):
    # (0.20 - 0.48 + 0.55) / 1.10333 = 0.24471.
    labels, pred_probs = three_class_problem
    scores = get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
    assert scores[2] == pytest.approx(0.27 / (1 + 0.07 + 0.55 - 1.55 / 3), rel=1e-12)
    thresholds = np.array([0.48, 0.55, 1.55 / 3])
    adjusted = pred_probs - thresholds + 0.55
    adjusted /= adjusted.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(scores, adjusted[np.arange(10), labels], rtol=1e-12)
    margins = get_label_quality_scores(labels, pred_probs, method="normalized_margin",
                                       adjust_pred_probs=True)
    others = np.where(np.arange(3) == labels[:, None], -1, adjusted).max(axis=1)
    np.testing.assert_allclose(margins, (adjusted[np.arange(10), labels] - others + 1) / 2,
                               rtol=1e-12)


def test_order_label_issues_by_hand(three_class_problem):
    labels, pred_probs = three_class_problem
    mask = np.zeros(10, dtype=bool)
    mask[[2, 3, 6, 9]] = True
    assert order_label_issues(mask, labels, pred_probs).tolist() == [3, 9, 2, 6]
    assert order_label_issues(mask, labels, pred_probs,
                              rank_by="normalized_margin").tolist() == [9, 2, 6, 3]
    assert order_label_issues(mask, labels, pred_probs,
                              rank_by="confidence_weighted_entropy").tolist() == [3, 9, 2, 6]
    assert order_label_issues(np.zeros(10, dtype=bool), labels, pred_probs).size == 0


def test_order_label_issues_passes_rank_by_kwargs(three_class_problem):
    labels, pred_probs = three_class_problem
    mask = np.ones(10, dtype=bool)
    ordered = order_label_issues(mask, labels, pred_probs,
                                 rank_by_kwargs={"adjust_pred_probs": True})
    scores = get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
    np.testing.assert_array_equal(ordered, np.argsort(scores, kind="stable"))


def test_find_top_issues_by_hand():
    scores = np.array([0.9, 0.2, 0.5, 0.1, 0.2])
    assert find_top_issues(scores, top=2).tolist() == [3, 1]
    # Ties keep index order: 1 before 4.
    assert find_top_issues(scores, top=3).tolist() == [3, 1, 4]
    assert find_top_issues(scores, top=None).tolist() == [3, 1, 4, 2, 0]
    assert find_top_issues(scores, top=50).tolist() == [3, 1, 4, 2, 0]
    assert find_top_issues(scores, top=0).size == 0
    assert find_top_issues(scores.tolist(), top=1).tolist() == [3]


def test_one_class_labels_are_accepted_for_scoring():
    pred_probs = np.array([[0.8, 0.2], [0.3, 0.7]])
    np.testing.assert_array_equal(get_label_quality_scores([0, 0], pred_probs), [0.8, 0.3])
    assert order_label_issues([True, True], [0, 0], pred_probs).tolist() == [1, 0]


@pytest.mark.parametrize("method", RANK_BY)
def test_read_only_float32_input_gives_float32_scores(three_class_problem, method):
    labels, pred_probs = three_class_problem
    narrow = np.ascontiguousarray(pred_probs, dtype=np.float32)
    narrow.setflags(write=False)
    scores = get_label_quality_scores(labels, narrow, method=method)
    assert scores.dtype == np.float32
    np.testing.assert_allclose(scores, get_label_quality_scores(labels, pred_probs, method=method),
                               rtol=1e-6)


def test_self_confidence_in_float32_is_exactly_the_input(three_class_problem):
    labels, pred_probs = three_class_problem
    narrow = pred_probs.astype(np.float32)
    np.testing.assert_array_equal(get_label_quality_scores(labels, narrow),
                                  narrow[np.arange(10), labels])


def test_scoring_leaves_inputs_and_the_global_random_state_alone(three_class_problem):
    labels, pred_probs = three_class_problem  # read-only
    before = np.random.get_state()
    for method in RANK_BY:
        get_label_quality_scores(labels, pred_probs, method=method)
        order_label_issues(np.ones(10, dtype=bool), labels, pred_probs, rank_by=method)
    get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
    after = np.random.get_state()
    np.testing.assert_array_equal(before[1], after[1])


# --- invariants on random problems ------------------------------------------------------------


@FEW
@given(data=st.data())
def test_scores_lie_in_the_unit_interval_in_the_input_precision(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    for method in RANK_BY:
        scores = get_label_quality_scores(labels, pred_probs, method=method, n_jobs=1)
        assert scores.shape == labels.shape and scores.dtype == pred_probs.dtype
        assert np.all((scores >= 0) & (scores <= 1)), method


@FEW
@given(data=st.data())
def test_normalized_margin_is_at_least_half_exactly_when_the_label_is_an_argmax(data,
                                                                               problem_drawer):
    labels, pred_probs = problem_drawer(data, dtypes=(np.float64,))
    scores = get_label_quality_scores(labels, pred_probs, method="normalized_margin", n_jobs=1)
    own = pred_probs[np.arange(len(labels)), labels]
    np.testing.assert_array_equal(scores >= 0.5, own >= pred_probs.max(axis=1))


@FEW
@given(data=st.data(), method=st.sampled_from(["self_confidence", "normalized_margin"]))
def test_adjusted_scores_are_scores_of_the_adjusted_probabilities(data, method, problem_drawer):
    labels, pred_probs = problem_drawer(data, dtypes=(np.float64,))
    counts = np.bincount(labels, minlength=pred_probs.shape[1])
    sums = np.bincount(labels, weights=pred_probs[np.arange(len(labels)), labels],
                       minlength=pred_probs.shape[1])
    thresholds = np.where(counts > 0, sums / np.maximum(counts, 1), 2.0).clip(2e-6)
    adjusted = pred_probs - thresholds + thresholds.max()
    adjusted /= adjusted.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        get_label_quality_scores(labels, pred_probs, method=method, adjust_pred_probs=True,
                                 n_jobs=1),
        get_label_quality_scores(labels, adjusted, method=method, n_jobs=1),
        rtol=1e-9, atol=1e-12,
    )


@FEW
@given(data=st.data(), rank_by=st.sampled_from(RANK_BY))
def test_order_label_issues_sorts_the_masked_indices_by_score(data, rank_by, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="mask_seed"))
    mask = rng.random(len(labels)) < 0.3
    ordered = order_label_issues(mask, labels, pred_probs, rank_by=rank_by, n_jobs=1)
    scores = get_label_quality_scores(labels, pred_probs, method=rank_by, n_jobs=1)
    issues = np.flatnonzero(mask)
    np.testing.assert_array_equal(ordered, issues[np.argsort(scores[issues], kind="stable")])
