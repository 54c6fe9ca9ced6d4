"""``gongshi notices``: each unit's printable notice (/units/<unit>/notice/) as an A4 PDF.

The site is built into a temporary folder, served on 127.0.0.1 by a local HTTP server in a
thread, and each notice page is printed by headless Chromium through Playwright with the
page's own print CSS (A4 portrait).  Requests that would leave 127.0.0.1 are blocked, so
printing works offline and leaks nothing.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


def chromium_path() -> Path:
    """Debian's Chromium, or the one named by ``GONGSHI_CHROMIUM``."""
    return Path(os.environ.get("GONGSHI_CHROMIUM") or CHROMIUM)


def _say(msg: str) -> None:
    print(msg, file=sys.stderr)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no access log on the terminal
        pass


def notices_command(root: Path, out: str | Path, units: list[str] | None = None, data: Path | None = None) -> int:
    """Build the site, print every (or each named) unit's notice to ``out/<unit>.pdf``; exit code."""
    root = Path(root)
    try:
        from playwright.sync_api import Error as PwError
        from playwright.sync_api import sync_playwright
    except ImportError:
        _say("gongshi notices: 需要 Playwright 才能把公示单打印成 PDF。请先安装：pip install playwright")
        return 2
    browser_path = chromium_path()
    if not browser_path.is_file():
        _say(f"gongshi notices: 找不到 Chromium 浏览器（{browser_path}）。"
             "请安装 Chromium（Debian/Ubuntu：apt-get install chromium），"
             "或用环境变量 GONGSHI_CHROMIUM 指定浏览器程序的位置。")
        return 2
    if not (root / "mkdocs.yml").is_file():
        _say(f"gongshi notices: 找不到 {root / 'mkdocs.yml'}：请在项目根目录运行，或用 --root 指定")
        return 2

    from generator.site.build import build_site

    out_dir = Path(out).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="gongshi-notices-"))
    try:
        site = tmp / "site"
        _say("正在生成网站……")
        log = io.StringIO()
        with contextlib.redirect_stderr(log):  # its "site written to <tmp>" would mislead
            rc = build_site(root, out=str(site), data=data)
        if rc != 0:
            sys.stderr.write(log.getvalue())
            return rc
        available = sorted(p.parent.parent.name for p in (site / "units").glob("*/notice/index.html"))
        wanted = list(dict.fromkeys(units or available))
        unknown = [u for u in wanted if u not in available]
        if unknown:
            _say(f"gongshi notices: 没有这些单位：{'、'.join(unknown)}。可选的单位：{'、'.join(available) or '（无）'}")
            return 2
        if not wanted:
            _say("gongshi notices: 数据中没有单位，没有生成公示单。")
            return 0
        out_dir.mkdir(parents=True, exist_ok=True)
        if not _has_cjk_font():
            _say("gongshi notices: 警告：系统中没有找到中文字体，PDF 中的中文可能显示为方框。"
                 "请安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk）。")
        handler = functools.partial(_Quiet, directory=str(site))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{httpd.server_port}/"
        try:
            return _print_all(sync_playwright, PwError, browser_path, base, wanted, out_dir)
        finally:
            httpd.shutdown()
            httpd.server_close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _print_all(sync_playwright, PwError, browser_path: Path, base: str, units: list[str], out_dir: Path) -> int:
    try:
        with sync_playwright() as pw:
            try:
                browser = pw.chromium.launch(executable_path=str(browser_path), args=CHROMIUM_ARGS)
            except PwError as exc:
                _say(f"gongshi notices: Chromium（{browser_path}）无法启动：{_first_line(exc)}")
                return 1
            try:
                ctx = browser.new_context(service_workers="block")
                ctx.route("**/*", _local_only)
                page = ctx.new_page()
                for uid in units:
                    target = out_dir / f"{uid}.pdf"
                    page.goto(f"{base}units/{uid}/notice/", wait_until="load")
                    page.emulate_media(media="print")
                    page.evaluate("document.fonts.ready.then(() => true)")
                    page.pdf(path=str(target), format="A4", landscape=False, print_background=True,
                             prefer_css_page_size=True)
                    _say(f"已生成公示单：{target}")
            finally:
                browser.close()
    except PwError as exc:
        _say(f"gongshi notices: 打印公示单时浏览器出错：{_first_line(exc)}")
        return 1
    return 0


def _local_only(route) -> None:
    url = route.request.url
    if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _has_cjk_font() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (unknown counts as yes)."""
    fc = shutil.which("fc-list")
    if not fc:
        return True
    import subprocess

    try:
        res = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return True
    return bool(res.stdout.strip())
