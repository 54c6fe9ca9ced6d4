"""The published manifest, ``/data/manifest.json``: a SHA-256 fingerprint of every public record.

Each build lists every record of ``/data/gongshi.json`` under a stable key, with the SHA-256
(:func:`generator.model.serial.digest`) of the record's *own* fields — what an editor wrote, as far as it
is public on the build date — never its derived state, so a pledge turning 逾期 at midnight is not
a "change".  The manifest also holds the hash of the manifest it follows (``previous``) and its own
hash over everything else (``hash``), so the published manifests form a chain: anyone who kept
an old one can prove what the site said then, and that nothing was rewritten since.

Record keys::

    site                                  campaign:<id>
    unit:<id>                             pledge:<unit>/<id>
    ledger:<unit>/<pledge>/<date>/<n>     (n: 0-based position among that pledge's entries of that day)
    rectification:<unit>/<id>             inspection:<id>
    evaluation:<campaign>

How to call it (the site build does this in :func:`generator.publish.files.static_files`)::

    data = export.gongshi_json(view)                       # what /data/gongshi.json holds
    previous = json.loads(Path(prev).read_text("utf-8"))   # the live site's /data/manifest.json,
                                                           # fetched before the build; None for the first
    manifest = build_manifest(data, previous)
    # write it as /data/manifest.json next to gongshi.json

:func:`verify_chain` checks a series of manifests (oldest first), :func:`verify_export` checks a
gongshi.json against its manifest, and :func:`changed` lists what differs between two builds.
The same reading of gongshi.json back into own fields (:func:`export_records`) serves
``gongshi check --base-export``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from generator.model import records as R
from generator.model.serial import _SKIP, _UNIT_FROM_FOLDER, digest

FORMAT = "gongshi-manifest/1"


def _own_names(cls) -> tuple[str, ...]:
    return tuple("from" if f.name == "from_" else f.name for f in dataclasses.fields(cls)
                 if f.name not in _SKIP and not (f.name == "unit" and issubclass(cls, _UNIT_FROM_FOLDER)))


OWN: dict[str, tuple[str, ...]] = {
    "site": _own_names(R.Site),
    "campaign": _own_names(R.Campaign),
    "unit": _own_names(R.Unit),
    "pledge": _own_names(R.Pledge),
    "ledger": _own_names(R.LedgerEntry),
    "rectification": _own_names(R.Rectification),
    "inspection": _own_names(R.Inspection),
    "evaluation": _own_names(R.Evaluation),
}

# Own fields that the export writes as lists, but whose key an open-data column may also use
# (pledges.csv ``changes`` and rectifications.csv ``objections`` are counts): when the export
# holds the count, the list is unknown, not empty.
_LISTS = {"pledge": ("changes", "measures", "tags"), "rectification": ("objections", "updates", "measures")}


def norm(value: Any) -> Any:
    """JSON values in one canonical form: integral floats as ints, tuples as lists, no None in maps."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [norm(v) for v in value]
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items() if v is not None and v != [] and v != {}}
    return value


def _own(kind: str, rec: dict) -> tuple[dict, frozenset[str]]:
    own = {}
    unknown = set()
    for name in OWN[kind]:
        if name not in rec:
            continue
        v = rec[name]
        if name in _LISTS.get(kind, ()) and not isinstance(v, list):
            unknown.add(name)
            continue
        own[name] = v
    return norm(own), frozenset(unknown)


def export_records(data: dict) -> dict[str, tuple[dict, frozenset[str]]]:
    """Every public record of a gongshi.json, by manifest key: (own fields, own fields it cannot tell).

    The own fields are those of :func:`generator.model.serial.to_json` of the record, normalised with
    :func:`norm`, so that they compare equal to the same record read from ``data/``.
    """
    out: dict[str, tuple[dict, frozenset[str]]] = {}
    if isinstance(data.get("site"), dict):
        out["site"] = _own("site", data["site"])
    for c in data.get("campaigns") or ():
        out[f"campaign:{c.get('id')}"] = _own("campaign", c)
    for u in data.get("units") or ():
        out[f"unit:{u.get('id')}"] = _own("unit", u)
    for p in data.get("pledges") or ():
        out[f"pledge:{p.get('unit')}/{p.get('id')}"] = _own("pledge", p)
    rows = sorted(data.get("ledger") or (), key=lambda r: (str(r.get("unit")), r.get("seq") or 0))
    count: dict[tuple, int] = {}
    for row in rows:
        rec = dict(row)
        ev = rec.get("evidence")
        if isinstance(ev, str):
            rec["evidence"] = ev.split()
        group = (row.get("unit"), row.get("pledge"), row.get("date"))
        n = count.get(group, 0)
        count[group] = n + 1
        out[f"ledger:{row.get('unit')}/{row.get('pledge')}/{row.get('date')}/{n}"] = _own("ledger", rec)
    for r in data.get("rectifications") or ():
        out[f"rectification:{r.get('unit')}/{r.get('id')}"] = _own("rectification", r)
    for i in data.get("inspections") or ():
        out[f"inspection:{i.get('id')}"] = _own("inspection", i)
    for e in data.get("evaluations") or ():
        out[f"evaluation:{e.get('campaign')}"] = _own("evaluation", e)
    return out


