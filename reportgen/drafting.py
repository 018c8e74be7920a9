"""Standard sentences a clerk starts from, marked for the clerk to edit.

- :func:`standard_text`: the 前言 and the part 六 fee sentence of a fresh workbook
  (``new-workbook``; ``distribute`` calls it too, through :func:`write_workbook`).
- :func:`draft_from_tables`: for the text parts still empty, the sentences that
  follow from the tables (“（二）依申请公开情况。2023年，本机关收到政府信息公开申请0件。”).
- :func:`draft_workbook`: ``reportgen draft``: a copy of a workbook with those
  sentences written into the empty parts.

Every drafted paragraph starts with :data:`DRAFT_MARK`; ``check`` reports each one
as an 错误 (``draft-text``) until the clerk has read it and removed the mark, so no
report is rendered with an unread draft in it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from .errors import UnusableInput
from .fileio import atomic_path, same_file
from .model import Paragraph, ReportData
from .spec import ReportFormat

DRAFT_MARK = "【草拟，请核改】"


def standard_text(fmt: ReportFormat, year: int | None, agency: str | None = None) -> dict[str, list[Paragraph]]:
    """The 前言 and the fee sentence of part 六, by section key, each marked as a draft."""
    parts = "、".join(p.heading.split("、", 1)[-1] for p in fmt.parts if p.heading)
    who = agency or "本机关"
    title = fmt.title(agency, year) if agency and year else "本报告"
    period = f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。" if year else ""
    preamble = (f"{title}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
                f"《中华人民共和国政府信息公开工作年度报告格式》要求，由{who}编制。"
                f"全文包括{parts}。{period}")
    fee = f"{year}年，本机关未收取信息处理费。" if year else "本年度本机关未收取信息处理费。"
    return {"preamble": [Paragraph(DRAFT_MARK + preamble)], "other_matters": [Paragraph(DRAFT_MARK + fee)]}


def _fact_value(data: ReportData, keys: tuple[str, ...]) -> int | None:
    values = [data.values.get(k) for k in keys]
    return None if any(v is None for v in values) else sum(values)


def draft_from_tables(data: ReportData) -> dict[str, list[Paragraph]]:
    """For every text part that is still empty, the standard sentences that follow from
    the tables (and the 前言 and fee sentence), marked as drafts.  Parts with text are left out."""
    fmt = data.format
    empty = {s.key for s in fmt.text_sections if not data.section_text(s.key).strip()}
    year = data.year if data.year is not None else "本"  # “本年，本机关…” until the year is filled in
    drafted: dict[str, list[Paragraph]] = {}
    groups: dict[tuple[str, str], list[str]] = {}
    for fact in fmt.text_facts:
        if not fact.draft or fact.section not in empty:
            continue
        value = _fact_value(data, fact.readings[0])
        if value is not None:
            groups.setdefault((fact.section, fact.heading), []).append(fact.draft.format(year=year, value=value))
    for (section, heading), clauses in sorted(groups.items(), key=lambda g: (g[0][0], not g[0][1], g[0][1])):
        drafted.setdefault(section, []).append(Paragraph(DRAFT_MARK + "，".join(clauses) + "。", heading))
    for section, paragraphs in standard_text(fmt, data.year, data.agency or None).items():
        if section in empty:
            drafted[section] = paragraphs
    return drafted


@dataclass(frozen=True)
class Drafted:
    """One paragraph ``draft`` wrote: the text sheet's row, its part, its text."""

    row: int
    section: str
    paragraph: Paragraph

    def __str__(self) -> str:
        return f"文字部分 第{self.row}行（{self.section}）：{self.paragraph.plain()}"


def draft_workbook(source: Path | str, target: Path | str) -> list[Drafted]:
    """Write ``target``: ``source`` with the drafted sentences in its empty text parts.
    Rows a fresh workbook pre-labelled for a part are used first, then empty rows below."""
    from openpyxl import load_workbook

    from .safety import write_cell
    from .workbook import layout as L
    from .workbook.reader import read_workbook

    source, target = Path(source), Path(target)
    if same_file(source, target):
        raise UnusableInput(f"草拟后的副本不能覆盖原工作簿 {source.name}，请用 -o 指定另一个文件名。")
    data = read_workbook(source).data
    drafted = draft_from_tables(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(source)
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
            written.append(Drafted(row, label, paragraph))
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return written
