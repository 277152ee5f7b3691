"""CleanLearning: the current reference's meta-estimator names over ConfidentLearningClassifier."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils import Bunch, _safe_indexing
from sklearn.utils._param_validation import Interval, validate_parameter_constraints
from sklearn.utils.validation import has_fit_parameter

from . import count, latent_algebra, rank
from ._base import BaseConfidentLearning, subset_fit_params
from ._classifier import ConfidentLearningClassifier, noise_rate_weights
from ._lowest_scores import issues_by_lowest_scores
from ._threads import kernel_threads
from ._validation import RANK_BY_OPTIONS, check_labels

#: The keys of ``find_label_issues_kwargs`` and their defaults (the reference's for this class).
ISSUE_OPTIONS = {"filter_by": "prune_by_noise_rate", "frac_noise": 1.0,
                 "num_to_remove_per_class": None, "min_examples_per_class": 10, "n_jobs": None,
                 "verbose": False}
#: The columns of the label issues table, as the reference names them.
TABLE_COLUMNS = ("is_label_issue", "label_quality", "given_label", "predicted_label")


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "CleanLearning returns its label issues as a pandas DataFrame; install pandas, the "
            'optional dependency: pip install "sklearn-noisy[pandas]".'
        ) from None
    return pandas


def _compact_labels(values):
    """Integer labels as int16 (or int32) when they fit, as the reference stores them."""
    if values.dtype.kind not in "iu" or values.size == 0:
        return values
    for dtype in (np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= values.min() and values.max() <= info.max:
            return values.astype(dtype)
    return values


class ReferenceNamedClassifier(ConfidentLearningClassifier):
    """:class:`ConfidentLearningClassifier` with the reference's behaviour and parameter names.

    The base of ``compat``'s classic and 2.x meta-estimators: the options the reference does
    not have are fixed to its behaviour, and ``estimator``, ``random_state`` and ``cv`` are read
    from ``clf``, ``seed`` and ``cv_n_folds``.
    """

    _parameter_constraints: dict = {
        "clf": BaseConfidentLearning._parameter_constraints["estimator"],
        "seed": BaseConfidentLearning._parameter_constraints["random_state"],
        "cv_n_folds": [Interval(Integral, 2, None, closed="left")],
    }

    preset = "reference"
    reweight = True
    detection_rounds = 1
    readmit = False
    readmit_rule = "filter_by"
    relabel_margin = None
    calibration = None
    extra_estimators = None
    consensus = False
    memory = None

    estimator = property(lambda self: self.clf)
    random_state = property(lambda self: self.seed)
    cv = property(lambda self: self.cv_n_folds)


class CleanLearning(ReferenceNamedClassifier):
    """The current reference's ``CleanLearning`` names over :class:`ConfidentLearningClassifier`.

    Code written for ``cleanlab.classification.CleanLearning`` runs with ``from
    sklearn_noisy.compat import CleanLearning``. It is a :class:`ConfidentLearningClassifier`
    with ``preset='reference'`` whose parameters carry the reference's names; the scikit-learn
    conventions of this package hold (``clf`` is cloned, never fitted in place: the fitted
    model is ``estimator_``; ``seed`` seeds the folds only, never numpy's global state).

    Parameters
    ----------
    clf : classifier, default=None
        Its out-of-fold ``predict_proba`` finds the label issues, and a clone of it is fitted
        on the other examples. ``None`` means ``LogisticRegression(max_iter=1000)``.
    seed : int, RandomState instance or None, default=None
        Seeds the shuffling of the cross-validation folds.
    cv_n_folds : int, default=5
        Number of stratified folds.
    converge_latent_estimates : bool, default=False
        See :func:`sklearn_noisy.count.estimate_latent`.
    pulearning : class label, default=None
        As ``pulearning`` of :class:`ConfidentLearningClassifier`.
    find_label_issues_kwargs : dict, default=None
        Options of :func:`sklearn_noisy.filter.find_label_issues`: ``filter_by``,
        ``frac_noise``, ``num_to_remove_per_class``, ``min_examples_per_class`` (default 10, as
        in the reference), ``n_jobs`` and ``verbose``.
    label_quality_scores_kwargs : dict, default=None
        Options of :func:`sklearn_noisy.rank.get_label_quality_scores` (``method``,
        ``adjust_pred_probs``) for the ``label_quality`` column.
    verbose : bool, default=False
        Print what is being done (to standard output).
    low_memory : bool, default=False
        Find the label issues with the rule of the reference's memory-bounded search (the
        estimated number of examples with the lowest self-confidence, except those predicted
        as given), and fit the final model unweighted, as the reference does. The computation
        here takes O(n) extra memory in either case.

    Attributes
    ----------
    estimator_ : estimator object
        The clone of ``clf`` fitted on the examples without label issues.
    label_issues_df_ : pandas.DataFrame
        The table of :meth:`find_label_issues` (also ``label_issues_df``), with a
        ``sample_weight`` column when ``fit`` weighted the final model.
    classes_, pred_probs_, confident_joint_, noise_matrix_, inverse_noise_matrix_, py_
        As in :class:`ConfidentLearningClassifier`.
    label_issues_, label_quality_scores_, ranked_label_issues_, n_features_in_
        As in :class:`ConfidentLearningClassifier`. The reference's attribute names
        (``label_issues_df``, ``label_issues_mask``, ``confident_joint``, ``noise_matrix``,
        ``inverse_noise_matrix``, ``py``, ``num_classes``) read them.

    See Also
    --------
    ConfidentLearningClassifier : The same, with flat scikit-learn parameters.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_noisy.compat import CleanLearning
    >>> X, y = load_iris(return_X_y=True)
    >>> cl = CleanLearning(LogisticRegression(max_iter=1000), seed=0)
    >>> issues = cl.find_label_issues(X, y)
    >>> list(issues.columns)
    ['is_label_issue', 'label_quality', 'given_label', 'predicted_label']
    >>> cl.fit(X, y, label_issues=issues).predict(X[:3])
    array([0, 0, 0])
    """

    _parameter_constraints: dict = {
        **ReferenceNamedClassifier._parameter_constraints,
        "converge_latent_estimates": ["boolean"],
        "pulearning": "no_validation",  # a class label, checked against classes_ in fit
        "find_label_issues_kwargs": [dict, None],
        "label_quality_scores_kwargs": [dict, None],
        "verbose": ["verbose"],
        "low_memory": ["boolean"],
    }

    def __init__(self, clf=None, *, seed=None, cv_n_folds=5, converge_latent_estimates=False,
                 pulearning=None, find_label_issues_kwargs=None,
                 label_quality_scores_kwargs=None, verbose=False, low_memory=False):
        self.clf = clf
        self.seed = seed
        self.cv_n_folds = cv_n_folds
        self.converge_latent_estimates = converge_latent_estimates
        self.pulearning = pulearning
        self.find_label_issues_kwargs = find_label_issues_kwargs
        self.label_quality_scores_kwargs = label_quality_scores_kwargs
        self.verbose = verbose
        self.low_memory = low_memory

    # The parameters read by ConfidentLearningClassifier, from the reference's names.
    filter_by = property(lambda self: self._issue_options()["filter_by"])
    frac_noise = property(lambda self: self._issue_options()["frac_noise"])
    num_to_remove_per_class = property(
        lambda self: self._issue_options()["num_to_remove_per_class"])
    min_examples_per_class = property(
        lambda self: self._issue_options()["min_examples_per_class"])
    n_jobs = property(lambda self: self._issue_options()["n_jobs"])
    return_indices_ranked_by = property(
        lambda self: (self.label_quality_scores_kwargs or {}).get("method", "self_confidence"))

    # The reference's attribute names.
    label_issues_df = property(lambda self: getattr(self, "label_issues_df_", None))
    label_issues_mask = property(lambda self: getattr(self, "label_issues_", None))
    confident_joint = property(lambda self: getattr(self, "confident_joint_", None))
    noise_matrix = property(lambda self: getattr(self, "noise_matrix_", None))
    inverse_noise_matrix = property(lambda self: getattr(self, "inverse_noise_matrix_", None))
    py = property(lambda self: getattr(self, "py_", None))
    num_classes = property(lambda self: len(self.classes_) if hasattr(self, "classes_") else None)

    def _issue_options(self):
        """``find_label_issues_kwargs`` over the defaults, checked."""
        given = dict(self.find_label_issues_kwargs or {})
        unknown = set(given) - set(ISSUE_OPTIONS)
        if unknown:
            raise ValueError(
                f"find_label_issues_kwargs does not take {sorted(unknown)} in CleanLearning; "
                f"it takes {sorted(ISSUE_OPTIONS)}. A precomputed confident_joint or a ranking "
                "(return_indices_ranked_by) is not supported here: use "
                "sklearn_noisy.filter.find_label_issues for those."
            )
        options = {**ISSUE_OPTIONS, **given}
        constraints = {name: BaseConfidentLearning._parameter_constraints[name]
                       for name in ISSUE_OPTIONS if name != "verbose"}
        validate_parameter_constraints(
            constraints, {name: options[name] for name in constraints}, "find_label_issues_kwargs"
        )
        return options

    def _say(self, message):
        if self.verbose:
            print(message)

    def _check_noise_matrices(self, n_classes, noise_matrix, inverse_noise_matrix):
        for name, matrix in (("noise_matrix", noise_matrix),
                             ("inverse_noise_matrix", inverse_noise_matrix)):
            if matrix is None:
                continue
            if self.low_memory:
                raise ValueError(f"{name} is not used with low_memory=True; drop one of them.")
            if np.shape(matrix) != (n_classes, n_classes):
                raise ValueError(f"{name} must have shape ({n_classes}, {n_classes}), one row "
                                 f"and column per class, got {np.shape(matrix)}.")
            if np.trace(matrix) <= 1:
                raise ValueError(
                    f"The trace of {name} is {np.trace(matrix):.4g}; it must exceed 1, or "
                    "the labels would carry no information about the true classes."
                )

    def _detect(self, X, labels, pred_probs, noise_matrix, inverse_noise_matrix, fit_params):
        """The label issues and the noise estimates; returns ``(X, y_encoded, noise)``."""
        options = self._issue_options()
        score_options = dict(self.label_quality_scores_kwargs or {})
        unknown = set(score_options) - {"method", "adjust_pred_probs"}
        if unknown:
            raise ValueError(f"label_quality_scores_kwargs takes 'method' and "
                             f"'adjust_pred_probs', not {sorted(unknown)}.")
        validate_parameter_constraints({"method": [RANK_BY_OPTIONS]},
                                       {"method": self.return_indices_ranked_by},
                                       "label_quality_scores_kwargs")
        routed = self._route_fit_params(fit_params)
        if pred_probs is None:
            self._say(f"Computing out-of-fold predicted probabilities by {self.cv_n_folds}-fold "
                      "cross-validation ...")
        X, y_encoded, noise = self._estimate_noise(X, labels, pred_probs, routed,
                                                   clean_class=self.pulearning)
        n_classes = len(noise.classes)
        self._check_noise_matrices(n_classes, noise_matrix, inverse_noise_matrix)
        if self.low_memory:
            noise.label_issues = issues_by_lowest_scores(
                y_encoded, noise.pred_probs,
                n_threads=kernel_threads(options["n_jobs"], noise.pred_probs),
            )
        if self.converge_latent_estimates:
            noise.py, noise.noise_matrix, noise.inverse_noise_matrix = count.estimate_latent(
                noise.confident_joint, y_encoded, converge_latent_estimates=True)
        ps = np.bincount(y_encoded, minlength=n_classes) / len(y_encoded)
        if noise_matrix is not None:
            noise.noise_matrix = np.asarray(noise_matrix, dtype=float)
            if inverse_noise_matrix is None:
                noise.py, noise.inverse_noise_matrix = latent_algebra.compute_py_inv_noise_matrix(
                    ps, noise.noise_matrix)
        if inverse_noise_matrix is not None:
            noise.inverse_noise_matrix = np.asarray(inverse_noise_matrix, dtype=float)
            if noise_matrix is None:
                noise.noise_matrix = latent_algebra.compute_noise_matrix_from_inverse(
                    ps, noise.inverse_noise_matrix)
        noise.label_quality_scores = rank.get_label_quality_scores(
            y_encoded, noise.pred_probs, n_jobs=options["n_jobs"], **score_options)
        noise.ranked_label_issues = rank.order_label_issues(
            noise.label_issues, y_encoded, noise.pred_probs,
            rank_by=score_options.get("method", "self_confidence"),
            rank_by_kwargs={"adjust_pred_probs": score_options.get("adjust_pred_probs", False)},
        )
        if options["verbose"] or self.verbose:
            print(f"Found {np.count_nonzero(noise.label_issues)} label issues among "
                  f"{len(y_encoded)} examples.")
        return X, y_encoded, noise

    def _issues_table(self, noise, y_encoded):
        pandas = _pandas()
        return pandas.DataFrame({
            "is_label_issue": noise.label_issues,
            "label_quality": noise.label_quality_scores,
            "given_label": _compact_labels(noise.classes[y_encoded]),
            "predicted_label": _compact_labels(noise.classes[np.argmax(noise.pred_probs, axis=1)]),
        })

    def find_label_issues(self, X, labels, *, pred_probs=None, noise_matrix=None,
                          inverse_noise_matrix=None, save_space=False, clf_kwargs=None):
        """Find the label issues of ``(X, labels)`` without fitting the final model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Features, in any format ``clf`` accepts.
        labels : array-like of shape (n_samples,)
            The given labels; some may be wrong.
        pred_probs : array-like of shape (n_samples, n_classes), default=None
            Precomputed out-of-sample predicted probabilities; cross-validation is then
            skipped.
        noise_matrix, inverse_noise_matrix : array-like of shape (n_classes, n_classes), \
