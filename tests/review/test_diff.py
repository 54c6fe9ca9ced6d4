"""`gongshi diff BASE [HEAD]`: the reviewers' Markdown, checked against a golden file.

Set GONGSHI_UPDATE_GOLDEN=1 to rewrite tests/golden/diff_*.md after a deliberate change, then
read the new file before committing it.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from gitfixture import commit, repo
from helpers import INSPECTIONS, LEDGER_FGW, LEDGER_SWJ, PLEDGES_FGW, PLEDGES_SWJ, RECTS_FGW, cli, replace, write

from generator.review.reviewdiff import md, review_markdown

GOLDEN = Path(__file__).parent / "golden"

EXTRA_FGW = """\
- id: zixun
  campaign: zhudong-fuwu
  title: 政策咨询专线
  commitment: 开通政策咨询专线。
  published: 2025-02-01
  deadline: 2025-09-30
"""
EXTRA_SWJ = """\
- id: peixun
  campaign: zhudong-fuwu
  title: 办税培训
  commitment: 每季度举办办税培训。
  published: 2025-03-01
"""
RECT_2 = """\
- id: wenti-2
  campaign: zhudong-fuwu
  found: 2025-06-01
  source: 自查
  problem: 政策咨询电话**无人接听**。
  measures:
    - 安排专人值守
  deadline: 2025-08-31
