"""The check command as clerks and provincial offices use it."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from conftest import SEED, digest, edit, run_reportgen, sample


def test_check_prints_the_verdict_first_then_findings_grouped_by_rule(copy_sample):
    path = edit(copy_sample(), {("表三", "D11"): "12件", ("表三", "E11"): "/", ("表三", "F11"): "０"})
    proc = run_reportgen("check", path)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 1
    # 提醒: F11 read from text, and the 4 relations D11 (not a number) leaves unchecked; the blank E11 counts as 0
    assert lines[1] == "结论：不能生成报告（2 个错误，2 个提醒）。请改正下列“错误”后再检查。"
    assert "有 4 个关系（表三 J11 的合计、表三 J30 的合计、表三 D30 的合计、表三“自然人”列的勾稽关系）用到的格子没有可用的数字（表三 D11）" in proc.stdout
    out = proc.stdout
    assert out.index("【错误】") < out.index("【提醒】")
    assert "【错误】数字格里有非数字内容（1 处）  [not-a-number]" in out
    assert "表三 D11（（三）不予公开 1.属于国家秘密 / 自然人）：格内是“12件”，不是数字" in out
    assert "表三 E11（（三）不予公开 1.属于国家秘密 / 法人或其他组织·商业企业）：这一格填的是“/”" in out
    assert "【提醒】数字以文本形式填写（已自动识别）（1 处）" in out


def test_json_output_has_every_finding_with_code_location_value_expected(copy_sample):
    path = edit(copy_sample(), {("表三", "D11"): "12件"})
    proc = run_reportgen("check", "--json", path)
    report = json.loads(proc.stdout)
    item = report["workbooks"][0]
    assert item["can_render"] is False and item["errors"] == 1 and item["exit_code"] == 1
    finding = item["findings"][0]
    assert finding["code"] == "not-a-number" and finding["severity"] == "error"
    assert finding["location"] == {"sheet": "表三", "cell": "D11", "row": "（三）不予公开 1.属于国家秘密", "column": "自然人"}
    assert finding["key"] == "t3.refused_state_secret.natural_person" and finding["value"] == "12件"


def test_annotate_marks_the_cells_in_a_copy_and_leaves_the_input_alone(tmp_path):
    source = sample("hongze-2023")
    before = digest(source)
    out = tmp_path / "标注.xlsx"
    proc = run_reportgen("check", source, "--annotate", out)
    assert proc.returncode == 1 and "已另存标注副本" in proc.stdout
    assert digest(source) == before
    ws = load_workbook(out)["表四"]
    assert ws["E7"].fill.fgColor.rgb.endswith("FF9999") and ws["A7"].fill.fgColor.rgb.endswith("FF9999")
    assert "行政复议的总计是 0" in ws["E7"].comment.text
    assert ws["O7"].comment is not None and ws["F7"].comment is None


def test_annotate_refuses_to_overwrite_the_input(copy_sample):
    path = copy_sample("hongze-2023")
    before = digest(path)
    proc = run_reportgen("check", path, "--annotate", path)
    assert proc.returncode == 2 and "不能覆盖原工作簿" in proc.stderr
    assert digest(path) == before


@pytest.mark.parametrize("content, words", [(b"", "不是 Excel 工作簿"), (b"not a workbook", "不是 Excel 工作簿"),
                                            (b"PK\x03\x04broken", "已损坏：文件不完整")])
def test_unusable_files_exit_2_with_one_line_and_no_traceback(tmp_path, content, words):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(content)
    for args in (("check", path), ("check", path, "--json"), ("dump", path)):
        proc = run_reportgen(*args)
        assert proc.returncode == 2
        assert "Traceback" not in proc.stdout + proc.stderr
        assert words in proc.stdout + proc.stderr


def test_usage_errors_exit_2(tmp_path):
    proc = run_reportgen("check", sample(SEED), sample(SEED), "--annotate", tmp_path / "x.xlsx")
    assert proc.returncode == 2 and "只能用于一个工作簿" in proc.stderr
