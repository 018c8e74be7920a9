"""Per-report import time of published reports (``reportgen import`` / ``audit``).

    python benchmarks/import_speed.py [--repeats 20]

For each fixture in tests/data/import/ (web pages, .docx, text; made from the real
reports by tools/make_import_fixtures.py) and the real hongze 2023 PDF: import only
(file → report data + import findings), and import + every check.  The first import
in the process is timed apart (it loads lxml/pdfplumber).  Prints a Markdown table
(median and best of the repeats); the target is under 0.2 s a report for
HTML/DOCX/text on a 2-core machine.  Nothing in the test suite asserts a time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.checks import check_report  # noqa: E402
from reportgen.data.importers import import_report  # noqa: E402

FIXTURES = ROOT / "tests" / "data" / "import"
PDF = ROOT / "tests" / "data" / "cases" / "hongze-2023.pdf"


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    files = sorted(FIXTURES.iterdir()) + ([PDF] if PDF.exists() else [])
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, {platform.system()}")
    print()
    print("| report | form | first import | import (median / best) | import + checks (median) |")
    print("|---|---|---|---|---|")
    for path in files:
        start = time.perf_counter()
        result = import_report(path)
        first = time.perf_counter() - start
        repeats = max(3, args.repeats // 5) if path.suffix == ".pdf" else args.repeats
        times = timed(lambda: import_report(path), repeats)
        full = timed(lambda: check_report(import_report(path).data), repeats)
        print(f"| {path.name} | {result.form} | {first * 1000:.0f} ms | {statistics.median(times) * 1000:.0f} ms / "
              f"{min(times) * 1000:.0f} ms | {statistics.median(full) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
