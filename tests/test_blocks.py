"""Confident learning over row blocks gives the in-memory result exactly: thresholds bit for
bit, the joint, every filter_by, the ranking and its ties; and find_label_issues_batched
reads a memory-mapped file larger than its block size."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_noisy import _blocks, _class_means, _engine, _pair_bounds
from sklearn_noisy._counting import LABEL_NEAR_ARGMAX
from sklearn_noisy._validation import FILTER_BY, RANK_BY
from sklearn_noisy.filter import find_label_issues, find_label_issues_batched


def random_problem(seed, n=400, n_classes=5, dtype=np.float64, ties=False):
    """Probabilities from random logits; 30% of the labels drawn at random. With ``ties``,
    the logits are rounded to integers, so that many rows share probabilities and margins."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, n_classes)) * 2
    if ties:
        logits = np.round(logits)
    pred_probs = np.exp(logits)
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n) < 0.7, pred_probs.argmax(axis=1),
                      rng.integers(n_classes, size=n))
    return np.ascontiguousarray(labels, dtype=np.intp), pred_probs.astype(dtype)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.floats(0, 1, width=32), min_size=1, max_size=1200),
       cuts=st.lists(st.integers(0, 1200), max_size=6),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_class_means_over_any_cuts_equal_numpy_mean_bit_for_bit(values, cuts, dtype):
    values = np.array(values, dtype=dtype)
    n = len(values)
    bounds = sorted({0, n, *(cut for cut in cuts if cut < n)})
    labels = np.zeros(n, dtype=np.intp)
    total = np.array([n])
    parts = [_class_means.block_partial(labels[a:b], values[a:b], [a], total)
             for a, b in itertools.pairwise(bounds)]
    mean = _class_means.class_means(_class_means.merge(parts, total), total)[0]
    assert mean == np.mean(values) and mean.dtype == dtype


def test_class_means_refuse_a_partial_result_with_a_cut_leaf():
    values = np.linspace(0, 1, 300)
    total = np.array([300])
    part = _class_means.block_partial(np.zeros(100, dtype=np.intp), values[:100], [0], total)
    with pytest.raises(ValueError, match="still cut"):
        _class_means.class_means(part, total)


def assert_same_result(whole, blocks, rank_by):
    np.testing.assert_array_equal(blocks.thresholds, whole.thresholds)
    assert blocks.thresholds.dtype == whole.thresholds.dtype
    np.testing.assert_array_equal(blocks.confident_counts, whole.confident_counts)
    np.testing.assert_array_equal(blocks.confident_joint, whole.confident_joint)
    np.testing.assert_array_equal(blocks.issues, np.flatnonzero(whole.label_issues))
    if rank_by is not None:
        np.testing.assert_array_equal(blocks.ranked(), whole.ranked_label_issues)


@pytest.mark.parametrize("filter_by", FILTER_BY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ties", [False, True])
def test_blocks_give_the_engine_result_for_every_filter_by(filter_by, dtype, ties):
    labels, pred_probs = random_problem(3, n=900, n_classes=6, dtype=dtype, ties=ties)
    source = _blocks.ArrayBlocks(labels, pred_probs, batch_size=128)
    for rank_by in RANK_BY:
        whole = _engine.confident_learning(labels, pred_probs, filter_by=filter_by,
                                           rank_by=rank_by)
        blocks = _blocks.confident_learning(source, filter_by=filter_by, rank_by=rank_by)
        assert_same_result(whole, blocks, rank_by)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), batch_size=st.integers(1, 500), n_classes=st.integers(2, 9),
       filter_by=st.sampled_from(FILTER_BY), ties=st.booleans(),
       frac_noise=st.sampled_from([1.0, 0.5]), min_examples_per_class=st.integers(0, 30),
       multiple_confident=st.sampled_from(["argmax", "confident_argmax"]),
       adjust_pred_probs=st.booleans())
