"""``reportgen audit``: many published reports in mixed forms, one broken, in parallel;
the status spreadsheet with its sheet of all findings; consecutive years paired."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CASES_DIR, SAMPLES, run_reportgen
from openpyxl import load_workbook
from published import write_page

from reportgen.data.model import ReportData

DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    for path in DATA.iterdir():
        shutil.copyfile(path, root / path.name)
    shutil.copyfile(CASES_DIR / "hongze-2023.pdf", root / "hongze-2023.pdf")
    (root / "损坏.pdf").write_bytes(b"%PDF-1.4\n garbage, cut off in the download")
    (root / "说明.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    # The same agency a year later: its 2022 report is audited against 2021's.
    data = ReportData.from_json(json.loads((SAMPLES / "pingtan-2021.json").read_text(encoding="utf-8")))
    data.info["year"] = 2022
    sub = root / "2022"
    sub.mkdir()
    write_page(data, sub / "pingtan-2022.html")
    return root


@pytest.fixture(scope="module")
def audited(folder, tmp_path_factory):
    summary = tmp_path_factory.mktemp("out") / "审查表.xlsx"
    result = run_reportgen("audit", folder, "--summary", summary, "--jobs", "2")
    return result, summary


def test_every_report_accounted_for_and_one_broken_file_stops_nothing(audited):
    result, _ = audited
    assert result.returncode == 2, result.stderr  # a file could not be read
    out = result.stdout
    assert "损坏.pdf" in out and "无法读取" in out
    # A reading doubt (pingtan-2021.txt's run-together 表二 row) is counted apart from faults.
    assert out.splitlines()[-1] == ("共审查 10 份报告：3 份未发现错误，5 份有错误，1 份需对照原文核对，1 份无法读取。"
                                    "另有 1 个文件不是报告。")
    assert "######## 需对照原文核对（1 份）" in out and "== pingtan-2021.txt" in out
    assert "审查结论：需对照原文核对（0 个错误，3 处需对照原文核对，1 个提醒）" in out
    assert "【需对照原文核对】数字连在一起，无法确定怎样分格（3 处）  [import-uncertain]" in out
    # Words for someone auditing a published report, not for the clerk who fills a workbook.
    for clerk_words in ("生成报告", "reportgen fix", "--annotate"):
        assert clerk_words not in out
    assert "Traceback" not in result.stderr


def test_status_sheet_and_findings_sheet(audited, folder):
    _, summary = audited
    wb = load_workbook(summary)
    assert wb.sheetnames == ["状态表", "全部问题"]
    sheet = wb["状态表"]
    assert [c.value for c in sheet[1]] == ["文件", "机关名称", "年度", "审查结论", "错误", "需核对", "提醒", "主要问题"]
    # The file name first, then its folder (a cut-off path would hide the name).
    status = {r[0].split("\n")[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(status) == 11
    assert status["hongze-2023.pdf"][0] == f"hongze-2023.pdf\n（{folder}）"
    assert status["hongze-2023.pdf"][1:7] == ("洪泽区人民政府", 2023, "有错误", 4, 0, 0)
    assert status["pingtan-2021.html"][3] == "未发现错误"
    assert status["pingtan-2021.txt"][3:7] == ("需对照原文核对", 0, 3, 1)
    assert status["损坏.pdf"][3] == "无法读取"
    assert status["说明.doc"][3] == "不是报告"
    findings = wb["全部问题"]
    rows = list(findings.iter_rows(values_only=True))
    assert rows[0] == ("文件", "机关名称", "年度", "部分/表格", "格子", "行 / 列", "严重程度", "问题", "说明", "规则")
    hongze_pdf = [r for r in rows[1:] if r[0].startswith("hongze-2023.pdf\n")]
    assert sorted((r[3], r[4] or "", r[9]) for r in hongze_pdf) == [
        ("表三", "", "import-obsolete-layout"), ("表三", "D12:J12", "import-label-changed"),
        ("表四", "E7", "t4-total"), ("表四", "O7", "t4-total")]
    uncertain = [r for r in rows[1:] if r[0].startswith("pingtan-2021.txt\n")]
    assert {(r[4], r[6]) for r in uncertain if r[9] == "import-uncertain"} == {
        ("B7", "需对照原文"), ("C7", "需对照原文"), ("D7", "需对照原文")}


def test_findings_sheet_prints_on_a4_landscape_at_nearly_full_size(audited):
    """The printed columns fit the width of an A4 landscape page (277 mm less narrow margins)
    at 100 %: a spreadsheet column of width w is about 7w + 5 pixels at 96 dpi."""
    _, summary = audited
    ws = load_workbook(summary)["全部问题"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert str(ws.print_area).endswith("$A$1:$I$" + str(ws.max_row))  # the rule's code is not printed
    printed = [ws.column_dimensions[letter].width for letter in "ABCDEFGHI"]
    pixels = sum(7 * w + 5 for w in printed)
    millimetres = pixels / 96 * 25.4
    assert millimetres <= 297 - 2 * 0.25 * 25.4, millimetres
    assert all(ws.cell(row=2, column=c).alignment.wrap_text for c in (1, 6, 8, 9))


def test_json_and_cross_year_pairing(folder):
    result = run_reportgen("audit", folder / "pingtan-2021.html", folder / "2022", "--json", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    reports = {Path(r["path"]).name: r for r in json.loads(result.stdout)["reports"]}
    assert reports["pingtan-2022.html"]["year"] == 2022
    assert "与上年报告 pingtan-2021.html 比较" in reports["pingtan-2022.html"]["note"]
    assert reports["pingtan-2021.html"]["note"] == "网页"
    # The 2022 page repeats 2021's numbers and text: the cross-year rules see it.
    codes = {f["code"] for f in reports["pingtan-2022.html"]["findings"]}
    assert {"crossyear-carry", "crossyear-stock", "crossyear-repeated-text"} <= codes
    assert not any(f["code"].startswith("crossyear") for f in reports["pingtan-2021.html"]["findings"])


def test_globs_are_expanded_by_reportgen(folder):
    result = run_reportgen("audit", str(folder / "*.docx"), "--json")
    names = sorted(Path(r["path"]).name for r in json.loads(result.stdout)["reports"])
    assert names == ["faults.docx", "hongze-2023.docx", "pingtan-2021.docx"]


def test_nothing_found(tmp_path):
    result = run_reportgen("audit", tmp_path / "没有这个文件夹")
    assert result.returncode == 2 and "没有找到报告" in result.stderr
