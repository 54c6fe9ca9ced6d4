"""Rules that span records: references, chronology, evidence, links and "not after today".

Each rule reports through :class:`Problems` with the file, line and key path of the value an
editor has to change, so one run lists every problem in the data.
"""

from __future__ import annotations

import difflib
import posixpath
from datetime import date
from functools import partial

from generator.model import records as R
from generator.model.errors import Problem, Problems
from generator.model.forge import OWNER_RE
from generator.model.load import Declared
from generator.model.oddchars import halfwidth
from generator.model.reuse import Reuse, fresh
from generator.model.schema import DUTY_KEY, did_you_mean
from generator.model.text import bad_link_schemes

Where = tuple[str, int, str]  # (path, line, key) of a field: Loc.at(name)

# Pledge pages live at /units/<unit>/<pledge>/; these names are taken by other pages and files there.
RESERVED_PLEDGE_IDS = {"notice", "rectifications", "evidence", "feed", "feed-xml"}


def validate(ds: R.Dataset, declared: Declared, today: date, problems: Problems, reuse: Reuse | None = None) -> None:
    site = ds.site
    categories = set(site.unit_categories)
    if site.loc is not R.NOWHERE:
        o = site.oversight
        if not any((o.hotline, o.email, o.address, o.report_url)):
            problems.error(*site.loc.at("oversight"), "至少要填一种监督渠道：hotline、email、address 或 report_url")
        _link(problems, o.loc.at("report_url"), o.report_url)
        _link(problems, site.loc.at("base_url"), site.base_url)
        _link(problems, site.loc.at("repo_url"), site.repo_url)
        for owner in (site.office_team or "").split():
            if not OWNER_RE.match(owner):
                problems.error(*site.loc.at("office_team"),
                               f"“{owner}”不是有效的账号或团队：请写成 @用户名 或 @组织/团队，如 @qinghe/ducha，多个用空格分开")
        if site.editing is not None:
            _editing(site.editing, problems)
        if site.timezone:
            try:
                from zoneinfo import ZoneInfo
                ZoneInfo(site.timezone)
            except Exception:
                problems.error(*site.loc.at("timezone"), f"“{site.timezone}”不是有效的时区名称，如 Asia/Shanghai")

    for c in ds.campaigns.values():
        _campaign(c, declared, categories, problems)

    # A unit's rules read its own records and, of the rest, only these: with ``reuse`` (the
    # preview) a unit whose records and these are unchanged keeps its problems from last time.
    table = reuse.table("validate") if reuse is not None else fresh()
    around = (today, ds.data_dir, site.unit_categories, frozenset(declared.campaigns), frozenset(declared.inspections),
              declared.inspections_complete)
    for uid, folder in ds.units.items():
        pledge_ids = declared.pledges.get(uid, set())
        problems.extend(table.get(
            uid, partial(_unit, uid, folder, ds, declared, today),
            objects=(folder.unit, folder.pledges, folder.ledger, folder.rectifications, *folder.reports.values()),
            values=(around, folder.evidence, tuple(folder.reports), None if pledge_ids is None else frozenset(pledge_ids))))

    seen: dict[str, R.Inspection] = {}
    for ins in ds.inspections:
        if ins.id in seen:
            first = seen[ins.id].loc
            problems.error(*ins.loc.at("id"),
                           f"督查标识“{ins.id}”重复：{first.path} 第 {first.line} 行已经用过，督查标识在所有文件中必须唯一")
        else:
            seen[ins.id] = ins
        _ref_campaign(problems, ins.loc.at("campaign"), ins.campaign, declared)
        _markdown(problems, ins.loc.at("summary"), ins.summary)
        for fd in ins.findings:
            if fd.unit not in declared.units:
                problems.error(*fd.loc.at("unit"), f"没有标识为“{fd.unit}”的单位{did_you_mean(fd.unit, declared.units)}")
            elif fd.rectification and (known := declared.rectifications.get(fd.unit, set())) is not None \
                    and fd.rectification not in known:
                problems.error(*fd.loc.at("rectification"),
                               f"单位 {fd.unit} 的 rectifications.yaml 中没有标识为“{fd.rectification}”的问题"
                               f"{did_you_mean(fd.rectification, known)}")
            _markdown(problems, fd.loc.at("note"), fd.note)

    for e in ds.evaluations.values():
        _ref_campaign(problems, e.loc.at("campaign"), e.campaign, declared)
        w = e.weights
        total = w.self + w.social + w.leadership
        if abs(total - 100) > 1e-9:
            problems.error(*e.loc.at("weights"), f"三项权重之和应为 100，现在是 {total:g}")
        mins = [g.min for g in e.grades]
        if mins != sorted(mins, reverse=True):
            problems.error(*e.loc.at("grades"), "等次应从高到低排列：min 依次递减")
        units_seen: set[str] = set()
        for s in e.scores:
            if s.unit not in declared.units:
                problems.error(*s.loc.at("unit"), f"没有标识为“{s.unit}”的单位{did_you_mean(s.unit, declared.units)}")
            if s.unit in units_seen:
                problems.error(*s.loc.at("unit"), f"单位 {s.unit} 的得分重复出现")
            units_seen.add(s.unit)


