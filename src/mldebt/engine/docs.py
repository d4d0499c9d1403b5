"""Rule documentation as markdown, from the rule's docstring, options and examples."""

from __future__ import annotations

import inspect
import json
import textwrap
from typing import TYPE_CHECKING

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
    if rule.options:
        rows = [
            "## Options",
            "",
            "| option | type | default | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for option in rule.options:
            rows.append(
                f"| `{option.name}` | {option.type_name} | "
                f"`{toml_value(option.default)}` | {option.doc} |"
            )
        rows.append("")
        rows.append(
            f"Set them in `pyproject.toml` under `[tool.mldebt.rules.{rule.code}]` "
            f"(or `[tool.mldebt.rules.{rule.name}]`)."
        )
        parts.append("\n".join(rows))
    elif "## Options" not in body:
        parts.append("## Options\n\nNone.")
    if rule.invalid:
        flagged = [_code_block(example.code) for example in rule.invalid[:MAX_EXAMPLES]]
        parts.append("## Flagged\n\n" + "\n\n".join(flagged))
    if rule.valid:
        clean = [_code_block(example.code) for example in rule.valid[:MAX_EXAMPLES]]
        parts.append("## Not flagged\n\n" + "\n\n".join(clean))
    return "\n\n".join(parts) + "\n"
