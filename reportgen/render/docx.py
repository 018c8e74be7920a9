"""Render the Word report with docxtpl's template language, safely and fast
(see docs/reference/DOCXTPL-NOTES.md).

What does not depend on the data is done once per template and process
(:class:`CompiledDocx`): reading the package, docxtpl's XML clean-up and tag
patching (``{%p``, ``{%tr``, split runs), the Jinja compile, and checking every
part the render leaves alone.  Per report only the parts holding tags are
rendered (document.xml, headers/footers with tags, the core properties), the
rendered XML is parsed strictly, and the package is written by copying the
unchanged members still compressed (:mod:`.zippack`).  The result is the file
docxtpl's own ``render`` + ``save`` gives, part for part: document.xml as the same
XML (written as rendered once it parsed, not re-serialised), the others byte for
byte (the test tests/test_speed_equivalence.py compares them).

- Jinja runs sandboxed with escaping on (``docx_environment()``), so ``& < >`` and
  ``{{ }}`` in the data come out literally.
- The rendered XML is parsed strictly before anything else sees it, so nothing is
  dropped silently.
- Every table cell holds a paragraph, and no template mark is left in the text
  beyond those the data itself holds.

Compiled templates live in a per-process cache keyed by the file's path, size and
modification time, so each worker of a collection (spawned, not forked) compiles
its own once.
"""

from __future__ import annotations

import functools
import io
import os
import re
import threading
import zipfile
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from jinja2 import TemplateError
from lxml import etree

from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.core.safety import document_property
from reportgen.core.fileio import read_regular_file
from reportgen.core.zipguard import open_package, read_member
from reportgen.render.environment import docx_environment, template_error
from reportgen.render.wellformed import W_URI, BodyProof
from reportgen.render.zippack import Member, stored_members, write_package

W = f"{{{W_URI}}}"
WP_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
TAG_MARKS = ("{{", "}}", "{%", "%}")
REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# The core properties docxtpl renders (its render_properties list).
CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
_CACHE_SIZE = 8  # templates kept compiled per process (a web intake may see several folders)
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True)
_PLACEHOLDER = b"<w:body/>"
_XMLNS = re.compile(rb'\s+xmlns(?::([\w.-]+))?="([^"]*)"')
_OXML = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)  # python-docx's settings

def render_docx(template_path: Path, context: dict[str, Any], target: Path) -> None:
    """Render ``template_path`` with ``context`` into ``target`` (a path the caller
    will move into place); the file is checked before this returns."""
    compiled_template(Path(template_path)).render(context, Path(target))


def _finish(xml: str, resolve_listing: Callable[[str], str]) -> str:
    """What docxtpl's render_xml_part does after Jinja (``resolve_listing``: docxtpl's,
    which turns tabs and line breaks in the text into Word's)."""
    return _finish_listed(xml, resolve_listing)[0]


def _finish_listed(xml: str, resolve_listing: Callable[[str], str]) -> tuple[str, bool]:
    """:func:`_finish`, and whether resolve_listing ran (it changes markup)."""
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # = re.sub(r"\n<w:p([ >])", …)
    if "{_" in xml or "_}" in xml:  # docxtpl's escaped marks {_{ }_} {_% %_}: replaced only when there
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(ch in xml for ch in "\t\a\n\f"):  # otherwise resolve_listing changes nothing
        return resolve_listing(xml), True
    return xml, False


def _has_tag(source: str) -> bool:
    return any(mark in source for mark in ("{{", "{%", "{#"))


_compiled: OrderedDict[tuple, CompiledDocx] = OrderedDict()
_compiled_lock = threading.Lock()  # a web intake may render from several threads


