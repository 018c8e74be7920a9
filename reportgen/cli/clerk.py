"""Commands that help a clerk finish a workbook in one round (``fix``, ``draft``)."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.core.errors import UnusableInput
from reportgen.cli.base import fail, fail_os, main


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="修正后另存的工作簿（不能与原工作簿相同）。")
def fix(workbook: Path, out: Path) -> None:
    """另存一份修正了常见问题的工作簿：空的数字格填 0，文本或全角数字改为数字，
    被改成手填数字的总计恢复自动合计公式。逐格列出改动；其他内容一概不动，原工作簿不被改动。"""
    from reportgen.data.workbook import fix_workbook

    changes = _write_copy(fix_workbook, workbook, out)
    for change in changes:
        click.echo(f"  · {change}")
    if changes:
        click.echo(f"共修改 {len(changes)} 个格子，其他内容没有改动。")
    else:
        click.echo("没有需要自动修正的格子。")
    click.echo(f"已另存：{out}（原工作簿 {workbook} 未改动）。请用 reportgen check {out} 再检查一次。")


@main.command()
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="写入草拟文字后另存的工作簿（不能与原工作簿相同）。")
def draft(workbook: Path, out: Path) -> None:
    """在还空着的文字部分写入按表格数字草拟的标准文字（如依申请公开情况、信息处理费），
    另存为 OUT。草拟的每段以“【草拟，请核改】”开头：请核对、修改后删除这个标记；
    标记还在时 check 报“错误”，不会生成报告。原工作簿不被改动。"""
    from reportgen.data.workbook.draft import draft_workbook

    written = _write_copy(draft_workbook, workbook, out)
    for item in written:
        click.echo(f"  · {item}")
    if written:
        click.echo(f"共写入 {len(written)} 段草拟文字，请逐段核改并删除“【草拟，请核改】”标记。")
    else:
        click.echo("各文字部分都已有内容，没有需要草拟的段落。")
    click.echo(f"已另存：{out}（原工作簿 {workbook} 未改动）。")


def _write_copy(make_copy, workbook: Path, out: Path) -> list:
    """Run ``make_copy(workbook, out)`` (fix, draft: a changed copy, never in place);
    any refusal ends the command with one plain-Chinese line."""
    if out.suffix.lower() != ".xlsx":
        fail(f"输出文件名应以 .xlsx 结尾：{out}")
    try:
        return make_copy(workbook, out)
    except UnusableInput as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc, out)
