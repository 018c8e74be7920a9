"""What every check receives, and the small helpers that name a field's place."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable

from reportgen.formats.findings import Finding, Location
from reportgen.data.model import ReportData


@dataclass
class CheckContext:
    data: ReportData
    previous: ReportData | None = None  # last year's report, for the cross-year rules
    today: dt.date | None = None
    # The data was imported from a published report (``audit``): a message's advice is about
    # that report, not about a workbook a clerk fills (the ``advice`` parameter of a message).
    published: bool = False


Check = Callable[[CheckContext], Iterable[Finding]]


def field_location(data: ReportData, key: str) -> Location:
    """The location of a value field: sheet, cell, row and column labels."""
    return Location.of(data.format.field(key))


def field_cell(data: ReportData, key: str) -> str:
    return data.format.field(key).cell