def compiled_template(path: Path) -> CompiledDocx:
    """The compiled template for ``path``, from this process's cache when the file is unchanged."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise TemplateProblem(f"无法读取 Word 模板 {path}：{exc.strerror or exc}。") from None
    key = (str(Path(path).resolve()), info.st_size, info.st_mtime_ns)
    with _compiled_lock:
        template = _compiled.get(key)
        if template is not None:
            _compiled.move_to_end(key)
            return template
    template = CompiledDocx(Path(path))  # outside the lock: two threads may both compile once, harmlessly
    with _compiled_lock:
        _compiled[key] = template
        while len(_compiled) > _CACHE_SIZE:
            _compiled.popitem(last=False)
    return template


class CompiledDocx:
    """A Word template prepared once: what every render of it shares.

    The preparation that needs docxtpl (reading the document with python-docx, its tag
    patching, checking every part) is kept on disk beside Jinja's compiled code
    (:func:`_prepared_state`), keyed by the package's bytes: the next process using the
    same template — each worker of a collection, each ``render`` command — neither
    imports docxtpl nor prepares the template again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        try:
            package = read_regular_file(path, "Word 模板")
            archive = open_package(package, self.name)
        except UnusableInput as exc:
            raise TemplateProblem(str(exc)) from None
        except zipfile.BadZipFile:
            raise TemplateProblem(f"Word 模板 {self.name} 不是有效的 .docx 文件。请用 Word/WPS 另存为 .docx。") from None
        with archive:
            try:
                self.members = stored_members(package, archive)
                state = _prepared_state(package, lambda: self._prepare(package, archive))
            except UnusableInput as exc:
                raise TemplateProblem(str(exc)) from None
            except (zipfile.BadZipFile, zlib.error, OSError) as exc:
                raise TemplateProblem(f"Word 模板 {self.name} 已损坏，无法读取（{exc}）。") from None
        self._package = package
        self.fast = state["fast"]
        if not self.fast:
            return  # footnotes: docxtpl renders them its own way; keep its whole path
        env = docx_environment()
        self.by_name = {m.name: m for m in self.members}
        try:
            self.body = env.from_string(state["body"])
            # part name -> compiled template, or its fixed bytes (no tag: the same in every report)
            self.parts: dict[str, Any] = {name: env.from_string(part) if isinstance(part, str) else part
                                          for name, part in state["parts"].items()}
            # A property without a tag renders the same for every report: keep its text.
            self.properties = {p: env.from_string(source) if _has_tag(source) else source
                               for p, source in state["properties"].items()}
        except TemplateError as exc:
            raise template_error(self.name, exc) from None
        # Parts without tags are the same in every report: compressed once.
        self.fixed = {name: Member.deflated(name, part, self.by_name[name])
                      for name, part in self.parts.items() if isinstance(part, bytes)}
        self.core = state["core"]
        self._prefix, self._suffix, self._declared = state["prefix"], state["suffix"], state["declared"]
        self.proof = BodyProof()

    @functools.cached_property
    def docxtpl(self):
        """docxtpl's template object, for its table and line-break fixes (rarely needed)."""
        from docxtpl import DocxTemplate

        return DocxTemplate(io.BytesIO(self._package))

    def _prepare(self, package: bytes, archive: zipfile.ZipFile) -> dict[str, Any]:
        """What rendering needs from the template, as plain data (see :func:`_prepared_state`)."""
        from docxtpl import DocxTemplate  # heavy: only when a template is prepared

        contents = {m.name: read_member(archive, m.name, self.name) for m in self.members}
        self._check_parts(contents)
        template = DocxTemplate(io.BytesIO(package))
        try:
            template.init_docx()
        except Exception as exc:  # python-docx refuses what is not a Word document
            raise TemplateProblem(f"Word 模板 {self.name} 不是有效的 Word 文档（{exc}）。") from None
        if any(part.content_type == FOOTNOTES_TYPE for part in template.docx.part.package.parts):
            return {"fast": False}
        parts: dict[str, str | bytes] = {}
        try:
            for name in self._header_footer_parts(template):
                source = self._source(template, self._part_xml(contents[name]))
                if _has_tag(source):
                    parts[name] = source
                else:  # no tag: render it now
                    xml = docx_environment().from_string(source).render({})
                    parts[name] = self._serialise_part(_finish(xml, template.resolve_listing))
        except TemplateError as exc:
            raise template_error(self.name, exc) from None
        prefix, suffix, declared = self._document_shell(contents[DOCUMENT_PART])
        core = contents.get(CORE_PART)
        return {
            "fast": True,
            "body": self._source(template, template.get_xml()),
            "parts": parts,
            "properties": {p: getattr(template.docx.core_properties, p) or "" for p in CORE_PROPERTIES},
            # Every property's element present, as docxtpl's render leaves them: a render only sets their text.
            "core": None if core is None else _core_properties(core, dict.fromkeys(CORE_PROPERTIES, "")),
            "prefix": prefix, "suffix": suffix, "declared": declared,
        }

    # ---- once per template
    def _check_parts(self, contents: dict[str, bytes]) -> None:
        """Every XML part parses strictly: the parts a render leaves alone are checked here, once."""
        for name, data in contents.items():
            if name.endswith((".xml", ".rels")):
                try:
                    tree = etree.fromstring(data, _STRICT)
                except etree.XMLSyntaxError as exc:
                    raise TemplateProblem(f"Word 模板 {self.name} 中 {name} 不是有效的 XML（{exc}）。") from None
                if tree.getroottree().docinfo.doctype:  # entities are never expanded; Word never writes one
                    raise TemplateProblem(f"Word 模板 {self.name} 中 {name} 含有 DOCTYPE 声明，Word/WPS 保存的文件不会有，"
                                          f"reportgen 不使用这样的模板。请用 Word/WPS 重新保存。")
        if DOCUMENT_PART not in contents:
            raise TemplateProblem(f"Word 模板 {self.name} 中没有 {DOCUMENT_PART}，不是 Word 文档。")

    @staticmethod
    def _source(template, xml: str) -> str:
        """docxtpl's patched source of one part, as its render_xml_part compiles it."""
        return re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml))

    @staticmethod
    def _part_xml(data: bytes) -> str:
        return etree.tostring(etree.fromstring(data, _OXML), encoding="unicode")

    @staticmethod
    def _header_footer_parts(template) -> list[str]:
        names = []
        for rel in template.docx.part.rels.values():
            if rel.reltype in (REL_HEADER, REL_FOOTER) and not rel.is_external and rel.target_part.blob:
                names.append(str(rel.target_part.partname).lstrip("/"))
        return names

    @staticmethod
    def _document_shell(document: bytes) -> tuple[bytes, bytes, dict[str, str]]:
        """document.xml as python-docx saves it, cut where the body goes, and the
        namespaces its document element declares."""
        root = etree.fromstring(document, _OXML)
        body = root.find(f"{W}body")
        if body is None:
            raise TemplateProblem(f"Word 模板的 {DOCUMENT_PART} 中没有正文（w:body）。")
        root.replace(body, etree.Element(f"{W}body"))
        shell = etree.tostring(root, encoding="UTF-8", standalone=True)
        if shell.count(_PLACEHOLDER) != 1:
            raise TemplateProblem(f"Word 模板的 {DOCUMENT_PART} 结构异常，无法使用。")
        prefix, _, suffix = shell.partition(_PLACEHOLDER)
        declared = {(prefix or "").encode(): uri.encode() for prefix, uri in root.nsmap.items()}
        return prefix, suffix, declared

    def _document(self, body) -> bytes:
        """document.xml with the rendered body, byte for byte as docxtpl + python-docx save it.

        They put the body into the document element (lxml then drops the body's
        namespace declarations the document element already makes); serialising the
        body alone and dropping those declarations gives the same bytes without
        moving the whole tree."""
        xml = etree.tostring(body, encoding="UTF-8", xml_declaration=False)
        end = xml.index(b">")
        start_tag = _XMLNS.sub(lambda m: b"" if self._declared.get(m.group(1) or b"") == m.group(2) else m.group(0),
                               xml[:end])
        return self._prefix + start_tag + xml[end:] + self._suffix

    # ---- per report
    def render(self, context: dict[str, Any], target: Path) -> None:
        if not self.fast:
            _render_with_docxtpl(self.path, context, target)
            return
        # The data's own braces and percent signs go in as stand-ins, so every template
        # mark in the output was left by the template (a heading ending in “{” before a
        # text starting with “{” is not a mark); the stand-ins are put back after the check.
        shielded = shield_marks(context)
        data = shielded if shielded is not None else context
        # Put the stand-ins back only where they were put in: data that holds a stand-in
        # itself is rendered as it is (and its marks are counted instead).
        restore_bytes = unshield_bytes if shielded is not None else (lambda xml: xml)
        restore = unshield if shielded is not None else (lambda text: text)
        try:
            pieces = self.body.render_pieces(data)
            body_xml, listed = _finish_listed("".join(pieces), self._resolve_listing)
            rendered = {name: restore_bytes(self._serialise_part(self._finish(part.render(data))))
                        for name, part in self.parts.items() if not isinstance(part, bytes)}
            properties = {p: t if isinstance(t, str) else restore(t.render(data)) for p, t in self.properties.items()}
        except TemplateError as exc:
            raise template_error(self.name, exc) from None
        body_bytes = body_xml.encode("utf-8")
        # With the data's marks shielded and no line breaks or tabs for docxtpl to turn
        # into markup, the body's soundness may be known from its pieces (.wellformed);
        # otherwise it is parsed strictly and checked, and its tables learnt.
        provable = shielded is not None and not listed
        if provable and self.proof.holds(pieces):
            document = self._prefix + body_bytes + self._suffix
        else:
            body, changed = self._body_tree(body_bytes)
            check_body(body, None if shielded is not None else count_marks(context))
            # The body as rendered once it parsed strictly, unless a table or drawing id was
            # fixed in the tree (re-serialising ≈ 75 KB of XML costs a millisecond).
            document = self._document(body) if changed else self._prefix + body_bytes + self._suffix
            if provable and not changed:
                self.proof.learn(pieces)
        rendered[DOCUMENT_PART] = restore_bytes(document)
        if self.core is not None:
            rendered[CORE_PART] = _core_properties(self.core, properties)
        members = [Member.deflated(m.name, rendered[m.name], m) if m.name in rendered else self.fixed.get(m.name, m)
                   for m in self.members]
        with open(target, "wb") as out:
            write_package(out, members)

    def _finish(self, xml: str) -> str:
        return _finish(xml, self._resolve_listing)

    def _resolve_listing(self, xml: str) -> str:
        return self.docxtpl.resolve_listing(xml)

    def _body_tree(self, xml: bytes):
        """(the rendered body parsed strictly, with tables and drawing ids fixed as docxtpl
        does; whether anything was fixed)."""
        try:
            tree = etree.fromstring(xml, _STRICT)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem(f"渲染后的 Word 内容不是有效的 XML（{exc}）。请用 reportgen templates check 检查模板。") from None
        changed = False
        if _tables_need_fixing(tree):
            if _TABLE_WITHOUT_GRID(tree):  # docxtpl's fix_tables would fail on it
                raise TemplateProblem(f"Word 模板 {self.name} 中有表格缺少列宽定义（w:tblGrid），Word/WPS 保存的文件都有。"
                                      f"请用 Word/WPS 打开模板后重新保存。")
            tree, changed = self.docxtpl.fix_tables(xml), True
        for number, element in enumerate(_DOC_PR(tree), start=1001):  # docxtpl's fix_docpr_ids
            element.attrib["id"] = str(number)
            changed = True
        return tree, changed

    def _serialise_part(self, xml: str) -> bytes:
        """A rendered header/footer as python-docx saves it (parsed strictly)."""
        try:
            return etree.tostring(etree.fromstring(xml.encode("utf-8"), _OXML), encoding="UTF-8", standalone=True)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem(f"渲染后的 Word 页眉/页脚不是有效的 XML（{exc}）。请用 reportgen templates check 检查模板。") from None


