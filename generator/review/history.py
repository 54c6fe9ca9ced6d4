"""History is never rewritten (contract §3b): no change may alter what the site showed as of a past day.

Given the earlier record (a dataset read from a git revision, or rebuilt from a published
``gongshi.json`` by :func:`dataset_of_export`) and the record being checked, :func:`backdating`
reports two things, each as a :class:`~generator.model.errors.Problem` a clerk can act on:

* every *new dated thing* — a ledger entry, a pledge's ``published``, ``withdrawn`` or ``changes``
  entry, a rectification's ``found``, ``updates`` entry, ``closure``, ``verified_on``, objection or
  answer, a report's ``submitted``, an inspection, an evaluation's ``published`` — dated before the
  reference day (the base's own date minus ``backdate_grace_days``), with the public state it would
  change;
* every record whose derived state (pledge, rectification, duty, indicator, ranking) differs
  between the two records as of some day before the reference day, for any other cause.

Why it is fast: states are compared only for records whose own fields (or inputs, such as a
pledge's ledger entries or a unit's pledges for its duties) differ, and only on the days where
either record's state can change (its events, and the day after each deadline, due date, notice
window or ledger gap limit) — a state is constant between those days.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from generator.model import labels, schema
from generator.model import records as R
from generator.model.errors import Problem, Problems
from generator.model.serial import to_json
from generator.model.yamlsource import Map, Node, Scalar, Seq
from generator.publish.manifest import OWN
from generator.view import derive as D


def reference_day(base_day: date, grace: int) -> date:
    """The first day that new dated records may carry: the base's own date minus the grace window."""
    return base_day - timedelta(days=grace)


def _key(value: Any) -> str:
    return json.dumps(to_json(value), ensure_ascii=False, sort_keys=True)


# ------------------------------------------------------------------------------------------
# A published gongshi.json read back into a dataset, so that its states can be derived again


def _node(value: Any) -> Node:
    if isinstance(value, dict):
        m = Map(0)
        for k, v in value.items():
            if v is not None:
                m.entries[str(k)] = (0, _node(v))
        return m
    if isinstance(value, list):
        s = Seq(0)
        s.items = [_node(v) for v in value]
        return s
    if isinstance(value, bool):
        return Scalar("true" if value else "false", True, 0)
    if isinstance(value, (int, float)):
        return Scalar(repr(value), True, 0)
    return Scalar(str(value), False, 0)  # quoted: text stays text


def _own(kind: str, rec: dict) -> dict:
    return {k: rec[k] for k in OWN[kind] if k in rec}


def dataset_of_export(data: dict, data_dir: str = "data") -> R.Dataset:
    """A published ``gongshi.json`` as a dataset: every record as it was public on the export's
    ``as_of`` (reports, which the export does not carry, stand in from the duty rows' ``met_on``), at
    the paths it would have under the data folder ``data_dir``."""
    junk = Problems()

    def conv(kind: str, path: str, value: Any, unit: str | None = None) -> Any:
        out = schema.convert(kind, _node(value), schema.Ctx(path, junk), unit)
        return None if out is schema.BAD else out

    site = conv("site", f"{data_dir}/site.yaml", _own("site", data.get("site") or {}))
    if not isinstance(site, R.Site):
        site = R.Site(loc=R.NOWHERE, title="", owner="", oversight=R.Oversight(R.NOWHERE))
    campaigns = {}
    for c in data.get("campaigns") or ():
        rec = conv("campaign", f"{data_dir}/campaigns/{c.get('id')}.yaml", _own("campaign", c))
        if isinstance(rec, R.Campaign):
            campaigns[rec.id] = rec
    by_unit: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for p in data.get("pledges") or ():
        by_unit[str(p.get("unit"))]["pledges"].append(_own("pledge", p))
    for e in sorted(data.get("ledger") or (), key=lambda r: (str(r.get("unit")), r.get("seq") or 0)):
        row = dict(e)
        if isinstance(row.get("evidence"), str):
            row["evidence"] = row["evidence"].split()
        by_unit[str(e.get("unit"))]["ledger"].append(_own("ledger", row))
    for r in data.get("rectifications") or ():
        by_unit[str(r.get("unit"))]["rectifications"].append(_own("rectification", r))
    reports: dict[str, dict[str, R.Report]] = defaultdict(dict)
    for d in data.get("duties") or ():
        if d.get("kind") == "report" and d.get("met_on"):
            try:
                day = date.fromisoformat(str(d["met_on"]))
            except ValueError:
                continue
            uid, cid = str(d.get("unit")), str(d.get("campaign"))
            reports[uid][cid] = R.Report(R.Loc(f"{data_dir}/units/{uid}/reports/{cid}.md", 0, ""), "", day, uid, cid)
    units = {}
    for u in data.get("units") or ():
        uid = str(u.get("id"))
        unit = conv("unit", f"{data_dir}/units/{uid}/unit.yaml", _own("unit", u))
        if not isinstance(unit, R.Unit):
            continue
        lists = {kind: conv(kind, f"{data_dir}/units/{uid}/{kind}.yaml", by_unit[uid][kind], uid) or ()
                 for kind in ("pledges", "ledger", "rectifications")}
        units[uid] = R.UnitFolder(unit, lists["pledges"], lists["ledger"], lists["rectifications"], reports.get(uid, {}))
    inspections = conv("inspections", f"{data_dir}/inspections/", [_own("inspection", i) for i in data.get("inspections") or ()]) or ()
    evaluations = {}
    for e in data.get("evaluations") or ():
        rec = conv("evaluation", f"{data_dir}/evaluations/{e.get('campaign')}.yaml", _own("evaluation", e))
        if isinstance(rec, R.Evaluation):
            evaluations[rec.campaign] = rec
    return R.Dataset("", site, campaigns, units, tuple(inspections), evaluations, data_dir)


