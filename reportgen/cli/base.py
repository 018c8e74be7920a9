"""The ``reportgen`` command group, exit codes and the one way a command fails.

Exit codes: 0 fine; 1 the report has 错误 (or a template check failed);
2 the input is unusable or the command was used wrongly; 3 an internal error;
130 cancelled with Ctrl-C, 143 stopped by SIGTERM (the shells' convention: 128 + the
signal); either way the run's scratch files are removed first (core/interrupt.py).
Every failure prints one plain-Chinese line; no traceback reaches a clerk.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import NoReturn

import click

from reportgen.core.version import __version__
from reportgen.core.errors import TemplateProblem, UnusableInput
from reportgen.core.fileio import os_error_message
from reportgen.core.interrupt import Interrupted, stop_cleanly_on_signals
from reportgen.cli import zh

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_CANCELLED = 130

zh.install()  # before the commands below declare their options


def fail(message: str, code: int = EXIT_UNUSABLE) -> NoReturn:
    """End the command with one plain-Chinese line on stderr."""
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def fail_os(exc: OSError, path=None) -> NoReturn:
    """End the command on a file-system error: what went wrong, with the file, in Chinese."""
    fail(os_error_message(exc, path))


class _Command(click.Command):
    """A command whose usage line reads ``[选项]`` instead of ``[OPTIONS]``."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)


class _Group(_Command, click.Group):
    command_class = _Command
    group_class = type  # sub-groups are _Group too

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
@click.option("--no-cache", is_flag=True,
              help="不读取也不写入磁盘上的缓存（编译好的模板）。也可设置环境变量 REPORTGEN_CACHE=off。")
def main(no_cache: bool = False) -> None:
    """政府信息公开工作年度报告工具：生成标准工作簿、检查、生成报告。"""
    if no_cache:  # through the environment, so the worker processes of a collection see it too
        os.environ["REPORTGEN_CACHE"] = "off"


def run() -> None:
    """The console entry point: no traceback reaches a clerk (REPORTGEN_DEBUG=1 shows it)."""
    _console_never_fails()
    stop_cleanly_on_signals()
    try:
        code = main(standalone_mode=False)
    except click.exceptions.Abort as exc:  # click turns Ctrl-C, SIGTERM (see below), end of input into Abort
        cause = exc.__cause__
        _cancelled(cause.exit_code if isinstance(cause, Interrupted) else EXIT_CANCELLED)
    except Interrupted as exc:  # SIGTERM or SIGINT: every finally has run (scratch files removed)
        _cancelled(exc.exit_code)
    except KeyboardInterrupt:
        _cancelled()
    except click.ClickException as exc:  # wrong usage: click's message, in Chinese (see zh.py)
        exc.show()
        sys.exit(exc.exit_code)
    except (UnusableInput, TemplateProblem) as exc:
        fail(str(exc))
    except OSError as exc:  # a file-system error no command caught: still the user's to fix
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        fail(os_error_message(exc))
    except Exception:  # a bug of ours: say so plainly, keep the details for developers
        if os.environ.get("REPORTGEN_DEBUG"):
            raise
        fail(f"reportgen 内部错误（{_where_it_broke()}）。输入文件未被改动。"
             f"请把这条信息和所用文件发给技术支持；设置环境变量 REPORTGEN_DEBUG=1 可看到详细信息。", EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _cancelled(code: int = EXIT_CANCELLED) -> NoReturn:
    click.echo("已取消。" if code == EXIT_CANCELLED else "已停止（收到结束信号）。未完成的文件已删除。", err=True)
    sys.exit(code)


def _console_never_fails() -> None:
    """A console that cannot show a character (GBK and an emoji in a 机关名称) shows
    “?” instead of ending the command."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot be reconfigured
                pass


def _where_it_broke() -> str:
    """The innermost reportgen source line of the current exception, for support (no class names)."""
    frames = traceback.extract_tb(sys.exc_info()[2])
    ours = [f for f in frames if "reportgen" in f.filename.replace("\\", "/").split("/site-packages/")[-1]]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return "位置未知"
    return f"位置：{os.path.basename(frame.filename)} 第 {frame.lineno} 行"
