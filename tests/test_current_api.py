"""The current reference API (cleanlab 2.9's classification core) through ours, import lines only.

Differential tests against cleanlab 2.9.0 on random inputs, and hand-worked fixtures, for the
multi-label counting functions, the argmax-confusion-matrix baseline, ``verbose=``, the ensemble
scores, the multi-label aggregators and ``low_memory``.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklearn_noisy import count, filter, multilabel, rank

cleanlab = pytest.importorskip("cleanlab")
if cleanlab.__version__ != "2.9.0":
    pytest.skip("the differential tests pin cleanlab 2.9.0", allow_module_level=True)

import cleanlab.count as cl_count
import cleanlab.filter as cl_filter
import cleanlab.multilabel_classification.filter as cl_ml_filter
import cleanlab.multilabel_classification.rank as cl_ml_rank
import cleanlab.rank as cl_rank


def multiclass_inputs(seed, n_samples=300, n_classes=4, noise=0.25, dtype=np.float64):
    """Tie-free predicted probabilities that mostly agree with the labels, some flipped."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, n_classes, n_samples)
    logits = rng.normal(size=(n_samples, n_classes))
    logits[np.arange(n_samples), true] += 2.5
    pred_probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n_samples) < noise, rng.integers(0, n_classes, n_samples), true)
    labels[:n_classes] = np.arange(n_classes)  # every class given
    pred_probs[np.arange(n_classes), np.arange(n_classes)] = 0.97  # and predicted
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    return labels, pred_probs.astype(dtype)


def multilabel_inputs(seed, n_samples=200, n_classes=4, dtype=np.float64):
    """Lists of classes (every class present and absent somewhere) and independent probabilities."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n_samples, n_classes)) < rng.uniform(0.2, 0.6, n_classes)
    scores = np.where(truth, rng.uniform(0.35, 1, truth.shape), rng.uniform(0, 0.65, truth.shape))
    given = truth ^ (rng.random(truth.shape) < 0.1)
    given[0], given[1] = True, False
    labels = [list(np.flatnonzero(row)) for row in given]
    return labels, scores.astype(dtype)


def quiet(function, *args, **kwargs):
    """Call the reference with its deprecation and other warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


# --- multi_label=True in count --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_multi_label_thresholds_equal_the_reference(seed, dtype):
    labels, pred_probs = multilabel_inputs(seed, dtype=dtype)
    ours = count.get_confident_thresholds(labels, pred_probs, multi_label=True)
    theirs = cl_count.get_confident_thresholds(labels, pred_probs, multi_label=True)
    assert ours.shape == (4, 2)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6 if dtype == np.float32 else 1e-12)


def test_multi_label_thresholds_by_hand():
    # Class 0 present in rows 0, 1 (p = .8, .6): .7; absent in row 2 (1 - .3): .7.
    # Class 1 absent in row 0 (1 - .2): .8; present in rows 1, 2 (.7, .9): .8.
    thresholds = count.get_confident_thresholds(
        [[0], [0, 1], [1]], np.array([[0.8, 0.2], [0.6, 0.7], [0.3, 0.9]]), multi_label=True
    )
    np.testing.assert_allclose(thresholds, [[0.7, 0.7], [0.8, 0.8]])


@pytest.mark.parametrize("seed", range(3))
def test_multi_label_calibration_and_joint_equal_the_reference(seed):
    labels, pred_probs = multilabel_inputs(seed)
    raw = count.compute_confident_joint(labels, pred_probs, calibrate=False, multi_label=True)
    np.testing.assert_array_equal(
        count.calibrate_confident_joint(raw, labels, multi_label=True),
        cl_count.calibrate_confident_joint(raw, labels, multi_label=True),
    )
    np.testing.assert_allclose(
        count.estimate_joint(labels, pred_probs, multi_label=True),
        cl_count.estimate_joint(labels, pred_probs, multi_label=True),
    )
    np.testing.assert_allclose(
        count.estimate_joint(labels, pred_probs, confident_joint=raw, multi_label=True),
        cl_count.estimate_joint(labels, pred_probs, confident_joint=raw, multi_label=True),
    )


