"""Finding the files a collection command names: files, folders (recursively) and globs,
every file accounted for (usable workbooks, files to re-save, stray files, ignored lock files)."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from reportgen.collection.status import NOT_WORKBOOK, NOT_XLSX
from reportgen.data.workbook.package import OTHER_FORMATS, resave_message

WORKBOOK_SUFFIXES = (".xlsx",)
# Spreadsheet files a clerk may send that reportgen cannot read: they must be re-saved.
RESAVE_SUFFIXES = tuple(OTHER_FORMATS)  # .xls, .ods, .et …: to be saved as .xlsx
GLOB_CHARS = ("*", "?", "[")


# --------------------------------------------------------------------------- finding files
@dataclass
class Collected:
    """Every file the inputs named, accounted for."""

    workbooks: list[Path] = field(default_factory=list)  # to be read, in a deterministic order
    rejected: list[tuple[Path, str, str]] = field(default_factory=list)  # (path, status, reason)
    ignored: int = 0  # Excel's ~$ lock files and hidden files
    missing: list[str] = field(default_factory=list)  # inputs that name nothing

    @property
    def total(self) -> int:
        return len(self.workbooks) + len(self.rejected)


def collect(inputs: Iterable[str | Path], suffixes: Sequence[str] = WORKBOOK_SUFFIXES) -> Collected:
    """Expand files, folders (recursively) and globs (``*.xlsx``, expanded here so that
    Windows cmd works) into the files they name.

    A file with one of ``suffixes`` is a workbook to read; ``.xls``/``.ods``/``.et``…
    are listed as needing re-saving, other files as not workbooks; ``~$`` lock files
    and hidden files are counted and left out.  A file named twice counts once.
    Folders are walked in sorted order, so the result never depends on the disk.
    """
    found = Collected()
    seen: set[str] = set()
    suffixes = tuple(s.lower() for s in suffixes)

    def add(path: Path, explicit: bool) -> None:
        key = os.path.normcase(os.path.abspath(path))
        if key in seen:
            return
        seen.add(key)
        name = path.name
        if name.startswith("~$") or (name.startswith(".") and not explicit):
            found.ignored += 1
            return
        suffix = path.suffix.lower()
        if suffix in suffixes:
            found.workbooks.append(path)
        elif suffix in RESAVE_SUFFIXES:
            found.rejected.append((path, NOT_XLSX, resave_message(name, suffix)))
        else:
            found.rejected.append((path, NOT_WORKBOOK, "不是工作簿"))

    for raw in inputs:
        text = str(raw)
        path = Path(text)
        if path.is_dir():
            for child in _walk(path):
                add(child, explicit=False)
        elif path.is_file():
            add(path, explicit=True)
        elif any(ch in text for ch in GLOB_CHARS):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                found.missing.append(text)
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    for child in _walk(match_path):
                        add(child, explicit=False)
                elif match_path.is_file():
                    add(match_path, explicit=False)
        else:
            found.missing.append(text)
    return found


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder``, sorted by their path relative to it; hidden folders skipped."""
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files += [Path(root) / n for n in names]
    return sorted(files, key=lambda p: p.relative_to(folder).parts)
