"""`gongshi serve`: a preview that renders each page when a browser asks for it.

MkDocs' own ``serve`` rebuilds the whole site after every change, which on a county takes
longer than a clean build. Here a change under ``data/`` re-reads only the files that changed
(:class:`~generator.model.load.CachedSource`); the checks, the view and the event stream are
made again only for the units whose records changed (:class:`~generator.model.reuse.Reuse`),
and the pages are listed again (a *generation*); no page is rendered until a browser asks for it, and then
through the same MkDocs page pipeline, hooks and templates as ``gongshi build``. A page is
rendered at most once per generation, so an edit costs the pages that are looked at: the one
being edited, the listing pages when they are opened. Every file served is the one a clean
build of the same data would write; the open-data files are made when first asked for.

Pagefind re-indexes in the background after each generation; until it has finished the
search page says that its results may be those before the edit. A change that breaks the
data keeps the last good site and shows the Chinese error on every page (and in the
terminal); the next good change recovers. A change to ``content/``, ``theme_overrides/``
or ``mkdocs.yml`` starts from a clean output folder.
"""

from __future__ import annotations

import contextlib
import gc
import html
import io
import logging
import os
import posixpath
import re
import shutil
import tempfile
import threading
import time
import urllib.parse
import wsgiref.util
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import watchdog.events
import watchdog.observers
from mkdocs.commands.build import _build_extra_template, _build_page, _build_theme_template, _populate_page
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError
from mkdocs.livereload import LiveReloadServer, _serve_url
from mkdocs.structure.files import File, Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page

from generator.model.load import CachedSource
from generator.model.reuse import Reuse
from generator.site.render import BYTECODE
from generator.site.search import BUNDLE_DIR, Indexer, SearchIndexError

log = logging.getLogger("mkdocs.gongshi.preview")

# Errors a preview shows and survives: the data, the configuration or a page is wrong.
EXPECTED = (PluginError, Abort, BuildError, ConfigurationError)
# File events that change content; inotify also reports every read ("opened", "closed_no_write").
CHANGES = {"created", "deleted", "modified", "moved", "closed"}
INCLUSION = InclusionLevel.is_included  # drafts left out, as `gongshi build` does

INDEX_DELAY = 1.0  # seconds between a rebuild and the start of its search index
SEARCH_NOTE = "搜索索引正在更新：结果可能还是修改之前的。稍等几秒后刷新本页即可。"


@dataclass
class Generation:
    """One consistent state of the site, from one reading of the data."""

    config: Any
    files: Files
    nav: Navigation
    env: Any
    doc_files: Sequence[File]
    outputs: dict[str, tuple[str, Any]]  # output path → (kind, what): page, theme template, extra template
    dests: set[str]  # every output path of this generation, the open data once completed
    populated: set[str] = field(default_factory=set)  # src_uris whose Markdown has been rendered
    built: set[str] = field(default_factory=set)  # output paths written in this generation
    lazy: list = field(default_factory=list)  # plugins with deferred files still to complete
    search_page: str | None = None


