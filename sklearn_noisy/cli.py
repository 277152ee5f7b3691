"""The ``sklearn-noisy`` command line: find label errors in files, without writing Python.

Subcommands:

- ``find-issues``: the label issues of ``--labels`` + ``--pred-probs`` files, or of a table of
  features (``--data table.csv --target COLUMN``) through cross-validated probabilities;
- ``noise-matrix``: the estimated noise matrix, latent prior and issues per class;
- ``demo``: finds known, injected label errors in scikit-learn's digits.

Run ``sklearn-noisy COMMAND --help`` for the options. Bad input ends with exit status 2 and
one line on stderr; an ``--out`` or ``--plot`` file is written whole or not at all.
"""

import argparse
import csv
import importlib.util
import json
import os
import shlex
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, cpu_count, delayed
from sklearn.base import clone
from sklearn.utils import _safe_indexing

from . import _cv
from ._tables import not_utf8, read_table, split_table, table_model
from ._validation import FILTER_BY, RANK_BY, check_labels, check_pred_probs
from ._version import __version__
from .count import estimate_py_and_noise_matrices_from_probabilities
from .filter import find_label_issues
from .rank import get_label_quality_scores

PROG = "sklearn-noisy"
MODELS = ("logreg", "hgb")


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------

def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _extension(path, allowed):
    ext = os.path.splitext(path)[1].lower()
    if ext not in allowed:
        raise ValueError(f"{path}: unknown file type {ext or '(none)'!r}; use one of "
                         f"{', '.join(allowed)}.")
    return ext


def _shortened(text, limit=300):
    """``text``, with its middle cut if it is long (a reader may quote a whole huge field)."""
    return text if len(text) <= limit else f"{text[:200]} [...] {text[-80:]}"


@contextmanager
def _reading(path):
    """Name ``path`` in the ValueError a reader raises."""
    try:
        yield
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except ValueError as exc:
        raise ValueError(f"{path}: {_shortened(str(exc))}") from None


def _check_npy(path):
    """Raise unless ``path`` starts as a NumPy ``.npy`` file does."""
    with open(path, "rb") as f:
        start = f.read(6)
    if start != b"\x93NUMPY":
        raise ValueError(f"{path} is not a NumPy .npy file (np.save writes those); name a text "
                         "file of comma-separated values .csv.")


def _has_header(first_row, header):
    """``header`` if given (True/False); else whether some cell of the first row is not a number."""
    return header if header is not None else not all(_is_number(cell) for cell in first_row)


