"""Reports an office publishes without retouching (issue 11) and the 基本信息 printed (issue 7, item 7).

Fonts and pages are read back from real PDFs with poppler (pdffonts, pdftotext);
the Word file is converted by LibreOffice directly, as a LibreOffice user would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from conftest import SEED, edit, libreoffice_convert, needs_libreoffice, run_reportgen, sample, sample_json
from reportgen import read_workbook
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.data.model import ReportData
from reportgen.render import render_report
from reportgen.render.docx import document_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TITLE = "湘乡市科技和工业信息化局2023年政府信息公开工作年度报告"


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _fonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    return [line.split()[0].split("+")[-1] for line in out if line.strip()]


def _font_at(pdf: Path, text: str) -> str:
    """The font of the first word of the PDF that starts with ``text`` (pdftotext -bbox has none,
    so use pdffonts per page is not enough): render the page's text with fonts through pdftohtml."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True, text=True).stdout
    tree = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True))
    fonts = {f.get("id"): f.get("family") for f in tree.iter("fontspec")}
    for node in tree.iter("text"):
        if "".join(node.itertext()).replace(" ", "").startswith(text):
            return fonts[node.get("font")]
    raise AssertionError(f"{text} not found in {pdf.name}")


# --------------------------------------------------------------------------- fonts and LibreOffice
@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    proc = run_reportgen("render", sample(SEED), "-o", out, "--format", "docx,pdf")
    assert proc.returncode == 0, proc.stderr
    return out / f"{TITLE}.pdf", out / f"{TITLE}.docx", proc, out


@needs_libreoffice
@pytest.mark.libreoffice
def test_pdf_keeps_title_body_and_headings_in_distinct_faces_and_names_the_substitutes(seed_pdf):
    pdf, _, proc, _ = seed_pdf
    installed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if "仿宋" in installed or "FangSong" in installed:
        pytest.skip("this computer has the official fonts")
    title = _font_at(pdf, "湘乡市科技和工业信息化局")
    body = _font_at(pdf, "2023年，湘乡市科技和工业信息化局坚持")
    heading = _font_at(pdf, "一、总体情况")
    subheading = _font_at(pdf, "（一）主动公开情况")
    assert len({title, body, heading, subheading}) == 4, (title, body, heading, subheading)
    assert len(set(_fonts(pdf))) >= 4
    # The console names each stand-in.
    assert "本机没有下列公文字体" in proc.stderr
    for official in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"):
        assert official in proc.stderr
    assert "--fonts" in proc.stderr


def _licensed_font(folder: Path, family: str) -> Path:
    """A stand-in for a licensed font: a free face renamed to the official family name."""
    ttlib = pytest.importorskip("fontTools.ttLib")
    source = next((p for p in ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
                               "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc") if Path(p).exists()), None)
    if source is None:
        pytest.skip("no free CJK TrueType font to rename")
    font = ttlib.TTCollection(source).fonts[0] if source.endswith(".ttc") else ttlib.TTFont(source)
    name = font["name"]
    name.names = [r for r in name.names if r.platformID == 3]
    for record in name.names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = "LicensedFangSongStandIn"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "fangsong.ttf"
    font.save(str(target))
    return target


@needs_libreoffice
@pytest.mark.libreoffice
def test_fonts_folder_gives_the_exact_face_by_option_and_by_environment(tmp_path):
    fonts = tmp_path / "正版字体"
    _licensed_font(fonts, "仿宋_GB2312")
    proc = run_reportgen("render", sample(SEED), "-o", tmp_path / "a", "--format", "pdf", "--fonts", fonts)
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / "a" / f"{TITLE}.pdf"
    assert "LicensedFangSongStandIn" in _fonts(pdf)
    assert _font_at(pdf, "2023年，湘乡市科技和工业信息化局坚持").endswith("LicensedFangSongStandIn")
    assert "仿宋_GB2312（正文）" not in proc.stderr  # no longer substituted

    env_proc = subprocess.run(
        [os.sys.executable, "-m", "reportgen", "render", str(sample(SEED)), "-o", str(tmp_path / "b"),
         "--format", "pdf"], capture_output=True, text=True, encoding="utf-8",
        env=dict(os.environ, REPORTGEN_FONTS=str(fonts), PYTHONIOENCODING="utf-8",
                 PYTHONPATH=str(Path(__file__).resolve().parents[1])))
    assert env_proc.returncode == 0, env_proc.stderr
    assert "LicensedFangSongStandIn" in _fonts(tmp_path / "b" / f"{TITLE}.pdf")

    missing = run_reportgen("render", sample(SEED), "-o", tmp_path / "c", "--format", "pdf",
                            "--fonts", tmp_path / "没有这个文件夹")
    assert missing.returncode == 2 and "字体文件夹不存在" in missing.stderr


