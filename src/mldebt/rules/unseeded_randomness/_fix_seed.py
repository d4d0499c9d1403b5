"""Where the randomness rules' fixes put a seed, and which seed they reuse.

A fix a maintainer accepts seeds where the program starts (its ``__main__`` block,
not an import-time side effect) and with the seed the program already has: a
``random_state`` parameter, ``self.seed``, ``args.seed``, the value another
generator is seeded with; ``0`` only when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

from mldebt.engine.helpers import argument, calls_in, is_none, string_value
from mldebt.engine.names import Binding, NameTracker
from mldebt.rules.unseeded_randomness._seeding import SeedTracker, is_main_guard
from mldebt.rules.unseeded_randomness.api import SEEDERS

# Names a seed goes by inside a function, in the order a fix prefers them.
SEED_NAMES = ("random_state", "seed", "SEED", "rng_seed")
# Attributes a class's ``__init__`` stores its seed in (sklearn's convention first).
SEED_ATTRIBUTES = ("random_state", "seed")


# ---- the statements of a program ---------------------------------------------------


def is_import_statement(statement: cst.CSTNode) -> bool:
    """An import line, or a ``try:`` block that only imports (``except
    ImportError:`` fallbacks): what a module-level seed must come after."""
    if isinstance(statement, cst.SimpleStatementLine):
        return all(
            isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
        )
    if isinstance(statement, cst.Try) and isinstance(statement.body, cst.IndentedBlock):
        return all(is_import_statement(inner) for inner in statement.body.body)
    return False


def import_nodes(statement: cst.CSTNode) -> Iterable[cst.CSTNode]:
    """The ``import`` nodes of an import statement (see ``is_import_statement``)."""
    if isinstance(statement, cst.SimpleStatementLine):
        yield from statement.body
    elif isinstance(statement, cst.Try) and isinstance(
        statement.body, cst.IndentedBlock
    ):
        for inner in statement.body.body:
            yield from import_nodes(inner)


def main_block(module: cst.Module) -> cst.If | None:
    """The module's first ``if __name__ == "__main__":`` with an indented body."""
    for statement in module.body:
        if (
            isinstance(statement, cst.If)
            and is_main_guard(statement)
            and isinstance(statement.body, cst.IndentedBlock)
        ):
            return statement
    return None


def block_indent(module: cst.Module, block: cst.IndentedBlock) -> str:
    """The indentation of a module-level block's statements."""
    return module.default_indent if block.indent is None else block.indent


def ends_module(module: cst.Module, node: cst.CSTNode) -> bool:
    """Whether ``node`` is the module's last statement (at any depth): what a
    file without a final newline ends with."""
    current: cst.CSTNode | None = module.body[-1] if module.body else None
    if module.footer:
        return False
    while current is not None and current is not node:
        if isinstance(current, cst.IndentedBlock):
            current = current.body[-1] if current.body and not current.footer else None
        elif isinstance(current, cst.SimpleStatementLine):
            return False
        else:
            blocks = [child for child in current.children if isinstance(child, _BLOCKS)]
            current = blocks[-1] if blocks else None
    return current is node


_BLOCKS = (
    cst.IndentedBlock,
    cst.Else,
    cst.If,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
)


def contains_any(node: cst.CSTNode, calls: Sequence[cst.Call]) -> bool:
    """Whether one of ``calls`` is inside ``node``."""
    wanted = {id(call) for call in calls}
    return any(id(call) in wanted for call in calls_in(node))


def functions_containing(
    body: Sequence[cst.CSTNode], calls: Sequence[cst.Call]
) -> frozenset[str]:
    """The names of the module-level functions one of ``calls`` is in."""
    return frozenset(
        statement.name.value
        for statement in body
        if isinstance(statement, cst.FunctionDef) and contains_any(statement, calls)
    )


def may_draw(
    statement: cst.CSTNode, draws: Sequence[cst.Call], functions: frozenset[str]
) -> bool:
    """Whether running ``statement`` may make one of ``draws``: it holds one, or
    calls one of ``functions`` (those of the file that hold one)."""
    if contains_any(statement, draws):
        return True
    return any(
        isinstance(call.func, cst.Name) and call.func.value in functions
        for call in calls_in(statement)
    )


# ---- MLD101: a seed the program already has ----------------------------------------


def argparse_seed_attribute(module: cst.Module, text: str) -> str | None:
    """``seed`` when the file declares ``add_argument("--seed", ...)`` (or the
    ``dest=`` it gives), else None."""
    if "add_argument" not in text:
        return None
    for call in calls_in(module):
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value != "add_argument":
            continue
        flags = [string_value(arg.value) for arg in call.args if arg.keyword is None]
        if "--seed" not in flags:
            continue
        dest = argument(call, "dest")
        if dest is None:
            return "seed"
        name = string_value(dest.value)
        return name if name is not None and name.isidentifier() else None
    return None