# ------------------------------------------------------------------------------------------
# States of single records as of a day, and the days on which they can change


class Record:
    """One dataset, indexed for per-record states."""

    def __init__(self, ds: R.Dataset):
        self.ds = ds
        self.site = ds.site
        self.pledges: dict[tuple[str, str], R.Pledge] = {}
        self.entries: dict[tuple[str, str], list[R.LedgerEntry]] = defaultdict(list)
        self.rects: dict[tuple[str, str], R.Rectification] = {}
        for uid, f in ds.units.items():
            for p in f.pledges:
                self.pledges.setdefault((uid, p.id), p)
            for e in f.ledger:
                self.entries[(uid, e.pledge)].append(e)
            for r in f.rectifications:
                self.rects.setdefault((uid, r.id), r)
        for lst in self.entries.values():
            lst.sort(key=lambda e: (e.date, e.seq))
        self.participants = {cid: set(D.participants(c, ds.units)) for cid, c in ds.campaigns.items()}
        self.by_uc: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for (uid, pid), p in self.pledges.items():
            self.by_uc[(uid, p.campaign)].append((uid, pid))
        self.rects_uc: dict[tuple[str, str], list[R.Rectification]] = defaultdict(list)
        for (uid, _rid), r in self.rects.items():
            self.rects_uc[(uid, r.campaign)].append(r)

    # pledges ---------------------------------------------------------------------------------

    def pledge_view(self, key: tuple[str, str], day: date) -> D.PledgeView | None:
        p = self.pledges.get(key)
        if p is None or p.published > day:
            return None
        return D.pledge_view(p, self.entries.get(key, []), day, self.site.stale_after_days)

    def pledge_state(self, key: tuple[str, str], day: date) -> tuple | None:
        v = self.pledge_view(key, day)
        if v is None:
            return None
        met = None
        if v.pledge.indicator is not None and v.target is not None:
            vals = v.values
            met = v.target.met(vals[-1][1]) if vals else None
        return (v.state.value, met)

    def pledge_days(self, key: tuple[str, str]) -> set[date]:
        p = self.pledges.get(key)
        if p is None:
            return set()
        days = {p.published, *(e.date for e in self.entries.get(key, []))}
        if p.withdrawn:
            days.add(p.withdrawn.date)
        deadlines = {p.deadline}
        for c in p.changes:
            days.add(c.date)
            if c.field == "deadline":
                deadlines |= {c.from_, c.to}
        days |= {d + timedelta(days=1) for d in deadlines if isinstance(d, date)}
        return days

    # rectifications --------------------------------------------------------------------------

    def rect_state(self, key: tuple[str, str], day: date) -> tuple | None:
        r = self.rects.get(key)
        if r is None or r.found > day:
            return None
        return (D.rect_view(r, day, self.site.closure_notice_days).state.value,)

    def rect_days(self, key: tuple[str, str]) -> set[date]:
        r = self.rects.get(key)
        if r is None:
            return set()
        days = {r.found}
        deadlines = {r.deadline}
        for c in r.changes:
            days.add(c.date)
            if c.field == "deadline":
                deadlines |= {c.from_, c.to}
        days |= {d + timedelta(days=1) for d in deadlines if isinstance(d, date)}
        if r.closure:
            days.add(r.closure.date)
            if r.closure.verified_on:
                days |= {r.closure.verified_on, r.closure.verified_on + timedelta(days=self.site.closure_notice_days + 1)}
        for o in r.objections:
            days.add(o.date)
            if o.resolution:
                days.add(o.resolution.date)
        return days

    # duties ----------------------------------------------------------------------------------

    def duty(self, key: tuple[str, str, str, int]) -> tuple[R.Phase, R.Duty] | None:
        uid, cid, phid, i = key
        c = self.ds.campaigns.get(cid)
        if c is None or uid not in self.participants.get(cid, ()):
            return None
        for ph in c.phases:
            if ph.id == phid and i < len(ph.duties):
                return ph, ph.duties[i]
        return None

    def duty_keys(self, uid: str, cid: str) -> list[tuple[str, str, str, int]]:
        c = self.ds.campaigns.get(cid)
        if c is None or uid not in self.participants.get(cid, ()):
            return []
        return [(uid, cid, ph.id, i) for ph in c.phases for i in range(len(ph.duties))]

    def duty_state(self, key: tuple[str, str, str, int], day: date) -> tuple | None:
        found = self.duty(key)
        if found is None:
            return None
        ph, d = found
        uid, cid = key[0], key[1]
        if d.kind is R.DutyKind.LEDGER:
            views = [v for k in self.by_uc.get((uid, cid), ()) if (v := self.pledge_view(k, day)) is not None]
            state, _gap, _pid = D.ledger_duty(ph, d.every_days or 0, views, day)
            return (state.value,)
        if d.due is None:
            return None
        if d.kind is R.DutyKind.PLEDGES:
            dates = [self.pledges[k].published for k in self.by_uc.get((uid, cid), ()) if self.pledges[k].published <= day]
        elif d.kind is R.DutyKind.PROBLEMS:
            dates = [r.found for r in self.rects_uc.get((uid, cid), ()) if r.found <= day]
        else:
            rep = self.ds.units[uid].reports.get(cid) if uid in self.ds.units else None
            dates = [rep.submitted] if rep is not None and rep.submitted <= day else []
        met_on = min(dates) if dates else None
        return (D._met_state(met_on, d.due, day).value,)

    def duty_days(self, key: tuple[str, str, str, int]) -> set[date]:
        found = self.duty(key)
        if found is None:
            return set()
        ph, d = found
        uid, cid = key[0], key[1]
        days = {ph.start}
        if ph.end:
            days.add(ph.end + timedelta(days=1))
        if d.due:
            days |= {d.due, d.due + timedelta(days=1)}
        if d.kind is R.DutyKind.LEDGER:
            base: set[date] = {ph.start}
            for k in self.by_uc.get((uid, cid), ()):
                base |= self.pledge_days(k)
            step = timedelta(days=(d.every_days or 0) + 1)
            days |= base | {x + step for x in base}
        elif d.kind is R.DutyKind.PLEDGES:
            days |= {self.pledges[k].published for k in self.by_uc.get((uid, cid), ())}
        elif d.kind is R.DutyKind.PROBLEMS:
            days |= {r.found for r in self.rects_uc.get((uid, cid), ())}
        else:
            rep = self.ds.units[uid].reports.get(cid) if uid in self.ds.units else None
            if rep is not None:
                days.add(rep.submitted)
        return days

    # campaign indicators and rankings ---------------------------------------------------------

    def indicator(self, key: tuple[str, str]) -> R.Indicator | None:
        c = self.ds.campaigns.get(key[0])
        return next((i for i in c.indicators if i.id == key[1]), None) if c else None

    def indicator_state(self, key: tuple[str, str], day: date) -> tuple | None:
        ind = self.indicator(key)
        if ind is None:
            return None
        iv = D.indicator_view(ind, ind.target, ((m.date, m.value) for m in ind.measurements), day)
        return (iv.latest, iv.met)

    def indicator_days(self, key: tuple[str, str]) -> set[date]:
        ind = self.indicator(key)
        return {m.date for m in ind.measurements} if ind else set()

    def ranking_state(self, cid: str, day: date) -> tuple | None:
        e = self.ds.evaluations.get(cid)
        if e is None or e.published > day:
            return None
        return tuple((r.score.unit, r.rank, r.total, r.grade) for r in D.rank(e))

    def ranking_days(self, cid: str) -> set[date]:
        e = self.ds.evaluations.get(cid)
        return {e.published} if e else set()