def _full_lines(text: str) -> list[str]:
    return [re.sub(r"\s", "", line) for line in text.splitlines()]


@needs_libreoffice
@pytest.mark.libreoffice
def test_the_docx_converted_by_libreoffice_directly_matches_reportgens_pdf(seed_pdf, tmp_path):
    """A LibreOffice user opening the .docx gets the same pages and 28 characters a line."""
    pdf, docx, _, _ = seed_pdf
    direct = libreoffice_convert(docx, tmp_path, "pdf")
    assert _pages(direct) == _pages(pdf)
    for produced in (pdf, direct):
        lines = _full_lines(subprocess.run(["pdftotext", str(produced), "-"], capture_output=True, text=True).stdout)
        # The preamble's second line is a full body line: exactly 28 characters.
        assert "报告，是根据《中华人民共和国政府信息公开条例》（以下简称" in lines, produced.name
        assert len("报告，是根据《中华人民共和国政府信息公开条例》（以下简称") == 28


@needs_libreoffice
@pytest.mark.libreoffice
def test_no_libreoffice_process_outlives_reportgen(tmp_path):
    # reportgen's LibreOffice runs with a private profile under the temporary folder. Give this run a
    # temporary folder of its own, so that only its processes are looked for (other runs may be converting).
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = dict(os.environ, TMPDIR=str(scratch), PYTHONIOENCODING="utf-8",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.run([sys.executable, "-m", "reportgen", "render", sample(SEED), "-o", tmp_path / "out",
                           "--format", "pdf"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    left = subprocess.run(["pgrep", "-af", str(scratch)], capture_output=True, text=True).stdout
    assert "soffice" not in left, left


@needs_libreoffice
@pytest.mark.libreoffice
def test_a_batch_converts_in_one_libreoffice(tmp_path):
    from reportgen.render import PdfConverter

    pairs = []
    for name in ("xiangxiang-kjgxj-2023", "pingtan-2021"):
        [docx] = render_report(read_workbook(sample(name)).data, tmp_path / name, ["docx"])
        pairs.append((docx, tmp_path / f"{name}.pdf"))
    starts = []
    import reportgen.render.pdf as pdf_module
    original = pdf_module._run_and_end
    pdf_module._run_and_end = lambda command, timeout: (starts.append(command), original(command, timeout))[1]
    try:
        with PdfConverter() as converter:
            converter.convert_many(pairs)
    finally:
        pdf_module._run_and_end = original
    assert len(starts) == 1 and sum(1 for a in starts[0] if a.endswith(".docx")) == 2
    assert all(_pages(pdf) >= 3 for _, pdf in pairs)


@pytest.mark.skipif(os.name != "posix", reason="a shell-script stand-in for LibreOffice")
def test_a_libreoffice_that_hangs_is_ended_with_everything_it_started(tmp_path, monkeypatch):
    from reportgen.core.errors import TemplateProblem
    from reportgen.render import PdfConverter

    marker = f"reportgen-hang-{os.getpid()}"
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\n"
                    f"sh -c 'sleep 600; echo {marker}' &\n"  # a child of its own, like soffice.bin
                    f"exec sh -c 'sleep 600; echo {marker}'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    [docx] = render_report(read_workbook(sample(SEED)).data, tmp_path, ["docx"])
    with pytest.raises(TemplateProblem, match="没有完成 PDF 转换，已被结束"):
        with PdfConverter(timeout=2) as converter:
            converter.convert(docx, tmp_path / "out.pdf")
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout
    assert left == ""
    assert not (tmp_path / "out.pdf").exists()


# --------------------------------------------------------------------------- the title
def _title_paragraphs(docx: Path) -> list[str]:
    doc = Document(str(docx))
    return [p.text for p in doc.paragraphs if p.style.name == "报告标题"]


@pytest.mark.parametrize("name, lines", [
    ("xiangxiang-kjgxj-2023", ["湘乡市科技和工业信息化局", "2023年政府信息公开工作年度报告"]),
    ("pingtan-2021", ["平潭综合实验区2021年", "政府信息公开工作年度报告"]),
])
def test_the_title_breaks_at_a_natural_place_in_word_and_html(name, lines, tmp_path):
    docx, html = render_report(read_workbook(sample(name)).data, tmp_path, ["docx", "html"])
    assert _title_paragraphs(docx) == lines
    page = html.read_text(encoding="utf-8")
    assert "<h1>" + "".join(f'<span class="title-line">{line}</span>' for line in lines) + "</h1>" in page


@needs_libreoffice
@pytest.mark.libreoffice
def test_the_title_breaks_at_the_same_place_in_the_pdf(seed_pdf):
    pdf = seed_pdf[0]
    first_page = _full_lines(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                                            capture_output=True, text=True).stdout)
    assert first_page[:2] == ["湘乡市科技和工业信息化局", "2023年政府信息公开工作年度报告"]


def test_the_clerk_can_override_the_break_in_the_workbook(copy_sample, tmp_path):
    from reportgen.data.workbook.layout import INFO_SHEET, info_cell

    path = edit(copy_sample(), {(INFO_SHEET, info_cell(FMT, "title_break")): "湘乡市科技和工业信息化局2023年/政府信息公开工作年度报告"})
    docx, html = render_report(read_workbook(path).data, tmp_path, ["docx", "html"])
    assert _title_paragraphs(docx) == ["湘乡市科技和工业信息化局2023年", "政府信息公开工作年度报告"]
    # A split that does not spell the title is ignored, never printed.
    edit(path, {(INFO_SHEET, info_cell(FMT, "title_break")): "别的标题/年度报告"})
    notes: list[str] = []
    [docx] = render_report(read_workbook(path).data, tmp_path / "b", ["docx"], notes=notes)
    assert _title_paragraphs(docx) == ["湘乡市科技和工业信息化局", "2023年政府信息公开工作年度报告"]
    assert notes and "“标题分行”（别的标题/年度报告）与报告标题" in notes[0]


# --------------------------------------------------------------------------- layout
def test_word_layout_headings_kept_with_tables_header_rows_repeat_rows_never_split(tmp_path):
    [docx] = render_report(read_workbook(sample(SEED)).data, tmp_path, ["docx"])
    doc = Document(str(docx))
    styles = {s.name: s for s in doc.styles}
    assert styles["一级标题"].element.find(f"{W}pPr/{W}keepNext") is not None
    t2, t3, t4 = doc.tables
    for table in (t3, t4):
        header = [tr for tr in table._tbl.iterchildren(f"{W}tr") if tr.find(f"{W}trPr/{W}tblHeader") is not None]
        assert len(header) == next(t for t in FMT.tables if t.key == ("t3" if table is t3 else "t4")).header_rows
    for table in (t2, t3, t4):
        rows = list(table._tbl.iterchildren(f"{W}tr"))
        assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in rows)
        # Data rows do not chain to the next (a table may break between rows, under its heading).
        last_rows = rows[-3:]
        assert any(tr.find(f".//{W}keepNext") is None for tr in last_rows)
    # 表三's label columns are at least four 五号 characters (+ cell margins) wide.
    widths = [int(c.get(f"{W}w")) for c in t3._tbl.tblGrid.findall(f"{W}gridCol")]
    assert min(widths[:3]) >= 4 * 210 + 2 * 57


@needs_libreoffice
@pytest.mark.libreoffice
def test_no_half_empty_page_before_a_table_heading(seed_pdf):
    pdf = seed_pdf[0]
    pages = [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                            capture_output=True, text=True).stdout for n in range(1, _pages(pdf) + 1)]
    for part in FMT.parts:
        if not part.table:
            continue
        table = FMT.table(part.table)
        first_label = next(c.text for c in sorted(table.cells, key=lambda c: (c.row, c.col)) if c.kind != "value")
        index = next(i for i, text in enumerate(pages) if part.heading in re.sub(r"\s", "", text))
        assert re.sub(r"\s", "", first_label)[:8] in re.sub(r"\s", "", pages[index]), part.heading
        if index > 0 and part.heading not in re.sub(r"\s", "", pages[index - 1]):
            before = [line for line in pages[index - 1].splitlines() if line.strip()]
            assert len(before) >= 15, f"the page before {part.heading} has only {len(before)} lines"


