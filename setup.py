"""Build the Cython kernels, with OpenMP when the compiler supports it.

Set ``SKLEARN_NOISY_NO_OPENMP=1`` to build without OpenMP (the kernels then run on one
thread and give the same results), and ``SKLEARN_NOISY_BOUNDSCHECK=1`` to build kernels that
check every array index (slower; an out-of-bounds access then raises IndexError instead of
reading memory it should not; CI runs the core tests against such a build).
"""

import os
import shutil
import sys
import tempfile
import textwrap

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools._distutils.ccompiler import new_compiler
from setuptools._distutils.errors import CompileError, LinkError
from setuptools._distutils.sysconfig import customize_compiler

KERNELS = ["_threads", "_counting", "_selection", "_scores"]


def flag(name):
    """Whether the environment variable ``name`` is set to something other than 0."""
    return os.environ.get(name, "0") not in ("", "0")


BOUNDSCHECK = flag("SKLEARN_NOISY_BOUNDSCHECK")


def openmp_flags():
    """Return (compile_args, link_args) that enable OpenMP, or ([], []) if it is unavailable."""
    if flag("SKLEARN_NOISY_NO_OPENMP"):
        return [], []
    if sys.platform == "win32":
        candidates = [(["/openmp"], [])]
    elif sys.platform == "darwin":
        candidates = [(["-Xpreprocessor", "-fopenmp"], ["-lomp"])]
    else:
        candidates = [(["-fopenmp"], ["-fopenmp"])]
    compiler = new_compiler()
    customize_compiler(compiler)
    source = textwrap.dedent(
        """
        #include <omp.h>
        int main(void) {
            int n = 0;
            #pragma omp parallel reduction(+:n)
            n += 1;
            return omp_get_max_threads() > 0 && n > 0 ? 0 : 1;
        }
        """
    )
    for compile_args, link_args in candidates:
        tmp = tempfile.mkdtemp()
        try:
            path = os.path.join(tmp, "probe.c")
            with open(path, "w") as f:
                f.write(source)
            objects = compiler.compile([path], output_dir=tmp, extra_postargs=compile_args)
            compiler.link_executable(
                objects, "probe", output_dir=tmp, extra_postargs=link_args
            )
            return compile_args, link_args
        except (CompileError, LinkError):
            continue
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("sklearn-noisy: the compiler has no OpenMP; building single-threaded kernels.")
    return [], []


def extensions():
    compile_args, link_args = openmp_flags()
    if sys.platform != "win32":
        compile_args = compile_args + ["-O3"]
    return [
        Extension(
            f"sklearn_noisy.{name}",
            [f"sklearn_noisy/{name}.pyx"],
            include_dirs=[np.get_include(), "sklearn_noisy"],
            depends=["sklearn_noisy/_rows.h"],
            extra_compile_args=compile_args,
            extra_link_args=link_args,
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION"),
                           ("SKN_BOUNDSCHECK", "1" if BOUNDSCHECK else "0")],
        )
        for name in KERNELS
    ]


setup(
    ext_modules=cythonize(
        extensions(),
        # The checked kernels are generated apart, so they never replace the fast ones.
        build_dir=os.path.join("build", "boundscheck") if BOUNDSCHECK else None,
        compiler_directives={
            "language_level": "3",
            "boundscheck": BOUNDSCHECK,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
)
