"""Learning with noisy labels: how much of the accuracy lost to label noise each strategy wins back.

The grid: four datasets that scikit-learn ships (digits, wine, breast_cancer and a 10-class
``make_classification`` problem), class-conditional noise on 10%, 20% and 40% of the training
labels with a sparse or a dense noise matrix, two base models (``LogisticRegression`` and a small
``HistGradientBoostingClassifier``), ``--seeds`` draws of the train/test split and the noise.

For each draw and base model, the out-of-fold ``pred_probs`` are computed once (5 folds) and
given to every strategy that can use them (the later rounds of iterated detection cross-validate
again, on the kept examples). Each model is scored on the clean test labels:

* the base model trained on the noisy labels, on the true labels, and on the truly clean examples
  only (the *oracle*);
* cleanlab 2.9.0's ``CleanLearning`` (its defaults) given the same ``pred_probs``: the reference;
* ``ConfidentLearningClassifier`` with each strategy (``STRATEGIES``), and with its defaults.

Every ``ConfidentLearningClassifier`` uses ``min_examples_per_class=10``, as ``CleanLearning``.
The summary is the fraction of the gap between "trained on the noisy labels" and the oracle that
each closes, ``sum(accuracy - noisy) / sum(oracle - noisy)`` over the cells (a gap-weighted mean),
per dataset and over the grid. The detection table gives the precision, recall and F1 of each
rule against the injected flips. The cost table gives each strategy's time (cross-validation
included) relative to one fit of the base model on all the training data, in the same run.

    python benchmarks/bench_learning.py                   # the full grid, 5 seeds, 2 processes
    python benchmarks/bench_learning.py --seeds 1 --datasets digits wine
    python benchmarks/bench_learning.py --load results.pkl   # tables of a saved run
    python benchmarks/bench_learning.py --memory --strategies "round_tol 0.1"
        # the reference, the default and these, sharing cross-validations (no cost table)
"""

import argparse
import os
import pickle
import tempfile
import time
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_digits, load_wine, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_noisy import ConfidentLearningClassifier
from sklearn_noisy.filter import find_label_issues
from sklearn_noisy.noise_generation import generate_noisy_labels

NOISE_LEVELS = (0.1, 0.2, 0.4)
SPARSITIES = ("sparse", "dense")
MIN_EXAMPLES_PER_CLASS = 10
#: What identifies a run: a draw and a base model.
DRAW_KEYS = ("dataset", "noise", "sparsity", "model", "seed")
MODELS = {
    "logreg": LogisticRegression(max_iter=1000),
    "hgb": HistGradientBoostingClassifier(max_iter=10, max_leaf_nodes=8, min_samples_leaf=5,
                                          learning_rate=0.3, early_stopping=False),
}
REFERENCE = {"preset": "reference"}
NO_REWEIGHT = {"preset": "reference", "reweight": False}
#: name -> (parameters of ConfidentLearningClassifier, which pred_probs it is given)
STRATEGIES = {
    "ours, preset=reference": (REFERENCE, "cv5"),
    "no reweight": (NO_REWEIGHT, "cv5"),
    "predicted_neq_given": ({**NO_REWEIGHT, "filter_by": "predicted_neq_given"}, "cv5"),
    "low_self_confidence": ({**NO_REWEIGHT, "filter_by": "low_self_confidence"}, "cv5"),
    "prune_by_class": ({**NO_REWEIGHT, "filter_by": "prune_by_class"}, "cv5"),
    "relabel all": ({**NO_REWEIGHT, "relabel_margin": 0.0}, "cv5"),
    "relabel margin 0.5": ({**NO_REWEIGHT, "relabel_margin": 0.5}, "cv5"),
    "2 rounds": ({**NO_REWEIGHT, "detection_rounds": 2}, "cv5"),
    "3 rounds": ({**NO_REWEIGHT, "detection_rounds": 3}, "cv5"),
    "temperature": ({**NO_REWEIGHT, "calibration": "temperature"}, "cv5"),
    "ensemble logreg+hgb": (NO_REWEIGHT, "ensemble"),
    # The recommended preset of the previous release.
    "3 rounds, temperature": ({**NO_REWEIGHT, "detection_rounds": 3,
                               "calibration": "temperature"}, "cv5"),
    # preset='recommended': prune_by_noise_rate, no reweighting, 3 rounds, the estimator's
    # out-of-fold probabilities averaged with those of a second model of another kind (here
    # the other base model: the small gradient boosting next to the logistic regression, a
    # logistic regression next to the gradient boosting), in every round; also flagged, the
    # examples that neither model predicts with their label (consensus); readmitted, the
    # flagged examples that filter_by no longer flags on the probabilities of the models
    # trained on the kept ones (unless neither model predicts their label).
    "default": ({}, "cv5"),
    # One option away from it: the readmission by prediction (the previous default), and
    # without the consensus (the default before it); then both changed.
    "readmit by prediction": ({"readmit_rule": "prediction"}, "cv5"),
    "no consensus": ({"consensus": False}, "cv5"),
    "no consensus, readmit by prediction": ({"consensus": False, "readmit_rule": "prediction"},
                                            "cv5"),
    # The recommended preset with early stopping of the detection rounds: a round that flags
    # at most this fraction of the issues flagged so far is not applied and ends the rounds
    # (its models then serve the readmission).
    "round_tol 0.1": ({"round_tol": 0.1}, "cv5"),
    "round_tol 0.25": ({"round_tol": 0.25}, "cv5"),
    # The readmission by the models of the last round: one cross-validation fewer.
    "readmit last_round": ({"readmit": "last_round"}, "cv5"),
}
#: The costlier strategies, measured with --extra (10 more fits, or a second model in every
#: round).
EXTRA_STRATEGIES = {
    "10 folds": (NO_REWEIGHT, "cv10"),
    "3 rounds, ensemble": ({**NO_REWEIGHT, "detection_rounds": 3, "extra_estimators": "other"},
                           "cv5"),
}
#: Detection rules scored against the injected flips: filter_by on the 5-fold pred_probs.
FILTER_BY = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
             "predicted_neq_given", "low_normalized_margin", "low_self_confidence")


