"""Importing plain text whose table cells ran together (pingtan 2021 as its web archive kept it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CASES_DIR, run_reportgen
from published import expected_values, wrong_cells

from reportgen.formats import DEFAULT_FORMAT
from reportgen.data.importers import import_report
from reportgen.data.importers.common import read_document
from reportgen.data.importers.digits import readings, row_options
from reportgen.data.importers.text import document_from_text

DATA = Path(__file__).parent / "data" / "import"
CASES = CASES_DIR
NORMATIVE = ("t2.normative_documents.issued", "t2.normative_documents.repealed", "t2.normative_documents.in_force")


def test_pingtan_text_every_cell_read_or_named_uncertain():
    result = import_report(DATA / "pingtan-2021.txt")
    truth = expected_values("pingtan-2021", CASES)
    assert result.data.agency == "平潭综合实验区" and result.data.year == 2021
    # 表二 行政规范性文件 printed "693665": 69/3/665, 6/93/665 … no relation tells them apart,
    # so those three cells are named and left blank; every other cell (tables 二, 三, 四) is right.
    uncertain = [f for f in result.findings if f.code == "import-uncertain"]
    assert sorted(f.key for f in uncertain) == sorted(NORMATIVE)
    assert set(wrong_cells(result.data.values, truth)) == set(NORMATIVE)
    assert all(result.data.values[k] is None for k in NORMATIVE)
    issued = next(f for f in uncertain if f.key == NORMATIVE[0])
    assert issued.location.cell == "B7" and "693665" in issued.message and "69" in issued.expected.split("、")
    assert [f.code for f in result.findings] == ["import-uncertain"] * 3


def test_pingtan_text_parts_found():
    data = import_report(DATA / "pingtan-2021.txt").data
    assert data.text["overview"][1].heading == "（一）主动公开方面。"
    assert "本年度全区共收到70件申请" in data.section_text("overview")
    assert data.section_text("other_matters").startswith("2021年，无收取信息处理费情况。")
    assert "（二）改进措施：" in [p.heading for p in data.text["problems"]]


def test_run_together_row_is_split_by_its_total():
    # The example: 一、本年新收… 801000081 can only be 80,1,0,0,0,0 → 81.
    keys = tuple(f"t3.new_received.{c}" for c in
                 ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org", "total"))
    assert row_options(DEFAULT_FORMAT, keys, ["801000081"]) == [("80", "1", "0", "0", "0", "0", "81")]
    # No number but 0 starts with 0.
    assert all(not (x.startswith("0") and x != "0") for r in readings(["1005"], 3) for x in r)


def test_column_relations_settle_rows_the_row_total_cannot():
    """“（一）予以公开270020130” fits its row total as 27,0,0,2,0,1,30 and as 2,7,0,0,20,1,30;
    only the column totals and 勾稽 decide — the importer must use them, not guess."""
    body = (CASES / "pingtan-2021.txt").read_text(encoding="utf-8")
    assert "（一）予以公开270020130" in body
    data = import_report(DATA / "pingtan-2021.txt").data
    assert [data.values[f"t3.granted.{c}"] for c in ("natural_person", "commercial", "public_interest", "total")] \
        == [27, 0, 2, 30]


def test_headings_with_spaces_and_full_width_digits():
    text = ("某某县科学技术局 2023 年政府信息公开工作年度报告\n前言一段。\n一 、 总体情况\n（一）主动公开情况。正文。\n"
            "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n"
            "５．存在的主要问题及改进情况\n问题一段。\n六、其他需要报告的事项\n本年度未收取信息处理费。\n")
    data, findings = read_document(document_from_text(text, "t.txt"), DEFAULT_FORMAT)
    assert data.agency == "某某县科学技术局" and data.year == 2023
    assert data.text["overview"][0].heading == "（一）主动公开情况。"
    assert data.section_text("problems") == "问题一段。"
    assert data.section_text("other_matters") == "本年度未收取信息处理费。"
    assert not [f for f in findings if f.code == "import-missing-part"]
    missing = {f.params["label"] for f in findings if f.code == "import-missing-table"}
    assert missing == {"表二", "表三", "表四"}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_import_command_writes_a_workbook_check_takes(tmp_path, encoding):
    source = tmp_path / "pingtan.txt"
    source.write_bytes((DATA / "pingtan-2021.txt").read_text(encoding="utf-8").encode(encoding))
    out = tmp_path / "平潭.xlsx"
    result = run_reportgen("import", source, "-o", out)
    assert result.returncode == 1, result.stderr  # the three uncertain cells are 错误
    assert "表二 B7" in result.stdout and "693665" in result.stdout
    checked = run_reportgen("check", out)
    assert checked.returncode == 1
    assert "表二 B7" in checked.stdout  # left blank for the clerk to fill
    assert "表三" not in checked.stdout.split("结论")[1].split("【")[0]


def test_text_copied_with_tabs_keeps_cell_boundaries_and_names_the_blank_cell():
    """xiangxiang 2023 as copied from its page: one cell a line after a tab; it left
    二、上年结转 / 总计 blank — the blank is named at its cell, every other cell right."""
    result = import_report(CASES / "xiangxiang-kjgxj-2023.txt")
    assert (result.data.agency, result.data.year) == ("湘乡市科技和工业信息化局", 2023)
    assert wrong_cells(result.data.values, expected_values("xiangxiang-kjgxj-2023", CASES)) == {}
    assert [(f.code, f.location.cell) for f in result.findings] == [("blank-value", "J8")]


def test_a_row_with_a_cell_missing_is_named(tmp_path):
    text = (DATA / "pingtan-2021.txt").read_text(encoding="utf-8")
    assert "3.要求提供公开出版物0000000" in text
    source = tmp_path / "cut.txt"
    source.write_text(text.replace("3.要求提供公开出版物0000000", "3.要求提供公开出版物000000"), encoding="utf-8")
    result = import_report(source)
    cut = [f for f in result.findings if f.code == "import-cell-count"]
    assert [str(f.location) for f in cut] == ["表三 D24:J24（（五）不予处理 3.要求提供公开出版物）"]
    assert cut[0].message.startswith("只找到 6 个数字，这一行应有 7 个")


@pytest.mark.parametrize("year", ["二〇二一", "二○二一", "二零二一"])
def test_title_with_the_year_in_chinese_numerals(tmp_path, year):
    text = (DATA / "pingtan-2021.txt").read_text(encoding="utf-8").replace("平潭综合实验区2021年度", f"平潭综合实验区{year}年度")
    assert "2021年度政府信息公开" not in text
    source = tmp_path / "cn.txt"
    source.write_text(text, encoding="utf-8")
    result = import_report(source)
    assert (result.data.agency, result.data.year) == ("平潭综合实验区", 2021)
    assert "missing-info" not in run_reportgen("audit", source).stdout


def test_a_title_without_a_year_takes_the_statistics_period():
    text = ("某某县科学技术局政府信息公开工作年度报告\n本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n"
            "一、总体情况\n正文。\n")
    data, _ = read_document(document_from_text(text, "t.txt"), DEFAULT_FORMAT)
    assert data.year == 2023


def test_a_page_flattened_to_one_line_with_a_tab_before_each_number(tmp_path):
    """The tables of a page copied onto one line with a tab before each number but a space
    before each label: a tab cell “7 （二）部分公开…” is the number 7, then the next row's label."""
    original = Path(__file__).parent / "data" / "published" / "pingtan-jtj-2022.txt"
    text = original.read_text(encoding="utf-8")
    start, end = text.index(" 二、主动公开政府信息情况"), text.index(" 五、存在的主要问题")
    tabbed = text[:start] + re.sub(r" (?=[0-9])", "\t", text[start:end]) + text[end:]
    assert "予以公开\t7\t0\t0\t0\t0\t0\t7 （二）部分公开" in tabbed
    source = tmp_path / "tabs.txt"
    source.write_text(tabbed, encoding="utf-8")
    expected, got = import_report(original), import_report(source)
    assert got.data.values == expected.data.values
    assert [(f.code, str(f.location)) for f in got.findings] == [(f.code, str(f.location)) for f in expected.findings]
    assert [f.code for f in expected.findings if f.is_error] == []
