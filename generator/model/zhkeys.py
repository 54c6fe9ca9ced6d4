"""The Chinese words a clerk may write instead of a key, for "字段名要用英文" hints.

A clerk who follows the field reference reads ``deadline`` described as 完成时限 and may write
``完成时限: 2026-06-30``.  This table maps such words to the keys they stand for; the checker
uses it only when a key is unknown (never on the happy path).  One word may stand for several
keys, in order of preference: the first that exists where the word was written wins, so
活动编号 is ``campaign`` in a pledge and ``id`` in a campaign file.

Issue 12 adds ``generator/model/labels.py`` (the names the site shows); this table is the
other direction (what clerks type) and can be merged into it.
"""

from __future__ import annotations

from collections.abc import Container

_TABLE: dict[str, tuple[str, ...]] = {}


def _add(keys: str, *words: str) -> None:
    for w in words:
        _TABLE[w] = tuple(keys.split())


# id and references
_add("id", "编号", "标识", "序号", "阶段编号", "指标编号", "阶段标识", "指标标识")
_add("campaign", "活动", "所属活动")
_add("campaign id", "活动编号", "活动标识", "活动id", "活动ID")
_add("pledge", "承诺")
_add("pledge id", "承诺编号", "承诺标识", "本单位的承诺编号", "承诺id", "承诺ID")
_add("unit id", "单位编号", "单位标识", "被查单位", "被查单位的编号", "被检查单位")
_add("inspection", "督查")
_add("inspection id", "督查编号", "督查标识", "发现问题的督查编号")
_add("rectification id", "问题编号", "问题标识", "对应问题", "对应问题编号")
# names and texts
_add("title", "标题", "服务事项", "服务事项名称", "事项名称", "承诺名称", "承诺事项", "活动名称", "报告标题",
     "网站名称", "网站标题")
_add("title name", "名称")
_add("name", "全称", "单位名称", "单位全称", "阶段名称", "指标名称", "等次名称")
_add("short_name", "简称", "单位简称")
_add("category unit_categories", "类别", "单位类别")
_add("category", "问题类别")
_add("commitment", "承诺内容")
_add("commitment note summary", "内容")
_add("measures", "措施", "具体措施", "整改措施")
_add("beneficiaries", "服务对象")
_add("responsible head", "负责人")
_add("responsible", "责任人", "整改责任人")
_add("head", "主要负责人", "一把手")
_add("service_officer", "首席服务官")
_add("tags", "标签")
_add("note", "备注", "工作内容", "做了什么", "进展情况")
_add("note summary", "说明")
_add("summary", "概述", "简介", "摘要", "背景", "活动背景和目标", "督查概况", "整改情况", "整改结果", "异议内容",
     "答复内容", "阶段说明")
_add("problem", "问题", "问题描述")
_add("organizer", "牵头单位", "组织单位")
_add("document", "方案", "实施方案", "方案文件")
_add("document_url", "方案链接", "方案网址")
_add("participants", "参加单位", "参与单位")
# dates
_add("date", "日期", "时间", "工作日期", "工作完成的日期", "测量日期", "修改日期", "变更日期", "撤回日期", "答复日期",
     "督查日期", "收到异议的日期", "异议日期", "进展日期", "销号日期", "整改完成", "整改完成日期")
_add("published", "公示日期", "公示时间", "发布日期", "公布日期")
_add("deadline due", "完成时限", "时限", "截止日期", "截止时间", "完成期限", "期限", "整改时限")
_add("due", "目标期限", "达标期限")
_add("start", "开始", "开始日期")
_add("end", "结束", "结束日期")
_add("found", "发现日期")
_add("submitted", "报送日期", "提交日期")
_add("verified_on", "验收日期")
_add("verified_by", "验收单位", "验收人", "验收单位或验收人")
# ledger
_add("progress", "进度", "完成进度", "完成比例", "完成百分比", "进展")
_add("evidence", "佐证", "佐证材料", "证据", "附件")
_add("correction", "更正", "更正说明", "回退原因")
_add("value", "数值", "实测值", "测得的数值")
# pledge history
_add("changes", "变更", "变更记录", "修改记录")
_add("withdrawn", "撤回")
_add("field", "字段", "改的字段", "变更字段")
_add("from", "原值", "原来的值")
_add("to", "新值", "新的值")
_add("why", "原因", "理由", "变更原因", "修改原因", "撤回原因")
# indicators
_add("indicator indicators", "指标", "量化指标", "指标目标")
_add("unit", "单位", "计量单位")
_add("target", "目标")
_add("baseline", "基数", "基线", "基线值")
_add("measurements", "测量记录")
_add("source", "来源", "数据来源", "问题来源")
# rectifications
_add("updates", "整改进展")
_add("closure", "销号")
_add("objections", "异议", "群众异议")
_add("resolution", "处理结果", "答复")
# inspections, evaluations
_add("method", "方式", "督查方式")
_add("by", "督查单位", "督查组")
_add("findings", "检查结论", "逐单位结果")
_add("result", "结论", "结果", "检查结果")
_add("weights", "权重")
_add("self", "自评", "单位自评", "自评得分", "单位自评得分")
_add("social", "社会评议", "社会评价", "社会评议得分", "社会评价得分")
_add("leadership", "领导评价", "领导评价得分")
_add("grades", "等次")
_add("min", "最低分", "最低总分")
_add("scores", "得分", "各单位得分")
# campaign structure
_add("phases", "阶段", "各阶段")
_add("duties", "责任")
_add("kind", "责任种类", "种类", "类型")
_add("every_days", "间隔天数", "最长间隔天数")
# units and site
_add("contact", "联系方式")
_add("phone hotline", "电话", "联系电话")
_add("hotline", "举报电话", "监督电话")
_add("email", "邮箱", "举报邮箱", "监督邮箱")
_add("address", "地址", "办公地址", "来信地址", "来信来访地址")
_add("report_url", "网上举报地址", "举报网址")
_add("notice_location", "公示地点", "张贴地点", "纸质公示张贴的地点")
_add("maintainers", "维护人", "编辑人员")
_add("owner", "主办单位", "网站的主办单位")
_add("timezone", "时区", "时区名称")
_add("stale_after_days", "久未更新天数")
_add("closure_notice_days", "公示天数", "销号公示天数")
_add("base_url", "网址", "公开网址", "网站的公开网址")
_add("repo_url", "仓库地址", "数据仓库的网址")
_add("edit_branch branch", "分支")
_add("license", "许可协议")
_add("oversight", "监督渠道", "群众监督举报渠道")
# site.yaml editing (the web editor's backend)
_add("editing", "网页编辑器")
_add("backend", "代码托管平台", "平台")
_add("repo", "数据仓库", "仓库")
_add("base_url", "登录地址")
_add("api_root", "API 地址", "API地址")


def key_for(word: str, keys: Container[str]) -> str | None:
    """The key among ``keys`` that the Chinese ``word`` stands for, or None."""
    for k in _TABLE.get(word.strip().rstrip(":：").strip(), ()):
        if k in keys:
            return k
    return None


def keys_for(word: str) -> tuple[str, ...]:
    """Every key the Chinese ``word`` may stand for, best first (no context known)."""
    return _TABLE.get(word.strip().rstrip(":：").strip(), ())
