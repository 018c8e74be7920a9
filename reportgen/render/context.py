"""Report data → the template context: the variables every template (Word or HTML) sees.

The variables are documented in docs/templates.md, generated from
:func:`variable_reference`, so that the list cannot drift from what is passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import CONTROL_CHARS, ReportData, Value, nest
from ..safety import clean_text
from ..spec import ReportFormat, Table

def clean(text: Any) -> str:
    """Text without XML-illegal characters: the reader strips them from workbooks
    already; this catches data that came another way (JSON, Python)."""
    return clean_text(CONTROL_CHARS.sub("", "" if text is None else str(text)))[0]


def format_value(value: Value) -> str:
    """A number as printed in the report: counts as digits, the 万元 amount exactly as entered."""
    if value is None:
        return "0"  # only reachable for data that was not checked: the published table shows 0
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass(frozen=True)
class CellView:
    """One cell of a table as a template draws it."""

    kind: str  # caption, header, label, value
    text: str  # the label, or the formatted value
    rowspan: int
    colspan: int
    key: str = ""
    scope: str = ""  # for HTML <th scope>: col, colgroup, row, rowgroup


@dataclass(frozen=True)
class TableView:
    key: str
    number: str
    caption: str
    rows: list[list[CellView]]
    header_rows: int


def table_view(table: Table, data: ReportData) -> TableView:
    rows = []
    for grid_row in table.rows():
        cells = []
        for cell in grid_row:
            if cell.kind == "value":
                cells.append(CellView("value", format_value(data.values.get(cell.key)), cell.rowspan, cell.colspan,
                                      key=cell.key))
                continue
            if cell.kind == "label":
                scope = "rowgroup" if cell.rowspan > 1 else "row"
            else:
                scope = "colgroup" if cell.colspan > 1 else "col"
            cells.append(CellView(cell.kind, cell.text, cell.rowspan, cell.colspan, scope=scope))
        rows.append(cells)
    return TableView(table.key, table.number, table.caption, rows, table.header_rows)


def build_context(data: ReportData) -> dict[str, Any]:
    """Everything a template may use.  All strings are plain text: the template
    engines escape them (autoescape), so data never becomes markup or template code."""
    fmt = data.format
    info = {f.key: clean(data.info.get(f.key)) for f in fmt.info_fields}
    text = {
        s.key: [{"heading": clean(p.heading), "text": clean(p.text)} for p in data.text.get(s.key, [])]
        for s in fmt.text_sections
    }
    tables = {t.key: table_view(t, data) for t in fmt.tables}
    parts = []
    for part in fmt.parts:
        parts.append({
            "heading": part.heading,
            "key": part.text or part.table,
            "paragraphs": text[part.text] if part.text else [],
            "table": tables[part.table] if part.table else None,
        })
    context: dict[str, Any] = {
        "title": clean(data.title),
        "agency": info.get("agency", ""),
        "year": info.get("year", ""),
        "info": info,
        "text": text,
        "parts": parts,
        "headings": {(p.text or p.table): p.heading for p in fmt.parts if p.heading},
        "tables": tables,
        "format_name": fmt.name,
    }
    context.update(nest({f.key: format_value(data.values.get(f.key)) for f in fmt.fields}))  # t2, t3, t4
    return context


def variable_reference(fmt: ReportFormat) -> list[tuple[str, str]]:
    """(variable, meaning) for the docs and for ``templates check``."""
    rows = [
        ("title", "报告标题：{机关名称}{年度}年政府信息公开工作年度报告"),
        ("agency", "机关名称"),
        ("year", "报告年度"),
        ("format_name", "格式名称"),
    ]
    rows += [(f"info.{f.key}", f.label) for f in fmt.info_fields]
    rows += [(f"text.{s.key}", f"{s.label}：段落列表，每段有 heading（小标题，可空）和 text") for s in fmt.text_sections]
    rows += [(f"headings.{p.text or p.table}", p.heading) for p in fmt.parts if p.heading]
    rows += [("parts", "按顺序的各部分：heading、key、paragraphs（文字部分）、table（表格部分）")]
    rows += [(f"tables.{t.key}", f"{t.number}的单元格：rows（每行的 cells：kind、text、rowspan、colspan、scope、key）、"
                                 f"number、caption、header_rows") for t in fmt.tables]
    rows += [(f.key, f"{f.sheet} {f.row_label} / {f.col_label}") for f in fmt.fields]
    return rows

