"""
===================================
The polyplex: what a trace can mean
===================================

The trace of the noise matrix ``P(given label | true label)`` is a common summary of how
noisy a dataset is: ``K`` means no noise. But the share of correct labels,
``trace(P(given label, true label))``, depends on the prior of the true classes as well. For a
prior, the reachable pairs of the two traces form a convex polygon, the *polyplex* of the
confident-learning paper (:mod:`sklearn_noisy.polyplex`). We draw it for a balanced and an
imbalanced prior, and mark a dataset's true noise and its estimate.
"""

# %%
# A dataset with imbalanced classes
# ---------------------------------
import matplotlib.pyplot as plt
import numpy as np

from sklearn_noisy import NoiseEstimator
from sklearn_noisy.datasets import make_noisy_classification
from sklearn_noisy.display import PolyplexDisplay
from sklearn_noisy.polyplex import joint_min_max

X, true_labels, noisy_labels, noise_matrix = make_noisy_classification(
    n_samples=2000, n_features=6, n_classes=4, noise=0.2, class_sep=2.0,
    weights=[0.5, 0.25, 0.15, 0.1], random_state=0)
prior = np.bincount(true_labels) / len(true_labels)
noise = NoiseEstimator(random_state=0).fit(X, noisy_labels)
print("prior of the true labels:", prior.round(2))
print("estimated prior:         ", noise.py_.round(2))

# %%
# The polyplex of a balanced prior and of this one
# ------------------------------------------------
# With a balanced prior the polyplex is a line: the share of correct labels is the trace
# divided by ``K``. With this imbalanced prior, the same trace can mean anything between the
# two bounds printed below. The orange point and dashed range are the dataset's
# estimate from :class:`~sklearn_noisy.NoiseEstimator`; the black cross is the noise the labels
# were drawn from.
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True, layout="constrained")
PolyplexDisplay.from_prior(np.full(4, 0.25), ax=axes[0])
axes[0].set_title("balanced prior (0.25 each)")
display = PolyplexDisplay.from_estimator(noise, ax=axes[1],
                                         point_kw={"label": "estimated noise"})
true_point = (np.trace(noise_matrix), np.diagonal(noise_matrix) @ prior)
axes[1].plot(*true_point, marker="x", color="black", markersize=9, linestyle="",
             label="true noise")
axes[1].set_title("prior " + ", ".join(f"{p:.2f}" for p in prior))
axes[1].legend(loc="upper left")

trace = np.trace(noise_matrix)
low, high = joint_min_max(trace, prior)
print(f"with trace {trace:.1f}, between {low:.0%} and {high:.0%} of the labels are right")
print(f"true share of right labels {np.mean(noisy_labels == true_labels):.0%}, "
      f"estimated {display.point[1]:.0%}")
plt.show()
