"""What ConfidentLearningClassifier does with the label issues it finds.

Each strategy is a plain function over encoded labels and predicted probabilities, so that the
classifier, the sampler and the benchmark (``benchmarks/bench_learning.py``) share one
implementation:

- better out-of-fold probabilities: the average over several models
  (:func:`average_pred_probs`) and temperature scaling fitted out of fold
  (:func:`temperature_scale`);
- the consensus of an ensemble: the examples whose given label no model predicts, with or
  without its bias towards some classes (:func:`consensus_issues`);
- iterated detection: detect again on the examples kept so far, with probabilities recomputed
  on them, until a round flags nothing (:func:`detect_iteratively`);
- readmission: the probabilities of the flagged examples from models trained on the kept ones
  only (:func:`fold_pred_probs`), so that those no longer flagged come back;
- relabelling the issues to their predicted class instead of dropping them
  (:func:`training_labels`);
- the second model that the recommended preset ensembles with the user's (:func:`second_model`);
- the presets: the values the options take when left at ``'auto'`` (:data:`PRESETS`).
"""

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from scipy.optimize import minimize_scalar
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import _safe_indexing, check_array, check_random_state
from sklearn.utils.validation import _num_samples

from ._base import subset_fit_params
from .count import get_confident_thresholds
from ._cv import fold_workers

#: The value of ``readmit`` that readmits with the models of the last detection round.
LAST_ROUND = "last_round"

#: The values of ``readmit_rule``: whether the ``filter_by`` rule, or the predicted class, decides
#: which flagged examples are readmitted.
READMIT_RULES = ("filter_by", "prediction")

#: The value of ``extra_estimators`` that stands for :func:`second_model`.
SECOND_MODEL = "second model"

#: The values of the classifier's ``'auto'`` options for each ``preset``. 'reference' is what
#: cleanlab 2.9.0's CleanLearning does; 'recommended' won on average over the grid of
#: benchmarks/bench_learning.py (see the user guide's estimators page for the numbers).
PRESETS = {
    "recommended": {"filter_by": "prune_by_noise_rate", "reweight": False,
                    "detection_rounds": 3, "readmit": True, "calibration": None,
                    "extra_estimators": SECOND_MODEL, "consensus": True,
                    "readmit_rule": "filter_by"},
    "reference": {"filter_by": "prune_by_noise_rate", "reweight": True,
                  "detection_rounds": 1, "readmit": False, "calibration": None,
                  "extra_estimators": None, "consensus": False,
                  "readmit_rule": "filter_by"},
}

#: Where the classes of tree models come from: they get a linear second model.
TREE_MODULES = ("sklearn.tree", "sklearn.ensemble", "xgboost", "lightgbm", "catboost")

#: Temperatures searched by temperature scaling (a bounded scalar search on this interval).
TEMPERATURE_BOUNDS = (0.05, 20.0)


def resolve_options(preset, **options):
    """The options, with each ``'auto'`` replaced by the value of ``preset``."""
    defaults = PRESETS[preset]
    return {
        name: defaults[name] if isinstance(value, str) and value == "auto" else value
        for name, value in options.items()
    }


def second_model(estimator, X):
    """The model whose out-of-fold probabilities the recommended preset averages with
    ``estimator``'s: a model of another kind, which makes other mistakes.

    Next to a tree model (its class, or a pipeline's last step, comes from
    :data:`TREE_MODULES`) a logistic regression on standardised features; next to anything
    else a small gradient boosting (10 iterations of at most 8 leaves). Both need ``X`` dense
    and numeric (the logistic regression also finite); for any other ``X`` there is no second
    model.

    Returns
    -------
    models : list of zero or one unfitted classifier
    """
    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if sp.issparse(X):
        return []
    if type(final).__module__.startswith(TREE_MODULES):
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    else:
        # A fixed seed: with None it would draw from numpy's global random state.
        model = HistGradientBoostingClassifier(max_iter=10, max_leaf_nodes=8, min_samples_leaf=5,
                                               learning_rate=0.3, early_stopping=False,
                                               random_state=0)
    try:
        check_array(X, dtype="numeric", ensure_all_finite=isinstance(model, Pipeline))
    except (TypeError, ValueError):
        return []
    return [model]


def average_pred_probs(pred_probs_list):
    """The mean of several models' predicted probabilities (an ensemble), as float64."""
    return np.mean(np.stack([np.asarray(p, dtype=np.float64) for p in pred_probs_list]), axis=0)


