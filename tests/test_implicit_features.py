"""The implicit-feature rules (MLD4xx) on the catalogued smells' own examples (true
and false positives peers report) and on what the rules' examples cannot show: file
names, rule interplay."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from mldebt.engine.config import Settings
from mldebt.engine.linter import Linter

from .conftest import CliResult

FAMILY = ("MLD401", "MLD402", "MLD403", "MLD404", "MLD405", "MLD406")


def codes(text: str, path: str = "example.py") -> Counter[str]:
    """How many findings of each MLD4xx rule ``text`` gets, as file ``path``."""
    linter = Linter(
        Settings(root=".", config_path=None, selected=FAMILY), project=False
    )
    findings, parsed = linter.lint_text(path, textwrap.dedent(text).lstrip("\n"))
    assert parsed
    return Counter(finding.code for finding in findings)


MUST_FLAG = {
    "F+1": (
        """
        import pandas as pd
        df = pd.read_csv("data/processed/train.csv")
        X, y = df.iloc[:, 1:-1], df.iloc[:, -1]
        X2, age = df.values[:, 2:10], df.to_numpy()[:, 3]
        target_col = df.columns[-1]
        """,
        {"MLD401": 5},
    ),
    "F+2": (
        """
        from sklearn.ensemble import GradientBoostingClassifier
        def train(df):
            X = df.drop(columns=["churned"])
            return GradientBoostingClassifier(random_state=0).fit(X, df["churned"])
        """,
        {"MLD402": 1},
    ),
    "F+3": (
        """
        import pandas as pd
        df = pd.read_csv("data/processed/train.csv")
        feature_cols = list(set(df.columns) - {"id", "label"})
        X = df[feature_cols]
        """,
        {"MLD403": 1, "MLD402": 1},
    ),
    "F+4": (
        """
        from sklearn.compose import ColumnTransformer
        from sklearn.preprocessing import StandardScaler
        from features.engineering import *
        ct = ColumnTransformer([("num", StandardScaler(), [0, 1, 4])], remainder="passthrough")
        """,
        {"MLD401": 1, "MLD402": 1, "MLD404": 1},
    ),
    "F+5": (
        """
        import pandas as pd
        raw = pd.read_csv("data/processed/customers.csv")
        def make_features():
            return raw.select_dtypes(include="number")
        """,
        {"MLD405": 1, "MLD402": 1},
    ),
}

MUST_NOT_FLAG = {
    "F-1": """
        import pandas as pd
        FEATURES = ["age", "income", "tenure_months"]
        TARGET = "churned"
        df = pd.read_csv("data/processed/train.csv", usecols=FEATURES + [TARGET])
        X, y = df[FEATURES], df[TARGET]
        """,
    "F-2": """
        proba = model.predict_proba(X_test)[:, 1]
        red = img[:, :, 0]
        emb = model_output[:, 0]
        """,
    "F-3": """
        def batches(df, size):
            for start in range(0, len(df), size):
                yield df.iloc[start:start + size]
        first_row = df.iloc[0]
        train = df.iloc[train_idx]
        """,
    "F-5": """
        import pandas as pd
        def make_features(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
            return df[columns].astype("float32")
        for i, col in enumerate(df.columns):
            print(i, col)
        """,
}


@pytest.mark.parametrize("example", sorted(MUST_FLAG))
def test_research_positives(example: str) -> None:
    text, expected = MUST_FLAG[example]
    assert codes(text) == Counter(expected)


@pytest.mark.parametrize("example", sorted(MUST_NOT_FLAG))
def test_research_negatives(example: str) -> None:
    assert codes(MUST_NOT_FLAG[example]) == Counter()


def test_wildcard_import_in_package_init_is_a_re_export() -> None:
    # F-4: the file is pkg/__init__.py
    assert codes("from .models import *\n", "pkg/__init__.py") == Counter()
    assert codes("from .models import *\n", "pkg/models_all.py") == Counter(
        {"MLD404": 1}
    )


def test_wildcard_import_is_flagged_through_the_cli(
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from .core import *\n")
    (tmp_path / "pkg" / "train.py").write_text("from .core import *\n")
    result = run_cli("check", "--select", "MLD404", ".")
    assert result.code == 1
    assert "pkg/train.py:1:1: MLD404" in result.out
    assert "__init__" not in result.out


def test_get_dummies_rule_is_off_by_default(
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "predict.py").write_text(
        "import pandas as pd\nmodel.predict(pd.get_dummies(batch))\n"
    )
    assert run_cli("check", "predict.py").code == 0
    assert run_cli("check", "--select", "MLD406", "predict.py").code == 1


def test_files_without_pandas_or_columns_code_are_not_parsed() -> None:
    linter = Linter(Settings(root=".", config_path=None, selected=FAMILY))
    plain = b"def add(a, b):\n    return {k: v for k, v in a.items()}\n"
    assert not linter.could_fire(plain)
    assert linter.could_fire(b"import pandas as pd\n")
    assert linter.could_fire(b"from m import *\n")


def test_noqa_on_the_defining_line_silences_a_later_use() -> None:
    text = """
        import pandas as pd
        df = pd.read_csv("train.csv")
        data = df.drop(columns=["y"])  # noqa: MLD402
        model.fit(data, df["y"])
        """
    assert codes(text) == Counter()


def test_feature_name_options_replace_the_default_names(
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mldebt.rules.implicit-feature-set]\nfeature-names = ["design_*"]\n'
    )
    (tmp_path / "t.py").write_text(
        "import pandas as pd\n"
        'design_matrix = df.drop(columns=["y"])\n'
        'X = df.drop(columns=["y"])\n'
    )
    result = run_cli("check", "--select", "MLD402", "t.py")
    assert result.code == 1
    assert "t.py:2:17: MLD402" in result.out and "t.py:3:" not in result.out


def test_odd_name_globs_match_nothing_instead_of_failing(
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mldebt.rules.MLD402]\nfeature-names = ["[z-a]", "[!", "\\\\", "X"]\n'
    )
    (tmp_path / "t.py").write_text('import pandas as pd\nX = df.drop(columns=["y"])\n')
    result = run_cli("check", "t.py")
    assert result.code == 1 and "internal error" not in result.err
    assert "t.py:2:5: MLD402" in result.out


def test_unordered_list_fix_sorts_through_the_cli(
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "features.py"
    path.write_text(
        "import pandas as pd\n"
        'df = pd.read_csv("train.csv")\n'
        'cols = list(set(df.columns) - {"id"})\n'
    )
    assert run_cli("fix", "--select", "MLD403", "features.py").code == 1
    assert "list(set(" in path.read_text()  # unsafe: not applied by default
    run_cli("fix", "--select", "MLD403", "--unsafe-fixes", "features.py")
    assert 'cols = sorted(set(df.columns) - {"id"})\n' in path.read_text()
