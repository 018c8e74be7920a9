"""The file store: every uploaded file kept as received, named by its content hash.

``DIR/files/ab/abcdef….bin``: the name is the SHA-256 of the bytes (never anything an
uploader typed), a file is written under a scratch name, flushed to disk and renamed,
and an existing file is never written again — the same bytes uploaded twice are one
file.  A version's database row is committed only after its file is in the store, so a
server killed half-way leaves at most a file no row names (harmless), never a row
without its file."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

HASH = re.compile(r"[0-9a-f]{64}")
CHUNK = 1 << 16


class Store:
    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "files"
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        if not HASH.fullmatch(digest):  # only our own hashes ever name a file
            raise ValueError("not a content hash")
        return self.root / digest[:2] / f"{digest}.bin"

    def put(self, chunks: Iterator[bytes]) -> tuple[str, int]:
        """Store the bytes; returns (sha256 hex, size).  Durable when this returns."""
        sha = hashlib.sha256()
        size = 0
        fd, scratch = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    sha.update(chunk)
                    size += len(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            digest = sha.hexdigest()
            target = self.path(digest)
            target.parent.mkdir(exist_ok=True)
            if target.exists():  # the same bytes: kept as they are, never overwritten
                os.unlink(scratch)
                if target.stat().st_mode & 0o222:  # stored before files were made read-only
                    os.chmod(target, 0o444)
            else:
                # Read-only: working copies are hard links to it, and nothing may write through them.
                os.chmod(scratch, 0o444)
                os.replace(scratch, target)
                _fsync_dir(target.parent)
            return digest, size
        except BaseException:
            if os.path.exists(scratch):
                os.unlink(scratch)
            raise

    def put_file(self, handle: BinaryIO) -> tuple[str, int]:
        return self.put(iter(lambda: handle.read(CHUNK), b""))

    def open(self, digest: str) -> BinaryIO:
        return open(self.path(digest), "rb")


def _fsync_dir(folder: Path) -> None:
    """The rename itself survives a crash only once its folder is flushed (POSIX)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
