"""`gongshi check`: exit codes, output formats, warnings, --strict and the as-of date."""

import json
import shutil

import pytest
from helpers import (
    CAMPAIGN,
    CAMPAIGN_YAML,
    LEDGER_FGW,
    LEDGER_SWJ,
    PLEDGES_FGW,
    PLEDGES_SWJ,
    SITE,
    UNIT_SWJ,
    check_lines,
    checked,
    cli,
    d,
    errors_of,
    find,
    replace,
    run_cli,
    write,
)

from generator.model.records import PledgeState

LEDGER = "data/units/fgw/ledger.yaml"
SWJ_PLEDGES = "data/units/swj/pledges.yaml"

OPEN_PLEDGE = """\
- id: changtai
  campaign: zhudong-fuwu
  title: 常态化上门服务
  commitment: 每月上门服务。
  published: 2025-01-12
"""  # appended to PLEDGES_SWJ: pledges[1] on line 7; open, no entries, no deadline


def _no_traceback(*texts):
    for t in texts:
        assert "Traceback" not in t


def test_clean_project_exits_0_with_a_summary(project):
    rc, out, err = run_cli(project, "check")
    assert rc == 0, out + err
    assert out == ""
    assert "检查了 2 个单位、3 项承诺、4 条台账、1 个问题" in err and "没有错误" in err


