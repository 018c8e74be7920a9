"""Make published reports the way agencies publish them, from report data: a page
saved from a government CMS (Word-exported HTML tables with rowspan/colspan and
inline styles, site navigation around the article, GBK or UTF-8) and a .docx
with Word tables (merged cells).  Used by the import tests and by
``tools/make_import_fixtures.py`` (which writes tests/data/import/).

Every label comes from the format definition; a ``Variant`` changes the layout
the way real reports do (a typo, the 2019 layout, a dropped row or part, a blank row).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportgen.formats import DEFAULT_FORMAT
from reportgen.formats.gov2019 import LAYOUT as LAYOUT_2019
from reportgen.formats.gov2019 import T2_BLOCKS as T2_BLOCKS_2019
from reportgen.formats.gov2021 import T2_BLOCKS, T2_CONTENT_HEADER
from reportgen.data.model import ReportData
from reportgen.formats.spec import ReportFormat

FMT: ReportFormat = DEFAULT_FORMAT


@dataclass
class Variant:
    """How a published report departs from the format."""

    typos: dict[str, str] = field(default_factory=dict)  # label -> as printed
    t3_2019: bool = False  # one （六）其他处理 row instead of three
    t2_2019: bool = False  # table 2 as the 2019 trial format printed it
    drop_rows: tuple[str, ...] = ()  # row keys ("regulations") left out
    blank_rows: tuple[str, ...] = ()  # row keys printed with empty cells
    drop_parts: tuple[str, ...] = ()  # part headings left out (with their text)


@dataclass
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: bool = False


@dataclass
class PrintedTable:
    number: str
    ncols: int
    cells: list[Cell]

    @property
    def nrows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)


def _value(data: ReportData, key: str, blank: bool) -> str:
    v = data.values.get(key)
    if blank or v is None:
        return ""
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def _row_key(key: str) -> str:
    return key.split(".")[1]


def printed_tables(data: ReportData, variant: Variant | None = None) -> list[PrintedTable]:
    variant = variant or Variant()
    t2 = _table2_2019(data) if variant.t2_2019 else _simple(data, FMT.table("t2"), variant)
    return [t2, _table3(data, variant), _simple(data, FMT.table("t4"), variant)]


def _table2_2019(data: ReportData) -> PrintedTable:
    """Table 2 as the 2019 trial format printed it (five items, other columns): the
    regulation rows carry this year's documents, the decision rows a 0 for last year's
    items and their change, the fee and procurement rows 0."""
    current = [key for key, _ in T2_BLOCKS[0][2]]  # regulations, normative_documents
    cells: list[Cell] = []
    r = 0
    for caption, column_pairs, row_pairs, _ in T2_BLOCKS_2019:
        columns = [label for _, label in column_pairs]
        rows = [label for _, label in row_pairs]
        targets = [key for key, _ in column_pairs]
        cells.append(Cell(r, 0, caption, colspan=4))
        cells.append(Cell(r + 1, 0, T2_CONTENT_HEADER))
        for i, label in enumerate(columns):
            cells.append(Cell(r + 1, 1 + i, label, colspan=2 if len(columns) == 2 and i == 1 else 1))
        r += 2
        for j, label in enumerate(rows):
            if caption == T2_BLOCKS[0][0]:
                key = f"t2.{current[j]}"
                values = [_value(data, f"{key}.issued", False)] * 2 + [_value(data, f"{key}.in_force", False)]
            else:
                row_key = next((k for _, c, rs, _ in T2_BLOCKS for k, lab in rs if lab == label), "")
                values = ["0"] * len(columns)
                if "decisions" in targets and row_key:
                    values[targets.index("decisions")] = _value(data, f"t2.{row_key}.decisions", False)
            cells.append(Cell(r, 0, label))
            for i, value in enumerate(values):
                cells.append(Cell(r, 1 + i, value, colspan=2 if len(values) == 2 and i == 1 else 1, value=True))
            r += 1
    return PrintedTable("表二", 4, cells)


def _simple(data: ReportData, table, variant: Variant) -> PrintedTable:
    """Tables 2 and 4 as the format draws them (rows dropped or blanked, labels changed)."""
    cells, out_row = [], 0
    for cells_in_row in table.rows():
        keys = {_row_key(c.key) for c in cells_in_row if c.kind == "value"}
        if keys & set(variant.drop_rows):
            continue
        for c in cells_in_row:
            if c.kind == "value":
                text = _value(data, c.key, bool(keys & set(variant.blank_rows)))
            else:
                text = variant.typos.get(c.text, c.text)
            # rows() groups cells by the row they start in; a cell keeps its spans.
            cells.append(Cell(out_row, c.col, text, c.rowspan, c.colspan, c.kind == "value"))
        out_row += 1
    return PrintedTable(table.number, table.ncols, cells)


def _table3(data: ReportData, variant: Variant) -> PrintedTable:
    """Table 3: headers as defined; label columns merged where the label path repeats."""
    table = FMT.table("t3")
    cells = [Cell(c.row, c.col, variant.typos.get(c.text, c.text), c.rowspan, c.colspan)
             for c in table.cells if c.kind == "header"]
    first = table.header_rows
    rows: list[tuple[tuple[str, ...], list[str]]] = []
    value_rows = [r for r in table.rows() if any(c.kind == "value" for c in r)]
    # Each value row's label path: the label cells covering its grid row.
    label_cells = [c for c in table.cells if c.kind == "label"]
    done_2019 = False
    for cells_in_row in value_rows:
        grid_row = cells_in_row[0].row
        keys = [c.key for c in cells_in_row if c.kind == "value"]
        row_key = _row_key(keys[0])
        path = tuple(c.text for c in sorted(label_cells, key=lambda c: c.col)
                     if c.row <= grid_row < c.row + c.rowspan)
        if row_key in variant.drop_rows:
            continue
        if variant.t3_2019 and len(path) == 3 and path[1] == LAYOUT_2019.rows[0][1]:
            if done_2019:
                continue
            done_2019 = True
            values = []  # the three （六） rows summed into the old single row
            for col in keys:
                col_key = col.split(".")[2]
                total = sum(data.values.get(f"t3.{r}.{col_key}") or 0
                            for r in ("other_no_correction", "other_fee_unpaid", "other_other"))
                values.append(str(total))
            rows.append((path[:2], values))
            continue
        rows.append((path, [_value(data, k, row_key in variant.blank_rows) for k in keys]))
    for i, (path, values) in enumerate(rows):
        r = first + i
        for level, text in enumerate(path):
            leaf = level == len(path) - 1
            prev = rows[i - 1][0] if i else ()
            if not leaf and prev[: level + 1] == path[: level + 1]:
                continue  # merged into the cell above
            span = 1
            if not leaf:
                while i + span < len(rows) and rows[i + span][0][: level + 1] == path[: level + 1]:
                    span += 1
            cells.append(Cell(r, level, variant.typos.get(text, text), span, 3 - level if leaf else 1))
        for j, value in enumerate(values):
            cells.append(Cell(r, 3 + j, value, value=True))
    return PrintedTable(table.number, table.ncols, cells)


# --------------------------------------------------------------------------- web page
PAGE_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title}_政府信息公开年报_{agency}</title>
<style>.nav li{{float:left}} p.MsoNormal{{margin:0cm;text-align:justify;font-size:10.5pt;font-family:Calibri}}</style>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
</head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="{agency}"></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="/zwfw/">政务服务</a></li></ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/nb/">政府信息公开年报</a></div>
<div class="article">
<h1 class="title" style="font-size:22px;text-align:center">{title}</h1>
<div class="info">发布时间：{date} &nbsp; 来源：{agency} &nbsp; 浏览次数：1024 &nbsp; <a href="javascript:window.print()">【打印】</a></div>
<div class="TRS_Editor"><div class=WordSection1 style='layout-grid:15.6pt'>
"""
PAGE_TAIL = """</div></div></div>
<div class="share">分享到：<a>微信</a> <a>微博</a></div>
<div class="footer"><p>主办：{agency} &nbsp; 网站标识码：3501280001 &nbsp; 闽ICP备05001234号-1</p>
<p>联系电话：0591-23165370 &nbsp; 版权所有</p></div>
</body></html>
"""
P_STYLE = "text-indent:32.0pt;line-height:28.0pt;mso-line-height-rule:exactly"
SPAN_STYLE = "font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:宋体"
TD_STYLE = ("border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt;"
            "height:21.0pt")


