"""``reportgen check``: check one or many workbooks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import __version__
from ..checks import CheckResult, check_workbook
from ..console import SHOWN_PER_GROUP, print_result
from ..errors import UnusableInput
from .base import EXIT_ERRORS, EXIT_OK, EXIT_UNUSABLE, fail, fail_os, main


@main.command()
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果，供程序使用。")
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path),
              help="另存一份标注了问题格子的工作簿（只能检查一个工作簿时使用）。")
@click.option("--all", "show_all", is_flag=True, help=f"每类问题全部列出（默认每类最多列 {SHOWN_PER_GROUP} 处）。")
def check(workbooks: tuple[Path, ...], as_json: bool, annotate: Path | None, show_all: bool) -> None:
    """检查一个或多个填好的工作簿（也可以给一个文件夹，检查其中所有 .xlsx）。

    退出码：0 没有错误；1 有错误；2 文件无法使用。
    """
    from ..workbook import annotate_workbook

    workbooks = _expand_folders(workbooks)
    if not workbooks:
        fail("文件夹里没有 .xlsx 工作簿。")
    if annotate and len(workbooks) != 1:
        fail("--annotate 只能用于一个工作簿。")
    outcomes: list[tuple[Path, CheckResult | None, str]] = []
    for path in workbooks:
        try:
            outcomes.append((path, check_workbook(path), ""))
        except UnusableInput as exc:
            outcomes.append((path, None, str(exc)))
    annotated = ""
    if annotate and outcomes[0][1] is not None:
        try:
            marked = annotate_workbook(workbooks[0], annotate, outcomes[0][1].findings)
            annotated = f"已另存标注副本：{annotate}（标出 {marked} 个格子）"
        except UnusableInput as exc:
            fail(str(exc))
        except OSError as exc:
            fail_os(exc, annotate)
    if as_json:
        click.echo(json.dumps(_json_report(outcomes), ensure_ascii=False, indent=2))
    else:
        for path, result, reason in outcomes:
            print_result(path, result, reason, None if show_all else SHOWN_PER_GROUP)
        if len(outcomes) > 1:
            _print_summary(outcomes)
        if annotated:
            click.echo(annotated)
    sys.exit(max(_exit_code(result) for _, result, _ in outcomes))


def _expand_folders(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """A folder stands for the workbooks in it (Excel's ~$ lock files left out)."""
    expanded: list[Path] = []
    for path in paths:
        if path.is_dir():
            expanded += sorted(p for p in path.glob("*.xlsx") if not p.name.startswith("~$"))
        else:
            expanded.append(path)
    return tuple(expanded)


def _exit_code(result: CheckResult | None) -> int:
    if result is None:
        return EXIT_UNUSABLE
    return EXIT_OK if result.can_render else EXIT_ERRORS


def _print_summary(outcomes) -> None:
    good = sum(1 for _, r, _ in outcomes if r is not None and r.can_render)
    bad = sum(1 for _, r, _ in outcomes if r is not None and not r.can_render)
    broken = sum(1 for _, r, _ in outcomes if r is None)
    click.secho(f"共检查 {len(outcomes)} 个工作簿：{good} 个可以生成报告，{bad} 个有错误，{broken} 个无法读取。",
                bold=True)


def _json_report(outcomes) -> dict:
    items = []
    for path, result, reason in outcomes:
        if result is None:
            items.append({"path": str(path), "usable": False, "reason": reason, "exit_code": EXIT_UNUSABLE})
            continue
        items.append({
            "path": str(path), "usable": True, "title": result.data.title, "can_render": result.can_render,
            "errors": result.errors, "warnings": result.warnings, "exit_code": _exit_code(result),
            "findings": [f.to_json() for f in result.findings],
        })
    return {"reportgen": __version__, "workbooks": items}
