"""The hostile corpus: inputs a clerk, a collection or a template from elsewhere may
feed reportgen, each built by the test that uses it (bombs made small, with the same
ratios), and what reportgen must answer.

Each :class:`Case` builds its inputs under ``tmp/in`` and returns the command line;
``tmp/out`` is the output folder a command may write to.  ``test_corpus.py`` runs the
command as a clerk does (a separate process, with a memory limit and a timeout) and
checks the exit code, the Chinese message naming the place, no traceback, no file
left behind, and the inputs byte-identical.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from openpyxl import Workbook, load_workbook

import zips
from conftest import ROOT, SEED, sample
from reportgen.formats import DEFAULT_FORMAT as FMT
from reportgen.data.workbook import layout as L

BUILTIN_TEMPLATES = ROOT / "templates"
AGENCY_CELL = L.info_cell(FMT, "agency")
YEAR_CELL = L.info_cell(FMT, "year")
COUNT = FMT.fields[0]  # the first count of 表二
FEE = next(f for f in FMT.fields if f.kind == "amount")
TITLE_TAIL = "年政府信息公开工作年度报告"


@dataclass(frozen=True)
class Case:
    id: str
    what: str  # one line for OUTCOMES.md
    build: Callable[[Path, Path], list]  # (in_dir, out_dir) -> command-line arguments
    code: int
    says: tuple[str, ...] = ()  # pieces of the output: the place and the reason, in Chinese
    env: dict = field(default_factory=dict)
    waits_for: str = ""  # a branch that has not landed: the case is xfail until it does
    memory_mb: float | None = None  # the most the command may add to its process's peak (Outcome.grown_mb)
    outputs: tuple[str, ...] = ()  # suffixes of the files a successful run leaves in out/
    check: Callable[[Path, Path, str], None] | None = None  # more assertions: (in, out, output)


# --------------------------------------------------------------------------- builders
def seed(in_dir: Path, name: str = "工作簿.xlsx") -> Path:
    target = in_dir / name
    shutil.copyfile(sample(SEED), target)
    return target


class Text(str):
    """A value typed as text even though it starts with “=” (Excel: a leading apostrophe)."""


def edited(changes: dict[tuple[str, str], object], name: str = "工作簿.xlsx") -> Callable[[Path], Path]:
    """A builder of the sample workbook with cells set as a clerk would (“=…” is a formula
    unless wrapped in :class:`Text`)."""
    def build(in_dir: Path) -> Path:
        path = seed(in_dir, name)
        wb = load_workbook(path)
        for (sheet, cell), value in changes.items():
            wb[sheet][cell].value = str(value) if isinstance(value, Text) else value
            if isinstance(value, Text):
                wb[sheet][cell].data_type = "s"
        wb.save(path)
        return path
    return build


def sample_json(in_dir: Path, change: Callable[[dict], None] | None = None, name: str = "数据.json",
                raw: str | None = None) -> Path:
    data = json.loads((ROOT / "sample_inputs" / f"{SEED}.json").read_text(encoding="utf-8"))
    if change:
        change(data)
    path = in_dir / name
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def set_key(data: dict, key: str, value) -> None:
    node = data
    *path, last = key.split(".")
    for part in path:
        node = node[part]
    node[last] = value


def first_body(data: dict) -> dict:
    return next(p for ps in data["text"].values() for p in ps if p.get("text"))


def raw_zip(path: Path, members: dict[str, bytes], level: int = 9) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def rezip(source: Path, target: Path, change: Callable[[str, bytes], bytes | None],
          extra: dict[str, bytes] | None = None) -> Path:
    """Copy a zip package member by member, letting ``change`` rewrite (or drop: None) members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return target


def bomb_bytes(inflated: int) -> bytes:
    """Highly compressible bytes (deflate reaches ~1000:1, the issue's 1 MB → 1.1 GB)."""
    return b" " * inflated


