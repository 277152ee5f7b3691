"""Time the current-API additions against cleanlab 2.9.0 on the same inputs.

    python benchmarks/bench_current_api.py            # n=100,000 (multi-label: 20,000)
    python benchmarks/bench_current_api.py --quick    # small sizes: checks that everything runs

Prints one table: the median wall time of each function (ours, the reference's, their ratio)
and whether the results agree. Peak memory is not measured here (see bench_core.py).
"""

import argparse
import time
import warnings

import numpy as np


def multiclass(rng, n, k, dtype=np.float64):
    true = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k))
    logits[np.arange(n), true] += 2.5
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n) < 0.2, rng.integers(0, k, n), true)
    return labels, probs.astype(dtype)


def multilabel_data(rng, n, k):
    truth = rng.random((n, k)) < 0.3
    scores = np.where(truth, rng.uniform(0.35, 1, truth.shape), rng.uniform(0, 0.65, truth.shape))
    given = truth ^ (rng.random(truth.shape) < 0.05)
    return [list(np.flatnonzero(row)) for row in given], scores


def timed(function, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def same(a, b):
    if hasattr(a, "equals"):
        return bool(a.equals(b))
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import cleanlab.count as cl_count
    import cleanlab.filter as cl_filter
    import cleanlab.multilabel_classification.dataset as cl_dataset
    import cleanlab.multilabel_classification.filter as cl_ml_filter
    import cleanlab.multilabel_classification.rank as cl_ml_rank
    import cleanlab.rank as cl_rank
    from cleanlab.classification import CleanLearning as ReferenceCleanLearning
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy import count, filter, multilabel, multilabel_dataset, rank
    from sklearn_noisy.compat import CleanLearning

    rng = np.random.default_rng(0)
    n, n_ml = (3000, 1000) if args.quick else (100_000, 20_000)
    labels, pred_probs = multiclass(rng, n, 10)
    members = [pred_probs] + [multiclass(np.random.default_rng(s), n, 10)[1] for s in (1, 2)]
    ml_labels, ml_probs = multilabel_data(rng, n_ml, 8)
    X = np.zeros((n, 1))
    cases = [
        ("argmax confusion matrix", f"{n}x10",
         lambda: filter.find_label_issues_using_argmax_confusion_matrix(labels, pred_probs),
         lambda: cl_filter.find_label_issues_using_argmax_confusion_matrix(labels, pred_probs)),
        ("ensemble scores, log_loss_search", f"3 x {n}x10",
         lambda: rank.get_label_quality_ensemble_scores(
             labels, members, weight_ensemble_members_by="log_loss_search"),
         lambda: cl_rank.get_label_quality_ensemble_scores(
             labels, members, weight_ensemble_members_by="log_loss_search", verbose=False)),
        ("multi-label num_label_issues", f"{n_ml}x8",
         lambda: count.num_label_issues(ml_labels, ml_probs, multi_label=True),
         lambda: cl_count.num_label_issues(ml_labels, ml_probs, multi_label=True)),
        ("multi-label scores, softmin", f"{n_ml}x8",
         lambda: multilabel.get_label_quality_scores(
             ml_labels, ml_probs, aggregator_kwargs={"method": "softmin"}),
         lambda: cl_ml_rank.get_label_quality_scores(
             ml_labels, ml_probs, aggregator_kwargs={"method": "softmin"})),
        ("multi-label low_memory", f"{n_ml}x8",
         lambda: multilabel.find_label_issues(ml_labels, ml_probs, low_memory=True),
         lambda: cl_ml_filter.find_label_issues(ml_labels, ml_probs, low_memory=True)),
        ("rank_classes_by_multilabel_quality", f"{n_ml}x8",
         lambda: multilabel_dataset.rank_classes_by_multilabel_quality(ml_labels, ml_probs),
         lambda: cl_dataset.rank_classes_by_multilabel_quality(labels=ml_labels,
                                                               pred_probs=ml_probs)),
        ("CleanLearning.find_label_issues", f"{n}x10",
         lambda: CleanLearning(LogisticRegression()).find_label_issues(
             X, labels, pred_probs=pred_probs),
         lambda: ReferenceCleanLearning(LogisticRegression()).find_label_issues(
             X, labels, pred_probs=pred_probs)),
    ]
    print("| function | size | ours (s) | cleanlab 2.9.0 (s) | cleanlab / ours | same result |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for name, size, ours, theirs in cases:
        ours_time, ours_result = timed(ours, args.repeats)
        theirs_time, theirs_result = timed(theirs, args.repeats)
        print(f"| {name} | {size} | {ours_time:.3f} | {theirs_time:.3f} | "
              f"{theirs_time / ours_time:.1f} | {same(ours_result, theirs_result)} |")


if __name__ == "__main__":
    main()
