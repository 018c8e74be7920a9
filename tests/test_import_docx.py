"""Importing a report as a .docx with Word tables (merged cells: gridSpan, vMerge)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import CASES_DIR, run_reportgen
from published import expected_values, wrong_cells

from reportgen.data.importers import import_report

DATA = Path(__file__).parent / "data" / "import"
CASES = CASES_DIR


def test_fixture_has_merged_word_cells():
    xml = zipfile.ZipFile(DATA / "hongze-2023.docx").read("word/document.xml").decode("utf-8")
    assert "<w:gridSpan" in xml and "<w:vMerge" in xml and xml.count("<w:tbl>") == 3


def test_hongze_docx_every_cell_right_and_faults_found():
    result = import_report(DATA / "hongze-2023.docx")
    assert result.form == "Word 文件"
    assert (result.data.agency, result.data.year) == ("洪泽区人民政府", 2023)
    assert wrong_cells(result.data.values, expected_values("hongze-2023", CASES)) == {}
    assert sorted(f.code for f in result.findings) == ["import-label-changed", "import-obsolete-layout"]


def test_pingtan_docx_imports_cleanly_into_a_workbook_check_passes(tmp_path):
    result = import_report(DATA / "pingtan-2021.docx")
    assert result.findings == []
    assert wrong_cells(result.data.values, expected_values("pingtan-2021", CASES)) == {}
    out = tmp_path / "平潭.xlsx"
    assert run_reportgen("import", DATA / "pingtan-2021.docx", "-o", out).returncode == 0
    checked = run_reportgen("check", out)
    assert checked.returncode == 0, checked.stdout


def test_faults_docx_names_each_fault():
    result = import_report(DATA / "faults.docx")
    where = {f.code: str(f.location) for f in result.findings}
    assert where == {
        "import-missing-part": "报告（五、存在的主要问题及改进情况）",
        "import-missing-row": "表二 B6:D6（第二十条第（一）项 规章）",
        "import-label-changed": "表三 D18:J18（（三）不予公开 8.属于行政查询事项）",
        "import-blank-row": "表三 D20:J20（（四）无法提供 2.没有现成信息需要另行制作）",
    }


def test_old_doc_and_broken_docx_refused(tmp_path):
    doc = tmp_path / "年报.docx"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = run_reportgen("import", doc)
    assert result.returncode == 2 and "另存为 .docx" in result.stderr
    doc.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_reportgen("import", doc)
    assert result.returncode == 2 and "不是有效的 Word 文件" in result.stderr and "Traceback" not in result.stderr
