"""The fast reader of a worksheet part: the same (formulas, cached) as the expat
reader (:mod:`.sheet`) for the XML Excel, WPS, LibreOffice and reportgen write,
read with compiled regular expressions where it can be sure.  Kept because it is
worth it: about 2 ms of a 5–7 ms read + check (measured for issue 16, interleaved
with the expat reader alone on the benchmark's workbooks).  tests/test_xlsx_fast.py
holds the two readers to each other."""

from __future__ import annotations

import re
import sys
from typing import Any
from xml.parsers import expat

from reportgen.data.workbook.package import Cells, XlsxBook, from_excel, xml_parser
from reportgen.data.workbook.sheet import COLUMN, EMPTY_CELL, SheetParser
from reportgen.formats.spec import column_index_from_string

# The expat reader (sheet.py) calls Python for every element: most of a check's time.
# The fast reader here gives the same (formulas, cached) for the XML Excel, WPS,
# LibreOffice and reportgen write, at C speed where it can:
#
# 1. a cheap look at the bytes decides whether it may read the part at all: UTF-8,
#    one <sheetData>;
# 2. one expat parse without handlers (but for DOCTYPE, comments, CDATA and
#    processing instructions, which it does not read) proves the part well-formed —
#    with each run of plain empty rows (a template's pre-formatted lines) stood in for
#    by ``<x/>``, which is well-formed exactly where they are (see _PLAIN_EMPTY_ROWS);
# 3. compiled regular expressions pick the rows and cells out of <sheetData>, skipping
#    (inside the regular expression engine) the empty cells the pre-filter drops;
# 4. one more handler-less expat parse decodes, all at once, every text holding a
#    character reference, an entity or a CR, so they decode exactly as expat decodes
#    them (``&#x80;`` stays U+0080; CR LF becomes LF, ``&#13;`` stays CR);
# 5. the cells get their values by the expat reader's own rules (SheetParser).
#
# Whatever it is not sure of — single-quoted or escaped attribute values, unexpected
# elements in a cell, a malformed part — goes to the expat reader, which decides
# (with its own message for a malformed part).


class NotSure(Exception):
    """The fast reader cannot be sure it reads this part as the expat reader does."""


_NAME = rb"[A-Za-z_][\w.\-]*"
_PREFIX = rb"(?:" + _NAME + rb":)?"  # any namespace prefix: the expat reader goes by local names
_ATTRS = rb'(?:\s+[A-Za-z_:][\w.:\-]*\s*=\s*"[^"]*")*\s*'  # double-quoted attributes only
_ATTR = re.compile(rb'([A-Za-z_:][\w.:\-]*)\s*=\s*"([^"]*)"')
_BAD_VALUE = re.compile(rb"[&\t\n\r]")  # in an attribute value, something expat would change
_DECLARATION = re.compile(rb'<\?xml\s+version\s*=\s*(?:"[^"]*"|\'[^\']*\')'
                          rb'(?:\s+encoding\s*=\s*(?:"([^"]*)"|\'([^\']*)\'))?'
                          rb'(?:\s+standalone\s*=\s*(?:"[^"]*"|\'[^\']*\'))?\s*\?>')
_OPEN_PREFIX = re.compile(rb"<" + _PREFIX)
_CLOSE_PREFIX = re.compile(rb"</" + _PREFIX)
_PLAIN_ATTRS = re.compile(rb'(?:\s+[A-Za-z_:][\w.:\-]*\s*=\s*"[^"<>]*")*\s*')
_CLOSE_REST = re.compile(rb"\s*>")


def _attrs(group: str) -> bytes:
    return b"(?P<" + group.encode() + b">" + _ATTRS + b")"


def _end(name: bytes) -> bytes:
    return b"</" + _PREFIX + name + rb"\s*>"


def _other(prefix: bytes = b"<") -> bytes:
    """Any other start, end or empty-element tag, its local name in the group "name"."""
    return prefix + rb"(?P<close>/?)" + _PREFIX + rb"(?P<name>" + _NAME + rb")" + _ATTRS + rb"/?>"


