"""How many OpenMP threads the kernels use, and whether the build has OpenMP."""

import os
from numbers import Integral

from joblib import cpu_count

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define SKN_HAS_OPENMP 1
    #else
    #define SKN_HAS_OPENMP 0
    static int omp_get_max_threads(void) { return 1; }
    #endif
    """
    bint SKN_HAS_OPENMP
    bint SKN_BOUNDSCHECK  # set by setup.py
    int omp_get_max_threads() nogil


def openmp_enabled():
    """Return True if the kernels were compiled with OpenMP."""
    return SKN_HAS_OPENMP


def boundscheck_enabled():
    """Return True if the kernels check every array index (``SKLEARN_NOISY_BOUNDSCHECK=1``)."""
    return SKN_BOUNDSCHECK


# Below this many entries of pred_probs a kernel runs on one thread: starting a parallel
# region costs more than the work it would share.
MIN_PARALLEL_SIZE = 1 << 17

# GNU libgomp keeps its worker threads across a fork although the child has none of them, so
# the child's next parallel region waits for them forever. A forked child therefore runs the
# kernels on one thread (set in the child only, by the handler below).
_forked = False


def _after_fork_in_child():
    global _forked
    _forked = True


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def check_n_jobs(n_jobs):
    """Raise unless ``n_jobs`` is None or a non-zero integer (not a bool)."""
    if n_jobs is None:
        return
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral):
        raise TypeError(f"n_jobs must be None or an integer, got {n_jobs!r} "
                        f"({type(n_jobs).__name__}).")
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 is not allowed: use None or -1 for all cores, or a positive "
                         "count.")


def kernel_threads(n_jobs, pred_probs):
    """Threads for a kernel over ``pred_probs``: ``effective_n_threads``, or 1 if it is small."""
    if pred_probs.size < MIN_PARALLEL_SIZE:
        check_n_jobs(n_jobs)
        return 1
    return effective_n_threads(n_jobs)


def effective_n_threads(n_jobs=None):
    """Resolve ``n_jobs`` to a number of OpenMP threads.

    The cores available are those of ``joblib.cpu_count()``, which counts the CPU quota of a
    container (cgroups) and the process's CPU affinity. ``None`` or ``-1`` means every thread
    OpenMP would use (this respects ``OMP_NUM_THREADS`` and ``threadpoolctl`` limits), at most
    the cores available; ``-2`` one fewer, and so on, as in joblib; a positive number is taken
    as it is, at most the cores available. A build without OpenMP, and a process forked from
    another, use one thread.
    """
    check_n_jobs(n_jobs)
    if not SKN_HAS_OPENMP or _forked:
        return 1
    cores = cpu_count()
    if n_jobs is None or n_jobs < 0:
        threads = min(omp_get_max_threads(), cores)
        return threads if n_jobs is None else max(1, threads + 1 + int(n_jobs))
    return min(int(n_jobs), cores)
