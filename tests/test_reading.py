"""Reading workbooks: what clerks really type, exact money, unusable files, the input untouched."""

from __future__ import annotations

import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from conftest import SEED, digest, edit, needs_libreoffice, libreoffice_convert, sample, sample_json, workbook_from
from reportgen import UnusableInput, check_workbook, read_workbook

T3 = "表三"


def _findings(path):
    result = read_workbook(path)
    return result, {(f.location.cell, f.code): f for f in result.findings if f.location}


@pytest.mark.parametrize(
    "typed, value, code",
    [
        ("１２", 12, "number-as-text"),  # full-width digits from a Chinese IME
        (" 12 ", 12, "number-as-text"),  # stray spaces
        ("12", 12, "number-as-text"),  # a number stored as text
        ("12\u3000", 12, "number-as-text"),  # an ideographic space
        ("12件", None, "not-a-number"),
        ("/", None, "blank-value"),
        ("无", None, "blank-value"),
        ("—", None, "blank-value"),
        (None, None, "blank-value"),
        (3.5, None, "not-whole-number"),
        (-1, None, "negative-number"),
        (7.0, 7, None),  # a whole float from a spreadsheet is fine
        ("=1+2", None, "unreadable-formula"),  # a clerk's formula the file holds no result for
    ],
)
def test_count_cells_accept_what_clerks_type_and_name_the_cell(tmp_path, copy_sample, typed, value, code):
    path = edit(copy_sample(), {(T3, "D11"): typed})
    result, found = _findings(path)
    assert result.data.values["t3.refused_state_secret.natural_person"] == value
    if code is None:
        assert not result.findings
        return
    finding = found[("D11", code)]
    assert finding.location.sheet == T3
    assert str(finding.location) == "表三 D11（（三）不予公开 1.属于国家秘密 / 自然人）"
    assert finding.is_error == (code != "number-as-text")


def test_fee_keeps_every_decimal_the_clerk_typed(tmp_path):
    obj = sample_json("pingtan-2021")
    assert obj["t2"]["fees"]["amount"] == "24252.311082"
    result = read_workbook(sample("pingtan-2021"))
    fee = result.data.values["t2.fees.amount"]
    assert isinstance(fee, Decimal) and str(fee) == "24252.311082"
    for typed, expected in [(9116.36, "9116.36"), ("9116.36", "9116.36"), (7545, "7545"), ("０.５", "0.5")]:
        path = edit(sample("pingtan-2021"), {("表二", "B17"): typed}, out=tmp_path / "fee.xlsx")
        assert str(read_workbook(path).data.values["t2.fees.amount"]) == expected


def test_counts_are_ints_and_the_fee_a_decimal():
    values = read_workbook(sample("pingtan-2021")).data.values
    assert all(type(v) is int for k, v in values.items() if k != "t2.fees.amount")
    assert values["t3.new_received.total"] == 70


def test_control_characters_are_removed_with_a_warning(copy_sample):
    # Excel stores a pasted BEL or ESC as _x0007_ / _x001B_ in the file.
    path = edit(copy_sample(), {("文字部分", "C5"): "第一段_x0007_文字_x001B_，下划线_x005F_x0041_保留"})
    result, found = _findings(path)
    overview = result.data.section_text("overview")
    assert "第一段文字，下划线_x0041_保留" in overview
    assert found[("C5", "control-characters")].value == "2"


def test_multi_line_cell_becomes_paragraphs(copy_sample):
    path = edit(copy_sample(), {("文字部分", "B20"): "（九）测试。", ("文字部分", "C20"): "第一行\n第二行\r\n\n第三行",
                                ("文字部分", "A20"): "五、存在的主要问题及改进情况"})
    problems = read_workbook(path).data.text["problems"]
    assert [(p.heading, p.text) for p in problems[-3:]] == [("（九）测试。", "第一行"), ("", "第二行"), ("", "第三行")]


