"""Wide tables and code blocks in hand-written pages (the editors' guide) reachable by keyboard.

On a phone they scroll sideways; a region that scrolls must take focus so that someone without a
pointer can scroll it (WCAG 2.1.1; axe ``scrollable-region-focusable``). This Markdown extension
wraps each table in a focusable, named region that scrolls instead of Material's script-made
wrapper, and makes each code block one, with no JavaScript. The plugin adds it to every page
MkDocs renders from Markdown; the generated pages are written by templates that do the same.
"""

from __future__ import annotations

import html
import re

from markdown import Extension
from markdown.postprocessors import Postprocessor

# A heading (for the regions' names), a table's start or end, or a code block's start.
_TOKEN = re.compile(r"<h([2-6])\b[^>]*>(.*?)</h\1>|<table(?=[\s>])|</table>|<pre(?=[\s>])(?![^>]*\btabindex=)", re.S)
_TAGS = re.compile(r"<[^>]+>")


class _Regions(Postprocessor):
    def run(self, text: str) -> str:
        # Each region gets a name of its own (axe: landmark-unique): the section it is in and its number.
        heading, count = "", {"表格": 0, "示例代码": 0}

        def name(what: str) -> str:
            count[what] += 1
            where = f"{heading} · " if heading else ""
            return html.escape(f"{where}{what} {count[what]}（可左右滑动）", quote=True)

        def sub(m: re.Match) -> str:
            nonlocal heading
            tok = m.group(0)
            if m.group(1):
                heading = html.unescape(_TAGS.sub("", m.group(2))).strip()
                return tok
            if tok == "</table>":
                return "</table></div>"
            if tok.startswith("<table"):
                return f'<div class="gs-scroll" tabindex="0" role="region" aria-label="{name("表格")}">{tok}'
            return f'<pre tabindex="0" role="region" aria-label="{name("示例代码")}"'

        return _TOKEN.sub(sub, text)


class ScrollRegions(Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        # After the raw-HTML postprocessor (30) has put fenced code blocks back into the text.
        md.postprocessors.register(_Regions(md), "gongshi_scroll_regions", 5)


def makeExtension(**kwargs):  # noqa: N802 - Python-Markdown's entry point
    return ScrollRegions(**kwargs)
