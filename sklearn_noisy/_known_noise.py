"""Noise matrices known in advance: checked, then completed by the latent algebra.

The estimators' ``fit`` takes ``noise_matrix`` (``P(given | true)``) and/or
``inverse_noise_matrix`` (``P(true | given)``) to use instead of the estimates: the missing
one and the prior of the true labels follow from the identities of
:mod:`sklearn_noisy.latent_algebra`. The label issues are still found from the confident joint
of the predicted probabilities, as the reference does.
"""

import numpy as np

from . import latent_algebra

#: How far from 1 a column of a given noise matrix may sum.
COLUMN_SUM_TOLERANCE = 1e-6

_MEANING = {
    "noise_matrix": "P(given label = i | true label = j) at [i, j]",
    "inverse_noise_matrix": "P(true label = j | given label = i) at [j, i]",
}


def check_noise_matrix(matrix, name, classes):
    """A copy of ``matrix`` as a float (K, K) array, or a ValueError that says how to fix it.

    ``name`` is 'noise_matrix' or 'inverse_noise_matrix'; ``classes`` (the sorted class labels)
    fixes K and names the order of the rows and columns in the messages.
    """
    n_classes = len(classes)
    try:
        matrix = np.array(matrix, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a ({n_classes}, {n_classes}) array of "
                         f"probabilities, got {type(matrix).__name__}.") from None
    if matrix.shape != (n_classes, n_classes):
        raise ValueError(
            f"{name} has shape {matrix.shape}, expected ({n_classes}, {n_classes}): one row "
            f"and one column per class, in the order of the sorted class labels "
            f"{list(classes)!r}."
        )
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0) or np.any(matrix > 1):
        raise ValueError(f"{name} must hold probabilities in [0, 1] ({_MEANING[name]}).")
    column_sums = matrix.sum(axis=0)
    if np.any(np.abs(column_sums - 1) > COLUMN_SUM_TOLERANCE):
        raise ValueError(
            f"The columns of {name} must sum to 1 ({_MEANING[name]}), but they sum to "
            f"{np.round(column_sums, 6).tolist()}. If its rows sum to 1, pass its transpose."
        )
    trace = float(np.trace(matrix))
    if trace <= 1:
        raise ValueError(
            f"{name} has trace {trace:.4g}, but confident learning needs a trace above 1 (each "
            f"class must be labelled correctly more often than it would be by chance). Check "
            f"the orientation ({_MEANING[name]}) and the order of the classes "
            f"{list(classes)!r}, or leave {name}=None to estimate it."
        )
    return matrix


def remove_noise_from_class(noise_matrix, class_without_noise):
    """The noise matrix if no example of another class is given the label ``class_without_noise``.

    Its row off the diagonal is set to 0 and each diagonal entry takes what its column needs
    to sum to 1 again (positive-unlabelled learning).

    Parameters
    ----------
    noise_matrix : ndarray of shape (K, K)
        ``P(given label = i | true label = j)`` at ``[i, j]``.
    class_without_noise : int
        The index of the class.

    Returns
    -------
    noise_matrix : ndarray of shape (K, K)
        A new matrix.
    """
    matrix = np.array(noise_matrix, dtype=float)
    others = np.arange(len(matrix)) != class_without_noise
    matrix[class_without_noise, others] = 0.0
    np.fill_diagonal(matrix, 1 - (matrix.sum(axis=0) - np.diagonal(matrix)))
    return matrix


def complete_latent(label_counts, *, noise_matrix=None, inverse_noise_matrix=None, clean=None):
    """``(py, noise_matrix, inverse_noise_matrix)`` from the given matrix or matrices.

    With only ``noise_matrix``, ``P(y)`` solves ``P(s) = P(s|y) P(y)`` and Bayes' rule gives
    the inverse; with ``inverse_noise_matrix``, ``P(y) = P(y|s) P(s)`` and Bayes' rule gives the
    noise matrix if it is missing. Given matrices are returned as they are, except that
    ``clean`` (the index of a class with no label errors, binary targets only) zeroes the noise
    toward it, as for estimated matrices.
    """
    ps = label_counts / float(np.sum(label_counts))
    if inverse_noise_matrix is None:
        py, inverse_noise_matrix = latent_algebra.compute_py_inv_noise_matrix(ps, noise_matrix)
    else:
        if noise_matrix is None:
            noise_matrix = latent_algebra.compute_noise_matrix_from_inverse(
                ps, inverse_noise_matrix
            )
        py = latent_algebra.compute_py(ps, noise_matrix, inverse_noise_matrix,
                                       py_method="marginal_ps")
    if clean is not None:
        # No example of the other class is labelled clean: P(s=clean | y=other) = 0 and
        # P(y=other | s=clean) = 0.
        noise_matrix = remove_noise_from_class(noise_matrix, clean)
        inverse_noise_matrix = remove_noise_from_class(inverse_noise_matrix, 1 - clean)
    return py, noise_matrix, inverse_noise_matrix
