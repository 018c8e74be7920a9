"""Commands that help a clerk finish a workbook in one round (``fix``, ``draft``)."""

from __future__ import annotations

from .base import main  # noqa: F401
