"""sklearn-noisy: confident learning for scikit-learn.

Find the label errors in a classification dataset from out-of-sample predicted
probabilities, estimate the noise between given and true labels, and train models
that are robust to it.
"""

from . import (
    count,
    datasets,
    display,
    filter,
    latent_algebra,
    multilabel,
    multilabel_dataset,
    noise_generation,
    polyplex,
    rank,
)
from ._classifier import ConfidentLearningClassifier
from ._noise import NoiseEstimator
from ._pruner import LabelPruner
from ._show_versions import show_versions
from ._version import __version__
from .scoring import make_trusted_scorer

__all__ = [
    "ConfidentLearningClassifier",
    "LabelPruner",
    "NoiseEstimator",
    "count",
    "datasets",
    "display",
    "filter",
    "latent_algebra",
    "make_trusted_scorer",
    "multilabel",
    "multilabel_dataset",
    "noise_generation",
    "polyplex",
    "rank",
    "show_versions",
    "__version__",
]