def test_errors_exit_1_with_a_summary(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", "  progress: 120"))
    rc, out, err = run_cli(project, "check")
    assert rc == 1
    _no_traceback(out, err)
    assert out.splitlines() == [
        "data/units/fgw/ledger.yaml:3: ledger[0].progress：超出范围：应在 0 到 100 之间，实际是 120"]
    assert "1 个错误" in err


def _many_errors(project):
    write(project, "data/site.yaml", replace(SITE, "timezone: Asia/Shanghai", "timezone: Nowhere/City"))
    write(project, "data/units/swj/unit.yaml", replace(UNIT_SWJ, "category: 审批职能部门", "category: 审批部门"))
    write(project, LEDGER, replace(replace(LEDGER_FGW, "  progress: 30", "  progress: 120"), "pledge: zoufang", "pledge: nosuch"))
    write(project, f"data/campaigns/{CAMPAIGN}.yaml", replace(CAMPAIGN_YAML, "    end: 2025-01-31", "    end: 2024-01-31"))
    write(project, "data/units/fgw/pledges.yaml", replace(PLEDGES_FGW, "- id: zoufang", "- id: wangban"))
    write(project, "data/units/fgw/unit.yaml", "")
    return [
        (f"data/campaigns/{CAMPAIGN}.yaml", 11, "phases[0].end"),
        ("data/site.yaml", 3, "timezone"),
        ("data/units/fgw/unit.yaml", 1, ""),
        ("data/units/swj/unit.yaml", 3, "category"),
    ]


def test_every_problem_in_one_run_sorted_by_file_then_line(project):
    expected = _many_errors(project)
    rc, lines = check_lines(project)
    assert rc == 1
    for path, line, key in expected:
        find(lines, path, line, key)
    where = []
    for ln in lines:
        path, rest = ln.split(":", 1)
        num = rest.split(":", 1)[0]
        where.append((path, int(num) if num.isdigit() else 0))
    assert where == sorted(where)
    assert len(lines) == len(set(lines))


def test_every_problem_in_one_file(project):
    write(project, LEDGER, replace(replace(LEDGER_FGW, "  progress: 30", "  progress: 120"), "  progress: 10", "  progress: 101"))
    lines = errors_of(project)
    find(lines, LEDGER, 3, "ledger[0].progress")
    find(lines, LEDGER, 10, "ledger[1].progress")


def test_format_json(project):
    _many_errors(project)
    rc, out, err = cli(project, "check", "--format", "json")
    _no_traceback(out, err)
    assert rc == 1
    items = json.loads(out)
    assert isinstance(items, list) and items
    for it in items:
        assert set(it) == {"path", "line", "key", "level", "message"}
        assert isinstance(it["line"], int) and it["level"] in ("error", "warning")
    it = next(i for i in items if i["path"] == "data/site.yaml")
    assert it == {"path": "data/site.yaml", "line": 3, "key": "timezone", "level": "error",
                  "message": "“Nowhere/City”不是有效的时区名称，如 Asia/Shanghai"}
    empty = next(i for i in items if i["path"] == "data/units/fgw/unit.yaml")
    assert empty["line"] == 1 and empty["key"] == ""
    assert [(i["path"], i["line"]) for i in items] == sorted((i["path"], i["line"]) for i in items)


def test_format_json_when_clean_is_an_empty_list(project):
    rc, out, err = cli(project, "check", "--format", "json")
    assert rc == 0 and json.loads(out) == []


def test_format_github(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", "  progress: 120"))
    rc, out, err = cli(project, "check", "--format", "github")
    assert rc == 1
    _no_traceback(out, err)
    assert out.splitlines() == [
        "::error file=data/units/fgw/ledger.yaml,line=3::ledger[0].progress：超出范围：应在 0 到 100 之间，实际是 120"]


def test_format_github_for_an_empty_file_points_at_line_1(project):
    # An annotation without a line is not shown beside the file in a pull request's diff.
    write(project, "data/units/swj/unit.yaml", "")
    rc, out, err = cli(project, "check", "--format", "github")
    assert rc == 1
    assert "::error file=data/units/swj/unit.yaml,line=1::文件是空的：请按字段参考填写内容" in out.splitlines()
    rc, out, err = cli(project, "check")
    assert "data/units/swj/unit.yaml:1: 文件是空的：请按字段参考填写内容" in (out + err)


def test_github_actions_adds_annotations_to_text(project):
    write(project, LEDGER, replace(LEDGER_FGW, "  progress: 30", "  progress: 120"))
    rc, out, err = cli(project, "check", env={"GITHUB_ACTIONS": "true"})
    assert rc == 1
    assert "data/units/fgw/ledger.yaml:3: ledger[0].progress：" in out
    assert "::error file=data/units/fgw/ledger.yaml,line=3::" in out


def test_stale_pledge_is_a_warning(project):
    write(project, SWJ_PLEDGES, PLEDGES_SWJ + OPEN_PLEDGE)
    rc, lines = check_lines(project)
    assert rc == 0
    find(lines, SWJ_PLEDGES, 7, "pledges[1].id", "“常态化上门服务”久未更新", "45 天", warning=True)
    rc, out, err = cli(project, "check", "--format", "json")
    assert rc == 0 and [i["level"] for i in json.loads(out)] == ["warning"]
    rc, out, err = cli(project, "check", "--format", "github")
    assert rc == 0 and out.startswith("::warning file=data/units/swj/pledges.yaml,line=7::pledges[1].id：")


def test_strict_makes_warnings_errors(project):
    write(project, SWJ_PLEDGES, PLEDGES_SWJ + OPEN_PLEDGE)
    rc, lines = check_lines(project, "--strict")
    assert rc == 1
    find(lines, SWJ_PLEDGES, 7, "pledges[1].id", "久未更新")
    rc, out, err = run_cli(project, "check", "--strict")
    assert rc == 1
    _no_traceback(out, err)


def test_strict_on_a_clean_project(project):
    rc, lines = check_lines(project, "--strict")
    assert (rc, lines) == (0, [])


# ---- the as-of date ------------------------------------------------------------------------


def test_as_of_moves_the_view(project):
    write(project, SWJ_PLEDGES, PLEDGES_SWJ + OPEN_PLEDGE)
    # 2025-02-26 is 45 days after publication: not yet stale; 2025-02-27 is 46 days: stale.
    rc, out, err = cli(project, "check", "--strict", "--as-of", "2025-02-26")
    assert (rc, out) == (0, "")
    assert "视图日期 2025-02-26" in err
    rc, lines = check_lines(project, "--as-of", "2025-02-27")
    assert rc == 0
    find(lines, SWJ_PLEDGES, 7, "pledges[1].id", "久未更新", warning=True)


def test_gongshi_as_of_moves_the_view(project):
    write(project, SWJ_PLEDGES, PLEDGES_SWJ + OPEN_PLEDGE)
    rc, out, err = run_cli(project, "check", "--strict", env={"GONGSHI_AS_OF": "2025-02-26"})
    assert (rc, out) == (0, "")
    assert "视图日期 2025-02-26" in err
    rc, out, err = run_cli(project, "check", "--strict", env={"GONGSHI_AS_OF": "2025-02-27"})
    assert rc == 1 and "久未更新" in out


def test_as_of_flag_wins_over_the_environment(project):
    write(project, SWJ_PLEDGES, PLEDGES_SWJ + OPEN_PLEDGE)
    rc, out, err = cli(project, "check", "--strict", "--as-of", "2025-02-26", env={"GONGSHI_AS_OF": "2025-12-31"})
    assert rc == 0 and "视图日期 2025-02-26" in err


def test_as_of_changes_derived_states(project):
    early = checked(project, as_of=d("2025-02-15"))
    now = checked(project)
    assert early.errors == [] and now.errors == []
    state = {v.id: v.state for v in early.derived.pledges}
    assert state == {"wangban": PledgeState.IN_PROGRESS, "zoufang": PledgeState.NOT_STARTED,
                     "jianfei": PledgeState.NOT_STARTED}
    assert {v.id: v.state for v in now.derived.pledges} == {
        "wangban": PledgeState.DONE, "zoufang": PledgeState.WITHDRAWN, "jianfei": PledgeState.DONE}


def test_environment_as_of_reaches_the_library_boundary(project, monkeypatch):
    from generator.view.pipeline import parse_as_of

    monkeypatch.setenv("GONGSHI_AS_OF", "2025-02-15")
    assert parse_as_of(None) == d("2025-02-15")
    assert parse_as_of("2025-03-01") == d("2025-03-01")


def test_records_after_as_of_still_check(project):
    rc, out, err = cli(project, "check", "--strict", "--as-of", "2025-01-01")
    assert (rc, out) == (0, "")


def test_as_of_does_not_move_today(project):
    """A ledger entry after the real today is an error whatever the view date."""
    write(project, LEDGER, replace(LEDGER_FGW, "- date: 2025-03-05", "- date: 2099-01-01"))
    lines = errors_of(project, "--as-of", "2100-01-01")
    find(lines, LEDGER, 8, "ledger[1].date", "晚于今天")


def test_today_can_be_injected_in_the_library(project):
    res = checked(project, today=d("2025-03-06"))
    keys = {(p.path, p.line, p.key) for p in res.errors}
    assert (LEDGER, 12, "ledger[2].date") in keys  # dated 2025-03-10
    assert (LEDGER, 8, "ledger[1].date") not in keys  # dated 2025-03-05
    assert res.derived.as_of == d("2025-03-06")


@pytest.mark.parametrize("bad", ["2025-02-30", "tomorrow", "2025/01/01", "20250101x"])
def test_invalid_as_of_is_a_usage_error(project, bad):
    run = run_cli if bad == "2025-02-30" else cli  # one real process is enough to see the boundary
    rc, out, err = run(project, "check", "--as-of", bad)
    assert rc == 2
    _no_traceback(out, err)
    assert f"日期“{bad}”无效" in err and "YYYY-MM-DD" in err


def test_invalid_gongshi_as_of_is_a_usage_error(project):
    rc, out, err = run_cli(project, "check", env={"GONGSHI_AS_OF": "2025-13-01"})
    assert rc == 2
    _no_traceback(out, err)
    assert "日期“2025-13-01”无效" in err


def test_unknown_format_is_a_usage_error(project):
    rc, out, err = cli(project, "check", "--format", "xml")
    assert rc == 2
    _no_traceback(out, err)


def test_missing_project_is_a_data_error_not_a_crash(tmp_path):
    rc, out, err = run_cli(tmp_path / "nowhere", "check")
    assert rc == 1
    _no_traceback(out, err)
    assert "data/site.yaml" in out


# ---- no 久未更新 from a ledger that could not be read (issue 15) ----------------------------------

SWJ_LEDGER = "data/units/swj/ledger.yaml"
CHANGTAI_ENTRY = """\
- date: 2025-03-01
  pledge: changtai
  progress: 20
  note: 上门服务 3 次。
"""  # appended to LEDGER_SWJ: ledger[1] on line 5, its progress on line 7
QUIET_PLEDGE = """\
- id: xuanjiang
  campaign: zhudong-fuwu
  title: 政策宣讲进园区
  commitment: 每季度进园区宣讲。
  published: 2025-01-12
"""  # appended after OPEN_PLEDGE: pledges[2] on line 12; open, never any entry


def _swj_with_open_pledges(project, ledger: str) -> None:
    write(project, SWJ_PLEDGES, PLEDGES_SWJ + OPEN_PLEDGE + QUIET_PLEDGE)
    write(project, SWJ_LEDGER, ledger)


def test_the_stale_fixture_warns_only_for_the_pledge_without_entries(project):
    _swj_with_open_pledges(project, LEDGER_SWJ + CHANGTAI_ENTRY)
    rc, lines = check_lines(project, "--as-of", "2025-03-10")
    assert rc == 0
    assert lines == [f"{SWJ_PLEDGES}:12: 警告：pledges[2].id：承诺“政策宣讲进园区”久未更新：最近一次进展在 2025-01-12，"
                     "已超过 45 天没有台账记录"]


def test_a_ledger_that_does_not_parse_adds_no_stale_warnings(project):
    _swj_with_open_pledges(project, LEDGER_SWJ + CHANGTAI_ENTRY.replace("  progress: 20", "  progress：20"))
    rc, out, err = run_cli(project, "check", "--as-of", "2025-03-10")
    _no_traceback(out, err)
    assert rc == 1
    lines = out.splitlines()
    find(lines, SWJ_LEDGER, 7, "", "“progress”后面是全角冒号“：”（U+FF1A）")
    assert [ln for ln in lines if "久未更新" in ln] == [], lines  # jianfei and changtai would look stale


def test_a_broken_ledger_entry_adds_no_stale_warning_for_its_pledge(project):
    _swj_with_open_pledges(project, LEDGER_SWJ + CHANGTAI_ENTRY.replace("  progress: 20", "  progress: ２０"))
    lines = errors_of(project, "--as-of", "2025-03-10")
    find(lines, SWJ_LEDGER, 7, "ledger[1].progress", "全角数字")
    assert not [ln for ln in lines if "常态化上门服务" in ln], lines
    # a pledge the error does not touch is still warned about
    find(lines, SWJ_PLEDGES, 12, "pledges[2].id", "“政策宣讲进园区”久未更新", warning=True)


def test_an_invisible_character_in_an_entry_keeps_the_other_warnings(project):
    _swj_with_open_pledges(project, LEDGER_SWJ + CHANGTAI_ENTRY.replace("  note: 上门服务 3 次。", "  note: 上门服务 3 次。\u200b"))
    lines = errors_of(project, "--as-of", "2025-03-10")
    find(lines, SWJ_LEDGER, 8, "", "有看不见的零宽空格（U+200B）", "紧跟在“次。”后面")
    assert not [ln for ln in lines if "常态化上门服务" in ln], lines
    find(lines, SWJ_PLEDGES, 12, "pledges[2].id", "久未更新", warning=True)


def test_a_broken_ledger_holds_back_stale_in_another_data_folder(project):
    """A ledger that does not parse gives its error, not 久未更新 for its pledges, with data_dir too."""
    from generator.view.pipeline import check

    write(project, SWJ_PLEDGES, PLEDGES_SWJ + OPEN_PLEDGE)
    write(project, "data/units/swj/ledger.yaml", "- date: 2025-02-01\n  pledge: changtai\n  progress: [\n")
    shutil.move(project / "data", project / "records")
    res = check(project, data_dir="records")
    assert any(p.path == "records/units/swj/ledger.yaml" for p in res.errors), res.problems
    assert not [p for p in res.warnings if "久未更新" in p.message], res.warnings
