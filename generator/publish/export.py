"""Open data: the CSV tables and ``gongshi.json`` of contract §5, from the derived view.

One function builds the rows; the CSV files, the JSON export and the data package all take
their columns from it, so the three never disagree.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from generator import __version__
from generator.model.records import PledgeState
from generator.model.serial import to_json
from generator.view.derive import Derived, round_rate
from generator.view.tables import COLUMNS


def _d(v) -> str | None:
    return v.isoformat() if v is not None else None


def rows(view: Derived) -> dict[str, list[dict[str, Any]]]:
    """Every public record as one flat row per table (values are str, int, float, bool or None)."""
    ds = view.dataset
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in COLUMNS}
    for uid, f in ds.units.items():
        u = f.unit
        s = view.unit_stats.get(uid)
        out["units"].append({
            "id": uid, "name": u.name, "short_name": u.short_name, "category": u.category, "head": u.head,
            "service_officer": u.service_officer,
            "phone": u.contact.phone if u.contact else None, "address": u.contact.address if u.contact else None,
            "notice_location": u.notice_location,
            "pledges": s.pledge_total if s else 0,
            "pledges_overdue": s.pledges[_state("OVERDUE")] if s else 0,
            "pledges_stale": s.stale if s else 0,
            "rectifications": s.rect_total if s else 0,
            "rectifications_open": s.rect_open if s else 0,
            "duties_missed": s.duties_missed if s else 0,
            "on_time_rate": round_rate(s.on_time_rate) if s else None,
            "closure_rate": round_rate(s.closure_rate) if s else None,
            "url": f"units/{uid}/",
        })
    for v in view.pledges:
        p = v.pledge
        out["pledges"].append({
            "unit": v.unit, "id": v.id, "campaign": v.campaign, "state": v.state.value, "stale": v.stale,
            "title": v.title, "published": _d(p.published), "deadline": _d(v.deadline), "responsible": v.responsible,
            "progress": v.progress, "last_activity": _d(v.last_activity), "done_on": _d(v.done_on),
            "days_left": v.days_left, "days_overdue": v.days_overdue,
            "withdrawn_on": _d(v.withdrawn.date) if v.withdrawn else None,
            "withdrawn_why": v.withdrawn.why if v.withdrawn else None,
            "changes_count": len(v.changes), "url": f"units/{v.unit}/{v.id}/",
        })
        for e in v.entries:
            out["ledger"].append({
                "unit": e.unit, "pledge": e.pledge, "date": _d(e.date), "progress": e.progress, "note": e.note,
                "evidence": " ".join(e.evidence) or None, "value": e.value, "correction": e.correction, "seq": e.seq,
            })
    for r in view.rectifications:
        x = r.rect
        c = r.closure
        out["rectifications"].append({
            "unit": r.unit, "id": r.id, "campaign": r.campaign, "state": r.state.value, "found": _d(x.found),
            "source": r.source, "inspection": x.inspection, "category": r.category, "deadline": _d(r.deadline),
            "responsible": r.responsible, "closed_on": _d(c.date) if c else None,
            "verified_by": c.verified_by if c and r.verified else None,
            "verified_on": _d(c.verified_on) if c and r.verified else None,
            "notice_until": _d(r.notice_until), "objections_count": len(r.objections),
            "objections_open": sum(1 for o in r.objections if r.resolution(o, view.as_of) is None),
            "days_overdue": r.days_overdue, "url": f"units/{r.unit}/rectifications/#{r.id}",
        })
    for d in view.duties:
        out["duties"].append({
            "unit": d.unit, "campaign": d.campaign, "phase": d.phase, "kind": d.kind.value, "due": _d(d.due),
            "state": d.state.value, "met_on": _d(d.met_on), "every_days": d.every_days, "longest_gap": d.longest_gap,
        })
    return out


def _state(name: str):

    return PledgeState[name]


def csv_bytes(table: str, table_rows: list[dict[str, Any]]) -> bytes:
    """UTF-8 with BOM (so that Excel shows Chinese), CRLF line ends as RFC 4180 says."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    cols = COLUMNS[table]
    w.writerow(cols)
    for row in table_rows:
        w.writerow(["" if row.get(c) is None else _cell(row.get(c)) for c in cols])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# A text cell that begins with one of these is read as a formula by Excel and its kin, which the
# CSV files are written for (UTF-8 with BOM): such text gets a leading apostrophe, as OWASP advises.
# gongshi.json keeps every text as written.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return str(v)


def gongshi_json(view: Derived, table_rows: dict[str, list[dict[str, Any]]] | None = None) -> dict:
    """Everything public as of ``view.as_of``: each record is its CSV row plus its own fields."""
    table_rows = table_rows or rows(view)
    ds = view.dataset

    def merged(row: dict, rec) -> dict:
        own = to_json(rec)
        own.update({k: v for k, v in row.items() if v is not None})
        return own

    units = [merged(row, ds.units[row["id"]].unit) for row in table_rows["units"]]
    pledges = [merged(row, v.pledge) for row, v in zip(table_rows["pledges"], view.pledges, strict=True)]
    rects = []
    for row, r in zip(table_rows["rectifications"], view.rectifications, strict=True):
        # Only what is public as of the view: later updates, closures and objections stay out.
        rec = to_json(r.rect)
        rec.pop("closure", None)
        rec["updates"] = [to_json(u) for u in r.updates]
        if r.closure is not None:
            c = to_json(r.closure)
            if not r.verified:
                c.pop("verified_by", None)
                c.pop("verified_on", None)
            rec["closure"] = c
        rec["objections"] = [_objection(o, view) for o in r.objections]
        rec.update({k: v for k, v in row.items() if v is not None})
        rects.append(rec)
    return {
        "as_of": view.as_of.isoformat(),
        "generator": f"gongshi {__version__}",
        "site": to_json(ds.site),
        "campaigns": [to_json(c) for c in ds.campaigns.values()],
        "units": units,
        "pledges": pledges,
        "ledger": table_rows["ledger"],
        "rectifications": rects,
        "duties": table_rows["duties"],
        "inspections": [to_json(i) for i in view.inspections],
        "evaluations": [to_json(e.evaluation) for e in view.evaluations.values()],
    }


def _objection(o, view: Derived) -> dict:
    d = to_json(o)
    if o.resolution is not None and o.resolution.date > view.as_of:
        d.pop("resolution", None)
    return d