@dataclass(frozen=True)
class Rewrite:
    """The first day before the reference day on which a record's public state differs."""

    kind: str  # pledge | rect | duty | indicator | ranking
    key: tuple
    day: date
    old: tuple | None
    new: tuple | None
    later: tuple[tuple[date, tuple | None, tuple | None], ...] = ()  # the next different rewrites (at most two)


_KINDS: dict[str, tuple[str, str]] = {
    "pledge": ("pledge_state", "pledge_days"), "rect": ("rect_state", "rect_days"),
    "duty": ("duty_state", "duty_days"), "indicator": ("indicator_state", "indicator_days"),
    "ranking": ("ranking_state", "ranking_days"),
}


def first_rewrite(old: Record, new: Record, kind: str, key: Any, before: date) -> Rewrite | None:
    """The first day before ``before`` on which the record ``key`` shows a different state."""
    state, days = _KINDS[kind]
    o_state: Callable = getattr(old, state)
    n_state: Callable = getattr(new, state)
    candidates = sorted(d for d in getattr(old, days)(key) | getattr(new, days)(key) if d < before)
    found: list[tuple[date, Any, Any]] = []
    for day in candidates:
        a, b = o_state(key, day), n_state(key, day)
        if a != b and (not found or (found[-1][1], found[-1][2]) != (a, b)):
            found.append((day, a, b))
            if len(found) == 3:
                break
    if not found:
        return None
    return Rewrite(kind, key, found[0][0], found[0][1], found[0][2], tuple(found[1:]))