# What the pre-filter drops, after its "<".  Python 3.11 has possessive quantifiers,
# for which the engine keeps no state to back off with (this pattern never needs to:
# each part stops where the next cannot start); the same matches about a fifth faster.
_DROPPED = (rb'c r="[A-Za-z]{1,3}+[0-9]{1,7}+"(?: [A-Za-z]++="[^"<>&]*+")*+(?:/>|></c>)'
            if sys.version_info >= (3, 11) else EMPTY_CELL.pattern[1:])
_USUAL_ROW = rb'row r="(?:[1-9][0-9]{0,6})"(?:\s+[A-Za-z_:][\w.:\-]*\s*=\s*"[^"&\t\n\r]*")*\s*>'
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
# Rows holding nothing but empty cells, written plainly: fixed names, each attribute at
# most once, values of digits and letters.  Such a run is one or more whole, well-formed
# elements with no reference, character or sequence a comment, CDATA section or
# processing instruction could not hold, and the placeholder ``<x/>`` is one too: the
# part is well-formed with the run exactly when it is with ``<x/>`` in its place (in an
# element's content both are; inside a tag, an attribute value or after the root
# element, the "<" of either is an error).  Expat then spends nothing on those rows.
# (After its "<"; possessive quantifiers, where Python has them, as for _DROPPED.)
_PLAIN_ROW = (rb'row r="[1-9][0-9]{0,6}+"(?: spans="[0-9]{1,5}+:[0-9]{1,5}+")?+(?: s="[0-9]{1,9}+")?+'
              rb'(?: customFormat="1")?+(?: ht="[0-9]{1,3}+(?:\.[0-9]{1,9}+)?+")?+(?: customHeight="1")?+>'
              rb'(?:<c r="[A-Z]{1,3}+[0-9]{1,7}+"(?: s="[0-9]{1,9}+")?+(?: t="[a-z]{1,9}+")?+(?:/>|></c>))*+</row>')
if sys.version_info < (3, 11):
    _PLAIN_ROW = re.sub(rb"([*?}+])\+", rb"\1", _PLAIN_ROW)
