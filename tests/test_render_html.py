"""The HTML report: standalone, accessible, escaped; checked in a real headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import SEED, sample
from reportgen import read_workbook
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.render import render_report
from test_render_docx import _hostile_data


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory) -> Path:
    [path] = render_report(read_workbook(sample(SEED)).data, tmp_path_factory.mktemp("html"), ["html"])
    return path


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _outline(path: Path) -> list[tuple[str, dict]]:
    parser = _Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def test_standalone_chinese_document_with_headings_in_order(seed_html):
    tags = _outline(seed_html)
    assert tags[0] == ("html", {"lang": "zh-CN"})
    assert not [a for t, a in tags if t in ("link", "script", "img", "iframe")]
    assert not re.search(r"(src|href)\s*=|url\(|@import", seed_html.read_text(encoding="utf-8"))
    headings = [t for t, _ in tags if re.fullmatch(r"h\d", t)]
    assert headings == ["h1"] + ["h2"] * 6


def test_tables_are_named_by_their_heading_with_scopes_and_the_official_spans(seed_html):
    tags = _outline(seed_html)
    assert not [t for t, _ in tags if t == "caption"]  # the national format prints no caption of its own
    ids = {a["id"] for t, a in tags if t == "h2"}
    tables = [a for t, a in tags if t == "table"]
    assert len(tables) == 3 and all(a.get("aria-labelledby") in ids for a in tables)
    html_text = seed_html.read_text(encoding="utf-8")
    assert '<h2 id="h-t3">三、收到和处理政府信息公开申请情况</h2>' in html_text
    assert '<table class="official t3" aria-labelledby="h-t3">' in html_text
    assert all("scope" in a for t, a in tags if t == "th")
    spans = sorted((int(a.get("rowspan", 1)), int(a.get("colspan", 1))) for t, a in tags
                   if t in ("th", "td") and ("rowspan" in a or "colspan" in a))
    expected = sorted((c.rowspan, c.colspan) for t in FMT.tables for c in t.cells if c.rowspan > 1 or c.colspan > 1)
    assert spans == expected
    html = seed_html.read_text(encoding="utf-8")
    assert '<th scope="rowgroup" class="label" rowspan="22">三、本年度办理结果</th>' in html


def test_hostile_text_is_escaped_and_never_executed(tmp_path):
    [path] = render_report(_hostile_data(), tmp_path, ["html"])
    html = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "{{ 7*7 }}" in html and "{% for x in y %}" in html and "{{ agency }}" in html
    assert "A&amp;B &lt;b&gt;粗&lt;/b&gt; &#34;引号&#34; &#39;单引号&#39;" in html
    assert "\x07" not in html and "\x01" not in html


# --------------------------------------------------------------------------- a real browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = None
try:
    import axe_playwright_python
    AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
except ImportError:  # pragma: no cover - the test extras bring it
    pass


@pytest.fixture(scope="module")
def browser():
    if (CHROMIUM is None or AXE is None) and not os.environ.get("CI"):
        pytest.skip("headless Chromium and the test extras (playwright, axe-playwright-python) are needed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.mark.browser
def test_axe_finds_no_serious_or_critical_violation(seed_html, browser):
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(seed_html.as_uri())
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert page.title() == "湘乡市科技和工业信息化局2023年政府信息公开工作年度报告"


@pytest.mark.browser
@pytest.mark.parametrize("name", ["xiangxiang-kjgxj-2023", "pingtan-2021"])
def test_on_a_phone_the_first_screen_of_each_table_shows_numbers(name, browser, tmp_path):
    [path] = render_report(read_workbook(sample(name)).data, tmp_path, ["html"])
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(path.as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page never scrolls sideways
    for table in FMT.tables:
        page.evaluate(f"document.querySelector('table.{table.key}').scrollIntoView()")
        # Numbers fully inside the screen, without scrolling sideways, when the table's top is at the top.
        seen = page.evaluate(f"""() => [...document.querySelectorAll('table.{table.key} td.num')]
            .map(td => td.getBoundingClientRect())
            .filter(r => r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight).length""")
        first_row = sum(1 for c in table.cells if c.kind == "value" and c.row == table.header_rows)
        assert seen >= max(first_row, 1), f"{table.number}: {seen} numbers on the first screen"
        label = page.evaluate(f"""() => Math.min(...[...document.querySelectorAll('table.{table.key} th.label')]
            .map(th => th.getBoundingClientRect().width))""")
        font = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('table.{table.key}')).fontSize)")
        if table.key != "t4":  # 表四 has no label column
            assert label >= 4 * font - 0.5, f"{table.number}: a label column is {label:.0f}px wide"
    font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
    assert font >= 16


@pytest.mark.browser
def test_prints_on_a4(seed_html, browser, tmp_path):
    page = browser.new_page()
    page.goto(seed_html.as_uri())
    pdf = tmp_path / "print.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "(A4)" in info


def test_hostile_text_typed_into_workbook_fields_comes_out_literally_in_both_formats(tmp_path, copy_sample):
    """As a clerk would paste it: markup, template code, quotes and control characters
    (stored by Excel as _x0007_) in the details and text sheets."""
    from conftest import edit, run_reportgen
    from reportgen.render.docx import document_text

    hostile = "A&B <i>x</i> \"q\" 'q' <script>alert(1)</script> {{ 7*7 }} {% for x in y %}"
    path = edit(copy_sample(), {
        ("基本信息", "B4"): "测试局<&>\"'_x0007_",
        ("基本信息", "B6"): "{{ 7*7 }}",
        ("文字部分", "B4"): "{% if true %}（零）",
        ("文字部分", "C4"): hostile + "_x001B_",
    })
    proc = run_reportgen("render", path, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "文字中有不可见的控制字符" in proc.stdout  # a 提醒, with the cell
    [docx] = (tmp_path / "out").glob("*.docx")
    [html] = (tmp_path / "out").glob("*.html")
    assert docx.name == "测试局_&__'2023年政府信息公开工作年度报告.docx"  # < > " replaced; ' and & are legal
    word = "\n".join(document_text(docx))
    assert "{% if true %}（零）" + hostile in word
    assert "测试局<&>\"'2023年\n政府信息公开工作年度报告" in word and "\x07" not in word and "\x1b" not in word
    page = html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} {% for x in y %}" in page
    assert "<script>" not in page and "<i>x</i>" not in page
    assert "<title>测试局&lt;&amp;&gt;&#34;&#39;2023年政府信息公开工作年度报告</title>" in page


@pytest.mark.browser
@pytest.mark.parametrize("agency, date", [("湘乡市科技和工业信息化局", "2024年1月20日"),  # the name is longer
                                          ("某某局", "2024年12月20日")])  # the date is longer
def test_the_signature_is_placed_as_gb_t_9704_says(agency, date, browser, tmp_path):
    """§7.3.5.2: the date's first character two characters right of the agency's first, the longer
    line ending two characters from the right (the Word report does the same)."""
    data = read_workbook(sample(SEED)).data
    data.info.update(agency=agency, publication_date=date)
    [path] = render_report(data, tmp_path, ["html"])
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    page.goto(path.as_uri())
    box = page.evaluate("""() => {
        const first = p => { const r = document.createRange(); r.setStart(p.firstChild, 0); r.setEnd(p.firstChild, 1);
                             return r.getBoundingClientRect(); };
        const last = p => { const r = document.createRange(); const n = p.firstChild.length;
                            r.setStart(p.firstChild, n - 1); r.setEnd(p.firstChild, n); return r.getBoundingClientRect(); };
        const a = document.querySelector('.signature-agency'), d = document.querySelector('.signature-date');
        const text = a.closest('main, .report, body').querySelector('p:not(.signature p)');
        return {em: parseFloat(getComputedStyle(a).fontSize), agencyLeft: first(a).left, dateLeft: first(d).left,
                right: Math.max(last(a).right, last(d).right), textRight: text.getBoundingClientRect().right};
    }""")
    em = box["em"]
    assert abs(box["dateLeft"] - box["agencyLeft"] - 2 * em) < 0.1 * em, box
    assert abs(box["textRight"] - box["right"] - 2 * em) < 0.6 * em, box  # digits are narrower than a character