def template_dir(in_dir: Path, files: dict[str, str | bytes]) -> Path:
    folder = in_dir / "模板"
    folder.mkdir(exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def docx_template(in_dir: Path, body: str) -> Path:
    """The built-in Word template with the title line's tag replaced by ``body``."""
    folder = in_dir / "模板"
    folder.mkdir(exist_ok=True)

    def change(name: str, data: bytes) -> bytes:
        if name == "word/document.xml":
            assert b"{{ line }}" in data, "the built-in template changed: pick another tag to replace"
            return data.replace(b"{{ line }}", body.encode("utf-8"), 1)
        return data
    return rezip(BUILTIN_TEMPLATES / "report.docx", folder / "report.docx", change)


# --------------------------------------------------------------------------- runners of a case
def check_cmd(build_workbook: Callable[[Path], Path]) -> Callable[[Path, Path], list]:
    return lambda in_dir, out_dir: ["check", build_workbook(in_dir)]


def render_cmd(build_workbook: Callable[[Path], Path], *extra) -> Callable[[Path, Path], list]:
    return lambda in_dir, out_dir: ["render", build_workbook(in_dir), "-o", out_dir, *extra]


def dump_cmd(build_workbook: Callable[[Path], Path]) -> Callable[[Path, Path], list]:
    return lambda in_dir, out_dir: ["dump", build_workbook(in_dir)]


def from_json_cmd(build_json: Callable[[Path], Path]) -> Callable[[Path, Path], list]:
    return lambda in_dir, out_dir: ["new-workbook", out_dir / "新.xlsx", "--from", build_json(in_dir)]


def render_with_templates(files: Callable[[Path], Path] | dict, fmt: str = "docx,html") -> Callable[[Path, Path], list]:
    def build(in_dir: Path, out_dir: Path) -> list:
        folder = files(in_dir) if callable(files) else template_dir(in_dir, files)
        return ["render", seed(in_dir), "-o", out_dir, "--templates", folder if folder.is_dir() else folder.parent,
                "--format", fmt]
    return build


def check_templates_cmd(files: Callable[[Path], Path] | dict) -> Callable[[Path, Path], list]:
    def build(in_dir: Path, out_dir: Path) -> list:
        folder = files(in_dir) if callable(files) else template_dir(in_dir, files)
        return ["templates", "check", folder if folder.is_dir() else folder.parent]
    return build


def the_file(name: str) -> Callable[[Path], Path]:
    """A workbook path built by a function of the input folder."""
    def decorate(make: Callable[[Path], None]) -> Callable[[Path], Path]:
        def build(in_dir: Path) -> Path:
            path = in_dir / name
            make(path)
            return path
        return build
    return decorate


# --------------------------------------------------------------------------- extra checks
def rendered_name(predicate: Callable[[str], bool], why: str):
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        names = [p.name for p in out_dir.iterdir()]
        assert names and all(predicate(n) for n in names), f"{why}: {names}"
        assert all(len(n.encode("utf-8")) <= 255 for n in names)
    return check


def docx_text_contains(*pieces: str):
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        from reportgen.render.docx import document_text

        docx = next(out_dir.glob("*.docx"))
        text = "\n".join(document_text(docx))
        for piece in pieces:
            assert piece in text, piece
        html = next(out_dir.glob("*.html")).read_text(encoding="utf-8")
        for piece in pieces:
            escaped = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert escaped in html or escaped.replace('"', "&#34;").replace("'", "&#39;") in html, piece
    return check


def word_paragraph(text: str):
    """One paragraph of the Word report reads exactly ``text``."""
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        from reportgen.render.docx import document_text

        assert text in document_text(next(out_dir.glob("*.docx")))
    return check


def html_lacks(piece: str):
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        for html in out_dir.glob("*.html"):
            assert piece not in html.read_text(encoding="utf-8")
    return check


def dump_round_trip(value_key: str):
    """The value read back from the written workbook equals the JSON's, as text."""
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        from reportgen.data.workbook import read_workbook

        written = out_dir / "新.xlsx"
        ws = load_workbook(written)[L.INFO_SHEET]
        assert ws[AGENCY_CELL].data_type == "s", "a string from data became a formula"
        data = read_workbook(written).data
        source = json.loads(next(in_dir.glob("*.json")).read_text(encoding="utf-8"))
        assert data.info["agency"] == source["info"]["agency"]
    return check


# --------------------------------------------------------------------------- the cases
def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _plain_workbook(path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = "机关名称"
    wb.save(path)


def _docx_renamed(path: Path) -> None:
    shutil.copyfile(BUILTIN_TEMPLATES / "report.docx", path)


def _without_sheet(sheet: str):
    def make(path: Path) -> None:
        shutil.copyfile(sample(SEED), path)
        wb = load_workbook(path)
        del wb[sheet]
        wb.save(path)
    return make


def _newer_version(path: Path) -> None:
    shutil.copyfile(sample(SEED), path)
    wb = load_workbook(path)
    ws = wb[L.MARK_SHEET]
    for row in ws.iter_rows():
        if row[0].value == "template_version":
            row[1].value = 999
    wb.save(path)


def _xlsx_bomb_of(megabytes: int) -> Callable[[Path], None]:
    """The issue's 1 MB → 1.1 GB sheet, at the same ratio: one sheet part inflating ~1000:1."""
    def make(path: Path) -> None:
        def change(name: str, data: bytes) -> bytes:
            if name == "xl/worksheets/sheet1.xml":
                return data.replace(b"<sheetData>", b"<sheetData>" + bomb_bytes(megabytes * 1024 * 1024), 1)
            return data
        rezip(sample(SEED), path, change)
    return make


_xlsx_bomb = _xlsx_bomb_of(300)


def _huge_dimension(path: Path) -> None:
    """A 30 KB workbook that declares A1:XFD1048576 with a cell in the last row."""
    shutil.copyfile(sample(SEED), path)
    wb = load_workbook(path)
    wb[L.TEXT_SHEET]["XFD1048576"] = "末"
    wb.save(path)


def _text_rows(count: int):
    def make(path: Path) -> None:
        shutil.copyfile(sample(SEED), path)
        wb = load_workbook(path)
        ws = wb[L.TEXT_SHEET]
        label = ws.cell(L.TEXT_FIRST_ROW + 1, L.TEXT_SECTION_COL).value
        for offset in range(count):
            row = L.TEXT_FIRST_ROW + 400 + offset
            ws.cell(row, L.TEXT_SECTION_COL, label)
            ws.cell(row, L.TEXT_BODY_COL, f"第{offset}段。")
        wb.save(path)
    return make


def long_text(chars: int) -> Callable[[Path], Path]:
    """The sample with a paragraph of ``chars`` characters, as a program other than
    Excel may write it (openpyxl itself cuts text at Excel's 32767)."""
    def build(in_dir: Path) -> Path:
        path = edited({(TEXT, body_cell()): "LONGTEXTMARK"})(in_dir)
        tmp = path.with_suffix(".tmp")
        # Varied characters (seeded), so the part compresses like real text (~2:1), not like a bomb.
        text = "".join(map(chr, random.Random(chars).choices(range(0x4E00, 0x9FA5), k=chars)))
        rezip(path, tmp, lambda n, d: d.replace(b"LONGTEXTMARK", text.encode("utf-8")) if n.endswith(".xml") else d)
        tmp.replace(path)
        return path
    return build


def _zero_size_sparse(size: int):
    def make(path: Path) -> None:
        with open(path, "wb") as fh:
            fh.truncate(size)
    return make


def body_cell(row_offset: int = 0) -> str:
    """The 正文 cell of the first text row (the sample fills it)."""
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(L.TEXT_BODY_COL)}{L.TEXT_FIRST_ROW + row_offset}"


def heading_cell(row_offset: int = 0) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(L.TEXT_HEADING_COL)}{L.TEXT_FIRST_ROW + row_offset}"


INFO, TEXT = L.INFO_SHEET, L.TEXT_SHEET
OUT2 = ("docx", "html")


