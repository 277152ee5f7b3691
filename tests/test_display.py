import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.naive_bayes import GaussianNB

from sklearn_noisy import NoiseEstimator, count
from sklearn_noisy.display import NoiseMatrixDisplay, PolyplexDisplay
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
