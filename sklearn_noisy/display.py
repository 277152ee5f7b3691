"""Plots of label noise, as scikit-learn style Display objects (matplotlib is optional).

Each Display stores what it draws; ``plot(ax=...)`` draws it and returns the Display, whose
``ax_`` and ``figure_`` attributes are then the matplotlib axes and figure. Class methods build
and plot one in a single call from predictions, a fitted estimator or the matrices themselves,
like :class:`sklearn.metrics.ConfusionMatrixDisplay`. matplotlib is imported only when
something is drawn; without ``ax``, a new figure is made with :mod:`matplotlib.pyplot`.
"""

import numpy as np
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import check_is_fitted

from . import count, polyplex, rank
from . import filter as filter_

#: What each kind of matrix shows: title, row axis, column axis, fixed colour range.
MATRIX_KINDS = {
    "noise_matrix": ("Noise matrix P(given label | true label)", "Given label", "True label",
                     (0.0, 1.0)),
    "inverse_noise_matrix": ("Inverse noise matrix P(true label | given label)", "True label",
                             "Given label", (0.0, 1.0)),
    "joint": ("Joint distribution P(given label, true label)", "Given label", "True label",
              (0.0, None)),
    "confident_joint": ("Confident joint (counts)", "Given label", "True label", (0.0, None)),
}


def _check_matplotlib(name):
    try:
        import matplotlib  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"{name} draws with matplotlib, which is not installed: pip install matplotlib "
            f"(or pip install 'sklearn-noisy[plot]')."
        ) from error


