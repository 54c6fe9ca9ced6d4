"""Results of per-unit work kept from one load of a project to the next (``gongshi serve``).

:class:`~generator.model.load.CachedSource` gives back the very same record objects for every
file that did not change. The stages after loading (validation, derivation, the event stream)
do most of their work one unit at a time, so a unit whose records are the same objects as last
time, under the same settings, has the same results: an edit costs the units it touched.

A result is reused only when every record it was made from *is* the object it was made from
last time (identity: records compare equal while their line numbers differ) and every plain
value (dates, numbers, sets of ids) is equal. Without a :class:`Reuse` every call computes, so
a build and the tests run the same code as the preview.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Table:
    """One stage's results for one load, by key; made by :meth:`Reuse.table`."""

    def __init__(self, old: dict[Hashable, tuple[tuple, Any, Any]], new: dict[Hashable, tuple[tuple, Any, Any]]):
        self._old = old
        self._new = new
        self.made = 0  # results computed in this load (not reused), for the preview's log and the tests

    def get(self, key: Hashable, make: Callable[[], T], *, objects: tuple = (), values: Any = None) -> T:
        """``make()``, or its result from the previous load if made from the same ``objects``
        (identical) and ``values`` (equal)."""
        hit = self._old.get(key)
        if hit is None or hit[1] != values or len(hit[0]) != len(objects) \
                or not all(a is b for a, b in zip(hit[0], objects, strict=True)):
            self.made += 1
            hit = (objects, values, make())
        self._new[key] = hit
        return hit[2]


class Reuse:
    """Every stage's table; a key not asked for in a load is forgotten (a removed unit)."""

    def __init__(self) -> None:
        self._tables: dict[str, Table] = {}

    def table(self, stage: str) -> Table:
        """The table of ``stage`` for a new load, holding what the previous load made."""
        prev = self._tables.get(stage)
        table = self._tables[stage] = Table(prev._new if prev is not None else {}, {})
        return table

    def made(self, stage: str) -> int:
        """Results ``stage`` computed (rather than reused) in the latest load."""
        table = self._tables.get(stage)
        return table.made if table is not None else 0


def fresh() -> Table:
    """A table that remembers nothing: every result is computed."""
    return Table({}, {})
