"""The ``mldebt`` command as users run it: output formats, exit codes, fixes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mldebt import __version__

from .conftest import SHUFFLED, UNSEEDED, CliResult

Run = Callable[..., CliResult]
Project = Callable[..., Path]


def test_version(run_cli: Run) -> None:
    result = run_cli("--version")
    assert result.code == 0 and result.out.strip() == f"mldebt {__version__}"


def test_text_output_and_exit_code_one(run_cli: Run, project: Project) -> None:
    project(train_py=UNSEEDED)
    result = run_cli("check", ".")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == (
        "train.py:2:5: MLD101 `numpy.random.rand` draws from numpy's global RNG, "
        "which this program never seeds; draw from a seeded "
        "`np.random.default_rng(seed)` instead"
    )
    assert lines[1:] == ["Found 1 finding."]
    project(train_py=SHUFFLED)
    lines = run_cli("check", ".").out.splitlines()
    assert lines[1:] == [
        "Found 1 finding.",
        "1 hidden fix can be enabled with the `--unsafe-fixes` option.",
    ]
    lines = run_cli("check", ".", "--unsafe-fixes").out.splitlines()
    assert lines[0].startswith("train.py:2:1: MLD101 [*] `random.shuffle`")
    assert lines[1:] == ["Found 1 finding.", "[*] 1 fixable with the `--fix` option."]


def test_clean_project_exits_zero(run_cli: Run, project: Project) -> None:
    project(train_py="import numpy as np\nrng = np.random.default_rng(0)\n")
    result = run_cli("check")
    assert result.code == 0 and result.out == "All checks passed!\n"


def test_an_internal_error_is_never_all_checks_passed(
    run_cli: Run, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> None:
        raise RuntimeError("a rule's bug")

    # The rules run inside walk(): a crash there is a rule raising.
    monkeypatch.setattr("mldebt.engine.linter.walk", crash)
    project(train_py=UNSEEDED, clean_py="x = 1\n")
    result = run_cli("check", ".")
    assert result.code == 2
    assert "All checks passed!" not in result.out
    assert result.out == "No findings, but 1 error occurred.\n"
    assert "train.py: internal error: RuntimeError: a rule's bug" in result.err


def test_missing_path_is_one_line_and_exit_two(run_cli: Run, project: Project) -> None:
    project()
    result = run_cli("check", "nope.py")
    assert result.code == 2
    assert result.err == "mldebt: error: nope.py: no such file or directory\n"
    assert "Traceback" not in result.out + result.err


def test_json_output_has_every_field(run_cli: Run, project: Project) -> None:
    project(train_py=SHUFFLED)
    result = run_cli("check", "--output-format", "json")
    [finding] = json.loads(result.out)
    assert finding == {
        "path": "train.py",
        "line": 2,
        "column": 1,
        "end_line": 2,
        "end_column": 21,
        "code": "MLD101",
        "name": "unseeded-global-rng",
        "category": "unseeded-randomness",
        "message": "`random.shuffle` draws from the `random` module's global RNG, "
        "which this program never seeds; call `random.seed(seed)` at start-up, or "
        "draw from `random.Random(seed)`",
        "fix": {
            "applicability": "unsafe",
            "message": "Seed the `random` module's global RNG with `random.seed(0)`",
            "edits": [
                {
                    "content": "random.seed(0)\n",
                    "location": {"line": 2, "column": 1},
                    "end_location": {"line": 2, "column": 1},
                }
            ],
        },
    }
    assert result.code == 1


def test_github_annotations(run_cli: Run, project: Project) -> None:
    project(train_py=UNSEEDED)
    result = run_cli("check", "--output-format", "github")
    assert result.out.startswith(
        "::error title=mldebt (MLD101),file=train.py,line=2,col=5,endLine=2,endColumn=22::"
        "MLD101 `numpy.random.rand`"
    )


def test_text_output_escapes_control_characters_in_file_names(
    run_cli: Run, project: Project
) -> None:
    # An escape sequence in a file name must not reach the terminal as one.
    root = project()
    (root / "a\x1bb.py").write_text(UNSEEDED, encoding="utf-8")
    result = run_cli("check", ".")
    assert result.code == 1
    assert result.out.startswith("a\\x1bb.py:2:5: MLD101 `numpy.random.rand`")
    assert "\x1b" not in result.out + result.err


def test_statistics(run_cli: Run, project: Project) -> None:
    project(a_py=SHUFFLED, b_py=SHUFFLED + "random.seed()\n")
    result = run_cli("check", "--statistics", "--unsafe-fixes")
    assert result.out.splitlines() == [
        "2\tMLD101\t[*] unseeded-global-rng",
        "1\tMLD103\t    nondeterministic-seed",
    ]


def test_exit_zero_keeps_findings_visible(run_cli: Run, project: Project) -> None:
    project(train_py=UNSEEDED)
    result = run_cli("check", "--exit-zero")
    assert result.code == 0 and "MLD101" in result.out


@pytest.mark.parametrize(
    "flags, expected",
    [
        (["--select", "MLD103"], ["MLD103"]),
        (["--select", "MLD102"], []),
        (["--select", "MLD1"], ["MLD101", "MLD103"]),
        (["--select", "unseeded-randomness", "--ignore", "MLD101"], ["MLD103"]),
        (["--ignore", "unseeded-global-rng"], ["MLD103"]),
        (["--select", "MLD102", "--extend-select", "MLD103"], ["MLD103"]),
    ],
)
def test_selection_flags(
    run_cli: Run, project: Project, flags: list[str], expected: list[str]
) -> None:
    project(train_py=UNSEEDED + "import random\nrandom.seed()\n")
    result = run_cli("check", "--output-format", "json", *flags)
    assert [finding["code"] for finding in json.loads(result.out)] == expected


def test_unknown_selector_suggests_a_close_one(run_cli: Run, project: Project) -> None:
    project(train_py=UNSEEDED)
    result = run_cli("check", "--select", "MLD1O1")
    assert result.code == 2
    assert result.err == (
        "mldebt: error: --select: unknown rule selector 'MLD1O1' (did you mean 'MLD101'?)\n"
    )


def test_fix_without_unsafe_changes_nothing(run_cli: Run, project: Project) -> None:
    root = project(train_py=SHUFFLED)
    result = run_cli("check", "--fix")
    assert result.code == 1
    assert (root / "train.py").read_text() == SHUFFLED


def test_unsafe_fix_writes_and_exits_zero(run_cli: Run, project: Project) -> None:
    root = project(train_py=SHUFFLED)
    result = run_cli("check", "--fix", "--unsafe-fixes")
    assert result.code == 0, result.out
    assert "1 fixed, 0 remaining" in result.out
    assert (root / "train.py").read_text() == (
        "import random\nrandom.seed(0)\nrandom.shuffle(rows)\n"
    )


def test_unsafe_fix_leaves_unfixable_findings_and_exits_one(
    run_cli: Run, project: Project
) -> None:
    root = project(train_py=SHUFFLED + UNSEEDED)
    result = run_cli("check", "--fix", "--unsafe-fixes")
    assert result.code == 1
    assert "1 fixed, 1 remaining" in result.out
    assert "random.seed(0)" in (root / "train.py").read_text()


def test_fix_command_is_check_fix(run_cli: Run, project: Project) -> None:
    root = project(train_py=SHUFFLED)
    assert run_cli("fix", "--unsafe-fixes").code == 0
    assert "random.seed(0)" in (root / "train.py").read_text()


def test_diff_prints_and_does_not_write(run_cli: Run, project: Project) -> None:
    root = project(train_py=SHUFFLED)
    result = run_cli("check", "--diff", "--unsafe-fixes")
    assert result.code == 1
    assert result.out.startswith("--- train.py\n+++ train.py\n")
    assert "+random.seed(0)\n" in result.out
    assert result.err == "Would fix 1 finding in 1 file.\n"
    json_diff = run_cli("check", "--diff", "--unsafe-fixes", "--output-format", "json")
    assert json_diff.out == result.out  # the diff alone, whatever the format
    nothing = run_cli("check", "--diff")  # no safe fix: nothing to show
    assert (nothing.code, nothing.out, nothing.err) == (0, "", "No fixes available.\n")
    assert (root / "train.py").read_text() == SHUFFLED


def test_syntax_error_is_reported_and_other_files_still_linted(
    run_cli: Run, project: Project
) -> None:
    project(a_py="import random\ndef f(:\n", b_py=UNSEEDED)
    result = run_cli("check")
    assert result.code == 1
    assert result.out.splitlines()[:2] == [
        "a.py:2:7: MLD001 SyntaxError: invalid syntax",
        "b.py:2:5: MLD101 `numpy.random.rand` draws from numpy's global RNG, "
        "which this program never seeds; draw from a seeded "
        "`np.random.default_rng(seed)` instead",
    ]


def test_rules_lists_every_rule(run_cli: Run) -> None:
    result = run_cli("rules")
    assert result.code == 0
    assert result.out.splitlines()[0].split() == [
        "code",
        "name",
        "category",
        "fix",
        "default",
    ]
    assert any(
        line.startswith("MLD101") and "unsafe" in line
        for line in result.out.splitlines()
    )
    data = json.loads(run_cli("rules", "--output-format", "json").out)
    assert {rule["code"] for rule in data} >= {"MLD001", "MLD101", "MLD102", "MLD103"}
    assert {rule["code"]: rule["default"] for rule in data}["MLD107"] is False


def test_rule_prints_markdown_docs(run_cli: Run) -> None:
    result = run_cli("rule", "MLD101")
    assert result.code == 0
    for heading in (
        "# unseeded-global-rng (MLD101)",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Options",
        "## Flagged",
        "## Not flagged",
    ):
        assert heading in result.out
    assert run_cli("rule", "unseeded-global-rng").out == result.out


def test_rule_unknown_code(run_cli: Run) -> None:
    result = run_cli("rule", "MLD10")
    assert result.code == 2 and result.err.startswith("mldebt: error:")
    result = run_cli("rule", "unseeded-global-rgn")
    assert "did you mean 'unseeded-global-rng'" in result.err


def test_bad_flag_is_a_usage_error(run_cli: Run) -> None:
    assert run_cli("check", "--no-such-flag").code == 2
    assert run_cli().code == 2


def test_docs_rules_md_is_generated_from_the_rules(run_cli: Run) -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
    expected = run_cli("rule", "--all").out
    assert (
        docs.read_text(encoding="utf-8") == expected
    ), "docs/rules.md is stale: run `mldebt rule --all > docs/rules.md`"


def test_readme_rule_table_is_generated_from_the_rules(run_cli: Run) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    start = readme.index("<!-- rules table:")
    table = readme[readme.index("\n", start) + 1 : readme.index("<!-- end of rules")]
    expected = run_cli("rules", "--output-format", "markdown").out
    assert table == expected, (
        "README.md's rule table is stale: paste `mldebt rules --output-format "
        "markdown` between its rules-table comments"
    )
    # every link in it lands on a heading of docs/rules.md
    docs = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(
        "utf-8"
    )
    headings = {
        line[2:].lower().replace(" ", "-").replace("(", "").replace(")", "")
        for line in docs.splitlines()
        if line.startswith("# ")
    }
    for anchor in re.findall(r"docs/rules\.md#([a-z0-9-]+)", table):
        assert anchor in headings, anchor


def test_statistics_as_json(run_cli: Run, project: Project) -> None:
    project(a_py=SHUFFLED, b_py=SHUFFLED + "random.seed()\n")
    result = run_cli("check", "--statistics", "--output-format", "json")
    assert json.loads(result.out) == [
        {"code": "MLD101", "name": "unseeded-global-rng", "count": 2, "fixable": 0},
        {"code": "MLD103", "name": "nondeterministic-seed", "count": 1, "fixable": 0},
    ]


def test_bad_output_format_in_environment(
    run_cli: Run, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project(train_py=SHUFFLED)
    monkeypatch.setenv("MLDEBT_OUTPUT_FORMAT", "github")
    assert run_cli("check").out.startswith("::error ")
    monkeypatch.setenv("MLDEBT_OUTPUT_FORMAT", "xml")
    result = run_cli("check")
    assert result.code == 2
    assert result.err == (
        "mldebt: error: MLDEBT_OUTPUT_FORMAT: 'xml' is not one of text, json, github\n"
    )


def test_no_python_files_is_a_warning(run_cli: Run, project: Project) -> None:
    project(notes_txt="hello\n")
    result = run_cli("check")
    assert result.code == 0
    assert result.err == "mldebt: warning: no Python files found under .\n"


def test_rule_by_category_prints_the_family_page(run_cli: Run) -> None:
    result = run_cli("rule", "syntax")
    assert result.code == 0 and result.out.startswith("# syntax: ")
    assert "- `MLD001` syntax-error" in result.out
    family = run_cli("rule", "unseeded-randomness").out
    assert "## Family options" in family and "`seed-functions`" in family
    assert "[tool.mldebt.unseeded-randomness]" in family
    assert "- `MLD107` numpy-legacy-random (off by default)" in family
    # a rule's page points at its family's options instead of repeating them
    rule = run_cli("rule", "MLD102").out
    assert "`[tool.mldebt.unseeded-randomness]`: `seed-functions`" in rule
    several = run_cli("rule", "MLD1")
    assert (
        several.code == 2
        and "names several rules (MLD101, MLD102, MLD103, MLD104" in several.err
    )


def test_opt_in_rules_need_their_code(run_cli: Run, project: Project) -> None:
    project(train_py="import numpy as np\nnp.random.seed(1)\nx = np.random.rand()\n")
    assert run_cli("check", "--select", "MLD1").code == 0
    result = run_cli(
        "check", "--select", "MLD1", "--extend-select", "numpy-legacy-random"
    )
    assert result.code == 1 and result.out.count("MLD107") == 2
    assert run_cli("check", "--select", "ALL").out.count("MLD107") == 2