def test_word_properties_are_in_schema_order_which_word_requires(tmp_path):
    """Word refuses a file with properties out of order (LibreOffice does not notice): every
    rPr/pPr/tblPr/tcPr of the rendered report and of the copy given to LibreOffice is in order."""
    from build_docx_template import SCHEMA_ORDER
    from reportgen.render.fonts import Substitute, rewrite_fonts

    [docx] = render_report(read_workbook(sample(SEED)).data, tmp_path, ["docx"])
    copy = tmp_path / "copy.docx"
    rewrite_fonts(docx, copy, [Substitute("方正小标宋简体", "标题", "Noto Serif CJK SC", True)])
    for path in (docx, copy):
        with zipfile.ZipFile(path) as archive:
            for name in ("word/document.xml", "word/styles.xml"):
                for element in etree.fromstring(archive.read(name)).iter():
                    local = element.tag.rsplit("}", 1)[-1]
                    if local in SCHEMA_ORDER:
                        order = SCHEMA_ORDER[local]
                        ranks = [order.index(c.tag.rsplit("}", 1)[-1]) for c in element
                                 if c.tag.rsplit("}", 1)[-1] in order]
                        assert ranks == sorted(ranks), (path.name, name, [c.tag.rsplit("}", 1)[-1] for c in element])
    with zipfile.ZipFile(copy) as archive:
        assert b'w:ascii="Noto Serif CJK SC"' in archive.read("word/styles.xml")