def record_hashes(data: dict) -> dict[str, str]:
    """Manifest key → SHA-256 of the record's own fields, sorted by key."""
    return {k: digest(own) for k, (own, _unknown) in sorted(export_records(data).items())}


def _self_hash(manifest: dict) -> str:
    return digest({k: v for k, v in manifest.items() if k != "hash"})


def build_manifest(gongshi_json: dict, previous: dict | None, records: dict[str, str] | None = None) -> dict:
    """The manifest of one build: ``gongshi_json`` is what /data/gongshi.json holds for it,
    ``previous`` the manifest published by the build before (None for the first build);
    ``records`` is :func:`record_hashes` of it when the caller has them already."""
    records = record_hashes(gongshi_json) if records is None else records
    m: dict[str, Any] = {
        "format": FORMAT,
        "algorithm": "sha256",
        "as_of": gongshi_json.get("as_of"),
        "generator": gongshi_json.get("generator"),
        "previous": previous.get("hash") if previous else None,
        "previous_as_of": previous.get("as_of") if previous else None,
        "count": len(records),
        "records": records,
    }
    m["hash"] = _self_hash(m)
    return m


def verify_chain(manifests: Iterable[dict]) -> list[str]:
    """Problems with a series of manifests, oldest first: a manifest whose content does not match
    its own hash, or whose ``previous`` is not the hash of the one before it."""
    problems: list[str] = []
    prev = None
    for i, m in enumerate(manifests):
        name = f"第 {i + 1} 个清单（{m.get('as_of', '日期不明')}）"
        if m.get("format") != FORMAT:
            problems.append(f"{name}不是 {FORMAT} 格式")
        if m.get("hash") != _self_hash(m):
            problems.append(f"{name}的内容与它的 hash 不符：清单在发布后被改动过")
        if not isinstance(m.get("records"), dict) or m.get("count") != len(m.get("records") or {}):
            problems.append(f"{name}的记录数与 count 不符")
        if prev is not None:
            if m.get("previous") != prev.get("hash"):
                problems.append(f"{name}的 previous 不是前一个清单的 hash：链条在这里断开")
            if str(m.get("as_of") or "") < str(prev.get("as_of") or ""):
                problems.append(f"{name}的日期早于前一个清单（{prev.get('as_of')}）")
        prev = m
    return problems


def verify_export(manifest: dict, gongshi_json: dict) -> list[str]:
    """Problems where a gongshi.json does not hold the records its manifest lists."""
    problems: list[str] = []
    listed = manifest.get("records") or {}
    actual = record_hashes(gongshi_json)
    for key in sorted(set(listed) | set(actual)):
        if key not in actual:
            problems.append(f"记录 {key} 在清单中，但不在 gongshi.json 中")
        elif key not in listed:
            problems.append(f"记录 {key} 在 gongshi.json 中，但不在清单中")
        elif listed[key] != actual[key]:
            problems.append(f"记录 {key} 的内容与清单中的 SHA-256 不符：记录被改动过")
    return problems


def changed(old: dict | None, new: dict) -> dict[str, list[str]]:
    """What differs between two manifests: keys ``added``, ``changed`` and ``removed``, each sorted."""
    a = (old or {}).get("records") or {}
    b = new.get("records") or {}
    return {
        "added": sorted(set(b) - set(a)),
        "changed": sorted(k for k in set(a) & set(b) if a[k] != b[k]),
        "removed": sorted(set(a) - set(b)),
    }
