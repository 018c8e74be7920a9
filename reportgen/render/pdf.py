"""PDF through LibreOffice headless, when it is installed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import TemplateProblem

INSTALL_HINT = ("没有找到 LibreOffice，无法生成 PDF。请安装 LibreOffice 后再试"
                "（Windows：从 libreoffice.org 下载安装；Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
                "或者不加 pdf，只生成 Word 和网页版。")


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    return None


def libreoffice_copy(docx: Path, target: Path) -> None:
    """A copy of the report that LibreOffice lays out as Word does.

    LibreOffice 7.x misreads a negative ``w:charSpace`` (the GB/T 9704 grid of 28
    characters a line is 16 pt − 848/4096 pt per character) and sets about 16
    characters a line.  The copy has the same 22-line grid and characters condensed
    by 0.25 pt, which gives the same 28 characters a line.
    """
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(rb'<w:docGrid [^>]*w:type="linesAndChars"[^>]*/>',
                              lambda m: re.sub(rb'\s*w:charSpace="-?\d+"', b"",
                                               m.group(0).replace(b"linesAndChars", b"lines")), data)
            elif item.filename == "word/styles.xml":
                data = re.sub(rb"(<w:rPrDefault><w:rPr>)", rb'\1<w:spacing w:val="-5"/>', data, count=1)
            out.writestr(item, data)


def docx_to_pdf(docx: Path, target: Path, timeout: int = 240) -> None:
    soffice = find_soffice()
    if soffice is None:
        raise TemplateProblem(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="reportgen-pdf-") as work:
        work_dir = Path(work)
        source = work_dir / "report.docx"  # an ASCII name: soffice is picky about some paths
        libreoffice_copy(docx, source)
        profile = (work_dir / "profile").resolve().as_uri()
        try:
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", str(work_dir), str(source)],
                           capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise TemplateProblem(f"LibreOffice 转换 PDF 失败（{type(exc).__name__}）。") from None
        produced = work_dir / "report.pdf"
        if not produced.exists():
            raise TemplateProblem("LibreOffice 没有生成 PDF。请确认 LibreOffice 可以正常打开 Word 文件。")
        shutil.copyfile(produced, target)
