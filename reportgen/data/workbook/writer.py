"""Write the standard workbook a provincial office hands to its agencies.

Everything on it (sheets, labels, merged headers, formulas for totals, validation)
comes from the format definition and :mod:`.layout`.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reportgen.core.version import __version__
from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import atomic_path
from reportgen.formats import DEFAULT_FORMAT
from reportgen.data.sentences import DRAFT_MARK, standard_text
from reportgen.data.model import ReportData
from reportgen.core.safety import write_cell
from reportgen.formats.spec import ReportFormat, SumRule, Table
from reportgen.data.workbook import layout as L

FONT = "宋体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
TOTAL_FILL = PatternFill("solid", fgColor="E7E6E6")  # grey: computed, locked
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
UNLOCKED = Protection(locked=False)
TEXT_WIDTHS = (28, 24, 90)  # 部分, 小标题, 正文
INSTRUCTIONS_WIDTH = 70  # character widths: the 填写说明 column fits A4 portrait at 100 % in LibreOffice and Excel


def write_workbook(path: Path, data: ReportData | None = None, *, fmt: ReportFormat | None = None,
                   year: int | None = None, agency: str | None = None) -> Path:
    """Write the standard workbook to ``path`` (atomically).

    With ``data`` the workbook is filled in (``reportgen new-workbook --from``);
    ``year`` and ``agency`` pre-fill the details sheet of an empty one.
    """
    fmt = data.format if data is not None else (fmt or DEFAULT_FORMAT)
    info = dict(data.info) if data is not None else {}
    if year is not None and L.year_problem(fmt, year):
        raise UnusableInput(L.year_problem(fmt, year))
    if year is not None:
        info["year"] = year
    if agency is not None:
        info["agency"] = agency

    wb = Workbook()
    _instructions(wb.active, fmt)
    _info_sheet(wb.create_sheet(L.INFO_SHEET), fmt, info)
    _text_sheet(wb.create_sheet(L.TEXT_SHEET), fmt, data, info)
    for table in fmt.tables:
        _table_sheet(wb.create_sheet(table.sheet), fmt, table, data)
    if data is not None and data.unread:
        _unread_sheet(wb, fmt, data)
    _mark(wb.create_sheet(L.MARK_SHEET), fmt)
    wb.active = 0
    with atomic_path(Path(path)) as tmp:
        wb.save(tmp)
    return Path(path)


# --------------------------------------------------------------------------- sheets
def _instructions(ws: Worksheet, fmt: ReportFormat) -> None:
    ws.title = L.INSTRUCTIONS_SHEET
    tables = "、".join(f"{t.number}（{t.caption}）" for t in fmt.tables)
    lines = [
        ("政府信息公开工作年度报告 标准工作簿", Font(name=FONT, size=16, bold=True)),
        (f"格式：{fmt.name}", None),
        ("", None),
        ("怎样填写", Font(name=FONT, size=12, bold=True)),
        ("1. 只在浅黄色格子里填写；灰色格子（总计）会自动计算，其他格子已锁定。", None),
        (f"2. “{L.INFO_SHEET}”：填写机关名称、报告年度等。机关名称和报告年度必须填写。", None),
        (f"3. “{L.TEXT_SHEET}”：每一行是报告中的一段。第一列选择属于哪一部分，第二列可填小标题"
         f"（如“（一）主动公开情况。”），第三列填正文。同一部分有几段就填几行，按顺序排列。"
         f"要增加一段，直接在下面的空行（已留出 {L.TEXT_ROWS} 行）中选好“部分”再填写，不需要插入行。"
         f"以“{DRAFT_MARK}”开头的是草拟的标准文字，请核改后删除这个标记（标记还在时不能生成报告）。", None),
        (f"4. {tables}：与国家规定的表格完全一致。所有数字格都要填写，没有数据填 0，不要留空，"
         f"不要填“/”“—”“无”，不要带单位。件数填整数；收费金额以万元为单位，可带小数。", None),
        (f"5. {fmt.table('t3').number}的勾稽关系：每一列{_balance_in_words(fmt)}。", None),
        *([(f"6. “{fmt.text_section('other_matters').label}”必须写明收取{fmt.fee_keyword}的情况，未收取也要写明。",
            None)] if fmt.fee_keyword else []),
        ("", None),
        ("填好以后", Font(name=FONT, size=12, bold=True)),
        ("运行 reportgen check 工作簿.xlsx 检查：一次列出全部问题。空格、以文本填写的数字、被改成手填数字的总计，"
         "可运行 reportgen fix 工作簿.xlsx -o 修正后.xlsx 一次修正；其余按提示改正对应的格子后再检查。", None),
        ("运行 reportgen render 工作簿.xlsx 生成 Word 和网页版报告。", None),
        (f"请不要改动工作表名称和表格标签，不要在{'、'.join(t.number for t in fmt.tables)}中插入或删除行列，"
         f"否则无法读取。", None),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = font or Font(name=FONT, size=11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Spreadsheets do not grow a generated row for wrapped text: give it its lines.
        size = cell.font.sz or 11
        per_line = int(INSTRUCTIONS_WIDTH / 2 * 11 / size) - 2  # a CJK character is two width units
        ws.row_dimensions[row].height = round(size * 1.5) * max(1, -(-len(text) // per_line))
    # As wide as A4 portrait prints at 100 %: LibreOffice does not scale this sheet to the page.
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    print_setup(ws, "portrait")
    ws.protection.sheet = True


def _balance_in_words(fmt: ReportFormat) -> str:
    """“一、本年新收…”加“二、上年结转…”，等于“（七）总计”加“四、…”, from the balance rule."""
    rule = fmt.balance_rules[0]

    def side(keys) -> str:
        return "加".join(f"“{fmt.field(k).row_label}”" for k in keys)

    return f"{side(rule.left)}，等于{side(rule.right)}"


def _title(ws: Worksheet, title: str, hint: str, width: int) -> None:
    ws.cell(row=L.TITLE_ROW, column=1, value=title).font = Font(name=FONT, size=14, bold=True)
    hint_cell = ws.cell(row=L.HINT_ROW, column=1, value=hint)
    hint_cell.font = Font(name=FONT, size=10, color="7F7F7F")
    ws.merge_cells(start_row=L.HINT_ROW, start_column=1, end_row=L.HINT_ROW, end_column=width)


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # Let clerks widen columns and rows to read long labels; only content is locked.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _info_sheet(ws: Worksheet, fmt: ReportFormat, info: dict) -> None:
    _title(ws, L.INFO_SHEET, "请在浅黄色格子中填写。带 * 的必须填写。", 3)
    for col, header in enumerate(L.INFO_HEADERS, start=1):
        _head(ws.cell(row=L.INFO_FIRST_ROW - 1, column=col, value=header))
    for f in fmt.info_fields:
        row = L.info_row(fmt, f)
        label = ws.cell(row=row, column=L.INFO_LABEL_COL, value=f.label)
        label.font = Font(name=FONT, bold=f.required)
        label.border = BORDER
        value = info.get(f.key)
        cell = ws.cell(row=row, column=L.INFO_VALUE_COL)
        write_cell(cell, value if value != "" else None)
        _input(cell)
        if f.kind == "year":
            first, last = L.year_bounds(fmt)
            dv = DataValidation(type="whole", operator="between", formula1=str(first), formula2=str(last),
                                allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                errorTitle="请填写年份",
                                error=f"请填写四位数字的年份（{first}—{last}），只填数字，如 {last - 1}。",
                                promptTitle=f.label, prompt=f.hint)
            dv.add(cell.coordinate)
            ws.add_data_validation(dv)
        hint = ws.cell(row=row, column=L.INFO_HINT_COL, value=("* 必填。" if f.required else "") + f.hint)
        hint.font = Font(name=FONT, size=10, color="7F7F7F")
        hint.border = BORDER
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 46
    ws.column_dimensions["C"].width = 60
    print_setup(ws, "landscape", title_rows=f"{L.INFO_FIRST_ROW - 1}:{L.INFO_FIRST_ROW - 1}")
    _protect(ws)


def _text_sheet(ws: Worksheet, fmt: ReportFormat, data: ReportData | None, info: dict) -> None:
    _title(ws, L.TEXT_SHEET, "每行一段：先选“部分”，小标题可空，正文写在第三列。同一部分按顺序排列；"
                             "要增加一段，在下面的空行中填写即可，不需要插入行。", 3)
    for col, header in enumerate(L.TEXT_HEADERS, start=1):
        _head(ws.cell(row=L.TEXT_HEADER_ROW, column=col, value=header))
    rows: list[tuple[str, str, str]] = []
    # A fresh workbook starts with the standard 前言 and fee sentence, marked for the clerk to edit.
    year = info.get("year") if isinstance(info.get("year"), int) else None
    standard = standard_text(fmt, year, info.get("agency") or None) if data is None else {}
    for section in fmt.text_sections:
        paragraphs = data.text.get(section.key, []) if data is not None else standard.get(section.key, [])
        if paragraphs:
            rows += [(section.label, p.heading, p.text) for p in paragraphs]
        if data is None:
            rows += [(section.label, "", "")] * (L.TEXT_STARTER_ROWS.get(section.key, 1) - len(paragraphs))
    last = L.TEXT_FIRST_ROW + max(L.TEXT_ROWS, len(rows) + 50) - 1
    for offset, (label, heading, text) in enumerate(rows):
        row = L.TEXT_FIRST_ROW + offset
        write_cell(ws.cell(row=row, column=L.TEXT_SECTION_COL), label)
        write_cell(ws.cell(row=row, column=L.TEXT_HEADING_COL), heading or None)
        write_cell(ws.cell(row=row, column=L.TEXT_BODY_COL), text or None)
        # Spreadsheets do not grow a generated row for wrapped text: give it its lines.
        lines = max(-(-len(t) * 2 // (width - 2)) for t, width in
                    ((label, TEXT_WIDTHS[0]), (heading or "", TEXT_WIDTHS[1]), (text or "", TEXT_WIDTHS[2])))
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines
    for row in range(L.TEXT_FIRST_ROW, last + 1):
        for col in (L.TEXT_SECTION_COL, L.TEXT_HEADING_COL, L.TEXT_BODY_COL):
            cell = ws.cell(row=row, column=col)
            _input(cell)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    choices = ",".join(s.label for s in fmt.text_sections)
    dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
                        showInputMessage=True, errorTitle="请从列表中选择",
                        error="“部分”只能从下拉列表中选择。", promptTitle="部分",
                        prompt="这一段属于报告的哪一部分")
    column = get_column_letter(L.TEXT_SECTION_COL)
    dv.add(f"{column}{L.TEXT_FIRST_ROW}:{column}{last}")
    ws.add_data_validation(dv)
    for col, width in zip(L.TEXT_COLUMNS, TEXT_WIDTHS):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{L.TEXT_FIRST_ROW}"
    print_setup(ws, "landscape", title_rows=f"{L.TEXT_HEADER_ROW}:{L.TEXT_HEADER_ROW}")
    _protect(ws)


def _table_sheet(ws: Worksheet, fmt: ReportFormat, table: Table, data: ReportData | None) -> None:
    heading = next(p.heading for p in fmt.parts if p.table == table.key)
    _title(ws, heading, "只在浅黄色格子中填写数字，没有数据填 0；灰色的总计会自动计算。", table.ncols)
    top, left = table.origin
    for cell in table.cells:
        row, col = top + cell.row, left + cell.col
        target = ws.cell(row=row, column=col)
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(start_row=row, start_column=col,
                           end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1)
        for r in range(row, row + cell.rowspan):
            for c in range(col, col + cell.colspan):
                ws.cell(row=r, column=c).border = BORDER
        if cell.kind == "value":
            _value_cell(target, fmt, cell.key, data)
            continue
        target.value = cell.text
        target.font = Font(name=FONT, size=10, bold=cell.kind == "caption")
        target.alignment = WRAP_LEFT if cell.kind == "label" else WRAP_CENTER
        if cell.kind in ("header", "caption"):
            target.fill = HEAD_FILL
    _validation(ws, fmt, table)
    base = 11 if table.ncols > 4 else 18
    widths = [base * w for w in (table.col_widths or (1,) * table.ncols)]
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(left + i)].width = width
    _fit_rows(ws, table, widths)
    ws.freeze_panes = table.address(table.header_rows, next(c.col for c in table.cells if c.kind == "value"))
    print_setup(ws, "landscape" if table.ncols > 4 else "portrait",
                 title_rows=f"{top}:{top + table.header_rows - 1}")
    _protect(ws)


def print_setup(ws: Worksheet, orientation: str, title_rows: str | None = None) -> None:
    """Every sheet prints on A4, as wide as the page and as many pages tall as it needs
    (nothing cut at the right edge), repeating its header rows on each page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def _fit_rows(ws: Worksheet, table: Table, widths: list[float]) -> None:
    """Give rows with long wrapped labels enough height (spreadsheets do not do it for
    merged or generated cells).  A CJK character is about two width units wide."""
    lines_needed: dict[int, float] = {}
    for cell in table.cells:
        if cell.kind == "value" or not cell.text:
            continue
        width = sum(widths[cell.col: cell.col + cell.colspan])
        lines = -(-len(cell.text) * 2 // max(int(width) - 1, 1))  # ceiling division
        per_row = lines / cell.rowspan
        for row in range(cell.row, cell.row + cell.rowspan):
            lines_needed[row] = max(lines_needed.get(row, 1), per_row)
    for row, lines in lines_needed.items():
        if lines > 1:
            ws.row_dimensions[table.origin[0] + row].height = 14 * -(-lines // 1)


def _value_cell(cell, fmt: ReportFormat, key: str, data: ReportData | None) -> None:
    field = fmt.field(key)
    cell.font = Font(name=FONT, size=11)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    value = data.values.get(key) if data is not None else None
    rule = fmt.sum_rule_for(key)
    if rule is not None:
        cell.fill = TOTAL_FILL
        # From data, a total that is missing or disagrees with its parts is kept
        # as it was, so that the round trip through JSON is exact and the checks
        # still flag it; otherwise the workbook computes it.
        if data is None or (value is not None and _consistent(rule, value, data)):
            cell.value = total_formula(fmt, rule)
        else:
            write_cell(cell, value)
        return
    _input(cell)
    if field.kind == "amount":
        cell.number_format = "0.######"
    write_cell(cell, value)  # openpyxl writes a Decimal as its exact decimal text


def _consistent(rule: SumRule, value, data: ReportData) -> bool:
    parts = [data.values.get(k) for k in rule.parts]
    return any(p is None for p in parts) or sum(parts) == value


def total_formula(fmt: ReportFormat, rule: SumRule) -> str:
    """The formula the standard workbook holds in a total cell (``fix`` restores it)."""
    cells = [fmt.field(k).cell for k in rule.parts]
    first, last = cells[0], cells[-1]
    min_col, min_row, max_col, max_row = range_boundaries(f"{first}:{last}")
    contiguous = (max_col - min_col + 1) * (max_row - min_row + 1) == len(cells)
    return f"=SUM({first}:{last})" if contiguous else "=" + "+".join(cells)


# Excel/WPS/LibreOffice validation of a value cell, by the field's kind, with Chinese texts.
VALIDATION = {
    "count": dict(type="whole", errorTitle="请填写整数", promptTitle="件数", prompt="填写整数，没有数据填 0",
                  error="这里只能填写 0 或正整数（件数），不要带单位；没有数据填 0。"),
    "amount": dict(type="decimal", errorTitle="请填写金额", promptTitle="金额（万元）",
                   prompt="以万元为单位，可带小数，如 9116.36；没有填 0",
                   error="这里只能填写 0 或正数，单位是万元，可以带小数；没有数据填 0。"),
}


def _validation(ws: Worksheet, fmt: ReportFormat, table: Table) -> None:
    for kind, texts in VALIDATION.items():
        cells = [f.cell for f in fmt.table_fields(table.key) if f.kind == kind and not f.is_total]
        if not cells:
            continue
        dv = DataValidation(operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, showInputMessage=True, **texts)
        for cell in cells:
            dv.add(cell)
        ws.add_data_validation(dv)


def _unread_sheet(wb: Workbook, fmt: ReportFormat, data: ReportData) -> None:
    """The cells an importer could not read: listed on a hidden sheet the reader understands
    (``check`` names them, ``fix`` leaves them), and a note on each cell for the person who fills it."""
    from openpyxl.comments import Comment

    ws = wb.create_sheet(L.UNREAD_SHEET)
    for c, header in enumerate(L.UNREAD_HEADERS, start=1):
        ws.cell(row=1, column=c, value=header)
    for r, (key, note) in enumerate(sorted(data.unread.items(), key=lambda kv: fmt.fields.index(fmt.field(kv[0]))),
                                    start=2):
        f = fmt.field(key)
        write_cell(ws.cell(row=r, column=1), key)
        write_cell(ws.cell(row=r, column=2), f"{f.sheet} {f.cell}")
        write_cell(ws.cell(row=r, column=3), note)
        wb[f.sheet][f.cell].comment = Comment(f"导入已发布的报告时未能读取：{note}。请对照原文填写。", "reportgen")
    ws.sheet_state = "hidden"


def _mark(ws: Worksheet, fmt: ReportFormat) -> None:
    """The hidden mark by which the reader knows its own workbooks."""
    for row, (key, value) in enumerate(
        (("template", L.TEMPLATE_ID), ("format", fmt.id), ("template_version", L.TEMPLATE_VERSION),
         ("generator", f"reportgen {__version__}")),
        start=1,
    ):
        ws.cell(row=row, column=1, value=key)
        ws.cell(row=row, column=2, value=value)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _head(cell) -> None:
    cell.font = Font(name=FONT, bold=True)
    cell.fill = HEAD_FILL
    cell.alignment = WRAP_CENTER
    cell.border = BORDER


def _input(cell) -> None:
    cell.fill = INPUT_FILL
    cell.protection = UNLOCKED
    cell.border = BORDER
