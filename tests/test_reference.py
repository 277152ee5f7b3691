"""Differential tests against the reference implementation, cleanlab 2.9.0.

Random noisy problems (conftest.draw_problem): n from 1 to 3000 (mostly small), K from 2 to 50,
float32 and float64, imbalanced priors, classes never predicted, a class with one example,
classes missing from the labels. Where the reference rejects an input, the example is skipped.

Exact agreement is expected for counts, masks and indices, and for the scores computed with the
same floating-point operations; the others agree to rounding. Exact ties are excluded from the
comparisons of what is sorted (margins and self-confidences within a class, scores at a cut or
among ranked issues): this library breaks them by index, the reference by its sort's internals.
Probabilities near a threshold are *not* excluded: both compute bit-identical thresholds and
compare them in the same precision, so they must agree there too.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from sklearn_noisy import count, filter, latent_algebra, rank
from sklearn_noisy._validation import FILTER_BY, RANK_BY

cleanlab = pytest.importorskip("cleanlab")
if cleanlab.__version__ != "2.9.0":
    pytest.skip("the differential tests pin cleanlab 2.9.0", allow_module_level=True)

import cleanlab.count as cl_count
import cleanlab.filter as cl_filter
import cleanlab.internal.latent_algebra as cl_latent
import cleanlab.internal.util as cl_util
import cleanlab.rank as cl_rank

pytestmark = pytest.mark.filterwarnings("ignore")

SOME = settings(max_examples=75, deadline=None,
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
PRUNING = ("prune_by_noise_rate", "prune_by_class", "both")


def reference(function, *args, **kwargs):
    """Call cleanlab; skip the example if it rejects the input."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return function(*args, **kwargs)
        except (ValueError, AssertionError, TypeError):
            reject()


def tie_at_cut(scores, n_selected):
    """Whether the ``n_selected`` lowest scores are ambiguous because of an exact tie."""
    ordered = np.sort(scores)
    return 0 < n_selected < len(scores) and ordered[n_selected - 1] == ordered[n_selected]


def crowded(scores, relative_gap):
    """Whether two scores are equal or closer than ``relative_gap`` (relative to the largest)."""
    ordered = np.sort(scores)
    scale = max(float(np.max(np.abs(ordered), initial=0)), 1e-300)
    return bool(np.any(np.diff(ordered) <= relative_gap * scale))


def score_tolerance(dtype):
    return {"rtol": 1e-6, "atol": 1e-7} if dtype == np.float32 else {"rtol": 1e-12, "atol": 1e-15}


# --- count ------------------------------------------------------------------------------------