def datasets():
    return {
        "digits": load_digits(return_X_y=True),
        "make_classification": make_classification(
            n_samples=1200, n_features=20, n_informative=10, n_redundant=2, n_classes=10,
            n_clusters_per_class=1, class_sep=1.5, random_state=0),
        "wine": load_wine(return_X_y=True),
        "breast_cancer": load_breast_cancer(return_X_y=True),
    }


def noise_matrix(n_classes, noise_level, sparse, rng):
    """P(given = i | true = j) at [i, j]. Each class keeps 1 - noise_level of its labels and
    sends the rest to the other classes: evenly ('dense'), or to about 40% of them with random
    shares ('sparse'). Every off-diagonal rate stays below the kept rate."""
    matrix = np.zeros((n_classes, n_classes))
    for true in range(n_classes):
        others = np.delete(np.arange(n_classes), true)
        if sparse:
            targets = rng.permutation(len(others))[:max(1, round(0.4 * len(others)))]
            shares = np.zeros(len(others))
            shares[targets] = rng.dirichlet(np.ones(len(targets)))
        else:
            shares = np.full(len(others), 1 / len(others))
        cap = 0.95 * (1 - noise_level)
        shares = np.minimum(shares * noise_level, cap)
        # Spread what the cap removed over the other targets that are below it.
        room = (shares > 0) & (shares < cap)
        room = room if room.any() else shares < cap
        shares[room] += (noise_level - shares.sum()) / room.sum()
        matrix[others, true] = shares
        matrix[true, true] = 1 - noise_level
    return matrix


def timed(function, *args, **kwargs):
    start = time.process_time()
    result = function(*args, **kwargs)
    return result, time.process_time() - start


def fit_score(model, X, y, X_test, y_test):
    fitted, seconds = timed(clone(model).fit, X, y)
    return fitted.score(X_test, y_test), seconds


def out_of_fold(model, X, y, n_splits, seed):
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=seed)
    return timed(cross_val_predict, clone(model), X, y, cv=folds, method="predict_proba")


def detection(issues, flipped):
    """(precision, recall, F1) of a mask of issues against the mask of injected flips."""
    hits = np.sum(issues & flipped)
    precision = hits / max(issues.sum(), 1)
    recall = hits / max(flipped.sum(), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)


