"""Run a rule's own examples: what the test suite and ``mldebt``'s docs rely on."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

from mldebt.engine.config import Settings
from mldebt.engine.findings import Finding
from mldebt.engine.linter import Linter
from mldebt.engine.notebook_io import looks_like_notebook, notebook_from_script
from mldebt.engine.registry import all_rules
from mldebt.engine.results import FileResult
from mldebt.engine.rule import Invalid, Rule, Valid


def example_source(code: str) -> str:
    """An example's code as a file: dedented, without the surrounding blank lines."""
    return textwrap.dedent(code).strip("\n") + "\n"


@dataclass(frozen=True)
class ExampleCase:
    """One example of one rule, with a readable test id (``MLD101-invalid-2``)."""

    rule: type[Rule]
    example: Valid | Invalid
    id: str


def example_cases() -> Iterator[ExampleCase]:
    """Every example of every rule, valid ones first."""
    for rule in all_rules():
        for index, valid in enumerate(rule.valid, 1):
            yield ExampleCase(rule, valid, f"{rule.code}-valid-{index}")
        for index, invalid in enumerate(rule.invalid, 1):
            yield ExampleCase(rule, invalid, f"{rule.code}-invalid-{index}")


def _linter(rule: type[Rule], example: Valid | Invalid) -> Linter:
    options = example.options if isinstance(example, Invalid) else {}
    selected = tuple(sorted({rule.code, "MLD001"}))
    return Linter(
        Settings(
            root=".",
            config_path=None,
            selected=selected,
            rule_options={rule.code: dict(options)},
        ),
        project=False,  # an example is a file on its own, outside any project
    )


def run_example(case: ExampleCase) -> tuple[list[Finding], str | None]:
    """The rule's findings on the example, and the file after all fixes (or None)."""
    example = case.example
    linter = _linter(case.rule, example)
    source = example_source(example.code)
    if looks_like_notebook(source):
        # A notebook example: JSON, or code cells marked `# In[7]:` (the execution
        # count) as nbconvert writes them. Positions are within the cell.
        assert not (isinstance(example, Invalid) and example.fixed), case.id
        if not source.lstrip().startswith("{"):
            source = notebook_from_script(source)
        return linter.notebooks.check("example.ipynb", source.encode()).findings, None
    findings, _ = linter.lint_text("example.py", source)
    fixed = None
    if isinstance(example, Invalid) and example.fixed is not None:
        fixed, _ = linter.fix_text(
            "example.py", source, "unsafe", FileResult("example.py")
        )
    return findings, fixed


def check_example(case: ExampleCase) -> None:
    """Assert that the example behaves as it says (raises AssertionError if not)."""
    findings, fixed = run_example(case)
    rule, example = case.rule, case.example
    if rule.code != "MLD001":
        syntax = [f for f in findings if f.code == "MLD001"]
        assert not syntax, f"{case.id}: the example does not parse: {syntax[0].message}"
    own = [finding for finding in findings if finding.code == rule.code]
    rendered = "\n".join(f"  {f.line}:{f.column} {f.message}" for f in own)
    if isinstance(example, Valid):
        assert not own, f"{case.id}: must not be flagged, got:\n{rendered}"
        return
    assert (
        len(own) == example.count
    ), f"{case.id}: expected {example.count} finding(s), got {len(own)}:\n{rendered}"
    if example.line is not None:
        assert (
            own[0].line == example.line
        ), f"{case.id}: line {own[0].line} != {example.line}"
    if example.column is not None:
        assert (
            own[0].column == example.column
        ), f"{case.id}: column {own[0].column} != {example.column}"
    if example.fixed is not None:
        assert fixed == example_source(
            example.fixed
        ), f"{case.id}: fixed code differs:\n{fixed}"
