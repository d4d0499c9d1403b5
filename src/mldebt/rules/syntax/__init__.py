"""Syntax (MLD001): files mldebt cannot parse, reported by the engine itself."""

from __future__ import annotations

TITLE = "Files mldebt cannot parse"
