"""The public record as of one date: states, duties, indicators, rankings and figures.

Everything here is a pure function of the dataset and the date ``as_of``; nothing reads the
clock.  Records dated after ``as_of`` do not exist for the view (contract §3a).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from generator.model import records as R
from generator.model.records import DutyKind, DutyState, PledgeState, RectState
from generator.model.reuse import Reuse, fresh

OPEN_PLEDGE = (PledgeState.OVERDUE, PledgeState.NOT_STARTED, PledgeState.IN_PROGRESS)
DONE_PLEDGE = (PledgeState.DONE, PledgeState.DONE_LATE)


@dataclass(frozen=True)
class PledgeView:
    pledge: R.Pledge
    state: PledgeState
    stale: bool
    title: str  # the values in force on as_of (changes applied backwards)
    commitment: str
    deadline: date | None
    measures: tuple[str, ...]
    responsible: str | None
    target: R.Target | None
    entries: tuple[R.LedgerEntry, ...]  # dated on or before as_of, oldest first
    changes: tuple[R.Change, ...]
    progress: int
    last_activity: date
    done_on: date | None
    days_left: int | None  # open with a deadline still ahead (0 = due today)
    days_overdue: int | None

    @property
    def unit(self) -> str:
        return self.pledge.unit

    @property
    def id(self) -> str:
        return self.pledge.id

    @property
    def campaign(self) -> str:
        return self.pledge.campaign

    @property
    def withdrawn(self) -> R.Withdrawal | None:
        return self.pledge.withdrawn if self.state is PledgeState.WITHDRAWN else None

    @property
    def values(self) -> list[tuple[date, float]]:
        return [(e.date, e.value) for e in self.entries if e.value is not None]


@dataclass(frozen=True)
class RectView:
    rect: R.Rectification
    state: RectState
    problem: str  # the values in force on as_of (changes applied backwards)
    measures: tuple[str, ...]
    category: str | None
    source: str
    responsible: str | None
    deadline: date
    changes: tuple[R.Change, ...]  # dated on or before as_of
    updates: tuple[R.Update, ...]
    closure: R.Closure | None  # visible closure (dated on or before as_of)
    verified: bool
    notice_until: date | None  # last day objections are heard, while in notice
    objections: tuple[R.Objection, ...]
    days_overdue: int | None

    @property
    def unit(self) -> str:
        return self.rect.unit

    @property
    def id(self) -> str:
        return self.rect.id

    @property
    def campaign(self) -> str:
        return self.rect.campaign

    def resolution(self, o: R.Objection, as_of: date) -> R.Resolution | None:
        return o.resolution if o.resolution is not None and o.resolution.date <= as_of else None


@dataclass(frozen=True)
class DutyView:
    unit: str
    campaign: str
    phase: str
    kind: DutyKind
    due: date | None
    state: DutyState
    met_on: date | None = None
    every_days: int | None = None
    longest_gap: int | None = None  # ledger duty: the longest gap found, in days
    gap_pledge: str | None = None  # ledger duty: the pledge with that gap


@dataclass(frozen=True)
class IndicatorView:
    indicator: Any  # R.Indicator or R.PledgeIndicator
    target: R.Target
    points: tuple[tuple[date, float], ...]
    latest: float | None
    met: bool | None


@dataclass(frozen=True)
class Ranked:
    score: R.Score
    total: float
    rank: int
    grade: str | None


@dataclass(frozen=True)
class EvaluationView:
    evaluation: R.Evaluation
    ranking: tuple[Ranked, ...]


@dataclass
class Stats:
    pledges: Counter = field(default_factory=Counter)
    stale: int = 0
    rects: Counter = field(default_factory=Counter)
    duties: Counter = field(default_factory=Counter)
    overdue_days: int = 0  # summed over overdue pledges and problems
    max_overdue_days: int = 0

    @property
    def pledge_total(self) -> int:
        return sum(self.pledges.values())

    @property
    def rect_total(self) -> int:
        return sum(self.rects.values())

    @property
    def on_time_rate(self) -> float | None:
        """Pledges done on time among those done or past their deadline."""
        due = self.pledges[PledgeState.DONE] + self.pledges[PledgeState.DONE_LATE] + self.pledges[PledgeState.OVERDUE]
        return self.pledges[PledgeState.DONE] / due if due else None

    @property
    def closure_rate(self) -> float | None:
        """Problems finally closed (notice window over) among all problems shown."""
        total = self.rect_total
        closed = self.rects[RectState.CLOSED] + self.rects[RectState.CLOSED_LATE]
        return closed / total if total else None

    @property
    def rect_open(self) -> int:
        return self.rect_total - self.rects[RectState.CLOSED] - self.rects[RectState.CLOSED_LATE]

    @property
    def duties_missed(self) -> int:
        return self.duties[DutyState.MISSED]

    def merge(self, other: Stats) -> None:
        """Add ``other``'s figures to these (a campaign's or the site's from its units')."""
        self.pledges.update(other.pledges)
        self.stale += other.stale
        self.rects.update(other.rects)
        self.duties.update(other.duties)
        self.overdue_days += other.overdue_days
        self.max_overdue_days = max(self.max_overdue_days, other.max_overdue_days)

    def add_overdue(self, days: int | None) -> None:
        if days:
            self.overdue_days += days
            self.max_overdue_days = max(self.max_overdue_days, days)

    def as_dict(self) -> dict:
        return {
            "pledges": {s.value: self.pledges[s] for s in PledgeState},
            "pledges_stale": self.stale,
            "rectifications": {s.value: self.rects[s] for s in RectState},
            "duties": {s.value: self.duties[s] for s in DutyState},
            "on_time_rate": round_rate(self.on_time_rate),
            "closure_rate": round_rate(self.closure_rate),
            "overdue_days": self.overdue_days,
            "max_overdue_days": self.max_overdue_days,
        }


def round_rate(x: float | None) -> float | None:
    """A rate as published (open data, figures): four decimals."""
    return None if x is None else round(x, 4)


@dataclass
class Derived:
    dataset: R.Dataset
    as_of: date
    pledges: list[PledgeView]
    rectifications: list[RectView]
    duties: list[DutyView]
    indicators: dict[str, list[IndicatorView]]  # campaign id -> its indicators
    evaluations: dict[str, EvaluationView]  # published on or before as_of
    inspections: list[R.Inspection]
    reports: dict[str, dict[str, R.Report]]  # unit -> campaign -> report (submitted on or before as_of)
    participants: dict[str, list[str]]  # campaign -> unit ids
    stats: Stats  # the whole site
    unit_stats: dict[str, Stats]
    campaign_stats: dict[str, Stats]
    by_unit: dict[str, list[PledgeView]] = field(default_factory=dict)
    rects_by_unit: dict[str, list[RectView]] = field(default_factory=dict)
    duties_by_unit: dict[str, list[DutyView]] = field(default_factory=dict)

    @property
    def site(self) -> R.Site:
        return self.dataset.site

    def pledge(self, unit: str, pid: str) -> PledgeView | None:
        for p in self.by_unit.get(unit, ()):
            if p.id == pid:
                return p
        return None


# ------------------------------------------------------------------------------------------


def in_force(record: Any, name: str, current: Any, as_of: date) -> Any:
    """The value of a pledge's or rectification's field on ``as_of``: the ``from`` of the earliest
    change of that field dated after ``as_of``, else the current value.  ``from`` is typed by the
    loader (a date, a Target, a tuple of text or text), so it is returned as it is."""
    later = [c for c in record.changes if c.field == name and c.date > as_of and c.from_ is not None]
    if not later:
        return current
    return min(later, key=lambda c: c.date).from_


def pledge_view(p: R.Pledge, entries: list[R.LedgerEntry], as_of: date, stale_after: int) -> PledgeView:
    """State of one visible pledge (``published`` <= as_of); ``entries`` sorted (date, seq)."""
    entries = [e for e in entries if e.date <= as_of]
    deadline = in_force(p, "deadline", p.deadline, as_of)
    latest = entries[-1] if entries else None
    done_on = None
    if p.withdrawn is not None and p.withdrawn.date <= as_of:
        state = PledgeState.WITHDRAWN
    elif latest is not None and latest.progress == 100:
        done_on = latest.date
        state = PledgeState.DONE_LATE if deadline is not None and latest.date > deadline else PledgeState.DONE
    elif deadline is not None and deadline < as_of:
        state = PledgeState.OVERDUE
    elif latest is None:
        state = PledgeState.NOT_STARTED
    else:
        state = PledgeState.IN_PROGRESS
    last_activity = max(p.published, latest.date) if latest else p.published
    stale = state in OPEN_PLEDGE and (as_of - last_activity).days > stale_after
    open_ = state in OPEN_PLEDGE
    days_left = (deadline - as_of).days if open_ and deadline is not None and deadline >= as_of else None
    days_overdue = (as_of - deadline).days if state is PledgeState.OVERDUE else None
    target = p.indicator.target if p.indicator else None
    if p.indicator:
        target = in_force(p, "indicator", target, as_of)
    return PledgeView(
        pledge=p,
        state=state,
        stale=stale,
        title=in_force(p, "title", p.title, as_of),
        commitment=in_force(p, "commitment", p.commitment, as_of),
        deadline=deadline,
        measures=in_force(p, "measures", p.measures, as_of),
        responsible=in_force(p, "responsible", p.responsible, as_of),
        target=target,
        entries=tuple(entries),
        changes=tuple(c for c in p.changes if c.date <= as_of),
        progress=latest.progress if latest else 0,
        last_activity=last_activity,
        done_on=done_on,
        days_left=days_left,
        days_overdue=days_overdue,
    )


def rect_view(r: R.Rectification, as_of: date, notice_days: int) -> RectView:
    deadline = in_force(r, "deadline", r.deadline, as_of)
    c = r.closure if r.closure is not None and r.closure.date <= as_of else None
    verified_on = c.verified_on if c is not None and c.verified_on is not None and c.verified_on <= as_of else None
    verified = verified_on is not None
    objections = tuple(o for o in r.objections if o.date <= as_of)
    notice_until = None
    if any(o.resolution is None or o.resolution.date > as_of for o in objections):
        state = RectState.OBJECTED
    elif c is not None and verified_on is not None:
        end = verified_on + timedelta(days=notice_days)
        if as_of > end:
            state = RectState.CLOSED_LATE if c.date > deadline else RectState.CLOSED
        else:
            state = RectState.NOTICE
            notice_until = end
    elif c is not None:
        state = RectState.AWAITING
    elif deadline < as_of:
        state = RectState.OVERDUE
    else:
        state = RectState.OPEN
    return RectView(
        rect=r,
        state=state,
        problem=in_force(r, "problem", r.problem, as_of),
        measures=in_force(r, "measures", r.measures, as_of),
        category=in_force(r, "category", r.category, as_of),
        source=in_force(r, "source", r.source, as_of),
        responsible=in_force(r, "responsible", r.responsible, as_of),
        deadline=deadline,
        changes=tuple(c for c in r.changes if c.date <= as_of),
        updates=tuple(u for u in r.updates if u.date <= as_of),
        closure=c,
        verified=verified,
        notice_until=notice_until,
        objections=objections,
        days_overdue=(as_of - deadline).days if state is RectState.OVERDUE else None,
    )


def participants(c: R.Campaign, units: Mapping[str, R.UnitFolder]) -> list[str]:
    """The units (by folder) that take part in ``c``: all, or those named or of a category named."""
    if c.participants == "all":
        return list(units)
    wanted = set(c.participants)
    return [uid for uid, f in units.items() if uid in wanted or f.unit.category in wanted]


def _met_state(met_on: date | None, due: date, as_of: date) -> DutyState:
    if met_on is not None:
        return DutyState.MET if met_on <= due else DutyState.MET_LATE
    return DutyState.MISSED if as_of > due else DutyState.NOT_DUE


def ledger_duty(phase: R.Phase, every: int, views: list[PledgeView], as_of: date) -> tuple[DutyState, int | None, str | None]:
    """The ledger duty of one unit in one phase: (state, longest gap, pledge with that gap)."""
    if as_of < phase.start:
        return DutyState.NOT_DUE, None, None
    end = min(phase.end, as_of) if phase.end is not None else as_of
    worst, worst_pid = None, None
    for v in views:
        if v.state not in OPEN_PLEDGE:
            continue
        start = max(phase.start, v.pledge.published)
        if start > end:
            continue
        prev = start
        longest = 0
        for e in v.entries:
            if e.date < start:
                continue
            if e.date > end:
                break
            longest = max(longest, (e.date - prev).days)
            prev = e.date
        longest = max(longest, (end - prev).days)
        if worst is None or longest > worst:
            worst, worst_pid = longest, v.id
    state = DutyState.MISSED if worst is not None and worst > every else DutyState.MET
    return state, worst, worst_pid


def indicator_view(ind: Any, target: R.Target, points: Iterable[tuple[date, float]], as_of: date) -> IndicatorView:
    pts = tuple(sorted((d, v) for d, v in points if d <= as_of))
    latest = pts[-1][1] if pts else None
    return IndicatorView(ind, target, pts, latest, None if latest is None else target.met(latest))


def rank(e: R.Evaluation) -> tuple[Ranked, ...]:
    w = e.weights
    rows = []
    for s in e.scores:
        total = round((s.self * w.self + s.social * w.social + s.leadership * w.leadership) / 100, 2)
        grade = next((g.name for g in e.grades if total >= g.min), None)
        rows.append((total, s, grade))
    rows.sort(key=lambda t: -t[0])
    out: list[Ranked] = []
    for i, (total, s, grade) in enumerate(rows):
        rank_ = out[-1].rank if out and out[-1].total == total else i + 1
        out.append(Ranked(s, total, rank_, grade))
    return tuple(out)


@dataclass(frozen=True)
class _UnitPart:
    """What one unit contributes to the view: made once per unit, reused while its records are the same."""

    pledges: tuple[PledgeView, ...]
    rects: tuple[RectView, ...]
    reports: dict[str, R.Report]
    duties: dict[str, tuple[DutyView, ...]]  # campaign -> its duties of this unit, phase by phase
    stats: Stats  # the unit's figures
    by_campaign: dict[str, Stats]  # its share of each campaign's figures


def derive(ds: R.Dataset, as_of: date, reuse: Reuse | None = None) -> Derived:
    """The view of ``ds`` on ``as_of``; ``reuse`` keeps each unit's part between loads (the preview)."""
    site = ds.site
    parts = {cid: participants(c, ds.units) for cid, c in ds.campaigns.items()}
    joins: dict[str, list[str]] = defaultdict(list)  # unit -> the campaigns it takes part in
    for cid, uids in parts.items():
        for uid in uids:
            joins[uid].append(cid)
    table = reuse.table("derive") if reuse is not None else fresh()
    around = (as_of, site.stale_after_days, site.closure_notice_days)

    pledges: list[PledgeView] = []
    rects: list[RectView] = []
    by_unit: dict[str, list[PledgeView]] = {}
    rects_by_unit: dict[str, list[RectView]] = {}
    duties_by_unit: dict[str, list[DutyView]] = {}
    reports: dict[str, dict[str, R.Report]] = {}
    unit_stats: dict[str, Stats] = {}
    campaign_stats: dict[str, Stats] = {cid: Stats() for cid in ds.campaigns}
    made: dict[str, _UnitPart] = {}
    for uid, f in ds.units.items():
        mine = tuple(joins.get(uid, ()))
        part = made[uid] = table.get(uid, partial(_unit_part, uid, f, ds, mine, as_of),
                                     objects=(f.pledges, f.ledger, f.rectifications, *f.reports.values(),
                                              *(ds.campaigns[cid] for cid in mine)),
                                     values=(around, mine, tuple(f.reports)))
        by_unit[uid] = list(part.pledges)
        pledges.extend(part.pledges)
        rects_by_unit[uid] = list(part.rects)
        rects.extend(part.rects)
        reports[uid] = dict(part.reports)
        if any(part.duties.values()):
            duties_by_unit[uid] = [dv for cid in mine for dv in part.duties[cid]]
        unit_stats[uid] = part.stats
        for cid, s in part.by_campaign.items():
            if cid in campaign_stats:
                campaign_stats[cid].merge(s)
    total = Stats()
    for s in unit_stats.values():
        total.merge(s)
    # Duties campaign by campaign, then unit by unit, as the campaign's pages read them.
    duties = [dv for cid, uids in parts.items() for uid in uids for dv in made[uid].duties[cid]]

    indicators = {
        cid: [indicator_view(i, i.target, ((m.date, m.value) for m in i.measurements), as_of) for i in c.indicators]
        for cid, c in ds.campaigns.items()
    }
    evaluations = {cid: EvaluationView(e, rank(e)) for cid, e in ds.evaluations.items() if e.published <= as_of}

    return Derived(
        dataset=ds,
        as_of=as_of,
        pledges=pledges,
        rectifications=rects,
        duties=duties,
        indicators=indicators,
        evaluations=evaluations,
        inspections=sorted((i for i in ds.inspections if i.date <= as_of), key=lambda i: (i.date, i.id), reverse=True),
        reports=reports,
        participants=parts,
        stats=total,
        unit_stats=unit_stats,
        campaign_stats=campaign_stats,
        by_unit=by_unit,
        rects_by_unit=rects_by_unit,
        duties_by_unit=duties_by_unit,
    )


