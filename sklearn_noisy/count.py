"""Counting label noise: confident thresholds, the confident joint and the noise matrices.

All functions take ``labels`` (integers 0..K-1) and ``pred_probs`` (n x K out-of-sample predicted
probabilities, float32 or float64; float32 is never up-cast). The O(n*K) work runs in compiled
kernels on ``n_jobs`` OpenMP threads with identical results for any thread count; the K x K
algebra is numpy.

The results match the reference implementation, cleanlab 2.9.0, including three behaviours
in which it departs from the confident-learning paper (Northcutt et al., JAIR 2021). Each is
the default here and each can be switched to the paper's rule:

* when several classes reach their thresholds, the example is counted toward the overall
  argmax of its row, even if that class is not itself confident
  (``multiple_confident="argmax"``); the paper takes the argmax among the confident classes
  (``multiple_confident="confident_argmax"``);
* a probability counts as reaching its threshold when ``p >= threshold - 1e-6``
  (``threshold_tolerance=1e-6``); the paper compares with no tolerance (``0``);
* every diagonal entry of the confident joint is raised to at least 1 before calibration
  (``min_diagonal=1``); the paper does not (``0``).
"""

import numbers

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, check_cv, cross_val_predict
from sklearn.utils import check_random_state

from . import latent_algebra
from ._counting import confident_pass, group_by_label
from ._threads import kernel_threads
from ._validation import (
    MULTIPLE_CONFIDENT,
    check_confident_joint,
    check_labels,
    check_labels_and_pred_probs,
    check_non_negative_int,
    check_option,
)

#: Threshold given to a class that no example is labelled with: no probability reaches it.
MISSING_CLASS_THRESHOLD = 2
#: Thresholds are clipped from below to this value (twice the default tolerance).
THRESHOLD_FLOOR = 2e-6
#: Residual below which a rounded sum counts as preserved.
ROUNDING_TOLERANCE = 1e-6
TINY = latent_algebra.TINY

ESTIMATION_METHODS = ("off_diagonal", "off_diagonal_calibrated", "off_diagonal_custom")


def _thresholds_from_groups(offsets, self_confidence):
    """Per-class mean self-confidence, from the label-sorted self-confidences.

    Each mean is numpy's ``mean`` of one contiguous class slice, in the input's precision, so it
    is the same number as averaging ``pred_probs[labels == k, k]``. A class without examples
    gets a threshold of 2, which no probability reaches (the array is then float64).
    """
    counts = np.diff(offsets)
    dtype = self_confidence.dtype if np.all(counts > 0) else np.float64
    means = [
        np.mean(self_confidence[offsets[k]:offsets[k + 1]]) if counts[k] else MISSING_CLASS_THRESHOLD
        for k in range(len(counts))
    ]
    return np.clip(np.array(means, dtype=dtype), THRESHOLD_FLOOR, None)


def get_confident_thresholds(labels, pred_probs, *, n_jobs=None):
    """Per-class thresholds: the mean predicted probability of class k over examples labelled k.

    An example "confidently" belongs to class ``k`` when its predicted probability of ``k``
    reaches ``thresholds[k]`` (the model's average self-confidence in ``k``).

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``; some may be wrong.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities; each row sums to 1.
    n_jobs : int, default=None
        OpenMP threads for the input check; ``None`` uses all cores.

    Returns
    -------
    thresholds : ndarray of shape (K,)
        In the precision of ``pred_probs`` (float64 if a class has no examples; its threshold
        is then 2, which no probability reaches). Clipped from below to 2e-6.

    See Also
    --------
    compute_confident_joint : Counts examples against these thresholds.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import get_confident_thresholds
    >>> labels = np.array([0, 0, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.7, 0.3], [0.2, 0.8], [0.4, 0.6]])
    >>> get_confident_thresholds(labels, pred_probs)
    array([0.8, 0.7])
    """
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    offsets, _, self_confidence = group_by_label(labels, pred_probs)
    return _thresholds_from_groups(offsets, self_confidence)