def _axes(ax):
    """``ax``, or the axes of a new pyplot figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots()
    return ax


def _check_kind(kind):
    if kind not in MATRIX_KINDS:
        choices = ", ".join(repr(k) for k in MATRIX_KINDS)
        raise ValueError(f"kind={kind!r} is not supported; choose one of {choices}.")


class NoiseMatrixDisplay:
    """Heatmap of a noise matrix, its inverse, the joint or the confident joint.

    Use :meth:`from_predictions` or :meth:`from_estimator` to estimate and plot in one call.

    Parameters
    ----------
    matrix : array-like of shape (K, K)
        The matrix to draw, indexed as described by ``kind``.
    display_labels : array-like of shape (K,), default=None
        Names of the classes; ``0..K-1`` if omitted.
    kind : {'noise_matrix', 'inverse_noise_matrix', 'joint', 'confident_joint'}, \
            default='noise_matrix'
        What ``matrix`` is. Rows of ``'noise_matrix'``, ``'joint'`` and ``'confident_joint'``
        are given labels and columns true labels (``noise_matrix[i, j] = P(s=i | y=j)``);
        ``'inverse_noise_matrix'`` is the other way round (``[j, i] = P(y=j | s=i)``). Sets the
        title, the axis labels and, for the conditional probabilities, a colour range of
        ``[0, 1]``.

    Attributes
    ----------
    im_ : matplotlib.image.AxesImage
        The heatmap.
    text_ : ndarray of shape (K, K) of matplotlib.text.Text, or None
        The values written in the cells, if ``include_values``.
    colorbar_ : matplotlib.colorbar.Colorbar or None
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure

    See Also
    --------
    PolyplexDisplay : Where a noise matrix lies among those with the same trace.
    sklearn.metrics.ConfusionMatrixDisplay : The same kind of plot for predictions.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from sklearn_noisy.display import NoiseMatrixDisplay
    >>> noise_matrix = np.array([[0.9, 0.3], [0.1, 0.7]])
    >>> display = NoiseMatrixDisplay(noise_matrix, display_labels=["cat", "dog"])
    >>> display = display.plot(ax=Figure().subplots())
    >>> display.ax_.get_xlabel(), display.text_[0, 1].get_text()
    ('True label', '0.3')
    """

    def __init__(self, matrix, *, display_labels=None, kind="noise_matrix"):
        self.matrix = matrix
        self.display_labels = display_labels
        self.kind = kind

    def plot(self, *, include_values=True, cmap="viridis", xticks_rotation="horizontal",
             values_format=None, ax=None, colorbar=True, im_kw=None, text_kw=None):
        """Draw the heatmap.

        Parameters
        ----------
        include_values : bool, default=True
            Write each value in its cell.
        cmap : str or matplotlib Colormap, default='viridis'
        xticks_rotation : {'vertical', 'horizontal'} or float, default='horizontal'
        values_format : str, default=None
            Format of the values, for example ``'.2f'``; ``'.2g'`` for probabilities and
            ``'d'`` for counts if omitted.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if omitted.
        colorbar : bool, default=True
        im_kw : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.imshow`.
        text_kw : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.text`.

        Returns
        -------
        display : NoiseMatrixDisplay
            ``self``, with the attributes ``im_``, ``text_``, ``colorbar_``, ``ax_`` and
            ``figure_``.
        """
        _check_matplotlib(type(self).__name__)
        _check_kind(self.kind)
        matrix = np.asarray(self.matrix)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"matrix must be square, got shape {matrix.shape}.")
        n_classes = matrix.shape[0]
        labels = np.arange(n_classes) if self.display_labels is None else self.display_labels
        if len(labels) != n_classes:
            raise ValueError(f"display_labels has {len(labels)} names for {n_classes} classes.")
        title, row_label, column_label, (vmin, vmax) = MATRIX_KINDS[self.kind]
        ax = _axes(ax)
        figure = ax.figure
        im_kw = {"interpolation": "nearest", "cmap": cmap, "vmin": vmin, "vmax": vmax,
                 **(im_kw or {})}
        self.im_ = ax.imshow(matrix, **im_kw)
        self.text_ = None
        if include_values:
            if values_format is None:
                is_counts = np.issubdtype(matrix.dtype, np.integer)
                values_format = "d" if is_counts else ".2g"
            low, high = self.im_.norm.vmin, self.im_.norm.vmax
            colormap = self.im_.cmap
            self.text_ = np.empty((n_classes, n_classes), dtype=object)
            for (i, j), value in np.ndenumerate(matrix):
                # Dark text on the light half of the colour range, light text on the dark half.
                color = colormap(0.0) if value > (low + high) / 2 else colormap(1.0)
                self.text_[i, j] = ax.text(j, i, format(value, values_format), ha="center",
                                           va="center", color=color, **(text_kw or {}))
        self.colorbar_ = figure.colorbar(self.im_, ax=ax) if colorbar else None
        ticks = np.arange(n_classes)
        ax.set_xticks(ticks, labels, rotation=xticks_rotation)
        ax.set_yticks(ticks, labels)
        ax.set_xlabel(column_label)
        ax.set_ylabel(row_label)
        ax.set_title(title)
        ax.set_ylim(n_classes - 0.5, -0.5)
        self.ax_, self.figure_ = ax, figure
        return self

    @classmethod
    def from_predictions(cls, labels, pred_probs, *, kind="noise_matrix", display_labels=None,
                         n_jobs=None, ax=None, **plot_kw):
        """Estimate the label noise from out-of-sample probabilities and plot it.

        Parameters
        ----------
        labels : array-like of shape (n_samples,)
            Given labels, integers in ``0..K-1``.
        pred_probs : array-like of shape (n_samples, K)
            Out-of-sample predicted probabilities.
        kind : {'noise_matrix', 'inverse_noise_matrix', 'joint', 'confident_joint'}, \
                default='noise_matrix'
            What to estimate (with :mod:`sklearn_noisy.count`) and draw.
        display_labels : array-like of shape (K,), default=None
        n_jobs : int, default=None
            Threads for the counting.
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : NoiseMatrixDisplay

        Examples
        --------
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> from sklearn_noisy.display import NoiseMatrixDisplay
        >>> labels = np.array([0, 0, 0, 1, 1, 1])
        >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
        ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
        >>> display = NoiseMatrixDisplay.from_predictions(
        ...     labels, pred_probs, kind="confident_joint", ax=Figure().subplots())
        >>> display.matrix
        array([[2, 1],
               [0, 3]])
        """
        _check_kind(kind)
        confident_joint = count.compute_confident_joint(labels, pred_probs, n_jobs=n_jobs)
        if kind == "confident_joint":
            matrix = confident_joint
        elif kind == "joint":
            matrix = confident_joint / float(confident_joint.sum())
        else:
            _, noise_matrix, inverse_noise_matrix = count.estimate_latent(confident_joint, labels)
            matrix = noise_matrix if kind == "noise_matrix" else inverse_noise_matrix
        display = cls(matrix, display_labels=display_labels, kind=kind)
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_estimator(cls, estimator, *, kind="noise_matrix", display_labels=None, ax=None,
                       **plot_kw):
        """Plot the label noise found by a fitted :class:`~sklearn_noisy.NoiseEstimator`.

        Any fitted estimator with the attributes ``noise_matrix_``,
        ``inverse_noise_matrix_``, ``confident_joint_`` and ``classes_`` works.

        Parameters
        ----------
        estimator : fitted estimator
        kind : {'noise_matrix', 'inverse_noise_matrix', 'joint', 'confident_joint'}, \
                default='noise_matrix'
        display_labels : array-like of shape (K,), default=None
            Names of the classes; ``estimator.classes_`` if omitted.
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : NoiseMatrixDisplay

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.naive_bayes import GaussianNB
        >>> from sklearn_noisy import NoiseEstimator
        >>> from sklearn_noisy.display import NoiseMatrixDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> noise = NoiseEstimator(GaussianNB(), random_state=0).fit(X, y)
        >>> display = NoiseMatrixDisplay.from_estimator(noise, ax=Figure().subplots())
        >>> display.matrix.shape
        (3, 3)
        """
        _check_kind(kind)
        attribute = "confident_joint_" if kind == "joint" else f"{kind}_"
        check_is_fitted(estimator, [attribute, "classes_"])
        matrix = getattr(estimator, attribute)
        if kind == "joint":
            matrix = matrix / float(np.sum(matrix))
        if display_labels is None:
            display_labels = estimator.classes_
        display = cls(matrix, display_labels=display_labels, kind=kind)
        return display.plot(ax=ax, **plot_kw)


class PolyplexDisplay:
    """The polyplex of a prior: the reachable ``(trace(P(s|y)), trace(P(s, y)))`` pairs.

    The shaded polygon spans, for each trace of the noise matrix (x-axis), the fractions of
    correctly labelled examples (y-axis) that some noise matrix with that trace gives under the
    prior ``py`` (see :mod:`sklearn_noisy.polyplex`). A point can mark one noise matrix, with
    a vertical segment showing the range at its trace.

    Use :meth:`from_prior`, :meth:`from_noise_matrix`, :meth:`from_predictions` or
    :meth:`from_estimator` to compute and plot in one call.

    Parameters
    ----------
    noise_matrix_trace, joint_trace_min, joint_trace_max : array-like of shape (K + 1,)
        The corners of the polyplex, as returned by :func:`sklearn_noisy.polyplex.joint_bounds`.
    point : tuple of two floats, default=None
        ``(trace(P(s|y)), trace(P(s, y)))`` of a noise matrix to mark.

    Attributes
    ----------
    fill_ : matplotlib.collections.PolyCollection
        The shaded polyplex.
    lines_ : list of matplotlib.lines.Line2D
        Its lower and upper boundaries.
    point_ : matplotlib.lines.Line2D or None
        The marked point.
    range_ : matplotlib.lines.Line2D or None
        The range of joint traces at the point's noise trace.
    ax_ : matplotlib.axes.Axes
    figure_ : matplotlib.figure.Figure

    See Also
    --------
    sklearn_noisy.polyplex.joint_min_max : The bounds at one trace.
    NoiseMatrixDisplay : Heatmap of the noise matrix itself.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from sklearn_noisy.display import PolyplexDisplay
    >>> py = np.array([0.6, 0.3, 0.1])
    >>> noise_matrix = np.array([[0.8, 0.2, 0.1], [0.1, 0.7, 0.2], [0.1, 0.1, 0.7]])
    >>> display = PolyplexDisplay.from_noise_matrix(noise_matrix, py, ax=Figure().subplots())
    >>> display.point
    (2.2, 0.76)
    """

    def __init__(self, noise_matrix_trace, joint_trace_min, joint_trace_max, *, point=None):
        self.noise_matrix_trace = noise_matrix_trace
        self.joint_trace_min = joint_trace_min
        self.joint_trace_max = joint_trace_max
        self.point = point

    def plot(self, *, ax=None, fill_kw=None, line_kw=None, point_kw=None):
        """Draw the polyplex (and the point, if any).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure if omitted.
        fill_kw : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.fill_between`.
        line_kw : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.plot` for the boundaries.
        point_kw : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.plot` for the point.

        Returns
        -------
        display : PolyplexDisplay
            ``self``, with the attributes ``fill_``, ``lines_``, ``point_``, ``range_``,
            ``ax_`` and ``figure_``.
        """
        _check_matplotlib(type(self).__name__)
        traces = np.asarray(self.noise_matrix_trace, dtype=float)
        lows = np.asarray(self.joint_trace_min, dtype=float)
        highs = np.asarray(self.joint_trace_max, dtype=float)
        if not traces.ndim == 1 or not traces.shape == lows.shape == highs.shape:
            raise ValueError("noise_matrix_trace, joint_trace_min and joint_trace_max must be "
                             "1-D arrays of the same length (see polyplex.joint_bounds).")
        ax = _axes(ax)
        self.fill_ = ax.fill_between(traces, lows, highs,
                                     **{"alpha": 0.3, "label": "reachable", **(fill_kw or {})})
        line_kw = {"color": "C0", **(line_kw or {})}
        self.lines_ = [*ax.plot(traces, lows, **line_kw), *ax.plot(traces, highs, **line_kw)]
        self.point_ = self.range_ = None
        if self.point is not None:
            x, y = self.point
            self.range_, = ax.plot([x, x], [np.interp(x, traces, lows),
                                            np.interp(x, traces, highs)],
                                   color="C1", linestyle="--", linewidth=1)
            self.point_, = ax.plot([x], [y], **{"marker": "o", "color": "C1", "linestyle": "",
                                                "label": "noise matrix", **(point_kw or {})})
        ax.set_xlim(traces[0], traces[-1])
        ax.set_ylim(0, 1)
        ax.set_xlabel("trace of P(given label | true label)")
        ax.set_ylabel("trace of P(given label, true label)")
        ax.set_title("Polyplex")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_prior(cls, py, *, ax=None, **plot_kw):
        """Plot the polyplex of the prior ``py`` of the true labels.

        Parameters
        ----------
        py : array-like of shape (K,)
            ``P(y=k)``; non-negative, summing to 1.
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : PolyplexDisplay

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> from sklearn_noisy.display import PolyplexDisplay
        >>> display = PolyplexDisplay.from_prior([0.5, 0.2, 0.3], ax=Figure().subplots())
        >>> display.joint_trace_max
        array([0. , 0.5, 0.8, 1. ])
        """
        display = cls(*polyplex.joint_bounds(py))
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_noise_matrix(cls, noise_matrix, py, *, ax=None, **plot_kw):
        """Plot the polyplex of ``py`` and mark the noise matrix in it.

        Parameters
        ----------
        noise_matrix : array-like of shape (K, K)
            ``P(s=i | y=j)`` at ``[i, j]``.
        py : array-like of shape (K,)
            ``P(y=k)``.
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : PolyplexDisplay
        """
        traces, lows, highs = polyplex.joint_bounds(py)
        noise_matrix = np.asarray(noise_matrix, dtype=float)
        n_classes = len(traces) - 1
        if noise_matrix.shape != (n_classes, n_classes):
            raise ValueError(f"noise_matrix has shape {noise_matrix.shape}, expected "
                             f"({n_classes}, {n_classes}) to match py.")
        diagonal = np.diagonal(noise_matrix)
        point = (float(diagonal.sum()), float(diagonal @ np.asarray(py, dtype=float)))
        display = cls(traces, lows, highs, point=point)
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_predictions(cls, labels, pred_probs, *, n_jobs=None, ax=None, **plot_kw):
        """Estimate the prior and the noise matrix from predictions, and plot them.

        Parameters
        ----------
        labels : array-like of shape (n_samples,)
            Given labels, integers in ``0..K-1``.
        pred_probs : array-like of shape (n_samples, K)
            Out-of-sample predicted probabilities.
        n_jobs : int, default=None
            Threads for the counting.
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : PolyplexDisplay

        Examples
        --------
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> from sklearn_noisy.display import PolyplexDisplay
        >>> labels = np.array([0, 0, 0, 1, 1, 1])
        >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
        ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
        >>> display = PolyplexDisplay.from_predictions(labels, pred_probs,
        ...                                            ax=Figure().subplots())
        >>> display.point  # P(s=0|y=0) = 1, P(s=1|y=1) = 0.75 and P(y) = (1/3, 2/3)
        (1.75, 0.8333)
        """
        confident_joint = count.compute_confident_joint(labels, pred_probs, n_jobs=n_jobs)
        py, noise_matrix, _ = count.estimate_latent(confident_joint, labels)
        return cls.from_noise_matrix(noise_matrix, py, ax=ax, **plot_kw)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **plot_kw):
        """Plot the prior and noise matrix found by a fitted
        :class:`~sklearn_noisy.NoiseEstimator` (attributes ``py_`` and ``noise_matrix_``).

        Parameters
        ----------
        estimator : fitted estimator
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : PolyplexDisplay
        """
        check_is_fitted(estimator, ["py_", "noise_matrix_"])
        return cls.from_noise_matrix(estimator.noise_matrix_, estimator.py_, ax=ax, **plot_kw)


class LabelIssuesDisplay:
    """The examples whose given label is most likely wrong, worst first.

    Each flagged example is shown with its given label, the label the model suggests and its
    label quality score (lower: more likely wrong). Without images, :meth:`plot` draws a bar
    per example, its length the score; with images (or flat features and an
    ``image_shape`` in the class methods), it draws the images in a grid, each titled with
    the labels and the score. When the true labels are known (a benchmark, a dataset with
    injected noise), each example is also marked as a real error or a false alarm.

    Use :meth:`from_predictions` or :meth:`from_estimator` to find the issues and plot them in
    one call.

    Parameters
    ----------
    indices : array-like of shape (n_issues,)
        Row numbers of the flagged examples in the dataset, most likely wrong first.
    given_labels : array-like of shape (n_issues,)
        Their given labels, as they should be printed.
    suggested_labels : array-like of shape (n_issues,)
        The labels the model predicts for them.
    scores : array-like of shape (n_issues,)
        Their label quality scores.
    images : array-like of shape (n_issues, height, width) or (n_issues, height, width, \
            channels), default=None
        Their images; a bar chart is drawn if omitted.
    true_labels : array-like of shape (n_issues,), default=None
        Their true labels, if known: an example whose given label equals its true label is a
        false alarm, the others are real errors.

    Attributes
    ----------
    bars_ : matplotlib.container.BarContainer or None
        The bars, one per example (bar chart only).
    image_axes_ : ndarray of matplotlib.axes.Axes or None
        One small axes per example, inset in ``ax_`` (image grid only).
    images_ : list of matplotlib.image.AxesImage or None
        The images drawn (image grid only).
    titles_ : list of matplotlib.text.Text
        The text shown for each example: the titles of the images, or the labels of the bars.
    is_error_ : ndarray of bool of shape (n_issues,) or None
        Whether each example is a real error, if ``true_labels`` were given.
    ax_ : matplotlib.axes.Axes
        The bar chart, or the axes (with its frame hidden) that holds the image grid.
    figure_ : matplotlib.figure.Figure

    See Also
    --------
    sklearn_noisy.filter.find_label_issues : Finds and ranks the issues.
    NoiseMatrixDisplay : How the labels are corrupted, class by class.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from sklearn_noisy.display import LabelIssuesDisplay
    >>> display = LabelIssuesDisplay([7, 2], ["cat", "dog"], ["dog", "cat"], [0.05, 0.2])
    >>> display = display.plot(ax=Figure().subplots())
    >>> len(display.bars_)
    2
    >>> display.titles_[0].get_text()
    '#7: given cat, suggested dog'
    """

    def __init__(self, indices, given_labels, suggested_labels, scores, *, images=None,
                 true_labels=None):
        self.indices = indices
        self.given_labels = given_labels
        self.suggested_labels = suggested_labels
        self.scores = scores
        self.images = images
        self.true_labels = true_labels

    def _checked(self):
        indices = np.asarray(self.indices)
        columns = {"given_labels": self.given_labels, "suggested_labels": self.suggested_labels,
                   "scores": self.scores, "images": self.images, "true_labels": self.true_labels}
        if indices.ndim != 1:
            raise ValueError(f"indices must be 1-D, got shape {indices.shape}.")
        checked = {}
        for name, values in columns.items():
            if values is None:
                checked[name] = None
                continue
            values = np.asarray(values)
            if values.ndim == 0 or len(values) != len(indices):
                raise ValueError(f"{name} must have one entry per flagged example: "
                                 f"{len(indices)} indices, {name} of shape {values.shape}.")
            checked[name] = values
        images = checked["images"]
        if images is not None and images.ndim not in (3, 4):
            raise ValueError(
                f"images must have shape (n_issues, height, width) or (n_issues, height, "
                f"width, channels), got {images.shape}; reshape flat features first (the class "
                f"methods do it with image_shape=).")
        return indices, checked

    def plot(self, *, ax=None, n_cols=None, cmap="gray_r", title_fontsize=8, bar_kw=None,
             imshow_kw=None):
        """Draw the flagged examples: a bar chart, or an image grid if there are images.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; an image grid fills this axes with one small axes per example.
            A new figure, sized for the grid, if omitted.
        n_cols : int, default=None
            Columns of the image grid; ``min(n_issues, 6)`` if omitted.
        cmap : str or matplotlib Colormap, default='gray_r'
            Colormap of single-channel images.
        title_fontsize : float, default=8
            Font size of the image titles.
        bar_kw : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.barh`.
        imshow_kw : dict, default=None
            Passed to :meth:`matplotlib.axes.Axes.imshow`.

        Returns
        -------
        display : LabelIssuesDisplay
            ``self``, with the attributes ``bars_``, ``image_axes_``, ``images_``,
            ``titles_``, ``is_error_``, ``ax_`` and ``figure_``.
        """
        _check_matplotlib(type(self).__name__)
        indices, columns = self._checked()
        true_labels = columns["true_labels"]
        self.is_error_ = (None if true_labels is None
                          else columns["given_labels"] != true_labels)
        n_issues = len(indices)
        if columns["images"] is None:
            ax = _axes(ax)
            self._plot_bars(ax, indices, columns, bar_kw)
        else:
            if n_cols is None:
                n_cols = min(max(n_issues, 1), 6)
            _check_positive_int(n_cols, "n_cols")
            n_rows = max(1, -(-n_issues // n_cols))
            if ax is None:
                import matplotlib.pyplot as plt

                figure = plt.figure(figsize=(1.6 * n_cols, 1.9 * n_rows))
                ax = figure.add_axes((0.01, 0.01, 0.98, 0.98))
            self._plot_images(ax, indices, columns, n_rows, n_cols, cmap, title_fontsize,
                              imshow_kw)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _plot_bars(self, ax, indices, columns, bar_kw):
        from matplotlib.patches import Patch

        scores = columns["scores"]
        positions = np.arange(len(indices))
        colors = "C0" if self.is_error_ is None else np.where(self.is_error_, "C3", "C7")
        self.bars_ = ax.barh(positions, scores, **{"color": colors, **(bar_kw or {})})
        ax.bar_label(self.bars_, fmt="%.2g", padding=3)
        labels = [f"#{index}: given {given}, suggested {suggested}" for index, given, suggested
                  in zip(indices, columns["given_labels"], columns["suggested_labels"])]
        ax.set_yticks(positions, labels)
        self.titles_ = list(ax.get_yticklabels())
        if len(indices):
            ax.set_ylim(len(indices) - 0.5, -0.5)  # the worst at the top
        ax.set_xlim(0, 1.2 * max(np.max(scores, initial=0), 1e-12))  # room for the values
        ax.set_xlabel("label quality score (lower: more likely wrong)")
        ax.set_title("Label issues, most likely wrong first" if len(indices)
                     else "No label issues found")
        if self.is_error_ is not None and len(indices):
            ax.legend(handles=[Patch(color="C3", label="real error"),
                               Patch(color="C7", label="false alarm")], loc="upper right")
        self.image_axes_ = self.images_ = None

    def _plot_images(self, ax, indices, columns, n_rows, n_cols, cmap, fontsize, imshow_kw):
        ax.set_axis_off()
        n_lines = 3 if self.is_error_ is None else 4
        # Each cell keeps its upper part for the title lines (1.25 line spacing, 8 pt pad).
        cell_inches = ax.get_position().height * ax.figure.get_figheight() / n_rows
        title_share = min(0.6, (n_lines * 1.25 * fontsize + 8) / 72 / cell_inches)
        width, height = 1 / n_cols, 1 / n_rows
        self.image_axes_ = np.empty(len(indices), dtype=object)
        self.images_, self.titles_ = [], []
        rows = zip(indices, columns["given_labels"], columns["suggested_labels"],
                   columns["scores"], columns["images"])
        for i, (index, given, suggested, score, image) in enumerate(rows):
            row, col = divmod(i, n_cols)
            cell = ax.inset_axes([(col + 0.05) * width, 1 - (row + 1) * height,
                                  0.9 * width, (1 - title_share) * height])
            cell.set_xticks([])
            cell.set_yticks([])
            self.images_.append(cell.imshow(image, **{"cmap": cmap, **(imshow_kw or {})}))
            lines = [f"#{index}: given {given}", f"suggested {suggested}",
                     f"score {score:.2g}"]
            color = "black"
            if self.is_error_ is not None:
                lines.append("real error" if self.is_error_[i] else "false alarm")
                color = "C3" if self.is_error_[i] else "C7"
                for spine in cell.spines.values():
                    spine.set(color=color, linewidth=2)
            self.titles_.append(cell.set_title("\n".join(lines), fontsize=fontsize,
                                               color=color))
            self.image_axes_[i] = cell
        self.bars_ = None

    @classmethod
    def from_predictions(cls, labels, pred_probs, *, images=None, image_shape=None,
                         true_labels=None, display_labels=None, n_issues=12,
                         filter_by="prune_by_noise_rate", rank_by="self_confidence",
                         n_jobs=None, ax=None, **plot_kw):
        """Find the label issues from out-of-sample probabilities and plot the worst.

        The issues are found by :func:`sklearn_noisy.filter.find_label_issues` and ranked by
        :func:`sklearn_noisy.rank.get_label_quality_scores`; the suggested label of an example
        is the class of its highest predicted probability.

        Parameters
        ----------
        labels : array-like of shape (n_samples,)
            Given labels, integers in ``0..K-1``.
        pred_probs : array-like of shape (n_samples, K)
            Out-of-sample predicted probabilities.
        images : array-like of shape (n_samples, ...), default=None
            The examples as images (``(height, width)`` or ``(height, width, channels)``
            each), or as flat features with ``image_shape``. A bar chart is drawn if omitted.
        image_shape : tuple of int, default=None
            The shape of one image, to reshape flat ``images`` (``(8, 8)`` for scikit-learn's
            digits).
        true_labels : array-like of shape (n_samples,), default=None
            The true labels, if known, to tell real errors from false alarms.
        display_labels : array-like of shape (K,), default=None
            Names of the classes; the integers ``0..K-1`` if omitted.
        n_issues : int, default=12
            Plot at most this many issues, the most likely wrong.
        filter_by : str, default='prune_by_noise_rate'
            How the issues are found; see :func:`sklearn_noisy.filter.find_label_issues`.
        rank_by : {'self_confidence', 'normalized_margin', 'confidence_weighted_entropy'}, \
                default='self_confidence'
            The label quality score that ranks them.
        n_jobs : int, default=None
            Threads of the kernels.
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : LabelIssuesDisplay

        Examples
        --------
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> from sklearn_noisy.display import LabelIssuesDisplay
        >>> labels = np.array([0, 0, 0, 1, 1, 1])
        >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
        ...                        [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
        >>> display = LabelIssuesDisplay.from_predictions(
        ...     labels, pred_probs, display_labels=["cat", "dog"], ax=Figure().subplots())
        >>> display.indices, display.given_labels, display.suggested_labels, display.scores
        (array([2]), array(['cat'], dtype='<U3'), array(['dog'], dtype='<U3'), array([0.1]))
        """
        ranked = filter_.find_label_issues(labels, pred_probs, filter_by=filter_by,
                                           return_indices_ranked_by=rank_by, n_jobs=n_jobs)
        top = ranked[:_check_positive_int(n_issues, "n_issues")]
        labels, pred_probs = np.asarray(labels), np.asarray(pred_probs)
        scores = rank.get_label_quality_scores(labels, pred_probs, method=rank_by,
                                               n_jobs=n_jobs)[top]
        names = np.arange(pred_probs.shape[1]) if display_labels is None \
            else np.asarray(display_labels)
        if len(names) != pred_probs.shape[1]:
            raise ValueError(f"display_labels has {len(names)} names for "
                             f"{pred_probs.shape[1]} classes.")
        given, suggested = names[labels[top]], names[pred_probs[top].argmax(axis=1)]
        truth = None if true_labels is None else names[_rows(true_labels, top, len(labels),
                                                              "true_labels")]
        display = cls(top, given, suggested, scores,
                      images=_images(images, image_shape, top, len(labels)), true_labels=truth)
        return display.plot(ax=ax, **plot_kw)

    @classmethod
    def from_estimator(cls, estimator, X, y, *, images=None, image_shape=None,
                       true_labels=None, n_issues=12, ax=None, **plot_kw):
        """Plot the worst label issues found by a fitted :class:`~sklearn_noisy.NoiseEstimator`.

        Any estimator fitted on ``(X, y)`` with the attributes ``ranked_label_issues_``,
        ``label_quality_scores_``, ``pred_probs_`` and ``classes_`` works (the three
        estimators of sklearn-noisy have them).

        Parameters
        ----------
        estimator : fitted estimator
            Fitted on ``X`` and ``y``.
        X : {array-like, dataframe} of shape (n_samples, n_features)
            The features it was fitted on; with ``image_shape``, the rows are drawn as images.
        y : array-like of shape (n_samples,)
            The given labels it was fitted on.
        images : array-like of shape (n_samples, ...), default=None
            Images of the examples, if ``X`` is not made of them; as in
            :meth:`from_predictions`.
        image_shape : tuple of int, default=None
            The shape of one image: reshapes the rows of ``images``, or of ``X`` if
            ``images`` is omitted.
        true_labels : array-like of shape (n_samples,), default=None
            The true labels (values of ``classes_``), if known.
        n_issues : int, default=12
            Plot at most this many issues, the most likely wrong.
        ax : matplotlib Axes, default=None
        **plot_kw
            Passed to :meth:`plot`.

        Returns
        -------
        display : LabelIssuesDisplay

        Examples
        --------
        >>> import numpy as np
        >>> from matplotlib.figure import Figure
        >>> from sklearn.datasets import load_iris
        >>> from sklearn_noisy import NoiseEstimator
        >>> from sklearn_noisy.display import LabelIssuesDisplay
        >>> X, y = load_iris(return_X_y=True)
        >>> names = np.array(["setosa", "versicolor", "virginica"])[y]
        >>> names[[0, 60]] = ["virginica", "setosa"]  # two wrong labels
        >>> noise = NoiseEstimator(random_state=0).fit(X, names)
        >>> display = LabelIssuesDisplay.from_estimator(noise, X, names, n_issues=2,
        ...                                             ax=Figure().subplots())
        >>> [text.get_text() for text in display.titles_]
        ['#0: given virginica, suggested setosa', '#60: given setosa, suggested versicolor']
        """
        check_is_fitted(estimator, ["ranked_label_issues_", "label_quality_scores_",
                                    "pred_probs_", "classes_"])
        n_samples = len(estimator.label_quality_scores_)
        n_issues = _check_positive_int(n_issues, "n_issues")
        top = np.asarray(estimator.ranked_label_issues_)[:n_issues]
        given = _rows(y, top, n_samples, "y")
        suggested = np.asarray(estimator.classes_)[estimator.pred_probs_[top].argmax(axis=1)]
        if images is None and image_shape is not None:
            images = X
        truth = None if true_labels is None else _rows(true_labels, top, n_samples,
                                                       "true_labels")
        display = cls(top, given, suggested, estimator.label_quality_scores_[top],
                      images=_images(images, image_shape, top, n_samples), true_labels=truth)
        return display.plot(ax=ax, **plot_kw)


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return value


def _rows(values, rows, n_samples, name):
    """The ``rows`` of a per-example array (or dataframe) of length ``n_samples``."""
    if len(values) != n_samples:
        raise ValueError(f"{name} has {len(values)} entries but the label issues were found "
                         f"among {n_samples} examples; pass the data they were found in.")
    return np.asarray(_safe_indexing(values, rows))


def _images(images, image_shape, rows, n_samples):
    """The images of ``rows``, reshaped to ``image_shape`` if given, or None."""
    if images is None:
        if image_shape is not None:
            raise ValueError("image_shape reshapes images, but no images were given.")
        return None
    images = _rows(images, rows, n_samples, "images")
    if image_shape is None:
        return images
    image_shape = tuple(image_shape)
    if int(np.prod(image_shape)) != int(np.prod(images.shape[1:])):
        raise ValueError(f"image_shape={image_shape} does not fit rows of shape "
                         f"{images.shape[1:]}: the numbers of values differ.")
    return images.reshape((len(rows), *image_shape))
