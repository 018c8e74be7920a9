"""Any single changed number that breaks a sum or the 勾稽 relation is caught, and the
finding names the changed cell among the cells involved, with the arithmetic."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import sample, sample_json, workbook_from
from reportgen import check_workbook
from reportgen.formats import DEFAULT_FORMAT as FMT

SUM_FIELDS = [f for f in FMT.fields if f.table in ("t3", "t4")]


def _walk(path, values, tmp_path, fields=SUM_FIELDS):
    """Change each value cell by one, alone, and check that an error names it."""
    wb = load_workbook(path)
    missed = []
    for f in fields:
        ws = wb[f.sheet]
        original = ws[f.cell].value
        ws[f.cell].value = values[f.key] + 1
        target = tmp_path / "changed.xlsx"
        wb.save(target)
        ws[f.cell].value = original
        errors = [x for x in check_workbook(target).findings if x.is_error]
        if not any(f.cell in x.cells and x.location.sheet == f.sheet for x in errors):
            missed.append((f.cell, [(x.code, x.cells) for x in errors]))
        else:
            named = next(x for x in errors if f.cell in x.cells)
            assert named.expected and named.value  # what was found, and the arithmetic expected
    assert not missed, missed


@pytest.fixture(scope="module")
def busy():
    """A report with numbers everywhere (pingtan-2021), its totals as workbook formulas;
    with every value as reportgen reads it."""
    from reportgen import read_workbook
    return sample("pingtan-2021"), read_workbook(sample("pingtan-2021")).data.values


def test_every_value_cell_change_is_caught_with_formula_totals(busy, tmp_path):
    """Totals are live formulas: a changed part of table 4 moves its total with it and
    breaks nothing; every other change breaks a sum or the 勾稽 relation."""
    path, values = busy
    t4_parts = [f for f in SUM_FIELDS if f.table == "t4" and not f.is_total]
    _walk(path, values, tmp_path, [f for f in SUM_FIELDS if f not in t4_parts])
    wb = load_workbook(path)
    wb["表四"]["A7"].value = 2
    wb.save(tmp_path / "t4.xlsx")
    result = check_workbook(tmp_path / "t4.xlsx")
    assert not [f for f in result.findings if f.is_error]
    assert result.data.values["t4.review.total"] == 4


def test_every_value_cell_change_is_caught_with_typed_totals(busy, tmp_path):
    """Totals typed as numbers (formulas pasted over with values, as in the real
    hongze-2023 report): every single change breaks a relation and is named."""
    path, values = busy
    wb = load_workbook(path)
    for f in SUM_FIELDS:
        if f.is_total:
            wb[f.sheet][f.cell].value = values[f.key]
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    assert not check_workbook(typed).data.computed
    _walk(typed, values, tmp_path)


def test_balance_finding_shows_the_arithmetic_and_the_cells(tmp_path):
    obj = sample_json("pingtan-2021")
    obj["t3"]["carried_forward"]["natural_person"] = 3  # was 1
    obj["t3"]["carried_forward"]["total"] = 3
    path = workbook_from(obj, tmp_path / "x.xlsx")
    errors = [f for f in check_workbook(path).findings if f.is_error]
    assert [f.code for f in errors] == ["t3-balance"]
    finding = errors[0]
    assert str(finding.location) == "表三 D7（一、本年新收政府信息公开申请数量 / 自然人）"
    assert finding.value == "64" and finding.expected == "66"
    assert "一 + 二 = D7 + D8 = 64 + 0 = 64" in finding.message
    assert "（七）总计 + 四 = D30（由 D9～D29 自动合计） + D31 = 63 + 3 = 66" in finding.message
    assert {"D7", "D8", "D30", "D31", "D9", "D29"} <= set(finding.cells)


def test_a_typed_total_that_disagrees_is_an_error_naming_total_and_parts(tmp_path):
    obj = sample_json("pingtan-2021")
    obj["t3"]["granted"]["total"] = 31  # parts add up to 30
    path = workbook_from(obj, tmp_path / "x.xlsx")
    errors = [f for f in check_workbook(path).findings if f.is_error]
    row = next(f for f in errors if f.code == "t3-row-total")
    assert row.location.cell == "J9"
    assert row.expected == "D9 + E9 + F9 + G9 + H9 + I9 = 27 + 0 + 0 + 2 + 0 + 1 = 30"
