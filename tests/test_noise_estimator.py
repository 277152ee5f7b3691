"""NoiseEstimator: its fitted attributes are the functional core's results on the encoded labels."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_predict

from sklearn_noisy import count, filter, rank
from sklearn_noisy._noise import NoiseEstimator
from sklearn_noisy._validation import FILTER_BY, RANK_BY


def noisy_pred_probs(n_samples, n_classes, seed):
    """Tie-free labels and predicted probabilities whose argmax disagrees with ~20% of labels."""
    rng = np.random.default_rng(seed)
    true = rng.integers(n_classes, size=n_samples)
    logits = rng.normal(size=(n_samples, n_classes)) + 2.5 * np.eye(n_classes)[true]
    pred_probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n_samples) < 0.2, rng.integers(n_classes, size=n_samples), true)
    labels[:n_classes] = np.arange(n_classes)  # every class present
    return labels, pred_probs


@pytest.mark.parametrize("filter_by", FILTER_BY)
@pytest.mark.parametrize("rank_by", RANK_BY)
def test_attributes_equal_the_functional_api_on_precomputed_pred_probs(filter_by, rank_by):
    labels, pred_probs = noisy_pred_probs(300, 3, seed=1)
    X = np.zeros((300, 2))
    noise = NoiseEstimator(filter_by=filter_by, return_indices_ranked_by=rank_by).fit(
        X, labels, pred_probs=pred_probs
    )
    confident_joint = count.compute_confident_joint(labels, pred_probs)
    py, noise_matrix, inverse = count.estimate_latent(confident_joint, labels)
    issues = filter.find_label_issues(labels, pred_probs, filter_by=filter_by)
    assert_array_equal(noise.classes_, [0, 1, 2])
    assert_array_equal(noise.pred_probs_, pred_probs)
    assert_array_equal(noise.confident_joint_, confident_joint)
    assert_allclose(noise.noise_matrix_, noise_matrix)
    assert_allclose(noise.inverse_noise_matrix_, inverse)
    assert_allclose(noise.py_, py)
    assert_array_equal(noise.label_issues_, issues)
    assert_allclose(
        noise.label_quality_scores_,
        rank.get_label_quality_scores(labels, pred_probs, method=rank_by),
    )
    assert_array_equal(
        noise.ranked_label_issues_,
        filter.find_label_issues(
            labels, pred_probs, filter_by=filter_by, return_indices_ranked_by=rank_by
        ),
    )


@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "prune_by_class", "both",
                                       "confident_learning", "predicted_neq_given"])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_matches_cleanlab_clean_learning_on_the_same_pred_probs(filter_by, seed):
    from cleanlab.classification import CleanLearning

    labels, pred_probs = noisy_pred_probs(400, 4, seed=seed)
    X = np.zeros((400, 1))
    kwargs = {"filter_by": filter_by, "min_examples_per_class": 5, "frac_noise": 0.8}
    ours = NoiseEstimator(**kwargs).fit(X, labels, pred_probs=pred_probs)
    reference = CleanLearning(find_label_issues_kwargs={**kwargs, "n_jobs": 1})
    issues = reference.find_label_issues(X, labels, pred_probs=pred_probs)
    assert_array_equal(ours.label_issues_, issues["is_label_issue"].to_numpy())
    assert_allclose(ours.label_quality_scores_, issues["label_quality"].to_numpy())
    assert_array_equal(ours.confident_joint_, reference.confident_joint)
    assert_allclose(ours.noise_matrix_, reference.noise_matrix)
    assert_allclose(ours.inverse_noise_matrix_, reference.inverse_noise_matrix)
    assert_allclose(ours.py_, reference.py)


def test_ranked_label_issues_are_the_issues_by_increasing_quality_score():
    labels, pred_probs = noisy_pred_probs(200, 3, seed=2)
    noise = NoiseEstimator().fit(np.zeros((200, 1)), labels, pred_probs=pred_probs)
    ranked = noise.ranked_label_issues_
    assert set(ranked) == set(np.flatnonzero(noise.label_issues_))
    assert np.all(np.diff(noise.label_quality_scores_[ranked]) >= 0)


def test_precomputed_pred_probs_skip_cross_validation():
    class MustNotBeFitted(LogisticRegression):
        def fit(self, X, y, **params):
            raise AssertionError("cross-validation ran despite precomputed pred_probs")

    labels, pred_probs = noisy_pred_probs(60, 2, seed=3)
    noise = NoiseEstimator(MustNotBeFitted()).fit(np.zeros((60, 1)), labels,
                                                  pred_probs=pred_probs)
    assert not np.shares_memory(noise.pred_probs_, pred_probs)
    assert_array_equal(noise.pred_probs_, pred_probs)


def test_pred_probs_are_out_of_fold_probabilities_of_the_seeded_stratified_folds():
    X, y = make_classification(n_samples=150, n_classes=3, n_informative=4, random_state=0)
    noise = NoiseEstimator(LogisticRegression(C=0.5), cv=4, random_state=7).fit(X, y)
    folds = StratifiedKFold(4, shuffle=True, random_state=7)
    expected = cross_val_predict(LogisticRegression(C=0.5), X, y, cv=folds,
                                 method="predict_proba")
    assert_allclose(noise.pred_probs_, expected)


def test_a_splitter_passed_as_cv_is_used_as_is():
    X, y = make_classification(n_samples=120, random_state=0)
    folds = StratifiedKFold(3)
    noise = NoiseEstimator(cv=folds).fit(X, y)
    expected = cross_val_predict(LogisticRegression(max_iter=1000), X, y, cv=folds,
                                 method="predict_proba")
    assert_allclose(noise.pred_probs_, expected)


def test_fit_params_reach_the_estimator_fit_without_routing():
    X, y = make_classification(n_samples=120, random_state=0)
    weights = np.linspace(0.1, 2, 120)
    folds = StratifiedKFold(3)
    noise = NoiseEstimator(cv=folds).fit(X, y, sample_weight=weights)
    expected = cross_val_predict(LogisticRegression(max_iter=1000), X, y, cv=folds,
                                 method="predict_proba", params={"sample_weight": weights})
    assert_allclose(noise.pred_probs_, expected)


def test_groups_and_sample_weight_travel_by_metadata_routing():
    X, y = make_classification(n_samples=120, random_state=0)
    groups = np.arange(120) % 6
    weights = np.linspace(0.1, 2, 120)
    with config_context(enable_metadata_routing=True):
        estimator = LogisticRegression(max_iter=1000).set_fit_request(sample_weight=True)
        noise = NoiseEstimator(estimator, cv=GroupKFold(3)).fit(
            X, y, groups=groups, sample_weight=weights
        )
        expected = cross_val_predict(estimator, X, y, cv=GroupKFold(3), method="predict_proba",
                                     params={"sample_weight": weights, "groups": groups})
    assert_allclose(noise.pred_probs_, expected)


def test_noise_matrix_and_issues_point_at_injected_one_way_noise():
    # 30% of class 0 relabelled 1: P(given=1 | true=0) is clearly positive, the reverse is 0.
    X, y = make_classification(n_samples=1000, n_features=5, n_informative=3, class_sep=2.0,
                               n_clusters_per_class=1, flip_y=0, random_state=0)
    rng = np.random.default_rng(0)
    flipped = (y == 0) & (rng.random(1000) < 0.3)
    noisy = np.where(flipped, 1, y)
    noise = NoiseEstimator(random_state=0).fit(X, noisy)
    assert noise.noise_matrix_[1, 0] > 0.15
    assert noise.noise_matrix_[0, 1] < 0.02
    assert np.mean(flipped[noise.label_issues_]) > 0.95  # what is flagged was flipped
    assert np.mean(noise.label_issues_[flipped]) > 0.5  # and most flips are found
