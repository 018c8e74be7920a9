"""Every zip package reportgen opens — a workbook, a Word template, a .docx report to
import, later an upload — is opened and inflated here, and only here.

A package may come from anyone, and its zip directory may lie.  So:

1. :func:`open_package` counts the directory's entries in the raw bytes *before*
   :mod:`zipfile` builds an object for each (a “member-count bomb” of a million empty
   members would take hundreds of MB right there), then checks what the directory
   declares against :data:`reportgen.core.limits.LIMITS`: member count, each member's
   and the total inflated size, each member's inflate ratio.
2. :func:`read_member` (and :func:`read_members`, :func:`verify_package`) inflates a
   member straight from the package's bytes, stopping one byte past what the
   directory declares for it (and never beyond the member's cap).  A member that
   inflates to more than its directory entry says is refused at that byte: memory
   is bounded by the declared sizes, which step 1 bounded.
3. A library that opens the package itself (python-docx, docxtpl, openpyxl) gets it
   only after :func:`verify_package` inflated every member that way, and gets the
   very bytes that were verified (never the path opened again): each member then
   inflates to exactly its declared size, within the limits.

Every refusal is an :class:`~reportgen.core.errors.UnusableInput` with one
plain-Chinese sentence naming the file and the part.  Bytes that are not a zip raise
:class:`zipfile.BadZipFile`; the caller says what the file should have been.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Callable

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import size_text as _mb
from reportgen.core.limits import LIMITS, MB, Limits

CHUNK = 1 << 16
CENTRAL_SIGNATURE = b"PK\x01\x02"  # starts every entry of the zip directory (zipfile refuses one without it)
# Office writes members stored or deflated, nothing else; zipfile's bzip2 and LZMA
# readers inflate a whole block at a time, beyond any cap.
OFFICE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def check_package(archive: zipfile.ZipFile, name: str, limits: Limits = LIMITS) -> None:
    """Refuse a zip whose directory declares too many, too large or too compressed members.

    ``name`` is how the message names the file (usually its file name)."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise _too_many(name, len(members), limits)
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


def _too_many(name: str, count: int, limits: Limits) -> UnusableInput:
    return UnusableInput(f"{name} 中的部件太多（{count} 个，上限 {limits.max_members} 个），"
                         f"不像正常的文件，不予读取。")


class Package(zipfile.ZipFile):
    """A zip archive over bytes in memory, which :func:`read_member` inflates straight
    from those bytes."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self.data = data


def open_package(data: bytes, name: str, limits: Limits = LIMITS) -> Package:
    """A checked :class:`Package` over ``data`` (the bytes of a file named ``name``).

    Raises zipfile.BadZipFile for bytes that are not a zip (the caller words that)."""
    # An upper bound of the entries zipfile would build (each starts with the
    # signature; a name or compressed data holding it only counts one too many).
    entries = data.count(CENTRAL_SIGNATURE)
    if entries > limits.max_members:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise zipfile.BadZipFile("not a zip file")
        raise _too_many(name, entries, limits)
    archive = Package(data)
    try:
        check_package(archive, name, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def read_member(archive: Package, member: str | zipfile.ZipInfo, name: str, limits: Limits = LIMITS) -> bytes:
    """One member inflated, never more than one byte past its declared size or its cap
    (the directory may lie)."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    if info.compress_type not in OFFICE_COMPRESSION:
        raise UnusableInput(f"{name} 中的 {info.filename} 使用了 Office 软件不会使用的压缩方式，不予读取。"
                            f"请用 Excel、WPS 或 Word 打开后重新保存。")
    cap = min(limits.max_member_bytes, max(limits.max_ratio * max(info.compress_size, 1), MB))
    limit = min(cap, info.file_size)  # more than the directory declares is never needed
    content = _inflate(archive.data, info, limit) if isinstance(archive, Package) else None
    if content is None:
        # Anything unusual (a damaged stream, a local header naming another part):
        # zipfile's own reader decides and words it, streamed, one chunk at a time.
        # It stops at the declared size itself and then checks the CRC.
        try:
            content = _streamed(archive, info, limit)
        except (zipfile.BadZipFile, zlib.error, RuntimeError, EOFError, NotImplementedError):
            # a bad CRC, a broken stream, an encrypted member: every caller gets one refusal
            raise UnusableInput(f"{name} 已损坏：其中的 {info.filename} 无法解压（或设置了密码），无法读取。"
                                f"请用 Excel、WPS 或 Word 打开后重新保存再试。") from None
    if len(content) > limit:
        raise _too_large(name, info, cap) if limit == cap else _lying(name, info)
    return content


def read_members(archive: Package, name: str, wanted: Callable[[str], bool] | None = None,
                 limits: Limits = LIMITS) -> dict[str, bytes]:
    """{member name: inflated bytes} of every member (or those ``wanted`` accepts), each
    through :func:`read_member`."""
    return {info.filename: read_member(archive, info, name, limits)
            for info in archive.infolist() if wanted is None or wanted(info.filename)}


def verify_package(archive: Package, name: str, limits: Limits = LIMITS) -> None:
    """Inflate every member through :func:`read_member`, one at a time, keeping none:
    afterwards every member is known to inflate to exactly its declared size, so a
    library given these bytes (python-docx, openpyxl) inflates within the limits too."""
    for info in archive.infolist():
        read_member(archive, info, name, limits)


def _streamed(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    chunks = []
    size = 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            chunks.append(chunk)
            if size > limit:
                break  # the caller refuses it
    return b"".join(chunks)


def _too_large(name: str, info: zipfile.ZipInfo, cap: int) -> UnusableInput:
    return UnusableInput(f"{name} 中的 {info.filename} 解压后超过了上限（{_mb(cap)}），可能是“压缩炸弹”，不予读取。")


def _lying(name: str, info: zipfile.ZipInfo) -> UnusableInput:
    return UnusableInput(f"{name} 中的 {info.filename} 解压后超过了文件目录登记的大小（{info.file_size} 字节），"
                         f"文件已损坏或是有意构造的（可能是“压缩炸弹”），不予读取。")


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
    through Python for every read), at most ``cap + 1`` bytes of it (more than ``cap``:
    the caller refuses it); None for anything unusual, which zipfile's own reader then
    decides (and words).  Checked as zipfile checks: the local header
    (:func:`compressed_bytes`), the whole compressed stream, the CRC."""
    try:
        raw = compressed_bytes(data, info)
    except zipfile.BadZipFile:
        return None
    if info.compress_type == zipfile.ZIP_STORED:
        content = raw[:cap + 1]
        if len(content) > cap:
            return content  # too large: the caller refuses it
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


__all__ = ["LOCAL_HEADER", "Package", "check_package", "compressed_bytes", "open_package", "read_member", "read_members",
           "verify_package"]
