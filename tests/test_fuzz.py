"""Garbage in: every public function of the functional core either works or raises a ValueError
or TypeError of its own, never a crash, a hang or an error from deep inside numpy.

The calls run in a child process, so that a crash of a compiled kernel fails this test instead
of ending pytest; the child runs hypothesis and prints what went wrong.
"""

import subprocess
import sys
import textwrap

FUZZ_SCRIPT = textwrap.dedent(
    """
    import os
    import sys
    import traceback

    import numpy as np
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    from sklearn_noisy import count, filter, multilabel, rank

    PACKAGE = os.path.dirname(count.__file__)

    def raised_by_us(error):
        # A raise statement of our package, or scikit-learn's parameter validation; not an
        # error of numpy's (those have no frame of their own: they surface in the caller).
        last = traceback.extract_tb(error.__traceback__)[-1]
        if last.filename.endswith("_param_validation.py"):
            return True
        return last.filename.startswith(PACKAGE) and last.line.lstrip().startswith("raise")

    dtypes = st.sampled_from([np.float64, np.float32, np.int64, np.uint64, np.complex128,
                              np.bool_, "U2"])
    arrays = hnp.arrays(dtypes, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0,
                                                 max_side=5))
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3),
                        st.sampled_from(["prune_by_class", "self_confidence", "argmax"]))
    nested = st.lists(st.one_of(st.integers(-3, 5), st.lists(st.integers(-3, 5), max_size=3),
                                st.floats(allow_nan=True)), max_size=6)
    garbage = st.one_of(scalars, arrays, nested)

    @st.composite
    def plausible(draw):
        # Valid-looking (labels, pred_probs) so that the checks further in are reached.
        n = draw(st.integers(1, 8))
        k = draw(st.integers(2, 4))
        rows = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0, 1)))
        rows = rows / np.where(rows.sum(axis=1, keepdims=True) > 0,
                               rows.sum(axis=1, keepdims=True), 1)
        labels = draw(hnp.arrays(np.int64, n, elements=st.integers(0, k - 1)))
        return labels, rows

    CALLS = {
        "get_confident_thresholds": lambda y, p, o: count.get_confident_thresholds(y, p, n_jobs=o),
        "compute_confident_joint": lambda y, p, o: count.compute_confident_joint(
            y, p, thresholds=o),
        "compute_confident_joint options": lambda y, p, o: count.compute_confident_joint(
            y, p, multiple_confident=o, min_diagonal=o, threshold_tolerance=o),
        "calibrate_confident_joint": lambda y, p, o: count.calibrate_confident_joint(o, y),
        "estimate_joint": lambda y, p, o: count.estimate_joint(y, p, confident_joint=o),
        "estimate_latent": lambda y, p, o: count.estimate_latent(o, y, py_method="cnt"),
        "estimate_py_and_noise_matrices": (
            lambda y, p, o: count.estimate_py_and_noise_matrices_from_probabilities(
                y, p, thresholds=o)),
        "num_label_issues": lambda y, p, o: count.num_label_issues(
            y, p, confident_joint=o, estimation_method="off_diagonal_custom"),
        "find_label_issues": lambda y, p, o: filter.find_label_issues(
            y, p, num_to_remove_per_class=o, filter_by="prune_by_class"),
        "find_label_issues options": lambda y, p, o: filter.find_label_issues(
            y, p, frac_noise=o, min_examples_per_class=1, confident_joint=o,
            return_indices_ranked_by="self_confidence", rank_by_kwargs=o),
        "get_label_quality_scores": lambda y, p, o: rank.get_label_quality_scores(
            y, p, adjust_pred_probs=o),
        "order_label_issues": lambda y, p, o: rank.order_label_issues(o, y, p),
        "find_top_issues": lambda y, p, o: rank.find_top_issues(o, top=2),
        "multilabel.find_label_issues": lambda y, p, o: multilabel.find_label_issues(
            o, p, num_to_remove_per_class=o),
        "multilabel.compute_confident_joint": lambda y, p, o: (
            multilabel.compute_confident_joint(o, p, min_diagonal=o)),
        "multilabel.get_label_quality_scores": lambda y, p, o: (
            multilabel.get_label_quality_scores(o, o)),
    }
    failures = []

    def attempt(name, call, *args):
        try:
            call(*args)
        except (ValueError, TypeError) as error:
            if not raised_by_us(error):
                last = traceback.extract_tb(error.__traceback__)[-1]
                failures.append(f"{name}: {type(error).__name__} at "
                                f"{os.path.basename(last.filename)}:{last.lineno}: "
                                f"{str(error)[:200]}")
        except Exception as error:  # anything else is a defect
            failures.append(f"{name}: {type(error).__name__}: {str(error)[:200]}")

    for name, call in CALLS.items():
        @settings(max_examples=int(sys.argv[1]), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(problem=plausible(), other=garbage, labels=garbage, pred_probs=garbage)
        def fuzz(problem, other, labels, pred_probs):
            y, p = problem
            attempt(name, call, y, p, other)            # valid arrays, garbage options
            attempt(name, call, labels, pred_probs, other)  # garbage everywhere
            attempt(name, call, labels, p, None)         # garbage labels
            attempt(name, call, y, pred_probs, None)     # garbage pred_probs

        fuzz()
    for failure in sorted(set(failures))[:30]:
        print(failure)
    sys.exit(1 if failures else 0)
    """
)


def test_garbage_gets_our_own_value_or_type_error_and_never_crashes():
    completed = subprocess.run([sys.executable, "-c", FUZZ_SCRIPT, "100"], capture_output=True,
                               text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr[-3000:]
