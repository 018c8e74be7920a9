"""The Word report: official page set-up, styles, footer, tables, fidelity to the real report, safety."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from conftest import SEED, sample, sample_json
from reportgen import read_workbook
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.data.model import ReportData
from reportgen.render import render_report
from reportgen.render.docx import document_text
from reportgen.render.environment import docx_environment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("render")
    [path] = render_report(read_workbook(sample(SEED)).data, out, ["docx"])
    return path


def _xml(path: Path, part: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_output_is_named_after_the_title(seed_docx):
    assert seed_docx.name == "湘乡市科技和工业信息化局2023年政府信息公开工作年度报告.docx"


def test_fidelity_to_the_published_seed_report(seed_docx):
    """Title, preamble, six headings, every paragraph, table label and number of the
    published report appear in the rendered document, in order."""
    text = _squash("".join(document_text(seed_docx)))
    assert text.startswith("湘乡市科技和工业信息化局2023年政府信息公开工作年度报告")
    published = (DATA / "xiangxiang-kjgxj-2023.txt").read_text(encoding="utf-8").splitlines()[1:]  # [0]: web title
    position = 0
    for line in published:
        token = _squash(line)
        if not token:
            continue
        found = text.find(token, position)
        assert found >= 0, f"not found in order: {line.strip()[:40]}"
        position = found + (len(token) if not token.isdigit() else 1)


def test_gbt_9704_page_setup(seed_docx):
    sect = _xml(seed_docx, "word/document.xml").find(f"{W}body/{W}sectPr")
    size, margins, grid = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar"), sect.find(f"{W}docGrid")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    assert {k: margins.get(f"{W}{k}") for k in ("top", "bottom", "left", "right")} == \
        {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}
    # A line grid every suite honours; 28 characters a line from the body's character spacing
    # (LibreOffice misreads linesAndChars with a negative charSpace).
    assert (grid.get(f"{W}type"), grid.get(f"{W}linePitch"), grid.get(f"{W}charSpace")) == ("lines", "579", None)
    settings = _xml(seed_docx, "word/settings.xml")
    assert settings.find(f"{W}evenAndOddHeaders") is not None
    kinds = {ref.get(f"{W}type") for ref in sect.findall(f"{W}footerReference")}
    assert kinds == {"default", "even"}


def test_named_styles_with_all_four_font_slots(seed_docx):
    styles = _xml(seed_docx, "word/styles.xml")
    by_name = {s.find(f"{W}name").get(f"{W}val"): s for s in styles.findall(f"{W}style")}
    expected = {"报告标题": ("方正小标宋简体", "44"), "报告正文": ("仿宋_GB2312", "32"), "一级标题": ("黑体", "32"),
                "二级标题": ("楷体_GB2312", "32"), "表格文字": ("仿宋_GB2312", "21"), "页码": ("宋体", "28")}
    for name, (font, size) in expected.items():
        rpr = by_name[name].find(f"{W}rPr")
        fonts = rpr.find(f"{W}rFonts")
        assert [fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")] == [font] * 4, name
        assert not [k for k in fonts.attrib if k.endswith("Theme") or k.endswith("theme")], name
        assert rpr.find(f"{W}sz").get(f"{W}val") == size, name
    body = by_name["报告正文"].find(f"{W}pPr/{W}ind")
    assert body.get(f"{W}firstLineChars") == "200"
    for name in ("报告正文", "一级标题"):  # 16 pt − 0.25 pt: 28 fit the 442.25 pt line, 29 do not
        assert by_name[name].find(f"{W}rPr/{W}spacing").get(f"{W}val") == "-5"


def test_page_number_footers_dash_page_dash_on_alternate_sides(seed_docx):
    doc = Document(str(seed_docx))
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]._p
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        instr = "".join(t.text for t in p.iter(f"{W}instrText"))
        assert text.startswith("— ") and text.endswith(" —") and instr.strip() == "PAGE"
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == side
        assert p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "ReportPageNumber"


def test_tables_have_the_official_merges_every_cell_filled_and_fit_the_text_width(seed_docx):
    doc = Document(str(seed_docx))
    t2, t3, t4 = doc.tables
    assert t3.cell(0, 0).text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert t3.cell(2, 2)._tc is t3.cell(0, 0)._tc  # the corner spans 3×3
    assert t3.cell(26, 0)._tc is t3.cell(5, 0)._tc  # 三、本年度办理结果 spans 22 rows (5..26)
    assert t3.cell(27, 0).text == "四、结转下年度继续办理"
    assert t3.cell(14, 1).text == "（三）不予公开"
    assert t2.cell(6, 3)._tc is t2.cell(6, 1)._tc and t2.cell(6, 1).text == "0"  # 行政许可 spans 3 columns
    assert [c.text for c in t4.rows[3].cells] == ["0"] * 15
    for table in doc.tables:
        widths = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.findall(f"{W}gridCol")]
        assert sum(widths) <= 8845
        for tc in table._tbl.iter(f"{W}tc"):
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(f"{W}val") != "restart":
                continue  # the lower part of a vertically merged cell
            text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
            assert text.strip(), "a table cell is blank"
            assert tc.find(f"{W}p") is not None
    penalty = [c.text for c in t2.rows[9].cells]
    assert penalty[0] == "行政处罚" and penalty[1] == "1"


def test_multi_line_text_becomes_separate_paragraphs(tmp_path):
    obj = sample_json(SEED)
    obj["text"]["problems"] = [{"heading": "（一）存在的问题。", "text": "第一行"}, {"heading": "", "text": "第二行"}]
    [path] = render_report(ReportData.from_json(obj), tmp_path, ["docx"])
    paragraphs = document_text(path)
    i = paragraphs.index("（一）存在的问题。第一行")
    assert paragraphs[i + 1] == "第二行"
    doc = Document(str(path))
    heading_run = next(p for p in doc.paragraphs if p.text == "（一）存在的问题。第一行").runs[0]
    assert heading_run.style.name == "二级标题" and heading_run.text == "（一）存在的问题。"


HOSTILE = "A&B <b>粗</b> \"引号\" '单引号' <script>alert(1)</script> {{ 7*7 }} {% for x in y %} {{ title }}"


def _hostile_data() -> ReportData:
    obj = sample_json(SEED)
    obj["info"]["agency"] = "测试局<&>\x07"
    obj["text"]["overview"][0]["text"] = HOSTILE + "\x01\x1f"
    obj["text"]["overview"][1]["heading"] = "{{ agency }}"
    obj["info"]["website"] = "{% raw %}"
    return ReportData.from_json(obj)


def test_hostile_text_comes_out_literally_in_word(tmp_path):
    [path] = render_report(_hostile_data(), tmp_path, ["docx"])
    text = "\n".join(document_text(path))
    assert HOSTILE in text  # escaped on the way in, so the Word text is the literal string
    assert "{{ agency }}" in text and "49" not in text.split("湘乡")[0]
    assert "测试局<&>2023年政府信息公开工作年度报告" in text
    assert "\x07" not in text and "\x01" not in text
    Document(str(path))  # python-docx opens it: every part is well-formed


def test_each_template_is_compiled_once_per_process(tmp_path):
    data = read_workbook(sample(SEED)).data
    render_report(data, tmp_path / "a", ["docx"])
    compiled = dict(docx_environment()._compiled)
    render_report(read_workbook(sample("pingtan-2021")).data, tmp_path / "b", ["docx"])
    render_report(data, tmp_path / "c", ["docx"])
    assert docx_environment()._compiled.keys() == compiled.keys()
    assert all(docx_environment()._compiled[k] is compiled[k] for k in compiled)


def test_the_built_in_template_is_the_one_the_builder_writes(tmp_path):
    """templates/report.docx is reproducible from build_docx_template.py."""
    from build_docx_template import build

    rebuilt = build(tmp_path / "report.docx", FMT)
    committed = Path(__file__).parents[1] / "templates" / "report.docx"
    with zipfile.ZipFile(rebuilt) as a, zipfile.ZipFile(committed) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            assert a.read(name) == b.read(name), f"templates/report.docx is stale ({name}): rebuild it"
