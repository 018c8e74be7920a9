"""A copy of the workbook with every finding marked where the clerk works:
the cells involved filled, and a comment on the cell the finding is about."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_from_string

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import atomic_path, same_file
from reportgen.formats.findings import CATALOGUE, Finding
from reportgen.formats.grouping import groupable, grouped
from reportgen.data.workbook import layout as L
from reportgen.data.workbook.package import openpyxl_workbook

ERROR_FILL = PatternFill("solid", fgColor="FF9999")
WARNING_FILL = PatternFill("solid", fgColor="FFD966")


def annotate_workbook(source: Path, target: Path, findings: list[Finding]) -> int:
    """Write ``target``: ``source`` with findings marked.  Returns how many cells were marked.
    ``source`` is never written."""
    source, target = Path(source), Path(target)
    if same_file(source, target):
        raise UnusableInput(f"标注副本不能覆盖原工作簿 {source.name}，请换一个文件名。")
    wb = openpyxl_workbook(source)
    notes: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    fills: dict[tuple[str, str], PatternFill] = {}
    # Many faults of one kind on a sheet: every cell coloured, one comment per block of rows.
    block_notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    in_blocks: set[int] = set()
    for (code, sheet), items in groupable(findings).items():
        if sheet not in wb.sheetnames:
            continue
        kind = CATALOGUE[code]
        for line, block in grouped(code, items):
            block_notes[(sheet, block[0].location.cell)].append(
                f"【{kind.severity.label}】{kind.title}：{line}。{kind.group_hint}")
            in_blocks.update(id(f) for f in block)
    for finding in findings:
        loc = finding.location
        if loc is None or loc.sheet not in wb.sheetnames:
            continue
        fill = ERROR_FILL if finding.is_error else WARNING_FILL
        cells = finding.cells or ((loc.cell,) if loc.cell else ())
        anchor = loc.cell
        if loc.sheet == L.TEXT_SHEET:
            # Text findings colour the whole rows they talk about, so they show when printed;
            # one about a part with no text marks the rows labelled with that part.
            rows = _text_rows(wb[loc.sheet], cells, loc.row_label)
            cells = tuple(f"{get_column_letter(c)}{r}" for r in rows for c in L.TEXT_COLUMNS)
            anchor = anchor or (f"{get_column_letter(L.TEXT_BODY_COL)}{rows[0]}" if rows else "")
        for cell in cells:
            if fills.get((loc.sheet, cell)) is not ERROR_FILL:
                fills[(loc.sheet, cell)] = fill
        if id(finding) not in in_blocks:
            notes[(loc.sheet, anchor or "A1")].append(finding)
    for (sheet, cell), fill in fills.items():
        wb[sheet][cell].fill = fill
    for place in set(notes) | set(block_notes):
        lines = block_notes.get(place, []) + [f"【{f.severity.label}】{f.type.title}：{f.message}"
                                              for f in notes.get(place, [])]
        text = "\n".join(lines)
        comment = Comment(text, "reportgen")
        comment.width, comment.height = 420, 40 + 18 * (len(text) // 24 + len(lines))
        sheet, cell = place
        wb[sheet][cell].comment = comment
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return len(fills)


def _text_rows(ws, cells: tuple[str, ...], section_label: str) -> list[int]:
    """The text-sheet rows a finding is about: those of its cells, or else the rows
    labelled with its part."""
    if cells:
        return sorted({coordinate_from_string(c)[1] for c in cells})
    return [row for row in range(L.TEXT_FIRST_ROW, ws.max_row + 1)
            if section_label and str(ws.cell(row=row, column=L.TEXT_SECTION_COL).value or "").strip() == section_label]
