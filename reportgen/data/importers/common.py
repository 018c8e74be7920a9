"""From a :class:`~.document.Document` to report data, by the labels of the format.

Everything is found by what the format definition calls it, never by position: the
title (the format's title pattern), the part headings and their text, the closing
sentence and the 落款 (back into the basic information); the tables, by each row's
label, in :mod:`reportgen.data.importers.tables`.  What cannot be read is an import
finding at its place, the value stays blank, and the data remembers it
(``ReportData.unread``): nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location
from reportgen.data.model import Paragraph, ReportData
from reportgen.formats.spec import ReportFormat, Table
from reportgen.data.importers.document import Document, Match, find_label, normalise
from reportgen.data.importers.job import ImportJob
from reportgen.data.importers.tables import read_tables

# Chinese numerals of the part headings, and the other ways reports write them.
_NUMERALS = "一二三四五六七八九十"
_HEADING_SEPARATORS = "[、.,，．:：]?"
# What CMS pages print around an article's title (not part of the report): a short
# preamble line holding one of these is the page's, not the agency's.
PAGE_FURNITURE = ("发布时间", "发布日期", "来源：", "来源:", "浏览次数", "点击数", "【打印】", "【关闭】", "文号", "发布机构",
                  "栏目", "原文链接", "当前位置", "字号", "索引号", "分享到",
                  "时间：", "全真版", "文字版", "文件下载", "相关链接", "QQ空间", "微信 微博",
                  # what a web archive's crawler wrote above a page's text
                  "标题:", "本地目录", "links.tsv", "==== 正文 ====")
FURNITURE_LINE_CHARS = 120
RUN_IN = re.compile(r"（[一二三四五六七八九十]+）[^。：:，,（]{1,20}[。：:]")


def read_document(doc: Document, fmt: ReportFormat) -> tuple[ReportData, list[Finding]]:
    """Report data and import findings from a document of any form."""
    job = ImportJob(doc, fmt, ReportData(fmt))
    job.data.values = {f.key: None for f in fmt.fields}
    job.data.text = {s.key: [] for s in fmt.text_sections}
    title_end = _info(job)
    headings = _headings(job, title_end)
    _text(job, headings, title_end)
    _closing(job)
    _agency_from_text(job)
    _year_from_period(job)
    read_tables(job, headings)
    return job.data, job.findings


# --------------------------------------------------------------------------- title, agency, year
# A title's year in digits or in Chinese numerals (“二〇二二年度”, also written with ○ or 零).
YEAR_DIGITS = r"[0-9０-９]{4}|[〇○零一二三四五六七八九]{4}"
CHINESE_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
# The period sentence of part 一 or the tables' note: “统计期限自2022年1月1日起…”.
PERIOD_YEAR = re.compile(r"统计期限\s*(?:为|是)?\s*自?\s*(?P<year>[0-9０-９]{4})\s*年\s*1\s*月\s*1\s*日")


def _year(printed: str) -> int:
    return int(normalise("".join(CHINESE_DIGITS.get(c, c) for c in printed)))


def _year_from_period(job: ImportJob) -> None:
    """A title without a year (or without a title): the year of the statistics period."""
    if job.data.info.get("year") is None and (m := PERIOD_YEAR.search(job.doc.flat)):
        job.data.info["year"] = _year(m.group("year"))


def _title_regex(fmt: ReportFormat) -> re.Pattern[str]:
    """The format's title pattern as a regex over the raw text: any spaces, 年 or 年度."""
    pattern = fmt.title_pattern
    head, tail = pattern.split("{year}")
    assert head == "{agency}", "importers expect titles of the form {agency}{year}…"
    literal = r"\s*".join(re.escape(c) for c in tail)
    literal = literal.replace("年", "年度?", 1) if tail.startswith("年") else literal
    # “工作” is often left out of a title (“…2021年政府信息公开年度报告”).
    literal = literal.replace(r"工\s*作", r"(?:工\s*作)?", 1)
    # “某某局 关于2020年度…报告” (关于 is cut off the agency by _info).
    return re.compile(r"(?P<agency>[^\s:：，,。;；>›»|/\\《》“”\"（）()]{2,40}?)\s*(?:关于\s*)?(?P<year>" + YEAR_DIGITS + r")\s*"
                      + literal)


