"""Refusing a template folder that fails ``templates check`` before anything is rendered
with it (``render --templates``, collections, the web intake)."""

from __future__ import annotations

from pathlib import Path

from reportgen.core.errors import TemplateProblem


def vet_templates(folder: Path, allow_incomplete: bool) -> list:
    """Refuse a template folder that fails ``templates check``; with the explicit
    override, return what the report must then say it leaves out."""
    from reportgen.authoring.check import CONTENT_CODES, check_templates

    # Checked once per process and folder state: a collection renders hundreds of
    # reports with the same templates, and the check renders probe data.
    state = _folder_state(Path(folder))
    issues = _VETTED.get(state)
    if issues is None:
        issues = _VETTED[state] = check_templates(folder)
    blocking = [i for i in issues if not (allow_incomplete and i.code in CONTENT_CODES)]
    if blocking:
        listed = "\n".join(f"  · {i}" for i in blocking[:8])
        more = f"\n  …… 共 {len(blocking)} 处" if len(blocking) > 8 else ""
        raise TemplateProblem(f"模板文件夹 {folder} 没有通过检查，没有生成报告：\n{listed}{more}\n"
                              f"请运行 reportgen templates check {folder} 查看并改正{_advice(blocking)}。")
    return issues


# What fits each kind of fault.  Only a template that leaves content out may be used
# anyway (--allow-incomplete-template); a changed label or a syntax error is corrected.
OMISSION_CODES = ("missing-heading", "missing-table", "missing-value", "missing-text")


def _advice(issues: list) -> str:
    codes = {i.code for i in issues}
    advice = []
    if "changed-label" in codes:
        advice.append("请把改动的表格标签改回国家格式的原文")
    if codes & set(OMISSION_CODES):
        advice.append("确实要省略内容的，可以加 --allow-incomplete-template（报告中会注明省略了什么）")
    advice.append("模板变量和检查规则见 reportgen templates docs 生成的说明")
    return "；" + "；".join(advice)


_VETTED: dict[tuple, list] = {}


def _folder_state(folder: Path) -> tuple:
    """The folder and the name, size and modification time of each file in it."""
    try:
        files = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))
    except OSError:
        files = ()
    return (str(folder.resolve()), files)
