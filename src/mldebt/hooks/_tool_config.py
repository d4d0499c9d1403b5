"""Read other tools' settings the way those tools find them.

The quality hooks make isort agree with black and pydocstyle and mypy start from
the project's own settings, so they read ``[tool.black]``, ``[tool.pydocstyle]``
and ``[tool.mypy]`` themselves. Every reader is forgiving: a file that is missing
or does not parse counts as "no settings", because the tool itself will report a
broken config file far better than a wrapper can.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

BLACK_DEFAULT_LINE_LENGTH = 88


def load_toml(path: Path) -> dict[str, Any]:
    """The TOML document at ``path``, or an empty dict when it is missing or invalid."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return {}


def parse_toml(data: bytes) -> dict[str, Any]:
    """The TOML document in ``data``, strictly: unlike :func:`load_toml`, for a
    caller that must not mistake a broken file for an empty one.

    Raises
    ------
    ValueError
        With the parser's one-line reason, when ``data`` is not UTF-8 TOML.
    """
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 ({error.reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(str(error)) from None
    except RecursionError:
        raise ValueError("nested too deeply") from None


def tool_table(document: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    """``[tool.<name>]`` of a pyproject document, or None when it has none."""
    tool = document.get("tool")
    if not isinstance(tool, dict):
        return None
    table = tool.get(name)
    return table if isinstance(table, dict) else None


def common_base(paths: Sequence[str]) -> Path:
    """The deepest folder containing every path (the current folder without paths)."""
    if not paths:
        return Path.cwd()
    absolute = [Path(os.path.abspath(path)) for path in paths]
    folders = [path if path.is_dir() else path.parent for path in absolute]
    try:
        return Path(os.path.commonpath([str(folder) for folder in folders]))
    except ValueError:  # different drives on Windows: no common folder
        return Path.cwd()


def folders_up_to_repository_root(start: Path) -> Iterator[Path]:
    """``start`` and its parents, stopping after the first folder with ``.git``/``.hg``."""
    for folder in (start, *start.parents):
        yield folder
        if (folder / ".git").exists() or (folder / ".hg").is_dir():
            return


@dataclass(frozen=True)
class BlackSettings:
    """The black settings isort must agree with, and where they came from."""

    line_length: int = BLACK_DEFAULT_LINE_LENGTH
    magic_trailing_comma: bool = True
    source: Path | None = None


def _black_key(table: Mapping[str, Any], name: str) -> Any:
    """A black option by its dashed or underscored spelling, as black accepts both."""
    for key, value in table.items():
        if key.replace("--", "").replace("-", "_") == name:
            return value
    return None


def find_black_settings(paths: Sequence[str]) -> BlackSettings:
    """Black's settings for ``paths``, found the way black finds its project root.

    Black walks up from the folder common to the files; the first folder with
    ``.git``, ``.hg`` or a ``pyproject.toml`` that has ``[tool.black]`` is the
    project root, and that root's ``pyproject.toml`` holds the settings.
    """
    for folder in folders_up_to_repository_root(common_base(paths)):
        pyproject = folder / "pyproject.toml"
        if not pyproject.is_file():
            continue
        table = tool_table(load_toml(pyproject), "black")
        if table is None:
            continue
        line_length = _black_key(table, "line_length")
        if isinstance(line_length, str) and line_length.strip().isdigit():
            line_length = int(line_length)
        if not isinstance(line_length, int) or isinstance(line_length, bool):
            line_length = BLACK_DEFAULT_LINE_LENGTH
        skip_magic = _black_key(table, "skip_magic_trailing_comma")
        return BlackSettings(
            line_length=line_length,
            magic_trailing_comma=skip_magic not in (True, "true", "True"),
            source=pyproject,
        )
    return BlackSettings()


@dataclass(frozen=True)
class SectionFound:
    """A tool's settings section and the file it was read from."""

    path: Path
    values: dict[str, Any]


def _ini_section(path: Path, names: Sequence[str]) -> dict[str, Any] | None:
    parser = configparser.RawConfigParser(inline_comment_prefixes=("#", ";"))
    try:
        if not parser.read(path, encoding="utf-8"):
            return None
    except (configparser.Error, UnicodeDecodeError):
        return None
    for name in names:
        if parser.has_section(name):
            return dict(parser.items(name))
    return None


def find_section(
    start: Path, files: Sequence[str], ini_sections: Sequence[str], tool: str
) -> SectionFound | None:
    """The first config file, walking up from ``start``, that has the tool's section.

    In each folder ``files`` are tried in order: ``pyproject.toml`` is read for
    ``[tool.<tool>]``, any other file as INI for one of ``ini_sections``. The walk
    stops at the repository root.
    """
    for folder in folders_up_to_repository_root(start):
        for name in files:
            path = folder / name
            if not path.is_file():
                continue
            if name.endswith(".toml"):
                values = tool_table(load_toml(path), tool)
            else:
                values = _ini_section(path, ini_sections)
            if values is not None:
                return SectionFound(path, values)
    return None
