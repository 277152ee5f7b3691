"""Shared data for the tests of the functional core.

Two kinds of data:

* small hand-worked problems (``three_class_problem``, ``binary_problem``), whose thresholds,
  confident joints and label issues are derived on paper in the tests that use them;
* random noisy problems, drawn by ``draw_problem`` inside hypothesis tests
  (``@given(data=st.data())``). Hypothesis draws only a few parameters and a seed; numpy then
  builds the arrays, so a failure is reproduced from the printed draws.
"""

import subprocess

import numpy as np
import pytest
from hypothesis import strategies as st


def _read_only(*arrays):
    for array in arrays:
        array.setflags(write=False)
    return arrays


@pytest.fixture
def three_class_problem():
    """Ten examples, three classes, three label errors (examples 2, 6 and 9).

    Example 3 is ambiguous: confident in no class, its argmax (1) differs from its label (0).
    """
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    pred_probs = np.array(
        [
            [0.90, 0.05, 0.05],
            [0.70, 0.20, 0.10],
            [0.20, 0.70, 0.10],  # labelled 0, confidently 1
            [0.12, 0.46, 0.42],  # labelled 0, confident in no class
            [0.10, 0.80, 0.10],
            [0.15, 0.60, 0.25],
            [0.05, 0.25, 0.70],  # labelled 1, confidently 2
            [0.10, 0.10, 0.80],
            [0.20, 0.20, 0.60],
            [0.75, 0.10, 0.15],  # labelled 2, confidently 0
        ]
    )
    return _read_only(labels, pred_probs)


@pytest.fixture
def binary_problem():
    """Twelve examples of two classes; four of class 0 lean toward 1, one of class 1 toward 0.

    Columns: ``p(0) = 1 - p(1)``. Examples of class 0, by increasing ``p(1)``: 2, 6, 9, 11,
    3, 8, 0, 5; of class 1: 4, 10, 7, 1.
    """
    labels = np.array([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0])
    p1 = np.array([0.84, 0.90, 0.02, 0.66, 0.30, 0.96, 0.04, 0.80, 0.72, 0.06, 0.70, 0.08])
    pred_probs = np.column_stack([1 - p1, p1])
    return _read_only(labels, pred_probs)


@pytest.fixture
def argmax_not_confident():
    """Example 0 (label 0) reaches t0 and t1, but its argmax, class 2, misses t2.

    t0 = (0.32 + 0.21) / 2 = 0.265, t1 = (0.30 + 0.20) / 2 = 0.25, t2 = (0.90 + 0.80) / 2 = 0.85.
    Confident classes: 0 -> {0, 1} (argmax 2, confident argmax 0); 1 -> {1}; 2 -> {0, 1}
    (argmax 0); 3 -> none; 4 -> {2}; 5 -> none.
    """
    labels = np.array([0, 0, 1, 1, 2, 2])
    pred_probs = np.array(
        [
            [0.32, 0.31, 0.37],
            [0.21, 0.70, 0.09],
            [0.60, 0.30, 0.10],
            [0.10, 0.20, 0.70],
            [0.05, 0.05, 0.90],
            [0.10, 0.10, 0.80],
        ]
    )
    return _read_only(labels, pred_probs)


def _build_problem(seed, n_samples, n_classes, dtype, *, imbalance, noise, never_predicted,
                   singleton_class, missing_classes, sharpness):
    """Random labels and out-of-sample-like predicted probabilities, at least two labels used.

    ``imbalance``: Dirichlet concentration of the class prior (small: very imbalanced).
    ``noise``: fraction of labels flipped to another present class.
    ``never_predicted``: a quarter of the classes get probabilities a thousand times smaller
    (they are never the argmax in practice).
    ``singleton_class``: one class is given to exactly one example.
    ``missing_classes``: only a random subset (at least two) of the classes appears in labels.
    ``sharpness``: how much the true class is favoured in its row.
    """
    rng = np.random.default_rng(seed)
    present = np.arange(n_classes)
    if missing_classes and n_classes > 2:
        present = np.sort(rng.choice(n_classes, size=rng.integers(2, n_classes), replace=False))
    prior = rng.dirichlet(np.full(len(present), imbalance))
    true_labels = rng.choice(present, size=n_samples, p=prior)
    labels = true_labels.copy()
    flip = rng.random(n_samples) < noise
    labels[flip] = rng.choice(present, size=int(flip.sum()))
    if n_samples >= 2:
        # Two distinct classes appear, so every implementation accepts the labels.
        labels[0], labels[1] = present[0], present[1]
        if singleton_class and n_samples >= 3:
            labels[2:][labels[2:] == present[0]] = present[1]
    pred_probs = rng.dirichlet(np.full(n_classes, 0.5), n_samples)
    pred_probs[np.arange(n_samples), true_labels] += rng.exponential(sharpness, n_samples)
    if never_predicted:
        dead = rng.choice(n_classes, size=max(1, n_classes // 4), replace=False)
        pred_probs[:, dead] *= 1e-3
    pred_probs /= pred_probs.sum(axis=1, keepdims=True)
    return labels, pred_probs.astype(dtype)


def draw_problem(data, *, sizes=("small", "small", "small", "medium", "medium", "large"),
                 dtypes=(np.float32, np.float64)):
    """Draw ``(labels, pred_probs)`` from hypothesis's ``data`` object (see module docstring)."""
    size = data.draw(st.sampled_from(sizes), label="size")
    n_samples = data.draw(
        {
            "small": st.integers(1, 40),
            "medium": st.integers(41, 400),
            "large": st.integers(401, 3000),
        }[size],
        label="n_samples",
    )
    n_classes = data.draw(st.integers(2, 6) | st.integers(7, 50), label="n_classes")
    return _build_problem(
        data.draw(st.integers(0, 2**32 - 1), label="seed"),
        n_samples,
        n_classes,
        data.draw(st.sampled_from(dtypes), label="dtype"),
        imbalance=data.draw(st.sampled_from([0.3, 1.0, 10.0]), label="imbalance"),
        noise=data.draw(st.sampled_from([0.0, 0.1, 0.4]), label="noise"),
        never_predicted=data.draw(st.booleans(), label="never_predicted"),
        singleton_class=data.draw(st.booleans(), label="singleton_class"),
        missing_classes=data.draw(st.booleans(), label="missing_classes"),
        sharpness=data.draw(st.sampled_from([0.2, 1.0, 5.0]), label="sharpness"),
    )


@pytest.fixture(scope="session")
def problem_drawer():
    """``draw_problem`` as a fixture (test modules are not importable from each other)."""
    return draw_problem


def ties_within_classes(labels, pred_probs):
    """True if some class has two equal self-confidences or two equal margins toward a class.

    These are the quantities the pruning methods sort, computed in the input's precision.
    """
    for k in np.unique(labels):
        members = pred_probs[labels == k]
        margins = np.sort(members - members[:, [k]], axis=0)
        margins = np.delete(margins, k, axis=1)
        if np.any(np.diff(margins, axis=0) == 0):
            return True
        if np.any(np.diff(np.sort(members[:, k])) == 0):
            return True
    return False


@pytest.fixture(scope="session")
def tie_checker():
    """``ties_within_classes`` as a fixture."""
    return ties_within_classes


@pytest.fixture
def here(tmp_path, monkeypatch, capsys):
    """``here(*args)`` runs ``main(args)`` in ``tmp_path``; returns a CompletedProcess-like."""
    from sklearn_noisy import cli

    monkeypatch.chdir(tmp_path)

    def run_main(*args):
        status = cli.main(list(map(str, args)))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, status, out, err)
    return run_main
