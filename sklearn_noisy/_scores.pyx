"""Per-example label quality scores, one pass over pred_probs, no copy of it."""

from cython cimport floating
from cython.parallel cimport prange
from libc.math cimport log

import numpy as np

ctypedef Py_ssize_t intp

cpdef enum Method:
    SELF_CONFIDENCE = 0
    NORMALIZED_MARGIN = 1
    CONFIDENCE_WEIGHTED_ENTROPY = 2

cdef double CLIP = 1e-6


def quality_scores(
    const floating[:, ::1] pred_probs,
    const intp[::1] labels,
    int method,
    const double[::1] thresholds,
    int n_threads,
):
    """Score every example; lower means more likely mislabelled.

    With a non-empty ``thresholds`` the probabilities are first adjusted: the class thresholds
    are subtracted, their maximum added back, and each row renormalised (computed in float64).
    """
    cdef intp n = pred_probs.shape[0], n_classes = pred_probs.shape[1]
    cdef intp i, j, label
    cdef bint adjust = thresholds.shape[0] > 0
    cdef double shift = 0, row_shift = 0, row_sum, value, given, other, entropy, ratio
    cdef floating given_f, other_f
    cdef double log_k = log(<double>n_classes)
    scores = np.empty(n, dtype=np.float32 if floating is float else np.float64)
    cdef floating[::1] out = scores
    if adjust:
        shift = max(thresholds)
        for j in range(n_classes):
            row_shift += shift - thresholds[j]
    # Blocks of rows taken as threads become free: a busy core does not hold the others back.
    for i in prange(n, schedule="dynamic", chunksize=1024, nogil=True, num_threads=n_threads):
        label = labels[i]
        if method == CONFIDENCE_WEIGHTED_ENTROPY:
            entropy = 0
            for j in range(n_classes):
                value = pred_probs[i, j]
                if value > 0:
                    entropy = entropy - value * log(value)
            entropy = entropy / log_k
            given = max(<double>pred_probs[i, label], CLIP)
            ratio = entropy / given
            out[i] = <floating>(log(ratio + 1) / max(ratio, CLIP))
        elif not adjust:
            given_f = pred_probs[i, label]
            if method == SELF_CONFIDENCE:
                out[i] = given_f
            else:
                other_f = -1
                for j in range(n_classes):
                    if j != label and pred_probs[i, j] > other_f:
                        other_f = pred_probs[i, j]
                # Same float operations, in the input's precision, as the reference.
                out[i] = (given_f - other_f + <floating>1) / <floating>2
        else:
            row_sum = row_shift
            for j in range(n_classes):
                row_sum = row_sum + pred_probs[i, j]
            given = (pred_probs[i, label] - thresholds[label] + shift) / row_sum
            if method == SELF_CONFIDENCE:
                out[i] = <floating>given
            else:
                other = -1
                for j in range(n_classes):
                    value = (pred_probs[i, j] - thresholds[j] + shift) / row_sum
                    if j != label and value > other:
                        other = value
                out[i] = <floating>((given - other + 1) / 2)
    return scores
