"""Every place reportgen relies on another library's internals, in one module.

reportgen uses a few names other libraries do not document, because the documented
way is far slower (docxtpl's own render and save: ≈ 10× a report) or does not
exist (click ships no Chinese words).  They are all here, each with what it does
for us, so that a new release of one of these libraries is checked in one place.
The releases mirrored, and the upper bounds in ``pyproject.toml`` that keep a user
on them (CI also runs the equivalence tests with the newest releases the bounds
allow; NOTES-internals.md):

- **docxtpl 0.18–0.20** (``DocxTemplate``: ``init_docx``, ``docx``, ``get_xml``,
  ``patch_xml``, ``resolve_listing``, ``fix_tables``, ``render_properties``, and what
  ``render_xml_part`` does around Jinja) and **python-docx 1.1–1.2** (the package's
  parts and relationships, core properties, ``parse_xml``, ``serialize_part_xml``,
  the oxml parser's settings): ``docxtpl<0.21``, ``python-docx<1.3``.  The rest of
  what ``reportgen.render.docx`` mirrors — when ``fix_tables`` changes a table
  (``_tables_need_fixing``), ``fix_docpr_ids``' numbering, python-docx's
  serialisation of document.xml — is reportgen's own lxml code, held byte for byte
  to docxtpl's render + save by tests/test_speed_equivalence.py.
- **Jinja 3.1** (``Template._from_namespace``, ``jinja2.runtime.LoopContext``):
  ``jinja2<3.2``.  Everything else reportgen does to Jinja goes through documented
  hooks: ``Environment.compile`` and ``parse`` with the documented node tree
  (``jinja2.nodes``), the sandbox's ``intercepted_binops``/``call_binop``,
  ``Template.generate``, the ``lipsum`` global, ``Environment.getattr`` and
  ``SandboxedEnvironment.call``.
- **click 8.1–8.5** (each module's ``_``/``ngettext`` message lookups): ``click<8.6``.
- **CPython 3.10–3.13**'s ``concurrent.futures.ProcessPoolExecutor._processes``
  (the worker processes, to end them: the executor has no way to stop a running task).

Nothing here is imported at reportgen's start: each function imports its library
when called (``reportgen check`` imports neither Jinja nor docxtpl).
"""

from __future__ import annotations

import functools
import importlib
import io
import re
from pathlib import Path
from typing import Any, Callable

# --------------------------------------------------------------------------- docxtpl and python-docx
# The core properties docxtpl's render_properties renders, in its order.
DOCXTPL_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
# python-docx's oxml parser (docx.oxml.parser.oxml_parser), and no network either.
OXML_PARSER_OPTIONS = {"remove_blank_text": True, "resolve_entities": False, "no_network": True}
_DC = "{http://purl.org/dc/elements/1.1/}"
# python-docx's element (docx.opc.coreprops) for each core property docxtpl renders.
CORE_PROPERTY_ELEMENTS = {"author": f"{_DC}creator", "comments": f"{_DC}description",
                          "identifier": f"{_DC}identifier", "language": f"{_DC}language",
                          "subject": f"{_DC}subject", "title": f"{_DC}title"}


def docxtpl_template(source: bytes | Path):
    """docxtpl's ``DocxTemplate`` of a package's bytes (or a file)."""
    from docxtpl import DocxTemplate  # heavy: only when a template is prepared

    return DocxTemplate(io.BytesIO(source) if isinstance(source, bytes) else str(source))


def load_document(template) -> None:
    """Let python-docx read the template (raises on what is not a Word document)."""
    template.init_docx()


def has_footnotes(template) -> bool:
    """Whether the package has a footnotes part (docxtpl's render_footnotes renders it)."""
    return any(part.content_type == FOOTNOTES_TYPE for part in template.docx.part.package.parts)


def header_footer_part_names(template) -> list[str]:
    """The package names of the headers and footers docxtpl renders (those with content)."""
    names = []
    for rel in template.docx.part.rels.values():
        if rel.reltype in (REL_HEADER, REL_FOOTER) and not rel.is_external and rel.target_part.blob:
            names.append(str(rel.target_part.partname).lstrip("/"))
    return names


def document_body_xml(template) -> str:
    """The document body as docxtpl hands it to its patching (``get_xml``)."""
    return template.get_xml()


def patch_xml(template, xml: str) -> str:
    """docxtpl's clean-up of a part's XML for Jinja (``{%p``, ``{%tr``, tags split across runs)."""
    return template.patch_xml(xml)


def part_source(template, xml: str) -> str:
    """docxtpl's patched source of one part, as its render_xml_part compiles it."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", patch_xml(template, xml))


def core_property_texts(template) -> dict[str, str]:
    """The template's core properties docxtpl renders, as text."""
    return {p: getattr(template.docx.core_properties, p) or "" for p in DOCXTPL_CORE_PROPERTIES}


