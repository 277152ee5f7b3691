"""
======================================================================
Learning with noisy labels across data distributions and classifiers
======================================================================

Three two-dimensional datasets with four classes, a third of whose training labels are wrong,
and four classifiers. Each classifier is trained three ways: on the true labels (what we would
get without noise), on the noisy labels, and on the noisy labels through
:class:`~sklearn_noisy.ConfidentLearningClassifier`, which finds the label issues by
cross-validation and trains on the rest. Every panel reports the three test accuracies, on a
test set with clean labels.

The noise is class-conditional: a noise matrix ``P(given label | true label)`` of trace 2.6
(so 35% of the labels are wrong on average), drawn by
:func:`~sklearn_noisy.noise_generation.generate_noise_matrix_from_trace`.
"""

# %%
# Three datasets, one noise matrix each
# -------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_blobs, make_moons
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from sklearn_noisy import ConfidentLearningClassifier
from sklearn_noisy.noise_generation import generate_noise_matrix_from_trace, generate_noisy_labels

N_TRAIN, N_TEST, K = 800, 1000, 4
rng = np.random.default_rng(0)


def blobs(n, seed):
    centers = [[-2, -2], [2, -2], [-2, 2], [2, 2]]
    return make_blobs(n, centers=centers, cluster_std=1.1, random_state=seed)


def rings(n, seed):
    generator = np.random.default_rng(seed)
    y = generator.integers(0, K, size=n)
    radius = 1 + y + generator.normal(0, 0.2, size=n)
    angle = generator.uniform(0, 2 * np.pi, size=n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), y


def two_moons_pairs(n, seed):
    X, half = make_moons(n, noise=0.15, random_state=seed)
    side = np.random.default_rng(seed).integers(0, 2, size=n)
    return X + np.column_stack([3 * side, np.zeros(n)]), half + 2 * side


datasets = {"blobs": blobs, "rings": rings, "moons": two_moons_pairs}
data = {}
for i, (name, make) in enumerate(datasets.items()):
    X_train, y_train = make(N_TRAIN, seed=i)
    X_test, y_test = make(N_TEST, seed=100 + i)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    py = np.bincount(y_train, minlength=K) / N_TRAIN
    noise_matrix = generate_noise_matrix_from_trace(K, 2.6, py=py, valid_noise_matrix=True,
                                                    random_state=rng)
    noisy = generate_noisy_labels(y_train, noise_matrix, random_state=rng)
    data[name] = X_train, y_train, noisy, X_test, y_test
    print(f"{name}: {np.mean(noisy != y_train):.0%} of the training labels are wrong")

# %%
# Train each classifier three ways
# --------------------------------
classifiers = {
    "logistic regression": LogisticRegression(),
    "k nearest neighbours": KNeighborsClassifier(n_neighbors=15),
    "random forest": RandomForestClassifier(n_estimators=50, min_samples_leaf=3,
                                            random_state=0),
    "naive Bayes": GaussianNB(),
}
results = {}
for name, (X_train, y_train, noisy, X_test, y_test) in data.items():
    for label, classifier in classifiers.items():
        on_true = clone(classifier).fit(X_train, y_train).score(X_test, y_test)
        on_noisy = clone(classifier).fit(X_train, noisy).score(X_test, y_test)
        confident = ConfidentLearningClassifier(clone(classifier), cv=5, random_state=0)
        confident.fit(X_train, noisy)
        results[name, label] = (on_true, on_noisy, confident.score(X_test, y_test), confident)

print(f"{'dataset':8s} {'classifier':22s} {'true':>6s} {'noisy':>6s} {'CL':>6s}")
for (name, label), (on_true, on_noisy, cl, _) in results.items():
    print(f"{name:8s} {label:22s} {on_true:6.3f} {on_noisy:6.3f} {cl:6.3f}")

# %%
# The figure
# ----------
# The first column shows the noisy training labels, the wrong ones drawn as crosses. The other
# columns show the decision regions of the confident-learning model of each classifier, over
# the same training points; the numbers are the test accuracies when trained on the true
# labels, on the noisy labels, and with confident learning on the noisy labels.
colors = np.array(["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"])
grid = np.linspace(-2.6, 2.6, 120)
xx, yy = np.meshgrid(grid, grid)
mesh = np.column_stack([xx.ravel(), yy.ravel()])

fig, axes = plt.subplots(len(data), len(classifiers) + 1, figsize=(13, 8), sharex=True,
                         sharey=True, layout="constrained")
for row, (name, (X_train, y_train, noisy, _, _)) in enumerate(data.items()):
    wrong = noisy != y_train
    ax = axes[row, 0]
    ax.scatter(*X_train[~wrong].T, c=colors[noisy[~wrong]], s=8)
    ax.scatter(*X_train[wrong].T, c=colors[noisy[wrong]], s=16, marker="x", linewidths=1)
    ax.set_ylabel(name, fontsize=12)
    if row == 0:
        ax.set_title("noisy training labels\n(wrong ones as crosses)", fontsize=10)
    for col, label in enumerate(classifiers, start=1):
        on_true, on_noisy, cl, model = results[name, label]
        ax = axes[row, col]
        regions = model.predict(mesh).reshape(xx.shape)
        ax.contourf(xx, yy, regions, levels=np.arange(-0.5, K), colors=colors, alpha=0.25)
        ax.scatter(*X_train.T, c=colors[noisy], s=4)
        ax.text(0.03, 0.03, f"true {on_true:.2f}\nnoisy {on_noisy:.2f}\nCL {cl:.2f}",
                transform=ax.transAxes, fontsize=8, va="bottom",
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
        if row == 0:
            ax.set_title(label, fontsize=10)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlim(-2.6, 2.6)
    ax.set_ylim(-2.6, 2.6)

# %%
# Confident learning wins back much of the accuracy the noise costs wherever the classifier
# can fit the data. Where it cannot (logistic regression on the rings, which no straight line
# separates), every accuracy stays low, with or without the noise: the second model that the
# default ensembles with it (a small gradient boosting) helps find the wrong labels, but no
# straight line fits the examples that are left. On average over the twelve panels:
mean_true, mean_noisy, mean_cl = np.mean([r[:3] for r in results.values()], axis=0)
print(f"mean test accuracy: true labels {mean_true:.3f}, noisy labels {mean_noisy:.3f}, "
      f"confident learning {mean_cl:.3f}")
plt.show()