def test_blocks_give_the_engine_result_for_any_options(seed, batch_size, n_classes, filter_by,
                                                       ties, frac_noise,
                                                       min_examples_per_class,
                                                       multiple_confident, adjust_pred_probs):
    labels, pred_probs = random_problem(seed, n=50 + seed % 500, n_classes=n_classes,
                                        dtype=np.float32 if seed % 2 else np.float64, ties=ties)
    options = {"filter_by": filter_by, "frac_noise": frac_noise,
                   "min_examples_per_class": min_examples_per_class,
                   "multiple_confident": multiple_confident, "rank_by": "normalized_margin",
                   "adjust_pred_probs": adjust_pred_probs}
    whole = _engine.confident_learning(labels, pred_probs, **options)
    source = _blocks.ArrayBlocks(labels, pred_probs, batch_size=batch_size)
    assert_same_result(whole, _blocks.confident_learning(source, **options), "normalized_margin")


def test_a_given_joint_and_numbers_to_remove_are_used_as_the_engine_uses_them():
    labels, pred_probs = random_problem(5, n=600)
    joint = _engine.confident_learning(labels, pred_probs).confident_joint
    joint[0, 1] += 20
    options = {"filter_by": "both", "confident_joint": joint,
                   "num_to_remove_per_class": np.array([5, 0, 9, 3, 1])}
    whole = _engine.confident_learning(labels, pred_probs, **options)
    blocks = _blocks.confident_learning(_blocks.ArrayBlocks(labels, pred_probs, batch_size=77),
                                        **options)
    np.testing.assert_array_equal(blocks.issues, np.flatnonzero(whole.label_issues))


def test_a_class_without_examples_gets_the_engine_threshold():
    labels, pred_probs = random_problem(6, n=300, n_classes=4)
    labels[labels == 2] = 0
    whole = _engine.confident_learning(labels, pred_probs)
    blocks = _blocks.confident_learning(_blocks.ArrayBlocks(labels, pred_probs, batch_size=50))
    np.testing.assert_array_equal(blocks.thresholds, whole.thresholds)
    assert blocks.thresholds[2] == 2 and blocks.thresholds.dtype == np.float64


@pytest.mark.parametrize("method", ["self_confidence", "normalized_margin"])
@pytest.mark.parametrize("estimation_method", ["off_diagonal", "off_diagonal_calibrated"])
def test_batched_reads_a_memory_mapped_file_larger_than_a_block_exactly(
        tmp_path, method, estimation_method):
    labels, pred_probs = random_problem(7, n=3000, n_classes=7, dtype=np.float32, ties=True)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    expected = find_label_issues(labels, pred_probs, filter_by=f"low_{method}",
                                 return_indices_ranked_by=method)
    if estimation_method == "off_diagonal_calibrated":
        # The same selection, with the calibrated estimate of how many to take.
        from sklearn_noisy.count import num_label_issues
        from sklearn_noisy.rank import find_top_issues, get_label_quality_scores

        expected = find_top_issues(
            get_label_quality_scores(labels, pred_probs, method=method),
            top=num_label_issues(labels, pred_probs, estimation_method=estimation_method))
    got = find_label_issues_batched(
        labels_file=tmp_path / "labels.npy", pred_probs_file=str(tmp_path / "pred_probs.npy"),
        batch_size=256, verbose=False, quality_score_kwargs={"method": method},
        num_issue_kwargs={"estimation_method": estimation_method})
    np.testing.assert_array_equal(got, expected)
    mask = find_label_issues_batched(labels, np.load(tmp_path / "pred_probs.npy", mmap_mode="r"),
                                     batch_size=1000, verbose=False, return_mask=True,
                                     quality_score_kwargs={"method": method},
                                     num_issue_kwargs={"estimation_method": estimation_method})
    np.testing.assert_array_equal(np.flatnonzero(mask), np.sort(expected))


def test_batched_with_adjusted_scores_takes_the_lowest_adjusted_scores():
    from sklearn_noisy.count import num_label_issues
    from sklearn_noisy.rank import find_top_issues, get_label_quality_scores

    labels, pred_probs = random_problem(8, n=1500)
    scores = get_label_quality_scores(labels, pred_probs, method="normalized_margin",
                                      adjust_pred_probs=True)
    expected = find_top_issues(scores, top=num_label_issues(labels, pred_probs))
    got = find_label_issues_batched(
        labels, pred_probs, batch_size=100, verbose=False,
        quality_score_kwargs={"method": "normalized_margin", "adjust_pred_probs": True})
    np.testing.assert_array_equal(got, expected)


