"""The site's search: one compact record per page, indexed by Pagefind while MkDocs builds.

Material's built-in search sends its whole index to every reader on every first page view
(3.4 MB for one county, 36 MB for ten, measured in ``bench/``). Pagefind splits the index into
chunks, and a reader's browser fetches only those for the words searched. Its extended build
segments Chinese with jieba's dictionary (jieba-rs, through charabia), and the browser segments
the query with ``Intl.Segmenter``.

Each generated page is indexed from a small synthetic document (its title as ``<h1>``, then
what a reader searches it by), not from its rendered HTML: ledgers and notices would otherwise
swell every chunk. Text from data is escaped into that document; Pagefind decodes it again and
stores it as plain text, which the search page inserts with ``textContent`` only.

:class:`Indexer` runs Pagefind's own program in a separate process, so indexing runs on the
second core while MkDocs renders page templates on the first.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from generator.model.text import plain

LANGUAGE = "zh"
BUNDLE_DIR = "pagefind"
# Pagefind's ready-made interfaces: the search page has its own (assets/gongshi-search.js),
# so these would only be dead weight in the published site.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
# A page's kind as the search results name it.
KIND_LABEL = {"pledge": "承诺", "unit": "单位", "rectifications": "问题整改", "campaign": "活动", "phase": "阶段公示",
              "evaluation": "考核评比", "guide": "编辑指南", "page": "说明"}


class SearchIndexError(Exception):
    """Pagefind could not index the site (reported by the plugin as a build error)."""


def _meta(key: str, value: str) -> str:
    # Metadata shown with a result but not searched: the element's text is the value as written
    # (the attribute form would have Pagefind split values on commas).
    return f'<span data-pagefind-ignore data-pagefind-meta="{key}">{html.escape(value, quote=True)}</span>' if value else ""


def _doc(title: str, parts: Iterable[str], kind: str = "", unit: str = "", heading: str | None = None,
         weight: int | None = None) -> str:
    """A record: ``title`` is what the results show; ``heading`` (default: the title) is the text
    Pagefind weighs most. A page about part of something (a campaign's phase, a unit's problem
    list) puts only that part in its heading, so that the campaign's or the unit's own page
    ranks first for its name; ``weight`` raises a heading above Pagefind's 7 for ``<h1>``."""
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    head = title if heading is None else heading
    body = "".join(f"<p>{e(p)}</p>" for p in parts if p)
    w = f' data-pagefind-weight="{int(weight)}"' if weight else ""
    return (f'<html lang="{LANGUAGE}"><head><title>{e(title)}</title></head><body>'
            f'{_meta("title", title)}{_meta("kind", kind)}{_meta("unit", unit)}'
            f'<h1{w}>{e(head)}</h1>{body}</body></html>')


def page_records(pages, view) -> Iterator[tuple[str, str]]:
    """(URL from the site root with a leading slash, synthetic HTML) for each generated page.

    What a record holds is what a reader would search the page by: a pledge's title, unit,
    commitment, tags and the person responsible; a unit's names and people; a problem list's
    problems; a campaign's organiser and summary. Notices repeat their unit's pledges for
    printing, and the search page is not a result: neither is indexed.
    """
    for gp in pages:
        ctx = gp.context
        kind = KIND_LABEL.get(gp.kind, "")
        if gp.kind in ("notice", "search"):
            continue
        if gp.kind == "pledge":
            v = ctx["p"]
            u = ctx["unit"].unit
            parts = [u.name, u.short_name or "", v.state.value, plain(v.commitment, 300), "、".join(v.pledge.tags),
                     v.responsible or "", "；".join(plain(m, 80) for m in v.measures[:5])]
            yield "/" + gp.url, _doc(v.title, parts, kind, u.name)
        elif gp.kind == "unit":
            u = ctx["unit"].unit
            parts = [u.short_name or "", u.category, u.head or "", u.service_officer or "", gp.description]
            yield "/" + gp.url, _doc(u.name, parts, kind)
        elif gp.kind == "rectifications":
            u = ctx["unit"].unit
            parts = [u.name, u.short_name or ""]
            for r in view.rects_by_unit.get(u.id, []):
                parts.append(" ".join(x for x in (r.state.value, r.rect.source, r.rect.category or "",
                                                  plain(r.rect.problem, 160)) if x))
            yield "/" + gp.url, _doc(gp.title, parts, kind, u.name, heading="问题整改")
        elif gp.kind == "campaign":
            c = ctx["campaign"]
            parts = [c.organizer, c.document or "", plain(c.summary, 300), "、".join(ph.name for ph in c.phases)]
            # The campaign's page has a long summary, which Pagefind's length rule holds against
            # it; its name is what a reader types to find it.
            yield "/" + gp.url, _doc(c.title, parts, kind, weight=10)
        elif gp.kind == "phase":
            c, ph = ctx["campaign"], ctx["phase"]
            # The campaign's name once, in the text: the campaign's own page is the answer to it.
            yield "/" + gp.url, _doc(gp.title, [c.title, f"{ph.name}阶段各单位责任完成情况"], kind,
                                     heading=f"{ph.name}阶段公示")
        elif gp.kind == "evaluation":
            c = ctx["campaign"]
            yield "/" + gp.url, _doc(gp.title, [c.title if c else "", gp.description], kind, heading="考核评比结果")
        else:
            yield "/" + gp.url, _doc(gp.title, [gp.description], kind)


