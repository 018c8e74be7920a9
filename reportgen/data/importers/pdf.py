"""A text PDF (as published, usually exported from Word): tables through pdfplumber's
ruling-line detection, prose from the text lines outside the tables.

A scanned PDF has no text layer; it is refused with a plain-Chinese sentence
(reportgen does no OCR: it must be deterministic and offline)."""

from __future__ import annotations

import re
from pathlib import Path

from reportgen.core.errors import UnusableInput
from reportgen.data.importers.document import Document, is_value_cell
from reportgen.data.importers.source import read_bounded

PAGE_NUMBER = re.compile(r"^[-—–\s]*\d+[-—–\s]*$")
CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])")
PROSE_CHARS = 24  # a one-cell table row this long is a line of text, not a label
INDENT = 8  # points: a line starting this far right of the page's text edge opens a paragraph


def read_pdf(path: Path) -> Document:
    import io

    try:
        import pdfplumber
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError:  # an optional dependency
        raise UnusableInput("读取 PDF 需要 pdfplumber：请运行 pip install pdfplumber（或 pip install \"reportgen[pdf]\"）。") \
            from None
    raw = read_bounded(path)
    if not raw.lstrip()[:5].startswith(b"%PDF-"):
        raise UnusableInput(f"{path.name} 不是 PDF 文件（文件开头没有 PDF 标记），可能已损坏或扩展名不对。")
    doc = Document(path.name, "PDF")
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if not any(page.chars for page in pdf.pages):
                raise UnusableInput(f"{path.name} 是扫描件（只有图片，没有文字层），reportgen 无法读取其中的文字和表格。"
                                    f"请找到该报告的网页版、Word 版或可复制文字的 PDF。")
            pages = [_items(page) for page in pdf.pages]
    except UnusableInput:
        raise
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError):
        raise UnusableInput(f"{path.name} 不是可以读取的 PDF 文件。") from None
    except Exception as exc:  # pdfminer raises its own types for broken or encrypted files
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise UnusableInput(f"{path.name} 设置了密码，无法读取。") from None
        raise UnusableInput(f"{path.name} 无法读取，文件可能已损坏。") from None
    # The text edge: where most lines start (a short line further left must not make every line "indented").
    starts = [round(obj["x0"]) for items in pages for _, kind, obj in items if kind == "line"]
    left = max(set(starts), key=starts.count) if starts else 0
    for items in pages:
        for _, kind, obj in items:
            if kind == "table":
                for row in obj:
                    filled = [cell for cell in row if cell]
                    if len(filled) == 1 and len(filled[0]) > PROSE_CHARS and not is_value_cell(filled[0]):
                        # A line of running text the ruling-line detection took into a table.
                        doc.prose(_unspaced(filled[0].replace("\n", "")))
                        continue
                    for cell in row:
                        if cell is not None:
                            doc.cell(cell.replace("\n", ""))
                    doc.paragraph_break()
            else:
                if obj["x0"] > left + INDENT:
                    doc.paragraph_break()
                doc.prose(_unspaced(obj["text"]))
    return doc


def _unspaced(text: str) -> str:
    """PDF text extraction puts spaces between Chinese and digits that the document does not have."""
    return CJK_SPACE.sub("", text)


def _items(page) -> list[tuple[float, str, object]]:
    """A page's text lines and tables (as rows of cells), top to bottom."""
    # A frame round the text is found as a one-column "table": real tables have columns.
    tables = [t for t in page.find_tables() if max((len(r.cells) for r in t.rows), default=0) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    items: list[tuple[float, str, object]] = []
    for line in page.filter(outside).extract_text_lines(return_chars=False):
        if not PAGE_NUMBER.match(line["text"]):
            items.append((line["top"], "line", line))
    for table in tables:
        items.append((table.bbox[1], "table", table.extract()))
    items.sort(key=lambda item: item[0])
    return items