def consensus_issues(labels, members):
    """The examples whose given label no model of an ensemble predicts.

    An example is flagged when every member predicts another class than its given label (the
    consensus filter of Brodley and Friedl, 1999). A member predicts the label if the label is
    its most probable class, or its most probable class once the member's bias towards some
    classes is taken out as confident learning does (the probabilities minus the member's
    per-class thresholds, the mean probability of each class over the examples given that
    label: :func:`~sklearn_noisy.count.get_confident_thresholds`). A tie with the label counts
    as predicting it. With fewer than two members nothing is flagged: one model is not a
    consensus.

    Parameters
    ----------
    labels : ndarray of int of shape (n_samples,)
    members : list of ndarray of shape (n_samples, n_classes)
        Each model's out-of-sample predicted probabilities.

    Returns
    -------
    issues : ndarray of bool of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> first = np.array([[.45, .55], [.45, .55], [.9, .1], [0, 1], [0, 1], [.8, .2]])
    >>> second = np.array([[.6, .4], [.3, .7], [.7, .3], [.2, .8], [.1, .9], [.7, .3]])
    >>> consensus_issues(labels, [first, second])
    array([False, False, False, False, False,  True])
    """
    issues = np.zeros(len(labels), dtype=bool)
    if len(members) < 2:
        return issues
    rows = np.arange(len(labels))
    issues[:] = True
    for probs in members:
        probs = np.asarray(probs, dtype=np.float64)
        adjusted = probs - get_confident_thresholds(labels, probs)
        issues &= probs[rows, labels] < probs.max(axis=1)
        issues &= adjusted[rows, labels] < adjusted.max(axis=1)
    return issues


def _scaled(log_probs, temperature):
    """Softmax of ``log_probs / temperature``, row by row."""
    z = log_probs / temperature
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    return z / z.sum(axis=1, keepdims=True)


def _best_temperature(log_probs, labels):
    """The temperature that minimises the mean log loss of ``labels``."""

    def log_loss(temperature):
        z = log_probs / temperature
        z -= z.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(z).sum(axis=1))
        return np.mean(log_norm - z[np.arange(len(labels)), labels])

    return minimize_scalar(log_loss, bounds=TEMPERATURE_BOUNDS, method="bounded").x


def temperature_scale(pred_probs, labels, *, n_splits=5, random_state=None):
    """Temperature scaling of ``pred_probs``, fitted out of fold.

    The rows are split in ``n_splits`` stratified folds; the rows of each fold are rescaled
    with the temperature that best fits the given labels of the other folds, so no row is
    calibrated on its own label.

    Parameters
    ----------
    pred_probs : ndarray of shape (n_samples, n_classes)
    labels : ndarray of int of shape (n_samples,)
    n_splits : int, default=5
        Lowered to the size of the smallest class if that is smaller (at least 2).
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the folds.

    Returns
    -------
    calibrated : ndarray of shape (n_samples, n_classes), float64
    """
    log_probs = np.log(np.clip(np.asarray(pred_probs, dtype=np.float64), 1e-12, None))
    n_splits = max(2, min(n_splits, np.bincount(labels).min()))
    # None: fresh OS entropy, so that numpy's global RandomState is never drawn from.
    rng = np.random.RandomState() if random_state is None else check_random_state(random_state)
    folds = StratifiedKFold(n_splits, shuffle=True, random_state=rng)
    calibrated = np.empty_like(log_probs)
    for train, test in folds.split(log_probs, labels):
        temperature = _best_temperature(log_probs[train], labels[train])
        calibrated[test] = _scaled(log_probs[test], temperature)
    return calibrated


