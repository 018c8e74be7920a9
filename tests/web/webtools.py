"""Fixtures and helpers of the web face's tests (imported by each test module; a conftest.py
here would shadow tests/conftest.py, which the shared helpers import by name): Django configured once for the test process on a fresh data
folder — SQLite, or the PostgreSQL database named by REPORTGEN_WEB_TEST_DB (set by
test_postgres.py when REPORTGEN_TEST_POSTGRES is given).  Without Django the tests skip,
saying why — except in CI, where they fail."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = bool(os.environ.get("CI"))


def need(module: str, why: str):
    try:
        return __import__(module)
    except ImportError:
        if IN_CI:
            raise
        pytest.skip(f"{why}（pip install \".[web]\"）", allow_module_level=True)


need("django", "网上报送的测试需要 Django")
need("waitress", "网上报送的测试需要 waitress")


@pytest.fixture(scope="session")
def web(tmp_path_factory):
    """Django set up on a fresh data folder, migrated."""
    from reportgen.web.server import prepare

    data = tmp_path_factory.mktemp("web-data")
    prepare(data, os.environ.get("REPORTGEN_WEB_TEST_DB") or None)
    return data


@pytest.fixture(scope="session")
def admin_user(web):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("管理员", password="一个很长的测试密码-123", is_staff=True)


@pytest.fixture
def office(admin_user):
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def make_round(admin_user):
    """A round of the given agencies; returns (round, {name: link token})."""
    import datetime as dt

    from reportgen.web import services as svc

    counter = iter(range(1, 10**6))

    def make(names, year=2023, deadline=None, office="示范市人民政府办公室"):
        rnd = svc.create_round(f"测试报送{next(counter)}", office, year, deadline or dt.date(2099, 1, 31), names,
                               admin_user, "127.0.0.1")
        return rnd, {a.name: svc.link_token(a) for a in rnd.agencies.all()}
    return make


@pytest.fixture(scope="session")
def base(tmp_path_factory):
    """The seed sample as a standard workbook under a placeholder name (cloned per agency)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from collection_tree import base_workbook

    return base_workbook(tmp_path_factory.mktemp("base"))


@pytest.fixture
def workbook(base, tmp_path):
    """workbook(agency, faulty=False, name=None): a filled workbook for ``agency``;
    faulty: “12件” in 表三 D11 (an 错误 at that cell)."""
    from collection_tree import base_workbook, clone
    from conftest import edit

    def make(agency: str, faulty: bool = False, name: str | None = None, year: int | None = None) -> Path:
        source = base if year is None else base_workbook(tmp_path / f"base-{year}", year)
        path = clone(source, tmp_path / (name or f"{agency}{'-有错' if faulty else ''}.xlsx"), agency)
        if faulty:
            edit(path, {("表三", "D11"): "12件"})
        return path
    return make


def upload(client, token: str, path: Path):
    with open(path, "rb") as handle:
        return client.post(f"/a/{token}/upload", {"workbook": handle})


def page_text(response) -> str:
    """A page's visible text, for comparing with what the console prints."""
    import html
    import re

    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", body, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


