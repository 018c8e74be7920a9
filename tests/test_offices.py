"""What a provincial office does with a collection: check and render a whole tree of
collected workbooks in one command each; sum them (aggregate); send workbooks out
(distribute); compare with last year."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collection_tree import agency_name, base_workbook, build_tree, clone
from conftest import SEED, run_reportgen, sample


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
    assert proc.returncode == 2 and proc.stderr.count("网页模板有错误") == 1
