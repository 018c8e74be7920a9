"""Auditing real published reports without false alarms (issue 19).

tests/data/published/ holds the 2021–2024 reports of seven Pingtan units as their site
published them (flattened page text, three original pages) and reference.json, the
tables read row by row from the printed digits: every cell, every verdict.  Besides the
corpus: 表四's unlabeled row, the 2019 format as a format, unreadable cells in the imported
workbook, and the cross-year chain.
"""

from __future__ import annotations

import json
from decimal import Decimal
import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, run_reportgen
from openpyxl import load_workbook
from published import Variant, write_page

from reportgen.checks import check_report
from reportgen.checks.doubts import settle_doubts
from reportgen.collection import collect
from reportgen.collection.audit import audit_collection
from reportgen.data.importers import import_report
from reportgen.data.importers.common import read_document
from reportgen.data.importers.text import document_from_text
from reportgen.data.model import ReportData
from reportgen.formats import FORMATS, get_format

PUBLISHED = Path(__file__).parent / "data" / "published"
REFERENCE = json.loads((PUBLISHED / "reference.json").read_text(encoding="utf-8"))["reports"]
IMPORT = Path(__file__).parent / "data" / "import"


@pytest.fixture(scope="module")
def corpus():
    """Every published report audited together (so that each year meets its neighbours)."""
    statuses = audit_collection(collect([str(PUBLISHED)], suffixes=(".txt", ".html")), jobs=1)
    return {s.path.name: s for s in statuses}


def _format(name: str):
    return get_format(REFERENCE[name].get("format", "gov-2021"))


def _expected_values(name: str) -> dict[str, object]:
    ref = REFERENCE[name]
    values: dict[str, object] = {f.key: 0 for f in _format(name).fields}
    values.update(ref["values"])
    values.update({k: None for k in ref["blank"]})
    values.update({k: None for k in ref["uncertain"]})
    values.update({k: None for k in ref.get("unread", [])})  # printed, but not read yet (a known fault)
    return values


def test_the_corpus_is_every_published_report():
    assert sorted(REFERENCE) == sorted(p.name for p in PUBLISHED.iterdir() if p.suffix in (".txt", ".html"))
    assert len(REFERENCE) == 41


def test_the_cells_still_not_read_are_known():
    """Cells a report printed that the reader cannot read yet (a known fault of the reader) are
    listed as ``unread`` in the reference; there are none left."""
    assert {name: ref["unread"] for name, ref in REFERENCE.items() if ref.get("unread")} == {}


def test_an_amount_printed_with_its_unit_is_read_only_where_the_unit_fits():
    """“251000元” in the 2019 采购总金额 (a column that names no unit) is 251000; the same cell in
    the 2021 fee column (单位：万元) is not read — never converted, never a count."""
    data = import_report(PUBLISHED / "shanghai-szfbgt-2019.html").data
    assert (data.values["t2.procurement.items"], data.values["t2.procurement.amount"]) == (6, Decimal("251000"))
    from reportgen.data.importers.job import ImportJob
    from reportgen.data.importers.tables import _parse
    from reportgen.data.importers.document import Document
    fmt = get_format("gov-2021")
    job = ImportJob(Document("t.html", "网页"), fmt, ReportData(fmt))
    assert _parse(job, fmt.field("t2.fees.amount"), "5000元") is None
    assert _parse(job, fmt.field("t2.fees.amount"), "0.5万元") == Decimal("0.5")
    assert _parse(job, fmt.field("t2.licensing.decisions"), "12元") is None
    assert [f.code for f in job.findings] == ["not-a-number", "not-a-number"]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_every_cell_and_the_verdict(corpus, name):
    """0 cells silently wrong: each cell is what the report printed, blank where it printed
    nothing, or blank and named where its digits ran together undecidably — with every
    reading listed; the verdict and the findings are the reference's."""
    status, ref = corpus[name], REFERENCE[name]
    assert (status.agency, status.year) == (ref["agency"], ref["year"])
    assert status.values == _expected_values(name)
    uncertain = {f.key: f.expected.split("、") for f in status.findings if f.code == "import-uncertain"}
    assert uncertain == ref["uncertain"]
    assert status.verdict == ref["verdict"]
    assert sorted({f.code for f in status.findings}) == ref["codes"]
    assert not any("这一格可能是 。" in f.message for f in status.findings)


