"""The built site in headless Chromium, as a citizen on a phone or a desktop sees it.

Every test runs with requests to hosts other than 127.0.0.1 aborted and recorded (the
``browse`` fixture fails the test on any): the site must work with no outside request.
A page load costs about a second here, so each loaded page is checked for several things.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
import sitekit as K

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = 390


def _goto(page, url: str):
    resp = page.goto(url, wait_until="load")
    assert resp is not None and resp.status == 200, f"{url}: HTTP {resp.status if resp else '?'}"
    return resp


def _path(url: str) -> str:
    return urlsplit(url).path


def _overflow(page) -> tuple[int, list[str]]:
    width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate("""(w) => Array.from(document.querySelectorAll('article *'))
        .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.gs-table-wrap'))
        .slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 30))""",
                             PHONE)
    return width, culprits


# ---------------------------------------------------------------------------------------
# Every page kind at phone width: no sideways scroll, one h1, no console error


SAMPLE_PAGES = ["", "units/", "units/fgw/", K.SAMPLE_PLEDGE_URL, "units/fgw/xiangmu-bangban/",
                "units/fgw/rectifications/", "units/spj/rectifications/", "campaigns/", "campaigns/yingshang/",
                "campaigns/yingshang/shishi/", "evaluations/yingshang/", "inspections/", "updates/", "data/",
                "units/fgw/notice/"]


@pytest.mark.parametrize("url", SAMPLE_PAGES)
def test_page_on_a_phone(sample_url, browse, url):
    page, rec = browse(width=PHONE, height=844)
    _goto(page, sample_url + url)
    page.wait_for_load_state("networkidle")
    width, culprits = _overflow(page)
    assert width <= PHONE, f"/{url} is {width}px wide at a {PHONE}px viewport; wide elements: {culprits}"
    assert page.locator("article h1").count() == 1, "the content area should hold exactly one h1"
    assert not rec.errors, f"/{url}: console errors:\n" + "\n".join(rec.errors)


def test_pages_on_a_desktop_without_console_errors(sample_url, browse):
    page, rec = browse()
    for url in ("", "units/fgw/", K.SAMPLE_PLEDGE_URL, "campaigns/yingshang/shishi/"):
        _goto(page, sample_url + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("article h1").count() == 1, url
    assert "示例县政务承诺公开平台" in page.title()
    assert not rec.errors, "console errors:\n" + "\n".join(rec.errors)


def _bench_pages(bench_view) -> list[str]:
    """The bench site's heaviest pages: most pledges, longest title, most rectifications, widest duty table."""
    v, ds = bench_view, bench_view.dataset
    unit = max(ds.units, key=lambda u: len(v.by_unit.get(u, [])))
    pledge = max(v.pledges, key=lambda p: (len(p.title), len(p.entries)))
    rects = max(ds.units, key=lambda u: len(v.rects_by_unit.get(u, [])))
    cid, camp = max(ds.campaigns.items(), key=lambda kv: sum(len(ph.duties) for ph in kv[1].phases))
    phase = max(camp.phases, key=lambda ph: len(ph.duties))
    pages = ["", "units/", f"units/{unit}/", f"units/{pledge.unit}/{pledge.pledge.id}/",
             f"units/{rects}/rectifications/", f"campaigns/{cid}/", f"campaigns/{cid}/{phase.id}/", "inspections/",
             "updates/"]
    pages += [f"evaluations/{c}/" for c in v.evaluations][:1]
    return pages


def test_bench_pages_on_a_phone(bench_url, bench_view, browse):
    page, rec = browse(width=PHONE, height=844)
    wide = []
    for url in _bench_pages(bench_view):
        _goto(page, bench_url + url)
        width, culprits = _overflow(page)
        if width > PHONE:
            wide.append(f"/{url}: {width}px; wide elements: {culprits}")
    assert not wide, "pages scroll sideways on a phone:\n" + "\n".join(wide)
    assert not rec.errors, "console errors:\n" + "\n".join(rec.errors)


# ---------------------------------------------------------------------------------------
# Search


_SEARCH_DONE = "(q) => { const l = document.querySelector('[data-gs-search-results]'); return !!l && l.dataset.query === q }"


