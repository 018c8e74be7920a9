"""Plain text copied from a web page (or saved as .txt): table cells may run together."""

from __future__ import annotations

from pathlib import Path

from reportgen.data.importers.document import Document
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
                doc.cell(cell)
        else:
            doc.prose(line)
        doc.paragraph_break()
    return doc