def _year_first_regex(fmt: ReportFormat) -> re.Pattern[str]:
    """The same title with the year before the agency: “2019年上海市人民政府办公厅政府信息公开工作
    年度报告”, “2023年长春市二道区人民政府信息公开工作年度报告” (where 人民政府 and 政府信息 share
    政府)."""
    tail = fmt.title_pattern.split("{year}", 1)[1]
    first, rest = tail[0], tail[1:]  # “年”, “政府信息公开工作年度报告”
    literal = r"\s*".join(re.escape(c) for c in rest).replace(r"工\s*作", r"(?:工\s*作)?", 1)
    return re.compile(r"(?P<year>" + YEAR_DIGITS + r")\s*" + re.escape(first) + r"度?\s*"
                      r"(?P<agency>[\u4e00-\u9fff（）()]{2,40}?)\s*" + literal)


def _year_first_agency(m: re.Match[str]) -> str:
    agency = normalise(m.group("agency"))
    return agency + "政府" if agency.endswith("人民") else agency


def _info(job: ImportJob) -> int:
    """Agency and year from the title (the first time the report names itself); returns where
    the title ends in the flat text.  A title without the agency (“2023年政府信息公开工作年度
    报告”) gives the year only: the agency then comes from the 落款 or the first sentence (see
    _closing, _agency_from_text), never from a clause that happens to precede a later mention.
    Titles also put the year first (“2019年上海市人民政府办公厅政府信息公开工作年度报告”)."""
    regex = _title_regex(job.fmt)
    bare = re.compile("(?P<year>" + regex.pattern.split("(?P<year>", 1)[1])
    year_first = _year_first_regex(job.fmt)
    for text, in_doc in ((job.doc.flat, True), (job.doc.title_hint, False)):
        first, before = bare.search(text), year_first.search(text)
        if before is not None and (first is None or before.start() < first.start()):
            job.data.info["year"] = _year(before.group("year"))
            job.data.info["agency"] = _year_first_agency(before)
            return before.end() if in_doc else 0
        if first is None:
            continue
        job.data.info["year"] = _year(first.group("year"))
        m = next((m for m in regex.finditer(text, max(0, first.start() - 60), first.end() + 1)
                  if m.end() == first.end()), None)
        agency = normalise(VERB_BEFORE_AGENCY.sub("", m.group("agency"))) if m else ""
        end = first.end() + (len(t.group(0)) if (t := TITLE_TAIL.match(text, first.end())) else 0)
        start = m.start() if m else first.start()
        if "关于" in agency:
            # “某某局关于报送2020年度…年度报告的函”, “某某局 关于2020年度…报告”: the agency is what
            # stands before 关于 (on the same line when 关于 opens the match).
            agency = agency.split("关于", 1)[0]
            before = AGENCY_BEFORE.search(text, max(0, start - 40), start) if not agency else None
            if before:
                agency, start = normalise(before.group("agency")), before.start()
        if len(agency) >= 2:
            job.data.info["agency"] = agency
        if in_doc:
            job.title = normalise(text[start:end])
        return end if in_doc else 0
    return 0


# A cover letter's title goes on after the report's name: “…年度报告的函”.
TITLE_TAIL = re.compile(r"\s*的函")
# The words on a line just before where the text stands (“某某局 关于2020年度…”).
AGENCY_BEFORE = re.compile(r"(?P<agency>[\u4e00-\u9fff（）()]{2,40})[ \t\u3000]*$")


