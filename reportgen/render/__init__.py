"""Report data → Word, HTML and PDF.

    from reportgen.render import render_report
    paths = render_report(data, Path("out"), formats=("docx", "html"))

Rendering never starts on data with 错误 (the CLI checks first); files appear whole
or not at all (written to a temporary name, then renamed).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from ..errors import TemplateProblem
from ..fileio import atomic_path
from ..model import ReportData
from .context import build_context
from .docx import render_docx
from .environment import find_template
from .html import render_html
from .pdf import INSTALL_HINT, PdfConverter, find_soffice

FORMATS = ("docx", "html", "pdf")
DEFAULT_FORMATS = ("docx", "html")


def safe_filename(title: str) -> str:
    """The title as a file name valid on Windows and Linux."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", title).strip().rstrip(". ")
    if re.fullmatch(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\..*)?", name):
        name = "_" + name
    return (name or "report")[:150]


def render_report(data: ReportData, out_dir: Path, formats: Iterable[str] = DEFAULT_FORMATS,
                  templates: Path | None = None, *, font_dirs: Iterable[Path] = (),
                  notes: list[str] | None = None, pdf_converter: PdfConverter | None = None) -> list[Path]:
    """Write the report in each format into ``out_dir``; returns the paths written.

    ``font_dirs``: folders of licensed fonts for the PDF.  ``notes``: a list that
    receives plain-Chinese notes for the user (e.g. which free fonts stood in for
    missing official ones).  ``pdf_converter``: an open :class:`PdfConverter` to
    reuse (a collection converts in one LibreOffice); by default one is opened here.
    """
    formats = tuple(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise TemplateProblem(f"不支持的格式：{'、'.join(unknown)}（可用：{'、'.join(FORMATS)}）。")
    if "pdf" in formats and find_soffice() is None:
        raise TemplateProblem(INSTALL_HINT)  # before anything is written
    context = build_context(data)
    stem = safe_filename(context["title"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Everything is rendered in a scratch folder first, so a failure leaves out_dir as it was.
    with tempfile.TemporaryDirectory(prefix="reportgen-", dir=out_dir) as scratch:
        rendered: dict[str, Path] = {}
        if {"docx", "pdf"} & set(formats):
            rendered["docx"] = Path(scratch) / "report.docx"
            render_docx(find_template("report.docx", templates), context, rendered["docx"])
        if "html" in formats:
            rendered["html"] = Path(scratch) / "report.html"
            rendered["html"].write_text(render_html(context, templates), encoding="utf-8")
        if "pdf" in formats:
            rendered["pdf"] = Path(scratch) / "report.pdf"
            if pdf_converter is not None:
                pdf_converter.convert(rendered["docx"], rendered["pdf"])
                used = list(pdf_converter.substitutes.values())
            else:
                with PdfConverter(font_dirs) as converter:
                    converter.convert(rendered["docx"], rendered["pdf"])
                used = list(converter.substitutes.values())
            if used and notes is not None:
                notes.append(font_note(used))
        written = []
        for fmt in formats:
            target = out_dir / f"{stem}.{fmt}"
            with atomic_path(target) as tmp:
                shutil.copyfile(rendered[fmt], tmp)
            written.append(target)
    return written


def font_note(substitutes) -> str:
    """What the console says when free faces stood in for official fonts."""
    return ("本机没有下列公文字体，PDF 中用相近的免费字体代替：" + "；".join(str(s) for s in substitutes)
            + "。如有正版字体，请用 --fonts 文件夹（或环境变量 REPORTGEN_FONTS）指定。")
