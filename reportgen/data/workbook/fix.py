"""``reportgen fix``: a copy of a workbook with the faults that have one obvious
repair repaired, and nothing else touched.

- a blank number cell (or one holding “/”, “—”, “无”) → 0;
- a number typed as text or in full-width digits (“１２”, “ 12 ”) → the number;
- a count typed with its unit (“12件”, “3 条”) → the number; an amount typed with
  the table's unit (“1.5万元”) → the number;
- a total cell whose formula was typed over (or emptied) → the standard formula again.

Anything that needs the clerk's judgement (“约12件”, 3.5, −2, an amount in 元, a
table with a row inserted or deleted) is left as it is and returned with the reason,
so the clerk is told what is left and why.  The workbook is edited with openpyxl, so
styles, sheet protection and data validation stay as they were; the source file is
never written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import atomic_path, same_file
from reportgen.formats.findings import Finding, Location
from reportgen.core.safety import write_cell
from reportgen.formats.spec import Field
from reportgen.data.workbook.reader import is_blank, parse_number, read_workbook
from reportgen.data.workbook.writer import total_formula

# Units clerks type after a count, and the unit the table's amounts are in.
COUNT_UNIT = re.compile(r"(?P<number>.*?)\s*(?:件|条|个|次|起|宗|项|份|篇|人次)\s*")
AMOUNT_UNIT = re.compile(r"(?P<number>.*?)\s*万元\s*")
YUAN = re.compile(r"(?P<number>.*?)\s*元\s*")

# Why a cell with a fault was left as it was, and what the clerk does (by the reader's finding).
WHY_LEFT = {
    "not-a-number": "不是一个明确的数字，fix 无法确定应填几，请改为阿拉伯数字",
    "not-whole-number": "件数不是整数，fix 无法确定应是几件，请填写整数",
    "negative-number": "是负数，fix 无法确定应是多少，请填写 0 或正数",
    "number-too-large": "数字过大或过长，可能是误填，请核对",
}


@dataclass(frozen=True)
class Change:
    """One cell ``fix`` changed: where, what it held, what it holds now, and why."""

    location: Location
    before: Any
    after: Any
    reason: str

    def __str__(self) -> str:
        return f"{self.location}：{_shown(self.before)} → {self.after}"


@dataclass(frozen=True)
class Left:
    """One cell (or table) ``fix`` did not change although it is faulty, and why."""

    location: Location
    value: Any
    reason: str  # the kind of fault: the heading it is grouped under
    advice: str  # what the clerk does about it

    def __str__(self) -> str:
        value = f"{_shown(self.value)}：" if self.value is not None else ""
        return f"{self.location}：{value}{self.advice}"


@dataclass
class Fixed:
    """What ``fix`` did: the cells it changed and the faulty ones it left for the clerk."""

    changes: list[Change] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)


def _shown(value: Any) -> str:
    return "空" if value is None or str(value).strip() == "" else f"“{value}”"


def fix_workbook(source: Path | str, target: Path | str) -> Fixed:
    """Write ``target``: ``source`` with blanks, numbers as text or with a unit, and
    typed-over totals repaired.  Returns the changes and what was left, cell by cell.
    Raises :class:`UnusableInput` for a file that is not a readable standard workbook,
    or when ``target`` is ``source``."""
    from reportgen.data.workbook.package import openpyxl_workbook

    source, target = Path(source), Path(target)
    if same_file(source, target):
        raise UnusableInput(f"修正后的副本不能覆盖原工作簿 {source.name}，请用 -o 指定另一个文件名。")
    data = read_workbook(source).data  # refuses files that are not standard workbooks
    fmt = data.format
    # from the bytes (openpyxl_workbook): openpyxl judges a file by its name, and the reader
    # above has already judged this one by its content (an .xlsx saved with another ending)
    wb = openpyxl_workbook(source)
    fixed = Fixed()
    for table in sorted(data.shifted_tables):
        sheet = next(f.sheet for f in fmt.fields if f.table == table)
        fixed.left.append(Left(Location(sheet), None, "表格中插入或删除了行",
                               "这张表插入或删除了行，格子不在标准位置，fix 没有改动这张表。"
                               "请按 check 的说明恢复表格的行，再运行 fix"))
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
                fixed.changes.append(Change(where, raw, formula, reason))
            continue
        if isinstance(raw, str) and raw.startswith("="):
            continue  # a clerk's own formula: check reports it if it has no result
        if is_blank(raw) and f.key in data.unread:
            continue  # not read from a published report: only the report can say what it holds
        if is_blank(raw):
            write_cell(cell, 0)
            fixed.changes.append(Change(where, raw, 0, "空格填 0"))
            continue
        value, reason, fault = _repaired(raw, f, where)
        if value is not None and reason:
            write_cell(cell, value)
            fixed.changes.append(Change(where, raw, value, reason))
        elif fault is not None:
            fixed.left.append(fault)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return fixed


def _read(raw: Any, f: Field, where: Location) -> tuple[Any, Finding | None]:
    """The value the reader makes of ``raw``, and the fault it finds (number-as-text is no fault)."""
    found: list[Finding] = []
    value = parse_number(raw, f, where, found.append)
    faults = [x for x in found if x.is_error]
    return value, faults[0] if faults else None


def _repaired(raw: Any, f: Field, where: Location) -> tuple[Any, str, Left | None]:
    """(new value, why) when ``raw`` has one obvious repair; (None, "", what is left) otherwise;
    (value, "", None) when the cell is fine as it is."""
    value, fault = _read(raw, f, where)
    if fault is None:
        return (value, "文本改为数字", None) if isinstance(raw, str) else (value, "", None)
    if isinstance(raw, str) and fault.code == "not-a-number":
        unit = COUNT_UNIT if f.kind == "count" else AMOUNT_UNIT
        match = unit.fullmatch(raw)
        if match and match.group("number").strip():
            number, fault_of_number = _read(match.group("number"), f, where)
            if fault_of_number is None:
                return number, "去掉单位，改为数字", None
            fault = fault_of_number
        elif f.kind == "amount" and YUAN.fullmatch(raw):
            return None, "", Left(where, raw, "金额的单位是元",
                                  "本表金额以万元为单位，请换算后填写（如 3000元 填 0.3）")
    return None, "", Left(where, raw, fault.type.title, WHY_LEFT.get(fault.code, fault.message))
