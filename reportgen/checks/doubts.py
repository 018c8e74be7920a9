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
from itertools import product
from math import prod
from typing import Callable

from reportgen.checks.text_vs_table import statements
from reportgen.data.importers.digits import candidates, uncertain, unread_note
from reportgen.data.model import ReportData, Value
from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location

# Findings an importer gives to the cells of a doubt: replaced by what settling finds.
DOUBT_CODES = ("import-uncertain",)

Test = Callable[[dict[str, object]], bool]
MAX_COMBINATIONS = 100_000  # readings of another report's cells considered together


def _facts(data: ReportData, previous: ReportData | None, following: ReportData | None) -> list[tuple[str, Test]]:
    """(how a message names the fact, whether a reading of the cells agrees with it)."""
    facts: list[tuple[str, Test]] = []
    for st in statements(data):
        sentence = st.clause.strip()
        sentence = sentence if len(sentence) <= 40 else sentence[:40] + "…"
        facts.append((f"“{st.section}”中“{sentence}”", lambda values, st=st: st.holds(data, values)))
    fmt = data.format

    def mine(values: dict[str, object], key: str) -> object:
        return values[key] if values.get(key) is not None else data.values.get(key)

    def one_of(key: str, allowed: set[int]) -> Test:
        """A cell of this report must be one of the values the other report allows."""
        return lambda values: mine(values, key) is None or int(mine(values, key)) in allowed

    def shown(values: set) -> str:
        return "、".join(str(v) for v in sorted(values))

    if previous is not None and previous.format is fmt:
        for rule in fmt.stock_rules:  # 现行有效 = 上年现行有效 + 本年制发 − 本年废止
            last = possible(previous, rule.stock)
            if last:
                def stock(values, rule=rule, last=last) -> bool:
                    now = [mine(values, k) for k in (rule.stock, rule.added, rule.removed)]
                    return any(v is None for v in now) or int(now[0]) - int(now[1]) + int(now[2]) in last
                facts.append((f"上年（{previous.year}年）报告的{_name(fmt, rule.stock)} {shown(last)}", stock))
        for rule in fmt.carry_rules:  # 上年结转 = 上年的结转下年度
            last = possible(previous, rule.last)
            if last:
                facts.append((f"上年（{previous.year}年）报告的{_name(fmt, rule.last)} {shown(last)}",
                              one_of(rule.this, last)))
    if following is not None and following.format is fmt:
        for rule in fmt.stock_rules:
            later = possible_rows(following, (rule.stock, rule.added, rule.removed))
            if later:
                # next year's 现行有效 = this year's + 制发 − 废止: this year's is one of these
                allowed = {s - a + r for s, a, r in later}

                def stock_next(values, rule=rule, allowed=allowed) -> bool:
                    mine_stock = mine(values, rule.stock)
                    return mine_stock is None or int(mine_stock) in allowed
                facts.append((f"下年（{following.year}年）报告的{_name(fmt, rule.added)}、{_name(fmt, rule.removed)}"
                              f"和{_name(fmt, rule.stock)}", stock_next))
        for rule in fmt.carry_rules:
            later = possible(following, rule.this)
            if later:
                facts.append((f"下年（{following.year}年）报告的{_name(fmt, rule.this)} {shown(later)}",
                              one_of(rule.last, later)))
    return facts


def _name(fmt, key: str) -> str:
    f = fmt.field(key)
    return f"{f.row_label.split()[-1]}{f.col_label}"


def possible(data: ReportData, key: str) -> set[int]:
    """The values a cell of a report may hold: its value, or what its doubt leaves open."""
    return {t[0] for t in possible_rows(data, (key,))}


def possible_rows(data: ReportData, keys: tuple[str, ...]) -> set[tuple[int, ...]]:
    """The value tuples some cells of a report may hold together (empty when one is unknown)."""
    fixed = {k: data.values.get(k) for k in keys}
    choices: list[tuple[tuple[str, ...], set[tuple]]] = []
    for doubt in data.doubts:
        shared = [k for k in keys if k in doubt["keys"] and k in data.unread]
        if shared:
            where = [doubt["keys"].index(k) for k in shared]
            choices.append((tuple(shared), {tuple(int(o[i]) for i in where) for o in doubt["options"]}))
    open_keys = {k for ks, _ in choices for k in ks}
    if any(v is None and k not in open_keys for k, v in fixed.items()):
        return set()
    if prod(len(options) for _, options in choices) > MAX_COMBINATIONS:
        return set()  # too many to hold: treated as unknown
    out: set[tuple[int, ...]] = set()
    for combo in product(*(options for _, options in choices)):
        values = {k: int(v) for k, v in fixed.items() if v is not None}
        for (ks, _), option in zip(choices, combo):
            values.update(zip(ks, option))
        out.add(tuple(values[k] for k in keys))
    return out


def _value(text: str) -> Value:
    return Decimal(text) if "." in text else int(text)


def settle_doubts(data: ReportData, findings: list[Finding], previous: ReportData | None = None,
                  following: ReportData | None = None) -> list[Finding]:
    """``findings`` with the doubts of ``data`` reconsidered by every fact the report (and the
    agency's reports of the year before and after) states; settled cells get their value in
    ``data``."""
    if not data.doubts:
        return findings
    facts = _facts(data, previous, following)
    kept = [f for f in findings if not (f.code in DOUBT_CODES and f.key in data.unread)]
    added: list[Finding] = []
    still: list[dict] = []
    for doubt in data.doubts:
        keys = tuple(doubt["keys"])
        options = [tuple(o) for o in doubt["options"]]
        deciding: list[str] = list(doubt.get("facts", []))
        for name, test in facts:
            narrower = [o for o in options if test(dict(zip(keys, map(_value, o))))]
            if narrower and len(narrower) < len(options):
                options, deciding = narrower, deciding + [name]
        if len(options) == len(doubt["options"]):
            still.append(doubt)
            added += [f for f in findings if f.code in DOUBT_CODES and f.key in keys]
            continue
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
            still.append({**doubt, "options": [list(o) for o in options], "facts": deciding})
    data.doubts = still
    return kept + added
