"""Learning with noisy labels: clean-test accuracy of ConfidentLearningClassifier and cleanlab.

For each dataset (scikit-learn's digits, a make_classification problem) and noise level
(10%, 20%, 40% of the training labels wrong, class-conditional and asymmetric, as in the
confident-learning paper), the script splits the data in half, corrupts the training labels,
computes one set of out-of-fold ``pred_probs`` by 5-fold cross-validation of the base model
(a LogisticRegression on standardised features), and trains on the noisy labels:

* the base model on all noisy labels (the baseline), and on the true labels (the ceiling);
* ``ConfidentLearningClassifier`` for each ``filter_by``, given those ``pred_probs``;
* cleanlab 2.9.0's ``CleanLearning`` with the same base model, the same ``pred_probs`` and the
  same ``filter_by`` and ``min_examples_per_class`` (10, CleanLearning's default).

It prints the accuracy on the clean test labels, averaged over ``--seeds`` draws of the split
and the noise, as a markdown table.

    python benchmarks/bench_learning.py              # 3 seeds, about a few minutes
    python benchmarks/bench_learning.py --seeds 1    # quicker
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_noisy import ConfidentLearningClassifier

NOISE_LEVELS = (0.1, 0.2, 0.4)
FILTER_BY = ("prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
             "predicted_neq_given", "low_normalized_margin", "low_self_confidence")
MIN_EXAMPLES_PER_CLASS = 10
BASE_MODEL = LogisticRegression(max_iter=2000)


def datasets():
    digits = load_digits(return_X_y=True)
    synthetic = make_classification(n_samples=3000, n_features=20, n_informative=8,
                                    n_redundant=2, n_classes=4, n_clusters_per_class=1,
                                    class_sep=1.0, random_state=0)
    return {"digits": digits, "make_classification": synthetic}


def noise_matrix(n_classes, noise_level, rng):
    """P(given = i | true = j) at [i, j]: each class keeps 1 - noise_level of its labels and
    sends the rest to a few other classes (a sparse Dirichlet draw), so the noise is
    asymmetric while every true class stays its labels' most likely given label."""
    matrix = np.zeros((n_classes, n_classes))
    for true in range(n_classes):
        others = np.delete(np.arange(n_classes), true)
        shares = rng.dirichlet(np.full(n_classes - 1, 0.3))
        # Cap every off-diagonal rate below the kept rate, spreading any excess evenly.
        shares = np.minimum(shares * noise_level, 0.95 * (1 - noise_level))
        shares += (noise_level - shares.sum()) / len(shares)
        matrix[others, true] = shares
        matrix[true, true] = 1 - noise_level
    return matrix


def corrupt(y, matrix, rng):
    """Relabel exactly round(matrix[i, j] * n_j) examples of true class j as class i."""
    noisy = y.copy()
    for true in range(matrix.shape[1]):
        members = rng.permutation(np.flatnonzero(y == true))
        start = 0
        for given in range(matrix.shape[0]):
            if given != true:
                count = round(matrix[given, true] * len(members))
                noisy[members[start:start + count]] = given
                start += count
    return noisy


def one_run(X, y, noise_level, seed):
    """Clean-test accuracies of every model on one draw; returns a dict name -> accuracy."""
    from cleanlab.classification import CleanLearning

    rng = np.random.default_rng(seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y,
                                                        random_state=seed)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    noisy = corrupt(y_train, noise_matrix(len(np.unique(y)), noise_level, rng), rng)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    pred_probs = cross_val_predict(clone(BASE_MODEL), X_train, noisy, cv=folds,
                                   method="predict_proba")
    scores = {
        "noisy labels": clone(BASE_MODEL).fit(X_train, noisy).score(X_test, y_test),
        "true labels": clone(BASE_MODEL).fit(X_train, y_train).score(X_test, y_test),
        "actual noise": np.mean(noisy != y_train),
    }
    for filter_by in FILTER_BY:
        ours = ConfidentLearningClassifier(clone(BASE_MODEL), filter_by=filter_by,
                                           min_examples_per_class=MIN_EXAMPLES_PER_CLASS)
        ours.fit(X_train, noisy, pred_probs=pred_probs)
        kwargs = {"filter_by": filter_by, "min_examples_per_class": MIN_EXAMPLES_PER_CLASS,
                  "n_jobs": 1}
        reference = CleanLearning(clone(BASE_MODEL), find_label_issues_kwargs=kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "X and pred_probs both provided", frac_noise
            reference.fit(X_train, noisy, pred_probs=pred_probs)
        scores[("ours", filter_by)] = ours.score(X_test, y_test)
        scores[("cleanlab", filter_by)] = reference.score(X_test, y_test)
        scores[("same issues", filter_by)] = np.array_equal(ours.label_issues_,
                                                            reference.label_issues_mask)
    return scores


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="draws to average (default 3)")
    args = parser.parse_args()
    start = time.perf_counter()
    print("| dataset | noise | model | ours | cleanlab 2.9.0 | same issues |")
    print("| --- | --- | --- | ---: | ---: | :---: |")
    for name, (X, y) in datasets().items():
        for noise_level in NOISE_LEVELS:
            runs = [one_run(X, y, noise_level, seed) for seed in range(args.seeds)]
            mean = {key: np.mean([run[key] for run in runs]) for key in runs[0]}
            label = f"{noise_level:.0%} ({mean['actual noise']:.1%})"
            print(f"| {name} | {label} | trained on noisy labels | {mean['noisy labels']:.4f} "
                  "| | |")
            for filter_by in FILTER_BY:
                same = "yes" if mean[("same issues", filter_by)] == 1 else "no"
                print(f"| {name} | {label} | {filter_by} | {mean[('ours', filter_by)]:.4f} "
                      f"| {mean[('cleanlab', filter_by)]:.4f} | {same} |")
            print(f"| {name} | {label} | trained on true labels | {mean['true labels']:.4f} "
                  "| | |")
    print(f"\n{args.seeds} seed(s), {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
