"""Known noise matrices (and thresholds) given to fit, against cleanlab 2.9.0's CleanLearning."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from sklearn_noisy import ConfidentLearningClassifier, NoiseEstimator
from sklearn_noisy.latent_algebra import compute_inv_noise_matrix
from sklearn_noisy.noise_generation import generate_noise_matrix_from_trace

classification = pytest.importorskip("cleanlab.classification")

SETTINGS = settings(max_examples=8, deadline=None)


def noisy_problem(seed, n_classes, n_samples=240):
    """Features, noisy labels and out-of-sample-like probabilities of a random problem."""
    rng = np.random.default_rng(seed)
    y = rng.integers(n_classes, size=n_samples)
    y[:n_classes] = np.arange(n_classes)
    X = rng.normal(size=(n_samples, 3)) + 1.5 * np.eye(n_classes, 3)[y]
    labels = np.where(rng.random(n_samples) < 0.2, rng.integers(n_classes, size=n_samples), y)
    logits = 2 * X @ np.eye(3, n_classes) + rng.normal(scale=0.5, size=(n_samples, n_classes))
    pred_probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return X, labels, pred_probs


def reference_fit(X, labels, pred_probs, **known):
    model = classification.CleanLearning(LogisticRegression())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "X and pred_probs both provided"
        return model.fit(X, labels, pred_probs=pred_probs, **known)


def our_fit(X, labels, pred_probs, **known):
    model = ConfidentLearningClassifier(LogisticRegression(), preset="reference",
                                        min_examples_per_class=10)
    return model.fit(X, labels, pred_probs=pred_probs, **known)


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), n_classes=st.integers(2, 4),
       given_matrices=st.sampled_from(["noise", "inverse", "both"]))
def test_known_matrices_prune_and_weight_as_the_reference(seed, n_classes, given_matrices):
    X, labels, pred_probs = noisy_problem(seed, n_classes)
    py = np.bincount(labels, minlength=n_classes) / len(labels)
    noise_matrix = generate_noise_matrix_from_trace(n_classes, 0.8 * n_classes, py=py,
                                                    random_state=seed)
    inverse = compute_inv_noise_matrix(py, noise_matrix)
    known = {"noise": {"noise_matrix": noise_matrix},
             "inverse": {"inverse_noise_matrix": inverse},
             "both": {"noise_matrix": noise_matrix, "inverse_noise_matrix": inverse}}
    known = known[given_matrices]
    expected = reference_fit(X, labels, pred_probs, **known)
    ours = our_fit(X, labels, pred_probs, **known)
    np.testing.assert_array_equal(ours.label_issues_, expected.label_issues_mask)
    np.testing.assert_allclose(ours.noise_matrix_, expected.noise_matrix, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.inverse_noise_matrix_, expected.inverse_noise_matrix,
                               rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ours.confident_joint_, expected.confident_joint)
    if given_matrices == "noise":
        np.testing.assert_allclose(ours.py_, expected.py, rtol=0, atol=1e-12)
    # The final model is trained on the same examples with the same weights.
    np.testing.assert_allclose(ours.estimator_.coef_, expected.clf.coef_, rtol=1e-10,
                               atol=1e-10)


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), n_classes=st.integers(2, 4))
def test_given_thresholds_count_the_joint_as_the_reference(seed, n_classes):
    X, labels, pred_probs = noisy_problem(seed, n_classes)
    thresholds = np.random.default_rng(seed).uniform(0.3, 0.7, size=n_classes)
    expected = reference_fit(X, labels, pred_probs, thresholds=thresholds)
    ours = our_fit(X, labels, pred_probs, thresholds=thresholds)
    np.testing.assert_array_equal(ours.confident_joint_, expected.confident_joint)
    np.testing.assert_array_equal(ours.label_issues_, expected.label_issues_mask)
    np.testing.assert_allclose(ours.noise_matrix_, expected.noise_matrix, rtol=0, atol=1e-12)


def test_inverse_noise_matrix_gives_the_marginal_prior():
    # Hand-worked: P(s) = (0.6, 0.4); P(y|s) columns (0.9, 0.1) and (0.25, 0.75), so
    # P(y) = (0.9 * 0.6 + 0.25 * 0.4, 0.1 * 0.6 + 0.75 * 0.4) = (0.64, 0.36), and
    # P(s=0|y=0) = 0.9 * 0.6 / 0.64 = 0.84375.
    labels = np.repeat([0, 1], [6, 4])
    pred_probs = np.where(labels[:, None] == [0, 1], 0.8, 0.2)
    inverse = np.array([[0.9, 0.25], [0.1, 0.75]])
    noise = NoiseEstimator().fit(np.zeros((10, 1)), labels, pred_probs=pred_probs,
                                 inverse_noise_matrix=inverse)
    np.testing.assert_allclose(noise.py_, [0.64, 0.36])
    np.testing.assert_allclose(noise.noise_matrix_[:, 0], [0.84375, 0.15625])
    np.testing.assert_array_equal(noise.inverse_noise_matrix_, inverse)


def test_string_labels_take_the_matrix_in_class_order():
    labels = np.array(["cat"] * 6 + ["dog"] * 4)
    pred_probs = np.where((labels == "dog")[:, None] == [False, True], 0.8, 0.2)
    noise_matrix = np.array([[0.9, 0.2], [0.1, 0.8]])
    noise = NoiseEstimator().fit(np.zeros((10, 1)), labels, pred_probs=pred_probs,
                                 noise_matrix=noise_matrix)
    np.testing.assert_array_equal(noise.noise_matrix_, noise_matrix)
    # P(s) = (0.6, 0.4) = noise_matrix @ py  =>  py = (4/7, 3/7).
    np.testing.assert_allclose(noise.py_, [4 / 7, 3 / 7])


def test_known_matrix_is_copied_not_modified():
    X, labels, pred_probs = noisy_problem(0, 2)
    noise_matrix = np.array([[0.9, 0.2], [0.1, 0.8]])
    before = noise_matrix.copy()
    noise = NoiseEstimator().fit(X, labels, pred_probs=pred_probs, noise_matrix=noise_matrix)
    noise_matrix[0, 0] = 0.0
    np.testing.assert_array_equal(noise.noise_matrix_, before)


def test_pulearning_removes_noise_toward_the_clean_class_of_a_known_matrix():
    X, labels, pred_probs = noisy_problem(1, 2)
    model = ConfidentLearningClassifier(LogisticRegression(), preset="reference",
                                        pulearning=1)
    model.fit(X, labels, pred_probs=pred_probs, noise_matrix=[[0.9, 0.2], [0.1, 0.8]])
    # No example of class 0 is labelled 1; the column of class 0 is renormalised.
    np.testing.assert_allclose(model.noise_matrix_, [[1.0, 0.2], [0.0, 0.8]])
    assert model.inverse_noise_matrix_[0, 1] == 0.0
    np.testing.assert_allclose(model.inverse_noise_matrix_.sum(axis=0), 1)


@pytest.mark.parametrize("estimator", [NoiseEstimator(), ConfidentLearningClassifier()])
@pytest.mark.parametrize(
    "known, message",
    [
        ({"noise_matrix": [[0.5, 0.6], [0.5, 0.4]]}, "trace 0.9, but confident learning needs"),
        ({"inverse_noise_matrix": [[0.4, 0.5], [0.6, 0.5]]}, "trace 0.9"),
        ({"noise_matrix": [[0.9, 0.1], [0.2, 0.8]]}, "pass its transpose"),
        ({"noise_matrix": np.eye(3)}, r"shape \(3, 3\), expected \(2, 2\)"),
        ({"noise_matrix": [[1.2, 0.0], [-0.2, 1.0]]}, r"probabilities in \[0, 1\]"),
        ({"noise_matrix": [[np.nan, 0.0], [0.0, 1.0]]}, r"probabilities in \[0, 1\]"),
        ({"noise_matrix": "identity"}, "must be a"),
        ({"thresholds": [0.5, 0.5, 0.5]}, "one entry per class"),
    ],
)
def test_bad_known_arguments_are_explained(estimator, known, message):
    X, labels, pred_probs = noisy_problem(2, 2)
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, labels, pred_probs=pred_probs, **known)


class Exploding(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        raise AssertionError("cross-validation should not have started")


@pytest.mark.parametrize("model", [NoiseEstimator(Exploding()),
                                   ConfidentLearningClassifier(Exploding())])
def test_bad_known_matrix_fails_before_cross_validation(model):
    # (The classifier's default preset calibrates out-of-fold probabilities first.)
    X, labels, _ = noisy_problem(3, 2)
    with pytest.raises(ValueError, match="trace"):
        model.fit(X, labels, noise_matrix=[[0.5, 0.6], [0.5, 0.4]])


def test_known_matrix_with_cross_validation_matches_the_reference_masks():
    # Without pred_probs: both cross-validate (ours with a seeded splitter); the masks agree
    # with the reference run on our out-of-fold probabilities.
    X, labels, _ = noisy_problem(4, 3, n_samples=150)
    noise_matrix = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    ours = ConfidentLearningClassifier(LogisticRegression(), preset="reference",
                                       min_examples_per_class=10, random_state=0)
    ours.fit(X, labels, noise_matrix=noise_matrix)
    expected = reference_fit(X, labels, ours.pred_probs_, noise_matrix=noise_matrix)
    np.testing.assert_array_equal(ours.label_issues_, expected.label_issues_mask)
    np.testing.assert_array_equal(ours.noise_matrix_, noise_matrix)
