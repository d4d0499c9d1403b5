"""Fuzzing the fixer: generated programs never crash it, and its fixes are clean.

Programs are built from hypothesmith's random (syntactically valid) code mixed
with ML snippets that trigger every rule with a fix (MLD101 seeds, MLD104
``random_state=``, MLD105 ``generator=``, MLD304 constants, MLD403 ``sorted``),
placed at module level or nested in functions, classes, loops and ``if`` blocks,
with random expressions in their argument slots, LF or CRLF line endings, and
spaces or tabs. For each program, through the CLI:

- ``check`` exits 0 or 1 (never 2), and every range lies inside the file;
- ``check --fix --unsafe-fixes`` exits 0 or 1, warns about no fix, and writes code
  that parses, with the same comments and the same line endings;
- a second ``--fix --unsafe-fixes`` changes nothing (fixing is idempotent);
- an AST comparison of before and after finds only the intended changes: seed
  calls and ``UPPER_CASE = literal`` constants inserted, ``random_state``/``seed``/
  ``generator`` keywords added, literals replaced by the constants that hold
  them, and ``list(...)`` made ``sorted(...)`` (or an expression wrapped in it).

CI runs a small, derandomized sample (stable from run to run). The longer run::

    MLDEBT_FUZZ_EXAMPLES=2000 python -m pytest -q tests/test_fuzz.py
    python benchmarks/fuzz_long.py --examples 2000     # the same, timed

With ``MLDEBT_FUZZ_EXAMPLES`` set the examples are random (not derandomized): a
failure prints the program that caused it.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import tempfile
import tokenize
from pathlib import Path
from typing import Any

from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps its caches and failure patches here, not in the work tree
# (set before hypothesmith's import fills the first cache).
set_hypothesis_home_dir(
    os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")
    or os.path.join(tempfile.gettempdir(), "mldebt-hypothesis")
)

# isort: split
import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from mldebt.cli import main
from mldebt.engine.config import Settings
from mldebt.engine.linter import Linter
from mldebt.engine.results import FileResult
from mldebt.engine.rule import Fix, Rule

from .conftest import CliResult, run_mldebt_child
from .source_ranges import decode_source, range_problems

# hypothesmith compiles what it generates: `0()` and friends warn, harmlessly
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
EXAMPLES = int(os.environ.get("MLDEBT_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="MLDEBT_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# ---- what the fixes may change ---------------------------------------------------

SEED_METHODS = frozenset({"seed", "manual_seed", "set_seed"})
ADDED_KEYWORDS = frozenset({"random_state", "seed", "generator"})
CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")

Change = tuple[str, str, str]  # ("insert" | "use", constant name, ast.dump(literal))


def is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return is_literal(node.operand)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(is_literal(element) for element in node.elts)
    return False


def inserted_statement(node: ast.stmt) -> list[Change] | None:
    """The changes an inserted statement stands for, or None if no fix inserts it."""
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        if (
            isinstance(call.func, ast.Attribute)
            and call.func.attr in SEED_METHODS
            and len(call.args) == 1
            and not call.keywords
        ):
            return []
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and CONSTANT_NAME.fullmatch(node.targets[0].id)
        and is_literal(node.value)
    ):
        return [("insert", node.targets[0].id, ast.dump(node.value))]
    return None


def match(before: Any, after: Any) -> list[Change] | None:
    """The intended changes that turn ``before`` into ``after``; None if anything
    else changed."""
    if isinstance(after, ast.Call) and _is_sorted_wrap(after, before):
        wrapped = match(before, after.args[0])
        if wrapped is not None:
            return wrapped
    if type(before) is not type(after):
        if (
            isinstance(before, ast.expr)
            and is_literal(before)
            and isinstance(after, ast.Name)
            and CONSTANT_NAME.fullmatch(after.id)
        ):
            return [("use", after.id, ast.dump(before))]
        return None
    if isinstance(before, ast.AST):
        changes: list[Change] = []
        for name in before._fields:
            if name == "ctx":
                continue
            old: Any = getattr(before, name, None)
            new: Any = getattr(after, name, None)
            if isinstance(before, ast.Call) and name == "keywords":
                found = _match_keywords(old, new)
            elif isinstance(before, ast.Call) and name == "func":
                found = _match_func(old, new)
            elif isinstance(old, list) and all(isinstance(s, ast.stmt) for s in old):
                found = _match_statements(old, new)
            else:
                found = match(old, new)
            if found is None:
                return None
            changes += found
        return changes
    if isinstance(before, list):
        if len(before) != len(after):
            return None
        changes = []
        for old_item, new_item in zip(before, after):
            found = match(old_item, new_item)
            if found is None:
                return None
            changes += found
        return changes
    return [] if before == after else None


def _is_sorted_wrap(after: ast.Call, before: Any) -> bool:
    return (
        isinstance(after.func, ast.Name)
        and after.func.id == "sorted"
        and len(after.args) == 1
        and not after.keywords
        and not (
            isinstance(before, ast.Call)
            and isinstance(before.func, ast.Name)
            and before.func.id == "sorted"
        )
    )


def _match_func(before: ast.expr, after: ast.expr) -> list[Change] | None:
    if (
        isinstance(before, ast.Name)
        and isinstance(after, ast.Name)
        and (before.id, after.id) == ("list", "sorted")
    ):
        return []
    return match(before, after)


def _match_keywords(
    before: list[ast.keyword], after: list[ast.keyword]
) -> list[Change] | None:
    present = {keyword.arg for keyword in before}
    added = [k for k in after if k.arg in ADDED_KEYWORDS and k.arg not in present]
    if len({keyword.arg for keyword in added}) != len(added):
        return None
    return match(before, [keyword for keyword in after if keyword not in added])


def _match_statements(
    before: list[ast.stmt], after: list[ast.stmt]
) -> list[Change] | None:
    changes: list[Change] = []
    position = 0
    for statement in after:
        if position < len(before):
            found = match(before[position], statement)
            if found is not None:
                changes += found
                position += 1
                continue
        inserted = inserted_statement(statement)
        if inserted is None:
            return None
        changes += inserted
    return changes if position == len(before) else None


def unintended_changes(before: str, after: str) -> str | None:
    """Why the fixed program differs from the original beyond the fixes' intent."""
    changes = match(ast.parse(before), ast.parse(after))
    if changes is None:
        return "a node changed that no fix changes"
    inserted = {(name, dump) for kind, name, dump in changes if kind == "insert"}
    for kind, name, dump in changes:
        if kind == "use" and (name, dump) not in inserted:
            return f"a literal became {name}, which holds another value"
    if len({name for name, _ in inserted}) != len(inserted):
        return "one constant name inserted twice with different values"
    return None


