"""The private engine: one pass gives what the public functions give; its partial results
over row blocks combine to the whole; and the package's structure stays layered."""

import ast
import itertools
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_noisy import _engine
from sklearn_noisy._validation import FILTER_BY, RANK_BY
from sklearn_noisy.count import compute_confident_joint, get_confident_thresholds
from sklearn_noisy.filter import find_label_issues
from sklearn_noisy.rank import get_label_quality_scores

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "sklearn_noisy"


def random_problem(seed, n=400, n_classes=5, dtype=np.float64):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, n_classes)) * 2
    pred_probs = np.exp(logits)
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n) < 0.7, pred_probs.argmax(axis=1),
                      rng.integers(n_classes, size=n))
    return np.ascontiguousarray(labels, dtype=np.intp), pred_probs.astype(dtype)


@pytest.mark.parametrize("filter_by", FILTER_BY)
@pytest.mark.parametrize("rank_by", RANK_BY)
def test_one_pass_gives_what_each_public_function_gives(filter_by, rank_by):
    labels, pred_probs = random_problem(0)
    result = _engine.confident_learning(labels, pred_probs, filter_by=filter_by, rank_by=rank_by)
    np.testing.assert_array_equal(result.confident_joint,
                                  compute_confident_joint(labels, pred_probs))
    np.testing.assert_array_equal(result.thresholds, get_confident_thresholds(labels, pred_probs))
    np.testing.assert_array_equal(result.label_issues,
                                  find_label_issues(labels, pred_probs, filter_by=filter_by))
    np.testing.assert_array_equal(result.quality_scores,
                                  get_label_quality_scores(labels, pred_probs, method=rank_by))
    np.testing.assert_array_equal(
        result.ranked_label_issues,
        find_label_issues(labels, pred_probs, filter_by=filter_by,
                          return_indices_ranked_by=rank_by),
    )
    np.testing.assert_array_equal(result.label_counts, np.bincount(labels, minlength=5))


def test_only_what_is_asked_for_is_computed():
    labels, pred_probs = random_problem(1)
    result = _engine.confident_learning(labels, pred_probs)
    assert result.label_issues is None
    assert result.quality_scores is None and result.ranked_label_issues is None


def test_a_clean_class_has_no_issues_and_no_noise():
    labels, pred_probs = random_problem(2)
    result = _engine.confident_learning(labels, pred_probs, clean_class=1,
                                        filter_by="confident_learning")
    assert not np.any(result.label_issues[labels == 1])
    assert np.any(result.label_issues[labels != 1])
    row = result.confident_joint[1]
    assert row.sum() == np.count_nonzero(labels == 1) and row[1] == row.sum()


def test_the_quota_flags_each_off_diagonal_count_and_the_rest_of_each_class():
    joint = np.array([[50, 5, 5], [3, 40, 7], [2, 2, 46]])
    label_counts = joint.sum(axis=1)
    quota = _engine.pruning_quota(joint, label_counts)
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_array_equal(quota[off], joint[off])
    # Prune by class: each class's examples beyond those the joint counts as correct.
    np.testing.assert_array_equal(np.diagonal(quota), [10, 10, 4])


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.sampled_from([0.1, 0.2, 0.3, 0.5]), min_size=0, max_size=40),
       count=st.integers(-1, 45))
def test_smallest_takes_the_lowest_values_smaller_index_first(values, count):
    values = np.array(values)
    expected = np.argsort(values, kind="stable")[:max(count, 0)]
    np.testing.assert_array_equal(np.sort(_engine.smallest(values, count)), np.sort(expected))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), n_blocks=st.integers(1, 6),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_partial_results_over_row_blocks_combine_to_the_whole(seed, n_blocks, dtype):
    labels, pred_probs = random_problem(seed, n=int(50 + seed % 300), dtype=dtype)
    whole = _engine.confident_learning(labels, pred_probs)
    bounds = np.linspace(0, len(labels), n_blocks + 1).astype(int)
    blocks = list(itertools.pairwise(bounds))
    # Thresholds: per-class counts and sums add up (the means agree to rounding).
    counts = sums = 0
    for start, stop in blocks:
        c, s = _engine.class_sums(labels[start:stop],
                                  pred_probs[np.arange(start, stop), labels[start:stop]], 5)
        counts, sums = counts + c, sums + s
    present = counts > 0
    np.testing.assert_allclose((sums / np.maximum(counts, 1))[present],
                               whole.thresholds[present], rtol=1e-5)
    # The confident counts of the blocks, with the whole's thresholds, add up exactly.
    total = sum(
        _engine.confident_counts(labels[start:stop], pred_probs[start:stop],
                                 whole.thresholds)[0]
        for start, stop in blocks
    )
    np.testing.assert_array_equal(total, whole.confident_counts)


# --- structure ------------------------------------------------------------------------------


