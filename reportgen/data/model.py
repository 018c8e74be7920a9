"""Report data: what a workbook says, independent of Excel.

Values live in one flat mapping from field key (``t3.granted.natural_person``)
to ``int`` (counts), ``Decimal`` (the 万元 fee) or ``None`` (missing or unusable;
the reader has said why).  The JSON form nests the keys
(``{"t3": {"granted": {"natural_person": 0}}}``) and writes the fee as a string so
that 24252.311082 never passes through a binary float.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import read_regular_file
from reportgen.core.limits import LIMITS
from reportgen.formats import get_format
from reportgen.formats.spec import ReportFormat

Value = Union[int, Decimal, None]

# Characters illegal in XML 1.0, hence in .docx (pasted from PDFs or chat apps).


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """{"t3.granted.total": 1} -> {"t3": {"granted": {"total": 1}}}: the JSON and template shape."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        path, last = _key_path(key)
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return out


@lru_cache(maxsize=4096)
def _key_path(key: str) -> tuple[tuple[str, ...], str]:
    """("t3", "granted"), "total" for "t3.granted.total": the same few hundred keys in every report."""
    *path, last = key.split(".")
    return tuple(path), last


@dataclass
class Paragraph:
    """One paragraph of a text part, with an optional run-in sub-heading."""

    text: str
    heading: str = ""  # e.g. "（一）主动公开情况。", printed in 楷体 before the text
    # Where the paragraph was read from (the text sheet's body cell, e.g. "C6"), so a
    # finding about it can name the cell; empty for data that did not come from a workbook.
    cell: str = field(default="", compare=False)

    def plain(self) -> str:
        return self.heading + self.text


