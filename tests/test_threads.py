"""The thread count: how it is resolved, and that results never depend on it."""

import os
import subprocess
import sys

import joblib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_limits

from sklearn_noisy import _threads
from sklearn_noisy._validation import FILTER_BY, RANK_BY
from sklearn_noisy.count import (
    compute_confident_joint,
    estimate_py_and_noise_matrices_from_probabilities,
    get_confident_thresholds,
    num_label_issues,
)
from sklearn_noisy.filter import find_label_issues
from sklearn_noisy.rank import get_label_quality_scores, order_label_issues

effective_n_threads = _threads.effective_n_threads
needs_openmp = pytest.mark.skipif(not _threads.openmp_enabled(), reason="built without OpenMP")


@pytest.fixture(autouse=True)
def parallel_even_when_small(monkeypatch):
    """Small inputs normally run on one thread; these tests need the parallel kernels."""
    monkeypatch.setattr(_threads, "MIN_PARALLEL_SIZE", 0)


@pytest.fixture
def four_cores(monkeypatch):
    """Let n_jobs up to 4 run that many threads, even on a machine with fewer cores."""
    monkeypatch.setattr(_threads, "cpu_count", lambda: 4)


@needs_openmp
def test_small_inputs_run_on_one_thread(monkeypatch):
    monkeypatch.setattr(_threads, "MIN_PARALLEL_SIZE", 1000)
    assert _threads.kernel_threads(2, np.zeros((10, 99))) == 1
    assert _threads.kernel_threads(2, np.zeros((10, 100))) == 2


def all_results(labels, pred_probs, n_jobs):
    """Every output of the functional core on one input, as a flat list of arrays."""
    out = [get_confident_thresholds(labels, pred_probs, n_jobs=n_jobs)]
    for rule in ("argmax", "confident_argmax"):
        out.extend(compute_confident_joint(labels, pred_probs, calibrate=False,
                                           return_indices_of_off_diagonals=True,
                                           multiple_confident=rule, n_jobs=n_jobs))
    out.extend(estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs,
                                                                 n_jobs=n_jobs))
    for method in ("off_diagonal", "off_diagonal_calibrated"):
        out.append(np.array(num_label_issues(labels, pred_probs, estimation_method=method,
                                             n_jobs=n_jobs)))
    for filter_by in FILTER_BY:
        out.append(find_label_issues(labels, pred_probs, filter_by=filter_by, n_jobs=n_jobs))
        frac_noise = 0.4 if filter_by in ("prune_by_noise_rate", "prune_by_class", "both") else 1
        out.append(find_label_issues(labels, pred_probs, filter_by=filter_by, frac_noise=frac_noise,
                                     return_indices_ranked_by="normalized_margin",
                                     n_jobs=n_jobs))
    for method in RANK_BY:
        out.append(get_label_quality_scores(labels, pred_probs, method=method, n_jobs=n_jobs))
    out.append(get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True,
                                        n_jobs=n_jobs))
    out.append(order_label_issues(labels % 2 == 0, labels, pred_probs, n_jobs=n_jobs))
    return out


def assert_same_results(first, second):
    assert len(first) == len(second)
    for a, b in zip(first, second):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.fixture(scope="module", params=[np.float32, np.float64])
def many_rows_with_ties(request):
    """5000 rows (several blocks of 1024 per thread), 12 classes, and many exact duplicates."""
    rng = np.random.default_rng(7)
    n_samples, n_classes = 5000, 12
    labels = rng.integers(0, n_classes, n_samples)
    pred_probs = rng.dirichlet(np.full(n_classes, 0.4), n_samples)
    pred_probs[np.arange(n_samples), rng.integers(0, n_classes, n_samples)] += 1.0
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    duplicated = rng.choice(n_samples, 800, replace=False)
    pred_probs[duplicated] = pred_probs[duplicated[0]]
    labels[duplicated[:400]] = labels[duplicated[0]]
    pred_probs = pred_probs.astype(request.param)
    labels.setflags(write=False)
    pred_probs.setflags(write=False)
    return labels, pred_probs, all_results(labels, pred_probs, n_jobs=1)


@pytest.mark.parametrize("n_jobs", [2, 3, None, -1])
def test_results_do_not_depend_on_n_jobs(many_rows_with_ties, n_jobs, four_cores):
    labels, pred_probs, single = many_rows_with_ties
    assert_same_results(all_results(labels, pred_probs, n_jobs=n_jobs), single)


@needs_openmp
def test_results_do_not_depend_on_an_openmp_limit(many_rows_with_ties):
    labels, pred_probs, single = many_rows_with_ties
    with threadpool_limits(1, user_api="openmp"):
        assert effective_n_threads() == 1
        limited = all_results(labels, pred_probs, n_jobs=None)
    assert_same_results(limited, single)


@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_random_problems_give_the_same_results_on_one_and_two_threads(data, problem_drawer):
    labels, pred_probs = problem_drawer(data, sizes=("small", "medium", "large"))
    assert_same_results(all_results(labels, pred_probs, n_jobs=2),
                        all_results(labels, pred_probs, n_jobs=1))


# --- resolving n_jobs ---------------------------------------------------------------------------


