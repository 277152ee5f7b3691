"""The label-issues report of the command line: one self-contained HTML page.

Figures are PNG images embedded as ``data:`` URLs and the style sheet is inline, so the file
opens offline in any browser and can be mailed or archived as it is. matplotlib draws the
figures; it is imported only here, when a report is asked for.
"""

import base64
import io
from dataclasses import dataclass, field
from html import escape

import numpy as np

from .count import estimate_joint, estimate_py_and_noise_matrices_from_probabilities
from .display import NoiseMatrixDisplay

#: Feature columns shown in the issues table; the rest are in ``--out --with-features``.
MAX_FEATURES = 12

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e4e4e4; text-align: left;
         vertical-align: middle; }
th { background: #f4f4f4; white-space: nowrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
table.summary th { width: 16em; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
figure { margin: 0; flex: 1 1 400px; max-width: 560px; }
figure img { width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #555; max-width: 30em; }
.issues-wrap { overflow-x: auto; }
img.example { width: 56px; height: 56px; image-rendering: pixelated; border: 1px solid #ccc; }
.given { color: #b00020; font-weight: 600; }
.suggested { color: #1b5e20; font-weight: 600; }
footer { margin-top: 2.5em; padding-top: 0.6em; border-top: 1px solid #ddd; font-size: 0.8em;
         color: #555; }
code { background: #f4f4f4; padding: 0.1em 0.3em; word-break: break-all; }
"""


@dataclass
class ReportData:
    """What a report shows; ``ranked`` holds the row numbers of the issues, most likely first.

    ``columns``/``rows`` are extra values per issue (an id, feature values), ``images`` one
    image per issue (or None), ``details`` lines of the summary (model, folds...).
    """

    labels: np.ndarray
    pred_probs: np.ndarray
    class_names: list
    ranked: np.ndarray
    scores: np.ndarray
    source: str
    command: str
    version: str
    filter_by: str
    rank_by: str
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    images: object = None
    details: dict = field(default_factory=dict)


def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _image_png(image):
    from matplotlib.image import imsave

    buffer = io.BytesIO()
    imsave(buffer, np.asarray(image, dtype=np.float64), cmap="gray_r", format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _img(data, alt, css_class=None):
    cls = f' class="{css_class}"' if css_class else ""
    return f'<img{cls} alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def _noise_matrix_figure(noise_matrix, class_names):
    from matplotlib.figure import Figure

    size = 2.5 + 0.4 * len(class_names)
    figure = Figure(figsize=(size + 1, size))
    NoiseMatrixDisplay(noise_matrix, display_labels=class_names).plot(
        ax=figure.subplots(), include_values=len(class_names) <= 12, values_format=".2f",
        xticks_rotation="vertical" if max(map(len, class_names)) > 3 else "horizontal")
    return figure


def _per_class_figure(labels, issues, class_names):
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    n_classes = len(class_names)
    given = np.bincount(labels, minlength=n_classes)
    flagged = np.bincount(labels[issues], minlength=n_classes)
    figure = Figure(figsize=(5.5, 1.2 + 0.32 * n_classes))
    ax = figure.subplots()
    positions = np.arange(n_classes)
    bars = ax.barh(positions, flagged, color="C3")
    ax.bar_label(bars, labels=[f"{f} of {g}" for f, g in zip(flagged, given)], padding=3,
                 fontsize=8)
    ax.set_yticks(positions, class_names)
    ax.set_ylim(n_classes - 0.5, -0.5)
    ax.set_xlim(0, 1.3 * max(flagged.max(initial=0), 1))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("label issues among the examples given this label")
    ax.set_title("Issues per given label")
    ax.spines[["top", "right"]].set_visible(False)
    return figure


def _cell(value, digits=6):
    """A table cell: numbers right-aligned (floats to ``digits`` significant digits)."""
    if value is None:
        return '<td class="missing"></td>'
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        text = f"{value:.{digits}g}" if isinstance(value, (float, np.floating)) else str(value)
        return f'<td class="number">{escape(text)}</td>'
    return f"<td>{escape(str(value))}</td>"


def _summary(data, noise_rate):
    n, n_classes = data.pred_probs.shape
    n_issues = len(data.ranked)
    items = [("examples (n)", f"{n:,}"), ("classes (K)", str(n_classes)),
             ("label issues found", f"{n_issues:,} ({100 * n_issues / n:.1f}%)"),
             ("estimated noise rate", (f"{100 * noise_rate:.1f}% of the given labels are "
                                       "wrong (1 - trace of the estimated joint)")),
             ("method", (f"confident learning, filter_by={data.filter_by}, "
                         f"ranked by {data.rank_by}"))]
    items += list(data.details.items())
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in items)
    return f'<table class="summary">{rows}</table>'


def _issues_table(data, n_top):
    top = data.ranked[:n_top]
    suggested = np.asarray(data.pred_probs[top]).argmax(axis=1)
    columns = list(data.columns[:MAX_FEATURES])
    head = ["#", "row", "given label", "suggested label", "label quality"]
    if data.images is not None:
        head.append("image")
    head += [str(c) for c in columns]
    lines = ["<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for rank, (i, k) in enumerate(zip(top, suggested)):
        cells = [_cell(rank + 1), _cell(int(i)),
                 f'<td class="given">{escape(data.class_names[data.labels[i]])}</td>',
                 f'<td class="suggested">{escape(data.class_names[k])}</td>',
                 _cell(float(data.scores[i]), digits=2)]
        if data.images is not None:
            cells.append("<td>" + _img(_image_png(data.images[rank]), f"row {i}", "example")
                         + "</td>")
        cells += [_cell(v) for v in data.rows[rank][:MAX_FEATURES]] if data.rows else []
        lines.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(data.columns) > MAX_FEATURES:
        more = (f"<p>The first {MAX_FEATURES} of {len(data.columns)} columns are shown; "
                "<code>--out FILE --with-features</code> writes them all.</p>")
    return f'<div class="issues-wrap"><table class="issues">{"".join(lines)}</table></div>{more}'


def build_report(data, *, n_top=25):
    """The report as one HTML string (``data`` a :class:`ReportData`)."""
    _, noise_matrix, _, _ = estimate_py_and_noise_matrices_from_probabilities(
        data.labels, data.pred_probs)
    noise_rate = 1.0 - float(np.trace(estimate_joint(data.labels, data.pred_probs)))
    names = [str(c) for c in data.class_names]
    heatmap = _png(_noise_matrix_figure(noise_matrix, names))
    per_class = _png(_per_class_figure(data.labels, data.ranked, names))
    shown = min(n_top, len(data.ranked))
    if shown:
        heading = f"The {shown} most likely label errors" if shown > 1 else "The one label issue"
        issues = f"""<h2>{heading}</h2>
<p>Most likely wrong first. The label quality score is between 0 and 1; lower is more
suspicious. The suggested label is the model's most probable class. Rows are numbered from 0.</p>
{_issues_table(data, n_top)}"""
    else:
        issues = "<h2>Label issues</h2>\n<p>No label issues were found.</p>"
    title = f"Label issues in {data.source}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>{escape(title)}</h1></header>
<main>
<section id="summary">
<h2>Summary</h2>
{_summary(data, noise_rate)}
</section>
<section id="noise">
<h2>How the labels are corrupted</h2>
<div class="figures">
<figure id="noise-matrix">{_img(heatmap, "Estimated noise matrix heatmap")}
<figcaption>Estimated noise matrix P(given label | true label): column j is where the examples
whose true label is j ended up; off the diagonal are the label errors.</figcaption></figure>
<figure id="issues-per-class">{_img(per_class, "Label issues per given label")}
<figcaption>Label issues found among the examples given each label.</figcaption></figure>
</div>
</section>
<section id="issues">
{issues}
</section>
</main>
<footer>Made with sklearn-noisy {escape(data.version)} by <code>{escape(data.command)}</code>
</footer>
</body>
</html>
"""
