"""What a provincial office does with a collection: check and render a whole tree of
collected workbooks in one command each; sum them (aggregate); send workbooks out
(distribute); compare with last year."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collection_tree import agency_name, base_workbook, build_tree, clone
from conftest import SEED, needs_libreoffice, run_reportgen, sample


def _report_names(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if not p.name.startswith(".")}


def test_a_tree_of_over_100_workbooks_goes_through_check_and_render_in_one_command_each(tmp_path):
    tree = build_tree(tmp_path, good=100)
    folder = tree["folder"]
    status = tmp_path / "状态表.xlsx"
    proc = run_reportgen("check", folder, "--summary", status)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == (
        "共检查 107 个工作簿：102 个可以生成报告，3 个有错误，2 个无法读取。（其中 2 个需另存为 .xlsx）"
        "另有 1 个文件不是工作簿。")
    rows = list(load_workbook(status).active.iter_rows(values_only=True))[1:]
    assert len(rows) == 108  # every file found but the lock file: 105 .xlsx, .xls, .ods, .docx
    assert {Path(r[0]).name for r in rows} >= {"旧格式.xls", "某镇.ods", "说明.docx", "重复交的.xlsx"}

    out = tmp_path / "报告"
    proc = run_reportgen("render", folder, "-o", out, "--summary", tmp_path / "生成.csv")
    assert proc.returncode == 2, proc.stderr  # the .xls and .ods produced no report
    names = _report_names(out)
    assert len(names) == 2 * 102
    for i in range(100):
        assert f"{agency_name(i)}2023年政府信息公开工作年度报告.docx" in names
        assert f"{agency_name(i)}2023年政府信息公开工作年度报告.html" in names
    # The same agency twice: two distinct reports, and it says so.
    assert f"{agency_name(0)}2023年政府信息公开工作年度报告（2）.docx" in names
    assert "与另一个工作簿的报告同名" in proc.stdout and "1 个报告与其他报告同名" in proc.stdout
    assert f"{agency_name(103)}2022年政府信息公开工作年度报告.html" in names
    for faulty in tree["faulty"]:
        assert not any(n.startswith(faulty.stem) for n in names)
    assert "已为 102 个生成报告（docx、html），3 个有错误未生成，2 个无法读取" in proc.stdout
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
    assert proc.returncode == 2 and proc.stderr.count("没有通过检查") == 1 and "report.html" in proc.stderr
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
    assert "本年现行有效 700 件，但上年现行有效 665 + 本年制发 69 − 本年废止 3 = 731 件" in out
    assert "与上年报告相同 100%" in out


def _problems_of(path: Path) -> list[dict]:
    from reportgen.workbook import read_workbook

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
