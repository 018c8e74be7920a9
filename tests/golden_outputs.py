"""The rendered reports' text and table cells for the bundled samples, as a golden file.

    python tests/golden_outputs.py      # rewrite tests/data/golden-outputs.json

The golden file was written from the renderer as it was before issue 9 (speed)
changed reading and Word rendering; tests/test_speed_equivalence.py compares the
current output with it.  Regenerate it only when a template or the format changes
on purpose, and say so in the commit.
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "data" / "golden-outputs.json"
CASES = ("xiangxiang-kjgxj-2023", "pingtan-2021", "hongze-2023")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_outline(path: Path) -> dict:
    """Every paragraph's text in order, and every table as rows of cell texts."""
    from lxml import etree

    from reportgen.render.docx import paragraph_text

    with zipfile.ZipFile(path) as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    tables = [[["\n".join(paragraph_text(p) for p in tc.iter(f"{W}p")) for tc in tr.iter(f"{W}tc")]
               for tr in tbl.iter(f"{W}tr")] for tbl in body.iter(f"{W}tbl")]
    return {"paragraphs": [paragraph_text(p) for p in body.iter(f"{W}p")], "tables": tables}


class _HtmlOutline(HTMLParser):
    """The HTML's text chunks in order, and its tables as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        if data.strip():
            self.text.append(data.strip())
        if self._cell is not None:
            self._cell.append(data)


def html_outline(path: Path) -> dict:
    parser = _HtmlOutline()
    parser.feed(path.read_text(encoding="utf-8"))
    return {"text": parser.text, "tables": parser.tables}


def outputs(name: str, out_dir: Path) -> dict:
    """Render sample ``name`` to Word and HTML in ``out_dir``; their outlines."""
    from reportgen import read_workbook
    from reportgen.render import render_report

    data = read_workbook(ROOT / "sample_inputs" / f"{name}.xlsx").data
    docx, html = render_report(data, out_dir, ["docx", "html"])
    return {"docx": docx_outline(docx), "html": html_outline(html)}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        golden = {name: outputs(name, Path(tmp) / name) for name in CASES}
    GOLDEN.write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
