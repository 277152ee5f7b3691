import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sklearn_noisy.latent_algebra import (
    PY_METHODS,
    clip_noise_rates,
    clip_values,
    compute_inv_noise_matrix,
    compute_noise_matrix_from_inverse,
    compute_ps_py_inv_noise_matrix,
    compute_py,
    compute_py_inv_noise_matrix,
    compute_pyx,
)

reference = pytest.importorskip("cleanlab.internal.latent_algebra")
reference_util = pytest.importorskip("cleanlab.internal.util")

SETTINGS = settings(max_examples=40, deadline=None)


def random_problem(seed, n_classes, diagonal_boost=2.0, prior_floor=0.02):
    """A noise matrix whose noise rates stay below the clipping ceiling, and a prior."""
    rng = np.random.default_rng(seed)
    noise_matrix = rng.dirichlet(np.ones(n_classes), size=n_classes).T
    noise_matrix += diagonal_boost * np.eye(n_classes)
    noise_matrix /= noise_matrix.sum(axis=0)
    py = rng.dirichlet(np.ones(n_classes)) + prior_floor
    return noise_matrix, py / py.sum(), rng


problems = st.tuples(st.integers(0, 2**32 - 1), st.integers(2, 7))


# --- identities on exact inputs ----------------------------------------------------------------

@SETTINGS
@given(problems)
def test_noise_matrix_to_inverse_and_back_is_the_identity(problem):
    noise_matrix, py, _ = random_problem(*problem)
    ps = noise_matrix @ py
    inverse = compute_inv_noise_matrix(py, noise_matrix)
    np.testing.assert_allclose(inverse.sum(axis=0), 1, atol=1e-12)
    # Bayes' rule, entry by entry: P(y=j|s=i) P(s=i) = P(s=i|y=j) P(y=j).
    np.testing.assert_allclose(inverse.T * ps[:, None], noise_matrix * py, atol=1e-12)
    back = compute_noise_matrix_from_inverse(ps, inverse)
    np.testing.assert_allclose(back, noise_matrix, atol=1e-10)
    np.testing.assert_allclose(back.sum(axis=0), 1, atol=1e-12)


@SETTINGS
@given(problems)
def test_latent_prior_is_recovered_from_the_noisy_prior(problem):
    noise_matrix, py, _ = random_problem(*problem)
    ps = noise_matrix @ py
    found_py, inverse = compute_py_inv_noise_matrix(ps, noise_matrix)
    np.testing.assert_allclose(found_py, py, atol=1e-10)
    np.testing.assert_allclose(inverse, compute_inv_noise_matrix(py, noise_matrix), atol=1e-10)


@SETTINGS
@given(problems, st.sampled_from(PY_METHODS))
def test_every_py_method_recovers_the_prior_from_exact_inputs(problem, py_method):
    noise_matrix, py, _ = random_problem(*problem)
    ps = noise_matrix @ py
    inverse = compute_inv_noise_matrix(py, noise_matrix)
    found = compute_py(ps, noise_matrix, inverse, py_method=py_method,
                       true_labels_class_counts=py * 1000)
    np.testing.assert_allclose(found, py, atol=1e-10)


@SETTINGS
@given(problems)
def test_pyx_rows_are_distributions_and_follow_the_diagonal_ratio(problem):
    noise_matrix, py, rng = random_problem(*problem)
    inverse = compute_inv_noise_matrix(py, noise_matrix)
    pred_probs = rng.dirichlet(np.ones(len(py)), size=30)
    pyx = compute_pyx(pred_probs, noise_matrix, inverse)
    np.testing.assert_allclose(pyx.sum(axis=1), 1, atol=1e-12)
    assert np.all(pyx >= 0)
    # Each column is scaled by P(y=k|s=k) / P(s=k|y=k), capped at 1, and rows renormalised.
    ratio = np.diagonal(inverse) / np.diagonal(noise_matrix)
    expected = np.minimum(pred_probs * ratio, 1)
    np.testing.assert_allclose(pyx, expected / expected.sum(axis=1, keepdims=True), atol=1e-12)


def test_ps_py_inverse_from_labels_hand_example():
    labels = np.array([0, 0, 0, 1, 1])
    noise_matrix = np.array([[0.8, 0.4], [0.2, 0.6]])
    ps, py, inverse = compute_ps_py_inv_noise_matrix(labels, noise_matrix)
    np.testing.assert_allclose(ps, [0.6, 0.4])
    # 0.6 = 0.8 py0 + 0.4 py1 and py0 + py1 = 1 give py = (0.5, 0.5).
    np.testing.assert_allclose(py, [0.5, 0.5])
    # P(y=0|s=0) = 0.8 * 0.5 / 0.6.
    np.testing.assert_allclose(inverse, [[2 / 3, 0.25], [1 / 3, 0.75]])


def test_ps_counts_absent_classes_as_zero():
    ps, py, _ = compute_ps_py_inv_noise_matrix([0, 0, 2, 2], np.eye(3))
    np.testing.assert_allclose(ps, [0.5, 0.0, 0.5])
    np.testing.assert_allclose(py, [0.5, 1e-6, 0.5], atol=1e-6)  # clipped prior floor
    assert py.sum() == pytest.approx(1)


