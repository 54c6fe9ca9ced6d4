"""Shared helpers of the site tests: fixture projects written by hand, builds, HTML helpers.

Kept apart from ``conftest.py`` so that test modules can import the writers and constants
(``from sitekit import ...``); the directory has no ``__init__.py`` on purpose (a package
named ``site`` would shadow the standard library's module).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from generator.model import yamltext

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
GONGSHI = [sys.executable, "-m", "generator"]
MKDOCS = [str(VENV_BIN / "mkdocs")] if (VENV_BIN / "mkdocs").is_file() else [sys.executable, "-m", "mkdocs"]

SAMPLE_AS_OF = date(2025, 10, 31)
"""The fixed date the sample site is rendered and built for (goldens, browser tests)."""

FULL_AS_OF = date(2025, 10, 29)
"""The sample with the guide is built the day before its evaluation is published (a pending evaluation page)."""

TOP_NAV = ["首页", "活动", "单位", "督查", "考核", "动态", "开放数据"]


# ---------------------------------------------------------------------------------------
# Projects


def mkdocs_yml_without_guide() -> str:
    """The repository's mkdocs.yml minus the 编辑指南 nav block (content/guide is not copied)."""
    out, skipping = [], False
    for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if skipping:
            if line.startswith("      ") or not line.strip():
                continue
            skipping = False
        if line.strip().startswith("- 编辑指南"):
            skipping = True
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def make_project(root: Path) -> Path:
    """mkdocs.yml, theme_overrides/ and an empty content/ next to a data/ written elsewhere."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml_without_guide(), encoding="utf-8")
    if (root / "theme_overrides").exists():
        shutil.rmtree(root / "theme_overrides")
    shutil.copytree(REPO / "theme_overrides", root / "theme_overrides")
    (root / "content").mkdir(exist_ok=True)
    return root


def run(cmd: list[str], cwd: Path | None = None, as_of: date | None = None, timeout: int = 300,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """A command with a clean gongshi environment (no inherited GONGSHI_* settings)."""
    e = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    e["PYTHONIOENCODING"] = "utf-8"
    if as_of is not None:
        e["GONGSHI_AS_OF"] = as_of.isoformat()
    if env:
        e.update(env)
    return subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout)


def gongshi_build(root: Path, as_of: date | None = None) -> subprocess.CompletedProcess:
    cmd = GONGSHI + ["--root", str(root), "build"]
    if as_of is not None:
        cmd += ["--as-of", as_of.isoformat()]
    return run(cmd, cwd=root)


def tree_digest(d: Path) -> dict[str, str]:
    """path → SHA-256 of every file under ``d`` (for "byte-identical" checks)."""
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------
# Fixture files, written by the emitter the sample county and the benchmark data use.


def write_yaml(path: Path, v) -> None:
    yamltext.write(path, v)


# A 1x1 JPEG and a minimal PDF: evidence files must exist, their content does not matter.
TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c"
    "20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100"
    "000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63646566"
    "6768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3"
    "d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")
TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


# ---------------------------------------------------------------------------------------
# The sample project: small, hand-written, every state as of SAMPLE_AS_OF (2025-10-31).

SAMPLE_BASE_URL = "https://gongshi.example.org/shixian/"  # under a sub-path, as a county portal may host it
SAMPLE_PLEDGE_TITLE = "企业开办全程网办一日办结"
SAMPLE_MD_EVIDENCE = "# 回访记录\n\n回访 50 户，满意 49 户。<b>原样</b>\n"
SAMPLE_PLEDGE_URL = "units/fgw/qiye-kaiban/"
SAMPLE_CAMPAIGN_TITLE = "优化营商环境主动服务活动"

d = date


def write_sample(root: Path) -> Path:
    """Write ``root/data`` (replacing it) and return ``root``."""
    data = root / "data"
    if data.exists():
        shutil.rmtree(data)
    write_yaml(data / "site.yaml", {
        "title": "示例县政务承诺公开平台",
        "owner": "示例县优化营商环境工作领导小组办公室",
        "timezone": "Asia/Shanghai",
        "stale_after_days": 45,
        "closure_notice_days": 7,
        "base_url": SAMPLE_BASE_URL,
        "oversight": {"hotline": "0371-12345", "email": "duban@example.gov.cn",
                      "address": "示例县人民路1号政务服务中心三楼", "report_url": "https://jubao.example.gov.cn/form"},
    })
    write_yaml(data / "campaigns" / "yingshang.yaml", {
        "id": "yingshang",
        "title": SAMPLE_CAMPAIGN_TITLE,
        "organizer": "示例县优化营商环境工作领导小组办公室",
        "document": "关于开展优化营商环境主动服务活动的实施方案",
        "document_url": "https://www.example.gov.cn/doc/2025-1",
        "summary": "围绕**营商环境**突出问题，各单位公开承诺、按时记录台账、逐项整改销号。\n\n- 公开承诺\n- 按月记台账\n",
        "participants": "all",
        "phases": [
            {"id": "qidong", "name": "活动启动", "start": d(2025, 3, 1), "end": d(2025, 3, 31),
             "summary": "各单位梳理并公示服务事项。", "duties": [{"kind": "pledges", "due": d(2025, 3, 20)}]},
            {"id": "shishi", "name": "组织实施", "start": d(2025, 4, 1), "end": d(2025, 9, 30),
             "summary": "逐项推进承诺，**每 60 天**至少记录一次台账。",
             "duties": [{"kind": "ledger", "every_days": 60}, {"kind": "problems", "due": d(2025, 6, 30)}]},
            {"id": "zongjie", "name": "总结评比", "start": d(2025, 10, 1), "end": d(2025, 11, 30),
             "duties": [{"kind": "report", "due": d(2025, 10, 25)}]},
            {"id": "youhua", "name": "优化提升", "start": d(2025, 12, 1)},
        ],
        "indicators": [
            {"id": "wskb", "name": "网上可办率", "unit": "%", "target": ">= 90", "baseline": 72, "due": d(2025, 12, 31),
             "measurements": [
                 {"date": d(2025, 4, 30), "value": 75, "source": "县政务服务中心月报"},
                 {"date": d(2025, 6, 30), "value": 81.5},
                 {"date": d(2025, 8, 31), "value": 88},
                 {"date": d(2025, 10, 15), "value": 91.2, "source": "县政务服务中心月报"},
             ]},
        ],
    })

    # --- 发改委: done, overdue (with a correction, stale), withdrawn; three rectifications.
    fgw = data / "units" / "fgw"
    write_yaml(fgw / "unit.yaml", {
        "id": "fgw", "name": "示例县发展和改革委员会", "short_name": "发改委", "category": "综合性部门",
        "head": "张伟", "service_officer": "李娜",
        "contact": {"phone": "0371-6000001", "address": "示例县人民路8号"},
        "notice_location": "办事大厅公示栏", "maintainers": ["@example-gov/fgw"],
    })
    write_yaml(fgw / "pledges.yaml", [
        {"id": "qiye-kaiban", "campaign": "yingshang", "title": SAMPLE_PLEDGE_TITLE,
         "commitment": "企业开办实行**全程网办**，申请材料齐全的 1 个工作日内办结。\n\n"
                       "办理进度可在[县政务服务网](https://zwfw.example.gov.cn/item/1)查询。",
         "measures": ["设立企业开办专区", "推行电子营业执照"], "beneficiaries": "新开办企业",
         "published": d(2025, 3, 10), "deadline": d(2025, 9, 30), "responsible": "赵敏（科长）",
         "tags": ["营商环境", "一网通办"],
         "indicator": {"name": "企业开办平均用时", "unit": "小时", "baseline": 72, "target": "<= 24"},
         "changes": [{"date": d(2025, 6, 1), "field": "deadline", "from": d(2025, 8, 31), "to": d(2025, 9, 30),
                      "why": "与省平台对接推迟一个月"}]},
        {"id": "xiangmu-bangban", "campaign": "yingshang", "title": "重大项目审批全程帮办代办",
         "commitment": "对重大项目实行专人帮办代办，审批时限压缩一半。", "published": d(2025, 3, 15),
         "deadline": d(2025, 6, 30), "responsible": "孙磊"},
        {"id": "zhengce-duixian", "campaign": "yingshang", "title": "惠企政策免申即享",
         "commitment": "符合条件的企业无需申请，直接兑现惠企政策。", "published": d(2025, 3, 18),
         "withdrawn": {"date": d(2025, 8, 1), "why": "并入全县统一的惠企政策平台"}},
    ])
    write_yaml(fgw / "ledger.yaml", [
        {"date": d(2025, 3, 25), "pledge": "qiye-kaiban", "progress": 20, "note": "召开企业开办专题推进会，梳理办理环节 5 个。",
         "evidence": ["evidence/tuijinhui.jpg", "https://www.example.gov.cn/news/2025-03-25"], "value": 48},
        {"date": d(2025, 4, 10), "pledge": "xiangmu-bangban", "progress": 30, "note": "组建帮办代办队伍 12 人。"},
        {"date": d(2025, 5, 20), "pledge": "qiye-kaiban", "progress": 50, "note": "上线企业开办“一网通办”专区。", "value": 30},
        {"date": d(2025, 5, 30), "pledge": "xiangmu-bangban", "progress": 60, "note": "为 8 个重大项目提供全程帮办。"},
        {"date": d(2025, 6, 20), "pledge": "xiangmu-bangban", "progress": 50, "note": "核实后调整进度。",
         "correction": "5 月 30 日的进度多报了 10%，更正为 50%。"},
        {"date": d(2025, 7, 10), "pledge": "qiye-kaiban", "progress": 80, "note": "电子营业执照全面推行。", "value": 20},
        {"date": d(2025, 9, 20), "pledge": "qiye-kaiban", "progress": 100, "note": "企业开办平均用时降至 **18 小时**，承诺完成。",
         "evidence": ["evidence/zhenggai.pdf"], "value": 18},
    ])
    write_yaml(fgw / "rectifications.yaml", [
        {"id": "tuiwei", "campaign": "yingshang", "found": d(2025, 4, 15), "source": "明察暗访",
         "inspection": "anfang-2025-04", "category": "服务意识不强", "problem": "窗口工作人员对咨询群众推诿，未落实首问负责制。",
         "measures": ["全员重新学习首问负责制", "窗口设立评价器"], "responsible": "李娜", "deadline": d(2025, 6, 30),
         "updates": [{"date": d(2025, 5, 10), "note": "已完成全员培训。"}],
         "closure": {"date": d(2025, 6, 20), "summary": "首问负责制落实到人，评价器已启用。",
                     "evidence": ["evidence/zhenggai.pdf"], "verified_by": "县营商办", "verified_on": d(2025, 6, 25)}},
        {"id": "shixian", "campaign": "yingshang", "found": d(2025, 5, 10), "source": "自查", "category": "办事效率不高",
         "problem": "部分项目备案超过承诺时限。", "measures": ["逐件倒查超时原因"], "deadline": d(2025, 7, 31)},
        {"id": "yiyi", "campaign": "yingshang", "found": d(2025, 6, 1), "source": "群众反映",
         "problem": "办事指南与实际要求的材料不一致。", "measures": ["重新核对全部办事指南"], "deadline": d(2025, 8, 31),
         "closure": {"date": d(2025, 8, 20), "summary": "办事指南已全部更新。", "verified_by": "县营商办",
                     "verified_on": d(2025, 8, 25)},
         "objections": [{"date": d(2025, 8, 28), "summary": "群众反映仍有两项指南未更新。"}]},
    ])
    (fgw / "evidence").mkdir(parents=True, exist_ok=True)
    (fgw / "evidence" / "tuijinhui.jpg").write_bytes(TINY_JPEG)
    (fgw / "evidence" / "zhenggai.pdf").write_bytes(TINY_PDF)
    (fgw / "reports").mkdir(parents=True, exist_ok=True)
    (fgw / "reports" / "yingshang.md").write_text(
        "---\ntitle: \"发改委优化营商环境主动服务活动工作总结\"\nsubmitted: 2025-10-20\n---\n\n"
        "## 一、基本情况\n\n公开承诺 3 项，已完成 1 项。\n\n## 二、下一步打算\n\n- 继续推进帮办代办\n", encoding="utf-8")

    # --- 审批局: in progress, not started, done late, one hidden; notice, awaiting, open, closed late.
    spj = data / "units" / "spj"
    write_yaml(spj / "unit.yaml", {
        "id": "spj", "name": "示例县行政审批服务局", "short_name": "审批局", "category": "审批职能部门", "head": "王强",
        "contact": {"phone": "0371-6000002"},
    })
    write_yaml(spj / "pledges.yaml", [
        {"id": "yanshi-fuwu", "campaign": "yingshang", "title": "工作日中午延时服务",
         "commitment": "工作日中午 12:00—14:00 不间断办理。", "published": d(2025, 3, 12), "deadline": d(2025, 12, 31),
         "measures": ["窗口人员轮班"]},
        {"id": "zhengzhao", "campaign": "yingshang", "title": "电子证照一次调用",
         "commitment": "已归集的证照不再要求群众提交纸质件。", "published": d(2025, 10, 20), "deadline": d(2026, 3, 31)},
        {"id": "shangmen", "campaign": "yingshang", "title": "重点企业上门服务",
         "commitment": "对重点企业上门提供审批服务。", "published": d(2025, 3, 5), "deadline": d(2025, 5, 31)},
        {"id": "weilai", "campaign": "yingshang", "title": "尚未公示的承诺",
         "commitment": "这一项在 2025-11-15 才公示。", "published": d(2025, 11, 15)},
    ])
    write_yaml(spj / "ledger.yaml", [
        {"date": d(2025, 4, 1), "pledge": "yanshi-fuwu", "progress": 10, "note": "制定轮班表。"},
        {"date": d(2025, 4, 20), "pledge": "shangmen", "progress": 60, "note": "走访重点企业 20 家。"},
        {"date": d(2025, 5, 15), "pledge": "yanshi-fuwu", "progress": 40, "note": "试行中午延时服务。"},
        {"date": d(2025, 6, 10), "pledge": "shangmen", "progress": 100, "note": "完成全部重点企业走访。"},
        {"date": d(2025, 7, 1), "pledge": "yanshi-fuwu", "progress": 60, "note": "延时服务覆盖全部窗口。"},
        {"date": d(2025, 8, 20), "pledge": "yanshi-fuwu", "progress": 70, "note": "中午办件 320 件。"},
        {"date": d(2025, 10, 10), "pledge": "yanshi-fuwu", "progress": 80, "note": "群众满意度回访 98%。",
         "evidence": ["evidence/huifang/2025-10.md"]},
    ])
    # A Markdown evidence file: published as the file itself at its own path, never made a page.
    (spj / "evidence" / "huifang").mkdir(parents=True, exist_ok=True)
    (spj / "evidence" / "huifang" / "2025-10.md").write_text(SAMPLE_MD_EVIDENCE, encoding="utf-8")
    write_yaml(spj / "rectifications.yaml", [
        {"id": "gongshi", "campaign": "yingshang", "found": d(2025, 9, 1), "source": "电话核实",
         "problem": "咨询电话无人接听。", "measures": ["安排专人值守"], "deadline": d(2025, 11, 30),
         "closure": {"date": d(2025, 10, 28), "summary": "已安排专人值守。", "verified_by": "县营商办",
                     "verified_on": d(2025, 10, 29)}},
        {"id": "yanshou", "campaign": "yingshang", "found": d(2025, 9, 10), "source": "督查",
         "problem": "证照打印机经常故障。", "measures": ["更换打印机"], "deadline": d(2025, 11, 30),
         "closure": {"date": d(2025, 10, 30), "summary": "已更换。"}},
        {"id": "zhenggai", "campaign": "yingshang", "found": d(2025, 10, 5), "source": "上级通报",
         "problem": "大厅引导标识不清。", "measures": ["重新设计标识"], "deadline": d(2025, 12, 15)},
        {"id": "chidao", "campaign": "yingshang", "found": d(2025, 4, 2), "source": "明察暗访",
         "inspection": "anfang-2025-04", "problem": "窗口人员迟到早退。", "measures": ["严格考勤"],
         "deadline": d(2025, 5, 31),
         "closure": {"date": d(2025, 6, 5), "summary": "考勤纳入绩效。", "verified_by": "县纪委监委驻点组",
                     "verified_on": d(2025, 6, 8)},
         "objections": [{"date": d(2025, 6, 10), "summary": "仍有人员迟到。",
                         "resolution": {"date": d(2025, 6, 20), "summary": "经核实已处理相关人员。"}}]},
    ])
    (spj / "reports").mkdir(parents=True, exist_ok=True)
    (spj / "reports" / "yingshang.md").write_text(
        "---\ntitle: \"审批局活动总结\"\nsubmitted: 2025-10-28\n---\n\n审批局全年办件 1.2 万件。\n", encoding="utf-8")

    # --- 城关镇: no pledges at all.
    write_yaml(data / "units" / "xzf" / "unit.yaml", {
        "id": "xzf", "name": "城关镇人民政府", "short_name": "城关镇", "category": "乡镇政府"})

    write_yaml(data / "inspections" / "2025.yaml", [
        {"id": "anfang-2025-04", "campaign": "yingshang", "date": d(2025, 4, 15), "method": "明察暗访",
         "by": "县营商办督查组", "summary": "暗访 2 个单位的办事大厅。",
         "findings": [
             {"unit": "fgw", "result": "发现问题", "note": "窗口推诿。", "rectification": "tuiwei"},
             {"unit": "spj", "result": "发现问题", "note": "迟到早退。", "rectification": "chidao"},
             {"unit": "xzf", "result": "合格"},
         ]},
    ])
    write_yaml(data / "evaluations" / "yingshang.yaml", {
        "campaign": "yingshang", "published": d(2025, 10, 30),
        "weights": {"self": 20, "social": 50, "leadership": 30},
        "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "一般", "min": 0}],
        "scores": [
            {"unit": "fgw", "self": 95, "social": 88, "leadership": 92},
            {"unit": "spj", "self": 90, "social": 91, "leadership": 90, "note": "群众评价较高"},
            {"unit": "xzf", "self": 80, "social": 70, "leadership": 75},
        ],
    })
    return root


# ---------------------------------------------------------------------------------------
# The hostile project: every text field carries markup, template and snippet syntax.

HOSTILE_PARTS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "{{ config }}",
    "{% raw %}",
    '--8<-- "mkdocs.yml"',
    "&lt;b&gt;",
]


def hostile(label: str) -> str:
    """One line of text: a readable label, then every hostile part."""
    return f"{label} " + " ".join(HOSTILE_PARTS)


def hostile_md(label: str) -> str:
    """Markdown: the parts as paragraphs of their own (a snippet line must start a line)."""
    return f"{label}\n\n" + "\n\n".join(HOSTILE_PARTS) + "\n"


HOSTILE_PLEDGE_TITLE = hostile("承诺标题")
HOSTILE_PLEDGE_URL = "units/evil/p1/"
HOSTILE_SITE_TITLE = hostile("网站")
HOSTILE_CATEGORY = hostile("类别")


def write_hostile(root: Path) -> Path:
    data = root / "data"
    if data.exists():
        shutil.rmtree(data)
    H, M = hostile, hostile_md
    write_yaml(data / "site.yaml", {
        "title": HOSTILE_SITE_TITLE, "owner": H("主办"),
        "unit_categories": [HOSTILE_CATEGORY, "其他"],
        "oversight": {"hotline": H("电话"), "email": "duban@example.gov.cn", "address": H("地址"),
                      "report_url": "https://jubao.example.gov.cn/form?a=1"},
    })
    write_yaml(data / "campaigns" / "evilc.yaml", {
        "id": "evilc", "title": H("活动"), "organizer": H("组织"), "document": H("文件"),
        "document_url": "https://www.example.gov.cn/doc", "summary": M("活动概述"),
        "phases": [
            {"id": "ph1", "name": H("阶段"), "start": d(2025, 3, 1), "end": d(2025, 6, 30), "summary": M("阶段说明"),
             "duties": [{"kind": "pledges", "due": d(2025, 3, 31)}, {"kind": "ledger", "every_days": 90},
                        {"kind": "problems", "due": d(2025, 6, 30)}, {"kind": "report", "due": d(2025, 6, 30)}]},
        ],
        "indicators": [{"id": "i1", "name": H("活动指标"), "unit": H("单位"), "target": ">= 90", "baseline": 50,
                        "measurements": [{"date": d(2025, 4, 1), "value": 60, "source": H("来源")},
                                         {"date": d(2025, 5, 1), "value": 70}]}],
    })
    evil = data / "units" / "evil"
    write_yaml(evil / "unit.yaml", {
        "id": "evil", "name": H("单位"), "short_name": H("简称"), "category": HOSTILE_CATEGORY, "head": H("负责人"),
        "service_officer": H("服务官"), "contact": {"phone": H("电话"), "address": H("地址")},
        "notice_location": H("公示地点"), "maintainers": ["@example-gov/evil"],
    })
    write_yaml(evil / "pledges.yaml", [
        {"id": "p1", "campaign": "evilc", "title": HOSTILE_PLEDGE_TITLE, "commitment": M("承诺内容"),
         "measures": [H("措施一"), H("措施二")], "beneficiaries": H("服务对象"), "published": d(2025, 3, 10),
         "deadline": d(2025, 9, 30), "responsible": H("责任人"), "tags": [H("标签")],
         "indicator": {"name": H("指标"), "unit": H("指标单位"), "baseline": 1, "target": ">= 5"},
         "changes": [{"date": d(2025, 4, 1), "field": "responsible", "from": H("原责任人"), "to": H("责任人"),
                      "why": H("变更原因")},
                     {"date": d(2025, 4, 2), "field": "title", "from": H("原标题"), "to": HOSTILE_PLEDGE_TITLE,
                      "why": H("改名原因")}]},
        {"id": "p2", "campaign": "evilc", "title": H("撤回的承诺"), "commitment": M("撤回承诺内容"),
         "published": d(2025, 3, 10), "withdrawn": {"date": d(2025, 5, 1), "why": H("撤回原因")}},
    ])
    write_yaml(evil / "ledger.yaml", [
        {"date": d(2025, 3, 20), "pledge": "p1", "progress": 40, "note": M("台账一"), "value": 2,
         "evidence": ["evidence/a.jpg", "https://www.example.gov.cn/x?q=1&r=2"]},
        {"date": d(2025, 4, 20), "pledge": "p1", "progress": 30, "note": M("台账二"), "value": 3,
         "correction": H("更正")},
    ])
    write_yaml(evil / "rectifications.yaml", [
        {"id": "r1", "campaign": "evilc", "found": d(2025, 3, 15), "source": "督查", "inspection": "ins1",
         "category": H("问题类别"), "problem": M("问题"), "measures": [H("整改措施")], "responsible": H("整改责任人"),
         "deadline": d(2025, 5, 31), "updates": [{"date": d(2025, 4, 1), "note": M("整改进展")}],
         "closure": {"date": d(2025, 5, 20), "summary": M("销号"), "evidence": ["evidence/a.jpg"],
                     "verified_by": H("验收人"), "verified_on": d(2025, 5, 25)},
         "objections": [{"date": d(2025, 5, 28), "summary": M("异议"),
                         "resolution": {"date": d(2025, 6, 5), "summary": M("答复")}},
                        {"date": d(2025, 6, 10), "summary": M("未答复异议")}]},
    ])
    (evil / "evidence").mkdir(parents=True, exist_ok=True)
    (evil / "evidence" / "a.jpg").write_bytes(TINY_JPEG)
    (evil / "reports").mkdir(parents=True, exist_ok=True)
    (evil / "reports" / "evilc.md").write_text(
        "---\ntitle: " + json.dumps(H("报告标题"), ensure_ascii=False) + "\nsubmitted: 2025-06-01\n---\n\n"
        + M("报告正文"), encoding="utf-8")
    write_yaml(data / "inspections" / "all.yaml", [
        {"id": "ins1", "campaign": "evilc", "date": d(2025, 3, 15), "method": "现场抽查", "by": H("督查组"),
         "summary": M("督查概述"),
         "findings": [{"unit": "evil", "result": "发现问题", "note": M("发现"), "rectification": "r1"}]},
    ])
    write_yaml(data / "evaluations" / "evilc.yaml", {
        "campaign": "evilc", "published": d(2025, 7, 1), "weights": {"self": 30, "social": 40, "leadership": 30},
        "grades": [{"name": H("等次"), "min": 0}],
        "scores": [{"unit": "evil", "self": 90, "social": 80, "leadership": 85, "note": H("备注")}],
    })
    return root


# ---------------------------------------------------------------------------------------
# HTML helpers

CONTENT_RE = re.compile(r'<article class="md-content__inner[^"]*"[^>]*>(.*?)</article>', re.S)


def content_area(html_text: str) -> str:
    m = CONTENT_RE.search(html_text)
    assert m, "no Material content area (<article class=\"md-content__inner\">) in the page"
    return m.group(1)


class TagCollector(HTMLParser):
    """Every start tag with its attributes (entities in attribute values decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(html_text: str) -> TagCollector:
    c = TagCollector()
    c.feed(html_text)
    c.close()
    return c


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def search_records(site: Path) -> list[dict]:
    """The Pagefind bundle's records (site/pagefind/fragment/*.pf_fragment): url, content, meta.

    Each fragment is gzip with a ``pagefind_dcd`` signature before its JSON.
    """
    import gzip

    out = []
    for f in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        raw = gzip.decompress(f.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), f
        out.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return out
