"""The HTML label-issues report (``--report``): read back with html.parser, and looked at in a
headless browser where one is installed."""

import base64
import csv
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pd = pytest.importorskip("pandas")

from sklearn_noisy import __version__

PNG = b"\x89PNG\r\n\x1a\n"


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with their attributes and enclosing ids,
    table cells by table class, and the text of the summary and footer."""

    def __init__(self, html):
        super().__init__()
        self.tags, self.stack, self.tables, self.footer = [], [], {}, ""
        self.doctype = None
        self._cell = None
        self.feed(html)
        self.close()

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs, [a.get("id") for _, a in self.stack if a.get("id")]))
        if tag in ("img", "meta", "br"):
            return
        self.stack.append((tag, attrs))
        if tag == "table":
            self.tables.setdefault(attrs.get("class"), [])
        elif tag == "tr":
            self._table().append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag in ("td", "th"):
            self._table()[-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if any(tag == "footer" for tag, _ in self.stack):
            self.footer += data

    def _table(self):
        return self.tables[next(a.get("class") for t, a in reversed(self.stack) if t == "table")]

    def images(self, inside):
        return [attrs for tag, attrs, ids in self.tags if tag == "img" and inside in ids]


def assert_self_contained(page, html):
    """No script, no external style sheet or font, every image a PNG inside the page."""
    assert page.doctype.lower() == "doctype html"
    tags = [tag for tag, _, _ in page.tags]
    assert tags.count("html") == tags.count("body") == tags.count("title") == 1
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for tag, attrs, _ in page.tags:
        for name, value in attrs.items():
            assert not re.match(r"\s*(https?:|//|file:|ftp:)", value or ""), (tag, name, value)
        if tag == "img":
            data = attrs["src"].removeprefix("data:image/png;base64,")
            assert data != attrs["src"] and base64.b64decode(data).startswith(PNG)
    assert "url(" not in html and "@import" not in html


def summary_of(page):
    return {row[0]: row[1] for row in page.tables["summary"]}


def test_demo_report_is_one_self_contained_page_with_the_digits(tmp_path, here):
    result = here("demo", "--quick", "--top", "0", "--report", "report.html")
    assert result.returncode == 0, result.stderr
    n_issues = int(re.search(r"Found (\d+) label issues", result.stdout).group(1))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    assert_self_contained(page, html)
    summary = summary_of(page)
    assert summary["examples (n)"] == "500" and summary["classes (K)"] == "10"
    assert summary["label issues found"].startswith(f"{n_issues} (")
    assert re.fullmatch(r"\d+\.\d% of the given labels are wrong.*",
                        summary["estimated noise rate"])
    assert "filter_by=prune_by_noise_rate" in summary["method"]
    assert len(page.images("noise-matrix")) == len(page.images("issues-per-class")) == 1
    issues = page.tables["issues"]
    assert issues[0] == ["#", "row", "given label", "suggested label", "label quality", "image",
                         "true label", "real error"]
    assert len(issues) - 1 == min(25, n_issues) == len(page.images("issues"))
    for line in issues[1:]:
        assert line[7] == ("yes" if line[2] != line[6] else "no")
    assert "sklearn-noisy demo --quick --top 0 --report report.html" in page.footer
    assert __version__ in page.footer


def test_table_report_lists_the_issues_of_out_with_ids_features_and_images(tmp_path, here):
    from sklearn.datasets import load_digits

    digits = load_digits()
    frame = pd.DataFrame(digits.data[:300], columns=[f"p{i}" for i in range(64)])
    frame.insert(0, "name", [f"digit-{i}" for i in range(300)])
    labels = digits.target[:300].copy()
    labels[[3, 50, 120]] = (labels[[3, 50, 120]] + 1) % 10
    frame["digit"] = labels
    frame.to_csv(tmp_path / "digits.csv", index=False)
    result = here("find-issues", "--data", "digits.csv", "--target", "digit", "--id-column",
                  "name", "--cv", "3", "--image-shape", "8x8", "--out", "issues.csv",
                  "--report", "report.html")
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "issues.csv", newline="") as f:
        expected = list(csv.reader(f))[1:26]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    assert_self_contained(page, html)
    issues = page.tables["issues"]
    assert issues[0][:7] == ["#", "row", "given label", "suggested label", "label quality",
                             "image", "name"]
    assert issues[0][7:] == [f"p{i}" for i in range(11)]  # 12 columns of the table at most
    assert [line[1:4] for line in issues[1:]] == [[r[0], r[2], r[3]] for r in expected]
    assert [line[6] for line in issues[1:]] == [r[1] for r in expected]
    for line in issues[1:]:
        row = int(line[1])
        assert [float(v) for v in line[7:]] == digits.data[row, :11].tolist()
    assert len(page.images("issues")) == len(expected)
    assert summary_of(page)["table"] == "digits.csv"
    assert "--id-column name" in page.footer


def _browser():
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser",
                                                "google-chrome"))), None)


@pytest.mark.skipif(_browser() is None, reason="no headless browser installed")
def test_a_browser_renders_the_report(tmp_path, here):
    from matplotlib.image import imread

    assert here("demo", "--quick", "--top", "0", "--report", "report.html").returncode == 0
    screenshot = tmp_path / "report.png"
    # Offline: the page must not need the network.
    subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--window-size=1200,1800", "--proxy-server=0.0.0.0:1",
                    f"--screenshot={screenshot}", (tmp_path / "report.html").as_uri()],
                   capture_output=True, timeout=120, check=True)
    pixels = imread(screenshot)
    assert pixels.shape[:2] == (1800, 1200)
    # Not blank: dark text and the coloured heatmap are there.
    rgb = pixels[..., :3]
    assert (rgb.sum(axis=2) < 0.5).mean() > 0.01
    assert (np.ptp(rgb, axis=2) > 0.3).mean() > 0.01
    if os.environ.get("SKLEARN_NOISY_KEEP_SCREENSHOT"):
        shutil.copy(screenshot, os.environ["SKLEARN_NOISY_KEEP_SCREENSHOT"])
