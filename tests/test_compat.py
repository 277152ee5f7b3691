import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.naive_bayes import GaussianNB

from sklearn_noisy import compat, count, filter, latent_algebra, noise_generation

cleanlab_filter = pytest.importorskip("cleanlab.filter")


def random_inputs(seed, n_samples=300, n_classes=4, noise=0.25):
    """Tie-free predicted probabilities that mostly agree with labels, some flipped."""
    rng = np.random.default_rng(seed)
    true = rng.integers(0, n_classes, n_samples)
    logits = rng.normal(size=(n_samples, n_classes))
    logits[np.arange(n_samples), true] += 2.5
    pred_probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.where(rng.random(n_samples) < noise, rng.integers(0, n_classes, n_samples), true)
    labels[:n_classes] = np.arange(n_classes)  # every class present
    return labels, pred_probs


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("prune_method", ["prune_by_noise_rate", "prune_by_class", "both"])
def test_get_noise_indices_agrees_with_reference_with_classic_class_minimum(seed, prune_method):
    s, psx = random_inputs(seed)
    ours = compat.get_noise_indices(s, psx, prune_method=prune_method)
    theirs = cleanlab_filter.find_label_issues(s, psx, filter_by=prune_method,
                                               min_examples_per_class=5, n_jobs=1)
    np.testing.assert_array_equal(ours, theirs)
    assert ours.any()


@pytest.mark.parametrize(
    "sorted_index_method, ranked_by",
    [("prob_given_label", "self_confidence"), ("normalized_margin", "normalized_margin")],
)
def test_sorted_index_method_maps_to_return_indices_ranked_by(sorted_index_method, ranked_by):
    s, psx = random_inputs(0)
    ours = compat.get_noise_indices(s, psx, sorted_index_method=sorted_index_method)
    theirs = cleanlab_filter.find_label_issues(s, psx, return_indices_ranked_by=ranked_by,
                                               min_examples_per_class=5, n_jobs=1)
    np.testing.assert_array_equal(ours, theirs)


def test_get_noise_indices_forwards_every_option():
    s, psx = random_inputs(1)
    confident_joint = count.compute_confident_joint(s, psx)
    options = {"frac_noise": 0.5, "num_to_remove_per_class": [3, 2, 1, 0],
               "confident_joint": confident_joint, "n_jobs": 1}
    ours = compat.get_noise_indices(s, psx, prune_method="prune_by_class",
                                    min_examples_per_class=2, **options)
    expected = filter.find_label_issues(s, psx, filter_by="prune_by_class",
                                        min_examples_per_class=2, **options)
    np.testing.assert_array_equal(ours, expected)
    # The unused classic parameters change nothing.
    np.testing.assert_array_equal(
        compat.get_noise_indices(s, psx, inverse_noise_matrix=np.eye(4), verbose=1),
        compat.get_noise_indices(s, psx),
    )


def test_get_noise_indices_multi_label_is_the_one_vs_rest_filter():
    rng = np.random.default_rng(0)
    pred_probs = rng.uniform(0.05, 0.95, size=(60, 3))
    labels = [list(np.flatnonzero(row > 0.5)) or [int(row.argmax())] for row in pred_probs]
    for i in range(0, 60, 7):  # some wrong labels
        labels[i] = [int(pred_probs[i].argmin())]
    ours = compat.get_noise_indices(labels, pred_probs, multi_label=True)
    expected = filter.find_label_issues(labels, pred_probs, multi_label=True,
                                        min_examples_per_class=5)
    np.testing.assert_array_equal(ours, expected)
    assert ours.any()


def test_classic_order_of_label_errors():
    s, psx = random_inputs(2)
    mask = compat.get_noise_indices(s, psx)
    self_confidence = psx[np.arange(len(s)), s]
    # The classic normalized margin: p(given label) - max over all classes.
    classic_margin = self_confidence - psx.max(axis=1)
    indices = np.flatnonzero(mask)
    np.testing.assert_array_equal(compat.order_label_errors(mask, psx, s),
                                  indices[np.argsort(classic_margin[indices])])
    np.testing.assert_array_equal(compat.order_label_errors(mask, psx, s, "prob_given_label"),
                                  indices[np.argsort(self_confidence[indices])])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s, psx: compat.get_noise_indices(s, psx, prune_method="prune"),
         "'prune_method' parameter of get_noise_indices must be a str among .*Got 'prune'"),
        (lambda s, psx: compat.get_noise_indices(s, psx, sorted_index_method="margin"),
         "sorted_index_method='margin' is not supported"),
        (lambda s, psx: compat.order_label_errors(s == 0, psx, s, None),
         "to order label errors"),
        (lambda s, psx: compat.compute_confident_joint(s, psx, K=3), "K=3 does not match"),
    ],
)
def test_bad_classic_arguments_are_named_in_the_error(call, message):
    s, psx = random_inputs(0)
    with pytest.raises(ValueError, match=message):
        call(s, psx)


