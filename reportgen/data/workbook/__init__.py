"""The standard workbook: writing it (:mod:`.writer`), reading it (:mod:`.reader`)
and marking findings on a copy (:mod:`.annotate`).  Where things sit is in :mod:`.layout`.

The names below are imported on first use: reading and checking a workbook must not
pull in openpyxl, which only writing and annotating need."""

from __future__ import annotations

from reportgen.core.lazy import lazy_exports
from typing import TYPE_CHECKING

_LAZY = {
    "annotate_workbook": "reportgen.data.workbook.annotate",
    "Change": "reportgen.data.workbook.fix",
    "fix_workbook": "reportgen.data.workbook.fix",
    "ReadResult": "reportgen.data.workbook.reader",
    "read_workbook": "reportgen.data.workbook.reader",
    "write_workbook": "reportgen.data.workbook.writer",
}

if TYPE_CHECKING:  # for editors and type checkers
    from reportgen.data.workbook.annotate import annotate_workbook
    from reportgen.data.workbook.fix import Change, fix_workbook
    from reportgen.data.workbook.reader import ReadResult, read_workbook
    from reportgen.data.workbook.writer import write_workbook


__getattr__ = lazy_exports(__name__, _LAZY, globals())


__all__ = ["Change", "ReadResult", "annotate_workbook", "fix_workbook", "read_workbook", "write_workbook"]
