"""Reproducible timings of reportgen on a province's collection (issue 9).

    python benchmarks/run.py [--workbooks 200] [--memory 2000] [--profile]

One command, one run, everything interleaved on the same machine state:

1. generates ``--workbooks`` realistic standard workbooks (integer combinations of
   the bundled samples' numbers, so every sum and balance still holds; each its own
   agency name), and checks that every one of them can be rendered;
2. (a) the naive docxtpl loop — a fresh ``DocxTemplate``, ``render``, ``save`` — on
   reportgen's own template and context, and reportgen's compiled Word render on
   the same contexts, alternating report by report;
3. (b) the whole pipeline (read, check, Word + HTML) over the folder with 1 spawned
   worker and (c) with 2, through the library in a spawn ``ProcessPoolExecutor``
   (workers started and imports done before the clock starts; each worker's first
   report pays its template preparation), and ``reportgen render FOLDER --jobs N``
   as a whole command;
   — for ``--rounds`` rounds, alternating, each with the machine's speed before it
   and into empty output folders;
4. (d) ``check`` of the folder, and one workbook's check inside a batch;
5. cold starts: ``reportgen check`` against ``python -c "import openpyxl;
   openpyxl.load_workbook(…)"``;
6. with ``--memory N``: one worker renders N reports; its resident memory after
   every N/10, which must stay flat;
7. the stages of one report in this process (``stages.py``);
8. with ``--profile``: cProfile's top functions of a check and of a Word render.

Prints Markdown (medians, ratios, reports per second, peak memory per worker).
Nothing in the test suite asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLES = ("xiangxiang-kjgxj-2023", "pingtan-2021", "hongze-2023")
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


# --------------------------------------------------------------------------- workbooks
def generate(folder: Path, count: int, seed: int = 9) -> list[Path]:
    """``count`` valid workbooks: k1·A + k2·B of two samples' numbers (sums and the
    balance are linear, so they still hold), the text and details of one of them."""
    from reportgen.data.model import ReportData
    from reportgen.data.workbook import write_workbook

    rng = random.Random(seed)
    samples = [json.loads((ROOT / "sample_inputs" / f"{name}.json").read_text(encoding="utf-8")) for name in SAMPLES]
    data = [ReportData.from_json(obj) for obj in samples]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        a, b = rng.sample(range(len(data)), 2)
        k1, k2 = rng.randint(1, 4), rng.randint(0, 3)
        base = data[a]
        mixed = ReportData(base.format, dict(base.info), base.text, {})
        for key in base.format.fields:
            x, y = data[a].values.get(key.key), data[b].values.get(key.key)
            mixed.values[key.key] = k1 * x + k2 * y if key.kind == "count" else Decimal(k1) * x + Decimal(k2) * y
        for _ in range(3):  # totals from their parts (a published sample may carry a wrong total); nested rules
            for rule in base.format.sum_rules:
                mixed.values[rule.total] = sum(mixed.values[k] for k in rule.parts)
        mixed.info["agency"] = f"{base.info['agency']}（样本{i:04d}）"
        path = folder / f"agency-{i:04d}.xlsx"
        write_workbook(path, mixed)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- workers (module level: spawn)
def _rss_mb() -> float:
    """Resident memory now (Linux /proc), else the peak."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return _peak_mb()


