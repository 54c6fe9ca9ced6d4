"""The ``gongshi`` MkDocs plugin: thin glue between MkDocs and the library.

``on_config`` checks the data and derives the view, ``on_files`` adds the generated pages and
open-data files with ``File.generated``, ``on_page_markdown``/``on_page_content`` give each
generated page its escaped title and its pre-rendered body, ``on_serve`` watches ``data/``.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

import jieba
import markupsafe
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import Level, format_problems
from .pipeline import AsOfError, check, parse_as_of
from .publish import static_files
from .render import Page, Renderer, plan

log = logging.getLogger("mkdocs.plugins.gongshi")
jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not news for editors
ASSETS = Path(__file__).parent / "assets"


class GongshiConfig(base.Config):
    data_dir = c.Type(str, default="data")
    """The data folder, relative to mkdocs.yml (contract §1)."""
    as_of = c.Optional(c.Type(str))
    """Build the site as of this date (YYYY-MM-DD); GONGSHI_AS_OF and `gongshi build --as-of` override it."""
    strict = c.Type(bool, default=False)
    """Treat data warnings (e.g. 久未更新) as errors; `gongshi build --strict` sets it too."""
    templates = c.Type(str, default="theme_overrides/gongshi")
    """A folder whose templates override the package's, file by file (e.g. pledge.html)."""
    scan = c.Type(bool, default=True)
    """After the build, fail if any executable markup reached a generated page or the search index."""
    search_terms = c.Type(bool, default=True)
    """Teach the search segmenter (jieba) unit names and campaign terms, so they are found whole."""
    previous_manifest = c.Optional(c.Type(str))
    """A previously published data/manifest.json to chain the new manifest to (path)."""


class GongshiPlugin(BasePlugin[GongshiConfig]):
    supports_multiple_instances = False

    def on_config(self, config):
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            as_of = parse_as_of(os.environ.get("GONGSHI_AS_OF") or self.config.as_of)
        except AsOfError as exc:
            raise PluginError(str(exc)) from None
        res = check(self.root, as_of)
        strict = self.config.strict or os.environ.get("GONGSHI_STRICT") == "1"
        bad = res.problems if strict else res.errors
        for p in res.warnings:
            if not strict:
                log.info(p.text())
        if bad:
            raise PluginError("数据有错误，网站没有生成：\n" + format_problems(bad, "text"))
        self.checked = res
        self.view = res.derived
        self.pages = plan(self.view)
        self.by_uri = {p.src_uri: p for p in self.pages}
        # The event stream (newest first) the home page already holds: the feeds and the
        # "data last changed" date of every page come from it.
        self.events = next((p.context["events"] for p in self.pages if p.kind == "home"), None)
        if self.events is None:
            from .events import events

            self.events = events(self.view)
        self.data_changed = max((e.date for e in self.events), default=None)
        self.renderer = Renderer(self.view, self.root / self.config.templates)
        if self.config.search_terms:
            for word in search_terms(self.view):
                jieba.add_word(word, freq=100000)
        # The header shows site_name unescaped; the title comes from data, so escape it.
        # Markup: Material's logo links apply |e again, which would show entities as text.
        config.site_name = markupsafe.Markup(html.escape(self.view.site.title, quote=True))
        if "assets/gongshi.css" not in config.extra_css:
            config.extra_css.append("assets/gongshi.css")
        return config

    def on_files(self, files: Files, *, config) -> Files:
        for p in self.pages:
            if files.get_file_from_path(p.src_uri) is not None:
                continue  # a hand-written page in content/ wins over the generated one
            files.append(File.generated(config, p.src_uri, content=""))
        files.append(File.generated(config, "assets/gongshi.css", abs_src_path=str(ASSETS / "gongshi.css")))
        sizes: dict[str, int] = {}
        for uri, spec in static_files(self.view, self.root, self.config.previous_manifest, self.events):
            if files.get_file_from_path(uri) is not None:
                continue
            if isinstance(spec, Path):
                files.append(File.generated(config, uri, abs_src_path=str(spec)))
            else:
                files.append(File.generated(config, uri, content=spec))
                sizes[uri] = len(spec) if isinstance(spec, bytes) else len(spec.encode("utf-8"))
        data_page = self.by_uri.get("data/index.md")
        if data_page is not None:
            data_page.context["sizes"] = sizes  # the open-data page lists each download's size
        return files

    def on_page_markdown(self, markdown, *, page, config, files):
        gp = self.by_uri.get(page.file.src_uri)
        page.meta["gs_as_of"] = self.view.as_of.isoformat()
        if self.data_changed is not None:
            page.meta["gs_data_changed"] = self.data_changed.isoformat()
        if gp is None or page.file.generated_by is None:
            return markdown
        # Material puts titles and descriptions into the page unescaped, and its search
        # results insert titles as HTML: escape here, before MkDocs sees them.
        page.meta["title"] = html.escape(gp.title, quote=True)
        page.meta["description"] = html.escape(gp.description, quote=True) if gp.description else ""
        page.meta["gs_generated"] = True
        page.meta.setdefault("hide", ["toc"])
        # Material's indexer would parse and segment every generated page in full (most of
        # the build time, and an index of tens of MB); it gets a compact entry instead.
        page.meta["search"] = {"exclude": True}
        if gp.updated:
            page.meta["gs_updated"] = gp.updated.isoformat()
        page.edit_url = self._edit_url(gp)
        return ""

    def on_page_content(self, html_, *, page, config, files):
        gp = self.by_uri.get(page.file.src_uri)
        if gp is None or page.file.generated_by is None:
            return html_
        return self.renderer.render(gp)

    def on_page_context(self, context, *, page, config, nav):
        gp = self.by_uri.get(page.file.src_uri)
        if gp is None or page.file.generated_by is None:
            return context
        search = config.plugins.get("material/search") or config.plugins.get("search")
        index = getattr(search, "search_index", None)
        if index is not None and hasattr(index, "entries"):
            segment = getattr(index, "_segment_chinese", lambda t: t)
            for location, title, text in search_entries(gp, self.view):
                index.entries.append({
                    "location": location,
                    # Titles are segmented too, or a phrase inside a long title is never found.
                    "title": html.escape(segment(title), quote=True),
                    "text": html.escape(segment(text), quote=False),
                })
        return context

    def on_post_build(self, *, config):
        if self.config.scan:
            from .scan import scan_site

            problems = scan_site(Path(config.site_dir), [p.url for p in self.pages])
            if problems:
                raise PluginError("构建后的安全检查没有通过（数据中的内容变成了可执行的标记）：\n" + "\n".join(problems))

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.root / self.config.data_dir))
        overrides = self.root / "theme_overrides"
        if overrides.is_dir():
            server.watch(str(overrides))
        return server

    def _edit_url(self, gp: Page) -> str | None:
        site = self.view.site
        if not site.repo_url or gp.edit is None:
            return None
        path, line = gp.edit
        base = site.repo_url.rstrip("/")
        if not (base.startswith("https://") or base.startswith("http://")):
            return None
        anchor = f"#L{line}" if line > 1 else ""
        return f"{base}/blob/{site.edit_branch}/{path}{anchor}"


