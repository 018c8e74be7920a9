"""Other libraries' internals stay in one module, pinned (issue 16, item 3), and the
full parse of the Word body can be forced (item 7).

- No module but ``reportgen/core/compat.py`` imports docxtpl, python-docx or Jinja's
  undocumented modules, or touches the internal names compat.py wraps.
- ``pyproject.toml`` bounds jinja2, docxtpl, python-docx and click from above, the
  bounds are the ones compat.py's docstring names, and this run's libraries are
  within them.
- ``REPORTGEN_FULL_PARSE=1`` parses every rendered Word body: the proof of
  ``render/wellformed.py`` is never consulted, and the report is the same."""

from __future__ import annotations

import ast
import re
from importlib import metadata

import pytest

from conftest import CASES, ROOT, sample

PACKAGE = ROOT / "reportgen"
COMPAT = PACKAGE / "core" / "compat.py"
# Modules only compat.py may import: the Word libraries, and Jinja's undocumented ones.
CONTAINED_MODULES = ("docxtpl", "docx", "jinja2.runtime", "jinja2.utils", "jinja2.loaders", "jinja2.compiler",
                     "jinja2.debug", "jinja2.bccache", "jinja2.lexer", "jinja2.parser", "jinja2.idtracker")
# Internal names of docxtpl, python-docx, Jinja, click and concurrent.futures that compat.py wraps.
CONTAINED_NAMES = {
    "init_docx", "patch_xml", "get_xml", "resolve_listing", "fix_tables", "render_properties", "render_xml_part",
    "core_properties", "content_type", "reltype", "target_part", "partname", "is_external",
    "_from_namespace", "from_code", "make_globals", "root_render_func", "new_context", "handle_exception",
    "_parse", "get_bucket", "set_bucket", "get_cache_key", "LoopContext", "split_template_path",
    "generate_lorem_ipsum", "markup_join", "str_join",
    "_processes", "ngettext",
}
# Internal methods a subclass of a library's class would override.
OVERRIDDEN = {"_from_namespace", "_parse", "render_properties", "render_xml_part", "fix_tables", "get_cache_key"}
LIBRARIES = {"jinja2": "jinja2", "docxtpl": "docxtpl", "python-docx": "python-docx", "click": "click"}


_REFLECTION = {"getattr", "setattr", "hasattr"}


def _is_compat(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "compat"


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if p != COMPAT)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_other_libraries_internals_are_used_only_through_compat(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.startswith(CONTAINED_MODULES):
                found.append(f"line {node.lineno}: from {node.module} import …")
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name in CONTAINED_NAMES]
        elif isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.startswith(CONTAINED_MODULES)]
        elif isinstance(node, ast.Attribute) and node.attr in CONTAINED_NAMES and not _is_compat(node.value):
            found.append(f"line {node.lineno}: .{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _REFLECTION
              and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value in CONTAINED_NAMES):
            found.append(f"line {node.lineno}: {node.func.id}(…, {node.args[1].value!r})")
        elif isinstance(node, ast.ClassDef):
            found += [f"line {item.lineno}: def {item.name} (overrides a library's internal method)"
                      for item in node.body if isinstance(item, ast.FunctionDef) and item.name in OVERRIDDEN]
    assert not found, f"{path.relative_to(ROOT)} reaches into another library: {found} — go through core/compat.py"


def _bounds() -> dict[str, str]:
    """{distribution: its upper bound} from pyproject.toml's dependencies."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = text[text.index("dependencies = ["):text.index("]", text.index("dependencies = ["))]
    return {name: bound for name, bound in re.findall(r'"([A-Za-z0-9_.-]+)[^"]*<([0-9.]+)"', dependencies)}


def test_the_libraries_whose_internals_are_used_are_bounded_as_compat_says():
    bounds = _bounds()
    assert set(LIBRARIES) <= set(bounds), f"no upper bound for {set(LIBRARIES) - set(bounds)}"
    doc = COMPAT.read_text(encoding="utf-8")
    for name in LIBRARIES:
        assert f"``{name}<{bounds[name]}``" in doc, f"compat.py's docstring does not name {name}<{bounds[name]}"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def test_this_run_uses_libraries_within_the_bounds():
    for name, bound in _bounds().items():
        if name in LIBRARIES:
            installed = metadata.version(name)
            assert _version(installed) < _version(bound), f"{name} {installed} is beyond the bound <{bound}"


def test_a_forced_full_parse_parses_every_body_and_writes_the_same_report(tmp_path, monkeypatch):
    from reportgen import read_workbook
    from reportgen.render import docx as word
    from reportgen.render.context import build_context
    from reportgen.render.template_files import find_template
    from reportgen.render.wellformed import BodyProof

    monkeypatch.delenv("REPORTGEN_FULL_PARSE", raising=False)  # CI also runs this file with the full parse forced
    template = find_template("report.docx", None)
    contexts = [build_context(read_workbook(sample(case)).data) for case in CASES]
    parsed, proved = [], []
    real_body_tree, real_holds = word.CompiledDocx._body_tree, BodyProof.holds
    monkeypatch.setattr(word.CompiledDocx, "_body_tree", lambda self, xml: parsed.append(1) or real_body_tree(self, xml))
    monkeypatch.setattr(BodyProof, "holds", lambda self, pieces: proved.append(1) or real_holds(self, pieces))

    for i, context in enumerate(contexts * 2):  # each report twice: the second may be proven
        word.render_docx(template, context, tmp_path / f"proof-{i}.docx")
    assert proved and len(parsed) < 2 * len(contexts), "without the switch, a proven body is not parsed again"

    parsed.clear()
    proved.clear()
    monkeypatch.setenv("REPORTGEN_FULL_PARSE", "1")
    for i, context in enumerate(contexts * 2):
        word.render_docx(template, context, tmp_path / f"full-{i}.docx")
    assert proved == [] and len(parsed) == 2 * len(contexts)
    for i in range(2 * len(contexts)):
        assert (tmp_path / f"full-{i}.docx").read_bytes() == (tmp_path / f"proof-{i}.docx").read_bytes()