def _unit_part(uid: str, f: R.UnitFolder, ds: R.Dataset, joined: tuple[str, ...], as_of: date) -> _UnitPart:
    site = ds.site
    by_pledge: dict[str, list[R.LedgerEntry]] = defaultdict(list)
    for e in f.ledger:
        by_pledge[e.pledge].append(e)
    for lst in by_pledge.values():
        lst.sort(key=lambda e: (e.date, e.seq))
    views = tuple(pledge_view(p, by_pledge.get(p.id, []), as_of, site.stale_after_days)
                  for p in f.pledges if p.published <= as_of)
    rv = tuple(rect_view(r, as_of, site.closure_notice_days) for r in f.rectifications if r.found <= as_of)
    reports = {c: r for c, r in f.reports.items() if r.submitted <= as_of}

    duties: dict[str, list[DutyView]] = {}
    for cid in joined:
        c = ds.campaigns[cid]
        mine = [v for v in views if v.campaign == cid]
        out = duties[cid] = []
        for ph in c.phases:
            for d in ph.duties:
                if d.kind is DutyKind.LEDGER:
                    state, gap, gap_pid = ledger_duty(ph, d.every_days or 0, mine, as_of)
                    out.append(DutyView(uid, cid, ph.id, d.kind, None, state, every_days=d.every_days,
                                        longest_gap=gap, gap_pledge=gap_pid))
                    continue
                if d.due is None:
                    continue  # reported by validation
                if d.kind is DutyKind.PLEDGES:
                    dates = [v.pledge.published for v in mine]
                elif d.kind is DutyKind.PROBLEMS:
                    dates = [r.rect.found for r in rv if r.campaign == cid]
                else:
                    rep = reports.get(cid)
                    dates = [rep.submitted] if rep else []
                met_on = min(dates) if dates else None
                out.append(DutyView(uid, cid, ph.id, d.kind, d.due, _met_state(met_on, d.due, as_of), met_on))

    stats = Stats()
    by_campaign: dict[str, Stats] = defaultdict(Stats)
    for v in views:
        for s in (stats, by_campaign[v.campaign]):
            s.pledges[v.state] += 1
            s.stale += v.stale
            s.add_overdue(v.days_overdue)
    for r in rv:
        for s in (stats, by_campaign[r.campaign]):
            s.rects[r.state] += 1
            s.add_overdue(r.days_overdue)
    for cid, dvs in duties.items():
        for dv in dvs:
            for s in (stats, by_campaign[cid]):
                s.duties[dv.state] += 1
    return _UnitPart(views, rv, reports, {cid: tuple(dvs) for cid, dvs in duties.items()}, stats, dict(by_campaign))


def pledge_indicator(v: PledgeView, as_of: date) -> IndicatorView | None:
    if v.pledge.indicator is None or v.target is None:
        return None
    return indicator_view(v.pledge.indicator, v.target, v.values, as_of)
