import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sklearn_noisy.noise_generation import (
    generate_n_rand_probabilities_that_sum_to_m,
    generate_noise_matrix_from_trace,
    generate_noisy_labels,
    noise_matrix_is_valid,
    number_of_zero_noise_rates,
    randomly_distribute_N_balls_into_K_bins,
)

reference = pytest.importorskip("cleanlab.benchmarking.noise_generation")

SETTINGS = settings(max_examples=40, deadline=None)


def random_noise_matrix(rng, n_classes, diagonal_boost):
    """A random column-stochastic matrix whose diagonal is boosted by ``diagonal_boost``."""
    matrix = rng.dirichlet(np.ones(n_classes), size=n_classes).T
    matrix += diagonal_boost * np.eye(n_classes)
    return matrix / matrix.sum(axis=0)


def off_diagonal_zeros(matrix):
    return int(np.sum(matrix == 0) - np.sum(np.diagonal(matrix) == 0))


def feasible_zero_count(n_classes, trace, n_zeros):
    """Brute force: is there a number m of noise-free columns (diagonal 1) that holds n_zeros
    zero noise rates, with the rest of the trace strictly inside (0, K - m)?"""
    k = n_classes
    for m in range(k + 1):
        rest = trace - m
        if m == k:
            ok_trace = trace == k
        else:
            ok_trace = 0 < rest < k - m
        low, high = (k - 1) * m, (k - 1) * m + (k - 2) * (k - m)
        if ok_trace and low <= n_zeros <= high:
            return True
    return False


# --- noise_matrix_is_valid ---------------------------------------------------------------------

def test_noise_matrix_is_valid_hand_examples():
    py = np.array([0.5, 0.5])
    # P(s=0) = 0.55 < P(s=0|y=0) = 0.8 and P(s=1) = 0.45 < 0.7.
    assert noise_matrix_is_valid(np.array([[0.8, 0.3], [0.2, 0.7]]), py)
    # trace 0.7 < 1: the labels agree less often than chance.
    assert not noise_matrix_is_valid(np.array([[0.4, 0.7], [0.6, 0.3]]), py)
    # The identity is valid for any prior without zeros, invalid with a zero.
    assert noise_matrix_is_valid(np.eye(3), np.array([0.2, 0.3, 0.5]))
    assert not noise_matrix_is_valid(np.eye(3), np.array([0.0, 0.5, 0.5]))


def test_noise_matrix_is_valid_depends_on_the_prior():
    # Row 0 (diagonal 0.2) receives half of class 2: valid only while class 2 is rare.
    noise_matrix = np.array([[0.2, 0.0, 0.5], [0.4, 1.0, 0.0], [0.4, 0.0, 0.5]])
    # P(s=0) = 0.02 + 0.05 = 0.07 < 0.2, P(s=1) = 0.84 < 1, P(s=2) = 0.09 < 0.5.
    assert noise_matrix_is_valid(noise_matrix, np.array([0.1, 0.8, 0.1]))
    # P(s=0) = 0.02 + 0.3 = 0.32 > 0.2.
    assert not noise_matrix_is_valid(noise_matrix, np.array([0.1, 0.3, 0.6]))


@pytest.mark.parametrize("n_classes", [2, 3, 5, 8])
def test_noise_matrix_is_valid_agrees_with_reference(n_classes):
    rng = np.random.default_rng(n_classes)
    answers = []
    for boost in np.linspace(0, 3, 60):
        noise_matrix = random_noise_matrix(rng, n_classes, boost)
        py = rng.dirichlet(np.ones(n_classes))
        ours = noise_matrix_is_valid(noise_matrix, py)
        assert ours == reference.noise_matrix_is_valid(noise_matrix, py)
        answers.append(ours)
    assert any(answers) and not all(answers)  # both outcomes were exercised


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_two_class_matrix_is_valid_iff_trace_above_one(seed, a, b):
    py = np.random.default_rng(seed).dirichlet([1, 1])
    assume(np.all(py > 0) and abs(a + b - 1) > 1e-9)
    noise_matrix = np.array([[a, 1 - b], [1 - a, b]])
    assert noise_matrix_is_valid(noise_matrix, py) == (a + b > 1)


def test_noise_matrix_is_valid_is_false_for_non_noise_matrices():
    py = np.array([0.5, 0.5])
    assert not noise_matrix_is_valid(np.array([[0.9, 0.2], [0.2, 0.9]]), py)  # columns sum 1.1
    assert not noise_matrix_is_valid(np.array([[1.2, 0.0], [-0.2, 1.0]]), py)  # negative
    assert not noise_matrix_is_valid(np.eye(2), np.array([0.5, 0.6]))  # prior sums to 1.1


