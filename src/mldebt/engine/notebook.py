"""Transitional alias of ``mldebt.engine.notebook_io`` (renamed so it is not
confused with the notebook rules in ``mldebt.rules``).

Only the names two modules still import from here are kept (``rules/notebook.py``
and ``traversal.py`` are being changed on other branches); delete this module
once they import ``mldebt.engine.notebook_io``.
"""

from __future__ import annotations

from mldebt.engine.notebook_io import CellInfo, NotebookView

__all__ = ["CellInfo", "NotebookView"]
