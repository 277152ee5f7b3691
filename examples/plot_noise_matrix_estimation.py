"""
===========================================
The estimated noise matrix and the true one
===========================================

Confident learning estimates how the labels were corrupted: the noise matrix
``P(given label | true label)``. On a dataset whose noise we injected ourselves, we can compare
the estimate with the matrix the noisy labels were drawn from, with
:class:`~sklearn_noisy.display.NoiseMatrixDisplay`, once from a fitted
:class:`~sklearn_noisy.NoiseEstimator` (``from_estimator``) and once from out-of-sample
predicted probabilities computed separately (``from_predictions``).
"""

# %%
# A dataset with known noise
# --------------------------
# Four classes, 30% wrong labels on average, with a random noise matrix (some classes are
# confused more often than others).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import cross_val_predict
from sklearn.neighbors import KNeighborsClassifier

from sklearn_noisy import NoiseEstimator
from sklearn_noisy.datasets import make_noisy_classification
from sklearn_noisy.display import NoiseMatrixDisplay

X, true_labels, noisy_labels, true_noise_matrix = make_noisy_classification(
    n_samples=3000, n_features=6, n_classes=4, noise=0.3, class_sep=1.5, random_state=0)
print(f"wrong labels: {np.mean(noisy_labels != true_labels):.0%}")

# %%
# Two estimates
# -------------
# :class:`~sklearn_noisy.NoiseEstimator` cross-validates a logistic regression (its default
# model); the second estimate comes from the out-of-fold probabilities of a k-nearest-neighbours
# model, computed with scikit-learn's :func:`~sklearn.model_selection.cross_val_predict`.
noise = NoiseEstimator(cv=5, random_state=0).fit(X, noisy_labels)
pred_probs = cross_val_predict(KNeighborsClassifier(n_neighbors=30), X, noisy_labels, cv=5,
                               method="predict_proba")

fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
NoiseMatrixDisplay(true_noise_matrix).plot(ax=axes[0], colorbar=False)
axes[0].set_title("true noise matrix")
from_estimator = NoiseMatrixDisplay.from_estimator(noise, ax=axes[1], colorbar=False)
axes[1].set_title("NoiseEstimator (logistic regression)")
from_predictions = NoiseMatrixDisplay.from_predictions(noisy_labels, pred_probs, ax=axes[2],
                                                       colorbar=False)
axes[2].set_title("from_predictions (nearest neighbours)")

# %%
# How far off are they?
# ---------------------
# The mean absolute difference of the entries, and the largest one:
for name, display in [("logistic regression", from_estimator),
                      ("nearest neighbours", from_predictions)]:
    error = np.abs(display.matrix - true_noise_matrix)
    print(f"{name:20s} mean absolute error {error.mean():.3f}, largest {error.max():.3f}")

# %%
# Both recover the structure of the noise: which classes are confused with which and how often.
# The differences shrink with more examples and a better model, since the estimate rests on
# how well the out-of-sample probabilities separate the classes.
plt.show()