def content_record(url: str, title: str, body_html: str) -> tuple[str, str]:
    """A hand-written page (``content/``): its own rendered HTML, which the county wrote."""
    t = html.escape(title, quote=True)
    kind = KIND_LABEL["guide" if url.startswith("guide/") else "page"]
    return "/" + url, (f'<html lang="{LANGUAGE}"><head><title>{t}</title></head><body>'
                       f'{_meta("title", title)}{_meta("kind", kind)}<h1>{t}</h1>{body_html}</body></html>')


class Indexer:
    """A Pagefind index built by the ``pagefind_extended`` program in a process of its own.

    Records are written as small HTML files into a scratch folder; ``start`` launches Pagefind
    on them (the build goes on rendering pages meanwhile, on the other core), ``finish`` waits
    and moves the finished bundle into the site, ``cancel`` stops it when the build fails.
    ``deferred`` keeps the records until ``start`` (``gongshi serve`` starts in the background).
    """

    def __init__(self, language: str = LANGUAGE, deferred: bool = False):
        self.language = language
        self.count = 0
        self.deferred = deferred
        self._pending: list[Iterable[tuple[str, str]]] = []
        self._tmp = Path(tempfile.mkdtemp(prefix="gongshi-search-"))
        self._src = self._tmp / "records"
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._cancelled = False

    def add(self, records: Iterable[tuple[str, str]]) -> None:
        if self.deferred:
            self._pending.append(records)
        else:
            self._write(records)

    def _write(self, records: Iterable[tuple[str, str]]) -> None:
        for url, doc in records:
            if self._cancelled:
                raise SearchIndexError("搜索索引已取消")
            rel = url.strip("/")
            path = self._src / rel / "index.html" if rel else self._src / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(doc, encoding="utf-8")
            self.count += 1

    def start(self) -> None:
        from pagefind.service import get_executable

        pending, self._pending, self.deferred = self._pending, [], False
        for records in pending:
            self._write(records)
        exe = get_executable()
        if exe is None:
            raise SearchIndexError("找不到 Pagefind 程序（pip 包 pagefind[extended]），无法生成搜索索引。")
        cmd = [str(exe), "--site", str(self._src), "--output-path", str(self._tmp / BUNDLE_DIR),
               "--force-language", self.language]
        with self._lock:  # cancel() from another thread kills what was started, or nothing starts
            if self._cancelled:
                raise SearchIndexError("搜索索引已取消")
            # Pagefind writes to its own copy of the descriptor; ours can close at once.
            with open(self._tmp / "pagefind.log", "wb") as log:
                self._proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def finish(self, site_dir: Path) -> int:
        """Wait for Pagefind, put its bundle at ``site_dir/pagefind``; the number of pages indexed."""
        try:
            if self._proc is None:
                self.start()
            assert self._proc is not None
            rc = self._proc.wait()
            if rc != 0:
                tail = (self._tmp / "pagefind.log").read_bytes().decode("utf-8", "replace")[-2000:]
                raise SearchIndexError(f"Pagefind 没有建成搜索索引（退出码 {rc}）：\n{tail}")
            bundle = self._tmp / BUNDLE_DIR
            for name in UNUSED:
                (bundle / name).unlink(missing_ok=True)
            dest = Path(site_dir) / BUNDLE_DIR
            if dest.exists():
                shutil.rmtree(dest)
            shutil.move(str(bundle), str(dest))
            return self.count
        finally:
            self.cleanup()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            if self._proc is not None and self._proc.poll() is None:
                self._proc.kill()
                self._proc.wait()
        self.cleanup()

    def cleanup(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)
