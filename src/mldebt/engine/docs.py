"""Rule documentation as markdown, from the rule's docstring, options and examples."""

from __future__ import annotations

import inspect
import json
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mldebt.engine.categories import Category, family_options
from mldebt.engine.options import Option

if TYPE_CHECKING:
    from mldebt.engine.rule import Rule

MAX_EXAMPLES = 3


def toml_value(value: object) -> str:
    """``value`` written as TOML (for option defaults users copy into pyproject)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def _code_block(code: str) -> str:
    return "```python\n" + textwrap.dedent(code).strip("\n") + "\n```"


def _option_rows(options: Sequence[Option]) -> list[str]:
    rows = ["| option | type | default | meaning |", "| --- | --- | --- | --- |"]
    for option in options:
        rows.append(
            f"| `{option.name}` | {option.type_name} | "
            f"`{toml_value(option.default)}` | {option.doc} |"
        )
    return rows


def _options_section(rule: type[Rule], family: Sequence[Option]) -> str:
    """The rule's own options, then a pointer to the ones its family reads."""
    rows = ["## Options"]
    if rule.options:
        rows += ["", *_option_rows(rule.options), ""]
        rows.append(
            f"Set them in `pyproject.toml` under `[tool.mldebt.rules.{rule.code}]` "
            f"(or `[tool.mldebt.rules.{rule.name}]`)."
        )
    if family:
        names = ", ".join(f"`{option.name}`" for option in family)
        rows += [
            "",
            f"{'Also' if rule.options else 'The'} options of the whole "
            f"`{rule.category}` family, set once under "
            f"`[tool.mldebt.{rule.category}]`: {names} (`mldebt rule "
            f"{rule.category}` describes them; a rule's own table overrides them "
            "for that rule).",
        ]
    return "\n".join(rows)


def render_category(category: Category, rules: Sequence[type[Rule]]) -> str:
    """Markdown for ``mldebt rule <category>``: what the family is about, its
    rules, and the options all of them read."""
    description = category.description
    summary, _, body = description.partition("\n\n")
    parts = [
        f"# {category.slug}: {category.title}",
        " ".join(summary.split()),
    ]
    if body.strip():
        parts.append(body.strip())
    listed = "\n".join(
        f"- `{rule.code}` {rule.name}"
        + ("" if rule.default_enabled else " (off by default)")
        for rule in rules
    )
    parts.append("## Rules\n\n" + listed)
    if category.options:
        rows = ["## Family options", "", *_option_rows(category.options), ""]
        rows.append(
            f"Set them once in `pyproject.toml` under `[tool.mldebt.{category.slug}]`;"
            " every rule of the family reads them. A rule's own table "
            f"(`[tool.mldebt.rules.<CODE>]`) overrides them for that rule."
        )
        parts.append("\n".join(rows))
    return "\n\n".join(parts) + "\n"


def rules_table(rules: Sequence[type[Rule]]) -> str:
    """The README's table of every rule (``mldebt rules --output-format markdown``),
    each rule linked to its page in docs/rules.md."""
    rows = [
        "| code | name | category | fix | default |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        anchor = f"{rule.name}-{rule.code}".lower()
        summary = rule.summary().rstrip(".").replace("|", "\\|")
        rows.append(
            f"| {rule.code} | [{rule.name}](docs/rules.md#{anchor}): {summary} | "
            f"`{rule.category}` | {rule.fix_safety or 'no'} | "
            f"{'on' if rule.default_enabled else 'off'} |"
        )
    return "\n".join(rows) + "\n"


def render_rule(rule: type[Rule]) -> str:
    """Markdown for ``mldebt rule CODE`` and docs/rules: the docstring's sections,
    the options table, and the rule's own test examples."""
    doc = inspect.cleandoc(rule.__doc__ or "")
    summary, _, body = doc.partition("\n")
    fix = {
        "safe": "safe fix available (`--fix`)",
        "unsafe": "unsafe fix available (`--fix --unsafe-fixes`)",
    }.get(rule.fix_safety or "", "no fix")
    default = "on by default" if rule.default_enabled else "off by default"
    parts = [
        f"# {rule.name} ({rule.code})",
        f"Category: `{rule.category}` · {default} · {fix}",
        summary.strip(),
    ]
    if body.strip():
        parts.append(body.strip())
    family = family_options(rule.category)
    if rule.options or family:
        parts.append(_options_section(rule, family))
    elif "## Options" not in body:
        parts.append("## Options\n\nNone.")
    if rule.invalid:
        flagged = [_code_block(example.code) for example in rule.invalid[:MAX_EXAMPLES]]
        parts.append("## Flagged\n\n" + "\n\n".join(flagged))
    if rule.valid:
        clean = [_code_block(example.code) for example in rule.valid[:MAX_EXAMPLES]]
        parts.append("## Not flagged\n\n" + "\n\n".join(clean))
    return "\n\n".join(parts) + "\n"
