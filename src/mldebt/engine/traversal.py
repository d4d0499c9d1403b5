"""The one traversal: every selected rule and the name tracker visit each node once.

The walk reads a node's fields directly instead of going through libcst's
``CSTNode.visit``, which rebuilds every node it passes, and it skips whitespace,
punctuation and operator tokens, which no rule visits. It is iterative, so deeply
nested expressions cannot exhaust Python's recursion limit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

import libcst as cst
from libcst.metadata import BaseMetadataProvider

from mldebt.engine.names import Binding, NameTracker

if TYPE_CHECKING:
    from mldebt.engine.notebook_io import NotebookView
    from mldebt.engine.project import ProjectIndex

Handler = Callable[[Any], Any]
T = TypeVar("T")

# Token-like nodes: never dispatched, never descended into.
_UNVISITED_BASES: tuple[type, ...] = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
    cst.ImportStar,
    cst.ParamStar,
    cst.ParamSlash,
)
_SKIPPED_FIELDS = frozenset(
    {
        "lpar",
        "rpar",
        "comma",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "semicolon",
        "equal",
        "colon",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "dot",
        "newline",
        "trailing_whitespace",
        "operator",
        "star",
        "default_indent",
        "default_newline",
        "encoding",
        "indent",
        "asynchronous",
    }
)
# Source (evaluation) order where the dataclass field order differs.
_FIELD_ORDER: dict[type, tuple[str, ...]] = {
    cst.FunctionDef: (
        "decorators",
        "name",
        "type_parameters",
        "params",
        "returns",
        "body",
    ),
    cst.ClassDef: (
        "decorators",
        "name",
        "type_parameters",
        "bases",
        "keywords",
        "body",
    ),
    cst.ListComp: ("for_in", "elt"),
    cst.SetComp: ("for_in", "elt"),
    cst.GeneratorExp: ("for_in", "elt"),
    cst.DictComp: ("for_in", "key", "value"),
}
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# type -> whether values of that type are walked (a libcst node that is not a token)
_VISITED_TYPES: dict[type, bool] = {}


def _is_visited_type(value_type: type) -> bool:
    visited = issubclass(value_type, cst.CSTNode) and not issubclass(
        value_type, _UNVISITED_BASES
    )
    _VISITED_TYPES[value_type] = visited
    return visited


def _all_node_classes() -> dict[str, type]:
    classes: dict[str, type] = {}
    for name in dir(cst):
        value = getattr(cst, name)
        if isinstance(value, type) and issubclass(value, cst.CSTNode):
            classes[name] = value
    return classes


_NODE_CLASSES = _all_node_classes()


def is_visited_node_name(name: str) -> bool:
    """Whether the traversal dispatches ``visit_<name>`` (a libcst node, not a token)."""
    node_class = _NODE_CLASSES.get(name)
    return node_class is not None and not issubclass(node_class, _UNVISITED_BASES)


def _child_fields(node_class: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(node_class)
    if fields is None:
        names = [field.name for field in dataclasses.fields(node_class)]
        order = _FIELD_ORDER.get(node_class)
        if order is not None:
            names = [name for name in order if name in names] + [
                name for name in names if name not in order
            ]
        fields = tuple(
            name
            for name in names
            if name not in _SKIPPED_FIELDS and not name.startswith("whitespace")
        )
        _CHILD_FIELDS[node_class] = fields
    return fields


class FileContext:
    """What a rule may ask about the file being linted, during and after the walk."""

    def __init__(
        self,
        path: str,
        module: cst.Module,
        text: str,
        relative_path: str = "",
        project_index: Callable[[], ProjectIndex | None] | None = None,
        notebook: NotebookView | None = None,
    ) -> None:
        """Set up the context for one parsed file.

        ``relative_path`` is the path relative to the config's folder, with ``/``
        separators (what globs in options are matched against). ``notebook`` is set when the
        module is a Jupyter notebook's code cells joined (``module``/``text`` are
        then the joined cells, IPython syntax masked).
        """
        self.notebook = notebook
        self._facts: dict[Hashable, object] = {}
        self.path = path
        self.relative_path = relative_path or path.replace("\\", "/")
        self._project_index = project_index
        self.module = module
        self.text = text
        self.names = NameTracker(module)
        self.ancestors: list[cst.CSTNode] = []
        self.resolved_metadata: Mapping[type[Any], Mapping[cst.CSTNode, Any]] = {}

    def file_fact(self, key: Hashable, make: Callable[[], T]) -> T:
        """Per-file state that several rules of a family derive alike (the
        randomness rules' seed tracker), made by ``make`` once per file and shared.
        ``key`` names the fact and everything it depends on (the options that
        shape it); ``make`` must always build the same type for one key."""
        if key not in self._facts:
            self._facts[key] = make()
        return cast(T, self._facts[key])

    def metadata(self, provider: type[BaseMetadataProvider[T]], node: cst.CSTNode) -> T:
        """The value a libcst metadata provider computed for ``node``; the rule must
        list ``provider`` in its ``metadata`` class attribute."""
        try:
            values = self.resolved_metadata[provider]
        except KeyError:
            raise LookupError(
                f"{provider.__name__} was not declared in any selected rule's `metadata`"
            ) from None
        value: T = values[node]
        return value

    def project_index(self) -> ProjectIndex | None:
        """The index of the project's other modules (rules with ``uses_project``);
        None when linting text outside a project."""
        return self._project_index() if self._project_index is not None else None

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """Shortcut for ``self.names.qualified_name``."""
        return self.names.qualified_name(node)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The visited parent of ``node`` while ``node`` is on the traversal path."""
        ancestors = self.ancestors
        for index in range(len(ancestors) - 1, 0, -1):
            if ancestors[index] is node:
                return ancestors[index - 1]
        return None

    def anchor_for(self, node: cst.CSTNode) -> cst.CSTNode:
        """The node whose lines a ``# noqa`` for ``node`` may be written on.

        That is the innermost simple statement around the current point of the walk,
        or, inside a compound statement's header (``for x in f(...):``), the header
        expression; outside the walk, ``node`` itself.
        """
        ancestors = self.ancestors
        for index in range(len(ancestors) - 1, -1, -1):
            candidate = ancestors[index]
            if isinstance(candidate, cst.BaseSmallStatement):
                return candidate
            if isinstance(candidate, cst.BaseCompoundStatement):
                if index + 1 < len(ancestors):
                    return ancestors[index + 1]
                return node
        return node


class _NameHandlers:
    """The name tracker's own visitor methods, dispatched before the rules'."""

    def __init__(self) -> None:
        self.ctx: FileContext | None = None
        self.names = NameTracker(cst.Module(body=()))

    def reset(self, ctx: FileContext) -> None:
        """Point the handlers at the file about to be walked."""
        self.ctx = ctx
        self.names = ctx.names

    def visit_Import(self, node: cst.Import) -> None:
        self.names.add_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.names.add_import_from(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.names.bind(node.name.value, Binding("def", node=node))

    def visit_Parameters(self, node: cst.Parameters) -> None:
        assert self.ctx is not None
        ancestors = self.ctx.ancestors
        if len(ancestors) >= 2 and isinstance(
            ancestors[-2], (cst.FunctionDef, cst.Lambda)
        ):
            self.names.push("function", ancestors[-2])

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.names.pop(node)

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self.names.pop(node)

    def visit_Param(self, node: cst.Param) -> None:
        self.names.bind(node.name.value, Binding("param", node=node))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.names.bind(node.name.value, Binding("class", node=node))
        self.names.push("class", node)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.names.pop(node)

    def _push_comprehension(self, node: cst.CSTNode) -> None:
        self.names.push("comprehension", node)

    def _pop(self, node: cst.CSTNode) -> None:
        self.names.pop(node)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self.names.bind_target(node.target, None, node)

    def leave_Assign(self, node: cst.Assign) -> None:
        value = node.value if len(node.targets) == 1 else None
        for target in node.targets:
            self.names.bind_target(target.target, value, node)

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.names.bind_target(node.target, node.value, node)

    def leave_AugAssign(self, node: cst.AugAssign) -> None:
        self.names.bind_target(node.target, None, node)

    def leave_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.names.bind_target(node.target, node.value, node)

    def visit_For(self, node: cst.For) -> None:
        self.names.bind_target(node.target, None, node)

    def leave_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.BaseExpression):
            self.names.bind_target(node.asname.name, node.item, node)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.names.bind(node.name.name.value, Binding("other", node=node))
        if _catches_import_error(node):
            self.names.import_fallback_depth += 1

    def leave_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if _catches_import_error(node):
            self.names.import_fallback_depth -= 1

    def visit_Global(self, node: cst.Global) -> None:
        self.names.scope.global_names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.names.scope.nonlocal_names.update(item.name.value for item in node.names)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.names.bind(node.name.value, Binding("other", node=node))

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.names.bind(node.name.value, Binding("other", node=node))

    def handlers(self) -> Iterable[tuple[str, Handler]]:
        """``(method name, bound method)`` for every visit/leave method above."""
        for attribute in dir(self):
            if attribute.startswith(("visit_", "leave_")):
                yield attribute, getattr(self, attribute)
        for comprehension in ("ListComp", "SetComp", "GeneratorExp", "DictComp"):
            yield "visit_" + comprehension, self._push_comprehension
            yield "leave_" + comprehension, self._pop


def _catches_import_error(node: cst.ExceptHandler) -> bool:
    caught = node.type
    if caught is None:
        return False
    names = caught.elements if isinstance(caught, cst.Tuple) else [caught]
    for element in names:
        value = element.value if isinstance(element, cst.Element) else element
        if isinstance(value, cst.Name) and value.value in (
            "ImportError",
            "ModuleNotFoundError",
        ):
            return True
    return False


class DispatchTable:
    """For each node class: the visit and leave handlers to call, in order."""

    def __init__(
        self, handler_sources: Iterable[Iterable[tuple[str, Handler]]]
    ) -> None:
        """Group handlers by node class; earlier sources run first."""
        visits: dict[type, list[Handler]] = {}
        leaves: dict[type, list[Handler]] = {}
        for source in handler_sources:
            for attribute, handler in source:
                kind, node_name = attribute.split("_", 1)
                node_class = _NODE_CLASSES.get(node_name)
                if node_class is None:
                    continue
                target = visits if kind == "visit" else leaves
                target.setdefault(node_class, []).append(handler)
        self.visits = {key: tuple(value) for key, value in visits.items()}
        self.leaves = {key: tuple(value) for key, value in leaves.items()}


def rule_handlers(rule: object) -> list[tuple[str, Handler]]:
    """The ``visit_*``/``leave_*`` methods a rule object defines."""
    return [
        (attribute, getattr(rule, attribute))
        for attribute in dir(type(rule))
        if attribute.startswith(("visit_", "leave_"))
    ]


_NAME_HANDLERS = _NameHandlers()
_NAME_TABLE = DispatchTable([_NAME_HANDLERS.handlers()])


def walk(
    module: cst.Module,
    ctx: FileContext,
    rule_table: DispatchTable,
) -> None:
    """Visit every node of ``module`` once, calling name handlers then rule handlers.

    A visit handler that returns ``False`` stops the walk from entering that node's
    children (libcst's convention).
    """
    _NAME_HANDLERS.reset(ctx)
    name_visits, name_leaves = _NAME_TABLE.visits, _NAME_TABLE.leaves
    rule_visits, rule_leaves = rule_table.visits, rule_table.leaves
    ancestors = ctx.ancestors
    child_fields = _CHILD_FIELDS
    visited_types = _VISITED_TYPES
    stack: list[tuple[cst.CSTNode, bool]] = [(module, False)]
    while stack:
        node, leaving = stack.pop()
        node_class = type(node)
        if leaving:
            for handler in rule_leaves.get(node_class, ()):
                handler(node)
            for handler in name_leaves.get(node_class, ()):
                handler(node)
            ancestors.pop()
            continue
        ancestors.append(node)
        descend = True
        for handler in name_visits.get(node_class, ()):
            handler(node)
        for handler in rule_visits.get(node_class, ()):
            if handler(node) is False:
                descend = False
        stack.append((node, True))
        if not descend:
            continue
        children: list[tuple[cst.CSTNode, bool]] = []
        for field_name in child_fields.get(node_class) or _child_fields(node_class):
            value = getattr(node, field_name)
            value_type = type(value)
            if value_type is tuple or value_type is list:
                for item in value:
                    visited = visited_types.get(type(item))
                    if visited is None:
                        visited = _is_visited_type(type(item))
                    if visited:
                        children.append((item, False))
            else:
                visited = visited_types.get(value_type)
                if visited is None:
                    visited = _is_visited_type(value_type)
                if visited:
                    children.append((value, False))
        children.reverse()
        stack.extend(children)


def iter_nodes(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every visited node in ``root``'s subtree, ``root`` first (pre-order)."""
    stack: list[cst.CSTNode] = [root]
    while stack:
        node = stack.pop()
        yield node
        children: list[cst.CSTNode] = []
        for field_name in _CHILD_FIELDS.get(type(node)) or _child_fields(type(node)):
            value = getattr(node, field_name)
            items = value if isinstance(value, (tuple, list)) else (value,)
            for item in items:
                visited = _VISITED_TYPES.get(type(item))
                if visited is None:
                    visited = _is_visited_type(type(item))
                if visited:
                    children.append(item)
        children.reverse()
        stack.extend(children)
