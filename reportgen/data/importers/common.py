"""From a :class:`~.document.Document` to report data, by the labels of the format.

Everything is found by what the format definition calls it, never by position:
the title (the format's title pattern), the part headings, each table row's label,
the group labels between them and the labels of an earlier format's layout.  Each
row's numbers are the cells (or digit runs) that follow its label; table 4's one row
without a label follows its header.  A table printed in an earlier format's layout is
read by that format's own table, and only the cells both formats share are kept.  What
cannot be read is an import finding at its place, the value stays blank, and the data
remembers it (``ReportData.unread``): nothing is guessed.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from reportgen.formats import findings as F
from reportgen.formats.findings import Finding, Location
from reportgen.data.model import Paragraph, ReportData, Value
from reportgen.formats.spec import Field, ObsoleteLayout, ReportFormat, Table
from reportgen.formats import get_format
from reportgen.data.workbook.reader import parse_number
from reportgen.data.importers.digits import RowReadings, breaks_row, resolve, row_options, uncertain, unread_note
from reportgen.data.importers.document import CELL, MONEY_CELL, RUN, Document, Match, find_label, normalise

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


@dataclass
class TableRow:
    """One value row of an official table, as the importer looks for it."""

    table: Table
    label: str  # the leaf label ("" for a row with no label of its own: table 4)
    fields: tuple[Field, ...]
    match: Match | None = None
    old_label: str = ""  # the label found is an earlier format's name for this row


@dataclass
class _Import:
    doc: Document
    fmt: ReportFormat
    data: ReportData
    findings: list[Finding] = field(default_factory=list)
    title: str = ""  # the title as the document prints it first (normalised), to know it again

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)


def read_document(doc: Document, fmt: ReportFormat) -> tuple[ReportData, list[Finding]]:
    """Report data and import findings from a document of any form."""
    job = _Import(doc, fmt, ReportData(fmt))
    job.data.values = {f.key: None for f in fmt.fields}
    job.data.text = {s.key: [] for s in fmt.text_sections}
    title_end = _info(job)
    headings = _headings(job, title_end)
    _text(job, headings, title_end)
    _closing(job)
    _agency_from_text(job)
    _tables(job, headings)
    return job.data, job.findings


# --------------------------------------------------------------------------- title, agency, year
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
    return re.compile(r"(?P<agency>[^\s:：，,。;；>›»|/\\《》“”\"（）()]{2,40}?)\s*(?:关于\s*)?(?P<year>[0-9０-９]{4})\s*"
                      + literal)


def _year_first_regex(fmt: ReportFormat) -> re.Pattern[str]:
    """The same title with the year before the agency: “2019年上海市人民政府办公厅政府信息公开工作
    年度报告”, “2023年长春市二道区人民政府信息公开工作年度报告” (where 人民政府 and 政府信息 share
    政府)."""
    tail = fmt.title_pattern.split("{year}", 1)[1]
    first, rest = tail[0], tail[1:]  # “年”, “政府信息公开工作年度报告”
    literal = r"\s*".join(re.escape(c) for c in rest).replace(r"工\s*作", r"(?:工\s*作)?", 1)
    return re.compile(r"(?P<year>[0-9０-９]{4})\s*" + re.escape(first) + r"度?\s*"
                      r"(?P<agency>[\u4e00-\u9fff（）()]{2,40}?)\s*" + literal)


def _year_first_agency(m: re.Match[str]) -> str:
    agency = normalise(m.group("agency"))
    return agency + "政府" if agency.endswith("人民") else agency


def _info(job: _Import) -> int:
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
            job.data.info["year"] = int(normalise(before.group("year")))
            job.data.info["agency"] = _year_first_agency(before)
            return before.end() if in_doc else 0
        if first is None:
            continue
        job.data.info["year"] = int(normalise(first.group("year")))
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


def _agency_from_text(job: _Import) -> None:
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


def _headings(job: _Import, start: int) -> list[tuple[int, int, str]]:
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


def _text(job: _Import, headings: list[tuple[int, int, str]], title_end: int) -> None:
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


def _without_page_head(job: _Import, paragraph: Paragraph) -> Paragraph:
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


def _table_start(job: _Import, table: Table, start: int, stop: int) -> int:
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


def _closing(job: _Import) -> None:
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


# --------------------------------------------------------------------------- tables
def table_rows(fmt: ReportFormat, table: Table) -> tuple[list[TableRow], list[str]]:
    """The value rows of a table (leaf label and fields, in order) and its group labels."""
    by_key = {f.key: f for f in fmt.table_fields(table.key)}
    rows: list[TableRow] = []
    groups: list[str] = []
    grid = table.rows()
    for cells in grid:
        values = [c for c in cells if c.kind == "value"]
        labels = [c for c in cells if c.kind == "label"]
        if not values:
            continue
        leaf = max(labels, key=lambda c: c.col) if labels else None
        groups += [c.text for c in labels if c is not leaf]
        rows.append(TableRow(table, leaf.text if leaf else "", tuple(by_key[c.key] for c in values)))
    return rows, groups


def _region(job: _Import, headings: list[tuple[int, int, str]], table: Table) -> tuple[int, int]:
    """Where to look for a table: from its part's heading to the next heading (or,
    with its heading missing, between the neighbouring headings found)."""
    order = [p.heading for p in job.fmt.parts if p.heading]
    own = next(p.heading for p in job.fmt.parts if p.table == table.key)
    found = {h: (a, b) for a, b, h in headings}
    if own in found:
        start = found[own][1]
    else:
        earlier = [found[h][1] for h in order[: order.index(own)] if h in found]
        start = earlier[-1] if earlier else 0
    later = [found[h][0] for h in order[order.index(own) + 1:] if h in found]
    return start, later[0] if later else len(job.doc.norm)


def _tables(job: _Import, headings: list[tuple[int, int, str]]) -> None:
    runs: list[RowReadings] = []
    for table in job.fmt.tables:
        runs += _table(job, table, _region(job, headings, table))
    if runs:
        _settle_runs(job, runs)


def _table(job: _Import, table: Table, region: tuple[int, int]) -> list[RowReadings]:
    """Read one table's rows; returns the rows of run-together digits still to be settled."""
    norm = job.doc.norm
    lo, hi = region
    rows, groups = table_rows(job.fmt, table)
    _locate_rows(norm, rows, lo, hi, _renamed(job.fmt, table))
    if _absent(norm, table, rows, lo, hi):
        job.add(F.make("import-missing-table", Location(table.number), label=table.number, caption=table.caption))
        return []
    layout, layout_label = _obsolete(job, table, rows, lo, hi)
    old_fmt = get_format(layout.format_id) if layout is not None else None
    if old_fmt is not None:
        _read_in_old_format(job, table, layout, old_fmt, region)
        _layout_finding(job, table, rows, layout, layout_label)
        return []
    # Every label found ends the numbers of the row before it.
    stops = sorted({r.match.start for r in rows if r.match} |
                   {m.start for m in (find_label(norm, g, lo, hi, 2.0) for g in groups) if m} | {hi})
    pending: list[RowReadings] = []
    before = len(job.findings)
    for row in rows:
        if row.label and row.match is None:
            job.add(F.make("import-missing-row", _row_location(row), label=row.label, table=table.number))
            continue
        if row.old_label:
            job.add(F.make("import-label-old", _row_location(row), value=row.old_label,
                           expected=normalise(row.label), layout=job.fmt.obsolete_layouts[0].name, cells=_cells(row)))
        elif row.match and not row.match.exact:
            job.add(F.make("import-label-changed", _row_location(row), value=job.doc.original(row.match),
                           expected=normalise(row.label), cells=_cells(row)))
        start = row.match.end if row.match else _header_end(norm, table, lo, hi)
        reading = _read_row(job, row, _values_after(job, start, _next_stop(stops, start), first=not row.label))
        if reading is not None:
            pending.append(reading)
    return _without_lost_cells(job, rows, pending, job.findings[before:])


