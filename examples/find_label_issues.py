"""
Find the label issues of a dataset with known injected label noise
==================================================================

Flip 15% of the digits labels, cross-validate a model, and check the issues found against
the flips. Run: ``python examples/find_label_issues.py``
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_noisy.count import estimate_cv_predicted_probabilities, estimate_latent
from sklearn_noisy.filter import find_label_issues

rng = np.random.default_rng(0)
X, true_labels = load_digits(return_X_y=True)

# Flip 15% of the labels to another class.
labels = true_labels.copy()
flipped = rng.choice(len(labels), size=int(0.15 * len(labels)), replace=False)
labels[flipped] = (labels[flipped] + rng.integers(1, 10, size=len(flipped))) % 10

model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
pred_probs = estimate_cv_predicted_probabilities(X, labels, model, cv=5, random_state=0)
ranked = find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence")

is_error = labels != true_labels
found = np.isin(np.arange(len(labels)), ranked)
print(f"{len(labels)} examples, {is_error.sum()} labels flipped, {len(ranked)} issues found")
print(f"precision {is_error[found].mean():.2f}, recall {found[is_error].mean():.2f}")
print("\nTop 10 issues (row, given label, suggested label, true label):")
for row in ranked[:10]:
    print(f"{row:6d} {labels[row]:6d} {pred_probs[row].argmax():6d} {true_labels[row]:6d}")
