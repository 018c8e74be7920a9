"""``reportgen new-workbook`` and ``reportgen dump``: the standard workbook and its data as JSON."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UnusableInput
from ..fileio import same_file
from ..model import ReportData
from .base import fail, fail_os, main


@main.command("new-workbook")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="报告年度，如 2023。")
@click.option("--agency", help="机关名称。")
@click.option("--from", "from_json", type=click.Path(dir_okay=False, path_type=Path),
              help="用 reportgen dump 导出的 JSON 数据填好工作簿。")
@click.option("--force", is_flag=True, help="OUT 已存在时覆盖它。")
def new_workbook(out: Path, year: int | None, agency: str | None, from_json: Path | None, force: bool) -> None:
    """生成标准工作簿 OUT.xlsx，供各机关填写。"""
    from ..workbook import write_workbook

    if out.suffix.lower() != ".xlsx":
        fail(f"输出文件名应以 .xlsx 结尾：{out}")
    if out.exists() and not force:
        fail(f"{out} 已存在。如需覆盖，请加 --force。")
    try:
        data = ReportData.load(from_json) if from_json else None
        if from_json and same_file(from_json, out):
            fail("输出文件不能与输入的 JSON 相同。")
        write_workbook(out, data, year=year, agency=agency)
    except UnusableInput as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc, out)
    click.echo(f"已生成标准工作簿：{out}")


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
def dump(workbook: Path) -> None:
    """以 JSON 输出工作簿中的报告数据（键名见 docs/keys.md）。"""
    from ..workbook import read_workbook

    try:
        result = read_workbook(workbook)
    except UnusableInput as exc:
        fail(str(exc))
    click.echo(result.data.dumps())
