"""How findings are printed on the console: the verdict first, then the findings
grouped by rule.  ``check`` and ``render`` (one workbook or a collection) print
through here; ``--json`` prints the same findings from :meth:`Finding.to_json`.

Many faults of one kind in one table (a clerk who left every zero blank) print as
one line per block of adjacent rows, “表三 第9–29行：共 126 个数字格为空…”; ``--all``
lists every cell, and ``--json`` and ``--annotate`` always have every cell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from reportgen.collection.status import verdict
from reportgen.formats.findings import Finding
from reportgen.formats.grouping import finding_groups

if TYPE_CHECKING:
    from reportgen.checks import CheckResult
    from reportgen.collection import FileStatus



def print_findings(findings: list[Finding], limit: int | None = None, hints: bool = True) -> None:
    """Findings grouped by rule (errors first), each group with its count.  With a
    ``limit`` (the default; ``--all`` gives none), many one-cell faults of a kind on one
    sheet print as one line per block of rows, and other groups print at most ``limit`` lines.
    ``hints``: the advice to the clerk (not for someone auditing a published report, to whom a
    reading doubt is headed 需对照原文核对, not 错误)."""
    for group in finding_groups(findings, limit):
        kind = group.kind
        doubt = not hints and kind.doubt
        heading = group.heading.replace(f"【{kind.severity.label}】", "【需对照原文核对】", 1) if doubt else group.heading
        click.echo("")
        click.secho(f"{heading}  [{group.code}]", fg="red" if group.is_error and not doubt else "yellow", bold=True)
        for line in group.blocks:
            click.echo(f"  · {line}")
        if group.blocks and hints:
            click.echo(f"    {kind.group_hint}（加 --all 逐格列出；--annotate 在工作簿副本中标出每一格）")
        for finding in group.shown:
            click.echo(f"  · {finding}")
        if group.more:
            how = "加 --all 全部列出，或用 --annotate 在工作簿中标出" if hints else "加 --all 全部列出"
            click.echo(f"  ……另有 {group.more} 处同类问题（{how}）。")


def print_result(path: Path, result: "CheckResult | None", reason: str, limit: int | None) -> None:
    """One workbook: its title, the verdict and its findings (or why it could not be read)."""
    if result is None:
        click.secho(f"== {path}", bold=True)
        click.echo(f"无法检查：{reason}")
        click.echo("")
        return
    title = result.data.title if result.data.agency else "（未填机关名称）"
    click.secho(f"== {path}：{title}", bold=True)
    click.secho(verdict(result), fg="green" if result.can_render else "red")
    print_findings(result.findings, limit)
    click.echo("")


def print_collection(statuses, found, limit: int | None, noun: str = "检查") -> None:
    """A collection: the files that need action first (in detail), then the ones with
    提醒 and the good ones one line each, the stray files, and the counts last."""
    from reportgen.collection import (DUPLICATE, ERRORS, NEEDS_ACTION, NOT_RETURNED, NOT_WORKBOOK, OK, OTHER_YEAR,
                                      RENDER_FAILED, SET_ASIDE, WARNINGS, sort_for_action)

    ordered = sort_for_action(list(statuses))
    action = [s for s in ordered if s.status in NEEDS_ACTION and s.status != NOT_RETURNED]
    if action:
        click.secho(f"######## 需要处理的文件（{len(action)} 个）", fg="red", bold=True)
        click.echo("")
        for s in action:
            if s.status in (ERRORS, RENDER_FAILED, DUPLICATE, OTHER_YEAR):
                print_status(s, limit)
            else:
                click.secho(f"== {s.path}", bold=True)
                click.secho(f"{s.label}：{s.reason}", fg="red")
                click.echo("")
    _list_section("名单上未交的机关", [s.agency for s in ordered if s.status == NOT_RETURNED], "red")
    warned = [s for s in ordered if s.status == WARNINGS]
    if warned:
        click.secho(f"######## 可以生成报告，但请看一下提醒（{len(warned)} 个）", fg="yellow", bold=True)
        for s in warned:
            click.echo(f"  · {s.path}：{s.title or '（未填机关名称）'}（{s.warnings} 个提醒）")
            for finding in s.findings:
                if finding.code.startswith("collection-") or s.warnings <= 2:
                    click.echo(f"      {finding.type.title}：{finding}")
            _print_outputs(s)
        click.echo("")
    good = [s for s in ordered if s.status == OK]
    if good:
        click.secho(f"######## 可以生成报告（{len(good)} 个）", fg="green", bold=True)
        for s in good:
            click.echo(f"  · {s.path}：{s.title}")
            _print_outputs(s)
        click.echo("")
    _list_section("未采用（已用 --use 指定同一机关的另一份）",
                  [f"{s.path}：{s.reason}" for s in ordered if s.status == SET_ASIDE])
    _list_section(f"不是工作簿，未{noun}", [str(s.path) for s in ordered if s.status == NOT_WORKBOOK])
    if found.ignored:
        click.echo(f"已忽略 {found.ignored} 个 Excel 临时文件（~$ 开头）和隐藏文件。")
    for missing in found.missing:
        click.secho(f"没有找到：{missing}", fg="red")


def _list_section(heading: str, lines: list[str], colour: str | None = None) -> None:
    """“######## heading（n 个）” and one line per item; nothing when there are none."""
    if not lines:
        return
    click.secho(f"######## {heading}（{len(lines)} 个）", fg=colour, bold=True)
    for line in lines:
        click.echo(f"  · {line}")
    click.echo("")


def print_status(status: "FileStatus", limit: int | None) -> None:
    """One file of a collection (or the one workbook checked): title, verdict, findings."""
    if not status.can_render and status.status not in ("errors", "duplicate", "other-year"):
        print_result(status.path, None, status.reason, limit)
        return
    click.secho(f"== {status.path}：{status.title or '（未填机关名称）'}", bold=True)
    if status.status == "render-failed":
        click.secho(f"结论：检查通过，但生成报告失败：{status.reason}", fg="red")
    else:
        click.secho(verdict(status), fg="green" if status.can_render else "red")
    print_findings(status.findings, limit)
    click.echo("")


def _print_outputs(status) -> None:
    if status.note and status.outputs:
        click.echo(f"      {status.note}")
    for path in status.outputs:
        click.echo(f"      已生成：{path}")
