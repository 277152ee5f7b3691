"""Pruning selection: which examples of each given class to flag, in one pass over pred_probs.

For a given class ``k`` the quota matrix says how many of its examples to flag:

* ``quota[k, j]`` for ``j != k``: the examples with the largest margin
  ``pred_probs[i, j] - pred_probs[i, k]`` (prune by noise rate), flagged
  ``PRUNED_BY_NOISE_RATE``;
* ``quota[k, k]``: the examples with the smallest ``pred_probs[i, k]`` (prune by class),
  flagged ``PRUNED_BY_CLASS``.

Ties are broken toward the smaller index, so the selection is a function of the input alone
(not of the thread count or of a sort's internals). Each selection keeps a bounded heap of its
current best candidates, so extra memory is proportional to the number of flagged examples
(and one index per example of the class being scanned).
"""

from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc

import numpy as np

ctypedef Py_ssize_t intp

# The type of the rows in ``order`` (see _counting.group_by_label).
ctypedef fused row_index:
    int
    Py_ssize_t

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
        SKN_LABEL_IS_ARGMAX
    bint skn_any_margin_above_f(const float* p, Py_ssize_t K, float p_k, const float* bar)
    bint skn_any_margin_above_d(const double* p, Py_ssize_t K, double p_k, const double* bar)
    Py_ssize_t skn_next_margin_above_f(const float* p, float p_k, const float* bar,
                                       Py_ssize_t start, Py_ssize_t K)
    Py_ssize_t skn_next_margin_above_d(const double* p, double p_k, const double* bar,
                                       Py_ssize_t start, Py_ssize_t K)

PRUNED_BY_CLASS = SKN_PRUNED_BY_CLASS
PRUNED_BY_NOISE_RATE = SKN_PRUNED_BY_NOISE_RATE

# The rows of a class are scattered in memory: fetch this many rows ahead of their use.
cdef intp PREFETCH_DISTANCE = 6
cdef intp CACHE_LINE = 64
# Beyond this many classes, rows are scanned by scan_rows_by_search.
cdef intp FLAT_SCAN_CLASSES = 128


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


cdef struct Heaps:
    # Heap j of one class: keys[begin[j]:begin[j] + size[j]] and the rows in index[...], at
    # most capacity[j]; bar[j] is the key a new candidate must beat.
    intp* begin
    intp* capacity
    intp* size
    double* bar
    double* keys
    intp* index


cdef void scan_rows(
    const floating[:, ::1] pred_probs,
    const intp* rows,
    intp n_rows,
    intp k,
    Heaps* heaps,
    floating* margin_bar,
    bint ties_may_win,
) noexcept nogil:
    """Offer the rows (in increasing index) to the heaps of class ``k``.

    With ``ties_may_win`` false every row has a larger index than those already in the heaps,
    so a candidate that only ties a bar loses and the strict prefilter is exact; otherwise a
    tie goes to the heap's comparison.
    """
    cdef intp n_classes = pred_probs.shape[1], j, s, row
    cdef floating p_k, margin
    cdef bint any_above
    for s in range(n_rows):
        if s + PREFETCH_DISTANCE < n_rows:
            prefetch_row(pred_probs, rows[s + PREFETCH_DISTANCE])
        row = rows[s]
        p_k = pred_probs[row, k]
        if -p_k > heaps.bar[k] or (ties_may_win and -p_k == heaps.bar[k]):
            offer(heaps.keys + heaps.begin[k], heaps.index + heaps.begin[k], heaps.size + k,
                  heaps.capacity[k], -p_k, row, heaps.bar + k)
        # Margins are computed in the input's precision, as numpy would. Most rows beat no
        # bar: a branch-free scan finds out before the slow path.
        if not ties_may_win:
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
            if margin > margin_bar[j] or (ties_may_win and margin == margin_bar[j]):
                offer(heaps.keys + heaps.begin[j], heaps.index + heaps.begin[j],
                      heaps.size + j, heaps.capacity[j], margin, row, heaps.bar + j)
                margin_bar[j] = <floating>heaps.bar[j]


