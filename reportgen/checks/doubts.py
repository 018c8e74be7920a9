"""Settling cells of a published report that an importer could not read, with the report's own facts.

Digits that ran together (“2159165” for 制发 / 废止 / 现行有效) often fit the sums of
the tables in more than one way; the importer leaves those cells blank and keeps every
reading of the row (``ReportData.doubts``).  Before they are left to a person, every
independent fact is used: the counts the text states (part 一 often gives 制发 and 现行有效),
and, when last year's report of the agency is at hand, the cross-year chain (现行有效 =
上年现行有效 + 本年制发 − 本年废止; 上年结转 = 上年的结转下年度).  A fact that no reading
satisfies is not used (the report may be wrong there; the checks say so).  A cell settled
is a 提醒 naming the fact that decided it; a cell still open keeps its doubt, with what
remains possible.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from reportgen.checks.text_vs_table import statements
from reportgen.data.importers.digits import candidates, uncertain, unread_note
from reportgen.data.model import ReportData, Value
from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location

# Findings an importer gives to the cells of a doubt: replaced by what settling finds.
DOUBT_CODES = ("import-uncertain",)

Test = Callable[[dict[str, object]], bool]


def _facts(data: ReportData, previous: ReportData | None) -> list[tuple[str, Test]]:
    """(how a message names the fact, whether a reading of the cells agrees with it)."""
    facts: list[tuple[str, Test]] = []
    for st in statements(data):
        sentence = st.clause.strip()
        sentence = sentence if len(sentence) <= 40 else sentence[:40] + "…"
        facts.append((f"“{st.section}”中“{sentence}”", lambda values, st=st: st.holds(data, values)))
    if previous is None or previous.format is not data.format:
        return facts
    fmt = data.format

    def known(values: dict[str, object], key: str) -> object:
        return values.get(key) if values.get(key) is not None else data.values.get(key)

    for rule in fmt.stock_rules:
        last = previous.values.get(rule.stock)
        if last is None:
            continue

        def stock(values, rule=rule, last=last) -> bool:
            parts = [known(values, k) for k in (rule.stock, rule.added, rule.removed)]
            return any(p is None for p in parts) or int(parts[0]) == int(last) + int(parts[1]) - int(parts[2])
        where = fmt.field(rule.stock)
        facts.append((f"上年（{previous.year}年）报告的{where.row_label.split()[-1]}{where.col_label} {last}", stock))
    for rule in fmt.carry_rules:
        last = previous.values.get(rule.last)
        if last is None:
            continue

        def carry(values, rule=rule, last=last) -> bool:
            this = known(values, rule.this)
            return this is None or int(this) == int(last)
        facts.append((f"上年（{previous.year}年）报告的结转下年度 {last}", carry))
    return facts


def _value(text: str) -> Value:
    return Decimal(text) if "." in text else int(text)


def settle_doubts(data: ReportData, findings: list[Finding], previous: ReportData | None = None) -> list[Finding]:
    """``findings`` with the doubts of ``data`` reconsidered by every fact the report (and
    last year's report) states; settled cells get their value in ``data``."""
    if not data.doubts:
        return findings
    facts = _facts(data, previous)
    kept = [f for f in findings if not (f.code in DOUBT_CODES and f.key in data.unread)]
    added: list[Finding] = []
    still: list[dict] = []
    for doubt in data.doubts:
        keys = tuple(doubt["keys"])
        options = [tuple(o) for o in doubt["options"]]
        deciding: list[str] = []
        for name, test in facts:
            narrower = [o for o in options if test(dict(zip(keys, map(_value, o))))]
            if narrower and len(narrower) < len(options):
                options, deciding = narrower, deciding + [name]
        for j, key in enumerate(keys):
            values = candidates(options, j)
            if key not in data.unread:
                continue
            if len(values) == 1:
                data.values[key] = _value(values[0])
                del data.unread[key]
                f = data.format.field(key)
                added.append(F.make("import-resolved", Location.of(f), value=doubt["printed"], expected=values[0],
                                    key=key, cells=(f.cell,), fact="、".join(deciding)))
            else:
                data.unread[key] = unread_note(doubt["printed"], values)
                added.append(uncertain(data.format, key, doubt["printed"], values))
        if any(k in data.unread for k in keys):
            still.append({**doubt, "options": [list(o) for o in options]})
    data.doubts = still
    return kept + added
