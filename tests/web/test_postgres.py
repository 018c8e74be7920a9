"""The web face on PostgreSQL (REPORTGEN_TEST_POSTGRES=postgresql://…, a role that may
create databases): the test-client tests again on a fresh database, and an instance
moved from SQLite to PostgreSQL with nothing lost.  (The server tests run on both
through their ``database`` fixture.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from webtools import ROOT, Server, base, office_on, postgres, round_on, upload_to, workbook  # noqa: F401


def test_the_client_tests_pass_on_postgresql(postgres):
    env = dict(os.environ, REPORTGEN_WEB_TEST_DB=postgres, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          str(ROOT / "tests" / "web" / "test_client.py")], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout


def test_moving_a_sqlite_instance_to_postgresql_loses_nothing(tmp_path, postgres, workbook):
    data = tmp_path / "d"
    server = Server(data).start()  # SQLite
    try:
        office = office_on(server)
        _, links = round_on(office, ["示范市甲局", "示范市乙局"])
        assert upload_to(links["示范市甲局"], server.url, workbook("示范市甲局", faulty=True)) == 302
        assert upload_to(links["示范市甲局"], server.url, workbook("示范市甲局")) == 302
    finally:
        server.stop()
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"}
    before = tmp_path / "sqlite.json"
    subprocess.run([sys.executable, "-m", "reportgen", "serve", "--data", str(data), "--export", str(before)],
                   check=True, env=env, capture_output=True)
    subprocess.run([sys.executable, "-m", "reportgen", "serve", "--data", str(data), "--database", postgres,
                    "--import", str(before)], check=True, env=env, capture_output=True)
    after = tmp_path / "postgres.json"
    subprocess.run([sys.executable, "-m", "reportgen", "serve", "--data", str(data), "--database", postgres,
                    "--export", str(after)], check=True, env=env, capture_output=True)
    assert json.loads(after.read_text(encoding="utf-8")) == json.loads(before.read_text(encoding="utf-8"))
    moved = Server(data, postgres).start()  # same data folder: files, secret key and links carry over
    try:
        assert moved.admin_link is None
        assert upload_to(links["示范市乙局"], moved.url, workbook("示范市乙局")) == 302
        office = office_on_existing(moved)
        assert "已接收" not in office.get("/office/")[1].decode()
    finally:
        moved.stop()


def office_on_existing(server):
    from webtools import Visitor

    office = Visitor(server.url)
    office.get("/office/login")
    status, _ = office.post("/office/login", {"username": "管理员", "password": "一个很长的测试密码-123"})
    assert status == 302
    return office
