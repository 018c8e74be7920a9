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

from reportgen.collection import (DUPLICATE, ERRORS, INTERNAL, NOT_RETURNED, NOT_XLSX, OK, OTHER_YEAR, UNUSABLE, WARNINGS,
                                  Collected, FileStatus, check_collection, collect)
from reportgen.formats import DEFAULT_FORMAT
from reportgen.formats.spec import ReportFormat

DETAIL_SHEET = "明细"
DETAIL_FIRST_ROW = 6  # rows 1–2 title and hint, 3–5 the field's table / row / column
FAULTY = (UNUSABLE, NOT_XLSX, INTERNAL, ERRORS)
HELD = (DUPLICATE, OTHER_YEAR)  # not used in this batch (collection/rules.py)


@dataclass
class AggregateResult:
    agency: str
    year: int | None
    values: dict[str, int | Decimal] = field(default_factory=dict)  # the sums, by key
    members: list[FileStatus] = field(default_factory=list)  # summed, in collection order
    excluded: list[FileStatus] = field(default_factory=list)  # left out (--exclude-faulty)
    not_returned: list[str] = field(default_factory=list)  # agencies of the roster that sent nothing
    refusals: list[str] = field(default_factory=list)  # why no sum may be written (plain Chinese)
    found: Collected | None = None
    statuses: list[FileStatus] = field(default_factory=list)  # every file's (and 未交 agency's) status


def aggregate(inputs: Iterable[str | Path] | Collected, agency: str, year: int | None = None, exclude_faulty: bool = False,
              jobs: int | None = None, progress=None, fmt: ReportFormat = DEFAULT_FORMAT, *,
              use: Iterable[Path] = (), roster=None) -> AggregateResult:
    """Check every input and sum the good ones.  ``refusals`` is non-empty (and
    nothing may be written) — without ``exclude_faulty`` — for an input with 错误 or one
    that cannot be read, a workbook the batch does not use (the same agency twice,
    another year: :mod:`reportgen.collection.rules`; ``use`` names the one to use), and an
    agency of the ``roster`` that sent nothing.  ``inputs``: files, folders and globs,
    or what :func:`~reportgen.collection.collect` found."""
    from reportgen.collection.rules import batch_year

    found = inputs if isinstance(inputs, Collected) else collect(inputs)
    use = list(use)
    statuses = check_collection(found, jobs, year, progress=progress, keep_values=True, use=use, roster=roster)
    result = AggregateResult(agency, year, found=found, statuses=statuses)
    faulty = [s for s in statuses if s.status in FAULTY]
    held = [s for s in statuses if s.status in HELD]
    result.not_returned = [s.agency for s in statuses if s.status == NOT_RETURNED]
    if not exclude_faulty:
        if faulty:
            names = "、".join(s.path.name for s in faulty)
            result.refusals.append(f"{len(faulty)} 个文件有错误或无法读取：{names}。请先改正，"
                                   f"或加 --exclude-faulty 只汇总其余的（被排除的会列在明细表和屏幕上）。")
        if held:
            names = "、".join(f"{s.path.name}（{s.label}）" for s in held)
            result.refusals.append(f"{len(held)} 个工作簿本批不用：{names}。同一机关有几份的，请把不用的移出文件夹，"
                                   f"或加 --use 文件名 指定要用的那一份；年度不符的请换交本年度的。"
                                   f"也可加 --exclude-faulty 不计入它们。")
        if result.not_returned:
            result.refusals.append(f"名单上 {len(result.not_returned)} 个机关没有交工作簿：{'、'.join(result.not_returned)}。"
                                   f"请收齐后再汇总，或加 --exclude-faulty 只汇总已交的（未交的会列在明细表和屏幕上）。")
    result.excluded = faulty + held if exclude_faulty else []
    result.members = [s for s in statuses if s.status in (OK, WARNINGS)]
    chosen = {Path(p) for p in use}
    unchosen = [s for s in result.members if s.path not in chosen]  # --use may add another year on purpose
    years: dict[int | None, list[str]] = {}
    for s in unchosen:
        years.setdefault(s.year, []).append(s.path.name)
    if len(years) > 1:  # no year is the batch's (a tie): which to sum is the office's to say
        parts = "；".join(f"{y} 年：{'、'.join(names)}" for y, names in sorted(years.items(), key=lambda i: -len(i[1])))
        result.refusals.append(f"工作簿的年度不一致（{parts}）。请用 --year 指定本批的年度（其他年度的不计入），"
                               f"或只汇总同一年度的。")
    if not result.members and not result.refusals:
        result.refusals.append("没有可以汇总的工作簿。")
    if not result.refusals:
        result.year = batch_year(unchosen or result.members, year)
        result.values = sum_values(result.members, fmt)
    return result


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


# The 明细 sheet in print: A4 landscape at 85 %, each page holding the 机关名称 column
# and whole blocks of fields (a row of 表三 is one block of 7), never one cut in two.
# Widths are in spreadsheet units (about one digit of the workbook's font each).
NAME_WIDTH = 20
COUNT_WIDTH = 7  # up to six digits
AMOUNT_WIDTH = 14  # the fee, in 万元 with decimals
PRINT_SCALE = 85
# The units one page holds: Excel with Calibri fits about 146 at 100 % between 0.5-inch
# margins, LibreOffice with a wider stand-in font (DejaVu Sans) about 112, i.e. 131 at
# 85 %; this leaves room for both.
PAGE_WIDTH = 120


