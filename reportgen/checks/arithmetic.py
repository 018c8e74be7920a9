"""Sums and the 勾稽 balance, read from the format definition's relations.

Every relation that can be evaluated is evaluated in the same check, so that a
clerk gets every fault in one round: a blank number cell counts as 0 here (its own
finding says so), and a cell that is not a number leaves only the relations it is
part of unchecked; :func:`check_unchecked` says how many and why.
"""

from __future__ import annotations

from typing import Iterator

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding
from reportgen.data.model import ReportData, Value
from reportgen.formats.spec import BalanceRule, SumRule
from reportgen.checks.base import CheckContext, field_cell, field_location

# What each sum rule's message asks the clerk to look at (by finding code).
ADVICE = {
    "t3-row-total": "请核对本行各格。",
    "t3-results-total": "请核对本列各格。",
    "t4-total": "请核对这几格。",
}
TYPED_OVER_ADVICE = ("请先恢复这一格的自动合计公式（运行 reportgen fix 可自动恢复），"
                     "不要为了凑这个总计去改各格；如果各格本身有误，再改各格。")


# For a clerk's workbook [False] and for a report already published (``audit``) [True].
UNCHECKED_ADVICE = {False: "改正这些格子后请再检查一次。", True: "请对照原文核对这些格子。"}


def _skipped(data: ReportData, keys) -> bool:
    """A relation in a table whose rows were inserted or deleted (reported by the reader)."""
    return bool(data.shifted_tables) and any(data.format.field(k).table in data.shifted_tables for k in keys)


def arith_value(data: ReportData, key: str) -> Value:
    """A field's value for the arithmetic: a blank cell counts as 0; None when the
    cell holds something that is not a number (the relation cannot be evaluated)."""
    value = data.values.get(key)
    if value is None and key in data.blank:
        return 0
    return value


def _shown(data: ReportData, key: str) -> str:
    value = data.values.get(key)
    return "0（空）" if value is None and key in data.blank else str(value)


def _describe_sum(data: ReportData, keys: tuple[str, ...]) -> str:
    """'D7 + E7 = 1 + 2 = 3', or for long runs 'D9～D29 合计 5（其中不为 0 的：D9=3、D12=2）'."""
    values = [arith_value(data, k) for k in keys]
    total = sum(values)
    if len(keys) <= 6:
        cells = " + ".join(field_cell(data, k) for k in keys)
        numbers = " + ".join(_shown(data, k) for k in keys)
        return f"{cells} = {numbers} = {total}"
    nonzero = "、".join(f"{field_cell(data, k)}={v}" for k, v in zip(keys, values) if v)
    return f"{field_cell(data, keys[0])}～{field_cell(data, keys[-1])} 合计 {total}" + (f"（其中不为 0 的：{nonzero}）" if nonzero else "")


def check_sums(context: CheckContext) -> Iterator[Finding]:
    """Every total equals the sum of its parts (rows and columns of table 3, table 4)."""
    data = context.data
    for rule in data.format.sum_rules:
        if _skipped(data, (rule.total,) + rule.parts):
            continue
        total = arith_value(data, rule.total)
        parts = [arith_value(data, k) for k in rule.parts]
        if total is None or any(p is None for p in parts) or total == sum(parts):
            continue  # a relation with a non-number is counted by check_unchecked
        arith = _describe_sum(data, rule.parts)
        where = field_location(data, rule.total)
        typed = rule.total in data.typed_totals
        # The rest of the message gives the typed value and the computed one.
        lead = "这一格原来是自动合计公式，被改成了手填的数字：" if typed else ""
        yield F.make(rule.code, where, value=total, expected=arith, key=rule.total,
                     cells=(where.cell,) + tuple(field_cell(data, k) for k in rule.parts),
                     arith=arith, group=where.row_label, lead=lead,
                     advice=TYPED_OVER_ADVICE if typed else ADVICE.get(rule.code, "请核对这几格。"),
                     typed_over=typed, computed=sum(parts))


def _operand(data: ReportData, key: str) -> tuple[str, tuple[str, ...]]:
    """How a balance names one operand, and the cells behind it.  A total reportgen
    computed stands for its parts, which are what the clerk typed."""
    cell = field_cell(data, key)
    rule: SumRule | None = data.format.sum_rule_for(key)
    if key in data.computed and rule is not None:
        parts = tuple(field_cell(data, k) for k in rule.parts)
        return f"{cell}（由 {parts[0]}～{parts[-1]} 自动合计）", (cell,) + parts
    return cell, (cell,)


