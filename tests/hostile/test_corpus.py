"""Run every input of the hostile corpus (corpus.py) as a clerk would, bounded.

Each case runs the ``reportgen`` command in its own process under a 1 GB address-space
limit (bounded.py), killed after a timeout: a hang or a runaway allocation fails the case instead
of the test run.  Time and peak memory are recorded (OUTCOMES.md); a case with a
``memory_mb`` also bounds what the command adds to its process's peak (the zip bombs).  ``REPORTGEN_WRITE_OUTCOMES=1`` rewrites tests/hostile/OUTCOMES.md.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from corpus import CASES, Case

pytest.importorskip("resource")  # POSIX: the limits of bounded.py
from bounded import TIMEOUT, Outcome, run_bounded  # noqa: E402

OUTCOMES = Path(__file__).with_name("OUTCOMES.md")
# What a clerk must never see: a traceback, an exception class name, click's English.
LEAKS = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\b|Usage:|Error:|Aborted!")


def _digests(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[str(path)] = "link:" + os.readlink(path)
        elif path.is_file():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif not path.is_dir():
            found[str(path)] = "special"
    return found


RESULTS: dict[str, tuple[Case, Outcome | None, str]] = {}


@pytest.fixture(scope="module", autouse=True)
def outcomes_table():
    yield
    if os.environ.get("REPORTGEN_WRITE_OUTCOMES") and RESULTS:
        OUTCOMES.write_text(_table(), encoding="utf-8")


def _table() -> str:
    lines = ["# The hostile corpus and what reportgen answers", "",
             "Written by `REPORTGEN_WRITE_OUTCOMES=1 python -m pytest tests/hostile/test_corpus.py`.",
             f"Each input runs the `reportgen` command in its own process (1 GB address space, killed after {TIMEOUT} s);",
             "seconds and peak memory are as measured on the machine that wrote this table.", "",
             "| # | case | input | exit | status | seconds | peak MB | grown MB (bound) | message (first line) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n, case in enumerate(CASES, 1):
        if case.id not in RESULTS:
            continue
        _, outcome, status = RESULTS[case.id]
        if outcome is None:
            lines.append(f"| {n} | `{case.id}` | {case.what} | – | {status} | – | – | – | – |")
            continue
        message = next((line.strip() for line in (outcome.stderr + outcome.stdout).splitlines()
                        if "错误" in line or "提醒" in line or "已生成" in line or "无法" in line), "")
        message = re.sub(r"/\S*?/(in|out|cwd)/", "", message)  # the test's temporary folders
        message = message.replace("|", "\\|")[:140]
        lines.append(f"| {n} | `{case.id}` | {case.what.replace('|', chr(92) + '|')} | {outcome.code} | {status} | "
                     f"{outcome.seconds:.1f} | {outcome.peak_mb:.0f} | {outcome.grown_mb:.0f}"
                     f"{f' (≤ {case.memory_mb:.0f})' if case.memory_mb else ''} | {message} |")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=False, reason=f"waits for {c.waits_for}")]
                                               if c.waits_for else []) for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    in_dir, out_dir, cwd = tmp_path / "in", tmp_path / "out", tmp_path / "cwd"
    in_dir.mkdir()
    cwd.mkdir()
    args = case.build(in_dir, out_dir)
    before = _digests(in_dir)
    RESULTS[case.id] = (case, None, "not run")
    try:
        outcome = run_bounded(args, cwd, case.env)
    except AssertionError:
        RESULTS[case.id] = (case, None, "hung (killed)")
        raise
    RESULTS[case.id] = (case, outcome, "FAILED")

    assert outcome.code == case.code, outcome.output
    if case.memory_mb is not None:
        assert outcome.grown_mb <= case.memory_mb, f"took {outcome.grown_mb:.0f} MB, bound {case.memory_mb:.0f} MB"
        assert outcome.workers_mb == 0, "the command is bounded in its own process only"
    assert not LEAKS.search(outcome.output), outcome.output
    for piece in case.says:
        assert piece in outcome.output, f"{piece!r} not in: {outcome.output}"
    assert _digests(in_dir) == before, "an input file was changed"
    assert not any(cwd.iterdir()), "a file appeared in the working folder"
    left = sorted(p.name for p in out_dir.rglob("*")) if out_dir.exists() else []
    if case.outputs:
        assert sorted(Path(n).suffix.lstrip(".") for n in left) == sorted(case.outputs), left
    elif case.code != 0:
        assert not left, f"left behind: {left}"
    assert not any(".~reportgen" in str(p) for p in tmp_path.rglob("*")), "scratch left behind"
    if case.check:
        case.check(in_dir, out_dir, outcome.output)
    RESULTS[case.id] = (case, outcome, "xpass" if case.waits_for else "ok")