def one_draw(name, X, y, noise_level, sparsity, seed, strategies, memory=False):
    """Everything measured on one draw, for both base models: a list of result dicts.

    ``memory``: our strategies share their cross-validations through a joblib cache of the
    draw (their times are then not comparable, and are not kept).
    """
    if memory is True:
        with tempfile.TemporaryDirectory() as location:
            rows = one_draw(name, X, y, noise_level, sparsity, seed, strategies, location)
        for row in rows:
            row["seconds"] = {}
        return rows
    from cleanlab.classification import CleanLearning

    rng = np.random.default_rng(seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y,
                                                        random_state=seed)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    matrix = noise_matrix(len(np.unique(y)), noise_level, sparsity == "sparse", rng)
    # Exact counts per (given, true) pair, rounded so that each class loses its share.
    noisy = generate_noisy_labels(y_train, matrix, random_state=seed)
    flipped = noisy != y_train
    probs = {model: out_of_fold(MODELS[model], X_train, noisy, 5, seed) for model in MODELS}
    results = []
    for model_name, model in MODELS.items():
        pred_probs, cv_seconds = probs[model_name]
        given = {
            "cv5": (pred_probs, cv_seconds),
            "cv10": (out_of_fold(model, X_train, noisy, 10, seed) if "10 folds" in strategies
                     else None),
            "ensemble": (np.mean([p for p, _ in probs.values()], axis=0),
                         sum(s for _, s in probs.values())),
        }
        noisy_score, fit_seconds = fit_score(model, X_train, noisy, X_test, y_test)
        row = {
            "dataset": name, "noise": noise_level, "sparsity": sparsity, "model": model_name,
            "seed": seed, "actual noise": flipped.mean(), "fit seconds": fit_seconds,
            "acc": {
                "noisy labels": noisy_score,
                "true labels": fit_score(model, X_train, y_train, X_test, y_test)[0],
                "oracle": fit_score(model, X_train[~flipped], noisy[~flipped], X_test,
                                    y_test)[0],
            },
            "seconds": {}, "detection": {},
        }
        reference = CleanLearning(clone(model), find_label_issues_kwargs={"n_jobs": 1})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "X and pred_probs both provided"
            _, seconds = timed(reference.fit, X_train, noisy, pred_probs=pred_probs)
        row["acc"]["cleanlab"] = reference.score(X_test, y_test)
        row["seconds"]["cleanlab"] = seconds + cv_seconds
        row["detection"]["cleanlab"] = detection(reference.label_issues_mask, flipped)
        for strategy, (params, source) in strategies.items():
            strategy_probs, source_seconds = given[source]
            if params.get("extra_estimators") == "other":
                params = {**params, "extra_estimators": [
                    clone(m) for other, m in MODELS.items() if other != model_name]}
            ours = ConfidentLearningClassifier(
                clone(model), min_examples_per_class=MIN_EXAMPLES_PER_CLASS, random_state=seed,
                memory=memory or None, **params)
            try:
                _, seconds = timed(ours.fit, X_train, noisy, pred_probs=strategy_probs)
            except ValueError:  # a whole class flagged: fall back to the noisy labels
                row["failed"] = row.get("failed", []) + [strategy]
                row["acc"][strategy], row["seconds"][strategy] = noisy_score, np.nan
                row["detection"][strategy] = (np.nan,) * 3
                continue
            row["acc"][strategy] = ours.score(X_test, y_test)
            row["seconds"][strategy] = seconds + source_seconds
            row["detection"][strategy] = detection(ours.label_issues_, flipped)
            if strategy == "ours, preset=reference":
                row["same issues as cleanlab"] = bool(np.array_equal(
                    reference.label_issues_mask, ours.label_issues_))
        for filter_by in FILTER_BY:
            issues = find_label_issues(noisy, pred_probs, filter_by=filter_by,
                                       min_examples_per_class=MIN_EXAMPLES_PER_CLASS)
            row["detection"][f"filter_by={filter_by}"] = detection(issues, flipped)
        results.append(row)
    return results


def gap_closed(rows, column):
    gained = sum(r["acc"][column] - r["acc"]["noisy labels"] for r in rows)
    gap = sum(r["acc"]["oracle"] - r["acc"]["noisy labels"] for r in rows)
    return gained / gap


def worse_cells(rows, column):
    """The cells where ``column`` is below cleanlab by more than the std of cleanlab's accuracy
    over seeds: {cell: (mean difference, std)}."""
    worse = {}
    for cell, block in group(rows, "dataset", "model", "noise", "sparsity").items():
        diff = np.mean([r["acc"][column] - r["acc"]["cleanlab"] for r in block])
        std = np.std([r["acc"]["cleanlab"] for r in block], ddof=1) if len(block) > 1 else 0
        if diff < -std:
            worse[cell] = (diff, std)
    return worse