def search_entries(gp: Page, view) -> list[tuple[str, str, str]]:
    """(location, plain title, plain text) for the search index: what a reader would search by."""
    from .markup import plain

    ctx = gp.context
    ds = view.dataset
    if gp.kind == "pledge":
        v = ctx["p"]
        u = ctx["unit"].unit
        text = " ".join(x for x in (u.name, u.short_name or "", v.state.value, plain(v.commitment, 200),
                                     " ".join(v.pledge.tags), v.responsible or "") if x)
        return [(gp.url, v.title, text)]
    if gp.kind == "unit":
        u = ctx["unit"].unit
        return [(gp.url, u.name, " ".join(x for x in (u.short_name, u.category, u.head, u.service_officer) if x))]
    if gp.kind == "rectifications":
        u = ctx["unit"].unit
        # The page itself first: Material groups anchor entries under their page's entry.
        out = [(gp.url, gp.title, " ".join(x for x in (u.name, u.short_name or "", "问题整改") if x))]
        for r in view.rects_by_unit.get(u.id, []):
            title = f"{u.short_name or u.name}：{plain(r.rect.problem, 40)}"
            text = " ".join(x for x in (r.state.value, r.rect.source, r.rect.category or "", plain(r.rect.problem, 200)) if x)
            out.append((f"{gp.url}#{r.id}", title, text))
        return out
    if gp.kind == "campaign":
        c = ctx["campaign"]
        return [(gp.url, c.title, " ".join(x for x in (c.organizer, c.document or "", plain(c.summary, 300)) if x))]
    if gp.kind in ("notice",):
        return []
    return [(gp.url, gp.title, gp.description)]


def search_terms(view) -> set[str]:
    words: set[str] = set()
    for f in view.dataset.units.values():
        words.add(f.unit.name)
        if f.unit.short_name:
            words.add(f.unit.short_name)
    for camp in view.dataset.campaigns.values():
        words.add(camp.title)
        for ph in camp.phases:
            words.add(ph.name)
        for ind in camp.indicators:
            words.add(ind.name)
    words |= {"营商环境", "主动服务", "作风建设", "最多跑一次", "一窗受理", "网上可办", "放管服", "首问负责", "限时办结",
              "一次性告知", "整改销号", "明察暗访", "电话核实", "首席服务官"}
    return {w for w in words if w and len(w) >= 2 and "\n" not in w and " " not in w}
