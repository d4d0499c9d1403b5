"""Run the linter over many files: in-process for a few, a process pool for many."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from mldebt.engine.config import Settings
from mldebt.engine.linter import FileResult, FixMode, Linter

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


class _LinterCache:
    """One ``Linter`` per distinct ``Settings`` in this process."""

    def __init__(self) -> None:
        self._linters: dict[int, Linter] = {}

    def get(self, settings: Settings) -> Linter:
        key = id(settings)
        linter = self._linters.get(key)
        if linter is None:
            linter = Linter(settings)
            self._linters[key] = linter
        return linter


_WORKER: tuple[list[Settings], RunOptions, _LinterCache] | None = None


def _init_worker(all_settings: list[Settings], options: RunOptions) -> None:
    global _WORKER
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


def run(files: Sequence[tuple[str, Settings]], options: RunOptions) -> list[FileResult]:
    """Lint every file and return the results in the order of ``files``."""
    jobs = _job_count(options.jobs, len(files))
    if jobs == 1 or len(files) < PARALLEL_MIN_FILES:
        cache = _LinterCache()
        return [
            cache.get(settings).check_file(
                path, options.fix_mode, options.write, options.diff
            )
            for path, settings in files
        ]
    distinct: list[Settings] = []
    indexes: dict[int, int] = {}
    tasks: list[tuple[str, int]] = []
    for path, settings in files:
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
    warm = _LinterCache()
    for settings in distinct:
        warm.get(settings).prepare(path for path, own in files if own is settings)
    global _WORKER
    _WORKER = (distinct, options, warm)
    results: list[FileResult] = []
    # Forked workers inherit _WORKER; spawned ones rebuild it once in the initializer.
    pool = (
        ProcessPoolExecutor(max_workers=jobs, mp_context=context)
        if context.get_start_method() == "fork"
        else ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(distinct, options),
        )
    )
    with pool:
        for chunk_results in pool.map(_run_chunk, chunks):
            results.extend(chunk_results)
    return results