def _cutoffs_in_input_precision(cutoffs, dtype):
    """The smallest values of ``dtype`` that reach ``cutoffs``.

    ``cutoffs`` is computed as numpy would (in the thresholds' own precision); numpy then
    compares the probabilities with it in the wider of the two types. For float32 input, the
    smallest float32 at or above each cutoff makes a float32 comparison give the same answer.
    """
    cutoffs = np.asarray(cutoffs, dtype=np.float64)
    rounded = cutoffs.astype(dtype)
    below = rounded.astype(np.float64) < cutoffs
    rounded[below] = np.nextafter(rounded[below], np.inf)
    return np.ascontiguousarray(rounded)


def _confident_counts(labels, pred_probs, thresholds, *, multiple_confident,
                      threshold_tolerance, n_jobs):
    """Run the counting kernel on checked inputs.

    Returns ``(counts, true_label_guess, agrees)``: the raw confident joint (no diagonal clip,
    no calibration), each example's guessed true label (-1 if not confident), and the bit flags
    of :func:`sklearn_noisy._counting.confident_pass`.
    """
    n_samples, n_classes = pred_probs.shape
    thresholds = np.asarray(thresholds)
    if thresholds.size != n_classes:
        raise ValueError(
            f"thresholds must have one entry per class ({n_classes}), got shape {thresholds.shape}."
        )
    cutoffs = _cutoffs_in_input_precision(thresholds.reshape(-1) - threshold_tolerance,
                                          pred_probs.dtype)
    guess = np.empty(n_samples, dtype=np.intc)
    agrees = np.empty(n_samples, dtype=np.uint8)
    counts = confident_pass(
        pred_probs,
        labels,
        cutoffs,
        multiple_confident == "confident_argmax",
        kernel_threads(n_jobs, pred_probs),
        guess,
        agrees,
    )
    return counts, guess, agrees


def compute_confident_joint(
    labels,
    pred_probs,
    *,
    thresholds=None,
    calibrate=True,
    return_indices_of_off_diagonals=False,
    multiple_confident="argmax",
    threshold_tolerance=1e-6,
    min_diagonal=1,
    multi_label=False,
    n_jobs=None,
):
    """Count the examples confidently belonging to each (given label, true label) pair.

    Entry ``[i, j]`` of the confident joint counts the examples labelled ``i`` whose predicted
    probability of class ``j`` reaches ``j``'s threshold (see
    :func:`get_confident_thresholds`). Off-diagonal entries are likely label errors.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities (for example from cross-validation).
    thresholds : array-like of shape (K,), default=None
        Per-class thresholds; computed with :func:`get_confident_thresholds` if omitted.
    calibrate : bool, default=True
        Rescale the counts so that row ``i`` sums to the number of examples labelled ``i``
        (see :func:`calibrate_confident_joint`).
    return_indices_of_off_diagonals : bool, default=False
        Also return the indices of the examples counted off the diagonal.
    multiple_confident : {'argmax', 'confident_argmax'}, default='argmax'
        Where an example that reaches several thresholds is counted. ``'argmax'`` (the
        reference's behaviour) takes the largest probability of the row, even if that class did
        not reach its own threshold; ``'confident_argmax'`` (the paper's rule) takes the largest
        among the classes that reached their thresholds.
    threshold_tolerance : float, default=1e-6
        A probability reaches a threshold when ``p >= threshold - threshold_tolerance``.
        The reference uses 1e-6; the paper's rule is 0.
    min_diagonal : int, default=1
        Diagonal entries are raised to at least this value before calibration, so that no
        class is estimated to have no correctly labelled example. The reference uses 1; the
        paper's rule is 0.
    multi_label : bool, default=False
        ``labels`` holds a list of classes per example (or a binary indicator matrix): return
        the one-vs-rest joints of shape (K, 2, 2) of
        :func:`sklearn_noisy.multilabel.compute_confident_joint`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores. Results do not depend on it.

    Returns
    -------
    confident_joint : ndarray of shape (K, K)
        Integer counts, rows indexed by given label and columns by true label.
    indices_off_diagonal : ndarray of int
        Only with ``return_indices_of_off_diagonals``: the examples counted off the diagonal,
        in increasing order.

    See Also
    --------
    sklearn_noisy.filter.find_label_issues : Turns the confident joint into label issues.
    estimate_latent : Turns it into the noise matrices and the latent prior.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import compute_confident_joint
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> compute_confident_joint(labels, pred_probs, calibrate=False)
    array([[2, 1],
           [0, 2]])
    """
    if multi_label:
        from . import multilabel

        return multilabel.compute_confident_joint(
            labels, pred_probs, calibrate=calibrate,
            return_indices_of_off_diagonals=return_indices_of_off_diagonals, n_jobs=n_jobs,
        )
    labels, pred_probs = check_labels_and_pred_probs(
        labels, pred_probs, n_jobs=n_jobs, allow_one_class=True
    )
    check_option(multiple_confident, "multiple_confident", MULTIPLE_CONFIDENT)
    min_diagonal = check_non_negative_int(min_diagonal, "min_diagonal")
    if not isinstance(threshold_tolerance, numbers.Real) or not threshold_tolerance >= 0:
        raise ValueError(
            f"threshold_tolerance must be a non-negative number, got {threshold_tolerance!r}; "
            "1e-6 is the reference's, 0 the paper's rule."
        )
    if thresholds is None:
        offsets, _, self_confidence = group_by_label(labels, pred_probs)
        thresholds = _thresholds_from_groups(offsets, self_confidence)
    counts, guess, _ = _confident_counts(
        labels,
        pred_probs,
        thresholds,
        multiple_confident=multiple_confident,
        threshold_tolerance=threshold_tolerance,
        n_jobs=n_jobs,
    )
    confident_joint = _finish_confident_joint(counts, labels, min_diagonal, calibrate)
    if return_indices_of_off_diagonals:
        return confident_joint, np.flatnonzero((guess >= 0) & (guess != labels))
    return confident_joint


