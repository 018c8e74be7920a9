"""The raw cells of an .xlsx file: the layer under :mod:`.reader`.

:func:`read_cells` gives every sheet's cells twice: as typed (formulas as
``"=SUM(…)"``) and as the spreadsheet program last computed them (its stored
results).  It refuses, with one plain-Chinese sentence, files that are not a
readable .xlsx workbook.  The file is only ever opened for reading.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import UnusableInput
from ..fileio import os_error_message, require_regular_file

Cells = dict[str, dict[tuple[int, int], Any]]  # {sheet: {(row, col): value}}, 1-based


def read_cells(path: Path) -> tuple[Cells, Cells]:
    """(formulas, cached) for every sheet of the workbook at ``path``."""
    return _open(Path(path))


def _open(path: Path):
    if not path.exists():
        raise UnusableInput(f"找不到文件：{path}")
    if path.is_dir():
        raise UnusableInput(f"{path} 是一个文件夹，不是工作簿。")
    try:
        require_regular_file(path, "工作簿")  # a named pipe would make the read below wait forever
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnusableInput(os_error_message(exc, path)) from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: an encrypted .xlsx or an old .xls
        if _is_encrypted(path):
            raise UnusableInput(f"{path.name} 设置了打开密码。请在 Excel/WPS 中取消密码后另存为 .xlsx 再检查。")
        raise UnusableInput(f"{path.name} 是旧版 .xls 格式。请用 Excel/WPS 打开后“另存为” .xlsx 格式。")
    if not zipfile.is_zipfile(path):
        raise UnusableInput(f"{path.name} 不是 Excel 工作簿（.xlsx）。请确认选对了文件。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions etc.
            formulas = load_workbook(path, read_only=True, data_only=False)
            cached = load_workbook(path, read_only=True, data_only=True)
            return _grid(formulas), _grid(cached)
    except UnusableInput:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise UnusableInput(f"{path.name} 已损坏或不是有效的 .xlsx 工作簿，无法读取。") from None
    except Exception:  # openpyxl raises many kinds on damaged files; the clerk needs one sentence
        raise UnusableInput(f"{path.name} 无法读取，可能已损坏。请用 Excel/WPS 打开后重新保存再试。") from None


def _is_encrypted(path: Path) -> bool:
    # An encrypted OOXML file is an OLE container with an "EncryptedPackage" stream;
    # its directory stores names in UTF-16LE.
    try:
        return "EncryptedPackage".encode("utf-16-le") in path.read_bytes()[:1 << 20]
    except OSError:
        return False


def _grid(wb) -> dict[str, dict[tuple[int, int], Any]]:
    """Every non-empty cell of every sheet, as {sheet: {(row, col): value}}; closes the file."""
    sheets: dict[str, dict[tuple[int, int], Any]] = {}
    try:
        for ws in wb.worksheets:
            cells: dict[tuple[int, int], Any] = {}
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        cells[(r, c)] = value
            sheets[ws.title] = cells
    finally:
        wb.close()
    return sheets
