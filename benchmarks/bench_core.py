"""Speed and memory of sklearn-noisy's functional core, against cleanlab 2.9.0.

For each problem size (n examples, K classes) and dtype, the script makes a deterministic
``(labels, pred_probs)`` problem, then times each function (median of ``--repeats`` runs, after
one untimed run that measures memory), compares it with the same call in cleanlab 2.9.0 and
with one numpy pass over the input (``pred_probs.max(axis=1)``), and prints a markdown table.
See benchmarks/README.md for the columns.

    python benchmarks/bench_core.py --quick          # smoke run, a few seconds
    python benchmarks/bench_core.py                  # the default sizes
    python benchmarks/bench_core.py --imagenet       # adds n=1,281,167, K=1000, float32
    python benchmarks/bench_core.py --phases 1e6x100 # where the time of find_label_issues goes
    python benchmarks/bench_core.py --workloads hard # only the weak-model problem (see WORKLOADS)
    python benchmarks/bench_core.py --results benchmarks/results/core.json  # also as JSON
"""

import argparse
import gc
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np
from sklearn_noisy._threads import effective_n_threads

import sklearn_noisy
from sklearn_noisy import NoiseEstimator, count, rank
from sklearn_noisy import filter as skn_filter

MIB = 2**20
DEFAULT_SIZES = "1e5x10,1e5x100,1e6x10,1e6x100"
QUICK_SIZES = "3000x10"
IMAGENET = (1_281_167, 1000)
DEFAULT_FILTER_BY = "prune_by_noise_rate"
OTHER_FILTER_BY = ("prune_by_class", "both", "confident_learning", "predicted_neq_given",
                   "low_normalized_margin", "low_self_confidence")
# cleanlab parallelises only these filter_by methods (multiprocessing over the classes).
CLEANLAB_PARALLEL = ("prune_by_noise_rate", "prune_by_class", "both")

# The synthetic problems: each row is a softmax of N(0, logit_sd) logits, with one class (the
# class the "model" believes: the true class, except for a fraction model_error of the rows)
# raised so that its probability is sigmoid(z), z ~ N(confidence_mean, confidence_sd). A
# fraction noise_rate of the given labels is replaced by another class.
WORKLOADS = {
    # A good model: the argmax agrees with the given label on about 72% of the rows and few
    # examples are flagged.
    "easy": {"noise_rate": 0.2, "model_error": 0.1, "confidence_mean": 1.5,
             "confidence_sd": 1.5, "logit_sd": 1.0},
    # A weak model: the argmax agrees with the given label on about 40% of the rows, the
    # probability mass left over is spread over many classes (every pair is confused), and
    # about 47% of the rows are flagged.
    "hard": {"noise_rate": 0.3, "model_error": 0.3, "confidence_mean": -0.5,
             "confidence_sd": 1.5, "logit_sd": 1.5},
    # ImageNet-like: about 75% top-1 accuracy, 10% of the labels flipped.
    "imagenet": {"noise_rate": 0.1, "model_error": 0.25, "confidence_mean": 1.5,
                 "confidence_sd": 2.0, "logit_sd": 1.0},
}
# Noise rows are drawn from a pool of this many rows (exponentiated once), so that making
# the problem costs about two passes over memory rather than n * K random draws.
POOL_ROWS = 4096
CHUNK_BYTES = 16 * MIB


# --------------------------------------------------------------------------- the problem


