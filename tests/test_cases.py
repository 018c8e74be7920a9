"""The real published reports: each verdict is the one the issue and the cases README ask for."""

from __future__ import annotations

import json

from conftest import SEED, run_reportgen, sample, sample_json, workbook_from
from reportgen import check_workbook


def test_seed_sample_passes(cli):
    result = cli("check", sample(SEED))
    assert result.exit_code == 0, result.output
    assert "结论：可以生成报告（0 个错误，0 个提醒）" in result.output


def test_seed_as_published_with_blank_carry_over_total_names_that_cell(tmp_path, cli):
    obj = sample_json(SEED)
    obj["t3"]["carried_over"]["total"] = None  # the published page left 二、上年结转 / 总计 blank
    path = workbook_from(obj, tmp_path / "as-published.xlsx")
    result = cli("check", path)
    assert result.exit_code == 1
    assert "1 个错误" in result.output
    assert "表三 J8（二、上年结转政府信息公开申请数量 / 总计）：这一格是空的" in result.output


def test_hongze_has_exactly_the_two_wrong_table_4_totals(cli):
    result = check_workbook(sample("hongze-2023"))
    errors = [f for f in result.findings if f.is_error]
    assert [(f.code, f.location.cell) for f in errors] == [("t4-total", "E7"), ("t4-total", "O7")]
    review = errors[0]
    assert review.value == "0" and review.expected == "A7 + B7 + C7 + D7 = 10 + 1 + 0 + 0 = 11"
    assert review.cells == ("E7", "A7", "B7", "C7", "D7")
    assert "K7 + L7 + M7 + N7 = 5 + 0 + 0 + 0 = 5" in errors[1].message
    assert cli("check", sample("hongze-2023")).exit_code == 1


def test_pingtan_passes_with_only_the_length_reminder(cli):
    result = cli("check", sample("pingtan-2021"))
    assert result.exit_code == 0, result.output
    codes = [f.code for f in check_workbook(sample("pingtan-2021")).findings]
    assert codes == ["overview-too-long"]  # 1553 characters: a 提醒 the notice asks for, not a fault


def test_several_workbooks_in_one_run_exit_with_the_worst(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_text("x", encoding="utf-8")
    proc = run_reportgen("check", sample(SEED), sample("hongze-2023"), junk)
    assert proc.returncode == 2
    assert "共检查 3 个工作簿：1 个可以生成报告，1 个有错误，1 个无法读取。" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    proc = run_reportgen("check", sample(SEED), sample("hongze-2023"), "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert [w["exit_code"] for w in report["workbooks"]] == [1, 0]  # the ones needing action first


def test_a_folder_of_collected_workbooks_is_checked_whole(tmp_path):
    import shutil
    folder = tmp_path / "收回的工作簿"
    folder.mkdir()
    for name in ("xiangxiang-kjgxj-2023", "hongze-2023", "pingtan-2021"):
        shutil.copyfile(sample(name), folder / f"{name}.xlsx")
    (folder / "~$hongze-2023.xlsx").write_bytes(b"lock")  # Excel's lock file while a workbook is open
    proc = run_reportgen("check", folder)
    assert proc.returncode == 1
    # pingtan is of 2021 in a batch of 2023: not used until the office says so (--use, --year).
    assert "共检查 3 个工作簿：1 个可以生成报告，1 个有错误，0 个无法读取，1 个年度不符，均未用。" in proc.stdout
    assert "加 --use pingtan-2021.xlsx" in proc.stdout
