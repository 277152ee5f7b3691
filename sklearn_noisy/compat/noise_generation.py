"""The classic ``cleanlab.noise_generation`` names, with ``seed`` for randomness.

``from cleanlab.noise_generation import X`` becomes
``from sklearn_noisy.compat.noise_generation import X``. The classic functions drew from
numpy's global random state; these take a ``seed`` (``random_state``) instead, and never touch
the global state.
"""

import warnings

import numpy as np

from .. import noise_generation
from .._cv import fold_seed

__all__ = [
    "generate_n_rand_probabilities_that_sum_to_m",
    "generate_noise_matrix",
    "generate_noise_matrix_from_trace",
    "generate_noisy_labels",
    "noise_matrix_is_valid",
    "randomly_distribute_N_balls_into_K_bins",
]

_CLASSIC_TRACE_BOUNDS = {"max_trace_prob": 1.0, "min_trace_prob": 1e-5,
                         "max_noise_rate": 1 - 1e-5, "min_noise_rate": 0.0}


def generate_noise_matrix_from_trace(K, trace, max_trace_prob=1.0, min_trace_prob=1e-5,
                                     max_noise_rate=1 - 1e-5, min_noise_rate=0.0,
                                     valid_noise_matrix=True, py=None,
                                     frac_zero_noise_rates=0.0, seed=0, max_iter=10000):
    """Classic name of :func:`sklearn_noisy.noise_generation.generate_noise_matrix_from_trace`.

    ``seed`` is ``random_state`` (0 by default, as in the classic package). The bounds on the
    diagonal entries and the noise rates are accepted at their classic defaults only. Raises
    a ValueError where the classic function returned None.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import generate_noise_matrix_from_trace
    >>> noise_matrix = generate_noise_matrix_from_trace(3, 2.4, py=[0.2, 0.3, 0.5])
    >>> float(np.trace(noise_matrix))
    2.4
    """
    given = {"max_trace_prob": max_trace_prob, "min_trace_prob": min_trace_prob,
             "max_noise_rate": max_noise_rate, "min_noise_rate": min_noise_rate}
    changed = [name for name, value in given.items() if value != _CLASSIC_TRACE_BOUNDS[name]]
    if changed:
        raise ValueError(f"{', '.join(changed)} other than the classic default is not "
                         f"supported; leave them out.")
    return noise_generation.generate_noise_matrix_from_trace(
        K, trace, py=py, valid_noise_matrix=valid_noise_matrix,
        frac_zero_noise_rates=frac_zero_noise_rates, random_state=seed, max_iter=max_iter,
    )


def noise_matrix_is_valid(noise_matrix, py, verbose=False):
    """Classic name of :func:`sklearn_noisy.noise_generation.noise_matrix_is_valid`.

    ``verbose`` is accepted and unused: nothing is printed.

    Examples
    --------
    >>> from sklearn_noisy.compat import noise_matrix_is_valid
    >>> noise_matrix_is_valid([[0.8, 0.3], [0.2, 0.7]], [0.5, 0.5])
    True
    """
    del verbose
    return noise_generation.noise_matrix_is_valid(noise_matrix, py)


def generate_noisy_labels(y, noise_matrix, verbose=False, *, seed=None):
    """Classic name of :func:`sklearn_noisy.noise_generation.generate_noisy_labels`.

    ``y`` is ``true_labels``; ``seed`` is ``random_state``. ``verbose`` is accepted and unused.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.compat import generate_noisy_labels
    >>> noisy = generate_noisy_labels(np.repeat([0, 1], 10), [[0.8, 0.3], [0.2, 0.7]], seed=0)
    >>> int((noisy != np.repeat([0, 1], 10)).sum())
    5
    """
    del verbose
    return noise_generation.generate_noisy_labels(y, noise_matrix, random_state=seed)


