"""What an office decides about a batch as a whole, before any report is published.

    from reportgen.collection.rules import judge_batch, resolve_use
    use = resolve_use(["收回/教育局（改）.xlsx"], found.workbooks)       # --use, checked up front
    statuses = judge_batch(statuses, year=2025, use=use, roster=roster)

- Two workbooks of one agency: neither is used (no report, not summed) — the office
  must say which one (``--use``), or take the other out of the folder.  With ``--use``
  naming one of them, the others are 未采用.
- A workbook of another year than the batch's (``--year``, else the most common year)
  is not used, unless ``--use`` names it.  When no year is the most common (two files,
  two years), nothing is held for its year: each file gets a 提醒 to give ``--year``.
- With a roster: every agency on it without a workbook is a 未交 row, and a workbook
  of an agency not on it is named (a 提醒: the name may be misspelt, or the roster short).

``check``, ``render`` and ``aggregate`` all judge a batch here, so they agree.
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from reportgen.formats import findings as F
from reportgen.collection import (DUPLICATE, ERRORS, NOT_RETURNED, NOT_WORKBOOK, NOT_XLSX, OK, OTHER_YEAR, RENDER_FAILED,
                                  SET_ASIDE, WARNINGS, FileStatus, normalise_agency, refresh_status)
from reportgen.core.errors import UnusableInput
from reportgen.formats.findings import Location

if TYPE_CHECKING:
    from reportgen.collection.roster import Roster

NOT_RETURNED_REASON = "名单上有这个机关，但本批没有它的工作簿"
FROM_FILE_NAME = "机关名称按文件名取自名单"  # an unreadable workbook's agency, matched by its file name


def resolve_use(use: Iterable[str | Path], paths: Sequence[Path]) -> set[Path]:
    """The batch's workbooks that ``--use`` names: each by its path, or by its file name
    when one workbook of the batch has it.  A name matching none, or several, is refused."""
    from reportgen.core.fileio import same_file

    chosen: set[Path] = set()
    for raw in use:
        given = Path(raw)
        matches = [p for p in paths if given.exists() and same_file(p, given)]
        if not matches:
            matches = [p for p in paths if p.name == given.name]
        if not matches:
            raise UnusableInput(f"--use {raw}：本批工作簿中没有这个文件。{_names_offered(given.name, paths)}")
        if len(matches) > 1:
            raise UnusableInput(f"--use {raw}：本批有 {len(matches)} 个文件都叫 {given.name}"
                                f"（{'、'.join(str(p) for p in matches)}）。请写出文件的路径。")
        chosen.add(matches[0])
    return chosen


def _names_offered(name: str, paths: Sequence[Path]) -> str:
    """The batch's file names closest to a --use name that matched none (else its first few)."""
    names = list(dict.fromkeys(p.name for p in paths))
    # Compared without “.xlsx” (every name shares it), full- and half-width brackets alike.
    by_stem = {unicodedata.normalize("NFKC", Path(n).stem): n for n in names}
    wanted = unicodedata.normalize("NFKC", Path(name).stem)
    near = [by_stem[m] for m in difflib.get_close_matches(wanted, list(by_stem), n=3, cutoff=0.6)]
    if near:
        return f"是不是：{'、'.join(near)}？请写本批中的文件名，或文件的路径。"
    if not names:
        return "请写本批中的文件名，或文件的路径。"
    shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    return f"本批的文件有：{shown}。请写其中的文件名，或文件的路径。"


def _refuse_two_chosen(statuses: Sequence[FileStatus], is_used: dict[int, bool]) -> None:
    """--use naming two workbooks of one agency cannot choose between them: refused (exit 2)."""
    by_agency: dict[str, list[FileStatus]] = {}
    for s in statuses:
        if s.agency and is_used.get(id(s)):
            by_agency.setdefault(normalise_agency(s.agency), []).append(s)
    for same in by_agency.values():
        if len(same) > 1:
            raise UnusableInput(f"--use 指定了同一机关（{same[0].agency}）的 {len(same)} 份"
                                f"（{'、'.join(s.path.name for s in same)}），只能指定一份。")


