"""Checks, view and events under ``gongshi serve``: each unit's results are reused while its records
are the same, and every load equals a fresh one of the same data."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from helpers import FILES, make_project, write

from generator.model.load import CachedSource
from generator.model.reuse import Reuse
from generator.view.events import events
from generator.view.pipeline import Checked, check

AS_OF = date(2025, 6, 1)
STAGES = ("validate", "derive", "events")


def _fresh(root: Path, today: date = AS_OF) -> tuple[Checked, list]:
    res = check(root, AS_OF, today=today)
    return res, events(res.derived)


def _same(a: tuple[Checked, list], b: tuple[Checked, list]) -> None:
    (x, ex), (y, ey) = a, b
    assert x.problems == y.problems
    vx, vy = x.derived, y.derived
    for name in ("pledges", "rectifications", "duties", "by_unit", "rects_by_unit", "duties_by_unit", "reports",
                 "participants", "indicators", "evaluations"):
        assert getattr(vx, name) == getattr(vy, name), name
    assert vx.stats.as_dict() == vy.stats.as_dict()
    for name in ("unit_stats", "campaign_stats"):
        assert {k: s.as_dict() for k, s in getattr(vx, name).items()} == {k: s.as_dict() for k, s in getattr(vy, name).items()}
    assert ex == ey


class Preview:
    """What the preview keeps between edits: the parsed files and the per-unit results."""

    def __init__(self, root: Path):
        self.root = root
        self.source = CachedSource(root)
        self.reuse = Reuse()

    def load(self, today: date = AS_OF) -> tuple[Checked, list]:
        res = check(self.root, AS_OF, today=today, source=self.source, reuse=self.reuse)
        return res, events(res.derived, self.reuse)

    def made(self) -> dict[str, int]:
        return {s: self.reuse.made(s) for s in STAGES}


def _save(root: Path, rel: str, text: str) -> None:
    """As an editor saves: a new file put in place (a new inode, so the cache sees it whatever the clock)."""
    tmp = root / (rel + ".saving")
    write(root, rel + ".saving", text)
    os.replace(tmp, root / rel)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


def test_an_unchanged_project_reuses_every_unit(project):
    pv = Preview(project)
    first = pv.load()
    assert pv.made() == {"validate": 2, "derive": 2, "events": 2}
    again = pv.load()
    assert pv.made() == {"validate": 0, "derive": 0, "events": 0}
    _same(again, first)
    _same(again, _fresh(project))


def test_one_units_edit_recomputes_that_unit_only(project):
    pv = Preview(project)
    pv.load()
    _save(project, "data/units/fgw/ledger.yaml", FILES["data/units/fgw/ledger.yaml"]
          + "- date: 2025-05-20\n  pledge: wangban\n  progress: 60\n  note: 预览追加的进展。\n")
    res = pv.load()
    assert pv.made() == {"validate": 1, "derive": 1, "events": 1}
    _same(res, _fresh(project))
    assert any("预览追加的进展" in e.summary for e in res[1])


def test_an_error_in_one_unit_and_its_fix(project):
    pv = Preview(project)
    pv.load()
    good = FILES["data/units/swj/ledger.yaml"]
    _save(project, "data/units/swj/ledger.yaml", good + "- date: 2025-05-20\n  pledge: nosuch\n  progress: 5\n  note: 写错了承诺。\n")
    broken = pv.load()
    assert any(p.path == "data/units/swj/ledger.yaml" and "nosuch" in p.message for p in broken[0].errors)
    _same(broken, _fresh(project))
    _save(project, "data/units/swj/ledger.yaml", good)
    fixed = pv.load()
    assert not fixed[0].errors
    _same(fixed, _fresh(project))


def test_what_spans_units_recomputes_them_all(project):
    pv = Preview(project)
    pv.load()
    # A phase's end moves: every unit's duties change, the rules of their own files do not.
    rel = "data/campaigns/zhudong-fuwu.yaml"
    text = (project / rel).read_text(encoding="utf-8")
    assert "end: 2025-01-31" in text
    _save(project, rel, text.replace("end: 2025-01-31", "end: 2025-01-25", 1))
    res = pv.load()
    assert pv.made() == {"validate": 0, "derive": 2, "events": 2}  # events: made from the new views
    _same(res, _fresh(project))
    # A new day: every date rule runs again.
    later = pv.load(today=date(2025, 6, 2))
    assert pv.made()["validate"] == 2
    _same(later, _fresh(project, today=date(2025, 6, 2)))


def test_a_unit_added_renamed_and_removed(project):
    pv = Preview(project)
    pv.load()
    write(project, "data/units/xin/unit.yaml", "id: xin\nname: 县新建中心\ncategory: 乡镇政府\n")
    res = pv.load()
    assert pv.made() == {"validate": 1, "derive": 1, "events": 1}
    _same(res, _fresh(project))
    unit = (project / "data/units/swj/unit.yaml").read_text(encoding="utf-8")
    _save(project, "data/units/swj/unit.yaml", unit.replace("县税务局", "县税务局（更名）"))
    res = pv.load()
    assert pv.made()["events"] == 1  # the unit's name is in its events' titles
    assert any(e.title.startswith("县税务局（更名）：") for e in res[1])
    _same(res, _fresh(project))
    for f in sorted((project / "data/units/xin").iterdir()):
        f.unlink()
    (project / "data/units/xin").rmdir()
    _same(pv.load(), _fresh(project))
