"""A report as saved from a government web site: the CMS page around it (navigation,
footer), the article's paragraphs, and tables exported from Word (rowspan/colspan,
inline styles), in GBK or UTF-8.

Parsed with lxml.html, which never fetches anything (``no_network``) and resolves
no entities beyond HTML's own; the bytes are decoded by us (meta charset, else
UTF-8, else GB18030) so a page without a declaration still reads.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.core.errors import UnusableInput
from reportgen.data.importers.document import Document
from reportgen.data.importers.source import decode, read_bounded

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "header", "footer",
          "tr", "center", "blockquote", "pre", "dd", "dt", "ul", "ol", "form", "nav", "aside", "main"}
SKIPPED = {"script", "style", "noscript", "template", "iframe", "object", "svg", "select", "button", "head"}
# Site furniture around the article, by the class/id names CMS templates give it.
FURNITURE = ("footer", "foot", "nav", "header", "share", "location", "crumb", "bottom", "copyright", "menu",
             "sidebar", "related", "xgwz", "toolbar")
MAX_SPAN = 100  # a rowspan/colspan beyond any real table: clamp it
MAX_GRID_CELLS = 200_000  # a table this large (after merging) is no report's


def read_html(path: Path) -> Document:
    import lxml.etree
    import lxml.html

    raw = read_bounded(path)
    text = decode(raw, path)
    # We decoded the bytes ourselves; the parser must not re-decode them by the page's meta charset.
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
                                  huge_tree=False)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise UnusableInput(f"{path.name} 不是可以读取的网页（{exc}）。") from None
    doc = Document(path.name, "网页")
    title = root.find(".//title")
    doc.title_hint = title.text_content().strip() if title is not None else ""
    body = root.find("body")
    _walk(body if body is not None else root, doc)
    return doc


def _walk(el, doc: Document) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in SKIPPED:
        return
    names = f"{el.get('class', '')} {el.get('id', '')}".lower() if tag else ""
    if tag in ("nav", "footer") or any(word in names for word in FURNITURE):
        return
    if tag == "table" and not el.xpath(".//table"):  # a data table (a layout table holds others)
        _table(el, doc)
        return
    block = tag in BLOCKS
    if block:
        doc.paragraph_break()
    if tag == "br":
        doc.paragraph_break()
    if el.text:
        doc.prose(el.text)
    for child in el:
        _walk(child, doc)
        if child.tail:
            doc.prose(child.tail)
    if block:
        doc.paragraph_break()


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(str(cell.get(name, "1")).strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


def expand_grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str | None]]:
    """Rows of (text, rowspan, colspan) cells as a grid: each cell's text at its
    top-left position, None where a merged cell continues."""
    grid: list[list[str | None]] = []
    taken: set[tuple[int, int]] = set()
    if sum(rowspan * colspan for cells in rows for _, rowspan, colspan in cells) > MAX_GRID_CELLS:
        raise UnusableInput(f"网页中有一个表格过大（超过 {MAX_GRID_CELLS} 个格子），不是年度报告的表格。")
    for r, cells in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
                    while len(grid) <= r + dr:
                        grid.append([])
                    row = grid[r + dr]
                    while len(row) <= c + dc:
                        row.append(None)
                    row[c + dc] = text if (dr, dc) == (0, 0) else None
            c += colspan
    return grid


def _table(table, doc: Document) -> None:
    rows = []
    for tr in table.iter("tr"):
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            cells.append((" ".join(td.text_content().split()), _span(td, "rowspan"), _span(td, "colspan")))
        rows.append(cells)
    doc.paragraph_break()
    for row in expand_grid(rows):
        for text in row:
            if text is not None:
                doc.cell(text)
        doc.paragraph_break()
