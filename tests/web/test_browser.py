"""The walk from the issue in a real Chromium (Playwright, the system's browser), on
SQLite and on PostgreSQL: the office creates a round from a roster → downloads the links
→ an agency uploads a faulty workbook → sees the findings → uploads the fixed one →
downloads Word → the office accepts → renders all → downloads the 汇总.  axe-core finds
no violation on any page, and the Content-Security-Policy blocks nothing of ours."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from webtools import IN_CI, Server, base, database, upload_to, workbook  # noqa: F401

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--lang=zh-CN"]
SHOTS = os.environ.get("REPORTGEN_SCREENSHOTS")  # a folder: the pictures for the README (tools/)


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
        axe = _axe_source()
    except ImportError:
        if IN_CI:
            raise
        pytest.skip("需要测试依赖 playwright 和 axe-playwright-python（pip install \".[test]\"）")
    if CHROMIUM is None:
        if IN_CI:
            pytest.fail("CI: chromium is not installed")
        pytest.skip("没有 Chromium（Debian：apt-get install chromium）")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        chromium.axe = axe
        yield chromium
        chromium.close()


class Checked:
    """A page whose every load is checked: axe finds nothing, the CSP blocked nothing."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.axe = browser.axe
        self.blocked: list[str] = []
        self.page.on("console", lambda m: self.blocked.append(m.text) if "Content Security Policy" in m.text else None)
        self.checked: list[str] = []

    def check(self) -> None:
        # Runtime evaluation by the driver (not a script element), so the page's CSP stays as served.
        self.page.evaluate(self.axe)
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert result["testEngine"]["name"] == "axe-core" and result["url"] == self.page.url
        violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
        assert violations == [], f"{self.page.url}: {violations}"
        assert self.blocked == []
        self.checked.append(self.page.url)

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.check()

    def download(self, click) -> bytes:
        with self.page.expect_download() as info:
            click()
        return Path(info.value.path()).read_bytes()

    def shot(self, name: str) -> None:
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


@pytest.mark.browser
def test_the_walk_from_roster_to_the_sum(browser, tmp_path, database, workbook):
    server = Server(tmp_path / "d", database).start()
    try:
        _walk(browser, server, tmp_path, workbook)
    finally:
        server.stop()


