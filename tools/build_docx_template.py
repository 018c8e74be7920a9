"""Build the built-in Word template, templates/report.docx, from the format definition.

    python tools/build_docx_template.py templates/report.docx

A build script: it runs when the format or the layout changes, never when a report is
rendered (reportgen itself never imports python-docx's writer).

The template is ordinary Word: IT staff open it in Word or WPS and change a style
(报告标题, 报告正文, 一级标题, 二级标题, 表格文字, 表格标签, 页码) once.  The layout follows
GB/T 9704-2012 (docs/reference/OFFICIAL-DOCUMENT-STYLE.md): A4, margins 37/35/28/26 mm,
22 lines of 28 characters, 3号仿宋 body indented two characters, 2号小标宋 title,
黑体 and 楷体 headings, page numbers "— 1 —" on alternating sides.

One file for every office suite: the grid is a line grid (``docGrid type="lines"``,
22 lines a page) and the 28 characters a line come from the body styles' character
spacing (−0.25 pt: 28 × 15.75 pt fits the 442 pt line, 29 do not).  Word, WPS and
LibreOffice all honour that encoding; the "lines and characters" grid with a negative
``charSpace`` that Word writes itself is misread by LibreOffice (about 16 characters a
line).  页面设置 in Word shows "只指定行网格, 每页 22 行".

The tables have a fixed shape: every cell is written here, values as
``{{ t3.granted.natural_person }}``, so no merged cell lives inside a template loop.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from docx import Document  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Twips  # noqa: E402

from reportgen.formats import DEFAULT_FORMAT  # noqa: E402
from reportgen.formats.spec import ReportFormat, Table  # noqa: E402

# GB/T 9704-2012 in twips (1 mm = 56.693 twips).
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1587, 1474
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8845: 156 mm
LINE_PITCH = 579  # 28.95 pt: 22 lines in the 225 mm text block
CONDENSE = -5  # twentieths of a point: 16 pt − 0.25 pt a character → 28 characters in 442.25 pt
CHARS_PER_LINE = 28
MIN_LABEL_CHARS = 4  # no label column of a table narrower than four 五号 characters
CELL_MARGIN = 57  # twips each side of a table cell
FOOTER_DISTANCE = 1134  # 20 mm from the page edge: the number sits ~7 mm below the text block

FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"
SIZE_2, SIZE_3, SIZE_4, SIZE_5, SIZE_SMALL_5 = 44, 32, 28, 21, 18  # half-points: 2号 22pt, 3号 16pt, 4号 14pt, 五号, 小五

# Why body text is left-aligned ("left"), not justified ("both"):
# a 、，。；： that falls after the 28th character of a line hangs in the right margin
# (w:overflowPunct, on by default: "允许标点溢出边界" in Word and WPS, "hanging punctuation"
# in LibreOffice), so every suite breaks the lines at the same places.  LibreOffice
# (7.4.7, measured) loses such a hanging mark in a *justified* line whenever the line's
# spare width hits a rounding case (for a line of Chinese here: a margin every 14 twips
# loses it, 26 mm among them), 5 marks in the xiangxiang sample; neither the PDF nor
# pdftotext has them.  Turning hanging off
# instead cannot be said to every suite: LibreOffice reads w:overflowPunct inverted (its
# DOCX import sets hanging = (val == 0)), so any explicit value makes Word and LibreOffice
# break the lines differently.  Left alignment keeps the one layout and every mark; a line
# of 28 Chinese characters fills the line anyway (1.25 pt spare), only a line with digits
# or Latin letters ends up to a character short.
BODY_ALIGNMENT = "left"

# (style id, name IT staff see, type, font, half-points, paragraph settings)
STYLES = (
    ("ReportTitle", "报告标题", WD_STYLE_TYPE.PARAGRAPH, XIAOBIAOSONG, SIZE_2,
     {"jc": "center", "indent": False, "keep_next": True}),
    # Body text is left-aligned, not justified: see BODY_ALIGNMENT.
    ("ReportBody", "报告正文", WD_STYLE_TYPE.PARAGRAPH, FANGSONG, SIZE_3,
     {"jc": BODY_ALIGNMENT, "indent": True, "grid": True}),
    ("ReportHeading1", "一级标题", WD_STYLE_TYPE.PARAGRAPH, HEITI, SIZE_3,
     {"jc": BODY_ALIGNMENT, "indent": True, "outline": 0, "keep_next": True, "grid": True}),
    # The 落款's two lines start after full-width spaces the context computes
    # (context.signature, GB/T 9704 §7.3.5.2), so they are left-aligned and unindented.
    ("ReportSignature", "落款", WD_STYLE_TYPE.PARAGRAPH, FANGSONG, SIZE_3,
     {"jc": "left", "indent": False, "grid": True, "keep_next": True}),
    ("ReportDate", "成文日期", WD_STYLE_TYPE.PARAGRAPH, FANGSONG, SIZE_3,
     {"jc": "left", "indent": False, "grid": True}),
    ("ReportHeading2", "二级标题", WD_STYLE_TYPE.CHARACTER, KAITI, SIZE_3, {}),
    ("ReportTable", "表格文字", WD_STYLE_TYPE.PARAGRAPH, FANGSONG, SIZE_5, {"jc": "center", "table": True}),
    ("ReportTableLabel", "表格标签", WD_STYLE_TYPE.PARAGRAPH, FANGSONG, SIZE_5, {"jc": "left", "table": True}),
    ("ReportPageNumber", "页码", WD_STYLE_TYPE.PARAGRAPH, SONGTI, SIZE_4, {"indent": False}),
)


def _fonts(rpr, font: str) -> None:
    """All four font slots: Word and WPS pick the font by character range, so digits
    and Latin letters use ascii/hAnsi; setting only eastAsia leaves numbers in Calibri."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
        # A theme attribute (w:asciiTheme …) would win over the named font: drop it.
        fonts.attrib.pop(qn(slot + "Theme").replace("csTheme", "cstheme"), None)
    fonts.set(qn("w:hint"), "eastAsia")


