"""Hostile text in every field of the data: shown as text everywhere, never as markup.

The hostile project (sitekit.write_hostile) puts ``<script>``, an ``onerror`` image, an
attribute break-out, Jinja syntax, a pymdownx snippet line and an HTML entity into every text
field of every file kind.  The build must pass the post-build scan, the pages must carry only
Material's own scripts, and the strings must reach the reader as the very text that was
written (not dropped, not executed, not double-escaped)."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
import sitekit as K
from sitekit import HOSTILE_PARTS, HOSTILE_PLEDGE_TITLE, HOSTILE_SITE_TITLE, hostile

pytestmark = pytest.mark.slow

PLEDGE = K.HOSTILE_PLEDGE_URL
PAGE_URLS = ["", "units/", "units/evil/", PLEDGE, "units/evil/p2/", "units/evil/notice/", "units/evil/rectifications/",
             "campaigns/", "campaigns/evilc/", "campaigns/evilc/ph1/", "inspections/", "evaluations/",
             "evaluations/evilc/", "updates/", "data/"]
# Signs that text was escaped twice (the reader would see entity names).
DOUBLE = ("&lt;script", "&lt;img", "&quot;", "&#34;", "&amp;lt;", "&gt;&lt;svg")


def _read(site, url):
    return (site / url / "index.html").read_text(encoding="utf-8")


def _visible(html_text: str) -> str:
    """The text a reader sees in the content area (entities decoded, scripts dropped)."""
    return "".join(K.parse(K.content_area(html_text)).text)


def test_hostile_build_succeeds_and_passes_the_scan(hostile_build):
    res, site = hostile_build
    assert res.returncode == 0, f"gongshi build failed on hostile text:\n{res.stdout}\n{res.stderr}"
    from generator.site.scan import scan_site

    urls = [str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html")]
    urls = ["" if u == "./" else u for u in urls]
    # The search page is the site's own form (a <form> by design), with no data on it.
    assert "search/" in urls
    assert scan_site(site, [u for u in urls if u != "search/"]) == []


def test_every_planned_page_exists(hostile_site):
    for url in PAGE_URLS:
        assert (hostile_site / url / "index.html").is_file(), url


def _scripts(html_text: str) -> Counter:
    out = Counter()
    for tag, attrs in K.parse(html_text).tags:
        if tag == "script":
            a = dict(attrs)
            src = a.get("src")
            out[src.rsplit("/", 1)[-1] if src else f"inline:{a.get('id') or a.get('type') or ''}"] += 1
    return out


def test_only_materials_own_scripts(hostile_site, sample_site):
    """Every page carries exactly the scripts a clean build's pages carry, none in the content area."""
    clean = _scripts((sample_site / "index.html").read_text(encoding="utf-8"))
    assert clean, "the clean build has no scripts at all?"
    bad = []
    for f in K.html_pages(hostile_site):
        text = f.read_text(encoding="utf-8")
        if f.relative_to(hostile_site).parts[0] == "admin":
            # The web editor's pages are not Material's: without `editing` the index is a plain
            # list, and with it each unit's page loads Decap and the site's own script, no data.
            if re.search(r"<script", text, re.I):
                bad.append(f"{f.relative_to(hostile_site)}: a script on the editor's index")
            continue
        got = _scripts(text)
        rel = f.relative_to(hostile_site).as_posix()
        if rel == "search/index.html":
            # the search page alone loads the search script, from the site's own assets
            got = got - Counter({"gongshi-search.js": 1})
        if re.fullmatch(r"units/(?:[^/]+/)?index\.html", rel):
            # the unit tables' sorting (tablesort from the site's own assets), on /units/ and each unit's page
            got = got - Counter({"tablesort.min.js": 1, "tablesort.number.min.js": 1, "gongshi-tables.js": 1})
        if got != clean:
            bad.append(f"{f.relative_to(hostile_site)}: {dict(got)} != {dict(clean)}")
        if "md-content__inner" in text and re.search(r"<script", K.content_area(text), re.I):
            bad.append(f"{f.relative_to(hostile_site)}: <script> in the content area")
    assert not bad, "\n".join(bad)


