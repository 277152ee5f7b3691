"""The command line on tables read by pandas: delimiters, Parquet, ids, dropped columns, missing
values and categories, CSV and JSON output, and the errors of the table options.

Most tests run ``cli.main`` in this process (the ``here`` fixture); each table is small.
"""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

pd = pytest.importorskip("pandas")

from sklearn_noisy._tables import read_table, split_table, table_model

FLIPPED = [5, 40, 77, 101]
TRUE = {"low": 0, "mid": 1, "high": 2}


def noisy_table(rng=None):
    """120 rows of 3 classes told apart by ``x`` and ``shape``, the labels of FLIPPED changed.

    ``x`` and ``shape`` both have missing values; ``sample`` is an identifier and ``noise``
    carries nothing. Returns the table and the true labels.
    """
    rng = np.random.default_rng(1) if rng is None else rng
    level = np.repeat(["low", "mid", "high"], 40)
    rng.shuffle(level)
    code = np.array([TRUE[v] for v in level])
    x = 3 * code + rng.normal(scale=0.3, size=120)
    x[::10] = np.nan
    shape = np.array(["circle", "square", "star"], dtype=object)[code]
    shape[3::15] = None
    given = level.copy()
    for i in FLIPPED:
        given[i] = {"low": "mid", "mid": "high", "high": "low"}[level[i]]
    frame = pd.DataFrame({"sample": [f"s{i:03d}" for i in range(120)], "x": x, "shape": shape,
                          "noise": rng.normal(size=120).round(3), "level": given})
    return frame, level


def read_issues(path, fmt=None):
    with open(path, encoding="utf-8") as f:
        if (fmt or os.path.splitext(path)[1]).endswith("json"):
            return json.load(f)
        return pd.read_csv(f)


@pytest.mark.parametrize("sep, name", [(",", "t.csv"), (";", "t.csv"), ("\t", "t.tsv"),
                                        ("|", "t.txt"), (",", "t.csv.gz")])
def test_delimiters_are_detected_and_give_the_same_table(tmp_path, sep, name):
    frame, _ = noisy_table()
    frame.to_csv(tmp_path / name, sep=sep, index=False)
    read = read_table(str(tmp_path / name))
    pd.testing.assert_frame_equal(read, frame, check_dtype=False)


