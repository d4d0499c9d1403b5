"""Config fuzz: every broken ``[tool.mldebt]`` is exit 2 and one line, never a crash.

The cases ``tests/test_config.py`` already covers (a misspelt key, ``select`` as a
string, an unknown option, ...) are not repeated. Here: malformed TOML in its many
shapes, a wrong type for every key and every rule option, unknown rule codes in
every place that takes them, globs git cannot compile, conflicting
``select``/``ignore`` (README: ``ignore`` removes from the selection; a command
line ``--select`` starts afresh), and empty or non-table tables. Then hypothesis
writes random TOML values for every key and random byte-level damage to a valid
file: whatever it writes, the exit code is 0, 1 or 2, and 2 means exactly one
``mldebt: error:`` line -- never a traceback nor an internal error.

CI runs 60 derandomized examples per property; ``MLDEBT_FUZZ_EXAMPLES=2000``
(or ``python benchmarks/fuzz_long.py --config``) runs a longer, random sample.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from mldebt.cli import main
from mldebt.engine.categories import categories
from mldebt.engine.config import _KEYS
from mldebt.engine.registry import all_rules

from .conftest import CliResult

Run = Callable[..., CliResult]
Project = Callable[..., Path]

# One file that makes every option-reading rule run, so lazily compiled patterns
# and globs are exercised too.
TRAIN = """\
import random
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/raw/train.csv")
df.to_csv("data/raw/train.csv")
features = ["b", "a"]
X = df[list({"a", "b"})]
model = RandomForestClassifier(n_estimators=100)
X_train, X_test = train_test_split(X, test_size=0.2)
x = np.random.rand(3)
random.shuffle(features)
path = "/home/alice/data.csv"
"""
LIBRARY = "import random\n\ndef pick(rows):\n    return random.choice(rows)\n"

# Hypothesis keeps its caches and failure patches here, not in the work tree.
set_hypothesis_home_dir(
    os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY")
    or os.path.join(tempfile.gettempdir(), "mldebt-hypothesis")
)
FUZZ = settings(
    max_examples=int(os.environ.get("MLDEBT_FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize="MLDEBT_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def write_project(root: Path, pyproject: str | bytes) -> None:
    (root / "train.py").write_text(TRAIN, encoding="utf-8")
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_lib.py").write_text(LIBRARY, encoding="utf-8")
    data = pyproject.encode() if isinstance(pyproject, str) else pyproject
    (root / "pyproject.toml").write_bytes(data)


def run_main(*args: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def assert_well_behaved(result: CliResult) -> None:
    """Exit 0/1/2; 2 is exactly one error line; never a traceback."""
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err, result.err
    assert result.code in (0, 1, 2)
    if result.code == 2:
        assert result.err.count("\n") == 1, result.err
        assert result.err.startswith("mldebt: error: ") and result.err.endswith("\n")
    else:
        for line in result.err.splitlines():
            assert line.startswith("mldebt: warning: "), line


def assert_config_error(result: CliResult, *fragments: str) -> None:
    assert_well_behaved(result)
    assert result.code == 2, result.out + result.err
    assert result.err.startswith("mldebt: error: pyproject.toml: "), result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


def finding_codes(result: CliResult) -> list[str]:
    return sorted(finding["code"] for finding in json.loads(result.out))


# What a valid config should report, given what the defaults report on TRAIN.
Expected = Callable[[list[str]], list[str]]


def defaults(codes: list[str]) -> list[str]:
    return codes


def nothing(codes: list[str]) -> list[str]:
    return []


def without_mld101(codes: list[str]) -> list[str]:
    return [code for code in codes if code != "MLD101"]


def only_mld101(codes: list[str]) -> list[str]:
    return [code for code in codes if code == "MLD101"]


def only_mld1(codes: list[str]) -> list[str]:
    return [code for code in codes if code.startswith("MLD1")]


def default_codes(run_cli: Run, root: Path) -> list[str]:
    write_project(root, "")
    result = run_cli("check", "--no-cache", "--output-format", "json", "train.py")
    codes = finding_codes(result)
    assert {"MLD101", "MLD104", "MLD201"} <= set(codes)
    return codes


# ---- malformed TOML -------------------------------------------------------------

MALFORMED: dict[str, bytes] = {
    "unterminated string": b'[tool.mldebt]\nselect = ["MLD1]\n',
    "unterminated table header": b"[tool.mldebt\nselect = []\n",
    "duplicate key": b'[tool.mldebt]\nselect = ["MLD1"]\nselect = ["MLD2"]\n',
    "duplicate table": b"[tool.mldebt]\n[tool.mldebt]\n",
    "bad escape": b'[tool.mldebt]\nselect = ["\\q"]\n',
    "key without value": b"[tool.mldebt]\nselect =\n",
    "bare key with a space": b"[tool.mldebt]\nsel ect = []\n",
    "trailing garbage": b"[tool.mldebt]\nselect = [] x\n",
    "byte order mark": b"\xef\xbb\xbf[tool.mldebt]\nselect = []\n",
    "not utf-8": b'[tool.mldebt]\nselect = ["MLD1"]\n# caf\xe9\n',
    "nul byte": b"[tool.mldebt]\nselect = []\x00\n",
    "only a bracket": b"[",
    "binary noise": bytes(range(256)),
    "table redefined as value": b"[tool]\nmldebt = 1\n[tool.mldebt]\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_toml_is_one_line_and_exit_two(
    run_cli: Run, project: Project, name: str
) -> None:
    root = project()
    write_project(root, MALFORMED[name])
    result = run_cli("check", "--no-cache")
    assert_config_error(result, "pyproject.toml")
    assert result.out == ""


# ---- wrong types, unknown codes, bad patterns -------------------------------------

WRONG_VALUES: dict[str, list[str]] = {
    "select": ["3", "true", "{}", "[1]", '[["MLD101"]]', '[{a = "MLD101"}]'],
    "extend-select": ["3", '"MLD101"', "[1.5]"],
    "ignore": ["3", '"MLD101"', "[true]", "1979-05-27"],
    "per-file-ignores": ["3", '"x"', "[]", '{"x" = "MLD101"}', '{"x" = [1]}'],
    "extend-per-file-ignores": ["[]", '{"x" = 3}', '{"x" = {y = 1}}'],
    "exclude": ["3", '"build"', "[1]", "{}"],
    "extend-exclude": ['"build"', "[[]]"],
    "respect-gitignore": ['"yes"', "0", "[]", "{}"],
    "raw-data-dirs": ['"data/raw"', "[1]", "false"],
    "rules": ["3", '"MLD101"', "[]", "{MLD101 = 3}", '{MLD101 = "on"}'],
}
TYPE_CASES = [
    (key, value) for key, values in sorted(WRONG_VALUES.items()) for value in values
]


def test_every_key_has_wrong_type_cases() -> None:
    assert set(WRONG_VALUES) == set(_KEYS)


@pytest.mark.parametrize("key, value", TYPE_CASES)
def test_wrong_type_names_the_key(
    run_cli: Run, project: Project, key: str, value: str
) -> None:
    root = project()
    write_project(root, f"[tool.mldebt]\n{key} = {value}\n")
    result = run_cli("check", "--no-cache")
    assert_config_error(result, f"'{key}")
    assert "must be" in result.err


def _wrong_option_values(kind: Any) -> list[Any]:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    candidates: list[Any] = [1.5, True, "text", ["a", 1], {"a": 1}, 7]
    wrong = []
    for value in candidates:
        if isinstance(value, bool):
            ok = bool in kinds
        elif isinstance(value, list):
            ok = list in kinds and all(isinstance(item, str) for item in value)
        else:
            ok = isinstance(value, kinds) and not isinstance(value, bool)
        if not ok:
            wrong.append(value)
    return wrong


OPTION_CASES = [
    (rule.code, option.name, value)
    for rule in all_rules()
    for option in rule.options
    for value in _wrong_option_values(option.type)
]


@pytest.mark.parametrize("code, option, value", OPTION_CASES)
def test_wrong_option_type_names_rule_and_option(
    run_cli: Run, project: Project, code: str, option: str, value: Any
) -> None:
    root = project()
    document = {"tool": {"mldebt": {"rules": {code: {option: value}}}}}
    write_project(root, tomlkit.dumps(document))
    result = run_cli("check", "--no-cache")
    assert_config_error(result, f"'rules.{code}.{option}' must be")


UNKNOWN_SELECTORS = [
    ('[tool.mldebt]\nextend-select = ["MLD999"]\n', "'extend-select'"),
    ('[tool.mldebt]\nignore = ["MLD999"]\n', "'ignore'"),
    ('[tool.mldebt]\nignore = ["unseeded-randomnes"]\n', "unseeded-randomness"),
    ('[tool.mldebt]\nselect = ["MLD101", "E501"]\n', "'E501'"),
    ('[tool.mldebt]\nselect = [""]\n', "''"),
    ('[tool.mldebt.extend-per-file-ignores]\n"tests/**" = ["MLD9"]\n', "'MLD9'"),
    ('[tool.mldebt.per-file-ignores]\n"*.py" = ["ALL", "nope"]\n', "'nope'"),
    ("[tool.mldebt.rules.no-such-rule]\nseed = 1\n", "'rules.no-such-rule'"),
    ("[tool.mldebt.rules.mld101x]\nseed = 1\n", "'rules.mld101x'"),
    ("[tool.mldebt.rules.MLD001]\nseed = 1\n", "this rule has no options"),
    ("[tool.mldebt.rules.MLD101]\nseeds = 1\n", "'rules.MLD101.seeds'"),
]


@pytest.mark.parametrize("table, fragment", UNKNOWN_SELECTORS)
def test_unknown_rule_codes_everywhere(
    run_cli: Run, project: Project, table: str, fragment: str
) -> None:
    root = project()
    write_project(root, table)
    assert_config_error(run_cli("check", "--no-cache"), fragment)


# Values of the right type that cannot be used (globs git cannot compile, names
# that would break the one-line message): the error must come from the config,
# naming the key, before any file is linted -- not from a rule mid-run.
BAD_PATTERNS = [
    ('[tool.mldebt]\nexclude = ["[z-a]"]\n', "'exclude'"),
    ('[tool.mldebt]\nextend-exclude = ["!"]\n', "'extend-exclude'"),
    ('[tool.mldebt]\nextend-exclude = ["\\\\"]\n', "'extend-exclude'"),
    ('[tool.mldebt.per-file-ignores]\n"[z-a]" = ["MLD101"]\n', "per-file-ignores"),
    ('[tool.mldebt.extend-per-file-ignores]\n"!" = ["MLD101"]\n', "per-file-ignores"),
    ('[tool.mldebt]\nraw-data-dirs = ["!"]\n', "'raw-data-dirs'"),
    ('[tool.mldebt]\nraw-data-dirs = ["[z-a]"]\n', "'raw-data-dirs'"),
    ('[tool.mldebt]\n"select\\nx" = []\n', "unknown key"),
    ('[tool.mldebt]\nselect = ["MLD1\\n01"]\n', "unknown rule selector"),
    ('[tool.mldebt.rules.MLD101]\n"seed\\nx" = 1\n', "unknown option"),
]


@pytest.mark.parametrize("table, fragment", BAD_PATTERNS)
def test_unusable_values_are_config_errors(
    run_cli: Run, project: Project, table: str, fragment: str
) -> None:
    root = project()
    write_project(root, table)
    result = run_cli("check", "--no-cache")
    assert_config_error(result, fragment)
    assert result.out == ""


@pytest.mark.parametrize("seed", ["²", "٣", "1_000", "0x10", "-", "--1"])
def test_a_seed_option_that_is_not_code_is_refused_or_never_offered(
    run_cli: Run, project: Project, seed: str
) -> None:
    """``seed`` is an integer or a name; a string of other digits must not turn
    into a fix that cannot parse (which --fix would drop with a warning)."""
    root = project()
    document = {"tool": {"mldebt": {"rules": {"MLD101": {"seed": seed}}}}}
    write_project(root, tomlkit.dumps(document))
    result = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes")
    assert_well_behaved(result)
    assert "does not parse" not in result.err


# ---- valid, if unusual ------------------------------------------------------------

VALID: list[tuple[str, Expected]] = [
    ("[tool.mldebt]\n", defaults),
    ("[tool.mldebt.rules]\n", defaults),
    ("[tool.mldebt.rules.MLD101]\n", defaults),
    ("[tool.mldebt.per-file-ignores]\n", defaults),
    ("[tool.mldebt.extend-per-file-ignores]\n", defaults),
    ("[tool.mldebt]\nselect = []\n", nothing),
    ("[tool.mldebt]\nextend-select = []\nignore = []\n", defaults),
    ("tool = 3\n", defaults),
    ('[project]\nname = "x"\n', defaults),
    ('[tool.mldebt]\nselect = ["mld101", "unseeded-global-rng"]\n', only_mld101),
    ('[tool.mldebt]\nexclude = []\nextend-exclude = ["", "#x"]\n', defaults),
    ('[tool.mldebt]\nselect = ["MLD101"]\nignore = ["MLD101"]\n', nothing),
    ('[tool.mldebt]\nselect = ["MLD101"]\nignore = ["unseeded-randomness"]\n', nothing),
    ('[tool.mldebt]\nselect = ["MLD1"]\nignore = ["ALL"]\n', nothing),
    ('[tool.mldebt]\nextend-select = ["MLD107"]\nignore = ["MLD107"]\n', defaults),
    ('[tool.mldebt]\nselect = ["MLD101", "MLD101", "MLD1"]\n', only_mld1),
]


@pytest.mark.parametrize("table, expected", VALID)
def test_valid_unusual_configs(
    run_cli: Run, project: Project, table: str, expected: Expected
) -> None:
    root = project()
    codes = expected(default_codes(run_cli, root))
    write_project(root, table)
    result = run_cli("check", "--no-cache", "--output-format", "json", "train.py")
    assert_well_behaved(result)
    assert result.code == (1 if codes else 0), result.err
    assert finding_codes(result) == codes


NON_TABLES = ["tool.mldebt = 3", 'tool.mldebt = "x"', "tool.mldebt = []"]
NON_TABLES += ["[[tool.mldebt]]", "tool.mldebt = 1979-05-27"]


@pytest.mark.parametrize("table", NON_TABLES)
def test_mldebt_table_that_is_not_a_table(
    run_cli: Run, project: Project, table: str
) -> None:
    root = project()
    write_project(root, table + "\n")
    assert_config_error(run_cli("check", "--no-cache"), "[tool.mldebt] must be a table")


@pytest.mark.parametrize(
    "table, flags, expected",
    [
        # README: `ignore` removes from the selection, whatever selected it
        ('select = ["MLD101"]\nignore = ["MLD101"]', [], nothing),
        ('select = ["MLD101"]\nignore = ["MLD1"]', [], nothing),
        # a command-line --select starts afresh: the file's ignore no longer applies
        ('ignore = ["MLD101"]', ["--select", "MLD101"], only_mld101),
        # --extend-select on the command line comes after the file's ignore
        ('ignore = ["MLD101"]', ["--extend-select", "MLD101"], defaults),
        # and --ignore on the command line comes last of all
        ('select = ["MLD101"]', ["--select", "MLD101", "--ignore", "MLD101"], nothing),
        ("", ["--extend-select", "MLD101", "--ignore", "MLD101"], without_mld101),
    ],
)
def test_select_ignore_precedence(
    run_cli: Run, project: Project, table: str, flags: list[str], expected: Expected
) -> None:
    root = project()
    codes = expected(default_codes(run_cli, root))
    write_project(root, f"[tool.mldebt]\n{table}\n")
    result = run_cli(
        "check", "--no-cache", "--output-format", "json", *flags, "train.py"
    )
    assert_well_behaved(result)
    assert finding_codes(result) == codes


def test_explicit_config_file_is_validated_the_same_way(
    run_cli: Run, project: Project
) -> None:
    root = project()
    write_project(root, "")
    (root / "ci.toml").write_bytes(b'select = ["MLD1"]\n# caf\xe9\n')
    result = run_cli("check", "--no-cache", "--config", "ci.toml")
    assert_well_behaved(result)
    assert result.code == 2 and result.err.startswith("mldebt: error: ci.toml: ")
    (root / "ci.toml").write_text("respect-gitignore = 2\n")
    result = run_cli("check", "--no-cache", "--config", "ci.toml")
    assert (
        result.err == "mldebt: error: ci.toml: 'respect-gitignore' must be a boolean\n"
    )


# ---- hypothesis: random values for every key --------------------------------------

RULES = all_rules()
SELECTORS = ["ALL", "MLD", "MLD1", "MLD10", "mld101", "E501", "", " ", "*"]
SELECTORS += [
    *categories(),
    *(rule.code for rule in RULES),
    *(rule.name for rule in RULES),
]
GLOBS = ["tests/**", "*.py", "**", "!", "\\", "[z-a]", "[!", "a/**b", "/", "#", " "]
REGEXES = ["(", "(?P<", "[", "*", "x{2,1}", "(?i)^x$", ".*"]
OPTION_NAMES = sorted({option.name for rule in RULES for option in rule.options})

interesting_text = st.one_of(
    st.sampled_from([*SELECTORS, *GLOBS, *REGEXES, *OPTION_NAMES]), st.text(max_size=12)
)
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    interesting_text,
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(interesting_text, inner, max_size=3),
    ),
    max_leaves=8,
)
string_lists = st.lists(interesting_text, max_size=4)
rule_keys = st.one_of(
    st.sampled_from([rule.code for rule in RULES] + [rule.name for rule in RULES]),
    interesting_text,
)
rule_tables = st.dictionaries(
    rule_keys,
    st.one_of(
        st.dictionaries(
            st.one_of(st.sampled_from(OPTION_NAMES), interesting_text),
            st.one_of(values, string_lists),
            max_size=3,
        ),
        values,
    ),
    max_size=3,
)
key_values = st.fixed_dictionaries(
    {},
    optional={
        key: (
            rule_tables
            if key == "rules"
            else st.one_of(
                string_lists,
                st.dictionaries(interesting_text, string_lists, max_size=3),
                values,
            )
        )
        for key in _KEYS
    },
)
tables = st.one_of(
    key_values,
    st.dictionaries(
        st.one_of(st.sampled_from(sorted(_KEYS)), interesting_text), values
    ),
)


# Well-typed tables get past type checking, so the values themselves are used:
# globs compiled, selectors resolved, regexes compiled by the rules.
def _typed(kind: Any) -> st.SearchStrategy[Any]:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    choices: list[st.SearchStrategy[Any]] = []
    if list in kinds:
        choices.append(st.lists(interesting_text, max_size=3))
    if bool in kinds:
        choices.append(st.booleans())
    if int in kinds:
        choices.append(st.integers(min_value=-(2**63), max_value=2**63 - 1))
    if str in kinds:
        choices.append(interesting_text)
    return st.one_of(*choices)


valid_selectors = st.lists(
    st.sampled_from([s for s in SELECTORS if s not in ("", " ", "*", "E501")]),
    max_size=3,
)
globs = st.one_of(st.sampled_from(GLOBS), st.text(max_size=8))
glob_lists = st.lists(globs, max_size=3)
option_tables = st.lists(
    st.one_of(
        *(
            st.tuples(
                st.sampled_from([rule.code, rule.name]),
                st.fixed_dictionaries(
                    {},
                    optional={
                        option.name: _typed(option.type) for option in rule.options
                    },
                ),
            )
            for rule in RULES
            if rule.options
        )
    ),
    max_size=3,
).map(dict)
well_typed_tables = st.fixed_dictionaries(
    {},
    optional={
        "select": valid_selectors,
        "extend-select": valid_selectors,
        "ignore": valid_selectors,
        "per-file-ignores": st.dictionaries(globs, valid_selectors, max_size=3),
        "extend-per-file-ignores": st.dictionaries(globs, valid_selectors, max_size=3),
        "exclude": glob_lists,
        "extend-exclude": glob_lists,
        "respect-gitignore": st.booleans(),
        "raw-data-dirs": glob_lists,
        "rules": option_tables,
    },
)


@FUZZ
@given(table=well_typed_tables)
def test_random_well_typed_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: dict[str, Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_project(tmp_path, tomlkit.dumps({"tool": {"mldebt": table}}))
    assert_well_behaved(run_main("check", "--no-cache", "--fix", "--unsafe-fixes"))


@FUZZ
@given(table=tables)
def test_random_values_for_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: dict[str, Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        text = tomlkit.dumps({"tool": {"mldebt": table}})
    except Exception:  # tomlkit cannot write every value; nothing to test then
        return
    write_project(tmp_path, text)
    assert_well_behaved(run_main("check", "--no-cache"))


VALID_PYPROJECT = """\
[project]
name = "demo"

