"""The polyplex: which traces of the joint ``P(s, y)`` a trace of the noise matrix allows.

The trace of the noise matrix, ``trace(P(s|y)) = sum_k P(s=k | y=k)``, does not determine the
fraction of correct labels, ``trace(P(s, y)) = sum_k P(s=k | y=k) * P(y=k)``: that depends on
how the diagonal is spread over frequent and rare classes. For a prior ``py``, the joint trace
is a linear function of the diagonal ``d`` of the noise matrix, so over all diagonals in
``[0, 1]^K`` with ``sum(d) = t`` its extremes sit at vertices: the largest puts the ``t`` units
of diagonal on the most frequent classes, the smallest on the rarest. Between integer ``t``
both bounds are linear, so the set of reachable ``(trace(P(s|y)), trace(P(s, y)))`` pairs is a
convex polygon spanning ``t`` from 0 to ``K``: the *polyplex* of the confident-learning paper
(Northcutt, Jiang and Chuang, JAIR 2021, which also shows that the diagonals are what
learnability and the re-weighting of classes depend on).

:class:`sklearn_noisy.display.PolyplexDisplay` draws it.
"""

import numpy as np

#: Tolerance for "py sums to 1".
SUM_TOLERANCE = 1e-6


def _check_prior(py):
    py = np.asarray(py, dtype=float)
    if py.ndim != 1 or py.size < 1:
        raise ValueError(f"py must be a non-empty 1-D array of class priors, got shape "
                         f"{py.shape}.")
    if not np.all(np.isfinite(py)) or np.any(py < 0):
        raise ValueError("py must hold non-negative, finite class priors.")
    if abs(py.sum() - 1) > SUM_TOLERANCE:
        raise ValueError(f"py must sum to 1 (it is a distribution over the true classes), "
                         f"got {py.sum():.6g}.")
    return py


def joint_bounds(py):
    """The polyplex of a prior, as its lower and upper boundaries at integer noise traces.

    Parameters
    ----------
    py : array-like of shape (K,)
        Prior of the true labels, ``P(y=k)``; non-negative, summing to 1.

    Returns
    -------
    noise_matrix_trace : ndarray of shape (K + 1,)
        ``0, 1, ..., K``: the traces of ``P(s|y)`` at the corners.
    joint_trace_min : ndarray of shape (K + 1,)
        The smallest ``trace(P(s, y))`` for each: the sum of the ``t`` smallest priors.
    joint_trace_max : ndarray of shape (K + 1,)
        The largest: the sum of the ``t`` largest priors.

    See Also
    --------
    joint_min_max : The bounds at any trace, between the corners.

    Examples
    --------
    >>> from sklearn_noisy.polyplex import joint_bounds
    >>> traces, low, high = joint_bounds([0.5, 0.2, 0.3])
    >>> traces
    array([0, 1, 2, 3])
    >>> low
    array([0. , 0.2, 0.5, 1. ])
    >>> high
    array([0. , 0.5, 0.8, 1. ])
    """
    py = _check_prior(py)
    ascending = np.sort(py)
    joint_trace_min = np.concatenate([[0.0], np.cumsum(ascending)])
    joint_trace_max = np.concatenate([[0.0], np.cumsum(ascending[::-1])])
    # Both end at the total; make it exactly 1 rather than a rounded sum.
    joint_trace_min[-1] = joint_trace_max[-1] = 1.0
    return np.arange(py.size + 1), joint_trace_min, joint_trace_max


def joint_min_max(noise_matrix_trace, py):
    """The smallest and largest ``trace(P(s, y))`` for a given ``trace(P(s|y))`` and prior.

    Over all noise matrices whose diagonal sums to ``noise_matrix_trace``,
    ``trace(P(s, y)) = sum_k P(s=k | y=k) * py[k]`` ranges exactly over ``[y_min, y_max]``;
    both bounds are piecewise linear in the trace, with corners at the integers (see
    :func:`joint_bounds`).

    Parameters
    ----------
    noise_matrix_trace : float
        ``sum_k P(s=k | y=k)``, in ``[0, K]``.
    py : array-like of shape (K,)
        Prior of the true labels, ``P(y=k)``.

    Returns
    -------
    y_min, y_max : float
        The bounds on the fraction of correctly labelled examples.

    Raises
    ------
    ValueError
        If the trace lies outside ``[0, K]``: no noise matrix has it.

    Examples
    --------
    >>> from sklearn_noisy.polyplex import joint_min_max
    >>> y_min, y_max = joint_min_max(1.5, [0.5, 0.2, 0.3])
    >>> round(y_min, 6), round(y_max, 6)
    (0.35, 0.65)
    """
    traces, lows, highs = joint_bounds(py)
    n_classes = traces[-1]
    if (isinstance(noise_matrix_trace, bool) or not np.isscalar(noise_matrix_trace)
            or not np.isfinite(noise_matrix_trace) or not 0 <= noise_matrix_trace <= n_classes):
        raise ValueError(f"noise_matrix_trace must be a number in [0, K] = [0, {n_classes}] "
                         f"(a sum of K probabilities), got {noise_matrix_trace!r}.")
    return (float(np.interp(noise_matrix_trace, traces, lows)),
            float(np.interp(noise_matrix_trace, traces, highs)))


def slope_intercept(point1, point2):
    """Slope and intercept of the straight line through two points.

    Useful for the edges of the polyplex, which are straight between integer traces.

    Parameters
    ----------
    point1, point2 : tuple of two floats
        ``(x, y)`` coordinates, with different ``x``.

    Returns
    -------
    slope, intercept : float
        The line ``y = slope * x + intercept``.

    Raises
    ------
    ValueError
        If the points have the same ``x``: the line is vertical.

    Examples
    --------
    >>> from sklearn_noisy.polyplex import slope_intercept
    >>> slope_intercept((1, 0.2), (2, 0.5))
    (0.3, -0.1)
    """
    (x0, y0), (x1, y1) = point1, point2
    if x1 == x0:
        raise ValueError(f"The points {point1} and {point2} have the same x; the line through "
                         f"them is vertical and has no slope.")
    slope = (y1 - y0) / float(x1 - x0)
    return slope, y1 - slope * x1
