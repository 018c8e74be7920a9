"""An office's list of agencies (名单): which column holds the names, and the names.

    from reportgen.collection.roster import read_roster
    roster = read_roster("名单.xlsx")              # .xlsx / .csv / .txt
    roster.names, roster.where                     # ['示范市教育局', …], '名单.xlsx 的 B 列（单位名称）'

``distribute`` sends one workbook to each name; ``check``, ``render`` and
``aggregate --roster`` compare what came back with it (:mod:`reportgen.collection.rules`).

A roster is often a table (序号, 单位名称, 联系人, 电话 …): the name column is found
by its header (机关名称, 单位名称, 名称 …) or named with ``column``.  A plain list (one
filled cell a row, a .txt) needs no header.  A column whose entries are numbers or
headers is refused, never turned into 1.xlsx, 2.xlsx …
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from reportgen.collection import normalise_agency
from reportgen.core.errors import UnusableInput

SUFFIXES = (".xlsx", ".csv", ".txt")
MAX_NAME_CHARS = 100
HEADER_ROWS = 10  # a header row is looked for among the first rows (a title may come first)

# Headers of a name column, best first; the format's own label (机关名称) is added in front.
NAME_HEADERS = ("单位名称", "部门名称", "机构名称", "机关全称", "单位全称", "名称", "机关", "单位", "部门",
                "填报单位", "报送单位")
# Headers of the other columns a roster has: such a column, or such an entry, is not a name.
OTHER_HEADERS = ("序号", "编号", "号", "联系人", "联系电话", "电话", "手机", "手机号", "邮箱", "电子邮箱", "地址",
                 "备注", "负责人", "姓名", "职务", "年度", "日期", "是否报送", "报送情况", "状态")

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_LETTERS = re.compile(r"[^\W\d_]")  # any letter of any script (汉字 included)
_COLUMN_LETTERS = re.compile(r"[A-Za-z]{1,3}")
# A numbered plain list (“1、乙局”, “2. 丁局”, “３）戊局”): the number is not part of the name.
_LEADING_NUMBER = re.compile(r"^\s*[0-9０-９]+\s*[、.．)）]?\s*")
# A table's total row (合计 | 3个单位) is no agency: its first filled cell is one of these.
TOTAL_WORDS = ("合计", "总计", "小计", "共计")


@dataclass
class Roster:
    path: Path
    names: list[str] = field(default_factory=list)  # in the list's order, as written (spaces tidied)
    rows: list[int] = field(default_factory=list)  # the row (line) of each name, 1-based
    column: int | None = None  # 1-based; None for a plain list (one entry a row)
    header: str = ""  # the column's header, when it has one
    numbered: bool = False  # a plain list's leading 序号 (“1、”) was taken off its names
    total_rows: list[int] = field(default_factory=list)  # rows of 合计/总计 … left out, 1-based

    @property
    def where(self) -> str:
        """Which column was used, in words: “名单.xlsx 的 B 列（单位名称）”."""
        if self.column is None:
            notes = ["每行一个名称"] + (["已去掉行首的序号"] if self.numbered else []) + self._total_note()
            return f"{self.path.name}（{'，'.join(notes)}）"
        place = _column_name(self.path, self.column)
        notes = ([self.header] if self.header else []) + self._total_note()
        return f"{self.path.name} 的{place}" + (f"（{'，'.join(notes)}）" if notes else "")

    def _total_note(self) -> list[str]:
        if not self.total_rows:
            return []
        return [f"第 {'、'.join(str(r) for r in self.total_rows)} 行是合计行，不算机关"]

    def distinct(self) -> list[str]:
        """The names without repeats (compared as :func:`normalise_agency` does), in order."""
        seen: set[str] = set()
        out = []
        for name in self.names:
            key = normalise_agency(name)
            if key not in seen:
                seen.add(key)
                out.append(name)
        return out


COLUMN_OPTION = "--column"  # how the commands name the column; the web passes its form field's label


def read_roster(path: Path, column: str | None = None, option: str = COLUMN_OPTION) -> Roster:
    """The names of a roster (.xlsx: its first sheet; .csv; .txt one a line).

    ``column``: a letter (``B``), a number (``2``) or the header's text (``单位全称``);
    without it the header decides, or the list has one entry a row.  Raises
    :class:`UnusableInput` (plain Chinese, naming the column and row) for a list it
    cannot be sure of."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UnusableInput(f"名单应是 .xlsx、.csv 或 .txt 文件：{path.name}")
    if not path.is_file():
        raise UnusableInput(f"找不到名单文件：{path}")
    if suffix == ".xlsx":
        table = _xlsx_rows(path)
    elif suffix == ".csv":
        import csv

        table = [list(row) for row in csv.reader(_read_text(path).splitlines())]
    else:
        table = [[line] for line in _read_text(path).splitlines()]
    table = [[_tidy(c) for c in row] for row in table]
    roster = Roster(path)
    start = 0  # index of the first row after the header
    if column is not None:
        roster.column, header_row = _named_column(path, table, column, option)
        if header_row is not None:
            roster.header, start = table[header_row][roster.column - 1], header_row + 1
    else:
        found = _header(table)
        if found is not None:
            header_row, roster.column = found
            roster.header, start = table[header_row][roster.column - 1], header_row + 1
        elif any(sum(1 for c in row if c) > 1 for row in table):
            raise UnusableInput(_no_name_column(path, table, option))
        else:  # a plain list, one entry a row: below its 机关名称 line if it has one (a title may stand above)
            start = next((i + 1 for i, row in enumerate(table[:HEADER_ROWS])
                          if any(_is_name_header(c) for c in row if c)), 0)
    for i in range(start, len(table)):
        row = table[i]
        if _is_total_row(row):
            roster.total_rows.append(i + 1)
            continue
        if roster.column is None:
            cell = next((c for c in row if c), "")
            bare = _LEADING_NUMBER.sub("", cell)
            if bare != cell and _LETTERS.search(bare):  # “1、乙局” → 乙局; a bare “1” is refused below
                cell, roster.numbered = bare, True
        else:
            cell = row[roster.column - 1] if len(row) >= roster.column else ""
        if cell:
            roster.names.append(cell)
            roster.rows.append(i + 1)
    _refuse_non_names(roster, option)
    return roster