def test_multi_label_joint_of_each_class_sums_to_one_and_keeps_the_label_prior():
    labels, pred_probs = multilabel_inputs(7)
    joint = count.estimate_joint(labels, pred_probs, multi_label=True)
    indicator = multilabel.to_indicator(labels, 4)
    np.testing.assert_allclose(joint.sum(axis=(1, 2)), 1)
    np.testing.assert_allclose(joint[:, 1].sum(axis=1), indicator.mean(axis=0), atol=1e-2)


@pytest.mark.parametrize("seed", range(4))
def test_multi_label_num_label_issues_equals_the_reference(seed):
    labels, pred_probs = multilabel_inputs(seed)
    ours = count.num_label_issues(labels, pred_probs, multi_label=True)
    theirs = quiet(cl_count.num_label_issues, labels, pred_probs, multi_label=True)
    assert ours == theirs
    assert ours == np.count_nonzero(
        multilabel.find_label_issues(labels, pred_probs, filter_by="confident_learning")
    )


def test_multi_label_counting_refuses_what_it_cannot_honour():
    labels, pred_probs = multilabel_inputs(0)
    with pytest.raises(ValueError, match="estimation_method='off_diagonal'"):
        count.num_label_issues(labels, pred_probs, multi_label=True,
                               estimation_method="off_diagonal_calibrated")
    with pytest.raises(ValueError, match=r"shape \(4, 2, 2\)"):
        count.calibrate_confident_joint(np.ones((4, 4)), labels, multi_label=True)


# --- filter: the argmax confusion matrix baseline and verbose ---------------------------------


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("calibrate", [True, False])
@pytest.mark.parametrize("filter_by", ["prune_by_noise_rate", "prune_by_class", "both"])
def test_argmax_confusion_matrix_baseline_equals_the_reference(seed, calibrate, filter_by):
    labels, pred_probs = multiclass_inputs(seed)
    ours = filter.find_label_issues_using_argmax_confusion_matrix(
        labels, pred_probs, calibrate=calibrate, filter_by=filter_by
    )
    theirs = cl_filter.find_label_issues_using_argmax_confusion_matrix(
        labels, pred_probs, calibrate=calibrate, filter_by=filter_by
    )
    np.testing.assert_array_equal(ours, theirs)
    assert ours.any()