# --------------------------------------------------------------------------- 基本信息 printed (issue 7, item 7)
def _data_with(**info) -> ReportData:
    obj = sample_json(SEED)
    obj["info"].update(info)
    obj["text"]["other_matters"] = obj["text"]["other_matters"][:1]  # the fee sentence only
    return ReportData.from_json(obj)


def test_website_contact_and_signature_are_printed_at_the_end_of_word_and_html(tmp_path):
    data = _data_with(website="http://www.xxs.gov.cn/", contact="湘乡市东山街道 0731-56789012",
                      publication_date="2024-01-20")
    docx, html = render_report(data, tmp_path, ["docx", "html"])
    paragraphs = [p for p in document_text(docx) if p.strip()]
    # The 落款 (GB/T 9704 §7.3.5.2): the 12-character agency 右空二字 (14 + 12 of the 28 characters),
    # the date's first character two characters right of the agency's.
    assert paragraphs[-3:] == ["如需了解更多政府信息，请登录http://www.xxs.gov.cn/。联系方式：湘乡市东山街道 0731-56789012。",
                               "\u3000" * 14 + "湘乡市科技和工业信息化局", "\u3000" * 16 + "2024年1月20日"]
    doc = Document(str(docx))
    agency, date = [p for p in doc.paragraphs if p.text.strip("\u3000") in ("湘乡市科技和工业信息化局", "2024年1月20日")][-2:]
    assert agency.style.name == "落款" and date.style.name == "成文日期"
    assert agency.style.paragraph_format.alignment == date.style.paragraph_format.alignment == 0  # left
    page = html.read_text(encoding="utf-8")
    assert '<p class="closing">如需了解更多政府信息，请登录http://www.xxs.gov.cn/。联系方式：湘乡市东山街道 0731-56789012。</p>' in page
    assert '<p class="signature-agency">湘乡市科技和工业信息化局</p>' in page
    assert '<p class="signature-date">2024年1月20日</p>' in page