def _unit(uid: str, folder: R.UnitFolder, ds: R.Dataset, declared: Declared, today: date) -> list[Problem]:
    """The problems of one unit's own files."""
    problems = Problems()
    site = ds.site
    u = folder.unit
    if u.loc.line and u.category not in site.unit_categories:
        hint = did_you_mean(u.category, set(site.unit_categories))
        problems.error(*u.loc.at("category"),
                       f"单位类别“{u.category}”不在 site.yaml 的 unit_categories 中{hint}：可选 {'、'.join(site.unit_categories)}")
    # References inside a unit's files go by its folder name, even if unit.yaml's id is wrong.
    _pledges(folder, declared, today, problems)
    _ledger(uid, folder, declared, today, problems)
    _rectifications(uid, folder, declared, today, problems)
    _evidence_types(f"{ds.data_dir}/units/{uid}", folder, problems)
    for rep in folder.reports.values():
        if rep.campaign not in declared.campaigns:
            problems.error(rep.loc.path, 0, "",
                           f"报告文件名“{rep.campaign}.md”不是已有活动的标识：文件名应为活动标识，如 {_some(declared.campaigns)}.md")
        for bad in bad_link_schemes(rep.body):
            problems.error(rep.loc.path, 0, "", _scheme_msg(bad))
    return problems.sorted()


def _editing(e: R.Editing, problems: Problems) -> None:
    """The web editor talks to the county's own forge: without these addresses Decap CMS falls back to
    public hosts (gitlab.com, try.gitea.io, GitHub's login through api.netlify.com)."""
    for key in ("api_root", "base_url"):
        _link(problems, e.loc.at(key), getattr(e, key))
    if e.backend in ("forgejo", "gitlab") and not e.api_root:
        example = "https://git.example.gov.cn/api/v1" if e.backend == "forgejo" else "https://gitlab.example.gov.cn/api/v4"
        problems.error(*e.loc.at("backend"), f"网页编辑器要连接本县自己的 {e.backend}：请填写 api_root，如 {example}"
                                             "（不填时编辑器会连到外部的公共平台）")
    if e.backend == "github" and not e.base_url:
        problems.error(*e.loc.at("backend"), "GitHub 登录要经过本县自己的 OAuth 网关：请填写 base_url，如 https://auth.example.gov.cn"
                                             "（不填时编辑器会把登录交给外部的 api.netlify.com）")


def _some(ids) -> str:
    return sorted(ids)[0] if ids else "zhudong-fuwu"


def _campaign(c: R.Campaign, declared: Declared, categories: set[str], problems: Problems) -> None:
    _markdown(problems, c.loc.at("summary"), c.summary)
    _link(problems, c.loc.at("document_url"), c.document_url)
    if c.participants != "all":
        for i, p in enumerate(c.participants):
            if p not in declared.units and p not in categories:
                path, line, key = c.loc.at("participants")
                problems.error(path, _item_line(c.participants, i, line), f"{key}[{i}]",
                               f"“{p}”既不是单位标识，也不是单位类别{did_you_mean(p, declared.units | categories)}")
    ids: set[str] = set()
    for ph in c.phases:
        if ph.id in ids:
            problems.error(*ph.loc.at("id"), f"阶段标识“{ph.id}”在本活动中重复")
        ids.add(ph.id)
        if ph.end is not None and ph.end < ph.start:
            problems.error(*ph.loc.at("end"), f"阶段结束日期 {ph.end} 早于开始日期 {ph.start}")
        _markdown(problems, ph.loc.at("summary"), ph.summary)
        for d in ph.duties:
            need = DUTY_KEY[d.kind.value]
            if getattr(d, need) is None:
                problems.error(d.loc.path, d.loc.line, f"{d.loc.key}.{need}", f"{d.kind.value} 类责任必须填写 {need}")
            for other in sorted(set(DUTY_KEY.values()) - {need}):
                if getattr(d, other) is not None:
                    problems.error(*d.loc.at(other), f"{d.kind.value} 类责任不用 {other}，请删除（应填写 {need}）")
    ind_ids: set[str] = set()
    for ind in c.indicators:
        if ind.id in ind_ids:
            problems.error(*ind.loc.at("id"), f"指标标识“{ind.id}”在本活动中重复")
        ind_ids.add(ind.id)


