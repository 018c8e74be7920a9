"""Checks on the report as a whole: identity, mandatory text, the fee paragraph, shares."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Iterator

from reportgen.formats import findings as F
from reportgen.data.sentences import DRAFT_MARK, fee_sentence, states_fee
from reportgen.formats.findings import Finding, Location
from reportgen.data.workbook import layout as L
from reportgen.checks.base import CheckContext, field_location


# The advice of a message (its ``advice`` parameter), for a clerk's workbook [False] and for a
# report already published (``audit``) [True].
MISSING_INFO_ADVICE = {False: "请在基本信息表填写。", True: "报告的标题、落款和正文中都没有找到，请对照原文核对。"}
FEE_ADVICE = {False: "reportgen draft 可把这句话作为草拟文字写进工作簿。", True: ""}


def check_identity(context: CheckContext) -> Iterator[Finding]:
    """Agency and year present; the year is one the format applies to."""
    data, fmt = context.data, context.data.format
    for info in fmt.info_fields:
        if info.required and data.info.get(info.key) in (None, ""):
            where = Location(L.INFO_SHEET, L.info_cell(fmt, info.key), info.label)
            yield F.make("missing-info", where, label=info.label,
                         advice=MISSING_INFO_ADVICE[context.published])
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


def check_text(context: CheckContext) -> Iterator[Finding]:
    """Mandatory parts present; part 六 reports the 信息处理费; part 一 not over length."""
    data, fmt = context.data, context.data.format
    for section in fmt.text_sections:
        if section.required and not data.section_text(section.key).strip():
            yield F.make("missing-text", _section_location(section.label), label=section.label, hint=section.hint)
    other = data.section_text("other_matters")
    if fmt.fee_keyword and other.strip() and not states_fee(other, fmt.fee_keyword):
        where, cells = _paragraphs_location(data, "other_matters")
        yield F.make("fee-not-reported", where, cells=cells, sentence=fee_sentence(data.year, fmt.fee_keyword),
                     advice=FEE_ADVICE[context.published])
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