_NS = {"w": W[1:-1]}
_DOC_PR = etree.XPath("//wp:docPr", namespaces={"wp": WP_DOC_PR[1:].partition("}")[0]})
_ALL_TEXT = etree.XPath("//w:t/text()", namespaces=_NS)
_CELL_WITHOUT_PARAGRAPH = etree.XPath("boolean(.//w:tc[not(w:p)])", namespaces=_NS)
_GRID_COLUMNS = etree.XPath("count(w:tblGrid/w:gridCol)", namespaces=_NS)
_HAS_GRID = etree.XPath("boolean(w:tblGrid)", namespaces=_NS)
_TABLE_WITHOUT_GRID = etree.XPath("boolean(//w:tbl[not(w:tblGrid)])", namespaces=_NS)
_ROW_WITH_MORE_CELLS = etree.XPath("boolean(.//w:tr[count(w:tc) > $columns])", namespaces=_NS)
_ROW_SPAN = etree.XPath("sum(w:tc/w:tcPr/w:gridSpan/@w:val) + count(w:tc[not(w:tcPr/w:gridSpan)])", namespaces=_NS)


def _tables_need_fixing(tree) -> bool:
    """Whether docxtpl's fix_tables would change a table: a row (of the table or of a
    table inside it) with more cells than the table's grid declares columns, or no
    row as wide as the grid."""
    for table in tree.iter(f"{W}tbl"):
        if not _HAS_GRID(table):
            return True
        columns = _GRID_COLUMNS(table)
        if _ROW_WITH_MORE_CELLS(table, columns=columns):
            return True
        # Usually the first row (a caption or header) spans the grid: stop at it.
        if columns > 0 and not any(_ROW_SPAN(row) >= columns for row in table.iter(f"{W}tr")):
            return True
    return False


