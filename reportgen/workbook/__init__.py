"""The standard workbook: writing it (:mod:`.writer`), reading it (:mod:`.reader`)
and marking findings on a copy (:mod:`.annotate`).  Where things sit is in :mod:`.layout`."""

from .annotate import annotate_workbook
from .fix import Change, fix_workbook
from .reader import ReadResult, read_workbook
from .writer import write_workbook

__all__ = ["Change", "ReadResult", "annotate_workbook", "fix_workbook", "read_workbook", "write_workbook"]