@pytest.mark.parametrize(
    "noise_matrix, py, message",
    [
        (np.eye(3), np.ones(2) / 2, "py must be a 1-D array of K=3"),
        (np.ones((2, 3)) / 2, np.ones(2) / 2, "square"),
        (np.array([[np.nan, 0], [0, 1]]), np.ones(2) / 2, "NaN"),
    ],
)
def test_noise_matrix_is_valid_rejects_malformed_input(noise_matrix, py, message):
    with pytest.raises(ValueError, match=message):
        noise_matrix_is_valid(noise_matrix, py)


# --- generate_noise_matrix_from_trace ----------------------------------------------------------

@SETTINGS
@given(
    n_classes=st.integers(2, 6),
    trace_fraction=st.floats(0.0, 1.0),
    frac_zero=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_generated_valid_matrix_has_exact_trace_zeros_and_validity(
    n_classes, trace_fraction, frac_zero, seed
):
    # Traces in [1.2, K]; below that, see the low-trace tests.
    trace = 1.2 + trace_fraction * (n_classes - 1.2)
    py = np.random.default_rng(seed).dirichlet(np.ones(n_classes))
    assume(np.all(py > 1e-6))
    n_zeros = number_of_zero_noise_rates(n_classes, frac_zero)
    if trace == n_classes:
        n_zeros = n_classes * (n_classes - 1)  # the identity, whatever the fraction
    if not feasible_zero_count(n_classes, trace, n_zeros):
        with pytest.raises(ValueError, match="frac_zero_noise_rates"):
            generate_noise_matrix_from_trace(n_classes, trace, py=py,
                                             frac_zero_noise_rates=frac_zero, random_state=seed)
        return
    noise_matrix = generate_noise_matrix_from_trace(
        n_classes, trace, py=py, frac_zero_noise_rates=frac_zero, random_state=seed
    )
    assert noise_matrix.shape == (n_classes, n_classes)
    assert np.all(noise_matrix >= 0) and np.all(noise_matrix <= 1)
    np.testing.assert_allclose(noise_matrix.sum(axis=0), 1, rtol=0, atol=1e-12)
    assert np.trace(noise_matrix) == pytest.approx(trace, abs=1e-12)
    assert off_diagonal_zeros(noise_matrix) == n_zeros
    assert noise_matrix_is_valid(noise_matrix, py)
    assert reference.noise_matrix_is_valid(noise_matrix, py)


@pytest.mark.parametrize(
    "n_classes, frac, expected",
    [(2, 0.0, 0), (2, 0.49, 0), (2, 0.5, 1), (2, 0.75, 1), (2, 1.0, 1),
     (3, 0.75, 4), (3, 0.5, 3), (3, 0.25, 1), (3, 0.16, 0), (4, 0.5, 6), (4, 0.95, 11)],
)
def test_number_of_zero_noise_rates_rounds_down(n_classes, frac, expected):
    # floor(K (K - 1) frac); for K = 2, one zero from a fraction of 0.5 on.
    assert number_of_zero_noise_rates(n_classes, frac) == expected


def test_two_classes_with_three_quarters_zero_rates_has_one_zero():
    # round(0.75 * 2) = 2 zeros would need both columns noise-free (trace 2); the reference
    # asks for one, which trace 1.8 allows.
    noise_matrix = generate_noise_matrix_from_trace(
        2, 1.8, frac_zero_noise_rates=0.75, valid_noise_matrix=False, random_state=0
    )
    assert off_diagonal_zeros(noise_matrix) == 1
    assert np.trace(noise_matrix) == pytest.approx(1.8)
    assert sorted(np.diagonal(noise_matrix)) == pytest.approx([0.8, 1.0])


@SETTINGS
@given(
    n_classes=st.integers(2, 6),
    trace_fraction=st.floats(0.05, 0.95),
    frac_zero=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**31 - 1),
)
def test_zero_noise_rate_count_matches_reference(n_classes, trace_fraction, frac_zero, seed):
    # Where the reference needs no noise-free column (it never makes one on purpose), it sets
    # exactly the number of zeros we do.
    trace = 1 + trace_fraction * (n_classes - 1)
    n_zeros = number_of_zero_noise_rates(n_classes, frac_zero)
    assume(n_zeros <= n_classes * (n_classes - 2) or n_classes == 2)
    state = np.random.get_state()  # the reference seeds numpy's global state
    try:
        expected = reference.generate_noise_matrix_from_trace(
            n_classes, trace, frac_zero_noise_rates=frac_zero, valid_noise_matrix=False,
            seed=seed,
        )
    finally:
        np.random.set_state(state)
    ours = generate_noise_matrix_from_trace(
        n_classes, trace, frac_zero_noise_rates=frac_zero, valid_noise_matrix=False,
        random_state=seed,
    )
    assert off_diagonal_zeros(ours) == off_diagonal_zeros(expected) == n_zeros