# Words of a sentence that may stand before an agency's name (“现公布某某局2023年…报告”).
VERB_BEFORE_AGENCY = re.compile(r"^.*?(?:现予公布|现公布|现将|特发布|现发布|公布|发布|编制|印发)")
# The first sentence naming the agency: “…现公布苏平片区管理局2021年政府信息公开工作年度报告”.
AGENCY_IN_TEXT = re.compile(r"(?:现公布|现发布|特发布|公布|发布|编制)(?P<agency>[\u4e00-\u9fff（）()]{2,30}?)\s*"
                            r"[0-9０-９]{4}\s*年度?政府信息公开")


def _agency_from_text(job: ImportJob) -> None:
    """When neither the title nor the 落款 names the agency: the first sentence that does."""
    if job.data.info.get("agency"):
        return
    for key in ("preamble", "overview"):
        for paragraph in job.data.text.get(key, [])[:3]:
            m = AGENCY_IN_TEXT.search(paragraph.plain())
            if m and not m.group("agency").startswith(("本", "我")):
                job.data.info["agency"] = normalise(m.group("agency"))
                return


# --------------------------------------------------------------------------- parts
def _heading_regex(heading: str) -> re.Pattern[str]:
    """"一、总体情况" also as "一 、总体情况", "1．总体情况", "（一）总体情况" (normalised text)."""
    numeral, rest = heading[0], normalise(heading[2:])
    digit = str(_NUMERALS.index(numeral) + 1) if numeral in _NUMERALS else numeral
    return re.compile(rf"(?:{numeral}|{digit}|\({numeral}\)){_HEADING_SEPARATORS}{re.escape(rest)}")


def _headings(job: ImportJob, start: int) -> list[tuple[int, int, str]]:
    """(start, end, heading) in the normalised text, in the format's order; a heading
    not found is a finding and is left out."""
    norm = job.doc.norm
    lo = job.doc.to_norm(start)
    found: dict[str, tuple[int, int]] = {}
    parts = [p for p in job.fmt.parts if p.heading]
    for part in parts:
        m = _heading_regex(part.heading).search(norm, lo)
        if m:
            found[part.heading] = (m.start(), m.end())
            lo = m.end()
    # A heading with a typo: look for it between its neighbours.
    for i, part in enumerate(parts):
        if part.heading in found:
            continue
        before = [found[p.heading][1] for p in parts[:i] if p.heading in found]
        after = [found[p.heading][0] for p in parts[i + 1:] if p.heading in found]
        m2 = find_label(norm, part.heading, before[-1] if before else job.doc.to_norm(start),
                        after[0] if after else len(norm), min_ratio=0.75)
        lo2, hi2 = before[-1] if before else job.doc.to_norm(start), after[0] if after else len(norm)
        m3 = None if m2 else _numbered_heading(norm, part.heading, lo2, hi2)
        if m2 and m2.start > 0 and norm[m2.start - 1] in _NUMERALS and norm[m2.start - 1] != part.heading[0] \
                and not m2.found[:1].isdigit() and m2.found[:1] in "、.．,，":
            # The part's words under another number (“三、主动公开政府信息情况” where the format has
            # 二: the report inserted a part of its own): the number is part of the heading.
            found[part.heading] = (m2.start - 1, m2.end)
            job.add(F.make("import-heading-changed", Location("报告", "", part.heading),
                           value=job.doc.original(Match(m2.start - 1, m2.end, "", False)), expected=part.heading))
        elif m2:
            found[part.heading] = (m2.start, m2.end)
        elif m3:
            m3 = _whole_heading(job.doc, m3)
            found[part.heading] = m3
            shown = job.doc.original(Match(m3[0], m3[1], "", False))
            job.add(F.make("import-heading-changed", Location("报告", "", part.heading), value=shown,
                           expected=part.heading))
        else:
            job.add(F.make("import-missing-part", Location("报告", "", part.heading), label=part.heading))
    return sorted((a, b, h) for h, (a, b) in found.items())


# Where a reworded heading run into its text ends: a number, a bracket, a space or a pause
# (not a full stop: a heading does not end in one, so “…与附表无。” is a heading and its text).
_HEADING_END = re.compile(r"[\s\d（(，,；;：:、]")
HEADING_TAIL_CHARS = 6  # a reworded heading ends this close to where it stops resembling the format's


