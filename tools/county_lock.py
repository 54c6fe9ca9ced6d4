#!/usr/bin/env python3
"""Writes generator/county/templates/common/requirements.lock: the part of requirements.lock that
gongshi needs at run time (its dependencies without the test extra), which `gongshi init` gives each
new county.  Run after changing requirements.lock, in the project's .venv (which holds exactly the
locked versions); tests/county/test_init.py fails while the file is out of date.

    .venv/bin/python tools/county_lock.py [--check]
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
OUT = REPO / "generator" / "county" / "templates" / "common" / "requirements.lock"


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure() -> set[str]:
    seen: set[str] = set()
    todo: list[tuple[str, frozenset[str]]] = [(r, frozenset()) for r in metadata.requires("gongshi") or []]
    while todo:
        spec, extras = todo.pop()
        req = Requirement(spec)
        env = {"extra": ""}
        if req.marker is not None and not any(req.marker.evaluate({**env, "extra": e}) for e in (extras or {""})):
            continue
        name = norm(req.name)
        key = name + "[" + ",".join(sorted(req.extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        try:
            deps = metadata.requires(req.name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [(d, frozenset(req.extras)) for d in deps]
    return {k.split("[")[0] for k in seen}


def blocks(text: str) -> list[list[str]]:
    out: list[list[str]] = []
    for line in text.splitlines():
        if line and not line.startswith((" ", "#")):
            out.append([line])
        elif out and line.startswith(" "):
            out[-1].append(line)
    return out


def render() -> str:
    names = runtime_closure()
    keep = [b for b in blocks(LOCK.read_text(encoding="utf-8")) if norm(b[0].split("==")[0]) in names]
    missing = names - {norm(b[0].split("==")[0]) for b in keep}
    if missing:
        sys.exit(f"not in requirements.lock: {sorted(missing)}")
    head = ["# gongshi 运行时依赖的 Python 包，每个锁定版本和哈希（pip install --require-hashes -r requirements.lock）。",
            "# 由 gongshi 的 tools/county_lock.py 从它的 requirements.lock 中取出；升级 gongshi 时一起替换。"]
    body = []
    for b in keep:
        body += [ln for ln in b if not ln.strip().startswith("#")]
        body[-1] = body[-1].rstrip(" \\")
    return "\n".join(head + body) + "\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
        sys.exit(0 if current == text else f"{OUT.relative_to(REPO)} is out of date: run tools/county_lock.py")
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}: {sum(1 for ln in text.splitlines() if '==' in ln)} packages")
