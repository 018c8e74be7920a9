"""The national format of 国办公开办函〔2021〕30号, in force from the 2021 report on.

Every label below is copied once from the notice (see docs/reference/FORMAT.md);
nothing else in the project types a table label.  Keys are English, stable and
documented in docs/keys.md (generated from this module by ``reportgen docs``).
"""

from __future__ import annotations

from reportgen.formats.spec import (
    BalanceRule,
    CarryRule,
    Field,
    GridCell,
    InfoField,
    Part,
    ReportFormat,
    StockRule,
    SumRule,
    Table,
    TextFact,
    TextSection,
)

# The six part headings, exactly as the notice prints them.
PART_1 = "一、总体情况"
PART_2 = "二、主动公开政府信息情况"
PART_3 = "三、收到和处理政府信息公开申请情况"
PART_4 = "四、政府信息公开行政复议、行政诉讼情况"
PART_5 = "五、存在的主要问题及改进情况"
PART_6 = "六、其他需要报告的事项"

# --------------------------------------------------------------------------- table 2
# Four blocks on one 4-column grid: (caption, header after 信息内容, value-column
# keys and labels, rows).  A block with one value column spans it over 3 columns.
T2_BLOCKS = (
    (
        "第二十条第（一）项",
        (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        (("regulations", "规章"), ("normative_documents", "行政规范性文件")),
        "count",
    ),
    ("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),), "count"),
    (
        "第二十条第（六）项",
        (("decisions", "本年处理决定数量"),),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
        "count",
    ),
    ("第二十条第（八）项", (("amount", "本年收费金额（单位：万元）"),), (("fees", "行政事业性收费"),), "amount"),
)
T2_CONTENT_HEADER = "信息内容"

# --------------------------------------------------------------------------- table 3
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGS = "法人或其他组织"
T3_COLUMNS = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_services", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
_RESULTS = "三、本年度办理结果"
_REFUSED = "（三）不予公开"
_UNABLE = "（四）无法提供"
_UNPROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"
T3_ROWS = (
    ("new_received", ("一、本年新收政府信息公开申请数量",)),
    ("carried_over", ("二、上年结转政府信息公开申请数量",)),
    ("granted", (_RESULTS, "（一）予以公开")),
    ("partly_granted", (_RESULTS, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")),
    ("refused_state_secret", (_RESULTS, _REFUSED, "1.属于国家秘密")),
    ("refused_prohibited_by_law", (_RESULTS, _REFUSED, "2.其他法律行政法规禁止公开")),
    ("refused_three_safeties", (_RESULTS, _REFUSED, "3.危及“三安全一稳定”")),
    ("refused_third_party", (_RESULTS, _REFUSED, "4.保护第三方合法权益")),
    ("refused_internal_affairs", (_RESULTS, _REFUSED, "5.属于三类内部事务信息")),
    ("refused_process_info", (_RESULTS, _REFUSED, "6.属于四类过程性信息")),
    ("refused_enforcement_file", (_RESULTS, _REFUSED, "7.属于行政执法案卷")),
    ("refused_inquiry_matter", (_RESULTS, _REFUSED, "8.属于行政查询事项")),
    ("unable_not_held", (_RESULTS, _UNABLE, "1.本机关不掌握相关政府信息")),
    ("unable_needs_creation", (_RESULTS, _UNABLE, "2.没有现成信息需要另行制作")),
    ("unable_still_unclear", (_RESULTS, _UNABLE, "3.补正后申请内容仍不明确")),
    ("unprocessed_petition", (_RESULTS, _UNPROCESSED, "1.信访举报投诉类申请")),
    ("unprocessed_repeated", (_RESULTS, _UNPROCESSED, "2.重复申请")),
    ("unprocessed_publication", (_RESULTS, _UNPROCESSED, "3.要求提供公开出版物")),
    ("unprocessed_mass_repeated", (_RESULTS, _UNPROCESSED, "4.无正当理由大量反复申请")),
    ("unprocessed_confirmation", (_RESULTS, _UNPROCESSED, "5.要求行政机关确认或重新出具已获取信息")),
    (
        "other_no_correction",
        (_RESULTS, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ),
    (
        "other_fee_unpaid",
        (_RESULTS, _OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ),
    ("other_other", (_RESULTS, _OTHER, "3.其他")),
    ("results_total", (_RESULTS, "（七）总计")),
    ("carried_forward", ("四、结转下年度继续办理",)),
)
T3_RESULT_ROWS = tuple(key for key, _ in T3_ROWS[2:-2])  # the 21 rows （一）…（六）3

# --------------------------------------------------------------------------- table 4
T4_REVIEW = "行政复议"
T4_LITIGATION = "行政诉讼"
T4_GROUPS = (
    ("review", T4_REVIEW),
    ("direct_suit", "未经复议直接起诉"),
    ("suit_after_review", "复议后起诉"),
)
T4_COLUMNS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

def _label_cells(rows: tuple[tuple[str, tuple[str, ...]], ...], first_row: int, depth: int) -> list[GridCell]:
    """Label cells for hierarchical row labels: a group label spans its rows, a
    leaf label spans the label columns left over to its right."""
    cells: list[GridCell] = []
    for level in range(depth):
        start = 0
        while start < len(rows):
            path = rows[start][1]
            if level >= len(path):
                start += 1
                continue
            end = start + 1
            if level < len(path) - 1:  # a group: extend over rows sharing this prefix
                while end < len(rows) and rows[end][1][: level + 1] == path[: level + 1]:
                    end += 1
            leaf = level == len(path) - 1
            cells.append(
                GridCell(
                    row=first_row + start,
                    col=level,
                    kind="label",
                    text=path[level],
                    rowspan=end - start,
                    colspan=depth - level if leaf else 1,
                )
            )
            start = end
    return cells


def _table2(blocks=T2_BLOCKS) -> tuple[Table, list[Field]]:
    """Table 2 from its blocks: (caption, value columns, rows, kind — one for all columns
    or one per column).  The value columns share the three columns after 信息内容; a
    block with fewer spans them (the last column takes what is left)."""
    cells: list[GridCell] = []
    fields: list[Field] = []
    row = 0
    for caption, columns, rows, kind in blocks:
        kinds = (kind,) * len(columns) if isinstance(kind, str) else kind
        cells.append(GridCell(row, 0, "caption", caption, colspan=4))
        row += 1
        cells.append(GridCell(row, 0, "header", T2_CONTENT_HEADER))
        span = 3 // len(columns)
        spans = [span] * (len(columns) - 1) + [3 - span * (len(columns) - 1)]
        for i, (_, label) in enumerate(columns):
            cells.append(GridCell(row, 1 + i * span, "header", label, colspan=spans[i]))
        row += 1
        for row_key, row_label in rows:
            cells.append(GridCell(row, 0, "label", row_label))
            for i, (col_key, col_label) in enumerate(columns):
                key = f"t2.{row_key}.{col_key}"
                cells.append(GridCell(row, 1 + i * span, "value", key=key, colspan=spans[i]))
                fields.append(Field(key, "t2", kinds[i], f"{caption} {row_label}", col_label, "", ""))
            row += 1
    table = Table("t2", "表二", PART_2[2:], ncols=4, nrows=row, cells=tuple(cells),
                  col_widths=(2.2, 1, 1, 1))
    return table, fields


def _table3(t3_rows=T3_ROWS) -> tuple[Table, list[Field], list[SumRule], list[BalanceRule]]:
    result_rows = tuple(key for key, _ in t3_rows[2:-2])  # （一）…（六）
    cells = [
        GridCell(0, 0, "header", T3_CORNER, rowspan=3, colspan=3),
        GridCell(0, 3, "header", T3_APPLICANTS, colspan=7),
        GridCell(1, 3, "header", T3_COLUMNS[0][1], rowspan=2),
        GridCell(1, 4, "header", T3_ORGS, colspan=5),
        GridCell(1, 9, "header", T3_COLUMNS[6][1], rowspan=2),
    ]
    cells += [GridCell(2, 4 + i, "header", label) for i, (_, label) in enumerate(T3_COLUMNS[1:6])]
    cells += _label_cells(t3_rows, first_row=3, depth=3)
    fields: list[Field] = []
    for r, (row_key, path) in enumerate(t3_rows):
        for c, (col_key, col_label) in enumerate(T3_COLUMNS):
            key = f"t3.{row_key}.{col_key}"
            cells.append(GridCell(3 + r, 3 + c, "value", key=key))
            is_total = col_key == "total" or row_key == "results_total"
            column = col_label if c in (0, 6) else f"{T3_ORGS}·{col_label}"
            row_label = " ".join(path[1:]) if len(path) > 1 else path[0]
            fields.append(Field(key, "t3", "count", row_label, column, "", "", is_total))
    sums = [
        SumRule("t3-row-total", f"t3.{row_key}.total", tuple(f"t3.{row_key}.{c}" for c, _ in T3_COLUMNS[:6]))
        for row_key, _ in t3_rows
    ]
    # The 总计 column's results total is the row sum above; its column relation follows.
    sums += [
        SumRule("t3-results-total", f"t3.results_total.{col}", tuple(f"t3.{r}.{col}" for r in result_rows))
        for col, _ in T3_COLUMNS[:6]
    ]
    # 勾稽 for the six applicant columns; the 总计 column follows from them and the row totals.
    balances = [
        BalanceRule(
            "t3-balance",
            left=(f"t3.new_received.{col}", f"t3.carried_over.{col}"),
            right=(f"t3.results_total.{col}", f"t3.carried_forward.{col}"),
            column_label=label,
        )
        for col, label in T3_COLUMNS[:6]
    ]
    table = Table("t3", "表三", PART_3[2:], ncols=10, nrows=3 + len(t3_rows),
                  cells=tuple(cells), col_widths=(1.1, 1.6, 3.6) + (1,) * 7)
    return table, fields, sums, balances


def _table4() -> tuple[Table, list[Field], list[SumRule]]:
    n = len(T4_COLUMNS)
    cells = [
        GridCell(0, 0, "header", T4_REVIEW, colspan=n),
        GridCell(0, n, "header", T4_LITIGATION, colspan=2 * n),
    ]
    cells += [GridCell(1, i, "header", label, rowspan=2) for i, (_, label) in enumerate(T4_COLUMNS)]
    for g, (_, group_label) in enumerate(T4_GROUPS[1:], start=1):
        cells.append(GridCell(1, g * n, "header", group_label, colspan=n))
        cells += [GridCell(2, g * n + i, "header", label) for i, (_, label) in enumerate(T4_COLUMNS)]
    fields: list[Field] = []
    sums: list[SumRule] = []
    for g, (group_key, group_label) in enumerate(T4_GROUPS):
        for i, (col_key, col_label) in enumerate(T4_COLUMNS):
            key = f"t4.{group_key}.{col_key}"
            cells.append(GridCell(3, g * n + i, "value", key=key))
            row_label = group_label if g == 0 else f"{T4_LITIGATION}·{group_label}"
            fields.append(Field(key, "t4", "count", row_label, col_label, "", "", col_key == "total"))
        sums.append(
            SumRule("t4-total", f"t4.{group_key}.total", tuple(f"t4.{group_key}.{c}" for c, _ in T4_COLUMNS[:-1]))
        )
    table = Table("t4", "表四", PART_4[2:], ncols=3 * n, nrows=4, cells=tuple(cells),
                  col_widths=(1,) * (3 * n))
    return table, fields, sums


def _place(fields: list[Field], tables: tuple[Table, ...]) -> tuple[Field, ...]:
    """Give every field its sheet and cell address from where its table puts it."""
    where = {c.key: (t, c) for t in tables for c in t.cells if c.kind == "value"}
    placed = []
    for f in fields:
        table, cell = where[f.key]
        placed.append(Field(f.key, f.table, f.kind, f.row_label, f.col_label, table.sheet,
                            table.address(cell.row, cell.col), f.is_total))
    return tuple(placed)


# --------------------------------------------------------------------------- text facts
# Numbers the text of a report states about its tables (FORMAT.md §5, text vs tables),
# with the phrases reports use for them; see spec.TextFact.  “收到” in prose may mean
# 新收 or 新收 + 上年结转 (FORMAT.md §5), so both readings are accepted.
_CLAUSE = r"[^，。；;：:]"
TEXT_FACTS = (
    TextFact(
        subject="收到的政府信息公开申请",
        phrase=rf"(?:收到|新收|受理|接收到?|接到){_CLAUSE}{{0,20}}?申请(?:数量|数)?",
        readings=(("t3.new_received.total",), ("t3.new_received.total", "t3.carried_over.total")),
        # “未收到该申请人提交的补正” is about a correction, not about applications: 申请人 is not 申请.
        zero=rf"(?:未|没有)(?:接收到|收到|接到|受理|接收)(?:(?!补正){_CLAUSE}){{0,20}}?申请(?!人)",
        exclude=r"复议|诉讼|办结|结转|答复|其中",
        around=(r"(?:收到|新收|受理|接收到?|接到)", r"(?:政府信息公开|信息公开)?申请"),
        unit="件|份|条",  # “共收到申请0条”
        draft="{year}年，本机关收到政府信息公开申请{value}件",
        section="overview", heading="（二）依申请公开情况。",
    ),
    TextFact(
        subject=T4_REVIEW, phrase=T4_REVIEW, readings=(("t4.review.total",),),
        zero=rf"(?:未|没有|无)(?:发生|产生|收到|涉及|被提起|提起)?{_CLAUSE}{{0,20}}?{T4_REVIEW}",
        draft="{year}年，本机关因政府信息公开被申请" + T4_REVIEW + "{value}件", section="overview",
    ),
    TextFact(
        subject=T4_LITIGATION, phrase=T4_LITIGATION,
        readings=(("t4.direct_suit.total", "t4.suit_after_review.total"),),
        zero=rf"(?:未|没有|无)(?:发生|产生|收到|涉及|被提起|提起)?{_CLAUSE}{{0,20}}?{T4_LITIGATION}",
        draft="被提起" + T4_LITIGATION + "{value}件", section="overview",
    ),
    TextFact(
        subject="本年制发的行政规范性文件",
        phrase=rf"(?:制发|印发|出台|制定){_CLAUSE}{{0,8}}?规范性文件|规范性文件{_CLAUSE}{{0,4}}?(?:制发|印发|制定)",
        readings=(("t2.normative_documents.issued",),), exclude="现行有效|废止",
        draft="{year}年，本机关制发行政规范性文件{value}件", section="overview", heading="（一）主动公开情况。",
    ),
    TextFact(
        subject="现行有效的行政规范性文件",
        phrase=rf"现行有效{_CLAUSE}{{0,8}}?规范性文件|规范性文件{_CLAUSE}{{0,6}}?现行有效",
        readings=(("t2.normative_documents.in_force",),), exclude="制发|印发|废止",
        draft="现行有效行政规范性文件{value}件", section="overview", heading="（一）主动公开情况。",
    ),
    TextFact(subject="行政处罚决定", phrase=r"行政处罚", readings=(("t2.penalty.decisions",),),
             exclude="行政许可|行政强制"),
    TextFact(subject="行政许可决定", phrase=r"行政许可", readings=(("t2.licensing.decisions",),),
             exclude="行政处罚|行政强制"),
)


def build(**changes) -> ReportFormat:
    """This format; ``changes`` replace some of its parts (the 2019 format is built so)."""
    t2, f2 = _table2()
    t3, f3, sums3, balances = _table3()
    t4, f4, sums4 = _table4()
    tables = (t2, t3, t4)
    if "obsolete_layouts" not in changes:  # (the 2019 format, built from here, has none)
        changes["obsolete_layouts"] = (LAYOUT_2019,)
    return ReportFormat(**{**dict(
        id="gov-2021",
        name="政府信息公开工作年度报告格式（国办公开办函〔2021〕30号）",
        first_year=2021,
        last_year=None,
        title_pattern="{agency}{year}年政府信息公开工作年度报告",
        info_fields=(
            InfoField("agency", "机关名称", required=True, hint="发布报告的行政机关全称，如：湘乡市科技和工业信息化局"),
            InfoField("year", "报告年度", required=True, kind="year", hint="四位数字，如：2023"),
            InfoField("website", "网站地址", hint="公布报告的网站，如：http://www.xxs.gov.cn/"),
            InfoField("contact", "联系方式", hint="联系地址、邮编、电话等，可空"),
            InfoField("publication_date", "发布日期", kind="date", hint="如：2024-01-20，可空"),
            InfoField("title_break", "标题分行",
                      hint="可空：自动在年度前换行。要自己分行，照抄标题并用“/”隔开各行，如：某某县人民政府办公室/2023年政府信息公开工作年度报告"),
        ),
        text_sections=(
            TextSection("preamble", "前言", required=False,
                        hint="报告依据、统计期限、下载地址、联系方式等"),
            TextSection("overview", PART_1,
                        hint="主动公开、依申请公开、政府信息管理、平台建设、监督保障；原则上不超过一千字"),
            TextSection("problems", PART_5, hint="问题和改进措施要具体，不得年年雷同"),
            TextSection("other_matters", PART_6,
                        hint="必须写明收取信息处理费的情况，未收取也要写明，如：本年度未收取信息处理费"),
        ),
        parts=(
            Part("", text="preamble"),
            Part(PART_1, text="overview"),
            Part(PART_2, table="t2"),
            Part(PART_3, table="t3"),
            Part(PART_4, table="t4"),
            Part(PART_5, text="problems"),
            Part(PART_6, text="other_matters"),
        ),
        tables=tables,
        fields=_place(f2 + f3 + f4, tables),
        sum_rules=tuple(sums3 + sums4),
        balance_rules=tuple(balances),
        text_facts=TEXT_FACTS,
        other_share_key="t3.other_other.total",
        results_total_key="t3.results_total.total",
        # 上年结转 per applicant column (the 总计 column follows, as for 勾稽).
        carry_rules=tuple(CarryRule(f"t3.carried_over.{col}", f"t3.carried_forward.{col}")
                          for col, _ in T3_COLUMNS[:6]),
        stock_rules=tuple(StockRule(f"t2.{row}.in_force", f"t2.{row}.issued", f"t2.{row}.repealed")
                          for row, _ in T2_BLOCKS[0][2]),
        repeated_text_key="problems",
    ), **changes})


# The 2019 trial format is built on this one's labels; what recognising it in a later
# report needs is its own data.  (Imported here, after everything it uses is defined.)
from reportgen.formats.gov2019 import LAYOUT as LAYOUT_2019  # noqa: E402

FORMAT = build()
