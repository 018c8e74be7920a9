"""Render the HTML report: one standalone file, styles inline, escaped data.

Images beside the template (``<img src="logo.png">`` in report.html, the file in
the template folder) are embedded as data URIs, so the report stays one file that
can be uploaded or mailed as it is.  Only files inside a template folder are read:
no absolute paths, no ``..``, no symbolic link pointing out of the folder.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from reportgen.core.errors import TemplateProblem
from reportgen.render.environment import html_environment
from reportgen.render.template_files import template_dirs, template_error

ASSET_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
               ".gif": "image/gif", ".webp": "image/webp"}
MAX_ASSET_BYTES = 2 * 1024 * 1024
# src="…" of an <img> (or <source srcset> is not supported: one picture per tag).
IMG_SRC = re.compile(r'(<img\b[^>]*?\ssrc\s*=\s*)(["\'])([^"\']*)\2', re.I)


def render_html(context: dict[str, Any], user_dir: Path | None = None, embed_assets: bool = True,
                template: str = "report.html") -> str:
    """The HTML report: the whole page (report.html), or its body alone (body.html, ``--format html-fragment``)."""
    env = html_environment(str(user_dir) if user_dir else None)
    try:
        html = env.get_template(template).render(context)
    except TemplateError as exc:
        raise template_error(getattr(exc, "name", None) or template, exc) from None
    if embed_assets:
        html = IMG_SRC.sub(lambda m: m.group(1) + m.group(2) + data_uri(m.group(3), user_dir) + m.group(2), html)
    return html


def is_local_reference(src: str) -> bool:
    """A relative file name (logo.png, img/logo.svg), not a URL or data URI."""
    return bool(src) and not re.match(r"^([a-z][a-z0-9+.-]*:|//|#)", src.strip(), re.I)


def find_asset(src: str, user_dir: Path | None) -> Path | str:
    """The file an <img src> names, or a plain-Chinese reason why it cannot be used."""
    name = src.strip()
    if Path(name).is_absolute() or re.match(r"^[a-zA-Z]:|^[\\/]", name) or ".." in re.split(r"[\\/]", name):
        return f"图片“{name}”必须是模板文件夹中的文件（不能用绝对路径或“..”）"
    if Path(name).suffix.lower() not in ASSET_TYPES:
        return f"图片“{name}”的格式不支持（可用：{'、'.join(ASSET_TYPES)}）"
    for folder in template_dirs(user_dir):
        candidate = folder / name
        if candidate.is_file():
            if not candidate.resolve().is_relative_to(folder.resolve()):
                return f"图片“{name}”指向模板文件夹以外的文件"
            if candidate.stat().st_size > MAX_ASSET_BYTES:
                return f"图片“{name}”超过 {MAX_ASSET_BYTES // 1024 // 1024} MB"
            return candidate
    return f"模板文件夹中没有图片“{name}”"


def data_uri(src: str, user_dir: Path | None) -> str:
    from html import unescape

    if not is_local_reference(unescape(src)):
        return src
    found = find_asset(unescape(src), user_dir)
    if isinstance(found, str):
        raise TemplateProblem(f"网页模板：{found}。请把图片放在模板文件夹中，或运行 reportgen templates check。")
    encoded = base64.b64encode(found.read_bytes()).decode("ascii")
    return f"data:{ASSET_TYPES[found.suffix.lower()]};base64,{encoded}"
