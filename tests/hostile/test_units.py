"""The pieces of hostile-input handling a user meets directly: file names, file-system
messages, Ctrl-C, the console encoding, scratch left by an interrupted run, text that
looks like Excel's escapes, and the Word title property."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import SEED, digest, edit, run_reportgen, sample
from reportgen.core.errors import UnusableInput
from reportgen.core import fileio
from reportgen.cli import base
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.core.safety import document_property, safe_filename
from reportgen.data.workbook import layout as L
from reportgen.data.workbook import read_workbook

AGENCY = L.info_cell(FMT, "agency")


# ---- file names
@pytest.mark.parametrize("title, expected", [
    ("某某局\u202excod.exe报告", "某某局xcod.exe报告"),
    ("某\u2066局\u2069", "某局"),
    ("某\u200b局\ufeff", "某局"),
    ("某\u3000\u3000局", "某 局"),
    ("con", "_con"),
    ("LPT1.docx", "_LPT1.docx"),
    ("\u202e", "report"),
    ("a/../b", "a_.._b"),
])
def test_file_names_carry_no_hidden_or_forbidden_characters(title, expected):
    assert safe_filename(title) == expected


def test_a_long_name_is_cut_on_a_character_boundary_keeping_its_end():
    title = "某" * 70 + "2023年政府信息公开工作年度报告"
    name = safe_filename(title)
    assert len((name + " (99).docx").encode("utf-8")) <= 255
    assert name.startswith("某某某") and name.endswith("2023年政府信息公开工作年度报告") and "…" in name
    emoji = safe_filename("😀" * 300)
    assert set(emoji) <= {"😀", "…"}  # no half character


def test_document_property_is_one_line_of_at_most_255_characters():
    assert len(document_property("局" * 300)) == 255
    assert document_property("甲\n乙\ud800") == "甲 乙\ufffd"


# ---- text that looks like Excel's escapes, formulas
@pytest.mark.parametrize("text", ["_x0041_", "a_x005F_b", "=1+1", "+1", "-1", "@SUM(A1)", "_xD800_", "'=x"])
def test_text_written_from_data_reads_back_as_typed(tmp_path, text):
    from reportgen.data.model import ReportData

    data = ReportData.from_json({"format": FMT.id, "info": {"agency": text, "year": 2023}})
    path = tmp_path / "w.xlsx"
    from reportgen.data.workbook import write_workbook

    write_workbook(path, data)
    assert read_workbook(path).data.info["agency"] == text


def test_excel_escapes_in_a_cell_are_decoded_and_half_characters_reported(copy_sample):
    path = edit(copy_sample(), {(L.INFO_SHEET, AGENCY): "某_xD83D__xDE00_局_xDC00_"})
    result = read_workbook(path)
    assert result.data.info["agency"] == "某😀局\ufffd"
    [finding] = [f for f in result.findings if f.code == "unencodable-characters"]
    assert finding.location.cell == AGENCY and not finding.is_error


# ---- file-system errors
@pytest.mark.parametrize("number, words", [
    (errno.ENOENT, "找不到"), (errno.EACCES, "没有权限"), (errno.EISDIR, "文件夹"), (errno.ENOSPC, "磁盘空间不足"),
    (errno.ENAMETOOLONG, "太长"), (errno.EROFS, "只能读"), (errno.EIO, "系统提示"),
])
def test_file_system_errors_are_chinese_and_name_the_file(number, words):
    message = fileio.os_error_message(OSError(number, os.strerror(number), "某文件.xlsx"))
    assert words in message and "某文件.xlsx" in message and "Error" not in message


def test_a_file_locked_by_another_program_says_so():
    exc = OSError(errno.EACCES, "denied", "报告.docx")
    exc.winerror = 32  # what Windows reports for a file open in Word
    assert "正被其他程序使用" in fileio.os_error_message(exc)


# ---- scratch of an interrupted run
def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_scratch_of_an_interrupted_render_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = _dead_pid()
    left_folder = out / f".~reportgen-{dead}-abcd1234"
    left_folder.mkdir()
    (left_folder / "report.docx").write_bytes(b"PK half")
    left_file = out / f".~reportgen-{dead}-wxyz5678.docx"
    left_file.write_bytes(b"PK half")
    mine = out / "reportgen-notes"  # a clerk's own folder with a similar name
    mine.mkdir()
    (mine / "笔记.txt").write_text("x")
    running = out / f".~reportgen-{os.getpid()}-live0000"  # a render running now
    running.mkdir()
    proc = run_reportgen("render", sample(SEED), "-o", out, "--format", "html")
    assert proc.returncode == 0, proc.stderr
    assert not left_folder.exists() and not left_file.exists()
    assert (mine / "笔记.txt").exists() and running.exists()


def test_scratch_of_an_interrupted_collection_render_is_removed_by_the_next_one(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    left = out / f".~reportgen-{_dead_pid()}-wxyz5678.html"  # a provisional report of a killed run
    left.write_text("<html>half")
    proc = run_reportgen("render", sample(SEED), sample("pingtan-2021"), "-o", out, "--format", "html")
    assert proc.returncode in (0, 1), proc.stderr
    assert not left.exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".~")]  # and this run left none of its own


def test_old_scratch_is_removed_even_if_its_process_number_is_in_use(tmp_path):
    old = tmp_path / f".~reportgen-{os.getppid()}-abcd1234"
    old.mkdir()
    past = time.time() - fileio.SCRATCH_STALE_SECONDS - 60
    os.utime(old, (past, past))
    assert fileio.clean_scratch(tmp_path) == [old]


# ---- the console
def test_ctrl_c_says_cancelled_and_exits_130(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("reportgen.data.workbook.read_workbook", interrupted)
    monkeypatch.setattr(sys, "argv", ["reportgen", "dump", str(sample(SEED))])
    with pytest.raises(SystemExit) as stop:
        base.run()
    assert stop.value.code == 130
    assert "已取消。" in capsys.readouterr().err


def test_ctrl_c_on_a_real_render_exits_130(tmp_path):
    """SIGINT to the running command (as Ctrl-C sends it), once it is rendering (the
    render is made to wait, so the signal arrives mid-render every time)."""
    import signal

    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    marker = tmp_path / "started"
    code = (f"import pathlib, reportgen.render.html as h\n"
            f"real = h.render_html\n"
            f"def slow(*a, **k):\n"
            f"    pathlib.Path({str(marker)!r}).write_text('x')\n"
            f"    import time; time.sleep(30)\n"
            f"h.render_html = slow\n"
            f"import reportgen.render as r; r.render_html = slow\n"
            f"from reportgen.cli import run; run()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, "render", str(sample(SEED)), "-o", str(tmp_path / "out"),
                             "--format", "html"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):
        if marker.exists():
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "已取消。" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not [p for p in (tmp_path / "out").iterdir()]


def test_internal_errors_hide_class_names_unless_debugging(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("reportgen.data.workbook.read_workbook", broken)
    monkeypatch.setattr(sys, "argv", ["reportgen", "dump", str(sample(SEED))])
    monkeypatch.delenv("REPORTGEN_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stop:
        base.run()
    err = capsys.readouterr().err
    assert stop.value.code == 3 and "内部错误" in err and "RuntimeError" not in err and "位置：" in err
    monkeypatch.setenv("REPORTGEN_DEBUG", "1")
    with pytest.raises(RuntimeError):
        base.run()


def test_a_gbk_console_shows_emoji_as_question_marks_instead_of_failing(copy_sample):
    path = edit(copy_sample(), {(L.INFO_SHEET, AGENCY): "某局😀"})
    env = dict(os.environ, PYTHONIOENCODING="gbk", PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.run([sys.executable, "-m", "reportgen", "check", str(path)], capture_output=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("gbk", "replace")
    assert "某局?2023".encode("gbk") in proc.stdout


# ---- the zip guard
def test_a_member_compressed_as_office_never_does_is_refused_before_it_is_inflated(tmp_path):
    """bzip2 and LZMA inflate a whole block per read, beyond any cap: only stored and
    deflated members (all Office writes) are read."""
    path = tmp_path / "压缩.xlsx"
    with zipfile.ZipFile(sample(SEED)) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_BZIP2) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    with pytest.raises(UnusableInput, match="压缩.xlsx 中的 .* 使用了 Office 软件不会使用的压缩方式"):
        read_workbook(path)


def test_a_lying_member_is_refused_one_byte_past_its_declared_size(tmp_path, monkeypatch):
    """The directory says 1000 bytes; the guard inflates 1001 and stops, whatever the
    member would grow to (the corpus bounds whole commands' memory)."""
    import zips
    from reportgen.core import zipguard

    path = zips.lying(sample(SEED), tmp_path / "说谎.xlsx", "xl/theme/theme1.xml")
    inflated = []
    real_inflate = zipguard._inflate
    monkeypatch.setattr(zipguard, "_inflate", lambda *args: inflated.append(real_inflate(*args)) or inflated[-1])
    with zipguard.open_package(path.read_bytes(), path.name) as archive:
        assert archive.getinfo("xl/theme/theme1.xml").file_size == zips.LIE_DECLARED
        with pytest.raises(UnusableInput, match="说谎.xlsx 中的 xl/theme/theme1.xml 解压后超过了文件目录登记的大小"):
            zipguard.verify_package(archive, path.name)
    assert len(inflated[-1]) == zips.LIE_DECLARED + 1


# ---- the Word report
def test_a_300_character_agency_gives_a_title_property_of_255(tmp_path, copy_sample):
    path = edit(copy_sample(), {(L.INFO_SHEET, AGENCY): "局" * 300})
    before = digest(path)
    proc = run_reportgen("render", path, "-o", tmp_path / "out", "--format", "docx")
    assert proc.returncode == 0, proc.stderr
    [docx] = (tmp_path / "out").glob("*.docx")
    with zipfile.ZipFile(docx) as archive:
        core = etree.fromstring(archive.read("docProps/core.xml"))
    title = core.find("{http://purl.org/dc/elements/1.1/}title").text
    assert title == "局" * 255
    assert digest(path) == before


def test_templates_check_renders_under_the_limits(tmp_path):
    from reportgen.authoring.limits import check_template_limits

    assert check_template_limits(None) == []
    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "style.css").symlink_to("/etc/passwd")
    [issue] = check_template_limits(folder)
    assert issue.code == "render-refused" and "style.css" in issue.message and "root:" not in str(issue)


