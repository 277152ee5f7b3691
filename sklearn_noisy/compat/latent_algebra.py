"""The classic ``cleanlab.latent_algebra`` names, with their classic parameter names.

``from cleanlab.latent_algebra import X`` becomes
``from sklearn_noisy.compat.latent_algebra import X``. Optional arguments may be passed by
position, and the classic names of the arguments (``s``, ``psx``, ``y_count``) are accepted.
"""

from .. import latent_algebra

__all__ = [
    "compute_inv_noise_matrix",
    "compute_noise_matrix_from_inverse",
    "compute_ps_py_inv_noise_matrix",
    "compute_py",
    "compute_py_inv_noise_matrix",
    "compute_pyx",
]

compute_py_inv_noise_matrix = latent_algebra.compute_py_inv_noise_matrix


def compute_ps_py_inv_noise_matrix(s, noise_matrix):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_ps_py_inv_noise_matrix`.

    ``s`` is ``labels``.

    Examples
    --------
    >>> from sklearn_noisy.compat import compute_ps_py_inv_noise_matrix
    >>> ps, py, inverse = compute_ps_py_inv_noise_matrix(s=[0, 0, 0, 1, 1],
    ...                                                  noise_matrix=[[0.8, 0.4], [0.2, 0.6]])
    >>> py
    array([0.5, 0.5])
    """
    return latent_algebra.compute_ps_py_inv_noise_matrix(s, noise_matrix)


def compute_inv_noise_matrix(py, noise_matrix, ps=None):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_inv_noise_matrix`.

    Examples
    --------
    >>> from sklearn_noisy.compat import compute_inv_noise_matrix
    >>> compute_inv_noise_matrix([0.5, 0.5], [[0.8, 0.4], [0.2, 0.6]])
    array([[0.66666667, 0.25      ],
           [0.33333333, 0.75      ]])
    """
    return latent_algebra.compute_inv_noise_matrix(py, noise_matrix, ps=ps)


def compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=None):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_noise_matrix_from_inverse`.

    Examples
    --------
    >>> from sklearn_noisy.compat import compute_noise_matrix_from_inverse
    >>> compute_noise_matrix_from_inverse([0.6, 0.4], [[2 / 3, 0.25], [1 / 3, 0.75]])
    array([[0.8, 0.4],
           [0.2, 0.6]])
    """
    return latent_algebra.compute_noise_matrix_from_inverse(ps, inverse_noise_matrix, py=py)


def compute_py(ps, noise_matrix, inverse_noise_matrix, py_method="cnt", y_count=None, *,
               true_labels_class_counts=None):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_py`.

    ``y_count`` (the classic name) and ``true_labels_class_counts`` (cleanlab 2's) are the
    same argument: the number of examples counted into each true class, which
    ``py_method='marginal'`` needs. Pass at most one of them.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import compute_py
    >>> compute_py(np.array([0.6, 0.4]), np.array([[0.8, 0.4], [0.2, 0.6]]),
    ...            np.array([[2 / 3, 0.25], [1 / 3, 0.75]]), "eqn")
    array([0.5, 0.5])
    >>> compute_py(np.array([0.6, 0.4]), None, None, "marginal", y_count=np.array([30, 10]))
    array([0.75, 0.25])
    """
    if y_count is not None and true_labels_class_counts is not None:
        raise ValueError("y_count and true_labels_class_counts are two names of the same "
                         "argument; pass only one of them.")
    counts = true_labels_class_counts if y_count is None else y_count
    return latent_algebra.compute_py(ps, noise_matrix, inverse_noise_matrix,
                                     py_method=py_method, true_labels_class_counts=counts)


def compute_pyx(psx, noise_matrix, inverse_noise_matrix):
    """Classic name of :func:`sklearn_noisy.latent_algebra.compute_pyx`.

    ``psx`` is ``pred_probs``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import compute_pyx
    >>> noise = np.array([[0.8, 0.4], [0.2, 0.6]])
    >>> inverse = np.array([[2 / 3, 0.25], [1 / 3, 0.75]])
    >>> compute_pyx(psx=np.array([[0.9, 0.1]]), noise_matrix=noise,
    ...             inverse_noise_matrix=inverse)
    array([[0.85714286, 0.14285714]])
    """
    return latent_algebra.compute_pyx(psx, noise_matrix, inverse_noise_matrix)
