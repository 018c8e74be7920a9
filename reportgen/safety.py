"""Writing data into places where it could turn into something else.

A workbook reportgen writes (new-workbook ``--from``, ``fix``, ``distribute``,
``aggregate``, ``import``, annotated copies, status sheets) holds text from
anyone.  openpyxl stores a string that starts with ``=`` as a *formula*, and Excel
runs ``=cmd|' /C calc'!A0``; so every value that comes from data goes through
:func:`write_cell`, which stores text as text, always.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# What Excel and LibreOffice treat as the start of a formula when a user types it;
# stored as text they stay text, but a CSV opened in Excel is re-typed, so CSV
# writers prefix them (see :func:`csv_safe`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_cell(cell: Any, value: Any) -> None:
    """Put ``value`` into an openpyxl cell as a value: numbers as numbers, anything
    else as literal text (never a formula, whatever it starts with)."""
    if value is None or isinstance(value, bool) or isinstance(value, (int, float, Decimal)):
        cell.value = value
        return
    cell.value = str(value)
    cell.data_type = "s"  # openpyxl made it "f" if the text starts with "="


def csv_safe(value: Any) -> str:
    """A value for a CSV file that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