def _ref_campaign(problems: Problems, where: Where, cid: str, declared: Declared) -> None:
    if cid not in declared.campaigns:
        problems.error(*where, f"没有标识为“{cid}”的活动{did_you_mean(cid, declared.campaigns)}："
                               f"已有的活动有 {'、'.join(sorted(declared.campaigns)) or '（无）'}")


def _pledges(folder: R.UnitFolder, declared: Declared, today: date, problems: Problems) -> None:
    seen: dict[str, R.Pledge] = {}
    for p in folder.pledges:
        if p.id in seen:
            problems.error(*p.loc.at("id"), f"承诺标识“{p.id}”重复：第 {seen[p.id].loc.line} 行已经用过，在本单位内必须唯一")
        else:
            seen[p.id] = p
        if p.id in RESERVED_PLEDGE_IDS:
            problems.error(*p.loc.at("id"), f"承诺标识不能用“{p.id}”：它是单位页面下的固定网址，请换一个")
        _ref_campaign(problems, p.loc.at("campaign"), p.campaign, declared)
        _markdown(problems, p.loc.at("commitment"), p.commitment)
        if p.withdrawn is not None:
            if p.withdrawn.date < p.published:
                problems.error(*p.withdrawn.loc.at("date"), f"撤回日期 {p.withdrawn.date} 早于公示日期 {p.published}")
            if p.withdrawn.date > today:
                problems.error(*p.withdrawn.loc.at("date"), f"撤回日期 {p.withdrawn.date} 晚于今天（{today}）")
        _changes(problems, p.changes, p.published, "公示日期", p.deadline, p.loc.at("deadline"), "完成时限", today)


def _changes(problems: Problems, changes: tuple[R.Change, ...], since: date, since_zh: str,
             deadline: date | None, deadline_at: tuple[str, int, str], deadline_zh: str, today: date) -> None:
    """A record's ``changes``: dated after its publication, not after today, and the latest
    deadline change agrees with ``deadline`` (from/to are typed and checked by the loader)."""
    last_deadline_change = None
    for ch in changes:
        if ch.date < since:
            problems.error(*ch.loc.at("date"), f"变更日期 {ch.date} 早于{since_zh} {since}：公开前的修改直接改原字段即可")
        if ch.date > today:
            problems.error(*ch.loc.at("date"), f"变更日期 {ch.date} 晚于今天（{today}）")
        if ch.field in ("commitment", "problem"):
            # An earlier text is shown, rendered, for dates before the change.
            for side in ("from_", "to"):
                if isinstance(getattr(ch, side), str):
                    _markdown(problems, ch.loc.at(side.rstrip("_")), getattr(ch, side))
        if ch.field == "deadline" and (last_deadline_change is None or ch.date >= last_deadline_change.date):
            last_deadline_change = ch
    if last_deadline_change is not None and isinstance(last_deadline_change.to, date) and last_deadline_change.to != deadline:
        problems.error(*deadline_at,
                       f"{deadline_zh} {deadline or '（未填）'} 与最近一次变更的 to（{last_deadline_change.to}）不一致："
                       "改期时要同时修改 deadline")


