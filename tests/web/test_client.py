"""The web face through Django's test client: what an agency and an office see and may do."""

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


# --------------------------------------------------------------------------- the agency
def test_findings_are_worded_exactly_as_check_prints_them(web, make_round, workbook):
    from django.test import Client

    _, tokens = make_round(["示范市甲局"])
    faulty = workbook("示范市甲局", faulty=True)
    agency = Client()
    assert upload(agency, tokens["示范市甲局"], faulty).status_code == 302
    shown = page_text(agency.get(f"/a/{tokens['示范市甲局']}/"))
    printed = subprocess.run([sys.executable, "-m", "reportgen", "check", str(faulty)], capture_output=True,
                             text=True, encoding="utf-8", cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    assert printed.returncode == 1
    lines = [line.strip().lstrip("·").strip() for line in printed.stdout.splitlines()]
    verdict = next(line for line in lines if line.startswith("结论："))
    findings = [line for line in lines if "表三 D11" in line]
    assert verdict in shown and "不能生成报告" in verdict
    assert findings and all(line in shown for line in findings)
    assert "【错误】数字格里有非数字内容（1 处）" in shown
    # No Word report while there is an 错误; the annotated copy marks the cell.
    assert agency.get(f"/a/{tokens['示范市甲局']}/v/1/report.docx").status_code == 404
    annotated = agency.get(f"/a/{tokens['示范市甲局']}/v/1/annotated.xlsx")
    marked = load_workbook(io.BytesIO(_body(annotated)))["表三"]["D11"]
    assert marked.comment is not None and "12件" in marked.comment.text


def test_each_upload_is_a_new_version_compared_with_the_previous_one(web, make_round, workbook):
    from django.test import Client

    from reportgen.web import services as svc
    from reportgen.web.models import Agency

    _, tokens = make_round(["示范市乙局"])
    token = tokens["示范市乙局"]
    agency = Client()
    upload(agency, token, workbook("示范市乙局", faulty=True))
    upload(agency, token, workbook("示范市乙局"))
    shown = page_text(agency.get(f"/a/{token}/"))
    assert "第 2 版的检查结果" in shown and "结论：可以生成报告" in shown
    assert "已改正 2 处，仍未改正 0 处，新出现 0 处" in shown  # the 错误 and the 提醒 it caused
    row = Agency.objects.get(token_hash=svc.token_hash(token))
    versions = list(row.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2] and versions[0].errors == 1 and versions[1].errors == 0
    for v in versions:  # both files kept, as received
        assert svc.store().path(v.sha256).is_file()
    docx = agency.get(f"/a/{token}/v/2/report.docx")
    assert docx.status_code == 200 and zipfile.ZipFile(io.BytesIO(_body(docx))).testzip() is None
    assert "示范市乙局" in _body(agency.get(f"/a/{token}/v/2/report.html")).decode()


def test_a_link_sees_its_own_agency_only(web, make_round, workbook):
    from django.test import Client

    _, tokens = make_round(["示范市丙局", "示范市丁局"])
    own, other = tokens["示范市丙局"], tokens["示范市丁局"]
    upload(Client(), other, workbook("示范市丁局", name="丁局的秘密文件名.xlsx"))
    page = page_text(Client().get(f"/a/{own}/"))
    assert "示范市丙局" in page and "丁局" not in page
    # Version 1 exists only for 丁局: under 丙局's link there is none to see.
    assert Client().get(f"/a/{own}/v/1/annotated.xlsx").status_code == 404
    assert Client().get(f"/a/{own}/v/1/report.html").status_code == 404
    assert Client().get(f"/a/{other}/v/1/report.html").status_code == 200
    assert Client().get("/a/not-a-real-token/").status_code == 404


def test_a_revoked_link_stops_and_a_reissued_one_replaces_it(web, office, make_round, workbook):
    from django.test import Client

    rnd, tokens = make_round(["示范市戊局"])
    agency = rnd.agencies.get()
    token = tokens["示范市戊局"]
    assert office.post(f"/office/agencies/{agency.pk}/revoke").status_code == 302
    assert Client().get(f"/a/{token}/").status_code == 404
    assert upload(Client(), token, workbook("示范市戊局")).status_code == 404
    office.post(f"/office/agencies/{agency.pk}/reissue")
    page = office.get(f"/office/agencies/{agency.pk}/").content.decode()
    new = page.split("/a/")[1].split("/")[0]
    assert new != token and Client().get(f"/a/{new}/").status_code == 200
    assert Client().get(f"/a/{token}/").status_code == 404
    sheet = load_workbook(io.BytesIO(_body(office.get(f"/office/rounds/{rnd.pk}/links.xlsx")))).active
    assert sheet["C2"].value.endswith(f"/a/{new}/")


def test_an_oversized_upload_is_refused_before_its_body_is_read(web, make_round):
    from django.test import Client

    from reportgen.web.models import Version

    _, tokens = make_round(["示范市己局"])
    before = Version.objects.count()
    # The declared length alone refuses it: the (short) body is never parsed.
    response = Client().generic("POST", f"/a/{tokens['示范市己局']}/upload", b"x" * 100,
                                content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(11 * 1024 * 1024))
    assert response.status_code == 413 and "不能超过 10 MB" in response.content.decode()
    assert Version.objects.count() == before


def test_a_hostile_zip_is_kept_refused_with_the_reason(web, make_round, tmp_path):
    from django.test import Client

    from reportgen.web import services as svc
    from reportgen.web.models import Version

    _, tokens = make_round(["示范市庚局"])
    bomb = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))  # inflates 1000:1
    upload(Client(), tokens["示范市庚局"], bomb)
    version = Version.objects.get(agency__name="示范市庚局")
    assert version.status == "unusable" and "炸弹.xlsx" in version.reason
    assert svc.store().path(version.sha256).stat().st_size == bomb.stat().st_size
    assert version.reason in page_text(Client().get(f"/a/{tokens['示范市庚局']}/"))


