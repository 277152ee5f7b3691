import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.naive_bayes import GaussianNB

from sklearn_noisy import NoiseEstimator, count, filter, rank
from sklearn_noisy.display import LabelIssuesDisplay, NoiseMatrixDisplay, PolyplexDisplay
from sklearn_noisy.polyplex import joint_bounds, joint_min_max

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")

LABELS = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
PRED_PROBS = np.array([
    [0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.1, 0.8, 0.1],
    [0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8],
    [0.1, 0.1, 0.8], [0.2, 0.1, 0.7], [0.7, 0.2, 0.1],
])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def ax():
    return plt.subplots()[1]


@pytest.fixture(scope="module")
def fitted_noise_estimator():
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    return NoiseEstimator(GaussianNB(), random_state=0).fit(X, names)


# --- NoiseMatrixDisplay ------------------------------------------------------------------------

def test_noise_matrix_heatmap_shows_the_matrix_with_labels_and_values(ax):
    matrix = np.array([[0.9, 0.25], [0.1, 0.75]])
    original = matrix.copy()
    display = NoiseMatrixDisplay(matrix, display_labels=["cat", "dog"]).plot(ax=ax)
    np.testing.assert_array_equal(matrix, original)
    assert display.ax_ is ax and display.figure_ is ax.figure
    np.testing.assert_array_equal(display.im_.get_array(), matrix)
    assert (display.im_.norm.vmin, display.im_.norm.vmax) == (0.0, 1.0)
    texts = [[display.text_[i, j].get_text() for j in range(2)] for i in range(2)]
    assert texts == [["0.9", "0.25"], ["0.1", "0.75"]]
    assert display.text_[0, 1].get_position() == (1, 0)  # column j at x, row i at y
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog"]
    assert ax.get_xlabel() == "True label" and ax.get_ylabel() == "Given label"
    assert "P(given label | true label)" in ax.get_title()
    assert display.colorbar_ is not None


def test_text_contrasts_with_the_cell_colour(ax):
    display = NoiseMatrixDisplay(np.array([[0.9, 0.2], [0.1, 0.8]])).plot(ax=ax)
    cmap = display.im_.cmap
    assert display.text_[0, 0].get_color() == cmap(0.0)  # bright cell, dark text
    assert display.text_[1, 0].get_color() == cmap(1.0)  # dark cell, bright text


def test_inverse_noise_matrix_has_true_labels_on_the_rows(ax):
    NoiseMatrixDisplay(np.eye(2), kind="inverse_noise_matrix").plot(ax=ax)
    assert ax.get_xlabel() == "Given label" and ax.get_ylabel() == "True label"


def test_counts_are_written_as_integers_with_a_free_colour_range(ax):
    display = NoiseMatrixDisplay(np.array([[5, 1], [0, 4]]), kind="confident_joint").plot(ax=ax)
    assert display.text_[0, 0].get_text() == "5"
    assert display.im_.norm.vmax == 5


def test_plot_options_are_honoured(ax):
    display = NoiseMatrixDisplay(np.eye(2) * 0.5 + 0.25).plot(
        ax=ax, include_values=False, colorbar=False, values_format=".3f",
        im_kw={"cmap": "Greys"},
    )
    assert display.text_ is None and display.colorbar_ is None
    assert display.im_.cmap.name == "Greys"
    display = NoiseMatrixDisplay(np.eye(2) * 0.5 + 0.25).plot(ax=plt.subplots()[1],
                                                             values_format=".3f")
    assert display.text_[0, 0].get_text() == "0.750"


def test_plot_without_ax_makes_a_new_figure():
    display = NoiseMatrixDisplay(np.eye(2)).plot()
    assert display.ax_.figure is display.figure_
    assert plt.fignum_exists(display.figure_.number)


def test_plot_on_a_figure_made_without_pyplot():
    # The command line draws on matplotlib.figure.Figure, with no pyplot state.
    from matplotlib.figure import Figure

    figure = Figure()
    display = NoiseMatrixDisplay(np.eye(3), display_labels=["a", "b", "c"]).plot(
        ax=figure.subplots())
    assert display.figure_ is figure
    assert not plt.get_fignums()


@pytest.mark.parametrize("kind", ["noise_matrix", "inverse_noise_matrix", "joint",
                                  "confident_joint"])
