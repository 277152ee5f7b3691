"""
============================
The pruning methods compared
============================

:func:`~sklearn_noisy.filter.find_label_issues` can choose the label issues in seven ways
(``filter_by``). On a dataset whose wrong labels we know, we measure for each method its
*precision* (the share of flagged examples whose label really is wrong) and its *recall* (the
share of wrong labels that are flagged), at two noise levels.
"""

# %%
# Two noisy versions of one dataset
# ---------------------------------
# The same features and true labels, with 20% and with 40% of the labels wrong; each gets its
# own out-of-sample predicted probabilities.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression

from sklearn_noisy.count import estimate_cv_predicted_probabilities
from sklearn_noisy.datasets import make_noisy_classification
from sklearn_noisy.filter import find_label_issues

METHODS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
           "predicted_neq_given", "low_normalized_margin", "low_self_confidence"]
NOISE_LEVELS = [0.2, 0.4]

scores = {}
for noise in NOISE_LEVELS:
    X, true_labels, labels, _ = make_noisy_classification(
        n_samples=3000, n_features=8, n_classes=4, noise=noise, class_sep=1.5, random_state=0)
    pred_probs = estimate_cv_predicted_probabilities(X, labels, LogisticRegression(),
                                                     random_state=0)
    wrong = labels != true_labels
    for method in METHODS:
        flagged = find_label_issues(labels, pred_probs, filter_by=method)
        scores[noise, method] = (wrong[flagged].mean(), flagged[wrong].mean(), flagged.sum())

print(f"{'noise':>5s} {'filter_by':22s} {'flagged':>8s} {'precision':>9s} {'recall':>7s}")
for (noise, method), (precision, recall, n_flagged) in scores.items():
    print(f"{noise:5.0%} {method:22s} {n_flagged:8d} {precision:9.2f} {recall:7.2f}")

# %%
# Precision and recall of each method
# -----------------------------------
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True, layout="constrained")
positions = np.arange(len(METHODS))
for ax, noise in zip(axes, NOISE_LEVELS):
    precision = [scores[noise, m][0] for m in METHODS]
    recall = [scores[noise, m][1] for m in METHODS]
    ax.barh(positions - 0.2, precision, height=0.4, label="precision")
    ax.barh(positions + 0.2, recall, height=0.4, label="recall")
    ax.set_yticks(positions, METHODS)
    ax.set_xlim(0, 1)
    ax.set_title(f"{noise:.0%} of the labels wrong")
    ax.set_xlabel("share")
axes[0].invert_yaxis()
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)

# %%
# The methods based on the confident joint (the first four) flag about as many examples as
# they estimate to be wrong, and keep precision and recall balanced. ``predicted_neq_given``
# flags every disagreement with the model, so it finds more of the wrong labels but raises
# more false alarms. The two score-based methods flag as many examples as the confident joint
# estimates, picking those with the lowest scores.
plt.show()
