"""History is never rewritten (contract §3b, issue 12): backdating is refused, the honest way passes.

Every test works on a real git repository whose commits are dated 2025-12-01 (Asia/Shanghai), so
the reference day is 2025-11-24 with the default grace window of 7 days.  For each way of rewriting
the past that the issue lists, the backdated change fails with file:line, the date, how many days
before the reference day it is and the public state it would change; the same change dated today
(or recorded as a public ``changes`` entry) passes.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from gitfixture import commit, first_import, git, line_of, repo
from helpers import CAMPAIGN, LEDGER_FGW, PLEDGES_FGW, RECTS_FGW, SITE, cli, errors_of, make_project, replace, write

from generator.model.errors import Problem
from generator.publish.export import gongshi_json
from generator.review import history
from generator.review.integrity import check_against_rev, compare_with_export
from generator.review.reviewdiff import review_markdown
from generator.view.pipeline import check

TODAY = date(2025, 12, 31)
PLEDGES = "data/units/fgw/pledges.yaml"
LEDGER = "data/units/fgw/ledger.yaml"
RECTS = "data/units/fgw/rectifications.yaml"

# Overdue since 2025-10-01: no ledger entry, deadline 2025-09-30.
ZIXUN = """\
- id: zixun
  campaign: zhudong-fuwu
  title: 政策咨询专线
  commitment: 开通政策咨询专线。
  published: 2025-02-01
  deadline: 2025-09-30
"""
# Overdue since 2025-09-01: no closure, deadline 2025-08-31.
WENTI_2 = """\
- id: wenti-2
  campaign: zhudong-fuwu
  found: 2025-06-01
  source: 自查
  category: 服务效率
  problem: 政策咨询电话**无人接听**。
  measures:
    - 安排专人值守
    - 公布备用号码
  responsible: 王五
  deadline: 2025-08-31
  updates:
    - date: 2025-07-01
      note: 已安排一人值守。
