"""NoiseEstimator: the label noise of a dataset, as the fitted attributes of an estimator."""

from sklearn.base import _fit_context

from ._base import BaseConfidentLearning, _fill_shared_docstring


@_fill_shared_docstring
class NoiseEstimator(BaseConfidentLearning):
    """Estimate the label noise of a classification dataset and find its label issues.

    ``fit`` computes out-of-fold predicted probabilities by cross-validating clones of
    ``estimator`` (or takes precomputed ones), then applies confident learning: the
    confident joint, the noise matrices, the prior of the true labels, the examples whose given
    label is likely wrong and a quality score for every label, all stored as fitted attributes.
    Labels may be of any type (strings, integers, a pandas categorical): they are encoded as
    ``0..K-1`` in the order of ``classes_``.

    Parameters
    ----------
    %(shared_parameters)s

    Attributes
    ----------
    %(shared_attributes)s

    See Also
    --------
    LabelPruner : Removes the label issues from a dataset (an imbalanced-learn sampler).
    ConfidentLearningClassifier : Trains a classifier on the examples without label issues.
    sklearn_noisy.filter.find_label_issues : The same on precomputed probabilities.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy import NoiseEstimator
    >>> X, y = load_iris(return_X_y=True)
    >>> names = np.array(["setosa", "versicolor", "virginica"])[y]
    >>> names[[0, 60, 120]] = ["virginica", "setosa", "setosa"]  # three wrong labels
    >>> noise = NoiseEstimator(random_state=0).fit(X, names)
    >>> noise.classes_
    array(['setosa', 'versicolor', 'virginica'], dtype='<U10')
    >>> noise.ranked_label_issues_[:3]
    array([  0, 120,  60])
    >>> noise.noise_matrix_.round(2)
    array([[0.96, 0.02, 0.02],
           [0.  , 0.98, 0.  ],
           [0.04, 0.  , 0.98]])
    """

    @_fit_context(
        # The estimator inside is validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, *, pred_probs=None, noise_matrix=None, inverse_noise_matrix=None,
            thresholds=None, **fit_params):
        """Estimate the label noise of ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Features, in any format ``estimator`` accepts.
        y : array-like of shape (n_samples,)
            The given class labels; some may be wrong. Every class needs at least ``cv``
            examples when ``cv`` is an int.
        pred_probs : array-like of shape (n_samples, n_classes), default=None
            Precomputed out-of-sample predicted probabilities, columns in the order of the
            sorted class labels; cross-validation is then skipped and ``estimator`` unused.
        %(known_parameters)s
        **fit_params : dict
            Parameters of the estimator's ``fit`` (and, with metadata routing enabled,
            ``groups`` for the splitter).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        routed = self._route_fit_params(fit_params)
        known = {"noise_matrix": noise_matrix, "inverse_noise_matrix": inverse_noise_matrix,
                 "thresholds": thresholds}
        X, _, noise = self._estimate_noise(X, y, pred_probs, routed, known=known)
        self._set_fitted_attributes(X, noise)
        return self
