"""``memory``: the fits of the inner model are cached, and found again exactly when the
results they give would be the same.

Every test counts the calls to the inner model's ``fit`` (``CountingClassifier``): a cache hit
fits nothing, a miss fits ``cv`` times for the out-of-fold probabilities (plus once for the
final model of the classifier).
"""

import joblib
import numpy as np
import pytest
import sklearn
from joblib import parallel_config
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, ParameterGrid, StratifiedKFold
from sklearn.utils._param_validation import InvalidParameterError
from threadpoolctl import threadpool_info

from sklearn_noisy import ConfidentLearningClassifier, LabelPruner, NoiseEstimator
from sklearn_noisy._memory import reproducible_folds

CV = 3
# The classifier with one detection round and no calibration: cv fits, then one final fit.
ONE_ROUND = {"preset": "reference", "reweight": False}


class CountingClassifier(LogisticRegression):
    """LogisticRegression that counts its fits (in the class: clones share the count)."""

    n_fits = 0
    blas_threads = []

    def fit(self, X, y, sample_weight=None):
        type(self).n_fits += 1
        type(self).blas_threads.append(
            max(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")
        )
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.fixture
def counting():
    CountingClassifier.n_fits = 0
    CountingClassifier.blas_threads = []
    return CountingClassifier


def fits_of(estimator, X, y, **fit_params):
    """The number of inner fits that ``estimator.fit`` makes."""
    before = CountingClassifier.n_fits
    estimator.fit(X, y, **fit_params)
    return CountingClassifier.n_fits - before


@pytest.fixture
def data():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=3, n_redundant=0,
                               n_classes=3, n_clusters_per_class=1, random_state=0)
    y = y.copy()
    y[::10] = (y[::10] + 1) % 3  # some wrong labels
    return X, y


@pytest.mark.parametrize(
    "Estimator, change",
    [(NoiseEstimator, {"filter_by": "both"}),
     (NoiseEstimator, {"filter_by": "predicted_neq_given"}),
     (NoiseEstimator, {"frac_noise": 0.5}),
     (NoiseEstimator, {"min_examples_per_class": 40}),
     (NoiseEstimator, {"return_indices_ranked_by": "normalized_margin"}),
     (NoiseEstimator, {"n_jobs": 2}),
     (NoiseEstimator, {"num_to_remove_per_class": [1, 2, 3]}),
     (LabelPruner, {"filter_by": "prune_by_class", "relabel_margin": 0.2})],
)
def test_confident_learning_parameters_hit_the_cache(Estimator, change, counting, data,
                                                     tmp_path):
    X, y = data
    first = Estimator(counting(), cv=CV, random_state=0, memory=str(tmp_path))
    assert fits_of(first, X, y) == CV
    second = Estimator(counting(), cv=CV, random_state=0, memory=str(tmp_path), **change)
    with parallel_config(backend="threading"):  # n_jobs=2 without starting processes
        assert fits_of(second, X, y) == 0
        without = Estimator(counting(), cv=CV, random_state=0, **change).fit(X, y)
    np.testing.assert_array_equal(second.pred_probs_, without.pred_probs_)
    np.testing.assert_array_equal(second.label_issues_, without.label_issues_)
    np.testing.assert_array_equal(second.noise_matrix_, without.noise_matrix_)


def _changed_x(X, y):
    X = X.copy()
    X[7, 2] += 1e-9
    return X, y, {}


def _changed_y(X, y):
    y = y.copy()
    y[7] = (y[7] + 1) % 3
    return X, y, {}


def _with_weights(X, y):
    return X, y, {"sample_weight": np.linspace(0.5, 1.5, len(y))}


@pytest.mark.parametrize(
    "change, data_change",
    [({"estimator": CountingClassifier(C=0.5)}, None),
     ({"random_state": 1}, None),
     ({"cv": CV + 1}, None),
     ({"cv": StratifiedKFold(CV)}, None),
     ({}, _changed_x),
     ({}, _changed_y),
     ({}, _with_weights)],
)
def test_what_the_probabilities_depend_on_misses_the_cache(change, data_change, counting, data,
                                                           tmp_path):
    X, y = data
    params = {"estimator": counting(), "cv": CV, "random_state": 0, "memory": str(tmp_path)}
    assert fits_of(NoiseEstimator(**params), X, y) == CV
    X2, y2, fit_params = data_change(X, y) if data_change else (X, y, {})
    changed = NoiseEstimator(**{**params, **change})
    n_folds = changed.cv if isinstance(changed.cv, int) else CV
    assert fits_of(changed, X2, y2, **fit_params) == n_folds
    # ... and the changed fit is now cached too
    assert fits_of(NoiseEstimator(**{**params, **change}), X2, y2, **fit_params) == 0