# The schema's order of the children we write (ECMA-376 CT_RPr, CT_PPrBase, CT_TblPr):
# Word refuses a file whose elements are out of order, LibreOffice does not notice.
SCHEMA_ORDER = {
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
            "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
            "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
            "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark"),
}


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _child(parent, tag: str, **attrs):
    """The child ``tag`` of ``parent`` (created in its schema position), with ``attrs`` set."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        order = SCHEMA_ORDER.get(_local(parent))
        name = tag.split(":", 1)[1]
        later = None
        if order and name in order:
            rank = order.index(name)
            later = next((c for c in parent if _local(c) in order and order.index(_local(c)) > rank), None)
        if later is not None:
            later.addprevious(element)
        else:
            parent.append(element)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), str(value))
    return element


def _rpr(element):
    return element.get_or_add_rPr()


def _size(rpr, half_points: int) -> None:
    _child(rpr, "w:sz", val=half_points)
    _child(rpr, "w:szCs", val=half_points)


def _styles(doc) -> None:
    # Defaults: anything left unstyled is still 3号仿宋 in black, Chinese.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, FANGSONG)
    _size(rpr, SIZE_3)
    _child(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    normal = doc.styles["Normal"]
    _fonts(_rpr(normal.element), FANGSONG)
    _size(_rpr(normal.element), SIZE_3)
    _child(_rpr(normal.element), "w:spacing", val=CONDENSE)  # unstyled 3号 text keeps 28 a line too
    for style_id, name, kind, font, size, settings in STYLES:
        style = doc.styles.add_style(name, kind)
        style.element.set(qn("w:styleId"), style_id)
        style.hidden = False
        style.quick_style = True
        rpr = _rpr(style.element)
        _fonts(rpr, font)
        _size(rpr, size)
        _child(rpr, "w:color", val="000000")
        if settings.get("grid"):
            _child(rpr, "w:spacing", val=CONDENSE)
        elif kind == WD_STYLE_TYPE.PARAGRAPH:
            _child(rpr, "w:spacing", val=0)  # not condensed like Normal
        if kind != WD_STYLE_TYPE.PARAGRAPH:
            continue
        style.base_style = doc.styles["Normal"]
        ppr = style.element.get_or_add_pPr()
        if settings.get("keep_next"):
            _child(ppr, "w:keepNext")
        if settings.get("table"):
            _child(ppr, "w:snapToGrid", val=0)
            _child(ppr, "w:spacing", before=0, after=0, line=240, lineRule="auto")
            _child(ppr, "w:ind", firstLine=0, firstLineChars=0)
        else:
            _child(ppr, "w:spacing", before=0, after=0, line=LINE_PITCH, lineRule="exact")
            if settings.get("indent"):
                # Two characters; firstLine too, for LibreOffice, which ignores firstLineChars.
                _child(ppr, "w:ind", firstLine=2 * size * 10, firstLineChars=200)
            else:
                _child(ppr, "w:ind", firstLine=0, firstLineChars=0)
        if "jc" in settings:
            _child(ppr, "w:jc", val=settings["jc"])
        if "outline" in settings:
            _child(ppr, "w:outlineLvl", val=settings["outline"])


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance = Twips(851)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    for key in list(grid.attrib):
        del grid.attrib[key]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    # Odd pages: number on the right; even pages: on the left; each 空一字 from the edge.
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")


def _page_number(paragraph, align, side: str) -> None:
    paragraph.style = "页码"
    paragraph.alignment = align
    _child(paragraph._p.get_or_add_pPr(), "w:ind", **{side: SIZE_4 * 10})  # one 4号 character: 280 twips
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def _loop_paragraphs(doc, section_key: str) -> None:
    """{%p for %} … {%p endfor %}: one body paragraph per paragraph of the section,
    the optional run-in sub-heading in the 二级标题 (楷体) character style.  A
    sub-heading without text of its own is kept with the next paragraph."""
    doc.add_paragraph(f"{{%p for p in text.{section_key} %}}", style="报告正文")
    doc.add_paragraph("{%p if p.text %}", style="报告正文")
    paragraph = doc.add_paragraph(style="报告正文")
    paragraph.add_run("{{ p.heading }}", style="二级标题")
    paragraph.add_run("{{ p.text }}")
    doc.add_paragraph("{%p else %}", style="报告正文")
    alone = doc.add_paragraph(style="报告正文")
    alone.add_run("{{ p.heading }}", style="二级标题")
    _child(alone._p.get_or_add_pPr(), "w:keepNext")
    doc.add_paragraph("{%p endif %}", style="报告正文")
    doc.add_paragraph("{%p endfor %}", style="报告正文")


def _ending(doc) -> None:
    """The closing sentence (website, contact) and the 落款 (GB/T 9704 §7.3.5.2: agency
    右空二字, the date's first character two characters right of the agency's; see
    context.signature).  Each paragraph is inside its own condition, so an empty field
    leaves no blank line."""
    # The closing sentence, the blank line and the agency keep with the next paragraph:
    # the 落款 never stands alone at the top of a page.
    doc.add_paragraph("{%p if closing %}", style="报告正文")
    closing = doc.add_paragraph("{{ closing }}", style="报告正文")
    _child(closing._p.get_or_add_pPr(), "w:keepNext")
    doc.add_paragraph("{%p endif %}", style="报告正文")
    doc.add_paragraph("{%p if signature.agency or signature.date %}", style="报告正文")
    blank = doc.add_paragraph("", style="报告正文")  # one blank line between the text and the 落款
    _child(blank._p.get_or_add_pPr(), "w:keepNext")
    doc.add_paragraph("{%p endif %}", style="报告正文")
    doc.add_paragraph("{%p if signature.agency %}", style="落款")
    doc.add_paragraph("{{ signature.agency_indent }}{{ signature.agency }}", style="落款")
    doc.add_paragraph("{%p endif %}", style="落款")
    doc.add_paragraph("{%p if signature.date %}", style="成文日期")
    doc.add_paragraph("{{ signature.date_indent }}{{ signature.date }}", style="成文日期")
    doc.add_paragraph("{%p endif %}", style="成文日期")


def column_widths(table: Table) -> list[int]:
    """Twips per grid column: the format's proportions, with every column that holds
    labels at least four characters wide (taken from the number columns)."""
    weights = table.col_widths or (1,) * table.ncols
    widths = [TEXT_WIDTH * w / sum(weights) for w in weights]
    label_cols = {c.col for c in table.cells if c.kind == "label" and c.colspan == 1}
    floor = MIN_LABEL_CHARS * SIZE_5 * 10 + 2 * CELL_MARGIN
    short = sum(max(0.0, floor - widths[c]) for c in label_cols)
    if short:
        others = [c for c in range(table.ncols) if c not in label_cols]
        spare = sum(widths[c] for c in others)
        for c in range(table.ncols):
            widths[c] = max(widths[c], floor) if c in label_cols else widths[c] * (spare - short) / spare
    return [int(w) for w in widths]


def _table(doc, table: Table) -> None:
    grid = doc.add_table(rows=table.nrows, cols=table.ncols)
    widths = column_widths(table)
    tbl = grid._tbl
    tblpr = tbl.tblPr
    _child(tblpr, "w:tblW", w=sum(widths), type="dxa")
    _child(tblpr, "w:jc", val="center")
    _child(tblpr, "w:tblLayout", type="fixed")
    borders = _child(tblpr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _child(borders, f"w:{edge}", val="single", sz=4, space=0, color="000000")
    margins = _child(tblpr, "w:tblCellMar")
    for edge in ("left", "right"):
        _child(margins, f"w:{edge}", w=CELL_MARGIN, type="dxa")
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for row_index, row in enumerate(grid.rows):
        trpr = row._tr.get_or_add_trPr()
        _child(trpr, "w:cantSplit")
        if row_index < table.header_rows and table.header_rows > 0 and table.key != "t2":
            _child(trpr, "w:tblHeader")  # repeat the header on the next page
        for col_index, cell in enumerate(row.cells):
            cell.width = Twips(widths[col_index])
    # Rows without numbers (captions, headers) stay with the row below them, so a
    # heading is never left alone at a page foot; the table itself may break between
    # rows (never inside one), with the header repeated.
    label_only_rows = {r for r in range(table.nrows)} - {c.row for c in table.cells if c.kind == "value"}
    for cell in table.cells:
        target = grid.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        for extra in target.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        paragraph = target.paragraphs[0]
        paragraph.style = "表格标签" if cell.kind == "label" else "表格文字"
        paragraph.text = f"{{{{ {cell.key} }}}}" if cell.kind == "value" else cell.text
        if cell.kind == "caption":
            paragraph.runs[0].bold = True
        if cell.row in label_only_rows or cell.rowspan > 1:
            _child(paragraph._p.get_or_add_pPr(), "w:keepNext")
        _child(target._tc.get_or_add_tcPr(), "w:vAlign", val="center")


def build(path: Path, fmt: ReportFormat = DEFAULT_FORMAT) -> Path:
    doc = Document()
    _styles(doc)
    _page(doc)
    body = doc.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)  # python-docx's default document starts with an empty paragraph
    # The title, one paragraph a line, broken at a natural place (context.title_lines).
    doc.add_paragraph("{%p for line in title_lines %}", style="报告标题")
    doc.add_paragraph("{{ line }}", style="报告标题")
    doc.add_paragraph("{%p endfor %}", style="报告标题")
    doc.add_paragraph("", style="报告正文")  # GB/T 9704: one blank line under the title
    for part in fmt.parts:
        if part.heading:
            doc.add_paragraph(part.heading, style="一级标题")
        if part.text:
            _loop_paragraphs(doc, part.text)
        if part.table:
            _table(doc, fmt.table(part.table))
    _ending(doc)
    props = doc.core_properties
    props.title, props.author, props.comments = "{{ title }}", "reportgen", fmt.name
    # Fixed dates so that building twice gives the same file.
    props.created = props.modified = dt.datetime(2021, 9, 26)
    props.last_modified_by = "reportgen"
    props.revision = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("templates/report.docx")
    print(f"wrote {build(target)}")