def _csv_rows(path):
    """The rows of a UTF-8 CSV file that are not blank; a byte-order mark is skipped."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield row
        except UnicodeDecodeError:
            raise not_utf8(path) from None
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise ValueError(
                    f"{path}: line {reader.line_num} has a field longer than "
                    f"{csv.field_size_limit()} characters, the limit of Python's CSV reader; "
                    "check that the file is comma-separated.") from None
            raise ValueError(f"{path}: line {reader.line_num}: {exc}.") from None


def _read_csv_rows(path, header):
    """Return ``(column_names or None, rows)`` of a CSV file; blank lines are skipped.

    ``header`` True or False says whether the first row names the columns; None means: it does
    unless every cell of it is a number.
    """
    rows = list(_csv_rows(path))
    if not rows:
        raise ValueError(f"{path} is empty.")
    return (rows[0], rows[1:]) if _has_header(rows[0], header) else (None, rows)


def _first_csv_row(path):
    for row in _csv_rows(path):
        return row
    raise ValueError(f"{path} is empty.")


def read_pred_probs(path, header=None):
    """Predicted probabilities from ``.npy`` (memory-mapped) or ``.csv``; checked.

    Returns ``(pred_probs, column_names)``; ``column_names`` is None without a CSV header.
    """
    if _extension(path, (".npy", ".csv")) == ".npy":
        pred_probs, names = _load_npy(path), None
    else:
        first = _first_csv_row(path)
        header = _has_header(first, header)
        names = [cell.strip() for cell in first] if header else None
        with _reading(path), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "loadtxt: input contained no data")
            pred_probs = np.loadtxt(path, delimiter=",", skiprows=int(header), ndmin=2,
                                    dtype=np.float64, encoding="utf-8-sig")
        if len(pred_probs) == 0:
            raise ValueError(f"{path} has a header row but no rows of probabilities below it.")
    try:
        pred_probs = check_pred_probs(pred_probs)
    except ValueError as exc:
        hint = ""
        if names is None and path.lower().endswith(".csv") and str(exc).startswith("Row 0 "):
            hint = f" If the first row of {path} names the columns, pass --pred-probs-header."
        raise ValueError(f"{path}: {exc}{hint}") from None
    if names is not None and len(names) != pred_probs.shape[1]:
        raise ValueError(f"{path}: the header has {len(names)} names for "
                         f"{pred_probs.shape[1]} columns.")
    return pred_probs, names


def _column_index(path, column_names, n_columns, column, option):
    """Position of ``column`` (a name, or a 0-based position) among the columns of a file."""
    if column is None:
        if n_columns == 1:
            return 0
        raise ValueError(f"{path} has {n_columns} columns; choose one with {option} NAME or "
                         f"{option} POSITION (0-based).")
    if column_names is not None and column in column_names:
        return column_names.index(column)
    if column.isdigit() and int(column) < n_columns:
        return int(column)
    known = f"its columns are {', '.join(column_names)}" if column_names else (
        f"it has no header row and {n_columns} column(s), so give a position 0..{n_columns - 1}")
    raise ValueError(f"{path} has no column {column!r}; {known}.")


def _load_npy(path):
    """A ``.npy`` file, memory-mapped."""
    _check_npy(path)
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        if "pickled" in str(exc) or "Python objects" in str(exc):
            raise ValueError(f"{path} holds Python objects (dtype object); save an array of "
                             "numbers or strings instead.") from None
        raise ValueError(f"{path}: {exc}") from None


def read_labels(path, column=None, header=None):
    """Labels from ``.npy`` (memory-mapped) or one column of a ``.csv`` file.

    Returns ``(labels, has_header)``: a 1-D array (integers if every label is a whole number,
    floats if every label is a number, strings otherwise), and whether the first row of a CSV
    file was taken as a header.
    """
    if _extension(path, (".npy", ".csv")) == ".npy":
        labels = _load_npy(path)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim != 1:
            raise ValueError(f"{path}: labels must be a 1-D array, got shape {labels.shape}.")
        return labels, False
    names, rows = _read_csv_rows(path, header)
    if names is not None and not rows:
        raise ValueError(f"{path} has a header row but no labels below it.")
    width = len(names) if names is not None else len(rows[0]) if rows else 1
    index = _column_index(path, names, width, column, "--label-column")
    values = []
    for line, row in enumerate(rows, start=2 if names is not None else 1):
        value = row[index].strip() if index < len(row) else ""
        if not value:
            raise ValueError(f"{path}: line {line} has no label in column {index}; every "
                             "example needs a label.")
        values.append(value)
    return _as_numbers_if_possible(np.array(values, dtype=str)), names is not None


def _as_numbers_if_possible(values):
    """Strings as integers if they all are, else as finite floats if they all are, else as they are.

    Whole floats such as ``3.0`` become integers later, in ``encode_labels``.
    """
    try:
        return values.astype(np.int64)
    except (ValueError, OverflowError):
        pass
    try:
        numbers = values.astype(np.float64)
    except ValueError:
        return values
    return numbers if np.all(np.isfinite(numbers)) else values


def encode_labels(labels, n_classes=None, class_names=None):
    """Map given labels to column indices of ``pred_probs``; return ``(codes, class_names)``.

    - if ``class_names`` (a CSV header of ``pred_probs``) holds every label, a label is the
      index of its name;
    - integer labels are the indices themselves;
    - other labels are sorted, and the i-th is the class of column i.
    """
    labels = np.asarray(labels)
    if labels.dtype.kind == "f" and np.all(np.mod(labels, 1) == 0):
        too_big = np.abs(labels) >= 2.0**63
        if np.any(too_big):
            raise ValueError(f"label {labels[too_big][0]:g} is not a column of pred_probs: whole "
                             "number labels are column indices, 0 to the number of columns - 1.")
        labels = labels.astype(np.int64)
    classes, codes = np.unique(labels, return_inverse=True)
    if class_names is not None:
        lookup = {name: i for i, name in enumerate(class_names)}
        if all(str(c) in lookup for c in classes):
            columns = np.array([lookup[str(c)] for c in classes], dtype=np.intp)
            return columns[codes], list(class_names)
    if labels.dtype.kind in "iu":
        n_classes = n_classes if n_classes is not None else int(classes[-1]) + 1
        names = list(class_names) if class_names is not None else [str(k) for k in
                                                                   range(n_classes)]
        return labels.astype(np.intp), names
    if n_classes is not None and len(classes) != n_classes:
        raise ValueError(
            f"the labels hold {len(classes)} distinct values but pred_probs has {n_classes} "
            "columns, so the column of each label is unknown; give the pred_probs CSV a header "
            "row naming the class of each column, or use integer labels 0..K-1."
        )
    return codes.astype(np.intp), [str(c) for c in classes]


# --------------------------------------------------------------------------------------------
# Cross-validation with a progress bar
# --------------------------------------------------------------------------------------------

#: Below this many rows a model is fitted on one thread: its BLAS and OpenMP threads would not
#: help, and on a busy machine their waiting threads spin (hgb took 30 times longer on 300 rows).
SMALL_TABLE = 20_000


def _progress_bar(total, args):
    """A tqdm bar on stderr when it is a terminal, tqdm is installed and not ``--quiet``."""
    if args.quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc="cross-validation", unit="fold", file=sys.stderr)


def _fit_predict_proba(estimator, X, y, train, test, threads):
    """One fold: ``(test, predict_proba on test)`` of a clone of ``estimator`` fitted on train."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads):
        model = clone(estimator).fit(_safe_indexing(X, train), y[train])
        return test, model.predict_proba(_safe_indexing(X, test))


