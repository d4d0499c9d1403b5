"""``mldebt check --show-settings``: the resolved settings, each with its source.

The output reads like the TOML a user would write, every value followed by a
comment that says where it came from: the default, the config file's key, or a
command-line flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mldebt.engine.catalog import rule_catalog
from mldebt.engine.categories import categories
from mldebt.engine.config import (
    DEFAULT_EXCLUDE,
    DEFAULT_PER_FILE_IGNORES,
    OLD_FAMILY_KEYS,
    Settings,
)
from mldebt.engine.docs import toml_value

_OLD_SPELLINGS = {family_key: key for key, family_key in OLD_FAMILY_KEYS.items()}


def _line(key: str, value: object, source: str, indent: str = "") -> str:
    return f"{indent}{key} = {toml_value(value)}  # {source}"


def _selection_source(settings: Settings, config: str) -> str:
    cli = settings.cli
    parts = []
    if cli is not None and cli.select is not None:
        parts.append("--select")
    else:
        keys = [k for k in ("select", "extend-select", "ignore") if k in settings.table]
        parts.append(f"{config}: {', '.join(keys)}" if keys else "defaults")
    if cli is not None and cli.extend_select:
        parts.append("--extend-select")
    if cli is not None and cli.ignore:
        parts.append("--ignore")
    return " + ".join(parts)


def _key_source(table: Mapping[str, Any], key: str, config: str) -> str:
    return f"{config}: {key}" if key in table else "default"


def render_settings(settings: Settings, path: str) -> str:
    """The settings that apply to ``path``, as commented TOML."""
    config = settings.config_path or "no config file"
    table = settings.table
    lines = [
        f"# Resolved settings for {path}",
        f"# config: {config}",
        f"# root: {settings.root}",
        "[tool.mldebt]",
        _line("select", sorted(settings.selected), _selection_source(settings, config)),
    ]
    exclude = list(settings.exclude)
    default_exclude = exclude == list(DEFAULT_EXCLUDE)
    lines.append(
        _line(
            "exclude", exclude, "default" if default_exclude else f"{config}: exclude"
        )
    )
    lines.append(
        _line(
            "extend-exclude",
            list(settings.extend_exclude),
            _key_source(table, "extend-exclude", config),
        )
    )
    lines.append(
        _line(
            "respect-gitignore",
            settings.respect_gitignore,
            _key_source(table, "respect-gitignore", config),
        )
    )
    cache = "off (--no-cache)" if not settings.cache else "on"
    lines.append(f"# the cache in {settings.root}/.mldebt_cache: {cache}")
    lines.append("")
    lines.append("[tool.mldebt.per-file-ignores]  # with extend-per-file-ignores")
    own = "per-file-ignores" in table
    for glob, codes in settings.per_file_ignores:
        if not own and glob in DEFAULT_PER_FILE_IGNORES:
            source = "default"
        elif glob in table.get("per-file-ignores", {}):
            source = f"{config}: per-file-ignores"
        else:
            source = f"{config}: extend-per-file-ignores"
        lines.append(_line(f'"{glob}"', sorted(codes), source))
    for slug, category in categories().items():
        if not category.options:
            continue
        lines.append("")
        lines.append(f"[tool.mldebt.{slug}]")
        configured = settings.family_options.get(slug, {})
        for option in category.options:
            value = settings.family_value(slug, option.name)
            old = _OLD_SPELLINGS.get((slug, option.name))
            if option.name in table.get(slug, {}):
                source = f"{config}: {slug}.{option.name}"
            elif old is not None and old in table:
                source = f"{config}: {old} (older spelling)"
            else:
                source = "default" if option.name not in configured else config
            lines.append(_line(option.name, value, source))
    selected = set(settings.selected)
    for rule in rule_catalog():
        if (
            rule.code not in selected
            or not rule.options
            and (rule.code not in settings.rule_options)
        ):
            continue
        lines.append("")
        lines.append(f"[tool.mldebt.rules.{rule.code}]  # {rule.name}")
        values = settings.options_for(rule)
        own_options = settings.rule_options.get(rule.code, {})
        rule_keys = [
            key
            for key in table.get("rules", {})
            if key in (rule.code, rule.name) or key.upper() == rule.code
        ]
        shown = [option.name for option in rule.options]
        shown += [name for name in own_options if name not in shown]
        for name in shown:
            source = (
                f"{config}: rules.{rule_keys[0]}.{name}"
                if name in own_options and rule_keys
                else "default"
            )
            lines.append(_line(name, values[name], source))
    return "\n".join(lines) + "\n"