def test_from_predictions_plots_the_estimate_of_count(kind, ax):
    display = NoiseMatrixDisplay.from_predictions(LABELS, PRED_PROBS, kind=kind, ax=ax)
    confident_joint = count.compute_confident_joint(LABELS, PRED_PROBS)
    _, noise_matrix, inverse = count.estimate_latent(confident_joint, LABELS)
    expected = {
        "noise_matrix": noise_matrix,
        "inverse_noise_matrix": inverse,
        "joint": count.estimate_joint(LABELS, PRED_PROBS),
        "confident_joint": confident_joint,
    }[kind]
    np.testing.assert_allclose(display.matrix, expected)
    np.testing.assert_allclose(display.im_.get_array(), expected)
    assert display.kind == kind and display.ax_ is ax


@pytest.mark.parametrize("kind, attribute", [("noise_matrix", "noise_matrix_"),
                                             ("inverse_noise_matrix", "inverse_noise_matrix_"),
                                             ("confident_joint", "confident_joint_")])
def test_from_estimator_plots_the_fitted_attributes(fitted_noise_estimator, kind, attribute, ax):
    display = NoiseMatrixDisplay.from_estimator(fitted_noise_estimator, kind=kind, ax=ax)
    np.testing.assert_array_equal(display.matrix, getattr(fitted_noise_estimator, attribute))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["setosa", "versicolor",
                                                            "virginica"]


def test_from_estimator_joint_sums_to_one(fitted_noise_estimator, ax):
    display = NoiseMatrixDisplay.from_estimator(fitted_noise_estimator, kind="joint", ax=ax)
    assert display.matrix.sum() == pytest.approx(1)


def test_from_estimator_needs_a_fitted_estimator(ax):
    with pytest.raises(NotFittedError):
        NoiseMatrixDisplay.from_estimator(NoiseEstimator(), ax=ax)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: NoiseMatrixDisplay(np.eye(2), kind="confusion"), "kind='confusion'"),
        (lambda: NoiseMatrixDisplay(np.ones((2, 3))), "square"),
        (lambda: NoiseMatrixDisplay(np.eye(2), display_labels=["a"]), "1 names for 2 classes"),
    ],
)
def test_bad_matrix_display_input_is_rejected(make, message, ax):
    with pytest.raises(ValueError, match=message):
        make().plot(ax=ax)


def test_from_predictions_rejects_unknown_kind(ax):
    with pytest.raises(ValueError, match="kind='noise'"):
        NoiseMatrixDisplay.from_predictions(LABELS, PRED_PROBS, kind="noise", ax=ax)


# --- PolyplexDisplay ---------------------------------------------------------------------------

def test_polyplex_draws_the_bounds_of_the_prior(ax):
    py = np.array([0.6, 0.3, 0.1])
    display = PolyplexDisplay.from_prior(py, ax=ax)
    traces, lows, highs = joint_bounds(py)
    lower, upper = display.lines_
    np.testing.assert_allclose(lower.get_xydata(), np.column_stack([traces, lows]))
    np.testing.assert_allclose(upper.get_xydata(), np.column_stack([traces, highs]))
    # The shaded polygon passes through every corner.
    vertices = display.fill_.get_paths()[0].vertices
    for corner in np.column_stack([np.r_[traces, traces], np.r_[lows, highs]]):
        assert np.any(np.all(np.isclose(vertices, corner), axis=1))
    assert display.point_ is None and display.range_ is None
    assert ax.get_xlim() == (0, 3) and ax.get_ylim() == (0, 1)
    assert "P(given label | true label)" in ax.get_xlabel()
    assert display.ax_ is ax and display.figure_ is ax.figure


def test_polyplex_marks_a_noise_matrix_inside_its_range(ax):
    py = np.array([0.6, 0.3, 0.1])
    noise_matrix = np.array([[0.8, 0.2, 0.1], [0.1, 0.7, 0.2], [0.1, 0.1, 0.7]])
    display = PolyplexDisplay.from_noise_matrix(noise_matrix, py, ax=ax)
    # trace(P(s|y)) = 2.2 and trace(P(s, y)) = 0.8 * 0.6 + 0.7 * 0.3 + 0.7 * 0.1 = 0.76.
    assert display.point == pytest.approx((2.2, 0.76))
    np.testing.assert_allclose(display.point_.get_xydata(), [[2.2, 0.76]])
    low, high = joint_min_max(2.2, py)
    np.testing.assert_allclose(display.range_.get_xydata(), [[2.2, low], [2.2, high]])
    assert low <= 0.76 <= high