def cross_validated_pred_probs(X, codes, class_names, clf, args, source):
    """Out-of-fold ``pred_probs`` of ``clf``, with a progress bar when stderr is a terminal.

    The folds are fitted by joblib (``--n-jobs`` at a time) and collected as each one ends, so
    the bar advances whether they run here or in worker processes.
    """
    splitter = _cv.make_splitter(args.cv, codes, args.random_state)
    try:
        _cv.check_folds(codes, splitter, class_names, hint=f" (--cv {args.cv})")
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None
    # check_folds leaves an example of every class in every training set, so each fold's
    # predict_proba has one column per class, in order.
    threads = 1 if len(codes) < SMALL_TABLE else None
    folds = (delayed(_fit_predict_proba)(clf, X, codes, train, test, threads)
             for train, test in splitter.split(X, codes))
    pred_probs = np.empty((len(codes), len(class_names)))
    bar = _progress_bar(args.cv, args)
    try:
        for test, proba in Parallel(n_jobs=_cv.fold_workers(args.n_jobs),
                                    return_as="generator_unordered")(folds):
            pred_probs[test] = proba
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return pred_probs


# --------------------------------------------------------------------------------------------
# Inputs shared by find-issues and noise-matrix
# --------------------------------------------------------------------------------------------

def _header(args, which):
    """Whether the first row of the ``--labels`` or ``--pred-probs`` CSV is a header, or None."""
    own = getattr(args, f"{which}_header")
    return own if own is not None else args.header


def _header_hint(args, extra_labels, labels_header, pred_probs_header):
    """A hint when the labels outnumber the rows by one, or the other way round."""
    hints = []
    csv_labels = args.labels.lower().endswith(".csv")
    csv_pred_probs = args.pred_probs.lower().endswith(".csv")
    if extra_labels == 1:
        if csv_labels and not labels_header:
            hints.append(f"If the first row of {args.labels} is a header, pass --labels-header.")
        if pred_probs_header:
            hints.append(f"If the first row of {args.pred_probs} holds probabilities, pass "
                         "--no-pred-probs-header.")
    elif extra_labels == -1:
        if labels_header:
            hints.append(f"If the first row of {args.labels} is a label, pass --no-labels-header.")
        if csv_pred_probs and not pred_probs_header:
            hints.append(f"If the first row of {args.pred_probs} is a header, pass "
                         "--pred-probs-header.")
    return "".join(" " + hint for hint in hints)


@dataclass
class Inputs:
    """Checked labels (column indices), their class names and out-of-sample ``pred_probs``.

    ``table`` is the :class:`~sklearn_noisy._tables.Table` of ``--data``, else None.
    """

    labels: np.ndarray
    class_names: list
    pred_probs: np.ndarray
    table: object = None


#: Options that only a ``--data`` table gives a meaning to.
TABLE_OPTIONS = ("target", "id_column", "drop", "with_features", "image_shape")


def _check_image_shape(table, shape, source):
    n_features = table.X.shape[1]
    if shape is not None and (table.categorical or shape[0] * shape[1] != n_features):
        raise ValueError(f"--image-shape {shape[0]}x{shape[1]} needs {shape[0] * shape[1]} "
                         f"numeric feature columns, but {source} has {n_features} feature "
                         f"column(s), {len(table.categorical)} of them not numeric.")


def _load_table(args):
    if args.labels is not None or args.pred_probs is not None:
        raise ValueError("give either --data with --target, or --labels with --pred-probs, "
                         "not both.")
    if args.target is None:
        raise ValueError("--data needs --target COLUMN, the column holding the labels.")
    table = split_table(read_table(args.data), args.data, args.target,
                        id_column=args.id_column, drop=args.drop or ())
    _check_image_shape(table, getattr(args, "image_shape", None), args.data)
    # The model's columns are the sorted classes, whatever their values.
    classes, codes = np.unique(table.y, return_inverse=True)
    class_names = [str(c) for c in classes]
    if len(class_names) < 2:
        raise ValueError(f"{args.data}: column {args.target!r} holds a single class; finding "
                         "label issues needs at least two.")
    model = table_model(args.model, table.X, table.categorical, args.random_state)
    pred_probs = cross_validated_pred_probs(table.X, codes, class_names, model, args, args.data)
    return Inputs(codes, class_names, pred_probs, table)