_LIST_SEPARATORS = "、，,；;。和及等"


def _whole_heading(doc: Document, span: tuple[int, int]) -> tuple[int, int]:
    """A reworded heading found by resemblance ends where the words still resemble the
    format's heading (“一、概” of “一、概述2020年，…”, “…及改进” of “…及改进措施（一）…”); its
    last words would then open the part's text.  It runs on as far as the report's own list of
    its parts names it (“本报告由概述、…、需要说明的其他事项与附表等六部分组成”), or else to the
    next number, bracket, space or pause when that is a few characters on (and no sentence ends
    on the way); else the resemblance decides."""
    start, end = span
    norm = doc.norm
    core_start = start + next((i for i, c in enumerate(norm[start:end]) if "\u4e00" <= c <= "\u9fff" and i >= 1), 0)
    listed = norm[:start]
    for tail in range(HEADING_TAIL_CHARS, 0, -1):
        name = norm[core_start:end + tail]
        if len(name) > tail and any(name + sep in listed for sep in _LIST_SEPARATORS):
            return start, end + tail
    flat_end = doc.to_flat(end - 1) + 1
    m = _HEADING_END.search(doc.flat, flat_end, flat_end + HEADING_TAIL_CHARS + 1)
    if m is None or any(c in doc.flat[flat_end:m.start()] for c in "。！？!?"):
        return span  # (a sentence ended: the words are the part's text, “…与附表无。”)
    return start, doc.to_norm(m.start())


def _numbered_heading(norm: str, heading: str, lo: int, hi: int) -> tuple[int, int] | None:
    """A part heading reworded but numbered as the format numbers it (“六、需要说明的其他事项”
    for “六、其他需要报告的事项”): the number at the start of a sentence, and the stretch after it
    most like the heading.  None when the number is not there."""
    numeral = heading[0]
    m = re.compile(rf"(?:^|(?<=[。；;：:\s\d]))(?:{numeral}|\({numeral}\)){_HEADING_SEPARATORS}(?=[\u4e00-\u9fff])").search(
        norm, lo, hi)
    if m is None:
        return None
    want = normalise(heading)
    matcher = SequenceMatcher(autojunk=False, b=want)
    best = (0.0, m.end())
    for end in range(m.start() + max(3, len(want) - 4), min(hi, m.start() + len(want) + 8) + 1):
        matcher.set_seq1(norm[m.start():end])
        if matcher.ratio() > best[0]:
            best = (matcher.ratio(), end)
    return m.start(), best[1]


def _text(job: ImportJob, headings: list[tuple[int, int, str]], title_end: int) -> None:
    """The text parts: what lies between a heading and the next one."""
    doc = job.doc
    by_heading = {p.heading: p.text for p in job.fmt.parts if p.heading}
    preamble = next((p.text for p in job.fmt.parts if not p.heading and p.text), "")
    bounds = [(doc.to_flat(a), doc.to_flat(b - 1) + 1, h) for a, b, h in headings]
    if preamble and bounds:
        paragraphs = [_without_page_head(job, p) for p in _paragraphs(doc.text_between(title_end, bounds[0][0]))]
        job.data.text[preamble] = [
            p for p in paragraphs if p.text and
            (len(p.plain()) > FURNITURE_LINE_CHARS or not any(word in p.plain() for word in PAGE_FURNITURE))]
    tables = {p.heading: p.table for p in job.fmt.parts if p.table}
    for i, (_, end, heading) in enumerate(bounds):
        key = by_heading.get(heading)
        stop = bounds[i + 1][0] if i + 1 < len(bounds) else len(doc.flat)
        if key:
            job.data.text[key] = _paragraphs(doc.text_between(end, stop))
        elif heading in tables:
            # A table's part may say something before its table (“本年度共收到申请0件。”): kept
            # for the text-versus-table check, not a text part of the workbook.
            start = _table_start(job, job.fmt.table(tables[heading]), end, stop)
            notes = _paragraphs(doc.text_between(end, start))
            if notes:
                job.data.notes[heading] = notes


