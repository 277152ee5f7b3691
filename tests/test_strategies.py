"""The learning strategies: relabelling, iterated detection, calibrated and ensembled out-of-fold
probabilities, the presets, and that the recommended preset learns better than the reference's."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_noisy import ConfidentLearningClassifier, LabelPruner, NoiseEstimator, count
from sklearn_noisy.filter import find_label_issues
from sklearn_noisy._strategies import (
    PRESETS,
    consensus_issues,
    detect_iteratively,
    fold_pred_probs,
    resolve_options,
    second_model,
    temperature_scale,
    training_labels,
)
from sklearn_noisy.noise_generation import generate_noisy_labels

#: 40% noise on a 4-class problem: each class loses labels to the next one (columns: true).
CYCLIC_NOISE = np.array([[0.6, 0.0, 0.0, 0.3],
                         [0.4, 0.7, 0.0, 0.0],
                         [0.0, 0.3, 0.6, 0.0],
                         [0.0, 0.0, 0.4, 0.7]])


def four_classes(seed, n_samples=1200):
    return make_classification(n_samples=n_samples, n_features=10, n_informative=6,
                               n_redundant=0, n_classes=4, n_clusters_per_class=1,
                               class_sep=1.2, random_state=seed)


class Fits(LogisticRegression):
    """A logistic regression that counts its fits (in the class, shared by the clones)."""

    n_fits = 0

    def fit(self, X, y, sample_weight=None):
        type(self).n_fits += 1
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture(scope="module")
def noisy_data():
    X, y = four_classes(0, n_samples=300)
    return X, generate_noisy_labels(y, CYCLIC_NOISE, random_state=0)


def test_the_recommended_preset_beats_the_reference_on_clean_test_labels():
    # 300 noisy training labels, clean test labels, 4 seeds: on average at least 5 points more
    # accurate than the reference's behaviour (preset='reference'), and at least 2 points more
    # in every seed (measured: 4 to 13 points).
    gains = []
    for seed in range(4):
        X, y = four_classes(seed, n_samples=600)
        X_train, y_train, X_test, y_test = X[:300], y[:300], X[300:], y[300:]
        noisy = generate_noisy_labels(y_train, CYCLIC_NOISE, random_state=seed)
        scores = [
            ConfidentLearningClassifier(LogisticRegression(), preset=preset, random_state=seed)
            .fit(X_train, noisy).score(X_test, y_test)
            for preset in ("recommended", "reference")
        ]
        gains.append(scores[0] - scores[1])
    assert np.mean(gains) >= 0.05, gains
    assert min(gains) >= 0.02, gains


def test_auto_options_follow_the_preset_and_explicit_values_win():
    assert resolve_options("reference", filter_by="auto", reweight="auto",
                           detection_rounds="auto", readmit="auto", readmit_rule="auto",
                           calibration="auto", extra_estimators="auto",
                           consensus="auto") == PRESETS["reference"]
    extras = [GaussianNB()]
    assert resolve_options("recommended", filter_by="both", reweight="auto",
                           detection_rounds=1, readmit=False, readmit_rule="auto",
                           calibration=None, extra_estimators=extras, consensus=False) == {
        "filter_by": "both", "reweight": PRESETS["recommended"]["reweight"],
        "detection_rounds": 1, "readmit": False,
        "readmit_rule": PRESETS["recommended"]["readmit_rule"], "calibration": None,
        "extra_estimators": extras, "consensus": False}


def test_the_second_model_is_of_another_kind_and_only_for_dense_numeric_features():
    X = np.random.default_rng(0).normal(size=(20, 3))
    for estimator in (LogisticRegression(), GaussianNB(),
                      make_pipeline(StandardScaler(), LogisticRegression())):
        (model,) = second_model(estimator, X)
        assert isinstance(model, HistGradientBoostingClassifier)
    for estimator in (HistGradientBoostingClassifier(), RandomForestClassifier(),
                      make_pipeline(StandardScaler(), RandomForestClassifier())):
        (model,) = second_model(estimator, X)
        assert isinstance(model, Pipeline) and isinstance(model[-1], LogisticRegression)
    with_nan = X.copy()
    with_nan[0, 0] = np.nan
    assert len(second_model(LogisticRegression(), with_nan)) == 1  # gradient boosting: NaN ok
    assert second_model(HistGradientBoostingClassifier(), with_nan) == []
    assert second_model(LogisticRegression(), sp.csr_matrix(X)) == []
    assert second_model(LogisticRegression(), np.array([["a", "b"]] * 20)) == []


def test_the_recommended_preset_averages_the_estimator_with_the_second_model(noisy_data):
    X, y = noisy_data
    model = ConfidentLearningClassifier(LogisticRegression(), detection_rounds=1,
                                        random_state=0).fit(X, y)
    members = [NoiseEstimator(e, random_state=0).fit(X, y).pred_probs_
               for e in [LogisticRegression()] + second_model(LogisticRegression(), X)]
    assert_allclose(model.pred_probs_, np.mean(members, axis=0))
    alone = ConfidentLearningClassifier(LogisticRegression(), detection_rounds=1,
                                        extra_estimators=None, random_state=0).fit(X, y)
    assert_allclose(alone.pred_probs_, members[0])


def kept_models_probs(X, y, kept, model=None):
    """Probabilities from ``model`` cross-validated on ``kept`` (5 folds, seed 0): out of fold
    for the kept examples, the mean of the folds' models for the others."""
    splits = list(StratifiedKFold(5, shuffle=True, random_state=np.random.RandomState(0))
                  .split(X[kept], y[kept]))
    probs = np.empty((len(y), 4))
    probs[kept], probs[~kept] = fold_pred_probs(
        model or LogisticRegression(max_iter=1000), X[kept], y[kept], splits, X[~kept])
    return probs