def test_polyplex_from_predictions_uses_the_estimated_noise(ax):
    display = PolyplexDisplay.from_predictions(LABELS, PRED_PROBS, ax=ax)
    py, noise_matrix, _ = count.estimate_latent(
        count.compute_confident_joint(LABELS, PRED_PROBS), LABELS)
    assert display.point == pytest.approx((np.trace(noise_matrix),
                                           np.diagonal(noise_matrix) @ py))
    np.testing.assert_allclose(display.joint_trace_max, joint_bounds(py)[2])


def test_polyplex_from_estimator(fitted_noise_estimator, ax):
    display = PolyplexDisplay.from_estimator(fitted_noise_estimator, ax=ax)
    noise_matrix = fitted_noise_estimator.noise_matrix_
    assert display.point[0] == pytest.approx(np.trace(noise_matrix))
    assert display.point[1] == pytest.approx(np.diagonal(noise_matrix)
                                             @ fitted_noise_estimator.py_)


def test_polyplex_plot_without_ax_makes_a_new_figure():
    display = PolyplexDisplay.from_prior([0.5, 0.5])
    assert plt.fignum_exists(display.figure_.number)


def test_polyplex_rejects_mismatched_input(ax):
    with pytest.raises(ValueError, match=r"expected \(3, 3\)"):
        PolyplexDisplay.from_noise_matrix(np.eye(2), [0.2, 0.3, 0.5], ax=ax)
    with pytest.raises(ValueError, match="same length"):
        PolyplexDisplay([0, 1, 2], [0, 1], [0, 1]).plot(ax=ax)
    with pytest.raises(ValueError, match="py must sum to 1"):
        PolyplexDisplay.from_prior([0.5, 0.6], ax=ax)


# --- LabelIssuesDisplay ------------------------------------------------------------------------
# The issues are the rows whose given label the model contradicts: 9 (given 2, predicted 0,
# self-confidence 0.05), 3 (given 0, predicted 1, 0.1) and 6 (given 1, predicted 2, 0.15).
ISSUE_PROBS = PRED_PROBS.copy()
ISSUE_PROBS[9] = [0.75, 0.2, 0.05]
ISSUE_PROBS[6] = [0.05, 0.15, 0.8]
TRUE_LABELS = LABELS.copy()
TRUE_LABELS[9] = 0  # row 9 is a real error, rows 3 and 6 are false alarms


def test_the_issues_of_find_label_issues_are_shown_worst_first(ax):
    ranked = filter.find_label_issues(LABELS, ISSUE_PROBS,
                                      return_indices_ranked_by="self_confidence")
    np.testing.assert_array_equal(ranked, [9, 3, 6])
    display = LabelIssuesDisplay.from_predictions(LABELS, ISSUE_PROBS, ax=ax)
    np.testing.assert_array_equal(display.indices, [9, 3, 6])
    np.testing.assert_array_equal(display.given_labels, [2, 0, 1])
    np.testing.assert_array_equal(display.suggested_labels, [0, 1, 2])
    np.testing.assert_allclose(display.scores, [0.05, 0.1, 0.15])
    assert len(display.bars_) == 3
    assert [bar.get_width() for bar in display.bars_] == pytest.approx([0.05, 0.1, 0.15])
    # Bar i is at y = i, and the y axis is inverted: the worst issue is at the top.
    assert [bar.get_y() + bar.get_height() / 2 for bar in display.bars_] == [0, 1, 2]
    assert ax.yaxis_inverted()
    assert [t.get_text() for t in display.titles_] == ["#9: given 2, suggested 0",
                                                        "#3: given 0, suggested 1",
                                                        "#6: given 1, suggested 2"]
    assert [t.get_text() for t in ax.texts] == ["0.05", "0.1", "0.15"]  # values at the bars
    assert display.images_ is None and display.image_axes_ is None
    assert display.is_error_ is None and ax.get_legend() is None
    assert display.ax_ is ax and display.figure_ is ax.figure