def _finish_confident_joint(counts, labels, min_diagonal, calibrate):
    """Clip the diagonal of raw counts from below, then optionally calibrate.

    The joint is kept in column-major memory order, as the reference's (the transpose of a
    confusion matrix) is: numpy then adds its entries in the same order during calibration,
    and the rounding that follows breaks near-ties the same way.
    """
    confident_joint = np.asfortranarray(counts, dtype=int)
    np.fill_diagonal(confident_joint, np.maximum(np.diagonal(confident_joint), min_diagonal))
    if calibrate:
        return _calibrate(confident_joint, np.bincount(labels, minlength=len(confident_joint)))
    return confident_joint


def _round_preserving_sum(values):
    """Round to integers so that the total stays the rounded total of ``values``.

    Rounding each entry may change the sum by a few units; the entries whose rounding moved
    them furthest from the needed direction are adjusted by one. Ties between equal residuals
    are resolved in numpy's default ``argsort`` order, as the reference does.
    """
    values = np.asarray(values, dtype=float)
    rounded = values.round()
    target = np.sum(values).round()
    while abs(np.sum(rounded).round() - target) > ROUNDING_TOLERANCE:
        missing = np.round(target - np.sum(rounded).round())
        step = 1 if missing > 0 else -1
        n_changes = min(int(abs(missing)), len(values))
        residual_order = np.argsort(values - rounded)
        if step > 0:
            residual_order = residual_order[::-1]
        rounded[residual_order[:n_changes]] += step
    return rounded.astype(int)


def _round_preserving_row_totals(matrix):
    """Round each row of a float matrix to integers, preserving the row totals."""
    return np.array([_round_preserving_sum(row) for row in matrix], dtype=int).reshape(
        np.shape(matrix)
    )