@SETTINGS
@given(
    n_classes=st.integers(2, 6),
    trace_fraction=st.floats(0.0, 1.0, exclude_max=True),
    seed=st.integers(0, 2**32 - 1),
)
def test_generated_unconstrained_matrix_has_exact_trace(n_classes, trace_fraction, seed):
    trace = trace_fraction * n_classes
    noise_matrix = generate_noise_matrix_from_trace(
        n_classes, trace, valid_noise_matrix=False, random_state=seed
    )
    assert np.all(noise_matrix >= 0)
    np.testing.assert_allclose(noise_matrix.sum(axis=0), 1, rtol=0, atol=1e-12)
    assert np.trace(noise_matrix) == pytest.approx(trace, abs=1e-12)
    if trace_fraction < 1 - 1e-9:
        # (Nearer a trace of K the off-diagonal mass is a rounding error and may be 0.)
        assert off_diagonal_zeros(noise_matrix) == 0


@pytest.mark.parametrize("n_classes, trace", [(2, 1.001), (3, 1.001), (10, 1.01), (20, 1.02)])
def test_valid_matrix_found_for_trace_just_above_one(n_classes, trace):
    py = np.random.default_rng(0).dirichlet(np.ones(n_classes))
    noise_matrix = generate_noise_matrix_from_trace(n_classes, trace, py=py, random_state=0)
    assert np.trace(noise_matrix) == pytest.approx(trace, abs=1e-12)
    assert noise_matrix_is_valid(noise_matrix, py)


def test_two_class_valid_matrix_needs_no_prior():
    noise_matrix = generate_noise_matrix_from_trace(2, 1.5, random_state=0)
    assert np.trace(noise_matrix) == pytest.approx(1.5)
    assert noise_matrix_is_valid(noise_matrix, np.array([0.1, 0.9]))


@pytest.mark.parametrize("n_classes, frac", [(4, 1.0), (4, 0.0), (3, 0.5), (2, 0.0), (2, 1.0)])
def test_trace_k_gives_the_identity(n_classes, frac):
    # The only matrix with trace K, as in the reference, whatever the fraction of zeros.
    noise_matrix = generate_noise_matrix_from_trace(
        n_classes, n_classes, py=np.ones(n_classes) / n_classes, frac_zero_noise_rates=frac,
        random_state=0,
    )
    np.testing.assert_array_equal(noise_matrix, np.eye(n_classes))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"K": 3, "trace": 1.0, "py": np.ones(3) / 3}, "trace > 1"),
        ({"K": 3, "trace": 0.5, "py": np.ones(3) / 3}, "trace > 1"),
        ({"K": 3, "trace": 3.5, "py": np.ones(3) / 3}, r"trace must lie in \[0, K\]"),
        ({"K": 3, "trace": -0.1, "valid_noise_matrix": False}, r"trace must lie in \[0, K\]"),
        ({"K": 3, "trace": 2.0}, "py .* is required"),
        ({"K": 3, "trace": 2.0, "py": [0.0, 0.5, 0.5]}, "zero entry"),
        ({"K": 3, "trace": 2.0, "py": [0.5, 0.6, 0.5]}, "probability distribution"),
        ({"K": 1, "trace": 1.0}, "K must be at least 2"),
        ({"K": 4, "trace": 1.5, "py": np.ones(4) / 4, "frac_zero_noise_rates": 0.9},
         "at least 2 columns without noise"),
        ({"K": 3, "trace": 2.5, "py": np.ones(3) / 3, "frac_zero_noise_rates": 1.0},
         "needs at least 3 columns without noise"),
        ({"K": 3, "trace": 2.0, "py": np.ones(3) / 3, "frac_zero_noise_rates": 1.5}, r"in \[0, 1\]"),
        ({"K": 3, "trace": 2.0, "py": np.ones(3) / 3, "max_iter": 0},
         "max_iter must be at least 1"),
    ],
)
def test_infeasible_requests_raise_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_noise_matrix_from_trace(**kwargs)


