"""Commands for published reports: ``import`` one into a standard workbook, ``audit`` many."""

from __future__ import annotations

from .base import main  # noqa: F401