def _calibrate(confident_joint, label_counts):
    """Rescale rows to ``label_counts`` and the total to ``label_counts.sum()``; round."""
    row_totals = np.clip(confident_joint.sum(axis=1), TINY, None)
    calibrated = (confident_joint.T / row_totals * label_counts).T
    calibrated = calibrated / np.clip(np.sum(calibrated), TINY, None) * np.sum(label_counts)
    return _round_preserving_row_totals(calibrated)


def calibrate_confident_joint(confident_joint, labels):
    """Rescale a confident joint into an estimate of the joint counts of given and true labels.

    Each row ``i`` is scaled to sum to the number of examples labelled ``i`` and the whole matrix
    to the number of examples, then rounded to integers preserving the row totals.

    Parameters
    ----------
    confident_joint : array-like of shape (K, K)
        Counts from :func:`compute_confident_joint` with ``calibrate=False``.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.

    Returns
    -------
    calibrated : ndarray of shape (K, K)
        Integer counts; ``calibrated.sum(axis=1) == np.bincount(labels, minlength=K)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import calibrate_confident_joint
    >>> calibrate_confident_joint(np.array([[2, 1], [0, 2]]), [0, 0, 0, 0, 0, 0, 1, 1])
    array([[4, 2],
           [0, 2]])
    """
    n_classes = len(np.asarray(confident_joint))
    confident_joint = check_confident_joint(confident_joint, n_classes)
    labels = check_labels(labels, len(np.asarray(labels)), n_classes, allow_one_class=True)
    return _calibrate(confident_joint, np.bincount(labels, minlength=n_classes))


def estimate_joint(labels, pred_probs, *, confident_joint=None, n_jobs=None):
    """Estimate the joint distribution ``P(given label=i, true label=j)``.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities. Not used if ``confident_joint`` is given.
    confident_joint : array-like of shape (K, K), default=None
        A confident joint to calibrate and normalise instead of computing one.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    joint : ndarray of shape (K, K)
        Sums to 1; row ``i`` sums to the fraction of examples labelled ``i``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import estimate_joint
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> estimate_joint(labels, pred_probs)
    array([[0.33333333, 0.16666667],
           [0.        , 0.5       ]])
    """
    if confident_joint is None:
        calibrated = compute_confident_joint(labels, pred_probs, calibrate=True, n_jobs=n_jobs)
    else:
        calibrated = calibrate_confident_joint(confident_joint, labels)
    return calibrated / np.clip(float(np.sum(calibrated)), TINY, None)


def estimate_latent(confident_joint, labels, *, py_method="cnt", converge_latent_estimates=False):
    """Estimate the latent prior and both noise matrices from a confident joint.

    Parameters
    ----------
    confident_joint : array-like of shape (K, K)
        Usually calibrated, from :func:`compute_confident_joint`.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    py_method : {'cnt', 'eqn', 'marginal', 'marginal_ps'}, default='cnt'
        How the latent prior is estimated; see
        :func:`sklearn_noisy.latent_algebra.compute_py`.
    converge_latent_estimates : bool, default=False
        Iterate the identities between the three estimates until they agree numerically.

    Returns
    -------
    py : ndarray of shape (K,)
        ``P(true label = k)``.
    noise_matrix : ndarray of shape (K, K)
        ``P(given label = i | true label = j)``; columns sum to 1.
    inverse_noise_matrix : ndarray of shape (K, K)
        ``P(true label = j | given label = i)`` at ``[j, i]``; columns sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import estimate_latent
    >>> py, noise_matrix, inverse = estimate_latent(np.array([[4, 2], [0, 2]]),
    ...                                             [0, 0, 0, 0, 0, 0, 1, 1])
    >>> noise_matrix
    array([[1. , 0.5],
           [0. , 0.5]])
    """
    n_classes = len(np.asarray(confident_joint))
    confident_joint = check_confident_joint(confident_joint, n_classes)
    labels = check_labels(labels, len(np.asarray(labels)), n_classes, allow_one_class=True)
    ps = np.bincount(labels, minlength=n_classes) / float(len(labels))
    given_counts = confident_joint.sum(axis=1).astype(float)
    true_counts = confident_joint.sum(axis=0).astype(float)
    noise_matrix = confident_joint / np.clip(true_counts, TINY, None)
    inverse_noise_matrix = confident_joint.T / np.clip(given_counts, TINY, None)
    py = latent_algebra.compute_py(
        ps,
        noise_matrix,
        inverse_noise_matrix,
        py_method=py_method,
        true_labels_class_counts=true_counts,
    )
    noise_matrix = latent_algebra.clip_noise_rates(noise_matrix)
    inverse_noise_matrix = latent_algebra.clip_noise_rates(inverse_noise_matrix)
    if converge_latent_estimates:
        py, noise_matrix, inverse_noise_matrix = _converge(ps, py, noise_matrix, inverse_noise_matrix)
        py = latent_algebra.clip_values(py, low=1e-5, high=1.0, new_sum=1.0)
        noise_matrix = latent_algebra.clip_noise_rates(noise_matrix)
        inverse_noise_matrix = latent_algebra.clip_noise_rates(inverse_noise_matrix)
    return py, noise_matrix, inverse_noise_matrix