def test_argmax_confusion_matrix_baseline_by_hand():
    # Given 0 / predicted 1 once: the confusion matrix [[2, 1], [0, 3]] prunes that example.
    labels = np.array([0, 0, 0, 1, 1, 1])
    pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6],
                           [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    np.testing.assert_array_equal(
        filter.find_label_issues_using_argmax_confusion_matrix(labels, pred_probs),
        [False, False, True, False, False, False],
    )


def test_argmax_confusion_matrix_baseline_counts_a_class_never_predicted():
    labels, pred_probs = multiclass_inputs(0, n_classes=3)
    pred_probs[:, 2] = 0.0
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    issues = filter.find_label_issues_using_argmax_confusion_matrix(labels, pred_probs)
    assert issues[labels == 2].any()


@pytest.mark.parametrize("multi_label", [False, True])
def test_verbose_prints_the_count_to_stdout_and_changes_nothing(capsys, multi_label):
    labels, pred_probs = (multilabel_inputs(1) if multi_label else multiclass_inputs(1))
    quiet_result = filter.find_label_issues(labels, pred_probs, multi_label=multi_label)
    capsys.readouterr()
    loud = filter.find_label_issues(labels, pred_probs, multi_label=multi_label, verbose=True)
    out = capsys.readouterr()
    np.testing.assert_array_equal(loud, quiet_result)
    assert f"Found {np.count_nonzero(loud)} label issues" in out.out
    assert out.err == ""


# --- rank: ensemble scores ----------------------------------------------------------------------


def ensemble_inputs(seed, n_models=3, dtype=np.float64):
    """Labels and the pred_probs of several models of different quality."""
    labels, first = multiclass_inputs(seed, dtype=dtype)
    rng = np.random.default_rng(seed + 100)
    members = [first]
    for sharpness in np.linspace(0.3, 2.0, n_models - 1):
        logits = np.log(first.astype(np.float64)) * sharpness + rng.normal(size=first.shape)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        members.append(probs.astype(dtype))
    return labels, members


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("weighting", ["accuracy", "log_loss_search", "uniform"])
@pytest.mark.parametrize("method, adjust", [("self_confidence", False),
                                            ("normalized_margin", True),
                                            ("confidence_weighted_entropy", False)])
def test_ensemble_scores_equal_the_reference(seed, weighting, method, adjust):
    labels, members = ensemble_inputs(seed)
    options = {"method": method, "adjust_pred_probs": adjust,
               "weight_ensemble_members_by": weighting}
    ours = rank.get_label_quality_ensemble_scores(labels, members, **options)
    theirs = quiet(cl_rank.get_label_quality_ensemble_scores, labels, members, verbose=False,
                   **options)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("t_values", [[0.5], [1e-3, 3.0, 50.0]])
def test_ensemble_log_loss_search_over_given_t_values_equals_the_reference(t_values):
    labels, members = ensemble_inputs(5, n_models=4, dtype=np.float32)
    options = {"weight_ensemble_members_by": "log_loss_search",
               "log_loss_search_T_values": t_values}
    np.testing.assert_allclose(
        rank.get_label_quality_ensemble_scores(labels, members, **options),
        quiet(cl_rank.get_label_quality_ensemble_scores, labels, members, verbose=False,
              **options),
        rtol=1e-6,
    )


def test_ensemble_custom_weights_equal_the_reference_and_a_hand_computed_mean():
    labels, members = ensemble_inputs(3)
    weights = np.array([0.5, 0.2, 0.3])
    ours = rank.get_label_quality_ensemble_scores(
        labels, members, weight_ensemble_members_by="custom", custom_weights=weights
    )
    theirs = quiet(cl_rank.get_label_quality_ensemble_scores, labels, members,
                   weight_ensemble_members_by="custom", custom_weights=weights, verbose=False)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    by_hand = sum(w * rank.get_label_quality_scores(labels, p) for w, p in zip(weights, members))
    np.testing.assert_allclose(ours, by_hand)


def test_ensemble_weights_by_accuracy_by_hand(capsys):
    labels = np.array([0, 1, 1, 0])
    right = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7], [0.6, 0.4]])  # accuracy 1
    half = np.array([[0.6, 0.4], [0.7, 0.3], [0.1, 0.9], [0.4, 0.6]])  # accuracy 1/2
    scores = rank.get_label_quality_ensemble_scores(labels, [right, half], verbose=True)
    # weights 2/3 and 1/3 of the self-confidences
    np.testing.assert_allclose(scores, [(2 * 0.9 + 0.6) / 3, (2 * 0.8 + 0.3) / 3,
                                        (2 * 0.7 + 0.9) / 3, (2 * 0.6 + 0.4) / 3])
    out = capsys.readouterr().out
    assert "weighted by accuracy" in out and "weight 0.666667" in out


def test_ensemble_refuses_inconsistent_weights():
    labels, members = ensemble_inputs(0, n_models=2)
    with pytest.raises(ValueError, match="only used with weight_ensemble_members_by='custom'"):
        rank.get_label_quality_ensemble_scores(labels, members, custom_weights=[1, 1])
    with pytest.raises(ValueError, match="one number per model"):
        rank.get_label_quality_ensemble_scores(labels, members, custom_weights=[1, 1, 1],
                                               weight_ensemble_members_by="custom")
    with pytest.raises(ValueError, match="pred_probs_list is empty"):
        rank.get_label_quality_ensemble_scores(labels, [])
    with pytest.raises(ValueError, match="same shape"):
        rank.get_label_quality_ensemble_scores(
            labels, [members[0], np.column_stack([members[0], np.zeros(len(labels))])]
        )


