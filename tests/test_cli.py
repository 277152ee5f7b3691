"""The ``sklearn-noisy`` command line, driven as a user would: a subprocess and files on disk."""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest

from sklearn_noisy import cli
from sklearn_noisy.cli import write_atomically
from sklearn_noisy.count import estimate_py_and_noise_matrices_from_probabilities
from sklearn_noisy.filter import find_label_issues
from sklearn_noisy.rank import get_label_quality_scores

# One thread per process: the suite runs on small machines, and results do not depend on it.
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
OUT_HEADER = ["row", "given_label", "suggested_label", "label_quality"]

# Six examples worked out by hand: example 2 is labelled 0 but the model is sure of class 1.
LABELS = [0, 0, 0, 1, 1, 1]
PRED_PROBS = [[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8], [0.3, 0.7], [0.1, 0.9]]


def probabilities_near(labels, n_classes, boost, rng):
    """Random ``pred_probs`` of a model that puts ``boost`` extra weight on the given labels."""
    pred_probs = rng.dirichlet(np.ones(n_classes), size=len(labels))
    pred_probs[np.arange(len(labels)), labels] += boost
    return pred_probs / pred_probs.sum(axis=1, keepdims=True)


def run(*args, cwd):
    """Run ``python -m sklearn_noisy ARGS`` in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "sklearn_noisy", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, env=ENV, timeout=300, check=False)


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)


def assert_clean_failure(result, folder, files_before):
    """Exit 2, one line on stderr, no traceback, and nothing written in ``folder``."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sklearn-noisy: error: ")
    assert "Traceback" not in result.stderr
    assert sorted(os.listdir(folder)) == files_before


