"""The open-data tables of contract §5: their columns, types and meanings, declared once.

The CSV files, ``gongshi.json``, the data package and the /data/ page all take their columns
from here, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.records import RECT_SOURCES, DutyKind, DutyState, PledgeState, RectState


@dataclass(frozen=True)
class Column:
    """One open-data column: its Table Schema type and what it means, for the data package and /data/."""

    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date
    title: str  # short Chinese name
    description: str  # Chinese: what the column holds, and what an empty cell means
    enum: tuple[str, ...] = ()  # the only values it can hold (empty: any)
    minimum: int | None = None
    maximum: int | None = None


_PLEDGE_STATES = tuple(s.value for s in PledgeState)
_RECT_STATES = tuple(s.value for s in RectState)
# Evidence paths resolve as written: each file is published byte for byte at that path under its
# unit's page (a .md file too: it is served as the text file it is, not made into a page).
EVIDENCE_DOC = ("证明材料，多个以空格分隔；空 = 没有。每项是网址，或以 evidence/ 开头的文件路径：该文件原样发布在"
                "网站的 /units/<unit>/<路径>（如 /units/fgw/evidence/a.pdf；.md 文件也原样发布为文本文件，不转成网页）")

# The one place where the open-data columns are written down.  Column order is part of the
# contract: the first columns are fixed (§5), more may follow.
TABLES: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    "units": ("单位", "每个单位一行，含其承诺、问题和阶段责任的汇总数字。", (
        Column("id", "string", "单位标识", "单位的标识（data/units/ 下的文件夹名），也用在网址 /units/<id>/ 中"),
        Column("name", "string", "单位名称", "单位全称"),
        Column("short_name", "string", "简称", "单位简称；空 = 未填写"),
        Column("category", "string", "单位类别", "单位类别，如 乡镇政府、综合性部门、审批职能部门"),
        Column("head", "string", "主要负责人", "全面负责的主要负责人（一把手）；空 = 未填写"),
        Column("service_officer", "string", "首席服务官", "首席服务官；空 = 未填写"),
        Column("phone", "string", "联系电话", "单位联系电话；空 = 未填写"),
        Column("address", "string", "地址", "单位办公地址；空 = 未填写"),
        Column("notice_location", "string", "公示地点", "纸质公示单张贴的地点；空 = 未填写"),
        Column("pledges", "integer", "承诺数", "已公示的承诺数（含已撤回的）", minimum=0),
        Column("pledges_overdue", "integer", "逾期承诺数", "状态为“逾期”（过了完成时限仍未完成）的承诺数", minimum=0),
        Column("pledges_stale", "integer", "久未更新承诺数", "标记为“久未更新”的承诺数", minimum=0),
        Column("rectifications", "integer", "问题数", "已公开的问题（问题清单）数", minimum=0),
        Column("rectifications_open", "integer", "未销号问题数", "尚未最终销号（含销号公示中、有异议）的问题数", minimum=0),
        Column("duties_missed", "integer", "未完成的阶段责任数", "到期仍未完成的阶段责任数（见 duties.csv）", minimum=0),
        Column("on_time_rate", "number", "按时完成率", "按时完成的承诺占“已完成、逾期完成、逾期”承诺之和的比例，0 到 1；空 = "
                                                  "还没有可计算的承诺",
               minimum=0, maximum=1),
        Column("closure_rate", "number", "销号率", "已最终销号的问题占全部已公开问题的比例，0 到 1；空 = 没有问题",
               minimum=0, maximum=1),
        Column("url", "string", "网页地址", "单位页面的地址，相对于网站根目录"),
    )),
    "pledges": ("承诺", "每项已公示的承诺一行（尚未到公示日期的不列出），含按计算日期得出的状态。", (
        Column("unit", "string", "单位标识", "承诺所属单位的标识（见 units.csv 的 id）"),
        Column("id", "string", "承诺标识", "承诺的标识，在单位内唯一；完整标识为 unit/id"),
        Column("campaign", "string", "活动标识", "承诺所属活动的标识"),
        Column("state", "string", "状态", "按计算日期得出的状态：" + "、".join(_PLEDGE_STATES), enum=_PLEDGE_STATES),
        Column("stale", "boolean", "久未更新", "true = 未完成的承诺超过规定天数没有台账记录（久未更新）；状态列不因此改变"),
        Column("title", "string", "承诺事项", "承诺事项的名称（计算日期当时有效的）"),
        Column("published", "date", "公示日期", "承诺的公示日期"),
        Column("deadline", "date", "完成时限", "计算日期当时有效的完成时限；空 = 常态化，没有完成时限"),
        Column("responsible", "string", "责任人", "责任人；空 = 未填写"),
        Column("progress", "integer", "进度", "最新一条台账记录的完成进度（百分比，0 到 100）；没有台账为 0", minimum=0, maximum=100),
        Column("last_activity", "date", "最近活动日期", "最近一条台账记录的日期，没有台账时为公示日期"),
        Column("done_on", "date", "完成日期", "进度达到 100% 的日期；空 = 尚未完成"),
        Column("days_left", "integer", "剩余天数", "距完成时限还有几天（0 = 今天到期）；空 = 已完成、已逾期、已撤回或常态化", minimum=0),
        Column("days_overdue", "integer", "逾期天数", "已超过完成时限的天数；空 = 没有逾期", minimum=1),
        Column("withdrawn_on", "date", "撤回日期", "承诺撤回的日期；空 = 未撤回"),
        Column("withdrawn_why", "string", "撤回原因", "承诺撤回的公开理由；空 = 未撤回"),
        Column("changes_count", "integer", "变更次数", "公示后公开记录的变更次数", minimum=0),
        Column("url", "string", "网页地址", "承诺页面的地址，相对于网站根目录"),
    )),
    "ledger": ("工作台账", "已公示承诺的每条台账记录一行，按承诺、日期排列。台账只增不改，更正是新的一行。", (
        Column("unit", "string", "单位标识", "台账所属单位的标识"),
        Column("pledge", "string", "承诺标识", "台账所记承诺的标识（与 unit 一起对应 pledges.csv 的 unit 和 id）"),
        Column("date", "date", "日期", "工作完成的日期"),
        Column("progress", "integer", "进度", "这条记录之后承诺的完成进度（百分比，0 到 100）", minimum=0, maximum=100),
        Column("note", "string", "工作内容", "做了什么（Markdown 文本）"),
        Column("evidence", "string", "证明材料", EVIDENCE_DOC),
        Column("value", "number", "指标值", "承诺指标在这一天的实测值；空 = 没有"),
        Column("correction", "string", "更正说明", "进度低于上一条记录时的更正理由；空 = 不是更正"),
        Column("seq", "integer", "序号", "这条记录在单位台账文件（ledger.yaml）中的位置，从 0 开始；同一天有多条时，序号大的为准",
               minimum=0),
    )),
    "rectifications": ("问题整改", "每个已公开的问题一行（发现日期在计算日期之后的不列出），含按计算日期得出的整改状态。", (
        Column("unit", "string", "单位标识", "问题所属单位的标识（见 units.csv 的 id）"),
        Column("id", "string", "问题标识", "问题的标识，在单位内唯一；网页地址为 /units/<unit>/rectifications/#<id>"),
        Column("campaign", "string", "活动标识", "问题所属活动的标识"),
        Column("state", "string", "状态", "按计算日期得出的整改状态：" + "、".join(_RECT_STATES), enum=_RECT_STATES),
        Column("found", "date", "发现日期", "发现问题的日期"),
        Column("source", "string", "问题来源", "问题来源：" + "、".join(RECT_SOURCES), enum=RECT_SOURCES),
        Column("inspection", "string", "督查标识", "发现问题的督查的标识；空 = 不是督查发现的"),
        Column("category", "string", "问题类别", "问题类别；空 = 未填写"),
        Column("deadline", "date", "整改时限", "整改时限"),
        Column("responsible", "string", "责任人", "整改责任人；空 = 未填写"),
        Column("closed_on", "date", "销号日期", "单位申请销号（整改完成）的日期；空 = 尚未申请"),
        Column("verified_by", "string", "验收单位", "验收销号的单位或人员；空 = 尚未验收"),
        Column("verified_on", "date", "验收日期", "验收日期；空 = 尚未验收"),
        Column("notice_until", "date", "公示截止日期", "销号公示中的问题接受异议的最后一天；空 = 不在公示期"),
        Column("objections_count", "integer", "异议数", "群众对销号提出的异议数", minimum=0),
        Column("objections_open", "integer", "未答复异议数", "尚未答复的异议数", minimum=0),
        Column("days_overdue", "integer", "逾期天数", "超过整改时限仍未整改的天数；空 = 没有逾期", minimum=1),
        Column("url", "string", "网页地址", "问题所在页面的地址（含锚点），相对于网站根目录"),
    )),
    "duties": ("阶段责任", "每个参与单位在每个活动阶段的每项公开责任一行，含按计算日期得出的完成情况。", (
        Column("unit", "string", "单位标识", "单位的标识（见 units.csv 的 id）"),
        Column("campaign", "string", "活动标识", "活动的标识"),
        Column("phase", "string", "阶段标识", "活动阶段的标识；阶段公示页为 /campaigns/<campaign>/<phase>/"),
        Column("kind", "string", "责任类型", "责任类型：pledges（公开承诺）、ledger（工作台账）、report（总结报告）、problems（问题清单）",
               enum=tuple(k.value for k in DutyKind)),
        Column("due", "date", "截止日期", "完成期限；ledger（台账）责任为空，它按台账间隔天数计算"),
        Column("state", "string", "完成情况", "按计算日期得出的完成情况：" + "、".join(s.value for s in DutyState),
               enum=tuple(s.value for s in DutyState)),
        Column("met_on", "date", "完成日期", "责任完成的日期；空 = 尚未完成，或为台账责任"),
        Column("every_days", "integer", "台账间隔天数", "台账责任允许的最长间隔天数；其他责任为空", minimum=1),
        Column("longest_gap", "integer", "最长间隔天数", "台账责任：单位未完成承诺中台账记录的最长间隔天数；空 = 阶段未开始或其他责任",
               minimum=0),
    )),
}

COLUMNS: dict[str, list[str]] = {t: [c.name for c in cols] for t, (_, _, cols) in TABLES.items()}


def columns(table: str) -> tuple[Column, ...]:
    """The documented columns of one table, in CSV order."""
    return TABLES[table][2]


# Tables published as CSV at /data/<table>.csv (contract §5).
CSV_TABLES = ("units", "pledges", "ledger", "rectifications", "duties")