def load_inputs(args):
    """The labels and ``pred_probs`` the user gave, or computed from ``--data``."""
    if args.data is not None:
        return _load_table(args)
    for name in TABLE_OPTIONS:
        if getattr(args, name, None):
            raise ValueError(f"--{name.replace('_', '-')} applies to a table: pass --data "
                             "TABLE.csv --target COLUMN.")
    if args.labels is None or args.pred_probs is None:
        raise ValueError("pass --labels FILE and --pred-probs FILE, or --data TABLE.csv "
                         "--target COLUMN.")
    pred_probs, column_names = read_pred_probs(args.pred_probs, _header(args, "pred_probs"))
    raw, labels_header = read_labels(args.labels, args.label_column, _header(args, "labels"))
    n_samples, n_classes = pred_probs.shape
    if len(raw) != n_samples:
        hint = _header_hint(args, len(raw) - n_samples, labels_header, column_names is not None)
        raise ValueError(f"{args.labels} has {len(raw)} labels but {args.pred_probs} has "
                         f"{n_samples} rows; both must list the same examples in the same "
                         f"order.{hint}")
    try:
        codes, class_names = encode_labels(raw, n_classes, column_names)
        codes = check_labels(codes, n_samples, n_classes)
    except ValueError as exc:
        raise ValueError(f"{args.labels}: {exc}") from None
    return Inputs(codes, class_names, pred_probs)


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def format_table(headers, rows):
    """Rows of cells as text columns: text left-aligned, numbers right-aligned."""
    cells = [list(map(str, headers))] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[j]) for row in cells) for j in range(len(headers))]
    right = [all(_is_number(row[j]) for row in cells[1:]) and len(cells) > 1
             for j in range(len(headers))]
    return "\n".join(
        "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right)).rstrip()
        for row in cells
    )


def _check_output_folder(path, option="--out"):
    """Fail before any long computation if ``path`` cannot be created."""
    if path is None:
        return
    if not path.strip():
        raise ValueError(f"{option} needs a file name, got {path!r}.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"cannot write {path}: the folder {folder} does not exist.")
    if os.path.isdir(path):
        raise ValueError(f"cannot write {path}: it is a folder; give a file name.")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"cannot write {path}: no permission to create files in {folder}.")