def test_reference_tables_hold_their_relations_except_the_faults_the_reports_have():
    """The typed tables were checked against the tables' own relations: the reports whose
    relations fail are exactly those the reference notes as faulty tables."""
    broken = {}
    for name in REFERENCE:
        fmt = _format(name)
        values = {k: (0 if v is None else int(v)) for k, v in _expected_values(name).items()
                  if not k.startswith("t2.")}
        failed = {rule.code for rule in fmt.sum_rules if values[rule.total] != sum(values[k] for k in rule.parts)}
        failed |= {rule.code for rule in fmt.balance_rules
                   if sum(values[k] for k in rule.left) != sum(values[k] for k in rule.right)}
        if failed:
            broken[name] = failed
    assert broken == {"pingtan-jsp-2022.txt": {"t3-results-total"},
                      "pingtan-nyn-2021.txt": {"t3-results-total", "t3-balance"},
                      "pingtan-nyn-2023.txt": {"t3-row-total"},
                      "pingtan-nyn-2024.txt": {"t3-row-total"},
                      "pingtan-nyn-2025.txt": {"t3-row-total"},
                      # the page left the 总计 column of every 办理结果 row but （七） empty
                      "shanghai-szfbgt-2019.html": {"t3-row-total"}}
    assert all("fault" in REFERENCE[name] for name in broken)


def test_no_faultless_report_is_called_faulty_and_doubts_are_counted_apart(corpus):
    """A report is 有错误 exactly when the reference found a fault in it by reading it."""
    verdicts = {name: s.verdict for name, s in corpus.items()}
    assert {n for n, v in verdicts.items() if v == "有错误"} == {n for n, r in REFERENCE.items() if "fault" in r}
    doubts = sorted(n for n, v in verdicts.items() if v == "需对照原文核对")
    assert doubts == ["pingtan-gwh-2020.txt", "pingtan-gwh-2023.txt", "pingtan-gwh-2024.txt", "pingtan-jjp-2019.txt",
                      "pingtan-jjp-2020.txt", "pingtan-jtj-2020.txt", "pingtan-jtj-2024.txt", "pingtan-lyy-2024.txt",
                      "pingtan-spp-2020.txt"]
    for name in doubts:  # only reading doubts: no fault of the report among its 错误
        assert all(f.is_doubt for f in corpus[name].findings if f.is_error)


def test_old_label_is_a_changed_label_not_a_missing_row(corpus):
    status = corpus["pingtan-jjp-2021.txt"]
    old = [f for f in status.findings if f.code == "import-label-old"]
    assert [(f.location.cell, f.value, f.expected) for f in old] == [("B7:D7", "规范性文件", "行政规范性文件")]
    assert not any(f.code == "import-missing-row" for f in status.findings)
    assert (status.values["t2.normative_documents.issued"], status.values["t2.normative_documents.in_force"]) == (1, 6)


def test_a_cell_settled_by_the_text_says_which_sentence(corpus):
    settled = [f for f in corpus["pingtan-gwh-2022.txt"].findings if f.code == "import-resolved"]
    assert {(f.location.cell, f.expected) for f in settled} == {("B7", "34"), ("C7", "0"), ("D7", "89")}
    assert all("“本年度制发规范性文件34件”" in f.message for f in settled)


def test_the_cross_year_chain_settles_run_together_cells(tmp_path):
    """nyn 2021–2023 print 表二's 行政规范性文件 as 3021, 5125, 4920: alone, each fits more than
    one split; 现行有效 = 上年现行有效 + 本年制发 − 本年废止 leaves one reading of each."""
    for year in (2021, 2022, 2023):
        shutil.copyfile(PUBLISHED / f"pingtan-nyn-{year}.txt", tmp_path / f"pingtan-nyn-{year}.txt")
    alone = import_report(tmp_path / "pingtan-nyn-2021.txt")
    assert {f.key for f in alone.findings if f.code == "import-uncertain"} == {
        "t2.normative_documents.issued", "t2.normative_documents.repealed", "t2.normative_documents.in_force"}
    statuses = {s.path.name: s for s in audit_collection(collect([str(tmp_path)], suffixes=(".txt",)), jobs=1)}
    read = {year: [statuses[f"pingtan-nyn-{year}.txt"].values[f"t2.normative_documents.{c}"]
                   for c in ("issued", "repealed", "in_force")] for year in (2021, 2022, 2023)}
    assert read == {2021: [3, 0, 21], 2022: [5, 1, 25], 2023: [4, 9, 20]}
    settled_2023 = [f for f in statuses["pingtan-nyn-2023.txt"].findings if f.code == "import-resolved"]
    assert len(settled_2023) == 3 and all("上年（2022年）报告的行政规范性文件现行有效件数 25" in f.message
                                          for f in settled_2023)
    assert not any(f.code == "import-uncertain" for s in statuses.values() for f in s.findings)