def test_batched_says_how_many_it_found(capsys):
    labels, pred_probs = random_problem(9, n=200)
    found = find_label_issues_batched(labels, pred_probs, batch_size=64)
    printed = capsys.readouterr().out
    assert f"Found {len(found)} label issues among 200 examples (4 blocks" in printed


@pytest.mark.parametrize("arguments, message", [
    ({}, "exactly one of labels and labels_file"),
    ({"labels": [0, 1], "labels_file": "x.npy", "pred_probs": [[1, 0], [0, 1]]},
     "exactly one of labels and labels_file"),
    ({"labels": [0, 1], "pred_probs": [[1, 0], [0, 1]], "num_issue_kwargs": {"x": 1}},
     "num_issue_kwargs accepts only estimation_method"),
    ({"labels": [0, 1], "pred_probs": [[1, 0], [0, 1]],
      "quality_score_kwargs": {"method": "normalized_margin", "colour": 1}},
     "accepts only 'adjust_pred_probs'"),
    ({"labels": [0, 1, 1], "pred_probs": [[1, 0], [0, 1]]}, "labels has 3 entries"),
    ({"labels": [0, 0, 0], "pred_probs": [[1, 0], [1, 0], [1, 0]]}, "single class"),
    ({"labels": [0, 5], "pred_probs": [[1, 0], [0, 1]]}, "found 5"),
])
def test_batched_bad_arguments_say_what_is_wrong(arguments, message):
    with pytest.raises(ValueError, match=message):
        find_label_issues_batched(**arguments, batch_size=1, verbose=False)


def test_a_bad_row_is_named_with_its_block():
    labels, pred_probs = random_problem(10, n=100)
    pred_probs[57, 0] = np.nan
    with pytest.raises(ValueError, match="starting at row 50 .*NaN or infinite values .*row 7"):
        find_label_issues_batched(labels, pred_probs, batch_size=25, verbose=False)
    assert np.isnan(pred_probs[57, 0])


# --------------------------------------------------------------------------- pair bounds


