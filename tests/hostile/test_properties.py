"""Property tests (hypothesis, fixed seed): what holds for any data, not only the samples.

- any valid report data → workbook → the same data;
- any string in any text field renders literally into well-formed HTML and Word;
- any single-cell change that breaks a relation is caught at that cell.
"""

from __future__ import annotations

import copy
import html.parser
import json
import os
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import SAMPLES, SEED
from reportgen.checks import check_report
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.core.safety import CONTROL_CHARS
from reportgen.data.model import Paragraph, ReportData
from reportgen.render.context import build_context
from reportgen.render.docx import render_docx
from reportgen.render.template_files import find_template
from reportgen.render.html import render_html
from reportgen.data.workbook import read_workbook, write_workbook

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Writing and reading a whole workbook, or rendering a Word file, takes about half a
# second to a second: those properties run 40 (Word: 10 × 20 strings) examples so
# a developer's run stays fast; CI (CI=true) and REPORTGEN_THOROUGH=1 run 200 of each
# (about three and a half minutes on the standard two-core machine).
THOROUGH = bool(os.environ.get("REPORTGEN_THOROUGH") or os.environ.get("CI"))
SLOW_EXAMPLES = 200 if THOROUGH else 40


def seed_data() -> ReportData:
    return ReportData.from_json(json.loads((SAMPLES / f"{SEED}.json").read_text(encoding="utf-8")))


# Any text a clerk can store in a cell: no lone surrogates, no control characters XML
# cannot hold (both are replaced, with a 提醒, by the reader).
any_char = st.characters(blacklist_categories=("Cs",)).filter(lambda ch: not CONTROL_CHARS.match(ch))
any_text = st.text(any_char, min_size=1, max_size=60)
# What survives a cell as one paragraph: the reader splits lines and trims each.
paragraph_text = any_text.map(lambda s: " ".join(s.replace("\r", " ").split("\n")).strip()).filter(bool)
single_line = any_text.map(lambda s: " ".join(s.split())).filter(bool)


@st.composite
def report_data(draw) -> ReportData:
    data = seed_data()
    # As read from a workbook: an info field left empty is "" (the sample JSON may predate a field).
    data.info.update({f.key: data.info.get(f.key) or "" for f in FMT.info_fields})
    data.info["agency"] = draw(single_line)
    data.info["year"] = draw(st.integers(2021, 2100))
    for key in data.text:
        data.text[key] = [Paragraph(draw(paragraph_text), draw(st.one_of(st.just(""), paragraph_text)))
                          for _ in range(draw(st.integers(0, 3)))]
    for f in FMT.fields:
        if f.kind == "count":
            data.values[f.key] = draw(st.integers(0, 10**12 - 1))
        else:
            # As a cell holds it: at most 15 significant digits (a spreadsheet number is a
            # double), no trailing zeros, a whole amount as an integer.
            amount = Decimal(draw(st.integers(0, 10**9 - 1))).scaleb(-draw(st.integers(0, 6))).normalize()
            data.values[f.key] = amount if amount != amount.to_integral_value() else Decimal(int(amount))
    return data


def comparable(data: ReportData) -> dict:
    return json.loads(data.dumps())


@settings(max_examples=SLOW_EXAMPLES, **SETTINGS)
@given(report_data())
def test_any_valid_data_survives_the_workbook(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "数据.xlsx"
        write_workbook(path, data)
        back = read_workbook(path).data
    assert comparable(back) == comparable(data)


def _with_text(text: str) -> ReportData:
    data = seed_data()
    data.info["agency"] = " ".join(text.split()) or "某局"
    first = next(key for key in data.text if data.text[key])
    data.text[first][0] = Paragraph(text, heading=text)
    return data


class _Text(html.parser.HTMLParser):
    """The text a browser shows (entities decoded), failing on nothing: html.parser is lenient,
    so well-formedness is checked by lxml below."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@settings(max_examples=200, **SETTINGS)
@given(any_text)
def test_any_string_renders_literally_in_html(text):
    text = text.replace("\r", "")
    page = render_html(build_context(_with_text(text)))
    etree.fromstring(page.encode("utf-8"), etree.HTMLParser(recover=False, huge_tree=True))
    parser = _Text()
    parser.feed(page)
    assert text in "".join(parser.parts)


def shown_paragraphs(path: Path) -> list[str]:
    """Each paragraph's text as Word shows it: runs joined, a w:tab as a tab, a w:br as a line break."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    shown = []
    for paragraph in body.iter(f"{w}p"):
        pieces = {f"{w}t": lambda e: e.text or "", f"{w}tab": lambda e: "\t", f"{w}br": lambda e: "\n"}
        shown.append("".join(pieces[e.tag](e) for e in paragraph.iter() if e.tag in pieces))
    return shown


# A Word render takes about a second: strings are rendered 20 to a document.
@settings(max_examples=SLOW_EXAMPLES // 4, **SETTINGS)
@given(st.lists(any_text.map(lambda s: s.replace("\r", "").replace("\n", " ")), min_size=20, max_size=20))
def test_any_string_renders_literally_in_word(texts):
    data = seed_data()
    first = next(key for key in data.text if data.text[key])
    data.text[first] = [Paragraph(t, heading=h) for t, h in zip(texts, reversed(texts))]
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "r.docx"
        render_docx(find_template("report.docx", None), build_context(data), target)
        with zipfile.ZipFile(target) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    etree.fromstring(archive.read(name))  # well-formed
        shown = shown_paragraphs(target)
    for t, h in zip(texts, reversed(texts)):
        assert h + t in shown


# Every value cell that takes part in a sum or the balance.
RELATED = sorted({k for r in FMT.sum_rules for k in (r.total, *r.parts)}
                 | {k for r in FMT.balance_rules for k in (*r.left, *r.right)})
FIELDS = {f.key: f for f in FMT.fields}


@settings(max_examples=200, **SETTINGS)
@given(st.sampled_from(RELATED), st.integers(1, 10**6))
def test_a_broken_relation_is_caught_at_the_changed_cell(key, delta):
    data = seed_data()
    assert not [f for f in check_report(data) if f.is_error]
    data = copy.deepcopy(data)
    data.values[key] += delta
    field = FIELDS[key]
    errors = [f for f in check_report(data) if f.is_error]
    at_cell = [f for f in errors if f.location and f.location.sheet == field.sheet
               and (f.location.cell == field.cell or field.cell in f.cells)]
    assert at_cell, (key, [str(f) for f in errors])
