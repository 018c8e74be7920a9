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
    assert "共审查 10 份报告：3 份没有错误，6 份有错误，1 份无法读取。另有 1 个文件不是报告。" in out
    assert "Traceback" not in result.stderr


def test_status_sheet_and_findings_sheet(audited, folder):
    _, summary = audited
    wb = load_workbook(summary)
    assert wb.sheetnames == ["状态表", "全部问题"]
    status = {Path(r[0]).name: r for r in wb["状态表"].iter_rows(min_row=2, values_only=True)}
    assert len(status) == 11
    assert status["hongze-2023.pdf"][1:6] == ("洪泽区人民政府", 2023, "有错误", 4, 0)
    assert status["pingtan-2021.html"][3] == "可以生成"
    assert status["损坏.pdf"][3] == "无法读取"
    rows = list(wb["全部问题"].iter_rows(values_only=True))
    assert rows[0] == ("文件", "机关名称", "年度", "部分/表格", "格子", "行 / 列", "严重程度", "规则", "问题", "说明")
    hongze_pdf = [r for r in rows[1:] if Path(r[0]).name == "hongze-2023.pdf"]
    assert sorted((r[3], r[4] or "", r[7]) for r in hongze_pdf) == [
        ("表三", "", "import-obsolete-layout"), ("表三", "D12:J12", "import-label-changed"),
        ("表四", "E7", "t4-total"), ("表四", "O7", "t4-total")]
    uncertain = [r for r in rows[1:] if Path(r[0]).name == "pingtan-2021.txt"]
    assert {r[4] for r in uncertain if r[7] == "import-uncertain"} == {"B7", "C7", "D7"}


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
