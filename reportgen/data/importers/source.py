"""Reading an input file within the limits, and decoding text of unknown encoding."""

from __future__ import annotations

import re
from pathlib import Path

from reportgen.core.errors import UnusableInput
from reportgen.core.fileio import read_regular_file

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def read_bounded(path: Path) -> bytes:
    """The file's bytes; a plain-Chinese refusal when it is missing, unreadable, too large,
    or not a regular file (a named pipe would make the read wait for ever)."""
    return read_regular_file(path, "报告文件")


def decode(raw: bytes, path: Path, declared: str | None = None) -> str:
    """Text from bytes: a BOM, the declared charset (HTML meta), UTF-8, else GB18030
    (a superset of GBK and GB2312, what Chinese government sites use)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    candidates = []
    if declared is None:
        m = _META_CHARSET.search(raw[:4096])
        declared = m.group(1).decode("ascii", "ignore") if m else None
    if declared:
        name = declared.lower()
        candidates.append("gb18030" if name in ("gbk", "gb2312", "gb18030", "x-gbk") else name)
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise UnusableInput(f"{path.name} 的文字编码无法识别（不是 UTF-8，也不是 GBK）。")