default=None
            Known ``P(given | true)`` / ``P(true | given)`` (trace above 1). As in the
            reference, they replace the estimated noise matrices (the other one, and ``py_``,
            follow by the latent algebra), which weight the final model in :meth:`fit`; the
            label issues still come from the confident joint.
        save_space : bool, default=False
            Do not keep the table as ``label_issues_df_``.
        clf_kwargs : dict, default=None
            Parameters of ``clf.fit`` in cross-validation.

        Returns
        -------
        label_issues : pandas.DataFrame
            One row per example: ``is_label_issue``, ``label_quality`` (see
            ``label_quality_scores_kwargs``), ``given_label`` and ``predicted_label`` (the
            argmax of the predicted probabilities).
        """
        self._validate_params()
        X, y_encoded, noise = self._detect(X, labels, pred_probs, noise_matrix,
                                           inverse_noise_matrix, dict(clf_kwargs or {}))
        table = self._issues_table(noise, y_encoded)
        if not save_space:
            for name, value in noise.items():
                setattr(self, f"{name}_", value)
            self.label_issues_df_ = table
        return table

    def get_label_issues(self):
        """The table of the last :meth:`find_label_issues` or :meth:`fit`, or None (with a
        warning) before either.

        Returns
        -------
        label_issues : pandas.DataFrame or None
        """
        if not hasattr(self, "label_issues_df_"):
            warnings.warn("No label issues yet: call find_label_issues or fit first.",
                          UserWarning, stacklevel=2)
            return None
        return self.label_issues_df_

    def save_space(self):
        """Drop the per-example results (the table, probabilities, scores); keep the model.

        ``predict``, ``predict_proba`` and ``score`` still work.

        Returns
        -------
        self : object
        """
        for name in ("label_issues_df_", "pred_probs_", "label_issues_", "label_quality_scores_",
                     "ranked_label_issues_"):
            if hasattr(self, name):
                delattr(self, name)
        self._say("Dropped the per-example results of the label issue search.")
        return self

    def _given_issues(self, X, labels, label_issues, pred_probs):
        """The noise Bunch of a fit given ``label_issues`` (a table, a mask or indices)."""
        X, _, y_encoded, classes = self._check_targets(X, labels)
        n_samples = len(y_encoded)
        pandas = _pandas()
        if isinstance(label_issues, pandas.DataFrame):
            if "is_label_issue" not in label_issues.columns or len(label_issues) != n_samples:
                raise ValueError(
                    "A label_issues DataFrame needs an 'is_label_issue' column and one row per "
                    f"example ({n_samples}), as find_label_issues returns it."
                )
            table = label_issues.copy()
            mask = table["is_label_issue"].to_numpy(dtype=bool)
        else:
            mask = np.asarray(label_issues)
            if mask.dtype != bool:
                indices = check_labels(mask, len(mask), n_samples, allow_one_class=True)
                if len(np.unique(indices)) != len(indices):
                    raise ValueError("label_issues holds repeated indices; pass each issue once.")
                mask = np.zeros(n_samples, dtype=bool)
                mask[indices] = True
            elif mask.shape != (n_samples,):
                raise ValueError(f"A boolean label_issues must have shape ({n_samples},), got "
                                 f"{mask.shape}.")
            table = pandas.DataFrame({"is_label_issue": mask})
        earlier = {name: getattr(self, f"{name}_", None)
                   for name in ("confident_joint", "noise_matrix", "inverse_noise_matrix", "py")}
        if np.shape(earlier["noise_matrix"]) != (len(classes), len(classes)):
            earlier = dict.fromkeys(earlier)
        noise = Bunch(classes=classes, pred_probs=pred_probs, label_issues=mask,
                      label_quality_scores=None, ranked_label_issues=np.flatnonzero(mask),
                      **earlier)
        if pred_probs is not None and "label_quality" not in table.columns:
            table["label_quality"] = rank.get_label_quality_scores(
                y_encoded, pred_probs, **(self.label_quality_scores_kwargs or {}))
        return X, y_encoded, noise, table

    @_fit_context(
        # clf is validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, *, labels=None, pred_probs=None, noise_matrix=None,
            inverse_noise_matrix=None, label_issues=None, sample_weight=None, clf_kwargs=None):
        """Find the label issues (unless given), then fit a clone of ``clf`` on the rest.

        Parameters
        ----------
        X : {array-like, sparse matrix, dataframe} of shape (n_samples, n_features)
            Features, in any format ``clf`` accepts.
        y : array-like of shape (n_samples,)
            The given labels; some may be wrong.
        labels : array-like of shape (n_samples,), default=None
            The reference's name of ``y``; pass one of them.
        pred_probs : array-like of shape (n_samples, n_classes), default=None
            Precomputed out-of-sample predicted probabilities.
        noise_matrix, inverse_noise_matrix : array-like of shape (n_classes, n_classes), \
