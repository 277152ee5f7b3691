"""
==========================
Label errors in the digits
==========================

Flip 15% of the labels of scikit-learn's handwritten digits, cross-validate a simple model, and
look at the images confident learning flags first. Because we flipped the labels ourselves, we
know which flagged images are real errors and which are false alarms, and can count how many
of the flips were found.
"""

# %%
# Noisy labels and out-of-sample probabilities
# ---------------------------------------------
# :func:`~sklearn_noisy.datasets.load_noisy_digits` draws a noise matrix and flips the labels
# accordingly: ``noisy_labels`` is what a dataset would give us, ``true_labels`` what only a
# benchmark knows. Every example gets predicted probabilities from a model that did not see
# it (5-fold cross-validation).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_noisy.count import estimate_cv_predicted_probabilities
from sklearn_noisy.datasets import load_noisy_digits
from sklearn_noisy.display import LabelIssuesDisplay
from sklearn_noisy.filter import find_label_issues

X, true_labels, noisy_labels, _ = load_noisy_digits(noise=0.15, random_state=0)
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000))
pred_probs = estimate_cv_predicted_probabilities(X, noisy_labels, model, random_state=0)

# %%
# The label issues, worst first
# -----------------------------
# The single line that does the work, then its result against the flips we made.
ranked = find_label_issues(noisy_labels, pred_probs, return_indices_ranked_by="self_confidence")

is_error = noisy_labels != true_labels
found = np.zeros(len(noisy_labels), dtype=bool)
found[ranked] = True
print(f"{len(noisy_labels)} images, {is_error.sum()} labels flipped, {found.sum()} flagged")
print(f"precision {is_error[found].mean():.2f}: share of the flagged images that were flipped")
print(f"recall    {found[is_error].mean():.2f}: share of the flips that were flagged")

# %%
# The images flagged first
# ------------------------
# :class:`~sklearn_noisy.display.LabelIssuesDisplay` shows each flagged image with its given
# label, the label the model suggests and its label quality score (the probability the model
# gives to the given label). Red frames are real errors; grey frames are false alarms, images
# whose given label was right although the model doubts it.
display = LabelIssuesDisplay.from_predictions(
    noisy_labels, pred_probs, images=X, image_shape=(8, 8), true_labels=true_labels,
    n_issues=12,
)

# %%
# At the bottom of the ranking
# ----------------------------
# The lower an issue is ranked, the less sure the model is, and the more likely it is a false
# alarm. Here are the last twelve flagged images, drawn with the display's constructor: about
# half are false alarms, often digits written in an unusual way.
further = ranked[-12:]
display = LabelIssuesDisplay(
    further, noisy_labels[further], pred_probs[further].argmax(axis=1),
    pred_probs[further, noisy_labels[further]], images=X[further].reshape(-1, 8, 8),
    true_labels=true_labels[further],
).plot()

# %%
# Precision along the ranking
# ---------------------------
# The share of real errors among the first k flagged images, for every k: the top of the
# ranking is almost all real errors.
k = np.arange(1, len(ranked) + 1)
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.plot(k, np.cumsum(is_error[ranked]) / k)
ax.axhline(is_error.mean(), color="C7", linestyle="--", label="share of flipped labels")
ax.set_xlabel("number of flagged images, worst first")
ax.set_ylabel("share of real errors")
ax.set_ylim(0, 1.05)
ax.legend(loc="lower left")
plt.show()