def _peak_mb() -> float:
    """Peak resident memory of this process.  On Linux VmHWM: ru_maxrss would carry the
    parent's peak into a spawned worker (it survives fork + exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def pipeline_one(path: str, out_dir: str) -> tuple[float, float, float, int]:
    """Read, check, render Word + HTML: (seconds, check seconds, peak MB of this worker, its pid)."""
    from reportgen.checks import check_workbook
    from reportgen.render import render_report

    start = time.perf_counter()
    result = check_workbook(Path(path))
    checked = time.perf_counter()
    if not result.can_render:
        raise RuntimeError(f"{path} has errors")
    render_report(result.data, Path(out_dir), ["docx", "html"])
    return time.perf_counter() - start, checked - start, _peak_mb(), os.getpid()


def memory_run(paths: list[str], out_dir: str, total: int) -> list[tuple[int, float]]:
    """Render ``total`` reports (cycling over ``paths``) in this process; RSS every total/10."""
    rss = []
    step = max(1, total // 10)
    for i in range(total):
        pipeline_one(paths[i % len(paths)], out_dir)
        if (i + 1) % step == 0:
            rss.append((i + 1, _rss_mb()))
    return rss


def _warm(_: int) -> float:
    """Start-up of a worker: imports (not the compile, which the first report pays)."""
    import reportgen.checks  # noqa: F401
    import reportgen.render  # noqa: F401

    return _peak_mb()


# --------------------------------------------------------------------------- measurements
def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def naive_against_compiled(paths: list[Path], work: Path) -> tuple[list[float], list[float]]:
    """(a) fresh DocxTemplate + render + save, against reportgen's compiled render, alternating."""
    from docxtpl import DocxTemplate

    from reportgen.checks import check_workbook
    from reportgen.render.context import build_context
    from reportgen.render.docx import render_docx
    from reportgen.render.environment import ReportEnvironment
    from reportgen.render.template_files import find_template

    template = find_template("report.docx", None)
    contexts = [build_context(check_workbook(p).data) for p in paths]
    naive, compiled = [], []
    render_docx(template, contexts[0], work / "warm.docx")  # compile once, as a worker does first
    # The naive loop compiles every time: without reportgen's disk cache of compiled templates.
    cache_switch = os.environ.get("REPORTGEN_CACHE")
    os.environ["REPORTGEN_CACHE"] = "off"
    try:
        for i, context in enumerate(contexts):
            start = time.perf_counter()
            doc = DocxTemplate(str(template))
            doc.render(context, jinja_env=ReportEnvironment(), autoescape=True)  # reportgen's sandbox, nothing cached
            doc.save(str(work / f"naive-{i}.docx"))
            naive.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_docx(template, context, work / f"fast-{i}.docx")
            compiled.append(time.perf_counter() - start)
    finally:
        if cache_switch is None:
            os.environ.pop("REPORTGEN_CACHE", None)
        else:
            os.environ["REPORTGEN_CACHE"] = cache_switch
    return naive, compiled


def render_folder(folder: Path, out: Path, jobs: int) -> tuple[float, list[float], list[float], list[float]]:
    """(b)/(c): the whole pipeline over the folder in ``jobs`` spawned workers.

    Returns (wall seconds from the first task to the last result, per-report seconds,
    per-report check seconds, peak MB per worker)."""
    paths = sorted(str(p) for p in folder.glob("*.xlsx"))
    context = get_context("spawn")
    from reportgen.collection import start_worker

    with ProcessPoolExecutor(jobs, mp_context=context, initializer=start_worker) as pool:  # as render FOLDER's
        list(pool.map(_warm, range(jobs)))  # workers started: the pool's start-up is not per report
        start = time.perf_counter()
        results = list(pool.map(pipeline_one, paths, [str(out)] * len(paths), chunksize=8))
        wall = time.perf_counter() - start
    peaks: dict[int, float] = {}
    for _, _, peak, pid in results:
        peaks[pid] = max(peak, peaks.get(pid, 0.0))
    return wall, [r[0] for r in results], [r[1] for r in results], sorted(peaks.values())


def cli_render_has_jobs() -> bool:
    result = subprocess.run([sys.executable, "-m", "reportgen", "render", "--help"], capture_output=True, text=True,
                            env=ENV, encoding="utf-8")
    return "--jobs" in result.stdout


