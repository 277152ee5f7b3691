"""The thread count: how it is resolved, and that results never depend on it."""

import os
import subprocess
import sys

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
def test_results_do_not_depend_on_n_jobs(many_rows_with_ties, n_jobs):
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
    cores = min(os.cpu_count() or 1, effective_n_threads(-1))
    assert effective_n_threads(None) == cores
    assert effective_n_threads(-2) == max(1, cores - 1)
    assert effective_n_threads(-1000) == 1
    assert effective_n_threads(3) == 3


@needs_openmp
def test_threadpoolctl_limit_is_respected():
    with threadpool_limits(1, user_api="openmp"):
        assert effective_n_threads(None) == 1
        assert effective_n_threads(-1) == 1
        # An explicit count is taken as it is.
        assert effective_n_threads(2) == 2


@needs_openmp
def test_omp_num_threads_is_respected():
    code = "from sklearn_noisy._threads import effective_n_threads; print(effective_n_threads())"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "1"


def test_zero_threads_are_refused():
    with pytest.raises(ValueError, match="n_jobs == 0 is not allowed"):
        effective_n_threads(0)
