"""Hardcoded configuration (MLD3xx): paths, secrets, hosts and hyperparameters in code.

Machine-specific paths, credentials and internal hosts are flagged in the places a
program keeps settings (assignments, parameter defaults, dict values, call
arguments); messages never repeat a secret. Inline hyperparameters and thresholds
get a safe fix that moves the literal to a module-level UPPER_CASE constant. A
literal that already sits in a config position (a module constant, a config dict,
a parameter default, a config class's field, a CLI default, a search space) is left
alone.
"""

from __future__ import annotations

# For rule writers: MLD301-MLD303 share the string analysis in ``_strings.py`` and
# the tables in ``api.py``; MLD304 and MLD306 share the constant-extracting fix in
# ``_constants.py`` and the tables in ``hyperparameters_api.py``.

TITLE = "Paths, secrets, hosts and hyperparameters baked into code"

# Test files are full of literal paths, fake secrets, hyperparameters and
# positional column picks on purpose: off there unless a project says otherwise.
OFF_IN_TESTS = True