_PLAIN_ROWS = _PLAIN_ROW + rb"(?:[ \t\r\n]*<" + _PLAIN_ROW + rb")*"
_PLAIN_EMPTY_ROWS = re.compile(rb"<" + _PLAIN_ROWS)
_PLACEHOLDER = b"<x/>"
# One token of <sheetData>.  What the expat reader's pre-filter (EMPTY_CELL) drops,
# end tags of rows and of those dropped cells are nothing: the look-ahead after the
# "<" starts no token at them (so the regular expression engine, not Python, steps
# over them).  Every other cell is one token, its end tag included.
_TOKEN = re.compile(
    rb"<(?!" + _DROPPED + rb"|/row>|/c>)(?:"
    # rows that hold nothing (but dropped cells), one after the other: one token
    + rb"(?P<plain>" + _PLAIN_ROWS + rb")"  # proven well-formed on the way (_PLAIN_EMPTY_ROWS)
    + rb"|(?P<rows>" + _USUAL_ROW + rb"(?:<" + _DROPPED + rb")*</row>"
    + rb"(?:\s*<" + _USUAL_ROW + rb"(?:<" + _DROPPED + rb")*</row>)*)"
    # the usual row: its number first
    + rb"|(?P<row>" + _USUAL_ROW.replace(b"(?:[1-9]", b"(?P<number>[1-9]", 1) + rb")"
    # the usual cells: a value, a formula and its value; an inline string of one <t>
    + rb'|(?P<cell>c r="(?P<ref>(?P<letters>[A-Z]{1,3})[0-9]{1,7})"(?: s="(?P<s>[0-9]{1,9})")?'
    + rb'(?: t="(?P<t>[a-zA-Z]{1,9})")?(?:/>|>(?:<f>(?P<f>[^<&\r]*)</f>)?(?:<v>(?P<v>[^<&\r]*)</v>)?</c>))'
    + rb'|(?P<inline>c r="(?P<iref>(?P<iletters>[A-Z]{1,3})[0-9]{1,7})"(?: s="(?P<is>[0-9]{1,9})")? t="inlineStr">'
    + rb'<is><t(?: xml:space="preserve")?>(?P<text>[^<]*)</t></is></c>)'
    # anything else, attribute by attribute, child by child
    + rb"|(?P<anyrow>" + _PREFIX + rb"row" + _attrs("ra") + rb"/?>)"
    + rb"|(?P<anycell>" + _PREFIX + rb"c" + _attrs("ca") + rb"(?:/>|>(?P<content>.*?)" + _end(b"c") + rb"))"
    + rb"|(?P<other>" + _other(b"") + rb")"
    + rb"|(?P<unknown>))"
    + rb"(?:</row>)?",  # a row's end tag in the same match when it follows
    re.S,
)
# One child of a cell.
_CHILD = re.compile(
    rb"(?P<v><" + _PREFIX + rb"v" + _ATTRS + rb"(?:/>|>(?P<vt>[^<]*)" + _end(b"v") + rb"))"
    + rb"|(?P<f><" + _PREFIX + rb"f" + _attrs("fa") + rb"(?:/>|>(?P<ft>[^<]*)" + _end(b"f") + rb"))"
    + rb"|(?P<is><" + _PREFIX + rb"is" + _ATTRS + rb"(?:/>|>(?P<ist>.*?)" + _end(b"is") + rb"))"
    + rb"|(?P<other>" + _other() + rb")"
    + rb"|(?P<unknown><)",
    re.S,
)
# One piece of an inline string: a <t>, a phonetic run (<rPh>) starting or ending, other run markup.
_INLINE = re.compile(
    rb"(?P<t><" + _PREFIX + rb"t" + _ATTRS + rb"(?:/>|>(?P<tt>[^<]*)" + _end(b"t") + rb"))"
    + rb"|(?P<rph><" + _PREFIX + rb"rPh" + _ATTRS + rb"(?P<empty>/?)>)"
    + rb"|(?P<endrph>" + _end(b"rPh") + rb")"
    + rb"|(?P<other>" + _other() + rb")"
    + rb"|(?P<unknown><)",
    re.S,
)
_CELL_NAMES = {b"c", b"row", b"sheetData", b"v", b"f", b"is"}  # where the fast reader does not expect them
_INLINE_NAMES = _CELL_NAMES | {b"t", b"rPh"}
_COLUMNS: dict[bytes, int] = {}  # column letters → index, as met


def sheet_data(xml: bytes) -> tuple[int, int] | None:
    """(start, end) of the bytes inside the one <sheetData> of a sheet part the fast
    reader can read, or None when the part must go to the expat reader."""
    if xml.startswith(b"<?xml"):
        declaration = _DECLARATION.match(xml)
        if declaration is None:
            return None
        encoding = declaration.group(1) or declaration.group(2)
        if encoding is not None and encoding.lower() != b"utf-8":
            return None
    elif not xml.startswith(b"<"):  # a BOM, UTF-16, leading white space …
        return None
    if xml.count(b"sheetData") != 2:  # exactly one start tag and one end tag
        return None
    first = xml.find(b"sheetData")
    second = xml.find(b"sheetData", first + 1)
    opening = xml.rfind(b"<", 0, first)
    inside = xml.find(b">", first)
    closing = xml.rfind(b"<", 0, second)
    if (opening < 0 or inside < 0 or closing < 0
            or not _OPEN_PREFIX.fullmatch(xml, opening, first)
            or not _PLAIN_ATTRS.fullmatch(xml, first + 9, inside)
            or not _CLOSE_PREFIX.fullmatch(xml, closing, second)
            or not _CLOSE_REST.match(xml, second + 9)):
        return None
    return inside + 1, closing


