"""An office's batch from the roster to the reports (issue 17, item 3): the roster's name
column found by its header, returns compared with the roster, a duplicate and another
year never published unless the office names the one to use, the same counts from
check, render and aggregate, and the status sheet and 汇总 workbook printed on A4."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from collection_tree import base_workbook, clone
from conftest import edit, libreoffice_convert, needs_libreoffice, run_reportgen
from reportgen.core.errors import UnusableInput
from reportgen.collection.roster import read_roster

AGENCIES = ["示范市教育局", "示范市财政局", "示范市水利局", "示范市交通局", "示范市民政局", "示范市商务局"]
FIX = "请用 --column 指定机关名称所在的列（列字母如 B，或表头文字）。"


def roster_xlsx(path: Path, header=("序号", "单位名称", "联系人", "电话"), title: str | None = "2025年度报送名单") -> Path:
    """A roster as offices keep it: a title, then 序号, the names, 联系人 and 电话."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(list(header))
    for i, name in enumerate(AGENCIES, start=1):
        ws.append([i, name, f"联系人{i}", f"0731-5550{i:03d}"][: len(header)])
    wb.save(path)
    return path


# --------------------------------------------------------------------------- the roster
def test_the_name_column_is_found_by_its_header_below_a_title(tmp_path):
    roster = read_roster(roster_xlsx(tmp_path / "名单.xlsx"))
    assert roster.names == AGENCIES and roster.rows == [3, 4, 5, 6, 7, 8]
    assert roster.where == "名单.xlsx 的 B 列（单位名称）"


def test_a_csv_roster_and_a_header_with_a_note(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("序号,机关名称（全称）,联系人\n1,示范市教育局,张三\n2,示范市 财政局,李四\n", encoding="gbk")
    roster = read_roster(path)
    assert roster.names == ["示范市教育局", "示范市 财政局"] and roster.where == "名单.csv 的第 2 列（机关名称（全称））"


@pytest.mark.parametrize("column", ["B", "b", "2", "单位名称"])
def test_column_by_letter_number_or_header_text(tmp_path, column):
    roster = read_roster(roster_xlsx(tmp_path / "名单.xlsx"), column)
    assert roster.names == AGENCIES and roster.where == "名单.xlsx 的 B 列（单位名称）"


def test_a_plain_list_needs_no_header_and_skips_a_name_header(tmp_path):
    path = tmp_path / "名单.txt"
    path.write_text("机关名称\n示范市教育局\n\n示范市财政局\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.names == ["示范市教育局", "示范市财政局"] and roster.where == "名单.txt（每行一个名称）"
    path.write_text("2025年度报送名单\n单位名称\n示范市教育局\n", encoding="utf-8")  # a title above the header
    assert read_roster(path).names == ["示范市教育局"]


def _refusal(path: Path, column: str | None = None) -> str:
    with pytest.raises(UnusableInput) as caught:
        read_roster(path, column)
    return str(caught.value)


def test_a_roster_without_a_name_header_is_refused_naming_its_headers(tmp_path):
    path = roster_xlsx(tmp_path / "名单.xlsx", header=("序号", "联系人"))
    assert _refusal(path) == (
        "名单 名单.xlsx 有好几列，但没有“机关名称”“单位名称”或“名称”这样的表头（表头是：序号、联系人），"
        "不知道哪一列是机关名称。请加表头，或用 --column 指定机关名称所在的列（如 --column B，或 --column 表头文字）。")


def test_the_numbers_of_a_serial_column_are_not_names(tmp_path):
    path = roster_xlsx(tmp_path / "名单.xlsx")
    assert _refusal(path, "A") == f"名单 名单.xlsx 的 A 列是“序号”，不是机关名称。{FIX}"
    plain = tmp_path / "编号.txt"
    plain.write_text("1\n2\n3\n", encoding="utf-8")
    assert _refusal(plain) == f"名单 编号.txt（每行一个名称）第 1 行是“1”，是数字，不是机关名称。{FIX}"
    phones = roster_xlsx(tmp_path / "电话.xlsx", title=None, header=("", "", "", ""))
    assert _refusal(phones, "D") == f"名单 电话.xlsx 的 D 列第 2 行是“0731-5550001”，是数字，不是机关名称。{FIX}"


def test_a_header_word_among_the_names_is_refused(tmp_path):
    path = tmp_path / "名单.txt"
    path.write_text("序号\n示范市教育局\n", encoding="utf-8")
    assert _refusal(path) == f"名单 名单.txt（每行一个名称）第 1 行是“序号”，像表头，不是机关名称。{FIX}"
    assert _refusal(roster_xlsx(tmp_path / "名单.xlsx"), "单位全称") == (
        "名单 名单.xlsx 的前 10 行里没有表头为“单位全称”的列（表头有：序号、单位名称、联系人、电话）。"
        "--column 可以写表头文字、列字母（如 B）或第几列（如 2）。")


# --------------------------------------------------------------------------- the batch's rules, as a library
def test_returns_are_matched_by_agency_or_by_the_file_name_distribute_gave(tmp_path):
    from reportgen.collection import NOT_RETURNED, NOT_XLSX, OK, WARNINGS, FileStatus, judge_batch

    names = tmp_path / "名单.txt"
    names.write_text("\n".join(AGENCIES), encoding="utf-8")
    statuses = [
        FileStatus(Path("收回/示范市商务局.xls"), NOT_XLSX, reason="是 .xls 文件"),  # unreadable, but it came back
        FileStatus(Path("收回/甲.xlsx"), OK, agency="示范市 财政局", year=2025),  # spaces do not matter
        FileStatus(Path("收回/乙.xlsx"), OK, agency="示范市教育厅", year=2025),  # a slip in the name
    ]
    judged = judge_batch(statuses, roster=read_roster(names))
    assert [s.agency for s in judged if s.status == NOT_RETURNED] == [
        "示范市教育局", "示范市水利局", "示范市交通局", "示范市民政局"]
    assert judged[2].status == WARNINGS and judged[2].findings[0].message == (
        "机关名称“示范市教育厅”不在名单 名单.txt 上。名单上相近的“示范市教育局”没有交工作簿，是否就是它？"
        "请核对机关名称是否写错，或名单是否漏了这个机关。")
    assert judged[1].findings == [] and judged[1].status == OK
    # the unreadable one's status row names its agency, and says where the name came from
    assert judged[0].agency == "示范市商务局" and judged[0].reason == "是 .xls 文件；机关名称按文件名取自名单"
    from reportgen.collection.status_sheet import write_status

    sheet = load_workbook(write_status(tmp_path / "情况.xlsx", judged)).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).endswith("示范市商务局.xls"))
    assert row[1] == "示范市商务局" and "机关名称按文件名取自名单" in row[6]