def judge_batch(statuses: Sequence[FileStatus], year: int | None = None, use: Iterable[Path] = (),
                roster: "Roster | None" = None, can_choose: bool = True) -> list[FileStatus]:
    """The statuses with the batch's rules applied (in place), plus one 未交 status per
    roster agency that sent nothing (at the end, in roster order).  ``can_choose``: the
    caller can name the workbook to use (the commands' ``--use``); the web cannot, so
    its messages do not offer it."""
    used = {_key(p) for p in use}
    readable = [s for s in statuses if s.status in (OK, WARNINGS, ERRORS, RENDER_FAILED)]
    is_used = {id(s): _key(s.path) in used for s in readable}
    _refuse_two_chosen(readable, is_used)
    expected = batch_year([s for s in readable if not is_used[id(s)]] or readable, year)
    if expected is None:
        _mixed_years(readable)
    in_year = []
    for s in readable:
        if expected is not None and s.year is not None and s.year != expected:
            if not is_used[id(s)]:
                _hold(s, OTHER_YEAR, F.make("collection-other-year", _at("year"), value=s.year, expected=expected,
                                            file=s.path.name,
                                            choose=f"；确实要用这一份的，{_use(s)}" if can_choose else ""))
                continue
            s.note = "；".join(filter(None, [s.note, f"按 --use 选用：这一份是 {s.year} 年的，本批是 {expected} 年"]))
        in_year.append(s)
    by_agency: dict[str, list[FileStatus]] = {}
    for s in in_year:
        if s.agency:
            by_agency.setdefault(normalise_agency(s.agency), []).append(s)
    for same in by_agency.values():
        if len(same) < 2:
            continue
        chosen = [s for s in same if is_used[id(s)]]
        if len(chosen) == 1:
            for s in same:
                if s is not chosen[0]:
                    s.status = SET_ASIDE
                    s.reason = f"同一机关已指定用 {chosen[0].path.name}（--use），这一份不用"
            continue
        for s in same:
            others = "、".join(o.path.name for o in same if o is not s)
            _hold(s, DUPLICATE, F.make("collection-duplicate-agency", _at("agency"), value=s.agency, others=others,
                                       count=len(same), file=s.path.name,
                                       choose=f"，或{_use(s)} 指定用这一份" if can_choose else ""))
    out = list(statuses)
    if roster is not None:
        out += _compare_with_roster(statuses, roster)
    return out


def foreign_agency(status: FileStatus, expected_name: str) -> F.Finding | None:
    """An 错误 when a workbook sent for ``expected_name`` (an agency's own link on the web)
    names another agency: added to ``status`` first (it can no longer be rendered) and
    returned; None when the names agree (as the batch compares them) or none was read."""
    if status.status not in (OK, WARNINGS, ERRORS) or not status.agency \
            or normalise_agency(status.agency) == normalise_agency(expected_name):
        return None
    finding = F.make("web-other-agency", _at("agency"), value=status.agency, expected=expected_name)
    status.findings.insert(0, finding)
    status.status = ERRORS
    return finding


def _use(status: FileStatus) -> str:
    """The command-line way to choose a workbook (offered only where it exists)."""
    return f"加 --use {status.path.name}"


def batch_year(statuses: Sequence[FileStatus], year: int | None = None) -> int | None:
    """The batch's year: ``year`` if given, else the one most common year; None on a tie."""
    if year is not None:
        return year
    years = Counter(s.year for s in statuses if s.year is not None).most_common()
    if not years or (len(years) > 1 and years[0][1] == years[1][1]):
        return None
    return years[0][0]


def _mixed_years(readable: Sequence[FileStatus]) -> None:
    """No year is the batch's: every file is still used, each told how to say the year."""
    groups: dict[int, list[str]] = {}
    for s in readable:
        if s.year is not None:
            groups.setdefault(s.year, []).append(s.path.name)
    if len(groups) < 2:
        return
    years = "；".join(f"{y} 年：{'、'.join(names)}" for y, names in sorted(groups.items(), reverse=True))
    for s in readable:
        if s.year is not None:
            s.findings.append(F.make("collection-mixed-years", _at("year"), value=s.year, years=years))
            refresh_status(s)


def _hold(status: FileStatus, held: str, finding: F.Finding) -> None:
    """Not used in this batch: the reason goes first among its findings."""
    status.findings.insert(0, finding)
    status.status = held


