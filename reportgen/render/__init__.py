"""Report data → Word, HTML and PDF.

    from reportgen.render import render_report
    paths = render_report(data, Path("out"), formats=("docx", "html"))

Rendering never starts on data with 错误 (the CLI checks first); files appear whole
or not at all (written to a temporary name, then renamed).
"""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from reportgen.core import safety
from reportgen.core.errors import TemplateProblem
from reportgen.core.fileio import scratch_file
from reportgen.core.interrupt import held
from reportgen.core.limits import LIMITS
from reportgen.data.model import ReportData
from reportgen.render.context import TITLE_BREAK_MARKS, build_context
from reportgen.render.docx import render_docx
from reportgen.render.template_files import find_template
from reportgen.render.html import render_html
from reportgen.render.pdf import INSTALL_HINT, PdfConverter, find_soffice
from reportgen.render.stamp import omitted_sentence, stamp_docx, stamp_html

FORMATS = ("docx", "html", "html-fragment", "pdf")
DEFAULT_FORMATS = ("docx", "html")
# The ending of each format's file.  html-fragment is the report's <main> alone (body.html),
# for a site whose content management system wraps every page in its own <html> and styles.
SUFFIXES = {"docx": ".docx", "html": ".html", "html-fragment": ".fragment.html", "pdf": ".pdf"}


def output_suffix(path: Path) -> str:
    """The format ending of a report file's name (“.fragment.html”, not just “.html”)."""
    return next((s for s in sorted(SUFFIXES.values(), key=len, reverse=True) if path.name.endswith(s)), path.suffix)


def safe_filename(title: str) -> str:
    """The title as a file name valid on Windows and Linux (see :func:`reportgen.core.safety.safe_filename`)."""
    return safety.safe_filename(title)


def _refuse_oversized(data: ReportData) -> None:
    """Refuse up front, with the reason, text no report can hold (rather than fail half-way)."""
    chars = sum(len(p.plain()) for paragraphs in data.text.values() for p in paragraphs)
    chars += sum(len(str(value)) for value in data.info.values() if value is not None)
    if chars > LIMITS.max_report_chars:
        raise TemplateProblem(f"报告文字共 {chars} 字，超过了 reportgen 能生成的上限 {LIMITS.max_report_chars} 字。"
                              f"请检查文字部分是否误粘贴了大量内容。")


def render_report(data: ReportData, out_dir: Path, formats: Iterable[str] = DEFAULT_FORMATS,
                  templates: Path | None = None, *, font_dirs: Iterable[Path] = (),
                  notes: list[str] | None = None, pdf_converter: PdfConverter | None = None,
                  omitted: Sequence = (), stem: str | None = None,
                  in_place: bool = False) -> list[Path]:
    """Write the report in each format into ``out_dir``; returns the paths written.

    The files are named after the report's title, or ``stem`` (a collection gives two
    reports of one title distinct names).  Each appears whole: it is written under a
    scratch name and renamed.  ``in_place``: written under its own name straight away
    (removed again if the render fails) — for a ``stem`` that is itself a scratch name,
    which the caller renames (:func:`reportgen.collection.check_and_render_one`).

    ``font_dirs``: folders of licensed fonts for the PDF.  ``notes``: a list that
    receives plain-Chinese notes for the user (e.g. which free fonts stood in for
    missing official ones).  ``pdf_converter``: an open :class:`PdfConverter` to
    reuse (a collection converts in one LibreOffice); by default one is opened here.

    A custom template folder must have passed ``templates check`` first
    (:func:`reportgen.authoring.vet.vet_templates`, which the commands, collections and
    the web intake call): ``omitted`` is what that check allowed it to leave out, said at
    the end of the report itself.
    """
    formats = tuple(dict.fromkeys(formats))
    if not formats:
        raise TemplateProblem(f"没有指定输出格式（可用：{'、'.join(FORMATS)}）。")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise TemplateProblem(f"不支持的格式：{'、'.join(unknown)}（可用：{'、'.join(FORMATS)}）。")
    if "pdf" in formats and find_soffice() is None:
        raise TemplateProblem(INSTALL_HINT)  # before anything is written
    _refuse_oversized(data)
    omitted = list(omitted)
    if omitted and notes is not None:
        notes.append(f"按 --allow-incomplete-template 使用了不完整的模板（{len(omitted)} 处），生成的报告末尾已注明。")
    context = build_context(data)
    override = context["info"].get("title_break", "").strip()
    if override and notes is not None and TITLE_BREAK_MARKS.sub("", override) != context["title"]:
        notes.append(f"基本信息中的“标题分行”（{override}）与报告标题“{context['title']}”不一致，没有采用，已自动分行。"
                     f"请照抄标题，在要换行的地方加“/”。")
    stem = stem or safe_filename(context["title"])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / f"{stem}{SUFFIXES[fmt]}" for fmt in formats]
    # Every format is written to a scratch file beside its target, and the targets are
    # replaced only once all of them were written (a signal waits for those renames):
    # a failure or SIGTERM/SIGINT leaves out_dir as it was, scratch files removed, and a
    # run killed half-way leaves scratch files the next run recognises and removes.
    with ExitStack() as stack:
        writing = _removed_on_failure if in_place else (lambda target: scratch_file(out_dir, target.suffix))
        rendered = {fmt: stack.enter_context(writing(target)) for fmt, target in zip(formats, targets)}
        if "pdf" in formats and "docx" not in rendered:
            rendered["docx"] = stack.enter_context(scratch_file(out_dir, ".docx"))  # the PDF is made from it
        if "docx" in rendered:
            render_docx(find_template("report.docx", templates), context, rendered["docx"])
            if [i for i in omitted if i.file.endswith(".docx")]:
                stamp_docx(rendered["docx"], omitted_sentence([i for i in omitted if i.file.endswith(".docx")]))
        for fmt, template in (("html", "report.html"), ("html-fragment", "body.html")):
            if fmt in formats:
                page = render_html(context, templates, template=template)
                if [i for i in omitted if i.file.endswith(".html")]:
                    page = stamp_html(page, omitted_sentence([i for i in omitted if i.file.endswith(".html")]))
                rendered[fmt].write_text(page, encoding="utf-8")
        if "pdf" in formats:
            if pdf_converter is not None:
                pdf_converter.convert(rendered["docx"], rendered["pdf"])
                used = list(pdf_converter.substitutes.values())
            else:
                with PdfConverter(font_dirs) as converter:
                    converter.convert(rendered["docx"], rendered["pdf"])
                used = list(converter.substitutes.values())
            if used and notes is not None:
                notes.append(font_note(used))
        if not in_place:
            with held():
                for fmt, target in zip(formats, targets):
                    os.replace(rendered[fmt], target)
    return targets


@contextmanager
def _removed_on_failure(target: Path) -> Iterator[Path]:
    try:
        yield target
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def font_note(substitutes) -> str:
    """What the console says when free faces stood in for official fonts."""
    return ("本机没有下列公文字体，PDF 中用相近的免费字体代替：" + "；".join(str(s) for s in substitutes)
            + "。如有正版字体，请用 --fonts 文件夹（或环境变量 REPORTGEN_FONTS）指定。")
