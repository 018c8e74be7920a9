"""The raw cells of an .xlsx file: the layer under :mod:`.reader`.

:func:`read_cells` gives every worksheet's cells twice: as typed (formulas as
``"=SUM(…)"``) and as the spreadsheet program last computed them (its stored
results), as ``{sheet: {(row, col): value}}``.  Both come from ONE pass over each
sheet's XML, and a sheet is only parsed when the reader first asks for it (the
instructions sheet never is).  Values are what ``openpyxl.load_workbook(read_only=True)``
gives (``data_only`` False, then True): shared and inline strings (rich-text runs
joined), numbers as int or float, booleans, date-formatted numbers as datetimes.

Nothing here imports openpyxl: ``check`` starts and reads much faster without it.

Untrusted input: only regular files within :data:`~reportgen.core.limits.LIMITS` are
read, the zip directory is checked before inflating and the limits are enforced
while inflating (:mod:`reportgen.core.zipguard`), the declared ``<dimension>`` is
ignored, and XML with a DOCTYPE or entity declaration is refused.  Anything else
wrong becomes one plain-Chinese :class:`UnusableInput`.  The file is only ever
opened for reading.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import sys
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Callable
from xml.parsers import expat

from reportgen.core.errors import UnusableInput
from reportgen.formats.spec import column_index_from_string
from reportgen.core.zipguard import open_package, read_member, read_regular_file

Cells = dict[tuple[int, int], Any]  # {(row, col): value}, 1-based

REL_OFFICE_DOCUMENT = "/officeDocument"
REL_WORKSHEET = "/worksheet"
REL_SHARED_STRINGS = "/sharedStrings"
REL_STYLES = "/styles"


def read_cells(path: Path) -> tuple[Mapping[str, Cells], Mapping[str, Cells]]:
    """(formulas, cached) for every worksheet of the workbook at ``path``.

    Both are read-only mappings {sheet name: cells}; a sheet is parsed (once, for
    both) when first looked up.  Raises UnusableInput for a file that is not a
    readable .xlsx workbook, now or when a damaged sheet is looked up."""
    book = XlsxBook(Path(path))
    return _SheetView(book, 0), _SheetView(book, 1)


class _SheetView(Mapping):
    """One side (formulas or stored results) of a book's sheets."""

    def __init__(self, book: XlsxBook, side: int) -> None:
        self._book, self._side = book, side

    def __getitem__(self, name: str) -> Cells:
        return self._book.sheet(name)[self._side]

    def __contains__(self, name: object) -> bool:
        return name in self._book.sheet_paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._book.sheet_paths)

    def __len__(self) -> int:
        return len(self._book.sheet_paths)


# Spreadsheet files reportgen does not read, by their ending: each gets the same advice.
OTHER_FORMATS = {".xls": "旧版的 .xls 格式", ".xlsm": "带宏的 .xlsm 格式", ".xlsb": "Excel 二进制的 .xlsb 格式",
                 ".ods": "开放文档（OpenDocument）表格的 .ods 格式", ".et": "金山 WPS 表格的 .et 格式",
                 ".ett": "金山 WPS 表格模板的 .ett 格式", ".csv": "逗号分隔的 .csv 文本格式"}
ODS = ".ods"


def resave_message(name: str, suffix: str) -> str:
    """What a clerk is told about a workbook in another spreadsheet format (.xls, .et, .ods …),
    one file or one of a collection: the same advice for each."""
    return (f"{name} 是{OTHER_FORMATS[suffix]}，reportgen 只读 .xlsx。请用 Excel 或 WPS 打开，"
            f"另存为 .xlsx（Excel 工作簿）格式后再试。")


