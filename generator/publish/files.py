"""The non-page files of the site: open data, schemas, feeds, the manifest and evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from mkdocs.structure.files import File

from generator.model import schema
from generator.publish import export
from generator.publish.datapackage import datapackage
from generator.publish.feeds import feed_files
from generator.publish.log import build_log, read_log
from generator.site.seo import robots_txt
from generator.view.derive import Derived
from generator.view.tables import CSV_TABLES

Spec = Path | str | bytes


class AsIs(File):
    """A file published byte for byte at its own path. Evidence is referred to by its path in the
    open data (``evidence/x.md`` under ``/units/<unit>/``); MkDocs would turn a ``.md`` file into a
    page at ``…/x/`` (and run its raw HTML), so none of these is a page."""

    def is_documentation_page(self) -> bool:
        return False

    def is_static_page(self) -> bool:
        return False


def _json(value) -> str:
    # Compact: json's C encoder only runs without indent, and indenting made these files the
    # slowest part of writing the open data (1.6 s of 3.5 s for one county).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def static_files(view: Derived, root: Path, previous_manifest: str | None = None,
                 events: list | None = None, previous_log: str | None = None) -> Iterator[tuple[str, Spec]]:
    """(site path, content or file on disk) for every file that is not a page.

    ``events`` is the event stream of ``view`` when the caller has it already (the feeds use it).
    ``previous_log`` is a folder holding a copy of the live site's ``/data/manifests/`` (the public
    log, :mod:`generator.publish.log`), ``previous_manifest`` the live ``/data/manifest.json`` of a
    site published before the log existed; both None for the first publish.
    Raises :class:`generator.publish.log.LogError` when the earlier log does not hold together.
    """
    table_rows = export.rows(view)
    written: dict[str, bytes] = {}
    for table, rows in table_rows.items():
        if table in CSV_TABLES:
            written[f"{table}.csv"] = content = export.csv_bytes(table, rows)
            yield f"data/{table}.csv", content
    data = export.gongshi_json(view, table_rows)
    written["gongshi.json"] = content = _json(data).encode("utf-8")
    yield "data/gongshi.json", content
    yield "data/datapackage.json", _json(datapackage(view, table_rows, written)).encode("utf-8")
    previous = None
    if previous_manifest and Path(previous_manifest).is_file():
        previous = json.loads(Path(previous_manifest).read_text(encoding="utf-8"))
    log = read_log(previous_log) if previous_log else None
    manifest, log_files = build_log(data, log, previous)
    yield "data/manifest.json", _json(manifest)
    yield from log_files
    for kind in schema.KINDS:
        yield f"schema/{kind}.json", json.dumps(schema.json_schema(kind), ensure_ascii=False, indent=2) + "\n"
    yield from feed_files(view, events)
    yield "robots.txt", robots_txt(view.dataset.site.base_url)
    ds = view.dataset
    for uid, folder in ds.units.items():
        for ev in sorted(folder.evidence):
            yield f"units/{uid}/{ev}", root / ds.data_dir / "units" / uid / ev
