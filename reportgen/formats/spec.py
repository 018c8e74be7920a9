"""The classes that describe a report format.

A format (``reportgen.formats.gov2021`` is the national one) is *data* built from
these classes: its parts, its tables with every label and merged cell, every value
field with its stable key, and the arithmetic relations between the fields.
The workbook writer, the reader, the checks, the renderers and the generated docs
all read the same objects, so a label exists in exactly one place.

Tables are described as a grid of cells in the coordinates of the official table
(row 0, column 0 is its top-left cell).  The workbook places that grid at
``Table.origin`` on the table's sheet; Word and HTML draw it as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator, Literal

# Column letters are plain base-26 arithmetic; openpyxl is not imported for them, so
# that reading and checking a workbook start without it.
MAX_COLUMN = 16384  # XFD, the last column of a sheet
_ADDRESS = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def get_column_letter(index: int) -> str:
    """1 → "A", 28 → "AB" (the spreadsheet's column name)."""
    if not 1 <= index <= MAX_COLUMN:
        raise ValueError(f"invalid column index {index}")
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=4096)
def column_index_from_string(letters: str) -> int:
    """"A" → 1, "ab" → 28."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"invalid column letters {letters!r}")
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    if index > MAX_COLUMN:
        raise ValueError(f"invalid column letters {letters!r}")
    return index


@lru_cache(maxsize=4096)
def coordinate_from_string(address: str) -> tuple[str, int]:
    """"D7" → ("D", 7)."""
    match = _ADDRESS.fullmatch(address)
    if not match or int(match.group(2)) < 1:
        raise ValueError(f"invalid cell address {address!r}")
    return match.group(1).upper(), int(match.group(2))


CellKind = Literal["caption", "header", "label", "value"]
ValueKind = Literal["count", "amount", "change"]


@dataclass(frozen=True)
class GridCell:
    """One (possibly merged) cell of an official table."""

    row: int
    col: int
    kind: CellKind
    text: str = ""  # the label, for caption/header/label cells
    key: str = ""  # the value field's key, for value cells
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Field:
    """A value cell: one number a clerk types (or a total computed from others)."""

    key: str  # e.g. "t3.granted.natural_person"; stable, documented, a JSON key
    table: str  # "t2"
    kind: ValueKind  # "count": whole number ≥ 0; "amount": decimal ≥ 0 (万元); "change": whole number (本年增/减)
    row_label: str  # the row's label path joined, as a clerk reads it
    col_label: str
    sheet: str
    cell: str  # "D7"
    is_total: bool = False  # defined by a SumRule; the workbook holds a formula


@dataclass(frozen=True)
class SumRule:
    """``total`` must equal the sum of ``parts``; the workbook writes it as a formula."""

    code: str  # the finding code raised when it does not hold
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class BalanceRule:
    """The sum of ``left`` must equal the sum of ``right`` (table 3's 勾稽关系)."""

    code: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    column_label: str


@dataclass(frozen=True)
class CarryRule:
    """This year's ``this`` must equal last year's ``last`` (上年结转 = 上年的结转下年度)."""

    this: str
    last: str


@dataclass(frozen=True)
class StockRule:
    """This year's ``stock`` = last year's ``stock`` + this year's ``added`` − ``removed``
    (现行有效件数 = 上年现行有效 + 本年制发 − 本年废止)."""

    stock: str
    added: str
    removed: str


@dataclass(frozen=True)
class Table:
    """One official table, the way it is printed."""

    key: str  # "t3"
    number: str  # "表三": the sheet name and how messages name it
    caption: str  # a caption for screen readers and the table of contents
    ncols: int
    nrows: int
    cells: tuple[GridCell, ...]
    origin: tuple[int, int] = (4, 1)  # sheet row/column (1-based) of grid cell (0, 0)
    col_widths: tuple[float, ...] = ()  # relative widths, one per grid column

    @property
    def sheet(self) -> str:
        return self.number

    def address(self, row: int, col: int) -> str:
        """The sheet address of grid cell (row, col)."""
        return f"{get_column_letter(self.origin[1] + col)}{self.origin[0] + row}"

    def rows(self) -> list[list[GridCell]]:
        """The cells grouped by the grid row they start in, in order (for HTML/Word)."""
        grouped: list[list[GridCell]] = [[] for _ in range(self.nrows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            grouped[cell.row].append(cell)
        return grouped

    @property
    def header_rows(self) -> int:
        """How many leading grid rows hold only captions and headers."""
        first_value = min(c.row for c in self.cells if c.kind == "value")
        return max(
            (c.row + c.rowspan for c in self.cells if c.kind == "header" and c.row < first_value),
            default=0,
        )


@dataclass(frozen=True)
class InfoField:
    """A line of the agency-details sheet."""

    key: str  # "agency"
    label: str  # "机关名称"
    required: bool = False
    kind: Literal["text", "year", "date"] = "text"
    hint: str = ""


@dataclass(frozen=True)
class TextSection:
    """A text part of the report (preamble, 一, 五, 六)."""

    key: str  # "overview"
    label: str  # how the workbook and messages name it: "一、总体情况"
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class TextFact:
    """A number the report's text states about its tables, e.g. “收到政府信息公开申请70件”.

    The text-versus-table check finds ``phrase`` in a clause of the text, then the
    count next to it (before or after: “行政复议3件”, “3件行政复议”), or ``zero``
    (“未接收到…申请”); the count must equal one of ``readings`` (each a sum of fields).
    A clause matching ``exclude`` is about something else."""

    subject: str  # how messages name it: "收到的政府信息公开申请"
    phrase: str  # a regular expression
    readings: tuple[tuple[str, ...], ...]
    zero: str = ""
    exclude: str = ""
    # (verb, noun) for the count between them: “收到70件申请”.
    around: tuple[str, str] = ()
    unit: str = ""  # the units of its count, a regular expression, when not 件/起/宗/份 (“申请0条”)
    # The clause ``reportgen draft`` writes (``str.format()``-ed with year and the first
    # reading); the clauses of facts with one section and heading make one sentence.
    draft: str = ""  # e.g. "{year}年，本机关收到政府信息公开申请{value}件"
    section: str = ""  # the text section whose drafted paragraph holds ``draft``
    heading: str = ""  # the drafted paragraph's run-in heading


@dataclass(frozen=True)
class Part:
    """One of the report's parts, in order: text or table."""

    heading: str
    text: str = ""  # a TextSection key
    table: str = ""  # a Table key


@dataclass(frozen=True)
class ObsoleteLayout:
    """An earlier layout of the tables, kept only so that a published report still in
    it can be recognised and named (importers); nothing writes it."""

    name: str  # how findings name it: "2019 年试行格式（国办公开办函〔2019〕60号）"
    table_labels: tuple[tuple[str, str], ...]  # (table key, a header or row label only this layout has)
    # (table key, a row label only this layout has): a row that, carrying numbers where the
    # current rows it became are not there, shows the layout (a single （六）其他处理 row)
    rows: tuple[tuple[str, str], ...] = ()
    # The format this layout is (its id in formats.FORMATS): a table printed in this layout is
    # read by that format's table, and only the fields both formats have (same key) are kept.
    format_id: str = ""
    # (table key, row key, the label this layout printed) for a row that is still there under
    # a new label (规范性文件 → 行政规范性文件): read, with a changed-label finding.
    renamed: tuple[tuple[str, str, str], ...] = ()
    # (table key, this layout's row key, the current row keys it was split into): where the old
    # row holds 0 in a column, so do all the new rows (counts are not negative); otherwise the
    # split is not known and they stay blank.
    splits: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class ReportFormat:
    """Everything the toolkit knows about one version of the national format."""

    id: str  # "gov-2021": written into every workbook
    name: str
    first_year: int
    last_year: int | None
    title_pattern: str  # "{agency}{year}年政府信息公开工作年度报告"
    info_fields: tuple[InfoField, ...]
    text_sections: tuple[TextSection, ...]
    parts: tuple[Part, ...]
    tables: tuple[Table, ...]
    fields: tuple[Field, ...]
    sum_rules: tuple[SumRule, ...]
    balance_rules: tuple[BalanceRule, ...]
    # Checks that need more than arithmetic read these, so that a province's
    # variant can change them as data.
    # "" for a format whose reports need not state the fee (the 2019 format: the fee rules,
    # 国办函〔2020〕109号, apply from 2021 on).
    fee_keyword: str = "信息处理费"
    overview_max_chars: int = 1000
    other_share_key: str = ""  # （六）3.其他 total
    results_total_key: str = ""  # （七）总计 total
    other_share_limit: float = 0.2
    # Cross-year checks (this year against last year's report).
    carry_rules: tuple[CarryRule, ...] = ()
    stock_rules: tuple[StockRule, ...] = ()
    repeated_text_key: str = ""  # the text part that must not repeat last year's
    repeated_text_limit: float = 0.9  # similarity from which it is reported
    text_facts: tuple[TextFact, ...] = ()  # numbers the text states about the tables
    obsolete_layouts: tuple[ObsoleteLayout, ...] = ()  # earlier layouts importers recognise
    _by_key: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)
    _rule_by_total: dict[str, SumRule] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({f.key: f for f in self.fields})
        self._rule_by_total.update({r.total: r for r in reversed(self.sum_rules)})  # the first rule wins

    def field(self, key: str) -> Field:
        return self._by_key[key]

    def has_field(self, key: str) -> bool:
        return key in self._by_key

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def table_fields(self, table_key: str) -> Iterator[Field]:
        return (f for f in self.fields if f.table == table_key)

    def sum_rule_for(self, total_key: str) -> SumRule | None:
        return self._rule_by_total.get(total_key)

    def text_section(self, key: str) -> TextSection:
        for section in self.text_sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def title(self, agency: str, year: int | str) -> str:
        return self.title_pattern.format(agency=agency, year=year)

    def applies_to(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)