def test_no_event_handler_or_script_url_anywhere(hostile_site):
    bad = []
    for f in K.html_pages(hostile_site):
        for tag, attrs in K.parse(f.read_text(encoding="utf-8")).tags:
            for name, value in attrs:
                if name.lower().startswith("on"):
                    bad.append(f"{f.relative_to(hostile_site)}: <{tag} {name}=...>")
                if name.lower() in ("href", "src", "action", "formaction", "srcset") and value and \
                        re.match(r"\s*(javascript|data|vbscript):", value, re.I):
                    bad.append(f"{f.relative_to(hostile_site)}: <{tag} {name}={value[:40]!r}>")
            if tag in ("svg", "img", "iframe", "object", "embed", "form", "base") and any(
                    n == "src" and v == "x" for n, v in attrs):
                bad.append(f"{f.relative_to(hostile_site)}: injected <{tag}>")
    assert not bad, "\n".join(bad[:50])


def test_no_injected_elements_in_content(hostile_site):
    """The only <svg> elements are the generator's charts and QR codes; no <img> at all."""
    for url in PAGE_URLS:
        tags = K.parse(K.content_area(_read(hostile_site, url))).tags
        for tag, attrs in tags:
            if tag == "svg":  # charts and QR codes, drawn by the generator, never from data
                cls = dict(attrs).get("class") or ""
                assert "gs-chart" in cls or "gs-qr" in cls, f"/{url}: an <svg> that is neither chart nor QR code"
            assert tag not in ("img", "script", "iframe", "object", "embed", "style", "link", "meta", "form"), \
                f"/{url}: <{tag}> in the content area"


def test_hostile_text_is_shown_verbatim_on_the_pledge_page(hostile_site):
    text = _visible(_read(hostile_site, PLEDGE))
    # Plain-text fields: exactly as written, including the literal "&lt;b&gt;".
    for label in ("承诺标题", "措施一", "服务对象", "责任人", "标签", "指标", "更正", "变更原因", "单位", "活动"):
        assert hostile(label) in text, f"{label!r} field not shown verbatim"
    # Markdown fields: every part is a paragraph of its own; the entity may be decoded by Markdown.
    for part in HOSTILE_PARTS[:-1]:
        assert part in text, f"{part!r} missing from the visible text"
    assert "台账一" in text and "承诺内容" in text
    for sign in DOUBLE:
        assert sign not in text, f"double escaping: {sign!r} visible on the pledge page"


# Per page: plain-text fields (shown exactly as written) and Markdown fields (label + every part).
SHOWN = {
    "": (["网站", "主办"], []),
    "units/": (["类别", "单位"], []),
    "units/evil/": (["单位", "类别", "负责人", "服务官", "电话", "地址", "公示地点", "报告标题"], ["报告正文"]),
    "units/evil/p2/": (["撤回的承诺", "撤回原因"], ["撤回承诺内容"]),
    "units/evil/notice/": (["单位", "负责人", "服务官", "电话", "承诺标题", "责任人"], []),
    "units/evil/rectifications/": (["单位", "问题类别", "整改措施", "整改责任人", "验收人"],
                                   ["问题", "整改进展", "销号", "异议", "答复", "未答复异议"]),
    "campaigns/evilc/": (["活动", "组织", "文件", "阶段", "活动指标", "单位"], ["活动概述", "阶段说明"]),
    "campaigns/evilc/ph1/": (["活动", "阶段", "单位"], ["阶段说明"]),
    "inspections/": (["督查组", "单位", "活动"], ["督查概述"]),
    "evaluations/evilc/": (["活动", "单位", "等次"], []),
    "updates/": (["单位"], []),
}


@pytest.mark.parametrize("url", list(SHOWN))
def test_hostile_text_is_shown_verbatim_everywhere(hostile_site, url):
    text = _visible(_read(hostile_site, url))
    plain, md = SHOWN[url]
    for label in plain:
        assert hostile(label) in text, f"/{url}: the {label!r} field is not shown as written"
    for label in md:
        assert label in text, f"/{url}: the {label!r} Markdown field is missing"
    if md:
        for part in HOSTILE_PARTS[:-1]:
            assert part in text, f"/{url}: {part!r} missing from the visible text"


