"""Where the time of ``sklearn-noisy find-issues --data`` goes on a small table.

A table of 300 rows (8 numeric columns, 2 categorical, missing values in both, 3 classes) is
written to a temporary folder; for each model the script prints the wall time of:

- ``import``: ``python -c "import sklearn_noisy.cli"`` in a new process;
- ``command``: the whole command in a new process (``-q``, so no progress bar);
- ``read``, ``cv``, ``rest``: reading and splitting the table, the cross-validation, and
  finding, ranking and writing the issues, measured in this process;
- ``cv, threads unlimited``: the same cross-validation with each fit free to use every core
  (BLAS and OpenMP), as before the command line limited small tables to one thread; the ratio
  to ``cv`` is printed.

Run with ``python benchmarks/bench_cli_table.py`` (``--rows N`` for another size).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from sklearn_noisy import cli
from sklearn_noisy._tables import read_table, split_table, table_model


def make_table(path, n_rows, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n_rows)
    X = rng.normal(size=(n_rows, 8)) + y[:, None] * rng.normal(size=8)
    frame = pd.DataFrame(X.round(4), columns=[f"x{i}" for i in range(8)])
    frame.iloc[rng.random(frame.shape) < 0.03] = np.nan
    frame["colour"] = np.array(["red", "green", "blue"], dtype=object)[
        np.where(rng.random(n_rows) < 0.7, y, rng.integers(0, 3, size=n_rows))]
    frame.loc[rng.random(n_rows) < 0.05, "colour"] = None
    frame["city"] = rng.choice(["Oslo", "Lima", "Pune", "Kobe", "Gent"], size=n_rows)
    frame["label"] = np.array(["a", "b", "c"])[np.where(rng.random(n_rows) < 0.9, y,
                                                        rng.integers(0, 3, size=n_rows))]
    frame.to_csv(path, index=False)


def wall(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def phases(path, model, out):
    args = SimpleNamespace(cv=5, random_state=0, n_jobs=None, quiet=True)
    table, t_read = timed(lambda: split_table(read_table(path), path, "label"))
    classes, codes = np.unique(table.y, return_inverse=True)
    names = [str(c) for c in classes]
    clf = table_model(model, table.X, table.categorical, 0)
    pred_probs, t_cv = timed(lambda: cli.cross_validated_pred_probs(table.X, codes, names, clf,
                                                                    args, path))
    inputs = cli.Inputs(codes, names, pred_probs, table)

    def rest():
        ranked = cli.find_label_issues(codes, pred_probs, return_indices_ranked_by="self_confidence")
        scores = cli.get_label_quality_scores(codes, pred_probs)
        columns, rows = cli.issue_table(inputs, ranked, scores, with_features=True)
        cli.write_issues(out, "csv", columns, rows)

    _, t_rest = timed(rest)
    # Before: every fit free to use all cores. SMALL_TABLE = 0 lifts the one-thread limit.
    small, cli.SMALL_TABLE = cli.SMALL_TABLE, 0
    try:
        with threadpool_limits(limits=None):
            _, t_free = timed(lambda: cli.cross_validated_pred_probs(table.X, codes, names, clf,
                                                                     args, path))
    finally:
        cli.SMALL_TABLE = small
    return t_read, t_cv, t_rest, t_free


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "table.csv")
        out = os.path.join(folder, "issues.csv")
        make_table(path, options.rows)
        t_import = wall([sys.executable, "-c", "import sklearn_noisy.cli"])
        print(f"{options.rows} rows, {os.cpu_count()} cores; seconds (wall)")
        print(f"{'model':8} {'import':>7} {'command':>8} {'read':>6} {'cv':>6} {'rest':>6} "
              f"{'cv, threads unlimited':>22} {'ratio':>6}")
        for model in ("logreg", "hgb"):
            t_command = wall([sys.executable, "-m", "sklearn_noisy", "find-issues", "--data",
                              path, "--target", "label", "--model", model, "-q", "--out", out])
            t_read, t_cv, t_rest, t_free = phases(path, model, out)
            print(f"{model:8} {t_import:7.2f} {t_command:8.2f} {t_read:6.2f} {t_cv:6.2f} "
                  f"{t_rest:6.2f} {t_free:22.2f} {t_free / t_cv:6.1f}")


if __name__ == "__main__":
    main()
