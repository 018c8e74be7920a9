"""``reportgen new-workbook`` and ``reportgen dump``: the standard workbook and its data as JSON."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import same_file
from reportgen.data.model import ReportData
from reportgen.cli.base import fail, fail_os, main


@main.command("new-workbook")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="报告年度，如 2023。")
@click.option("--agency", help="机关名称。")
@click.option("--from", "from_json", type=click.Path(dir_okay=False, path_type=Path),
              help="用 reportgen dump 导出的 JSON 数据填好工作簿。")
@click.option("--force", is_flag=True, help="OUT 已存在时覆盖它。")
def new_workbook(out: Path, year: int | None, agency: str | None, from_json: Path | None, force: bool) -> None:
    """生成标准工作簿 OUT.xlsx，供各机关填写。"""
    from reportgen.data.workbook import write_workbook

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
    if data is not None:
        for line in _carried(data, from_json, year, agency):
            click.secho(line, fg="yellow" if line.startswith("注意") else None)


def _carried(data: ReportData, source: Path, year: int | None, agency: str | None) -> list[str]:
    """What --from put into the workbook, said plainly; a warning when the figures
    are another year's (they must not pass into a new year silently)."""
    numbers = sum(1 for f in data.format.fields if not f.is_total and data.values.get(f.key) is not None)
    paragraphs = sum(len(p) for p in data.text.values())
    shown_agency = agency if agency is not None else data.agency
    shown_year = year if year is not None else data.year
    lines = [f"从 {source.name} 带入：机关名称“{shown_agency}”，年度 {shown_year}，"
             f"{numbers} 个数字格，{paragraphs} 段文字。"]
    if year is not None and data.year is not None and year != data.year:
        lines.append(f"注意：这些数字和文字是 {data.year} 年的，工作簿年度已设为 {year} 年。"
                     f"请把每一个数字和每一段文字都改为 {year} 年的，不要沿用。")
    if agency is not None and data.agency and agency != data.agency:
        lines.append(f"注意：这些数字和文字是“{data.agency}”的，机关名称已改为“{agency}”。")
    return lines


@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
def dump(workbook: Path) -> None:
    """以 JSON 输出工作簿中的报告数据（键名见 docs/keys.md）。"""
    from reportgen.data.workbook import read_workbook

    try:
        result = read_workbook(workbook)
    except UnusableInput as exc:
        fail(str(exc))
    click.echo(result.data.dumps())
