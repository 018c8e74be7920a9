"""Read a standard workbook into report data, with a finding for every cell a
clerk has to fix.  The input file is only ever opened for reading.

Totals are never taken on trust: a total cell holding reportgen's formula with no
stored result is computed from its parts; a typed total, or the result a
spreadsheet program stored, is kept as found and checked against its parts by
:mod:`reportgen.checks`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportgen.formats import findings as F
from reportgen.core import safety
from reportgen.core.memo import per_object
from reportgen.core.errors import UnusableInput
from reportgen.formats.findings import Finding, Location
from reportgen.formats import get_format
from reportgen.core.limits import LIMITS
from reportgen.core.safety import CONTROL_CHARS
from reportgen.data.model import Paragraph, ReportData, Value
from reportgen.formats.spec import Field, GridCell, ReportFormat, Table, column_index_from_string, coordinate_from_string
from reportgen.data.workbook import layout as L
from reportgen.data.workbook.xlsx import read_cells

# Excel stores characters that XML cannot hold as _xHHHH_ (ECMA-376 ST_Xstring);
# openpyxl hands them over undecoded.
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
# What clerks type for "nothing" in a number cell.
PLACEHOLDERS = {"", "/", "／", "\\", "-", "－", "—", "——", "–", "无", "空", "n/a", "na", "null", "none"}
SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
MAX_SHIFT = 5  # rows inserted or deleted in one table that are still reported as such


@dataclass
class ReadResult:
    """What reading a workbook gave: the data, and the findings made while reading."""

    path: Path
    data: ReportData
    findings: list[Finding] = field(default_factory=list)


def read_workbook(path: Path | str) -> ReadResult:
    """Read a standard workbook.  Raises :class:`UnusableInput` (one plain-Chinese
    sentence) when the file is not a standard workbook that can be read."""
    path = Path(path)
    formulas, cached = read_cells(path)
    fmt = _format_of(formulas, path)
    result = ReadResult(path, ReportData(fmt))
    _Reader(fmt, formulas, cached, result).read()
    return result


def _format_of(sheets, path: Path) -> ReportFormat:
    mark = sheets.get(L.MARK_SHEET)
    not_ours = (f"{path.name} 不是 reportgen 的标准工作簿（找不到标准工作簿的标记）。"
                f"请用 reportgen new-workbook 生成的工作簿填写，或把数据抄到标准工作簿中。")
    if mark is None:
        raise UnusableInput(not_ours)
    entries = {str(mark.get((r, 1))): mark.get((r, 2)) for r in range(1, 20) if (r, 1) in mark}
    if entries.get("template") != L.TEMPLATE_ID:
        raise UnusableInput(not_ours)
    fmt = get_format(str(entries.get("format")))
    if fmt is None:
        raise UnusableInput(f"{path.name} 使用的格式“{entries.get('format')}”本版 reportgen 不认识。请升级 reportgen。")
    try:
        version = int(entries.get("template_version") or 0)
    except (TypeError, ValueError):
        version = 0
    if version > L.TEMPLATE_VERSION:
        raise UnusableInput(f"{path.name} 由更新版本的 reportgen 生成（工作簿版本 {version}）。请升级 reportgen。")
    missing = [name for name in [L.INFO_SHEET, L.TEXT_SHEET] + [t.sheet for t in fmt.tables] if name not in sheets]
    if missing:
        raise UnusableInput(f"{path.name} 缺少工作表“{'”“'.join(missing)}”。请不要删除或重命名工作表。")
    return fmt


# --------------------------------------------------------------------------- reading
class _Reader:
    def __init__(self, fmt: ReportFormat, formulas, cached, result: ReadResult) -> None:
        self.fmt = fmt
        self.formulas = formulas
        self.cached = cached
        self.result = result
        self.data = result.data
        self._sides: dict[str, tuple] = {}  # sheet name -> (formulas, cached) cells

    def read(self) -> None:
        self._labels()
        self._info()
        self._text()
        self._unread()
        totals = []
        for f in self.fmt.fields:
            if f.table in self.data.shifted_tables:
                self.data.values[f.key] = None  # its cells are not where the format puts them
            elif self.fmt.sum_rule_for(f.key) is not None:
                totals.append(f)
            else:
                self.data.values[f.key] = self._number(f)
        for f in totals:  # after the parts, which they may need
            self.data.values[f.key] = self._total(f)

    def _add(self, finding: Finding) -> None:
        self.result.findings.append(finding)

    # ---- labels: an edited or obsolete layout
    def _labels(self) -> None:
        for table in self.fmt.tables:
            sheet = self.formulas[table.sheet]
            if self._rows_shifted(table, sheet):
                self.data.shifted_tables.add(table.key)
                continue
            for cell, where, expected in _label_cells(table):
                raw = sheet.get(where)
                if raw == cell.text:
                    continue  # as written (nearly every label): nothing to clean
                found = _clean_label(raw)
                if found != expected:
                    self._add(F.make("label-changed", Location(table.sheet, table.address(cell.row, cell.col)),
                                     value=found, expected=cell.text))

    def _rows_shifted(self, table, sheet) -> bool:
        """Report rows inserted into or deleted from ``table``, found by matching the row
        labels (not as every label below shifted).  True when a row was."""
        value_cols = {c.col for c in table.cells if c.kind == "value"}
        label_cols = sorted({c.col for c in table.cells if c.kind != "value"} - value_cols)
        if not label_cols:
            return False  # a table with no label-only column (表四): labels are compared cell by cell
        expected = list(_row_labels(table, tuple(label_cols)))
        top, left = table.origin
        found = [tuple(v for v in (_clean_label(sheet.get((top + r, left + c))) for c in label_cols) if v)
                 for r in range(table.nrows + MAX_SHIFT)]
        for rows in (expected, found):  # rows below the table are not part of it
            while rows and not rows[-1]:
                rows.pop()
        if found == expected:  # every row where it belongs (nearly every workbook)
            return False
        ops = SequenceMatcher(None, expected, found, autojunk=False).get_opcodes()
        # Rows added below the table move nothing in it: they are not the table's.
        moved = [op for op in ops if op[0] == "delete" or (op[0] == "insert" and op[1] < len(expected))]
        if not moved or sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in moved) > MAX_SHIFT:
            return False
        for tag, i1, i2, j1, j2 in moved:
            if tag == "insert":
                for j in range(j1, j2):
                    where = Location(table.sheet, table.address(j, 0))
                    shown = "、".join(found[j]) or "无标签"
                    self._add(F.make("table-row-inserted", where, value=shown, row=top + j))
            else:
                for i in range(i1, i2):
                    where = Location(table.sheet, table.address(j1, 0))
                    self._add(F.make("table-row-deleted", where, expected="".join(expected[i][-1:]),
                                     row=top + i))
        return True

    # ---- details sheet
    def _info(self) -> None:
        sheet = self.cached[L.INFO_SHEET]
        for info in self.fmt.info_fields:
            row = L.info_row(self.fmt, info)
            where = Location(L.INFO_SHEET, L.info_cell(self.fmt, info.key), info.label)
            raw = sheet.get((row, L.INFO_VALUE_COL))
            if info.kind == "year":
                year = self.data.info[info.key] = self._year(raw)
                if isinstance(year, int) and isinstance(raw, str) and raw != str(year):
                    self._add(F.make("year-as-text", where, value=raw.strip(), expected=year))
            elif info.kind == "date" and isinstance(raw, (dt.date, dt.datetime)):
                self.data.info[info.key] = raw.date().isoformat() if isinstance(raw, dt.datetime) else raw.isoformat()
            else:
                self.data.info[info.key] = self._text_value(raw, where, single_line=True)

    def _year(self, raw: Any) -> int | str | None:
        """The year as an int; text that is not a year is kept as typed for the checks to name."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, (dt.date, dt.datetime)):
            return raw.year
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = SPACES.sub("", _normalise(str(raw))).removesuffix("年")
        return int(text) if re.fullmatch(r"\d{4}", text) else str(raw).strip()

    # ---- text sheet
    def _text(self) -> None:
        sheet = self.cached[L.TEXT_SHEET]
        by_label = {s.label: s for s in self.fmt.text_sections}
        choices = "、".join(by_label)
        self.data.text = {s.key: [] for s in self.fmt.text_sections}
        # Only rows holding cells (an empty row adds nothing): a cell in row 1048576 costs one row, not a million.
        rows = sorted({r for r, _ in sheet if r >= L.TEXT_FIRST_ROW})
        section = None
        for row in rows:
            label = _clean_label(sheet.get((row, L.TEXT_SECTION_COL)))
            heading = self._text_value(sheet.get((row, L.TEXT_HEADING_COL)), L.text_location(row, L.TEXT_HEADING_COL))
            text = self._text_value(sheet.get((row, L.TEXT_BODY_COL)), L.text_location(row, L.TEXT_BODY_COL))
            if label:
                section = by_label.get(label)
                if section is None:
                    self._add(F.make("unknown-section", L.text_location(row, L.TEXT_SECTION_COL),
                                     value=label, expected=choices))
                    continue
            if not heading and not text:
                continue
            if section is None:  # text before any section is named
                self._add(F.make("unknown-section", L.text_location(row, L.TEXT_SECTION_COL),
                                 value="（空）", expected=choices))
                continue
            lines = [line.strip() for line in text.split("\n") if line.strip()] or [""]
            paragraphs = self.data.text[section.key]
            cell = L.text_location(row, L.TEXT_BODY_COL).cell
            paragraphs.append(Paragraph(lines[0], heading, cell))
            paragraphs.extend(Paragraph(line, cell=cell) for line in lines[1:])

    def _text_value(self, raw: Any, where: Location, single_line: bool = False) -> str:
        if raw is None:
            return ""
        if isinstance(raw, (dt.date, dt.datetime)):
            return raw.isoformat()
        text = OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), str(raw))
        text, replaced = safety.clean_text(text)  # _xD800_ decodes to half a character
        if replaced:
            self._add(F.make("unencodable-characters", where, value=replaced))
        if len(text) > LIMITS.max_cell_chars:
            self._add(F.make("text-too-long", where, value=len(text), expected=LIMITS.max_cell_chars))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        bad = CONTROL_CHARS.findall(text)
        if bad:
            self._add(F.make("control-characters", where, value=len(bad)))
            text = CONTROL_CHARS.sub("", text)
        if single_line:
            text = " ".join(text.split())
        return text.strip()

    # ---- numbers
    def _raw(self, f: Field) -> tuple[Any, Any]:
        where = _rowcol(f.cell)
        sides = self._sides.get(f.sheet)
        if sides is None:
            sides = self._sides[f.sheet] = (self.formulas[f.sheet], self.cached[f.sheet])
        return sides[0].get(where), sides[1].get(where)

    def _number(self, f: Field) -> Value:
        formula, cached = self._raw(f)
        if _plain_count(formula, f):
            return formula  # what nearly every cell holds: nothing to check or convert
        if isinstance(formula, str) and formula.startswith("="):
            if cached is None:
                self._add(F.make("unreadable-formula", Location.of(f), value=formula, key=f.key))
                return None
            return parse_number(cached, f, _location(f), self._add)
        if is_blank(formula) and f.key in self.data.unread:
            # Not read from a published report: not a blank the clerk left, and not 0 either.
            self._add(F.make("unreadable-cell", Location.of(f), value=self.data.unread[f.key], key=f.key,
                             cells=(f.cell,)))
            return None
        if is_blank(formula):
            self.data.blank.add(f.key)  # counted as 0 by the arithmetic; the finding says so
        return parse_number(formula, f, _location(f), self._add)

    def _unread(self) -> None:
        """The cells an importer could not read (its hidden sheet), while they are still blank."""
        sheet = self.cached.get(L.UNREAD_SHEET) if L.UNREAD_SHEET in self.cached else None
        if sheet is None:
            return
        for row in range(2, len(self.fmt.fields) + 2):
            key, note = sheet.get((row, 1)), sheet.get((row, 3))
            if not isinstance(key, str) or not self.fmt.has_field(key):
                continue
            if is_blank(self._raw(self.fmt.field(key))[0]):
                self.data.unread[key] = self._text_value(note, Location(L.UNREAD_SHEET, f"C{row}"), single_line=True)

    def _total(self, f: Field) -> Value:
        formula, cached = self._raw(f)
        is_formula = isinstance(formula, str) and formula.startswith("=")
        if is_formula and cached is None:
            # reportgen's own formula, never calculated by a spreadsheet: compute it,
            # blanks as 0 (as the spreadsheet would); a part that is not a number leaves it unknown.
            rule = self.fmt.sum_rule_for(f.key)
            self.data.computed.add(f.key)
            parts = [self.data.values.get(k) for k in rule.parts]
            if any(p is None and k not in self.data.blank for p, k in zip(parts, rule.parts)):
                return None
            return sum(p for p in parts if p is not None)
        if not is_formula and not is_blank(formula):
            # The writer put a formula here; a clerk typed a number over it.
            self.data.typed_totals.add(f.key)
        return self._number(f)