# --- multi-label ranking: aggregators and low_memory -------------------------------------------


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("aggregator_kwargs", [
    {"method": "exponential_moving_average", "alpha": None},
    {"method": "exponential_moving_average", "alpha": 0.3},
    {"method": "softmin"},
    {"method": "softmin", "temperature": 0.5},
    {"method": np.min},
    {"method": np.mean},
])
@pytest.mark.parametrize("method", ["self_confidence", "normalized_margin"])
def test_multilabel_aggregators_equal_the_reference(seed, aggregator_kwargs, method):
    labels, pred_probs = multilabel_inputs(seed)
    ours = multilabel.get_label_quality_scores(labels, pred_probs, method=method,
                                               aggregator_kwargs=aggregator_kwargs)
    theirs = cl_ml_rank.get_label_quality_scores(labels, pred_probs, method=method,
                                                 aggregator_kwargs=aggregator_kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_aggregators_by_hand():
    scores = np.array([[0.9, 0.5, 0.2]])
    # alpha=None with K=3 is 1/2: .9 -> .5*.5 + .5*.9 = .7 -> .5*.2 + .5*.7 = .45
    np.testing.assert_allclose(multilabel.aggregate(scores, {"alpha": None}), [0.45])
    # softmin with temperature 1: weights exp(.1), exp(.5), exp(.8), normalised
    weights = np.exp([0.1, 0.5, 0.8]) / np.exp([0.1, 0.5, 0.8]).sum()
    np.testing.assert_allclose(
        multilabel.aggregate(scores, {"method": "softmin", "temperature": 1.0}),
        [weights @ scores[0]],
    )
    np.testing.assert_allclose(multilabel.aggregate(scores, {"method": np.median}), [0.5])


def test_aggregators_refuse_what_they_would_ignore():
    scores = np.array([[0.9, 0.5]])
    with pytest.raises(ValueError, match="takes only"):
        multilabel.aggregate(scores, {"method": "softmin", "alpha": 0.5})
    with pytest.raises(ValueError, match="one of"):
        multilabel.aggregate(scores, {"method": "harmonic"})
    with pytest.raises(ValueError, match="not both"):
        multilabel.aggregate(scores, {"method": "softmin"}, alpha=0.5)
    with pytest.raises(ValueError, match="reduce"):
        multilabel.aggregate(scores, {"method": lambda s, axis: s})


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("ranked_by", [None, "self_confidence", "normalized_margin"])
def test_multilabel_low_memory_equals_the_reference(seed, ranked_by):
    labels, pred_probs = multilabel_inputs(seed, n_samples=300)
    ours = multilabel.find_label_issues(labels, pred_probs, low_memory=True,
                                        return_indices_ranked_by=ranked_by)
    theirs = quiet(cl_ml_filter.find_label_issues, labels, pred_probs, low_memory=True,
                   return_indices_ranked_by=ranked_by)
    np.testing.assert_array_equal(ours, theirs)
    assert len(ours) and (ranked_by is not None or ours.any())


def test_multilabel_low_memory_is_per_class_lowest_scores():
    labels, pred_probs = multilabel_inputs(4)
    indicator = multilabel.to_indicator(labels, 4)
    expected = np.zeros(len(labels), dtype=bool)
    for k in range(4):
        binary = np.column_stack([1 - pred_probs[:, k], pred_probs[:, k]])
        n_issues = count.num_label_issues(indicator[:, k], binary)
        scores = rank.get_label_quality_scores(indicator[:, k], binary)
        lowest = np.zeros(len(labels), dtype=bool)
        lowest[np.argsort(scores, kind="stable")[:n_issues]] = True
        expected |= lowest & (np.argmax(binary, axis=1) != indicator[:, k])
    np.testing.assert_array_equal(
        multilabel.find_label_issues(labels, pred_probs, low_memory=True), expected
    )


def test_multilabel_low_memory_refuses_pruning_options():
    labels, pred_probs = multilabel_inputs(0)
    for option in [{"filter_by": "both"}, {"frac_noise": 0.5}, {"min_examples_per_class": 3},
                   {"num_to_remove_per_class": 2}]:
        with pytest.raises(ValueError, match="does not apply with low_memory=True"):
            multilabel.find_label_issues(labels, pred_probs, low_memory=True, **option)


# --- multi-label dataset summaries --------------------------------------------------------------


def summary_inputs(seed):
    labels, pred_probs = multilabel_inputs(seed, n_samples=150, n_classes=3)
    return labels, pred_probs, ["cat", "dog", "fox"]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("ranked_by", [None, "normalized_margin"])
def test_per_class_issues_equal_the_reference(seed, ranked_by):
    labels, pred_probs = multilabel_inputs(seed)
    ours = multilabel.find_multilabel_issues_per_class(labels, pred_probs,
                                                       return_indices_ranked_by=ranked_by)
    theirs = quiet(cl_ml_filter.find_multilabel_issues_per_class, labels, pred_probs,
                   return_indices_ranked_by=ranked_by, n_jobs=1)
    if ranked_by is None:
        np.testing.assert_array_equal(ours, theirs)
        return
    for ours_part, theirs_part in zip(ours, theirs):
        for a, b in zip(ours_part, theirs_part):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed, named", [(0, False), (1, True)])
def test_dataset_summaries_equal_the_reference(seed, named):
    pandas = pytest.importorskip("pandas")
    import cleanlab.multilabel_classification.dataset as cl_dataset

    from sklearn_noisy import multilabel_dataset

    labels, pred_probs, names = summary_inputs(seed)
    names = names if named else None
    joint = multilabel.compute_confident_joint(labels, pred_probs)
    for function, options in [
        ("common_multilabel_issues", {"class_names": names}),
        ("common_multilabel_issues", {"confident_joint": joint}),
        ("rank_classes_by_multilabel_quality", {"class_names": names}),
        ("rank_classes_by_multilabel_quality", {"joint": joint}),
    ]:
        ours = getattr(multilabel_dataset, function)(labels, pred_probs, **options)
        theirs = quiet(getattr(cl_dataset, function), labels=labels, pred_probs=pred_probs,
                       **options)
        pandas.testing.assert_frame_equal(ours, theirs)
    assert multilabel_dataset.overall_multilabel_health_score(labels, pred_probs) == (
        cl_dataset.overall_multilabel_health_score(labels, pred_probs)
    )


def test_health_summary_returns_the_three_summaries_and_prints_them(capsys):
    pandas = pytest.importorskip("pandas")
    import cleanlab.multilabel_classification.dataset as cl_dataset

    from sklearn_noisy import multilabel_dataset

    labels, pred_probs, names = summary_inputs(1)
    ours = multilabel_dataset.multilabel_health_summary(labels, pred_probs, class_names=names)
    out = capsys.readouterr().out
    theirs = quiet(cl_dataset.multilabel_health_summary, labels, pred_probs, class_names=names,
                   verbose=False)
    assert ours.keys() == theirs.keys()
    assert ours["overall_multilabel_health_score"] == theirs["overall_multilabel_health_score"]
    for key in ("classes_by_multilabel_quality", "common_multilabel_issues"):
        pandas.testing.assert_frame_equal(ours[key], theirs[key])
    assert "150 examples" in out and "dog" in out and "health score" in out
    multilabel_dataset.multilabel_health_summary(labels, pred_probs, verbose=False)
    assert capsys.readouterr().out == ""


def test_dataset_summary_counts_by_hand():
    pytest.importorskip("pandas")
    from sklearn_noisy import multilabel_dataset

    # Example 5 is given class 0 only, but the model is sure of 1 and not of 0: class 0 wrongly
    # given once, class 1 wrongly missing once, out of 6 examples.
    labels = [[0], [0], [0, 1], [1], [1], [0]]
    pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8], [0.1, 0.9], [0.2, 0.7],
                           [0.1, 0.9]])
    quality = multilabel_dataset.rank_classes_by_multilabel_quality(labels, pred_probs)
    by_class = quality.set_index("Class Index")
    assert by_class.loc[0, "Label Issues"] == 1 and by_class.loc[0, "Inverse Label Issues"] == 0
    assert by_class.loc[1, "Label Issues"] == 0 and by_class.loc[1, "Inverse Label Issues"] == 1
    assert by_class.loc[0, "Label Quality Score"] == pytest.approx(5 / 6)
    with pytest.raises(ValueError, match="one name per column"):
        multilabel_dataset.common_multilabel_issues(labels, pred_probs, class_names=["a"])


