"""Reading plain files within the limits, writing files whole or not at all, scratch
files, and file-system errors in Chinese.

Every temporary file or folder reportgen makes beside its output is named
``.~reportgen-<pid>-<random>`` (files keep the target's suffix), so a run that was
killed half-way leaves something recognisable, and the next run that writes into
the same folder removes it (:func:`clean_scratch`).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from reportgen.core.errors import UnusableInput
from reportgen.core.limits import LIMITS, MB, Limits

SCRATCH_PREFIX = ".~reportgen-"
# A scratch name: the prefix, the writing process's id, tempfile's random part.
_SCRATCH_NAME = re.compile(re.escape(SCRATCH_PREFIX) + r"(\d+)-[a-z0-9_]{8}(\.[A-Za-z0-9]+)?")
# Scratch folders of reportgen versions before the pid was in the name held only these.
_LEGACY_SCRATCH_NAME = re.compile(r"reportgen-[a-z0-9_]{8}")
_LEGACY_SCRATCH_FILES = {"report.docx", "report.html", "report.pdf"}
# Scratch older than this belongs to no running render, whatever its pid says
# (one render takes seconds; a collection's per-file limit is a minute).
SCRATCH_STALE_SECONDS = 15 * 60


# A folder is searched for stale scratch at most this often by one process: a
# collection writes thousands of files into one folder, and listing it for each
# would cost more than writing them.
SCRATCH_RECHECK_SECONDS = 60.0
_last_cleaned: dict[str, float] = {}


# --------------------------------------------------------------------------- reading
def size_text(size: int) -> str:
    """A size as a clerk reads it: “60 MB”, “980 KB”."""
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} KB"


def read_regular_file(path: Path, what: str = "文件", limits: Limits = LIMITS) -> bytes:
    """The bytes of ``path``, refused unless it is a regular file within the size limit.

    Every input file (a workbook, a Word template, a report to import, JSON data) is
    read through here: a FIFO or a device would block or never end, and a file larger
    than ``limits.max_file_bytes`` is refused before it is read.  ``what`` names the
    kind of file in the message (“工作簿”, “Word 模板”, …)."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnusableInput(f"找不到文件：{path}") from None
    except OSError as exc:
        raise UnusableInput(os_error_message(exc, path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise UnusableInput(f"{path} 是一个文件夹，不是{what}。")
    if not stat.S_ISREG(info.st_mode):  # a FIFO, socket or device: open() or read() could block for ever
        raise UnusableInput(f"{path.name} 不是普通文件（可能是管道或设备），不能作为{what}读取。")
    if info.st_size > limits.max_file_bytes:
        raise UnusableInput(f"{path.name} 太大（{size_text(info.st_size)}），超过了{what}的上限 "
                            f"{size_text(limits.max_file_bytes)}。")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise UnusableInput(os_error_message(exc, path)) from None
    if len(data) > limits.max_file_bytes:  # grew since stat
        raise UnusableInput(f"{path.name} 太大，超过了{what}的上限 {size_text(limits.max_file_bytes)}。")
    return data


# --------------------------------------------------------------------------- writing
def _scratch_prefix() -> str:
    return f"{SCRATCH_PREFIX}{os.getpid()}-"


def scratch_stem(owner: int | None = None) -> str:
    """A fresh scratch name (without suffix) of process ``owner`` (default: this one),
    for a file another process of the same run will rename: it stays out of every
    other run's way, and is cleaned up once that process has ended."""
    import secrets

    return f"{SCRATCH_PREFIX}{owner or os.getpid()}-{secrets.token_hex(4)}"


def clean_scratch_now_and_then(folder: Path) -> None:
    """:func:`clean_scratch`, unless this process did so in the last minute."""
    key = os.path.abspath(folder)
    now = time.monotonic()
    if now - _last_cleaned.get(key, -SCRATCH_RECHECK_SECONDS) >= SCRATCH_RECHECK_SECONDS:
        clean_scratch(Path(folder))
        _last_cleaned[key] = now


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    If the body raises, the temporary file is removed and ``target`` is untouched,
    so a reader never sees a half-written report or workbook.
    """
    target = Path(target)
    with scratch_file(target.parent, target.suffix) as tmp:
        yield tmp
        os.replace(tmp, target)


@contextmanager
def scratch_file(folder: Path, suffix: str = "") -> Iterator[Path]:
    """A scratch file (empty) in ``folder``, removed afterwards unless it was moved away.

    It has the permissions of any new file (not mkstemp's private 0600): it becomes
    the output."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    clean_scratch_now_and_then(folder)
    while True:
        tmp = folder / f"{scratch_stem()}{suffix}"
        try:
            os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))  # the umask applies
            break
        except FileExistsError:
            continue  # 4 random bytes taken already: draw again
    try:
        yield tmp
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def scratch_dir(parent: Path) -> Iterator[Path]:
    """A scratch folder inside ``parent`` (same disk as the output, so the final
    move is a rename), removed afterwards whatever happens."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    clean_scratch_now_and_then(parent)
    folder = Path(tempfile.mkdtemp(prefix=_scratch_prefix(), dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clean_scratch(folder: Path) -> list[Path]:
    """Remove what interrupted runs left in ``folder``; returns what was removed.

    Only names reportgen makes are touched, and only when no running reportgen can
    own them: the process named in the name has ended, or the entry is old.
    """
    return _remove_scratch(folder, _is_stale_scratch)


def remove_own_scratch(folder: Path) -> list[Path]:
    """Remove the scratch files and folders of this process (and of the workers that
    write under its name, :func:`scratch_stem`) in ``folder``: for a run that is
    stopping, once its workers have ended."""
    own = str(os.getpid())

    def is_own(entry: Path) -> bool:
        match = _SCRATCH_NAME.fullmatch(entry.name)
        return match is not None and match.group(1) == own

    return _remove_scratch(folder, is_own)


def _remove_scratch(folder: Path, chosen) -> list[Path]:
    """Remove the entries of ``folder`` that ``chosen(entry)`` picks; returns them."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if chosen(entry):
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(entry)
            except OSError:
                pass  # in use (Windows) or not ours to remove: leave it (the next run removes it)
    return removed


def _is_stale_scratch(entry: Path) -> bool:
    match = _SCRATCH_NAME.fullmatch(entry.name)
    if match is None:
        return _is_legacy_scratch(entry)
    pid = int(match.group(1))
    if pid == os.getpid():
        return False  # ours, in use
    return not _process_alive(pid) or _age_seconds(entry) > SCRATCH_STALE_SECONDS


def _is_legacy_scratch(entry: Path) -> bool:
    if not (_LEGACY_SCRATCH_NAME.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink()):
        return False
    try:
        names = {child.name for child in entry.iterdir()}
    except OSError:
        return False
    return names <= _LEGACY_SCRATCH_FILES and _age_seconds(entry) > SCRATCH_STALE_SECONDS


def _age_seconds(entry: Path) -> float:
    try:
        return time.time() - entry.lstat().st_mtime
    except OSError:
        return 0.0


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs.  Only asked on POSIX: on Windows ``os.kill``
    would end the process, so there the age alone decides."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def same_file(a: Path, b: Path) -> bool:
    """True when both paths name one existing file (guards the input from being overwritten)."""
    try:
        return Path(a).resolve() == Path(b).resolve() or (Path(b).exists() and os.path.samefile(a, b))
    except OSError:
        return False


# --------------------------------------------------------------------------- errors
# Windows error numbers for "the file is open in another program".
_WINERROR_IN_USE = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION


def os_error_message(exc: OSError, path: Path | str | None = None) -> str:
    """A file-system error as one plain-Chinese sentence naming the file (no class names).

    ``path`` is the file the command was working on; the error's own file name wins
    when it has one (it names the exact file, e.g. inside an output folder).
    """
    where = exc.filename if exc.filename is not None else path
    name = f"“{where}”" if where is not None else "文件"
    if getattr(exc, "winerror", None) in _WINERROR_IN_USE or exc.errno == errno.EBUSY:
        return f"{name}正被其他程序使用（例如已在 Excel、WPS 或 Word 中打开）。请关闭它后再试。"
    sentences = {
        errno.ENOENT: f"找不到{name}。请确认路径和文件名。",
        errno.EACCES: f"没有权限读写{name}。请确认文件没有设为只读、没有被其他程序占用，或换一个文件夹。",
        errno.EPERM: f"没有权限读写{name}。请确认文件没有设为只读、没有被其他程序占用，或换一个文件夹。",
        errno.EISDIR: f"{name}是一个文件夹，这里需要的是文件。",
        errno.ENOTDIR: f"{name}的路径中有一部分是文件而不是文件夹。",
        errno.EEXIST: f"{name}已存在。",
        errno.ENAMETOOLONG: f"文件名或路径太长：{name}。请换一个较短的文件夹或名称。",
        errno.ENOSPC: f"磁盘空间不足，无法写入{name}。请清理磁盘后再试。",
        errno.EROFS: f"{name}所在的位置只能读不能写。请换一个文件夹。",
        errno.EINVAL: f"{name}不是有效的文件名。",
        errno.EMFILE: f"同时打开的文件太多，无法打开{name}。",
        errno.ELOOP: f"{name}的路径中有循环的链接。",
    }
    if hasattr(errno, "EDQUOT"):
        sentences[errno.EDQUOT] = f"磁盘配额已满，无法写入{name}。"
    sentence = sentences.get(exc.errno)
    if sentence:
        return sentence
    # Unknown: the system's own words (localised on a Chinese Windows) without a class name.
    detail = exc.strerror or "未知原因"
    return f"无法读写{name}（系统提示：{detail}）。"
