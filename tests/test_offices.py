"""What a provincial office does with a collection: check and render a whole tree of
collected workbooks in one command each; sum them (aggregate); send workbooks out
(distribute); compare with last year."""

from __future__ import annotations

import csv
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collection_tree import agency_name, base_workbook, build_tree, clone
from reportgen.data.sentences import DRAFT_MARK
from conftest import SEED, libreoffice_convert, needs_libreoffice, run_reportgen, sample, soffice


def _report_names(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if not p.name.startswith(".")}


def test_a_tree_of_over_100_workbooks_goes_through_check_and_render_in_one_command_each(tmp_path):
    tree = build_tree(tmp_path, good=100)
    folder = tree["folder"]
    status = tmp_path / "状态表.xlsx"
    proc = run_reportgen("check", folder, "--summary", status)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == (
        "共检查 107 个工作簿：99 个可以生成报告，3 个有错误，2 个无法读取，2 个是同一机关的重复件、1 个年度不符，均未用。"
        "（其中 2 个需另存为 .xlsx）另有 1 个文件不是工作簿。")
    rows = list(load_workbook(status).active.iter_rows(values_only=True))[1:]
    assert len(rows) == 108  # every file found but the lock file: 105 .xlsx, .xls, .ods, .docx
    assert {Path(r[0]).name for r in rows} >= {"旧格式.xls", "某镇.ods", "说明.docx", "重复交的.xlsx"}
    if soffice():  # the office opens it in LibreOffice: a row per file
        converted = libreoffice_convert(status, tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76")
        lines = [r for r in csv.reader(converted.read_text(encoding="utf-8").splitlines()) if any(r)]
        assert len(lines) == 1 + 108 and lines[0][3] == "状态"
        assert sum(1 for r in lines if r[3] == "有错误") == 3

    out = tmp_path / "报告"
    proc = run_reportgen("render", folder, "-o", out, "--summary", tmp_path / "生成.csv")
    assert proc.returncode == 2, proc.stderr  # the .xls and .ods produced no report
    names = _report_names(out)
    assert len(names) == 2 * 99
    for i in range(1, 100):
        assert f"{agency_name(i)}2023年政府信息公开工作年度报告.docx" in names
        assert f"{agency_name(i)}2023年政府信息公开工作年度报告.html" in names
    # The same agency twice and a workbook of 2022: none of them is published.
    assert not any(n.startswith(agency_name(0)) or n.startswith(agency_name(103)) for n in names)
    for faulty in tree["faulty"]:
        assert not any(n.startswith(faulty.stem) for n in names)
    assert ("共 107 个工作簿：已为 99 个生成报告（docx、html），3 个有错误未生成，2 个无法读取，"
            "2 个是同一机关的重复件、1 个年度不符，均未生成。") in proc.stdout
    sheet = list(csv.reader((tmp_path / "生成.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert sheet[0][-1] == "生成的报告" and len(sheet) == 1 + 108
    made = [r for r in sheet if r[3] == "已生成"]
    assert len(made) == 99 and all(r[-1].count(".docx") == 1 and r[-1].count(".html") == 1 for r in made)
    for docx in list(out.glob("*.docx"))[:3]:
        with zipfile.ZipFile(docx) as z:
            assert z.testzip() is None and "word/document.xml" in z.namelist()


def test_render_collection_exits_0_only_when_every_workbook_gave_its_report(tmp_path):
    base = base_workbook(tmp_path / "base")
    folder = tmp_path / "收回"
    for i in range(3):
        clone(base, folder / f"{i}.xlsx", agency_name(i))
    out = tmp_path / "out"
    proc = run_reportgen("render", folder, "-o", out, "-j", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(_report_names(out)) == 6
    assert "[3/3]" in proc.stderr  # plain progress lines when not on a terminal


def test_one_report_that_cannot_be_written_does_not_stop_the_others(tmp_path):
    base = base_workbook(tmp_path / "base")
    folder = tmp_path / "收回"
    for i in range(3):
        clone(base, folder / f"{i}.xlsx", agency_name(i))
    out = tmp_path / "out"
    # A folder where agency 1's Word file should go: its report cannot be written.
    (out / f"{agency_name(1)}2023年政府信息公开工作年度报告.docx").mkdir(parents=True)
    proc = run_reportgen("render", folder, "-o", out, "-j", "2")
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert "生成失败" in proc.stdout and "1 个生成失败" in proc.stdout
    assert f"{agency_name(0)}2023年政府信息公开工作年度报告.docx" in _report_names(out)
    assert f"{agency_name(2)}2023年政府信息公开工作年度报告.html" in _report_names(out)


def test_a_broken_template_over_a_collection_says_so_once(tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "report.html").write_text("<h1>{{ title }</h1>", encoding="utf-8")
    proc = run_reportgen("render", sample(SEED), sample("pingtan-2021"), "-o", tmp_path / "out",
                         "--templates", tpl, "--format", "html", "-j", "1")
    # The template folder is vetted once, before any worker starts: one message, nothing written.
    assert proc.returncode == 2 and proc.stderr.count("没有通过检查") == 1 and "broken-tag" in proc.stderr
    assert not list((tmp_path / "out").glob("*.html"))


# --------------------------------------------------------------------------- cross-year checks
def _next_year(last: dict) -> dict:
    """Last year's data made into a consistent next year: 上年结转 = last 结转下年度
    (新收 lowered to keep 勾稽), 现行有效 carried on, part 五 rewritten."""
    import copy

    obj = copy.deepcopy(last)
    obj["info"]["year"] = last["info"]["year"] + 1
    t3 = obj["t3"]
    for col in ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org"):
        delta = last["t3"]["carried_forward"][col] - t3["carried_over"][col]
        t3["carried_over"][col] += delta
        t3["new_received"][col] -= delta
    for row in ("carried_over", "new_received"):
        t3[row]["total"] = sum(v for k, v in t3[row].items() if k != "total")
    for row in ("regulations", "normative_documents"):
        t2 = obj["t2"][row]
        t2["in_force"] = last["t2"][row]["in_force"] + t2["issued"] - t2["repealed"]
    obj["text"]["problems"] = [{"heading": "", "text": "本年度新出现的问题是网站栏目更新不及时，已建立周检制度。"}]
    return obj


@pytest.fixture
def two_years(tmp_path):
    from conftest import sample_json, workbook_from

    last = sample_json("pingtan-2021")
    this = _next_year(last)
    return workbook_from(last, tmp_path / "2021.xlsx"), workbook_from(this, tmp_path / "2022.xlsx"), this


def test_check_previous_is_quiet_when_the_years_agree(two_years):
    last, this, _ = two_years
    proc = run_reportgen("check", this, "--previous", last)
    assert proc.returncode == 0, proc.stdout
    assert "crossyear" not in proc.stdout and "与上年 2021.xlsx 比较" in proc.stdout


def test_check_previous_names_a_carry_over_mismatch_at_both_cells(two_years, tmp_path):
    from conftest import workbook_from

    last, _, this = two_years
    this["t3"]["carried_over"]["natural_person"] = 0
    this["t3"]["new_received"]["natural_person"] += 1
    this["t3"]["carried_over"]["total"] -= 1
    this["t3"]["new_received"]["total"] += 1
    this["t2"]["normative_documents"]["in_force"] = 700
    this["text"]["problems"] = [dict(p) for p in _problems_of(last)]
    path = workbook_from(this, tmp_path / "2022-错.xlsx")
    proc = run_reportgen("check", path, "--previous", last)
    out = proc.stdout
    assert proc.returncode == 0  # 提醒 only
    assert ("表三 D8（二、上年结转政府信息公开申请数量 / 自然人）：本年二、上年结转政府信息公开申请数量（自然人）是 0，"
            "上年报告的四、结转下年度继续办理（自然人，上年工作簿 表三 D31）是 1。") in out
    assert "本年现行有效 700 件，但上年现行有效 665 + 本年制发 69 - 本年废止 3 = 731 件" in out
    assert "与上年报告相同 100%" in out


def _problems_of(path: Path) -> list[dict]:
    from reportgen.data.workbook import read_workbook

    return [{"heading": p.heading, "text": p.text} for p in read_workbook(path).data.text["problems"]]


def test_check_previous_folder_matches_last_year_by_agency(two_years, tmp_path):
    import shutil

    last, this, obj = two_years
    last_dir, this_dir = tmp_path / "2021年", tmp_path / "2022年"
    last_dir.mkdir()
    this_dir.mkdir()
    shutil.copyfile(last, last_dir / "随便什么名字.xlsx")
    shutil.copyfile(sample(SEED), last_dir / "别的机关.xlsx")
    shutil.copyfile(this, this_dir / "平潭.xlsx")
    proc = run_reportgen("check", this_dir, "--previous", last_dir, "--json", "-j", "1")
    item = json.loads(proc.stdout)["workbooks"][0]
    assert item["note"] == "与上年 随便什么名字.xlsx 比较"
    assert not [f for f in item["findings"] if f["code"].startswith("crossyear")]


@needs_libreoffice
def test_pdf_over_a_collection_comes_from_one_libreoffice_and_keeps_only_the_asked_formats(tmp_path):
    out = tmp_path / "out"
    proc = run_reportgen("render", sample(SEED), sample("pingtan-2021"), "-o", out, "--format", "html,pdf")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = _report_names(out)
    assert names == {f"{t}.{ext}" for t in ("湘乡市科技和工业信息化局2023年政府信息公开工作年度报告",
                                            "平潭综合实验区2021年政府信息公开工作年度报告") for ext in ("html", "pdf")}
    for pdf in out.glob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(out / "平潭综合实验区2021年政府信息公开工作年度报告.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "平潭综合实验区" in text


# --------------------------------------------------------------------------- aggregate
def _as_year(obj: dict, agency: str, year: int = 2023) -> dict:
    import copy

    out = copy.deepcopy(obj)
    out["info"]["agency"], out["info"]["year"] = agency, year
    return out


def _fixed_hongze() -> dict:
    """The hongze sample with its two 表四 totals corrected (its only 错误)."""
    from conftest import sample_json

    obj = sample_json("hongze-2023")
    for group in ("review", "suit_after_review"):
        g = obj["t4"][group]
        g["total"] = g["upheld"] + g["corrected"] + g["other"] + g["pending"]
    return obj


@pytest.fixture
def office(tmp_path):
    """The bundled samples (pingtan re-dated to 2023, hongze corrected) plus generated workbooks."""
    from conftest import sample_json, workbook_from

    folder = tmp_path / "收回的工作簿"
    folder.mkdir()
    objs = [sample_json(SEED), _as_year(sample_json("pingtan-2021"), "平潭综合实验区"), _fixed_hongze()]
    for i, fee in enumerate(("0.5", "1.25", "0.000001")):
        extra = _as_year(sample_json("pingtan-2021"), f"示范县{i}局")
        extra["t2"]["fees"]["amount"] = fee
        extra["t3"]["granted"]["natural_person"] += i  # different numbers, sums kept consistent
        extra["t3"]["granted"]["total"] += i
        extra["t3"]["results_total"]["natural_person"] += i
        extra["t3"]["results_total"]["total"] += i
        extra["t3"]["new_received"]["natural_person"] += i
        extra["t3"]["new_received"]["total"] += i
        objs.append(extra)
    for i, obj in enumerate(objs):
        workbook_from(obj, folder / f"{i:02d}.xlsx")
    return folder, objs


def _column_sums(objs: list[dict]) -> dict:
    """Independent of reportgen's sum: every key summed over the JSON data (Decimal fee)."""
    from decimal import Decimal

    from reportgen.data.model import ReportData

    sums: dict = {}
    for obj in objs:
        for key, value in ReportData.from_json(obj).values.items():
            sums[key] = sums.get(key, 0) + (value if isinstance(value, Decimal) else int(value))
    return sums


def test_aggregate_sums_every_cell_exactly_and_lists_every_agency(office, tmp_path):
    from decimal import Decimal

    from reportgen.data.workbook import read_workbook

    folder, objs = office
    out = tmp_path / "汇总.xlsx"
    proc = run_reportgen("aggregate", folder, "-o", out, "--agency", "示范市人民政府办公室")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "汇总 6 个机关" in proc.stdout
    data = read_workbook(out).data
    expected = _column_sums(objs)
    assert data.values == expected  # every cell of 表二, 表三, 表四, totals included
    fee = data.values["t2.fees.amount"]
    assert isinstance(fee, Decimal) and fee == Decimal("24252.311082") * 2 + Decimal("1.750001") + \
        Decimal(objs[0]["t2"]["fees"]["amount"]) + Decimal(objs[2]["t2"]["fees"]["amount"]) - Decimal("24252.311082")
    assert data.agency == "示范市人民政府办公室" and data.year == 2023
    detail = load_workbook(out)["明细"]
    rows = list(detail.iter_rows(min_row=6, values_only=True))
    assert [r[1] for r in rows[:6]] == [o["info"]["agency"] for o in objs]
    assert rows[6][1] == "合计"
    # the 明细 columns are labelled from the format and the 合计 row equals the workbook's sums
    header = [c.value for c in detail[5]]
    col = header.index("自然人", 2)  # the first 自然人 column
    assert sum(r[col] for r in rows[:6]) == rows[6][col]
    # it passes check but for the text parts the office writes
    proc = run_reportgen("check", out)
    findings = json.loads(run_reportgen("check", out, "--json").stdout)["workbooks"][0]["findings"]
    # the drafted 前言/fee sentence are errors until the office has read them and removed their mark
    assert {f["code"] for f in findings if f["severity"] == "error"} == {"missing-text", "draft-text"}
    assert proc.returncode == 1 and {f["code"] for f in findings} == {"missing-text", "draft-text"}


def test_aggregate_renders_once_the_office_has_written_its_text(office, tmp_path):
    folder, _ = office
    out = tmp_path / "汇总.xlsx"
    assert run_reportgen("aggregate", folder, "-o", out, "--agency", "示范市人民政府办公室").returncode == 0
    dumped = json.loads(run_reportgen("dump", out).stdout)
    dumped["text"]["overview"] = [{"heading": "", "text": "本年度全市政务公开工作有序开展。"}]
    dumped["text"]["problems"] = [{"heading": "", "text": "个别单位更新不及时。"}]
    dumped["text"]["other_matters"] = [{"heading": "", "text": "本年度未收取信息处理费。"}]
    # the office has read the drafted 前言 and keeps it: it removes the draft mark
    dumped["text"]["preamble"] = [dict(p, text=p["text"].replace(DRAFT_MARK, "")) for p in dumped["text"]["preamble"]]
    (tmp_path / "汇总.json").write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")
    filled = tmp_path / "汇总-已写.xlsx"
    assert run_reportgen("new-workbook", filled, "--from", tmp_path / "汇总.json").returncode == 0
    proc = run_reportgen("render", filled, "-o", tmp_path / "报告")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "报告" / "示范市人民政府办公室2023年政府信息公开工作年度报告.docx").exists()


def test_aggregate_refuses_mixed_years_duplicates_and_errors_naming_the_files(tmp_path):
    import shutil

    folder = tmp_path / "收回"
    folder.mkdir()
    for name in (SEED, "pingtan-2021", "hongze-2023"):
        shutil.copyfile(sample(name), folder / f"{name}.xlsx")
    shutil.copyfile(sample(SEED), folder / "又交了一份.xlsx")
    out = tmp_path / "汇总.xlsx"
    proc = run_reportgen("aggregate", folder, "-o", out, "--agency", "某市", "-j", "1")
    assert proc.returncode == 1 and not out.exists()
    assert proc.stdout.splitlines() == [
        "没有汇总，未写入任何文件（共 4 个工作簿）：",
        "  · 1 个文件有错误或无法读取：hongze-2023.xlsx。请先改正，或加 --exclude-faulty 只汇总其余的（被排除的会列在明细表和屏幕上）。",
        f"  · 3 个工作簿本批不用：pingtan-2021.xlsx（年度不符，未用）、{SEED}.xlsx（重复，未用）、又交了一份.xlsx（重复，未用）。"
        "同一机关有几份的，请把不用的移出文件夹，或加 --use 文件名 指定要用的那一份；年度不符的请换交本年度的。"
        "也可加 --exclude-faulty 不计入它们。"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]
    # Two files of two years: no year is the batch's, so the office is asked for it.
    proc = run_reportgen("aggregate", folder / f"{SEED}.xlsx", folder / "pingtan-2021.xlsx", "-o", out,
                         "--agency", "某市", "-j", "1")
    assert proc.returncode == 1 and not out.exists()
    assert (f"工作簿的年度不一致（2023 年：{SEED}.xlsx；2021 年：pingtan-2021.xlsx）。请用 --year 指定本批的年度"
            "（其他年度的不计入），或只汇总同一年度的。") in proc.stdout


def test_aggregate_exclude_faulty_sums_the_rest_and_says_who_was_left_out(tmp_path):
    import shutil

    folder = tmp_path / "收回"
    folder.mkdir()
    for name in (SEED, "hongze-2023"):
        shutil.copyfile(sample(name), folder / f"{name}.xlsx")
    (folder / "旧.xls").write_bytes(b"old")
    out = tmp_path / "汇总.xlsx"
    proc = run_reportgen("aggregate", folder, "-o", out, "--agency", "某市", "--exclude-faulty")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "未计入：" in proc.stdout and "hongze-2023.xlsx" in proc.stdout and "旧.xls" in proc.stdout
    detail = [r for r in load_workbook(out)["明细"].iter_rows(values_only=True)]
    text = "\n".join(str(c) for r in detail for c in r if c is not None)
    assert "未计入汇总的文件（2 个）" in text and "hongze-2023.xlsx" in text
    assert [r[1] for r in detail[5:6]] == ["湘乡市科技和工业信息化局"]


# --------------------------------------------------------------------------- distribute
def test_distribute_one_workbook_per_agency_named_safely(tmp_path):
    from reportgen.data.workbook import read_workbook

    names = tmp_path / "名单.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    for row in (["机关名称"], ["示范市教育局"], [None, "示范市财政局"], ["示范市/水利局"], ["CON"], [""],
                ["示范市教育局"]):
        wb.active.append(row)
    wb.save(names)
    out = tmp_path / "下发"
    proc = run_reportgen("distribute", names, "-o", out, "--year", "2025")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["示范市教育局.xlsx", "示范市财政局.xlsx", "示范市_水利局.xlsx", "_CON.xlsx"])
    assert "名单中重复的名称只生成一份：示范市教育局" in proc.stdout
    assert "“示范市/水利局”的文件名已改为 示范市_水利局.xlsx" in proc.stdout
    data = read_workbook(out / "示范市_水利局.xlsx").data
    assert data.agency == "示范市/水利局" and data.year == 2025


def test_distribute_with_previous_prefills_carry_over_and_offers_last_years_text(two_years, tmp_path):
    import shutil

    from reportgen.checks import check_workbook
    from reportgen.data.workbook import read_workbook

    last, _, _ = two_years
    last_dir = tmp_path / "2021年收回"
    last_dir.mkdir()
    shutil.copyfile(last, last_dir / "平潭.xlsx")
    names = tmp_path / "名单.txt"
    names.write_text("平潭综合实验区\n示范市新设局\n", encoding="gbk")  # Notepad on Chinese Windows
    out = tmp_path / "下发"
    proc = run_reportgen("distribute", names, "-o", out, "--year", "2022", "--previous", last_dir)
    assert proc.returncode == 0, proc.stderr
    assert "据上年 平潭.xlsx 预填“上年结转” 6 格，附上年文字 10 段供参考" in proc.stdout
    assert "以下 1 个机关没有找到上年的工作簿，未预填" in proc.stdout and "· 示范市新设局" in proc.stdout
    sent = out / "平潭综合实验区.xlsx"
    data = read_workbook(sent).data
    last_data = read_workbook(last).data
    for col in ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org"):
        assert data.values[f"t3.carried_over.{col}"] == last_data.values[f"t3.carried_forward.{col}"]
    assert data.values["t3.carried_over.total"] == 1  # the workbook's own total formula
    assert data.values["t3.new_received.natural_person"] is None  # this year's figures are the clerk's
    assert data.text.get("problems", []) == []  # last year's text is not this year's
    wb = load_workbook(sent)
    sheet = wb["上年文字（仅供参考）"]
    assert "这是上年（2021 年）报告的文字，仅供参考" in sheet["A1"].value
    first = next(p for s in last_data.format.text_sections for p in last_data.text.get(s.key, []))
    assert sheet["C4"].value == first.text
    # A standard workbook waiting for the clerk: blank cells (so 勾稽 does not hold yet), text to write
    # (new workbooks start with a drafted 前言 and fee sentence, marked for the clerk).
    assert {f.code for f in check_workbook(sent).findings} == {"blank-value", "missing-text", "t3-balance",
                                                              "draft-text"}


def test_new_workbook_from_says_what_it_carried_into_another_year(tmp_path):
    dumped = tmp_path / "2021.json"
    dumped.write_text(run_reportgen("dump", sample("pingtan-2021")).stdout, encoding="utf-8")
    proc = run_reportgen("new-workbook", tmp_path / "2022.xlsx", "--from", dumped, "--year", "2022")
    assert proc.returncode == 0
    assert "从 2021.json 带入：机关名称“平潭综合实验区”，年度 2022，166 个数字格，10 段文字。" in proc.stdout
    assert "注意：这些数字和文字是 2021 年的，工作簿年度已设为 2022 年" in proc.stdout
    proc = run_reportgen("new-workbook", tmp_path / "same.xlsx", "--from", dumped)
    assert "注意" not in proc.stdout and "带入" in proc.stdout


# --------------------------------------------------------------------------- re-saved by LibreOffice
@needs_libreoffice
def test_workbooks_re_saved_by_libreoffice_are_summed_and_distributed_ones_keep_their_carry_over(
        office, two_years, tmp_path):
    """Clerks open and save in a spreadsheet program: what reportgen wrote must survive it."""
    from conftest import libreoffice_convert
    from reportgen.data.workbook import read_workbook

    folder, objs = office
    resaved = tmp_path / "另存过的"
    resaved.mkdir()
    for path in sorted(folder.glob("*.xlsx"))[:3]:
        work = tmp_path / "lo" / path.stem
        work.mkdir(parents=True)
        converted = libreoffice_convert(path, work, "xlsx:Calc MS Excel 2007 XML")
        converted.rename(resaved / path.name)
    out = tmp_path / "汇总.xlsx"
    proc = run_reportgen("aggregate", resaved, "-o", out, "--agency", "示范市人民政府办公室", "-j", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert read_workbook(out).data.values == _column_sums(objs[:3])

    # the 汇总 workbook itself, re-saved by LibreOffice, still holds the same sums
    work = tmp_path / "lo" / "汇总"
    work.mkdir(parents=True)
    again = libreoffice_convert(out, work, "xlsx:Calc MS Excel 2007 XML")
    assert read_workbook(again).data.values == _column_sums(objs[:3])

    last, _, _ = two_years
    names = tmp_path / "名单.csv"
    names.write_text("机关名称\n平潭综合实验区\n", encoding="utf-8-sig")
    sent_dir = tmp_path / "下发"
    assert run_reportgen("distribute", names, "-o", sent_dir, "--year", "2022", "--previous", last).returncode == 0
    work = tmp_path / "lo" / "下发"
    work.mkdir(parents=True)
    sent = libreoffice_convert(sent_dir / "平潭综合实验区.xlsx", work, "xlsx:Calc MS Excel 2007 XML")
    data = read_workbook(sent).data
    assert data.values["t3.carried_over.natural_person"] == 1 and data.values["t3.carried_over.total"] == 1
    assert data.agency == "平潭综合实验区" and data.year == 2022


def test_an_unreadable_last_year_workbook_is_said_and_changes_nothing(tmp_path):
    junk = tmp_path / "上年.xlsx"
    junk.write_bytes(b"not a workbook")
    proc = run_reportgen("check", sample(SEED), "--previous", junk)
    assert proc.returncode == 0 and "上年 上年.xlsx 无法读取，未比较" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
