"""A collection of workbooks: find them, work on them in parallel, judge them together.

Every command that takes many workbooks (``check``, ``render``, ``aggregate``,
``audit``) goes through here::

    from reportgen.collection import collect, check_collection
    found = collect(["收回的工作簿", "补交/*.xlsx"])      # files, folders (recursive), globs
    statuses = check_collection(found, jobs=4)          # one FileStatus per file, input order

- :func:`collect` accounts for every file it finds: usable ones, the others with the
  reason (``.xls`` → 请另存为 .xlsx), and how many lock/hidden files it ignored.
- :func:`run_parallel` runs a module-level function over items in *spawn* worker
  processes (Windows has no fork); results come back in completion order and are
  returned in input order; an exception in one item becomes that item's result.
- :func:`collection_findings` adds what only the collection shows: the same agency
  twice, a year other than the collection's.
"""

from __future__ import annotations

import glob
import os
import re
import sys
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from . import findings as F
from .findings import Finding, Location

WORKBOOK_SUFFIXES = (".xlsx",)
# Spreadsheet files a clerk may send that reportgen cannot read: they must be re-saved.
RESAVE_SUFFIXES = (".xls", ".xlsm", ".xlsb", ".ods", ".et", ".ett", ".csv")
GLOB_CHARS = ("*", "?", "[")

# What happened to one file; the order is the order a collection is printed in
# (the files that need action first).
UNUSABLE = "unusable"  # 无法读取: damaged, not our workbook, protected
NOT_XLSX = "not-xlsx"  # 请另存为 .xlsx
INTERNAL = "internal"  # reportgen failed on it (a bug): said, never hides the others
ERRORS = "errors"  # 有错误
RENDER_FAILED = "render-failed"  # checked fine, rendering failed
WARNINGS = "warnings"  # 可以生成, with 提醒
OK = "ok"  # 可以生成
NOT_WORKBOOK = "not-workbook"  # a stray file in the folder: listed, changes nothing
STATUS_ORDER = (UNUSABLE, NOT_XLSX, INTERNAL, ERRORS, RENDER_FAILED, WARNINGS, OK, NOT_WORKBOOK)
STATUS_LABELS = {
    UNUSABLE: "无法读取", NOT_XLSX: "需另存为 .xlsx", INTERNAL: "内部错误", ERRORS: "有错误",
    RENDER_FAILED: "生成失败", WARNINGS: "可以生成", OK: "可以生成", NOT_WORKBOOK: "不是工作簿",
}
NEEDS_ACTION = (UNUSABLE, NOT_XLSX, INTERNAL, ERRORS, RENDER_FAILED)


# --------------------------------------------------------------------------- finding files
@dataclass
class Collected:
    """Every file the inputs named, accounted for."""

    workbooks: list[Path] = field(default_factory=list)  # to be read, in a deterministic order
    rejected: list[tuple[Path, str, str]] = field(default_factory=list)  # (path, status, reason)
    ignored: int = 0  # Excel's ~$ lock files and hidden files
    missing: list[str] = field(default_factory=list)  # inputs that name nothing

    @property
    def total(self) -> int:
        return len(self.workbooks) + len(self.rejected)


