"""The per-unit memo of the preview: a result is reused only for the very same records."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.reuse import Reuse, fresh


@dataclass(frozen=True)
class Rec:
    text: str


def _counting():
    calls: list[str] = []

    def make(name: str):
        def run() -> str:
            calls.append(name)
            return f"result of {name}"
        return run
    return calls, make


def test_same_objects_and_values_reuse_the_result():
    reuse = Reuse()
    calls, make = _counting()
    a, b = Rec("a"), Rec("b")
    assert reuse.table("s").get("u1", make("u1"), objects=(a, b), values=(1, "x")) == "result of u1"
    t = reuse.table("s")
    assert t.get("u1", make("u1 again"), objects=(a, b), values=(1, "x")) == "result of u1"
    assert calls == ["u1"] and t.made == 0 and reuse.made("s") == 0


def test_an_equal_but_new_record_is_made_again():
    # Records compare equal while their line numbers differ (Loc.lines is not compared), so only
    # identity says that a record is the one read last time.
    reuse = Reuse()
    calls, make = _counting()
    reuse.table("s").get("u1", make("first"), objects=(Rec("a"),))
    assert reuse.table("s").get("u1", make("second"), objects=(Rec("a"),)) == "result of second"
    assert calls == ["first", "second"] and reuse.made("s") == 1


def test_changed_values_or_more_objects_are_made_again():
    reuse = Reuse()
    calls, make = _counting()
    a = Rec("a")
    reuse.table("s").get("u1", make("1"), objects=(a,), values=("2026-01-01",))
    reuse.table("s").get("u1", make("2"), objects=(a,), values=("2026-01-02",))
    reuse.table("s").get("u1", make("3"), objects=(a, Rec("b")), values=("2026-01-02",))
    assert calls == ["1", "2", "3"]


def test_a_key_not_asked_for_is_forgotten():
    reuse = Reuse()
    calls, make = _counting()
    a = Rec("a")
    reuse.table("s").get("gone", make("1"), objects=(a,))
    reuse.table("s")  # a load without that unit
    reuse.table("s").get("gone", make("2"), objects=(a,))
    assert calls == ["1", "2"]


def test_stages_are_separate_and_fresh_remembers_nothing():
    reuse = Reuse()
    calls, make = _counting()
    a = Rec("a")
    reuse.table("validate").get("u1", make("v"), objects=(a,))
    reuse.table("derive").get("u1", make("d"), objects=(a,))
    t = fresh()
    t.get("u1", make("f1"), objects=(a,))
    fresh().get("u1", make("f2"), objects=(a,))
    assert calls == ["v", "d", "f1", "f2"] and reuse.made("events") == 0