# Where the furniture a CMS prints above an article ends, when a page's text ran it into one line
# with the report (“当前位置：首页… 来源： 时间：… 微信 微博 … 相关链接：”).
PAGE_HEAD_END = re.compile(r"相关链接[:：]|文字大小[:：]\S*|【字体[:：][^】]*】|打印本页")
PAGE_HEAD_CHARS = 500


def _without_page_head(job: ImportJob, paragraph: Paragraph) -> Paragraph:
    """A preamble paragraph without the page's furniture and the title run into it."""
    text = WORD_STYLES.sub(" ", paragraph.text).strip()
    if any(text.startswith(word) for word in PAGE_FURNITURE):
        ends = [m.end() for m in PAGE_HEAD_END.finditer(text, 0, PAGE_HEAD_CHARS)]
        if ends:
            text = text[ends[-1]:].lstrip()
    title = _title_regex(job.fmt).match(text)
    if title and title.end() < len(text) and text[title.end()].isspace():
        text = text[title.end():].lstrip()  # the title, repeated before the first sentence
    elif job.title:
        # The title as the document printed it first, run into the first sentence
        # (“…年度报告的函区办公室：根据…”).
        folded = unicodedata.normalize("NFKC", text)
        again = re.match(r"\s*".join(re.escape(c) for c in job.title), folded)
        # (Not a title that is the subject of the first sentence: “…年度报告，是根据…”.)
        if again and len(folded) == len(text) and folded[again.end():again.end() + 1] not in tuple("，,。；;：:、"):
            text = text[again.end():].lstrip()
    return Paragraph(text=text, heading=paragraph.heading)


def _table_start(job: ImportJob, table: Table, start: int, stop: int) -> int:
    """Where a table begins in the flat text: its first caption, header or label found."""
    norm = job.doc.norm
    lo, hi = job.doc.to_norm(start), job.doc.to_norm(stop)
    found = [norm.find(normalise(c.text), lo, hi) for c in table.cells if c.text]
    found = [f for f in found if f >= 0]
    return job.doc.to_flat(min(found)) if found else stop


# The 落款 at the end of a report: the agency, the date (and what a site prints after it).
SIGNATURE = re.compile(r"(?:^|(?<=[。；;!！?？\s]))(?P<agency>[\u4e00-\u9fff（）()]{3,40}?(?:局|办公室|办|委员会|委|会|政府|院|处|所|中心|站|厅|部|署|队|馆|室|区|县|市|镇|乡))"
                       r"\s*(?P<date>[0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日)(?P<rest>.*)$", re.S)
SIGNATURE_REST_CHARS = 160  # after the 落款 only a contact line or page furniture, nothing of the report
SIGNATURE_PARAGRAPHS = 8  # a page may print the 落款 and its furniture as separate short paragraphs
# What a site or an office prints at the end of an article (not part of the report's text).
FURNITURE = re.compile(r"附件下载|扫一扫.{0,20}|.{0,4}解读|[（(]此件主动公开[)）]|【打印】|【关闭】|抄送：.*|.*印发")
# Style sheets Word pastes into a CMS page (“Normal 0 7.8 磅 … /* Style Definitions */ table.MsoNormalTable {…}”).
WORD_STYLES = re.compile(r"\s*(?:Normal\s+0\s[^{}]*?)?/\*\s*Style Definitions\s*\*/[^{}]*\{[^{}]*\}\s*")
CONTACT = re.compile(r"(?P<contact>联系人[:：][^）)\n]*|联系(?:方式|电话)[:：][^）)\n]*)")
# The closing sentences a rendered report prints (render/context.py): read back into the details.
CLOSING_WEBSITE = re.compile(r"如需了解更多政府信息，请登录(?P<website>[^。]+)。")
CLOSING_CONTACT = re.compile(r"联系方式：(?P<contact>[^。]+)。")


