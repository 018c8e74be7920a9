"""Importing a report saved from a government web site: Word-exported tables (rowspan,
colspan, inline styles), site navigation, GBK or UTF-8; a 2019-layout page; faults named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLES, CASES_DIR, run_reportgen
from published import Variant, expected_values, write_page, wrong_cells

from reportgen.data.importers import import_report
from reportgen.data.importers.html import expand_grid
from reportgen.data.model import ReportData

DATA = Path(__file__).parent / "data" / "import"
CASES = CASES_DIR


def load(case: str) -> ReportData:
    return ReportData.from_json(json.loads((SAMPLES / f"{case}.json").read_text(encoding="utf-8")))


def test_fixture_looks_like_a_saved_cms_page():
    raw = (DATA / "pingtan-2021.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # GBK bytes, declared as gb2312
    text = raw.decode("gbk")
    assert "charset=gb2312" in text and "rowspan=" in text and "colspan=" in text and "style='" in text
    assert "当前位置" in text and "版权所有" in text


def test_gbk_page_every_cell_right_and_no_finding():
    result = import_report(DATA / "pingtan-2021.html")
    assert result.form == "网页"
    assert (result.data.agency, result.data.year) == ("平潭综合实验区", 2021)
    assert wrong_cells(result.data.values, expected_values("pingtan-2021", CASES)) == {}
    assert result.findings == []
    # The site around the article is not part of the report.
    assert "版权所有" not in result.data.section_text("other_matters")
    assert result.data.section_text("other_matters") == "2021年，无收取信息处理费情况。"


def test_hongze_page_faults_found():
    result = import_report(DATA / "hongze-2023.html")
    assert wrong_cells(result.data.values, expected_values("hongze-2023", CASES)) == {}
    assert sorted(f.code for f in result.findings) == ["import-label-changed", "import-obsolete-layout"]


def test_page_without_charset_declaration(tmp_path):
    page = write_page(load("hongze-2023"), tmp_path / "page.htm")
    text = page.read_text(encoding="utf-8").replace('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "")
    for encoding in ("utf-8", "gbk"):
        page.write_bytes(text.encode(encoding))
        result = import_report(page)
        assert result.data.agency == "洪泽区人民政府", encoding
        assert wrong_cells(result.data.values, expected_values("hongze-2023", CASES)) == {}


def test_2019_layout_is_an_error_and_numbers_that_map_are_read():
    result = import_report(DATA / "layout-2019.html")
    layout = {f.location.sheet: f for f in result.findings if f.code == "import-obsolete-layout"}
    assert set(layout) == {"表二", "表三"} and len(result.findings) == 2
    assert all(f.is_error for f in layout.values())
    assert "本年新制作数量" in layout["表二"].message and "2021年度报告" in layout["表二"].message
    assert "规章、行政规范性文件、行政事业性收费在现行格式中含义不同或分为几行，无法对应，已留空（7 格）" in layout["表二"].message
    truth = expected_values("pingtan-2021", CASES)
    # 处理决定数量 (third of the old three columns) still means 本年处理决定数量.  Table 3's single
    # （六）其他处理 row became three rows: where it holds 0 so do they; where it holds a number
    # (自然人 and 总计 here) how it splits is not known, so those cells are blank, never guessed.
    unmapped = {k for k in truth if k.startswith(("t2.regulations", "t2.normative_documents", "t2.fees"))}
    unmapped |= {f"t3.{row}.{col}" for row in ("other_no_correction", "other_fee_unpaid", "other_other")
                 for col in ("natural_person", "total")}
    assert truth["t3.other_other.natural_person"] > 0
    assert "（六）其他处理的 3 行在现行格式中含义不同或分为几行，无法对应，已留空（6 格）" in layout["表三"].message
    assert set(wrong_cells(result.data.values, truth)) == unmapped
    assert all(result.data.values[k] is None for k in unmapped)
    assert result.data.values["t2.licensing.decisions"] == 2293


def test_faults_each_named(tmp_path):
    page = write_page(load("pingtan-2021"), tmp_path / "faults.html",
                      Variant(drop_rows=("regulations",), blank_rows=("refused_state_secret",),
                              typos={"8.属于行政查询事项": "8.属于行政咨询事项"},
                              drop_parts=("五、存在的主要问题及改进情况",)))
    result = import_report(page)
    by_code = {f.code: f for f in result.findings}
    assert set(by_code) == {"import-missing-row", "import-blank-row", "import-label-changed", "import-missing-part"}
    assert by_code["import-missing-row"].location.sheet == "表二" and "规章" in by_code["import-missing-row"].message
    assert by_code["import-blank-row"].location.cell == "D11:J11"
    assert by_code["import-label-changed"].value == "8.属于行政咨询事项"
    assert "五、存在的主要问题及改进情况" in by_code["import-missing-part"].message
    assert result.data.values["t2.regulations.issued"] is None
    assert result.data.values["t3.refused_state_secret.total"] is None
    assert result.data.values["t3.refused_inquiry_matter.natural_person"] == 1  # read despite the typo


def test_expand_grid_places_merged_cells():
    rows = [[("a", 2, 1), ("b", 1, 2)], [("c", 1, 1), ("d", 1, 1)], [("e", 1, 3)]]
    assert expand_grid(rows) == [["a", "b", None], [None, "c", "d"], ["e", None, None]]


def test_import_then_check_and_render(tmp_path):
    out = tmp_path / "平潭.xlsx"
    result = run_reportgen("import", DATA / "pingtan-2021.html", "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "导入时没有发现问题" in result.stdout
    assert run_reportgen("check", out).returncode == 0
    rendered = run_reportgen("render", out, "-o", tmp_path / "out", "--format", "html")
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    html = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert "24252.311082" in html and "平潭综合实验区2021年政府信息公开工作年度报告" in html


def test_a_page_with_an_absurd_table_is_refused_plainly(tmp_path):
    cells = "".join("<td rowspan=100 colspan=100>1</td>" for _ in range(30))
    page = tmp_path / "huge.html"
    page.write_text(f"<html><body><table><tr>{cells}</tr></table></body></html>", encoding="utf-8")
    result = run_reportgen("import", page)
    assert result.returncode == 2 and "表格过大" in result.stderr and "Traceback" not in result.stderr
