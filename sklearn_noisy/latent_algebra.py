"""Identities between the noisy prior, the latent prior and the noise matrices.

Notation: ``s`` is the given (noisy) label and ``y`` the latent true label.

* ``ps[k] = P(s=k)``, the prior of the given labels;
* ``py[k] = P(y=k)``, the latent prior;
* ``noise_matrix[i, j] = P(s=i | y=j)`` (columns sum to 1);
* ``inverse_noise_matrix[j, i] = P(y=j | s=i)`` (columns sum to 1).

They are tied by ``P(s=i, y=j) = noise_matrix[i, j] * py[j] = inverse_noise_matrix[j, i] * ps[i]``.
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

    ``new_sum`` defaults to the sum before clipping.

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
    """Return ``P(y|s)`` from ``py = P(y)`` and ``noise_matrix = P(s|y)``.

    ``ps`` defaults to the noisy prior implied by the two, ``noise_matrix @ py``.

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
    """Return ``P(s|y)`` from ``ps = P(s)`` and ``inverse_noise_matrix = P(y|s)``.

    ``py`` defaults to the latent prior implied by the two.

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
