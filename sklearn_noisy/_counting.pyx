"""O(n * K) kernels of the confident joint: input checks, grouping by label, confident counts.

Every kernel reads ``pred_probs`` in place (float32 or float64, C-contiguous) and writes only
into the arrays it is given or returns. Results do not depend on the thread count.
"""

from cython cimport floating
from cython.parallel cimport prange

from libc.string cimport memcpy

import numpy as np

ctypedef Py_ssize_t intp

cdef extern from *:
    bint SKN_BOUNDSCHECK  # set by setup.py

cdef extern from "_rows.h" nogil:
    enum:
        SKN_LABEL_NEAR_ARGMAX
        SKN_LABEL_IS_ARGMAX
    bint skn_valid_row_f(const float* p, Py_ssize_t K, double tolerance)
    bint skn_valid_row_d(const double* p, Py_ssize_t K, double tolerance)
    void skn_confident_row_f(const float* p, Py_ssize_t K, const float* cut, Py_ssize_t label,
                             int confident_argmax, int* guess, unsigned char* flags)
    void skn_confident_row_d(const double* p, Py_ssize_t K, const double* cut,
                             Py_ssize_t label, int confident_argmax, int* guess,
                             unsigned char* flags)

# Rows per unit of work. Threads take blocks of rows as they become free (a dynamic schedule),
# so a core that another process holds does not hold the others back.
cdef Py_ssize_t BLOCK = 1024

#: Bits of ``confident_pass``'s ``agrees``: the label is the argmax within 1e-6; it is the argmax.
LABEL_NEAR_ARGMAX = SKN_LABEL_NEAR_ARGMAX
LABEL_IS_ARGMAX = SKN_LABEL_IS_ARGMAX


cdef inline bint is_valid_row(const floating[:, ::1] pred_probs, Py_ssize_t i,
                              double sum_tolerance) noexcept nogil:
    if floating is float:
        return skn_valid_row_f(&pred_probs[i, 0], pred_probs.shape[1], sum_tolerance)
    else:
        return skn_valid_row_d(&pred_probs[i, 0], pred_probs.shape[1], sum_tolerance)


def find_invalid_row(const floating[:, ::1] pred_probs, double sum_tolerance, int n_threads,
                     floating[:, ::1] copy_to=None):
    """Return the index of the first row that is not a probability vector, or -1.

    A row is valid when every value lies in [0, 1] (so NaN and infinity are not) and the row
    sums to 1 within ``sum_tolerance``. With ``copy_to`` (an array of the same shape), each row
    checked is also copied there while it is in cache; if a row is invalid the copy is
    incomplete.
    """
    cdef Py_ssize_t n = pred_probs.shape[0], n_classes = pred_probs.shape[1]
    cdef Py_ssize_t n_blocks = (n + BLOCK - 1) // BLOCK
    cdef Py_ssize_t b, i, stop
    cdef bint copy = copy_to is not None
    if copy and (copy_to.shape[0] != n or copy_to.shape[1] != n_classes):
        raise ValueError("copy_to must have the shape of pred_probs.")
    bad_row = np.full(n_blocks, -1, dtype=np.intp)
    cdef intp[::1] bad_row_v = bad_row
    for b in prange(n_blocks, schedule="dynamic", nogil=True, num_threads=n_threads):
        stop = min((b + 1) * BLOCK, n)
        for i in range(b * BLOCK, stop):
            if not is_valid_row(pred_probs, i, sum_tolerance):
                bad_row_v[b] = i
                break
            if copy:
                memcpy(&copy_to[i, 0], &pred_probs[i, 0], n_classes * sizeof(floating))
    found = np.flatnonzero(bad_row >= 0)
    return int(bad_row[found[0]]) if found.size else -1


ctypedef fused row_index:
    int
    Py_ssize_t


cdef void scatter_by_label(const intp[::1] labels, const floating[:, ::1] pred_probs,
                           intp[::1] cursor, row_index[::1] order,
                           floating[::1] self_confidence) noexcept nogil:
    cdef Py_ssize_t i, k, pos
    for i in range(labels.shape[0]):
        k = labels[i]
        pos = cursor[k]
        order[pos] = <row_index>i
        self_confidence[pos] = pred_probs[i, k]
        cursor[k] = pos + 1


