"""Synthetic label noise: noise matrices with a chosen trace, and noisy labels drawn from them.

A noise matrix ``noise_matrix[i, j] = P(s=i | y=j)`` says which fraction of the examples of true
class ``j`` carry the given (noisy) label ``i``; its columns sum to 1 and its trace measures how
much of the labelling is right. These functions make such matrices at random, check whether
learning is possible under them, and corrupt clean labels so that the corruption follows a
matrix exactly. They are meant for benchmarks and tests of confident learning.

Every random function takes ``random_state`` (an int, a :class:`numpy.random.Generator` or a
:class:`numpy.random.RandomState`); ``None`` draws fresh randomness. None of them uses or changes
numpy's global random state.
"""

import numbers

import numpy as np
from scipy import optimize, sparse

#: Tolerance for "sums to 1" and "sums to m", as in the reference implementation.
SUM_TOLERANCE = 1e-6


def _as_generator(random_state):
    """Return a :class:`numpy.random.Generator` for ``random_state``, never the global one.

    A ``RandomState`` seeds a new Generator with one draw from it, so that passing the same
    ``RandomState`` twice gives different (but reproducible) results, as it would in numpy.
    """
    if random_state is None or isinstance(random_state, (numbers.Integral, np.integer)):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    raise ValueError(
        f"random_state must be None, an int, a numpy.random.Generator or a "
        f"numpy.random.RandomState, got {random_state!r}."
    )


#: The largest count numpy's integer arrays and random draws can hold.
_MAX_COUNT = np.iinfo(np.int64).max


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}.")  # noqa: TRY004
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    if value > _MAX_COUNT:
        raise ValueError(f"{name} must be at most 2**63 - 1 = {_MAX_COUNT}, got {value}.")
    return int(value)


def _check_fraction(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}.")
    return float(value)


def _check_square_matrix(matrix, name):
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 1:
        raise ValueError(f"{name} must be a square 2-D array of shape (K, K), got shape "
                         f"{matrix.shape}.")
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return matrix


def _check_prior(py, n_classes):
    py = np.asarray(py, dtype=float)
    if py.shape != (n_classes,):
        raise ValueError(f"py must be a 1-D array of K={n_classes} class priors, got shape "
                         f"{py.shape}.")
    if not np.all(np.isfinite(py)):
        raise ValueError("py contains NaN or infinite values.")
    return py


def noise_matrix_is_valid(noise_matrix, py):
    """Tell whether learning is possible under a noise matrix and a prior of the true labels.

    A noise matrix is *valid* when, for every class ``k``, the given and the true label agree
    more often than they would by chance::

        P(s=k) * P(y=k) < P(s=k, y=k),  that is  P(s=k) < P(s=k | y=k),

    where ``P(s=k) = sum_j noise_matrix[k, j] * py[j]``. This is the notion of the reference
    implementation (cleanlab's ``benchmarking.noise_generation``). It needs ``trace > 1`` and a
    prior with no zero. The matrix must also be a noise matrix: entries in ``[0, 1]``, columns
    summing to 1, and ``py`` a distribution (sums within 1e-6); otherwise the answer is False.

    Parameters
    ----------
    noise_matrix : array-like of shape (K, K)
        ``noise_matrix[i, j] = P(s=i | y=j)``.
    py : array-like of shape (K,)
        ``py[j] = P(y=j)``, the prior of the true labels.

    Returns
    -------
    is_valid : bool

    Raises
    ------
    ValueError
        If the shapes do not match or a value is NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.noise_generation import noise_matrix_is_valid
    >>> py = np.array([0.5, 0.5])
    >>> noise_matrix_is_valid(np.array([[0.8, 0.3], [0.2, 0.7]]), py)
    True
    >>> noise_matrix_is_valid(np.array([[0.4, 0.7], [0.6, 0.3]]), py)
    False
    """
    noise_matrix = _check_square_matrix(noise_matrix, "noise_matrix")
    py = _check_prior(py, noise_matrix.shape[0])
    if np.any(noise_matrix < 0) or np.any(noise_matrix > 1) or np.any(py < 0):
        return False
    if np.any(np.abs(noise_matrix.sum(axis=0) - 1) > SUM_TOLERANCE):
        return False
    if abs(py.sum() - 1) > SUM_TOLERANCE:
        return False
    ps = noise_matrix @ py
    return bool(np.all(ps * py < np.diagonal(noise_matrix) * py))