def machine_speed(rounds: int = 200) -> str:
    """How fast this machine runs Python right now: a fixed loop, median and best.  On a
    shared virtual machine the median can be twice the best; the other numbers of the
    run move with it."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        sum(range(300_000))
        times.append(time.perf_counter() - start)
    return f"a fixed loop median {median_ms(times):.2f} ms, best {min(times) * 1000:.2f} ms"


def timed_command(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, env=ENV, check=False)
    return time.perf_counter() - start


def cold_starts(sample: Path, rounds: int) -> dict[str, list[float]]:
    commands = {
        "python -c \"import openpyxl; openpyxl.load_workbook(…)\"": [
            sys.executable, "-c", f"import openpyxl; openpyxl.load_workbook({str(sample)!r})"],
        "reportgen check WORKBOOK": [sys.executable, "-m", "reportgen", "check", str(sample)],
        "python -c \"import reportgen\"": [sys.executable, "-c", "import reportgen"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):  # interleaved, so load changes hit all alike
        for name, args in commands.items():
            times[name].append(timed_command(args))
    return times


def profile(sample: Path, work: Path) -> str:
    import cProfile
    import io
    import pstats

    from reportgen.checks import check_workbook
    from reportgen.render.context import build_context
    from reportgen.render.docx import render_docx
    from reportgen.render.template_files import find_template

    out = io.StringIO()
    context = build_context(check_workbook(sample).data)
    template = find_template("report.docx", None)
    for name, fn in (("check_workbook", lambda: check_workbook(sample)),
                     ("render_docx", lambda: render_docx(template, context, work / "p.docx"))):
        for _ in range(3):
            fn()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(50):
            fn()
        prof.disable()
        stats = pstats.Stats(prof, stream=out)
        out.write(f"\n### {name} (50 calls after warm-up, by own time)\n")
        stats.sort_stats("tottime").print_stats(12)
    return out.getvalue()


# --------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbooks", type=int, default=200)
    parser.add_argument("--cold", type=int, default=7, help="rounds of the cold-start commands")
    parser.add_argument("--memory", type=int, default=0, help="also render N reports in one worker, RSS sampled")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (b) and (c), alternating")
    args = parser.parse_args()
    lines = [f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
             f"{platform.system()} {platform.release()}; load average before: "
             f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; machine speed before: {machine_speed()}", ""]
    # Byte-compiled modules, as an installed package has them (pip compiles them): with
    # PYTHONDONTWRITEBYTECODE set, every process would compile reportgen from source again.
    import compileall

    compileall.compile_dir(str(ROOT / "reportgen"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        work = Path(tmp)
        folder = work / "collected"
        start = time.perf_counter()
        paths = generate(folder, args.workbooks)
        lines.append(f"Generated {len(paths)} workbooks in {time.perf_counter() - start:.1f} s.")

        from reportgen.checks import check_workbook

        checks, renderable = [], 0
        for p in paths:
            t = time.perf_counter()
            result = check_workbook(p)
            checks.append(time.perf_counter() - t)
            renderable += result.can_render
        lines.append(f"All can be rendered: {renderable == len(paths)} ({renderable}/{len(paths)}).")

        (work / "a").mkdir()
        naive, compiled = naive_against_compiled(paths, work / "a")
        # (b) and (c) alternate for --rounds rounds, each with the machine's speed just before:
        # on a shared machine that speed moves, and a round's numbers move with it.
        rounds = []
        for number in range(args.rounds):  # each round into empty folders, as a first render of a collection
            speed = machine_speed(50)
            rounds.append((speed, render_folder(folder, work / f"b{number}", 1),
                           render_folder(folder, work / f"c{number}", 2)))
        _, (b_wall, b_each, b_checks, b_peak), (c_wall, c_each, _, c_peak) = rounds[0]
        via = "library (`check_workbook`, `render_report`) in spawned ProcessPoolExecutor workers"
        d_one = timed_command([sys.executable, "-m", "reportgen", "check", str(folder), "--json", "--jobs", "1"])
        d_two = timed_command([sys.executable, "-m", "reportgen", "check", str(folder), "--json", "--jobs", "2"])
        cli_rows = []
        if cli_render_has_jobs():  # one pass: each worker reads, checks and renders a workbook
            for jobs in (1, 2):
                wall = timed_command([sys.executable, "-m", "reportgen", "render", str(folder), "-o",
                                      str(work / f"cli{jobs}"), "--jobs", str(jobs)])
                cli_rows.append(f"| `reportgen render FOLDER --jobs {jobs}` (whole command) | {len(paths)} | "
                                f"{wall / len(paths) * 1000:.1f} ms | {wall:.1f} s, {len(paths) / wall:.1f} reports/s |")
        n = len(paths)
        lines += ["", f"Whole pipeline (b)/(c) via the {via}.", "",
                  "| what | reports | median per report | throughput / ratio |", "|---|---|---|---|",
                  f"| (a) naive docxtpl loop: fresh DocxTemplate, render, save | {n} | {median_ms(naive):.1f} ms | "
                  f"{1 / statistics.median(naive):.1f} reports/s |",
                  f"| reportgen Word render (compiled), same contexts, alternating with (a) | {n} | "
                  f"{median_ms(compiled):.1f} ms | **{statistics.median(naive) / statistics.median(compiled):.1f}× "
                  f"faster than (a)** |",
                  f"| (b) read + check + Word + HTML, 1 worker | {n} | {median_ms(b_each):.1f} ms | "
                  f"{n / b_wall:.1f} reports/s; {statistics.median(naive) / statistics.median(b_each):.1f}× (a) "
                  f"per report |",
                  f"| (c) read + check + Word + HTML, 2 workers | {n} | {median_ms(c_each):.1f} ms | "
                  f"**{n / c_wall:.1f} reports/s** ({c_wall:.2f} s for all) |",
                  f"| check of one workbook inside (b) | {n} | {median_ms(b_checks):.1f} ms | |",
                  f"| check of one workbook, in this process | {n} | {median_ms(checks):.1f} ms | "
                  f"best {min(checks) * 1000:.1f} ms |",
                  f"| (d) `reportgen check FOLDER --json --jobs 1` (whole command) | {n} | {d_one / n * 1000:.1f} ms | "
                  f"{d_one:.2f} s, {n / d_one:.0f} workbooks/s |",
                  f"| (d) `reportgen check FOLDER --json --jobs 2` (whole command) | {n} | {d_two / n * 1000:.1f} ms | "
                  f"{d_two:.2f} s, {n / d_two:.0f} workbooks/s |",
                  *cli_rows,
                  "",
                  "The rows (b) and (c) are the first round; every round, with the machine's speed before it:",
                  "",
                  "| round | machine speed before | (b) 1 worker | (c) 2 workers |", "|---|---|---|---|",
                  *[f"| {i + 1} | {speed} | {n / b[0]:.1f} reports/s | {n / c[0]:.1f} reports/s |"
                    for i, (speed, b, c) in enumerate(rounds)],
                  "",
                  f"Peak resident memory per worker: 1 worker {', '.join(f'{p:.0f} MB' for p in b_peak)}; "
                  f"2 workers {', '.join(f'{p:.0f} MB' for p in c_peak)}."]

        cold = cold_starts(paths[0], args.cold)
        floor = statistics.median(next(iter(cold.values())))
        lines += ["", "| cold start (median of %d, interleaved) | seconds | × openpyxl floor |" % args.cold,
                  "|---|---|---|"]
        for name, times in cold.items():
            lines.append(f"| `{name}` | {statistics.median(times):.3f} | {statistics.median(times) / floor:.2f} |")

        from stages import stage_times

        times = stage_times(paths[:40], work, 3)
        lines += ["", "One process, the stages of a report (40 of the workbooks, 3 rounds, after a warm-up):", "",
                  "| stage | median | best |", "|---|---|---|"]
        lines += [f"| {name} | {median_ms(values):.1f} ms | {min(values) * 1000:.1f} ms |"
                  for name, values in times.items()]

        if args.memory:
            context = get_context("spawn")
            with ProcessPoolExecutor(1, mp_context=context) as pool:
                rss = pool.submit(memory_run, [str(p) for p in paths], str(work / "m"), args.memory).result()
            lines += ["", f"Memory, one worker rendering {args.memory} reports (resident MB after each tenth): "
                      + ", ".join(f"{i}: {mb:.0f}" for i, mb in rss)]
        lines += ["", f"Machine speed after: {machine_speed()}."]
        if args.profile:
            lines += ["", profile(paths[0], work)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