def test_true_labels_tell_real_errors_from_false_alarms_in_the_bars(ax):
    display = LabelIssuesDisplay.from_predictions(LABELS, ISSUE_PROBS, true_labels=TRUE_LABELS,
                                                  display_labels=["a", "b", "c"], ax=ax)
    np.testing.assert_array_equal(display.is_error_, [True, False, False])
    red, grey = matplotlib.colors.to_rgba("C3"), matplotlib.colors.to_rgba("C7")
    assert [bar.get_facecolor() for bar in display.bars_] == [red, grey, grey]
    assert [t.get_text() for t in display.titles_] == ["#9: given c, suggested a",
                                                        "#3: given a, suggested b",
                                                        "#6: given b, suggested c"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["real error", "false alarm"]


def test_an_image_grid_shows_one_titled_image_per_issue(ax):
    images = np.arange(len(LABELS) * 6, dtype=float).reshape(len(LABELS), 6)
    original = images.copy()
    display = LabelIssuesDisplay.from_predictions(
        LABELS, ISSUE_PROBS, images=images, image_shape=(2, 3), true_labels=TRUE_LABELS,
        ax=ax)
    np.testing.assert_array_equal(images, original)
    assert len(display.images_) == len(display.image_axes_) == 3
    for image, row in zip(display.images_, [9, 3, 6]):
        np.testing.assert_array_equal(image.get_array(), images[row].reshape(2, 3))
    assert [cell.get_title() for cell in display.image_axes_] == [
        "#9: given 2\nsuggested 0\nscore 0.05\nreal error",
        "#3: given 0\nsuggested 1\nscore 0.1\nfalse alarm",
        "#6: given 1\nsuggested 2\nscore 0.15\nfalse alarm",
    ]
    assert [t.get_color() for t in display.titles_] == ["C3", "C7", "C7"]
    assert display.bars_ is None and not ax.axison  # the outer axes only holds the grid
    # The cells are inset in ax, left to right: the first is left of the second.
    assert all(cell in ax.child_axes for cell in display.image_axes_)
    first, second, third = (cell.get_position() for cell in display.image_axes_)
    assert first.x1 <= second.x0 and second.x1 <= third.x0


def test_the_grid_wraps_after_n_cols_and_honours_n_issues(ax):
    labels = np.repeat([0, 1], 10)
    pred_probs = np.tile([[0.9, 0.1]], (20, 1))
    pred_probs[10:] = [0.2, 0.8]
    # Issues, by self-confidence: 0 (0.1), 10 (0.15), 1 (0.2), 11 (0.25), 2 (0.3).
    pred_probs[[0, 1, 2, 10, 11]] = [[0.1, 0.9], [0.2, 0.8], [0.3, 0.7], [0.85, 0.15],
                                     [0.75, 0.25]]
    images = np.zeros((20, 4, 4, 3))
    display = LabelIssuesDisplay.from_predictions(labels, pred_probs, images=images,
                                                  n_issues=4, n_cols=3, ax=ax)
    assert len(display.images_) == 4
    assert display.images_[0].get_array().shape == (4, 4, 3)  # colour images kept as they are
    rows = [cell.get_position().y0 for cell in display.image_axes_]
    assert rows[0] == rows[1] == rows[2] > rows[3]  # three on the first row, one below
    assert [cell.get_title().split("\n")[0] for cell in display.image_axes_] == [
        "#0: given 0", "#10: given 1", "#1: given 0", "#11: given 1"]
    assert len(display.ax_.child_axes) == 4  # nothing else was drawn


def test_from_estimator_shows_the_class_names_and_the_rows_of_X(fitted_noise_estimator):
    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    noise = fitted_noise_estimator
    display = LabelIssuesDisplay.from_estimator(noise, X, names, image_shape=(2, 2),
                                                true_labels=names, n_issues=3)
    top = noise.ranked_label_issues_[:3]
    np.testing.assert_array_equal(display.indices, top)
    np.testing.assert_array_equal(display.given_labels, names[top])
    np.testing.assert_array_equal(display.suggested_labels,
                                  noise.classes_[noise.pred_probs_[top].argmax(axis=1)])
    np.testing.assert_array_equal(display.scores, noise.label_quality_scores_[top])
    for image, row in zip(display.images_, top):
        np.testing.assert_array_equal(image.get_array(), X[row].reshape(2, 2))
    assert not display.is_error_.any()  # the true labels are the given ones: all false alarms
    assert plt.fignum_exists(display.figure_.number)  # a new figure, sized for the grid


def test_from_estimator_takes_dataframes(fitted_noise_estimator, ax):
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True, as_frame=True)
    names = pd.Series(np.array(["setosa", "versicolor", "virginica"])[y])
    display = LabelIssuesDisplay.from_estimator(fitted_noise_estimator, X, names, n_issues=2,
                                                ax=ax)
    top = fitted_noise_estimator.ranked_label_issues_[:2]
    np.testing.assert_array_equal(display.given_labels, names.to_numpy()[top])
    assert len(display.bars_) == 2


