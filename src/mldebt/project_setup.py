"""``mldebt init``: set a project up with mldebt's hooks, already agreeing.

It writes two things in the project folder:

- ``.pre-commit-config.yaml`` with every mldebt hook, ``rev`` pinned to this
  version's tag, fixers (isort, black) before checkers. An existing config is never
  overwritten: ``--merge`` adds the missing hooks to it as text, keeping every
  line, comment and indentation of the user's YAML.
- ``[tool.black]``, ``[tool.isort]``, ``[tool.pydocstyle]``, ``[tool.mypy]`` and
  ``[tool.mldebt]`` in ``pyproject.toml``, through tomlkit so nothing already there
  is lost or reformatted. A missing table is added whole; an existing one only
  gets the keys the tools need to agree (isort's ``profile`` and ``line_length``,
  pydocstyle's ``convention`` when it selects nothing itself). Existing values are
  never changed.

Running it again changes nothing. ``--dry-run`` prints the changes as a unified
diff and writes nothing. Exit codes: 0 done (or nothing to do), 1 refused (an
existing config without ``--merge``, or one that cannot be merged safely), 2 usage
error (not a folder, a file that does not parse).

tomlkit and PyYAML are imported here only, never by ``mldebt check``.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mldebt import __version__
from mldebt.rules.raw_data_overwrite import DEFAULT_RAW_DATA_DIRS

if TYPE_CHECKING:
    import yaml
    from tomlkit.items import Table
    from tomlkit.toml_document import TOMLDocument

REPO_URL = "https://github.com/mldebt/mldebt"
CONFIG_NAME = ".pre-commit-config.yaml"
PYPROJECT_NAME = "pyproject.toml"
EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

# The order that works: fixers rewrite files first, then the checkers see the
# result. check-ast comes first among the checkers: nothing else is worth reading
# on a file that does not parse.
FIXERS = ("isort", "black")
CHECKERS = (
    "check-ast",
    "mldebt",
    "pydocstyle",
    "mypy",
    "raw-data-immutable",
    "check-data-files",
)
HOOK_IDS = FIXERS + CHECKERS
HOOK_COMMENTS = {
    "isort": "fixers first: they rewrite files",
    "check-ast": "then the checkers",
    "mldebt": "or mldebt-fix: apply safe fixes, then report",
    "pydocstyle": "archived upstream; delete this line to turn it off",
    "mypy": "sees the packages of .venv/, venv/ or $VIRTUAL_ENV",
}
BLACK_LINE_LENGTH = 88
DEFAULT_CONVENTION = "numpy"


class InitError(Exception):
    """A reason to stop without writing anything; the message is one line."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        """Stop with ``message`` and ``exit_code`` (2 usage error, 1 refused)."""
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class FileChange:
    """One file's text before (None: no such file) and after, and what was added."""

    path: Path
    before: str | None
    after: str
    detail: str = ""

    @property
    def changed(self) -> bool:
        """Whether writing ``after`` would change the file."""
        return self.before != self.after

    def summary(self, dry_run: bool) -> str:
        """One line for the user: what was (or would be) done to the file."""
        name = self.path.name
        if not self.changed:
            return f"{name}: unchanged" + (f" ({self.detail})" if self.detail else "")
        if self.before is None:
            verb = "would write" if dry_run else "wrote"
        else:
            verb = "would update" if dry_run else "updated"
        return f"{verb} {name}" + (f": {self.detail}" if self.detail else "")