def finish_rendered_part(xml: str, resolve_listing: Callable[[str], str]) -> tuple[str, bool]:
    """What docxtpl's render_xml_part does to a part after Jinja, and whether
    ``resolve_listing`` (docxtpl's, which turns tabs and line breaks in the text into
    Word's markup) ran: it changes markup."""
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # = re.sub(r"\n<w:p([ >])", …)
    if "{_" in xml or "_}" in xml:  # docxtpl's escaped marks {_{ }_} {_% %_}: replaced only when there
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(ch in xml for ch in "\t\a\n\f"):  # otherwise resolve_listing changes nothing
        return resolve_listing(xml), True
    return xml, False


def resolve_listing(template, xml: str) -> str:
    return template.resolve_listing(xml)


def fix_tables(template, xml: bytes):
    """docxtpl's fix_tables: the body's tree with rows widened to their table's grid."""
    return template.fix_tables(xml)


def core_properties_by_python_docx(core: bytes, values: dict[str, str]) -> bytes:
    """docProps/core.xml with ``values`` set by python-docx (which adds missing elements)."""
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    element = parse_xml(core)
    properties = CoreProperties(element)
    for name, value in values.items():
        setattr(properties, name, value)
    return serialize_part_xml(element)


def render_with_docxtpl(template_path: Path, context: dict[str, Any], target: Path, jinja_env,
                        clip_property: Callable[[str], str], check_body: Callable[[Any], None]) -> None:
    """docxtpl's own render and save, with two of its steps extended: every core
    property goes through ``clip_property`` after its render, and the rendered body
    goes through ``check_body`` (which raises) before docxtpl fixes its tables."""
    from docxtpl import DocxTemplate

    class CheckedDocxTemplate(DocxTemplate):
        def render_properties(self, context, jinja_env=None):
            super().render_properties(context, jinja_env)
            for name in DOCXTPL_CORE_PROPERTIES:
                setattr(self.docx.core_properties, name, clip_property(getattr(self.docx.core_properties, name) or ""))

        def fix_tables(self, xml):
            check_body(xml)
            return super().fix_tables(xml)

    doc = CheckedDocxTemplate(str(template_path))
    doc.render(context, jinja_env=jinja_env, autoescape=True)
    doc.save(str(target))


@functools.lru_cache(maxsize=1)
def docxtpl_fingerprint() -> bytes | None:
    """The source of the installed docxtpl (its modules' bytes, in name order), found
    without importing it or reading package metadata (importlib.metadata alone takes
    50 ms to import); None when it cannot be read.  Prepared templates on disk are
    keyed by it: another docxtpl prepares again."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("docxtpl")
        folder = Path(spec.origin).parent
        return b"\0".join(path.name.encode() + b"\0" + path.read_bytes() for path in sorted(folder.glob("*.py")))
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return None


# --------------------------------------------------------------------------- Jinja
def with_escape(template_class: type, escape: Callable[[Any], Any]) -> type:
    """A subclass of ``template_class`` whose compiled code escapes through ``escape``.

    Jinja's compiled module imports ``escape`` from jinja2.runtime and calls it for
    every ``{{ value }}``; ``Template._from_namespace`` is where a compiled module's
    names become the template's (for its macros too)."""

    class EscapingTemplate(template_class):
        @classmethod
        def _from_namespace(cls, environment, namespace, globals):  # noqa: A002 - Jinja's signature
            namespace["escape"] = escape
            return super()._from_namespace(environment, namespace, globals)

    EscapingTemplate.__name__ = EscapingTemplate.__qualname__ = f"Escaping{template_class.__name__}"
    return EscapingTemplate


def jinja_loop_type() -> type:
    """The class of a ``{% for %}`` loop's ``loop`` variable."""
    from jinja2.runtime import LoopContext

    return LoopContext


# --------------------------------------------------------------------------- click
# The click modules that look their messages up through gettext.
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")


def install_click_messages(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> None:
    """Make click look its messages up in ``gettext``/``ngettext``: click 8 binds
    ``_`` and ``ngettext`` from the gettext module into each of its modules."""
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


# --------------------------------------------------------------------------- concurrent.futures
def pool_processes(pool) -> list:
    """The worker processes of a ``ProcessPoolExecutor`` (empty once it has shut down)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def end_pool_processes(pool, wait_seconds: float = 0.0) -> None:
    """End a ``ProcessPoolExecutor``'s worker processes at once (a running task cannot
    be cancelled), waiting up to ``wait_seconds`` for each to be gone."""
    processes = pool_processes(pool)
    for process in processes:
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass  # already gone
    if wait_seconds:
        for process in processes:
            try:
                process.join(wait_seconds)
            except (OSError, ValueError, AssertionError, AttributeError):
                pass
