"""Findings told together: by rule (errors first), and many one-cell faults of a kind on
one sheet as one line per block of adjacent rows — what ``check`` prints, what the
annotated copy's notes and the web intake's pages say, and how ``fix`` lists its changes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportgen.formats.findings import CATALOGUE, Finding, FindingType

# One-cell faults of a kind listed one by one before the rest is only counted (the
# annotated copy marks every cell).
SHOWN_PER_GROUP = 20

# Many faults of one kind on one sheet (a clerk who left every zero blank) are told
# as one message per block of adjacent rows, on the console and in the annotated copy.
GROUP_FROM = 4  # this many one-cell faults of a kind on one sheet are grouped
BLOCK_GAP = 3  # rows apart that still make one block (table 2's blocks have a caption and a header between)
ADDRESS = re.compile(r"([A-Z]+)(\d+)")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def row_blocks(items: list) -> list[tuple[int, int, list]]:
    """Findings (or anything else with a one-cell ``location``) on one sheet, as blocks
    of adjacent rows: (first row, last row, items)."""
    by_row: dict[int, list] = {}
    for item in items:
        match = ADDRESS.fullmatch(item.location.cell)
        by_row.setdefault(int(match.group(2)), []).append(item)
    blocks: list[tuple[int, int, list]] = []
    for row in sorted(by_row):
        if blocks and row - blocks[-1][1] <= BLOCK_GAP:
            first, _, members = blocks[-1]
            blocks[-1] = (first, row, members + by_row[row])
        else:
            blocks.append((row, row, list(by_row[row])))
    return blocks


def block_lines(items: list, noun: str) -> list[tuple[str, list]]:
    """One line per block of rows of one sheet's items (which rows, the range they lie
    in, how many): “表三 第9–29行（D9～I29）共 126 {noun}”, with the block's items."""
    lines = []
    for first, last, members in row_blocks(items):
        columns = sorted({ADDRESS.fullmatch(m.location.cell).group(1) for m in members}, key=_column_number)
        rows = f"第{first}行" if first == last else f"第{first}–{last}行"
        span = f"{columns[0]}{first}～{columns[-1]}{last}" if len(members) > 1 else members[0].location.cell
        lines.append((f"{members[0].location.sheet} {rows}（{span}）共 {len(members)} {noun}", members))
    return lines


def grouped(code: str, findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """One line per block of rows for a sheet with many faults of this kind (which rows,
    how many cells, the range they lie in), with the block's findings."""
    return block_lines(findings, CATALOGUE[code].grouped)


def grouped_lines(code: str, findings: list[Finding]) -> list[str]:
    return [line for line, _ in grouped(code, findings)]


def groupable(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """The one-cell findings of kinds that group, by (code, sheet), where there are
    at least :data:`GROUP_FROM` of them."""
    found: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        loc = finding.location
        if CATALOGUE[finding.code].grouped and loc and ADDRESS.fullmatch(loc.cell or ""):
            found.setdefault((finding.code, loc.sheet), []).append(finding)
    return {k: v for k, v in found.items() if len(v) >= GROUP_FROM}


@dataclass
class FindingGroup:
    """The findings of one rule as ``check`` shows them: the heading, then many one-cell
    faults of a sheet as one line per block of rows, then the others (at most a limit)."""

    code: str
    items: list[Finding]
    blocks: list[str]  # “表三 第9–29行（C9～I29）共 126 个数字格为空…”
    shown: list[Finding]  # listed one by one
    more: int  # listed neither way (beyond the limit)

    @property
    def kind(self) -> FindingType:
        return CATALOGUE[self.code]

    @property
    def is_error(self) -> bool:
        return self.items[0].is_error

    @property
    def heading(self) -> str:
        return f"【{self.kind.severity.label}】{self.kind.title}（{len(self.items)} 处）"


def finding_groups(findings: list[Finding], limit: int | None = None) -> list[FindingGroup]:
    """Findings grouped by rule, errors first.  With a ``limit``, many one-cell faults of
    a kind on one sheet become block lines and other groups list at most ``limit``."""
    by_code: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: not f.is_error):
        by_code.setdefault(finding.code, []).append(finding)
    groups = []
    for code, items in by_code.items():
        blocks: list[str] = []
        rest = items
        if limit is not None and CATALOGUE[code].grouped:
            sheets = groupable(items)
            blocks = [line for sheet_items in sheets.values() for line in grouped_lines(code, sheet_items)]
            in_blocks = {id(f) for fs in sheets.values() for f in fs}
            rest = [f for f in items if id(f) not in in_blocks]
        shown = rest if limit is None else rest[:limit]
        groups.append(FindingGroup(code, items, blocks, shown, len(rest) - len(shown)))
    return groups