def is_blank(raw: Any) -> bool:
    """A number cell left empty or holding a placeholder for “nothing” (“/”, “—”, “无”)."""
    if raw is None:
        return True
    return isinstance(raw, str) and SPACES.sub("", _normalise(raw)).replace(",", "").lower() in PLACEHOLDERS


def parse_number(raw: Any, f: Field, where: Location, report) -> Value:
    """A cell's value as the format wants it (int count or Decimal amount), or None
    with a finding passed to ``report``.  Accepts what clerks really type.

    Bounded: text longer than ``LIMITS.max_number_chars`` or with an exponent beyond
    ``LIMITS.max_exponent`` is refused before it becomes a number, and so is a value
    of 10^12 or more; nothing passes through float or an unbounded Decimal."""
    if isinstance(raw, bool):
        report(F.make("not-a-number", where, value=raw, key=f.key))
        return None
    if isinstance(raw, (int, float, Decimal)):
        return _checked(raw, f, where, report, raw)
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        report(F.make("not-a-number", where, value=raw, key=f.key))
        return None
    text = "" if raw is None else str(raw)
    compact = SPACES.sub("", _normalise(text)).replace(",", "")
    if compact.lower() in PLACEHOLDERS:
        shown = f"填的是“{text.strip()}”" if text.strip() else "是空的"
        report(F.make("blank-value", where, value=text.strip(), key=f.key, shown=shown))
        return None
    if len(compact) > LIMITS.max_number_chars:
        shown = text.strip()[:20] + "…"
        report(F.make("number-too-large", where, value=shown, key=f.key,
                      reason=f"有 {len(compact)} 个字符，超过了 {LIMITS.max_number_chars} 个字符的上限"))
        return None
    match = NUMBER.fullmatch(compact)
    if not match:
        report(F.make("not-a-number", where, value=text.strip(), key=f.key))
        return None
    exponent = match.group(3)
    if exponent and abs(int(exponent[1:])) > LIMITS.max_exponent:
        report(F.make("number-too-large", where, value=text.strip(), key=f.key,
                      reason="用科学计数法写成，指数过大或过小，不是表格中能填的数字"))
        return None
    number = Decimal(compact)
    value = _checked(number, f, where, report, text.strip())
    if value is not None:
        report(F.make("number-as-text", where, value=text, expected=value, key=f.key))
    return value


