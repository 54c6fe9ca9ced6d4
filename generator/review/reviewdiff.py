"""``gongshi diff BASE [HEAD]``: what a change does to the public record, in Markdown for reviewers.

Both sides are read with the loader (BASE from git, HEAD from git or the working tree) and held
as own-field snapshots (:mod:`generator.review.integrity`).  The output is ordered by risk: files
that do not parse; integrity violations (:mod:`generator.review.integrity` and
:mod:`generator.review.history`); a section 需要重点审查 (backdated dates, moved deadlines with the
state they change, withdrawn overdue pledges, self-verification and closures verified in the same
change, changes touching several units, changes to the office's files); then each unit's changes,
each with its own date.  Text written by editors is escaped, so it cannot break a table or inject
markup into the pull request's summary.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from generator.check.validate import names_unit
from generator.model import labels
from generator.model import records as R
from generator.model.load import Memo, Source
from generator.review import history
from generator.review.codeowners import OFFICE_PATHS, REVIEW_OFFICE_PATHS
from generator.review.integrity import (
    GitSource,
    IntegrityError,
    Old,
    Snapshot,
    _git,
    _with_history,
    blob_ids,
    changed_keys,
    compare,
    differing,
    load_rev,
    match_in_order,
    multiset_new,
    own,
    rev_label,
    snapshot_of_dataset,
)
from generator.view.pipeline import check

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&$])")


def md(text: Any, limit: int | None = None) -> str:
    """Editor-written text as one line of inline Markdown: whitespace collapsed, optionally
    shortened, and every character that Markdown or a table would read escaped."""
    s = " ".join(str(text if text is not None else "").split())
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("@", "&#64;")  # no @-mentions from data


def _val(v: Any, limit: int = 60) -> str:
    if v is None or v == [] or v == "":
        return "（空）"
    if isinstance(v, list):
        return "、".join(_val(x, limit) for x in v)
    if isinstance(v, dict):
        return "，".join(f"{k}: {_val(x, limit)}" for k, x in v.items())
    return md(v, limit)


# The fields each kind of change lists, in this order, with the one set of Chinese labels.
PLEDGE_FIELDS = {k: labels.PLEDGE_FIELDS[k] for k in (
    "title", "commitment", "measures", "deadline", "indicator", "responsible", "published", "beneficiaries", "tags", "campaign")}
RECT_FIELDS = {k: labels.RECT_FIELDS[k] for k in (
    "problem", "measures", "deadline", "responsible", "category", "source", "inspection", "campaign", "found")}


class Unit:
    def __init__(self, uid: str, name: str):
        self.uid = uid
        self.name = name
        self.info: list[str] = []
        self.new_pledges: list[str] = []
        self.changed: list[str] = []
        self.withdrawn: list[str] = []
        self.ledger: list[tuple[str, str, str, str, str]] = []
        self.rects: list[str] = []
        self.counts = {"new": 0, "changed": 0, "withdrawn": 0, "ledger": 0, "rects": 0}

    def empty(self) -> bool:
        return not (self.info or self.new_pledges or self.changed or self.withdrawn or self.ledger or self.rects)


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _reasons(o: Old | None, n: dict, fname: str) -> str:
    old_changes = o.own.get("changes", []) if o is not None else []
    new_changes = n.get("changes", [])
    added, _ = multiset_new(old_changes, new_changes)
    whys = [f"{new_changes[i].get('date')} 变更，原因：{md(new_changes[i].get('why'), 120)}"
            for i in added if new_changes[i].get("field") == fname]
    return "；" + "；".join(whys) if whys else "；⚠️ 没有说明原因（changes 中没有这次变更的记录）"


def _pledges(u: Unit, old: Snapshot, new: Snapshot, today: date) -> None:
    uid = u.uid
    keys = sorted({k for k in [*old.pledges, *new.pledges] if k[0] == uid}, key=lambda k: k[1])
    for key in keys:
        o, nn = old.pledges.get(key), new.pledges.get(key)
        pid = key[1]
        if nn is None:
            assert o is not None
            if o.public:
                u.changed.append(f"**{md(o.own.get('title'))}**（`{pid}`）：⚠️ 已公示的承诺被删除（见上方完整性问题）")
            else:
                u.changed.append(f"**{md(o.own.get('title'))}**（`{pid}`）：删除了尚未公示的承诺")
            u.counts["changed"] += 1
            continue
        n = nn.own
        title = f"**{md(n.get('title'))}**（`{pid}`）"
        if o is None:
            parts = [f"公示 {n.get('published')}"]
            if n.get("published", "") > today.isoformat():
                parts[0] += "（尚未到公示日期）"
            parts.append(f"完成时限 {n.get('deadline')}" if n.get("deadline") else "常态化（无完成时限）")
            if n.get("responsible"):
                parts.append(f"责任人 {md(n.get('responsible'))}")
            if n.get("indicator"):
                ind = n["indicator"]
                parts.append(f"指标 {md(ind.get('name'))} {md(ind.get('target'))}{md(ind.get('unit'))}")
            line = f"{title}：{'，'.join(parts)}<br>承诺内容：{md(n.get('commitment'), 200)}"
            u.new_pledges.append(line)
            u.counts["new"] += 1
            continue
        ow, nw = o.own.get("withdrawn"), n.get("withdrawn")
        if nw and not ow:
            u.withdrawn.append(f"{title}：{nw.get('date')} 撤回；原因：{md(nw.get('why'), 200)}")
            u.counts["withdrawn"] += 1
        items = _field_changes(o, n, PLEDGE_FIELDS, R.CHANGE_FIELDS)
        if ow and nw and ow != nw:
            items.append("⚠️ 撤回记录被修改（见上方完整性问题）")
        if ow and not nw:
            items.append("⚠️ 撤回被取消（见上方完整性问题）")
        if items:
            note = "" if o.public else "（修改时尚未公示）"
            u.changed.append(f"{title}{note}\n" + "\n".join(f"  - {x}" for x in items))
            u.counts["changed"] += 1


def _same_objection(a: dict, b: dict) -> bool:
    return (a.get("date"), a.get("summary")) == (b.get("date"), b.get("summary"))


def _ledger(u: Unit, old: Snapshot, new: Snapshot, new_ds: R.Dataset) -> None:
    titles = {p.id: p.title for p in new_ds.units[u.uid].pledges} if u.uid in new_ds.units else {}
    rows = []
    for (uid, pid, day), news in new.ledger.items():
        if uid != u.uid:
            continue
        olds = old.ledger.get((uid, pid, day), [])
        _pairs, lost, spare = match_in_order([o.own for o in olds], [x.own for x in news])
        for k in spare:
            e = news[k].own
            note = md(e.get("note"), 80)
            if k in lost and olds[k].public:
                note = f"⚠️ **改写了已公示的记录**（原进度 {olds[k].own.get('progress')}%，见上方完整性问题）；{note}"
            if e.get("correction"):
                note = f"{note}<br>**更正说明**：{md(e.get('correction'), 80)}"
            if e.get("value") is not None:
                note += f"（指标值 {md(e.get('value'))}）"
            ev = len(e.get("evidence", []))
            rows.append((day, news[k].line, (
                day, f"{md(titles.get(pid, pid))}（`{pid}`）", f"{e.get('progress')}%", note, f"{ev} 份" if ev else "—")))
    rows.sort(key=lambda r: (r[0], r[1]))
    u.ledger = [r[2] for r in rows]
    u.counts["ledger"] = len(rows)


def _rects(u: Unit, old: Snapshot, new: Snapshot, today: date) -> None:
    keys = sorted({k for k in [*old.rectifications, *new.rectifications] if k[0] == u.uid}, key=lambda k: k[1])
    for key in keys:
        o, nn = old.rectifications.get(key), new.rectifications.get(key)
        rid = key[1]
        if nn is None:
            assert o is not None
            what = "⚠️ 已公开的问题被删除（见上方完整性问题）" if o.public else "删除了尚未公开的问题"
            u.rects.append(f"问题 `{rid}`：{what}")
            u.counts["rects"] += 1
            continue
        n = nn.own
        head = f"问题 `{rid}`"
        items = []
        if o is None:
            items.append(f"🆕 **新问题**（{md(n.get('source'))}，{n.get('found')} 发现，整改时限 {n.get('deadline')}）："
                         f"{md(n.get('problem'), 160)}")
        else:
            items += _field_changes(o, n, RECT_FIELDS, R.RECT_CHANGE_FIELDS)
            added, _ = multiset_new(o.own.get("updates", []), n.get("updates", []))
            for i in added:
                x = n["updates"][i]
                items.append(f"整改进展 {x.get('date')}：{md(x.get('note'), 120)}")
        oc = (o.own.get("closure") if o else None) or {}
        nc = n.get("closure") or {}
        if nc and not oc:
            ev = len(nc.get("evidence", []))
            items.append(f"📝 **申请销号** {nc.get('date')}：{md(nc.get('summary'), 160)}"
                         + (f"（佐证 {ev} 份）" if ev else "（没有佐证）"))
        elif oc and nc and oc != nc and not oc.get("verified_on"):
            for fld in ("date", "summary", "evidence"):
                if oc.get(fld) != nc.get(fld):
                    items.append(f"销号申请修改了 {fld}：{_val(oc.get(fld))} → **{_val(nc.get(fld))}**")
        if nc.get("verified_on") and not oc.get("verified_on"):
            items.append(f"✅ **验收销号** {nc.get('verified_on')}，验收：{md(nc.get('verified_by'))}"
                         + ("（⚠️ 与销号申请在同一次修改中加入，见上方重点审查）" if not oc else ""))
        olds = o.own.get("objections", []) if o else []
        news = n.get("objections", [])
        pairs, _lost, spare = match_in_order(olds, news, _same_objection)
        for k in spare:
            x = news[k]
            items.append(f"🗣️ **群众异议** {x.get('date')}：{md(x.get('summary'), 160)}")
            if x.get("resolution"):
                res = x["resolution"]
                items.append(f"答复异议 {res.get('date')}：{md(res.get('summary'), 160)}")
        for i, k in pairs.items():
            if news[k].get("resolution") and not olds[i].get("resolution"):
                res = news[k]["resolution"]
                items.append(f"💬 **答复异议**（{olds[i].get('date')}）{res.get('date')}：{md(res.get('summary'), 160)}")
        if items:
            u.rects.append(head + "\n" + "\n".join(f"  - {x}" for x in items))
            u.counts["rects"] += 1


def _where(p) -> str:
    return f"`{md(p.path)}{':' + str(p.line) if p.line else ''}`"


def _problem_line(p) -> str:
    return f"- {_where(p)} {md(p.key + '：' if p.key else '')}{md(p.message)}"




def changed_files(root: Path, base: str, head: str | None) -> list[str]:
    """Paths that differ between ``base`` and ``head`` (None: the working tree, untracked files included)."""
    args = ["diff", "--name-only", "-z", "--no-renames", base] + ([head] if head else []) + ["--"]
    res = _git(root, *args)
    names = {n for n in res.stdout.decode("utf-8", "surrogateescape").split("\0") if n} if res.returncode == 0 else set()
    if head is None:
        res = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
        if res.returncode == 0:
            names |= {n for n in res.stdout.decode("utf-8", "surrogateescape").split("\0") if n}
    return sorted(names)


def risks(old_ds: R.Dataset, new_ds: R.Dataset, old: Snapshot, new: Snapshot, today: date, base_day: date | None,
          ref: date | None, files: list[str], only: set[str] | None = None) -> list[str]:
    """The lines of 需要重点审查: what a reviewer must look at first, each with its date."""
    out: list[str] = []
    if old_ds.site.loc is not R.NOWHERE and old_ds.data_dir != new_ds.data_dir:
        out.append(f"📦 **数据文件夹移动了**：基准版本的数据在 `{md(old_ds.data_dir)}/`，这次修改的在 `{md(new_ds.data_dir)}/`；"
                   f"记录已按编号与基准版本的 `{md(old_ds.data_dir)}/` 逐条比较。移动数据文件夹须经督查考核办公室批准，"
                   "并且应当单独作为一次只移动、不改内容的修改")
    o_rec, n_rec = history.Record(old_ds), history.Record(new_ds)
    if base_day is not None and ref is not None:
        for item in history.new_dated(old_ds, new_ds, o_rec, n_rec, only):
            if item.day < base_day:
                days = (base_day - item.day).days
                beyond = "，**超出补记宽限，不能合并**（见上方完整性问题）" if item.day < ref else f"，在补记宽限内（最早 {ref}）"
                out.append(f"📅 **早于基准日期的记录** {_where(_P(*item.where))} {md(item.what)}：比基准日期 {base_day} 早 "
                           f"**{days} 天**{beyond}")

    def state(rec: history.Record, kind: str, key) -> str:
        s = rec.pledge_state(key, today) if kind == "pledge" else rec.rect_state(key, today)
        return "不显示" if s is None else s[0]

    for kind, olds, news, zh in (("pledge", old.pledges, new.pledges, "完成时限"),
                                 ("rect", old.rectifications, new.rectifications, "整改时限")):
        for key in sorted(olds.keys() & news.keys()):
            a, b = olds[key].own.get("deadline"), news[key].own.get("deadline")
            if a == b:
                continue
            name = f"承诺“{md(news[key].own.get('title'), 40)}”" if kind == "pledge" else f"问题 `{md(key[1])}`"
            sa, sb = state(o_rec, kind, key), state(n_rec, kind, key)
            effect = f"今天的状态由 **{sa}** 变为 **{sb}**" if sa != sb else f"今天的状态不变（{sa}）"
            out.append(f"⏰ **{zh}变动** {name}（`{md(key[0])}`）：{a or '（无）'} → **{b or '（无）'}**，{effect}")

    for key in sorted(old.pledges.keys() & new.pledges.keys()):
        ow, nw = old.pledges[key].own.get("withdrawn"), new.pledges[key].own.get("withdrawn")
        if nw and not ow:
            v = o_rec.pledge_view(key, today)
            if v is not None and v.state.value == "逾期":
                out.append(f"🚫 **撤回逾期承诺** “{md(new.pledges[key].own.get('title'), 40)}”（`{md(key[0])}/{md(key[1])}`）："
                           f"{nw.get('date')} 撤回，撤回前已逾期 {v.days_overdue} 天；原因：{md(nw.get('why'), 120)}")

    for uid, f in new_ds.units.items():
        for r in f.rectifications:
            c = r.closure
            if c is None or c.verified_on is None or (only is not None and r.loc.path not in only):
                continue
            o = old.rectifications.get((uid, r.id))
            oc = (o.own.get("closure") if o else None) or {}
            if names_unit(c.verified_by or "", f.unit):
                out.append(f"🙈 **自己验收自己** 问题 `{md(r.id)}`（`{md(uid)}`）：验收单位“{md(c.verified_by)}”就是本单位"
                           f"（{c.verified_on} 验收）")
            if not oc:
                out.append(f"⚡ **销号和验收同时加入** 问题 `{md(r.id)}`（`{md(uid)}`）：{c.date} 申请销号，{c.verified_on} 由 "
                           f"{md(c.verified_by)} 验收，两者在这一次修改中一起写入：请向验收单位核实确实验收过")

    inside = f"{new_ds.data_dir}/units/"
    units = sorted({p[len(inside):].split("/")[0] for p in files if p.startswith(inside) and "/" in p[len(inside):]})
    if len(units) > 1:
        out.append(f"👥 **涉及 {len(units)} 个单位的文件夹**：{md('、'.join(units))}（一个单位的修改通常只改它自己的文件夹）")
    watched = (*(f"{new_ds.data_dir}/{x}" for x in OFFICE_PATHS), *(x.lstrip("/") for x in REVIEW_OFFICE_PATHS))
    office = [p for p in files if any(p == x or (x.endswith("/") and p.startswith(x)) for x in watched)]
    if office:
        out.append(f"🏛️ **改动了督查办的文件**：{'、'.join(f'`{md(p)}`' for p in office)}")
    return out


class _P:
    def __init__(self, path: str, line: int, key: str):
        self.path, self.line, self.key = path, line, key


def render(old: Snapshot, new: Snapshot, old_ds: R.Dataset, new_ds: R.Dataset, violations, errors, today: date,
           base_label: str, head_label: str, risk_lines: list[str] | None = None) -> str:
    out = [f"## 公开记录变更：{base_label} → {head_label}", ""]
    unreadable = [p for p in errors if not p.key]
    if unreadable:
        out += [f"### ❌ 有 {len(unreadable)} 个文件无法读取", "",
                "这些文件里的记录没有参加比较，下面的内容不完整，也不能判断有没有删除或改写已公开的记录。请先改正：", ""]
        out += [_problem_line(p) for p in unreadable[:20]]
        out.append("")
    if violations:
        out += [f"### ⛔ 完整性问题（{len(violations)} 个）", "",
                "这次修改删除或改写了已经公开的记录，合并前必须改正（做法见编辑指南《提交、审核与发布》）：", ""]
        out += [_problem_line(p) for p in violations]
        out.append("")
    elif not errors:
        out += ["✅ 没有发现删除或改写已公开记录的情况。", ""]
    if risk_lines:
        out += [f"### 🔍 需要重点审查（{len(risk_lines)} 项）", ""] + [f"- {x}" for x in risk_lines] + [""]
    others = [p for p in errors if p.key]
    if others:
        out += [f"### ❌ 数据检查发现 {len(others)} 个错误", "", "运行 `gongshi check` 查看全部；前几个：", ""]
        out += [_problem_line(p) for p in others[:10]]
        out.append("")

    uids = sorted(set(old.units) | set(new.units))
    units = []
    for uid in uids:
        o, n = old.units.get(uid), new.units.get(uid)
        name = (n or o).own.get("name", uid)  # type: ignore[union-attr]
        u = Unit(uid, name)
        if o is None:
            u.info.append(f"🆕 新单位（{md(n.own.get('category'))}）")  # type: ignore[union-attr]
        elif n is None:
            u.info.append("⚠️ 单位被删除（见上方完整性问题）")
        else:
            for k in changed_keys(o.own, n.own):
                u.info.append(f"单位信息 {md(k)}：{_val(o.own.get(k))} → **{_val(n.own.get(k))}**")
        _pledges(u, old, new, today)
        _ledger(u, old, new, new_ds)
        _rects(u, old, new, today)
        if not u.empty():
            units.append(u)

    new_insp = [i for i in new_ds.inspections if i.id in new.inspections and i.id not in old.inspections]
    insp_lines = []
    for i in new_insp:
        when = "" if i.date <= today else "（尚未到公开日期）"
        insp_lines.append(f"- 🔎 **{md(i.id)}**：{i.date}{when}，{md(i.method)}，{md(i.by)}"
                          + (f"<br>{md(i.summary, 160)}" if i.summary else ""))
        names = {uid: f.unit.name for uid, f in new_ds.units.items()}
        for fd in i.findings:
            rect = f"（对应问题 `{md(fd.rectification)}`）" if fd.rectification else ""
            insp_lines.append(f"  - {md(names.get(fd.unit, fd.unit))}（`{md(fd.unit)}`）：{md(fd.result)}"
                              f"{'：' + md(fd.note, 120) if fd.note else ''}{rect}")
    for iid in sorted(set(old.inspections) & set(new.inspections)):
        a_own, b_own = old.inspections[iid].own, new.inspections[iid].own
        for k in changed_keys(a_own, b_own):
            insp_lines.append(f"- ✏️ 督查 **{md(iid)}**（{md(b_own.get('date'))}）修改了 {md(k)}："
                              f"{_val(a_own.get(k))} → **{_val(b_own.get(k))}**")
    eval_lines = []
    for cid in sorted(set(old.evaluations) | set(new.evaluations)):
        a, b = old.evaluations.get(cid), new.evaluations.get(cid)
        if a is None and b is not None:
            eval_lines.append(f"- 🏅 活动 `{md(cid)}` 的考核评比结果：{b.own.get('published')} 公布，{len(b.own.get('scores', []))} 个单位")
        elif b is None and a is not None:
            eval_lines.append(f"- 活动 `{md(cid)}` 的考核评比结果被删除")
        elif a is not None and b is not None and a.own != b.own:
            eval_lines.append(f"- 活动 `{md(cid)}` 的考核评比结果修改了 {md('、'.join(changed_keys(a.own, b.own)))}")
    other = []
    for cid in sorted(set(old_ds.campaigns) | set(new_ds.campaigns)):
        ca, cb = old_ds.campaigns.get(cid), new_ds.campaigns.get(cid)
        if ca is None and cb is not None:
            other.append(f"- 🆕 新活动 `{md(cid)}`：{md(cb.title)}")
        elif cb is None and ca is not None:
            other.append(f"- 活动 `{md(cid)}` 被删除")
        elif ca is not None and cb is not None:
            ch = changed_keys(own(ca), own(cb))
            if ch:
                other.append(f"- 活动 `{md(cid)}`（{md(cb.title)}）修改了 {md('、'.join(ch))}")
    site_changes = changed_keys(own(old_ds.site), own(new_ds.site))
    if site_changes:
        other.append(f"- 网站设置 `{md(new_ds.data_dir)}/site.yaml` 修改了 {md('、'.join(site_changes))}")

    if not units and not insp_lines and not eval_lines and not other:
        if not errors:
            out += ["这次修改没有改动公开记录。", ""]
        return "\n".join(out)

    if units:
        out += ["| 单位 | 新承诺 | 承诺变更 | 撤回 | 新台账 | 整改动态 |", "|---|---:|---:|---:|---:|---:|"]
        for u in units:
            c = u.counts
            out.append(f"| {md(u.name)}（`{u.uid}`） | {c['new']} | {c['changed']} | {c['withdrawn']} | {c['ledger']} | {c['rects']} |")
        out.append("")
    for u in units:
        out += [f"### {md(u.name)}（`{u.uid}`）", ""]
        if u.info:
            out += [f"- {x}" for x in u.info] + [""]
        if u.new_pledges:
            out += ["**新公示的承诺**", ""] + [f"- {x}" for x in u.new_pledges] + [""]
        if u.changed:
            out += ["**承诺变更**", ""] + [f"- {x}" for x in u.changed] + [""]
        if u.withdrawn:
            out += ["**撤回的承诺**", ""] + [f"- {x}" for x in u.withdrawn] + [""]
        if u.ledger:
            out += ["**新增台账**", "", "| 日期 | 承诺 | 进度 | 工作内容 | 佐证 |", "|---|---|---:|---|---|"]
            out += [f"| {' | '.join(r)} |" for r in u.ledger] + [""]
        if u.rects:
            out += ["**问题整改**", ""] + [f"- {x}" for x in u.rects] + [""]
    if insp_lines:
        out += ["### 督查", ""] + insp_lines + [""]
    if eval_lines:
        out += ["### 考核评比", ""] + eval_lines + [""]
    if other:
        out += ["### 活动与网站设置", ""] + other + [""]
    return "\n".join(out)


def review_markdown(root: Path, base: str, head: str | None, as_of: date | None = None,
                    today: date | None = None, data_dir: str = "data") -> str:
    """The reviewers' Markdown for the change from ``base`` to ``head`` (None: the working tree)."""
    memo = Memo()
    if head is None:
        src: Source = Source(root, data_dir)
        head_label = "工作区"
    else:
        src = GitSource(root, head, data_dir)
        head_label = rev_label(md(head), src)
    try:
        res = check(root, as_of, today, source=src, memo=memo)
    finally:
        if isinstance(src, GitSource):
            src.close()
    new_ids = blob_ids(src, memo.ids if not isinstance(src, GitSource) else None)
    old_ds, base_src = load_rev(root, base, data_dir, memo)
    only = differing(blob_ids(base_src), new_ids)  # records in other files are the same on both sides
    today = res.today
    base_label = rev_label(md(base), base_src)
    old = snapshot_of_dataset(old_ds, today, base_label, only)
    new = snapshot_of_dataset(res.dataset, today, head_label, only)
    base_day = base_src.day(res.dataset.site.timezone or old_ds.site.timezone)
    ref = history.reference_day(base_day, old_ds.site.backdate_grace_days)
    violations = compare(old, res.dataset, today, res.declared, res.problems)
    violations = _with_history(violations, old_ds, res.dataset, base_day, f"基准版本（{base_src.short}）", today,
                               res.problems, only)
    files = changed_files(root, base_src.commit, src.commit if isinstance(src, GitSource) else None)
    if old_ds.site.loc is R.NOWHERE:  # a county's first import: nothing was published, no date is "too early"
        risk_lines = risks(old_ds, res.dataset, old, new, today, None, None, files, only)
    else:
        risk_lines = risks(old_ds, res.dataset, old, new, today, base_day, ref, files, only)
    return render(old, new, old_ds, res.dataset, violations, res.errors, today, base_label, head_label, risk_lines) + "\n"