def generate_n_rand_probabilities_that_sum_to_m(n, m, max_prob=1.0, min_prob=0.0, *,
                                                seed=None):
    """Classic name of
    :func:`sklearn_noisy.noise_generation.generate_n_rand_probabilities_that_sum_to_m`.

    Examples
    --------
    >>> from sklearn_noisy.compat import generate_n_rand_probabilities_that_sum_to_m
    >>> float(generate_n_rand_probabilities_that_sum_to_m(3, 1.5, 0.8, seed=0).sum())
    1.5
    """
    return noise_generation.generate_n_rand_probabilities_that_sum_to_m(
        n, m, max_prob=max_prob, min_prob=min_prob, random_state=seed
    )


def randomly_distribute_N_balls_into_K_bins(N, K, max_balls_per_bin=None,
                                            min_balls_per_bin=None, *, seed=None):
    """Classic name of
    :func:`sklearn_noisy.noise_generation.randomly_distribute_N_balls_into_K_bins`.

    Examples
    --------
    >>> from sklearn_noisy.compat import randomly_distribute_N_balls_into_K_bins
    >>> int(randomly_distribute_N_balls_into_K_bins(10, 4, 3, seed=0).sum())
    10
    """
    return noise_generation.randomly_distribute_N_balls_into_K_bins(
        N, K, max_balls_per_bin=max_balls_per_bin, min_balls_per_bin=min_balls_per_bin,
        random_state=seed,
    )


def generate_noise_matrix(K, max_noise_rate=1.0, frac_zero_noise_rates=0.0, verbose=False, *,
                          seed=None):
    """A random noise matrix without a chosen trace; deprecated in the classic package already.

    Warns with a ``DeprecationWarning``: use :func:`generate_noise_matrix_from_trace`.

    Each noise rate is drawn uniformly from ``[0, max_noise_rate)`` and rounded to two
    decimals; in each column, randomly chosen rates are set to 0 until the rates sum to less
    than 1; then each entry is set to 0 with probability ``frac_zero_noise_rates``. The
    diagonal takes what each column needs to sum to 1.

    Parameters
    ----------
    K : int
        Number of classes, at least 2.
    max_noise_rate : float in [0, 1], default=1.0
    frac_zero_noise_rates : float in [0, 1], default=0.0
    verbose : bool, default=False
        Print the average of the diagonal.
    seed : int, RandomState instance or None, default=None
        Seeds the draw; numpy's global random state is neither used nor changed.

    Returns
    -------
    noise_matrix : ndarray of shape (K, K)
        Columns sum to 1.

    Examples
    --------
    >>> import warnings
    >>> from sklearn_noisy.compat import generate_noise_matrix
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     noise_matrix = generate_noise_matrix(3, max_noise_rate=0.4, seed=0)
    >>> noise_matrix.sum(axis=0)
    array([1., 1., 1.])
    """
    warnings.warn("generate_noise_matrix is deprecated (as in the classic package); use "
                  "generate_noise_matrix_from_trace.", DeprecationWarning, stacklevel=2)
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 2:
        raise ValueError(f"K must be an integer of at least 2, got {K!r}.")
    for value, name in ((max_noise_rate, "max_noise_rate"),
                        (frac_zero_noise_rates, "frac_zero_noise_rates")):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must lie in [0, 1], got {value!r}.")
    rng = fold_seed(seed)
    noise_matrix = (rng.random_sample((K, K)) * max_noise_rate).round(2)
    np.fill_diagonal(noise_matrix, 0.0)
    for column in noise_matrix.T:  # views: the matrix changes in place
        while column.sum() >= 1:
            column[rng.choice(np.flatnonzero(column))] = 0.0
    noise_matrix[rng.random_sample((K, K)) < frac_zero_noise_rates] = 0.0
    np.fill_diagonal(noise_matrix, 0.0)
    np.fill_diagonal(noise_matrix, 1 - noise_matrix.sum(axis=0))
    if verbose:
        print("Average trace of noise matrix is", np.trace(noise_matrix) / K)
    return noise_matrix
