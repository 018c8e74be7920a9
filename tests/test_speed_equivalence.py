"""Speed changed nothing a user sees (issue 9).

- The rendered Word and HTML text and every table cell equal the golden file written
  before the speed work (tests/golden_outputs.py).
- The compiled Word renderer writes the parts docxtpl's own render + save writes,
  byte for byte (document.xml: the same canonical XML), also for hostile data; the
  package is a valid zip Word opens.
- The one-pass workbook reader gives the cells openpyxl gives (formulas and stored
  results), for the samples, a workbook exercising every kind of cell, and their
  LibreOffice re-saved copies.
- The reader's limits: zip bombs, huge declared dimensions, DOCTYPEs and pipes are
  refused (or read) with a plain-Chinese sentence, never a hang.
- ``check`` imports neither openpyxl, lxml, Jinja nor docxtpl; compiled templates
  work in spawned worker processes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import warnings
import zipfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from conftest import CASES, ROOT, libreoffice_convert, needs_libreoffice, sample
from golden_outputs import GOLDEN, outputs
from reportgen import UnusableInput, read_workbook
from reportgen.core.errors import TemplateProblem
from reportgen.render import render_report
from reportgen.render.context import build_context
from reportgen.render.docx import _render_with_docxtpl, render_docx
from reportgen.render.template_files import find_template
from reportgen.data.workbook.xlsx import read_cells
from test_render_docx import _hostile_data

TEMPLATE = find_template("report.docx", None)


# --------------------------------------------------------------------------- rendered reports
@pytest.mark.parametrize("name", CASES)
def test_reports_equal_the_golden_file(tmp_path, name):
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))[name]
    now = outputs(name, tmp_path)
    assert now["docx"]["tables"] == golden["docx"]["tables"]
    assert now["docx"]["paragraphs"] == golden["docx"]["paragraphs"]
    assert now["html"] == golden["html"]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every member inflates and matches its CRC
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("data", [*CASES, "hostile"])
def test_word_parts_are_docxtpls_byte_for_byte(tmp_path, data):
    report = _hostile_data() if data == "hostile" else read_workbook(sample(data)).data
    context = build_context(report)
    render_docx(TEMPLATE, context, tmp_path / "fast.docx")
    _render_with_docxtpl(TEMPLATE, context, tmp_path / "docxtpl.docx")
    fast, reference = _parts(tmp_path / "fast.docx"), _parts(tmp_path / "docxtpl.docx")
    assert sorted(fast) == sorted(reference)
    for name in reference:
        if name == "word/document.xml":  # written as rendered, not re-serialised: the same XML
            assert _canonical(fast[name]) == _canonical(reference[name])
        else:
            assert fast[name] == reference[name], name


def _canonical(xml: bytes) -> bytes:
    """The XML in canonical form (C14N 2.0): escapes, empty-element tags and redundant
    namespace declarations no longer differ."""
    from xml.etree.ElementTree import canonicalize

    return canonicalize(xml.decode("utf-8")).encode("utf-8")


def test_unchanged_members_are_the_templates_own(tmp_path):
    render_docx(TEMPLATE, build_context(read_workbook(sample(CASES[0])).data), tmp_path / "r.docx")
    template, rendered = _parts(TEMPLATE), _parts(tmp_path / "r.docx")
    changed = sorted(name for name in template if template[name] != rendered[name])
    assert changed == ["docProps/core.xml", "word/document.xml"]
    with zipfile.ZipFile(TEMPLATE) as a, zipfile.ZipFile(tmp_path / "r.docx") as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        assert b.getinfo("word/styles.xml").compress_size == a.getinfo("word/styles.xml").compress_size


@pytest.mark.parametrize("make, words", [
    (lambda path: path.write_bytes(b"not a zip at all"), "不是有效的 .docx"),
    (lambda path: _replace_member(TEMPLATE, path, "word/document.xml",
                                  b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaa">]>'
                                  + zipfile.ZipFile(TEMPLATE).read("word/document.xml").split(b"?>", 1)[1]),
     "DOCTYPE"),
])
def test_a_broken_word_template_is_refused_by_name(tmp_path, make, words):
    template = tmp_path / "坏模板.docx"
    make(template)
    with pytest.raises(TemplateProblem) as info:
        render_docx(template, build_context(read_workbook(sample(CASES[0])).data), tmp_path / "out.docx")
    assert "坏模板.docx" in str(info.value) and words in str(info.value)
    assert not (tmp_path / "out.docx").exists()


def _render_in_worker(name: str, out_dir: str) -> bytes:
    """A spawned worker: read, render (compiling the template in this process), return document.xml."""
    [path] = render_report(read_workbook(sample(name)).data, Path(out_dir), ["docx"])
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml")


def test_compiled_templates_work_in_spawned_workers(tmp_path):
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        remote = list(pool.map(_render_in_worker, CASES * 2, [str(tmp_path / f"w{i}") for i in range(6)]))
    here = [_render_in_worker(name, str(tmp_path / f"h{name}")) for name in CASES]
    assert remote == here * 2


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _table(grid: int | None, rows: list[list[int]], inner: str = "") -> str:
    """A w:tbl with ``grid`` grid columns (None: no w:tblGrid) and rows of cells, each
    cell spanning the given number of columns; ``inner`` goes into the first cell."""
    xml = "<w:tbl>"
    if grid is not None:
        xml += "<w:tblGrid>" + "<w:gridCol w:w=\"100\"/>" * grid + "</w:tblGrid>"
    for r, row in enumerate(rows):
        xml += "<w:tr>"
        for c, span in enumerate(row):
            props = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span != 1 else ""
            xml += f"<w:tc>{props}{inner if (r, c) == (0, 0) else ''}<w:p/></w:tc>"
        xml += "</w:tr>"
    return xml + "</w:tbl>"


@pytest.mark.parametrize("tables", [
    [_table(3, [[1, 1, 1], [3]])],  # consistent: no fix
    [_table(3, [[1, 1], [1, 1, 1, 1]])],  # a row with more cells than the grid
    [_table(4, [[1, 1], [2]])],  # no row as wide as the grid
    [_table(2, [[2], [1, 1]]), _table(2, [[1]])],  # the second table is too narrow
    [_table(2, [[2]], inner=_table(3, [[3]]))],  # a table inside a cell: its rows count for the outer one too
    [_table(2, [[1, 1]], inner=_table(1, [[1]]))],
    [_table(0, [[1]])],  # an empty grid
])
def test_the_table_fix_runs_exactly_when_docxtpl_would_change_a_table(tables):
    """The compiled render calls docxtpl's fix_tables only when ``_tables_need_fixing``
    says so: that must be whenever fix_tables would change something (a needless call
    costs only time), and never for the consistent tables reports have."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from reportgen.render.docx import _tables_need_fixing

    xml = f"<w:body {_W_NS}>{''.join(tables)}</w:body>"
    template = DocxTemplate(str(TEMPLATE))
    fixed = etree.tostring(template.fix_tables(xml))
    unchanged = etree.tostring(etree.fromstring(xml))
    need = _tables_need_fixing(etree.fromstring(xml))
    if fixed != unchanged:
        assert need
    if tables == [_table(3, [[1, 1, 1], [3]])]:
        assert not need