def _p(text: str, heading: bool = False) -> str:
    family = "黑体" if heading else "仿宋_GB2312"
    return (f"<p class=MsoNormal style='{P_STYLE}'><span style='font-size:16.0pt;font-family:{family}'>"
            f"{html.escape(text)}<span lang=EN-US><o:p></o:p></span></span></p>\n")


def _html_table(t: PrintedTable) -> str:
    out = ["<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=600 "
           "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
           "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n"]
    for r in range(t.nrows):
        out.append(f"<tr style='mso-yfti-irow:{r};height:21.0pt'>\n")
        for c in sorted((c for c in t.cells if c.row == r), key=lambda c: c.col):
            spans = (f" rowspan={c.rowspan}" if c.rowspan > 1 else "") + (f" colspan={c.colspan}" if c.colspan > 1 else "")
            text = html.escape(c.text) if c.text else "&nbsp;"
            out.append(f"  <td{spans} valign=middle style='{TD_STYLE}'><p class=MsoNormal align=center "
                       f"style='text-align:center'><span lang=EN-US style='font-size:10.5pt;font-family:宋体'>"
                       f"{text}</span></p></td>\n")
        out.append("</tr>\n")
    out.append("</table>\n")
    return "".join(out)


def _body(data: ReportData, variant: Variant | None) -> list[tuple[str, object]]:
    """The report in order: ("heading"|"para"|"table", content)."""
    variant = variant or Variant()
    tables = {t.number: t for t in printed_tables(data, variant)}
    out: list[tuple[str, object]] = []
    for part in FMT.parts:
        if part.heading in variant.drop_parts:
            continue
        if part.heading:
            out.append(("heading", part.heading))
        if part.text:
            out += [("para", p.plain()) for p in data.text.get(part.text, [])]
        if part.table:
            out.append(("table", tables[FMT.table(part.table).number]))
    return out


