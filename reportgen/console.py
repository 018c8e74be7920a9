"""How findings are printed on the console: the verdict first, then the findings
grouped by rule.  ``check`` and ``render`` (one workbook or a collection) print
through here; ``--json`` prints the same findings from :meth:`Finding.to_json`."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .findings import CATALOGUE, Finding

if TYPE_CHECKING:
    from .checks import CheckResult

SHOWN_PER_GROUP = 20  # a blank workbook has 166 empty cells: the console lists a sample


def verdict(result: "CheckResult") -> str:
    counts = f"{result.errors} 个错误，{result.warnings} 个提醒"
    if result.can_render:
        return f"结论：可以生成报告（{counts}）。"
    return f"结论：不能生成报告（{counts}）。请改正下列“错误”后再检查。"


def print_findings(findings: list[Finding], limit: int | None = None) -> None:
    """Findings grouped by rule (errors first), each group with its count; at most
    ``limit`` lines a group."""
    groups: "OrderedDict[str, list[Finding]]" = OrderedDict()
    for finding in sorted(findings, key=lambda f: not f.is_error):
        groups.setdefault(finding.code, []).append(finding)
    for code, items in groups.items():
        kind = CATALOGUE[code]
        click.echo("")
        click.secho(f"【{kind.severity.label}】{kind.title}（{len(items)} 处）  [{code}]",
                    fg="red" if items[0].is_error else "yellow", bold=True)
        for finding in items[:limit]:
            click.echo(f"  · {finding}")
        if limit is not None and len(items) > limit:
            click.echo(f"  ……另有 {len(items) - limit} 处同类问题（加 --all 全部列出，或用 --annotate 在工作簿中标出）。")


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