def generate_n_rand_probabilities_that_sum_to_m(n, m, *, max_prob=1.0, min_prob=0.0,
                                                random_state=None):
    """Draw ``n`` random numbers in ``[min_prob, max_prob]`` that sum to ``m``.

    The numbers are ``min_prob`` plus a uniform draw from the simplex scaled to the remaining
    mass; if one of them exceeds ``max_prob``, all are pulled toward their common mean
    ``m / n`` by a random amount that brings the largest below ``max_prob``.

    Parameters
    ----------
    n : int
        How many numbers, at least 0.
    m : float
        Their sum.
    max_prob, min_prob : float, default=1.0 and 0.0
        Bounds of every number.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the draw.

    Returns
    -------
    values : ndarray of shape (n,)

    Raises
    ------
    ValueError
        If ``n * min_prob <= m <= n * max_prob`` does not hold (within 1e-6): no such numbers
        exist.

    Examples
    --------
    >>> from sklearn_noisy.noise_generation import generate_n_rand_probabilities_that_sum_to_m
    >>> values = generate_n_rand_probabilities_that_sum_to_m(4, 2.0, max_prob=0.6,
    ...                                                      random_state=0)
    >>> float(values.sum()), bool(values.max() <= 0.6)
    (2.0, True)
    """
    n = _check_int(n, "n", 0)
    for value, name in ((m, "m"), (max_prob, "max_prob"), (min_prob, "min_prob")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}.")
    if min_prob > max_prob:
        raise ValueError(f"min_prob={min_prob} is larger than max_prob={max_prob}.")
    if not n * min_prob - SUM_TOLERANCE <= m <= n * max_prob + SUM_TOLERANCE:
        raise ValueError(
            f"{n} numbers in [{min_prob}, {max_prob}] cannot sum to m={m}: m must lie in "
            f"[n * min_prob, n * max_prob] = [{n * min_prob}, {n * max_prob}]."
        )
    if n == 0:
        return np.zeros(0)
    return _random_values_summing_to(n, m, min_prob, max_prob, _as_generator(random_state))


def _random_values_summing_to(n, total, low, high, rng):
    """``n`` random values in ``[low, high]`` with sum ``total``; strictly below ``high``
    whenever ``total < n * high``."""
    total = min(max(total, n * low), n * high)
    mean = total / n
    values = low + max(total - n * low, 0.0) * rng.dirichlet(np.ones(n))
    largest = values.max()
    if largest > high or (largest == high and mean < high):
        # Shrink toward the mean (which is within bounds) just enough, times a random factor.
        shrink = (high - mean) / (largest - mean) * rng.random()
        values = mean + shrink * (values - mean)
    return np.clip(values, low, high)


