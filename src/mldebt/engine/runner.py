"""Run the linter over many files: in-process for a few, a process pool for many."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from mldebt.engine.cache_files import CACHE_FOLDER, FIX_TEMP_FOLDER
from mldebt.engine.catalog import load_scanner, rule_catalog
from mldebt.engine.config import Settings
from mldebt.engine.findings import FixMode
from mldebt.engine.project import ProjectIndexes, project_indexes
from mldebt.engine.result_cache import ResultCache, content_digest
from mldebt.engine.results import FileResult
from mldebt.engine.worker_crashes import map_chunks_surviving_crashes

if TYPE_CHECKING:
    from mldebt.engine.linter import Linter

# Below this many files a pool costs more than it saves (start-up, pickling).
PARALLEL_MIN_FILES = 16
CHUNK_SIZE = 8


@dataclass(frozen=True)
class RunOptions:
    """What to do with each file."""

    fix_mode: FixMode = "none"
    write: bool = False
    diff: bool = False
    jobs: int = 0  # 0: one per CPU
    # A progress line on this stream (a terminal) when the run takes a while.
    progress: TextIO | None = None


class _LinterCache:
    """One ``Linter`` per distinct ``Settings`` in this process, made only when a
    file must really be linted (a run of cache hits imports no rule), and the
    project indexes its cache lookups and its rules share."""

    def __init__(self) -> None:
        self._linters: dict[int, Linter] = {}
        self._projects: dict[int, ProjectIndexes | None] = {}

    def get(self, settings: Settings) -> Linter:
        key = id(settings)
        linter = self._linters.get(key)
        if linter is None:
            from mldebt.engine.linter import Linter

            linter = Linter(settings, projects=self.projects(settings))
            self._linters[key] = linter
        return linter

    def projects(self, settings: Settings) -> ProjectIndexes | None:
        """The project indexes for ``settings``' files, None when no selected
        rule reads other files (from the rule catalog: no rule is imported)."""
        key = id(settings)
        if key not in self._projects:
            selected = set(settings.selected)
            infos = [
                info
                for info in rule_catalog()
                if info.code in selected and info.uses_project
            ]
            self._projects[key] = (
                project_indexes(
                    settings.config_root,
                    [load_scanner(ref) for info in infos for ref in info.project_facts],
                    settings.cache,
                    settings.family_values,
                )
                if infos
                else None
            )
        return self._projects[key]

    def index_digest(self, settings: Settings, path: str) -> str:
        """The digest of ``path``'s project index ("none" without one)."""
        projects = self.projects(settings)
        return projects.index_for(path).digest() if projects is not None else "none"


_WORKER: tuple[list[Settings], RunOptions, _LinterCache] | None = None


def _init_worker(
    all_settings: list[Settings], options: RunOptions, parent: int
) -> None:
    from mldebt.engine.writing import die_with_parent

    global _WORKER
    die_with_parent(parent)
    _WORKER = (all_settings, options, _LinterCache())


def _run_chunk(chunk: list[tuple[str, int]]) -> list[FileResult]:
    assert _WORKER is not None
    all_settings, options, cache = _WORKER
    return [
        cache.get(all_settings[index]).check_file(
            path, options.fix_mode, options.write, options.diff
        )
        for path, index in chunk
    ]


