"""End to end: fitting ConfidentLearningClassifier, and searching its pruning parameters.

Three sections, each a markdown table measured in one run (see benchmarks/README.md):

* ``fit``: ``ConfidentLearningClassifier.fit`` (each of ``--presets``, ``n_jobs`` 1 and 2)
  against cleanlab 2.9.0's ``CleanLearning.fit``: 20k x 30, 6 classes, 20% of the labels
  flipped, ``LogisticRegression``, 5 folds;
* ``threads``: the same fit with the folds on 2 workers, with and without the thread limits
  inside the workers, for a BLAS model (``LogisticRegression``) and an OpenMP one
  (``HistGradientBoostingClassifier``);
* ``search``: ``GridSearchCV`` over 5 ``filter_by`` values x 2 ``frac_noise`` values (outer
  3-fold, inner 5-fold) of ``ConfidentLearningClassifier(preset='reference')``, without and
  with ``memory``, against the same search over ``CleanLearning``'s
  ``find_label_issues_kwargs``; on digits and on a 100k-row ``make_classification`` set.

``--threads 1`` limits the BLAS and OpenMP threads of this process in ``fit`` and ``search``
(fold workers started by joblib get joblib's own limit, cores // workers): on a machine whose
cores are busy with other work, threads that wait for each other at every step can make each
fit of a logistic regression (BLAS) or of a gradient boosting (OpenMP) ten or more times
slower. The limit gives every contestant one thread per process.

    python benchmarks/bench_end_to_end.py --quick          # every section, small data
    nice -n 10 python benchmarks/bench_end_to_end.py       # the full run (long: 100k rows)
    python benchmarks/bench_end_to_end.py --sections search --datasets digits
    nice -n 10 python benchmarks/bench_end_to_end.py --sections fit search --threads 1
"""

import argparse
import contextlib
import os
import tempfile
import threading
import time
import warnings

import numpy as np
from joblib import parallel_config
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_noisy import ConfidentLearningClassifier, _cv

FILTERS = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
           "predicted_neq_given")
FRAC_NOISE = (0.5, 1.0)
INNER_CV, OUTER_CV = 5, 3
NOISE = 0.2
# CleanLearning keeps at least 10 examples per class; the reference preset is its behaviour.
OURS = {"min_examples_per_class": 10, "random_state": 0}
SEARCH_PRESET = "reference"


class CountingLogisticRegression(LogisticRegression):
    """LogisticRegression that counts its fits (in this process only)."""

    n_fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).n_fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


