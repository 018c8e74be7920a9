"""Regenerate the pictures in docs/images/ from the bundled seed sample.

    python tools/make_screenshots.py

Word report: rendered, converted to PDF by LibreOffice, pages turned into PNG by
pdftoppm (poppler-utils).  HTML report: screenshots by headless Chromium, on a
desktop and on a 390 px phone (表三).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen import read_workbook  # noqa: E402
from reportgen.render import render_report  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    data = read_workbook(ROOT / "sample_inputs" / "pingtan-2021.xlsx").data  # numbers in every table
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx, html, pdf = render_report(data, work, ["docx", "html", "pdf"])
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = text.split("\f")
        table3 = next(i for i, page in enumerate(pages, 1) if "本列数据的勾稽关系" in page)
        for name, page in (("word-page-1", 1), ("word-table-3", table3)):
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), "-singlefile",
                            str(pdf), str(IMAGES / name)], check=True)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 900, "height": 1100})
            page.goto(html.as_uri())
            page.screenshot(path=str(IMAGES / "html.png"))
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
            phone.goto(html.as_uri())
            phone.evaluate("document.querySelector('#h-t3').scrollIntoView()")
            phone.screenshot(path=str(IMAGES / "html-phone-table-3.png"))
            browser.close()
    for png in sorted(IMAGES.glob("*.png")):
        print(f"wrote {png.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
