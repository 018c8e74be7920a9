"""An .xlsx package opened for reading: its parts, shared strings and styles.

:class:`XlsxBook` reads the file once (a regular file within the limits), opens it
through the zip guard (:mod:`reportgen.core.zipguard`: the directory checked before
anything is inflated, every part inflated within its declared size), and finds the
sheets, the date system (1900 or 1904), the shared strings and which styles are
dates — the latter read when first needed.  The sheets themselves are read by
:mod:`.sheet` (and :mod:`.sheet_fast`); :mod:`.xlsx` puts the two together.

Every XML part is parsed by expat with DTDs and entity declarations refused.
Anything wrong becomes one plain-Chinese :class:`UnusableInput`.  Nothing here
imports openpyxl: ``check`` starts and reads much faster without it.  For the commands
that do edit a workbook with openpyxl (fix, annotate, draft, distribute), the package
is verified member by member first (:func:`openpyxl_workbook`).
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable
from xml.parsers import expat

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import read_regular_file
from reportgen.core.zipguard import open_package, read_member, verify_package

Cells = dict[tuple[int, int], Any]  # {(row, col): value}, 1-based

REL_OFFICE_DOCUMENT = "/officeDocument"
REL_WORKSHEET = "/worksheet"
REL_SHARED_STRINGS = "/sharedStrings"
REL_STYLES = "/styles"



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
        self._shared: list[str] | None = None
        self._styles: tuple[frozenset[int], frozenset[int]] | None = None
        with self.damaged():
            self._read_workbook_part()

    # ---- errors: one sentence for the clerk
    def damaged(self):
        return Damaged(self.name)

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
    def sheet_part(self, name: str) -> bytes:
        """The XML of the sheet called ``name`` (KeyError for an unknown sheet, as a dict gives)."""
        target = self.sheet_paths[name]
        with self.damaged():
            if target not in self.archive.NameToInfo:
                raise UnusableInput(f"{self.name} 已损坏：找不到工作表“{name}”的内容。请用 Excel/WPS 打开后重新保存再试。")
            return self._xml(target)


class Damaged:
    """Turn any parsing failure into the one sentence a clerk can act on."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, (UnusableInput, KeyboardInterrupt, MemoryError)):
            return False
        if isinstance(exc, Refused):
            raise UnusableInput(f"{self.name} 中含有 DOCTYPE 或实体声明，Excel/WPS 保存的工作簿不会有这些内容，"
                                f"reportgen 不读取这样的文件。请用 Excel/WPS 打开后重新保存再试。") from None
        raise UnusableInput(f"{self.name} 已损坏或不是有效的 .xlsx 工作簿，无法读取。"
                            f"请用 Excel/WPS 打开后重新保存再试。") from None


# --------------------------------------------------------------------------- XML
class Refused(ValueError):
    """A DOCTYPE or entity declaration: never expanded, never accepted."""


def xml_parser(start: Callable | None = None, end: Callable | None = None, text: Callable | None = None):
    """An expat parser that reports local tag names and refuses DTDs and entities."""
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_args):
        raise Refused("DOCTYPE")

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
        xml_parser(start).Parse(xml, True)
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


class TextCollector:
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
    current: list[TextCollector | None] = [None]

    def start(tag, _attrs):
        local = _local(tag)
        if local == "si":
            current[0] = TextCollector()
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
        xml_parser(start, end, text).Parse(xml, True)
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
        xml_parser(start, end).Parse(xml, True)
    dates, durations = set(), set()
    for index, fmt_id in enumerate(xf_formats):
        fmt = custom[fmt_id] if fmt_id in custom else BUILTIN_FORMATS.get(fmt_id)
        if _is_date_format(fmt):
            dates.add(index)
        if _is_timedelta_format(fmt):
            durations.add(index)
    return frozenset(dates), frozenset(durations)


def from_excel(value: float, epoch: dt.datetime, timedelta: bool = False):
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


def from_iso8601(text: str):
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


# --------------------------------------------------------------------------- for openpyxl
def openpyxl_workbook(path: Path, what: str = "工作簿", not_readable: str | None = None, **options: Any):
    """``openpyxl.load_workbook`` of the file at ``path``, given only after every member
    inflated within the limits through the zip guard (openpyxl inflates every part it
    knows with zipfile, believing the directory), and given the very bytes verified
    (so openpyxl never judges the file by its name, either).

    Raises UnusableInput: the guard's sentence, or ``not_readable`` (by default: not an
    .xlsx workbook) for a file openpyxl cannot read."""
    import warnings

    from openpyxl import load_workbook

    path = Path(path)
    data = read_regular_file(path, what)
    try:
        with open_package(data, path.name) as archive:
            verify_package(archive, path.name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), **options)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, OSError, EOFError):
        raise UnusableInput(not_readable or f"{path.name} 不是 Excel 工作簿（.xlsx），或已损坏。请确认选对了文件。") from None