@pytest.mark.parametrize("url", PAGE_URLS)
def test_no_double_escaping_in_text(hostile_site, url):
    text = _visible(_read(hostile_site, url))
    for sign in DOUBLE:
        assert sign not in text, f"/{url}: {sign!r} visible (escaped twice)"


def test_no_double_escaping_in_attributes(hostile_site):
    """title, aria-label and the meta description hold the text escaped once in the source,
    i.e. the reader (tooltip, screen reader, search engine) gets the text as written."""
    bad = []
    for url in PAGE_URLS:
        for tag, attrs in K.parse(_read(hostile_site, url)).tags:
            for name, value in attrs:
                if name in ("title", "aria-label", "content", "alt") and value and any(s in value for s in DOUBLE):
                    bad.append(f"/{url}: <{tag} {name}={value[:60]!r}>")
    assert not bad, "attribute text escaped twice:\n" + "\n".join(bad[:20])


def test_title_and_description_are_escaped(hostile_site):
    page = _read(hostile_site, PLEDGE)
    m = re.search(r"<title>(.*?)</title>", page, re.S)
    raw = m.group(1)
    assert "<" not in raw, f"raw markup in <title>: {raw[:80]}"
    assert html.unescape(raw) == f"{HOSTILE_PLEDGE_TITLE} - {HOSTILE_SITE_TITLE}"
    m = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert m, "meta description missing or broken out of its attribute"
    desc = html.unescape(m.group(1))
    assert desc.startswith(hostile("单位") + "承诺：")
    assert "<" not in m.group(1)
    home = _read(hostile_site, "")
    raw = re.search(r"<title>(.*?)</title>", home, re.S).group(1)
    assert "<" not in raw and html.unescape(raw).startswith(HOSTILE_SITE_TITLE)
    h1 = re.search(r"<h1>(.*?)</h1>", K.content_area(home), re.S).group(1)
    assert "<" not in h1 and html.unescape(h1) == HOSTILE_SITE_TITLE


def test_search_index_holds_hostile_titles_as_plain_text(hostile_site, hostile_project):
    """Pagefind's records hold data as the text it is: every title exactly as written (the search
    page inserts it with textContent), never turned into elements, decoded or double-escaped."""
    from generator.site.render import plan
    from generator.view.pipeline import check

    recs = {r["url"]: r for r in K.search_records(hostile_site)}
    rec = recs.get("/" + K.HOSTILE_PLEDGE_URL)
    assert rec is not None, f"the pledge is not in the search index: {sorted(recs)[:10]}"
    assert rec["meta"]["title"] == K.HOSTILE_PLEDGE_TITLE
    assert rec["meta"]["kind"] == "承诺"
    titles = {"/" + p.url: p.title for p in plan(check(hostile_project, None).derived)}
    for url, r in recs.items():
        assert r["meta"]["title"] == titles[url], url
    # notices repeat their pledges for print, and the search page is no result: neither is indexed
    assert not [u for u in recs if u.endswith("/notice/") or u == "/search/"]

def test_sitemap_is_well_formed(hostile_site):
    raw = (hostile_site / "sitemap.xml").read_text(encoding="utf-8")
    ET.fromstring(raw)
    assert "<script" not in raw and "onerror" not in raw


