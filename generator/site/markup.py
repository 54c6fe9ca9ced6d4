"""Markdown fields from data/: rendered with Python-Markdown, then sanitised with nh3.

Raw HTML in a field is shown as text (the HTML block and inline-HTML handlers are removed
before rendering), and whatever the renderer produces is cleaned to a small allow-list, so
that no data can put markup of its own into the page.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3

from generator.model.text import ALLOWED_SCHEMES

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "code", "pre", "blockquote",
                "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del"}
ALLOWED_ATTRS = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


class _Md:
    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")
        # Raw HTML becomes text: without these, Python-Markdown passes it through untouched.
        self.md.preprocessors.deregister("html_block")
        self.md.inlinePatterns.deregister("html")

    def convert(self, text: str) -> str:
        self.md.reset()
        return self.md.convert(text)


_md = _Md()


# Text with none of these is one plain paragraph; most ledger notes are, and Python-Markdown
# is the slowest step of a build, so such text skips it.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>#!&|~=\n\r\t:]|^\s*(?:[-+>]|\d+[.)])|  ")


@lru_cache(maxsize=4096)
def render(text: str | None, shift_headings: bool = True) -> str:
    """Markdown from data to safe HTML (headings start at h3 so pages keep their outline)."""
    if not text:
        return ""
    # Block scalars (`note: |`) end in a newline that is not part of the text.
    stripped = text.strip()
    if not stripped:
        return ""
    if not _MARKDOWN_SYNTAX.search(stripped):
        return f"<p>{_escape(stripped)}</p>"
    html = _md.convert(text)
    if shift_headings:
        # The text's own top heading becomes h3 (under the page's h1 and section h2),
        # whatever level the editor started at, so the outline never skips a level.
        levels = [int(x) for x in re.findall(r"<h([1-6])\b", html)]
        if levels:
            shift = 3 - min(levels)
            html = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m.group(1)}h{min(max(int(m.group(2)) + shift, 1), 6)}", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRS,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener nofollow ugc",
        strip_comments=True,
    )


def _escape(t: str) -> str:
    import html

    return html.escape(t, quote=False)


