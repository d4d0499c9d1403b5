"""Rule discovery: every ``Rule`` subclass in a module of ``mldebt.rules``."""

from __future__ import annotations

import functools
import importlib
import pkgutil

from mldebt.engine.rule import Rule


@functools.lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class mldebt ships, sorted by code (imported once per process)."""
    import mldebt.rules as package

    found: dict[str, type[Rule]] = {}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and "code" in vars(value)
                and value.__module__ == module.__name__
            ):
                other = found.get(value.code)
                if other is not None and other is not value:
                    raise RuntimeError(
                        f"{value.code} is defined twice: {other}, {value}"
                    )
                found[value.code] = value
    return tuple(found[code] for code in sorted(found))


def rules_by_key() -> dict[str, type[Rule]]:
    """Rules keyed by code (upper case) and by name."""
    table: dict[str, type[Rule]] = {}
    for rule in all_rules():
        table[rule.code] = rule
        table[rule.name] = rule
    return table
