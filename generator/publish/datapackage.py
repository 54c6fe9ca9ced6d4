"""``/data/datapackage.json``: the open data described as a Frictionless Data Package (v2).

Every CSV table gets its Table Schema (types, Chinese descriptions, allowed values, primary
and foreign keys) from :data:`generator.view.tables.TABLES`, the same column docs that the open-data
page shows, so the package, the page and the files cannot drift apart.  ``gongshi.json`` is
described as a plain JSON resource.

Nothing here depends on the clock: the package changes only when the data or the as-of date
does.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from generator import __version__
from generator.view.derive import Derived
from generator.view.tables import CSV_TABLES, TABLES, Column

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA = "https://datapackage.org/profiles/2.0/tableschema.json"
TABLE_DIALECT = "https://datapackage.org/profiles/2.0/tabledialect.json"

# Keys that identify a row.  ``duties`` has one only when no phase lists two duties of one kind
# (the contract does not forbid that), see :func:`_duty_key_unique`.
PRIMARY_KEYS: dict[str, list[str]] = {
    "units": ["id"],
    "pledges": ["unit", "id"],
    "ledger": ["unit", "seq"],
    "rectifications": ["unit", "id"],
    "duties": ["unit", "campaign", "phase", "kind"],
}

FOREIGN_KEYS: dict[str, list[dict[str, Any]]] = {
    "pledges": [{"fields": ["unit"], "reference": {"resource": "units", "fields": ["id"]}}],
    "ledger": [{"fields": ["unit", "pledge"], "reference": {"resource": "pledges", "fields": ["unit", "id"]}}],
    "rectifications": [{"fields": ["unit"], "reference": {"resource": "units", "fields": ["id"]}}],
    "duties": [{"fields": ["unit"], "reference": {"resource": "units", "fields": ["id"]}}],
}

# Licences that are commonly named by their SPDX / Open Definition id, with their text.
KNOWN_LICENSES = {
    "cc-by-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "cc-by-sa-4.0": ("Creative Commons Attribution Share-Alike 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "cc0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "odc-by-1.0": ("Open Data Commons Attribution License 1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "odc-pddl-1.0": ("Open Data Commons Public Domain Dedication and License 1.0",
                     "https://opendatacommons.org/licenses/pddl/1-0/"),
    "odc-odbl-1.0": ("Open Data Commons Open Database License 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
_LICENSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


def datapackage(view: Derived, table_rows: dict[str, list[dict[str, Any]]],
                files: dict[str, bytes] | None = None) -> dict:
    """The Data Package for the files under ``/data/``.

    ``files`` maps a file name in ``data/`` (``pledges.csv``, ``gongshi.json``) to its bytes;
    when given, each resource also states its size and SHA-256, so that a download can be checked.
    """
    site = view.site
    files = files or {}
    pkg: dict[str, Any] = {
        "$schema": PROFILE,
        "name": "gongshi",
        "title": site.title,
        "description": (f"{site.owner}公开的承诺、工作台账、问题整改和阶段责任数据。"
                        f"状态按 {view.as_of.isoformat()} 计算；尚未到公示日期的记录不包括在内。"),
        "keywords": ["政务公开", "主动服务", "承诺", "工作台账", "问题整改"],
        "contributors": [{"title": site.owner, "roles": ["publisher"]}],
        # Not a Data Package property (custom ones are allowed): the date the states are computed for.
        "as_of": view.as_of.isoformat(),
    }
    if site.base_url and site.base_url.startswith(("https://", "http://")):
        pkg["homepage"] = site.base_url.rstrip("/") + "/data/"
    lic = license_entry(site.license, pkg.get("homepage"))
    if lic:
        pkg["licenses"] = [lic]
    resources = []
    for table in CSV_TABLES:
        title, description, cols = TABLES[table]
        res: dict[str, Any] = {
            "name": table,
            "type": "table",
            "path": f"{table}.csv",
            "title": title,
            "description": f"{description}共 {len(table_rows.get(table, []))} 行。",
            "format": "csv",
            "mediatype": "text/csv",
            # UTF-8 with a byte-order mark, so that Excel shows Chinese (contract §5).
            "encoding": "utf-8-sig",
            "dialect": {"$schema": TABLE_DIALECT, "header": True, "delimiter": ",", "lineTerminator": "\r\n",
                        "quoteChar": '"', "doubleQuote": True},
            "schema": table_schema(view, table, cols, table_rows.get(table, [])),
        }
        _file_facts(res, files.get(f"{table}.csv"))
        resources.append(res)
    gj: dict[str, Any] = {
        "name": "gongshi",
        "type": "json",
        "path": "gongshi.json",
        "title": "全部公开记录",
        "description": ("全部公开记录（JSON 对象）：as_of（状态计算日期）、site、campaigns，以及 units、pledges、ledger、"
                        "rectifications、duties 各一个列表（每条记录含与对应 CSV 行相同的键，再加上数据文件中的原始字段），"
                        "还有 inspections 和 evaluations。"),
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
    }
    _file_facts(gj, files.get("gongshi.json"))
    resources.append(gj)
    pkg["resources"] = resources
    pkg["sources"] = [{"title": f"gongshi {__version__}：由 data/ 中的 YAML 文件生成"}]
    return pkg


def table_schema(view: Derived, table: str, cols: tuple[Column, ...], rows: list[dict[str, Any]]) -> dict:
    fields = []
    key = PRIMARY_KEYS.get(table, [])
    for c in cols:
        f: dict[str, Any] = {"name": c.name, "type": c.type, "title": c.title, "description": c.description}
        cons: dict[str, Any] = {}
        if c.name in key:
            cons["required"] = True
        enum = c.enum
        if table == "units" and c.name == "category":
            enum = tuple(view.site.unit_categories)
        if enum:
            cons["enum"] = list(enum)
        if c.minimum is not None:
            cons["minimum"] = c.minimum
        if c.maximum is not None:
            cons["maximum"] = c.maximum
        if c.type == "boolean":
            f["trueValues"] = ["true"]
            f["falseValues"] = ["false"]
        if c.type == "date":
            f["format"] = "default"  # YYYY-MM-DD
        if cons:
            f["constraints"] = cons
        fields.append(f)
    schema: dict[str, Any] = {"$schema": TABLE_SCHEMA, "fields": fields, "missingValues": [""]}
    if key and (table != "duties" or _duty_key_unique(rows)):
        schema["primaryKey"] = list(key)
    if table in FOREIGN_KEYS:
        schema["foreignKeys"] = [dict(fk, reference=dict(fk["reference"])) for fk in FOREIGN_KEYS[table]]
    return schema


def _duty_key_unique(rows: list[dict[str, Any]]) -> bool:
    keys = [(r["unit"], r["campaign"], r["phase"], r["kind"]) for r in rows]
    return len(keys) == len(set(keys))


def _file_facts(res: dict[str, Any], content: bytes | None) -> None:
    if content is not None:
        res["bytes"] = len(content)
        res["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()


def license_entry(text: str | None, data_page: str | None = None) -> dict[str, str] | None:
    """site.yaml ``license`` as a Data Package licence: an id (``CC-BY-4.0``), a URL, or free text.

    A licence needs a ``name`` (an Open Definition id) or a ``path``; free text has neither, so
    it points at the open-data page that states it (absolute when ``base_url`` is known, else
    ``index.html`` next to ``datapackage.json``, which is that page).
    """
    if not text or not text.strip():
        return None
    t = text.strip()
    if t.startswith(("https://", "http://")):
        return {"path": t, "title": t}
    if _LICENSE_ID.match(t):
        known = KNOWN_LICENSES.get(t.lower())
        out = {"name": t}
        if known:
            out["title"], out["path"] = known
        return out
    return {"path": (data_page + "#license") if data_page else "index.html", "title": t}