# ------------------------------------------------------------------------------------------
# Describing a rewrite in words


def _state_zh(kind: str, s: tuple | None) -> str:
    if s is None:
        return "不显示" if kind != "ranking" else "未公布"
    if kind == "pledge":
        text = s[0]
        if s[1] is not None:
            text += "（指标" + ("已达标" if s[1] else "未达标") + "）"
        return text
    if kind in ("rect", "duty"):
        return s[0]
    if kind == "indicator":
        return "尚无实测值" if s[0] is None else f"最新值 {s[0]:g}，{'已达标' if s[1] else '未达标'}"
    return "排名 " + "、".join(f"{u} 第 {r} 名" for u, r, _t, _g in s[:3]) + ("……" if len(s) > 3 else "")


def describe(rw: Rewrite, ds: R.Dataset) -> str:
    """``承诺“…”（fgw/wangban）2026-09-01 起的状态将由 逾期 变为 推进中``."""
    k = rw.key
    if rw.kind == "pledge":
        p = next((p for p in ds.units[k[0]].pledges if p.id == k[1]), None) if k[0] in ds.units else None
        what = f"承诺“{_short(p.title if p else k[1])}”（{k[0]}/{k[1]}）"
    elif rw.kind == "rect":
        what = f"问题 {k[0]}/{k[1]} "
    elif rw.kind == "duty":
        c = ds.campaigns.get(k[1])
        ph = next((p for p in c.phases if p.id == k[2]), None) if c else None
        kind = labels.DUTY_KINDS.get(ph.duties[k[3]].kind, "") if ph and k[3] < len(ph.duties) else ""
        unit = ds.units[k[0]].unit.name if k[0] in ds.units else k[0]
        what = f"{unit}在“{ph.name if ph else k[2]}”阶段的{kind}责任 "
    elif rw.kind == "indicator":
        what = f"活动 {k[0]} 的指标 {k[1]} "
    else:
        what = f"活动 {k} 的考核排名 "
    text = f"{what}{rw.day} 起的状态将由 {_state_zh(rw.kind, rw.old)} 变为 {_state_zh(rw.kind, rw.new)}"
    for day, a, b in rw.later:
        text += f"，{day} 起由 {_state_zh(rw.kind, a)} 变为 {_state_zh(rw.kind, b)}"
    return text


