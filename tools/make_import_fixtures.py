"""Write the published-report fixtures of the import tests into tests/data/import/.

    python tools/make_import_fixtures.py

From sample_inputs/<case>.json (the real reports' data) it writes each report as
published: a saved CMS web page (Word-exported tables; pingtan in GBK) and a .docx
with Word tables, keeping each report's real faults (hongze 2023: the 表三 2019
layout, the label typo, table 4's totals).  Also a 2021 report in the 2019 layout,
one with a missing row, a changed label, a blank row and a missing part, and the
pingtan text as the archive kept it (cells run together).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from published import Variant, write_docx, write_page  # noqa: E402

from reportgen.formats.gov2021 import PART_5, T3_ROWS  # noqa: E402
from reportgen.data.model import ReportData  # noqa: E402

OUT = ROOT / "tests" / "data" / "import"
CASES = ROOT / "tests" / "data" / "cases"

# The faults hongze 2023 published (see tests/data/cases/README.md).
_D2 = T3_ROWS[5][1][-1]  # "2.其他法律行政法规禁止公开"
HONGZE = Variant(typos={_D2: _D2.replace("法规禁", "")}, t3_2019=True)
FAULTS = Variant(drop_rows=("regulations",), blank_rows=("unable_needs_creation",),
                 typos={T3_ROWS[11][1][-1]: T3_ROWS[11][1][-1].replace("查询", "咨询")}, drop_parts=(PART_5,))


def load(case: str) -> ReportData:
    return ReportData.from_json(json.loads((ROOT / "sample_inputs" / f"{case}.json").read_text(encoding="utf-8")))


def verbatim(case: str) -> str:
    text = (CASES / f"{case}.txt").read_text(encoding="utf-8")
    return text.split("BEGIN VERBATIM", 1)[1].split("\n", 1)[1].split("==================== END VERBATIM", 1)[0]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    pingtan, hongze = load("pingtan-2021"), load("hongze-2023")
    write_page(pingtan, OUT / "pingtan-2021.html", charset="gbk")
    write_docx(pingtan, OUT / "pingtan-2021.docx")
    write_page(hongze, OUT / "hongze-2023.html", HONGZE)
    write_docx(hongze, OUT / "hongze-2023.docx", HONGZE)
    write_page(pingtan, OUT / "layout-2019.html", Variant(t2_2019=True, t3_2019=True))
    write_docx(pingtan, OUT / "faults.docx", FAULTS)
    (OUT / "pingtan-2021.txt").write_text(verbatim("pingtan-2021"), encoding="utf-8")
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT), path.stat().st_size)


if __name__ == "__main__":
    main()
