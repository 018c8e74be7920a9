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
    INTERNAL,
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

# The verdict on each published report, in the order they are printed and counted.  A doubt
# about reading the report (digits that ran together) is not a fault of the report.
FAULTS, DOUBTS, UNREADABLE, NO_FAULT = "有错误", "需对照原文核对", "无法读取", "未发现错误"
NOT_A_REPORT = "不是报告"
VERDICTS = (FAULTS, DOUBTS, UNREADABLE, NO_FAULT)


# The note of a status read from a standard workbook (not imported from a published report).
WORKBOOK_FORM = "工作簿"


def _published(status: FileStatus) -> bool:
    """Whether the report was imported from a published page or document (its messages then
    advise on the report, not on a workbook a clerk fills)."""
    return not (status.note or "").startswith(WORKBOOK_FORM)


def verdict_of(status: FileStatus) -> str:
    if status.status == NOT_WORKBOOK:
        return NOT_A_REPORT
    if status.status in (UNUSABLE, INTERNAL):
        return UNREADABLE
    if status.faults:
        return FAULTS
    return DOUBTS if status.doubts else NO_FAULT


def verdict_counts(statuses: list[FileStatus]) -> dict[str, int]:
    """How many reports got each verdict (and how many files were not reports): the one
    tally the console, ``--json`` and the summary all print."""
    tally = {v: 0 for v in VERDICTS + (NOT_A_REPORT,)}
    for s in statuses:
        tally[s.verdict or verdict_of(s)] += 1
    return tally


def audit_one(path: Path) -> tuple[FileStatus, dict[str, Any] | None]:
    """Worker: import (or read) one report and check it.  Returns its status and its
    data as JSON (for the cross-year checks), or None when it could not be read."""
    from reportgen.checks import check_report
    from reportgen.checks.doubts import settle_doubts
    from reportgen.core.errors import UnusableInput
    from reportgen.data.model import ReportData

    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from reportgen.data.workbook import read_workbook
            read = read_workbook(path)
            data, findings, form = read.data, read.findings, WORKBOOK_FORM
        else:
            from reportgen.data.importers import import_report
            result = import_report(path)
            data, form = result.data, result.form
            findings = settle_doubts(data, result.findings)
    except UnusableInput as exc:
        return FileStatus(path, UNUSABLE, reason=str(exc), verdict=UNREADABLE), None
    findings = findings + check_report(data, published=form != WORKBOOK_FORM)
    status = FileStatus(path, _status(findings), agency=data.agency, year=data.year,
                        title=data.title if data.agency else "", findings=findings, note=form)
    status.verdict = verdict_of(status)  # (the progress line shows it; settled again after pairing)
    assert isinstance(data, ReportData)
    return status, data.to_json()


def _status(findings) -> str:
    """ERRORS only for a fault of the report; doubts about reading it are like 提醒 here
    (the verdict 需对照原文核对 tells them apart)."""
    if not findings:
        return OK
    return ERRORS if any(f.is_error and not f.is_doubt for f in findings) else WARNINGS


def _internal(task: tuple, message: str) -> tuple[FileStatus, None]:
    return internal_error(task, message), None


class Accepted:
    """The workbooks an office accepted (``audit --against``), found by agency and year."""

    def __init__(self, where: str, workbooks: list[tuple[str, Any]]) -> None:
        self.where = where  # how the console named them
        self.workbooks = workbooks  # (file name, ReportData)
        self.by_key = {(normalise_agency(d.agency), d.year): (name, d) for name, d in workbooks}

    def compare(self, published, single: bool) -> list:
        """The differences between a published report and its accepted workbook; with one
        report and one workbook they are compared whatever their titles say."""
        from reportgen.checks.against import compare_published
        from reportgen.formats import findings as F
        from reportgen.formats.findings import Location

        match = self.workbooks[0] if single and len(self.workbooks) == 1 else \
            self.by_key.get((normalise_agency(published.agency), published.year))
        if match is None:
            return [F.make("against-missing", Location("报告"), value=self.where,
                           expected=f"{published.agency or '（未找到机关名称）'}{published.year or ''}年度")]
        name, data = match
        return list(compare_published(published, data, name))


MAX_SETTLING_ROUNDS = 4  # a settled cell may settle one in the next or previous year: a few rounds


def _settle_across_years(by_key: dict[tuple[str, int], FileStatus], reports: dict) -> None:
    """Cells one report left open (digits that ran together), settled by the agency's
    reports of the year before and after (现行有效 and 结转 chains); a report whose cells
    changed is checked again."""
    from reportgen.checks import check_report
    from reportgen.checks.doubts import settle_doubts

    for _ in range(MAX_SETTLING_ROUNDS):
        changed = False
        for (agency, year), status in sorted(by_key.items(), key=lambda item: item[0]):
            current = reports[(agency, year)]
            previous, following = reports.get((agency, year - 1)), reports.get((agency, year + 1))
            if not current.doubts or (previous is None and following is None):
                continue
            before = [dict(d) for d in current.doubts]
            imported = [f for f in status.findings if f.code.startswith("import-")]
            findings = settle_doubts(current, imported, previous, following)
            if current.doubts != before:
                status.findings = findings + check_report(current, published=_published(status))
                status.status = _status(status.findings)
                changed = True
        if not changed:
            return


def audit_collection(found: Collected, jobs: int | None = None,
                     progress: Callable[[int, Any], None] | None = None,
                     today: dt.date | None = None, accepted: Accepted | None = None) -> list[FileStatus]:
    """Every report found, imported and checked in parallel; consecutive years of one
    agency checked against each other; rejected files listed with their reason.
    ``accepted``: the workbooks the offices accepted, each report compared with its own."""
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
    read = {id(status): ReportData.from_json(data[id(status)], source=str(status.path))
            for status in statuses if id(status) in data}
    reports = {key: read[id(status)] for key, status in by_key.items()}
    _settle_across_years(by_key, reports)
    if accepted is not None:
        for status in statuses:
            if id(status) in read:
                status.findings += accepted.compare(read[id(status)], single=len(read) == 1)
                status.status = _status(status.findings)
    for status in statuses:  # the numbers as finally read (cells settled by other years included)
        if id(status) in read:
            status.values = dict(read[id(status)].values)
    for (agency, year), status in sorted(by_key.items(), key=lambda item: item[0]):
        last = by_key.get((agency, year - 1))
        if last is None:
            continue
        current, previous = reports[(agency, year)], reports[(agency, year - 1)]
        context = CheckContext(current, previous, today or dt.date.today(), published=_published(status))
        status.findings += list(check_cross_year(context))
        status.status = _status(status.findings)
        status.note = f"{status.note}；与上年报告 {last.path.name} 比较" if status.note else f"与上年报告 {last.path.name} 比较"
    rejected = rejected_statuses(found)
    for status in rejected:
        if status.status == NOT_WORKBOOK or status.reason:
            status.status = NOT_WORKBOOK
            status.reason = (f"不是可以审查的报告文件（{status.path.suffix or '无扩展名'}）：可以审查网页 .html/.htm、"
                             f"Word .docx、PDF、文本 .txt 和标准工作簿 .xlsx")
    everything = statuses + rejected
    for status in everything:
        status.verdict = verdict_of(status)
    return everything