def test_inputs_are_not_modified():
    noise_matrix, py, rng = random_problem(0, 4)
    pred_probs = rng.dirichlet(np.ones(4), size=10)
    copies = [noise_matrix.copy(), py.copy(), pred_probs.copy()]
    inverse = compute_inv_noise_matrix(py, noise_matrix)
    compute_noise_matrix_from_inverse(noise_matrix @ py, inverse)
    compute_py_inv_noise_matrix(noise_matrix @ py, noise_matrix)
    compute_pyx(pred_probs, noise_matrix, inverse)
    for original, after in zip(copies, [noise_matrix, py, pred_probs]):
        np.testing.assert_array_equal(original, after)


# --- agreement with the reference, including inputs that trigger the clipping ------------------

@SETTINGS
@given(problems, st.floats(0, 3), st.floats(0, 0.05))
def test_algebra_agrees_with_reference(problem, boost, prior_floor):
    noise_matrix, py, rng = random_problem(*problem, diagonal_boost=boost,
                                           prior_floor=prior_floor)
    n_classes = len(py)
    ps = noise_matrix @ py
    inverse = compute_inv_noise_matrix(py, noise_matrix)
    np.testing.assert_allclose(inverse, reference.compute_inv_noise_matrix(py, noise_matrix),
                               atol=1e-12)
    np.testing.assert_allclose(
        compute_noise_matrix_from_inverse(ps, inverse),
        reference.compute_noise_matrix_from_inverse(ps, inverse), atol=1e-12,
    )
    if abs(np.linalg.det(noise_matrix)) > 1e-6:
        for ours, theirs in zip(compute_py_inv_noise_matrix(ps, noise_matrix),
                                reference.compute_py_inv_noise_matrix(ps, noise_matrix)):
            np.testing.assert_allclose(ours, theirs, atol=1e-9)
        labels = rng.permutation(np.concatenate([np.arange(n_classes),
                                                 rng.integers(0, n_classes, 50)]))
        for ours, theirs in zip(compute_ps_py_inv_noise_matrix(labels, noise_matrix),
                                reference.compute_ps_py_inv_noise_matrix(labels, noise_matrix)):
            np.testing.assert_allclose(ours, theirs, atol=1e-9)
    # Estimated (inconsistent) matrices, as count.estimate_latent passes them.
    noisy_inverse = clip_noise_rates(inverse + rng.uniform(0, 0.2, inverse.shape))
    counts = rng.integers(1, 100, n_classes)
    for py_method in ("cnt", "marginal", "marginal_ps"):
        np.testing.assert_allclose(
            compute_py(ps, noise_matrix, noisy_inverse, py_method=py_method,
                       true_labels_class_counts=counts),
            reference.compute_py(ps, noise_matrix, noisy_inverse, py_method=py_method,
                                 true_labels_class_counts=counts),
            atol=1e-12,
        )
    pred_probs = rng.dirichlet(np.ones(n_classes), size=20)
    np.testing.assert_allclose(compute_pyx(pred_probs, noise_matrix, noisy_inverse),
                               reference.compute_pyx(pred_probs, noise_matrix, noisy_inverse),
                               atol=1e-12)


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(1, 8))
def test_clipping_agrees_with_reference(seed, n):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.3, 0.6, size=(n, n))
    np.testing.assert_allclose(clip_noise_rates(matrix), reference_util.clip_noise_rates(matrix),
                               atol=1e-12)
    values = rng.normal(0.3, 0.6, size=n)
    for new_sum in (None, 1.0):
        np.testing.assert_allclose(
            clip_values(values, low=1e-6, high=1.0, new_sum=new_sum),
            reference_util.clip_values(values, low=1e-6, high=1.0, new_sum=new_sum),
            atol=1e-12,
        )


# --- errors ------------------------------------------------------------------------------------

def test_singular_noise_matrix_gives_a_clear_error():
    with pytest.raises(ValueError, match="singular"):
        compute_py_inv_noise_matrix([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]])


def test_unknown_py_method_and_missing_counts_are_rejected():
    noise_matrix = np.eye(2)
    with pytest.raises(ValueError, match="py_method='median' is not supported"):
        compute_py([0.5, 0.5], noise_matrix, noise_matrix, py_method="median")
    with pytest.raises(ValueError, match="true_labels_class_counts"):
        compute_py([0.5, 0.5], noise_matrix, noise_matrix, py_method="marginal")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: compute_pyx(np.ones(3) / 3, np.eye(3), np.eye(3)), "2-D"),
        (lambda: compute_pyx(np.ones((2, 3)) / 3, np.eye(2), np.eye(2)),
         r"noise_matrix has shape \(2, 2\), expected \(3, 3\)"),
        (lambda: compute_py_inv_noise_matrix([0.5, 0.5], np.eye(3)), "ps must have shape"),
        (lambda: compute_py_inv_noise_matrix([0.5, 0.5], np.ones((2, 3))), "square"),
        (lambda: compute_ps_py_inv_noise_matrix([0, 3], np.eye(3)), r"0\.\.2"),
        (lambda: compute_ps_py_inv_noise_matrix([0.0, 1.0], np.eye(3)), "integers"),
        (lambda: compute_ps_py_inv_noise_matrix([], np.eye(3)), "non-empty"),
    ],
)
def test_malformed_inputs_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()