"""
# A township that published nothing: its 公开承诺 and 问题清单 duties are missed.
XZF = {"data/units/xzf/unit.yaml": "id: xzf\nname: 城关镇人民政府\nshort_name: 城关镇\ncategory: 乡镇政府\n"}
BASE = {PLEDGES: PLEDGES_FGW + ZIXUN, RECTS: RECTS_FGW + WENTI_2, **XZF}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(replace(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def append(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + text, encoding="utf-8")


def violations(root: Path, rev: str = "HEAD~1") -> list[Problem]:
    res = check(root, today=TODAY)
    assert not res.errors, "\n".join(p.text() for p in res.errors)
    return check_against_rev(root, rev, res)


def one(problems: list[Problem], path: str, line: int, key: str, *contains: str) -> Problem:
    hits = [p for p in problems if p.path == path and p.line == line and p.key == key and all(c in p.message for c in contains)]
    assert len(hits) == 1, f"no single problem {path}:{line} {key} {contains}; got:\n" + "\n".join(p.text() for p in problems)
    return hits[0]


def passes(root: Path, rev: str = "HEAD~1") -> None:
    found = violations(root, rev)
    assert not found, "\n".join(p.text() for p in found)


def base(tmp_path: Path, extra: dict | None = None) -> Path:
    return repo(tmp_path, {**BASE, **(extra or {})})


# --- the cases, each refused and then done the honest way ----------------------------


def test_backdated_withdrawal_of_an_overdue_pledge_is_refused_and_withdrawing_today_passes(tmp_path):
    root = base(tmp_path)
    append(root, PLEDGES, "  withdrawn:\n    date: 2025-09-15\n    why: 并入 12345 热线。\n")
    commit(root)
    p = one(violations(root), PLEDGES, line_of(root, PLEDGES, "date: 2025-09-15"), "pledges[2].withdrawn.date",
            "撤回日期 2025-09-15", "早于基准日 2025-11-24 70 天", "fgw/zixun",
            "2025-09-15 起的状态将由 未开始 变为 已撤回，2025-10-01 起由 逾期 变为 已撤回",
            "请把撤回日期写为今天")
    assert "2025-12-01" in p.message and "7 天" in p.message

    edit(root, PLEDGES, "date: 2025-09-15", "date: 2025-12-10")
    commit(root)
    passes(root, "HEAD~2")


def test_deadline_extended_by_a_backdated_change_is_refused_and_a_change_dated_today_passes(tmp_path):
    root = base(tmp_path)
    edit(root, PLEDGES, "deadline: 2025-09-30", "deadline: 2025-12-31")
    append(root, PLEDGES, "  changes:\n    - date: 2025-07-20\n      field: deadline\n      from: 2025-09-30\n"
                          "      to: 2025-12-31\n      why: 根据工作需要调整\n")
    commit(root)
    one(violations(root), PLEDGES, line_of(root, PLEDGES, "- date: 2025-07-20"), "pledges[2].changes[0].date",
        "早于基准日 2025-11-24 127 天", "2025-10-01 起的状态将由 逾期 变为 未开始", "date 写为今天")

    edit(root, PLEDGES, "- date: 2025-07-20", "- date: 2025-12-05")
    commit(root)
    passes(root, "HEAD~2")
    # The page as of a day in October still shows the pledge overdue against its old deadline.
    view = check(root, as_of=date(2025, 10, 15), today=TODAY).derived
    v = view.pledge("fgw", "zixun")
    assert v is not None and v.state.value == "逾期" and v.deadline == date(2025, 9, 30)


def test_a_backdated_completing_ledger_entry_is_refused_and_one_dated_today_passes(tmp_path):
    root = base(tmp_path)
    entry = "- date: 2025-09-25\n  pledge: zixun\n  progress: 100\n  note: 专线开通。\n"
    append(root, LEDGER, entry)
    commit(root)
    one(violations(root), LEDGER, line_of(root, LEDGER, "- date: 2025-09-25"), "ledger[3].date",
        "台账日期 2025-09-25", "早于基准日 2025-11-24 60 天", "2025-10-01 起由 逾期 变为 已完成", "note 中写明")

    edit(root, LEDGER, "- date: 2025-09-25\n  pledge: zixun\n  progress: 100\n  note: 专线开通。",
         "- date: 2025-12-10\n  pledge: zixun\n  progress: 100\n  note: 专线已于 9 月 25 日开通，今天补记。")
    commit(root)
    passes(root, "HEAD~2")
    v = check(root, today=TODAY).derived.pledge("fgw", "zixun")
    assert v is not None and v.state.value == "逾期完成"


def test_a_closure_dated_before_the_deadline_of_an_overdue_problem_is_refused(tmp_path):
    root = base(tmp_path)
    append(root, RECTS, "  closure:\n    date: 2025-08-20\n    summary: 已安排专人值守。\n")
    commit(root)
    one(violations(root), RECTS, line_of(root, RECTS, "date: 2025-08-20"), "rectifications[1].closure.date",
        "销号日期 2025-08-20", "早于基准日 2025-11-24 96 天", "问题 fgw/wenti-2 2025-08-20 起的状态将由 整改中 变为 待验收",
        "closure.date 写为今天")

    edit(root, RECTS, "date: 2025-08-20", "date: 2025-12-10")
    commit(root)
    passes(root, "HEAD~2")
    r = next(r for r in check(root, as_of=date(2025, 11, 1), today=TODAY).derived.rectifications if r.id == "wenti-2")
    assert r.state.value == "逾期未整改"


def test_a_backdated_pledge_turning_a_missed_duty_into_met_is_refused(tmp_path):
    root = base(tmp_path)
    write(root, "data/units/xzf/pledges.yaml", "- id: banzheng\n  campaign: zhudong-fuwu\n  title: 帮办代办\n"
                                               "  commitment: 为群众帮办代办。\n  published: 2025-01-15\n")
    commit(root)
    p = one(violations(root), "data/units/xzf/pledges.yaml", 5, "pledges[0].published", "公示日期 2025-01-15",
            "早于基准日 2025-11-24 313 天", "公开承诺责任", "变为 已完成")
    assert "城关镇人民政府" in p.message

    edit(root, "data/units/xzf/pledges.yaml", "published: 2025-01-15", "published: 2025-12-10")
    commit(root)
    passes(root, "HEAD~2")
    duty = next(d for d in check(root, today=TODAY).derived.duties if d.unit == "xzf" and d.kind.value == "pledges")
    assert duty.state.value == "逾期完成"


def test_a_backdated_problem_turning_a_missed_duty_into_met_is_refused(tmp_path):
    root = base(tmp_path)
    write(root, "data/units/xzf/rectifications.yaml", "- id: wenti-1\n  campaign: zhudong-fuwu\n  found: 2025-03-15\n"
                                                      "  source: 自查\n  problem: 窗口无人。\n  measures:\n    - 排班\n"
                                                      "  deadline: 2026-01-31\n")
    commit(root)
    one(violations(root), "data/units/xzf/rectifications.yaml", 3, "rectifications[0].found", "发现日期 2025-03-15",
        "问题清单责任", "变为 已完成", "found 写为今天")

    edit(root, "data/units/xzf/rectifications.yaml", "found: 2025-03-15", "found: 2025-12-10")
    commit(root)
    passes(root, "HEAD~2")


def test_a_backdated_report_and_inspection_are_refused(tmp_path):
    root = base(tmp_path)
    write(root, f"data/units/xzf/reports/{CAMPAIGN}.md", "---\ntitle: 城关镇总结\nsubmitted: 2025-07-18\n---\n\n正文。\n")
    append(root, "data/inspections/2025.yaml", "- id: ducha-9\n  campaign: zhudong-fuwu\n  date: 2025-10-10\n"
                                                "  method: 电话核实\n  by: 县督查组\n")
    commit(root)
    found = violations(root)
    one(found, f"data/units/xzf/reports/{CAMPAIGN}.md", 3, "submitted", "提交日期 2025-07-18", "总结报告责任",
        "2025-07-21 起由 未完成 变为 已完成")
    one(found, "data/inspections/2025.yaml", line_of(root, "data/inspections/2025.yaml", "date: 2025-10-10"),
        "inspections[1].date", "督查 ducha-9 的日期 2025-10-10", "早于基准日 2025-11-24 45 天")


# --- the grace window ------------------------------------------------------------------------


@pytest.mark.parametrize("day, ok", [("2025-11-24", True), ("2025-11-23", False)])
def test_both_sides_of_the_default_grace_window(tmp_path, day, ok):
    root = base(tmp_path)
    append(root, LEDGER, f"- date: {day}\n  pledge: zixun\n  progress: 20\n  note: 整理咨询问题清单。\n")
    commit(root)
    if ok:
        passes(root)
    else:
        one(violations(root), LEDGER, line_of(root, LEDGER, f"- date: {day}"), "ledger[3].date", "早于基准日 2025-11-24 1 天")


@pytest.mark.parametrize("day, ok", [("2025-10-01", True), ("2025-09-30", False)])
def test_the_grace_window_is_the_bases_backdate_grace_days(tmp_path, day, ok):
    root = base(tmp_path, {"data/site.yaml": SITE + "backdate_grace_days: 61\n"})
    append(root, LEDGER, f"- date: {day}\n  pledge: zixun\n  progress: 20\n  note: 整理咨询问题清单。\n")
    commit(root)
    if ok:
        passes(root)
    else:
        one(violations(root), LEDGER, line_of(root, LEDGER, f"- date: {day}"), "ledger[3].date", "早于基准日 2025-10-01 1 天")


def test_a_change_cannot_widen_its_own_grace_window(tmp_path):
    root = base(tmp_path)
    write(root, "data/site.yaml", SITE + "backdate_grace_days: 365\n")
    append(root, LEDGER, "- date: 2025-09-25\n  pledge: zixun\n  progress: 100\n  note: 专线开通。\n")
    commit(root)
    one(violations(root), LEDGER, line_of(root, LEDGER, "- date: 2025-09-25"), "ledger[3].date", "早于基准日 2025-11-24")


def test_a_countys_first_import_into_an_empty_repository_is_not_backdating(tmp_path):
    root = first_import(tmp_path, BASE)
    passes(root)


# --- rectifications change only in public -----------------------------------------------------


@pytest.mark.parametrize("name, old, new", [
    ("problem", "problem: 政策咨询电话**无人接听**。", "problem: 政策咨询电话偶有占线。"),
    ("measures", "    - 安排专人值守\n    - 公布备用号码\n", "    - 安排专人值守\n"),
    ("category", "category: 服务效率", "category: 其他"),
    ("source", "source: 自查\n  category: 服务效率", "source: 群众反映\n  category: 服务效率"),
    ("responsible", "responsible: 王五\n  deadline: 2025-08-31", "responsible: 赵六\n  deadline: 2025-08-31"),
    ("deadline", "deadline: 2025-08-31", "deadline: 2025-12-31"),
])
def test_a_rectification_field_changes_only_with_a_changes_entry(tmp_path, name, old, new):
    root = base(tmp_path)
    edit(root, RECTS, old, new)
    commit(root)
    found = violations(root)
    assert [p.key for p in found] == [f"rectifications[1].{name}"], "\n".join(p.text() for p in found)
    assert f"field: {name}" in found[0].message and "date: 今天" in found[0].message

    frm_to = "      from: 2025-08-31\n      to: 2025-12-31\n" if name == "deadline" else ""
    append(root, RECTS, f"  changes:\n    - date: 2025-12-05\n      field: {name}\n{frm_to}      why: 复核后更正。\n")
    commit(root)
    passes(root, "HEAD~2")


def test_a_rectification_deadline_change_shows_the_old_values_before_its_date(tmp_path):
    root = base(tmp_path)
    edit(root, RECTS, "deadline: 2025-08-31", "deadline: 2025-12-31")
    edit(root, RECTS, "problem: 政策咨询电话**无人接听**。", "problem: 政策咨询电话偶有占线。")
    append(root, RECTS, "  changes:\n    - date: 2025-12-05\n      field: deadline\n      from: 2025-08-31\n"
                        "      to: 2025-12-31\n      why: 需要更换电话系统。\n"
                        "    - date: 2025-12-05\n      field: problem\n      from: 政策咨询电话**无人接听**。\n"
                        "      to: 政策咨询电话偶有占线。\n      why: 核实后更正描述。\n")
    commit(root)
    passes(root)
    before = next(r for r in check(root, as_of=date(2025, 11, 30), today=TODAY).derived.rectifications if r.id == "wenti-2")
    after = next(r for r in check(root, as_of=date(2025, 12, 6), today=TODAY).derived.rectifications if r.id == "wenti-2")
    assert (before.deadline, before.problem, before.state.value) == (date(2025, 8, 31), "政策咨询电话**无人接听**。", "逾期未整改")
    assert (after.deadline, after.problem, after.state.value) == (date(2025, 12, 31), "政策咨询电话偶有占线。", "整改中")
    assert [c.field for c in before.changes] == [] and [c.field for c in after.changes] == ["deadline", "problem"]


def test_published_updates_are_append_only(tmp_path):
    root = base(tmp_path)
    edit(root, RECTS, "note: 已安排一人值守。", "note: 已安排两人值守。")
    commit(root)
    one(violations(root), RECTS, line_of(root, RECTS, "- date: 2025-07-01"), "rectifications[1].updates[0]",
        "整改进展（2025-07-01", "被修改", "只往后加")

    git(root, "reset", "-q", "--hard", "HEAD~1")
    edit(root, RECTS, "  updates:\n    - date: 2025-07-01\n      note: 已安排一人值守。\n", "")
    commit(root)
    one(violations(root), RECTS, line_of(root, RECTS, "- id: wenti-2"), "rectifications[1].updates", "被删除")

    git(root, "reset", "-q", "--hard", "HEAD~1")
    append(root, RECTS, "    - date: 2025-12-10\n      note: 更正：7 月实际安排两人值守。\n")
    commit(root)
    passes(root)


# --- self-verification ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["发改委", "县发展和改革委员会", "fgw", "县发改委"])
def test_a_unit_verifying_its_own_closure_is_an_error_in_plain_check(tmp_path, who):
    root = make_project(tmp_path, {RECTS: RECTS_FGW.replace("verified_by: 县督查室", f"verified_by: {who}")})
    lines = errors_of(root)
    where = f"{RECTS}:{line_of(root, RECTS, 'verified_by:')}: rectifications[0].closure.verified_by："
    hit = [ln for ln in lines if ln.startswith(where)]
    assert hit and "不能由自己验收" in hit[0] and "待验收" in hit[0], "\n".join(lines)


def test_a_file_with_another_error_still_gets_its_backdating_reported(tmp_path):
    root = base(tmp_path)
    append(root, RECTS, "  closure:\n    date: 2025-08-20\n    summary: 已值守。\n    verified_by: 发改委\n    verified_on: 2025-08-21\n")
    commit(root)
    rc, out, _err = cli(root, "check", "--base", "HEAD~1")
    assert rc == 1
    assert f"{RECTS}:{line_of(root, RECTS, 'date: 2025-08-20')}: rectifications[1].closure.date：" in out, out
    assert f"{RECTS}:{line_of(root, RECTS, 'verified_by: 发改委')}: rectifications[1].closure.verified_by：" in out, out


def test_another_body_verifying_passes(tmp_path):
    root = make_project(tmp_path, {RECTS: RECTS_FGW.replace("verified_by: 县督查室", "verified_by: 县政府督查室")})
    rc, _out, _err = cli(root, "check")
    assert rc == 0


# --- against a published export -------------------------------------------------------------


def _export(root: Path, day: date) -> dict:
    return json.loads(json.dumps(gongshi_json(check(root, today=day).derived), ensure_ascii=False))


def test_base_export_refuses_the_same_backdating(tmp_path):
    root = base(tmp_path)
    live = _export(root, date(2025, 12, 1))  # as published on 2025-12-01: reference day 2025-11-24
    (tmp_path / "live.json").write_text(json.dumps(live, ensure_ascii=False), encoding="utf-8")
    append(root, LEDGER, "- date: 2025-09-25\n  pledge: zixun\n  progress: 100\n  note: 专线开通。\n")
    res = check(root, today=TODAY)
    found = compare_with_export(live, res.dataset, TODAY, res.declared, res.problems)
    one(found, LEDGER, line_of(root, LEDGER, "- date: 2025-09-25"), "ledger[3].date", "早于基准日 2025-11-24 60 天",
        "2025-10-01 起由 逾期 变为 已完成", "已发布的 gongshi.json（2025-12-01）")

    rc, out, err = cli(root, "check", "--base-export", str(tmp_path / "live.json"))
    assert rc == 1 and f"{LEDGER}:{line_of(root, LEDGER, '- date: 2025-09-25')}: ledger[3].date：" in out, out + err

    edit(root, LEDGER, "- date: 2025-09-25", "- date: 2025-12-10")
    res = check(root, today=TODAY)
    assert compare_with_export(live, res.dataset, TODAY, res.declared, res.problems) == []


def test_export_to_export_comparison_for_the_audit(tmp_path):
    """The entry point `gongshi audit` uses: two published exports, the later one backdated."""
    root = base(tmp_path)
    first = _export(root, date(2025, 12, 1))
    append(root, PLEDGES, "  withdrawn:\n    date: 2025-09-15\n    why: 并入 12345 热线。\n")
    second = _export(root, date(2025, 12, 20))
    found = compare_with_export(first, second)
    assert [p.key for p in found] == ["pledges[2].withdrawn.date"], "\n".join(p.text() for p in found)
    assert "逾期 变为 已撤回" in found[0].message
    assert compare_with_export(first, _export(base(tmp_path / "b"), date(2025, 12, 20))) == []


def test_a_dataset_read_back_from_its_export_derives_the_same_states(tmp_path):
    root = base(tmp_path)
    res = check(root, today=TODAY)
    back = history.dataset_of_export(gongshi_json(res.derived))
    a, b = history.Record(res.dataset), history.Record(back)
    day = date(2025, 1, 1)
    while day <= TODAY:
        for k in a.pledges:
            assert a.pledge_state(k, day) == b.pledge_state(k, day), (k, day)
        for k in a.rects:
            assert a.rect_state(k, day) == b.rect_state(k, day), (k, day)
        for uid in res.dataset.units:
            for k in a.duty_keys(uid, CAMPAIGN):
                assert a.duty_state(k, day) == b.duty_state(k, day), (k, day)
        day += timedelta(days=7)


# --- the comparison looks at the right days ---------------------------------------------------


@pytest.mark.parametrize("change", [
    ("ledger", "- date: 2025-09-25\n  pledge: zixun\n  progress: 100\n  note: 开通。\n"),
    ("ledger", "- date: 2025-04-20\n  pledge: wangban\n  progress: 60\n  note: 补记。\n  correction: 复核。\n"),
    ("withdraw", "  withdrawn:\n    date: 2025-09-15\n    why: 并入。\n"),
    ("closure", "  closure:\n    date: 2025-08-20\n    summary: 已值守。\n    verified_by: 县督查室\n    verified_on: 2025-08-22\n"),
])
def test_the_days_compared_find_the_same_first_rewrite_as_every_day(tmp_path, change):
    """States are compared only on the days where either record can change; checking every single
    day of 2025 finds the same first difference for every record."""
    root = base(tmp_path)
    old_ds = check(root, today=TODAY).dataset
    kind, text = change
    append(root, {"ledger": LEDGER, "withdraw": PLEDGES, "closure": RECTS}[kind], text)
    new_ds = check(root, today=TODAY).dataset
    old, new = history.Record(old_ds), history.Record(new_ds)
    ref = date(2025, 11, 24)
    keys = [("pledge", k) for k in old.pledges] + [("rect", k) for k in old.rects]
    keys += [("duty", k) for uid in old_ds.units for k in old.duty_keys(uid, CAMPAIGN)]
    some = 0
    for kind_, key in keys:
        fast = history.first_rewrite(old, new, kind_, key, ref)
        state = getattr(old, f"{kind_}_state")
        nstate = getattr(new, f"{kind_}_state")
        slow = None
        day = date(2024, 12, 1)
        while day < ref:
            if state(key, day) != nstate(key, day):
                slow = (day, state(key, day), nstate(key, day))
                break
            day += timedelta(days=1)
        assert (fast and (fast.day, fast.old, fast.new)) == slow or (fast is None and slow is None), (kind_, key, fast, slow)
        some += slow is not None
    assert some, "the change should rewrite at least one state"


# --- the reviewer diff and the pull-request check ---------------------------------------------


def test_diff_says_an_unreadable_file_first_and_never_the_all_clear(tmp_path):
    root = base(tmp_path)
    write(root, LEDGER, LEDGER_FGW + "- date: 2025-12-10\n  pledge: [zixun\n")
    text = review_markdown(root, "HEAD", None, today=TODAY)
    body = text.split("\n", 2)[2]
    assert body.lstrip().startswith("### ❌ 有 1 个文件无法读取"), text
    assert LEDGER in body.split("###")[1]
    assert "✅" not in text and "没有发现删除或改写" not in text and "没有改动公开记录" not in text


def test_diff_flags_self_verification_and_a_closure_verified_in_the_same_change(tmp_path):
    root = base(tmp_path)
    append(root, RECTS, "  closure:\n    date: 2025-12-10\n    summary: 已值守。\n    verified_by: 发改委\n    verified_on: 2025-12-11\n")
    text = review_markdown(root, "HEAD", None, today=TODAY)
    risk = text.split("### 🔍 需要重点审查")[1].split("\n### ")[0].split("\n|")[0]
    assert "自己验收自己" in risk and "发改委" in risk and "销号和验收同时加入" in risk, text
    assert "✅ **验收销号**" in text and "同一次修改" in text


def test_diff_orders_by_risk(tmp_path):
    root = base(tmp_path)
    # An overdue pledge withdrawn today, a problem's deadline moved in public, and an office file edited.
    append(root, PLEDGES, "  withdrawn:\n    date: 2025-12-10\n    why: 并入 12345 热线。\n")
    edit(root, RECTS, "deadline: 2025-08-31", "deadline: 2026-01-31")
    append(root, RECTS, "  changes:\n    - date: 2025-12-10\n      field: deadline\n      from: 2025-08-31\n"
                        "      to: 2026-01-31\n      why: 更换系统。\n")
    edit(root, f"data/campaigns/{CAMPAIGN}.yaml", "document: 关于开展主动服务活动的实施方案", "document: 实施方案（修订）")
    append(root, LEDGER, "- date: 2025-11-28\n  pledge: wangban\n  progress: 100\n  note: 复核。\n")
    text = review_markdown(root, "HEAD", None, today=TODAY)
    risk = text.split("### 🔍 需要重点审查")[1].split("\n| 单位")[0]
    assert "撤回逾期承诺" in risk and "撤回前已逾期 92 天" in risk
    assert "整改时限变动" in risk and "今天的状态由 **逾期未整改** 变为 **整改中**" in risk
    assert f"`data/campaigns/{CAMPAIGN}.yaml`" in risk
    assert "比基准日期 2025-12-01 早 **3 天**，在补记宽限内" in risk
    assert text.index("需要重点审查") < text.index("### 县发展和改革委员会")
    assert "✅ 没有发现删除或改写已公开记录的情况。" in text.split("需要重点审查")[0]


def test_pr_check_annotates_the_touched_unit_first_despite_30_stale_units(tmp_path):
    others = {}
    for i in range(30):
        uid = f"zhen-{i:02d}"
        others[f"data/units/{uid}/unit.yaml"] = f"id: {uid}\nname: 第{i}镇\ncategory: 乡镇政府\n"
        others[f"data/units/{uid}/pledges.yaml"] = (f"- id: fuwu\n  campaign: zhudong-fuwu\n  title: 便民服务{i}\n"
                                                    "  commitment: 常态化便民服务。\n  published: 2025-01-10\n")
    root = repo(tmp_path, {**BASE, **others})
    append(root, LEDGER, "- date: 2025-06-01\n  pledge: zixun\n  progress: 100\n  note: 专线开通。\n")
    commit(root)
    rc, out, err = cli(root, "check", "--base", "HEAD~1", "--format", "github")
    assert rc == 1, out + err
    notes = [ln for ln in out.splitlines() if ln.startswith("::")]
    assert notes[0].startswith(f"::error file={LEDGER},line={line_of(root, LEDGER, '- date: 2025-06-01')}::ledger[3].date："), out
    assert all(f"file={LEDGER}" in n for n in notes), "only the touched file is annotated:\n" + "\n".join(notes)
    assert "zhen-00" in out and "只列在日志里" in out  # the stale warnings are still in the log

    rc, out, err = cli(root, "check", "--base", "HEAD~1")  # the plain log too: the real cause first
    assert rc == 1 and out.splitlines()[0].startswith(f"{LEDGER}:"), out


def test_check_base_with_the_memo_finds_what_a_full_comparison_finds(tmp_path):
    """`check --base` converts only the base's differing files (the rest is remembered from the working
    tree) and compares only records in differing files; the result is the same as comparing everything."""
    from generator.model.load import Memo
    from generator.review.integrity import _with_history, compare, load_rev, snapshot_of_dataset

    root = base(tmp_path)
    append(root, LEDGER, "- date: 2025-09-25\n  pledge: zixun\n  progress: 100\n  note: 专线开通。\n")
    edit(root, RECTS, "note: 已安排一人值守。", "note: 已安排两人值守。")
    edit(root, PLEDGES, "title: 政策咨询专线", "title: 政策咨询热线")
    res = check(root, today=TODAY, memo=Memo())
    fast = check_against_rev(root, "HEAD", res)
    slow_res = check(root, today=TODAY)
    old_ds, src = load_rev(root, "HEAD")
    slow = compare(snapshot_of_dataset(old_ds, TODAY, "x"), slow_res.dataset, TODAY, slow_res.declared, slow_res.problems)
    slow = _with_history(slow, old_ds, slow_res.dataset, date(2025, 12, 1), f"基准版本（{src.short}）", TODAY, slow_res.problems)
    assert [p.text() for p in fast] == [p.text() for p in slow]
    assert {p.key for p in fast} == {"ledger[3].date", "rectifications[1].updates[0]", "pledges[2].title"}


# --- past duties and indicators cannot vanish (a "gone" key is a rewrite too) -----------------

CAMPAIGN_FILE = f"data/campaigns/{CAMPAIGN}.yaml"


def test_a_unit_leaving_a_campaign_by_its_category_cannot_erase_its_past_missed_duties(tmp_path):
    root = base(tmp_path)
    edit(root, CAMPAIGN_FILE, "participants: all", "participants: [乡镇政府, 综合性部门]")
    commit(root)
    # xzf's 公开承诺 and 问题清单 duties were 未完成 (missed) long before the reference day
    edit(root, "data/units/xzf/unit.yaml", "category: 乡镇政府", "category: 其他")
    commit(root)
    found = violations(root)
    p = one(found, "data/units/xzf/unit.yaml", 1, "", "城关镇人民政府在“活动启动”阶段的公开承诺责任", "不显示")
    assert "基准日 2025-11-24" in p.message

    edit(root, "data/units/xzf/unit.yaml", "category: 其他", "category: 乡镇政府")  # put back: passes
    commit(root)
    passes(root, "HEAD~2")


def test_deleting_a_past_phase_or_a_measured_indicator_of_a_campaign_is_refused(tmp_path):
    root = base(tmp_path)
    text = (root / CAMPAIGN_FILE).read_text(encoding="utf-8")
    start, end = text.index("  - id: qidong"), text.index("  - id: shishi")
    (root / CAMPAIGN_FILE).write_text(text[:start] + text[end:], encoding="utf-8")
    commit(root)
    found = violations(root)
    one(found, CAMPAIGN_FILE, 1, "", "“活动启动”阶段的公开承诺责任", "变为 不显示")

    git(root, "reset", "-q", "--hard", "HEAD~1")
    text = (root / CAMPAIGN_FILE).read_text(encoding="utf-8")
    (root / CAMPAIGN_FILE).write_text(text[:text.index("indicators:")], encoding="utf-8")
    commit(root)
    one(violations(root), CAMPAIGN_FILE, 1, "", "指标 wangban", "2025-03-01 起的状态将由 最新值 80，未达标 变为 不显示")


def test_adding_a_future_phase_and_removing_it_again_passes(tmp_path):
    root = base(tmp_path)
    append(root, CAMPAIGN_FILE, "")
    edit(root, CAMPAIGN_FILE, "  - id: zongjie", "  - id: houxu\n    name: 后续巩固\n    start: 2026-03-01\n"
                                                 "    duties:\n      - kind: pledges\n        due: 2026-03-31\n  - id: zongjie")
    commit(root)
    passes(root)
    edit(root, CAMPAIGN_FILE, "  - id: houxu\n    name: 后续巩固\n    start: 2026-03-01\n"
                              "    duties:\n      - kind: pledges\n        due: 2026-03-31\n", "")
    commit(root)
    passes(root)
