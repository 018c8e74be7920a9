"""Importing a text PDF: hongze 2023 as published (table 4 totals wrong, table 3 in the
2019 layout, a label typo), a scan with no text layer, a file that is not a PDF."""

from __future__ import annotations

import shutil

import pytest
from conftest import CASES_DIR, digest, run_reportgen
from published import expected_values, wrong_cells

from reportgen.checks import check_report
from reportgen.core.errors import UnusableInput
from reportgen.data.importers import import_report

pytest.importorskip("pdfplumber")
CASES = CASES_DIR
HONGZE = CASES / "hongze-2023.pdf"


@pytest.fixture(scope="module")
def hongze():
    return import_report(HONGZE)


def test_every_table_cell_right(hongze):
    assert hongze.form == "PDF"
    assert hongze.data.agency == "洪泽区人民政府" and hongze.data.year == 2023
    assert wrong_cells(hongze.data.values, expected_values("hongze-2023", CASES)) == {}


def test_its_faults_are_found_and_nothing_else(hongze):
    findings = hongze.findings + check_report(hongze.data)
    assert sorted(f.code for f in findings) == ["import-label-changed", "import-obsolete-layout",
                                               "t4-total", "t4-total"]
    typo = next(f for f in findings if f.code == "import-label-changed")
    assert typo.location.sheet == "表三" and typo.location.cell == "D12:J12"
    assert (typo.value, typo.expected) == ("2.其他法律行政止公开", "2.其他法律行政法规禁止公开")
    layout = next(f for f in findings if f.code == "import-obsolete-layout")
    assert layout.location.sheet == "表三" and "（六）其他处理" in layout.message and "2019" in layout.message
    assert sorted(f.location.cell for f in findings if f.code == "t4-total") == ["E7", "O7"]


def test_parts_found(hongze):
    """The text parts read exactly as the sample workbook holds them (made from pdftotext by hand)."""
    import json

    from conftest import SAMPLES

    from reportgen.data.model import ReportData

    sample = ReportData.from_json(json.loads((SAMPLES / "hongze-2023.json").read_text(encoding="utf-8")))
    data = hongze.data
    assert {k: data.section_text(k) for k in sample.text} == {k: sample.section_text(k) for k in sample.text}
    assert data.section_text("preamble").startswith("本报告由淮安市洪泽区人民政府办公室")
    assert "全年收取政府信息公开信息处理费0元" in data.section_text("other_matters")
    assert "（二）依申请公开情况。" in [p.heading for p in data.text["overview"]]
    assert "依申请公开工作规范性还有待提" in data.section_text("problems")


def test_import_command_then_check(tmp_path):
    source = tmp_path / "洪泽区2023年报.pdf"
    shutil.copyfile(HONGZE, source)
    before = digest(source)
    out = tmp_path / "洪泽区.xlsx"
    result = run_reportgen("import", source, "-o", out)
    assert result.returncode == 1  # the obsolete layout and the typo are 错误
    assert "表三 D12:J12" in result.stdout and "2019 年试行格式" in result.stdout
    assert out.exists() and digest(source) == before
    checked = run_reportgen("check", out)
    assert checked.returncode == 1
    assert "表四 E7（行政复议 / 总计）" in checked.stdout and "表四 O7" in checked.stdout


def test_scan_without_text_layer_is_refused_plainly(tmp_path):
    from PIL import Image

    scan = tmp_path / "扫描件.pdf"
    Image.new("RGB", (600, 800), "white").save(scan)
    with pytest.raises(UnusableInput, match="扫描件"):
        import_report(scan)
    result = run_reportgen("import", scan, "-o", tmp_path / "x.xlsx")
    assert result.returncode == 2 and "没有文字层" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_not_a_pdf(tmp_path):
    fake = tmp_path / "年报.pdf"
    fake.write_text("<html>404 Not Found</html>", encoding="utf-8")
    result = run_reportgen("import", fake)
    assert result.returncode == 2 and "不是 PDF 文件" in result.stderr