def _tidy(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 序号 1.0 read from a spreadsheet reads as 1
    return " ".join(str(value).split())


def _is_total_row(row: list[str]) -> bool:
    """合计 | 3个单位, “合计：”, “总 计”: the row sums the list, it names no agency."""
    first = normalise_agency(next((c for c in row if c), ""))
    # “总计：2个” in a plain list's one cell: the word, then nothing that continues a name
    return any(first.startswith(w) and not _LETTERS.match(first[len(w):]) for w in TOTAL_WORDS)


def _bare(text: str) -> str:
    """A header as compared: no spaces, no bracketed note (“单位名称（全称）”), no * or colon."""
    return _BRACKETS.sub("", normalise_agency(text)).strip("*＊:：")


def _name_headers() -> tuple[str, ...]:
    from reportgen.formats import DEFAULT_FORMAT

    label = next(i.label for i in DEFAULT_FORMAT.info_fields if i.key == "agency")
    return (label, *NAME_HEADERS)


def _is_name_header(text: str) -> bool:
    return _bare(text) in _name_headers()


def _is_other_header(text: str) -> bool:
    return _bare(text) in OTHER_HEADERS


def _header(table: list[list[str]]) -> tuple[int, int] | None:
    """(row index, 1-based column) of the best name header among the first rows, if a
    row there has more than one filled cell or the header stands alone."""
    headers = _name_headers()
    for i, row in enumerate(table[:HEADER_ROWS]):
        bare = [_bare(c) for c in row]
        ranked = [(headers.index(b), c) for c, b in enumerate(bare, start=1) if b in headers]
        if ranked and sum(1 for c in row if c) > 1:
            return i, min(ranked)[1]
    return None


def _named_column(path: Path, table: list[list[str]], column: str, option: str) -> tuple[int, int | None]:
    """``--column``: (1-based column, header row index or None)."""
    text = column.strip()
    if text.isdigit() and int(text) >= 1:
        number = int(text)
    elif _COLUMN_LETTERS.fullmatch(text):
        from openpyxl.utils import column_index_from_string

        number = column_index_from_string(text.upper())
    else:
        wanted = _bare(text)
        for i, row in enumerate(table[:HEADER_ROWS]):
            for c, cell in enumerate(row, start=1):
                if cell and _bare(cell) == wanted:
                    return c, i
        heads = _first_filled_row(table)
        raise UnusableInput(f"名单 {path.name} 的前 {HEADER_ROWS} 行里没有表头为“{text}”的列"
                            + (f"（表头有：{'、'.join(c for c in heads if c)}）" if heads else "")
                            + f"。{option}{' ' if option.isascii() else ''}可以写表头文字、列字母（如 B）或第几列（如 2）。")
    for i, row in enumerate(table[:HEADER_ROWS]):
        if len(row) >= number and row[number - 1] and (
                _is_name_header(row[number - 1]) or _is_other_header(row[number - 1])):
            return number, i  # the column's own header row is skipped (and an “other” header refused below)
    return number, None


def _first_filled_row(table: list[list[str]]) -> list[str]:
    """The likely header: the first row with several filled cells (a title may stand above it)."""
    rows = [row for row in table[:HEADER_ROWS] if any(row)]
    return next((row for row in rows if sum(1 for c in row if c) > 1), rows[0] if rows else [])


def _how_to_name(option: str, example: str) -> str:
    """“用 --column 指定机关名称所在的列（…）” — or, where the column is a form's field, “在…一栏写…”."""
    if option == COLUMN_OPTION:
        return f"用 {option} 指定机关名称所在的列（{example}）"
    return f"在{option}一栏写出机关名称所在的列（列字母如 B，或表头文字）"


def _no_name_column(path: Path, table: list[list[str]], option: str) -> str:
    heads = [c for c in _first_filled_row(table) if c]
    return (f"名单 {path.name} 有好几列，但没有“机关名称”“单位名称”或“名称”这样的表头"
            + (f"（表头是：{'、'.join(heads[:8])}）" if heads else "")
            + f"，不知道哪一列是机关名称。请加表头，或{_how_to_name(option, '如 --column B，或 --column 表头文字')}。")


def _refuse_non_names(roster: Roster, option: str) -> None:
    """Numbers (a 序号 or 电话 column) and header words are not agency names: refused,
    naming the column used and the first such entry."""
    where = roster.where
    fix = f"请{_how_to_name(option, '列字母如 B，或表头文字')}。"
    if roster.header and _is_other_header(roster.header):
        place = _column_name(roster.path, roster.column)
        raise UnusableInput(f"名单 {roster.path.name} 的{place}是“{roster.header}”，不是机关名称。{fix}")
    for name, row in zip(roster.names, roster.rows):
        if not _LETTERS.search(name):
            raise UnusableInput(f"名单 {where}第 {row} 行是“{name}”，是数字，不是机关名称。{fix}")
        if _is_other_header(name) or _is_name_header(name):
            raise UnusableInput(f"名单 {where}第 {row} 行是“{name}”，像表头，不是机关名称。{fix}")
        if len(name) > MAX_NAME_CHARS:
            raise UnusableInput(f"名单 {where}第 {row} 行的名称超过 {MAX_NAME_CHARS} 字：“{name[:30]}……”。"
                                f"请每行只写一个机关名称。")
    if not roster.names:
        raise UnusableInput(f"名单 {where} 里没有机关名称（每行写一个）。")


def _column_name(path: Path, column: int) -> str:
    if path.suffix.lower() == ".xlsx":
        from openpyxl.utils import get_column_letter

        return f" {get_column_letter(column)} 列"
    return f"第 {column} 列"


def _read_text(path: Path) -> str:
    from reportgen.core.fileio import read_regular_file

    raw = read_regular_file(path, "名单")
    for encoding in ("utf-8-sig", "gb18030"):  # Windows Notepad may save GBK
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableInput(f"无法读取名单 {path.name}：请另存为 UTF-8 编码的文本。")


def _xlsx_rows(path: Path) -> list[list[Any]]:
    """The first sheet's cell values, row by row (the file checked as any workbook is)."""
    from reportgen.data.workbook.package import openpyxl_workbook

    wb = openpyxl_workbook(path, "名单", f"无法读取名单 {path.name}：它不是 Excel 工作簿，或已损坏。",
                           read_only=True, data_only=True)
    try:
        return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def match_names(names: Sequence[str]) -> dict[str, str]:
    """Roster names by their compared form (the first of a repeated name wins)."""
    out: dict[str, str] = {}
    for name in names:
        out.setdefault(normalise_agency(name), name)
    return out
