"""A render stopped by SIGTERM or SIGINT removes its scratch files before it exits and
never touches an existing report; what SIGKILL leaves is removed by the next run
(issue 16, item 6).

Real signals, sent to a real ``python -m reportgen render FOLDER`` process while its
spawned workers are half-way through a collection."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from collection_tree import base_workbook, clone
from conftest import ROOT, run_reportgen

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")

WORKBOOKS = 60
SCRATCH = ".~reportgen-"
OLD_REPORT = "测试县第5局2023年政府信息公开工作年度报告.docx"


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("collection")
    base = base_workbook(tmp_path_factory.mktemp("base"))
    for i in range(WORKBOOKS):
        clone(base, folder / f"{i:03d}.xlsx", f"测试县第{i}局")
    return folder


def start_render(collection: Path, out: Path) -> tuple[subprocess.Popen, queue.Queue]:
    """``reportgen render FOLDER --jobs 2`` in a session of its own (so the test can end
    every process it started), its stderr lines arriving on a queue."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    process = subprocess.Popen([sys.executable, "-m", "reportgen", "render", str(collection), "-o", str(out),
                                "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               text=True, encoding="utf-8", start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr], daemon=True).start()
    return process, lines


def wait_until_mid_run(lines: queue.Queue, done: int = 3) -> list[str]:
    """The stderr lines up to the ``done``-th report rendered (the progress lines)."""
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        seen.append(line)
        if line.startswith(f"[{done}/{WORKBOOKS}]"):
            return seen
    raise AssertionError(f"the render did not get going: {seen}")


def end_session(process: subprocess.Popen) -> None:
    """End whatever of the test's processes is left (orphaned workers after SIGKILL)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass


def scratch_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(SCRATCH))


def session_processes(session: int) -> list[int]:
    """The processes still alive in a session (from /proc; empty where there is none)."""
    alive = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # session id; not a zombie
            alive.append(int(entry.name))
    return alive


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_mid_collection_removes_the_scratch_files_and_leaves_the_old_report(collection, tmp_path,
                                                                                      signum, code):
    out = tmp_path / "out"
    out.mkdir()
    old = out / OLD_REPORT
    old.write_bytes(b"last year's report, kept")
    before = old.stat()
    process, lines = start_render(collection, out)
    try:
        wait_until_mid_run(lines)
        assert scratch_in(out), "mid-run, the rendered reports are scratch files"
        process.send_signal(signum)
        assert process.wait(timeout=60) == code
        time.sleep(0.2)  # let the reader thread take the last lines
        said = "".join(iter(lambda: lines.get_nowait() if not lines.empty() else "", ""))
        assert ("已停止" if signum == signal.SIGTERM else "已取消") in said
        assert "Traceback" not in said
        # Nothing of the run is left, and no worker goes on writing after the command ended.
        assert session_processes(process.pid) == []
        time.sleep(1.0)
        assert sorted(p.name for p in out.iterdir()) == [OLD_REPORT]
        assert old.read_bytes() == b"last year's report, kept" and old.stat().st_mtime_ns == before.st_mtime_ns
    finally:
        end_session(process)


def test_what_sigkill_leaves_is_removed_by_the_next_run(collection, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    old = out / OLD_REPORT
    old.write_bytes(b"last year's report, kept")
    process, lines = start_render(collection, out)
    try:
        wait_until_mid_run(lines)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
    finally:
        end_session(process)  # its workers are orphans now
    left = scratch_in(out)
    assert left, "SIGKILL cannot be caught: the scratch files stay, hidden, until the next run"
    result = run_reportgen("render", collection / "007.xlsx", "-o", out)
    assert result.returncode == 0, result.stderr
    assert scratch_in(out) == []
    assert old.read_bytes() == b"last year's report, kept"
    assert (out / "测试县第7局2023年政府信息公开工作年度报告.docx").is_file()


def test_a_hold_in_another_thread_neither_delays_nor_receives_the_stop(monkeypatch):
    """The web intake renders in a thread: its held() must not swallow the server's SIGTERM
    (the job would stay "running" and the server never stop)."""
    from reportgen.core import interrupt

    monkeypatch.setattr(interrupt, "_state", {"holding": 0, "pending": None, "stopping": False})
    inside, release, raised = threading.Event(), threading.Event(), []

    def render_all():
        try:
            with interrupt.held():
                inside.set()
                release.wait(5)
        except BaseException as exc:  # noqa: BLE001 - the test records whatever escapes
            raised.append(exc)

    worker = threading.Thread(target=render_all)
    worker.start()
    assert inside.wait(5)
    with pytest.raises(interrupt.Interrupted):
        interrupt._on_signal(15, None)  # the main thread stops at once
    release.set()
    worker.join(5)
    assert raised == []  # and the thread is not the one that receives it