@pytest.mark.parametrize("agency, date, agency_start, date_start", [
    ("湘乡市科技和工业信息化局", "2024年1月20日", 14, 16),  # the agency 右空二字: 14 + 12 = 26 of 28
    ("某县财政局", "2024年12月31日", 16, 18),  # the longer date 右空二字 (18 + ~8), the agency two to its left
    ("某县财政局", "", 21, 23),  # no date: the agency 右空二字
    ("", "2024年1月20日", 16, 18),
    ("某" * 30, "2024年1月20日", 0, 2),  # longer than a line: from the left edge, the date still two in
])
def test_signature_positions_follow_gbt_9704(agency, date, agency_start, date_start):
    from reportgen.render.context import signature

    result = signature(agency, date)
    assert result["agency_indent"] == "\u3000" * agency_start and result["date_indent"] == "\u3000" * date_start
    assert (result["agency"], result["date"]) == (agency, date)


def test_absent_fields_leave_no_gap(tmp_path):
    docx, html = render_report(_data_with(website="", contact="", publication_date=""), tmp_path, ["docx", "html"])
    paragraphs = document_text(docx)
    fee = next(i for i, p in enumerate(paragraphs) if "未收取信息处理费" in p)
    # one blank line, then the agency: nothing else
    assert paragraphs[fee + 1:] == ["", "\u3000" * 14 + "湘乡市科技和工业信息化局"]
    page = html.read_text(encoding="utf-8")
    assert 'class="closing"' not in page and 'class="signature-date"' not in page
    assert '<p class="signature-agency">湘乡市科技和工业信息化局</p>' in page


def test_a_website_the_text_already_gives_is_not_repeated(tmp_path):
    [docx] = render_report(read_workbook(sample(SEED)).data, tmp_path, ["docx"])  # part 六 names www.xxs.gov.cn
    text = "\n".join(document_text(docx))
    assert text.count("www.xxs.gov.cn") == 1


# --------------------------------------------------------------------------- templates that cannot lose content
def _shortened_word_template(folder: Path) -> None:
    run_reportgen("templates", "export", folder)
    doc = Document(str(folder / "report.docx"))
    t2, t3, _ = doc.tables
    t3._tbl.getparent().remove(t3._tbl)
    for cell in (c for row in t2.rows for c in row.cells):
        for p in cell.paragraphs:
            if p.text == "规章":
                p.runs[0].text = "地方政府规章"
            elif p.text == "{{ t2.regulations.repealed }}":
                for run in p.runs:
                    run.text = ""
    doc.save(str(folder / "report.docx"))


def test_check_names_a_deleted_table_a_relabelled_row_and_an_emptied_value_and_render_refuses(tmp_path):
    folder = tmp_path / "tpl"
    _shortened_word_template(folder)
    proc = run_reportgen("templates", "check", folder)
    assert proc.returncode == 1
    out = proc.stdout
    assert "缺少表三" in out and "[missing-table]" in out
    assert "report.docx 表格 1 第 3 行：表二的行标签应为“规章”，模板中是“地方政府规章”" in out
    assert "{{ t2.regulations.repealed }}" in out and "[missing-value]" in out
    assert out.count("[") == 3

    refused = run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", folder)
    assert refused.returncode == 2 and "没有通过检查" in refused.stderr and "--allow-incomplete-template" in refused.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())

    allowed = run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", folder,
                            "--allow-incomplete-template", "--format", "docx")
    assert allowed.returncode == 0, allowed.stderr
    assert "不完整的模板" in allowed.stderr
    last = [p for p in document_text(tmp_path / "out" / f"{TITLE}.docx") if p.strip()][-1]
    assert last.startswith("说明：本报告所用模板与国家规定格式不完全一致") and "缺少表三" in last


