"""Lighthouse (npm ``lighthouse`` 12.2.3, pinned by tools/lighthouse/package-lock.json, installed by
./dev test) on five page kinds, as a phone (Lighthouse's default, throttled) and a desktop, in
Debian's Chromium. Accessibility, best practices and SEO must stay at or above a floor;
performance is printed (it depends on the machine's load, so it is measured, not asserted).

About twenty seconds per audit: ten audits, one test, marked slow. The site is served at the
root of its own server, as it is published (Lighthouse reads /robots.txt at the root).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import sitekit as K

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LIGHTHOUSE = K.REPO / "tools" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path(os.environ.get("GONGSHI_CHROMIUM", "/usr/bin/chromium"))
PAGES = {"home": "", "unit": "units/fgw/", "pledge": K.SAMPLE_PLEDGE_URL, "search": "search/",
         "campaign": "campaigns/yingshang/"}
FLOOR = {"accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def _need_lighthouse():
    if LIGHTHOUSE.is_file() and CHROMIUM.is_file() and shutil.which("node"):
        return
    why = "Lighthouse is not installed (npm ci --prefix tools/lighthouse; ./dev test does) or Chromium is missing"
    if os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1":
        pytest.fail(why, pytrace=False)
    pytest.skip(why)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_lighthouse_scores(sample_site, tmp_path):
    _need_lighthouse()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(sample_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    scores, below, lines = {}, [], []
    try:
        for form in ("mobile", "desktop"):
            for kind, url in PAGES.items():
                out = tmp_path / f"{kind}-{form}.json"
                cmd = [str(LIGHTHOUSE), f"http://127.0.0.1:{httpd.server_port}/{url}", "--output=json",
                       f"--output-path={out}", "--quiet", "--only-categories=" + ",".join(CATEGORIES),
                       "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                       "--disable-component-update --no-first-run --disable-sync",
                       "--disable-full-page-screenshot"]
                if form == "desktop":
                    cmd.append("--preset=desktop")
                res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
                assert res.returncode == 0 and out.is_file(), f"lighthouse {kind} {form}:\n{res.stderr[-2000:]}"
                report = json.loads(out.read_text(encoding="utf-8"))
                assert not report.get("runtimeError"), report.get("runtimeError")
                got = {c: report["categories"][c]["score"] for c in CATEGORIES}
                scores[(kind, form)] = got
                lines.append(f"{kind:9} {form:8} " + " ".join(f"{c} {round(got[c] * 100)}" for c in CATEGORIES))
                for cat, floor in FLOOR.items():
                    if got[cat] is None or got[cat] < floor:
                        failing = [f"{a['id']} ({a.get('title')})" for a in report["audits"].values()
                                   if a.get("score") is not None and a["score"] < 1
                                   and a.get("scoreDisplayMode") in ("binary", "numeric")
                                   and a["id"] in {r["id"] for r in report["categories"][cat]["auditRefs"]}]
                        below.append(f"/{url} {form}: {cat} {got[cat]} < {floor}: {failing}")
    finally:
        httpd.shutdown()
        httpd.server_close()
    print("\nLighthouse 12.2.3, sample site:\n" + "\n".join(lines))
    assert len(scores) == 2 * len(PAGES)
    assert not below, "\n".join(below)
