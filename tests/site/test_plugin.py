"""The MkDocs plugin and `gongshi build`: a real build writes every public URL of contract §5,
a failed build leaves the previous site untouched, and the navigation stays small."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import sitekit as K

pytestmark = pytest.mark.slow


def _exists(site, url: str) -> bool:
    return (site / url / "index.html").is_file() if url.endswith("/") or not url else (site / url).is_file()


def test_plain_mkdocs_build_strict_succeeds(bench_build):
    res, site = bench_build
    assert res.returncode == 0, f"mkdocs build --strict failed:\n{res.stdout}\n{res.stderr}"
    assert "Traceback" not in res.stderr
    assert (site / "index.html").is_file()


def test_every_contract_url_is_written(bench_site, bench_view):
    view, ds = bench_view, bench_view.dataset
    missing = []

    def need(url: str) -> None:
        if not _exists(bench_site, url):
            missing.append("/" + url)

    for url in ("", "campaigns/", "units/", "inspections/", "evaluations/", "updates/", "data/", "feed.xml",
                "sitemap.xml", "robots.txt"):
        need(url)
    for uid in ds.units:
        need(f"units/{uid}/")
        need(f"units/{uid}/notice/")
        need(f"units/{uid}/rectifications/")
    for v in view.pledges:
        need(f"units/{v.unit}/{v.pledge.id}/")
    for cid, camp in ds.campaigns.items():
        need(f"campaigns/{cid}/")
        for ph in camp.phases:
            need(f"campaigns/{cid}/{ph.id}/")
    for cid in ds.campaigns:  # every campaign's, published or not yet (it then says so)
        need(f"evaluations/{cid}/")
    for t in ("units", "pledges", "ledger", "rectifications", "duties"):
        need(f"data/{t}.csv")
    need("data/gongshi.json")
    from generator.model import schema

    for kind in schema.KINDS:
        need(f"schema/{kind}.json")
    assert not missing, "contract §5 URLs missing from the build:\n" + "\n".join(missing)
    assert view.pledges and view.rectifications and view.evaluations, "the fixture should exercise every page kind"


def test_feed_and_data_package_are_written(bench_site):
    """Contract §5 also fixes /feed.xml (Atom) and /data/datapackage.json."""
    missing = [u for u in ("feed.xml", "data/datapackage.json") if not (bench_site / u).is_file()]
    assert not missing, f"contract §5 files missing from the build: {missing}"
    feed = (bench_site / "feed.xml").read_text(encoding="utf-8")
    assert "http://www.w3.org/2005/Atom" in feed
    json.loads((bench_site / "data" / "datapackage.json").read_text(encoding="utf-8"))


def test_rectification_anchors(bench_site, bench_view):
    missing = []
    for r in bench_view.rectifications:
        html = (bench_site / "units" / r.unit / "rectifications" / "index.html").read_text(encoding="utf-8")
        if f'id="{r.id}"' not in html:
            missing.append(f"/units/{r.unit}/rectifications/#{r.id}")
    assert not missing, "rectification anchors missing:\n" + "\n".join(missing)


def test_csv_files_have_bom(bench_site):
    for t in ("units", "pledges", "ledger", "rectifications", "duties"):
        assert (bench_site / "data" / f"{t}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), t


def _nav_labels(html_text: str) -> list[str]:
    out = []
    for m in re.finditer(r'<(a|label)\b[^>]*class="(?:md-nav__link|md-tabs__link)[^"]*"[^>]*>(.*?)</\1>',
                         html_text, re.S):
        out.append(re.sub(r"<[^>]+>|\s+", " ", m.group(2)).strip())
    return out


@pytest.mark.parametrize("url", ["", "units/", K.SAMPLE_PLEDGE_URL, "units/fgw/", "units/fgw/rectifications/",
                                 "campaigns/yingshang/shishi/"])
def test_nav_holds_only_top_level_entries(sample_site, sample_view, url):
    html_text = (sample_site / url / "index.html").read_text(encoding="utf-8")
    labels = _nav_labels(html_text)
    assert labels, "no navigation links found"
    extra = [x for x in labels if x not in K.TOP_NAV]
    assert not extra, f"/{url}: unexpected navigation entries {extra}"
    titles = {v.title for v in sample_view.pledges}
    assert not titles & set(labels)
    # Each top-level entry once in the tabs and once in the drawer, nothing more.
    assert len(labels) <= 2 * len(K.TOP_NAV), labels


def test_bench_pledge_page_nav_is_small(bench_site, bench_view):
    v = bench_view.pledges[0]
    html_text = (bench_site / "units" / v.unit / v.pledge.id / "index.html").read_text(encoding="utf-8")
    assert html_text.count('class="md-nav__link') <= len(K.TOP_NAV) + 1
    assert v.title not in " ".join(_nav_labels(html_text))


# ---------------------------------------------------------------------------------------
# Atomic builds


def _break_yaml(root):
    p = root / "data" / "units" / "fgw" / "pledges.yaml"
    text = p.read_text(encoding="utf-8")
    title = f'title: "{K.SAMPLE_PLEDGE_TITLE}"'
    assert title in text
    p.write_text(text.replace(title, f'title: "{K.SAMPLE_PLEDGE_TITLE}', 1), encoding="utf-8")  # no closing quote
    return "data/units/fgw/pledges.yaml", None


def _bad_value(root):
    p = root / "data" / "units" / "spj" / "ledger.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("progress: 10\n", "progress: 150\n", 1), encoding="utf-8")
    line = text[: text.index("progress: 10\n")].count("\n") + 1
    return "data/units/spj/ledger.yaml", line


def _bad_reference(root):
    p = root / "data" / "units" / "fgw" / "ledger.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace('pledge: "xiangmu-bangban"', 'pledge: "xiangmu-bangbna"', 1), encoding="utf-8")
    line = text[: text.index('pledge: "xiangmu-bangban"')].count("\n") + 1
    return "data/units/fgw/ledger.yaml", line


@pytest.fixture(scope="module")
def built_copy(sample_project, tmp_path_factory):
    """A copy of the sample built once; each atomicity test works on its own copy of that."""
    root = tmp_path_factory.mktemp("atomic") / "proj"
    shutil.copytree(sample_project, root)
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    return root


@pytest.mark.parametrize("breaker", [_break_yaml, _bad_value, _bad_reference], ids=["yaml", "range", "reference"])
def test_failed_build_leaves_previous_site_untouched(built_copy, tmp_path, breaker):
    root = tmp_path / "proj"
    shutil.copytree(built_copy, root, symlinks=True)
    before = K.tree_digest(root / "site")
    assert before
    path, line = breaker(root)
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert "Traceback" not in out, out
    loc = re.search(rf"{re.escape(path)}:(\d+):", out)
    assert loc, f"the error should name {path}:<line>:\n{out}"
    if line is not None:
        assert int(loc.group(1)) == line, out
    assert "错误" in out or "失败" in out, out
    assert re.search(r"[\u4e00-\u9fff]", out)
    assert K.tree_digest(root / "site") == before, "a failed build changed the previous site/"
    leftovers = [p.name for p in root.iterdir() if p.name.startswith((".site-building-", ".site-old-"))]
    assert not leftovers, leftovers


def test_successful_rebuild_replaces_site(built_copy, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(built_copy, root, symlinks=True)
    (root / "site" / "stale-file.txt").write_text("from an older build", encoding="utf-8")
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    assert not (root / "site" / "stale-file.txt").exists()
    assert (root / "site" / K.SAMPLE_PLEDGE_URL / "index.html").is_file()
    assert not [p.name for p in root.iterdir() if p.name.startswith((".site-building-", ".site-old-"))]


def test_build_as_of_hides_later_records(sample_site):
    """The sample's `weilai` pledge is published 2025-11-15, after the build's as-of date: it
    appears nowhere (no page, no CSV row, no JSON record, no search entry, no update)."""
    assert not (sample_site / "units" / "spj" / "weilai").exists()
    assert (sample_site / "units" / "spj" / "zhengzhao" / "index.html").is_file()
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'datetime="2025-10-31"' in home
    everything = [
        json.dumps(K.search_records(sample_site), ensure_ascii=False),
        (sample_site / "data" / "pledges.csv").read_text(encoding="utf-8-sig"),
        (sample_site / "data" / "ledger.csv").read_text(encoding="utf-8-sig"),
        (sample_site / "data" / "gongshi.json").read_text(encoding="utf-8"),
        (sample_site / "updates" / "index.html").read_text(encoding="utf-8"),
        (sample_site / "units" / "spj" / "index.html").read_text(encoding="utf-8"),
        (sample_site / "units" / "spj" / "notice" / "index.html").read_text(encoding="utf-8"),
    ]
    for text in everything:
        assert "weilai" not in text and "尚未公示的承诺" not in text
    assert json.loads(everything[3])["as_of"] == "2025-10-31"