def test_an_html_template_without_the_table_call_is_caught(tmp_path):
    folder = tmp_path / "tpl"
    run_reportgen("templates", "export", folder)
    (folder / "report.docx").unlink()
    page = (folder / "body.html").read_text(encoding="utf-8")  # the report's body, which report.html wraps
    (folder / "body.html").write_text(page.replace('{{ official_table(part.table, "h-" ~ part.key) }}', ""),
                                      encoding="utf-8")
    page = (folder / "body.html").read_text(encoding="utf-8")  # and a missing picture: both reported at once
    (folder / "body.html").write_text(page.replace("<main class=\"report\">", '<main class="report"><img src="logo.png" alt="">'),
                                      encoding="utf-8")
    proc = run_reportgen("templates", "check", folder)
    assert proc.returncode == 1
    for number in ("表二", "表三", "表四"):
        assert f"report.html 正文：缺少{number}" in proc.stdout
    assert "[missing-asset]" in proc.stdout
    assert run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", folder).returncode == 2


def test_the_built_in_templates_pass_the_content_check():
    from reportgen.authoring.check import check_templates

    assert check_templates(None) == []


# --------------------------------------------------------------------------- pictures and docs for IT staff
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cf0000000301010018dd8db40000000049454e44ae426082")


def _template_with_logo(folder: Path, src: str) -> None:
    run_reportgen("templates", "export", folder)
    page = (folder / "body.html").read_text(encoding="utf-8")
    (folder / "body.html").write_text(page.replace("<main class=\"report\">",
                                                   f'<main class="report">\n<img src="{src}" alt="徽标">'),
                                      encoding="utf-8")


def test_a_logo_beside_report_html_is_embedded(tmp_path):
    folder = tmp_path / "tpl"
    _template_with_logo(folder, "logo.png")
    (folder / "logo.png").write_bytes(PNG)
    assert run_reportgen("templates", "check", folder).returncode == 0
    proc = run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", folder, "--format", "html")
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / f"{TITLE}.html").read_text(encoding="utf-8")
    import base64
    assert f'<img src="data:image/png;base64,{base64.b64encode(PNG).decode()}" alt="徽标">' in page
    assert 'src="logo.png"' not in page


@pytest.mark.parametrize("src, words, code", [("logo.png", "模板文件夹中没有图片“logo.png”", "missing-asset"),
                                              ("../secret.png", "不能用绝对路径或“..”", "asset-outside-folder"),
                                              ("/etc/passwd.png", "不能用绝对路径", "asset-outside-folder")])
def test_a_missing_or_outside_picture_is_a_check_error_and_stops_render(tmp_path, src, words, code):
    folder = tmp_path / "tpl"
    _template_with_logo(folder, src)
    (tmp_path / "secret.png").write_bytes(PNG)
    proc = run_reportgen("templates", "check", folder)
    assert proc.returncode == 1 and words in proc.stdout and f"[{code}]" in proc.stdout
    assert "body.html 第" in proc.stdout
    assert proc.stdout.count("[") == 1  # and nothing else: the content check still ran and passed
    assert run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", folder,
                         "--format", "html").returncode == 2


def test_a_symlink_out_of_the_template_folder_is_refused(tmp_path):
    folder = tmp_path / "tpl"
    _template_with_logo(folder, "logo.png")
    (tmp_path / "secret.png").write_bytes(PNG)
    try:
        (folder / "logo.png").symlink_to(tmp_path / "secret.png")
    except OSError:
        pytest.skip("symbolic links are not allowed here")
    proc = run_reportgen("templates", "check", folder)
    assert proc.returncode == 1 and "指向模板文件夹以外" in proc.stdout


def test_templates_docs_writes_the_template_reference_and_docs_is_listed_in_chinese(tmp_path):
    proc = run_reportgen("templates", "docs", tmp_path / "tpl")
    assert proc.returncode == 0, proc.stderr
    written = (tmp_path / "tpl" / "templates.md").read_text(encoding="utf-8")
    assert written == (Path(__file__).parents[1] / "docs" / "templates.md").read_text(encoding="utf-8")
    assert "title_lines" in written and "logo.png" in written
    top = run_reportgen("--help").stdout
    assert re.search(r"^\s+docs\s+从格式定义重新生成参考文档", top, re.M)
    assert "docs" in run_reportgen("templates", "--help").stdout
