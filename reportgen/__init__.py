"""reportgen: the 政府信息公开工作年度报告 from a standard Excel workbook.

The stages, each usable on its own::

    from reportgen import read_workbook, check_report, write_workbook
    result = read_workbook("填好的工作簿.xlsx")          # workbook -> report data
    findings = result.findings + check_report(result.data)  # -> findings
"""

__version__ = "0.1.0"

from .checks import CheckResult, check_report, check_workbook  # noqa: E402
from .errors import UnusableInput  # noqa: E402
from .findings import CATALOGUE, Finding, Location, Severity  # noqa: E402
from .formats import DEFAULT_FORMAT, FORMATS, get_format  # noqa: E402
from .model import Paragraph, ReportData  # noqa: E402
from .workbook import annotate_workbook, read_workbook, write_workbook  # noqa: E402

__all__ = [
    "CATALOGUE", "CheckResult", "DEFAULT_FORMAT", "FORMATS", "Finding", "Location", "Paragraph",
    "ReportData", "Severity", "UnusableInput", "annotate_workbook", "check_report", "check_workbook",
    "get_format", "read_workbook", "write_workbook",
]
