"""Where everything sits in the standard workbook.  The writer and the reader both
read this module (and the format definition), so they cannot disagree."""

from __future__ import annotations


from ..findings import Location
from ..spec import InfoField, ReportFormat, get_column_letter

TEMPLATE_ID = "reportgen-annual-report"
TEMPLATE_VERSION = 1

MARK_SHEET = "_reportgen"  # very hidden: template id, format id, version
INSTRUCTIONS_SHEET = "填写说明"
INFO_SHEET = "基本信息"
TEXT_SHEET = "文字部分"

TITLE_ROW = 1  # every data sheet: a title in row 1, a hint in row 2
HINT_ROW = 2

INFO_FIRST_ROW = 4
INFO_LABEL_COL, INFO_VALUE_COL, INFO_HINT_COL = 1, 2, 3
INFO_HEADERS = ("项目", "填写内容", "说明")

TEXT_HEADER_ROW = 3
TEXT_FIRST_ROW = 4
TEXT_ROWS = 300  # unlocked rows a clerk can fill
TEXT_SECTION_COL, TEXT_HEADING_COL, TEXT_BODY_COL = 1, 2, 3
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
