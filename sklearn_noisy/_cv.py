"""Out-of-fold predicted probabilities: the cross-validation behind confident learning.

One place for what the estimators, the ``count`` helpers and the command line share: the
default model, the splitter made from ``cv`` and ``random_state``, the check that every class
has an example in every fold, and the out-of-fold ``predict_proba``.
"""

from contextlib import nullcontext
from numbers import Integral

import numpy as np
from joblib import cpu_count, effective_n_jobs
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, check_cv, cross_val_predict
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

#: Folds when ``cv`` is None.
DEFAULT_CV = 5


def default_estimator():
    """The model used when none is given."""
    return LogisticRegression(max_iter=1000)


def make_splitter(cv, y, random_state):
    """``cv`` as a splitter.

    None or an int gives a shuffled ``StratifiedKFold`` (None: 5 folds) seeded by
    ``random_state``; ``random_state=None`` draws fresh randomness from the operating system,
    never from numpy's global random state. Anything else goes through
    :func:`sklearn.model_selection.check_cv`.
    """
    if cv is None:
        cv = DEFAULT_CV
    if isinstance(cv, Integral) and not isinstance(cv, bool):
        return StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=fold_seed(random_state))
    return check_cv(cv, y, classifier=True)


def fold_seed(random_state):
    """A ``RandomState`` for the fold shuffling; a fresh one for None."""
    if random_state is None:
        return np.random.RandomState()
    if isinstance(random_state, np.random.Generator):
        return np.random.RandomState(random_state.integers(2**32))
    return check_random_state(random_state)


def check_folds(y_encoded, splitter, classes, *, hint=""):
    """Every class needs an example in every fold: a clear error before any fitting.

    ``classes`` names the classes in the message; ``hint`` is appended to its advice.
    """
    n_splits = getattr(splitter, "n_splits", None)
    if not isinstance(n_splits, Integral):
        return
    counts = np.bincount(y_encoded, minlength=len(classes))
    present = counts > 0
    smallest = int(np.flatnonzero(present)[np.argmin(counts[present])])
    if counts[smallest] < n_splits:
        raise ValueError(
            f"Class {np.asarray(classes).tolist()[smallest]!r} has {counts[smallest]} example(s), fewer than the "
            f"{n_splits} cross-validation folds; every class needs at least one example per "
            f"fold. Lower cv to at most {counts[smallest]} or add examples of that class{hint}."
        )


def out_of_fold_pred_probs(estimator, X, y_encoded, splitter, *, n_jobs=None, fit_params=None,
                           split_params=None):
    """Out-of-fold ``predict_proba`` of clones of ``estimator``, one column per class."""
    splits = list(splitter.split(X, y_encoded, **(split_params or {})))
    workers = fold_workers(n_jobs)
    with fold_thread_limits(workers):
        return cross_val_predict(
            clone(estimator), X, y_encoded, cv=splits, method="predict_proba",
            n_jobs=workers, params=fit_params or None,
        )


def fold_thread_limits(n_jobs):
    """While ``n_jobs`` fold workers share the cores, each gets its share of BLAS threads.

    Workers that are processes (joblib's default backend, loky) are started with
    ``cores // workers`` BLAS and OpenMP threads by joblib itself. Workers that are threads
    (the 'threading' backend) share this process's BLAS, limited here for the duration of the
    folds; the limit is lifted when they end. With one worker nothing is limited.
    """
    workers = effective_n_jobs(n_jobs)
    if workers <= 1:
        return nullcontext()
    return threadpool_limits(limits=max(1, cpu_count() // workers), user_api="blas")


def fold_workers(n_jobs):
    """``n_jobs`` for joblib, within the cores there are (joblib overflows on huge values)."""
    if n_jobs is None:
        return None
    cores = cpu_count()
    return min(n_jobs, cores) if n_jobs > 0 else max(n_jobs, -cores)