@dataclass
class Plan:
    """What ``mldebt init`` would write, and the notes to show the user."""

    changes: list[FileChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- .pre-commit-config.yaml -------------------------------------------------

_PLAIN_YAML = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./:@~+-]*")


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML string: plain when it reads back as itself, else quoted.

    ``1.0`` or ``true`` would read back as a number or a boolean, and pre-commit
    wants strings.
    """
    import yaml

    if _PLAIN_YAML.fullmatch(value) and yaml.safe_load(f"k: {value}") == {"k": value}:
        return value
    return "'" + value.replace("'", "''") + "'"


def hook_lines(
    hook_ids: Sequence[str], indent: int, comments: bool = False, gap: int = 1
) -> list[str]:
    """``- id: NAME`` lines: ``-`` at column ``indent``, then ``gap`` spaces.

    With ``comments``, the hooks that have a short comment get it.
    """
    lines = []
    for hook_id in hook_ids:
        line = " " * indent + "-" + " " * gap + f"id: {hook_id}"
        if comments and hook_id in HOOK_COMMENTS:
            line = f"{line:<31} # {HOOK_COMMENTS[hook_id]}"
        lines.append(line)
    return lines


def render_config(repo: str, rev: str) -> str:
    """The whole ``.pre-commit-config.yaml`` that ``mldebt init`` writes."""
    lines = [
        "# Set up by `mldebt init`. The hooks agree with each other: isort sorts with",
        "# black's profile and line length, pydocstyle checks one convention, mypy",
        "# sees the project's virtualenv. Fixers run first, then the checkers.",
        "repos:",
        f"  - repo: {yaml_scalar(repo)}",
        f"    rev: {yaml_scalar(rev)}",
        "    hooks:",
        *hook_lines(HOOK_IDS, 6, comments=True),
    ]
    return "\n".join(lines) + "\n"


def normalise_url(url: str) -> str:
    """A repo URL without a trailing slash or ``.git``, to compare two spellings."""
    url = url.strip().rstrip("/")
    return url[: -len(".git")] if url.endswith(".git") else url


def existing_hooks(data: Any) -> dict[str, str]:
    """Hook id -> the repo it comes from, for every hook of a loaded config."""
    found: dict[str, str] = {}
    if not isinstance(data, dict) or not isinstance(data.get("repos"), list):
        return found
    for repo in data["repos"]:
        if not isinstance(repo, dict) or not isinstance(repo.get("hooks"), list):
            continue
        for hook in repo["hooks"]:
            if isinstance(hook, dict) and isinstance(hook.get("id"), str):
                found.setdefault(hook["id"], str(repo.get("repo", "?")))
    return found


@dataclass
class ParsedConfig:
    """An existing pre-commit config: its text, its data and its node tree."""

    text: str
    data: dict[str, Any]
    root: yaml.Node

    @property
    def hooks(self) -> dict[str, str]:
        """Hook id -> repo, for the hooks the config already has."""
        return existing_hooks(self.data)


def parse_config(text: str) -> ParsedConfig:
    """Load a pre-commit config for merging.

    Raises
    ------
    InitError
        When it is not YAML, or not a config with a ``repos:`` list.
    """
    import yaml

    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InitError(f"{CONFIG_NAME}: not valid YAML: {problem}{where}") from None
    if root is None or not isinstance(data, dict) or "repos" not in data:
        raise InitError(
            f"{CONFIG_NAME}: not a pre-commit config with a `repos:` list "
            "(an old-style list: run `pre-commit migrate-config` first)"
        )
    return ParsedConfig(text, data, root)


def last_content_line(node: yaml.Node) -> int:
    """The last line (0-based) holding part of ``node``'s content.

    A block collection ends where the next token starts, maybe lines later, so
    the end is taken from the scalars and flow collections inside it.
    """
    import yaml

    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        mark = node.end_mark
        return mark.line if mark.column > 0 else mark.line - 1
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    if not children:
        return node.start_mark.line
    return max(last_content_line(child) for child in children)


def mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    """The value node of ``key`` in a mapping node, or None."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node if isinstance(value_node, yaml.Node) else None
    return None


def scalar_value(node: yaml.Node, key: str) -> str | None:
    """The text of ``key``'s value in a mapping node, when it is a scalar."""
    import yaml

    value = mapping_value(node, key)
    return str(value.value) if isinstance(value, yaml.ScalarNode) else None


def block_items(node: yaml.Node | None) -> tuple[int, list[yaml.Node]]:
    """The column of the ``-`` of a block sequence node, and its items.

    The items are empty for an empty or flow sequence, or any other node.
    """
    import yaml

    if isinstance(node, yaml.SequenceNode) and not node.flow_style:
        return node.start_mark.column, list(node.value)
    return 0, []


