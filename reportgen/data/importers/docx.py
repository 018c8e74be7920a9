"""A report as a Word .docx: paragraphs and Word tables (merged cells: gridSpan,
vMerge) straight from word/document.xml, inflated through the zip guard
(:mod:`reportgen.core.zipguard`) and parsed by lxml with no entity expansion and no
network."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from reportgen.core.errors import UnusableInput
from reportgen.core.zipguard import open_package, read_member
from reportgen.data.importers.document import Document
from reportgen.data.importers.source import read_bounded

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> Document:
    from lxml import etree

    raw = read_bounded(path)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnusableInput(f"{path.name} 是旧版 .doc 格式或设置了密码。请用 Word/WPS 打开后另存为 .docx 再导入。")
    try:
        with open_package(raw, path.name) as archive:
            xml = read_member(archive, "word/document.xml", path.name)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, zlib.error):
        raise UnusableInput(f"{path.name} 不是有效的 Word 文件（.docx）。") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise UnusableInput(f"{path.name} 的正文已损坏，无法读取（{exc}）。") from None
    doc = Document(path.name, "Word 文件")
    body = root.find(f"{W}body")
    if body is None:
        raise UnusableInput(f"{path.name} 没有正文。")
    for child in body:
        if child.tag == f"{W}p":
            doc.prose(_text(child))
            doc.paragraph_break()
        elif child.tag == f"{W}tbl":
            _table(child, doc)
    return doc


def _text(el) -> str:
    """A paragraph's (or cell's) visible text: w:t, tabs and breaks."""
    out = []
    for node in el.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}p"):
        if node.tag == f"{W}t":
            out.append(node.text or "")
        elif node.tag == f"{W}p" and out:
            out.append("\n")
        else:
            out.append(" ")
    return "".join(out)


def _table(tbl, doc: Document) -> None:
    """Word rows as rows of cells: a cell spanning columns (gridSpan) is one cell, a
    vertically merged continuation (vMerge without restart) is no cell — as a merged
    cell of an HTML table is."""
    doc.paragraph_break()
    for tr in tbl.iter(f"{W}tr"):
        if tr.getparent() is not tbl:
            continue  # a table nested in a cell: its text is part of that cell
        for tc in tr.findall(f"{W}tc"):
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val", "continue") != "restart":
                continue
            doc.cell(" ".join(_text(tc).split()))
        doc.paragraph_break()
