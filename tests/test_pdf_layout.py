"""The PDF keeps every character and lays the page out as GB/T 9704 says (issue 17, item 2).

Both routes are converted once for the whole module: reportgen's own (PdfConverter, the
code `render --format pdf` runs, free stand-ins for the official fonts) and a plain
`soffice --convert-to pdf` of the .docx, as a LibreOffice user would.  Read back with
poppler's pdftotext (-layout: the plain mode drops a hyphen at a line's end) and
pdftotext -bbox (the characters' x positions).
"""

from __future__ import annotations

import random
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from build_docx_template import LINE_PITCH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, PAGE_HEIGHT, \
    PAGE_WIDTH
from conftest import CASES, SEED, libreoffice_convert_many, needs_libreoffice, sample, sample_json
from reportgen import read_workbook
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.data.model import ReportData
from reportgen.render import render_report
from reportgen.render.pdf import PdfConverter

pytestmark = [needs_libreoffice, pytest.mark.libreoffice]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EM = 15.75  # one 3号 character: 16 pt less the body styles' 0.25 pt
LEFT, RIGHT = MARGIN_LEFT / 20, (PAGE_WIDTH - MARGIN_RIGHT) / 20  # the text block's edges, in points
TOP, BOTTOM = MARGIN_TOP / 20, (PAGE_HEIGHT - MARGIN_BOTTOM) / 20
MARKS = "、，。；："
LONG_URL = "http://www.xxs.gov.cn/zwgk/zfxxgk/fdzdgknr/index.html"


# --------------------------------------------------------------------------- the documents
def _punctuation_everywhere() -> ReportData:
    """The seed with paragraphs that put each mark at every position of a first line
    (26 characters after the indent) and of a full line (28), with and without digits
    (which change the line's spare width, where LibreOffice's rounding bites)."""
    obj = sample_json(SEED)
    filler = "政府信息公开工作年度报告本机关按照条例要求做好主动公开依申请办理行政复议诉讼情况" * 3
    paragraphs = []
    for mark in MARKS:
        for n in range(20, 60):
            paragraphs.append({"heading": "", "text": filler[:n] + mark + filler[n:n + 12] + "。"})
    rnd = random.Random(17)
    for _ in range(40):  # mixed text: digits and Latin letters at random places
        parts = []
        while sum(map(len, parts)) < 150:
            r = rnd.random()
            parts.append(rnd.choice(MARKS) if r < 0.12 else str(rnd.randint(1, 2024)) if r < 0.17
                         else rnd.choice(["（一）", "《条例》", "“三审制”", "www.gov.cn", "A4"]) if r < 0.19
                         else rnd.choice(filler[:40]))
        paragraphs.append({"heading": "", "text": "".join(parts)})
    obj["text"]["overview"] = paragraphs
    return ReportData.from_json(obj)


def _with_info(name: str, **info) -> ReportData:
    obj = sample_json(name)
    obj["info"].update(info)
    return ReportData.from_json(obj)


def _shifted(lines: int) -> ReportData:
    """The seed with ``lines`` more one-line paragraphs in part 一: every heading after it
    moves down by that many lines, over a whole page as ``lines`` goes from 0 to 21."""
    obj = sample_json(SEED)
    obj["text"]["overview"] += [{"heading": "", "text": f"补充说明第{i + 1}段。"} for i in range(lines)]
    return ReportData.from_json(obj)


