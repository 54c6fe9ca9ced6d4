"""Page planning and rendering: golden files of the sample's pages, links, overrides.

Goldens live in tests/site/golden/ (pages) and tests/site/golden/built/ (the open data and the feed
of the sample built with `gongshi build --as-of 2025-10-31`); after an intended change, rewrite them with

    GONGSHI_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/site/test_render.py

and review the diff like any other change.  Only trailing whitespace is normalised.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest
import sitekit as K

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GONGSHI_UPDATE_GOLDEN") == "1"

PAGES = {
    "home": "",
    "unit-fgw": "units/fgw/",
    "pledge-fgw-qiye-kaiban": "units/fgw/qiye-kaiban/",
    "pledge-fgw-xiangmu-bangban": "units/fgw/xiangmu-bangban/",
    "rectifications-fgw": "units/fgw/rectifications/",
    "rectifications-spj": "units/spj/rectifications/",
    "phase-yingshang-shishi": "campaigns/yingshang/shishi/",
    "evaluation-yingshang": "evaluations/yingshang/",
}


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n") + "\n"


@pytest.fixture(scope="module")
def rendered(sample_view):
    from generator.site.render import Renderer, plan

    pages = {p.url: p for p in plan(sample_view)}
    r = Renderer(sample_view)  # the package's templates only: no overrides
    return {name: r.render(pages[url]) for name, url in PAGES.items()}


@pytest.mark.parametrize("name", list(PAGES))
def test_golden(rendered, name):
    got = _norm(rendered[name])
    f = GOLDEN / f"{name}.html"
    if UPDATE or not f.exists():
        GOLDEN.mkdir(exist_ok=True)
        f.write_text(got, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {f.name} did not exist and was written; review it and run again")
        return
    want = _norm(f.read_text(encoding="utf-8"))
    if got != want:
        import difflib

        diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), f"golden/{f.name}",
                                            "rendered", n=2))
        pytest.fail(f"/{PAGES[name]} differs from golden/{f.name} "
                    f"(GONGSHI_UPDATE_GOLDEN=1 rewrites it if the change is intended):\n{diff[:6000]}")


# The open data and the site feed of the sample as built by `gongshi build --as-of 2025-10-31`:
# byte for byte (the CSVs' BOM and CRLF included), under the same update flag as the pages.
DATA_GOLDENS = ["data/gongshi.json", *(f"data/{t}.csv" for t in ("units", "pledges", "ledger", "rectifications", "duties")),
                "feed.xml", "units/fgw/feed.xml"]


def test_data_goldens_cover_every_csv(sample_site):
    from generator.view.tables import CSV_TABLES

    assert {f"data/{t}.csv" for t in CSV_TABLES} <= set(DATA_GOLDENS)
    assert all((sample_site / name).is_file() for name in DATA_GOLDENS)


@pytest.mark.parametrize("name", DATA_GOLDENS)
def test_golden_data_file(sample_site, name):
    got = (sample_site / name).read_bytes()
    f = GOLDEN / "built" / name
    if UPDATE or not f.exists():
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(got)
        if not UPDATE:
            pytest.fail(f"golden file {f.relative_to(GOLDEN)} did not exist and was written; review it and run again")
        return
    want = f.read_bytes()
    if got != want:
        import difflib

        diff = "".join(difflib.unified_diff(want.decode("utf-8-sig").splitlines(True), got.decode("utf-8-sig").splitlines(True),
                                            f"golden/built/{name}", "built", n=2))
        pytest.fail(f"/{name} differs from golden/built/{name} (GONGSHI_UPDATE_GOLDEN=1 rewrites it if the change is "
                    f"intended):\n{diff[:6000] or '(the same text: line ends or the BOM differ)'}")


def test_rendering_is_deterministic(sample_project, rendered):
    """A second, independent check/derive/render of the same data gives the same bytes."""
    from generator.site.render import Renderer, plan
    from generator.view.pipeline import check

    view = check(sample_project, K.SAMPLE_AS_OF).derived
    pages = {p.url: p for p in plan(view)}
    r = Renderer(view)
    for name, url in PAGES.items():
        assert r.render(pages[url]) == rendered[name], name


def _headings(html_text: str) -> list[int]:
    return [int(m.group(1)) for m in re.finditer(r"<h([1-6])\b", html_text)]


def _heading_problems(html_text: str) -> list[str]:
    levels = _headings(html_text)
    out = []
    if levels.count(1) != 1:
        out.append(f"{levels.count(1)} h1 elements")
    if levels and levels[0] != 1:
        out.append(f"the first heading is h{levels[0]}")
    for prev, lv in itertools.pairwise(levels):
        if lv > prev + 1:
            out.append(f"h{lv} follows h{prev}")
    return out


def test_one_h1_and_no_skipped_heading_levels(sample_view):
    """Every generated page: exactly one h1, and headings never skip a level (axe heading-order)."""
    from generator.site.render import Renderer, plan

    r = Renderer(sample_view)
    bad = []
    for p in plan(sample_view):
        for what in _heading_problems(r.render(p)):
            bad.append(f"/{p.url}: {what} (levels {_headings(r.render(p))})")
    assert not bad, "\n".join(bad)


def test_every_planned_page_renders(sample_view):
    from generator.site.render import Renderer, plan

    r = Renderer(sample_view)
    pages = plan(sample_view)
    urls = [p.url for p in pages]
    assert len(urls) == len(set(urls)), "two pages share a URL"
    for p in pages:
        assert p.src_uri == (p.url + "index.md"), p
        assert p.title, p.url
        html_text = r.render(p)
        assert html_text.strip(), p.url


def test_plan_covers_contract_urls(sample_view):
    from generator.site.render import plan

    urls = {p.url for p in plan(sample_view)}
    need = {"", "campaigns/", "units/", "inspections/", "evaluations/", "updates/", "data/",
            "campaigns/yingshang/", "campaigns/yingshang/qidong/", "campaigns/yingshang/youhua/",
            "evaluations/yingshang/", "units/xzf/", "units/xzf/notice/", "units/xzf/rectifications/",
            K.SAMPLE_PLEDGE_URL, "units/spj/zhengzhao/", "units/fgw/zhengce-duixian/"}
    assert need <= urls, need - urls
    assert "units/spj/weilai/" not in urls  # published after the as-of date


@pytest.mark.parametrize("frm,to,want", [
    ("", "units/", "units/"),
    ("units/fgw/qiye-kaiban/", "", "../../../"),
    ("units/fgw/qiye-kaiban/", "units/fgw/", "../"),
    ("units/fgw/", "units/fgw/rectifications/#tuiwei", "rectifications/#tuiwei"),
    ("units/fgw/", "units/fgw/evidence/a.jpg", "evidence/a.jpg"),
    ("campaigns/yingshang/shishi/", "feed.xml", "../../../feed.xml"),
    ("units/", "units/", "./"),
])
def test_relative_links(frm, to, want):
    from generator.site.render import relative

    assert relative(frm, to) == want


def test_template_override_wins(sample_view, tmp_path):
    from generator.site.render import Renderer, plan

    (tmp_path / "evaluation.html").write_text("<h1>覆盖 {{ ev.evaluation.campaign }}</h1>", encoding="utf-8")
    r = Renderer(sample_view, tmp_path)
    pages = {p.url: p for p in plan(sample_view)}
    assert r.render(pages["evaluations/yingshang/"]) == "<h1>覆盖 yingshang</h1>"
    assert "<h1>" in r.render(pages["units/fgw/"])  # other templates still come from the package


def test_override_extends_the_packaged_template(sample_view, tmp_path):
    """theme_overrides/gongshi/pledge.html adds to the packaged page instead of copying it."""
    from generator.site.render import Renderer, plan

    (tmp_path / "pledge.html").write_text(
        '{% extends "gongshi:pledge.html" %}\n'
        '{% block body %}<p class="county">本县补充说明</p>{{ super() }}{% endblock %}', encoding="utf-8")
    pages = {p.url: p for p in plan(sample_view)}
    page = pages["units/fgw/qiye-kaiban/"]
    packaged = Renderer(sample_view).render(page)
    got = Renderer(sample_view, tmp_path).render(page)
    assert got == '<p class="county">本县补充说明</p>' + packaged


def test_one_partial_overridden_everywhere(sample_view, tmp_path):
    """An override of one partial (a macro) reaches every page that uses it, the packaged pages and
    other partials included; the override can wrap the packaged macro."""
    from generator.site.render import Renderer, plan

    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "badge.html").write_text(
        '{% from "gongshi:partials/badge.html" import badge as packaged %}\n'
        '{% macro badge(state, stale=False) %}<span class="county-badge">{{ packaged(state, stale) }}</span>{% endmacro %}',
        encoding="utf-8")
    pages = {p.url: p for p in plan(sample_view)}
    r = Renderer(sample_view, tmp_path)
    pledge = r.render(pages["units/fgw/qiye-kaiban/"])
    unit = r.render(pages["units/fgw/"])  # through partials/pledge_table.html
    assert '<span class="county-badge"><span class="gs-badge gs-s-' in pledge
    calls = unit.count('class="gs-badge gs-s-') - unit.count("gs-s-stale")  # a stale pledge's badge has two spans
    assert unit.count('class="county-badge"') == calls > 0
    assert "county-badge" not in Renderer(sample_view).render(pages["units/fgw/"])


def test_frozen_phase_report_uses_the_phase_end(sample_view):
    """/campaigns/<c>/<phase>/ is the record as of the phase's end (contract §5)."""
    from generator.site.render import page_view, plan

    p = {p.url: p for p in plan(sample_view)}["campaigns/yingshang/qidong/"]
    assert page_view(p).as_of.isoformat() == "2025-03-31"
    assert p.context["final"] is True
    q = {p.url: p for p in plan(sample_view)}["campaigns/yingshang/zongjie/"]
    assert page_view(q).as_of == sample_view.as_of and q.context["final"] is False