def test_consensus_flags_what_no_model_predicts_with_or_without_its_class_bias():
    labels = np.array([0, 0, 0, 1, 1, 1])
    # The first model leans to class 1: thresholds (mean probability of each class over the
    # examples given it) 0.6 and 0.733, so 0.45 / 0.55 is closer to its class 0 (-0.15 against
    # -0.18) once they are subtracted. The second: thresholds 0.533 and 0.667.
    first = np.array([[.45, .55], [.45, .55], [.9, .1], [0, 1], [0, 1], [.8, .2]])
    second = np.array([[.6, .4], [.3, .7], [.7, .3], [.2, .8], [.1, .9], [.7, .3]])
    assert_array_equal(count.get_confident_thresholds(labels, first), [0.6, 2.2 / 3])
    # Example 1: both argmaxes are 1, but the first model predicts 0 without its bias;
    # example 5: both predict 0 either way.
    assert_array_equal(consensus_issues(labels, [first, second]),
                       [False, False, False, False, False, True])
    # A third model that predicts the label of example 5 (thresholds 0.5 and 0.533).
    third = np.array([[.5, .5]] * 5 + [[.4, .6]])
    assert not consensus_issues(labels, [first, second, third]).any()
    # Thresholds 0.4 and 0.783: example 0 is predicted 1 by the argmax only, example 3 is
    # predicted 0 without the bias only; a model predicts the label if either says so.
    labels = np.array([0, 1, 1, 1])
    model = np.array([[.4, .6], [.1, .9], [.1, .9], [.45, .55]])
    assert not consensus_issues(labels, [model, model]).any()
    # One model is not a consensus.
    assert not consensus_issues(labels, [model]).any()
    assert not consensus_issues(labels, []).any()