def test_find_issues_prints_and_writes_the_hand_worked_issue(tmp_path):
    np.save(tmp_path / "labels.npy", np.array(LABELS))
    np.save(tmp_path / "pred_probs.npy", np.array(PRED_PROBS))
    result = run("find-issues", "--labels", "labels.npy", "--pred-probs", "pred_probs.npy",
                 "--out", "issues.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Found 1 label issue among 6 examples (16.7%), most likely first:"
    assert lines[2].split() == ["2", "0", "1", "0.1"]
    assert read_csv(tmp_path / "issues.csv") == [OUT_HEADER, ["2", "0", "1", "0.1"]]


@pytest.mark.parametrize("pred_probs_header", [["dog", "cat"], None])
def test_string_labels_map_to_columns_by_header_or_sorted_order(tmp_path, pred_probs_header):
    animals = ["cat", "cat", "cat", "dog", "dog", "dog"]
    write_csv(tmp_path / "labels.csv", [["id", "animal"]] + [[f"id{i}", a]
                                                             for i, a in enumerate(animals)])
    # Without a header, the columns are the sorted labels: cat then dog.
    probs = np.array(PRED_PROBS)
    if pred_probs_header == ["dog", "cat"]:
        probs = probs[:, ::-1]
    header = [pred_probs_header] if pred_probs_header else []
    write_csv(tmp_path / "pred_probs.csv", header + probs.tolist())
    result = run("find-issues", "--labels", "labels.csv", "--label-column", "animal",
                 "--pred-probs", "pred_probs.csv", "--out", "issues.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert read_csv(tmp_path / "issues.csv") == [OUT_HEADER, ["2", "cat", "dog", "0.1"]]


@pytest.mark.parametrize(
    "filter_by, rank_by, dtype",
    [("prune_by_noise_rate", "self_confidence", np.float64),
     ("both", "normalized_margin", np.float32),
     ("predicted_neq_given", "confidence_weighted_entropy", np.float64)],
)
def test_find_issues_output_equals_the_functional_api(tmp_path, filter_by, rank_by, dtype):
    rng = np.random.default_rng(0)
    true_labels = rng.integers(0, 4, size=300)
    pred_probs = rng.dirichlet(np.ones(4), size=300)
    pred_probs[np.arange(300), true_labels] += 1.5  # a model that mostly knows the truth
    pred_probs = (pred_probs / pred_probs.sum(axis=1, keepdims=True)).astype(dtype)
    labels = np.where(rng.random(300) < 0.2, rng.integers(0, 4, size=300), true_labels)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    result = run("find-issues", "--labels", "labels.npy", "--pred-probs", "pred_probs.npy",
                 "--filter-by", filter_by, "--rank-by", rank_by, "--top", "3",
                 "--out", "issues.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    ranked = find_label_issues(labels, pred_probs, filter_by=filter_by,
                               return_indices_ranked_by=rank_by)
    scores = get_label_quality_scores(labels, pred_probs, method=rank_by)
    rows = read_csv(tmp_path / "issues.csv")
    assert rows[0] == OUT_HEADER
    assert [int(r[0]) for r in rows[1:]] == ranked.tolist()
    assert [int(r[1]) for r in rows[1:]] == labels[ranked].tolist()
    assert [int(r[2]) for r in rows[1:]] == pred_probs[ranked].argmax(axis=1).tolist()
    np.testing.assert_allclose([float(r[3]) for r in rows[1:]], scores[ranked], rtol=1e-5)
    # The printed table holds the --top 3 first issues.
    table = result.stdout.splitlines()[2:5]
    assert [int(line.split()[0]) for line in table] == ranked[:3].tolist()
    assert f"{len(ranked) - 3} more in issues.csv" in result.stdout


def test_labels_csv_with_a_numeric_header_needs_and_accepts_header_flag(tmp_path):
    # pandas' Series.to_csv(index=False) writes the header "0", which looks like a label.
    write_csv(tmp_path / "labels.csv", [["0"]] + [[y] for y in LABELS])
    np.save(tmp_path / "pred_probs.npy", np.array(PRED_PROBS))
    args = ["find-issues", "--labels", "labels.csv", "--pred-probs", "pred_probs.npy"]
    result = run(*args, cwd=tmp_path)
    assert_clean_failure(result, tmp_path, ["labels.csv", "pred_probs.npy"])
    assert "has 7 labels but pred_probs.npy has 6 rows" in result.stderr
    assert "pass --labels-header" in result.stderr
    result = run(*args, "--header", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Found 1 label issue among 6 examples")


def _separable_table(path, rng, flipped):
    """120 rows of 3 classes told apart by x0 and the shape; labels of ``flipped`` rows changed."""
    classes = np.repeat(["low", "mid", "high"], 40)
    rng.shuffle(classes)
    code = np.searchsorted(["high", "low", "mid"], classes)
    rows = [["x0", "x1", "shape", "level"]]
    for i, c in enumerate(code):
        x1 = "" if i % 10 == 0 else f"{rng.normal():.3f}"
        shape = "" if i % 15 == 0 else ["circle", "square", "star"][c]
        rows.append([f"{3 * c + rng.normal(scale=0.3):.3f}", x1, shape, classes[i]])
    true = classes.copy()
    for i in flipped:
        rows[i + 1][3] = {"low": "mid", "mid": "high", "high": "low"}[classes[i]]
    write_csv(path, rows)
    return true


@pytest.mark.parametrize("model", ["logreg", "hgb"])
def test_find_issues_on_a_table_finds_the_flipped_labels(tmp_path, model):
    flipped = [5, 40, 77, 101]
    true = _separable_table(tmp_path / "table.csv", np.random.default_rng(1), flipped)
    result = run("find-issues", "--data", "table.csv", "--target", "level", "--model", model,
                 "--cv", "3", "--out", "issues.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    table = read_csv(tmp_path / "table.csv")
    issues = {int(r[0]): r for r in read_csv(tmp_path / "issues.csv")[1:]}
    assert set(flipped) <= set(issues)
    for row, (_, given, suggested, _) in issues.items():
        assert given == table[row + 1][3]
    for row in flipped:
        assert issues[row][2] == true[row]


def test_noise_matrix_prints_the_estimates_and_plots_a_heatmap(tmp_path):
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 3, size=200)
    pred_probs = probabilities_near(labels, 3, 1.0, rng)
    np.save(tmp_path / "labels.npy", labels)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    result = run("noise-matrix", "--labels", "labels.npy", "--pred-probs", "pred_probs.npy",
                 "--plot", "noise.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr

    py, noise_matrix, _, _ = estimate_py_and_noise_matrices_from_probabilities(labels,
                                                                              pred_probs)
    issues = find_label_issues(labels, pred_probs)
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["given", "\\", "true", "0", "1", "2"]
    printed = np.array([[float(v) for v in line.split()[1:]] for line in lines[2:5]])
    np.testing.assert_allclose(printed, noise_matrix, atol=5e-4)
    per_class = [line.split() for line in lines[7:10]]
    assert [int(r[1]) for r in per_class] == np.bincount(labels).tolist()
    np.testing.assert_allclose([float(r[2]) for r in per_class], py, atol=5e-4)
    assert [int(r[3]) for r in per_class] == np.bincount(labels[issues], minlength=3).tolist()
    assert (tmp_path / "noise.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


ERROR_CASES = {
    "missing file": (["--labels", "nowhere.csv", "--pred-probs", "pred_probs.csv"],
                     "nowhere.csv: No such file or directory"),
    "unknown column": (["--labels", "labels.csv", "--label-column", "species",
                        "--pred-probs", "pred_probs.csv"],
                       "labels.csv has no column 'species'; its columns are id, animal."),
    "row not summing to 1": (["--labels", "labels.csv", "--label-column", "animal",
                              "--pred-probs", "unnormalised.csv"],
                             "unnormalised.csv: Row 4 of pred_probs sums to 1.5"),
    "length mismatch": (["--labels", "labels.csv", "--label-column", "animal",
                         "--pred-probs", "longer.csv"],
                        "labels.csv has 6 labels but longer.csv has 7 rows"),
    "unknown target": (["--data", "table.csv", "--target", "species"],
                       "table.csv has no column 'species'"),
    "too few examples for the folds": (["--data", "table.csv", "--target", "animal"],
                                       "Class 'cat' has 3 example(s), fewer than the 5"),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, case):
    animals = ["cat", "cat", "cat", "dog", "dog", "dog"]
    write_csv(tmp_path / "labels.csv", [["id", "animal"]] + [[i, a] for i, a in
                                                             enumerate(animals)])
    write_csv(tmp_path / "pred_probs.csv", PRED_PROBS)
    write_csv(tmp_path / "unnormalised.csv", PRED_PROBS[:4] + [[0.9, 0.6]] + PRED_PROBS[5:])
    write_csv(tmp_path / "longer.csv", PRED_PROBS + [[0.5, 0.5]])
    write_csv(tmp_path / "table.csv", [["x", "animal"]] + [[i, a] for i, a in
                                                           enumerate(animals)])
    before = sorted(os.listdir(tmp_path))
    args, message = ERROR_CASES[case]
    result = run("find-issues", *args, "--out", "issues.csv", cwd=tmp_path)
    assert_clean_failure(result, tmp_path, before)
    assert message in result.stderr


def test_an_existing_out_file_survives_a_failed_run(tmp_path):
    np.save(tmp_path / "labels.npy", np.array(LABELS[:5]))
    np.save(tmp_path / "pred_probs.npy", np.array(PRED_PROBS))
    (tmp_path / "issues.csv").write_text("from an earlier run\n")
    result = run("find-issues", "--labels", "labels.npy", "--pred-probs", "pred_probs.npy",
                 "--out", "issues.csv", cwd=tmp_path)
    assert_clean_failure(result, tmp_path, ["issues.csv", "labels.npy", "pred_probs.npy"])
    assert (tmp_path / "issues.csv").read_text() == "from an earlier run\n"


def test_usage_errors_are_one_line_with_exit_2(tmp_path):
    result = run("find-issues", "--top", "-1", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        ("sklearn-noisy find-issues: error: argument --top: expected at least 0, got -1 "
         "(see sklearn-noisy find-issues --help)")
    ]


def test_write_atomically_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def fail_halfway(f):
        f.write("half of the new ")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(str(target), fail_halfway)
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["out.csv"]
    write_atomically(str(target), lambda f: f.write("new\n"))
    assert target.read_text() == "new\n"
    assert os.listdir(tmp_path) == ["out.csv"]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("options", [["--quiet"], ["--n-jobs", "2"]])
def test_progress_bar_shows_on_a_terminal_unless_quiet(tmp_path, options):
    pytest.importorskip("tqdm")
    import fcntl
    import struct
    import termios

    _separable_table(tmp_path / "table.csv", np.random.default_rng(1), [])
    leader, follower = os.openpty()
    # A terminal 100 columns wide (a new pseudo-terminal has none, and the bar would be empty).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        args = ["find-issues", "--data", "table.csv", "--target", "level", "--cv", "3"]
        result = subprocess.run(
            [sys.executable, "-m", "sklearn_noisy", *args, *options],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=follower, env=ENV, timeout=300,
            check=False)
        os.close(follower)
        stderr = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed and drained
                break
            if not chunk:
                break
            stderr += chunk
    finally:
        os.close(leader)
    assert result.returncode == 0
    if "--quiet" in options:
        assert stderr == b""
    else:
        # Folds fitted in two worker processes still advance the bar to the end.
        assert b"cross-validation:" in stderr and b"3/3 [" in stderr, stderr


def test_demo_finds_injected_errors_and_reports_them_against_the_truth(tmp_path):
    from sklearn_noisy.datasets import load_noisy_digits

    result = run("demo", "--quick", "--top", "5", "--plot", "digits.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    _, true_labels, labels, _ = load_noisy_digits(noise=0.2, random_state=0)
    true_labels, labels = true_labels[:500], labels[:500]
    lines = result.stdout.splitlines()
    n_errors = np.sum(labels != true_labels)
    assert lines[0].startswith(f"Digits: 500 images of 10 classes; {n_errors} labels "
                               f"({n_errors / 5:.1f}%) flipped")
    precision, recall = lines[1].split()[5], lines[1].split()[13]
    assert float(precision) > 0.5 and float(recall) > 0.6, lines[1]
    assert lines[2].split() == ["row", "given", "suggested", "true", "error"]
    for line in lines[3:8]:
        row, given, _, true, error = line.split()
        assert int(given) == labels[int(row)] and int(true) == true_labels[int(row)]
        assert error == ("yes" if given != true else "no")
    assert (tmp_path / "digits.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- awkward files ------------------------------------------------------------------------------
# These run the command line in this process (``cli.main``), which is quicker than a subprocess.


def test_a_header_on_one_file_only_is_expressible(tmp_path, here):
    # A labels file with the header "0" (as pandas writes it) and a pred_probs CSV without one.
    write_csv(tmp_path / "labels.csv", [["0"]] + [[y] for y in LABELS])
    write_csv(tmp_path / "pred_probs.csv", PRED_PROBS)
    args = ["find-issues", "--labels", "labels.csv", "--pred-probs", "pred_probs.csv"]
    # --header applies to both files: the first row of probabilities is lost.
    result = here(*args, "--header")
    assert_clean_failure(result, tmp_path, ["labels.csv", "pred_probs.csv"])
    assert "pass --no-pred-probs-header" in result.stderr
    for options in (["--labels-header"], ["--header", "--no-pred-probs-header"]):
        result = here(*args, *options)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[2].split() == ["2", "0", "1", "0.1"]


def test_the_pred_probs_header_hint_names_the_pred_probs_option(tmp_path, here):
    write_csv(tmp_path / "pred_probs.csv", [["0", "1"]] + PRED_PROBS)
    write_csv(tmp_path / "labels.csv", [[y] for y in LABELS])
    result = here("find-issues", "--labels", "labels.csv", "--pred-probs", "pred_probs.csv")
    assert_clean_failure(result, tmp_path, ["labels.csv", "pred_probs.csv"])
    assert "If the first row of pred_probs.csv is a header, pass --pred-probs-header." in (
        result.stderr)


def test_labels_written_as_floats_are_the_same_integer_classes(tmp_path, here):
    rng = np.random.default_rng(5)
    labels = rng.integers(0, 12, size=120)
    pred_probs = probabilities_near(labels, 12, 2.0, rng)
    np.save(tmp_path / "pred_probs.npy", pred_probs)
    np.save(tmp_path / "float_labels.npy", labels.astype(np.float64))
    write_csv(tmp_path / "float_labels.csv", [[f"{y:.1f}"] for y in labels])
    write_csv(tmp_path / "labels.csv", [[y] for y in labels])
    outputs = {}
    for name in ("labels.csv", "float_labels.csv", "float_labels.npy"):
        result = here("find-issues", "--labels", name, "--pred-probs", "pred_probs.npy",
                     "--out", f"issues_{name}.csv")
        assert result.returncode == 0, result.stderr
        outputs[name] = read_csv(tmp_path / f"issues_{name}.csv")
    expected = find_label_issues(labels, pred_probs, return_indices_ranked_by="self_confidence")
    assert [int(row[0]) for row in outputs["labels.csv"][1:]] == expected.tolist()
    assert outputs["float_labels.csv"] == outputs["float_labels.npy"] == outputs["labels.csv"]


def test_whole_number_labels_too_big_for_a_column_are_an_error(tmp_path, here):
    write_csv(tmp_path / "labels.csv", [["1e300"]] + [[y] for y in LABELS[1:]])
    np.save(tmp_path / "pred_probs.npy", np.array(PRED_PROBS))
    result = here("find-issues", "--labels", "labels.csv", "--pred-probs", "pred_probs.npy")
    assert_clean_failure(result, tmp_path, ["labels.csv", "pred_probs.npy"])
    assert "labels.csv: label 1e+300 is not a column of pred_probs" in result.stderr


@pytest.mark.parametrize("pred_probs_header", [["cat", "dog"], None])
def test_utf8_byte_order_marks_are_skipped(tmp_path, pred_probs_header, here):
    animals = ["cat", "cat", "cat", "dog", "dog", "dog"]
    header = [pred_probs_header] if pred_probs_header else []
    for prefix, encoding in (("", "utf-8"), ("bom_", "utf-8-sig")):
        with open(tmp_path / f"{prefix}labels.csv", "w", newline="", encoding=encoding) as f:
            csv.writer(f).writerows([["animal", "id"]] + [[a, i] for i, a in enumerate(animals)])
        with open(tmp_path / f"{prefix}pred_probs.csv", "w", newline="", encoding=encoding) as f:
            csv.writer(f).writerows(header + PRED_PROBS)
    assert (tmp_path / "bom_labels.csv").read_bytes().startswith(b"\xef\xbb\xbfanimal")
    outputs = []
    for prefix in ("", "bom_"):
        result = here("find-issues", "--labels", f"{prefix}labels.csv", "--label-column", "animal",
                     "--pred-probs", f"{prefix}pred_probs.csv")
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[1] == outputs[0]
    assert outputs[0].splitlines()[2].split() == ["2", "cat", "dog", "0.1"]
    result = here("find-issues", "--labels", "bom_labels.csv", "--label-column", "species",
                 "--pred-probs", "bom_pred_probs.csv")
    assert result.returncode == 2
    assert "its columns are animal, id." in result.stderr
    assert "\ufeff" not in result.stderr


def test_data_with_integer_classes_from_one_uses_the_sorted_classes(tmp_path, here):
    rng = np.random.default_rng(2)
    classes = np.repeat([1, 2, 3], [19, 20, 21])
    rows = [["x", "level"]] + [[f"{3 * c + rng.normal(scale=0.3):.3f}", c] for c in classes]
    write_csv(tmp_path / "table.csv", rows)
    result = here("noise-matrix", "--data", "table.csv", "--target", "level", "--cv", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[-3:] == ["1", "2", "3"]
    assert [line.split()[:2] for line in lines[7:10]] == [["1", "19"], ["2", "20"], ["3", "21"]]


def _write_inputs(tmp_path):
    np.save(tmp_path / "labels.npy", np.array(LABELS))
    np.save(tmp_path / "pred_probs.npy", np.array(PRED_PROBS))
    write_csv(tmp_path / "labels.csv", [["label"]] + [[y] for y in LABELS])
    write_csv(tmp_path / "pred_probs.csv", PRED_PROBS)


FILE_ERROR_CASES = {
    "labels field over the csv limit": (
        lambda d: write_csv(d / "bad.csv", [["label"], ["0" * 200_000]]),
        ["--labels", "bad.csv", "--pred-probs", "pred_probs.npy"],
        "bad.csv: line 2 has a field longer than 131072 characters"),
    "pred_probs field over the csv limit": (
        lambda d: write_csv(d / "bad.csv", [["0." + "1" * 200_000, "0.9"]] + PRED_PROBS[1:]),
        ["--labels", "labels.npy", "--pred-probs", "bad.csv"],
        "bad.csv: line 1 has a field longer than 131072 characters"),
    "labels not UTF-8": (
        lambda d: (d / "bad.csv").write_bytes("label\n0\n0\nz\xe9ro\n".encode("latin-1")),
        ["--labels", "bad.csv", "--pred-probs", "pred_probs.npy"],
        "bad.csv is not UTF-8 text: line 4 holds the byte b'\\xe9'"),
    "pred_probs not UTF-8": (
        lambda d: (d / "bad.csv").write_bytes(b"0.9,0.1\n0.8,0.2\xff\n"),
        ["--labels", "labels.npy", "--pred-probs", "bad.csv"],
        "bad.csv is not UTF-8 text: line 2 holds the byte b'\\xff'"),
    "labels text named .npy": (
        lambda d: (d / "bad.npy").write_text("0\n0\n0\n1\n1\n1\n"),
        ["--labels", "bad.npy", "--pred-probs", "pred_probs.npy"],
        "bad.npy is not a NumPy .npy file (np.save writes those)"),
    "pred_probs of Python objects": (
        lambda d: np.save(d / "bad.npy", np.array([[0.5, None]] * 6), allow_pickle=True),
        ["--labels", "labels.npy", "--pred-probs", "bad.npy"],
        "bad.npy holds Python objects (dtype object)"),
    "labels header only": (
        lambda d: write_csv(d / "bad.csv", [["label"]]),
        ["--labels", "bad.csv", "--pred-probs", "pred_probs.npy"],
        "bad.csv has a header row but no labels below it."),
    "pred_probs header only": (
        lambda d: write_csv(d / "bad.csv", [["cat", "dog"]]),
        ["--labels", "labels.npy", "--pred-probs", "bad.csv"],
        "bad.csv has a header row but no rows of probabilities below it."),
    "empty --out": (
        lambda d: None,
        ["--labels", "labels.npy", "--pred-probs", "pred_probs.npy", "--out", ""],
        "--out needs a file name, got ''."),
}


@pytest.mark.parametrize("case", FILE_ERROR_CASES)
def test_awkward_files_give_one_line_naming_the_file(tmp_path, case, here):
    _write_inputs(tmp_path)
    make, args, message = FILE_ERROR_CASES[case]
    make(tmp_path)
    before = sorted(os.listdir(tmp_path))
    result = here("find-issues", *args)
    assert_clean_failure(result, tmp_path, before)
    assert message in result.stderr


def test_an_empty_plot_path_is_an_error(tmp_path, here):
    _write_inputs(tmp_path)
    result = here("noise-matrix", "--labels", "labels.npy", "--pred-probs", "pred_probs.npy",
                 "--plot", "")
    assert_clean_failure(result, tmp_path, sorted(os.listdir(tmp_path)))
    assert "--plot needs a file name" in result.stderr


def test_an_n_jobs_larger_than_the_machine_is_capped(tmp_path, here):
    _write_inputs(tmp_path)
    _separable_table(tmp_path / "table.csv", np.random.default_rng(1), [])
    for args in (["--labels", "labels.npy", "--pred-probs", "pred_probs.npy"],
                 ["--data", "table.csv", "--target", "level", "--cv", "2"]):
        result = here("find-issues", *args, "--n-jobs", "3000000000")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Found ")


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder this process cannot create files in (root may write anywhere: then /sys)."""
    folder = tmp_path / "read_only"
    folder.mkdir()
    folder.chmod(0o500)
    for candidate in (str(folder), "/sys"):
        try:
            with open(os.path.join(candidate, "probe"), "w"):
                pass
        except OSError:
            yield candidate
            break
        os.remove(os.path.join(candidate, "probe"))
    else:
        pytest.skip("no folder is read-only for this user")
    folder.chmod(0o700)


def test_out_into_an_unwritable_folder_names_the_users_path(tmp_path, unwritable_folder, here):
    _write_inputs(tmp_path)
    out = os.path.join(unwritable_folder, "issues.csv")
    result = here("find-issues", "--labels", "labels.npy", "--pred-probs", "pred_probs.npy",
                 "--out", out)
    assert result.returncode == 2
    assert result.stderr.startswith(f"sklearn-noisy: error: cannot write {out}: " if
                                     os.geteuid() else f"sklearn-noisy: error: {out}: ")
    assert ".tmp" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_write_atomically_names_the_target_when_the_temporary_file_fails(tmp_path, monkeypatch):
    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(cli, "open", refuse, raising=False)
    target = str(tmp_path / "out.csv")
    with pytest.raises(PermissionError) as error:
        write_atomically(target, lambda f: f.write("new\n"))
    assert error.value.filename == target
    assert os.listdir(tmp_path) == []