default=None
            See :meth:`find_label_issues`.
        label_issues : DataFrame, boolean mask or array of indices, default=None
            Label issues found before (for example by :meth:`find_label_issues`): detection is
            skipped. The final model is then weighted by the noise matrix of an earlier
            :meth:`find_label_issues` on this object, if any, as in the reference.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the final fit (of the kept examples), instead of the noise weights;
            ``clf.fit`` must take ``sample_weight``.
        clf_kwargs : dict, default=None
            Parameters of ``clf.fit``, in cross-validation and in the final fit.

        Returns
        -------
        self : object
        """
        if labels is None and y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None; pass the given labels as y (or labels).")
        if labels is not None and y is not None:
            raise ValueError("Pass the given labels once, as y or as labels, not both.")
        labels = y if labels is None else labels
        fit_params = dict(clf_kwargs or {})
        if "sample_weight" in fit_params:
            raise ValueError("Pass sample_weight to fit directly, not in clf_kwargs.")
        estimator = self._get_estimator()
        if sample_weight is not None and not has_fit_parameter(estimator, "sample_weight"):
            raise ValueError(f"sample_weight was given but {type(estimator).__name__}.fit does "
                             "not take sample_weight.")
        if label_issues is None:
            X, y_encoded, noise = self._detect(X, labels, pred_probs, noise_matrix,
                                               inverse_noise_matrix, fit_params)
            table = self._issues_table(noise, y_encoded)
        else:
            self._say("Using the given label_issues instead of finding them.")
            X, y_encoded, noise, table = self._given_issues(X, labels, label_issues, pred_probs)
        kept = np.flatnonzero(~noise.label_issues)
        self._say(f"Fitting the final model on the {len(kept)} examples without label issues.")
        params = subset_fit_params(fit_params, kept, len(y_encoded))
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
            if sample_weight.shape != (len(y_encoded),):
                raise ValueError(f"sample_weight must have shape ({len(y_encoded)},), one weight "
                                 f"per example, got {sample_weight.shape}.")
            params["sample_weight"] = sample_weight[kept]
        elif (has_fit_parameter(estimator, "sample_weight") and not self.low_memory
              and noise.noise_matrix is not None):
            params["sample_weight"] = noise_rate_weights(noise.noise_matrix, y_encoded[kept])
            weights = np.zeros(len(y_encoded))
            weights[kept] = params["sample_weight"]
            table["sample_weight"] = weights
        estimator.fit(_safe_indexing(X, kept), noise.classes[y_encoded[kept]], **params)
        noise.estimator = estimator
        self._set_fitted_attributes(X, noise)
        self.label_issues_df_ = table
        return self
