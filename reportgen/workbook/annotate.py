"""A copy of the workbook with every finding marked where the clerk works:
the cells involved filled, and a comment on the cell the finding is about."""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from ..errors import UnusableInput
from ..fileio import atomic_path, same_file
from ..findings import Finding

ERROR_FILL = PatternFill("solid", fgColor="FF9999")
WARNING_FILL = PatternFill("solid", fgColor="FFD966")


def annotate_workbook(source: Path, target: Path, findings: list[Finding]) -> int:
    """Write ``target``: ``source`` with findings marked.  Returns how many cells were marked.
    ``source`` is never written."""
    source, target = Path(source), Path(target)
    if same_file(source, target):
        raise UnusableInput(f"标注副本不能覆盖原工作簿 {source.name}，请换一个文件名。")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(source)
    notes: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    fills: dict[tuple[str, str], PatternFill] = {}
    for finding in findings:
        loc = finding.location
        if loc is None or loc.sheet not in wb.sheetnames:
            continue
        fill = ERROR_FILL if finding.is_error else WARNING_FILL
        for cell in finding.cells or ((loc.cell,) if loc.cell else ()):
            if fills.get((loc.sheet, cell)) is not ERROR_FILL:
                fills[(loc.sheet, cell)] = fill
        # A finding about a whole text part is noted on the sheet's first cell.
        notes[(loc.sheet, loc.cell or "A1")].append(finding)
    for (sheet, cell), fill in fills.items():
        wb[sheet][cell].fill = fill
    for (sheet, cell), items in notes.items():
        text = "\n".join(f"【{f.severity.label}】{f.type.title}：{f.message}" for f in items)
        comment = Comment(text, "reportgen")
        comment.width, comment.height = 420, 40 + 18 * (len(text) // 24 + len(items))
        wb[sheet][cell].comment = comment
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return len(fills)
