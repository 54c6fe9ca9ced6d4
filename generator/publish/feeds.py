"""Atom feeds of what changed in the public record: ``/feed.xml`` and ``/units/<unit>/feed.xml``.

Built with the standard library's ElementTree, which escapes text and attributes.  Nothing
comes from the clock: entry dates are the records' own dates (midnight in the site's time
zone), a feed's ``updated`` is its newest entry's, and entry ids are ``tag:`` URIs made from
the events' stable ids, so a feed reader sees the same entry in every build.

Ids use the host of ``base_url`` as their authority when it is set (``tag:gongshi.example.org,
2025:pledge:fgw/wangban``), else ``gongshi``; changing ``base_url`` later changes every id once.
Links are absolute when ``base_url`` is set, else relative to the feed's own location (Atom
readers resolve them against the address they fetched the feed from).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from generator import __version__
from generator.site.qr import site_base as base_url
from generator.site.render import relative
from generator.view.derive import Derived
from generator.view.events import Event
from generator.view.events import events as all_events

ATOM = "http://www.w3.org/2005/Atom"
SITE_LIMIT = 200  # entries in /feed.xml, newest first
UNIT_LIMIT = 50  # entries in each unit's feed: what a reader polling it has not seen yet; the page lists all
TAG_DATE = "2025"  # the tagging date of every id; part of the ids, so never change it

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def feed_files(view: Derived, stream: list[Event] | None = None) -> Iterator[tuple[str, bytes]]:
    """(site path, Atom document) for the site feed and one feed per unit."""
    stream = all_events(view) if stream is None else stream
    ds = view.dataset
    site = ds.site
    yield "feed.xml", atom(view, stream[:SITE_LIMIT], "feed.xml", site.title, "", newest=_newest(stream))
    by_unit: dict[str, list[Event]] = {uid: [] for uid in ds.units}
    for e in stream:
        if e.unit in by_unit:
            by_unit[e.unit].append(e)
    for uid, evs in by_unit.items():
        u = ds.units[uid].unit
        yield (f"units/{uid}/feed.xml",
               atom(view, evs[:UNIT_LIMIT], f"units/{uid}/feed.xml", f"{u.name} · {site.title}", f"units/{uid}/",
                    newest=_newest(evs) or _newest(stream), feed_key=f"unit:{uid}"))


def _newest(stream: list[Event]) -> date | None:
    return max((e.date for e in stream), default=None)


def atom(view: Derived, entries: Iterable[Event], path: str, title: str, home: str, *,
         newest: date | None, feed_key: str = "site") -> bytes:
    """One Atom document at site path ``path`` whose alternate page is ``home``."""
    site = view.site
    tz = _zone(site.timezone)
    base = base_url(site.base_url)
    tag = tag_prefix(base)

    def href(target: str) -> str:
        return base + target if base else relative(path, target)

    feed = ET.Element("feed", {"xmlns": ATOM, "{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    _text(feed, "id", f"{tag}feed:{feed_key}")
    _text(feed, "title", title)
    _text(feed, "subtitle", f"{site.title}：新承诺、工作台账、承诺变更、问题整改与销号、督查和考核结果，按记录日期排列")
    # Not the build time: the date of the newest record (the as-of date when there is none).
    _text(feed, "updated", _stamp(newest or view.as_of, tz))
    author = ET.SubElement(feed, "author")
    _text(author, "name", site.owner)
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": href(path)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": href(home)})
    _text(feed, "generator", "gongshi", {"version": __version__})
    if site.license:
        _text(feed, "rights", f"数据许可：{site.license}")
    for e in entries:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", tag + e.id)
        _text(entry, "title", f"{e.label}｜{e.title}")
        stamp = _stamp(e.date, tz)
        _text(entry, "published", stamp)
        _text(entry, "updated", stamp)
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": href(e.url)})
        ET.SubElement(entry, "category", {"term": e.kind, "label": e.label})
        _text(entry, "summary", e.summary or e.title, {"type": "text"})
    ET.indent(feed, space=" ")
    # Serialised to str and encoded once: ElementTree's own encoding writer is much slower.
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n").encode("utf-8")


def _text(parent: ET.Element, tag: str, text: str, attrib: dict[str, str] | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib or {})
    el.text = _NOT_XML.sub("", text)
    return el


def _zone(name: str):
    try:
        return ZoneInfo(name)
    except Exception:  # validated elsewhere; never fail a feed over it
        return ZoneInfo("Asia/Shanghai")


def _stamp(d: date, tz) -> str:
    """RFC 3339 timestamp of midnight at the start of ``d`` in the site's time zone."""
    return datetime.combine(d, time(0, 0), tzinfo=tz).isoformat()


def tag_prefix(base: str) -> str:
    """The start of every ``tag:`` id: ``tag:<host of base_url>,2025:`` (plus its path, for a site
    under a sub-path), or ``tag:gongshi,2025:`` without ``base_url``."""
    if not base:
        return f"tag:gongshi,{TAG_DATE}:"
    parts = urlsplit(base)
    host = (parts.hostname or "gongshi").lower()
    path = parts.path.strip("/")
    return f"tag:{host},{TAG_DATE}:" + (quote(path, safe="/") + "/" if path else "")