def _walk(browser, server, tmp_path, workbook):
    office = Checked(browser)
    page = office.page
    # The first administrator, through the link serve printed.
    office.goto(server.admin_link)
    page.get_by_label("用户名").fill("管理员")
    page.get_by_label("密码（至少 10 位）").fill("一个很长的测试密码-123")
    page.get_by_label("再输入一次密码").fill("一个很长的测试密码-123")
    page.get_by_role("button", name="创建账号").click()
    office.check()
    assert page.url.endswith("/office/"), page.inner_text("main")

    # A round from a roster whose names are in column B under a header.
    roster = Workbook()
    for row in (["序号", "机关名称"], [1, "示范市甲局"], [2, "示范市乙局"], [3, "示范市丙局"], [4, "示范市丁局"]):
        roster.active.append(row)
    roster.save(tmp_path / "名单.xlsx")
    page.get_by_role("link", name="新建报送").click()
    office.check()
    page.get_by_label("本次报送的名称").fill("2023年度报告报送")
    page.get_by_label("汇总机关名称（汇总报告署名）").fill("示范市人民政府办公室")
    page.get_by_label("报告年度").fill("2023")
    page.get_by_label("截止日期").fill("2099-01-31")
    page.get_by_label("名单文件", exact=False).set_input_files(tmp_path / "名单.xlsx")
    page.get_by_label("名单中机关名称所在的列", exact=False).fill("B")
    page.get_by_role("button", name="创建并生成每个机关的链接").click()
    office.check()
    assert page.get_by_role("cell", name="示范市甲局").count() == 1
    dashboard = page.url

    # The links sheet.
    links = load_workbook(io.BytesIO(office.download(lambda: page.get_by_role("link", name="下载全部链接（.xlsx）").click())))
    link = {row[1]: row[2] for row in links.active.iter_rows(min_row=2, values_only=True)}
    assert set(link) == {"示范市甲局", "示范市乙局", "示范市丙局", "示范市丁局"}
    # Two other agencies upload (no browser needed for them): one faulty, one fine.
    assert upload_to(link["示范市丙局"].split(server.url, 1)[1], server.url, workbook("示范市丙局", faulty=True)) == 302
    assert upload_to(link["示范市丁局"].split(server.url, 1)[1], server.url, workbook("示范市丁局")) == 302

    # The agency: its pre-filled workbook, a faulty upload, the findings, the fixed one, Word.
    agency = Checked(browser)
    apage = agency.page
    agency.goto(link["示范市甲局"])
    prefilled = load_workbook(io.BytesIO(agency.download(lambda: apage.get_by_role("link", name="下载本机关的标准工作簿").click())))
    assert "表三" in prefilled.sheetnames
    apage.get_by_label("填好的工作簿（.xlsx）").set_input_files(workbook("示范市甲局", faulty=True))
    apage.get_by_role("button", name="上传并检查").click()
    agency.check()
    assert apage.get_by_text("结论：不能生成报告（1 个错误，1 个提醒）").count() == 1
    assert apage.get_by_text("表三 D11（（三）不予公开 1.属于国家秘密 / 自然人）：格内是“12件”", exact=False).count() == 1
    assert apage.get_by_role("link", name="下载 Word 报告").count() == 0
    agency.shot("web-agency.png")
    apage.get_by_label("填好的工作簿（.xlsx）").set_input_files(workbook("示范市甲局"))
    apage.get_by_role("button", name="上传并检查").click()
    agency.check()
    assert apage.get_by_text("已改正 2 处，仍未改正 0 处，新出现 0 处").count() == 1
    docx = agency.download(lambda: apage.get_by_role("link", name="下载 Word 报告").click())
    assert zipfile.ZipFile(io.BytesIO(docx)).testzip() is None

    # The office accepts, renders all, and sums.
    office.goto(dashboard)
    page.get_by_role("link", name="示范市甲局").click()
    office.check()
    page.get_by_label("说明（机关可以看到）").fill("数据已核对")
    page.get_by_role("button", name="接收第 2 版").click()
    office.check()
    office.goto(dashboard)
    assert page.get_by_role("link", name="已接收 1").count() == 1
    office.shot("web-dashboard.png")
    page.get_by_role("button", name="生成全部已接收的报告（Word + 网页，.zip）").click()
    ready = page.get_by_role("link", name="下载全部报告（.zip）")
    ready.wait_for(state="visible", timeout=60_000)  # the page follows the job (app.js)
    assert page.get_by_text("已生成 1 份报告（Word + 网页）。").count() == 1
    office.check()
    reports = zipfile.ZipFile(io.BytesIO(office.download(ready.click)))
    assert sorted(Path(n).suffix for n in reports.namelist()) == [".docx", ".html"]
    office.goto(dashboard)
    page.get_by_role("link", name="汇总（预览）").click()
    office.check()
    assert page.get_by_text("示范市乙局（未打开）").count() == 1  # who is left out, named
    total = office.download(lambda: page.get_by_role("button", name="下载汇总工作簿（.xlsx）").click())
    (tmp_path / "汇总.xlsx").write_bytes(total)
    from reportgen.data.workbook import read_workbook

    summed = read_workbook(tmp_path / "汇总.xlsx").data
    assert summed.agency == "示范市人民政府办公室"
    assert summed.values == {**summed.values, **{k: v for k, v in read_workbook(workbook("示范市甲局")).data.values.items()
                                                  if k.startswith(("t2.", "t3.", "t4."))}}
    office.goto(dashboard + "events")
    office.goto(server.url + "/office/accounts")
    agency.goto(link["示范市甲局"])  # the agency sees the decision
    assert apage.get_by_text("汇总单位已接收第 2 版。说明：数据已核对").count() == 1
    assert len(office.checked) + len(agency.checked) >= 12