def _compare_with_roster(statuses: Sequence[FileStatus], roster: "Roster") -> list[FileStatus]:
    from reportgen.core.safety import safe_filename

    names = roster.distinct()
    on_roster = {normalise_agency(n): n for n in names}
    # A workbook unreadable to us still came back: distribute names files after the agency.
    stems = {normalise_agency(safe_filename(n)): normalise_agency(n) for n in names}
    returned: set[str] = set()
    for s in statuses:
        if s.status == NOT_WORKBOOK or s.path is None:
            continue
        if s.agency:
            returned.add(normalise_agency(s.agency))
        else:
            key = stems.get(normalise_agency(s.path.stem))
            if key:
                returned.add(key)
                # The status sheet's 机关名称 is not left empty: the roster's name, said where it came from.
                s.agency = on_roster[key]
                s.reason = "；".join(filter(None, [s.reason, FROM_FILE_NAME]))  # shown in the sheet's 问题 column
    missing = [n for n in names if normalise_agency(n) not in returned]
    for s in statuses:
        if s.agency and normalise_agency(s.agency) not in on_roster and s.status != SET_ASIDE:
            near = difflib.get_close_matches(s.agency, missing, n=1, cutoff=0.8)  # a slip of one character or so
            hint = f"名单上相近的“{near[0]}”没有交工作簿，是否就是它？" if near else ""
            s.findings.append(F.make("collection-not-on-roster", _at("agency"), value=s.agency,
                                     roster=roster.path.name, hint=hint))
            refresh_status(s)
    return [FileStatus(None, NOT_RETURNED, reason=NOT_RETURNED_REASON, agency=n) for n in missing]


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def _at(key: str) -> Location:
    from reportgen.formats import DEFAULT_FORMAT
    from reportgen.data.workbook.layout import INFO_SHEET, info_cell

    label = next(i.label for i in DEFAULT_FORMAT.info_fields if i.key == key)
    return Location(INFO_SHEET, info_cell(DEFAULT_FORMAT, key), label)


# --------------------------------------------------------------------------- counting, the same for every command
@dataclass
class Tally:
    """How a batch's files ended: every command counts a folder this one way."""

    workbooks: int = 0  # every spreadsheet file sent (.xls etc. included), stray files not
    usable: int = 0  # 可以生成 / 可以汇总
    errors: int = 0
    unreadable: int = 0  # 无法读取, 需另存为 .xlsx, internal errors
    resave: int = 0  # of which 需另存为 .xlsx
    duplicates: int = 0
    other_year: int = 0
    set_aside: int = 0
    render_failed: int = 0
    not_workbook: int = 0
    not_returned: list[str] | None = None  # with a roster: the agencies that sent nothing
    roster_agencies: int = 0

    @property
    def held(self) -> int:
        return self.duplicates + self.other_year

    def held_text(self, verb: str) -> str:
        """“，2 个是同一机关的重复件、1 个年度不符，均未生成” — empty when none."""
        parts = ([f"{self.duplicates} 个是同一机关的重复件"] if self.duplicates else []) + (
            [f"{self.other_year} 个年度不符"] if self.other_year else [])
        text = f"，{'、'.join(parts)}，均未{verb}" if parts else ""
        if self.set_aside:
            text += f"，{self.set_aside} 个未采用（已用 --use 指定同一机关的另一份）"
        return text

    def roster_line(self) -> str:
        """“名单上 33 个机关：31 个已交，2 个未交（甲、乙）。” — empty without a roster."""
        if self.not_returned is None:
            return ""
        missing = self.not_returned
        line = f"名单上 {self.roster_agencies} 个机关：{self.roster_agencies - len(missing)} 个已交，{len(missing)} 个未交"
        return line + (f"（{'、'.join(missing)}）。" if missing else "。")


def tally(statuses: Sequence[FileStatus], roster: "Roster | None" = None) -> Tally:
    from reportgen.collection import INTERNAL, UNUSABLE

    found = Counter(s.status for s in statuses)
    t = Tally(usable=found[OK] + found[WARNINGS], errors=found[ERRORS],
              unreadable=found[UNUSABLE] + found[NOT_XLSX] + found[INTERNAL], resave=found[NOT_XLSX],
              duplicates=found[DUPLICATE], other_year=found[OTHER_YEAR], set_aside=found[SET_ASIDE],
              render_failed=found[RENDER_FAILED], not_workbook=found[NOT_WORKBOOK])
    t.workbooks = sum(n for status, n in found.items() if status not in (NOT_WORKBOOK, NOT_RETURNED))
    if roster is not None:
        t.not_returned = [s.agency for s in statuses if s.status == NOT_RETURNED]
        t.roster_agencies = len(roster.distinct())
    return t
