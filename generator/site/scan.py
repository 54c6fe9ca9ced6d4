"""The scan for executable markup from data: none may reach the built site.

The plugin scans every generated page body where it is rendered (:func:`scan_fragment`) and,
when a site uses Material's search, that index's titles, which its results insert as live HTML
(:func:`scan_search_index`). :func:`scan_site` checks a built site's pages after the fact,
within their content area (the theme's own scripts live outside it).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from generator.model.text import ALLOWED_SCHEMES

_CONTENT_START = re.compile(r'<article class="md-content__inner[^"]*"[^>]*>')
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "base", "form", "meta", "link", "style"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"{tag} 的事件属性 {name}")
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href", "srcset") and value:
                m = _SCHEME.match(value)
                if m and m.group(1).lower() not in ALLOWED_SCHEMES:
                    self.found.append(f"{tag} 的 {name}={value[:40]!r}")

    handle_startendtag = handle_starttag


_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)([^<>]*)>")
_ATTR = re.compile(r"""([^\s"'=<>/]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_BAD_TAGS = {"script", "iframe", "object", "embed", "base", "form", "meta", "link", "style"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcset"}


def scan_html(html: str) -> list[str]:
    """Executable markup in the content area of one page (a tag-level scan, fast enough for every page)."""
    m = _CONTENT_START.search(html)
    if not m:
        return []
    end = html.find("</article>", m.end())
    return _scan(html, m.end(), end if end != -1 else len(html))


def scan_fragment(html: str) -> list[str]:
    """Executable markup anywhere in a page body, as rendered before the theme wraps it."""
    return _scan(html, 0, len(html))


def _scan(html: str, start: int, end: int) -> list[str]:
    found = []
    for tag in _TAG.finditer(html, start, end):
        name = tag.group(1).lower()
        if name in _BAD_TAGS:
            found.append(f"<{name}>")
        attrs = tag.group(2)
        if not attrs.strip():
            continue
        for a in _ATTR.finditer(attrs):
            key = a.group(1).lower()
            value = a.group(2) or a.group(3) or a.group(4) or ""
            if key.startswith("on"):
                found.append(f"{name} 的事件属性 {key}")
            elif key in _URL_ATTRS and value:
                v = _unescape(value)
                sm = _SCHEME.match(v)
                if sm and sm.group(1).lower() not in ALLOWED_SCHEMES:
                    found.append(f"{name} 的 {key}={value[:40]!r}")
    return found


def _unescape(v: str) -> str:
    import html as _html

    return _html.unescape(v)


def scan_site(site_dir: Path, urls: list[str]) -> list[str]:
    problems = []
    for url in urls:
        f = site_dir / url / "index.html"
        if f.is_file():
            for what in scan_html(f.read_text(encoding="utf-8")):
                problems.append(f"/{url}: {what}")
    return problems + scan_search_index(site_dir)


def scan_search_index(site_dir: Path) -> list[str]:
    """Markup in the titles of Material's search index, which its results insert as HTML
    (only when a site uses Material's search instead of the Pagefind index)."""
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return []
    problems = []
    for doc in json.loads(index.read_text(encoding="utf-8")).get("docs", []):
        s = _Scanner()
        s.feed(doc.get("title", ""))
        for what in s.found:
            problems.append(f"搜索索引 {doc.get('location', '')}: {what}")
    return problems
