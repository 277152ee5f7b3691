"""Summaries of the label issues of a whole multi-label dataset, as pandas tables.

The counterparts of ``cleanlab.multilabel_classification.dataset``: which classes are most
often wrongly given or wrongly missing, how good each class's labels are, and one health score
for the dataset. The issues are those of :func:`sklearn_noisy.multilabel.find_label_issues`
(class by class, one-vs-rest).

pandas is an optional dependency of sklearn-noisy; these functions import it when called
(``pip install "sklearn-noisy[pandas]"``).
"""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, validate_params

from . import multilabel

_SUMMARY_PARAMETERS = {
    "labels": ["array-like"],
    "pred_probs": ["array-like", "sparse matrix"],
    "class_names": ["array-like", None],
    "confident_joint": ["array-like", None],
}


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "The multi-label dataset summaries return pandas DataFrames; install pandas, the "
            'optional dependency: pip install "sklearn-noisy[pandas]".'
        ) from None
    return pandas


def _class_names(class_names, n_classes):
    if class_names is None:
        return None
    class_names = list(class_names)
    if len(class_names) != n_classes:
        raise ValueError(
            f"class_names has {len(class_names)} names but pred_probs has {n_classes} classes; "
            "give one name per column of pred_probs, in order."
        )
    return class_names


@validate_params(_SUMMARY_PARAMETERS, prefer_skip_nested_validation=True)
def common_multilabel_issues(labels, pred_probs, *, class_names=None, confident_joint=None):
    """How often each class is wrongly given, and wrongly missing, across the dataset.

    Parameters
    ----------
    labels : list of list of int, or array-like of shape (n_samples, K)
        The given classes of each example.
    pred_probs : array-like of shape (n_samples, K)
        Out-of-sample probability of each class, independently.
    class_names : array-like of str of shape (K,), default=None
        Adds a "Class Name" column.
    confident_joint : array-like of shape (K, 2, 2), default=None
        From :func:`sklearn_noisy.multilabel.compute_confident_joint`; computed if omitted.

    Returns
    -------
    issues : pandas.DataFrame
        Two rows per class: "In Given Label" True / "In Suggested Label" False (the class is
        given but looks wrong) and the reverse (missing but looks right), with "Class Index",
        "Num Examples" (the examples flagged that way) and "Issue Probability" (that number
        over the number of examples); most frequent first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel_dataset import common_multilabel_issues
    >>> labels = [[0], [0], [0, 1], [1], [1], [0]]
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8],
    ...                        [0.1, 0.9], [0.2, 0.7], [0.1, 0.9]])
    >>> print(common_multilabel_issues(labels, pred_probs).head(2).to_string())
       Class Index  In Given Label  In Suggested Label  Num Examples  Issue Probability
    0            0            True               False             1           0.166667
    1            1           False                True             1           0.166667
    """
    pandas = _pandas()
    issues = multilabel.find_multilabel_issues_per_class(labels, pred_probs,
                                                         confident_joint=confident_joint)
    n_samples, n_classes = issues.shape
    given = multilabel.to_indicator(labels, n_classes).astype(bool)
    names = _class_names(class_names, n_classes)
    rows = []
    for k in range(n_classes):
        for in_given in (True, False):
            n_flagged = int(np.count_nonzero(issues[:, k] & (given[:, k] == in_given)))
            rows.append({
                **({} if names is None else {"Class Name": names[k]}),
                "Class Index": k, "In Given Label": in_given, "In Suggested Label": not in_given,
                "Num Examples": n_flagged, "Issue Probability": n_flagged / n_samples,
            })
    table = pandas.DataFrame(rows)
    return table.sort_values(by=["Issue Probability"], ascending=False).reset_index(drop=True)


@validate_params({**_SUMMARY_PARAMETERS, "joint": ["array-like", None]},
                 prefer_skip_nested_validation=True)
