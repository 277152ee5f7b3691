"""Pruning selection: which examples of each given class to flag, in one pass over pred_probs.

For a given class ``k`` the quota matrix says how many of its examples to flag:

* ``quota[k, j]`` for ``j != k``: the examples with the largest margin
  ``pred_probs[i, j] - pred_probs[i, k]`` (prune by noise rate), flagged ``PRUNED_BY_NOISE_RATE``;
* ``quota[k, k]``: the examples with the smallest ``pred_probs[i, k]`` (prune by class),
  flagged ``PRUNED_BY_CLASS``.

Ties are broken toward the smaller index, so the selection is a function of the input alone
(not of the thread count or of a sort's internals). Each selection keeps a bounded heap of its
current best candidates, so extra memory is proportional to the number of flagged examples.
"""

from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc

import numpy as np

ctypedef Py_ssize_t intp

cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define skn_prefetch(address) __builtin_prefetch(address)
    #else
    #define skn_prefetch(address) ((void)0)
    #endif
    """
    void skn_prefetch(const void* address) noexcept nogil

cdef extern from "_rows.h" nogil:
    enum:
        SKN_PRUNED_BY_CLASS
        SKN_PRUNED_BY_NOISE_RATE
    bint skn_any_margin_above_f(const float* p, Py_ssize_t K, float p_k, const float* bar)
    bint skn_any_margin_above_d(const double* p, Py_ssize_t K, double p_k, const double* bar)

PRUNED_BY_CLASS = SKN_PRUNED_BY_CLASS
PRUNED_BY_NOISE_RATE = SKN_PRUNED_BY_NOISE_RATE

# The rows of a class are scattered in memory: fetch this many rows ahead of their use.
cdef intp PREFETCH_DISTANCE = 6
cdef intp CACHE_LINE = 64


cdef inline bint worse(double key_a, intp index_a, double key_b, intp index_b) noexcept nogil:
    """True if candidate a ranks below candidate b (smaller key, or equal key and larger index)."""
    return key_a < key_b or (key_a == key_b and index_a > index_b)


cdef void sift_down(double* keys, intp* index, intp size, intp pos) noexcept nogil:
    """Restore the heap (worst candidate at the root) below ``pos``."""
    cdef intp child
    cdef double key = keys[pos]
    cdef intp idx = index[pos]
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and worse(keys[child + 1], index[child + 1], keys[child], index[child]):
            child = child + 1
        if not worse(keys[child], index[child], key, idx):
            break
        keys[pos] = keys[child]
        index[pos] = index[child]
        pos = child
    keys[pos] = key
    index[pos] = idx


cdef void offer(double* keys, intp* index, intp* size, intp capacity,
                double key, intp idx, double* bar) noexcept nogil:
    """Add a candidate to a bounded heap that keeps the ``capacity`` best; update its bar."""
    cdef intp pos, parent
    if size[0] < capacity:
        pos = size[0]
        size[0] += 1
        while pos > 0:
            parent = (pos - 1) // 2
            if not worse(key, idx, keys[parent], index[parent]):
                break
            keys[pos] = keys[parent]
            index[pos] = index[parent]
            pos = parent
        keys[pos] = key
        index[pos] = idx
    elif worse(keys[0], index[0], key, idx):
        keys[0] = key
        index[0] = idx
        sift_down(keys, index, capacity, 0)
    if size[0] == capacity:
        bar[0] = keys[0]


cdef inline void prefetch_row(const floating[:, ::1] pred_probs, intp row) noexcept nogil:
    cdef intp offset = 0, n_bytes = pred_probs.shape[1] * sizeof(floating)
    cdef const char* start = <const char*>&pred_probs[row, 0]
    while offset < n_bytes:
        skn_prefetch(start + offset)
        offset = offset + CACHE_LINE


cdef int select_in_class(
    const floating[:, ::1] pred_probs,
    const intp[::1] order,
    intp start,
    intp stop,
    intp k,
    const intp[:, ::1] quota,
    unsigned char[::1] flagged,
) noexcept nogil:
    """Flag the selected examples of given class ``k``. Returns -1 if memory ran out.

    Heap ``j`` (``j != k``) holds the best candidates by margin toward ``j``; heap ``k`` the
    best by low self-confidence. ``bar[j]`` is the key a new candidate must beat: -inf while
    heap ``j`` is not full, its worst key once it is, +inf if it takes nothing (``margin_bar``
    is the same in the input's precision, +inf for ``k``). The rows are visited in increasing
    index, so a candidate that only ties a bar never wins.
    """
    cdef intp n_classes = pred_probs.shape[1], n_k = stop - start
    cdef intp j, pos, row, total = 0, s
    cdef floating p_k, margin
    cdef bint any_above
    cdef intp* begin = <intp*>malloc(n_classes * sizeof(intp))
    cdef intp* capacity = <intp*>malloc(n_classes * sizeof(intp))
    cdef intp* size = <intp*>malloc(n_classes * sizeof(intp))
    cdef double* bar = <double*>malloc(n_classes * sizeof(double))
    cdef floating* margin_bar = <floating*>malloc(n_classes * sizeof(floating))
    cdef double* keys = NULL
    cdef intp* index = NULL
    cdef int status = 0
    if begin == NULL or capacity == NULL or size == NULL or bar == NULL or margin_bar == NULL:
        status = -1
    else:
        for j in range(n_classes):
            capacity[j] = min(max(quota[k, j], 0), n_k)
            begin[j] = total
            size[j] = 0
            bar[j] = -INFINITY if capacity[j] > 0 else INFINITY
            margin_bar[j] = <floating>bar[j]
            total = total + capacity[j]
        # Heap k is the prune-by-class heap: never offered a margin.
        margin_bar[k] = INFINITY
        if total > 0:
            keys = <double*>malloc(total * sizeof(double))
            index = <intp*>malloc(total * sizeof(intp))
            if keys == NULL or index == NULL:
                status = -1
        if status == 0 and total > 0:
            for pos in range(start, stop):
                if pos + PREFETCH_DISTANCE < stop:
                    prefetch_row(pred_probs, order[pos + PREFETCH_DISTANCE])
                row = order[pos]
                p_k = pred_probs[row, k]
                if -p_k > bar[k]:
                    offer(keys + begin[k], index + begin[k], size + k, capacity[k],
                          -p_k, row, bar + k)
                # Margins are computed in the input's precision, as numpy would. Most rows
                # beat no bar: a branch-free scan finds out before the slow path.
                if floating is float:
                    any_above = skn_any_margin_above_f(&pred_probs[row, 0], n_classes, p_k,
                                                       margin_bar)
                else:
                    any_above = skn_any_margin_above_d(&pred_probs[row, 0], n_classes, p_k,
                                                       margin_bar)
                if not any_above:
                    continue
                for j in range(n_classes):
                    margin = pred_probs[row, j] - p_k
                    if margin > margin_bar[j]:
                        offer(keys + begin[j], index + begin[j], size + j, capacity[j],
                              margin, row, bar + j)
                        margin_bar[j] = <floating>bar[j]
            for j in range(n_classes):
                for s in range(size[j]):
                    row = index[begin[j] + s]
                    flagged[row] = flagged[row] | (
                        SKN_PRUNED_BY_CLASS if j == k else SKN_PRUNED_BY_NOISE_RATE)
    free(begin)
    free(capacity)
    free(size)
    free(bar)
    free(margin_bar)
    free(keys)
    free(index)
    return status


def prune_flags(
    const floating[:, ::1] pred_probs,
    const intp[::1] order,
    const intp[::1] offsets,
    const intp[:, ::1] quota,
    int n_threads,
):
    """Return a uint8 array of ``PRUNED_BY_CLASS`` and ``PRUNED_BY_NOISE_RATE`` bits per example."""
    cdef intp n = pred_probs.shape[0], n_classes = pred_probs.shape[1], k
    flagged = np.zeros(n, dtype=np.uint8)
    status = np.zeros(n_classes, dtype=np.intc)
    cdef unsigned char[::1] flagged_v = flagged
    cdef int[::1] status_v = status
    for k in prange(n_classes, schedule="dynamic", nogil=True, num_threads=n_threads):
        status_v[k] = select_in_class(
            pred_probs, order, offsets[k], offsets[k + 1], k, quota, flagged_v
        )
    if status.min() < 0:
        raise MemoryError("Out of memory while selecting the label issues to prune.")
    return flagged
