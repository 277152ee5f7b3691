"""
===========================================
LabelPruner in an imbalanced-learn pipeline
===========================================

A scikit-learn :class:`~sklearn.pipeline.Pipeline` cannot drop training examples in one of its
steps, but imbalanced-learn's :class:`~imblearn.pipeline.Pipeline` can: its *samplers* change
the training set during ``fit`` and are skipped at prediction time.
:class:`~sklearn_noisy.LabelPruner` is such a sampler. It finds the label issues of the
training data by cross-validation and removes them before the next step is fitted.

Here the classes are imbalanced as well as noisy, so the pipeline prunes the label issues,
then balances the classes with random over-sampling, then fits a classifier.
"""

# %%
# Noisy, imbalanced data
# ----------------------
import matplotlib.pyplot as plt
import numpy as np
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import make_pipeline
from sklearn.neighbors import KNeighborsClassifier

from sklearn_noisy import LabelPruner
from sklearn_noisy.datasets import make_noisy_classification

X, true_labels, noisy_labels, _ = make_noisy_classification(
    n_samples=1600, n_features=2, n_classes=3, noise=0.25, class_sep=1.2,
    weights=[0.6, 0.3, 0.1], random_state=3)
X_train, X_test = X[:1000], X[1000:]
y_train, y_test = noisy_labels[:1000], true_labels[1000:]
wrong = y_train != true_labels[:1000]
print(f"training labels wrong: {wrong.mean():.0%}; class counts {np.bincount(y_train)}")

# %%
# The same classifier with and without pruning
# --------------------------------------------
plain = make_pipeline(RandomOverSampler(random_state=0), KNeighborsClassifier(n_neighbors=5))
pruned = make_pipeline(LabelPruner(random_state=0), RandomOverSampler(random_state=0),
                       KNeighborsClassifier(n_neighbors=5))
plain.fit(X_train, y_train)
pruned.fit(X_train, y_train)
accuracy_plain = plain.score(X_test, y_test)
accuracy_pruned = pruned.score(X_test, y_test)
print(f"test accuracy on clean labels: without pruning {accuracy_plain:.3f}, "
      f"with LabelPruner {accuracy_pruned:.3f}")

# What the pruner removed, and how much of it was wrong:
pruner = pruned.named_steps["labelpruner"]
kept = np.zeros(len(y_train), dtype=bool)
kept[pruner.sample_indices_] = True
print(f"removed {np.sum(~kept)} examples, {wrong[~kept].mean():.0%} of them mislabelled; "
      f"{wrong[kept].mean():.1%} of the kept labels are wrong")

# %%
# Before and after
# ----------------
# Left: the training set as given, the wrong labels circled, and the decision regions of the
# pipeline without pruning. Right: the training set the classifier sees after
# :class:`~sklearn_noisy.LabelPruner` (before over-sampling), and the regions of the pruned
# pipeline.
colors = np.array(["#1f77b4", "#ff7f0e", "#2ca02c"])
x_range = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 150)
y_range = np.linspace(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5, 150)
xx, yy = np.meshgrid(x_range, y_range)
mesh = np.column_stack([xx.ravel(), yy.ravel()])

fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), sharex=True, sharey=True,
                         layout="constrained")
panels = [(axes[0], plain, np.ones(len(y_train), dtype=bool),
           f"before: all {len(y_train)} training labels\ntest accuracy {accuracy_plain:.3f}"),
          (axes[1], pruned, kept,
           f"after LabelPruner: {kept.sum()} kept\ntest accuracy {accuracy_pruned:.3f}")]
for ax, model, shown, title in panels:
    regions = model.predict(mesh).reshape(xx.shape)
    ax.contourf(xx, yy, regions, levels=[-0.5, 0.5, 1.5, 2.5], colors=colors, alpha=0.2)
    ax.scatter(*X_train[shown].T, c=colors[y_train[shown]], s=10)
    circled = shown & wrong
    ax.scatter(*X_train[circled].T, s=40, facecolors="none", edgecolors="black",
               linewidths=0.7, label="wrong label")
    ax.set_title(title)
    ax.legend(loc="lower right")
plt.show()