def rank_classes_by_multilabel_quality(labels, pred_probs, *, class_names=None, joint=None,
                                       confident_joint=None):
    """The label quality of each class, worst first.

    Parameters
    ----------
    labels, pred_probs, class_names
        As in :func:`common_multilabel_issues`.
    joint : array-like of shape (K, 2, 2), default=None
        The one-vs-rest confident joint (the reference's name here).
    confident_joint : array-like of shape (K, 2, 2), default=None
        The same, under its usual name; ``joint`` wins if both are given.

    Returns
    -------
    quality : pandas.DataFrame
        One row per class: "Class Index", "Label Issues" (examples given the class that look
        wrong), "Inverse Label Issues" (examples missing it that look as if they have it),
        "Label Noise" and "Inverse Label Noise" (those numbers over the number of examples) and
        "Label Quality Score" (``1 - Label Noise``); lowest score first.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel_dataset import rank_classes_by_multilabel_quality
    >>> labels = [[0], [0], [0, 1], [1], [1], [0]]
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8],
    ...                        [0.1, 0.9], [0.2, 0.7], [0.1, 0.9]])
    >>> rank_classes_by_multilabel_quality(labels, pred_probs)["Class Index"].tolist()
    [0, 1]
    """
    pandas = _pandas()
    issues = common_multilabel_issues(
        labels, pred_probs, class_names=class_names,
        confident_joint=confident_joint if joint is None else joint,
    )
    n_samples = len(labels)
    by_class = {}
    # Classes in their order of first appearance in the issues table, so that ties in the
    # final sort break as the reference's do.
    for row in issues.itertuples(index=False):
        row = dict(zip(issues.columns, row))
        summary = by_class.setdefault(row["Class Index"], {"Class Index": row["Class Index"]})
        if "Class Name" in row:
            summary["Class Name"] = row["Class Name"]
        prefix = "" if row["In Given Label"] else "Inverse "
        summary[f"{prefix}Label Issues"] = int(row["Issue Probability"] * n_samples)
        summary[f"{prefix}Label Noise"] = row["Issue Probability"]
    for summary in by_class.values():
        summary["Label Quality Score"] = 1 - summary["Label Noise"]
    columns = ["Class Index", "Label Issues", "Inverse Label Issues", "Label Noise",
               "Inverse Label Noise", "Label Quality Score"]
    if class_names is not None:
        columns.insert(0, "Class Name")
    table = pandas.DataFrame(list(by_class.values()))
    return table.sort_values(by="Label Quality Score", ascending=True).reset_index(
        drop=True)[columns]


@validate_params(
    {key: _SUMMARY_PARAMETERS[key] for key in ("labels", "pred_probs", "confident_joint")},
    prefer_skip_nested_validation=True,
)
def overall_multilabel_health_score(labels, pred_probs, *, confident_joint=None):
    """The fraction of examples whose given classes all look right.

    Parameters
    ----------
    labels, pred_probs, confident_joint
        As in :func:`common_multilabel_issues`.

    Returns
    -------
    health_score : float
        ``1 -`` the fraction of examples flagged by
        :func:`sklearn_noisy.multilabel.find_label_issues`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel_dataset import overall_multilabel_health_score
    >>> labels = [[0], [0], [0, 1], [1], [1], [0]]
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8],
    ...                        [0.1, 0.9], [0.2, 0.7], [0.1, 0.9]])
    >>> round(overall_multilabel_health_score(labels, pred_probs), 4)  # 1 issue in 6
    0.8333
    """
    issues = multilabel.find_label_issues(labels, pred_probs, confident_joint=confident_joint)
    return float(1.0 - np.count_nonzero(issues) / len(issues))


@validate_params(
    {**_SUMMARY_PARAMETERS, "num_examples": [Interval(Integral, 1, None, closed="left"), None],
     "verbose": ["verbose"]},
    prefer_skip_nested_validation=True,
)
def multilabel_health_summary(labels, pred_probs, *, class_names=None, num_examples=None,
                              confident_joint=None, verbose=True):
    """All three summaries of a multi-label dataset, printed and returned.

    Parameters
    ----------
    labels, pred_probs, class_names, confident_joint
        As in :func:`common_multilabel_issues`.
    num_examples : int, default=None
        The number of examples shown in the printed header; ``len(labels)`` if omitted.
    verbose : bool, default=True
        Print the summaries (to standard output).

    Returns
    -------
    summary : dict
        ``"overall_multilabel_health_score"`` (:func:`overall_multilabel_health_score`),
        ``"classes_by_multilabel_quality"`` (:func:`rank_classes_by_multilabel_quality`) and
        ``"common_multilabel_issues"`` (:func:`common_multilabel_issues`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_noisy.multilabel_dataset import multilabel_health_summary
    >>> labels = [[0], [0], [0, 1], [1], [1], [0]]
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.9, 0.8],
    ...                        [0.1, 0.9], [0.2, 0.7], [0.1, 0.9]])
    >>> summary = multilabel_health_summary(labels, pred_probs, verbose=False)
    >>> sorted(summary)
    ['classes_by_multilabel_quality', 'common_multilabel_issues', 'overall_multilabel_health_score']
    """
    num_examples = len(labels) if num_examples is None else num_examples
    classes = rank_classes_by_multilabel_quality(labels, pred_probs, class_names=class_names,
                                                 confident_joint=confident_joint)
    issues = common_multilabel_issues(labels, pred_probs, class_names=class_names,
                                      confident_joint=confident_joint)
    score = overall_multilabel_health_score(labels, pred_probs, confident_joint=confident_joint)
    if verbose:
        print(f"Label health of a multi-label dataset of {num_examples:,} examples\n")
        print("Classes by label quality (worst first):")
        print(classes.to_string(index=False), end="\n\n")
        print("Most common label issues:")
        print(issues.to_string(index=False), end="\n\n")
        print(f"Overall label health score: {score:.4f}")
    return {
        "overall_multilabel_health_score": score,
        "classes_by_multilabel_quality": classes,
        "common_multilabel_issues": issues,
    }
