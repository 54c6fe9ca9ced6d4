"""load → validate → derive, as one call for the CLI, the MkDocs plugin and the tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.check.validate import validate
from generator.model import records as R
from generator.model.errors import Level, Problem, Problems
from generator.model.load import Declared, Memo, Source, load
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
          source: Source | None = None, memo: Memo | None = None) -> Checked:
    """Read, validate and derive a project; ``today`` defaults to the real today of the site.
    ``memo`` keeps the converted files so that ``check --base`` converts only the base's differing files."""
    problems = Problems()
    ds, declared = load(source or Source(Path(root)), problems, memo)
    if today is None:
        today = today_in(ds.site.timezone)
    validate(ds, declared, today, problems)
    view = derive(ds, as_of or today)
    for v in view.pledges:
        if v.stale:
            p = v.pledge
            problems.warning(*p.loc.at("id"),
                             f"承诺“{v.title}”久未更新：最近一次进展在 {v.last_activity}，已超过 {ds.site.stale_after_days} 天没有台账记录")
    return Checked(ds, declared, problems.sorted(), view, today, memo)
