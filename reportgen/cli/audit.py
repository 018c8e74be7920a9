"""Commands for published reports: ``import`` one into a standard workbook, ``audit`` many."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reportgen.core.version import __version__
from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import same_file
from reportgen.cli.base import EXIT_ERRORS, EXIT_OK, fail, fail_os, main


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
    from reportgen.checks.doubts import settle_doubts
    from reportgen.cli.console import print_findings
    from reportgen.data.importers import import_report
    from reportgen.data.workbook import write_workbook

    out = out or Path(report.stem + ".xlsx")
    if out.suffix.lower() != ".xlsx":
        fail(f"输出文件名应以 .xlsx 结尾：{out}")
    if same_file(report, out):
        fail("输出文件不能与输入的报告相同。")
    if out.exists() and not force:
        fail(f"{out} 已存在。如需覆盖，请加 --force。")
    try:
        result = import_report(report)
        result.findings = settle_doubts(result.data, result.findings)
        write_workbook(out, result.data)
    except UnusableInput as exc:
        fail(str(exc))
    except OSError as exc:
        fail_os(exc, out)
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


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--summary", type=click.Path(dir_okay=False, path_type=Path),
              help="另存审查表（.xlsx）：“状态表”每份报告一行，“全部问题”每个问题一行。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出审查结果，供程序使用。")
@click.option("--all", "show_all", is_flag=True, help="每类问题全部列出（默认每类最多列 20 处）。")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="同时处理几份报告（默认：本机的处理器核数）。")
@click.option("--against", "against", metavar="工作簿或文件夹",
              help="与审定的标准工作簿逐项比较（一个工作簿，或按机关和年度对应的一个文件夹）：列出每一处不同的数字、"
                   "文字、标题和落款。")
def audit(inputs: tuple[str, ...], summary: Path | None, as_json: bool, show_all: bool, jobs: int | None,
          against: str | None) -> None:
    """审查已发布的年度报告：导入并检查许多份报告（文件、文件夹、通配符，网页/Word/PDF/文本/工作簿可混用）。

    每份报告的审查结论：未发现错误、有错误、需对照原文核对（只有数字连在一起等读取上的疑问，不是报告的错误）、
    无法读取，分别计数。同一机关相邻年度的报告会互相比较（跨年度检查），也用来确定连在一起的数字。
    一份报告无法读取不影响其他报告。
    退出码：0 没有报告有错误；1 有报告有错误；2 有文件无法读取。
    """
    from reportgen.collection import Progress, collect
    from reportgen.formats.grouping import SHOWN_PER_GROUP
    from reportgen.collection.audit import AUDIT_SUFFIXES, NOT_A_REPORT, VERDICTS, audit_collection, verdict_counts
    from reportgen.collection.status_sheet import write_status

    if summary is not None and summary.suffix.lower() != ".xlsx":
        fail(f"审查表的文件名应以 .xlsx 结尾：{summary}")
    accepted = _accepted(against) if against is not None else None
    found = collect(inputs, suffixes=AUDIT_SUFFIXES)
    if not found.workbooks and not found.rejected:
        where = "、".join(found.missing) if found.missing else "、".join(inputs)
        fail(f"没有找到报告：{where}（给出报告文件、文件夹，或如 年报/*.html 的通配符）。")
    progress = Progress(len(found.workbooks), "审查", found.workbooks)
    try:
        statuses = audit_collection(found, jobs, progress, accepted=accepted)
    finally:
        progress.close()
    ordered = sorted(statuses, key=lambda s: (VERDICTS + (NOT_A_REPORT,)).index(s.verdict))
    tally = verdict_counts(statuses)
    if summary is not None:
        try:
            write_status(summary, ordered, with_findings=True)
        except OSError as exc:
            fail_os(exc, summary)
    if as_json:
        click.echo(json.dumps({"reportgen": __version__, "reports": [s.to_json() for s in ordered],
                               "counts": tally, "ignored": found.ignored, "missing": found.missing},
                              ensure_ascii=False, indent=2))
    else:
        _print_audit(ordered, found, None if show_all else SHOWN_PER_GROUP)
        line = _counts_line(tally)
        if summary is not None:
            click.echo(f"已另存审查表：{summary}（“状态表”每个文件一行，“全部问题”每个问题一行）")
        click.secho(line, bold=True)
    codes = [s.exit_code for s in statuses] + ([2] if found.missing else [])
    sys.exit(max(codes, default=EXIT_OK))


def _accepted(where: str):
    """The accepted workbooks of ``--against``: every one must be readable (a comparison with
    a workbook that is not there would say nothing)."""
    from reportgen.collection import collect
    from reportgen.collection.audit import Accepted
    from reportgen.data.workbook import read_workbook

    found = collect([where], suffixes=(".xlsx",))
    if not found.workbooks:
        fail(f"--against 没有找到审定的工作簿：{where}（给出标准工作簿 .xlsx 或放工作簿的文件夹）。")
    workbooks = []
    for path in found.workbooks:
        try:
            workbooks.append((path.name, read_workbook(path).data))
        except UnusableInput as exc:
            fail(f"--against 的工作簿无法读取：{exc}")
    return Accepted(where, workbooks)


def _counts_line(tally: dict[str, int]) -> str:
    from reportgen.collection.audit import DOUBTS, FAULTS, NO_FAULT, NOT_A_REPORT, UNREADABLE, VERDICTS

    line = (f"共审查 {sum(tally[v] for v in VERDICTS)} 份报告：{tally[NO_FAULT]} 份{NO_FAULT}，"
            f"{tally[FAULTS]} 份{FAULTS}，{tally[DOUBTS]} 份{DOUBTS}，{tally[UNREADABLE]} 份{UNREADABLE}。")
    if tally[NOT_A_REPORT]:
        line += f"另有 {tally[NOT_A_REPORT]} 个文件不是报告。"
    return line


def _print_audit(ordered, found, limit: int | None) -> None:
    """The reports by verdict: those with faults, then those to compare with the original
    (in detail), those that could not be read, those with no fault (one line each)."""
    from reportgen.cli.console import print_findings
    from reportgen.collection.audit import DOUBTS, FAULTS, NO_FAULT, NOT_A_REPORT, UNREADABLE

    colours = {FAULTS: "red", DOUBTS: "yellow", UNREADABLE: "red", NO_FAULT: "green"}
    for verdict in (FAULTS, DOUBTS, UNREADABLE, NO_FAULT, NOT_A_REPORT):
        group = [s for s in ordered if s.verdict == verdict]
        if not group:
            continue
        noun = "个" if verdict == NOT_A_REPORT else "份"
        click.secho(f"######## {verdict}（{len(group)} {noun}）", fg=colours.get(verdict), bold=True)
        for s in group:
            name = f"{s.path.name}（{s.path.parent}）" if str(s.path.parent) not in ("", ".") else s.path.name
            if verdict in (UNREADABLE, NOT_A_REPORT):
                click.echo(f"  · {name}" + (f"：{s.reason}" if s.reason else ""))
                continue
            title = s.title or "（未找到机关名称）"
            if verdict == NO_FAULT:
                click.echo(f"  · {name}：{title}" + (f"（{s.warnings} 个提醒）" if s.warnings else ""))
                continue
            click.echo("")
            click.secho(f"== {name}：{title}", bold=True)
            parts = [f"{s.faults} 个错误"] + ([f"{s.doubts} 处需对照原文核对"] if s.doubts else []) + \
                [f"{s.warnings} 个提醒"]
            click.secho(f"审查结论：{verdict}（{'，'.join(parts)}）", fg=colours[verdict])
            print_findings(s.findings, limit, hints=False)
        click.echo("")
    if found.ignored:
        click.echo(f"已忽略 {found.ignored} 个 Excel 临时文件（~$ 开头）和隐藏文件。")
    for missing in found.missing:
        click.secho(f"没有找到：{missing}", fg="red")
