"""Numbers stated in the text against the tables (提醒 only).

The format definition lists what the text may state about the tables
(:class:`reportgen.formats.spec.TextFact`: applications received, 行政复议, 行政诉讼, …) and
the phrases reports use.  Each clause of the text is searched for such a phrase with
a count of 件 (起, 宗) next to it, Arabic or Chinese numerals (三件, 一百零五件), or a
phrase that states zero (“未接收到…申请”).  Numbers about something else (主动公开
信息32条, dates, 第3) are not counts of 件 next to one of these phrases, so they are
left alone.  Only a difference from every accepted reading is reported, naming both
the sentence's cell and the table's cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from reportgen.formats import findings as F
from reportgen.core.memo import per_object
from reportgen.formats.findings import Finding, Location
from reportgen.data.model import ReportData
from reportgen.formats.spec import TextFact
from reportgen.data.workbook import layout as L
from reportgen.checks.arithmetic import arith_value
from reportgen.checks.base import CheckContext, field_location

CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMBER = r"([0-9０-９]+|[零〇一二两三四五六七八九十百千万]+)"
UNIT = r"\s*(?:件|起|宗|份)"
GAP = r"[^，,。；;！!？?\n“”\"0-9０-９零〇一二两三四五六七八九十百千万第]{0,12}?"
MAX_TEXT = 20_000  # characters of one paragraph searched (a pasted book is not a report)


def chinese_number(text: str) -> int | None:
    """“三” → 3, “十二” → 12, “一百零五” → 105, “２０” → 20; None when it is not a number."""
    import unicodedata

    ascii_digits = unicodedata.normalize("NFKC", text)
    if ascii_digits.isdigit():
        return int(ascii_digits)
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            unit = CN_UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class _FactPatterns:
    """One fact's phrases compiled once (a check searches every clause for every fact)."""

    exclude: re.Pattern | None
    after: re.Pattern
    before: re.Pattern
    between: re.Pattern | None
    zero: re.Pattern | None


@per_object
def _patterns(fact: TextFact) -> _FactPatterns:
    unit = rf"\s*(?:{fact.unit})" if fact.unit else UNIT
    between = None
    if fact.around:
        verb, noun = fact.around
        between = re.compile(f"{verb}{GAP}{NUMBER}{unit}[^，,。；;]{{0,10}}?{noun}")
    return _FactPatterns(
        exclude=re.compile(fact.exclude) if fact.exclude else None,
        after=re.compile(f"(?:{fact.phrase}){GAP}{NUMBER}{unit}"),
        before=re.compile(f"(?<!第){NUMBER}{unit}(?:的)?(?:{fact.phrase})"),
        between=between,
        zero=re.compile(fact.zero) if fact.zero else None,
    )


# A count is a number of 件 (起, 宗); a clause without one can only state zero.
_COUNT_UNIT = re.compile(r"件|起|宗|份|条")  # every fact's units


@per_object
def _any_zero(facts: tuple[TextFact, ...]) -> re.Pattern:
    """One pattern for every fact's way of stating zero (a pattern that matches nothing if none has one)."""
    return re.compile("|".join(f"(?:{fact.zero})" for fact in facts if fact.zero) or "(?!)")


def _stated(fact: TextFact, clause: str, has_count: bool | None = None) -> int | None:
    """The count a clause states for a fact, or None when it says nothing about it.
    ``has_count``: whether the clause holds a unit of count at all (computed if not given)."""
    patterns = _patterns(fact)
    if patterns.exclude is not None and patterns.exclude.search(clause):
        return None
    if has_count is None:
        has_count = _COUNT_UNIT.search(clause) is not None
    if has_count:
        for pattern in (patterns.after, patterns.before, patterns.between):
            found = pattern.search(clause) if pattern is not None else None
            if found:
                return chinese_number(found.group(1))
    if patterns.zero is not None and patterns.zero.search(clause):
        return 0
    return None