@needs_openmp
def test_n_jobs_resolution():
    cores = min(joblib.cpu_count(), effective_n_threads(-1))
    assert effective_n_threads(None) == cores
    assert effective_n_threads(-2) == max(1, cores - 1)
    assert effective_n_threads(-1000) == 1
    assert effective_n_threads(-(2**70)) == 1
    assert effective_n_threads(np.int64(-1)) == cores
    assert effective_n_threads(1) == 1


@needs_openmp
def test_positive_n_jobs_is_capped_at_the_available_cores(monkeypatch):
    monkeypatch.setattr(_threads, "cpu_count", lambda: 3)
    assert [effective_n_threads(n) for n in (1, 2, 3, 4)] == [1, 2, 3, 3]
    assert effective_n_threads(2**31) == 3
    assert effective_n_threads(np.uint64(2**64 - 1)) == 3
    assert effective_n_threads(10**30) == 3


@needs_openmp
def test_threadpoolctl_limit_is_respected():
    with threadpool_limits(1, user_api="openmp"):
        assert effective_n_threads(None) == 1
        assert effective_n_threads(-1) == 1
        # An explicit count is taken as it is, up to the cores available.
        assert effective_n_threads(2) == min(2, joblib.cpu_count())


def _threads_in_a_subprocess(env):
    code = "from sklearn_noisy._threads import effective_n_threads; print(effective_n_threads())"
    result = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                            capture_output=True, text=True, check=True, timeout=120)
    return int(result.stdout)


@needs_openmp
def test_omp_num_threads_is_respected():
    assert _threads_in_a_subprocess({"OMP_NUM_THREADS": "1"}) == 1


@needs_openmp
def test_the_default_counts_the_cpus_joblib_counts():
    # joblib.cpu_count() reads the container's CPU quota (cgroups) and the process's CPU
    # affinity; its LOKY_MAX_CPU_COUNT variable lowers it the same way, and os.cpu_count()
    # ignores all three.
    env = {"LOKY_MAX_CPU_COUNT": "1"}
    env.pop("OMP_NUM_THREADS", None)
    assert _threads_in_a_subprocess(env) == 1


def test_zero_threads_are_refused():
    with pytest.raises(ValueError, match="n_jobs == 0 is not allowed"):
        effective_n_threads(0)


NOT_INTEGERS = [True, False, np.bool_(True), 2.0, 1e10, float("inf"), float("nan"), "2", [2],
                (2,), np.float64(2), 2 + 0j]


@pytest.mark.parametrize("n_jobs", NOT_INTEGERS, ids=repr)
def test_n_jobs_that_is_not_an_integer_is_refused_naming_n_jobs(n_jobs):
    with pytest.raises(TypeError, match="n_jobs must be None or an integer"):
        effective_n_threads(n_jobs)


@pytest.mark.parametrize("size", [1, 10**6])
@pytest.mark.parametrize("n_jobs", [0, 2.5, "2"], ids=repr)
def test_kernel_threads_checks_n_jobs_whatever_the_size(monkeypatch, size, n_jobs):
    monkeypatch.setattr(_threads, "MIN_PARALLEL_SIZE", 1000)
    with pytest.raises((TypeError, ValueError), match="n_jobs"):
        _threads.kernel_threads(n_jobs, np.empty(size, dtype=np.uint8))


@pytest.mark.parametrize("n_jobs", [1e10, float("nan"), "x", [2], True])
def test_public_functions_refuse_a_bad_n_jobs_on_small_input(n_jobs):
    labels, pred_probs = np.array([0, 1, 1]), np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    with pytest.raises((TypeError, ValueError), match="n_jobs"):
        find_label_issues(labels, pred_probs, n_jobs=n_jobs)
    with pytest.raises((TypeError, ValueError), match="n_jobs"):
        get_label_quality_scores(labels, pred_probs, n_jobs=n_jobs)


# --- fork safety ----------------------------------------------------------------------------------

FORK_SCRIPT = """
import multiprocessing, sys
import numpy as np
from sklearn_noisy import _threads
from sklearn_noisy.filter import find_label_issues

rng = np.random.default_rng(0)
# 240,000 entries: above MIN_PARALLEL_SIZE, so the kernels run on several threads.
pred_probs = rng.dirichlet(np.ones(12), size=20_000)
labels = rng.integers(0, 12, size=20_000)
expected = find_label_issues(labels, pred_probs, n_jobs=2)

def child():
    same = np.array_equal(find_label_issues(labels, pred_probs, n_jobs=2), expected)
    sys.exit(0 if same and _threads.effective_n_threads(2) == 1 else 1)

process = multiprocessing.get_context("fork").Process(target=child)
process.start()
process.join(60)
if process.is_alive():
    process.kill()
    print("the forked child hung")
    sys.exit(3)
print("exit", process.exitcode, "parent threads", _threads.effective_n_threads(2))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_runs_the_kernels_single_threaded_instead_of_hanging():
    env = {key: value for key, value in os.environ.items() if key != "OMP_NUM_THREADS"}
    result = subprocess.run([sys.executable, "-c", FORK_SCRIPT], env=env, capture_output=True,
                            text=True, timeout=180, check=False)
    parent_threads = min(2, joblib.cpu_count()) if _threads.openmp_enabled() else 1
    assert result.stdout.split() == ["exit", "0", "parent", "threads", str(parent_threads)], (
        result.stdout + result.stderr)
