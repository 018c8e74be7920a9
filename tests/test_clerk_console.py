"""Issue 7: grouped console messages, and number parsing that is bounded."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from conftest import edit, run_reportgen  # noqa: F401
from reportgen import read_workbook
from reportgen.data.workbook import write_workbook


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    return write_workbook(tmp_path_factory.mktemp("fresh") / "new.xlsx", year=2023, agency="某某局")


def test_many_blanks_in_a_table_print_as_one_line_per_block(fresh):
    proc = run_reportgen("check", fresh)
    assert proc.returncode == 1
    out = proc.stdout
    assert "【错误】数字格为空（166 处）  [blank-value]" in out
    assert "· 表三 第7–31行（D7～I31）共 144 个数字格为空或只填了符号" in out
    assert "· 表四 第7行（A7～N7）共 12 个数字格为空或只填了符号" in out
    assert "reportgen fix 可把它们一次填为 0" in out
    assert "表三 D7（" not in out  # no cell-by-cell list by default
    assert len(out.splitlines()) < 30


def test_all_lists_every_cell_and_json_has_every_cell(fresh):
    out = run_reportgen("check", "--all", fresh).stdout
    assert out.count("这一格是空的") == 166
    assert "表三 D7（一、本年新收政府信息公开申请数量 / 自然人）：这一格是空的" in out
    report = json.loads(run_reportgen("check", "--json", fresh).stdout)
    blanks = [f for f in report["workbooks"][0]["findings"] if f["code"] == "blank-value"]
    assert len(blanks) == 166 and {f["location"]["cell"] for f in blanks if f["location"]["sheet"] == "表三"} >= {"D7", "I31"}


def test_a_few_faults_are_still_listed_by_cell(copy_sample):
    path = edit(copy_sample(), {("表三", "D11"): None, ("表三", "E11"): "/"})
    out = run_reportgen("check", path).stdout
    assert "表三 D11（（三）不予公开 1.属于国家秘密 / 自然人）：这一格是空的（核对合计时暂按 0 计算）" in out
    assert "共 2 个" not in out


@pytest.mark.parametrize("typed, reason", [
    ("1e999999999", "指数过大或过小"),
    ("1e5000", "指数过大或过小"),
    ("1e-999999999", "指数过大或过小"),
    ("1" * 41, "超过了 40 个字符的上限"),
    ("1000000000000", "达到或超过了 1,000,000,000,000 的上限"),
    (10 ** 12, "达到或超过了 1,000,000,000,000 的上限"),
    (1e300, "达到或超过了 1,000,000,000,000 的上限"),
])
def test_huge_numbers_are_refused_at_their_cell(copy_sample, typed, reason):
    path = edit(copy_sample(), {("表三", "D11"): typed})
    result = read_workbook(path)
    assert result.data.values["t3.refused_state_secret.natural_person"] is None
    finding = next(f for f in result.findings if f.location.cell == "D11")
    assert finding.code == "number-too-large" and finding.is_error and reason in finding.message


def test_a_large_count_below_the_limit_is_read(copy_sample):
    path = edit(copy_sample(), {("表三", "D11"): "999999999999"})
    assert read_workbook(path).data.values["t3.refused_state_secret.natural_person"] == 999999999999


def test_a_fee_with_more_than_six_decimals_is_kept_with_a_reminder(copy_sample):
    path = edit(copy_sample(), {("表二", "B17"): "12.12345678"})
    result = read_workbook(path)
    assert result.data.values["t2.fees.amount"] == Decimal("12.12345678")
    finding = next(f for f in result.findings if f.location.cell == "B17" and f.code == "fee-many-decimals")
    assert not finding.is_error and "有 8 位小数" in finding.message


def test_annotated_copy_marks_every_cell_with_one_comment_per_block(fresh, tmp_path):
    from openpyxl import load_workbook

    from reportgen.formats import DEFAULT_FORMAT as FMT

    out = tmp_path / "annotated.xlsx"
    assert run_reportgen("check", fresh, "--annotate", out).returncode == 1
    wb = load_workbook(out)
    for f in FMT.fields:
        if not f.is_total:
            assert wb[f.sheet][f.cell].fill.fgColor.rgb.endswith("FF9999"), f.cell
    t3 = [c for row in wb["表三"].iter_rows() for c in row if c.comment]
    assert [c.coordinate for c in t3] == ["D7"]
    assert "表三 第7–31行（D7～I31）共 144 个数字格为空或只填了符号" in t3[0].comment.text