def collect(inputs: Iterable[str | Path], suffixes: Sequence[str] = WORKBOOK_SUFFIXES) -> Collected:
    """Expand files, folders (recursively) and globs (``*.xlsx``, expanded here so that
    Windows cmd works) into the files they name.

    A file with one of ``suffixes`` is a workbook to read; ``.xls``/``.ods``/``.et``…
    are listed as needing re-saving, other files as not workbooks; ``~$`` lock files
    and hidden files are counted and left out.  A file named twice counts once.
    Folders are walked in sorted order, so the result never depends on the disk.
    """
    found = Collected()
    seen: set[str] = set()
    suffixes = tuple(s.lower() for s in suffixes)

    def add(path: Path, explicit: bool) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            return
        seen.add(key)
        name = path.name
        if name.startswith("~$") or (name.startswith(".") and not explicit):
            found.ignored += 1
            return
        suffix = path.suffix.lower()
        if suffix in suffixes:
            found.workbooks.append(path)
        elif suffix in RESAVE_SUFFIXES:
            found.rejected.append((path, NOT_XLSX, f"是 {suffix} 文件，reportgen 只读 .xlsx：请用 Excel 或 WPS 打开，"
                                                   f"另存为 .xlsx（Excel 工作簿）后再交"))
        else:
            found.rejected.append((path, NOT_WORKBOOK, "不是工作簿"))

    for raw in inputs:
        text = str(raw)
        path = Path(text)
        if path.is_dir():
            for child in _walk(path):
                add(child, explicit=False)
        elif path.is_file():
            add(path, explicit=True)
        elif any(ch in text for ch in GLOB_CHARS):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                found.missing.append(text)
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    for child in _walk(match_path):
                        add(child, explicit=False)
                elif match_path.is_file():
                    add(match_path, explicit=False)
        else:
            found.missing.append(text)
    return found


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder``, sorted by their path relative to it; hidden folders skipped."""
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [Path(root) / n for n in names]
    return sorted(files, key=lambda p: p.relative_to(folder).parts)


# --------------------------------------------------------------------------- one file's outcome
@dataclass
class FileStatus(F.FindingCounts):
    """What happened to one file: small and picklable (it crosses process boundaries)."""

    path: Path
    status: str
    reason: str = ""  # why it could not be used
    agency: str = ""
    year: int | None = None
    title: str = ""
    findings: list[Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)  # reports written (render)
    note: str = ""  # e.g. why an output name differs from the title
    renamed: bool = False  # its reports are not named after its title (another report has that name)
    values: dict[str, Any] | None = None  # the workbook's numbers, when asked for (aggregate)

    @property
    def can_render(self) -> bool:
        """Checked without 错误 (whether or not rendering then worked)."""
        return self.status in (WARNINGS, OK, RENDER_FAILED)

    @property
    def label(self) -> str:
        return "已生成" if self.outputs and self.status in (OK, WARNINGS) else STATUS_LABELS[self.status]

    @property
    def needs_action(self) -> bool:
        return self.status in NEEDS_ACTION

    def first_findings(self, n: int = 3) -> str:
        """The first findings (errors first) in words, for the status sheet and lists."""
        if self.reason:
            return self.reason
        ordered = sorted(self.findings, key=lambda f: not f.is_error)[:n]
        text = "；".join(str(f) for f in ordered)
        more = len(self.findings) - len(ordered)
        return text + (f"；……共 {len(self.findings)} 处" if more > 0 else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path), "status": self.status, "status_label": self.label,
            "usable": self.status in (ERRORS, WARNINGS, OK, RENDER_FAILED),
            "reason": self.reason or None, "agency": self.agency or None, "year": self.year,
            "title": self.title or None, "can_render": self.can_render,
            "errors": self.errors, "warnings": self.warnings, "exit_code": self.exit_code,
            "findings": [f.to_json() for f in self.findings],
            "outputs": [str(p) for p in self.outputs], "note": self.note or None,
        }

    @property
    def exit_code(self) -> int:
        if self.status in (UNUSABLE, NOT_XLSX):
            return 2
        if self.status == INTERNAL:
            return 3
        if self.status in (ERRORS, RENDER_FAILED):
            return 1
        return 0


def status_of_check(path: Path, result) -> FileStatus:
    """A FileStatus from a :class:`~reportgen.checks.CheckResult`."""
    data = result.data
    return FileStatus(path, OK if not result.findings else (WARNINGS if result.can_render else ERRORS),
                      agency=data.agency, year=data.year, title=data.title if data.agency else "",
                      findings=list(result.findings))


def rejected_statuses(found: Collected) -> list[FileStatus]:
    return [FileStatus(path, status, reason=reason) for path, status, reason in found.rejected]


def sort_for_action(statuses: list[FileStatus]) -> list[FileStatus]:
    """The files that need action first (stable: input order within a status)."""
    return sorted(statuses, key=lambda s: STATUS_ORDER.index(s.status))


def refresh_status(status: FileStatus) -> None:
    """After findings were added: OK becomes WARNINGS (collection findings are 提醒)."""
    if status.status == OK and status.findings:
        status.status = WARNINGS


# --------------------------------------------------------------------------- parallel work
MIN_TASKS_FOR_WORKERS = 8
# What starting worker processes costs (spawn, imports, a template's first use), in
# seconds: a collection uses workers only when they win that back.
WORKER_START_SECONDS = 0.4


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_parallel(worker: Callable[..., Any], tasks: Sequence[tuple], jobs: int | None = None,
                 on_error: Callable[[tuple, str], Any] | None = None,
                 progress: Callable[[int, Any], None] | None = None,
                 time_limit: float | None = None, task_seconds: float | None = None) -> list[Any]:
    """``[worker(*task) for task in tasks]``, in ``jobs`` spawn worker processes.

    ``worker`` must be a module-level function (spawn pickles it by name).  Results
    arrive in completion order (``progress(index, result)`` is called for each) and
    are returned in task order.  An exception in one task — even a crashed worker
    process — becomes ``on_error(task, message)`` for that task; the others go on.
    With ``jobs == 1``, or fewer than :data:`MIN_TASKS_FOR_WORKERS` tasks, everything
    runs in this process: starting worker processes costs more than a few files.  With
    ``task_seconds`` (what one task roughly takes), also when the workers would not
    win back their start-up (:data:`WORKER_START_SECONDS`).

    In worker processes, a task still running after ``time_limit`` seconds (default
    ``limits.max_file_seconds``) is stopped — its worker is ended — and becomes
    ``on_error`` with a message that names the limit; the others go on.  In this
    process nothing can stop a task from outside; the template sandbox's own time
    limit still applies there.
    """
    from .limits import LIMITS

    jobs = max(1, jobs or default_jobs())
    time_limit = LIMITS.max_file_seconds if time_limit is None else time_limit
    results: list[Any] = [None] * len(tasks)

    def failed(task: tuple, exc: BaseException) -> Any:
        message = describe_failure(exc)
        if os.environ.get("REPORTGEN_DEBUG"):
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        if on_error is None:
            raise exc
        return on_error(task, message)

    saved = len(tasks) * (task_seconds or 0) * (1 - 1 / jobs)  # by sharing the tasks among jobs processes
    if jobs == 1 or len(tasks) < MIN_TASKS_FOR_WORKERS or (task_seconds and saved < WORKER_START_SECONDS):
        for i, task in enumerate(tasks):
            try:
                results[i] = worker(*task)
            except Exception as exc:  # one bad file never stops the others
                results[i] = failed(task, exc)
            if progress:
                progress(i, results[i])
        return results

    import multiprocessing

    context = multiprocessing.get_context("spawn")

    def record(i: int, result: Any, exc: BaseException | None) -> None:
        results[i] = failed(tasks[i], exc) if exc is not None else result
        if progress:
            progress(i, results[i])

    def run_round(indices: list[int], workers: int) -> list[int]:
        return _pool_round(worker, tasks, indices, workers, context, record, time_limit)

    lost = run_round(list(range(len(tasks))), min(jobs, len(tasks)))
    while lost:
        # A worker process died (a crash, out of memory): every unfinished task was lost
        # with it.  The one that killed it was among the first ones in flight, so those
        # run alone, one pool each; the rest go on in a fresh pool.
        head, lost = lost[: jobs + 1], lost[jobs + 1:]
        died = [i for i in head if run_round([i], 1)]
        for i in died:
            record(i, None, WorkerDied("处理这个文件时工作进程意外退出（可能是内存不足）"))
        if len(died) == len(head) > 1:
            # Not one file's fault: worker processes cannot run here at all.
            for i in lost:
                record(i, None, WorkerDied("工作进程无法启动；请加 --jobs 1 在一个进程中处理"))
            break
        if lost:
            lost = run_round(lost, min(jobs, len(lost)))
    return results


# Allocations (less frees) between two runs of Python's cycle collector in a worker.
# A report allocates and frees tens of thousands of objects and leaves no garbage
# cycles to speak of: at Python's default (700) the collector ran five times a report,
# 0.2-0.4 ms of its 13 (benchmarks/README.md).
WORKER_GC_THRESHOLD = 20_000


def start_worker() -> None:
    """What each worker process of a collection does first (the pool's initializer)."""
    import gc

    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


class WorkerDied(Exception):
    """A worker process ended without a result (the file it was working on is named)."""


class FileTimedOut(Exception):
    """A task ran past the collection's per-file time limit and its worker was ended."""


def _pool_round(worker: Callable[..., Any], tasks: Sequence[tuple], indices: list[int], workers: int, context,
                record: Callable[[int, Any, BaseException | None], None], time_limit: float) -> list[int]:
    """Run ``tasks[i]`` for ``i`` in ``indices`` in one spawn pool, recording each result
    or exception as it completes; returns the indices lost to a broken pool.

    A task running longer than ``time_limit`` is recorded as :class:`FileTimedOut` and
    the pool's processes are ended; the other tasks in flight are then lost with the
    pool and run again by the caller."""
    import time
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    lost: list[int] = []
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker)
    waiting = list(reversed(indices))  # not yet submitted, next last
    in_flight: dict[Any, int] = {}  # future -> task index
    started: dict[Any, float] = {}  # when a future was first seen running
    timed_out: set[Any] = set()
    broken = False

    def top_up() -> bool:
        """Submit tasks until a few per worker are in flight (not all: waiting on and
        polling hundreds of futures costs this process CPU the workers need); False
        when the pool has broken."""
        while waiting and len(in_flight) < 2 * workers + 2:
            try:
                future = pool.submit(worker, *tasks[waiting[-1]])
            except BrokenProcessPool:
                return False
            in_flight[future] = waiting.pop()
        return True

    try:
        while True:
            if not broken and not top_up():
                broken = True
            if broken:  # no more tasks go to this pool: the caller runs them again
                lost.extend(reversed(waiting))
                waiting.clear()
            if not in_flight:
                break
            done, _ = wait(in_flight, timeout=1.0, return_when=FIRST_COMPLETED)
            now = time.monotonic()
            for future in done:
                i = in_flight.pop(future)
                if future in timed_out:
                    continue
                try:
                    result = future.result()
                except BrokenProcessPool:
                    lost.append(i)
                    broken = True
                    continue
                except Exception as exc:  # one bad file never stops the others
                    record(i, None, exc)
                    continue
                record(i, result, None)
            for future in in_flight:
                if future.running():
                    started.setdefault(future, now)
            stuck = [f for f in in_flight if f not in timed_out and now - started.get(f, now) > time_limit]
            if stuck:
                for future in stuck:
                    timed_out.add(future)
                    record(in_flight[future], None, FileTimedOut(
                        f"处理这个文件超过 {time_limit:g} 秒，已停止（其他文件不受影响）"))
                # A running task cannot be cancelled: end the pool's processes; the
                # other tasks in flight come back as lost and are run again.
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()
                broken = True
    except BaseException:  # Ctrl-C or a caller's error: do not wait for hundreds of queued files
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return sorted(lost)