def randomly_distribute_N_balls_into_K_bins(N, K, *, max_balls_per_bin=None,
                                            min_balls_per_bin=None, random_state=None):
    """Put ``N`` balls into ``K`` bins at random, within per-bin bounds.

    Each bin first gets ``min_balls_per_bin`` balls; the others are thrown uniformly at the bins
    that still have room.

    Parameters
    ----------
    N : int
        Number of balls, at least 0.
    K : int
        Number of bins, at least 1.
    max_balls_per_bin : int, default=None
        No bin gets more; ``None`` means no bound.
    min_balls_per_bin : int, default=None
        Every bin gets at least this many; ``None`` means 0.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the draw.

    Returns
    -------
    counts : ndarray of int of shape (K,)
        Sums to exactly ``N``.

    Raises
    ------
    ValueError
        If the bounds make it impossible (``K * min > N`` or ``K * max < N``).

    Examples
    --------
    >>> from sklearn_noisy.noise_generation import randomly_distribute_N_balls_into_K_bins
    >>> counts = randomly_distribute_N_balls_into_K_bins(10, 4, max_balls_per_bin=3,
    ...                                                  random_state=0)
    >>> int(counts.sum()), int(counts.max()) <= 3
    (10, True)
    """
    N = _check_int(N, "N", 0)
    K = _check_int(K, "K", 1)
    high = N if max_balls_per_bin is None else _check_int(max_balls_per_bin,
                                                          "max_balls_per_bin", 0)
    low = 0 if min_balls_per_bin is None else _check_int(min_balls_per_bin,
                                                         "min_balls_per_bin", 0)
    if K * low > N or K * high < N:
        raise ValueError(
            f"{N} balls cannot go into {K} bins with between {low} and {high} balls each: "
            f"N must lie in [K * min_balls_per_bin, K * max_balls_per_bin] = "
            f"[{K * low}, {K * high}]."
        )
    rng = _as_generator(random_state)
    counts = np.full(K, low, dtype=int)
    remaining = N - K * low
    while remaining > 0:
        room = high - counts
        open_bins = (room > 0).astype(float)
        thrown = rng.multinomial(remaining, open_bins / open_bins.sum())
        placed = np.minimum(thrown, room)
        counts += placed
        remaining -= int(placed.sum())
    return counts


def _check_trace(trace, n_classes):
    if isinstance(trace, bool) or not isinstance(trace, numbers.Real) or not np.isfinite(trace):
        raise ValueError(f"trace must be a finite number, got {trace!r}.")
    if not 0 <= trace <= n_classes:
        raise ValueError(f"trace must lie in [0, K] = [0, {n_classes}] (the diagonal holds K "
                         f"probabilities), got {trace}.")
    return float(trace)


def _number_of_noiseless_columns(n_classes, trace, n_zeros, valid):
    """How many columns must have a diagonal of exactly 1 to hold ``n_zeros`` zero rates.

    A column with diagonal 1 has ``K - 1`` zero noise rates; any other column needs at least one
    non-zero rate to sum to 1, so it has at most ``K - 2``. Raises ValueError if no number of
    such columns fits ``trace``.
    """
    k = n_classes
    fewest = max(0, n_zeros - k * (k - 2))
    most = n_zeros // (k - 1)
    if trace == k:
        # Only the identity has trace K: every noise rate is zero, whatever was asked.
        return k
    # Columns with a diagonal below 1: the rest of the trace must fit in them, strictly
    # positive if the matrix must be valid.
    most = min(most, int(np.ceil(trace)) - 1 if valid else int(np.floor(trace)), k - 1)
    if fewest > most:
        raise ValueError(
            f"frac_zero_noise_rates asks for {n_zeros} of the {k * (k - 1)} noise rates to be "
            f"zero, which needs at least {fewest} columns without noise (diagonal 1), but "
            f"trace={trace} allows at most {max(most, 0)}. Lower frac_zero_noise_rates or "
            f"raise the trace."
        )
    return fewest


def _draw_noise_matrix(n_classes, trace, n_zeros, n_noiseless, rng):
    """One random noise matrix with the given trace and number of zero noise rates."""
    k = n_classes
    noise_matrix = np.zeros((k, k))
    noiseless = np.zeros(k, dtype=bool)
    noiseless[rng.choice(k, n_noiseless, replace=False)] = True
    noisy_columns = np.flatnonzero(~noiseless)
    diagonal = np.ones(k)
    if noisy_columns.size:
        diagonal[noisy_columns] = _random_values_summing_to(
            noisy_columns.size, trace - n_noiseless, 0.0, 1.0, rng
        )
    np.fill_diagonal(noise_matrix, diagonal)
    if not noisy_columns.size:
        return noise_matrix
    zeros_per_column = randomly_distribute_N_balls_into_K_bins(
        n_zeros - n_noiseless * (k - 1), noisy_columns.size, max_balls_per_bin=k - 2,
        random_state=rng,
    )
    for column, n_column_zeros in zip(noisy_columns, zeros_per_column):
        others = np.delete(np.arange(k), column)
        rows = rng.choice(others, k - 1 - n_column_zeros, replace=False)
        noise_matrix[rows, column] = (1 - diagonal[column]) * rng.dirichlet(np.ones(rows.size))
    return noise_matrix