def test_table4_row_is_found_after_its_header_not_in_the_sentence_before_it():
    """Part 四 opening with “2023年，…行政复议…2件…” must not give table 4's row."""
    text = (PUBLISHED / "pingtan-jsp-2024.txt").read_text(encoding="utf-8")
    heading = "四、政府信息公开行政复议、行政诉讼情况"
    assert text.count(heading) == 1
    text = text.replace(heading, heading + " 2023年，本机关收到行政复议申请1件、行政诉讼0件，其中2件已办结。")
    data, findings = read_document(document_from_text(text, "t.txt"), get_format("gov-2021"))
    assert not [f for f in findings if f.location and f.location.sheet == "表四"]
    t4 = {k: v for k, v in data.values.items() if k.startswith("t4.")}
    assert t4 == {**{k: 0 for k in t4}, "t4.review.corrected": 1, "t4.review.total": 1}


def _sample(year: int) -> ReportData:
    data = ReportData.from_json(json.loads((SAMPLES / "pingtan-2021.json").read_text(encoding="utf-8")))
    data.info["year"] = year
    return data


def test_a_2020_report_in_the_2019_format_imports_and_checks_clean(tmp_path):
    page = write_page(_sample(2020), tmp_path / "p2020.html", Variant(t2_2019=True, t3_2019=True))
    result = import_report(page)
    assert result.data.format is FORMATS["gov-2019"]
    assert result.findings == []
    assert [f.code for f in check_report(result.data) if f.is_error] == []
    values = result.data.values
    assert (values["t2.normative_documents.new_made"], values["t2.normative_documents.published_total"]) == (69, 665)
    assert (values["t2.licensing.decisions"], values["t2.penalty.decisions"]) == (2293, 1282)
    assert values["t3.other_processing.total"] == _sample(2020).values["t3.other_other.total"]


@pytest.mark.parametrize("form", ["html", "txt"])
def test_the_2019_layout_in_a_2023_report_is_one_error_and_invents_nothing(tmp_path, form):
    page = write_page(_sample(2023), tmp_path / "p2023.html", Variant(t2_2019=True))
    if form == "txt":  # the page as a web archive flattens it: every cell's digits run together
        flat = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        assert "行政许可002293" in flat
        page = tmp_path / "p2023.txt"
        page.write_text(flat, encoding="utf-8")
    result = import_report(page)
    assert result.data.format is FORMATS["gov-2021"]
    t2 = [f for f in result.findings if f.location and f.location.sheet == "表二"]
    assert [f.code for f in t2] == ["import-obsolete-layout"]
    assert "规章、行政规范性文件、行政事业性收费在现行格式中含义不同或分为几行，无法对应，已留空" in t2[0].message
    values = {k: v for k, v in result.data.values.items() if k.startswith("t2.")}
    assert values == {**{k: None for k in values}, "t2.licensing.decisions": 2293, "t2.penalty.decisions": 1282,
                      "t2.coercion.decisions": 42}


def test_check_names_unreadable_cells_and_fix_leaves_them(tmp_path):
    out = tmp_path / "平潭.xlsx"
    imported = run_reportgen("import", IMPORT / "pingtan-2021.txt", "-o", out)
    assert imported.returncode == 1, imported.stderr
    checked = run_reportgen("check", out)
    assert "【错误】导入时未能读取的格子（3 处）  [unreadable-cell]" in checked.stdout
    assert "表二 B7（第二十条第（一）项 行政规范性文件 / 本年制发件数）：这一格导入已发布的报告时未能读取（原文“693665”" \
        in checked.stdout
    assert "blank-value" not in checked.stdout and "reportgen fix" not in checked.stdout
    fixed = tmp_path / "修正.xlsx"
    assert run_reportgen("fix", out, "-o", fixed).returncode == 0
    sheet = load_workbook(fixed)["表二"]
    assert [sheet[c].value for c in ("B7", "C7", "D7")] == [None, None, None]
    assert "未能读取" in sheet["B7"].comment.text


