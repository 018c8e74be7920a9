"""Running one function over many files in *spawn* worker processes (Windows has no fork),
with results in input order, a failure in one file kept to that file, and a progress bar."""

from __future__ import annotations

import os
import re
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Sequence

from reportgen.core import compat

# --------------------------------------------------------------------------- parallel work
MIN_TASKS_FOR_WORKERS = 8
# What starting worker processes costs (spawn, imports, a template's first use), in
# seconds: a collection uses workers only when they win that back.
WORKER_START_SECONDS = 0.4


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_parallel(worker: Callable[..., Any], tasks: Sequence[tuple], jobs: int | None = None,
                 on_error: Callable[[tuple, str], Any] | None = None,
                 progress: Callable[[int, Any], None] | None = None,
                 time_limit: float | None = None, task_seconds: float | None = None) -> list[Any]:
    """``[worker(*task) for task in tasks]``, in ``jobs`` spawn worker processes.

    ``worker`` must be a module-level function (spawn pickles it by name).  Results
    arrive in completion order (``progress(index, result)`` is called for each) and
    are returned in task order.  An exception in one task — even a crashed worker
    process — becomes ``on_error(task, message)`` for that task; the others go on.
    With ``jobs == 1``, or fewer than :data:`MIN_TASKS_FOR_WORKERS` tasks, everything
    runs in this process: starting worker processes costs more than a few files.  With
    ``task_seconds`` (what one task roughly takes), also when the workers would not
    win back their start-up (:data:`WORKER_START_SECONDS`).

    In worker processes, a task still running after ``time_limit`` seconds (default
    ``limits.max_file_seconds``) is stopped — its worker is ended — and becomes
    ``on_error`` with a message that names the limit; the others go on.  In this
    process nothing can stop a task from outside; the template sandbox's own time
    limit still applies there.
    """
    from reportgen.core.limits import LIMITS

    jobs = max(1, jobs or default_jobs())
    time_limit = LIMITS.max_file_seconds if time_limit is None else time_limit
    results: list[Any] = [None] * len(tasks)

    def failed(task: tuple, exc: BaseException) -> Any:
        message = describe_failure(exc)
        if os.environ.get("REPORTGEN_DEBUG"):
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        if on_error is None:
            raise exc
        return on_error(task, message)

    saved = len(tasks) * (task_seconds or 0) * (1 - 1 / jobs)  # by sharing the tasks among jobs processes
    if jobs == 1 or len(tasks) < MIN_TASKS_FOR_WORKERS or (task_seconds and saved < WORKER_START_SECONDS):
        for i, task in enumerate(tasks):
            try:
                results[i] = worker(*task)
            except Exception as exc:  # one bad file never stops the others
                results[i] = failed(task, exc)
            if progress:
                progress(i, results[i])
        return results

    import multiprocessing

    context = multiprocessing.get_context("spawn")

    def record(i: int, result: Any, exc: BaseException | None) -> None:
        results[i] = failed(tasks[i], exc) if exc is not None else result
        if progress:
            progress(i, results[i])

    def run_round(indices: list[int], workers: int) -> list[int]:
        return _pool_round(worker, tasks, indices, workers, context, record, time_limit)

    lost = run_round(list(range(len(tasks))), min(jobs, len(tasks)))
    while lost:
        # A worker process died (a crash, out of memory): every unfinished task was lost
        # with it.  The one that killed it was among the first ones in flight, so those
        # run alone, one pool each; the rest go on in a fresh pool.
        head, lost = lost[: jobs + 1], lost[jobs + 1:]
        died = [i for i in head if run_round([i], 1)]
        for i in died:
            record(i, None, WorkerDied("处理这个文件时工作进程意外退出（可能是内存不足）"))
        if len(died) == len(head) > 1:
            # Not one file's fault: worker processes cannot run here at all.
            for i in lost:
                record(i, None, WorkerDied("工作进程无法启动；请加 --jobs 1 在一个进程中处理"))
            break
        if lost:
            lost = run_round(lost, min(jobs, len(lost)))
    return results


# Allocations (less frees) between two runs of Python's cycle collector in a worker.
# A report allocates and frees tens of thousands of objects and leaves no garbage
# cycles to speak of: at Python's default (700) the collector ran five times a report,
# 0.2-0.4 ms of its 13 (benchmarks/README.md).
WORKER_GC_THRESHOLD = 20_000


def start_worker() -> None:
    """What each worker process of a collection does first (the pool's initializer)."""
    import gc

    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


class WorkerDied(Exception):
    """A worker process ended without a result (the file it was working on is named)."""


class FileTimedOut(Exception):
    """A task ran past the collection's per-file time limit and its worker was ended."""

    @classmethod
    def after(cls, seconds: float) -> "FileTimedOut":
        return cls(f"处理这个文件超过 {seconds:g} 秒，已停止（其他文件不受影响）")