def _ledger(uid: str, folder: R.UnitFolder, declared: Declared, today: date, problems: Problems) -> None:
    pledge_ids = declared.pledges.get(uid, set())
    last: dict[str, R.LedgerEntry] = {}
    early = _ledger_before_published(folder, today, problems)
    # Progress is compared in date order (file order breaks ties), as the derived state reads it.
    for e in sorted(folder.ledger, key=lambda e: (e.date, e.seq)):
        if pledge_ids is not None and e.pledge not in pledge_ids:
            problems.error(*e.loc.at("pledge"), f"本单位的 pledges.yaml 中没有标识为“{e.pledge}”的承诺{did_you_mean(e.pledge, pledge_ids)}")
        if e.date > today:
            problems.error(*e.loc.at("date"), f"台账日期 {e.date} 晚于今天（{today}）：只能记录已经做完的工作")
        prev = last.get(e.pledge)
        if e.seq in early:
            pass  # its date is wrong (reported), so it is no "previous entry" for the progress rule
        elif prev is not None and e.progress < prev.progress and not e.correction:
            problems.error(*e.loc.at("progress"),
                           f"进度从 {prev.progress} 降到 {e.progress}（上一条在第 {prev.loc.line} 行）："
                           "进度回退时必须填写 correction 说明原因")
        if e.seq not in early:
            last[e.pledge] = e
        _markdown(problems, e.loc.at("note"), e.note)
        _evidence(uid, folder, problems, e.loc, e.evidence)


def _ledger_before_published(folder: R.UnitFolder, today: date, problems: Problems) -> set[int]:
    """Entries dated before their pledge's ``published``, each reported at its own date; the ``seq``
    of those left out of the progress rule.

    Work done before publication may be recorded (a warning asks to check the date).  But an
    entry whose progress is higher than entries dated after it is almost always a mistyped year
    (2025 for 2026): that is an error at its own line, and the entry is left out of the progress
    rule, which would otherwise blame a later, public entry for "falling" and send the clerk to
    edit it.
    """
    published = {p.id: p.published for p in folder.pledges}
    early: set[int] = set()
    if not any(e.date < published.get(e.pledge, e.date) for e in folder.ledger):
        return early  # the usual case: one pass, no sorting
    pledges = {p.id: p for p in folder.pledges}
    entries = sorted(folder.ledger, key=lambda e: (e.date, e.seq))
    for i, e in enumerate(entries):
        p = pledges.get(e.pledge)
        if p is None or e.date >= p.published:
            continue
        meant = _same_day_later(e.date, p.published, today)
        where = f"台账日期 {e.date} 早于承诺“{p.id}”的公示日期 {p.published}（pledges.yaml 第 {p.loc.line} 行）"
        fall = next((x for x in entries[i + 1:] if x.pledge == e.pledge and x.progress < e.progress and not x.correction), None)
        if fall is None:
            guess = f"如果是日期写错了（应为 {meant}？），" if meant else "如果是日期写错了，"
            problems.warning(*e.loc.at("date"), f"{where}：如果是公示前做的工作，可以保留；{guess}请改正这一条的日期")
            continue
        early.add(e.seq)
        guess = f"是不是把年份写错了，应为 {meant}？" if meant else "是不是把日期写错了？"
        problems.error(*e.loc.at("date"),
                       f"{where}，进度 {e.progress} 却比日期在它之后的记录（第 {fall.loc.line} 行，进度 {fall.progress}）还高："
                       f"{guess}请改正这一条的日期，不要改动其他记录")
    return early


def _same_day_later(d: date, published: date, today: date) -> date | None:
    """The date the clerk probably meant: the same month and day in a year from ``published`` to today."""
    for year in range(published.year, today.year + 1):
        try:
            meant = d.replace(year=year)
        except ValueError:  # 29 February
            continue
        if published <= meant <= today:
            return meant
    return None