def test_exhausted_max_iter_raises_instead_of_looping(monkeypatch):
    # Every candidate with this trace can be made valid, so make every repair fail.
    from sklearn_noisy import noise_generation

    calls = []
    monkeypatch.setattr(noise_generation, "_make_valid", lambda *args: calls.append(1))
    with pytest.raises(ValueError, match="max_iter=3"):
        generate_noise_matrix_from_trace(3, 1.05, py=np.ones(3) / 3, max_iter=3,
                                         random_state=0)
    assert len(calls) == 3


@pytest.mark.parametrize(
    "make_state",
    [lambda: 7, lambda: np.random.default_rng(7), lambda: np.random.RandomState(7)],
)
def test_random_state_makes_results_reproducible(make_state):
    py = np.ones(4) / 4
    first = generate_noise_matrix_from_trace(4, 2.5, py=py, random_state=make_state())
    second = generate_noise_matrix_from_trace(4, 2.5, py=py, random_state=make_state())
    np.testing.assert_array_equal(first, second)
    labels = np.repeat(np.arange(4), 25)
    np.testing.assert_array_equal(
        generate_noisy_labels(labels, first, random_state=make_state()),
        generate_noisy_labels(labels, first, random_state=make_state()),
    )


def test_no_function_touches_the_global_random_state():
    np.random.seed(123)
    before = np.random.get_state()
    noise_matrix = generate_noise_matrix_from_trace(4, 2.0, py=np.ones(4) / 4)
    generate_noise_matrix_from_trace(4, 2.0, py=np.ones(4) / 4, random_state=1)
    generate_noise_matrix_from_trace(3, 1.5, valid_noise_matrix=False)
    generate_noisy_labels(np.repeat(np.arange(4), 10), noise_matrix)
    generate_n_rand_probabilities_that_sum_to_m(5, 2.0, max_prob=0.5)
    randomly_distribute_N_balls_into_K_bins(20, 4, max_balls_per_bin=6)
    after = np.random.get_state()
    assert before[0] == after[0] and before[2:] == after[2:]
    np.testing.assert_array_equal(before[1], after[1])


def test_bad_random_state_is_rejected():
    with pytest.raises(ValueError, match="random_state"):
        generate_noise_matrix_from_trace(3, 2.0, py=np.ones(3) / 3, random_state="seed")


# --- generate_noisy_labels ---------------------------------------------------------------------

def test_noisy_labels_hand_example():
    true_labels = np.repeat([0, 1, 2], [10, 20, 4])
    noise_matrix = np.array([[0.7, 0.1, 0.0], [0.2, 0.9, 0.5], [0.1, 0.0, 0.5]])
    noisy = generate_noisy_labels(true_labels, noise_matrix, random_state=0)
    flips = np.zeros((3, 3), dtype=int)
    np.add.at(flips, (noisy, true_labels), 1)
    np.testing.assert_array_equal(flips, [[7, 2, 0], [2, 18, 2], [1, 0, 2]])


@SETTINGS
@given(
    class_counts=st.lists(st.integers(0, 60), min_size=2, max_size=5),
    seed=st.integers(0, 2**32 - 1),
    boost=st.floats(0, 3),
)
def test_noisy_labels_follow_the_noise_matrix_exactly(class_counts, seed, boost):
    rng = np.random.default_rng(seed)
    n_classes = len(class_counts)
    noise_matrix = random_noise_matrix(rng, n_classes, boost)
    true_labels = rng.permutation(np.repeat(np.arange(n_classes), class_counts))
    original = true_labels.copy()
    noisy = generate_noisy_labels(true_labels, noise_matrix, random_state=seed)
    np.testing.assert_array_equal(true_labels, original)  # input untouched
    assert noisy.shape == true_labels.shape
    for j, n_j in enumerate(class_counts):
        counts = np.bincount(noisy[true_labels == j], minlength=n_classes)
        expected = noise_matrix[:, j] * n_j
        assert counts.sum() == n_j
        assert np.all(np.abs(counts - expected) < 1)
        if np.round(expected).sum() == n_j:
            np.testing.assert_array_equal(counts, np.round(expected))


def test_noisy_labels_with_identity_are_unchanged():
    labels = np.array([2, 0, 1, 1, 2])
    np.testing.assert_array_equal(generate_noisy_labels(labels, np.eye(3), random_state=0),
                                  labels)