class ConfigEdit:
    """Insertions of whole lines into a config's text, every other byte kept."""

    def __init__(self, text: str) -> None:
        """Prepare to insert lines into ``text``."""
        # Split where YAML breaks lines (not str.splitlines, which also breaks at
        # form feeds and other separators), so line numbers match PyYAML's marks.
        self.lines = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.inserts: list[tuple[int, list[str]]] = []

    def _is_comment(self, index: int, min_indent: int) -> bool:
        line = self.lines[index]
        stripped = line.lstrip(" ")
        return stripped.startswith("#") and len(line) - len(stripped) >= min_indent

    def before_item(self, item: yaml.Node, dash_column: int) -> int:
        """The line index before ``item`` and the comment lines right above it."""
        index = item.start_mark.line
        while index > 0 and self._is_comment(index - 1, dash_column):
            index -= 1
        return index

    def after_item(self, item: yaml.Node, dash_column: int) -> int:
        """The line index after ``item``'s content and its indented comments."""
        index = last_content_line(item) + 1
        while index < len(self.lines) and self._is_comment(index, dash_column + 1):
            index += 1
        return index

    def insert(self, index: int, lines: list[str]) -> None:
        """Insert ``lines`` (without line ends) before line ``index``."""
        self.inserts.append((index, lines))

    def text(self) -> str:
        """The text with every insertion made."""
        lines = list(self.lines)
        appends = any(index >= len(lines) for index, _ in self.inserts)
        if appends and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += self.newline
        for index, new in sorted(self.inserts, key=lambda insert: -insert[0]):
            lines[index:index] = [line + self.newline for line in new]
        return "".join(lines)


@dataclass(frozen=True)
class Indentation:
    """The columns of a config's ``-`` and keys, in repo and in hook entries."""

    dash: int = 2
    key: int = 4
    hook_dash: int = 6
    hook_key: int = 8

    @classmethod
    def of(cls, dash: int, item: yaml.Node) -> Indentation:
        """The indentation of a config whose first repo entry is ``item``."""
        key = item.start_mark.column
        hook_dash, hooks = block_items(mapping_value(item, "hooks"))
        if not hooks:
            return cls(dash, key, key + 2, key + 4)
        return cls(dash, key, hook_dash, hooks[0].start_mark.column)

    def hooks(self, hook_ids: Sequence[str]) -> list[str]:
        """``- id:`` lines for ``hook_ids``."""
        gap = max(self.hook_key - self.hook_dash - 1, 1)
        return hook_lines(hook_ids, self.hook_dash, gap=gap)

    def repo(self, repo: str, rev: str, hook_ids: Sequence[str]) -> list[str]:
        """A ``- repo:`` entry for ``hook_ids``."""
        gap = max(self.key - self.dash - 1, 1)
        return [
            " " * self.dash + "-" + " " * gap + f"repo: {yaml_scalar(repo)}",
            " " * self.key + f"rev: {yaml_scalar(rev)}",
            " " * self.key + "hooks:",
            *self.hooks(hook_ids),
        ]