def test_negation_is_scoped_to_what_it_negates():
    fmt = get_format("gov-2021")
    data = ReportData(fmt, values={f.key: 0 for f in fmt.fields})
    data.values["t3.new_received.total"] = 2
    from reportgen.data.model import Paragraph
    data.text = {"overview": [Paragraph("本年度收到政府信息公开申请2件，目前未收到该申请人提交的补正材料。")]}
    assert not [f for f in check_report(data) if f.code == "text-table-mismatch"]


def test_the_signature_goes_back_into_the_details():
    data = import_report(PUBLISHED / "pingtan-jtj-2021.txt").data
    assert (data.info["publication_date"], data.info["contact"]) == ("2022-01-07", "联系人：林耀，联系方式：0591-23163387")
    assert data.text["other_matters"][-1].text.endswith("本年度没有产生信息公开处理费。")
    page = import_report(PUBLISHED / "pingtan-jjp-2022.html").data
    assert page.info["publication_date"] == "2023-01-04"
    assert [p.text[-8:] for p in page.text["other_matters"]] == ["没有产生信息公开处理费。"[-8:]]


def test_settling_keeps_what_it_cannot_decide():
    result = import_report(IMPORT / "pingtan-2021.txt")
    before = [f.key for f in result.findings if f.code == "import-uncertain"]
    after = settle_doubts(result.data, result.findings)
    assert [f.key for f in after if f.code == "import-uncertain"] == before


def test_text_facts_are_read_from_part_three_too():
    """“共收到申请0条” before 表三 is compared with the table (2 applications), and the
    negated “未收到该申请人提交的补正” in the same sentence is not a second statement."""
    text = (PUBLISHED / "pingtan-jsp-2023.txt").read_text(encoding="utf-8")
    heading = "三、收到和处理政府信息公开申请情况"
    text = text.replace(heading, heading + " 2023年，本机关共收到申请0条，目前未收到该申请人提交的补正。", 1)
    data, _ = read_document(document_from_text(text, "t.txt"), get_format("gov-2021"))
    mismatch = [f for f in check_report(data) if f.code == "text-table-mismatch"]
    assert [(f.location.row_label, f.value, f.expected) for f in mismatch] == [(heading, "0", "2")]
    # Said in the text part instead, the same sentence is the same statement.
    assert data.values["t3.new_received.total"] == 2


@pytest.mark.parametrize("sentence, tail", [
    ("根据《条例》要求，现公布某某县科学技术局2023年政府信息公开工作年度报告。", ""),  # the first sentence
    ("根据《条例》要求，现予公布。", "某某县科学技术局\n2024年1月20日\n"),  # the 落款
])
def test_the_agency_when_the_title_lacks_it(sentence, tail):
    """A clause of the body (“…现公布某某县科学技术局”) is never the agency."""
    text = (f"2023年政府信息公开工作年度报告\n{sentence}\n一、总体情况\n正文。\n二、主动公开政府信息情况\n"
            "三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n问题。\n"
            f"六、其他需要报告的事项\n本年度未收取信息处理费。\n{tail}")
    data, _ = read_document(document_from_text(text, "t.txt"), get_format("gov-2021"))
    assert (data.agency, data.year) == ("某某县科学技术局", 2023)
    assert data.section_text("other_matters") == "本年度未收取信息处理费。"


def test_cells_the_2019_layout_has_no_number_for_are_unreadable_not_blank(tmp_path):
    """Imported, a 2021 report in the 2019 layout leaves 表二's 规章/行政规范性文件/收费 cells and the
    split of （六）其他处理 blank: ``check`` calls them not read (not “blank, fill 0”)."""
    out = tmp_path / "旧格式.xlsx"
    run_reportgen("import", IMPORT / "layout-2019.html", "-o", out)
    checked = run_reportgen("check", out)
    assert "【错误】导入时未能读取的格子（13 处）  [unreadable-cell]" in checked.stdout
    assert "（六）其他处理”一行这一列是 " in checked.stdout and "无法拆分" in checked.stdout
    assert "blank-value" not in checked.stdout and "reportgen fix" not in checked.stdout


