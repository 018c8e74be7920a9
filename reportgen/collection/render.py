"""``render FOLDER``: every workbook without 错误 checked and rendered in one worker pass,
the reports named once the whole collection's titles are known, PDFs by one LibreOffice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from reportgen.collection.batch import CHECK_SECONDS, RENDER_SECONDS, _checked, internal_error, rejected_statuses
from reportgen.collection.files import Collected
from reportgen.collection.pool import describe_failure, run_parallel
from reportgen.collection.status import OK, RENDER_FAILED, WARNINGS, FileStatus

# --------------------------------------------------------------------------- rendering
def check_and_render_one(path: Path, previous: "Path | dict[str, Path] | None", out_dir: Path,
                         formats: Sequence[str], templates: Path | None, omitted: Sequence,
                         owner: int) -> FileStatus:
    """Worker: read and check one workbook and, without 错误, render its reports at once
    (the workbook is read once).  The files get provisional scratch names of the
    ``owner`` process (see :func:`fileio.scratch_stem`); the caller names them when the
    whole collection's titles are known.  A failed render becomes RENDER_FAILED.
    ``templates`` passed ``templates check`` in the parent; ``omitted``: what it allowed to leave out."""
    from reportgen.core.fileio import scratch_stem
    from reportgen.render import render_report

    status, data = _checked(Path(path), previous)
    if data is None or not status.can_render:
        return status
    try:
        status.outputs = render_report(data, Path(out_dir), formats, templates, stem=scratch_stem(owner),
                                       omitted=omitted, in_place=True)
    except Exception as exc:  # one report that cannot be written never stops the others
        status.status, status.reason = RENDER_FAILED, describe_failure(exc)
    return status


def unique_names(stems: Sequence[str]) -> list[str]:
    """The stems made distinct, in order: a repeated one gets （2）, （3）… (case-insensitively,
    as Windows compares file names)."""
    used: set[str] = set()
    out = []
    for stem in stems:
        name, n = stem, 1
        while name.casefold() in used:
            n += 1
            name = f"{stem}（{n}）"
        used.add(name.casefold())
        out.append(name)
    return out



def _name_outputs(todo: list[FileStatus]) -> list[str]:
    """The file names (without suffix) of the reports of ``todo``: their titles, made
    distinct in order; a status whose name is not its title's says so in its ``note``."""
    from reportgen.render import safe_filename

    plain = [safe_filename(s.title or s.path.stem) for s in todo]
    stems = unique_names(plain)
    for status, title, stem in zip(todo, plain, stems):
        if stem != title:
            status.renamed = True
            status.note = "；".join(filter(None, [status.note, f"与另一个工作簿的报告同名（{title}），本报告另存为“{stem}”"]))
    return stems


def _worker_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """What a worker writes: the PDF is converted afterwards, from the Word file."""
    wanted = [f for f in formats if f != "pdf"]
    if "pdf" in formats and "docx" not in wanted:
        wanted.append("docx")
    return tuple(wanted)


def check_and_render_collection(found: Collected, out_dir: Path, formats: Sequence[str] = ("docx", "html"),
                                templates: Path | None = None, jobs: int | None = None, year: int | None = None,
                                previous: dict[str, Path] | Path | None = None,
                                progress: Callable[[int, Any], None] | None = None, *,
                                font_dirs: Sequence[Path] = (), notes: list[str] | None = None,
                                allow_incomplete_template: bool = False, use: Iterable[Path] = (),
                                roster=None) -> list[FileStatus]:
    """:func:`check_collection`, and the reports of every workbook without 错误, in one
    pass: each worker reads a workbook once, checks it and renders it.

    Returns every file's status (as :func:`check_collection`); the rendered ones carry
    their ``outputs``, named after their titles in collection order (（2）… for a
    repeated title, said in ``note``).  A workbook the batch does not use (a duplicate,
    another year: :func:`~reportgen.collection.rules.judge_batch`) keeps no report, even
    if its worker wrote one before the whole batch was known."""
    from reportgen.collection.rules import judge_batch
    from reportgen.authoring.vet import vet_templates
    from reportgen.core.fileio import clean_scratch, remove_own_scratch
    from reportgen.core.interrupt import held

    # A template that fails its check refuses the whole run, once, before any worker starts.
    omitted = vet_templates(templates, allow_incomplete_template) if templates is not None else []
    out_dir = Path(out_dir)
    clean_scratch(out_dir)  # what an interrupted run left (the workers write scratch names only)
    tasks = [(path, previous, out_dir, _worker_formats(formats), templates, omitted, os.getpid())
             for path in found.workbooks]
    statuses: list[FileStatus] = []
    try:
        statuses = run_parallel(check_and_render_one, tasks, jobs, on_error=internal_error, progress=progress,
                                task_seconds=CHECK_SECONDS + RENDER_SECONDS)
        statuses = judge_batch(statuses + rejected_statuses(found), year, use, roster)
        for status in statuses:
            if status.outputs and status.status not in (OK, WARNINGS):  # held back: its scratch files go
                _remove_provisional(status.outputs)
                status.outputs = []
        rendered = [s for s in statuses if s.outputs]
        with held():  # a signal waits until every report has its name (a few renames)
            for status, stem in zip(rendered, _name_outputs(rendered)):
                _move_outputs(status, out_dir, stem)
    except BaseException:  # interrupted half-way (Ctrl-C, SIGTERM): the workers have ended (run_parallel)
        remove_own_scratch(out_dir)
        raise
    finally:  # no provisionally named file stays behind
        for status in statuses:
            _remove_provisional(status.outputs)
    if "pdf" in formats:
        done = [s for s in statuses if s.outputs]
        try:
            _convert_pdfs(done, "docx" in formats, font_dirs, notes)
        except BaseException:  # stopped mid-batch: LibreOffice has ended (render/pdf.py)
            remove_own_scratch(out_dir)
            raise
    return statuses