def test_noisy_labels_choose_random_examples():
    labels = np.zeros(100, dtype=int)
    noise_matrix = np.array([[0.5, 0.0], [0.5, 1.0]])
    first = generate_noisy_labels(labels, noise_matrix, random_state=0)
    second = generate_noisy_labels(labels, noise_matrix, random_state=1)
    assert first.sum() == second.sum() == 50
    assert not np.array_equal(first, second)


@pytest.mark.parametrize(
    "labels, noise_matrix, message",
    [
        ([0, 1], np.array([[0.9, 0.2], [0.2, 0.8]]), "Column 0 of noise_matrix sums to 1.1"),
        ([0, 1], np.array([[1.1, 0.0], [-0.1, 1.0]]), "negative"),
        ([0, 2], np.eye(2), r"true_labels must lie in 0\.\.1"),
        ([0.5, 1], np.eye(2), "integers"),
        ([[0, 1]], np.eye(2), "1-D"),
    ],
)
def test_noisy_labels_reject_bad_input(labels, noise_matrix, message):
    with pytest.raises(ValueError, match=message):
        generate_noisy_labels(labels, noise_matrix)


# --- helpers -----------------------------------------------------------------------------------

@SETTINGS
@given(
    n=st.integers(1, 20),
    low=st.floats(0, 0.5),
    width=st.floats(0, 1),
    position=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_random_probabilities_sum_to_m_within_bounds(n, low, width, position, seed):
    high = low + width
    m = n * (low + position * width)
    values = generate_n_rand_probabilities_that_sum_to_m(n, m, max_prob=high, min_prob=low,
                                                         random_state=seed)
    assert values.shape == (n,)
    assert values.sum() == pytest.approx(m, abs=1e-9)
    assert np.all(values >= low) and np.all(values <= high)


def test_random_probabilities_reject_impossible_sums():
    with pytest.raises(ValueError, match="cannot sum to m=3"):
        generate_n_rand_probabilities_that_sum_to_m(5, 3.0, max_prob=0.5)
    with pytest.raises(ValueError, match="cannot sum to m=1"):
        generate_n_rand_probabilities_that_sum_to_m(5, 1.0, min_prob=0.3)
    assert generate_n_rand_probabilities_that_sum_to_m(0, 0.0).shape == (0,)


@SETTINGS
@given(
    n_bins=st.integers(1, 10),
    low=st.integers(0, 3),
    extra=st.integers(0, 5),
    fill=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_balls_sum_to_n_within_bounds(n_bins, low, extra, fill, seed):
    high = low + extra
    n_balls = n_bins * low + round(fill * n_bins * extra)
    counts = randomly_distribute_N_balls_into_K_bins(
        n_balls, n_bins, max_balls_per_bin=high, min_balls_per_bin=low, random_state=seed
    )
    assert counts.shape == (n_bins,) and counts.sum() == n_balls
    assert np.all(counts >= low) and np.all(counts <= high)


@pytest.mark.parametrize("kwargs, message", [
    ({"N": 10**19, "K": 3},
     "N must be at most 2\\*\\*63 - 1 = 9223372036854775807, got 10000000000000000000"),
    ({"N": np.uint64(2**64 - 1), "K": 3}, "N must be at most 2\\*\\*63 - 1"),
    ({"N": 10, "K": 2**63}, "K must be at most 2\\*\\*63 - 1"),
    ({"N": 10, "K": 3, "max_balls_per_bin": 10**30}, "max_balls_per_bin must be at most"),
    ({"N": 10, "K": 3, "min_balls_per_bin": 2**64}, "min_balls_per_bin must be at most"),
    ({"N": 10.0, "K": 3}, "N must be an integer, got 10.0"),
    ({"N": 10, "K": True}, "K must be an integer, got True"),
])
def test_balls_reject_counts_numpy_cannot_hold(kwargs, message):
    with pytest.raises(ValueError, match=message):
        randomly_distribute_N_balls_into_K_bins(**kwargs, random_state=0)


def test_balls_take_the_largest_count_numpy_can_hold():
    counts = randomly_distribute_N_balls_into_K_bins(2**63 - 1, 3, random_state=0)
    assert int(counts.sum()) == 2**63 - 1


def test_balls_reject_impossible_bounds():
    with pytest.raises(ValueError, match="10 balls cannot go into 3 bins"):
        randomly_distribute_N_balls_into_K_bins(10, 3, max_balls_per_bin=3)
    with pytest.raises(ValueError, match="2 balls cannot go into 3 bins"):
        randomly_distribute_N_balls_into_K_bins(2, 3, min_balls_per_bin=1)
