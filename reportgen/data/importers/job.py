"""One document being imported: what every stage of the reader adds to."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.data.importers.document import Document
from reportgen.data.model import ReportData
from reportgen.formats.findings import Finding
from reportgen.formats.spec import ReportFormat


@dataclass
class ImportJob:
    """The document, the format it is read under, the report data so far and the import findings."""

    doc: Document
    fmt: ReportFormat
    data: ReportData
    findings: list[Finding] = field(default_factory=list)
    title: str = ""  # the title as the document prints it first (normalised), to know it again

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)
