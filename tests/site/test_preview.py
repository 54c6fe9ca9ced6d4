"""`gongshi serve`: after each edit the live server serves what a clean build of the same data writes.

A real ``gongshi serve`` (a subprocess on a free port) previews a copy of the sample county
while a script edits its data the way a clerk would. After each edit every file of a clean
``gongshi build`` of the same data is fetched from the server over HTTP and compared byte for
byte (the live-reload script the server adds to each HTML page aside, and the Pagefind bundle,
which is rebuilt in the background); a page the new data no longer has must be gone. A broken
edit keeps the server up, showing the Chinese error on its pages; the next good edit recovers.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sitekit as K

LIVERELOAD = re.compile(rb"<script>\nvar livereload = function.*?</script>", re.S)
NOTE = re.compile(rb'<div class="gs-preview-note".*?</div>', re.S)


class Served:
    """``gongshi serve`` in a subprocess, its output in a file, on a port the system chose."""

    def __init__(self, root: Path, log: Path):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
        env["PYTHONIOENCODING"] = "utf-8"
        self.log = log
        self._out = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([*K.GONGSHI, "--root", str(root), "serve", "--dev-addr", "127.0.0.1:0",
                                      "--as-of", K.SAMPLE_AS_OF.isoformat()],
                                     cwd=root, env=env, stdout=self._out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 240
        self.url = ""
        while not self.url:
            m = re.search(r"预览地址：(http://127\.0\.0\.1:\d+/)", self.output())
            if m:
                self.url = m.group(1)
            elif self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("gongshi serve did not start:\n" + self.output())
            else:
                time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_bytes().decode("utf-8", "replace")

    def get(self, rel: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + urllib.request.quote(rel), timeout=120) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def epoch(self) -> int:
        # Answers at once with the epoch of the site shown (it changes after every rebuild).
        return int(self.get("livereload/0/0")[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()


def _write(path: Path, text: str) -> None:
    """Save the way editors do: a new file put in place, so no reader sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".saving")  # hidden: the loader skips dot files
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    _write(path, text.replace(old, new, 1))


def _append(path: Path, text: str) -> None:
    _write(path, path.read_text(encoding="utf-8") + text)


def _clean_build(project: Path, work: Path) -> Path:
    """A clean ``gongshi build`` of a copy of the project as it is now."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(project, work, ignore=shutil.ignore_patterns("site"))
    res = K.gongshi_build(work, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    return work / "site"


def _files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and not p.relative_to(site).as_posix().startswith("pagefind/"))


def _wait_rebuilt(srv: Served, before: int) -> None:
    deadline = time.monotonic() + 120
    while srv.epoch() == before:
        assert srv.proc.poll() is None, srv.output()
        assert time.monotonic() < deadline, "the edit was not picked up:\n" + srv.output()[-3000:]
        time.sleep(0.1)


def _served(srv: Served, rel: str) -> bytes:
    status, body = srv.get(rel)
    assert status == 200, f"{rel}: HTTP {status}"
    if rel.endswith((".html", "/")) or rel == "":  # a page, by its file or by its address
        body = LIVERELOAD.sub(b"", body)
    return body


def _compare(srv: Served, site: Path, gone: set[str]) -> None:
    """Every file of the clean build served identically; the pages it no longer has, not at all."""
    differ = []
    first = ""
    for rel in _files(site):
        want = (site / rel).read_bytes()
        url_rel = rel[: -len("index.html")] if rel.endswith("/index.html") or rel == "index.html" else rel
        got = _served(srv, rel)
        if rel.endswith("index.html") and got != want:
            got = _served(srv, url_rel)
        if rel == "search/index.html" and NOTE.search(got):
            # Pagefind is still indexing: the page says so until it has finished.
            deadline = time.monotonic() + 120
            while NOTE.search(got) and time.monotonic() < deadline:
                time.sleep(0.5)
                got = _served(srv, rel)
        if got != want:
            differ.append(rel)
            if len(differ) == 1:
                first = _first_difference(want, got)
    assert not differ, f"served ≠ clean build for {len(differ)} files, e.g. {differ[:8]}; {differ[0] if differ else ''}:\n{first}"
    for rel in sorted(gone):
        status, _ = srv.get(rel)
        assert status == 404, f"{rel} is served although the data no longer has it"


def _first_difference(want: bytes, got: bytes) -> str:
    """The first lines where a served file differs from the clean build's, for the failure message."""
    diff = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(), got.decode("utf-8", "replace").splitlines(),
                                "clean build", "served", n=1, lineterm="")
    return "\n".join(line[:300] for line in itertools.islice(diff, 30))


