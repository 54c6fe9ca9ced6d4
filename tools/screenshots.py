"""Screenshots of a built site in headless Chromium, desktop and a 390 px phone.

    python tools/screenshots.py SITE_DIR OUT_DIR PATH [PATH ...]

Used to look at the site as a reader would before calling a change done.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import ViewportSize, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # no request log on the terminal


def main() -> int:
    site, out, *paths = sys.argv[1:]
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=site)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}/"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, viewport in (("desktop", ViewportSize(width=1280, height=900)), ("phone", ViewportSize(width=390, height=844))):
            ctx = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = ctx.new_page()
            for p in paths:
                page.goto(base + p.lstrip("/"))
                slug = p.strip("/").replace("/", "_") or "home"
                page.screenshot(path=str(out_dir / f"{slug}-{name}.png"), full_page=True)
                # The top of the page as a reader first sees it, at full resolution.
                page.screenshot(path=str(out_dir / f"{slug}-{name}-top.png"), full_page=False)
                width = page.evaluate("document.documentElement.scrollWidth")
                print(f"{name} {p}: scrollWidth={width}")
            ctx.close()
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
