"""Numbers the text states about the tables must agree with the tables (提醒 only)."""

from __future__ import annotations

from typing import Iterator

from ..findings import Finding
from .base import CheckContext


def check_text_vs_tables(context: CheckContext) -> Iterator[Finding]:
    """Numbers in the text that contradict the tables."""
    yield from ()
