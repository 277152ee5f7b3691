"""ConfidentLearningClassifier: what it trains on, what it delegates, where it fits in scikit-learn,
and that learning with noisy labels actually helps."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_noisy import ConfidentLearningClassifier, NoiseEstimator
from sklearn_noisy._classifier import noise_rate_weights
from sklearn_noisy._engine import assume_no_errors_in

PRUNE_METHODS = ["prune_by_noise_rate", "prune_by_class", "both", "confident_learning",
                 "predicted_neq_given"]


def class_conditional_noise(y, noise_matrix, seed):
    """Relabel exactly round(noise_matrix[i, j] * n_j) examples of true class j as class i."""
    rng = np.random.default_rng(seed)
    noisy = y.copy()
    for true in range(noise_matrix.shape[1]):
        members = rng.permutation(np.flatnonzero(y == true))
        counts = np.round(noise_matrix[:, true] * len(members)).astype(int)
        counts[true] = 0
        bounds = np.cumsum(counts)
        for given, (stop, n) in enumerate(zip(bounds, counts)):
            noisy[members[stop - n:stop]] = given
    return noisy


def three_classes(seed, n_samples=3000):
    return make_classification(n_samples=n_samples, n_features=8, n_informative=5,
                               n_redundant=0, n_classes=3, n_clusters_per_class=1,
                               class_sep=1.0, flip_y=0, random_state=seed)


@pytest.fixture(scope="module")
def noisy_data():
    X, y = three_classes(0, n_samples=400)
    noise = np.array([[0.7, 0.0, 0.1], [0.3, 0.8, 0.0], [0.0, 0.2, 0.9]])
    return X, class_conditional_noise(y, noise, seed=0)


def test_class_conditional_noise_flips_the_exact_counts():
    y = np.repeat([0, 1, 2], [100, 50, 20])
    noise = np.array([[0.7, 0.0, 0.1], [0.3, 0.8, 0.0], [0.0, 0.2, 0.9]])
    noisy = class_conditional_noise(y, noise, seed=0)
    counts = np.array([[np.sum((noisy == i) & (y == j)) for j in range(3)] for i in range(3)])
    assert_array_equal(counts, [[70, 0, 2], [30, 40, 0], [0, 10, 18]])


@pytest.mark.parametrize(
    "noise_matrix",
    [
        np.array([[0.7, 0.0, 0.1], [0.3, 0.8, 0.0], [0.0, 0.2, 0.9]]),
        np.array([[0.6, 0.0, 0.3], [0.4, 0.8, 0.0], [0.0, 0.2, 0.7]]),
        np.array([[0.55, 0.0, 0.35], [0.45, 0.6, 0.0], [0.0, 0.4, 0.65]]),
    ],
    ids=["20%-noise", "30%-noise", "40%-noise"],
)
def test_learning_with_noisy_labels_beats_training_on_them(noise_matrix):
    # Clean test labels; in every seed at least 1 point of accuracy better, 2 on average.
    gains = []
    for seed in range(4):
        X, y = three_classes(seed)
        X_train, y_train, X_test, y_test = X[:1500], y[:1500], X[1500:], y[1500:]
        noisy = class_conditional_noise(y_train, noise_matrix, seed)
        assert np.mean(noisy != y_train) == pytest.approx(1 - np.trace(noise_matrix) / 3, abs=0.01)
        naive = LogisticRegression().fit(X_train, noisy).score(X_test, y_test)
        model = ConfidentLearningClassifier(LogisticRegression(), random_state=seed)
        gains.append(model.fit(X_train, noisy).score(X_test, y_test) - naive)
    assert min(gains) >= 0.01, gains
    assert np.mean(gains) >= 0.02, gains


@pytest.mark.parametrize("reweight", [True, False])
def test_estimator_is_fitted_on_the_kept_examples_with_noise_rate_weights(noisy_data, reweight):
    X, y = noisy_data
    model = ConfidentLearningClassifier(LogisticRegression(C=0.5), preset="reference",
                                        reweight=reweight, random_state=0).fit(X, y)
    issues = NoiseEstimator(LogisticRegression(C=0.5), random_state=0).fit(X, y)
    kept = ~issues.label_issues_
    weights = 1 / np.diagonal(issues.noise_matrix_)[y[kept]] if reweight else None
    expected = LogisticRegression(C=0.5).fit(X[kept], y[kept], sample_weight=weights)
    assert_array_equal(model.label_issues_, issues.label_issues_)
    assert_allclose(model.estimator_.coef_, expected.coef_)
    assert_allclose(model.predict_proba(X), expected.predict_proba(X))


def test_noise_rate_weights_are_inverse_kept_rates_floored():
    noise_matrix = np.array([[0.8, 0.0, 0.4], [0.2, 0.0, 0.0], [0.0, 1.0, 0.6]])
    assert_allclose(noise_rate_weights(noise_matrix, np.array([0, 1, 2, 0])),
                    [1.25, 1000.0, 1 / 0.6, 1.25])


@pytest.mark.parametrize("filter_by", PRUNE_METHODS)
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_matches_cleanlab_clean_learning_on_the_same_pred_probs(noisy_data, filter_by):
    from cleanlab.classification import CleanLearning

    X, y = noisy_data
    pred_probs = NoiseEstimator(random_state=0).fit(X, y).pred_probs_
    kwargs = {"filter_by": filter_by, "min_examples_per_class": 10}
    ours = ConfidentLearningClassifier(LogisticRegression(), preset="reference", **kwargs)
    ours.fit(X, y, pred_probs=pred_probs)
    reference = CleanLearning(LogisticRegression(), find_label_issues_kwargs=kwargs)
    reference.fit(X, y, pred_probs=pred_probs)
    assert_array_equal(ours.label_issues_, reference.label_issues_mask)
    assert_allclose(ours.predict_proba(X), reference.predict_proba(X), rtol=1e-6)


def test_sample_weight_given_to_fit_is_restricted_to_kept_examples_and_multiplied(noisy_data):
    X, y = noisy_data
    given = np.linspace(0.5, 1.5, len(y))
    model = ConfidentLearningClassifier(preset="reference", random_state=0)
    model.fit(X, y, sample_weight=given)
    kept = ~model.label_issues_
    weights = given[kept] / np.diagonal(model.noise_matrix_)[y[kept]]
    expected = LogisticRegression(max_iter=1000).fit(X[kept], y[kept], sample_weight=weights)
    assert_allclose(model.estimator_.coef_, expected.coef_, rtol=1e-5)


def test_sample_weight_travels_by_metadata_routing(noisy_data):
    X, y = noisy_data
    given = np.linspace(0.5, 1.5, len(y))
    unrouted = ConfidentLearningClassifier(random_state=0).fit(X, y, sample_weight=given)
    with config_context(enable_metadata_routing=True):
        inner = LogisticRegression(max_iter=1000).set_fit_request(sample_weight=True)
        routed = ConfidentLearningClassifier(inner, random_state=0).fit(X, y, sample_weight=given)
        with pytest.raises(ValueError, match="sample_weight"):  # not requested by the model
            ConfidentLearningClassifier(random_state=0).fit(X, y, sample_weight=given)
    assert_allclose(routed.estimator_.coef_, unrouted.estimator_.coef_)


def test_groups_travel_to_the_splitter_by_metadata_routing(noisy_data):
    X, y = noisy_data
    groups = np.arange(len(y)) % 5
    with config_context(enable_metadata_routing=True):
        model = ConfidentLearningClassifier(cv=GroupKFold(5), preset="reference")
        model.fit(X, y, groups=groups)
        noise = NoiseEstimator(cv=GroupKFold(5)).fit(X, y, groups=groups)
        iterated = ConfidentLearningClassifier(cv=GroupKFold(5), preset="reference",
                                               detection_rounds=2)
        iterated.fit(X, y, groups=groups)  # the later rounds get the kept examples' groups
    assert_array_equal(model.label_issues_, noise.label_issues_)
    assert iterated.n_detection_rounds_ == 2
    assert np.all(iterated.label_issues_ >= noise.label_issues_)


def test_string_labels_are_predicted_as_strings(noisy_data):
    X, y = noisy_data
    names = np.array(["ant", "bee", "cat"])
    model = ConfidentLearningClassifier(random_state=0).fit(X, names[y])
    assert_array_equal(model.classes_, names)
    assert_array_equal(model.estimator_.classes_, names)
    assert set(model.predict(X)) <= set(names)
    assert model.score(X, names[y]) == pytest.approx(np.mean(model.predict(X) == names[y]))


def test_methods_are_delegated_only_when_the_estimator_has_them(noisy_data):
    X, y = noisy_data
    with_all = ConfidentLearningClassifier(LogisticRegression(), random_state=0)
    without_decision = ConfidentLearningClassifier(GaussianNB(), random_state=0)
    assert hasattr(with_all, "decision_function")
    assert not hasattr(without_decision, "decision_function")
    with_all.fit(X, y)
    without_decision.fit(X, y)
    assert not hasattr(without_decision, "decision_function")
    assert_allclose(with_all.decision_function(X), with_all.estimator_.decision_function(X))
    assert_allclose(with_all.predict_log_proba(X), with_all.estimator_.predict_log_proba(X))
    assert_allclose(without_decision.predict_proba(X),
                    without_decision.estimator_.predict_proba(X))


def test_predicting_with_a_different_number_of_features_is_an_error(noisy_data):
    X, y = noisy_data
    model = ConfidentLearningClassifier(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 7 features, but ConfidentLearningClassifier is "
                                         "expecting 8 features"):
        model.predict(X[:, :7])


def test_dataframe_feature_names_reach_the_estimator(noisy_data):
    pd = pytest.importorskip("pandas")
    X, y = noisy_data
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    model = ConfidentLearningClassifier(random_state=0).fit(frame, y)
    assert_array_equal(model.estimator_.feature_names_in_, frame.columns)
    assert_array_equal(model.predict(frame), model.estimator_.predict(frame))


def test_a_class_pruned_away_entirely_is_a_clear_error():
    X = np.zeros((30, 1))
    y = np.repeat([0, 1, 2], 10)
    first = np.linspace(0.7, 0.9, 30)  # everything looks like class 0
    pred_probs = np.column_stack([first, (1 - first) / 2, (1 - first) / 2])
    model = ConfidentLearningClassifier(filter_by="predicted_neq_given", min_examples_per_class=0)
    with pytest.raises(ValueError, match="Every example of class [12] was found to be a label "
                                         "issue.*min_examples_per_class"):
        model.fit(X, y, pred_probs=pred_probs)
    assert not hasattr(model, "estimator_")


def test_grid_search_over_flat_parameters(noisy_data):
    X, y = noisy_data
    grid = GridSearchCV(
        ConfidentLearningClassifier(LogisticRegression(), cv=3, random_state=0),
        {"filter_by": PRUNE_METHODS, "frac_noise": [0.5, 1.0], "estimator__C": [0.1, 1]},
        cv=3,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 20
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_estimator_.estimator_.C in (0.1, 1)


def test_cross_val_score_clone_and_pipeline(noisy_data):
    X, y = noisy_data
    model = ConfidentLearningClassifier(LogisticRegression(), random_state=0)
    assert repr(clone(model)) == repr(model)
    scores = cross_val_score(model, X, y, cv=3)
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", model)]).fit(X, y)
    X_scaled = StandardScaler().fit_transform(X)
    scaled = clone(model).fit(X_scaled, y)
    assert_allclose(pipeline.predict_proba(X), scaled.predict_proba(X_scaled))


def positive_unlabelled(seed, labelled_fraction=0.5):
    """Binary data where only some positives (class 1) are labelled; the rest is labelled 0."""
    X, y = make_classification(n_samples=3000, n_features=8, n_informative=5, n_redundant=0,
                               n_clusters_per_class=1, class_sep=1.0, flip_y=0,
                               random_state=seed)
    rng = np.random.default_rng(seed)
    given = np.where((y[:1500] == 1) & (rng.random(1500) < labelled_fraction), 1, 0)
    return X[:1500], given, X[1500:], y[1500:]


def test_assume_no_errors_in_moves_the_clean_row_onto_its_diagonal():
    joint = np.array([[5, 3], [2, 10]])
    assert_array_equal(assume_no_errors_in(joint, 0), [[8, 0], [2, 10]])
    assert_array_equal(assume_no_errors_in(joint, 1), [[5, 3], [0, 12]])
    assert_array_equal(joint, [[5, 3], [2, 10]])  # not modified in place


def test_pulearning_beats_the_naive_classifier_on_positive_unlabelled_data():
    # Half the positives labelled: at least 10 points of clean-test accuracy better.
    for seed in range(3):
        X_train, given, X_test, y_test = positive_unlabelled(seed)
        naive = LogisticRegression().fit(X_train, given).score(X_test, y_test)
        model = ConfidentLearningClassifier(LogisticRegression(), pulearning=1,
                                            random_state=seed).fit(X_train, given)
        assert model.score(X_test, y_test) >= naive + 0.1, (seed, naive)


@pytest.mark.parametrize("filter_by", PRUNE_METHODS + ["low_self_confidence"])
def test_pulearning_never_flags_the_clean_class_and_zeroes_its_noise_rates(filter_by):
    X_train, given, _, _ = positive_unlabelled(0)
    names = np.array(["unlabelled", "positive"])[given]
    model = ConfidentLearningClassifier(filter_by=filter_by, pulearning="positive",
                                        random_state=0).fit(X_train, names)
    positive = list(model.classes_).index("positive")
    other = 1 - positive
    assert not np.any(model.label_issues_[names == "positive"])
    assert np.any(model.label_issues_)
    assert model.confident_joint_[positive, other] == 0
    label_counts = [np.sum(names == name) for name in model.classes_]
    assert_array_equal(model.confident_joint_.sum(axis=1), label_counts)
    assert model.noise_matrix_[positive, other] == 0
    assert model.inverse_noise_matrix_[other, positive] == 0
    assert 0.3 < model.noise_matrix_[other, positive] < 0.7  # half the positives unlabelled


@pytest.mark.parametrize(
    "y, pulearning, message",
    [
        (np.arange(90) % 3, 1, "needs a binary target"),
        (np.arange(90) % 2, 7, r"pulearning=7 is not one of the classes of y, \[0, 1\]"),
    ],
)
def test_pulearning_errors_are_clear_and_fit_nothing(y, pulearning, message):
    X = np.random.default_rng(0).normal(size=(90, 2))
    model = ConfidentLearningClassifier(pulearning=pulearning)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)
    assert not hasattr(model, "classes_")
