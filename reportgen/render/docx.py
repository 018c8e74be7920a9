"""Render the Word report with docxtpl, safely (see ../shared/reference/DOCXTPL-NOTES.md).

- Jinja runs sandboxed with escaping on, so ``& < >`` and ``{{ }}`` in the data come
  out literally.
- The rendered XML is parsed strictly before docxtpl's recovering parser sees it, so
  nothing is dropped silently.
- The saved file is checked: every part parses, every table cell holds a paragraph,
  and no template tag is left in the text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError
from lxml import etree

from ..errors import TemplateProblem
from ..safety import document_property
from .environment import docx_environment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TAG_MARKS = ("{{", "}}", "{%", "%}")


class _StrictDocxTemplate(DocxTemplate):
    def fix_tables(self, xml):
        try:
            etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem(f"渲染后的 Word 内容不是有效的 XML（{exc}）。请用 reportgen templates check 检查模板。") from None
        return super().fix_tables(xml)

    def render_properties(self, context, jinja_env=None):
        # A document property holds at most 255 characters (a 300-character 机关名称 makes the title longer).
        super().render_properties({**context, "title": document_property(context.get("title", ""))}, jinja_env)


def render_docx(template_path: Path, context: dict[str, Any], target: Path) -> None:
    """Render ``template_path`` with ``context`` into ``target`` (a path the caller
    will move into place), then validate the file."""
    doc = _StrictDocxTemplate(str(template_path))
    try:
        doc.render(context, jinja_env=docx_environment(), autoescape=True)
    except TemplateError as exc:
        raise TemplateProblem(f"Word 模板 {template_path.name} 有错误：{exc}。请运行 reportgen templates check 查看位置。") from None
    doc.save(str(target))
    validate_docx(target, expected_marks=count_marks(context))


def count_marks(value: Any) -> dict[str, int]:
    """How often each template mark occurs in the data, which may hold them literally."""
    counts = dict.fromkeys(TAG_MARKS, 0)

    def walk(item: Any) -> None:
        if isinstance(item, str):
            for mark in TAG_MARKS:
                counts[mark] += item.count(mark)
        elif isinstance(item, dict):
            for v in item.values():
                walk(v)
        elif isinstance(item, (list, tuple)):
            for v in item:
                walk(v)

    walk({k: v for k, v in value.items() if k not in ("tables", "parts")})  # those repeat text/values
    return counts


def validate_docx(path: Path, expected_marks: dict[str, int] | None = None) -> None:
    """Raise TemplateProblem unless the file is a Word document that will open."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(archive.read(name))
                except etree.XMLSyntaxError as exc:
                    raise TemplateProblem(f"生成的 Word 文件中 {name} 不是有效的 XML（{exc}）。") from None
        body = etree.fromstring(archive.read("word/document.xml"))
    for cell in body.iter(f"{W}tc"):
        if cell.find(f"{W}p") is None:
            raise TemplateProblem("生成的 Word 表格中有单元格没有段落，Word 会打不开。请检查模板中的表格。")
    text = "\n".join(paragraph_text(p) for p in body.iter(f"{W}p"))
    expected = expected_marks or dict.fromkeys(TAG_MARKS, 0)
    for mark in TAG_MARKS:
        if text.count(mark) > expected[mark]:
            line = next(line for line in text.splitlines() if mark in line)
            raise TemplateProblem(f"生成的 Word 中还留有模板标记“{mark}”（{line[:40]}），模板里可能有写错的标签。"
                                  f"请运行 reportgen templates check。")


def document_text(path: Path) -> list[str]:
    """The text of every paragraph of a .docx, in order (tables row by row)."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    return [paragraph_text(p) for p in body.iter(f"{W}p")]


def paragraph_text(paragraph) -> str:
    """A w:p's text as Word shows it: its runs joined (a tag Word split is whole again)."""
    return "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