def write_page(data: ReportData, path: Path, variant: Variant | None = None, charset: str = "utf-8") -> Path:
    """A saved CMS page; ``charset="gbk"`` writes GBK bytes with a gb2312 meta declaration."""
    meta = "gb2312" if charset == "gbk" else charset
    parts = [PAGE_HEAD.format(charset=meta, title=data.title, agency=data.agency,
                              date=data.info.get("publication_date") or "")]
    for kind, content in _body(data, variant):
        if kind == "table":
            parts.append(_html_table(content))  # type: ignore[arg-type]
        else:
            parts.append(_p(str(content), heading=kind == "heading"))
    parts.append(PAGE_TAIL.format(agency=data.agency))
    Path(path).write_bytes("".join(parts).encode(charset))
    return Path(path)


# --------------------------------------------------------------------------- Word
def write_docx(data: ReportData, path: Path, variant: Variant | None = None) -> Path:
    """A .docx with the title, the parts as paragraphs and the tables as Word tables (merged cells)."""
    import docx

    document = docx.Document()
    document.add_paragraph(data.agency)
    document.add_paragraph(f"{data.year}年政府信息公开工作年度报告")
    for kind, content in _body(data, variant):
        if kind != "table":
            document.add_paragraph(str(content))
            continue
        t: PrintedTable = content  # type: ignore[assignment]
        table = document.add_table(rows=t.nrows, cols=t.ncols)
        table.style = "Table Grid"
        for c in t.cells:
            cell = table.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                cell = cell.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            cell.text = c.text
    document.save(str(path))
    return Path(path)


# --------------------------------------------------------------------------- the true values
def expected_values(case: str, cases: Path) -> dict[str, object]:
    """Every table value of a real report, keyed as the format keys them, straight from
    tests/data/cases/tables.json (its own plain layout, documented in the cases README)."""
    import json

    from reportgen.formats.gov2021 import T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS

    tables = json.loads((cases / "tables.json").read_text(encoding="utf-8"))[case]
    out: dict[str, object] = {}
    t2 = tables["t2"]
    for row, name in (("regulations", "reg"), ("normative_documents", "norm")):
        for col, value in zip(("issued", "repealed", "in_force"), t2[name]):
            out[f"t2.{row}.{col}"] = value
    for row in ("licensing", "penalty", "coercion"):
        out[f"t2.{row}.decisions"] = t2[row]
    out["t2.fees.amount"] = Decimal(t2["fee"])
    for (row, _), values in zip(T3_ROWS, tables["t3"].values()):
        for (col, _), value in zip(T3_COLUMNS, values):
            out[f"t3.{row}.{col}"] = value
    for (group, _), values in zip(T4_GROUPS, tables["t4"]):
        for (col, _), value in zip(T4_COLUMNS, values):
            out[f"t4.{group}.{col}"] = value
    return out


def wrong_cells(values: dict[str, object], expected: dict[str, object]) -> dict[str, tuple[object, object]]:
    """{key: (read, true)} for every cell read differently from the truth."""
    return {k: (values.get(k), v) for k, v in expected.items() if values.get(k) != v}
