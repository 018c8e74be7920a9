"""The official tables of a published report, found by their labels (see
:mod:`reportgen.data.importers.common`, which reads the rest of the document and calls
:func:`read_tables`).

Each row's numbers are the cells (or digit runs) that follow its label; table 4's one row
without a label follows its header.  A table printed in an earlier format's layout is read
by that format's own table, and only the cells both formats share are kept.  What cannot
be read is an import finding at its place, the value stays blank, and the data remembers
it (``ReportData.unread``): nothing is guessed.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location
from reportgen.data.model import ReportData, Value
from reportgen.formats.spec import Field, ObsoleteLayout, ReportFormat, Table
from reportgen.formats import get_format
from reportgen.data.workbook.reader import parse_number
from reportgen.data.importers.digits import RowReadings, breaks_row, resolve, row_options, uncertain, unread_note
from reportgen.data.importers.job import ImportJob
from reportgen.data.importers.document import CELL, MONEY_CELL, RUN, Match, find_label, normalise


@dataclass
class TableRow:
    """One value row of an official table, as the importer looks for it."""

    table: Table
    label: str  # the leaf label ("" for a row with no label of its own: table 4)
    fields: tuple[Field, ...]
    match: Match | None = None
    old_label: str = ""  # the label found is an earlier format's name for this row



def table_rows(fmt: ReportFormat, table: Table) -> tuple[list[TableRow], list[str]]:
    """The value rows of a table (leaf label and fields, in order) and its group labels."""
    by_key = {f.key: f for f in fmt.table_fields(table.key)}
    rows: list[TableRow] = []
    groups: list[str] = []
    grid = table.rows()
    for cells in grid:
        values = [c for c in cells if c.kind == "value"]
        labels = [c for c in cells if c.kind == "label"]
        if not values:
            continue
        leaf = max(labels, key=lambda c: c.col) if labels else None
        groups += [c.text for c in labels if c is not leaf]
        rows.append(TableRow(table, leaf.text if leaf else "", tuple(by_key[c.key] for c in values)))
    return rows, groups


def _region(job: ImportJob, headings: list[tuple[int, int, str]], table: Table) -> tuple[int, int]:
    """Where to look for a table: from its part's heading to the next heading (or,
    with its heading missing, between the neighbouring headings found)."""
    order = [p.heading for p in job.fmt.parts if p.heading]
    own = next(p.heading for p in job.fmt.parts if p.table == table.key)
    found = {h: (a, b) for a, b, h in headings}
    if own in found:
        start = found[own][1]
    else:
        earlier = [found[h][1] for h in order[: order.index(own)] if h in found]
        start = earlier[-1] if earlier else 0
    later = [found[h][0] for h in order[order.index(own) + 1:] if h in found]
    return start, later[0] if later else len(job.doc.norm)


def read_tables(job: ImportJob, headings: list[tuple[int, int, str]]) -> None:
    runs: list[RowReadings] = []
    for table in job.fmt.tables:
        runs += _table(job, table, _region(job, headings, table))
    if runs:
        _settle_runs(job, runs)


def _table(job: ImportJob, table: Table, region: tuple[int, int]) -> list[RowReadings]:
    """Read one table's rows; returns the rows of run-together digits still to be settled."""
    norm = job.doc.norm
    lo, hi = region
    rows, groups = table_rows(job.fmt, table)
    _locate_rows(norm, rows, lo, hi, _renamed(job.fmt, table))
    if _absent(norm, table, rows, lo, hi):
        job.add(F.make("import-missing-table", Location(table.number), label=table.number, caption=table.caption))
        return []
    layout, layout_label = _obsolete(job, table, rows, lo, hi)
    old_fmt = get_format(layout.format_id) if layout is not None else None
    if old_fmt is not None:
        _read_in_old_format(job, table, layout, old_fmt, region)
        _layout_finding(job, table, rows, layout, layout_label)
        return []
    # Every label found ends the numbers of the row before it.
    stops = sorted({r.match.start for r in rows if r.match} |
                   {m.start for m in (find_label(norm, g, lo, hi, 2.0) for g in groups) if m} | {hi})
    pending: list[RowReadings] = []
    before = len(job.findings)
    for row in rows:
        if row.label and row.match is None:
            job.add(F.make("import-missing-row", _row_location(row), label=row.label, table=table.number))
            # Not blanks: ``fix`` must not write 0 over numbers the report may have printed elsewhere.
            _unread_row(job, row, f"原文没有“{normalise(row.label)}”这一行")
            continue
        if row.old_label:
            job.add(F.make("import-label-old", _row_location(row), value=row.old_label,
                           expected=normalise(row.label), layout=job.fmt.obsolete_layouts[0].name, cells=_cells(row)))
        elif row.match and not row.match.exact:
            job.add(F.make("import-label-changed", _row_location(row), value=job.doc.original(row.match),
                           expected=normalise(row.label), cells=_cells(row)))
        start = row.match.end if row.match else _header_end(norm, table, lo, hi)
        reading = _read_row(job, row, _values_after(job, start, _next_stop(stops, start), first=not row.label))
        if reading is not None:
            pending.append(reading)
    return _without_lost_cells(job, rows, pending, job.findings[before:])