def merge_config(config: ParsedConfig, repo: str, rev: str) -> tuple[str, list[str]]:
    """Add the missing mldebt hooks to an existing config, as text.

    Returns the new text and notes. Missing fixers go first (before the config's
    own hooks), missing checkers last: into the config's entry for ``repo`` when
    it has one, else as new ``- repo:`` entries. New lines copy the indentation
    of the config's own entries.

    Raises
    ------
    InitError
        When the layout leaves no safe place for the hooks (nothing is written).
    """
    present = config.hooks
    fixers = [hook for hook in FIXERS if hook not in present]
    checkers = [hook for hook in CHECKERS if hook not in present]
    if not fixers and not checkers:
        return config.text, []
    dash, repos = block_items(mapping_value(config.root, "repos"))
    if not repos:
        raise InitError(
            f"{CONFIG_NAME}: `repos:` is empty or a flow list ([...]); add "
            "mldebt's hooks by hand (`mldebt init --dry-run` in an empty folder "
            "shows them)",
            EXIT_REFUSED,
        )
    edit = ConfigEdit(config.text)
    notes: list[str] = []
    target = normalise_url(repo)
    ours = [
        item
        for item in repos
        if normalise_url(scalar_value(item, "repo") or "") == target
    ]
    hook_dash, hooks = block_items(mapping_value(ours[0], "hooks") if ours else None)
    if hooks:
        indentation = Indentation.of(dash, ours[0])
        if fixers:
            edit.insert(
                edit.before_item(hooks[0], hook_dash), indentation.hooks(fixers)
            )
        if checkers:
            edit.insert(
                edit.after_item(hooks[-1], hook_dash), indentation.hooks(checkers)
            )
        pinned = scalar_value(ours[0], "rev")
        if pinned is not None and pinned != rev:
            notes.append(
                f"your mldebt entry pins rev {pinned}, this mldebt is {rev}: the "
                "hooks added need a rev that has them (`pre-commit autoupdate`)"
            )
    else:
        indentation = Indentation.of(dash, repos[0])
        comment = " " * dash + "# mldebt's "
        if fixers:
            edit.insert(
                edit.before_item(repos[0], dash),
                [comment + "fixers first, so every hook sees their output"]
                + indentation.repo(repo, rev, fixers),
            )
        if checkers:
            edit.insert(
                edit.after_item(repos[-1], dash),
                [comment + "checkers"] + indentation.repo(repo, rev, checkers),
            )
    merged = edit.text()
    check_merged(merged, present, fixers + checkers, repo)
    return merged, notes


def check_merged(
    merged: str, before: dict[str, str], added: Sequence[str], repo: str
) -> None:
    """Refuse a merge whose text does not read back as the intended config."""
    import yaml

    try:
        after = existing_hooks(yaml.safe_load(merged))
    except yaml.YAMLError:
        after = {}
    expected = {**before, **{hook: repo for hook in added}}
    if {hook: normalise_url(url) for hook, url in after.items()} != {
        hook: normalise_url(url) for hook, url in expected.items()
    }:
        raise InitError(
            f"{CONFIG_NAME}: cannot add mldebt's hooks safely to this layout; "
            f"add them by hand: {', '.join(added)}",
            EXIT_REFUSED,
        )


def plan_config(root: Path, repo: str, rev: str, merge: bool) -> Plan:
    """The change to ``.pre-commit-config.yaml``: a new file, a merge, or none."""
    path = root / CONFIG_NAME
    fresh = render_config(repo, rev)
    before = read_text(path)
    if before is None:
        return Plan(
            [FileChange(path, None, fresh, f"{len(HOOK_IDS)} hooks, rev {rev}")]
        )
    if before == fresh:
        return Plan([FileChange(path, before, before)])
    config = parse_config(before)
    present = config.hooks
    missing = [hook for hook in HOOK_IDS if hook not in present]
    notes = [
        f"kept your `{hook}` hook from {source}; mldebt's pre-agreed `{hook}` "
        "was not added (remove yours and rerun `mldebt init --merge` to use it)"
        for hook, source in present.items()
        if hook in HOOK_IDS and normalise_url(source) != normalise_url(repo)
    ]
    if not missing:
        return Plan([FileChange(path, before, before, "has every hook")], notes)
    if not merge:
        raise InitError(
            f"{CONFIG_NAME} already exists and lacks mldebt's "
            f"{', '.join(missing)} hook{'s' if len(missing) > 1 else ''}; "
            "rerun with --merge to add them (nothing was written)",
            EXIT_REFUSED,
        )
    merged, merge_notes = merge_config(config, repo, rev)
    detail = f"added {', '.join(missing)}"
    return Plan([FileChange(path, before, merged, detail)], notes + merge_notes)


# --- pyproject.toml ------------------------------------------------------------


def _int_value(table: Any, *keys: str) -> int | None:
    if table is None:
        return None
    for key in keys:
        value = table.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
    return None


