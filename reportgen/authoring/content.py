"""Templates that cannot lose content: a custom template against the format definition.

The template is rendered with *probe data* — report data in which every value field
holds its own six-digit number and every text part its own marked paragraph — and
the result is read back: each part heading, each table, each row and column label,
each value and each text part must come out exactly once.  Rendering (rather than
reading the template's tags) sees what the reader will see, whatever loops, macros
or includes the template uses; a label an IT officer retyped ("地方政府规章" for
"规章") is named with the text the format expects.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lxml import etree

from reportgen.data.model import Paragraph, ReportData
from reportgen.formats.spec import ReportFormat, Table

PROBE_BASE = 710000  # value i of the probe data is PROBE_BASE + i: six digits, none inside another


@dataclass(frozen=True)
class ContentIssue:
    code: str
    where: str
    message: str


@dataclass
class Rendered:
    """What a rendered report shows: text outside tables, and tables as rows of cell texts."""

    blocks: list[str]
    tables: list[list[list[str]]]

    @property
    def text(self) -> str:
        return "\n".join(self.blocks + [c for t in self.tables for r in t for c in r])


def probe_data(fmt: ReportFormat) -> ReportData:
    values = {}
    for i, f in enumerate(fmt.fields):
        values[f.key] = Decimal(PROBE_BASE + i) if f.kind == "amount" else PROBE_BASE + i
    text = {s.key: [Paragraph(text=probe_text(s.key), heading=f"〔{s.key}小标题〕")] for s in fmt.text_sections}
    info = {f.key: None for f in fmt.info_fields}
    info.update(agency="〔机关名称〕", year=fmt.first_year)
    return ReportData(fmt, info, text, values)


def probe_text(section_key: str) -> str:
    return f"〔{section_key}正文〕"


def probe_value(fmt: ReportFormat, key: str) -> str:
    return str(PROBE_BASE + [f.key for f in fmt.fields].index(key))


def _times(count: int) -> str:
    return "在生成的报告中没有出现，会被漏印。" if count == 0 else f"会被印 {count} 次，应只印一次。"


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


# --------------------------------------------------------------------------- reading back
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> Rendered:
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    blocks, tables = [], []
    for p in body.iter(f"{W}p"):
        if next(p.iterancestors(f"{W}tbl"), None) is None:
            blocks.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    for tbl in body.iter(f"{W}tbl"):
        rows = []
        for tr in tbl.iterchildren(f"{W}tr"):
            cells = []
            for tc in tr.iterchildren(f"{W}tc"):
                merge = tc.find(f"{W}tcPr/{W}vMerge")
                if merge is not None and merge.get(f"{W}val") != "restart":
                    continue  # the lower part of a vertically merged cell repeats nothing
                cells.append("".join(t.text or "" for t in tc.iter(f"{W}t")))
            rows.append(cells)
        tables.append(rows)
    return Rendered(blocks, tables)


def read_html(source: str) -> Rendered:
    from lxml import html as lxml_html

    root = lxml_html.fromstring(source)
    tables = []
    for table in root.iter("table"):
        rows = [[_norm(cell.text_content()) for cell in tr if cell.tag in ("th", "td")] for tr in table.iter("tr")]
        tables.append(rows)
    for table in list(root.iter("table")):
        table.drop_tree()
    for tag in ("style", "script", "title", "head"):
        for element in list(root.iter(tag)):
            element.drop_tree()
    blocks = [line for line in root.text_content().splitlines() if line.strip()]
    return Rendered(blocks, tables)


# --------------------------------------------------------------------------- comparing
def compare(rendered: Rendered, fmt: ReportFormat, place: str) -> list[ContentIssue]:
    """Every problem of ``rendered`` against the format; ``place`` names tables
    ("表格" for Word, "网页中的表格" for HTML)."""
    issues: list[ContentIssue] = []
    outside = "\n".join(rendered.blocks)
    for part in fmt.parts:
        if part.heading:
            count = sum(_norm(block).count(part.heading) for block in rendered.blocks)
            if count != 1:
                issues.append(ContentIssue("missing-heading" if count == 0 else "duplicate-content", "正文",
                                           f"标题“{part.heading}”{_times(count)}"))
        if part.text:
            marker = probe_text(part.text)
            count = outside.count(marker)
            if count != 1:
                label = fmt.text_section(part.text).label
                issues.append(ContentIssue("missing-text" if count == 0 else "duplicate-content", "正文",
                                           f"“{label}”的文字（text.{part.text}）{_times(count)}"))
    all_text = rendered.text
    used_tables: set[int] = set()
    for table in fmt.tables:
        issues += _compare_table(rendered, fmt, table, place, used_tables, all_text)
    return issues


def _values_in(rows: list[list[str]], fmt: ReportFormat, table: Table) -> int:
    markers = {probe_value(fmt, c.key) for c in table.cells if c.kind == "value"}
    return sum(1 for row in rows for cell in row if _norm(cell) in markers)


def _compare_table(rendered: Rendered, fmt: ReportFormat, table: Table, place: str, used: set[int],
                   all_text: str) -> list[ContentIssue]:
    issues: list[ContentIssue] = []
    heading = next((p.heading for p in fmt.parts if p.table == table.key), table.caption)
    scores = [(_values_in(rows, fmt, table), i) for i, rows in enumerate(rendered.tables) if i not in used]
    best = max(scores, default=(0, -1))
    if best[0] == 0:
        return [ContentIssue("missing-table", "正文",
                             f"缺少{table.number}（“{heading}”的表格）：整张表没有出现在报告中。")]
    index = best[1]
    used.add(index)
    rows = rendered.tables[index]
    where_table = f"{place} {index + 1}"
    cells = Counter(_norm(c) for row in rows for c in row)
    marker_row = {_norm(c): r for r, row in enumerate(rows) for c in row}

    def row_of(grid_row: int) -> int | None:
        """The rendered row that shows grid row ``grid_row``'s numbers."""
        for cell in table.cells:
            if cell.kind == "value" and cell.row == grid_row:
                found = marker_row.get(probe_value(fmt, cell.key))
                if found is not None:
                    return found
        return None

    expected = Counter(_norm(c.text) for c in table.cells if c.kind != "value")
    reported: set[str] = set()
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        if cell.kind == "value":
            continue
        text = _norm(cell.text)
        if cells[text] >= expected[text] or text in reported:
            continue
        reported.add(text)
        kind = {"label": "行标签", "header": "列标签", "caption": "表内标题"}[cell.kind]
        rendered_row = row_of(cell.row) if cell.kind == "label" else None
        if rendered_row is not None:
            known = set(expected)
            found = [c for c in rows[rendered_row] if _norm(c) not in known and not re.fullmatch(r"\d+", _norm(c))]
            shown = f"，模板中是“{found[0]}”" if found else ""
            where = f"{where_table} 第 {rendered_row + 1} 行"
        else:
            shown, where = "", where_table
        issues.append(ContentIssue("changed-label", where,
                                   f"{table.number}的{kind}应为“{cell.text}”{shown}。标签必须和国家格式一字不差。"))
    for cell in table.cells:
        if cell.kind != "value":
            continue
        f = fmt.field(cell.key)
        count = len(re.findall(rf"(?<!\d){probe_value(fmt, cell.key)}(?!\d)", all_text))
        if count == 1:
            continue
        rendered_row = row_of(cell.row)
        where = f"{where_table} 第 {rendered_row + 1} 行" if rendered_row is not None else where_table
        issues.append(ContentIssue("missing-value" if count == 0 else "duplicate-content", where,
                                   f"{table.number} {f.row_label} / {f.col_label} 的数字（{{{{ {f.key} }}}}）"
                                   f"{_times(count)}"))
    return issues


# --------------------------------------------------------------------------- entry points
def check_docx_content(path: Path, fmt: ReportFormat) -> list[ContentIssue]:
    from reportgen.render.context import build_context
    from reportgen.render.docx import render_docx

    with tempfile.TemporaryDirectory(prefix="reportgen-check-") as work:
        target = Path(work) / "probe.docx"
        render_docx(path, build_context(probe_data(fmt)), target)
        return compare(read_docx(target), fmt, "表格")


def check_html_content(folder: Path | None, fmt: ReportFormat) -> list[ContentIssue]:
    from reportgen.render.context import build_context
    from reportgen.render.html import render_html

    source = render_html(build_context(probe_data(fmt)), folder, embed_assets=False)
    return compare(read_html(source), fmt, "网页中的表格")
