"""The exact readings of contract §3 and §3a: states, flags and duties as of a date.

Each group below writes one small project (every date in 2025, so the real clock never
matters), checks that it is valid, then derives the view at the dates that matter.
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers import checked, d, write

from generator.model.records import DutyKind, DutyState, PledgeState, RectState
from generator.view.derive import derive

P, RS, DS = PledgeState, RectState, DutyState


def _site(stale: int = 10, notice: int = 7) -> dict:
    return {"title": "测试县", "owner": "测试县政府", "stale_after_days": stale, "closure_notice_days": notice,
            "oversight": {"hotline": "12345"}}


def _campaign(cid: str, phases: list[dict]) -> dict:
    return {"id": cid, "title": f"活动 {cid}", "organizer": "县领导小组", "phases": phases}


def pledge(pid: str, published: str, deadline: str | None = None, campaign: str = "c1", **kw) -> dict:
    out = {"id": pid, "campaign": campaign, "title": f"承诺 {pid}", "commitment": "承诺内容。", "published": d(published)}
    if deadline:
        out["deadline"] = d(deadline)
    out.update(kw)
    return out


def entry(pid: str, on: str, progress: int, **kw) -> dict:
    return {"date": d(on), "pledge": pid, "progress": progress, "note": "做了工作。", **kw}


def rect(rid: str, found: str, deadline: str, closed: str | None = None, verified: str | None = None,
         objections: list | None = None, campaign: str = "c1") -> dict:
    out = {"id": rid, "campaign": campaign, "found": d(found), "source": "自查", "problem": "问题。",
           "measures": ["整改"], "deadline": d(deadline)}
    if closed:
        out["closure"] = {"date": d(closed), "summary": "已整改。"}
        if verified:
            out["closure"].update(verified_by="县督查室", verified_on=d(verified))
    if objections:
        out["objections"] = objections
    return out


def objection(on: str, resolved: str | None = None) -> dict:
    out = {"date": d(on), "summary": "群众有异议。"}
    if resolved:
        out["resolution"] = {"date": d(resolved), "summary": "已答复。"}
    return out


def build(root, units: dict[str, dict], campaigns: dict[str, list[dict]], site: dict | None = None,
          evaluation: dict | None = None):
    """Write the project and return its dataset, failing on any data error."""
    write(root, "data/site.yaml", site or _site())
    for cid, phases in campaigns.items():
        write(root, f"data/campaigns/{cid}.yaml", _campaign(cid, phases))
    for uid, u in units.items():
        write(root, f"data/units/{uid}/unit.yaml", {"id": uid, "name": f"单位 {uid}", "category": "其他"})
        for name in ("pledges", "ledger", "rectifications"):
            if u.get(name):
                write(root, f"data/units/{uid}/{name}.yaml", u[name])
        for cid, submitted in (u.get("reports") or {}).items():
            write(root, f"data/units/{uid}/reports/{cid}.md", f"---\ntitle: 总结\nsubmitted: {submitted}\n---\n\n总结。\n")
    if evaluation:
        write(root, f"data/evaluations/{evaluation['campaign']}.yaml", evaluation)
    res = checked(root)
    assert res.errors == [], "\n".join(p.text() for p in res.errors)
    return res.dataset


ONE_PHASE = {"c1": [{"id": "p1", "name": "实施", "start": d("2025-01-01")}],
             "c2": [{"id": "p1", "name": "实施", "start": d("2025-01-01")}]}


# ---- pledges (§3) ---------------------------------------------------------------------------

PLEDGE_UNITS = {
    "aa": {
        "pledges": [
            pledge("a", "2025-03-01", "2025-03-31"),
            pledge("b", "2025-03-01", "2025-03-15"),
            pledge("c", "2025-03-01", "2025-03-31"),
            pledge("w", "2025-03-01", "2025-03-05", withdrawn={"date": d("2025-03-10"), "why": "合并。"}),
            pledge("w2", "2025-03-01", "2025-03-31", withdrawn={"date": d("2025-03-10"), "why": "合并。"}),
            pledge("e", "2025-03-01"),
            pledge("f", "2025-03-01", "2025-12-31"),
            pledge("g", "2025-03-10", "2025-12-31"),
            pledge("h", "2025-03-01", "2025-03-15"),
            pledge("i", "2025-03-01", "2025-12-31"),
            pledge("j", "2025-03-01", "2025-12-31"),
            pledge("k", "2025-03-01", "2025-12-31"),
            pledge("m", "2025-03-01", "2025-04-30", changes=[
                {"date": d("2025-04-10"), "field": "deadline", "from": d("2025-03-31"), "to": d("2025-04-30"), "why": "延期。"}]),
            pledge("n", "2025-03-01", "2025-04-30", changes=[
                {"date": d("2025-04-10"), "field": "deadline", "from": d("2025-03-31"), "to": d("2025-04-30"), "why": "延期。"}]),
            pledge("o", "2025-03-01", "2025-05-31", changes=[  # written latest first: order in the file must not matter
                {"date": d("2025-05-10"), "field": "deadline", "from": d("2025-04-30"), "to": d("2025-05-31"), "why": "再延期。"},
                {"date": d("2025-04-10"), "field": "deadline", "from": d("2025-03-31"), "to": d("2025-04-30"), "why": "延期。"}]),
            pledge("t", "2025-03-01", "2025-12-31", changes=[
                {"date": d("2025-04-10"), "field": "title", "from": "旧名称", "to": "承诺 t", "why": "更准确。"}]),
        ],
        "ledger": [
            entry("b", "2025-03-05", 50),
            entry("b", "2025-03-20", 100),
            entry("c", "2025-03-31", 100),
            entry("w2", "2025-03-05", 100),
            entry("e", "2025-03-05", 20),
            entry("f", "2025-03-05", 10),
            entry("f", "2025-03-25", 20),
            entry("g", "2025-03-01", 5),  # work before publication
            entry("h", "2025-03-10", 100),
            entry("h", "2025-03-20", 100),
            entry("i", "2025-03-10", 100),
            entry("i", "2025-03-10", 60, correction="当天复核，未全部完成。"),
            entry("j", "2025-03-10", 60),
            entry("j", "2025-03-10", 100),
            entry("k", "2025-03-12", 100),
            entry("k", "2025-03-10", 40),
            entry("n", "2025-04-05", 100),
        ],
    },
}


@pytest.fixture(scope="module")
def pledge_ds(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pledges"), PLEDGE_UNITS, ONE_PHASE)


def pv(ds, on: str, pid: str, unit: str = "aa"):
    view = derive(ds, d(on))
    return next((v for v in view.by_unit.get(unit, ()) if v.id == pid), None)


def state(ds, on: str, pid: str, unit: str = "aa"):
    v = pv(ds, on, pid, unit)
    return None if v is None else v.state


def test_not_shown_before_published(pledge_ds):
    assert pv(pledge_ds, "2025-02-28", "a") is None
    assert state(pledge_ds, "2025-03-01", "a") is P.NOT_STARTED


def test_not_started_then_overdue_deadline_day_is_on_time(pledge_ds):
    v = pv(pledge_ds, "2025-03-31", "a")
    assert v.state is P.NOT_STARTED and v.days_left == 0 and v.days_overdue is None
    v = pv(pledge_ds, "2025-04-01", "a")
    assert v.state is P.OVERDUE and v.days_overdue == 1 and v.days_left is None


@pytest.mark.parametrize("on,expected", [
    ("2025-03-04", P.NOT_STARTED), ("2025-03-05", P.IN_PROGRESS), ("2025-03-15", P.IN_PROGRESS),
    ("2025-03-16", P.OVERDUE), ("2025-03-19", P.OVERDUE), ("2025-03-20", P.DONE_LATE), ("2025-12-31", P.DONE_LATE),
])
def test_in_progress_overdue_done_late(pledge_ds, on, expected):
    assert state(pledge_ds, on, "b") is expected


def test_done_late_facts(pledge_ds):
    v = pv(pledge_ds, "2025-12-31", "b")
    assert v.done_on == d("2025-03-20") and v.progress == 100 and not v.stale
    assert v.days_overdue is None


def test_done_on_the_deadline_is_on_time(pledge_ds):
    assert state(pledge_ds, "2025-03-31", "c") is P.DONE
    assert state(pledge_ds, "2025-12-31", "c") is P.DONE


@pytest.mark.parametrize("on,expected", [
    ("2025-03-06", P.OVERDUE), ("2025-03-09", P.OVERDUE), ("2025-03-10", P.WITHDRAWN), ("2025-12-31", P.WITHDRAWN),
])
def test_withdrawn_from_its_date(pledge_ds, on, expected):
    v = pv(pledge_ds, on, "w")
    assert v.state is expected
    if expected is P.WITHDRAWN:
        assert not v.stale and v.withdrawn.why == "合并。"


def test_withdrawn_wins_over_done(pledge_ds):
    assert state(pledge_ds, "2025-03-09", "w2") is P.DONE
    assert state(pledge_ds, "2025-03-10", "w2") is P.WITHDRAWN


def test_ongoing_pledge_is_never_overdue(pledge_ds):
    v = pv(pledge_ds, "2025-12-31", "e")
    assert v.state is P.IN_PROGRESS and v.deadline is None and v.stale


@pytest.mark.parametrize("on,stale", [
    ("2025-03-01", False), ("2025-03-11", False), ("2025-03-12", True), ("2025-03-31", True), ("2025-04-01", True),
])
def test_stale_boundary_from_published(pledge_ds, on, stale):
    """stale_after_days is 10: exactly 10 days is not stale, 11 is."""
    assert pv(pledge_ds, on, "a").stale is stale


@pytest.mark.parametrize("on,stale", [
    ("2025-03-15", False), ("2025-03-16", True), ("2025-03-24", True), ("2025-03-25", False), ("2025-04-04", False),
    ("2025-04-05", True),
])
def test_stale_boundary_from_latest_entry(pledge_ds, on, stale):
    """Entries 03-05 and 03-25; the later entry does not exist for a view before it."""
    v = pv(pledge_ds, on, "f")
    assert v.stale is stale
    assert v.last_activity == (d("2025-03-25") if on >= "2025-03-25" else d("2025-03-05"))


@pytest.mark.parametrize("on,stale", [("2025-03-20", False), ("2025-03-21", True)])
def test_stale_counts_from_the_later_of_published_and_entry(pledge_ds, on, stale):
    """An entry (03-01) before publication (03-10): the clock starts at publication."""
    assert pv(pledge_ds, on, "g").stale is stale


def test_done_pledge_is_never_stale(pledge_ds):
    assert not pv(pledge_ds, "2025-12-31", "c").stale


@pytest.mark.parametrize("on,expected", [
    ("2025-03-12", P.DONE), ("2025-03-19", P.DONE), ("2025-03-20", P.DONE_LATE),
])
def test_done_late_is_decided_by_the_latest_entry(pledge_ds, on, expected):
    """Entries of 100 on 03-10 and again on 03-20 with deadline 03-15: the latest entry decides."""
    v = pv(pledge_ds, on, "h")
    assert v.state is expected
    assert v.done_on == (d("2025-03-20") if expected is P.DONE_LATE else d("2025-03-10"))


def test_equal_dates_the_later_entry_in_the_file_wins(pledge_ds):
    v = pv(pledge_ds, "2025-03-10", "i")  # 100 then 60 on the same day
    assert v.state is P.IN_PROGRESS and v.progress == 60
    v = pv(pledge_ds, "2025-03-10", "j")  # 60 then 100 on the same day
    assert v.state is P.DONE and v.progress == 100


def test_entries_are_read_by_date_not_file_order(pledge_ds):
    v = pv(pledge_ds, "2025-03-11", "k")  # the file lists 03-12 (100) before 03-10 (40)
    assert v.state is P.IN_PROGRESS and v.progress == 40
    assert state(pledge_ds, "2025-03-12", "k") is P.DONE
    assert [e.date for e in pv(pledge_ds, "2025-03-12", "k").entries] == [d("2025-03-10"), d("2025-03-12")]


@pytest.mark.parametrize("on,expected,deadline", [
    ("2025-03-31", P.NOT_STARTED, "2025-03-31"),
    ("2025-04-05", P.OVERDUE, "2025-03-31"),  # before the change, the old deadline decides
    ("2025-04-09", P.OVERDUE, "2025-03-31"),
    ("2025-04-10", P.NOT_STARTED, "2025-04-30"),  # a change dated D is in force on D
    ("2025-05-01", P.OVERDUE, "2025-04-30"),
])
def test_deadline_in_force(pledge_ds, on, expected, deadline):
    v = pv(pledge_ds, on, "m")
    assert (v.state, v.deadline) == (expected, d(deadline))


def test_deadline_in_force_decides_done_late(pledge_ds):
    """Done on 04-05: late against the old deadline (03-31) seen on 04-05, on time once it moved."""
    assert state(pledge_ds, "2025-04-05", "n") is P.DONE_LATE
    assert state(pledge_ds, "2025-04-10", "n") is P.DONE


@pytest.mark.parametrize("on,deadline", [
    ("2025-04-05", "2025-03-31"), ("2025-04-10", "2025-04-30"), ("2025-04-20", "2025-04-30"),
    ("2025-05-09", "2025-04-30"), ("2025-05-10", "2025-05-31"), ("2025-06-15", "2025-05-31"),
])
def test_deadline_in_force_with_two_changes(pledge_ds, on, deadline):
    assert pv(pledge_ds, on, "o").deadline == d(deadline)


def test_other_fields_in_force(pledge_ds):
    assert pv(pledge_ds, "2025-04-09", "t").title == "旧名称"
    assert pv(pledge_ds, "2025-04-10", "t").title == "承诺 t"
    assert [c.date for c in pv(pledge_ds, "2025-04-09", "t").changes] == []


# ---- rectifications (§2) --------------------------------------------------------------------

RECT_UNITS = {
    "aa": {"rectifications": [
        rect("r1", "2025-03-01", "2025-03-31", "2025-03-20", "2025-03-25"),
        rect("r2", "2025-03-01", "2025-03-15", "2025-03-20", "2025-03-25"),
        rect("r3", "2025-03-01", "2025-03-20", "2025-03-20", "2025-03-20"),
        rect("r4", "2025-03-01", "2025-03-31", "2025-03-20", "2025-03-22", [objection("2025-03-24", "2025-04-05")]),
        rect("r5", "2025-03-01", "2025-03-31", "2025-03-20", "2025-03-22", [objection("2025-03-24", "2025-03-26")]),
        rect("r6", "2025-03-01", "2025-03-31", "2025-03-20", "2025-03-22", [objection("2025-03-24")]),
        rect("r7", "2025-03-01", "2025-03-31", "2025-03-20", None, [objection("2025-03-21", "2025-03-25")]),
        rect("r8", "2025-03-01", "2025-03-15", "2025-03-10"),
        rect("r9", "2025-03-01", "2025-03-31", "2025-03-20", "2025-03-22",
             [objection("2025-03-23", "2025-03-24"), objection("2025-04-10")]),
    ]},
}


@pytest.fixture(scope="module")
def rect_ds(tmp_path_factory):
    return build(tmp_path_factory.mktemp("rects"), RECT_UNITS, ONE_PHASE)


def rv(ds, on: str, rid: str):
    view = derive(ds, d(on))
    return next((v for v in view.rects_by_unit["aa"] if v.id == rid), None)


@pytest.mark.parametrize("on,expected", [
    ("2025-03-01", RS.OPEN), ("2025-03-19", RS.OPEN), ("2025-03-20", RS.AWAITING), ("2025-03-24", RS.AWAITING),
    ("2025-03-25", RS.NOTICE), ("2025-04-01", RS.NOTICE), ("2025-04-02", RS.CLOSED), ("2025-12-31", RS.CLOSED),
])
def test_rectification_on_time(rect_ds, on, expected):
    assert rv(rect_ds, on, "r1").state is expected


def test_rectification_not_shown_before_found(rect_ds):
    assert rv(rect_ds, "2025-02-28", "r1") is None


def test_notice_window_boundary(rect_ds):
    """verified 03-25, 7 days: D == 04-01 is still in notice (until 04-01), 04-02 is final."""
    v = rv(rect_ds, "2025-04-01", "r1")
    assert v.state is RS.NOTICE and v.notice_until == d("2025-04-01")
    v = rv(rect_ds, "2025-04-02", "r1")
    assert v.state is RS.CLOSED and v.notice_until is None


@pytest.mark.parametrize("on,expected", [
    ("2025-03-15", RS.OPEN), ("2025-03-16", RS.OVERDUE), ("2025-03-20", RS.AWAITING), ("2025-03-25", RS.NOTICE),
    ("2025-04-02", RS.CLOSED_LATE),
])
def test_rectification_late(rect_ds, on, expected):
    v = rv(rect_ds, on, "r2")
    assert v.state is expected
    assert v.days_overdue == (1 if on == "2025-03-16" else None)


def test_closed_on_the_deadline_is_not_late(rect_ds):
    assert rv(rect_ds, "2025-03-27", "r3").state is RS.NOTICE
    assert rv(rect_ds, "2025-03-28", "r3").state is RS.CLOSED


@pytest.mark.parametrize("on,expected", [
    ("2025-03-23", RS.NOTICE), ("2025-03-24", RS.OBJECTED), ("2025-04-04", RS.OBJECTED), ("2025-04-05", RS.CLOSED),
])
def test_objection_open_then_resolved(rect_ds, on, expected):
    assert rv(rect_ds, on, "r4").state is expected


@pytest.mark.parametrize("on,expected", [
    ("2025-03-25", RS.OBJECTED), ("2025-03-26", RS.NOTICE), ("2025-03-29", RS.NOTICE), ("2025-03-30", RS.CLOSED),
])
def test_objection_resolved_inside_the_window(rect_ds, on, expected):
    assert rv(rect_ds, on, "r5").state is expected


def test_objection_never_resolved(rect_ds):
    assert rv(rect_ds, "2025-12-31", "r6").state is RS.OBJECTED


@pytest.mark.parametrize("on,expected", [
    ("2025-03-20", RS.AWAITING), ("2025-03-21", RS.OBJECTED), ("2025-03-25", RS.AWAITING), ("2025-12-31", RS.AWAITING),
])
def test_objection_before_verification(rect_ds, on, expected):
    assert rv(rect_ds, on, "r7").state is expected


def test_awaiting_verification_is_not_overdue(rect_ds):
    assert rv(rect_ds, "2025-12-31", "r8").state is RS.AWAITING


@pytest.mark.parametrize("on,expected", [
    ("2025-03-23", RS.OBJECTED), ("2025-03-24", RS.NOTICE), ("2025-03-30", RS.CLOSED), ("2025-04-10", RS.OBJECTED),
])
def test_a_second_objection_reopens(rect_ds, on, expected):
    assert rv(rect_ds, on, "r9").state is expected


def test_objections_after_d_do_not_exist(rect_ds):
    v = rv(rect_ds, "2025-03-23", "r4")
    assert v.objections == ()


def test_notice_days_zero(tmp_path):
    ds = build(tmp_path, {"aa": {"rectifications": [rect("r1", "2025-03-01", "2025-03-31", "2025-03-20", "2025-03-25")]}},
               ONE_PHASE, site=_site(notice=0))
    assert rv(ds, "2025-03-25", "r1").state is RS.NOTICE
    assert rv(ds, "2025-03-26", "r1").state is RS.CLOSED


# ---- duties (§2, §3a) -----------------------------------------------------------------------

DUTY_PHASES = {
    "c1": [
        {"id": "qidong", "name": "活动启动", "start": d("2025-03-01"), "end": d("2025-03-31"),
         "duties": [{"kind": "pledges", "due": d("2025-03-10")}]},
        {"id": "shishi", "name": "组织实施", "start": d("2025-04-01"), "end": d("2025-05-31"),
         "duties": [{"kind": "ledger", "every_days": 10}, {"kind": "problems", "due": d("2025-04-15")},
                    {"kind": "report", "due": d("2025-05-31")}]},
    ],
    "c2": [{"id": "p1", "name": "实施", "start": d("2025-01-01")}],
}

DUTY_UNITS = {
    # pledges duty, due 03-10
    "pa": {"pledges": [pledge("x", "2025-03-05")], "ledger": [entry("x", "2025-03-06", 100)]},
    "pb": {"pledges": [pledge("x", "2025-03-12")], "ledger": [entry("x", "2025-03-13", 100)]},
    "pc": {},
    "pd": {"pledges": [pledge("x", "2025-02-20")], "ledger": [entry("x", "2025-02-21", 100)]},
    "pe": {"pledges": [pledge("x", "2025-03-05", withdrawn={"date": d("2025-03-20"), "why": "撤回。"})]},
    "pf": {"pledges": [pledge("x", "2025-03-05", campaign="c2")], "ledger": [entry("x", "2025-03-06", 100)]},
    # ledger duty, phase 04-01..05-31, every 10 days
    "la": {"pledges": [pledge("x", "2025-03-05")], "ledger": [entry("x", "2025-04-11", 10), entry("x", "2025-04-22", 20)]},
    "lb": {"pledges": [pledge("x", "2025-03-05")], "ledger": [entry("x", "2025-04-12", 10)]},
    "lc": {"pledges": [pledge("x", "2025-04-20")], "ledger": [entry("x", "2025-04-30", 10)]},
    "ld": {"pledges": [pledge("x", "2025-03-05")],
           "ledger": [entry("x", f"2025-{m}", 10) for m in ("04-10", "04-20", "04-30", "05-10", "05-20", "05-30")]},
    "le": {"pledges": [pledge("x", "2025-03-05")], "ledger": [entry("x", "2025-03-20", 100)]},
    "lf": {"pledges": [pledge("x", "2025-03-05", withdrawn={"date": d("2025-04-20"), "why": "撤回。"})]},
    "lg": {"pledges": [pledge("x", "2025-03-05")], "ledger": [entry("x", "2025-04-05", 100)]},
    "lh": {"pledges": [pledge("x", "2025-03-05", campaign="c2")]},
    "li": {"pledges": [pledge("x", "2025-03-05", "2025-04-15")], "ledger": [entry("x", "2025-04-05", 50)]},
    "lj": {"pledges": [pledge("x", "2025-03-05")], "ledger": [entry("x", "2025-03-30", 10), entry("x", "2025-04-10", 20)]},
    "lk": {"pledges": [pledge("x", "2025-03-05"), pledge("y", "2025-03-05")],
           "ledger": [entry(p, f"2025-{m}", 10) for m in ("04-08", "04-16") for p in ("x", "y")] + [entry("x", "2025-04-26", 20)]},
    # problems duty, due 04-15
    "qa": {"rectifications": [rect("r", "2025-04-10", "2025-05-31")]},
    "qb": {"rectifications": [rect("r", "2025-04-20", "2025-05-31")]},
    "qc": {"rectifications": [rect("r", "2025-04-10", "2025-05-31", campaign="c2")]},
    "qd": {"rectifications": [rect("r", "2025-03-15", "2025-05-31")]},
    # report duty, due 05-31
    "ra": {"reports": {"c1": "2025-05-20"}},
    "rb": {"reports": {"c1": "2025-06-05"}},
    "rc": {"reports": {"c2": "2025-05-20"}},
    "rd": {"reports": {"c1": "2025-03-15"}},
}

EVALUATION = {
    "campaign": "c1", "published": d("2025-06-30"),
    "weights": {"self": 20, "social": 50, "leadership": 30},
    "grades": [{"name": "优秀", "min": 90}, {"name": "良好", "min": 80}, {"name": "合格", "min": 60},
               {"name": "不合格", "min": 0}],
    "scores": [
        {"unit": "pa", "self": 90, "social": 84, "leadership": 90},  # 87
        {"unit": "pb", "self": 100, "social": 80, "leadership": 90},  # 87
        {"unit": "pc", "self": 100, "social": 100, "leadership": 100},  # 100
        {"unit": "pd", "self": 50, "social": 60, "leadership": 70},  # 61
        {"unit": "pe", "self": 90, "social": 90, "leadership": 90},  # 90, exactly the 优秀 line
        {"unit": "pf", "self": 80, "social": 79.98, "leadership": 80},  # 79.99, just under 良好
        {"unit": "la", "self": 30, "social": 40, "leadership": 50},  # 41
    ],
}


@pytest.fixture(scope="module")
def duty_ds(tmp_path_factory):
    return build(tmp_path_factory.mktemp("duties"), DUTY_UNITS, DUTY_PHASES, evaluation=EVALUATION)


def duty(ds, on: str, unit: str, kind: DutyKind, campaign: str = "c1"):
    view = derive(ds, d(on))
    found = [x for x in view.duties if x.unit == unit and x.kind is kind and x.campaign == campaign]
    assert len(found) == 1, found
    return found[0]


def dstate(ds, on, unit, kind):
    return duty(ds, on, unit, kind).state


def test_every_participant_gets_every_duty(duty_ds):
    view = derive(duty_ds, d("2025-06-01"))
    mine = [(x.phase, x.kind) for x in view.duties if x.unit == "pc" and x.campaign == "c1"]
    assert sorted(mine, key=str) == sorted([("qidong", DutyKind.PLEDGES), ("shishi", DutyKind.LEDGER),
                                            ("shishi", DutyKind.PROBLEMS), ("shishi", DutyKind.REPORT)], key=str)
    assert [x for x in view.duties if x.campaign == "c2"] == []  # c2 has no duties


@pytest.mark.parametrize("unit,on,expected", [
    ("pa", "2025-03-04", DS.NOT_DUE), ("pa", "2025-03-05", DS.MET), ("pa", "2025-03-11", DS.MET),
    ("pb", "2025-03-10", DS.NOT_DUE), ("pb", "2025-03-11", DS.MISSED), ("pb", "2025-03-12", DS.MET_LATE),
    ("pc", "2025-03-10", DS.NOT_DUE), ("pc", "2025-03-11", DS.MISSED),
    ("pd", "2025-02-19", DS.NOT_DUE), ("pd", "2025-02-20", DS.MET),  # met before the phase starts: on time
    ("pe", "2025-04-01", DS.MET),  # withdrawn later, still counts as published
    ("pf", "2025-03-11", DS.MISSED),  # a pledge of another campaign does not count
])
def test_pledges_duty(duty_ds, unit, on, expected):
    x = duty(duty_ds, on, unit, DutyKind.PLEDGES)
    assert x.state is expected
    assert x.due == d("2025-03-10") and x.phase == "qidong"


def test_pledges_duty_met_on(duty_ds):
    assert duty(duty_ds, "2025-04-01", "pb", DutyKind.PLEDGES).met_on == d("2025-03-12")


@pytest.mark.parametrize("unit,on,expected", [
    ("la", "2025-03-31", DS.NOT_DUE),  # before the phase starts
    ("la", "2025-04-01", DS.MET),
    ("la", "2025-04-11", DS.MET),  # from the window start to the first entry: 10 days, not more than 10
    ("la", "2025-04-21", DS.MET),  # from the last entry to the window end: 10 days
    ("la", "2025-04-22", DS.MISSED),  # between entries: 11 days
    ("la", "2025-05-31", DS.MISSED),  # and never 逾期完成
    ("lb", "2025-04-11", DS.MET),  # no entry yet: 10 days to the window end
    ("lb", "2025-04-12", DS.MISSED),  # first entry 11 days after the window start
    ("lc", "2025-04-30", DS.MET),  # counted from publication (04-20), not from the phase start
    ("lc", "2025-05-10", DS.MET),
    ("lc", "2025-05-11", DS.MISSED),
    ("ld", "2025-07-01", DS.MET),  # the window ends at the phase end, not at D
    ("le", "2025-05-31", DS.MET),  # done before the phase: no open pledge
    ("lf", "2025-04-15", DS.MISSED),  # open with no entry for 14 days
    ("lf", "2025-04-20", DS.MET),  # withdrawn: no longer an open pledge as of D
    ("lg", "2025-05-31", DS.MET),  # done inside the phase
    ("lh", "2025-05-31", DS.MET),  # the only open pledge belongs to another campaign
    ("li", "2025-04-15", DS.MET),
    ("li", "2025-04-16", DS.MISSED),  # overdue pledges are still open
    ("lj", "2025-04-10", DS.MET),  # an entry before the phase does not start the window
    ("lj", "2025-04-20", DS.MET),
    ("lj", "2025-04-21", DS.MISSED),
    ("lk", "2025-04-26", DS.MET),
    ("lk", "2025-04-27", DS.MISSED),  # y's gap from 04-16 is 11; x has an entry on 04-26
    ("pc", "2025-05-31", DS.MET),  # a unit with no pledge at all
])
def test_ledger_duty(duty_ds, unit, on, expected):
    x = duty(duty_ds, on, unit, DutyKind.LEDGER)
    assert x.state is expected, x
    assert x.due is None and x.every_days == 10 and x.phase == "shishi"


def test_ledger_duty_reports_the_longest_gap(duty_ds):
    x = duty(duty_ds, "2025-04-27", "lk", DutyKind.LEDGER)
    assert (x.longest_gap, x.gap_pledge) == (11, "y")


@pytest.mark.parametrize("unit,on,expected", [
    ("qa", "2025-04-09", DS.NOT_DUE), ("qa", "2025-04-10", DS.MET),
    ("qb", "2025-04-15", DS.NOT_DUE), ("qb", "2025-04-16", DS.MISSED), ("qb", "2025-04-20", DS.MET_LATE),
    ("qc", "2025-04-16", DS.MISSED),  # a problem of another campaign
    ("qd", "2025-03-15", DS.MET),  # found before the phase starts: on time
    ("pc", "2025-03-01", DS.NOT_DUE),  # before the phase starts
])
def test_problems_duty(duty_ds, unit, on, expected):
    assert dstate(duty_ds, on, unit, DutyKind.PROBLEMS) is expected


@pytest.mark.parametrize("unit,on,expected", [
    ("ra", "2025-03-01", DS.NOT_DUE), ("ra", "2025-05-19", DS.NOT_DUE), ("ra", "2025-05-20", DS.MET),
    ("rb", "2025-05-31", DS.NOT_DUE), ("rb", "2025-06-01", DS.MISSED), ("rb", "2025-06-05", DS.MET_LATE),
    ("rc", "2025-06-01", DS.MISSED),  # a report for another campaign
    ("rd", "2025-03-15", DS.MET),
])
def test_report_duty(duty_ds, unit, on, expected):
    assert dstate(duty_ds, on, unit, DutyKind.REPORT) is expected


def test_duty_of_non_participants(tmp_path):
    phases = {"c1": [{"id": "p", "name": "启动", "start": d("2025-03-01"), "duties": [{"kind": "pledges", "due": d("2025-03-10")}]}]}
    root = tmp_path
    ds = build(root, {"aa": {}, "bb": {}}, phases)
    write(root, "data/campaigns/c1.yaml", {**_campaign("c1", phases["c1"]), "participants": ["aa"]})
    ds = checked(root).dataset
    view = derive(ds, d("2025-04-01"))
    assert {x.unit for x in view.duties} == {"aa"}
    assert view.participants["c1"] == ["aa"]


# ---- evaluation ----------------------------------------------------------------------------


def test_evaluation_not_shown_before_published(duty_ds):
    assert derive(duty_ds, d("2025-06-29")).evaluations == {}
    assert "c1" in derive(duty_ds, d("2025-06-30")).evaluations


def test_evaluation_ranking_and_grades(duty_ds):
    ranking = derive(duty_ds, d("2025-07-01")).evaluations["c1"].ranking
    got = {r.score.unit: (r.total, r.rank, r.grade) for r in ranking}
    assert got["pc"] == (100, 1, "优秀")
    assert got["pe"] == (90, 2, "优秀")  # exactly on the 优秀 line
    assert got["pa"][:2] == got["pb"][:2] == (87, 3)  # a tie shares a rank
    assert got["pa"][2] == got["pb"][2] == "良好"
    assert got["pf"][0] == pytest.approx(79.99) and got["pf"][2] == "合格"  # just under 良好
    assert got["pd"] == (61, got["pd"][1], "合格")
    assert got["la"][2] == "不合格"
    assert got["pa"][1] < got["pf"][1] < got["pd"][1] < got["la"][1]
    assert [r.score.unit for r in ranking][:2] == ["pc", "pe"]
    totals = [r.total for r in ranking]
    assert totals == sorted(totals, reverse=True)


def test_evaluation_without_grades(tmp_path):
    ev = {**EVALUATION, "grades": [], "scores": EVALUATION["scores"][:2]}
    ds = build(tmp_path, {"pa": {}, "pb": {}}, ONE_PHASE, evaluation=ev)
    ranking = derive(ds, d("2025-07-01")).evaluations["c1"].ranking
    assert [(r.rank, r.grade) for r in ranking] == [(1, None), (1, None)]


# ---- indicators and the view as a whole --------------------------------------------------------


def test_campaign_indicator_as_of(tmp_path):
    phases = {"c1": [{"id": "p", "name": "实施", "start": d("2025-01-01")}]}
    root = tmp_path
    build(root, {"aa": {}}, phases)
    c = _campaign("c1", phases["c1"])
    c["indicators"] = [{"id": "wb", "name": "网上可办率", "unit": "%", "target": ">= 90", "measurements": [
        {"date": d("2025-03-01"), "value": 80}, {"date": d("2025-05-01"), "value": 92}]}]
    write(root, "data/campaigns/c1.yaml", c)
    res = checked(root)
    assert res.errors == []
    (iv,) = derive(res.dataset, d("2025-04-01")).indicators["c1"]
    assert (iv.latest, iv.met) == (80, False)
    (iv,) = derive(res.dataset, d("2025-05-01")).indicators["c1"]
    assert (iv.latest, iv.met) == (92, True)
    (iv,) = derive(res.dataset, d("2025-02-01")).indicators["c1"]
    assert (iv.latest, iv.met) == (None, None)


def test_derive_is_pure(pledge_ds):
    a = derive(pledge_ds, d("2025-04-05"))
    b = derive(pledge_ds, d("2025-04-05"))
    assert [(v.id, v.state, v.stale) for v in a.pledges] == [(v.id, v.state, v.stale) for v in b.pledges]
    assert a.as_of == date(2025, 4, 5)


def test_stats_count_states(pledge_ds):
    view = derive(pledge_ds, d("2025-04-05"))
    counted = sum(view.stats.pledges.values())
    assert counted == len(view.pledges) == len(PLEDGE_UNITS["aa"]["pledges"])
    assert view.stats.stale == sum(v.stale for v in view.pledges)
