"""Standard sentences a clerk starts from, marked for the clerk to edit.

- :func:`standard_text`: the 前言 and the part 六 fee sentence of a fresh workbook
  (``new-workbook``; ``distribute`` calls it too, through :func:`write_workbook`).
- :func:`draft_from_tables`: for the text parts still empty, the sentences that
  follow from the tables (“（二）依申请公开情况。2023年，本机关收到政府信息公开申请0件。”),
  and the fee sentence whenever part 六 does not state the fee (:func:`states_fee`).
(``reportgen draft`` writes them into a copy of a workbook: :mod:`reportgen.data.workbook.draft`.)

Every drafted paragraph starts with :data:`DRAFT_MARK`; ``check`` reports each one
as an 错误 (``draft-text``) until the clerk has read it and removed the mark, so no
report is rendered with an unread draft in it.
"""

from __future__ import annotations

import re

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
    text = {"preamble": [Paragraph(DRAFT_MARK + preamble)]}
    if fmt.fee_keyword:  # a format without the fee (reports before 2021) drafts no fee sentence
        text["other_matters"] = [Paragraph(DRAFT_MARK + fee_sentence(year, fmt.fee_keyword))]
    return text


def fee_sentence(year: int | None, keyword: str | None = None) -> str:
    """The sentence part 六 starts from: no fee charged (the clerk corrects it if one was).
    ``keyword``: the format's name of the fee (its ``fee_keyword``), the default format's if not given."""
    if keyword is None:
        from reportgen.formats import DEFAULT_FORMAT

        keyword = DEFAULT_FORMAT.fee_keyword
    return f"{year}年，本机关未收取{keyword}。" if isinstance(year, int) else f"本年度本机关未收取{keyword}。"


# ---------------------------------------------------------------- the fee paragraph
# Part 六 must say whether 信息处理费 was charged for 依申请公开 (国办函〔2020〕109号):
# not charged, none occurred, or how much — in whatever words.  The rule reads a
# clause for its parts instead of matching whole sentences: a word for the fee or for
# charging (信息处理费, 费用, 收费, 免费 …) together with either a negation or zero
# (未, 没有, 无, 不收, 零, 0元 …) or an amount actually charged (收取…300元).  A clause
# that names the fee and leaves the statement to the next clause (“在信息处理费方面，
# 本年度未收取”) counts when that next clause is about charging.  Table 2's
# 行政事业性收费 is another fee, and a cited title (《…信息处理费管理办法》) or document
# number states nothing, so both are removed first.
FEE_WORDS = re.compile(r"信息(?:公开)?处理费|处理费|费用|收费|免费|免收|缴费|付费|计费|工本费|复制费|邮寄费")
# 免, 无 and 没 only where they negate: not in 避免, 无论/无纸化, 没收.
NEGATION_OR_ZERO = re.compile(
    r"未|没有|没(?!收)|无(?!论|纸)|不(?:收|予|涉及|产生|存在|需|发生|计|用)|(?<!避)免|零"
    r"|(?<![0-9.０-９])[0０](?:\.0+)?(?:万)?元|为[0０](?![0-9０-９.])")
CHARGE_VERB = re.compile(r"收取|征收|计收|收了|收到|缴纳")
# The fee itself named beside a sum of money states how much (“信息处理费共计300元”).
THE_FEE = re.compile(r"信息(?:公开)?处理费|处理费")
MONEY = re.compile(r"[0-9０-９][0-9０-９.,，]*(?:万)?元|[一二两三四五六七八九十百千万]+(?:万)?元")
AMOUNT = re.compile(r"[0-9０-９][0-9０-９.,，]*(?:万)?元|[一二两三四五六七八九十百千万]+(?:万)?元|[0-9０-９一二两三四五六七八九十]+(?:笔|件|次)")
CHARGING = re.compile(r"收取|收费|征收|计收|收")
OTHER_FEES = re.compile(r"行政事业性收费")
CITATIONS = re.compile(r"《[^》]*》|[（(][^）)]*[〔\[][^）)]*[）)]")  # titles and document numbers cited
DATES = re.compile(r"[0-9０-９〇零一二]{4}年(?:[0-9０-９]{1,2}月)?(?:[0-9０-９]{1,2}日)?")
SENTENCE_END = re.compile(r"[。；;！!？?\n]")
CLAUSE_END = re.compile(r"(?<![0-9０-９])[，,]|[，,](?![0-9０-９]{3})|、")  # a comma, but not in “1,200元”

