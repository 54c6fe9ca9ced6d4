"""generator/site/search.py and generator/site/prerender.py: the search records and index, and the bodies
rendered ahead in worker processes."""

from __future__ import annotations

import re
import shutil

import pytest
import sitekit as K

from generator.site import search
from generator.site.prerender import Prerender
from generator.site.render import Renderer, plan
from generator.site.scan import scan_fragment


def test_records_cover_every_page_but_notices_and_the_search_page(bench_view):
    pages = plan(bench_view)
    urls = {u for u, _doc in search.page_records(pages, bench_view)}
    want = {"/" + p.url for p in pages if p.kind not in ("notice", "search")}
    assert urls == want


def test_record_of_a_hostile_pledge_holds_text_only(hostile_project):
    from generator.view.pipeline import check

    view = check(hostile_project, None).derived
    docs = dict(search.page_records(plan(view), view))
    doc = docs["/" + K.HOSTILE_PLEDGE_URL]
    tags = {t for t, _ in K.parse(doc).tags}
    # the title's <script>, <img> … are escaped text: the only elements are the record's own
    assert tags <= {"html", "head", "title", "body", "h1", "span", "p"}, tags
    assert re.search(r"<h1>[^<]*&lt;script&gt;", doc)


def test_part_pages_weigh_only_their_part(bench_view):
    """A campaign's phase report and a unit's problem list put only their own part in the
    heading Pagefind weighs most, so the campaign's or unit's own page ranks first for its name."""
    pages = plan(bench_view)
    docs = dict(search.page_records(pages, bench_view))
    phase = next(p for p in pages if p.kind == "phase")
    doc = docs["/" + phase.url]
    assert f"<h1>{phase.context['phase'].name}阶段公示</h1>" in doc
    assert f'data-pagefind-meta="title">{phase.title}</span>' in doc
    rect = next(p for p in pages if p.kind == "rectifications")
    assert "<h1>问题整改</h1>" in docs["/" + rect.url]


def test_built_index_keeps_meta_as_written_and_out_of_the_text(tmp_path):
    """Titles with commas stay whole (Pagefind splits attribute metadata on commas), and the
    metadata is shown with a result without being searched a second time."""
    ix = search.Indexer()
    ix.add([("/a/", search._doc("甲,乙 <b>标题</b>", ["正文"], kind="承诺", unit="某,单位"))])
    assert ix.finish(tmp_path) == 1
    (rec,) = K.search_records(tmp_path)
    assert rec["meta"] == {"title": "甲,乙 <b>标题</b>", "kind": "承诺", "unit": "某,单位"}
    assert "单位" not in rec["content"].replace("\u200b", "")


def test_built_index_finds_records_by_their_own_words(sample_site):
    recs = {r["url"]: r for r in K.search_records(sample_site)}
    pledge = recs["/" + K.SAMPLE_PLEDGE_URL]
    assert pledge["meta"]["title"] == K.SAMPLE_PLEDGE_TITLE
    assert pledge["meta"]["kind"] == "承诺"
    assert "发改委" in pledge["content"].replace("\u200b", "")  # the unit's short name
    assert (sample_site / "pagefind" / "pagefind.js").is_file()
    assert not (sample_site / "pagefind" / "pagefind-ui.js").exists()  # Pagefind's own UI is not shipped


def test_hand_written_pages_are_indexed_too(sample_project, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(sample_project, root, ignore=shutil.ignore_patterns("site"))
    (root / "content" / "about").mkdir(parents=True)
    (root / "content" / "about" / "index.md").write_text("# 关于本平台\n\n县政务服务管理办公室维护。\n", encoding="utf-8")
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    recs = {r["url"]: r for r in K.search_records(root / "site")}
    assert recs["/about/"]["meta"] == {"title": "关于本平台", "kind": "说明"}
    assert "维护" in recs["/about/"]["content"].replace("\u200b", "")


def test_a_missing_pagefind_program_is_a_clear_error(monkeypatch):
    import pagefind.service

    monkeypatch.setattr(pagefind.service, "get_executable", lambda: None)
    ix = search.Indexer()
    ix.add([("/a/", search._doc("甲", ["乙"]))])
    with pytest.raises(search.SearchIndexError, match="找不到 Pagefind 程序"):
        ix.start()
    ix.cancel()


def test_bodies_rendered_ahead_equal_bodies_rendered_in_turn(bench_view):
    pages = [p for p in plan(bench_view) if p.kind not in ("data", "search")]
    assert len(pages) > 100
    serial = Renderer(bench_view)
    ahead = Prerender(Renderer(bench_view), pages, workers=2, scan=scan_fragment)
    try:
        assert ahead._pool is not None, "the pages were not rendered in worker processes"
        for p in pages:
            assert ahead.get(p) == serial.render(p), p.url
    finally:
        ahead.close()
    assert ahead.problems == {}


def test_bodies_rendered_ahead_report_executable_markup(bench_view, monkeypatch):
    pages = [p for p in plan(bench_view) if p.kind == "pledge"][:60]
    renderer = Renderer(bench_view)
    real = renderer.render
    # a template override that forgets to escape: the scan in the workers must see it
    monkeypatch.setattr(renderer, "render", lambda page: real(page) + '<img src=x onerror="alert(1)">')
    ahead = Prerender(renderer, pages, workers=2, scan=scan_fragment)
    try:
        for p in pages:
            ahead.get(p)
    finally:
        ahead.close()
    assert set(ahead.problems) == {p.src_uri for p in pages}
    assert "img 的事件属性 onerror" in ahead.problems[pages[0].src_uri]


def test_guide_pages_are_labelled_as_the_guide():
    url, doc = search.content_record("guide/pledges/", "如何新增承诺", "<p>正文</p>")
    assert url == "/guide/pledges/"
    assert 'data-pagefind-meta="kind">编辑指南<' in doc


def test_a_site_may_use_materials_search_instead(hostile_project, tmp_path):
    """`search: false` + Material's search plugin: no Pagefind bundle and no /search/ page; the
    header shows Material's dialog; the hostile titles reach Material's index escaped."""
    root = tmp_path / "proj"
    shutil.copytree(hostile_project, root, ignore=shutil.ignore_patterns("site"))
    cfg = (root / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("plugins:\n", "plugins:\n  - search:\n      lang: zh\n", 1)
    cfg = cfg.replace("  - gongshi:\n", "  - gongshi:\n      search: false\n", 1)
    (root / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    res = K.gongshi_build(root)
    assert res.returncode == 0, res.stderr
    site = root / "site"
    assert not (site / "pagefind").exists() and not (site / "search" / "index.html").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="search"' in home and "gs-header-search" not in home
    from generator.site.scan import scan_search_index

    assert (site / "search" / "search_index.json").is_file()
    assert scan_search_index(site) == []
