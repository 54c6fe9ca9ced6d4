"""The one exception type for data problems, and the collector that gathers them.

Every problem a unit editor can cause is a :class:`Problem` carrying the file, the line
and the key path.  Library code never prints: it collects problems and lets the boundary
(the CLI, the MkDocs plugin) decide how to show them.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass, field


class Level(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the project root, with forward slashes: data/units/x/pledges.yaml
    line: int  # 1-based; 0 when the problem is about the file as a whole
    key: str  # key path inside the file, e.g. pledges[2].deadline; "" for the whole file
    message: str  # Chinese, for a unit clerk
    level: Level = field(default=Level.ERROR, compare=False)

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "" if self.level is Level.ERROR else "警告："
        key = f"{self.key}：" if self.key else ""
        return f"{where}: {prefix}{key}{self.message}"

    def github(self) -> str:
        # Workflow commands need %, CR and LF escaped in both properties and message.
        def esc(s: str) -> str:
            return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

        def esc_prop(s: str) -> str:
            return esc(s).replace(":", "%3A").replace(",", "%2C")

        kind = "error" if self.level is Level.ERROR else "warning"
        props = f"file={esc_prop(self.path)}"
        if self.line:
            props += f",line={self.line}"
        key = f"{self.key}：" if self.key else ""
        return f"::{kind} {props}::{esc(key + self.message)}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "key": self.key,
            "level": self.level.value,
            "message": self.message,
        }


class Problems:
    """Collects problems from every stage so that one run reports them all."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, path: str, line: int, key: str, message: str) -> None:
        self._items.append(Problem(path, line, key, message, Level.ERROR))

    def warning(self, path: str, line: int, key: str, message: str) -> None:
        self._items.append(Problem(path, line, key, message, Level.WARNING))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    def sorted(self) -> list[Problem]:
        # Stable, de-duplicated order by file then line, so output diffs well between runs.
        seen = set()
        out = []
        for p in sorted(self._items, key=lambda p: (p.path, p.line, p.level.value, p.key, p.message)):
            ident = (p.path, p.line, p.key, p.message, p.level)
            if ident not in seen:
                seen.add(ident)
                out.append(p)
        return out

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.level is Level.WARNING]

    def __len__(self) -> int:
        return len(self._items)


def code_quality(problems: list[Problem]) -> list[dict]:
    """GitLab's Code Quality report (a subset of Code Climate's issue format), shown in merge requests.

    The fingerprint names the problem, not its line, so that GitLab matches the same problem
    between the target branch and the merge request even when lines above it moved.
    """
    import hashlib

    out = []
    seen: dict[str, int] = {}
    for p in problems:
        ident = hashlib.sha256(f"{p.path}\0{p.key}\0{p.message}".encode()).hexdigest()[:32]
        n = seen[ident] = seen.get(ident, 0) + 1
        key = f"{p.key}：" if p.key else ""
        out.append({
            "type": "issue",
            "check_name": "gongshi/" + ("error" if p.level is Level.ERROR else "warning"),
            "description": key + p.message,
            "categories": ["Bug Risk" if p.level is Level.ERROR else "Style"],
            "fingerprint": ident if n == 1 else f"{ident[:28]}{n:04x}",
            "severity": "major" if p.level is Level.ERROR else "minor",
            "location": {"path": p.path, "lines": {"begin": max(p.line, 1)}},
        })
    return out


def format_problems(problems: list[Problem], fmt: str) -> str:
    if fmt == "gitlab":
        return json.dumps(code_quality(problems), ensure_ascii=False, indent=2)
    if fmt == "json":
        return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)
    if fmt == "github":
        return "\n".join(p.github() for p in problems)
    return "\n".join(p.text() for p in problems)
