"""Knowing a rendered Word body is sound without parsing it again (issue 9).

A Word template's body renders as Jinja's output pieces: the template's own markup
(the plain ``str`` constants of the compiled template) and the data (escaped text,
``Markup``).  Parsing the ≈ 75 KB result strictly and walking it for the checks of
:mod:`reportgen.render.docx` costs more than the render itself.  Yet when every
constant piece is whole tags and text, and every data piece is plain escaped text,
the result's elements are exactly those of its constants, whatever the data:

- each constant piece is read once (:func:`analyse`): its tags must be well-formed
  on their own, its text and attribute values valid XML, and what it does to the
  elements around it is kept as a few operations (close this, a paragraph in the
  current cell, open these);
- per render those operations are replayed on a stack (:meth:`BodyProof.tables`),
  which proves the tags nest into one root element, every cell (``w:tc``) holds a
  paragraph, and every prefix is declared by the root;
- the data pieces are checked in one pass: no markup, only the five escapes, no
  character XML forbids;
- a table is known not to need docxtpl's fix when the same constant pieces made a
  table that the full check passed before (:meth:`BodyProof.learn`).

Anything else — a comment, a drawing (``docPr``), markup in the data (``|safe``), a
namespace declared below the root, a table never seen — answers None, and the
caller parses and checks the body as before.  The test suite holds every answer
against lxml's strict parse and the full checks (with fresh examples in CI), and
``REPORTGEN_FULL_PARSE=1`` makes the caller parse every body, the proof unused.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass

W_URI = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_S = r"[ \t\r\n]"
_NAME = r"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?"
# One token of a constant piece: a tag (start, end or empty) or text; a "<" that
# starts anything else (comment, CDATA, processing instruction, a broken tag) is "other".
_TAG = (rf"<(?P<close>/)?(?P<name>{_NAME})(?P<attrs>(?:{_S}+{_NAME}{_S}*={_S}*(?:\"[^<\"]*\"|'[^<']*'))*)"
        rf"{_S}*(?P<empty>/)?>")
_TOKEN = re.compile(rf"(?P<tag>{_TAG})|(?P<text>[^<]+)|(?P<other><)")
_ONE_TAG = re.compile(_TAG)
_ATTRIBUTE = re.compile(rf"({_NAME}){_S}*={_S}*(?:\"([^<\"]*)\"|'([^<']*)')")
# What XML does not allow in text or an attribute value: a character outside its
# range, a "&" that starts no reference, "]]>" (in text).
_BAD_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
                       r"|&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)|]]>")
_CHARACTER_REFERENCE = re.compile(r"&#(x?)([0-9a-fA-F]+);")
# What escaped data never holds: markup, quotes, a reference other than the escapes,
# a character XML forbids.  (Pieces are joined with a noncharacter, which XML allows
# and which breaks any reference spanning two pieces.)
_BAD_DATA = re.compile(r"[<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
                       r"|&(?!(?:amp|lt|gt|quot|apos|#34|#39);)")
_DATA_JOINER = "\ufdd3"
# libxml2's limits without its "huge" option (depth 256, a text node of 10 MB, a name
# of 50,000 characters), kept well inside: beyond them only the full parse can say.
_MAX_DEPTH = 200
_MAX_CHARACTERS = 2_000_000
_MAX_NAME = 1000
# A character of a template mark ({{ }} {% %} {# #}), as itself or as a reference.
_MARK_CHARACTER = re.compile(r"[{}%]|&#0*(?:123|125|37);|&#[xX]0*(?:7[bBdD]|25);")
_WHITESPACE = " \t\r\n"

# The operations a piece performs on the elements open before it.
_PARAGRAPH = object()  # a w:p child added to the innermost open element
_TEXT = object()  # text (not white space) directly in the innermost open element
_TABLE_END = object()  # the innermost open w:tbl was just closed
_ELEMENT = object()  # a whole element directly in the innermost open element (or the root itself)
CELL_WITH_PARAGRAPH = "w:tc+p"  # an open cell that holds a paragraph already
_UNREAD = object()


def _legal_character(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _valid_text(text: str) -> bool:
    if _BAD_TEXT.search(text):
        return False
    if "&#" in text:
        for hexadecimal, digits in _CHARACTER_REFERENCE.findall(text):
            try:
                code = int(digits, 16 if hexadecimal else 10)
            except ValueError:
                return False
            if not _legal_character(code):
                return False
    return True


@dataclass(frozen=True, slots=True)
class Piece:
    """What one constant piece does, read once (see :func:`analyse`)."""

    operations: tuple  # closes (the element's name), _PARAGRAPH, _TEXT, _ELEMENT, _TABLE_END, in order
    closes: list[str] | None  # when ``operations`` are closes only: the closed elements outermost first
    opens: tuple[str, ...]  # elements left open, outermost first (a cell with its paragraph as CELL_WITH_PARAGRAPH)
    opened_tables: int  # how many of ``opens`` are w:tbl
    prefixes: frozenset[str]  # the namespace prefixes it uses
    declarations: dict[str, str] | None  # the xmlns attributes of its first tag, when that may be the root
    whole_table: bool  # holds a whole w:tbl
    depth: int  # how deep its own elements nest


def analyse(piece: str) -> Piece | None:
    """What ``piece`` does to the elements around it, or None when it is not whole tags
    and valid text (or holds what the proof leaves to the full check)."""
    if "docPr" in piece:  # a drawing: its ids are renumbered by the full path
        return None
    operations: list = []
    local: list[list] = []  # [name, holds a paragraph] of the elements opened here and still open
    prefixes: set[str] = set()
    declarations = None
    whole_table = False
    first_tag = True
    depth = 0
    for token in _TOKEN.finditer(piece):
        kind = token.lastgroup
        if kind == "text":
            text = token.group()
            # Braces and percent signs only in markup: with the data's own shielded, the
            # text then holds no template mark, wherever runs split it.  No ">" (Word
            # writes "&gt;"): with the data escaped, no "]]>" can form across pieces.
            if not _valid_text(text) or ">" in text or _MARK_CHARACTER.search(text):
                return None
            if not local and text.strip(_WHITESPACE):
                operations.append(_TEXT)
            continue
        if kind == "other":
            return None
        tag = _tag(token.group())
        if tag is None:
            return None
        name, closing, empty, tag_prefixes, declared = tag
        if tag_prefixes:
            prefixes |= tag_prefixes
        if closing:
            if local:
                open_name, has_paragraph = local.pop()
                if open_name != name or (name == "w:tc" and not has_paragraph):
                    return None  # mismatched, or a cell without a paragraph: the full check says which
                whole_table = whole_table or name == "w:tbl"
                if not local and operations[-1:] != [_ELEMENT]:
                    operations.append(_ELEMENT)
            else:
                operations.append(CELL_WITH_PARAGRAPH if name == "w:tc" else name)
                if name == "w:tbl":
                    operations.append(_TABLE_END)
            first_tag = False
            continue
        if declared is not None:
            if not first_tag or operations:
                return None
            declarations = declared
        first_tag = False
        if name == "w:p":
            if local:
                local[-1][1] = True
            else:
                operations.append(_PARAGRAPH)
        if empty:
            if name in ("w:tc", "w:tbl"):  # a cell without a paragraph, a table without a grid
                return None
            if not local and operations[-1:] != [_ELEMENT]:
                operations.append(_ELEMENT)
            continue
        local.append([name, False])
        depth = max(depth, len(local))
    opens = tuple(CELL_WITH_PARAGRAPH if name == "w:tc" and has_paragraph else name for name, has_paragraph in local)
    closes = operations[::-1] if all(type(operation) is str for operation in operations) else None
    return Piece(tuple(operations), closes, opens, opens.count("w:tbl"), frozenset(prefixes), declarations,
                 whole_table, depth)


_NO_ATTRIBUTES: tuple[frozenset[str], None] = (frozenset(), None)


@functools.lru_cache(maxsize=4096)
def _tag(text: str) -> tuple[str, bool, bool, frozenset[str], dict[str, str] | None] | None:
    """(name, an end tag, an empty-element tag, the namespace prefixes it uses, its
    namespace declarations or None) of one tag; None when the proof does not take it.
    Read once per distinct tag: a template repeats a few hundred thousands of times."""
    match = _ONE_TAG.fullmatch(text)
    name, raw = match.group("name"), match.group("attrs")
    prefix = name.partition(":")[0] if ":" in name else ""
    if len(name) > _MAX_NAME or prefix == "xmlns":
        return None
    own = frozenset({prefix}) if prefix and prefix != "xml" else frozenset()
    if match.group("close"):
        if raw or match.group("empty"):
            return None
        return name, True, False, own, None
    attributes = _tag_attributes(raw) if raw else _NO_ATTRIBUTES
    if attributes is None:
        return None
    attribute_prefixes, declared = attributes
    return name, False, bool(match.group("empty")), own | attribute_prefixes, declared


@functools.lru_cache(maxsize=4096)
def _tag_attributes(raw: str) -> tuple[frozenset[str], dict[str, str] | None] | None:
    """(the namespace prefixes a tag's attributes use, its namespace declarations or
    None) from the tag's attribute text; None when they are not valid.  Read once per
    distinct text: a template repeats a few hundred tags thousands of times."""
    attributes = _attributes(raw)
    if attributes is None:
        return None
    names, values = attributes
    declared = {n.partition(":")[2]: v for n, v in zip(names, values) if n.startswith("xmlns:")}
    if "xmlns" in names:
        declared[""] = values[names.index("xmlns")]
    if any(not v and p for p, v in declared.items()) or "xml" in declared or "xmlns" in declared:
        return None
    prefixes = frozenset(n.partition(":")[0] for n in names
                         if ":" in n and n.partition(":")[0] not in ("xml", "xmlns"))
    return prefixes, declared or None


def _attributes(raw: str) -> tuple[list[str], list[str]] | None:
    """(names, values) of a tag's attributes; None for a repeated name (also one local
    name under two prefixes, which may be one namespace) or an invalid value."""
    names, values = [], []
    for name, double, single in _ATTRIBUTE.findall(raw):
        value = double or single
        if not _valid_text(value):
            return None
        names.append(name)
        values.append(value)
    if len(set(names)) != len(names):
        return None
    locals_ = [n.partition(":")[2] for n in names if ":" in n and not n.startswith(("xmlns:", "xml:"))]
    if len(set(locals_)) != len(locals_):
        return None
    return names, values


class BodyProof:
    """The proof for one compiled template: its pieces, read once, and the tables it
    has seen pass the full check.  Safe to share between threads."""

    MAX_PIECES = 4096  # distinct constant pieces kept read (data rendered unescaped adds new ones)
    MAX_TABLES = 4096

    def __init__(self) -> None:
        self._pieces: dict[str, Piece | None] = {}
        self._fine_tables: set[tuple[str, ...]] = set()
        self._lock = threading.Lock()

    def holds(self, pieces: list[str]) -> bool:
        """Whether the body these pieces make is well-formed, every cell holds a
        paragraph and no table needs docxtpl's fix — known without parsing it."""
        tables = self.tables(pieces)
        return tables is not None and all(key in self._fine_tables for key in tables)

    def learn(self, pieces: list[str]) -> None:
        """The full check passed these pieces with no table fixed: their tables are fine."""
        tables = self.tables(pieces)
        if tables is not None and len(self._fine_tables) + len(tables) <= self.MAX_TABLES:
            with self._lock:
                self._fine_tables.update(tables)

    def _piece(self, piece: str) -> Piece | None:
        try:
            return self._pieces[piece]
        except KeyError:
            info = analyse(piece)
            if len(self._pieces) < self.MAX_PIECES:
                self._pieces[piece] = info
            return info

    def tables(self, pieces: list[str]) -> list[tuple[str, ...]] | None:
        """Replay the pieces: the key of each table (its constant pieces), or None when
        the body is not proven well-formed with a paragraph in every cell."""
        if sum(map(len, pieces)) > _MAX_CHARACTERS:
            return None
        stack: list[str] = []
        table_starts: list[int] = []
        keys: list[tuple[str, ...]] = []
        data: list[str] = []
        declared: dict[str, str] | None = None
        started = closed = False
        read = self._pieces
        for index, piece in enumerate(pieces):
            if type(piece) is not str:  # the data: escaped text (checked all at once below)
                if piece:
                    if not stack:
                        return None
                    data.append(piece)
                continue
            info = read.get(piece, _UNREAD)
            if info is _UNREAD:
                info = self._piece(piece)
            if info is None:
                return None
            if info.declarations is not None:
                if started:
                    return None
                declared = info.declarations
                if declared.get("w") != W_URI or [v for v in declared.values()].count(W_URI) != 1:
                    return None  # the checks name Word's elements by the prefix w
            if info.prefixes and (declared is None or not info.prefixes <= declared.keys()):
                return None
            if len(stack) + info.depth > _MAX_DEPTH:
                return None
            closes = info.closes
            if closes is not None:  # the usual piece: closes only, compared and dropped at once
                if closes:
                    if stack[-len(closes):] != closes:
                        return None
                    del stack[-len(closes):]
                    if not stack:
                        closed = True
            else:
                for operation in info.operations:
                    if operation is _PARAGRAPH:
                        if stack and stack[-1] == "w:tc":
                            stack[-1] = CELL_WITH_PARAGRAPH
                    elif operation is _TEXT:
                        if not stack:
                            return None
                    elif operation is _ELEMENT:
                        if not stack:  # the root element, whole in this piece
                            if closed or declared is None:
                                return None
                            started = closed = True
                    elif operation is _TABLE_END:
                        keys.append(tuple(p for p in pieces[table_starts.pop():index + 1] if type(p) is str))
                    else:
                        if not stack or stack.pop() != operation:
                            return None
                        if not stack:
                            closed = True
            if info.opens:
                if closed or declared is None:
                    return None
                started = True
                if info.opened_tables:
                    table_starts.extend([index] * info.opened_tables)
                stack.extend(info.opens)
                if len(stack) > _MAX_DEPTH:
                    return None
            if info.whole_table:
                keys.append((piece,))
        if stack or not closed:
            return None
        if data and _BAD_DATA.search(_DATA_JOINER.join(data)):
            return None
        return keys


__all__ = ["BodyProof", "Piece", "analyse"]
