"""The on-disk result cache: findings of files that did not change since last run.

An entry is keyed by the file's path (relative to the config's folder) and the
SHA-256 of its bytes; the cache file itself is keyed by everything else a result
depends on: mldebt's version, the Python version and libcst's files (syntax errors
come from the parser), and the resolved settings. A file whose lint asked the project
index about other files (the randomness rules do for library modules) also records
the index's digest, so a seed added elsewhere invalidates it. Only clean results
are cached (no fix applied, no error or warning).

The cache file lives in ``.mldebt_cache/`` (see ``cache_files``); ``--no-cache``
neither reads nor writes it, ``mldebt clean`` deletes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from dataclasses import asdict
from typing import Any

from mldebt import __version__
from mldebt.engine.cache_files import CACHE_FOLDER, read_cache_file, write_cache_file
from mldebt.engine.config import Settings
from mldebt.engine.findings import Finding, Location, TextEdit, TextFix
from mldebt.engine.stamps import bytes_digest, code_stamp, parser_stamp

_FORMAT = 1


def settings_key(settings: Settings) -> str:
    """A digest of everything besides a file's bytes that its findings depend on."""
    parts = {
        "mldebt": __version__,
        "code": code_stamp(),
        "python": platform.python_version(),
        "libcst": parser_stamp(),
        "root": os.path.abspath(settings.root),
        "selected": list(settings.selected),
        "options": {
            code: sorted((key, repr(value)) for key, value in options.items())
            for code, options in sorted(settings.rule_options.items())
        },
        "per_file_ignores": [
            [glob, sorted(codes)] for glob, codes in settings.per_file_ignores
        ],
        "families": {
            slug: sorted((key, repr(value)) for key, value in options.items())
            for slug, options in sorted(settings.family_options.items())
        },
    }
    encoded = json.dumps(parts, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


def _finding_data(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    del data["path"]  # the path as given on this run's command line is used
    return data


def _finding_from(data: dict[str, Any], path: str) -> Finding:
    fix = data.pop("fix")
    if fix is not None:
        edits = tuple(
            TextEdit(
                edit["start"],
                edit["end"],
                edit["content"],
                Location(**edit["location"]),
                Location(**edit["end_location"]),
                edit["cell"],
            )
            for edit in fix["edits"]
        )
        fix = TextFix(fix["applicability"], fix["message"], edits)
    data["suppression_lines"] = tuple(data["suppression_lines"])
    return Finding(path=path, fix=fix, **data)


class ResultCache:
    """The cached results for the files under one ``Settings``."""

    def __init__(self, settings: Settings) -> None:
        """Read the cache for ``settings`` (empty when there is none)."""
        self.folder = os.path.join(settings.root, CACHE_FOLDER)
        self.name = f"results-{settings_key(settings)}.json"
        self.root = settings.root
        data = read_cache_file(self.folder, self.name)
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or data.get("format") != _FORMAT:
            files = {}  # none yet, or damaged: rebuilt as files are linted
        # an entry of the wrong shape is a miss, never an error
        self._entries: dict[str, dict[str, Any]] = {
            key: entry for key, entry in files.items() if isinstance(entry, dict)
        }
        self._changed = False

    def key(self, path: str) -> str:
        """The entry name of ``path``: relative to the config's folder."""
        return os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")

    def lookup(
        self, path: str, digest: str, index_digest: str | None
    ) -> list[Finding] | None:
        """The cached findings of ``path`` with content ``digest``, or None.

        ``index_digest`` is the current project index's digest, asked for only when
        the entry depends on it (pass None when there is no index)."""
        entry = self._entries.get(self.key(path))
        if entry is None or entry.get("sha") != digest:
            return None
        if entry.get("index") is not None and entry["index"] != index_digest:
            return None
        try:
            return [_finding_from(dict(item), path) for item in entry["findings"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def needs_index(self, path: str) -> bool:
        """Whether the entry for ``path`` depends on the project index."""
        entry = self._entries.get(self.key(path))
        return entry is not None and entry.get("index") is not None

    def store(
        self,
        path: str,
        digest: str,
        findings: list[Finding],
        index_digest: str | None,
    ) -> None:
        """Remember the findings of ``path`` (content ``digest``)."""
        self._entries[self.key(path)] = {
            "sha": digest,
            "index": index_digest,
            "findings": [_finding_data(finding) for finding in findings],
        }
        self._changed = True

    def save(self) -> None:
        """Write the cache back if anything changed."""
        if self._changed:
            write_cache_file(
                self.folder, self.name, {"format": _FORMAT, "files": self._entries}
            )
            self._changed = False


def content_digest(path: str) -> str | None:
    """SHA-256 of the file's bytes, or None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return bytes_digest(handle.read())
    except OSError:
        return None
