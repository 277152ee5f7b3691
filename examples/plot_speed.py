"""
==========================================
Speed against the reference implementation
==========================================

How long :func:`~sklearn_noisy.filter.find_label_issues` takes as the number of examples
``n`` and of classes ``K`` grow, against the same call in the reference implementation
(cleanlab 2.9.0) and against the *floor*: one NumPy pass over ``pred_probs``
(``pred_probs.max(axis=1)``), which no method that reads all the probabilities can beat.

Building the documentation does not re-run the benchmark: this example reads the results
that ``benchmarks/bench_core.py --results`` wrote, on the machine it describes. To measure
your own machine::

    python benchmarks/bench_core.py --sizes 1e4x10,1e5x10,1e6x10,1e5x100,1e5x1000 \\
        --dtypes float32 --filters-at "" --no-rss --results benchmarks/results/bench_core.json
"""

# %%
# The results and the machine
# ---------------------------
import json
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

try:
    here = Path(__file__).resolve().parent
except NameError:  # run line by line, from the examples directory
    here = Path.cwd()
results = json.loads((here.parent / "benchmarks" / "results" / "bench_core.json").read_text())
machine = results["machine"]
load = machine["load_average"][0], machine["load_average_at_end"][0]
description = (f"{machine['cpus']} CPUs ({machine['cpu_model']}), sklearn-noisy on "
               f"{machine['threads']} threads, load average {load[0]:.1f} to {load[1]:.1f}")
print(description)
print("measured with:", *textwrap.wrap(results["command"], 80), sep="\n    ")

rows = [row for row in results["rows"] if row["function"] == "find_label_issues"]
print(f"\n{'n':>9s} {'K':>5s} {'ours s':>8s} {'cleanlab s':>11s} {'speed-up':>9s} "
      f"{'floor s':>8s} {'x floor':>8s} {'same result':>12s}")
for row in rows:
    print(f"{row['n']:9,d} {row['k']:5d} {row['seconds']:8.4f} {row['cl_seconds']:11.4f} "
          f"{row['cl_seconds'] / row['seconds']:8.1f}x {row['floor']:8.4f} "
          f"{row['seconds'] / row['floor']:7.1f}x {row['same']:>12s}")

# %%
# Time as n and K grow
# --------------------
# Left: ``K = 10`` and ``n`` from ten thousand to a million. Right: ``n = 100,000`` and ``K``
# from 10 to 1000. cleanlab is shown with ``n_jobs=1`` and with its default (one process per
# core); the label under each of our points is how many times faster sklearn-noisy is than
# cleanlab with ``n_jobs=1``.
series = {"sklearn-noisy": ("seconds", "C0", "o"),
          "cleanlab 2.9.0, n_jobs=1": ("cl_seconds", "C3", "s"),
          f"cleanlab 2.9.0, n_jobs={machine['cleanlab_n_jobs']}": ("cl_par_seconds", "C1", "^"),
          "floor: one NumPy pass": ("floor", "C7", "")}
panels = [("n", "k", 10, "number of examples n (K = 10)"),
          ("k", "n", 100_000, "number of classes K (n = 100,000)")]

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
for ax, (x_key, fixed_key, fixed, xlabel) in zip(axes, panels):
    chosen = sorted((row for row in rows if row[fixed_key] == fixed), key=lambda r: r[x_key])
    x = np.array([row[x_key] for row in chosen])
    for label, (key, color, marker) in series.items():
        y = [row.get(key, np.nan) for row in chosen]
        ax.plot(x, y, marker=marker, color=color, label=label,
                linestyle="--" if key == "floor" else "-")
    for row in chosen:
        speedup = row["cl_seconds"] / row["seconds"]
        ax.annotate(f"{speedup:.0f}x faster", (row[x_key], row["seconds"]),
                    textcoords="offset points", xytext=(0, -15), ha="center", fontsize=9,
                    color="C0")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("seconds (median of runs)")
    ax.grid(True, which="major", alpha=0.3)
    ax.margins(x=0.12, y=0.12)
axes[0].legend(loc="upper left", fontsize=9)
fig.suptitle(f"find_label_issues, float32 pred_probs; {description}", fontsize=10)

# %%
# Reading the numbers
# -------------------
# Both libraries return the same label issues on every problem here (the "same result"
# column). The machine was shared with other work while it ran (see the load average above),
# which inflates the small cases most; ``benchmarks/README.md`` explains how to read the
# columns and how to run the benchmark at larger sizes.
plt.show()
