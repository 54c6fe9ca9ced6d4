"""The Chinese names of keys and states, written once.

The public pages (pledge.html, rectifications.html), the integrity messages and the reviewer
diff all name a field or a state through this module, so a clerk reads the same word for
``deadline`` on the site, in ``gongshi check`` and in the pull request's summary.
"""

from __future__ import annotations

from generator.model.records import DutyKind

# Fields of a pledge, as the site and the messages call them.
PLEDGE_FIELDS: dict[str, str] = {
    "title": "承诺事项",
    "commitment": "承诺内容",
    "measures": "具体措施",
    "deadline": "完成时限",
    "indicator": "指标目标",
    "responsible": "责任人",
    "published": "公示日期",
    "beneficiaries": "服务对象",
    "tags": "标签",
    "campaign": "所属活动",
    "withdrawn": "撤回",
    "changes": "变更记录",
}

# Fields of a rectification.
RECT_FIELDS: dict[str, str] = {
    "problem": "问题描述",
    "measures": "整改措施",
    "category": "问题类别",
    "source": "问题来源",
    "responsible": "责任人",
    "deadline": "整改时限",
    "inspection": "督查",
    "campaign": "所属活动",
    "found": "发现日期",
    "updates": "整改进展",
    "closure": "销号",
    "objections": "群众异议",
    "changes": "变更记录",
}

# Fields of an inspection and of one of its findings.
INSPECTION_FIELDS: dict[str, str] = {
    "campaign": "所属活动",
    "date": "督查日期",
    "method": "督查方式",
    "by": "督查组",
    "summary": "概述",
    "findings": "督查结果",
    "unit": "被督查单位",
    "result": "督查结论",
    "note": "情况说明",
    "rectification": "整改问题",
}

# Duty kinds: the public name of what a unit had to publish.
DUTY_KINDS: dict[DutyKind, str] = {
    DutyKind.PLEDGES: "公开承诺",
    DutyKind.LEDGER: "工作台账",
    DutyKind.REPORT: "总结报告",
    DutyKind.PROBLEMS: "问题清单",
}


def change_value(value: object) -> str:
    """A change's typed ``from``/``to`` as one line of text: a list joined with “；”, a date or
    target as written, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return "；".join(str(v) for v in value)
    return str(value)
