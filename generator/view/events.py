"""What changed in the public record, as one dated stream (the updates page and the Atom feeds).

Each event has a stable id derived from the record it is about, so feed readers see the same
entry across builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.model.text import plain
from generator.view.derive import Derived


@dataclass(frozen=True)
class Event:
    date: date
    kind: str  # pledge, ledger, change, withdrawal, closure, verification, objection, resolution, inspection, evaluation, problem
    label: str  # Chinese kind label shown to readers
    unit: str | None  # unit id, when the event belongs to one unit
    title: str  # plain text
    summary: str  # plain text
    url: str  # relative to the site root
    id: str  # stable: tag-URI-like, unique in the site


def events(view: Derived) -> list[Event]:
    """Every event on or before the view's date, newest first."""
    ds = view.dataset
    out: list[Event] = []
    for v in view.pledges:
        p = v.pledge
        uname = ds.units[v.unit].unit.name
        url = f"units/{v.unit}/{p.id}/"
        key = f"{v.unit}/{p.id}"
        out.append(Event(p.published, "pledge", "新承诺", v.unit, f"{uname}：{v.title}", _short(v.commitment), url, f"pledge:{key}"))
        counts: dict[date, int] = {}
        for e in v.entries:
            n = counts[e.date] = counts.get(e.date, 0) + 1
            out.append(Event(e.date, "ledger", "台账", v.unit, f"{uname}：{v.title}（进度 {e.progress}%）", _short(e.note), url,
                             f"ledger:{key}/{e.date.isoformat()}/{n}"))
        for i, c in enumerate(v.pledge.changes):
            if c.date <= view.as_of:
                out.append(Event(c.date, "change", "承诺变更", v.unit, f"{uname}：{v.title}（变更 {c.field}）", c.why, url,
                                 f"change:{key}/{i}"))
        if v.withdrawn:
            out.append(Event(v.withdrawn.date, "withdrawal", "撤回承诺", v.unit, f"{uname}：{v.title}", v.withdrawn.why, url,
                             f"withdrawal:{key}"))
    for r in view.rectifications:
        x = r.rect
        uname = ds.units[r.unit].unit.name
        url = f"units/{r.unit}/rectifications/#{x.id}"
        key = f"{r.unit}/{x.id}"
        title = _short(x.problem, 40)
        out.append(Event(x.found, "problem", "发现问题", r.unit, f"{uname}：{title}", _short(x.problem), url, f"problem:{key}"))
        if r.closure:
            out.append(Event(r.closure.date, "closure", "整改销号", r.unit, f"{uname}：{title}", _short(r.closure.summary), url,
                             f"closure:{key}"))
            if r.verified and r.closure.verified_on:
                out.append(Event(r.closure.verified_on, "verification", "销号验收", r.unit, f"{uname}：{title}",
                                 f"验收：{r.closure.verified_by or ''}", url, f"verification:{key}"))
        for i, o in enumerate(r.objections):
            out.append(Event(o.date, "objection", "群众异议", r.unit, f"{uname}：{title}", _short(o.summary), url,
                             f"objection:{key}/{i}"))
            res = r.resolution(o, view.as_of)
            if res:
                out.append(Event(res.date, "resolution", "异议答复", r.unit, f"{uname}：{title}", _short(res.summary), url,
                                 f"resolution:{key}/{i}"))
    for ins in view.inspections:
        out.append(Event(ins.date, "inspection", "督查", None, f"{ins.method}：{ins.by}", _short(ins.summary or ""),
                         f"inspections/#{ins.id}", f"inspection:{ins.id}"))
    for cid, ev in view.evaluations.items():
        campaign = ds.campaigns.get(cid)
        out.append(Event(ev.evaluation.published, "evaluation", "考核结果", None, f"{campaign.title if campaign else cid}考核评比结果公布",
                         "", f"evaluations/{cid}/", f"evaluation:{cid}"))
    out.sort(key=lambda e: (e.date, e.id), reverse=True)
    return out


def _short(text: str | None, limit: int = 120) -> str:
    return plain(text, limit)
