"""Reproducible timings of reportgen's stages.

    python benchmarks/run.py [--workbooks 200] [--renders 30] [--pdf]

Prints a Markdown table (median and best of the repeats).  What it measures:
- read + check of one filled workbook (pingtan-2021: numbers in every table);
- `reportgen check` over many workbooks in one process, as a provincial office does;
- rendering one report to Word and to HTML, the first time in a process (templates
  compiled) and afterwards (templates reused);
- PDF through LibreOffice (optional: --pdf).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen import check_workbook, read_workbook  # noqa: E402
from reportgen.render import render_report  # noqa: E402

SAMPLE = ROOT / "sample_inputs" / "pingtan-2021.xlsx"


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def row(name: str, times: list[float], unit: str = "ms") -> str:
    scale = 1000 if unit == "ms" else 1
    return (f"| {name} | {len(times)} | {statistics.median(times) * scale:.1f} {unit} | "
            f"{min(times) * scale:.1f} {unit} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workbooks", type=int, default=200)
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows.append(row("read + check one workbook", timed(lambda: check_workbook(SAMPLE), 30)))
        folder = work / "collected"
        folder.mkdir()
        for i in range(args.workbooks):
            shutil.copyfile(SAMPLE, folder / f"agency-{i:04d}.xlsx")
        exe = shutil.which("reportgen")
        cmd = ([exe] if exe else [sys.executable, "-m", "reportgen.cli"]) + ["check", "--json"] + \
            sorted(str(p) for p in folder.iterdir())
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        total = time.perf_counter() - start
        rows.append(f"| `reportgen check` on {args.workbooks} workbooks (one process) | 1 | {total:.1f} s | "
                    f"{total / args.workbooks * 1000:.0f} ms per workbook |")
        data = read_workbook(SAMPLE).data
        counter = iter(range(10**6))
        first_docx = timed(lambda: render_report(data, work / f"d{next(counter)}", ["docx"]), 1)
        rows.append(row("render Word, first in the process (compiles the template)", first_docx))
        rows.append(row("render Word, later renders", timed(lambda: render_report(data, work / f"d{next(counter)}",
                                                                                  ["docx"]), args.renders)))
        first_html = timed(lambda: render_report(data, work / f"h{next(counter)}", ["html"]), 1)
        rows.append(row("render HTML, first in the process", first_html))
        rows.append(row("render HTML, later renders", timed(lambda: render_report(data, work / f"h{next(counter)}",
                                                                                  ["html"]), args.renders)))
        if args.pdf:
            rows.append(row("Word + PDF through LibreOffice", timed(
                lambda: render_report(data, work / f"p{next(counter)}", ["docx", "pdf"]), 3), "s"))
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
          f"{platform.system()} {platform.release()}\n")
    print("| what | runs | median | best |\n|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
