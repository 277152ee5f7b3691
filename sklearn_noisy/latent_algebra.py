"""Identities between the noisy prior, the latent prior and the noise matrices.

Notation: ``s`` is the given (noisy) label and ``y`` the latent true label.

* ``ps[k] = P(s=k)``, the prior of the given labels;
* ``py[k] = P(y=k)``, the latent prior;
* ``noise_matrix[i, j] = P(s=i | y=j)`` (columns sum to 1);
* ``inverse_noise_matrix[j, i] = P(y=j | s=i)`` (columns sum to 1).

They are tied by ``P(s=i, y=j) = noise_matrix[i, j] * py[j] = inverse_noise_matrix[j, i] * ps[i]``.
Each function computes one of them from others; with exact inputs the outputs are exact, except
that estimated priors are clipped to at least 1e-6 and noise rates to at most 0.9999 (see
:func:`clip_noise_rates`), which keeps estimates from noisy data usable.

The functions agree with the reference implementation, cleanlab 2.9.0
(``cleanlab.internal.latent_algebra``).
"""

import numpy as np

#: Smallest value a prior probability is clipped to.
PRIOR_FLOOR = 1e-6
#: Largest value an off-diagonal noise rate is clipped to.
NOISE_RATE_CEILING = 0.9999
#: Guards divisions by counts that may be zero.
TINY = 1e-100

PY_METHODS = ("cnt", "eqn", "marginal", "marginal_ps")


def clip_noise_rates(noise_matrix):
    """Clip the off-diagonal rates to [0, 0.9999], keep the diagonal, renormalise columns.

    Parameters
    ----------
    noise_matrix : ndarray of shape (K, K)
        A column-stochastic matrix such as ``P(s|y)`` or ``P(y|s)``.

    Returns
    -------
    clipped : ndarray of shape (K, K)
        A new matrix whose columns sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import clip_noise_rates
    >>> clip_noise_rates(np.array([[0.9, -0.1], [0.1, 1.1]]))
    array([[0.9, 0. ],
           [0.1, 1. ]])
    """
    noise_matrix = np.asarray(noise_matrix, dtype=float)
    diagonal = np.diagonal(noise_matrix).copy()
    clipped = np.clip(noise_matrix, 0, NOISE_RATE_CEILING)
    np.fill_diagonal(clipped, diagonal)
    return clipped / np.clip(clipped.sum(axis=0), TINY, None)