def test_serve_matches_a_clean_build_after_each_edit(tmp_path, sample_project):
    project = tmp_path / "proj"
    shutil.copytree(sample_project, project)
    data = project / "data"
    srv = Served(project, tmp_path / "serve.log")
    try:
        site = _clean_build(project, tmp_path / "clean")
        _compare(srv, site, set())
        status, body = srv.get("units/spj/yanshi-fuwu/")
        assert status == 200 and "群众满意度回访".encode() in body

        edits = [
            ("append a ledger entry", lambda: _append(
                data / "units/spj/ledger.yaml",
                '- date: 2025-10-30\n  pledge: yanshi-fuwu\n  progress: 90\n  note: "预览测试追加：中午办件再增 40 件。"\n')),
            ("change a pledge with a changes entry", lambda: _edit(
                data / "units/spj/pledges.yaml", "deadline: 2025-12-31\n",
                'deadline: 2026-01-31\n  changes:\n    - date: 2025-10-30\n      field: deadline\n'
                '      from: 2025-12-31\n      to: 2026-01-31\n      why: "预览测试：设备到货推迟"\n')),
            ("rename a unit", lambda: _edit(data / "units/xzf/unit.yaml", "城关镇人民政府", "城关镇人民政府（预览测试更名）")),
            ("add a unit", lambda: _write(
                data / "units/xinjian/unit.yaml",
                'id: xinjian\nname: "示例县新建服务中心"\nshort_name: "新建中心"\ncategory: "乡镇政府"\n')),
            ("move a phase's end", lambda: _edit(data / "campaigns/yingshang.yaml", "end: 2025-11-30", "end: 2025-10-26")),
        ]
        before_files = set(_files(site))
        for what, edit in edits:
            epoch = srv.epoch()
            edit()
            _wait_rebuilt(srv, epoch)
            site = _clean_build(project, tmp_path / "clean")
            now = set(_files(site))
            try:
                _compare(srv, site, before_files - now)
            except AssertionError as exc:
                raise AssertionError(f"after “{what}”: {exc}\n{srv.output()[-3000:]}") from None
            before_files = now
        status, body = srv.get("units/spj/yanshi-fuwu/")
        assert "预览测试追加".encode() in body and "设备到货推迟".encode() in body
        assert "示例县新建服务中心".encode() in srv.get("units/")[1]

        # A broken edit: the server stays up, every page shows the Chinese error with file and line,
        # and still the last good version.
        ledger = data / "units/spj/ledger.yaml"
        good = ledger.read_text(encoding="utf-8")
        epoch = srv.epoch()
        _write(ledger, good + "- date: 2025-10-31\n  pledge: yanshi-fuwu\n  progress: [90\n")
        _wait_rebuilt(srv, epoch)
        assert srv.proc.poll() is None
        status, body = srv.get("units/spj/yanshi-fuwu/")
        text = body.decode()
        assert status == 200 and "gs-preview-note" in text
        assert "数据有错误" in text and "data/units/spj/ledger.yaml" in text
        assert "预览测试追加" in text  # the last good version
        assert "数据有错误" in srv.output()
        # The next good edit recovers: identical to a clean build again, no error shown.
        epoch = srv.epoch()
        _write(ledger, good + '- date: 2025-10-31\n  pledge: yanshi-fuwu\n  progress: 95\n  note: "改正后的记录。"\n')
        _wait_rebuilt(srv, epoch)
        site = _clean_build(project, tmp_path / "clean")
        _compare(srv, site, before_files - set(_files(site)))
        assert "gs-preview-note" not in srv.get("units/spj/yanshi-fuwu/")[1].decode()
        assert "Traceback" not in srv.output()
    finally:
        srv.stop()


