"""reportgen's cache on disk: work one process did that the next may reuse.

What is kept: compiled template code (Jinja's) and prepared Word templates
(:mod:`reportgen.render.docx`), each keyed by what it was made from, so a changed
template, reportgen, Jinja, docxtpl or Python never meets an old entry.  Without
the cache every worker of a collection and every ``render`` command would compile
the Word template's body again (≈ 0.15 s each).  Deleting the folder is always safe.

Where (the user's cache folder, as each system expects):

- ``REPORTGEN_CACHE_DIR`` when set (a web server points it at its data folder);
- Windows: ``%LOCALAPPDATA%\\reportgen\\Cache``;
- macOS: ``~/Library/Caches/reportgen``;
- elsewhere: ``$XDG_CACHE_HOME/reportgen``, else ``~/.cache/reportgen``.

The folder is the user's alone (made 0700; on POSIX a folder owned by someone else
is not used: entries are loaded with :mod:`marshal`, which trusts its input).  It
stays within :data:`MAX_BYTES` (``REPORTGEN_CACHE_MAX_MB`` changes it): after each
write the entries used longest ago are removed first.  ``REPORTGEN_CACHE=off`` (what
the global option ``--no-cache`` sets, so worker processes inherit it) turns the
cache off: nothing is read or written.

Every failure (a full or read-only disk, a damaged entry) only costs the work again:
nothing here raises.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import time
from pathlib import Path

from reportgen.core.limits import MB

MAX_BYTES = 64 * MB  # a Word template's entries take ≈ 1 MB: room for dozens of template versions
OFF_VALUES = frozenset({"off", "0", "no", "false"})
_TMP_PREFIX = ".tmp-"
_SUFFIX = ".bin"


def cache_folder() -> Path | None:
    """Where the cache is (not made yet), or None when it is turned off or there is no home."""
    if os.environ.get("REPORTGEN_CACHE", "").strip().lower() in OFF_VALUES:
        return None
    chosen = os.environ.get("REPORTGEN_CACHE_DIR")
    if chosen:
        return Path(chosen)
    system = _system()
    if system == "windows":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "reportgen" / "Cache" if base else None
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):  # no home folder (a service account without one)
        return None
    if system == "macos":
        return home / "Library" / "Caches" / "reportgen"
    xdg = os.environ.get("XDG_CACHE_HOME")
    # XDG: a relative path is invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / "reportgen"


def _system() -> str:
    if os.name == "nt":
        return "windows"
    return "macos" if sys.platform == "darwin" else "other"


def _max_bytes() -> int:
    try:
        return max(0, int(float(os.environ["REPORTGEN_CACHE_MAX_MB"]) * MB))
    except (KeyError, ValueError):
        return MAX_BYTES


def user_cache() -> DiskCache | None:
    """The cache as the environment says now (it is looked up each time: the switches
    may change while a web server runs); None when off or unusable."""
    folder = cache_folder()
    if folder is None:
        return None
    return DiskCache.open(folder, _max_bytes())


class DiskCache:
    """A folder of entries (bytes) by key, owner-only, kept within ``max_bytes``."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes

    @classmethod
    def open(cls, directory: Path, max_bytes: int = MAX_BYTES) -> DiskCache | None:
        """The cache in ``directory``, made owner-only if needed; None when it cannot be
        (someone else's folder, a file in the way, no permission)."""
        directory = Path(directory)
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = os.stat(directory)
            if not stat.S_ISDIR(info.st_mode):
                return None
            if os.name != "nt":
                if info.st_uid != os.geteuid():  # another user could plant entries marshal would load
                    return None
                if stat.S_IMODE(info.st_mode) != 0o700:
                    os.chmod(directory, 0o700)
        except OSError:
            return None
        return cls(directory, max_bytes)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}{_SUFFIX}"

    def get(self, key: str) -> bytes | None:
        """The entry ``key``, or None; reading it marks it as used now (eviction goes by use)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
            os.utime(path)
        except OSError:
            return None
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` as ``key`` (whole or not at all), then keep the folder within its bound."""
        if len(data) > self.max_bytes:
            return
        tmp = self.directory / f"{_TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, self._path(key))
        except OSError:
            try:
                tmp.unlink()
            except OSError:
                pass
            return
        self.evict()

    def evict(self) -> list[Path]:
        """Remove the entries used longest ago until the rest fit within ``max_bytes``;
        returns what was removed.  Another process's half-written entry is left alone
        unless it is an hour old (that process died)."""
        entries = []
        try:
            with os.scandir(self.directory) as found:
                for entry in found:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if not stat.S_ISREG(info.st_mode):
                        continue
                    entries.append((info.st_mtime, info.st_size, Path(entry.path)))
        except OSError:
            return []
        total = sum(size for _, size, _ in entries)
        removed = []
        now = time.time()
        for mtime, size, path in sorted(entries, key=lambda e: e[0]):  # used longest ago first
            if path.name.startswith(_TMP_PREFIX):
                if now - mtime < 3600:
                    continue  # being written by another process
            elif total <= self.max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue  # another process removed it, or it is in use (Windows)
            total -= size
            removed.append(path)
        return removed

    def size(self) -> int:
        """The bytes the cache's entries take."""
        try:
            return sum(p.stat().st_size for p in self.directory.iterdir() if p.is_file())
        except OSError:
            return 0
