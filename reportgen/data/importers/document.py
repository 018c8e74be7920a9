"""What every input form is turned into: a flat run of pieces in reading order.

A web page, a Word file, a PDF and a text file all become a :class:`Document`:
prose and label text, table value cells whose boundaries the file knows
(``cell``), digit runs from plain text whose cell boundaries are lost (``run``),
and paragraph breaks.  :mod:`.common` then finds everything by its label in one
string, so the forms differ only in how they fill the document.

Labels are compared after :func:`normalise`: no spaces, full-width forms folded
(NFKC), one quote style, so "一、 总体情况", "１．属于国家秘密" and ”三安全一稳定“
match the definition.  A label that still differs is found by similarity
(:func:`find_label`), and a finding names expected and found.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

# What published tables hold for "nothing" (the workbook reader's list, and a few more).
from reportgen.data.workbook.reader import PLACEHOLDERS

# A digit run of running text; a minus sign right after a digit starts a run of its own
# (“行政许可1-10”: 1, then −1 and 0 — 2019's 本年增/减 may fall).
DIGIT_RUN = re.compile(r"(?:(?<=\d)-)?\d+(?:\.\d+)?")
NUMBER_CELL = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?")
_QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』＂‘’'"})
_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")

TEXT, CELL, RUN, BREAK = "text", "cell", "run", "break"
MAX_FUZZY_SPAN = 20_000  # characters searched for a label by similarity


def normalise(text: str) -> str:
    """The form labels are compared in: NFKC, one quote style, no spaces."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES))


# A sum of money printed with its unit in the cell (“251000元”): read only into an amount
# column, and only where the column names no other unit (see common._parse).
# Units a flattened table prints after a number in its cell.
CELL_UNIT = re.compile(r"件|个|条|项|次|元|万元")
MONEY_CELL = re.compile(r"(?P<number>[+-]?\d[\d,]*(?:\.\d+)?)(?P<unit>万元|元)")


def is_value_cell(text: str) -> bool:
    """A table cell that holds a number or a placeholder for one (not a label)."""
    compact = normalise(text).replace(",", "")
    return compact.lower() in PLACEHOLDERS or bool(NUMBER_CELL.fullmatch(compact)) or compact.endswith("件") and \
        bool(NUMBER_CELL.fullmatch(compact[:-1])) or bool(MONEY_CELL.fullmatch(compact))


@dataclass
class Piece:
    kind: str  # TEXT, CELL, RUN or BREAK
    text: str
    start: int = 0  # offset in Document.flat


