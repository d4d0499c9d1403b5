"""Notebook I/O: a Jupyter notebook's code cells read and joined into one module,
positions mapped back to cells, fixes written back into the cells they change.

A notebook is read with the stdlib ``json`` module (nbformat 4). Its code cells,
with IPython syntax masked line for line, are joined into one Python module, so the
rules see the whole notebook at once: a seed in cell 1 counts for a draw in cell 3.
Findings are mapped back to (cell, line, column). Fixes are applied to the cells'
own sources and spliced into the file's original JSON text, so the layout, key
order, metadata and outputs stay byte-identical everywhere else.

Masking (IPython syntax is not Python, so it is replaced before parsing):

- a line magic, shell escape or help line (``%matplotlib inline``, ``!pip install
  x``, ``files = !ls``, ``np.random?``, ``?np``) becomes ``pass`` at the line's own
  indentation (so a block whose body is a magic still parses), and the lines it
  continues onto with ``\\`` become blank;
- ``%time``/``%timeit``/``%prun`` followed by a statement keep the statement, so it
  is linted; positions on that line are shifted back to the original columns;
- a cell magic that runs the cell as Python (``%%time``, ``%%timeit``,
  ``%%capture``, ``%%prun``) masks its own line only; any other cell magic
  (``%%bash``, ``%%writefile``, ``%%html``, ...) takes the cell out of the module.

Fixes never touch a masked line (a fix that would is not offered), so when a fixed
cell is written back its magic lines are exactly what they were.
"""

from __future__ import annotations

import ast
import bisect
import codecs
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from mldebt.engine.findings import TextEdit, apply_edits
from mldebt.engine.positions import compute_spans
from mldebt.engine.source import LineIndex, split_lines
from mldebt.engine.writing import text_diff

NOTEBOOK_SUFFIX = ".ipynb"
# Cell magics whose body IPython runs as Python in the user's namespace.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
# Line magics that run the statement after them (without options).
_STATEMENT_MAGIC = re.compile(r"%(?:time|timeit|prun)[ \t]+(?=[^\s-])")
_CELL_MAGIC = re.compile(r"%%([A-Za-z_][\w.-]*)")
# `np.random?`, `np.random.rand??`, `%timeit?` (IPython's help-at-end syntax).
_HELP_END = re.compile(r"%{0,2}[A-Za-z_*][\w*]*(?:\.[A-Za-z_*][\w*]*)*\?{1,2}")
# `files = !ls`, `out = %sx ls`, `a, b = !cmd` (not `a != b`: no `=` before the `!`).
_ASSIGN_MAGIC = re.compile(r"[A-Za-z_][\w, \t]*=[ \t]*[!%]")
# First characters that start an IPython escape (magic, shell, help, autocall).
_ESCAPES = ("%", "!", "?", "/", ",", ";")
# What matters to find where a Python logical line starts: strings, comments,
# brackets, backslashes.
_TOKEN = re.compile(r"\\.|\\$|'''|\"\"\"|['\"#()\[\]{}]")
_COMPILE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
_PARSER_MESSAGE = re.compile(r"^(?:parser error: )?(?:error at \d+:\d+: )?")
_SCRIPT_CELL = re.compile(r"^# In\[([ \d]*)\]:[ \t]*$", re.MULTILINE)


class NotebookError(Exception):
    """The file is not a notebook mldebt can read (or write back)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        """``line``/``column``: where in the file's text the problem is."""
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def parser_error_message(error: cst.ParserSyntaxError) -> str:
    """libcst's syntax error message without its ``parser error:`` prefixes."""
    return _PARSER_MESSAGE.sub("", error.message.strip())


_PARSER_POSITION = re.compile(r"error at (\d+):(\d+):")


