"""The report formats reportgen knows, by id.  A new version or a province's
variant is one more module here that builds a :class:`~reportgen.formats.spec.ReportFormat`."""

from __future__ import annotations

from reportgen.formats.spec import ReportFormat
from reportgen.formats.gov2021 import FORMAT as GOV_2021  # first: it builds the 2019 format on its own labels  # isort: skip
from reportgen.formats.gov2019 import FORMAT as GOV_2019  # isort: skip

FORMATS: dict[str, ReportFormat] = {GOV_2021.id: GOV_2021, GOV_2019.id: GOV_2019}
DEFAULT_FORMAT = GOV_2021


def format_for_year(year: int | None) -> ReportFormat:
    """The format a report of ``year`` is written in (the current one when not known)."""
    if year is not None:
        for fmt in FORMATS.values():
            if fmt.applies_to(year):
                return fmt
    return DEFAULT_FORMAT


def get_format(format_id: str) -> ReportFormat | None:
    """The format with this id, or None when reportgen does not know it."""
    return FORMATS.get(format_id)