"""

BASE = {
    "data/units/fgw/pledges.yaml": PLEDGES_FGW + EXTRA_FGW,
    "data/units/swj/pledges.yaml": PLEDGES_SWJ + EXTRA_SWJ,
    "data/units/fgw/rectifications.yaml": RECTS_FGW + RECT_2,
}


def _head(root: Path) -> None:
    """A realistic change by two units and the oversight office, with one rewrite slipped in."""
    moved = EXTRA_FGW.replace("deadline: 2025-09-30", "deadline: 2025-12-31") + (
        "  changes:\n    - date: 2025-09-20\n      field: deadline\n      from: 2025-09-30\n      to: 2025-12-31\n"
        "      why: 等待省平台 <升级> | 接口*改造*后上线\n")
    new_pledge = (
        "- id: yewu\n  campaign: zhudong-fuwu\n  title: 企业开办 `一日办` | 全程网办\n"
        "  commitment: 企业开办 <b>一日办结</b>，联系 @someone 或见 [指南](https://example.org)。\n"
        "  published: 2025-12-20\n  deadline: 2026-06-30\n  responsible: 李四_副主任\n")
    write(root, "data/units/fgw/pledges.yaml", PLEDGES_FGW + moved + new_pledge)
    write(root, "data/units/fgw/ledger.yaml", LEDGER_FGW + (
        "- date: 2025-12-10\n  pledge: zixun\n  progress: 60\n  note: 专线试运行，接听 *120* 个电话。\n"
        "  evidence:\n    - evidence/qingdan.pdf\n"
        "- date: 2025-12-12\n  pledge: wangban\n  progress: 90\n  note: 复核发现 2 项未上线。\n"
        "  correction: 3 月 10 日把试运行事项算作上线。\n"))
    rects = replace(RECTS_FGW + RECT_2, "        summary: 已复核，整改到位。\n",
                    "        summary: 已复核，整改到位。\n    - date: 2025-12-01\n      summary: 仍有排队 | 现象\n")
    rects += ("  closure:\n    date: 2025-08-20\n    summary: 已安排专人值守。\n    verified_by: 县督查室\n"
              "    verified_on: 2025-08-25\n")
    rects += ("- id: wenti-3\n  campaign: zhudong-fuwu\n  found: 2025-12-05\n  source: 明察暗访\n  inspection: ducha-2\n"
              "  problem: 窗口午间无人值守。\n  measures:\n    - 实行午间轮岗\n  deadline: 2026-01-31\n")
    write(root, "data/units/fgw/rectifications.yaml", rects)
    write(root, "data/units/swj/pledges.yaml", PLEDGES_SWJ + EXTRA_SWJ + (
        "  withdrawn:\n    date: 2025-12-15\n    why: 培训改由县政务服务中心统一组织。\n"))
    write(root, "data/units/swj/ledger.yaml", replace(LEDGER_SWJ, "note: 完成宣讲。", "note: 完成宣讲 3 场。"))
    write(root, "data/inspections/2025.yaml", INSPECTIONS + (
        "- id: ducha-2\n  campaign: zhudong-fuwu\n  date: 2025-12-05\n  method: 明察暗访\n  by: 县督查组\n"
        "  findings:\n    - unit: fgw\n      result: 发现问题\n      note: 午间无人值守。\n      rectification: wenti-3\n"
        "    - unit: swj\n      result: 合格\n"))


def _normalise(text: str) -> str:
    return re.sub(r"（[0-9a-f]{7}）", "（0000000）", text)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GONGSHI_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing; run with GONGSHI_UPDATE_GOLDEN=1 to write it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; rerun with GONGSHI_UPDATE_GOLDEN=1 if intended"


def test_diff_of_a_realistic_change_matches_the_golden_file(tmp_path):
    root = repo(tmp_path, BASE)
    _head(root)
    rc, out, err = cli(root, "diff", "HEAD")  # the command works; the golden text is pinned to a fixed today
    assert rc == 0 and "## 公开记录变更" in out, err
    text = _normalise(review_markdown(root, "HEAD", None, today=date(2025, 12, 31)))
    _golden("diff_review.md", text)

    # What the reviewer must see, whatever the wording around it.
    assert text.index("完整性问题") < text.index("### 县发展和改革委员会")
    assert "data/units/swj/ledger.yaml:1" in text and "台账只增不改" in text
    assert "⏰ **完成时限推迟**：2025-09-30 → **2025-12-31**（推迟 92 天）" in text
    assert "等待省平台 \\<升级\\> \\| 接口\\*改造\\*后上线" in text
    assert "**群众异议** 2025-12-01" in text and "✅ **验收销号** 2025-08-25" in text
    assert "🔎 **ducha-2**" in text and "办税培训" in text


def test_diff_tables_keep_their_columns_and_no_markup_gets_through(tmp_path):
    root = repo(tmp_path, BASE)
    _head(root)
    text = review_markdown(root, "HEAD", None)
    for line in text.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) - 2 in (5, 6), line
    assert "<b>" not in text and "<升级>" not in text and "@someone" not in text
    assert "`一日办`" not in text  # user backticks are escaped, not code


def test_diff_between_two_revisions_equals_the_working_tree_one(tmp_path):
    root = repo(tmp_path, BASE)
    _head(root)
    work = review_markdown(root, "HEAD", None, today=date(2025, 12, 31))
    commit(root, "各单位更新")
    revs = review_markdown(root, "HEAD~1", "HEAD", today=date(2025, 12, 31))
    body = lambda t: t.split("\n", 1)[1]  # noqa: E731 - the first line names the two sides
    assert body(work) == body(revs)
    assert "→ 版本 HEAD（" in revs.splitlines()[0]


def test_no_change_says_so(tmp_path):
    root = repo(tmp_path)
    rc, out, err = cli(root, "diff", "HEAD")
    assert rc == 0, err
    assert "✅ 没有发现删除或改写已公开记录的情况。" in out
    assert "这次修改没有改动公开记录。" in out


def test_unknown_base_is_a_clean_message(tmp_path):
    root = repo(tmp_path)
    rc, out, err = cli(root, "diff", "nosuch")
    assert rc == 2 and out == "" and "找不到 git 版本“nosuch”" in err


def test_md_escapes_everything_markdown_would_read():
    assert md("a|b*c_d`e<f>[g](h)~i$j&k\\l @m") == "a\\|b\\*c\\_d\\`e\\<f\\>\\[g\\](h)\\~i\\$j\\&k\\\\l &#64;m"
    assert md("第一行\n\n- 第二行") == "第一行 - 第二行"
    assert md("很长的文字" * 10, 12) == "很长的文字很长的文字很…"


def test_the_office_files_are_flagged_wherever_a_forge_reads_them(tmp_path):
    """mkdocs.yml names the data folder and GitLab reads .gitlab/CODEOWNERS: both are the office's."""
    root = repo(tmp_path)
    write(root, ".gitlab/CODEOWNERS", "* @someone\n")
    write(root, "mkdocs.yml", "site_name: 测试\nplugins:\n  - gongshi:\n      data_dir: records\n")
    rc, out, err = cli(root, "diff", "HEAD")
    assert rc == 0, err
    flagged = next(ln for ln in out.splitlines() if "改动了督查办的文件" in ln)
    assert "`.gitlab/CODEOWNERS`" in flagged and "`mkdocs.yml`" in flagged, flagged
