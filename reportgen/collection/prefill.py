"""A standard workbook with some numbers already in it, for ``aggregate`` (the sums)
and ``distribute`` (last year's 结转).

The workbook is the one ``new-workbook`` writes (totals as formulas, starter rows
for the text, validation, protection); the given numbers go into their cells as
values through :func:`safety.write_cell`, and ``extra`` may add sheets (明细, 上年文字)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from reportgen.core.fileio import atomic_path
from reportgen.formats import DEFAULT_FORMAT
from reportgen.core.safety import write_cell
from reportgen.formats.spec import ReportFormat


def prefilled_workbook(target: Path, values: Mapping[str, Any], *, agency: str, year: int | None,
                       fmt: ReportFormat = DEFAULT_FORMAT, extra: Callable[[Any], None] | None = None) -> Path:
    """Write ``target`` (whole or not at all): the standard workbook for ``agency`` and
    ``year`` with ``values`` ({key: number}) filled in; totals stay formulas."""
    import warnings

    from openpyxl import load_workbook

    from reportgen.data.workbook import write_workbook

    with atomic_path(Path(target)) as tmp:
        write_workbook(tmp, None, fmt=fmt, year=year, agency=agency)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(tmp)
        for key, value in values.items():
            field = fmt.field(key)
            if field.is_total or value is None:
                continue  # the workbook computes totals; an unknown value stays for the clerk
            write_cell(wb[field.sheet][field.cell], value)
        if extra is not None:
            extra(wb)
        wb.save(tmp)
    return Path(target)
