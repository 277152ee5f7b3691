"""The classic ``cleanlab.baseline_methods``: simpler ways to find label errors, for comparison.

``from cleanlab.baseline_methods import X`` becomes
``from sklearn_noisy.compat.baseline_methods import X``. Note the classic argument order,
``(psx, s)``.
"""

import numpy as np

from .. import count
from .._validation import check_labels_and_pred_probs
from .pruning import get_noise_indices

__all__ = [
    "baseline_argmax",
    "baseline_argmax_calibrated_confusion_matrix",
    "baseline_argmax_confusion_matrix",
]


def baseline_argmax(psx, s):
    """Flag every example whose most likely class is not its given label.

    ``filter_by='predicted_neq_given'`` of :func:`sklearn_noisy.filter.find_label_issues`,
    except that ties go to the first class, as ``numpy.argmax`` breaks them.

    Parameters
    ----------
    psx : array-like of shape (n_samples, K)
        Out-of-sample predicted probabilities.
    s : array-like of shape (n_samples,)
        Given labels.

    Returns
    -------
    label_errors : ndarray of bool of shape (n_samples,)

    Examples
    --------
    >>> from sklearn_noisy.compat.baseline_methods import baseline_argmax
    >>> baseline_argmax([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]], [0, 0, 1])
    array([False,  True,  True])
    """
    s, psx = check_labels_and_pred_probs(s, psx, allow_one_class=True)
    return np.argmax(psx, axis=1) != s


def baseline_argmax_confusion_matrix(psx, s, calibrate=False,
                                     prune_method="prune_by_noise_rate"):
    """Confident learning with the confusion matrix of ``argmax(psx)`` as the confident joint.

    The counts of (given label, most likely class) replace the confident joint (calibrated
    to the label counts if ``calibrate``), then :func:`~sklearn_noisy.compat.pruning.get_noise_indices`
    prunes with them (keeping the classic 5 examples per class).

    Parameters
    ----------
    psx : array-like of shape (n_samples, K)
    s : array-like of shape (n_samples,)
    calibrate : bool, default=False
    prune_method : str, default='prune_by_noise_rate'

    Returns
    -------
    label_errors : ndarray of bool of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat.baseline_methods import baseline_argmax_confusion_matrix
    >>> s = np.repeat([0, 1], 10)
    >>> psx = np.where(s[:, None] == [0, 1], 0.8, 0.2)
    >>> psx[[0, 1]] = [0.3, 0.7]
    >>> np.flatnonzero(baseline_argmax_confusion_matrix(psx, s))
    array([0, 1])
    """
    s, psx = check_labels_and_pred_probs(s, psx)
    n_classes = psx.shape[1]
    pairs = s * n_classes + np.argmax(psx, axis=1)
    confident_joint = np.bincount(pairs, minlength=n_classes**2).reshape(n_classes, n_classes)
    if calibrate:
        confident_joint = count.calibrate_confident_joint(confident_joint, s)
    return get_noise_indices(s, psx, confident_joint=confident_joint, prune_method=prune_method)


def baseline_argmax_calibrated_confusion_matrix(psx, s, prune_method="prune_by_noise_rate"):
    """:func:`baseline_argmax_confusion_matrix` with the confusion matrix calibrated.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat.baseline_methods import (
    ...     baseline_argmax_calibrated_confusion_matrix)
    >>> s = np.repeat([0, 1], 10)
    >>> psx = np.where(s[:, None] == [0, 1], 0.8, 0.2)
    >>> psx[[0, 1]] = [0.3, 0.7]
    >>> np.flatnonzero(baseline_argmax_calibrated_confusion_matrix(psx, s))
    array([0, 1])
    """
    return baseline_argmax_confusion_matrix(psx, s, calibrate=True, prune_method=prune_method)