# --------------------------------------------------------------------------- the walk
@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    """The office's year: a roster with 序号 and 联系人 columns, workbooks sent out; back come a
    duplicate, one of another year, one agency not on the roster and an .xls; two never return."""
    root = tmp_path_factory.mktemp("walk")
    roster = roster_xlsx(root / "名单.xlsx")
    base = base_workbook(root / "_base", year=2025)
    back = root / "收回"
    # The first version has faults; the corrected one came later.
    edit(clone(base, back / "示范市教育局.xlsx", "示范市教育局"),
         {("表三", f"{col}11"): "12件" for col in "DEFG"})
    clone(base, back / "补交" / "示范市教育局（改）.xlsx", "示范市教育局")
    clone(base, back / "示范市财政局.xlsx", "示范市财政局")
    clone(base, back / "示范市水利局.xlsx", "示范市水利局")
    edit(clone(base, back / "示范市交通局.xlsx", "示范市交通局"), {("基本信息", "B5"): 2024})
    clone(base, back / "示范市统计局.xlsx", "示范市统计局")
    (back / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    return {"root": root, "roster": roster, "back": back}


def test_distribute_uses_the_name_column_and_says_which(walk, tmp_path):
    proc = run_reportgen("distribute", walk["roster"], "-o", tmp_path / "下发", "--year", "2025", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "名单：名单.xlsx 的 B 列（单位名称），6 个机关。"
    assert sorted(p.name for p in (tmp_path / "下发").iterdir()) == sorted(f"{n}.xlsx" for n in AGENCIES)
    # Told to use the 序号 column, it refuses and writes nothing.
    proc = run_reportgen("distribute", walk["roster"], "-o", tmp_path / "错", "--year", "2025", "--column", "A")
    assert proc.returncode == 2 and proc.stderr == f"错误：名单 名单.xlsx 的 A 列是“序号”，不是机关名称。{FIX}\n"
    assert not (tmp_path / "错").exists()


ROSTER_LINES = ["名单：名单.xlsx 的 B 列（单位名称），共 6 个机关。",
                "名单上 6 个机关：4 个已交，2 个未交（示范市民政局、示范市商务局）。"]
HELD = "2 个是同一机关的重复件、1 个年度不符"


def test_check_names_the_missing_agencies_and_holds_the_duplicate_and_the_other_year(walk, tmp_path):
    status = tmp_path / "状态表.xlsx"
    proc = run_reportgen("check", walk["back"], "--roster", walk["roster"], "--summary", status, "-j", "1")
    out = proc.stdout
    assert proc.returncode == 2  # the .xls cannot be read
    assert out.startswith("######## 需要处理的文件（4 个）\n")
    assert "######## 名单上未交的机关（2 个）\n  · 示范市民政局\n  · 示范市商务局\n" in out
    assert ("· 基本信息 B4（机关名称）：机关名称“示范市教育局”在本批 2 个工作簿中都出现，另见：示范市教育局（改）.xlsx。"
            "这几份都不生成报告、不计入汇总，直到确定用哪一份：请把不用的移出文件夹，或加 --use 示范市教育局.xlsx "
            "指定用这一份。") in out
    assert ("· 基本信息 B5（报告年度）：报告年度是 2024，本批是 2025 年的工作簿。这一份不生成报告、不计入汇总："
            "请换交 2025 年的工作簿；确实要用这一份的，加 --use 示范市交通局.xlsx。") in out
    assert ("机关不在名单上：基本信息 B4（机关名称）：机关名称“示范市统计局”不在名单 名单.xlsx 上。"
            "请核对机关名称是否写错，或名单是否漏了这个机关。") in out
    assert out.splitlines()[-3:] == ROSTER_LINES + [
        f"共检查 7 个工作簿：3 个可以生成报告，0 个有错误，1 个无法读取，{HELD}，均未用。（其中 1 个需另存为 .xlsx）"]
    assert f"已另存状态表：{status}（7 个文件和 2 个未交的机关，每个一行）" in out

    ws = load_workbook(status).active
    rows = list(ws.iter_rows(values_only=True))
    # The batch's remarks first, in the 状态 words for them, before the files' own faults.
    assert [(r[1], r[3]) for r in rows[1:7]] == [
        ("示范市教育局", "重复，未用"), ("示范市教育局", "重复，未用"), ("示范市交通局", "年度不符，未用"),
        (None, "需另存为 .xlsx"), ("示范市民政局", "未交"), ("示范市商务局", "未交")]
    # The remark that decides the file comes first, before its own faults (never cut off behind them).
    assert Path(rows[1][0]).name == "示范市教育局.xlsx" and rows[1][4] == 5
    assert rows[1][6].startswith("基本信息 B4（机关名称）：机关名称“示范市教育局”在本批 2 个工作簿中都出现")
    assert rows[1][6].endswith("；……共 6 处") and rows[1][6].count("格内是“12件”，不是数字") == 2
    assert rows[5][0] is None and rows[5][6] == "名单上有这个机关，但本批没有它的工作簿"
    fills = [ws.cell(row=r, column=4).fill.fgColor.rgb for r in range(2, len(rows) + 1)]
    assert fills[:3] == ["00F4B183"] * 3 and fills[3] == "00FFC7CE" and fills[-1] == "00C6EFCE"
    # Printed for a meeting: A4 landscape, every column on the page width.
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage

    report = json.loads(run_reportgen("check", walk["back"], "--roster", walk["roster"], "--json", "-j", "1").stdout)
    assert report["roster"] == {"file": str(walk["roster"]), "column": "名单.xlsx 的 B 列（单位名称）", "agencies": 6,
                                "not_returned": ["示范市民政局", "示范市商务局"]}
    assert report["counts"]["duplicate"] == 2 and report["counts"]["other-year"] == 1
    assert report["counts"]["not-returned"] == 2


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_render_publishes_neither_duplicate_nor_the_other_year_until_the_office_chooses(walk, tmp_path):
    out = tmp_path / "报告"
    proc = run_reportgen("render", walk["back"], "--roster", walk["roster"], "-o", out, "-j", "1")
    assert proc.returncode == 2
    title = "{}2025年政府信息公开工作年度报告.{}"
    assert _names(out) == sorted(title.format(a, ext) for a in ("示范市财政局", "示范市水利局", "示范市统计局")
                                 for ext in ("docx", "html"))
    assert proc.stdout.splitlines()[-3:] == ROSTER_LINES + [
        f"共 7 个工作簿：已为 3 个生成报告（docx、html），0 个有错误未生成，1 个无法读取，{HELD}，均未生成。报告在：{out}"]
    # stderr is no terminal here: one progress line a file, none claiming a report the batch then held back
    progress = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 6 and progress[0].startswith("[1/6] ")  # the .xls is turned away before any worker
    assert any(line.endswith(f"{walk['back'] / '示范市交通局.xlsx'}：已处理") for line in progress)  # held: 年度不符
    assert all(line.endswith("：已处理") for line in progress) and "已生成" not in proc.stderr

    chosen = tmp_path / "选定后"
    proc = run_reportgen("render", walk["back"], "--roster", walk["roster"], "-o", chosen, "-j", "1",
                         "--use", "示范市教育局（改）.xlsx", "--use", walk["back"] / "示范市交通局.xlsx")
    assert f"  · {walk['back'] / '示范市教育局.xlsx'}：同一机关已指定用 示范市教育局（改）.xlsx（--use），这一份不用" \
        in proc.stdout
    assert proc.stdout.splitlines()[-1] == (
        "共 7 个工作簿：已为 5 个生成报告（docx、html），0 个有错误未生成，1 个无法读取，"
        f"1 个未采用（已用 --use 指定同一机关的另一份）。报告在：{chosen}")
    assert title.format("示范市教育局", "docx") in _names(chosen)
    assert "示范市交通局2024年政府信息公开工作年度报告.docx" in _names(chosen)
    assert "      按 --use 选用：这一份是 2024 年的，本批是 2025 年" in proc.stdout.splitlines()

    proc = run_reportgen("render", walk["back"], "-o", tmp_path / "x", "--use", "没有这个.xlsx")
    assert proc.returncode == 2 and proc.stderr == (  # the batch's names offered, never the failing one back
        "错误：--use 没有这个.xlsx：本批工作簿中没有这个文件。本批的文件有：示范市交通局.xlsx、示范市教育局.xlsx、"
        "示范市水利局.xlsx等。请写其中的文件名，或文件的路径。\n")
    proc = run_reportgen("render", walk["back"], "-o", tmp_path / "x", "--use", "示范市教育局(改).xlsx")
    assert proc.returncode == 2 and proc.stderr == (
        "错误：--use 示范市教育局(改).xlsx：本批工作簿中没有这个文件。是不是：示范市教育局（改）.xlsx、示范市教育局.xlsx？"
        "请写本批中的文件名，或文件的路径。\n")

    out = tmp_path / "两份"
    proc = run_reportgen("render", walk["back"], "-o", out, "--use", "示范市教育局（改）.xlsx",
                         "--use", "示范市教育局.xlsx")
    assert proc.returncode == 2 and proc.stderr.splitlines()[-1] == (
        "错误：--use 指定了同一机关（示范市教育局）的 2 份（示范市教育局.xlsx、示范市教育局（改）.xlsx），只能指定一份。")
    assert not out.exists() or not any(out.iterdir())


def test_aggregate_counts_the_batch_as_check_and_render_do(walk, tmp_path):
    out = tmp_path / "汇总.xlsx"
    args = ("aggregate", walk["back"], "--roster", walk["roster"], "-o", out, "--agency", "示范市人民政府办公室", "-j", "1")
    proc = run_reportgen(*args)
    assert proc.returncode == 1 and not out.exists()
    assert proc.stdout.splitlines() == ROSTER_LINES + [
        "没有汇总，未写入任何文件（共 7 个工作簿）：",
        "  · 1 个文件有错误或无法读取：旧格式.xls。请先改正，或加 --exclude-faulty 只汇总其余的（被排除的会列在明细表和屏幕上）。",
        "  · 3 个工作簿本批不用：示范市交通局.xlsx（年度不符，未用）、示范市教育局.xlsx（重复，未用）、"
        "示范市教育局（改）.xlsx（重复，未用）。同一机关有几份的，请把不用的移出文件夹，或加 --use 文件名 指定要用的那一份；"
        "年度不符的请换交本年度的。也可加 --exclude-faulty 不计入它们。",
        "  · 名单上 2 个机关没有交工作簿：示范市民政局、示范市商务局。请收齐后再汇总，或加 --exclude-faulty 只汇总已交的"
        "（未交的会列在明细表和屏幕上）。"]
    proc = run_reportgen(*args, "--exclude-faulty")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert ("已生成汇总工作簿：" + str(out) + "（示范市人民政府办公室2025 年，共 7 个工作簿，汇总 3 个机关，4 个未计入，"
            "名单上 2 个机关未交）。") in proc.stdout.splitlines()
    detail = load_workbook(out)["明细"]
    text = [c for row in detail.iter_rows(values_only=True) for c in row if c is not None]
    assert "名单上未交的机关（2 个）" in text and "示范市商务局" in text and "未计入汇总的文件（4 个）" in text


# --------------------------------------------------------------------------- the 汇总 workbook in print
@pytest.fixture(scope="module")
def summed(walk, tmp_path_factory):
    out = tmp_path_factory.mktemp("summed") / "汇总.xlsx"
    proc = run_reportgen("aggregate", walk["back"], "-o", out, "--agency", "示范市人民政府办公室", "-j", "1",
                         "--use", "示范市教育局（改）.xlsx", "--exclude-faulty")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_the_summary_workbook_prints_on_a4_and_its_detail_sheet_in_whole_blocks(summed):
    from reportgen.formats import DEFAULT_FORMAT as FMT

    wb = load_workbook(summed)
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":  # reportgen's own hidden sheet is never printed
            assert ws.page_setup.paperSize == 9, ws.title
    ws = wb["明细"]
    assert ws.page_setup.orientation == "landscape" and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$B:$B" and ws.print_title_rows == "$3:$5"
    assert ws.print_area == f"'明细'!$A$3:$GT${ws.max_row}" and ws.oddHeader.center.text == "示范市人民政府办公室2025年汇总明细"
    # Every page starts at the first column of a table row (a block): never a row cut in two.
    starts = [b.id + 1 for b in ws.col_breaks.brk]
    assert starts
    for column in starts:
        here = (ws.cell(row=3, column=column).value, ws.cell(row=4, column=column).value)
        before = (ws.cell(row=3, column=column - 1).value, ws.cell(row=4, column=column - 1).value)
        assert here[1] and here != before
    # 表三 (25 rows of 7 numbers) is printed two rows a page: 1 page for 表二, 13 for 表三 (and 表四's first), 1 more.
    assert len(starts) + 1 == 15
    assert ws.cell(row=5, column=3).value == FMT.fields[0].col_label


@needs_libreoffice
def test_the_detail_sheet_prints_as_15_readable_pages_each_with_the_agencies(summed, tmp_path):
    wb = load_workbook(summed)
    for name in wb.sheetnames:
        if name != "明细":
            del wb[name]
    detail = tmp_path / "明细.xlsx"
    wb.save(detail)
    pdf = libreoffice_convert(detail, tmp_path, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Pages:           15" in info and "841.89 x 595.3" in info  # A4 landscape
    for page in range(1, 16):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True).stdout
        assert "机关名称" in text and "示范市财政局" in text and "合计" in text, page
        assert "示范市人民政府办公室2025年汇总明细" in text and f"第 {page} 页，共 15 页" in text, page


def test_a_numbered_plain_list_gives_the_names_without_their_numbers(tmp_path):
    path = tmp_path / "名单.txt"
    path.write_text("1、乙局\n2. 丁局\n３）戊局\n4 己局\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.names == ["乙局", "丁局", "戊局", "己局"]
    assert roster.where == "名单.txt（每行一个名称，已去掉行首的序号）"


def test_a_total_row_is_no_agency_and_the_roster_says_it_was_left_out(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("序号,单位名称\n1,乙局\n2,丁局\n合计,2\n", encoding="utf-8")
    roster = read_roster(path)
    assert roster.names == ["乙局", "丁局"]
    assert roster.where == "名单.csv 的第 2 列（单位名称，第 4 行是合计行，不算机关）"
    wb = Workbook()
    for row in (["单位名称", "联系人"], ["乙局", "张"], ["丁局", "李"], ["合 计", "3个单位"]):
        wb.active.append(row)
    wb.save(tmp_path / "名单.xlsx")
    assert read_roster(tmp_path / "名单.xlsx").names == ["乙局", "丁局"]
    plain = tmp_path / "列表.txt"
    plain.write_text("乙局\n丁局\n总计：2个\n", encoding="utf-8")
    assert read_roster(plain).names == ["乙局", "丁局"]
