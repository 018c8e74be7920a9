"""The 汇总 (summary) workbook of an office: the exact sums of its agencies' workbooks.

    from reportgen.collection.aggregate import aggregate, write_aggregate
    result = aggregate(["收回的工作簿"], agency="某某市人民政府办公室")
    if not result.refusals:
        write_aggregate("汇总.xlsx", result)

The result is a standard workbook (it passes ``check`` but for the text parts the
office writes, and renders) whose tables 二, 三 and 四 are the sums of the inputs —
counts as ints, the fee as Decimal, exact — plus a 明细 sheet listing every agency
with its own numbers, so the sum can be audited, and who was left out and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

from reportgen.collection import (NOT_WORKBOOK, OK, WARNINGS, Collected, FileStatus, check_collection, collect,
                         normalise_agency)
from reportgen.formats import DEFAULT_FORMAT
from reportgen.formats.spec import ReportFormat

DETAIL_SHEET = "明细"
DETAIL_FIRST_ROW = 6  # rows 1–2 title and hint, 3–5 the field's table / row / column


@dataclass
class AggregateResult:
    agency: str
    year: int | None
    values: dict[str, int | Decimal] = field(default_factory=dict)  # the sums, by key
    members: list[FileStatus] = field(default_factory=list)  # summed, in collection order
    excluded: list[FileStatus] = field(default_factory=list)  # left out (--exclude-faulty)
    refusals: list[str] = field(default_factory=list)  # why no sum may be written (plain Chinese)
    found: Collected | None = None


def aggregate(inputs: Iterable[str | Path] | Collected, agency: str, year: int | None = None, exclude_faulty: bool = False,
              jobs: int | None = None, progress=None, fmt: ReportFormat = DEFAULT_FORMAT) -> AggregateResult:
    """Check every input and sum the good ones.  ``refusals`` is non-empty (and
    nothing may be written) for mixed years, the same agency twice, or — without
    ``exclude_faulty`` — an input with 错误 or one that cannot be read.  ``inputs``:
    files, folders and globs, or what :func:`~reportgen.collection.collect` found."""
    found = inputs if isinstance(inputs, Collected) else collect(inputs)
    statuses = check_collection(found, jobs, year, progress=progress, keep_values=True)
    result = AggregateResult(agency, year, found=found)
    faulty = [s for s in statuses if s.status not in (OK, WARNINGS, NOT_WORKBOOK)]
    if faulty and not exclude_faulty:
        names = "、".join(s.path.name for s in faulty)
        result.refusals.append(f"{len(faulty)} 个文件有错误或无法读取：{names}。请先改正，"
                               f"或加 --exclude-faulty 只汇总其余的（被排除的会列在明细表和屏幕上）。")
    result.excluded = faulty if exclude_faulty else []
    members = [s for s in statuses if s.status in (OK, WARNINGS)]
    result.members = members
    _refuse_duplicates(result, members)
    _refuse_mixed_years(result, members, year)
    if not members and not result.refusals:
        result.refusals.append("没有可以汇总的工作簿。")
    if not result.refusals:
        result.year = year if year is not None else members[0].year
        result.values = sum_values(members, fmt)
    return result


def _refuse_duplicates(result: AggregateResult, members: Sequence[FileStatus]) -> None:
    by_agency: dict[str, list[FileStatus]] = {}
    for s in members:
        by_agency.setdefault(normalise_agency(s.agency), []).append(s)
    for same in by_agency.values():
        if len(same) > 1:
            names = "、".join(s.path.name for s in same)
            result.refusals.append(f"同一机关“{same[0].agency}”有 {len(same)} 份工作簿：{names}。请只保留一份。")


def _refuse_mixed_years(result: AggregateResult, members: Sequence[FileStatus], year: int | None) -> None:
    years: dict[int | None, list[FileStatus]] = {}
    for s in members:
        years.setdefault(s.year, []).append(s)
    wanted = year if year is not None else (next(iter(years)) if len(years) == 1 else None)
    if year is None and len(years) > 1:
        parts = "；".join(f"{y} 年：{'、'.join(s.path.name for s in group)}" for y, group in sorted(
            years.items(), key=lambda item: -len(item[1])))
        result.refusals.append(f"工作簿的年度不一致（{parts}）。请只汇总同一年度的，或用 --year 指定年度。")
    elif wanted is not None:
        other = [s for s in members if s.year != wanted]
        if other:
            result.refusals.append(f"{len(other)} 个工作簿不是 {wanted} 年的："
                                   f"{'、'.join(f'{s.path.name}（{s.year} 年）' for s in other)}。")


def sum_values(members: Sequence[FileStatus], fmt: ReportFormat = DEFAULT_FORMAT) -> dict[str, int | Decimal]:
    """Every field of the format summed over the members: ints stay ints, the fee a Decimal."""
    sums: dict[str, int | Decimal] = {}
    for f in fmt.fields:
        zero = Decimal(0) if f.kind == "amount" else 0
        sums[f.key] = sum((s.values.get(f.key) or zero for s in members), zero)
    return sums


def write_aggregate(target: Path, result: AggregateResult, fmt: ReportFormat = DEFAULT_FORMAT) -> Path:
    """The 汇总 workbook: the standard workbook with the sums, plus the 明细 sheet."""
    from reportgen.collection.prefill import prefilled_workbook

    if result.refusals:
        raise ValueError("an aggregate with refusals must not be written")
    return prefilled_workbook(target, result.values, agency=result.agency, year=result.year, fmt=fmt,
                              extra=lambda wb: _detail_sheet(wb.create_sheet(DETAIL_SHEET), result, fmt))


def _detail_sheet(ws, result: AggregateResult, fmt: ReportFormat) -> None:
    """One row per agency with its own numbers, the 合计 row, then who was left out."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from reportgen.core.safety import write_cell

    fields = list(fmt.fields)
    write_cell(ws.cell(row=1, column=1), f"{result.agency}{result.year}年汇总明细：共 {len(result.members)} 个机关")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    write_cell(ws.cell(row=2, column=1), "每个机关一行，各列是该机关工作簿中的数字；“合计”一行等于汇总表中的数字。")
    heads = (("文件", "机关名称"), ("", ""), ("", ""))
    for r, labels in enumerate(heads, start=3):
        for c, text in enumerate(labels, start=1):
            write_cell(ws.cell(row=r, column=c), text or None)
    for i, f in enumerate(fields, start=3):
        for r, text in enumerate((fmt.table(f.table).number, f.row_label, f.col_label), start=3):
            cell = ws.cell(row=r, column=i)
            write_cell(cell, text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(i)].width = 14
    row = DETAIL_FIRST_ROW
    for member in result.members:
        write_cell(ws.cell(row=row, column=1), member.path.name)
        write_cell(ws.cell(row=row, column=2), member.agency)
        for i, f in enumerate(fields, start=3):
            write_cell(ws.cell(row=row, column=i), member.values.get(f.key))
        row += 1
    write_cell(ws.cell(row=row, column=2), "合计")
    ws.cell(row=row, column=2).font = Font(bold=True)
    for i, f in enumerate(fields, start=3):
        write_cell(ws.cell(row=row, column=i), result.values[f.key])
        ws.cell(row=row, column=i).font = Font(bold=True)
    if result.excluded:
        row += 2
        write_cell(ws.cell(row=row, column=1), f"未计入汇总的文件（{len(result.excluded)} 个）")
        ws.cell(row=row, column=1).font = Font(bold=True)
        for s in result.excluded:
            row += 1
            write_cell(ws.cell(row=row, column=1), s.path.name)
            write_cell(ws.cell(row=row, column=2), s.agency or s.label)
            write_cell(ws.cell(row=row, column=3), s.first_findings())
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 30
    ws.freeze_panes = f"C{DETAIL_FIRST_ROW}"
