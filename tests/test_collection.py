"""The collection layer: finding every file, working in parallel, judging a collection,
the status sheet, and ``check`` over folders as a provincial office uses it."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collection_tree import agency_name, base_workbook, build_tree, clone
from conftest import SEED, digest, edit, libreoffice_convert, needs_libreoffice, run_reportgen, sample
from reportgen import collection as C
from reportgen.collection.status_sheet import write_status


# --------------------------------------------------------------------------- collect()
def test_collect_accounts_for_every_file_of_files_folders_and_globs(tmp_path):
    root = tmp_path / "收回"
    (root / "乡镇" / "更深").mkdir(parents=True)
    (root / ".git").mkdir()
    for rel in ("b.xlsx", "a.xlsx", "乡镇/c.xlsx", "乡镇/更深/d.XLSX", "老.xls", "乡镇/e.ods", "f.et",
                "说明.txt", "~$a.xlsx", ".隐藏.xlsx", ".git/g.xlsx"):
        (root / rel).write_bytes(b"x")
    extra = tmp_path / "补交.xlsx"
    extra.write_bytes(b"x")
    found = C.collect([root, str(tmp_path / "*.xlsx"), root / "a.xlsx", tmp_path / "没有这个.xlsx"])
    rel = [p.relative_to(tmp_path).as_posix() for p in found.workbooks]
    assert rel == ["收回/a.xlsx", "收回/b.xlsx", "收回/乡镇/c.xlsx", "收回/乡镇/更深/d.XLSX", "补交.xlsx"]
    rejected = {p.name: (status, reason) for p, status, reason in found.rejected}
    assert rejected["老.xls"][0] == rejected["e.ods"][0] == rejected["f.et"][0] == C.NOT_XLSX
    assert "另存为 .xlsx" in rejected["老.xls"][1]
    assert rejected["说明.txt"] == (C.NOT_WORKBOOK, "不是工作簿")
    assert found.ignored == 2  # the lock file and the hidden file (hidden folders are not walked)
    assert found.missing == [str(tmp_path / "没有这个.xlsx")]
    assert found.total == 9
    # The same inputs in another order give the same files for the folder part.
    again = C.collect([root])
    assert again.workbooks == found.workbooks[:4]


def test_a_glob_is_expanded_by_reportgen_itself(tmp_path):
    """Windows cmd passes 收回的工作簿/*.xlsx as it is; reportgen expands it."""
    folder = tmp_path / "收回的工作簿"
    folder.mkdir()
    for name in (SEED, "hongze-2023"):
        shutil.copyfile(sample(name), folder / f"{name}.xlsx")
    proc = run_reportgen("check", str(folder / "*.xlsx"), "-j", "1")  # no shell: the * reaches reportgen
    assert "共检查 2 个工作簿：1 个可以生成报告，1 个有错误，0 个无法读取。" in proc.stdout
    assert proc.returncode == 1


def test_nothing_found_is_a_usage_error(tmp_path):
    proc = run_reportgen("check", str(tmp_path / "*.xlsx"))
    assert proc.returncode == 2 and "没有找到工作簿" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- run_parallel()
def explode_on_second(n: int) -> int:
    """A module-level worker (spawn pickles workers by name) that fails on one item."""
    if n == 2:
        raise RuntimeError("boom")
    return n * 10


def test_parallel_results_come_back_in_input_order_and_one_failure_stays_with_its_item():
    seen = []
    results = C.run_parallel(explode_on_second, [(n,) for n in range(1, 11)], jobs=2,
                             on_error=lambda task, message: f"failed {task[0]}: {message}",
                             progress=lambda i, r: seen.append(i))
    assert results[0] == 10 and results[2:] == [n * 10 for n in range(3, 11)]
    # the failure is said in Chinese with the source line for support, never with a class name
    assert results[1].startswith("failed 2: reportgen 内部错误（位置：") and "RuntimeError" not in results[1]
    assert sorted(seen) == list(range(10))


def test_an_internal_error_in_one_file_becomes_its_status(tmp_path):
    good = shutil.copyfile(sample(SEED), tmp_path / "好.xlsx")
    statuses = C.run_parallel(explode_on_path, [(good,), (tmp_path / "坏.xlsx",)], jobs=2,
                              on_error=C.internal_error)
    assert statuses[0].status == C.OK
    assert statuses[1].status == C.INTERNAL and "内部错误" in statuses[1].reason
    assert "KeyError" not in statuses[1].reason and "位置" in statuses[1].reason
    assert statuses[1].exit_code == 3


def explode_on_path(path: Path):
    if Path(path).name == "坏.xlsx":
        raise KeyError("bug")
    return C.check_one(path)


# --------------------------------------------------------------------------- across the collection
def test_the_same_agency_twice_and_another_year_are_named_with_the_files(tmp_path):
    base = base_workbook(tmp_path / "base")
    a = clone(base, tmp_path / "c" / "甲.xlsx", "示范市教育局")
    b = clone(base, tmp_path / "c" / "乡镇" / "甲-改.xlsx", "示范市 教育局")  # a stray space: still the same
    c = clone(base, tmp_path / "c" / "乙.xlsx", "示范市财政局")
    d = edit(clone(base, tmp_path / "c" / "丙.xlsx", "示范市水利局"), {("基本信息", "B5"): 2022})
    statuses = C.check_collection(C.collect([tmp_path / "c"]), jobs=1)
    by_name = {s.path.name: s for s in statuses}
    dup = [f for f in by_name["甲.xlsx"].findings if f.code == "collection-duplicate-agency"]
    assert len(dup) == 1 and "甲-改.xlsx" in dup[0].message and dup[0].location.cell == "B4"
    assert any("甲.xlsx" in f.message for f in by_name["甲-改.xlsx"].findings)
    year = [f for f in by_name["丙.xlsx"].findings if f.code == "collection-other-year"]
    assert len(year) == 1 and year[0].message == (
        "报告年度是 2022，本批是 2023 年的工作簿。这一份不生成报告、不计入汇总：请换交 2023 年的工作簿；"
        "确实要用这一份的，加 --use 丙.xlsx。")
    assert by_name["乙.xlsx"].findings == [] and by_name["乙.xlsx"].status == C.OK
    # Neither the two of one agency nor the other year is used: an 错误 of the batch, said first.
    assert by_name["丙.xlsx"].status == C.OTHER_YEAR and not by_name["丙.xlsx"].can_render
    assert by_name["甲.xlsx"].status == by_name["甲-改.xlsx"].status == C.DUPLICATE
    assert by_name["甲.xlsx"].first_findings().startswith("基本信息 B4（机关名称）：机关名称“示范市教育局”在本批 2 个")
    # --year says which year the collection is for
    statuses = C.check_collection(C.collect([a, b, c, d]), jobs=1, year=2022)
    flagged = {s.path.name for s in statuses if any(f.code == "collection-other-year" for f in s.findings)}
    assert flagged == {"甲-改.xlsx", "甲.xlsx", "乙.xlsx"}


# --------------------------------------------------------------------------- check and render in one pass
def test_check_and_render_reads_each_workbook_once_and_names_reports_in_collection_order(tmp_path, monkeypatch):
    import reportgen.data.workbook as W

    base = base_workbook(tmp_path / "base")
    folder = tmp_path / "c"
    clone(base, folder / "1.xlsx", "示范市_教育局")
    clone(base, folder / "2.xlsx", "示范市/教育局")  # another agency, the same file name: its report gets （2）
    clone(base, folder / "3.xlsx", "示范市财政局")
    edit(clone(base, folder / "4.xlsx", "示范市水利局"), {("表三", "D7"): "很多"})  # an 错误: no report
    clone(base, folder / "5.xlsx", "示范市水务局")  # one agency twice: neither is published
    clone(base, folder / "6.xlsx", "示范市 水务局")
    reads = []
    real = W.read_workbook
    monkeypatch.setattr(W, "read_workbook", lambda path: reads.append(Path(path).name) or real(path))
    out = tmp_path / "out"
    statuses = C.check_and_render_collection(C.collect([folder]), out, ["docx", "html"], jobs=1)
    assert sorted(reads) == [f"{i}.xlsx" for i in range(1, 7)]  # each read once, checked and rendered
    by_name = {s.path.name: s for s in statuses}
    title = "示范市_教育局2023年政府信息公开工作年度报告"
    assert [p.name for p in by_name["1.xlsx"].outputs] == [f"{title}.docx", f"{title}.html"]
    assert [p.name for p in by_name["2.xlsx"].outputs] == [f"{title}（2）.docx", f"{title}（2）.html"]
    assert by_name["2.xlsx"].renamed and "（2）" in by_name["2.xlsx"].note and not by_name["1.xlsx"].renamed
    assert by_name["4.xlsx"].status == C.ERRORS and by_name["4.xlsx"].outputs == []
    for name in ("5.xlsx", "6.xlsx"):
        assert by_name[name].status == C.DUPLICATE and by_name[name].outputs == []
        assert by_name[name].findings[0].code == "collection-duplicate-agency"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.name for s in statuses for p in s.outputs)  # nothing else: no scratch file left, no 水务局 report
    assert len(list(out.iterdir())) == 6
    with zipfile.ZipFile(by_name["3.xlsx"].outputs[0]) as archive:
        assert archive.testzip() is None


# --------------------------------------------------------------------------- check FOLDER
@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return build_tree(tmp_path_factory.mktemp("tree"), good=12)


def test_check_lists_the_files_needing_action_first_then_the_counts(tree):
    proc = run_reportgen("check", tree["folder"], "-j", "2")
    out = proc.stdout
    assert proc.returncode == 2  # the .xls and .ods cannot be read
    # The batch's own faults first: one agency twice (both files), another year; then the rest.
    assert out.startswith("######## 需要处理的文件（8 个）\n\n== " + str(tree["duplicate"]))
    action = out[: out.index("######## 可以生成报告（")]
    for name in ("重复交的.xlsx", f"{agency_name(0)}.xlsx", tree["other_year"].name, "旧格式.xls", "某镇.ods",
                 *(p.name for p in tree["faulty"])):
        assert name in action
    assert "另存为 .xlsx" in action and "格内是“12件”，不是数字" in action
    assert ("结论：本批不用这一份（同一机关有不止一份工作簿），不生成报告、不计入汇总（1 个错误，0 个提醒）。"
            "请按下面的说明处理。") in action
    assert ("报告年度是 2022，本批是 2023 年的工作簿。这一份不生成报告、不计入汇总：请换交 2023 年的工作簿；"
            f"确实要用这一份的，加 --use {tree['other_year'].name}。") in action
    assert "######## 不是工作簿，未检查（1 个）" in out and "说明.docx" in out
    assert "已忽略 1 个 Excel 临时文件" in out
    lines = out.strip().splitlines()
    assert lines[-1] == ("共检查 19 个工作簿：11 个可以生成报告，3 个有错误，2 个无法读取，2 个是同一机关的重复件、"
                         "1 个年度不符，均未用。（其中 2 个需另存为 .xlsx）另有 1 个文件不是工作簿。")
    assert "Traceback" not in out + proc.stderr
    # Not a terminal: one plain progress line per workbook on stderr, stdout stays clean.
    assert proc.stderr.count("\n") == 17 and "[17/17]" in proc.stderr


def test_check_json_is_the_same_data_sorted_the_same_way(tree):
    proc = run_reportgen("check", tree["folder"], "--json", "-j", "2")
    report = json.loads(proc.stdout)
    statuses = [w["status"] for w in report["workbooks"]]
    assert statuses[:8] == ["duplicate", "duplicate", "other-year", "not-xlsx", "not-xlsx", "errors", "errors",
                            "errors"]
    assert statuses[-1] == "not-workbook"
    assert report["counts"]["ok"] + report["counts"]["warnings"] == 11
    assert report["ignored"] == 1
    other = next(w for w in report["workbooks"] if w["path"].endswith(tree["other_year"].name))
    assert other["year"] == 2022 and other["findings"][0]["code"] == "collection-other-year"
    assert other["status_label"] == "年度不符，未用" and other["can_render"] is False and other["exit_code"] == 1


def test_status_sheet_has_a_row_per_file_frozen_filtered_and_sized(tree, tmp_path):
    target = tmp_path / "状态表.xlsx"
    proc = run_reportgen("check", tree["folder"], "--summary", target, "-j", "2")
    assert f"已另存状态表：{target}（20 个文件，每个一行）" in proc.stdout
    ws = load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("文件", "机关名称", "年度", "状态", "错误", "提醒", "主要问题")
    assert len(rows) == 21
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:G21"
    assert ws.column_dimensions["G"].width > 50
    by_file = {Path(r[0]).name: r for r in rows[1:]}
    faulty = by_file[tree["faulty"][0].name]
    assert faulty[3] == "有错误" and faulty[4] == 1 and "表三 D11" in faulty[6]
    assert by_file["旧格式.xls"][3] == "需另存为 .xlsx"
    assert by_file["说明.docx"][3] == "不是工作簿"
    assert by_file[tree["other_year"].name][2] == 2022
    assert [r[3] for r in rows[1:5]] == ["重复，未用", "重复，未用", "年度不符，未用", "需另存为 .xlsx"]
    assert rows[-1][3] == "不是工作簿"  # needing action first


def test_status_sheet_writes_a_formula_like_agency_as_text_in_xlsx_and_csv(tmp_path):
    hostile = '=HYPERLINK("http://evil.example","点我")'
    statuses = [C.FileStatus(Path("a.xlsx"), C.OK, agency=hostile, year=2023, title="t"),
                C.FileStatus(Path("b.xlsx"), C.UNUSABLE, reason="-1+1 不是工作簿")]
    write_status(tmp_path / "s.xlsx", statuses)
    ws = load_workbook(tmp_path / "s.xlsx").active
    assert ws["B2"].value == hostile and ws["B2"].data_type == "s"
    write_status(tmp_path / "s.csv", statuses)
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads Chinese in a CSV only with the BOM
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[1][1] == "'" + hostile and rows[2][6] == "'-1+1 不是工作簿"


@needs_libreoffice
def test_status_sheet_opens_in_libreoffice_with_a_row_per_file(tree, tmp_path):
    target = tmp_path / "状态表.xlsx"
    run_reportgen("check", tree["folder"], "--summary", target, "-j", "2")
    converted = libreoffice_convert(target, tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76")
    rows = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    rows = [r for r in rows if any(r)]
    assert rows[0][:4] == ["文件", "机关名称", "年度", "状态"]
    assert len(rows) == 21
    assert sum(1 for r in rows if r[3] == "有错误") == 3


def test_annotate_a_collection_into_a_folder(tree, tmp_path):
    out = tmp_path / "标注"
    before = digest(tree["faulty"][0])
    proc = run_reportgen("check", tree["folder"], "--annotate", out, "-j", "2")
    names = sorted(p.name for p in out.iterdir())
    # Only workbooks with findings: 3 faulty, the two of the same agency, the one of 2022.
    assert len(names) == 6 and f"{tree['faulty'][0].stem}-标注.xlsx" in names
    assert f"已在 {out} 另存 6 个标注副本。" in proc.stdout
    ws = load_workbook(out / f"{tree['faulty'][0].stem}-标注.xlsx")["表三"]
    assert "12件" in ws["D11"].comment.text
    assert digest(tree["faulty"][0]) == before


def test_annotate_with_a_file_name_is_for_one_workbook_only(tmp_path):
    proc = run_reportgen("check", sample(SEED), sample("hongze-2023"), "--annotate", tmp_path / "x.xlsx")
    assert proc.returncode == 2 and "只能用于一个工作簿" in proc.stderr


def die_on_three(n: int) -> int:
    """A worker whose process dies on one item, as a crash or the out-of-memory killer would."""
    if n == 3:
        import os

        os._exit(1)
    return n


def test_a_worker_process_that_dies_costs_only_its_own_file():
    tasks = [(n,) for n in range(12)]
    results = C.run_parallel(die_on_three, tasks, jobs=2, on_error=lambda task, message: f"failed: {message}")
    assert results[:3] == [0, 1, 2] and results[4:] == list(range(4, 12))
    assert results[3] == "failed: 处理这个文件时工作进程意外退出（可能是内存不足）"


def hang_on_third(n: int) -> int:
    """A module-level worker that never finishes one item (a stuck file)."""
    if n == 3:
        import time

        time.sleep(3600)
    return n * 10


def test_a_file_that_runs_past_the_time_limit_is_stopped_and_the_others_go_on():
    import time

    began = time.monotonic()
    results = C.run_parallel(hang_on_third, [(n,) for n in range(1, 11)], jobs=2,
                             on_error=lambda task, message: f"failed {task[0]}: {message}", time_limit=3)
    assert results[2] == "failed 3: 处理这个文件超过 3 秒，已停止（其他文件不受影响）"
    assert results[:2] + results[3:] == [n * 10 for n in (1, 2, 4, 5, 6, 7, 8, 9, 10)]
    assert time.monotonic() - began < 120  # the stuck worker was ended, not waited for


def collector_threshold(_: int) -> int:
    import gc

    return gc.get_threshold()[0]


def test_workers_run_the_cycle_collector_less_often():
    """A report frees what it allocates: a worker's collector need not run every 700."""
    thresholds = C.run_parallel(collector_threshold, [(n,) for n in range(C.MIN_TASKS_FOR_WORKERS)], jobs=2)
    assert set(thresholds) == {C.WORKER_GC_THRESHOLD}


def test_workers_start_only_when_they_win_back_their_start_up(monkeypatch):
    """A few quick files are done in this process (starting workers would take longer);
    a collection large enough is shared among the workers."""
    pools = []
    from reportgen.collection import pool

    monkeypatch.setattr(pool, "_pool_round", lambda *args: pools.append(len(args[2])) or [])
    C.run_parallel(str, [(n,) for n in range(20)], jobs=2, task_seconds=0.01)
    assert pools == []  # 20 × 10 ms: 0.1 s saved at best, less than starting the workers
    C.run_parallel(str, [(n,) for n in range(200)], jobs=2, task_seconds=0.01)
    assert pools == [200]
    C.run_parallel(str, [(n,) for n in range(20)], jobs=2)  # no estimate: only the floor of a few tasks
    assert pools == [200, 20]
