"""The raw cells of an .xlsx file: the layer under :mod:`.reader`.

:func:`read_cells` gives every worksheet's cells twice: as typed (formulas as
``"=SUM(…)"``) and as the spreadsheet program last computed them (its stored
results), as ``{sheet: {(row, col): value}}``.  Both come from ONE pass over each
sheet's XML, and a sheet is only parsed when the reader first asks for it (the
instructions sheet never is).  Values are what ``openpyxl.load_workbook(read_only=True)``
gives (``data_only`` False, then True).

By concern: :mod:`.package` opens the package through the zip guard and reads its
parts (workbook, relationships, shared strings, styles); :mod:`.sheet` reads a sheet
with expat; :mod:`.sheet_fast` reads the usual sheet faster and hands anything it is
not sure of to :mod:`.sheet`.  Untrusted input throughout: the declared
``<dimension>`` is ignored, XML with a DOCTYPE or entity declaration is refused, and
anything wrong becomes one plain-Chinese :class:`UnusableInput`.  The file is only
ever opened for reading.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.parsers import expat

from reportgen.data.workbook.package import Cells, Refused, XlsxBook
from reportgen.data.workbook.sheet import SheetParser
from reportgen.data.workbook.sheet_fast import FastSheet, NotSure, sheet_data


def read_cells(path: Path) -> tuple[Mapping[str, Cells], Mapping[str, Cells]]:
    """(formulas, cached) for every worksheet of the workbook at ``path``.

    Both are read-only mappings {sheet name: cells}; a sheet is parsed (once, for
    both) when first looked up.  Raises UnusableInput for a file that is not a
    readable .xlsx workbook, now or when a damaged sheet is looked up."""
    sheets = _Sheets(XlsxBook(Path(path)))
    return _SheetView(sheets, 0), _SheetView(sheets, 1)


def read_sheet(book: XlsxBook, xml: bytes) -> tuple[Cells, Cells]:
    """(formulas, cached) of one sheet part: the fast reader when it is sure, else the expat reader."""
    bounds = sheet_data(xml)
    if bounds is not None:
        try:
            return FastSheet(book).read(xml, *bounds)
        # Not sure, malformed, or a value it cannot read: the expat reader decides (and
        # words a damaged part).  Anything else is a bug of the fast reader and is not hidden.
        except (NotSure, expat.ExpatError, Refused, ValueError, LookupError, ArithmeticError):
            pass
    return SheetParser(book).parse(xml)


class _Sheets:
    """The sheets of one book, each parsed once for both views."""

    def __init__(self, book: XlsxBook) -> None:
        self.book = book
        self.parsed: dict[str, tuple[Cells, Cells]] = {}

    def __getitem__(self, name: str) -> tuple[Cells, Cells]:
        if name not in self.parsed:
            xml = self.book.sheet_part(name)
            with self.book.damaged():
                self.parsed[name] = read_sheet(self.book, xml)
        return self.parsed[name]


class _SheetView(Mapping):
    """One side (formulas or stored results) of a book's sheets."""

    def __init__(self, sheets: _Sheets, side: int) -> None:
        self._sheets, self._side = sheets, side

    def __getitem__(self, name: str) -> Cells:
        return self._sheets[name][self._side]

    def __contains__(self, name: object) -> bool:
        return name in self._sheets.book.sheet_paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._sheets.book.sheet_paths)

    def __len__(self) -> int:
        return len(self._sheets.book.sheet_paths)