def _new_table(comment: str | None = None) -> Table:
    import tomlkit

    table = tomlkit.table()
    if comment is not None:
        table.add(tomlkit.comment(comment))
    return table


def recommended_tables(line_length: int) -> dict[str, Table]:
    """The ``[tool.*]`` tables ``mldebt init`` adds when a project has none."""
    import tomlkit

    black = _new_table()
    black.add("line-length", line_length)
    isort = _new_table("mldebt's isort hook sorts with black's profile and line length")
    isort.add("profile", "black")
    isort.add("line_length", line_length)
    pydocstyle = _new_table("pydocstyle is archived upstream; this is its convention")
    pydocstyle.add("convention", DEFAULT_CONVENTION)
    mypy = _new_table("mldebt's mypy hook finds .venv/, venv/ or $VIRTUAL_ENV")
    mypy.add("warn_unused_configs", True)
    mypy.add("check_untyped_defs", True)
    mldebt = tomlkit.table(is_super_table=True)
    raw_data = _new_table("raw data is never modified (raw-data-immutable, MLD2xx)")
    raw_data_dirs = tomlkit.array()
    raw_data_dirs.extend(DEFAULT_RAW_DATA_DIRS)
    raw_data.add("raw-data-dirs", raw_data_dirs)
    mldebt.add("raw-data-overwrite", raw_data)
    return {
        "black": black,
        "isort": isort,
        "pydocstyle": pydocstyle,
        "mypy": mypy,
        "mldebt": mldebt,
    }


def add_tool_settings(document: TOMLDocument) -> tuple[list[str], list[str]]:
    """Add the missing ``[tool.*]`` tables and agreement keys to ``document``.

    Returns what was added (``[tool.isort]``, ``[tool.isort] line_length``) and
    notes about existing settings that disagree (which stay as they are).
    """
    import tomlkit
    from tomlkit.items import InlineTable

    if "tool" not in document:
        document.add("tool", tomlkit.table(is_super_table=True))
    tool = document["tool"]
    # A table, or a proxy for one defined in several places (dotted keys, or
    # [tool.x] sections with other tables between them).
    if not isinstance(tool, MutableMapping) or isinstance(tool, InlineTable):
        raise InitError(
            f"{PYPROJECT_NAME}: `tool` is not a [tool] table; add the sections by hand"
        )
    for name in ("black", "isort", "pydocstyle"):
        if name in tool and not isinstance(tool[name], MutableMapping):
            raise InitError(f"{PYPROJECT_NAME}: `tool.{name}` is not a table")
    black, isort, pydocstyle = (
        tool.get("black"),
        tool.get("isort"),
        tool.get("pydocstyle"),
    )
    isort_length = _int_value(isort, "line_length", "line-length")
    if black is None:
        line_length = isort_length or BLACK_LINE_LENGTH
    else:
        line_length = _int_value(black, "line-length", "line_length") or (
            BLACK_LINE_LENGTH
        )
    added: list[str] = []
    notes: list[str] = []
    for name, table in recommended_tables(line_length).items():
        if name not in tool:
            table.add(tomlkit.nl())
            tool[name] = table
            added.append(f"[tool.{name}]")
    if isort is not None:
        if "profile" not in isort:
            isort["profile"] = "black"
            added.append("[tool.isort] profile")
        elif isort["profile"] != "black":
            notes.append(
                f"[tool.isort] profile = {str(isort['profile'])!r} is not black's; "
                "mldebt's isort hook wraps imports the black way regardless"
            )
        if "line_length" not in isort and "line-length" not in isort:
            isort["line_length"] = line_length
            added.append("[tool.isort] line_length")
        elif isort_length != line_length:
            notes.append(
                f"[tool.isort] line_length = {isort_length} differs from black's "
                f"{line_length}; mldebt's isort hook uses black's"
            )
    if pydocstyle is not None and not any(
        key in pydocstyle for key in ("convention", "select", "ignore")
    ):
        pydocstyle["convention"] = DEFAULT_CONVENTION
        added.append("[tool.pydocstyle] convention")
    return added, notes


