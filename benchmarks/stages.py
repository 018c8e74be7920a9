"""Where one report's time goes, stage by stage (issue 9).

    python benchmarks/stages.py [--workbooks 40] [--rounds 5]

Generates workbooks as ``run.py`` does, warms up, then times each stage of the
pipeline on every workbook, round after round: read + check, context, Word, HTML,
``render_report`` (Word + HTML, files written), and the whole pipeline.  Medians in ms.
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


def stage_times(paths: list[Path], work: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds of each stage, per workbook and round, after a warm-up."""
    from reportgen.checks import check_workbook
    from reportgen.render import render_report
    from reportgen.render.context import build_context
    from reportgen.render.docx import render_docx
    from reportgen.render.template_files import find_template
    from reportgen.render.html import render_html

    template = find_template("report.docx", None)
    data = {p: check_workbook(p).data for p in paths}
    contexts = {p: build_context(d) for p, d in data.items()}
    stages = {
        "read + check": lambda p: check_workbook(p),
        "context": lambda p: build_context(data[p]),
        "Word (render_docx)": lambda p: render_docx(template, contexts[p], work / "s.docx"),
        "HTML (render_html)": lambda p: render_html(contexts[p], None),
        "render_report: context, Word + HTML, files written": lambda p: render_report(data[p], work / "out",
                                                                                      ["docx", "html"]),
        "whole pipeline": lambda p: render_report(check_workbook(p).data, work / "out", ["docx", "html"]),
    }
    for p in paths[:3]:  # warm-up: templates compiled
        stages["whole pipeline"](p)
    times: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(rounds):
        for p in paths:
            for name, fn in stages.items():
                start = time.perf_counter()
                fn(p)
                times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbooks", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportgen-stages-") as tmp:
        work = Path(tmp)
        times = stage_times(generate(work / "in", args.workbooks), work, args.rounds)
    print("| stage | median | best |\n|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values) * 1000:.1f} ms | {min(values) * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