def group(rows, *keys):
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[key] for key in keys), []).append(row)
    return groups


def print_tables(rows, seconds):
    columns = ["cleanlab"] + [c for c in rows[0]["acc"] if c in STRATEGIES or
                              c in EXTRA_STRATEGIES]
    print("## Fraction of the (oracle - noisy) gap closed, sum(acc - noisy) / sum(oracle - noisy)")
    print()
    print("| rows | " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    blocks = list(group(rows, "dataset", "model").items()) + [
        ((model, "all datasets"), r) for (model,), r in group(rows, "model").items()
    ] + [(("grid", ""), rows)]
    for key, block in blocks:
        cells = " | ".join(f"{gap_closed(block, c):.2f}" for c in columns)
        print(f"| {' '.join(key).strip()} | {cells} |")
    reference = gap_closed(rows, "cleanlab")
    print()
    print("Ratio to the reference over the grid: " + ", ".join(
        f"{c} {gap_closed(rows, c) / reference:.2f}x" for c in columns[1:]))
    print("Cells worse than the reference by more than one std of its accuracy over seeds: "
          + ", ".join(f"{c} {len(worse_cells(rows, c))}" for c in columns[1:]))

    print()
    print("## Clean-test accuracy per cell (mean over seeds; std: of cleanlab's accuracy over "
          "seeds)")
    print()
    print("| dataset | model | noise | sparsity | noisy | oracle | true | cleanlab | default "
          "| best strategy | default - cleanlab | std | worse by > 1 std |")
    print("| --- | --- | --- | --- |" + " ---: |" * 8 + " :---: |")
    n_worse = 0
    cells = group(rows, "dataset", "model", "noise", "sparsity")
    for (dataset, model, noise, sparsity), block in cells.items():
        mean = {c: np.mean([r["acc"][c] for r in block]) for c in block[0]["acc"]}
        best = max(columns[1:], key=lambda c: mean[c])
        diff = [r["acc"]["default"] - r["acc"]["cleanlab"] for r in block]
        std = np.std([r["acc"]["cleanlab"] for r in block], ddof=1) if len(block) > 1 else 0
        worse = np.mean(diff) < -std
        n_worse += worse
        print(f"| {dataset} | {model} | {noise:.0%} | {sparsity} | {mean['noisy labels']:.3f} "
              f"| {mean['oracle']:.3f} | {mean['true labels']:.3f} | {mean['cleanlab']:.3f} "
              f"| {mean['default']:.3f} | {best} {mean[best]:.3f} | {np.mean(diff):+.3f} "
              f"| {std:.3f} | {'WORSE' if worse else ''} |")
    print(f"\nCells where the default is worse than cleanlab by more than one std of cleanlab's "
          f"accuracy over seeds: {n_worse} of {len(cells)}.")
    same = np.mean([r["same issues as cleanlab"] for r in rows])
    print(f"preset='reference' flags exactly cleanlab's issues in {same:.0%} of the runs.")
    failed = [(r["dataset"], r["model"], s) for r in rows for s in r.get("failed", [])]
    if failed:
        print(f"Fits that flagged a whole class (scored as trained on the noisy labels): "
              f"{len(failed)}: {sorted(set(failed))}")

    print()
    print("## Detection against the injected flips: precision / recall / F1 (mean over runs)")
    print()
    rules = list(rows[0]["detection"])
    print("| rule | " + " | ".join(d for (d,) in group(rows, "dataset")) + " | all |")
    print("| --- |" + " ---: |" * (len(group(rows, "dataset")) + 1))
    for rule in rules:
        cells = [np.nanmean([r["detection"][rule] for r in block], axis=0)
                 for block in list(group(rows, "dataset").values()) + [rows]]
        print(f"| {rule} | " + " | ".join(f"{p:.2f} / {r:.2f} / {f:.2f}" for p, r, f in cells)
              + " |")

    if not rows[0]["seconds"]:
        print(f"\n{len(rows)} runs, {seconds:.0f} s of wall time (shared cache: no cost table).")
        return
    print()
    print("## Cost: CPU time (cross-validation included) / one fit on all the training data")
    print()
    print("| model | " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for (model,), block in group(rows, "model").items():
        ratios = [np.nanmedian([r["seconds"][c] / r["fit seconds"] for r in block])
                  for c in columns]
        print(f"| {model} | " + " | ".join(f"{x:.1f}" for x in ratios) + " |")
    print(f"\n{len(rows)} runs, {seconds:.0f} s of wall time.")


def load(paths):
    """The rows of saved runs and the sum of their wall times. The files are merged draw by
    draw: each draw gets the columns of every file that has it, and only the columns that
    every draw then has are kept."""
    merged, total = {}, 0.0
    for path in paths:
        with open(path, "rb") as file:
            rows, seconds = pickle.load(file)
        total += seconds
        for row in rows:
            key = tuple(row[k] for k in DRAW_KEYS)
            if key not in merged:
                merged[key] = row
                continue
            for part in ("acc", "seconds", "detection"):
                merged[key][part] = {**row[part], **merged[key][part]}
    rows = list(merged.values())
    shared = set.intersection(*(set(r["acc"]) for r in rows))
    for row in rows:
        for part in ("acc", "seconds", "detection"):
            row[part] = {k: v for k, v in row[part].items()
                         if k in shared or k.startswith("filter_by=")}
    return rows, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5,
                        help="draws per cell (default 5: with 3, the std over seeds that "
                             "judges a cell is often 0.000-0.008, a test example or two)")
    parser.add_argument("--first-seed", type=int, default=0,
                        help="the seeds are first-seed, first-seed + 1, ... (default 0)")
    parser.add_argument("--datasets", nargs="*", default=None, help="a subset of the datasets")
    parser.add_argument("--noise", type=float, nargs="*", default=NOISE_LEVELS,
                        help="a subset of the noise levels")
    parser.add_argument("--sparsity", nargs="*", default=SPARSITIES, choices=SPARSITIES,
                        help="a subset of the noise matrices")
    parser.add_argument("--n-jobs", type=int, default=2, help="draws run in parallel (default 2)")
    parser.add_argument("--extra", action="store_true",
                        help="also the costlier strategies (10 folds; ensemble in every round)")
    parser.add_argument("--strategies", nargs="*", default=None,
                        help="only these strategies (names of STRATEGIES or EXTRA_STRATEGIES), "
                             "besides 'ours, preset=reference' and 'default'")
    parser.add_argument("--memory", action="store_true",
                        help="share our strategies' cross-validations through a cache per draw "
                             "(faster; no cost table)")
    parser.add_argument("--without-default", action="store_true",
                        help="with --strategies: not the default (to add strategies to a saved "
                             "run; the tables then need the rows of both)")
    parser.add_argument("--save", help="pickle the results to this file")
    parser.add_argument("--load", nargs="*",
                        help="print the tables of results saved with --save; the strategies of "
                             "several files are merged, draw by draw (the draws all have)")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.load:
        rows, seconds = load(args.load)
        print_tables(rows, seconds)
        return
    strategies = {**STRATEGIES, **(EXTRA_STRATEGIES if args.extra else {})}
    if args.strategies is not None:
        names = dict.fromkeys(["ours, preset=reference", *args.strategies]
                              + ([] if args.without_default else ["default"]))
        strategies = {name: {**STRATEGIES, **EXTRA_STRATEGIES}[name] for name in names}
    data = {k: v for k, v in datasets().items() if args.datasets is None or k in args.datasets}
    jobs = [  # seed first: an interrupted run has every cell at the same number of seeds
        delayed(one_draw)(name, X, y, noise, sparsity, seed, strategies, args.memory)
        for seed in range(args.first_seed, args.first_seed + args.seeds)
        for name, (X, y) in data.items()
        for noise in args.noise
        for sparsity in args.sparsity
    ]
    # One BLAS/OpenMP thread per process: the draws are the parallelism.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    rows = []
    for done, draw in enumerate(Parallel(n_jobs=args.n_jobs, return_as="generator")(jobs)):
        rows.extend(draw)
        seconds = time.perf_counter() - start
        print(f"{done + 1}/{len(jobs)} draws, {seconds:.0f} s", flush=True)
        if args.save:  # after every draw, so that an interrupted run can still be read
            with open(args.save, "wb") as file:
                pickle.dump((rows, seconds), file)
    print_tables(rows, seconds)


if __name__ == "__main__":
    main()
