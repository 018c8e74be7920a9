"""Where templates come from, and the one Jinja environment that renders them.

Built-in templates live in the repository's top-level ``templates/`` (installed as
``reportgen/templates``).  A ``--templates DIR`` folder overrides them file by
file, like an mkdocs theme: a file missing there falls back to the built-in one.
"""

from __future__ import annotations

import hashlib
import shutil
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateProblem

TEMPLATE_FILES = ("report.docx", "report.html", "tables.html", "style.css")


def builtin_templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):  # installed, then source checkout
        if (candidate / "report.html").is_file():
            return candidate
    raise TemplateProblem("找不到 reportgen 自带的模板（templates 文件夹）。请重新安装 reportgen。")


def template_dirs(user_dir: Path | None) -> list[Path]:
    if user_dir is not None and not Path(user_dir).is_dir():
        raise TemplateProblem(f"模板文件夹不存在：{user_dir}")
    return ([Path(user_dir)] if user_dir else []) + [builtin_templates_dir()]


def find_template(name: str, user_dir: Path | None) -> Path:
    for folder in template_dirs(user_dir):
        if (folder / name).is_file():
            return folder / name
    raise TemplateProblem(f"找不到模板文件 {name}。")


class ReportEnvironment(SandboxedEnvironment):
    """Jinja's sandbox with escaping on and unknown variables as errors.

    ``from_string`` compiles each distinct source once per process: docxtpl hands the
    whole document XML to it on every render, and compiling is most of a render's time.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("autoescape", True)
        kwargs.setdefault("undefined", StrictUndefined)
        kwargs.setdefault("keep_trailing_newline", True)
        super().__init__(*args, **kwargs)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's name
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        key = hashlib.sha1(source.encode("utf-8")).hexdigest()
        template = self._compiled.get(key)
        if template is None:
            template = self._compiled[key] = super().from_string(source)
        return template


@lru_cache(maxsize=None)
def docx_environment() -> ReportEnvironment:
    return ReportEnvironment()


@lru_cache(maxsize=16)
def html_environment(user_dir: str | None) -> ReportEnvironment:
    loader = ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(Path(user_dir) if user_dir else None)])
    return ReportEnvironment(loader=loader, autoescape=lambda name: not (name or "").endswith(".css"))


def export_templates(target: Path, force: bool = False) -> list[Path]:
    """Copy the built-in templates into ``target`` for IT staff to edit."""
    source = builtin_templates_dir()
    target.mkdir(parents=True, exist_ok=True)
    existing = [name for name in TEMPLATE_FILES if (target / name).exists()]
    if existing and not force:
        raise TemplateProblem(f"{target} 中已有 {'、'.join(existing)}。如需覆盖，请加 --force。")
    written = []
    for name in TEMPLATE_FILES:
        shutil.copyfile(source / name, target / name)
        written.append(target / name)
    return written