def test_dataset_summaries_name_the_extra_when_pandas_is_missing(monkeypatch):
    import builtins

    from sklearn_noisy import multilabel_dataset

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    labels, pred_probs, _ = summary_inputs(0)
    with pytest.raises(ImportError, match=r"sklearn-noisy\[pandas\]"):
        multilabel_dataset.common_multilabel_issues(labels, pred_probs)


# --- compat.CleanLearning -----------------------------------------------------------------------


def learning_inputs(seed, n_samples=240, n_classes=3):
    """Features that predict the true class, noisy labels, and out-of-fold-like pred_probs."""
    labels, pred_probs = multiclass_inputs(seed, n_samples=n_samples, n_classes=n_classes)
    rng = np.random.default_rng(seed)
    X = np.log(pred_probs) + rng.normal(scale=0.3, size=pred_probs.shape)
    return X, labels, pred_probs


def reference_clean_learning(**params):
    from cleanlab.classification import CleanLearning as ReferenceCleanLearning

    return ReferenceCleanLearning(**params)


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("issue_kwargs, score_kwargs", [
    ({}, {}),
    ({"filter_by": "both", "min_examples_per_class": 3}, {"method": "normalized_margin"}),
    ({"filter_by": "prune_by_class", "frac_noise": 0.5},
     {"method": "self_confidence", "adjust_pred_probs": True}),
    ({"filter_by": "confident_learning"}, {"method": "confidence_weighted_entropy"}),
])
def test_clean_learning_issues_table_equals_the_reference(seed, issue_kwargs, score_kwargs):
    pandas = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import CleanLearning

    X, labels, pred_probs = learning_inputs(seed)
    options = {"find_label_issues_kwargs": {**issue_kwargs, "n_jobs": 1},
               "label_quality_scores_kwargs": score_kwargs}
    ours = CleanLearning(LogisticRegression(), **options).find_label_issues(
        X, labels, pred_probs=pred_probs)
    theirs = quiet(reference_clean_learning(clf=LogisticRegression(), **options)
                   .find_label_issues, X, labels, pred_probs=pred_probs)
    pandas.testing.assert_frame_equal(ours, theirs)
    assert ours["is_label_issue"].any()


