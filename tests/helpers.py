"""A small, valid project written from Python strings, with easy overrides.

Every date in the fixture is in 2025, well before any real "today", so the clock never
decides a test.  Files are written as literal YAML text so that tests can rely on the line
numbers below; ``write`` replaces one file (text, bytes, or a Python value dumped as YAML).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
CAMPAIGN = "zhudong-fuwu"


def _t(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


SITE = _t("""
    title: 测试县政务承诺公开平台
    owner: 测试县人民政府办公室
    timezone: Asia/Shanghai
    stale_after_days: 45
    closure_notice_days: 7
    oversight:
      hotline: "0375-1234567"
      email: jiandu@example.org
    """)

# Three phases that between them hold every duty kind.
CAMPAIGN_YAML = _t("""
    id: zhudong-fuwu
    title: 主动服务活动
    organizer: 测试县优化营商环境工作领导小组办公室
    document: 关于开展主动服务活动的实施方案
    summary: 背景和**目标**。
    participants: all
    phases:
      - id: qidong
        name: 活动启动
        start: 2025-01-01
        end: 2025-01-31
        duties:
          - kind: pledges
            due: 2025-01-20
      - id: shishi
        name: 组织实施
        start: 2025-02-01
        end: 2025-06-30
        summary: 各单位推进承诺事项。
        duties:
          - kind: ledger
            every_days: 30
          - kind: problems
            due: 2025-03-31
      - id: zongjie
        name: 总结评比
        start: 2025-07-01
        end: 2025-07-31
        duties:
          - kind: report
            due: 2025-07-20
    indicators:
      - id: wangban
        name: 网上可办率
        unit: "%"
        target: ">= 90"
        baseline: 70
        due: 2025-06-30
        measurements:
          - date: 2025-03-01
            value: 80
            source: 政务服务网
    """)

UNIT_FGW = _t("""
    id: fgw
    name: 县发展和改革委员会
    short_name: 发改委
    category: 综合性部门
    head: 张三
    service_officer: 李四
    contact:
      phone: "0375-1234567"
      address: 县行政中心三楼
    notice_location: 一楼大厅
    maintainers:
      - "@example/fgw"
    """)

# Line numbers matter: pledges[0] starts on line 1, pledges[1] on line 18.
PLEDGES_FGW = _t("""
    - id: wangban
      campaign: zhudong-fuwu
      title: 项目审批网上办
      commitment: 所有审批事项**网上可办**。
      measures:
        - 梳理事项清单
      beneficiaries: 企业
      published: 2025-01-10
      deadline: 2025-06-30
      responsible: 王五
      tags:
        - 审批
      indicator:
        name: 网上可办率
        unit: "%"
        baseline: 70
        target: ">= 90"
    - id: zoufang
      campaign: zhudong-fuwu
      title: 常态化走访企业
      commitment: 每月走访企业。
      published: 2025-01-15
      withdrawn:
        date: 2025-05-01
        why: 与另一项承诺合并。
    """)

# ledger[0] line 1, ledger[1] line 8, ledger[2] line 12.
LEDGER_FGW = _t("""
    - date: 2025-02-10
      pledge: wangban
      progress: 30
      note: 梳理了事项清单。
      evidence:
        - evidence/qingdan.pdf
      value: 80
    - date: 2025-03-05
      pledge: zoufang
      progress: 10
      note: 走访企业 5 家。
    - date: 2025-03-10
      pledge: wangban
      progress: 100
      note: 全部事项上线。
      evidence:
        - https://example.org/notice
      value: 95
    """)

RECTS_FGW = _t("""
    - id: wenti-1
      campaign: zhudong-fuwu
      found: 2025-03-01
      source: 督查
      inspection: ducha-1
      category: 服务意识
      problem: 窗口人员服务态度差。
      measures:
        - 开展服务礼仪培训
      responsible: 王五
      deadline: 2025-04-30
      updates:
        - date: 2025-03-15
          note: 开展了培训。
      closure:
        date: 2025-04-20
        summary: 已整改到位。
        evidence:
          - evidence/qingdan.pdf
        verified_by: 县督查室
        verified_on: 2025-04-25
      objections:
        - date: 2025-04-28
          summary: 群众认为仍有问题。
          resolution:
            date: 2025-05-05
            summary: 已复核，整改到位。
    """)

REPORT_FGW = _t("""
    ---
    title: 发改委主动服务活动总结
    submitted: 2025-07-15
    ---

    今年我们完成了**全部**承诺事项。
    """)

UNIT_SWJ = _t("""
    id: swj
    name: 县税务局
    category: 审批职能部门
    """)

PLEDGES_SWJ = _t("""
    - id: jianfei
      campaign: zhudong-fuwu
      title: 减税降费政策宣讲
      commitment: 上门宣讲政策。
      published: 2025-01-12
      deadline: 2025-03-31
    """)

LEDGER_SWJ = _t("""
    - date: 2025-02-20
      pledge: jianfei
      progress: 100
      note: 完成宣讲。
    """)

INSPECTIONS = _t("""
    - id: ducha-1
      campaign: zhudong-fuwu
      date: 2025-02-28
      method: 明察暗访
      by: 县督查组
      summary: 对窗口单位明察暗访。
      findings:
        - unit: fgw
          result: 发现问题
          note: 服务态度差。
          rectification: wenti-1
        - unit: swj
          result: 合格
    """)

EVALUATION = _t("""
    campaign: zhudong-fuwu
    published: 2025-08-01
    weights:
      self: 20
      social: 50
      leadership: 30
    grades:
      - name: 优秀
        min: 90
      - name: 良好
        min: 80
      - name: 一般
        min: 0
    scores:
      - unit: fgw
        self: 95
        social: 90
        leadership: 92
      - unit: swj
        self: 85
        social: 80
        leadership: 80
        note: 需改进
    """)

FILES: dict[str, Any] = {
    "data/site.yaml": SITE,
    f"data/campaigns/{CAMPAIGN}.yaml": CAMPAIGN_YAML,
    "data/units/fgw/unit.yaml": UNIT_FGW,
    "data/units/fgw/pledges.yaml": PLEDGES_FGW,
    "data/units/fgw/ledger.yaml": LEDGER_FGW,
    "data/units/fgw/rectifications.yaml": RECTS_FGW,
    f"data/units/fgw/reports/{CAMPAIGN}.md": REPORT_FGW,
    "data/units/fgw/evidence/qingdan.pdf": b"%PDF-1.4\n% test evidence\n",
    "data/units/swj/unit.yaml": UNIT_SWJ,
    "data/units/swj/pledges.yaml": PLEDGES_SWJ,
    "data/units/swj/ledger.yaml": LEDGER_SWJ,
    "data/inspections/2025.yaml": INSPECTIONS,
    f"data/evaluations/{CAMPAIGN}.yaml": EVALUATION,
}


def dump(value: Any) -> str:
    """A Python value as plain YAML (no anchors, Chinese kept readable)."""

    class NoAliases(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    return yaml.dump(value, Dumper=NoAliases, allow_unicode=True, sort_keys=False, default_flow_style=False)


def write(root: Path, rel: str, content: Any) -> Path:
    """Write one file under ``root``: str as UTF-8 text, bytes as is, anything else dumped as YAML;
    ``None`` deletes the file."""
    path = Path(root) / rel
    if content is None:
        if path.exists():
            path.unlink()
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(dump(content), encoding="utf-8")
    return path


def make_project(root: Path, overrides: dict[str, Any] | None = None, base: dict[str, Any] | None = None) -> Path:
    """The valid fixture (or ``base``) under ``root`` with ``overrides`` applied (None removes a file)."""
    root = Path(root)
    files = dict(FILES if base is None else base)
    files.update(overrides or {})
    for rel, content in files.items():
        if content is not None:
            write(root, rel, content)
    return root


def _env(env: dict[str, str] | None) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in ("GONGSHI_AS_OF", "GONGSHI_ROOT", "GITHUB_ACTIONS")}
    e["PYTHONPATH"] = str(REPO) + os.pathsep + e.get("PYTHONPATH", "")
    e.update(env or {})
    return e


def run_cli(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60) -> tuple[int, str, str]:
    """``python -m generator --root ROOT ARGS`` in a subprocess: (exit code, stdout, stderr)."""
    proc = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        capture_output=True, text=True, encoding="utf-8", env=_env(env), cwd=str(REPO), timeout=timeout,
    )
    return proc.returncode, proc.stdout, proc.stderr


def cli(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The same command in this process (fast); an uncaught exception fails the test with its traceback."""
    from generator import cli as cli_mod

    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    try:
        for k in ("GONGSHI_AS_OF", "GONGSHI_ROOT", "GITHUB_ACTIONS"):
            os.environ.pop(k, None)
        os.environ.update(env or {})
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = cli_mod.main(["--root", str(root), *args])
            except SystemExit as exc:  # argparse usage errors
                rc = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return rc, out.getvalue(), err.getvalue()