def test_a_template_table_without_a_grid_is_refused_in_words(tmp_path):
    import re

    broken = tmp_path / "report.docx"
    with zipfile.ZipFile(TEMPLATE) as old, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            content = old.read(info.filename)
            if info.filename == "word/document.xml":
                content = re.sub(rb"<w:tblGrid>.*?</w:tblGrid>", b"", content, count=1, flags=re.S)
            new.writestr(info, content)
    data = read_workbook(sample(CASES[0])).data
    with pytest.raises(TemplateProblem, match="w:tblGrid"):
        render_docx(broken, build_context(data), tmp_path / "out.docx")


# --------------------------------------------------------------------------- reading cells
def _openpyxl_cells(path: Path) -> tuple[dict, dict]:
    """What openpyxl's read-only loads give, as {sheet: {(row, col): value}}."""
    sides = []
    for data_only in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(path, read_only=True, data_only=data_only)
        sheets = {}
        for ws in wb.worksheets:
            sheets[ws.title] = {(r, c): v for r, row in enumerate(ws.iter_rows(values_only=True), start=1)
                                for c, v in enumerate(row, start=1) if v is not None}
        wb.close()
        sides.append(sheets)
    return sides[0], sides[1]


def _assert_reads_like_openpyxl(path: Path) -> None:
    formulas, cached = read_cells(path)
    want_formulas, want_cached = _openpyxl_cells(path)
    assert list(formulas) == list(want_formulas)
    for sheet in want_formulas:
        assert dict(formulas[sheet]) == want_formulas[sheet], sheet
        assert dict(cached[sheet]) == want_cached[sheet], sheet
        for where, value in want_cached[sheet].items():  # 1 == 1.0 == True: the types must match too
            assert type(cached[sheet][where]) is type(value), (sheet, where)


