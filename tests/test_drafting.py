"""Issue 7: drafted standard sentences in a fresh workbook and from the tables,
marked for the clerk until the mark is removed."""

from __future__ import annotations

from openpyxl import load_workbook

from conftest import edit, run_reportgen
from reportgen import check_workbook, read_workbook
from reportgen.data.sentences import DRAFT_MARK, standard_text
from reportgen.formats import DEFAULT_FORMAT
from reportgen.data.workbook import fix_workbook, write_workbook


def test_standard_text_for_distribute():
    text = standard_text(DEFAULT_FORMAT, 2024, "某某县人民政府办公室")
    preamble = text["preamble"][0].text
    assert preamble.startswith(DRAFT_MARK)
    assert "某某县人民政府办公室2024年政府信息公开工作年度报告" in preamble
    assert "统计期限自2024年1月1日起至2024年12月31日止" in preamble
    assert text["other_matters"][0].text == DRAFT_MARK + "2024年，本机关未收取信息处理费。"


def test_new_workbook_prefills_preamble_and_fee_sentence_marked(tmp_path):
    path = write_workbook(tmp_path / "new.xlsx", year=2024, agency="某某局")
    data = read_workbook(path).data
    assert data.text["preamble"][0].text.startswith(DRAFT_MARK)
    assert "信息处理费" in data.section_text("other_matters")
    codes = [(f.code, f.location.cell) for f in check_workbook(path).findings]
    assert ("fee-not-reported", "") not in codes and not any(c == "fee-not-reported" for c, _ in codes)
    assert [c for c in codes if c[0] == "draft-text"] == [("draft-text", "C4"), ("draft-text", "C15")]


def test_draft_fills_only_empty_parts_from_the_tables(tmp_path):
    blank = write_workbook(tmp_path / "new.xlsx", year=2023, agency="某某局")
    fixed = tmp_path / "fixed.xlsx"
    fix_workbook(blank, fixed)
    edit(fixed, {("表三", "D7"): 2, ("表三", "D9"): 2, ("表四", "A7"): 1})
    out = tmp_path / "drafted.xlsx"
    proc = run_reportgen("draft", fixed, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "（二）依申请公开情况。【草拟，请核改】2023年，本机关收到政府信息公开申请2件。" in proc.stdout
    assert "被申请行政复议1件，被提起行政诉讼0件。" in proc.stdout
    data = read_workbook(out).data
    overview = data.text["overview"]
    assert overview[1].heading == "（二）依申请公开情况。"
    assert overview[1].text == DRAFT_MARK + "2023年，本机关收到政府信息公开申请2件。"
    # the pre-filled 前言 and fee sentence were not drafted twice; the other cells are as they were
    assert len(data.text["preamble"]) == 1 and len(data.text["other_matters"]) == 1
    findings = check_workbook(out).findings
    assert not [f for f in findings if f.code == "text-table-mismatch"]  # the drafts agree with the tables
    # 五 cannot follow from tables; an unread draft blocks the report until its mark is removed
    assert {f.code for f in findings if f.is_error} == {"missing-text", "draft-text"}
    # once the clerk has read and edited a draft and removed the mark, it is no longer reported
    wb = load_workbook(out)
    cell = wb["文字部分"][overview[1].cell]
    cell.value = cell.value.replace(DRAFT_MARK, "")
    wb.save(out)
    drafts = [f.location.cell for f in check_workbook(out).findings if f.code == "draft-text"]
    assert overview[1].cell not in drafts and overview[0].cell in drafts


def test_draft_refuses_to_write_in_place(tmp_path):
    path = write_workbook(tmp_path / "new.xlsx", year=2023)
    proc = run_reportgen("draft", path, "-o", path)
    assert proc.returncode == 2 and "不能覆盖原工作簿" in proc.stderr


def test_the_fee_is_named_as_the_format_names_it(tmp_path):
    """The fee's name is the format's (fee_keyword), typed nowhere else: a format naming it
    otherwise gets its own word in the drafted sentence and in the workbook's instructions."""
    from dataclasses import replace

    from reportgen.data.sentences import fee_sentence

    fmt = replace(DEFAULT_FORMAT, fee_keyword="政府信息公开处理费")
    assert standard_text(fmt, 2024)["other_matters"][0].text == DRAFT_MARK + "2024年，本机关未收取政府信息公开处理费。"
    assert fee_sentence(None, fmt.fee_keyword) == "本年度本机关未收取政府信息公开处理费。"
    assert "other_matters" not in standard_text(replace(DEFAULT_FORMAT, fee_keyword=""), 2020)  # no fee before 2021
    path = write_workbook(tmp_path / "new.xlsx", fmt=fmt, year=2024)
    lines = [c.value for c in load_workbook(path).worksheets[0]["A"] if c.value]
    assert "6. “六、其他需要报告的事项”必须写明收取政府信息公开处理费的情况，未收取也要写明。" in lines
    assert not any("信息处理费的情况" in line and "公开处理费" not in line for line in lines)