def _validate(xml: bytes, plain_rows: list[tuple[int, int]] = ()) -> None:
    """Raise unless ``xml`` is well-formed, with no DOCTYPE, comment, CDATA section or
    processing instruction: one expat parse whose only handlers are these, which
    never run for the parts the fast reader reads (so no Python runs at all).

    ``plain_rows``: (start, end) of runs of plain empty rows, in order, that the parse
    sees as ``<x/>`` (see _PLAIN_EMPTY_ROWS)."""
    def not_sure(*_args):
        raise NotSure("comment, CDATA or processing instruction")

    if plain_rows:
        pieces, done = [], 0
        for start, end in plain_rows:
            pieces += (xml[done:start], _PLACEHOLDER)
            done = end
        pieces.append(xml[done:])
        xml = b"".join(pieces)
    parser = xml_parser()
    parser.CommentHandler = parser.StartCdataSectionHandler = parser.ProcessingInstructionHandler = not_sure
    parser.Parse(xml, True)


def _attributes(raw: bytes | None) -> dict[str, str]:
    """A tag's unprefixed attributes as expat gives them (a value expat would change: not sure)."""
    attrs = {}
    for name, value in _ATTR.findall(raw or b""):
        if b":" in name:  # a prefixed attribute: expat names it by its namespace
            continue
        if _BAD_VALUE.search(value):
            raise NotSure("attribute value")
        attrs[name.decode()] = value.decode()
    return attrs


def _decode_all(texts: set[bytes]) -> dict[bytes, str]:
    """{raw text: the text expat gives} in ONE handler-less expat parse: each text in
    its own element after a "." (so none is empty), a character buffer larger than any
    text (so each comes in one piece), flushed by the end of its element."""
    raws = list(texts)
    document = b"<a><b>." + b"</b><b>.".join(raws) + b"</b></a>"
    out: list[str] = []
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = len(document)
    parser.CharacterDataHandler = out.append
    parser.EndElementHandler = out.append
    parser.Parse(document, True)
    if out[1:-1:2] != ["b"] * len(raws):
        raise NotSure("text")
    return {raw: text[1:] for raw, text in zip(raws, out[0:-1:2])}