def _every_kind_of_cell(path: Path) -> Path:
    """A workbook with each kind of cell a clerk's spreadsheet program may store."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = Workbook()
    ws = wb.active
    ws.title = "各种格子"
    ws["A1"], ws["B1"], ws["C1"], ws["D1"] = 7, 2.5, -0.125, 10**11
    ws["A2"], ws["B2"] = True, False
    ws["A3"] = dt.datetime(2024, 3, 31)
    ws["B3"] = dt.datetime(2024, 3, 31)
    ws["B3"].number_format = 'yyyy"年"m"月"d"日"'
    ws["C3"] = dt.date(2023, 1, 2)
    ws["D3"] = 45000
    ws["D3"].number_format = "0.00"
    ws["A4"], ws["B4"] = "=SUM(A1:C1)", "=A1*2"
    ws["A5"] = "第一行_x000D_第二行"
    ws["B5"] = "  前后空格  "
    ws["C5"] = "<&>“引号”"
    ws["A6"] = CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗"), "结尾"])
    ws["A8"] = "跳过了第 7 行"
    ws.cell(row=9, column=30, value="远处的格子")
    second = wb.create_sheet("表二")
    second["B2"] = "=各种格子!A1+1"
    wb.save(path)
    return path


def test_the_samples_read_like_openpyxl():
    for name in CASES:
        _assert_reads_like_openpyxl(sample(name))


def test_every_kind_of_cell_reads_like_openpyxl(tmp_path):
    _assert_reads_like_openpyxl(_every_kind_of_cell(tmp_path / "cells.xlsx"))
    formulas, cached = read_cells(tmp_path / "cells.xlsx")
    assert cached["各种格子"][(3, 2)] == dt.datetime(2024, 3, 31)  # a date format read from styles.xml
    assert cached["各种格子"][(3, 4)] == 45000  # a number format that is not a date
    assert formulas["各种格子"][(4, 1)] == "=SUM(A1:C1)" and (4, 1) not in cached["各种格子"]  # no stored result
    assert cached["各种格子"][(6, 1)] == "普通加粗结尾"


@needs_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_resaved_workbooks_read_like_openpyxl(tmp_path):
    sources = [sample(name) for name in CASES] + [_every_kind_of_cell(tmp_path / "cells.xlsx")]
    for source in sources:
        resaved = libreoffice_convert(source, tmp_path / source.stem, "xlsx:Calc MS Excel 2007 XML")
        _assert_reads_like_openpyxl(resaved)
        with zipfile.ZipFile(resaved) as archive:  # LibreOffice stores shared strings and formula results
            assert "xl/sharedStrings.xml" in archive.namelist()
    formulas, cached = read_cells(tmp_path / "cells" / "cells.xlsx")
    assert formulas["各种格子"][(4, 1)] == "=SUM(A1:C1)" and cached["各种格子"][(4, 1)] == 9.375


# --------------------------------------------------------------------------- reading limits
def _sheet_xml(rows: str, dimension: str = "A1") -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>')


def _replace_member(source: Path, target: Path, member: str, content: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, content if info.filename == member else old.read(info.filename))
    return target


def _member_of(path: Path, sheet: str) -> str:
    """The zip member holding ``sheet`` (openpyxl numbers sheets in order)."""
    names = load_workbook(path, read_only=True).sheetnames
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def test_a_huge_declared_dimension_is_ignored(tmp_path):
    source = sample(CASES[0])
    member = _member_of(source, "填写说明")
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>首</t></is></c></row>' \
           '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>末</t></is></c></row>'
    path = _replace_member(source, tmp_path / "大范围.xlsx", member, _sheet_xml(rows, "A1:XFD1048576").encode())
    formulas, _ = read_cells(path)
    assert formulas["填写说明"] == {(1, 1): "首", (1048576, 16384): "末"}
    assert read_workbook(path).data.title  # the report still reads


def test_a_paragraph_in_the_sheets_last_row_is_read(tmp_path):
    """Only rows holding cells are walked: row 1048576 is one more row, not a million."""
    source = sample(CASES[1])
    member = _member_of(source, "文字部分")
    with zipfile.ZipFile(source) as archive:
        xml = archive.read(member).decode("utf-8")
    last = '<row r="1048576"><c r="C1048576" t="inlineStr"><is><t>最后一行的段落</t></is></c></row>'
    path = _replace_member(source, tmp_path / "最后一行.xlsx", member,
                           xml.replace("</sheetData>", last + "</sheetData>").encode("utf-8"))
    text = read_workbook(path).data.text
    assert any(p.text == "最后一行的段落" for paragraphs in text.values() for p in paragraphs)


def test_a_zip_bomb_is_refused_naming_the_file_and_the_part(tmp_path):
    source = sample(CASES[0])
    member = _member_of(source, "填写说明")
    padding = "<!-- " + " " * (8 * 1024 * 1024) + " -->"  # 8 MB that deflates to a few KB
    path = _replace_member(source, tmp_path / "炸弹.xlsx", member, _sheet_xml("").replace("<sheetData>", padding + "<sheetData>").encode())
    with pytest.raises(UnusableInput) as info:
        read_cells(path)
    message = str(info.value)
    assert "炸弹.xlsx" in message and member in message and "压缩" in message


def test_members_inflate_as_zipfile_inflates_them_and_a_damaged_one_is_refused(tmp_path):
    """reportgen inflates a package's members from its bytes in one call: the same bytes
    zipfile reads; a damaged member goes to zipfile, which refuses it."""
    from reportgen.core.zipguard import _inflate, open_package, read_member

    source = sample(CASES[0])
    data = source.read_bytes()
    with zipfile.ZipFile(source) as plain, open_package(data, source.name) as package:
        for info in package.infolist():
            assert _inflate(data, info, 1 << 30) == plain.read(info.filename) == read_member(package, info, source.name)
    member = _member_of(source, "表三")
    with zipfile.ZipFile(source) as plain:
        info = plain.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(data)
    damaged[start + info.compress_size // 2] ^= 0x55  # a byte of the compressed sheet
    (tmp_path / "坏.xlsx").write_bytes(bytes(damaged))
    with pytest.raises(UnusableInput, match="坏.xlsx 已损坏"):
        read_workbook(tmp_path / "坏.xlsx")
    renamed = bytearray(data)  # a local header naming another part than the directory does
    renamed[info.header_offset + 30 + len(info.filename) - 5] ^= 0x01
    assert _inflate(bytes(renamed), info, 1 << 30) is None
    (tmp_path / "改名.xlsx").write_bytes(bytes(renamed))
    with pytest.raises(UnusableInput, match="改名.xlsx 已损坏"):
        read_workbook(tmp_path / "改名.xlsx")


def test_a_doctype_is_refused(tmp_path):
    source = sample(CASES[0])
    member = _member_of(source, "基本信息")
    xml = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>'
           + _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>').split("?>", 1)[1])
    path = _replace_member(source, tmp_path / "实体.xlsx", member, xml.encode())
    with pytest.raises(UnusableInput, match="实体.xlsx.*DOCTYPE"):
        read_workbook(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "管道.xlsx"
    os.mkfifo(pipe)
    with pytest.raises(UnusableInput, match="管道.xlsx.*不是普通文件"):
        read_workbook(pipe)


def test_too_many_parts_are_refused(tmp_path):
    path = tmp_path / "很多部件.xlsx"
    with zipfile.ZipFile(sample(CASES[0])) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
        for i in range(1001):
            new.writestr(f"extra/{i}.bin", b"")
    with pytest.raises(UnusableInput, match="很多部件.xlsx.*部件太多"):
        read_workbook(path)


# --------------------------------------------------------------------------- cold start
def test_check_imports_no_heavy_library():
    code = ("import sys, reportgen.cli; from reportgen import check_workbook; "
            f"check_workbook({str(sample(CASES[1]))!r}); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'lxml', 'jinja2', 'docxtpl', 'docx'}))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- compiled templates on disk
@pytest.mark.parametrize("value", ["", "甲乙 1,234.50", "a&b", "<w:p>", '"q"', "it's", "{{ x }}", "\ufdd0",
                                   0, 7, -3, 10**30, True, False, None, 2.5, dt.date(2024, 1, 31)])
def test_templates_escape_exactly_as_markupsafe(value):
    """The faster escape compiled templates call gives markupsafe's result, type and all."""
    import markupsafe
    from decimal import Decimal

    from reportgen.render.environment import ReportEnvironment, escape

    for item in (value, Decimal("1.50"), markupsafe.Markup("<b>x</b>")):
        assert type(escape(item)) is markupsafe.Markup and escape(item) == markupsafe.escape(item)
    template = ReportEnvironment().from_string("{{ x }}")
    assert template.root_render_func.__globals__["escape"] is escape
    assert template.render(x=value) == str(markupsafe.escape(value))


