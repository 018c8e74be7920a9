"""The status spreadsheet of a collection (``check/render … --summary 状态表.xlsx|.csv``):
one row per file, so an office can filter, sort and send the faulty ones back.

Every value comes from the workbooks (agency names, messages quoting cells), so
.xlsx values go through :func:`safety.write_cell` and CSV values through
:func:`safety.csv_safe`; the CSV is UTF-8 with a BOM so that Excel shows Chinese.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

from reportgen.collection import (DUPLICATE, NEEDS_ACTION, NOT_RETURNED, NOT_WORKBOOK, OK, OTHER_YEAR, SET_ASIDE,
                                  WARNINGS, FileStatus)
from reportgen.core.fileio import atomic_path
from reportgen.core.safety import csv_safe, write_cell

SUFFIXES = (".xlsx", ".csv")
SHEET = "状态表"
# (header, width in characters)
COLUMNS = (("文件", 36), ("机关名称", 30), ("年度", 8), ("状态", 14), ("错误", 7), ("提醒", 7),
           ("主要问题", 90))
OUTPUT_COLUMN = ("生成的报告", 60)
# The 状态 cell's fill: the batch's own remarks (a duplicate, another year, 未交) stand out
# from faults in a file, and both from the files that are fine.
STATUS_FILLS = {DUPLICATE: "F4B183", OTHER_YEAR: "F4B183", NOT_RETURNED: "F4B183", OK: "C6EFCE",
                WARNINGS: "C6EFCE", SET_ASIDE: "D9D9D9", NOT_WORKBOOK: "D9D9D9"}
ACTION_FILL = "FFC7CE"
# ``audit --summary``: a second sheet with every finding of every file.
FINDINGS_SHEET = "全部问题"
FINDING_COLUMNS = (("文件", 36), ("机关名称", 24), ("年度", 8), ("部分/表格", 12), ("格子", 10),
                   ("行 / 列", 40), ("严重程度", 9), ("规则", 22), ("问题", 34), ("说明", 90))


def finding_rows(statuses: Sequence[FileStatus], base: Path | None = None) -> list[list]:
    """One row per finding of every file (a header first): where, which rule, the message."""
    out: list[list] = [[name for name, _ in FINDING_COLUMNS]]
    for s in statuses:
        for f in s.findings:
            where = f.location
            labels = " / ".join(x for x in (where.row_label, where.col_label) if x) if where else ""
            out.append([_shown(s.path, base), s.agency, s.year, where.sheet if where else "",
                        where.cell if where else "", labels, f.severity.label, f.code, f.type.title, f.message])
    return out


def _findings_sheet(ws, statuses: Sequence[FileStatus], base: Path | None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    table = finding_rows(statuses, base)
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            write_cell(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=c in (6, 10))
    for c, (_, width) in enumerate(FINDING_COLUMNS, start=1):
        head = ws.cell(row=1, column=c)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor="DDEBF7")
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    from reportgen.data.workbook.writer import print_setup

    print_setup(ws, "landscape", title_rows="1:1")  # printed for a meeting: A4, every column on the page width
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{len(table)}"


def rows(statuses: Sequence[FileStatus], with_outputs: bool = False, base: Path | None = None) -> list[list]:
    """The table: a header, then one row per file (in the order given)."""
    header = [name for name, _ in COLUMNS] + ([OUTPUT_COLUMN[0]] if with_outputs else [])
    out: list[list] = [header]
    for s in statuses:
        counted = s.path is not None  # a 未交 agency has no file to count in
        row = [_shown(s.path, base), s.agency, s.year, s.label, s.errors if counted else None,
               s.warnings if counted else None, s.first_findings()]
        if with_outputs:
            row.append("\n".join(_shown(p, None) for p in s.outputs))
        out.append(row)
    return out


def write_status(target: Path, statuses: Sequence[FileStatus], with_outputs: bool = False,
                 base: Path | None = None, with_findings: bool = False) -> Path:
    """Write the status sheet as .xlsx or .csv (by ``target``'s suffix), whole or not at all.
    ``base``: file paths are shown relative to it when they lie under it."""
    target = Path(target)
    table = rows(statuses, with_outputs, base)
    if target.suffix.lower() == ".csv":
        with atomic_path(target) as tmp:
            with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                for row in table:
                    writer.writerow([csv_safe(v) for v in row])
        return target
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    widths = [w for _, w in COLUMNS] + ([OUTPUT_COLUMN[1]] if with_outputs else [])
    wrapped = {i for i, name in enumerate(table[0], start=1) if name in (COLUMNS[-1][0], OUTPUT_COLUMN[0])}
    for r, row in enumerate(table, start=1):
        lines = 1
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            write_cell(cell, value)
            cell.alignment = Alignment(vertical="top", wrap_text=c in wrapped)
            if c in wrapped and value:
                # Spreadsheets do not size generated rows: about two width units a CJK character.
                width = widths[c - 1]
                lines = max(lines, sum(-(-len(part) * 2 // int(width)) or 1 for part in str(value).split("\n")))
        if lines > 1:
            ws.row_dimensions[r].height = 15 * min(lines, 8)
    state = [name for name, _ in COLUMNS].index("状态") + 1
    for r, s in enumerate(statuses, start=2):
        colour = STATUS_FILLS.get(s.status, ACTION_FILL if s.status in NEEDS_ACTION else None)
        if colour:
            ws.cell(row=r, column=state).fill = PatternFill("solid", fgColor=colour)
    for c in range(1, len(table[0]) + 1):
        head = ws.cell(row=1, column=c)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor="DDEBF7")
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    from reportgen.data.workbook.writer import print_setup

    print_setup(ws, "landscape", title_rows="1:1")  # printed for a meeting: A4, every column on the page width
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{len(table)}"
    if with_findings:
        _findings_sheet(wb.create_sheet(FINDINGS_SHEET), statuses, base)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _shown(path: Path | None, base: Path | None) -> str:
    if path is None:  # an agency of the roster that sent nothing
        return ""
    if base is not None:
        try:
            return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
