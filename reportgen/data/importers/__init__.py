"""Published reports (web page, Word, PDF, text) → the same ReportData the workbook reader gives,
so that every check applies to both.

    from reportgen.data.importers import import_report
    result = import_report("洪泽区2023年报.pdf")
    result.data.values["t4.review.upheld"]   # 10
    result.findings                          # import findings: rows not found, labels, layout…

Each input form is one small module that turns the file into a
:class:`~.document.Document`; :mod:`.common` finds everything in it by the labels
of the format definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from reportgen.core.errors import UnusableInput
from reportgen.formats.findings import Finding
from reportgen.formats import DEFAULT_FORMAT, format_for_year
from reportgen.data.model import ReportData
from reportgen.formats.spec import ReportFormat
from reportgen.data.importers.document import Document

FORMS: dict[str, str] = {".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
                         ".docx": "docx", ".pdf": "pdf", ".txt": "text"}
SUFFIXES = tuple(FORMS)


@dataclass
class ImportResult:
    """A published report, imported: its data and what importing it found."""

    path: Path
    form: str  # "网页", "Word 文件", "PDF", "文本"
    data: ReportData
    findings: list[Finding] = field(default_factory=list)


def _reader(path: Path) -> Callable[[Path], Document]:
    kind = FORMS.get(path.suffix.lower())
    if kind is None:
        raise UnusableInput(f"{path.name}：不认识的报告文件类型“{path.suffix or '（无扩展名）'}”。"
                            f"可以导入网页（.html/.htm）、Word（.docx）、PDF（.pdf）和文本（.txt）。")
    if kind == "html":
        from reportgen.data.importers.html import read_html
        return read_html
    if kind == "docx":
        from reportgen.data.importers.docx import read_docx
        return read_docx
    if kind == "pdf":
        from reportgen.data.importers.pdf import read_pdf
        return read_pdf
    from reportgen.data.importers.text import read_text
    return read_text


def import_report(path: Path | str, fmt: ReportFormat | None = None) -> ImportResult:
    """Import one published report.  Raises UnusableInput (one plain-Chinese sentence)
    for a file that cannot be read at all."""
    from reportgen.data.importers.common import read_document

    path = Path(path)
    doc = _reader(path)(path)
    if not doc.flat.strip():
        raise UnusableInput(f"{path.name} 中没有文字。")
    data, findings = read_document(doc, fmt or DEFAULT_FORMAT)
    if fmt is None and data.year is not None and not DEFAULT_FORMAT.applies_to(data.year):
        # A 2019 or 2020 report: read and checked under the format of its year.
        fmt = format_for_year(data.year)
        if fmt is not DEFAULT_FORMAT:
            data, findings = read_document(doc, fmt)
    return ImportResult(path, doc.form, data, findings)


__all__ = ["FORMS", "ImportResult", "SUFFIXES", "import_report"]
