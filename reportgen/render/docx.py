"""Render the Word report with docxtpl's template language, safely and fast
(see docs/reference/DOCXTPL-NOTES.md).

What does not depend on the data is done once per template and process
(:class:`CompiledDocx`): reading the package, docxtpl's XML clean-up and tag
patching (``{%p``, ``{%tr``, split runs), the Jinja compile, and checking every
part the render leaves alone.  Per report only the parts holding tags are
rendered (document.xml, headers/footers with tags, the core properties), the
rendered XML is proven sound or parsed strictly, and the package is written by copying the
unchanged members still compressed (:mod:`.zippack`).  The result is the file
docxtpl's own ``render`` + ``save`` gives, part for part: document.xml as the same
XML (written as rendered once it parsed, not re-serialised), the others byte for
byte (the test tests/test_speed_equivalence.py compares them).

- Jinja runs sandboxed with escaping on (``docx_environment()``), so ``& < >`` and
  ``{{ }}`` in the data come out literally.
- The rendered XML is known well-formed before anything else sees it, so nothing is
  dropped silently: headers and footers are parsed strictly; the body is parsed
  strictly and checked the first time, and afterwards written unparsed only when
  its template pieces and escaped data prove it sound (:mod:`.wellformed`);
  otherwise — or always, with ``REPORTGEN_FULL_PARSE=1`` — it is parsed and checked.
- Every table cell holds a paragraph, and no template mark is left in the text
  beyond those the data itself holds.

Compiled templates live in a per-process cache keyed by the file's path, size and
modification time, so each worker of a collection (spawned, not forked) compiles
its own once; their preparation is also kept in the user's cache on disk
(:mod:`reportgen.core.cache`).  Every name of docxtpl and python-docx used here is
in :mod:`reportgen.core.compat`.
"""

from __future__ import annotations

import functools
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

from reportgen.core import compat
from reportgen.core.cache import user_cache
from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.core.safety import document_property
from reportgen.core.fileio import read_regular_file
from reportgen.core.zipguard import open_package, read_member
from reportgen.render.environment import docx_environment
from reportgen.render.template_files import template_error
from reportgen.render.wellformed import W_URI, BodyProof
from reportgen.render.zippack import Member, stored_members, write_package

W = f"{{{W_URI}}}"
WP_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
TAG_MARKS = ("{{", "}}", "{%", "%}")
CORE_PROPERTIES = compat.DOCXTPL_CORE_PROPERTIES
DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
_CACHE_SIZE = 8  # templates kept compiled per process (a web intake may see several folders)
_STRICT = etree.XMLParser(resolve_entities=False, no_network=True)
_PLACEHOLDER = b"<w:body/>"
_XMLNS = re.compile(rb'\s+xmlns(?::([\w.-]+))?="([^"]*)"')
_OXML = etree.XMLParser(**compat.OXML_PARSER_OPTIONS)  # python-docx's settings

def render_docx(template_path: Path, context: dict[str, Any], target: Path) -> None:
    """Render ``template_path`` with ``context`` into ``target`` (a path the caller
    will move into place); the file is checked before this returns."""
    compiled_template(Path(template_path)).render(context, Path(target))


def _finish(xml: str, resolve_listing: Callable[[str], str]) -> str:
    """What docxtpl's render_xml_part does after Jinja (see :func:`compat.finish_rendered_part`)."""
    return compat.finish_rendered_part(xml, resolve_listing)[0]


