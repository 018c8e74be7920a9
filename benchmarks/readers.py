"""Is the fast sheet reader worth keeping?  read + check of the benchmark's workbooks
with the fast reader (``sheet_fast``) and with the expat reader alone (``sheet``),
interleaved workbook by workbook in one process, the order swapped every round.

    python benchmarks/readers.py [--workbooks 40] [--rounds 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import generate  # noqa: E402


def main() -> None:
    from reportgen.checks import check_workbook
    from reportgen.data.workbook import xlsx
    from reportgen.data.workbook.sheet import SheetParser

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbooks", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    readers = {"fast (sheet_fast, else sheet)": xlsx.read_sheet,
               "expat alone (sheet)": lambda book, xml: SheetParser(book).parse(xml)}
    times: dict[str, list[float]] = {name: [] for name in readers}
    with tempfile.TemporaryDirectory(prefix="reportgen-readers-") as tmp:
        paths = generate(Path(tmp) / "in", args.workbooks)
        for path in paths[:3]:
            check_workbook(path)  # warm-up: imports, styles
        try:
            for round_ in range(args.rounds):
                order = list(readers) if round_ % 2 == 0 else list(reversed(readers))
                for path in paths:
                    for name in order:
                        xlsx.read_sheet = readers[name]
                        start = time.perf_counter()
                        check_workbook(path)
                        times[name].append(time.perf_counter() - start)
        finally:
            xlsx.read_sheet = readers["fast (sheet_fast, else sheet)"]
    print("| read + check with | median | best |\n|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values) * 1000:.2f} ms | {min(values) * 1000:.2f} ms |")
    fast, expat = times.values()  # paired: the same workbook, one after the other
    gain = statistics.median(e - f for f, e in zip(fast, expat))
    print(f"\nThe fast reader saves {gain * 1000:.2f} ms a report (median of the paired differences).")


if __name__ == "__main__":
    main()