class Preview:
    """The preview's state: the current generation, the error if the data is broken, the search."""

    def __init__(self, root: Path, site_dir: Path):
        self.root = Path(root)
        self.config_file = self.root / "mkdocs.yml"
        self.site_dir = Path(site_dir)
        self.source = CachedSource(self.root)
        self.reuse = Reuse()
        self.lock = threading.RLock()
        self.gen: Generation | None = None
        self.config: Any = None  # the configuration last read (its folders are watched)
        self.error: str | None = None
        self.started = False
        self._changed: set[str] = set()
        self._theme: list[tuple[str, str]] | None = None
        self._indexer: Indexer | None = None
        self.indexing = threading.Event()  # set while Pagefind runs for the current generation

    # -- generations ----------------------------------------------------------------------

    def note_change(self, path: str) -> None:
        self._changed.add(os.path.abspath(path))

    def rebuild(self) -> None:
        """After a change: a new generation, clean when something but data/ changed."""
        changed, self._changed = self._changed, set()
        data = str((self.root / self.source.data_dir).resolve()) + os.sep
        self.refresh(clean=any(not p.startswith(data) for p in changed))

    def refresh(self, clean: bool = True) -> bool:
        """Read the project again; on an error keep the last good generation and remember the error."""
        t0 = time.perf_counter()
        with self.lock:
            try:
                gen = self._generation(clean or self.gen is None)
            except EXPECTED as exc:
                # Broken data (a plugin error) is shown and waited out, even before the first good
                # version; a broken mkdocs.yml or theme before any version stops the preview.
                if self.gen is None and (self.config is None or not isinstance(exc, PluginError)):
                    raise
                self.error = str(exc)
                if self.gen is None:
                    log.error("数据有错误，预览已启动，每一页都显示这个错误；改正后会自动更新。\n%s", self.error)
                else:
                    log.error("数据有错误，预览仍显示上一次正确的版本；改正后会自动更新。\n%s", self.error)
                return False
            old, self.gen, self.error = self.gen, gen, None
            if old is None:
                # The records read now are kept for good (CachedSource): keep Python's collector
                # from scanning them again after every edit (a quarter of a rebuild at S=1).
                # The first generation's own cycles stay with them, once.
                gc.collect()
                gc.freeze()
            if old is not None:
                # A page or file the new data no longer has must not be served from the old.
                for rel in old.dests - gen.dests:
                    _remove(self.site_dir / rel)
        parsed, units = len(self.source.parsed), self.reuse.made("derive")
        log.info(f"预览已更新（{time.perf_counter() - t0:.2f} 秒，重新读取 {parsed} 个数据文件，重新计算 {units} 个单位）")
        return True

    def _generation(self, clean: bool) -> Generation:
        """MkDocs' build up to the pages (the same hooks, in the same order), no page rendered."""
        config = load_config(str(self.config_file), site_dir=str(self.site_dir))
        lazy = []
        for plugin in config.plugins.values():
            if hasattr(plugin, "lazy") and hasattr(plugin, "complete_files"):
                plugin.lazy = True
                plugin.source = self.source
                plugin.reuse = self.reuse
                lazy.append(plugin)
        if not self.started:
            config.plugins.on_startup(command="serve", dirty=False)
            self.started = True
        self.config = config
        self._cancel_index()
        try:
            config = config.plugins.on_config(config)
            config.plugins.on_pre_build(config=config)
            files = get_files(config)
            env = config.theme.get_env()
            env.bytecode_cache = BYTECODE  # Material's templates compiled once, not after every edit
            self._theme_files(files, env, config, clean or self.gen is None)
            files = config.plugins.on_files(files, config=config)
            set_exclusions(files, config)
            nav = get_navigation(files, config)
            nav = config.plugins.on_nav(nav, config=config, files=files)
            doc_files = files.documentation_pages(inclusion=INCLUSION)
            pages: dict[str, Page] = {}  # every document's page, by its file's source path
            for f in doc_files:
                pages[f.src_uri] = f.page if f.page is not None else Page(None, f, config)
            gen = Generation(config, files, nav, env, doc_files, {}, set(), lazy=lazy)
            # Read now, as a build would before any page: the hand-written pages (the search
            # indexes their text) and the titles of the nav's pages (every page's tabs show them).
            in_nav = {id(p) for p in nav.pages}  # Page's == compares titles: slow over every page
            for f in doc_files:
                page = pages[f.src_uri]
                if f.generated_by is None:
                    self._populate(gen, page)
                elif id(page) in in_nav:
                    _read_title(page, config, files)
            gen.env = config.plugins.on_env(env, config=config, files=files)
        except Exception as exc:
            config.plugins.on_build_error(error=exc)
            raise
        if clean:
            shutil.rmtree(self.site_dir, ignore_errors=True)
            self.site_dir.mkdir(parents=True, exist_ok=True)
        files.copy_static_files(dirty=True, inclusion=INCLUSION)
        for f in files:
            if INCLUSION(f.inclusion):
                gen.dests.add(f.dest_uri)
        for f in doc_files:
            gen.outputs[f.dest_uri] = ("page", pages[f.src_uri])
            if pages[f.src_uri].meta.get("gs_search") or (f.generated_by and f.src_uri == "search/index.md"):
                gen.search_page = f.dest_uri
        for name in config.theme.static_templates:
            gen.outputs[name] = ("theme", name)
            if name == "sitemap.xml":
                gen.outputs["sitemap.xml.gz"] = ("theme", name)
        for name in config.extra_templates:
            extra = files.get_file_from_path(name)
            if extra is not None:
                gen.outputs[extra.dest_uri] = ("extra", name)
        gen.dests |= set(gen.outputs)
        for plugin in lazy:
            if plugin.indexer is not None:
                self._start_index(plugin.indexer)
                plugin.indexer = None
        return gen

    def _theme_files(self, files: Files, env, config, clean: bool) -> None:
        """MkDocs' ``add_files_from_theme``; the theme's folders are listed again only when a
        change outside data/ (theme_overrides/, mkdocs.yml) may have changed them."""
        if clean or self._theme is None:
            before = len(files)
            files.add_files_from_theme(env, config)
            self._theme = [(f.src_uri, f.src_dir or "") for f in list(files)[before:]]
        else:
            for uri, folder in self._theme:
                files.append(File(uri, folder, config.site_dir, config.use_directory_urls))

    def _populate(self, gen: Generation, page: Page) -> None:
        """Render a page's Markdown and body; a page that lists the open-data files needs them first."""
        if any(page.file.src_uri in plugin.files_first for plugin in gen.lazy):
            self._complete(gen)
        _populate_page(page, gen.config, gen.files)
        gen.populated.add(page.file.src_uri)

    def _complete(self, gen: Generation) -> None:
        """The files the plugins left for later (open data): made and written now, once per generation."""
        plugins, gen.lazy = gen.lazy, []
        for plugin in plugins:
            for f in plugin.complete_files(gen.files, gen.config):
                if INCLUSION(f.inclusion):
                    f.copy_file()
                    gen.dests.add(f.dest_uri)
            # Pages that list those files are rendered again with them.
            for uri in plugin.files_first:
                gen.populated.discard(uri)
                f = gen.files.get_file_from_path(uri)
                if f is not None:
                    gen.built.discard(f.dest_uri)

    # -- serving --------------------------------------------------------------------------

    def produce(self, rel: str) -> bool:
        """Make sure ``rel`` (a path under the site) is current on disk; False: no such file."""
        gen = self.gen
        assert gen is not None
        if rel.startswith(BUNDLE_DIR + "/"):
            return (self.site_dir / rel).is_file()
        if rel not in gen.dests and gen.lazy and rel + "/index.html" not in gen.dests:
            self._complete(gen)  # perhaps an open-data file or /admin/ (a page's folder is neither)
        if rel not in gen.dests:
            return False
        what = gen.outputs.get(rel)
        if what is not None and rel not in gen.built:
            kind, item = what
            if kind == "page":
                if item.file.src_uri not in gen.populated:
                    self._populate(gen, item)
                _build_page(item, gen.config, gen.doc_files, gen.nav, gen.env)
            elif kind == "theme":
                _build_theme_template(item, gen.env, gen.files, gen.config, gen.nav)
                gen.built.add(item + ".gz" if item == "sitemap.xml" else item)
            else:
                _build_extra_template(item, gen.files, gen.config, gen.nav)
            gen.built.add(rel)
        return (self.site_dir / rel).is_file()

    def read(self, rel: str) -> tuple[bytes | None, str]:
        """The current bytes of ``rel`` and a note to show on it ("" if none); None if absent."""
        with self.lock:
            if self.gen is None:  # the data was broken from the start: every page is the error
                if not rel.endswith(".html"):
                    return None, ""
                return _error_page("数据有错误，网站还没有生成；改正后本页会自动更新：\n" + _detail(self.error or ""),
                                   "数据有错误"), ""
            try:
                ok = self.produce(rel)
            except (*EXPECTED, jinja2.TemplateError) as exc:  # e.g. a broken template in theme_overrides/
                log.error(f"/{rel}：{exc}")
                return _error_page(str(exc)), ""
            if not ok:
                return None, ""
            note = ""
            if self.error:
                note = "数据有错误，本页仍是上一次正确的版本；改正后会自动更新：\n" + _detail(self.error)
            elif rel == (self.gen.search_page if self.gen else None) and self.indexing.is_set():
                note = SEARCH_NOTE
            return (self.site_dir / rel).read_bytes(), note

    # -- search ---------------------------------------------------------------------------

    def _start_index(self, indexer: Indexer) -> None:
        self._indexer = indexer
        self.indexing.set()
        threading.Thread(target=self._finish_index, args=(indexer,), daemon=True).start()

    def _finish_index(self, indexer: Indexer) -> None:
        # The page being edited first: the browser asks for it right after the rebuild, and
        # writing a record per page would compete with it for the interpreter. Edits in quick
        # succession index once, after the last.
        time.sleep(INDEX_DELAY)
        if self._indexer is not indexer:
            return
        scratch = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=self.site_dir.parent))
        try:
            indexer.finish(scratch)  # writes the records, then runs Pagefind
            with self.lock:
                if self._indexer is not indexer:
                    return  # a newer edit started its own index
                dest = self.site_dir / BUNDLE_DIR
                old = scratch / "old"
                if dest.exists():
                    os.replace(dest, old)
                os.replace(scratch / BUNDLE_DIR, dest)
                self.indexing.clear()
                log.info(f"搜索索引已更新（{indexer.count} 页）")
        except (SearchIndexError, OSError, ValueError) as exc:
            if self._indexer is indexer:  # else cancelled by a newer edit, as it should be
                log.error(str(exc))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _cancel_index(self) -> None:
        indexer, self._indexer = self._indexer, None
        if indexer is not None:
            # Its thread stops at the next record or when Pagefind is killed; removing its
            # scratch folder (a file per page) need not hold up the edit.
            threading.Thread(target=indexer.cancel, daemon=True).start()
        self.indexing.clear()

    def close(self) -> None:
        self._cancel_index()
        if self.config is not None and self.started:
            self.config.plugins.on_shutdown()


