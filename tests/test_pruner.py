"""LabelPruner: the rows it keeps, their types, and its place in imbalanced-learn's pipeline."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler, label_binarize

from sklearn_noisy import LabelPruner, NoiseEstimator


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=200, n_features=5, n_informative=3, n_classes=3,
                               flip_y=0.15, random_state=0)
    return X, y


def test_keeps_exactly_the_rows_without_label_issues(data):
    X, y = data
    pruner = LabelPruner(random_state=0)
    X_kept, y_kept = pruner.fit_resample(X, y)
    issues = NoiseEstimator(random_state=0).fit(X, y).label_issues_
    assert 0 < issues.sum() < len(y)
    assert_array_equal(pruner.label_issues_, issues)
    assert_array_equal(pruner.sample_indices_, np.flatnonzero(~issues))
    assert_array_equal(X_kept, X[~issues])
    assert_array_equal(y_kept, y[~issues])


def test_fit_and_fit_resample_find_the_same_rows(data):
    X, y = data
    fitted = LabelPruner(random_state=0).fit(X, y)
    resampled = LabelPruner(random_state=0)
    resampled.fit_resample(X, y)
    assert_array_equal(fitted.sample_indices_, resampled.sample_indices_)


def test_smaller_frac_noise_removes_a_subset(data):
    X, y = data
    all_issues = LabelPruner(random_state=0).fit(X, y).label_issues_
    half = LabelPruner(frac_noise=0.5, random_state=0).fit(X, y).label_issues_
    assert half.sum() < all_issues.sum()
    assert not np.any(half & ~all_issues)


def test_precomputed_pred_probs_decide_the_rows(data):
    X, y = data
    pred_probs = np.eye(3)[y] * 0.8 + 0.2 / 3
    pred_probs[:5] = np.roll(pred_probs[:5], 1, axis=1)  # five confidently other labels
    X_kept, y_kept = LabelPruner().fit_resample(X, y, pred_probs=pred_probs)
    assert_array_equal(X_kept, X[5:])
    assert_array_equal(y_kept, y[5:])


def test_pandas_in_pandas_out_with_index_and_names_kept(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    index = np.arange(len(y)) * 10 + 7
    frame = pd.DataFrame(X, columns=list("abcde"), index=index)
    labels = pd.Series(np.array(["x", "y", "z"])[y], index=index, name="target")
    X_kept, y_kept = LabelPruner(random_state=0).fit_resample(frame, labels)
    kept = LabelPruner(random_state=0).fit(X, y).sample_indices_
    assert isinstance(X_kept, pd.DataFrame) and isinstance(y_kept, pd.Series)
    assert_array_equal(X_kept.index, index[kept])
    assert list(X_kept.columns) == list("abcde") and y_kept.name == "target"
    assert_array_equal(y_kept.to_numpy(), labels.to_numpy()[kept])


@pytest.mark.parametrize("to_sparse", [sp.csr_matrix, sp.csc_matrix, sp.coo_matrix])
def test_sparse_in_sparse_out(data, to_sparse):
    X, y = data
    X_kept, _ = LabelPruner(random_state=0).fit_resample(to_sparse(X), y)
    dense_kept, _ = LabelPruner(random_state=0).fit_resample(X, y)
    assert sp.issparse(X_kept)
    assert_allclose(X_kept.toarray(), dense_kept, rtol=1e-6)


def test_lists_in_lists_out(data):
    X, y = data
    X_kept, y_kept = LabelPruner(random_state=0).fit_resample(X.tolist(), y.tolist())
    dense_kept, labels_kept = LabelPruner(random_state=0).fit_resample(X, y)
    assert isinstance(X_kept, list) and isinstance(y_kept, list)
    assert_allclose(X_kept, dense_kept)
    assert_array_equal(y_kept, labels_kept)


def test_one_vs_all_target_is_pruned_like_its_labels(data):
    X, y = data
    one_vs_all = label_binarize(y, classes=[0, 1, 2])
    X_kept, y_kept = LabelPruner(random_state=0).fit_resample(X, one_vs_all)
    dense_kept, labels_kept = LabelPruner(random_state=0).fit_resample(X, y)
    assert_array_equal(X_kept, dense_kept)
    assert_array_equal(y_kept, label_binarize(labels_kept, classes=[0, 1, 2]))


def test_feature_names_pass_through(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    pruner = LabelPruner(random_state=0).fit(pd.DataFrame(X, columns=list("abcde")), y)
    assert_array_equal(pruner.get_feature_names_out(), list("abcde"))


def test_imblearn_pipeline_prunes_the_training_data_only(data):
    make_pipeline = pytest.importorskip("imblearn.pipeline").make_pipeline
    X, y = data
    model = make_pipeline(StandardScaler(), LabelPruner(random_state=0), LogisticRegression())
    model.fit(X, y)
    X_scaled = StandardScaler().fit_transform(X)
    kept = LabelPruner(random_state=0).fit(X_scaled, y).sample_indices_
    expected = LogisticRegression().fit(X_scaled[kept], y[kept])
    assert_allclose(model[-1].coef_, expected.coef_)
    assert model.predict(X).shape == (len(y),)  # every row predicted, none pruned


def test_imblearn_pipeline_routes_groups_to_the_pruner_splitter(data):
    make_pipeline = pytest.importorskip("imblearn.pipeline").make_pipeline
    X, y = data
    groups = np.arange(len(y)) % 4
    with config_context(enable_metadata_routing=True):
        model = make_pipeline(LabelPruner(cv=GroupKFold(4)), LogisticRegression())
        model.fit(X, y, groups=groups)
        alone = LabelPruner(cv=GroupKFold(4)).fit(X, y, groups=groups)
    assert_array_equal(model[0].sample_indices_, alone.sample_indices_)


# imbalanced-learn's own sampler checks that apply to a sampler built without importing
# imbalanced-learn. Left out: check_samplers_fit (asks for ``sampling_strategy_``, the fitted
# form of a ``sampling_strategy`` parameter LabelPruner has no use for: it removes label
# issues from every class), check_samplers_sample_indices (reads imbalanced-learn's own tags
# class; ``sample_indices_`` is tested above), check_samplers_string and check_samplers_nan
# (they run only for samplers whose tags accept strings or NaN: the default LogisticRegression
# takes neither).
IMBLEARN_CHECKS = [
    "check_target_type",
    "check_samplers_one_label",
    "check_samplers_fit_resample",
    "check_samplers_sampling_strategy_fit_resample",
    "check_samplers_sparse",
    "check_samplers_pandas",
    "check_samplers_pandas_sparse",
    "check_samplers_list",
    "check_samplers_multiclass_ova",
    "check_samplers_preserve_dtype",
    "check_samplers_2d_target",
    "check_sampler_get_feature_names_out",
    "check_sampler_get_feature_names_out_pandas",
]


@pytest.mark.parametrize("check_name", IMBLEARN_CHECKS)
def test_imbalanced_learn_sampler_checks(check_name):
    checks = pytest.importorskip("imblearn.utils.estimator_checks")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the checks' data make ConvergenceWarnings
        getattr(checks, check_name)("LabelPruner", LabelPruner(cv=3, random_state=0))