def _reading_value(data: ReportData, keys: tuple[str, ...], known: dict[str, object] | None = None) -> int | None:
    values = [known[k] if known and known.get(k) is not None else arith_value(data, k) for k in keys]
    return None if any(v is None for v in values) else sum(values)


@dataclass(frozen=True)
class Statement:
    """A count the text states about the tables: “制发行政规范性文件21件”."""

    section: str  # the text part's label
    cell: str  # the paragraph's cell in the workbook
    clause: str
    fact: TextFact
    stated: int

    def holds(self, data: ReportData, values: dict[str, object] | None = None) -> bool:
        """False only when every reading is known (from ``values`` first) and none is the stated count."""
        readings = [_reading_value(data, keys, values) for keys in self.fact.readings]
        return any(r is None for r in readings) or self.stated in readings


def statements(data: ReportData) -> Iterator[Statement]:
    """Every count the text states about the tables (also used to settle run-together cells)."""
    parts = [(section.label, data.text.get(section.key, [])) for section in data.format.text_sections]
    parts += list(data.notes.items())  # what a published report says before a table
    for label, paragraphs in parts:
        for paragraph in paragraphs:
            text = paragraph.plain()[:MAX_TEXT]
            for clause in CLAUSE_END.split(text):
                has_count = _COUNT_UNIT.search(clause) is not None
                if not has_count and not _any_zero(data.format.text_facts).search(clause):
                    continue  # most clauses: no count and no “未…” of any fact
                for fact in data.format.text_facts:
                    stated = _stated(fact, clause, has_count)
                    if stated is not None:
                        yield Statement(label, paragraph.cell, clause, fact, stated)


def check_text_vs_tables(context: CheckContext) -> Iterator[Finding]:
    """Numbers in the text that contradict the tables."""
    data = context.data
    for st in statements(data):
        if not st.holds(data):
            readings = [_reading_value(data, keys) for keys in st.fact.readings]
            yield _mismatch(data, st.section, st.cell, st.clause, st.fact, st.stated, readings)


def _table_place(data: ReportData, readings: tuple[tuple[str, ...], ...], values: list[int]) -> str:
    """What the tables hold, each cell named once in plain words: “表三 J7（一、本年新收政府信息公开申请数量，
    总计）是 70，加上 J8（二、上年结转政府信息公开申请数量，总计）的 2，共 72”."""
    named: set[str] = set()
    sheets: set[str] = set()

    def cell(key: str) -> str:
        where = field_location(data, key)
        if key in named:
            return where.cell
        named.add(key)
        sheet = "" if where.sheet in sheets else f"{where.sheet} "
        sheets.add(where.sheet)
        labels = "，".join(x for x in (where.row_label, where.col_label) if x)
        return f"{sheet}{where.cell}（{labels}）"

    def cells_with_values(keys) -> str:
        return " 与 ".join(f"{cell(k)}的 {arith_value(data, k)}" for k in keys)

    first = readings[0]
    text = f"{cell(first[0])}是 {values[0]}" if len(first) == 1 else f"{cells_with_values(first)}，合计 {values[0]}"
    for keys, value in zip(readings[1:], values[1:]):
        if value == values[0]:
            continue
        if set(first) <= set(keys):  # a wider reading: the first one plus more cells
            text += f"，加上 {cells_with_values([k for k in keys if k not in first])}，共 {value}"
        else:
            text += f"；{cells_with_values(keys)}，合计 {value}"
    return text


def _mismatch(data: ReportData, label: str, cell: str, clause: str, fact: TextFact, stated: int,
              readings: list[int]) -> Finding:
    sentence = clause.strip()
    if len(sentence) > 40:
        sentence = sentence[:40] + "…"
    where = Location(L.TEXT_SHEET, cell, label)
    return F.make("text-table-mismatch", where, value=stated, expected=readings[0],
                  cells=(cell,) if cell else (), sentence=sentence, subject=fact.subject,
                  table_place=_table_place(data, fact.readings, readings),
                  table_cells=[field_location(data, k).cell for k in fact.readings[0]])