def _search(page, query: str) -> list[str]:
    """Search as a reader does: the header's box (or, on a phone, its icon) leads to the search
    page, which shows Pagefind's results; the result links, in order."""
    if "/search/" not in page.url:
        box = page.locator("input.gs-header-search__input")
        if box.is_visible():
            box.fill(query)
            box.press("Enter")
        else:
            page.locator(".gs-header-search button[type=submit]").click()
    page.wait_for_selector("#gs-search-q")
    if page.evaluate(_SEARCH_DONE, query) is False:
        inp = page.locator("#gs-search-q")
        inp.fill(query)
        inp.press("Enter")
    page.wait_for_function(_SEARCH_DONE, arg=query, timeout=15_000)
    return page.eval_on_selector_all("a.gs-search__title", "els => els.map(e => e.href)")


SEARCHES = [
    ("企业开办", K.SAMPLE_PLEDGE_URL),  # the start of a pledge title
    ("一日办结", K.SAMPLE_PLEDGE_URL),  # a fragment from the middle of a title
    ("帮办代办", "units/fgw/xiangmu-bangban/"),
    ("发改委", "units/fgw/"),  # a unit's short name
    ("审批局", "units/spj/"),
    ("营商环境", "campaigns/yingshang/"),  # a campaign term
    # names, which the browser cuts into single characters (赵/敏) and the index keeps whole
    ("赵敏", K.SAMPLE_PLEDGE_URL),  # the person responsible
    ("王强", "units/spj/"),  # a unit's head
]


def test_search_finds_chinese_phrases(sample_url, browse):
    page, rec = browse()
    _goto(page, sample_url)
    page.wait_for_load_state("networkidle")
    problems = []
    for query, want in SEARCHES:
        hrefs = _search(page, query)
        paths = [_path(h) for h in hrefs]
        if _path(sample_url + want) not in paths:
            problems.append(f"{query!r} did not find /{want}; results: {[p.split('/sample/')[-1] for p in paths]}")
        bad = [h for h in hrefs if "undefined" in h]
        if bad:
            problems.append(f"{query!r} gave broken result links: {bad}")
    assert not problems, "search:\n" + "\n".join(problems)
    assert not rec.errors, "\n".join(rec.errors)


def test_search_result_leads_to_the_pledge(sample_url, browse):
    page, rec = browse()
    _goto(page, sample_url)
    page.wait_for_load_state("networkidle")
    _search(page, "企业开办")
    page.locator(f'a.gs-search__title[href*="{K.SAMPLE_PLEDGE_URL}"]').first.click()
    page.wait_for_load_state("load")
    assert _path(page.url).endswith(K.SAMPLE_PLEDGE_URL)
    assert page.locator("article h1").inner_text().strip() == K.SAMPLE_PLEDGE_TITLE
    assert not rec.errors, "\n".join(rec.errors)


def test_search_on_a_phone_and_nothing_loaded_before(sample_url, browse):
    """On a 390 px phone the header shows a search icon; the index is fetched only by the search
    page, and only the chunks for the words searched (never on other pages)."""
    page, rec = browse(width=PHONE, height=844)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    _goto(page, sample_url + K.SAMPLE_PLEDGE_URL)
    page.wait_for_load_state("networkidle")
    assert not [u for u in fetched if "/pagefind/" in u or "gongshi-search" in u], fetched
    assert not page.locator("input.gs-header-search__input").is_visible()
    hrefs = _search(page, "一日办结")
    assert _path(page.url).endswith("/search/")
    assert any(_path(h).endswith(K.SAMPLE_PLEDGE_URL) for h in hrefs), hrefs
    assert "q=" in page.url  # the query is in the address, so a search can be shared
    assert any("/pagefind/index/" in u for u in fetched)
    assert not rec.errors, "\n".join(rec.errors)


def test_search_says_when_nothing_is_found(sample_url, browse):
    page, rec = browse()
    _goto(page, sample_url + "search/?q=" + "量子隧穿")
    page.wait_for_function(_SEARCH_DONE, arg="量子隧穿", timeout=15_000)
    assert page.locator("a.gs-search__title").count() == 0
    assert "没有找到与“量子隧穿”有关的结果" in page.locator("[data-gs-search-status]").inner_text()
    assert not rec.errors, "\n".join(rec.errors)


# ---------------------------------------------------------------------------------------
# Click-through: unit → pledge → evidence


