"""The package's folders are layers: a module imports from its own layer and the ones
below it, never from one above (README, "Layout").  This test fails on an import that
runs back up, wherever it is written (module top or inside a function)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"
# Low to high; the faces share the top.
LAYERS = {"core": 0, "formats": 1, "data": 2, "checks": 3, "render": 4, "authoring": 5, "collection": 6,
          "cli": 7, "web": 7}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, name: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module) of every reportgen import in the source of module ``name``."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "reportgen":  # from reportgen import x: x may be a layer
                found += [(node.lineno, f"reportgen.{a.name}") for a in node.names]
            elif target.startswith("reportgen."):
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("reportgen")]
    return found


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _layer(_module_name(p)) is not None)


def test_every_module_is_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert loose == [], "every module belongs in a layer folder (README, Layout)"
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= set(LAYERS), folders - set(LAYERS)


def _upward(source: str, name: str, is_package: bool = False) -> list[str]:
    own = _layer(name)
    return [f"line {line}: {target}" for line, target in _imports(source, name, is_package)
            if target == "reportgen" or (_layer(target) is not None and _layer(target) > own)
            or (_layer(target) is None and target != "reportgen.templates")]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module_name(p))
def test_no_import_runs_back_up(path):
    upward = _upward(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")
    assert upward == [], f"{_module_name(path)} imports from a higher layer"


@pytest.mark.parametrize("source", [
    "def f():\n    from reportgen.render.context import build_context\n",  # inside a function
    "from ..collection import collect\n",  # relative
    "from reportgen import collection\n",  # a layer imported as a name
    "from reportgen import read_workbook\n",  # the package's public API, which imports every layer
])
def test_an_upward_import_is_caught(source):
    assert _upward(source, "reportgen.checks.report")
    assert not _upward("from reportgen.formats.findings import Finding\nfrom . import base\n", "reportgen.checks.report")