def make_problem(n, n_classes, dtype, seed=0, workload="easy"):
    """Return ``(labels, pred_probs)``, the same for the same arguments.

    ``pred_probs`` is written chunk by chunk into one preallocated array, so the extra memory
    is a few chunks whatever ``n``.
    """
    w = WORKLOADS[workload]
    rng = np.random.default_rng([seed, n, n_classes])
    pool_rows = min(n, POOL_ROWS)
    pool64 = np.exp(w["logit_sd"] * rng.standard_normal((pool_rows, n_classes)))
    pool = pool64.astype(dtype)
    pool_sums = pool.sum(axis=1, dtype=np.float64)
    del pool64
    pred_probs = np.empty((n, n_classes), dtype=dtype)
    labels = np.empty(n, dtype=np.intp)
    chunk = max(1, CHUNK_BYTES // (n_classes * pred_probs.itemsize))
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        m = stop - start
        rows = np.arange(m)
        pick = rng.integers(pool_rows, size=m)
        true = rng.integers(n_classes, size=m)
        believed = np.where(rng.random(m) < w["model_error"], rng.integers(n_classes, size=m),
                            true)
        flipped = (true + rng.integers(1, n_classes, size=m)) % n_classes
        labels[start:stop] = np.where(rng.random(m) < w["noise_rate"], flipped, true)
        # Raise the believed class: p = boost / (rest + boost) = sigmoid(z).
        rest = pool_sums[pick] - pool[pick, believed]
        boost = rest * np.exp(rng.normal(w["confidence_mean"], w["confidence_sd"], size=m))
        block = pred_probs[start:stop]
        np.take(pool, pick, axis=0, out=block)
        block[rows, believed] = boost
        block *= (1.0 / (rest + boost)).astype(dtype)[:, None]
    return labels, pred_probs


# --------------------------------------------------------------------------- the functions


def ours_find(filter_by=DEFAULT_FILTER_BY, ranked_by=None):
    def run(labels, pred_probs, n_jobs):
        return skn_filter.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                            return_indices_ranked_by=ranked_by, n_jobs=n_jobs)
    return run


def cleanlab_find(filter_by=DEFAULT_FILTER_BY, ranked_by=None):
    def run(labels, pred_probs, n_jobs):
        from cleanlab.filter import find_label_issues
        return find_label_issues(labels, pred_probs, filter_by=filter_by,
                                 return_indices_ranked_by=ranked_by, n_jobs=n_jobs)
    return run


def cleanlab_confident_joint(labels, pred_probs, n_jobs):
    from cleanlab.count import compute_confident_joint
    return compute_confident_joint(labels, pred_probs)


def cleanlab_quality_scores(labels, pred_probs, n_jobs):
    from cleanlab.rank import get_label_quality_scores
    return get_label_quality_scores(labels, pred_probs)


def ours_noise_estimator(labels, pred_probs, n_jobs):
    """Everything NoiseEstimator.fit does but the cross-validation."""
    X = np.zeros((len(labels), 1))
    return NoiseEstimator(n_jobs=n_jobs).fit(X, labels, pred_probs=pred_probs).label_issues_


def cleanlab_clean_learning(labels, pred_probs, n_jobs):
    """CleanLearning.find_label_issues from given pred_probs: noise matrices, issues, scores."""
    from cleanlab.classification import CleanLearning
    X = np.zeros((len(labels), 1))
    found = CleanLearning(find_label_issues_kwargs={"n_jobs": n_jobs}).find_label_issues(
        X, labels, pred_probs=pred_probs)
    return found["is_label_issue"].to_numpy()


class Function:
    """One benchmarked call: ours, the reference's, and whether the reference uses n_jobs."""

    def __init__(self, name, ours, reference, reference_parallel):
        self.name = name
        self.ours = ours
        self.reference = reference
        self.reference_parallel = reference_parallel


def functions_for(with_other_filters):
    found = [
        Function("find_label_issues", ours_find(), cleanlab_find(), True),
        Function("find_label_issues(ranked_by=self_confidence)",
                 ours_find(ranked_by="self_confidence"),
                 cleanlab_find(ranked_by="self_confidence"), True),
    ]
    if with_other_filters:
        found += [
            Function(f"find_label_issues(filter_by={f})", ours_find(f), cleanlab_find(f),
                     f in CLEANLAB_PARALLEL)
            for f in OTHER_FILTER_BY
        ]
    return found + [
        Function("compute_confident_joint",
                 lambda labels, pred_probs, n_jobs: count.compute_confident_joint(
                     labels, pred_probs, n_jobs=n_jobs),
                 cleanlab_confident_joint, False),
        Function("get_label_quality_scores",
                 lambda labels, pred_probs, n_jobs: rank.get_label_quality_scores(
                     labels, pred_probs, n_jobs=n_jobs),
                 cleanlab_quality_scores, False),
        Function("NoiseEstimator.fit(pred_probs=) / CleanLearning.find_label_issues",
                 ours_noise_estimator, cleanlab_clean_learning, True),
    ]


