"""What happened to one file of a collection (:class:`FileStatus`), and the order and words
of the statuses: the model every collection command, the status sheet and the web intake share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding

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
# The batch's own rules (collection/rules.py): a file not used until the office decides.
DUPLICATE = "duplicate"  # the same agency in two workbooks: neither used
OTHER_YEAR = "other-year"  # a year other than the batch's: not used
NOT_RETURNED = "not-returned"  # on the roster, no workbook (a status without a file)
SET_ASIDE = "set-aside"  # --use chose another workbook of its agency
STATUS_ORDER = (DUPLICATE, OTHER_YEAR, UNUSABLE, NOT_XLSX, INTERNAL, ERRORS, RENDER_FAILED, NOT_RETURNED, WARNINGS,
                OK, SET_ASIDE, NOT_WORKBOOK)
STATUS_LABELS = {
    DUPLICATE: "重复，未用", OTHER_YEAR: "年度不符，未用", NOT_RETURNED: "未交",
    UNUSABLE: "无法读取", NOT_XLSX: "需另存为 .xlsx", INTERNAL: "内部错误", ERRORS: "有错误",
    RENDER_FAILED: "生成失败", WARNINGS: "可以生成", OK: "可以生成", SET_ASIDE: "未采用", NOT_WORKBOOK: "不是工作簿",
}
NEEDS_ACTION = (DUPLICATE, OTHER_YEAR, UNUSABLE, NOT_XLSX, INTERNAL, ERRORS, RENDER_FAILED, NOT_RETURNED)


# --------------------------------------------------------------------------- one file's outcome
@dataclass
class FileStatus(F.FindingCounts):
    """What happened to one file: small and picklable (it crosses process boundaries)."""

    path: Path | None  # None for an agency of the roster that sent nothing (NOT_RETURNED)
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
    verdict: str = ""  # what ``audit`` calls a published report (未发现错误 …): shown instead of the status

    @property
    def can_render(self) -> bool:
        """Checked without 错误 (whether or not rendering then worked)."""
        return self.status in (WARNINGS, OK, RENDER_FAILED)

    @property
    def label(self) -> str:
        if self.verdict:
            return self.verdict
        return "已生成" if self.outputs and self.status in (OK, WARNINGS) else STATUS_LABELS[self.status]

    @property
    def needs_action(self) -> bool:
        return self.status in NEEDS_ACTION

    def first_findings(self, n: int = 3) -> str:
        """The first findings (errors first) in words, for the status sheet and lists."""
        if self.reason:
            return self.reason
        # The batch's remarks (a duplicate, another year) first: they decide what happens to the file.
        ordered = sorted(self.findings, key=lambda f: (not f.code.startswith("collection-"), not f.is_error))[:n]
        text = "；".join(str(f) for f in ordered)
        more = len(self.findings) - len(ordered)
        return text + (f"；……共 {len(self.findings)} 处" if more > 0 else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path) if self.path is not None else None, "status": self.status, "status_label": self.label,
            "usable": self.status in (ERRORS, WARNINGS, OK, RENDER_FAILED),
            "reason": self.reason or None, "agency": self.agency or None, "year": self.year,
            "title": self.title or None, "can_render": self.can_render,
            "errors": self.errors, "warnings": self.warnings, "exit_code": self.exit_code,
            "findings": [f.to_json() for f in self.findings],
            **({"verdict": self.verdict, "faults": self.faults, "doubts": self.doubts} if self.verdict else {}),
            "outputs": [str(p) for p in self.outputs], "note": self.note or None,
        }

    @property
    def exit_code(self) -> int:
        if self.status in (UNUSABLE, NOT_XLSX):
            return 2
        if self.status == INTERNAL:
            return 3
        if self.status in (ERRORS, RENDER_FAILED, DUPLICATE, OTHER_YEAR, NOT_RETURNED):
            return 1
        return 0


def status_of_check(path: Path, result) -> FileStatus:
    """A FileStatus from a :class:`~reportgen.checks.CheckResult`."""
    data = result.data
    return FileStatus(path, OK if not result.findings else (WARNINGS if result.can_render else ERRORS),
                      agency=data.agency, year=data.year, title=data.title if data.agency else "",
                      findings=list(result.findings))



def sort_for_action(statuses: list[FileStatus]) -> list[FileStatus]:
    """The files that need action first (stable: input order within a status)."""
    return sorted(statuses, key=lambda s: STATUS_ORDER.index(s.status))


def refresh_status(status: FileStatus) -> None:
    """After findings were added: OK becomes WARNINGS (collection findings are 提醒)."""
    if status.status == OK and status.findings:
        status.status = WARNINGS



def counts(statuses: Sequence[FileStatus]) -> dict[str, int]:
    """How many files ended in each status, in :data:`STATUS_ORDER`."""
    found = Counter(s.status for s in statuses)
    return {status: found[status] for status in STATUS_ORDER}


def verdict(result) -> str:
    """The one-line conclusion on a checked workbook (a FileStatus or a CheckResult), as
    ``check`` prints it and the web page shows it."""
    counts = f"{result.errors} 个错误，{result.warnings} 个提醒"
    held = {DUPLICATE: "同一机关有不止一份工作簿", OTHER_YEAR: "年度与本批不同"}.get(getattr(result, "status", ""))
    if held:
        return f"结论：本批不用这一份（{held}），不生成报告、不计入汇总（{counts}）。请按下面的说明处理。"
    if result.can_render:
        return f"结论：可以生成报告（{counts}）。"
    return f"结论：不能生成报告（{counts}）。请改正下列“错误”后再检查。"
