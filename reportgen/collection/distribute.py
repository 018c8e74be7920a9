"""Sending the standard workbook out: one per agency of a list, agency and year filled in.

    from reportgen.collection.distribute import read_names, distribute
    names = read_names("名单.xlsx")                       # .xlsx / .csv / .txt, one name a row
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
from reportgen.core.errors import UnusableInput
from reportgen.formats import DEFAULT_FORMAT

NAME_SUFFIXES = (".xlsx", ".csv", ".txt")
LAST_TEXT_SHEET = "上年文字（仅供参考）"
MAX_NAME_CHARS = 100


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


def read_names(path: Path) -> list[str]:
    """Agency names from a .txt (one a line), .csv or .xlsx (the first filled cell of
    each row); a header cell equal to the format's 机关名称 label is skipped."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in NAME_SUFFIXES:
        raise UnusableInput(f"名单应是 .xlsx、.csv 或 .txt 文件：{path.name}")
    if not path.is_file():
        raise UnusableInput(f"找不到名单文件：{path}")
    if suffix == ".xlsx":
        cells = _xlsx_first_cells(path)
    else:
        text = _read_text(path)
        if suffix == ".csv":
            import csv

            cells = [next((c for c in row if c.strip()), "") for row in csv.reader(text.splitlines())]
        else:
            cells = text.splitlines()
    header = next(i.label for i in DEFAULT_FORMAT.info_fields if i.key == "agency")
    names = [" ".join(str(c).split()) for c in cells if c is not None and str(c).strip()]
    if names and names[0] == header:
        names = names[1:]
    for name in names:
        if len(name) > MAX_NAME_CHARS:
            raise UnusableInput(f"名单 {path.name} 中有一个名称超过 {MAX_NAME_CHARS} 字：“{name[:30]}……”。请每行只写一个机关名称。")
    if not names:
        raise UnusableInput(f"名单 {path.name} 里没有机关名称（每行写一个）。")
    return names


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Windows Notepad may save GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableInput(f"无法读取名单 {path.name}：请另存为 UTF-8 编码的文本。")


def _xlsx_first_cells(path: Path) -> list:
    import warnings
    import zipfile

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise UnusableInput(f"无法读取名单 {path.name}：它不是 Excel 工作簿。") from None
    try:
        ws = wb.worksheets[0]
        return [next((c for c in row if c is not None and str(c).strip()), None)
                for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


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
