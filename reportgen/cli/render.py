"""``reportgen render``: check, then write the Word / HTML / PDF report — of one
workbook, or of every workbook of a collection that has no 错误."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.checks import check_workbook
from reportgen.cli.console import print_result
from reportgen.formats.grouping import SHOWN_PER_GROUP
from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.cli.base import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE, fail, fail_os, main
from reportgen.cli.check import (batch_options, check_summary_target, collect_or_fail, is_single_file, jobs_option,
                                 previous_for, previous_option, print_roster_lines, roster_for, summary_option, use_for,
                                 write_summary, year_option)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="输出文件夹。")
@click.option("--format", "formats", default="docx,html", show_default=True,
              help="输出格式，逗号分隔：docx、html、html-fragment、pdf（pdf 需要 LibreOffice）。"
                   "html-fragment 只输出报告正文（.fragment.html，不含 <html>、<head> 和样式），"
                   "供自己套页面的网站内容管理系统使用。")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path),
              help="自定义模板文件夹（缺少的文件用自带模板）。")
@click.option("--fonts", "font_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="正版公文字体所在的文件夹，生成 PDF 时使用（也可设环境变量 REPORTGEN_FONTS）。")
@click.option("--allow-incomplete-template", is_flag=True,
              help="允许使用省略了部分内容的模板（报告中会注明省略了什么）。")
@summary_option
@previous_option
@year_option
@batch_options
@jobs_option
def render(inputs: tuple[str, ...], out_dir: Path, formats: str, templates_dir: Path | None, summary: Path | None,
           previous: Path | None, year: int | None, roster: Path | None, roster_column: str | None,
           use: tuple[str, ...], jobs: int | None, font_dirs: tuple[Path, ...], allow_incomplete_template: bool) -> None:
    """检查工作簿，没有错误时生成 Word、网页（和 PDF）版报告。

    可以给一个工作簿，也可以给多个文件、文件夹或通配符：没有错误的都生成报告，其余的列出问题。
    有“错误”时不生成该报告（退出码 1）；“提醒”会显示，但照常生成。
    同一机关交了不止一份、或年度与本批不同的工作簿不生成报告，除非用 --use 指定要用的那一份。
    """
    wanted = _formats(formats)
    check_summary_target(summary)
    names = roster_for(roster, roster_column)
    if is_single_file(inputs) and summary is None and previous is None and year is None and names is None \
            and not use:
        _render_one(Path(inputs[0]), out_dir, wanted, templates_dir, font_dirs, allow_incomplete_template)
    else:
        _render_many(inputs, out_dir, wanted, templates_dir, summary, previous, year, jobs, font_dirs,
                     allow_incomplete_template, names, use)


def _formats(formats: str) -> list[str]:
    """The formats asked for; refused before anything is read or written."""
    from reportgen.render import FORMATS, INSTALL_HINT, find_soffice

    wanted = list(dict.fromkeys(f.strip().lower() for f in formats.split(",") if f.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if not wanted:  # --format '' would otherwise succeed having written nothing
        fail(f"--format 没有给出格式。请至少给出一种：{'、'.join(FORMATS)}。")
    if unknown:
        fail(f"不支持的格式：{'、'.join(unknown)}（可用：{'、'.join(FORMATS)}）。")
    if "pdf" in wanted and find_soffice() is None:
        fail(INSTALL_HINT)
    return wanted


def _render_one(workbook: Path, out_dir: Path, wanted: list[str], templates_dir: Path | None,
                font_dirs: tuple[Path, ...], allow_incomplete_template: bool) -> None:
    from reportgen.authoring.vet import vet_templates
    from reportgen.render import render_report

    try:
        result = check_workbook(workbook)
    except UnusableInput as exc:
        fail(str(exc))
    if not result.can_render:
        print_result(workbook, result, "", SHOWN_PER_GROUP)
        click.secho("没有生成报告：请先改正上面的“错误”。", fg="red", err=True)
        sys.exit(EXIT_ERRORS)
    if result.findings:
        print_result(workbook, result, "", SHOWN_PER_GROUP)
    try:
        notes: list[str] = []
        omitted = vet_templates(templates_dir, allow_incomplete_template) if templates_dir is not None else []
        written = render_report(result.data, out_dir, wanted, templates_dir, font_dirs=font_dirs, notes=notes,
                                omitted=omitted)
    except TemplateProblem as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc, out_dir)
    for note in notes:
        click.secho(f"提示：{note}", fg="yellow", err=True)
    for path in written:
        click.echo(f"已生成：{path}")


def _render_many(inputs, out_dir: Path, wanted: list[str], templates_dir: Path | None, summary: Path | None,
                 previous: Path | None, year: int | None, jobs: int | None, font_dirs: tuple[Path, ...],
                 allow_incomplete_template: bool, roster=None, use: tuple[str, ...] = ()) -> None:
    """A collection: check all, render the ones without 错误 in parallel, list the rest."""
    from reportgen.collection.rules import tally
    from reportgen.collection import RENDER_FAILED, Progress, check_and_render_collection
    from reportgen.cli.console import print_collection

    found = collect_or_fail(inputs)
    chosen = use_for(use, found)
    last = previous_for(previous, jobs)
    progress = Progress(len(found.workbooks), "检查并生成", found.workbooks)
    try:
        notes: list[str] = []
        statuses = check_and_render_collection(found, out_dir, wanted, templates_dir, jobs, year, last, progress,
                                               font_dirs=font_dirs, notes=notes,
                                               allow_incomplete_template=allow_incomplete_template,
                                               use=chosen, roster=roster)
    finally:
        progress.close()
    rendered = [s for s in statuses if s.outputs or s.status == RENDER_FAILED]
    failed = [s for s in rendered if s.status == RENDER_FAILED]
    if rendered and len(failed) == len(rendered) and len({s.reason for s in failed}) == 1:
        fail(f"没有生成任何报告：{failed[0].reason}")  # e.g. a broken template: one line, not hundreds
    summary_line = write_summary(summary, statuses, with_outputs=True)
    print_collection(statuses, found, SHOWN_PER_GROUP, noun="生成")
    t = tally(statuses, roster)
    made = len(rendered) - len(failed)
    renamed = sum(1 for s in rendered if s.renamed and s.outputs)
    line = (f"共 {t.workbooks} 个工作簿：已为 {made} 个生成报告（{'、'.join(wanted)}），"
            f"{t.errors} 个有错误未生成，{t.unreadable} 个无法读取{t.held_text('生成')}")
    if failed:
        line += f"，{len(failed)} 个生成失败"
    line += f"。报告在：{out_dir}"
    if renamed:
        line += f"（{renamed} 个报告与其他报告同名，已在文件名后加（2）等区分）"
    for note in notes:
        click.secho(f"提示：{note}", fg="yellow", err=True)
    if summary_line:
        click.echo(summary_line)
    print_roster_lines(t, roster)
    click.secho(line, bold=True)
    codes = [s.exit_code for s in statuses] + ([EXIT_UNUSABLE] if found.missing else [])
    sys.exit(max(codes, default=EXIT_OK))
