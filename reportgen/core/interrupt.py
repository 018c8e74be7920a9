"""Stopping cleanly when asked to: SIGTERM (a service manager, ``kill``, a CI timeout)
and SIGINT (Ctrl-C).

Python ends a process on SIGTERM at once, without running a single ``finally``: a
render stopped that way left its scratch files (``.~reportgen-…``) beside the
output.  :func:`stop_cleanly_on_signals` (the ``reportgen`` command calls it first)
turns both signals into :class:`Interrupted`, an exception every ``finally`` and
context manager sees: scratch files are removed, worker processes and LibreOffice
ended, and the command exits with 128 + the signal's number.  Scratch files only
ever replace a report whole (:func:`fileio.atomic_path`), so an existing report is
either left as it was or replaced by a complete new one; where several files are
put in place together, :func:`held` lets a signal wait until they all are.

SIGKILL cannot be caught: what such a run leaves is removed by the next run that
writes into the same folder (:func:`fileio.clean_scratch`).
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT) if s is not None)


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop by a signal (a KeyboardInterrupt, so code that
    already stops cleanly on Ctrl-C does so on SIGTERM too)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shells' convention: 130 for SIGINT, 143 for SIGTERM


_state = {"holding": 0, "pending": None, "stopping": False}


def stop_cleanly_on_signals() -> bool:
    """Make SIGTERM and SIGINT raise :class:`Interrupted` in the main thread; False
    when this is not the main thread (only it may handle signals)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    for signum in SIGNALS:
        signal.signal(signum, _on_signal)
    return True


def _on_signal(signum: int, frame) -> None:
    if _state["stopping"]:
        return  # already stopping: a second Ctrl-C must not cut the clean-up short
    if _state["holding"]:
        _state["pending"] = signum  # acted on when the files being put in place all are
        return
    _state["stopping"] = True
    raise Interrupted(signum)


@contextmanager
def held() -> Iterator[None]:
    """Within, a signal waits: files put in place here are all put in place (a few
    renames), then the signal stops the process.  Only the main thread, where signals are
    handled, holds them: a worker thread (the web intake's render-all) neither delays
    the main thread's stop nor receives it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state["holding"] += 1
    try:
        yield
    finally:
        _state["holding"] -= 1
        signum = _state["pending"]
        if not _state["holding"] and signum is not None:
            _state["pending"] = None
            _state["stopping"] = True
            raise Interrupted(signum)
