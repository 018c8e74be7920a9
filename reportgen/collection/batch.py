"""Checking a collection of workbooks, and what only the collection shows.

Every command that takes many workbooks (``check``, ``render``, ``aggregate``) goes through here::

    from reportgen.collection import collect, check_collection
    found = collect(["收回的工作簿", "补交/*.xlsx"])      # files, folders (recursive), globs
    statuses = check_collection(found, jobs=4)          # one FileStatus per file, input order

- :func:`collection_findings` adds what only the collection shows: the same agency
  twice, a year other than the collection's.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Callable, Sequence

from reportgen.collection.files import Collected
from reportgen.collection.pool import run_parallel
from reportgen.collection.status import (ERRORS, OK, UNUSABLE, WARNINGS, FileStatus, INTERNAL,
                                         refresh_status, status_of_check)
from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location

# --------------------------------------------------------------------------- checking
# Roughly what one workbook costs (benchmarks/README.md), to decide whether workers pay off.
CHECK_SECONDS = 0.01
RENDER_SECONDS = 0.015


def check_one(path: Path, previous: "Path | dict[str, Path] | None" = None, keep_values: bool = False) -> FileStatus:
    """Worker: read and check one workbook; with last year's workbook (a path, or
    last year's paths by agency, matched here once this year's agency is read)."""
    status, data = _checked(Path(path), previous)
    if keep_values and data is not None:
        status.values = dict(data.values)
    return status


def _checked(path: Path, previous: "Path | dict[str, Path] | None") -> "tuple[FileStatus, Any]":
    """(status, report data) of one workbook read and checked; data None when unreadable."""
    from reportgen.checks import CheckResult, check_report
    from reportgen.core.errors import UnusableInput
    from reportgen.data.workbook import read_workbook

    try:
        read = read_workbook(path)
    except UnusableInput as exc:
        return FileStatus(path, UNUSABLE, reason=str(exc)), None
    if isinstance(previous, dict):
        previous = previous.get(normalise_agency(read.data.agency))
    last = None
    if previous is not None:
        try:
            last = read_workbook(previous).data
        except UnusableInput:
            last = None  # an unreadable last-year file only means no cross-year checks
    result = CheckResult(read.path, read.data, read.findings + check_report(read.data, last))
    status = status_of_check(path, result)
    if previous is not None:
        status.note = f"与上年 {Path(previous).name} 比较" if last is not None else f"上年 {Path(previous).name} 无法读取，未比较"
    return status, read.data


def identify_one(path: Path) -> FileStatus:
    """Worker: who and which year a workbook is for (for matching last year's by agency)."""
    from reportgen.core.errors import UnusableInput
    from reportgen.data.workbook import read_workbook

    path = Path(path)
    try:
        data = read_workbook(path).data
    except UnusableInput as exc:
        return FileStatus(path, UNUSABLE, reason=str(exc))
    return FileStatus(path, OK, agency=data.agency, year=data.year)


def annotate_one(source: Path, target: Path, findings: list[Finding]) -> bool:
    """Worker: an annotated copy of one workbook (``annotate_workbook``)."""
    from reportgen.data.workbook import annotate_workbook

    annotate_workbook(source, target, findings)
    return True


def internal_error(task: tuple, message: str) -> FileStatus:
    """``on_error`` for workers whose first argument is the file: the failure becomes its status."""
    return FileStatus(Path(task[0]), INTERNAL, reason=message)


def index_by_agency(paths: Sequence[Path], jobs: int | None = None) -> dict[str, Path]:
    """Last year's workbooks by agency name (the first one of a name wins)."""
    statuses = run_parallel(identify_one, [(p,) for p in paths], jobs, on_error=internal_error)
    index: dict[str, Path] = {}
    for status in statuses:
        if status.agency:
            index.setdefault(normalise_agency(status.agency), status.path)
    return index


def normalise_agency(name: str) -> str:
    """Agency names compare without spaces (full- or half-width)."""
    return "".join(name.split()).replace("\u3000", "")


def check_collection(found: Collected, jobs: int | None = None, year: int | None = None,
                     previous: dict[str, Path] | Path | None = None,
                     progress: Callable[[int, Any], None] | None = None, keep_values: bool = False
                     ) -> list[FileStatus]:
    """Check every workbook found; one :class:`FileStatus` per file (rejected ones too),
    in collection order, with the collection findings added.

    ``previous``: last year's workbook (one file) or last year's workbooks by agency
    (:func:`index_by_agency`); ``year``: the collection's year (default: the most common);
    ``keep_values``: each status carries the workbook's numbers (for sums).
    """
    tasks = [(path, previous, keep_values) for path in found.workbooks]
    statuses = run_parallel(check_one, tasks, jobs, on_error=internal_error, progress=progress,
                            task_seconds=CHECK_SECONDS)
    for finding_status, finding in collection_findings(statuses, year):
        finding_status.findings.append(finding)
        refresh_status(finding_status)
    return statuses + rejected_statuses(found)


# --------------------------------------------------------------------------- across the collection
def collection_year(statuses: Sequence[FileStatus], year: int | None = None) -> int | None:
    """The collection's year: ``year`` if given, else the most common (the latest on a tie)."""
    if year is not None:
        return year
    years = Counter(s.year for s in statuses if s.year is not None)
    if not years:
        return None
    top = max(years.values())
    return max(y for y, n in years.items() if n == top)


def collection_findings(statuses: Sequence[FileStatus], year: int | None = None
                        ) -> list[tuple[FileStatus, Finding]]:
    """Findings only the collection shows: the same agency in two files; a year other
    than the collection's.  Each is attached to the file it is about, naming the others."""
    from reportgen.formats import DEFAULT_FORMAT
    from reportgen.data.workbook.layout import INFO_SHEET, info_cell

    fmt = DEFAULT_FORMAT
    out: list[tuple[FileStatus, Finding]] = []
    readable = [s for s in statuses if s.agency or s.year is not None]
    by_agency: dict[str, list[FileStatus]] = {}
    for status in readable:
        if status.agency:
            by_agency.setdefault(normalise_agency(status.agency), []).append(status)
    agency_at = Location(INFO_SHEET, info_cell(fmt, "agency"), _info_label(fmt, "agency"))
    for same in by_agency.values():
        if len(same) < 2:
            continue
        for status in same:
            others = "、".join(str(o.path.name) for o in same if o is not status)
            out.append((status, F.make("collection-duplicate-agency", agency_at, value=status.agency,
                                       others=others, count=len(same))))
    expected = collection_year(statuses, year)
    year_at = Location(INFO_SHEET, info_cell(fmt, "year"), _info_label(fmt, "year"))
    if expected is not None:
        for status in readable:
            if status.year is not None and status.year != expected:
                out.append((status, F.make("collection-other-year", year_at, value=status.year,
                                           expected=expected)))
    return out


def _info_label(fmt, key: str) -> str:
    return next(i.label for i in fmt.info_fields if i.key == key)


def rejected_statuses(found: Collected) -> list[FileStatus]:
    return [FileStatus(path, status, reason=reason) for path, status, reason in found.rejected]
