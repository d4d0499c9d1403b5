"""The engine through its own API: positions, suppressions, fixes, encodings."""

from __future__ import annotations

import codecs
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import ParentNodeProvider

from mldebt.engine.config import Settings
from mldebt.engine.fixing import MAX_FIX_PASSES
from mldebt.engine.linter import Linter
from mldebt.engine.results import FileResult
from mldebt.engine.rule import Fix, Rule
from mldebt.engine.runner import RunOptions, run

ALL = ("MLD001", "MLD101", "MLD102", "MLD103")


def linter(*codes: str) -> Linter:
    return Linter(Settings(root=".", config_path=None, selected=codes or ALL))


class RenameOldApi(Rule):
    """Safe fix for tests: ``old_api(...)`` becomes ``new_api(...)``."""

    code = "MLD997"
    name = "rename-old-api"
    category = "unseeded-randomness"
    message = "old_api is renamed"
    triggers = ("old_api",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "old_api":
            self.report(
                node,
                fix=Fix.replace(node.func, cst.Name("new_api"), message="rename"),
            )


class BreakingFix(Rule):
    """A fix that would not parse: it must be dropped."""

    code = "MLD996"
    name = "breaking-fix"
    category = "unseeded-randomness"
    message = "breaks"
    triggers = ("breakme",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "breakme":
            self.report(node, fix=Fix.replace(node, "breakme(", message="break it"))


class EndlessFix(Rule):
    """A fix that always re-triggers itself: the fix loop must stop."""

    code = "MLD995"
    name = "endless-fix"
    category = "unseeded-randomness"
    message = "again"
    triggers = ("grow",)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if not self.reports:  # one fix per pass: add one more, different line
            lines = len(self.ctx.module.body)
            fix = Fix.insert_after(node, f"grow({lines})\n", message="grow")
            self.report(node, fix=fix)


class RepeatingFix(Rule):
    """A fix that does not remove its finding: it must be applied once only."""

    code = "MLD993"
    name = "repeating-fix"
    category = "unseeded-randomness"
    message = "still there"
    triggers = ("stay",)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "stay":
            self.report(node, fix=Fix.insert_after(node, "  # tried", message="try"))


def test_position_of_a_multiline_call_is_one_based() -> None:
    text = "import numpy as np\nx = (1,\n     np.random.normal(\n        0, 1))\n"
    [finding] = linter().lint_text("t.py", text)[0]
    assert (finding.line, finding.column) == (3, 6)
    assert (finding.end_line, finding.end_column) == (4, 14)


def test_columns_count_characters_not_bytes() -> None:
    text = "import numpy as np\nnoms = ['éé', np.random.rand()]\n"
    [finding] = linter().lint_text("t.py", text)[0]
    assert finding.column == text.splitlines()[1].index("np.random") + 1


def test_crlf_lines_are_counted_once() -> None:
    text = "import numpy as np\r\n\r\nx = np.random.rand()\r\n"
    [finding] = linter().lint_text("t.py", text)[0]
    assert (finding.line, finding.column) == (3, 5)


@pytest.mark.parametrize(
    "comment, suppressed",
    [
        ("# noqa", True),
        ("# NOQA", True),
        ("# noqa: MLD101", True),
        ("# noqa:MLD101,MLD102", True),
        ("# noqa: unseeded-global-rng", True),
        ("# noqa: MLD102", False),
        ("# noqa: E501", False),
        ("# type: ignore  # noqa: MLD101", True),
        ("# a comment", False),
        ("# noqa : MLD101", True),
        ("# noqa : MLD102", False),
        ("# noqa-ish, not a suppression", False),
        ("# noqanything", False),
        ("# noqa: MLD102 MLD101", True),
    ],
)
def test_line_suppressions(comment: str, suppressed: bool) -> None:
    text = f"import numpy as np\nx = np.random.rand()  {comment}\n"
    findings = linter().lint_text("t.py", text)[0]
    assert (findings == []) is suppressed


def test_noqa_on_any_line_of_a_multiline_call_covers_it() -> None:
    for noqa_line in range(3):
        lines = ["x = np.random.normal(", "    0,", "    1)"]
        lines[noqa_line] += "  # noqa: MLD101"
        text = "import numpy as np\n" + "\n".join(lines) + "\n"
        assert linter().lint_text("t.py", text)[0] == [], lines


def test_noqa_inside_a_string_is_not_a_suppression() -> None:
    text = "import numpy as np\nx = (np.random.rand(), '# noqa')\n"
    assert len(linter().lint_text("t.py", text)[0]) == 1


@pytest.mark.parametrize(
    "header, suppressed",
    [
        ("# mldebt: noqa", True),
        ("# mldebt: noqa: MLD101", True),
        ("# mldebt: noqa: unseeded-global-rng", True),
        ("# mldebt: noqa: MLD103", False),
    ],
)
def test_file_suppressions(header: str, suppressed: bool) -> None:
    text = f"{header}\nimport numpy as np\nx = np.random.rand()\n"
    assert (linter().lint_text("t.py", text)[0] == []) is suppressed


def test_syntax_error_is_a_finding_with_its_line() -> None:
    text = "import random\nrandom.shuffle(x\ny = 2\n"
    [finding] = linter().lint_text("t.py", text)[0]
    assert finding.code == "MLD001" and finding.category == "syntax"
    assert finding.line == 2
    assert "never closed" in finding.message


def test_files_without_any_trigger_skip_libcst_but_syntax_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("libcst parsed a file no rule can fire on")

    monkeypatch.setattr(cst, "parse_module", forbidden)
    broken = tmp_path / "broken.py"
    broken.write_text("x = 1\ndef f(:\n")
    clean = tmp_path / "clean.py"
    clean.write_text("x = 1\n")
    engine = linter("MLD001", "MLD101")
    [finding] = engine.check_file(str(broken), "none", False, False).findings
    assert (finding.code, finding.line) == ("MLD001", 2)
    assert engine.check_file(str(clean), "none", False, False).findings == []
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"x = '\xe9'\n")  # not UTF-8 and no coding cookie
    [finding] = engine.check_file(str(latin), "none", False, False).findings
    assert finding.code == "MLD001"


def fix_with(rules: list[type[Rule]], text: str) -> tuple[str, FileResult]:
    codes = tuple(rule.code for rule in rules)
    engine = Linter(Settings(root=".", config_path=None, selected=codes), rules)
    result = FileResult("t.py")
    new_text, result.findings = engine.fix_text("t.py", text, "safe", result)
    return new_text, result


def test_safe_fix_is_applied_and_whitespace_kept() -> None:
    text = "a = old_api( 1 )\nb = old_api(old_api(2))\n"
    new_text, result = fix_with([RenameOldApi], text)
    assert new_text == "a = new_api( 1 )\nb = new_api(new_api(2))\n"
    assert result.fixed == 3 and result.findings == []


def test_fix_that_does_not_parse_is_dropped_and_reported() -> None:
    text = "x = breakme()\ny = old_api()\n"
    new_text, result = fix_with([BreakingFix, RenameOldApi], text)
    assert new_text == "x = breakme()\ny = new_api()\n"
    assert [finding.code for finding in result.findings] == ["MLD996"]
    assert any("does not parse" in warning for warning in result.warnings)


def test_fix_loop_is_bounded() -> None:
    new_text, result = fix_with([EndlessFix], "grow()\n")
    assert result.fixed == MAX_FIX_PASSES
    assert new_text.count("grow(") == MAX_FIX_PASSES + 1
    assert len(result.findings) == 1


def test_a_fix_that_does_not_remove_its_finding_is_applied_once() -> None:
    new_text, result = fix_with([RepeatingFix], "x = stay()\n")
    assert new_text == "x = stay()  # tried\n"
    assert result.fixed == 1 and len(result.findings) == 1


def test_unsafe_fixes_only_in_unsafe_mode() -> None:
    text = "import torch\nx = torch.rand(3)\n"
    engine = linter()
    safe_text, _ = engine.fix_text("t.py", text, "safe", FileResult("t.py"))
    unsafe_text, findings = engine.fix_text("t.py", text, "unsafe", FileResult("t.py"))
    assert safe_text == text
    assert unsafe_text == "import torch\ntorch.manual_seed(0)\nx = torch.rand(3)\n"
    assert findings == []


@pytest.mark.parametrize(
    "prefix, encoding, newline",
    [
        (b"", "utf-8", b"\n"),
        (codecs.BOM_UTF8, "utf-8", b"\r\n"),
        (b"# -*- coding: latin-1 -*-\n", "latin-1", b"\n"),
    ],
)
def test_fix_write_keeps_encoding_bom_and_newlines(
    tmp_path: Path, prefix: bytes, encoding: str, newline: bytes
) -> None:
    body = "import random\nname = 'café'\nx = random.random()\n"
    raw = prefix + body.replace("\n", newline.decode()).encode(encoding)
    path = tmp_path / "train.py"
    path.write_bytes(raw)
    path.chmod(0o640)
    result = linter().check_file(str(path), "unsafe", True, False)
    assert result.fixed == 1 and result.findings == []
    written = path.read_bytes()
    seed_line = "random.seed(0)".encode(encoding) + newline
    assert written.startswith(prefix)
    assert seed_line in written
    assert written.replace(seed_line, b"") == raw
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]  # no temp files left