def test_a_different_sample_weight_misses_the_cache(counting, data, tmp_path):
    X, y = data
    model = NoiseEstimator(counting(), cv=CV, random_state=0, memory=str(tmp_path))
    weights = np.ones(len(y))
    assert fits_of(model, X, y, sample_weight=weights) == CV
    assert fits_of(model, X, y, sample_weight=weights.copy()) == 0
    weights[3] = 2.0
    assert fits_of(model, X, y, sample_weight=weights) == CV


def test_groups_of_a_group_splitter_are_part_of_the_key(counting, data, tmp_path):
    X, y = data
    groups = np.arange(len(y)) % 10
    with sklearn.config_context(enable_metadata_routing=True):
        model = NoiseEstimator(counting(), cv=GroupKFold(CV).set_split_request(groups=True),
                               memory=str(tmp_path))
        assert fits_of(model, X, y, groups=groups) == CV
        assert fits_of(model, X, y, groups=groups.copy()) == 0
        assert fits_of(model, X, y, groups=(groups + 3) % 10) == CV


@pytest.mark.parametrize("cv", [CV, KFold(CV, shuffle=True)])
def test_folds_drawn_afresh_are_never_cached(cv, counting, data, tmp_path):
    X, y = data
    model = NoiseEstimator(counting(), cv=cv, random_state=None, memory=str(tmp_path))
    assert fits_of(model, X, y) == CV
    assert fits_of(model, X, y) == CV
    assert not any(path.is_file() for path in tmp_path.rglob("output.pkl"))


@pytest.mark.parametrize(
    "cv, random_state, expected",
    [(5, 0, True), (None, 3, True), (5, None, False), (5, np.random.RandomState(0), False),
     (StratifiedKFold(5), None, True), (StratifiedKFold(5, shuffle=True), None, False),
     (StratifiedKFold(5, shuffle=True, random_state=0), None, True),
     (KFold(3, shuffle=True, random_state=np.random.RandomState(0)), 0, False),
     (GroupKFold(3), None, True), ([(np.arange(3), np.arange(3, 6))], None, True)],
)
def test_reproducible_folds(cv, random_state, expected):
    assert reproducible_folds(cv, random_state) is expected


def test_a_memory_object_works_like_a_path(counting, data, tmp_path):
    X, y = data
    memory = joblib.Memory(str(tmp_path), verbose=0)
    assert fits_of(NoiseEstimator(counting(), cv=CV, random_state=0, memory=memory), X, y) == CV
    assert fits_of(NoiseEstimator(counting(), cv=CV, random_state=0, memory=str(tmp_path)),
                   X, y) == 0


@pytest.mark.parametrize("memory", [3, ["a"], object()])
def test_memory_of_the_wrong_type_is_rejected(memory, data):
    with pytest.raises(InvalidParameterError, match="memory"):
        NoiseEstimator(memory=memory).fit(*data)


def test_the_final_fit_is_shared_by_identical_training_sets(counting, data, tmp_path):
    X, y = data
    params = {"cv": CV, "random_state": 0, "memory": str(tmp_path), **ONE_ROUND}
    # predicted_neq_given ignores frac_noise: same kept examples, so no new fit at all
    first = ConfidentLearningClassifier(counting(), filter_by="predicted_neq_given", **params)
    assert fits_of(first, X, y) == CV + 1
    second = ConfidentLearningClassifier(counting(), filter_by="predicted_neq_given",
                                         frac_noise=0.5, **params)
    assert fits_of(second, X, y) == 0
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    # frac_noise=0.5 keeps more examples with a pruning method: only the final fit is new
    pruned = ConfidentLearningClassifier(counting(), frac_noise=0.5, **params)
    assert fits_of(pruned, X, y) == 1
    assert pruned.label_issues_.sum() < first.label_issues_.sum()


def test_the_final_fit_misses_when_the_weights_change(counting, data, tmp_path):
    X, y = data
    params = {"cv": CV, "random_state": 0, "memory": str(tmp_path), "preset": "reference"}
    assert fits_of(ConfidentLearningClassifier(counting(), reweight=False, **params), X, y) \
        == CV + 1
    reweighted = ConfidentLearningClassifier(counting(), reweight=True, **params)
    assert fits_of(reweighted, X, y) == 1
    without = ConfidentLearningClassifier(counting(), reweight=True,
                                          **{**params, "memory": None}).fit(X, y)
    np.testing.assert_array_equal(reweighted.predict_proba(X), without.predict_proba(X))


GRID = {"filter_by": ["prune_by_noise_rate", "both", "predicted_neq_given"],
        "frac_noise": [0.5, 1.0]}