class Progress:
    """Progress on stderr: a bar on a terminal, one plain line per file otherwise
    (a log or a CI job).  Use as ``progress=`` of :func:`run_parallel`."""

    def __init__(self, total: int, label: str, paths: Sequence[Path], enabled: bool = True) -> None:
        import click

        self.total, self.done, self.paths = total, 0, paths
        self.enabled = enabled and total > 1
        self.bar = None
        if self.enabled and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()

    def __call__(self, index: int, result: Any) -> None:
        import click

        self.done += 1
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(1)
        else:
            label = getattr(result, "label", "")
            click.echo(f"[{self.done}/{self.total}] {self.paths[index]}：{label}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


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
    from .checks import CheckResult, check_report
    from .errors import UnusableInput
    from .workbook import read_workbook

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
    from .errors import UnusableInput
    from .workbook import read_workbook

    path = Path(path)
    try:
        data = read_workbook(path).data
    except UnusableInput as exc:
        return FileStatus(path, UNUSABLE, reason=str(exc))
    return FileStatus(path, OK, agency=data.agency, year=data.year)


def annotate_one(source: Path, target: Path, findings: list[Finding]) -> bool:
    """Worker: an annotated copy of one workbook (``annotate_workbook``)."""
    from .workbook import annotate_workbook

    annotate_workbook(source, target, findings)
    return True


def unique_names(stems: Sequence[str]) -> list[str]:
    """The stems made distinct, in order: a repeated one gets （2）, （3）… (case-insensitively,
    as Windows compares file names)."""
    used: set[str] = set()
    out = []
    for stem in stems:
        name, n = stem, 1
        while name.casefold() in used:
            n += 1
            name = f"{stem}（{n}）"
        used.add(name.casefold())
        out.append(name)
    return out


WORKER_FRAME = re.compile(r'File "([^"]*reportgen[^"]*)", line (\d+)')


def describe_failure(exc: BaseException) -> str:
    """An exception from a worker as one plain-Chinese sentence, without class names:
    reportgen's own refusals as they are, file-system errors in words, anything else
    as an internal error with the reportgen source line (for support)."""
    from .errors import TemplateProblem, UnusableInput
    from .fileio import os_error_message

    if isinstance(exc, (UnusableInput, TemplateProblem, WorkerDied, FileTimedOut)):
        return str(exc)
    if isinstance(exc, OSError):
        return os_error_message(exc)
    # A worker process's traceback comes back as text (concurrent.futures' _RemoteTraceback).
    text = str(exc.__cause__ or "") + "".join(traceback.format_tb(exc.__traceback__))
    frames = WORKER_FRAME.findall(text)
    where = f"位置：{Path(frames[-1][0]).name} 第 {frames[-1][1]} 行" if frames else "位置未知"
    return f"reportgen 内部错误（{where}），其他文件不受影响"


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
    from .formats import DEFAULT_FORMAT
    from .workbook.layout import INFO_SHEET, info_cell

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


def counts(statuses: Sequence[FileStatus]) -> dict[str, int]:
    """How many files ended in each status, in :data:`STATUS_ORDER`."""
    found = Counter(s.status for s in statuses)
    return {status: found[status] for status in STATUS_ORDER}


# --------------------------------------------------------------------------- rendering
def check_and_render_one(path: Path, previous: "Path | dict[str, Path] | None", out_dir: Path,
                         formats: Sequence[str], templates: Path | None, allow_incomplete_template: bool,
                         owner: int) -> FileStatus:
    """Worker: read and check one workbook and, without 错误, render its reports at once
    (the workbook is read once).  The files get provisional scratch names of the
    ``owner`` process (see :func:`fileio.scratch_stem`); the caller names them when the
    whole collection's titles are known.  A failed render becomes RENDER_FAILED."""
    from .fileio import scratch_stem
    from .render import render_report

    status, data = _checked(Path(path), previous)
    if data is None or not status.can_render:
        return status
    try:
        status.outputs = render_report(data, Path(out_dir), formats, templates, stem=scratch_stem(owner),
                                       allow_incomplete_template=allow_incomplete_template, in_place=True)
    except Exception as exc:  # one report that cannot be written never stops the others
        status.status, status.reason = RENDER_FAILED, describe_failure(exc)
    return status


def _name_outputs(todo: list[FileStatus]) -> list[str]:
    """The file names (without suffix) of the reports of ``todo``: their titles, made
    distinct in order; a status whose name is not its title's says so in its ``note``."""
    from .render import safe_filename

    plain = [safe_filename(s.title or s.path.stem) for s in todo]
    stems = unique_names(plain)
    for status, title, stem in zip(todo, plain, stems):
        if stem != title:
            status.renamed = True
            status.note = "；".join(filter(None, [status.note, f"与另一个工作簿的报告同名（{title}），本报告另存为“{stem}”"]))
    return stems


def _worker_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """What a worker writes: the PDF is converted afterwards, from the Word file."""
    wanted = [f for f in formats if f != "pdf"]
    if "pdf" in formats and "docx" not in wanted:
        wanted.append("docx")
    return tuple(wanted)


def check_and_render_collection(found: Collected, out_dir: Path, formats: Sequence[str] = ("docx", "html"),
                                templates: Path | None = None, jobs: int | None = None, year: int | None = None,
                                previous: dict[str, Path] | Path | None = None,
                                progress: Callable[[int, Any], None] | None = None, *,
                                font_dirs: Sequence[Path] = (), notes: list[str] | None = None,
                                allow_incomplete_template: bool = False) -> list[FileStatus]:
    """:func:`check_collection`, and the reports of every workbook without 错误, in one
    pass: each worker reads a workbook once, checks it and renders it.

    Returns every file's status (as :func:`check_collection`); the rendered ones carry
    their ``outputs``, named after their titles in collection order (（2）… for a
    repeated title, said in ``note``)."""
    from .fileio import clean_scratch
    from .render import vet_templates

    if templates is not None:  # a template that fails its check refuses the whole run, once
        vet_templates(templates, allow_incomplete_template)
    out_dir = Path(out_dir)
    clean_scratch(out_dir)  # what an interrupted run left (the workers write scratch names only)
    tasks = [(path, previous, out_dir, _worker_formats(formats), templates, allow_incomplete_template, os.getpid())
             for path in found.workbooks]
    statuses: list[FileStatus] = []
    try:
        statuses = run_parallel(check_and_render_one, tasks, jobs, on_error=internal_error, progress=progress,
                                task_seconds=CHECK_SECONDS + RENDER_SECONDS)
        rendered = [s for s in statuses if s.outputs]
        for status, stem in zip(rendered, _name_outputs(rendered)):
            _move_outputs(status, out_dir, stem)
    finally:  # interrupted half-way: no provisionally named file stays behind
        for status in statuses:
            _remove_provisional(status.outputs)
    for finding_status, finding in collection_findings(statuses, year):
        finding_status.findings.append(finding)
        refresh_status(finding_status)
    if "pdf" in formats:
        done = [s for s in statuses if s.outputs]
        _convert_pdfs(done, "docx" in formats, font_dirs, notes)
    return statuses + rejected_statuses(found)


def _move_outputs(status: FileStatus, out_dir: Path, stem: str) -> None:
    """Give a status's provisionally named reports their final names."""
    from .fileio import os_error_message

    final = []
    try:
        for produced in status.outputs:
            target = out_dir / f"{stem}{produced.suffix}"
            os.replace(produced, target)
            final.append(target)
    except OSError as exc:  # e.g. a folder of that name is in the way: this report fails, whole
        status.status, status.reason = RENDER_FAILED, os_error_message(exc)
        _remove_provisional(status.outputs)
        for path in final:
            path.unlink(missing_ok=True)
        final = []
    status.outputs = final


def _remove_provisional(paths: Sequence[Path]) -> None:
    from .fileio import SCRATCH_PREFIX

    for path in paths:
        if path.name.startswith(SCRATCH_PREFIX):
            path.unlink(missing_ok=True)


PDF_BATCH = 25  # reports per LibreOffice run; a failed batch is retried one by one


def _convert_pdfs(done: list[FileStatus], keep_docx: bool, font_dirs: Sequence[Path],
                  notes: list[str] | None) -> None:
    """The PDF of every rendered report, by one LibreOffice instance; a report whose PDF
    fails becomes RENDER_FAILED, the others go on."""
    from .errors import TemplateProblem
    from .render import PdfConverter, font_note

    def docx_of(status: FileStatus) -> Path:
        return next(p for p in status.outputs if p.suffix == ".docx")

    def finish(status: FileStatus, tmp: Path) -> None:
        docx = docx_of(status)
        target = docx.with_suffix(".pdf")
        os.replace(tmp, target)
        status.outputs.append(target)
        if not keep_docx:
            docx.unlink()
            status.outputs.remove(docx)

    def failed(status: FileStatus, reason: str) -> None:
        status.status, status.reason = RENDER_FAILED, f"没有生成 PDF：{reason}"

    try:
        with PdfConverter(font_dirs) as converter:
            for start in range(0, len(done), PDF_BATCH):
                batch = done[start:start + PDF_BATCH]
                pairs = [(docx_of(s), docx_of(s).parent / f".reportgen-pdf-{start + i}.pdf")
                         for i, s in enumerate(batch)]
                try:
                    converter.convert_many(pairs)
                    for status, (_, tmp) in zip(batch, pairs):
                        finish(status, tmp)
                except TemplateProblem:
                    for status, pair in zip(batch, pairs):
                        try:
                            if not pair[1].exists():
                                converter.convert(*pair)
                            finish(status, pair[1])
                        except (TemplateProblem, OSError) as exc:
                            failed(status, str(exc))
                        finally:
                            pair[1].unlink(missing_ok=True)
            if converter.substitutes and notes is not None:
                notes.append(font_note(list(converter.substitutes.values())))
    except TemplateProblem as exc:  # LibreOffice or the font folders are unusable: no PDF at all
        for status in done:
            if not any(p.suffix == ".pdf" for p in status.outputs):
                failed(status, str(exc))


