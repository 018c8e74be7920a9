"""What an agency published against the workbook its office accepted (``audit --against``).

Every difference is a finding at its place: the title (agency, year), each table cell, each
sentence of the text parts, and the 落款 (date) and the closing details (website, contact).
A cell the published report printed with run-together digits is a difference only when the
accepted number is not one of its readings (then it is not a doubt any more: the accepted
number is one the report can be read as).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Iterator

from reportgen.data.importers.common import CLOSING_CONTACT, CLOSING_WEBSITE
from reportgen.data.model import ReportData
from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location

SENTENCE_END = re.compile(r"(?<=[。；！？!?;])")
SHOWN_CHARS = 60  # of a sentence in a message


def _sentences(data: ReportData, key: str) -> list[str]:
    """A text part as sentences, spaces removed (paragraph breaks differ between forms; words do not),
    without the closing sentences an imported report keeps as details (compared there)."""
    text = re.sub(r"\s+", "", "".join(p.heading + p.text for p in data.text.get(key, [])))
    return [s for s in SENTENCE_END.split(text)
            if s and not any(pattern.fullmatch(s) for pattern in (CLOSING_WEBSITE, CLOSING_CONTACT))]


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _label(data: ReportData, key: str) -> str:
    """The format's own label of a basic-information field (机关名称, 发布日期 …)."""
    return next(i.label for i in data.format.info_fields if i.key == key)


def _shown(value: object) -> str:
    return "（空）" if value is None or value == "" else str(value)


def compare_published(published: ReportData, accepted: ReportData, accepted_name: str) -> Iterator[Finding]:
    """Every difference between a published report and the accepted workbook it should show."""
    if published.format is not accepted.format:
        yield F.make("against-format", Location("报告"), value=published.format.name, expected=accepted.format.name,
                     workbook=accepted_name)
        return
    for key in ("agency", "year"):
        label = _label(published, key)
        if published.info.get(key) != accepted.info.get(key):
            yield F.make("against-title", Location("标题", "", label), value=_shown(published.info.get(key)),
                         expected=_shown(accepted.info.get(key)), label=label, workbook=accepted_name)
    yield from _cells(published, accepted, accepted_name)
    for section in published.format.text_sections:
        yield from _text(published, accepted, section.key, section.label, accepted_name)
    yield from _closing(published, accepted, accepted_name)


def _cells(published: ReportData, accepted: ReportData, accepted_name: str) -> Iterator[Finding]:
    for f in published.format.fields:
        mine, theirs = published.values.get(f.key), accepted.values.get(f.key)
        if f.key in published.unread:
            note = published.unread[f.key]
            readings = re.findall(r"\d+(?:\.\d+)?", note.split("可能是", 1)[1]) if "可能是" in note else []
            if theirs is not None and str(theirs) in readings:
                continue  # the accepted number is one the published digits can be read as
        elif mine == theirs:
            continue
        where = Location.of(f)
        yield F.make("against-cell", where, value=_shown(published.unread.get(f.key, mine)),
                     expected=_shown(theirs), key=f.key, cells=(f.cell,), workbook=accepted_name)


def _text(published: ReportData, accepted: ReportData, key: str, label: str, accepted_name: str) -> Iterator[Finding]:
    mine, theirs = _sentences(published, key), _sentences(accepted, key)
    where = Location("文字部分", "", label)
    for op, a1, a2, b1, b2 in SequenceMatcher(a=theirs, b=mine, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        before, after = "".join(theirs[a1:a2]), "".join(mine[b1:b2])
        yield F.make("against-text", where, value=_short(after) or "（无）", expected=_short(before) or "（无）",
                     label=label, workbook=accepted_name)


def _closing(published: ReportData, accepted: ReportData, accepted_name: str) -> Iterator[Finding]:
    date, expected = published.info.get("publication_date") or "", accepted.info.get("publication_date") or ""
    if expected and date != expected:
        label = _label(published, "publication_date")
        yield F.make("against-signature", Location("落款", "", label), value=_shown(date), expected=expected,
                     label=label, workbook=accepted_name)
    everything = re.sub(r"\s", "", "".join(str(v) for v in published.info.values()) + "".join(
        p.heading + p.text for paragraphs in published.text.values() for p in paragraphs)).lower()
    for key in ("website", "contact"):
        label = _label(published, key)
        wanted = re.sub(r"^https?://|/$", "", re.sub(r"\s", "", str(accepted.info.get(key) or "")).lower())
        if wanted and wanted not in everything:
            yield F.make("against-signature", Location("结束语", "", label), value="（没有找到）",
                         expected=accepted.info.get(key), label=label, workbook=accepted_name)
