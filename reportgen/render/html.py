"""Render the HTML report: one standalone file, styles inline, escaped data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from ..errors import TemplateProblem
from .environment import html_environment


def render_html(context: dict[str, Any], user_dir: Path | None = None) -> str:
    env = html_environment(str(user_dir) if user_dir else None)
    try:
        return env.get_template("report.html").render(context)
    except TemplateError as exc:
        where = f"（第 {exc.lineno} 行）" if getattr(exc, "lineno", None) else ""
        raise TemplateProblem(f"网页模板有错误{where}：{exc}。请运行 reportgen templates check 查看位置。") from None
