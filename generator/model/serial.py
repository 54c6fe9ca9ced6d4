"""Records as plain JSON values: the one serialisation used by open data, the manifest and integrity checks."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from datetime import date
from typing import Any

from generator.model import records as R

# Bookkeeping of the loader, not part of what an editor wrote.
_SKIP = {"loc", "seq", "body"}
# Records whose ``unit`` comes from their folder (findings and scores name their unit themselves).
_UNIT_FROM_FOLDER = (R.Pledge, R.LedgerEntry, R.Rectification, R.Report)


def to_json(value: Any) -> Any:
    """A record (or any value inside one) as JSON-ready data, with keys as written in YAML."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, R.Target):
            return str(value)
        out = {}
        for f in dataclasses.fields(value):
            if f.name in _SKIP or (f.name == "unit" and isinstance(value, _UNIT_FROM_FOLDER)):
                continue
            v = getattr(value, f.name)
            if v is None or v == () or v == {}:
                continue
            out["from" if f.name == "from_" else f.name] = to_json(v)
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical(value: Any) -> bytes:
    """Stable bytes for hashing: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()
