"""Datasets with known label noise: what they are built from, and how the noise follows the matrix."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, make_classification

from sklearn_noisy.datasets import load_noisy_digits, make_noisy_classification
from sklearn_noisy.noise_generation import noise_matrix_is_valid


def assert_labels_follow_noise_matrix(true_labels, noisy_labels, noise_matrix):
    """Within each true class j, the count of noisy label i is noise_matrix[i, j] * n_j, +-1."""
    n_classes = noise_matrix.shape[0]
    for j in range(n_classes):
        in_class = true_labels == j
        counts = np.bincount(noisy_labels[in_class], minlength=n_classes)
        assert np.all(np.abs(counts - noise_matrix[:, j] * in_class.sum()) < 1 + 1e-9)


@settings(max_examples=15, deadline=None)
@given(n_classes=st.integers(2, 5), noise_tenths=st.integers(0, 4),
       seed=st.integers(0, 2**16))
def test_noisy_labels_follow_a_valid_noise_matrix_of_the_requested_trace(n_classes,
                                                                        noise_tenths, seed):
    noise = noise_tenths / 10
    if noise >= 1 - 1 / n_classes:
        noise = 0.3
    X, true_labels, noisy_labels, noise_matrix = make_noisy_classification(
        n_samples=200, n_features=4, n_classes=n_classes, noise=noise, random_state=seed)
    assert X.shape == (200, 4)
    assert noise_matrix.shape == (n_classes, n_classes)
    np.testing.assert_allclose(noise_matrix.sum(axis=0), 1)
    np.testing.assert_allclose(np.trace(noise_matrix), n_classes * (1 - noise))
    py = np.bincount(true_labels, minlength=n_classes) / len(true_labels)
    assert noise_matrix_is_valid(noise_matrix, py) or noise == 0
    assert_labels_follow_noise_matrix(true_labels, noisy_labels, noise_matrix)


def test_features_and_true_labels_are_make_classification_without_flips():
    X, true_labels, _, _ = make_noisy_classification(
        n_samples=150, n_features=5, n_classes=3, noise=0.3, random_state=7)
    X_expected, y_expected = make_classification(
        n_samples=150, n_features=5, n_informative=5, n_redundant=0, n_repeated=0,
        n_classes=3, n_clusters_per_class=1, flip_y=0, random_state=7)
    np.testing.assert_array_equal(X, X_expected)
    np.testing.assert_array_equal(true_labels, y_expected)


def test_zero_noise_gives_clean_labels_and_the_identity():
    _, true_labels, noisy_labels, noise_matrix = make_noisy_classification(noise=0,
                                                                          random_state=0)
    np.testing.assert_array_equal(noisy_labels, true_labels)
    np.testing.assert_array_equal(noise_matrix, np.eye(3))
    assert noisy_labels is not true_labels


@pytest.mark.parametrize("make", [
    lambda seed: make_noisy_classification(n_samples=100, random_state=seed),
    lambda seed: load_noisy_digits(n_class=4, random_state=seed),
])
def test_same_seed_same_data_and_the_global_random_state_is_untouched(make):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    first, again, other = make(0), make(0), make(1)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[2], other[2])


@pytest.mark.parametrize("make", [
    lambda: make_noisy_classification(n_samples=100),
    lambda: load_noisy_digits(n_class=4),
])
def test_no_seed_draws_fresh_randomness_without_the_global_random_state(make):
    np.random.seed(123)
    before = np.random.get_state()
    first, second = make(), make()
    after = np.random.get_state()
    assert before[0] == after[0] and before[2:] == after[2:]
    np.testing.assert_array_equal(after[1], before[1])
    assert not np.array_equal(first[2], second[2])


@pytest.mark.parametrize("n_classes, error, message", [
    (0, ValueError, "n_classes == 0, must be >= 2"),
    (1, ValueError, "n_classes == 1, must be >= 2"),
    (-3, ValueError, "n_classes == -3, must be >= 2"),
    (2.0, TypeError, "n_classes must be an instance of"),
])
def test_fewer_than_two_classes_are_refused(n_classes, error, message):
    with pytest.raises(error, match=message):
        make_noisy_classification(n_classes=n_classes, random_state=0)


@pytest.mark.parametrize("n_class, message", [(0, "n_class == 0, must be >= 2"),
                                              (1, "n_class == 1, must be >= 2"),
                                              (11, "n_class == 11, must be <= 10")])
def test_noisy_digits_need_two_to_ten_classes(n_class, message):
    with pytest.raises(ValueError, match=message):
        load_noisy_digits(n_class=n_class, random_state=0)


def test_noisy_digits_are_the_bundled_digits_with_noise_following_the_matrix():
    X, true_labels, noisy_labels, noise_matrix = load_noisy_digits(noise=0.25, n_class=6,
                                                                   random_state=3)
    X_digits, y_digits = load_digits(n_class=6, return_X_y=True)
    np.testing.assert_array_equal(X, X_digits)
    np.testing.assert_array_equal(true_labels, y_digits)
    np.testing.assert_allclose(np.trace(noise_matrix), 6 * 0.75)
    assert_labels_follow_noise_matrix(true_labels, noisy_labels, noise_matrix)
    assert abs(np.mean(noisy_labels != true_labels) - 0.25) < 0.02


@pytest.mark.parametrize("noise", [-0.1, 0.5, 1.0, "0.2", True])
def test_noise_outside_its_range_is_refused_with_the_range(noise):
    with pytest.raises(ValueError, match=r"noise must be a number in \[0, 0.5\) for 2 classes"):
        make_noisy_classification(n_classes=2, noise=noise, random_state=0)
