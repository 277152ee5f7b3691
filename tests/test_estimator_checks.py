"""scikit-learn's estimator checks, in full, with no expected failures.

The instances use ``cv=3``: the checks fit on datasets as small as ten examples, where a class
may have three, and a class with fewer examples than folds is rejected with a ValueError by
design. scikit-learn's own test suite checks its cross-validating meta-estimators
(``CalibratedClassifierCV``, ``RFECV``, ...) with ``cv=3`` for the same reason.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_noisy import ConfidentLearningClassifier, LabelPruner, NoiseEstimator
from sklearn_noisy.compat import LearningWithNoisyLabels

CHECKED = [
    NoiseEstimator(cv=3, random_state=0),
    LabelPruner(cv=3, random_state=0),
    ConfidentLearningClassifier(cv=3, random_state=0),
    LearningWithNoisyLabels(cv_n_folds=3, seed=0),
]


@parametrize_with_checks(CHECKED)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
