"""The report-level rules: identity, year, mandatory parts, the 信息处理费 paragraph, reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SEED, sample_json
from reportgen.checks import check_report
from reportgen.data.model import ReportData


def _codes(obj, today=dt.date(2026, 11, 26)):
    findings = check_report(ReportData.from_json(obj), today=today)
    return [(f.code, f.location.cell if f.location else "", f.is_error) for f in findings]


def test_the_seed_has_no_finding():
    assert _codes(sample_json(SEED)) == []


@pytest.mark.parametrize("change, expected", [
    (lambda o: o["info"].update(agency=""), [("missing-info", "B4", True)]),
    (lambda o: o["info"].update(year=None), [("missing-info", "B5", True)]),
    (lambda o: o["info"].update(year=2020), [("year-not-covered", "B5", True)]),
    (lambda o: o["info"].update(year=2031), [("invalid-year", "B5", True)]),
    (lambda o: o["info"].update(year="二〇二三"), [("invalid-year", "B5", True)]),
    (lambda o: o["text"].update(problems=[]), [("missing-text", "", True)]),
    (lambda o: o["text"].update(other_matters=[{"heading": "", "text": "无其他需要报告的事项。"}]),
     [("fee-not-reported", "", True)]),
    (lambda o: o["text"]["overview"].append({"heading": "", "text": "字" * 1000}), [("overview-too-long", "", False)]),
])
def test_report_level_rules(change, expected):
    obj = sample_json(SEED)
    change(obj)
    assert _codes(obj) == expected


def test_a_high_share_of_other_handling_is_a_reminder_naming_the_cell():
    obj = sample_json(SEED)
    t3 = obj["t3"]
    for row, value in (("new_received", 4), ("granted", 1), ("other_other", 3), ("results_total", 4)):
        t3[row]["natural_person"] = t3[row]["total"] = value
    findings = check_report(ReportData.from_json(obj), today=dt.date(2026, 11, 26))
    # the seed's text says 未接收到…申请, so the 4 applications also bring the text-versus-table 提醒
    assert [f.code for f in findings] == ["other-share-high", "text-table-mismatch"]
    assert not findings[0].is_error and findings[0].location.cell == "J29"
    assert "占（七）总计 4 件的 75%" in findings[0].message


def test_every_finding_code_is_in_the_catalogue_and_messages_are_chinese():
    from reportgen.formats.findings import CATALOGUE
    for kind in CATALOGUE.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in kind.title + kind.template), kind.code
