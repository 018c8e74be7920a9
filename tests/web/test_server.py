"""``reportgen serve`` as an office runs it: a real server process on loopback, killed
with SIGKILL in the middle of uploads and started again — nothing acknowledged is lost."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from webtools import (ROOT, Server, base, database, office_on, round_on, upload_to, workbook)  # noqa: F401


def export(data: Path, database_url: str | None, target: Path) -> list[dict]:
    args = [sys.executable, "-m", "reportgen", "serve", "--data", str(data), "--export", str(target)]
    if database_url:
        args += ["--database", database_url]
    subprocess.run(args, check=True, capture_output=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    return json.loads(target.read_text(encoding="utf-8"))


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass  # ended meanwhile
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for whoever adopted it to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def test_serve_prints_the_address_and_a_one_time_administrator_link(tmp_path, database):
    server = Server(tmp_path / "d", database).start()
    try:
        assert f"网上报送已启动：{server.url}/office/" in server.banner
        office = office_on(server)
        assert office.get("/office/")[0] == 200
        link = server.admin_link.split(server.url, 1)[1]
        assert office.get(link)[0] == 404  # used once
    finally:
        server.stop()
    again = Server(tmp_path / "d", database).start()  # an administrator exists: no new link
    try:
        assert again.admin_link is None
    finally:
        again.stop()


def test_a_server_killed_mid_upload_keeps_every_acknowledged_version(tmp_path, database, workbook):
    data = tmp_path / "d"
    server = Server(data, database, "--workers", "2").start()
    names = [f"示范市第{i}局" for i in range(6)]
    office = office_on(server)
    _, links = round_on(office, names)
    files = {n: [workbook(n, faulty=bool(k % 2), name=f"{n}-{k}.xlsx") for k in range(2)] for n in names}
    acknowledged: list[tuple[str, str]] = []  # (agency, sha256) of uploads answered with the result page
    stop = threading.Event()

    def keep_uploading(name: str) -> None:
        k = 0
        while not stop.is_set():
            path = files[name][k % 2]
            try:
                if upload_to(links[name], server.url, path) == 302:
                    acknowledged.append((name, hashlib.sha256(path.read_bytes()).hexdigest()))
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            k += 1

    threads = [threading.Thread(target=keep_uploading, args=(n,)) for n in names]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    # One more upload stops half-way through its body when the server dies.
    half = socket.create_connection(("127.0.0.1", server.port))
    half.sendall(f"POST {links[names[0]]}upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500000\r\n"
                 f"Content-Type: multipart/form-data; boundary=x\r\n\r\n--x\r\n".encode() + b"y" * 1000)
    workers = children(server.proc.pid)
    assert workers, "the server checks uploads in worker processes"
    server.kill()
    # The check workers end with the server: none is left behind as an orphan.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and [p for p in workers if alive(p)]:
        time.sleep(0.1)
    assert not [p for p in workers if alive(p)], "check workers outlived the killed server"
    stop.set()
    for t in threads:
        t.join(60)
    half.close()
    assert len(acknowledged) >= 12

    restarted = Server(data, database).start()  # starts cleanly on what the kill left
    try:
        rows = export(data, database, tmp_path / "after.json")
        versions = [r["fields"] for r in rows if r["model"] == "web.version"]
        agencies = {r["pk"]: r["fields"] for r in rows if r["model"] == "web.agency"}
        uploads = [r for r in rows if r["model"] == "web.event" and r["fields"]["kind"] == "upload"]
        kept = {(agencies[v["agency"]]["name"], v["sha256"]) for v in versions}
        assert set(acknowledged) <= kept
        assert len(uploads) == len(versions)  # each version with its log entry, none without
        for pk, agency in agencies.items():  # numbered 1..n without gaps, the summary matching
            numbers = sorted(v["number"] for v in versions if v["agency"] == pk)
            assert numbers == list(range(1, len(numbers) + 1)) and agency["versions_count"] == len(numbers)
        for v in versions:  # every version's file, as received
            stored = data / "files" / v["sha256"][:2] / f"{v['sha256']}.bin"
            assert hashlib.sha256(stored.read_bytes()).hexdigest() == v["sha256"]
        # And the server goes on taking uploads after the restart.
        assert upload_to(links[names[1]], restarted.url, files[names[1]][0]) == 302
    finally:
        restarted.stop()


def test_the_server_refuses_a_body_over_the_limit_from_its_headers(tmp_path):
    server = Server(tmp_path / "d").start()
    try:
        for headers in ("Content-Length: 20000000", "Transfer-Encoding: chunked"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
                conn.sendall(f"POST /a/x/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n"
                             f"Content-Type: multipart/form-data; boundary=x\r\n\r\n".encode())
                if "chunked" in headers:  # a body without a length: refused once it passes the limit
                    chunk = b"y" * (1 << 20)
                    try:
                        for _ in range(12):
                            conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    except OSError:
                        pass  # the server stopped reading: refused
                answer = conn.recv(200)
            assert answer.startswith(b"HTTP/1.1 413"), answer
    finally:
        server.stop()


@pytest.mark.parametrize("pdeathsig", ["1", "0"], ids=["linux-parent-death-signal", "parent-pipe-only"])
def test_check_workers_end_when_their_server_is_killed(tmp_path, pdeathsig):
    """Either way a worker learns its server is gone — the kernel's signal on Linux, the
    pipe from the server everywhere (what Windows and macOS rely on) — it ends."""
    script = ("import sys, time\n"
              "from reportgen.web import checker\n"
              "checker.start(2)\n"
              "print(*checker.running(), flush=True)\n"
              "time.sleep(120)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), REPORTGEN_WORKER_PDEATHSIG=pdeathsig)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(p) for p in workers)
    finally:
        proc.kill()
        proc.wait(10)
        proc.stdout.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and [p for p in workers if alive(p)]:
        time.sleep(0.1)
    assert not [p for p in workers if alive(p)]


def test_a_check_in_a_worker_finds_what_check_finds_here(tmp_path, workbook):
    from reportgen.web import checker
    from reportgen.web import library as lib

    faulty = workbook("示范市丑局", faulty=True)
    last = workbook("示范市丑局", year=2022, name="上年.xlsx")
    here = lib.check_one(faulty, last)
    checker.start(1)
    try:
        (worker,) = checker.running()
        there = checker.check(faulty, last)
    finally:
        checker.stop()
    assert worker != os.getpid() and checker.running() == []
    assert there.errors == here.errors >= 1 and there.note == here.note == "与上年 上年.xlsx 比较"
    assert [f.to_json() for f in there.findings] == [f.to_json() for f in here.findings]
    assert any(f.location and f.location.cell == "D11" for f in there.findings)


def test_an_upload_is_still_checked_when_its_worker_dies_and_a_new_worker_takes_over(tmp_path, workbook):
    import signal

    from reportgen.web import checker

    faulty = workbook("示范市寅局", faulty=True)
    checker.start(1)
    try:
        (first,) = checker.running()
        os.kill(first, signal.SIGKILL)  # out of memory, or an office's administrator
        deadline = time.monotonic() + 20
        while alive(first) and time.monotonic() < deadline:
            time.sleep(0.05)
        status = checker.check(faulty, None)  # the broken pool is noticed here: checked in this process
        (second,) = checker.running()
        again = checker.check(faulty, None)
    finally:
        checker.stop()
    assert second != first and status.errors == again.errors >= 1


def test_a_check_past_the_time_limit_is_stopped_and_the_next_upload_checked(tmp_path, workbook, monkeypatch):
    """A workbook whose check never ends (a crafted one, say) must not hold a worker for ever: the
    upload is told, in words, and a new worker checks the next one."""
    from reportgen.web import checker

    faulty = workbook("示范市卯局", faulty=True)
    checker.start(1)
    try:
        (first,) = checker.running()
        monkeypatch.setattr(checker, "time_limit", lambda: 0)  # no check finishes in no time
        stopped = checker.check(faulty, None)
        monkeypatch.undo()
        (second,) = checker.running()
        again = checker.check(faulty, None)
    finally:
        checker.stop()
    assert stopped.status == "unusable" and stopped.reason == "处理这个文件超过 0 秒，已停止（其他文件不受影响）"
    deadline = time.monotonic() + 20
    while alive(first) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert second != first and not alive(first)
    assert again.errors >= 1
