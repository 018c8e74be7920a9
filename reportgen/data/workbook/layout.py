"""Where everything sits in the standard workbook.  The writer and the reader both
read this module (and the format definition), so they cannot disagree."""

from __future__ import annotations

import datetime as dt

from reportgen.formats.findings import Location
from reportgen.formats.spec import InfoField, ReportFormat, get_column_letter

TEMPLATE_ID = "reportgen-annual-report"
TEMPLATE_VERSION = 1

MARK_SHEET = "_reportgen"  # very hidden: template id, format id, version
INSTRUCTIONS_SHEET = "填写说明"
INFO_SHEET = "基本信息"
TEXT_SHEET = "文字部分"
# Hidden: the cells an importer could not read from a published report (key, cell, note).
UNREAD_SHEET = "导入时未能读取"
UNREAD_HEADERS = ("键", "格子", "原文和可能的读法")

TITLE_ROW = 1  # every data sheet: a title in row 1, a hint in row 2
HINT_ROW = 2

INFO_FIRST_ROW = 4
INFO_LABEL_COL, INFO_VALUE_COL, INFO_HINT_COL = 1, 2, 3
INFO_HEADERS = ("项目", "填写内容", "说明")

TEXT_HEADER_ROW = 3
TEXT_FIRST_ROW = 4
TEXT_ROWS = 300  # unlocked rows a clerk can fill
TEXT_SECTION_COL, TEXT_HEADING_COL, TEXT_BODY_COL = 1, 2, 3
TEXT_COLUMNS = (TEXT_SECTION_COL, TEXT_HEADING_COL, TEXT_BODY_COL)
TEXT_HEADERS = ("部分", "小标题（可空）", "正文（一格一段）")  # one per column above, in order
# Rows a fresh workbook pre-labels for each section, so a clerk sees where to write.
TEXT_STARTER_ROWS = {"preamble": 1, "overview": 6, "problems": 4, "other_matters": 2}


def info_row(fmt: ReportFormat, info: InfoField) -> int:
    return INFO_FIRST_ROW + fmt.info_fields.index(info)


def info_cell(fmt: ReportFormat, key: str) -> str:
    for info in fmt.info_fields:
        if info.key == key:
            return f"{get_column_letter(INFO_VALUE_COL)}{info_row(fmt, info)}"
    raise KeyError(key)


def text_location(row: int, col: int) -> Location:
    """A cell of the text sheet, named by its column header."""
    header = TEXT_HEADERS[col - TEXT_SECTION_COL].split("（")[0]
    return Location(TEXT_SHEET, f"{get_column_letter(col)}{row}", header)


def year_bounds(fmt: ReportFormat, today: dt.date | None = None) -> tuple[int, int]:
    """The report years a workbook of this format accepts: from the format's first year
    to its last, or to this year (a report is written after its year)."""
    today = today or dt.date.today()
    return fmt.first_year, fmt.last_year if fmt.last_year is not None else today.year


def year_problem(fmt: ReportFormat, year: int, today: dt.date | None = None) -> str:
    """Why ``year`` cannot be a report year of this format, in plain Chinese; "" when it can."""
    first, last = year_bounds(fmt, today)
    if first <= year <= last:
        return ""
    return (f"报告年度应是四位数字的年份，在 {first} 年至 {last} 年之间（本格式自 {first} 年的年度报告起适用），"
            f"现在是 {year}。")
