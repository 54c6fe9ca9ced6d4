"""``gongshi diff BASE [HEAD]``: what a change does to the public record, in Markdown for reviewers.

Both sides are read with the loader (BASE from git, HEAD from git or the working tree) and held
as own-field snapshots (:mod:`generator.review.integrity`); the output lists, per unit, new, changed and
withdrawn pledges (moved deadlines with old → new and the reason), new ledger entries, closures,
verifications and objections, then new inspections and evaluations, with every integrity
violation at the top.  Text written by editors is escaped, so it cannot break a table or
inject markup into the pull request's summary.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from generator.model import records as R
from generator.model.load import Source
from generator.review.integrity import (
    GitSource,
    IntegrityError,
    Old,
    Snapshot,
    compare,
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


PLEDGE_FIELDS = {
    "title": "承诺事项", "commitment": "承诺内容", "measures": "具体措施", "deadline": "完成时限",
    "indicator": "指标", "responsible": "责任人", "published": "公示日期", "beneficiaries": "服务对象",
    "tags": "标签", "campaign": "所属活动",
}
RECT_FIELDS = {
    "problem": "问题描述", "measures": "整改措施", "deadline": "整改时限", "responsible": "责任人",
    "category": "问题类别", "source": "问题来源", "inspection": "督查", "campaign": "所属活动", "found": "发现日期",
}


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
    whys = [new_changes[i].get("why") for i in added if new_changes[i].get("field") == fname]
    return "；原因：" + "；".join(md(w, 120) for w in whys) if whys else "；⚠️ 没有说明原因（changes 中没有这次变更的记录）"


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
        items = []
        for fname, label in PLEDGE_FIELDS.items():
            a, b = o.own.get(fname), n.get(fname)
            if a == b:
                continue
            if fname == "deadline":
                d = _days(a, b)
                moved = "推迟" if d is not None and d > 0 else "提前" if d is not None and d < 0 else "改为"
                by = f"（{moved} {abs(d)} 天）" if d else ""
                items.append(f"⏰ **完成时限{moved}**：{a or '（无）'} → **{b or '（无）'}**{by}{_reasons(o, n, fname)}")
            elif fname in ("title", "commitment", "measures", "indicator", "responsible"):
                items.append(f"{label}：{_val(a)} → **{_val(b)}**{_reasons(o, n, fname)}")
            else:
                items.append(f"{label}：{_val(a)} → **{_val(b)}**")
        if ow and nw and ow != nw:
            items.append("⚠️ 撤回记录被修改（见上方完整性问题）")
        if ow and not nw:
            items.append("⚠️ 撤回被取消（见上方完整性问题）")
        if items:
            note = "" if o.public else "（修改时尚未公示）"
            u.changed.append(f"{title}{note}\n" + "\n".join(f"  - {x}" for x in items))
            u.counts["changed"] += 1


def _ledger(u: Unit, old: Snapshot, new: Snapshot) -> None:
    titles = {k[1]: v.own.get("title") for k, v in new.pledges.items() if k[0] == u.uid}
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


def _objection_core(x: dict) -> tuple:
    return x.get("date"), x.get("summary")


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
            for fname, label in RECT_FIELDS.items():
                a, b = o.own.get(fname), n.get(fname)
                if a != b:
                    items.append(f"{label}：{_val(a)} → **{_val(b)}**")
            added, _ = multiset_new(o.own.get("updates", []), n.get("updates", []))
            for i in added:
                x = n["updates"][i]
                items.append(f"整改进展 {x.get('date')}：{md(x.get('note'), 120)}")
        oc = (o.own.get("closure") if o else None) or {}
        nc = n.get("closure") or {}
        if nc and not oc:
            ev = len(nc.get("evidence", []))
            items.append(f"📝 **申请销号** {nc.get('date')}："
                         f"{md(nc.get('summary'), 160)}" + (f"（佐证 {ev} 份）" if ev else "（没有佐证）"))
        elif oc and nc and oc != nc and not oc.get("verified_on"):
            changed = [k for k in ("date", "summary", "evidence") if oc.get(k) != nc.get(k)]
            if changed:
                items.append(f"销号申请修改了 {'、'.join(changed)}")
        if nc.get("verified_on") and not oc.get("verified_on"):
            items.append(f"✅ **验收销号** {nc.get('verified_on')}，验收：{md(nc.get('verified_by'))}")
        olds = o.own.get("objections", []) if o else []
        news = n.get("objections", [])
        pairs, _lost, spare = match_in_order(olds, news, lambda a, b: _objection_core(a) == _objection_core(b))
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


def _own_changes(a: dict | None, b: dict | None) -> list[str]:
    a, b = a or {}, b or {}
    return [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]


def render(old: Snapshot, new: Snapshot, old_ds: R.Dataset, new_ds: R.Dataset, violations, errors, today: date,
           base_label: str, head_label: str) -> str:
    out = [f"## 公开记录变更：{base_label} → {head_label}", ""]
    if violations:
        out += [f"### ⛔ 完整性问题（{len(violations)} 个）", "",
                "这次修改删除或改写了已经公开的记录，合并前必须改正（做法见编辑指南《提交、审核与发布》）：", ""]
        out += [f"- `{md(p.path)}{':' + str(p.line) if p.line else ''}` {md(p.key + '：' if p.key else '')}{md(p.message)}"
                for p in violations]
        out.append("")
    else:
        out += ["✅ 没有发现删除或改写已公开记录的情况。", ""]
    if errors:
        out += [f"### ❌ 数据检查发现 {len(errors)} 个错误", "", "运行 `gongshi check` 查看全部；前几个：", ""]
        out += [f"- `{md(p.path)}{':' + str(p.line) if p.line else ''}` {md(p.key + '：' if p.key else '')}{md(p.message)}"
                for p in errors[:10]]
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
            for k in _own_changes(o.own, n.own):
                u.info.append(f"单位信息 {md(k)}：{_val(o.own.get(k))} → **{_val(n.own.get(k))}**")
        _pledges(u, old, new, today)
        _ledger(u, old, new)
        _rects(u, old, new, today)
        if not u.empty():
            units.append(u)

    new_insp = [i for i in new_ds.inspections if i.id not in old.inspections]
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
        ch = _own_changes(old.inspections[iid].own, new.inspections[iid].own)
        if ch:
            insp_lines.append(f"- 督查 **{md(iid)}** 修改了 {md('、'.join(ch))}")
    eval_lines = []
    for cid in sorted(set(old.evaluations) | set(new.evaluations)):
        a, b = old.evaluations.get(cid), new.evaluations.get(cid)
        if a is None and b is not None:
            eval_lines.append(f"- 🏅 活动 `{md(cid)}` 的考核评比结果：{b.own.get('published')} 公布，{len(b.own.get('scores', []))} 个单位")
        elif b is None and a is not None:
            eval_lines.append(f"- 活动 `{md(cid)}` 的考核评比结果被删除")
        elif a is not None and b is not None and a.own != b.own:
            eval_lines.append(f"- 活动 `{md(cid)}` 的考核评比结果修改了 {md('、'.join(_own_changes(a.own, b.own)))}")
    other = []
    for cid in sorted(set(old_ds.campaigns) | set(new_ds.campaigns)):
        ca, cb = old_ds.campaigns.get(cid), new_ds.campaigns.get(cid)
        if ca is None and cb is not None:
            other.append(f"- 🆕 新活动 `{md(cid)}`：{md(cb.title)}")
        elif cb is None and ca is not None:
            other.append(f"- 活动 `{md(cid)}` 被删除")
        elif ca is not None and cb is not None:
            ch = _own_changes(own(ca), own(cb))
            if ch:
                other.append(f"- 活动 `{md(cid)}`（{md(cb.title)}）修改了 {md('、'.join(ch))}")
    site_changes = _own_changes(own(old_ds.site), own(new_ds.site))
    if site_changes:
        other.append(f"- 网站设置 `data/site.yaml` 修改了 {md('、'.join(site_changes))}")

    if not units and not insp_lines and not eval_lines and not other:
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
    old_ds, base_src = load_rev(root, base, data_dir)
    if head is None:
        src: Source = Source(root, data_dir)
        head_label = "工作区"
    else:
        src = GitSource(root, head, data_dir)
        head_label = rev_label(md(head), src)
    try:
        res = check(root, as_of, today, source=src)
    finally:
        if isinstance(src, GitSource):
            src.close()
    today = res.today
    base_label = rev_label(md(base), base_src)
    old = snapshot_of_dataset(old_ds, today, base_label)
    new = snapshot_of_dataset(res.dataset, today, head_label)
    violations = compare(old, res.dataset, today, res.declared, res.problems)
    return render(old, new, old_ds, res.dataset, violations, res.errors, today, base_label, head_label) + "\n"


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