def _job_count(requested: int, files: int) -> int:
    cpus = os.cpu_count() or 1
    jobs = requested if requested > 0 else cpus
    return max(1, min(jobs, (files + CHUNK_SIZE - 1) // CHUNK_SIZE))


class Progress:
    """``[mldebt] 120/1790 files`` on a terminal, redrawn at most 10 times a
    second, shown only once the run has taken half a second; erased at the end."""

    def __init__(self, stream: TextIO | None, total: int) -> None:
        """Report on ``stream`` (None: stay silent) out of ``total`` files."""
        self.stream, self.total, self.done = stream, total, 0
        self.start = self.last = time.monotonic()
        self.shown = False

    def advance(self, count: int = 1) -> None:
        """``count`` more files are done."""
        self.done += count
        now = time.monotonic()
        if self.stream is None or now - self.start < 0.5 or now - self.last < 0.1:
            return
        self.last, self.shown = now, True
        self.stream.write(f"\r[mldebt] {self.done}/{self.total} files")
        self.stream.flush()

    def finish(self) -> None:
        """Erase the line."""
        if self.stream is not None and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(files: Sequence[tuple[str, Settings]], options: RunOptions) -> list[FileResult]:
    """Lint every file and return the results in the order of ``files``.

    With caching on (no fixes, no diff, the settings' ``cache``), files whose
    bytes, settings and project index are unchanged since the last run are not
    linted again."""
    use_cache = options.fix_mode == "none" and not options.diff
    if options.write:
        _remove_leftovers_of_killed_runs(settings for _, settings in files)
    linters = _LinterCache()
    caches: dict[int, ResultCache] = {}
    results: dict[int, FileResult] = {}
    pending: list[tuple[int, str, Settings]] = []
    for position, (path, settings) in enumerate(files):
        cache = _result_cache(caches, settings) if use_cache else None
        digest = content_digest(path) if cache is not None else None
        if cache is not None and digest is not None:
            index_digest = None
            if cache.needs_index(path):
                index_digest = linters.index_digest(settings, path)
            findings = cache.lookup(path, digest, index_digest)
            if findings is not None:
                results[position] = FileResult(path, findings, parsed=True)
                continue
        pending.append((position, path, settings))
    progress = Progress(options.progress, len(pending))
    try:
        fresh = _lint(pending, options, linters, progress)
        for (position, path, settings), result in zip(pending, fresh):
            results[position] = result
            cache = caches.get(id(settings))
            if cache is None or result.digest is None:
                continue
            if result.errors or result.warnings:
                continue
            index_digest = None
            if result.used_project:
                index_digest = linters.index_digest(settings, path)
            # under the digest of the bytes the linter read: the file may have
            # changed since its digest was looked up
            cache.store(path, result.digest, result.findings, index_digest)
    finally:
        progress.finish()
        for cache in caches.values():
            cache.save()
    return [results[position] for position in range(len(files))]


def _remove_leftovers_of_killed_runs(all_settings: Iterable[Settings]) -> None:
    """Delete what killed fix runs left in the cache folders' ``tmp/``."""
    from mldebt.engine.writing import remove_leftover_fix_files

    roots = {settings.root for settings in all_settings if settings.cache}
    for root in sorted(roots):
        remove_leftover_fix_files(os.path.join(root, CACHE_FOLDER, FIX_TEMP_FOLDER))


def _result_cache(
    caches: dict[int, ResultCache], settings: Settings
) -> ResultCache | None:
    if not settings.cache:
        return None
    cache = caches.get(id(settings))
    if cache is None:
        cache = caches[id(settings)] = ResultCache(settings)
    return cache


def _lint(
    files: Sequence[tuple[int, str, Settings]],
    options: RunOptions,
    warm: _LinterCache,
    progress: Progress,
) -> list[FileResult]:
    """Lint ``files`` (in-process when few, else in a fork pool)."""
    jobs = _job_count(options.jobs, len(files))
    if jobs == 1 or len(files) < PARALLEL_MIN_FILES:
        return list(_in_process(files, options, warm, progress))
    distinct: list[Settings] = []
    indexes: dict[int, int] = {}
    tasks: list[tuple[str, int]] = []
    for _, path, settings in files:
        if id(settings) not in indexes:
            indexes[id(settings)] = len(distinct)
            distinct.append(settings)
        tasks.append((path, indexes[id(settings)]))
    chunks = [
        tasks[start : start + CHUNK_SIZE] for start in range(0, len(tasks), CHUNK_SIZE)
    ]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # Build the linters before forking so every worker inherits them ready to use.
    for settings in distinct:
        warm.get(settings).prepare(path for _, path, own in files if own is settings)
    from mldebt.engine.writing import die_with_parent

    global _WORKER
    _WORKER = (distinct, options, warm)

    def make_pool(workers: int) -> ProcessPoolExecutor:
        # Forked workers inherit _WORKER; spawned ones rebuild it once in the
        # initializer. Workers die with this process (a SIGKILL or SIGTERM to
        # mldebt alone stops them) and never write a fix once it is gone.
        if context.get_start_method() == "fork":
            return ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(distinct, options, os.getpid()),
        )

    return map_chunks_surviving_crashes(
        make_pool, jobs, _run_chunk, chunks, _killed_its_worker, progress.advance
    )


def _killed_its_worker(task: tuple[str, int]) -> FileResult:
    path = task[0]
    return FileResult(
        path,
        errors=[
            f"{path}: internal error: the worker process died while linting this "
            "file (a crash of libcst's native parser?); it was not linted "
            "(please report this at the mldebt issue tracker)"
        ],
    )


def _in_process(
    files: Iterable[tuple[int, str, Settings]],
    options: RunOptions,
    linters: _LinterCache,
    progress: Progress,
) -> Iterator[FileResult]:
    for _, path, settings in files:
        yield linters.get(settings).check_file(
            path, options.fix_mode, options.write, options.diff
        )
        progress.advance()
