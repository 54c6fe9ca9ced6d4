"""Data files written as YAML text: the one emitter of the sample county (``tools/make_sample.py``),
the benchmark data (``bench/make_data.py``) and the site tests' fixtures (``tests/site/sitekit.py``).

The text is what a careful clerk would write. Strings are double-quoted with ``json.dumps`` (a valid
YAML double-quoted scalar, so no text is ever read back as a number, a date or a boolean), dates are
bare ``YYYY-MM-DD``, Markdown with more than one line is a ``|`` block, and keys whose value is None
or an empty list or mapping are left out (the contract reads them as absent). Not a YAML library:
it writes only what the data contract holds, and it is fast enough for ten counties of benchmark data.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any


class Md(str):
    """A Markdown value: written as a ``|`` block when it has more than one line."""


class Day(int):
    """A date held as its ordinal (``date.toordinal()``), for generators that count in days;
    written as ``YYYY-MM-DD``."""

    _iso: dict[int, str] = {}

    def isoformat(self) -> str:
        s = Day._iso.get(self)
        if s is None:
            s = Day._iso[self] = date.fromordinal(self).isoformat()
        return s


def scalar(v: Any) -> str:
    """One value on the line of its key or list dash."""
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (date, Day)):
        return v.isoformat()
    if isinstance(v, bool) or v is None:
        raise TypeError(f"no booleans or nulls in the data contract: {v!r}")
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, int):
        return str(v)
    raise TypeError(f"cannot write {type(v).__name__} as YAML: {v!r}")


def _absent(v: Any) -> bool:
    return v is None or (isinstance(v, (list, tuple, dict)) and not v)


def _map(m: dict, pad: str, out: list[str]) -> None:
    for k, v in m.items():
        if _absent(v):
            continue
        if isinstance(v, Md) and "\n" in v:
            out.append(f"{pad}{k}: |")
            out.extend(f"{pad}  {line}" if line.strip() else "" for line in v.strip("\n").split("\n"))
        elif isinstance(v, dict):
            inner: list[str] = []
            _map(v, pad + "  ", inner)
            if inner:  # a mapping whose every value is absent is absent too
                out.append(f"{pad}{k}:")
                out.extend(inner)
        elif isinstance(v, (list, tuple)):
            out.append(f"{pad}{k}:")
            _list(v, pad + "  ", out)
        else:
            out.append(f"{pad}{k}: {scalar(v)}")


def _list(items: list | tuple, pad: str, out: list[str], gap: bool = False) -> None:
    for i, item in enumerate(items):
        if gap and i:
            out.append("")
        if isinstance(item, dict):
            start = len(out)
            _map(item, pad + "  ", out)
            if len(out) == start:
                out.append(f"{pad}- {{}}")
            else:
                out[start] = f"{pad}- {out[start][len(pad) + 2:]}"
        else:
            out.append(f"{pad}- {scalar(item)}")


def lines(value: dict | list | tuple, gap: bool = False) -> list[str]:
    """The lines of a whole file's value (a mapping, or a list: ``[]`` when empty); ``gap`` puts a
    blank line between the items of a top-level list."""
    out: list[str] = []
    if isinstance(value, dict):
        _map(value, "", out)
    elif value:
        _list(value, "", out, gap)
    else:
        out.append("[]")
    return out


def dump(value: dict | list | tuple, gap: bool = False, head: list[str] | tuple[str, ...] = ()) -> str:
    """A whole file: ``head`` (comment lines, written as given), then the value."""
    return "\n".join([*head, *lines(value, gap)]) + "\n"


def write(path: Path, value: dict | list | tuple, gap: bool = False, head: list[str] | tuple[str, ...] = ()) -> None:
    """Write one data file (UTF-8, ``\\n`` line ends), making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(dump(value, gap, head))
