"""ConfidentLearningClassifier: learn with noisy labels by training on the examples it trusts."""

from numbers import Integral, Real

import numpy as np
from sklearn import get_config
from sklearn.base import ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.utils import Bunch, _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, has_fit_parameter, validate_data

from . import _cv, _memory, filter, rank
from ._base import (
    NOISE_RATE_FLOOR,
    BaseConfidentLearning,
    _fill_shared_docstring,
    check_known_arguments,
    clean_class_index,
    default_estimator,
    subset_fit_params,
)
from ._strategies import (
    LAST_ROUND,
    PRESETS,
    READMIT_RULES,
    SECOND_MODEL,
    average_pred_probs,
    consensus_issues,
    detect_iteratively,
    fold_pred_probs,
    resolve_options,
    second_model,
    temperature_scale,
    training_labels,
)
from ._validation import FILTER_BY


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


def _auto_filter_by_doc(cls):
    """Class decorator: the classifier's ``filter_by`` also takes 'auto', its default."""
    if cls.__doc__ is not None:
        cls.__doc__ = cls.__doc__.replace(
            "}, default='prune_by_noise_rate'\n        How the label issues are chosen;",
            "} or 'auto', default='auto'\n        ``'auto'`` follows ``preset``. How the label "
            "issues are chosen;",
        )
    return cls


