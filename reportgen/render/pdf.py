"""PDF through LibreOffice headless, when it is installed.

    with PdfConverter(font_dirs=[Path("正版字体")]) as converter:
        converter.convert_many([(Path("a.docx"), Path("a.pdf")), (Path("b.docx"), Path("b.pdf"))])
    converter.substitutes   # the free faces that stood in for missing official fonts

One ``PdfConverter`` starts LibreOffice once per ``convert_many`` call, however many
files it converts (``soffice --convert-to pdf a.docx b.docx …``), with a private
profile folder, so it never touches the user's own LibreOffice settings and
parallel runs do not clash.  LibreOffice runs in its own process group (Windows: its
own process tree) and everything it started is ended when the conversion is done or
times out: no soffice process outlives reportgen.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterable

from reportgen.core.errors import TemplateProblem
from reportgen.render import fonts

INSTALL_HINT = ("没有找到 LibreOffice，无法生成 PDF。请安装 LibreOffice 后再试"
                "（Windows：从 libreoffice.org 下载安装；Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
                "或者不加 pdf，只生成 Word 和网页版。")
BASE_TIMEOUT = 240  # seconds for LibreOffice to start and convert one file
PER_FILE_TIMEOUT = 60  # more seconds for each further file of a batch


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


class PdfConverter:
    """Converts Word files to PDF with one LibreOffice instance per batch.

    ``font_dirs``: folders of licensed fonts (``render --fonts``); the folders in the
    ``REPORTGEN_FONTS`` environment variable are added.  After conversions,
    ``substitutes`` lists every official font that was missing and the free face
    used instead.
    """

    def __init__(self, font_dirs: Iterable[Path] = (), timeout: int = BASE_TIMEOUT) -> None:
        self.font_dirs = fonts.font_dirs(list(font_dirs))
        self.timeout = timeout
        self.substitutes: dict[str, fonts.Substitute] = {}
        self._work: Path | None = None
        self._available: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> "PdfConverter":
        self.soffice = find_soffice()
        if self.soffice is None:
            raise TemplateProblem(INSTALL_HINT)
        missing = [d for d in self.font_dirs if not d.is_dir()]
        if missing:
            raise TemplateProblem(f"字体文件夹不存在：{missing[0]}（--fonts 或环境变量 {fonts.FONTS_ENV}）。")
        self._work = Path(tempfile.mkdtemp(prefix="reportgen-pdf-"))
        # LibreOffice reads fonts from its profile's user/fonts folder.
        profile_fonts = self._work / "profile" / "user" / "fonts"
        profile_fonts.mkdir(parents=True)
        extra = fonts.font_files(self.font_dirs)
        for i, path in enumerate(extra):
            shutil.copyfile(path, profile_fonts / f"{i:03d}{path.suffix.lower()}")
        self._available = fonts.installed_families() | fonts.families_in(extra)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._work is not None:
            shutil.rmtree(self._work, ignore_errors=True)
            self._work = None

    # ------------------------------------------------------------------ converting
    def convert(self, docx: Path, target: Path) -> None:
        self.convert_many([(docx, target)])

    def convert_many(self, pairs: Iterable[tuple[Path, Path]]) -> None:
        """Convert each (docx, pdf) pair in one LibreOffice run; raise TemplateProblem
        naming the first file that did not convert."""
        if self._work is None:
            raise RuntimeError("PdfConverter must be used in a with block")
        pairs = [(Path(d), Path(p)) for d, p in pairs]
        if not pairs:
            return
        batch = Path(tempfile.mkdtemp(prefix="batch-", dir=self._work))
        inputs = []
        for i, (docx, _) in enumerate(pairs):
            source = batch / f"{i:04d}.docx"  # ASCII names: soffice is picky about some paths
            plan = fonts.plan_substitutes(fonts.fonts_used(docx), self._available)
            fonts.rewrite_fonts(docx, source, plan)
            self.substitutes.update({s.official: s for s in plan})
            inputs.append(source)
        profile = (self._work / "profile").resolve().as_uri()
        command = [self.soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(batch)] + [str(p) for p in inputs]
        _run_and_end(command, self.timeout + PER_FILE_TIMEOUT * (len(inputs) - 1))
        for source, (docx, target) in zip(inputs, pairs):
            produced = source.with_suffix(".pdf")
            if not produced.exists():
                raise TemplateProblem(f"LibreOffice 没有把 {docx.name} 转换成 PDF。"
                                      f"请确认 LibreOffice 可以正常打开这个 Word 文件。")
            shutil.copyfile(produced, target)
        shutil.rmtree(batch, ignore_errors=True)


def _run_and_end(command: list[str], timeout: int) -> None:
    """Run LibreOffice in a process group of its own and end the whole group afterwards."""
    options: dict = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "stdin": subprocess.DEVNULL}
    if sys.platform == "win32":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        options["start_new_session"] = True  # its own process group: killpg reaches soffice.bin too
    try:
        process = subprocess.Popen(command, **options)
    except OSError as exc:
        raise TemplateProblem(f"无法启动 LibreOffice（{exc.strerror or exc}）。") from None
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise TemplateProblem(f"LibreOffice 在 {timeout} 秒内没有完成 PDF 转换，已被结束。") from None
    finally:
        _end_group(process)


def _end_group(process: subprocess.Popen) -> None:
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    else:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # everything has already ended
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
        pass


def docx_to_pdf(docx: Path, target: Path, font_dirs: Iterable[Path] = ()) -> list[fonts.Substitute]:
    """Convert one file; returns the font substitutes used."""
    with PdfConverter(font_dirs) as converter:
        converter.convert(docx, target)
    return list(converter.substitutes.values())