def _core_properties(core: bytes, values: dict[str, str]) -> bytes:
    """docProps/core.xml with docxtpl's rendered properties, serialised as python-docx does.

    When every property already has its element (a prepared template's core.xml has),
    only their text is set, with lxml; otherwise python-docx adds the missing ones."""
    root = etree.fromstring(core, _OXML)
    elements = [root.find(_CORE_ELEMENTS[name]) for name in values]
    if all(element is not None for element in elements):
        for element, value in zip(elements, values.values()):
            # A property holds at most 255 characters (a 300-character 机关名称 makes a longer title).
            element.text = document_property(value)
        return etree.tostring(root, encoding="UTF-8", standalone=True)
    from docx.opc.coreprops import CoreProperties
    from docx.opc.oxml import serialize_part_xml
    from docx.oxml.parser import parse_xml

    element = parse_xml(core)
    properties = CoreProperties(element)
    for name, value in values.items():
        setattr(properties, name, document_property(value))
    return serialize_part_xml(element)


_DC = "{http://purl.org/dc/elements/1.1/}"
# python-docx's element for each core property docxtpl renders.
_CORE_ELEMENTS = {"author": f"{_DC}creator", "comments": f"{_DC}description", "identifier": f"{_DC}identifier",
                  "language": f"{_DC}language", "subject": f"{_DC}subject", "title": f"{_DC}title"}


