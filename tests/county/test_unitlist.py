"""The unit list: CSV or XLSX, Chinese or English headers, the encodings Excel writes, and every bad list."""

from __future__ import annotations

import pytest
from countykit import EN_HEADER, IDS, ROWS, ZH_HEADER, csv_text, write_csv, write_xlsx

from generator.county.unitlist import UnitListError, read_units


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
@pytest.mark.parametrize("header", [ZH_HEADER, EN_HEADER], ids=["zh", "en"])
def test_csv_in_every_encoding_excel_writes_reads_the_same_units(tmp_path, encoding, header):
    units = read_units(write_csv(tmp_path / "units.csv", header=header, encoding=encoding), "清河县")
    assert [u.id for u in units] == IDS
    assert [u.name for u in units] == [r[0] for r in ROWS]
    first = units[0]
    assert (first.category, first.head, first.service_officer, first.phone, first.address) == (
        "乡镇政府", "张三", "李四", "0375-1234567", "清河镇人民路1号")
    assert units[2].short_name == "发改委"


def test_excel_unicode_text_is_tab_separated_utf16(tmp_path):
    p = tmp_path / "units.txt"
    p.write_bytes(csv_text(ROWS, sep="\t").encode("utf-16"))
    assert [u.id for u in read_units(p, "清河县")] == IDS


@pytest.mark.parametrize("header", [ZH_HEADER, EN_HEADER], ids=["zh", "en"])
def test_xlsx_with_numbers_typed_into_cells(tmp_path, header):
    rows = [r[:] for r in ROWS]
    rows[2][5] = "12345"  # a number cell in Excel
    units = read_units(write_xlsx(tmp_path / "units.xlsx", rows, header), "清河县")
    assert [u.id for u in units] == IDS
    assert units[2].phone == "12345"
    assert units[0].phone == "0375-1234567"


def test_ids_are_readable_pinyin_unique_and_given_ids_win(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text(csv_text([["绿水乡", "乡镇政府", "", "fgw"], ["县发改委", "综合性部门", "", ""], ["某单位", "其他", "", "fagai-wei"]],
                          header=["单位名称", "单位类别", "简称", "标识"]), encoding="utf-8")
    assert [u.id for u in read_units(p, "清河县")] == ["fgw", "fagai-wei-2", "fagai-wei"]


def errors(tmp_path, text: str | bytes, name: str = "units.csv") -> list[str]:
    p = tmp_path / name
    if isinstance(text, str):
        p.write_text(text, encoding="utf-8")
    else:
        p.write_bytes(text)
    with pytest.raises(UnitListError) as info:
        read_units(p, "清河县")
    return info.value.messages


def test_every_bad_row_is_named_at_once(tmp_path):
    rows = [["清河镇", "乡镇政府"], ["", "综合性部门"], ["财政局", "局机关"], ["清河镇", "乡镇政府"], ["审批局", ""]]
    msgs = errors(tmp_path, csv_text(rows, header=["单位名称", "单位类别"]))
    assert msgs == [
        "第 3 行：缺少单位名称（“单位名称”列不能为空）",
        "第 4 行：财政局的单位类别“局机关”不认识：可选 乡镇政府、综合性部门、审批职能部门、司法执法部门、宣传部门、重点工作专班、其他",
        "第 5 行：单位“清河镇”重复，第 2 行已经有了",
        "第 6 行：审批局缺少单位类别：可选 乡镇政府、综合性部门、审批职能部门、司法执法部门、宣传部门、重点工作专班、其他",
    ]


def test_unknown_and_missing_columns(tmp_path):
    msgs = errors(tmp_path, "单位,电话号码\n清河镇,1\n")
    assert any("不认识的列名“电话号码”" in m and "单位名称/name" in m for m in msgs)
    assert any("缺少“单位类别”列" in m for m in msgs)


def test_a_bad_maintainer_and_a_bad_id(tmp_path):
    msgs = errors(tmp_path, "单位名称,单位类别,维护人,标识\n清河镇,乡镇政府,@qh/zhen * @evil,QH Zhen\n")
    assert "第 2 行：维护人“*”不是有效的账号或团队" in msgs[0]
    assert "第 2 行：标识“qh zhen”只能用小写字母" in msgs[-1]


def test_bytes_that_are_neither_utf8_nor_gbk_are_refused_with_what_to_do(tmp_path):
    msgs = errors(tmp_path, "单位名称,单位类别\n".encode() + b"\x81\x20\xff\xfe\x00\n")
    assert "无法识别文件的编码" in msgs[0] and "CSV UTF-8" in msgs[0]


def test_empty_old_xls_and_unknown_types(tmp_path):
    assert "文件是空的" in errors(tmp_path, "\n\n")[0]
    assert "不支持旧的 .xls 格式" in errors(tmp_path, b"\xd0\xcf\x11\xe0", "units.xls")[0]
    assert "不认识的文件类型" in errors(tmp_path, "x", "units.docx")[0]
    assert "无法读取这个 Excel 文件" in errors(tmp_path, b"not a zip", "units.xlsx")[0]
