"""What NoiseEstimator, LabelPruner and ConfidentLearningClassifier share.

The three estimators take the same parameters and fit the same way: out-of-fold predicted
probabilities by cross-validation of a clone of ``estimator`` (or precomputed ones), then the
confident joint, the noise matrices, the label issues and the label quality scores of the
functional core, computed on the labels encoded as ``0..K-1``. This module holds that once.
"""

from numbers import Integral

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator
from sklearn.model_selection import check_cv
from sklearn.utils import Bunch, _safe_indexing, get_tags, indexable
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from . import _cv, _engine, _known_noise, _latent, _memory
from ._cv import default_estimator
from ._foreign import cloneable, fresh_copy
from ._threads import kernel_threads
from ._validation import (
    FILTER_BY_OPTIONS,
    FRACTION,
    N_JOBS,
    NON_NEGATIVE_INT,
    RANK_BY_OPTIONS,
    check_num_to_remove_per_class,
    check_pred_probs,
    check_thresholds,
    encode_class_labels,
)

#: The docstring entries of the parameters the three estimators share; each class docstring
#: holds the placeholder ``%(shared_parameters)s``, replaced by :func:`_fill_shared_docstring`.
SHARED_PARAMETERS_DOC = """\
    estimator : classifier, default=None
        The model whose out-of-fold ``predict_proba`` reveals the label issues. It is cloned,
        never fitted in place. ``None`` means ``LogisticRegression(max_iter=1000)``. A model
        that is not a scikit-learn estimator (only ``fit`` and ``predict_proba``, no
        ``get_params``) is copied with :func:`copy.deepcopy` instead.
    cv : int, cross-validation generator or iterable, default=5
        How the out-of-fold probabilities are computed. An int gives a shuffled
        ``StratifiedKFold`` with that many folds (``None``: 5), seeded by ``random_state``; every
        class then needs at least ``cv`` examples. Other values are passed to
        :func:`sklearn.model_selection.check_cv`. A splitter that uses ``groups`` receives
        them by metadata routing (``set_split_request``).
    filter_by : {'prune_by_noise_rate', 'prune_by_class', 'both', 'confident_learning', \
'predicted_neq_given', 'low_normalized_margin', 'low_self_confidence'}, \
default='prune_by_noise_rate'
        How the label issues are chosen; see :func:`sklearn_noisy.filter.find_label_issues`.
    frac_noise : float in (0, 1], default=1.0
        Flag only this fraction of the estimated label issues (those with the most evidence).
    num_to_remove_per_class : array-like of shape (n_classes,), default=None
        For the pruning methods, how many issues to flag in each class (in the order of
        ``classes_``) instead of the estimated number.
    min_examples_per_class : int, default=1
        Leave at least this many examples of each class unflagged.
    return_indices_ranked_by : {'self_confidence', 'normalized_margin', \
'confidence_weighted_entropy'}, default='self_confidence'
        The label quality score stored in ``label_quality_scores_`` and used to order
        ``ranked_label_issues_``; see :func:`sklearn_noisy.rank.get_label_quality_scores`.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib; ``None`` means 1) and OpenMP threads of the counting
        kernels (``None`` means all cores). Results do not depend on it.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the folds when ``cv`` is an int. ``None`` draws fresh randomness
        without touching numpy's global random state; pass an int for reproducible results.
    memory : str, object with the joblib.Memory interface or None, default=None
        Caches the fits of ``estimator`` (as ``memory`` does in scikit-learn's ``Pipeline``):
        a path to a cache directory, or a ``joblib.Memory``. The out-of-fold probabilities
        are looked up by the data, the folds, the estimator's class and parameters and its
        fit parameters, so a search over ``filter_by``, ``frac_noise`` and the other
        parameters of confident learning cross-validates each model once per data set.
        Folds that change at every fit are never cached: with an int ``cv``, pass an
        integer ``random_state`` (``None`` draws new folds at every fit). A model whose own
        fit is random (``random_state=None`` inside ``estimator``) is reused as first
        fitted. See :ref:`searching_with_memory`.
"""

