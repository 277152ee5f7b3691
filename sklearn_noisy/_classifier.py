"""ConfidentLearningClassifier: learn with noisy labels by training on the examples it trusts."""

import numpy as np
from sklearn.base import ClassifierMixin, MetaEstimatorMixin, _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from ._base import (
    NOISE_RATE_FLOOR,
    BaseConfidentLearning,
    _fill_shared_docstring,
    default_estimator,
    subset_fit_params,
)


def _estimator_has(attr):
    """For ``available_if``: whether the fitted (or else the given) estimator has ``attr``."""

    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(default_estimator() if self.estimator is None else self.estimator, attr)

    return check


def noise_rate_weights(noise_matrix, labels):
    """Per-example weights ``1 / P(given = k | true = k)`` for examples labelled ``k``.

    After pruning, a class with a high noise rate has lost many of its examples; weighting
    the rest by the inverse of the rate at which its label is kept restores each class's
    apparent size (the confident-learning paper's reweighting). The rate is floored at 1e-3.
    """
    kept_rate = np.clip(np.diagonal(noise_matrix), NOISE_RATE_FLOOR, None)
    return 1.0 / kept_rate[labels]


@_fill_shared_docstring
class ConfidentLearningClassifier(ClassifierMixin, MetaEstimatorMixin, BaseConfidentLearning):
    """Learn from noisy labels: find the label issues, then fit on the rest.

    ``fit`` finds the training examples whose given label is likely wrong, as
    :class:`NoiseEstimator` does, and fits a clone of ``estimator`` on the others, optionally
    weighting each class by the inverse of its estimated rate of correct labels. Prediction is
    delegated to that clone: ``predict``, ``predict_proba``, ``predict_log_proba``,
    ``decision_function`` and ``score`` exist when the estimator has them. This is the way to
    use confident learning inside a scikit-learn ``Pipeline``, ``GridSearchCV`` or
    ``cross_val_score``: the parameters are flat, so ``filter_by`` or ``frac_noise`` can be
    searched like any other.

    Parameters
    ----------
    %(shared_parameters)s
    reweight : bool, default=True
        If the estimator's ``fit`` takes ``sample_weight``, weight each kept example labelled
        ``k`` by ``1 / P(given label = k | true label = k)`` (from ``noise_matrix_``, the rate
        floored at 1e-3), so that each class keeps its apparent size after pruning, as in the
        confident-learning paper. Sample weights passed to ``fit`` are multiplied by these.
        Estimators whose ``fit`` does not take ``sample_weight`` are fitted unweighted.
    pulearning : class label, default=None
        Positive-unlabelled learning, for a binary target: the label of the class whose given
        labels are all correct (for example the positives, when only some positives are
        labelled and every other example is labelled negative). No example of that class is
        flagged, and the noise estimates assume that no example of the other class was given
        this label: ``noise_matrix_[p, other] = 0``, as in Rank Pruning. ``None`` assumes
        nothing.

    Attributes
    ----------
    estimator_ : estimator object
        The clone of ``estimator`` fitted on the examples without label issues.
    %(shared_attributes)s

    See Also
    --------
    NoiseEstimator : The label noise estimates alone.
    LabelPruner : Removes the label issues, as a step of imbalanced-learn's pipeline.
    sklearn_noisy.scoring.make_trusted_scorer : Model selection that is not fooled by noisy
        validation labels.

    References
    ----------
    Northcutt, C. G., Jiang, L., Chuang, I. L. (2021). Confident Learning: Estimating
    Uncertainty in Dataset Labels. Journal of Artificial Intelligence Research, 70, 1373-1411.

    Northcutt, C. G., Wu, T., Chuang, I. L. (2017). Learning with Confident Examples: Rank
    Pruning for Robust Classification with Noisy Labels. UAI 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_noisy import ConfidentLearningClassifier
    >>> X, y = make_classification(n_samples=600, n_features=5, n_informative=3,
    ...                            n_redundant=0, n_clusters_per_class=1, class_sep=1.5,
    ...                            random_state=0)
    >>> X_test, y_test = X[400:], y[400:]
    >>> noisy = y[:400].copy()
    >>> rng = np.random.default_rng(0)
    >>> flip = (noisy == 0) & (rng.random(400) < 0.4)  # 40% of class 0 labelled 1
    >>> noisy[flip] = 1
    >>> model = ConfidentLearningClassifier(LogisticRegression(), random_state=0)
    >>> model.fit(X[:400], noisy).score(X_test, y_test)
    0.88
    >>> LogisticRegression().fit(X[:400], noisy).score(X_test, y_test)
    0.76
    """

    _parameter_constraints: dict = {
        **BaseConfidentLearning._parameter_constraints,
        "reweight": ["boolean"],
        "pulearning": "no_validation",  # a class label, checked against classes_ in fit
    }

    def __init__(
        self,
        estimator=None,
        *,
        cv=5,
        filter_by="prune_by_noise_rate",
        frac_noise=1.0,
        num_to_remove_per_class=None,
        min_examples_per_class=1,
        return_indices_ranked_by="self_confidence",
        n_jobs=None,
        random_state=None,
        reweight=True,
        pulearning=None,
    ):
        super().__init__(
            estimator,
            cv=cv,
            filter_by=filter_by,
            frac_noise=frac_noise,
            num_to_remove_per_class=num_to_remove_per_class,
            min_examples_per_class=min_examples_per_class,
            return_indices_ranked_by=return_indices_ranked_by,
            n_jobs=n_jobs,
            random_state=random_state,
        )
        self.reweight = reweight
        self.pulearning = pulearning

    @_fit_context(
        # The estimator inside is validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, *, pred_probs=None, **fit_params):
        """Find the label issues of ``(X, y)``, then fit the estimator on the other examples.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Features, in any format ``estimator`` accepts.
        y : array-like of shape (n_samples,)
            The given class labels; some may be wrong. Every class needs at least ``cv``
            examples when ``cv`` is an int.
        pred_probs : array-like of shape (n_samples, n_classes), default=None
            Precomputed out-of-sample predicted probabilities, columns in the order of the
            sorted class labels; cross-validation is then skipped and only the final model
            is fitted.
        **fit_params : dict
            Parameters of the estimator's ``fit``, used in cross-validation and in the final
            fit (per-sample values restricted to the kept examples); with metadata routing
            enabled, also ``groups`` for the splitter.

        Returns
        -------
        self : object
            The fitted classifier.
        """
        routed = self._route_fit_params(fit_params)
        X, y_encoded, noise = self._estimate_noise(X, y, pred_probs, routed,
                                                   clean_class=self.pulearning)
        kept = np.flatnonzero(~noise.label_issues)
        missing = np.setdiff1d(np.arange(len(noise.classes)), y_encoded[kept])
        if missing.size:
            raise ValueError(
                f"Every example of class {noise.classes.tolist()[missing[0]]!r} was found to "
                f"be a label issue (filter_by={self.filter_by!r}), so the classifier could "
                "not learn it. The pruning methods ('prune_by_noise_rate', 'prune_by_class', "
                "'both') with min_examples_per_class >= 1 keep some examples of every class."
            )
        estimator = self._get_estimator()
        params = subset_fit_params(routed.estimator.fit, kept, len(y_encoded))
        if self.reweight and has_fit_parameter(estimator, "sample_weight"):
            weights = noise_rate_weights(noise.noise_matrix, y_encoded[kept])
            given = params.get("sample_weight")
            params["sample_weight"] = weights if given is None else weights * np.asarray(given)
        estimator.fit(_safe_indexing(X, kept), noise.classes[y_encoded[kept]], **params)
        noise.estimator = estimator
        self._set_fitted_attributes(X, noise)
        return self

    def _check_X(self, X):
        """Check the features seen by the fitted model (number and names); X is not copied."""
        check_is_fitted(self)
        if getattr(X, "ndim", None) == 1:
            raise ValueError(
                "Expected a 2-D X of shape (n_samples, n_features), got a 1-D array. Reshape "
                "your data: X.reshape(-1, 1) for a single feature, X.reshape(1, -1) for a "
                "single example."
            )
        return validate_data(self, X, y="no_validation", skip_check_array=True, reset=False)

    @available_if(_estimator_has("predict"))
    def predict(self, X):
        """Predict the class of each example with the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Examples, in any format ``estimator`` accepts.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        X = self._check_X(X)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Predict class probabilities with the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Examples, in any format ``estimator`` accepts.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        X = self._check_X(X)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Predict the logarithm of the class probabilities with the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Examples, in any format ``estimator`` accepts.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        X = self._check_X(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """The decision function of the fitted estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Examples, in any format ``estimator`` accepts.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            As returned by the estimator's ``decision_function``.
        """
        X = self._check_X(X)
        return self.estimator_.decision_function(X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """The score of the fitted estimator on ``(X, y)`` (accuracy for classifiers).

        On noisy validation labels this favours models that reproduce the noise; see
        :func:`sklearn_noisy.scoring.make_trusted_scorer` for model selection.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Examples, in any format ``estimator`` accepts.
        y : array-like of shape (n_samples,)
            True labels of ``X``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
        """
        X = self._check_X(X)
        if sample_weight is None:
            return self.estimator_.score(X, y)
        return self.estimator_.score(X, y, sample_weight=sample_weight)