def _widest_margin_matrix(noise_matrix, py):
    """The valid matrix with the trace and zeros of ``noise_matrix`` that is furthest inside.

    A small linear program over the diagonal entries below 1 and the non-zero off-diagonal
    entries: maximise ``margin`` such that the trace and the column sums stay as they are,
    every such entry is at least ``margin``, and every row ``k`` receives noise
    ``sum_{j != k} noise[k, j] * py[j]`` at least ``margin`` below its room
    ``noise[k, k] * (1 - py[k])``. Returns None if the margin is not positive, that is if no
    valid matrix has these zeros and this trace.
    """
    k = noise_matrix.shape[0]
    diagonal = np.diagonal(noise_matrix)
    free = np.flatnonzero(diagonal < 1)
    rows, columns = np.nonzero(noise_matrix * (1 - np.eye(k)))
    n_entries, n_free = rows.size, free.size
    # Variables: entry - margin (n_entries), free diagonal entries (n_free), margin.
    entry_vars = np.arange(n_entries)
    diag_vars = n_entries + np.arange(n_free)
    margin_var = n_entries + n_free
    n_vars = margin_var + 1
    diag_var_of = np.full(k, -1)
    diag_var_of[free] = diag_vars

    def matrix(row_index, col_index, values, n_rows):
        return sparse.csr_array((values, (row_index, col_index)), shape=(n_rows, n_vars))

    entries_per_column = np.bincount(columns, minlength=k)
    # Columns sum to 1 (free columns), and the free diagonal entries sum to the same trace.
    equalities = matrix(
        np.concatenate([np.searchsorted(free, columns), np.arange(n_free), np.arange(n_free),
                        np.full(n_free, n_free)]),
        np.concatenate([entry_vars, diag_vars, np.full(n_free, margin_var), diag_vars]),
        np.concatenate([np.ones(n_entries), np.ones(n_free), entries_per_column[free],
                        np.ones(n_free)]),
        n_free + 1,
    )
    equality_bounds = np.append(np.ones(n_free), np.sum(diagonal[free]))
    # Row loads, margin below the room; free diagonal entries at least the margin.
    load_per_row = np.bincount(rows, weights=py[columns], minlength=k)
    inequalities = matrix(
        np.concatenate([rows, np.arange(k), free, k + np.arange(n_free), k + np.arange(n_free)]),
        np.concatenate([entry_vars, np.full(k, margin_var), diag_var_of[free],
                        diag_vars, np.full(n_free, margin_var)]),
        np.concatenate([py[columns], load_per_row + 1, -(1 - py[free]), -np.ones(n_free),
                        np.ones(n_free)]),
        k + n_free,
    )
    inequality_bounds = np.concatenate([np.where(diagonal < 1, 0, 1 - py), np.zeros(n_free)])
    objective = np.zeros(n_vars)
    objective[margin_var] = -1
    result = optimize.linprog(
        objective, A_ub=inequalities, b_ub=inequality_bounds, A_eq=equalities,
        b_eq=equality_bounds, bounds=[(0, None)] * n_entries + [(0, 1)] * n_free + [(-1, 1)],
        method="highs",
    )
    if result.status != 0 or result.x[margin_var] <= 0:
        return None
    margin = result.x[margin_var]
    # Remove the solver's tolerance-sized errors from the trace and the column sums.
    free_diagonal = np.clip(result.x[diag_vars], 0, 1)
    free_diagonal *= np.sum(diagonal[free]) / free_diagonal.sum()
    widest = np.diag(diagonal)
    widest[free, free] = free_diagonal
    widest[rows, columns] = np.clip(result.x[entry_vars] + margin, 0, None)
    off_diagonal = widest.sum(axis=0) - np.diagonal(widest)
    scale = np.divide(1 - np.diagonal(widest), off_diagonal, out=np.zeros(k),
                      where=off_diagonal > 0)
    widest *= np.where(np.eye(k, dtype=bool), 1, scale)
    return widest