def diff_command(root: Path | str, base: str, head: str | None, as_of: date | None, data_dir: str = "data") -> int:
    """``gongshi diff BASE [HEAD]``: Markdown for reviewers on standard output."""
    import sys

    try:
        text = review_markdown(Path(root), base, head, as_of, data_dir=data_dir)
    except IntegrityError as exc:
        print(f"gongshi: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def _field_changes(o, n, fields: dict[str, str], public: tuple[str, ...]) -> list[str]:
    """One line per changed field of a pledge or a problem: a moved deadline with its day count, the
    fields that need a public ``changes`` entry with its reasons."""
    items = []
    for fname, label in fields.items():
        a, b = o.own.get(fname), n.get(fname)
        if a == b:
            continue
        if fname == "deadline":
            d = _days(a, b)
            moved = "推迟" if d is not None and d > 0 else "提前" if d is not None and d < 0 else "改为"
            by = f"（{moved} {abs(d)} 天）" if d else ""
            items.append(f"⏰ **{label}{moved}**：{a or '（无）'} → **{b or '（无）'}**{by}{_reasons(o, n, fname)}")
        elif fname in public:
            items.append(f"{label}：{_val(a)} → **{_val(b)}**{_reasons(o, n, fname)}")
        else:
            items.append(f"{label}：{_val(a)} → **{_val(b)}**")
    return items