def _converge(ps, py, noise_matrix, inverse_noise_matrix, *, outer=3, inner=5):
    """Alternately recompute py, P(y|s) and P(s|y) from each other so that they agree."""
    for _ in range(outer):
        for _ in range(inner):
            inverse_noise_matrix = latent_algebra.compute_inv_noise_matrix(
                py, noise_matrix, ps=ps
            )
            py = latent_algebra.compute_py(ps, noise_matrix, inverse_noise_matrix)
        noise_matrix = latent_algebra.compute_noise_matrix_from_inverse(
            ps, inverse_noise_matrix, py=py
        )
    return py, noise_matrix, inverse_noise_matrix


def estimate_py_and_noise_matrices_from_probabilities(
    labels,
    pred_probs,
    *,
    thresholds=None,
    converge_latent_estimates=True,
    py_method="cnt",
    calibrate=True,
    n_jobs=None,
):
    """Estimate the latent prior, the noise matrices and the confident joint in one call.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    thresholds : array-like of shape (K,), default=None
        See :func:`compute_confident_joint`.
    converge_latent_estimates : bool, default=True
        See :func:`estimate_latent`.
    py_method : {'cnt', 'eqn', 'marginal', 'marginal_ps'}, default='cnt'
        See :func:`estimate_latent`.
    calibrate : bool, default=True
        See :func:`compute_confident_joint`.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    py, noise_matrix, inverse_noise_matrix, confident_joint : tuple of ndarrays

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import estimate_py_and_noise_matrices_from_probabilities
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> py, nm, inv, cj = estimate_py_and_noise_matrices_from_probabilities(labels, pred_probs)
    >>> cj
    array([[2, 1],
           [0, 3]])
    """
    confident_joint = compute_confident_joint(
        labels, pred_probs, thresholds=thresholds, calibrate=calibrate, n_jobs=n_jobs
    )
    py, noise_matrix, inverse_noise_matrix = estimate_latent(
        confident_joint,
        labels,
        py_method=py_method,
        converge_latent_estimates=converge_latent_estimates,
    )
    return py, noise_matrix, inverse_noise_matrix, confident_joint


def _count_confident_off_diagonal(labels, pred_probs, n_jobs):
    """Examples counted off the confident joint's diagonal whose label is not (nearly) the argmax."""
    offsets, _, self_confidence = group_by_label(labels, pred_probs)
    thresholds = _thresholds_from_groups(offsets, self_confidence)
    _, guess, agrees = _confident_counts(
        labels, pred_probs, thresholds, multiple_confident="argmax",
        threshold_tolerance=1e-6, n_jobs=n_jobs,
    )
    return int(np.count_nonzero((guess >= 0) & (guess != labels) & ((agrees & 1) == 0)))