# ---- the leftover-mark check
def _render_word(template: Path, data) -> Path:
    from reportgen.render.context import build_context
    from reportgen.render.docx import render_docx

    target = template.parent / "out.docx"
    render_docx(template, build_context(data), target)
    return target


def _sample_data():
    import json

    from reportgen.data.model import ReportData

    return ReportData.from_json(json.loads((sample(SEED).with_suffix(".json")).read_text(encoding="utf-8")))


def test_a_mark_the_template_leaves_is_caught(tmp_path):
    from corpus import docx_template

    from reportgen.core.errors import TemplateProblem

    template = docx_template(tmp_path, "{_{ 遗留 }_}")  # docxtpl's escape: prints a literal {{
    with pytest.raises(TemplateProblem, match="还留有模板标记"):
        _render_word(template, _sample_data())


def test_marks_the_data_forms_across_heading_and_text_are_not_caught(tmp_path):
    from corpus import docx_template

    from reportgen.data.model import Paragraph
    from reportgen.render.docx import document_text

    data = _sample_data()
    key = next(k for k in data.text if data.text[k])
    data.text[key] = [Paragraph("{正文%}", heading="小标题{"), Paragraph("%}下一段{{", heading="")]
    target = _render_word(docx_template(tmp_path, "{{ line }}"), data)
    shown = document_text(target)
    assert "小标题{{正文%}" in shown and "%}下一段{{" in shown


def _with_bad_crc(source: Path, target: Path, member: str) -> Path:
    """``source`` re-zipped with ``member`` stored and one byte of it changed (its CRC no longer fits)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info), zipfile.ZIP_STORED if info.filename == member
                          else zipfile.ZIP_DEFLATED)
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as z:
        info = z.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x20  # inside the member's bytes
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("command", ["check", "distribute"])
def test_a_member_with_a_bad_crc_is_refused_in_words_not_as_an_internal_error(tmp_path, command):
    """zipfile's own reader (bad CRC, broken stream, encryption) ends in one refusal for every caller."""
    damaged = _with_bad_crc(sample(SEED), tmp_path / "损坏.xlsx", "xl/workbook.xml")
    args = ["check", damaged] if command == "check" else ["distribute", damaged, "-o", tmp_path / "out", "--year", "2024"]
    proc = run_reportgen(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "损坏.xlsx 已损坏：其中的 xl/workbook.xml 无法解压（或设置了密码），无法读取。" in proc.stdout + proc.stderr
    assert "内部错误" not in proc.stdout + proc.stderr
