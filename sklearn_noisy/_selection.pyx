"""Pruning selection: which examples of each given class to flag, in one pass over pred_probs.

For a given class ``k`` the quota matrix says how many of its examples to flag:

* ``quota[k, j]`` for ``j != k``: the examples with the largest margin
  ``pred_probs[i, j] - pred_probs[i, k]`` (prune by noise rate), flagged with bit 2;
* ``quota[k, k]``: the examples with the smallest ``pred_probs[i, k]`` (prune by class),
  flagged with bit 1.

Ties are broken toward the smaller index, so the selection is a function of the input alone
(not of the thread count or of a sort's internals). Each selection keeps a bounded heap of its
current best candidates, so extra memory is proportional to the number of flagged examples.
"""

from cython cimport floating
from cython.parallel cimport prange
from libc.stdlib cimport free, malloc

import numpy as np

ctypedef Py_ssize_t intp


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


cdef void push(double* keys, intp* index, intp* size, intp capacity,
               double key, intp idx) noexcept nogil:
    """Offer a candidate to a bounded heap that keeps the ``capacity`` best."""
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


cdef int select_in_class(
    const floating[:, ::1] pred_probs,
    const intp[::1] order,
    intp start,
    intp stop,
    intp k,
    const intp[:, ::1] quota,
    unsigned char[::1] flagged,
) noexcept nogil:
    """Flag the selected examples of given class ``k``. Returns -1 if memory ran out."""
    cdef intp n_classes = pred_probs.shape[1], n_k = stop - start
    cdef intp j, a, pos, row, n_active = 0, total = 0, s
    cdef double key
    cdef floating p_k
    cdef intp* active = <intp*>malloc(n_classes * sizeof(intp))
    cdef intp* begin = <intp*>malloc(n_classes * sizeof(intp))
    cdef intp* capacity = <intp*>malloc(n_classes * sizeof(intp))
    cdef intp* size = <intp*>malloc(n_classes * sizeof(intp))
    cdef double* keys = NULL
    cdef intp* index = NULL
    cdef int status = 0
    if active == NULL or begin == NULL or capacity == NULL or size == NULL:
        status = -1
    else:
        for j in range(n_classes):
            if quota[k, j] > 0:
                active[n_active] = j
                begin[n_active] = total
                capacity[n_active] = min(quota[k, j], n_k)
                size[n_active] = 0
                total = total + capacity[n_active]
                n_active = n_active + 1
        if total > 0:
            keys = <double*>malloc(total * sizeof(double))
            index = <intp*>malloc(total * sizeof(intp))
            if keys == NULL or index == NULL:
                status = -1
        if status == 0 and total > 0:
            for pos in range(start, stop):
                row = order[pos]
                p_k = pred_probs[row, k]
                for a in range(n_active):
                    j = active[a]
                    if j == k:
                        key = -p_k
                    else:
                        # The margin is rounded to the input's precision, as numpy would.
                        key = <floating>(pred_probs[row, j] - p_k)
                    push(keys + begin[a], index + begin[a], size + a, capacity[a], key, row)
            for a in range(n_active):
                for s in range(size[a]):
                    row = index[begin[a] + s]
                    flagged[row] = flagged[row] | (1 if active[a] == k else 2)
    free(active)
    free(begin)
    free(capacity)
    free(size)
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
    """Return a uint8 array: bit 1 for prune-by-class picks, bit 2 for prune-by-noise-rate picks."""
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