def _slack(noise_matrix, py):
    """Per row, the room for noise minus the noise received; all positive iff valid."""
    diagonal = np.diagonal(noise_matrix)
    return diagonal * (1 - py) - (noise_matrix @ py - diagonal * py)


def _make_valid(noise_matrix, py):
    """Move an invalid ``noise_matrix`` toward :func:`_widest_margin_matrix` just far enough
    to make it valid; its trace, column sums and zeros do not change. None if impossible."""
    slack = _slack(noise_matrix, py)
    if np.all(slack > 0):
        return noise_matrix
    widest = _widest_margin_matrix(noise_matrix, py)
    if widest is None:
        return None
    # The slack is linear along the segment; find where the last row gets a positive one.
    short = slack <= 0
    widest_slack = _slack(widest, py)[short]
    needed = np.max(-slack[short] / (widest_slack - slack[short]))
    # A little further than needed, so that rounding errors cannot undo the validity.
    step = needed + 0.01 * (1 - needed)
    return (1 - step) * noise_matrix + step * widest


def number_of_zero_noise_rates(K, frac_zero_noise_rates):
    """How many of the ``K * (K - 1)`` noise rates ``frac_zero_noise_rates`` asks to be zero.

    The fraction of the off-diagonal entries, rounded down, as in the reference
    implementation; with two classes, one zero for a fraction of at least 0.5 (a second zero
    would leave no noise at all) and none below.

    Parameters
    ----------
    K : int
        Number of classes, at least 2.
    frac_zero_noise_rates : float in [0, 1]

    Returns
    -------
    n_zeros : int

    Examples
    --------
    >>> from sklearn_noisy.noise_generation import number_of_zero_noise_rates
    >>> number_of_zero_noise_rates(3, 0.75), number_of_zero_noise_rates(2, 0.75)
    (4, 1)
    """
    K = _check_int(K, "K", 2)
    frac_zero_noise_rates = _check_fraction(frac_zero_noise_rates, "frac_zero_noise_rates")
    if K == 2:
        return int(frac_zero_noise_rates >= 0.5)
    # The product in the reference's order, so that the floor agrees on every float.
    return int(np.floor(K * (K - 1) * frac_zero_noise_rates))


