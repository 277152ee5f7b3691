"""scikit-learn's estimator checks, in full, with no expected failures (but for CleanLearning's
reference meaning of sample_weight, below).

The instances use ``cv=3``: the checks fit on datasets as small as ten examples, where a class
may have three, and a class with fewer examples than folds is rejected with a ValueError by
design. scikit-learn's own test suite checks its cross-validating meta-estimators
(``CalibratedClassifierCV``, ``RFECV``, ...) with ``cv=3`` for the same reason.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_noisy import ConfidentLearningClassifier, LabelPruner, NoiseEstimator
from sklearn_noisy.compat import CleanLearning, LearningWithNoisyLabels

CHECKED = [
    NoiseEstimator(cv=3, random_state=0),
    LabelPruner(cv=3, random_state=0),
    ConfidentLearningClassifier(cv=3, random_state=0),
    LearningWithNoisyLabels(cv_n_folds=3, seed=0),
]


#: CleanLearning keeps the reference's meaning of sample_weight: the weights of the final fit
#: only, replacing the noise weights, so weighting is not the same as repeating examples.
EXPECTED_FAILURES = {
    "CleanLearning": {
        check: "sample_weight weights the final fit only, as in cleanlab's CleanLearning"
        for check in ("check_sample_weight_equivalence_on_dense_data",
                      "check_sample_weight_equivalence_on_sparse_data")
    },
}
CHECKED.append(CleanLearning(cv_n_folds=3, seed=0,
                             find_label_issues_kwargs={"min_examples_per_class": 1}))


@parametrize_with_checks(
    CHECKED, expected_failed_checks=lambda est: EXPECTED_FAILURES.get(type(est).__name__, {})
)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