def parser_error_position(error: cst.ParserSyntaxError, text: str) -> tuple[int, int]:
    """Where libcst's syntax error is, as a 1-based (line, column) inside ``text``.

    The native parser's message names the position ("error at 3:8") more precisely
    than ``raw_line``/``raw_column``, which can point past the end of the file."""
    match = _PARSER_POSITION.search(error.message)
    if match is not None:
        line, column = int(match.group(1)), int(match.group(2)) + 1
    else:
        line, column = error.raw_line, error.raw_column + 1
    lines = split_lines(text) or [""]
    line = min(max(line, 1), len(lines))
    width = len(lines[line - 1].rstrip("\r\n"))
    return line, min(max(column, 1), width + 1)


def _with_final_newline(text: str) -> str:
    """Jupyter saves a cell's last line without a newline; the module needs one."""
    return text if not text or text.endswith(("\n", "\r")) else text + "\n"


# ---- reading -------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCell:
    """One code cell: where it is, its source as saved, and when it last ran."""

    index: int  # 1-based position in the notebook's `cells` list (markdown counted)
    source: str
    execution_count: int | None = None


@dataclass(frozen=True)
class Notebook:
    """A notebook file: its JSON text as read, and its code cells."""

    text: str  # the file's text, without a UTF-8 byte-order mark
    bom: bool
    data: dict[str, Any]
    code_cells: tuple[CodeCell, ...]
    python: bool  # False for notebooks of other kernels (R, Julia, ...)

    @classmethod
    def load(cls, raw: bytes) -> Notebook:
        """Read a notebook file's bytes; raise ``NotebookError`` on bad input."""
        bom = raw.startswith(codecs.BOM_UTF8)
        try:
            text = raw[len(codecs.BOM_UTF8) if bom else 0 :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise NotebookError(
                f"not a valid notebook: not UTF-8 ({error.reason} at byte "
                f"{error.start})"
            ) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise NotebookError(
                f"not a valid notebook: invalid JSON: {error.msg}",
                error.lineno,
                error.colno,
            ) from None
        except RecursionError:
            raise NotebookError(
                "not a valid notebook: JSON nested too deeply"
            ) from None
        if not isinstance(data, dict):
            raise NotebookError("not a valid notebook: the JSON is not an object")
        version = data.get("nbformat")
        if "worksheets" in data or (
            isinstance(version, int) and not isinstance(version, bool) and version < 4
        ):
            raise NotebookError(
                f"nbformat {version if isinstance(version, int) else 3} notebook: "
                "mldebt reads nbformat 4; upgrade it with "
                "`jupyter nbconvert --to notebook --inplace FILE`"
            )
        cells = data.get("cells")
        if not isinstance(cells, list):
            raise NotebookError("not a valid notebook: no `cells` list")
        code: list[CodeCell] = []
        for index, cell in enumerate(cells, 1):
            if not isinstance(cell, dict):
                raise NotebookError(
                    f"not a valid notebook: cell {index} is not an object"
                )
            if cell.get("cell_type") != "code":
                continue
            source = source_text(cell.get("source", ""))
            if source is None:
                raise NotebookError(
                    f"not a valid notebook: cell {index}: `source` is not text"
                )
            count = cell.get("execution_count")
            if not isinstance(count, int) or isinstance(count, bool):
                count = None
            code.append(CodeCell(index, source, count))
        return cls(text, bom, data, tuple(code), _is_python(data.get("metadata")))

    def render(self, sources: Mapping[int, str]) -> bytes:
        """The file's bytes with the cells numbered in ``sources`` given those
        sources; every other byte is the file's own.

        Each changed cell's ``"source"`` value is re-encoded in the layout the file
        already uses (a list of lines, the same indentation and escaping) and
        spliced into the original text. The result is parsed back and compared
        with the original: a ``NotebookError`` is raised rather than write a file
        that differs anywhere else.
        """
        text = self.text
        try:
            spans = _source_spans(text)
            pieces: list[str] = []
            cursor = 0
            for index in sorted(sources):
                start, end = spans[index]
                pieces.append(text[cursor:start])
                pieces.append(_encode_source(text, start, end, sources[index]))
                cursor = end
            pieces.append(text[cursor:])
        except (KeyError, IndexError, ValueError) as error:
            raise NotebookError(
                f"cannot find the cells' sources in the file's JSON ({error})"
            ) from None
        except RecursionError:
            # read at the top of the stack, the JSON can be re-read deeper in a
            # fix run: nesting that only just loaded is never written back
            raise NotebookError(
                "cannot write the fixes: the notebook's JSON is nested too deeply"
            ) from None
        new_text = "".join(pieces)
        if not self._only_sources_differ(new_text, sources):
            raise NotebookError(
                "cannot write the fixes without changing the rest of the notebook"
            )
        data = new_text.encode("utf-8")
        return codecs.BOM_UTF8 + data if self.bom else data

    def _only_sources_differ(self, new_text: str, sources: Mapping[int, str]) -> bool:
        try:
            new = json.loads(new_text)
            cells = new["cells"]
            for index, source in sources.items():
                cell = cells[index - 1]
                if source_text(cell["source"]) != source:
                    return False
                cell["source"] = self.data["cells"][index - 1]["source"]
            # Compared as JSON text: a NaN in some output metadata equals itself.
            return _canonical(new) == _canonical(self.data)
        except (ValueError, RecursionError, LookupError, TypeError):
            return False


def _canonical(data: object) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def source_text(value: object) -> str | None:
    """A cell's ``source`` as one string (nbformat stores a string or a list of
    lines); None when it is neither."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    return None


def _is_python(metadata: object) -> bool:
    """Whether the notebook's kernel runs Python (assumed when it does not say)."""
    if not isinstance(metadata, dict):
        return True
    names: list[object] = []
    kernelspec = metadata.get("kernelspec")
    if isinstance(kernelspec, dict):
        names.append(kernelspec.get("language"))
    language_info = metadata.get("language_info")
    if isinstance(language_info, dict):
        names.append(language_info.get("name"))
    return all(
        not isinstance(name, str) or name.lower().startswith(("python", "ipython"))
        for name in names
    )


# ---- masking IPython syntax ------------------------------------------------------


@dataclass
class _LineScanner:
    """Tracks whether the next line starts a Python logical line (it does not
    inside a string, brackets, or after a backslash continuation)."""

    quote: str = ""
    depth: int = 0
    continued: bool = False

    @property
    def at_statement_start(self) -> bool:
        return not self.quote and not self.depth and not self.continued

    def feed(self, body: str) -> None:
        """Advance over one line (without its line ending)."""
        self.continued = False
        for match in _TOKEN.finditer(body):
            token = match.group()
            if self.quote:
                if token == self.quote or (
                    len(self.quote) == 1 and token == self.quote * 3
                ):
                    self.quote = ""  # (`'abc'''`: the string, then an empty one)
                elif token == "\\":
                    self.continued = True
                continue
            if token == "#":
                break
            if token in ("'", '"', "'''", '"""'):
                self.quote = token
            elif token in "([{":
                self.depth += 1
            elif token in ")]}":
                self.depth = max(0, self.depth - 1)
            elif token == "\\":
                self.continued = True
        if len(self.quote) == 1 and not self.continued:
            self.quote = ""  # an unterminated one-line string: a syntax error anyway


@dataclass(frozen=True)
class MaskedCell:
    """A code cell as the parser sees it: the same lines, IPython syntax masked."""

    text: str  # ends with a line ending unless empty
    python: bool = True  # False: a cell magic whose body is not Python
    # 1-based lines whose text is not the cell's own (fixes never touch them)
    masked_lines: frozenset[int] = frozenset()
    # line -> (indentation length, columns removed after it): `%time stmt` lines
    shifts: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    cell_magic_line: int = 0  # the 1-based line of a `%%` cell magic, or 0

    def source_column(self, line: int, column: int) -> int:
        """The column in the cell's own text of a 1-based column on ``line``."""
        shift = self.shifts.get(line)
        if shift is not None and column > shift[0]:
            return column + shift[1]
        return column


def mask_cell(source: str) -> MaskedCell:
    """Mask the IPython syntax of one code cell (see the module docstring)."""
    lines = split_lines(_with_final_newline(source))
    first = next((number for number, line in enumerate(lines) if line.strip()), None)
    cell_magic_line = -1
    if first is not None and lines[first].lstrip().startswith("%%"):
        magic = _CELL_MAGIC.match(lines[first].lstrip())
        if magic is None or magic.group(1) not in PYTHON_CELL_MAGICS:
            return MaskedCell("", python=False)
        cell_magic_line = first
    scanner = _LineScanner()
    out: list[str] = []
    masked: set[int] = set()
    shifts: dict[int, tuple[int, int]] = {}
    magic_continues = False
    for number, line in enumerate(lines):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        if magic_continues or number == cell_magic_line:
            out.append(ending)
            masked.add(number + 1)
            magic_continues = body.endswith("\\")
            continue
        if scanner.at_statement_start:
            stripped = body.lstrip()
            indent = body[: len(body) - len(stripped)]
            statement = _STATEMENT_MAGIC.match(stripped)
            if statement is not None and not stripped.endswith("\\"):
                code = stripped[statement.end() :]
                out.append(indent + code + ending)
                masked.add(number + 1)
                shifts[number + 1] = (len(indent), statement.end())
                scanner.feed(indent + code)
                continue
            if _is_escape(stripped):
                out.append(indent + "pass" + ending)
                masked.add(number + 1)
                magic_continues = body.endswith("\\")
                continue
        scanner.feed(body)
        out.append(line)
    return MaskedCell(
        "".join(out), True, frozenset(masked), shifts, cell_magic_line + 1
    )


def _is_escape(stripped: str) -> bool:
    """Whether a logical line (without indentation) is IPython syntax."""
    if not stripped or stripped.startswith("#"):
        return False
    return (
        stripped.startswith(_ESCAPES)
        or _ASSIGN_MAGIC.match(stripped) is not None
        or _HELP_END.fullmatch(stripped.rstrip()) is not None
    )


# ---- joining the cells -------------------------------------------------------------


@dataclass(frozen=True)
class CellSyntaxError:
    """A code cell left out of the module because it does not parse."""

    cell: int
    line: int
    column: int
    message: str


@dataclass(frozen=True)
class CellPart:
    """Where one code cell sits in the joined module."""

    cell: CodeCell
    masked: MaskedCell
    start: int  # offset of the cell's first character in the module
    first_line: int  # the module's 1-based line of the cell's first line
    line_count: int
    # 0-based offsets of each line start in the masked and the original text, plus
    # the texts' lengths (the lines correspond one to one)
    masked_starts: tuple[int, ...]
    source_starts: tuple[int, ...]

    @property
    def end(self) -> int:
        """Offset just after the cell's last character in the module."""
        return self.start + len(self.masked.text)


def _line_starts(lines: Sequence[str]) -> tuple[int, ...]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return tuple(starts)


@dataclass(frozen=True)
class _PreparedCell:
    cell: CodeCell
    masked: MaskedCell
    error: CellSyntaxError | None


def _prepare(cell: CodeCell) -> _PreparedCell | None:
    """Mask a cell and check it parses on its own; None for a cell with no Python."""
    if not cell.source.strip():
        return None
    masked = mask_cell(cell.source)
    if not masked.python or not masked.text.strip():
        return None
    try:
        compile(masked.text, "<cell>", "exec", flags=_COMPILE_FLAGS, dont_inherit=True)
    except SyntaxError as error:
        line = max(1, error.lineno or 1)
        column = masked.source_column(line, max(1, error.offset or 1))
        message = f"SyntaxError: {error.msg}"
        return _PreparedCell(
            cell, masked, CellSyntaxError(cell.index, line, column, message)
        )
    except (ValueError, RecursionError, MemoryError) as error:
        message = f"SyntaxError: {error}"
        return _PreparedCell(cell, masked, CellSyntaxError(cell.index, 1, 1, message))
    return _PreparedCell(cell, masked, None)


class JoinedCells:
    """A notebook's code cells as one module, with the map back to cells.

    Empty cells and cells of other languages (``%%bash``) are left out; so is a
    cell that does not parse on its own (``errors``), and the others are still
    linted. Each cell ends with a line ending, so cells meet at statement
    boundaries and a line of the module is a line of exactly one cell.
    """

    def __init__(
        self,
        cells: tuple[CodeCell, ...],
        prepared: Sequence[_PreparedCell],
        rejected: Mapping[int, CellSyntaxError],
    ) -> None:
        """Join the prepared cells that parse and are not ``rejected``."""
        self.cells = cells
        self.errors: list[CellSyntaxError] = []
        self.module: cst.Module | None = None
        self._prepared = prepared
        self._rejected = rejected
        parts: list[CellPart] = []
        pieces: list[str] = []
        offset, line = 0, 1
        for item in prepared:
            error = item.error or rejected.get(item.cell.index)
            if error is not None:
                self.errors.append(error)
                continue
            masked_lines = split_lines(item.masked.text)
            source_lines = split_lines(_with_final_newline(item.cell.source))
            parts.append(
                CellPart(
                    item.cell,
                    item.masked,
                    offset,
                    line,
                    len(masked_lines),
                    _line_starts(masked_lines),
                    _line_starts(source_lines),
                )
            )
            pieces.append(item.masked.text)
            offset += len(item.masked.text)
            line += len(masked_lines)
        self.parts = tuple(parts)
        self.text = "".join(pieces)
        self._first_lines = [part.first_line for part in parts]
        self._starts = [part.start for part in parts]

    @classmethod
    def build(cls, cells: Sequence[CodeCell]) -> JoinedCells:
        """Mask each cell, check it parses on its own (CPython), and join them."""
        prepared = [item for item in map(_prepare, cells) if item is not None]
        return cls(tuple(cells), prepared, {})

    def rebuilt(self, cells: Sequence[CodeCell]) -> JoinedCells:
        """The same notebook with some cells changed (unchanged ones are reused)."""
        known = {item.cell: item for item in self._prepared}
        prepared = []
        for cell in cells:
            item = known[cell] if cell in known else _prepare(cell)
            if item is not None:
                prepared.append(item)
        return JoinedCells(tuple(cells), prepared, {})

    def parse(self) -> JoinedCells:
        """The cells with the module parsed by libcst; a cell it rejects although
        CPython accepted it (syntax newer than libcst knows) is left out too."""
        if self.module is not None:
            return self
        joined = self
        rejected = dict(self._rejected)
        while joined.parts:
            try:
                joined.module = cst.parse_module(joined.text)
            except cst.ParserSyntaxError as error:
                part = joined.part_at_line(error.raw_line)
                line = error.raw_line - part.first_line + 1
                column = part.masked.source_column(line, error.raw_column + 1)
                message = f"SyntaxError: {parser_error_message(error)}"
                rejected[part.cell.index] = CellSyntaxError(
                    part.cell.index, line, column, message
                )
                joined = JoinedCells(self.cells, self._prepared, rejected)
                continue
            break
        return joined

    # ---- positions ---------------------------------------------------------------

    def part_at_line(self, line: int) -> CellPart:
        """The cell that holds a 1-based line of the module."""
        index = max(0, bisect.bisect_right(self._first_lines, line) - 1)
        return self.parts[index]

    def locate(self, line: int, column: int) -> tuple[int, int, int]:
        """``(cell, line, column)`` of a 1-based module position."""
        part = self.part_at_line(line)
        local = line - part.first_line + 1
        return part.cell.index, local, part.masked.source_column(local, column)

    def locate_range(
        self, line: int, column: int, end_line: int, end_column: int
    ) -> tuple[int, int, int, int, int]:
        """``(cell, line, column, end_line, end_column)`` of a module range; a range
        that runs past its cell is cut at the cell's end."""
        cell, local, local_column = self.locate(line, column)
        end_part = self.part_at_line(end_line)
        if end_part.cell.index != cell:
            part = self.part_at_line(line)
            last = split_lines(part.masked.text)[-1].rstrip("\r\n")
            return cell, local, local_column, part.line_count, len(last) + 1
        _, local_end, local_end_column = self.locate(end_line, end_column)
        return cell, local, local_column, local_end, local_end_column

    def _part_at_offset(self, offset: int, after: bool) -> CellPart:
        """The cell holding a module offset; at a boundary between two cells, the
        earlier one when ``after`` (text inserted after what precedes it)."""
        probe = offset - 1 if after and offset > 0 else offset
        index = max(0, bisect.bisect_right(self._starts, probe) - 1)
        return self.parts[index]

    def edit_cell(
        self, start: int, end: int, content: str, after: bool
    ) -> tuple[int, int, int, int, int] | None:
        """``(cell, line, column, end_line, end_column)`` of a fix's edit of the
        module text, or None when the edit cannot be written back to one cell:
        it spans two cells or touches a masked (IPython) line."""
        if not self.parts:
            return None
        part = self._part_at_offset(start, after and start == end)
        local_start, local_end = start - part.start, end - part.start
        if local_start < 0 or local_end > len(part.masked.text):
            return None
        if _touches_masked(part, local_start, local_end, content):
            return None
        line, column = _local_location(part, local_start)
        end_line, end_column = _local_location(part, local_end)
        return part.cell.index, line, column, end_line, end_column

    # ---- writing fixes back --------------------------------------------------------

    def with_edits(self, edits: Iterable[TextEdit]) -> tuple[CodeCell, ...] | None:
        """The code cells after ``edits`` (module offsets, each tagged with its
        cell by ``edit_cell``), applied to the cells' own sources; None when an
        edit cannot be written back or would change a magic line."""
        by_cell: dict[int, list[TextEdit]] = {}
        parts = {part.cell.index: part for part in self.parts}
        for edit in edits:
            part = parts.get(edit.cell or 0)
            if part is None:
                return None
            start, end = edit.start - part.start, edit.end - part.start
            if start < 0 or end > len(part.masked.text):
                return None
            if _touches_masked(part, start, end, edit.content):
                return None
            mapped = TextEdit(
                _source_offset(part, start),
                _source_offset(part, end),
                edit.content,
                edit.location,
                edit.end_location,
                edit.cell,
            )
            by_cell.setdefault(part.cell.index, []).append(mapped)
        cells: list[CodeCell] = []
        for cell in self.cells:
            cell_edits = by_cell.get(cell.index)
            if not cell_edits:
                cells.append(cell)
                continue
            base = _with_final_newline(cell.source)
            source = apply_edits(base, cell_edits)
            if base != cell.source:  # Jupyter's style: no newline after the last line
                source = _NEWLINE_AT_END.sub("", source, count=1)
            if _magic_lines(source) != _magic_lines(cell.source):
                return None
            cells.append(CodeCell(cell.index, source, cell.execution_count))
        return tuple(cells)


_NEWLINE_AT_END = re.compile(r"(?:\r\n|\r|\n)\Z")


def _magic_lines(source: str) -> list[str]:
    masked = mask_cell(source)
    lines = split_lines(_with_final_newline(source))
    if not masked.python:
        return lines
    return [lines[number - 1].rstrip("\r\n") for number in sorted(masked.masked_lines)]


def _touches_masked(part: CellPart, start: int, end: int, content: str) -> bool:
    """Whether an edit of the cell's masked text changes or glues onto a masked
    line, or goes before a cell magic."""
    masked = part.masked
    starts = part.masked_starts
    for number in masked.masked_lines:
        line_start, next_start = starts[number - 1], starts[number]
        if start < next_start and end > line_start:
            return True
        if end == line_start:
            # The masked line must still start a line after the edit.
            before = content[-1:] or (masked.text[start - 1 : start] if start else "\n")
            if before not in ("\n", "\r"):
                return True
        if number == masked.cell_magic_line and start < next_start:
            return True  # nothing may go before or on a `%%` line
    return False


def _local_location(part: CellPart, offset: int) -> tuple[int, int]:
    starts = part.masked_starts
    index = bisect.bisect_right(starts, offset) - 1
    index = min(index, part.line_count)  # the very end: one past the last line
    line = index + 1
    return line, part.masked.source_column(line, offset - starts[index] + 1)


def _source_offset(part: CellPart, offset: int) -> int:
    """The offset in the cell's own text (with a final newline) of an offset in
    its masked text that is not inside a masked line."""
    starts = part.masked_starts
    index = bisect.bisect_right(starts, offset) - 1
    return part.source_starts[index] + offset - starts[index]


# ---- what rules see --------------------------------------------------------------------


@dataclass(frozen=True)
class CellInfo:
    """One code cell of the module being linted, for rules (``ctx.notebook``)."""

    index: int  # 1-based position in the notebook's `cells` list
    execution_count: int | None  # None: not run (or outputs cleared)
    first_line: int  # the module lines the cell occupies
    last_line: int


class NotebookView:
    """What a rule may ask about a notebook: its code cells, and which cell a node
    is in. Rules reach it as ``self.ctx.notebook`` (None for a ``.py`` file)."""

    def __init__(self, joined: JoinedCells) -> None:
        """Describe the cells of ``joined`` (parsed)."""
        self._joined = joined
        self._index: LineIndex | None = None
        self.cells = tuple(
            CellInfo(
                part.cell.index,
                part.cell.execution_count,
                part.first_line,
                part.first_line + part.line_count - 1,
            )
            for part in joined.parts
        )

    def cells_of(self, nodes: Sequence[cst.CSTNode]) -> list[CellInfo]:
        """The cell each node of the module is in. Positions cost a code-generation
        pass: ask once, for all the nodes, after the traversal."""
        module = self._joined.module
        if module is None or not nodes:
            return []
        spans = compute_spans(module, nodes)
        if self._index is None:
            self._index = LineIndex(self._joined.text)
        by_part = {id(part): info for part, info in zip(self._joined.parts, self.cells)}
        found: list[CellInfo] = []
        for node in nodes:
            line, _ = self._index.location(spans[id(node)].syntax_start)
            found.append(by_part[id(self._joined.part_at_line(line))])
        return found


# ---- splicing sources into the JSON text ------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, position: int) -> int:
    match = _WHITESPACE.match(text, position)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _expect(text: str, position: int, char: str) -> None:
    if text[position] != char:
        raise ValueError(f"expected {char!r} at offset {position}")


def _walk_object(text: str, position: int, value: Callable[[str, int], int]) -> int:
    """Walk the JSON object at ``position``: ``value(key, start)`` handles each
    member's value and returns where it ends. Returns the object's end."""
    position = _skip(text, position)
    _expect(text, position, "{")
    position = _skip(text, position + 1)
    if text[position] == "}":
        return position + 1
    while True:
        key, position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        _expect(text, position, ":")
        position = value(str(key), _skip(text, position + 1))
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)
            continue
        _expect(text, position, "}")
        return position + 1