def parse_args_target(statement: cst.CSTNode) -> str | None:
    """``args`` for the line ``args = parser.parse_args(...)``, else None."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    assign = statement.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    target, value = assign.targets[0].target, assign.value
    if not isinstance(target, cst.Name) or not isinstance(value, cst.Call):
        return None
    func = value.func
    if isinstance(func, cst.Attribute) and func.attr.value == "parse_args":
        return target.value
    return None


def reusable_expression(expr: cst.BaseExpression) -> bool:
    """A seed expression another seeder may be given too: a number, a name, an
    attribute or item of one (``SEED_VAL``, ``args.seed``, ``cfg["seed"]``).
    Calls are left out (they may differ on a second call), strings too (torch
    and numpy take integers)."""
    if isinstance(expr, cst.Integer):
        return True
    if isinstance(expr, cst.Name):
        return expr.value not in ("None", "True", "False")
    if isinstance(expr, cst.Attribute):
        return reusable_expression(expr.value)
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        return (
            isinstance(index, cst.Index)
            and isinstance(index.value, (cst.SimpleString, cst.Integer))
            and reusable_expression(expr.value)
        )
    return False


def existing_seed(
    statement: cst.CSTNode, names: NameTracker, tracker: SeedTracker, family: str
) -> str | None:
    """The seed expression of ``statement`` when it is one call that seeds
    another generator than ``family`` deterministically
    (``np.random.seed(args.seed)`` -> ``args.seed``)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    expr = statement.body[0]
    if not isinstance(expr, cst.Expr) or not isinstance(expr.value, cst.Call):
        return None
    call = expr.value
    seeder = SEEDERS.get(names.qualified_name(call.func) or "")
    if seeder is None or family in seeder.families:
        return None
    arg = argument(call, seeder.keyword, seeder.position)
    if arg is None or arg.star or not reusable_expression(arg.value):
        return None
    if not tracker.is_real_seed(call, seeder):
        return None
    return cst.Module(body=()).code_for_node(arg.value)


# ---- MLD104, MLD105: a seed in scope at a call -------------------------------------


def seed_in_scope(
    names: NameTracker, tracker: SeedTracker, for_generator: bool
) -> str | None:
    """A seed bound where the walk is, inside a function: the enclosing function's
    ``random_state`` parameter, else ``self.random_state``/``self.seed`` in a
    method of a class whose ``__init__`` sets it, else a parameter or local named
    like a seed (``SEED_NAMES``). ``for_generator``: the value goes to
    ``manual_seed``, so a name that defaults to None does not do."""
    functions = [scope for scope in names.stack if scope.kind == "function"]
    if not functions:
        return None
    own = functions[-1].names.get("random_state")
    if own is not None and own.kind == "param" and _usable(own, for_generator):
        return "random_state"
    attribute = _self_seed(names, for_generator)
    if attribute is not None:
        return attribute
    for name in SEED_NAMES:
        for scope in reversed(functions):
            binding = scope.names.get(name)
            if binding is None:
                continue
            if binding.kind == "param" and _usable(binding, for_generator):
                return name
            if binding.kind == "assign" and _deterministic(name, names, tracker):
                return name
            break  # the innermost binding of the name is the one in scope
    return None


def _usable(param: Binding, for_generator: bool) -> bool:
    node = param.node
    default = node.default if isinstance(node, cst.Param) else None
    return not (for_generator and default is not None and is_none(default))


def _deterministic(name: str, names: NameTracker, tracker: SeedTracker) -> bool:
    binding = names.lookup(name)
    value = binding.value if binding is not None else None
    if value is not None and is_none(value):
        return False
    return tracker.entropy_source(cst.Name(name)) is None


def _self_seed(names: NameTracker, for_generator: bool) -> str | None:
    """``self.random_state`` (or ``self.seed``) in a method whose class's
    ``__init__`` assigns it."""
    stack = names.stack
    index = max(i for i, scope in enumerate(stack) if scope.kind == "function")
    method = stack[index].node
    if index == 0 or stack[index - 1].kind != "class":
        return None
    klass = stack[index - 1].node
    if not isinstance(method, cst.FunctionDef) or not isinstance(klass, cst.ClassDef):
        return None
    if method.name.value == "__init__" or not method.params.params:
        return None
    if any(
        isinstance(d.decorator, cst.Name)
        and d.decorator.value in ("staticmethod", "classmethod")
        for d in method.decorators
    ):
        return None
    receiver = method.params.params[0].name.value
    init = next(
        (
            statement
            for statement in klass.body.body
            if isinstance(statement, cst.FunctionDef)
            and statement.name.value == "__init__"
        ),
        None,
    )
    if init is None or not init.params.params:
        return None
    for attribute in SEED_ATTRIBUTES:
        if _init_assigns(init, attribute, for_generator):
            return f"{receiver}.{attribute}"
    return None


def _init_assigns(init: cst.FunctionDef, attribute: str, for_generator: bool) -> bool:
    """Whether ``__init__`` sets ``self.<attribute>`` (to something that is not
    None, or a parameter without a None default, when ``for_generator``)."""
    self_name = init.params.params[0].name.value
    defaults = {
        param.name.value: param.default
        for param in (*init.params.params, *init.params.kwonly_params)
    }
    for statement in init.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Assign):
                continue
            for target in small.targets:
                node = target.target
                if not (
                    isinstance(node, cst.Attribute)
                    and isinstance(node.value, cst.Name)
                    and node.value.value == self_name
                    and node.attr.value == attribute
                ):
                    continue
                if not for_generator:
                    return True
                value = small.value
                if is_none(value):
                    return False
                if isinstance(value, cst.Name) and value.value in defaults:
                    default = defaults[value.value]
                    return default is None or not is_none(default)
                return True
    return False
