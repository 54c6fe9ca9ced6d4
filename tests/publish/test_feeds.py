"""Atom feeds (issue #5): /feed.xml and /units/<unit>/feed.xml, and the "data last changed" date
that every page shows."""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import PLEDGES_SWJ, SITE, make_project

REPO = Path(__file__).resolve().parents[2]
A = "{http://www.w3.org/2005/Atom}"
AS_OF = date(2025, 10, 31)
BASE = "https://gongshi.example.org/"
HOSTILE_TITLE = '减税 & 降费 <script>alert("x")</script> ]]> 宣讲'


def _mkdocs_yml() -> str:
    out, skipping = [], False
    for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if skipping and (line.startswith("      ") or not line.strip()):
            continue
        skipping = line.strip().startswith("- 编辑指南")
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def project(root: Path, overrides: dict | None = None) -> Path:
    make_project(root, overrides)
    (root / "mkdocs.yml").write_text(_mkdocs_yml(), encoding="utf-8")
    shutil.copytree(REPO / "theme_overrides", root / "theme_overrides", dirs_exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    return root


def build(root: Path, as_of: date, site_dir: Path | None = None) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    env["PYTHONPATH"] = str(REPO)
    cmd = [sys.executable, "-m", "generator", "--root", str(root), "build", "--as-of", as_of.isoformat()]
    if site_dir is not None:
        cmd += ["--site-dir", str(site_dir)]
    res = subprocess.run(cmd, cwd=str(REPO), env=env, capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert res.returncode == 0, f"build failed:\n{res.stdout}\n{res.stderr}"
    return site_dir or root / "site"


HOSTILE = {"data/units/swj/pledges.yaml": PLEDGES_SWJ.replace("title: 减税降费政策宣讲", f"title: '{HOSTILE_TITLE}'")}


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The fixture with base_url built twice as of AS_OF, once as of an earlier date, and the
    fixture without base_url: {name: site dir}."""
    tmp = tmp_path_factory.mktemp("feeds")
    root = project(tmp / "abs", {"data/site.yaml": SITE + f"base_url: {BASE}\n", **HOSTILE,
                                 "content/about.md": "# 关于本站\n\n本站公开承诺和整改情况。\n"})
    rel = project(tmp / "rel", HOSTILE)
    return {
        "abs": build(root, AS_OF, tmp / "site-a"),
        "again": build(root, AS_OF, tmp / "site-b"),
        "earlier": build(root, date(2025, 3, 1), tmp / "site-earlier"),
        "rel": build(rel, AS_OF),
    }


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    from generator.view.pipeline import check

    root = make_project(tmp_path_factory.mktemp("feeds-view") / "proj", HOSTILE)
    res = check(root, AS_OF)
    assert not res.errors
    return res.derived


def parse(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == f"{A}feed"
    return root


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{A}entry")


def text(el: ET.Element, tag: str) -> str:
    child = el.find(f"{A}{tag}")
    assert child is not None, f"<{tag}> missing"
    assert child.text and child.text.strip(), f"<{tag}> empty"
    return child.text


def stamp(value: str) -> datetime:
    """An RFC 3339 date-time with an offset, as Atom requires."""
    d = datetime.fromisoformat(value)
    assert d.tzinfo is not None, value
    assert "T" in value
    return d


def all_feeds(site: Path) -> list[Path]:
    return [site / "feed.xml", *sorted((site / "units").glob("*/feed.xml"))]


# ---------------------------------------------------------------------------------------


def check_atom(path: Path) -> ET.Element:
    """The required elements of RFC 4287 and a few of its rules."""
    feed = parse(path)
    for tag in ("id", "title", "updated"):
        text(feed, tag)
    assert feed.find(f"{A}author/{A}name") is not None, "a feed needs an author (its entries have none)"
    stamp(text(feed, "updated"))
    self_links = [link for link in feed.findall(f"{A}link") if link.get("rel") == "self"]
    assert len(self_links) == 1
    ids = []
    for e in entries(feed):
        for tag in ("id", "title", "updated", "summary"):
            text(e, tag)
        stamp(text(e, "updated"))
        links = [link for link in e.findall(f"{A}link") if link.get("rel", "alternate") == "alternate"]
        assert len(links) == 1 and links[0].get("href")
        ids.append(text(e, "id"))
    assert len(ids) == len(set(ids)), f"duplicate entry ids in {path}"
    for i in ids + [text(feed, "id")]:
        assert i.startswith("tag:") and " " not in i, i
    return feed


def test_feeds_are_valid_atom(sites):
    for name in ("abs", "rel"):
        feeds = all_feeds(sites[name])
        assert len(feeds) == 3  # the site and the fixture's two units
        for path in feeds:
            check_atom(path)


def test_site_feed_has_newest_first_with_record_dates(sites, view):
    from generator.view.events import events

    feed = check_atom(sites["abs"] / "feed.xml")
    stream = events(view)
    got = [(text(e, "id"), stamp(text(e, "updated")).date()) for e in entries(feed)]
    assert [d for _, d in got] == sorted((d for _, d in got), reverse=True)
    assert got == [(f"tag:gongshi.example.org,2025:{e.id}", e.date) for e in stream]
    # Record dates, not the build time: the newest record is the evaluation of 2025-08-01.
    assert stamp(text(feed, "updated")).date() == max(e.date for e in stream) == date(2025, 8, 1)
    assert text(feed, "updated") == "2025-08-01T00:00:00+08:00"


def test_entry_ids_stay_the_same_across_builds(sites):
    for rel in ("feed.xml", "units/fgw/feed.xml", "units/swj/feed.xml"):
        a = (sites["abs"] / rel).read_bytes()
        assert a == (sites["again"] / rel).read_bytes(), f"{rel} differs between two builds of the same data"
    # A build as of an earlier date has fewer entries, with the same ids and dates.
    now = {text(e, "id"): text(e, "updated") for e in entries(parse(sites["abs"] / "feed.xml"))}
    before = {text(e, "id"): text(e, "updated") for e in entries(parse(sites["earlier"] / "feed.xml"))}
    assert before and len(before) < len(now)
    assert all(now[i] == d for i, d in before.items())
    assert text(parse(sites["earlier"] / "feed.xml"), "id") == text(parse(sites["abs"] / "feed.xml"), "id")


def test_unit_feeds_hold_only_their_units_events(sites, view):
    from generator.view.events import events

    stream = events(view)
    for uid in ("fgw", "swj"):
        feed = check_atom(sites["abs"] / "units" / uid / "feed.xml")
        ids = [text(e, "id").split(":", 2)[2] for e in entries(feed)]
        assert ids == [e.id for e in stream if e.unit == uid]
        unit_name = view.dataset.units[uid].unit.name
        assert unit_name in text(feed, "title")
        alt = [link.get("href") for link in feed.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert alt == [f"{BASE}units/{uid}/"]
        assert text(feed, "id") != text(parse(sites["abs"] / "feed.xml"), "id")


def test_links_point_at_existing_pages(sites):
    """Absolute with base_url, relative to the feed's own location without it; either way they
    lead to a built page."""
    for name in ("abs", "rel"):
        site = sites[name]
        for path in all_feeds(site):
            feed = parse(path)
            where = path.relative_to(site).as_posix()
            hrefs = [link.get("href") for link in feed.iter(f"{A}link")]
            assert hrefs
            for href in hrefs:
                if name == "abs":
                    assert href.startswith(BASE), href
                    target = href[len(BASE):]
                else:
                    assert "://" not in href and not href.startswith("/"), href
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(where), href.split("#")[0]))
                    target = "" if target == "." else target
                target = target.split("#")[0]
                file = site / target / "index.html" if target == "" or target.endswith("/") or "." not in target \
                    else site / target
                assert file.is_file(), f"{where}: {href} -> {file}"
    rel_ids = [text(e, "id") for e in entries(parse(sites["rel"] / "feed.xml"))]
    assert all(i.startswith("tag:gongshi,2025:") for i in rel_ids)


def test_text_is_escaped(sites):
    raw = (sites["abs"] / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw
    titles = [text(e, "title") for e in entries(parse(sites["abs"] / "feed.xml"))]
    assert any(HOSTILE_TITLE in t for t in titles), titles


def test_site_feed_is_capped_at_200_newest(view):
    from generator.publish.feeds import SITE_LIMIT, feed_files
    from generator.view.events import Event

    base = date(2024, 1, 1)
    stream = [Event(date.fromordinal(base.toordinal() + i), "ledger", "台账", "fgw", f"第 {i} 条", "进展", "units/fgw/",
                    f"ledger:fgw/x/{i}") for i in range(300)]
    stream.sort(key=lambda e: (e.date, e.id), reverse=True)
    files = dict(feed_files(view, stream))
    feed = ET.fromstring(files["feed.xml"])
    got = entries(feed)
    assert len(got) == SITE_LIMIT == 200
    assert [text(e, "title") for e in got[:2]] == ["台账｜第 299 条", "台账｜第 298 条"]
    assert stamp(text(feed, "updated")).date() == stream[0].date
    assert len(entries(ET.fromstring(files["units/swj/feed.xml"]))) == 0
    # A unit without events still has a valid feed; its date is the site's newest record.
    assert stamp(text(ET.fromstring(files["units/swj/feed.xml"]), "updated")).date() == stream[0].date


def test_characters_xml_cannot_hold_are_dropped(view):
    from generator.publish.feeds import feed_files
    from generator.view.events import Event

    bad = Event(date(2025, 5, 1), "ledger", "台账", "fgw", "标题\x0b含控制字符", "摘要\x00", "units/fgw/", "ledger:fgw/y/1")
    files = dict(feed_files(view, [bad]))
    feed = ET.fromstring(files["feed.xml"])
    assert text(entries(feed)[0], "title") == "台账｜标题含控制字符"


# ---------------------------------------------------------------------------------------
# "When the data last changed" on every page


def test_hand_written_pages_show_when_the_data_last_changed(sites):
    page = (sites["abs"] / "about" / "index.html").read_text(encoding="utf-8")
    assert '数据状态计算日期：<time datetime="2025-10-31">' in page
    assert '数据最后变动：<time datetime="2025-08-01">2025-08-01</time>' in page
    earlier = (sites["earlier"] / "about" / "index.html").read_text(encoding="utf-8")
    assert '数据最后变动：<time datetime="2025-03-01">' in earlier  # the problem found that day


def test_generated_pages_keep_their_own_dates(sites):
    unit = (sites["abs"] / "units" / "fgw" / "index.html").read_text(encoding="utf-8")
    assert "状态计算日期" in unit and "记录最后变动" in unit
    assert "数据最后变动" not in unit  # the theme adds it only to hand-written pages
