"""Checks between this year's report and last year's (FORMAT.md §5: carry-over, stock, repeated text).

They run only when a previous report is given (``check --previous``).  All are 提醒:
a carry-over may have been corrected, a stock changed by a clean-up.  The rules are
data of the format (``carry_rules``, ``stock_rules``, ``repeated_text_key``); every
message names this year's cell and last year's."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterator

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location
from reportgen.data.workbook import layout as L
from reportgen.checks.base import CheckContext, field_location

# Long texts are compared on their first characters: SequenceMatcher is quadratic.
COMPARED_CHARS = 20_000
IGNORED_IN_TEXT = re.compile(r"[\s，。、；：,.;:（）()“”\"'《》]")


def check_cross_year(context: CheckContext) -> Iterator[Finding]:
    """This year against last year; nothing without a previous report."""
    if context.previous is None:
        return
    yield from _year(context)
    yield from _carry(context)
    yield from _stock(context)
    yield from _repeated_text(context)


def _last_place(context: CheckContext, key: str) -> str:
    """Last year's cell, as a message names it: in last year's workbook, or in the table of
    last year's published report (``audit``)."""
    where = field_location(context.previous, key)
    return f"{'上年报告' if context.published else '上年工作簿'} {where.sheet} {where.cell}"


def _year(context: CheckContext) -> Iterator[Finding]:
    this, last = context.data.year, context.previous.year
    if this is not None and last is not None and this != last + 1:
        where = Location(L.INFO_SHEET, L.info_cell(context.data.format, "year"), "报告年度")
        yield F.make("crossyear-year", where, value=this, expected=last + 1, last=last)


def _carry(context: CheckContext) -> Iterator[Finding]:
    data, last, fmt = context.data, context.previous, context.data.format
    for rule in fmt.carry_rules:
        this_value, last_value = data.values.get(rule.this), last.values.get(rule.last)
        if this_value is None or last_value is None or this_value == last_value:
            continue
        where, last_field = field_location(data, rule.this), fmt.field(rule.last)
        yield F.make("crossyear-carry", where, value=this_value, expected=last_value, key=rule.this,
                     cells=(where.cell,), row=where.row_label, column=where.col_label,
                     last_row=last_field.row_label, last_place=_last_place(context, rule.last))


def _stock(context: CheckContext) -> Iterator[Finding]:
    data, last = context.data, context.previous
    for rule in data.format.stock_rules:
        stock, added, removed = (data.values.get(k) for k in (rule.stock, rule.added, rule.removed))
        before = last.values.get(rule.stock)
        if None in (stock, added, removed, before):
            continue
        expected = before + added - removed
        if stock == expected:
            continue
        where = field_location(data, rule.stock)
        cells = tuple(field_location(data, k).cell for k in (rule.stock, rule.added, rule.removed))
        yield F.make("crossyear-stock", where, value=stock, expected=expected, key=rule.stock, cells=cells,
                     row=where.row_label, last=before, added=added, removed=removed,
                     last_place=_last_place(context, rule.stock))


def _repeated_text(context: CheckContext) -> Iterator[Finding]:
    fmt = context.data.format
    if not fmt.repeated_text_key:
        return
    this = IGNORED_IN_TEXT.sub("", context.data.section_text(fmt.repeated_text_key))[:COMPARED_CHARS]
    last = IGNORED_IN_TEXT.sub("", context.previous.section_text(fmt.repeated_text_key))[:COMPARED_CHARS]
    if not this or not last:
        return
    share = similarity(this, last)
    if share >= fmt.repeated_text_limit:
        label = fmt.text_section(fmt.repeated_text_key).label
        yield F.make("crossyear-repeated-text", Location(L.TEXT_SHEET, "", label), value=f"{share:.0%}",
                     label=label, share=f"{share:.0%}")


def similarity(a: str, b: str) -> float:
    """How much of the two texts is the same (0…1)."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return matcher.quick_ratio()  # clearly different: skip the slow exact ratio
    return matcher.ratio()
