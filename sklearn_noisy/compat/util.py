"""The public helpers of the classic ``cleanlab.util`` module.

``from cleanlab.util import X`` becomes ``from sklearn_noisy.compat.util import X``: counting
values, a confusion matrix, rounding that keeps totals, printing the noise matrices, and two
helpers of positive-unlabelled learning.
"""

import numpy as np

from .. import _engine, latent_algebra
from .._known_noise import remove_noise_from_class

__all__ = [
    "clip_noise_rates",
    "clip_values",
    "confusion_matrix",
    "estimate_pu_f1",
    "print_inverse_noise_matrix",
    "print_joint_matrix",
    "print_noise_matrix",
    "print_square_matrix",
    "remove_noise_from_class",
    "round_preserving_row_totals",
    "round_preserving_sum",
    "value_counts",
]

clip_noise_rates = latent_algebra.clip_noise_rates
clip_values = latent_algebra.clip_values


def value_counts(x, *, num_classes=None):
    """How often each distinct value occurs in ``x``, in the sorted order of the values.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
        Discrete values, for example class labels.
    num_classes : int, default=None
        For integer labels ``0..num_classes-1``: one count per class, 0 for a class absent
        from ``x``.

    Returns
    -------
    counts : ndarray of int

    Examples
    --------
    >>> from sklearn_noisy.compat.util import value_counts
    >>> value_counts(["dog", "cat", "dog"])
    array([1, 2])
    >>> value_counts([0, 0, 3], num_classes=4)
    array([2, 0, 0, 1])
    """
    values, counts = np.unique(np.asarray(x), return_counts=True)
    if num_classes is None:
        return counts
    if values.dtype.kind not in "iu" or values[0] < 0 or values[-1] >= num_classes:
        raise ValueError(f"With num_classes={num_classes}, x must hold integers "
                         f"0..{num_classes - 1}; found {values.tolist()!r}.")
    full = np.zeros(num_classes, dtype=int)
    full[values] = counts
    return full


def confusion_matrix(true, pred):
    """Counts of the pairs ``(true[i], pred[i])``: rows the distinct values of ``true``, columns
    those of ``pred``, both sorted.

    Parameters
    ----------
    true, pred : array-like of shape (n_samples,)

    Returns
    -------
    confusion : ndarray of float of shape (n_true_values, n_pred_values)

    Examples
    --------
    >>> from sklearn_noisy.compat.util import confusion_matrix
    >>> confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1])
    array([[1., 1.],
           [0., 2.]])
    """
    true, pred = np.asarray(true), np.asarray(pred)
    if true.shape != pred.shape or true.ndim != 1:
        raise ValueError(f"true and pred must be 1-D arrays of the same length, got shapes "
                         f"{true.shape} and {pred.shape}.")
    true_values, true_index = np.unique(true, return_inverse=True)
    pred_values, pred_index = np.unique(pred, return_inverse=True)
    confusion = np.zeros((len(true_values), len(pred_values)))
    np.add.at(confusion, (true_index, pred_index), 1)
    return confusion


def round_preserving_sum(iterable):
    """Round to integers so that the total is the rounded total of the input.

    The entries whose rounding moved them furthest from the needed direction move by one.

    Examples
    --------
    >>> from sklearn_noisy.compat.util import round_preserving_sum
    >>> round_preserving_sum([0.4, 0.4, 0.2])
    array([0, 1, 0])
    """
    return _engine.round_preserving_sum(iterable)


def round_preserving_row_totals(confident_joint):
    """Round each row of a float matrix to integers, preserving the row totals.

    Examples
    --------
    >>> from sklearn_noisy.compat.util import round_preserving_row_totals
    >>> round_preserving_row_totals([[0.5, 1.5], [2.6, 0.4]])
    array([[0, 2],
           [3, 0]])
    """
    matrix = np.asarray(confident_joint, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"confident_joint must be a 2-D array, got shape {matrix.shape}.")
    return _engine.round_preserving_row_totals(matrix)


def estimate_pu_f1(s, prob_s_eq_1):
    """Claesen's estimate of the F1 score in positive-unlabelled learning.

    With predictions ``prob_s_eq_1 >= 0.5``: ``recall ** 2 / (2 * P(predicted positive))``,
    the recall measured on the labelled positives (``s == 1``); NaN if nothing is predicted
    positive.

    Parameters
    ----------
    s : array-like of shape (n_samples,)
        1 for a labelled (positive) example, 0 for an unlabelled one.
    prob_s_eq_1 : array-like of shape (n_samples,)
        The predicted probability that each example is labelled.

    Returns
    -------
    f1 : float

    Examples
    --------
    >>> from sklearn_noisy.compat.util import estimate_pu_f1
    >>> estimate_pu_f1([1, 1, 0, 0], [0.9, 0.4, 0.8, 0.1])
    0.25
    """
    s = np.asarray(s)
    predicted = np.asarray(prob_s_eq_1) >= 0.5
    if s.shape != predicted.shape or s.ndim != 1:
        raise ValueError("s and prob_s_eq_1 must be 1-D arrays of the same length.")
    if not np.any(s == 1):
        raise ValueError("s has no labelled example (s == 1), so the recall is undefined.")
    recall = np.count_nonzero(predicted & (s == 1)) / np.count_nonzero(s == 1)
    frac_positive = np.count_nonzero(predicted) / len(s)
    return float(recall**2 / (2.0 * frac_positive)) if frac_positive else np.nan


