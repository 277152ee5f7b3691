"""The two costly fits of the estimators, optionally cached with ``joblib.Memory``.

Confident learning spends its time fitting the inner model: ``cv`` times for the out-of-fold
probabilities, once more for the final model of ``ConfidentLearningClassifier``. The other
parameters (``filter_by``, ``frac_noise``, ...) only act on the result, so a search over them
can reuse both fits. The key of each cached call holds exactly what its result depends on:

- the out-of-fold probabilities: the data ``X`` and the encoded labels, the folds themselves
  (so the splitter, its random state and ``groups``), the inner estimator's class and
  ``get_params(deep=True)``, and the fit parameters routed to it;
- the final model: the kept rows of ``X``, their labels, the fit parameters restricted to them
  (sample weights included), and the estimator's class and parameters.

``n_jobs`` is never part of a key: results do not depend on it. Folds that change at every
fit (a shuffling splitter without a fixed integer seed) are never cached: the entries could
not be found again and would only fill the cache.
"""

from numbers import Integral

from sklearn.model_selection import check_cv
from sklearn.utils.validation import check_memory

from . import _cv


def reproducible_folds(cv, random_state):
    """Whether the folds made from ``cv`` and ``random_state`` are the same at every fit.

    An int (or None) ``cv`` is a shuffled ``StratifiedKFold``: reproducible only with an
    integer ``random_state``. A splitter object is reproducible unless it shuffles with a
    ``random_state`` that is not an integer (None draws fresh folds, a ``RandomState`` instance
    advances at every split). An iterable of (train, test) pairs is fixed.
    """
    if cv is None or (isinstance(cv, Integral) and not isinstance(cv, bool)):
        return _is_seed(random_state)
    if not hasattr(cv, "split"):
        return True
    shuffles = getattr(cv, "shuffle", True) and hasattr(cv, "random_state")
    return not shuffles or _is_seed(cv.random_state)


def _is_seed(random_state):
    return isinstance(random_state, Integral) and not isinstance(random_state, bool)


def _estimator_key(estimator):
    """What an unfitted estimator's results depend on: its class and its parameters.

    Models without ``get_params`` are keyed on their pickled state.
    """
    cls = type(estimator)
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else estimator
    return f"{cls.__module__}.{cls.__qualname__}", params


class _Inputs:
    """The inputs of a cached call, hashed by value like any argument, with a short ``repr``.

    joblib writes the ``repr`` of each argument of a new entry to the cache's metadata: for
    arrays of fewer than a thousand entries (the folds of a small data set) that is the
    whole array, which costs more than the fit it describes.
    """

    def __init__(self, *args):
        self.args = args

    def __repr__(self):
        return f"<{len(self.args)} inputs>"


def _pred_probs_of_folds(estimator_key, inputs, *, estimator, n_jobs):
    # The cached function: joblib hashes every argument but the ignored ``estimator`` (keyed
    # by ``estimator_key``) and ``n_jobs``.
    X, y_encoded, folds, fit_params = inputs.args
    return _cv.out_of_fold_pred_probs(
        estimator, X, y_encoded, check_cv(folds), n_jobs=n_jobs, fit_params=fit_params
    )


def _fitted_model(estimator_key, inputs, *, estimator):
    X, y, fit_params = inputs.args
    return estimator.fit(X, y, **fit_params)


def call(memory, function, estimator, *args, n_jobs=None, **kwargs):
    """``function(estimator, *args, n_jobs=n_jobs, **kwargs)``, or its result computed before.

    For the other fits of a model on folds (the readmission's cross-validation): the key holds
    the function's name, the estimator's class and parameters and every other argument but
    ``n_jobs``. With ``memory`` None nothing is cached.
    """
    if memory is None:
        return function(estimator, *args, n_jobs=n_jobs, **kwargs)
    cached = check_memory(memory).cache(_called, ignore=["function", "estimator", "n_jobs"])
    name = f"{function.__module__}.{function.__qualname__}"
    return cached(name, _estimator_key(estimator), _Inputs(args, kwargs), function=function,
                  estimator=estimator, n_jobs=n_jobs)


def _called(function_name, estimator_key, inputs, *, function, estimator, n_jobs):
    args, kwargs = inputs.args
    return function(estimator, *args, n_jobs=n_jobs, **kwargs)


def out_of_fold_pred_probs(memory, estimator, X, y_encoded, splitter, *, reproducible,
                           n_jobs=None, fit_params=None, split_params=None):
    """:func:`_cv.out_of_fold_pred_probs`, looked up in ``memory`` first.

    ``memory`` is None, a path or a ``joblib.Memory``; with None, or when the folds are not
    ``reproducible`` (see :func:`reproducible_folds`), nothing is cached.
    """
    if memory is None or not reproducible:
        return _cv.out_of_fold_pred_probs(
            estimator, X, y_encoded, splitter, n_jobs=n_jobs, fit_params=fit_params,
            split_params=split_params,
        )
    folds = list(splitter.split(X, y_encoded, **(split_params or {})))
    cached = check_memory(memory).cache(_pred_probs_of_folds, ignore=["estimator", "n_jobs"])
    return cached(_estimator_key(estimator), _Inputs(X, y_encoded, folds, fit_params or {}),
                  estimator=estimator, n_jobs=n_jobs)


def fit(memory, estimator, X, y, fit_params):
    """``estimator.fit(X, y, **fit_params)``, or the model fitted on the same inputs before.

    Returns the fitted model: ``estimator`` itself, or a copy loaded from ``memory``.
    """
    if memory is None:
        return estimator.fit(X, y, **fit_params)
    cached = check_memory(memory).cache(_fitted_model, ignore=["estimator"])
    return cached(_estimator_key(estimator), _Inputs(X, y, fit_params), estimator=estimator)