def test_reading_never_writes_the_input(copy_sample):
    path = copy_sample("hongze-2023")
    before, mtime = digest(path), path.stat().st_mtime_ns
    check_workbook(path)
    assert digest(path) == before and path.stat().st_mtime_ns == mtime


@needs_libreoffice
@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["pingtan-2021", "hongze-2023", SEED])
def test_workbook_resaved_by_libreoffice_reads_back_identical(tmp_path, name):
    resaved = libreoffice_convert(sample(name), tmp_path / "lo", 'xlsx:Calc MS Excel 2007 XML')
    original = read_workbook(sample(name))
    again = read_workbook(resaved)
    assert again.data.to_json() == original.data.to_json()
    # LibreOffice stores the computed totals; they are checked, not trusted.
    assert not again.data.computed
    assert [f.code for f in check_workbook(resaved).findings] == [f.code for f in check_workbook(sample(name)).findings]


# --------------------------------------------------------------------------- unusable input
def _not_ours(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "某局 2023 年报表"
    path = tmp_path / "别人的表格.xlsx"
    wb.save(path)
    return path


def _truncated(tmp_path):
    data = sample(SEED).read_bytes()
    path = tmp_path / "坏了.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _text_file(tmp_path):
    path = tmp_path / "报告.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    return path


def _old_xls(tmp_path):
    path = tmp_path / "旧表.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    return path


def _encrypted(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto.format.ooxml")
    path = tmp_path / "加密.xlsx"
    with sample(SEED).open("rb") as src, path.open("wb") as out:
        msoffcrypto.OOXMLFile(src).encrypt("mima", out)
    return path


def _sheet_removed(tmp_path):
    path = tmp_path / "少表.xlsx"
    from openpyxl import load_workbook
    wb = load_workbook(sample(SEED))
    del wb["表四"]
    wb.save(path)
    return path


def _zip_of_junk(tmp_path):
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    return path


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda tmp: tmp / "不存在.xlsx", "找不到文件"),
        (lambda tmp: tmp, "文件夹"),
        (_not_ours, "不是 reportgen 的标准工作簿"),
        (_truncated, "坏了.xlsx 已损坏：文件不完整（可能没有下载完或没有复制完），无法读取。"),
        (_text_file, "不是 Excel 工作簿"),
        (_old_xls, "旧表.xls 是旧版的 .xls 格式，reportgen 只读 .xlsx。请用 Excel 或 WPS 打开，另存为 .xlsx（Excel 工作簿）格式后再试。"),
        (_encrypted, "打开密码"),
        (_sheet_removed, "缺少工作表“表四”"),
        (_zip_of_junk, "工作簿"),
    ],
)
def test_unusable_input_gets_one_plain_chinese_reason(tmp_path, make, words):
    path = make(tmp_path)
    with pytest.raises(UnusableInput) as info:
        read_workbook(path)
    assert words in str(info.value)
    assert "Traceback" not in str(info.value)


def test_json_round_trip_rejects_a_float_fee(tmp_path):
    obj = sample_json("pingtan-2021")
    obj["t2"]["fees"]["amount"] = 24252.311082
    with pytest.raises(UnusableInput, match="t2.fees.amount"):
        workbook_from(obj, tmp_path / "x.xlsx")


@pytest.mark.parametrize("typed, year, codes", [
    ("２０２３年", 2023, ["year-as-text"]),  # read, with a 提醒 (issue 7)
    ("2025年", 2025, ["year-as-text"]),
    ("2023", 2023, []),
    (2023.0, 2023, []),
    ("二〇二三", "二〇二三", ["invalid-year"]),
    (None, None, ["missing-info"]),
])
def test_the_year_as_clerks_type_it(copy_sample, typed, year, codes):
    path = edit(copy_sample(), {("基本信息", "B5"): typed})
    result = check_workbook(path)
    assert result.data.info["year"] == year
    assert [(f.code, f.location.cell) for f in result.findings] == [(c, "B5") for c in codes]
