"""Open data (issue #5): the CSV files, gongshi.json, the Frictionless data package and /data/.

The generated county of ``bench/make_data.py --scale 0.05`` (every state of the contract, and
records published after the as-of date, which must stay out) is built once for the module.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import SITE, make_project

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 6, 30)  # the bench data's "today" and the build's as-of date (in the past)
FIXTURE_AS_OF = date(2025, 10, 31)


# ---------------------------------------------------------------------------------------
# Projects and builds


def _mkdocs_yml() -> str:
    """The repository's mkdocs.yml without the 编辑指南 nav block (content/guide is not copied)."""
    out, skipping = [], False
    for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if skipping and (line.startswith("      ") or not line.strip()):
            continue
        skipping = line.strip().startswith("- 编辑指南")
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def site_project(root: Path) -> Path:
    """mkdocs.yml, theme_overrides/ and an empty content/ next to the data/ already under ``root``."""
    (root / "mkdocs.yml").write_text(_mkdocs_yml(), encoding="utf-8")
    shutil.copytree(REPO / "theme_overrides", root / "theme_overrides", dirs_exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    return root


def gongshi(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m generator --root ROOT ARGS`` in a subprocess (a build sets GONGSHI_AS_OF)."""
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    env["PYTHONPATH"] = str(REPO)
    res = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=str(REPO),
                         env=env, capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert res.returncode == 0, f"gongshi {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}"
    return res


def view_of(root: Path, as_of: date):
    from generator.view.pipeline import check

    res = check(root, as_of)
    assert not res.errors, [p.text() for p in res.errors]
    return res.derived


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """(project root, built site, derived view) of a generated county as of AS_OF."""
    root = tmp_path_factory.mktemp("export") / "proj"
    res = subprocess.run([sys.executable, str(REPO / "bench" / "make_data.py"), "--scale", "0.05", "--out", str(root),
                          "--today", AS_OF.isoformat(), "-q"], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    # One pledge and one problem dated after the as-of date: they must stay out of every file.
    unit = sorted(p.name for p in (root / "data" / "units").iterdir())[0]
    pledges = root / "data" / "units" / unit / "pledges.yaml"
    campaign = re.search(r'campaign: "?([a-z0-9-]+)"?', pledges.read_text(encoding="utf-8")).group(1)
    with pledges.open("a", encoding="utf-8") as f:
        f.write(f'- id: "later"\n  campaign: "{campaign}"\n  title: "尚未公示的承诺"\n'
                f'  commitment: "以后公示。"\n  published: 2026-07-15\n')
    site_project(root)
    gongshi(root, "build", "--as-of", AS_OF.isoformat())
    return root, root / "site", view_of(root, AS_OF)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    """The small hand-written fixture with a licence and base_url, built as of 2025-10-31."""
    root = tmp_path_factory.mktemp("export-fixture") / "proj"
    make_project(root, {"data/site.yaml": SITE + "base_url: https://gongshi.example.org/\nlicense: CC-BY-4.0\n"})
    site_project(root)
    gongshi(root, "build", "--as-of", FIXTURE_AS_OF.isoformat())
    return root / "site"


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has no UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# ---------------------------------------------------------------------------------------
# The column docs


def test_every_column_is_documented_once():
    from generator.view import tables

    types = {"string", "integer", "number", "boolean", "date"}
    assert list(tables.TABLES) == list(tables.COLUMNS)
    for table, (title, desc, cols) in tables.TABLES.items():
        assert title and desc
        names = [c.name for c in cols]
        assert names == tables.COLUMNS[table]
        assert len(names) == len(set(names)), table
        for c in cols:
            assert c.type in types, (table, c.name, c.type)
            assert re.search(r"[\u4e00-\u9fff]", c.description), (table, c.name)
            assert re.search(r"[\u4e00-\u9fff]", c.title), (table, c.name)
    # The columns the contract fixes (§5), in its order.
    assert tables.COLUMNS["pledges"][:4] == ["unit", "id", "campaign", "state"]
    assert tables.COLUMNS["rectifications"][:4] == ["unit", "id", "campaign", "state"]
    assert tables.COLUMNS["duties"][:6] == ["unit", "campaign", "phase", "kind", "due", "state"]
    assert "stale" in tables.COLUMNS["pledges"]


# ---------------------------------------------------------------------------------------
# The data package


def test_datapackage_validates_with_frictionless(bench):
    frictionless = pytest.importorskip("frictionless")
    _, site, _ = bench
    report = frictionless.validate(str(site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:20]


def test_datapackage_describes_every_file(bench):
    from generator.publish.datapackage import FOREIGN_KEYS
    from generator.view import tables

    _, site, view = bench
    pkg = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert pkg["title"] == view.site.title
    assert AS_OF.isoformat() in pkg["description"]
    names = [r["name"] for r in pkg["resources"]]
    assert names == [*tables.CSV_TABLES, "gongshi"]
    for res in pkg["resources"]:
        path = site / "data" / res["path"]
        content = path.read_bytes()
        assert res["bytes"] == len(content), res["name"]
        assert res["hash"] == "sha256:" + hashlib.sha256(content).hexdigest(), res["name"]
        assert re.search(r"[\u4e00-\u9fff]", res["description"])
        if res["name"] == "gongshi":
            assert res["format"] == "json" and res["mediatype"] == "application/json"
            continue
        assert res["encoding"] == "utf-8-sig" and res["format"] == "csv" and res["mediatype"] == "text/csv"
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == tables.COLUMNS[res["name"]]
        for f, c in zip(fields, tables.columns(res["name"]), strict=True):
            assert f["type"] == c.type and f["description"] == c.description
        assert res["schema"].get("foreignKeys", []) == FOREIGN_KEYS.get(res["name"], [])
    keys = {r["name"]: r["schema"].get("primaryKey") for r in pkg["resources"] if r["name"] != "gongshi"}
    assert keys["units"] == ["id"] and keys["pledges"] == ["unit", "id"]
    assert keys["rectifications"] == ["unit", "id"] and keys["ledger"] == ["unit", "seq"]
    fks = {r["name"]: r["schema"].get("foreignKeys") for r in pkg["resources"] if r["name"] != "gongshi"}
    assert fks["pledges"] == [{"fields": ["unit"], "reference": {"resource": "units", "fields": ["id"]}}]
    assert fks["ledger"] == [{"fields": ["unit", "pledge"], "reference": {"resource": "pledges", "fields": ["unit", "id"]}}]
    assert fks["rectifications"][0]["reference"] == {"resource": "units", "fields": ["id"]}
    assert fks["duties"][0]["reference"] == {"resource": "units", "fields": ["id"]}
    assert "licenses" not in pkg  # the bench site declares none


def test_datapackage_catches_a_broken_file(bench, tmp_path):
    """The package is a real check: a row pointing at no unit fails validation."""
    frictionless = pytest.importorskip("frictionless")
    _, site, _ = bench
    data = tmp_path / "data"
    shutil.copytree(site / "data", data)
    pkg = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for res in pkg["resources"]:
        res.pop("hash", None)
        res.pop("bytes", None)
    (data / "datapackage.json").write_text(json.dumps(pkg, ensure_ascii=False), encoding="utf-8")
    raw = (data / "pledges.csv").read_bytes()
    first_row = raw.split(b"\r\n")[1]
    (data / "pledges.csv").write_bytes(raw.replace(first_row, b"nobody" + first_row[first_row.index(b","):], 1))
    report = frictionless.validate(str(data / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e[0] for e in report.flatten(["type"])}


def test_licence_from_site_yaml(fixture_site):
    pkg = json.loads((fixture_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["licenses"] == [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                                "path": "https://creativecommons.org/licenses/by/4.0/"}]
    assert pkg["homepage"] == "https://gongshi.example.org/data/"


def test_licence_entry_forms():
    from generator.publish.datapackage import license_entry

    assert license_entry(None) is None and license_entry("  ") is None
    assert license_entry("ODC-BY-1.0")["path"].startswith("https://opendatacommons.org/")
    assert license_entry("MIT") == {"name": "MIT"}
    assert license_entry("https://example.org/licence") == {"path": "https://example.org/licence",
                                                             "title": "https://example.org/licence"}
    free = license_entry("署名即可自由使用", "https://x.example/data/")
    assert free == {"path": "https://x.example/data/#license", "title": "署名即可自由使用"}
    assert license_entry("署名即可自由使用")["path"] == "index.html"


# ---------------------------------------------------------------------------------------
# The CSV files against the derived view


def test_csv_row_counts_equal_the_published_records(bench):
    root, site, view = bench
    ds = view.dataset
    all_pledges = sum(len(f.pledges) for f in ds.units.values())
    all_rects = sum(len(f.rectifications) for f in ds.units.values())
    assert all_pledges > len(view.pledges), "the bench data should hold pledges published after the as-of date"
    expected = {
        "units": len(ds.units),
        "pledges": len(view.pledges),  # published on or before the as-of date, withdrawn ones included
        "ledger": sum(len(v.entries) for v in view.pledges),
        "rectifications": len(view.rectifications),
        "duties": len(view.duties),
    }
    assert expected["rectifications"] <= all_rects
    for table, n in expected.items():
        rows = read_csv(site / "data" / f"{table}.csv")
        assert len(rows) == n, f"{table}.csv has {len(rows)} rows, the view {n}"
    data = json.loads((site / "data" / "gongshi.json").read_text(encoding="utf-8"))
    assert data["as_of"] == AS_OF.isoformat()
    for table, n in expected.items():
        assert len(data[table]) == n, table
    hidden = {(p.unit, p.id) for f in ds.units.values() for p in f.pledges if p.published > AS_OF}
    shown = {(r["unit"], r["id"]) for r in read_csv(site / "data" / "pledges.csv")}
    assert hidden and not hidden & shown
    assert "尚未公示的承诺" not in (site / "data" / "gongshi.json").read_text(encoding="utf-8")


def test_round_trip_csv_to_records(bench):
    """Reading the CSV files back (typed, through the data package) gives the view's ids and states."""
    frictionless = pytest.importorskip("frictionless")
    _, site, view = bench
    pkg = frictionless.Package(str(site / "data" / "datapackage.json"))

    def rows(name):
        with pkg.get_resource(name) as res:
            return [r.to_dict() for r in res.read_rows()]

    pledges = rows("pledges")
    assert {(r["unit"], r["id"]): r["state"] for r in pledges} == {(v.unit, v.id): v.state.value for v in view.pledges}
    assert {(r["unit"], r["id"]): r["stale"] for r in pledges} == {(v.unit, v.id): v.stale for v in view.pledges}
    by_key = {(v.unit, v.id): v for v in view.pledges}
    for r in pledges:
        v = by_key[(r["unit"], r["id"])]
        assert r["published"] == v.pledge.published and r["deadline"] == v.deadline
        assert r["progress"] == v.progress and r["title"] == v.title
    rects = rows("rectifications")
    assert {(r["unit"], r["id"]): r["state"] for r in rects} == {(x.unit, x.id): x.state.value for x in view.rectifications}
    duties = rows("duties")
    assert sorted((d["unit"], d["campaign"], d["phase"], d["kind"], d["state"]) for d in duties) == sorted(
        (d.unit, d.campaign, d.phase, d.kind.value, d.state.value) for d in view.duties)
    ledger = rows("ledger")
    assert sorted((r["unit"], r["pledge"], r["date"], r["seq"]) for r in ledger) == sorted(
        (e.unit, e.pledge, e.date, e.seq) for v in view.pledges for e in v.entries)
    units = rows("units")
    assert [u["id"] for u in units] == list(view.dataset.units)
    # Every state of the contract occurs in the bench data, so every one survived the trip.
    from generator.model.records import PledgeState, RectState

    assert {r["state"] for r in pledges} == {s.value for s in PledgeState}
    assert {r["state"] for r in rects} == {s.value for s in RectState}


# ---------------------------------------------------------------------------------------
# The open-data page


def test_data_page_documents_files_fields_sizes_and_licence(bench, fixture_site):
    from generator.view import tables

    _, site, _ = bench
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    for table in tables.CSV_TABLES:
        size = (site / "data" / f"{table}.csv").stat().st_size
        assert f'href="{table}.csv"' in page
        assert f'title="{size} 字节"' in page, f"{table}.csv size missing"
        for c in tables.columns(table):
            assert f"<code>{c.name}</code>" in page, (table, c.name)
            assert html.escape(c.description, quote=False) in page, (table, c.name)
    for name in ("gongshi.json", "datapackage.json"):
        assert f'title="{(site / "data" / name).stat().st_size} 字节"' in page
    assert f'title="{(site / "feed.xml").stat().st_size} 字节"' in page
    assert "没有声明数据许可协议" in page
    licensed = (fixture_site / "data" / "index.html").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in licensed and 'id="license"' in licensed


def test_csv_files_open_in_excel(bench):
    """UTF-8 with BOM and CRLF line ends; the fixed columns come first (contract §5)."""
    _, site, _ = bench
    for table in ("units", "pledges", "ledger", "rectifications", "duties"):
        raw = (site / "data" / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    head = (site / "data" / "pledges.csv").read_bytes().decode("utf-8-sig").split("\r\n", 1)[0]
    assert head.startswith("unit,id,campaign,state,")


def test_a_text_that_excel_would_run_is_not_a_formula_in_the_csv(tmp_path):
    # A clerk's title beginning with "=" opens in Excel as text, not as a formula; the JSON keeps it.
    from helpers import FILES

    from generator.publish.export import csv_bytes, gongshi_json, rows
    from generator.view.pipeline import check

    title = '=HYPERLINK("http://example.invalid","点这里")'
    pledges = FILES["data/units/fgw/pledges.yaml"].replace("title: 项目审批网上办", f"title: '{title}'", 1)
    root = make_project(tmp_path / "p", {"data/units/fgw/pledges.yaml": pledges})
    res = check(root, as_of=date(2025, 6, 1), today=date(2025, 6, 1))
    assert not res.errors, [p.text() for p in res.errors]
    table = rows(res.derived)
    got = list(csv.DictReader(io.StringIO(csv_bytes("pledges", table["pledges"]).decode("utf-8-sig"))))
    assert [r["title"] for r in got if r["id"] == "wangban"] == ["'" + title]
    assert title in {p["title"] for p in gongshi_json(res.derived, table)["pledges"]}
