"""Rule discovery: every ``Rule`` subclass in the modules of a category package.

A category is a package of ``mldebt.rules`` (see ``engine.categories``); each of
its public modules holds one rule. Modules named ``_*.py`` (a family's shared
analysis) and ``*api.py`` (its library tables) hold none, and a rule whose
``category`` is not its package's is refused.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from mldebt.engine.categories import categories
from mldebt.engine.rule import Rule


def _rule_modules(package_name: str) -> list[str]:
    """The modules of one category package that hold rules, sorted by name."""
    package = importlib.import_module(package_name)
    return [
        f"{package_name}.{info.name}"
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
        if not info.ispkg
        and not info.name.startswith("_")
        and not info.name.endswith("api")
    ]


@functools.lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule class mldebt ships, sorted by code (imported once per process)."""
    found: dict[str, type[Rule]] = {}
    for category in categories().values():
        for module_name in _rule_modules(category.package):
            module = importlib.import_module(module_name)
            for value in vars(module).values():
                if not (
                    isinstance(value, type)
                    and issubclass(value, Rule)
                    and "code" in vars(value)
                    and value.__module__ == module.__name__
                ):
                    continue
                if value.category != category.slug:
                    raise RuntimeError(
                        f"{value.code} lives in {category.package} but says its "
                        f"category is {value.category!r}"
                    )
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