def _evidence_missing(folder: R.UnitFolder, ev: str) -> str:
    """Why a path under evidence/ names no file, and the name to write: "\\" for "/", letter case, full width."""
    home = posixpath.dirname(folder.unit.loc.path)  # the unit's folder in the data folder, whatever its name
    fixed = halfwidth(ev).replace("\\", "/").strip()
    real = {f.lower(): f for f in folder.evidence}
    exact = fixed if fixed in folder.evidence else real.get(fixed.lower())
    near = None
    if exact is None:  # a near miss in the same folder, judged on the file name alone
        where, _, fname = fixed.lower().rpartition("/")
        here = {f.rpartition("/")[2]: f for f in real if f.rpartition("/")[0] == where}
        close = difflib.get_close_matches(fname, list(here), n=1, cutoff=0.75)
        near = real[here[close[0]]] if close else None
    if "\\" in ev:
        if exact:
            then = f"写成 {exact}" + ("（文件名的大小写也要与文件一致）" if exact != fixed else "")
        elif near:
            then = f"写成 {fixed}（您是不是想写“{near}”？）"
        else:
            then = f"写成 {fixed}（evidence/ 文件夹里还没有这个文件，请一起提交）"
        return f"佐证路径“{ev}”里用了反斜杠“\\”：请用 /（正斜杠）分隔文件夹和文件名，{then}"
    if exact is not None and exact != ev:
        what = "大小写不同，网站服务器区分大小写" if fixed == ev else "路径里有全角字符"
        return f"找不到佐证文件 {home}/{ev}：文件夹里的文件名是 {exact}（{what}），请照它写成 {exact}"
    hint = f"（您是不是想写“{near}”？）" if near else ""
    return f"找不到佐证文件 {home}/{ev}{hint}：请把文件放进 evidence/ 文件夹，或检查文件名"


def _evidence_outside(folder: R.UnitFolder, ev: str) -> str:
    """Why a path is not under evidence/, with the path to write when the file is there."""
    base = ev.replace("\\", "/").rsplit("/", 1)[-1].lower()
    same = sorted(f for f in folder.evidence if f.rsplit("/", 1)[-1].lower() == base)
    then = f"：这个文件在 {same[0]}，请写成 {same[0]}" if same and ".." not in ev else ""
    return f"佐证路径“{ev}”必须在本单位的 evidence/ 文件夹中，写成 evidence/文件名{then}"


def _rectifications(uid: str, folder: R.UnitFolder, declared: Declared, today: date, problems: Problems) -> None:
    seen: dict[str, R.Rectification] = {}
    for r in folder.rectifications:
        if r.id in seen:
            problems.error(*r.loc.at("id"), f"问题标识“{r.id}”重复：第 {seen[r.id].loc.line} 行已经用过，在本单位内必须唯一")
        else:
            seen[r.id] = r
        _ref_campaign(problems, r.loc.at("campaign"), r.campaign, declared)
        if r.inspection and declared.inspections_complete and r.inspection not in declared.inspections:
            problems.error(*r.loc.at("inspection"), f"没有标识为“{r.inspection}”的督查{did_you_mean(r.inspection, declared.inspections)}")
        _markdown(problems, r.loc.at("problem"), r.problem)
        _changes(problems, r.changes, r.found, "发现日期", r.deadline, r.loc.at("deadline"), "整改时限", today)
        for u in r.updates:
            if u.date < r.found:
                problems.error(*u.loc.at("date"), f"进展日期 {u.date} 早于发现日期 {r.found}")
            if u.date > today:
                problems.error(*u.loc.at("date"), f"进展日期 {u.date} 晚于今天（{today}）")
            _markdown(problems, u.loc.at("note"), u.note)
        c = r.closure
        if c is not None:
            if c.date < r.found:
                problems.error(*c.loc.at("date"), f"销号日期 {c.date} 早于发现日期 {r.found}")
            if c.date > today:
                problems.error(*c.loc.at("date"), f"销号日期 {c.date} 晚于今天（{today}）")
            if (c.verified_by is None) != (c.verified_on is None):
                missing = "verified_on" if c.verified_on is None else "verified_by"
                problems.error(c.loc.path, c.loc.line, f"{c.loc.key}.{missing}", "验收时 verified_by 和 verified_on 要一起填写")
            if c.verified_by is not None and names_unit(c.verified_by, folder.unit):
                problems.error(*c.loc.at("verified_by"),
                               f"验收单位“{c.verified_by}”就是本单位：整改不能由自己验收销号。请由督查室、主管部门等"
                               "本单位以外的验收单位核实后填写 verified_by 和 verified_on；"
                               "在此之前只填写 date、summary 和 evidence（待验收）")
            if c.verified_on is not None:
                if c.verified_on < c.date:
                    problems.error(*c.loc.at("verified_on"), f"验收日期 {c.verified_on} 早于销号日期 {c.date}")
                if c.verified_on > today:
                    problems.error(*c.loc.at("verified_on"), f"验收日期 {c.verified_on} 晚于今天（{today}）")
            _markdown(problems, c.loc.at("summary"), c.summary)
            _evidence(uid, folder, problems, c.loc, c.evidence)
        for o in r.objections:
            if c is None:
                problems.error(*o.loc.at("date"), "还没有销号，不能登记对销号的异议：群众反映的新问题请另列一条")
            elif o.date < c.date:
                problems.error(*o.loc.at("date"), f"异议日期 {o.date} 早于销号日期 {c.date}")
            if o.date > today:
                problems.error(*o.loc.at("date"), f"异议日期 {o.date} 晚于今天（{today}）")
            if o.resolution is not None:
                if o.resolution.date < o.date:
                    problems.error(*o.resolution.loc.at("date"), f"答复日期 {o.resolution.date} 早于异议日期 {o.date}")
                if o.resolution.date > today:
                    problems.error(*o.resolution.loc.at("date"), f"答复日期 {o.resolution.date} 晚于今天（{today}）")
                _markdown(problems, o.resolution.loc.at("summary"), o.resolution.summary)
            _markdown(problems, o.loc.at("summary"), o.summary)