def test_latent_estimation_names_return_what_count_returns():
    s, psx = random_inputs(3)
    confident_joint = count.compute_confident_joint(s, psx)
    # Classic positional order: (s, psx, K, thresholds, calibrate).
    np.testing.assert_array_equal(compat.compute_confident_joint(s, psx, 4, None, False),
                                  count.compute_confident_joint(s, psx, calibrate=False))
    cj, off_diagonal = compat.compute_confident_joint(s, psx,
                                                      return_indices_of_off_diagonals=True)
    np.testing.assert_array_equal(cj, confident_joint)
    np.testing.assert_array_equal(
        off_diagonal,
        count.compute_confident_joint(s, psx, return_indices_of_off_diagonals=True)[1])
    raw = count.compute_confident_joint(s, psx, calibrate=False)
    np.testing.assert_array_equal(compat.calibrate_confident_joint(raw, s),
                                  count.calibrate_confident_joint(raw, s))
    np.testing.assert_allclose(compat.estimate_joint(s, psx), count.estimate_joint(s, psx))
    for ours, expected in zip(compat.estimate_latent(confident_joint, s, "eqn", True),
                              count.estimate_latent(confident_joint, s, py_method="eqn",
                                                    converge_latent_estimates=True)):
        np.testing.assert_allclose(ours, expected)
    for ours, expected in zip(
        compat.estimate_py_and_noise_matrices_from_probabilities(s, psx),
        count.estimate_py_and_noise_matrices_from_probabilities(s, psx),
    ):
        np.testing.assert_allclose(ours, expected)
    assert compat.num_label_errors(s, psx) == count.num_label_issues(
        s, psx, estimation_method="off_diagonal_calibrated")
    assert compat.num_label_errors(s, psx, confident_joint) == count.num_label_issues(
        s, psx, confident_joint=confident_joint, estimation_method="off_diagonal_custom")


def test_cross_validation_names_map_cv_n_folds_and_seed():
    X, y = make_classification(n_samples=120, n_classes=3, n_informative=4, random_state=0)
    clf = GaussianNB()
    psx = compat.estimate_cv_predicted_probabilities(X, y, clf, cv_n_folds=3, seed=1)
    np.testing.assert_array_equal(
        psx, count.estimate_cv_predicted_probabilities(X, y, clf, cv=3, random_state=1))
    cj, psx2 = compat.estimate_confident_joint_and_cv_pred_proba(X, y, clf, 3, seed=1)
    np.testing.assert_array_equal(psx2, psx)
    np.testing.assert_array_equal(cj, count.compute_confident_joint(y, psx))
    py, nm, inv, cj3, psx3 = compat.estimate_py_noise_matrices_and_cv_pred_proba(
        X, y, clf, cv_n_folds=3, seed=1)
    np.testing.assert_array_equal(psx3, psx)
    np.testing.assert_array_equal(cj3, cj)
    expected = count.estimate_latent(cj, y)
    for ours, theirs in zip((py, nm, inv), expected):
        np.testing.assert_allclose(ours, theirs)
    noise_matrix, inverse = compat.estimate_noise_matrices(X, y, clf, cv_n_folds=3, seed=1,
                                                           converge_latent_estimates=False)
    np.testing.assert_allclose(noise_matrix, nm)
    np.testing.assert_allclose(inverse, inv)


def test_classic_readme_workflow_runs_with_keyword_names():
    # The classic README's "estimate everything, then find the label errors" example, with
    # only the import changed.
    from sklearn_noisy.compat import (
        estimate_py_noise_matrices_and_cv_pred_proba,
        generate_noise_matrix_from_trace,
        generate_noisy_labels,
        get_noise_indices,
    )

    X, y = make_classification(n_samples=300, n_classes=3, n_informative=5,
                               class_sep=2.0, random_state=0)
    py = np.bincount(y) / len(y)
    noise_matrix = generate_noise_matrix_from_trace(
        K=3, trace=2.4, py=py, frac_zero_noise_rates=0.3, valid_noise_matrix=True,
    )
    s = generate_noisy_labels(y, noise_matrix)
    est_py, est_nm, est_inv, confident_joint, psx = (
        estimate_py_noise_matrices_and_cv_pred_proba(
            X=X, s=s, clf=GaussianNB(), cv_n_folds=5, seed=0,
        )
    )
    label_errors = get_noise_indices(
        s=s, psx=psx, inverse_noise_matrix=est_inv, confident_joint=confident_joint,
        prune_method="prune_by_noise_rate",
    )
    flipped = s != y
    assert est_py.shape == (3,) and est_nm.shape == (3, 3)
    assert label_errors.shape == s.shape
    # About 20% of the labels are flipped (exactly 1 - trace(P(s, y)), up to rounding); what
    # is flagged is mostly flipped, and most flips are flagged (the flips are drawn afresh
    # each run, as in the classic README).
    assert flipped.mean() == pytest.approx(1 - np.diagonal(noise_matrix) @ py, abs=0.01)
    assert flipped[label_errors].mean() > 0.45
    assert label_errors[flipped].mean() > 0.5
    assert noise_generation.noise_matrix_is_valid(noise_matrix, py)


