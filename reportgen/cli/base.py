"""The ``reportgen`` command group, exit codes and the one way a command fails.

Exit codes: 0 fine; 1 the report has 错误 (or a template check failed);
2 the input is unusable or the command was used wrongly; 3 an internal error.
Every failure prints one plain-Chinese line; no traceback reaches a clerk.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from .. import __version__
from ..errors import TemplateProblem, UnusableInput

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3


def fail(message: str, code: int = EXIT_UNUSABLE) -> NoReturn:
    """End the command with one plain-Chinese line on stderr."""
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main() -> None:
    """政府信息公开工作年度报告工具：生成标准工作簿、检查、生成报告。"""


def run() -> None:
    """The console entry point: no traceback reaches a clerk (REPORTGEN_DEBUG=1 shows it)."""
    try:
        main(standalone_mode=True)
    except (UnusableInput, TemplateProblem) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("已取消。")
    except Exception as exc:  # a bug of ours: say so plainly, keep the details for developers
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        fail(f"reportgen 内部错误（{type(exc).__name__}: {exc}）。输入文件未被改动。"
             f"请把这条信息和所用文件发给技术支持；设置环境变量 REPORTGEN_DEBUG=1 可看到详细信息。", EXIT_INTERNAL)
