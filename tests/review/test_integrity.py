"""Integrity (contract §4): what was published can't be deleted or changed without a public record.

Every test works on a real git repository: the fixture is committed, a change is made and
committed, and ``check --base HEAD~1`` compares the two.  For each rule, the violating change
fails with its message and line, and the allowed way (withdraw, a ``changes`` entry, a
correcting ledger entry) passes.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from gitfixture import commit, first_import, git, line_of, repo
from helpers import INSPECTIONS, LEDGER_FGW, PLEDGES_FGW, RECTS_FGW, SITE, cli, find, make_project, replace

from generator.model.errors import Problem
from generator.publish.export import gongshi_json
from generator.review.integrity import IntegrityError, check_against_export, check_against_rev
from generator.view.pipeline import check

TODAY = date(2025, 12, 31)
PLEDGES = "data/units/fgw/pledges.yaml"
LEDGER = "data/units/fgw/ledger.yaml"
RECTS = "data/units/fgw/rectifications.yaml"

# A pledge with no ledger entries, so that deleting it breaks no reference.
EXTRA = """\
- id: zixun
  campaign: zhudong-fuwu
  title: 政策咨询专线
  commitment: 开通政策咨询专线。
  published: 2025-02-01
  deadline: 2025-09-30
"""
WITHDRAW_EXTRA = """\
  withdrawn:
    date: 2025-12-10
    why: 咨询并入 12345 热线，不再单设专线。