def _plain_count(value: Any, f: Field) -> bool:
    """A whole number a count cell may hold as it is (bool is not int's type)."""
    return type(value) is int and f.kind == "count" and 0 <= value <= LIMITS.max_count


def _checked(number, f: Field, where: Location, report, shown) -> Value:
    if _plain_count(number, f):
        return number  # what nearly every cell holds: nothing to convert
    if isinstance(number, float):
        # The sheet stores decimal text; repr() gives back the shortest text that
        # reads as the same float, i.e. what was typed (24252.311082, not …0819).
        number = Decimal(repr(number))
    number = Decimal(number)
    if not number.is_finite():
        report(F.make("not-a-number", where, value=shown, key=f.key))
        return None
    if number < 0 and f.kind != "change":  # only a change (2019's 本年增/减) may fall
        report(F.make("negative-number", where, value=shown, key=f.key))
        return None
    if abs(number) > LIMITS.max_count:
        report(F.make("number-too-large", where, value=shown, key=f.key,
                      reason=f"达到或超过了 {LIMITS.max_count + 1:,} 的上限"))
        return None
    if f.kind in ("count", "change"):
        if number != number.to_integral_value():
            report(F.make("not-whole-number", where, value=shown, key=f.key))
            return None
        return int(number)
    if number == number.to_integral_value():
        return Decimal(int(number))  # 7545.0 from a spreadsheet is 7545
    places = -number.as_tuple().exponent
    if places > LIMITS.max_fee_decimals:
        report(F.make("fee-many-decimals", where, value=number, key=f.key, places=places,
                      limit=LIMITS.max_fee_decimals))
    return number


