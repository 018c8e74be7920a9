"""``reportgen audit PAGE --against WORKBOOK``: what went online against what the office accepted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, run_reportgen


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """The reports rendered from the accepted workbooks, as an agency would publish them."""
    out = tmp_path_factory.mktemp("pages")
    for name in ("pingtan-2021", "xiangxiang-kjgxj-2023"):
        result = run_reportgen("render", SAMPLES / f"{name}.xlsx", "--format", "html", "-o", out)
        assert result.returncode in (0, 1), result.stderr
    return out


def _page(pages: Path, agency: str) -> Path:
    return next(p for p in pages.glob("*.html") if p.name.startswith(agency))


def test_a_rendered_report_matches_its_workbook(pages):
    result = run_reportgen("audit", _page(pages, "平潭"), "--against", SAMPLES / "pingtan-2021.xlsx", "--json")
    report = json.loads(result.stdout)["reports"][0]
    assert [f["code"] for f in report["findings"] if f["code"].startswith("against-")] == []


def test_one_number_and_one_sentence_changed_are_exactly_the_differences(pages, tmp_path):
    page = _page(pages, "平潭").read_text(encoding="utf-8")
    assert page.count(">2293<") == 1 and page.count("本年度全区共收到70件申请") == 1
    changed = tmp_path / "平潭.html"
    changed.write_text(page.replace(">2293<", ">2239<").replace("本年度全区共收到70件申请", "本年度全区共收到69件申请"),
                       encoding="utf-8")
    result = run_reportgen("audit", changed, "--against", SAMPLES / "pingtan-2021.xlsx", "--json")
    assert result.returncode == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["reports"][0]["findings"] if f["code"].startswith("against-")]
    assert [(f["code"], f["location"]["sheet"], f["location"]["cell"], f["value"], f["expected"]) for f in found] == [
        ("against-cell", "表二", "B10", "2239", "2293"),
        ("against-text", "文字部分", "", "本年度全区共收到69件申请，及时依法依规办结69件，1件结转下年度继续办理。",
         "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。")]


def test_a_folder_of_pages_against_a_folder_of_workbooks_by_agency(pages, tmp_path):
    published, accepted = tmp_path / "published", tmp_path / "accepted"
    published.mkdir()
    accepted.mkdir()
    text = _page(pages, "湘乡").read_text(encoding="utf-8")
    (published / "a.html").write_text(_page(pages, "平潭").read_text(encoding="utf-8"), encoding="utf-8")
    (published / "b.html").write_text(text, encoding="utf-8")
    # Named otherwise than the pages, and in the other order: matched by agency and year.
    shutil.copyfile(SAMPLES / "xiangxiang-kjgxj-2023.xlsx", accepted / "1.xlsx")
    shutil.copyfile(SAMPLES / "pingtan-2021.xlsx", accepted / "2.xlsx")
    result = run_reportgen("audit", published, "--against", accepted, "--json")
    reports = {Path(r["path"]).name: r for r in json.loads(result.stdout)["reports"]}
    assert {name: [f["code"] for f in r["findings"] if f["code"].startswith("against-")]
            for name, r in reports.items()} == {"a.html": [], "b.html": []}
    # A page with no accepted workbook of its agency is said, not compared with another's.
    result = run_reportgen("audit", published, "--against", accepted / "2.xlsx", "--json")
    reports = {Path(r["path"]).name: r for r in json.loads(result.stdout)["reports"]}
    assert [f["code"] for f in reports["b.html"]["findings"] if f["code"].startswith("against-")] == ["against-missing"]
