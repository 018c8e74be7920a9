"""Commands for offices that send out, collect and sum workbooks (``aggregate``, ``distribute``)."""

from __future__ import annotations

from .base import main  # noqa: F401