def test_parquet_reads_the_same_table(tmp_path):
    pytest.importorskip("pyarrow")
    frame, _ = noisy_table()
    frame.to_parquet(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(read_table(str(tmp_path / "t.parquet")), frame)


def test_split_table_keeps_ids_and_dropped_columns_out_of_the_features():
    frame, _ = noisy_table()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = split_table(frame, "t.csv", "level", id_column="sample", drop=["noise"])
    assert list(table.X.columns) == ["x", "shape"]
    assert table.categorical == ["shape"]
    assert table.ids.tolist() == frame["sample"].tolist()
    assert table.y.tolist() == frame["level"].tolist()
    # Missing categories stay missing (NaN), the others are strings; nothing is modified.
    assert table.X["shape"].isna().tolist() == frame["shape"].isna().tolist()
    assert frame["shape"].isna().sum() == 8 and frame["x"].isna().sum() == 12


def test_a_column_of_distinct_strings_is_flagged_as_an_identifier():
    frame, _ = noisy_table()
    with pytest.warns(UserWarning, match="column 'sample' holds a different value in every "
                                         "row.*--id-column sample"):
        table = split_table(frame, "t.csv", "level")
    assert "sample" in table.categorical


@pytest.mark.parametrize("model", ["logreg", "hgb"])
def test_both_models_fit_missing_values_and_unseen_categories(model):
    frame, level = noisy_table()
    table = split_table(frame, "t.csv", "level", id_column="sample")
    fitted = table_model(model, table.X, table.categorical, 0).fit(table.X, level)
    test = pd.DataFrame({"x": [np.nan, 6.0, 0.0], "noise": [0.0, np.nan, 0.0],
                         "shape": ["star", "hexagon", np.nan]}, columns=table.X.columns)
    test = test.astype({"shape": object})
    proba = fitted.predict_proba(test)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    # The category alone, the number alone: both models get the class right.
    assert fitted.predict(test)[:2].tolist() == ["high", "high"]


@pytest.mark.parametrize("model", ["logreg", "hgb"])
def test_find_issues_on_a_table_with_ids_writes_them_with_the_issues(tmp_path, here, model):
    frame, level = noisy_table()
    frame.to_csv(tmp_path / "t.csv", sep=";", index=False)
    result = here("find-issues", "--data", "t.csv", "--target", "level", "--id-column",
                  "sample", "--drop", "noise", "--model", model, "--cv", "3",
                  "--out", "issues.csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    issues = read_issues(tmp_path / "issues.csv")
    assert list(issues.columns) == ["row", "sample", "given_label", "suggested_label",
                                    "label_quality"]
    assert set(FLIPPED) <= set(issues["row"])
    assert issues["sample"].tolist() == [f"s{i:03d}" for i in issues["row"]]
    assert issues["given_label"].tolist() == frame["level"][issues["row"]].tolist()
    flipped = issues.set_index("row").loc[FLIPPED]
    assert flipped["suggested_label"].tolist() == level[FLIPPED].tolist()
    # The printed table names the ids too.
    assert result.stdout.splitlines()[1].split()[:2] == ["row", "sample"]


def test_json_output_with_features_holds_each_flagged_row_as_read(tmp_path, here):
    frame, _ = noisy_table()
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = here("find-issues", "--data", "t.csv", "--target", "level", "--id-column",
                  "sample", "--cv", "3", "--out", "issues.json", "--with-features")
    assert result.returncode == 0, result.stderr
    records = read_issues(tmp_path / "issues.json")
    assert len(records) >= 3
    for record in records:
        assert list(record)[:5] == ["row", "sample", "given_label", "suggested_label",
                                    "label_quality"]
        assert list(record)[5:] == ["x", "shape", "noise"]
        original = frame.iloc[record["row"]]
        assert record["sample"] == original["sample"]
        assert record["given_label"] == original["level"]
        for name in ("x", "shape", "noise"):
            if pd.isna(original[name]):
                assert record[name] is None
            else:
                assert record[name] == original[name]
        assert 0 <= record["label_quality"] <= 1


def test_format_overrides_the_extension_and_matches_the_csv(tmp_path, here):
    frame, _ = noisy_table()
    frame.to_csv(tmp_path / "t.csv", index=False)
    args = ["find-issues", "--data", "t.csv", "--target", "level", "--drop", "sample",
            "--cv", "3"]
    assert here(*args, "--out", "issues.csv").returncode == 0
    assert here(*args, "--out", "issues.txt", "--format", "json").returncode == 0
    as_json = pd.DataFrame(read_issues(tmp_path / "issues.txt", "json"))
    pd.testing.assert_frame_equal(as_json, read_issues(tmp_path / "issues.csv"))


def test_feature_columns_named_like_ours_are_renamed(tmp_path, here):
    frame, _ = noisy_table()
    frame = frame.rename(columns={"noise": "row"})
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = here("find-issues", "--data", "t.csv", "--target", "level", "--cv", "3",
                  "--id-column", "sample", "--out", "issues.json", "--with-features")
    assert result.returncode == 0, result.stderr
    record = read_issues(tmp_path / "issues.json")[0]
    assert record["row (table)"] == frame["row"][record["row"]]


def _write(tmp_path):
    frame, _ = noisy_table()
    frame.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 this is not really a parquet file")


TABLE_ERRORS = {
    "id column not in the table": (
        ["--data", "t.csv", "--target", "level", "--id-column", "name"],
        ("t.csv has no column 'name' (--id-column); its columns are sample, x, shape, "
         "noise, level.")),
    "drop removes the target": (
        ["--data", "t.csv", "--target", "level", "--drop", "noise", "level"],
        "--drop removes the target column 'level'"),
    "drop of an unknown column": (
        ["--data", "t.csv", "--target", "level", "--drop", "nothing"],
        "t.csv has no column 'nothing' (--drop)"),
    "id column is the target": (
        ["--data", "t.csv", "--target", "level", "--id-column", "level"],
        "--id-column level is the --target column"),
    "unreadable parquet": (
        ["--data", "broken.parquet", "--target", "level"],
        "broken.parquet is not a readable Parquet file"),
    "unknown table type": (
        ["--data", "t.xlsx", "--target", "level"],
        "t.xlsx: unknown table type '.xlsx'"),
    "table option without a table": (
        ["--labels", "t.csv", "--pred-probs", "t.csv", "--with-features"],
        "--with-features applies to a table: pass --data TABLE.csv --target COLUMN."),
    "image shape of another size": (
        ["--data", "t.csv", "--target", "level", "--drop", "sample", "shape",
         "--image-shape", "3x3"],
        "--image-shape 3x3 needs 9 numeric feature columns, but t.csv has 2"),
}


@pytest.mark.parametrize("case", TABLE_ERRORS)
def test_bad_table_options_exit_2_with_one_line_and_write_nothing(tmp_path, here, case):
    if case == "unreadable parquet":
        pytest.importorskip("pyarrow")
    _write(tmp_path)
    before = sorted(os.listdir(tmp_path))
    args, message = TABLE_ERRORS[case]
    result = here("find-issues", *args, "--out", "issues.csv", "--report", "report.html")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("sklearn-noisy: error: ")
    assert message in result.stderr
    assert sorted(os.listdir(tmp_path)) == before


def test_an_unknown_format_is_a_usage_error(tmp_path, here):
    _write(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        here("find-issues", "--data", "t.csv", "--target", "level", "--out", "i.csv",
             "--format", "xml")
    assert exit_.value.code == 2
    assert sorted(os.listdir(tmp_path)) == ["broken.parquet", "t.csv"]


def test_without_pandas_tables_name_the_extra_and_the_demo_still_runs(tmp_path):
    """The base install: pandas, pyarrow, tqdm and matplotlib hidden."""
    _write(tmp_path)
    code = ("import sys\n"
            "class NotInstalled:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.partition('.')[0] in ('pandas', 'pyarrow', 'tqdm', 'matplotlib'):\n"
            "            raise ModuleNotFoundError(f'No module named {name!r}')\n"
            "sys.meta_path.insert(0, NotInstalled())\n"
            "from sklearn_noisy.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}

    def run(*args):
        return subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300, check=False)

    result = run("find-issues", "--data", "t.csv", "--target", "level")
    assert result.returncode == 2
    assert result.stderr == ("sklearn-noisy: error: reading the table t.csv needs pandas, which "
                             "is not installed: pip install 'sklearn-noisy[cli]'\n")
    result = run("demo", "--quick", "--top", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Digits: 500 images")
