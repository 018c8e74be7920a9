"""The standard workbook: writing it (:mod:`.writer`), reading it (:mod:`.reader`)
and marking findings on a copy (:mod:`.annotate`).  Where things sit is in :mod:`.layout`.

The names below are imported on first use: reading and checking a workbook must not
pull in openpyxl, which only writing and annotating need."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_LAZY = {
    "annotate_workbook": ".annotate",
    "Change": ".fix",
    "fix_workbook": ".fix",
    "ReadResult": ".reader",
    "read_workbook": ".reader",
    "write_workbook": ".writer",
}

if TYPE_CHECKING:  # for editors and type checkers
    from .annotate import annotate_workbook
    from .fix import Change, fix_workbook
    from .reader import ReadResult, read_workbook
    from .writer import write_workbook


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Change", "ReadResult", "annotate_workbook", "fix_workbook", "read_workbook", "write_workbook"]
