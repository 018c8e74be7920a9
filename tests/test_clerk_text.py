"""Issue 7: the fee paragraph understood in its many wordings, and the numbers the
text states checked against the tables (提醒 naming both the sentence and the cell)."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SEED, edit, sample, sample_json  # noqa: F401
from reportgen import check_workbook
from reportgen.checks import check_report
from reportgen.data.sentences import FEE_EXAMPLES, states_fee
from reportgen.checks.text_vs_table import chinese_number
from reportgen.data.model import ReportData

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize("text, passes", FEE_EXAMPLES)
def test_fee_rule_examples_in_the_docs(text, passes):
    """The examples docs/checks.md prints: each accepted or rejected as documented,
    also as the whole part 六 of a real report."""
    assert states_fee(text) is passes
    obj = sample_json(SEED)
    obj["text"]["other_matters"] = [{"heading": "", "text": text}]
    codes = [f.code for f in check_report(ReportData.from_json(obj), today=TODAY)]
    assert ("fee-not-reported" in codes) is (not passes)


def test_the_fee_examples_are_in_the_generated_docs():
    from conftest import ROOT
    docs = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    for text, passes in FEE_EXAMPLES:
        assert f"| {text} | {'通过' if passes else '不通过'} |" in docs


def test_fee_finding_names_the_paragraph_cells(copy_sample):
    path = edit(copy_sample(), {("文字部分", "C15"): "无其他需要报告的事项。", ("文字部分", "C16"): "请登录门户网站。"})
    finding = next(f for f in check_workbook(path).findings if f.code == "fee-not-reported")
    assert finding.location.sheet == "文字部分" and finding.location.cell == "C15"
    assert finding.cells == ("C15", "C16")


@pytest.mark.parametrize("text, number", [("三", 3), ("十二", 12), ("一百零五", 105), ("两", 2), ("２０", 20),
                                          ("二十", 20), ("一千零一", 1001), ("十", 10)])
def test_chinese_numerals(text, number):
    assert chinese_number(text) == number


@pytest.mark.parametrize("name", ["xiangxiang-kjgxj-2023", "pingtan-2021", "hongze-2023"])
def test_real_reports_text_and_tables_agree(name):
    assert not [f for f in check_workbook(sample(name)).findings if f.code == "text-table-mismatch"]


def test_seed_with_five_new_applications_gets_one_reminder_naming_sentence_and_cell(copy_sample):
    path = edit(copy_sample(), {("表三", "D7"): 5})  # the text says 未接收到…申请
    found = [f for f in check_workbook(path).findings if f.code == "text-table-mismatch"]
    assert len(found) == 1
    finding = found[0]
    assert not finding.is_error
    assert finding.location.sheet == "文字部分" and finding.location.cell == "C7"
    assert "我局未接收到政府信息公开申请" in finding.message
    assert "但表格中表三 J7（一、本年新收政府信息公开申请数量，总计）是 5。" in finding.message
    assert finding.value == "0" and finding.expected == "5"


def _with_overview(sentence: str) -> list:
    obj = sample_json("pingtan-2021")
    obj["text"]["overview"].append({"heading": "", "text": sentence})
    return [f for f in check_report(ReportData.from_json(obj), today=TODAY) if f.code == "text-table-mismatch"]


@pytest.mark.parametrize("sentence, subject, stated", [
    ("本年度共收到政府信息公开申请68件。", "收到的政府信息公开申请", "68"),
    ("全年收到六十八件申请。", "收到的政府信息公开申请", "68"),
    ("本年度发生行政复议五件。", "行政复议", "5"),
    ("被提起行政诉讼十一件。", "行政诉讼", "11"),
    ("未发生因政府信息公开引起的行政复议。", "行政复议", "0"),
    ("本年制发行政规范性文件70件。", "本年制发的行政规范性文件", "70"),
    ("现行有效的行政规范性文件一百零五件。", "现行有效的行政规范性文件", "105"),
    ("作出行政处罚决定12件。", "行政处罚决定", "12"),
])
def test_text_numbers_that_differ_from_the_tables(sentence, subject, stated):
    found = _with_overview(sentence)
    assert [(f.params["subject"], f.value) for f in found] == [(subject, stated)]


@pytest.mark.parametrize("sentence", [
    "本年度共收到政府信息公开申请70件。",  # 新收 70
    "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。",
    "发生行政复议3件、行政诉讼12件。",  # table 4: 3 and 12 + 0
    "现行有效行政规范性文件665件。",
    "主动公开政府信息3250条，其中第5件为重要信息。",  # about something else
    "2021年1月1日起至2021年12月31日止。",
    "坚持第一时间回复申请的“三个一”工作机制。",
])
def test_text_numbers_that_agree_or_are_about_something_else(sentence):
    assert _with_overview(sentence) == []


def test_received_may_include_the_carried_over_applications():
    obj = sample_json("pingtan-2021")
    obj["t3"]["carried_over"]["natural_person"] = obj["t3"]["carried_over"]["total"] = 2
    obj["text"]["overview"].append({"heading": "", "text": "本年度共收到政府信息公开申请72件。"})
    assert not [f for f in check_report(ReportData.from_json(obj), today=TODAY) if f.code == "text-table-mismatch"]