def plan_pyproject(root: Path) -> Plan:
    """The change to ``pyproject.toml``: the missing sections and keys, or none."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = root / PYPROJECT_NAME
    before = read_text(path)
    try:
        document = tomlkit.parse(before or "")
    except TOMLKitError as error:
        raise InitError(f"{PYPROJECT_NAME}: not valid TOML: {error}") from None
    added, notes = add_tool_settings(document)
    if not added:
        return Plan([FileChange(path, before, before or "")], notes)
    original = before or ""
    after = tomlkit.dumps(document)
    if after.endswith("\n\n") and not original.endswith("\n\n"):
        after = after.rstrip("\n") + "\n"
    if "\r\n" in original:
        after = re.sub(r"(?<!\r)\n", "\r\n", after)
    return Plan([FileChange(path, before, after, f"added {', '.join(added)}")], notes)


# --- files, diff, command ------------------------------------------------------


def read_text(path: Path) -> str | None:
    """The text of ``path`` (line ends kept), or None when it does not exist."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise InitError(f"{path.name}: not UTF-8 text") from None
    except OSError as error:
        raise InitError(f"{path.name}: cannot read: {error.strerror}") from None


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, keeping an existing file's mode."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as output:
            output.write(text)
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def unified_diff(change: FileChange) -> str:
    """``change`` as a unified diff, from ``/dev/null`` for a new file."""
    name = change.path.name
    diff = difflib.unified_diff(
        (change.before or "").splitlines(keepends=True),
        change.after.splitlines(keepends=True),
        fromfile="/dev/null" if change.before is None else f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in diff)


def plan(root: Path, repo: str, rev: str, merge: bool) -> Plan:
    """Everything ``mldebt init`` would do in ``root``.

    Raises
    ------
    InitError
        When it cannot or must not do it; then nothing is written.
    """
    if not root.is_dir():
        raise InitError(f"{root}: not a folder")
    config = plan_config(root, repo, rev, merge)
    pyproject = plan_pyproject(root)
    notes = config.notes + pyproject.notes
    where = repository_note(root)
    return Plan(config.changes + pyproject.changes, notes + ([where] if where else []))


def repository_note(root: Path) -> str | None:
    """A note when ``root`` is not the top of a git work tree, or None.

    pre-commit reads its config at the top of the work tree only. None also when
    git cannot tell (git missing).
    """
    from mldebt.engine.git import GitError, repo_root

    try:
        top = Path(repo_root(str(root)))
    except GitError as error:
        if "not inside a git repository" in str(error):
            return "this folder is not a git repository yet: `git init` first"
        return None
    if top.resolve() != root.resolve():
        return (
            f"pre-commit reads {CONFIG_NAME} at the top of the repository ({top}), "
            "not here"
        )
    return None


def run_init(args: argparse.Namespace) -> int:
    """Run ``mldebt init`` with the parsed command-line arguments."""
    repo = args.repo or REPO_URL
    rev = args.rev or f"v{__version__}"
    try:
        result = plan(Path(args.path), repo, rev, args.merge)
        if not args.dry_run:
            for change in result.changes:
                if change.changed:
                    write_text(change.path, change.after)
    except InitError as error:
        print(f"mldebt init: error: {error}", file=sys.stderr)
        return error.exit_code
    except OSError as error:
        print(f"mldebt init: error: cannot write: {error}", file=sys.stderr)
        return EXIT_USAGE
    # With --dry-run only the diff goes to stdout, so it can be piped to `patch`.
    report = sys.stderr if args.dry_run else sys.stdout
    for change in result.changes:
        if args.dry_run and change.changed:
            sys.stdout.write(unified_diff(change))
        print(change.summary(args.dry_run), file=report)
    for note in result.notes:
        print(f"note: {note}", file=report)
    if not args.dry_run and any(change.changed for change in result.changes):
        print("next: pre-commit install && pre-commit run --all-files", file=report)
    return EXIT_OK
