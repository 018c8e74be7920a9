"""Findings: what the checks say about a workbook, as data.

Every finding has a stable ``code`` from :data:`CATALOGUE`, which gives its
severity, a short title and the message template.  The console, ``--json``,
``--annotate`` and the generated docs/checks.md all print from here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"  # 错误: the report must not be produced until it is fixed
    WARNING = "warning"  # 提醒: reported, does not block

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "提醒"


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: Severity
    title: str  # short, Chinese: the group heading in the console
    template: str  # the message, str.format()-ed with the finding's params
    description: str  # for the docs: when it fires


E, W = Severity.ERROR, Severity.WARNING

_TYPES = (
    # ---- one cell
    FindingType("blank-value", E, "数字格为空",
                "这一格{shown}。公布的表格不能留空或只填符号，没有数据请填 0。",
                "A number cell is blank or holds a placeholder such as “/”, “—”, “无”."),
    FindingType("not-a-number", E, "数字格里有非数字内容",
                "格内是“{value}”，不是数字。请只填阿拉伯数字，不要带单位或文字（如“12件”应填 12）。",
                "A number cell holds text that is not a number, e.g. “12件”."),
    FindingType("not-whole-number", E, "件数不是整数",
                "格内是 {value}，件数必须是整数。请填写整数。",
                "A count holds a fraction, e.g. 3.5."),
    FindingType("negative-number", E, "数字为负数",
                "格内是 {value}，这里不能是负数。请填写 0 或正数。",
                "A number is below zero."),
    FindingType("number-as-text", W, "数字以文本形式填写（已自动识别）",
                "格内是文本“{value}”，已按数字 {expected} 读取。如无误可不处理；建议改为直接输入数字。",
                "A number typed as text, with full-width digits or stray spaces; read as the number."),
    FindingType("unreadable-formula", E, "格内公式无法读取",
                "格内是公式 {value}，且没有保存计算结果。请直接填写数字。",
                "A value cell holds a formula whose result the workbook does not store."),
    FindingType("control-characters", W, "文字中有不可见的控制字符（已删除）",
                "这段文字含 {value} 个不可见的控制字符（多来自从 PDF 或聊天软件复制的文字），生成报告时已删除。",
                "Text holds characters that are illegal in Word files (0x00–0x1F but tab/newline)."),
    FindingType("label-changed", E, "表格标签被改动",
                "这里应是“{expected}”，现在是“{value}”。请不要改动表格的标签；请用最新的标准工作簿重新填写。",
                "A label of an official table differs from the format (an edited or obsolete layout)."),
    # ---- sums
    FindingType("t3-row-total", E, "表三：总计不等于各类申请人之和",
                "总计是 {value}，但本行各列 {arith}。请核对本行各格。",
                "Table 3, a row: 总计 ≠ 自然人 + the five 法人或其他组织 columns."),
    FindingType("t3-results-total", E, "表三：（七）总计不等于各项办理结果之和",
                "{group}是 {value}，但本列各项办理结果 {arith}。请核对本列各格。",
                "Table 3, a column: （七）总计 ≠ the sum of the 21 result rows."),
    FindingType("t3-balance", E, "表三：勾稽关系不成立（一 + 二 应等于 三（七）总计 + 四）",
                "{column}列：{arith}。请核对本列的新收、上年结转、办理结果和结转下年度各格。",
                "Table 3, a column: 一 + 二 ≠ （七）总计 + 四."),
    FindingType("t4-total", E, "表四：总计不等于各项之和",
                "{group}的总计是 {value}，但 {arith}。请核对这几格。",
                "Table 4: for 复议, 直接起诉 or 复议后起诉, 总计 ≠ 维持 + 纠正 + 其他 + 尚未审结."),
    # ---- the report as a whole
    FindingType("missing-info", E, "基本信息缺项",
                "“{label}”没有填写。请在基本信息表填写。",
                "The agency name or the report year is missing."),
    FindingType("invalid-year", E, "报告年度无效",
                "报告年度是“{value}”，不是有效的年份。请填写四位数字的年份，如 2023。",
                "The year is not a plausible four-digit year."),
    FindingType("year-not-covered", E, "该年度不适用本格式",
                "报告年度是 {value}，本格式（{format}）适用于 {first} 年及以后的年度报告。请核对年度。",
                "The year is one the workbook's format does not apply to (2019 and 2020 used the trial format)."),
    FindingType("unknown-section", E, "文字部分的“部分”名称无法识别",
                "“{value}”不是报告的文字部分。请从下拉列表中选择：{expected}。",
                "A row of the text sheet names a part that does not exist."),
    FindingType("missing-text", E, "必填的文字部分为空",
                "“{label}”还没有填写内容（{hint}）。",
                "A mandatory text part (一, 五 or 六) is empty."),
    FindingType("fee-not-reported", E, "未说明信息处理费收取情况",
                "第六部分没有说明信息处理费的收取情况。即使没有收取，也要写明，如：“本年度未收取信息处理费。”",
                "Part 六 does not say whether 信息处理费 was charged (the notice requires it)."),
    FindingType("overview-too-long", W, "总体情况超过一千字",
                "“一、总体情况”有 {value} 字，格式要求原则上不超过 {expected} 字。建议精简。",
                "Part 一 is longer than the notice's 1000 characters."),
    FindingType("other-share-high", W, "“其他”处理的申请占比偏高",
                "“{label}”有 {value} 件，占{total_label} {total} 件的 {share}，"
                "超过 {limit}。请确认这些申请确实不属于前面列出的任何情形。",
                "Table 3: （六）3.其他 is a high share of （七）总计 (supervisors look into it)."),
    # ---- text against the tables (checks/text_vs_table.py)
    # ---- this year against last year (checks/crossyear.py)
    # ---- a collection of workbooks (collection.py)
    # ---- importing a published report (importers/)
    # ---- hostile input: text no file can hold, text no report can hold (safety.py, limits.py)
    FindingType("unencodable-characters", W, "文字中有无法保存的字符（已替换）",
                "这段文字含 {value} 个无法保存到文件的字符（残缺的字符编码，多来自复制粘贴或其他软件导出），"
                "已替换为“\ufffd”。请核对这段文字。",
                "Text holds code points no file can hold (lone surrogates, e.g. Excel's _xD800_); replaced by U+FFFD."),
    FindingType("text-too-long", E, "文字超过一格能容纳的长度",
                "这一格有 {value} 个字，超过了一个单元格的上限 {expected} 个字（Excel 的限制）。"
                "请检查是否误粘贴了大量内容，或把内容分到几行。",
                "A text cell holds more characters than Excel allows in one cell (32767)."),
)

CATALOGUE: dict[str, FindingType] = {t.code: t for t in _TYPES}


@dataclass(frozen=True)
class Location:
    """Where a finding is: sheet, cell and the labels a clerk reads there."""

    sheet: str
    cell: str = ""
    row_label: str = ""
    col_label: str = ""

    @classmethod
    def of(cls, field) -> "Location":
        """Where a value field of the format is: its sheet, cell, row and column labels."""
        return cls(field.sheet, field.cell, field.row_label, field.col_label)

    def __str__(self) -> str:
        labels = " / ".join(x for x in (self.row_label, self.col_label) if x)
        place = f"{self.sheet} {self.cell}".strip()
        return f"{place}（{labels}）" if labels else place

    def to_json(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "row": self.row_label, "column": self.col_label}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    location: Location | None = None
    value: str | None = None
    expected: str | None = None
    cells: tuple[str, ...] = ()  # every cell involved, on location.sheet
    key: str = ""  # the value field's key, where there is one
    params: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def type(self) -> FindingType:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> Severity:
        return self.type.severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.location}：" if self.location else ""
        return f"{where}{self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "severity_label": self.severity.label,
            "title": self.type.title,
            "location": self.location.to_json() if self.location else None,
            "key": self.key or None,
            "cells": list(self.cells),
            "value": self.value,
            "expected": self.expected,
            "message": self.message,
        }


def make(code: str, location: Location | None = None, *, value: Any = None, expected: Any = None,
         cells: tuple[str, ...] = (), key: str = "", **params: Any) -> Finding:
    """Build a finding whose message comes from the catalogue's template."""
    kind = CATALOGUE[code]  # KeyError here is a programming error: codes are fixed
    text_value = None if value is None else str(value)
    text_expected = None if expected is None else str(expected)
    message = kind.template.format(value=text_value, expected=text_expected, **params)
    return Finding(code, message, location, text_value, text_expected, tuple(cells), key, params)


def count(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for f in findings if f.is_error)
    return errors, len(findings) - errors