def test_not_an_xlsx_is_kept_and_the_agency_told_to_resave(web, make_round, tmp_path):
    from django.test import Client

    from reportgen.web.models import Version

    _, tokens = make_round(["示范市辛局"])
    old = tmp_path / "旧格式.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    upload(Client(), tokens["示范市辛局"], old)
    version = Version.objects.get(agency__name="示范市辛局")
    assert version.status == "not-xlsx" and "另存为 .xlsx" in page_text(Client().get(f"/a/{tokens['示范市辛局']}/"))


# --------------------------------------------------------------------------- safety
def test_cross_site_posts_are_refused(web, admin_user, make_round, workbook):
    from django.test import Client

    from reportgen.web.models import Version

    rnd, tokens = make_round(["示范市壬局"])
    strict = Client(enforce_csrf_checks=True)
    refused = upload(strict, tokens["示范市壬局"], workbook("示范市壬局"))
    assert refused.status_code == 403 and "来自其他网站" in refused.content.decode()
    assert not Version.objects.filter(agency__name="示范市壬局").exists()
    strict.force_login(admin_user)
    assert strict.post(f"/office/agencies/{rnd.agencies.get().pk}/revoke").status_code == 403
    # With the page's token, the same upload goes through.
    page = strict.get(f"/a/{tokens['示范市壬局']}/").content.decode()
    csrf = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    with open(workbook("示范市壬局"), "rb") as handle:
        assert strict.post(f"/a/{tokens['示范市壬局']}/upload",
                           {"workbook": handle, "csrfmiddlewaretoken": csrf}).status_code == 302