def test_rank_by_sets_the_scores(ax):
    display = LabelIssuesDisplay.from_predictions(LABELS, ISSUE_PROBS,
                                                  rank_by="normalized_margin", ax=ax)
    scores = rank.get_label_quality_scores(LABELS, ISSUE_PROBS, method="normalized_margin")
    np.testing.assert_allclose(display.scores, scores[display.indices])
    assert np.all(np.diff(display.scores) >= 0)


def test_no_issues_draws_an_empty_chart(ax):
    labels = np.array([0, 0, 1, 1])
    pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.2, 0.8], [0.1, 0.9]])
    display = LabelIssuesDisplay.from_predictions(labels, pred_probs, ax=ax)
    assert len(display.bars_) == 0 and ax.get_title() == "No label issues found"


def test_the_image_grid_works_on_a_figure_made_without_pyplot():
    from matplotlib.figure import Figure

    figure = Figure()
    display = LabelIssuesDisplay([4], [1], [0], [0.2], images=np.eye(3)[None]).plot(
        ax=figure.subplots())
    assert display.figure_ is figure and len(display.images_) == 1
    assert not plt.get_fignums()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda ax: LabelIssuesDisplay([1, 2], [0], [1, 0], [0.1, 0.2]).plot(ax=ax),
         "given_labels must have one entry per flagged example"),
        (lambda ax: LabelIssuesDisplay([1], [0], [1], [0.1], images=np.ones((1, 4))).plot(
            ax=ax), r"reshape flat features first"),
        (lambda ax: LabelIssuesDisplay.from_predictions(
            LABELS, ISSUE_PROBS, images=np.ones((10, 6)), image_shape=(4, 4), ax=ax),
         r"image_shape=\(4, 4\) does not fit"),
        (lambda ax: LabelIssuesDisplay.from_predictions(LABELS, ISSUE_PROBS,
                                                        image_shape=(2, 3), ax=ax),
         "no images were given"),
        (lambda ax: LabelIssuesDisplay.from_predictions(LABELS, ISSUE_PROBS,
                                                        true_labels=LABELS[:5], ax=ax),
         "true_labels has 5 entries but .* among 10 examples"),
        (lambda ax: LabelIssuesDisplay.from_predictions(LABELS, ISSUE_PROBS, n_issues=0,
                                                        ax=ax),
         "n_issues must be a positive integer"),
        (lambda ax: LabelIssuesDisplay([1], [0], [1], [0.1], images=np.ones((1, 2, 2))).plot(
            ax=ax, n_cols=0), "n_cols must be a positive integer"),
        (lambda ax: LabelIssuesDisplay.from_predictions(LABELS, ISSUE_PROBS,
                                                        display_labels=["a"], ax=ax),
         "display_labels has 1 names for 3 classes"),
    ],
)
def test_bad_label_issues_input_is_rejected(call, message, ax):
    with pytest.raises(ValueError, match=message):
        call(ax)


def test_from_estimator_needs_the_data_it_was_fitted_on(fitted_noise_estimator, ax):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="y has 100 entries but .* among 150 examples"):
        LabelIssuesDisplay.from_estimator(fitted_noise_estimator, X[:100], y[:100], ax=ax)
    with pytest.raises(NotFittedError):
        LabelIssuesDisplay.from_estimator(NoiseEstimator(), X, y, ax=ax)
