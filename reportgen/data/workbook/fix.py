"""``reportgen fix``: a copy of a workbook with the faults that have one obvious
repair repaired, and nothing else touched.

- a blank number cell (or one holding “/”, “—”, “无”) → 0;
- a number typed as text or in full-width digits (“１２”, “ 12 ”) → the number;
- a total cell whose formula was typed over (or emptied) → the standard formula again.

Anything that needs the clerk's judgement (“12件”, 3.5, a wrong total's parts, a
table with a row inserted or deleted) is left as it is for ``check`` to report.  The workbook is edited with openpyxl, so
styles, sheet protection and data validation stay as they were; the source file is
never written.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import atomic_path, same_file
from reportgen.formats.findings import Location
from reportgen.core.safety import write_cell
from reportgen.data.workbook.reader import is_blank, parse_number, read_workbook
from reportgen.data.workbook.writer import total_formula


@dataclass(frozen=True)
class Change:
    """One cell ``fix`` changed: where, what it held, what it holds now, and why."""

    location: Location
    before: Any
    after: Any
    reason: str

    def __str__(self) -> str:
        before = "空" if self.before is None or str(self.before).strip() == "" else f"“{self.before}”"
        return f"{self.location}：{before} → {self.after}（{self.reason}）"


def fix_workbook(source: Path | str, target: Path | str) -> list[Change]:
    """Write ``target``: ``source`` with blanks, numbers as text and typed-over totals
    repaired.  Returns the changes, cell by cell.  Raises :class:`UnusableInput` for a
    file that is not a readable standard workbook, or when ``target`` is ``source``."""
    from openpyxl import load_workbook

    source, target = Path(source), Path(target)
    if same_file(source, target):
        raise UnusableInput(f"修正后的副本不能覆盖原工作簿 {source.name}，请用 -o 指定另一个文件名。")
    data = read_workbook(source).data  # refuses files that are not standard workbooks
    fmt = data.format
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(source)
    changes: list[Change] = []
    for f in fmt.fields:
        if f.table in data.shifted_tables:
            continue  # rows inserted or deleted: its cells are not where the format puts them
        cell = wb[f.sheet][f.cell]
        raw = cell.value
        where = Location.of(f)
        rule = fmt.sum_rule_for(f.key)
        if rule is not None:
            formula = total_formula(fmt, rule)
            if not (isinstance(raw, str) and raw.startswith("=")):
                cell.value = formula  # our own formula, not data: written as a formula on purpose
                reason = "恢复自动合计公式" if is_blank(raw) else "手填的总计改回自动合计公式"
                changes.append(Change(where, raw, formula, reason))
            continue
        if isinstance(raw, str) and raw.startswith("="):
            continue  # a clerk's own formula: check reports it if it has no result
        if is_blank(raw):
            write_cell(cell, 0)
            changes.append(Change(where, raw, 0, "空格填 0"))
        elif isinstance(raw, str):
            value = parse_number(raw, f, where, lambda finding: None)
            if value is not None:
                write_cell(cell, value)
                changes.append(Change(where, raw, value, "文本改为数字"))
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return changes
