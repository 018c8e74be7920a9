"""Issue 7: the workbook as a document — instructions that agree with what the sheets
allow, every sheet printed on A4 with nothing cut, the year field, annotated text rows."""

from __future__ import annotations

import re
import subprocess

import pytest
from openpyxl import load_workbook

from conftest import edit, libreoffice_convert, needs_libreoffice, run_reportgen  # noqa: F401
from reportgen import check_workbook
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.data.workbook import layout as L


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("doc") / "标准工作簿.xlsx"
    proc = run_reportgen("new-workbook", path, "--year", "2024", "--agency", "某某县人民政府办公室")
    assert proc.returncode == 0, proc.stderr
    return path


def test_instructions_agree_with_the_sheets(blank):
    wb = load_workbook(blank)
    instructions = "".join(str(c.value or "") for c in wb[L.INSTRUCTIONS_SHEET]["A"])
    text_hint = wb[L.TEXT_SHEET]["A2"].value
    # one story: text rows are added in the empty rows, tables are never given rows
    assert "不需要插入行" in instructions and "不需要插入行" in text_hint
    assert "可增加行" not in text_hint
    assert "不要在表二、表三、表四中插入或删除行列" in instructions
    # the text sheet really has the empty unlocked rows the instructions promise
    ws = wb[L.TEXT_SHEET]
    last = L.TEXT_FIRST_ROW + L.TEXT_ROWS - 1
    assert not ws.cell(row=last, column=L.TEXT_BODY_COL).protection.locked
    assert f"已留出 {L.TEXT_ROWS} 行" in instructions


@pytest.mark.parametrize("year", ["25", "3000", "1999"])
def test_new_workbook_refuses_a_year_outside_the_format(tmp_path, year):
    out = tmp_path / "x.xlsx"
    proc = run_reportgen("new-workbook", out, "--year", year)
    assert proc.returncode == 2
    assert f"报告年度应是四位数字的年份，在 {FMT.first_year} 年至" in proc.stderr and f"现在是 {year}" in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_year_cell_validation_is_the_formats_range(blank):
    ws = load_workbook(blank)[L.INFO_SHEET]
    cell = L.info_cell(FMT, "year")
    dv = next(dv for dv in ws.data_validations.dataValidation if cell in str(dv.sqref))
    first, last = L.year_bounds(FMT)
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", str(first), str(last))
    assert "四位数字" in dv.error


def test_annotate_colours_text_rows_and_info_cells(tmp_path, copy_sample):
    path = edit(copy_sample(), {("文字部分", "C15"): "无其他需要报告的事项。", ("基本信息", "B4"): None,
                                ("基本信息", "B5"): "2023年"})
    out = tmp_path / "annotated.xlsx"
    proc = run_reportgen("check", path, "--annotate", out)
    assert proc.returncode == 1
    wb = load_workbook(out)
    text = wb[L.TEXT_SHEET]
    for row in (15, 16):  # the rows of part 六, the whole row coloured so it shows when printed
        assert all(text.cell(row=row, column=c).fill.fgColor.rgb.endswith("FF9999") for c in L.TEXT_COLUMNS)
    assert text["C15"].comment is not None and "信息处理费" in text["C15"].comment.text
    assert text["A1"].comment is None
    info = wb[L.INFO_SHEET]
    assert info["B4"].fill.fgColor.rgb.endswith("FF9999")  # 机关名称 missing: 错误
    assert info["B5"].fill.fgColor.rgb.endswith("FFD966") and "2023年" in info["B5"].comment.text  # 提醒


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@needs_libreoffice
@pytest.mark.libreoffice
def test_every_sheet_prints_on_a4_without_cut_lines(blank, tmp_path):
    """LibreOffice → PDF → pdftotext: every instruction line, every table label and
    header is printed whole (text cut at the page edge would lose characters), on A4."""
    pdf = libreoffice_convert(blank, tmp_path, "pdf")
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1000", str(pdf)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:.*", info)
    assert sizes and all("(A4)" in size for size in sizes), info
    pages = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    printed = _squash("".join(pages))
    wb = load_workbook(blank)
    instructions = [str(c.value) for c in wb[L.INSTRUCTIONS_SHEET]["A"] if c.value]
    assert _squash(instructions[-1]) in _squash(pages[0])  # 填写说明 is one page
    for line in instructions:
        assert _squash(line) in printed, line
    for table in FMT.tables:
        for cell in table.cells:
            if cell.text:
                assert _squash(cell.text) in printed, (table.number, cell.text)
    for header in L.TEXT_HEADERS + L.INFO_HEADERS:
        assert _squash(header) in printed
    for f in FMT.info_fields:
        assert _squash(f.hint) in printed, f.hint
    for row in wb[L.TEXT_SHEET].iter_rows(min_row=L.TEXT_FIRST_ROW):  # the pre-filled paragraphs, whole
        for cell in row:
            if cell.value:
                assert _squash(str(cell.value)) in printed, cell.coordinate


def _errors(path):
    return [(f.code, f.location.cell) for f in check_workbook(path).findings if f.is_error]


def test_a_row_inserted_into_a_table_is_reported_once_naming_the_row(copy_sample):
    path = copy_sample("pingtan-2021")
    wb = load_workbook(path)
    wb["表三"].insert_rows(10)  # between （一）予以公开 and （二）部分公开
    wb["表三"]["C10"] = "（一点五）本机关自加的一行"
    wb.save(path)
    findings = [f for f in check_workbook(path).findings if f.is_error]
    assert [(f.code, f.location.cell) for f in findings] == [("table-row-inserted", "A10")]
    assert "第 10 行是插入的行（（一点五）本机关自加的一行）" in findings[0].message


def test_a_row_deleted_from_a_table_is_reported_once_naming_the_row(copy_sample):
    path = copy_sample("pingtan-2021")
    wb = load_workbook(path)
    wb["表三"].delete_rows(12)
    wb.save(path)
    findings = [f for f in check_workbook(path).findings if f.is_error]
    assert [f.code for f in findings] == ["table-row-deleted"]
    assert "“2.其他法律行政法规禁止公开”一行被删除（应在第 12 行）" in findings[0].message


def test_an_edited_label_is_still_named_cell_by_cell(copy_sample):
    path = edit(copy_sample("pingtan-2021"), {("表三", "C12"): "2.其他法律行政止公开"})  # hongze's typo
    assert _errors(path) == [("label-changed", "C12")]


def test_a_row_added_below_a_table_moves_nothing(copy_sample):
    path = edit(copy_sample("pingtan-2021"), {("表三", "A32"): "备注：本表由办公室填写"})
    assert _errors(path) == []