def test_page_furniture_is_not_report_text():
    """The crawler's header, the CMS's breadcrumb and share buttons, the repeated title, and what a
    site prints after the 落款 are not paragraphs of the report."""
    furniture = ("标题:", "本地目录", "当前位置", "微信 微博", "相关链接", "附件下载", "扫一扫", "MsoNormalTable")
    for path in sorted(PUBLISHED.glob("*.txt")) + sorted(PUBLISHED.glob("*.html")):
        data = import_report(path).data
        text = "".join(p.plain() for paragraphs in data.text.values() for p in paragraphs)
        assert not [word for word in furniture if word in text], path.name
        preamble = data.section_text("preamble")
        assert not preamble.startswith(data.agency), path.name


def test_a_row_with_a_cell_too_few_is_not_read_and_not_taken_for_blanks(tmp_path):
    """jjp 2022 as page text: “四、结转下年度继续办理 0 00000” — 6 digits for 7 cells (the page left one
    cell empty, which cell the text does not say).  The row is an 错误 of the report; its cells
    in the imported workbook are not read, not blanks for ``fix`` to fill with 0."""
    out = tmp_path / "金井.xlsx"
    imported = run_reportgen("import", PUBLISHED / "pingtan-jjp-2022.txt", "-o", out)
    assert "表三 D31:J31（四、结转下年度继续办理）：只找到 6 个数字，这一行应有 7 个" in imported.stdout
    checked = run_reportgen("check", out)
    assert "【错误】导入时未能读取的格子（7 处）  [unreadable-cell]" in checked.stdout
    assert "原文这一行是“0 00000”，只有 6 个数字，应有 7 格" in checked.stdout
    assert "blank-value" not in checked.stdout


@pytest.mark.parametrize("title, agency", [
    ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅"),
    ("2022年上海市政府信息公开工作年度报告", "上海市"),
    ("2023年长春市二道区人民政府信息公开工作年度报告", "长春市二道区人民政府"),  # 人民政府 and 政府信息 share 政府
    ("2023年度某某县科学技术局政府信息公开年度报告", "某某县科学技术局"),
])
def test_a_title_with_the_year_first_names_the_agency_and_the_year(title, agency):
    """Many sites put the year before the agency; the title then still gives both (before,
    the year was lost with the agency, and a 2019 report was checked under the 2021 format)."""
    text = (f"{title}\n根据《条例》要求，现予公布。\n一、总体情况\n正文。\n二、主动公开政府信息情况\n"
            "三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n问题。\n"
            "六、其他需要报告的事项\n无。\n")
    data, _ = read_document(document_from_text(text, "t.txt"), get_format("gov-2021"))
    assert (data.agency, data.year) == (agency, int(title[:4]))
    assert data.section_text("preamble") == "根据《条例》要求，现予公布。"


def test_a_2019_report_need_not_state_the_information_fee(corpus):
    """The 信息处理费 is charged from 2021 on (国办函〔2020〕109号): part 六 of a 2019 report that
    says only “无。” is not a fault, while a 2021+ report must still state the fee."""
    status = corpus["shanghai-szfbgt-2019.html"]
    assert status.values is not None and status.year == 2019
    assert import_report(PUBLISHED / "shanghai-szfbgt-2019.html").data.format is FORMATS["gov-2019"]
    assert "fee-not-reported" not in {f.code for f in status.findings}
    fmt = get_format("gov-2021")
    data = ReportData(fmt, values={f.key: 0 for f in fmt.fields})
    from reportgen.data.model import Paragraph
    data.text = {"other_matters": [Paragraph("无。")]}
    assert "fee-not-reported" in {f.code for f in check_report(data)}