@dataclass
class ReportData:
    format: ReportFormat
    info: dict[str, Any] = field(default_factory=dict)  # agency, year (int), website, …
    text: dict[str, list[Paragraph]] = field(default_factory=dict)
    values: dict[str, Value] = field(default_factory=dict)
    # Totals whose workbook cell held reportgen's formula with no stored result:
    # reportgen computed them from their parts, so no clerk typed them.
    computed: set[str] = field(default_factory=set)
    # Number cells left blank (or holding a placeholder such as “/”): their value is
    # None, and the arithmetic counts them as 0 so that every relation is checked.
    blank: set[str] = field(default_factory=set)
    # Totals whose cell should hold reportgen's formula but holds a typed number.
    typed_totals: set[str] = field(default_factory=set)
    # Tables whose rows were inserted or deleted: their values are not read (the reader
    # reported the row), and the arithmetic leaves them alone.
    shifted_tables: set[str] = field(default_factory=set)
    # Cells an importer could not read from a published report (digits that ran together
    # with more than one reading): key → what the report printed and what the cell could be.
    # They are blank; the workbook remembers them (``check`` names them, ``fix`` leaves them).
    unread: dict[str, str] = field(default_factory=dict)
    # The rows behind ``unread``: {"keys": [...], "printed": "...", "options": [[...], ...]}, each
    # option a reading of the whole row; facts found later (the text, last year's report) settle them.
    doubts: list[dict[str, Any]] = field(default_factory=list)
    # What a published report says in a table's part before the table (part heading →
    # paragraphs): not a text part of the workbook, read by the text-versus-table check.
    notes: dict[str, list[Paragraph]] = field(default_factory=dict)

    @property
    def agency(self) -> str:
        return str(self.info.get("agency") or "")

    @property
    def year(self) -> int | None:
        year = self.info.get("year")
        return year if isinstance(year, int) else None

    @property
    def title(self) -> str:
        return self.format.title(self.agency, self.year if self.year is not None else "")

    def section_text(self, key: str) -> str:
        return "".join(p.plain() for p in self.text.get(key, []))

    # ------------------------------------------------------------------ JSON
    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": self.format.id,
            "info": {f.key: self.info.get(f.key) for f in self.format.info_fields},
            "text": {
                s.key: [{"heading": p.heading, "text": p.text} for p in self.text.get(s.key, [])]
                for s in self.format.text_sections
            },
        }
        values = {f.key: self.values.get(f.key) for f in self.format.fields}
        out.update(nest({k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}))
        if self.unread:
            out["unread"] = dict(self.unread)
        if self.doubts:
            out["doubts"] = [dict(d) for d in self.doubts]
        if self.notes:
            out["notes"] = {k: [{"heading": p.heading, "text": p.text} for p in ps] for k, ps in self.notes.items()}
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, obj: Any, source: str = "JSON") -> "ReportData":
        """Build report data from :meth:`to_json`'s form; raise UnusableInput with
        the key at fault when a value is not what the format allows."""
        if not isinstance(obj, dict):
            raise UnusableInput(f"{source} 不是 reportgen 的报告数据（最外层应是一个对象）。")
        fmt = get_format(str(obj.get("format", "")))
        if fmt is None:
            raise UnusableInput(f"{source} 的 format 是“{obj.get('format')}”，reportgen 不认识这个格式。")
        info_in = obj.get("info") or {}
        info: dict[str, Any] = {}
        for f in fmt.info_fields:
            value = info_in.get(f.key)
            if f.kind == "year" and value is not None and not isinstance(value, (int, str)):
                raise UnusableInput(f"{source} 中 info.{f.key} 应是整数年份，现在是“{value}”。")
            if value is not None and not isinstance(value, (int, str)) or isinstance(value, bool):
                raise UnusableInput(f"{source} 中 info.{f.key} 应是文字，现在是“{value}”。")
            info[f.key] = value
        text: dict[str, list[Paragraph]] = {}
        text_in = obj.get("text") or {}
        for s in fmt.text_sections:
            paragraphs = []
            for i, p in enumerate(text_in.get(s.key) or []):
                if not isinstance(p, dict) or not all(isinstance(p.get(k) or "", str) for k in ("text", "heading")):
                    raise UnusableInput(f"{source} 中 text.{s.key}[{i}] 应是含 heading 和 text 的对象。")
                paragraph = Paragraph(text=p.get("text", "") or "", heading=p.get("heading", "") or "")
                if len(paragraph.text) > LIMITS.max_cell_chars or len(paragraph.heading) > LIMITS.max_cell_chars:
                    raise UnusableInput(f"{source} 中 text.{s.key}[{i}] 有 {len(paragraph.plain())} 个字，超过了"
                                        f"工作簿一格能容纳的 {LIMITS.max_cell_chars} 个字。请把这段分成几段。")
                paragraphs.append(paragraph)
            text[s.key] = paragraphs
        values: dict[str, Value] = {}
        for f in fmt.fields:
            node: Any = obj
            for part in f.key.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            values[f.key] = _json_value(node, f.kind, f.key, source)
        data = cls(fmt, info, text, values)
        unread = obj.get("unread") or {}
        if isinstance(unread, dict):
            data.unread = {k: str(v) for k, v in unread.items() if fmt.has_field(k) and values.get(k) is None}
        notes = obj.get("notes") or {}
        if isinstance(notes, dict):
            data.notes = {str(k): [Paragraph(text=str(p.get("text") or ""), heading=str(p.get("heading") or ""))
                                   for p in ps if isinstance(p, dict)]
                          for k, ps in notes.items() if isinstance(ps, list)}
        doubts = obj.get("doubts") or []
        if isinstance(doubts, list):
            data.doubts = [d for d in doubts if _sound_doubt(d, fmt)]
        return data

    @classmethod
    def load(cls, path: Path) -> "ReportData":
        try:
            source = read_regular_file(Path(path), "JSON 数据文件")
            obj = json.loads(source.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise UnusableInput(f"无法读取 {path}：它不是 UTF-8 编码的文本。") from None
        except json.JSONDecodeError as exc:
            raise UnusableInput(f"无法读取 {path}：第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON。"
                                f"请使用 reportgen dump 导出的文件。") from None
        except (ValueError, RecursionError):  # a number of thousands of digits; arrays nested thousands deep
            raise UnusableInput(f"无法读取 {path}：其中有过长的数字或嵌套过深的内容，不是 reportgen dump 导出的数据。") from None
        return cls.from_json(obj, source=str(path))


def _sound_doubt(doubt: Any, fmt: ReportFormat) -> bool:
    """A doubt as :meth:`ReportData.to_json` writes it (anything else is left out)."""
    if not isinstance(doubt, dict) or not isinstance(doubt.get("printed"), str):
        return False
    keys, options, facts = doubt.get("keys"), doubt.get("options"), doubt.get("facts", [])
    return (isinstance(facts, list) and all(isinstance(x, str) for x in facts) and isinstance(keys, list) and all(isinstance(k, str) and fmt.has_field(k) for k in keys)
            and isinstance(options, list) and 0 < len(options) <= 20_000
            and all(isinstance(o, list) and len(o) == len(keys) and all(isinstance(x, str) and x.isdigit() for x in o)
                    for o in options))


def _json_value(node: Any, kind: str, key: str, source: str) -> Value:
    if node is None:
        return None
    if kind in ("count", "change"):
        if isinstance(node, bool) or not isinstance(node, int):
            raise UnusableInput(f"{source} 中 {key} 应是整数，现在是“{node}”。")
        if abs(node) > LIMITS.max_count:
            raise UnusableInput(f"{source} 中 {key} 是 {node}，超过了件数的上限 {LIMITS.max_count}。")
        return node
    if isinstance(node, bool) or not isinstance(node, (str, int)):
        # A float in JSON has already lost the exact decimal the clerk typed.
        raise UnusableInput(f"{source} 中 {key} 应写成字符串形式的金额（如 \"24252.311082\"），现在是 {node!r}。")
    text = str(node).strip()
    if len(text) > LIMITS.max_number_chars:
        raise UnusableInput(f"{source} 中 {key} 太长（{len(text)} 个字符），不是一个金额。")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise UnusableInput(f"{source} 中 {key} 不是数字：“{node}”。") from None
    if not amount.is_finite():
        raise UnusableInput(f"{source} 中 {key} 不是数字：“{node}”。")
    # 1e-999999999 is short to write and a billion digits to print (more than 6 decimals
    # is only a 提醒 in a workbook, so JSON takes as many as a cell may hold).
    if amount and (amount.as_tuple().exponent < -LIMITS.max_number_chars or amount.adjusted() >= 12):
        raise UnusableInput(f"{source} 中 {key} 是“{text}”：金额应小于 10^12，小数不超过 {LIMITS.max_number_chars} 位。")
    return amount
