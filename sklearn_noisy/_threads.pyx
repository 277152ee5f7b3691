"""How many OpenMP threads the kernels use, and whether the build has OpenMP."""

import os

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


def kernel_threads(n_jobs, pred_probs):
    """Threads for a kernel over ``pred_probs``: ``effective_n_threads``, or 1 if it is small."""
    if pred_probs.size < MIN_PARALLEL_SIZE:
        if n_jobs == 0:
            effective_n_threads(n_jobs)
        return 1
    return effective_n_threads(n_jobs)


def effective_n_threads(n_jobs=None):
    """Resolve ``n_jobs`` to a number of OpenMP threads.

    ``None`` or ``-1`` means every thread OpenMP would use (this respects ``OMP_NUM_THREADS``
    and ``threadpoolctl`` limits); ``-2`` one fewer, and so on; a positive number is taken
    as it is. A build without OpenMP always uses one thread.
    """
    if n_jobs == 0:
        raise ValueError("n_jobs == 0 is not allowed: use None or -1 for all cores, or a positive count.")
    if not SKN_HAS_OPENMP:
        return 1
    max_threads = omp_get_max_threads()
    cpu_count = os.cpu_count() or 1
    if n_jobs is None:
        return min(max_threads, cpu_count)
    if n_jobs < 0:
        return max(1, min(max_threads, cpu_count) + 1 + n_jobs)
    return int(n_jobs)
