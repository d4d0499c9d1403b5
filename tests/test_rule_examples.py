"""Every rule's own examples, one pytest test each (``MLD101-invalid-2``)."""

import pytest

from mldebt.engine.categories import categories
from mldebt.engine.registry import all_rules
from mldebt.engine.rule import Rule
from mldebt.engine.testing import ExampleCase, check_example, example_cases

CASES = list(example_cases())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_example(case: ExampleCase) -> None:
    check_example(case)


@pytest.mark.parametrize("rule", all_rules(), ids=[rule.code for rule in all_rules()])
def test_rule_metadata_is_complete(rule: type[Rule]) -> None:
    doc = rule.__doc__ or ""
    for heading in (
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
    ):
        assert heading in doc, f"{rule.code} docs lack {heading!r}"
    assert rule.name not in categories(), f"{rule.code}: its name is a category's slug"
    has_fixed_examples = any(example.fixed is not None for example in rule.invalid)
    assert has_fixed_examples == (
        rule.fix_safety is not None
    ), f"{rule.code}: declare fix_safety exactly when examples show fixes"
    if rule.code != "MLD001":
        assert len(rule.valid) >= 6 and len(rule.invalid) >= 6, rule.code


@pytest.mark.parametrize("rule", all_rules(), ids=[rule.code for rule in all_rules()])
def test_rule_lives_in_a_module_named_after_it(rule: type[Rule]) -> None:
    package, _, module = rule.__module__.rpartition(".")
    assert package == "mldebt.rules." + rule.category.replace("-", "_")
    assert module == rule.name.replace("-", "_")
    camel = "".join(word.capitalize() for word in rule.name.split("-"))
    # SyntaxErrorRule: `SyntaxError` is a builtin
    assert rule.__name__.lower() in (
        camel.lower(),
        camel.lower() + "rule",
    ), f"{rule.code}: class {rule.__name__} is not named like {rule.name}"


def test_each_rule_module_of_a_category_holds_one_rule() -> None:
    import importlib
    import pkgutil

    from mldebt.engine.categories import categories

    per_module: dict[str, list[str]] = {}
    for rule in all_rules():
        per_module.setdefault(rule.__module__, []).append(rule.code)
    for category in categories().values():
        package = importlib.import_module(category.package)
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_") or info.name.endswith("api"):
                continue
            name = f"{category.package}.{info.name}"
            assert len(per_module.get(name, [])) == 1, f"{name}: {per_module.get(name)}"
    assert all(len(codes) == 1 for codes in per_module.values()), per_module
