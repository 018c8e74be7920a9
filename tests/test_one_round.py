"""Issue 7: a clerk gets every fault in the first check, `fix` repairs what has one
obvious repair (and nothing else), and after correcting only what was reported the
workbook is clean."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook

from conftest import edit, run_reportgen, sample
from reportgen import check_workbook
from reportgen.data.workbook import fix_workbook

T3, T4 = "表三", "表四"


def _as_a_clerk_fills_it(tmp_path):
    """pingtan-2021 (every table check passes) filled the way clerks do: zeros left
    blank, a total typed over its formula, a broken 勾稽 and a wrong 表四 total."""
    path = tmp_path / "clerk.xlsx"
    shutil.copyfile(sample("pingtan-2021"), path)
    blanks = {(T3, f"{col}11"): None for col in "DEFGHI"}  # a row of zeros left blank
    blanks[(T3, "E8")] = None
    blanks[(T4, "B7")] = "/"
    return edit(path, {
        **blanks,
        (T3, "J9"): 31,  # 予以公开 总计 typed over the formula; the row adds up to 30
        (T3, "G7"): 3,  # 社会公益组织 新收 2 → 3: the 勾稽 of that column breaks
        (T4, "E7"): 4,  # 行政复议 总计 typed as 4; 1 + 0 + 2 + 0 = 3
    })


def _errors(path):
    return {(f.code, f.location.cell): f for f in check_workbook(path).findings if f.is_error}


def test_every_fault_is_in_the_first_check(tmp_path):
    errors = _errors(_as_a_clerk_fills_it(tmp_path))
    assert set(errors) == (
        {("blank-value", f"{col}11") for col in "DEFGHI"}
        | {("blank-value", "E8"), ("blank-value", "B7"),
           ("t3-row-total", "J9"), ("t3-balance", "G7"), ("t4-total", "E7")}
    )
    typed = errors[("t3-row-total", "J9")].message
    assert typed.startswith("这一格原来是自动合计公式，被改成了手填的数字：总计是 31，但本行各列 ")
    assert "= 30。" in typed
    assert "reportgen fix" in typed and "不要为了凑这个总计去改各格" in typed
    t4 = errors[("t4-total", "E7")].message
    assert "被改成了手填的数字：行政复议的总计是 4，但 A7 + B7 + C7 + D7 = 1 + 0（空） + 2 + 0 = 3" in t4
    assert "0（空）" in errors[("t4-total", "E7")].message  # the blank B7 counted as 0, and shown so
    assert "（核对合计时暂按 0 计算）" in errors[("blank-value", "D11")].message
    assert errors[("t3-balance", "G7")].params["column"] == "社会公益组织"


def test_fix_then_correcting_only_what_was_reported_is_clean(tmp_path):
    path = _as_a_clerk_fills_it(tmp_path)
    fixed = tmp_path / "fixed.xlsx"
    proc = run_reportgen("fix", path, "-o", fixed)
    assert proc.returncode == 0, proc.stderr
    assert "  【手填的总计改回自动合计公式】2 处\n    · 表三 J9（（一）予以公开 / 总计）：“31” → =SUM(D9:I9)\n" in proc.stdout
    assert "\n    · 表四 B7（行政复议 / 结果纠正）：“/” → 0\n" in proc.stdout
    assert proc.stdout.startswith("修改了 10 个格子：\n")
    # What is left is the one fault fix cannot know the answer to.
    assert set(_errors(fixed)) == {("t3-balance", "G7")}
    edit(fixed, {(T3, "G7"): 2})  # the clerk corrects the reported column
    result = check_workbook(fixed)
    assert result.errors == 0
    assert [f.code for f in result.findings] == ["overview-too-long"]  # pingtan's own 提醒
    assert run_reportgen("check", fixed).returncode == 0


def test_a_cell_that_is_not_a_number_leaves_only_its_own_relations_unchecked(tmp_path):
    path = _as_a_clerk_fills_it(tmp_path)
    edit(path, {(T3, "D12"): "12件"})
    findings = check_workbook(path).findings
    codes = {(f.code, f.location.cell) for f in findings}
    # the other faults are all still found ...
    assert {("t3-row-total", "J9"), ("t3-balance", "G7"), ("t4-total", "E7"), ("not-a-number", "D12")} <= codes
    # ... and one summary names what could not be checked and why
    summary = next(f for f in findings if f.code == "relations-unchecked")
    assert not summary.is_error and summary.value == "4"
    assert "表三 J12 的合计、表三 J30 的合计、表三 D30 的合计、表三“自然人”列的勾稽关系" in summary.message
    assert "（表三 D12）" in summary.message


def test_fix_leaves_a_table_with_an_inserted_row_alone(tmp_path):
    path = _as_a_clerk_fills_it(tmp_path)
    wb = load_workbook(path)
    wb[T3].insert_rows(10)
    wb.save(path)
    fixed = tmp_path / "fixed.xlsx"
    result = fix_workbook(path, fixed)
    assert {c.location.sheet for c in result.changes} == {T4}  # 表四's blank and typed total only
    assert load_workbook(fixed)[T3]["J10"].value is None  # nothing written into the shifted table


def test_fix_changes_nothing_else(tmp_path):
    path = _as_a_clerk_fills_it(tmp_path)
    edit(path, {(T3, "D13"): "１２", ("表二", "B17"): " 9116.36 "})
    fixed = tmp_path / "fixed.xlsx"
    changed = {(c.location.sheet, c.location.cell) for c in fix_workbook(path, fixed).changes}
    assert {(T3, "D13"), ("表二", "B17"), (T3, "J9"), (T4, "E7")} <= changed
    before, after = load_workbook(path), load_workbook(fixed)
    assert before.sheetnames == after.sheetnames
    for ws in before.worksheets:
        other = after[ws.title]
        assert other.sheet_state == ws.sheet_state
        assert other.protection.sheet == ws.protection.sheet
        assert len(other.data_validations.dataValidation) == len(ws.data_validations.dataValidation)
        assert {str(r) for r in other.merged_cells.ranges} == {str(r) for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for cell in row:
                twin = other[cell.coordinate]
                assert (twin.fill.fgColor.rgb, twin.protection.locked, twin.number_format) == \
                    (cell.fill.fgColor.rgb, cell.protection.locked, cell.number_format), cell.coordinate
                if (ws.title, cell.coordinate) not in changed:
                    assert twin.value == cell.value, (ws.title, cell.coordinate)
    assert after[T3]["D13"].value == 12 and after[T3]["D11"].value == 0
    assert str(after["表二"]["B17"].value) == "9116.36"


def test_fix_never_writes_in_place(tmp_path):
    path = _as_a_clerk_fills_it(tmp_path)
    before = path.read_bytes()
    proc = run_reportgen("fix", path, "-o", path)
    assert proc.returncode == 2
    assert "不能覆盖原工作簿" in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_bytes() == before