def test_consensus_adds_to_the_issues_what_no_model_of_the_ensemble_predicts(noisy_data):
    X, y = noisy_data
    options = {"extra_estimators": [GaussianNB()], "detection_rounds": 1, "readmit": False,
               "random_state": 0}
    without = ConfidentLearningClassifier(LogisticRegression(), consensus=False, **options)
    without = without.fit(X, y)
    model = ConfidentLearningClassifier(LogisticRegression(), consensus=True, **options)
    model = model.fit(X, y)
    members = [NoiseEstimator(e, random_state=0).fit(X, y).pred_probs_
               for e in (LogisticRegression(), GaussianNB())]
    agreed = consensus_issues(y, members)
    assert np.any(agreed & ~without.label_issues_)  # the averaged probabilities miss some
    assert_array_equal(model.label_issues_, without.label_issues_ | agreed)
    assert_array_equal(np.sort(model.ranked_label_issues_), np.flatnonzero(model.label_issues_))
    # Without an extra model there is no consensus.
    alone = {**options, "extra_estimators": None}
    assert_array_equal(
        ConfidentLearningClassifier(consensus=True, **alone).fit(X, y).label_issues_,
        ConfidentLearningClassifier(consensus=False, **alone).fit(X, y).label_issues_)


def test_readmission_by_prediction_gives_back_what_the_kept_models_predict(noisy_data):
    X, y = noisy_data
    options = {"extra_estimators": [GaussianNB()], "detection_rounds": 1, "random_state": 0,
               "consensus": True}
    without = ConfidentLearningClassifier(LogisticRegression(max_iter=1000), readmit=False,
                                          **options).fit(X, y)
    model = ConfidentLearningClassifier(LogisticRegression(max_iter=1000), readmit=True,
                                        readmit_rule="prediction", **options).fit(X, y)
    kept = ~without.label_issues_
    members = [kept_models_probs(X, y, kept), kept_models_probs(X, y, kept, GaussianNB())]
    mean = np.mean(members, axis=0)
    # Still flagged: the label is not the most probable class of the averaged probabilities,
    # or no model predicts it.
    still = (mean.argmax(axis=1) != y) | consensus_issues(y, members)
    assert np.any(without.label_issues_ & ~still)
    assert_array_equal(model.label_issues_, without.label_issues_ & still)
    by_filter = ConfidentLearningClassifier(LogisticRegression(max_iter=1000), readmit=True,
                                            readmit_rule="filter_by", **options).fit(X, y)
    still = find_label_issues(y, mean) | consensus_issues(y, members)
    assert_array_equal(by_filter.label_issues_, without.label_issues_ & still)


def test_readmission_only_unflags_and_keeps_what_the_kept_models_still_flag(noisy_data):
    X, y = noisy_data
    options = {"extra_estimators": None, "detection_rounds": 2, "random_state": 0,
               "readmit_rule": "filter_by"}
    without = ConfidentLearningClassifier(readmit=False, **options).fit(X, y)
    model = ConfidentLearningClassifier(readmit=True, **options).fit(X, y)
    assert np.all(without.label_issues_[model.label_issues_])  # nothing newly flagged
    assert model.label_issues_.sum() < without.label_issues_.sum()
    assert_array_equal(np.sort(model.ranked_label_issues_), np.flatnonzero(model.label_issues_))
    # The readmitted examples are those the rule no longer flags, with probabilities from
    # models trained on the kept examples (out of fold for them, every fold's for the others).
    probs = kept_models_probs(X, y, ~without.label_issues_)
    still = find_label_issues(y, probs, filter_by="prune_by_noise_rate")
    assert_array_equal(model.label_issues_, without.label_issues_ & still)


def test_the_second_model_gets_only_the_fit_parameters_it_takes(noisy_data):
    X, y = noisy_data
    weights = np.ones(len(y))
    # The second model of a tree model is a pipeline, whose fit takes no sample_weight.
    ConfidentLearningClassifier(HistGradientBoostingClassifier(max_iter=5), detection_rounds=2,
                                random_state=0).fit(X, y, sample_weight=weights)


