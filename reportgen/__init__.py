"""reportgen: the 政府信息公开工作年度报告 from a standard Excel workbook.

The stages, each usable on its own::

    from reportgen import read_workbook, check_report, write_workbook
    result = read_workbook("填好的工作簿.xlsx")          # workbook -> report data
    findings = result.findings + check_report(result.data)  # -> findings

The names are imported on first use, so that ``import reportgen`` and the
``reportgen`` command start fast (writing a workbook needs openpyxl, reading does not).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportgen.core.lazy import lazy_exports
from reportgen.core.version import __version__


_LAZY = {
    "CheckResult": "reportgen.checks", "check_report": "reportgen.checks", "check_workbook": "reportgen.checks",
    "UnusableInput": "reportgen.core.errors",
    "CATALOGUE": "reportgen.formats.findings", "Finding": "reportgen.formats.findings", "Location": "reportgen.formats.findings", "Severity": "reportgen.formats.findings",
    "DEFAULT_FORMAT": "reportgen.formats", "FORMATS": "reportgen.formats", "get_format": "reportgen.formats",
    "Paragraph": "reportgen.data.model", "ReportData": "reportgen.data.model",
    "annotate_workbook": "reportgen.data.workbook", "read_workbook": "reportgen.data.workbook", "write_workbook": "reportgen.data.workbook",
}

if TYPE_CHECKING:  # for editors and type checkers
    from reportgen.checks import CheckResult, check_report, check_workbook
    from reportgen.core.errors import UnusableInput
    from reportgen.formats.findings import CATALOGUE, Finding, Location, Severity
    from reportgen.formats import DEFAULT_FORMAT, FORMATS, get_format
    from reportgen.data.model import Paragraph, ReportData
    from reportgen.data.workbook import annotate_workbook, read_workbook, write_workbook


__getattr__ = lazy_exports(__name__, _LAZY, globals())


__all__ = [
    "__version__", "CATALOGUE", "CheckResult", "DEFAULT_FORMAT", "FORMATS", "Finding", "Location", "Paragraph",
    "ReportData", "Severity", "UnusableInput", "annotate_workbook", "check_report", "check_workbook",
    "get_format", "read_workbook", "write_workbook",
]
