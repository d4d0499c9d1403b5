"""MLD306 hardcoded-threshold.

A decision threshold on model scores written as a number in the code.
"""

from __future__ import annotations

import re

import libcst as cst

from mldebt.engine.rule import Invalid, Valid
from mldebt.rules.hardcoded_config._constants import ExtractsConstants

_SCORE_METHODS = frozenset({"predict_proba", "decision_function", "sigmoid", "softmax"})

_AGGREGATES = frozenset({"sum", "mean", "std", "var", "min", "max", "all", "any"})

_SCORE_FUNCTIONS = frozenset(
    {
        "torch.sigmoid",
        "torch.softmax",
        "torch.special.expit",
        "torch.nn.functional.sigmoid",
        "torch.nn.functional.softmax",
        "scipy.special.expit",
        "scipy.special.softmax",
        "tensorflow.sigmoid",
        "tensorflow.nn.sigmoid",
        "tensorflow.math.sigmoid",
        "tensorflow.nn.softmax",
        "jax.nn.sigmoid",
    }
)

# Variables that hold predicted probabilities; a bare `score` is usually a metric
# (`score > 0.9` checks accuracy), not a model output to threshold.
_SCORE_NAME = re.compile(
    r"(?i)^((y_)?(pred_?)?(proba|probas|probs?|probabilities)|y_scores?)(_\w+)?$"
)


def _is_fraction(node: cst.BaseExpression) -> bool:
    """A float literal strictly between 0 and 1."""
    if not isinstance(node, cst.Float):
        return False
    try:
        value = float(node.value.replace("_", ""))
    except ValueError:
        return False
    return 0.0 < value < 1.0


class HardcodedThreshold(ExtractsConstants):
    """A decision threshold on model scores written as a number in the code.

    ## What it does
    Flags comparisons of a model's probabilities or scores (`predict_proba`,
    `decision_function`, `sigmoid`/`softmax` outputs, or variables holding them)
    with a literal between 0 and 1, such as `proba > 0.5`. Off by default: turn it
    on with `extend-select = ["MLD306"]`.

    ## Why is this bad?
    The threshold is a tuned parameter of the deployed model (Sculley et al.,
    "fixed thresholds in dynamic systems"): it must be chosen on validation data,
    recorded with the model and revisited when the model is retrained. A literal in
    code is none of that.

    ## Example
    ```python
    churned = model.predict_proba(X)[:, 1] > 0.35
    ```

    ## Use instead
    ```python
    DECISION_THRESHOLD = 0.35  # chosen on the validation set, see report.md

    churned = model.predict_proba(X)[:, 1] > DECISION_THRESHOLD
    ```
    The safe fix extracts the literal to such a constant.
    """

    code = "MLD306"
    name = "hardcoded-threshold"
    category = "hardcoded-config"
    message = "decision threshold written inline"
    triggers = (
        "predict_proba",
        "decision_function",
        "sigmoid",
        "softmax",
        "expit",
        "prob",
        "score",
    )
    default_enabled = False
    fix_safety = "safe"

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """``score > 0.5`` and ``0.5 <= score``."""
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if not isinstance(
                target.operator,
                (
                    cst.GreaterThan,
                    cst.GreaterThanEqual,
                    cst.LessThan,
                    cst.LessThanEqual,
                ),
            ):
                left = right
                continue
            for number, other in ((right, left), (left, right)):
                if not _is_fraction(number):
                    continue
                if isinstance(number, cst.Float) and self._is_score(other, 3):
                    self.add(
                        number,
                        ["DECISION_THRESHOLD", "THRESHOLD"],
                        f"decision threshold `{number.value}` on model scores is "
                        "written inline; name it and record how it was chosen",
                    )
                    break
            left = right

    def _is_score(self, node: cst.BaseExpression, depth: int) -> bool:
        if depth < 0:
            return False
        if isinstance(node, cst.Subscript):
            return self._is_score(node.value, depth)
        if isinstance(node, cst.Call):
            func = node.func
            qualname = self.ctx.qualified_name(func)
            if qualname in _SCORE_FUNCTIONS:
                return True
            if isinstance(func, cst.Attribute):
                if func.attr.value in _SCORE_METHODS:
                    return True
                if func.attr.value in _AGGREGATES:
                    return False  # proba.std() < 0.01: a statistic, not a score
                return self._is_score(func.value, depth - 1)  # proba.ravel()
            return False
        if isinstance(node, cst.Attribute):
            return self._is_score(node.value, depth - 1)
        if isinstance(node, cst.Name):
            binding = self.ctx.names.lookup(node.value)
            if binding is not None and binding.value is not None:
                # what it was assigned decides (prob = random.random() is no score)
                return self._is_score(binding.value, depth - 1)
            return bool(_SCORE_NAME.match(node.value))
        return False

    valid = (
        Valid("""
            DECISION_THRESHOLD = 0.35
            churned = model.predict_proba(X)[:, 1] > DECISION_THRESHOLD
            """),
        Valid("""
            def predict(model, X, threshold=0.5):
                return model.predict_proba(X)[:, 1] >= threshold
            """),
        Valid("""
            keep = df["missing_ratio"] < 0.3
            big = width > 0.5 * height
            """),
        Valid("""
            import torch
            mask = torch.rand(10) < 0.1  # dropout-style sampling, not a score
            """),
        Valid("""
            scores = model.predict_proba(X)[:, 1]
            assert scores.max() <= 1
            n = (scores > 1).sum()
            """),
        Valid("""
            auc = roc_auc_score(y, proba)
            if auc == 0.5:
                print("chance level")
            """),
    )
    invalid = (
        Invalid(
            """
            churned = model.predict_proba(X)[:, 1] > 0.35
            """,
            fixed="""
            DECISION_THRESHOLD = 0.35
            churned = model.predict_proba(X)[:, 1] > DECISION_THRESHOLD
            """,
        ),
        Invalid("""
            import numpy as np
            proba = clf.predict_proba(X_test)[:, 1]
            labels = np.where(proba >= 0.7, 1, 0)
            """),
        Invalid("""
            import torch
            preds = (torch.sigmoid(logits) > 0.5).long()
            """),
        Invalid("""
            flagged = 0.8 < clf.decision_function(X)
            """),
        Invalid("""
            def label(y_prob):
                return [int(p) for p in (y_prob > 0.45)]
            """),
        Invalid(
            """
            import numpy as np
            scores = model.predict_proba(X)
            hi, lo = scores[:, 1] > 0.9, scores[:, 1] < 0.1
            """,
            count=2,
            fixed="""
            import numpy as np
            DECISION_THRESHOLD = 0.9
            THRESHOLD = 0.1
            scores = model.predict_proba(X)
            hi, lo = scores[:, 1] > DECISION_THRESHOLD, scores[:, 1] < THRESHOLD
            """,
        ),
    )
