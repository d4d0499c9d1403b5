"""``[tool.mldebt]``: discovery, validation errors, excludes, per-rule options."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import UNSEEDED, CliResult

Run = Callable[..., CliResult]
Project = Callable[..., Path]

LIBRARY = "import numpy as np\ndef jitter(x):\n    return x + np.random.rand()\n"


def codes(result: CliResult) -> list[tuple[str, str]]:
    return [(finding["path"], finding["code"]) for finding in json.loads(result.out)]


@pytest.mark.parametrize(
    "table, message",
    [
        (
            'selct = ["MLD1"]',
            "pyproject.toml: [tool.mldebt] unknown key 'selct' (did you mean 'select'?)",
        ),
        (
            'select = ["MLD109"]',
            "pyproject.toml: 'select': unknown rule selector 'MLD109' (did you mean 'MLD108'?)",
        ),
        (
            'select = "MLD101"',
            "pyproject.toml: 'select' must be a list of rule codes, prefixes, names or categories",
        ),
        (
            '[tool.mldebt.rules.MLD101]\nseed-function = ["x"]',
            "pyproject.toml: 'rules.MLD101.seed-function': unknown option "
            "(did you mean 'seed-functions'?)",
        ),
        (
            '[tool.mldebt.rules.unseeded-global-rng]\ntrust-seed-like-names = "yes"',
            "pyproject.toml: 'rules.unseeded-global-rng.trust-seed-like-names' must be "
            "a boolean, got str 'yes'",
        ),
        (
            '[tool.mldebt.rules.MLD101]\nentrypoints = "train.py"',
            "pyproject.toml: 'rules.MLD101.entrypoints' must be a list of strings, "
            "got str 'train.py'",
        ),
        (
            "[tool.mldebt.rules.MLD777]\nx = 1",
            "pyproject.toml: 'rules.MLD777': no rule has this code or name",
        ),
        (
            '[tool.mldebt.per-file-ignores]\n"tests/*" = ["MLDX"]',
            "pyproject.toml: 'per-file-ignores.\"tests/*\"': unknown rule selector 'MLDX'",
        ),
        (
            "respect-gitignore = 1",
            "pyproject.toml: 'respect-gitignore' must be a boolean",
        ),
        ("select = [", "pyproject.toml: invalid TOML:"),
        (
            '[tool.mldebt.unseeded-randomness]\nseed-function = ["x"]',
            "pyproject.toml: 'unseeded-randomness.seed-function': unknown option "
            "(did you mean 'seed-functions'?)",
        ),
        (
            '[tool.mldebt.unseeded-randomness]\nentrypoints = "train.py"',
            "pyproject.toml: 'unseeded-randomness.entrypoints' must be a list of "
            "strings, got str 'train.py'",
        ),
        (
            "[tool.mldebt.implicit-features]\nx = 1",
            "pyproject.toml: 'implicit-features.x': unknown option "
            "(this family has no options)",
        ),
        (
            "unseeded-randomness = 1",
            "pyproject.toml: 'unseeded-randomness' must be a table of family options",
        ),
        (
            'raw-data-dirs = ["a"]\n[tool.mldebt.raw-data-overwrite]\n'
            'raw-data-dirs = ["b"]',
            "pyproject.toml: 'raw-data-dirs' and 'raw-data-overwrite.raw-data-dirs' "
            "are both set: keep [tool.mldebt.raw-data-overwrite] raw-data-dirs only",
        ),
    ],
)
def test_config_errors_name_file_key_and_expectation(
    run_cli: Run, project: Project, table: str, message: str
) -> None:
    header = "" if table.startswith("[tool.mldebt.") else "[tool.mldebt]\n"
    project(pyproject_toml=header + table + "\n", train_py=UNSEEDED)
    result = run_cli("check")
    assert result.code == 2
    assert result.err.startswith("mldebt: error: " + message), result.err
    assert result.err.count("\n") == 1


def test_select_and_ignore_from_config(run_cli: Run, project: Project) -> None:
    project(
        pyproject_toml='[tool.mldebt]\nselect = ["MLD1"]\nignore = ["MLD103"]\n',
        train_py=UNSEEDED + "import random\nrandom.seed()\n",
    )
    assert codes(run_cli("check", "--output-format", "json")) == [
        ("train.py", "MLD101")
    ]
    # CLI flags win over the file
    result = run_cli("check", "--output-format", "json", "--select", "MLD103")
    assert codes(result) == [("train.py", "MLD103")]


def test_per_file_ignores(run_cli: Run, project: Project) -> None:
    project(
        pyproject_toml='[tool.mldebt.per-file-ignores]\n"scripts/**" = ["MLD101"]\n'
        '"legacy_*.py" = ["unseeded-randomness"]\n',
        scripts__a_py=UNSEEDED,
        legacy_b_py=UNSEEDED,
        c_py=UNSEEDED,
    )
    assert codes(run_cli("check", "--output-format", "json")) == [("c.py", "MLD101")]


def test_excludes_apply_to_explicit_files(run_cli: Run, project: Project) -> None:
    project(
        pyproject_toml='[tool.mldebt]\nextend-exclude = ["generated", "old_*.py"]\n',
        generated__a_py=UNSEEDED,
        old_b_py=UNSEEDED,
        c_py=UNSEEDED,
    )
    result = run_cli(
        "check", "--output-format", "json", "generated/a.py", "old_b.py", "c.py"
    )
    assert codes(result) == [("c.py", "MLD101")]
    assert codes(run_cli("check", "--output-format", "json")) == [("c.py", "MLD101")]


def test_default_excludes_and_replacing_them(run_cli: Run, project: Project) -> None:
    project(venv__lib_py=UNSEEDED, build__x_py=UNSEEDED, c_py=UNSEEDED)
    assert codes(run_cli("check", "--output-format", "json")) == [("c.py", "MLD101")]
    project(pyproject_toml='[tool.mldebt]\nexclude = ["venv"]\n')
    result = run_cli("check", "--output-format", "json")
    assert codes(result) == [("build/x.py", "MLD101"), ("c.py", "MLD101")]


def test_gitignore_is_honoured_in_folder_walks(run_cli: Run, project: Project) -> None:
    root = project(
        gitignore="ignored/\n*_tmp.py\n",
        ignored__a_py=UNSEEDED,
        b_tmp_py=UNSEEDED,
        c_py=UNSEEDED,
        sub__d_py=UNSEEDED,
    )
    (root / ".git").mkdir()
    (root / "sub" / ".gitignore").write_text("d.py\n")
    assert codes(run_cli("check", "--output-format", "json")) == [("c.py", "MLD101")]
    project(pyproject_toml="[tool.mldebt]\nrespect-gitignore = false\n")
    assert len(codes(run_cli("check", "--output-format", "json"))) == 4


def test_nearest_pyproject_wins(run_cli: Run, project: Project) -> None:
    project(
        pyproject_toml='[tool.mldebt]\nignore = ["MLD101"]\n',
        a_py=UNSEEDED,
        sub__pyproject_toml='[tool.mldebt]\nselect = ["MLD101"]\n',
        sub__b_py=UNSEEDED,
        other__pyproject_toml='[project]\nname = "x"\n',  # no [tool.mldebt]: skipped
        other__c_py=UNSEEDED,
    )
    assert codes(run_cli("check", "--output-format", "json")) == [
        ("sub/b.py", "MLD101")
    ]


def test_rule_options_reach_the_rule(run_cli: Run, project: Project) -> None:
    project(
        lib_py=LIBRARY, train_py="import numpy as np\nimport lib\nnp.random.seed(1)\n"
    )
    assert codes(run_cli("check", "--output-format", "json")) == []
    project(pyproject_toml="[tool.mldebt.rules.MLD101]\ncheck-library-modules = true\n")
    assert codes(run_cli("check", "--output-format", "json")) == [("lib.py", "MLD101")]
    project(
        pyproject_toml='[tool.mldebt.rules.unseeded-global-rng]\nentrypoints = ["lib.py"]\n'
    )
    assert codes(run_cli("check", "--output-format", "json")) == [("lib.py", "MLD101")]


def test_seed_functions_option(run_cli: Run, project: Project) -> None:
    program = "import numpy as np\nfrom tools import prepare\nprepare()\nx = np.random.rand()\n"
    project(train_py=program)
    assert len(codes(run_cli("check", "--output-format", "json"))) == 1
    project(
        pyproject_toml='[tool.mldebt.rules.MLD101]\nseed-functions = ["tools.prepare"]\n'
    )
    assert codes(run_cli("check", "--output-format", "json")) == []


def test_explicit_config_file(run_cli: Run, project: Project) -> None:
    project(train_py=UNSEEDED, ci_toml='ignore = ["MLD101"]\n')
    result = run_cli("check", "--config", "ci.toml", "--output-format", "json")
    assert result.code == 0 and codes(result) == []
    missing = run_cli("check", "--config", "missing.toml")
    assert (
        missing.code == 2
        and missing.err == "mldebt: error: missing.toml: config file not found\n"
    )


def test_folders_above_the_config_do_not_exclude(
    run_cli: Run, project: Project, tmp_path: Path
) -> None:
    project()
    outside = tmp_path.parent / f"{tmp_path.name}-venv-outside"
    (outside / "build").mkdir(parents=True)
    (outside / "build" / "train.py").write_text(UNSEEDED)
    result = run_cli(
        "check", "--output-format", "json", str(outside / "build" / "train.py")
    )
    assert len(codes(result)) == 1


def test_gitignore_as_git_sees_it(run_cli: Run, project: Project) -> None:
    root = project(
        gitignore="scripts/*.py\n",
        scripts__gitignore="!keep.py\n",
        scripts__keep_py=UNSEEDED,
        scripts__drop_py=UNSEEDED,
        private_py=UNSEEDED,
        c_py=UNSEEDED,
    )
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("private.py\n")
    result = run_cli("check", "--output-format", "json")
    assert codes(result) == [("c.py", "MLD101"), ("scripts/keep.py", "MLD101")]


def test_pyproject_without_table_as_explicit_config(
    run_cli: Run, project: Project
) -> None:
    project(pyproject_toml='[project]\nname = "x"\n', train_py=UNSEEDED)
    result = run_cli("check", "--config", "pyproject.toml")
    assert result.code == 1 and "MLD101" in result.out


def test_raw_data_dirs_reach_the_raw_data_rules(run_cli: Run, project: Project) -> None:
    program = (
        "import pandas as pd\n"
        "pd.DataFrame().to_csv('datasets/original/a.csv')\n"
        "pd.DataFrame().to_csv('data/raw/b.csv')\n"
    )
    project(train_py=program)
    assert codes(run_cli("check", "--output-format", "json", "--select", "MLD202")) == [
        ("train.py", "MLD202")
    ]
    project(pyproject_toml='[tool.mldebt]\nraw-data-dirs = ["datasets/original"]\n')
    result = run_cli("check", "--output-format", "json", "--select", "MLD202")
    assert [f["line"] for f in json.loads(result.out)] == [2]
    # the family table is the current spelling of the same setting
    project(
        pyproject_toml='[tool.mldebt.raw-data-overwrite]\nraw-data-dirs = ["datasets/original"]\n'
    )
    result = run_cli("check", "--output-format", "json", "--select", "MLD202")
    assert [f["line"] for f in json.loads(result.out)] == [2]


SEEDED_BY_HELPER = (
    "import torch\n"
    "from torch.utils.data import DataLoader\n"
    "from tools import pin_everything\n"
    "pin_everything(7)\n"
    "x = torch.rand(3)\n"
    "loader = DataLoader(ds, shuffle=True)\n"
)


def test_family_options_reach_every_rule_of_the_family(
    run_cli: Run, project: Project
) -> None:
    # MLD101 (torch.rand) and MLD105 (a shuffled DataLoader) judge one program
    project(train_py=SEEDED_BY_HELPER)
    assert [c for _, c in codes(run_cli("check", "--output-format", "json"))] == [
        "MLD101",
        "MLD105",
    ]
    project(
        pyproject_toml='[tool.mldebt.unseeded-randomness]\nseed-functions = ["pin_everything"]\n'
    )
    result = run_cli("check", "--output-format", "json")
    assert result.code == 0 and codes(result) == [], result.out
    assert result.err == ""


def test_a_family_option_in_a_rule_table_applies_to_that_rule_with_a_warning(
    run_cli: Run, project: Project
) -> None:
    project(
        train_py=SEEDED_BY_HELPER,
        pyproject_toml='[tool.mldebt.rules.MLD101]\nseed-functions = ["pin_everything"]\n',
    )
    result = run_cli("check", "--output-format", "json")
    assert [c for _, c in codes(result)] == ["MLD105"]
    assert result.err == (
        "mldebt: warning: pyproject.toml: 'rules.MLD101.seed-functions' applies to "
        "MLD101 only; set it under [tool.mldebt.unseeded-randomness] for every rule "
        "of the family\n"
    )
    # set in both places, the rule's own table is a deliberate override: no warning
    project(
        pyproject_toml='[tool.mldebt.unseeded-randomness]\nseed-functions = ["x"]\n'
        '[tool.mldebt.rules.MLD101]\nseed-functions = ["pin_everything"]\n'
    )
    result = run_cli("check", "--output-format", "json")
    assert [c for _, c in codes(result)] == ["MLD105"] and result.err == ""


def test_show_settings_prints_each_value_with_its_source(
    run_cli: Run, project: Project
) -> None:
    project(
        train_py=UNSEEDED,
        pyproject_toml=(
            '[tool.mldebt]\nextend-select = ["MLD107"]\nraw-data-dirs = ["datasets"]\n'
            '[tool.mldebt.unseeded-randomness]\nentrypoints = ["jobs/*.py"]\n'
            '[tool.mldebt.rules.machine-specific-path]\nallowed-prefixes = ["/srv/"]\n'
        ),
    )
    result = run_cli("check", "--show-settings", "--ignore", "MLD404", "train.py")
    assert result.code == 0 and result.err == ""
    out = result.out
    assert out.startswith(
        "# Resolved settings for train.py\n# config: pyproject.toml\n"
    )
    lines = out.splitlines()
    select = next(line for line in lines if line.startswith("select = "))
    assert '"MLD107"' in select and '"MLD404"' not in select
    assert select.endswith("# pyproject.toml: extend-select + --ignore")
    assert (
        'entrypoints = ["jobs/*.py"]  # pyproject.toml: unseeded-randomness.entrypoints'
        in lines
    )
    assert (
        'seed-functions = ["set_seed", "seed_everything", "set_random_seed", "seed_all"]  # default'
        in lines
    )
    assert (
        'raw-data-dirs = ["datasets"]  # pyproject.toml: raw-data-dirs (older spelling)'
        in lines
    )
    assert (
        'allowed-prefixes = ["/srv/"]  # pyproject.toml: rules.machine-specific-path.allowed-prefixes'
        in lines
    )
    assert '"tests/" = ["' in out and "# default" in out
    # nothing was linted: the unseeded draw in train.py is not reported
    assert (
        "MLD101"
        not in out.split("[tool.mldebt.per-file-ignores]")[0].split("select")[0]
    )


@pytest.mark.parametrize(
    "toml",
    [
        "[tool.mldebt]\nselect = " + "[" * 3000 + "]" * 3000 + "\n",
        '[tool.mldebt]\nselect = ["MLD1"]\n[tool.other]\nx = '
        + "{a = " * 3000
        + "1"
        + "}" * 3000
        + "\n",
    ],
    ids=["arrays", "inline-tables"],
)
def test_deeply_nested_toml_is_a_one_line_config_error(
    run_cli: Run, project: Project, toml: str
) -> None:
    project(pyproject_toml=toml, train_py=UNSEEDED)
    result = run_cli("check")
    assert result.code == 2
    assert (
        result.err == "mldebt: error: pyproject.toml: invalid TOML: nested too deeply\n"
    )