class XlsxBook:
    """An .xlsx package opened for reading cells (the file's bytes are read once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        data = read_regular_file(path, "工作簿")
        if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: an encrypted .xlsx, an old .xls or a WPS .et
            if "EncryptedPackage".encode("utf-16-le") in data[:1 << 20]:  # the OLE directory names it in UTF-16LE
                raise UnusableInput(f"{self.name} 设置了打开密码。请在 Excel/WPS 中取消密码后另存为 .xlsx 再检查。")
            suffix = path.suffix.lower()
            raise UnusableInput(resave_message(self.name, suffix if suffix in (".et", ".ett") else ".xls"))
        try:
            self.archive = open_package(data, self.name)
        except zipfile.BadZipFile:
            if path.suffix.lower() in OTHER_FORMATS and path.suffix.lower() != ".xlsm":  # named as what it is
                raise UnusableInput(resave_message(self.name, path.suffix.lower())) from None
            if data.startswith(b"PK\x03\x04"):  # a zip's first bytes, but not the rest of it
                raise UnusableInput(f"{self.name} 已损坏：文件不完整（可能没有下载完或没有复制完），无法读取。"
                                    f"请重新下载或请填报单位重新发送；如能用 Excel/WPS 打开，请打开后重新保存再试。") from None
            raise UnusableInput(f"{self.name} 不是 Excel 工作簿（.xlsx）。请确认选对了文件。") from None
        if self._xml("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            raise UnusableInput(resave_message(self.name, ODS))
        self._sheets: dict[str, tuple[Cells, Cells]] = {}
        self._shared: list[str] | None = None
        self._styles: tuple[frozenset[int], frozenset[int]] | None = None
        with self._damaged():
            self._read_workbook_part()

    # ---- errors: one sentence for the clerk
    def _damaged(self):
        return _Damaged(self.name)

    # ---- the workbook part: sheet names, where they are, the date epoch
    def _read_workbook_part(self) -> None:
        root_rels = _relationships(self._xml("_rels/.rels"), "")
        workbook = next((target for kind, target in root_rels.values() if kind.endswith(REL_OFFICE_DOCUMENT)), None)
        if workbook is None or workbook not in self.archive.NameToInfo:
            if self.path.suffix.lower() in OTHER_FORMATS:  # an .xlsb (a zip too), or another named by its ending
                raise UnusableInput(resave_message(self.name, self.path.suffix.lower()))
            raise UnusableInput(f"{self.name} 不是 Excel 工作簿（.xlsx）。请确认选对了文件。")
        folder = posixpath.dirname(workbook)
        rels = _relationships(self._xml(posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")),
                              folder)
        self.epoch = WINDOWS_EPOCH
        self.sheet_paths: dict[str, str] = {}
        for tag, attrs in _elements(self._xml(workbook), {"sheet", "workbookPr"}):
            if tag == "workbookPr":
                if attrs.get("date1904", "").lower() in ("1", "true"):
                    self.epoch = MAC_EPOCH
                continue
            rid = next((v for k, v in attrs.items() if k.endswith("}id") or k == "r:id"), None)
            kind, target = rels.get(rid, ("", ""))
            if kind.endswith(REL_WORKSHEET) and "name" in attrs:  # chartsheets are not worksheets
                self.sheet_paths[attrs["name"]] = target
        self._parts = {kind: target for kind, target in rels.values()}

    def _part_of(self, suffix: str) -> str | None:
        return next((t for k, t in self._parts.items() if k.endswith(suffix) and t in self.archive.NameToInfo), None)

    def _xml(self, member: str) -> bytes:
        if member not in self.archive.NameToInfo:
            return b""
        return read_member(self.archive, member, self.name)

    # ---- shared parts, read when first needed
    def shared_strings(self) -> list[str]:
        if self._shared is None:
            part = self._part_of(REL_SHARED_STRINGS)
            self._shared = _shared_strings(self._xml(part)) if part else []
        return self._shared

    def date_styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """(style ids whose number format is a date, … a duration), as openpyxl decides."""
        if self._styles is None:
            part = self._part_of(REL_STYLES)
            xml = self._xml(part) if part else b""
            # The workbooks of a collection come from one distributed file: their styles
            # are usually the same bytes, worked out once.
            styles = _KNOWN_STYLES.get(xml)
            if styles is None:
                styles = _date_styles(xml)
                if len(_KNOWN_STYLES) < 64:
                    _KNOWN_STYLES[xml] = styles
            self._styles = styles
        return self._styles

    # ---- sheets
    def sheet(self, name: str) -> tuple[Cells, Cells]:
        """(formulas, cached) of the sheet called ``name``; parsed on first use."""
        if name not in self._sheets:
            target = self.sheet_paths[name]  # KeyError for an unknown sheet, as a dict would
            with self._damaged():
                if target not in self.archive.NameToInfo:
                    raise UnusableInput(f"{self.name} 已损坏：找不到工作表“{name}”的内容。请用 Excel/WPS 打开后重新保存再试。")
                self._sheets[name] = _read_sheet(self, self._xml(target))
        return self._sheets[name]


class _Damaged:
    """Turn any parsing failure into the one sentence a clerk can act on."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, (UnusableInput, KeyboardInterrupt, MemoryError)):
            return False
        if isinstance(exc, _Refused):
            raise UnusableInput(f"{self.name} 中含有 DOCTYPE 或实体声明，Excel/WPS 保存的工作簿不会有这些内容，"
                                f"reportgen 不读取这样的文件。请用 Excel/WPS 打开后重新保存再试。") from None
        raise UnusableInput(f"{self.name} 已损坏或不是有效的 .xlsx 工作簿，无法读取。"
                            f"请用 Excel/WPS 打开后重新保存再试。") from None