@dataclass
class Document:
    """A published report as pieces in reading order, plus the string labels are searched in."""

    source: str  # the file name, for messages
    form: str  # "网页", "Word 文件", "PDF", "文本"
    pieces: list[Piece] = field(default_factory=list)
    title_hint: str = ""  # an HTML <title>, a Word document title
    _flat: str | None = None
    _norm: str | None = None
    _map: list[int] = field(default_factory=list)

    # ---- building
    def prose(self, text: str) -> None:
        """Running text; digit runs in it become RUN pieces (their cells are unknown)."""
        last = 0
        for m in DIGIT_RUN.finditer(text):
            if m.start() > last:
                self._add(TEXT, text[last:m.start()])
            self._add(RUN, m.group(0))
            last = m.end()
        if last < len(text):
            self._add(TEXT, text[last:])

    def cell(self, text: str) -> None:
        """One table cell whose boundaries the file knows."""
        text = text.strip()
        if is_value_cell(text):
            self._add(CELL, text or " ")  # an empty cell still takes its place in the row
        else:
            self._add(TEXT, text)
        self._add(TEXT, " ")  # keeps neighbouring label cells apart in the flat text

    def paragraph_break(self) -> None:
        self._add(BREAK, "\n")

    def _add(self, kind: str, text: str) -> None:
        self.pieces.append(Piece(kind, text))
        self._flat = None

    # ---- reading
    @property
    def flat(self) -> str:
        """All pieces' text joined; RUN and CELL pieces keep their offsets."""
        self._index()
        return self._flat or ""

    def _index(self) -> None:
        """Join the pieces once (again after a piece is added): flat text, normalised text, offsets."""
        if self._flat is None:
            offset, parts = 0, []
            for piece in self.pieces:
                piece.start = offset
                parts.append(piece.text)
                offset += len(piece.text)
            self._flat = "".join(parts)
            self._norm, self._map = _normalised_with_map(self._flat)
            self._starts = [p.start for p in self.pieces]

    @property
    def norm(self) -> str:
        """:attr:`flat` normalised; :meth:`to_flat` maps its offsets back."""
        self._index()
        return self._norm or ""

    def to_flat(self, norm_offset: int) -> int:
        """The flat offset a normalised offset came from."""
        self._index()
        if norm_offset >= len(self._map):
            return len(self._flat or "")
        return self._map[norm_offset]

    def values_between(self, start: int, end: int) -> list[Piece]:
        """The CELL and RUN pieces (clipped) from flat offset ``start`` up to the first
        text that is not a space or ``end``, whichever comes first."""
        self.flat
        out: list[Piece] = []
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        while i < len(self.pieces):
            piece = self.pieces[i]
            i += 1
            a, b = max(piece.start, start), min(piece.start + len(piece.text), end)
            if piece.start >= end:
                break
            if b <= a:
                continue
            text = piece.text[a - piece.start:b - piece.start]
            if piece.kind in (CELL, RUN):
                out.append(Piece(piece.kind, text, a))
            elif piece.kind == TEXT and out and out[-1].kind == RUN and CELL_UNIT.fullmatch(text.strip()):
                continue  # “3个 3443000元”: a unit after a number belongs to its cell
            elif piece.kind == TEXT and text.strip():
                break
            elif piece.kind == BREAK and out and out[-1].kind == RUN:
                continue
        return out

    def to_norm(self, flat_offset: int) -> int:
        """The first normalised offset at or after a flat offset."""
        self._index()
        return bisect.bisect_left(self._map, flat_offset)

    def original(self, match: Match) -> str:
        """The text a match covers, as the report printed it (spaces trimmed)."""
        return self.flat[self.to_flat(match.start):self.to_flat(match.end - 1) + 1].strip()

    def text_between(self, start: int, end: int) -> str:
        return self.flat[start:end]


def _normalised_with_map(flat: str) -> tuple[str, list[int]]:
    """Normalise character by character, remembering where each output character came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(flat):
        for c in normalise(ch):
            out.append(c)
            where.append(i)
    return "".join(out), where


@dataclass(frozen=True)
class Match:
    start: int  # offsets in Document.norm
    end: int
    found: str  # the text found (normalised)
    exact: bool


def find_label(norm: str, label: str, lo: int, hi: int, min_ratio: float = 0.8) -> Match | None:
    """The label in ``norm[lo:hi]``: exactly, or else the most similar stretch of about
    its length (a typo, a dropped or added character).  None when nothing is close."""
    want = normalise(label)
    if not want:
        return None
    i = norm.find(want, lo, hi)
    if i >= 0:
        return Match(i, i + len(want), want, True)
    if min_ratio > 1:
        return None  # exact only
    hi = min(hi, lo + MAX_FUZZY_SPAN)  # a table or a heading gap is small; a huge one is not worth the time
    best: tuple[float, int, int] = (0.0, 0, 0)
    n = len(want)
    first = want[0]
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(want)
    for start in range(lo, max(lo, hi - max(2, n // 2)) + 1):
        # Most labels keep their first character (a numbering such as "2." or "（三）").
        if norm[start:start + 1] != first and norm[start:start + 2] != want[1:3]:
            continue
        for length in range(max(2, n - 4), n + 3):
            if start + length > hi:
                break
            window = norm[start:start + length]
            matcher.set_seq1(window)
            if matcher.real_quick_ratio() <= best[0] or matcher.quick_ratio() <= best[0]:
                continue
            ratio = matcher.ratio()
            if ratio > best[0]:
                best = (ratio, start, start + length)
    if best[0] >= min_ratio:
        # Trim digits a window took from the numbers after the label.
        start, end = best[1], best[2]
        while end > start and norm[end - 1].isdigit() and not want[-1].isdigit():
            end -= 1
        return Match(start, end, norm[start:end], False)
    return None
