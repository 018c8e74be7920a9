"""Findings: what the checks say about a workbook, as data.

Every finding has a stable ``code`` from :data:`CATALOGUE`, which gives its
severity, a short title and the message template.  The console, ``--json``,
``--annotate`` and the generated docs/checks.md all print from here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"  # 错误: the report must not be produced until it is fixed
    WARNING = "warning"  # 提醒: reported, does not block

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "提醒"


@dataclass(frozen=True)
class FindingType:
    code: str
    severity: Severity
    title: str  # short, Chinese: the group heading in the console
    template: str  # the message, str.format()-ed with the finding's params
    description: str  # for the docs: when it fires
    # For faults of one cell: how the console says “N of them” when it groups many in
    # one table into one line per block of rows (“共 126 个数字格为空…”).
    grouped: str = ""
    group_hint: str = ""  # printed once under the grouped lines
    # A doubt about reading a published report (cells that ran together), not a fault of
    # the report: ``audit`` calls such a report 需对照原文核对, not 有错误.
    doubt: bool = False


E, W = Severity.ERROR, Severity.WARNING

_TYPES = (
    # ---- one cell
    FindingType("blank-value", E, "数字格为空",
                "这一格{shown}（核对合计时暂按 0 计算）。公布的表格不能留空或只填符号，没有数据应填 0。",
                "A number cell is blank or holds a placeholder such as “/”, “—”, “无”. The sums and the 勾稽 "
                "relation count it as 0, so that every other fault is found in the same check.",
                "个数字格为空或只填了符号",
                "核对合计时空格暂按 0 计算。没有数据请填 0；reportgen fix 可把它们一次填为 0。"),
    FindingType("not-a-number", E, "数字格里有非数字内容",
                "格内是“{value}”，不是数字。请只填阿拉伯数字，不要带单位或文字（如“12件”应填 12）。",
                "A number cell holds text that is not a number, e.g. “12件”.",
                "个数字格里有非数字内容", "请只填阿拉伯数字，不要带单位或文字。"),
    FindingType("not-whole-number", E, "件数不是整数",
                "格内是 {value}，件数必须是整数。请填写整数。",
                "A count holds a fraction, e.g. 3.5.", "个件数不是整数"),
    FindingType("negative-number", E, "数字为负数",
                "格内是 {value}，这里不能是负数。请填写 0 或正数。",
                "A number is below zero.", "个数字为负数"),
    FindingType("number-too-large", E, "数字过大或过长",
                "格内是“{value}”，{reason}。请核对这一格。",
                "A number typed as text longer than limits.max_number_chars, with an exponent beyond "
                "±limits.max_exponent (1e5000), or a count of 10^12 or more: refused at its cell, never "
                "computed with."),
    FindingType("fee-many-decimals", W, "金额小数位过多",
                "格内是 {value}，有 {places} 位小数；金额以万元为单位，{limit} 位小数已精确到 0.01 元。"
                "已按所填数字读取，请核对是否多填了数字。",
                "The 万元 amount has more than limits.max_fee_decimals decimals (a 提醒: the value is kept "
                "exactly as typed; 6 decimals of 万元 are 0.01 元, so more usually means a typo)."),
    FindingType("number-as-text", W, "数字以文本形式填写（已自动识别）",
                "格内是文本“{value}”，已按数字 {expected} 读取。如无误可不处理；建议改为直接输入数字。",
                "A number typed as text, with full-width digits or stray spaces; read as the number.",
                "个数字以文本形式填写（已按数字读取）",
                "reportgen fix 可把它们一次改为数字。"),
    FindingType("unreadable-formula", E, "格内公式无法读取",
                "格内是公式 {value}，且没有保存计算结果。请直接填写数字。",
                "A value cell holds a formula whose result the workbook does not store."),
    FindingType("control-characters", W, "文字中有不可见的控制字符（已删除）",
                "这段文字含 {value} 个不可见的控制字符（多来自从 PDF 或聊天软件复制的文字），生成报告时已删除。",
                "Text holds characters that are illegal in Word files (0x00–0x1F but tab/newline)."),
    FindingType("table-row-inserted", E, "表格中插入了行",
                "第 {row} 行是插入的行（{value}），不属于标准表格，其下各行因此下移。请删除第 {row} 行"
                "（把其中的数字填到标准的行里），不要在表格中插入行。",
                "A row was inserted into an official table: found by matching the row labels, reported once "
                "naming the row (not as every label below it shifted)."),
    FindingType("table-row-deleted", E, "表格中删除了行",
                "标准表格的“{expected}”一行被删除（应在第 {row} 行），其下各行因此上移。"
                "请用标准工作簿重新填写这张表，或在第 {row} 行补回这一行。",
                "A row of an official table was deleted: found by matching the row labels, reported once."),
    FindingType("label-changed", E, "表格标签被改动",
                "这里应是“{expected}”，现在是“{value}”。请不要改动表格的标签；请用最新的标准工作簿重新填写。",
                "A label of an official table differs from the format (an edited or obsolete layout).",
                "个表格标签被改动", "请不要改动表格的标签。"),
    # ---- sums
    FindingType("t3-row-total", E, "表三：总计不等于各类申请人之和",
                "{lead}总计是 {value}，但本行各列 {arith}。{advice}",
                "Table 3, a row: 总计 ≠ 自然人 + the five 法人或其他组织 columns."),
    FindingType("t3-results-total", E, "表三：（七）总计不等于各项办理结果之和",
                "{lead}{group}是 {value}，但本列各项办理结果 {arith}。{advice}",
                "Table 3, a column: （七）总计 ≠ the sum of the 21 result rows."),
    FindingType("t3-balance", E, "表三：勾稽关系不成立（一 + 二 应等于 三（七）总计 + 四）",
                "{column}列：{arith}。请核对本列的新收、上年结转、办理结果和结转下年度各格。",
                "Table 3, a column: 一 + 二 ≠ （七）总计 + 四."),
    FindingType("t4-total", E, "表四：总计不等于各项之和",
                "{lead}{group}的总计是 {value}，但 {arith}。{advice}",
                "Table 4: for 复议, 直接起诉 or 复议后起诉, 总计 ≠ 维持 + 纠正 + 其他 + 尚未审结. "
                "For every sum rule: when the total cell holds a typed number where the workbook had its "
                "formula, the message says the formula was typed over and gives the typed and the computed value."),
    FindingType("relations-unchecked", W, "部分合计、勾稽关系暂时无法核对",
                "有 {value} 个关系（{rules}）用到的格子没有可用的数字（{cells_text}），这些关系这次无法核对；"
                "其余关系都已核对（空格按 0 计算）。{advice}",
                "A sum or balance involves a cell that is not a number (e.g. “12件”): only those relations "
                "are left unchecked, and this one summary says how many and why."),
    # ---- the report as a whole
    FindingType("missing-info", E, "基本信息缺项",
                "“{label}”没有填写。{advice}",
                "The agency name or the report year is missing."),
    FindingType("invalid-year", E, "报告年度无效",
                "报告年度是“{value}”，不是有效的年份。请填写四位数字的年份，如 2023。",
                "The year is not a plausible four-digit year."),
    FindingType("year-as-text", W, "报告年度带有文字（已自动识别）",
                "报告年度填的是“{value}”，已按 {expected} 年读取。建议只填四位数字，如 {expected}。",
                "The year was typed with 年 or as text (“2025年”); read as the number."),
    FindingType("year-not-covered", E, "该年度不适用本格式",
                "报告年度是 {value}，本格式（{format}）适用于 {first} 年及以后的年度报告。请核对年度。",
                "The year is one the workbook's format does not apply to (2019 and 2020 used the trial format)."),
    FindingType("unknown-section", E, "文字部分的“部分”名称无法识别",
                "“{value}”不是报告的文字部分。请从下拉列表中选择：{expected}。",
                "A row of the text sheet names a part that does not exist."),
    FindingType("missing-text", E, "必填的文字部分为空",
                "“{label}”还没有填写内容（{hint}）。",
                "A mandatory text part (一, 五 or 六) is empty."),
    FindingType("fee-not-reported", E, "未说明信息处理费收取情况",
                "第六部分没有说明是否收取了信息处理费（只写“无”或只写其他事项都不算）。没有收取也要写明，"
                "可以写：“{sentence}”；收取了的请写明金额。{advice}",
                "Part 六 does not say whether 信息处理费 was charged (the notice requires it); the message proposes "
                "the sentence ``draft`` writes."),
    FindingType("overview-too-long", W, "总体情况超过一千字",
                "“一、总体情况”有 {value} 字，格式要求原则上不超过 {expected} 字。建议精简。",
                "Part 一 is longer than the notice's 1000 characters."),
    FindingType("other-share-high", W, "“其他”处理的申请占比偏高",
                "“{label}”有 {value} 件，占{total_label} {total} 件的 {share}，"
                "超过 {limit}。请确认这些申请确实不属于前面列出的任何情形。",
                "Table 3: （六）3.其他 is a high share of （七）总计 (supervisors look into it)."),
    FindingType("draft-text", E, "文字部分还有待核改的草拟文字",
                "这一段是 reportgen 草拟的标准文字（以“{value}”开头）。请核对、修改，确认后删除“{value}”标记；"
                "带着标记的文字不能印进报告。",
                "A paragraph still starts with the marker that new-workbook / draft put on drafted sentences: "
                "an error, so that an unread draft (e.g. “本年度未收取信息处理费” where fees were charged) is never "
                "published with its marker."),
    # ---- text against the tables (checks/text_vs_table.py)
    FindingType("text-table-mismatch", W, "文字与表格的数字不一致",
                "文字写的是“{sentence}”，即{subject} {value} 件，但表格中{table_place}。"
                "请核对文字或表格，使两者一致。",
                "A number the text states about the tables (applications received, 行政复议, 行政诉讼, "
                "规范性文件 制发/现行有效, 行政处罚, 行政许可; Arabic or Chinese numerals, “未接收到…申请” = 0) "
                "differs from the table. For applications received, either 新收 or 新收 + 上年结转 is accepted."),
    # ---- this year against last year (checks/crossyear.py)
    FindingType("crossyear-carry", W, "上年结转与上年报告的结转下年度不一致",
                "本年{row}（{column}）是 {value}，上年报告的{last_row}（{column}，{last_place}）是 {expected}。"
                "两者应相等，请核对本年或上年的数字。",
                "This year's 二、上年结转 differs from last year's 四、结转下年度继续办理, column by column."),
    FindingType("crossyear-stock", W, "现行有效件数与上年不衔接",
                "{row}：本年现行有效 {value} 件，但上年现行有效 {last} + 本年制发 {added} - 本年废止 {removed} = "
                "{expected} 件（上年数字在{last_place}）。如有集中清理等原因可不处理，否则请核对。",
                "现行有效件数 ≠ last year's 现行有效 + 本年制发 − 本年废止 (规章 and 行政规范性文件); "
                "legitimately fails after clean-ups."),
    FindingType("crossyear-repeated-text", W, "文字与上年报告雷同",
                "“{label}”与上年报告相同 {share}。问题和改进措施不得年年雷同，请按本年的情况重写。",
                "A text part (五) is nearly identical to last year's (the share of identical text is given)."),
    FindingType("crossyear-year", W, "报告年度与上年报告不衔接",
                "报告年度是 {value}，用来比较的上年报告是 {last} 年的，应是 {expected} 年。请确认比较的是上一年的报告。",
                "The report compared against is not the year before."),
    # ---- a collection of workbooks (collection.py)
    FindingType("collection-duplicate-agency", E, "同一机关交了不止一份工作簿",
                "机关名称“{value}”在本批 {count} 个工作簿中都出现，另见：{others}。这几份都不生成报告、不计入汇总，"
                "直到确定用哪一份：请把不用的移出文件夹{choose}。",
                "Two or more workbooks of a batch name the same agency (with the other files' names): none is "
                "rendered or summed until the office takes the others out or names the one to use (``--use``)."),
    FindingType("collection-other-year", E, "报告年度与本批其他工作簿不同",
                "报告年度是 {value}，本批是 {expected} 年的工作簿。这一份不生成报告、不计入汇总：请换交 {expected} 年的"
                "工作簿{choose}。",
                "A workbook's year differs from the batch's (``--year``, or the most common year): not rendered or "
                "summed unless the office names it (``--use``)."),
    FindingType("collection-mixed-years", W, "本批工作簿的年度不一致",
                "本批工作簿的年度不一致（{years}），没有哪一年占多数，所以都照常处理。如果它们是同一批收回的，"
                "请用 --year 指定本批的年度：其他年度的就不生成报告、不计入汇总。",
                "A batch whose years tie (no year is the most common): every file is used, each is told to give "
                "``--year``."),
    FindingType("collection-not-on-roster", W, "机关不在名单上",
                "机关名称“{value}”不在名单 {roster} 上。{hint}请核对机关名称是否写错，或名单是否漏了这个机关。",
                "With ``--roster``: a workbook's agency is not on the office's list (the closest agency of the list "
                "that sent nothing is suggested)."),
    FindingType("web-other-agency", E, "工作簿是另一个机关的",
                "这份工作簿的机关名称是“{value}”，但这是“{expected}”的报送链接。请上传{expected}的工作簿；"
                "若只是机关名称填错了，请改为“{expected}”后重新上传。",
                "An upload through an agency's personal link (``serve``) names another agency: not rendered, so "
                "one agency cannot report in another's name."),
    # ---- importing a published report (importers/)
    FindingType("import-missing-part", E, "报告缺少一个部分",
                "没有找到“{label}”这一部分（标题可能被改动或漏掉）。报告应包括前言和第一至第六部分。",
                "A published report lacks one of parts 一–六 (its heading is not found)."),
    FindingType("import-heading-changed", E, "部分标题与规定格式不一致",
                "这一部分的标题应是“{expected}”，报告中是“{value}”。这一部分的内容已照常读取。",
                "A part heading reworded but numbered as the format numbers it (六、需要说明的其他事项): the part "
                "is read from there, the heading named (not a missing part)."),
    FindingType("import-missing-table", E, "报告缺少一张表格",
                "没有找到{label}（{caption}）的表格。",
                "None of a table's row labels is found in the published report."),
    FindingType("import-missing-row", E, "表格缺少一行",
                "{table}中没有找到“{label}”这一行。请按国家规定的格式补上这一行。",
                "A row of an official table (e.g. 规章) is missing from the published report."),
    FindingType("import-label-changed", E, "表格标签与规定格式不一致",
                "这一行的标签应是“{expected}”，报告中是“{value}”（错字或改动）。数字已按这一行读取。",
                "A row label differs from the format's (a typo or an edit); found by similarity, numbers read."),
    FindingType("import-obsolete-layout", E, "使用了已废止的表格格式",
                "{table}使用的是{layout}（报告中有“{value}”）；{year}年度报告应使用{format}。{mapped}",
                "A table in the 2019 trial layout in a report for 2021 or later: read by the 2019 format's table, only "
                "the cells both formats share kept (a single （六）其他处理 row gives 0 to its three current rows where "
                "it is 0); the others are blank and remembered as not read."),
    FindingType("import-cell-count", E, "表格一行的数字个数不对",
                "只找到 {value} 个数字，这一行应有 {expected} 个。这一行未读取，请对照原文核对。",
                "A row of a published table holds fewer or more numbers than the format's row has cells."),
    FindingType("import-blank-row", E, "表格有一整行空白",
                "“{label}”这一行的 {expected} 个格子都是空的。公布的表格不能留空，没有数据应填 0。",
                "Every cell of a row of a published table is blank."),
    FindingType("import-uncertain", E, "数字连在一起，无法确定怎样分格",
                "原文这一行的数字连在一起（“{value}”），符合表格合计关系和报告中其他数字的读法不止一种，"
                "这一格可能是 {expected}。导入的工作簿中这一格是空的，并记为“未能读取”；请对照原文。",
                "Plain text ran the cells of a row together and more than one split satisfies every sum and "
                "every fact the report states; the cells the readings disagree on are left blank, every "
                "candidate listed (a reading doubt, not a fault of the report).", doubt=True),
    FindingType("import-unsplittable", E, "数字连在一起，无法分成这一行的格子",
                "原文这一行是“{value}”，按“除 0 以外的数不以 0 开头”无法分成 {expected} 个数。"
                "导入的工作簿中这一行是空的，并记为“未能读取”；请对照原文。",
                "Run-together digits that no split gives the row's cells from (e.g. “005” for two cells); the "
                "row is left blank (a reading doubt).", doubt=True),
    FindingType("import-cells-lost", E, "网页文字中丢了空格子，这一行无法确定",
                "原文这一行是“{value}”。本表有的行在网页文字中少了数字（网页上的空格子在文字里没有留下痕迹），"
                "而这一行能分成 {expected} 格的读法都不符合本行的合计，很可能也丢了空格子。"
                "导入的工作簿中这一行是空的，并记为“未能读取”；请对照原文。",
                "Run-together digits of a row whose every split breaks the row's own total, in a table where other "
                "rows show that blank cells vanished from the page text: the split is not trusted (a reading "
                "doubt, not a fault of the report); the row is left blank.", doubt=True),
    FindingType("import-label-old", E, "表格标签是旧格式的名称",
                "这一行的标签应是“{expected}”，报告中是{layout}的名称“{value}”。数字已按这一行读取。",
                "A row label of an earlier format (规范性文件 for 行政规范性文件) in a report of a later year: "
                "the row is read, the label named."),
    FindingType("import-resolved", W, "连在一起的数字已由报告中的其他事实确定",
                "原文这一行的数字连在一起（“{value}”），根据{fact}，这一格是 {expected}。",
                "Run-together digits whose split the row's own sums left open, settled by a fact the report "
                "states elsewhere (part 一's counts) or by the previous year's report (现行有效 chain)."),
    FindingType("unreadable-cell", E, "导入时未能读取的格子",
                "这一格导入已发布的报告时未能读取（{value}），现在是空的。请对照原文填写这一格。",
                "An imported workbook remembers the cells it could not read (hidden sheet 导入记录); `check` "
                "names them instead of calling them blank, and `fix` does not fill them.", doubt=True),
    # ---- published against accepted (audit --against)
    FindingType("against-cell", E, "发布的数字与审定的工作簿不同",
                "发布的是 {value}，审定的工作簿（{workbook}）是 {expected}。",
                "audit --against: a table cell of the published report differs from the accepted workbook (a cell "
                "whose digits ran together differs only when the accepted number is none of its readings)."),
    FindingType("against-text", E, "发布的文字与审定的工作簿不同",
                "发布的是“{value}”，审定的工作簿（{workbook}）是“{expected}”。",
                "audit --against: a sentence of a text part was changed, added or left out (compared sentence by "
                "sentence, spaces and paragraph breaks aside)."),
    FindingType("against-title", E, "发布的标题与审定的工作簿不同",
                "发布的报告中{label}是“{value}”，审定的工作簿（{workbook}）是“{expected}”。",
                "audit --against: the agency or the year in the published title differs."),
    FindingType("against-signature", E, "发布的落款或结束语与审定的工作簿不同",
                "发布的报告中{label}是 {value}，审定的工作簿（{workbook}）是 {expected}。",
                "audit --against: the 落款's date, the website or the contact differs from the accepted workbook."),
    FindingType("against-format", E, "发布的报告与审定的工作簿格式不同",
                "发布的报告按{value}读取，审定的工作簿（{workbook}）是{expected}，无法逐格比较。",
                "audit --against: the published report and the workbook are of different formats."),
    FindingType("against-missing", W, "没有找到对应的审定工作簿",
                "在 {value} 中没有找到{expected}的工作簿，这份报告没有与审定的工作簿比较。",
                "audit --against: no accepted workbook of the report's agency and year."),
    # ---- hostile input: text no file can hold, text no report can hold (safety.py, limits.py)
    FindingType("unencodable-characters", W, "文字中有无法保存的字符（已替换）",
                "这段文字含 {value} 个无法保存到文件的字符（残缺的字符编码，多来自复制粘贴或其他软件导出），"
                "已替换为“\ufffd”。请核对这段文字。",
                "Text holds code points no file can hold (lone surrogates, e.g. Excel's _xD800_); replaced by U+FFFD."),
    FindingType("text-too-long", E, "文字超过一格能容纳的长度",
                "这一格有 {value} 个字，超过了一个单元格的上限 {expected} 个字（Excel 的限制）。"
                "请检查是否误粘贴了大量内容，或把内容分到几行。",
                "A text cell holds more characters than Excel allows in one cell (32767)."),
)

CATALOGUE: dict[str, FindingType] = {t.code: t for t in _TYPES}


@dataclass(frozen=True)
class Location:
    """Where a finding is: sheet, cell and the labels a clerk reads there."""

    sheet: str
    cell: str = ""
    row_label: str = ""
    col_label: str = ""

    @classmethod
    def of(cls, field) -> "Location":
        """Where a value field of the format is: its sheet, cell, row and column labels."""
        return cls(field.sheet, field.cell, field.row_label, field.col_label)

    def __str__(self) -> str:
        labels = " / ".join(x for x in (self.row_label, self.col_label) if x)
        place = f"{self.sheet} {self.cell}".strip()
        return f"{place}（{labels}）" if labels else place

    def to_json(self) -> dict[str, str]:
        return {"sheet": self.sheet, "cell": self.cell, "row": self.row_label, "column": self.col_label}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    location: Location | None = None
    value: str | None = None
    expected: str | None = None
    cells: tuple[str, ...] = ()  # every cell involved, on location.sheet
    key: str = ""  # the value field's key, where there is one
    params: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def type(self) -> FindingType:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> Severity:
        return self.type.severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_doubt(self) -> bool:
        """A doubt about reading a published report, not a fault of the report."""
        return self.type.doubt

    def __str__(self) -> str:
        where = f"{self.location}：" if self.location else ""
        return f"{where}{self.message}"

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "Finding":
        """A finding kept as :meth:`to_json` gave it (its message as worded then)."""
        where = obj.get("location")
        location = Location(where["sheet"], where["cell"], where["row"], where["column"]) if where else None
        return cls(obj["code"], obj["message"], location, obj.get("value"), obj.get("expected"),
                   tuple(obj.get("cells") or ()), obj.get("key") or "")

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "severity_label": self.severity.label,
            "title": self.type.title,
            "location": self.location.to_json() if self.location else None,
            "key": self.key or None,
            "cells": list(self.cells),
            "value": self.value,
            "expected": self.expected,
            "message": self.message,
        }


def make(code: str, location: Location | None = None, *, value: Any = None, expected: Any = None,
         cells: tuple[str, ...] = (), key: str = "", **params: Any) -> Finding:
    """Build a finding whose message comes from the catalogue's template."""
    kind = CATALOGUE[code]  # KeyError here is a programming error: codes are fixed
    text_value = None if value is None else str(value)
    text_expected = None if expected is None else str(expected)
    message = kind.template.format(value=text_value, expected=text_expected, **params)
    return Finding(code, message, location, text_value, text_expected, tuple(cells), key, params)


def count(findings: list[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for f in findings if f.is_error)
    return errors, len(findings) - errors


class FindingCounts:
    """For a result holding ``findings``: how many are 错误 and how many 提醒."""

    findings: list[Finding]

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]

    @property
    def faults(self) -> int:
        """错误 that are faults of the report (not doubts about reading it)."""
        return sum(1 for f in self.findings if f.is_error and not f.is_doubt)

    @property
    def doubts(self) -> int:
        """Doubts about reading a published report (cells to compare with the original)."""
        return sum(1 for f in self.findings if f.is_doubt)