# --------------------------------------------------------------------------- XML
class _Refused(ValueError):
    """A DOCTYPE or entity declaration: never expanded, never accepted."""


def _parser(start: Callable | None = None, end: Callable | None = None, text: Callable | None = None):
    """An expat parser that reports local tag names and refuses DTDs and entities."""
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_args):
        raise _Refused("DOCTYPE")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    return parser


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _elements(xml: bytes, wanted: set[str]) -> list[tuple[str, dict[str, str]]]:
    """(local tag, attributes) of every element named in ``wanted``, in order."""
    found: list[tuple[str, dict[str, str]]] = []

    def start(tag, attrs):
        local = _local(tag)
        if local in wanted:
            found.append((local, attrs))

    if xml:
        _parser(start).Parse(xml, True)
    return found


def _relationships(xml: bytes, folder: str) -> dict[str, tuple[str, str]]:
    """{rId: (type, member path)} of a .rels part; targets resolved against ``folder``."""
    rels = {}
    for _, attrs in _elements(xml, {"Relationship"}):
        target = attrs.get("Target", "")
        if attrs.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        rels[attrs.get("Id", "")] = (attrs.get("Type", ""), path)
    return rels


class _TextCollector:
    """The plain text of an <si> or <is>: its <t> and the <t> of its runs, without
    phonetic guides (<rPh>), as openpyxl's ``Text.content`` gives it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.in_t = False
        self.phonetic = 0

    def start(self, local: str) -> None:
        if local == "rPh":
            self.phonetic += 1
        elif local == "t" and not self.phonetic:
            self.in_t = True

    def end(self, local: str) -> None:
        if local == "rPh":
            self.phonetic -= 1
        elif local == "t":
            self.in_t = False

    def text(self, data: str) -> None:
        if self.in_t:
            self.parts.append(data)

    def value(self) -> str:
        return "".join(self.parts)


def _shared_strings(xml: bytes) -> list[str]:
    strings: list[str] = []
    current: list[_TextCollector | None] = [None]

    def start(tag, _attrs):
        local = _local(tag)
        if local == "si":
            current[0] = _TextCollector()
        elif current[0] is not None:
            current[0].start(local)

    def end(tag):
        local = _local(tag)
        collector = current[0]
        if local == "si" and collector is not None:
            strings.append(collector.value().replace("x005F_", ""))  # as openpyxl does
            current[0] = None
        elif collector is not None:
            collector.end(local)

    def text(data):
        if current[0] is not None:
            current[0].text(data)

    if xml:
        _parser(start, end, text).Parse(xml, True)
    return strings


# --------------------------------------------------------------------------- dates (as openpyxl decides)
WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
MAC_EPOCH = dt.datetime(1904, 1, 1)
SECS_PER_DAY = 86400
# openpyxl's built-in number formats that are dates or durations (ids not listed are not).
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
                   11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm",
                   17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
                   22: "m/d/yy h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@"}
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, locale/colour brackets
_DATE_CHARS = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)


def _is_date_format(fmt: str | None) -> bool:
    return fmt is not None and _DATE_CHARS.search(_STRIP.sub("", fmt.split(";")[0])) is not None


def _is_timedelta_format(fmt: str | None) -> bool:
    return fmt is not None and _TIMEDELTA.search(fmt.split(";")[0]) is not None


_KNOWN_STYLES: dict[bytes, tuple[frozenset[int], frozenset[int]]] = {}


def _date_styles(xml: bytes) -> tuple[frozenset[int], frozenset[int]]:
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    depth = {"cellXfs": 0}

    def start(tag, attrs):
        local = _local(tag)
        if local == "numFmt":
            try:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif local == "cellXfs":
            depth["cellXfs"] += 1
        elif local == "xf" and depth["cellXfs"]:
            try:
                xf_formats.append(int(attrs.get("numFmtId", 0)))
            except ValueError:
                xf_formats.append(0)

    def end(tag):
        if _local(tag) == "cellXfs":
            depth["cellXfs"] -= 1

    if xml:
        _parser(start, end).Parse(xml, True)
    dates, durations = set(), set()
    for index, fmt_id in enumerate(xf_formats):
        fmt = custom[fmt_id] if fmt_id in custom else BUILTIN_FORMATS.get(fmt_id)
        if _is_date_format(fmt):
            dates.add(index)
        if _is_timedelta_format(fmt):
            durations.add(index)
    return frozenset(dates), frozenset(durations)


def _from_excel(value: float, epoch: dt.datetime, timedelta: bool = False):
    """A date serial number as openpyxl converts it (openpyxl.utils.datetime.from_excel)."""
    if timedelta:
        td = dt.timedelta(days=value)
        if td.microseconds:  # round to millisecond precision
            td = dt.timedelta(seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * SECS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return dt.time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel's 1900-02-29
    return epoch + dt.timedelta(days=day) + diff


_ISO = re.compile(r"(?P<date>(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2}))?T?"
                  r"(?P<time>(?P<hour>\d{2}):(?P<minute>\d{2})(:(?P<second>\d{2})(?P<microsecond>\.\d{1,3})?)?)?Z?")
_ISO_DURATION = re.compile(r"PT((?P<hours>\d+)H)?((?P<minutes>\d+)M)?((?P<seconds>\d+(\.\d{1,3})?)S)?")


def _from_iso8601(text: str):
    """A t="d" cell, as openpyxl.utils.datetime.from_ISO8601 reads it."""
    if not text:
        return None
    match = _ISO.match(text)
    if match and any(match.groups()):
        parts: dict[str, Any] = match.groupdict(0)
        for key in ("year", "month", "day", "hour", "minute", "second"):
            if parts[key]:
                parts[key] = int(parts[key])
        if parts["microsecond"]:
            parts["microsecond"] = int(float(parts["microsecond"]) * 1_000_000)
        if not parts["date"]:
            return dt.time(parts["hour"], parts["minute"], parts["second"], parts["microsecond"])
        if not parts["time"]:
            return dt.date(parts["year"], parts["month"], parts["day"])
        del parts["time"], parts["date"]
        return dt.datetime(**parts)
    match = _ISO_DURATION.match(text)
    if match and any(match.groups()):
        return dt.timedelta(**{k: float(v) for k, v in match.groupdict(0).items() if v})
    raise ValueError(f"Invalid datetime value {text}")


# --------------------------------------------------------------------------- a sheet
_COLUMN = re.compile(r"\$?([A-Za-z]{1,3})")
# A cell that holds nothing (no value, formula or text), written with its address:
# most cells of a formatted sheet.  Dropping them before parsing changes no value
# (such a cell reads as None) and halves the parse; cells without an address are
# kept, since they move the column count.
_EMPTY_CELL = re.compile(rb'<c r="[A-Za-z]{1,3}[0-9]{1,7}"(?: [A-Za-z]+="[^"<>&]*")*(?:/>|></c>)')


class _SheetParser:
    """One pass over a worksheet's XML giving (formulas, cached).

    Rows and cells are placed the way openpyxl's read-only reader places them: the
    row from <row r> (or counting), the column from <c r> (or counting); a row that
    repeats or goes back is skipped.  Only <sheetData> is read; <dimension> is not."""

    def __init__(self, book: XlsxBook) -> None:
        self.book = book
        self.formulas: Cells = {}
        self.cached: Cells = {}
        self.row = 0  # the current row's number
        self.next_row = 1  # rows before this one were already given
        self.skip_row = False
        self.col = 0
        self.in_data = False
        self.cell: dict[str, Any] | None = None
        self.field: str | None = None  # "v" or "f" while inside one
        self.text: list[str] = []
        self.inline: _TextCollector | None = None
        self.shared_formulas: dict[str, tuple[str, str]] = {}

    def parse(self, xml: bytes) -> tuple[Cells, Cells]:
        parser = _parser(self.start, self.end, self.data)
        parser.Parse(_EMPTY_CELL.sub(b"", xml), True)
        return self.formulas, self.cached

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition("}")[2]
        if self.inline is not None:
            self.inline.start(local)
        elif self.cell is not None:
            if local == "v" or local == "f":
                self.field = local
                self.text = []
                if local == "f":
                    self.cell["f_attrs"] = attrs
            elif local == "is":
                self.inline = _TextCollector()
        elif local == "c" and self.in_data:
            ref = attrs.get("r")
            match = _COLUMN.match(ref) if ref else None
            self.col = column_index_from_string(match.group(1)) if match else self.col + 1
            self.cell = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "ref": ref, "v": None, "f": None}
        elif local == "row" and self.in_data:
            self.row = int(attrs["r"]) if attrs.get("r") else self.row + 1
            self.skip_row = self.row < self.next_row
            self.next_row = max(self.next_row, self.row + 1)
            self.col = 0
        elif local == "sheetData":
            self.in_data = True

    def data(self, text: str) -> None:
        if self.field is not None:
            self.text.append(text)
        elif self.inline is not None:
            self.inline.text(text)

    def end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if self.inline is not None:
            if local == "is":
                self.cell["is"] = self.inline.value()
                self.inline = None
            else:
                self.inline.end(local)
        elif self.field is not None and local == self.field:
            self.cell[local] = "".join(self.text)
            self.field = None
        elif local == "c" and self.cell is not None:
            if not self.skip_row:
                self._store(self.cell)
            self.cell = None
        elif local == "sheetData":
            self.in_data = False

    def _store(self, cell: dict[str, Any]) -> None:
        where = (self.row, self.col)
        data_type = cell["t"]
        raw = None if data_type == "inlineStr" else (cell["v"] or None)
        cached = self._value(data_type, raw, cell)
        if cached is not None:
            self.cached[where] = cached
        typed = self._formula(cell) if cell["f"] is not None else cached
        if typed is not None:
            self.formulas[where] = typed

    def _value(self, data_type: str, raw: str | None, cell: dict[str, Any]) -> Any:
        """The stored value, as openpyxl's parse_cell gives it with data_only=True."""
        if raw is not None:
            if data_type == "n":
                value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
                style = int(cell["s"]) if cell["s"] else 0
                dates, durations = self.book.date_styles()
                if style in dates:
                    try:
                        return _from_excel(value, self.book.epoch, timedelta=style in durations)
                    except (OverflowError, ValueError):
                        return "#VALUE!"
                return value
            if data_type == "s":
                return self.book.shared_strings()[int(raw)]
            if data_type == "b":
                return bool(int(raw))
            if data_type == "d":
                return _from_iso8601(raw)
            return raw  # "str" (a formula's text result), "e" (an error such as #DIV/0!)
        if data_type == "inlineStr":
            return cell.get("is")
        return None

    def _formula(self, cell: dict[str, Any]) -> str:
        """The formula as typed, "=" first, as openpyxl gives it with data_only=False.

        Array and data-table formulas come as their text too (openpyxl gives objects)."""
        attrs = cell.get("f_attrs") or {}
        text = "=" + (cell["f"] or "")
        if attrs.get("t") == "shared":
            index = attrs.get("si")
            if index in self.shared_formulas:
                origin, first = self.shared_formulas[index]
                return _translate(first, origin, cell["ref"] or "")
            if text != "=":
                self.shared_formulas[index] = (cell["ref"] or "", text)
        return text