@dataclass
class Rendered:
    docx: Path
    pdfs: dict[str, Path]  # route → PDF


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Rendered]:
    out = tmp_path_factory.mktemp("pdf-layout")
    documents = {name: read_workbook(sample(name)).data for name in CASES}
    documents["punctuation"] = _punctuation_everywhere()
    # 落款: a long agency (case 1 of §7.3.5.2) and a short one under a longer date (case 2);
    # a closing line whose URL does not fit the rest of its line.
    documents["long-agency"] = _with_info(SEED, publication_date="2024-01-20", website=LONG_URL)
    documents["short-agency"] = _with_info(SEED, agency="某县财政局", publication_date="2024-12-31")
    for lines in range(0, 22, 3):
        documents[f"shifted-{lines}"] = _shifted(lines)
    result = {}
    for key, data in documents.items():
        [docx] = render_report(data, out / key, ["docx"])
        result[key] = Rendered(docx, {"reportgen": out / key / "reportgen.pdf"})
    with PdfConverter() as converter:  # what `render --format pdf` runs, one LibreOffice for all
        converter.convert_many([(r.docx, r.pdfs["reportgen"]) for r in result.values()])
    direct = [key for key in result if not key.startswith("shifted-")]
    for key, pdf in zip(direct, libreoffice_convert_many([result[k].docx for k in direct], out / "direct")):
        result[key].pdfs["soffice"] = pdf
    return result


# --------------------------------------------------------------------------- reading them back
def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def _body(docx: Path) -> tuple[list[str], list[str]]:
    """The Word body's paragraphs (outside tables) and its table cells, as text."""
    import zipfile

    with zipfile.ZipFile(docx) as archive:
        body = etree.fromstring(archive.read("word/document.xml")).find(f"{W}body")
    paragraphs, cells = [], []
    for element in body:
        if element.tag == f"{W}p":
            paragraphs.append("".join(t.text or "" for t in element.iter(f"{W}t")))
        elif element.tag == f"{W}tbl":
            cells += ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in element.iter(f"{W}tc")]
    return paragraphs, cells


