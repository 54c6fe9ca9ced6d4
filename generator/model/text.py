"""Markdown text from data/ as plain text: the link schemes it uses and a one-line rendering.

The checker judges links by these rules and the site sanitises with the same schemes, so a link
that passes ``gongshi check`` is a link the page keeps.
"""

from __future__ import annotations

import functools
import html
import re

ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}

# Inline links, images, autolinks and reference definitions: the URL's scheme, if any.
_LINK_RE = re.compile(
    r"\]\(\s*<?([A-Za-z][A-Za-z0-9+.\-]*):"  # [text](scheme:...)
    r"|<([A-Za-z][A-Za-z0-9+.\-]*):[^>\s]*>"  # <scheme:...>
    r"|^\s{0,3}\[[^\]]+\]:\s*<?([A-Za-z][A-Za-z0-9+.\-]*):",  # [ref]: scheme:...
    re.M,
)


def bad_link_schemes(text: str) -> list[str]:
    """The schemes of links in ``text`` that are not http, https, mailto or tel."""
    out = []
    # Entities in a link target (&#106;avascript:) are decoded by browsers and renderers alike.
    if "&" in text:
        text = html.unescape(text)
    for m in _LINK_RE.finditer(text):
        scheme = next(g for g in m.groups() if g)
        if scheme.lower() not in ALLOWED_SCHEMES:
            out.append(scheme + ":")
    return out


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKERS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-+*]\s+|\d+[.)]\s+)|[*_`~]+")


@functools.lru_cache(maxsize=1 << 19)  # the same notes again after each edit under `gongshi serve`
def plain(text: str | None, limit: int = 0) -> str:
    """A one-line plain-text rendering (descriptions, feeds, search, tooltips).

    Markup is stripped, not rendered: the result is always escaped where it lands, and
    rendering every note twice would double the cost of a build.
    """
    if not text:
        return ""
    t = _LINK.sub(r"\1", text)
    t = _MARKERS.sub("", t)
    t = re.sub(r"\s+", " ", t).strip()
    if limit and len(t) > limit:
        t = t[: limit - 1] + "…"
    return t