def _render_at(project, as_of, drop=()):
    from generator.site.render import Renderer, plan
    from generator.view.pipeline import check

    for rel in drop:
        (project / rel).unlink()
    res = check(project, as_of)
    assert not res.errors, [p.text() for p in res.errors]
    pages = {p.url: p for p in plan(res.derived)}
    return pages, Renderer(res.derived)


def test_evaluation_url_answers_before_the_results(sample_project, tmp_path):
    """/evaluations/<campaign>/ is a stable URL: before publication it says so, with the date when known."""
    import shutil
    from datetime import date

    root = tmp_path / "proj"
    shutil.copytree(sample_project, root)
    pages, r = _render_at(root, date(2025, 10, 29))  # the sample's evaluation is published 2025-10-30
    page = pages["evaluations/yingshang/"]
    assert page.kind == "evaluation-pending"
    body = r.render(page)
    assert "考核评比结果尚未公布" in body and "2025年10月30日" in body
    assert "群众评价较高" not in body and "排名" not in body.split("</h1>", 1)[1].split("结果公布后")[0]
    pages, r = _render_at(root, date(2025, 10, 29), drop=["data/evaluations/yingshang.yaml"])
    body = r.render(pages["evaluations/yingshang/"])
    assert "考核评比结果尚未公布" in body and "公布日期尚未确定" in body
    assert 'href="../../campaigns/yingshang/"' in body
    listing = r.render(pages["evaluations/"])
    assert 'href="yingshang/"' in listing and "尚未公布" in listing


def test_score_notes_and_measurement_sources_are_shown(rendered, sample_view):
    from generator.site.render import Renderer, plan

    assert "<td>群众评价较高</td>" in rendered["evaluation-yingshang"]
    pages = {p.url: p for p in plan(sample_view)}
    campaign = Renderer(sample_view).render(pages["campaigns/yingshang/"])
    assert "数据来源：县政务服务中心月报" in campaign
    assert "<td>91.2%</td><td>县政务服务中心月报</td>" in campaign
