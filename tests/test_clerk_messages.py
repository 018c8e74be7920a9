"""Issue 17 item 4: what a clerk reads — the fee rule by meaning, the fee sentence
``draft`` offers, ``fix`` told like ``check``, the text-versus-table message, and a
damaged or foreign workbook named for what it is."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SEED, sample_json
from reportgen.checks import check_report
from reportgen.data.sentences import states_fee
from reportgen.data.model import ReportData

TODAY = dt.date(2026, 11, 26)

# Part 六 wordings written for this test: 20 that state the fee, 20 that do not.
STATES_THE_FEE = {
    "未收取任何费用": "本年度未收取任何费用。",
    "没有收费": "本年度没有收费。",
    "未收取信息处理费": "本年度未收取信息处理费。",
    "依申请未收取": "2023年，本机关依申请公开政府信息未收取信息处理费。",
    "不收取费用": "本年度依申请公开政府信息不收取费用。",
    "冒号无": "信息处理费：无。",
    "为零": "本年度信息处理费为零。",
    "零元": "本年度收取信息处理费0元。",
    "三百元": "本年度共收取信息处理费300元。",
    "万元": "收取信息处理费1.2万元。",
    "免费提供": "本机关办理政府信息公开申请，均免费提供。",
    "免收": "依申请公开政府信息免收信息处理费。",
    "没有产生": "本年度没有产生信息处理费。",
    "下一分句说明": "在信息处理费方面，本年度未收取。",
    "未发生收取情况": "本年度未发生信息处理费收取情况。",
    "中文金额": "全年对2件申请收取了信息处理费，共计三百元。",
    "不存在收取": "本机关不存在收取信息处理费的情况。",
    "无收费情况": "本年度无收费情况。",
    "未向申请人收取": "依申请公开工作中未向申请人收取任何费用。",
    "均未收费": "本年度，我局依申请提供政府信息均未收费。",
}
SAYS_NOTHING_ABOUT_THE_FEE = {
    "只写无": "无。",
    "暂无": "暂无。",
    "不适用": "不适用。",
    "无其他事项": "无其他需要报告的事项。",
    "本年度无其他事项": "本年度没有需要说明的事项。",
    "行政事业性收费金额": "本年度行政事业性收费9116.36万元。",
    "未开展行政事业性收费": "本年度未开展行政事业性收费。",
    "只引文件": "根据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）执行。",
    "按规定执行": "信息处理费按规定执行。",
    "收费标准": "信息处理费收费标准按国家规定执行。",
    "门户网站": "如需了解更多政府信息，请登录门户网站。",
    "运行良好": "本机关依申请公开工作运行良好。",
    "否定在别的分句": "无其他需要报告的事项，信息处理费按规定执行。",
    "收取但无金额": "本年度按规定收取信息处理费。",
    "年份不是金额": "2023年收取信息处理费。",
    "收费公示": "本机关严格执行收费公示制度。",
    "经费不是费用": "本年度无政府信息公开方面的其他事项，工作经费足额保障。",
    "未收到申请": "本年度未收到政府信息公开申请。",
    "不断加强": "本机关将不断加强信息处理费管理。",
    "无加其他": "无，本年度继续做好信息公开工作。",
}


def _fee_findings(text: str) -> list:
    obj = sample_json(SEED)
    obj["text"]["other_matters"] = [{"heading": "", "text": text}]
    return [f for f in check_report(ReportData.from_json(obj), today=TODAY) if f.code == "fee-not-reported"]


@pytest.mark.parametrize("text", STATES_THE_FEE.values(), ids=STATES_THE_FEE.keys())
def test_a_wording_that_states_the_fee_passes(text):
    assert states_fee(text, "信息处理费") is True
    assert _fee_findings(text) == []


@pytest.mark.parametrize("text", SAYS_NOTHING_ABOUT_THE_FEE.values(), ids=SAYS_NOTHING_ABOUT_THE_FEE.keys())
def test_a_wording_that_does_not_state_the_fee_is_an_error_proposing_a_sentence(text):
    assert states_fee(text, "信息处理费") is False
    [finding] = _fee_findings(text)
    assert finding.is_error
    assert finding.message == (
        "第六部分没有说明是否收取了信息处理费（只写“无”或只写其他事项都不算）。没有收取也要写明，"
        "可以写：“2023年，本机关未收取信息处理费。”；收取了的请写明金额。"
        "reportgen draft 可把这句话作为草拟文字写进工作簿。")


def test_the_wordings_are_twenty_each():
    assert len(STATES_THE_FEE) == len(SAYS_NOTHING_ABOUT_THE_FEE) == 20


# ---------------------------------------------------------------- text against the tables
def _mismatches(obj: dict, sentence: str) -> list[str]:
    obj["text"]["overview"].append({"heading": "", "text": sentence})
    return [f.message for f in check_report(ReportData.from_json(obj), today=TODAY) if f.code == "text-table-mismatch"]


def test_text_versus_table_names_each_cell_once_in_plain_words():
    obj = sample_json("pingtan-2021")
    obj["t3"]["carried_over"]["natural_person"] = obj["t3"]["carried_over"]["total"] = 2
    assert _mismatches(obj, "本年度共收到政府信息公开申请90件。") == [
        "文字写的是“本年度共收到政府信息公开申请90件”，即收到的政府信息公开申请 90 件，"
        "但表格中表三 J7（一、本年新收政府信息公开申请数量，总计）是 70，"
        "加上 J8（二、上年结转政府信息公开申请数量，总计）的 2，共 72。请核对文字或表格，使两者一致。"]


def test_text_versus_a_sum_of_two_cells():
    assert _mismatches(sample_json("pingtan-2021"), "被提起行政诉讼十一件。") == [
        "文字写的是“被提起行政诉讼十一件”，即行政诉讼 11 件，"
        "但表格中表四 J7（行政诉讼·未经复议直接起诉，总计）的 12 与 O7（行政诉讼·复议后起诉，总计）的 0，"
        "合计 12。请核对文字或表格，使两者一致。"]


# ---------------------------------------------------------------- fix
def test_fix_groups_its_changes_converts_counts_with_a_unit_and_says_what_it_left(tmp_path, cli):
    from conftest import edit
    from reportgen.data.workbook import write_workbook

    path = write_workbook(tmp_path / "new.xlsx", year=2023, agency="某某局")
    edit(path, {("表三", "D7"): "12件", ("表三", "E7"): "约12件", ("表三", "F7"): 3.5, ("表二", "B17"): "300元",
                ("表二", "B7"): "3 条", ("表三", "G7"): "１２"})
    out = tmp_path / "fixed.xlsx"
    result = cli("fix", path, "-o", out)
    assert result.exit_code == 0
    assert result.output == (
        "修改了 163 个格子：\n"
        "  【空格填 0】160 处\n"
        "    · 表二 第6–14行（B6～D14）共 8 格\n"
        "    · 表三 第7–31行（D7～I31）共 140 格\n"
        "    · 表四 第7行（A7～N7）共 12 格\n"
        "    （加 --all 逐格列出）\n"
        "  【去掉单位，改为数字】2 处\n"
        "    · 表二 B7（第二十条第（一）项 行政规范性文件 / 本年制发件数）：“3 条” → 3\n"
        "    · 表三 D7（一、本年新收政府信息公开申请数量 / 自然人）：“12件” → 12\n"
        "  【文本改为数字】1 处\n"
        "    · 表三 G7（一、本年新收政府信息公开申请数量 / 法人或其他组织·社会公益组织）：“１２” → 12\n"
        "没有自动修正、需要您处理的（3 处）：\n"
        "  【金额的单位是元】1 处\n"
        "    · 表二 B17（第二十条第（八）项 行政事业性收费 / 本年收费金额（单位：万元））：“300元”："
        "本表金额以万元为单位，请换算后填写（如 3000元 填 0.3）\n"
        "  【数字格里有非数字内容】1 处\n"
        "    · 表三 E7（一、本年新收政府信息公开申请数量 / 法人或其他组织·商业企业）：“约12件”："
        "不是一个明确的数字，fix 无法确定应填几，请改为阿拉伯数字\n"
        "  【件数不是整数】1 处\n"
        "    · 表三 F7（一、本年新收政府信息公开申请数量 / 法人或其他组织·科研机构）：“3.5”："
        "件数不是整数，fix 无法确定应是几件，请填写整数\n"
        f"已另存：{out}（原工作簿 {path} 未改动，其他内容没有改动）。请用 reportgen check {out} 再检查一次。\n")
    from openpyxl import load_workbook
    sheet = load_workbook(out)["表三"]
    assert (sheet["D7"].value, sheet["E7"].value, sheet["F7"].value, sheet["G7"].value) == (12, "约12件", 3.5, 12)
    every = cli("fix", path, "-o", tmp_path / "all.xlsx", "--all").output
    assert "    · 表三 I31（四、结转下年度继续办理 / 法人或其他组织·其他）：空 → 0\n" in every
    assert "共 140 格" not in every


def test_fix_says_it_left_a_table_with_an_inserted_row(copy_sample, tmp_path, cli):
    from openpyxl import load_workbook

    path = copy_sample("pingtan-2021")
    wb = load_workbook(path)
    wb["表三"].insert_rows(10)
    wb.save(path)
    output = cli("fix", path, "-o", tmp_path / "fixed.xlsx").output
    assert output.startswith("没有需要自动修正的格子。\n没有自动修正、需要您处理的（1 处）：\n"
                             "  【表格中插入或删除了行】1 处\n    · 表三：这张表插入或删除了行，格子不在标准位置，"
                             "fix 没有改动这张表。请按 check 的说明恢复表格的行，再运行 fix\n")


# ---------------------------------------------------------------- a workbook that is damaged or of another format
def _ods(path):
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:  # what LibreOffice Calc writes first: the mimetype, stored
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return path


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024  # the first bytes of an .xls or a WPS .et


@pytest.mark.parametrize("name, make, kind", [
    ("旧表.xls", lambda p: p.write_bytes(OLE), "旧版的 .xls 格式"),
    ("报表.et", lambda p: p.write_bytes(OLE), "金山 WPS 表格的 .et 格式"),
    ("报表.ods", _ods, "开放文档（OpenDocument）表格的 .ods 格式"),
    ("改了名的.xlsx", _ods, "开放文档（OpenDocument）表格的 .ods 格式"),
    ("坏了的.ods", lambda p: p.write_bytes(b"PK ods"), "开放文档（OpenDocument）表格的 .ods 格式"),
    ("导出的.csv", lambda p: p.write_text("机关名称,2023", encoding="utf-8"), "逗号分隔的 .csv 文本格式"),
], ids=["xls", "et", "ods", "ods-named-xlsx", "ods-by-name", "csv"])
def test_one_workbook_of_another_format_gets_the_save_as_advice(tmp_path, cli, name, make, kind):
    path = tmp_path / name
    make(path)
    for command in (("check", path), ("fix", path, "-o", tmp_path / "修正.xlsx")):
        result = cli(*command)
        assert result.exit_code == 2
        said = f"{name} 是{kind}，reportgen 只读 .xlsx。请用 Excel 或 WPS 打开，另存为 .xlsx（Excel 工作簿）格式后再试。"
        assert said in result.output
    assert not (tmp_path / "修正.xlsx").exists()


def test_a_collection_gives_the_same_advice(tmp_path, cli):
    folder = tmp_path / "收回的"
    folder.mkdir()
    (folder / "报表.et").write_bytes(OLE)
    _ods(folder / "报表.ods")
    output = cli("check", folder).output
    for name, kind in (("报表.et", "金山 WPS 表格的 .et 格式"), ("报表.ods", "开放文档（OpenDocument）表格的 .ods 格式")):
        assert (f"需另存为 .xlsx：{name} 是{kind}，reportgen 只读 .xlsx。请用 Excel 或 WPS 打开，"
                "另存为 .xlsx（Excel 工作簿）格式后再试。\n") in output


def test_a_truncated_workbook_is_called_damaged(tmp_path, cli):
    from conftest import sample

    path = tmp_path / "下载了一半.xlsx"
    data = sample(SEED).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    result = cli("check", path)
    assert result.exit_code == 2
    assert ("无法检查：下载了一半.xlsx 已损坏：文件不完整（可能没有下载完或没有复制完），无法读取。"
            "请重新下载或请填报单位重新发送；如能用 Excel/WPS 打开，请打开后重新保存再试。") in result.output


# ---------------------------------------------------------------- draft
def test_draft_offers_the_fee_sentence_when_part_six_holds_other_text(copy_sample, tmp_path, cli):
    from conftest import edit
    from reportgen import check_workbook, read_workbook

    path = edit(copy_sample(), {("文字部分", "C15"): "本年度无其他需要报告的事项。"})
    assert "fee-not-reported" in [f.code for f in check_workbook(path).findings]
    out = tmp_path / "草拟.xlsx"
    result = cli("draft", path, "-o", out)
    assert result.exit_code == 0
    assert result.output == (
        "  · 文字部分 第17行（六、其他需要报告的事项）：【草拟，请核改】2023年，本机关未收取信息处理费。"
        "（这一部分已有文字，但没有说明信息处理费）\n"
        "共写入 1 段草拟文字，请逐段核改并删除“【草拟，请核改】”标记。\n"
        f"已另存：{out}（原工作簿 {path} 未改动）。\n")
    other = read_workbook(out).data.text["other_matters"]
    assert [p.text for p in other][0] == "本年度无其他需要报告的事项。"  # the clerk's text stays first
    codes = [f.code for f in check_workbook(out).findings]
    assert codes == ["draft-text"]  # the fee is stated now; only the unread draft is left


def test_draft_leaves_a_part_six_that_states_the_fee(copy_sample, tmp_path, cli):
    path = copy_sample()  # 六: “…本年度未收取信息处理费。”
    result = cli("draft", path, "-o", tmp_path / "草拟.xlsx")
    assert result.output.startswith("各文字部分都已有内容，没有需要草拟的段落。\n")
