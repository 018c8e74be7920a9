"""Commands for offices that send out, collect and sum workbooks (``aggregate``, ``distribute``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reportgen.cli.base import EXIT_ERRORS, EXIT_OK, fail, fail_os, main
from reportgen.cli.check import batch_options, jobs_option, print_roster_lines, roster_for, use_for


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="汇总工作簿的文件名（.xlsx）。")
@click.option("--agency", required=True, help="汇总报告的机关名称，如“某某市人民政府办公室”。")
@click.option("--year", type=int, help="报告年度（默认：各工作簿的年度，须一致）。")
@click.option("--exclude-faulty", is_flag=True,
              help="有错误、无法读取、重复或年度不符的工作簿不计入，名单上未交的也不等，汇总其余的"
                   "（被排除的和未交的列在明细表和屏幕上）。")
@click.option("--force", is_flag=True, help="汇总工作簿已存在时覆盖它。")
@batch_options
@jobs_option
def aggregate(inputs: tuple[str, ...], out: Path, agency: str, year: int | None, exclude_faulty: bool,
              force: bool, roster: Path | None, roster_column: str | None, use: tuple[str, ...],
              jobs: int | None) -> None:
    """把各机关的工作簿汇总成本级的汇总工作簿：表二、表三、表四是各工作簿的精确合计，
    文字部分留空由本机关撰写，另有“明细”表列出每个机关的数字。

    有工作簿有错误、同一机关有两份（未用 --use 指定）、年度不符、或名单上有机关未交时不汇总（退出码 1，不写任何文件）。
    """
    from reportgen.collection.aggregate import aggregate as run_aggregate, write_aggregate
    from reportgen.collection.rules import tally
    from reportgen.collection import Progress
    from reportgen.cli.check import collect_or_fail

    if out.suffix.lower() != ".xlsx":
        fail(f"汇总工作簿的文件名应以 .xlsx 结尾：{out}")
    if out.exists() and not force:
        fail(f"{out} 已存在。如需覆盖，请加 --force。")
    names = roster_for(roster, roster_column)
    found = collect_or_fail(inputs)
    if any(_same(out, p) for p in found.workbooks):
        fail(f"汇总工作簿不能覆盖输入的工作簿：{out}")
    chosen = use_for(use, found)
    progress = Progress(len(found.workbooks), "检查", found.workbooks)
    try:
        result = run_aggregate(found, agency.strip(), year, exclude_faulty, jobs, progress, use=chosen, roster=names)
    finally:
        progress.close()
    t = tally(result.statuses, names)
    print_roster_lines(t, names)
    if result.refusals:
        click.secho(f"没有汇总，未写入任何文件（共 {t.workbooks} 个工作簿）：", fg="red", bold=True)
        for reason in result.refusals:
            click.echo(f"  · {reason}")
        sys.exit(EXIT_ERRORS)
    try:
        write_aggregate(out, result)
    except OSError as exc:
        fail_os(exc, out)
    for s in result.excluded:
        click.secho(f"未计入：{s.path}（{s.label}：{s.first_findings(1)}）", fg="yellow")
    for agency_name in result.not_returned:
        click.secho(f"未交，未计入：{agency_name}", fg="yellow")
    for path in (result.found.missing if result.found else []):
        click.secho(f"没有找到：{path}", fg="red")
    click.secho(f"已生成汇总工作簿：{out}（{result.agency}{result.year} 年，共 {t.workbooks} 个工作簿，"
                f"汇总 {len(result.members)} 个机关"
                + (f"，{len(result.excluded)} 个未计入" if result.excluded else "")
                + (f"，名单上 {len(result.not_returned)} 个机关未交" if result.not_returned else "") + "）。", bold=True)
    click.echo("各机关的数字在“明细”工作表。请在“文字部分”撰写本级报告的文字，再用 reportgen check 检查、reportgen render 生成报告。")
    sys.exit(EXIT_OK)


def _same(a: Path, b: Path) -> bool:
    from reportgen.core.fileio import same_file

    return same_file(a, b)


@main.command()
@click.argument("names", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="输出文件夹：每个机关一个工作簿。")
@click.option("--year", type=int, required=True, help="报告年度，如 2025。")
@click.option("--previous", type=click.Path(path_type=Path),
              help="上年收回的工作簿（文件夹或通配符）：按机关名称对应，预填“二、上年结转”，并附上年文字供参考。")
@click.option("--column", metavar="列",
              help="名单中机关名称所在的列：列字母（如 B）、第几列（如 2）或表头文字（默认按“机关名称”“单位名称”等表头找）。")
@click.option("--force", is_flag=True, help="输出文件夹里已有同名工作簿时覆盖。")
@jobs_option
def distribute(names: Path, out_dir: Path, year: int, previous: Path | None, column: str | None, force: bool,
               jobs: int | None) -> None:
    """按名单为每个机关生成一个标准工作簿，机关名称和年度已填好，文件以机关名称命名。

    名单可以是 .xlsx、.csv 或 .txt：每行一个机关名称，或一张表（序号、单位名称、联系人……），
    机关名称列按表头（机关名称、单位名称、名称……）找，或用 --column 指定。"""
    from reportgen.collection import collect, index_by_agency
    from reportgen.collection.distribute import distribute as run_distribute, plan

    roster = roster_for(names, column)
    agencies = roster.names
    click.echo(f"名单：{roster.where}，{len(roster.distinct())} 个机关。")
    targets, _ = plan(agencies, out_dir)
    existing = [t for _, t in targets if t.exists()]
    if existing and not force:
        fail(f"{out_dir} 里已有 {len(existing)} 个同名工作簿（如 {existing[0].name}）。如需覆盖，请加 --force。")
    index = None
    if previous is not None:
        found = collect([str(previous)])
        if not found.workbooks:
            fail(f"--previous 没有找到上年的工作簿：{previous}")
        index = index_by_agency(found.workbooks, jobs)
    try:
        result = run_distribute(agencies, out_dir, year, index, jobs)
    except OSError as exc:
        fail_os(exc, out_dir)
    for sent in result.sent:
        line = f"已生成：{sent.path}"
        if sent.previous is not None:
            line += (f"（据上年 {sent.previous.name} 预填“上年结转” {sent.carried} 格"
                     + (f"，附上年文字 {sent.paragraphs} 段供参考" if sent.paragraphs else "") + "）")
        click.echo(line)
        if sent.previous_year is not None and sent.previous_year != year - 1:
            click.secho(f"注意：{sent.previous.name} 是 {sent.previous_year} 年的，不是 {year - 1} 年的；"
                        f"预填的“上年结转”请核对。", fg="yellow")
    renamed = [s for s in result.sent if s.path.stem != s.agency]
    for sent in renamed:
        click.secho(f"注意：“{sent.agency}”的文件名已改为 {sent.path.name}（名称中有文件名不能用的字符，或与其他机关重名）。",
                    fg="yellow")
    if result.duplicates:
        click.secho(f"名单中重复的名称只生成一份：{'、'.join(result.duplicates)}", fg="yellow")
    if result.without_previous:
        click.secho(f"以下 {len(result.without_previous)} 个机关没有找到上年的工作簿，未预填：", fg="yellow")
        for agency in result.without_previous:
            click.echo(f"  · {agency}")
    click.secho(f"共生成 {len(result.sent)} 个 {year} 年的标准工作簿，在：{out_dir}", bold=True)
