"""``reportgen check``: check one workbook, or a collection of them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reportgen.core.version import __version__
from reportgen.formats.grouping import SHOWN_PER_GROUP
from reportgen.core.errors import UnusableInput
from reportgen.cli.base import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE, fail, fail_os, main


def jobs_option(f):
    return click.option("--jobs", "-j", type=click.IntRange(min=1),
                        help="同时处理几个工作簿（默认：本机的处理器核数；工作簿不多时在一个进程里处理，反而更快）。")(f)


def year_option(f):
    return click.option("--year", type=int,
                        help="本批工作簿的报告年度（默认：多数工作簿的年度）；年度不同的不生成报告、不计入汇总（除非用 --use 指定）。")(f)


def summary_option(f):
    return click.option("--summary", type=click.Path(dir_okay=False, path_type=Path),
                        help="另存一张状态表（.xlsx 或 .csv），每个文件一行。")(f)


def previous_option(f):
    return click.option("--previous", type=click.Path(path_type=Path),
                        help="上年的工作簿（一个文件，或一个文件夹，按机关名称对应），用于跨年度检查。")(f)


def batch_options(f):
    """``--roster``, ``--roster-column`` and ``--use``: what an office says about a batch."""
    f = click.option("--use", "use", multiple=True, metavar="文件",
                     help="同一机关交了不止一份、或工作簿年度与本批不同时，指定要用的那一份（写文件名或路径，可多次给出）；"
                          "不指定时这些工作簿都不生成报告、不计入汇总。")(f)
    f = click.option("--roster-column", metavar="列",
                     help="名单中机关名称所在的列：列字母（如 B）、第几列（如 2）或表头文字（默认按“机关名称”“单位名称”等表头找）。")(f)
    return click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), metavar="名单",
                        help="本批应交的机关名单（.xlsx、.csv 或 .txt，与 distribute 用的同一份）：列出没有交的机关，"
                             "并指出不在名单上的机关。")(f)


def roster_for(roster: Path | None, column: str | None):
    """``--roster``: the office's list, read as ``distribute`` reads it; refused in plain Chinese."""
    from reportgen.collection.roster import read_roster

    if roster is None:
        if column is not None:
            fail("--roster-column 要和 --roster 一起用。")
        return None
    try:
        return read_roster(roster, column)
    except UnusableInput as exc:
        fail(str(exc))


def use_for(use: tuple[str, ...], found) -> set[Path]:
    """``--use``: the workbooks of the batch it names, checked before any is read."""
    from reportgen.collection.rules import resolve_use

    try:
        return resolve_use(use, found.workbooks)
    except UnusableInput as exc:
        fail(str(exc))


def is_single_file(inputs: tuple[str, ...]) -> bool:
    """One existing file given by name: the one-workbook behaviour (its own --annotate FILE)."""
    # A named pipe or a device counts as a file here, so the reader refuses it by name
    # ("不是普通文件") instead of the collection saying nothing was found.
    return len(inputs) == 1 and Path(inputs[0]).exists() and not Path(inputs[0]).is_dir()


def collect_or_fail(inputs: tuple[str, ...]):
    """The collection the inputs name; a plain message when they name no workbook at all."""
    from reportgen.collection import collect

    found = collect(inputs)
    if not found.workbooks and not found.rejected:
        where = "、".join(found.missing) if found.missing else "、".join(inputs)
        fail(f"没有找到工作簿：{where}（给出 .xlsx 文件、文件夹，或如 收回的工作簿/*.xlsx 的通配符）。")
    return found


def previous_for(previous: Path | None, jobs: int | None):
    """``--previous``: one file as is; a folder (or glob) as last year's workbooks by agency."""
    from reportgen.collection import collect, index_by_agency

    if previous is None:
        return None
    if Path(previous).is_file():
        return Path(previous)
    found = collect([str(previous)])
    if not found.workbooks:
        fail(f"--previous 没有找到上年的工作簿：{previous}")
    return index_by_agency(found.workbooks, jobs)


def check_summary_target(summary: Path | None) -> None:
    from reportgen.collection.status_sheet import SUFFIXES

    if summary is not None and summary.suffix.lower() not in SUFFIXES:
        fail(f"状态表的文件名应以 .xlsx 或 .csv 结尾：{summary}")


def write_summary(summary: Path | None, statuses, with_outputs: bool = False) -> str:
    """Write the status sheet (files needing action first); returns the line that says so."""
    from reportgen.collection import sort_for_action
    from reportgen.collection.status_sheet import write_status

    if summary is None:
        return ""
    try:
        write_status(summary, sort_for_action(list(statuses)), with_outputs)
    except OSError as exc:
        fail_os(exc, summary)
    files = sum(1 for s in statuses if s.path is not None)
    missing = len(statuses) - files
    return f"已另存状态表：{summary}（{files} 个文件" + (f"和 {missing} 个未交的机关" if missing else "") + "，每个一行）"


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果，供程序使用。")
@click.option("--annotate", type=click.Path(path_type=Path),
              help="另存标注了问题格子的工作簿：检查一个工作簿时给文件名，检查多个时给文件夹（每个有问题的工作簿一份）。")
