"""Tables of features and labels for the command line: read with pandas, split, modelled.

pandas (and pyarrow for Parquet files) are optional: they are imported only when a table is
read, and a missing one is an error that names the extra to install.
"""

import csv
import os
import warnings
from dataclasses import dataclass

import numpy as np

from ._cv import default_estimator

#: How to install what reading tables needs.
EXTRA = "pip install 'sklearn-noisy[cli]'"
SEPARATORS = ",;\t|"
TEXT_TYPES = (".csv", ".tsv", ".txt")
PARQUET_TYPES = (".parquet", ".pq")
COMPRESSIONS = (".gz", ".bz2", ".zip", ".xz", ".zst")
#: Characters of a text table given to the delimiter sniffer.
SAMPLE_SIZE = 1 << 16


def not_utf8(path):
    """The error for a file that is not UTF-8, naming its first line that cannot be decoded."""
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = exc.object[exc.start:exc.start + 1]
                return ValueError(f"{path} is not UTF-8 text: line {number} holds the byte "
                                  f"{byte!r}; save the file as UTF-8 (or ASCII).")
    return ValueError(f"{path} is not UTF-8 text; save the file as UTF-8 (or ASCII).")


def _pandas(path):
    try:
        import pandas
    except ImportError:
        raise ValueError(f"reading the table {path} needs pandas, which is not installed: "
                         f"{EXTRA}") from None
    return pandas


def _file_type(path):
    """``.csv``, ``.tsv``, ``.txt``, ``.parquet`` or ``.pq``, compression suffix removed."""
    stem, ext = os.path.splitext(path.lower())
    if ext in COMPRESSIONS:
        ext = os.path.splitext(stem)[1]
    if ext not in TEXT_TYPES + PARQUET_TYPES:
        raise ValueError(f"{path}: unknown table type {ext or '(none)'!r}; use a .csv or .tsv "
                         "text file (optionally compressed, e.g. .csv.gz) or a .parquet file.")
    return ext


def _separator(path, ext):
    """The delimiter of a text table: a tab for .tsv, else sniffed from the start of the file.

    None for a compressed file: pandas' Python engine then sniffs it.
    """
    if ext == ".tsv":
        return "\t"
    if path.lower().endswith(COMPRESSIONS):
        return None
    with open(path, encoding="utf-8-sig", newline="") as f:
        sample = f.read(SAMPLE_SIZE)
    if len(sample) == SAMPLE_SIZE and "\n" in sample:
        sample = sample[:sample.rindex("\n")]  # whole lines only
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:  # a single column, for example
        return ","


def read_table(path):
    """A CSV/TSV (delimiter sniffed) or Parquet file as a pandas DataFrame.

    Types and missing values are inferred by pandas. Every error is a ValueError (or an OSError
    for a file that cannot be opened) whose message names ``path``.
    """
    pd = _pandas(path)
    ext = _file_type(path)
    if ext in PARQUET_TYPES:
        try:
            return pd.read_parquet(path)
        except ImportError:
            raise ValueError(f"reading the Parquet file {path} needs pyarrow, which is not "
                             f"installed: {EXTRA}") from None
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            raise
        except (ValueError, OSError, TypeError) as exc:  # pyarrow's errors derive from these
            raise ValueError(f"{path} is not a readable Parquet file: {exc}") from None
    try:
        sep = _separator(path, ext)
        return pd.read_csv(path, sep=sep, engine="python" if sep is None else "c",
                           encoding="utf-8")
    except UnicodeDecodeError:
        raise not_utf8(path) from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"{path} is empty.") from None
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path}: {exc}") from None


@dataclass
class Table:
    """A table split for the command line.

    ``X`` holds the features: float columns (NaN when missing) and categorical columns (strings,
    NaN when missing) whose names are in ``categorical``; ``y`` the labels as given; ``ids`` the
    ``--id-column`` values or None; ``frame`` the table as read; ``target`` the name of the
    label column.
    """

    X: object
    y: np.ndarray
    ids: object
    categorical: list
    frame: object
    target: str

    @property
    def ids_name(self):
        return None if self.ids is None else self.ids.name