def imports_of(path):
    """(module imported relative to the package, names) of each relative import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def test_no_public_module_imports_a_private_name_from_another_public_module():
    for path in PACKAGE.glob("*.py"):
        for module, names in imports_of(path):
            if module and not module.startswith("_"):
                private = [name for name in names if name.startswith("_")]
                assert not private, f"{path.name} imports {private} from .{module}"


def test_the_modules_import_each_other_without_a_cycle():
    graph = {}
    for path in PACKAGE.glob("*.py"):
        targets = set()
        for module, names in imports_of(path):
            targets.update([module] if module else names)
        graph[path.stem] = {t for t in targets if (PACKAGE / f"{t}.py").exists()}
    graph.pop("__init__")
    state = {}

    def visit(node, trail):
        if state.get(node) == "done":
            return
        assert state.get(node) != "open", f"import cycle: {' -> '.join([*trail, node])}"
        state[node] = "open"
        for target in graph.get(node, ()):
            visit(target, [*trail, node])
        state[node] = "done"

    for node in graph:
        visit(node, [])


def test_the_engine_imports_only_numpy_and_the_kernels():
    for module, _ in imports_of(PACKAGE / "_engine.py"):
        assert (PACKAGE / f"{module}.pyx").exists(), module
    top = [n.names[0].name for n in ast.parse((PACKAGE / "_engine.py").read_text()).body
           if isinstance(n, ast.Import)]
    assert top == ["numpy"]


def test_every_public_module_is_reachable_after_importing_the_package():
    code = "import sklearn_noisy as s; print(s.multilabel.find_label_issues.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "find_label_issues"


def brute_force_flags(pred_probs, labels, quota):
    """The selection by sorting each candidate list: ties to the smaller index."""
    flags = np.zeros(len(labels), dtype=np.uint8)
    for k in range(pred_probs.shape[1]):
        rows = np.flatnonzero(labels == k)
        for j in range(pred_probs.shape[1]):
            take = min(quota[k, j], len(rows))
            if take <= 0:
                continue
            if j == k:
                key, bit = pred_probs[rows, k], _engine.PRUNED_BY_CLASS
            else:
                key, bit = -(pred_probs[rows, j] - pred_probs[rows, k]), _engine.PRUNED_BY_NOISE_RATE
            flags[rows[np.lexsort((rows, key))[:take]]] |= bit
    return flags


def assert_selection_is_brute_force(pred_probs, labels, quota):
    from sklearn_noisy._selection import prune_flags

    groups = _engine.group_labels(labels, pred_probs)
    agreement = np.where(pred_probs.argmax(axis=1) == labels, _engine.LABEL_IS_ARGMAX,
                         0).astype(np.uint8)
    got = prune_flags(pred_probs, groups.order, groups.offsets, quota, agreement, 1)
    np.testing.assert_array_equal(got, brute_force_flags(pred_probs, labels, quota))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**16), n_classes=st.integers(2, 5),
       dtype=st.sampled_from([np.float32, np.float64]), by_class=st.booleans())
def test_the_selection_kernel_equals_sorting_even_with_many_ties(seed, n_classes, dtype,
                                                                 by_class):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    # Few distinct values: many exact ties, and many rows whose label is the argmax.
    pred_probs = rng.choice([0.0, 0.125, 0.25, 0.5], size=(n, n_classes)).astype(dtype)
    labels = rng.integers(n_classes, size=n).astype(np.intp)
    quota = rng.integers(0, 6, size=(n_classes, n_classes)).astype(np.intp)
    if not by_class:
        np.fill_diagonal(quota, 0)
    assert_selection_is_brute_force(pred_probs, labels, quota)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.sampled_from([0.0, -0.0, 0.25, 1e-30, -1.5, 1.0, np.inf, -np.inf,
                                         np.nan]) | st.floats(width=32), max_size=60),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_stable_argsort_is_numpys_stable_argsort(values, dtype):
    values = np.array(values, dtype=dtype)
    np.testing.assert_array_equal(_engine.stable_argsort(values),
                                  np.argsort(values, kind="stable"))



@given(values=st.lists(st.integers(-3, 3), max_size=40),
       dtype=st.sampled_from([np.int8, np.int64, np.uint16]))
def test_stable_argsort_of_integers_keeps_ties_in_index_order(values, dtype):
    values = np.abs(np.array(values, dtype=np.int64)).astype(dtype)
    np.testing.assert_array_equal(_engine.stable_argsort(values),
                                  np.argsort(values, kind="stable"))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n_classes=st.integers(129, 300),
       dtype=st.sampled_from([np.float32, np.float64]))
def test_the_selection_kernel_equals_sorting_over_many_classes(seed, n_classes, dtype):
    # Over many classes the kernel searches a row's margins block by block; a few crowded
    # classes with small quotas on scattered pairs make every pair's choice matter.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 400))
    pred_probs = rng.choice([0.0, 0.001, 0.002, 0.004], size=(n, n_classes)).astype(dtype)
    labels = rng.integers(3, size=n).astype(np.intp)
    quota = np.where(rng.random((n_classes, n_classes)) < 0.05,
                     rng.integers(1, 4, size=(n_classes, n_classes)), 0).astype(np.intp)
    np.fill_diagonal(quota, 0)
    assert_selection_is_brute_force(pred_probs, labels, quota)