def names_unit(who: str, unit: R.Unit) -> bool:
    """Whether a ``verified_by`` names the unit itself: its id, full name or short name, ignoring
    spaces and case (“县发改委”, “发改委” and “fgw” all name 县发展和改革委员会 with short name 发改委)."""
    def norm(s: str) -> str:
        return "".join(s.split()).lower()

    w = norm(who)
    names = {norm(x) for x in (unit.id, unit.name, unit.short_name) if x}
    if w in names:
        return True
    # “县发改委”, “发改委（自查）”: the short name or full name inside the text names the unit too.
    return any(len(n) >= 2 and n in w for n in names if n != norm(unit.id))
# Evidence is published as it is, from the site's own address: a browser runs the scripts of a web
# page or an SVG drawing served there as if the site had written them. Such files are refused.
ACTIVE_EVIDENCE = {".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt", ".js", ".mjs",
                   ".css", ".swf", ".wasm"}


def _evidence_types(folder_path: str, folder: R.UnitFolder, problems: Problems) -> None:
    for ev in sorted(folder.evidence):
        dot = ev.rfind(".")
        suffix = ev[dot:].lower() if dot > ev.rfind("/") else ""
        if suffix in ACTIVE_EVIDENCE:
            problems.error(f"{folder_path}/{ev}", 1, "",
                           f"证明材料不能是网页、矢量图或脚本文件（{suffix}）：网站会原样发布它，浏览器会运行其中的脚本。"
                           "请另存为 PDF 或图片（PNG、JPG）后再放进 evidence/ 文件夹，并删去这个文件")


def _evidence(uid: str, folder: R.UnitFolder, problems: Problems, loc: R.Loc, evidence: tuple[str, ...]) -> None:
    path, line, key = loc.at("evidence")
    for i, ev in enumerate(evidence):
        where = (path, _item_line(evidence, i, line), f"{key}[{i}]")
        if "://" in ev or ev.split(":", 1)[0] in ("mailto", "tel", "javascript", "data", "ftp", "file"):
            if not (ev.startswith("http://") or ev.startswith("https://")):
                problems.error(*where, f"佐证链接“{ev}”只能以 http:// 或 https:// 开头")
            continue
        parts = ev.replace("\\", "/").split("/")
        if parts[0] != "evidence" or ".." in parts or ev.startswith("/") or len(parts) < 2:
            problems.error(*where, _evidence_outside(folder, ev))
        elif ev not in folder.evidence:
            problems.error(*where, _evidence_missing(folder, ev))


def _item_line(items, i: int, fallback: int) -> int:
    lines = getattr(items, "lines", ())
    return lines[i] if i < len(lines) else fallback


def _link(problems: Problems, where: Where, url: str | None) -> None:
    if url and not (url.startswith("http://") or url.startswith("https://")):
        problems.error(*where, f"链接“{url}”只能以 http:// 或 https:// 开头")


def _scheme_msg(bad: str) -> str:
    return f"链接“{bad}”的协议不允许：只能使用 http、https、mailto 或 tel 链接"


def _markdown(problems: Problems, where: Where, text: str | None) -> None:
    if text:
        for bad in bad_link_schemes(text):
            problems.error(*where, _scheme_msg(bad))