def test_undecodable_file_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_bytes(b"import random\nx = '\xff\xfe'\n")
    [finding] = linter().check_file(str(path), "none", False, False).findings
    assert finding.code == "MLD001" and "decode" in finding.message


def test_pool_and_in_process_give_the_same_sorted_results(tmp_path: Path) -> None:
    settings = Settings(root=str(tmp_path), config_path=None, selected=ALL)
    files = []
    for index in range(40):
        path = tmp_path / f"m{index:02}.py"
        path.write_text("import random\n" + "\n" * index + "random.shuffle(x)\n")
        files.append((str(path), settings))
    serial = run(files, RunOptions(jobs=1))
    pooled = run(files, RunOptions(jobs=2))
    assert [r.findings for r in serial] == [r.findings for r in pooled]
    assert [r.findings[0].line for r in pooled] == [index + 2 for index in range(40)]


class NeedsParents(Rule):
    """Reads libcst's ParentNodeProvider (declared, so resolved once per file)."""

    code = "MLD994"
    name = "needs-parents"
    category = "unseeded-randomness"
    message = "parent"
    triggers = ("(",)
    metadata = (ParentNodeProvider,)

    def visit_Call(self, node: cst.Call) -> None:
        parent = self.ctx.metadata(ParentNodeProvider, node)
        self.report(node, type(parent).__name__)