def _short(text: str, n: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------------------------------
# New dated things


@dataclass
class Dated:
    """One dated thing of a dataset: what it is, where it is written, and which records it moves."""

    ident: tuple  # what makes it "the same" in both records (its content, for list items)
    day: date
    where: tuple[str, int, str]
    what: str
    advice: str
    affects: list[tuple[str, Any]] = field(default_factory=list)


def _dated(ds: R.Dataset, rec: Record, only: set[str] | None = None) -> list[Dated]:
    """Every dated thing of ``ds``; with ``only``, those written in these files (the others are the same
    on both sides)."""
    out: list[Dated] = []
    for uid, f in ds.units.items():
        if only is not None and not any(p.startswith(f"{ds.data_dir}/units/{uid}/") for p in only):
            continue
        for p in f.pledges:
            pk = (uid, p.id)
            aff = [("pledge", pk), *(("duty", k) for k in rec.duty_keys(uid, p.campaign))]
            out.append(Dated(("published", uid, p.id, p.published), p.published, p.loc.at("published"),
                             f"承诺“{_short(p.title)}”的公示日期 {p.published}",
                             "公示日期应是真正公开的那一天：请写今天", aff))
            if p.withdrawn:
                w = p.withdrawn
                out.append(Dated(("withdrawn", uid, p.id, w.date, w.why), w.date, w.loc.at("date"),
                                 f"承诺“{_short(p.title)}”的撤回日期 {w.date}",
                                 "请把撤回日期写为今天，在 why 中说明撤回的实际经过", aff))
            for c in p.changes:
                out.append(Dated(("pchange", uid, p.id, _key(c)), c.date, c.loc.at("date"),
                                 f"承诺“{_short(p.title)}”的变更记录（{labels.PLEDGE_FIELDS.get(c.field, c.field)}）日期 {c.date}",
                                 "变更从记录之日起生效：请把 date 写为今天，在 why 中说明变更实际何时决定", aff))
        for e in f.ledger:
            p2 = next((p for p in f.pledges if p.id == e.pledge), None)
            aff = [("pledge", (uid, e.pledge))]
            if p2 is not None:
                aff += [("duty", k) for k in rec.duty_keys(uid, p2.campaign)]
            out.append(Dated(("ledger", uid, e.pledge, _key(e)), e.date, e.loc.at("date"),
                             f"承诺 {e.pledge} 的台账日期 {e.date}",
                             "请把 date 写为今天（记录的这一天），在 note 中写明工作实际完成的日期", aff))
        for r in f.rectifications:
            rk = (uid, r.id)
            aff = [("rect", rk)]
            out.append(Dated(("found", uid, r.id, r.found), r.found, r.loc.at("found"),
                             f"问题 {r.id} 的发现日期 {r.found}",
                             "请把 found 写为今天（列入问题清单的这一天），在 problem 中写明问题实际发现的时间",
                             aff + [("duty", k) for k in rec.duty_keys(uid, r.campaign)]))
            for u in r.updates:
                out.append(Dated(("update", uid, r.id, _key(u)), u.date, u.loc.at("date"), f"问题 {r.id} 的整改进展日期 {u.date}",
                                 "请把 date 写为今天，在 note 中写明工作实际完成的日期", aff))
            for c in r.changes:
                out.append(Dated(("rchange", uid, r.id, _key(c)), c.date, c.loc.at("date"),
                                 f"问题 {r.id} 的变更记录（{labels.RECT_FIELDS.get(c.field, c.field)}）日期 {c.date}",
                                 "变更从记录之日起生效：请把 date 写为今天，在 why 中说明变更实际何时决定", aff))
            if r.closure:
                cl = r.closure
                out.append(Dated(("closure", uid, r.id, cl.date), cl.date, cl.loc.at("date"), f"问题 {r.id} 的销号日期 {cl.date}",
                                 "请把 closure.date 写为今天（申请销号的这一天），在 summary 中写明整改实际完成的时间", aff))
                if cl.verified_on:
                    out.append(Dated(("verified", uid, r.id, cl.verified_on), cl.verified_on, cl.loc.at("verified_on"),
                                     f"问题 {r.id} 的验收日期 {cl.verified_on}", "请写实际验收的这一天（今天或之后）", aff))
            for o in r.objections:
                out.append(Dated(("objection", uid, r.id, o.date, o.summary), o.date, o.loc.at("date"),
                                 f"问题 {r.id} 的群众异议日期 {o.date}", "请写登记异议的这一天，在 summary 中写明群众实际反映的时间", aff))
                if o.resolution:
                    out.append(Dated(("resolution", uid, r.id, o.date, o.summary, o.resolution.date), o.resolution.date,
                                     o.resolution.loc.at("date"), f"问题 {r.id} 的异议答复日期 {o.resolution.date}",
                                     "请写答复的这一天（今天）", aff))
        for cid, rep in f.reports.items():
            out.append(Dated(("report", uid, cid, rep.submitted), rep.submitted, rep.loc.at("submitted"),
                             f"总结报告的提交日期 {rep.submitted}", "请写实际提交的这一天（今天）",
                             [("duty", k) for k in rec.duty_keys(uid, cid)]))
    if only is not None:
        out = [x for x in out if x.where[0] in only]
    for i in ds.inspections:
        if only is not None and i.loc.path not in only:
            continue
        out.append(Dated(("inspection", i.id, i.date), i.date, i.loc.at("date"), f"督查 {i.id} 的日期 {i.date}",
                         "督查记录应在督查后及时录入；现在补录的，请在 summary 中写明实际督查日期，date 写录入公开的这一天"))
    for cid, ev in ds.evaluations.items():
        if only is not None and ev.loc.path not in only:
            continue
        out.append(Dated(("evaluation", cid, ev.published), ev.published, ev.loc.at("published"),
                         f"考核评比结果的公布日期 {ev.published}", "请写实际公布的这一天（今天或之后）", [("ranking", cid)]))
    return out


def new_dated(old_ds: R.Dataset, new_ds: R.Dataset, old: Record | None = None, new: Record | None = None,
              only: set[str] | None = None) -> list[Dated]:
    """The dated things of ``new_ds`` that ``old_ds`` does not have (by content), in file order;
    ``only``: the files that differ (None: every file)."""
    have = _multiset(_dated(old_ds, old or Record(old_ds), only))
    out = []
    for item in _dated(new_ds, new or Record(new_ds), only):
        if have.get(item.ident, 0) > 0:
            have[item.ident] -= 1
        else:
            out.append(item)
    return out


def _multiset(items: Iterable[Dated]) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for x in items:
        out[x.ident] += 1
    return out


# ------------------------------------------------------------------------------------------
# Which records' inputs differ


def _fingerprints(ds: R.Dataset, only: set[str] | None = None) -> dict[tuple, str]:
    """Own fields (and inputs) of every record as text; with ``only``, of the records in these files."""
    def skip(loc: R.Loc) -> bool:
        return only is not None and loc.path not in only

    fp: dict[tuple, str] = {}
    if not skip(ds.site.loc):
        fp[("site",)] = _key(replace(ds.site, backdate_grace_days=0))
    for cid, c in ds.campaigns.items():
        if not skip(c.loc):
            fp[("campaign", cid)] = _key(c)
    for cid, ev in ds.evaluations.items():
        if not skip(ev.loc):
            fp[("evaluation", cid)] = _key(ev)
    for uid, f in ds.units.items():
        if only is not None and not any(p.startswith(f"{ds.data_dir}/units/{uid}/") for p in only):
            continue
        if not skip(f.unit.loc):
            fp[("unit", uid)] = _key(f.unit)
        for p in f.pledges:
            if not skip(p.loc):
                fp.setdefault(("pledge", uid, p.id), _key(p))
        entries: dict[str, list] = defaultdict(list)
        for e in f.ledger:
            if not skip(e.loc):
                entries[e.pledge].append(to_json(e))
        for pid, lst in entries.items():
            fp[("entries", uid, pid)] = json.dumps(lst, ensure_ascii=False, sort_keys=True)
        for r in f.rectifications:
            if not skip(r.loc):
                fp.setdefault(("rect", uid, r.id), _key(r))
        for cid, rep in f.reports.items():
            if not skip(rep.loc):
                fp[("report", uid, cid)] = rep.submitted.isoformat()
    return fp


def _affected(old: Record, new: Record, diff: set[tuple]) -> set[tuple[str, Any]]:
    """Every record whose state may differ, given the keys whose own fields or inputs changed."""
    out: set[tuple[str, Any]] = set()
    unit_campaigns: set[tuple[str, str]] = set()
    everything = ("site",) in diff
    for k in diff:
        kind = k[0]
        if kind in ("pledge", "entries"):
            out.add(("pledge", (k[1], k[2])))
            for rec in (old, new):
                p = rec.pledges.get((k[1], k[2]))
                if p is not None:
                    unit_campaigns.add((k[1], p.campaign))
        elif kind == "rect":
            out.add(("rect", (k[1], k[2])))
            for rec in (old, new):
                r = rec.rects.get((k[1], k[2]))
                if r is not None:
                    unit_campaigns.add((k[1], r.campaign))
        elif kind == "report":
            unit_campaigns.add((k[1], k[2]))
        elif kind == "unit":
            for cid in set(old.ds.campaigns) | set(new.ds.campaigns):
                unit_campaigns.add((k[1], cid))
        elif kind == "campaign":
            for rec in (old, new):
                c = rec.ds.campaigns.get(k[1])
                if c is not None:
                    out.update(("indicator", (c.id, i.id)) for i in c.indicators)
            for uid in set(old.ds.units) | set(new.ds.units):
                unit_campaigns.add((uid, k[1]))
        elif kind == "evaluation":
            out.add(("ranking", k[1]))
    if everything:  # the site's stale/notice settings or unit categories: every state may move
        out.update(("pledge", k) for k in old.pledges.keys() & new.pledges.keys())
        out.update(("rect", k) for k in old.rects.keys() & new.rects.keys())
        unit_campaigns |= {(uid, cid) for uid in new.ds.units for cid in new.ds.campaigns}
    for uid, cid in unit_campaigns:
        out.update(("duty", k) for k in set(old.duty_keys(uid, cid)) | set(new.duty_keys(uid, cid)))
    return out


def _exists(rec: Record, kind: str, key: Any) -> bool:
    if kind == "pledge":
        return key in rec.pledges
    if kind == "rect":
        return key in rec.rects
    if kind == "duty":
        return rec.duty(key) is not None
    if kind == "indicator":
        return rec.indicator(key) is not None
    return key in rec.ds.evaluations


def _may_vanish(old: Record, new_ds: R.Dataset, kind: str, key: Any, ref: date) -> bool:
    """Whether a record of the base that is gone from ``new_ds`` counts as a rewrite of the past here:
    a unit's duty in a phase that had started before the reference day (the unit still exists: its
    deletion is reported by the integrity rules), or a campaign indicator (its past measurements are
    compared by :func:`first_rewrite`).  Pledges, problems and rankings that vanish are integrity's."""
    if kind == "duty":
        found = old.duty(key)
        return key[0] in new_ds.units and found is not None and found[0].start < ref
    return kind == "indicator"


def _where(new: R.Dataset, kind: str, key: Any, changed: set[tuple]) -> tuple[str, int, str]:
    """Where a rewrite not caused by a new dated thing is reported: the record, or the office's file
    that changed the rule (a campaign's duty, the site's settings)."""
    if kind == "pledge" and key[0] in new.units:
        p = next((p for p in new.units[key[0]].pledges if p.id == key[1]), None)
        if p is not None:
            return p.loc.path, p.loc.line, p.loc.key
    if kind == "rect" and key[0] in new.units:
        r = next((r for r in new.units[key[0]].rectifications if r.id == key[1]), None)
        if r is not None:
            return r.loc.path, r.loc.line, r.loc.key
    if kind in ("duty", "indicator") and ("campaign", key[1] if kind == "duty" else key[0]) in changed:
        c = new.campaigns.get(key[1] if kind == "duty" else key[0])
        if c is not None:
            return c.loc.path, c.loc.line, c.loc.key
    if kind == "ranking" and key in new.evaluations:
        e = new.evaluations[key]
        return e.loc.path, e.loc.line, e.loc.key
    if ("site",) in changed:
        return new.site.loc.path, new.site.loc.line, ""
    if kind == "duty" and key[0] in new.units:
        u = new.units[key[0]].unit
        return u.loc.path, u.loc.line, u.loc.key
    return f"{new.data_dir}/", 0, ""


# ------------------------------------------------------------------------------------------
# The rule


def backdating(old_ds: R.Dataset, new_ds: R.Dataset, ref: date, base_label: str, base_day: date, grace: int,
               today: date, problems: Iterable[Problem] = (), only: set[str] | None = None) -> list[Problem]:
    """Every way ``new_ds`` rewrites what ``old_ds`` showed as of a day before ``ref`` (contract §3b).

    ``problems`` are the current check's own: records in files that failed to load are left to
    their own errors instead of being called rewritten.  ``only`` names the files whose bytes differ
    between the two sides (None: unknown, compare everything): the records of other files are the same.
    """
    out = Problems()
    problems = list(problems)
    bad_files = {p.path for p in problems if p.level.value == "error"}  # records in them may be missing
    unreadable = {p.path for p in problems if p.level.value == "error" and not p.key}
    old, new = Record(old_ds), Record(new_ds)
    why = f"基准日 = {base_label}的日期 {base_day} 减补记宽限 {grace} 天"
    explained: set[tuple[str, Any]] = set()

    # 1. new dated things before the reference day
    for item in new_dated(old_ds, new_ds, old, new, only):
        if item.day >= ref or item.where[0] in unreadable:
            continue
        days = (ref - item.day).days
        effects, again = [], False
        for kind, key in item.affects:
            if (kind, key) in explained:
                again = again or first_rewrite(old, new, kind, key, ref) is not None
                continue
            rw = first_rewrite(old, new, kind, key, ref)
            if rw is not None:
                effects.append(describe(rw, new_ds))
                explained.add((kind, key))
        if effects:
            effect = "这会改写网站过去显示的内容：" + "；".join(effects[:3]) + ("等" if len(effects) > 3 else "")
        elif again:
            effect = "它和同一记录上面那条倒签的日期一起改写了网站过去显示的状态"
        else:
            effect = f"这会让网站在 {item.day} 到 {ref} 之间凭空多出一条当时并没有公开的记录"
        out.error(*item.where, f"{item.what} 早于基准日 {ref} {days} 天。{effect}。已经公开的历史不能倒签改写："
                               f"{item.advice}（今天是 {today}）；晚登记的，在说明里写清楚实际情况，审核人会看到。（{why}）")

    # 2. any other change of a past state
    fa, fb = _fingerprints(old_ds, only), _fingerprints(new_ds, only)
    changed_keys = {k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}
    grouped: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for kind, key in sorted(_affected(old, new, changed_keys), key=lambda x: (x[0], str(x[1]))):
        if (kind, key) in explained or not _exists(old, kind, key):
            continue
        gone = not _exists(new, kind, key)
        if gone and not _may_vanish(old, new_ds, kind, key, ref):
            continue  # deleted records are integrity's business; future phases may still be planned anew
        if kind in ("pledge", "rect", "duty") and any(p.startswith(f"{new_ds.data_dir}/units/{key[0]}/") for p in bad_files):
            continue
        rw = first_rewrite(old, new, kind, key, ref)
        if rw is not None:  # a vanished duty or indicator is described as the base showed it
            grouped[_where(new_ds, kind, key, changed_keys)].append(describe(rw, old_ds if gone else new_ds))
    for where, effects in sorted(grouped.items()):
        more = f"等 {len(effects)} 项" if len(effects) > 3 else ""
        out.error(*where, f"这次修改会改写网站在基准日 {ref} 之前显示过的状态：{'；'.join(effects[:3])}{more}（{why}）。"
                          "已经公开的状态不能追溯改变：改动要从今天起生效——承诺和问题用 changes 记录（date 写今天），"
                          "新的台账、进展、销号写今天的日期；活动的阶段和责任、网站设置中已经过去的部分不能再改")
    return out.sorted()