def test_feed_holds_text_as_data(hostile_site):
    f = hostile_site / "feed.xml"
    if not f.is_file():
        pytest.skip("no /feed.xml in the build yet (see test_plugin.test_feed_and_data_package_are_written)")
    raw = f.read_text(encoding="utf-8")
    root = ET.fromstring(raw)  # well-formed despite the markup in the data
    titles = [e for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(HOSTILE_PLEDGE_TITLE in (t.text or "") for t in titles), "the pledge title is not in the feed"
    for t in titles + list(root.iter("{http://www.w3.org/2005/Atom}summary")):
        assert t.get("type", "text") == "text", f"feed element <{t.tag}> declared as {t.get('type')}"
    assert not re.search(r"<script|<img|<svg", raw), "raw markup in feed.xml"


def _csv(site, table):
    return list(csv.DictReader(io.StringIO((site / "data" / f"{table}.csv").read_text(encoding="utf-8-sig"))))


def test_csv_and_json_hold_the_text_as_data(hostile_site):
    pledges = {r["id"]: r for r in _csv(hostile_site, "pledges")}
    assert pledges["p1"]["title"] == HOSTILE_PLEDGE_TITLE
    assert pledges["p1"]["responsible"] == hostile("责任人")
    units = _csv(hostile_site, "units")
    assert units[0]["name"] == hostile("单位") and units[0]["phone"] == hostile("电话")
    ledger = _csv(hostile_site, "ledger")
    assert ledger[1]["correction"] == hostile("更正")
    assert ledger[0]["note"] == K.hostile_md("台账一")
    data = json.loads((hostile_site / "data" / "gongshi.json").read_text(encoding="utf-8"))
    p1 = next(p for p in data["pledges"] if p["id"] == "p1")
    assert p1["title"] == HOSTILE_PLEDGE_TITLE
    assert p1["commitment"] == K.hostile_md("承诺内容")
    u = data["units"][0]
    assert u["name"] == hostile("单位")


def test_no_template_or_snippet_expansion(hostile_site, hostile_project):
    """{{ config }} and {% raw %} stay literal; the snippet line does not pull in mkdocs.yml."""
    marker_lines = [ln for ln in (hostile_project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
                    if ln.startswith(("docs_dir:", "markdown_extensions:", "site_dir:"))]
    assert marker_lines
    for f in K.html_pages(hostile_site):
        text = f.read_text(encoding="utf-8")
        for ln in marker_lines:
            assert ln not in text, f"{f.relative_to(hostile_site)}: mkdocs.yml was expanded into the page"
        assert "MkDocsConfig" not in text and "<Config" not in text and "mdx_configs" not in text
    text = _visible(_read(hostile_site, PLEDGE))
    assert "{{ config }}" in text and "{% raw %}" in text and '--8<-- "mkdocs.yml"' in text


# ---------------------------------------------------------------------------------------
# The scanner itself, on pages made by hand


ARTICLE = '<html><body><script src="assets/x.js"></script><article class="md-content__inner md-typeset">{}</article></body></html>'


@pytest.mark.parametrize("snippet,expect", [
    ("<p>好</p>", []),
    ("<script>alert(1)</script>", ["<script>"]),
    ('<img src="x" onerror="alert(1)">', ["onerror"]),
    ('<a href="javascript:alert(1)">x</a>', ["href"]),
    ('<a href="  JaVaScRiPt:alert(1)">x</a>', ["href"]),
    ('<a href="&#106;avascript:alert(1)">x</a>', ["href"]),
    ('<a href="data:text/html,x">x</a>', ["href"]),
    ('<a href="https://example.org/">x</a><a href="mailto:a@b.c">m</a><a href="tel:123">t</a>', []),
    ('<a href="../evidence/a.jpg">x</a>', []),
    ("<iframe src=https://example.org></iframe>", ["<iframe>"]),
    ("<style>body{}</style>", ["<style>"]),
    ('<svg onload=alert(1)>', ["onload"]),
    ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", []),
])
def test_scan_html(snippet, expect):
    from generator.site.scan import scan_html

    found = scan_html(ARTICLE.format(snippet))
    assert len(found) == len(expect), found
    for want, got in zip(expect, found, strict=True):
        assert want in got


def test_scan_html_ignores_the_theme_outside_the_content_area():
    from generator.site.scan import scan_html

    assert scan_html(ARTICLE.format("<p>x</p>")) == []
    assert scan_html("<html><script>x</script></html>") == []


def test_scan_site_checks_search_titles(tmp_path):
    from generator.site.scan import scan_site

    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "search_index.json").write_text(json.dumps({"docs": [
        {"location": "a/", "title": "&lt;script&gt;好", "text": ""},
        {"location": "b/", "title": "<img src=x onerror=alert(1)>", "text": ""},
    ]}), encoding="utf-8")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.html").write_text(ARTICLE.format("<script>1</script>"), encoding="utf-8")
    problems = scan_site(tmp_path, ["p/"])
    assert any("/p/" in p and "<script>" in p for p in problems)
    assert any("b/" in p and "onerror" in p for p in problems)
    assert not any(p.startswith("搜索索引 a/") for p in problems), problems