def _read_title(page: Page, config, files: Files) -> None:
    """The first steps of MkDocs' ``_populate_page``: enough for the page's title and metadata."""
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
    finally:
        config._current_page = None


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, IsADirectoryError):
        path.unlink()


def _detail(error: str) -> str:
    """The problems of a data error: the plugin's message begins "数据有错误，网站没有生成：",
    which a preview does not mean."""
    head, _, rest = error.partition("\n")
    return rest if head.startswith("数据有错误") and rest else error


def _error_page(message: str, heading: str = "这一页没有生成") -> bytes:
    return ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" '
            'content="width=device-width,initial-scale=1"><title>预览出错</title></head><body>'
            f'<h1>{html.escape(heading)}</h1><pre style="white-space:pre-wrap">{html.escape(message)}</pre></body></html>').encode()


def _banner(note: str) -> bytes:
    # First thing on the page, above Material's header; its text is escaped (it quotes the data).
    return ('<div class="gs-preview-note" role="alert" style="position:relative;z-index:10;margin:0;'
            'padding:.6em 1em;background:#fff3cd;color:#5c4400;border-bottom:2px solid #e0a800;'
            'font-size:14px;line-height:1.5;white-space:pre-wrap">'
            f'{html.escape(note)}</div>').encode()


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, serving each file through :meth:`Preview.read`.

    It watches with the operating system's notifications (inotify on Linux) rather than
    MkDocs' half-second polling, so an edit is seen at once.
    """

    def __init__(self, preview: Preview, host: str, port: int, mount_path: str = "/"):
        super().__init__(builder=preview.rebuild, host=host, port=port, root=str(preview.site_dir),
                         mount_path=mount_path)
        self.preview = preview
        self.build_delay = 0.05  # editors save once; MkDocs waits 0.1 s for more events
        self.observer = watchdog.observers.Observer()  # type: ignore[assignment]
        self.error_handler = self._error
        self.relevant = lambda path: True

    def server_bind(self) -> None:
        super().server_bind()
        # Port 0 asks the system for a free port: the address printed is the real one.
        host, port = self.server_address[:2]
        self.url = _serve_url(str(host), int(port), self.mount_path)
        log.warning(f"预览地址：{self.url}")

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        path = os.path.abspath(path)
        if path in self._watched_paths:
            self._watched_paths[path] += 1
            return
        self._watched_paths[path] = 1
        preview = self.preview

        def callback(event):
            if event.is_directory or event.event_type not in CHANGES:
                return
            paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p and self.relevant(p)]
            if not paths:
                return
            for p in paths:
                preview.note_change(p)
            with self._rebuild_cond:
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = callback  # type: ignore[method-assign]
        self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    def _error(self, code: int) -> bytes | None:
        if code == 404:
            content, _ = self.preview.read("404.html")
            return content
        return None

    def _serve_request(self, environ, start_response):
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        if path.startswith("/livereload/"):
            return super()._serve_request(environ, start_response)
        if (path + "/").startswith(self.mount_path):
            rel = path[len(self.mount_path):]
            if path.endswith("/"):
                rel += "index.html"
            rel = posixpath.normpath("/" + rel).lstrip("/")
        elif path == "/":
            start_response("302 Found", [("Location", urllib.parse.quote(self.mount_path))])
            return []
        else:
            return None
        with self._epoch_cond:
            self._epoch_cond.wait_for(lambda: self._visible_epoch == self._wanted_epoch)
            epoch = self._visible_epoch
        content, note = self.preview.read(rel)
        if content is None:
            if not path.endswith("/") and self.preview.read(rel + "/index.html")[0] is not None:
                start_response("302 Found", [("Location", urllib.parse.quote(path) + "/")])
                return []
            return None
        if rel.endswith(".html"):
            if note:
                content = _inject(content, _banner(note))
            content = self._inject_js_into_html(content, epoch)
        start_response("200 OK", [("Content-Type", self._guess_type(rel)), ("Content-Length", str(len(content)))])
        return wsgiref.util.FileWrapper(io.BytesIO(content))


def _under(path: str, folder: Path) -> bool:
    return path.startswith(str(folder.resolve()) + os.sep)


def _inject(content: bytes, snippet: bytes) -> bytes:
    m = re.search(rb"<body[^>]*>", content)
    at = m.end() if m else 0
    return content[:at] + snippet + content[at:]


def serve(root: Path, dev_addr: str = "127.0.0.1:8000") -> None:
    """Serve the project at ``root`` until interrupted; raises the MkDocs error if the first reading fails."""
    root = Path(root).resolve()
    site_dir = Path(tempfile.mkdtemp(prefix="gongshi-serve-"))
    preview = Preview(root, site_dir / "site")
    try:
        preview.refresh(clean=True)
        # The data's warnings (久未更新 …) were shown once; not again after every edit.
        logging.getLogger("mkdocs.plugins.gongshi").setLevel(logging.WARNING)
        config = preview.config
        host, _, port = dev_addr.rpartition(":")
        # The preview answers at its own root whatever the path of base_url: every link in the site is
        # relative, and site_url holds the public address (canonical links, sitemap), as in a build.
        mount_path = "/"
        server = PreviewServer(preview, host or "127.0.0.1", int(port), mount_path)
        # The project folder itself is watched for mkdocs.yml only: editors replace a file when
        # they save it, which a watch on the file alone would lose.
        watched = [root / preview.source.data_dir, Path(config.docs_dir), root / "theme_overrides",
                   *(Path(p) for p in config.watch)]
        for path in watched:
            if path.is_dir():
                server.watch(str(path))
        server.watch(str(root), recursive=False)
        server.relevant = lambda p: p == str(preview.config_file) or any(_under(p, w) for w in watched)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("预览已停止")
        finally:
            server.shutdown()
    finally:
        preview.close()
        shutil.rmtree(site_dir, ignore_errors=True)

