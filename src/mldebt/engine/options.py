"""A typed option of a rule or of a whole rule family, as users set it in TOML.

Kept apart from the rule base class (and from libcst) so that reading and checking
a configuration costs no parser import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Option:
    """A typed option: a rule's own, set in ``[tool.mldebt.rules.<CODE or name>]``,
    or a whole family's, set in ``[tool.mldebt.<category>]``."""

    name: str
    type: type | tuple[type, ...]
    default: Any
    doc: str
    # A list of .gitignore-style globs: each one is checked to compile.
    globs: bool = False

    @property
    def type_name(self) -> str:
        """The TOML type users must write, for error messages and docs."""
        names = {list: "a list of strings", bool: "a boolean", int: "an integer"}
        names.update({str: "a string", float: "a number"})
        if isinstance(self.type, tuple):
            return " or ".join(names.get(kind, kind.__name__) for kind in self.type)
        return names.get(self.type, self.type.__name__)

    def accepts(self, value: object) -> bool:
        """Whether ``value`` (as read from TOML) has this option's type."""
        kinds = self.type if isinstance(self.type, tuple) else (self.type,)
        if isinstance(value, bool) and bool not in kinds:
            return False
        if not isinstance(value, kinds):
            return False
        if isinstance(value, list):
            return all(isinstance(item, str) for item in value)
        return True