def _without_furniture(text: str) -> str:
    """A paragraph without what the site or Word printed after the report's own words."""
    text = WORD_STYLES.sub(" ", text)
    while True:
        words = text.rstrip().rsplit(None, 1)
        if len(words) < 2 or not FURNITURE.fullmatch(words[-1]):
            return "" if FURNITURE.fullmatch(text.strip()) else text.strip()
        text = words[0]


def _closing(job: ImportJob) -> None:
    """The closing sentence and the 落款 back into the details (网站, 联系方式, 机关名称,
    发布日期), not left as paragraphs of the last part (rendering would print them twice)."""
    last = next((s.key for s in reversed(job.fmt.text_sections) if job.data.text.get(s.key)), None)
    if last is None:
        return
    paragraphs = [Paragraph(text=_without_furniture(p.text), heading=p.heading) for p in job.data.text[last]]
    paragraphs = [p for p in paragraphs if p.text or p.heading]
    tail = paragraphs[-SIGNATURE_PARAGRAPHS:]
    joined = "\n".join(p.text for p in tail)
    found = [m for m in SIGNATURE.finditer(joined)
             if len(CONTACT.sub("", m.group("rest")).strip()) <= SIGNATURE_REST_CHARS]
    if found:
        m = found[-1]
        cut = m.start()
        known, signed = job.data.info.get("agency"), normalise(m.group("agency"))
        if known and signed != known and signed.endswith(known):
            # “暂无平潭…管理局 2021年1月26日”: the 落款 is the agency the title names; what
            # stands before it in the same run of characters is the report's last words.
            cut = m.start("agency") + len(signed) - len(known)
        date = re.findall(r"\d+", normalise(m.group("date")))
        job.data.info.setdefault("publication_date", f"{int(date[0]):04d}-{int(date[1]):02d}-{int(date[2]):02d}")
        if not job.data.info.get("agency"):
            job.data.info["agency"] = normalise(m.group("agency"))
        contact = CONTACT.search(m.group("rest"))
        if contact:
            job.data.info.setdefault("contact", contact.group("contact").strip())
        # Keep the text before the 落款: whole paragraphs, and the start of the one it begins in.
        kept, offset = [], 0
        for p in tail:
            if offset + len(p.text) < cut:
                kept.append(p)
            elif offset <= cut:
                kept.append(Paragraph(text=p.text[:cut - offset].strip(), heading=p.heading))
            offset += len(p.text) + 1
        paragraphs = paragraphs[:-len(tail)] + kept
    agency = job.data.info.get("agency")
    if paragraphs and agency and not paragraphs[-1].heading and normalise(paragraphs[-1].text) == agency:
        paragraphs.pop()  # a 落款 without a date: the agency's name alone
    if paragraphs:
        text = paragraphs[-1].text
        for pattern, key in ((CLOSING_WEBSITE, "website"), (CLOSING_CONTACT, "contact")):
            closing = pattern.search(text)
            if closing:
                job.data.info.setdefault(key, closing.group(key).strip())
                text = (text[:closing.start()] + text[closing.end():]).strip()
        paragraphs[-1] = Paragraph(text=text, heading=paragraphs[-1].heading)
    job.data.text[last] = [p for p in paragraphs if p.text or p.heading]


def _paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs at line breaks; a run-in sub-heading （一）…。 that opens a sentence starts one."""
    out: list[Paragraph] = []
    for line in text.split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        if not line:
            continue
        starts = [m.start() for m in RUN_IN.finditer(line) if m.start() == 0 or line[m.start() - 1] in "。；; "]
        cuts = sorted({0, *starts, len(line)})
        for a, b in zip(cuts, cuts[1:]):
            chunk = line[a:b].strip()
            if not chunk:
                continue
            m = RUN_IN.match(chunk)
            heading = m.group(0) if m else ""
            out.append(Paragraph(text=chunk[len(heading):].strip(), heading=heading))
    return out
