"""The ``gongshi`` MkDocs plugin: thin glue between MkDocs and the library.

``on_config`` checks the data, derives the view and plans the pages; ``on_files`` adds them and the
open-data files with ``File.generated``, ``on_page_markdown``/``on_page_content`` give each
generated page its escaped title and its pre-rendered body, ``on_env`` starts Pagefind on the
search records while MkDocs renders the page templates, ``on_post_build`` puts the search
bundle in place and fails the build if a body held executable markup, ``on_serve`` watches the
data folder.
Under ``gongshi serve`` (:mod:`generator.site.preview`) the plugin runs lazily: see ``lazy``.
"""

from __future__ import annotations

import html
import json
import logging
import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import markupsafe
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from generator.model.errors import format_problems
from generator.model.forge import file_url
from generator.model.load import CachedSource
from generator.model.reuse import Reuse, fresh
from generator.publish.admin import AdminError, admin_files
from generator.publish.files import AsIs, static_files
from generator.publish.log import LogError
from generator.site import ASSETS, seo
from generator.site.charts import stylesheet
from generator.site.facets import SORTABLE_KINDS, asset_files
from generator.site.prerender import Prerender, default_workers
from generator.site.render import Page, Renderer, data_page, plan
from generator.site.scan import scan_fragment, scan_search_index
from generator.site.scrollregions import ScrollRegions
from generator.site.search import Indexer, SearchIndexError, content_record, page_records
from generator.view.events import events
from generator.view.pipeline import AsOfError, check, parse_as_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page as MkPage
    from mkdocs.utils.templates import TemplateContext

log = logging.getLogger("mkdocs.plugins.gongshi")

# `gongshi build/serve --data DIR` reach the plugin through this (as --as-of does through GONGSHI_AS_OF).
DATA_ENV = "GONGSHI_DATA"


_UNSAFE = "构建后的安全检查没有通过（数据中的内容变成了可执行的标记）：\n"


class GongshiConfig(base.Config):
    data_dir = c.Dir(exists=False, default="data")
    """The data folder, relative to mkdocs.yml (contract §1); GONGSHI_DATA and `gongshi --data` override it."""
    as_of = c.Optional(c.Type(str))
    """Build the site as of this date (YYYY-MM-DD); GONGSHI_AS_OF and `gongshi build --as-of` override it."""
    strict = c.Type(bool, default=False)
    """Data warnings (e.g. 久未更新) fail the build. Off by default: a warning is a public fact about one
    unit, not a fault of the site. `gongshi build --strict` is MkDocs' strictness and does not set it."""
    templates = c.Dir(exists=False, default="theme_overrides/gongshi")
    """A folder whose templates override the package's, file by file (e.g. pledge.html)."""
    scan = c.Type(bool, default=True)
    """Scan every generated page body as it is rendered; fail the build if executable markup reached one."""
    search = c.Type(bool, default=True)
    """Build the Pagefind search index (site/pagefind/), the search page and the header's search box."""
    workers = c.Type(int, default=0)
    """Processes that render page bodies ahead of MkDocs (0: one per CPU core; 1: none, all in MkDocs' process)."""
    previous_manifest = c.Optional(c.File(exists=False))
    """A previously published data/manifest.json to chain the new manifest to (path); it must exist."""
    previous_log = c.Optional(c.Dir(exists=False))
    """A copy of the live site's data/manifests/ (the public log) that this build extends (folder); it must
    hold index.json: leave it unset for the first publish (or the first since the log was introduced)."""