def generate_noise_matrix_from_trace(K, trace, *, py=None, valid_noise_matrix=True,
                                     frac_zero_noise_rates=0.0, random_state=None,
                                     max_iter=10000):
    """Draw a random ``K x K`` noise matrix ``P(s|y)`` with a given trace.

    The diagonal is a random split of ``trace`` into ``K`` values in ``[0, 1]``; the rest of
    each column (``1 - diagonal``) is split at random among some of the other rows.
    ``frac_zero_noise_rates`` of the ``K * (K - 1)`` off-diagonal entries are exactly zero.
    With ``valid_noise_matrix=True`` the matrix is also valid for ``py`` in the sense of
    :func:`noise_matrix_is_valid`: an invalid candidate is moved, along a straight line and
    only as far as needed, toward the valid matrix with the same trace and zeros that lies
    furthest inside the valid set (a small linear program); if there is none, another
    candidate (with other zeros) is drawn. Without zero noise rates every candidate with
    ``trace > 1`` can be made valid, so the first draw succeeds.

    Parameters
    ----------
    K : int
        Number of classes, at least 2.
    trace : float
        Sum of the diagonal, in ``[0, K]``; above 1 if the matrix must be valid.
    py : array-like of shape (K,), default=None
        Prior of the true labels. Required when ``valid_noise_matrix=True`` and ``K > 2`` (with
        two classes every matrix with ``trace > 1`` is valid for any prior without zeros).
    valid_noise_matrix : bool, default=True
        Return only a matrix under which learning is possible (see
        :func:`noise_matrix_is_valid`).
    frac_zero_noise_rates : float in [0, 1], default=0.0
        Fraction of the off-diagonal entries that are zero: exactly
        ``floor(K * (K - 1) * frac_zero_noise_rates)`` of them, and for ``K = 2`` one zero
        when the fraction is at least 0.5 (see :func:`number_of_zero_noise_rates`). A column
        without noise
        (diagonal 1) has ``K - 1`` zeros and any other column at most ``K - 2``, so a high
        fraction needs columns without noise and hence a high enough trace.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the draw. numpy's global random state is neither used nor changed.
    max_iter : int, default=10000
        How many candidates to draw at most when the matrix must be valid.

    Returns
    -------
    noise_matrix : ndarray of shape (K, K)
        Columns sum to 1 and the diagonal sums to ``trace`` (up to rounding errors).

    Raises
    ------
    ValueError
        If no such matrix exists (trace outside ``[0, K]``, ``trace <= 1`` for a valid matrix,
        or a fraction of zeros that the trace cannot accommodate), if ``py`` is missing or is
        not a distribution without zeros, or if no valid matrix was found in ``max_iter``
        draws.

    See Also
    --------
    generate_noisy_labels : Corrupts labels according to a noise matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.noise_generation import (
    ...     generate_noise_matrix_from_trace, noise_matrix_is_valid)
    >>> py = np.array([0.2, 0.3, 0.5])
    >>> nm = generate_noise_matrix_from_trace(3, 2.1, py=py, frac_zero_noise_rates=0.5,
    ...                                       random_state=0)
    >>> float(np.trace(nm)), nm.sum(axis=0)
    (2.1, array([1., 1., 1.]))
    >>> int(np.sum(nm == 0)), noise_matrix_is_valid(nm, py)
    (3, True)
    """
    K = _check_int(K, "K", 2)
    trace = _check_trace(trace, K)
    frac_zero_noise_rates = _check_fraction(frac_zero_noise_rates, "frac_zero_noise_rates")
    max_iter = _check_int(max_iter, "max_iter", 1)
    if valid_noise_matrix and trace <= 1:
        raise ValueError(
            f"trace={trace}: a valid noise matrix needs trace > 1 (summed over the classes, "
            f"P(s=k|y=k) > P(s=k) gives trace > 1). Raise the trace or pass "
            f"valid_noise_matrix=False."
        )
    if py is not None:
        py = _check_prior(py, K)
        if np.any(py < 0) or abs(py.sum() - 1) > SUM_TOLERANCE:
            raise ValueError("py must be a probability distribution: non-negative, summing to 1.")
    if valid_noise_matrix:
        if py is None:
            if K > 2:
                raise ValueError(
                    "py (the prior of the true labels) is required to make a valid noise "
                    "matrix with more than two classes; pass py or valid_noise_matrix=False."
                )
            py = np.full(K, 1 / K)
        if np.any(py <= 0):
            raise ValueError(
                "py has a zero entry: no noise matrix is valid for a class that never occurs. "
                "Remove the class or pass valid_noise_matrix=False."
            )
    n_zeros = number_of_zero_noise_rates(K, frac_zero_noise_rates)
    n_noiseless = _number_of_noiseless_columns(K, trace, n_zeros, valid_noise_matrix)
    rng = _as_generator(random_state)

    if not valid_noise_matrix:
        return _draw_noise_matrix(K, trace, n_zeros, n_noiseless, rng)
    for _ in range(max_iter):
        noise_matrix = _draw_noise_matrix(K, trace, n_zeros, n_noiseless, rng)
        noise_matrix = _make_valid(noise_matrix, py)
        if noise_matrix is not None and noise_matrix_is_valid(noise_matrix, py):
            return noise_matrix
    raise ValueError(
        f"No valid noise matrix with trace={trace} and frac_zero_noise_rates="
        f"{frac_zero_noise_rates} was found in max_iter={max_iter} draws. Such matrices are "
        f"rare (or do not exist) for a trace this close to 1 or this many zero noise rates: "
        f"raise max_iter or the trace, or lower frac_zero_noise_rates."
    )


