"""Models that are not scikit-learn estimators: only ``fit``, ``predict_proba`` (and ``predict``).

Such a model has no ``get_params``, so :func:`sklearn.base.clone` cannot copy it; the
estimators copy it with :func:`copy.deepcopy` instead, and cross-validate it inside
:class:`DeepCopyClassifier`, which scikit-learn can clone.
"""

import copy

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone


def is_sklearn_estimator(model):
    """Whether ``clone`` can copy ``model`` (it has ``get_params``)."""
    return hasattr(model, "get_params") and not isinstance(model, type)


def fresh_copy(model):
    """An unfitted copy of ``model``: a clone, or a deep copy of a model ``clone`` cannot copy."""
    if isinstance(model, type):
        raise TypeError(f"The model must be an instance, got the class {model.__name__}; pass "
                        f"{model.__name__}() instead.")
    return clone(model) if is_sklearn_estimator(model) else copy.deepcopy(model)


def cloneable(model):
    """``model``, or a wrapper that ``clone`` copies by deep-copying the model inside."""
    return model if is_sklearn_estimator(model) else DeepCopyClassifier(model)


class DeepCopyClassifier(ClassifierMixin, BaseEstimator):
    """A scikit-learn classifier around a model that has no ``get_params``.

    ``clone`` copies the model with :func:`copy.deepcopy` (a parameter that is not an
    estimator is deep-copied), so ``fit`` may train the model it holds.

    Parameters
    ----------
    model : object
        Has ``fit(X, y, **params)`` and ``predict_proba(X)``.
    """

    def __init__(self, model):
        self.model = model

    def fit(self, X, y, **params):
        """Fit the model inside; ``classes_`` are the model's, or the sorted labels of ``y``."""
        self.model.fit(X, y, **params)
        self.classes_ = getattr(self.model, "classes_", None)
        if self.classes_ is None:
            self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        """The model's ``predict_proba``."""
        return self.model.predict_proba(X)

    def predict(self, X):
        """The model's ``predict``, or the most probable class if it has none."""
        if hasattr(self.model, "predict"):
            return self.model.predict(X)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