def test_templates_compiled_from_the_disk_cache_keep_the_sandboxs_limits(tmp_path, monkeypatch):
    """A template compiled once is read back from the user's cache by the next
    process; the code read back still counts loops, and a changed source compiles anew."""
    from reportgen.render import environment as E

    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path))
    source = "{% for i in range(n) %}x{% endfor %}"
    assert E.ReportEnvironment().from_string(source).render(n=3) == "xxx"
    assert len(list(tmp_path.glob("jinja-*"))) == 1
    compiled = []
    monkeypatch.setattr(E.ReportEnvironment, "_compile_now", lambda self, *a, **k: compiled.append(a) or 1 / 0)
    fresh = E.ReportEnvironment().from_string(source)  # a new process's environment: from the cache, not compiled
    assert fresh.render(n=2) == "xx" and compiled == []
    with pytest.raises(TemplateProblem, match="range"):
        fresh.render(n=10**9)
    with pytest.raises(ZeroDivisionError):  # another source is compiled, not served from the cache
        E.ReportEnvironment().from_string(source + " ")


def test_a_template_is_prepared_again_for_another_docxtpl(monkeypatch, tmp_path):
    """The prepared state on disk is keyed by docxtpl's source: another docxtpl prepares
    again; a docxtpl whose source cannot be read is never cached."""
    from reportgen.core import compat
    from reportgen.render import docx as word

    monkeypatch.setenv("REPORTGEN_CACHE_DIR", str(tmp_path))
    calls = []

    def prepare():
        calls.append(1)
        return {"fast": False}

    package = b"a package " + os.urandom(8)
    word._prepared_state(package, prepare)
    word._prepared_state(package, prepare)
    assert len(calls) == 1
    monkeypatch.setattr(compat, "docxtpl_fingerprint", lambda: b"another docxtpl")
    word._prepared_state(package, prepare)
    assert len(calls) == 2
    monkeypatch.setattr(compat, "docxtpl_fingerprint", lambda: None)
    word._prepared_state(package, prepare)
    word._prepared_state(package, prepare)
    assert len(calls) == 4


