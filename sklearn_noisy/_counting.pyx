"""O(n * K) kernels of the confident joint: input checks, grouping by label, confident counts.

Every kernel reads ``pred_probs`` in place (float32 or float64, C-contiguous) and writes only
into the arrays it is given or returns. Results do not depend on the thread count.
"""

from cython cimport floating
from cython.parallel cimport prange, threadid
from libc.math cimport fabs

import numpy as np

ctypedef Py_ssize_t intp

cdef Py_ssize_t BLOCK = 1024


def find_invalid_row(const floating[:, ::1] pred_probs, double sum_tolerance, int n_threads):
    """Return the index of the first row that is not a probability vector, or -1.

    A row is valid when every value lies in [0, 1] (so NaN and infinity are not) and the row
    sums to 1 within ``sum_tolerance``.
    """
    cdef Py_ssize_t n = pred_probs.shape[0], n_classes = pred_probs.shape[1]
    cdef Py_ssize_t n_blocks = (n + BLOCK - 1) // BLOCK
    cdef Py_ssize_t b, i, j, stop, tail = n_classes - n_classes % 4
    cdef double s0, s1, s2, s3, value
    cdef bint in_range
    bad_row = np.full(n_blocks, -1, dtype=np.intp)
    cdef intp[::1] bad_row_v = bad_row
    for b in prange(n_blocks, schedule="static", nogil=True, num_threads=n_threads):
        stop = min((b + 1) * BLOCK, n)
        for i in range(b * BLOCK, stop):
            # Four partial sums and no early exit keep the loop free of dependencies.
            s0 = 0
            s1 = 0
            s2 = 0
            s3 = 0
            in_range = True
            for j in range(0, tail, 4):
                s0 = s0 + pred_probs[i, j]
                s1 = s1 + pred_probs[i, j + 1]
                s2 = s2 + pred_probs[i, j + 2]
                s3 = s3 + pred_probs[i, j + 3]
                in_range = in_range & (pred_probs[i, j] >= 0) & (pred_probs[i, j] <= 1)
                in_range = in_range & (pred_probs[i, j + 1] >= 0) & (pred_probs[i, j + 1] <= 1)
                in_range = in_range & (pred_probs[i, j + 2] >= 0) & (pred_probs[i, j + 2] <= 1)
                in_range = in_range & (pred_probs[i, j + 3] >= 0) & (pred_probs[i, j + 3] <= 1)
            for j in range(tail, n_classes):
                value = pred_probs[i, j]
                s0 = s0 + value
                in_range = in_range & (value >= 0) & (value <= 1)
            if not in_range or fabs((s0 + s1) + (s2 + s3) - 1.0) > sum_tolerance:
                bad_row_v[b] = i
                break
    found = np.flatnonzero(bad_row >= 0)
    return int(bad_row[found[0]]) if found.size else -1


def group_by_label(const intp[::1] labels, const floating[:, ::1] pred_probs):
    """Counting sort of the examples by given label.

    Returns ``(offsets, order, self_confidence)``: the examples labelled ``k`` are
    ``order[offsets[k]:offsets[k + 1]]`` in increasing index order, and ``self_confidence``
    holds ``pred_probs[i, labels[i]]`` in that same order (so one class is one contiguous slice).
    """
    cdef Py_ssize_t n = labels.shape[0], n_classes = pred_probs.shape[1]
    cdef Py_ssize_t i, k, pos
    offsets = np.zeros(n_classes + 1, dtype=np.intp)
    order = np.empty(n, dtype=np.intp)
    dtype = np.float32 if floating is float else np.float64
    self_confidence = np.empty(n, dtype=dtype)
    cdef intp[::1] offsets_v = offsets
    cdef intp[::1] order_v = order
    cdef floating[::1] sc_v = self_confidence
    cdef intp[::1] cursor
    with nogil:
        for i in range(n):
            offsets_v[labels[i] + 1] += 1
        for k in range(n_classes):
            offsets_v[k + 1] += offsets_v[k]
    cursor = offsets.copy()
    with nogil:
        for i in range(n):
            k = labels[i]
            pos = cursor[k]
            order_v[pos] = i
            sc_v[pos] = pred_probs[i, k]
            cursor[k] = pos + 1
    return offsets, order, self_confidence


def confident_pass(
    const floating[:, ::1] pred_probs,
    const intp[::1] labels,
    const double[::1] cutoffs,
    bint confident_argmax,
    int n_threads,
    int[::1] true_label_guess,
    unsigned char[::1] agrees,
):
    """One pass over ``pred_probs`` that counts the confident joint.

    An example is confident for class ``j`` when ``pred_probs[i, j] >= cutoffs[j]`` (compared in
    float64, as numpy compares the input with a float64 threshold). Its guessed true label is that
    class; with several confident classes it is the overall argmax (the reference's rule) or, if
    ``confident_argmax``, the argmax among the confident classes (the paper's rule). The guess is
    written to ``true_label_guess`` (-1 when no class is confident).

    ``agrees[i]`` gets bit 1 when the given label is the argmax after adding 1e-6 (in the input's
    precision) to its probability, and bit 2 when it is the plain argmax (first index on ties).

    Returns the ``(K, K)`` int64 counts ``[given label, guessed true label]``, diagonal unclipped.
    """
    cdef Py_ssize_t n = pred_probs.shape[0], n_classes = pred_probs.shape[1]
    cdef Py_ssize_t i, j, label, best, best_confident, n_confident, first_confident
    cdef int tid
    cdef floating value, best_value, best_confident_value, boosted
    cdef unsigned char flags
    per_thread = np.zeros((n_threads, n_classes, n_classes), dtype=np.int64)
    cdef long long[:, :, ::1] counts = per_thread
    for i in prange(n, schedule="static", nogil=True, num_threads=n_threads):
        tid = threadid()
        label = labels[i]
        boosted = pred_probs[i, label] + <floating>1e-6
        best = 0
        best_value = pred_probs[i, 0]
        best_confident = -1
        best_confident_value = 0
        n_confident = 0
        flags = 3
        for j in range(n_classes):
            value = pred_probs[i, j]
            if value > best_value:
                best_value = value
                best = j
            if <double>value >= cutoffs[j]:
                n_confident = n_confident + 1
                if best_confident < 0 or value > best_confident_value:
                    best_confident = j
                    best_confident_value = value
            if (j < label and value >= boosted) or (j > label and value > boosted):
                flags = flags & 2
        if best != label:
            flags = flags & 1
        agrees[i] = flags
        if n_confident == 0:
            true_label_guess[i] = -1
        else:
            if n_confident > 1 and not confident_argmax:
                best_confident = best
            true_label_guess[i] = <int>best_confident
            counts[tid, label, best_confident] += 1
    return per_thread.sum(axis=0)
