"""dask arrays are computed where they live and give the in-memory results exactly, on the
threaded scheduler and on a two-process local cluster; the calling process never holds the
array; cross-validation runs on joblib's dask backend; without dask nothing imports it."""

import json
import pathlib
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification

from sklearn_noisy import ConfidentLearningClassifier, LabelPruner, NoiseEstimator, count, rank
from sklearn_noisy import filter as filter_
from sklearn_noisy._validation import FILTER_BY, RANK_BY

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")


def random_problem(seed, n=700, n_classes=6, dtype=np.float32):
    """Probabilities in steps of 1/16, so that many probabilities and margins tie exactly;
    30% of the labels drawn at random."""
    rng = np.random.default_rng(seed)
    pred_probs = (rng.multinomial(16, rng.dirichlet(np.ones(n_classes)), size=n) / 16)
    labels = np.where(rng.random(n) < 0.7, pred_probs.argmax(axis=1),
                      rng.integers(n_classes, size=n))
    return labels, pred_probs.astype(dtype)


def as_dask(labels, pred_probs):
    """Blocks of labels and rows that do not line up, and two column blocks."""
    return (da.from_array(labels, chunks=97),
            da.from_array(pred_probs, chunks=(130, pred_probs.shape[1] // 2)))


def assert_same(expected, got):
    if isinstance(expected, tuple):
        assert len(expected) == len(got)
        for one, other in zip(expected, got):
            assert_same(one, other)
        return
    assert isinstance(got, (np.ndarray, int, np.integer)), type(got)
    np.testing.assert_array_equal(got, expected)
    assert np.asarray(got).dtype == np.asarray(expected).dtype


# --------------------------------------------------------------------------- threads


@pytest.fixture
def threads():
    with dask.config.set(scheduler="threads"):
        yield


@pytest.mark.usefixtures("threads")
def test_verbose_prints_what_the_in_memory_call_prints(capsys):
    labels, pred_probs = random_problem(1)
    filter_.find_label_issues(labels, pred_probs, verbose=True)
    in_memory = capsys.readouterr().out
    filter_.find_label_issues(*as_dask(labels, pred_probs), verbose=True)
    assert capsys.readouterr().out == in_memory
    assert in_memory.startswith("Found ")


@pytest.mark.usefixtures("threads")
@pytest.mark.parametrize("filter_by", FILTER_BY)
def test_every_filter_by_gives_the_in_memory_mask_and_ranking(filter_by):
    labels, pred_probs = random_problem(0)
    dask_labels, dask_pred_probs = as_dask(labels, pred_probs)
    mask = filter_.find_label_issues(dask_labels, dask_pred_probs, filter_by=filter_by)
    assert isinstance(mask, da.Array) and mask.chunks[0] == (130,) * 5 + (50,)
    np.testing.assert_array_equal(mask.compute(),
                                  filter_.find_label_issues(labels, pred_probs,
                                                            filter_by=filter_by))
    for rank_by in RANK_BY:
        assert_same(filter_.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                              return_indices_ranked_by=rank_by),
                    filter_.find_label_issues(dask_labels, dask_pred_probs,
                                              filter_by=filter_by,
                                              return_indices_ranked_by=rank_by))


@pytest.mark.usefixtures("threads")
def test_the_count_functions_give_the_in_memory_results():
    labels, pred_probs = random_problem(1, dtype=np.float64)
    dask_labels, dask_pred_probs = as_dask(labels, pred_probs)
    joint = count.compute_confident_joint(labels, pred_probs, calibrate=False)
    for function, arguments in [
        (count.get_confident_thresholds, {}),
        (count.compute_confident_joint, {"return_indices_of_off_diagonals": True}),
        (count.compute_confident_joint, {"calibrate": False, "min_diagonal": 0,
                                         "threshold_tolerance": 0,
                                         "multiple_confident": "confident_argmax"}),
        (count.compute_confident_joint, {"thresholds": np.full(6, 0.3)}),
        (count.estimate_joint, {}),
        (count.estimate_py_and_noise_matrices_from_probabilities, {}),
        (count.num_label_issues, {}),
        (count.num_label_issues, {"estimation_method": "off_diagonal_calibrated"}),
        (count.num_label_issues, {"estimation_method": "off_diagonal_custom",
                                  "confident_joint": joint}),
    ]:
        assert_same(function(labels, pred_probs, **arguments),
                    function(dask_labels, dask_pred_probs, **arguments))
    assert_same(count.calibrate_confident_joint(joint, labels),
                count.calibrate_confident_joint(joint, dask_labels))
    assert_same(count.estimate_latent(joint, labels), count.estimate_latent(joint, dask_labels))


@pytest.mark.usefixtures("threads")
def test_the_rank_functions_give_the_in_memory_results():
    labels, pred_probs = random_problem(2)
    dask_labels, dask_pred_probs = as_dask(labels, pred_probs)
    for method in RANK_BY:
        scores = rank.get_label_quality_scores(dask_labels, dask_pred_probs, method=method)
        assert isinstance(scores, da.Array) and scores.chunks[0] == dask_pred_probs.chunks[0]
        assert_same(rank.get_label_quality_scores(labels, pred_probs, method=method),
                    scores.compute())
    adjusted = {"method": "normalized_margin", "adjust_pred_probs": True}
    assert_same(rank.get_label_quality_scores(labels, pred_probs, **adjusted),
                rank.get_label_quality_scores(dask_labels, dask_pred_probs, **adjusted).compute())
    mask = filter_.find_label_issues(labels, pred_probs)
    assert_same(rank.order_label_issues(mask, labels, pred_probs),
                rank.order_label_issues(da.from_array(mask, chunks=50), dask_labels,
                                        dask_pred_probs))
    scores = rank.get_label_quality_scores(labels, pred_probs)
    for top in (0, 37, None):
        assert_same(rank.find_top_issues(scores, top=top),
                    rank.find_top_issues(da.from_array(scores, chunks=33), top=top))


@pytest.mark.usefixtures("threads")
def test_numpy_labels_with_dask_pred_probs_and_any_options():
    labels, pred_probs = random_problem(3)
    options = {"filter_by": "both", "frac_noise": 0.5, "num_to_remove_per_class": 4,
               "min_examples_per_class": 20, "return_indices_ranked_by": "normalized_margin",
               "rank_by_kwargs": {"adjust_pred_probs": True}}
    assert_same(filter_.find_label_issues(labels, pred_probs, **options),
                filter_.find_label_issues(labels, da.from_array(pred_probs, chunks=64),
                                          **options))


@pytest.mark.usefixtures("threads")
def test_bad_dask_input_says_what_is_wrong():
    labels, pred_probs = random_problem(4)
    dask_labels, dask_pred_probs = as_dask(labels, pred_probs)
    with pytest.raises(ValueError, match="multi_label=True does not take dask arrays"):
        filter_.find_label_issues(dask_labels, dask_pred_probs, multi_label=True)
    with pytest.raises(ValueError, match="labels has 699 entries"):
        filter_.find_label_issues(dask_labels[1:], dask_pred_probs)
    unknown = dask_pred_probs[dask_pred_probs[:, 0] >= 0]
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        count.compute_confident_joint(dask_labels, unknown)
    bad = pred_probs.copy()
    bad[300, 1] = -1
    with pytest.raises(ValueError, match="starting at row 260 .*negative values .*row 40"):
        count.compute_confident_joint(dask_labels, da.from_array(bad, chunks=(130, 6)))
    with pytest.raises(ValueError, match="single class"):
        filter_.find_label_issues(da.zeros(10, dtype=int, chunks=3),
                                  da.from_array(np.eye(10, 3)[:, [0, 1, 2]][:, :2] * 0 + 0.5,
                                                chunks=4))


# --------------------------------------------------------------------------- a local cluster


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        # The scheduler's HTTP server listens on loopback, on port 8787 or, if another cluster
        # of the machine holds it, on another port; the warning about that is not ours.
        warnings.filterwarnings("ignore", "Port .* is already in use")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        yield client


def test_a_cluster_gives_the_in_memory_results_of_every_filter_by(client):
    labels, pred_probs = random_problem(5, n=2000, n_classes=8)
    dask_labels = da.from_array(labels, chunks=300)
    dask_pred_probs = da.from_array(pred_probs, chunks=(250, 8))
    assert_same(count.compute_confident_joint(labels, pred_probs),
                count.compute_confident_joint(dask_labels, dask_pred_probs))
    for filter_by in FILTER_BY:
        expected = filter_.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                             return_indices_ranked_by="self_confidence")
        assert_same(expected, filter_.find_label_issues(
            dask_labels, dask_pred_probs, filter_by=filter_by,
            return_indices_ranked_by="self_confidence"))
    mask = filter_.find_label_issues(dask_labels, dask_pred_probs)
    np.testing.assert_array_equal(mask.compute(), filter_.find_label_issues(labels, pred_probs))


def fitted_results(estimator, X, y):
    estimator.fit(X, y)
    if isinstance(estimator, ConfidentLearningClassifier):
        return estimator.predict_proba(X)
    if isinstance(estimator, LabelPruner):
        return estimator.sample_indices_
    return estimator.confident_joint_


@pytest.mark.parametrize("make", [
    lambda: NoiseEstimator(cv=3, random_state=0),
    lambda: LabelPruner(cv=3, random_state=0),
    lambda: ConfidentLearningClassifier(cv=3, random_state=0, detection_rounds=1),
])
def test_cross_validation_runs_on_joblib_dask_backend(client, make):
    import joblib

    X, y = make_classification(n_samples=150, n_informative=4, n_classes=3, random_state=0)
    expected = fitted_results(make(), X, y)
    with distributed.get_task_stream(client) as stream, joblib.parallel_backend("dask"):
        got = fitted_results(make(), X, y)
    np.testing.assert_array_equal(got, expected)
    assert stream.data, "no task ran on the cluster"


# --------------------------------------------------------------------------- memory, imports


PEAK_MEMORY_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import dask.array as da
    from dask.distributed import Client, LocalCluster
    from sklearn_noisy.filter import find_label_issues

    K, ROWS = 100, 25_000

    def labels_block(start, size):
        return np.random.default_rng([start, 0]).integers(K, size=size)

    def pred_probs_block(start, size):
        # Mostly the labelled class, 10% another: a model with noisy labels.
        rng = np.random.default_rng([start, 1])
        truth = np.where(rng.random(size) < 0.9, labels_block(start, size),
                         rng.integers(K, size=size))
        probs = rng.random((size, K), dtype=np.float32)
        probs[np.arange(size), truth] += 30
        return probs / probs.sum(axis=1, keepdims=True)

    def generated(n):
        def where(info):
            start, stop = info[None]["array-location"][0]
            return start, stop - start
        labels = da.map_blocks(lambda block_info=None: labels_block(*where(block_info)),
                               chunks=((ROWS,) * (n // ROWS),), dtype=np.int64)
        pred_probs = da.map_blocks(lambda block_info=None: pred_probs_block(*where(block_info)),
                                   chunks=((ROWS,) * (n // ROWS), (K,)), dtype=np.float32)
        return labels, pred_probs

    def peak():
        # VmHWM, not getrusage: a child process inherits its parent's ru_maxrss across exec.
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024

    if __name__ == "__main__":
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster):
            find_label_issues(*generated(2 * ROWS)).compute()
            before = peak()
            labels, pred_probs = generated(20 * ROWS)
            issues = int(find_label_issues(labels, pred_probs).sum().compute())
            print(json.dumps({"growth": peak() - before, "chunk": ROWS * K * 4,
                              "array": pred_probs.nbytes, "issues": issues}))
""")


@pytest.mark.skipif(not pathlib.Path("/proc/self/status").exists(),
                    reason="reads the peak memory of a process from /proc (Linux)")
def test_the_calling_process_grows_by_less_than_a_few_chunks(tmp_path):
    """A 200 MB array made on two workers: the client's peak memory grows by far less."""
    script = tmp_path / "peak.py"
    script.write_text(PEAK_MEMORY_SCRIPT)
    output = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            check=True, cwd=tmp_path).stdout
    measured = json.loads(output.strip().splitlines()[-1])
    assert measured["array"] == 200_000_000 and measured["issues"] > 0
    assert measured["growth"] <= 3 * measured["chunk"], measured


def test_without_dask_nothing_imports_it():
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import sklearn_noisy
        from sklearn_noisy import count, filter, rank
        labels = np.array([0, 0, 1, 1])
        pred_probs = np.array([[.9, .1], [.4, .6], [.2, .8], [.3, .7]])
        filter.find_label_issues(labels, pred_probs)
        filter.find_label_issues_batched(labels, pred_probs, batch_size=2, verbose=False)
        count.compute_confident_joint(labels, pred_probs)
        rank.get_label_quality_scores(labels, pred_probs)
        print(sorted(name for name in sys.modules if name.split(".")[0] in ("dask", "distributed")))
    """)
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    assert output.strip() == "[]"