def test_training_labels_relabel_the_issues_above_the_margin_and_drop_the_others():
    labels = np.array([0, 1, 2, 0, 1])
    pred_probs = np.array([[0.8, 0.1, 0.1],
                           [0.7, 0.2, 0.1],    # issue, margin 0.5: relabelled to 0
                           [0.1, 0.5, 0.4],    # issue, margin 0.1: dropped at 0.3
                           [0.9, 0.05, 0.05],
                           [0.1, 0.3, 0.6]])   # not an issue: kept as given
    issues = np.array([False, True, True, False, False])
    indices, new_labels, relabelled = training_labels(labels, pred_probs, issues, 0.3)
    assert_array_equal(indices, [0, 1, 3, 4])
    assert_array_equal(new_labels, [0, 0, 0, 1])
    assert_array_equal(relabelled, [False, True, False, False, False])
    indices, new_labels, _ = training_labels(labels, pred_probs, issues, 0.0)
    assert_array_equal(indices, [0, 1, 2, 3, 4])
    assert_array_equal(new_labels, [0, 0, 1, 0, 1])
    indices, new_labels, relabelled = training_labels(labels, pred_probs, issues, None)
    assert_array_equal(indices, [0, 3, 4])
    assert_array_equal(new_labels, [0, 0, 1])
    assert not relabelled.any()
    assert_array_equal(labels, [0, 1, 2, 0, 1])  # not modified in place


def test_detect_iteratively_flags_among_the_kept_and_stops_when_nothing_is_new():
    seen = []

    def detect_among(kept):
        seen.append(kept.copy())
        return kept == kept.min(), len(seen)  # flag the smallest index still kept

    issues, n_rounds, last, applied = detect_iteratively(
        np.array([True, False, False, False]), detect_among, 3)
    assert_array_equal(issues, [True, True, True, False])
    assert n_rounds == 3 and last == 2 and applied  # the rounds ran out
    assert_array_equal(seen[0], [1, 2, 3])
    assert_array_equal(seen[1], [2, 3])

    issues, n_rounds, last, applied = detect_iteratively(
        np.zeros(3, bool), lambda kept: (np.zeros(3, bool), "probs"), 5)
    assert n_rounds == 2 and not issues.any()  # the second round found nothing: stop
    assert last == "probs" and not applied  # its kept examples are those of ``issues``
    issues, n_rounds, last, applied = detect_iteratively(np.ones(2, bool), lambda kept: None, 5)
    assert n_rounds == 1 and issues.all() and last is None  # no round possible


def test_a_round_that_adds_few_issues_is_not_applied_and_stops_the_rounds():
    first = np.zeros(100, bool)
    first[:20] = True

    def detect_among(kept):  # 5 new issues in the first call, then 4, 3, 2, 1, 0
        new = np.zeros(len(kept), bool)
        new[:max(0, 5 - len(seen))] = True
        seen.append(len(kept))
        return new, len(seen)

    seen = []
    issues, n_rounds, last, applied = detect_iteratively(first, detect_among, 10, round_tol=0.3)
    assert_array_equal(issues, first)  # 5 <= 0.3 * 20: not applied, and the rounds stop
    assert n_rounds == 2 and last == 1 and not applied
    seen = []
    issues, n_rounds, last, applied = detect_iteratively(first, detect_among, 10, round_tol=0.1)
    # 5 > 0.1 * 20 (applied), then 4 > 2.5, 3 > 2.9, then 2 <= 3.2 stops
    assert issues.sum() == 20 + 5 + 4 + 3 and n_rounds == 5 and last == 4 and not applied
    seen = []
    issues, n_rounds, last, _ = detect_iteratively(first, detect_among, 10, round_tol=0.0)
    assert issues.sum() == 20 + 5 + 4 + 3 + 2 + 1 and n_rounds == 7 and last == 6


def test_temperature_scaling_keeps_the_argmax_and_softens_overconfident_probabilities():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 100)
    logits = rng.normal(size=(300, 3))
    logits[np.arange(300), labels] += 1.0
    overconfident = np.exp(8 * logits)
    overconfident /= overconfident.sum(axis=1, keepdims=True)
    calibrated = temperature_scale(overconfident, labels, random_state=0)
    assert_allclose(calibrated.sum(axis=1), 1)
    assert_array_equal(calibrated.argmax(axis=1), overconfident.argmax(axis=1))
    assert calibrated.max(axis=1).mean() < overconfident.max(axis=1).mean() - 0.1
    assert_array_equal(calibrated, temperature_scale(overconfident, labels, random_state=0))