def _array_items(text: str, position: int) -> tuple[list[tuple[int, int]], int]:
    """The spans of the items of the JSON array at ``position``, and its end."""
    _expect(text, position, "[")
    position = _skip(text, position + 1)
    items: list[tuple[int, int]] = []
    if text[position] == "]":
        return items, position + 1
    while True:
        _, end = _DECODER.raw_decode(text, position)
        items.append((position, end))
        position = _skip(text, end)
        if text[position] == ",":
            position = _skip(text, position + 1)
            continue
        _expect(text, position, "]")
        return items, position + 1


def _source_spans(text: str) -> dict[int, tuple[int, int]]:
    """The span of each cell's ``"source"`` value in the notebook's JSON text, by
    1-based cell index."""
    spans: dict[int, tuple[int, int]] = {}

    def skip(_key: str, position: int) -> int:
        return int(_DECODER.raw_decode(text, position)[1])

    def cells(key: str, position: int) -> int:
        if key != "cells":
            return skip(key, position)
        _expect(text, position, "[")
        position = _skip(text, position + 1)
        if text[position] == "]":
            return position + 1
        index = 0
        while True:
            index += 1
            number = index

            def source(key: str, start: int) -> int:
                end = skip(key, start)
                if key == "source":
                    spans[number] = (start, end)
                return end

            position = _skip(text, _walk_object(text, position, source))
            if text[position] == ",":
                position = _skip(text, position + 1)
                continue
            _expect(text, position, "]")
            return position + 1

    _walk_object(text, 0, cells)
    return spans


