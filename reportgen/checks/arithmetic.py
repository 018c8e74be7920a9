"""Sums and the 勾稽 balance, read from the format definition's relations."""

from __future__ import annotations

from typing import Iterator

from .. import findings as F
from ..findings import Finding
from ..model import ReportData
from ..spec import BalanceRule, SumRule
from .base import CheckContext, field_cell, field_location


def _describe_sum(data: ReportData, keys: tuple[str, ...]) -> str:
    """'D7 + E7 = 1 + 2 = 3', or for long runs 'D9～D29 合计 5（其中不为 0 的：D9=3、D12=2）'."""
    values = [data.values[k] for k in keys]
    total = sum(values)
    if len(keys) <= 6:
        cells = " + ".join(field_cell(data, k) for k in keys)
        numbers = " + ".join(str(v) for v in values)
        return f"{cells} = {numbers} = {total}"
    nonzero = "、".join(f"{field_cell(data, k)}={v}" for k, v in zip(keys, values) if v)
    return f"{field_cell(data, keys[0])}～{field_cell(data, keys[-1])} 合计 {total}" + (f"（其中不为 0 的：{nonzero}）" if nonzero else "")


def check_sums(context: CheckContext) -> Iterator[Finding]:
    """Every total equals the sum of its parts (rows and columns of table 3, table 4)."""
    data = context.data
    for rule in data.format.sum_rules:
        total = data.values.get(rule.total)
        parts = [data.values.get(k) for k in rule.parts]
        if total is None or any(p is None for p in parts) or total == sum(parts):
            continue  # a missing value has its own finding already
        arith = _describe_sum(data, rule.parts)
        where = field_location(data, rule.total)
        yield F.make(rule.code, where, value=total, expected=arith, key=rule.total,
                     cells=(where.cell,) + tuple(field_cell(data, k) for k in rule.parts),
                     arith=arith,
                     group=where.row_label)


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
        values = [data.values.get(k) for k in keys]
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
                numbers.append(str(data.values[key]))
                cells += behind
            labels = " + ".join(_short(data.format.field(k).row_label) for k in side)
            sides.append(f"{labels} = {' + '.join(names)} = {' + '.join(numbers)} = {sum(data.values[k] for k in side)}")
        arith = f"{sides[0]}；而 {sides[1]}，两者应相等"
        yield F.make(rule.code, field_location(data, rule.left[0]), value=left, expected=right, key=rule.left[0],
                     cells=cells, column=rule.column_label, arith=arith)
