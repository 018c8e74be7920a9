"""The trial format of 国办公开办函〔2019〕60号, for the 2019 and 2020 reports.

What changed in 2021 (docs/reference/notice-2019-60-differences.txt): table 2
had five items with other columns (本年新制作数量 / 本年新公开数量 / 对外公开总数量;
上一年项目数量 / 本年增/减 / 处理决定数量; 采购项目数量 / 采购总金额), its row was
called “规范性文件”, and table 3 had a single “（六）其他处理” row.  Parts, table 3's
other rows and table 4 are the 2021 format's own, so they come from there.

A field that means the same in both formats has the same key in both (e.g. the
处理决定数量 of 行政许可 is ``t2.licensing.decisions``); one that does not has a key of
its own.  That is all an importer needs to carry the numbers of a 2021+ report
still printed in this layout over to the current format: only the shared keys.
"""

from __future__ import annotations

from reportgen.formats.spec import ObsoleteLayout, ReportFormat
from reportgen.formats import gov2021 as current

NOTICE = "国办公开办函〔2019〕60号"
ID = "gov-2019"
NAME = f"政府信息公开工作年度报告格式（试行）（{NOTICE}）"

_ITEMS = (("last_year_items", "上一年项目数量"), ("change", "本年增/减"))
# (caption, value columns, rows, kind of each column): the 2019 table 2.
T2_BLOCKS = (
    ("第二十条第（一）项",
     (("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"), ("published_total", "对外公开总数量")),
     (("regulations", "规章"), ("normative_documents", "规范性文件")), "count"),
    ("第二十条第（五）项", _ITEMS + (("decisions", "处理决定数量"),),
     (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")), ("count", "change", "count")),
    ("第二十条第（六）项", _ITEMS + (("decisions", "处理决定数量"),),
     (("penalty", "行政处罚"), ("coercion", "行政强制")), ("count", "change", "count")),
    ("第二十条第（八）项", _ITEMS, (("fees", "行政事业性收费"),), ("count", "change")),
    ("第二十条第（九）项", (("items", "采购项目数量"), ("amount", "采购总金额")),
     (("procurement", "政府集中采购"),), ("count", "amount")),
)

OTHER_PROCESSING = "（六）其他处理"
# Table 3: the 2021 rows, with the three （六） rows as the one row this format had.
T3_ROWS = tuple(row for row in current.T3_ROWS if not row[0].startswith("other_"))[:-2] + (
    ("other_processing", (current.T3_ROWS[2][1][0], OTHER_PROCESSING)),) + current.T3_ROWS[-2:]

# Labels the 2021 format renamed: (table key, row key, the label this format printed).
# A 2021+ report printing one of them is read into the row, with a changed-label finding.
RENAMED_ROWS = (("t2", "normative_documents", "规范性文件"),)


def _layout() -> ObsoleteLayout:
    """This format as the 2021 format's importers recognise it in a later report."""
    now = {label for _, columns, rows, _ in current.T2_BLOCKS
           for label in [c for _, c in columns] + [r for _, r in rows]}
    now |= {caption for caption, *_ in current.T2_BLOCKS}
    old = [label for caption, columns, rows, _ in T2_BLOCKS
           for label in (caption, *(c for _, c in columns), *(r for _, r in rows))]
    return ObsoleteLayout(
        name=f"2019 年试行格式（{NOTICE}）",
        format_id=ID,
        table_labels=tuple(("t2", label) for label in dict.fromkeys(old) if label not in now),
        # The single （六）其他处理 row: the 2021 format split it into three rows it cannot be mapped to.
        rows=(("t3", OTHER_PROCESSING),),
        renamed=RENAMED_ROWS,
        splits=(("t3", "other_processing", tuple(key for key, _ in current.T3_ROWS if key.startswith("other_"))),),
    )


LAYOUT = _layout()

# The text facts whose fields this format has (the 2021 ones about 行政规范性文件 name
# columns it did not have).
_TEXT_FACTS = tuple(fact for fact in current.TEXT_FACTS
                    if all(key.split(".")[1] not in ("normative_documents",) for keys in fact.readings for key in keys))


def build() -> ReportFormat:
    t2, f2 = current._table2(T2_BLOCKS)
    t3, f3, sums3, balances = current._table3(T3_ROWS)
    t4, f4, sums4 = current._table4()
    tables = (t2, t3, t4)
    return current.build(
        id=ID,
        name=NAME,
        first_year=2019,
        last_year=2020,
        tables=tables,
        fields=current._place(f2 + f3 + f4, tables),
        sum_rules=tuple(sums3 + sums4),
        balance_rules=tuple(balances),
        text_facts=_TEXT_FACTS,
        other_share_key="t3.other_processing.total",
        stock_rules=(),  # 对外公开总数量 is not a stock of documents in force
        # The 信息处理费 (国办函〔2020〕109号) is charged from 2021 on: a 2019 or 2020 report
        # has no fee to state, and its part 六 may well say only “无”.
        fee_keyword="",
        obsolete_layouts=(),
    )


FORMAT = build()