def write_atomically(path, write, *, binary=False, encoding="utf-8"):
    """Call ``write(file)`` on a temporary file beside ``path``, then move it into place.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    folder, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        with (open(temporary, "wb") if binary else
              open(temporary, "w", newline="", encoding=encoding)) as f:
            write(f)
        os.replace(temporary, path)
    except BaseException as exc:
        if os.path.exists(temporary):
            os.remove(temporary)
        if isinstance(exc, OSError) and exc.filename == temporary:
            # The temporary file is ours; the user knows the file they asked for.
            raise OSError(exc.errno, exc.strerror, path) from None
        raise


def _new_figure(**kwargs):
    # The object-oriented API: no pyplot, no GUI backend, no global figure state.
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _save_figure(figure, path):
    fmt = os.path.splitext(path)[1].lstrip(".").lower() or "png"
    write_atomically(path, lambda f: figure.savefig(f, format=fmt, bbox_inches="tight"),
                     binary=True)


def _check_plot_path(path):
    if path is None:
        return
    _check_output_folder(path, "--plot")
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".png", ".pdf", ".svg", ".jpg", ".jpeg"):
        raise ValueError(f"cannot plot to {path}: use a .png, .pdf, .svg or .jpg file name.")
    if importlib.util.find_spec("matplotlib") is None:
        raise ValueError("--plot needs matplotlib: pip install matplotlib")


def _percent(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


# --------------------------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------------------------

def _plain(values):
    """Values of a pandas Series or array as Python objects, None where missing."""
    values = np.asarray(values, dtype=object)
    missing = [v is None or (isinstance(v, float) and np.isnan(v)) or str(v) in ("NaT", "<NA>")
               for v in values]
    return [None if m else (v.item() if isinstance(v, np.generic) else v)
            for v, m in zip(values, missing)]


def _free_name(name, taken):
    """``name``, or ``name (table)`` if one of our columns already has it."""
    name = str(name)
    while name in taken:
        name += " (table)"
    taken.add(name)
    return name


def issue_table(inputs, ranked, scores, *, with_features=False):
    """The issues as ``(columns, rows)``: row, the id column (if any), given and suggested label,
    label quality, then (``with_features``) every other column of the table as read."""
    names = inputs.class_names
    suggested = np.asarray(inputs.pred_probs[ranked]).argmax(axis=1)
    columns = ["row", "given_label", "suggested_label", "label_quality"]
    rows = [[int(i), names[inputs.labels[i]], names[k], float(f"{scores[i]:.6g}")]
            for i, k in zip(ranked, suggested)]
    table = inputs.table
    if table is None:
        return columns, rows
    taken = set(columns)
    if table.ids is not None:
        columns.insert(1, _free_name(table.ids.name, taken))
        for row, value in zip(rows, _plain(table.ids.iloc[ranked])):
            row.insert(1, value)
    if with_features:
        others = [c for c in table.frame.columns if c not in (table.target, table.ids_name)]
        columns += [_free_name(c, taken) for c in others]
        flagged = table.frame.iloc[ranked]
        values = zip(*(_plain(flagged[c]) for c in others)) if others else []
        for row, extra in zip(rows, values):
            row.extend(extra)
    return columns, rows


#: Headers of the printed issues, after any id column.
PRINTED = ["row", "given label", "suggested label", "label quality"]


def _output_format(args):
    if args.format is not None:
        return args.format
    return "json" if args.out.lower().endswith(".json") else "csv"


def write_issues(path, fmt, columns, rows):
    """Write the issues as CSV (a header row) or JSON (a list of objects, null when missing)."""
    if fmt == "json":
        records = [dict(zip(columns, row)) for row in rows]
        write_atomically(path, lambda f: json.dump(records, f, indent=1, default=str,
                                                   allow_nan=False))
    else:
        write_atomically(path, lambda f: csv.writer(f).writerows([columns] + rows))


def find_issues_command(args):
    """``find-issues``: print the top issues, write all of them to ``--out``."""
    _check_output_folder(args.out)
    _check_report_path(args.report)
    inputs = load_inputs(args)
    ranked = find_label_issues(inputs.labels, inputs.pred_probs, filter_by=args.filter_by,
                               return_indices_ranked_by=args.rank_by, n_jobs=args.n_jobs)
    scores = get_label_quality_scores(inputs.labels, inputs.pred_probs, method=args.rank_by,
                                      n_jobs=args.n_jobs)
    columns, rows = issue_table(inputs, ranked, scores, with_features=args.with_features)
    n = len(inputs.labels)
    shown = rows[:args.top]
    print(f"Found {len(rows)} label issue{'s' if len(rows) != 1 else ''} among {n} examples "
          f"({_percent(len(rows), n)}){', most likely first:' if shown else '.'}")
    if shown:
        width = len(PRINTED) + (inputs.table is not None and inputs.table.ids is not None)
        print(format_table(columns[:width - 3] + PRINTED[1:], [row[:width] for row in shown]))
        if len(rows) > len(shown):
            print(f"... {len(rows) - len(shown)} more" + (" in " + args.out if args.out else
                                                          "; write them all with --out FILE.csv"))
    if args.out is not None:
        write_issues(args.out, _output_format(args), columns, rows)
        print(f"Wrote {len(rows)} issues to {args.out}.")
    if args.report is not None:
        top = ranked[:REPORT_TOP]
        columns, rows = issue_table(inputs, top, scores, with_features=True)
        # The id column (if any) and the table's columns, not the four of every issue.
        n_ids = int(inputs.table is not None and inputs.table.ids is not None)
        keep = [*range(1, 1 + n_ids), *range(len(PRINTED) + n_ids, len(columns))]
        images = None
        if args.image_shape is not None:
            images = inputs.table.X.to_numpy(dtype=np.float64)[top].reshape(-1, *args.image_shape)
        _write_report(args, inputs, ranked, scores, columns=[columns[j] for j in keep],
                      rows=[[row[j] for j in keep] for row in rows], images=images)
    return 0


#: Issues shown in an HTML report.
REPORT_TOP = 25


def _check_report_path(path):
    if path is None:
        return
    _check_output_folder(path, "--report")
    if not path.lower().endswith((".html", ".htm")):
        raise ValueError(f"cannot write the report to {path}: use a .html file name.")
    if importlib.util.find_spec("matplotlib") is None:
        raise ValueError("--report draws its figures with matplotlib, which is not installed: "
                         "pip install 'sklearn-noisy[cli]'")


def _inputs_details(args):
    """Where the labels and probabilities came from, for the report's summary."""
    if getattr(args, "data", None) is None:
        return {"labels": args.labels, "predicted probabilities": args.pred_probs}
    model = {"logreg": "LogisticRegression", "hgb": "HistGradientBoostingClassifier"}[args.model]
    return {"table": args.data, "target column": args.target,
            "model": f"{model} (--model {args.model}), out-of-fold probabilities of {args.cv}-fold "
                     f"cross-validation, random_state={args.random_state}"}


