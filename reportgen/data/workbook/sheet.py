"""One worksheet's cells, read by expat: the sheet part's XML → (formulas, cached).

Rows and cells are placed the way openpyxl's read-only reader places them and
values are what it gives (``data_only`` False, then True): shared and inline strings
(rich-text runs joined), numbers as int or float, booleans, date-formatted numbers as
datetimes.  :mod:`.sheet_fast` reads the usual parts faster and gives the same.
"""

from __future__ import annotations

import re
from typing import Any

from reportgen.data.workbook.package import Cells, TextCollector, XlsxBook, from_excel, from_iso8601, xml_parser
from reportgen.formats.spec import column_index_from_string

COLUMN = re.compile(r"\$?([A-Za-z]{1,3})")
# A cell that holds nothing (no value, formula or text), written with its address:
# most cells of a formatted sheet.  Dropping them before parsing changes no value
# (such a cell reads as None) and halves the parse; cells without an address are
# kept, since they move the column count.
EMPTY_CELL = re.compile(rb'<c r="[A-Za-z]{1,3}[0-9]{1,7}"(?: [A-Za-z]+="[^"<>&]*")*(?:/>|></c>)')


class SheetParser:
    """One pass over a worksheet's XML giving (formulas, cached).

    Rows and cells are placed the way openpyxl's read-only reader places them: the
    row from <row r> (or counting), the column from <c r> (or counting); a row that
    repeats or goes back is skipped.  Only <sheetData> is read; <dimension> is not."""

    def __init__(self, book: XlsxBook) -> None:
        self.book = book
        self.formulas: Cells = {}
        self.cached: Cells = {}
        self.row = 0  # the current row's number
        self.next_row = 1  # rows before this one were already given
        self.skip_row = False
        self.col = 0
        self.in_data = False
        self.cell: dict[str, Any] | None = None
        self.field: str | None = None  # "v" or "f" while inside one
        self.text: list[str] = []
        self.inline: TextCollector | None = None
        self.shared_formulas: dict[str, tuple[str, str]] = {}

    def parse(self, xml: bytes) -> tuple[Cells, Cells]:
        parser = xml_parser(self.start, self.end, self.data)
        parser.Parse(EMPTY_CELL.sub(b"", xml), True)
        return self.formulas, self.cached

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if self.inline is not None:
            self.inline.start(local)
        elif self.cell is not None:
            if local == "v" or local == "f":
                self.field = local
                self.text = []
                if local == "f":
                    self.cell["f_attrs"] = attrs
            elif local == "is":
                self.inline = TextCollector()
        elif local == "c" and self.in_data:
            ref = attrs.get("r")
            match = COLUMN.match(ref) if ref else None
            self.col = column_index_from_string(match.group(1)) if match else self.col + 1
            self.cell = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "ref": ref, "v": None, "f": None}
        elif local == "row" and self.in_data:
            self.row = int(attrs["r"]) if attrs.get("r") else self.row + 1
            self.skip_row = self.row < self.next_row
            self.next_row = max(self.next_row, self.row + 1)
            self.col = 0
        elif local == "sheetData":
            self.in_data = True

    def data(self, text: str) -> None:
        if self.field is not None:
            self.text.append(text)
        elif self.inline is not None:
            self.inline.text(text)

    def end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if self.inline is not None:
            if local == "is":
                self.cell["is"] = self.inline.value()
                self.inline = None
            else:
                self.inline.end(local)
        elif self.field is not None and local == self.field:
            self.cell[local] = "".join(self.text)
            self.field = None
        elif local == "c" and self.cell is not None:
            if not self.skip_row:
                self._store(self.cell)
            self.cell = None
        elif local == "sheetData":
            self.in_data = False

    def _store(self, cell: dict[str, Any]) -> None:
        where = (self.row, self.col)
        data_type = cell["t"]
        raw = None if data_type == "inlineStr" else (cell["v"] or None)
        cached = self._value(data_type, raw, cell)
        if cached is not None:
            self.cached[where] = cached
        typed = self._formula(cell) if cell["f"] is not None else cached
        if typed is not None:
            self.formulas[where] = typed

    def _value(self, data_type: str, raw: str | None, cell: dict[str, Any]) -> Any:
        """The stored value, as openpyxl's parse_cell gives it with data_only=True."""
        if raw is not None:
            if data_type == "n":
                value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                style = int(cell["s"]) if cell["s"] else 0
                dates, durations = self.book.date_styles()
                if style in dates:
                    try:
                        return from_excel(value, self.book.epoch, timedelta=style in durations)
                    except (OverflowError, ValueError):
                        return "#VALUE!"
                return value
            if data_type == "s":
                return self.book.shared_strings()[int(raw)]
            if data_type == "b":
                return bool(int(raw))
            if data_type == "d":
                return from_iso8601(raw)
            return raw  # "str" (a formula's text result), "e" (an error such as #DIV/0!)
        if data_type == "inlineStr":
            return cell.get("is")
        return None

    def _formula(self, cell: dict[str, Any]) -> str:
        """The formula as typed, "=" first, as openpyxl gives it with data_only=False.

        Array and data-table formulas come as their text too (openpyxl gives objects)."""
        attrs = cell.get("f_attrs") or {}
        text = "=" + (cell["f"] or "")
        if attrs.get("t") == "shared":
            index = attrs.get("si")
            if index in self.shared_formulas:
                origin, first = self.shared_formulas[index]
                return translate(first, origin, cell["ref"] or "")
            if text != "=":
                self.shared_formulas[index] = (cell["ref"] or "", text)
        return text


def translate(formula: str, origin: str, target: str) -> str:
    """A shared formula moved from its first cell to ``target``.  Rare (Excel writes it
    when a formula is filled down), so openpyxl's translator is imported only then."""
    from openpyxl.formula.translate import Translator

    return Translator(formula, origin).translate_formula(target)