cdef void scan_rows_by_search(
    const floating[:, ::1] pred_probs,
    const intp* rows,
    intp n_rows,
    intp k,
    Heaps* heaps,
    floating* margin_bar,
) noexcept nogil:
    """:func:`scan_rows` without ties, for many classes.

    A row beats few of the many bars, if any: instead of testing the whole row and then every
    class one by one, a vectorized search jumps from one class whose bar it beats to the next.
    """
    cdef intp n_classes = pred_probs.shape[1], j, s, row
    cdef floating p_k
    for s in range(n_rows):
        if s + PREFETCH_DISTANCE < n_rows:
            prefetch_row(pred_probs, rows[s + PREFETCH_DISTANCE])
        row = rows[s]
        p_k = pred_probs[row, k]
        if -p_k > heaps.bar[k]:
            offer(heaps.keys + heaps.begin[k], heaps.index + heaps.begin[k], heaps.size + k,
                  heaps.capacity[k], -p_k, row, heaps.bar + k)
        j = next_margin_above(&pred_probs[row, 0], p_k, margin_bar, 0, n_classes)
        while j < n_classes:
            offer(heaps.keys + heaps.begin[j], heaps.index + heaps.begin[j], heaps.size + j,
                  heaps.capacity[j], pred_probs[row, j] - p_k, row, heaps.bar + j)
            margin_bar[j] = <floating>heaps.bar[j]
            j = next_margin_above(&pred_probs[row, 0], p_k, margin_bar, j + 1, n_classes)


cdef inline intp next_margin_above(const floating* p, floating p_k, const floating* bar,
                                   intp start, intp n_classes) noexcept nogil:
    if floating is float:
        return skn_next_margin_above_f(p, p_k, bar, start, n_classes)
    else:
        return skn_next_margin_above_d(p, p_k, bar, start, n_classes)


cdef bint argmax_rows_matter(Heaps* heaps, intp n_classes, intp k) noexcept nogil:
    """Whether a row whose label is its argmax (every margin <= 0) can still enter a heap."""
    cdef intp j
    if heaps.capacity[k] > 0:
        return True
    for j in range(n_classes):
        if j != k and heaps.capacity[j] > 0 and (
            heaps.size[j] < heaps.capacity[j] or heaps.bar[j] <= 0
        ):
            return True
    return False


