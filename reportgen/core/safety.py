"""Writing data into places where it could turn into something else.

Three kinds of place: workbook cells (text must stay text), files and consoles
(text must be encodable), and file names (text must not hide what the file is).

A workbook reportgen writes (new-workbook ``--from``, ``fix``, ``distribute``,
``aggregate``, ``import``, annotated copies, status sheets) holds text from
anyone.  openpyxl stores a string that starts with ``=`` as a *formula*, and Excel
runs ``=cmd|' /C calc'!A0``; so every value that comes from data goes through
:func:`write_cell`, which stores text as text, always.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

# Characters XML 1.0 forbids (and U+FFFE/U+FFFF): never written to a workbook or a report.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# What Excel and LibreOffice treat as the start of a formula when a user types it;
# stored as text they stay text, but a CSV opened in Excel is re-typed, so CSV
# writers prefix them (see :func:`csv_safe`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_OOXML_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def write_cell(cell: Any, value: Any) -> None:
    """Put ``value`` into an openpyxl cell as a value: numbers as numbers, anything
    else as literal text (never a formula, whatever it starts with)."""
    if value is None or isinstance(value, bool) or isinstance(value, (int, float, Decimal)):
        cell.value = value
        return
    # Half a character, or a control character XML cannot hold, would make the file unsavable.
    text = CONTROL_CHARS.sub("", clean_text(str(value))[0])
    # Text that looks like Excel's escape _xHHHH_ is escaped itself (its "_" as _x005F_),
    # as Excel does, so that it reads back as typed rather than as the escaped character.
    cell.value = _OOXML_ESCAPE_LIKE.sub(r"_x005F_\1", text)
    cell.data_type = "s"  # openpyxl made it "f" if the text starts with "="


def csv_safe(value: Any) -> str:
    """A value for a CSV file that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --------------------------------------------------------------------------- text
# Excel's escape _xD800_ (and text from other programs) can give code points that
# no file can hold: halves of a surrogate pair standing alone.  A pair written as
# two escapes (_xD83D__xDE00_) is one character (😀) and is joined back first.
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"  # �, what every program shows for a character it cannot show


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with every character that cannot be written to a file replaced by
    U+FFFD; returns (clean text, how many were replaced) so a reader can raise a
    提醒 at the cell."""
    if not _SURROGATE.search(text):
        return text, 0
    # Pairs escaped separately become the character they stand for.
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    replaced = len(_SURROGATE.findall(joined))
    return _SURROGATE.sub(REPLACEMENT, joined), replaced


# --------------------------------------------------------------------------- file names
# A file name may hold 255 bytes on Linux (UTF-8) and 255 UTF-16 units on Windows;
# a Chinese character takes 3 bytes.  Room is left for the longest suffix reportgen
# adds (".docx") and a collision suffix such as " (12)".
NAME_MAX_BYTES = 255
NAME_ROOM_BYTES = len(".docx") + len(" (99)")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?")


def safe_filename(title: str, max_bytes: int = NAME_MAX_BYTES - NAME_ROOM_BYTES, fallback: str = "report") -> str:
    """``title`` as a file name stem valid on Windows and Linux and shown as what it is.

    Controls and invisible/format characters (bidi overrides U+202A–202E and
    U+2066–2069 that make ``某局‮xcod.exe`` look like ``某局exe.docx``, zero-width
    spaces, BOM) are removed; characters Windows forbids become ``_``; a long name is
    cut on character boundaries to ``max_bytes`` of UTF-8; Windows' reserved device
    names get a leading ``_``.
    """
    kept = []
    for char in title:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):  # controls, format/invisible, lone surrogates
            continue
        kept.append(" " if category == "Zs" else char)  # every kind of space as a plain one
    name = _WINDOWS_FORBIDDEN.sub("_", " ".join("".join(kept).split()))
    name = _cut_utf8(name, max_bytes).strip().rstrip(". ")  # Windows drops trailing dots and spaces
    if _WINDOWS_RESERVED.fullmatch(name):
        name = "_" + name
    return name or fallback


def _cut_utf8(text: str, max_bytes: int) -> str:
    """``text`` in at most ``max_bytes`` of UTF-8, never half a character.  A long name
    loses its middle, not its end: the end says what the file is (…2023年政府信息公开工作年度报告)."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    ellipsis = "…"
    tail_bytes = max_bytes // 3
    head_bytes = max_bytes - tail_bytes - len(ellipsis.encode("utf-8"))
    head = encoded[:head_bytes].decode("utf-8", "ignore")
    tail = encoded[-tail_bytes:].decode("utf-8", "ignore")
    return head + ellipsis + tail


DOCUMENT_PROPERTY_MAX_CHARS = 255  # Word's (and python-docx's) limit for a core property such as the title


def document_property(text: str) -> str:
    """Text for a Word document property (title, subject): one line, clean, at most 255 characters."""
    text, _ = clean_text(" ".join(str(text).split()))
    return text[:DOCUMENT_PROPERTY_MAX_CHARS]