def test_relabelled_issues_are_trained_on_with_their_predicted_class(noisy_data):
    X, y = noisy_data
    model = ConfidentLearningClassifier(LogisticRegression(), preset="reference",
                                        reweight=False, relabel_margin=0.2, random_state=0)
    model.fit(X, y)
    assert model.relabelled_.any()
    assert np.all(model.label_issues_[model.relabelled_])
    fixed = y.copy()
    fixed[model.relabelled_] = model.pred_probs_[model.relabelled_].argmax(axis=1)
    keep = ~model.label_issues_ | model.relabelled_
    expected = LogisticRegression().fit(X[keep], fixed[keep])
    assert_allclose(model.estimator_.coef_, expected.coef_)


def test_later_rounds_flag_more_and_keep_the_first_rounds_probabilities(noisy_data):
    X, y = noisy_data
    first = NoiseEstimator(LogisticRegression(), random_state=0).fit(X, y)
    model = ConfidentLearningClassifier(LogisticRegression(), preset="reference",
                                        detection_rounds=3, random_state=0)
    model.fit(X, y, pred_probs=first.pred_probs_)
    assert model.n_detection_rounds_ >= 2
    assert model.label_issues_.sum() > first.label_issues_.sum()
    assert np.all(model.label_issues_[first.label_issues_])
    assert_array_equal(model.pred_probs_, first.pred_probs_)
    assert_array_equal(np.sort(model.ranked_label_issues_), np.flatnonzero(model.label_issues_))


def test_a_stopped_round_is_not_applied_and_its_models_serve_the_readmission(noisy_data):
    X, y = noisy_data
    options = {"extra_estimators": None, "readmit": True, "random_state": 0}
    stopped = ConfidentLearningClassifier(Fits(max_iter=1000), detection_rounds=3,
                                          round_tol=100.0, **options)
    Fits.n_fits = 0
    stopped.fit(X, y)
    # The second round ran but changed too little: the issues are those of one round, then
    # readmitted by the second round's models, cross-validated on the same kept examples:
    # 5 fits per round and the final fit, none for the readmission.
    assert stopped.n_detection_rounds_ == 2
    assert Fits.n_fits == 5 + 5 + 1
    one_round = ConfidentLearningClassifier(detection_rounds=1, **options).fit(X, y)
    assert_array_equal(stopped.label_issues_, one_round.label_issues_)
    unstopped = ConfidentLearningClassifier(detection_rounds=3, round_tol=0.0, **options)
    assert unstopped.fit(X, y).n_detection_rounds_ == 3


def test_readmission_by_the_last_rounds_models_costs_no_cross_validation(noisy_data):
    X, y = noisy_data
    options = {"extra_estimators": None, "detection_rounds": 2, "random_state": 0,
               "readmit_rule": "filter_by"}
    without = ConfidentLearningClassifier(readmit=False, **options).fit(X, y)
    first = ConfidentLearningClassifier(readmit=False, **{**options, "detection_rounds": 1})
    first = first.fit(X, y).label_issues_
    assert without.label_issues_.sum() > first.sum()  # the second round added issues
    Fits.n_fits = 0
    model = ConfidentLearningClassifier(Fits(max_iter=1000), readmit="last_round", **options)
    model.fit(X, y)
    assert Fits.n_fits == 5 + 5 + 1  # two rounds and the final fit
    # The second round's models were cross-validated on the examples the first round kept.
    still = find_label_issues(y, kept_models_probs(X, y, ~first),
                              filter_by="prune_by_noise_rate")
    assert_array_equal(model.label_issues_, without.label_issues_ & still)