def _blocks(fmt: ReportFormat) -> list[list]:
    """The format's fields grouped as printed together: one table row each."""
    out: list[list] = []
    for f in fmt.fields:
        if out and (out[-1][0].table, out[-1][0].row_label) == (f.table, f.row_label):
            out[-1].append(f)
        else:
            out.append([f])
    return out


def _width(f) -> int:
    return AMOUNT_WIDTH if f.kind == "amount" else COUNT_WIDTH


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a cell ``width`` units wide (a CJK character is two units)."""
    return max(1, -(-len(text) * 2 // max(int(width), 1)))


def _detail_sheet(ws, result: AggregateResult, fmt: ReportFormat) -> None:
    """One row per agency with its own numbers, the 合计 row, then who was left out."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    from reportgen.core.safety import write_cell

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    write_cell(ws.cell(row=1, column=1), f"{result.agency}{result.year}年汇总明细：共 {len(result.members)} 个机关")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    write_cell(ws.cell(row=2, column=1), "每个机关一行，各列是该机关工作簿中的数字；“合计”一行等于汇总表中的数字。")
    for c, text in enumerate(("文件", "机关名称"), start=1):
        write_cell(ws.cell(row=3, column=c), text)
        ws.cell(row=3, column=c).font = bold
    column, used, heights = 3, NAME_WIDTH * 2, {3: 1, 4: 1, 5: 1}  # the first page also holds the 文件 column
    columns: dict[str, int] = {}
    for block in _blocks(fmt):
        width = sum(_width(f) for f in block)
        if used + width > PAGE_WIDTH:  # the next page starts with this block (机关名称 repeats)
            ws.col_breaks.append(Break(id=column - 1))
            used = NAME_WIDTH
        used += width
        first, last = column, column + len(block) - 1
        for r, text in ((3, f"{fmt.table(block[0].table).number}"), (4, block[0].row_label)):
            cell = ws.cell(row=r, column=first)
            write_cell(cell, text)
            cell.font, cell.alignment = bold, wrap
            if last > first:
                ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
            heights[r] = max(heights[r], _lines(text, width))
        for f in block:
            cell = ws.cell(row=5, column=column)
            write_cell(cell, f.col_label)
            cell.font, cell.alignment = bold, wrap
            heights[5] = max(heights[5], _lines(f.col_label or "", _width(f)))
            ws.column_dimensions[get_column_letter(column)].width = _width(f)
            columns[f.key] = column
            column += 1
    for r, lines in heights.items():
        ws.row_dimensions[r].height = 15 * min(lines, 8)
    row = DETAIL_FIRST_ROW
    for member in result.members:
        write_cell(ws.cell(row=row, column=1), member.path.name)
        write_cell(ws.cell(row=row, column=2), member.agency)
        for key, c in columns.items():
            write_cell(ws.cell(row=row, column=c), member.values.get(key))
        row += 1
    write_cell(ws.cell(row=row, column=2), "合计")
    ws.cell(row=row, column=2).font = bold
    for key, c in columns.items():
        write_cell(ws.cell(row=row, column=c), result.values[key])
        ws.cell(row=row, column=c).font = bold
    first_page = next((b.id for b in ws.col_breaks.brk), column - 1)  # the reasons stay on the first page
    left_out = [(s.path.name, s.agency or s.label, s.first_findings()) for s in result.excluded]
    left_out += [("", name, "名单上有这个机关，没有交工作簿") for name in result.not_returned]
    titles = ((f"未计入汇总的文件（{len(result.excluded)} 个）", len(result.excluded)),
              (f"名单上未交的机关（{len(result.not_returned)} 个）", len(result.not_returned)))
    start = 0
    for title, n in titles:
        if not n:
            continue
        row += 2
        write_cell(ws.cell(row=row, column=1), title)
        ws.cell(row=row, column=1).font = bold
        for name, who, why in left_out[start:start + n]:
            row += 1
            write_cell(ws.cell(row=row, column=1), name or None)
            write_cell(ws.cell(row=row, column=2), who)
            write_cell(ws.cell(row=row, column=3), why)
            ws.cell(row=row, column=3).alignment = wrap
            if first_page > 3:
                ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=first_page)
            width = sum(ws.column_dimensions[get_column_letter(c)].width for c in range(3, first_page + 1))
            ws.row_dimensions[row].height = 15 * min(_lines(why, width), 8)
        start += n
    ws.column_dimensions["A"].width = NAME_WIDTH
    ws.column_dimensions["B"].width = NAME_WIDTH
    ws.freeze_panes = f"C{DETAIL_FIRST_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.scale = PRINT_SCALE
    ws.sheet_properties.pageSetUpPr.fitToPage = False  # not shrunk to one page: a page break per block group
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_title_rows = "3:5"
    ws.print_title_cols = "B:B"
    # In print the title is the page header (rows 1–2, whose text would spill into the
    # repeated 机关名称 column, are left out), and every page says which of how many it is.
    ws.print_area = f"A3:{get_column_letter(max(column - 1, 3))}{row}"
    ws.oddHeader.center.text = f"{result.agency}{result.year}年汇总明细"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