class GongshiPlugin(BasePlugin[GongshiConfig]):
    supports_multiple_instances = False
    indexer: Indexer | None = None  # set per build by on_files; on_build_error may come first
    bodies: Prerender | None = None
    command = "build"

    def on_startup(self, *, command, dirty):
        self.command = command  # `mkdocs serve` keeps its preview address as site_url

    # Set by generator.site.preview before on_config: the data source that keeps parsed files
    # between edits, and lazy mode: bodies rendered in-process when a page is asked for, the
    # open-data files added by complete_files() only when the preview needs them.
    source: CachedSource | None = None
    reuse: Reuse | None = None  # each unit's checks, view and events from the previous generation
    lazy: bool = False
    files_first = ("data/index.md",)  # pages that list the open-data files (lazy mode completes them first)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            as_of = parse_as_of(os.environ.get("GONGSHI_AS_OF") or self.config.as_of)
        except AsOfError as exc:
            raise PluginError(str(exc)) from None
        data_dir = self._data_dir()
        source = self.source.at(data_dir) if self.source is not None else None
        res = check(self.root, as_of, source=source, data_dir=data_dir, reuse=self.reuse)
        bad = res.problems if self.config.strict else res.errors
        if not self.config.strict:
            for p in res.warnings:
                log.info(p.text())
        if bad:
            raise PluginError("数据有错误，网站没有生成：\n" + format_problems(bad, "text"))
        try:  # the sitemap and canonical links: base_url in site.yaml is the one public address
            # `mkdocs serve` keeps its preview address; gongshi's own preview (lazy) serves exactly what a
            # build publishes, canonical links and sitemap included.
            config.site_url = seo.site_url(res.derived.site.base_url, config.site_url,
                                           self.command == "serve" and not self.lazy)
        except seo.AddressError as exc:
            raise PluginError(str(exc)) from None
        # Every error is raised above, before this object changes: the preview shares it between its
        # last good version, which it goes on serving, and a generation that fails.
        self.previous_manifest = self._previous_manifest()
        self.view = res.derived
        # The event stream (newest first): the home and updates pages, the feeds and the
        # "data last changed" date of every page come from it.
        self.events = events(self.view, self.reuse)
        self.data_changed = self.events[0].date if self.events else None  # newest first
        self.pages = plan(self.view, self.events)
        if not self.config.search:
            self.pages = [p for p in self.pages if p.kind != "search"]
        self.by_uri = {p.src_uri: p for p in self.pages}
        self.renderer = Renderer(self.view, Path(self.config.templates))
        # The header shows site_name unescaped; the title comes from data, so escape it.
        # Markup: Material's logo links apply |e again, which would show entities as text.
        config.site_name = markupsafe.Markup(html.escape(self.view.site.title, quote=True))
        if not any(isinstance(x, ScrollRegions) for x in config.markdown_extensions):
            # Hand-written pages' tables and code blocks by keyboard. Python-Markdown takes an
            # Extension instance where MkDocs' option type names only strings.
            config.markdown_extensions.append(ScrollRegions())  # type: ignore[arg-type]
        for css in ("assets/gongshi.css", "assets/gongshi-facets.css"):
            if css not in config.extra_css:
                config.extra_css.append(css)
        return config

    def _data_dir(self) -> str:
        """The data folder as a posix path relative to the project root (where mkdocs.yml is)."""
        path = Path(os.environ.get(DATA_ENV) or self.config.data_dir)
        path = (path if path.is_absolute() else self.root / path).resolve()
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            raise PluginError(f"数据文件夹 {path} 不在项目目录 {self.root} 之内：data_dir 应是 mkdocs.yml 所在目录下的文件夹，"
                              "如 data") from None

    def _previous_manifest(self) -> str | None:
        path = self.config.previous_manifest
        if not path:
            return None
        try:
            json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise PluginError(f"找不到上一份清单 {path}（previous_manifest）：新的 manifest.json 要接在线上已发布的那一份之后。"
                              "请先下载线上的 /data/manifest.json；第一次发布时不要设置 previous_manifest") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise PluginError(f"无法读取上一份清单 {path}（previous_manifest）：它不是有效的 manifest.json（{exc}）") from None
        return path

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        written = {f.src_uri for f in files}  # a hand-written page in content/ wins over the generated one
        mine = [p for p in self.pages if p.src_uri not in written]
        # The preview keeps the File of each page between generations (it is some 20 µs to make).
        table = self.reuse.table("files") if self.reuse is not None else fresh()
        place = (config.docs_dir, config.site_dir, config.use_directory_urls)
        for p in mine:
            f = table.get(p.src_uri, partial(File.generated, config, p.src_uri, content=""), values=place)
            f.page, f.inclusion = None, InclusionLevel.UNDEFINED  # what a build sets on it, set again
            files.append(f)
        self._start_bodies(mine)
        files.append(File.generated(config, "assets/gongshi.css", content=stylesheet()))
        # Every page links these: made here, not with the open data, so that the preview serves a
        # page's stylesheet without making every open-data file first.
        for uri, spec in asset_files(self.view.dataset.site.unit_categories):
            if isinstance(spec, Path):
                files.append(File.generated(config, uri, abs_src_path=str(spec)))
            else:
                files.append(File.generated(config, uri, content=spec))
        if self.config.search:
            files.append(File.generated(config, "assets/gongshi-search.js",
                                        abs_src_path=str(ASSETS / "gongshi-search.js")))
            if self.indexer is not None:
                self.indexer.cancel()  # a rebuild under `serve` that never reached on_post_build
            self.indexer = Indexer(deferred=self.lazy)
            self.indexer.add(page_records(self.pages, self.view))
        if not self.lazy:
            self.complete_files(files, config)
        return files

    def complete_files(self, files: Files, config: MkDocsConfig) -> list[File]:
        """Add the open-data files (lazy mode: when the preview first needs them); the files added.

        The open data is made while the workers render page bodies; the open-data page, which
        lists each file's size, is planned again with them and rendered when MkDocs asks."""
        added = []
        sizes: dict[str, int] = {}
        try:
            generated = list(static_files(self.view, self.root, self.previous_manifest, self.events,
                                          self.config.previous_log))
        except LogError as exc:
            raise PluginError(str(exc)) from None
        for uri, spec in generated:
            if files.get_file_from_path(uri) is not None:
                continue
            if isinstance(spec, Path):
                added.append(AsIs.generated(config, uri, abs_src_path=str(spec)))
            else:
                added.append(File.generated(config, uri, content=spec))
                sizes[uri] = len(spec) if isinstance(spec, bytes) else len(spec.encode("utf-8"))
            files.append(added[-1])
        try:
            # A missing Decap is said once per build on stderr, not as a MkDocs warning: --strict
            # (the county CI's trial build) must not fail the public record for want of the editor.
            for uri, spec in admin_files(self.view, os.environ.get("GONGSHI_EDIT_API") or None,
                                         self._data_dir(), root=self.root,
                                         warn=lambda text: print(f"gongshi: {text}", file=sys.stderr, flush=True)):
                if files.get_file_from_path(uri) is not None:
                    continue
                if isinstance(spec, Path):
                    added.append(File.generated(config, uri, abs_src_path=str(spec)))
                else:
                    added.append(File.generated(config, uri, content=spec))
                files.append(added[-1])
        except AdminError as exc:
            raise PluginError(str(exc)) from None
        if "data/index.md" in self.by_uri:
            page = self.by_uri["data/index.md"] = data_page(sizes)
            self.pages = [page if p.src_uri == page.src_uri else p for p in self.pages]
        return added

    def on_page_markdown(self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        gp = self.by_uri.get(page.file.src_uri)
        if gp is None or page.file.generated_by is None:
            return markdown
        # Material puts titles and descriptions into the page unescaped, and its search
        # results insert titles as HTML: escape here, before MkDocs sees them.
        page.meta["title"] = html.escape(gp.title, quote=True)
        page.meta["description"] = html.escape(gp.description, quote=True) if gp.description else ""
        page.meta["gs_generated"] = True
        page.meta.setdefault("hide", ["toc"])
        if gp.kind == "search":
            page.meta["gs_search"] = True  # main.html loads the search script on this page only
        if gp.kind in SORTABLE_KINDS:
            page.meta["gs_sortable"] = True  # main.html loads the table sorting scripts
        uid = seo.unit_of(gp.context)
        if uid is not None:  # main.html announces the unit's own feed beside the site's
            page.meta["gs_unit_feed"] = f"units/{uid}/feed.xml"
            page.meta["gs_unit_name"] = self.view.dataset.units[uid].unit.name
        page.edit_url = self._edit_url(gp)
        return ""

    def on_page_content(self, html_: str, *, page: MkPage, config: MkDocsConfig, files: Files) -> str:
        gp = self.by_uri.get(page.file.src_uri)
        if gp is None or page.file.generated_by is None:
            if self.indexer is not None:
                self.indexer.add([content_record(page.url, page.title or "", html_)])
            return html_
        if gp.kind == "search":
            return self.renderer.render(gp)  # the site's own form, with no data on it: not scanned
        assert self.bodies is not None
        body = self.bodies.get(gp)
        if self.lazy and gp.src_uri in self.bodies.problems:  # a preview has no post-build: refuse the page now
            raise PluginError(_UNSAFE + "\n".join(f"/{gp.url}: {what}" for what in self.bodies.problems.pop(gp.src_uri)))
        return body

    def _start_bodies(self, mine: list[Page]) -> None:
        """Start rendering the bodies of ``mine``, the generated pages no hand-written page replaces."""
        if self.bodies is not None:
            self.bodies.close()
        # The open-data page lists file sizes known only after on_files, and the search page
        # is the site's own form: both are rendered when MkDocs asks, the rest ahead.
        ahead = [p for p in mine if p.kind not in ("data", "search")]
        workers = 1 if self.lazy else (self.config.workers or default_workers())
        self.bodies = Prerender(self.renderer, ahead, workers, scan_fragment if self.config.scan else None)

    def on_page_context(self, context: TemplateContext, *, page: MkPage, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
        # A page outside the nav (pledges, problem lists, notices …: almost all of them) has
        # no active item, so its tabs and sidebar differ from another such page's only in the
        # relative links to the nav's pages. main.html renders them once per distinct set of
        # links instead of once per page (nearly half of Material's time per page).
        if page.file.generated_by is not None and page not in nav.pages:
            links = [get_relative_url(p.url or ".", page.url or ".") for p in nav.pages]
            page.meta["gs_memo"] = "|".join(links) + "#" + ",".join(page.meta.get("hide") or [])
        return context

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env.globals["gs_memo"] = {}  # one build's memo for main.html; a rebuild starts afresh
        # The same for every page: main.html states them under each hand-written page.
        env.globals["gs_as_of"] = self.view.as_of.isoformat()
        env.globals["gs_data_changed"] = self.data_changed.isoformat() if self.data_changed else None
        # The sitemap's <lastmod>: each generated page's own last change, known before any page is
        # rendered (the preview renders the sitemap before the pages it lists).
        env.globals["gs_updated"] = {p.src_uri: p.updated.isoformat() for p in self.pages if p.updated}
        if self.indexer is not None and not self.lazy:  # lazy: the preview indexes in the background
            try:
                self.indexer.start()
            except SearchIndexError as exc:
                raise PluginError(str(exc)) from None
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.indexer is not None:
            indexer, self.indexer = self.indexer, None
            try:
                indexer.finish(Path(config.site_dir))
            except SearchIndexError as exc:
                raise PluginError(str(exc)) from None
        if self.bodies is not None:
            bodies, self.bodies = self.bodies, None
            bodies.close()
            # Every generated body was scanned where it was rendered; Material's search index,
            # if a site uses it instead of Pagefind, shows its titles as HTML.
            problems = [f"/{self.by_uri[uri].url}: {what}" for uri, found in bodies.problems.items() for what in found]
            if self.config.scan:
                problems += scan_search_index(Path(config.site_dir))
            if problems:
                raise PluginError(_UNSAFE + "\n".join(problems))

    def on_build_error(self, *, error: Exception) -> None:
        # The preview keeps serving its last good version, whose pages this plugin renders on
        # request with these bodies: only a build stops them.
        if self.bodies is not None and not self.lazy:
            self.bodies.close()
            self.bodies = None
        if self.indexer is not None:
            self.indexer.cancel()
            self.indexer = None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable) -> LiveReloadServer:
        server.watch(str(self.root / self._data_dir()))
        overrides = self.root / "theme_overrides"
        if overrides.is_dir():
            server.watch(str(overrides))
        return server

    def _edit_url(self, gp: Page) -> str | None:
        site = self.view.site
        if not site.repo_url or gp.edit is None:
            return None
        path, line = gp.edit
        if not (site.repo_url.startswith("https://") or site.repo_url.startswith("http://")):
            return None
        # Material writes the edit link into an attribute unescaped, and repo_url and edit_branch come from site.yaml.
        return html.escape(file_url(site.forge, site.repo_url, site.edit_branch, path, line), quote=True)