@pytest.mark.parametrize("seed", range(2))
def test_clean_learning_fit_equals_the_reference(seed):
    pandas = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import CleanLearning

    X, labels, pred_probs = learning_inputs(seed)
    ours = CleanLearning(LogisticRegression()).fit(X, labels, pred_probs=pred_probs)
    reference = reference_clean_learning(clf=LogisticRegression())
    quiet(reference.fit, X, labels, pred_probs=pred_probs)
    pandas.testing.assert_frame_equal(ours.get_label_issues(), reference.get_label_issues())
    assert "sample_weight" in ours.get_label_issues()
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), rtol=1e-6)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    assert ours.score(X, labels) == reference.score(X, labels)
    np.testing.assert_allclose(ours.noise_matrix, reference.noise_matrix)
    np.testing.assert_array_equal(ours.confident_joint, reference.confident_joint)


def test_clean_learning_cross_validation_equals_the_reference_for_the_same_seed():
    pandas = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import CleanLearning

    X, labels, _ = learning_inputs(3, n_samples=150)
    state = np.random.get_state()[1].copy()
    ours = CleanLearning(LogisticRegression(), seed=7, cv_n_folds=3).fit(X, labels)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # no global seeding
    reference = reference_clean_learning(clf=LogisticRegression(), seed=7, cv_n_folds=3)
    quiet(reference.fit, X, labels)
    pandas.testing.assert_frame_equal(ours.get_label_issues(), reference.get_label_issues())


