"""reportgen render and reportgen templates, as clerks and IT staff use them."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import SEED, digest, needs_libreoffice, run_reportgen, sample
from reportgen import read_workbook
from reportgen.render import safe_filename

TITLE = "湘乡市科技和工业信息化局2023年政府信息公开工作年度报告"


def test_main_command_renders_word_and_html(tmp_path):
    proc = run_reportgen("render", sample(SEED), "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{TITLE}.docx", f"{TITLE}.html"]
    assert f"已生成：{tmp_path / TITLE}.docx" in proc.stdout


def test_errors_block_the_report_and_nothing_is_written(tmp_path):
    proc = run_reportgen("render", sample("hongze-2023"), "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert "表四 E7（行政复议 / 总计）" in proc.stdout and "没有生成报告" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_warnings_are_shown_and_the_report_is_rendered(tmp_path):
    proc = run_reportgen("render", sample("pingtan-2021"), "-o", tmp_path)
    assert proc.returncode == 0
    assert "总体情况超过一千字" in proc.stdout
    assert (tmp_path / "平潭综合实验区2021年政府信息公开工作年度报告.docx").exists()


def test_a_failed_render_leaves_the_previous_report_untouched(tmp_path):
    out = tmp_path / "out"
    assert run_reportgen("render", sample(SEED), "-o", out).returncode == 0
    before = {p.name: digest(p) for p in out.iterdir()}
    broken = tmp_path / "tpl"
    broken.mkdir()
    (broken / "report.html").write_text("<h1>{{ title }</h1>", encoding="utf-8")
    proc = run_reportgen("render", sample(SEED), "-o", out, "--templates", broken)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "没有通过检查" in proc.stderr
    assert "report.html 第 1 行" in proc.stderr
    assert {p.name: digest(p) for p in out.iterdir()} == before  # no temp files, nothing replaced


def test_pdf_without_libreoffice_says_what_to_install(tmp_path, cli, monkeypatch):
    monkeypatch.setattr("reportgen.render.find_soffice", lambda: None)
    result = cli("render", sample(SEED), "-o", tmp_path / "out", "--format", "docx,pdf")
    assert result.exit_code == 2
    assert "没有找到 LibreOffice，无法生成 PDF" in result.output and "libreoffice" in result.output.lower()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("title, name", [
    ("某局2023年报", "某局2023年报"),
    ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
    ("CON", "_CON"),
    ("报告. ", "报告"),
])
def test_file_names_are_safe_on_windows_and_linux(title, name):
    assert safe_filename(title) == name


@needs_libreoffice
@pytest.mark.libreoffice
def test_pdf_through_libreoffice_a4_pages_numbered_text_intact(tmp_path):
    """The rendered Word file, converted by LibreOffice, is what a person would print."""
    proc = run_reportgen("render", sample(SEED), "-o", tmp_path, "--format", "docx,pdf")
    assert proc.returncode == 0, proc.stderr
    pdf = tmp_path / f"{TITLE}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert "595.3 x 841.89 pts (A4)" in info or "595.304 x 841.89 pts (A4)" in info
    assert 3 <= pages <= 8
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True).stdout
        assert re.search(rf"—\s*{page}\s*—", text), f"page {page} has no page number"
    everything = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    squashed = "".join(everything.split())
    for must in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                 "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
                 "本年度未收取信息处理费", "主动公开政府信息32条"):
        assert must in squashed
    # GB/T 9704: 28 characters a line; a full line of the preamble holds exactly 28.
    assert "报告，是根据《中华人民共和国政府信息公开条例》（以下简称" in everything.splitlines()


# --------------------------------------------------------------------------- templates
def test_export_then_check_passes_and_override_is_file_by_file(tmp_path):
    folder = tmp_path / "省里的模板"
    assert run_reportgen("templates", "export", folder).returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["body.html", "report.docx", "report.html", "style.css", "tables.html"]
    assert run_reportgen("templates", "check", folder).returncode == 0
    # A province changes only the style sheet: the rest falls back to the built-in templates.
    only_css = tmp_path / "css-only"
    only_css.mkdir()
    (only_css / "style.css").write_text("body { background: #fdf6e3; } .province-mark { color: red; }", encoding="utf-8")
    proc = run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", only_css)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "out" / f"{TITLE}.html").read_text(encoding="utf-8")
    assert ".province-mark { color: red; }" in html and "<h1>" in html


def _edit_docx(path: Path, replace: dict[str, str]) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    for old, new in replace.items():
        assert old in xml
        xml = xml.replace(old, new, 1)
    parts["word/document.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_check_finds_a_broken_tag_and_an_unknown_variable_with_locations(tmp_path):
    folder = tmp_path / "tpl"
    run_reportgen("templates", "export", folder)
    _edit_docx(folder / "report.docx", {
        "{{ t4.review.total }}": "{{ t4.review.total }",
        "{{ t3.granted.natural_person }}": "{{ t3.granted.natural_persn }}",
    })
    html = (folder / "report.html").read_text(encoding="utf-8").replace("<title>{{ title }}", "<title>{{ agency_name }}")
    (folder / "report.html").write_text(html, encoding="utf-8")
    proc = run_reportgen("templates", "check", folder)
    assert proc.returncode == 1
    out = proc.stdout
    assert "report.docx 表格 3 第 4 行第 5 格：标签不完整或被拆开" in out and "[broken-tag]" in out
    assert "report.docx 表格 2 第 6 行第 3 格：“t3.granted.natural_persn”不是模板变量" in out
    assert "是否应为“t3.granted.natural_person”" in out
    assert "report.html 第 12 行：“agency_name”不是模板变量" in out
    assert out.count("[") == 3  # exactly these three problems


def test_a_tag_word_split_across_runs_is_read_whole_and_renders(tmp_path):
    """Word splits a tag into runs when someone edits it; that is not an error."""
    folder = tmp_path / "tpl"
    run_reportgen("templates", "export", folder)
    _edit_docx(folder / "report.docx", {
        "<w:t>{{ t2.penalty.decisions }}</w:t>":
            '<w:t>{{ t2.pen</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr>'
            "<w:t>alty.decisions }}</w:t>",
    })
    assert run_reportgen("templates", "check", folder).returncode == 0
    proc = run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", folder, "--format", "docx")
    assert proc.returncode == 0, proc.stderr


def test_templates_run_in_the_sandbox(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "report.html").write_text("{{ title.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    proc = run_reportgen("render", sample(SEED), "-o", tmp_path / "out", "--templates", folder, "--format", "html")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "没有通过检查" in proc.stderr and "不是模板变量" in proc.stderr
    # Rendered anyway (as a Python user could), the sandbox stops it.
    from reportgen.render.context import build_context
    from reportgen.render.html import render_html
    from reportgen.core.errors import TemplateProblem
    with pytest.raises(TemplateProblem, match="^模板 report.html：模板做了不允许的操作（模板只能读取报告数据）。模板变量和写法见 reportgen templates docs 生成的说明。$"):
        render_html(build_context(read_workbook(sample(SEED)).data), folder)


def test_export_refuses_to_overwrite_edited_templates(tmp_path):
    folder = tmp_path / "tpl"
    run_reportgen("templates", "export", folder)
    (folder / "style.css").write_text("/* edited */", encoding="utf-8")
    proc = run_reportgen("templates", "export", folder)
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert (folder / "style.css").read_text(encoding="utf-8") == "/* edited */"


def test_check_json_lists_codes(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    shutil.copyfile(Path(__file__).parents[1] / "templates" / "tables.html", folder / "tables.html")
    (folder / "report.html").write_text("{{ foo | nosuchfilter }}", encoding="utf-8")
    proc = run_reportgen("templates", "check", folder, "--json")
    import json
    codes = sorted(item["code"] for item in json.loads(proc.stdout))
    assert codes == ["unknown-filter", "unknown-variable"] and proc.returncode == 1


def test_a_broken_tag_is_shown_where_it_is_not_at_an_earlier_good_tag(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    shutil.copyfile(Path(__file__).parents[1] / "templates" / "tables.html", folder / "tables.html")
    (folder / "report.html").write_text("<p>{{ title }} 正文很长很长很长很长很长很长很长很长很长 {{ agency }</p>\n",
                                        encoding="utf-8")
    proc = run_reportgen("templates", "check", folder)
    assert proc.returncode == 1
    [line] = [ln for ln in proc.stdout.splitlines() if "[broken-tag]" in ln]
    assert "{{ agency }" in line and "{{ title }}" not in line
