"""The review's faults of the web face, each as a user (or an office's administrator) meets it."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from webtools import (ROOT, Server, admin_user, base, make_round, office, page_text, upload, web,  # noqa: F401
                      workbook)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _viewer(name: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.create_user(name, password="另一个很长的测试密码-456"))
    return client


# 1 ------------------------------------------------------------------------------------------------
def test_a_viewer_cannot_download_the_links_sheet(web, office, make_round):
    rnd, _ = make_round(["示范市链接局"])
    assert _viewer("查看者-链接").get(f"/office/rounds/{rnd.pk}/links.xlsx").status_code == 403
    assert office.get(f"/office/rounds/{rnd.pk}/links.xlsx").status_code == 200


# 3 ------------------------------------------------------------------------------------------------
def test_an_agencys_link_refuses_another_agencys_workbook(web, make_round, workbook):
    from django.test import Client

    from reportgen.web import services as svc
    from reportgen.web.models import Agency

    _, tokens = make_round(["示范市戊局", "示范市己局"])
    agency = Client()
    upload(agency, tokens["示范市戊局"], workbook("示范市己局"))
    shown = page_text(agency.get(f"/a/{tokens['示范市戊局']}/"))
    assert "不能生成报告" in shown
    assert "示范市己局" in shown and "示范市戊局" in shown and "基本信息 B4" in shown
    version = Agency.objects.get(token_hash=svc.token_hash(tokens["示范市戊局"])).latest
    assert version.errors == 1 and any(f["code"] == "web-other-agency" for f in version.findings)
    assert agency.get(f"/a/{tokens['示范市戊局']}/v/1/report.docx").status_code == 404
    # The same agency's own workbook, its name spaced differently, is not refused.
    upload(agency, tokens["示范市己局"], workbook("示范市 己局"))
    mine = Agency.objects.get(token_hash=svc.token_hash(tokens["示范市己局"])).latest
    assert mine.errors == 0


# 5, 6 ---------------------------------------------------------------------------------------------
def test_reports_only_in_word_or_html_and_every_404_in_chinese(web, office, make_round, workbook):
    from django.test import Client

    _, tokens = make_round(["示范市庚局"])
    token = tokens["示范市庚局"]
    agency = Client()
    upload(agency, token, workbook("示范市庚局"))
    for fmt in ("pdf", "*", "xlsx"):
        response = agency.get(f"/a/{token}/v/1/report.{fmt}")
        assert response.status_code == 404, fmt
        assert "只能下载 Word（.docx）或网页（.html）版报告" in page_text(response)
    shown = page_text(office.get("/office/rounds/987654/"))
    assert "页面不存在。" in shown and "matches" not in shown
    assert "链接无效或已停用" in page_text(Client().get("/a/no-such-token/"))


# 7 ------------------------------------------------------------------------------------------------
def test_web_users_get_no_command_line_advice(web, office, make_round, workbook, tmp_path):
    from django.test import Client

    _, tokens = make_round(["示范市辛局"], year=2023)
    agency = Client()
    upload(agency, tokens["示范市辛局"], workbook("示范市辛局", year=2022))
    shown = page_text(agency.get(f"/a/{tokens['示范市辛局']}/"))
    assert "报告年度是 2022" in shown and "--use" not in shown
    roster = tmp_path / "名单.csv"
    roster.write_text("序号,电话\n1,123\n2,456\n", encoding="utf-8")
    with open(roster, "rb") as handle:
        response = office.post("/office/rounds/new", {"name": "名单列", "office": "示范市人民政府办公室", "year": 2023,
                                                      "deadline": "2099-01-31", "names": "", "column": "A",
                                                      "roster": handle})
    text = page_text(response)
    assert response.status_code == 400 and "不是机关名称" in text and "--column" not in text
    assert "机关名称所在的列" in text


# 8 ------------------------------------------------------------------------------------------------
def test_invite_tokens_are_masked_in_the_log(web):
    from reportgen.web.middleware import mask

    assert mask("Not Found: /setup/SECRET123/") == "Not Found: /setup/***/"
    assert mask("GET /a/SECRET/upload") == "GET /a/***/upload"


# 9 ------------------------------------------------------------------------------------------------
def test_last_years_zip_is_checked_before_the_rounds_transaction(web, office, workbook, tmp_path, monkeypatch):
    from django.db import connection

    from reportgen.web import services as svc

    seen = []
    real = svc.check_stored

    def watched(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(svc, "check_stored", watched)
    archive = tmp_path / "上年.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(workbook("示范市壬局", year=2022), "示范市壬局.xlsx")
    with open(archive, "rb") as handle:
        response = office.post("/office/rounds/new", {"name": "上年锁", "office": "示范市人民政府办公室", "year": 2023,
                                                      "deadline": "2099-01-31", "names": "示范市壬局", "column": "",
                                                      "last_year": handle})
    assert response.status_code == 302
    assert seen == [False]


# 10 -----------------------------------------------------------------------------------------------
def _serve(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen", "serve", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"}, timeout=120)


def test_export_is_private_and_a_bad_import_is_refused_plainly(tmp_path):
    os.umask(0o022)
    target = tmp_path / "迁移.json"
    done = _serve("--data", tmp_path / "d", "--export", target)
    assert done.returncode == 0, done.stderr
    assert target.stat().st_mode & 0o777 == 0o600
    assert isinstance(json.loads(target.read_text(encoding="utf-8")), list)
    assert not [p for p in tmp_path.iterdir() if p.name not in ("迁移.json", "d")]  # no scratch left beside it
    cut = tmp_path / "截断.json"
    cut.write_text('[{"model": "web.round", "pk": 1, "fields": {"name": "示范', encoding="utf-8")  # cut short
    other = tmp_path / "名单.xlsx"
    other.write_bytes(b"PK\x03\x04 not json")
    for bad in (cut, other):
        refused = _serve("--data", tmp_path / "e", "--import", bad)
        assert refused.returncode == 2, (bad, refused.stdout, refused.stderr)
        assert bad.name in refused.stderr and "内部错误" not in refused.stderr and "Traceback" not in refused.stderr


# 12, 13 -------------------------------------------------------------------------------------------
def test_an_interrupted_render_job_is_marked_failed(web, make_round, monkeypatch):
    from reportgen.core.interrupt import Interrupted
    from reportgen.web import jobs
    from reportgen.web import services as svc

    rnd, _ = make_round(["示范市癸局"])

    def interrupted(*args, **kwargs):
        raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(svc, "render_all", interrupted)
    job = jobs.start(rnd, "管理员", "127.0.0.1")
    deadline = time.monotonic() + 20
    while job.state == jobs.RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.state == jobs.FAILED and "Interrupted" not in job.message


def test_an_internal_error_is_told_without_class_names(web, make_round, workbook, monkeypatch):
    from django.test import Client

    from reportgen.web import library as lib
    from reportgen.web import services as svc
    from reportgen.web.models import Agency

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(lib, "check_one", broken)
    _, tokens = make_round(["示范市甲一局"])
    upload(Client(), tokens["示范市甲一局"], workbook("示范市甲一局"))
    version = Agency.objects.get(token_hash=svc.token_hash(tokens["示范市甲一局"])).latest
    assert "ValueError" not in version.reason and "reportgen 内部错误" in version.reason
    assert "文件已保存" in version.reason


# 15 -----------------------------------------------------------------------------------------------
def test_the_status_sheet_lists_the_agencies_that_sent_nothing(web, office, make_round, workbook):
    from django.test import Client

    rnd, tokens = make_round(["示范市甲二局", "示范市甲三局"])
    upload(Client(), tokens["示范市甲二局"], workbook("示范市甲二局"))
    sheet = load_workbook(io.BytesIO(_body(office.get(f"/office/rounds/{rnd.pk}/status.xlsx")))).active
    rows = [" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    assert any("示范市甲三局" in r and "未交" in r for r in rows), rows
    assert sum("示范市甲二局" in r for r in rows) == 1


# 16 -----------------------------------------------------------------------------------------------
def test_the_deadline_is_the_offices_day(web, make_round, monkeypatch):
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    yesterday = timezone.localdate() - dt.timedelta(days=1)  # in Asia/Shanghai
    monkeypatch.setenv("TZ", "Etc/GMT+12")  # a process clock far west of the office
    time.tzset()
    try:
        _, tokens = make_round(["示范市甲四局"], deadline=yesterday)
        assert "已过截止日期" in page_text(Client().get(f"/a/{tokens['示范市甲四局']}/"))
    finally:
        monkeypatch.undo()
        time.tzset()


# 17 -----------------------------------------------------------------------------------------------
def test_the_original_file_downloads_under_a_safe_name(web, office, make_round, workbook):
    from reportgen.web import services as svc
    from reportgen.web.models import Agency

    _, tokens = make_round(["示范市甲五局"])
    agency = Agency.objects.get(token_hash=svc.token_hash(tokens["示范市甲五局"]))
    with open(workbook("示范市甲五局"), "rb") as handle:
        version = svc.receive(agency, handle, "report.x\nl", "127.0.0.1")
    response = office.get(f"/office/versions/{version.pk}/original")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    # Django quotes a control character (%0A) rather than refusing it: the name must not carry one at all.
    assert not any(ord(c) < 32 for c in disposition) and not re.search(r"%[01][0-9A-F]|%7F", disposition)
    assert disposition.rstrip("\"").endswith(".bin")  # named as the working copies are: an odd suffix is not kept


# 18 -----------------------------------------------------------------------------------------------
def test_a_secret_key_not_flushed_is_not_left_behind(tmp_path, monkeypatch):
    from reportgen.web import conf

    def failing(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError):
        conf.secret_key(tmp_path)
    assert not (tmp_path / conf.SECRET_FILE).exists()
    monkeypatch.undo()
    key = conf.secret_key(tmp_path)
    assert len(key) > 40 and conf.secret_key(tmp_path) == key
    assert (tmp_path / conf.SECRET_FILE).stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [conf.SECRET_FILE]


# 19 -----------------------------------------------------------------------------------------------
def test_a_failed_login_does_not_log_what_was_typed(web, admin_user):
    from django.test import Client

    from reportgen.web.models import Event

    Client().post("/office/login", {"username": "我的密码是-秘密123", "password": "x"})
    Client().post("/office/login", {"username": "管理员", "password": "错的"})
    failed = list(Event.objects.filter(kind="login-failed").order_by("-pk")[:2])
    text = " ".join(f"{e.actor} {e.detail}" for e in failed)
    assert "秘密123" not in text and "管理员" in text


# 20 -----------------------------------------------------------------------------------------------
def test_stored_files_are_read_only(tmp_path):
    from reportgen.web.store import Store

    digest, _ = Store(tmp_path).put(iter([b"abc"]))
    assert Store(tmp_path).path(digest).stat().st_mode & 0o777 == 0o444


# 21 -----------------------------------------------------------------------------------------------
def test_an_invalid_upload_keeps_the_latest_result_on_the_page(web, make_round, workbook):
    from django.test import Client

    _, tokens = make_round(["示范市甲六局"])
    agency = Client()
    upload(agency, tokens["示范市甲六局"], workbook("示范市甲六局", faulty=True))
    response = agency.post(f"/a/{tokens['示范市甲六局']}/upload", {})
    assert response.status_code == 400
    shown = page_text(response)
    assert "第 1 版的检查结果" in shown and "不能生成报告" in shown


def test_ctrl_c_says_the_intake_stopped(tmp_path):
    server = Server(tmp_path / "d").start()
    server.proc.send_signal(signal.SIGINT)
    try:
        rest = server.proc.communicate(timeout=30)[0]
    finally:
        server.stop()
    assert "网上报送已停止。" in rest and server.proc.returncode in (0, 130)  # waitress may end its loop itself