def full_parse_forced() -> bool:
    """``REPORTGEN_FULL_PARSE=1``: every rendered Word body is parsed strictly and checked
    in full, never taken as sound from its pieces (:mod:`.wellformed`): for CI, and for
    anyone who wants the parse whatever the proof says."""
    return os.environ.get("REPORTGEN_FULL_PARSE", "").strip().lower() not in ("", "0", "no", "false", "off")


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
    patching, checking every part) is kept in the user's cache beside the compiled
    templates (:func:`_prepared_state`), keyed by the package's bytes: the next process using the
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
        return compat.docxtpl_template(self._package)

    def _prepare(self, package: bytes, archive: zipfile.ZipFile) -> dict[str, Any]:
        """What rendering needs from the template, as plain data (see :func:`_prepared_state`)."""
        contents = {m.name: read_member(archive, m.name, self.name) for m in self.members}
        self._check_parts(contents)
        template = compat.docxtpl_template(package)
        try:
            compat.load_document(template)
        except Exception as exc:  # python-docx refuses what is not a Word document
            raise TemplateProblem(f"Word 模板 {self.name} 不是有效的 Word 文档（{exc}）。") from None
        if compat.has_footnotes(template):
            return {"fast": False}
        parts: dict[str, str | bytes] = {}
        try:
            for name in compat.header_footer_part_names(template):
                source = compat.part_source(template, self._part_xml(contents[name]))
                if _has_tag(source):
                    parts[name] = source
                else:  # no tag: render it now
                    xml = docx_environment().from_string(source).render({})
                    parts[name] = self._serialise_part(_finish(xml, functools.partial(compat.resolve_listing, template)))
        except TemplateError as exc:
            raise template_error(self.name, exc) from None
        prefix, suffix, declared = self._document_shell(contents[DOCUMENT_PART])
        core = contents.get(CORE_PART)
        return {
            "fast": True,
            "body": compat.part_source(template, compat.document_body_xml(template)),
            "parts": parts,
            "properties": compat.core_property_texts(template),
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
    def _part_xml(data: bytes) -> str:
        return etree.tostring(etree.fromstring(data, _OXML), encoding="unicode")

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
            body_xml, listed = compat.finish_rendered_part("".join(pieces), self._resolve_listing)
            rendered = {name: restore_bytes(self._serialise_part(self._finish(part.render(data))))
                        for name, part in self.parts.items() if not isinstance(part, bytes)}
            properties = {p: t if isinstance(t, str) else restore(t.render(data)) for p, t in self.properties.items()}
        except TemplateError as exc:
            raise template_error(self.name, exc) from None
        body_bytes = body_xml.encode("utf-8")
        # With the data's marks shielded and no line breaks or tabs for docxtpl to turn
        # into markup, the body's soundness may be known from its pieces (.wellformed);
        # otherwise it is parsed strictly and checked, and its tables learnt.
        provable = shielded is not None and not listed and not full_parse_forced()
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
        return compat.resolve_listing(self.docxtpl, xml)

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
            tree, changed = compat.fix_tables(self.docxtpl, xml), True
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
    return compat.core_properties_by_python_docx(core, {name: document_property(v) for name, v in values.items()})


_CORE_ELEMENTS = compat.CORE_PROPERTY_ELEMENTS


# --------------------------------------------------------------------------- prepared templates on disk
_STATE_MAGIC = b"reportgen-docx-1\n"


def _prepared_state(package: bytes, prepare) -> dict[str, Any]:
    """``prepare()`` for this package, from the user's cache (:mod:`reportgen.core.cache`)
    when this reportgen (this module's source) and this docxtpl (its source files)
    prepared the same bytes before.  Stored with :mod:`marshal` (plain data only); an
    unreadable or foreign entry is prepared anew."""
    import hashlib
    import marshal

    cache = user_cache()
    docxtpl_source = compat.docxtpl_fingerprint()
    if cache is None or docxtpl_source is None:
        return prepare()
    key = "docx-" + hashlib.sha256(_MODULE_SOURCE + docxtpl_source + b"\0" + package).hexdigest()
    stored = cache.get(key)
    if stored is not None and stored.startswith(_STATE_MAGIC):
        try:
            state = marshal.loads(stored[len(_STATE_MAGIC):])
            if isinstance(state, dict) and "fast" in state:
                return state
        except (ValueError, EOFError, TypeError):
            pass
    state = prepare()
    cache.put(key, _STATE_MAGIC + marshal.dumps(state))  # a full or read-only disk only costs the preparation next time
    return state


_MODULE_SOURCE = Path(__file__).read_bytes()


def _render_with_docxtpl(template_path: Path, context: dict[str, Any], target: Path) -> None:
    """docxtpl's own render and save, for templates the compiled path does not handle."""

    def check_xml(xml) -> None:
        try:
            etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml, _STRICT)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem(f"渲染后的 Word 内容不是有效的 XML（{exc}）。请用 reportgen templates check 检查模板。") from None

    try:
        compat.render_with_docxtpl(template_path, context, target, docx_environment(), document_property, check_xml)
    except TemplateError as exc:
        raise template_error(template_path.name, exc) from None
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