def _without_lost_cells(job: _Import, rows: list[TableRow], pending: list[RowReadings],
                        found: list[Finding]) -> list[RowReadings]:
    """Rows of run-together digits whose every split breaks the row's own total are read as
    printed (a fault of the report) — unless other rows of the table came out short of digits:
    then the page text lost blank cells (“258 | 12 | | | 1 | 1 | ” → “25812 11”), a short row may
    look full, and its only split (2, 5, 8, 1, 2, 1, 1) would be a number the report never printed.
    Such a row is left unread, named as a reading doubt."""
    if not any(f.code == "import-cell-count" and f.value < f.expected for f in found):
        return pending
    by_keys = {tuple(f.key for f in row.fields): row for row in rows}
    kept = []
    for reading in pending:
        if reading.options and all(breaks_row(job.fmt, reading.keys, o) for o in reading.options):
            row = by_keys[reading.keys]
            job.add(F.make("import-cells-lost", _row_location(row), value=reading.joined, expected=len(reading.keys),
                           cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{reading.joined}”，网页文字可能丢了空格子，分不出各格")
        else:
            kept.append(reading)
    return kept


def _renamed(fmt: ReportFormat, table: Table) -> dict[str, str]:
    """Row key → the name an earlier layout gave that row (规范性文件 for 行政规范性文件)."""
    return {row_key: label for layout in fmt.obsolete_layouts
            for key, row_key, label in layout.renamed if key == table.key}


def _read_in_old_format(job: _Import, table: Table, layout: ObsoleteLayout, old_fmt: ReportFormat,
                        region: tuple[int, int]) -> None:
    """A table printed in an earlier format's layout, read by that format's own table; only
    the fields both formats have (the same key means the same number) are kept, with their
    findings moved to the current cells.  Nothing is guessed for the others: they stay blank."""
    sub = _Import(job.doc, old_fmt, ReportData(old_fmt))
    sub.data.values = {f.key: None for f in old_fmt.fields}
    runs = _table(sub, old_fmt.table(table.key), region)
    if runs:
        _settle_runs(sub, runs)
    shared = {f.key for f in job.fmt.table_fields(table.key)} & {f.key for f in old_fmt.table_fields(table.key)}
    for key in shared:
        job.data.values[key] = sub.data.values[key]
        if key in sub.data.unread:  # digits that ran together, read under the old layout
            job.data.unread[key] = sub.data.unread[key]
    for key, old_row, new_rows in layout.splits:
        for old_field in (f for f in old_fmt.table_fields(table.key) if key == table.key and f.key.split(".")[1] == old_row):
            column = old_field.key.rsplit(".", 1)[1]
            value = sub.data.values.get(old_field.key)
            for row in new_rows:
                new_key = f"{table.key}.{row}.{column}"
                if value == 0:  # nothing in the old row: nothing in its parts
                    job.data.values[new_key] = 0
                elif value is not None:
                    job.data.unread[new_key] = (f"原文按{layout.name}印的“{old_field.row_label.split()[-1]}”一行这一列是 "
                                                f"{value}，现行格式分为几行，无法拆分")
    # The workbook remembers every cell the old layout has no number for (check names them; fix leaves them).
    for f in job.fmt.table_fields(table.key):
        if job.data.values.get(f.key) is None and f.key not in job.data.unread:
            job.data.unread[f.key] = f"原文按{layout.name}印，这一格在其中没有含义相同的数"
    by_cell = {f.cell: f.key for f in old_fmt.table_fields(table.key)}
    for finding in sub.findings:
        keys = [finding.key] if finding.key else [by_cell.get(c, "") for c in finding.cells]
        keys = [k for k in keys if k in shared]
        if keys:
            fields = [job.fmt.field(k) for k in keys]
            where = Location.of(fields[0]) if len(fields) == 1 else \
                Location(fields[0].sheet, f"{fields[0].cell}:{fields[-1].cell}", fields[0].row_label)
            job.add(dataclasses.replace(finding, location=where, cells=tuple(f.cell for f in fields)))


def _locate_rows(norm: str, rows: list[TableRow], lo: int, hi: int, renamed: dict[str, str]) -> None:
    """Find each row's label: exactly and in order first, then the missing ones under the
    name an earlier format gave them, then by similarity, between the neighbours found."""
    pos = lo
    for row in rows:
        if row.label:
            m = find_label(norm, row.label, pos, hi, min_ratio=2.0)  # exact only
            if m:
                row.match, pos = m, m.end
    for ratio in (2.0, 0.8):  # an earlier format's name exactly, then a typo
        for i, row in enumerate(rows):
            if row.label and row.match is None:
                before = [r.match.end for r in rows[:i] if r.match]
                after = [r.match.start for r in rows[i + 1:] if r.match]
                a, b = before[-1] if before else lo, after[0] if after else hi
                old = renamed.get(_row_key(row), "") if ratio > 1 else ""
                if old:
                    row.match = find_label(norm, old, a, b, ratio)
                    row.old_label = old if row.match else ""
                elif ratio < 1:
                    row.match = find_label(norm, row.label, a, b, ratio)


HEADER_GAP = 8  # characters (no digit among them) between two header labels of one header block


def _header_end(norm: str, table: Table, lo: int, hi: int) -> int:
    """Where the header of a table ends: the end of the longest chain of its header labels
    standing close together (table 4's one data row has no label of its own, so it starts
    there — never at the first digits after the heading, which may be a year in a sentence
    such as “2023年，本机关…行政复议…”).  ``lo`` when no header label is found."""
    labels = {normalise(c.text) for c in table.cells if c.kind == "header" and c.text}
    hits = sorted((m.start(), m.end()) for label in labels
                  for m in re.finditer(re.escape(label), norm[lo:hi]))
    best_len, best_end = 0, lo
    chain_len, chain_end = 0, -1
    for a, b in hits:
        gap = norm[lo + chain_end:lo + a] if chain_end >= 0 else ""
        if chain_end >= 0 and a >= chain_end - 1 and a - chain_end <= HEADER_GAP and not re.search(r"\d", gap):
            chain_len, chain_end = chain_len + 1, max(chain_end, b)
        elif chain_end < 0 or a >= chain_end:
            chain_len, chain_end = 1, b
        else:
            continue  # a label inside another (总计 in 总计…): part of the chain already
        if chain_len >= best_len:
            best_len, best_end = chain_len, lo + chain_end
    return best_end


def _absent(norm: str, table: Table, rows: list[TableRow], lo: int, hi: int) -> bool:
    """No row label of the table found (for table 4, whose row has none: no header)."""
    labelled = [r for r in rows if r.label]
    if labelled:
        return not any(r.match for r in labelled)
    return not any(norm.find(normalise(c.text), lo, hi) >= 0 for c in table.cells if c.kind == "header")


def _layout_finding(job: _Import, table: Table, rows: list[TableRow], layout: ObsoleteLayout, found: str) -> None:
    """The 错误 of a table in an obsolete layout, saying what was read and what was left blank
    (none for a report of a year that layout was right for: the year check speaks then)."""
    year = job.data.year
    if year is not None and year < job.fmt.first_year:
        return
    blank = [r for r in rows if any(job.data.values.get(f.key) is None for f in r.fields)]
    cells = sum(1 for r in blank for f in r.fields if job.data.values.get(f.key) is None)
    groups = {r.fields[0].row_label[: -len(r.label)].strip() if r.label else "" for r in blank}
    if len(blank) > 1 and len(groups) == 1 and "" not in groups:  # e.g. the three rows of （六）其他处理
        shown = f"{groups.pop()}的 {len(blank)} 行"
    else:
        shown = "、".join(_short_label(r) for r in blank)
    note = "能对应到现行格式的数字已读取" + (
        f"；{shown}在现行格式中含义不同或分为几行，无法对应，已留空（{cells} 格）。" if blank else "。")
    job.add(F.make("import-obsolete-layout", Location(table.number), value=found, table=table.number,
                   layout=layout.name, year=year if year is not None else "本", format=job.fmt.name, mapped=note))


def _row_key(row: TableRow) -> str:
    """"other_other" for the fields t3.other_other.*."""
    return row.fields[0].key.split(".")[1]


def _obsolete(job: _Import, table: Table, rows: list[TableRow], lo: int, hi: int) -> tuple[ObsoleteLayout | None, str]:
    """The obsolete layout a table's own labels show: a header or row label only it has (not
    one that is part of a current label, as 规范性文件 is of 行政规范性文件), or a row only it
    has that carries numbers where the current rows it became are not there (a single
    （六）其他处理 row)."""
    current = [normalise(c.text) for c in table.cells if c.text]
    for layout in job.fmt.obsolete_layouts:
        for key, label in layout.table_labels:
            want = normalise(label)
            if key == table.key and not any(want in c for c in current) and job.doc.norm.find(want, lo, hi) >= 0:
                return layout, label
        for key, label in layout.rows:
            m = find_label(job.doc.norm, label, lo, hi, 2.0) if key == table.key else None
            if m is None:
                continue
            now = [r for r in rows if normalise(r.fields[0].row_label).startswith(normalise(label))]
            start = job.doc.to_flat(m.end - 1) + 1
            if not any(r.match for r in now) and job.doc.values_between(start, job.doc.to_flat(min(m.end + 40, hi - 1))):
                return layout, job.doc.original(m)
    return None, ""


def _next_stop(stops: list[int], after: int) -> int:
    return next((s for s in stops if s >= after), stops[-1])


def _values_after(job: _Import, norm_start: int, norm_stop: int, first: bool):
    """The value pieces after a label (or, for a row with no label, the first ones in range)."""
    doc = job.doc
    start = doc.to_flat(norm_start - 1) + 1 if norm_start > 0 else 0
    stop = doc.to_flat(norm_stop) if norm_stop < len(doc.norm) else len(doc.flat)
    if first:
        for piece in doc.pieces:
            if piece.start >= start and piece.kind in (CELL, RUN) and piece.start < stop and normalise(piece.text):
                start = piece.start
                break
    pieces = doc.values_between(start, stop)
    if not pieces and not first:
        # A label found by similarity may stop a character short of the numbers.
        gap = doc.flat[start:stop]
        m = re.search(r"\d", gap)
        if m and m.start() <= 4:
            pieces = doc.values_between(start + m.start(), stop)
    return pieces


def _short_label(row: TableRow) -> str:
    return row.label or row.fields[0].row_label


def _row_location(row: TableRow) -> Location:
    f = row.fields[0]
    cell = f.cell if len(row.fields) == 1 else f"{f.cell}:{row.fields[-1].cell}"
    return Location(row.table.number, cell, f.row_label)


def _cells(row: TableRow) -> tuple[str, ...]:
    return tuple(f.cell for f in row.fields)


def _read_row(job: _Import, row: TableRow, pieces) -> RowReadings | None:
    """Values of one row from its pieces; rows of digit runs are returned to be settled together."""
    n = len(row.fields)
    if any(p.kind == RUN for p in pieces):
        runs = [normalise(p.text) for p in pieces]
        digits = sum(len(r.replace(".", "").replace("-", "")) for r in runs)
        printed = " ".join(runs)
        if digits < n:
            job.add(F.make("import-cell-count", _row_location(row), value=digits, expected=n, cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{printed}”，只有 {digits} 个数字，应有 {n} 格，不知道哪一格没有数")
            return None
        options = row_options(job.fmt, tuple(f.key for f in row.fields), runs)
        if options == []:  # e.g. “005” for two cells: no number but 0 starts with 0
            job.add(F.make("import-unsplittable", _row_location(row), value=printed, expected=n, cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{printed}”，无法分成 {n} 个数")
            return None
        if options is None:
            job.add(F.make("import-uncertain", _row_location(row), value=printed, expected="（读法太多）",
                           cells=_cells(row)))
            _unread_row(job, row, f"原文这一行是“{printed}”，分格的读法太多")
            return None
        return RowReadings(tuple(f.key for f in row.fields), " ".join(runs), options)
    texts = [p.text for p in pieces]
    # An empty label cell before the numbers (a merged label drawn as two cells), or empty
    # cells after the last column, are not cells of the row.
    while len(texts) > n and normalise(texts[0]) == "":
        texts.pop(0)
    while len(texts) > n and normalise(texts[-1]) == "":
        texts.pop()
    if len(texts) != n:
        job.add(F.make("import-cell-count", _row_location(row), value=len(texts), expected=n, cells=_cells(row)))
        _unread_row(job, row, f"原文这一行有 {len(texts)} 格（“{' '.join(t.strip() or '空' for t in texts)}”），"
                              f"应有 {n} 格，不知道怎样对应")
        return None
    if all(normalise(t) == "" for t in texts) and n > 1:
        job.add(F.make("import-blank-row", _row_location(row), label=row.fields[0].row_label, expected=n,
                       cells=_cells(row)))
        return None
    for f, text in zip(row.fields, texts):
        job.data.values[f.key] = _parse(job, f, text)
    return None


def _unread_row(job: _Import, row: TableRow, note: str) -> None:
    """A row whose numbers could not be read: its cells are remembered as not read (``check``
    must not take them for blanks to fill with 0)."""
    for f in row.fields:
        job.data.unread[f.key] = note


def _parse(job: _Import, f: Field, text: str) -> Value:
    """A published cell's text as the field's value; every number in a web page is
    text, so only real faults are findings (not "number typed as text")."""
    def report(finding: Finding) -> None:
        if finding.code != "number-as-text":
            job.add(finding)
    money = MONEY_CELL.fullmatch(normalise(text).replace(",", ""))
    if money:
        # “251000元” is that number only in an amount column whose label names no unit or
        # the same one (the 2019 采购总金额 names none); elsewhere the cell is not read,
        # never converted or taken for a count.
        unit = re.search(r"单位[:：]?(万元|元)", normalise(f.col_label))
        if f.kind != "amount" or (unit and unit.group(1) != money.group("unit")):
            job.add(F.make("not-a-number", Location.of(f), value=text.strip(), key=f.key))
            return None
        text = money.group("number")
    return parse_number(text, f, Location.of(f), report)


def _settle_runs(job: _Import, rows: list[RowReadings]) -> None:
    """Choose among the readings of run-together rows with every rule; name what stays open
    (and remember it in the data, for facts found later to settle)."""
    known = {k: v for k, v in job.data.values.items() if v is not None}
    possible, row_options = resolve(job.fmt, known, rows)
    for row in rows:
        open_keys = [key for key in row.keys if len(possible.get(key, [])) != 1]
        for key in row.keys:
            if key not in open_keys:
                job.data.values[key] = _parse(job, job.fmt.field(key), possible[key][0])
        if not open_keys:
            continue
        job.data.doubts.append({"keys": list(row.keys), "printed": row.joined,
                                "options": [list(o) for o in row_options[row.keys]]})
        for key in open_keys:
            job.data.unread[key] = unread_note(row.joined, possible[key])
            job.add(uncertain(job.fmt, key, row.joined, possible[key]))