def test_classic_noise_generation_names():
    py = np.array([0.2, 0.3, 0.5])
    # The classic default seed is 0: the same matrix every time.
    first = compat.generate_noise_matrix_from_trace(3, 2.0, py=py)
    np.testing.assert_array_equal(first, compat.generate_noise_matrix_from_trace(3, 2.0, py=py))
    np.testing.assert_array_equal(
        first, noise_generation.generate_noise_matrix_from_trace(3, 2.0, py=py, random_state=0))
    assert compat.noise_matrix_is_valid(first, py, verbose=True)
    with pytest.raises(ValueError, match="min_trace_prob other than the classic default"):
        compat.generate_noise_matrix_from_trace(3, 2.0, py=py, min_trace_prob=0.1)
    y = np.repeat([0, 1, 2], 20)
    np.testing.assert_array_equal(
        compat.generate_noisy_labels(y, first, seed=3),
        noise_generation.generate_noisy_labels(y, first, random_state=3))


def test_classic_latent_algebra_takes_optional_arguments_by_position():
    noise_matrix = np.array([[0.8, 0.4], [0.2, 0.6]])
    py, ps = np.array([0.5, 0.5]), np.array([0.6, 0.4])
    inverse = compat.compute_inv_noise_matrix(py, noise_matrix, ps)
    np.testing.assert_allclose(inverse, latent_algebra.compute_inv_noise_matrix(py, noise_matrix))
    np.testing.assert_allclose(compat.compute_noise_matrix_from_inverse(ps, inverse, py),
                               noise_matrix)
    np.testing.assert_allclose(compat.compute_py(ps, noise_matrix, inverse, "marginal_ps"), py)
    pred_probs = np.array([[0.9, 0.1], [0.3, 0.7]])
    np.testing.assert_array_equal(compat.compute_pyx(pred_probs, noise_matrix, inverse),
                                  latent_algebra.compute_pyx(pred_probs, noise_matrix, inverse))
    assert compat.compute_py_inv_noise_matrix is latent_algebra.compute_py_inv_noise_matrix


def test_every_public_name_exists():
    for name in compat.__all__:
        assert callable(getattr(compat, name)), name


def test_classic_readme_example_runs_with_only_the_import_changed():
    X, true_labels = make_classification(n_samples=300, n_features=6, random_state=0)
    noisy = true_labels.copy()
    noisy[:30] = 1 - noisy[:30]
    X_train_data, train_noisy_labels, X_test = X[:250], noisy[:250], X[250:]
    # The classic README, with "from cleanlab.classification" replaced:
    from sklearn.linear_model import LogisticRegression

    from sklearn_noisy.compat import LearningWithNoisyLabels

    lnl = LearningWithNoisyLabels(clf=LogisticRegression())
    lnl.fit(X=X_train_data, s=train_noisy_labels)
    predicted_test_labels = lnl.predict(X_test)

    assert predicted_test_labels.shape == (50,)
    assert np.mean(predicted_test_labels == true_labels[250:]) > 0.8
    assert lnl.noise_mask.sum() > 0


def test_learning_with_noisy_labels_is_the_meta_estimator_under_classic_names():
    from sklearn_noisy import ConfidentLearningClassifier

    X, y = make_classification(n_samples=200, n_features=5, random_state=1)
    y[:20] = 1 - y[:20]
    classic = compat.LearningWithNoisyLabels(
        clf=GaussianNB(), seed=3, cv_n_folds=4, prune_method="both"
    ).fit(X, y)
    modern = ConfidentLearningClassifier(
        GaussianNB(), random_state=3, cv=4, filter_by="both", min_examples_per_class=5,
        preset="reference",
    ).fit(X, y)
    np.testing.assert_array_equal(classic.noise_mask, modern.label_issues_)
    np.testing.assert_array_equal(classic.predict_proba(X), modern.predict_proba(X))
    assert sorted(classic.get_params(deep=False)) == [
        "clf", "converge_latent_estimates", "cv_n_folds", "n_jobs", "prune_method",
        "pulearning", "seed",
    ]


def test_learning_with_noisy_labels_takes_the_labels_once():
    X, y = make_classification(n_samples=60, random_state=0)
    model = compat.LearningWithNoisyLabels(clf=GaussianNB(), seed=0)
    with pytest.raises(ValueError, match="not both"):
        model.fit(X, y, s=y)
    with pytest.raises(ValueError, match="requires y"):
        model.fit(X)
