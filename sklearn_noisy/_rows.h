/* Per-row loops of the counting kernels, written so that the compiler vectorizes them.
 *
 * `#pragma omp simd` lets the compiler reorder the row's max and sum reductions into SIMD
 * lanes; without OpenMP the pragma is ignored and the loops run as written, with the same
 * results (a max, a count and a first index do not depend on the order of evaluation; the
 * row sum of the input check only has to be within its tolerance of 1).
 *
 * Each function is defined for float and for double by SKN_ROW_KERNELS(T, SUFFIX).
 */
#ifndef SKN_ROWS_H
#define SKN_ROWS_H

#include <stddef.h>
#include <math.h>

#if defined(_OPENMP) || defined(__clang__)
#define SKN_SIMD(clauses) _Pragma(clauses)
#else
#define SKN_SIMD(clauses)
#endif

/* The flag bits that the kernels write and the Python side reads (exported by _counting and
 * _selection under the same names without the SKN_ prefix). */
/* Confident pass, per example: the given label is the argmax after adding 1e-6 to its
 * probability; the given label is the plain argmax (first index on ties). */
#define SKN_LABEL_NEAR_ARGMAX 1
#define SKN_LABEL_IS_ARGMAX 2
/* Pruning selection, per example: picked by low self-confidence in its class; picked by a
 * large margin toward another class. */
#define SKN_PRUNED_BY_CLASS 1
#define SKN_PRUNED_BY_NOISE_RATE 2

/* Elements scanned per step when searching a row for the first match. */
#define SKN_BLOCK 16

/* The body of a search of [start, K) for the first j where COND holds: each block of
 * SKN_BLOCK elements is tested with one vectorized reduction, then one by one if it holds a
 * match. Returns the index found, or K. */
#define SKN_RETURN_FIRST_WHERE(COND)                                                         \
    for (Py_ssize_t block = start; block < K; block += SKN_BLOCK) {                          \
        Py_ssize_t stop = block + SKN_BLOCK < K ? block + SKN_BLOCK : K;                     \
        int hit = 0;                                                                         \
        SKN_SIMD("omp simd reduction(|:hit)")                                                \
        for (Py_ssize_t j = block; j < stop; j++) hit |= (COND);                             \
        if (hit) {                                                                           \
            for (Py_ssize_t j = block; j < stop; j++) if (COND) return j;                    \
        }                                                                                    \
    }                                                                                        \
    return K;

#define SKN_ROW_KERNELS(T, SUFFIX)                                                          \
                                                                                             \
/* 1 if every value is in [0, 1] and the row sums to 1 within `tolerance`, else 0. The sum  \
 * is accumulated in double, so that a float32 row over many classes is not rejected for   \
 * its own rounding. */                                                                     \
static inline int skn_valid_row_##SUFFIX(const T* p, Py_ssize_t K, double tolerance) {      \
    double total = 0;                                                                        \
    int in_range = 1;                                                                        \
    SKN_SIMD("omp simd reduction(+:total) reduction(&:in_range)")                            \
    for (Py_ssize_t j = 0; j < K; j++) {                                                     \
        total += p[j];                                                                       \
        in_range &= (p[j] >= 0) & (p[j] <= 1);                                               \
    }                                                                                        \
    return in_range && fabs(total - 1.0) <= tolerance;                               \
}                                                                                            \
                                                                                             \
/* Index of the first j in [start, K) with p[j] == value, or K. */                          \
static inline Py_ssize_t skn_first_equal_##SUFFIX(const T* p, Py_ssize_t start,             \
                                                  Py_ssize_t K, T value) {                  \
    SKN_RETURN_FIRST_WHERE(p[j] == value)                                                    \
}                                                                                            \
                                                                                             \
/* Index of the first j in [start, K) with p[j] >= cut[j], or K. */                         \
static inline Py_ssize_t skn_first_confident_##SUFFIX(const T* p, const T* cut,             \
                                                      Py_ssize_t start, Py_ssize_t K) {     \
    SKN_RETURN_FIRST_WHERE(p[j] >= cut[j])                                                   \
}                                                                                            \
                                                                                             \
/* 1 if some margin p[j] - p_k (rounded to T) exceeds bar[j]. */                           \
static inline int skn_any_margin_above_##SUFFIX(const T* p, Py_ssize_t K, T p_k,           \
                                                const T* bar) {                             \
    int hit = 0;                                                                             \
    SKN_SIMD("omp simd reduction(|:hit)")                                                    \
    for (Py_ssize_t j = 0; j < K; j++) hit |= ((T)(p[j] - p_k) > bar[j]);                    \
    return hit;                                                                              \
}                                                                                            \
                                                                                             \
/* Index of the first j in [start, K) whose margin p[j] - p_k (rounded to T) exceeds         \
 * bar[j], or K. */                                                                          \
static inline Py_ssize_t skn_next_margin_above_##SUFFIX(const T* p, T p_k, const T* bar,    \
                                                        Py_ssize_t start, Py_ssize_t K) {   \
    SKN_RETURN_FIRST_WHERE((T)(p[j] - p_k) > bar[j])                                         \
}                                                                                            \
                                                                                             \
/* The confident-joint work of one row (see _counting.confident_pass). Writes the guessed  \
 * true label (-1 if no class is confident) and the agreement flags; `cut[j]` is the        \
 * smallest value of type T that reaches class j's threshold. */                           \
static inline void skn_confident_row_##SUFFIX(const T* p, Py_ssize_t K, const T* cut,       \
                                              Py_ssize_t label, int confident_argmax,       \
                                              int* guess, unsigned char* flags) {           \
    T top = p[0];                                                                            \
    Py_ssize_t n_confident = 0, best, j;                                                     \
    SKN_SIMD("omp simd reduction(max:top) reduction(+:n_confident)")                         \
    for (j = 0; j < K; j++) {                                                                \
        top = p[j] > top ? p[j] : top;                                                       \
        n_confident += p[j] >= cut[j];                                                       \
    }                                                                                        \
    best = skn_first_equal_##SUFFIX(p, 0, K, top);                                           \
    /* The given label wins the argmax after adding 1e-6 to its probability (the argmax    \
     * is the first index of the largest value, and p[label] itself is below `boosted`). */ \
    T boosted = p[label] + (T)1e-6;                                                          \
    *flags = (unsigned char)((((top < boosted) | ((top == boosted) & (best > label)))       \
                              * SKN_LABEL_NEAR_ARGMAX)                                       \
                             | ((best == label) * SKN_LABEL_IS_ARGMAX));                     \
    if (n_confident == 0) {                                                                  \
        *guess = -1;                                                                         \
    } else if (n_confident > 1 && !confident_argmax) {                                      \
        *guess = (int)best;                                                                  \
    } else if (p[best] >= cut[best]) {                                                       \
        /* The row's argmax is confident: it is the only confident class or the largest. */\
        *guess = (int)best;                                                                  \
    } else {                                                                                 \
        Py_ssize_t pick = skn_first_confident_##SUFFIX(p, cut, 0, K);                        \
        for (j = pick + 1; j < K; j++) {                                                     \
            if (p[j] >= cut[j] && p[j] > p[pick]) pick = j;                                  \
        }                                                                                    \
        *guess = (int)pick;                                                                  \
    }                                                                                        \
}

SKN_ROW_KERNELS(float, f)
SKN_ROW_KERNELS(double, d)

#endif
