import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from sklearn_noisy.noise_generation import generate_noise_matrix_from_trace
from sklearn_noisy.polyplex import joint_bounds, joint_min_max, slope_intercept

SETTINGS = settings(max_examples=40, deadline=None)


def brute_force_range(trace, py):
    """Min and max of py . d over the vertices of {d in [0, 1]^K : sum(d) = trace}.

    A vertex has every coordinate at 0 or 1 except at most one; enumerate them all.
    """
    k = len(py)
    whole = int(np.floor(trace))
    rest = trace - whole
    values = []
    for ones in itertools.combinations(range(k), min(whole, k)):
        others = [i for i in range(k) if i not in ones]
        if rest == 0 or not others:
            values.append(py[list(ones)].sum())
        for i in others if rest > 0 else []:
            values.append(py[list(ones)].sum() + rest * py[i])
    return min(values), max(values)


def linear_program_range(trace, py):
    """The same extremes, by linear programming over the diagonal."""
    k = len(py)
    kwargs = {"A_eq": np.ones((1, k)), "b_eq": [trace], "bounds": [(0, 1)] * k}
    low = linprog(py, **kwargs).fun
    high = -linprog(-py, **kwargs).fun
    return low, high


priors = st.tuples(st.integers(0, 2**32 - 1), st.integers(1, 6)).map(
    lambda seed_k: np.random.default_rng(seed_k[0]).dirichlet(np.ones(seed_k[1]))
)


def test_joint_bounds_hand_example():
    traces, low, high = joint_bounds([0.5, 0.2, 0.3])
    np.testing.assert_array_equal(traces, [0, 1, 2, 3])
    # t units of diagonal on the t rarest classes, or on the t most frequent.
    np.testing.assert_allclose(low, [0, 0.2, 0.5, 1])
    np.testing.assert_allclose(high, [0, 0.5, 0.8, 1])


def test_uniform_prior_makes_the_polyplex_a_line():
    traces, low, high = joint_bounds(np.ones(4) / 4)
    np.testing.assert_allclose(low, traces / 4)
    np.testing.assert_allclose(high, traces / 4)
    assert joint_min_max(2.6, np.ones(4) / 4) == pytest.approx((0.65, 0.65))


def test_joint_min_max_hand_example():
    # Trace 1.5 on py = (0.5, 0.2, 0.3): min 0.2 + 0.5 * 0.3, max 0.5 + 0.5 * 0.3.
    assert joint_min_max(1.5, [0.5, 0.2, 0.3]) == pytest.approx((0.35, 0.65))
    assert joint_min_max(0, [0.5, 0.2, 0.3]) == (0.0, 0.0)
    assert joint_min_max(3, [0.5, 0.2, 0.3]) == (1.0, 1.0)


@SETTINGS
@given(priors, st.floats(0, 1))
def test_joint_min_max_equals_brute_force_and_linear_programming(py, position):
    trace = position * len(py)
    low, high = joint_min_max(trace, py)
    assert (low, high) == pytest.approx(brute_force_range(trace, py), abs=1e-12)
    assert (low, high) == pytest.approx(linear_program_range(trace, py), abs=1e-7)


@SETTINGS
@given(priors)
def test_joint_bounds_are_the_integer_corners_of_joint_min_max(py):
    traces, lows, highs = joint_bounds(py)
    assert lows[0] == highs[0] == 0 and lows[-1] == highs[-1] == 1
    assert np.all(np.diff(lows) >= 0) and np.all(np.diff(highs) >= 0)
    assert np.all(lows <= highs)
    for trace, low, high in zip(traces, lows, highs):
        assert joint_min_max(trace, py) == pytest.approx((low, high), abs=1e-12)
        assert (low, high) == pytest.approx(brute_force_range(trace, py), abs=1e-12)


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(2, 6), st.floats(0, 1, exclude_max=True))
def test_every_generated_noise_matrix_lies_in_the_polyplex(seed, n_classes, position):
    rng = np.random.default_rng(seed)
    py = rng.dirichlet(np.ones(n_classes))
    trace = position * n_classes
    noise_matrix = generate_noise_matrix_from_trace(
        n_classes, trace, valid_noise_matrix=False, random_state=seed
    )
    joint_trace = float(np.diagonal(noise_matrix) @ py)
    low, high = joint_min_max(trace, py)
    assert low - 1e-12 <= joint_trace <= high + 1e-12


def test_the_bounds_are_reached_by_some_noise_matrix():
    py = np.array([0.1, 0.6, 0.3])
    # Diagonal (0, 1, 0.4) puts the trace 1.4 on the frequent classes: the maximum.
    assert np.dot([0.0, 1.0, 0.4], py) == pytest.approx(joint_min_max(1.4, py)[1])
    # Diagonal (1, 0, 0.4) puts it on the rare ones: the minimum.
    assert np.dot([1.0, 0.0, 0.4], py) == pytest.approx(joint_min_max(1.4, py)[0])


def test_slope_intercept():
    assert slope_intercept((1, 0.2), (2, 0.5)) == pytest.approx((0.3, -0.1))
    assert slope_intercept((0, 1), (4, 1)) == (0.0, 1.0)
    with pytest.raises(ValueError, match="same x"):
        slope_intercept((1, 0.2), (1, 0.5))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: joint_bounds([0.5, 0.6]), "py must sum to 1"),
        (lambda: joint_bounds([1.2, -0.2]), "non-negative"),
        (lambda: joint_bounds([[0.5, 0.5]]), "1-D"),
        (lambda: joint_min_max(2.5, [0.5, 0.5]), r"\[0, K\] = \[0, 2\]"),
        (lambda: joint_min_max(-0.1, [0.5, 0.5]), r"\[0, K\]"),
        (lambda: joint_min_max(np.nan, [0.5, 0.5]), r"\[0, K\]"),
    ],
)
def test_bad_input_is_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
