"""The ``reportgen`` command: a thin layer over the library's functions.

Exit codes: 0 fine; 1 the report has 错误 (or a template check failed);
2 the input is unusable or the command was used wrongly.  Every failure prints
one plain-Chinese line; no traceback reaches a clerk.
"""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from pathlib import Path

import click

from . import __version__
from .checks import CheckResult, check_workbook
from .errors import TemplateProblem, UnusableInput
from .fileio import same_file
from .findings import CATALOGUE, Finding
from .model import ReportData
from .workbook import annotate_workbook, read_workbook, write_workbook

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2
SHOWN_PER_GROUP = 20  # a blank workbook has 166 empty cells: the console lists a sample


def _fail(message: str, code: int = EXIT_UNUSABLE) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """政府信息公开工作年度报告工具：生成标准工作簿、检查、生成报告。"""


# --------------------------------------------------------------------------- new-workbook
@main.command("new-workbook")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="报告年度，如 2023。")
@click.option("--agency", help="机关名称。")
@click.option("--from", "from_json", type=click.Path(dir_okay=False, path_type=Path),
              help="用 reportgen dump 导出的 JSON 数据填好工作簿。")
@click.option("--force", is_flag=True, help="OUT 已存在时覆盖它。")
def new_workbook(out: Path, year: int | None, agency: str | None, from_json: Path | None, force: bool) -> None:
    """生成标准工作簿 OUT.xlsx，供各机关填写。"""
    if out.suffix.lower() != ".xlsx":
        _fail(f"输出文件名应以 .xlsx 结尾：{out}")
    if out.exists() and not force:
        _fail(f"{out} 已存在。如需覆盖，请加 --force。")
    try:
        data = ReportData.load(from_json) if from_json else None
        if from_json and same_file(from_json, out):
            _fail("输出文件不能与输入的 JSON 相同。")
        write_workbook(out, data, year=year, agency=agency)
    except UnusableInput as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"无法写入 {out}：{exc.strerror or exc}")
    click.echo(f"已生成标准工作簿：{out}")


# --------------------------------------------------------------------------- check
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
    workbooks = _expand_folders(workbooks)
    if not workbooks:
        _fail("文件夹里没有 .xlsx 工作簿。")
    if annotate and len(workbooks) != 1:
        _fail("--annotate 只能用于一个工作簿。")
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
            _fail(str(exc))
        except OSError as exc:
            _fail(f"无法写入 {annotate}：{exc.strerror or exc}")
    if as_json:
        click.echo(json.dumps(_json_report(outcomes), ensure_ascii=False, indent=2))
    else:
        for path, result, reason in outcomes:
            _print_result(path, result, reason, None if show_all else SHOWN_PER_GROUP)
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


def _verdict(result: CheckResult) -> str:
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


def _print_result(path: Path, result: CheckResult | None, reason: str, limit: int | None) -> None:
    if result is None:
        click.secho(f"== {path}", bold=True)
        click.echo(f"无法检查：{reason}")
        click.echo("")
        return
    title = result.data.title if result.data.agency else "（未填机关名称）"
    click.secho(f"== {path}：{title}", bold=True)
    click.secho(_verdict(result), fg="green" if result.can_render else "red")
    print_findings(result.findings, limit)
    click.echo("")


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


# --------------------------------------------------------------------------- render
@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="输出文件夹。")
@click.option("--format", "formats", default="docx,html", show_default=True,
              help="输出格式，逗号分隔：docx、html、pdf（pdf 需要 LibreOffice）。")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path),
              help="自定义模板文件夹（缺少的文件用自带模板）。")
def render(workbook: Path, out_dir: Path, formats: str, templates_dir: Path | None) -> None:
    """检查工作簿，没有错误时生成 Word、网页（和 PDF）版报告。

    有“错误”时不生成任何文件，退出码 1；“提醒”会显示，但照常生成。
    """
    from .render import render_report

    try:
        result = check_workbook(workbook)
    except UnusableInput as exc:
        _fail(str(exc))
    if not result.can_render:
        _print_result(workbook, result, "", SHOWN_PER_GROUP)
        click.secho("没有生成报告：请先改正上面的“错误”。", fg="red", err=True)
        sys.exit(EXIT_ERRORS)
    if result.findings:
        _print_result(workbook, result, "", SHOWN_PER_GROUP)
    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    try:
        written = render_report(result.data, out_dir, wanted, templates_dir)
    except TemplateProblem as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"无法写入 {out_dir}：{exc.strerror or exc}")
    for path in written:
        click.echo(f"已生成：{path}")


# --------------------------------------------------------------------------- templates
@main.group()
def templates() -> None:
    """导出、检查报告模板（供信息技术人员定制字体、段落和网页样式）。"""


@templates.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖文件夹中已有的模板文件。")
def templates_export(folder: Path, force: bool) -> None:
    """把自带模板复制到 FOLDER，修改后用 render --templates FOLDER 使用。"""
    from .render.environment import export_templates

    try:
        written = export_templates(folder, force)
    except TemplateProblem as exc:
        _fail(str(exc))
    for path in written:
        click.echo(f"已导出：{path}")


@templates.command("check")
@click.argument("folder", type=click.Path(path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def templates_check(folder: Path | None, as_json: bool) -> None:
    """检查模板文件夹中的每个模板，一次列出全部问题。退出码：0 无问题；1 有问题。"""
    from .render.template_check import check_templates

    try:
        problems = check_templates(folder)
    except TemplateProblem as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps([p.to_json() for p in problems], ensure_ascii=False, indent=2))
    elif not problems:
        click.secho("模板检查通过：没有发现问题。", fg="green")
    else:
        click.secho(f"模板有 {len(problems)} 处问题：", fg="red", bold=True)
        for problem in problems:
            click.echo(f"  · {problem}")
    sys.exit(EXIT_ERRORS if problems else EXIT_OK)


# --------------------------------------------------------------------------- dump
@main.command()
@click.argument("workbook", type=click.Path(path_type=Path))
def dump(workbook: Path) -> None:
    """以 JSON 输出工作簿中的报告数据（键名见 docs/keys.md）。"""
    try:
        result = read_workbook(workbook)
    except UnusableInput as exc:
        _fail(str(exc))
    click.echo(result.data.dumps())


# --------------------------------------------------------------------------- docs
@main.command("docs", hidden=True)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("docs"))
def docs_command(folder: Path) -> None:
    """Regenerate the reference docs (keys, checks) from the format definition."""
    from .docs import write_docs

    for path in write_docs(folder):
        click.echo(f"wrote {path}")


def run() -> None:
    """The console entry point: no traceback reaches a clerk (REPORTGEN_DEBUG=1 shows it)."""
    import os

    try:
        main(standalone_mode=True)
    except (UnusableInput, TemplateProblem) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("已取消。")
    except Exception as exc:  # a bug of ours: say so plainly, keep the details for developers
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        _fail(f"reportgen 内部错误（{type(exc).__name__}: {exc}）。输入文件未被改动。"
              f"请把这条信息和所用文件发给技术支持；设置环境变量 REPORTGEN_DEBUG=1 可看到详细信息。", 3)
