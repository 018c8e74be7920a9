"""The command line never needs Django: ``reportgen serve`` without it says what to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Django made unimportable, as on a machine where only `pip install reportgen` ran.
WITHOUT_DJANGO = "import sys; sys.modules['django'] = None; sys.modules['waitress'] = None; "


def run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_DJANGO + code], capture_output=True, text=True,
                          encoding="utf-8", env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin", "PYTHONIOENCODING": "utf-8"})


def test_the_commands_load_without_django():
    done = run("from reportgen.cli import main; print('serve' in main.commands)")
    assert done.returncode == 0 and done.stdout.strip() == "True"


def test_serve_without_django_names_the_extra_to_install(tmp_path):
    done = run(f"import sys; sys.argv = ['reportgen', 'serve', '--data', r'{tmp_path / 'd'}']; "
               "from reportgen.cli import run; run()")
    assert done.returncode == 2
    assert done.stderr.strip() == '错误：网上报送需要另外安装：pip install "reportgen[web]"'
    assert not (tmp_path / "d").exists()
