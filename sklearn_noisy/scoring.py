"""Model selection on noisy labels: score only the validation examples whose labels are trusted.

When the validation labels are as noisy as the training labels, an ordinary score rewards the
models that reproduce the noise, and so a hyperparameter search drifts toward not pruning. A
trusted scorer first finds the label issues of the validation fold itself, with a
:class:`~sklearn_noisy.NoiseEstimator` that does not depend on the model being scored, and then
scores the model on the other examples only. Every candidate of a search is scored on the same
trusted examples of a fold, so their scores stay comparable.
"""

import numpy as np
from sklearn.base import clone
from sklearn.metrics import get_scorer
from sklearn.utils import _safe_indexing

from ._base import subset_fit_params
from ._noise import NoiseEstimator

__all__ = ["TrustedScorer", "make_trusted_scorer"]


class TrustedScorer:
    """A scorer that ignores the validation examples with likely label errors.

    Build it with :func:`make_trusted_scorer`. Calling it as ``scorer(estimator, X, y)``
    fits a clone of ``noise_estimator`` on ``(X, y)``, drops the label issues it finds and
    returns ``scorer(estimator, X_trusted, y_trusted)``.

    Parameters
    ----------
    scorer : callable
        A scikit-learn scorer, ``scorer(estimator, X, y, **kwargs) -> float``.
    noise_estimator : NoiseEstimator
        Finds the label issues of each validation set; cloned at each call.

    See Also
    --------
    make_trusted_scorer : Builds this scorer from a scoring name.
    """

    def __init__(self, scorer, noise_estimator):
        self.scorer = scorer
        self.noise_estimator = noise_estimator

    def trusted_indices(self, X, y):
        """The indices of the examples of ``(X, y)`` whose labels are trusted.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Validation features.
        y : array-like of shape (n_samples,)
            Validation labels, possibly noisy.

        Returns
        -------
        indices : ndarray of int
            The examples not flagged as label issues, ascending.
        """
        issues = clone(self.noise_estimator).fit(X, y).label_issues_
        return np.flatnonzero(~issues)

    def __call__(self, estimator, X, y, **kwargs):
        """Score ``estimator`` on the trusted examples of ``(X, y)``.

        Parameters
        ----------
        estimator : estimator object
            The fitted model to score.
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Validation features.
        y : array-like of shape (n_samples,)
            Validation labels, possibly noisy.
        **kwargs : dict
            Passed to the scorer; per-example values (such as ``sample_weight``) are
            restricted to the trusted examples.

        Returns
        -------
        score : float
        """
        trusted = self.trusted_indices(X, y)
        kwargs = subset_fit_params(kwargs, trusted, len(y))
        return self.scorer(estimator, _safe_indexing(X, trusted), _safe_indexing(y, trusted),
                           **kwargs)

    def __repr__(self):
        return f"TrustedScorer({self.scorer!r}, noise_estimator={self.noise_estimator!r})"


def make_trusted_scorer(scoring="accuracy", *, noise_estimator=None):
    """A scorer for model selection on noisy labels: it scores only the trusted examples.

    Pass it as ``scoring`` to ``GridSearchCV``, ``cross_val_score`` and the like. In each
    validation fold it finds the label issues with ``noise_estimator`` (cross-validated within
    the fold, independently of the model being scored) and scores the model on the other
    examples.

    Parameters
    ----------
    scoring : str or callable, default='accuracy'
        A scikit-learn scoring name (see :func:`sklearn.metrics.get_scorer_names`) or a scorer
        callable ``scorer(estimator, X, y)``.
    noise_estimator : NoiseEstimator, default=None
        Finds the label issues of each validation fold. ``None`` means
        ``NoiseEstimator(cv=3, random_state=0)``: each class needs three examples per
        validation fold. Give it a fixed ``random_state`` so that every candidate is scored on
        the same examples.

    Returns
    -------
    scorer : TrustedScorer
        A callable ``scorer(estimator, X, y)``.

    See Also
    --------
    sklearn_noisy.ConfidentLearningClassifier : The model whose pruning this helps to tune.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklearn_noisy.scoring import make_trusted_scorer
    >>> X, y = make_classification(n_samples=300, class_sep=2.0, random_state=0)
    >>> noisy = y.copy()
    >>> wrong = np.random.default_rng(0).random(300) < 0.2  # about 20% of labels wrong
    >>> noisy[wrong] = 1 - noisy[wrong]
    >>> model = LogisticRegression()
    >>> cross_val_score(model, X, y, cv=3).round(2)  # on the clean labels
    array([0.99, 1.  , 0.99])
    >>> cross_val_score(model, X, noisy, cv=3).round(2)
    array([0.76, 0.77, 0.7 ])
    >>> cross_val_score(model, X, noisy, cv=3, scoring=make_trusted_scorer()).round(2)
    array([0.89, 0.91, 0.84])
    """
    if noise_estimator is None:
        noise_estimator = NoiseEstimator(cv=3, random_state=0)
    return TrustedScorer(get_scorer(scoring), noise_estimator)
