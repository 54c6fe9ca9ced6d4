"""Fixtures of the site tests: built sites (one build per session each), a local web server
and a headless Chromium.

Builds run in a subprocess: ``generator.site.build.build_site`` sets ``GONGSHI_AS_OF`` in
``os.environ``, which would leak into every later test of the session.

Browser tests are skipped when Chromium or Playwright is missing, except when
``GONGSHI_REQUIRE_BROWSER=1`` (CI sets it): then a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import sitekit as K  # noqa: E402

CHROMIUM = Path(os.environ.get("GONGSHI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def _build_ok(res, what: str) -> None:
    assert res.returncode == 0, f"{what} failed (exit {res.returncode}):\n{res.stdout}\n{res.stderr}"


# ---------------------------------------------------------------------------------------
# Projects and sites


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory) -> Path:
    """The hand-written sample (data only; never built in place, so tests may copy it)."""
    root = K.make_project(tmp_path_factory.mktemp("sample") / "proj")
    return K.write_sample(root)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory, sample_project) -> Path:
    """The sample built with ``gongshi build --as-of 2025-10-31``."""
    root = tmp_path_factory.mktemp("sample-built") / "proj"
    shutil.copytree(sample_project, root)
    _build_ok(K.gongshi_build(root, K.SAMPLE_AS_OF), "gongshi build (sample)")
    return root / "site"


@pytest.fixture(scope="session")
def full_site(tmp_path_factory, sample_project) -> Path:
    """The sample with the repository's own mkdocs.yml and content/ (the editors' guide: wide
    tables, code blocks), built as of 2025-10-29, the day before its evaluation is published."""
    root = tmp_path_factory.mktemp("full-built") / "proj"
    shutil.copytree(sample_project, root)
    shutil.copy(K.REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.rmtree(root / "content")
    shutil.copytree(K.REPO / "content", root / "content")
    _build_ok(K.gongshi_build(root, K.FULL_AS_OF), "gongshi build (sample with the guide)")
    return root / "site"


@pytest.fixture(scope="session")
def bench_project(tmp_path_factory) -> Path:
    """``bench/make_data.py --scale 0.05`` (every state of the contract), as of the real today."""
    root = K.make_project(tmp_path_factory.mktemp("bench") / "proj")
    res = K.run([sys.executable, str(K.REPO / "bench" / "make_data.py"), "--scale", "0.05", "--out", str(root),
                 "--today", _real_today().isoformat(), "-q"])
    _build_ok(res, "bench/make_data.py")
    assert (root / "data" / "site.yaml").is_file()
    return root


def _real_today():
    from generator.view.pipeline import today_in

    return today_in("Asia/Shanghai")


@pytest.fixture(scope="session")
def bench_build(bench_project):
    """``mkdocs build --strict`` of the bench project: (completed process, site dir)."""
    res = K.run(K.MKDOCS + ["build", "--strict", "-f", str(bench_project / "mkdocs.yml")], cwd=bench_project)
    return res, bench_project / "site"


@pytest.fixture(scope="session")
def bench_site(bench_build) -> Path:
    res, site = bench_build
    _build_ok(res, "mkdocs build --strict (bench)")
    return site


@pytest.fixture(scope="session")
def bench_view(bench_project):
    from generator.view.pipeline import check

    res = check(bench_project)
    assert not res.errors, [p.text() for p in res.errors]
    return res.derived


@pytest.fixture(scope="session")
def sample_view(sample_project):
    from generator.view.pipeline import check

    res = check(sample_project, K.SAMPLE_AS_OF)
    assert not res.errors, [p.text() for p in res.errors]
    return res.derived


@pytest.fixture(scope="session")
def hostile_project(tmp_path_factory) -> Path:
    root = K.make_project(tmp_path_factory.mktemp("hostile") / "proj")
    return K.write_hostile(root)


@pytest.fixture(scope="session")
def hostile_build(hostile_project):
    """``gongshi build`` (as of today) of the hostile project: (completed process, site dir)."""
    res = K.gongshi_build(hostile_project)
    return res, hostile_project / "site"


@pytest.fixture(scope="session")
def hostile_site(hostile_build) -> Path:
    res, site = hostile_build
    _build_ok(res, "gongshi build (hostile)")
    return site


# ---------------------------------------------------------------------------------------
# A local web server for built sites: /sample/, /bench/ and /hostile/ (built on first use).


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """(base URL, mount(name, site_dir)) of one http.server on 127.0.0.1 for the session."""
    docroot = tmp_path_factory.mktemp("www")
    handler = functools.partial(_Handler, directory=str(docroot))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def mount(name: str, site: Path) -> str:
        link = docroot / name
        if not link.exists():
            link.symlink_to(site, target_is_directory=True)
        return f"http://127.0.0.1:{httpd.server_port}/{name}/"

    yield f"http://127.0.0.1:{httpd.server_port}/", mount
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def sample_url(server, sample_site) -> str:
    return server[1]("sample", sample_site)


@pytest.fixture(scope="session")
def full_url(server, full_site) -> str:
    return server[1]("full", full_site)


@pytest.fixture(scope="session")
def bench_url(server, bench_site) -> str:
    return server[1]("bench", bench_site)


@pytest.fixture(scope="session")
def hostile_url(server, hostile_site) -> str:
    return server[1]("hostile", hostile_site)


# ---------------------------------------------------------------------------------------
# Chromium through Playwright


def _no_browser(why: str):
    if os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GONGSHI_REQUIRE_BROWSER=1 but the browser tests cannot run: {why}", pytrace=False)
    pytest.skip(f"browser tests skipped: {why} (set GONGSHI_REQUIRE_BROWSER=1 to make this an error)")


@pytest.fixture(scope="session")
def browser(chromium_browser):
    return chromium_browser


class Recorder:
    """What a browser context did: requests to other hosts, console errors, page errors and
    JavaScript dialogs (an ``alert(1)`` from injected markup would open one)."""

    def __init__(self) -> None:
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    def check_local(self) -> None:
        assert not self.foreign, "requests left 127.0.0.1:\n" + "\n".join(self.foreign)


@pytest.fixture
def browse(browser):
    """A factory of pages: ``page, rec = browse(width=390)``. Any request to a host other
    than 127.0.0.1 is aborted and recorded; the test fails on it at teardown."""
    contexts = []
    rec = Recorder()

    def route(r):
        url = r.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            r.continue_()
        else:
            rec.foreign.append(url)
            r.abort()

    def make(width: int = 1280, height: int = 900, js: bool = True):
        ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  service_workers="block", java_script_enabled=js)
        ctx.route("**/*", route)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("console", lambda m: rec.errors.append(f"console {m.type}: {m.text} ({m.location})")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: rec.errors.append(f"pageerror: {e}"))

        def dialog(d):
            rec.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        page.on("dialog", dialog)
        return page, rec

    yield make
    for ctx in contexts:
        ctx.close()
    rec.check_local()
