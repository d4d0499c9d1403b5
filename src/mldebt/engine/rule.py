"""The one base class every rule subclasses, and the data a rule carries.

A rule is a libcst-style visitor: it defines ``visit_<Node>`` / ``leave_<Node>``
methods, asks ``self.ctx`` what names refer to, and calls ``self.report``. It never
prints, reads files or looks at CLI flags. Its class attributes carry its identity,
its Ruff-shaped documentation (the class docstring) and its examples, which the test
suite runs and the docs render.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import libcst as cst
from libcst.metadata import BaseMetadataProvider

from mldebt.engine.categories import categories, family_options
from mldebt.engine.findings import Applicability
from mldebt.engine.options import Option
from mldebt.engine.traversal import is_visited_node_name

if TYPE_CHECKING:
    from mldebt.engine.project import FactScanner
    from mldebt.engine.traversal import FileContext


_CODE = re.compile(r"^MLD\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Valid:
    """Code that the rule must not flag."""

    code: str


@dataclass(frozen=True)
class Invalid:
    """Code that the rule must flag.

    ``count`` is how many findings the rule must report; ``fixed`` is the whole file
    after the rule's fixes (safe and unsafe) when the rule offers one; ``line`` and
    ``column`` pin the first finding's 1-based position when given.
    """

    code: str
    count: int = 1
    fixed: str | None = None
    line: int | None = None
    column: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NodeEdit:
    """A change to the code around one node, resolved to text after the traversal.

    ``kind`` is ``replace`` (the node's code becomes ``content``), ``insert_before``
    or ``insert_after`` (``content`` goes right before/after the node's code).
    """

    node: cst.CSTNode
    kind: str
    content: str | cst.CSTNode


@dataclass(frozen=True)
class Fix:
    """A rule's proposed fix: edits plus how safe they are."""

    applicability: Applicability
    message: str
    edits: tuple[NodeEdit, ...]

    @classmethod
    def replace(
        cls,
        node: cst.CSTNode,
        content: str | cst.CSTNode,
        *,
        message: str,
        applicability: Applicability = "safe",
    ) -> Fix:
        """A fix that replaces ``node`` with ``content``."""
        return cls(applicability, message, (NodeEdit(node, "replace", content),))

    @classmethod
    def insert_after(
        cls,
        node: cst.CSTNode,
        content: str,
        *,
        message: str,
        applicability: Applicability = "safe",
    ) -> Fix:
        """A fix that inserts ``content`` right after ``node``'s code."""
        return cls(applicability, message, (NodeEdit(node, "insert_after", content),))


@dataclass(frozen=True)
class Report:
    """What a rule reported, before positions are known."""

    rule: Rule
    node: cst.CSTNode
    message: str
    fix: Fix | None
    anchor: cst.CSTNode


class Rule:
    """Base class of every mldebt rule.

    Subclasses set the class attributes below, write their docs in the class
    docstring (sections: What it does / Why is this bad? / Example / Use instead /
    Options) and implement ``visit_<Node>``/``leave_<Node>`` methods. ``triggers``
    are substrings one of which must occur in a file for the rule to be able to fire:
    a file that contains none of the selected rules' triggers is never parsed.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[str]
    message: ClassVar[str]
    triggers: ClassVar[tuple[str, ...]] = ()
    default_enabled: ClassVar[bool] = True
    options: ClassVar[tuple[Option, ...]] = ()
    valid: ClassVar[Sequence[Valid]] = ()
    invalid: ClassVar[Sequence[Invalid]] = ()
    # How safe the rule's fixes are, or None when it offers none.
    fix_safety: ClassVar[Applicability | None] = None
    # Whether the rule asks ``self.ctx.project_index()`` about other project files;
    # the index is then built once per process, before workers fork.
    uses_project: ClassVar[bool] = False
    # What the rule's family records about every project file in that index (its
    # family's per-file facts, e.g. the seeding calls of each module).
    project_facts: ClassVar[tuple[FactScanner, ...]] = ()
    # Set on rules the engine implements itself (MLD001): no visitor methods.
    engine_rule: ClassVar[bool] = False
    # Set on rules that only make sense in a Jupyter notebook (``self.ctx.notebook``
    # is set): they are left out of the traversal of ``.py`` files.
    notebook_only: ClassVar[bool] = False
    # libcst metadata providers the rule reads with ``self.ctx.metadata(...)``. Rarely
    # needed (names, scopes and positions come from the engine) and costly: they are
    # resolved once per file, and only when a selected rule asks for them.
    metadata: ClassVar[tuple[type[BaseMetadataProvider[Any]], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            return  # a shared base for several rules, not a rule itself
        if not _CODE.match(cls.code):
            raise TypeError(f"{cls.__name__}: code {cls.code!r} is not MLDnnn")
        if not _NAME.match(cls.name):
            raise TypeError(f"{cls.__name__}: name {cls.name!r} is not kebab-case")
        if cls.category not in categories():
            raise TypeError(f"{cls.__name__}: unknown category {cls.category!r}")
        if not cls.engine_rule and not cls.triggers:
            raise TypeError(f"{cls.__name__}: declare at least one trigger substring")
        for attribute in dir(cls):
            if attribute.startswith(("visit_", "leave_")):
                node_name = attribute.split("_", 1)[1]
                if not is_visited_node_name(node_name):
                    raise TypeError(f"{cls.__name__}.{attribute}: node is not visited")

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        """Create the rule once per process with its validated options: its own
        and its family's (``[tool.mldebt.<category>]``), defaults filled in."""
        values = {option.name: option.default for option in self.all_options()}
        values.update(options or {})
        self.option_values: dict[str, Any] = values
        self.reports: list[Report] = []
        self._ctx: FileContext | None = None

    @property
    def ctx(self) -> FileContext:
        """The file being linted: names, ancestors, path."""
        assert self._ctx is not None, "ctx is only available while a file is linted"
        return self._ctx

    @classmethod
    def all_options(cls) -> tuple[Option, ...]:
        """The options the rule reads: its family's, then its own."""
        return (*family_options(cls.category), *cls.options)

    def trigger_words(self) -> tuple[str, ...]:
        """The substrings that make a file worth parsing for this rule; by default
        ``triggers``. Rules whose targets depend on their options extend them."""
        return self.triggers

    def option(self, name: str) -> Any:
        """The value of one of this rule's options."""
        return self.option_values[name]

    def begin_file(self, ctx: FileContext) -> None:
        """Reset per-file state; called before the traversal of each file."""
        self._ctx = ctx
        self.reports = []
        self.on_begin_file()

    def on_begin_file(self) -> None:
        """Hook for subclasses: reset their per-file state."""

    def end_file(self) -> None:
        """Hook for subclasses: report what needs the whole file (after traversal)."""

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        fix: Fix | None = None,
        anchor: cst.CSTNode | None = None,
    ) -> None:
        """Report ``node``.

        ``anchor`` is the node whose lines a ``# noqa`` may sit on; by default the
        statement (or the top expression of a compound statement's header) that
        contains ``node`` at the current point of the traversal.
        """
        if anchor is None:
            anchor = self.ctx.anchor_for(node)
        self.reports.append(Report(self, node, message or self.message, fix, anchor))

    @classmethod
    def documentation(cls) -> str:
        """The rule's docs as markdown: title, docstring sections and examples."""
        from mldebt.engine.docs import render_rule

        return render_rule(cls)

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of 'What it does', for listings."""
        doc = textwrap.dedent(cls.__doc__ or "").strip()
        first = doc.split("\n\n", 1)[0]
        return " ".join(first.split())

    @classmethod
    def fixable(cls) -> bool:
        """Whether the rule offers fixes (for some findings)."""
        return cls.fix_safety is not None
