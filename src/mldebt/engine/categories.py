"""The rule categories: one package of ``mldebt.rules`` each.

A category's slug is its package's name with dashes (``unseeded_randomness/`` is
``unseeded-randomness``). The package's ``__init__.py`` carries the category's
title (``TITLE``), its description (the docstring) and the options that every rule
of the family reads (``OPTIONS``, set in ``[tool.mldebt.<slug>]``), whether the
family is off in test files by default (``OFF_IN_TESTS``) and the older,
top-level spellings of its options (``OLDER_KEYS``: key -> option name). Reading
the categories imports only those ``__init__`` modules, never a rule or libcst.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from dataclasses import dataclass

from mldebt.engine.options import Option

RULES_PACKAGE = "mldebt.rules"


@dataclass(frozen=True)
class Category:
    """One rule family."""

    slug: str
    package: str  # dotted name of its package
    title: str
    description: str
    options: tuple[Option, ...] = ()
    # Off in test files unless the project says otherwise (tests are full of the
    # literal paths, secrets and column picks such a family flags, on purpose).
    off_in_tests: bool = False
    # Older spellings of family options at the top of [tool.mldebt]: key -> option.
    older_keys: tuple[tuple[str, str], ...] = ()

    def option(self, name: str) -> Option | None:
        """The family option called ``name``, if the family has one."""
        return next((option for option in self.options if option.name == name), None)


def slug_of(package_name: str) -> str:
    """``mldebt.rules.unseeded_randomness`` -> ``unseeded-randomness``."""
    return package_name.rsplit(".", 1)[-1].replace("_", "-")


@functools.lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    """Every category mldebt ships, by slug, in the order of their packages' names."""
    package = importlib.import_module(RULES_PACKAGE)
    found: dict[str, Category] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        name = f"{RULES_PACKAGE}.{info.name}"
        module = importlib.import_module(name)
        title = getattr(module, "TITLE", None)
        if not isinstance(title, str):
            raise RuntimeError(f"{name}: a category package must define TITLE")
        options = tuple(getattr(module, "OPTIONS", ()))
        older = dict(getattr(module, "OLDER_KEYS", {}))
        found[slug_of(name)] = Category(
            slug=slug_of(name),
            package=name,
            title=title,
            description=inspect.cleandoc(module.__doc__ or ""),
            options=options,
            off_in_tests=bool(getattr(module, "OFF_IN_TESTS", False)),
            older_keys=tuple(sorted(older.items())),
        )
    return found


def family_options(slug: str) -> tuple[Option, ...]:
    """The options every rule of the category ``slug`` reads (none if unknown)."""
    category = categories().get(slug)
    return category.options if category is not None else ()
