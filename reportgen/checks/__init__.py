"""The checks of FORMAT.md §5, as functions of report data.

Each check is a function of a :class:`CheckContext` that yields findings;
:data:`CHECKS` lists them in the order the console prints them.  Arithmetic checks
read the sum and balance relations from the format definition, so they never
restate a label.

- :mod:`.arithmetic`: sums and the 勾稽 balance
- :mod:`.report`: identity, mandatory text, the fee paragraph, shares
- :mod:`.text_vs_table`: numbers stated in the text against the tables
- :mod:`.crossyear`: this year against last year (with ``previous``)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding
from reportgen.data.model import ReportData
from reportgen.checks.arithmetic import check_balance, check_sums, check_unchecked
from reportgen.checks.base import Check, CheckContext
from reportgen.checks.crossyear import check_cross_year
from reportgen.checks.report import check_identity, check_other_share, check_text
from reportgen.checks.text_vs_table import check_text_vs_tables


@dataclass
class CheckResult(F.FindingCounts):
    """The verdict on one workbook: its data and every finding, reading included."""

    path: Path | None
    data: ReportData
    findings: list[Finding]

    @property
    def can_render(self) -> bool:
        return self.errors == 0


CHECKS: tuple[Check, ...] = (check_identity, check_sums, check_balance, check_unchecked, check_text,
                             check_other_share,
                             check_text_vs_tables, check_cross_year)


def check_report(data: ReportData, previous: ReportData | None = None, today: dt.date | None = None,
                 published: bool = False) -> list[Finding]:
    """Run every check on report data; returns the findings in print order.  ``published``: the
    data was imported from a published report (advice about the report, not a workbook)."""
    context = CheckContext(data, previous, today or dt.date.today(), published)
    return [finding for check in CHECKS for finding in check(context)]


def check_workbook(path: Path | str, previous: ReportData | None = None) -> CheckResult:
    """Read a workbook and check it.  Raises UnusableInput for a file that cannot be read."""
    from reportgen.data.workbook.reader import read_workbook

    read = read_workbook(path)
    return CheckResult(read.path, read.data, read.findings + check_report(read.data, previous))


__all__ = ["CHECKS", "Check", "CheckContext", "CheckResult", "check_report", "check_workbook"]
