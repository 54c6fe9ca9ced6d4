"""load → validate → derive, as one call for the CLI, the MkDocs plugin and the tests."""

from __future__ import annotations

import bisect
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.check.validate import validate
from generator.model import records as R
from generator.model.errors import Level, Problem, Problems
from generator.model.load import Declared, Memo, Source, load
from generator.model.reuse import Reuse
from generator.view.derive import Derived, derive


@dataclass
class Checked:
    dataset: R.Dataset
    declared: Declared
    problems: list[Problem]
    derived: Derived
    today: date
    memo: Memo | None = None  # the files as converted, for a second load of an earlier revision (check --base)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.WARNING]


def today_in(timezone: str | None) -> date:
    """The real today where the site is; the only place that reads the clock."""
    try:
        tz = ZoneInfo(timezone or "Asia/Shanghai")
    except Exception:
        tz = ZoneInfo("Asia/Shanghai")
    return datetime.now(tz).date()


class AsOfError(ValueError):
    pass


def parse_as_of(text: str | None) -> date | None:
    """--as-of or GONGSHI_AS_OF (the flag wins); None means today."""
    text = text or os.environ.get("GONGSHI_AS_OF") or None
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise AsOfError(f"日期“{text}”无效：请写成 YYYY-MM-DD，如 2026-06-30") from None


def check(root: Path | str, as_of: date | None = None, today: date | None = None,
          source: Source | None = None, data_dir: str = "data", memo: Memo | None = None,
          reuse: Reuse | None = None) -> Checked:
    """Read, validate and derive a project whose data folder is ``data_dir`` (relative to ``root``);
    ``today`` defaults to the real today of the site.  ``memo`` keeps the converted files so that
    ``check --base`` converts only the base's differing files; ``reuse`` keeps each unit's results
    from the previous call (the preview, with a :class:`CachedSource`)."""
    problems = Problems()
    ds, declared = load(source or Source(Path(root), data_dir), problems, memo)
    if today is None:
        today = today_in(ds.site.timezone)
    validate(ds, declared, today, problems, reuse)
    view = derive(ds, as_of or today, reuse)
    quiet = _broken_ledgers(problems.errors, ds, declared)
    for v in view.pledges:
        if v.stale and not _held_back(quiet, v.pledge):
            p = v.pledge
            problems.warning(*p.loc.at("id"),
                             f"承诺“{v.title}”久未更新：最近一次进展在 {v.last_activity}，已超过 {ds.site.stale_after_days} 天没有台账记录")
    return Checked(ds, declared, problems.sorted(), view, today, memo)


_ALL = None  # every pledge of the unit
_ENTRY_KEY = re.compile(r"ledger\[(\d+)\]")


def _broken_ledgers(errors: list[Problem], ds: R.Dataset, declared: Declared) -> dict[str, set[str] | None]:
    """Per unit, the pledges whose ledger entries have errors (None: all of them, the file did not parse).

    An entry that is wrong or left out (a syntax error drops the whole file) would make its pledge
    look 久未更新; the clerk gets the error, not a warning that goes away once it is fixed.
    """
    out: dict[str, set[str] | None] = {}
    items: dict[str, tuple[dict[int, tuple[int, str | None]], list[int]]] = {}
    for p in errors:
        inside = p.path.removeprefix(f"{ds.data_dir}/units/")
        parts = inside.split("/")
        if inside == p.path or len(parts) != 2 or parts[1] != "ledger.yaml":
            continue
        uid = parts[0]
        if uid in out and out[uid] is _ALL:
            continue
        raw = declared.ledger_items.get(uid, ())
        if raw is None or uid not in ds.units:
            out[uid] = _ALL
            continue
        if uid not in items:
            by_seq: dict[int, tuple[int, str | None]] = (
                dict(enumerate(raw)) if raw else {e.seq: (e.loc.line, e.pledge) for e in ds.units[uid].ledger})
            items[uid] = (by_seq, sorted(line for line, _ in by_seq.values()))
        by_seq, lines = items[uid]
        m = _ENTRY_KEY.match(p.key)
        if m and int(m.group(1)) in by_seq:
            pledge = by_seq[int(m.group(1))][1]
        else:  # a problem with a line only: the entry that starts at or above it
            i = bisect.bisect_right(lines, p.line) - 1
            pledge = next((pl for ln, pl in by_seq.values() if i >= 0 and ln == lines[i]), None)
        if pledge is None:
            out[uid] = _ALL
        else:
            out.setdefault(uid, set()).add(pledge)  # type: ignore[union-attr]
    return out


def _held_back(quiet: dict[str, set[str] | None], pledge: R.Pledge) -> bool:
    if pledge.unit not in quiet:
        return False
    held = quiet[pledge.unit]
    return held is _ALL or pledge.id in held
