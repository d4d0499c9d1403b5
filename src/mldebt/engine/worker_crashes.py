"""Run chunks of work in a process pool so that a worker that dies (libcst's
native parser can crash the process on input nobody predicted) costs the run
one file, not every file's results.

The chunks run in a pool of ``jobs`` workers. If one of them dies, the pool is
broken and every chunk not finished by then fails; those chunks are run again
one file at a time in a pool of one worker, where the file that was running
when the worker died is the one that killed it: it is reported, and the files
after it go on in a fresh one-worker pool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


def map_chunks_surviving_crashes(
    make_pool: Callable[[int], Executor],
    jobs: int,
    run_chunk: Callable[[list[Task]], list[Result]],
    chunks: Sequence[list[Task]],
    killed_its_worker: Callable[[Task], Result],
    advance: Callable[[int], None],
) -> list[Result]:
    """``run_chunk`` over ``chunks`` in a pool of ``jobs`` workers, the results
    in order; a task whose worker died gets ``killed_its_worker(task)``.
    ``advance(n)`` is told of every ``n`` results made."""
    with make_pool(jobs) as pool:
        futures = [pool.submit(run_chunk, chunk) for chunk in chunks]
        done: list[list[Result] | None] = []
        for future, chunk in zip(futures, chunks):
            done.append(_result_unless_broken(future))
            if done[-1] is not None:
                advance(len(chunk))
    unfinished = [
        task for chunk, made in zip(chunks, done) if made is None for task in chunk
    ]
    redone = iter(
        _one_by_one(make_pool, run_chunk, unfinished, killed_its_worker, advance)
    )
    results: list[Result] = []
    for chunk, made in zip(chunks, done):
        results.extend(made if made is not None else (next(redone) for _ in chunk))
    return results


def _one_by_one(
    make_pool: Callable[[int], Executor],
    run_chunk: Callable[[list[Task]], list[Result]],
    tasks: Sequence[Task],
    killed_its_worker: Callable[[Task], Result],
    advance: Callable[[int], None],
) -> list[Result]:
    """Each task on its own, in order, in a pool of one worker (a fresh one after
    each death): the task running when the worker died killed it."""
    results: list[Result] = []
    left = list(tasks)
    while left:
        with make_pool(1) as pool:
            futures = [pool.submit(run_chunk, [task]) for task in left]
            for future in futures:
                made = _result_unless_broken(future)
                if made is None:
                    break
                results.extend(made)
                advance(1)
        if len(results) < len(tasks):
            task = tasks[len(results)]
            results.append(killed_its_worker(task))
            advance(1)
        left = list(tasks[len(results) :])
    return results


def _result_unless_broken(future: Future[list[Result]]) -> list[Result] | None:
    try:
        return future.result()
    except BrokenProcessPool:
        return None
