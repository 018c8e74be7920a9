"""Shared fixtures: the bundled samples, workbooks written and edited with openpyxl,
and the reportgen command run as a clerk runs it."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings
from openpyxl import load_workbook

from reportgen.cli import main
from reportgen.data.model import ReportData
from reportgen.data.workbook import write_workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_inputs"
SEED = "xiangxiang-kjgxj-2023"
CASES = ("xiangxiang-kjgxj-2023", "pingtan-2021", "hongze-2023")
sys.path.insert(0, str(ROOT / "tools"))  # build scripts some tests compare against (build_docx_template)
CASES_DIR = ROOT / "tests" / "data" / "cases"  # the real published reports (public), copied into the repository

# reportgen's cache on disk (compiled templates): one of this test run's own, never the
# developer's ~/.cache; worker and command subprocesses inherit it.
TEST_CACHE = os.environ["REPORTGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="reportgen-test-cache-")
os.environ.pop("REPORTGEN_CACHE", None)
os.environ.pop("REPORTGEN_CACHE_MAX_MB", None)

# Hypothesis: on a developer's machine the property tests replay the same examples
# (a run is reproducible, a failure stays put); in CI (CI set) every run draws fresh
# examples from a new seed — the tests go on searching — and the seed is printed
# with the results when a test failed.  REPORTGEN_HYPOTHESIS_SEED=N reruns a seed;
# HYPOTHESIS_PROFILE=ci|dev picks a profile explicitly.
IN_CI = bool(os.environ.get("CI"))
settings.register_profile("dev", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("ci", derandomize=False, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if IN_CI else "dev"))
HYPOTHESIS_SEED: int | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Choose (or take) the seed of a searching run before Hypothesis reads it."""
    global HYPOTHESIS_SEED
    if settings.default.derandomize:
        return
    given_seed = config.getoption("hypothesis_seed", None) or os.environ.get("REPORTGEN_HYPOTHESIS_SEED")
    HYPOTHESIS_SEED = int(given_seed) if given_seed and str(given_seed).isdigit() else random.randrange(2**32)
    config.option.hypothesis_seed = str(HYPOTHESIS_SEED)


def pytest_report_header(config):
    if HYPOTHESIS_SEED is not None:
        return f"hypothesis: fresh examples, seed {HYPOTHESIS_SEED}"
    return "hypothesis: derandomized (the same examples each run; CI=1 searches)"


def pytest_unconfigure(config):
    shutil.rmtree(TEST_CACHE, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if HYPOTHESIS_SEED is not None and terminalreporter.stats.get("failed"):
        terminalreporter.write_line(f"hypothesis seed of this run: {HYPOTHESIS_SEED} — rerun it with "
                                    f"REPORTGEN_HYPOTHESIS_SEED={HYPOTHESIS_SEED} (or --hypothesis-seed={HYPOTHESIS_SEED})")


def sample(name: str) -> Path:
    return SAMPLES / f"{name}.xlsx"


def sample_json(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def workbook_from(obj: dict, path: Path) -> Path:
    """A standard workbook written from report-data JSON (as new-workbook --from does)."""
    write_workbook(path, ReportData.from_json(obj))
    return path


def edit(path: Path, changes: dict[tuple[str, str], object], out: Path | None = None) -> Path:
    """Set cells as a clerk would in a spreadsheet program ({(sheet, cell): value})."""
    wb = load_workbook(path)
    for (sheet, cell), value in changes.items():
        wb[sheet][cell].value = value
    target = out or path
    wb.save(target)
    return target


@pytest.fixture
def copy_sample(tmp_path):
    def make(name: str = SEED) -> Path:
        target = tmp_path / f"{name}.xlsx"
        shutil.copyfile(sample(name), target)
        return target
    return make


@pytest.fixture
def cli():
    """Invoke the click command in-process; exceptions propagate so a traceback fails the test."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


def run_reportgen(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The console command, as a clerk runs it (a separate process), from this source tree."""
    cmd = [sys.executable, "-m", "reportgen"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    return subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True, encoding="utf-8",
                          cwd=cwd, env=env, timeout=300)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_libreoffice = pytest.mark.skipif(
    soffice() is None and not os.environ.get("CI"), reason="LibreOffice is not installed")


def libreoffice_convert_many(sources: list[Path], outdir: Path, target: str = "pdf") -> list[Path]:
    """Convert several files in one LibreOffice run (its own profile), as a user would by hand."""
    exe = soffice()
    assert exe, "LibreOffice (soffice) is required for this test"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    # One input folder with distinct ASCII names: the sources may share a stem.
    inputs = []
    for i, src in enumerate(sources):
        copy = outdir / "in" / f"{i:03d}{src.suffix}"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(src.read_bytes())
        inputs.append(copy)
    result = subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile.as_posix()}", "--headless", "--convert-to", target,
         "--outdir", str(outdir)] + [str(p) for p in inputs],
        capture_output=True, text=True, timeout=240 + 60 * len(inputs))
    produced = [outdir / (p.stem + "." + target.split(":")[0]) for p in inputs]
    missing = [src.name for src, p in zip(sources, produced) if not p.exists()]
    assert not missing, f"LibreOffice did not convert {missing}: {result.stdout} {result.stderr}"
    return produced


def libreoffice_convert(src: Path, outdir: Path, target: str) -> Path:
    """Convert with LibreOffice headless (its own profile dir, so parallel runs do not clash)."""
    exe = soffice()
    assert exe, "LibreOffice (soffice) is required for this test"
    profile = outdir / "lo-profile"
    result = subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile.as_posix()}", "--headless", "--convert-to", target,
         "--outdir", str(outdir), str(src)],
        capture_output=True, text=True, timeout=240)
    produced = outdir / (src.stem + "." + target.split(":")[0])
    assert produced.exists(), f"LibreOffice did not convert {src}: {result.stdout} {result.stderr}"
    return produced