def comments(text: str) -> list[str] | None:
    """The comments in ``text``, or None where the stdlib tokenizer and the parser
    disagree (a backslash before a blank line, say)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    return [token.string for token in tokens if token.type == tokenize.COMMENT]


def line_endings(raw: bytes) -> set[bytes]:
    return set(re.findall(rb"\r\n|\r|\n", raw))


# ---- the generated programs --------------------------------------------------------

IMPORTS = [
    "import random",
    "import numpy as np",
    "import torch",
    "import tensorflow as tf",
    "import pandas as pd",
    "from sklearn.model_selection import KFold, train_test_split",
    "from sklearn.ensemble import RandomForestClassifier",
    "from torch.utils.data import DataLoader",
]
SNIPPETS = [
    "random.shuffle({e})",
    "{v} = random.random()",
    "{v} = torch.rand({e})",
    "{v} = tf.random.normal([3])",
    "{v}, _ = train_test_split({e}, test_size=0.2)",
    "{v}, _ = train_test_split(\n    {e},\n    test_size=0.25,\n)",
    "{v}, _ = train_test_split(\n    {e},  # features\n    {e},\n)",
    "{v} = RandomForestClassifier(n_estimators=100, max_depth={e})",
    "{v} = RandomForestClassifier(\n    n_estimators=200,  # trees\n    max_depth=7,\n)",
    "{v} = RandomForestClassifier(n_estimators=300, **{e})",
    "{v} = DataLoader({e}, batch_size=32, shuffle=True)",
    "{v} = torch.optim.AdamW({e}, lr=3e-4, betas=(0.9, 0.98))",
    "for epoch in range(40):\n    {v} = {e}",
    "{v} = {e}[list({{'a', 'b'}})]",
    "{v} = KFold(n_splits=5, shuffle=True)",
    "{v} = np.random.rand(3)",
    "{v} = RandomForestClassifier(random_state={e})",
    "random.seed({e})",
]
NAMES = ["x", "model", "X_train", "data", "loader", "np", "random", "SEED", "self.m"]
CONTEXTS = [
    ("", ""),
    ("def main():\n", "    "),
    ("def fit(model, rows=None):\n    '''Train.'''\n", "    "),
    ('if __name__ == "__main__":\n', "    "),
    ("class Trainer:\n    def fit(self):\n", "        "),
    ("for step in range(3):\n", "    "),
    ("with open('log.txt') as log:\n", "    "),
    ("try:\n", "    "),
]

atoms = st.sampled_from(
    ["X", "y", "rows", "data", "ds", "self.x", "1", "0.5", "'s'", "None", "...", "3j"]
)
expressions = st.recursive(
    atoms,
    lambda inner: st.one_of(
        st.builds("{}[{}]".format, inner, inner),
        st.builds("{}.attr".format, inner),
        st.builds("f({}, k={})".format, inner, inner),
        st.builds("({}, {})".format, inner, inner),
        st.builds("[{}, {}]".format, inner, inner),
        st.builds("{{{}: {}}}".format, inner, inner),
        st.builds("{} + {}".format, inner, inner),
        st.builds("-{}".format, inner),
        st.builds("(lambda q: {})".format, inner),
        st.builds("[q for q in {}]".format, inner),
        st.builds("({} if {} else {})".format, inner, inner, inner),
        st.builds("(\n    {}  # note\n)".format, inner),
    ),
    max_leaves=6,
)
chunks = st.one_of(
    st.just(""),
    hypothesmith.from_grammar(auto_target=False),
    hypothesmith.from_node(auto_target=False),
).filter(lambda code: "__future__" not in code)


def _indented(code: str, indent: str) -> str:
    return "".join(
        indent + line if line.strip() else line
        for line in code.splitlines(keepends=True)
    )


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


@st.composite
def ml_programs(draw: st.DrawFn) -> tuple[str, str]:
    """A program as text (``\\n`` line endings) and the line ending to write."""
    imports = draw(st.lists(st.sampled_from(IMPORTS), min_size=1, unique=True))
    header = draw(st.sampled_from(["", '"""Train."""\n', "#!/usr/bin/env python\n"]))
    indent_unit = draw(st.sampled_from(["    ", "\t"]))
    blocks = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        opening, indent = draw(st.sampled_from(CONTEXTS))
        lines = []
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            template = draw(st.sampled_from(SNIPPETS))
            snippet = template.format(
                v=draw(st.sampled_from(NAMES)),
                e=draw(expressions) if "{e}" in template else "",
            )
            lines.append(_indented(snippet + "\n", indent))
        blocks.append((opening, indent, lines))
    chunk = draw(chunks)  # one piece of hypothesmith code, somewhere
    if chunk and _parses(chunk):
        opening, indent, lines = draw(st.sampled_from(blocks))
        lines.insert(draw(st.integers(0, len(lines))), _indented(chunk, indent))
    body = [header + "\n".join(imports) + "\n"]
    for opening, _, lines in blocks:
        block = opening + "".join(lines)
        if opening.startswith("try"):
            block += "except Exception:\n    pass\n"
        block = block.replace("    ", indent_unit)
        if _parses(block):
            body.append(block)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return "\n".join(body), newline


# ---- running the CLI ---------------------------------------------------------------


def run_main(*args: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def assert_fixed_cleanly(path: Path, raw: bytes) -> bool:
    """The properties every program must have (see the module docstring); return
    whether a fix changed the file."""
    decoded = decode_source(raw)
    assert decoded is not None
    before = decoded[0]
    checked = run_main(
        "check", "--no-cache", "--unsafe-fixes", "--output-format", "json", str(path)
    )
    assert checked.code in (0, 1) and checked.err == "", checked.err
    lines = re.split(r"\r\n|\r|\n", before)
    for finding in json.loads(checked.out):
        assert range_problems(finding, lines) == [], finding
        if finding["code"] != "MLD001":
            start = _offset(before, finding["line"], finding["column"])
            end = _offset(before, finding["end_line"], finding["end_column"])
            spanned = before[start:end]
            assert spanned and spanned == spanned.strip(), (finding, spanned)

    fixed = run_main("check", "--no-cache", "--fix", "--unsafe-fixes", str(path))
    assert fixed.code in (0, 1), fixed.err
    assert fixed.err == "", fixed.err
    after_raw = path.read_bytes()
    after_decoded = decode_source(after_raw)
    assert after_decoded is not None
    after = after_decoded[0]
    if not _parses(before):
        assert after_raw == raw, "a file that does not parse was changed"
        return False
    assert _parses(after), after
    assert line_endings(after_raw) <= line_endings(raw) or not line_endings(raw)
    old_comments, new_comments = comments(before), comments(after)
    if old_comments is not None and new_comments is not None:
        assert new_comments == old_comments
    problem = unintended_changes(before, after)
    assert problem is None, f"{problem}\n--- after ---\n{after}"

    again = run_main("check", "--no-cache", "--fix", "--unsafe-fixes", str(path))
    assert again.code in (0, 1) and again.err == "", again.err
    assert path.read_bytes() == after_raw, "a second --fix changed the file again"
    return after_raw != raw


def _offset(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts[line - 1] + column - 1


@FUZZ
@given(program=ml_programs())
def test_generated_ml_programs_fix_cleanly(
    tmp_path: Path, program: tuple[str, str]
) -> None:
    text, newline = program
    note(text)
    path = tmp_path / "train.py"
    raw = text.replace("\n", newline).encode("utf-8")
    path.write_bytes(raw)
    event("fixed" if assert_fixed_cleanly(path, raw) else "nothing to fix")


@FUZZ
@given(code=hypothesmith.from_grammar())
def test_hypothesmith_programs_never_crash(tmp_path: Path, code: str) -> None:
    """Plain hypothesmith output, behind an import that lets every rule run."""
    text = "import random, numpy as np, torch\n" + code
    note(text)
    path = tmp_path / "train.py"
    path.write_bytes(text.encode("utf-8"))
    event("fixed" if assert_fixed_cleanly(path, text.encode()) else "nothing to fix")


# The shapes libcst's native parser crashes or stalls on (tests/test_hostile_input.py
# has the minimal ones), grown to random sizes around mldebt's depth limit and put
# inside generated programs: mldebt must lint or skip them, never die.
HOSTILE_SHAPES = {
    "and": lambda n: "x = " + " and ".join(["a"] * n) + "\n",
    "or": lambda n: "x = " + " or ".join(["a"] * n) + "\n",
    "plus": lambda n: "x = (a" + "\n + a" * n + ")\n",
    "import": lambda n: "import " + ".".join(["a"] * n) + "\n",
    "strings": lambda n: "x = (" + " ".join(['"a"'] * n) + ")\n",
}


@settings(FUZZ, max_examples=min(EXAMPLES, 12))
@given(
    code=hypothesmith.from_grammar(),
    shape=st.sampled_from(sorted(HOSTILE_SHAPES)),
    size=st.sampled_from([200, 2_100, 4_500, 7_600]),
    before=st.booleans(),
)
def test_hostile_shapes_in_generated_programs_never_kill_the_run(
    tmp_path: Path, code: str, shape: str, size: int, before: bool
) -> None:
    """In a child process: a crash of libcst's parser would take pytest down."""
    hostile = HOSTILE_SHAPES[shape](size)
    text = "import random\n" + (hostile + code if before else code + "\n" + hostile)
    note(f"{shape} x {size}")
    (tmp_path / "gen.py").write_text(text, encoding="utf-8")
    (tmp_path / "ok.py").write_text("import random\nx = random.random()\n")
    completed = run_mldebt_child(tmp_path, "--no-cache", "gen.py", "ok.py", timeout=300)
    assert completed.returncode in (0, 1), completed.stderr
    assert (
        "Traceback" not in completed.stderr and "internal error" not in completed.stderr
    )
    assert "ok.py:2:" in completed.stdout  # the other file was linted
    event(f"{shape}: {'skipped' if 'not linted' in completed.stderr else 'linted'}")


