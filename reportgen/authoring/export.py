"""``reportgen templates export``: the built-in templates copied for IT staff to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

from reportgen.core.errors import TemplateProblem
from reportgen.render.template_files import TEMPLATE_FILES, builtin_templates_dir


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