def num_label_issues(labels, pred_probs, *, confident_joint=None, estimation_method="off_diagonal",
                     n_jobs=None):
    """Estimate how many examples are mislabelled, without finding which.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    confident_joint : array-like of shape (K, K), default=None
        Needed by ``estimation_method='off_diagonal_custom'``.
    estimation_method : {'off_diagonal', 'off_diagonal_calibrated', 'off_diagonal_custom'}, \
            default='off_diagonal'
        ``'off_diagonal'`` counts the examples off the diagonal of the uncalibrated confident
        joint, leaving out those whose given label is (within 1e-6) the most likely class;
        ``'off_diagonal_calibrated'`` is ``n`` times the off-diagonal mass of the calibrated
        joint; ``'off_diagonal_custom'`` does the same with the given ``confident_joint``.
    n_jobs : int, default=None
        OpenMP threads; ``None`` uses all cores.

    Returns
    -------
    num_issues : int

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.count import num_label_issues
    >>> labels = np.array([0, 0, 0, 1, 1, 1])
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> num_label_issues(labels, pred_probs)
    1
    """
    check_option(estimation_method, "estimation_method", ESTIMATION_METHODS)
    labels, pred_probs = check_labels_and_pred_probs(labels, pred_probs, n_jobs=n_jobs)
    if estimation_method == "off_diagonal":
        return _count_confident_off_diagonal(labels, pred_probs, n_jobs)
    if estimation_method == "off_diagonal_calibrated":
        joint = estimate_joint(labels, pred_probs, n_jobs=n_jobs)
    else:
        if confident_joint is None:
            raise ValueError(
                "estimation_method='off_diagonal_custom' needs a confident_joint; pass one, or "
                "use 'off_diagonal' or 'off_diagonal_calibrated' to have it computed."
            )
        joint = estimate_joint(labels, pred_probs, confident_joint=confident_joint)
    return int(np.rint((1.0 - np.trace(joint)) * len(labels)))


def _check_n_splits(cv, labels):
    """Resolve ``cv`` and make sure every class has enough examples for its folds."""
    counts = np.bincount(labels)
    n_splits = cv.get_n_splits() if hasattr(cv, "get_n_splits") else None
    if isinstance(n_splits, int) and counts[counts > 0].min() < n_splits:
        k = int(np.flatnonzero(counts == counts[counts > 0].min())[0])
        raise ValueError(
            f"Class {k} has {counts[k]} example(s), fewer than the {n_splits} cross-validation "
            f"folds; every class needs at least one example per fold. Lower cv to at most "
            f"{counts[counts > 0].min()} or add examples of that class."
        )


def estimate_cv_predicted_probabilities(X, labels, clf=None, *, cv=5, random_state=None,
                                        n_jobs=None, fit_params=None):
    """Out-of-fold predicted probabilities of a clone of ``clf``, by cross-validation.

    Each example's probabilities come from a model that did not see it, which is what
    confident learning needs.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Features, in any format ``clf`` accepts.
    labels : array-like of shape (n_samples,)
        Given labels, integers in ``0..K-1``, every class present.
    clf : classifier, default=None
        Any scikit-learn classifier with ``predict_proba``; it is cloned, never fitted in
        place. ``None`` means ``LogisticRegression(max_iter=1000)``.
    cv : int or cross-validation splitter, default=5
        An int gives a shuffled ``StratifiedKFold``.
    random_state : int, RandomState or Generator instance, default=None
        Seeds the shuffling of the folds when ``cv`` is an int. ``None`` draws fresh
        randomness without touching numpy's global random state.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib).
    fit_params : dict, default=None
        Passed to ``clf.fit``.

    Returns
    -------
    pred_probs : ndarray of shape (n_samples, K)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy.count import estimate_cv_predicted_probabilities
    >>> X, y = load_iris(return_X_y=True)
    >>> estimate_cv_predicted_probabilities(X, y, random_state=0).shape
    (150, 3)
    """
    labels = np.asarray(labels)
    if labels.size == 0:
        raise ValueError("labels is empty (0 examples); pass at least one example per class.")
    n_classes = int(np.max(labels)) + 1 if np.issubdtype(labels.dtype, np.number) else 0
    labels = check_labels(labels, len(labels), max(n_classes, 1))
    missing = np.flatnonzero(np.bincount(labels, minlength=n_classes) == 0)
    if missing.size:
        raise ValueError(
            f"Class {missing[0]} has no examples; labels must use every class 0..{n_classes - 1} "
            "so that the columns of pred_probs index them. Re-encode the labels with "
            "sklearn.preprocessing.LabelEncoder."
        )
    clf = LogisticRegression(max_iter=1000) if clf is None else clf
    if not hasattr(clf, "predict_proba"):
        raise ValueError(f"clf must have a predict_proba method; {type(clf).__name__} does not.")
    if isinstance(cv, (int, np.integer)):
        if random_state is None:
            rng = np.random.RandomState()
        elif isinstance(random_state, np.random.Generator):
            rng = np.random.RandomState(random_state.integers(2**32))
        else:
            rng = check_random_state(random_state)
        cv = StratifiedKFold(n_splits=int(cv), shuffle=True, random_state=rng)
    else:
        cv = check_cv(cv, labels, classifier=is_classifier(clf))
    _check_n_splits(cv, labels)
    return cross_val_predict(
        clone(clf), X, labels, cv=cv, method="predict_proba", n_jobs=n_jobs,
        params=fit_params or None,
    )