#: The docstring entries of the parameters of ``fit`` that take what is known in advance.
KNOWN_FIT_PARAMETERS_DOC = """\
        noise_matrix : array-like of shape (n_classes, n_classes), default=None
            A known noise matrix, ``P(given label = i | true label = j)`` at ``[i, j]``
            (columns sum to 1, trace above 1), classes in the order of ``classes_``. It is used
            instead of the estimate; the inverse noise matrix and ``py_`` follow from it and
            the class frequencies of ``y`` (unless ``inverse_noise_matrix`` is given too).
            The label issues are still found from the confident joint of the predicted
            probabilities.
        inverse_noise_matrix : array-like of shape (n_classes, n_classes), default=None
            A known ``P(true label = j | given label = i)`` at ``[j, i]`` (columns sum to 1,
            trace above 1), used likewise; ``py_`` is then ``inverse_noise_matrix @ P(given)``.
        thresholds : array-like of shape (n_classes,), default=None
            Per-class probability thresholds for counting the confident joint, instead of the
            mean self-confidence of each class; see
            :func:`sklearn_noisy.count.compute_confident_joint`. (In the classifier they apply
            to the probabilities of the first detection round, after any calibration.)
"""

#: The docstring entries of the fitted attributes the three estimators share.
SHARED_ATTRIBUTES_DOC = """\
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted; the columns of ``pred_probs_`` and the rows and columns of
        the matrices below follow this order.
    pred_probs_ : ndarray of shape (n_samples, n_classes)
        The out-of-fold predicted probabilities (or the ``pred_probs`` given to ``fit``).
    confident_joint_ : ndarray of shape (n_classes, n_classes)
        Calibrated counts of examples with given label ``i`` (row) and likely true label
        ``j`` (column).
    noise_matrix_ : ndarray of shape (n_classes, n_classes)
        ``P(given label = i | true label = j)`` at ``[i, j]``; columns sum to 1.
    inverse_noise_matrix_ : ndarray of shape (n_classes, n_classes)
        ``P(true label = j | given label = i)`` at ``[j, i]``; columns sum to 1.
    py_ : ndarray of shape (n_classes,)
        The estimated prior of the true labels.
    label_issues_ : ndarray of bool of shape (n_samples,)
        True for the training examples whose given label is likely wrong.
    label_quality_scores_ : ndarray of shape (n_samples,)
        How likely each given label is to be correct (lower: more likely wrong).
    ranked_label_issues_ : ndarray of int
        The indices of the label issues, most likely wrong first.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features seen during ``fit``; only when ``X`` has string feature names.
"""

#: The weight of an example is at most 1 / NOISE_RATE_FLOOR (see ConfidentLearningClassifier).
NOISE_RATE_FLOOR = 1e-3


def _fill_shared_docstring(cls):
    """Class decorator: put the shared parameter and attribute entries into the docstring."""
    if cls.__doc__ is None:  # python -OO strips docstrings
        return cls
    cls.__doc__ = cls.__doc__.replace(
        "    %(shared_parameters)s\n", SHARED_PARAMETERS_DOC
    ).replace("    %(shared_attributes)s\n", SHARED_ATTRIBUTES_DOC)
    fit = cls.__dict__.get("fit")
    if fit is not None and fit.__doc__ is not None:
        fit.__doc__ = fit.__doc__.replace("        %(known_parameters)s\n",
                                          KNOWN_FIT_PARAMETERS_DOC)
    return cls


def subset_fit_params(params, indices, n_samples):
    """Keep the rows ``indices`` of every parameter (of fit, or of a scorer) that has one
    entry per sample; other values are passed on unchanged."""
    subset = {}
    for key, value in params.items():
        is_per_sample = (
            hasattr(value, "__len__") and not isinstance(value, (str, dict))
            and len(value) == n_samples
        )
        subset[key] = _safe_indexing(value, indices) if is_per_sample else value
    return subset


def clean_class_index(clean_class, classes):
    """The index in ``classes`` of the class assumed free of label errors (binary only)."""
    if len(classes) != 2:
        raise ValueError(
            f"pulearning={clean_class!r} needs a binary target (positive-unlabelled learning), "
            f"but y has {len(classes)} classes; use pulearning=None for multiclass data."
        )
    matches = np.flatnonzero(classes == clean_class)
    if matches.size == 0:
        raise ValueError(
            f"pulearning={clean_class!r} is not one of the classes of y, "
            f"{classes.tolist()!r}; pass the label of the class whose labels are all correct."
        )
    return int(matches[0])


