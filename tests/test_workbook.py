"""The standard workbook as a provincial office hands it out, and as LibreOffice opens it."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from conftest import CASES, SEED, digest, libreoffice_convert, needs_libreoffice, run_reportgen, sample
from reportgen.formats import DEFAULT_FORMAT as FMT


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "标准工作簿.xlsx"
    proc = run_reportgen("new-workbook", path, "--year", "2024", "--agency", "某某县人民政府办公室")
    assert proc.returncode == 0, proc.stderr
    return path


def test_sheets_in_order_with_a_very_hidden_mark(blank):
    wb = load_workbook(blank)
    assert wb.sheetnames == ["填写说明", "基本信息", "文字部分", "表二", "表三", "表四", "_reportgen"]
    mark = wb["_reportgen"]
    assert mark.sheet_state == "veryHidden"
    assert (mark["B1"].value, mark["B2"].value) == ("reportgen-annual-report", "gov-2021")
    assert wb["基本信息"]["B4"].value == "某某县人民政府办公室" and wb["基本信息"]["B5"].value == 2024


def test_tables_look_like_the_official_ones(blank):
    ws = load_workbook(blank)["表三"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:C6", "D4:J4", "D5:D6", "E5:I5", "J5:J6", "A9:A30", "B11:B18", "A7:C7", "B30:C30"} <= merged
    assert ws["A4"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert ws["C13"].value == "3.危及“三安全一稳定”"
    t2 = load_workbook(blank)["表二"]
    assert "B10:D10" in {str(r) for r in t2.merged_cells.ranges}  # 行政许可's one value spans 3 columns


def test_inputs_unlocked_and_shaded_totals_locked_formulas(blank):
    wb = load_workbook(blank)
    for f in FMT.fields:
        cell = wb[f.sheet][f.cell]
        if f.is_total:
            assert cell.protection.locked and str(cell.value).startswith("=SUM("), f.key
        else:
            assert not cell.protection.locked and cell.fill.fgColor.rgb.endswith("FFF2CC"), f.key
    ws = wb["表三"]
    assert ws.protection.sheet
    assert ws["J7"].value == "=SUM(D7:I7)" and ws["D30"].value == "=SUM(D9:D29)" and ws["J30"].value == "=SUM(D30:I30)"
    assert wb["表四"]["E7"].value == "=SUM(A7:D7)"
    assert ws["A7"].protection.locked  # labels are locked


def test_validation_whole_numbers_and_decimal_fee_with_chinese_messages(blank):
    wb = load_workbook(blank)
    rules = {}
    for name in ("表二", "表三", "表四"):
        for dv in wb[name].data_validations.dataValidation:
            for cell in str(dv.sqref).split():
                rules[(name, cell)] = dv
    for f in FMT.fields:
        if f.is_total:
            continue
        dv = rules[(f.sheet, f.cell)]
        assert dv.type == ("decimal" if f.kind == "amount" else "whole") and dv.operator == "greaterThanOrEqual"
        assert dv.formula1 == "0" and "填 0" in dv.error and dv.showErrorMessage


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_opens_the_workbook_and_computes_the_totals(tmp_path):
    """LibreOffice loads it, evaluates our formulas, and keeps the labels and merges."""
    converted = libreoffice_convert(sample("pingtan-2021"), tmp_path, "xlsx:Calc MS Excel 2007 XML")
    cached = load_workbook(converted, data_only=True)
    assert cached["表三"]["J7"].value == 70 and cached["表三"]["J30"].value == 69
    assert cached["表四"]["E7"].value == 3
    assert "A9:A30" in {str(r) for r in cached["表三"].merged_cells.ranges}
    assert "_reportgen" in cached.sheetnames


def test_new_workbook_refuses_to_overwrite_without_force(tmp_path):
    path = tmp_path / "a.xlsx"
    assert run_reportgen("new-workbook", path).returncode == 0
    before = digest(path)
    proc = run_reportgen("new-workbook", path)
    assert proc.returncode == 2 and "已存在" in proc.stderr and digest(path) == before
    assert run_reportgen("new-workbook", path, "--force", "--year", "2022").returncode == 0


@pytest.mark.parametrize("name", CASES)
def test_dump_and_new_workbook_from_round_trip_exactly(tmp_path, name):
    first = run_reportgen("dump", sample(name))
    assert first.returncode == 0
    (tmp_path / "d.json").write_text(first.stdout, encoding="utf-8")
    rebuilt = tmp_path / "rebuilt.xlsx"
    assert run_reportgen("new-workbook", rebuilt, "--from", tmp_path / "d.json").returncode == 0
    second = run_reportgen("dump", rebuilt)
    assert json.loads(second.stdout) == json.loads(first.stdout)
    assert second.stdout == first.stdout


def test_dump_of_the_seed_uses_the_documented_keys():
    proc = run_reportgen("dump", sample(SEED))
    data = json.loads(proc.stdout)
    assert data["t2"]["penalty"]["decisions"] == 1
    assert data["t2"]["fees"]["amount"] == "0"
    assert data["info"]["agency"] == "湘乡市科技和工业信息化局" and data["info"]["year"] == 2023
    assert data["text"]["overview"][1]["heading"] == "（一）主动公开情况。"