def _pool_round(worker: Callable[..., Any], tasks: Sequence[tuple], indices: list[int], workers: int, context,
                record: Callable[[int, Any, BaseException | None], None], time_limit: float) -> list[int]:
    """Run ``tasks[i]`` for ``i`` in ``indices`` in one spawn pool, recording each result
    or exception as it completes; returns the indices lost to a broken pool.

    A task running longer than ``time_limit`` is recorded as :class:`FileTimedOut` and
    the pool's processes are ended; the other tasks in flight are then lost with the
    pool and run again by the caller."""
    import time
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    lost: list[int] = []
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker)
    waiting = list(reversed(indices))  # not yet submitted, next last
    in_flight: dict[Any, int] = {}  # future -> task index
    started: dict[Any, float] = {}  # when a future was first seen running
    timed_out: set[Any] = set()
    broken = False

    def top_up() -> bool:
        """Submit tasks until a few per worker are in flight (not all: waiting on and
        polling hundreds of futures costs this process CPU the workers need); False
        when the pool has broken."""
        while waiting and len(in_flight) < 2 * workers + 2:
            try:
                future = pool.submit(worker, *tasks[waiting[-1]])
            except BrokenProcessPool:
                return False
            in_flight[future] = waiting.pop()
        return True

    try:
        while True:
            if not broken and not top_up():
                broken = True
            if broken:  # no more tasks go to this pool: the caller runs them again
                lost.extend(reversed(waiting))
                waiting.clear()
            if not in_flight:
                break
            done, _ = wait(in_flight, timeout=1.0, return_when=FIRST_COMPLETED)
            now = time.monotonic()
            for future in done:
                i = in_flight.pop(future)
                if future in timed_out:
                    continue
                try:
                    result = future.result()
                except BrokenProcessPool:
                    lost.append(i)
                    broken = True
                    continue
                except Exception as exc:  # one bad file never stops the others
                    record(i, None, exc)
                    continue
                record(i, result, None)
            for future in in_flight:
                if future.running():
                    started.setdefault(future, now)
            stuck = [f for f in in_flight if f not in timed_out and now - started.get(f, now) > time_limit]
            if stuck:
                for future in stuck:
                    timed_out.add(future)
                    record(in_flight[future], None, FileTimedOut.after(time_limit))
                # A running task cannot be cancelled: end the pool's processes; the
                # other tasks in flight come back as lost and are run again.
                compat.end_pool_processes(pool)
                broken = True
    except BaseException:  # Ctrl-C, SIGTERM or a caller's error: do not wait for hundreds of queued files
        # End the workers and wait for them, so none writes a file after the caller has
        # cleaned up (what a worker killed mid-write leaves bears the caller's pid).
        compat.end_pool_processes(pool, wait_seconds=5.0)
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return sorted(lost)


class Progress:
    """Progress on stderr: a bar on a terminal, one plain line per file otherwise
    (a log or a CI job).  Use as ``progress=`` of :func:`run_parallel`."""

    def __init__(self, total: int, label: str, paths: Sequence[Path], enabled: bool = True) -> None:
        import click

        self.total, self.done, self.paths = total, 0, paths
        self.enabled = enabled and total > 1
        self.bar = None
        if self.enabled and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()

    def __call__(self, index: int, result: Any) -> None:
        import click

        self.done += 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
        else:  # neutral: the batch's rules (rules.judge_batch) may yet hold this file back, so no “已生成” here
            click.echo(f"[{self.done}/{self.total}] {self.paths[index]}：已处理", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


WORKER_FRAME = re.compile(r'File "([^"]*reportgen[^"]*)", line (\d+)')


def describe_failure(exc: BaseException) -> str:
    """An exception from a worker as one plain-Chinese sentence, without class names:
    reportgen's own refusals as they are, file-system errors in words, anything else
    as an internal error with the reportgen source line (for support)."""
    from reportgen.core.errors import TemplateProblem, UnusableInput
    from reportgen.core.fileio import os_error_message

    if isinstance(exc, (UnusableInput, TemplateProblem, WorkerDied, FileTimedOut)):
        return str(exc)
    if isinstance(exc, OSError):
        return os_error_message(exc)
    # A worker process's traceback comes back as text (concurrent.futures' _RemoteTraceback).
    text = str(exc.__cause__ or "") + "".join(traceback.format_tb(exc.__traceback__))
    frames = WORKER_FRAME.findall(text)
    where = f"位置：{Path(frames[-1][0]).name} 第 {frames[-1][1]} 行" if frames else "位置未知"
    return f"reportgen 内部错误（{where}），其他文件不受影响"
