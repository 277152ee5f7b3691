"""The latent prior and the noise matrices of a confident joint, on checked inputs.

The K x K step after the engine: ``count.estimate_latent`` and the estimators call it with a
confident joint and the number of examples given each label.
"""

import numpy as np

from . import latent_algebra

PY_METHODS = latent_algebra.PY_METHODS
TINY = latent_algebra.TINY


def normalized(joint):
    """A joint of counts scaled to sum to 1."""
    return joint / np.clip(float(np.sum(joint)), TINY, None)


def count_off_diagonal(calibrated_joint, n_samples):
    """``n`` times the off-diagonal mass of a calibrated joint, rounded."""
    return int(np.rint((1.0 - np.trace(normalized(calibrated_joint))) * n_samples))


def estimate_latent(confident_joint, label_counts, *, py_method="cnt",
                    converge_latent_estimates=False):
    """``(py, noise_matrix, inverse_noise_matrix)`` of a confident joint.

    See :func:`sklearn_noisy.count.estimate_latent`.
    """
    ps = label_counts / float(np.sum(label_counts))
    given_counts = confident_joint.sum(axis=1).astype(float)
    true_counts = confident_joint.sum(axis=0).astype(float)
    noise_matrix = confident_joint / np.clip(true_counts, TINY, None)
    inverse_noise_matrix = confident_joint.T / np.clip(given_counts, TINY, None)
    py = latent_algebra.compute_py(
        ps, noise_matrix, inverse_noise_matrix, py_method=py_method,
        true_labels_class_counts=true_counts,
    )
    noise_matrix = latent_algebra.clip_noise_rates(noise_matrix)
    inverse_noise_matrix = latent_algebra.clip_noise_rates(inverse_noise_matrix)
    if converge_latent_estimates:
        py, noise_matrix, inverse_noise_matrix = converge(ps, py, noise_matrix,
                                                          inverse_noise_matrix)
        py = latent_algebra.clip_values(py, low=1e-5, high=1.0, new_sum=1.0)
        noise_matrix = latent_algebra.clip_noise_rates(noise_matrix)
        inverse_noise_matrix = latent_algebra.clip_noise_rates(inverse_noise_matrix)
    return py, noise_matrix, inverse_noise_matrix


def converge(ps, py, noise_matrix, inverse_noise_matrix, *, outer=3, inner=5):
    """Alternately recompute py, P(y|s) and P(s|y) from each other so that they agree."""
    for _ in range(outer):
        for _ in range(inner):
            inverse_noise_matrix = latent_algebra.compute_inv_noise_matrix(
                py, noise_matrix, ps=ps
            )
            py = latent_algebra.compute_py(ps, noise_matrix, inverse_noise_matrix)
        noise_matrix = latent_algebra.compute_noise_matrix_from_inverse(
            ps, inverse_noise_matrix, py=py
        )
    return py, noise_matrix, inverse_noise_matrix
