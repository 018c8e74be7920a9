"""Commands for published reports: ``import`` one into a standard workbook, ``audit`` many."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import UnusableInput
from ..fileio import same_file
from .base import EXIT_ERRORS, EXIT_OK, fail, main


@main.command("import")
@click.argument("report", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="要写出的标准工作簿（默认：与报告同名的 .xlsx，放在当前文件夹）。")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入发现的问题和报告数据。")
def import_command(report: Path, out: Path | None, force: bool, as_json: bool) -> None:
    """导入已发布的报告（网页 .html/.htm、Word .docx、PDF、文本 .txt），写成标准工作簿。

    表格按国家规定的行列名称查找；读不出、读不准的地方逐一列出（如“表三 D19：数字连在一起……”），
    这些格子在工作簿中留空。之后可以用 reportgen check / render 处理这个工作簿。

    退出码：0 导入无问题；1 导入时发现错误（工作簿仍会写出，问题格子留空）；2 报告无法读取。
    """
    from ..console import print_findings
    from ..importers import import_report
    from ..workbook import write_workbook

    out = out or Path(report.stem + ".xlsx")
    if out.suffix.lower() != ".xlsx":
        fail(f"输出文件名应以 .xlsx 结尾：{out}")
    if same_file(report, out):
        fail("输出文件不能与输入的报告相同。")
    if out.exists() and not force:
        fail(f"{out} 已存在。如需覆盖，请加 --force。")
    try:
        result = import_report(report)
        write_workbook(out, result.data)
    except UnusableInput as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"无法写入 {out}：{exc.strerror or exc}")
    errors = sum(1 for f in result.findings if f.is_error)
    if as_json:
        click.echo(json.dumps({"reportgen": __version__, "report": str(report), "form": result.form,
                               "workbook": str(out), "findings": [f.to_json() for f in result.findings],
                               "data": result.data.to_json()}, ensure_ascii=False, indent=2))
    else:
        title = result.data.title if result.data.agency else "（未找到机关名称）"
        click.secho(f"== {report}（{result.form}）：{title}", bold=True)
        if result.findings:
            click.echo(f"导入时发现 {len(result.findings)} 处问题（{errors} 个错误）：")
            print_findings(result.findings)
        else:
            click.echo("导入时没有发现问题：所有表格都按规定的行列读出。")
        click.echo("")
        click.echo(f"已写出标准工作簿：{out}。用 reportgen check {out} 检查表格的合计和勾稽关系。")
    sys.exit(EXIT_ERRORS if errors else EXIT_OK)
