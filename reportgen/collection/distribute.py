"""Sending the standard workbook out: one per agency of a list, agency and year filled in.

    from reportgen.collection.distribute import distribute
    from reportgen.collection.roster import read_roster
    names = read_roster("名单.xlsx").names               # the name column found by its header
    result = distribute(names, Path("下发"), 2025, previous=index_by_agency(last_year_paths))

With last year's collected workbooks (matched by agency name), 二、上年结转 is
pre-filled per column from last year's 四、结转下年度继续办理, and last year's text
is offered on a sheet of its own, clearly marked as last year's, so nothing of it
reaches this year's report unless the clerk copies and rewrites it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from reportgen.collection import normalise_agency, run_parallel, unique_names
from reportgen.formats import DEFAULT_FORMAT

LAST_TEXT_SHEET = "上年文字（仅供参考）"


@dataclass
class Sent:
    agency: str
    path: Path
    previous: Path | None = None  # last year's workbook it was pre-filled from
    carried: int = 0  # how many 上年结转 cells were pre-filled
    paragraphs: int = 0  # last year's paragraphs offered
    previous_year: int | None = None  # the year of that workbook


@dataclass
class DistributeResult:
    sent: list[Sent] = field(default_factory=list)
    without_previous: list[str] = field(default_factory=list)  # agencies with no workbook last year
    duplicates: list[str] = field(default_factory=list)  # names listed twice (sent once)


def plan(names: Sequence[str], out_dir: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(agency, target) for each distinct name, file names safe and distinct; and the repeated names."""
    from reportgen.render import safe_filename

    seen: set[str] = set()
    distinct, duplicates = [], []
    for name in names:
        key = normalise_agency(name)
        if key in seen:
            duplicates.append(name)
            continue
        seen.add(key)
        distinct.append(name)
    stems = unique_names([safe_filename(n) for n in distinct])
    return [(n, Path(out_dir) / f"{stem}.xlsx") for n, stem in zip(distinct, stems)], duplicates


def distribute(names: Sequence[str], out_dir: Path, year: int, previous: dict[str, Path] | None = None,
               jobs: int | None = None) -> DistributeResult:
    """Write one standard workbook per agency into ``out_dir``; ``previous``: last
    year's workbooks by agency (:func:`reportgen.collection.index_by_agency`)."""
    targets, duplicates = plan(names, out_dir)
    result = DistributeResult(duplicates=duplicates)
    tasks = []
    for agency, target in targets:
        last = (previous or {}).get(normalise_agency(agency))
        if previous is not None and last is None:
            result.without_previous.append(agency)
        tasks.append((agency, year, target, last))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    result.sent = run_parallel(distribute_one, tasks, jobs)
    return result


def distribute_one(agency: str, year: int, target: Path, previous: Path | None) -> Sent:
    """Worker: one agency's workbook (pre-filled from last year's when given)."""
    from reportgen.collection.prefill import prefilled_workbook
    from reportgen.data.workbook import read_workbook

    fmt = DEFAULT_FORMAT
    values: dict = {}
    last = None
    if previous is not None:
        last = read_workbook(previous).data
        values = {rule.this: last.values.get(rule.last) for rule in fmt.carry_rules}
    paragraphs = sum(len(p) for p in last.text.values()) if last is not None else 0
    extra = (lambda wb: _last_text_sheet(wb, last, year)) if paragraphs else None
    prefilled_workbook(target, values, agency=agency, year=year, fmt=fmt, extra=extra)
    carried = sum(1 for v in values.values() if v is not None)
    return Sent(agency, Path(target), Path(previous) if previous else None, carried, paragraphs,
                last.year if last is not None else None)


def _last_text_sheet(wb, last, year: int) -> None:
    """Last year's text on a sheet of its own, marked as such; 文字部分 stays for this year."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from reportgen.core.safety import write_cell
    from reportgen.data.workbook import layout as L

    ws = wb.create_sheet(LAST_TEXT_SHEET, index=wb.sheetnames.index(L.TEXT_SHEET) + 1)
    ws.sheet_properties.tabColor = "BFBFBF"
    write_cell(ws["A1"], f"这是上年（{last.year} 年）报告的文字，仅供参考，不会写进 {year} 年的报告。")
    ws["A1"].font = Font(bold=True, size=14, color="C00000")
    write_cell(ws["A2"], f"请在“{L.TEXT_SHEET}”工作表中按 {year} 年的情况重新撰写；可以复制这里的段落作为起点，"
                         "但第五部分“存在的主要问题及改进情况”不得与上年雷同。")
    for col, header in enumerate(L.TEXT_HEADERS, start=1):
        cell = ws.cell(row=3, column=col)
        write_cell(cell, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E7E6E6")
    row = 4
    for section in last.format.text_sections:
        for p in last.text.get(section.key, []):
            for col, value in ((1, section.label), (2, p.heading or None), (3, p.text)):
                cell = ws.cell(row=row, column=col)
                write_cell(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 26
    ws.column_dimensions["C"].width = 100