def _pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return _squash(re.sub(r"—\s*\d+\s*—", "", text))  # without the page numbers


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def _pages(pdf: Path) -> list[list[Word]]:
    """Each page's words above the footer, from pdftotext -bbox."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    tree = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True))
    pages = []
    for page in tree.iter("{*}page"):
        words = [Word(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")),
                      w.text or "") for w in page.iter("{*}word")]
        pages.append([w for w in words if w.y0 < BOTTOM])
    return pages


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.y0), w.x0)):
        if lines and abs(lines[-1][0].y0 - word.y0) < 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _line_with(pdf: Path, text: str) -> list[Word]:
    """The last line that holds ``text``."""
    found = [line for page in _pages(pdf) for line in _lines(page) if text in "".join(w.text for w in line)]
    assert found, f"{text} is not in {pdf}"
    return found[-1]


# --------------------------------------------------------------------------- every character
@pytest.mark.parametrize("key", [*CASES, "punctuation", "long-agency"])
@pytest.mark.parametrize("route", ["reportgen", "soffice"])
def test_every_character_of_the_word_body_is_in_the_pdf_in_order(rendered, key, route):
    paragraphs, cells = _body(rendered[key].docx)
    text = _pdf_text(rendered[key].pdfs[route])
    position = 0
    for paragraph in filter(None, map(_squash, paragraphs)):
        found = text.find(paragraph, position)
        if found < 0:  # name the first character the PDF lacks
            start = text.find(paragraph[:6], position)
            same = next((i for i, (a, b) in enumerate(zip(paragraph, text[start:])) if a != b), len(paragraph))
            pytest.fail(f"{route} PDF of {key}: “{paragraph[max(0, same - 8):same]}” is not followed by "
                        f"“{paragraph[same]}” (paragraph “{paragraph[:20]}…”)")
        position = found + len(paragraph)
    # Table cells: pdftotext interleaves the lines of neighbouring cells, so count characters.
    spare = Counter(text) - Counter(_squash("".join(paragraphs)))
    assert not Counter(_squash("".join(cells))) - spare, f"{route} PDF of {key} lacks table characters"


# --------------------------------------------------------------------------- the page
def test_22_lines_a_page_and_28_characters_a_line(rendered):
    """Page 2 of the generated document is body text only: 22 lines; a line of Chinese
    holds 28 characters, a 29th only as a mark hanging in the margin."""
    lines = _lines(_pages(rendered["punctuation"].pdfs["reportgen"])[1])
    assert len(lines) == 22
    chinese = [line for line in lines if all(ord(c) >= 0x2E80 for c in "".join(w.text for w in line))]
    full = [line for line in chinese if min(w.x0 for w in line) < LEFT + 1]  # not a paragraph's first line
    assert len(full) > 5
    for line in full:
        text = "".join(w.text for w in line)
        assert len(text) in (28, 29) or max(w.x1 for w in line) < RIGHT - EM, text
        if len(text) == 29:
            assert text[-1] in MARKS, text
        assert max(w.x1 for w in line) < RIGHT + (EM if text[-1] in MARKS else 1), text


@pytest.mark.parametrize("key", [*CASES, *(f"shifted-{n}" for n in range(0, 22, 3))])
def test_no_page_left_a_third_empty_before_a_heading(rendered, key):
    headings = [_squash(part.heading) for part in FMT.parts if part.heading]
    pages = _pages(rendered[key].pdfs["reportgen"])
    for number, (page, following) in enumerate(zip(pages, pages[1:]), start=1):
        first_line = "".join(w.text for w in _lines(following)[0])
        if any(first_line.startswith(h) for h in headings):
            empty = (BOTTOM - max(w.y1 for w in page)) / (BOTTOM - TOP)
            assert empty < 1 / 3, f"{key}: page {number} is {empty:.0%} empty before {first_line}"


def test_a_url_in_the_closing_line_breaks_instead_of_stretching_the_line(rendered):
    pdf = rendered["long-agency"].pdfs["reportgen"]
    line = _line_with(pdf, "请登录")  # the closing line (part 六 has one of its own before it)
    start = next(w for w in line if "如需" in w.text)
    end = next(w for w in line if "登录" in w.text)
    characters = len("如需了解更多政府信息，请登录")
    # Set at the characters' own width, not spread over the line (letter-spaced it was ~26 wide).
    assert end.x1 - start.x0 < (characters + 0.5) * EM
    url_lines = [_squash("".join(w.text for w in line)) for page in _pages(pdf) for line in _lines(page)]
    assert any("http://" in text for text in url_lines) and LONG_URL in "".join(url_lines)


@pytest.mark.parametrize("route", ["reportgen", "soffice"])
def test_signature_of_a_long_agency_name(rendered, route):
    """GB/T 9704 §7.3.5.2: the agency 右空二字, the date's first character two characters
    right of the agency's first."""
    pdf = rendered["long-agency"].pdfs[route]
    agency = _line_with(pdf, "湘乡市科技和工业信息化局")
    date = _line_with(pdf, "月20")
    agency_start, agency_end = min(w.x0 for w in agency), max(w.x1 for w in agency)
    date_start = min(w.x0 for w in date)
    assert abs(agency_end - (RIGHT - 2 * EM)) < 2.5, (agency_end, RIGHT - 2 * EM)
    assert abs(date_start - agency_start - 2 * EM) < 1, (agency_start, date_start)
    assert date[0].y0 - agency[0].y0 == pytest.approx(LINE_PITCH / 20, abs=1)  # the next line


@pytest.mark.parametrize("route", ["reportgen", "soffice"])
def test_signature_of_a_short_agency_under_a_longer_date(rendered, route):
    """The date is longer than the agency: the date 右空二字, the agency two characters
    left of the date's first character."""
    pdf = rendered["short-agency"].pdfs[route]
    agency = _line_with(pdf, "某县财政局")
    date = _line_with(pdf, "月31")
    agency_start, agency_end = min(w.x0 for w in agency), max(w.x1 for w in agency)
    date_start, date_end = min(w.x0 for w in date), max(w.x1 for w in date)
    assert abs(date_start - agency_start - 2 * EM) < 1, (agency_start, date_start)
    assert agency_end < RIGHT - 2 * EM
    # The date's end depends on how wide the font draws its digits: within ¾ of a character
    # of 右空二字 with reportgen's stand-in fonts; a plain conversion on a machine without
    # 仿宋_GB2312 draws them in whatever font it finds (DejaVu Sans here, ~1 character
    # wider over 8 digits), which still ends inside the text block.
    if route == "reportgen":
        assert abs(date_end - (RIGHT - 2 * EM)) < 0.75 * EM, (date_end, RIGHT - 2 * EM)
    assert date_end < RIGHT