def find_function(name):
    for function in functions_for(with_other_filters=True):
        if function.name == name:
            return function
    raise KeyError(name)


def floor_pass(labels, pred_probs, n_jobs):
    return pred_probs.max(axis=1)


def same_result(ours, theirs, labels, pred_probs, ranked):
    """'yes' if both results are equal; for ranked indices, 'ties' if they differ only in
    the order of examples with exactly equal scores; else 'NO'."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    if ours.shape != theirs.shape:
        return "NO"
    if ours.dtype.kind == "f" or theirs.dtype.kind == "f":
        return "yes" if np.allclose(ours, theirs, rtol=1e-6, atol=1e-7) else "NO"
    if np.array_equal(ours, theirs):
        return "yes"
    if ranked and np.array_equal(np.sort(ours), np.sort(theirs)):
        # Both are ranked by self-confidence: equal score sequences mean only ties moved.
        if np.array_equal(pred_probs[ours, labels[ours]], pred_probs[theirs, labels[theirs]]):
            return "ties"
    return "NO"


# --------------------------------------------------------------------------- measuring


def _proc_status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def reset_peak_rss():
    """Reset VmHWM to the current RSS (Linux >= 4.0); return the current RSS in bytes."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return _proc_status_kib("VmRSS") * 1024
    except (OSError, TypeError):
        return None


def peak_rss():
    kib = _proc_status_kib("VmHWM")
    return None if kib is None else kib * 1024


