"""The classic ``cleanlab.classification.LearningWithNoisyLabels``.

``from cleanlab.classification import LearningWithNoisyLabels`` becomes
``from sklearn_noisy.compat.classification import LearningWithNoisyLabels``.
"""

from .._classifier import ConfidentLearningClassifier
from .._clean_learning import CleanLearning, ReferenceNamedClassifier
from .._validation import FILTER_BY_OPTIONS

__all__ = ["CleanLearning", "LearningWithNoisyLabels"]


class LearningWithNoisyLabels(ReferenceNamedClassifier):
    """Classic name and parameters of :class:`sklearn_noisy.ConfidentLearningClassifier`.

    Finds the label issues by cross-validating ``clf``, fits a copy of ``clf`` on the other
    examples (reweighted by the estimated noise rates) and predicts with it.

    Parameters
    ----------
    clf : classifier, default=None
        ``estimator``; ``None`` means ``LogisticRegression(max_iter=1000)``. A scikit-learn
        estimator is cloned; a model that only has ``fit``, ``predict_proba`` and
        ``predict`` (no ``get_params``) is copied with :func:`copy.deepcopy`.
    seed : int, RandomState instance or None, default=None
        ``random_state``: seeds the cross-validation folds (numpy's global random state is
        neither seeded nor used).
    cv_n_folds : int, default=5
        ``cv``: the number of stratified folds.
    prune_method : str, default='prune_by_noise_rate'
        ``filter_by``; see :func:`sklearn_noisy.filter.find_label_issues`.
    converge_latent_estimates : bool, default=False
        Make the estimated prior and noise matrices agree with each other (see
        :func:`sklearn_noisy.count.estimate_latent`); they set the sample weights.
    pulearning : class label or None, default=None
        The class known to have no label errors (positive-unlabelled learning).
    n_jobs : int, default=None
        Parallel folds and kernel threads.

    Attributes
    ----------
    classes_, estimator_, label_issues_, noise_matrix_, inverse_noise_matrix_, confident_joint_, py_, pred_probs_
        As in :class:`sklearn_noisy.ConfidentLearningClassifier`. The classic attributes
        ``noise_mask``, ``noise_matrix``, ``inverse_noise_matrix``, ``confident_joint``, ``py``,
        ``ps`` and ``K`` read them after ``fit``; the fitted model is ``estimator_`` (the
        classic class fitted ``clf`` itself).

    Notes
    -----
    Classes with at most 5 examples are not pruned, as in the classic package
    (``min_examples_per_class=5``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_noisy.compat import LearningWithNoisyLabels
    >>> X, y = load_iris(return_X_y=True)
    >>> model = LearningWithNoisyLabels(clf=LogisticRegression(max_iter=1000), seed=0)
    >>> model.fit(X, y).predict(X[:3])
    array([0, 0, 0])
    """

    _parameter_constraints: dict = {
        **ReferenceNamedClassifier._parameter_constraints,
        "prune_method": [FILTER_BY_OPTIONS],
        "converge_latent_estimates": ["boolean"],
        "pulearning": ConfidentLearningClassifier._parameter_constraints["pulearning"],
        "n_jobs": ConfidentLearningClassifier._parameter_constraints["n_jobs"],
    }

    # The parameters of ConfidentLearningClassifier that the classic class did not have.
    frac_noise = 1.0
    num_to_remove_per_class = None
    min_examples_per_class = 5
    return_indices_ranked_by = "self_confidence"

    def __init__(self, clf=None, seed=None, cv_n_folds=5, prune_method="prune_by_noise_rate",
                 converge_latent_estimates=False, pulearning=None, n_jobs=None):
        self.clf = clf
        self.seed = seed
        self.cv_n_folds = cv_n_folds
        self.prune_method = prune_method
        self.converge_latent_estimates = converge_latent_estimates
        self.pulearning = pulearning
        self.n_jobs = n_jobs

    # The new parameter names, read by ConfidentLearningClassifier, map to the classic ones.
    filter_by = property(lambda self: self.prune_method)

    def fit(self, X, y=None, psx=None, thresholds=None, noise_matrix=None,
            inverse_noise_matrix=None, *, s=None, **fit_params):
        """Fit on features ``X`` and noisy labels ``y`` (classic name ``s``).

        The arguments may be passed by position in the classic order
        ``fit(X, s, psx, thresholds, noise_matrix, inverse_noise_matrix)``.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            The given labels; ``s`` is the same argument under its classic name.
        psx : array-like of shape (n_samples, n_classes), default=None
            Precomputed out-of-sample predicted probabilities (``pred_probs``).
        thresholds : array-like of shape (n_classes,), default=None
            Per-class thresholds for the confident joint.
        noise_matrix : array-like of shape (n_classes, n_classes), default=None
            A known ``P(given | true)`` (columns sum to 1, trace above 1), used instead of
            the estimate.
        inverse_noise_matrix : array-like of shape (n_classes, n_classes), default=None
            A known ``P(true | given)``, used likewise.
        **fit_params : dict
            Parameters of the model's ``fit``.

        Returns
        -------
        self : object
        """
        if (y is None) == (s is None):
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
                if y is None else "Pass the labels once, as y or as s, not both."
            )
        return super().fit(X, y if s is None else s, pred_probs=psx,
                           noise_matrix=noise_matrix, inverse_noise_matrix=inverse_noise_matrix,
                           thresholds=thresholds, **fit_params)

    # The classic attributes, read from the fitted ones (AttributeError before fit).
    noise_mask = property(lambda self: self.label_issues_,
                          doc="The classic name of ``label_issues_``.")
    noise_matrix = property(lambda self: self.noise_matrix_,
                            doc="The classic name of ``noise_matrix_``.")
    inverse_noise_matrix = property(lambda self: self.inverse_noise_matrix_,
                                    doc="The classic name of ``inverse_noise_matrix_``.")
    confident_joint = property(lambda self: self.confident_joint_,
                               doc="The classic name of ``confident_joint_``.")
    py = property(lambda self: self.py_, doc="The classic name of ``py_``.")
    K = property(lambda self: len(self.classes_), doc="The number of classes.")

    @property
    def ps(self):
        """The fraction of the training examples given each label (the classic ``ps``)."""
        # The calibrated confident joint's rows hold the label counts.
        label_counts = self.confident_joint_.sum(axis=1)
        return label_counts / label_counts.sum()
