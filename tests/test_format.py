"""The one definition of the format matches the notice, and the docs generated from it."""

from __future__ import annotations

import re
from pathlib import Path

from reportgen.authoring.docs import GENERATED
from reportgen.formats import DEFAULT_FORMAT as FMT

NOTICE = (Path(__file__).parent / "data" / "notice-2021-30-template.txt").read_text(encoding="utf-8")


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_every_label_appears_in_the_notice_in_reading_order():
    """Part headings and every table label, read row by row, occur in the notice's template in order."""
    notice = _squash(NOTICE)
    labels = []
    for part in FMT.parts:
        if part.heading:
            labels.append(part.heading)
        if part.table:
            for row in FMT.table(part.table).rows():
                labels += [c.text for c in row if c.kind != "value"]
    position = 0
    for label in labels:
        found = notice.find(_squash(label), position)
        assert found >= 0, f"label not found in order in the notice: {label}"
        position = found  # labels such as 结果维持 repeat, so allow the same spot again


def test_table_3_has_the_25_rows_and_7_columns_of_the_2021_format():
    t3 = [f for f in FMT.fields if f.table == "t3"]
    assert len(t3) == 25 * 7
    assert FMT.field("t3.new_received.natural_person").cell == "D7"
    assert FMT.field("t3.results_total.total").cell == "J30"
    other = [f.row_label for f in t3 if f.key.startswith("t3.other_") and f.key.endswith(".total")]
    assert other == [
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理 3.其他",
    ]


def test_merged_label_cells_span_their_groups():
    cells = {c.text: c for c in FMT.table("t3").cells if c.kind != "value"}
    assert (cells["三、本年度办理结果"].rowspan, cells["三、本年度办理结果"].colspan) == (22, 1)
    assert cells["（三）不予公开"].rowspan == 8
    assert cells["（四）无法提供"].rowspan == 3
    assert cells["（五）不予处理"].rowspan == 5
    assert cells["（六）其他处理"].rowspan == 3
    assert cells["（一）予以公开"].colspan == 2
    assert cells["一、本年新收政府信息公开申请数量"].colspan == 3
    corner = cells["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]
    assert (corner.rowspan, corner.colspan) == (3, 3)
    t2 = {c.key: c for c in FMT.table("t2").cells if c.kind == "value"}
    assert t2["t2.licensing.decisions"].colspan == 3 and t2["t2.regulations.issued"].colspan == 1


def test_grid_cells_tile_each_table_exactly_once():
    for table in FMT.tables:
        covered = {}
        for cell in table.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    assert (r, c) not in covered, f"{table.number}: ({r},{c}) covered twice"
                    covered[(r, c)] = cell
        assert len(covered) == table.nrows * table.ncols, f"{table.number} has holes"


def test_every_total_has_exactly_one_defining_sum():
    totals = [f.key for f in FMT.fields if f.is_total]
    defined = [r.total for r in FMT.sum_rules]
    assert sorted(totals) == sorted(defined)
    assert len(defined) == len(set(defined))


def test_keys_are_unique_and_documented(tmp_path):
    keys = [f.key for f in FMT.fields]
    assert len(keys) == len(set(keys))
    docs = Path(__file__).parents[1] / "docs"
    for name, make in GENERATED.items():
        committed = (docs / name).read_text(encoding="utf-8")
        assert committed == make(), f"docs/{name} is stale: run `reportgen docs`"
    keys_md = (docs / "keys.md").read_text(encoding="utf-8")
    assert all(f"`{k}`" in keys_md for k in keys)
