"""Auditing many published reports: import and check each (a spawn-safe worker),
then the cross-year checks between consecutive years of one agency.

    from reportgen.collection import collect
    from reportgen.collection.audit import audit_collection
    found = collect(["各单位年报/"], suffixes=AUDIT_SUFFIXES)
    statuses = audit_collection(found, jobs=2)     # one FileStatus per file, input order
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable

from reportgen.collection import (
    ERRORS,
    NOT_WORKBOOK,
    OK,
    UNUSABLE,
    WARNINGS,
    Collected,
    FileStatus,
    internal_error,
    normalise_agency,
    rejected_statuses,
    run_parallel,
)
from reportgen.data.importers import SUFFIXES

# Published reports in any form, and standard workbooks (an agency's own, or one imported before).
AUDIT_SUFFIXES = SUFFIXES + (".xlsx",)


def audit_one(path: Path) -> tuple[FileStatus, dict[str, Any] | None]:
    """Worker: import (or read) one report and check it.  Returns its status and its
    data as JSON (for the cross-year checks), or None when it could not be read."""
    from reportgen.checks import check_report
    from reportgen.core.errors import UnusableInput
    from reportgen.data.model import ReportData

    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from reportgen.data.workbook import read_workbook
            read = read_workbook(path)
            data, findings, form = read.data, read.findings, "工作簿"
        else:
            from reportgen.data.importers import import_report
            result = import_report(path)
            data, findings, form = result.data, result.findings, result.form
    except UnusableInput as exc:
        return FileStatus(path, UNUSABLE, reason=str(exc)), None
    findings = findings + check_report(data)
    status = FileStatus(path, _status(findings), agency=data.agency, year=data.year,
                        title=data.title if data.agency else "", findings=findings, note=form)
    assert isinstance(data, ReportData)
    return status, data.to_json()


def _status(findings) -> str:
    if not findings:
        return OK
    return ERRORS if any(f.is_error for f in findings) else WARNINGS


def _internal(task: tuple, message: str) -> tuple[FileStatus, None]:
    return internal_error(task, message), None


def audit_collection(found: Collected, jobs: int | None = None,
                     progress: Callable[[int, Any], None] | None = None,
                     today: dt.date | None = None) -> list[FileStatus]:
    """Every report found, imported and checked in parallel; consecutive years of one
    agency checked against each other; rejected files listed with their reason."""
    from reportgen.checks.base import CheckContext
    from reportgen.checks.crossyear import check_cross_year
    from reportgen.data.model import ReportData

    results = run_parallel(audit_one, [(p,) for p in found.workbooks], jobs, on_error=_internal,
                           progress=(lambda i, r: progress(i, r[0])) if progress else None)
    statuses = [status for status, _ in results]
    data = {id(status): obj for status, obj in results if obj is not None}
    # Consecutive years of one agency: last year's report is the previous one.
    by_key: dict[tuple[str, int], FileStatus] = {}
    for status in statuses:
        if id(status) in data and status.agency and status.year is not None:
            by_key.setdefault((normalise_agency(status.agency), status.year), status)
    for (agency, year), status in sorted(by_key.items(), key=lambda item: item[0]):
        last = by_key.get((agency, year - 1))
        if last is None:
            continue
        current = ReportData.from_json(data[id(status)], source=str(status.path))
        previous = ReportData.from_json(data[id(last)], source=str(last.path))
        status.findings += list(check_cross_year(CheckContext(current, previous, today or dt.date.today())))
        status.status = _status(status.findings)
        status.note = f"{status.note}；与上年报告 {last.path.name} 比较" if status.note else f"与上年报告 {last.path.name} 比较"
    rejected = rejected_statuses(found)
    for status in rejected:
        if status.status == NOT_WORKBOOK or status.reason:
            status.status = NOT_WORKBOOK
            status.reason = (f"不是可以审查的报告文件（{status.path.suffix or '无扩展名'}）：可以审查网页 .html/.htm、"
                             f"Word .docx、PDF、文本 .txt 和标准工作簿 .xlsx")
    return statuses + rejected
