"""Reading hand-edited YAML: what cannot be read is one clear message with file and line."""

import time

import pytest
from helpers import (
    CAMPAIGN,
    LEDGER_FGW,
    PLEDGES_FGW,
    REPORT_FGW,
    UNIT_FGW,
    UNIT_SWJ,
    clean,
    errors_of,
    find,
    replace,
    run_cli,
    write,
)

from generator.model import yamlsource as Y

UNIT = "data/units/fgw/unit.yaml"
SWJ = "data/units/swj/unit.yaml"
PLEDGES = "data/units/fgw/pledges.yaml"
LEDGER = "data/units/fgw/ledger.yaml"


# ---- the node tree ---------------------------------------------------------------------


def test_parse_keeps_text_and_lines():
    root = Y.parse("a: 1\nb:\n  - no\n  - 'x'\nc: 0375123\n")
    assert isinstance(root, Y.Map)
    assert list(root.entries) == ["a", "b", "c"]
    line_b, seq = root.entries["b"]
    assert line_b == 2 and isinstance(seq, Y.Seq)
    no, x = seq.items
    assert (no.value, no.plain, no.line) == ("no", True, 3)
    assert (x.value, x.plain, x.line) == ("x", False, 4)
    assert root.entries["c"][1].value == "0375123"  # stays text until the schema decides


@pytest.mark.parametrize("text", ["", "\n", "# 只有注释\n", "---\n"])
def test_empty_document_is_none(text):
    assert Y.parse(text) is None


def test_plain_kind_reads_like_yaml_1_1():
    assert Y.plain_kind("no") == "bool"
    assert Y.plain_kind("on") == "bool"
    assert Y.plain_kind("0375123") == "int"
    assert Y.plain_kind("12:30") == "int"
    assert Y.plain_kind("2025-01-01") == "timestamp"
    assert Y.plain_kind("县发改委") == "str"


# ---- file-level problems, through `check` -----------------------------------------------


