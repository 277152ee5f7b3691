"""Datasets with known label noise, made locally (never downloaded), for the demo, docs and tests.

Both functions return the same four things, ``(X, true_labels, noisy_labels, noise_matrix)``,
where ``noise_matrix[i, j] = P(noisy label = i | true label = j)`` is the matrix the noisy labels
were drawn from, and ``noise`` is the average over the classes of ``P(noisy != true | true)``,
that is ``1 - trace(noise_matrix) / K``.
"""

import numbers

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.utils import check_random_state, check_scalar

from .noise_generation import generate_noise_matrix_from_trace, generate_noisy_labels


def _own_random_state(random_state):
    """``check_random_state``, except that None gives a fresh generator, not numpy's global one."""
    return np.random.RandomState() if random_state is None else check_random_state(random_state)


def _check_noise(noise, n_classes):
    highest = 1 - 1 / n_classes
    if (not isinstance(noise, numbers.Real) or isinstance(noise, bool)
            or not 0 <= noise < highest):
        raise ValueError(
            f"noise must be a number in [0, {highest:.3g}) for {n_classes} classes, got "
            f"{noise!r}: at 1 - 1/K or more, the noisy labels no longer tell the true classes "
            "apart."
        )
    return float(noise)


def _add_noise(true_labels, n_classes, noise, frac_zero_noise_rates, rng):
    """Draw a valid noise matrix of trace ``K * (1 - noise)`` and noisy labels that follow it."""
    if noise == 0:
        return true_labels.copy(), np.eye(n_classes)
    py = np.bincount(true_labels, minlength=n_classes) / len(true_labels)
    noise_matrix = generate_noise_matrix_from_trace(
        n_classes, n_classes * (1 - noise), py=py, valid_noise_matrix=True,
        frac_zero_noise_rates=frac_zero_noise_rates, random_state=rng,
    )
    return generate_noisy_labels(true_labels, noise_matrix, random_state=rng), noise_matrix


def make_noisy_classification(n_samples=1000, n_features=10, *, n_classes=3, noise=0.2,
                              n_informative=None, class_sep=1.0, weights=None,
                              frac_zero_noise_rates=0.0, random_state=None):
    """Generate a classification problem whose labels carry known class-conditional noise.

    The features and true labels come from
    :func:`sklearn.datasets.make_classification` with ``flip_y=0`` (so the only label noise is
    the one added here), one cluster per class and no redundant features. A random noise
    matrix valid for the class prior (see
    :func:`sklearn_noisy.noise_generation.noise_matrix_is_valid`) is then drawn, and the noisy
    labels follow it exactly (up to rounding) within each true class.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of examples.
    n_features : int, default=10
        Number of features.
    n_classes : int, default=3
        Number of classes, at least 2.
    noise : float in [0, 1 - 1/n_classes), default=0.2
        Average fraction of wrong labels per true class, ``1 - trace(noise_matrix) / K``.
        ``0`` gives clean labels and the identity matrix.
    n_informative : int, default=None
        Informative features; ``None`` makes every feature informative.
    class_sep : float, default=1.0
        Separation of the classes; smaller is harder.
    weights : array-like of shape (n_classes,), default=None
        Proportions of the true classes; ``None`` balances them.
    frac_zero_noise_rates : float in [0, 1], default=0.0
        Fraction of the off-diagonal entries of the noise matrix that are exactly zero.
    random_state : int, RandomState instance or None, default=None
        Seeds everything; numpy's global random state is neither used nor changed.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features.
    true_labels : ndarray of shape (n_samples,)
        Clean labels in ``0..n_classes-1``.
    noisy_labels : ndarray of shape (n_samples,)
        The labels with noise: what a dataset would give you.
    noise_matrix : ndarray of shape (n_classes, n_classes)
        ``P(noisy label = i | true label = j)`` at ``[i, j]``; columns sum to 1.

    See Also
    --------
    load_noisy_digits : The same for scikit-learn's bundled digits.
    sklearn_noisy.noise_generation.generate_noise_matrix_from_trace : Draws the noise matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.datasets import make_noisy_classification
    >>> X, true_labels, noisy_labels, noise_matrix = make_noisy_classification(
    ...     n_samples=300, n_classes=3, noise=0.2, random_state=0)
    >>> X.shape
    (300, 10)
    >>> float(np.trace(noise_matrix))
    2.4
    >>> round(float(np.mean(noisy_labels != true_labels)), 2)
    0.2
    """
    rng = _own_random_state(random_state)
    check_scalar(n_classes, "n_classes", numbers.Integral, min_val=2)
    noise = _check_noise(noise, n_classes)
    X, true_labels = make_classification(
        n_samples=n_samples, n_features=n_features,
        n_informative=n_features if n_informative is None else n_informative,
        n_redundant=0, n_repeated=0, n_classes=n_classes, n_clusters_per_class=1,
        weights=weights, flip_y=0, class_sep=class_sep, random_state=rng,
    )
    noisy_labels, noise_matrix = _add_noise(true_labels, n_classes, noise,
                                            frac_zero_noise_rates, rng)
    return X, true_labels, noisy_labels, noise_matrix


def load_noisy_digits(*, noise=0.2, n_class=10, frac_zero_noise_rates=0.0, random_state=None):
    """Load scikit-learn's bundled digits with known class-conditional label noise.

    The 8x8 images of handwritten digits ship with scikit-learn, so nothing is downloaded.
    A random noise matrix valid for the class prior is drawn and the noisy labels follow it
    exactly (up to rounding) within each true class.

    Parameters
    ----------
    noise : float in [0, 1 - 1/n_class), default=0.2
        Average fraction of wrong labels per true class, ``1 - trace(noise_matrix) / K``.
    n_class : int in [2, 10], default=10
        Keep the digits ``0..n_class-1``, as in :func:`sklearn.datasets.load_digits`.
    frac_zero_noise_rates : float in [0, 1], default=0.0
        Fraction of the off-diagonal entries of the noise matrix that are exactly zero.
    random_state : int, RandomState instance or None, default=None
        Seeds the noise; numpy's global random state is neither used nor changed.

    Returns
    -------
    X : ndarray of shape (n_samples, 64)
        Pixel intensities 0..16; ``X.reshape(-1, 8, 8)`` gives the images.
    true_labels : ndarray of shape (n_samples,)
        The digit each image shows.
    noisy_labels : ndarray of shape (n_samples,)
        The labels with noise.
    noise_matrix : ndarray of shape (n_class, n_class)
        ``P(noisy label = i | true label = j)`` at ``[i, j]``; columns sum to 1.

    See Also
    --------
    make_noisy_classification : The same for a generated problem of any size.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.datasets import load_noisy_digits
    >>> X, true_labels, noisy_labels, noise_matrix = load_noisy_digits(noise=0.1,
    ...                                                                random_state=0)
    >>> X.shape, noise_matrix.shape
    ((1797, 64), (10, 10))
    >>> round(float(np.mean(noisy_labels != true_labels)), 2)
    0.1
    """
    rng = _own_random_state(random_state)
    check_scalar(n_class, "n_class", numbers.Integral, min_val=2, max_val=10)
    noise = _check_noise(noise, n_class)
    X, true_labels = load_digits(n_class=n_class, return_X_y=True)
    noisy_labels, noise_matrix = _add_noise(true_labels, n_class, noise, frac_zero_noise_rates,
                                            rng)
    return X, true_labels, noisy_labels, noise_matrix
