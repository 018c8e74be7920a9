"""Checking uploads in worker processes, so that simultaneous uploads use every core.

The server is one process whose threads take turns on one interpreter lock: twenty
uploads at once would otherwise read and check their workbooks one after another on one
core.  ``reportgen serve`` starts a few spawn workers (:func:`start`); each upload's
read + check (the library's ``check_one``, the same as ``reportgen check``) runs in one of
them, and everything else — the store, the database, the pages — stays in the server.
Without workers (the test client, the library) the check runs in the calling thread.

The workers end with the server however it ends, a SIGKILL included (a pool's workers
otherwise wait on their task queue for ever): on Linux the kernel kills a worker when
its parent dies (``PR_SET_PDEATHSIG``); everywhere, a thread in each worker waits on the
pipe the server holds open for it (``multiprocessing.parent_process().sentinel``) and
ends the worker when it closes.  A worker that dies (out of memory, killed) breaks the
pool: that upload is checked in the server itself and a new pool is started.  A check
running past the collections' per-file limit is stopped the same way (its workers
ended), and the upload is told so."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

_pool = None  # a ProcessPoolExecutor, once start() ran
_workers = 0
_lock = threading.Lock()
STARTUP_SECONDS = 120  # a worker's start (spawn, imports) on a slow, busy machine


def default_workers() -> int:
    """One worker a core, when there is more than one core (at most 4: a check is ~10 ms)."""
    cores = os.cpu_count() or 1
    return min(cores, 4) if cores > 1 else 0


def start(workers: int) -> None:
    """Start ``workers`` worker processes (0: check in the server's threads) and wait
    until each has imported the checks, so the first uploads do not pay for it."""
    global _workers
    _workers = workers
    if workers > 0:
        _new_pool()


def running() -> list[int]:
    """The process ids of the workers (for tests)."""
    from reportgen.web import library as lib

    pool = _pool
    return sorted(p.pid for p in lib.pool_processes(pool)) if pool is not None else []


def check(path: Path, previous: Path | None):
    """``check_one(path, previous)`` in a worker (or here, without workers)."""
    from reportgen.web import library as lib

    pool = _pool
    if pool is None:
        return lib.check_one(path, previous)
    from concurrent.futures import TimeoutError as CheckTimedOut
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(lib.check_one, path, previous).result(timeout=time_limit())
    except CheckTimedOut:
        # A running check cannot be cancelled: its workers are ended (the other uploads
        # they held are checked here as after a worker's death) and a new pool started.
        with _lock:
            if _pool is pool:
                lib.end_pool_processes(pool)
                _new_pool()
        return lib.FileStatus(Path(path), lib.UNUSABLE, reason=str(lib.FileTimedOut.after(time_limit())))
    except BrokenProcessPool:
        # A worker died (this file may be why, or another's): check it here, and give
        # the next uploads a fresh pool.
        with _lock:
            if _pool is pool:
                _new_pool()
        return lib.check_one(path, previous)


def time_limit() -> float:
    """How long one upload's check may take in a worker (the collections' per-file limit)."""
    from reportgen.web import library as lib

    return lib.LIMITS.max_file_seconds


def stop() -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _new_pool() -> None:
    global _pool
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    old, _pool = _pool, None
    if old is not None:
        old.shutdown(wait=False, cancel_futures=True)
    pool = ProcessPoolExecutor(max_workers=_workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(),))
    # Spawned now, one per task submitted while none is idle; each imports the checks first.
    try:
        for started in [pool.submit(_ready) for _ in range(_workers)]:
            started.result(timeout=STARTUP_SECONDS)
    except Exception:  # workers cannot start here: the uploads are checked in the server, as without workers
        pool.shutdown(wait=False, cancel_futures=True)
        print("检查用的工作进程无法启动，改为在服务进程内检查上传的工作簿。", file=sys.stderr)
        return
    _pool = pool


def _ready() -> bool:
    return True


# --------------------------------------------------------------------------- in a worker
def _start_worker(parent_pid: int) -> None:
    import signal

    # Ctrl-C at the server's terminal reaches its workers too: the server ends them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux") and os.environ.get("REPORTGEN_WORKER_PDEATHSIG") != "0":
        _die_with_parent()  # (the variable lets a test try the pipe alone, as elsewhere)
    if os.getppid() != parent_pid:  # the server died before the line above took effect
        os._exit(0)
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_when_closed, args=(parent.sentinel,), daemon=True,
                         name="parent-watch").start()
    from reportgen.web import library as lib  # the checks imported now, not at the first upload

    lib.start_worker()  # what every worker of the library's pools does first


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the thread that started it ends (the server's
    main thread started the pool; a replacement pool is started by a request thread,
    which lives as long as the server)."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # no prctl here: the watching thread still ends us
        pass


def _exit_when_closed(sentinel) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])  # returns when the server's end of the pipe closes: it has ended
    os._exit(0)
