"""The hardcoded-config family (MLD3xx) beyond its rule examples: tests are left
alone by default, the fix through the CLI, and secrets never reach the output."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CliResult

Run = Callable[..., CliResult]
Project = Callable[..., Path]

SCRIPT = """
    import torch
    from sklearn.ensemble import RandomForestClassifier
    TRAIN = "/home/alice/churn/train.csv"
    def build():
        return RandomForestClassifier(n_estimators=500, max_depth=8, random_state=0)
"""
SECRET = "sk-proj-4f9aQz7LmN2xT8vR1kP6sW3yB0cD5eH"


def codes(result: CliResult) -> list[tuple[str, str]]:
    return sorted((item["path"], item["code"]) for item in json.loads(result.out))


def test_tests_are_exempt_from_the_family_by_default(
    run_cli: Run, project: Project
) -> None:
    project(
        train_py=SCRIPT,
        tests__test_train_py=SCRIPT,
        test_model_py=SCRIPT,
        pkg__model_test_py=SCRIPT,
        conftest_py=SCRIPT,
    )
    result = run_cli("check", "--output-format", "json", ".")
    assert result.code == 1
    assert codes(result) == [
        ("train.py", "MLD301"),
        ("train.py", "MLD304"),
        ("train.py", "MLD304"),
    ]


def test_per_file_ignores_replaces_the_default_and_extend_adds(
    run_cli: Run, project: Project
) -> None:
    project(
        pyproject_toml="""
            [tool.mldebt.per-file-ignores]
            "scripts/*" = ["MLD304"]
        """,
        scripts__train_py=SCRIPT,
        tests__test_train_py=SCRIPT,
    )
    result = run_cli("check", "--output-format", "json", ".")
    assert ("tests/test_train.py", "MLD304") in codes(result)
    assert ("scripts/train.py", "MLD304") not in codes(result)
    assert ("scripts/train.py", "MLD301") in codes(result)

    Path("pyproject.toml").write_text(
        '[tool.mldebt.extend-per-file-ignores]\n"scripts/*" = ["MLD304"]\n'
    )
    result = run_cli("check", "--output-format", "json", ".")
    assert codes(result) == [("scripts/train.py", "MLD301")]


def test_fix_extracts_hyperparameters_into_constants(
    run_cli: Run, project: Project
) -> None:
    root = project(train_py=SCRIPT)
    result = run_cli("check", "--fix", "--select", "MLD304", "train.py")
    assert result.code == 0, result.out + result.err
    fixed = (root / "train.py").read_text()
    assert fixed == (
        "import torch\n"
        "from sklearn.ensemble import RandomForestClassifier\n"
        "N_ESTIMATORS = 500\n"
        "MAX_DEPTH = 8\n"
        'TRAIN = "/home/alice/churn/train.csv"\n'
        "def build():\n"
        "    return RandomForestClassifier(n_estimators=N_ESTIMATORS, "
        "max_depth=MAX_DEPTH, random_state=0)\n"
    )
    ast.parse(fixed)
    again = run_cli("check", "--fix", "--select", "MLD304", "train.py")
    assert again.code == 0 and (root / "train.py").read_text() == fixed


def test_fix_is_skipped_for_a_noqa_line_and_names_do_not_clash(
    run_cli: Run, project: Project
) -> None:
    root = project(train_py="""
            import torch
            def lr():
                return 1
            a = torch.optim.SGD(p, lr=0.1)  # noqa: MLD304
            b = torch.optim.SGD(p, lr=0.2)
        """)
    result = run_cli("check", "--fix", "train.py")
    assert result.code == 0, result.out
    assert (root / "train.py").read_text() == (
        "import torch\n"
        "SGD_LR = 0.2\n"
        "def lr():\n"
        "    return 1\n"
        "a = torch.optim.SGD(p, lr=0.1)  # noqa: MLD304\n"
        "b = torch.optim.SGD(p, lr=SGD_LR)\n"
    )


@pytest.mark.parametrize("output_format", ["text", "json", "github"])
def test_messages_never_repeat_the_secret(
    run_cli: Run, project: Project, output_format: str
) -> None:
    project(app_py=f"""
            import os
            os.environ["OPENAI_API_KEY"] = "{SECRET}"
            DB_PASSWORD = "Tr0ub4dor&3xample!"
            URL = "postgresql://admin:hunter2hunter2@10.0.0.5:5432/db"
        """)
    result = run_cli("check", "--output-format", output_format, "app.py")
    assert result.code == 1
    lines = result.out.splitlines()
    assert sum("MLD302" in line for line in lines) == 3
    assert "MLD303" in result.out  # the private host of the DSN
    for secret in (SECRET, "Tr0ub4dor", "hunter2hunter2"):
        assert secret not in result.out
