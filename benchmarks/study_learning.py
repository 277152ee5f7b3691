"""The study behind the default of ConfidentLearningClassifier: detection variants on the grid.

The draws are those of ``bench_learning.py`` (same datasets, noise, splits and seeds). Each
variant is a detection rule that runs once per draw, and both base models (``MODELS``) are
fitted on what it keeps; with an ensemble of the two base models the detection is the same for
both, which makes the study cheaper than the benchmark. Each draw is cached in ``--cache``
(the data, the 5-fold out-of-fold probabilities, the baselines and every variant's results),
so that variants can be added and re-reported without recomputing the others.

A variant is a dict: ``members`` (base models whose out-of-fold probabilities are averaged;
default: the base model alone), ``rounds`` (detection rounds), ``mode`` ('accumulate': each
round flags more among the kept examples; 'readmit': each round detects again over all the
examples, the flagged ones predicted by the models of every fold; 'cap': as 'accumulate', at
most ``cap`` times the first round's count), ``filter_by``, ``temperature``, ``readmission``
('after': one readmission after the last round, also reported without it as the variant's name
and with it as ``name + readmission``), ``relabel`` (margins, each reported as ``name +
relabel m``).

    python benchmarks/study_learning.py --seeds 0 --variants "ensemble, 3 rounds"
    python benchmarks/study_learning.py --report "ensemble, 3 rounds + readmission"
"""

import argparse
import glob
import os
import pickle
import sys
import time

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_learning as bench  # noqa: E402

from sklearn_noisy import ConfidentLearningClassifier  # noqa: E402
from sklearn_noisy._strategies import temperature_scale  # noqa: E402
from sklearn_noisy.filter import find_label_issues  # noqa: E402
from sklearn_noisy.noise_generation import generate_noisy_labels  # noqa: E402

MODELS = bench.MODELS
#: Models whose out-of-fold probabilities can be averaged (the base models and cheaper ones).
MEMBERS = {**MODELS, "knn": make_pipeline(StandardScaler(), KNeighborsClassifier(10))}
ENSEMBLE = ["logreg", "hgb"]
VARIANTS = {
    "ensemble, 1 round": {"members": ENSEMBLE},
    # For the logistic regression only: a cheaper second model than the gradient boosting.
    "logreg+knn, 3 rounds": {"members": ["logreg", "knn"], "rounds": 3,
                             "readmission": "after"},
    "weighted ensemble, 3 rounds": {"members": ENSEMBLE, "rounds": 3, "weighted": True,
                                    "readmission": "after"},
    "ensemble, 3 rounds": {"members": ENSEMBLE, "rounds": 3, "readmission": "after",
                           "relabel": [0.6, 0.9]},
    "ensemble, 3 rounds, temperature": {"members": ENSEMBLE, "rounds": 3, "temperature": True},
    "ensemble, 3 rounds, low_self_confidence": {"members": ENSEMBLE, "rounds": 3,
                                                "filter_by": "low_self_confidence"},
    "ensemble, 3 rounds, both": {"members": ENSEMBLE, "rounds": 3, "filter_by": "both"},
    "ensemble, 4 re-detecting rounds": {"members": ENSEMBLE, "rounds": 4, "mode": "readmit"},
    "one model, 4 re-detecting rounds": {"rounds": 4, "mode": "readmit"},
    "one model, 3 rounds capped": {"rounds": 3, "mode": "cap"},
    "one model, 3 rounds": {"rounds": 3},
}
MIN_EXAMPLES_PER_CLASS = bench.MIN_EXAMPLES_PER_CLASS


def fold_probs(members, X, y, seed, X_other=None, combine=None):
    """Combination (default: the mean) over ``members`` of the out-of-fold probabilities of
    ``(X, y)``, and of the fold models' mean probabilities of ``X_other``."""
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    n_classes = len(np.unique(y))
    probs, others = [], []
    for member in members:
        p = np.zeros((len(y), n_classes))
        other = None if X_other is None else np.zeros((len(X_other), n_classes))
        for train, test in folds.split(X, y):
            model = clone(MEMBERS[member]).fit(X[train], y[train])
            p[test] = model.predict_proba(X[test])
            if other is not None and len(X_other):
                other += model.predict_proba(X_other) / folds.n_splits
        probs.append(p)
        others.append(other)
    weights = (combine or equal_weights)(probs, y)
    mean = np.tensordot(weights, probs, axes=1)
    return mean, None if X_other is None else np.tensordot(weights, others, axes=1)


def equal_weights(probs, y):
    return np.full(len(probs), 1 / len(probs))