@SOME
@given(data=st.data())
def test_thresholds_match_exactly_in_the_same_dtype(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    ours = count.get_confident_thresholds(labels, pred_probs, n_jobs=1)
    theirs = reference(cl_count.get_confident_thresholds, labels, pred_probs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


@SOME
@given(data=st.data())
def test_raw_confident_joint_and_off_diagonal_indices_match_exactly(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    n_jobs = data.draw(st.sampled_from([1, 2]), label="n_jobs")
    ours = count.compute_confident_joint(labels, pred_probs, calibrate=False,
                                         return_indices_of_off_diagonals=True, n_jobs=n_jobs)
    theirs = reference(cl_count.compute_confident_joint, labels, pred_probs, calibrate=False,
                       return_indices_of_off_diagonals=True)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


@SOME
@given(data=st.data())
def test_calibrated_confident_joint_matches_exactly(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    theirs = reference(cl_count.compute_confident_joint, labels, pred_probs)
    np.testing.assert_array_equal(count.compute_confident_joint(labels, pred_probs, n_jobs=1),
                                  theirs)
    # Calibrating a given joint uses the given array as it is, like the reference.
    raw = np.asfortranarray(cl_count.compute_confident_joint(labels, pred_probs, calibrate=False))
    np.testing.assert_array_equal(count.calibrate_confident_joint(raw, labels),
                                  cl_count.calibrate_confident_joint(raw, labels))


def test_calibrated_joint_is_summed_like_the_reference():
    labels = np.array([2, 2, 3, 1])
    pred_probs = np.array(
        [[0.41, 0.04, 0.36, 0.19], [0.55, 0.09, 0.13, 0.23], [0.06, 0.05, 0.56, 0.33],
         [0.09, 0.04, 0.84, 0.03]]
    )
    np.testing.assert_array_equal(count.compute_confident_joint(labels, pred_probs),
                                  cl_count.compute_confident_joint(labels, pred_probs))


@SOME
@given(data=st.data(), py_method=st.sampled_from(latent_algebra.PY_METHODS),
       converge=st.booleans())
def test_latent_estimates_match_to_rounding(data, py_method, converge, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    # Both get the reference's joint, so this is independent of how it was calibrated.
    joint = reference(cl_count.compute_confident_joint, labels, pred_probs)
    theirs = reference(cl_count.estimate_latent, joint, labels, py_method=py_method,
                       converge_latent_estimates=converge)  # a singular matrix is skipped
    ours = count.estimate_latent(joint, labels, py_method=py_method,
                                 converge_latent_estimates=converge)
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@SOME
@given(data=st.data(), converge=st.booleans())
def test_joint_and_noise_matrices_from_probabilities_match_to_rounding(data, converge,
                                                                      problem_drawer):
    labels, pred_probs = problem_drawer(data)
    theirs_joint = reference(cl_count.estimate_joint, labels, pred_probs)
    theirs = reference(cl_count.estimate_py_and_noise_matrices_from_probabilities, labels,
                       pred_probs, converge_latent_estimates=converge)
    np.testing.assert_allclose(count.estimate_joint(labels, pred_probs, n_jobs=1), theirs_joint,
                               rtol=1e-12, atol=1e-15)
    ours = count.estimate_py_and_noise_matrices_from_probabilities(
        labels, pred_probs, converge_latent_estimates=converge, n_jobs=1)
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


@SOME
@given(data=st.data())
def test_num_label_issues_matches_for_every_estimation_method(data, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    assert count.num_label_issues(labels, pred_probs, n_jobs=1) == reference(
        cl_count.num_label_issues, labels, pred_probs)
    raw = cl_count.compute_confident_joint(labels, pred_probs, calibrate=False)
    assert count.num_label_issues(labels, pred_probs, confident_joint=raw,
                                  estimation_method="off_diagonal_custom") == reference(
        cl_count.num_label_issues, labels, pred_probs, confident_joint=raw,
        estimation_method="off_diagonal_custom")
    theirs = reference(cl_count.num_label_issues, labels, pred_probs,
                       estimation_method="off_diagonal_calibrated")
    assert count.num_label_issues(labels, pred_probs, n_jobs=1,
                                  estimation_method="off_diagonal_calibrated") == theirs


# --- filter -----------------------------------------------------------------------------------


def draw_options(data, filter_by, labels, n_classes):
    """frac_noise, min_examples_per_class and (for the pruning methods) num_to_remove_per_class."""
    options = {}
    if data.draw(st.booleans(), label="set frac_noise"):
        options["frac_noise"] = data.draw(st.floats(0.05, 1.0), label="frac_noise")
    if data.draw(st.booleans(), label="set min_examples_per_class"):
        options["min_examples_per_class"] = data.draw(st.integers(0, 40), label="min_examples")
    if filter_by in PRUNING and data.draw(st.booleans(), label="set num_to_remove_per_class"):
        counts = np.bincount(labels, minlength=n_classes)
        rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="quota_seed"))
        options["num_to_remove_per_class"] = rng.integers(0, counts + 1).tolist()
    return options


def assume_unambiguous_mask(filter_by, labels, pred_probs, tie_checker):
    if filter_by in PRUNING:
        assume(not tie_checker(labels, pred_probs))
    elif filter_by.startswith("low_"):
        scores = cl_rank.get_label_quality_scores(labels, pred_probs, method=filter_by[4:])
        assume(not tie_at_cut(scores, cl_count.num_label_issues(labels, pred_probs)))


@pytest.mark.parametrize("filter_by", FILTER_BY)
@SOME
@given(data=st.data())
def test_masks_match_exactly(data, filter_by, problem_drawer, tie_checker):
    labels, pred_probs = problem_drawer(data)
    options = draw_options(data, filter_by, labels, pred_probs.shape[1])
    theirs = reference(cl_filter.find_label_issues, labels, pred_probs, filter_by=filter_by,
                       n_jobs=1, **options)
    assume_unambiguous_mask(filter_by, labels, pred_probs, tie_checker)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours = filter.find_label_issues(labels, pred_probs, filter_by=filter_by, n_jobs=1,
                                        **options)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("filter_by", PRUNING)
@SOME
@given(data=st.data())
def test_masks_from_a_given_confident_joint_match_exactly(data, filter_by, problem_drawer,
                                                          tie_checker):
    # Independent of how the joint was calibrated: both get the same one.
    labels, pred_probs = problem_drawer(data)
    assume(not tie_checker(labels, pred_probs))
    calibrate = data.draw(st.booleans(), label="calibrate")
    joint = reference(cl_count.compute_confident_joint, labels, pred_probs, calibrate=calibrate)
    options = draw_options(data, filter_by, labels, pred_probs.shape[1])
    theirs = reference(cl_filter.find_label_issues, labels, pred_probs, filter_by=filter_by,
                       confident_joint=joint, n_jobs=1, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours = filter.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                        confident_joint=joint, n_jobs=1, **options)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("rank_by", RANK_BY)
@SOME
@given(data=st.data(), filter_by=st.sampled_from(FILTER_BY))
def test_ranked_indices_match_exactly(data, rank_by, filter_by, problem_drawer, tie_checker):
    labels, pred_probs = problem_drawer(data)
    kwargs = {}
    if rank_by != "confidence_weighted_entropy" and data.draw(st.booleans(), label="adjust"):
        kwargs["adjust_pred_probs"] = True
    theirs = reference(cl_filter.find_label_issues, labels, pred_probs, filter_by=filter_by,
                       return_indices_ranked_by=rank_by, rank_by_kwargs=kwargs, n_jobs=1)
    assume_unambiguous_mask(filter_by, labels, pred_probs, tie_checker)
    # Scores computed with other float operations must not be closer than their rounding.
    exact = rank_by != "confidence_weighted_entropy" and not kwargs
    gap = 0 if exact else score_tolerance(pred_probs.dtype)["rtol"] * 10
    scores = cl_rank.get_label_quality_scores(labels, pred_probs, method=rank_by, **kwargs)
    assume(not crowded(scores[theirs], gap))
    ours = filter.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                    return_indices_ranked_by=rank_by, rank_by_kwargs=kwargs,
                                    n_jobs=1)
    np.testing.assert_array_equal(ours, theirs)


def edge_cases():
    rng = np.random.default_rng(0)
    wide = rng.dirichlet(np.full(50, 0.3), 10)
    zero_column = rng.dirichlet(np.ones(4), 30)
    zero_column[:, 3] = 0
    zero_column /= zero_column.sum(axis=1, keepdims=True)
    singleton = rng.dirichlet(np.ones(3), 25)
    return {
        "one example": (np.array([0]), np.array([[0.3, 0.7]])),
        "50 classes, 10 examples": (rng.integers(0, 50, 10), wide),
        "never predicted, never given": (rng.integers(0, 3, 30), zero_column),
        "class with one example": (np.r_[2, rng.integers(0, 2, 24)], singleton),
        "float32, 50 classes": (rng.integers(0, 50, 400),
                                rng.dirichlet(np.full(50, 0.2), 400).astype(np.float32)),
    }


@pytest.mark.parametrize("case", sorted(edge_cases()))
def test_edge_cases_match_the_reference(case, tie_checker):
    labels, pred_probs = edge_cases()[case]
    assert not tie_checker(labels, pred_probs)
    compared = 0
    for filter_by in FILTER_BY:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = cl_filter.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                                     n_jobs=1)
        except ValueError:
            continue  # the reference refuses one-class labels for some methods
        ours = filter.find_label_issues(labels, pred_probs, filter_by=filter_by, n_jobs=1)
        np.testing.assert_array_equal(ours, theirs, err_msg=filter_by)
        compared += 1
    assert compared >= 4
    np.testing.assert_array_equal(count.compute_confident_joint(labels, pred_probs),
                                  cl_count.compute_confident_joint(labels, pred_probs))
    for method in RANK_BY:
        np.testing.assert_allclose(
            rank.get_label_quality_scores(labels, pred_probs, method=method),
            cl_rank.get_label_quality_scores(labels, pred_probs, method=method),
            **score_tolerance(pred_probs.dtype))


# --- rank -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", RANK_BY)
@SOME
@given(data=st.data(), adjust=st.booleans())
def test_quality_scores_match_to_rounding(data, method, adjust, problem_drawer):
    assume(not (adjust and method == "confidence_weighted_entropy"))
    labels, pred_probs = problem_drawer(data)
    theirs = reference(cl_rank.get_label_quality_scores, labels, pred_probs, method=method,
                       adjust_pred_probs=adjust)
    ours = rank.get_label_quality_scores(labels, pred_probs, method=method,
                                         adjust_pred_probs=adjust, n_jobs=1)
    assert ours.dtype == pred_probs.dtype
    if method != "confidence_weighted_entropy" and not adjust:
        np.testing.assert_array_equal(ours, theirs)  # the same float operations
    else:
        np.testing.assert_allclose(ours, theirs, **score_tolerance(pred_probs.dtype))


@pytest.mark.parametrize("rank_by", RANK_BY)
@SOME
@given(data=st.data())
def test_order_label_issues_and_top_issues_match(data, rank_by, problem_drawer):
    labels, pred_probs = problem_drawer(data)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="mask_seed"))
    mask = rng.random(len(labels)) < data.draw(st.sampled_from([0.05, 0.3, 1.0]), label="frac")
    scores = reference(cl_rank.get_label_quality_scores, labels, pred_probs, method=rank_by)
    theirs = reference(cl_rank.order_label_issues, mask, labels, pred_probs, rank_by=rank_by)
    gap = 0 if rank_by != "confidence_weighted_entropy" else score_tolerance(
        pred_probs.dtype)["rtol"] * 10
    assume(not crowded(scores[mask], gap))
    np.testing.assert_array_equal(
        rank.order_label_issues(mask, labels, pred_probs, rank_by=rank_by, n_jobs=1), theirs)
    top = data.draw(st.integers(0, 20), label="top")
    assume(not crowded(np.sort(scores)[:top + 1], 0))
    np.testing.assert_array_equal(rank.find_top_issues(scores, top=top),
                                  cl_rank.find_top_issues(scores, top=top))


