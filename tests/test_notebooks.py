"""Jupyter notebooks: positions by cell, IPython syntax masked, the whole notebook
as one module, fixes written back byte for byte, bad input.

The fixtures in ``fixtures/notebooks`` are laid out exactly as the editors save
them: Jupyter (``indent=1``, sorted keys, non-ASCII kept, a final newline) and VS
Code (``indent=2``, keys in the order written, no final newline), with markdown
cells, empty cells, magics and outputs (streams, an error, a PNG).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from mldebt.engine.config import Settings
from mldebt.engine.linter import Linter
from mldebt.engine.notebook_io import (
    CodeCell,
    JoinedCells,
    Notebook,
    mask_cell,
    notebook_from_script,
)
from mldebt.engine.rule import Fix, Rule

from .conftest import CliResult
from .test_precommit import make_repo, pre_commit_home, run_pre_commit

__all__ = ["pre_commit_home"]  # a fixture, shared with the pre-commit tests

Run = Callable[..., CliResult]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
CHECKOUT = Path(__file__).resolve().parents[1]
# The rule families these tests are about (the others have their own tests).
RULES = "MLD001,MLD1,MLD2"
RANDOM_ADVICE = (
    "; call `random.seed(seed)` at start-up, or draw from `random.Random(seed)`"
)
SHUFFLE = (
    "`random.shuffle` draws from the `random` module's global RNG, "
    "which this program never seeds" + RANDOM_ADVICE
)


def fixture(name: str, folder: Path) -> Path:
    """Copy a fixture notebook into ``folder``."""
    target = folder / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def jupyter_dump(data: dict[str, Any]) -> str:
    """The text Jupyter writes for a notebook."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_notebook(path: Path, *cells: str | tuple[str, str]) -> Path:
    """A notebook saved as Jupyter saves it; each cell is code (run in order) or
    ``("markdown", text)``."""
    items: list[dict[str, Any]] = []
    count = 0
    for number, cell in enumerate(cells, 1):
        if isinstance(cell, tuple):
            items.append(
                {
                    "cell_type": cell[0],
                    "id": f"c{number}",
                    "metadata": {},
                    "source": cell[1].splitlines(keepends=True),
                }
            )
            continue
        count += 1
        items.append(
            {
                "cell_type": "code",
                "execution_count": count,
                "id": f"c{number}",
                "metadata": {},
                "outputs": [],
                "source": cell.splitlines(keepends=True),
            }
        )
    data = {
        "cells": items,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(jupyter_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp folder that is the current folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---- positions and output formats ---------------------------------------------------


def test_text_output_names_the_cell(run_cli: Run, here: Path) -> None:
    fixture("jupyter_magics.ipynb", here)
    result = run_cli("check", "--select", RULES, ".")
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    # markdown cells are counted: the shuffle is in the 6th cell of `cells`
    assert lines[0] == f"jupyter_magics.ipynb:cell 6:6:1: MLD101 {SHUFFLE}"
    assert (
        lines[1]
        == "jupyter_magics.ipynb:cell 7:1:12: MLD001 SyntaxError: invalid syntax"
    )
    assert lines[2].startswith(
        "jupyter_magics.ipynb:cell 8:3:1: MLD201 writes `data/train.csv`, the file "
        "this code read as input"
    )
    assert lines[3:] == [
        "Found 3 findings.",
        "1 hidden fix can be enabled with the `--unsafe-fixes` option.",
    ]
    assert result.err == ""


def test_json_carries_the_cell_of_findings_and_edits(run_cli: Run, here: Path) -> None:
    fixture("jupyter_magics.ipynb", here)
    result = run_cli(
        "check", "--select", "MLD101", "--unsafe-fixes", "--output-format", "json"
    )
    [finding] = [f for f in json.loads(result.out) if f["code"] == "MLD101"]
    assert list(finding)[:3] == ["path", "cell", "line"]
    assert finding["path"] == "jupyter_magics.ipynb"
    assert (finding["cell"], finding["line"], finding["column"]) == (6, 6, 1)
    assert (finding["end_line"], finding["end_column"]) == (6, 21)
    # the seed goes after the imports, at the end of cell 2 (8 lines long)
    assert finding["fix"]["edits"] == [
        {
            "content": "random.seed(0)\n",
            "cell": 2,
            "location": {"line": 9, "column": 1},
            "end_location": {"line": 9, "column": 1},
        }
    ]


def test_python_files_get_no_cell_key(run_cli: Run, here: Path) -> None:
    (here / "train.py").write_text("import random\nrandom.shuffle(rows)\n")
    [finding] = json.loads(run_cli("check", "--output-format", "json").out)
    assert "cell" not in finding


def test_github_annotations_name_the_cell_not_a_json_line(
    run_cli: Run, here: Path
) -> None:
    fixture("jupyter_magics.ipynb", here)
    lines = run_cli(
        "check", "--select", RULES, "--output-format", "github"
    ).out.splitlines()
    assert lines[0] == (
        "::error title=mldebt (MLD101) cell 6%2C line 6,file=jupyter_magics.ipynb::"
        f"cell 6:6:1: MLD101 {SHUFFLE}"
    )
    assert all("line=" not in line.split("::")[1] for line in lines)


def test_statistics_count_notebook_findings_as_usual(run_cli: Run, here: Path) -> None:
    fixture("jupyter_magics.ipynb", here)
    result = run_cli("check", "--select", RULES, "--statistics")
    assert result.out.splitlines() == [
        "1\tMLD001\t    syntax-error",
        "1\tMLD101\t    unseeded-global-rng",
        "1\tMLD201\t    write-over-input",
    ]


def test_diff_shows_one_diff_per_changed_cell(run_cli: Run, here: Path) -> None:
    path = fixture("jupyter_magics.ipynb", here)
    before = path.read_bytes()
    result = run_cli("check", "--select", "MLD101", "--diff", "--unsafe-fixes")
    assert result.code == 1
    assert result.out == (
        "--- jupyter_magics.ipynb:cell 2\n"
        "+++ jupyter_magics.ipynb:cell 2\n"
        "@@ -6,3 +6,4 @@\n"
        " \n"
        " import numpy as np\n"
        " import pandas as pd\n"
        "+random.seed(0)\n"
    )
    assert path.read_bytes() == before


# ---- masking IPython syntax ---------------------------------------------------------------


def test_magics_shell_escapes_and_help_are_masked_line_for_line() -> None:
    source = (
        "!pip install -q numpy \\\n"
        "    pandas\n"
        "%matplotlib inline\n"
        "files = !ls data\n"
        "np.random?\n"
        "??np.random.rand\n"
        "for name in files:\n"
        "    !wc -l {name}\n"
        "    %time total = count(name)\n"
        "ok = a != b\n"
        "x = (1\n"
        "% 2)\n"
        'doc = """\n'
        "%d rows\n"
        "!important\n"
        '"""'
    )
    masked = mask_cell(source)
    assert masked.text == (
        "pass\n"
        "\n"
        "pass\n"
        "pass\n"
        "pass\n"
        "pass\n"
        "for name in files:\n"
        "    pass\n"
        "    total = count(name)\n"
        "ok = a != b\n"
        "x = (1\n"
        "% 2)\n"
        'doc = """\n'
        "%d rows\n"
        "!important\n"
        '"""\n'
    )
    assert masked.masked_lines == frozenset({1, 2, 3, 4, 5, 6, 8, 9})
    # `total` is at column 11 of the masked line, column 17 of the cell's own
    assert masked.source_column(9, 5) == 11
    assert masked.source_column(9, 1) == 1
    compile(masked.text, "<cell>", "exec")


def test_cell_magics_run_python_or_leave_the_module() -> None:
    timed = mask_cell("%%time\nx = 1\n")
    assert timed.python and timed.text == "\nx = 1\n"
    assert timed.cell_magic_line == 1
    assert not mask_cell("%%bash\nimport random\n").python
    assert not mask_cell("\n%%writefile train.py\nimport random\n").python


def test_a_cell_that_does_not_parse_is_reported_and_the_others_linted(
    run_cli: Run, here: Path
) -> None:
    write_notebook(
        here / "nb.ipynb",
        "import random\n",
        "for i in range(3)\n    print(i)\n",
        "random.shuffle(rows)\n",
        "await asyncio.sleep(0)\n",  # top-level await: IPython runs it
    )
    result = run_cli("check", "--select", RULES)
    assert result.out.splitlines()[:2] == [
        "nb.ipynb:cell 2:1:18: MLD001 SyntaxError: expected ':'",
        f"nb.ipynb:cell 3:1:1: MLD101 {SHUFFLE}",
    ]


def test_empty_and_whitespace_cells_are_skipped(run_cli: Run, here: Path) -> None:
    write_notebook(here / "nb.ipynb", "", "\n\n", "import random\n", "  \n")
    assert run_cli("check", "--select", RULES).code == 0


# ---- whole-notebook semantics --------------------------------------------------------------


def test_a_seed_in_an_earlier_cell_counts_for_later_cells(
    run_cli: Run, here: Path
) -> None:
    write_notebook(
        here / "nb.ipynb",
        ("markdown", "# Setup"),
        "import numpy as np\nnp.random.seed(0)",
        ("markdown", "## Draw"),
        "x = np.random.rand(3)",
    )
    assert run_cli("check", "--select", RULES).out == "All checks passed!\n"


def test_a_seed_in_a_later_cell_does_not_count(run_cli: Run, here: Path) -> None:
    write_notebook(
        here / "nb.ipynb",
        "import random\nrandom.shuffle(rows)",
        "random.seed(0)",
    )
    lines = run_cli("check", "--select", RULES).out.splitlines()
    assert lines[0] == (
        "nb.ipynb:cell 1:2:1: MLD101 `random.shuffle` draws from the `random` "
        "module's global RNG, which this program only seeds after this draw runs "
        "(`random.seed`)" + RANDOM_ADVICE
    )


def test_a_notebook_of_functions_is_still_a_program(run_cli: Run, here: Path) -> None:
    # no module-level draw, no __main__ block: a .py file like this is a library
    # module judged by its importers; a notebook runs itself
    write_notebook(
        here / "nb.ipynb",
        "import random\n\ndef pick(rows):\n    return random.choice(rows)",
    )
    lines = run_cli("check", "--select", "MLD101").out.splitlines()
    assert lines[0].startswith("nb.ipynb:cell 1:4:12: MLD101 `random.choice`")
    assert "which this program never seeds" in lines[0]


def test_a_read_in_one_cell_and_an_overwrite_in_another(
    run_cli: Run, here: Path
) -> None:
    write_notebook(
        here / "nb.ipynb",
        "import pandas as pd\ndf = pd.read_csv('data/customers.csv')",
        ("markdown", "Clean up"),
        "df = df.dropna()\ndf.to_csv('data/customers.csv')",
    )
    lines = run_cli("check", "--select", "MLD201").out.splitlines()
    assert lines[0].startswith(
        "nb.ipynb:cell 3:2:1: MLD201 writes `data/customers.csv`, the file this code "
        "read as input"
    )


def test_out_of_order_execution_is_an_opt_in_rule(run_cli: Run, here: Path) -> None:
    fixture("execution_order.ipynb", here)
    assert "MLD108" not in run_cli("check").out
    lines = run_cli("check", "--select", "MLD108").out.splitlines()
    assert lines == [
        "execution_order.ipynb:cell 2:4:1: MLD108 `numpy.random.seed` in cell 2 ran "
        "after the random draws below it in cell 3 (`numpy.random.rand` has execution "
        "count 3, the seed 5): the saved results do not come from this seed; restart "
        "the kernel and run all cells",
        "execution_order.ipynb:cell 5:1:9: MLD108 `LogisticRegression().fit` in cell 5 "
        "trains on state from cells run out of order: cell 2 ran after cell 3 "
        "(execution counts 5 > 3); restart the kernel and run all cells before "
        "trusting its results",
        "Found 2 findings.",
    ]


def test_notebook_only_rules_skip_python_files(run_cli: Run, here: Path) -> None:
    (here / "train.py").write_text(
        "import numpy as np\nnp.random.seed(0)\nmodel.fit(X, y)\n"
    )
    linter = Linter(Settings(root=".", config_path=None, selected=("MLD108",)))
    assert not linter.could_fire(b"model.fit(X, y)\n")
    assert linter.could_fire(b"model.fit(X, y)\n", notebook=True)
    assert run_cli("check", "--select", "MLD108").code == 0


# ---- suppressions ---------------------------------------------------------------------------


def test_noqa_on_a_cell_line_silences_that_line_only(run_cli: Run, here: Path) -> None:
    write_notebook(
        here / "nb.ipynb",
        "import random\nrandom.shuffle(a)  # noqa: MLD101",
        "import os\nrandom.shuffle(b)",
    )
    lines = run_cli("check", "--select", RULES).out.splitlines()
    assert lines[:2] == [
        "nb.ipynb:cell 2:2:1: MLD101 `random.shuffle` draws from the `random` "
        "module's global RNG, which this program never seeds" + RANDOM_ADVICE,
        "Found 1 finding.",
    ]


def test_file_level_noqa_in_the_first_code_cell(run_cli: Run, here: Path) -> None:
    write_notebook(
        here / "nb.ipynb",
        ("markdown", "# mldebt: noqa  (text in markdown does nothing)"),
        "# mldebt: noqa: MLD101\nimport random",
        "random.shuffle(rows)\nopen('data/raw/a.csv', 'w')",
    )
    lines = run_cli("check", "--select", RULES).out.splitlines()
    assert [line.split(" ")[2] for line in lines[:-1]] == ["MLD202"]
    write_notebook(
        here / "nb.ipynb",
        ("markdown", "# mldebt: noqa"),
        "import random\nrandom.shuffle(rows)",
    )
    assert run_cli("check", "--select", RULES).code == 1


def test_per_file_ignores_match_notebooks(run_cli: Run, here: Path) -> None:
    (here / "pyproject.toml").write_text(
        '[tool.mldebt.per-file-ignores]\n"*.ipynb" = ["MLD101"]\n'
    )
    write_notebook(here / "nb.ipynb", "import random\nrandom.shuffle(rows)")
    assert run_cli("check", "--select", RULES).code == 0


# ---- fixes written back ---------------------------------------------------------------------


def test_fix_changes_only_the_fixed_cell_in_a_jupyter_notebook(
    run_cli: Run, here: Path
) -> None:
    path = fixture("jupyter_magics.ipynb", here)
    data = json.loads(path.read_text(encoding="utf-8"))
    result = run_cli("check", "--select", "MLD101", "--fix", "--unsafe-fixes")
    # the cell that does not parse stays reported; the others are still fixed
    assert result.out == (
        "jupyter_magics.ipynb:cell 7:1:12: MLD001 SyntaxError: invalid syntax\n"
        "Found 2 findings (1 fixed, 1 remaining).\n"
    )
    source = data["cells"][1]["source"]
    source[-1] += "\n"
    source.append("random.seed(0)")
    # what Jupyter itself would write: every other byte is unchanged
    assert path.read_bytes() == jupyter_dump(data).encode("utf-8")
    assert "MLD101" not in run_cli("check", "--select", "MLD101").out


def test_fix_keeps_a_vscode_layout_and_the_magic_lines(
    run_cli: Run, here: Path
) -> None:
    path = fixture("vscode_indent2.ipynb", here)
    data = json.loads(path.read_text(encoding="utf-8"))
    result = run_cli("fix", "--select", "MLD101", "--unsafe-fixes")
    assert result.code == 0, result.out + result.err
    data["cells"][0]["source"].insert(1, "random.seed(0)\n")
    expected = json.dumps(data, indent=2, ensure_ascii=False)  # no final newline
    assert path.read_bytes() == expected.encode("utf-8")
    cell = Notebook.load(path.read_bytes()).code_cells[0]
    assert cell.source == (
        "import random\nrandom.seed(0)\n%matplotlib inline\nx = random.random()"
    )


def test_fix_keeps_crlf_escaped_unicode_and_string_sources(
    run_cli: Run, here: Path
) -> None:
    data = json.loads(notebook_from_script("# In[1]:\nimport random\n"))
    data["cells"][0]["source"] = "import random\nx = random.random()  # é"
    data["cells"].append(
        {"cell_type": "markdown", "metadata": {}, "source": ["Ünïcödé ✓"]}
    )

    def dump(notebook: dict[str, Any]) -> bytes:
        text = json.dumps(notebook, indent=1, sort_keys=True) + "\n"
        return text.replace("\n", "\r\n").encode()

    path = here / "nb.ipynb"
    path.write_bytes(dump(data))
    assert run_cli("fix", "--select", "MLD101", "--unsafe-fixes").code == 0
    data["cells"][0][
        "source"
    ] = "import random\nrandom.seed(0)\nx = random.random()  # é"
    assert path.read_bytes() == dump(data)


def test_fix_keeps_the_escapes_of_unchanged_lines(run_cli: Run, here: Path) -> None:
    # some writers escape `/` or non-ASCII characters; lines the fix does not
    # change keep their bytes
    text = (
        '{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, '
        '"outputs": [], "source": ["import random\\n", '
        '"url = \\"http:\\/\\/h\\u00e9\\"\\n", "x = random.random()"]}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    path = here / "nb.ipynb"
    path.write_text(text)
    assert run_cli("fix", "--select", "MLD101", "--unsafe-fixes").code == 0
    assert path.read_text() == text.replace(
        '"import random\\n", ', '"import random\\n", "random.seed(0)\\n", '
    )


class RenameOldApi(Rule):
    """Safe fix for tests: ``old_api(...)`` becomes ``new_api(...)``."""

    code = "MLD997"
    name = "rename-old-api"
    category = "unseeded-randomness"
    message = "old_api is renamed"
    triggers = ("old_api",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "old_api":
            fix = Fix.replace(node.func, cst.Name("new_api"), message="rename")
            self.report(node, fix=fix)


def test_a_fix_on_a_magic_line_is_not_offered(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "nb.ipynb",
        "old_api(1)\n%time old_api(2)",
        "%%time\nold_api(3)",
    )
    settings = Settings(root=".", config_path=None, selected=("MLD997",))
    linter = Linter(settings, rule_classes=[RenameOldApi], project=False)
    result = linter.check_file(str(path), "safe", write=True, diff=False)
    assert result.fixed == 2
    [left] = result.findings
    assert (left.cell, left.line, left.column, left.fix) == (1, 2, 7, None)
    sources = [cell.source for cell in Notebook.load(path.read_bytes()).code_cells]
    assert sources == ["new_api(1)\n%time old_api(2)", "%%time\nnew_api(3)"]


def test_edits_never_touch_masked_lines() -> None:
    cell = CodeCell(1, "import random\n%matplotlib inline\nx = 1")
    joined = JoinedCells.build([cell]).parse()
    start = len("import random\n")
    # inserting whole lines before the magic is fine; on or glued to it is not
    assert joined.edit_cell(start, start, "random.seed(0)\n", after=True) is not None
    assert joined.edit_cell(start, start, "y = 2; ", after=True) is None
    assert joined.edit_cell(start + 1, start + 3, "", after=False) is None
    assert joined.edit_cell(start - 1, start, "", after=False) is None


# ---- bad input -------------------------------------------------------------------------------


def test_invalid_json_is_one_finding_and_the_run_goes_on(
    run_cli: Run, here: Path
) -> None:
    fixture("invalid_json.ipynb", here)
    (here / "train.py").write_text("import random\nrandom.shuffle(rows)\n")
    result = run_cli("check", "--select", RULES)
    assert result.code == 1
    assert result.out.splitlines()[:2] == [
        "invalid_json.ipynb:7:3: MLD001 not a valid notebook: invalid JSON: "
        "Expecting ',' delimiter",
        f"train.py:2:1: MLD101 {SHUFFLE}",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a valid notebook: invalid JSON: Expecting value"),
        (b"[]", "not a valid notebook: the JSON is not an object"),
        (b'{"metadata": {}}', "not a valid notebook: no `cells` list"),
        (
            b'{"cells": [{"cell_type": "code", "source": 3}]}',
            "not a valid notebook: cell 1: `source` is not text",
        ),
        (b'{"cells": ["x"]}', "not a valid notebook: cell 1 is not an object"),
        (b'{"cells": []}\xff', "not a valid notebook: not UTF-8"),
    ],
)
def test_not_a_notebook(run_cli: Run, here: Path, content: bytes, message: str) -> None:
    (here / "bad.ipynb").write_bytes(content)
    result = run_cli("check", "--select", RULES, "bad.ipynb")
    assert result.code == 1
    assert re.match(rf"bad\.ipynb:\d+:\d+: MLD001 {re.escape(message)}", result.out)
    assert "Traceback" not in result.out + result.err


def test_nbformat_3_gets_a_clear_message(run_cli: Run, here: Path) -> None:
    fixture("nbformat3.ipynb", here)
    result = run_cli("check", "--select", RULES)
    assert result.out.splitlines()[0] == (
        "nbformat3.ipynb:1:1: MLD001 nbformat 3 notebook: mldebt reads nbformat 4; "
        "upgrade it with `jupyter nbconvert --to notebook --inplace FILE`"
    )


def test_no_code_cells_or_another_language_pass_silently(
    run_cli: Run, here: Path
) -> None:
    fixture("markdown_only.ipynb", here)
    data = json.loads(
        notebook_from_script("# In[1]:\nimport random\nrandom.random()\n")
    )
    data["metadata"] = {"kernelspec": {"language": "R", "name": "ir"}}
    (here / "analysis.ipynb").write_text(json.dumps(data))
    result = run_cli("check", "--select", RULES)
    assert (result.code, result.out, result.err) == (0, "All checks passed!\n", "")


def test_outputs_are_never_parsed_or_searched(
    run_cli: Run, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(notebook_from_script("# In[1]:\nprint(len(rows))\n"))
    blob = "import random\nrandom.shuffle(rows)\n" * 400_000  # ~14 MB of output
    data["cells"][0]["outputs"] = [
        {"name": "stdout", "output_type": "stream", "text": blob}
    ]
    (here / "big.ipynb").write_text(json.dumps(data, indent=1))

    def no_parse(self: JoinedCells) -> JoinedCells:
        raise AssertionError("the code cells have no trigger word: nothing to parse")

    monkeypatch.setattr(JoinedCells, "parse", no_parse)
    result = run_cli("check", "--select", RULES)
    assert (result.code, result.out) == (0, "All checks passed!\n")


# ---- discovery and hooks ---------------------------------------------------------------------


def test_folders_are_walked_for_notebooks_but_not_checkpoints(
    run_cli: Run, here: Path
) -> None:
    # even with the default excludes replaced, checkpoints are never linted
    (here / "pyproject.toml").write_text("[tool.mldebt]\nexclude = []\n")
    (here / "notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    for name in (
        "notebooks/eda.ipynb",
        "notebooks/.ipynb_checkpoints/eda-checkpoint.ipynb",
    ):
        write_notebook(here / name, "import random\nrandom.shuffle(rows)")
    result = run_cli("check", "--select", RULES, ".")
    assert [line.split(":")[0] for line in result.out.splitlines()[:-2]] == [
        "notebooks/eda.ipynb"
    ]
    explicit = run_cli("check", "--select", RULES, "notebooks/eda.ipynb")
    assert explicit.code == 1 and explicit.err == ""


def test_the_mldebt_hooks_run_on_notebooks() -> None:
    manifest = (CHECKOUT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hooks = {
        match.group(1): match.group(2)
        for match in re.finditer(
            r"^- id: (\S+)\n(?:  .*\n)*?  types_or: \[([^\]]*)\]",
            manifest,
            re.MULTILINE,
        )
    }
    assert "jupyter" in hooks["mldebt"].split(", ")
    assert "jupyter" in hooks["mldebt-fix"].split(", ")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_mldebt_hook_lints_notebooks(tmp_path: Path, pre_commit_home: Path) -> None:
    notebook = notebook_from_script(
        "# In[1]:\n!pip install numpy\nimport numpy as np\nx = np.random.rand(3)\n"
    )
    repo = make_repo(tmp_path, {"explore.ipynb": notebook, "clean.py": "x = 1\n"})
    result = run_pre_commit(
        repo, pre_commit_home, "try-repo", str(CHECKOUT), "mldebt", "--all-files"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "explore.ipynb:cell 1:3:5: MLD101 `numpy.random.rand` draws" in output


def test_the_examples_project_reports_its_notebook(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CHECKOUT)
    result = run_cli("check", "--no-cache", "--select", RULES + ",MLD108", "examples")
    assert result.code == 1
    notebook = [
        line
        for line in result.out.splitlines()
        if line.startswith("examples/notebooks/explore_churn.ipynb:cell ")
    ]
    codes = {line.split(" ")[2] for line in notebook}
    assert {"MLD101", "MLD108", "MLD201"} <= codes


def _deep_output_notebook(depth: int) -> str:
    """A notebook whose one code cell has a fixable finding and an output whose
    JSON nests ``depth`` objects deep."""
    nested = '{"a": ' * depth + "1" + "}" * depth
    output = (
        '{"output_type": "execute_result", "execution_count": 1, "metadata": {}, '
        f'"data": {{"application/json": {nested}}}}}'
    )
    source = '["from sklearn.svm import SVC\\n", "m = SVC(C=0.5)\\n"]'
    return (
        '{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, '
        f'"outputs": [{output}], "source": {source}}}], "metadata": {{}}, '
        '"nbformat": 4, "nbformat_minor": 5}'
    )


@pytest.mark.parametrize("depth", [960, 975, 990])
def test_deeply_nested_outputs_never_stop_a_fix_run(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, depth: int
) -> None:
    # ~975 levels load at the top of the stack but not deeper in a fix run: that
    # once raised RecursionError and left every later file unfixed
    monkeypatch.chdir(tmp_path)
    notebook = tmp_path / "a.ipynb"
    notebook.write_text(_deep_output_notebook(depth))
    before = notebook.read_bytes()
    (tmp_path / "b.py").write_text("from sklearn.svm import SVC\nm = SVC(C=0.5)\n")
    result = run_cli("fix", "a.ipynb", "b.py")
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert "C=SVC_C" in (tmp_path / "b.py").read_text()  # the run went on
    after = notebook.read_bytes()
    if after == before:  # not fixed: one clear line says why
        assert result.code in (1, 2)
        assert "a.ipynb" in result.out + result.err
    else:
        assert "C=SVC_C" in json.loads(after)["cells"][0]["source"][1]
