"""Tests of sklearn_noisy.filter.find_label_issues.

Hand-worked masks for ``three_class_problem`` (joints derived in test_count.py): the calibrated
joint is [[3, 1, 0], [0, 2, 1], [1, 0, 2]], so class 0 has one issue toward class 1, class 1 one
toward 2, class 2 one toward 0, and each class keeps ``count - diagonal`` = 1 issue by class.

* prune_by_noise_rate, largest margin p(j) - p(label) per class: class 0 toward 1: example 2
  (0.50; example 3 has 0.34); class 1 toward 2: example 6 (0.45); class 2 toward 0: example 9
  (0.60) -> {2, 6, 9};
* prune_by_class, lowest p(label) per class: 3 (0.12), 6 (0.25), 9 (0.15) -> {3, 6, 9};
* both: {6, 9}; confident_learning: off the diagonal, {2, 6, 9};
* predicted_neq_given: argmax differs from the label at {2, 3, 6, 9};
* num_label_issues = 3, so low_self_confidence flags the three lowest p(label): 3 (0.12),
  9 (0.15), 2 (0.20); low_normalized_margin, with (p(label) - max other + 1) / 2, the three
  lowest: 9 (0.200), 2 (0.250), 6 (0.275) (then 3 with 0.330).
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sklearn_noisy._validation import FILTER_BY, RANK_BY
from sklearn_noisy.count import compute_confident_joint, get_confident_thresholds, num_label_issues
from sklearn_noisy.filter import find_label_issues
from sklearn_noisy.rank import get_label_quality_scores

FEW = settings(max_examples=25, deadline=None)
PRUNING = ("prune_by_noise_rate", "prune_by_class", "both")

THREE_CLASS_ISSUES = {
    "prune_by_noise_rate": [2, 6, 9],
    "prune_by_class": [3, 6, 9],
    "both": [6, 9],
    "confident_learning": [2, 6, 9],
    "predicted_neq_given": [2, 3, 6, 9],
    "low_normalized_margin": [2, 6, 9],
    "low_self_confidence": [2, 3, 9],
}


def flagged(mask):
    return np.flatnonzero(mask).tolist()


# --- hand-worked ------------------------------------------------------------------------------


@pytest.mark.parametrize("filter_by", FILTER_BY)
def test_mask_of_each_filter_by_by_hand(three_class_problem, filter_by):
    labels, pred_probs = three_class_problem
    mask = find_label_issues(labels, pred_probs, filter_by=filter_by)
    assert mask.dtype == bool and mask.shape == (10,)
    assert flagged(mask) == THREE_CLASS_ISSUES[filter_by]


def test_half_the_noise_by_hand(three_class_problem):
    # frac_noise=0.5 halves each off-diagonal count: floor(0.5 * 1) = 0, so prune_by_noise_rate
    # flags nothing; the diagonal becomes floor(d + 0.5 * off-diagonal), e.g. floor(3 + 0.5) = 3
    # for class 0, so prune_by_class still flags one example per class.
    labels, pred_probs = three_class_problem
    half = {fb: flagged(find_label_issues(labels, pred_probs, filter_by=fb, frac_noise=0.5))
            for fb in PRUNING}
    assert half == {"prune_by_noise_rate": [], "prune_by_class": [3, 6, 9], "both": []}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # Joint [[5, 3], [1, 3]]: class 0 flags its 3 highest p(1), class 1 its lowest p(1);
        # with two classes, margins and self-confidences sort the same way.
        ({}, {"prune_by_noise_rate": [0, 4, 5, 8], "prune_by_class": [0, 4, 5, 8]}),
        # Off-diagonals 3 -> floor(1.5) = 1 and 1 -> floor(0.5) = 0: by noise rate only example
        # 5 (p(1) 0.96). Diagonals floor(5 + 1.5) = 6 and floor(3 + 0.5) = 3: by class, 8 - 6 = 2
        # examples of class 0 (5, 0) and 4 - 3 = 1 of class 1 (4).
        ({"frac_noise": 0.5}, {"prune_by_noise_rate": [5], "prune_by_class": [0, 4, 5]}),
        # Class 0 must keep 6 of its 8: its diagonal 5 -> 6, its issues 3 -> 2 (examples 5, 0);
        # class 1 has only 4 <= 6 examples and is not pruned.
        ({"min_examples_per_class": 6}, {"prune_by_noise_rate": [0, 5], "prune_by_class": [0, 5]}),
    ],
)
def test_binary_pruning_by_hand(binary_problem, options, expected):
    # t0 = 4.62 / 8 = 0.5775, t1 = 2.7 / 4 = 0.675. Confident: class-0 examples with
    # p(1) <= 0.08 -> 0; 3 (p(1) 0.66) -> none; 8, 0, 5 -> 1. Class 1: 4 (p(1) 0.3) -> 0; the
    # others -> 1. Raw joint [[4, 3], [1, 3]]; row 0 scaled by 8/7 to (4.57, 3.43) -> (5, 3).
    labels, pred_probs = binary_problem
    np.testing.assert_array_equal(compute_confident_joint(labels, pred_probs), [[5, 3], [1, 3]])
    both = sorted(set(expected["prune_by_noise_rate"]) & set(expected["prune_by_class"]))
    got = {fb: flagged(find_label_issues(labels, pred_probs, filter_by=fb, **options))
           for fb in PRUNING}
    assert got == {**expected, "both": both}


def test_num_to_remove_per_class_sets_prune_by_class_counts(binary_problem):
    labels, pred_probs = binary_problem
    mask = find_label_issues(labels, pred_probs, filter_by="prune_by_class",
                             num_to_remove_per_class=[2, 0])
    # The two lowest p(0) in class 0: examples 5 (0.04) and 0 (0.16).
    assert flagged(mask) == [0, 5]


@pytest.mark.parametrize(
    ("rank_by", "expected"),
    [
        # p(label): 3: 0.12, 9: 0.15, 2: 0.20, 6: 0.25.
        ("self_confidence", [3, 9, 2, 6]),
        # 9: 0.200, 2: 0.250, 6: 0.275, 3: 0.330.
        ("normalized_margin", [9, 2, 6, 3]),
        # log(1 + r) / r with r = H(p) / log(3) / p(label): 3: 0.288, 9: 0.382, 2: 0.421,
        # 6: 0.483.
        ("confidence_weighted_entropy", [3, 9, 2, 6]),
    ],
)
def test_ranked_indices_by_hand(three_class_problem, rank_by, expected):
    labels, pred_probs = three_class_problem
    ranked = find_label_issues(labels, pred_probs, filter_by="predicted_neq_given",
                               return_indices_ranked_by=rank_by)
    assert ranked.tolist() == expected


def test_confident_argmax_changes_the_confident_learning_issues(argmax_not_confident):
    # Example 0 is counted as class 2 by the reference's rule and as its own class 0 by the
    # paper's (see conftest.py).
    labels, pred_probs = argmax_not_confident
    default = find_label_issues(labels, pred_probs, filter_by="confident_learning")
    paper = find_label_issues(labels, pred_probs, filter_by="confident_learning",
                              multiple_confident="confident_argmax")
    assert flagged(default) == [0, 1, 2]
    assert flagged(paper) == [1, 2]


def test_given_confident_joint_drives_the_pruning(three_class_problem):
    labels, pred_probs = three_class_problem
    calibrated = compute_confident_joint(labels, pred_probs)
    np.testing.assert_array_equal(
        find_label_issues(labels, pred_probs, confident_joint=calibrated),
        find_label_issues(labels, pred_probs),
    )
    no_noise = np.diag(np.bincount(labels))
    for filter_by in PRUNING:
        assert not find_label_issues(labels, pred_probs, filter_by=filter_by,
                                     confident_joint=no_noise).any()


def test_label_that_is_the_argmax_within_tolerance_is_never_flagged():
    # Example 2 (label 0) has p(1) - p(0) = 2e-7 < 1e-6: counted off the diagonal, largest
    # margin of its class, lowest p(0) of its class, but its label is (nearly) the argmax.
    labels = np.array([0, 0, 0, 1, 1])
    pred_probs = np.array(
        [[0.9, 0.1], [0.8, 0.2], [0.4999999, 0.5000001], [0.3, 0.7], [0.2, 0.8]]
    )
    for filter_by in ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
                      "predicted_neq_given"):
        assert not find_label_issues(labels, pred_probs, filter_by=filter_by)[2], filter_by


def test_class_with_a_single_example_is_never_pruned():
    # Example 0 is the only one labelled 1 and looks like a clear class-0 example.
    labels = np.array([1, 0, 0, 0, 2, 2, 2])
    pred_probs = np.array(
        [[0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.9, 0.05, 0.05],
         [0.1, 0.1, 0.8], [0.1, 0.2, 0.7], [0.2, 0.1, 0.7]]
    )
    for filter_by in PRUNING:
        mask = find_label_issues(labels, pred_probs, filter_by=filter_by, min_examples_per_class=0)
        assert not mask[0], filter_by
    assert find_label_issues(labels, pred_probs, filter_by="confident_learning")[0]


@pytest.mark.filterwarnings(
    # A class with no estimated noise divides by zero when rescaled to a requested count; the
    # reference does the same (reported to the lead).
    "ignore::RuntimeWarning"
)
def test_exact_ties_go_to_the_smaller_index():
    # Examples 1 and 3 (label 0) are identical and one of them is to be removed.
    labels = np.array([0, 0, 0, 0, 1, 1, 1])
    pred_probs = np.array(
        [[0.9, 0.1], [0.3, 0.7], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9], [0.2, 0.8], [0.15, 0.85]]
    )
    assert flagged(find_label_issues(labels, pred_probs, filter_by="prune_by_class",
                                     num_to_remove_per_class=[1, 0])) == [1]


@pytest.fixture
def tie_at_the_cut():
    """Examples 1 (label 1) and 4 (label 0) share the lowest self-confidence, 0.25.

    t0 = (0.99 * 3 + 0.25) / 4 = 0.805, t1 = (0.25 + 0.9 + 0.8) / 3 = 0.65. Only example 4 is
    confident in another class (p(1) = 0.75 >= 0.65): one label issue is estimated. Example 1
    (p(0) = 0.75 < 0.805) is confident in no class.
    """
    labels = np.array([0, 1, 0, 1, 0, 0, 1])
    pred_probs = np.array(
        [[0.99, 0.01], [0.75, 0.25], [0.99, 0.01], [0.1, 0.9], [0.25, 0.75], [0.99, 0.01],
         [0.2, 0.8]]
    )
    return labels, pred_probs


def test_exact_tie_at_the_cut_of_low_self_confidence_goes_to_the_smaller_index(tie_at_the_cut):
    labels, pred_probs = tie_at_the_cut
    assert num_label_issues(labels, pred_probs) == 1
    assert flagged(find_label_issues(labels, pred_probs, filter_by="low_self_confidence")) == [1]


def test_exact_ties_in_the_ranking_go_to_the_smaller_index(tie_at_the_cut):
    labels, pred_probs = tie_at_the_cut
    ranked = find_label_issues(labels, pred_probs, filter_by="predicted_neq_given",
                               return_indices_ranked_by="self_confidence")
    assert ranked.tolist() == [1, 4]


def test_rank_by_kwargs_reach_the_score(three_class_problem):
    labels, pred_probs = three_class_problem
    adjusted = find_label_issues(labels, pred_probs, filter_by="predicted_neq_given",
                                 return_indices_ranked_by="self_confidence",
                                 rank_by_kwargs={"adjust_pred_probs": True})
    scores = get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
    issues = np.array(THREE_CLASS_ISSUES["predicted_neq_given"])
    assert adjusted.tolist() == issues[np.argsort(scores[issues], kind="stable")].tolist()


def test_inputs_are_never_written_and_lists_work(three_class_problem):
    labels, pred_probs = three_class_problem
    joint = compute_confident_joint(labels, pred_probs)
    joint.setflags(write=False)
    for filter_by in FILTER_BY:
        find_label_issues(labels, pred_probs, filter_by=filter_by, return_indices_ranked_by=None)
        find_label_issues(labels, pred_probs, filter_by=filter_by, confident_joint=joint,
                          return_indices_ranked_by="normalized_margin")
    np.testing.assert_array_equal(
        find_label_issues(labels.tolist(), pred_probs.tolist()),
        find_label_issues(labels, pred_probs),
    )


def test_read_only_float32_input_gives_the_hand_worked_masks(three_class_problem):
    labels, pred_probs = three_class_problem
    narrow = np.ascontiguousarray(pred_probs, dtype=np.float32)
    narrow.setflags(write=False)
    for filter_by in FILTER_BY:
        assert flagged(find_label_issues(labels, narrow, filter_by=filter_by)) == \
            THREE_CLASS_ISSUES[filter_by]


def test_global_random_state_is_untouched(three_class_problem):
    labels, pred_probs = three_class_problem
    before = np.random.get_state()
    for filter_by in FILTER_BY:
        find_label_issues(labels, pred_probs, filter_by=filter_by,
                          return_indices_ranked_by="self_confidence")
    after = np.random.get_state()
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


# --- invariants on random problems ------------------------------------------------------------


@FEW
@given(data=st.data())
def test_both_is_the_intersection_of_the_two_pruning_methods(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    options = {"frac_noise": data.draw(st.sampled_from([1.0, 0.6, 0.2]), label="frac_noise"),
               "min_examples_per_class": data.draw(st.integers(0, 10), label="min_examples"),
               "n_jobs": 1}
    by_class = find_label_issues(labels, pred_probs, filter_by="prune_by_class", **options)
    by_noise_rate = find_label_issues(labels, pred_probs, filter_by="prune_by_noise_rate",
                                      **options)
    both = find_label_issues(labels, pred_probs, filter_by="both", **options)
    np.testing.assert_array_equal(both, by_class & by_noise_rate)


@FEW
@given(data=st.data(), fractions=st.lists(st.sampled_from([0.1, 0.3, 0.5, 0.8, 1.0]),
                                          min_size=2, max_size=2, unique=True).map(sorted))
def test_a_smaller_frac_noise_flags_a_subset(data, fractions, problem_drawer):
    # Each off-diagonal quota floor(f * c) grows with f and each diagonal shrinks, and the
    # examples chosen for a quota are the top of a fixed order: the masks are nested.
    labels, pred_probs = problem_drawer(data)
    for filter_by in PRUNING:
        small, large = (find_label_issues(labels, pred_probs, filter_by=filter_by, frac_noise=f,
                                          n_jobs=1) for f in fractions)
        assert not np.any(small & ~large), filter_by


@FEW
@given(data=st.data(), rank_by=st.sampled_from(RANK_BY), filter_by=st.sampled_from(FILTER_BY))
def test_ranked_indices_are_the_mask_sorted_by_score(data, rank_by, filter_by, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    mask = find_label_issues(labels, pred_probs, filter_by=filter_by, n_jobs=1)
    ranked = find_label_issues(labels, pred_probs, filter_by=filter_by,
                               return_indices_ranked_by=rank_by, n_jobs=1)
    np.testing.assert_array_equal(np.sort(ranked), np.flatnonzero(mask))
    scores = get_label_quality_scores(labels, pred_probs, method=rank_by, n_jobs=1)
    assert np.all(np.diff(scores[ranked]) >= 0)


@FEW
@given(data=st.data(), method=st.sampled_from(["self_confidence", "normalized_margin"]))
def test_low_score_methods_flag_num_label_issues_lowest_scores(data, method, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    mask = find_label_issues(labels, pred_probs, filter_by=f"low_{method}", n_jobs=1)
    assert mask.sum() == num_label_issues(labels, pred_probs, n_jobs=1)
    scores = get_label_quality_scores(labels, pred_probs, method=method, n_jobs=1)
    if mask.any() and not mask.all():
        assert scores[mask].max() <= scores[~mask].min()


@FEW
@given(data=st.data())
def test_confident_learning_and_predicted_neq_given_follow_their_definitions(data,
                                                                             problem_drawer):
    labels, pred_probs = problem_drawer(data)
    n_samples = len(labels)
    boosted = pred_probs.copy()
    boosted[np.arange(n_samples), labels] += 1e-6
    label_is_nearly_argmax = np.argmax(boosted, axis=1) == labels
    _, off_diagonal = compute_confident_joint(labels, pred_probs,
                                              return_indices_of_off_diagonals=True, n_jobs=1)
    expected = np.zeros(n_samples, dtype=bool)
    expected[off_diagonal] = True
    np.testing.assert_array_equal(
        find_label_issues(labels, pred_probs, filter_by="confident_learning", n_jobs=1),
        expected & ~label_is_nearly_argmax,
    )
    np.testing.assert_array_equal(
        find_label_issues(labels, pred_probs, filter_by="predicted_neq_given", n_jobs=1),
        (np.argmax(pred_probs, axis=1) != labels) & ~label_is_nearly_argmax,
    )


@FEW
@given(data=st.data(), filter_by=st.sampled_from(("prune_by_class", "both")))
def test_class_pruning_keeps_min_examples_per_class(data, filter_by, problem_drawer):
    # Only the methods that prune by class guarantee it: prune_by_noise_rate may leave fewer
    # (as the reference does), because its per-pair counts are not capped by the class size.
    labels, pred_probs = problem_drawer(data)
    keep = data.draw(st.integers(0, 30), label="min_examples_per_class")
    mask = find_label_issues(labels, pred_probs, filter_by=filter_by,
                             min_examples_per_class=keep, n_jobs=1)
    counts = np.bincount(labels, minlength=pred_probs.shape[1])
    kept = np.bincount(labels[~mask], minlength=pred_probs.shape[1])
    assert np.all(kept >= np.minimum(counts, keep))


@pytest.mark.filterwarnings(
    # A class with no estimated noise divides by zero when rescaled to a requested count; the
    # reference does the same (reported to the lead).
    "ignore::RuntimeWarning"
)
@FEW
@given(data=st.data())
def test_prune_by_class_removes_at_most_the_requested_lowest_examples(data, problem_drawer,
                                                                      tie_checker):
    labels, pred_probs = problem_drawer(data)
    assume(not tie_checker(labels, pred_probs))
    counts = np.bincount(labels, minlength=pred_probs.shape[1])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="quota_seed"))
    quota = rng.integers(0, counts + 1)
    mask = find_label_issues(labels, pred_probs, filter_by="prune_by_class",
                             num_to_remove_per_class=quota, n_jobs=1)
    for k in np.flatnonzero(counts):
        members = np.flatnonzero(labels == k)
        lowest = members[np.argsort(pred_probs[members, k])[:quota[k]]]
        assert set(np.flatnonzero(mask & (labels == k))) <= set(lowest)


@FEW
@given(data=st.data())
def test_float32_and_float64_of_the_same_values_give_the_same_masks(data, problem_drawer,
                                                                    tie_checker):
    # Only where float32 rounding cannot matter: no exact ties in the sorted quantities, no
    # probability within 1e-5 (relative) of a cutoff, no margin to the label within 1e-6 of the
    # argmax tolerance. (Not guaranteed otherwise: the two precisions round differently.)
    labels, narrow = problem_drawer(data, dtypes=(np.float32,))
    wide = narrow.astype(np.float64)
    assume(not tie_checker(labels, narrow))
    cutoffs = get_confident_thresholds(labels, wide) - 1e-6
    assume(np.all(np.abs(wide - cutoffs) > 1e-5 * np.abs(cutoffs)))
    gap = wide - wide[np.arange(len(labels)), labels][:, None]
    gap[np.arange(len(labels)), labels] = np.inf
    assume(np.all(np.abs(gap - 1e-6) > 1e-6))
    for filter_by in PRUNING + ("confident_learning", "predicted_neq_given"):
        np.testing.assert_array_equal(
            find_label_issues(labels, narrow, filter_by=filter_by, n_jobs=1),
            find_label_issues(labels, wide, filter_by=filter_by, n_jobs=1),
            err_msg=filter_by,
        )


def test_one_number_to_remove_applies_to_every_class():
    # The reference accepts a single number; cleanlab 2.9.0 gives this mask.
    labels = [0, 0, 0, 1, 1, 1]
    pred_probs = [[.9, .1], [.8, .2], [.1, .9], [.2, .8], [.3, .7], [.6, .4]]
    mask = find_label_issues(labels, pred_probs, filter_by="prune_by_class",
                             num_to_remove_per_class=1)
    assert flagged(mask) == [2, 5]
    np.testing.assert_array_equal(
        mask, find_label_issues(labels, pred_probs, filter_by="prune_by_class",
                                num_to_remove_per_class=[1, 1]))