# --- latent algebra ---------------------------------------------------------------------------


@st.composite
def noisy_channels(draw):
    """ps, py, a column-stochastic noise matrix and its inverse, with some extreme entries."""
    n_classes = draw(st.integers(2, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    concentration = draw(st.sampled_from([0.05, 1.0, 20.0]))
    noise_matrix = rng.dirichlet(np.full(n_classes, concentration), n_classes).T
    noise_matrix[np.diag_indices(n_classes)] += draw(st.sampled_from([0.0, 1.0, 5.0]))
    noise_matrix /= noise_matrix.sum(axis=0)
    inverse = rng.dirichlet(np.full(n_classes, concentration), n_classes).T
    py = rng.dirichlet(np.full(n_classes, concentration))
    ps = rng.dirichlet(np.full(n_classes, concentration))
    return ps, py, noise_matrix, inverse


@settings(max_examples=60, deadline=None)
@given(noisy_channels())
def test_latent_algebra_matches_to_rounding(channels):
    ps, py, noise_matrix, inverse = channels
    close = {"rtol": 1e-12, "atol": 1e-15}
    np.testing.assert_allclose(latent_algebra.clip_noise_rates(noise_matrix * 1.5 - 0.1),
                               cl_util.clip_noise_rates(noise_matrix * 1.5 - 0.1), **close)
    np.testing.assert_allclose(latent_algebra.clip_values(py - 0.05, low=0, high=0.5, new_sum=2),
                               cl_util.clip_values(py - 0.05, low=0, high=0.5, new_sum=2), **close)
    np.testing.assert_allclose(latent_algebra.compute_inv_noise_matrix(py, noise_matrix),
                               cl_latent.compute_inv_noise_matrix(py, noise_matrix), **close)
    np.testing.assert_allclose(latent_algebra.compute_inv_noise_matrix(py, noise_matrix, ps=ps),
                               cl_latent.compute_inv_noise_matrix(py, noise_matrix, ps=ps), **close)
    np.testing.assert_allclose(latent_algebra.compute_noise_matrix_from_inverse(ps, inverse),
                               cl_latent.compute_noise_matrix_from_inverse(ps, inverse), **close)
    np.testing.assert_allclose(
        latent_algebra.compute_noise_matrix_from_inverse(ps, inverse, py=py),
        cl_latent.compute_noise_matrix_from_inverse(ps, inverse, py=py), **close)
    for method in ("cnt", "marginal_ps", "marginal"):
        np.testing.assert_allclose(
            latent_algebra.compute_py(ps, noise_matrix, inverse, py_method=method,
                                      true_labels_class_counts=py * 100),
            cl_latent.compute_py(ps, noise_matrix, inverse, py_method=method,
                                 true_labels_class_counts=py * 100), **close)
    try:
        theirs = cl_latent.compute_py(ps, noise_matrix, inverse, py_method="eqn")
    except np.linalg.LinAlgError:
        return
    np.testing.assert_allclose(latent_algebra.compute_py(ps, noise_matrix, inverse,
                                                         py_method="eqn"), theirs, **close)