def estimate_confident_joint_and_cv_pred_proba(X, labels, clf=None, *, cv=5, random_state=None,
                                                n_jobs=None, fit_params=None, thresholds=None,
                                                calibrate=True):
    """Cross-validate ``clf`` and count the confident joint of its out-of-fold probabilities.

    Parameters are those of :func:`estimate_cv_predicted_probabilities`, plus ``thresholds``
    and ``calibrate`` of :func:`compute_confident_joint`.

    Returns
    -------
    confident_joint : ndarray of shape (K, K)
    pred_probs : ndarray of shape (n_samples, K)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy.count import estimate_confident_joint_and_cv_pred_proba
    >>> X, y = load_iris(return_X_y=True)
    >>> cj, pred_probs = estimate_confident_joint_and_cv_pred_proba(X, y, random_state=0)
    >>> int(cj.sum())
    150
    """
    pred_probs = estimate_cv_predicted_probabilities(
        X, labels, clf, cv=cv, random_state=random_state, n_jobs=n_jobs, fit_params=fit_params
    )
    confident_joint = compute_confident_joint(
        labels, pred_probs, thresholds=thresholds, calibrate=calibrate
    )
    return confident_joint, pred_probs


def estimate_py_noise_matrices_and_cv_pred_proba(X, labels, clf=None, *, cv=5, random_state=None,
                                                 n_jobs=None, fit_params=None, thresholds=None,
                                                 converge_latent_estimates=False, py_method="cnt"):
    """Cross-validate ``clf``, then estimate the latent prior and the noise matrices.

    Parameters are those of :func:`estimate_confident_joint_and_cv_pred_proba`, plus
    ``converge_latent_estimates`` and ``py_method`` of :func:`estimate_latent`.

    Returns
    -------
    py, noise_matrix, inverse_noise_matrix, confident_joint, pred_probs : tuple of ndarrays

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_noisy.count import estimate_py_noise_matrices_and_cv_pred_proba
    >>> X, y = load_iris(return_X_y=True)
    >>> py, nm, inv, cj, pred_probs = estimate_py_noise_matrices_and_cv_pred_proba(
    ...     X, y, random_state=0)
    >>> nm.sum(axis=0)
    array([1., 1., 1.])
    """
    confident_joint, pred_probs = estimate_confident_joint_and_cv_pred_proba(
        X, labels, clf, cv=cv, random_state=random_state, n_jobs=n_jobs,
        fit_params=fit_params, thresholds=thresholds,
    )
    py, noise_matrix, inverse_noise_matrix = estimate_latent(
        confident_joint, labels, py_method=py_method,
        converge_latent_estimates=converge_latent_estimates,
    )
    return py, noise_matrix, inverse_noise_matrix, confident_joint, pred_probs
