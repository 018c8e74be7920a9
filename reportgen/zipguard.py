"""Opening a zip package (a workbook or a Word template) that may come from anyone.

Before anything is parsed, :func:`open_package` checks the file is a regular file
(a FIFO or a device would block for ever) and checks the zip directory against
:data:`reportgen.limits.LIMITS`: member count, compressed and inflated sizes, and
the inflate ratio of each member.  :func:`read_member` then enforces the same
limits while inflating, since a directory may lie.  Every refusal is an
:class:`~reportgen.errors.UnusableInput` with one plain-Chinese sentence naming
the file and what was too large.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from .errors import UnusableInput
from .fileio import os_error_message
from .limits import LIMITS, MB, Limits

CHUNK = 1 << 16


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / 1024:.0f} KB"


def read_regular_file(path: Path, what: str = "文件", limits: Limits = LIMITS) -> bytes:
    """The bytes of ``path``, refused unless it is a regular file within the size limit."""
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
        raise UnusableInput(f"{path.name} 太大（{_mb(info.st_size)}），超过了{what}的上限 {_mb(limits.max_file_bytes)}。")
    try:
        with open(path, "rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise UnusableInput(os_error_message(exc, path)) from None
    if len(data) > limits.max_file_bytes:  # grew since stat
        raise UnusableInput(f"{path.name} 太大，超过了{what}的上限 {_mb(limits.max_file_bytes)}。")
    return data


def check_package(archive: zipfile.ZipFile, name: str, limits: Limits = LIMITS) -> None:
    """Refuse a zip whose directory declares too many, too large or too compressed members.

    ``name`` is how the message names the file (usually its file name)."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise UnusableInput(f"{name} 中的部件太多（{len(members)} 个，上限 {limits.max_members} 个），"
                            f"不像正常的文件，不予读取。")
    total = 0
    for info in members:
        if info.file_size > limits.max_member_bytes:
            raise UnusableInput(f"{name} 中的 {info.filename} 解压后太大（{_mb(info.file_size)}，"
                                f"上限 {_mb(limits.max_member_bytes)}），不予读取。")
        if info.file_size > limits.max_ratio * max(info.compress_size, 1) and info.file_size > MB:
            raise UnusableInput(f"{name} 中的 {info.filename} 压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍，"
                                f"上限 {limits.max_ratio} 倍），可能是“压缩炸弹”，不予读取。")
        total += info.file_size
    if total > limits.max_total_bytes:
        raise UnusableInput(f"{name} 解压后总共太大（{_mb(total)}，上限 {_mb(limits.max_total_bytes)}），不予读取。")


def open_package(data: bytes, name: str, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """A checked :class:`zipfile.ZipFile` over ``data`` (the bytes of a file named ``name``).

    Raises zipfile.BadZipFile for bytes that are not a zip (the caller words that)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        check_package(archive, name, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, name: str,
                limits: Limits = LIMITS) -> bytes:
    """One member inflated, stopping as soon as it passes the limits (the directory may lie)."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    cap = min(limits.max_member_bytes, max(limits.max_ratio * max(info.compress_size, 1), MB))
    chunks = []
    size = 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise UnusableInput(f"{name} 中的 {info.filename} 解压后超过了上限（{_mb(cap)}），"
                                    f"可能是“压缩炸弹”，不予读取。")
            chunks.append(chunk)
    return b"".join(chunks)


__all__ = ["check_package", "open_package", "read_member", "read_regular_file"]
