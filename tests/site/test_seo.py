"""What a search engine and a feed reader find: sitemap, canonical links, robots.txt, feed links.

All of it comes from ``base_url`` in data/site.yaml (the sample sets one, under a sub-path); the
bench fixture has none and shows what a site without a public address gets.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

import pytest
import sitekit as K

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _pages(site):
    """path under the site ('' for the home page) → the page's HTML, for every page but 404.html and
    the clerks' editor under /admin/ (its own app, not for search engines: robots.txt disallows it)."""
    return {("" if p.parent == site else p.parent.relative_to(site).as_posix() + "/"): p.read_text(encoding="utf-8")
            for p in K.html_pages(site) if p.name == "index.html" and not p.relative_to(site).as_posix().startswith("admin/")}


def _links(html_text, rel):
    """The <link> elements in <head> whose rel holds the token ``rel``."""
    head = K.parse(html_text.split("</head>", 1)[0]).tags
    return [dict(a) for tag, a in head if tag == "link" and rel in (dict(a).get("rel") or "").split()]


def _locs(site):
    root = ET.parse(site / "sitemap.xml").getroot()
    return [u.findtext(f"{SM}loc") for u in root.findall(f"{SM}url")]


def test_sitemap_lists_every_page_by_its_absolute_address(sample_site):
    pages = _pages(sample_site)
    assert len(pages) > 20
    locs = _locs(sample_site)
    assert len(locs) == len(set(locs))
    assert set(locs) == {K.SAMPLE_BASE_URL + path for path in pages}
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    pledge = next(u for u in root.findall(f"{SM}url") if u.findtext(f"{SM}loc").endswith(K.SAMPLE_PLEDGE_URL))
    assert pledge.findtext(f"{SM}lastmod") == "2025-09-20"  # the pledge's own last entry, not the build date


def test_every_page_has_its_canonical_link(sample_site):
    for path, text in _pages(sample_site).items():
        canon = [a["href"] for a in _links(text, "canonical")]
        assert canon == [K.SAMPLE_BASE_URL + path], f"/{path}: {canon}"


def test_robots_names_the_sitemap(sample_site):
    robots = (sample_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots and "Disallow: /admin/" in robots
    assert f"Sitemap: {K.SAMPLE_BASE_URL}sitemap.xml" in robots


def test_every_page_announces_the_site_feed_and_unit_pages_their_unit_feed(sample_site):
    for path, text in _pages(sample_site).items():
        feeds = [a for a in _links(text, "alternate") if a.get("type") == "application/atom+xml"]
        hrefs = [urljoin("https://x.test/" + path, a["href"]) for a in feeds]
        assert hrefs[0] == "https://x.test/feed.xml", f"/{path}: {hrefs}"
        if path.startswith("units/") and path != "units/":
            uid = path.split("/")[1]
            assert hrefs[1:] == [f"https://x.test/units/{uid}/feed.xml"], f"/{path}: {hrefs}"
            assert (sample_site / "units" / uid / "feed.xml").is_file()
        else:
            assert len(hrefs) == 1, f"/{path}: {hrefs}"
    unit = _pages(sample_site)["units/fgw/"]
    titles = [a["title"] for a in _links(unit, "alternate")]
    assert titles == ["示例县政务承诺公开平台 · 动态", "示例县发展和改革委员会 · 动态"]


def test_without_base_url_no_relative_address_is_passed_off_as_one(bench_site):
    """The bench fixture sets no base_url: a valid, empty sitemap, no canonical link, robots.txt without Sitemap."""
    assert _locs(bench_site) == []
    robots = (bench_site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and "Sitemap" not in robots
    home = (bench_site / "index.html").read_text(encoding="utf-8")
    assert _links(home, "canonical") == []
    assert [a["href"] for a in _links(home, "alternate")] == ["feed.xml"]


def test_a_second_address_in_mkdocs_yml_fails_the_build(sample_project, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(sample_project, root)
    yml = root / "mkdocs.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "site_url: https://other.example.org/\n", encoding="utf-8")
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 1
    assert "site_url" in res.stderr and "base_url" in res.stderr and "Traceback" not in res.stderr
    assert not (root / "site").exists()


@pytest.mark.browser
def test_feed_links_make_no_page_download_a_sitemap(sample_url, browse):
    """Material's script downloads the sitemap.xml beside every link[rel=alternate] on each page
    view (for its language switch); the feed links must not set that off."""
    page, rec = browse()
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    for url in ("", "units/fgw/", K.SAMPLE_PLEDGE_URL):
        page.goto(sample_url + url, wait_until="load")
        page.wait_for_load_state("networkidle")
        assert len(_links(page.content(), "alternate")) >= 1
    assert not [a for a in asked if "sitemap" in a], asked
    assert not rec.errors, rec.errors
