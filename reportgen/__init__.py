"""reportgen: the 政府信息公开工作年度报告 from a standard Excel workbook.

The stages, each usable on its own::

    from reportgen import read_workbook, check_report, write_workbook
    result = read_workbook("填好的工作簿.xlsx")          # workbook -> report data
    findings = result.findings + check_report(result.data)  # -> findings

The names are imported on first use, so that ``import reportgen`` and the
``reportgen`` command start fast (writing a workbook needs openpyxl, reading does not).
"""

from __future__ import annotations

from ._lazy import lazy_exports
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_LAZY = {
    "CheckResult": ".checks", "check_report": ".checks", "check_workbook": ".checks",
    "UnusableInput": ".errors",
    "CATALOGUE": ".findings", "Finding": ".findings", "Location": ".findings", "Severity": ".findings",
    "DEFAULT_FORMAT": ".formats", "FORMATS": ".formats", "get_format": ".formats",
    "Paragraph": ".model", "ReportData": ".model",
    "annotate_workbook": ".workbook", "read_workbook": ".workbook", "write_workbook": ".workbook",
}

if TYPE_CHECKING:  # for editors and type checkers
    from .checks import CheckResult, check_report, check_workbook
    from .errors import UnusableInput
    from .findings import CATALOGUE, Finding, Location, Severity
    from .formats import DEFAULT_FORMAT, FORMATS, get_format
    from .model import Paragraph, ReportData
    from .workbook import annotate_workbook, read_workbook, write_workbook


__getattr__ = lazy_exports(__name__, _LAZY, globals())


__all__ = [
    "CATALOGUE", "CheckResult", "DEFAULT_FORMAT", "FORMATS", "Finding", "Location", "Paragraph",
    "ReportData", "Severity", "UnusableInput", "annotate_workbook", "check_report", "check_workbook",
    "get_format", "read_workbook", "write_workbook",
]