@_auto_filter_by_doc
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
    preset : {'recommended', 'reference'}, default='recommended'
        The values of the options left at ``'auto'`` (``filter_by``, ``reweight``,
        ``detection_rounds``, ``readmit``, ``readmit_rule``, ``calibration``,
        ``extra_estimators``, ``consensus``). ``'recommended'``:
        ``filter_by='prune_by_noise_rate'``, ``reweight=False``, ``detection_rounds=3``,
        ``readmit=True``, ``readmit_rule='filter_by'``, ``calibration=None``, an ensemble with
        a second model of another kind (see ``extra_estimators``) and ``consensus=True``, which
        won back more of the accuracy lost to label noise than the reference over the
        benchmark grid of the user guide, at a higher cost. ``'reference'``:
        ``reweight=True``, ``detection_rounds=1``, ``readmit=False``, ``calibration=None``,
        ``extra_estimators=None``, ``consensus=False``: the behaviour of cleanlab 2.9.0's
        ``CleanLearning`` (which also uses ``min_examples_per_class=10``). Options given
        explicitly override the preset.
    reweight : bool or 'auto', default='auto'
        If the estimator's ``fit`` takes ``sample_weight``, weight each training example
        labelled ``k`` by ``1 / P(given label = k | true label = k)`` (from ``noise_matrix_``,
        the rate floored at 1e-3), so that each class keeps its apparent size after pruning, as
        in the confident-learning paper. Sample weights passed to ``fit`` are multiplied by
        these. Estimators whose ``fit`` does not take ``sample_weight`` are fitted unweighted.
        ``'auto'`` follows ``preset``.
    detection_rounds : int >= 1 or 'auto', default='auto'
        Iterated detection: after the first round, compute out-of-fold probabilities again on
        the examples kept so far (cross-validating ``estimator``, even when ``pred_probs`` is
        given to ``fit``) and flag the label issues among them with the same ``filter_by``,
        up to this many rounds in all; it stops early when a round flags nothing or a class
        has fewer examples than folds, and after the first round when ``cv`` is an iterable
        of (train, test) index pairs. ``'auto'`` follows ``preset``.
    readmit : bool, 'last_round' or 'auto', default='auto'
        After the last detection round, cross-validate the models (``estimator`` and the
        extra ones) on the kept examples only, predict the flagged examples with the models
        of every fold, and flag again over all the examples (see ``readmit_rule``): the
        examples flagged before that are no longer flagged are readmitted (none is newly
        flagged). Skipped in the cases where ``detection_rounds`` stops. ``'last_round'``
        saves that cross-validation when there is more than one round: the models of the last
        detection round, fitted before its new issues were flagged, predict the examples
        instead. ``'auto'`` follows ``preset``.
    readmit_rule : {'prediction', 'filter_by'} or 'auto', default='auto'
        Which flagged examples the readmission gives back. ``'filter_by'``: those that
        ``filter_by`` no longer flags, whose number follows the estimated noise rates; it can
        also give back an example the models predict in another class when the estimated
        number of issues shrinks. ``'prediction'``: those whose given label is the most
        probable class for the models trained on the kept examples (their averaged
        probabilities), as ``filter_by='predicted_neq_given'`` decides; where the models are
        weak it keeps flagged the many correct labels they get wrong. With ``consensus``, an
        example that no model predicts with its label stays flagged either way. ``'auto'``
        follows ``preset``.
    round_tol : float >= 0, default=0.0
        Early stopping of the detection rounds: a round whose new issues number at most
        ``round_tol`` times the issues flagged so far changes too little; its issues are not
        added and the rounds stop there. Its models, cross-validated on the examples still
        kept, then serve the readmission, which costs no further cross-validation. ``0``
        stops only when a round flags nothing.
    relabel_margin : float in [0, 1] or None, default=None
        What to do with the label issues. ``None`` drops them all. A float relabels to its
        predicted class (the argmax of ``pred_probs_``) every issue whose predicted class is
        more probable than its given label by at least this margin, trains on it with that
        label, and drops the other issues; ``0.0`` relabels them all.
    calibration : {'temperature'}, None or 'auto', default='auto'
        Rescale the out-of-fold probabilities (computed, or given to ``fit``) before finding
        the label issues, in every round: ``'temperature'`` fits a temperature to the given
        labels, out of fold (each fifth of the examples is rescaled by the temperature fitted
        on the other four fifths); ``pred_probs_`` holds the rescaled probabilities. ``None``
        leaves them as they are. ``'auto'`` follows ``preset``.
    extra_estimators : list of classifiers, 'auto' or None, default='auto'
        An ensemble: the out-of-fold probabilities of these models (cross-validated like
        ``estimator``, in every round) are averaged with those of ``estimator`` (or with the
        ``pred_probs`` given to ``fit``) to find the label issues. The final model is
        ``estimator`` alone. ``'auto'`` follows ``preset``: for ``'recommended'`` a second
        model of another kind, a logistic regression on standardised features next to a tree
        model (scikit-learn's trees and tree ensembles, XGBoost, LightGBM, CatBoost), a small
        ``HistGradientBoostingClassifier`` (10 iterations of at most 8 leaves) next to any
        other model, fitted with only the fit parameters its ``fit`` takes; none when ``X`` is
        sparse or not numeric (or has missing values, for the logistic regression).
    consensus : bool or 'auto', default='auto'
        With an ensemble (``extra_estimators``), also flag the examples whose given label none
        of the models predicts: the consensus filter of Brodley and Friedl (1999), in every
        detection round and in the readmission (such an example is not readmitted). A model
        predicts the label if the label is the argmax of its out-of-fold probabilities, or of
        these minus its per-class thresholds (see
        :func:`~sklearn_noisy.count.get_confident_thresholds`), which takes out its bias
        towards some classes as confident learning does. ``filter_by``
        finds its issues on the averaged probabilities, where a model less sure than the
        others can hide a wrong label that they agree on. No effect without an extra model
        (one model is not a consensus). ``'auto'`` follows ``preset``.
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
        The clone of ``estimator`` fitted on the examples without label issues (and on the
        relabelled ones, with their new label).
    relabelled_ : ndarray of bool of shape (n_samples,)
        True for the label issues the final model was trained on with their predicted class
        (see ``relabel_margin``).
    n_detection_rounds_ : int
        The number of detection rounds that ran (see ``detection_rounds``).
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

    Brodley, C. E., Friedl, M. A. (1999). Identifying Mislabeled Training Data. Journal of
    Artificial Intelligence Research, 11, 131-167.

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
        "filter_by": [StrOptions(set(FILTER_BY) | {"auto"})],
        "preset": [StrOptions(set(PRESETS))],
        "reweight": ["boolean", StrOptions({"auto"})],
        "detection_rounds": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "readmit": ["boolean", StrOptions({"auto", LAST_ROUND})],
        "readmit_rule": [StrOptions({*READMIT_RULES, "auto"})],
        "round_tol": [Interval(Real, 0, None, closed="left")],
        "relabel_margin": [Interval(Real, 0, 1, closed="both"), None],
        "calibration": [StrOptions({"temperature", "auto"}), None],
        "extra_estimators": ["array-like", StrOptions({"auto"}), None],
        "consensus": ["boolean", StrOptions({"auto"})],
        "pulearning": "no_validation",  # a class label, checked against classes_ in fit
    }

    def __init__(
        self,
        estimator=None,
        *,
        cv=5,
        filter_by="auto",
        frac_noise=1.0,
        num_to_remove_per_class=None,
        min_examples_per_class=1,
        return_indices_ranked_by="self_confidence",
        n_jobs=None,
        random_state=None,
        memory=None,
        preset="recommended",
        reweight="auto",
        detection_rounds="auto",
        readmit="auto",
        readmit_rule="auto",
        round_tol=0.0,
        relabel_margin=None,
        calibration="auto",
        extra_estimators="auto",
        consensus="auto",
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
            memory=memory,
        )
        self.preset = preset
        self.reweight = reweight
        self.detection_rounds = detection_rounds
        self.readmit = readmit
        self.readmit_rule = readmit_rule
        self.round_tol = round_tol
        self.relabel_margin = relabel_margin
        self.calibration = calibration
        self.extra_estimators = extra_estimators
        self.consensus = consensus
        self.pulearning = pulearning

    @_fit_context(
        # The estimator inside is validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, *, pred_probs=None, noise_matrix=None, inverse_noise_matrix=None,
            thresholds=None, **fit_params):
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
        %(known_parameters)s
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
        options = resolve_options(self.preset, filter_by=self.filter_by, reweight=self.reweight,
                                  detection_rounds=self.detection_rounds,
                                  readmit=self.readmit, readmit_rule=self.readmit_rule,
                                  calibration=self.calibration,
                                  extra_estimators=self.extra_estimators,
                                  consensus=self.consensus)
        known = {"noise_matrix": noise_matrix, "inverse_noise_matrix": inverse_noise_matrix,
                 "thresholds": thresholds}
        extras = options["extra_estimators"]
        if isinstance(extras, str) and extras == SECOND_MODEL:
            options["extra_estimators"] = [
                self._request_accepted(model, routed)
                for model in second_model(self._get_estimator(), X)
            ]
            options["only_accepted_fit_params"] = True
        members = []
        if options["calibration"] is not None or options["extra_estimators"]:
            # A bad matrix or threshold is reported before any cross-validation.
            check_known_arguments(known, self._check_targets(X, y)[3])
            pred_probs, members = self._better_pred_probs(X, y, pred_probs, routed, options)
        X, y_encoded, noise = self._estimate_noise(X, y, pred_probs, routed,
                                                   clean_class=self.pulearning,
                                                   filter_by=options["filter_by"], known=known)
        if options["consensus"]:
            noise.label_issues = self._add_consensus(y_encoded, members, noise.label_issues,
                                                     noise.classes)
        noise.n_detection_rounds, last = 1, None
        if options["detection_rounds"] > 1:
            last = self._detect_again(X, y_encoded, noise, routed, options)
        if options["readmit"]:
            self._readmit(X, y_encoded, noise, routed, options, last)
        if options["detection_rounds"] > 1 or options["readmit"] or options["consensus"]:
            noise.ranked_label_issues = rank.order_label_issues(
                noise.label_issues, y_encoded, noise.pred_probs,
                rank_by=self.return_indices_ranked_by, n_jobs=self.n_jobs,
            )
        indices, labels, noise.relabelled = training_labels(
            y_encoded, noise.pred_probs, noise.label_issues, self.relabel_margin
        )
        missing = np.setdiff1d(np.arange(len(noise.classes)), labels)
        if missing.size:
            raise ValueError(
                f"Every example of class {noise.classes.tolist()[missing[0]]!r} was found to "
                f"be a label issue (filter_by={options['filter_by']!r}), so the classifier could "
                "not learn it. The pruning methods ('prune_by_noise_rate', 'prune_by_class', "
                "'both') with min_examples_per_class >= 1 keep some examples of every class."
            )
        estimator = self._get_estimator()
        params = subset_fit_params(routed.estimator.fit, indices, len(y_encoded))
        if options["reweight"] and has_fit_parameter(estimator, "sample_weight"):
            weights = noise_rate_weights(noise.noise_matrix, labels)
            given = params.get("sample_weight")
            params["sample_weight"] = weights if given is None else weights * np.asarray(given)
        noise.estimator = _memory.fit(
            self.memory, estimator, _safe_indexing(X, indices), noise.classes[labels], params
        )
        self._set_fitted_attributes(X, noise)
        return self

    def _better_pred_probs(self, X, y, pred_probs, routed, options):
        """The out-of-fold probabilities averaged over ``extra_estimators``, then calibrated,
        and the list of each model's (the estimator's first)."""
        X, _, y_encoded, classes = self._check_targets(X, y)
        if pred_probs is None:
            pred_probs = self._out_of_fold_pred_probs(X, y_encoded, classes, routed)
        members = [pred_probs] + [
            clone(self).set_params(estimator=extra, extra_estimators=None)
            ._out_of_fold_pred_probs(X, y_encoded, classes, self._routed_to(extra, routed,
                                                                             options))
            for extra in options["extra_estimators"] or ()
        ]
        for member in members:
            if np.shape(member) != (len(y_encoded), len(classes)):
                raise ValueError(
                    f"pred_probs has shape {np.shape(member)}, expected "
                    f"{(len(y_encoded), len(classes))}: one row per example and one column "
                    f"per class, in the order of the sorted class labels {list(classes)!r}."
                )
        pred_probs = average_pred_probs(members)
        if options["calibration"] == "temperature":
            pred_probs = temperature_scale(pred_probs, y_encoded, random_state=self.random_state)
        return pred_probs, members

    def _add_consensus(self, labels, members, issues, classes):
        """``issues`` and those of :func:`consensus_issues`, except in the class assumed clean
        (``pulearning``) and in a class that would keep fewer than ``min_examples_per_class``
        examples (at least one), as the pruning rules guarantee."""
        added = consensus_issues(labels, members) & ~issues
        if self.pulearning is not None:
            added &= labels != clean_class_index(self.pulearning, classes)
        kept = np.bincount(labels[~(issues | added)], minlength=len(classes))
        added &= kept[labels] >= max(1, self.min_examples_per_class)
        return issues | added

    @staticmethod
    def _extra_fit_params(extra, fit_params, options):
        """The fit parameters for an extra estimator: those its ``fit`` takes, for the
        preset's second model; all of them for the ``extra_estimators`` given."""
        if not options.get("only_accepted_fit_params"):
            return fit_params
        return {k: v for k, v in fit_params.items() if has_fit_parameter(extra, k)}

    @staticmethod
    def _request_accepted(model, routed):
        """``model``, requesting (with metadata routing on) the fit parameters it takes."""
        accepted = [name for name in routed.estimator.fit if has_fit_parameter(model, name)]
        if accepted and get_config()["enable_metadata_routing"]:
            model.set_fit_request(**dict.fromkeys(accepted, True))
        return model

    def _routed_to(self, extra, routed, options):
        """``routed`` with the fit parameters for an extra estimator."""
        fit = self._extra_fit_params(extra, routed.estimator.fit, options)
        return Bunch(estimator=Bunch(fit=fit), splitter=routed.splitter)

    def _subset_splittable(self, labels, n_classes):
        """Whether ``cv`` can cross-validate a subset with these encoded labels."""
        if not (isinstance(self.cv, Integral) or hasattr(self.cv, "split")):
            return False  # fixed (train, test) index pairs do not apply to a subset
        n_folds = self.cv if isinstance(self.cv, Integral) else getattr(self.cv, "n_splits", 2)
        return np.bincount(labels, minlength=n_classes).min() >= n_folds

    def _kept_models_pred_probs(self, X, y_encoded, n_classes, kept, routed, options):
        """Probabilities of every example from models cross-validated on ``kept`` only.

        The models (``estimator`` and the extra ones) are fitted on the training part of each
        fold of the kept examples: the kept examples get their out-of-fold probabilities, the
        others the mean over the folds' models. Returns their average over the models and the
        list of each model's, or None when ``cv`` cannot split the kept examples.
        """
        labels = y_encoded[kept]
        n_samples = len(y_encoded)
        if not self._subset_splittable(labels, n_classes):
            return None
        others = np.setdiff1d(np.arange(n_samples), kept)
        X_kept, X_others = _safe_indexing(X, kept), _safe_indexing(X, others)
        splitter = _cv.make_splitter(self.cv, labels, self.random_state)
        splits = list(splitter.split(
            X_kept, labels, **subset_fit_params(routed.splitter.split, kept, n_samples)))
        fit_params = subset_fit_params(routed.estimator.fit, kept, n_samples)
        members = [(self._get_estimator(), fit_params)] + [
            (extra, self._extra_fit_params(extra, fit_params, options))
            for extra in options["extra_estimators"] or ()
        ]
        memory = self.memory if _memory.reproducible_folds(self.cv, self.random_state) else None
        each = []
        for member, params in members:
            kept_probs, other_probs = _memory.call(
                memory, fold_pred_probs, member, X_kept, labels, splits, X_others,
                fit_params=params, n_jobs=self.n_jobs)
            probs = np.empty((n_samples, n_classes))
            probs[kept], probs[others] = kept_probs, other_probs
            each.append(probs)
        return average_pred_probs(each), each

    def _readmit(self, X, y_encoded, noise, routed, options, found=None):
        """Readmission: update ``noise.label_issues`` in place, unflagging the issues that
        models trained on the kept examples only no longer flag.

        ``found``: what :meth:`_kept_models_pred_probs` returns for the kept examples of
        ``noise.label_issues``, when the last detection round computed it already.
        """
        if not noise.label_issues.any():
            return
        if found is None:
            found = self._kept_models_pred_probs(
                X, y_encoded, len(noise.classes), np.flatnonzero(~noise.label_issues), routed,
                options)
            if found is None:
                return
        pred_probs, members = found
        if options["calibration"] == "temperature":
            pred_probs = temperature_scale(pred_probs, y_encoded, random_state=self.random_state)
        rule = (options["filter_by"] if options["readmit_rule"] == "filter_by"
                else "predicted_neq_given")
        still = filter.find_label_issues(
            y_encoded, pred_probs, filter_by=rule, frac_noise=self.frac_noise,
            min_examples_per_class=self.min_examples_per_class, n_jobs=self.n_jobs,
        )
        if options["consensus"]:
            still |= consensus_issues(y_encoded, members)
        noise.label_issues = noise.label_issues & still

    def _detect_again(self, X, y_encoded, noise, routed, options):
        """Iterated detection: update ``noise.label_issues`` in place.

        Returns the probabilities (what :meth:`_kept_models_pred_probs` returns) of the round
        that stopped the rounds without adding its issues, whose kept examples are those left
        unflagged; with ``readmit='last_round'`` those of the last round that ran; else None.
        """
        clean = (None if self.pulearning is None
                 else clean_class_index(self.pulearning, noise.classes))

        def detect_among(kept):
            found = self._kept_models_pred_probs(X, y_encoded, len(noise.classes), kept,
                                                 routed, options)
            if found is None:
                return None
            labels, kept_probs = y_encoded[kept], found[0][kept]
            if options["calibration"] == "temperature":
                kept_probs = temperature_scale(kept_probs, labels, random_state=self.random_state)
            new = filter.find_label_issues(
                labels, kept_probs, filter_by=options["filter_by"], frac_noise=self.frac_noise,
                min_examples_per_class=self.min_examples_per_class, n_jobs=self.n_jobs,
            )
            if options["consensus"]:
                new = self._add_consensus(labels, [probs[kept] for probs in found[1]], new,
                                          noise.classes)
            return (new if clean is None else new & (labels != clean)), found

        noise.label_issues, noise.n_detection_rounds, last, applied = detect_iteratively(
            noise.label_issues, detect_among, options["detection_rounds"],
            round_tol=self.round_tol,
        )
        return last if not applied or options["readmit"] == LAST_ROUND else None

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