# --------------------------------------------------------------------------- prepared templates on disk
_STATE_MAGIC = b"reportgen-docx-1\n"


def _prepared_state(package: bytes, prepare) -> dict[str, Any]:
    """``prepare()`` for this package, from the disk cache when this reportgen (this
    module's source) and this docxtpl (its source files) prepared the same bytes
    before.  Stored with :mod:`marshal` (plain data only) in Jinja's private cache
    folder; an unreadable or foreign entry is prepared anew."""
    import hashlib
    import marshal

    from reportgen.render.environment import _bytecode_cache

    cache = _bytecode_cache()
    docxtpl_source = _docxtpl_source()
    if cache is None or docxtpl_source is None:
        return prepare()
    key = hashlib.sha256(Path(__file__).read_bytes() + docxtpl_source + b"\0" + package).hexdigest()
    entry = Path(cache.directory) / f"reportgen-docx-{key}.cache"
    try:
        stored = entry.read_bytes()
        if stored.startswith(_STATE_MAGIC):
            state = marshal.loads(stored[len(_STATE_MAGIC):])
            if isinstance(state, dict) and "fast" in state:
                return state
    except (OSError, ValueError, EOFError, TypeError):
        pass
    state = prepare()
    try:
        tmp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        tmp.write_bytes(_STATE_MAGIC + marshal.dumps(state))
        os.replace(tmp, entry)
    except OSError:
        pass  # a full or read-only disk only costs the preparation next time
    return state


@functools.lru_cache(maxsize=1)
def _docxtpl_source() -> bytes | None:
    """The source of the installed docxtpl (its modules' bytes, in name order), found
    without importing it or reading package metadata (importlib.metadata alone takes
    50 ms to import); None when it cannot be read."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("docxtpl")
        folder = Path(spec.origin).parent
        return b"\0".join(path.name.encode() + b"\0" + path.read_bytes() for path in sorted(folder.glob("*.py")))
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return None


def _render_with_docxtpl(template_path: Path, context: dict[str, Any], target: Path) -> None:
    """docxtpl's own render and save, for templates the compiled path does not handle."""
    from docxtpl import DocxTemplate

    class StrictDocxTemplate(DocxTemplate):
        def render_properties(self, context, jinja_env=None):
            super().render_properties(context, jinja_env)
            for name in CORE_PROPERTIES:  # at most 255 characters each
                setattr(self.docx.core_properties, name, document_property(getattr(self.docx.core_properties, name) or ""))

        def fix_tables(self, xml):
            try:
                etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml, _STRICT)
            except etree.XMLSyntaxError as exc:
                raise TemplateProblem(f"渲染后的 Word 内容不是有效的 XML（{exc}）。请用 reportgen templates check 检查模板。") from None
            return super().fix_tables(xml)

    doc = StrictDocxTemplate(str(template_path))
    try:
        doc.render(context, jinja_env=docx_environment(), autoescape=True)
    except TemplateError as exc:
        raise template_error(template_path.name, exc) from None
    doc.save(str(target))
    validate_docx(target, expected_marks=count_marks(context))