@pytest.mark.parametrize("given", ["noise_matrix", "inverse_noise_matrix", "both"])
def test_clean_learning_known_noise_matrices_weight_as_the_reference(given):
    pandas = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import CleanLearning

    X, labels, pred_probs = learning_inputs(4)
    noise_matrix = np.array([[0.8, 0.1, 0.2], [0.1, 0.7, 0.1], [0.1, 0.2, 0.7]])
    inverse = np.array([[0.9, 0.2, 0.1], [0.05, 0.7, 0.2], [0.05, 0.1, 0.7]])
    matrices = {"noise_matrix": noise_matrix, "inverse_noise_matrix": inverse}
    if given != "both":
        matrices = {given: matrices[given]}
    ours = CleanLearning(LogisticRegression()).fit(X, labels, pred_probs=pred_probs, **matrices)
    reference = reference_clean_learning(clf=LogisticRegression())
    quiet(reference.fit, X, labels, pred_probs=pred_probs, **matrices)
    pandas.testing.assert_frame_equal(ours.get_label_issues(), reference.get_label_issues())
    np.testing.assert_allclose(ours.noise_matrix, reference.noise_matrix)
    np.testing.assert_allclose(ours.inverse_noise_matrix, reference.inverse_noise_matrix)
    with pytest.raises(ValueError, match="must exceed 1"):
        CleanLearning().fit(X, labels, pred_probs=pred_probs, noise_matrix=np.full((3, 3), 1 / 3))


def test_clean_learning_low_memory_equals_the_reference():
    pandas = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import CleanLearning

    X, labels, pred_probs = learning_inputs(5, n_samples=400)
    ours = CleanLearning(LogisticRegression(), low_memory=True).fit(X, labels,
                                                                    pred_probs=pred_probs)
    reference = reference_clean_learning(clf=LogisticRegression(), low_memory=True)
    quiet(reference.fit, X, labels, pred_probs=pred_probs)
    pandas.testing.assert_frame_equal(ours.get_label_issues(), reference.get_label_issues())
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), rtol=1e-6)


@pytest.mark.parametrize("form", ["table", "mask", "indices"])
def test_clean_learning_fit_with_given_label_issues_equals_the_reference(form):
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import CleanLearning

    X, labels, pred_probs = learning_inputs(6)
    ours = CleanLearning(LogisticRegression())
    table = ours.find_label_issues(X, labels, pred_probs=pred_probs)
    reference = reference_clean_learning(clf=LogisticRegression())
    quiet(reference.find_label_issues, X, labels, pred_probs=pred_probs)
    issues = {"table": table, "mask": table["is_label_issue"].to_numpy(),
              "indices": np.flatnonzero(table["is_label_issue"].to_numpy())}[form]
    ours.fit(X, labels, label_issues=issues)
    quiet(reference.fit, X, labels, label_issues=issues)
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), rtol=1e-6)
    np.testing.assert_array_equal(ours.label_issues_mask, table["is_label_issue"].to_numpy())


