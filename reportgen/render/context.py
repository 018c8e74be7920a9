"""Report data → the template context: the variables every template (Word or HTML) sees.

The variables are documented in docs/templates.md, generated from
:func:`variable_reference`, so that the list cannot drift from what is passed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from reportgen.core.memo import per_object
from reportgen.data.model import ReportData, Value, nest
from reportgen.core.safety import CONTROL_CHARS, clean_text
from reportgen.formats.spec import ReportFormat, Table

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


# Classes templates see as objects (the rest is dicts, lists, strings and numbers).
TEMPLATE_VIEWS = (CellView, TableView)


def table_view(table: Table, data: ReportData, shown: dict[str, str] | None = None) -> TableView:
    """The table as templates draw it; ``shown``: the values already formatted, by key."""
    if shown is None:
        shown = {cell.key: format_value(data.values.get(cell.key)) for cell in table.cells if cell.kind == "value"}
    rows, header_rows = _layout(table)
    cells = [[cell if type(cell) is CellView else _value_view(cell.key, shown[cell.key], cell.rowspan, cell.colspan)
              for cell in row] for row in rows]
    return TableView(table.key, table.number, table.caption, cells, header_rows)


@lru_cache(maxsize=10_000)
def _value_view(key: str, text: str, rowspan: int, colspan: int) -> CellView:
    """A value cell's view, shared by every report that shows the same value there: most
    cells of most reports show 0 or a small number, and a view is immutable."""
    return CellView("value", text, rowspan, colspan, key=key)


@per_object
def _layout(table: Table) -> tuple[list[list[Any]], int]:
    """(the table's rows with every caption, header and label cell as its view — the same
    in every report — and each value cell as its grid cell, its header rows); worked
    out once per table."""
    rows = []
    for grid_row in table.rows():
        cells: list[Any] = []
        for cell in grid_row:
            if cell.kind == "value":
                cells.append(cell)
                continue
            if cell.kind == "label":
                scope = "rowgroup" if cell.rowspan > 1 else "row"
            else:
                scope = "colgroup" if cell.colspan > 1 else "col"
            cells.append(CellView(cell.kind, cell.text, cell.rowspan, cell.colspan, scope=scope))
        rows.append(cells)
    return rows, table.header_rows


def build_context(data: ReportData) -> dict[str, Any]:
    """Everything a template may use.  All strings are plain text: the template
    engines escape them (autoescape), so data never becomes markup or template code."""
    fmt = data.format
    info = {f.key: clean(data.info.get(f.key)) for f in fmt.info_fields}
    text = {
        s.key: [{"heading": clean(p.heading), "text": clean(p.text)} for p in data.text.get(s.key, [])]
        for s in fmt.text_sections
    }
    shown = {f.key: format_value(data.values.get(f.key)) for f in fmt.fields}
    tables = {t.key: table_view(t, data, shown) for t in fmt.tables}
    parts = []
    for part in fmt.parts:
        parts.append({
            "heading": part.heading,
            "key": part.text or part.table,
            "paragraphs": text[part.text] if part.text else [],
            "table": tables[part.table] if part.table else None,
        })
    title = clean(data.title)
    context: dict[str, Any] = {
        "title": title,
        "title_lines": title_lines(title, fmt, info.get("agency", ""), info.get("year", ""),
                                   info.get("title_break", "")),
        "agency": info.get("agency", ""),
        "year": info.get("year", ""),
        "info": info,
        "text": text,
        "parts": parts,
        "headings": {(p.text or p.table): p.heading for p in fmt.parts if p.heading},
        "tables": tables,
        "format_name": fmt.name,
        "closing": closing_sentence(info, text),
        "signature": signature(info.get("agency", ""), chinese_date(info.get("publication_date", ""))),
    }
    context.update(nest(shown))  # t2, t3, t4
    return context


def variable_reference(fmt: ReportFormat) -> list[tuple[str, str]]:
    """(variable, meaning) for the docs and for ``templates check``."""
    rows = [
        ("title", "报告标题：{机关名称}{年度}年政府信息公开工作年度报告"),
        ("title_lines", "报告标题分成的行（在“年度”或“政府信息公开工作年度报告”前自然断开，或按工作簿“标题分行”）"),
        ("closing", "结束语：网站地址和联系方式（“基本信息”中填写、且正文中没有写到时才有；否则为空）"),
        ("signature.agency", "落款：机关名称"),
        ("signature.date", "落款：发布日期，如“2024年1月20日”（未填写时为空）"),
        ("signature.agency_indent", "落款：机关名称前的全角空格，按 GB/T 9704 定位（Word 模板用）"),
        ("signature.date_indent", "落款：成文日期前的全角空格，首字比机关名称首字右移二字（Word 模板用）"),
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



# --------------------------------------------------------------------------- title lines
TITLE_LINE_CHARS = 20  # 2号 (22 pt) characters in the 156 mm text block
TITLE_BREAK_MARKS = re.compile(r"\s*[/／|｜\n]\s*")


def _width(text: str) -> float:
    """Printed width in full-width characters: digits and Latin letters count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def title_lines(title: str, fmt: ReportFormat, agency: str, year: Any, override: str = "") -> list[str]:
    """The title broken into lines at a natural place (GB/T 9704: 词意完整, 梯形或菱形).

    Breaks only before the year or before the words after "YYYY年" (for the national
    format: before "2023年政府信息公开工作年度报告" or "政府信息公开工作年度报告"), never
    inside the agency's name or a word.  The clerk's own split (the 标题分行 field,
    the title with "/" where a line ends) wins when it spells the same title.
    """
    if override:
        lines = [line for line in TITLE_BREAK_MARKS.split(override.strip()) if line]
        if "".join(lines) == title and lines:
            return lines
    if _width(title) <= TITLE_LINE_CHARS or not agency:
        return [title]
    candidates = []
    head, _, tail = fmt.title_pattern.partition("{year}")
    year_at = len(head.format(agency=agency))
    if title[year_at:].startswith(str(year)):
        candidates.append(year_at)  # 湘乡市…局 / 2023年政府信息公开工作年度报告
        after_year = year_at + len(str(year)) + (1 if tail.startswith("年") else 0)
        candidates.append(after_year)  # 平潭综合实验区2021年 / 政府信息公开工作年度报告
    splits = [[title[:at], title[at:]] for at in candidates if 0 < at < len(title)]
    if not splits:
        return [title]

    def badness(lines: list[str]) -> tuple:
        widths = [_width(line) for line in lines]
        too_long = sum(max(0.0, w - TITLE_LINE_CHARS) for w in widths)
        # Fits first, then balanced; on a tie the shorter line on top (正梯形).
        return (too_long, abs(widths[0] - widths[1]), widths[0] > widths[1])

    return min(splits, key=badness)


