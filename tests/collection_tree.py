"""Collections of workbooks for the tests: hundreds of real standard workbooks made fast.

One workbook is written by ``write_workbook``; the others are byte-level copies with
the agency name replaced in the sheet XML (what a spreadsheet program would save
after retyping the name), so a tree of 100+ takes a second, not a minute."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import SEED, edit, sample_json, workbook_from

PLACEHOLDER = "占位机关名称甲乙丙"


def base_workbook(folder: Path, year: int = 2023) -> Path:
    """The seed sample's data under a placeholder agency name, as a standard workbook."""
    obj = sample_json(SEED)
    obj["info"]["agency"] = PLACEHOLDER
    obj["info"]["year"] = year
    folder.mkdir(parents=True, exist_ok=True)
    return workbook_from(obj, folder / f"_base-{year}.xlsx")


def clone(base: Path, target: Path, agency: str) -> Path:
    """A copy of ``base`` for another agency."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/"):  # plain or as character references (inline strings)
                data = data.replace(PLACEHOLDER.encode(), agency.encode())
                data = data.replace(_char_refs(PLACEHOLDER), _char_refs(agency))
            out.writestr(item, data)
    return target


def _char_refs(text: str) -> bytes:
    return "".join(c if c.isascii() else f"&#{ord(c)};" for c in text).encode()


def agency_name(i: int) -> str:
    return f"示范市第{i:03d}局"


def build_tree(root: Path, good: int = 100) -> dict:
    """收回的工作簿/ with ``good`` good workbooks (8 of them in 乡镇/), 3 faulty ones, the same
    agency twice, one of 2022, an .xls, an .ods, a note, and an Excel lock file.
    Returns what a user expects to see."""
    base = base_workbook(root / "_base")
    folder = root / "收回的工作簿"
    paths = []
    for i in range(good):
        sub = folder / "乡镇" if i >= good - 8 else folder
        paths.append(clone(base, sub / f"{agency_name(i)}.xlsx", agency_name(i)))
    faulty = []
    for i in range(good, good + 3):
        path = clone(base, folder / f"{agency_name(i)}.xlsx", agency_name(i))
        edit(path, {("表三", "D11"): "12件"})
        faulty.append(path)
    duplicate = clone(base, folder / "乡镇" / "重复交的.xlsx", agency_name(0))
    other_year = clone(base, folder / f"{agency_name(good + 3)}.xlsx", agency_name(good + 3))
    edit(other_year, {("基本信息", "B5"): 2022})
    (folder / "旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    (folder / "乡镇" / "某镇.ods").write_bytes(b"PK ods")
    (folder / "说明.docx").write_bytes(b"PK docx")
    (folder / f"~${agency_name(1)}.xlsx").write_bytes(b"lock")
    return {"folder": folder, "good": paths, "faulty": faulty, "duplicate": duplicate,
            "other_year": other_year}