def measure_memory(function, labels, pred_probs, n_jobs):
    """Run once under tracemalloc; return ``(result, peak extra bytes)``.

    numpy reports its allocations to tracemalloc, so this catches every array a call makes;
    it misses buffers allocated with plain malloc (small in our kernels).
    """
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = function(labels, pred_probs, n_jobs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - before


def rss_growth_of_one_call(function, labels, pred_probs, n_jobs):
    """Peak RSS growth in bytes of one call, or None where /proc cannot tell.

    Only meaningful in a fresh process: in a warm one, the allocator serves new arrays from
    freed memory that is still resident.
    """
    gc.collect()
    before = reset_peak_rss()
    function(labels, pred_probs, n_jobs)
    return None if before is None else peak_rss() - before


def timed(function, labels, pred_probs, n_jobs, repeats):
    """Median wall-clock and median CPU seconds (all threads of this process) of the runs."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function(labels, pred_probs, n_jobs)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def median_seconds(function, labels, pred_probs, n_jobs, repeats):
    return timed(function, labels, pred_probs, n_jobs, repeats)[0]


def rss_in_fresh_process(name, n, n_classes, dtype, workload, n_jobs):
    """Peak RSS growth of one call of our ``name``, in a new process (no warm allocator)."""
    case = json.dumps({"name": name, "n": n, "k": n_classes, "dtype": dtype,
                       "workload": workload, "n_jobs": n_jobs})
    # A fixed mmap threshold: glibc would otherwise raise it while the problem is made and
    # then serve the call's arrays from freed, still resident, heap memory.
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="131072", MALLOC_TRIM_THRESHOLD_="0")
    completed = subprocess.run([sys.executable, __file__, "--rss-case", case],
                               capture_output=True, text=True, check=False, env=env)
    if completed.returncode != 0:
        print(completed.stderr, file=sys.stderr)
        return None
    return json.loads(completed.stdout.strip().splitlines()[-1])["rss_delta"]


def run_rss_case(case):
    case = json.loads(case)
    labels, pred_probs = make_problem(case["n"], case["k"], np.dtype(case["dtype"]),
                                      workload=case["workload"])
    function = find_function(case["name"]).ours
    delta = rss_growth_of_one_call(function, labels, pred_probs, case["n_jobs"])
    print(json.dumps({"rss_delta": delta}))


def available_memory():
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


# --------------------------------------------------------------------------- the run


def cleanlab_default_n_jobs():
    """What cleanlab 2.9.0 uses for ``n_jobs=None``: physical cores (psutil) or logical ones."""
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    return physical or os.cpu_count() or 1


def bench_size(n, n_classes, dtype, workload, args, with_other_filters, reference_ok,
               reference_repeats):
    """Yield one result row (a dict) per function."""
    t0 = time.perf_counter()
    labels, pred_probs = make_problem(n, n_classes, dtype, workload=workload)
    generated = time.perf_counter() - t0
    input_bytes = pred_probs.nbytes
    print(f"# n={n} K={n_classes} {dtype.name} {workload}: input {input_bytes / MIB:.0f} MiB, "
          f"made in {generated:.2f} s", file=sys.stderr, flush=True)
    floor, floor_cpu = timed(floor_pass, labels, pred_probs, None, max(args.repeats, 3))
    case = {"n": n, "k": n_classes, "dtype": dtype.name, "workload": workload}
    yield {**case, "function": "floor: pred_probs.max(axis=1)",
           "seconds": floor, "cpu": floor_cpu, "floor": floor, "input_bytes": input_bytes}
    cl_jobs = cleanlab_default_n_jobs()
    for function in functions_for(with_other_filters):
        row = {**case, "function": function.name, "floor": floor, "input_bytes": input_bytes}
        ours, row["traced"] = measure_memory(function.ours, labels, pred_probs, args.threads)
        row["seconds"], row["cpu"] = timed(function.ours, labels, pred_probs, args.threads,
                                           args.repeats)
        if args.rss:
            row["rss"] = rss_in_fresh_process(function.name, n, n_classes, dtype.name,
                                              workload, args.threads)
        if reference_ok:
            theirs, row["cl_traced"] = measure_memory(function.reference, labels, pred_probs, 1)
            row["same"] = same_result(ours, theirs, labels, pred_probs,
                                      function.name.startswith("find_label_issues(ranked"))
            del theirs
            row["cl_seconds"], row["cl_cpu"] = timed(function.reference, labels, pred_probs, 1,
                                                     reference_repeats)
            if function.reference_parallel and cl_jobs > 1 and args.reference_parallel:
                row["cl_par_seconds"] = median_seconds(
                    function.reference, labels, pred_probs, cl_jobs, reference_repeats)
        del ours
        print(f"#   {function.name}: {row['seconds']:.4f} s", file=sys.stderr, flush=True)
        yield row
    del labels, pred_probs


def fmt_mib(value):
    return "n/a" if value is None else f"{value / MIB:.1f}"


def fmt_s(value):
    if value is None:
        return "—"
    return f"{value:.4f}" if value < 10 else f"{value:.1f}"


def fmt_ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator <= 0:
        return "—"
    return f"{numerator / denominator:.1f}×"


def peak_extra(row):
    """The larger of the two peak-memory measurements of our call, or None."""
    peaks = [row[key] for key in ("traced", "rss") if row.get(key) is not None]
    return max(peaks) if peaks else None


def table(rows, cl_jobs):
    head = ["n", "K", "dtype", "workload", "function", "ours s", "ours CPU s", "× floor",
            "peak MiB (traced)", "peak MiB (RSS)", "% of input", "cleanlab s (n_jobs=1)",
            "speed-up", "speed-up (CPU)", f"cleanlab s (n_jobs={cl_jobs})", "speed-up",
            "cleanlab peak MiB", "same result"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        peak = peak_extra(r)
        cl_peak = r.get("cl_traced")
        same = r.get("same")
        cells = [
            f"{r['n']:,}", str(r["k"]), r["dtype"], r["workload"], r["function"], fmt_s(r["seconds"]),
            fmt_s(r["cpu"]), fmt_ratio(r["seconds"], r["floor"]),
            fmt_mib(r["traced"]) if "traced" in r else "",
            fmt_mib(r["rss"]) if "rss" in r else "",
            f"{100 * peak / r['input_bytes']:.1f}" if peak is not None else "",
            fmt_s(r.get("cl_seconds")), fmt_ratio(r.get("cl_seconds"), r["seconds"]),
            fmt_ratio(r.get("cl_cpu"), r["cpu"]),
            fmt_s(r.get("cl_par_seconds")), fmt_ratio(r.get("cl_par_seconds"), r["seconds"]),
            fmt_mib(cl_peak) if cl_peak is not None else "—", same or "—",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: Targets on a 2-core machine, float32, as multiples of the one-pass floor:
#: (workload, n, K, function) -> (most × floor, least speed-up against cleanlab's default n_jobs).
TARGETS = {
    ("easy", 1_000_000, 100, "find_label_issues"): (2.5, None),
    ("hard", 1_000_000, 100, "find_label_issues"): (3.0, 25.0),
    ("imagenet", *IMAGENET, "find_label_issues"): (2.5, None),
    ("hard", 1_000_000, 100, "NoiseEstimator.fit(pred_probs=) / CleanLearning.find_label_issues"):
        (4.0, None),
}


def check_targets(rows):
    """The targets of the benchmark, for the rows that were measured."""
    lines = []
    for r in rows:
        key = (r["workload"], r["n"], r["k"], r["function"])
        if r["dtype"] != "float32" or key not in TARGETS:
            continue
        most_floor, least_speedup = TARGETS[key]
        name = f"{r['function']}, {r['workload']} n={r['n']:,} K={r['k']}"
        ratio = r["seconds"] / r["floor"]
        lines.append(f"- {'PASS' if ratio <= most_floor else 'FAIL'}: {name} takes "
                     f"{ratio:.1f}× the single numpy pass (target <= {most_floor}×)")
        reference = r.get("cl_par_seconds") or r.get("cl_seconds")
        if least_speedup and reference:
            speedup = reference / r["seconds"]
            lines.append(f"- {'PASS' if speedup >= least_speedup else 'FAIL'}: ... and "
                         f"{speedup:.1f}× faster than cleanlab with its default n_jobs "
                         f"(target >= {least_speedup}×)")
        peak = peak_extra(r)
        if peak is not None and r["k"] >= 100:
            share = 100 * peak / r["input_bytes"]
            lines.append(f"- {'PASS' if share < 5 else 'FAIL'}: ... peak extra memory "
                         f"{peak / MIB:.1f} MiB = {share:.1f}% of the input (target < 5%)")
    return "\n".join(lines)


# --------------------------------------------------------------------------- phases


def time_phases(n, n_classes, dtype, n_jobs, repeats, workload):
    """Median seconds of each step of find_label_issues (default filter_by), run by hand.

    Mirrors sklearn_noisy._engine.confident_learning, so it must follow that function if it
    changes.
    """
    from sklearn_noisy._counting import group_checked_rows
    from sklearn_noisy._threads import kernel_threads

    from sklearn_noisy import _engine, _validation

    labels, pred_probs = make_problem(n, n_classes, dtype, workload=workload)
    n_threads = kernel_threads(n_jobs, pred_probs)
    state = {}

    def validate_labels():
        _validation.check_labels(labels, n, n_classes)

    def validate_and_group():
        _, *grouping = group_checked_rows(pred_probs, labels, _validation.ROW_SUM_TOLERANCE,
                                          n_threads)
        state["groups"] = _engine.LabelGroups(*grouping)

    def thresholds():
        state["thresholds"] = _engine.thresholds_from_groups(state["groups"])

    def confident():
        state["counts"] = _engine.confident_counts(labels, pred_probs, state["thresholds"],
                                                   n_threads=n_threads, groups=state["groups"])

    def small_algebra():
        groups = state["groups"]
        joint = _engine.finish_confident_joint(state["counts"][0], groups.label_counts)
        state["joint"] = joint

    def select():
        state["flags"] = _engine.pruned(labels, pred_probs, state["groups"], state["joint"],
                                        state["counts"][2], filter_by=DEFAULT_FILTER_BY, frac_noise=1.0,
                                        num_to_remove_per_class=None, min_examples_per_class=1,
                                        n_threads=n_threads)

    def combine():
        state["flags"] &= (state["counts"][2] & _engine.LABEL_NEAR_ARGMAX) == 0

    phases = [
        ("validation: check_labels", validate_labels),
        ("validation of the rows + grouping: _counting.group_checked_rows", validate_and_group),
        ("thresholds (numpy means per class)", thresholds),
        ("_counting.confident_pass + count_by_label (+ output arrays)", confident),
        ("K x K numpy: calibrate, round", small_algebra),
        ("quota (K x K numpy) + _selection.prune_flags", select),
        ("final mask (numpy)", combine),
    ]
    results = []
    for name, step in phases:
        wall, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            step()
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        results.append((name, statistics.median(wall), statistics.median(cpu)))
    total, total_cpu = timed(ours_find(), labels, pred_probs, n_jobs, repeats)
    floor, floor_cpu = timed(floor_pass, labels, pred_probs, None, repeats)
    wall_sum = sum(wall for _, wall, _ in results)
    cpu_sum = sum(cpu for _, _, cpu in results)
    lines = [f"Phases of find_label_issues, {workload} problem, n={n:,}, K={n_classes}, "
             f"{dtype.name}, "
             f"{n_threads} thread(s), median of {repeats}; load average "
             + " ".join(f"{x:.2f}" for x in os.getloadavg()) + ":", "",
             "| phase | seconds | % of phases | × floor | CPU s | % of phases' CPU |",
             "|---|---|---|---|---|---|"]
    for name, wall, cpu in results:
        lines.append(f"| {name} | {wall:.4f} | {100 * wall / wall_sum:.1f} | "
                     f"{wall / floor:.2f} | {cpu:.4f} | {100 * cpu / cpu_sum:.1f} |")
    lines.append(f"| sum of phases | {wall_sum:.4f} | 100.0 | {wall_sum / floor:.2f} | "
                 f"{cpu_sum:.4f} | 100.0 |")
    lines.append(f"| find_label_issues, whole call | {total:.4f} | | {total / floor:.2f} | "
                 f"{total_cpu:.4f} | |")
    lines.append(f"| floor: pred_probs.max(axis=1) | {floor:.4f} | | 1.00 | {floor_cpu:.4f} | |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- command line


def parse_sizes(text):
    sizes = []
    for item in nonempty(text.split(",")):
        n, k = item.lower().split("x")
        sizes.append((int(float(n)), int(k)))
    return sizes


def nonempty(items):
    return [item.strip() for item in items if item.strip()]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None,
                        help=f"comma-separated NxK problem sizes (default {DEFAULT_SIZES})")
    parser.add_argument("--dtypes", default="float32,float64", help="default float32,float64")
    parser.add_argument("--workloads", default="easy,hard",
                        help="comma-separated problems among " + ", ".join(WORKLOADS)
                             + " (default easy,hard; --imagenet adds the imagenet one)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs per case; the median is reported (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help=f"tiny sizes ({QUICK_SIZES}) for a smoke run of a few seconds")
    parser.add_argument("--no-reference", dest="reference", action="store_false",
                        help="do not run cleanlab")
    parser.add_argument("--no-reference-parallel", dest="reference_parallel",
                        action="store_false",
                        help="run cleanlab with n_jobs=1 only, not also with its default n_jobs")
    parser.add_argument("--imagenet", action="store_true",
                        help="add n=1,281,167, K=1000, float32 (4.8 GiB of pred_probs); "
                             "cleanlab runs there once, if memory allows")
    parser.add_argument("--threads", type=int, default=None,
                        help="n_jobs for sklearn-noisy (default: all cores)")
    parser.add_argument("--filters-at", default="1e5x100,1e6x100",
                        help="sizes at which every other filter_by is also run "
                             "(default 1e5x100,1e6x100; all sizes with --quick)")
    parser.add_argument("--no-rss", dest="rss", action="store_false", default=None,
                        help="skip the peak-RSS measurement in a fresh process per case "
                             "(skipped by default with --quick: each process takes seconds "
                             "to import scikit-learn)")
    parser.add_argument("--phases", default=None, metavar="NxK",
                        help="only time the phases of find_label_issues at these sizes "
                             "(float32, or the first of --dtypes)")
    parser.add_argument("--output", default=None, help="also write the markdown to this file")
    parser.add_argument("--results", default=None, metavar="PATH",
                        help="also write the rows and the machine as JSON to this file (read "
                             "by the gallery's speed example)")
    parser.add_argument("--rss-case", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def header(args, cl_jobs):
    import sklearn

    try:
        import cleanlab

        cleanlab_version = cleanlab.__version__
    except ImportError:
        cleanlab_version = "not installed"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"sklearn-noisy {sklearn_noisy.__version__}, cleanlab {cleanlab_version}, "
            f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs "
            f"({platform.processor() or platform.machine()}); sklearn-noisy threads: "
            f"{effective_n_threads(args.threads)}; cleanlab default n_jobs here: {cl_jobs}; "
            f"repeats: {args.repeats}; load average at start: {load}")


def machine(args, cl_jobs):
    """What the numbers were measured on, for the JSON results."""
    import sklearn

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = available_memory()
    return {"cpus": os.cpu_count(), "cpu_model": model, "system": platform.platform(),
            "memory_available_gib": None if memory is None else round(memory / 2**30, 1),
            "python": platform.python_version(), "numpy": np.__version__,
            "scikit-learn": sklearn.__version__, "sklearn-noisy": sklearn_noisy.__version__,
            "threads": effective_n_threads(args.threads), "cleanlab_n_jobs": cl_jobs,
            "repeats": args.repeats, "load_average": list(os.getloadavg())}


def main(argv=None):
    args = parse_args(argv)
    if args.rss_case:
        run_rss_case(args.rss_case)
        return
    dtypes = [np.dtype(d) for d in nonempty(args.dtypes.split(","))]
    if args.phases:
        for n, k in parse_sizes(args.phases):
            for workload in nonempty(args.workloads.split(",")):
                print(time_phases(n, k, dtypes[0], args.threads, max(args.repeats, 3), workload)
                      + "\n")
        return
    if args.sizes is None:
        args.sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    sizes = parse_sizes(args.sizes)
    if args.rss is None:
        args.rss = not args.quick
    filters_at = set(sizes) if args.quick else set(parse_sizes(args.filters_at))
    reference = args.reference
    if reference:
        try:
            import cleanlab  # noqa: F401
        except ImportError:
            print("# cleanlab is not installed: running without the reference", file=sys.stderr)
            reference = False
    cl_jobs = cleanlab_default_n_jobs()
    workloads = nonempty(args.workloads.split(","))
    cases = [(n, k, d, w) for w in workloads for n, k in sizes for d in dtypes]
    if args.imagenet:
        cases.append((*IMAGENET, np.dtype(np.float32), "imagenet"))
    lines = [header(args, cl_jobs), ""]
    measured_on = machine(args, cl_jobs)
    rows = []
    for n, k, dtype, workload in cases:
        imagenet = (n, k) == IMAGENET
        reference_ok = reference
        reference_repeats = args.repeats
        if reference and imagenet:
            # The input, the copy in the fresh process that measures RSS, and cleanlab's own:
            # a per-class copy of pred_probs (kept in a module global after the call) and an
            # n x K bool matrix. cleanlab is timed once there.
            free = available_memory()
            reference_ok = free is not None and free > 3.5 * n * k * dtype.itemsize
            reference_repeats = 1
            if not reference_ok:
                print("# ImageNet-sized case: not enough memory for cleanlab, skipped",
                      file=sys.stderr)
        rows.extend(bench_size(n, k, dtype, workload, args, (n, k) in filters_at, reference_ok,
                               reference_repeats))
    lines.append(table(rows, cl_jobs))
    targets = check_targets(rows)
    if targets:
        lines += ["", "Targets:", targets]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines += ["", f"load average at end: {load}"]
    text = "\n".join(lines)
    print(text)
    if args.output:
        with open(args.output, "w") as out:
            out.write(text + "\n")
    if args.results:
        measured_on["load_average_at_end"] = list(os.getloadavg())
        with open(args.results, "w") as out:
            command = shlex.join(["python", "benchmarks/bench_core.py", *sys.argv[1:]])
            json.dump({"command": command,
                       "machine": measured_on, "rows": rows}, out, indent=1)
            out.write("\n")


if __name__ == "__main__":
    main()