def test_a_page_text_that_lost_its_blank_cells_invents_no_number(tmp_path):
    """The Shanghai page flattened as a web archive's page text: its empty cells leave no trace
    (“258 | 12 | | | 1 | 1 | ” becomes “25812 11”), so a row can hold exactly as many digits as cells
    and still not be one digit a cell.  No cell comes out other than the page printed it; the rows
    whose only splits break their own total are named as reading doubts, not read."""
    html = (PUBLISHED / "shanghai-szfbgt-2019.html").read_text(encoding="utf-8")
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.replace("&nbsp;", " "))).strip()
    assert "（一）予以公开25812 11 （二）" in flat
    page = tmp_path / "shanghai-2019.txt"
    page.write_text(flat, encoding="utf-8")
    result = import_report(page)
    printed = import_report(PUBLISHED / "shanghai-szfbgt-2019.html").data.values
    assert {k: v for k, v in result.data.values.items() if v is not None and v != printed[k]} == {}
    lost = [f for f in result.findings if f.code == "import-cells-lost"]
    assert [(f.location.cell, f.value) for f in lost] == [
        ("D7:J7", "82135 21859"), ("D9:J9", "25812 11"), ("D28:J28", "76735 21805")]
    assert all(f.is_doubt for f in lost)
    assert all(result.data.unread.get(f"t3.granted.{c}") for c in ("natural_person", "commercial", "total"))
    for f in result.findings:  # every doubt lists what the page printed
        if f.code == "import-uncertain" and printed[f.key] is not None:
            assert str(printed[f.key]) in f.expected.split("、"), f.key


def test_a_fall_and_an_amount_with_decimals_in_run_together_digits(corpus):
    """gwh 2020 (2019 format) as page text: “行政许可1-10” is 1, −1 (本年增/减) and 0 — not “1 number
    of 3”; “政府集中采购1973601627.4元” may be cut before the amount's decimals (197 and 3601627.4
    are among the readings) — not “unsplittable”."""
    status = corpus["pingtan-gwh-2020.txt"]
    assert [status.values[f"t2.licensing.{c}"] for c in ("last_year_items", "change", "decisions")] == [1, -1, 0]
    codes = {f.code for f in status.findings}
    assert "import-cell-count" not in codes and "import-unsplittable" not in codes
    readings = {f.key: f.expected.split("、") for f in status.findings if f.code == "import-uncertain"}
    assert "197" in readings["t2.procurement.items"] and "3601627.4" in readings["t2.procurement.amount"]
    assert not any(v.startswith(("0", ".")) and v != "0" and not v.startswith("0.")
                   for values in readings.values() for v in values)
    fmt = get_format("gov-2019")  # a fall only where 本年增/减 is: never in a count
    from reportgen.data.importers.digits import row_options
    keys = ("t2.penalty.last_year_items", "t2.penalty.change", "t2.penalty.decisions")
    assert row_options(fmt, keys, ["1", "-10"]) == [("1", "-1", "0")]
    assert row_options(fmt, ("t2.regulations.new_made", "t2.regulations.new_published",
                             "t2.regulations.published_total"), ["1", "-10"]) == []


def test_a_reworded_heading_run_into_its_text_is_taken_whole(corpus):
    """nyn 2020 (page text): “一、概述2020年，…”, “五、政府信息公开存在的问题及改进措施（一）…”,
    “六、需要说明的其他事项与附表 本年度…”.  The reworded heading is named whole, and its last
    words do not open the part's text (before: “一、概” / “述2020年…”, “…与附表” in part 六)."""
    status = corpus["pingtan-nyn-2020.txt"]
    changed = [f.value for f in status.findings if f.code == "import-heading-changed"]
    assert changed == ["一、概述", "五、政府信息公开存在的问题及改进措施", "六、需要说明的其他事项与附表"]
    data = import_report(PUBLISHED / "pingtan-nyn-2020.txt").data
    assert data.section_text("overview").startswith("2020年，我局高度重视")
    assert data.section_text("problems").startswith("（一）主要问题。")
    assert data.section_text("other_matters") == "本年度无其他事项需说明。"
    # nyn 2021: “六、需要说明的其他事项与附表按照《…” has no stop after the heading, but the
    # report's own list of its parts (“…需要说明的其他事项与附表等六部分组成”) names it whole.
    later = import_report(PUBLISHED / "pingtan-nyn-2021.txt")
    assert "六、需要说明的其他事项与附表" in [f.value for f in later.findings if f.code == "import-heading-changed"]
    assert later.data.section_text("other_matters").startswith("按照《国务院办公厅")


def test_a_cover_letter_title_and_a_signature_run_into_the_last_words(corpus):
    """spp 2020 is titled “…管理局关于报送2020年度政府信息公开工作年度报告的函”, repeats that title
    run into “区办公室：根据…”, and ends “六、其他需要报告的事项暂无平潭综合实验区苏平片区管理局
    2021年1月26日”.  The agency is what stands before 关于; the repeated title is not the preamble's;
    “暂无” stays part 六's text (before: the 落款 took it, and part 六 was “empty”, a false 错误)."""
    status = corpus["pingtan-spp-2020.txt"]
    assert status.agency == "平潭综合实验区苏平片区管理局"
    assert "missing-text" not in {f.code for f in status.findings}
    data = import_report(PUBLISHED / "pingtan-spp-2020.txt").data
    assert data.section_text("preamble").startswith("区办公室：根据《中华人民共和国政府信息公开条例》")
    assert (data.section_text("other_matters"), data.info["publication_date"]) == ("暂无", "2021-01-26")


