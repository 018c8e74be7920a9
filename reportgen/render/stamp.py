"""The sentence a report rendered from an incomplete template ends with
(``render --allow-incomplete-template``), added to the Word and HTML report."""

from __future__ import annotations

from pathlib import Path


def omitted_sentence(issues: list) -> str:
    """The sentence a report rendered from an incomplete template ends with."""
    shown = "；".join(i.message.split("。")[0] for i in issues[:5])
    more = f"等 {len(issues)} 处" if len(issues) > 5 else ""
    return f"说明：本报告所用模板与国家规定格式不完全一致：{shown}{more}。"


def stamp_docx(path: Path, sentence: str) -> None:
    """Add the sentence as the last paragraph of the Word report."""
    import zipfile

    from lxml import etree

    from reportgen.render.docx import W

    with zipfile.ZipFile(path) as archive:
        items = [(item, archive.read(item.filename)) for item in archive.infolist()]
    body_xml = dict((i.filename, d) for i, d in items)["word/document.xml"]
    tree = etree.fromstring(body_xml)
    body = tree.find(f"{W}body")
    paragraph = etree.Element(f"{W}p")
    etree.SubElement(etree.SubElement(paragraph, f"{W}r"), f"{W}t").text = sentence
    sect = body.find(f"{W}sectPr")
    if sect is not None:
        sect.addprevious(paragraph)
    else:
        body.append(paragraph)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for item, data in items:
            if item.filename == "word/document.xml":
                data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            archive.writestr(item, data)


def stamp_html(page: str, sentence: str) -> str:
    from html import escape

    note = f'<p class="template-note">{escape(sentence)}</p>\n'
    for mark in ("</main>", "</body>"):
        if mark in page:
            return page.replace(mark, note + mark, 1)
    return page + note