def test_unit_to_pledge_to_evidence(sample_url, browse):
    page, rec = browse()
    _goto(page, sample_url + "units/fgw/")
    page.locator("article a", has_text=K.SAMPLE_PLEDGE_TITLE).first.click()
    page.wait_for_load_state("load")
    assert _path(page.url) == _path(sample_url + K.SAMPLE_PLEDGE_URL)
    assert page.locator("article h1").inner_text().strip() == K.SAMPLE_PLEDGE_TITLE
    evidence = page.eval_on_selector_all(".gs-evidence a", "els => els.map(e => e.href)")
    local = [h for h in evidence if urlsplit(h).hostname == "127.0.0.1"]
    assert len(local) >= 2, evidence
    for href in local:  # every local evidence file is served
        resp = page.request.get(href)
        assert resp.status == 200, f"{href}: HTTP {resp.status}"
        assert resp.body(), href
    with page.expect_response(lambda r: r.url.endswith("/evidence/tuijinhui.jpg")) as info:
        page.locator(".gs-evidence a", has_text="tuijinhui.jpg").first.click()
    assert info.value.status == 200
    page.wait_for_load_state("load")
    assert _path(page.url) == _path(sample_url + "units/fgw/evidence/tuijinhui.jpg")
    assert not rec.errors, "\n".join(rec.errors)


def test_rectification_anchor_and_open_data(sample_url, browse):
    page, rec = browse()
    _goto(page, sample_url + "units/fgw/rectifications/#yiyi")
    box = page.locator("#yiyi")
    assert box.count() == 1 and box.is_visible()
    assert "有异议" in box.inner_text()
    _goto(page, sample_url + "data/")
    links = page.eval_on_selector_all("article a", "els => els.map(e => e.href)")
    files = [h for h in links if h.endswith((".csv", ".json", ".xml"))]
    assert any(h.endswith("/data/pledges.csv") for h in files), links
    broken = []
    for href in files:
        resp = page.request.get(href)
        if resp.status != 200:
            broken.append(f"{href}: HTTP {resp.status}")
        elif href.endswith(".csv") and not resp.body().startswith(b"\xef\xbb\xbf"):
            broken.append(f"{href}: no BOM")
        elif href.endswith(".json"):
            json.loads(resp.body())
    assert not broken, "open-data links:\n" + "\n".join(broken)
    assert not rec.errors, "\n".join(rec.errors)


# ---------------------------------------------------------------------------------------
# Hostile text in a real browser: shown as text, nothing runs


def test_hostile_pages_show_text_and_run_nothing(hostile_url, browse):
    page, rec = browse()
    for url in (K.HOSTILE_PLEDGE_URL, "", "units/evil/", "units/evil/rectifications/", "campaigns/evilc/", "inspections/",
                "updates/"):
        _goto(page, hostile_url + url)
        page.wait_for_load_state("networkidle")
        assert page.locator("article img").count() == 0, f"/{url}: an <img> reached the page"
    _goto(page, hostile_url + K.HOSTILE_PLEDGE_URL)
    text = page.inner_text("article")
    assert K.HOSTILE_PLEDGE_TITLE in text
    for part in K.HOSTILE_PARTS[:-1]:
        assert part in text, part
    assert K.HOSTILE_PLEDGE_TITLE in page.title()
    assert not rec.dialogs, f"injected script ran: {rec.dialogs}"
    assert not rec.errors, "\n".join(rec.errors)


def test_hostile_search_results_are_text(hostile_url, browse):
    """Result titles and excerpts come from data: they show as text, and nothing in them runs."""
    page, rec = browse()
    _goto(page, hostile_url)
    page.wait_for_load_state("networkidle")
    hrefs = _search(page, "承诺标题")
    assert any(_path(h).endswith(K.HOSTILE_PLEDGE_URL) for h in hrefs), hrefs
    results = page.locator("[data-gs-search-results]")
    assert results.locator("img, svg, script, iframe").count() == 0
    titles = page.eval_on_selector_all("a.gs-search__title", "els => els.map(e => e.textContent)")
    assert K.HOSTILE_PLEDGE_TITLE in titles
    assert "<script>alert(1)</script>" in results.inner_text()
    # only the hits are marked: <mark> is the one element the excerpt may hold
    tags = page.eval_on_selector_all(".gs-search__excerpt *", "els => els.map(e => e.tagName)")
    assert set(tags) <= {"MARK"}, tags
    assert not rec.dialogs, f"injected script ran: {rec.dialogs}"
    assert not rec.errors, "\n".join(rec.errors)


# ---------------------------------------------------------------------------------------
# Accessibility (axe-core): no violation of any impact (landmark-unique, for one, is "moderate")