def test_a_title_with_guanyu_a_unit_after_a_number_and_a_renumbered_part(corpus):
    """lyy 2020: “平潭综合实验区旅游与文化体育局 关于2020年度…报告”; “政府集中采购 3个 3443000元”
    (a unit after a number is part of its cell, not the end of the row: before, “1 number of 2”);
    seven parts, the format's 二…六 printed as 三…七 — the number is part of the heading."""
    status = corpus["pingtan-lyy-2020.txt"]
    assert status.agency == "平潭综合实验区旅游与文化体育局"
    assert (status.values["t2.procurement.items"], status.values["t2.procurement.amount"]) == (3, Decimal("3443000"))
    renumbered = [(f.expected[:2], f.value[:2]) for f in status.findings if f.code == "import-heading-changed"]
    assert renumbered == [("二、", "三、"), ("三、", "四、"), ("四、", "五、"), ("五、", "六、"), ("六、", "七、")]
    data = import_report(PUBLISHED / "pingtan-lyy-2020.txt").data
    assert data.section_text("preamble").startswith("根据《中华人民共和国政府信息公开条例》")
    assert data.section_text("other_matters") == "本年度无收取信息处理费情况。"


def test_a_row_missing_from_the_report_is_unread_not_blank(tmp_path):
    """A 表三 row the page does not print: check names its cells as unread, fix writes no 0 there."""
    text = (IMPORT / "pingtan-2021.txt").read_text(encoding="utf-8")
    assert text.count("3.要求提供公开出版物0000000") == 1
    source = tmp_path / "cut.txt"
    source.write_text(text.replace("3.要求提供公开出版物0000000", ""), encoding="utf-8")
    out = tmp_path / "平潭.xlsx"
    imported = run_reportgen("import", source, "-o", out)
    assert "import-missing-row" in run_reportgen("import", source, "-o", tmp_path / "again.xlsx", "--json").stdout
    checked = run_reportgen("check", out)
    assert "表三 D24（" in checked.stdout and "原文没有“3.要求提供公开出版物”这一行" in checked.stdout, checked.stdout
    fixed = tmp_path / "修正.xlsx"
    assert run_reportgen("fix", out, "-o", fixed).returncode == 0, imported.stdout
    sheet = load_workbook(fixed)["表三"]
    assert [sheet[f"{c}24"].value for c in "DEFGHI"] == [None] * 6
    assert sheet["J24"].value in (None, "=SUM(D24:I24)")  # the workbook's own total formula, no typed 0
    assert [sheet[f"{c}23"].value for c in "DEFGHI"] == [0] * 6  # the row printed is kept


def test_audit_advises_on_the_published_report_not_on_a_workbook(tmp_path):
    """The screen and the 全部问题 sheet of ``audit`` speak of the published report; the same
    faults found in a clerk's workbook keep the clerk's advice."""
    summary = tmp_path / "审查表.xlsx"
    result = run_reportgen("audit", PUBLISHED, "--summary", summary)
    sheet = load_workbook(summary)["全部问题"]
    messages = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    for output in (result.stdout, messages):
        # The faults the words were about are still reported.
        for code in ("fee-not-reported", "relations-unchecked", "crossyear-stock"):
            assert code in output, code
        for clerk_words in ("reportgen draft", "请在基本信息表填写", "请再检查一次", "上年工作簿", "reportgen fix"):
            assert clerk_words not in output, clerk_words
    assert "上年数字在上年报告 表二 D7" in result.stdout
    data = ReportData(get_format("gov-2021"), info={"year": 2023})
    for published, advice in ((True, "报告的标题、落款和正文中都没有找到"), (False, "请在基本信息表填写。")):
        missing = [f for f in check_report(data, published=published) if f.code == "missing-info"]
        assert [f.message for f in missing] == [f"“机关名称”没有填写。{advice}" + ("，请对照原文核对。" if published else "")]
