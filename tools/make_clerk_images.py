"""Regenerate the clerks' pictures in docs/images/ (README, section 给填报人员).

    python tools/make_clerk_images.py

A printed 填写说明 page of a fresh workbook, and the printed 表三 and 文字部分 of an
annotated copy: LibreOffice → PDF → ``pdftoppm -png -r 60``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from reportgen import check_workbook, read_workbook  # noqa: E402
from reportgen.data.workbook import annotate_workbook, write_workbook  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def to_pdf(src: Path, work: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([exe, f"-env:UserInstallation=file://{(work / 'profile').as_posix()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(work), str(src)], check=True, capture_output=True,
                   timeout=240)
    return work / f"{src.stem}.pdf"


def page_with(pdf: Path, words: str) -> int:
    pages = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    return next(i for i, text in enumerate(pages, start=1) if words in "".join(text.split()))


def png(pdf: Path, page: int, target: Path) -> None:
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(stem)], check=True)
    print(f"wrote {target}")


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fresh = write_workbook(work / "标准工作簿.xlsx", year=2024, agency="某某县人民政府办公室")
        png(to_pdf(fresh, work), 1, IMAGES / "workbook-instructions.png")
        # The seed sample filled the way clerks do: zeros left blank, a total typed over
        # its formula, new applications that disagree with the text, no fee sentence.
        filled = work / "填好的工作簿.xlsx"
        write_workbook(filled, read_workbook(ROOT / "sample_inputs" / "xiangxiang-kjgxj-2023.xlsx").data)
        wb = load_workbook(filled)
        for col in "DEFGHI":
            wb["表三"][f"{col}12"].value = None
        wb["表三"]["D7"].value = 2
        wb["表三"]["D9"].value = 2
        wb["表三"]["J9"].value = 3
        wb["文字部分"]["C15"].value = "无其他需要报告的事项。"
        wb.save(filled)
        annotated = work / "标注.xlsx"
        annotate_workbook(filled, annotated, check_workbook(filled).findings)
        pdf = to_pdf(annotated, work)
        png(pdf, page_with(pdf, "本列数据的勾稽关系为"), IMAGES / "annotated-table-3.png")
        png(pdf, page_with(pdf, "正文（一格一段）"), IMAGES / "annotated-text.png")


if __name__ == "__main__":
    main()
