"""The report formats reportgen knows, by id.  A new version or a province's
variant is one more module here that builds a :class:`~reportgen.formats.spec.ReportFormat`."""

from __future__ import annotations

from reportgen.formats.spec import ReportFormat
from reportgen.formats.gov2021 import FORMAT as GOV_2021

FORMATS: dict[str, ReportFormat] = {GOV_2021.id: GOV_2021}
DEFAULT_FORMAT = GOV_2021


def get_format(format_id: str) -> ReportFormat | None:
    """The format with this id, or None when reportgen does not know it."""
    return FORMATS.get(format_id)