def test_a_prepared_word_template_is_reused_by_the_next_process_without_docxtpl(tmp_path):
    """The second process that renders with a template takes the preparation from the
    disk cache: it does not import docxtpl (or python-docx) at all, and writes the same
    report; a damaged cache entry is prepared anew."""
    script = (
        "import sys; from pathlib import Path\n"
        "from reportgen import read_workbook\n"
        "from reportgen.render.context import build_context\n"
        "from reportgen.render.docx import render_docx\n"
        "from reportgen.render.template_files import find_template\n"
        f"data = read_workbook({str(sample(CASES[0]))!r}).data\n"
        "render_docx(find_template('report.docx', None), build_context(data), Path(sys.argv[1]))\n"
        "print('docxtpl' in sys.modules, 'docx' in sys.modules)\n"
    )
    cache = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=str(ROOT), REPORTGEN_CACHE_DIR=str(cache))  # a cache of this test's own
    runs = [subprocess.run([sys.executable, "-c", script, str(tmp_path / f"{i}.docx")], env=env,
                           capture_output=True, text=True, check=True).stdout.split() for i in range(2)]
    assert runs == [["True", "True"], ["False", "False"]]
    assert _parts(tmp_path / "0.docx") == _parts(tmp_path / "1.docx")
    assert list(cache.glob("docx-*"))
    for entry in cache.glob("docx-*"):
        entry.write_bytes(b"reportgen-docx-1\n" + b"\x00damaged")
    again = subprocess.run([sys.executable, "-c", script, str(tmp_path / "2.docx")], env=env,
                           capture_output=True, text=True, check=True).stdout.split()
    assert again == ["True", "True"] and _parts(tmp_path / "2.docx") == _parts(tmp_path / "0.docx")
