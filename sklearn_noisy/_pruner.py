"""LabelPruner: a sampler that removes the examples whose label is likely wrong."""

from numbers import Real

import numpy as np
from scipy.sparse import issparse
from sklearn.base import OneToOneFeatureMixin, _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import type_of_target

from ._base import _fill_shared_docstring
from ._noise import NoiseEstimator
from ._strategies import training_labels


def _labels_from_one_vs_all(y):
    """Class indices of a one-vs-all encoded target (one 1 per row), as imbalanced-learn's
    samplers accept; any other target is returned unchanged."""
    if type_of_target(y, input_name="y") == "multilabel-indicator":
        indicator = np.asarray(y)
        if np.all(indicator.sum(axis=1) == 1):
            return indicator.argmax(axis=1)
    return y


@_fill_shared_docstring
class LabelPruner(OneToOneFeatureMixin, NoiseEstimator):
    """Remove the examples whose given label is likely wrong (a sampler).

    ``fit_resample(X, y)`` finds the label issues as :class:`NoiseEstimator` does and returns
    the rows of ``X`` and ``y`` that are kept, in their original order and type: a pandas
    DataFrame and Series stay pandas, a sparse matrix stays sparse. It follows the sampler
    protocol of imbalanced-learn, so it is a step of ``imblearn.pipeline.Pipeline`` (which
    prunes the training data only, never the data that is predicted), without this package
    importing imbalanced-learn. In a scikit-learn ``Pipeline``, which cannot drop samples, use
    :class:`ConfidentLearningClassifier` instead.

    With ``relabel_margin``, the label issues whose predicted class is clearly more probable
    than their given label are kept with that class as their label (corrected labels) instead of
    being removed.

    Parameters
    ----------
    %(shared_parameters)s
    relabel_margin : float in [0, 1] or None, default=None
        ``None`` removes every label issue. A float keeps, relabelled to its predicted class
        (the argmax of ``pred_probs_``), every issue whose predicted class is more probable
        than its given label by at least this margin, and removes the other issues; ``0.0``
        relabels them all. On the benchmark of the user guide, training on relabelled issues
        was less accurate than dropping them.

    Attributes
    ----------
    sample_indices_ : ndarray of int
        The indices of the rows kept (without label issues, or relabelled), ascending.
    relabelled_ : ndarray of bool of shape (n_samples,)
        True for the rows returned with their predicted class as label.
    %(shared_attributes)s

    See Also
    --------
    NoiseEstimator : The same label noise estimates, without resampling.
    ConfidentLearningClassifier : Prunes, then fits a classifier; works in any Pipeline.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy import LabelPruner
    >>> X, y = load_iris(return_X_y=True)
    >>> y[[0, 60, 120]] = [2, 0, 0]  # three wrong labels
    >>> X_kept, y_kept = LabelPruner(random_state=0).fit_resample(X, y)
    >>> X_kept.shape
    (146, 4)
    >>> {0, 60, 120} & set(LabelPruner(random_state=0).fit(X, y).sample_indices_)
    set()

    In imbalanced-learn's pipeline, only the training data is pruned:

    >>> from imblearn.pipeline import make_pipeline
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.preprocessing import StandardScaler
    >>> model = make_pipeline(
    ...     StandardScaler(), LabelPruner(random_state=0), LogisticRegression()
    ... ).fit(X, y)

    Corrected labels instead of removed rows:

    >>> X_fixed, y_fixed = LabelPruner(relabel_margin=0.0, random_state=0).fit_resample(X, y)
    >>> X_fixed.shape, y_fixed[[0, 60, 120]]
    ((150, 4), array([0, 1, 2]))
    """

    _parameter_constraints: dict = {
        **NoiseEstimator._parameter_constraints,
        "relabel_margin": [Interval(Real, 0, 1, closed="both"), None],
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
        memory=None,
        relabel_margin=None,
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
            memory=memory,
        )
        self.relabel_margin = relabel_margin

    @_fit_context(
        # The estimator inside is validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, *, pred_probs=None, **fit_params):
        """Find the label issues of ``(X, y)`` and the ones to relabel.

        Parameters
        ----------
        X, y, pred_probs, **fit_params
            As in :meth:`NoiseEstimator.fit`.

        Returns
        -------
        self : object
            The fitted sampler.
        """
        routed = self._route_fit_params(fit_params)
        X, y_encoded, noise = self._estimate_noise(X, y, pred_probs, routed)
        _, _, noise.relabelled = training_labels(
            y_encoded, noise.pred_probs, noise.label_issues, self.relabel_margin
        )
        self._set_fitted_attributes(X, noise)
        return self

    @property
    def sample_indices_(self):
        """The indices of the rows kept (without label issues, or relabelled), ascending."""
        return np.flatnonzero(~self.label_issues_ | self.relabelled_)

    def fit_resample(self, X, y, *, pred_probs=None, **fit_params):
        """Find the label issues (see :meth:`fit`), then return the rows without them.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Features, in any format ``estimator`` accepts.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            The given class labels; some may be wrong. A one-vs-all encoded target (one 1
            per row, as from ``label_binarize``) is read as the index of its 1.
        pred_probs : array-like of shape (n_samples, n_classes), default=None
            Precomputed out-of-sample predicted probabilities; see :meth:`fit`.
        **fit_params : dict
            Parameters of the estimator's ``fit``; see :meth:`fit`.

        Returns
        -------
        X_resampled : {ndarray, sparse matrix, dataframe, list} of shape (n_kept, n_features)
            The kept rows of ``X``, of the type of ``X``.
        y_resampled : {ndarray, series, list} of shape (n_kept,) or (n_kept, n_classes)
            Their labels (the predicted class for the relabelled rows), of the type and
            encoding of ``y``.
        """
        self.fit(X, _labels_from_one_vs_all(y), pred_probs=pred_probs, **fit_params)
        if issparse(X) and X.format not in ("csr", "csc", "lil", "dok"):
            X = X.tocsr()  # COO, DIA and BSR cannot be indexed by rows
        indices = self.sample_indices_
        return _safe_indexing(X, indices), self._corrected(_safe_indexing(y, indices), indices)

    def _corrected(self, y_kept, indices):
        """``y_kept`` (rows ``indices`` of y) with the relabelled rows set to their predicted
        class, in the type and encoding of y; not modified in place."""
        rows = np.flatnonzero(self.relabelled_[indices])
        if rows.size == 0:
            return y_kept
        predicted = self.pred_probs_[indices[rows]].argmax(axis=1)
        if hasattr(y_kept, "iloc"):  # pandas
            y_kept = y_kept.copy()
            y_kept.iloc[rows] = self.classes_[predicted]
            return y_kept
        corrected = np.array(y_kept, copy=True)
        if corrected.ndim == 2:  # one-vs-all: the classes are the column indices
            corrected[rows] = 0
            corrected[rows, self.classes_[predicted]] = 1
        else:
            corrected[rows] = self.classes_[predicted]
        return corrected.tolist() if isinstance(y_kept, list) else corrected

    def _fit_mapping(self, callee):
        mapping = super()._fit_mapping(callee)
        try:
            mapping.add(caller="fit_resample", callee=callee)
        except ValueError:
            pass  # scikit-learn knows the method fit_resample once imbalanced-learn is imported
        return mapping

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "sampler"
        return tags