def log_loss_weights(probs, y, grid=np.linspace(0, 1, 5)):
    """For two members: the weight of the first, on ``grid``, that minimises the log loss of
    the given labels ``y`` of the weighted mean."""
    if len(probs) != 2:
        return equal_weights(probs, y)
    rows = np.arange(len(y))
    losses = [-np.mean(np.log(np.clip(w * probs[0][rows, y] + (1 - w) * probs[1][rows, y],
                                      1e-12, None))) for w in grid]
    w = grid[int(np.argmin(losses))]
    return np.array([w, 1 - w])


def draw(key, cache):
    """The data, out-of-fold probabilities and baselines of one draw (cached)."""
    path = os.path.join(cache, "_".join(map(str, key)) + ".pkl")
    if os.path.exists(path):
        with open(path, "rb") as file:
            return path, pickle.load(file)
    name, noise_level, sparsity, seed = key
    X, y = bench.datasets()[name]
    rng = np.random.default_rng(seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y,
                                                        random_state=seed)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    matrix = bench.noise_matrix(len(np.unique(y)), noise_level, sparsity == "sparse", rng)
    noisy = generate_noisy_labels(y_train, matrix, random_state=seed)
    flipped = noisy != y_train
    probs = {m: bench.out_of_fold(MODELS[m], X_train, noisy, 5, seed)[0] for m in MODELS}
    acc = {}
    for m, model in MODELS.items():
        reference = ConfidentLearningClassifier(
            clone(model), preset="reference", min_examples_per_class=MIN_EXAMPLES_PER_CLASS,
            random_state=seed).fit(X_train, noisy, pred_probs=probs[m])
        acc[m] = {
            "noisy": clone(model).fit(X_train, noisy).score(X_test, y_test),
            "oracle": clone(model).fit(X_train[~flipped], noisy[~flipped]).score(X_test, y_test),
            "reference": reference.score(X_test, y_test),
        }
    return path, {"key": key, "X_train": X_train, "X_test": X_test, "y_test": y_test,
                  "noisy": noisy, "flipped": flipped, "probs": probs, "acc": acc, "res": {}}


def issues_of(labels, probs, variant):
    return find_label_issues(labels, probs, filter_by=variant.get("filter_by",
                                                                  "prune_by_noise_rate"),
                             min_examples_per_class=MIN_EXAMPLES_PER_CLASS)


def detect(d, variant, base):
    """(issues, issues after a readmission or None, pred_probs of the first round)."""
    X, y, seed = d["X_train"], d["noisy"], d["key"][3]
    members = variant.get("members") or [base]

    def calibrated(probs, labels):
        if variant.get("temperature"):
            return temperature_scale(probs, labels, random_state=seed)
        return probs

    combine = log_loss_weights if variant.get("weighted") else equal_weights
    for m in set(members) - set(d["probs"]):  # a member that is not a base model
        d["probs"][m] = bench.out_of_fold(MEMBERS[m], X, y, 5, seed)[0]
    members_probs = [d["probs"][m] for m in members]
    first = calibrated(np.tensordot(combine(members_probs, y), members_probs, axes=1), y)
    issues = issues_of(y, first, variant)
    n_first = issues.sum()
    mode = variant.get("mode", "accumulate")
    for _ in range(1, variant.get("rounds", 1)):
        kept, out = np.flatnonzero(~issues), np.flatnonzero(issues)
        if np.bincount(y[kept], minlength=first.shape[1]).min() < 5:
            break
        if mode == "readmit":
            probs = np.empty_like(first)
            probs[kept], probs[out] = fold_probs(members, X[kept], y[kept], seed, X[out], combine)
            new = issues_of(y, calibrated(probs, y), variant)
            if np.array_equal(new, issues):
                break
            issues = new
            continue
        probs = calibrated(fold_probs(members, X[kept], y[kept], seed, None, combine)[0], y[kept])
        new = kept[issues_of(y[kept], probs, variant)]
        if mode == "cap":
            room = max(0, int(variant.get("cap", 1.0) * n_first) - issues.sum())
            new = new[np.argsort(probs[np.isin(kept, new), y[new]], kind="stable")[:room]]
        if not len(new):
            break
        issues = issues.copy()
        issues[new] = True
    readmitted = None
    if variant.get("readmission") == "after":
        kept, out = np.flatnonzero(~issues), np.flatnonzero(issues)
        probs = np.empty_like(first)
        probs[kept], probs[out] = fold_probs(members, X[kept], y[kept], seed, X[out], combine)
        readmitted = issues & issues_of(y, probs, {})
    return issues, readmitted, first