def group_by_label(const intp[::1] labels, const floating[:, ::1] pred_probs):
    """Counting sort of the examples by given label.

    Returns ``(offsets, order, self_confidence)``: the examples labelled ``k`` are
    ``order[offsets[k]:offsets[k + 1]]`` in increasing index order, and ``self_confidence``
    holds ``pred_probs[i, labels[i]]`` in that same order (so one class is one contiguous slice).
    ``order`` is of C int when the row indices fit (half the memory of intp), else of intp.
    """
    cdef Py_ssize_t n = labels.shape[0], n_classes = pred_probs.shape[1]
    cdef Py_ssize_t i, k
    offsets = np.zeros(n_classes + 1, dtype=np.intp)
    dtype = np.float32 if floating is float else np.float64
    self_confidence = np.empty(n, dtype=dtype)
    cdef intp[::1] offsets_v = offsets
    cdef floating[::1] sc_v = self_confidence
    cdef intp[::1] cursor
    cdef int[::1] order_int
    cdef intp[::1] order_intp
    with nogil:
        for i in range(n):
            offsets_v[labels[i] + 1] += 1
        for k in range(n_classes):
            offsets_v[k + 1] += offsets_v[k]
    cursor = offsets.copy()
    if n <= np.iinfo(np.intc).max:
        order = np.empty(n, dtype=np.intc)
        order_int = order
        with nogil:
            scatter_by_label(labels, pred_probs, cursor, order_int, sc_v)
    else:
        order = np.empty(n, dtype=np.intp)
        order_intp = order
        with nogil:
            scatter_by_label(labels, pred_probs, cursor, order_intp, sc_v)
    return offsets, order, self_confidence


def confident_pass(
    const floating[:, ::1] pred_probs,
    const intp[::1] labels,
    const floating[::1] cutoffs,
    bint confident_argmax,
    int n_threads,
    int[::1] true_label_guess,
    unsigned char[::1] agrees,
):
    """One pass over ``pred_probs`` that guesses each example's true label.

    An example is confident for class ``j`` when ``pred_probs[i, j] >= cutoffs[j]``. Its guessed
    true label is that class; with several confident classes it is the overall argmax (the
    reference's rule) or, if ``confident_argmax``, the argmax among the confident classes (the
    paper's rule). The guess is written to ``true_label_guess`` (-1 when no class is confident);
    :func:`count_by_label` counts the confident joint from it.

    ``agrees[i]`` gets ``LABEL_NEAR_ARGMAX`` when the given label is the argmax after adding 1e-6
    (in the input's precision) to its probability, and ``LABEL_IS_ARGMAX`` when it is the plain
    argmax (first index on ties).
    """
    cdef Py_ssize_t n = pred_probs.shape[0], n_classes = pred_probs.shape[1]
    cdef Py_ssize_t i
    cdef floating p_label
    if (labels.shape[0] != n or true_label_guess.shape[0] != n or agrees.shape[0] != n
            or cutoffs.shape[0] != n_classes):
        raise ValueError("labels, cutoffs and the outputs must match pred_probs.")
    for i in prange(n, schedule="dynamic", chunksize=BLOCK, nogil=True, num_threads=n_threads):
        if SKN_BOUNDSCHECK:
            # The row kernel reads pred_probs[i, labels[i]]: a checked build checks it first.
            p_label = pred_probs[i, labels[i]]
        if floating is float:
            skn_confident_row_f(&pred_probs[i, 0], n_classes, &cutoffs[0], labels[i],
                                confident_argmax, &true_label_guess[i], &agrees[i])
        else:
            skn_confident_row_d(&pred_probs[i, 0], n_classes, &cutoffs[0], labels[i],
                                confident_argmax, &true_label_guess[i], &agrees[i])


def count_by_label(const row_index[::1] order, const intp[::1] offsets,
                   const int[::1] true_label_guess, int n_threads):
    """The ``(K, K)`` int64 counts ``[given label, guessed true label]`` of the guesses >= 0.

    ``order`` and ``offsets`` group the examples by given label (see :func:`group_by_label`);
    each class counts its own row of the result, which stays in cache while it does.
    """
    cdef Py_ssize_t n_classes = offsets.shape[0] - 1, n = true_label_guess.shape[0]
    cdef Py_ssize_t k, s, row
    cdef int guess
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    cdef long long[:, ::1] counts_v = counts
    for k in prange(n_classes, schedule="dynamic", nogil=True, num_threads=n_threads):
        for s in range(offsets[k], offsets[k + 1]):
            row = order[s]
            if 0 <= row < n:
                guess = true_label_guess[row]
                if 0 <= guess < n_classes:
                    counts_v[k, guess] += 1
    return counts