# Stand-ins for the data's “{”, “}” and “%” while the template runs: Unicode
# noncharacters, which exist for a program's internal use and never come from a clerk.
_SHIELD = {ord("{"): "\ufdd0", ord("}"): "\ufdd1", ord("%"): "\ufdd2"}
_UNSHIELD = {ord(v): chr(k) for k, v in _SHIELD.items()}
_UNSHIELD_BYTES = tuple((v.encode("utf-8"), chr(k).encode("ascii")) for k, v in _SHIELD.items())


def shield_marks(context: dict[str, Any]) -> dict[str, Any] | None:
    """``context`` with the data's “{ } %” replaced by stand-ins (see :func:`unshield`);
    None when the data already holds a stand-in (then marks are counted instead)."""
    clash = False

    def walk(item: Any) -> Any:
        nonlocal clash
        if isinstance(item, str):
            if item.isdigit():  # the tables' numbers: nothing to shield
                return item
            if "\ufdd0" in item or "\ufdd1" in item or "\ufdd2" in item:  # `in` is faster than a pattern
                clash = True
            return item.translate(_SHIELD) if "{" in item or "}" in item or "%" in item else item
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return type(item)(walk(v) for v in item)
        return item  # table views: labels from the format and numbers

    shielded = walk(context)
    return None if clash else shielded


def unshield(text: str) -> str:
    return text.translate(_UNSHIELD)


def unshield_bytes(xml: bytes) -> bytes:
    if b"\xef\xb7" not in xml:  # the stand-ins' first two bytes in UTF-8: none there
        return xml
    for stand_in, original in _UNSHIELD_BYTES:
        xml = xml.replace(stand_in, original)
    return xml


def count_marks(value: Any) -> dict[str, int]:
    """How often each template mark occurs in the data, which may hold them literally."""
    counts = dict.fromkeys(TAG_MARKS, 0)

    def walk(item: Any) -> None:
        if isinstance(item, str):
            for mark in TAG_MARKS:
                counts[mark] += item.count(mark)
        elif isinstance(item, dict):
            for v in item.values():
                walk(v)
        elif isinstance(item, (list, tuple)):
            for v in item:
                walk(v)

    walk({k: v for k, v in value.items() if k not in ("tables", "parts")})  # those repeat text/values
    return counts


def check_body(body, expected_marks: dict[str, int] | None = None) -> None:
    """Raise TemplateProblem unless every table cell holds a paragraph and no template
    mark is left in the text beyond those the data holds."""
    if _CELL_WITHOUT_PARAGRAPH(body):
        raise TemplateProblem("生成的 Word 表格中有单元格没有段落，Word 会打不开。请检查模板中的表格。")
    expected = expected_marks or dict.fromkeys(TAG_MARKS, 0)
    # Quick pass: a mark within a paragraph is also a mark in all the text run together.
    everything = "".join(_ALL_TEXT(body))
    if not any(everything.count(mark) > expected[mark] for mark in TAG_MARKS):
        return
    text = "\n".join(paragraph_text(p) for p in body.iter(f"{W}p"))
    for mark in TAG_MARKS:
        if text.count(mark) > expected[mark]:
            line = next(line for line in text.splitlines() if mark in line)
            raise TemplateProblem(f"生成的 Word 中还留有模板标记“{mark}”（{line[:40]}），模板里可能有写错的标签。"
                                  f"请运行 reportgen templates check。")


def validate_docx(path: Path, expected_marks: dict[str, int] | None = None) -> None:
    """Raise TemplateProblem unless the file is a Word document that will open."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(archive.read(name), _STRICT)
                except etree.XMLSyntaxError as exc:
                    raise TemplateProblem(f"生成的 Word 文件中 {name} 不是有效的 XML（{exc}）。") from None
        body = etree.fromstring(archive.read(DOCUMENT_PART), _STRICT)
    check_body(body, expected_marks)


def document_text(path: Path) -> list[str]:
    """The text of every paragraph of a .docx, in order (tables row by row)."""
    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read(DOCUMENT_PART), _STRICT)
    return [paragraph_text(p) for p in body.iter(f"{W}p")]


def paragraph_text(paragraph) -> str:
    """A w:p's text as Word shows it: its runs joined (a tag Word split is whole again)."""
    return "".join(paragraph.itertext(f"{W}t", with_tail=False))