"""
# A base whose grace window reaches back a year, for tests about other rules than the dates.
GRACE_YEAR = {"data/site.yaml": SITE + "backdate_grace_days: 365\n"}
LATER = EXTRA.replace("id: zixun", "id: jihua").replace("published: 2025-02-01", "published: 2026-03-01")


def edit(root: Path, rel: str, old: str, new: str, count: int = 1) -> None:
    path = root / rel
    path.write_text(replace(path.read_text(encoding="utf-8"), old, new, count), encoding="utf-8")


def violations(root: Path, rev: str = "HEAD~1") -> list[Problem]:
    res = check(root, today=TODAY)
    return check_against_rev(root, rev, res)


def one(problems: list[Problem], path: str, line: int, key: str, *contains: str) -> Problem:
    hits = [p for p in problems if p.path == path and p.line == line and p.key == key
            and all(c in p.message for c in contains)]
    assert len(hits) == 1, f"no single problem {path}:{line} {key} {contains}; got:\n" + "\n".join(p.text() for p in problems)
    return hits[0]


def clean(root: Path, rev: str = "HEAD~1") -> None:
    res = check(root, today=TODAY)
    assert not res.errors, "\n".join(p.text() for p in res.errors)
    found = check_against_rev(root, rev, res)
    assert not found, "\n".join(p.text() for p in found)


# --- additions are always allowed ----------------------------------------------------------


def test_nothing_changed_and_pure_additions_pass(tmp_path):
    root = repo(tmp_path)
    commit(root)
    clean(root)
    (root / PLEDGES).write_text(PLEDGES_FGW + EXTRA.replace("published: 2025-02-01", "published: 2025-12-15"), encoding="utf-8")
    (root / LEDGER).write_text(LEDGER_FGW + "- date: 2025-12-20\n  pledge: zixun\n  progress: 50\n  note: 专线开通。\n",
                               encoding="utf-8")
    commit(root)
    clean(root)


# --- deleted records -----------------------------------------------------------------------


def test_deleted_pledge_fails_and_withdrawing_it_passes(tmp_path):
    root = repo(tmp_path, {PLEDGES: PLEDGES_FGW + EXTRA})
    (root / PLEDGES).write_text(PLEDGES_FGW, encoding="utf-8")
    commit(root, "删除承诺")
    p = one(violations(root), PLEDGES, 0, "", "政策咨询专线", "fgw/zixun", "不能删除", "withdrawn")
    assert "2025-02-01 公示" in p.message

    git(root, "reset", "-q", "--hard", "HEAD~1")
    (root / PLEDGES).write_text(PLEDGES_FGW + EXTRA + WITHDRAW_EXTRA, encoding="utf-8")
    commit(root, "撤回承诺")
    clean(root)


def test_a_pledge_not_yet_published_may_change_or_go(tmp_path):
    root = repo(tmp_path, {PLEDGES: PLEDGES_FGW + LATER})
    edit(root, PLEDGES, "title: 政策咨询专线", "title: 政策咨询热线")
    edit(root, PLEDGES, "published: 2026-03-01", "published: 2026-04-01")
    commit(root)
    clean(root)
    (root / PLEDGES).write_text(PLEDGES_FGW, encoding="utf-8")
    commit(root)
    clean(root, "HEAD~2")


def test_deleted_unit_fails(tmp_path):
    root = repo(tmp_path)
    for name in ("unit.yaml", "pledges.yaml", "ledger.yaml"):
        (root / "data/units/swj" / name).unlink()
    commit(root)
    p = one(violations(root), "data/units/swj/unit.yaml", 0, "", "县税务局", "1 项承诺、1 条台账", "不能删除")
    assert "withdrawn" in p.message


def test_deleted_rectification_fails(tmp_path):
    root = repo(tmp_path)
    (root / RECTS).unlink()
    commit(root)
    one(violations(root), RECTS, 0, "", "fgw/wenti-1", "窗口人员服务态度差", "不能删除", "closure")


REPORT = "data/units/fgw/reports/zhudong-fuwu.md"


def test_a_shown_report_keeps_its_text_and_may_grow_at_its_end(tmp_path):
    root = repo(tmp_path)
    edit(root, REPORT, "今年我们完成了**全部**承诺事项。", "今年我们完成了**大部分**承诺事项。")
    commit(root, "改写报告")
    one(violations(root), REPORT, 1, "", "发改委主动服务活动总结", "2025-07-15 提交", "正文被改动", "补充说明")
    git(root, "reset", "-q", "--hard", "HEAD~1")
    edit(root, REPORT, "title: 发改委主动服务活动总结", "title: 发改委活动总结")
    commit(root, "改标题")
    one(violations(root), REPORT, 1, "title", "标题", "不能改动")
    git(root, "reset", "-q", "--hard", "HEAD~1")
    (root / REPORT).unlink()
    commit(root, "删除报告")
    one(violations(root), REPORT, 1, "", "被删除了", "恢复这个文件")
    git(root, "reset", "-q", "--hard", "HEAD~1")
    path = root / REPORT
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明（2025-12-30）：第三项承诺延期至明年完成。\n", encoding="utf-8")
    commit(root, "补充说明")
    clean(root)


def test_deleted_inspection_fails(tmp_path):
    root = repo(tmp_path)
    (root / "data/inspections/2025.yaml").unlink()
    commit(root)
    one(violations(root), "data/inspections/2025.yaml", 0, "", "ducha-1", "不能删除")


def test_a_file_that_no_longer_loads_is_not_called_deleted(tmp_path):
    root = repo(tmp_path)
    (root / LEDGER).write_text(LEDGER_FGW.replace("  progress: 30", "  progress: [30"), encoding="utf-8")
    (root / PLEDGES).write_text(PLEDGES_FGW.replace("  campaign: zhudong-fuwu", "  campaign: [", 1), encoding="utf-8")
    commit(root)
    res = check(root, today=TODAY)
    assert res.errors  # the YAML errors themselves
    assert not [p for p in check_against_rev(root, "HEAD~1", res) if "删除" in p.message]


# --- the ledger is append-only -------------------------------------------------------------


def test_edited_ledger_entry_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, LEDGER, "  progress: 30", "  progress: 40")
    edit(root, LEDGER, "note: 梳理了事项清单。", "note: 梳理了全部事项清单。")
    commit(root)
    p = one(violations(root), LEDGER, 1, "ledger[0]", "wangban", "2025-02-10", "被修改", "progress、note")
    assert "更正台账" in p.message and "correction" in p.message


def test_removed_ledger_entry_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, LEDGER, "- date: 2025-03-05\n  pledge: zoufang\n  progress: 10\n  note: 走访企业 5 家。\n", "")
    commit(root)
    one(violations(root), LEDGER, 0, "", "zoufang", "2025-03-05", "走访企业 5 家", "被删除", "更正台账")


def test_a_correcting_entry_is_the_allowed_way(tmp_path):
    root = repo(tmp_path)
    (root / LEDGER).write_text(LEDGER_FGW + (
        "- date: 2025-12-20\n  pledge: wangban\n  progress: 90\n  note: 复核发现 2 项事项未上线。\n"
        "  correction: 3 月 10 日的记录把试运行事项算作上线，实际完成 90%。\n"), encoding="utf-8")
    commit(root)
    clean(root)


def test_entries_are_known_by_pledge_date_and_order_not_by_file_position(tmp_path):
    root = repo(tmp_path, GRACE_YEAR)  # this test is about matching entries, not about their dates
    # A new entry written at the top of the file, and a second one on an existing day after the first.
    top = "- date: 2025-01-20\n  pledge: wangban\n  progress: 10\n  note: 启动。\n"
    same_day = "- date: 2025-03-10\n  pledge: wangban\n  progress: 100\n  note: 补充：验收通过。\n"
    (root / LEDGER).write_text(top + LEDGER_FGW + same_day, encoding="utf-8")
    commit(root)
    clean(root)


def test_two_entries_of_one_day_keep_their_order(tmp_path):
    root = repo(tmp_path, {LEDGER: LEDGER_FGW + "- date: 2025-03-10\n  pledge: wangban\n  progress: 100\n  note: 补充说明。\n"})
    # Swap them: which one is "the latest" of that day changes, so this rewrites history.
    text = (root / LEDGER).read_text(encoding="utf-8")
    first = ("- date: 2025-03-10\n  pledge: wangban\n  progress: 100\n  note: 全部事项上线。\n  evidence:\n"
             "    - https://example.org/notice\n  value: 95\n")
    second = "- date: 2025-03-10\n  pledge: wangban\n  progress: 100\n  note: 补充说明。\n"
    (root / LEDGER).write_text(text.replace(first, "").replace(second, second + first), encoding="utf-8")
    commit(root)
    found = violations(root)
    assert found and all(p.path == LEDGER for p in found)
    assert any("当天第" in p.message for p in found)


# --- pledge fields listed under changes ----------------------------------------------------

TITLE_CHANGE = """\
  changes:
    - date: 2025-12-01
      field: title
      from: 项目审批网上办
      to: 项目审批全程网上办
      why: 事项范围扩大到全流程。