cdef void check_and_scatter(const floating[:, ::1] pred_probs, const intp[::1] labels,
                            Py_ssize_t rows_per_chunk, intp[:, ::1] cursor,
                            row_index[::1] order, floating[::1] self_confidence,
                            double sum_tolerance, intp[::1] invalid, int n_threads) noexcept nogil:
    """Check each chunk's rows and scatter them from the chunk's ``cursor``.

    ``invalid[c]`` gets the first invalid row of chunk ``c`` (the chunk stops there), else -1.
    """
    cdef Py_ssize_t c, i, k, pos, n = labels.shape[0], n_classes = pred_probs.shape[1]
    for c in prange(invalid.shape[0], schedule="dynamic", num_threads=n_threads):
        invalid[c] = -1
        for i in range(c * rows_per_chunk, min((c + 1) * rows_per_chunk, n)):
            if not is_valid_row(pred_probs, i, sum_tolerance):
                invalid[c] = i
                break
            k = labels[i]
            pos = cursor[c, k]
            order[pos] = <row_index>i
            self_confidence[pos] = pred_probs[i, k]
            cursor[c, k] = pos + 1


def group_checked_rows(const floating[:, ::1] pred_probs, const intp[::1] labels,
                       double sum_tolerance, int n_threads, Py_ssize_t rows_per_chunk=16384):
    """:func:`find_invalid_row` and :func:`group_by_label` in one pass over ``pred_probs``.

    Returns ``(invalid_row, offsets, order, self_confidence)``; the grouping is complete only
    when ``invalid_row`` is -1. The rows are counted by label per chunk, then each chunk checks
    its rows and writes those of class ``k`` after the other chunks' that come before it, so
    the grouping does not depend on the thread count.
    """
    cdef Py_ssize_t n = labels.shape[0], n_classes = pred_probs.shape[1]
    cdef Py_ssize_t n_chunks = max((n + rows_per_chunk - 1) // rows_per_chunk, 1)
    cdef Py_ssize_t c, i, stop
    if pred_probs.shape[0] != n:
        raise ValueError("labels must have one entry per row of pred_probs.")
    counts = np.zeros((n_chunks, n_classes), dtype=np.intp)
    cdef intp[:, ::1] counts_v = counts
    for c in prange(n_chunks, schedule="dynamic", nogil=True, num_threads=n_threads):
        stop = min((c + 1) * rows_per_chunk, n)
        for i in range(c * rows_per_chunk, stop):
            counts_v[c, labels[i]] += 1
    offsets = np.zeros(n_classes + 1, dtype=np.intp)
    np.cumsum(counts.sum(axis=0), out=offsets[1:])
    # Where each chunk writes its first example of each class.
    cursor = offsets[:n_classes] + np.cumsum(counts, axis=0) - counts
    cdef intp[:, ::1] cursor_v = cursor
    self_confidence = np.empty(n, dtype=np.float32 if floating is float else np.float64)
    cdef floating[::1] sc_v = self_confidence
    invalid = np.empty(n_chunks, dtype=np.intp)
    cdef intp[::1] invalid_v = invalid
    cdef int[::1] order_int
    cdef intp[::1] order_intp
    if n <= np.iinfo(np.intc).max:
        order = order_int = np.empty(n, dtype=np.intc)
        with nogil:
            check_and_scatter(pred_probs, labels, rows_per_chunk, cursor_v, order_int, sc_v,
                              sum_tolerance, invalid_v, n_threads)
    else:
        order = order_intp = np.empty(n, dtype=np.intp)
        with nogil:
            check_and_scatter(pred_probs, labels, rows_per_chunk, cursor_v, order_intp, sc_v,
                              sum_tolerance, invalid_v, n_threads)
    found = np.flatnonzero(invalid >= 0)
    return (int(invalid[found[0]]) if found.size else -1), offsets, order, self_confidence
