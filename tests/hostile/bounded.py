"""Run the reportgen command bounded in memory and time, as a clerk's console would.

Each run is a child process forked from the test process (which has reportgen
imported already: a fresh interpreter per input would cost seconds each on a
shared CI machine).  The child limits its address space, sets up its console the
way a fresh Python would from ``PYTHONIOENCODING``, and calls the console entry
point ``reportgen.cli.run``; a hang is killed after the timeout.  POSIX only
(``resource``); the product itself never forks.

Memory: the child's peak resident size (``ru_maxrss``) is taken when it starts — the
pages it shares with the test process — and when the command has ended; the
difference is what the command itself took (:attr:`Outcome.grown_mb`), which a case
may bound.  A forked child starts with the test process's size as its peak, so the
peak alone says little.  Worker processes a command spawns are reported apart
(:attr:`Outcome.workers_mb`).
"""

from __future__ import annotations

import io
import multiprocessing
import os
import resource
import sys
from dataclasses import dataclass
from pathlib import Path

MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of the child, bytes
TIMEOUT = 120  # seconds: a hang, not a slow run


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float  # the child's peak resident size, the test process's pages included
    grown_mb: float = 0.0  # how much the command itself added to the peak
    workers_mb: float = 0.0  # the largest peak of a worker process it spawned (0: none)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _child(args: list[str], cwd: str, env: dict[str, str], out: str, err: str, usage: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    os.chdir(cwd)
    os.environ.update(env)
    for key in [k for k in os.environ if k not in env and k in ("REPORTGEN_DEBUG",)]:
        del os.environ[key]
    encoding = os.environ.get("PYTHONIOENCODING", "utf-8")
    for fd, path in ((1, out), (2, err)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    stdin = os.open(os.devnull, os.O_RDONLY)
    os.dup2(stdin, 0)
    # A fresh interpreter's console: strict errors in the given encoding (run() relaxes them).
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding, errors="strict")
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding, errors="backslashreplace")
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.argv = ["reportgen", *args]
    from reportgen.cli import run

    start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        run()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a console that failed must not hide the exit code
                pass
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        Path(usage).write_text(f"{peak} {start} {workers}")  # KB on Linux


def run_bounded(args: list, cwd: Path, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Outcome:
    """``reportgen *args`` in ``cwd``; raises AssertionError when it had to be killed."""
    import time

    env = {"PYTHONIOENCODING": "utf-8", **(env or {})}
    files = {name: cwd.parent / f"{name}.txt" for name in ("stdout", "stderr", "usage")}
    context = multiprocessing.get_context("fork")
    started = time.monotonic()
    child = context.Process(target=_child, args=([str(a) for a in args], str(cwd), env,
                                                 *(str(files[n]) for n in ("stdout", "stderr", "usage"))))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        raise AssertionError(f"reportgen {' '.join(map(str, args))} still ran after {timeout} s: killed")
    seconds = time.monotonic() - started
    encoding = env["PYTHONIOENCODING"]
    read = lambda name: files[name].read_bytes().decode(encoding, "replace") if files[name].exists() else ""  # noqa: E731
    usage = (files["usage"].read_text() if files["usage"].exists() else "").split() or ["0", "0", "0"]
    peak, start, workers = (int(n) / 1024 for n in usage)
    return Outcome(child.exitcode, read("stdout"), read("stderr"), seconds, peak, peak - start, workers)