def _column(frame, name, option, source):
    if name not in frame.columns:
        raise ValueError(f"{source} has no column {name!r} ({option}); its columns are "
                         f"{', '.join(map(str, frame.columns))}.")
    return name


def _labels(values):
    """Target values as an array that sorts as the user expects: whole floats as integers."""
    y = values.to_numpy()
    if y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0):
        return y.astype(np.int64)
    if y.dtype.kind in "biuf":
        return y
    return y.astype(str)


def _as_category(values):
    """A non-numeric column as strings, with NaN where a value is missing."""
    strings = values.to_numpy(dtype=object).astype(str).astype(object)
    strings[values.isna().to_numpy()] = np.nan
    return strings


def split_table(frame, source, target, *, id_column=None, drop=()):
    """Split ``frame`` into features, labels and identifiers; a Table.

    Raises ValueError for a column that does not exist, a ``drop`` that removes the target, a
    missing target value, or no features left; warns about a column that looks like an
    identifier.
    """
    _column(frame, target, "--target", source)
    if id_column is not None:
        _column(frame, id_column, "--id-column", source)
        if id_column == target:
            raise ValueError(f"--id-column {id_column} is the --target column; name another.")
    for name in drop:
        _column(frame, name, "--drop", source)
    if target in drop:
        raise ValueError(f"--drop removes the target column {target!r}, which holds the labels; "
                         "drop other columns.")
    if len(frame) == 0:
        raise ValueError(f"{source} has a header but no rows.")
    missing = frame[target].isna().to_numpy()
    if missing.any():
        raise ValueError(f"{source}: {missing.sum()} row(s) have no value in the target column "
                         f"{target!r} (the first is row {np.flatnonzero(missing)[0]}, counted "
                         "from 0 below the header); drop or fill them.")
    features = [c for c in frame.columns if c not in (target, id_column) and c not in drop]
    if not features:
        raise ValueError(f"{source} has no feature columns besides the target {target!r}"
                         f"{' and the ids' if id_column is not None else ''}.")
    import pandas as pd

    columns, categorical = {}, []
    for name in features:
        values = frame[name]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            columns[name] = values.astype(np.float64)
            continue
        categorical.append(name)
        columns[name] = _as_category(values)
        if len(frame) > 1 and values.notna().all() and values.nunique() == len(frame):
            warnings.warn(f"column {name!r} holds a different value in every row, like an "
                          f"identifier; pass --id-column {name} to keep it out of the features "
                          "and write it with the issues.", UserWarning, stacklevel=2)
    X = pd.DataFrame(columns, index=frame.index)
    ids = frame[id_column] if id_column is not None else None
    return Table(X, _labels(frame[target]), ids, categorical, frame, target)


def table_model(name, X, categorical, random_state):
    """The model of ``--model NAME`` for the features ``X``, missing values and categories included.

    ``hgb`` handles both natively (categories ordinal-encoded, at most 255 per column, the rarest
    grouped); ``logreg`` imputes the median of numbers (and marks where it did) and one-hot
    encodes categories, missing as a category of its own.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

    numeric = [c for c in X.columns if c not in categorical]
    if name == "hgb":
        encode = ColumnTransformer(
            [("categorical", OrdinalEncoder(handle_unknown="use_encoded_value",
                                            unknown_value=np.nan, max_categories=255),
              categorical)],
            remainder="passthrough")
        # The encoded categories come first.
        model = HistGradientBoostingClassifier(
            categorical_features=list(range(len(categorical))) or None,
            random_state=random_state)
        return make_pipeline(encode, model)
    encode = ColumnTransformer(
        [("numeric", make_pipeline(SimpleImputer(strategy="median", add_indicator=True),
                                   StandardScaler()), numeric),
         ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)])
    return make_pipeline(encode, default_estimator())
