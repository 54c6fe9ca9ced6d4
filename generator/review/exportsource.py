"""``data/`` rebuilt from published records, so that the ordinary loader and checks can read them.

``gongshi audit`` holds, for every step of a site's public log, the own fields of every record as
published (:mod:`generator.publish.log`), keyed as in the manifest.  :class:`RecordSource` serves
those records as the files of a ``data/`` folder — one JSON document per file, which is YAML the
strict reader accepts, one record per line — so that :func:`generator.view.pipeline.check` loads,
validates and derives them exactly as it does a county's repository, and the integrity rules of
``check --base-export`` apply to them unchanged.

What a published record set cannot hold: the phase reports (``reports/*.md``, not in the export)
and the evidence files themselves; each evidence path a record names is served as an empty file.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.model.load import Source


def _doc(value) -> bytes:
    if isinstance(value, list):
        body = ",\n".join(json.dumps(v, ensure_ascii=False) for v in value)
        return ("[\n" + body + "\n]\n").encode("utf-8") if value else b"[]\n"
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _local(path) -> bool:
    return isinstance(path, str) and not path.startswith(("http://", "https://"))


class RecordSource(Source):
    """The files of ``data/`` for a set of records (manifest key → own fields)."""

    def __init__(self, records: dict[str, dict], root: Path | str = "."):
        super().__init__(Path(root))
        files: dict[str, object] = {}
        lists: dict[str, list[tuple[tuple, str, dict]]] = {}
        evidence: set[str] = set()
        self.record_at: dict[tuple[str, int], str] = {}
        """(file, line) → the manifest key of the record written there (line 0: the file's record)."""

        def add(path: str, order: tuple, rec: dict) -> None:
            lists.setdefault(path, []).append((order, key, rec))

        for n, (key, rec) in enumerate(records.items()):
            kind, _, ident = key.partition(":")
            parts = ident.split("/")
            if kind in ("site", "campaign", "unit", "evaluation"):
                path = {"site": "data/site.yaml", "campaign": f"data/campaigns/{ident}.yaml",
                        "unit": f"data/units/{ident}/unit.yaml", "evaluation": f"data/evaluations/{ident}.yaml"}[kind]
                files[path] = rec
                self.record_at[(path, 0)] = key
            elif kind == "pledge" and len(parts) == 2:
                add(f"data/units/{parts[0]}/pledges.yaml", (n,), rec)
            elif kind == "ledger" and len(parts) == 4:
                # Within one pledge and day the manifest key keeps the file order (…/<n>).
                order = (parts[2], parts[1], int(parts[3]) if parts[3].isdigit() else 0)
                add(f"data/units/{parts[0]}/ledger.yaml", order, rec)
                evidence.update(f"data/units/{parts[0]}/{e}" for e in rec.get("evidence") or () if _local(e))
            elif kind == "rectification" and len(parts) == 2:
                add(f"data/units/{parts[0]}/rectifications.yaml", (n,), rec)
                closure = rec.get("closure") or {}
                evidence.update(f"data/units/{parts[0]}/{e}" for e in closure.get("evidence") or () if _local(e))
            elif kind == "inspection":
                add("data/inspections/published.yaml", (n,), rec)
        self._bytes: dict[str, bytes] = {path: _doc(rec) for path, rec in files.items()}
        for path, items in lists.items():
            items.sort(key=lambda x: x[0])
            self._bytes[path] = _doc([rec for _order, _key, rec in items])
            for i, (_order, key, _rec) in enumerate(items):
                self.record_at[(path, i + 2)] = key  # line 1 is "["
        for path in evidence:
            self._bytes.setdefault(path, b"")

    def list(self) -> list[str]:
        self.symlinks = []
        return sorted(self._bytes)

    def read(self, rel: str) -> bytes:
        try:
            return self._bytes[rel]
        except KeyError:
            raise FileNotFoundError(rel) from None