class FastSheet:
    """The fast reader of one sheet part (see the section comment)."""

    def __init__(self, book: XlsxBook) -> None:
        self.book = book

    def read(self, xml: bytes, start: int, end: int) -> tuple[Cells, Cells]:
        """One pass over the tokens, placing rows and cells as SheetParser does.  The
        usual cells get their values here, with the expat reader's rules; an inline
        string holding references waits in the dicts as its raw bytes until all of
        them are decoded at once; any other cell goes through SheetParser._store.
        The part is proven well-formed (_validate) before anything is returned."""
        plain_rows: list[tuple[int, int]] = []
        store = SheetParser(self.book)
        formulas, cached = store.formulas, store.cached
        pending: list[tuple[tuple[int, int], bytes]] = []  # inline strings to decode
        dates = durations = shared = None
        styles: dict[bytes | None, int] = {}  # style id -> 0 a number, 1 a date, 2 a duration
        row, next_row, skip_row, col = 0, 1, False, 0
        for token in _TOKEN.finditer(xml, start, end):
            kind = token.lastgroup
            if kind == "cell":
                letters, t, s, f, v = token.group("letters", "t", "s", "f", "v")
                col = _COLUMNS.get(letters) or _column(letters)
                if skip_row:
                    continue
                where = row, col
                if not v or t == b"inlineStr":
                    value = None
                elif t is None or t == b"n":  # as SheetParser._value (int() and float() read bytes too)
                    value = float(v) if (b"." in v or b"E" in v or b"e" in v) else int(v)
                    date = styles.get(s)
                    if date is None:
                        if dates is None:
                            dates, durations = self.book.date_styles()
                        style = int(s) if s else 0
                        date = styles[s] = (2 if style in durations else 1) if style in dates else 0
                    if date:
                        try:
                            value = from_excel(value, self.book.epoch, timedelta=date == 2)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"
                elif t == b"s":
                    if shared is None:
                        shared = self.book.shared_strings()
                    value = shared[int(v)]
                else:
                    value = store._value(t.decode(), v.decode(), {"s": s and s.decode()})
                if value is not None:
                    cached[where] = value
                typed = value if f is None else "=" + f.decode()
                if typed is not None:
                    formulas[where] = typed
            elif kind == "plain" or kind == "rows":
                if kind == "plain":
                    plain_rows.append((token.start(), token.end("plain")))  # the group starts after the "<"
                for number in _ROW_NUMBER.findall(xml, token.start(), token.end()):
                    row = int(number)
                    skip_row = row < next_row
                    if not skip_row:
                        next_row = row + 1
                col = 0
            elif kind == "row":
                row = int(token.group("number"))
                skip_row = row < next_row
                if not skip_row:
                    next_row = row + 1
                col = 0
            elif kind == "inline":
                letters, text = token.group("iletters", "text")
                col = _COLUMNS.get(letters) or _column(letters)
                if skip_row:
                    continue
                where = row, col
                if b"&" in text or b"\r" in text:  # references, entities, CR: decoded as expat does
                    pending.append((where, text))
                    cached[where] = formulas[where] = text
                else:
                    cached[where] = formulas[where] = text.decode()
            elif kind == "anyrow":
                r = _attributes(token.group("ra")).get("r")
                row = int(r) if r else row + 1
                skip_row = row < next_row
                next_row = max(next_row, row + 1)
                col = 0
            elif kind == "anycell":
                attrs = _attributes(token.group("ca"))
                ref = attrs.get("r")
                match = COLUMN.match(ref) if ref else None
                col = column_index_from_string(match.group(1)) if match else col + 1
                cell = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "ref": ref, "v": None, "f": None}
                self._children(token.group("content"), cell)
                if not skip_row:
                    store.row, store.col = row, col
                    store._store(cell)
            elif kind != "other" or not token.group("close") and token.group("name") in _CELL_NAMES:
                raise NotSure("markup")
        _validate(xml, plain_rows)
        if pending:
            decoded = _decode_all({raw for _, raw in pending})
            for where, raw in pending:  # unless a later cell took the place
                if cached.get(where) is raw:
                    cached[where] = formulas[where] = decoded[raw]
        return formulas, cached

    def _children(self, content: bytes | None, cell: dict[str, Any]) -> None:
        """The f, v and inline string of a cell from its children, decoded; a later one
        replaces an earlier one, as in the expat reader."""
        for child in _CHILD.finditer(content or b""):
            kind = child.lastgroup
            if kind == "v":
                cell["v"] = _decode(child.group("vt") or b"")
            elif kind == "f":
                cell["f_attrs"] = _attributes(child.group("fa"))
                cell["f"] = _decode(child.group("ft") or b"")
            elif kind == "is":
                cell["is"] = self._inline(child.group("ist") or b"")
            elif kind != "other" or not child.group("close") and child.group("name") in _CELL_NAMES:
                raise NotSure("element in a cell")

    def _inline(self, content: bytes) -> str:
        """The text of an inline string: its <t>s outside phonetic runs (<rPh>)."""
        parts, phonetic = [], 0
        for piece in _INLINE.finditer(content):
            kind = piece.lastgroup
            if kind == "t":
                text = piece.group("tt")
                if text is not None and not phonetic:
                    parts.append(_decode(text))
            elif kind == "rph":
                if not piece.group("empty"):
                    phonetic += 1
            elif kind == "endrph":
                phonetic -= 1
            elif kind != "other" or not piece.group("close") and piece.group("name") in _INLINE_NAMES:
                raise NotSure("element in an inline string")
        return "".join(parts)


def _decode(raw: bytes) -> str:
    """One raw text as expat gives it."""
    return _decode_all({raw})[raw] if b"&" in raw or b"\r" in raw else raw.decode()


def _column(letters: bytes) -> int:
    index = _COLUMNS[letters] = column_index_from_string(letters.decode())
    return index