def score(d, issues, base, probs=None, relabel=None):
    """Clean-test accuracy of ``base`` trained without the issues (or relabelling some)."""
    labels, keep = d["noisy"].copy(), ~issues
    if relabel is not None:
        rows = np.arange(len(labels))
        predicted = probs.argmax(axis=1)
        chosen = issues & (probs[rows, predicted] - probs[rows, labels] >= relabel)
        labels[chosen], keep = predicted[chosen], keep | chosen
    model = clone(MODELS[base]).fit(d["X_train"][keep], labels[keep])
    return model.score(d["X_test"], d["y_test"])


def run(key, variants, cache):
    path, d = draw(key, cache)
    for name, variant in variants.items():
        if name in d["res"]:
            continue
        start = time.process_time()
        results = {}
        shared = None
        for base in MODELS:
            if shared is None or not variant.get("members"):
                shared = detect(d, variant, base)
            issues, readmitted, probs = shared
            outcomes = {name: issues}
            if readmitted is not None:
                outcomes[name + " + readmission"] = readmitted
            for label, mask in outcomes.items():
                hits = np.sum(mask & d["flipped"])
                results.setdefault(label, {})[base] = {
                    "acc": score(d, mask, base), "precision": hits / max(mask.sum(), 1),
                    "recall": hits / max(d["flipped"].sum(), 1)}
            for margin in variant.get("relabel", ()):
                results.setdefault(f"{name} + relabel {margin}", {})[base] = dict(
                    results[name][base], acc=score(d, issues, base, probs, margin))
        for label, result in results.items():
            d["res"][label] = {**result, "cpu": time.process_time() - start}
    with open(path, "wb") as file:
        pickle.dump(d, file)
    return {k: d[k] for k in ("key", "acc", "res")}


def report(rows, names):
    """Gap closed per dataset and model, ratio to the reference, cells below it."""
    def gap(block, column):
        lost = sum(r["acc"][m]["oracle"] - r["acc"][m]["noisy"] for r, m in block)
        won = sum((r["acc"][m]["reference"] if column == "reference"
                   else r["res"][column][m]["acc"]) - r["acc"][m]["noisy"] for r, m in block)
        return won / lost

    blocks = {}
    for r in rows:
        for m in MODELS:
            for label in (f"{r['key'][0]} {m}", f"all {m}", "grid"):
                blocks.setdefault(label, []).append((r, m))
    print("| rows | reference | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * (len(names) + 1))
    for label, block in sorted(blocks.items(), key=lambda kv: (kv[0] == "grid", kv[0])):
        cells = " | ".join(f"{gap(block, n):.2f}" for n in ["reference", *names])
        print(f"| {label} | {cells} |")
    cells = {}
    for r in rows:
        for m in MODELS:
            cells.setdefault((*r["key"][:3], m), []).append(r)
    print()
    for name in names:
        below = []
        for cell, block in cells.items():
            m = cell[3]
            reference = [r["acc"][m]["reference"] for r in block]
            ours = [r["res"][name][m]["acc"] for r in block]
            std = np.std(reference, ddof=1) if len(block) > 1 else 0.0
            if np.mean(ours) - np.mean(reference) < -std:
                below.append(f"{cell} {np.mean(ours) - np.mean(reference):+.3f} (std {std:.3f})")
        precision = np.mean([r["res"][name][m]["precision"] for r in rows for m in MODELS])
        recall = np.mean([r["res"][name][m]["recall"] for r in rows for m in MODELS])
        print(f"{name}: {gap(blocks['grid'], name) / gap(blocks['grid'], 'reference'):.2f}x the "
              f"reference; precision {precision:.2f}, recall {recall:.2f}; {len(below)} of "
              f"{len(cells)} cells below the reference by more than its std: {below}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--datasets", nargs="*", default=None, help="a subset of the datasets")
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--report", nargs="*", default=None,
                        help="report these result names from the cache, computing nothing")
    parser.add_argument("--cache", default="study_learning_cache")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    os.makedirs(args.cache, exist_ok=True)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    keys = [(name, noise, sparsity, seed) for seed in args.seeds for name in bench.datasets()
            for noise in bench.NOISE_LEVELS for sparsity in bench.SPARSITIES
            if args.datasets is None or name in args.datasets]
    if args.report is not None:
        rows = []
        for path in sorted(glob.glob(os.path.join(args.cache, "*.pkl"))):
            with open(path, "rb") as file:
                d = pickle.load(file)
            if d["key"][3] in args.seeds and all(n in d["res"] for n in args.report):
                rows.append(d)
        report(rows, args.report)
        return
    variants = {name: VARIANTS[name] for name in args.variants}
    rows = Parallel(n_jobs=args.n_jobs)(delayed(run)(key, variants, args.cache) for key in keys)
    names = [n for n in rows[0]["res"] if any(n.startswith(v) for v in variants)]
    report(rows, names)


if __name__ == "__main__":
    main()