def clip_values(values, low=0.0, high=1.0, new_sum=None):
    """Clip ``values`` to ``[low, high]`` and rescale them to sum to ``new_sum``.

    Parameters
    ----------
    values : array-like of shape (n,)
    low, high : float, default=0.0 and 1.0
        Clipping bounds (applied before the rescaling, which may move values past them).
    new_sum : float, default=None
        The sum after rescaling; defaults to the sum before clipping.

    Returns
    -------
    clipped : ndarray of shape (n,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import clip_values
    >>> clip_values(np.array([-0.5, 0.5, 1.0]), low=0.0, high=1.0, new_sum=1.0)
    array([0.        , 0.33333333, 0.66666667])
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {values.shape}.")
    total = np.sum(values) if new_sum is None else new_sum
    clipped = np.clip(values, low, high)
    return clipped * total / np.clip(np.sum(clipped), TINY, None)


def compute_inv_noise_matrix(py, noise_matrix, *, ps=None):
    """Return ``P(y|s)`` from ``py = P(y)`` and ``noise_matrix = P(s|y)``, by Bayes' rule.

    Parameters
    ----------
    py : array-like of shape (K,)
        The latent prior ``P(y)``.
    noise_matrix : array-like of shape (K, K)
        ``P(s=i | y=j)`` at ``[i, j]``.
    ps : array-like of shape (K,), default=None
        The noisy prior; defaults to the one implied by the two, ``noise_matrix @ py``.

    Returns
    -------
    inverse_noise_matrix : ndarray of shape (K, K)
        ``P(y=j | s=i)`` at ``[j, i]``, noise rates clipped as by :func:`clip_noise_rates`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import compute_inv_noise_matrix
    >>> compute_inv_noise_matrix(np.array([0.5, 0.5]), np.array([[0.8, 0.4], [0.2, 0.6]]))
    array([[0.66666667, 0.25      ],
           [0.33333333, 0.75      ]])
    """
    joint = np.asarray(noise_matrix, dtype=float) * np.asarray(py, dtype=float)
    ps = joint.sum(axis=1) if ps is None else ps
    return clip_noise_rates(joint.T / np.clip(ps, TINY, None))


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, *, py=None):
    """Return ``P(s|y)`` from ``ps = P(s)`` and ``inverse_noise_matrix = P(y|s)``, by Bayes' rule.

    Parameters
    ----------
    ps : array-like of shape (K,)
        The noisy prior ``P(s)``.
    inverse_noise_matrix : array-like of shape (K, K)
        ``P(y=j | s=i)`` at ``[j, i]``.
    py : array-like of shape (K,), default=None
        The latent prior; defaults to the one implied by the two,
        ``inverse_noise_matrix @ ps``.

    Returns
    -------
    noise_matrix : ndarray of shape (K, K)
        ``P(s=i | y=j)`` at ``[i, j]``, noise rates clipped as by :func:`clip_noise_rates`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import compute_noise_matrix_from_inverse
    >>> inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    >>> compute_noise_matrix_from_inverse(np.array([0.6, 0.4]), inverse)
    array([[0.8, 0.4],
           [0.2, 0.6]])
    """
    joint = (np.asarray(inverse_noise_matrix, dtype=float) * np.asarray(ps, dtype=float)).T
    py = joint.sum(axis=0) if py is None else py
    return clip_noise_rates(joint / np.clip(py, TINY, None))


def compute_py(ps, noise_matrix, inverse_noise_matrix, *, py_method="cnt",
               true_labels_class_counts=None):
    """Estimate the latent prior ``P(y)``.

    Parameters
    ----------
    ps : ndarray of shape (K,)
        The prior of the given labels, ``P(s)``.
    noise_matrix : ndarray of shape (K, K)
        ``P(s|y)``.
    inverse_noise_matrix : ndarray of shape (K, K)
        ``P(y|s)``.
    py_method : {'cnt', 'eqn', 'marginal', 'marginal_ps'}, default='cnt'
        ``'cnt'`` uses only the diagonals, ``P(y=k|s=k) / P(s=k|y=k) * P(s=k)``, and is robust
        to poorly estimated off-diagonals; ``'eqn'`` solves ``P(s) = P(s|y) P(y)``;
        ``'marginal'`` normalises ``true_labels_class_counts``; ``'marginal_ps'`` is
        ``P(y|s) P(s)``.
    true_labels_class_counts : ndarray of shape (K,), optional
        Counts of examples per latent class, required by ``'marginal'``.

    Returns
    -------
    py : ndarray of shape (K,)
        Clipped to at least 1e-6 and normalised to sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import compute_py
    >>> noise = np.array([[0.8, 0.4], [0.2, 0.6]])
    >>> inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    >>> compute_py(np.array([0.6, 0.4]), noise, inverse)
    array([0.5, 0.5])
    """
    if py_method == "cnt":
        py = (
            np.diagonal(inverse_noise_matrix)
            / np.clip(np.diagonal(noise_matrix), TINY, None)
            * ps
        )
    elif py_method == "eqn":
        py = np.linalg.inv(noise_matrix).dot(ps)
    elif py_method == "marginal":
        if true_labels_class_counts is None:
            raise ValueError("py_method='marginal' needs true_labels_class_counts.")
        counts = np.asarray(true_labels_class_counts, dtype=float)
        py = counts / np.clip(float(np.sum(counts)), TINY, None)
    elif py_method == "marginal_ps":
        py = np.dot(inverse_noise_matrix, ps)
    else:
        choices = ", ".join(repr(m) for m in PY_METHODS)
        raise ValueError(f"py_method={py_method!r} is not supported; choose one of {choices}.")
    return clip_values(py, low=PRIOR_FLOOR, high=1.0, new_sum=1.0)


def _check_matrix(matrix, name, n_classes=None):
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be a square (K, K) array, got shape {matrix.shape}.")
    if n_classes is not None and matrix.shape[0] != n_classes:
        raise ValueError(f"{name} has shape {matrix.shape}, expected ({n_classes}, {n_classes}).")
    return matrix


def compute_ps_py_inv_noise_matrix(labels, noise_matrix):
    """Return ``P(s)``, ``P(y)`` and ``P(y|s)`` from the given labels and ``P(s|y)``.

    ``P(s)`` is the fraction of each class among ``labels``; the rest is
    :func:`compute_py_inv_noise_matrix`.

    Parameters
    ----------
    labels : array-like of int of shape (n_samples,)
        Given (noisy) labels in ``0..K-1``.
    noise_matrix : array-like of shape (K, K)
        ``P(s=i | y=j)`` at ``[i, j]``.

    Returns
    -------
    ps : ndarray of shape (K,)
        The noisy prior; 0 for a class that no label has.
    py : ndarray of shape (K,)
        The latent prior.
    inverse_noise_matrix : ndarray of shape (K, K)
        ``P(y=j | s=i)`` at ``[j, i]``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import compute_ps_py_inv_noise_matrix
    >>> labels = np.array([0, 0, 0, 1, 1])
    >>> ps, py, inverse = compute_ps_py_inv_noise_matrix(labels, [[0.8, 0.4], [0.2, 0.6]])
    >>> ps, py
    (array([0.6, 0.4]), array([0.5, 0.5]))
    """
    noise_matrix = _check_matrix(noise_matrix, "noise_matrix")
    n_classes = noise_matrix.shape[0]
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError("labels must be a non-empty 1-D array of integers 0..K-1.")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(f"labels must lie in 0..{n_classes - 1} (one class per row of "
                         f"noise_matrix), found values from {labels.min()} to {labels.max()}.")
    ps = np.bincount(labels, minlength=n_classes) / float(labels.size)
    py, inverse_noise_matrix = compute_py_inv_noise_matrix(ps, noise_matrix)
    return ps, py, inverse_noise_matrix


def compute_py_inv_noise_matrix(ps, noise_matrix):
    """Return ``P(y)`` and ``P(y|s)`` from ``ps = P(s)`` and ``noise_matrix = P(s|y)``.

    ``P(y)`` solves ``P(s) = P(s|y) P(y)``; it is clipped to at least 1e-6 and normalised to
    sum to 1. ``P(y|s)`` then follows by Bayes' rule (:func:`compute_inv_noise_matrix`).

    Parameters
    ----------
    ps : array-like of shape (K,)
        The noisy prior ``P(s)``.
    noise_matrix : array-like of shape (K, K)
        ``P(s=i | y=j)`` at ``[i, j]``; must be invertible.

    Returns
    -------
    py : ndarray of shape (K,)
        The latent prior.
    inverse_noise_matrix : ndarray of shape (K, K)
        ``P(y=j | s=i)`` at ``[j, i]``.

    Raises
    ------
    ValueError
        If ``noise_matrix`` is singular: then ``P(s)`` does not determine ``P(y)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import compute_py_inv_noise_matrix
    >>> py, inverse = compute_py_inv_noise_matrix([0.6, 0.4], [[0.8, 0.4], [0.2, 0.6]])
    >>> py
    array([0.5, 0.5])
    >>> inverse
    array([[0.66666667, 0.25      ],
           [0.33333333, 0.75      ]])
    """
    noise_matrix = _check_matrix(noise_matrix, "noise_matrix")
    ps = np.asarray(ps, dtype=float)
    if ps.shape != (noise_matrix.shape[0],):
        raise ValueError(f"ps must have shape ({noise_matrix.shape[0]},) to match noise_matrix, "
                         f"got {ps.shape}.")
    try:
        py = np.linalg.solve(noise_matrix, ps)
    except np.linalg.LinAlgError:
        raise ValueError(
            "noise_matrix is singular, so P(s) = P(s|y) P(y) does not determine P(y); "
            "estimate P(y) another way (compute_py with py_method='cnt')."
        ) from None
    py = clip_values(py, low=PRIOR_FLOOR, high=1.0, new_sum=1.0)
    return py, compute_inv_noise_matrix(py, noise_matrix, ps=ps)


def compute_pyx(pred_probs, noise_matrix, inverse_noise_matrix):
    """Turn predicted probabilities of the given label into probabilities of the true label.

    Each column ``k`` of ``pred_probs = P(s=k | x)`` is multiplied by
    ``P(y=k | s=k) / P(s=k | y=k)``, then each row is clipped to ``[0, 1]`` and normalised to
    sum to 1. Only the diagonals of the noise matrices are used, which are the entries that
    confident learning estimates best.

    Parameters
    ----------
    pred_probs : array-like of shape (n_samples, K)
        Predicted probabilities of the given labels, ``P(s=k | x)``.
    noise_matrix : array-like of shape (K, K)
        ``P(s=i | y=j)`` at ``[i, j]``.
    inverse_noise_matrix : array-like of shape (K, K)
        ``P(y=j | s=i)`` at ``[j, i]``.

    Returns
    -------
    pyx : ndarray of shape (n_samples, K)
        ``P(y=k | x)``; rows sum to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.latent_algebra import compute_pyx
    >>> noise = np.array([[0.8, 0.4], [0.2, 0.6]])
    >>> inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    >>> compute_pyx(np.array([[0.9, 0.1], [0.3, 0.7]]), noise, inverse)
    array([[0.85714286, 0.14285714],
           [0.22222222, 0.77777778]])
    """
    pred_probs = np.asarray(pred_probs)
    if pred_probs.ndim != 2:
        raise ValueError(f"pred_probs must be a 2-D array of shape (n_samples, K), got shape "
                         f"{pred_probs.shape}.")
    n_classes = pred_probs.shape[1]
    noise_matrix = _check_matrix(noise_matrix, "noise_matrix", n_classes)
    inverse_noise_matrix = _check_matrix(inverse_noise_matrix, "inverse_noise_matrix", n_classes)
    weights = np.diagonal(inverse_noise_matrix) / np.clip(np.diagonal(noise_matrix), TINY, None)
    pyx = np.clip(pred_probs * weights, 0.0, 1.0)
    return pyx / np.clip(pyx.sum(axis=1, keepdims=True), TINY, None)