def kept_sets(model, X, y):
    """The distinct sets of kept examples of the candidates of ``GRID`` fitted on (X, y)
    (found in ``model``'s cache after a search)."""
    return {
        clone(model).set_params(**params).fit(X, y).label_issues_.tobytes()
        for params in ParameterGrid(GRID)
    }


def test_grid_search_with_memory_scores_the_same_with_fewer_fits(counting, data, tmp_path):
    X, y = data
    n_candidates, outer = 6, 2

    def search(memory):
        model = ConfidentLearningClassifier(counting(), cv=CV, random_state=0, memory=memory,
                                            **ONE_ROUND)
        before = CountingClassifier.n_fits
        result = GridSearchCV(model, GRID, cv=outer).fit(X, y)
        return result, CountingClassifier.n_fits - before

    plain, plain_fits = search(None)
    cached, cached_fits = search(str(tmp_path))
    assert plain_fits == (outer * n_candidates + 1) * (CV + 1)
    # Per outer fold: cv fits for the probabilities, one final fit per distinct set of kept
    # examples (here without weights); then cv + 1 for the refit on all the data.
    model = cached.estimator
    distinct = [len(kept_sets(model, X[train], y[train]))
                for train, _ in StratifiedKFold(outer).split(X, y)]
    assert cached_fits == outer * CV + sum(distinct) + CV + 1
    assert sum(distinct) < outer * n_candidates  # some candidates share their final fit
    for key in plain.cv_results_:
        if "time" not in key:
            np.testing.assert_array_equal(plain.cv_results_[key], cached.cv_results_[key])
    # A second search on the same data fits nothing.
    again, again_fits = search(str(tmp_path))
    assert again_fits == 0
    np.testing.assert_array_equal(again.predict_proba(X), plain.predict_proba(X))


def test_the_refit_of_a_search_reuses_a_fit_on_the_same_data(counting, data, tmp_path):
    X, y = data
    outer = 2
    model = ConfidentLearningClassifier(counting(), cv=CV, random_state=0, memory=str(tmp_path),
                                        filter_by="both", **{**ONE_ROUND, "reweight": True})
    fitted = clone(model).fit(X, y)
    before = CountingClassifier.n_fits
    search = GridSearchCV(model, GRID, cv=outer, refit=True).fit(X, y)
    search_fits = CountingClassifier.n_fits - before
    distinct = [len(kept_sets(model, X[train], y[train]))
                for train, _ in StratifiedKFold(outer).split(X, y)]
    # The refit on all of X finds the probabilities of the fit above: no cross-validation, and
    # a final fit only if the best candidate keeps other examples.
    best_keeps_the_same = np.array_equal(search.best_estimator_.label_issues_,
                                         fitted.label_issues_)
    refit_fits = 0 if best_keeps_the_same else 1
    assert search_fits == outer * CV + sum(distinct) + refit_fits
    np.testing.assert_array_equal(search.best_estimator_.pred_probs_, fitted.pred_probs_)


def test_iterated_detection_reuses_later_rounds_too(counting, data, tmp_path):
    X, y = data
    params = {"cv": CV, "random_state": 0, "memory": str(tmp_path), "preset": "recommended"}
    first = ConfidentLearningClassifier(counting(), **params)
    assert fits_of(first, X, y) > CV + 1
    again = ConfidentLearningClassifier(counting(), min_examples_per_class=1, **params)
    assert fits_of(again, X, y) == 0
    np.testing.assert_array_equal(first.label_issues_, again.label_issues_)


def test_parallel_thread_workers_get_their_share_of_blas_threads(counting, data):
    X, y = data
    with parallel_config(backend="threading"):
        NoiseEstimator(counting(), cv=CV, random_state=0, n_jobs=2).fit(X, y)
    assert counting.blas_threads == [max(1, joblib.cpu_count() // 2)] * CV
    counting.blas_threads.clear()
    NoiseEstimator(counting(), cv=CV, random_state=0).fit(X, y)
    unlimited = max(info["num_threads"] for info in threadpool_info()
                    if info["user_api"] == "blas")
    assert counting.blas_threads == [unlimited] * CV


def test_the_cache_metadata_does_not_spell_out_the_arrays(counting, data, tmp_path):
    # joblib writes the repr of each argument of a new entry; whole index arrays would cost
    # more than small fits.
    X, y = data
    ConfidentLearningClassifier(counting(), cv=CV, random_state=0, memory=str(tmp_path),
                                **ONE_ROUND).fit(X, y)
    metadata = list(tmp_path.rglob("metadata.json"))
    assert len(metadata) == 2  # the out-of-fold probabilities and the final fit
    assert all(path.stat().st_size < 1000 for path in metadata)
