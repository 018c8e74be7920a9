"""``reportgen draft``: a copy of a workbook with the drafted sentences
(:func:`reportgen.data.sentences.draft_from_tables`) written into its empty text parts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import atomic_path, same_file
from reportgen.data.model import Paragraph
from reportgen.data.sentences import draft_from_tables


@dataclass(frozen=True)
class Drafted:
    """One paragraph ``draft`` wrote: the text sheet's row, its part, its text."""

    row: int
    section: str
    paragraph: Paragraph
    why: str = ""  # said when the part already had text

    def __str__(self) -> str:
        why = f"（{self.why}）" if self.why else ""
        return f"文字部分 第{self.row}行（{self.section}）：{self.paragraph.plain()}{why}"


def draft_workbook(source: Path | str, target: Path | str) -> list[Drafted]:
    """Write ``target``: ``source`` with the drafted sentences in its empty text parts.
    Rows a fresh workbook pre-labelled for a part are used first, then empty rows below."""
    from reportgen.core.safety import write_cell
    from reportgen.data.workbook.package import openpyxl_workbook
    from reportgen.data.workbook import layout as L
    from reportgen.data.workbook.reader import read_workbook

    source, target = Path(source), Path(target)
    if same_file(source, target):
        raise UnusableInput(f"草拟后的副本不能覆盖原工作簿 {source.name}，请用 -o 指定另一个文件名。")
    data = read_workbook(source).data
    drafted = draft_from_tables(data)
    # from the bytes (openpyxl_workbook): openpyxl judges a file by its name, the reader above by its content
    wb = openpyxl_workbook(source)
    ws = wb[L.TEXT_SHEET]
    cols = (L.TEXT_SECTION_COL, L.TEXT_HEADING_COL, L.TEXT_BODY_COL)

    def empty(row: int) -> bool:
        return all(ws.cell(row=row, column=c).value in (None, "") for c in cols[1:])

    def label_of(row: int) -> str:
        return str(ws.cell(row=row, column=L.TEXT_SECTION_COL).value or "").strip()

    rows = range(L.TEXT_FIRST_ROW, ws.max_row + 1)
    used = max([r for r in rows if label_of(r) or not empty(r)], default=L.TEXT_FIRST_ROW - 1)
    free = iter(range(used + 1, used + 1 + 1000))
    written: list[Drafted] = []
    for section in data.format.text_sections:
        label = section.label
        labelled = [r for r in range(L.TEXT_FIRST_ROW, used + 1)
                    if label_of(r) == label and empty(r)]
        for paragraph in drafted.get(section.key, []):
            row = labelled.pop(0) if labelled else next(free)
            write_cell(ws.cell(row=row, column=L.TEXT_SECTION_COL), label)
            write_cell(ws.cell(row=row, column=L.TEXT_HEADING_COL), paragraph.heading or None)
            write_cell(ws.cell(row=row, column=L.TEXT_BODY_COL), paragraph.text)
            why = (f"这一部分已有文字，但没有说明{data.format.fee_keyword}"
                   if data.section_text(section.key).strip() else "")
            written.append(Drafted(row, label, paragraph, why))
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return written
