"""Plain text copied from a web page (or saved as .txt): table cells may run together."""

from __future__ import annotations

from pathlib import Path

from .document import Document
from .source import decode, read_bounded


def read_text(path: Path) -> Document:
    """A .txt report: every line is prose; table numbers become digit runs to be split."""
    text = decode(read_bounded(path), path)
    return document_from_text(text, path.name)


def document_from_text(text: str, source: str, form: str = "文本") -> Document:
    doc = Document(source, form)
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        doc.prose(line)
        doc.paragraph_break()
    return doc
