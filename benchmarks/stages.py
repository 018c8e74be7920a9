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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbooks", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from reportgen.checks import check_workbook
    from reportgen.render import render_report
    from reportgen.render.context import build_context
    from reportgen.render.docx import render_docx
    from reportgen.render.environment import find_template
    from reportgen.render.html import render_html

    with tempfile.TemporaryDirectory(prefix="reportgen-stages-") as tmp:
        work = Path(tmp)
        paths = generate(work / "in", args.workbooks)
        template = find_template("report.docx", None)
        stages = {
            "read + check": lambda p: check_workbook(p),
            "context": lambda p, d: build_context(d),
            "Word (render_docx)": lambda p, c: render_docx(template, c, work / "s.docx"),
            "HTML (render_html)": lambda p, c: render_html(c, None),
            "render_report docx+html": lambda p, d: render_report(d, work / "out", ["docx", "html"]),
        }
        data = {p: check_workbook(p).data for p in paths}
        contexts = {p: build_context(d) for p, d in data.items()}
        times: dict[str, list[float]] = {name: [] for name in [*stages, "whole pipeline"]}
        for p in paths[:3]:  # warm-up: compile templates
            render_report(data[p], work / "out", ["docx", "html"])
        for _ in range(args.rounds):
            for p in paths:
                for name, fn in stages.items():
                    arg = (p,) if name == "read + check" else (p, data[p]) if name in (
                        "context", "render_report docx+html") else (p, contexts[p])
                    start = time.perf_counter()
                    fn(*arg)
                    times[name].append(time.perf_counter() - start)
                start = time.perf_counter()
                result = check_workbook(p)
                render_report(result.data, work / "out", ["docx", "html"])
                times["whole pipeline"].append(time.perf_counter() - start)
        for name, values in times.items():
            print(f"{name:28s} median {statistics.median(values) * 1000:6.1f} ms   best {min(values) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