# --------------------------------------------------------------------------- a real server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``reportgen serve`` in a subprocess on a loopback port of its own."""

    def __init__(self, data: Path, database: str | None = None, *options: str) -> None:
        self.data, self.database, self.options = data, database, options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.admin_link = None

    def start(self) -> "Server":
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
        env.pop("REPORTGEN_DATABASE_URL", None)
        args = [sys.executable, "-m", "reportgen", "serve", "--data", str(self.data), "--port", str(self.port)]
        if self.database:
            args += ["--database", self.database]
        args += self.options
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
                                     encoding="utf-8")
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("reportgen serve ended:\n" + "".join(lines))
            lines.append(line)
            if "/setup/" in line:
                self.admin_link = line.strip()
            if "按 Ctrl-C 停止" in line:
                break
        self.banner = "".join(lines)
        self._wait_listening(deadline)
        return self

    def _wait_listening(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not listen")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # SIGKILL: no clean-up of any kind
        if self.proc:
            self.proc.wait(10)
            self.proc.stdout.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc:
            self.proc.stdout.close()


def postgres_url() -> str | None:
    return os.environ.get("REPORTGEN_TEST_POSTGRES") or None


def fresh_postgres_database(url: str) -> tuple[str, callable]:
    """A new, empty database on the server of ``url`` (whose role may create databases);
    returns its URL and a function that drops it."""
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"reportgen_test_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return urlunsplit(parts._replace(path=f"/{name}")), drop


DATABASES = ["sqlite", "postgresql"]


def _fresh_postgres_or_skip():
    url = postgres_url()
    if url is None:
        if IN_CI:
            pytest.fail("CI: REPORTGEN_TEST_POSTGRES is not set (see NOTES-web.md for the .ci/run lines)")
        pytest.skip("没有 PostgreSQL：设置 REPORTGEN_TEST_POSTGRES=postgresql://用户:密码@主机/库（该用户可建库）后在 PostgreSQL 上也运行")
    return fresh_postgres_database(url)


@pytest.fixture(params=DATABASES)
def database(request):
    """Each server test on SQLite, and on PostgreSQL when REPORTGEN_TEST_POSTGRES names one."""
    if request.param == "sqlite":
        yield None
        return
    fresh, drop = _fresh_postgres_or_skip()
    try:
        yield fresh
    finally:
        drop()


@pytest.fixture
def postgres():
    """A fresh PostgreSQL database (skips without one, fails in CI)."""
    fresh, drop = _fresh_postgres_or_skip()
    try:
        yield fresh
    finally:
        drop()


# --------------------------------------------------------------------------- talking to a real server
class Visitor:
    """A browser-less visitor of a running server: cookies, the CSRF token, forms, files."""

    def __init__(self, base: str) -> None:
        import http.cookiejar
        import urllib.request

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, path: str) -> tuple[int, bytes]:
        return self._open(self.base + path)

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, path: str, fields: dict, files: dict | None = None) -> tuple[int, bytes]:
        import urllib.request
        import uuid

        boundary = uuid.uuid4().hex
        parts = []
        for name, value in dict(fields, csrfmiddlewaretoken=self.csrf()).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, data) in (files or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + path})
        return self._open(request)

    def _open(self, request) -> tuple[int, bytes]:
        import urllib.error

        try:
            with self.opener.open(request, timeout=60) as response:
                self.headers = response.headers
                return response.status, response.read()
        except urllib.error.HTTPError as exc:  # a redirect too (they are not followed)
            self.headers = exc.headers
            return exc.code, exc.read()


import urllib.request as _request  # noqa: E402


class _NoRedirect(_request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def office_on(server: Server, username: str = "管理员", password: str = "一个很长的测试密码-123") -> Visitor:
    """The first administrator of a fresh server, made through its one-time link, logged in."""
    office = Visitor(server.url)
    link = server.admin_link.split(server.url, 1)[1]
    assert office.get(link)[0] == 200
    status, _ = office.post(link, {"username": username, "password": password, "password2": password})
    assert status == 302
    return office


def round_on(office: Visitor, names: list[str], year: int = 2023) -> tuple[int, dict[str, str]]:
    """A round made through the form; returns its id and {agency: link path}."""
    import io

    from openpyxl import load_workbook

    office.get("/office/rounds/new")
    status, _ = office.post("/office/rounds/new", {"name": "服务器测试", "office": "示范市人民政府办公室", "year": year,
                                                   "deadline": "2099-01-31", "names": "\n".join(names), "column": ""})
    assert status == 302
    _, page = office.get("/office/")
    rid = int(page.decode().split("/office/rounds/")[-1].split("/")[0])
    _, sheet = office.get(f"/office/rounds/{rid}/links.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet)).active.iter_rows(min_row=2, values_only=True))
    return rid, {row[1]: row[2].split(office.base, 1)[1] for row in rows}


def upload_to(link: str, base: str, path: Path) -> int:
    visitor = Visitor(base)
    visitor.get(link)
    return visitor.post(link + "upload", {}, {"workbook": (path.name, path.read_bytes())})[0]