# --------------------------------------------------------------------------- a sheet, fast
# The expat reader above calls Python for every element: most of a check's time.
# The fast reader below gives the same (formulas, cached) for the XML Excel, WPS,
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
# 5. the cells get their values by the expat reader's own rules (_SheetParser).
#
# Whatever it is not sure of — single-quoted or escaped attribute values, unexpected
# elements in a cell, a malformed part — goes to the expat reader, which decides
# (with its own message for a malformed part).


class _NotSure(Exception):
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
            if sys.version_info >= (3, 11) else _EMPTY_CELL.pattern[1:])
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
# One token of <sheetData>.  What the expat reader's pre-filter (_EMPTY_CELL) drops,
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


def _sheet_data(xml: bytes) -> tuple[int, int] | None:
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


def _read_sheet(book: XlsxBook, xml: bytes) -> tuple[Cells, Cells]:
    """(formulas, cached) of one sheet part: the fast reader when it is sure, else the expat reader."""
    bounds = _sheet_data(xml)
    if bounds is not None:
        try:
            return _FastSheet(book).read(xml, *bounds)
        except Exception:  # not sure, or malformed, or a bad value: the expat reader decides, as before
            pass
    return _SheetParser(book).parse(xml)


def _validate(xml: bytes, plain_rows: list[tuple[int, int]] = ()) -> None:
    """Raise unless ``xml`` is well-formed, with no DOCTYPE, comment, CDATA section or
    processing instruction: one expat parse whose only handlers are these, which
    never run for the parts the fast reader reads (so no Python runs at all).

    ``plain_rows``: (start, end) of runs of plain empty rows, in order, that the parse
    sees as ``<x/>`` (see _PLAIN_EMPTY_ROWS)."""
    def not_sure(*_args):
        raise _NotSure("comment, CDATA or processing instruction")

    if plain_rows:
        pieces, done = [], 0
        for start, end in plain_rows:
            pieces += (xml[done:start], _PLACEHOLDER)
            done = end
        pieces.append(xml[done:])
        xml = b"".join(pieces)
    parser = _parser()
    parser.CommentHandler = parser.StartCdataSectionHandler = parser.ProcessingInstructionHandler = not_sure
    parser.Parse(xml, True)


