"""Sphinx configuration of the sklearn-noisy documentation.

Build it from the repository root with::

    python -m sphinx -W --keep-going -b html doc doc/_build/html

(or ``make -C doc html``). The package must be importable (``pip install -e .``).
"""

import json
import os
from datetime import date
from pathlib import Path

import sklearn_noisy

# -- Project ------------------------------------------------------------------

project = "sklearn-noisy"
author = "The sklearn-noisy developers"
copyright = f"{date.today().year}, {author}"
version = release = sklearn_noisy.__version__

# -- General ------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "matplotlib.sphinxext.plot_directive",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"

# autosummary writes one page per object into doc/generated/.
autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "inherited-members": True}

# numpydoc renders the docstrings; members are listed by our autosummary templates.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# The figures of the user guide (``.. plot::``) are drawn at build time.
plot_include_source = True
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 100)]

# -- Cross-references to other projects -----------------------------------------
# The machines that build the docs may be offline; set SKLEARN_NOISY_DOC_INTERSPHINX=1 to link
# to the Python, NumPy and scikit-learn documentation (it downloads their inventories).

if os.environ.get("SKLEARN_NOISY_DOC_INTERSPHINX", "0") not in ("", "0"):
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "imblearn": ("https://imbalanced-learn.org/stable", None),
        "matplotlib": ("https://matplotlib.org/stable", None),
    }

# -- HTML ---------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-noisy {version}"
html_static_path = ["_static"]
html_theme_options = {
    "navbar_end": ["theme-switcher", "navbar-icon-links"],
    "show_toc_level": 2,
    # The gallery and API pages give the page's width to code and signatures.
    "secondary_sidebar_items": {"*": ["page-toc"], "user_guide/*": ["page-toc"],
                                "auto_examples/*": [], "generated/*": []},
}
html_show_sourcelink = False
html_css_files = ["custom.css"]
# The evidence page has no section to navigate; its width goes to the test code it quotes.
html_sidebars = {"evidence": []}

# -- Example gallery ----------------------------------------------------------
# Files named plot_*.py in examples/ are executed and their figures shown; the other examples
# are rendered without running them.

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": ("sklearn_noisy",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_noisy": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "within_subsection_order": "FileNameSortKey",
    # Show what the examples print, not the repr of a last expression (a matplotlib Text...).
    "capture_repr": (),
    # The whole gallery runs in a few minutes; a slower example is a bug.
    "min_reported_time": 1,
}

# -- Headline numbers -----------------------------------------------------------
# The front page quotes the speed-ups that benchmarks/bench_core.py measured (the file the
# gallery's speed example reads), so the two cannot disagree.


def _speedups():
    path = Path(__file__).parent.parent / "benchmarks" / "results" / "bench_core.json"
    results = json.loads(path.read_text())
    ratios = [row["cl_seconds"] / row["seconds"] for row in results["rows"]
              if row["function"] == "find_label_issues" and "cl_seconds" in row]
    machine = results["machine"]
    return (f"{min(ratios):.0f} to {max(ratios):.0f} times",
            f"{machine['cpus']}-core {machine['cpu_model']}")


_speedup, _machine = _speedups()
rst_epilog = f"""
.. |speed-up| replace:: {_speedup}
.. |bench-machine| replace:: {_machine}
"""