def test_office_pages_need_a_login_and_changes_an_administrator(web, make_round):
    from django.contrib.auth import get_user_model
    from django.test import Client

    rnd, _ = make_round(["示范市癸局"])
    anonymous = Client()
    for url in ("/office/", f"/office/rounds/{rnd.pk}/", f"/office/rounds/{rnd.pk}/links.xlsx",
                f"/office/rounds/{rnd.pk}/status.xlsx", f"/office/rounds/{rnd.pk}/events"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/office/login")
    viewer = Client()
    viewer.force_login(get_user_model().objects.create_user("查看者甲", password="另一个很长的测试密码-456"))
    assert viewer.get(f"/office/rounds/{rnd.pk}/").status_code == 200
    assert viewer.post(f"/office/agencies/{rnd.agencies.get().pk}/revoke").status_code == 403
    assert viewer.get("/office/rounds/new").status_code == 403


def test_headers_forbid_inline_script_framing_and_caching(web, make_round):
    from django.test import Client

    _, tokens = make_round(["示范市子局"])
    response = Client().get(f"/a/{tokens['示范市子局']}/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
    # The address (with its token) goes to no other site; same-origin posts keep their Origin for CSRF.
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode() and " on" + "click=" not in response.content.decode()


def test_tokens_never_reach_the_log(web, caplog):
    import logging

    from django.test import Client

    secret = "GEHEIM-token-that-must-not-be-logged"
    logger = logging.getLogger("django.request")
    logger.addHandler(caplog.handler)
    try:
        Client().get(f"/a/{secret}/")
        Client().get(f"/a/{secret}/v/9/report.docx")
    finally:
        logger.removeHandler(caplog.handler)
    assert "Not Found: /a/***/v/9/report.docx" in caplog.text and secret not in caplog.text


def test_uploads_per_link_are_rate_limited(web, make_round, workbook, monkeypatch):
    from django.test import Client

    from reportgen.web import middleware

    monkeypatch.setattr(middleware.UPLOADS_PER_LINK, "count", 2)
    monkeypatch.setattr(middleware.UPLOADS_PER_LINK, "seen", {})
    _, tokens = make_round(["示范市丑局"])
    path = workbook("示范市丑局")
    codes = [upload(Client(), tokens["示范市丑局"], path).status_code for _ in range(3)]
    assert codes == [302, 302, 429]


def test_the_event_log_is_append_only(web, make_round):
    from reportgen.web.models import Event

    rnd, _ = make_round(["示范市寅局"])
    event = Event.objects.get(round=rnd, kind="round-created")
    assert event.kind == "round-created" and event.actor == "管理员"
    event.detail = "改过"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


# --------------------------------------------------------------------------- the office
def test_a_round_from_a_roster_read_as_distribute_reads_it(web, office, tmp_path):
    from openpyxl import Workbook

    from reportgen.web.models import Round

    roster = Workbook()
    for row in (["某某市2023年度报告报送名单"], ["序号", "单位名称", "联系人"], [1, "示范市申局", "张三"], [2, "示范市酉局", "李四"]):
        roster.active.append(row)
    path = tmp_path / "名单.xlsx"
    roster.save(path)
    with open(path, "rb") as handle:  # the name column found by its header, below a title
        assert office.post("/office/rounds/new", {"name": "自动找列", "office": "示范市人民政府办公室", "year": 2023,
                                                   "deadline": "2099-01-31", "roster": handle}).status_code == 302
    assert [a.name for a in Round.objects.get(name="自动找列").agencies.order_by("position")] == ["示范市申局", "示范市酉局"]
    roster.active["B4"] = 3  # a number among the names: refused with the reason, nothing created
    roster.save(path)
    with open(path, "rb") as handle:
        refused = office.post("/office/rounds/new", {"name": "有数字", "office": "示范市人民政府办公室", "year": 2023,
                                                      "deadline": "2099-01-31", "roster": handle})
    assert refused.status_code == 400 and not Round.objects.filter(name="有数字").exists()
    assert "名单.xlsx" in page_text(refused)


def test_a_round_from_a_roster_with_the_name_column_chosen(web, office, tmp_path):
    from openpyxl import Workbook

    from reportgen.web.models import Round

    roster = Workbook()
    for row in (["序号", "单位名称"], [1, "示范市卯局"], [2, "示范市辰局"], [3, "示范市卯局"]):
        roster.active.append(row)
    path = tmp_path / "名单.xlsx"
    roster.save(path)
    with open(path, "rb") as handle:
        response = office.post("/office/rounds/new", {
            "name": "名单测试", "office": "示范市人民政府办公室", "year": 2023, "deadline": "2099-01-31",
            "roster": handle, "column": "B", "names": "示范市巳局"})
    assert response.status_code == 302
    rnd = Round.objects.get(name="名单测试")
    # typed names first, then the roster's column B without its header; a name listed twice once
    assert [a.name for a in rnd.agencies.order_by("position")] == ["示范市巳局", "示范市卯局", "示范市辰局"]


def test_dashboard_status_sheet_aggregate_and_render_all_agree_with_the_commands(
        web, office, make_round, workbook, tmp_path):
    from django.test import Client

    names = ["示范市一局", "示范市二局", "示范市三局", "示范市四局"]
    rnd, tokens = make_round(names)
    files = {"示范市一局": workbook("示范市一局"), "示范市二局": workbook("示范市二局"),
             "示范市三局": workbook("示范市三局", faulty=True)}
    for name, path in files.items():
        upload(Client(), tokens[name], path)
    Client().get(f"/a/{tokens['示范市四局']}/")  # opened, not uploaded
    agencies = {a.name: a for a in rnd.agencies.select_related("latest")}
    office.post(f"/office/versions/{agencies['示范市一局'].latest.pk}/decide/accept", {"note": ""})
    office.post(f"/office/versions/{agencies['示范市二局'].latest.pk}/decide/return", {"note": "请补充第六部分"})
    assert "请补充第六部分" in page_text(Client().get(f"/a/{tokens['示范市二局']}/"))
    # An 错误 version cannot be accepted.
    assert office.post(f"/office/versions/{agencies['示范市三局'].latest.pk}/decide/accept").status_code == 400

    board = page_text(office.get(f"/office/rounds/{rnd.pk}/"))
    for label, count in (("已接收", 1), ("已退回", 1), ("有错误", 1), ("未上传", 1), ("未打开", 0)):
        assert f"{label} {count}" in board
    assert "表三 D11" in board  # the first problem, in words
    only = page_text(office.get(f"/office/rounds/{rnd.pk}/?status=有错误"))
    assert "示范市三局" in only and "示范市一局" not in only

    # The status sheet: the same as `check --summary --roster` over the same files (示范市四局 未交).
    folder = tmp_path / "same"
    folder.mkdir()
    for path in files.values():
        (folder / path.name).write_bytes(path.read_bytes())
    (tmp_path / "名单.txt").write_text("\n".join(names), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "reportgen", "check", *sorted(p.name for p in folder.iterdir()),
                    "--roster", str(tmp_path / "名单.txt"), "--summary", str(tmp_path / "cli.xlsx")], cwd=folder,
                   capture_output=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    ours = load_workbook(io.BytesIO(_body(office.get(f"/office/rounds/{rnd.pk}/status.xlsx")))).active
    theirs = load_workbook(tmp_path / "cli.xlsx").active

    def rows(sheet):
        return sorted((tuple("" if c is None else str(c) for c in row) for row in sheet.iter_rows(values_only=True)))
    assert rows(ours) == rows(theirs) and any("示范市四局" in r and "未交" in r for r in rows(ours))

    # The 汇总: only accepted versions, those left out named; the sums as `aggregate` gives them.
    preview = page_text(office.get(f"/office/rounds/{rnd.pk}/aggregate"))
    assert "未计入汇总" in preview and "示范市二局" in preview and "示范市四局" in preview
    summed = office.post(f"/office/rounds/{rnd.pk}/aggregate")
    assert summed.status_code == 200
    (tmp_path / "web-sum.xlsx").write_bytes(_body(summed))
    accepted = tmp_path / "accepted"
    accepted.mkdir()
    (accepted / "示范市一局.xlsx").write_bytes(files["示范市一局"].read_bytes())
    subprocess.run([sys.executable, "-m", "reportgen", "aggregate", str(accepted), "-o", str(tmp_path / "cli-sum.xlsx"),
                    "--agency", "示范市人民政府办公室"], check=True, capture_output=True,
                   env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    from reportgen import read_workbook

    assert read_workbook(tmp_path / "web-sum.xlsx").data.values == read_workbook(tmp_path / "cli-sum.xlsx").data.values

    # Render all: Word + HTML of the accepted version only, named by its title as `render` names it.
    archive = zipfile.ZipFile(io.BytesIO(_body(office.get(_rendered(office, rnd) + ".zip"))))
    subprocess.run([sys.executable, "-m", "reportgen", "render", str(accepted), "-o", str(tmp_path / "cli-out")],
                   check=True, capture_output=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    assert sorted(archive.namelist()) == sorted(p.name for p in (tmp_path / "cli-out").iterdir())
    assert len(archive.namelist()) == 2

    log = page_text(office.get(f"/office/rounds/{rnd.pk}/events"))
    for kind in ("upload", "decision", "link-opened", "aggregate", "render-all"):
        assert kind in log
    assert "请补充第六部分" in log and "127.0.0.1" in log


def _rendered(office, rnd) -> str:
    """Start render-all and wait for its job; returns the job's page."""
    import time

    page = office.post(f"/office/rounds/{rnd.pk}/render")["Location"]
    deadline = time.monotonic() + 120
    while office.get(page + ".json").json()["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert office.get(page + ".json").json() == {"state": "done", "total": 1, "done": 1, "rendered": 1, "message": ""}
    return page


def test_cross_year_checks_and_prefill_use_last_years_accepted_version(web, office, make_round, workbook):
    from django.test import Client
    from openpyxl import load_workbook as load

    last, last_tokens = make_round(["示范市午局"], year=2022)
    upload(Client(), last_tokens["示范市午局"], workbook("示范市午局", year=2022, name="上年.xlsx"))
    version = last.agencies.get().latest
    office.post(f"/office/versions/{version.pk}/decide/accept")
    this, tokens = make_round(["示范市午局"], year=2023)
    page = Client().get(f"/a/{tokens['示范市午局']}/")
    assert "已按上年已接收的报告预填" in page_text(page)
    prefilled = load(io.BytesIO(_body(Client().get(f"/a/{tokens['示范市午局']}/workbook.xlsx"))))
    assert "上年文字（仅供参考）" in prefilled.sheetnames
    upload(Client(), tokens["示范市午局"], workbook("示范市午局"))
    assert "与上年 上年.xlsx 比较" in page_text(Client().get(f"/a/{tokens['示范市午局']}/"))


def test_a_workbook_of_another_year_is_told_as_check_tells_a_batch(web, make_round, workbook):
    from django.test import Client

    _, tokens = make_round(["示范市未局"], year=2023)
    old = workbook("示范市未局", year=2022)
    upload(Client(), tokens["示范市未局"], old)
    shown = page_text(Client().get(f"/a/{tokens['示范市未局']}/"))
    assert "结论：本批不用这一份（年度与本批不同）" in shown and "年度不符，未用" in shown
    printed = subprocess.run([sys.executable, "-m", "reportgen", "check", old.name, "--year", "2023"], cwd=old.parent,
                             capture_output=True, text=True, encoding="utf-8",
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"}).stdout
    held = [line.strip().lstrip("·").strip() for line in printed.splitlines() if "2022" in line and "基本信息" in line]
    # The same words, but the command's way to use it anyway (--use) is not offered on the web.
    assert held and all("确实要用这一份的，加 --use 示范市未局.xlsx" in line for line in held)
    assert all(line.replace("；确实要用这一份的，加 --use 示范市未局.xlsx", "") in shown for line in held)
    assert "--use" not in shown


def test_a_workbook_of_an_agency_not_in_the_round_is_told_as_check_roster_tells_it(web, make_round, workbook):
    from django.test import Client

    _, tokens = make_round(["示范市戌局", "示范市亥局"])
    upload(Client(), tokens["示范市戌局"], workbook("示范市戍局"))  # one stroke off: 戍 for 戌
    shown = page_text(Client().get(f"/a/{tokens['示范市戌局']}/"))
    assert "机关名称“示范市戍局”不在名单" in shown and "名单上相近的“示范市戌局”没有交工作簿，是否就是它？" in shown


def test_last_years_workbooks_imported_with_the_round_prefill_and_compare(web, office, workbook, tmp_path):
    from django.test import Client

    from reportgen.web import services as svc
    from reportgen.web.models import Round

    bundle = tmp_path / "上年.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(workbook("示范市乾局", year=2022, name="乾局2022.xlsx"), "上年/乾局2022.xlsx")
        archive.write(workbook("示范市坤局", year=2022, faulty=True, name="坤局2022.xlsx"), "上年/坤局2022.xlsx")
        archive.writestr("上年/说明.txt", "不是工作簿")
    with open(bundle, "rb") as handle:
        response = office.post("/office/rounds/new", {
            "name": "带上年", "office": "示范市人民政府办公室", "year": 2023, "deadline": "2099-01-31",
            "names": "示范市乾局\n示范市坤局", "last_year": handle})
    assert response.status_code == 302
    note = page_text(office.get(response["Location"]))
    assert "已导入上年的工作簿 1 份。未导入：坤局2022.xlsx（有错误：" in note
    rnd = Round.objects.get(name="带上年")
    token = svc.link_token(rnd.agencies.get(name="示范市乾局"))
    assert "已按上年已接收的报告预填" in page_text(Client().get(f"/a/{token}/"))
    upload(Client(), token, workbook("示范市乾局"))
    assert "与上年 乾局2022.xlsx 比较" in page_text(Client().get(f"/a/{token}/"))
    past = Round.objects.get(name="带上年（上年导入）")
    assert past.year == 2022 and all(a.revoked for a in past.agencies.all())  # no link into last year's


def test_a_hostile_last_year_zip_leaves_no_round(web, office, tmp_path):
    from reportgen.web.models import Round

    bomb = tmp_path / "上年.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xlsx", b"\0" * (120 * 1024 * 1024))
    with open(bomb, "rb") as handle:
        response = office.post("/office/rounds/new", {
            "name": "炸弹", "office": "示范市人民政府办公室", "year": 2023, "deadline": "2099-01-31",
            "names": "示范市艮局", "last_year": handle})
    assert response.status_code == 400 and "上年.zip" in page_text(response)
    assert not Round.objects.filter(name__startswith="炸弹").exists()


# =========================================================================== the review's faults, one test each

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
