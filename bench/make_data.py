#!/usr/bin/env python3
"""Generate a valid, realistic gongshi data tree for benchmarks and demos.

    python bench/make_data.py --scale 1 --out bench/out/s1 [--seed 1] [--today 2026-11-23]

writes ``<out>/data/`` (the old ``<out>/data/`` is removed first).  ``--scale 1`` is one
county: 100 units, 2,000 pledges, 24,000 ledger entries, 1,000 rectifications, 50
inspections, two campaigns with their evaluations.  ``--scale S`` is S counties' worth
(fractions allowed: 0.05 is five units); every county gets its own two campaigns and
its units are prefixed ``c01-``, ``c02-`` ….

The output depends only on ``--scale``, ``--seed`` and ``--today``.  Every pledge state,
the 久未更新 flag and every rectification state of the data contract occur as of
``--today``; no ledger entry, closure, verification, update or report is dated after it
(a handful of pledges are published a few days later, to exercise hidden records).

YAML is written as text by ``generator.model.yamltext`` (the emitter of the sample county and
the site tests too), not through a YAML library, because it must be fast.
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from generator.model import yamltext
from generator.model.yamltext import Day as D
from generator.model.yamltext import Md

REF_TODAY = date(2026, 11, 23)  # the timeline below is written for this day and shifted with --today

# ---------------------------------------------------------------------------------------
# Vocabulary

COUNTY_NAMES = ["清源", "临河", "安平", "永宁", "丰乐", "长林", "白水", "望江", "宁远", "东明",
                "青阳", "泰和", "平川", "嘉禾", "云溪", "兴隆", "广福", "石门", "桃源", "金川"]
COUNTY_SYL = "安宁平和丰永清长兴嘉泰青云广石金新东西南北"

# (id, name, short name, category).  Names starting with 县 get the county name.
TOWNS = [
    ("chengguan", "城关镇人民政府", "城关镇"), ("dongcheng", "东城街道办事处", "东城街道"),
    ("xicheng", "西城街道办事处", "西城街道"), ("nanguan", "南关街道办事处", "南关街道"),
    ("beiguan", "北关街道办事处", "北关街道"), ("liulin", "柳林镇人民政府", "柳林镇"),
    ("yangji", "杨集镇人民政府", "杨集镇"), ("wangzhuang", "王庄镇人民政府", "王庄镇"),
    ("lizhai", "李寨乡人民政府", "李寨乡"), ("zhangdian", "张店镇人民政府", "张店镇"),
    ("maqiao", "马桥镇人民政府", "马桥镇"), ("gaomiao", "高庙乡人民政府", "高庙乡"),
    ("shiqiao", "石桥镇人民政府", "石桥镇"), ("baisha", "白沙镇人民政府", "白沙镇"),
    ("huangying", "黄营乡人民政府", "黄营乡"), ("liuji", "刘集乡人民政府", "刘集乡"),
    ("sunzhuang", "孙庄镇人民政府", "孙庄镇"), ("chenlou", "陈楼乡人民政府", "陈楼乡"),
    ("zhaocun", "赵村乡人民政府", "赵村乡"), ("xinxing", "新兴镇人民政府", "新兴镇"),
    ("qinghe", "清河镇人民政府", "清河镇"), ("shuangmiao", "双庙乡人民政府", "双庙乡"),
    ("sanlihe", "三里河街道办事处", "三里河街道"),
]
DEPTS = {
    "综合性部门": [
        ("xwb", "县委办公室", "县委办"), ("zfb", "县人民政府办公室", "政府办"),
        ("fgw", "县发展和改革委员会", "发改委"), ("czj", "县财政局", "财政局"),
        ("rsj", "县人力资源和社会保障局", "人社局"), ("tjj", "县统计局", "统计局"),
        ("sjj", "县审计局", "审计局"), ("jgsw", "县机关事务管理中心", "机关事务中心"),
        ("zzb", "县委组织部", "组织部"), ("tzb", "县委统战部", "统战部"),
        ("zfw", "县委政法委员会", "政法委"), ("bb", "县委机构编制委员会办公室", "编办"),
        ("gxj", "县工业和信息化局", "工信局"), ("swj", "县商务局", "商务局"),
        ("jyj", "县教育局", "教育局"), ("kjj", "县科学技术局", "科技局"),
        ("mzj", "县民政局", "民政局"), ("wjw", "县卫生健康委员会", "卫健委"),
        ("tyjr", "县退役军人事务局", "退役军人事务局"), ("yjj", "县应急管理局", "应急局"),
        ("wgl", "县文化广电和旅游局", "文广旅局"), ("xczx", "县乡村振兴局", "乡村振兴局"),
        ("slj", "县水利局", "水利局"), ("nyj", "县农业农村局", "农业农村局"),
        ("jtj", "县交通运输局", "交通局"), ("sthj", "县生态环境分局", "环境分局"),
        ("lyj", "县林业局", "林业局"), ("xfj", "县信访局", "信访局"),
        ("zgh", "县总工会", "总工会"), ("fl", "县妇女联合会", "妇联"),
        ("tw", "县团委", "团县委"), ("cl", "县残疾人联合会", "残联"),
        ("kx", "县科学技术协会", "科协"), ("gxs", "县供销合作社", "供销社"),
    ],
    "审批职能部门": [
        ("xzsp", "县行政审批服务局", "审批局"), ("zwfw", "县政务服务和大数据管理局", "政数局"),
        ("scjg", "县市场监督管理局", "市场监管局"), ("zrzy", "县自然资源局", "自然资源局"),
        ("zjj", "县住房和城乡建设局", "住建局"), ("ybj", "县医疗保障局", "医保局"),
        ("swuj", "县税务局", "税务局"), ("bdc", "县不动产登记中心", "不动产中心"),
        ("gjj", "县住房公积金管理中心", "公积金中心"), ("sbzx", "县社会保险中心", "社保中心"),
        ("xfjy", "县消防救援大队", "消防大队"), ("ycj", "县烟草专卖局", "烟草局"),
        ("qxj", "县气象局", "气象局"), ("gdgs", "县供电公司", "供电公司"),
        ("zls", "县自来水公司", "自来水公司"), ("rqgs", "县燃气公司", "燃气公司"),
    ],
    "司法执法部门": [
        ("gaj", "县公安局", "公安局"), ("fy", "县人民法院", "法院"),
        ("jcy", "县人民检察院", "检察院"), ("sfj", "县司法局", "司法局"),
        ("cgj", "县城市管理局", "城管局"), ("zhzf", "县综合行政执法局", "综合执法局"),
        ("jjdd", "县公安局交通警察大队", "交警大队"), ("crj", "县公安局出入境管理大队", "出入境大队"),
        ("ldjc", "县劳动保障监察大队", "劳动监察大队"), ("wsjd", "县卫生健康综合监督执法局", "卫生监督局"),
        ("jtzf", "县交通运输综合执法大队", "交通执法大队"),
    ],
    "宣传部门": [
        ("xcb", "县委宣传部", "宣传部"), ("rmt", "县融媒体中心", "融媒体中心"),
        ("wmb", "县精神文明建设办公室", "文明办"), ("wmsj", "县新时代文明实践中心", "文明实践中心"),
    ],
    "重点工作专班": [
        ("yshj-zb", "县优化营商环境工作专班", "营商专班"), ("xmjs-zb", "县重点项目建设工作专班", "项目专班"),
        ("zsyz-zb", "县招商引资工作专班", "招商专班"), ("csgx-zb", "县城市更新工作专班", "城市更新专班"),
        ("qyfw-zb", "县企业服务工作专班", "企业服务专班"),
    ],
    "其他": [
        ("yzgs", "县邮政分公司", "邮政分公司"), ("dxgs", "县电信分公司", "电信分公司"),
        ("nsyh", "县农村商业银行", "农商行"), ("rmyy", "县人民医院", "人民医院"),
        ("zyy", "县中医院", "中医院"), ("jkzx", "县疾病预防控制中心", "疾控中心"),
        ("tsg", "县图书馆", "图书馆"), ("dag", "县档案馆", "档案馆"),
        ("ggzy", "县公共资源交易中心", "公共资源交易中心"), ("rx12345", "县12345政务服务便民热线中心", "12345热线"),
        ("ylbx", "县城乡居民养老保险中心", "居保中心"), ("jyfw", "县公共就业服务中心", "就业中心"),
    ],
}


def unit_templates() -> list[tuple[str, str, str, str]]:
    """All unit kinds, interleaved by category so that a small prefix covers every category."""
    pools = [[(i, n, s, "乡镇政府") for i, n, s in TOWNS]]
    pools += [[(i, n, s, cat) for i, n, s in items] for cat, items in DEPTS.items()]
    out = []
    k = 0
    while any(pools):
        for p in pools:
            if k < len(p):
                out.append(p[k])
        k += 1
        if k > max(len(p) for p in pools):
            break
    return out


SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
            "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红志海波晓东玉梅春燕亮宁雪松文博宇浩然子涵欣怡俊峰立新卫东振华永胜"
POSTS = ["局长", "副局长", "主任", "副主任", "科长", "副科长", "镇长", "副镇长", "股长", "窗口负责人"]

SERVICES = [
    "企业开办", "不动产登记", "社保卡申领", "医保异地就医备案", "户籍迁移", "居民身份证办理",
    "建设工程施工许可", "个体工商户登记", "食品经营许可", "农村宅基地审批", "住房公积金提取",
    "残疾人两项补贴申领", "法律援助申请", "营业执照变更", "税费申报", "排污许可", "取水许可",
    "道路运输经营许可", "药品零售许可", "二手房交易登记", "新生儿出生“一件事”", "退休“一件事”",
    "工程建设项目招投标", "工程竣工联合验收", "出入境证件办理", "机动车驾驶证换领", "职工医保参保登记",
    "灵活就业人员社保登记", "失业保险金申领", "创业担保贷款", "耕地地力保护补贴发放", "民办学校设立审批",
    "燃气报装", "用水报装", "低压用电报装", "企业投资项目备案", "企业简易注销", "惠企政策兑现",
    "信访事项办理", "养老服务补贴申领", "高龄津贴发放", "最低生活保障申请", "临时救助申请",
    "建筑业企业资质审批", "特种设备使用登记", "公共场所卫生许可", "烟草专卖零售许可", "涉企经营许可",
]
MODES = [
    "一窗受理", "最多跑一次", "网上可办", "一网通办", "首问负责", "限时办结", "帮办代办", "容缺受理",
    "延时错时服务", "上门服务", "告知承诺制", "跨省通办", "一件事一次办", "免费邮寄送达", "预约服务",
    "并联审批", "一次性告知", "掌上办", "就近办", "秒批秒办", "全程网办", "周末不打烊",
]
TITLE_TPL = [
    "{s}“{m}”服务", "推行{s}{m}改革", "{s}{m}提速行动", "优化{s}流程实现{m}", "{s}全程{m}承诺",
    "开展{s}“{m}”专项服务", "{s}实行{m}", "深化{s}“{m}”改革", "{s}{m}便民服务",
]
BENEFICIARIES = ["辖区企业和群众", "市场主体", "新开办企业", "老年人和残疾人等特殊群体", "外出务工人员",
                 "农村群众", "重点项目业主单位", "个体工商户", "退役军人及其家属", "困难群众", "辖区居民"]
TAGS = ["营商环境", "一网通办", "最多跑一次", "便民服务", "惠企政策", "数字政府", "帮办代办", "减证便民",
        "跨域通办", "适老化服务", "作风建设", "首问负责"]
PLEDGE_MEASURES = [
    "设立综合受理窗口，实行前台综合受理、后台分类审批、统一窗口出件",
    "编制标准化办事指南，做到一次性告知",
    "开通网上申报渠道，推行电子证照共享调用",
    "实行首问负责制，首问窗口全程跟踪",
    "建立限时办结台账，每周通报办理进度",
    "组建帮办代办队伍，为重点项目提供全程帮办",
    "推行容缺受理，非关键材料缺失先行受理",
    "开设“办不成事”反映窗口",
    "实行中午不间断、周末预约服务",
    "对特殊群体提供上门服务和免费邮寄送达",
    "建立企业诉求快速响应机制，24小时内联系企业",
    "每月开展一次群众满意度回访",
]
UNIT_INDICATORS = [
    ("平均办结时限", "个工作日", 5, "<=", 2),
    ("网上可办率", "%", 60, ">=", 95),
    ("群众满意率", "%", 90, ">=", 98),
    ("申请材料数量", "份", 12, "<=", 6),
    ("帮办代办企业数", "家", 0, ">=", 50),
    ("即办件占比", "%", 30, ">=", 60),
]
LEDGER_TPL = [
    "召开{s}专题推进会，梳理办理环节{a}个，精简申请材料{b}份。",
    "本阶段受理{s}事项{n}件，按时办结{k}件，群众满意率{p}%。",
    "开展“{m}”业务培训，参训窗口人员{b}人次，考试合格率100%。",
    "完成{s}办事指南修订，并在政务服务网同步发布。",
    "对接县政务服务和大数据管理局，实现{a}类证照数据共享调用。",
    "为{b}家企业提供帮办代办服务，现场解决问题{a}个。",
    "走访企业和群众{n}户，收集意见建议{b}条，已逐条答复。",
    "在服务大厅设置{m}专窗，安排业务骨干轮值，**当日事当日毕**。",
    "组织“局长走流程”活动，体验{s}办理全过程，发现并整改堵点{a}个。",
    "更新公示栏承诺内容，公开监督电话，接受群众监督。",
    "通过“好差评”系统回访办事群众{n}人次，差评{a}件，均已整改回复。",
    "联合相关部门梳理{s}“一件事”清单，压缩办理时限{p}%。",
]
LEDGER_DONE = [
    "承诺事项全部落实到位，形成长效机制，转入常态化运行。",
    "经验收，{s}已实现“{m}”，各项承诺全部兑现。",
]
CORRECTIONS = ["上次填报进度有误，按实际完成情况核减。", "经复核，部分事项尚未落实，进度相应调低。"]
WITHDRAW_WHY = [
    "该事项已由县政务服务中心统一承接，本单位不再单独承诺。",
    "上级调整事权，该事项划转至其他部门办理。",
    "相关政策文件已废止，承诺事项不再适用。",
    "与县级统一承诺事项重复，经活动办同意撤回。",
]
CHANGE_WHY = {
    "deadline": ["系统对接涉及上级部门，经活动办同意顺延时限。", "受汛期影响，现场工作推迟，申请调整完成时限。",
                 "承诺内容扩大后工作量增加，时限相应调整。"],
    "title": ["按照活动办统一规范调整事项名称。"],
    "responsible": ["责任人岗位调整，变更责任人。"],
    "indicator": ["根据上级最新要求提高目标值。"],
}

PROBLEM_AREAS = ["服务意识不强", "办事效率不高", "工作纪律松散", "担当作为不够", "廉洁自律不严"]
ISSUES = [
    "一次性告知不到位，群众因材料不全多次往返", "办事指南与实际要求不一致", "个别事项超时办结",
    "工作时间窗口人员离岗", "服务态度生硬，解释政策不耐心", "公开咨询电话无人接听",
    "要求提供清单外材料", "网上申报渠道不畅，群众被迫线下办理", "公示栏承诺内容未及时更新",
    "首问负责制落实不到位，推诿扯皮", "限时办结制度执行不严", "“好差评”差评未按时整改回复",
    "帮办代办人员不熟悉业务", "企业诉求响应不及时",
]
RECT_MEASURES = [
    "制定整改方案，明确责任人和完成时限", "组织窗口人员开展专题业务培训", "修订办事指南并重新公示",
    "建立每日巡查和通报制度", "将整改情况纳入月度绩效考核", "对相关责任人进行约谈提醒",
    "开通咨询电话转接功能，确保工作时间有人接听", "梳理清单外材料，一律取消", "对超期件逐件倒查原因",
]
UPDATE_NOTES = ["已召开专题会议研究整改措施。", "已完成窗口人员培训，正在建立长效机制。",
                "已修订相关制度，正在试运行。", "整改工作已完成过半，剩余事项正在推进。"]
CLOSURE_SUMMARY = [
    "已按整改方案全部完成整改：{x}。经回访，群众反映问题已解决。",
    "问题已整改到位：{x}，相关制度已修订并公开，形成长效机制。",
]
OBJECTIONS = ["群众反映该问题仍然存在，近期办事时仍被要求多次提交材料。",
              "有企业反映整改只是做了表面文章，窗口服务未见明显改善。"]
RESOLUTIONS = ["经复核，系个别窗口人员未按新规执行，已再次整改并回复反映人。",
               "经现场核实，整改措施已落实，已向反映人说明情况。"]
INSPECT_METHODS = ["明察暗访", "现场抽查", "电话核实", "专项督导"]
METHOD_SOURCE = {"明察暗访": "明察暗访", "现场抽查": "督查", "电话核实": "电话核实", "专项督导": "督查"}
FINDING_OK = ["窗口人员在岗在位，服务规范。", "承诺事项公示到位，群众评价较好。", "电话接听及时，答复准确。"]
NOTICE_PLACES = ["一楼大厅公示栏", "办公楼入口公示栏", "便民服务中心公示墙", "单位门户网站及大厅电子屏"]
ROADS = ["人民路", "建设路", "解放路", "中山路", "文化路", "新华路", "迎宾大道", "府前街"]


def cn_date(o: int) -> str:
    d = date.fromordinal(o)
    return f"{d.month}月{d.day}日"


# ---------------------------------------------------------------------------------------
# Helpers


def apportion(total: int, weights: list[float]) -> list[int]:
    """Largest remainder: non-negative ints summing to total, proportional to weights."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    s = sum(weights)
    if s <= 0:
        weights = [1.0] * len(weights)
        s = float(len(weights))
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[:rest]:
        out[i] += 1
    return out