def _axe(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    out = []
    for v in results.response.get("violations", []):
        if v.get("impact") in ("serious", "critical", "moderate", "minor"):
            nodes = "; ".join(" ".join(map(str, n.get("target", []))) + " → "
                              + (n.get("failureSummary") or "").replace("\n", " ")[:200] for n in v.get("nodes", [])[:5])
            out.append(f"[{v['impact']}] {v['id']}: {v.get('help')} ({len(v.get('nodes', []))} nodes) {nodes}")
    return out


# Every page kind, at a desktop's width and a phone's; "full" is the sample with the guide, built
# the day before its evaluation is published. test_axe_covers_every_page_kind keeps this list whole.
AXE_KINDS = {
    "home": ("sample", ""), "campaigns": ("sample", "campaigns/"), "campaign": ("sample", "campaigns/yingshang/"),
    "phase": ("sample", "campaigns/yingshang/shishi/"), "units": ("sample", "units/"), "unit": ("sample", "units/fgw/"),
    "pledge": ("sample", K.SAMPLE_PLEDGE_URL), "rectifications": ("sample", "units/spj/rectifications/"),
    "notice": ("sample", "units/fgw/notice/"), "inspections": ("sample", "inspections/"),
    "evaluations": ("sample", "evaluations/"), "evaluation": ("sample", "evaluations/yingshang/"),
    "evaluation-pending": ("full", "evaluations/yingshang/"), "updates": ("sample", "updates/"),
    "data": ("sample", "data/"), "search": ("sample", "search/"), "search-results": ("sample", "search/?q=企业开办"),
    "guide": ("full", "guide/"), "guide-tables": ("full", "guide/reference/"), "guide-code": ("full", "guide/ledger/"),
    "guide-errors": ("full", "guide/errors/"),
}
AXE_CASES = [(kind, width) for kind in AXE_KINDS for width in (1280, PHONE)]


def test_axe_covers_every_page_kind(sample_view):
    from generator.site.render import plan

    kinds = {p.kind for p in plan(sample_view)}
    assert kinds <= set(AXE_KINDS), f"page kinds without an axe run: {kinds - set(AXE_KINDS)}"


@pytest.mark.parametrize("kind,width", AXE_CASES, ids=[f"{k}@{w}" for k, w in AXE_CASES])
def test_axe_no_serious_violations(request, browse, kind, width):
    site, url = AXE_KINDS[kind]
    base = request.getfixturevalue(f"{site}_url")
    page, rec = browse(width=width, height=900)
    _goto(page, base + url)
    page.wait_for_load_state("networkidle")
    if kind == "search-results":
        page.wait_for_function(_SEARCH_DONE, arg="企业开办", timeout=15_000)
    found = _axe(page)
    assert not found, f"axe on /{url} at {width}px:\n" + "\n".join(found)


def test_axe_on_bench_pages(bench_url, bench_view, browse):
    page, rec = browse()
    v = bench_view
    pledge = max(v.pledges, key=lambda p: len(p.entries))
    found = []
    for url in ("", f"units/{pledge.unit}/", f"units/{pledge.unit}/{pledge.pledge.id}/"):
        _goto(page, bench_url + url)
        page.wait_for_load_state("networkidle")
        found += [f"/{url}: {x}" for x in _axe(page)]
    assert not found, "\n".join(found)


def test_guide_tables_and_code_scroll_by_keyboard_on_a_phone(full_url, browse):
    """The guide's wide tables and code blocks: reached with Tab, scrolled with the arrow keys."""
    page, rec = browse(width=PHONE, height=844)
    scrolled = {}
    for url, sel in (("guide/reference/", ".gs-scroll"), ("guide/ledger/", "pre[role=region]")):
        _goto(page, full_url + url)
        page.wait_for_load_state("networkidle")
        wide = page.evaluate("(s) => Array.from(document.querySelectorAll(s)).filter(e => e.scrollWidth > e.clientWidth).length",
                             sel)
        assert wide, f"/{url}: no {sel} is wider than the phone (nothing to test)"
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => { const a = document.activeElement; return a.matches(s) && a.scrollWidth > a.clientWidth }",
                             sel):
                break
        else:
            pytest.fail(f"/{url}: Tab never reached a scrolling {sel}")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')")
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        # Keyboard scrolling is animated: wait until it has moved (fails if it never does).
        page.wait_for_function("document.activeElement.scrollLeft > 0", timeout=5_000)
        scrolled[url] = page.evaluate("document.activeElement.scrollLeft")
    assert all(x > 0 for x in scrolled.values()), scrolled
    assert not rec.errors, rec.errors