# The rule's examples: the docs (docs/checks.md) print them and a test checks each one.
FEE_EXAMPLES: tuple[tuple[str, bool], ...] = (
    ("本年度未收取信息处理费。", True),
    ("本年度未收取任何费用。", True),
    ("本年度没有收费。", True),
    ("本机关依申请公开政府信息不收费。", True),
    ("信息处理费：无。", True),
    ("共收取信息处理费300元。", True),
    ("按照《政府信息公开信息处理费管理办法》，本年度收取信息处理费0元。", True),
    ("本机关办理政府信息公开申请，免费提供。", True),
    ("在信息处理费方面，本年度未收取。", True),
    ("本年度收取信息处理费合计1,200元。", True),
    ("本年度共收到信息处理费300元。", True),
    ("信息处理费共计300元。", True),
    ("无。", False),
    ("无其他需要报告的事项。", False),
    ("本年度行政事业性收费9116.36万元。", False),
    ("信息处理费按规定执行。", False),
    ("根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）执行。", False),
    ("严格执行信息处理费管理办法，避免乱收费。", False),
    ("推进无纸化办公，规范收费行为。", False),
)


def _clause_states_fee(clause: str, following: str) -> bool:
    """One clause with a fee word: does it (or the clause after it) say none, zero or how much?"""
    if NEGATION_OR_ZERO.search(clause):
        return True
    if CHARGE_VERB.search(clause) and AMOUNT.search(clause):
        return True
    if THE_FEE.search(clause) and MONEY.search(clause):
        return True
    # “在信息处理费方面，本年度未收取”: the statement follows in the next clause
    return bool(following and CHARGING.search(following)
                and (NEGATION_OR_ZERO.search(following) or AMOUNT.search(following)))


def states_fee(text: str, fee_name: str = "") -> bool:
    """Whether a text says if 信息处理费 (or fees for 依申请公开) were charged.
    ``fee_name``: the format's own name of the fee (``ReportFormat.fee_keyword``), also a fee word."""
    words = re.compile(f"{re.escape(fee_name)}|{FEE_WORDS.pattern}") if fee_name else FEE_WORDS
    text = re.sub(r"\s", "", text)
    text = DATES.sub("", CITATIONS.sub("", OTHER_FEES.sub("", text)))
    for sentence in SENTENCE_END.split(text):
        clauses = CLAUSE_END.split(sentence)
        for i, clause in enumerate(clauses):
            following = clauses[i + 1] if i + 1 < len(clauses) else ""
            if words.search(clause) and _clause_states_fee(clause, following):
                return True
    return False


def _fact_value(data: ReportData, keys: tuple[str, ...]) -> int | None:
    values = [data.values.get(k) for k in keys]
    return None if any(v is None for v in values) else sum(values)


def draft_from_tables(data: ReportData) -> dict[str, list[Paragraph]]:
    """For every text part that is still empty, the standard sentences that follow from
    the tables (and the 前言 and fee sentence), marked as drafts; and the fee sentence
    for a part 六 whose text does not state the fee.  Other parts with text are left out."""
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
    other = data.section_text("other_matters")
    if fmt.fee_keyword and other.strip() and not states_fee(other, fmt.fee_keyword):
        # 六 holds other matters but not the fee: the fee sentence is added after them
        drafted["other_matters"] = [Paragraph(DRAFT_MARK + fee_sentence(data.year, fmt.fee_keyword))]
    return drafted