def check_known_arguments(known, classes):
    """The noise matrices and thresholds given to ``fit``, checked against ``classes``."""
    checked = {}
    for name in ("noise_matrix", "inverse_noise_matrix"):
        matrix = known.get(name)
        checked[name] = (None if matrix is None
                         else _known_noise.check_noise_matrix(matrix, name, classes))
    thresholds = known.get("thresholds")
    checked["thresholds"] = None if thresholds is None else check_thresholds(thresholds,
                                                                             len(classes))
    return checked


class BaseConfidentLearning(BaseEstimator):
    """Parameters, cross-validation and noise estimation shared by the three estimators."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "cv": ["cv_object"],
        "filter_by": [FILTER_BY_OPTIONS],
        "frac_noise": [FRACTION],
        "num_to_remove_per_class": ["array-like", Integral, None],
        "min_examples_per_class": [NON_NEGATIVE_INT],
        "return_indices_ranked_by": [RANK_BY_OPTIONS],
        "n_jobs": N_JOBS,
        "random_state": ["random_state"],
        "memory": [None, str, HasMethods(["cache"])],
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
    ):
        self.estimator = estimator
        self.cv = cv
        self.filter_by = filter_by
        self.frac_noise = frac_noise
        self.num_to_remove_per_class = num_to_remove_per_class
        self.min_examples_per_class = min_examples_per_class
        self.return_indices_ranked_by = return_indices_ranked_by
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.memory = memory

    def _get_estimator(self):
        """A fresh clone of ``estimator`` (or of the default model); a deep copy of a model
        that is not a scikit-learn estimator (it has no ``get_params``)."""
        return default_estimator() if self.estimator is None else fresh_copy(self.estimator)

    def _route_fit_params(self, params):
        """Split the fit parameters between the estimator's ``fit`` and the splitter.

        With metadata routing enabled, each goes where it was requested; without it, every
        parameter goes to the estimator's ``fit`` (as in scikit-learn's own meta-estimators).
        """
        if get_config()["enable_metadata_routing"]:
            return process_routing(self, "fit", **params)
        return Bunch(estimator=Bunch(fit=params), splitter=Bunch(split={}))

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        Fit parameters such as ``sample_weight`` go to the estimator's ``fit`` and ``groups``
        to the splitter's ``split``, as requested with ``set_fit_request`` and
        ``set_split_request``; see the :ref:`scikit-learn User Guide <metadata_routing>`.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return (
            MetadataRouter(owner=self)
            .add(estimator=cloneable(self._get_estimator()),
                 method_mapping=self._fit_mapping("fit"))
            .add(
                splitter=check_cv(self.cv, classifier=True),
                method_mapping=self._fit_mapping("split"),
            )
        )

    def _fit_mapping(self, callee):
        """Route the parameters of ``fit`` to the method ``callee`` of a child."""
        return MethodMapping().add(caller="fit", callee=callee)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        estimator_tags = get_tags(cloneable(self._get_estimator()))
        tags.input_tags.sparse = estimator_tags.input_tags.sparse
        tags.input_tags.allow_nan = estimator_tags.input_tags.allow_nan
        tags.target_tags.required = True
        return tags

    def _check_targets(self, X, y):
        """Check ``y`` (binary or multiclass), encode it; return ``(X, y, y_encoded, classes)``."""
        X, y = indexable(X, y)
        # A 1-d array of integers is a binary or multiclass target: no need to look.
        if not (isinstance(y, np.ndarray) and y.ndim == 1 and y.dtype.kind in "iu"):
            y_type = type_of_target(y, input_name="y")
            if y_type not in ("binary", "multiclass"):
                raise ValueError(
                    f"Unknown label type: {y_type!r}. {type(self).__name__} needs class "
                    "labels, one per example (a binary or multiclass target); multilabel, "
                    "multioutput and continuous targets are not supported."
                )
        y_1d = column_or_1d(y, warn=True)
        if y_1d.shape[0] == 0:
            raise ValueError("y is empty (0 samples); pass at least one example per class.")
        classes, y_encoded = encode_class_labels(y_1d)
        if len(classes) < 2:
            raise ValueError(
                f"y contains only one class ({classes.tolist()[0]!r}); finding label "
                "issues needs examples of at least two classes."
            )
        return X, y, np.ascontiguousarray(y_encoded), classes

    def _out_of_fold_pred_probs(self, X, y_encoded, classes, routed):
        """Out-of-fold ``predict_proba`` of clones of the estimator, columns in class order."""
        splitter = _cv.make_splitter(self.cv, y_encoded, self.random_state)
        _cv.check_folds(y_encoded, splitter, classes,
                        hint=", or pass precomputed pred_probs to fit")
        return _memory.out_of_fold_pred_probs(
            self.memory, cloneable(self._get_estimator()), X, y_encoded, splitter,
            n_jobs=self.n_jobs,
            fit_params=routed.estimator.fit, split_params=routed.splitter.split,
            reproducible=_memory.reproducible_folds(self.cv, self.random_state),
        )

    def _estimate_noise(self, X, y, pred_probs, routed, *, clean_class=None, filter_by=None,
                        known=None):
        """Validate the data, then estimate the label noise, touching no attribute of ``self``.

        The labels and the predicted probabilities are checked once, then one call of the
        engine computes the confident joint, the label issues and the quality scores.
        ``clean_class`` (a label or None) is a class assumed to have no label errors: its
        examples are never issues and the noise matrices give it no noise. ``filter_by``
        replaces the parameter of the same name (for a subclass that resolves it). ``known``
        maps ``noise_matrix``, ``inverse_noise_matrix`` and ``thresholds`` to what ``fit`` was
        given (None or missing: estimated).

        Returns
        -------
        X : indexable
        y_encoded : ndarray of int
        noise : Bunch
            The values of the shared fitted attributes, without their trailing underscore.
        """
        X, y, y_encoded, classes = self._check_targets(X, y)
        known = check_known_arguments(known or {}, classes)
        clean = None if clean_class is None else clean_class_index(clean_class, classes)
        filter_by = self.filter_by if filter_by is None else filter_by
        num_to_remove_per_class = check_num_to_remove_per_class(
            self.num_to_remove_per_class, filter_by, len(classes)
        )
        if pred_probs is None:
            pred_probs = self._out_of_fold_pred_probs(X, y_encoded, classes, routed)
            pred_probs = check_pred_probs(pred_probs, n_jobs=self.n_jobs)
        else:
            # A copy: the fitted attribute must not change if the caller edits the array.
            pred_probs = check_pred_probs(pred_probs, n_jobs=self.n_jobs, copy=True)
            expected = (len(y_encoded), len(classes))
            if pred_probs.shape != expected:
                raise ValueError(
                    f"pred_probs has shape {pred_probs.shape}, expected {expected}: one row per "
                    f"example and one column per class, in the order of the sorted class labels "
                    f"{list(classes)!r}."
                )
        result = _engine.confident_learning(
            y_encoded, pred_probs, n_threads=kernel_threads(self.n_jobs, pred_probs),
            thresholds=known["thresholds"], clean_class=clean, filter_by=filter_by,
            frac_noise=self.frac_noise, num_to_remove_per_class=num_to_remove_per_class,
            min_examples_per_class=self.min_examples_per_class,
            rank_by=self.return_indices_ranked_by,
        )
        if known["noise_matrix"] is None and known["inverse_noise_matrix"] is None:
            py, noise_matrix, inverse_noise_matrix = _latent.estimate_latent(
                result.confident_joint, result.label_counts,
                # A parameter of the classic LearningWithNoisyLabels only.
                converge_latent_estimates=getattr(self, "converge_latent_estimates", False),
            )
        else:
            py, noise_matrix, inverse_noise_matrix = _known_noise.complete_latent(
                result.label_counts, noise_matrix=known["noise_matrix"],
                inverse_noise_matrix=known["inverse_noise_matrix"], clean=clean,
            )
        noise = Bunch(
            classes=classes,
            pred_probs=pred_probs,
            confident_joint=result.confident_joint,
            noise_matrix=noise_matrix,
            inverse_noise_matrix=inverse_noise_matrix,
            py=py,
            label_issues=result.label_issues,
            label_quality_scores=result.quality_scores,
            ranked_label_issues=result.ranked_label_issues,
        )
        return X, y_encoded, noise

    def _set_fitted_attributes(self, X, noise):
        """Store the results of a successful fit (and the number and names of features)."""
        validate_data(self, X, y="no_validation", skip_check_array=True, reset=True)
        for name, value in noise.items():
            setattr(self, f"{name}_", value)