def test_yaml_that_does_not_parse(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  measures:\n    - 梳理事项清单\n", "  measures: [梳理事项清单\n"))
    lines = errors_of(project)
    find(lines, PLEDGES, 6, "", "YAML 语法错误", "方括号列表没有正确闭合")


def test_unparsable_pledges_file_does_not_cascade_into_the_ledger(project):
    """One syntax error in pledges.yaml is one message: the ledger's references are not all
    "unknown pledge" as well (the loader's Declared ids exist to prevent exactly this)."""
    write(project, PLEDGES, replace(PLEDGES_FGW, "  measures:\n    - 梳理事项清单\n", "  measures: [梳理事项清单\n"))
    lines = errors_of(project)
    assert [ln for ln in lines if ln.startswith("data/units/fgw/ledger.yaml")] == [], "\n".join(lines)


# The mistakes clerks make most, each must get a Chinese explanation, not libyaml's English.
COMMON_SYNTAX_ERRORS = {
    "colon in text": ("title: 项目审批网上办", "title: 项目审批: 网上办", 3, "加引号"),
    "tab indentation": ("  published: 2025-01-10", "\tpublished: 2025-01-10", 8, "制表符"),
    "unquoted target": ('    target: ">= 90"', "    target: >= 90", 17, "引号"),
}


@pytest.mark.parametrize("case", sorted(COMMON_SYNTAX_ERRORS))
def test_common_syntax_errors_are_explained_in_chinese(project, case):
    old, new, line, hint = COMMON_SYNTAX_ERRORS[case]
    write(project, PLEDGES, replace(PLEDGES_FGW, old, new))
    msg = find(errors_of(project), PLEDGES, line, "", "YAML 语法错误")
    assert hint in msg, msg
    detail = msg.split("YAML 语法错误：", 1)[1]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), f"untranslated parser message: {msg}"


def test_unclosed_quote_points_near_it(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", 'head: "张三'))
    lines = errors_of(project)
    msg = [ln for ln in lines if ln.startswith(UNIT + ":")]
    assert msg and "YAML 语法错误" in msg[0], lines


def test_duplicate_key(project):
    write(project, SWJ, UNIT_SWJ + "name: 重复的名称\n")
    lines = errors_of(project)
    find(lines, SWJ, 4, "", "重复的键“name”", "第 2 行")


def test_duplicate_key_in_nested_mapping(project):
    write(project, UNIT, replace(UNIT_FGW, '  phone: "0375-1234567"\n', '  phone: "0375-1234567"\n  phone: "0375-7654321"\n'))
    find(errors_of(project), UNIT, 9, "", "重复的键“phone”", "第 8 行")


def test_anchor(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", "head: &h 张三"))
    find(errors_of(project), UNIT, 5, "", "锚点")


def test_alias(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", "head: *h"))
    find(errors_of(project), UNIT, 5, "", "别名")


def test_anchor_and_alias_together(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", "head: &h 张三\nservice_officer: *h").replace("service_officer: 李四\n", ""))
    lines = errors_of(project)
    find(lines, UNIT, 5, "", "锚点")


def test_custom_python_tag_is_refused_and_never_run(project, tmp_path):
    marker = tmp_path / "pwned"
    text = replace(UNIT_FGW, "head: 张三", f'head: !!python/object/apply:os.system ["touch {marker}"]')
    write(project, UNIT, text)
    rc, out, err = run_cli(project, "check")
    assert rc == 1
    assert "Traceback" not in out + err
    lines = out.splitlines()
    find(lines, UNIT, 5, "", "不支持 YAML 标签", "tag:yaml.org,2002:python/object/apply:os.system")
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!!str", "!!binary", "!custom", "!!set"])
def test_other_tags_are_refused(project, tag):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", f"head: {tag} 张三"))
    find(errors_of(project), UNIT, 5, "", "不支持 YAML 标签")


def test_not_utf8(project):
    write(project, SWJ, UNIT_SWJ.encode("gbk"))
    rc, out, err = run_cli(project, "check")
    assert rc == 1 and "Traceback" not in out + err
    find(out.splitlines(), SWJ, 2, "", "不是 UTF-8", "GBK")


def test_bom_is_tolerated(project):
    write(project, UNIT, b"\xef\xbb\xbf" + UNIT_FGW.encode("utf-8"))
    write(project, PLEDGES, b"\xef\xbb\xbf" + PLEDGES_FGW.encode("utf-8"))
    clean(project)


def test_crlf_line_endings_are_fine(project):
    write(project, PLEDGES, PLEDGES_FGW.replace("\n", "\r\n").encode("utf-8"))
    clean(project)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe"])
def test_control_characters(project, char):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", f"head: 张{char}三"))
    find(errors_of(project), UNIT, 5, "", "控制字符", f"U+{ord(char):04X}")


def test_tab_and_newlines_are_not_control_characters(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "commitment: 每月走访企业。", 'commitment: "每月\\t走访企业。"'))
    clean(project)


def test_second_document(project):
    write(project, SWJ, UNIT_SWJ + "---\nid: other\n")
    find(errors_of(project), SWJ, 4, "", "一个文件只能有一个 YAML 文档")


def test_explicit_start_of_the_only_document_is_fine(project):
    write(project, SWJ, "---\n" + UNIT_SWJ)
    clean(project)


@pytest.mark.parametrize("style", ["flow", "block", "flow-map"])
def test_deep_nesting_is_an_error_not_a_crash(project, style):
    n = 5000
    if style == "flow":
        body = "[" * n + "]" * n + "\n"
    elif style == "flow-map":
        body = "{a: " * n + "1" + "}" * n + "\n"
    else:
        body = "- " * n + "x\n"
    write(project, PLEDGES, body)
    started = time.monotonic()
    rc, out, err = run_cli(project, "check", timeout=30)
    assert time.monotonic() - started < 10
    assert rc == 1
    assert "Traceback" not in out + err
    find(out.splitlines(), PLEDGES, 1, "", "嵌套层级过深")


def test_deep_nesting_in_the_reader_itself():
    with pytest.raises(Y.YamlFileError) as exc:
        Y.parse("a:\n" + "".join("  " * i + "- \n" for i in range(1, 60)))
    assert "嵌套层级过深" in exc.value.message and exc.value.line > 1


def test_three_megabyte_file(project):
    line = "# " + "很长的注释" * 20 + "\n"
    text = (line * (3 * 1024 * 1024 // len(line.encode("utf-8")) + 1)).encode("utf-8")
    assert len(text) >= 3 * 1024 * 1024
    write(project, PLEDGES, text)
    rc, out, err = run_cli(project, "check")
    assert rc == 1 and "Traceback" not in out + err
    find(out.splitlines(), PLEDGES, 0, "", "文件过大", "2 MB")


def test_key_must_be_plain_text(project):
    write(project, SWJ, UNIT_SWJ + "[a, b]: 1\n")
    find(errors_of(project), SWJ, 4, "", "键必须是简单文本")


def test_list_file_holding_a_mapping(project):
    write(project, PLEDGES, "id: wangban\ncampaign: zhudong-fuwu\n")
    lines = errors_of(project)
    find(lines, PLEDGES, 1, "pledges", "应为列表")


# ---- characters that look right and read wrong (issue 15) ---------------------------------
# Each message names the character by name and code point, at its own line, and says what to type.


def _only(lines: list[str], path: str) -> list[str]:
    """The problems reported for ``path`` (a file-level error hides the rest of that file)."""
    return [ln for ln in lines if ln.startswith(path + ":")]


def test_full_width_colon_after_a_key_is_named_at_its_own_line(project):
    # libyaml reads on to the next line looking for ':', so it names line 4; the culprit is line 3.
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 项目审批网上办", "  title：项目审批网上办"))
    lines = errors_of(project)
    msg = find(lines, PLEDGES, 3, "", "YAML 语法错误", "“title”后面是全角冒号“：”（U+FF1A）", "半角（英文）冒号加一个空格",
               "写成“title: 项目审批网上办”", "Ctrl+.")
    assert _only(lines, PLEDGES) == [msg]
    assert "缺少冒号" not in msg


def test_full_width_colon_at_the_top_level_and_nested(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", "head：张三"))
    write(project, "data/units/fgw/pledges.yaml", replace(PLEDGES_FGW, "    date: 2025-05-01", "    date：2025-05-01"))
    lines = errors_of(project)
    find(lines, UNIT, 5, "", "“head”后面是全角冒号“：”（U+FF1A）", "写成“head: 张三”")
    find(lines, PLEDGES, 24, "", "“date”后面是全角冒号“：”（U+FF1A）", "写成“date: 2025-05-01”")


def test_full_width_colon_after_a_chinese_field_name(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  完成时限：2025-06-30"))
    find(errors_of(project), PLEDGES, 9, "", "“完成时限”后面是全角冒号“：”（U+FF1A）", "字段名要用英文",
         "完成时限 是 deadline 或 due", "写成“deadline: 2025-06-30”")


def test_full_width_colon_in_a_one_line_list_item(project):
    # "- title：…" parses (as text), so the converter says it, at that line.
    write(project, PLEDGES, PLEDGES_FGW + "- title：走访\n")
    find(errors_of(project), PLEDGES, 26, "pledges[2]", "“title”后面是全角冒号“：”（U+FF1A）", "写成“title: 走访”")


@pytest.mark.parametrize("space, name", [("\u3000", "全角空格（U+3000）"), ("\u00a0", "不间断空格（U+00A0）")])
def test_odd_space_in_the_indent(project, space, name):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 项目审批网上办", f"{space} title: 项目审批网上办"))
    lines = errors_of(project)
    msg = find(lines, PLEDGES, 3, "", "YAML 语法错误", f"缩进里有{name}", "缩进只能用半角（英文）空格", "用空格键重新缩进")
    assert _only(lines, PLEDGES) == [msg]


def test_full_width_space_after_a_list_dash(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "- id: zoufang", "-\u3000id: zoufang"))
    find(errors_of(project), PLEDGES, 18, "", "缩进里有全角空格（U+3000）", "Shift+空格")


def test_no_break_space_after_a_colon(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 项目审批网上办", "  title:\u00a0项目审批网上办"))
    find(errors_of(project), PLEDGES, 3, "", "“title:”后面是不间断空格（U+00A0），不是普通空格", "重新输入一个半角（英文）空格")


def test_zero_width_space_after_a_date(project):
    """It looks right on screen: the message names it, where it is, and the rest of the file is still checked."""
    text = replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  deadline: 2025-06-30\u200b")
    write(project, PLEDGES, replace(text, "  title: 常态化走访企业", "  title: 常态化走访企业\n  deadlin: 2025-09-30"))
    lines = errors_of(project)
    find(lines, PLEDGES, 9, "", "有看不见的零宽空格（U+200B）", "第 23 个字符处", "紧跟在“2025-06-30”后面",
         "把这一行删掉重新输入")
    assert not [ln for ln in lines if "应为日期" in ln], lines  # no second message for the same character
    find(lines, PLEDGES, 21, "pledges[1].deadlin", "未知的键")


@pytest.mark.parametrize("char, name", [("\u200b", "零宽空格（U+200B）"), ("\u200d", "零宽连接符（U+200D）"),
                                        ("\ufeff", "零宽不间断空格（BOM）（U+FEFF）"), ("\u2060", "零宽不换行符（U+2060）"),
                                        ("\u00ad", "软连字符（U+00AD）"), ("\u202e", "文字方向控制符（U+202E）")])
def test_invisible_characters_are_named(project, char, name):
    write(project, LEDGER, replace(LEDGER_FGW, "  pledge: zoufang", f"  pledge: zou{char}fang"))
    find(errors_of(project), LEDGER, 9, "", f"有看不见的{name}", "第 14 个字符处", "紧跟在“zou”后面")


def test_invisible_characters_counted_on_one_line(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", "head: \u200b张\u200b三\u200b"))
    find(errors_of(project), UNIT, 5, "", "零宽空格（U+200B）", "第 7 个字符处", "在“张三”前面", "这一行共有 3 处")


def test_zero_width_space_in_a_report_front_matter(project):
    report = f"data/units/fgw/reports/{CAMPAIGN}.md"
    write(project, report, replace(REPORT_FGW, "submitted: 2025-07-15", "submitted: 2025-07-15\u200b"))
    find(errors_of(project), report, 3, "", "有看不见的零宽空格（U+200B）", "紧跟在“2025-07-15”后面")


def test_curly_quotes_around_a_value_that_holds_a_colon(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 项目审批网上办", "  title: “项目审批: 网上办”"))
    msg = find(errors_of(project), PLEDGES, 3, "", "YAML 语法错误", "中文引号 “…”（U+201C、U+201D）", "YAML 只认半角（英文）引号",
               'title: "项目审批: 网上办"')
    assert "请给整段文本加引号" not in msg  # the clerk believes they did


def test_curly_single_quotes(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 项目审批网上办", "  title: ‘项目审批: 网上办’"))
    find(errors_of(project), PLEDGES, 3, "", "中文引号 ‘…’（U+2018、U+2019）", 'title: "项目审批: 网上办"')


def test_full_width_signs_inside_text_are_fine(project):
    """Chinese text keeps its own punctuation: only keys, indentation and typed values are looked at."""
    text = replace(PLEDGES_FGW, "  title: 项目审批网上办", "  title: 项目审批：网上办")
    text = replace(text, "  commitment: 每月走访企业。", "  commitment: “政采贷”融资对接，全角空格\u3000也可以。")
    write(project, PLEDGES, text)
    clean(project)


def test_odd_characters_give_no_traceback_through_the_real_command(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 项目审批网上办", "\u3000title：项目审批网上办"))
    rc, out, err = run_cli(project, "check")
    assert rc == 1 and "Traceback" not in out + err
    assert out.startswith(f"{PLEDGES}:3: YAML 语法错误：")


def test_text_with_a_full_width_colon_above_an_unrelated_error_is_not_blamed(project):
    text = replace(LEDGER_FGW, "  note: 走访企业 5 家。", "  note: |\n    进展：走访企业 5 家。\n  progress 10")
    write(project, LEDGER, text)
    msg = find(errors_of(project), LEDGER, 13, "", "YAML 语法错误", "这一行缺少冒号", "“: ”")
    assert "全角" not in msg


def test_a_missing_colon_is_reported_at_its_own_line(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 项目审批网上办", "  title 项目审批网上办"))
    find(errors_of(project), PLEDGES, 3, "", "YAML 语法错误：这一行缺少冒号：键和值之间要用半角（英文）冒号加一个空格“: ”隔开")


def test_a_full_width_dash_before_a_key_is_named(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "- id: zoufang", "－ id: zoufang"))
    find(errors_of(project), PLEDGES, 18, "", "YAML 语法错误：列表项以全角连字符（U+FF0D）开头", "请把“－”改成“-”")


def test_full_width_colon_in_a_report_front_matter(project):
    report = f"data/units/fgw/reports/{CAMPAIGN}.md"
    write(project, report, replace(REPORT_FGW, "title: 发改委主动服务活动总结", "title：发改委主动服务活动总结"))
    find(errors_of(project), report, 2, "", "“title”后面是全角冒号“：”（U+FF1A）", "写成“title: 发改委主动服务活动总结”")