def _normalise(text: str) -> str:
    """Full-width digits, points and signs to ASCII (NFKC), as Chinese IMEs type them."""
    return unicodedata.normalize("NFKC", text).replace("。", ".")


def _clean_label(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return _clean_text_label(value)
    return SPACES.sub("", str(value))


@lru_cache(maxsize=4096)
def _clean_text_label(text: str) -> str:
    """A label as compared (the same few hundred labels in every workbook of a collection)."""
    return SPACES.sub("", text)


@per_object
def _label_cells(table: Table) -> tuple[tuple[GridCell, tuple[int, int], str], ...]:
    """(cell, sheet (row, col), label as compared) of every label cell of ``table``: the same for every workbook."""
    return tuple((cell, (table.origin[0] + cell.row, table.origin[1] + cell.col), _clean_label(cell.text))
                 for cell in table.cells if cell.kind != "value")


@per_object
def _row_labels(table: Table, label_cols: tuple[int, ...]) -> tuple[tuple[str, ...], ...]:
    """The labels each row of ``table`` should have in ``label_cols``, as compared."""
    return tuple(tuple(_clean_label(c.text) for c in sorted(row, key=lambda c: c.col)
                       if c.kind != "value" and c.col in label_cols and c.text)
                 for row in table.rows())


@per_object
def _location(f: Field) -> Location:
    return Location.of(f)


@lru_cache(maxsize=None)
def _rowcol(address: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(address)
    return row, column_index_from_string(letters)


__all__ = ["ReadResult", "is_blank", "read_workbook", "parse_number"]