# --------------------------------------------------------------------------- closing and 落款
def chinese_date(value: Any) -> str:
    """2024-01-20 → 2024年1月20日 (GB/T 9704 成文日期: Arabic numerals, no leading zeros)."""
    text = clean(value).strip()
    match = re.fullmatch(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?", text)
    if match:
        try:
            day = dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return text
        return f"{day.year}年{day.month}月{day.day}日"
    return text


LINE_CHARS = 28  # 3号 characters a body line (GB/T 9704: 28 × 22)
SIGNATURE_RIGHT_CHARS = 2  # 右空二字
SIGNATURE_DATE_SHIFT = 2  # the date's first character two characters right of the agency's
AUTOSPACE = 0.2  # the gap Word, WPS and LibreOffice put between Chinese and digits, in characters


def _printed_width(text: str) -> float:
    """Width in 3号 characters: digits and Latin letters half, plus the automatic gap at
    each change between them and Chinese.  An estimate for digits (their width depends on
    the font); exact for Chinese."""
    changes = sum(1 for a, b in zip(text, text[1:]) if (ord(a) < 0x2E80) != (ord(b) < 0x2E80))
    return _width(text) + AUTOSPACE * changes


def signature(agency: str, date: str) -> dict[str, str]:
    """The 落款 of a report without a seal, GB/T 9704-2012 §7.3.5.2: the agency 右空二字;
    the date on the next line, its first character two characters right of the agency's
    first; a date longer than that is itself 右空二字 and the agency moves left with it.

    The positions depend on the text's width, which no paragraph style can express, so
    the Word template puts full-width spaces (U+3000, one character each) before the two
    left-aligned lines: every suite then starts the date exactly two characters right of
    the agency, whatever the fonts.  Only a date's right end depends on its digits' width."""
    room = LINE_CHARS - SIGNATURE_RIGHT_CHARS  # where a 右空二字 line ends
    starts = [room - _width(agency)] if agency else []
    if date:
        starts.append(room - _printed_width(date) - SIGNATURE_DATE_SHIFT)
    start = max(0, math.floor(min(starts))) if starts else 0
    return {"agency": agency, "date": date, "agency_indent": "\u3000" * start,
            "date_indent": "\u3000" * (start + SIGNATURE_DATE_SHIFT)}


def closing_sentence(info: dict[str, str], text: dict[str, list[dict[str, str]]]) -> str:
    """The closing sentence with the website and the contact, each only when filled in
    and not already written in the report's text (the seed's part 六 names its site)."""
    written = "".join(p["heading"] + p["text"] for paragraphs in text.values() for p in paragraphs)
    written_plain = re.sub(r"\s", "", written).lower()

    def fresh(value: str) -> str:
        value = value.strip()
        bare = re.sub(r"^https?://|/$", "", re.sub(r"\s", "", value).lower())
        return value if value and bare not in written_plain else ""

    website, contact = fresh(info.get("website", "")), fresh(info.get("contact", ""))
    sentences = []
    if website:
        sentences.append(f"如需了解更多政府信息，请登录{website}。")
    if contact:
        sentences.append(f"联系方式：{contact.rstrip('。')}。")
    return "".join(sentences)