def _move_outputs(status: FileStatus, out_dir: Path, stem: str) -> None:
    """Give a status's provisionally named reports their final names."""
    from reportgen.core.fileio import os_error_message
    from reportgen.render import output_suffix

    final = []
    try:
        for produced in status.outputs:
            target = out_dir / f"{stem}{output_suffix(produced)}"
            os.replace(produced, target)
            final.append(target)
    except OSError as exc:  # e.g. a folder of that name is in the way: this report fails, whole
        status.status, status.reason = RENDER_FAILED, os_error_message(exc)
        _remove_provisional(status.outputs)
        for path in final:
            path.unlink(missing_ok=True)
        final = []
    status.outputs = final


def _remove_provisional(paths: Sequence[Path]) -> None:
    from reportgen.core.fileio import SCRATCH_PREFIX

    for path in paths:
        if path.name.startswith(SCRATCH_PREFIX):
            path.unlink(missing_ok=True)


PDF_BATCH = 25  # reports per LibreOffice run; a failed batch is retried one by one


def _convert_pdfs(done: list[FileStatus], keep_docx: bool, font_dirs: Sequence[Path],
                  notes: list[str] | None) -> None:
    """The PDF of every rendered report, by one LibreOffice instance; a report whose PDF
    fails becomes RENDER_FAILED, the others go on."""
    from reportgen.core.errors import TemplateProblem
    from reportgen.core.fileio import scratch_stem
    from reportgen.core.interrupt import held
    from reportgen.render import PdfConverter, font_note

    def docx_of(status: FileStatus) -> Path:
        return next(p for p in status.outputs if p.suffix == ".docx")

    def finish(status: FileStatus, tmp: Path) -> None:
        docx = docx_of(status)
        target = docx.with_suffix(".pdf")
        os.replace(tmp, target)
        status.outputs.append(target)
        if not keep_docx:
            docx.unlink()
            status.outputs.remove(docx)

    def failed(status: FileStatus, reason: str) -> None:
        status.status, status.reason = RENDER_FAILED, f"没有生成 PDF：{reason}"

    try:
        with PdfConverter(font_dirs) as converter:
            for start in range(0, len(done), PDF_BATCH):
                batch = done[start:start + PDF_BATCH]
                # Scratch names: a run stopped mid-batch leaves nothing the next run does not remove.
                pairs = [(docx_of(s), docx_of(s).parent / f"{scratch_stem()}.pdf") for s in batch]
                try:
                    converter.convert_many(pairs)
                    with held():  # the batch's PDFs all get their names (a few renames)
                        for status, (_, tmp) in zip(batch, pairs):
                            finish(status, tmp)
                except TemplateProblem:
                    for status, pair in zip(batch, pairs):
                        try:
                            if not pair[1].exists():
                                converter.convert(*pair)
                            finish(status, pair[1])
                        except (TemplateProblem, OSError) as exc:
                            failed(status, str(exc))
                        finally:
                            pair[1].unlink(missing_ok=True)
            if converter.substitutes and notes is not None:
                notes.append(font_note(list(converter.substitutes.values())))
    except TemplateProblem as exc:  # LibreOffice or the font folders are unusable: no PDF at all
        for status in done:
            if not any(p.suffix == ".pdf" for p in status.outputs):
                failed(status, str(exc))