def _apportion(expected, total):
    """Integers that sum to ``total``, each within 1 of ``expected`` (which sums to ``total``).

    Equal to ``np.round(expected)`` whenever that already sums to ``total``; otherwise the
    entries whose rounding moved them furthest from the needed direction move by one.
    """
    counts = np.round(expected).astype(int)
    missing = total - int(counts.sum())
    residual = expected - counts
    if missing > 0:
        counts[np.argsort(-residual, kind="stable")[:missing]] += 1
    elif missing < 0:
        counts[np.argsort(residual, kind="stable")[:-missing]] -= 1
    return counts


def generate_noisy_labels(true_labels, noise_matrix, *, random_state=None):
    """Corrupt labels so that they follow a noise matrix exactly.

    Of the ``n_j`` examples of true class ``j``, exactly ``round(noise_matrix[i, j] * n_j)``
    receive the label ``i``, chosen at random. When these rounded numbers do not add up to
    ``n_j``, those whose rounding moved them furthest are moved by one more, so that each
    count is within 1 of ``noise_matrix[i, j] * n_j`` and they sum to ``n_j``.

    Parameters
    ----------
    true_labels : array-like of int of shape (n_samples,)
        Clean labels in ``0..K-1``.
    noise_matrix : array-like of shape (K, K)
        ``noise_matrix[i, j] = P(s=i | y=j)``; entries non-negative, columns summing to 1.
    random_state : int, Generator, RandomState or None, default=None
        Seeds the choice of the examples to relabel. numpy's global random state is neither used
        nor changed.

    Returns
    -------
    noisy_labels : ndarray of int of shape (n_samples,)
        A new array; ``true_labels`` is not modified.

    See Also
    --------
    generate_noise_matrix_from_trace : Draws a noise matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.noise_generation import generate_noisy_labels
    >>> true_labels = np.repeat([0, 1], 10)
    >>> noise_matrix = np.array([[0.8, 0.3], [0.2, 0.7]])
    >>> noisy = generate_noisy_labels(true_labels, noise_matrix, random_state=0)
    >>> np.bincount(noisy[true_labels == 0]), np.bincount(noisy[true_labels == 1])
    (array([8, 2]), array([3, 7]))
    """
    noise_matrix = _check_square_matrix(noise_matrix, "noise_matrix")
    if np.any(noise_matrix < 0):
        raise ValueError("noise_matrix has negative entries; it must hold probabilities.")
    column_sums = noise_matrix.sum(axis=0)
    if np.any(np.abs(column_sums - 1) > SUM_TOLERANCE):
        j = int(np.argmax(np.abs(column_sums - 1)))
        raise ValueError(
            f"Column {j} of noise_matrix sums to {column_sums[j]:.6g}, not 1: each column "
            f"noise_matrix[:, j] must be the distribution P(s | y=j)."
        )
    n_classes = noise_matrix.shape[0]
    true_labels = np.asarray(true_labels)
    if true_labels.ndim != 1:
        raise ValueError(f"true_labels must be 1-D, got shape {true_labels.shape}.")
    if true_labels.size and not np.issubdtype(true_labels.dtype, np.integer):
        raise ValueError(f"true_labels must be integers 0..{n_classes - 1}, got dtype "
                         f"{true_labels.dtype}.")
    if true_labels.size and (true_labels.min() < 0 or true_labels.max() >= n_classes):
        raise ValueError(f"true_labels must lie in 0..{n_classes - 1} (one class per row of "
                         f"noise_matrix), found values from {true_labels.min()} to "
                         f"{true_labels.max()}.")
    rng = _as_generator(random_state)
    noisy_labels = true_labels.astype(np.intp, copy=True)
    for j in range(n_classes):
        members = np.flatnonzero(true_labels == j)
        if not members.size:
            continue
        expected = noise_matrix[:, j] / column_sums[j] * members.size
        counts = _apportion(expected, members.size)
        noisy_labels[rng.permutation(members)] = np.repeat(np.arange(n_classes), counts)
    return noisy_labels