def test_serve_starts_on_broken_data_and_recovers(tmp_path, sample_project):
    """A clerk starts the preview with a mistake already in the data: the server starts, every
    page shows the Chinese error with file and line, and fixing the file brings the site."""
    project = tmp_path / "proj"
    shutil.copytree(sample_project, project)
    ledger = project / "data/units/spj/ledger.yaml"
    good = ledger.read_text(encoding="utf-8")
    _write(ledger, good + "- date: 2025-10-31\n  pledge: yanshi-fuwu\n  progress: 九十\n")
    srv = Served(project, tmp_path / "serve.log")
    try:
        for rel in ("", "units/spj/yanshi-fuwu/", "no/such/page/"):
            status, body = srv.get(rel)
            text = body.decode()
            assert status in (200, 404) and "数据有错误" in text, rel
            assert "data/units/spj/ledger.yaml" in text and "progress" in text, text
            assert "livereload" in text  # the browser reloads by itself once the file is fixed
        assert srv.proc.poll() is None and "数据有错误" in srv.output()
        epoch = srv.epoch()
        _write(ledger, good)
        _wait_rebuilt(srv, epoch)
        _compare(srv, _clean_build(project, tmp_path / "clean"), set())
        assert "Traceback" not in srv.output()
    finally:
        srv.stop()


def test_serve_reloads_the_browser(tmp_path, sample_project, browse):
    """Chromium on a pledge page under ``gongshi serve``: an appended ledger entry reloads the page."""
    project = tmp_path / "proj"
    shutil.copytree(sample_project, project)
    srv = Served(project, tmp_path / "serve.log")
    try:
        page, rec = browse()
        page.goto(srv.url + "units/spj/yanshi-fuwu/")
        page.wait_for_load_state("load")
        page.evaluate("window.gsBeforeEdit = true")
        page.wait_for_timeout(300)  # the live-reload poll is under way once the page has loaded
        ledger = project / "data/units/spj/ledger.yaml"
        _append(ledger, '- date: 2025-10-30\n  pledge: yanshi-fuwu\n  progress: 90\n  note: "浏览器自动刷新测试。"\n')
        page.wait_for_selector("text=浏览器自动刷新测试", timeout=120_000)
        assert page.evaluate("window.gsBeforeEdit === undefined"), "the new content came without a reload"
        assert not rec.errors, rec.errors
    finally:
        srv.stop()


def test_search_page_says_the_index_is_updating(tmp_path, sample_project):
    """In-process: right after a new generation the search page carries the note, and loses it
    once Pagefind has put the new bundle in place."""
    from generator.site.preview import SEARCH_NOTE, Preview

    project = tmp_path / "proj"
    shutil.copytree(sample_project, project)
    os.environ["GONGSHI_AS_OF"] = K.SAMPLE_AS_OF.isoformat()
    try:
        pv = Preview(project, tmp_path / "out" / "site")
        pv.refresh(clean=True)
        try:
            content, note = pv.read("search/index.html")
            assert content is not None
            assert note == (SEARCH_NOTE if pv.indexing.is_set() else "")
            deadline = time.monotonic() + 120
            while pv.indexing.is_set() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not pv.indexing.is_set()
            assert pv.read("search/index.html")[1] == ""
            assert (tmp_path / "out" / "site" / "pagefind" / "pagefind.js").is_file()
        finally:
            pv.close()
    finally:
        del os.environ["GONGSHI_AS_OF"]


def test_broken_data_keeps_serving_pages_not_yet_shown(tmp_path, sample_project):
    """In-process: after an edit breaks the data, a page of the last good version that nobody had
    opened yet is still served (with the error above it), and a page's stylesheets are served
    without making the open data."""
    from generator.site.preview import Preview

    project = tmp_path / "proj"
    shutil.copytree(sample_project, project)
    site = tmp_path / "out" / "site"
    os.environ["GONGSHI_AS_OF"] = K.SAMPLE_AS_OF.isoformat()
    try:
        pv = Preview(project, site)
        pv.refresh(clean=True)
        try:
            assert pv.read("index.html")[0] is not None
            for css in ("assets/gongshi.css", "assets/gongshi-facets.css"):
                assert pv.read(css)[0], css
            assert not (site / "data" / "gongshi.json").exists()  # the open data waits until asked for
            ledger = project / "data/units/spj/ledger.yaml"
            _write(ledger, ledger.read_text(encoding="utf-8") + "- date: 2025-10-31\n  pledge: yanshi-fuwu\n  progress: 九十\n")
            pv.note_change(str(ledger))
            pv.rebuild()
            assert pv.error and "ledger.yaml" in pv.error
            for rel in ("units/index.html", "units/spj/yanshi-fuwu/index.html", "data/index.html"):
                content, note = pv.read(rel)
                assert content is not None and "这一页没有生成".encode() not in content, rel
                assert "数据有错误" in note and "data/units/spj/ledger.yaml" in note, rel
        finally:
            pv.close()
    finally:
        del os.environ["GONGSHI_AS_OF"]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
