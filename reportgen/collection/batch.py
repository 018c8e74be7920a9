"""Checking a collection of workbooks, and what only the collection shows.

Every command that takes many workbooks (``check``, ``render``, ``aggregate``) goes through here::

    from reportgen.collection import collect, check_collection
    found = collect(["收回的工作簿", "补交/*.xlsx"])      # files, folders (recursive), globs
    statuses = check_collection(found, jobs=4)          # one FileStatus per file, input order

- :func:`check_collection` applies the batch's rules (:mod:`reportgen.collection.rules`):
  the same agency twice and a year other than the collection's are not used; a roster's
  agencies that sent nothing are 未交.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from reportgen.collection.files import Collected
from reportgen.collection.pool import run_parallel
from reportgen.collection.status import OK, UNUSABLE, FileStatus, INTERNAL, status_of_check
from reportgen.formats.findings import Finding

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
                     progress: Callable[[int, Any], None] | None = None, keep_values: bool = False, *,
                     use: Iterable[Path] = (), roster=None) -> list[FileStatus]:
    """Check every workbook found; one :class:`FileStatus` per file (rejected ones too),
    in collection order, with the batch's rules applied (:func:`~reportgen.collection.rules.judge_batch`:
    duplicates, another year, and with a ``roster`` a 未交 status per agency that sent nothing).

    ``previous``: last year's workbook (one file) or last year's workbooks by agency
    (:func:`index_by_agency`); ``year``: the collection's year (default: the most common);
    ``use``: the workbooks the office chose (``--use``, :func:`~reportgen.collection.rules.resolve_use`);
    ``keep_values``: each status carries the workbook's numbers (for sums).
    """
    from reportgen.collection.rules import judge_batch

    tasks = [(path, previous, keep_values) for path in found.workbooks]
    statuses = run_parallel(check_one, tasks, jobs, on_error=internal_error, progress=progress,
                            task_seconds=CHECK_SECONDS)
    return judge_batch(statuses + rejected_statuses(found), year, use, roster)


def rejected_statuses(found: Collected) -> list[FileStatus]:
    return [FileStatus(path, status, reason=reason) for path, status, reason in found.rejected]
