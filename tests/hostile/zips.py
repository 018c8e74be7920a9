"""Hostile zip packages, made from a real workbook or Word template: a directory that
lies about a member's size, a member far more compressed than any real part, and a
package of very many members.  corpus.py runs them against every entry point.

Each is small on disk and cheap to build; what it would cost a reader that believes
the zip directory is in the docstring of its builder.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024
LIE_INFLATED = 100 * MB  # what the lying member really inflates to
LIE_DECLARED = 1000  # what its directory entry says
MANY_MEMBERS = 200_000  # ~17 MB on disk; zipfile alone would build an object for each

# zipfile's own layouts (structFileHeader, structCentralDir, structEndArchive)
LOCAL = struct.Struct("<4s2B4HL2L2H")
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
END = struct.Struct("<4s4H2LH")


def copy_with(source: Path, target: Path, replaced: dict[str, bytes]) -> Path:
    """``source`` member by member, deflated, with the members named in ``replaced``
    given new content (added when ``source`` has no such member)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in src.infolist():
            out.writestr(info.filename, replaced.get(info.filename, src.read(info.filename)))
        for name, data in replaced.items():
            if name not in src.NameToInfo:
                out.writestr(name, data)
    return target


def lying(source: Path, target: Path, member: str, inflated: int = LIE_INFLATED,
          declared: int = LIE_DECLARED) -> Path:
    """``source`` with ``member`` replaced by ``inflated`` bytes (about 100 KB deflated)
    while its directory entry and local header declare ``declared`` bytes, with the
    CRC of the first ``declared``: zipfile's reader inflates all of it in one call
    (100 MB and a copy) and then returns the first ``declared`` bytes as sound."""
    content = b"<" + b" " * (inflated - 1)
    copy_with(source, target, {member: content})
    data = bytearray(target.read_bytes())
    crc = zlib.crc32(content[:declared])
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo(member)
    # the local header: CRC at 14, uncompressed size at 22
    struct.pack_into("<L", data, info.header_offset + 14, crc)
    struct.pack_into("<L", data, info.header_offset + 22, declared)
    # the directory entry naming it: CRC at 16, uncompressed size at 24
    end = END.unpack_from(data, len(data) - END.size)
    position = end[6]
    while position < end[6] + end[5]:
        fields = CENTRAL.unpack_from(data, position)
        name = bytes(data[position + CENTRAL.size:position + CENTRAL.size + fields[12]]).decode("utf-8")
        if name == member:
            struct.pack_into("<L", data, position + 16, crc)
            struct.pack_into("<L", data, position + 24, declared)
            break
        position += CENTRAL.size + fields[12] + fields[13] + fields[14]
    else:
        raise AssertionError(f"{member} not in the directory of {target}")
    target.write_bytes(bytes(data))
    return target


def ratio_bomb(source: Path, target: Path, member: str, inflated: int = 60 * MB) -> Path:
    """``source`` with ``member`` inflating to ``inflated`` bytes at about 1000:1, declared
    honestly: under the size cap of one part, far over the ratio of any real one."""
    return copy_with(source, target, {member: b"<" + b" " * (inflated - 1)})


def many_members(target: Path, count: int = MANY_MEMBERS) -> Path:
    """A zip of ``count`` empty stored members, written directly (zipfile would take
    seconds): ~90 bytes each on disk, hundreds of bytes each as zipfile's objects."""
    local, central = [], []
    offset = 0
    for i in range(count):
        name = f"{i:05x}.xml".encode()
        header = LOCAL.pack(b"PK\x03\x04", 20, 0, 0, 0, 0, 0x21, 0, 0, 0, len(name), 0) + name
        central.append(CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, 0, 0, 0, 0x21, 0, 0, 0, len(name), 0, 0, 0, 0, 0,
                                    offset) + name)
        local.append(header)
        offset += len(header)
    directory = b"".join(central)
    entries = min(count, 0xFFFF)  # zipfile reads the directory by its size, not by this count
    end = END.pack(b"PK\x05\x06", 0, 0, entries, entries, len(directory), offset, 0)
    target.write_bytes(b"".join(local) + directory + end)
    return target
