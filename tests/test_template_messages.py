"""Issue 17 item 5: what IT staff read — template errors in Chinese at the line to
fix, a file outside the folder under its own code, advice that fits the fault, the
templates documentation (and the templates' comments) in Chinese, reachable from
every message, and a body-only HTML fragment for a CMS that wraps its pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import TemplateSyntaxError

from conftest import ROOT, SEED, sample
from reportgen.render.environment import ReportEnvironment
from reportgen.render.template_files import jinja_message

DOCS_HINT = "模板变量和各项检查的说明：运行 reportgen templates docs {folder} 生成 templates.md。\n"


@pytest.fixture
def exported(tmp_path, cli):
    folder = tmp_path / "模板"
    result = cli("templates", "export", folder)
    assert result.exit_code == 0
    assert result.output.endswith(f"模板说明（变量表、图片、检查规则）：运行 reportgen templates docs {folder} 生成 "
                                  f"templates.md；改完后运行 reportgen templates check {folder} 检查。\n")
    return folder


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def _check(cli, folder: Path) -> str:
    result = cli("templates", "check", folder)
    assert result.exit_code == 1
    return result.output


def test_an_unclosed_if_is_reported_at_the_line_that_opens_it_in_chinese(exported, cli):
    line = _edit(exported / "body.html", '<p class="closing">{{ closing }}</p>\n{%- endif %}',
                 '<p class="closing">{{ closing }}</p>')
    line -= 1  # the {%- if closing %} above it
    assert _check(cli, exported) == (
        "模板有 1 处问题：\n"
        f"  · body.html 第 {line} 行：“{{%- if closing %}}”没有对应的 {{% endif %}} 结束标签。  [unclosed-block]\n"
        + DOCS_HINT.format(folder=exported))


def test_an_end_tag_without_its_start(exported, cli):
    line = _edit(exported / "tables.html", "</tr>\n{%- if loop.index", "</tr>\n{% endif %}\n{%- if loop.index") + 1
    assert f"  · tables.html 第 {line} 行：“{{% endif %}}”前面没有对应的 {{% if %}} 开始标签。  [unclosed-block]\n" \
        in _check(cli, exported)


def test_a_syntax_error_is_said_in_chinese_only(exported, cli):
    line = _edit(exported / "report.html", "<title>{{ title }}</title>", "<title>{{ title title }}</title>")
    output = _check(cli, exported)
    assert f"  · report.html 第 {line} 行：模板语法错误：这里应是“}}}}”，却是“title”。（{{{{ title title }}}}）  [syntax-error]\n" \
        in output
    assert not re.search(r"expected|token|Jinja|statement", output)


def test_an_include_outside_the_folder_is_at_its_line_with_its_own_code(exported, cli):
    line = _edit(exported / "report.html", '{% include "style.css" %}', '{% include "../secret.css" %}')
    assert _check(cli, exported) == (
        "模板有 1 处问题：\n"
        f"  · report.html 第 {line} 行：引用了模板文件夹之外的文件“../secret.css”（绝对路径或带“..”）。"
        "模板只能引用模板文件夹里的文件：请把它复制到模板文件夹，写成“secret.css”。  [include-outside-folder]\n"
        + DOCS_HINT.format(folder=exported))


def test_an_include_of_a_file_that_is_not_there(exported, cli):
    line = _edit(exported / "report.html", '{% include "style.css" %}', '{% include "省里的.css" %}')
    assert (f"  · report.html 第 {line} 行：引用的文件“省里的.css”不在模板文件夹中，自带模板中也没有。"
            "请把它放进模板文件夹，或改正文件名。  [missing-include]\n") in _check(cli, exported)


def test_a_picture_outside_the_folder_has_its_own_code(exported, cli):
    line = _edit(exported / "body.html", '<main class="report">', '<main class="report"><img src="../徽标.png" alt="">')
    assert (f"  · body.html 第 {line} 行：图片“../徽标.png”必须是模板文件夹中的文件（不能用绝对路径或“..”）。"
            "  [asset-outside-folder]\n") in _check(cli, exported)


def test_a_changed_label_is_not_met_with_advice_to_leave_content_out(exported, cli, tmp_path):
    _edit(exported / "tables.html", "{{ cell.text }}", '{{ cell.text | replace("自然人", "个人") }}')
    (exported / "report.docx").unlink()
    result = cli("render", sample(SEED), "-o", tmp_path / "out", "--templates", exported, "--format", "html")
    assert result.exit_code == 2
    assert result.output.endswith(
        f"请运行 reportgen templates check {exported} 查看并改正；请把改动的表格标签改回国家格式的原文；"
        "模板变量和检查规则见 reportgen templates docs 生成的说明。\n")
    assert "--allow-incomplete-template" not in result.output and "省略" not in result.output


def test_a_template_that_leaves_a_table_out_may_be_used_on_purpose(exported, cli, tmp_path):
    _edit(exported / "body.html", '{{ official_table(part.table, "h-" ~ part.key) }}', "")
    (exported / "report.docx").unlink()
    result = cli("render", sample(SEED), "-o", tmp_path / "out", "--templates", exported, "--format", "html")
    assert result.exit_code == 2
    assert result.output.endswith(
        f"请运行 reportgen templates check {exported} 查看并改正；确实要省略内容的，可以加 "
        "--allow-incomplete-template（报告中会注明省略了什么）；模板变量和检查规则见 reportgen templates docs 生成的说明。\n")


def test_an_unknown_variable_points_to_templates_docs(exported, cli):
    line = _edit(exported / "report.html", "<title>{{ title }}", "<title>{{ titel }}")
    assert (f"  · report.html 第 {line} 行：“titel”不是模板变量（变量表：运行 reportgen templates docs 生成的 "
            "templates.md），是否应为“title”？  [unknown-variable]\n") in _check(cli, exported)


@pytest.mark.parametrize("source, said", [
    ("{% for a in b %}x", "模板语法错误：{% for %} 没有对应的 {% endfor %} 结束标签。"),
    ("{% if a %}{% endfor %}", "模板语法错误：{% endfor %} 与前面的 {% if %} 不配对，应先用 {% endif %} 结束 {% if %}。"),
    ("{% endif %}", "模板语法错误：{% endif %} 前面没有对应的开始标签。"),
    ("{% iff a %}", "模板语法错误：不认识的标签“iff”（可能拼错了）。"),
    ("{{ a ", "模板语法错误：标签没有结束，缺少“}}”。"),
    ("{{ a | }}", "模板语法错误：这里应是“名称”，却是“}}”。"),
    ("{{ }}", "模板语法错误：这里缺少变量或表达式（却是“}}”）。"),
    ("{{ 'abc }}", "模板语法错误：多余的字符“'”（引号是否成对？）。"),
    ("{{ a) }}", "模板语法错误：多余的符号“)”。"),
], ids=["for", "mismatched-end", "stray-end", "unknown-tag", "unfinished", "filter-name", "empty", "quote", "paren"])
def test_jinja_messages_in_chinese(source, said):
    with pytest.raises(TemplateSyntaxError) as info:
        ReportEnvironment().parse(source)
    assert jinja_message(info.value) == said


def test_templates_docs_and_the_exported_comments_are_in_chinese(tmp_path, cli, exported):
    assert cli("templates", "docs", tmp_path / "说明").exit_code == 0
    written = (tmp_path / "说明" / "templates.md").read_text(encoding="utf-8")
    assert written == (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert written.startswith("# 报告模板说明：文件、变量、过滤器、检查规则\n")
    prose = [line for line in written.splitlines() if line and not line.startswith("|") and not line.startswith("- `")]
    english = [line for line in prose if re.search(r"\b(the|and|of|is|a|to)\b", line)]
    assert english == []
    for name in ("report.html", "body.html", "tables.html", "style.css"):
        comment = re.match(r"\{#-(.*?)-#\}|/\*(.*?)\*/", (exported / name).read_text(encoding="utf-8"), re.S)
        text = comment.group(1) or comment.group(2)
        assert not re.search(r"\b(the|and|of|is|a|to)\b", text), name
        assert re.search(r"[\u4e00-\u9fff]", text), name


def test_an_html_fragment_for_a_cms_is_the_body_alone(tmp_path, cli):
    out = tmp_path / "out"
    result = cli("render", sample(SEED), "-o", out, "--format", "html,html-fragment")
    assert result.exit_code == 0
    [page] = out.glob("*[!t].html")
    [fragment] = out.glob("*.fragment.html")
    assert fragment.name == page.name.replace(".html", ".fragment.html")
    body = fragment.read_text(encoding="utf-8")
    assert body.startswith('<main class="report">\n<h1>') and body.rstrip().endswith("</main>")
    assert "<html" not in body and "<head" not in body and "<style" not in body and "<body" not in body
    assert body.strip() in page.read_text(encoding="utf-8")  # the same body the whole page has