def _encode_source(text: str, start: int, end: int, source: str) -> str:
    """A cell's new ``"source"`` value, written as the file writes the old one."""
    ensure_ascii = text.isascii()
    if text[start] != "[":
        return json.dumps(source, ensure_ascii=ensure_ascii)
    items, _ = _array_items(text, start)
    # Unchanged lines keep their exact bytes (whatever escaping the writer used).
    raw: dict[str, str] = {}
    for item_start, item_end in items:
        value = _DECODER.raw_decode(text, item_start)[0]
        if isinstance(value, str):
            raw.setdefault(value, text[item_start:item_end])
    encoded = [
        raw[line] if line in raw else json.dumps(line, ensure_ascii=ensure_ascii)
        for line in source.splitlines(keepends=True)
    ]
    if not encoded:
        return "[]"
    if items:
        opening = text[start + 1 : items[0][0]]
        closing = text[items[-1][1] : end - 1]
        if len(items) > 1:
            separator = text[items[0][1] : items[1][0]]
        else:
            separator = ("," + opening) if opening else ", "
    else:  # `[]` before: lay the lines out as the file lays out other lists
        line_start = text.rfind("\n", 0, start) + 1
        indent = re.match(r"[ \t]*", text[line_start:start])
        key_indent = indent.group() if indent is not None else ""
        unit = re.match(r"\{(?:\r\n|\n)([ \t]+)", text)
        newline = "\r\n" if "\r\n" in text[: start + 1] else "\n"
        opening = newline + key_indent + (unit.group(1) if unit else " ")
        closing = newline + key_indent
        separator = "," + opening
    return "[" + opening + separator.join(encoded) + closing + "]"