"""


def test_changed_title_without_a_changes_entry_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "title: 项目审批网上办", "title: 项目审批全程网上办")
    commit(root)
    line = line_of(root, PLEDGES, "title: 项目审批全程网上办")
    p = one(violations(root), PLEDGES, line, "pledges[0].title", "项目审批网上办", "项目审批全程网上办", "changes")
    assert "field: title" in p.message and "why" in p.message


def test_changed_title_with_a_changes_entry_passes(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "title: 项目审批网上办", "title: 项目审批全程网上办")
    edit(root, PLEDGES, "- id: zoufang", TITLE_CHANGE + "- id: zoufang")
    commit(root)
    clean(root)


@pytest.mark.parametrize("name, old, new", [
    ("commitment", "commitment: 所有审批事项**网上可办**。", "commitment: 所有审批事项**全程网办**。"),
    ("measures", "    - 梳理事项清单", "    - 梳理事项清单\n    - 开展网办培训"),
    ("responsible", "responsible: 王五", "responsible: 赵六"),
])
def test_other_listed_fields_need_a_changes_entry_too(tmp_path, name, old, new):
    root = repo(tmp_path)
    edit(root, PLEDGES, old, new)
    commit(root)
    found = violations(root)
    assert [p.key for p in found] == [f"pledges[0].{name}"], "\n".join(p.text() for p in found)
    assert f"field: {name}" in found[0].message

    entry = f"  changes:\n    - date: 2025-12-01\n      field: {name}\n      why: 按上级要求调整。\n"
    edit(root, PLEDGES, "- id: zoufang", entry + "- id: zoufang")
    commit(root)
    clean(root, "HEAD~2")


def test_fields_not_listed_under_changes_may_be_edited(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "beneficiaries: 企业", "beneficiaries: 全县企业")
    edit(root, PLEDGES, "    - 审批", "    - 审批\n    - 网办")
    commit(root)
    clean(root)


def test_moved_deadline_without_a_changes_entry_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "deadline: 2025-06-30", "deadline: 2025-09-30")
    commit(root)
    p = one(violations(root), PLEDGES, line_of(root, PLEDGES, "deadline: 2025-09-30"), "pledges[0].deadline",
            "2025-06-30", "2025-09-30", "changes")
    assert "field: deadline，from: 2025-06-30，to: 2025-09-30" in p.message


def _deadline_change(frm: str, to: str = "2025-09-30") -> str:
    return (f"  changes:\n    - date: 2025-12-02\n      field: deadline\n      from: {frm}\n      to: {to}\n"
            "      why: 省平台接口延期上线。\n")


def test_moved_deadline_with_wrong_from_fails_at_the_change(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "deadline: 2025-06-30", "deadline: 2025-09-30")
    edit(root, PLEDGES, "- id: zoufang", _deadline_change("2025-05-31") + "- id: zoufang")
    commit(root)
    line = line_of(root, PLEDGES, "- date: 2025-12-02")
    p = one(violations(root), PLEDGES, line, "pledges[0].changes[0]", "from 应为原时限 2025-06-30")
    assert "to 应为新时限 2025-09-30" in p.message


def test_moved_deadline_with_its_changes_entry_passes(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "deadline: 2025-06-30", "deadline: 2025-09-30")
    edit(root, PLEDGES, "- id: zoufang", _deadline_change("2025-06-30") + "- id: zoufang")
    commit(root)
    clean(root)


def test_indicator_target_change_needs_from_and_to(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, 'target: ">= 90"', 'target: ">= 95"')
    commit(root)
    one(violations(root), PLEDGES, line_of(root, PLEDGES, "indicator:"), "pledges[0].indicator", "changes")

    wrong = '  changes:\n    - date: 2025-12-01\n      field: indicator\n      from: ">= 80"\n      to: ">= 95"\n      why: 目标提高。\n'
    edit(root, PLEDGES, "- id: zoufang", wrong + "- id: zoufang")
    commit(root)
    one(violations(root, "HEAD~2"), PLEDGES, line_of(root, PLEDGES, "- date: 2025-12-01"), "pledges[0].changes[0]",
        "from 应为原目标“>= 90”")

    edit(root, PLEDGES, 'from: ">= 80"', 'from: ">=90"')  # written without the space: the same target
    commit(root)
    clean(root, "HEAD~3")


def test_a_published_changes_entry_stays(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "title: 项目审批网上办", "title: 项目审批全程网上办")
    edit(root, PLEDGES, "- id: zoufang", TITLE_CHANGE + "- id: zoufang")
    commit(root)
    edit(root, PLEDGES, "why: 事项范围扩大到全流程。", "why: 按要求调整。")
    commit(root)
    p = one(violations(root), PLEDGES, line_of(root, PLEDGES, "changes:"), "pledges[0].changes", "2025-12-01",
            "事项范围扩大到全流程", "不能改动")
    assert "另加一条" in p.message


# --- dates of publication ------------------------------------------------------------------


def test_moved_published_date_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "published: 2025-01-10", "published: 2025-01-20")
    commit(root)
    one(violations(root), PLEDGES, line_of(root, PLEDGES, "published: 2025-01-20"), "pledges[0].published",
        "2025-01-10", "2025-01-20", "请恢复为 2025-01-10")


def test_moving_a_published_pledge_into_the_future_unpublishes_it_and_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "published: 2025-01-10", "published: 2026-06-01")
    commit(root)
    one(violations(root), PLEDGES, line_of(root, PLEDGES, "published: 2026-06-01"), "pledges[0].published", "公示日期不能改动")


def test_moved_found_date_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, RECTS, "found: 2025-03-01", "found: 2025-03-02")
    commit(root)
    one(violations(root), RECTS, line_of(root, RECTS, "found:"), "rectifications[0].found", "发现日期", "2025-03-01")


# --- withdrawals ---------------------------------------------------------------------------


def test_removed_withdrawal_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "  withdrawn:\n    date: 2025-05-01\n    why: 与另一项承诺合并。\n", "")
    commit(root)
    p = one(violations(root), PLEDGES, line_of(root, PLEDGES, "- id: zoufang"), "pledges[1].withdrawn",
            "2025-05-01", "撤回不能取消")
    assert "新承诺" in p.message


def test_edited_withdrawal_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "why: 与另一项承诺合并。", "why: 工作调整。")
    commit(root)
    one(violations(root), PLEDGES, line_of(root, PLEDGES, "withdrawn:"), "pledges[1].withdrawn", "why", "与另一项承诺合并")


# --- closures and objections ---------------------------------------------------------------

UNVERIFIED = RECTS_FGW.split("  objections:")[0].replace("    verified_by: 县督查室\n    verified_on: 2025-04-25\n", "")


def test_removed_closure_fails(tmp_path):
    root = repo(tmp_path, {RECTS: UNVERIFIED})
    edit(root, RECTS, UNVERIFIED[UNVERIFIED.index("  closure:"):], "")
    commit(root)
    one(violations(root), RECTS, 1, "rectifications[0].closure", "2025-04-20", "不能删除", "updates")


def test_verified_closure_is_frozen(tmp_path):
    root = repo(tmp_path)
    edit(root, RECTS, "summary: 已整改到位。", "summary: 已全面整改到位。")
    commit(root)
    p = one(violations(root), RECTS, line_of(root, RECTS, "closure:"), "rectifications[0].closure",
            "2025-04-25", "县督查室", "summary")
    assert "不能修改" in p.message


def test_unverified_closure_may_be_completed_and_verified(tmp_path):
    root = repo(tmp_path, {RECTS: UNVERIFIED})
    edit(root, RECTS, "summary: 已整改到位。", "summary: 已整改到位，培训 30 人次。")
    edit(root, RECTS, "      - evidence/qingdan.pdf\n",
         "      - evidence/qingdan.pdf\n    verified_by: 县督查室\n    verified_on: 2025-12-05\n")
    commit(root)
    clean(root)


def test_removed_objection_fails(tmp_path):
    root = repo(tmp_path)
    text = RECTS_FGW[: RECTS_FGW.index("  objections:")]
    (root / RECTS).write_text(text, encoding="utf-8")
    commit(root)
    one(violations(root), RECTS, 1, "rectifications[0].objections", "2025-04-28", "不能删除或修改")


def test_edited_objection_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, RECTS, "summary: 群众认为仍有问题。", "summary: 群众基本满意。")
    commit(root)
    one(violations(root), RECTS, line_of(root, RECTS, "- date: 2025-04-28"), "rectifications[0].objections[0]",
        "群众认为仍有问题", "只能追加答复")


def test_edited_resolution_fails(tmp_path):
    root = repo(tmp_path)
    edit(root, RECTS, "summary: 已复核，整改到位。", "summary: 已复核。")
    commit(root)
    one(violations(root), RECTS, line_of(root, RECTS, "- date: 2025-04-28"), "rectifications[0].objections[0].resolution",
        "答复已经公开", "不能修改")


def test_objections_and_resolutions_may_be_added(tmp_path):
    base = RECTS_FGW.replace("      resolution:\n        date: 2025-05-05\n        summary: 已复核，整改到位。\n", "")
    root = repo(tmp_path, {RECTS: base})
    (root / RECTS).write_text(RECTS_FGW.replace("date: 2025-05-05", "date: 2025-12-05") + (
        "    - date: 2025-12-10\n      summary: 又有群众反映排队时间长。\n"), encoding="utf-8")
    commit(root)
    clean(root)


# --- the command line ----------------------------------------------------------------------


def test_cli_reports_violations_with_path_line_and_exit_1(tmp_path):
    root = repo(tmp_path)
    edit(root, LEDGER, "  progress: 30", "  progress: 40")
    commit(root)
    rc, out, err = cli(root, "check", "--base", "HEAD~1")
    assert rc == 1, out + err
    find(out.splitlines(), LEDGER, 1, "ledger[0]", "台账只增不改")
    rc, out, _ = cli(root, "check", "--base", "HEAD~1", "--format", "github")
    assert rc == 1
    assert f"::error file={LEDGER},line=1::ledger[0]：" in out


def test_unknown_revision_and_not_a_repository_are_clean_messages(tmp_path):
    root = repo(tmp_path)
    with pytest.raises(IntegrityError, match="找不到 git 版本“nosuch”"):
        violations(root, "nosuch")
    rc, out, err = cli(root, "check", "--base", "nosuch")
    assert rc == 2 and "Traceback" not in out + err
    assert "gongshi: 找不到 git 版本“nosuch”" in err
    rc, out, err = cli(root, "check", "--base=--upload-pack=evil")
    assert rc == 2 and "找不到 git 版本" in err

    plain = make_project(tmp_path / "plain")  # not inside any git repository
    rc, out, err = cli(plain, "check", "--base", "HEAD")
    assert rc == 2 and "不是 git 仓库" in err and "--base-export" in err


# --- against a published export ------------------------------------------------------------


def _export(root: Path, path: Path, today: date | None = None) -> Path:
    data = gongshi_json(check(root, today=today).derived)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_export_of_the_same_data_has_no_violations(tmp_path):
    root = repo(tmp_path, {PLEDGES: PLEDGES_FGW + EXTRA})
    live = _export(root, tmp_path / "live.json", TODAY)
    assert check_against_export(live, check(root, today=TODAY)) == []


def test_rewritten_history_is_still_caught_by_the_published_export(tmp_path):
    root = repo(tmp_path, {PLEDGES: PLEDGES_FGW + EXTRA})
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(root, "remote", "add", "origin", str(origin))
    git(root, "push", "-q", "origin", "main")
    live = _export(root, tmp_path / "live.json")  # what the site published, as any build would

    # Someone deletes the pledge and rewrites history so that it never existed.
    (root / PLEDGES).write_text(PLEDGES_FGW, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--amend", "--no-edit")
    git(root, "push", "-q", "--force", "origin", "main")
    git(root, "fetch", "-q", "origin")

    rc, out, err = cli(root, "check", "--base", "origin/main")
    assert rc == 0, out + err  # git no longer knows
    rc, out, err = cli(root, "check", "--base-export", str(live))
    assert rc == 1, out + err
    line = find(out.splitlines(), PLEDGES, 0, "", "政策咨询专线", "fgw/zixun", "不能删除")
    assert "withdrawn" in line


def test_export_catches_ledger_and_field_rewrites_and_accepts_the_allowed_ways(tmp_path):
    root = repo(tmp_path)
    live = _export(root, tmp_path / "live.json", date(2025, 12, 1))
    edit(root, LEDGER, "  progress: 30", "  progress: 40")
    edit(root, PLEDGES, "title: 项目审批网上办", "title: 项目审批全程网上办")
    found = check_against_export(live, check(root, today=TODAY))
    one(found, LEDGER, 1, "ledger[0]", "被修改", "更正台账")
    one(found, PLEDGES, 3, "pledges[0].title", "changes")

    edit(root, LEDGER, "  progress: 40", "  progress: 30")
    edit(root, PLEDGES, "- id: zoufang", TITLE_CHANGE.replace("2025-12-01", "2025-12-15") + "- id: zoufang")
    assert check_against_export(live, check(root, today=TODAY)) == []


def test_unreadable_export_is_a_clean_message(tmp_path):
    root = repo(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    rc, out, err = cli(root, "check", "--base-export", str(bad))
    assert rc == 2 and "不是有效的 gongshi.json" in err and "Traceback" not in out + err
    rc, out, err = cli(root, "check", "--base-export", str(tmp_path / "missing.json"))
    assert rc == 2 and "找不到文件" in err


def test_a_field_that_fails_to_load_is_reported_once_not_as_a_change(tmp_path):
    root = repo(tmp_path)
    edit(root, PLEDGES, "deadline: 2025-06-30", "deadline: 2025-06-31")
    commit(root)
    res = check(root, today=TODAY)
    assert [p.key for p in res.errors] == ["pledges[0].deadline"]
    assert check_against_rev(root, "HEAD~1", res) == []


# --- a published inspection keeps what it found -------------------------------------------

INSP = "data/inspections/2025.yaml"
INSPECTIONS_NO_LINK = INSPECTIONS.replace("      rectification: wenti-1\n", "")


@pytest.mark.parametrize("old,new,key,label", [
    ("result: 发现问题", "result: 合格", "findings[0].result", "督查结论（result）由“发现问题”改为“合格”"),
    ("note: 服务态度差。", "note: 已当场整改。", "findings[0].note", "情况说明（note）"),
    ("by: 县督查组", "by: 县政府办", "by", "督查组（by）由“县督查组”改为“县政府办”"),
    ("method: 明察暗访", "method: 电话核实", "method", "督查方式（method）"),
    ("rectification: wenti-1", "rectification: wenti-2", "findings[0].rectification", "关联的整改问题"),
])
def test_a_published_inspection_cannot_be_rewritten(tmp_path, old, new, key, label):
    extra = {}
    if "wenti-2" in new:
        extra[RECTS] = RECTS_FGW + RECTS_FGW.replace("id: wenti-1", "id: wenti-2")
    root = repo(tmp_path, extra or None)
    edit(root, INSP, old, new)
    commit(root)
    found = violations(root)
    p = one(found, INSP, line_of(root, INSP, new), find_key(found, key), "ducha-1", label)
    assert ("summary 中补充说明" in p.message) != ("rectification" in key), p.message


def find_key(found: list[Problem], suffix: str) -> str:
    keys = [p.key for p in found if p.key.endswith(suffix)]
    assert len(keys) == 1, "\n".join(p.text() for p in found)
    return keys[0]


def test_a_published_finding_cannot_be_deleted_or_moved(tmp_path):
    root = repo(tmp_path)
    edit(root, INSP, "    - unit: swj\n      result: 合格\n", "")
    commit(root)
    found = violations(root)
    one(found, INSP, line_of(root, INSP, "findings:"), find_key(found, "findings"),
        "对 swj 的督查结果（合格）被删除了", "末尾")


def test_a_published_inspection_may_get_new_findings_a_summary_and_an_empty_rectification_filled(tmp_path):
    root = repo(tmp_path, {INSP: INSPECTIONS_NO_LINK})
    edit(root, INSP, "summary: 对窗口单位明察暗访。", "summary: 对窗口单位明察暗访。补充：复查时已整改。")
    edit(root, INSP, "      note: 服务态度差。\n", "      note: 服务态度差。\n      rectification: wenti-1\n")
    (root / INSP).write_text((root / INSP).read_text(encoding="utf-8") + "    - unit: fgw\n      result: 合格\n      note: 复查合格。\n",
                             encoding="utf-8")
    commit(root)
    clean(root)


# --- a malformed export is one clean message ----------------------------------------------


def _mangle(data: dict, how: str) -> dict:
    if how == "pledge-not-object":
        return {"as_of": data["as_of"], "pledges": [1]}
    if how == "unit-not-object":
        return {**data, "units": ["fgw"]}
    if how == "seq-text":
        ledger = [dict(r) for r in data["ledger"]]
        ledger[0]["seq"] = "一"
        return {**data, "ledger": ledger}
    if how == "ledger-object":
        return {**data, "ledger": {"fgw": data["ledger"]}}
    if how == "pledge-id-list":
        pledges = [dict(p) for p in data["pledges"]]
        pledges[0]["id"] = ["xiangmu"]
        return {**data, "pledges": pledges}
    if how == "site-list":
        return {**data, "site": ["x"]}
    raise AssertionError(how)


@pytest.mark.parametrize("how", ["pledge-not-object", "unit-not-object", "seq-text", "ledger-object", "pledge-id-list", "site-list"])
def test_a_malformed_export_is_one_clean_message(tmp_path, how):
    root = repo(tmp_path)
    live = _export(root, tmp_path / "live.json", date(2025, 12, 1))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_mangle(json.loads(live.read_text(encoding="utf-8")), how), ensure_ascii=False),
                   encoding="utf-8")
    rc, out, err = cli(root, "check", "--base-export", str(bad))
    assert rc == 2, out + err
    assert "Traceback" not in out + err and "不是有效的 gongshi.json" in err, err
    assert len(err.strip().splitlines()) == 1, err


# --- moving the data folder does not skip the comparison ----------------------------------

MKDOCS = "site_name: 测试县\nplugins:\n  - gongshi:\n      data_dir: {}\n"


@pytest.mark.parametrize("base_names_it", [False, True])
def test_a_data_folder_moved_with_a_rewritten_entry_is_compared_with_the_base_folder(tmp_path, base_names_it):
    import shutil

    root = repo(tmp_path, {"mkdocs.yml": MKDOCS.format("data")} if base_names_it else None)
    shutil.copytree(root / "data", root / "records")
    edit(root, LEDGER.replace("data/", "records/"), "  progress: 30", "  progress: 40")
    (root / "mkdocs.yml").write_text(MKDOCS.format("records"), encoding="utf-8")
    commit(root, "移动数据文件夹")
    rc, out, err = cli(root, "check", "--base", "HEAD~1")
    assert rc == 1, out + err
    find(out.splitlines(), "records/units/fgw/ledger.yaml", 1, "ledger[0]", "被修改", "更正台账")

    rc, out, err = cli(root, "diff", "HEAD~1")
    assert rc == 0, err
    assert "✅ 没有发现删除或改写" not in out and "完整性问题" in out and "records/units/fgw/ledger.yaml" in out
    assert "数据文件夹" in out and "`data/`" in out and "`records/`" in out


def test_a_pure_move_of_the_data_folder_passes_and_the_diff_says_so(tmp_path):
    root = repo(tmp_path, {"mkdocs.yml": MKDOCS.format("data")})
    git(root, "mv", "data", "records")
    (root / "mkdocs.yml").write_text(MKDOCS.format("records"), encoding="utf-8")
    commit(root, "移动数据文件夹")
    rc, out, err = cli(root, "check", "--base", "HEAD~1")
    assert rc == 0, out + err
    rc, out, err = cli(root, "diff", "HEAD~1")
    assert rc == 0 and "✅ 没有发现删除或改写" in out, out + err
    assert "数据文件夹" in out and "`mkdocs.yml`" in out


def test_a_first_import_into_a_new_folder_is_not_compared(tmp_path):
    root = first_import(tmp_path)
    rc, out, err = cli(root, "check", "--base", "HEAD~1")
    assert rc == 0, out + err
    rc, out, err = cli(root, "diff", "HEAD~1")  # the records are dated long ago, and that is fine here
    assert rc == 0 and "✅ 没有发现删除或改写" in out and "不能合并" not in out, out + err
