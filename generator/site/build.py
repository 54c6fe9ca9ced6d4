"""`gongshi build` and `gongshi serve`: MkDocs with the gongshi plugin, built atomically.

The build goes into a fresh directory next to ``site/``; only when it and its checks pass
does it replace ``site/``, so a failed build never leaves a half-written site.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import jinja2
from mkdocs.commands import build as mk_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError, ConfigurationError, PluginError

from generator.site import staging


@contextmanager
def _env(as_of: date | None, data: Path | None):
    """The plugin reads the command's as-of date and data folder from the environment, as MkDocs
    gives a plugin no other way in; restore it afterwards."""
    saved = {k: os.environ.get(k) for k in ("GONGSHI_AS_OF", "GONGSHI_DATA")}
    if as_of is not None:
        os.environ["GONGSHI_AS_OF"] = as_of.isoformat()
    if data is not None:
        os.environ["GONGSHI_DATA"] = str(data)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_site(root: Path, as_of: date | None = None, strict: bool = False, out: str | None = None,
               data: Path | None = None) -> int:
    """``gongshi build``: ``strict`` is MkDocs' strictness; ``data`` overrides the plugin's data_dir."""
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        print(f"gongshi: 找不到 {config_file}：请在项目根目录运行，或用 --root 指定", file=sys.stderr)
        return 2
    # --strict is MkDocs' strictness (broken links, nav problems). Data warnings such as 久未更新
    # are public facts about a unit, not faults of the build: they never stop the site.
    with _env(as_of, data):
        return _build(config_file, root, strict, out)


def _build(config_file: Path, root: Path, strict: bool, out: str | None) -> int:
    target = Path(out).resolve() if out else root / "site"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.sweep(target)  # what builds killed midway left beside site/
    stage = staging.Staging(target.parent)
    tmp = stage.path
    try:
        cfg = load_config(str(config_file), site_dir=str(tmp), strict=strict)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build.build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except (PluginError, Abort, BuildError, ConfigurationError, jinja2.TemplateError) as exc:
        stage.release()
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"gongshi: 构建失败，原有的 site/ 没有改动。\n{_reason(exc)}", file=sys.stderr)
        return 1
    except BaseException:
        stage.release()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f"{staging.OLD}{os.getpid()}")
        os.replace(target, old)
    os.replace(tmp, target)
    stage.release()
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    print(f"已生成网站：{target}", file=sys.stderr)
    return 0


def _reason(exc: BaseException) -> str:
    """The error in a line: a template's own file and line (theme_overrides/ is the county's to edit)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"页面模板有语法错误：{exc.filename or exc.name or '？'} 第 {exc.lineno} 行：{exc.message}"
    if isinstance(exc, jinja2.TemplateError):
        return f"页面模板出错（请检查 theme_overrides/ 中改过的模板）：{exc}"
    return str(exc)


def serve(root: Path, as_of: date | None = None, dev_addr: str = "127.0.0.1:8000", data: Path | None = None) -> int:
    """Preview ``root`` with live reload (:mod:`generator.site.preview`) until interrupted."""
    import logging

    from generator.site import preview

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    mk_log = logging.getLogger("mkdocs")
    mk_log.addHandler(handler)
    mk_log.setLevel(logging.INFO)
    with _env(as_of, data):
        try:
            preview.serve(root, dev_addr)
        except (PluginError, Abort, ConfigurationError) as exc:
            print(f"gongshi: 预览失败。\n{exc}", file=sys.stderr)
            return 1
        finally:
            mk_log.removeHandler(handler)
    return 0


def _stamp(folders: list[Path]) -> tuple:
    """A cheap fingerprint of the editable folders: every file's path, size and mtime."""
    out = []
    for top in folders:
        for dirpath, _dirs, names in os.walk(top):
            for n in names:
                try:
                    st = os.stat(os.path.join(dirpath, n))
                except OSError:
                    continue
                out.append((dirpath, n, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def serve_built(root: Path, as_of: date | None, host: str, port: int, data_dir: str = "data",
                data: Path | None = None, poll: float = 1.0) -> int:
    """Build the site and serve it from 127.0.0.1; rebuild when ``data/`` or ``content/`` change.

    Unlike ``mkdocs serve``, a rebuild that fails (data with errors, as a half-done edit may
    leave it) keeps serving the last good build, so the web editor at /admin/ stays usable
    to fix the error. ``data`` overrides the plugin's data_dir (``--data``); ``data_dir`` is the
    folder watched.
    """
    import http.server
    import threading
    import time

    work = Path(tempfile.mkdtemp(prefix="gongshi-edit-"))
    site = work / "site"

    def build() -> bool:
        with _env(as_of, data):
            return _build(root / "mkdocs.yml", root, False, str(site)) == 0

    if not build():
        shutil.rmtree(work, ignore_errors=True)
        return 1

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml",
                          ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json"}

        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(site), **kw)

        def log_message(self, fmt, *args):  # quiet: the clerk's terminal shows only what matters
            pass

    server = http.server.ThreadingHTTPServer((host, port), Handler)
    url = f"http://{host}:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"预览网站：{url}  网页编辑器：{url}admin/  （按 Ctrl+C 停止）", file=sys.stderr, flush=True)
    watched = [root / data_dir, root / "content"]
    stamp = _stamp(watched)
    try:
        while True:
            time.sleep(poll)
            now = _stamp(watched)
            if now != stamp:
                stamp = now
                if build():
                    print("数据有改动，网站已重新生成", file=sys.stderr, flush=True)
                else:
                    print("数据有改动但有错误，网站仍是上一次的版本：请按上面的提示修改", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)