def _short(label: str) -> str:
    return label.split("、")[0].split(" ")[-1]


def check_balance(context: CheckContext) -> Iterator[Finding]:
    """Table 3's 勾稽关系, column by column: 一 + 二 = （七）总计 + 四."""
    data = context.data
    rule: BalanceRule
    for rule in data.format.balance_rules:
        keys = rule.left + rule.right
        if _skipped(data, keys):
            continue
        values = [arith_value(data, k) for k in keys]
        if any(v is None for v in values):
            continue
        left, right = sum(values[: len(rule.left)]), sum(values[len(rule.left):])
        if left == right:
            continue
        sides = []
        cells: tuple[str, ...] = ()
        for side in (rule.left, rule.right):
            names, numbers = [], []
            for key in side:
                name, behind = _operand(data, key)
                names.append(name)
                numbers.append(_shown(data, key))
                cells += behind
            labels = " + ".join(_short(data.format.field(k).row_label) for k in side)
            total = sum(arith_value(data, k) for k in side)
            sides.append(f"{labels} = {' + '.join(names)} = {' + '.join(numbers)} = {total}")
        arith = f"{sides[0]}；而 {sides[1]}，两者应相等"
        yield F.make(rule.code, field_location(data, rule.left[0]), value=left, expected=right, key=rule.left[0],
                     cells=cells, column=rule.column_label, arith=arith)


def _not_numbers(data: ReportData, key: str) -> list[str]:
    """The keys that make ``key`` unusable for the arithmetic: itself, or for a total
    reportgen computes, the parts behind it."""
    if arith_value(data, key) is not None:
        return []
    rule = data.format.sum_rule_for(key)
    if key in data.computed and rule is not None:
        return [k for part in rule.parts for k in _not_numbers(data, part)]
    return [key]


def unchecked_relations(data: ReportData) -> list[tuple[str, list[str]]]:
    """Every relation that cannot be evaluated: (how to name it, the keys at fault)."""
    if len(data.values) == len(data.format.fields) and None not in data.values.values():
        return []  # every cell holds a number (nearly every workbook): every relation can be evaluated
    found: list[tuple[str, list[str]]] = []
    for rule in data.format.sum_rules:
        if _skipped(data, (rule.total,) + rule.parts):
            continue
        bad = [k for key in (rule.total,) + rule.parts for k in _not_numbers(data, key)]
        if bad:
            where = field_location(data, rule.total)
            found.append((f"{where.sheet} {where.cell} 的合计", bad))
    for balance in data.format.balance_rules:
        if _skipped(data, balance.left + balance.right):
            continue
        bad = [k for key in balance.left + balance.right for k in _not_numbers(data, key)]
        if bad:
            sheet = data.format.field(balance.left[0]).sheet
            found.append((f"{sheet}“{balance.column_label}”列的勾稽关系", bad))
    return found


def check_unchecked(context: CheckContext) -> Iterator[Finding]:
    """One summary of the relations left unchecked because a cell is not a number."""
    data = context.data
    unchecked = unchecked_relations(data)
    if not unchecked:
        return
    keys = list(dict.fromkeys(k for _, bad in unchecked for k in bad))
    names = [name for name, _ in unchecked]
    cells_by_sheet: dict[str, list[str]] = {}
    for key in keys:
        f = data.format.field(key)
        cells_by_sheet.setdefault(f.sheet, []).append(f.cell)
    shown_cells = "；".join(f"{sheet} {'、'.join(cells[:8])}{' 等' if len(cells) > 8 else ''}"
                           for sheet, cells in cells_by_sheet.items())
    shown_rules = "、".join(names[:4]) + (" 等" if len(names) > 4 else "")
    first = data.format.field(keys[0])
    yield F.make("relations-unchecked", F.Location(first.sheet), value=len(unchecked),
                 cells=tuple(cells_by_sheet[first.sheet]), rules=shown_rules, cells_text=shown_cells,
                 keys=keys, advice=UNCHECKED_ADVICE[context.published])