def print_square_matrix(matrix, left_name="s", top_name="y", title=" A square matrix",
                        short_title="s,y", round_places=2):
    """Print a square matrix with named rows and columns, and its trace.

    Parameters
    ----------
    matrix : array-like of shape (K, K)
    left_name, top_name : str, default='s' and 'y'
        The variable of the rows and of the columns.
    title : str
        A line printed above the matrix.
    short_title : str
        Printed in the corner (its first 6 characters).
    round_places : int, default=2
        Decimals shown.

    Examples
    --------
    >>> from sklearn_noisy.compat.util import print_square_matrix
    >>> print_square_matrix([[0.8, 0.3], [0.2, 0.7]], title="P(s|y)")
    <BLANKLINE>
    P(s|y) of shape (2, 2)
    s,y    y=0  y=1
    s=0 |  0.8  0.3
    s=1 |  0.2  0.7
    Trace(matrix) = 1.5
    <BLANKLINE>
    """
    matrix = np.atleast_2d(np.asarray(matrix, dtype=float))
    cells = [[f"{value:g}" for value in row] for row in matrix.round(round_places)]
    width = max([len(cell) for row in cells for cell in row]
                + [len(f"{top_name}={matrix.shape[1] - 1}"), 4])
    row_names = [f"{left_name}={i}" for i in range(matrix.shape[0])]
    corner = max(len(short_title[:6]), max(map(len, row_names))) + 2
    print()
    print(f"{title} of shape {matrix.shape}")
    print(short_title[:6].ljust(corner)
          + "".join(f" {f'{top_name}={j}':>{width}}" for j in range(matrix.shape[1])))
    for name, row in zip(row_names, cells):
        print(f"{name:<{corner - 2}} |" + "".join(f" {cell:>{width}}" for cell in row))
    print(f"Trace(matrix) = {np.round(np.trace(matrix), round_places):g}")
    print()


def print_noise_matrix(noise_matrix, round_places=2):
    """Print the noise matrix ``P(s|y)`` (rows: given label ``s``, columns: true label ``y``).

    Examples
    --------
    >>> from sklearn_noisy.compat.util import print_noise_matrix
    >>> print_noise_matrix([[0.8, 0.3], [0.2, 0.7]])
    <BLANKLINE>
     Noise Matrix (aka Noisy Channel) P(s|y) of shape (2, 2)
    p(s|y)    y=0  y=1
    s=0    |  0.8  0.3
    s=1    |  0.2  0.7
    Trace(matrix) = 1.5
    <BLANKLINE>
    """
    print_square_matrix(noise_matrix, title=" Noise Matrix (aka Noisy Channel) P(s|y)",
                        short_title="p(s|y)", round_places=round_places)


def print_inverse_noise_matrix(inverse_noise_matrix, round_places=2):
    """Print the inverse noise matrix ``P(y|s)`` (rows: true label, columns: given label).

    Examples
    --------
    >>> from sklearn_noisy.compat.util import print_inverse_noise_matrix
    >>> print_inverse_noise_matrix([[0.9, 0.25], [0.1, 0.75]])
    <BLANKLINE>
     Inverse Noise Matrix P(y|s) of shape (2, 2)
    p(y|s)    s=0  s=1
    y=0    |  0.9 0.25
    y=1    |  0.1 0.75
    Trace(matrix) = 1.65
    <BLANKLINE>
    """
    print_square_matrix(inverse_noise_matrix, left_name="y", top_name="s",
                        title=" Inverse Noise Matrix P(y|s)", short_title="p(y|s)",
                        round_places=round_places)


def print_joint_matrix(joint_matrix, round_places=2):
    """Print the joint ``P(s, y)`` (rows: given label, columns: true label).

    Examples
    --------
    >>> from sklearn_noisy.compat.util import print_joint_matrix
    >>> print_joint_matrix([[0.42, 0.12], [0.08, 0.38]], round_places=1)
    <BLANKLINE>
     Joint Label Noise Distribution Matrix P(s,y) of shape (2, 2)
    p(s,y)    y=0  y=1
    s=0    |  0.4  0.1
    s=1    |  0.1  0.4
    Trace(matrix) = 0.8
    <BLANKLINE>
    """
    print_square_matrix(joint_matrix, title=" Joint Label Noise Distribution Matrix P(s,y)",
                        short_title="p(s,y)", round_places=round_places)
