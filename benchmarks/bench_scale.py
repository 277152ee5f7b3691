"""Confident learning beyond memory: in memory, memory-mapped, dask threads, a local cluster.

Every case runs ``find_label_issues(labels, pred_probs, return_indices_ranked_by=
"self_confidence")`` (prune by noise rate) in a fresh process, on the same problem, and
checks that the ranked issues are identical. Each case reports the time of the call, the peak
memory of the calling process (and of each worker), the bytes the calling process received
from the passes, and the bytes the workers sent each other.

    python benchmarks/bench_scale.py --quick                    # n=2e5, K=100: a smoke run
    python benchmarks/bench_scale.py --sizes 1e6x100,1e6x1000   # the default sizes
    python benchmarks/bench_scale.py --sizes 1e7x100 --chunk-rows 100000

The problem is written once to ``.npy`` files (``--folder``, default a temporary folder), block
by block, so that the parent never holds it either. The in-memory case loads it whole.
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

MODES = ("memory", "memmap", "dask-threads", "cluster")


def peak_bytes():
    # VmHWM, not getrusage: a child process inherits its parent's ru_maxrss across exec.
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def problem_block(seed, start, size, n_classes):
    """Rows ``start:start + size``: a good model (90% of rows believe the true class), 20% of
    the given labels replaced by another class."""
    rng = np.random.default_rng([seed, start])
    truth = rng.integers(n_classes, size=size)
    believed = np.where(rng.random(size) < 0.9, truth, rng.integers(n_classes, size=size))
    probs = rng.random((size, n_classes), dtype=np.float32)
    probs[np.arange(size), believed] += rng.gamma(2.0, 0.5 * n_classes, size=size)
    probs /= probs.sum(axis=1, keepdims=True)
    flip = rng.random(size) < 0.2
    labels = np.where(flip, (truth + rng.integers(1, n_classes, size=size)) % n_classes, truth)
    return labels, probs


def write_problem(folder, n, n_classes, seed, rows=50_000):
    labels_path = folder / f"labels_{n}_{n_classes}.npy"
    probs_path = folder / f"pred_probs_{n}_{n_classes}.npy"
    if probs_path.exists():
        return labels_path, probs_path
    labels = np.lib.format.open_memmap(labels_path, mode="w+", dtype=np.int64, shape=(n,))
    probs = np.lib.format.open_memmap(probs_path, mode="w+", dtype=np.float32,
                                      shape=(n, n_classes))
    for start in range(0, n, rows):
        size = min(rows, n - start)
        labels[start:start + size], probs[start:start + size] = problem_block(
            seed, start, size, n_classes)
    labels.flush()
    probs.flush()
    del labels, probs
    return labels_path, probs_path


def load_rows(path, start, stop):
    mapped = np.load(path, mmap_mode="r")
    rows = np.array(mapped[start:stop])
    del mapped
    return rows


def dask_arrays(labels_path, probs_path, chunk_rows):
    """dask arrays whose blocks are read from the files by whoever computes them."""
    import dask.array as da

    n, n_classes = np.load(probs_path, mmap_mode="r").shape
    rows = tuple(min(chunk_rows, n - start) for start in range(0, n, chunk_rows))

    def block(path, block_info=None):
        start, stop = block_info[None]["array-location"][0]
        return load_rows(path, start, stop)

    labels = da.map_blocks(block, str(labels_path), chunks=(rows,), dtype=np.int64)
    probs = da.map_blocks(block, str(probs_path), chunks=(rows, (n_classes,)), dtype=np.float32)
    return labels, probs


def count_received_bytes():
    """Instrument the passes: add up the size of what each dask pass returns to the caller."""
    from dask.sizeof import sizeof

    from sklearn_noisy import _dask

    received = {"bytes": 0, "passes": 0}
    map_reduce, label_counts = _dask.DaskBlocks.map_reduce, _dask.DaskBlocks.label_counts

    def counted_map_reduce(self, *args, **kwargs):
        result = map_reduce(self, *args, **kwargs)
        received["bytes"] += sizeof(result)
        received["passes"] += 1
        return result

    def counted_label_counts(self):
        result = label_counts(self)
        received["bytes"] += sizeof(result[0])
        received["passes"] += 1
        return result

    _dask.DaskBlocks.map_reduce = counted_map_reduce
    _dask.DaskBlocks.label_counts = counted_label_counts
    return received


def run_case(mode, labels_path, probs_path, chunk_rows, workers):
    """One case, in this (fresh) process; returns its measurements."""
    from sklearn_noisy import _blocks
    from sklearn_noisy.filter import find_label_issues

    before = peak_bytes()
    report = {"mode": mode}
    if mode == "memory":
        labels, probs = np.load(labels_path), np.load(probs_path)
        start = time.perf_counter()
        ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
    elif mode == "memmap":
        source = _blocks.ArrayBlocks(str(labels_path), str(probs_path), batch_size=chunk_rows)
        start = time.perf_counter()
        ranked = _blocks.confident_learning(source, filter_by="prune_by_noise_rate",
                                            rank_by="self_confidence",
                                            allow_one_class=False).ranked()
        report["blocks"] = len(source.bounds)
    elif mode == "dask-threads":
        import dask

        received = count_received_bytes()
        labels, probs = dask_arrays(labels_path, probs_path, chunk_rows)
        with dask.config.set(scheduler="threads", num_workers=workers):
            start = time.perf_counter()
            ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
        report.update(received=received["bytes"], passes=received["passes"],
                      blocks=probs.numblocks[0])
    else:
        from dask.distributed import Client, LocalCluster

        received = count_received_bytes()
        labels, probs = dask_arrays(labels_path, probs_path, chunk_rows)
        with LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            before = peak_bytes()
            start = time.perf_counter()
            ranked = find_label_issues(labels, probs, return_indices_ranked_by="self_confidence")
            elapsed = time.perf_counter() - start
            worker_peaks = client.run(peak_bytes)
            transfers = client.run(
                lambda dask_worker: getattr(dask_worker, "transfer_outgoing_bytes_total", -1))
        report.update(received=received["bytes"], passes=received["passes"],
                      blocks=probs.numblocks[0], worker_peak=max(worker_peaks.values()),
                      between_workers=sum(transfers.values()), seconds=elapsed)
    report.setdefault("seconds", time.perf_counter() - start)
    report.update(growth=peak_bytes() - before, issues=len(ranked),
                  checksum=int(np.sum(ranked * np.arange(1, len(ranked) + 1) % 1_000_003)))
    return report


def mib(value):
    return "" if value is None else f"{value / 2**20:,.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e6x100,1e6x1000",
                        help="problem sizes NxK, comma-separated")
    parser.add_argument("--quick", action="store_true", help="one small size: n=2e5, K=100")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--chunk-rows", type=int, default=None,
                        help="rows per block (default: about 16 MiB of pred_probs)")
    parser.add_argument("--workers", type=int, default=2, help="dask threads / cluster workers")
    parser.add_argument("--folder", default=None, help="where the .npy problem files go")
    parser.add_argument("--case", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(*json.loads(args.case))))
        return
    sizes = ["2e5x100"] if args.quick else [s for s in args.sizes.split(",") if s]
    folder = pathlib.Path(args.folder or tempfile.mkdtemp(prefix="bench_scale_"))
    print("| n | K | array MiB | chunk rows | mode | seconds | ratio | client peak growth MiB "
          "| worker peak MiB | to client KiB | passes | between workers KiB | issues | same |")
    print("|---" * 14 + "|")
    for size in sizes:
        n, n_classes = (int(float(part)) for part in size.split("x"))
        chunk_rows = args.chunk_rows or max(1000, (16 << 20) // (4 * n_classes))
        labels_path, probs_path = write_problem(folder, n, n_classes, seed=0)
        reports = []
        for mode in args.modes.split(","):
            case = json.dumps([mode, str(labels_path), str(probs_path), chunk_rows,
                               args.workers])
            output = subprocess.run([sys.executable, __file__, "--case", case],
                                    capture_output=True, text=True, check=True).stdout
            reports.append(json.loads(output.strip().splitlines()[-1]))
            print(f"{size} {mode} done", file=sys.stderr)
        base = reports[0]
        for report in reports:
            between = report.get("between_workers")
            cells = [f"{n:,}", n_classes, f"{n * n_classes * 4 / 2**20:,.0f}", f"{chunk_rows:,}",
                     report["mode"], f"{report['seconds']:.2f}",
                     f"{report['seconds'] / base['seconds']:.2f}", mib(report["growth"]),
                     mib(report.get("worker_peak")),
                     f"{report['received'] / 1024:,.0f}" if "received" in report else "",
                     report.get("passes", ""),
                     "" if between is None else f"{between / 1024:,.0f}",
                     f"{report['issues']:,}", report["checksum"] == base["checksum"]]
            print("| " + " | ".join(str(cell) for cell in cells) + " |")
    if not args.folder:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    print(f"CPU cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
