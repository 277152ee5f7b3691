"""Print what a bug report needs: versions, the build's OpenMP support and its thread count."""

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from ._threads import effective_n_threads, openmp_enabled
from ._version import __version__

DEPENDENCIES = ["numpy", "scipy", "scikit-learn", "threadpoolctl", "Cython", "pandas",
                "matplotlib", "cleanlab"]


def _versions():
    info = {
        "sklearn-noisy": __version__,
        "python": sys.version.replace("\n", " "),
        "platform": platform.platform(),
    }
    for name in DEPENDENCIES:
        try:
            info[name] = version(name)
        except PackageNotFoundError:
            info[name] = None
    info["built with OpenMP"] = openmp_enabled()
    info["threads used by default"] = effective_n_threads(None)
    return info


def show_versions():
    """Print the versions of sklearn-noisy and its dependencies, and its OpenMP build.

    Examples
    --------
    >>> from sklearn_noisy import show_versions
    >>> show_versions()  # doctest: +ELLIPSIS
    sklearn-noisy: ...
    """
    for key, value in _versions().items():
        print(f"{key}: {value}")
