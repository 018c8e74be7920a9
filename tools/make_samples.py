"""Rebuild sample_inputs/ from the real published reports in tests/data/cases (copied from the project's shared cases).

    python tools/make_samples.py [--cases tests/data/cases]

For each case it writes ``sample_inputs/<case>.json`` (the report data, in the keys
of docs/keys.md) and ``sample_inputs/<case>.xlsx`` (the standard workbook filled
from it, via the same code as ``reportgen new-workbook --from``).  Texts are taken
verbatim from the published reports; table values from cases/tables.json.

The seed (xiangxiang-kjgxj-2023) is filled as the clerk should have filled it:
0 where the published page left a cell blank.  The other cases keep their real
faults (hongze-2023's typed table-4 totals of 0).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.formats.gov2021 import FORMAT, T3_COLUMNS, T3_ROWS, T4_COLUMNS, T4_GROUPS  # noqa: E402
from reportgen.data.model import ReportData  # noqa: E402
from reportgen.data.workbook import write_workbook  # noqa: E402

CASES = {
    "xiangxiang-kjgxj-2023": {"agency": "湘乡市科技和工业信息化局", "year": 2023, "website": "http://www.xxs.gov.cn/",
                              "publication_date": None, "blank_as_zero": True},
    "pingtan-2021": {"agency": "平潭综合实验区", "year": 2021, "website": "www.pingtan.gov.cn",
                     "publication_date": "2022-02-08", "blank_as_zero": False},
    "hongze-2023": {"agency": "洪泽区人民政府", "year": 2023, "website": None,
                    "publication_date": None, "blank_as_zero": False},
}
HEADINGS = [p.heading for p in FORMAT.parts if p.heading]
RUN_IN = re.compile(r"（[一二三四五六七八九十]+）")


def paragraphs(text: str) -> list[dict]:
    """Split text into paragraphs at line breaks and at run-in sub-headings （一）…;
    a sub-heading runs to its first 。：: (or stands alone)."""
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        starts = [m.start() for m in RUN_IN.finditer(line)]
        # Only a （n） that starts a sentence opens a paragraph, not one inside it.
        starts = [s for s in starts if s == 0 or line[s - 1] in "。：:；; "]
        cuts = [0] + starts + [len(line)]
        for a, b in zip(cuts, cuts[1:]):
            chunk = line[a:b].strip()
            if not chunk:
                continue
            heading = ""
            if chunk.startswith("（"):
                m = re.match(r"（[一二三四五六七八九十]+）[^。：:，,]{1,16}[。：:]?", chunk)
                heading = m.group(0)
            out.append({"heading": heading, "text": chunk[len(heading):].strip()})
    return out


def split_parts(body: str) -> dict[str, str]:
    """The text of each part by section key, from a report body that holds the headings."""
    found = {}
    positions = [(body.index(h), h) for h in HEADINGS]
    positions.sort()
    found["preamble"] = body[: positions[0][0]]
    for (start, heading), nxt in zip(positions, positions[1:] + [(len(body), "")]):
        found[heading] = body[start + len(heading): nxt[0]]
    sections = {p.heading: p.text for p in FORMAT.parts if p.text}
    return {"preamble": found["preamble"], **{sections[h]: found[h] for h in sections if h}}


def verbatim(text: str) -> str:
    return text.split("BEGIN VERBATIM", 1)[1].split("\n", 1)[1].split("==================== END VERBATIM", 1)[0]


def text_of(case: str, source: str) -> dict[str, str]:
    if case == "xiangxiang-kjgxj-2023":
        body = source.split("\n", 1)[1]  # drop the web page's short title line
        parts = split_parts(body)
        parts["other_matters"] = parts["other_matters"]
        return parts
    if case == "pingtan-2021":
        body = verbatim(source).split("-->", 1)[1].replace(" 附件下载", "")
        return split_parts(body.strip())
    # hongze: pdftotext -layout; a paragraph starts on an indented line.
    # A form feed (\f) starts each new PDF page; it is not an indent.
    page = verbatim(source).replace("\f", "")
    lines = [ln for ln in page.split("\n") if not re.fullmatch(r"\s*-\d+-\s*", ln)]
    joined = []
    for ln in lines:
        if not ln.strip():
            continue
        if ln[:1].isspace() or not joined:
            joined.append(ln.strip())
        else:
            joined[-1] += ln.strip()
    text = "\n".join(joined)
    # pdftotext puts spaces between CJK and digits that the document does not have.
    text = re.sub(r"(?<=[^\x00-\x7f]) +| +(?=[^\x00-\x7f])", "", text)
    text = text.split("\n", 2)[2]  # drop the two title lines
    return split_parts(text)


def values_of(tables: dict, blank_as_zero: bool) -> dict:
    def v(x):
        return 0 if x is None and blank_as_zero else x

    t2 = {
        "regulations": dict(zip(("issued", "repealed", "in_force"), map(v, tables["t2"]["reg"]))),
        "normative_documents": dict(zip(("issued", "repealed", "in_force"), map(v, tables["t2"]["norm"]))),
        "licensing": {"decisions": v(tables["t2"]["licensing"])},
        "penalty": {"decisions": v(tables["t2"]["penalty"])},
        "coercion": {"decisions": v(tables["t2"]["coercion"])},
        "fees": {"amount": tables["t2"]["fee"]},
    }
    rows = list(tables["t3"].values())
    t3 = {key: {col: v(x) for (col, _), x in zip(T3_COLUMNS, row)} for (key, _), row in zip(T3_ROWS, rows)}
    t4 = {g: {c: v(x) for (c, _), x in zip(T4_COLUMNS, row)} for (g, _), row in zip(T4_GROUPS, tables["t4"])}
    return {"t2": t2, "t3": t3, "t4": t4}


def build(case: str, cases_dir: Path) -> dict:
    meta = CASES[case]
    tables = json.loads((cases_dir / "tables.json").read_text(encoding="utf-8"))[case]
    texts = text_of(case, (cases_dir / f"{case}.txt").read_text(encoding="utf-8"))
    return {
        "format": FORMAT.id,
        "info": {"agency": meta["agency"], "year": meta["year"], "website": meta["website"] or "",
                 "contact": "", "publication_date": meta["publication_date"] or ""},
        "text": {key: paragraphs(value) for key, value in texts.items()},
        **values_of(tables, meta["blank_as_zero"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "tests" / "data" / "cases")
    parser.add_argument("--out", type=Path, default=ROOT / "sample_inputs")
    args = parser.parse_args()
    args.out.mkdir(exist_ok=True)
    for case in CASES:
        obj = build(case, args.cases)
        data = ReportData.from_json(obj)  # validates against the format
        (args.out / f"{case}.json").write_text(data.dumps() + "\n", encoding="utf-8")
        write_workbook(args.out / f"{case}.xlsx", data)
        print(f"wrote {args.out / case}.json and .xlsx")


if __name__ == "__main__":
    main()