class RecordingBlocks(_blocks.ArrayBlocks):
    """Row blocks that keep what each pass shares with its tasks and what they return."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passes = []

    def map_reduce(self, func, combine, shared=(), per_block=None, finish=None):
        parts = []

        def recorded(*args):
            parts.append(func(*args))
            return parts[-1]

        result = super().map_reduce(recorded, combine, shared, per_block, finish)
        self.passes.append({"func": func.__name__ if hasattr(func, "__name__") else func.func,
                            "shared": shared, "parts": parts, "result": result})
        return result

    def of(self, name):
        return next(record for record in self.passes if record["func"] == name)


def best_keys_per_pair(labels, pred_probs, quota):
    """Each pair's sorted margin keys over the whole data (the engine's order)."""
    keys = {}
    for k, j in zip(*np.nonzero(quota)):
        if k != j:
            rows = np.flatnonzero(labels == k)
            keys[k, j] = np.sort(-(pred_probs[rows, j] - pred_probs[rows, k]).astype(np.float64))
    return keys


@pytest.mark.parametrize("subset_per_row", [1, 2, 100])
@pytest.mark.parametrize("ties", [False, True])
def test_each_pair_bound_is_at_or_below_its_mth_largest_margin(monkeypatch, subset_per_row,
                                                              ties):
    monkeypatch.setattr(_pair_bounds, "SUBSET_PER_ROW", subset_per_row)
    labels, pred_probs = random_problem(11, n=800, n_classes=7, dtype=np.float32, ties=ties)
    source = RecordingBlocks(labels, pred_probs, batch_size=90)
    _blocks.confident_learning(source, filter_by="prune_by_noise_rate")
    quota = source.of("candidates_block")["shared"][0].quota
    bounds = source.of("bounds_block")["result"]
    exact = best_keys_per_pair(labels, pred_probs, quota.to_dense())
    n_bounded = 0
    for group, (pair, amount) in enumerate(zip(quota.pairs, quota.amounts)):
        k, j = divmod(int(pair), quota.n_classes)
        if k == j:
            continue
        keys = exact[k, j]
        if amount >= len(keys):
            assert bounds[group] == np.inf
            continue
        # No margin that the engine picks is beyond the bound ...
        assert keys[amount - 1] <= bounds[group]
        if subset_per_row >= quota.n_classes and keys[amount - 1] < 0:
            # ... and when the mth margin is positive and every positive margin is in the
            # subset, the bound is the mth margin itself.
            assert bounds[group] == keys[amount - 1]
        n_bounded += np.isfinite(bounds[group])
    assert n_bounded > 0


def test_with_exact_bounds_the_candidates_are_the_quota_plus_ties(monkeypatch):
    """Distinct margins and every margin in the subset: each pair's candidates over all the
    blocks are exactly its quota, however small the blocks (no fan-out)."""
    monkeypatch.setattr(_pair_bounds, "SUBSET_PER_ROW", 100)
    labels, pred_probs = random_problem(12, n=1000, n_classes=8)
    source = RecordingBlocks(labels, pred_probs, batch_size=16)
    _blocks.confident_learning(source, filter_by="prune_by_noise_rate")
    options = source.of("candidates_block")["shared"][0]
    quota = options.quota
    n_rows = np.bincount(labels, minlength=8)
    off_diagonal = ~quota.is_by_class(np.arange(len(quota.pairs)))
    expected = np.minimum(quota.amounts, n_rows[quota.pairs // 8])[off_diagonal]
    got = np.zeros(len(quota.pairs), dtype=int)
    for start in range(0, len(labels), 16):
        block = slice(start, start + 16)
        for group, _, _ in _pair_bounds.candidate_parts(
                labels[block], pred_probs[block], quota, options.bounds,
                options.class_bounds, noise_rate=True, by_class=False):
            np.add.at(got, group, 1)
    np.testing.assert_array_equal(got[off_diagonal], expected)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), batch_size=st.integers(1, 300), n_classes=st.integers(2, 12),
       subset_per_row=st.integers(1, 4), filter_by=st.sampled_from(
           ["prune_by_noise_rate", "both"]), ties=st.booleans())
def test_any_subset_size_gives_the_engine_selection(seed, batch_size, n_classes, subset_per_row,
                                                    filter_by, ties):
    """A loose bound, or none (a pair whose quota the subset does not fill), changes only
    how many candidates there are, never the issues."""
    labels, pred_probs = random_problem(seed, n=40 + seed % 400, n_classes=n_classes,
                                        dtype=np.float32 if seed % 2 else np.float64, ties=ties)
    whole = _engine.confident_learning(labels, pred_probs, filter_by=filter_by,
                                       rank_by="self_confidence")
    original = _pair_bounds.SUBSET_PER_ROW
    _pair_bounds.SUBSET_PER_ROW = subset_per_row
    try:
        blocks = _blocks.confident_learning(
            _blocks.ArrayBlocks(labels, pred_probs, batch_size=batch_size),
            filter_by=filter_by, rank_by="self_confidence")
    finally:
        _pair_bounds.SUBSET_PER_ROW = original
    assert_same_result(whole, blocks, "self_confidence")


def test_tied_margins_at_the_bound_go_to_the_smaller_index_across_blocks():
    """Class 0 has six rows with the same margin toward class 1 and a quota of 3 there: the
    three smallest indices are picked however the tied rows are spread over blocks, and the
    pair's bound is their common margin."""
    pred_probs = np.array([[0.3, 0.6, 0.1]] * 6 + [[0.9, 0.05, 0.05]] * 6
                          + [[0.05, 0.9, 0.05]] * 6 + [[0.05, 0.05, 0.9]] * 6, dtype=np.float32)
    labels = np.array([0] * 12 + [1] * 6 + [2] * 6)
    order = np.random.default_rng(0).permutation(24)
    pred_probs, labels = pred_probs[order], labels[order]
    joint = np.array([[9, 3, 0], [0, 6, 0], [0, 0, 6]])
    whole = _engine.confident_learning(labels, pred_probs, filter_by="prune_by_noise_rate",
                                       confident_joint=joint)
    tied = np.flatnonzero((labels == 0) & (pred_probs[:, 1] == 0.6))
    np.testing.assert_array_equal(np.flatnonzero(whole.label_issues), tied[:3])
    for batch_size in (1, 2, 5, 24):
        source = RecordingBlocks(labels, pred_probs, batch_size=batch_size)
        blocks = _blocks.confident_learning(source, filter_by="prune_by_noise_rate",
                                            confident_joint=joint)
        np.testing.assert_array_equal(blocks.issues, tied[:3])
        bounds = source.of("bounds_block")["result"]
        assert bounds[1] == -np.float64(np.float32(0.6) - np.float32(0.3))