@click.option("--all", "show_all", is_flag=True, help=f"每类问题全部列出（默认每类最多列 {SHOWN_PER_GROUP} 处）。")
@summary_option
@previous_option
@year_option
@batch_options
@jobs_option
def check(inputs: tuple[str, ...], as_json: bool, annotate: Path | None, show_all: bool, summary: Path | None,
          previous: Path | None, year: int | None, roster: Path | None, roster_column: str | None,
          use: tuple[str, ...], jobs: int | None) -> None:
    """检查填好的工作簿：可以是文件、文件夹（包括其中的子文件夹）或通配符（如 收回的工作簿/*.xlsx），可混用。

    检查多个工作簿时，先列出需要处理的，再列出可以生成的，最后是统计。
    退出码：0 没有错误；1 有错误（或有重复、年度不符的工作簿，或名单上有机关未交）；2 有文件无法使用。
    """
    check_summary_target(summary)
    names = roster_for(roster, roster_column)
    if is_single_file(inputs) and summary is None and year is None and names is None and not use and (
            annotate is None or annotate.suffix.lower() == ".xlsx"):
        _check_one(Path(inputs[0]), as_json, annotate, show_all, previous, jobs)
    else:
        _check_many(inputs, as_json, annotate, show_all, summary, previous, year, jobs, names, use)


def _check_one(path: Path, as_json: bool, annotate: Path | None, show_all: bool, previous: Path | None,
               jobs: int | None) -> None:
    """One workbook: the verdict and every finding; ``--annotate FILE``."""
    from reportgen.collection import ERRORS, OK, WARNINGS, check_one
    from reportgen.cli.console import print_status

    status = check_one(path, previous_for(previous, jobs))
    if as_json:
        click.echo(json.dumps({"reportgen": __version__, "workbooks": [status.to_json()]},
                              ensure_ascii=False, indent=2))
    else:
        print_status(status, None if show_all else SHOWN_PER_GROUP)
        if status.note:
            click.echo(status.note)
    if annotate and status.status in (OK, WARNINGS, ERRORS):
        from reportgen.data.workbook import annotate_workbook  # openpyxl: only when a copy is written

        try:
            marked = annotate_workbook(path, annotate, status.findings)
        except UnusableInput as exc:
            fail(str(exc))
        except OSError as exc:
            fail_os(exc, annotate)
        if not as_json:
            click.echo(f"已另存标注副本：{annotate}（标出 {marked} 个格子）")
    sys.exit(status.exit_code)


def _check_many(inputs, as_json, annotate, show_all, summary, previous, year, jobs, roster, use) -> None:
    """A collection: every file accounted for, the ones needing action first, counts last."""
    from reportgen.collection.rules import tally
    from reportgen.collection import Progress, check_collection
    from reportgen.cli.console import print_collection

    if annotate is not None and annotate.suffix.lower() == ".xlsx":
        fail("--annotate 后面是 .xlsx 文件名时只能用于一个工作簿；检查多个工作簿时请给一个文件夹。")
    found = collect_or_fail(inputs)
    chosen = use_for(use, found)
    last = previous_for(previous, jobs)
    progress = Progress(len(found.workbooks), "检查", found.workbooks)
    try:
        statuses = check_collection(found, jobs, year, last, progress, use=chosen, roster=roster)
    finally:
        progress.close()
    annotated = _annotate_collection(annotate, statuses, jobs) if annotate else []
    summary_line = write_summary(summary, statuses)
    if as_json:
        click.echo(json.dumps(_json_report(statuses, found, roster), ensure_ascii=False, indent=2))
    else:
        print_collection(statuses, found, None if show_all else SHOWN_PER_GROUP)
        if annotated:
            click.echo(f"已在 {annotate} 另存 {len(annotated)} 个标注副本。")
        if summary_line:
            click.echo(summary_line)
        print_counts(tally(statuses, roster), roster)
    codes = [s.exit_code for s in statuses] + ([EXIT_UNUSABLE] if found.missing else [])
    sys.exit(max(codes, default=EXIT_OK))


def _annotate_collection(folder: Path, statuses, jobs) -> list[Path]:
    """One annotated copy per workbook with findings, named after the file (never colliding)."""
    from reportgen.collection import annotate_one, internal_error, run_parallel, unique_names

    todo = [s for s in statuses if s.findings]
    names = unique_names([s.path.stem + "-标注" for s in todo])
    tasks = [(s.path, folder / f"{name}.xlsx", s.findings) for s, name in zip(todo, names)]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail_os(exc, folder)
    results = run_parallel(annotate_one, tasks, jobs, on_error=internal_error)
    return [target for (_, target, _), ok in zip(tasks, results) if ok is True]


def print_roster_lines(t, roster) -> None:
    """Which column of the roster was used, and who sent nothing (every batch command)."""
    if roster is None:
        return
    click.echo(f"名单：{roster.where}，共 {t.roster_agencies} 个机关。")
    click.secho(t.roster_line(), fg="red" if t.not_returned else None, bold=bool(t.not_returned))


def print_counts(t, roster=None) -> None:
    """``check``'s last lines: the batch counted as :func:`reportgen.collection.rules.tally` counts it."""
    print_roster_lines(t, roster)
    line = (f"共检查 {t.workbooks} 个工作簿：{t.usable} 个可以生成报告，{t.errors} 个有错误，{t.unreadable} 个无法读取"
            f"{t.held_text('用')}。")
    if t.resave:
        line += f"（其中 {t.resave} 个需另存为 .xlsx）"
    if t.not_workbook:
        line += f"另有 {t.not_workbook} 个文件不是工作簿。"
    click.secho(line, bold=True)


def _json_report(statuses, found, roster=None) -> dict:
    from reportgen.collection.rules import tally
    from reportgen.collection import counts, sort_for_action

    report = {
        "reportgen": __version__,
        "workbooks": [s.to_json() for s in sort_for_action(statuses) if s.path is not None],
        "counts": counts(statuses),
        "ignored": found.ignored,
        "missing": found.missing,
    }
    if roster is not None:
        t = tally(statuses, roster)
        report["roster"] = {"file": str(roster.path), "column": roster.where, "agencies": t.roster_agencies,
                            "not_returned": t.not_returned}
    return report


__all__ = ["EXIT_ERRORS", "check"]