def _attributes(raw: bytes | None) -> dict[str, str]:
    """A tag's unprefixed attributes as expat gives them (a value expat would change: not sure)."""
    attrs = {}
    for name, value in _ATTR.findall(raw or b""):
        if b":" in name:  # a prefixed attribute: expat names it by its namespace
            continue
        if _BAD_VALUE.search(value):
            raise _NotSure("attribute value")
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
        raise _NotSure("text")
    return {raw: text[1:] for raw, text in zip(raws, out[0:-1:2])}


class _FastSheet:
    """The fast reader of one sheet part (see the section comment)."""

    def __init__(self, book: XlsxBook) -> None:
        self.book = book

    def read(self, xml: bytes, start: int, end: int) -> tuple[Cells, Cells]:
        """One pass over the tokens, placing rows and cells as _SheetParser does.  The
        usual cells get their values here, with the expat reader's rules; an inline
        string holding references waits in the dicts as its raw bytes until all of
        them are decoded at once; any other cell goes through _SheetParser._store.
        The part is proven well-formed (_validate) before anything is returned."""
        plain_rows: list[tuple[int, int]] = []
        store = _SheetParser(self.book)
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
                elif t is None or t == b"n":  # as _SheetParser._value (int() and float() read bytes too)
                    value = float(v) if (b"." in v or b"E" in v or b"e" in v) else int(v)
                    date = styles.get(s)
                    if date is None:
                        if dates is None:
                            dates, durations = self.book.date_styles()
                        style = int(s) if s else 0
                        date = styles[s] = (2 if style in durations else 1) if style in dates else 0
                    if date:
                        try:
                            value = _from_excel(value, self.book.epoch, timedelta=date == 2)
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
                match = _COLUMN.match(ref) if ref else None
                col = column_index_from_string(match.group(1)) if match else col + 1
                cell = {"t": attrs.get("t", "n"), "s": attrs.get("s"), "ref": ref, "v": None, "f": None}
                self._children(token.group("content"), cell)
                if not skip_row:
                    store.row, store.col = row, col
                    store._store(cell)
            elif kind != "other" or not token.group("close") and token.group("name") in _CELL_NAMES:
                raise _NotSure("markup")
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
                raise _NotSure("element in a cell")

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
                raise _NotSure("element in an inline string")
        return "".join(parts)


def _decode(raw: bytes) -> str:
    """One raw text as expat gives it."""
    return _decode_all({raw})[raw] if b"&" in raw or b"\r" in raw else raw.decode()


def _column(letters: bytes) -> int:
    index = _COLUMNS[letters] = column_index_from_string(letters.decode())
    return index


def _translate(formula: str, origin: str, target: str) -> str:
    """A shared formula moved from its first cell to ``target``.  Rare (Excel writes it
    when a formula is filled down), so openpyxl's translator is imported only then."""
    from openpyxl.formula.translate import Translator

    return Translator(formula, origin).translate_formula(target)


__all__ = ["Cells", "XlsxBook", "read_cells"]