# ---- notebooks from scripts, diffs ----------------------------------------------------


def notebook_from_script(script: str) -> str:
    """A notebook (nbformat 4, laid out as Jupyter saves it) from a script whose
    code cells start with nbconvert's ``# In[7]:`` markers (``# In[ ]:`` for a cell
    that was not run): how notebook examples of rules are written."""
    markers = list(_SCRIPT_CELL.finditer(script))
    cells: list[dict[str, Any]] = []
    for number, marker in enumerate(markers):
        end = markers[number + 1].start() if number + 1 < len(markers) else len(script)
        source = script[marker.end() : end].strip("\n")
        count = marker.group(1).strip()
        cells.append(
            {
                "cell_type": "code",
                "execution_count": int(count) if count else None,
                "id": f"cell-{number + 1}",
                "metadata": {},
                "outputs": [],
                "source": source.splitlines(keepends=True),
            }
        )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def looks_like_notebook(code: str) -> bool:
    """Whether example code is a notebook: JSON, or ``# In[n]:`` cells."""
    stripped = code.lstrip()
    return stripped.startswith("{") or stripped.startswith("# In[")


def cells_diff(path: str, before: Sequence[CodeCell], after: Sequence[CodeCell]) -> str:
    """A unified diff of the cells that changed, one per cell (``path:cell 3``)."""
    chunks: list[str] = []
    for old, new in zip(before, after):
        if old.source == new.source:
            continue
        name = f"{path}:cell {old.index}"
        chunks.append(
            text_diff(
                name, _with_final_newline(old.source), _with_final_newline(new.source)
            )
        )
    return "".join(chunks)
