"""LabelPruner: a sampler that removes the examples whose label is likely wrong."""

import numpy as np
from scipy.sparse import issparse
from sklearn.base import OneToOneFeatureMixin
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import type_of_target

from ._base import _fill_shared_docstring
from ._noise import NoiseEstimator


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

    Parameters
    ----------
    %(shared_parameters)s

    Attributes
    ----------
    sample_indices_ : ndarray of int
        The indices of the rows kept (those without label issues), ascending.
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
    """

    @property
    def sample_indices_(self):
        """The indices of the rows kept (those without label issues), ascending."""
        return np.flatnonzero(~self.label_issues_)

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
            Their labels, of the type and encoding of ``y``.
        """
        self.fit(X, _labels_from_one_vs_all(y), pred_probs=pred_probs, **fit_params)
        if issparse(X) and X.format not in ("csr", "csc", "lil", "dok"):
            X = X.tocsr()  # COO, DIA and BSR cannot be indexed by rows
        return (
            _safe_indexing(X, self.sample_indices_),
            _safe_indexing(y, self.sample_indices_),
        )

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
