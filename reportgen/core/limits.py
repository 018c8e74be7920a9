"""Limits on what reportgen reads, renders and writes, as data.

Every input may come from anyone (a collection of hundreds of senders, a template
from elsewhere, an upload).  Each reader and renderer checks its input against
these numbers before it spends memory or time on it, and refuses with a
plain-Chinese sentence that names the file and what was too large.  Docs list them.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # A workbook or Word template: the zip as a whole and each member inflated.
    max_file_bytes: int = 50 * MB
    max_members: int = 1000  # parts in one package (a workbook from Excel has about 20)
    max_member_bytes: int = 100 * MB  # one XML part, inflated
    max_total_bytes: int = 300 * MB  # all parts, inflated
    max_ratio: int = 200  # inflated : compressed, per member (real sheets stay under 100)
    # Numbers typed in cells.
    max_count: int = 10**12 - 1  # a count is an int below 10^12
    max_number_chars: int = 40  # digits, sign, point and exponent of a number typed as text
    max_exponent: int = 20  # |e| of a number typed as 1.5e3: larger is refused before any arithmetic
    max_fee_decimals: int = 6  # the 万元 amount: real reports carry 0 to 6 decimals
    # Text.
    max_cell_chars: int = 32767  # Excel's own limit for one cell
    max_report_chars: int = 2_000_000  # all text parts of one report
    # Templates.
    max_loop_iterations: int = 100_000  # a range() in a template
    max_render_iterations: int = 1_000_000  # all loop iterations of one render, nested and included ones too
    max_output_bytes: int = 50 * MB  # what one template render may produce (counted in characters)
    max_render_seconds: int = 60  # one template render
    max_file_seconds: int = 180  # one file in a collection's worker process (read, check, render)


LIMITS = Limits()