def test_declared_metadata_is_resolved_and_readable() -> None:
    engine = Linter(
        Settings(root=".", config_path=None, selected=("MLD994",)), [NeedsParents]
    )
    findings, _ = engine.lint_text("t.py", "x = f()\ng()\n")
    assert [finding.message for finding in findings] == ["Assign", "Expr"]


def test_no_metadata_wrapper_unless_a_rule_declares_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("MetadataWrapper was built")

    monkeypatch.setattr("mldebt.engine.linter.MetadataWrapper", forbidden)
    assert (
        len(linter().lint_text("t.py", "import numpy as np\nnp.random.rand()\n")[0])
        == 1
    )


def test_pathological_nesting_is_a_syntax_error_not_a_crash() -> None:
    text = "import random\nx = " + "(" * 1500 + "random.random()" + ")" * 1500 + "\n"
    [finding] = linter().lint_text("t.py", text)[0]
    assert finding.code == "MLD001" and "nested" in finding.message


def test_long_flat_expressions_are_still_linted() -> None:
    text = "import random\nx = 1" + " + 1" * 2000 + "\nrandom.shuffle(x)\n"
    [finding] = linter().lint_text("t.py", text)[0]
    assert (finding.code, finding.line) == ("MLD101", 3)


@pytest.mark.parametrize(
    "raw, line, column",
    [
        (b"# -*- coding: uft-8 -*-\nx = 1\n", 1, 1),
        ("x = 'ééé' + (\n".encode(), 1, 13),
    ],
)
def test_syntax_error_columns_are_characters_and_positive(
    tmp_path: Path, raw: bytes, line: int, column: int
) -> None:
    path = tmp_path / "t.py"
    path.write_bytes(raw)
    [finding] = linter().check_file(str(path), "none", False, False).findings
    assert (finding.code, finding.line, finding.column) == ("MLD001", line, column)


def test_fix_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    target = real / "train.py"
    target.write_text("import random\nrandom.shuffle(x)\n")
    link = tmp_path / "link.py"
    link.symlink_to(target)
    result = linter().check_file(str(link), "unsafe", True, False)
    assert result.fixed == 1
    assert link.is_symlink()
    assert "random.seed(0)" in target.read_text()


def test_a_file_that_cannot_be_written_is_a_per_file_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        path = str(args[0])
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr("mldebt.engine.writing.write_atomically", refuse)
    path = tmp_path / "train.py"
    path.write_text("import random\nrandom.shuffle(x)\n")
    result = linter().check_file(str(path), "unsafe", True, False)
    assert result.errors == [
        f"{path}: cannot write the fixes: [Errno 13] Permission denied: '{path}'"
    ]
    assert result.fixed == 0 and [f.code for f in result.findings] == ["MLD101"]


def test_file_level_noqa_with_a_reason() -> None:
    text = "# mldebt: noqa: MLD101 (legacy script)\nimport numpy as np\nx = np.random.rand()\n"
    assert linter().lint_text("t.py", text)[0] == []
