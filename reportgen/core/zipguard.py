"""Opening a zip package (a workbook or a Word template) that may come from anyone.

Before anything is parsed, :func:`open_package` checks the file is a regular file
(a FIFO or a device would block for ever) and checks the zip directory against
:data:`reportgen.core.limits.LIMITS`: member count, compressed and inflated sizes, and
the inflate ratio of each member.  :func:`read_member` then enforces the same
limits while inflating, since a directory may lie.  Every refusal is an
:class:`~reportgen.core.errors.UnusableInput` with one plain-Chinese sentence naming
the file and what was too large.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import os_error_message
from reportgen.core.limits import LIMITS, MB, Limits

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


class Package(zipfile.ZipFile):
    """A zip archive over bytes in memory, which :func:`read_member` inflates straight
    from those bytes."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.data = data


def open_package(data: bytes, name: str, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """A checked :class:`zipfile.ZipFile` over ``data`` (the bytes of a file named ``name``).

    Raises zipfile.BadZipFile for bytes that are not a zip (the caller words that)."""
    archive = Package(data)
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
    if isinstance(archive, Package) and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        content = _inflate(archive.data, info, cap)
        if content is not None:
            if len(content) > cap:
                raise _too_large(name, info, cap)
            return content
    chunks = []
    size = 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise _too_large(name, info, cap)
            chunks.append(chunk)
    return b"".join(chunks)


def _too_large(name: str, info: zipfile.ZipInfo, cap: int) -> UnusableInput:
    return UnusableInput(f"{name} 中的 {info.filename} 解压后超过了上限（{_mb(cap)}），可能是“压缩炸弹”，不予读取。")


LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a member's local header, as zipfile.structFileHeader


def compressed_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes as stored in the package ``data``, found through its local header
    (checked as zipfile checks it: the signature, the name, the length); raises
    zipfile.BadZipFile otherwise."""
    if info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename} is encrypted")
    try:
        header = LOCAL_HEADER.unpack_from(data, info.header_offset)
    except struct.error:
        raise zipfile.BadZipFile(f"{info.filename}: no local header") from None
    name_start = info.header_offset + LOCAL_HEADER.size
    stored_name = info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437", "replace")
    if header[0] != b"PK\x03\x04" or data[name_start:name_start + header[10]] != stored_name:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    start = name_start + header[10] + header[11]
    raw = data[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile(f"{info.filename} is truncated")
    return raw


def _inflate(data: bytes, info: zipfile.ZipInfo, cap: int) -> bytes | None:
    """The member inflated from the package's bytes in one call (zipfile's reader goes
    through Python for every read), at most ``cap + 1`` bytes of it; None for anything
    unusual, which zipfile's own reader then decides (and words).  Checked as zipfile
    checks: the local header (:func:`compressed_bytes`), the whole compressed stream,
    the CRC."""
    try:
        raw = compressed_bytes(data, info)
    except zipfile.BadZipFile:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        content = raw[:cap + 1]
    else:
        inflater = zlib.decompressobj(-15)
        try:
            content = inflater.decompress(raw, cap + 1)
        except zlib.error:
            return None
        if len(content) > cap:
            return content  # too large: the caller refuses it
        if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
            return None
    if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
        return None
    return content


__all__ = ["LOCAL_HEADER", "Package", "check_package", "compressed_bytes", "open_package", "read_member", "read_regular_file"]