def _without_lost_cells(job: ImportJob, rows: list[TableRow], pending: list[RowReadings],
                        found: list[Finding]) -> list[RowReadings]:
    """Rows of run-together digits whose every split breaks the row's own total are read as
    printed (a fault of the report) — unless other rows of the table came out short of digits:
    then the page text lost blank cells (“258 | 12 | | | 1 | 1 | ” → “25812 11”), a short row may
    look full, and its only split (2, 5, 8, 1, 2, 1, 1) would be a number the report never printed.
    Such a row is left unread, named as a reading doubt."""
    if not any(f.code == "import-cell-count" and f.value < f.expected for f in found):
        return pending
    by_keys = {tuple(f.key for f in row.fields): row for row in rows}
    kept = []
    for reading in pending:
        if reading.options and all(breaks_row(job.fmt, reading.keys, o) for o in reading.options):
            row = by_keys[reading.keys]
            job.add(F.make("import-cells-lost", _row_location(row), value=reading.joined, expected=len(reading.keys),
                           cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{reading.joined}”，网页文字可能丢了空格子，分不出各格")
        else:
            kept.append(reading)
    return kept


def _renamed(fmt: ReportFormat, table: Table) -> dict[str, str]:
    """Row key → the name an earlier layout gave that row (规范性文件 for 行政规范性文件)."""
    return {row_key: label for layout in fmt.obsolete_layouts
            for key, row_key, label in layout.renamed if key == table.key}


def _read_in_old_format(job: ImportJob, table: Table, layout: ObsoleteLayout, old_fmt: ReportFormat,
                        region: tuple[int, int]) -> None:
    """A table printed in an earlier format's layout, read by that format's own table; only
    the fields both formats have (the same key means the same number) are kept, with their
    findings moved to the current cells.  Nothing is guessed for the others: they stay blank."""
    sub = ImportJob(job.doc, old_fmt, ReportData(old_fmt))
    sub.data.values = {f.key: None for f in old_fmt.fields}
    runs = _table(sub, old_fmt.table(table.key), region)
    if runs:
        _settle_runs(sub, runs)
    shared = {f.key for f in job.fmt.table_fields(table.key)} & {f.key for f in old_fmt.table_fields(table.key)}
    for key in shared:
        job.data.values[key] = sub.data.values[key]
        if key in sub.data.unread:  # digits that ran together, read under the old layout
            job.data.unread[key] = sub.data.unread[key]
    for key, old_row, new_rows in layout.splits:
        for old_field in (f for f in old_fmt.table_fields(table.key) if key == table.key and f.key.split(".")[1] == old_row):
            column = old_field.key.rsplit(".", 1)[1]
            value = sub.data.values.get(old_field.key)
            for row in new_rows:
                new_key = f"{table.key}.{row}.{column}"
                if value == 0:  # nothing in the old row: nothing in its parts
                    job.data.values[new_key] = 0
                elif value is not None:
                    job.data.unread[new_key] = (f"原文按{layout.name}印的“{old_field.row_label.split()[-1]}”一行这一列是 "
                                                f"{value}，现行格式分为几行，无法拆分")
    # The workbook remembers every cell the old layout has no number for (check names them; fix leaves them).
    for f in job.fmt.table_fields(table.key):
        if job.data.values.get(f.key) is None and f.key not in job.data.unread:
            job.data.unread[f.key] = f"原文按{layout.name}印，这一格在其中没有含义相同的数"
    by_cell = {f.cell: f.key for f in old_fmt.table_fields(table.key)}
    for finding in sub.findings:
        keys = [finding.key] if finding.key else [by_cell.get(c, "") for c in finding.cells]
        keys = [k for k in keys if k in shared]
        if keys:
            fields = [job.fmt.field(k) for k in keys]
            where = Location.of(fields[0]) if len(fields) == 1 else \
                Location(fields[0].sheet, f"{fields[0].cell}:{fields[-1].cell}", fields[0].row_label)
            job.add(dataclasses.replace(finding, location=where, cells=tuple(f.cell for f in fields)))


def _locate_rows(norm: str, rows: list[TableRow], lo: int, hi: int, renamed: dict[str, str]) -> None:
    """Find each row's label: exactly and in order first, then the missing ones under the
    name an earlier format gave them, then by similarity, between the neighbours found."""
    pos = lo
    for row in rows:
        if row.label:
            m = find_label(norm, row.label, pos, hi, min_ratio=2.0)  # exact only
            if m:
                row.match, pos = m, m.end
    for ratio in (2.0, 0.8):  # an earlier format's name exactly, then a typo
        for i, row in enumerate(rows):
            if row.label and row.match is None:
                before = [r.match.end for r in rows[:i] if r.match]
                after = [r.match.start for r in rows[i + 1:] if r.match]
                a, b = before[-1] if before else lo, after[0] if after else hi
                old = renamed.get(_row_key(row), "") if ratio > 1 else ""
                if old:
                    row.match = find_label(norm, old, a, b, ratio)
                    row.old_label = old if row.match else ""
                elif ratio < 1:
                    row.match = find_label(norm, row.label, a, b, ratio)


HEADER_GAP = 8  # characters (no digit among them) between two header labels of one header block


def _header_end(norm: str, table: Table, lo: int, hi: int) -> int:
    """Where the header of a table ends: the end of the longest chain of its header labels
    standing close together (table 4's one data row has no label of its own, so it starts
    there — never at the first digits after the heading, which may be a year in a sentence
    such as “2023年，本机关…行政复议…”).  ``lo`` when no header label is found."""
    labels = {normalise(c.text) for c in table.cells if c.kind == "header" and c.text}
    hits = sorted((m.start(), m.end()) for label in labels
                  for m in re.finditer(re.escape(label), norm[lo:hi]))
    best_len, best_end = 0, lo
    chain_len, chain_end = 0, -1
    for a, b in hits:
        gap = norm[lo + chain_end:lo + a] if chain_end >= 0 else ""
        if chain_end >= 0 and a >= chain_end - 1 and a - chain_end <= HEADER_GAP and not re.search(r"\d", gap):
            chain_len, chain_end = chain_len + 1, max(chain_end, b)
        elif chain_end < 0 or a >= chain_end:
            chain_len, chain_end = 1, b
        else:
            continue  # a label inside another (总计 in 总计…): part of the chain already
        if chain_len >= best_len:
            best_len, best_end = chain_len, lo + chain_end
    return best_end


def _absent(norm: str, table: Table, rows: list[TableRow], lo: int, hi: int) -> bool:
    """No row label of the table found (for table 4, whose row has none: no header)."""
    labelled = [r for r in rows if r.label]
    if labelled:
        return not any(r.match for r in labelled)
    return not any(norm.find(normalise(c.text), lo, hi) >= 0 for c in table.cells if c.kind == "header")


def _layout_finding(job: ImportJob, table: Table, rows: list[TableRow], layout: ObsoleteLayout, found: str) -> None:
    """The 错误 of a table in an obsolete layout, saying what was read and what was left blank
    (none for a report of a year that layout was right for: the year check speaks then)."""
    year = job.data.year
    if year is not None and year < job.fmt.first_year:
        return
    blank = [r for r in rows if any(job.data.values.get(f.key) is None for f in r.fields)]
    cells = sum(1 for r in blank for f in r.fields if job.data.values.get(f.key) is None)
    groups = {r.fields[0].row_label[: -len(r.label)].strip() if r.label else "" for r in blank}
    if len(blank) > 1 and len(groups) == 1 and "" not in groups:  # e.g. the three rows of （六）其他处理
        shown = f"{groups.pop()}的 {len(blank)} 行"
    else:
        shown = "、".join(_short_label(r) for r in blank)
    note = "能对应到现行格式的数字已读取" + (
        f"；{shown}在现行格式中含义不同或分为几行，无法对应，已留空（{cells} 格）。" if blank else "。")
    job.add(F.make("import-obsolete-layout", Location(table.number), value=found, table=table.number,
                   layout=layout.name, year=year if year is not None else "本", format=job.fmt.name, mapped=note))


def _row_key(row: TableRow) -> str:
    """"other_other" for the fields t3.other_other.*."""
    return row.fields[0].key.split(".")[1]


def _obsolete(job: ImportJob, table: Table, rows: list[TableRow], lo: int, hi: int) -> tuple[ObsoleteLayout | None, str]:
    """The obsolete layout a table's own labels show: a header or row label only it has (not
    one that is part of a current label, as 规范性文件 is of 行政规范性文件), or a row only it
    has that carries numbers where the current rows it became are not there (a single
    （六）其他处理 row)."""
    current = [normalise(c.text) for c in table.cells if c.text]
    for layout in job.fmt.obsolete_layouts:
        for key, label in layout.table_labels:
            want = normalise(label)
            if key == table.key and not any(want in c for c in current) and job.doc.norm.find(want, lo, hi) >= 0:
                return layout, label
        for key, label in layout.rows:
            m = find_label(job.doc.norm, label, lo, hi, 2.0) if key == table.key else None
            if m is None:
                continue
            now = [r for r in rows if normalise(r.fields[0].row_label).startswith(normalise(label))]
            start = job.doc.to_flat(m.end - 1) + 1
            if not any(r.match for r in now) and job.doc.values_between(start, job.doc.to_flat(min(m.end + 40, hi - 1))):
                return layout, job.doc.original(m)
    return None, ""


def _next_stop(stops: list[int], after: int) -> int:
    return next((s for s in stops if s >= after), stops[-1])


def _values_after(job: ImportJob, norm_start: int, norm_stop: int, first: bool):
    """The value pieces after a label (or, for a row with no label, the first ones in range)."""
    doc = job.doc
    start = doc.to_flat(norm_start - 1) + 1 if norm_start > 0 else 0
    stop = doc.to_flat(norm_stop) if norm_stop < len(doc.norm) else len(doc.flat)
    if first:
        for piece in doc.pieces:
            if piece.start >= start and piece.kind in (CELL, RUN) and piece.start < stop and normalise(piece.text):
                start = piece.start
                break
    pieces = doc.values_between(start, stop)
    if not pieces and not first:
        # A label found by similarity may stop a character short of the numbers.
        gap = doc.flat[start:stop]
        m = re.search(r"\d", gap)
        if m and m.start() <= 4:
            pieces = doc.values_between(start + m.start(), stop)
    return pieces


def _short_label(row: TableRow) -> str:
    return row.label or row.fields[0].row_label


def _row_location(row: TableRow) -> Location:
    f = row.fields[0]
    cell = f.cell if len(row.fields) == 1 else f"{f.cell}:{row.fields[-1].cell}"
    return Location(row.table.number, cell, f.row_label)


def _cells(row: TableRow) -> tuple[str, ...]:
    return tuple(f.cell for f in row.fields)


def _read_row(job: ImportJob, row: TableRow, pieces) -> RowReadings | None:
    """Values of one row from its pieces; rows of digit runs are returned to be settled together."""
    n = len(row.fields)
    if any(p.kind == RUN for p in pieces):
        runs = [normalise(p.text) for p in pieces]
        digits = sum(len(r.replace(".", "").replace("-", "")) for r in runs)
        printed = " ".join(runs)
        if digits < n:
            job.add(F.make("import-cell-count", _row_location(row), value=digits, expected=n, cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{printed}”，只有 {digits} 个数字，应有 {n} 格，不知道哪一格没有数")
            return None
        options = row_options(job.fmt, tuple(f.key for f in row.fields), runs)
        if options == []:  # e.g. “005” for two cells: no number but 0 starts with 0
            job.add(F.make("import-unsplittable", _row_location(row), value=printed, expected=n, cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{printed}”，无法分成 {n} 个数")
            return None
        if options is None:
            job.add(F.make("import-uncertain", _row_location(row), value=printed, expected="（读法太多）",
                           cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{printed}”，分格的读法太多")
            return None
        return RowReadings(tuple(f.key for f in row.fields), " ".join(runs), options)
    texts = [p.text for p in pieces]
    # An empty label cell before the numbers (a merged label drawn as two cells), or empty
    # cells after the last column, are not cells of the row.
    while len(texts) > n and normalise(texts[0]) == "":
        texts.pop(0)
    while len(texts) > n and normalise(texts[-1]) == "":
        texts.pop()
    if len(texts) != n:
        job.add(F.make("import-cell-count", _row_location(row), value=len(texts), expected=n, cells=_cells(row)))
        _unread_row(job, row, f"原文这一行有 {len(texts)} 格（“{' '.join(t.strip() or '空' for t in texts)}”），"
                              f"应有 {n} 格，不知道怎样对应")
        return None
    if all(normalise(t) == "" for t in texts) and n > 1:
        job.add(F.make("import-blank-row", _row_location(row), label=row.fields[0].row_label, expected=n,
                       cells=_cells(row)))
        return None
    for f, text in zip(row.fields, texts):
        job.data.values[f.key] = _parse(job, f, text)
    return None


def _unread_row(job: ImportJob, row: TableRow, note: str) -> None:
    """A row whose numbers could not be read: its cells are remembered as not read (``check``
    must not take them for blanks to fill with 0)."""
    for f in row.fields:
        job.data.unread[f.key] = note


def _parse(job: ImportJob, f: Field, text: str) -> Value:
    """A published cell's text as the field's value; every number in a web page is
    text, so only real faults are findings (not "number typed as text")."""
    def report(finding: Finding) -> None:
        if finding.code != "number-as-text":
            job.add(finding)
    money = MONEY_CELL.fullmatch(normalise(text).replace(",", ""))
    if money:
        # “251000元” is that number only in an amount column whose label names no unit or
        # the same one (the 2019 采购总金额 names none); elsewhere the cell is not read,
        # never converted or taken for a count.
        unit = re.search(r"单位[:：]?(万元|元)", normalise(f.col_label))
        if f.kind != "amount" or (unit and unit.group(1) != money.group("unit")):
            job.add(F.make("not-a-number", Location.of(f), value=text.strip(), key=f.key))
            return None
        text = money.group("number")
    return parse_number(text, f, Location.of(f), report)


def _settle_runs(job: ImportJob, rows: list[RowReadings]) -> None:
    """Choose among the readings of run-together rows with every rule; name what stays open
    (and remember it in the data, for facts found later to settle)."""
    known = {k: v for k, v in job.data.values.items() if v is not None}
    possible, row_options = resolve(job.fmt, known, rows)
    for row in rows:
        open_keys = [key for key in row.keys if len(possible.get(key, [])) != 1]
        for key in row.keys:
            if key not in open_keys:
                job.data.values[key] = _parse(job, job.fmt.field(key), possible[key][0])
        if not open_keys:
            continue
        job.data.doubts.append({"keys": list(row.keys), "printed": row.joined,
                                "options": [list(o) for o in row_options[row.keys]]})
        for key in open_keys:
            job.data.unread[key] = unread_note(row.joined, possible[key])
            job.add(uncertain(job.fmt, key, row.joined, possible[key]))
