"""Checks on the report as a whole: identity, mandatory text, the fee paragraph, shares."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Iterator

from reportgen.formats import findings as F
from reportgen.data.sentences import DRAFT_MARK
from reportgen.formats.findings import Finding, Location
from reportgen.data.workbook import layout as L
from reportgen.checks.base import CheckContext, field_location


def check_identity(context: CheckContext) -> Iterator[Finding]:
    """Agency and year present; the year is one the format applies to."""
    data, fmt = context.data, context.data.format
    for info in fmt.info_fields:
        if info.required and data.info.get(info.key) in (None, ""):
            where = Location(L.INFO_SHEET, L.info_cell(fmt, info.key), info.label)
            yield F.make("missing-info", where, label=info.label)
    year = data.info.get("year")
    if year in (None, ""):
        return
    where = Location(L.INFO_SHEET, L.info_cell(fmt, "year"), "报告年度")
    today = context.today or dt.date.today()
    if not isinstance(year, int) or year > L.year_bounds(fmt, today)[1] or year < 2000:
        yield F.make("invalid-year", where, value=year)
    elif not fmt.applies_to(year):
        yield F.make("year-not-covered", where, value=year, format=fmt.name, first=fmt.first_year)


def _section_location(label: str) -> Location:
    return Location(L.TEXT_SHEET, "", label)


def _paragraphs_location(data, key: str) -> tuple[Location, tuple[str, ...]]:
    """A finding about a text part: the first cell of its paragraphs (all of them
    marked by ``--annotate``), or the part as a whole when it came from JSON."""
    label = data.format.text_section(key).label
    cells = tuple(dict.fromkeys(p.cell for p in data.text.get(key, []) if p.cell))
    return Location(L.TEXT_SHEET, cells[0] if cells else "", label), cells


# ---------------------------------------------------------------- the fee paragraph
# Part 六 must say whether 信息处理费 was charged for 依申请公开 (国办函〔2020〕109号):
# charged (an amount), not charged, or none, in whatever words.  A sentence states it
# when it names the fee with any statement about it, or speaks of 依申请公开 / the
# applications together with charging or not charging.  Table 2's 行政事业性收费 is
# another fee and does not count.
FEE_NAMES = re.compile(r"信息(公开)?处理费|处理费")
FEE_STATEMENT = re.compile(r"未|没有|无|不|免|零|收取|收费|征收|缴纳|[0-9０-９]|元")
APPLICATIONS = re.compile(r"依申请|公开申请|申请公开|申请人|信息公开")
CHARGING = re.compile(r"(不|未|没有|无)(收取|收|产生|涉及|发生)?[^，。]{0,6}?(费用|收费)|免费|免收|不予收费"
                      r"|收取[^，。]{0,6}?费用[^，。]{0,4}?[0-9０-９]|收费[0-9０-９]")
OTHER_FEES = re.compile(r"行政事业性收费")
CITATIONS = re.compile(r"《[^》]*》|[（(][^）)]*[〔\[][^）)]*[）)]")  # titles and document numbers cited
SENTENCE_END = re.compile(r"[。；;！!？?\n]")

# The rule's examples: the docs (docs/checks.md) print them and a test checks each one.
FEE_EXAMPLES: tuple[tuple[str, bool], ...] = (
    ("本年度未收取信息处理费。", True),
    ("本年度未收取信息公开处理费。", True),
    ("本机关依申请公开政府信息不收费。", True),
    ("信息处理费：无。", True),
    ("2021年，无收取信息处理费情况。", True),
    ("共收取信息处理费300元。", True),
    ("本年度依申请公开政府信息未收取任何费用。", True),
    ("按照《政府信息公开信息处理费管理办法》，本年度收取信息处理费0元。", True),
    ("本机关办理政府信息公开申请，免费提供。", True),
    ("本年度没有产生信息处理费。", True),
    ("无其他需要报告的事项。", False),
    ("本年度行政事业性收费9116.36万元。", False),
    ("本机关依申请公开工作运行良好，无其他需要报告的事项。", False),
    ("如需了解更多政府信息，请登录门户网站。", False),
    ("根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）执行。", False),
)


def states_fee(text: str, fee_name: str = "") -> bool:
    """Whether a text says if 信息处理费 (or fees for 依申请公开) were charged.
    ``fee_name``: the format's own name of the fee (``ReportFormat.fee_keyword``), also accepted."""
    names = re.compile(f"{re.escape(fee_name)}|{FEE_NAMES.pattern}") if fee_name else FEE_NAMES
    text = CITATIONS.sub("", OTHER_FEES.sub("", re.sub(r"\s", "", text)))
    for sentence in SENTENCE_END.split(text):
        if names.search(sentence) and FEE_STATEMENT.search(names.sub("", sentence)):
            return True
        if APPLICATIONS.search(sentence) and CHARGING.search(sentence):
            return True
    return False


def check_text(context: CheckContext) -> Iterator[Finding]:
    """Mandatory parts present; part 六 reports the 信息处理费; part 一 not over length."""
    data, fmt = context.data, context.data.format
    for section in fmt.text_sections:
        if section.required and not data.section_text(section.key).strip():
            yield F.make("missing-text", _section_location(section.label), label=section.label, hint=section.hint)
    other = data.section_text("other_matters")
    if other.strip() and not states_fee(other, fmt.fee_keyword):
        where, cells = _paragraphs_location(data, "other_matters")
        yield F.make("fee-not-reported", where, cells=cells)
    for section in fmt.text_sections:
        for paragraph in data.text.get(section.key, []):
            if DRAFT_MARK in paragraph.plain():
                yield F.make("draft-text", Location(L.TEXT_SHEET, paragraph.cell, section.label), value=DRAFT_MARK,
                             cells=(paragraph.cell,) if paragraph.cell else ())
    length = len(re.sub(r"\s", "", data.section_text("overview")))
    if length > fmt.overview_max_chars:
        where, cells = _paragraphs_location(data, "overview")
        yield F.make("overview-too-long", where, value=length, expected=fmt.overview_max_chars, cells=cells)


def check_other_share(context: CheckContext) -> Iterator[Finding]:
    """（六）3.其他 should not be a large share of all handled applications."""
    data, fmt = context.data, context.data.format
    other, total = data.values.get(fmt.other_share_key), data.values.get(fmt.results_total_key)
    if not other or not total or Decimal(other) / Decimal(total) <= Decimal(str(fmt.other_share_limit)):
        return
    where = field_location(data, fmt.other_share_key)
    yield F.make("other-share-high", where, value=other, key=fmt.other_share_key, cells=(where.cell,),
                 label=where.row_label, total_label=fmt.field(fmt.results_total_key).row_label, total=total, share=f"{other / total:.0%}", limit=f"{fmt.other_share_limit:.0%}")
