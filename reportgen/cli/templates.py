"""``reportgen templates export|check|docs`` and ``reportgen docs``: for IT staff who customise templates."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from reportgen.core.errors import TemplateProblem
from reportgen.cli.base import EXIT_ERRORS, EXIT_OK, fail, fail_os, main


@main.group()
def templates() -> None:
    """导出、检查报告模板（供信息技术人员定制字体、段落和网页样式）。"""


@templates.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="覆盖文件夹中已有的模板文件。")
def templates_export(folder: Path, force: bool) -> None:
    """把自带模板复制到 FOLDER，修改后用 render --templates FOLDER 使用。"""
    from reportgen.authoring.export import export_templates

    try:
        written = export_templates(folder, force)
    except TemplateProblem as exc:
        fail(str(exc))
    for path in written:
        click.echo(f"已导出：{path}")
    click.echo(f"模板说明（变量表、图片、检查规则）：运行 reportgen templates docs {folder} 生成 templates.md；"
               f"改完后运行 reportgen templates check {folder} 检查。")


@templates.command("check")
@click.argument("folder", type=click.Path(path_type=Path), required=False)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def templates_check(folder: Path | None, as_json: bool) -> None:
    """检查模板文件夹中的每个模板，一次列出全部问题。退出码：0 无问题；1 有问题。"""
    from reportgen.authoring.check import check_templates
    from reportgen.authoring.limits import check_template_limits

    try:
        problems = check_templates(folder)
        if not problems:  # a template that reads well: does it render within render's limits?
            problems = check_template_limits(folder)
    except TemplateProblem as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps([p.to_json() for p in problems], ensure_ascii=False, indent=2))
    elif not problems:
        click.secho("模板检查通过：没有发现问题。", fg="green")
    else:
        click.secho(f"模板有 {len(problems)} 处问题：", fg="red", bold=True)
        for problem in problems:
            click.echo(f"  · {problem}")
        click.echo(f"模板变量和各项检查的说明：运行 reportgen templates docs {folder or '文件夹'} 生成 templates.md。")
    sys.exit(EXIT_ERRORS if problems else EXIT_OK)


@templates.command("docs")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def templates_docs(folder: Path) -> None:
    """把模板说明 templates.md（变量表、图片、检查规则）写到 FOLDER，通常就是导出的模板文件夹。"""
    from reportgen.authoring.docs import templates_markdown
    from reportgen.core.fileio import atomic_path

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "templates.md"
    try:
        with atomic_path(target) as tmp:
            Path(tmp).write_text(templates_markdown(), encoding="utf-8")
    except OSError as exc:
        fail_os(exc, target)
    click.echo(f"已生成：{target}")


@main.command("docs")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("docs"))
def docs_command(folder: Path) -> None:
    """从格式定义重新生成参考文档（keys.md 数据键、checks.md 检查规则、templates.md 模板说明）到 FOLDER。"""
    from reportgen.authoring.docs import write_docs

    for path in write_docs(folder):
        click.echo(f"已生成：{path}")
