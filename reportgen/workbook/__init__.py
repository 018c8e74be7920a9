"""The standard workbook: writing it (:mod:`.writer`), reading it (:mod:`.reader`)
and marking findings on a copy (:mod:`.annotate`).  Where things sit is in :mod:`.layout`."""

from .annotate import annotate_workbook
from .reader import ReadResult, read_workbook
from .writer import write_workbook

__all__ = ["ReadResult", "annotate_workbook", "read_workbook", "write_workbook"]
