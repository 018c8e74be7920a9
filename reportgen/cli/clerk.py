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
@click.option("--all", "show_all", is_flag=True, help="逐格列出每一处改动（默认同一张表里成片的改动合为一行）。")
def fix(workbook: Path, out: Path, show_all: bool) -> None:
    """另存一份修正了常见问题的工作簿：空的数字格填 0，文本、全角数字或带单位的件数（如“12件”）改为数字，
    被改成手填数字的总计恢复自动合计公式。按类列出改动，并列出无法自动修正的格子和原因；
    其他内容一概不动，原工作簿不被改动。"""
    from reportgen.data.workbook.fix import fix_workbook

    fixed = _write_copy(fix_workbook, workbook, out)
    if fixed.changes:
        click.echo(f"修改了 {len(fixed.changes)} 个格子：")
        _print_by_kind(fixed.changes, show_all)
    else:
        click.echo("没有需要自动修正的格子。")
    if fixed.left:
        click.echo(f"没有自动修正、需要您处理的（{len(fixed.left)} 处）：")
        _print_by_kind(fixed.left, show_all)
    click.echo(f"已另存：{out}（原工作簿 {workbook} 未改动，其他内容没有改动）。请用 reportgen check {out} 再检查一次。")


def _print_by_kind(items: list, show_all: bool) -> None:
    """Changes (or cells left) grouped by kind as ``check`` groups findings: a heading
    with the count, then each cell, or, for many on one sheet, one line per block of rows."""
    from reportgen.formats.grouping import ADDRESS, GROUP_FROM, block_lines

    kinds: dict[str, list] = {}
    for item in items:
        kinds.setdefault(item.reason, []).append(item)
    for kind, members in kinds.items():
        click.echo(f"  【{kind}】{len(members)} 处")
        by_sheet: dict[str, list] = {}
        for item in members:
            if ADDRESS.fullmatch(item.location.cell or "") and not show_all:
                by_sheet.setdefault(item.location.sheet, []).append(item)
        in_blocks = [sheet_items for sheet_items in by_sheet.values() if len(sheet_items) >= GROUP_FROM]
        blocked = {id(item) for sheet_items in in_blocks for item in sheet_items}
        for sheet_items in in_blocks:
            for line, block in block_lines(sheet_items, "格"):
                click.echo(f"    · {line}" if len(block) > 1 else f"    · {block[0]}")
        for item in members:
            if id(item) not in blocked:
                click.echo(f"    · {item}")
        if in_blocks:
            click.echo("    （加 --all 逐格列出）")


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
