"""make_trusted_scorer: a score on the validation examples without label issues."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, cross_val_score

from sklearn_noisy import ConfidentLearningClassifier, NoiseEstimator
from sklearn_noisy.scoring import TrustedScorer, make_trusted_scorer


class TrueLabelOracle(ClassifierMixin, BaseEstimator):
    """Predicts the true label stored in the last column of X (which it does not use to fit)."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.asarray(X)[:, -1].astype(int)


@pytest.fixture(scope="module")
def validation_set():
    X, y = make_classification(n_samples=300, n_features=5, n_informative=3, class_sep=2.0,
                               n_clusters_per_class=1, random_state=0)
    wrong = np.random.default_rng(0).random(300) < 0.25
    noisy = np.where(wrong, 1 - y, y)
    return np.column_stack([X, y]), y, noisy


def test_score_is_the_plain_score_on_the_examples_without_label_issues(validation_set):
    X, _, noisy = validation_set
    model = LogisticRegression().fit(X[:, :-1], noisy)
    features = X[:, :-1]
    noise_estimator = NoiseEstimator(cv=4, random_state=1)
    scorer = make_trusted_scorer("balanced_accuracy", noise_estimator=noise_estimator)
    trusted = ~NoiseEstimator(cv=4, random_state=1).fit(features, noisy).label_issues_
    expected = balanced_accuracy_score(noisy[trusted], model.predict(features[trusted]))
    assert 0 < trusted.sum() < len(noisy)
    assert np.array_equal(scorer.trusted_indices(features, noisy), np.flatnonzero(trusted))
    assert scorer(model, features, noisy) == pytest.approx(expected)


def test_every_model_is_scored_on_the_same_trusted_examples(validation_set):
    X, _, noisy = validation_set
    scorer = make_trusted_scorer(noise_estimator=NoiseEstimator(cv=3, random_state=0))
    trusted = scorer.trusted_indices(X, noisy)
    for model in [TrueLabelOracle().fit(X, noisy), LogisticRegression().fit(X, noisy)]:
        expected = accuracy_score(noisy[trusted], model.predict(X[trusted]))
        assert scorer(model, X, noisy) == pytest.approx(expected)


def test_a_model_of_the_true_labels_loses_less_to_the_noise(validation_set):
    X, y, noisy = validation_set
    oracle = TrueLabelOracle().fit(X, noisy)
    plain = accuracy_score(noisy, oracle.predict(X))
    trusted = make_trusted_scorer()(oracle, X, noisy)
    assert plain == pytest.approx(np.mean(noisy == y))  # about 0.75
    assert trusted > plain + 0.1


def test_per_example_score_arguments_are_restricted_to_trusted_examples(validation_set):
    X, _, noisy = validation_set
    features = X[:, :-1]
    model = LogisticRegression().fit(features, noisy)
    weights = np.linspace(0.1, 3, len(noisy))
    scorer = make_trusted_scorer()
    trusted = scorer.trusted_indices(features, noisy)
    expected = accuracy_score(noisy[trusted], model.predict(features[trusted]),
                              sample_weight=weights[trusted])
    assert scorer(model, features, noisy, sample_weight=weights) == pytest.approx(expected)


def test_default_noise_estimator_is_seeded_three_fold_and_scoring_names_resolve():
    scorer = make_trusted_scorer("f1_macro")
    assert isinstance(scorer, TrustedScorer)
    assert scorer.noise_estimator.get_params()["cv"] == 3
    assert scorer.noise_estimator.get_params()["random_state"] == 0
    assert "f1" in repr(scorer)


def test_works_as_the_scoring_of_a_search_and_of_cross_val_score(validation_set):
    X, _, noisy = validation_set
    features = X[:, :-1]
    scores = cross_val_score(LogisticRegression(), features, noisy, cv=3,
                             scoring=make_trusted_scorer())
    assert scores.shape == (3,) and np.all((scores > 0.5) & (scores <= 1))
    search = GridSearchCV(ConfidentLearningClassifier(cv=3, random_state=0),
                          {"filter_by": ["prune_by_noise_rate", "both"]}, cv=3,
                          scoring=make_trusted_scorer()).fit(features, noisy)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