def _tree_rss(pid):
    """Resident memory in bytes of ``pid`` and all its descendants (from /proc)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            rss = next(int(line.split()[1]) * 1024 for line in status
                       if line.startswith("VmRSS:"))
        children = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children += f.read().split()
    except (OSError, StopIteration):
        return 0
    return rss + sum(_tree_rss(int(child)) for child in children)


class Measured:
    """Wall time, CPU time of this process (all its threads, not its worker processes) and
    peak resident memory (sampled every 20 ms, this process and its worker processes) of the
    block, above the memory in use when it started."""

    def __enter__(self):
        self.base = self.peak = _tree_rss(os.getpid())
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        self.start = time.perf_counter()
        self.cpu_start = time.process_time()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _tree_rss(os.getpid()))

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.cpu_seconds = time.process_time() - self.cpu_start
        self._stop.set()
        self._sampler.join()
        self.peak_mib = (self.peak - self.base) / 2**20


def noisy_labels(y, seed=0):
    """``y`` with a fraction NOISE of the labels replaced by another class."""
    rng = np.random.default_rng(seed)
    n_classes = int(y.max()) + 1
    flip = rng.random(len(y)) < NOISE
    noisy = y.copy()
    noisy[flip] = (y[flip] + rng.integers(1, n_classes, flip.sum())) % n_classes
    return noisy


def classification(n_samples, n_features=30, seed=0):
    X, y = make_classification(n_samples=n_samples, n_features=n_features,
                               n_informative=min(12, n_features - 2), n_redundant=2,
                               n_classes=6, n_clusters_per_class=1, class_sep=1.0,
                               random_state=seed)
    return X, noisy_labels(y, seed)


def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), noisy_labels(y)


def clean_learning(**find_label_issues_kwargs):
    from cleanlab.classification import CleanLearning

    return CleanLearning(CountingLogisticRegression(max_iter=1000), seed=0,
                         cv_n_folds=INNER_CV,
                         find_label_issues_kwargs={"n_jobs": 1, **find_label_issues_kwargs})


def run(label, fit, rows, *, warm_up=None, repeat=1, **extra):
    """Measure ``fit()`` ``repeat`` times; append a row with the median time and the highest
    peak; return what the last ``fit`` returned.

    ``warm_up``, if given, is called first, untimed (to start joblib's worker processes).
    """
    if warm_up is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warm_up()
    seconds, cpu_seconds, peaks = [], [], []
    for _ in range(repeat):
        CountingLogisticRegression.n_fits = 0
        with warnings.catch_warnings(), Measured() as measured:
            warnings.simplefilter("ignore")
            result = fit()
        seconds.append(measured.seconds)
        cpu_seconds.append(measured.cpu_seconds)
        peaks.append(measured.peak_mib)
    rows.append({"case": label, "s": float(np.median(seconds)),
                 "CPU s": float(np.median(cpu_seconds)), "peak MiB": max(peaks),
                 "fits": CountingLogisticRegression.n_fits, **extra})
    print(f"  {label}: " + ", ".join(f"{t:.1f}" for t in seconds) + " s", flush=True)
    return result


def table(rows, reference, columns):
    """Markdown table; ``× ref`` is the reference row's seconds over each row's, wall and CPU
    (the CPU ratio is meaningful only between rows that run in this process alone)."""
    ref = next(r for r in rows if r["case"] == reference)
    name = reference.split(",")[0]
    header = ["case", "s", "CPU s", "peak MiB", *columns, "× " + name, "CPU × " + name]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [r["case"], f"{r['s']:.2f}", f"{r['CPU s']:.2f}", f"{r['peak MiB']:.0f}",
                 *[str(r.get(c, "")) for c in columns], f"{ref['s'] / r['s']:.2f}",
                 f"{ref['CPU s'] / r['CPU s']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bench_fit(n_samples, with_reference, presets, repeat):
    X, y = classification(n_samples)
    print(f"fit: {X.shape[0]} x {X.shape[1]}, 6 classes, {INNER_CV} folds", flush=True)
    rows = []
    if with_reference:
        cl = run("CleanLearning", lambda: clean_learning().fit(X, y), rows, repeat=repeat)
        rows[-1]["issues"] = int(cl.label_issues_mask.sum())
    for preset in presets:
        for n_jobs in (1, 2):
            model = ConfidentLearningClassifier(CountingLogisticRegression(max_iter=1000),
                                                cv=INNER_CV, n_jobs=n_jobs, preset=preset,
                                                **OURS)
            run(f"ours, preset={preset!r}, n_jobs={n_jobs}", lambda m=model: m.fit(X, y), rows,
                warm_up=lambda m=model: clone(m).fit(X[:500], y[:500]), repeat=repeat)
            rows[-1]["issues"] = int(model.label_issues_.sum())
    reference = "CleanLearning" if with_reference else rows[0]["case"]
    return (f"### ConfidentLearningClassifier.fit vs CleanLearning.fit ({X.shape[0]} x "
            f"{X.shape[1]}, 6 classes, median of {repeat})\n\n"
            + table(rows, reference, ["issues"]))


def bench_threads(n_samples):
    X, y = classification(n_samples)
    print(f"threads: {X.shape[0]} x {X.shape[1]}", flush=True)
    models = {
        "LogisticRegression": LogisticRegression(max_iter=1000),
        "HistGradientBoosting": HistGradientBoostingClassifier(max_iter=30,
                                                               early_stopping=False),
    }
    cores = os.cpu_count()
    settings = {
        "n_jobs=1": (1, contextlib.nullcontext, False),
        "loky, limited (joblib's default)": (2, lambda: parallel_config("loky"), False),
        "loky, unlimited": (
            2, lambda: parallel_config("loky", inner_max_num_threads=cores), False),
        "threading, limited": (2, lambda: parallel_config("threading"), False),
        "threading, unlimited": (2, lambda: parallel_config("threading"), True),
    }
    blocks = []
    for name, estimator in models.items():
        rows = []
        for label, (n_jobs, backend, unlimited) in settings.items():
            model = ConfidentLearningClassifier(estimator, cv=INNER_CV, n_jobs=n_jobs,
                                                preset=SEARCH_PRESET, **OURS)
            original = _cv.fold_thread_limits
            if unlimited:
                _cv.fold_thread_limits = lambda n_jobs: contextlib.nullcontext()
            try:
                with backend():
                    run(f"{name}, {label}", lambda m=model: m.fit(X, y), rows,
                        warm_up=lambda m=model: clone(m).fit(X[:500], y[:500]))
            finally:
                _cv.fold_thread_limits = original
        blocks.append(table(rows, f"{name}, n_jobs=1", []))
    return (f"### Folds on 2 workers, with and without thread limits ({X.shape[0]} x "
            f"{X.shape[1]}, {cores} cores)\n\n" + "\n\n".join(blocks))


def distinct_final_fits(search, X, y, memory):
    """The fits that ``memory`` should have made in ``search``: per outer fold ``cv`` for the
    out-of-fold probabilities plus one per distinct (kept examples, weights) among the
    candidates; then ``cv + 1`` for the refit on all of ``X``.

    Each candidate is fitted again on each outer training set with the same ``memory``: every
    fit is found in the cache, and the kept examples and weights are read from the result.
    """
    total = INNER_CV + 1
    for train, _ in StratifiedKFold(OUTER_CV).split(X, y):  # GridSearchCV's cv=OUTER_CV
        kept = set()
        for params in search.cv_results_["params"]:
            model = clone(search.estimator).set_params(memory=memory, **params)
            model.fit(X[train], y[train])
            # The weights of reweight follow the noise matrix.
            kept.add((model.label_issues_.tobytes(), model.noise_matrix_.tobytes()))
        total += INNER_CV + len(kept)
    return total


def bench_search(name, X, y, with_reference):
    print(f"search on {name}: {X.shape[0]} x {X.shape[1]}", flush=True)
    grid = {"filter_by": list(FILTERS), "frac_noise": list(FRAC_NOISE)}
    rows, results = [], {}
    for label, memory in (("ours, memory=None", None), ("ours, memory", "tmp")):
        with tempfile.TemporaryDirectory() as cache:
            model = ConfidentLearningClassifier(CountingLogisticRegression(max_iter=1000),
                                                cv=INNER_CV, memory=memory and cache,
                                                preset=SEARCH_PRESET, **OURS)
            search = run(label, lambda m=model: GridSearchCV(m, grid, cv=OUTER_CV).fit(X, y),
                         rows)
            results[label] = search.cv_results_
            if memory:
                CountingLogisticRegression.n_fits = 0
                rows[-1]["expected fits"] = distinct_final_fits(search, X, y, cache)
                assert CountingLogisticRegression.n_fits == 0, "the check itself fitted"
    same = all(np.array_equal(results["ours, memory=None"][key], results["ours, memory"][key])
               for key in results["ours, memory"] if "time" not in key)
    rows[0]["expected fits"] = (OUTER_CV * len(FILTERS) * len(FRAC_NOISE) + 1) * (INNER_CV + 1)
    rows[-1]["same cv_results_"] = "yes" if same else "NO"
    if with_reference:
        candidates = [{"filter_by": f, "frac_noise": r} for f in FILTERS for r in FRAC_NOISE]
        search = GridSearchCV(clean_learning(), {"find_label_issues_kwargs": [
            {"n_jobs": 1, **c} for c in candidates]}, cv=OUTER_CV)
        run("CleanLearning", lambda: search.fit(X, y), rows)
    return (f"### GridSearchCV, {len(FILTERS)} filter_by x {len(FRAC_NOISE)} frac_noise, "
            f"outer {OUTER_CV} x inner {INNER_CV} folds, preset={SEARCH_PRESET!r}: {name} "
            f"({X.shape[0]} x {X.shape[1]})\n\n"
            + table(rows, "ours, memory=None", ["fits", "expected fits", "same cv_results_"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="small data everywhere: checks that everything runs")
    parser.add_argument("--sections", nargs="+", default=["fit", "threads", "search"],
                        choices=["fit", "threads", "search"])
    parser.add_argument("--datasets", nargs="+", default=["digits", "100k"],
                        choices=["digits", "100k"], help="datasets of the search section")
    parser.add_argument("--features-100k", type=int, default=30,
                        help="features of the 100k-row set of the search section")
    parser.add_argument("--presets", nargs="+", default=["reference", "recommended"],
                        choices=["reference", "recommended"],
                        help="presets of ConfidentLearningClassifier in the fit section")
    parser.add_argument("--threads", type=int,
                        help="limit the BLAS and OpenMP threads of this process in fit and "
                             "search")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each case in the fit section (the median is shown)")
    parser.add_argument("--no-reference", action="store_true", help="do not run cleanlab")
    parser.add_argument("--output", help="also write the tables to this file")
    args = parser.parse_args()
    with_reference = not args.no_reference
    fit_rows = 2_000 if args.quick else 20_000
    out = []

    def report(text):
        # Each table as soon as it is measured: a long run that is stopped keeps what it did.
        out.append(text)
        print(text + "\n", flush=True)
        if args.output:
            with open(args.output, "w") as f:
                f.write("\n\n".join(out) + "\n")

    report(f"load average at start: {os.getloadavg()}; BLAS and OpenMP threads in fit and "
           f"search: {args.threads or 'library default'}")

    def thread_limit():  # not in the threads section, which sets its own limits
        return (contextlib.nullcontext() if args.threads is None
                else threadpool_limits(args.threads))

    if "fit" in args.sections:
        with thread_limit():
            report(bench_fit(fit_rows, with_reference, args.presets, args.repeat))
    if "threads" in args.sections:
        report(bench_threads(fit_rows))
    if "search" in args.sections:
        for name in args.datasets:
            if name == "digits":
                X, y = digits()
                X, y = (X[:600], y[:600]) if args.quick else (X, y)
            else:
                X, y = classification(3_000 if args.quick else 100_000, args.features_100k)
            with thread_limit():
                report(bench_search(name, X, y, with_reference))
    report(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