def rnd(x: float) -> int:
    return int(math.floor(x + 0.5))


class Gen:
    def __init__(self, rng: random.Random, today: int, shift: int):
        self.r = rng
        self.T = today
        self.shift = shift

    def d(self, y: int, m: int, day: int) -> int:
        return date(y, m, day).toordinal() + self.shift

    def between(self, a: int, b: int) -> int:
        if b <= a:
            return a
        return self.r.randint(a, b)

    def person(self) -> str:
        r = self.r
        g = r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.7 else "")
        return r.choice(SURNAMES) + g

    def title(self, svc: str, mode: str) -> str:
        r = self.r
        for _ in range(10):
            t = r.choice(TITLE_TPL).format(s=svc, m=mode)
            if 10 <= len(t) <= 30:
                return t
        t = f"{svc}{mode}服务承诺事项"
        return t[:30] if len(t) >= 10 else (t + "专项行动")

    def commitment(self, svc: str, mode: str, start: int) -> str:
        r = self.r
        a = r.randint(5, 20)
        b = r.randint(1, max(1, a // 2))
        x = r.randint(6, 15)
        y = r.randint(2, x - 1)
        pool = [
            f"自{cn_date(start)}起，{svc}实行“{mode}”，申请材料齐全、符合法定形式的，**{b}个工作日**内办结。",
            f"法定办结时限由{a}个工作日压缩至{b}个工作日，压缩比例{rnd((a - b) * 100 / a)}%。",
            f"落实首问负责制和一次性告知制度，群众咨询当场答复，不能当场答复的{r.randint(1, 3)}个工作日内回复。",
            f"申请材料由{x}份精简至{y}份，能通过部门共享获取的一律不再要求群众提供。",
            "对老年人、残疾人等特殊群体提供帮办代办和上门服务。",
            f"全面推行“{r.choice(MODES)}”，做到“{r.choice(MODES)}”。",
            f"办理进度可在[县政务服务网](https://zwfw.example.gov.cn/item/{r.randint(1000, 9999)})实时查询。",
        ]
        r.shuffle(pool)
        parts: list[str] = []
        n = 0
        for s in pool:
            if n + len(s) > 170:
                continue
            parts.append(s)
            n += len(s)
            if n >= 60 and r.random() < 0.5:
                break
        text = "".join(parts)
        if r.random() < 0.35 and len(text) < 120:
            text += ("\n\n- 服务时间：工作日 8:30—12:00、14:30—18:00\n"
                     f"- 咨询电话：0391-{r.randint(2000000, 8999999)}")
        return text

    def ledger_note(self, svc: str, mode: str, done: bool) -> str:
        r = self.r
        parts: list[str] = []
        n = 0
        tpls = r.sample(LEDGER_TPL, 3)
        while n < 30 or (tpls and n < 70 and r.random() < 0.35):
            tpl = r.choice(LEDGER_DONE) if done and not parts else tpls.pop()
            nn = r.randint(20, 300)
            s = tpl.format(s=svc, m=mode, a=r.randint(2, 12), b=r.randint(3, 60), n=nn,
                           k=nn - r.randint(0, 3) if nn > 3 else nn, p=r.randint(85, 100))
            if n + len(s) > 120:
                if parts:
                    break
                s = s[:119] + "。"
            parts.append(s)
            n += len(s)
        return "".join(parts)


# ---------------------------------------------------------------------------------------
# One county


def county_name(k: int) -> str:
    if k <= len(COUNTY_NAMES):
        return COUNTY_NAMES[k - 1] + "县"
    a = COUNTY_SYL[(k * 7) % len(COUNTY_SYL)]
    b = COUNTY_SYL[(k * 13 + 5) % len(COUNTY_SYL)]
    return f"{a}{b}{k}县"


def build_county(k: int, n_units: int, share: float, seed: int, today: int, shift: int, root: Path,
                 stats: Counter, evidence_bytes: dict[str, bytes]) -> dict:
    r = random.Random(f"gongshi-bench:{seed}:{k}")
    g = Gen(r, today, shift)
    T = today
    d = g.d
    pfx = f"c{k:02d}-"
    cname = county_name(k)
    templates = unit_templates()
    units = []
    for i in range(n_units):
        uid, name, short, cat = templates[i % len(templates)]
        rep = i // len(templates)
        if rep:
            uid, name, short = f"{uid}-{rep + 1}", f"{name}（第{rep + 1}组）", f"{short}{rep + 1}"
        name = cname + name[1:] if name.startswith("县") else cname + name
        units.append({"id": pfx + uid, "name": name, "short": short, "cat": cat})

    # ---- campaigns ---------------------------------------------------------------
    zd, zf = pfx + "zhudong-fuwu", pfx + "zuofeng-nian"
    all_ids = [u["id"] for u in units]
    zf_ids = [u["id"] for u in units if u["cat"] != "重点工作专班"] or all_ids
    zf_set = set(zf_ids)
    organizer = f"{cname}优化营商环境工作领导小组办公室"
    campaign_zd = {
        "id": zd,
        "title": "主动服务活动",
        "organizer": organizer,
        "document": f"关于在全县开展主动服务活动的实施方案（{cname[:-1]}营商办〔2026〕3号）",
        "document_url": f"https://www.example.gov.cn/{pfx}zcwj/2026-03.html",
        "summary": Md(f"为持续优化营商环境，推动各单位由“被动办”向“主动办”转变，{cname}在全县开展主动服务活动。\n\n"
                      "各单位围绕**一窗受理、最多跑一次、网上可办、首问负责、限时办结**，梳理并公开承诺主动服务事项，"
                      "按月填报工作台账，接受群众监督。"),
        "participants": all_ids,
        "phases": [
            {"id": "qidong", "name": "活动启动", "start": D(d(2026, 3, 1)), "end": D(d(2026, 3, 31)),
             "summary": Md("各单位制定工作方案，梳理主动服务事项并向社会公开承诺。"),
             "duties": [{"kind": "pledges", "due": D(d(2026, 3, 31))}]},
            {"id": "shishi", "name": "组织实施", "start": D(d(2026, 4, 1)), "end": D(d(2026, 10, 31)),
             "summary": Md("各单位按承诺推进落实，每月至少填报一次工作台账。"),
             "duties": [{"kind": "ledger", "every_days": 30}]},
            {"id": "zongjie", "name": "总结评比", "start": D(d(2026, 11, 1)), "end": D(d(2026, 11, 30)),
             "summary": Md("各单位提交活动总结报告，县活动办组织考核评比。"),
             "duties": [{"kind": "report", "due": D(d(2026, 11, 20))}]},
            {"id": "youhua", "name": "优化提升", "start": D(d(2026, 12, 1)),
             "summary": Md("总结推广经验做法，主动服务转入常态化。"),
             "duties": [{"kind": "ledger", "every_days": 30}]},
        ],
    }
    ind_specs = [
        ("wskb", "网上可办率", "%", ">= 90", 72.0, 91.5),
        ("myd", "群众满意度", "%", ">= 98", 93.5, 97.6),
        ("cqbj", "超期办件数", "件", "<= 5", 37.0, 4.0),
        ("ycbj", "一次办结率", "%", ">= 95", 81.0, 95.2),
    ]
    indicators = []
    months = [d(2026, m, 28) for m in range(2, 12)]
    for iid, nm, un, tgt, base, end in ind_specs:
        ms = []
        months_in = [m for m in months if m <= T]
        for j, mo in enumerate(months_in):
            f = (j + 1) / len(months)
            v = base + (end - base) * f + r.uniform(-0.8, 0.8)
            v = round(v, 1) if un == "%" else float(max(0, rnd(v)))
            if un == "%":
                v = min(v, 100.0)
            ms.append({"date": D(mo), "value": v if un == "%" else int(v),
                       "source": "县政务服务“好差评”系统" if iid == "myd" else "县政务服务中心月报"})
        indicators.append({"id": iid, "name": nm, "unit": un, "target": tgt, "baseline": base,
                           "due": D(d(2026, 12, 31)), "measurements": ms})
    campaign_zf = {
        "id": zf,
        "title": "政务服务“作风建设年”活动",
        "organizer": f"{cname}委作风建设年活动领导小组办公室",
        "document": f"关于开展政务服务“作风建设年”活动的通知（{cname[:-1]}办〔2026〕1号）",
        "summary": Md("聚焦**服务意识不强、办事效率不高、工作纪律松散、担当作为不够、廉洁自律不严**五个方面突出问题，"
                      "开展自查自纠和明察暗访，建立问题清单，逐项整改销号。\n\n"
                      "活动按“安排部署、组织实施、全面考核总结”三个阶段推进。"),
        "participants": zf_ids,
        "phases": [
            {"id": "bushu", "name": "安排部署", "start": D(d(2026, 1, 10)), "end": D(d(2026, 2, 28)),
             "summary": Md("动员部署，各单位开展自查，形成问题清单。"),
             "duties": [{"kind": "problems", "due": D(d(2026, 2, 28))}]},
            {"id": "shishi", "name": "组织实施", "start": D(d(2026, 3, 1)), "end": D(d(2026, 10, 15)),
             "summary": Md("对照问题清单逐项整改，活动办开展明察暗访和专项督导。"),
             "duties": [{"kind": "ledger", "every_days": 30}]},
            {"id": "kaohe", "name": "全面考核总结", "start": D(d(2026, 10, 16)), "end": D(d(2026, 11, 30)),
             "summary": Md("各单位提交总结报告，活动办组织考核并公布结果。"),
             "duties": [{"kind": "report", "due": D(d(2026, 11, 10))}]},
        ],
        "indicators": indicators,
    }
    write(root / "campaigns" / f"{zd}.yaml", yamltext.dump(campaign_zd))
    write(root / "campaigns" / f"{zf}.yaml", yamltext.dump(campaign_zf))
    stats["campaigns"] += 2

    # ---- per-unit quotas ---------------------------------------------------------
    n_pledges = rnd(2000 * share)
    n_ledger = rnd(24000 * share)
    n_rect = rnd(1000 * share)
    n_insp = rnd(50 * share)
    uw = [r.uniform(0.4, 1.6) for _ in units]
    pledge_q = apportion(n_pledges, uw)
    # duty variety: one unit publishes no pledge at all (its pledges duty is 未完成), one
    # finds no problem of its own (problems duty 未完成 or 逾期完成), a few publish late
    no_pledges = 19 if n_units > 20 else None
    if no_pledges is not None:
        pledge_q[no_pledges + 1] += pledge_q[no_pledges]
        pledge_q[no_pledges] = 0
    no_problems = next((i for i in range(23, n_units - 1) if units[i]["id"] in zf_set), None)
    late_units = {i for i in range(n_units) if r.random() < 0.05}

    # ---- inspections first: their findings create rectifications ----------------
    rects_of: dict[str, list[dict]] = {u["id"]: [] for u in units}
    inspections: list[dict[str, Any]] = []
    for j in range(n_insp):
        camp = zf if r.random() < 0.6 else zd
        pool = zf_ids if camp == zf else all_ids
        when = g.between(d(2026, 2, 20) if camp == zf else d(2026, 4, 1), T - 2)
        method = r.choice(INSPECT_METHODS)
        chosen = r.sample(pool, min(len(pool), r.randint(3, 8)))
        findings = []
        for uid in chosen:
            if r.random() < 0.3:
                rec = new_rect(g, camp, when, METHOD_SOURCE[method], None)
                rec["_inspection"] = True
                rects_of[uid].append(rec)
                findings.append({"unit": uid, "result": "发现问题", "note": rec["_issue"], "rectification": rec})
            else:
                findings.append({"unit": uid, "result": "合格", "note": r.choice(FINDING_OK)})
        insp: dict[str, Any] = {"id": f"{pfx}dc-{j + 1:03d}", "campaign": camp, "date": D(when), "method": method,
                "by": f"{cname}作风建设年活动领导小组办公室督查组" if camp == zf else f"{cname}营商办督查组",
                "summary": Md(f"{cn_date(when)}，督查组采取{method}方式，对{len(chosen)}个单位的窗口服务、承诺落实情况进行检查。"),
                "findings": findings}
        for rec in (f["rectification"] for f in findings if "rectification" in f):
            rec["inspection"] = insp["id"]
        inspections.append(insp)
    from_insp = sum(len(v) for v in rects_of.values())
    rect_q = apportion(max(0, n_rect - from_insp), uw)
    if no_problems is not None:
        rect_q[no_problems + 1] += rect_q[no_problems]
        rect_q[no_problems] = 0
    stats["inspections"] += len(inspections)

    # ---- units --------------------------------------------------------------------
    all_pledges: list[tuple[dict, list]] = []  # (pledge, unit's pledge list)
    unit_data = []
    for ui, u in enumerate(units):
        uid = u["id"]
        udir = root / "units" / uid
        ev_files = [f"evidence/tuijinhui-{m:02d}.jpg" for m in range(1, 4)] + \
                   [f"evidence/taizhang-{m:02d}.pdf" for m in range(1, 3)] + ["evidence/zhenggai-baogao.pdf"]
        for ef in ev_files:
            write_bytes(udir / ef, evidence_bytes[ef.rsplit(".", 1)[1]])
        stats["evidence files"] += len(ev_files)
        unit = {
            "id": uid, "name": u["name"], "short_name": u["short"], "category": u["cat"],
            "head": g.person(), "service_officer": g.person(),
            "contact": {"phone": f"0391-{r.randint(2000000, 8999999)}",
                        "address": f"{cname}{r.choice(ROADS)}{r.randint(1, 300)}号"},
            "notice_location": r.choice(NOTICE_PLACES),
            "maintainers": [f"@example-gov/{uid}"],
        }
        write(udir / "unit.yaml", yamltext.dump(unit))
        pl = []
        for pi in range(pledge_q[ui]):
            camp = zf if (uid in zf_set and r.random() < 0.25) else zd
            p = new_pledge(g, camp, zd, pi + 1, ui in late_units)
            pl.append(p)
            all_pledges.append((p, pl))
        unit_data.append((u, udir, ev_files, pl))

    # ledger quota over pledges that have entries
    eligible = [p for p, _ in all_pledges if p["_n"] > 0]
    w = [max(1.0, (p["_L"] - p["_a"]) / 20.0) for p in eligible]
    extra = apportion(max(0, n_ledger - len(eligible)), w)
    for p, e in zip(eligible, extra, strict=True):
        p["_n"] = 1 + e

    for ui, (u, udir, ev_files, pl) in enumerate(unit_data):
        uid = u["id"]
        # ---- ledger
        entries = []
        for pi, p in enumerate(pl):
            entries.extend(make_entries(g, p, pi, ev_files))
        entries.sort(key=lambda e: (e[0], e[1], e[2]))
        write(udir / "ledger.yaml", yamltext.dump([e[3] for e in entries]))
        stats["ledger entries"] += len(entries)
        # ---- pledges
        out = []
        for p in pl:
            out.append({k: v for k, v in p.items() if not k.startswith("_")})
        write(udir / "pledges.yaml", yamltext.dump(out))
        stats["pledges"] += len(out)
        # ---- rectifications
        rl = rects_of[uid]
        for _ in range(rect_q[ui]):
            camp = zf if (uid in zf_set and r.random() < 0.7) else zd
            rl.append(new_rect(g, camp, None, None, ev_files))
        if uid in zf_set and rect_q[ui] and not any(x["campaign"] == zf for x in rl):
            rl[-1] = new_rect(g, zf, None, None, ev_files)
        for rec in rl:
            if rec.get("_inspection"):
                finish_rect(g, rec, ev_files)
        rl.sort(key=lambda x: x["found"])
        for j, rec in enumerate(rl):
            rec["id"] = f"wt-{j + 1:03d}"
        out = []
        for rec in rl:
            out.append({k: rec.get(k) for k in RECT_KEYS})
        write(udir / "rectifications.yaml", yamltext.dump(out))
        stats["rectifications"] += len(out)
        # ---- reports
        for camp, due, title in ((zd, d(2026, 11, 20), "主动服务活动"), (zf, d(2026, 11, 10), "政务服务“作风建设年”活动")):
            if camp == zf and uid not in zf_set:
                continue
            x = r.random()
            if x < 0.1:
                continue  # not submitted
            sub = g.between(due - 15, due) if x < 0.92 else g.between(due + 1, T)
            if sub > T:
                continue
            write(udir / "reports" / f"{camp}.md", report_text(g, u["name"], title, sub, pl, camp))
            stats["reports"] += 1

    # inspections: now rectification ids are known
    by_month: dict[str, list] = {}
    for insp in inspections:
        for f in insp["findings"]:
            if "rectification" in f:
                f["rectification"] = f["rectification"]["id"]
        by_month.setdefault(D(insp["date"]).isoformat()[:7], []).append(insp)
    for mon, items in sorted(by_month.items()):
        write(root / "inspections" / f"{pfx}{mon}.yaml", yamltext.dump(items))
        stats["inspection files"] += 1

    # ---- evaluations
    for camp, ids, pub in ((zd, all_ids, d(2026, 11, 22)), (zf, zf_ids, d(2026, 11, 18))):
        scores = []
        for uid in ids:
            s = {"unit": uid, "self": round(r.uniform(85, 100), 1), "social": round(r.uniform(70, 99), 1),
                 "leadership": round(r.uniform(65, 98), 1)}
            if r.random() < 0.3:
                s["note"] = r.choice(["承诺事项全部兑现", "台账填报不及时，扣2分", "明察暗访发现问题已整改",
                                      "群众满意度较高", "总结报告逾期提交"])
            scores.append(s)
        if len(scores) >= 4:  # equal totals share a rank: make two ties
            for a, b in ((1, 2), (len(scores) - 1, len(scores) - 2)):
                scores[a] = {**scores[b], "unit": scores[a]["unit"]}
        ev = {"campaign": camp, "published": D(pub if pub <= T else T),
              "weights": {"self": 20, "social": 50, "leadership": 30},
              "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80},
                         {"name": "合格", "min": 60}, {"name": "不合格", "min": 0}],
              "scores": scores}
        write(root / "evaluations" / f"{camp}.yaml", yamltext.dump(ev))
        stats["evaluations"] += 1
    stats["units"] += len(units)
    return {"name": cname}


# ---------------------------------------------------------------------------------------
# Pledges and their ledger

PLEDGE_STATES = [("已撤回", 3), ("已完成", 30), ("逾期完成", 8), ("逾期", 10), ("未开始", 5), ("推进中", 36),
                 ("推进中久未更新", 7), ("未公示", 1)]
_PS_NAMES = [s for s, _ in PLEDGE_STATES]
_PS_CUM = []
_acc = 0
for _s, _w in PLEDGE_STATES:
    _acc += _w
    _PS_CUM.append(_acc)


def new_pledge(g: Gen, camp: str, zd: str, num: int, late: bool = False) -> dict:
    r, T, d = g.r, g.T, g.d
    want = r.choices(_PS_NAMES, cum_weights=_PS_CUM)[0]
    # published
    if camp == zd:
        P = g.between(d(2026, 3, 1), d(2026, 3, 31)) if not late and r.random() < 0.85 else g.between(d(2026, 4, 1), d(2026, 9, 30))
    else:
        P = g.between(d(2026, 1, 10), d(2026, 9, 30))
    P = min(P, T - 75)
    svc, mode = r.choice(SERVICES), r.choice(MODES)
    DL = None
    n = 0  # number of ledger entries: 0 or >0 (the final count is set by the caller)
    L = None
    final = None
    W = None
    if want == "未公示":
        P = T + r.randint(1, 14)
        DL = P + r.randint(60, 200)
    elif want == "已完成":
        DL = P + r.randint(60, 260) if r.random() < 0.85 else None
        L = g.between(P + 20, min(T, DL) if DL else T)
        final, n = 100, 1
    elif want == "逾期完成":
        DL = g.between(P + 30, T - 15)
        L = g.between(DL + 1, T)
        final, n = 100, 1
    elif want == "逾期":
        DL = g.between(P + 30, T - 1)
        L = g.between(max(P + 10, T - 40), T)
        final, n = r.randint(10, 95), 1
    elif want == "未开始":
        P = g.between(T - 120, T - 1) if r.random() < 0.7 else P
        DL = T + r.randint(1, 120) if r.random() < 0.8 else None
    elif want == "推进中":
        DL = T + r.randint(0, 180) if r.random() < 0.8 else None
        L = g.between(max(P + 10, T - 40), T)
        final, n = r.randint(10, 95), 1
    elif want == "推进中久未更新":
        DL = T + r.randint(0, 180) if r.random() < 0.7 else None
        L = g.between(P + 10, T - 46)
        final, n = r.randint(10, 90), 1
    elif want == "已撤回":
        W = g.between(P + 15, T)
        DL = P + r.randint(60, 260)
        if r.random() < 0.7:
            L = g.between(P + 5, W - 1)
            final, n = r.randint(5, 60), 1
    p: dict[str, Any] = {
        "id": f"fw-{num:03d}",
        "campaign": camp,
        "title": g.title(svc, mode),
        "commitment": Md(g.commitment(svc, mode, P)),
        "measures": r.sample(PLEDGE_MEASURES, r.randint(2, 4)),
        "beneficiaries": r.choice(BENEFICIARIES),
        "published": D(P),
        "deadline": D(DL) if DL else None,
        "responsible": f"{g.person()}（{r.choice(POSTS)}）",
        "tags": r.sample(TAGS, r.randint(1, 3)),
        "indicator": None,
        "changes": None,
        "withdrawn": None,
        "_svc": svc, "_mode": mode, "_n": n, "_a": P, "_L": L, "_final": final, "_ind": None,
    }
    if r.random() < 0.2:
        nm, un, base, op, tgt = r.choice(UNIT_INDICATORS)
        p["indicator"] = {"name": nm, "unit": un, "baseline": base, "target": f"{op} {tgt}"}
        p["_ind"] = (base, op, tgt)
    changes: list[dict[str, Any]] = []
    if want != "未公示":
        if DL and r.random() < 0.07:
            frm = DL - r.randint(20, 90)
            if frm > P + 2:
                c = g.between(P + 1, min(T, frm))
                changes.append({"date": D(c), "field": "deadline", "why": r.choice(CHANGE_WHY["deadline"]),
                                "from": D(frm), "to": D(DL)})
        if r.random() < 0.02:
            c = g.between(P + 1, T)
            changes.append({"date": D(c), "field": "responsible", "why": CHANGE_WHY["responsible"][0],
                            "from": f"{g.person()}（{r.choice(POSTS)}）", "to": p["responsible"]})
        if p["_ind"] and r.random() < 0.1:
            base, op, tgt = p["_ind"]
            old = tgt - 1 if op == ">=" else tgt + 1
            c = g.between(P + 1, T)
            changes.append({"date": D(c), "field": "indicator", "why": CHANGE_WHY["indicator"][0],
                            "from": f"{op} {old}", "to": f"{op} {tgt}"})
        if r.random() < 0.02:
            c = g.between(P + 1, T)
            changes.append({"date": D(c), "field": "title", "why": CHANGE_WHY["title"][0],
                            "from": f"{svc}服务承诺", "to": p["title"]})
    if changes:
        changes.sort(key=lambda c: c["date"])
        p["changes"] = changes
    if W:
        p["withdrawn"] = {"date": D(W), "why": r.choice(WITHDRAW_WHY)}
    return p


def make_entries(g: Gen, p: dict, pi: int, ev_files: list[str]) -> list[tuple]:
    """(date, pledge index, seq, entry) for each of the pledge's entries."""
    n = p["_n"]
    if not n:
        return []
    r = g.r
    a, L, final = p["_a"], p["_L"], p["_final"]
    span = L - a
    dates = []
    step = span / n
    for i in range(n - 1):
        x = a + step * (i + 1) + r.uniform(-step / 3, step / 3)
        dates.append(min(L, max(a, int(x))))
    dates.sort()
    dates.append(L)
    # progress: non-decreasing to `final`
    if final == 100:
        prog = sorted(r.randint(5, 95) for _ in range(n - 1)) + [100]
    else:
        prog = sorted(r.randint(1, final) for _ in range(n - 1)) + [final]
    corr = -1
    if n >= 4 and r.random() < 0.03:
        corr = r.randint(1, n - 2)
        if prog[corr - 1] >= 10:
            prog[corr] = prog[corr - 1] - r.randint(3, 9)
        else:
            corr = -1
    ind = p["_ind"]
    pid = p["id"]
    svc, mode = p["_svc"], p["_mode"]
    out = []
    for i in range(n):
        done = prog[i] == 100
        entry = {"date": D(dates[i]), "pledge": pid, "progress": prog[i], "note": g.ledger_note(svc, mode, done)}
        x = r.random()
        if x < 0.2:
            entry["evidence"] = [r.choice(ev_files)]
        elif x < 0.25:
            entry["evidence"] = [f"https://www.example.gov.cn/news/{r.randint(10000, 99999)}.html"]
        if ind:
            base, op, tgt = ind
            f = prog[i] / 100
            entry["value"] = round(base + (tgt - base) * f, 1)
        if i == corr:
            entry["correction"] = r.choice(CORRECTIONS)
        out.append((dates[i], pi, i, entry))
    return out


# ---------------------------------------------------------------------------------------
# Rectifications

RECT_KEYS = ["id", "campaign", "found", "source", "inspection", "category", "problem", "measures",
             "responsible", "deadline", "updates", "closure", "objections"]
RECT_STATES = [("有异议", 3), ("已销号", 45), ("逾期销号", 10), ("销号公示中", 5), ("待验收", 7),
               ("逾期未整改", 8), ("整改中", 22)]
_RS_NAMES = [s for s, _ in RECT_STATES]
_RS_CUM = []
_acc = 0
for _s, _w in RECT_STATES:
    _acc += _w
    _RS_CUM.append(_acc)


def new_rect(g: Gen, camp: str, found: int | None, source: str | None, ev_files: list[str] | None) -> dict:
    r, d = g.r, g.d
    if found is None:
        source = r.choices(["自查", "群众反映", "上级通报", "督查"], weights=[60, 20, 8, 12])[0]
        if not camp.endswith("zuofeng-nian"):
            found = g.between(d(2026, 4, 1), g.T)
        elif source == "自查" and r.random() < 0.7:
            found = g.between(d(2026, 1, 10), d(2026, 2, 28))
        else:
            found = g.between(d(2026, 1, 10), g.T)
    issue = r.choice(ISSUES)
    window = r.choice(["综合受理", "不动产登记", "社保医保", "企业开办", "税费办理", "投资项目审批", "便民服务"])
    rec = {
        "id": None, "campaign": camp, "found": D(found), "source": source, "inspection": None,
        "category": r.choice(PROBLEM_AREAS),
        "problem": Md(f"{source}发现，{window}窗口存在{issue}的问题。"
                      + ("\n\n群众反映：“" + r.choice(["跑了三趟还没办成。", "打了好几次电话都没人接。",
                                                     "材料要求和网上说的不一样。"]) + "”" if r.random() < 0.3 else "")),
        "measures": r.sample(RECT_MEASURES, r.randint(2, 4)),
        "responsible": f"{g.person()}（{r.choice(POSTS)}）",
        "deadline": None, "updates": None, "closure": None, "objections": None,
        "_issue": issue,
    }
    if ev_files is not None:
        finish_rect(g, rec, ev_files)
    return rec


def finish_rect(g: Gen, rec: dict, ev_files: list[str]) -> None:
    """Pick a state feasible for `found` and fill deadline, updates, closure, objections."""
    r, T = g.r, g.T
    F = rec["found"]
    want = r.choices(_RS_NAMES, cum_weights=_RS_CUM)[0]
    age = T - F
    feasible = {"有异议": age >= 6, "已销号": age >= 10, "逾期销号": age >= 30, "销号公示中": age >= 2,
                "待验收": age >= 3, "逾期未整改": age >= 12, "整改中": True}
    if not feasible[want]:
        want = "整改中" if age < 2 else ("销号公示中" if age < 10 else "已销号")
    C = V = None
    objections = None
    if want == "整改中":
        DL = max(T, F + r.randint(15, 60)) + r.randint(0, 20)
    elif want == "逾期未整改":
        DL = g.between(F + 10, T - 1)
    elif want == "待验收":
        DL = F + r.randint(15, 60)
        C = g.between(max(F, T - 20), T)
    elif want == "销号公示中":
        V = g.between(max(F, T - 7), T)
        C = g.between(max(F, V - 5), V)
        DL = F + r.randint(15, 60)
    elif want == "已销号":
        V = g.between(F + 2, T - 8)
        C = g.between(max(F, V - 10), V)
        DL = C + r.randint(0, 30)
        if r.random() < 0.06 and V + 7 <= T - 1:
            o = g.between(V + 1, min(V + 6, T - 1))
            objections = [{"date": D(o), "summary": r.choice(OBJECTIONS),
                           "resolution": {"date": D(g.between(o, min(V + 7, T))), "summary": r.choice(RESOLUTIONS)}}]
    elif want == "逾期销号":
        V = g.between(F + 25, T - 8)
        C = g.between(max(F + 20, V - 10), V)
        DL = g.between(F + 7, C - 1)
    else:  # 有异议
        DL = F + r.randint(15, 60)
        C = g.between(F, T - 6)
        V = g.between(C, min(C + 3, T - 1))
        o = g.between(max(C + 1, V), T)
        objections = [{"date": D(o), "summary": r.choice(OBJECTIONS)}]
    rec["deadline"] = D(DL)
    upto = C if C is not None else T
    if upto - F >= 4 and r.random() < 0.6:
        rec["updates"] = [{"date": D(x), "note": r.choice(UPDATE_NOTES)}
                          for x in sorted(g.between(F + 1, upto) for _ in range(r.randint(1, 3)))]
    if C is not None:
        cl = {"date": D(C), "summary": Md(r.choice(CLOSURE_SUMMARY).format(x="；".join(rec["measures"][:2]))),
              "evidence": [r.choice(ev_files)]}
        if V is not None:
            cl["verified_by"] = r.choice(["县作风办", "县营商办督查组", "县活动办"])
            cl["verified_on"] = D(V)
        rec["closure"] = cl
    rec["objections"] = objections


# ---------------------------------------------------------------------------------------
# Reports and files


def report_text(g: Gen, uname: str, ctitle: str, sub: int, pledges: list[dict], camp: str) -> str:
    r = g.r
    mine = [p for p in pledges if p["campaign"] == camp]
    done = sum(1 for p in mine if p["_final"] == 100)
    lines = [
        "---",
        f"title: {yamltext.scalar(f'{uname}{ctitle}工作总结')}",
        f"submitted: {D(sub).isoformat()}",
        "---",
        "",
        "## 一、基本情况",
        "",
        f"活动开展以来，{uname}坚持以群众满意为标准，围绕{r.choice(MODES)}、{r.choice(MODES)}等重点，"
        f"公开承诺事项{len(mine)}项，已完成{done}项，其余事项正在按计划推进。",
        "",
        "## 二、主要做法",
        "",
    ]
    for m in r.sample(PLEDGE_MEASURES, 3):
        lines.append(f"- {m}；")
    lines += [
        "",
        "## 三、存在问题",
        "",
        f"一是{r.choice(ISSUES)}；二是{r.choice(ISSUES)}。",
        "",
        "## 四、下一步打算",
        "",
        "持续巩固活动成果，将行之有效的做法固化为制度，推动主动服务常态化、长效化。",
        "",
    ]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


# 1x1 PNG-in-a-.jpg would be odd; a minimal JFIF and a minimal PDF are enough for placeholders
_JPG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c"
    "20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f0000010501010101010100"
    "000000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114"
    "328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63646566"
    "6768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3"
    "d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)
_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _report_states(project: Path, today: date) -> None:
    """The states as of ``today``, counted by gongshi's own check and derivation of what was written."""
    from generator.model.records import PledgeState, RectState
    from generator.view.pipeline import check

    res = check(project, today, today=today)
    view = res.derived
    written = sum(len(f.pledges) for f in res.dataset.units.values())
    pledges = Counter(v.state for v in view.pledges)
    rects = Counter(r.state for r in view.rectifications)
    stale = sum(1 for v in view.pledges if v.stale)
    print(f"  gongshi check: {len(res.errors)} errors, {len(res.warnings)} warnings")
    print("  pledge states as of today:")
    for st in PledgeState:
        print(f"    {st.value:10s} {pledges[st]:>8,}")
    print(f"    {'未公示(不显示)':10s} {written - len(view.pledges):>8,}")
    print(f"    {'flag 久未更新':10s} {stale:>8,}")
    print("  rectification states as of today:")
    for rs in RectState:
        print(f"    {rs.value:10s} {rects[rs]:>8,}")
    missing = [st.value for st in PledgeState if not pledges[st]] + (["久未更新"] if not stale else []) \
        + [rs.value for rs in RectState if not rects[rs]]
    if missing:
        print(f"  (too small to hold every state; missing: {'、'.join(missing)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="counties' worth of data (1 = 100 units)")
    ap.add_argument("--out", required=True, help="project root to write; <out>/data is replaced")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--today", default=REF_TODAY.isoformat(), help="reference date (YYYY-MM-DD)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the totals line")
    args = ap.parse_args(argv)
    if args.scale <= 0:
        ap.error("--scale must be positive")
    today = date.fromisoformat(args.today).toordinal()
    shift = today - REF_TODAY.toordinal()
    t0 = time.perf_counter()
    out = Path(args.out)
    root = out / "data"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)

    total_units = max(1, rnd(100 * args.scale))
    n_counties = math.ceil(total_units / 100)
    stats: Counter = Counter()
    ev_bytes = {"jpg": _JPG, "pdf": _PDF}
    names = []
    for k in range(1, n_counties + 1):
        nu = min(100, total_units - 100 * (k - 1))
        names.append(build_county(k, nu, nu / 100, args.seed, today, shift, root, stats, ev_bytes)["name"])

    multi = n_counties > 1
    site = {
        "title": "示例市政务承诺公开平台" if multi else f"{names[0]}政务承诺公开平台",
        "owner": "示例市优化营商环境工作领导小组办公室" if multi else f"{names[0]}优化营商环境工作领导小组办公室",
        "timezone": "Asia/Shanghai",
        "stale_after_days": 45,
        "closure_notice_days": 7,
        "oversight": {"hotline": "12345", "email": "duban@example.gov.cn",
                      "address": f"{'示例市' if multi else names[0]}人民路1号政务服务中心三楼督查室", "report_url": "https://www.example.gov.cn/jubao"},
    }
    write(root / "site.yaml", yamltext.dump(site))
    elapsed = time.perf_counter() - t0

    n_files = sum(1 for x in root.rglob("*") if x.is_file())
    size = sum(x.stat().st_size for x in root.rglob("*") if x.is_file())
    if not args.quiet:
        print(f"wrote {root}  scale={args.scale} seed={args.seed} today={args.today}  counties={n_counties}")
        for key in ["units", "campaigns", "pledges", "ledger entries", "rectifications", "inspections",
                    "inspection files", "evaluations", "reports", "evidence files"]:
            print(f"  {key:18s} {stats[key]:>9,}")
        _report_states(out, date.fromordinal(today))
    print(f"{n_files:,} files, {size / 1e6:.1f} MB in {elapsed:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