def _cases() -> list[Case]:
    c: list[Case] = []
    add = c.append

    # ---- files that are not a standard workbook
    add(Case("empty-file", "0 字节的 .xlsx", check_cmd(the_file("空.xlsx")(lambda p: p.write_bytes(b""))),
             2, ("空.xlsx", "不是 Excel 工作簿")))
    add(Case("text-as-xlsx", "文本文件改名为 .xlsx", check_cmd(the_file("文本.xlsx")(lambda p: p.write_text("机关名称,2023"))),
             2, ("文本.xlsx", "不是 Excel 工作簿")))
    add(Case("broken-zip", "以 PK 开头但已损坏的文件", check_cmd(the_file("坏.xlsx")(lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 200))),
             2, ("坏.xlsx",)))
    add(Case("random-bytes", "10 KB 随机字节", check_cmd(the_file("乱码.xlsx")(lambda p: p.write_bytes(os.urandom(10240)))),
             2, ("乱码.xlsx",)))
    add(Case("fake-xls", "OLE 文件头（旧版 .xls）", check_cmd(the_file("旧.xlsx")(lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))),
             2, ("旧.xlsx", ".xls")))
    add(Case("zip-without-workbook", "只含一个 txt 的 zip", check_cmd(the_file("包.xlsx")(lambda p: raw_zip(p, {"a.txt": b"x"}))),
             2, ("包.xlsx",)))
    add(Case("docx-as-xlsx", "Word 文档改名为 .xlsx", check_cmd(the_file("文档.xlsx")(_docx_renamed)),
             2, ("文档.xlsx",)))
    add(Case("folder-as-workbook", "给了一个文件夹（里面没有工作簿）", lambda i, o: ["check", (i / "空文件夹").mkdir() or i / "空文件夹"],
             2, ("空文件夹", "没有找到工作簿")))
    add(Case("missing-file", "不存在的文件", lambda i, o: ["check", i / "没有这个.xlsx"], 2, ("没有这个.xlsx", "没有找到")))
    add(Case("dump-fifo", "dump 命名管道", dump_cmd(the_file("管道.xlsx")(_fifo)), 2, ("管道.xlsx", "不是普通文件")))
    add(Case("fifo-workbook", "命名管道当作工作簿（会一直等待）", check_cmd(the_file("管道.xlsx")(_fifo)),
             2, ("管道.xlsx", "不是普通文件")))
    add(Case("device-workbook", "/dev/zero 当作工作簿（读不完）", lambda i, o: ["check", "/dev/zero"],
             2, ("/dev/zero", "不是普通文件")))
    add(Case("symlink-to-device", "指向 /dev/zero 的链接", check_cmd(the_file("链接.xlsx")(lambda p: p.symlink_to("/dev/zero"))),
             2, ("链接.xlsx", "不是普通文件")))
    add(Case("plain-workbook", "普通 Excel 工作簿（不是标准工作簿）", check_cmd(the_file("普通.xlsx")(_plain_workbook)),
             2, ("普通.xlsx", "不是 reportgen 的标准工作簿")))
    add(Case("sheet-deleted", "删掉了“表三”工作表", check_cmd(the_file("少表.xlsx")(_without_sheet(FMT.tables[1].sheet))),
             2, ("少表.xlsx", FMT.tables[1].sheet)))
    add(Case("mark-deleted", "删掉了隐藏的标记工作表", check_cmd(the_file("无标记.xlsx")(_without_sheet(L.MARK_SHEET))),
             2, ("无标记.xlsx", "标准工作簿")))
    add(Case("newer-version", "更新版本生成的工作簿", check_cmd(the_file("新版.xlsx")(_newer_version)),
             2, ("新版.xlsx", "升级")))
    add(Case("sparse-60mb", "60 MB 的文件（稀疏，全是 0）", check_cmd(the_file("大.xlsx")(_zero_size_sparse(60 * 1024 * 1024))),
             2, ("大.xlsx", "上限")))

    # ---- resource exhaustion in the workbook reader (limits written on branch perf)
    add(Case("xlsx-zip-bomb", "一个工作表解压后约 300 MB（压缩比约 1000:1）", check_cmd(the_file("炸弹.xlsx")(_xlsx_bomb)),
             2, ("炸弹.xlsx", "上限")))
    add(Case("xlsx-ratio-bomb", "一个工作表解压后 60 MB（不超过大小上限，压缩比约 1000:1）", check_cmd(the_file("比例.xlsx")(_xlsx_bomb_of(60))),
             2, ("比例.xlsx", "压缩比")))
    add(Case("huge-dimension", "声明 A1:XFD1048576，最后一行有一个格", check_cmd(the_file("大范围.xlsx")(_huge_dimension)),
             0, ("可以生成报告",)))

    # ---- numbers (parse_number is branch clerk's)
    for cid, what, value, code, says, branch in [
        ("count-1e999999999", "件数格填文本 1e999999999", "1e999999999", 1, (COUNT.cell,), "clerk"),
        ("count-1e5000", "件数格填文本 1e5000", "1e5000", 1, (COUNT.cell,), "clerk"),
        ("count-40-digits", "件数格填 40 位数字", "9" * 40, 1, (COUNT.cell,), "clerk"),
        ("count-1e12", "件数格填 10^12（超过上限）", 10**12, 1, (COUNT.cell,), "clerk"),
        ("fee-1e-999999999", "金额格填文本 1e-999999999", "1e-999999999", 1, (FEE.cell,), "clerk"),
    ]:
        add(Case(cid, what, render_cmd(edited({(COUNT.sheet if "count" in cid else FEE.sheet,
                                                 COUNT.cell if "count" in cid else FEE.cell): value})),
                 code, says))
    add(Case("fee-7-decimals", "金额格填 7 位小数（提醒，照常生成）", render_cmd(edited({(FEE.sheet, FEE.cell): "1.1234567"})),
             0, (FEE.cell, "小数位过多"), outputs=OUT2))
    for cid, what, value, says in [
        ("count-word", "件数格填“十二件”", "十二件", ("不是数字",)),
        ("count-inf", "件数格填 inf", "inf", ("不是数字",)),
        ("count-nan", "件数格填 NaN", "NaN", ("不是数字",)),
        ("count-negative", "件数格填 -3", -3, ("负数",)),
        ("count-fraction", "件数格填 2.5", 2.5, ("整数",)),
        ("count-bool", "件数格是逻辑值 TRUE", True, ("不是数字",)),
        ("count-formula-no-result", "件数格是没有计算结果的公式", "=1+1", ("公式",)),
        ("count-external-link", "件数格引用外部工作簿", "='[其他.xlsx]表二'!B6", ("公式",)),
        ("count-webservice", "件数格是 WEBSERVICE 公式（不会执行）", '=WEBSERVICE("http://example.com/")', ("公式",)),
        ("count-blank-dash", "件数格填“—”", "—", ("为空",)),
        ("fee-negative", "金额填 -1", "-1", ("负数",)),
    ]:
        add(Case(cid, what, check_cmd(edited({(COUNT.sheet if cid.startswith("count") else FEE.sheet,
                                                COUNT.cell if cid.startswith("count") else FEE.cell): value})),
                 1, (COUNT.cell if cid.startswith("count") else FEE.cell, *says)))
    add(Case("count-with-commas", "件数格填文本“1,000”", check_cmd(edited({(COUNT.sheet, COUNT.cell): "1,000"})),
             0, (COUNT.cell, "已按数字 1000 读取")))

    # ---- the details sheet
    add(Case("year-abc", "年度填 abc", check_cmd(edited({(INFO, YEAR_CELL): "abc"})), 1, (YEAR_CELL, "abc")))
    add(Case("year-huge", "年度填 20 位数字", check_cmd(edited({(INFO, YEAR_CELL): 10**19})), 1, (YEAR_CELL,)))
    add(Case("agency-blank", "机关名称为空", check_cmd(edited({(INFO, AGENCY_CELL): None})), 1, ("机关名称",)))
    add(Case("agency-formula-no-result", "机关名称是没有计算结果的公式", check_cmd(edited({(INFO, AGENCY_CELL): '=HYPERLINK("http://x","y")'})),
             1, ("机关名称",)))

    # ---- text that could break a file, a console or a file name
    add(Case("agency-lone-surrogate", "机关名称含 Excel 转义 _xD800_（半个字符）",
             render_cmd(edited({(INFO, AGENCY_CELL): "某某局_xD800_"})), 0, (AGENCY_CELL, "无法保存"), outputs=OUT2))
    add(Case("body-lone-surrogate", "正文含 _xDFFF_", check_cmd(edited({(TEXT, body_cell()): "正文_xDFFF_结束"})),
             0, (body_cell(), "无法保存")))
    add(Case("body-surrogate-pair", "正文含成对转义 _xD83D__xDE00_（😀）", render_cmd(edited({(TEXT, body_cell()): "笑_xD83D__xDE00_"})),
             0, (), outputs=OUT2, check=docx_text_contains("笑😀")))
    add(Case("dump-lone-surrogate", "dump 含 _xD800_ 的工作簿", dump_cmd(edited({(INFO, AGENCY_CELL): "某_xD800_局"})),
             0, ("某\ufffd局",)))
    add(Case("agency-emoji-gbk", "机关名称含 emoji，控制台是 GBK", render_cmd(edited({(INFO, AGENCY_CELL): "某某局😀"})),
             0, ("已生成",), env={"PYTHONIOENCODING": "gbk"}, outputs=OUT2))
    add(Case("check-emoji-gbk", "检查含 emoji 的工作簿，控制台是 GBK", check_cmd(edited({(INFO, AGENCY_CELL): "🏛某局", (COUNT.sheet, COUNT.cell): "1件😀"})),
             1, (COUNT.cell,), env={"PYTHONIOENCODING": "gbk"}))
    add(Case("agency-300-chars", "机关名称 300 个字（文件名与 Word 标题的上限）", render_cmd(edited({(INFO, AGENCY_CELL): "局" * 300})),
             0, ("已生成",), outputs=OUT2, check=rendered_name(lambda n: TITLE_TAIL in n, "the name keeps its end")))
    add(Case("agency-70-chinese", "机关名称 70 个汉字（超过 255 字节）", render_cmd(edited({(INFO, AGENCY_CELL): "某" * 70})),
             0, ("已生成",), outputs=OUT2, check=rendered_name(lambda n: n.startswith("某某某") and "年度报告." in n, "cut in the middle")))
    add(Case("agency-bidi", "机关名称含 U+202E（文件名伪装成 .exe）", render_cmd(edited({(INFO, AGENCY_CELL): "某某局\u202excod.exe"})),
             0, ("已生成",), outputs=OUT2, check=rendered_name(lambda n: "\u202e" not in n, "no bidi control")))
    add(Case("agency-bidi-isolates", "机关名称含 U+2066–2069", render_cmd(edited({(INFO, AGENCY_CELL): "某\u2066局\u2067\u2068\u2069"})),
             0, ("已生成",), outputs=OUT2, check=rendered_name(lambda n: not any(ch in n for ch in "\u2066\u2067\u2068\u2069"), "no isolates")))
    add(Case("agency-zero-width", "机关名称含零宽字符和 BOM", render_cmd(edited({(INFO, AGENCY_CELL): "某\u200b某\u200d局\ufeff"})),
             0, ("已生成",), outputs=OUT2, check=rendered_name(lambda n: n.startswith("某某局2023"), "invisible stripped")))
    add(Case("agency-path", "机关名称是 ../../etc/passwd", render_cmd(edited({(INFO, AGENCY_CELL): "../../etc/passwd"})),
             0, ("已生成",), outputs=OUT2, check=rendered_name(lambda n: "/" not in n, "stays in out/")))
    add(Case("agency-windows-chars", '机关名称含 <>:"|?*', render_cmd(edited({(INFO, AGENCY_CELL): '某<>:"|?*局'})),
             0, ("已生成",), outputs=OUT2, check=rendered_name(lambda n: not any(ch in n for ch in '<>:"|?*'), "windows-safe")))
    add(Case("agency-script", "机关名称含 <script>", render_cmd(edited({(INFO, AGENCY_CELL): "某局<script>alert(1)</script>"})),
             0, (), outputs=OUT2, check=html_lacks("<script>alert(1)")))
    add(Case("agency-jinja", "机关名称含 {{ 7*7 }} 和 {% %}", render_cmd(edited({(INFO, AGENCY_CELL): "某局{{ 7*7 }}{% if 1 %}"})),
             0, (), outputs=OUT2, check=docx_text_contains("某局{{ 7*7 }}{% if 1 %}")))
    add(Case("body-xml", "正文含 ]]> 和 &amp; 和 <w:p>", render_cmd(edited({(TEXT, body_cell()): "A]]>B&amp;C<w:p/>D"})),
             0, (), outputs=OUT2, check=docx_text_contains("A]]>B&amp;C<w:p/>D")))
    add(Case("body-controls", "正文含控制字符（Excel 转义 _x0001_、_x001B_）", check_cmd(edited({(TEXT, body_cell()): "甲_x0001_乙_x001B_丙"})),
             0, (body_cell(), "控制字符")))
    add(Case("heading-brace-body-brace", "小标题以 { 结尾、正文以 { 开头（数据自己拼成 {{）",
             render_cmd(edited({(TEXT, heading_cell(1)): "（一）示例{", (TEXT, body_cell(1)): "{正文}"})),
             0, ("已生成",), outputs=OUT2, check=word_paragraph("（一）示例{{正文}")))
    add(Case("paragraph-brace-pairs", "相邻两段：一段以 { 结尾，下一段以 % 开头",
             render_cmd(edited({(TEXT, body_cell(1)): "甲{", (TEXT, body_cell(2)): "%乙"})),
             0, ("已生成",), outputs=OUT2))
    add(Case("paragraph-40000", "一段 40000 字（超过一格上限；其他软件写的文件）", check_cmd(long_text(40000)),
             1, (body_cell(), "32767")))
    add(Case("paragraph-10mb", "一段 10 MB（其他软件写的文件）", render_cmd(long_text(10 * 1024 * 1024 // 3)),
             1, (body_cell(), "32767")))
    add(Case("paragraph-30000", "一段 30000 字（上限以内）", render_cmd(edited({(TEXT, body_cell()): "字" * 30000})),
             0, ("已生成",), outputs=OUT2))
    add(Case("text-3000-rows", "文字部分 3000 行", render_cmd(the_file("多段.xlsx")(_text_rows(3000))),
             0, ("已生成",), outputs=OUT2))
    add(Case("formula-agency", "机关名称格是公式 =cmd|' /C calc'!A0（没有计算结果；不会执行）",
             render_cmd(edited({(INFO, AGENCY_CELL): "=cmd|' /C calc'!A0"})), 1, ("机关名称",)))
    add(Case("formula-text-agency", "机关名称是以 = 开头的文本", render_cmd(edited({(INFO, AGENCY_CELL): Text("=cmd|' /C calc'!A0")})),
             0, ("已生成",), outputs=OUT2, check=docx_text_contains("=cmd|' /C calc'!A0")))

    # ---- data as JSON (new-workbook --from)
    def js(change=None, raw=None):
        return lambda i: sample_json(i, change, raw=raw)
    for cid, what, text in [
        ("json-formula-agency", "JSON 机关名称 =cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),
        ("json-plus-agency", "JSON 机关名称 +1+1", "+1+1"),
        ("json-minus-agency", "JSON 机关名称 -2-2", "-2-2"),
        ("json-at-agency", "JSON 机关名称 @SUM(A1)", "@SUM(A1)"),
        ("json-tab-agency", "JSON 机关名称以制表符开头", "\t=1+1"),
        ("json-hyperlink-agency", "JSON 机关名称 =HYPERLINK(...)", '=HYPERLINK("http://evil","点我")'),
    ]:
        add(Case(cid, what, from_json_cmd(js(lambda d, t=text: set_key(d, "info.agency", t))), 0, ("已生成",),
                 outputs=("xlsx",), check=dump_round_trip("info.agency") if "\t" not in text else None))
    add(Case("json-lone-surrogate", "JSON 机关名称含 \\ud800", from_json_cmd(js(lambda d: set_key(d, "info.agency", "某\ud800局"))),
             0, ("已生成",), outputs=("xlsx",)))
    add(Case("json-controls", "JSON 正文含 \\u0000 和 \\u001b", from_json_cmd(js(lambda d: first_body(d).update(text="甲\u0000乙\u001b"))),
             0, ("已生成",), outputs=("xlsx",)))
    add(Case("json-empty", "空的 JSON 文件", from_json_cmd(js(raw="")), 2, ("数据.json", "JSON")))
    add(Case("json-invalid", "不是 JSON", from_json_cmd(js(raw="{机关名称: 某局")), 2, ("数据.json", "第 1 行")))
    add(Case("json-array", "最外层是数组", from_json_cmd(js(raw="[1, 2]")), 2, ("数据.json", "最外层")))
    add(Case("json-deep", "嵌套 100000 层的数组", from_json_cmd(js(raw="[" * 100000 + "]" * 100000)), 2, ("数据.json",)))
    add(Case("json-5000-digits", "含 5000 位整数", from_json_cmd(js(raw='{"x": ' + "7" * 5000 + "}")), 2, ("数据.json", "过长")))
    add(Case("json-fee-tiny", "金额 1e-999999999", from_json_cmd(js(lambda d: set_key(d, FEE.key, "1e-999999999"))),
             2, (FEE.key, "小数")))
    add(Case("json-fee-huge", "金额 1e999999999", from_json_cmd(js(lambda d: set_key(d, FEE.key, "1e999999999"))),
             2, (FEE.key,)))
    add(Case("json-fee-nan", "金额 NaN", from_json_cmd(js(lambda d: set_key(d, FEE.key, "NaN"))), 2, (FEE.key, "不是数字")))
    add(Case("json-fee-float", "金额写成浮点数", from_json_cmd(js(lambda d: set_key(d, FEE.key, 0.1))), 2, (FEE.key, "字符串")))
    add(Case("json-count-huge", "件数 10^13", from_json_cmd(js(lambda d: set_key(d, COUNT.key, 10**13))), 2, (COUNT.key, "上限")))
    add(Case("json-count-text", "件数写成字符串", from_json_cmd(js(lambda d: set_key(d, COUNT.key, "12"))), 2, (COUNT.key, "整数")))
    add(Case("json-heading-list", "小标题是数组", from_json_cmd(js(lambda d: first_body(d).update(heading=["x"]))), 2, ("text.",)))
    add(Case("json-agency-dict", "机关名称是对象", from_json_cmd(js(lambda d: set_key(d, "info.agency", {"a": 1}))), 2, ("info.agency",)))
    add(Case("json-paragraph-10mb", "JSON 中一段 10 MB", from_json_cmd(js(lambda d: first_body(d).update(text="字" * (10 * 1024 * 1024 // 3)))),
             2, ("32767",)))
    add(Case("json-gbk", "GBK 编码的 JSON", from_json_cmd(lambda i: sample_json(i, lambda d: set_key(d, "info.agency", "某局"))
                                                     .write_bytes(b'{"info": {"agency": "\xc4\xb3\xbe\xd6"}}') and i / "数据.json"),
             2, ("数据.json", "UTF-8")))
    add(Case("json-fifo", "命名管道当作 JSON", from_json_cmd(lambda i: (_fifo(i / "管道.json"), i / "管道.json")[1]),
             2, ("管道.json", "不是普通文件")))
    add(Case("json-folder", "--from 给了文件夹", from_json_cmd(lambda i: (i / "文件夹").mkdir() or i / "文件夹"),
             2, ("文件夹",)))
    add(Case("json-sparse-60mb", "60 MB 的 JSON（稀疏文件）", from_json_cmd(lambda i: (_zero_size_sparse(60 * 1024 * 1024)(i / "大.json"), i / "大.json")[1]),
             2, ("大.json", "上限")))

    # ---- wrong usage
    add(Case("no-arguments-render", "render 不给工作簿", lambda i, o: ["render"], 2, ("缺少参数", "用法")))
    add(Case("unknown-option", "未知选项 --bogus", lambda i, o: ["check", "--bogus", "x.xlsx"], 2, ("--bogus", "没有")))
    add(Case("unknown-command", "未知命令", lambda i, o: ["rendr"], 2, ("rendr", "没有")))
    add(Case("year-not-a-number", "new-workbook --year abc", lambda i, o: ["new-workbook", o / "a.xlsx", "--year", "abc"],
             2, ("--year", "abc")))
    add(Case("output-is-a-file", "-o 给了一个文件", lambda i, o: ["render", seed(i), "-o", seed(i, "另一个.xlsx")],
             2, ("另一个.xlsx", "是一个文件")))
    add(Case("format-empty", "--format ''", lambda i, o: ["render", seed(i), "-o", o, "--format", ""], 2, ("--format", "格式")))
    add(Case("format-unknown", "--format exe", lambda i, o: ["render", seed(i), "-o", o, "--format", "exe"], 2, ("exe", "格式")))
    add(Case("new-workbook-not-xlsx", "new-workbook 输出名不是 .xlsx", lambda i, o: ["new-workbook", o / "a.exe"], 2, ("a.exe", ".xlsx")))
    add(Case("new-workbook-exists", "new-workbook 覆盖已有文件", lambda i, o: ["new-workbook", seed(i)], 2, ("已存在",)))
    add(Case("annotate-onto-input", "--annotate 指向原工作簿", lambda i, o: ["check", seed(i), "--annotate", i / "工作簿.xlsx"],
             2, ("不能覆盖原工作簿",)))
    add(Case("output-under-a-file", "-o 的上级是一个文件", lambda i, o: ["render", seed(i), "-o", seed(i, "文件.xlsx") / "子文件夹"],
             2, ("文件.xlsx",)))
    add(Case("output-name-too-long", "-o 文件夹名 300 字节", lambda i, o: ["render", seed(i), "-o", o / ("长" * 100)],
             2, ("太长",)))
    add(Case("templates-folder-missing", "--templates 文件夹不存在", lambda i, o: ["render", seed(i), "-o", o, "--templates", i / "无"],
             2, ("模板文件夹不存在",)))

    # ---- templates from elsewhere
    loop = "{% for i in range(10**9) %}x{% endfor %}"
    nested = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    for cid, what, source, says in [
        ("tpl-range-1e9", "range(10**9)", loop, ("range()", "100000")),
        ("tpl-nested-loops", "两层 range(100000)", nested, ("循环", "1000000")),
        ("tpl-repeat-1e9", "'x' * 10**9", "{{ 'x' * 10**9 }}", ("上限",)),
        ("tpl-repeat-list", "[1] * 10**9", "{{ ([1] * 10**9)|length }}", ("上限",)),
        ("tpl-include-self", "模板包含自己", '{% include "report.html" %}', ("包含了自己",)),
        ("tpl-macro-recursion", "宏无限递归", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", ("包含了自己",)),
        ("tpl-center", "'x'.center(10**9)", "{{ 'x'.center(10**9) }}", ("上限",)),
        ("tpl-center-filter", "'x'|center(10**9)", "{{ 'x'|center(10**9) }}", ("上限",)),
        ("tpl-format-width", "'{:>999999999}'.format(1)", "{{ '{:>999999999}'.format(1) }}", ("上限",)),
        ("tpl-percent-width", "'%999999999d' % 1", "{{ '%999999999d' % 1 }}", ("上限",)),
        ("tpl-concat-doubling", "s ~ s 循环翻倍", "{% set s = namespace(v='x') %}{% for i in range(40) %}{% set s.v = s.v ~ s.v %}{% endfor %}{{ s.v }}", ("上限",)),
        ("tpl-join-doubling", "[s, s]|join 循环翻倍", "{% set s = namespace(v='x') %}{% for i in range(40) %}{% set s.v = [s.v, s.v]|join %}{% endfor %}{{ s.v }}", ("上限",)),
        ("tpl-output-100mb", "输出 100 MB", "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", ("输出内容", "上限")),
        ("tpl-power", "10 ** 100000", "{{ 10 ** 100000 }}", ("乘方",)),
        ("tpl-lipsum", "lipsum(10**6)", "{{ lipsum(10**6) }}", ("lipsum",)),
        ("tpl-dunder", "访问 __class__", "{{ ''.__class__.__mro__ }}", ("模板做了不允许的操作",)),
        ("tpl-include-dotdot", "include \"../x\"", '{% include "../数据.json" %}', ("..",)),
        ("tpl-include-absolute", "include \"/etc/passwd\"", '{% include "/etc/passwd" %}', ("/etc/passwd",)),
    ]:
        add(Case(cid, f"网页模板：{what}", render_with_templates({"report.html": source}, "html"), 2, says))
    add(Case("tpl-style-symlink", "style.css 是指向 /etc/passwd 的链接",
             render_with_templates(lambda i: (template_dir(i, {}) / "style.css").symlink_to("/etc/passwd") or i / "模板"),
             2, ("style.css", "模板文件夹之外")))
    add(Case("tpl-tables-symlink-dir", "tables.html 是指向上级文件夹中文件的链接",
             render_with_templates(lambda i: ((i / "外面.html").write_text("secret") and
                                              (template_dir(i, {}) / "tables.html").symlink_to(i / "外面.html")) or i / "模板", "html"),
             2, ("tables.html", "模板文件夹之外")))
    add(Case("tpl-symlink-inside", "style.css 是指向文件夹内另一文件的链接（允许）",
             render_with_templates(lambda i: (template_dir(i, {"我的.css": "body{}"}) / "style.css").symlink_to(i / "模板" / "我的.css") or i / "模板", "html"),
             0, ("已生成",), outputs=("html",)))
    add(Case("tpl-not-utf8", "report.html 是 GBK 编码", render_with_templates({"report.html": "<p>你好</p>".encode("gbk")}, "html"),
             2, ("report.html", "UTF-8")))
    add(Case("tpl-fifo", "report.html 是命名管道", render_with_templates(lambda i: _fifo(template_dir(i, {}) / "report.html") or i / "模板", "html"),
             2, ("report.html", "不是普通文件")))
    add(Case("tpl-html-folder", "report.html 是文件夹", render_with_templates(lambda i: (template_dir(i, {}) / "report.html").mkdir() or i / "模板", "html"),
             2, ("report.html",)))
    add(Case("tpl-docx-not-zip", "report.docx 不是 zip", render_with_templates({"report.docx": b"hello"}, "docx"),
             2, ("report.docx", "不是 Word 文档")))
    add(Case("tpl-docx-empty-zip", "report.docx 是空 zip", render_with_templates(lambda i: raw_zip(template_dir(i, {}) / "report.docx", {"a": b""}), "docx"),
             2, ("report.docx", "document.xml")))
    add(Case("tpl-docx-entity-bomb", "report.docx 含实体炸弹（billion laughs）",
             render_with_templates(lambda i: rezip(BUILTIN_TEMPLATES / "report.docx", template_dir(i, {}) / "report.docx",
                                                   lambda n, d: d.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', 1)
                                                   if n == "word/document.xml" else d), "docx"),
             2, ("report.docx", "实体")))
    add(Case("tpl-docx-zip-bomb", "report.docx 中一个部件解压 300 MB（约 1000:1）",
             render_with_templates(lambda i: rezip(BUILTIN_TEMPLATES / "report.docx", template_dir(i, {}) / "report.docx",
                                                   lambda n, d: d, {"word/media/bomb.xml": bomb_bytes(300 * 1024 * 1024)}), "docx"),
             2, ("report.docx", "上限")))
    add(Case("tpl-docx-loop", "Word 模板里 range(10**9)", render_with_templates(lambda i: docx_template(i, "{% for i in range(10**9) %}x{% endfor %}"), "docx"),
             2, ("range()",)))
    add(Case("tpl-docx-repeat", "Word 模板里 'x' * 10**9", render_with_templates(lambda i: docx_template(i, "{{ 'x' * 10**9 }}"), "docx"),
             2, ("上限",)))
    for cid, what, files, says in [
        ("check-tpl-loop", "templates check：range(10**9)", {"report.html": loop}, ("range()",)),
        ("check-tpl-nested", "templates check：两层循环", {"report.html": nested}, ("循环",)),
        ("check-tpl-self", "templates check：包含自己", {"report.html": '{% include "report.html" %}'}, ("包含了自己",)),
    ]:
        add(Case(cid, what, check_templates_cmd(files), 1, says))
    add(Case("check-tpl-symlink", "templates check：style.css 链接到 /etc/passwd",
             check_templates_cmd(lambda i: (template_dir(i, {}) / "style.css").symlink_to("/etc/passwd") or i / "模板"),
             1, ("style.css", "模板文件夹之外")))
    add(Case("check-tpl-missing", "templates check：文件夹不存在", lambda i, o: ["templates", "check", i / "无"], 2, ("不存在",)))
    add(Case("export-exists", "templates export 到已有模板的文件夹", lambda i, o: ["templates", "export", template_dir(i, {"style.css": "x"})],
             2, ("style.css", "--force")))
    # ---- the other entry points (import, audit, fix, draft, distribute, aggregate, status sheets)
    formula = "=cmd|' /C calc'!A0"
    add(Case("import-fifo", "import 命名管道", lambda i, o: ["import", (_fifo(i / "管道.html"), i / "管道.html")[1], "-o", o / "导入.xlsx"],
             2, ("管道.html", "不是普通文件")))
    add(Case("import-sparse-60mb", "import 60 MB 的网页（稀疏文件）",
             lambda i, o: ["import", (_zero_size_sparse(60 * 1024 * 1024)(i / "大.html"), i / "大.html")[1], "-o", o / "导入.xlsx"],
             2, ("大.html", "上限")))
    add(Case("import-docx-bomb", "import 正文部件解压 300 MB 的 .docx（约 1000:1）",
             lambda i, o: ["import", rezip(BUILTIN_TEMPLATES / "report.docx", i / "报告.docx",
                                           lambda n, d: d.replace(b"?>", b"?>" + bomb_bytes(300 * 1024 * 1024), 1)
                                           if n == "word/document.xml" else d), "-o", o / "导入.xlsx"],
             2, ("报告.docx", "上限")))
    _zip_bombs(add)
    add(Case("audit-fifo", "audit 命名管道", lambda i, o: ["audit", (_fifo(i / "管道.html"), i / "管道.html")[1]],
             2, ("管道.html",)))
    add(Case("fix-formula-agency", "fix：机关名称是文本 =cmd…（另存后仍是文本）",
             lambda i, o: ["fix", edited({(INFO, AGENCY_CELL): Text(formula), (COUNT.sheet, COUNT.cell): "１２"})(i), "-o", o / "修正.xlsx"],
             0, ("已另存",), outputs=("xlsx",), check=cell_is_text(INFO, AGENCY_CELL, formula)))
    add(Case("draft-formula-body", "draft：正文以 = 开头（另存后仍是文本）",
             lambda i, o: ["draft", edited({(TEXT, body_cell()): Text("=1+1")})(i), "-o", o / "草拟.xlsx"],
             0, ("已另存",), outputs=("xlsx",), check=cell_is_text(TEXT, body_cell(), "=1+1")))
    add(Case("distribute-hostile-names", "distribute：名单里有 =cmd…、U+202E、CON、../x",
             lambda i, o: ["distribute", _names_file(i, [formula, "某某局\u202excod.exe", "CON", "../x"]), "-o", o, "--year", "2024"],
             0, ("共生成 4 个",), outputs=("xlsx",) * 4, check=distributed_safely(formula)))
    add(Case("aggregate-formula-agency", "aggregate --agency =HYPERLINK(…)",
             lambda i, o: ["aggregate", seed(i), "-o", o / "汇总.xlsx", "--agency", '=HYPERLINK("http://x","y")'],
             0, ("已生成汇总工作簿",), outputs=("xlsx",), check=cell_is_text(INFO, AGENCY_CELL, '=HYPERLINK("http://x","y")', "汇总.xlsx")))
    add(Case("summary-csv-formula", "check --summary 状态表.csv：机关名称以 = 开头",
             lambda i, o: ["check", edited({(INFO, AGENCY_CELL): Text(formula)})(i), "--summary", (o.mkdir() or o) / "状态表.csv"],
             0, ("状态表.csv",), outputs=("csv",), check=csv_has("'" + formula)))
    add(Case("summary-xlsx-formula", "check --summary 状态表.xlsx：机关名称以 = 开头",
             lambda i, o: ["check", edited({(INFO, AGENCY_CELL): Text(formula)})(i), "--summary", (o.mkdir() or o) / "状态表.xlsx"],
             0, ("状态表.xlsx",), outputs=("xlsx",), check=status_is_text(formula)))
    return c


# --------------------------------------------------------------------------- zips that lie
# Each entry point that opens a zip package meets the three kinds of zips.py. The
# memory bounds are what the zip guard keeps a command to, with room for a busy machine;
# believing the directory costs far more (measured: lying-directory +200 MB each).
LIE = f"目录登记 {zips.LIE_DECLARED} 字节、实际解压 {zips.LIE_INFLATED // zips.MB} MB"
MANY = f"{zips.MANY_MEMBERS} 个部件（约 {zips.MANY_MEMBERS * 94 // zips.MB} MB）"
SAYS_LIE = ("登记",)
SAYS_RATIO = ("压缩比",)
SAYS_MANY = ("部件太多",)


def _zip_bombs(add: Callable[[Case], None]) -> None:
    template = BUILTIN_TEMPLATES / "report.docx"

    def templates(make: Callable[[Path, Path], Path]) -> Callable[[Path], Path]:
        """A template folder holding report.docx made by ``make(source, target)``."""
        def build(in_dir: Path) -> Path:
            folder = template_dir(in_dir, {})
            make(template, folder / "report.docx")
            return folder
        return build

    def workbook(name: str, make: Callable[[Path, Path], Path]) -> Callable[[Path], Path]:
        return lambda in_dir: make(sample(SEED), in_dir / name)

    def report(name: str, make: Callable[[Path, Path], Path]) -> Callable[[Path], Path]:
        return lambda in_dir: make(template, in_dir / name)

    lie_body = lambda source, target: zips.lying(source, target, "word/document.xml")  # noqa: E731
    lie_picture = lambda source, target: zips.lying(source, target, "docProps/thumbnail.jpeg")  # noqa: E731
    ratio_body = lambda source, target: zips.ratio_bomb(source, target, "word/document.xml")  # noqa: E731
    many = lambda source, target: zips.many_members(target)  # noqa: E731
    # check: the workbook reader
    add(Case("zip-check-lying", f"check：“基本信息”工作表{LIE}", check_cmd(workbook("说谎.xlsx", lambda s, t: zips.lying(s, t, "xl/worksheets/sheet2.xml"))),
             2, ("说谎.xlsx", "sheet2.xml", *SAYS_LIE), memory_mb=30))
    add(Case("zip-check-many", f"check：工作簿含 {MANY}", check_cmd(workbook("部件.xlsx", many)),
             2, ("部件.xlsx", *SAYS_MANY), memory_mb=zips.MANY_MEMBERS * 94 / zips.MB + 15))
    # render --templates: the Word template
    for cid, what, make, says in [
        ("zip-render-template-lying", f"render --templates：正文部件{LIE}", lie_body, SAYS_LIE),
        ("zip-render-template-lying-picture", f"render --templates：缩略图{LIE}（只有 python-docx 会读它）", lie_picture, SAYS_LIE),
        ("zip-render-template-ratio", "render --templates：正文部件解压 60 MB（约 1000:1）", ratio_body, SAYS_RATIO),
        ("zip-render-template-many", f"render --templates：模板含 {MANY}", many, SAYS_MANY),
    ]:
        add(Case(cid, what, render_with_templates(templates(make), "docx"), 2, ("report.docx", *says),
                 memory_mb=zips.MANY_MEMBERS * 94 / zips.MB + 15 if make is many else 30))
    # templates check
    for cid, what, make, says in [
        ("zip-templates-check-lying", f"templates check：正文部件{LIE}", lie_body, SAYS_LIE),
        ("zip-templates-check-lying-picture", f"templates check：缩略图{LIE}", lie_picture, SAYS_LIE),
        ("zip-templates-check-ratio", "templates check：正文部件解压 60 MB（约 1000:1）", ratio_body, SAYS_RATIO),
        ("zip-templates-check-many", f"templates check：模板含 {MANY}", many, SAYS_MANY),
    ]:
        add(Case(cid, what, check_templates_cmd(templates(make)), 1, ("report.docx", *says),
                 memory_mb=zips.MANY_MEMBERS * 94 / zips.MB + 15 if make is many else 30))
    # import and audit: a published report as .docx
    for cid, what, make, says in [
        ("lying", f"正文部件{LIE}", lie_body, SAYS_LIE),
        ("ratio", "正文部件解压 60 MB（约 1000:1）", ratio_body, SAYS_RATIO),
        ("many", f"含 {MANY}", many, SAYS_MANY),
    ]:
        bound = zips.MANY_MEMBERS * 94 / zips.MB + 15 if make is many else 30
        add(Case(f"zip-import-{cid}", f"import：.docx {what}",
                 lambda i, o, make=make: ["import", report("报告.docx", make)(i), "-o", o / "导入.xlsx"],
                 2, ("报告.docx", *says), memory_mb=bound))
        add(Case(f"zip-audit-{cid}", f"audit：.docx {what}", lambda i, o, make=make: ["audit", report("报告.docx", make)(i)],
                 2, ("报告.docx", *says), memory_mb=bound))
    # fix and distribute hand the package to openpyxl, which reads the theme the reader never does
    lie_theme = lambda source, target: zips.lying(source, target, "xl/theme/theme1.xml")  # noqa: E731
    add(Case("zip-fix-lying-theme", f"fix：主题部件{LIE}（只有 openpyxl 会读它）",
             lambda i, o: ["fix", workbook("说谎.xlsx", lie_theme)(i), "-o", o / "修正.xlsx"],
             2, ("说谎.xlsx", "theme1.xml", *SAYS_LIE), memory_mb=30))
    add(Case("zip-distribute-lying-theme", f"distribute：名单工作簿的主题部件{LIE}",
             lambda i, o: ["distribute", workbook("名单.xlsx", lie_theme)(i), "-o", o, "--year", "2024"],
             2, ("名单.xlsx", "theme1.xml", *SAYS_LIE), memory_mb=30))


def _names_file(in_dir: Path, names: list[str]) -> Path:
    path = in_dir / "名单.txt"
    path.write_text("\n".join(names), encoding="utf-8")
    return path


def cell_is_text(sheet: str, cell: str, text: str, name: str = "*.xlsx"):
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        target = load_workbook(next(out_dir.glob(name)))[sheet][cell]
        assert target.data_type == "s" and target.value == text, (target.value, target.data_type)
    return check


def distributed_safely(formula: str):
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        names = sorted(p.name for p in out_dir.iterdir())
        assert not any("\u202e" in n or "/" in n or n.upper().startswith("CON.") for n in names), names
        agencies = {load_workbook(p)[INFO][AGENCY_CELL].value for p in out_dir.iterdir()}
        assert formula in agencies
        for p in out_dir.iterdir():
            assert load_workbook(p)[INFO][AGENCY_CELL].data_type == "s"
    return check


def csv_has(piece: str):
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        assert piece in next(out_dir.glob("*.csv")).read_text(encoding="utf-8-sig")
    return check


def status_is_text(text: str):
    def check(in_dir: Path, out_dir: Path, output: str) -> None:
        ws = load_workbook(next(out_dir.glob("*.xlsx"))).active
        cells = [c for row in ws.iter_rows() for c in row if c.value == text]
        assert cells and all(c.data_type == "s" for c in cells)
    return check


CASES = _cases()
