"""Implicit features (MLD4xx): model inputs implied by position, exclusion or order.

Features picked by column position, defined by what they are not (``drop(target)``,
``select_dtypes``), ordered by a set, pulled in by a star import or read from a
global DataFrame are flagged where they are defined, following values through
assignments.
"""

from __future__ import annotations

# For rule writers: the value-flow rules (``_flow.py``) follow values through
# assignments with a provenance map: when an assignment is left (before the engine
# rebinds its targets) the rule derives what the value is (a DataFrame read from a
# file, an array of tabular data, a feature set defined by exclusion, a set-ordered
# column list) and files that fact under the assignment node. A later ``Name``
# looks up the binding it refers to and reads the fact filed for it, so a rebinding
# starts afresh and nothing is walked twice. The pandas, numpy and scikit-learn
# APIs they know are ``api.py``.

TITLE = "Model features implied by position or exclusion"

# Test files are full of literal paths, fake secrets, hyperparameters and
# positional column picks on purpose: off there unless a project says otherwise.
OFF_IN_TESTS = True
