"""The checks of FORMAT.md §5 that need only this year's data.

Each check is a function of the report data that yields findings; :data:`CHECKS`
lists them in the order the console prints them.  Arithmetic checks read the sum
and balance relations from the format definition, so they never restate a label.
Cross-year checks (carry-over, stock of documents, repeated text) and text-versus-
table checks will take a ``previous`` report through :class:`CheckContext`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import findings as F
from .findings import Finding, Location
from .model import ReportData
from .spec import BalanceRule, SumRule
from .workbook import layout as L
from .workbook.reader import read_workbook


@dataclass
class CheckContext:
    data: ReportData
    previous: ReportData | None = None  # last year's report, for the cross-year rules to come
    today: dt.date | None = None


Check = Callable[[CheckContext], Iterable[Finding]]


@dataclass
class CheckResult:
    """The verdict on one workbook: its data and every finding, reading included."""

    path: Path | None
    data: ReportData
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return F.count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return F.count(self.findings)[1]

    @property
    def can_render(self) -> bool:
        return self.errors == 0


def check_report(data: ReportData, previous: ReportData | None = None, today: dt.date | None = None) -> list[Finding]:
    """Run every check on report data; returns the findings in print order."""
    context = CheckContext(data, previous, today or dt.date.today())
    return [finding for check in CHECKS for finding in check(context)]


def check_workbook(path: Path | str, previous: ReportData | None = None) -> CheckResult:
    """Read a workbook and check it.  Raises UnusableInput for a file that cannot be read."""
    read = read_workbook(path)
    return CheckResult(read.path, read.data, read.findings + check_report(read.data, previous))


# --------------------------------------------------------------------------- arithmetic
def _where(data: ReportData, key: str) -> Location:
    return Location.of(data.format.field(key))


def _cell(data: ReportData, key: str) -> str:
    return data.format.field(key).cell


def _describe_sum(data: ReportData, keys: tuple[str, ...]) -> str:
    """'D7 + E7 = 1 + 2 = 3', or for long runs 'D9～D29 合计 5（其中不为 0 的：D9=3、D12=2）'."""
    values = [data.values[k] for k in keys]
    total = sum(values)
    if len(keys) <= 6:
        cells = " + ".join(_cell(data, k) for k in keys)
        numbers = " + ".join(str(v) for v in values)
        return f"{cells} = {numbers} = {total}"
    nonzero = "、".join(f"{_cell(data, k)}={v}" for k, v in zip(keys, values) if v)
    return f"{_cell(data, keys[0])}～{_cell(data, keys[-1])} 合计 {total}" + (f"（其中不为 0 的：{nonzero}）" if nonzero else "")


def check_sums(context: CheckContext) -> Iterator[Finding]:
    """Every total equals the sum of its parts (rows and columns of table 3, table 4)."""
    data = context.data
    for rule in data.format.sum_rules:
        total = data.values.get(rule.total)
        parts = [data.values.get(k) for k in rule.parts]
        if total is None or any(p is None for p in parts) or total == sum(parts):
            continue  # a missing value has its own finding already
        arith = _describe_sum(data, rule.parts)
        where = _where(data, rule.total)
        yield F.make(rule.code, where, value=total, expected=arith, key=rule.total,
                     cells=(where.cell,) + tuple(_cell(data, k) for k in rule.parts),
                     arith=arith,
                     group=where.row_label)


def _operand(data: ReportData, key: str) -> tuple[str, tuple[str, ...]]:
    """How a balance names one operand, and the cells behind it.  A total reportgen
    computed stands for its parts, which are what the clerk typed."""
    cell = _cell(data, key)
    rule: SumRule | None = data.format.sum_rule_for(key)
    if key in data.computed and rule is not None:
        parts = tuple(_cell(data, k) for k in rule.parts)
        return f"{cell}（由 {parts[0]}～{parts[-1]} 自动合计）", (cell,) + parts
    return cell, (cell,)


def _short(label: str) -> str:
    return label.split("、")[0].split(" ")[-1]


def check_balance(context: CheckContext) -> Iterator[Finding]:
    """Table 3's 勾稽关系, column by column: 一 + 二 = （七）总计 + 四."""
    data = context.data
    rule: BalanceRule
    for rule in data.format.balance_rules:
        keys = rule.left + rule.right
        values = [data.values.get(k) for k in keys]
        if any(v is None for v in values):
            continue
        left, right = sum(values[: len(rule.left)]), sum(values[len(rule.left):])
        if left == right:
            continue
        sides = []
        cells: tuple[str, ...] = ()
        for side in (rule.left, rule.right):
            names, numbers = [], []
            for key in side:
                name, behind = _operand(data, key)
                names.append(name)
                numbers.append(str(data.values[key]))
                cells += behind
            labels = " + ".join(_short(data.format.field(k).row_label) for k in side)
            sides.append(f"{labels} = {' + '.join(names)} = {' + '.join(numbers)} = {sum(data.values[k] for k in side)}")
        arith = f"{sides[0]}；而 {sides[1]}，两者应相等"
        yield F.make(rule.code, _where(data, rule.left[0]), value=left, expected=right, key=rule.left[0],
                     cells=cells, column=rule.column_label, arith=arith)


# --------------------------------------------------------------------------- the report
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
    if not isinstance(year, int) or year > today.year or year < 2000:
        yield F.make("invalid-year", where, value=year)
    elif not fmt.applies_to(year):
        yield F.make("year-not-covered", where, value=year, format=fmt.name, first=fmt.first_year)


def _section_location(label: str) -> Location:
    return Location(L.TEXT_SHEET, "", label)


def check_text(context: CheckContext) -> Iterator[Finding]:
    """Mandatory parts present; part 六 reports the 信息处理费; part 一 not over length."""
    data, fmt = context.data, context.data.format
    for section in fmt.text_sections:
        if section.required and not data.section_text(section.key).strip():
            yield F.make("missing-text", _section_location(section.label), label=section.label, hint=section.hint)
    other = data.section_text("other_matters")
    if other.strip() and fmt.fee_keyword not in re.sub(r"\s", "", other):
        yield F.make("fee-not-reported", _section_location(fmt.text_section("other_matters").label))
    length = len(re.sub(r"\s", "", data.section_text("overview")))
    if length > fmt.overview_max_chars:
        yield F.make("overview-too-long", _section_location(fmt.text_section("overview").label),
                     value=length, expected=fmt.overview_max_chars)


def check_other_share(context: CheckContext) -> Iterator[Finding]:
    """（六）3.其他 should not be a large share of all handled applications."""
    data, fmt = context.data, context.data.format
    other, total = data.values.get(fmt.other_share_key), data.values.get(fmt.results_total_key)
    if not other or not total or Decimal(other) / Decimal(total) <= Decimal(str(fmt.other_share_limit)):
        return
    where = _where(data, fmt.other_share_key)
    yield F.make("other-share-high", where, value=other, key=fmt.other_share_key, cells=(where.cell,),
                 label=where.row_label, total_label=fmt.field(fmt.results_total_key).row_label, total=total, share=f"{other / total:.0%}", limit=f"{fmt.other_share_limit:.0%}")


CHECKS: tuple[Check, ...] = (check_identity, check_sums, check_balance, check_text, check_other_share)
