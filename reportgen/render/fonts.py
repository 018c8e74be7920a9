"""Fonts for the PDF: the official faces when installed, else the closest free face.

GB/T 9704 asks for four faces: 小标宋 (title), 仿宋 (body), 黑体 (一级标题), 楷体
(二级标题).  They are commercial fonts that a Linux server rarely has; LibreOffice
then falls back to one sans-serif face for everything and the headings look like
body text.  Before LibreOffice sees the report, reportgen rewrites each missing
official font name in the copy it converts into the closest installed free face
(adding bold where the substitute needs it to stand apart), so the four roles stay
distinct, and says which substitutes it used.

Licensed fonts in a folder (``render --fonts DIR`` or the ``REPORTGEN_FONTS``
environment variable, several folders separated by the path separator) are handed
to LibreOffice through its private profile (``user/fonts``), so a server without
them installed system-wide still prints the exact faces.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

FONTS_ENV = "REPORTGEN_FONTS"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class FontRole:
    """One of the official faces, the names a template may give it, and free faces
    that can stand in for it, best first: (family, needs bold)."""

    role: str
    names: tuple[str, ...]
    substitutes: tuple[tuple[str, bool], ...]


ROLES = (
    FontRole("标题", ("方正小标宋简体", "方正小标宋_GBK", "小标宋", "FZXiaoBiaoSong-B05S"),
             (("Noto Serif CJK SC", True), ("Source Han Serif SC", True), ("Source Han Serif CN", True),
              ("思源宋体", True), ("华文中宋", False), ("STZhongsong", False), ("宋体", True), ("SimSun", True),
              ("AR PL UMing CN", True))),
    FontRole("正文", ("仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312"),
             (("仿宋", False), ("FangSong", False), ("STFangsong", False), ("华文仿宋", False),
              ("Noto Serif CJK SC", False), ("Source Han Serif SC", False), ("Source Han Serif CN", False),
              ("宋体", False), ("SimSun", False), ("AR PL UMing CN", False))),
    FontRole("一级标题", ("黑体", "SimHei"),
             (("SimHei", False), ("Noto Sans CJK SC", True), ("Source Han Sans SC", True),
              ("Source Han Sans CN", True), ("Microsoft YaHei", True), ("WenQuanYi Zen Hei", True),
              ("WenQuanYi Micro Hei", True))),
    FontRole("二级标题", ("楷体_GB2312", "楷体", "KaiTi", "KaiTi_GB2312"),
             (("楷体", False), ("KaiTi", False), ("STKaiti", False), ("华文楷体", False), ("LXGW WenKai", False),
              ("AR PL KaitiM GB", False), ("AR PL UKai CN", False))),
    FontRole("页码", ("宋体", "SimSun"),
             (("SimSun", False), ("Noto Serif CJK SC", False), ("Source Han Serif SC", False),
              ("AR PL UMing CN", False))),
)


@dataclass(frozen=True)
class Substitute:
    official: str
    role: str
    family: str
    bold: bool

    def __str__(self) -> str:
        return f"{self.official}（{self.role}）→ {self.family}{'（加粗）' if self.bold else ''}"


def font_dirs(extra: tuple[Path, ...] | list[Path] = ()) -> list[Path]:
    """Folders of licensed fonts: the ones given, then those in REPORTGEN_FONTS."""
    dirs = [Path(d) for d in extra]
    dirs += [Path(d) for d in os.environ.get(FONTS_ENV, "").split(os.pathsep) if d.strip()]
    return list(dict.fromkeys(dirs))


def font_files(dirs: list[Path]) -> list[Path]:
    """The font files in the folders (and their subfolders)."""
    files = []
    for folder in dirs:
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES and p.is_file())
    return files


def families_in(files: list[Path]) -> set[str]:
    """Family names (every language) of font files: fc-scan where fontconfig is, else fontTools."""
    names: set[str] = set()
    scan = shutil.which("fc-scan")
    for path in files:
        if scan:
            out = subprocess.run([scan, "--format", "%{family}\n", str(path)], capture_output=True, text=True,
                                 encoding="utf-8", errors="replace", check=False).stdout
            names |= {n.strip() for line in out.splitlines() for n in line.split(",") if n.strip()}
        else:
            names |= _families_with_fonttools(path)
    return names


def _families_with_fonttools(path: Path) -> set[str]:
    try:
        from fontTools.ttLib import TTCollection, TTFont
    except ImportError:  # without fontTools a folder's fonts are used but not named
        return set()
    try:
        fonts = TTCollection(str(path), lazy=True).fonts if path.suffix.lower() in (".ttc", ".otc") \
            else [TTFont(str(path), lazy=True)]
    except Exception:  # a damaged file: LibreOffice will ignore it too
        return set()
    names = set()
    for font in fonts:
        for record in font["name"].names:
            if record.nameID in (1, 16):
                try:
                    names.add(record.toUnicode().strip())
                except UnicodeDecodeError:
                    continue
    return names


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Font families installed on this computer, as LibreOffice will see them."""
    listing = shutil.which("fc-list")
    if listing:
        out = subprocess.run([listing, ":", "family"], capture_output=True, text=True, encoding="utf-8",
                             errors="replace", check=False).stdout
        return frozenset(n.strip() for line in out.splitlines() for n in line.split(",") if n.strip())
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        local = Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"
        return frozenset(families_in(font_files([windir, local])))
    return frozenset()


def fonts_used(docx: Path) -> set[str]:
    """Every font name the document's styles and text ask for."""
    used: set[str] = set()
    with zipfile.ZipFile(docx) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"word/(document|styles|header\d*|footer\d*)\.xml", name):
                for fonts in etree.fromstring(archive.read(name)).iter(f"{W}rFonts"):
                    used |= {v for k, v in fonts.attrib.items() if not k.endswith(("Theme", "theme", "hint"))}
    return used


def plan_substitutes(used: set[str], available: set[str] | frozenset[str]) -> list[Substitute]:
    """For each official font the document uses and the computer lacks, the best
    installed stand-in for its role."""
    plan = []
    for role in ROLES:
        for official in role.names:
            if official not in used or official in available:
                continue
            for family, bold in role.substitutes:
                if family in available and family != official:
                    plan.append(Substitute(official, role.role, family, bold))
                    break
    return plan


def rewrite_fonts(source: Path, target: Path, plan: list[Substitute]) -> None:
    """A copy of ``source`` with each planned font name replaced (and bold added where
    the substitute needs it), for LibreOffice; the user's .docx is never changed."""
    by_name = {s.official: s for s in plan}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if by_name and re.fullmatch(r"word/(document|styles|header\d*|footer\d*)\.xml", item.filename):
                tree = etree.fromstring(data)
                changed = False
                for fonts in tree.iter(f"{W}rFonts"):
                    bold = False
                    for key, value in list(fonts.attrib.items()):
                        if value in by_name:
                            fonts.set(key, by_name[value].family)
                            bold |= by_name[value].bold
                            changed = True
                    rpr = fonts.getparent()
                    if bold and rpr.find(f"{W}b") is None:
                        at = list(rpr).index(fonts)
                        for offset, tag in enumerate(("b", "bCs"), 1):  # schema order: rFonts, b, bCs
                            rpr.insert(at + offset, etree.Element(f"{W}{tag}"))
                if changed:
                    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)
            out.writestr(item, data)
