"""What changed in the public record, as one dated stream (the updates page and the Atom feeds).

Each event has a stable id derived from the record it is about, so feed readers see the same
entry across builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from generator.model.reuse import Reuse, fresh
from generator.model.text import plain
from generator.view.derive import Derived, PledgeView, RectView


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


def events(view: Derived, reuse: Reuse | None = None) -> list[Event]:
    """Every event on or before the view's date, newest first; ``reuse`` keeps each unit's events
    between loads (the preview)."""
    ds = view.dataset
    table = reuse.table("events") if reuse is not None else fresh()
    chunks: list[tuple[list[Event], list[str]]] = []
    for uid, folder in ds.units.items():
        pv = view.by_unit.get(uid, ())
        rv = view.rects_by_unit.get(uid, ())
        chunks.append(table.get(uid, partial(_unit_events, folder.unit.name, pv, rv, view.as_of),
                                objects=(folder.unit, *pv, *rv), values=view.as_of))
    out: list[Event] = []
    for ins in view.inspections:
        out.append(Event(ins.date, "inspection", "督查", None, f"{ins.method}：{ins.by}", _short(ins.summary or ""),
                         f"inspections/#{ins.id}", f"inspection:{ins.id}"))
    for cid, ev in view.evaluations.items():
        campaign = ds.campaigns.get(cid)
        out.append(Event(ev.evaluation.published, "evaluation", "考核结果", None, f"{campaign.title if campaign else cid}考核评比结果公布",
                         "", f"evaluations/{cid}/", f"evaluation:{cid}"))
    chunks.append(_keyed(out))
    # Newest first by (date, id); ids are unique.
    stream = [e for chunk, _ in chunks for e in chunk]
    keys = [k for _, ks in chunks for k in ks]
    return [stream[i] for i in sorted(range(len(stream)), key=keys.__getitem__, reverse=True)]


def _keyed(events: list[Event]) -> tuple[list[Event], list[str]]:
    """Events with their sort keys: the ISO date (fixed width) and the id order as the pair
    (date, id) does, and a sort on strings is several times faster than one on pairs."""
    return events, [e.date.isoformat() + e.id for e in events]


def _unit_events(uname: str, pledges: Sequence[PledgeView], rects: Sequence[RectView],
                 as_of: date) -> tuple[list[Event], list[str]]:
    """One unit's events, in no particular order, with their sort keys."""
    out: list[Event] = []
    for v in pledges:
        p = v.pledge
        url = f"units/{v.unit}/{p.id}/"
        key = f"{v.unit}/{p.id}"
        out.append(Event(p.published, "pledge", "新承诺", v.unit, f"{uname}：{v.title}", _short(v.commitment), url, f"pledge:{key}"))
        counts: dict[date, int] = {}
        for e in v.entries:
            n = counts[e.date] = counts.get(e.date, 0) + 1
            out.append(Event(e.date, "ledger", "台账", v.unit, f"{uname}：{v.title}（进度 {e.progress}%）", _short(e.note), url,
                             f"ledger:{key}/{e.date.isoformat()}/{n}"))
        for i, c in enumerate(v.pledge.changes):
            if c.date <= as_of:
                out.append(Event(c.date, "change", "承诺变更", v.unit, f"{uname}：{v.title}（变更 {c.field}）", c.why, url,
                                 f"change:{key}/{i}"))
        if v.withdrawn:
            out.append(Event(v.withdrawn.date, "withdrawal", "撤回承诺", v.unit, f"{uname}：{v.title}", v.withdrawn.why, url,
                             f"withdrawal:{key}"))
    for r in rects:
        x = r.rect
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
            res = r.resolution(o, as_of)
            if res:
                out.append(Event(res.date, "resolution", "异议答复", r.unit, f"{uname}：{title}", _short(res.summary), url,
                                 f"resolution:{key}/{i}"))
    return _keyed(out)


def _short(text: str | None, limit: int = 120) -> str:
    return plain(text, limit)