[tool.mldebt]
select = ["ALL"]
ignore = ["MLD107", "hardcoded-config"]
extend-exclude = ["notebooks/scratch", "legacy_*.py"]
raw-data-dirs = ["data/raw"]
respect-gitignore = true

[tool.mldebt.extend-per-file-ignores]
"tests/**" = ["unseeded-randomness"]

[tool.mldebt.rules.MLD101]
seed-functions = ["myproject.utils.seed_all"]
entrypoints = ["train*.py", "run_*.py"]
seed = 42
"""

damage = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(VALID_PYPROJECT)),
        st.sampled_from(["insert", "delete", "replace"]),
        st.one_of(
            st.sampled_from(list(b"[]{}\"=,.\n#\\\x00\xe9\xff '")),
            st.integers(0, 255),
        ),
    ),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(edits=damage)
def test_damaged_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edits: list[tuple[int, str, int]]
) -> None:
    monkeypatch.chdir(tmp_path)
    data = bytearray(VALID_PYPROJECT.encode())
    for position, kind, byte in edits:
        position = min(position, len(data))
        if kind == "insert":
            data[position:position] = bytes([byte])
        elif kind == "delete":
            del data[position : position + 1]
        else:
            data[position : position + 1] = bytes([byte])
    write_project(tmp_path, bytes(data))
    assert_well_behaved(run_main("check", "--no-cache"))