def test_clean_learning_keeps_scikit_learn_conventions(capsys):
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import CleanLearning

    X, labels, pred_probs = learning_inputs(0)
    clf = LogisticRegression()
    model = CleanLearning(clf, find_label_issues_kwargs={"filter_by": "both"}, verbose=True)
    assert clone(model).get_params()["find_label_issues_kwargs"] == {"filter_by": "both"}
    model.fit(X, labels, pred_probs=pred_probs)
    assert not hasattr(clf, "coef_") and hasattr(model.estimator_, "coef_")
    assert "label issues" in capsys.readouterr().out
    # string labels work, and come back as given
    names = np.array(["ant", "bee", "cat"])[labels]
    table = CleanLearning(clf).fit(X, names, pred_probs=pred_probs).get_label_issues()
    assert set(table["given_label"]) == {"ant", "bee", "cat"}
    with pytest.warns(UserWarning, match="No label issues yet"):
        assert CleanLearning().get_label_issues() is None
    model = CleanLearning(clf).fit(X, labels, pred_probs=pred_probs)
    before = model.predict_proba(X)
    model.save_space()
    assert model.label_issues_df is None and not hasattr(model, "pred_probs_")
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_clean_learning_refuses_what_it_would_ignore():
    from sklearn.naive_bayes import GaussianNB

    from sklearn_noisy.compat import CleanLearning

    X, labels, pred_probs = learning_inputs(0)
    with pytest.raises(ValueError, match="does not take"):
        CleanLearning(find_label_issues_kwargs={"return_indices_ranked_by": "self_confidence"}
                      ).fit(X, labels, pred_probs=pred_probs)
    with pytest.raises(ValueError, match="filter_by"):
        CleanLearning(find_label_issues_kwargs={"filter_by": "nope"}).fit(
            X, labels, pred_probs=pred_probs)
    with pytest.raises(ValueError, match="not take sample_weight"):
        CleanLearning(_NoWeights()).fit(X, labels, pred_probs=pred_probs,
                                        sample_weight=np.ones(len(labels)))
    with pytest.raises(ValueError, match="low_memory"):
        CleanLearning(GaussianNB(), low_memory=True).fit(
            X, labels, pred_probs=pred_probs, noise_matrix=np.eye(3))
    with pytest.raises(ValueError, match="once"):
        CleanLearning().fit(X, labels, labels=labels)


class _NoWeights:
    """A classifier whose fit takes no sample_weight."""

    def get_params(self, deep=True):
        return {}

    def set_params(self, **params):
        return self

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))

    def predict(self, X):
        return self.classes_[np.zeros(len(X), dtype=int)]


# --- properties ---------------------------------------------------------------------------------

SCORES = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)),
                elements=st.floats(0, 1))


@settings(max_examples=60, deadline=None)
@given(SCORES, st.one_of(st.none(), st.floats(0, 1)), st.floats(1e-3, 10))
def test_every_aggregate_lies_between_the_row_min_and_max(scores, alpha, temperature):
    low, high = scores.min(axis=1) - 1e-12, scores.max(axis=1) + 1e-12
    for aggregated in (multilabel.exponential_moving_average(scores, alpha=alpha),
                       multilabel.softmin(scores, temperature=temperature)):
        assert aggregated.shape == (len(scores),)
        assert np.all((low <= aggregated) & (aggregated <= high))


@settings(max_examples=40, deadline=None)
@given(SCORES, st.floats(0.01, 10))
def test_softmin_never_exceeds_the_mean_and_falls_as_the_temperature_falls(scores, temperature):
    colder = multilabel.softmin(scores, temperature=temperature / 2)
    warmer = multilabel.softmin(scores, temperature=temperature)
    assert np.all(warmer <= scores.mean(axis=1) + 1e-12)
    assert np.all(colder <= warmer + 1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4),
       st.sampled_from(["accuracy", "log_loss_search", "uniform"]))
def test_ensemble_of_copies_of_one_model_scores_as_that_model(seed, n_models, weighting):
    labels, pred_probs = multiclass_inputs(seed % 1000, n_samples=60, n_classes=3)
    single = rank.get_label_quality_scores(labels, pred_probs, method="normalized_margin")
    ensemble = rank.get_label_quality_ensemble_scores(
        labels, [pred_probs] * n_models, method="normalized_margin",
        weight_ensemble_members_by=weighting)
    np.testing.assert_allclose(ensemble, single, rtol=1e-12)


def test_indicator_of_lists_is_the_same_by_the_fast_and_the_checked_path():
    rows = [[0, 2], (1,), [], [np.int64(3), 0], [2.0]]  # the float row takes the checked path
    expected = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0]])
    np.testing.assert_array_equal(multilabel.to_indicator(rows, 4), expected)
    np.testing.assert_array_equal(multilabel.to_indicator(rows[:4], 4), expected[:4])
    with pytest.raises(ValueError, match="Entry 1"):
        multilabel.to_indicator([[0], [True]], 2)
    with pytest.raises(ValueError, match="Entry 1 of labels has a class outside"):
        multilabel.to_indicator([[0], [5]], 2)
