"""Regenerate docs/images/status-sheet.png: the status sheet of a small collection.

    python tools/make_status_picture.py

A dozen workbooks (the bundled samples under other agency names, one with a typo
in a cell, one saved as .xls, the same agency twice, one of another year) go
through ``reportgen check --summary 状态表.xlsx``; LibreOffice prints the sheet to
PDF and pdftoppm turns the page into PNG.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.data.model import ReportData  # noqa: E402
from reportgen.data.workbook import write_workbook  # noqa: E402

TARGET = ROOT / "docs" / "images" / "status-sheet.png"
AGENCIES = ("示范市教育局", "示范市财政局", "示范市水利局", "示范市卫生健康委员会", "示范市自然资源和规划局",
            "示范市交通运输局", "示范市市场监督管理局", "示范市农业农村局")


def main() -> None:
    import json

    from openpyxl import load_workbook

    seed = json.loads((ROOT / "sample_inputs" / "pingtan-2021.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "收回的工作簿"
        (folder / "乡镇").mkdir(parents=True)
        for i, agency in enumerate(AGENCIES):
            seed["info"].update(agency=agency, year=2021 if i == 5 else 2022)
            sub = folder / "乡镇" if i >= 6 else folder
            write_workbook(sub / f"{agency}.xlsx", ReportData.from_json(seed))
        faulty = folder / f"{AGENCIES[1]}.xlsx"
        wb = load_workbook(faulty)
        wb["表三"]["D11"] = "12件"
        wb.save(faulty)
        shutil.copyfile(folder / f"{AGENCIES[0]}.xlsx", folder / "乡镇" / "教育局（修改后）.xlsx")
        (folder / "示范市林业局.xls").write_bytes(b"\xd0\xcf\x11\xe0")
        (folder / f"~${AGENCIES[2]}.xlsx").write_bytes(b"lock")
        sheet = work / "状态表.xlsx"
        subprocess.run([sys.executable, "-m", "reportgen", "check", folder.name, "--summary", sheet.name, "-j", "2"],
                       cwd=work, capture_output=True, check=False, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        profile = (work / "profile").as_uri()
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(work), str(sheet)], capture_output=True, check=True, timeout=240)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile",
                        str(work / "状态表.pdf"), str(work / "page")], check=True)
        _trim(work / "page.png", TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)}")


def _trim(source: Path, target: Path, margin: int = 12) -> None:
    """The page without its empty paper."""
    from PIL import Image, ImageChops

    page = Image.open(source).convert("RGB")
    box = ImageChops.difference(page, Image.new("RGB", page.size, "white")).getbbox()
    left, top, right, bottom = box
    page.crop((max(left - margin, 0), max(top - margin, 0), right + margin, bottom + margin)).save(target)


if __name__ == "__main__":
    main()
