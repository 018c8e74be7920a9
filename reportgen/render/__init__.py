"""Report data → Word, HTML and PDF.

    from reportgen.render import render_report
    paths = render_report(data, Path("out"), formats=("docx", "html"))

Rendering never starts on data with 错误 (the CLI checks first); files appear whole
or not at all (written to a temporary name, then renamed).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterable

from .. import safety
from ..errors import TemplateProblem
from ..fileio import atomic_path, scratch_dir
from ..limits import LIMITS
from ..model import ReportData
from .context import build_context
from .docx import render_docx
from .environment import find_template
from .html import render_html
from .pdf import docx_to_pdf, find_soffice, INSTALL_HINT

FORMATS = ("docx", "html", "pdf")
DEFAULT_FORMATS = ("docx", "html")


def safe_filename(title: str) -> str:
    """The title as a file name valid on Windows and Linux (see :func:`reportgen.safety.safe_filename`)."""
    return safety.safe_filename(title)


def _refuse_oversized(data: ReportData) -> None:
    """Refuse up front, with the reason, text no report can hold (rather than fail half-way)."""
    chars = sum(len(p.plain()) for paragraphs in data.text.values() for p in paragraphs)
    chars += sum(len(str(value)) for value in data.info.values() if value is not None)
    if chars > LIMITS.max_report_chars:
        raise TemplateProblem(f"报告文字共 {chars} 字，超过了 reportgen 能生成的上限 {LIMITS.max_report_chars} 字。"
                              f"请检查文字部分是否误粘贴了大量内容。")


def render_report(data: ReportData, out_dir: Path, formats: Iterable[str] = DEFAULT_FORMATS,
                  templates: Path | None = None) -> list[Path]:
    """Write the report in each format into ``out_dir``; returns the paths written."""
    formats = tuple(dict.fromkeys(formats))
    if not formats:
        raise TemplateProblem(f"没有指定输出格式（可用：{'、'.join(FORMATS)}）。")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise TemplateProblem(f"不支持的格式：{'、'.join(unknown)}（可用：{'、'.join(FORMATS)}）。")
    if "pdf" in formats and find_soffice() is None:
        raise TemplateProblem(INSTALL_HINT)  # before anything is written
    _refuse_oversized(data)
    context = build_context(data)
    stem = safe_filename(context["title"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Everything is rendered in a scratch folder first, so a failure leaves out_dir as it
    # was; a run killed half-way leaves a folder the next run recognises and removes.
    with scratch_dir(out_dir) as scratch:
        rendered: dict[str, Path] = {}
        if {"docx", "pdf"} & set(formats):
            rendered["docx"] = Path(scratch) / "report.docx"
            render_docx(find_template("report.docx", templates), context, rendered["docx"])
        if "html" in formats:
            rendered["html"] = Path(scratch) / "report.html"
            rendered["html"].write_text(render_html(context, templates), encoding="utf-8")
        if "pdf" in formats:
            rendered["pdf"] = Path(scratch) / "report.pdf"
            docx_to_pdf(rendered["docx"], rendered["pdf"])
        written = []
        for fmt in formats:
            target = out_dir / f"{stem}.{fmt}"
            with atomic_path(target) as tmp:
                shutil.copyfile(rendered[fmt], tmp)
            written.append(target)
    return written