def _write_report(args, inputs, ranked, scores, *, columns=(), rows=(), images=None,
                  details=None, source=None):
    from ._report import ReportData, build_report

    data = ReportData(
        labels=inputs.labels, pred_probs=inputs.pred_probs, class_names=inputs.class_names,
        ranked=ranked, scores=scores,
        source=source or getattr(args, "data", None) or args.labels,
        command=shlex.join([PROG, *args.argv]), version=__version__,
        filter_by=getattr(args, "filter_by", "prune_by_noise_rate"),
        rank_by=getattr(args, "rank_by", "self_confidence"), columns=list(columns),
        rows=list(rows), images=images,
        details=details if details is not None else _inputs_details(args))
    html = build_report(data, n_top=REPORT_TOP)
    write_atomically(args.report, lambda f: f.write(html))
    print(f"Wrote the report to {args.report}.")


def _plot_noise_matrix(noise_matrix, class_names, path):
    from .display import NoiseMatrixDisplay

    size = 2 + 0.6 * len(class_names)
    figure = _new_figure(figsize=(size + 1, size))
    NoiseMatrixDisplay(noise_matrix, display_labels=class_names).plot(
        ax=figure.subplots(), include_values=len(class_names) <= 12,
        xticks_rotation="vertical" if max(map(len, class_names)) > 3 else "horizontal")
    _save_figure(figure, path)


def noise_matrix_command(args):
    """``noise-matrix``: the estimated noise matrix, latent prior and issues per class."""
    _check_plot_path(args.plot)
    inputs = load_inputs(args)
    py, noise_matrix, _, _ = estimate_py_and_noise_matrices_from_probabilities(
        inputs.labels, inputs.pred_probs, n_jobs=args.n_jobs)
    issues = find_label_issues(inputs.labels, inputs.pred_probs, filter_by=args.filter_by,
                               n_jobs=args.n_jobs)
    names = inputs.class_names
    print("Estimated noise matrix P(given label | true label); each column sums to 1:")
    print(format_table(["given \\ true"] + names,
                       [[names[i]] + [f"{v:.3f}" for v in row]
                        for i, row in enumerate(noise_matrix)]))
    print()
    n_classes = len(names)
    counts = np.bincount(inputs.labels, minlength=n_classes)
    per_class = np.bincount(inputs.labels[issues], minlength=n_classes)
    rows = [[names[k], counts[k], f"{py[k]:.3f}", per_class[k]] for k in range(n_classes)]
    rows.append(["total", counts.sum(), f"{py.sum():.3f}", per_class.sum()])
    print(format_table(["class", "given", "P(true label)", "issues"], rows))
    if args.plot:
        _plot_noise_matrix(noise_matrix, names, args.plot)
        print(f"Wrote the heatmap to {args.plot}.")
    return 0