# ---- the comparator itself, and what the fuzzing found -----------------------------


@pytest.mark.parametrize(
    "before, after, intended",
    [
        ("f(a)\n", "f(a, random_state=0)\n", True),
        ("f(a, random_state=1)\n", "f(a, random_state=0)\n", False),
        ("import random\nx()\n", "import random\nrandom.seed(0)\nx()\n", True),
        ("m(n=100)\n", "N = 100\nm(n=N)\n", True),
        ("m(n=100)\n", "N = 10\nm(n=N)\n", False),
        ("m(n=100)\n", "m(n=N)\n", False),
        ("df[list(s)]\n", "df[sorted(s)]\n", True),
        ("df[s]\n", "df[sorted(s)]\n", True),
        ("f(a)\n", "f(b)\n", False),
        ("f(a)\ng()\n", "f(a)\n", False),
        ("f(a)\n", "f(a)\nprint(1)\n", False),
    ],
)
def test_the_ast_comparison(before: str, after: str, intended: bool) -> None:
    assert (unintended_changes(before, after) is None) is intended


def test_adding_a_keyword_keeps_each_comment_once(tmp_path: Path) -> None:
    """Found by the fuzzer: the new ``random_state=`` copied the comment of the
    argument before the last one."""
    raw = (
        b"from sklearn.model_selection import train_test_split\n"
        b"parts = train_test_split(\n"
        b"    X,  # features\n"
        b"    y,\n"
        b")\n"
    )
    path = tmp_path / "train.py"
    path.write_bytes(raw)
    assert_fixed_cleanly(path, raw)
    assert path.read_bytes().count(b"# features") == 1


