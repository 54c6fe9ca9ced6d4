"""The shape of each file: conversion messages, and the JSON Schema that editors' tools use."""

import datetime
import json

import pytest
import yaml
from helpers import (
    CAMPAIGN,
    EVALUATION,
    FILES,
    INSPECTIONS,
    LEDGER_FGW,
    PLEDGES_FGW,
    RECTS_FGW,
    REPO,
    SITE,
    UNIT_FGW,
    clean,
    cli,
    errors_of,
    find,
    replace,
    run_cli,
    write,
)
from jsonschema import Draft202012Validator

from generator.model import schema

UNIT = "data/units/fgw/unit.yaml"
PLEDGES = "data/units/fgw/pledges.yaml"
LEDGER = "data/units/fgw/ledger.yaml"
RECTS = "data/units/fgw/rectifications.yaml"


# ---- conversion messages ----------------------------------------------------------------


def test_unknown_key_with_did_you_mean(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  deadlin: 2025-06-30"))
    find(errors_of(project), PLEDGES, 9, "pledges[0].deadlin", "未知的键“deadlin”", "您是不是想写“deadline”")


def test_unknown_key_without_near_miss_lists_the_keys(project):
    write(project, UNIT, UNIT_FGW + "weibo: 县发改委\n")
    msg = find(errors_of(project), UNIT, 13, "weibo", "未知的键“weibo”", "可用的键有")
    assert "您是不是想写" not in msg


def test_unknown_key_in_nested_map(project):
    write(project, RECTS, replace(RECTS_FGW, "    verified_by: 县督查室", "    verifed_by: 县督查室"))
    find(errors_of(project), RECTS, 20, "rectifications[0].closure.verifed_by", "您是不是想写“verified_by”")


def test_missing_required_key(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  commitment: 每月走访企业。\n", ""))
    find(errors_of(project), PLEDGES, 18, "pledges[1].commitment", "缺少必填的键“commitment”")


def test_required_key_left_empty(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 常态化走访企业", "  title:"))
    find(errors_of(project), PLEDGES, 18, "pledges[1].title", "缺少必填的键“title”")


def test_missing_required_key_of_site(project):
    write(project, "data/site.yaml", replace(SITE, "owner: 测试县人民政府办公室\n", ""))
    find(errors_of(project), "data/site.yaml", 1, "owner", "缺少必填的键“owner”")


def test_empty_text(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  title: 常态化走访企业", '  title: "  "'))
    find(errors_of(project), PLEDGES, 20, "pledges[1].title", "不能为空")


@pytest.mark.parametrize("value,reads_as", [
    ("0375123", "数字"), ("no", "布尔值"), ("yes", "布尔值"), ("on", "布尔值"), ("off", "布尔值"),
    ("12:30", "数字"), ("2025-01-01", "日期时间"), ("3.14", "数字"), ("~", None),
])
def test_unquoted_value_where_text_is_expected(project, value, reads_as):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", f"head: {value}"))
    if reads_as is None:  # ~ is an empty optional value: absent, not an error
        clean(project)
        return
    find(errors_of(project), UNIT, 5, "head", reads_as, "请加引号", f'"{value}"')


def test_unquoted_phone_number(project):
    write(project, UNIT, replace(UNIT_FGW, '  phone: "0375-1234567"', "  phone: 0375123"))
    find(errors_of(project), UNIT, 8, "contact.phone", "请加引号", '"0375123"')


def test_quoted_values_are_text(project):
    text = replace(UNIT_FGW, '  phone: "0375-1234567"', "  phone: '0375123'")
    text = replace(text, "head: 张三", 'head: "no"')
    write(project, UNIT, text)
    clean(project)


def test_list_where_text_is_expected(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", "head:\n  - 张三"))
    find(errors_of(project), UNIT, 6, "head", "应为文本", "列表")


def test_text_where_list_is_expected(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  measures:\n    - 梳理事项清单", "  measures: 梳理事项清单"))
    find(errors_of(project), PLEDGES, 5, "pledges[0].measures", "应为列表")


def test_impossible_date(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  published: 2025-01-10", "  published: 2025-02-30"))
    find(errors_of(project), PLEDGES, 8, "pledges[0].published", "2025-02-30", "不是真实存在的日期")


def test_impossible_date_2021_02_30(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  deadline: 2021-02-30"))
    find(errors_of(project), PLEDGES, 9, "pledges[0].deadline", "2021-02-30", "不是真实存在的日期")


@pytest.mark.parametrize("value", ["2025/01/10", "2025-1-10", "明天", "20250110"])
def test_not_a_date(project, value):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  published: 2025-01-10", f"  published: {value}"))
    find(errors_of(project), PLEDGES, 8, "pledges[0].published", "应为日期", "YYYY-MM-DD")


def test_quoted_date_is_fine(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  published: 2025-01-10", '  published: "2025-01-10"'))
    clean(project)


@pytest.mark.parametrize("value", ["120", "-1", "101"])
def test_progress_out_of_range(project, value):
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", f"  progress: {value}"))
    find(errors_of(project), LEDGER, 3, "ledger[0].progress", "超出范围", "0 到 100", value)


@pytest.mark.parametrize("value", ["0", "100"])
def test_progress_bounds_are_in_range(project, value):
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", f"  progress: {value}"))
    clean(project)  # the next entry of the pledge is 100, so neither value is a fall


def test_progress_not_a_number(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", "  progress: 三成"))
    find(errors_of(project), LEDGER, 3, "ledger[0].progress", "应为整数")


def test_progress_quoted(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", '  progress: "30"'))
    find(errors_of(project), LEDGER, 3, "ledger[0].progress", "去掉引号")


@pytest.mark.parametrize("field,old,line,value", [
    ("value", "  value: 80", 7, "1" * 400),  # float() of it is inf: int(inf) must not crash
    ("value", "  value: 80", 7, "1e400"),  # inf is no number a citizen can read, nor valid JSON
    ("progress", "  progress: 30", 3, "1" * 5000),  # more digits than int() accepts
])
def test_absurd_numbers_are_errors_not_crashes(project, field, old, line, value):
    write(project, LEDGER, replace(LEDGER_FGW, old, f"  {field}: {value}"))
    rc, out, err = run_cli(project, "check")
    assert "Traceback" not in out + err, err[-2000:]
    assert rc == 1, out + err
    find(out.splitlines(), LEDGER, line, f"ledger[0].{field}")


def test_score_out_of_range(project):
    ev = f"data/evaluations/{CAMPAIGN}.yaml"
    write(project, ev, replace(FILES[ev], "    social: 80\n", "    social: 180\n"))
    find(errors_of(project), ev, 21, "scores[1].social", "超出范围")


def test_choice_with_hint(project):
    write(project, RECTS, replace(RECTS_FGW, "  source: 督查", "  source: 明察暗方"))
    find(errors_of(project), RECTS, 4, "rectifications[0].source", "“明察暗方”不是可选值", "您是不是想写“明察暗访”")


@pytest.mark.parametrize("bad", ["WangBan", "-x", "网办", "a_b"])
def test_id_pattern(project, bad):
    write(project, PLEDGES, replace(PLEDGES_FGW, "- id: zoufang", f"- id: {bad}"))
    find(errors_of(project), PLEDGES, 18, "pledges[1].id", "格式不对", "小写字母")


def test_target_must_be_operator_and_number(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, '    target: ">= 90"', '    target: "至少 90"'))
    find(errors_of(project), PLEDGES, 17, "pledges[0].indicator.target", "运算符")


def test_wrong_type_of_whole_file(project):
    write(project, UNIT, "- id: fgw\n")
    find(errors_of(project), UNIT, 1, "", "应为映射")


# ---- what a clerk types instead (issue 15) --------------------------------------------------


def test_full_width_digits_in_a_date(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  deadline: ２０２５-０６-３０"))
    msg = find(errors_of(project), PLEDGES, 9, "pledges[0].deadline", "应为日期", "“２０２５-０６-３０”里有全角数字（U+FF10–U+FF19）",
               "请用半角（英文）重新输入，写成 2025-06-30", "Shift+空格")
    assert "不是真实存在的日期" not in msg


def test_full_width_hyphens_in_a_date(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  deadline: 2025－06－30"))
    find(errors_of(project), PLEDGES, 9, "pledges[0].deadline", "“2025－06－30”里有全角连字符（U+FF0D）", "写成 2025-06-30")


def test_full_width_digits_in_a_number(project):
    # int("３０") is 30 in Python: without this check it would pass while every other tool refuses it.
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", "  progress: ３０"))
    find(errors_of(project), LEDGER, 3, "ledger[0].progress", "应为整数", "“３０”里有全角数字（U+FF10–U+FF19）", "写成 30")


def test_curly_quotes_around_a_date(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  deadline: “2025-06-30”"))
    find(errors_of(project), PLEDGES, 9, "pledges[0].deadline", "应为日期", "值两端是中文引号 “…”（U+201C、U+201D）",
         "这里不用加引号，请去掉它们，写成 2025-06-30")


def test_curly_quotes_around_a_target(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, '    target: ">= 90"', "    target: “>= 90”"))
    find(errors_of(project), PLEDGES, 17, "pledges[0].indicator.target", "中文引号 “…”（U+201C、U+201D）",
         "YAML 只认半角（英文）引号，请换成英文双引号，写成 \">= 90\"")


def test_no_break_space_inside_a_target(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, '    target: ">= 90"', '    target: ">=\u00a090"'))
    find(errors_of(project), PLEDGES, 17, "pledges[0].indicator.target", "不间断空格（U+00A0）", "写成 \">= 90\"")


def test_greater_or_equal_sign_in_a_target(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, '    target: ">= 90"', '    target: "≥ 90"'))
    find(errors_of(project), PLEDGES, 17, "pledges[0].indicator.target", "大于等于号（U+2265）", "写成 \">= 90\"")


def test_curly_quotes_around_a_choice(project):
    write(project, RECTS, replace(RECTS_FGW, "  source: 督查", "  source: “督查”"))
    find(errors_of(project), RECTS, 4, "rectifications[0].source", "“督查”不是可选值", "中文引号 “…”（U+201C、U+201D）",
         "请去掉它们，写成 督查")


def test_full_width_letters_in_an_id(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  pledge: zoufang", "  pledge: ｚｏｕｆａｎｇ"))
    find(errors_of(project), LEDGER, 9, "ledger[1].pledge", "全角字母（U+FF21–U+FF5A）", "写成 zoufang")


def test_chinese_field_name_gets_the_key(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  deadline: 2025-06-30", "  完成时限: 2025-06-30"))
    lines = errors_of(project)
    find(lines, PLEDGES, 9, "pledges[0].完成时限", "未知的键“完成时限”（您是不是想写“deadline”？）", "字段名要用英文",
         "即“deadline: 2025-06-30”")


def test_chinese_name_of_a_required_field_is_one_message(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  commitment: 每月走访企业。", "  承诺内容: 每月走访企业。"))
    lines = errors_of(project)
    find(lines, PLEDGES, 21, "pledges[1].承诺内容", "您是不是想写“commitment”", "即“commitment: 每月走访企业。”")
    assert not [ln for ln in lines if "缺少必填的键" in ln], lines


@pytest.mark.parametrize("rel, base, old, new, line, key, meant", [
    (LEDGER, LEDGER_FGW, "  progress: 10", "  进度: 10", 10, "ledger[1].进度", "progress"),
    (LEDGER, LEDGER_FGW, "    - evidence/qingdan.pdf", "    - evidence/qingdan.pdf\n  佐证材料: x", 7, "ledger[0].佐证材料", "evidence"),
    (UNIT, UNIT_FGW, "short_name: 发改委", "简称: 发改委", 3, "简称", "short_name"),
    (RECTS, RECTS_FGW, "  found: 2025-03-01", "  发现日期: 2025-03-01", 3, "rectifications[0].发现日期", "found"),
    (PLEDGES, PLEDGES_FGW, "  published: 2025-01-15", "  公示日期: 2025-01-15", 22, "pledges[1].公示日期", "published"),
])
def test_chinese_names_from_the_field_reference(project, rel, base, old, new, line, key, meant):
    write(project, rel, replace(base, old, new))
    find(errors_of(project), rel, line, key, f"您是不是想写“{meant}”", "字段名要用英文")


def test_change_field_written_in_chinese(project):
    change = "  changes:\n    - date: 2025-02-01\n      field: 完成时限\n      from: 2025-05-31\n      to: 2025-06-30\n      why: 调整\n"
    write(project, PLEDGES, replace(PLEDGES_FGW, "  responsible: 王五\n", "  responsible: 王五\n" + change))
    find(errors_of(project), PLEDGES, 13, "pledges[0].changes[0].field", "“完成时限”不是可选值（您是不是想写“deadline”？）",
         "这里要写字段的英文名，完成时限 是 deadline")


def test_curly_quoted_key(project):
    write(project, UNIT, replace(UNIT_FGW, "head: 张三", "“head”: 张三"))
    find(errors_of(project), UNIT, 5, "“head”", "未知的键“head”", "键两端是中文引号 “…”（U+201C、U+201D）", "写成 head")


def test_pledge_title_where_its_id_belongs(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  pledge: zoufang", "  pledge: 常态化走访企业"))
    msg = find(errors_of(project), LEDGER, 9, "ledger[1].pledge", "“常态化走访企业”是承诺的名称", "您是不是想写“zoufang”？")
    assert "格式不对" not in msg


def test_a_shortened_pledge_title_is_still_recognised(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  pledge: zoufang", "  pledge: 走访企业"))
    find(errors_of(project), LEDGER, 9, "ledger[1].pledge", "您是不是想写“zoufang”？")


def test_campaign_title_where_its_id_belongs(project):
    write(project, PLEDGES, replace(PLEDGES_FGW, "  campaign: zhudong-fuwu\n  title: 常态", "  campaign: 主动服务活动\n  title: 常态"))
    find(errors_of(project), PLEDGES, 19, "pledges[1].campaign", "“主动服务活动”是活动的名称", "您是不是想写“zhudong-fuwu”？")


@pytest.mark.parametrize("written", ["县税务局", "税务局"])
def test_unit_name_where_its_id_belongs(project, written):
    write(project, "data/inspections/2025.yaml", replace(INSPECTIONS, "  - unit: swj", f"  - unit: {written}"))
    find(errors_of(project), "data/inspections/2025.yaml", 12, "inspections[0].findings[1].unit", f"“{written}”是单位的名称",
         "您是不是想写“swj”？")


def test_unit_name_in_evaluation_scores(project):
    write(project, f"data/evaluations/{CAMPAIGN}.yaml", replace(EVALUATION, "  - unit: fgw", "  - unit: 发改委"))
    find(errors_of(project), f"data/evaluations/{CAMPAIGN}.yaml", 15, "scores[0].unit", "您是不是想写“fgw”？")


def test_unknown_name_where_an_id_belongs_lists_the_ids(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  pledge: zoufang", "  pledge: 别的事情"))
    find(errors_of(project), LEDGER, 9, "ledger[1].pledge", "这里要写承诺的标识（英文编号", "不是承诺的名称",
         "已有的承诺：wangban（项目审批网上办）、zoufang（常态化走访企业）")


# ---- JSON Schema --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(schema.KINDS))
def test_schema_is_valid_draft_2020_12(kind):
    s = schema.json_schema(kind)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(s)


def _plain(value):
    """yaml.safe_load output as JSON: dates become strings, as an editor's tool sees them."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _kind_of(rel: str) -> str | None:
    parts = rel.split("/")
    name = parts[-1]
    if rel == "data/site.yaml":
        return "site"
    if parts[1] == "campaigns":
        return "campaign"
    if parts[1] == "inspections":
        return "inspections"
    if parts[1] == "evaluations":
        return "evaluation"
    if parts[1] == "units":
        if parts[3] == "reports":
            return "report"
        return {"unit.yaml": "unit", "pledges.yaml": "pledges", "ledger.yaml": "ledger",
                "rectifications.yaml": "rectifications"}.get(name)
    return None


def _instance(rel: str, content) -> object:
    if rel.endswith(".md"):
        front = content.split("---\n")[1]
        return _plain(yaml.safe_load(front))
    return _plain(yaml.safe_load(content))


FIXTURE_FILES = sorted(rel for rel in FILES if _kind_of(rel))


def test_every_kind_is_covered_by_the_fixture():
    assert {_kind_of(rel) for rel in FIXTURE_FILES} == set(schema.KINDS)


@pytest.mark.parametrize("rel", FIXTURE_FILES)
def test_schema_accepts_what_the_checker_accepts(project, rel):
    clean(project)  # the checker accepts the fixture ...
    validator = Draft202012Validator(schema.json_schema(_kind_of(rel)),
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(_instance(rel, FILES[rel])), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)  # ... and so does the schema


def test_schema_refuses_an_unknown_key_as_the_checker_does():
    v = Draft202012Validator(schema.json_schema("pledges"))
    item = _instance(PLEDGES, PLEDGES_FGW)
    item[0]["deadlin"] = "2025-06-30"
    assert not v.is_valid(item)


def test_schema_refuses_a_missing_required_key():
    v = Draft202012Validator(schema.json_schema("unit"))
    unit = _instance(UNIT, UNIT_FGW)
    del unit["name"]
    assert not v.is_valid(unit)


def test_schema_refuses_out_of_range_progress():
    v = Draft202012Validator(schema.json_schema("ledger"))
    ledger = _instance(LEDGER, LEDGER_FGW)
    ledger[0]["progress"] = 120
    assert not v.is_valid(ledger)


def test_gongshi_schema_writes_every_kind(tmp_path):
    out = tmp_path / "schema-out"
    rc, _out, err = cli(tmp_path, "schema", "--out", str(out))
    assert rc == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.json" for k in schema.KINDS)
    for p in out.iterdir():
        Draft202012Validator.check_schema(json.loads(p.read_text(encoding="utf-8")))


def test_committed_schema_files_are_up_to_date(tmp_path):
    out = tmp_path / "fresh"
    rc, _out, err = cli(tmp_path, "schema", "--out", str(out))
    assert rc == 0, err
    committed = REPO / "schema"
    fresh = {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.json")}
    have = {p.name: p.read_text(encoding="utf-8") for p in committed.glob("*.json")}
    stale = sorted(n for n in fresh.keys() | have.keys() if fresh.get(n) != have.get(n))
    assert not stale, f"schema/ is out of date ({', '.join(stale)}): run `gongshi schema` and commit schema/*.json"


def test_key_paths_cover_nested_keys():
    paths = schema.key_paths("campaign")
    assert "phases[].duties[].every_days" in paths
    assert "indicators[].measurements[].value" in paths
    assert "closure.verified_on" in schema.key_paths("rectifications")


@pytest.mark.parametrize("dash, name", [("－", "全角连字符（U+FF0D）"), ("—", "破折号（U+2014）")])
def test_list_items_started_with_a_full_width_dash(project, dash, name):
    write(project, PLEDGES, replace(PLEDGES_FGW, "    - 梳理事项清单", f"    {dash} 梳理事项清单"))
    find(errors_of(project), PLEDGES, 6, "pledges[0].measures", f"列表项以{name}开头", "以半角（英文）减号加一个空格“- ”开头")


def test_schema_carries_the_duty_rule():
    """A ledger duty needs every_days and no due; every other kind needs due and no every_days: the
    JSON Schema an editor sees says so, as the checker does."""
    v = Draft202012Validator(schema.json_schema("campaign"))
    rel = f"data/campaigns/{CAMPAIGN}.yaml"
    campaign = _instance(rel, FILES[rel])
    duties = [d for ph in campaign["phases"] for d in ph.get("duties", [])]
    assert {d["kind"] for d in duties} >= {"ledger", "pledges"} and v.is_valid(campaign)
    for d in duties:
        key = "every_days" if d["kind"] == "ledger" else "due"
        other = "due" if key == "every_days" else "every_days"
        saved = d.pop(key)
        assert not v.is_valid(campaign), f"{d['kind']} without {key}"
        d[key] = saved
        d[other] = 30 if other == "every_days" else "2025-06-30"
        assert not v.is_valid(campaign), f"{d['kind']} with {other}"
        del d[other]
    assert v.is_valid(campaign)
