"""Standard sentences a clerk starts from, marked for the clerk to edit.

- :func:`standard_text`: the 前言 and the part 六 fee sentence of a fresh workbook
  (``new-workbook``; ``distribute`` calls it too, through :func:`write_workbook`).
- :func:`draft_from_tables`: for the text parts still empty, the sentences that
  follow from the tables (“（二）依申请公开情况。2023年，本机关收到政府信息公开申请0件。”).
(``reportgen draft`` writes them into a copy of a workbook: :mod:`reportgen.data.workbook.draft`.)

Every drafted paragraph starts with :data:`DRAFT_MARK`; ``check`` reports each one
as an 错误 (``draft-text``) until the clerk has read it and removed the mark, so no
report is rendered with an unread draft in it.
"""

from __future__ import annotations

from reportgen.data.model import Paragraph, ReportData
from reportgen.formats.spec import ReportFormat

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
