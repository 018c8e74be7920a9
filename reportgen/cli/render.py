"""``reportgen render``: check, then write the Word / HTML / PDF report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..checks import check_workbook
from ..console import SHOWN_PER_GROUP, print_result
from ..errors import TemplateProblem, UnusableInput
from .base import EXIT_ERRORS, fail, fail_os, main


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="输出文件夹。")
@click.option("--format", "formats", default="docx,html", show_default=True,
              help="输出格式，逗号分隔：docx、html、pdf（pdf 需要 LibreOffice）。")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path),
              help="自定义模板文件夹（缺少的文件用自带模板）。")
def render(workbook: Path, out_dir: Path, formats: str, templates_dir: Path | None) -> None:
    """检查工作簿，没有错误时生成 Word、网页（和 PDF）版报告。

    有“错误”时不生成任何文件，退出码 1；“提醒”会显示，但照常生成。
    """
    from ..render import render_report

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    if not wanted:  # --format '' would otherwise succeed having written nothing
        raise click.BadParameter("请至少给出一种格式：docx、html、pdf。", param_hint="'--format'")
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
        written = render_report(result.data, out_dir, wanted, templates_dir)
    except TemplateProblem as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc, out_dir)
    for path in written:
        click.echo(f"已生成：{path}")