def test_adding_a_keyword_after_a_commented_last_argument_keeps_the_layout(
    tmp_path: Path,
) -> None:
    raw = (
        b"from sklearn.model_selection import train_test_split\n"
        b"parts = train_test_split(\n"
        b"    X,  # features\n"
        b"    y  # labels\n"
        b")\n"
    )
    path = tmp_path / "train.py"
    path.write_bytes(raw)
    assert_fixed_cleanly(path, raw)
    lines = path.read_text().splitlines()
    assert lines[0:3] == raw.decode().splitlines()[0:3]
    assert [line for line in lines if "random_state=0" in line][0].startswith("    ")


class _NeverParses(Rule):
    """A fix whose result never parses: dropped, and said so once."""

    code = "MLD990"
    name = "never-parses"
    category = "unseeded-randomness"
    message = "broken"
    triggers = ("broken",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "broken":
            self.report(node, fix=Fix.replace(node, "broken(", message="break"))


class _OnePerPass(Rule):
    """A fix that asks for another pass every time: the fix loop runs them all."""

    code = "MLD989"
    name = "one-per-pass"
    category = "unseeded-randomness"
    message = "again"
    triggers = ("grow",)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if not self.reports:
            lines = len(self.ctx.module.body)
            fix = Fix.insert_after(node, f"grow({lines})\n", message="grow")
            self.report(node, fix=fix)


def test_a_dropped_fix_is_reported_once_not_once_per_pass() -> None:
    """Found by the config fuzz (a ``seed`` option the fix could not use): the
    warning came back in every pass of the fix loop."""
    rules: list[type[Rule]] = [_NeverParses, _OnePerPass]
    settings = Settings(root=".", config_path=None, selected=("MLD989", "MLD990"))
    result = FileResult("t.py")
    Linter(settings, rules).fix_text("t.py", "x = broken()\ngrow()\n", "safe", result)
    assert result.fixed > 1, "the fix loop ran several passes"
    assert len([w for w in result.warnings if "MLD990" in w]) == 1, result.warnings