def detect_iteratively(issues, detect_among, max_rounds, *, round_tol=0.0):
    """Flag more issues among the examples kept so far, round after round.

    Parameters
    ----------
    issues : ndarray of bool of shape (n_samples,)
        The issues of the first round.
    detect_among : callable
        ``detect_among(kept)`` takes the indices of the examples kept so far and returns a
        pair: a boolean mask over them of new issues (from probabilities recomputed on them
        only), and anything that the caller wants back if this round is the one that stops
        the rounds (the recomputed probabilities); or None when no further round is possible
        (for example a class has too few examples).
    max_rounds : int
        The number of rounds, the first included.
    round_tol : float, default=0.0
        The rounds stop at the first one whose new issues number at most ``round_tol`` times
        the issues flagged so far: that round changes too little, and its issues are not
        added. 0 stops only when a round flags nothing.

    Returns
    -------
    issues : ndarray of bool of shape (n_samples,)
        A new array: the issues of every round.
    n_rounds : int
        The number of rounds that ran, the first included.
    last : object or None
        What ``detect_among`` returned with the last round that ran (None if none did).
    last_applied : bool
        Whether the issues of that round were added: if not, its kept examples are those of
        ``issues``.
    """
    issues = np.array(issues, dtype=bool, copy=True)
    n_rounds, last = 1, None
    while n_rounds < max_rounds:
        kept = np.flatnonzero(~issues)
        found = detect_among(kept)
        if found is None:
            break
        new, last = found
        n_rounds += 1
        if new.sum() <= round_tol * issues.sum():
            return issues, n_rounds, last, False
        issues[kept[new]] = True
    return issues, n_rounds, last, last is not None


def fold_pred_probs(estimator, X, y, splits, X_other, *, fit_params=None, n_jobs=None):
    """Out-of-fold probabilities of ``(X, y)``, and those of ``X_other`` from the same models.

    One clone of ``estimator`` is fitted on the training part of each split of ``splits``;
    it predicts the test part, and every row of ``X_other`` (examples outside ``X``), whose
    probabilities are averaged over the folds.

    Parameters
    ----------
    estimator : classifier
    X : indexable of shape (n_samples, n_features)
    y : ndarray of int of shape (n_samples,)
        Encoded labels 0..K-1, every class in the training part of every split.
    splits : list of (train, test) index arrays
        Test parts that cover every row once.
    X_other : indexable of shape (n_other, n_features)
    fit_params : dict, default=None
        Parameters of ``fit``; the per-sample ones are restricted to each training part.
    n_jobs : int, default=None
        Folds fitted in parallel.

    Returns
    -------
    pred_probs : ndarray of shape (n_samples, K)
    other_pred_probs : ndarray of shape (n_other, K)
    """

    def fit_predict(train, test):
        params = subset_fit_params(fit_params or {}, train, len(y))
        model = clone(estimator).fit(_safe_indexing(X, train), y[train], **params)
        other = (model.predict_proba(X_other) if _num_samples(X_other)
                 else np.empty((0, len(model.classes_))))
        return model.predict_proba(_safe_indexing(X, test)), other

    results = Parallel(n_jobs=fold_workers(n_jobs))(
        delayed(fit_predict)(train, test) for train, test in splits
    )
    pred_probs = np.empty((len(y), results[0][0].shape[1]))
    for (_, test), (test_probs, _) in zip(splits, results):
        pred_probs[test] = test_probs
    return pred_probs, np.mean([other for _, other in results], axis=0)


def training_labels(labels, pred_probs, issues, relabel_margin):
    """Which examples to train on, with which labels.

    Parameters
    ----------
    labels : ndarray of int of shape (n_samples,)
    pred_probs : ndarray of shape (n_samples, n_classes)
    issues : ndarray of bool of shape (n_samples,)
    relabel_margin : float or None
        None drops every issue. A float relabels to its predicted class (the argmax of
        ``pred_probs``) each issue whose predicted class is more probable than its given label
        by at least this margin, and drops the other issues; 0 relabels them all.

    Returns
    -------
    indices : ndarray of int
        The examples to train on, ascending.
    new_labels : ndarray of int
        Their labels (given, or predicted for the relabelled ones).
    relabelled : ndarray of bool of shape (n_samples,)
        True for the examples whose label is replaced.
    """
    relabelled = np.zeros(len(labels), dtype=bool)
    new_labels = np.array(labels, copy=True)
    if relabel_margin is not None and issues.any():
        flagged = np.flatnonzero(issues)
        rows = pred_probs[flagged]
        predicted = rows.argmax(axis=1)
        margin = rows[np.arange(len(flagged)), predicted] - rows[np.arange(len(flagged)),
                                                                 labels[flagged]]
        chosen = flagged[margin >= relabel_margin]
        relabelled[chosen] = True
        new_labels[chosen] = predicted[margin >= relabel_margin]
    indices = np.flatnonzero(~issues | relabelled)
    return indices, new_labels[indices], relabelled
