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
# ``audit --summary``: the status sheet with the verdict on each published report, and a
# second sheet with every finding of every file.
AUDIT_COLUMNS = (("文件", 30), ("机关名称", 26), ("年度", 6), ("审查结论", 14), ("错误", 6), ("需核对", 7),
                 ("提醒", 6), ("主要问题", 80))
VERDICT_FILLS = {"有错误": ACTION_FILL, "无法读取": ACTION_FILL, "需对照原文核对": "FFEB9C", "未发现错误": "C6EFCE"}
FINDINGS_SHEET = "全部问题"
# Printed on A4 landscape at (nearly) full size: the printed columns add up to about 140
# character widths (about 1,000 pixels, 265 mm); the rule's code, for programs, is last and not printed.
FINDING_COLUMNS = (("文件", 22), ("机关名称", 16), ("年度", 6), ("部分/表格", 9), ("格子", 9),
                   ("行 / 列", 18), ("严重程度", 7), ("问题", 16), ("说明", 36), ("规则", 20))
PRINTED_FINDING_COLUMNS = 9
WRAPPED_FINDING_COLUMNS = (1, 2, 6, 8, 9)


def finding_rows(statuses: Sequence[FileStatus], base: Path | None = None) -> list[list]:
    """One row per finding of every file (a header first): where, which rule, the message."""
    out: list[list] = [[name for name, _ in FINDING_COLUMNS]]
    for s in statuses:
        for f in s.findings:
            where = f.location
            labels = " / ".join(x for x in (where.row_label, where.col_label) if x) if where else ""
            severity = "需对照原文" if f.is_doubt else f.severity.label
            out.append([_file_first(s.path, base), s.agency, s.year, where.sheet if where else "",
                        where.cell if where else "", labels, severity, f.type.title, f.message, f.code])
    return out


def _findings_sheet(ws, statuses: Sequence[FileStatus], base: Path | None) -> None:
    from openpyxl.utils import get_column_letter

    table = finding_rows(statuses, base)
    _fill(ws, table, [w for _, w in FINDING_COLUMNS], set(WRAPPED_FINDING_COLUMNS))
    ws.page_margins.left = ws.page_margins.right = 0.25  # inches: the printed columns fill the width
    ws.print_area = f"A1:{get_column_letter(PRINTED_FINDING_COLUMNS)}{len(table)}"


def _fill(ws, table: list[list], widths: list[int], wrapped: set[int]) -> None:
    """Write a sheet of rows: the header styled, wrapped columns with rows tall enough,
    frozen header, filters, A4 landscape pages as wide as the printed columns."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from reportgen.data.workbook.writer import print_setup

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
    for c in range(1, len(table[0]) + 1):
        head = ws.cell(row=1, column=c)
        head.font = Font(bold=True)
        head.fill = PatternFill("solid", fgColor="DDEBF7")
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    print_setup(ws, "landscape", title_rows="1:1")  # printed for a meeting: A4, every column on the page width
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{len(table)}"


def rows(statuses: Sequence[FileStatus], with_outputs: bool = False, base: Path | None = None) -> list[list]:
    """The table: a header, then one row per file (in the order given)."""
    if _audited(statuses):  # published reports: the verdict, faults and doubts counted apart
        return [[name for name, _ in AUDIT_COLUMNS]] + [
            [_file_first(s.path, base), s.agency, s.year, s.verdict, s.faults, s.doubts, s.warnings,
             s.first_findings()] for s in statuses]
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
    from openpyxl.styles import PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    audited = _audited(statuses)
    columns = AUDIT_COLUMNS if audited else COLUMNS
    widths = [w for _, w in columns] + ([OUTPUT_COLUMN[1]] if with_outputs and not audited else [])
    wrapped = {i for i, name in enumerate(table[0], start=1) if name in (columns[-1][0], OUTPUT_COLUMN[0])}
    if audited:
        wrapped.add(1)  # the file's name, then its folder
    _fill(ws, table, widths, wrapped)
    state = [name for name, _ in columns].index("审查结论" if audited else "状态") + 1
    for r, s in enumerate(statuses, start=2):
        colour = VERDICT_FILLS.get(s.verdict) if audited else \
            STATUS_FILLS.get(s.status, ACTION_FILL if s.status in NEEDS_ACTION else None)
        if colour:
            ws.cell(row=r, column=state).fill = PatternFill("solid", fgColor=colour)
    if with_findings:
        _findings_sheet(wb.create_sheet(FINDINGS_SHEET), statuses, base)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target


def _audited(statuses: Sequence[FileStatus]) -> bool:
    return any(s.verdict for s in statuses)


def _file_first(path: Path | None, base: Path | None) -> str:
    """The file's name first, then its folder (a long path cut off in a narrow column
    would hide the name)."""
    shown = _shown(path, base)
    parent = str(Path(shown).parent) if shown else ""
    return Path(shown).name if parent in ("", ".") else f"{Path(shown).name}\n（{parent}）"


def _shown(path: Path | None, base: Path | None) -> str:
    if path is None:  # an agency of the roster that sent nothing
        return ""
    if base is not None:
        try:
            return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