def _plot_digits(images, rows, path):
    n = len(rows)
    n_cols = min(n, 6)
    n_rows = max(1, -(-n // n_cols))
    figure = _new_figure(figsize=(1.6 * n_cols, 1.9 * n_rows))
    axes = np.atleast_1d(figure.subplots(n_rows, n_cols)).ravel()
    for ax in axes:
        ax.set_axis_off()
    for ax, image, (row, given, suggested, true) in zip(axes, images, rows):
        ax.imshow(image, cmap="gray_r", interpolation="nearest")
        ax.set_title(f"#{row}: given {given}\nsuggested {suggested}", fontsize=9,
                     color="black" if given != true else "tab:red")
    figure.suptitle("Top flagged digits (red: the given label is in fact correct)", fontsize=10)
    _save_figure(figure, path)


def demo_command(args):
    """``demo``: inject known noise into digits, find it, and score what was found."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .datasets import load_noisy_digits

    _check_plot_path(args.plot)
    _check_report_path(args.report)
    X, true_labels, labels, _ = load_noisy_digits(noise=args.noise,
                                                  random_state=args.random_state)
    if args.quick:
        X, true_labels, labels = X[:500], true_labels[:500], labels[:500]
    is_error = labels != true_labels
    print(f"Digits: {len(labels)} images of 10 classes; {is_error.sum()} labels "
          f"({_percent(is_error.sum(), len(labels))}) flipped with a random class-conditional "
          f"noise matrix (--noise {args.noise}, --random-state {args.random_state}).")
    clf = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    pred_probs = cross_validated_pred_probs(X, labels, [str(k) for k in range(10)], clf, args,
                                            "digits")
    ranked = find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence",
                               n_jobs=args.n_jobs)
    found = int(is_error[ranked].sum())
    precision = found / len(ranked) if len(ranked) else 1.0
    recall = found / is_error.sum() if is_error.sum() else 1.0
    print(f"Found {len(ranked)} label issues: precision {precision:.2f} ({found} of them are "
          f"real errors), recall {recall:.2f} ({found} of the {is_error.sum()} errors).")
    top = ranked[:args.top]
    suggested = pred_probs[top].argmax(axis=1)
    rows = [(int(i), int(labels[i]), int(s), int(true_labels[i]),
             "yes" if is_error[i] else "no") for i, s in zip(top, suggested)]
    if rows:
        print(format_table(["row", "given", "suggested", "true", "error"], rows))
    if args.plot:
        _plot_digits(X[top].reshape(-1, 8, 8), [r[:4] for r in rows], args.plot)
        print(f"Wrote the flagged digits to {args.plot}.")
    if args.report:
        report_top = ranked[:REPORT_TOP]
        scores = get_label_quality_scores(labels, pred_probs, n_jobs=args.n_jobs)
        _write_report(
            args, Inputs(labels, [str(k) for k in range(10)], pred_probs), ranked, scores,
            columns=["true label", "real error"],
            rows=[[int(true_labels[i]), "yes" if is_error[i] else "no"] for i in report_top],
            images=X[report_top].reshape(-1, 8, 8), source="the digits (noisy labels)",
            details={"data": f"scikit-learn's digits, {is_error.sum()} labels flipped at random "
                             f"(--noise {args.noise}, --random-state {args.random_state}); "
                             f"precision {precision:.2f}, recall {recall:.2f}",
                     "model": "StandardScaler + LogisticRegression, out-of-fold probabilities "
                              f"of {args.cv}-fold cross-validation"})
    print(f"On your data: {PROG} find-issues --labels LABELS.csv --pred-probs PRED_PROBS.npy, "
          "or --data TABLE.csv --target COLUMN")
    return 0


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------

def _formatter(prog):
    return argparse.HelpFormatter(prog, max_help_position=32)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr, with exit status 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _int_at_least(low):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected at least {low}, got {value}")
        return value
    return parse


_positive_int, _non_negative_int = _int_at_least(1), _int_at_least(0)


def _n_jobs(text):
    # More workers than cores would not run any faster, and a huge count could not even start.
    return min(_positive_int(text), cpu_count())


def _image_shape(text):
    height, _, width = text.lower().partition("x")
    if not (height.isdigit() and width.isdigit() and int(height) > 0 and int(width) > 0):
        raise argparse.ArgumentTypeError(f"expected HEIGHTxWIDTH such as 8x8, got {text!r}")
    return int(height), int(width)


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 0.9:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 0.9), got {value}")
    return value


def _common_options():
    parent = _Parser(add_help=False)
    parent.add_argument("--n-jobs", type=_n_jobs, default=None, metavar="N",
                        help="threads for the kernels and parallel cross-validation folds, at "
                             "most the number of cores (default: all cores for the kernels, "
                             "folds one by one)")
    parent.add_argument("--random-state", type=int, default=0, metavar="SEED",
                        help="seed of the cross-validation folds and models (default 0)")
    parent.add_argument("--cv", type=_int_at_least(2), default=5, metavar="K",
                        help="cross-validation folds (default 5)")
    parent.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar on stderr")
    return parent


def _input_options():
    parent = _Parser(add_help=False)
    group = parent.add_argument_group("input: labels and predicted probabilities")
    group.add_argument("--labels", metavar="FILE", help="given labels, .csv or .npy")
    group.add_argument("--label-column", metavar="NAME|POSITION",
                       help="the column of --labels holding the labels (needed when it has "
                            "several)")
    group.add_argument("--pred-probs", metavar="FILE",
                       help="out-of-sample predicted probabilities, one row per example and one "
                            "column per class, .npy (memory-mapped) or .csv; a CSV header may "
                            "name the class of each column")
    group.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                       help="whether the first row of each CSV names the columns (default: it "
                            "does unless all its cells are numbers)")
    group.add_argument("--labels-header", action=argparse.BooleanOptionalAction, default=None,
                       help="the same for the --labels CSV only; overrides --header")
    group.add_argument("--pred-probs-header", action=argparse.BooleanOptionalAction,
                       default=None,
                       help="the same for the --pred-probs CSV only; overrides --header")
    table = parent.add_argument_group("or input: a table of features and labels (needs pandas)")
    table.add_argument("--data", metavar="TABLE",
                       help="a .csv or .tsv file with a header row (delimiter detected; may be "
                            "compressed, e.g. .csv.gz) or a .parquet file; out-of-fold "
                            "probabilities are computed by cross-validation")
    table.add_argument("--target", metavar="COLUMN", help="the column of --data holding the labels")
    table.add_argument("--id-column", metavar="COLUMN",
                       help="a column naming each row: kept out of the features, written with "
                            "the issues")
    table.add_argument("--drop", nargs="+", metavar="COLUMN",
                       help="columns left out of the features")
    table.add_argument("--model", choices=MODELS, default="logreg",
                       help="logreg: LogisticRegression, hgb: HistGradientBoostingClassifier "
                            "(default logreg)")
    parent.add_argument("--filter-by", choices=FILTER_BY, default="prune_by_noise_rate",
                        metavar="METHOD", help="how label issues are chosen: "
                        f"{', '.join(FILTER_BY)} (default prune_by_noise_rate)")
    return parent


def build_parser():
    """The argument parser of ``sklearn-noisy``."""
    parser = _Parser(prog=PROG, description="Find label errors in classification data with "
                                            "confident learning.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", required=True,
                                     metavar="COMMAND")
    common, inputs = _common_options(), _input_options()

    find = commands.add_parser(
        "find-issues", parents=[inputs, common], help="list the likely label errors",
        description="List the examples whose given label is likely wrong, most likely first.")
    find.add_argument("--rank-by", choices=RANK_BY, default="self_confidence", metavar="SCORE",
                      help=f"label quality score that orders the issues: {', '.join(RANK_BY)} "
                           "(default self_confidence)")
    find.add_argument("--top", type=_non_negative_int, default=10, metavar="N",
                      help="issues printed (default 10)")
    find.add_argument("--out", metavar="FILE",
                      help="write every issue: row (0-based), the --id-column, given_label, "
                           "suggested_label, label_quality")
    find.add_argument("--format", choices=("csv", "json"), default=None,
                      help="of --out (default: json for a .json file name, else csv)")
    find.add_argument("--with-features", action="store_true",
                      help="--out also holds the other columns of each flagged row of --data")
    find.add_argument("--report", metavar="FILE.html",
                      help="write a self-contained HTML report with figures (needs matplotlib)")
    find.add_argument("--image-shape", type=_image_shape, metavar="HxW",
                      help="the features of --data are the pixels of HxW images, shown in the "
                           "report (e.g. 8x8)")
    find.set_defaults(run=find_issues_command)

    noise = commands.add_parser(
        "noise-matrix", parents=[inputs, common], help="estimate the label noise per class",
        description="Print the estimated noise matrix P(given label | true label), the latent "
                    "prior P(true label) and the number of issues per class.")
    noise.add_argument("--plot", metavar="FILE.png", help="draw the noise matrix as a heatmap")
    noise.set_defaults(run=noise_matrix_command)

    demo = commands.add_parser(
        "demo", parents=[common], help="find known label errors in the digits dataset",
        description="Flip labels of scikit-learn's digits with known class-conditional noise, "
                    "find them again, and print precision and recall.")
    demo.add_argument("--noise", type=_fraction, default=0.2,
                      help="fraction of labels flipped on average (default 0.2)")
    demo.add_argument("--top", type=_non_negative_int, default=10, metavar="N",
                      help="issues printed (default 10)")
    demo.add_argument("--plot", metavar="FILE.png", help="draw the top flagged digits")
    demo.add_argument("--report", metavar="FILE.html",
                      help="write a self-contained HTML report with figures (needs matplotlib)")
    demo.add_argument("--quick", action="store_true", help="use the first 500 digits only")
    demo.set_defaults(run=demo_command)
    return parser


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    text = " ".join(str(message).split())
    print(f"{PROG}: warning: {category.__name__}: {text}", file=sys.stderr)


def main(argv=None):
    """Run the ``sklearn-noisy`` command line; return its exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``None`` reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 on bad input (after one line on stderr).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_noisy.cli import main
    >>> folder = tempfile.TemporaryDirectory()
    >>> labels, pred_probs = (os.path.join(folder.name, name) for name in ("y.npy", "p.npy"))
    >>> np.save(labels, [0, 0, 0, 1, 1, 1])
    >>> np.save(pred_probs, [[0.9, 0.1], [0.8, 0.2], [0.1, 0.9],
    ...                      [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]])
    >>> main(["find-issues", "--labels", labels, "--pred-probs", pred_probs])
    Found 1 label issue among 6 examples (16.7%), most likely first:
    row  given label  suggested label  label quality
      2  0            1                          0.1
    0
    >>> folder.cleanup()
    """
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_warning
        try:
            return args.run(args)
        except (ValueError, OSError, KeyError) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            if isinstance(exc, OSError) and exc.filename is not None:
                message = f"{exc.filename}: {exc.strerror or message}"
            print(f"{PROG}: error: {message}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{PROG}: interrupted", file=sys.stderr)
            return 130
