"""Plain text copied from a web page (or saved as .txt): table cells may run together."""

from __future__ import annotations

import re
from pathlib import Path

from reportgen.data.importers.document import Document, is_value_cell
from reportgen.data.importers.source import decode, read_bounded


def read_text(path: Path) -> Document:
    """A .txt report: every line is prose; table numbers become digit runs to be split."""
    text = decode(read_bounded(path), path)
    return document_from_text(text, path.name)


def document_from_text(text: str, source: str, form: str = "文本") -> Document:
    """Lines of prose; a line with tabs is table cells copied with their boundaries
    (browsers copy a table as tab-separated cells, often one cell a line)."""
    doc = Document(source, form)
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if "\t" in line:
            first, *cells = line.split("\t")
            if first.strip():
                doc.prose(first)
            for cell in cells:
                _cell(doc, cell)
        else:
            doc.prose(line)
        doc.paragraph_break()
    return doc


# A tab cell that runs on into the next row's label: a page flattened to one line keeps a tab
# before each number but not before a label (“…予以公开\t7\t0\t7 （二）部分公开\t0…”).
CELL_THEN_TEXT = re.compile(r"\s*(?P<cell>\S+)\s+(?P<text>\S.*)", re.S)


def _cell(doc: Document, text: str) -> None:
    """One tab cell; a number followed by text is the number's cell and then prose (the text
    is the next row's label, not part of this cell)."""
    m = CELL_THEN_TEXT.fullmatch(text)
    if m and is_value_cell(m.group("cell")) and not is_value_cell(m.group("text")):
        doc.cell(m.group("cell"))
        doc.prose(m.group("text"))
    else:
        doc.cell(text)
