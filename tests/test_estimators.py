"""What the three estimators promise alike: any labels, any X the inner model takes, clones only,
no global random state, reproducibility, clear errors and nothing half-fitted."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from sklearn_noisy import ConfidentLearningClassifier, LabelPruner, NoiseEstimator

ESTIMATORS = [NoiseEstimator, LabelPruner, ConfidentLearningClassifier]


def fitted_attributes(estimator):
    return [name for name in vars(estimator) if name.endswith("_") and not name.startswith("_")]


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=3,
                               flip_y=0.1, random_state=0)
    return X, y


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "names",
    [
        np.array(["cat", "dog", "emu"]),
        np.array([-5, 10, 300]),
        np.array(["cat", "dog", "emu"], dtype=object),
    ],
    ids=["str", "non-contiguous-int", "object"],
)
def test_any_class_labels_give_the_results_of_their_integer_codes(Estimator, data, names):
    X, y = data
    coded = Estimator(random_state=0).fit(X, y)
    named = Estimator(random_state=0).fit(X, names[y])
    assert_array_equal(named.classes_, names)
    assert_array_equal(named.label_issues_, coded.label_issues_)
    assert_allclose(named.pred_probs_, coded.pred_probs_)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pandas_categorical_labels_and_dataframe_features(Estimator, data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    labels = pd.Series(pd.Categorical.from_codes(y, ["low", "mid", "high"]))
    fitted = Estimator(random_state=0).fit(frame, labels)
    coded = Estimator(random_state=0).fit(X, y)
    assert_array_equal(fitted.feature_names_in_, frame.columns)
    assert fitted.n_features_in_ == X.shape[1]
    assert_array_equal(fitted.classes_, ["high", "low", "mid"])  # sorted, not category order
    assert_allclose(fitted.pred_probs_, coded.pred_probs_[:, [2, 0, 1]])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sparse_features_give_the_results_of_dense_ones(Estimator, data):
    X, y = data
    # The recommended preset's second model (a gradient boosting) takes only dense features,
    # so it is left out for sparse ones: compare without it.
    params = {"extra_estimators": None} if Estimator is ConfidentLearningClassifier else {}
    dense = Estimator(random_state=0, **params).fit(X, y)
    sparse = Estimator(random_state=0, **params).fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.pred_probs_, dense.pred_probs_, rtol=1e-4, atol=1e-6)
    assert_array_equal(sparse.label_issues_, dense.label_issues_)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_the_estimator_handed_in_is_never_fitted(Estimator, data):
    X, y = data
    inner = LogisticRegression(C=0.3)
    Estimator(inner, random_state=0).fit(X, y)
    assert not hasattr(inner, "coef_")
    assert inner.get_params() == LogisticRegression(C=0.3).get_params()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_global_numpy_random_state_is_untouched(Estimator, data):
    X, y = data
    before = np.random.get_state()[1].copy()
    position = np.random.get_state()[2]
    Estimator().fit(X, y)  # random_state=None
    Estimator(random_state=3).fit(X, y)
    assert_array_equal(np.random.get_state()[1], before)
    assert np.random.get_state()[2] == position


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_results_are_reproducible_with_random_state_and_depend_on_it(Estimator, data):
    X, y = data
    first = Estimator(random_state=1).fit(X, y)
    again = clone(first).fit(X, y)
    other = Estimator(random_state=2).fit(X, y)
    assert_array_equal(first.pred_probs_, again.pred_probs_)
    assert_array_equal(first.label_issues_, again.label_issues_)
    assert not np.allclose(first.pred_probs_, other.pred_probs_)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "make_bad, message",
    [
        (lambda X, y: (X, np.where(np.arange(len(y)) < 3, 9, y), {}),
         r"Class 9 has 3 example\(s\), fewer than the 5 cross-validation folds"),
        (lambda X, y: (X, np.zeros(len(y), dtype=int), {}), "only one class"),
        (lambda X, y: (X, y, {"pred_probs": np.full((len(y), 2), 0.5)}),
         r"pred_probs has shape \(150, 2\), expected \(150, 3\)"),
        (lambda X, y: (X, y + 0.5, {}), "Unknown label type: 'continuous'"),
        (lambda X, y: (X, 1 - np.eye(3, dtype=int)[y], {}), "Unknown label type"),
    ],
    ids=["class-smaller-than-cv", "one-class", "pred-probs-shape", "continuous", "multilabel"],
)
def test_bad_input_raises_a_clear_error_and_leaves_nothing_fitted(
    Estimator, data, make_bad, message
):
    X, y, kwargs = make_bad(*data)
    estimator = Estimator(random_state=0)
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, y, **kwargs)
    assert fitted_attributes(estimator) == []
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_invalid_parameter_is_rejected_by_name(Estimator, data):
    with pytest.raises(ValueError, match="'filter_by' parameter .* must be a str among"):
        Estimator(filter_by="prune_by_magic").fit(*data)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_lower_cv_lets_a_small_class_through(Estimator, data):
    X, y = data
    y = np.where(np.arange(len(y)) < 3, 9, y)
    fitted = Estimator(cv=3, random_state=0).fit(X, y)
    assert_array_equal(fitted.classes_, [0, 1, 2, 9])