def test_fixed_splits_allow_a_single_round(noisy_data):
    X, y = noisy_data
    splits = list(StratifiedKFold(3).split(X, y))
    model = ConfidentLearningClassifier(cv=splits, detection_rounds=3, random_state=0).fit(X, y)
    assert model.n_detection_rounds_ == 1


def test_extra_estimators_average_the_out_of_fold_probabilities(noisy_data):
    X, y = noisy_data
    model = ConfidentLearningClassifier(LogisticRegression(), extra_estimators=[GaussianNB()],
                                        preset="reference", random_state=0).fit(X, y)
    members = [NoiseEstimator(e, random_state=0).fit(X, y).pred_probs_
               for e in (LogisticRegression(), GaussianNB())]
    assert_allclose(model.pred_probs_, np.mean(members, axis=0))
    assert isinstance(model.estimator_, LogisticRegression)


def test_temperature_calibration_applies_to_given_pred_probs(noisy_data):
    X, y = noisy_data
    pred_probs = NoiseEstimator(random_state=0).fit(X, y).pred_probs_
    model = ConfidentLearningClassifier(calibration="temperature", detection_rounds=1,
                                        extra_estimators=None,
                                        random_state=0).fit(X, y, pred_probs=pred_probs)
    assert_allclose(model.pred_probs_, temperature_scale(pred_probs, y, random_state=0))


def test_grid_search_over_the_strategy_options(noisy_data):
    X, y = noisy_data
    grid = GridSearchCV(
        ConfidentLearningClassifier(LogisticRegression(), cv=3, random_state=0),
        {"preset": ["recommended", "reference"], "relabel_margin": [None, 0.5],
         "detection_rounds": [1, 2]},
        cv=3,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 8
    assert grid.best_estimator_.n_detection_rounds_ in (1, 2)


def test_label_pruner_returns_corrected_labels_in_the_type_of_y(noisy_data):
    X, y = noisy_data
    pruner = LabelPruner(LogisticRegression(), relabel_margin=0.0, random_state=0)
    X_fixed, y_fixed = pruner.fit_resample(X, y)
    assert_array_equal(pruner.relabelled_, pruner.label_issues_)
    assert len(y_fixed) == len(y)  # every issue relabelled, none removed
    predicted = pruner.pred_probs_.argmax(axis=1)
    assert_array_equal(y_fixed, np.where(pruner.label_issues_, predicted, y))
    assert_array_equal(X_fixed, X)

    names = np.array(["a", "b", "c", "d"])
    series = pd.Series(names[y], index=np.arange(len(y)) * 10)
    _, y_series = pruner.fit_resample(pd.DataFrame(X), series)
    assert_array_equal(y_series.to_numpy(), names[y_fixed])
    assert_array_equal(y_series.index, series.index)
    assert_array_equal(series.to_numpy(), names[y])  # not modified in place

    _, y_list = pruner.fit_resample(X, y.tolist())
    assert y_list == y_fixed.tolist()
    one_vs_all = np.eye(4, dtype=int)[y]
    _, y_indicator = pruner.fit_resample(X, one_vs_all)
    assert_array_equal(y_indicator, np.eye(4, dtype=int)[y_fixed])

    dropped = LabelPruner(LogisticRegression(), relabel_margin=None, random_state=0)
    _, y_kept = dropped.fit_resample(X, y)
    assert len(y_kept) == len(y) - pruner.label_issues_.sum()


def test_consensus_never_takes_a_class_below_min_examples_per_class():
    X, y = four_classes(0, n_samples=300)
    y = np.where(np.arange(len(y)) < 4, 3, y)  # 4 more examples labelled 3
    y[:4] = 9  # ... relabelled to a class of 4 examples that no model predicts
    for min_examples in (1, 3):
        model = ConfidentLearningClassifier(LogisticRegression(), cv=3, detection_rounds=2,
                                            min_examples_per_class=min_examples,
                                            random_state=0).fit(X, y)
        assert np.sum(~model.label_issues_ & (y == 9)) >= min_examples
