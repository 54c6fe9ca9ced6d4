"""Every evidence reference in the open data resolves as written, as the data page says:
``/units/<unit>/<path>``, the file itself, byte for byte (a ``.md`` file too, never made a page)."""

from __future__ import annotations

import csv
import io
import json
import urllib.request

import sitekit as K


def _references(site):
    """(unit, path) of every local evidence reference in ledger.csv and gongshi.json."""
    refs = set()
    text = (site / "data" / "ledger.csv").read_text(encoding="utf-8-sig")
    for row in csv.DictReader(io.StringIO(text)):
        refs |= {(row["unit"], ev) for ev in (row["evidence"] or "").split() if not ev.startswith(("http://", "https://"))}
    data = json.loads((site / "data" / "gongshi.json").read_text(encoding="utf-8"))
    json_refs = set()
    for e in data["ledger"]:
        json_refs |= {(e["unit"], ev) for ev in (e["evidence"] or "").split() if ev.startswith("evidence/")}
    for r in data["rectifications"]:
        json_refs |= {(r["unit"], ev) for ev in (r.get("closure") or {}).get("evidence", []) if ev.startswith("evidence/")}
    return refs, json_refs


def test_sample_evidence_resolves_over_http_as_the_file_itself(sample_url, sample_site, sample_project):
    refs, json_refs = _references(sample_site)
    assert ("spj", "evidence/huifang/2025-10.md") in refs and len(json_refs) >= len(refs) >= 3
    for unit, path in sorted(refs | json_refs):
        with urllib.request.urlopen(f"{sample_url}units/{unit}/{path}") as resp:
            assert resp.status == 200
            body = resp.read()
        assert body == (sample_project / "data" / "units" / unit / path).read_bytes(), f"/units/{unit}/{path}"
    md = sample_site / "units" / "spj" / "evidence" / "huifang"
    assert (md / "2025-10.md").read_text(encoding="utf-8") == K.SAMPLE_MD_EVIDENCE
    assert not (md / "2025-10").exists(), "a .md evidence file must not also be made a page"


def test_pages_link_evidence_where_the_data_says(sample_site):
    page = (sample_site / "units" / "spj" / "yanshi-fuwu" / "index.html").read_text(encoding="utf-8")
    assert 'href="../evidence/huifang/2025-10.md"' in page


def test_bench_evidence_resolves(bench_site):
    refs, json_refs = _references(bench_site)
    assert refs
    missing = [f"/units/{u}/{p}" for u, p in sorted(refs | json_refs) if not (bench_site / "units" / u / p).is_file()]
    assert not missing, missing


def test_the_data_page_and_package_say_how_evidence_resolves(sample_site):
    page = (sample_site / "data" / "index.html").read_text(encoding="utf-8")
    pkg = json.loads((sample_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    ledger = next(r for r in pkg["resources"] if r["name"] == "ledger")
    field = next(f for f in ledger["schema"]["fields"] if f["name"] == "evidence")
    for text in (page, field["description"]):
        assert "/units/&lt;unit&gt;/&lt;路径&gt;" in text or "/units/<unit>/<路径>" in text
        assert "原样" in text