def test_what_the_tasks_share_and_return_is_sparse_in_the_classes():
    """2,000 classes and 600 rows: the quota, the bounds and every partial result are lists
    of the nonzero pairs, far smaller than one K x K matrix (32 MB of int64)."""
    import pickle

    n_classes = 2000
    rng = np.random.default_rng(13)
    truth = rng.integers(n_classes, size=600)
    pred_probs = rng.random((600, n_classes)) * 1e-3
    pred_probs[np.arange(600), truth] += 1
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    labels = np.where(rng.random(600) < 0.8, truth, rng.integers(n_classes, size=600))
    source = RecordingBlocks(labels, pred_probs, batch_size=100)
    blocks = _blocks.confident_learning(source, filter_by="both", rank_by="self_confidence")
    whole = _engine.confident_learning(labels, pred_probs, filter_by="both",
                                       rank_by="self_confidence")
    assert_same_result(whole, blocks, "self_confidence")
    for record in source.passes:
        for value in [record["shared"], record["result"], *record["parts"]]:
            assert len(pickle.dumps(value)) < 200_000, record["func"]


def test_sparse_quota_lists_the_nonzero_pairs_by_class():
    quota = np.array([[2, 0, 5], [0, 0, 0], [1, 3, 0]])
    sparse = _pair_bounds.SparseQuota.from_dense(quota)
    np.testing.assert_array_equal(sparse.pairs, [0, 2, 6, 7])
    np.testing.assert_array_equal(sparse.amounts, [2, 5, 1, 3])
    np.testing.assert_array_equal(sparse.to_dense(), quota)
    groups, columns, by_class = sparse.groups_of(0)
    assert groups.tolist() == [1] and columns.tolist() == [2] and by_class == 0
    groups, columns, by_class = sparse.groups_of(2)
    assert groups.tolist() == [2, 3] and columns.tolist() == [0, 1] and by_class is None
    assert [len(part) for part in sparse.groups_of(1)[:2]] == [0, 0]
    assert sparse.is_by_class(np.arange(4)).tolist() == [True, False, False, False]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), n_classes=st.integers(2, 6),
       dtype=st.sampled_from([np.float32, np.float64]), step=st.sampled_from([0, 1e-6, 5e-7]))
def test_label_near_argmax_is_the_confident_pass_bit(seed, n_classes, dtype, step):
    """Rows whose label is within about 1e-6 of the argmax, below, equal or above it."""
    labels, pred_probs = random_problem(seed, n=300, n_classes=n_classes, dtype=dtype, ties=True)
    rows = np.arange(len(labels))
    top = pred_probs.max(axis=1)
    pred_probs[rows, labels] = np.where(rows % 3 == 0, top - dtype(step), pred_probs[rows, labels])
    thresholds = _engine.thresholds_from_groups(_engine.group_labels(labels, pred_probs))
    _, _, agreement = _engine.confident_counts(labels, pred_probs, thresholds)
    np.testing.assert_array_equal(_blocks.label_near_argmax(labels, pred_probs),
                                  (agreement & LABEL_NEAR_ARGMAX) != 0)