cdef int select_in_class(
    const floating[:, ::1] pred_probs,
    const row_index[::1] order,
    intp start,
    intp stop,
    intp k,
    const intp[:, ::1] quota,
    const unsigned char[::1] agreement,
    unsigned char[::1] flagged,
) noexcept nogil:
    """Flag the selected examples of given class ``k``. Returns -1 if memory ran out.

    Heap ``j`` (``j != k``) holds the best candidates by margin toward ``j``; heap ``k`` the
    best by low self-confidence. ``bar[j]`` is -inf while heap ``j`` is not full, its worst key
    once it is, +inf if it takes nothing (``margin_bar`` is the same in the input's precision,
    +inf for ``k``).

    The rows whose label is not their argmax are scanned first: they hold the positive
    margins, and once every heap's bar is above 0 the other rows (whose margins are all at most
    0) cannot enter, so they are not read at all.
    """
    cdef intp n_classes = pred_probs.shape[1], n_k = stop - start
    cdef intp j, pos, row, total = 0, s, n_first = 0
    cdef Heaps heaps
    heaps.begin = <intp*>malloc(n_classes * sizeof(intp))
    heaps.capacity = <intp*>malloc(n_classes * sizeof(intp))
    heaps.size = <intp*>malloc(n_classes * sizeof(intp))
    heaps.bar = <double*>malloc(n_classes * sizeof(double))
    heaps.keys = NULL
    heaps.index = NULL
    cdef floating* margin_bar = <floating*>malloc(n_classes * sizeof(floating))
    cdef intp* rows = <intp*>malloc(max(n_k, 1) * sizeof(intp))
    cdef int status = 0
    if (heaps.begin == NULL or heaps.capacity == NULL or heaps.size == NULL
            or heaps.bar == NULL or margin_bar == NULL or rows == NULL):
        status = -1
    else:
        for j in range(n_classes):
            heaps.capacity[j] = min(max(quota[k, j], 0), n_k)
            heaps.begin[j] = total
            heaps.size[j] = 0
            heaps.bar[j] = -INFINITY if heaps.capacity[j] > 0 else INFINITY
            margin_bar[j] = <floating>heaps.bar[j]
            total = total + heaps.capacity[j]
        # Heap k is the prune-by-class heap: never offered a margin.
        margin_bar[k] = INFINITY
        if total > 0:
            heaps.keys = <double*>malloc(total * sizeof(double))
            heaps.index = <intp*>malloc(total * sizeof(intp))
            if heaps.keys == NULL or heaps.index == NULL:
                status = -1
        if status == 0 and total > 0:
            # The class's rows, in increasing index: first those whose label is not the
            # argmax, then the others.
            for pos in range(start, stop):
                if not agreement[order[pos]] & SKN_LABEL_IS_ARGMAX:
                    rows[n_first] = order[pos]
                    n_first = n_first + 1
            s = n_first
            for pos in range(start, stop):
                if agreement[order[pos]] & SKN_LABEL_IS_ARGMAX:
                    rows[s] = order[pos]
                    s = s + 1
            if n_classes > FLAT_SCAN_CLASSES:
                scan_rows_by_search(pred_probs, rows, n_first, k, &heaps, margin_bar)
            else:
                scan_rows(pred_probs, rows, n_first, k, &heaps, margin_bar, False)
            if argmax_rows_matter(&heaps, n_classes, k):
                scan_rows(pred_probs, rows + n_first, n_k - n_first, k, &heaps, margin_bar,
                          True)
            for j in range(n_classes):
                for s in range(heaps.size[j]):
                    row = heaps.index[heaps.begin[j] + s]
                    flagged[row] = flagged[row] | (
                        SKN_PRUNED_BY_CLASS if j == k else SKN_PRUNED_BY_NOISE_RATE)
    free(heaps.begin)
    free(heaps.capacity)
    free(heaps.size)
    free(heaps.bar)
    free(heaps.keys)
    free(heaps.index)
    free(margin_bar)
    free(rows)
    return status


def prune_flags(
    const floating[:, ::1] pred_probs,
    const row_index[::1] order,
    const intp[::1] offsets,
    const intp[:, ::1] quota,
    const unsigned char[::1] agreement,
    int n_threads,
):
    """Return a uint8 array of ``PRUNED_BY_CLASS`` and ``PRUNED_BY_NOISE_RATE`` bits per example.

    ``order`` and ``offsets`` group the rows by given label (see
    :func:`sklearn_noisy._counting.group_by_label`); ``agreement`` holds the
    ``LABEL_IS_ARGMAX`` bit of each row (see :func:`sklearn_noisy._counting.confident_pass`).
    """
    cdef intp n = pred_probs.shape[0], n_classes = pred_probs.shape[1], k
    flagged = np.zeros(n, dtype=np.uint8)
    status = np.zeros(n_classes, dtype=np.intc)
    cdef unsigned char[::1] flagged_v = flagged
    cdef int[::1] status_v = status
    for k in prange(n_classes, schedule="dynamic", nogil=True, num_threads=n_threads):
        status_v[k] = select_in_class(
            pred_probs, order, offsets[k], offsets[k + 1], k, quota, agreement, flagged_v
        )
    if status.min() < 0:
        raise MemoryError("Out of memory while selecting the label issues to prune.")
    return flagged
