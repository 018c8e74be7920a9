"""Reading table rows whose cells ran together (``801000081``).

A web page copied as plain text loses the cell boundaries of its tables.  For each
row we enumerate every way its digit runs can be cut into the row's cells (no
number but 0 starts with 0), keep the readings that satisfy the sum rules inside
the row, then the rules between rows (column totals, 勾稽), and report every cell
on which the surviving readings disagree.  Nothing is guessed: such a cell is left
blank with a finding that lists what it could be.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import product
from typing import Iterator

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location
from reportgen.formats.spec import ReportFormat

MAX_READINGS = 20_000  # per row; a row with more is left to the reader to type
MAX_COMBINATIONS = 200_000  # across rows, when rows are still ambiguous


def _cuts(run: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut ``run`` into ``parts`` numbers without a leading zero (a run that
    starts with a minus sign starts with a negative number)."""
    if run.startswith("-"):
        for cut in _cuts(run[1:], parts):
            if cut[0] != "0":  # “-0” is not how a fall is printed
                yield ("-" + cut[0],) + cut[1:]
        return
    if parts == 1:
        if run == "0" or run[:1] not in ("0", ".") or run.startswith("0."):
            yield (run,)
        return
    if run.startswith("0"):
        heads = ["0"]
    else:
        heads = [run[:i] for i in range(1, len(run) - parts + 2)]
    for head in heads:
        if "." in head:
            break
        for rest in _cuts(run[len(head):], parts - 1):
            yield (head,) + rest


def readings(runs: list[str], cells: int) -> Iterator[tuple[str, ...]]:
    """Every reading of the runs (each one or more cells, in order) as ``cells`` numbers."""
    if not runs:
        if cells == 0:
            yield ()
        return
    first, rest = runs[0], runs[1:]
    # Each digit may be a cell of its own; a decimal point can only be in the run's last
    # cell (“1973601627.4”: 197 items, then the amount 3601627.4), see _cuts.
    most = len(first.replace(".", "").replace("-", ""))
    for k in range(1, min(most, cells - len(rest)) + 1):
        for head in _cuts(first, k):
            for tail in readings(rest, cells - k):
                yield head + tail


@dataclass
class RowReadings:
    """The candidate readings of one table row: keys in order, and tuples of ints."""

    keys: tuple[str, ...]
    joined: str  # what the report printed, for messages
    options: list[tuple[str, ...]]


def _holds(fmt: ReportFormat, values: dict[str, object]) -> bool:
    """True unless a sum or balance rule whose every key is known fails."""
    def total(keys: tuple[str, ...]) -> Decimal:
        return sum((Decimal(str(values[k])) for k in keys), Decimal(0))

    for rule in fmt.sum_rules:
        keys = (rule.total,) + rule.parts
        if all(values.get(k) is not None for k in keys) and total((rule.total,)) != total(rule.parts):
            return False
    for rule in fmt.balance_rules:
        keys = rule.left + rule.right
        if all(values.get(k) is not None for k in keys) and total(rule.left) != total(rule.right):
            return False
    return True


def breaks_row(fmt: ReportFormat, keys: tuple[str, ...], reading: tuple[str, ...]) -> bool:
    """True when a reading of one row breaks a rule inside that row (its total)."""
    return not _holds(fmt, dict(zip(keys, reading)))


def row_options(fmt: ReportFormat, keys: tuple[str, ...], runs: list[str]) -> list[tuple[str, ...]] | None:
    """Readings of one row that satisfy the rules inside the row; every reading when
    none does (the published row itself is wrong, which the checks will report).
    None when there are too many to consider."""
    kinds = [fmt.field(key).kind for key in keys]
    options: list[tuple[str, ...]] = []
    for n, reading in enumerate(readings(runs, len(keys))):
        if n >= MAX_READINGS:
            return None
        # Only a change (本年增/减) falls below 0, only an amount has decimals.
        if all((not v.startswith("-") or kind == "change") and ("." not in v or kind == "amount")
               for v, kind in zip(reading, kinds)):
            options.append(reading)
    fitting = [o for o in options if _holds(fmt, dict(zip(keys, o)))]
    return fitting or options


def resolve(fmt: ReportFormat, known: dict[str, object], rows: list[RowReadings]
            ) -> tuple[dict[str, list[str]], dict[tuple[str, ...], list[tuple[str, ...]]]]:
    """Settle the ambiguous rows together: keep the combinations that satisfy every rule
    between rows.  Returns, for each cell of those rows, the values still possible
    (one value: settled), and for each row (by its keys) the readings still possible."""
    ambiguous = [r for r in rows if len(r.options) > 1]
    settled = dict(known)
    for r in rows:
        if len(r.options) == 1:
            settled.update(zip(r.keys, r.options[0]))
    surviving: list[tuple[tuple[str, ...], ...]] = []
    total = 1
    for r in ambiguous:
        total *= len(r.options)
    if ambiguous and total <= MAX_COMBINATIONS:
        for combo in product(*(r.options for r in ambiguous)):
            values = dict(settled)
            for r, option in zip(ambiguous, combo):
                values.update(zip(r.keys, option))
            if _holds(fmt, values):
                surviving.append(combo)
    possible: dict[str, list[str]] = {}
    by_row: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for r in rows:
        if len(r.options) == 1:
            by_row[r.keys] = list(r.options)
            for key, value in zip(r.keys, r.options[0]):
                possible[key] = [value]
    for i, r in enumerate(ambiguous):
        # With no combination satisfying everything (a faulty report), each row keeps its own readings.
        options = list(dict.fromkeys(combo[i] for combo in surviving)) if surviving else r.options
        by_row[r.keys] = options
        for j, key in enumerate(r.keys):
            possible[key] = candidates(options, j)
    return possible, by_row


def candidates(options: list[tuple[str, ...]] | list[list[str]], position: int) -> list[str]:
    """The values one cell takes in a row's readings, smallest first."""
    return sorted({o[position] for o in options}, key=lambda x: (len(x), x))


def unread_note(printed: str, values: list[str]) -> str:
    """What the workbook remembers about a cell left blank: what the report printed, what it could be."""
    return f"原文“{printed}”，可能是 {'、'.join(values)}"


def uncertain(fmt: ReportFormat, key: str, printed: str, values: list[str]) -> Finding:
    """The finding on a cell whose readings disagree: every candidate listed."""
    f = fmt.field(key)
    return F.make("import-uncertain", Location.of(f), value=printed, expected="、".join(values), key=key,
                  cells=(f.cell,))