def check_lines(root: Path, *args: str) -> tuple[int, list[str]]:
    """``check`` in text format: (exit code, the problem lines of stdout)."""
    rc, out, err = cli(root, "check", *args)
    assert "Traceback" not in out + err
    return rc, [line for line in out.splitlines() if line.strip()]


def problems_json(root: Path, *args: str) -> tuple[int, list[dict]]:
    rc, out, err = cli(root, "check", "--format", "json", *args)
    assert "Traceback" not in out + err
    return rc, json.loads(out)


def checked(root: Path, as_of: date | None = None, today: date | None = None):
    from generator.view.pipeline import check

    return check(root, as_of=as_of, today=today)


def d(s: str) -> date:
    return date.fromisoformat(s)


def find(lines: list[str], path: str, line: int, key: str = "", *contains: str, warning: bool = False) -> str:
    """The one problem line for ``path:line: [警告：]key：…`` that contains every ``contains``."""
    prefix = f"{path}:{line}: " if line else f"{path}: "
    if warning:
        prefix += "警告："
    if key:
        prefix += f"{key}："
    hits = [ln for ln in lines if ln.startswith(prefix) and all(c in ln for c in contains)]
    assert hits, f"no problem starting {prefix!r} containing {contains!r}; got:\n" + "\n".join(lines)
    return hits[0]


def errors_of(root: Path, *args: str) -> list[str]:
    """The problem lines of a check that must fail with exit code 1."""
    rc, lines = check_lines(root, *args)
    assert rc == 1, f"expected exit 1, got {rc}:\n" + "\n".join(lines)
    return lines


def clean(root: Path, *args: str) -> list[str]:
    """A check that must pass (exit 0); returns its lines (warnings only)."""
    rc, lines = check_lines(root, *args)
    assert rc == 0, f"expected exit 0, got {rc}:\n" + "\n".join(lines)
    assert not [ln for ln in lines if "警告：" not in ln], "\n".join(lines)
    return lines


def replace(text: str, old: str, new: str, count: int = 1) -> str:
    """``text`` with ``old`` replaced; fails loudly when ``old`` is not there (a fixture drifted)."""
    assert text.count(old) >= count, f"{old!r} not in fixture text"
    return text.replace(old, new, count)
