"""The unit tables: filtered by category, unit situation and pledge state without JavaScript
(links to :target anchors, a generated stylesheet), sorted by any column with it (tablesort,
served from the site and pinned by tools/vendor/package-lock.json)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sitekit as K

from generator.model.records import PledgeState

VENDOR = K.REPO / "tools" / "vendor"


def _visible_rows(page, table="table.gs-sortable"):
    return page.evaluate("""(t) => Array.from(document.querySelectorAll(t + ' tbody tr'))
        .filter(r => r.offsetParent !== null).map(r => Array.from(r.cells).map(c => c.innerText.trim()))""", table)


@pytest.mark.browser
def test_units_filter_by_category_and_situation_without_javascript(sample_url, sample_view, browse):
    page, rec = browse(js=False)
    page.goto(sample_url + "units/", wait_until="load")
    assert len(_visible_rows(page)) == len(sample_view.dataset.units)
    cats = list(sample_view.dataset.site.unit_categories)
    for folder in sample_view.dataset.units.values():
        cat = folder.unit.category
        chip = page.locator(f'.gs-facets a[href="#f-c{cats.index(cat) + 1}"]')
        members = [f.unit.name for f in sample_view.dataset.units.values() if f.unit.category == cat]
        assert chip.inner_text().split() == [cat, str(len(members))]
        chip.click()
        assert page.url.endswith(f"#f-c{cats.index(cat) + 1}")
        rows = _visible_rows(page)
        assert sorted(r[0] for r in rows) == sorted(members) and all(r[1] == cat for r in rows)
    overdue = [f.unit.name for uid, f in sample_view.dataset.units.items()
               if sample_view.unit_stats[uid].pledges[PledgeState.OVERDUE]]
    page.locator('.gs-facets a[href="#f-overdue"]').click()
    assert sorted(r[0] for r in _visible_rows(page)) == sorted(overdue) and overdue
    page.locator('.gs-facets a[href="#f-all"]').click()
    assert len(_visible_rows(page)) == len(sample_view.dataset.units)
    assert not rec.errors


@pytest.mark.browser
def test_unit_pledges_filter_by_state_without_javascript(sample_url, sample_view, browse):
    page, rec = browse(js=False)
    page.goto(sample_url + "units/fgw/", wait_until="load")
    mine = sample_view.by_unit["fgw"]
    assert len(_visible_rows(page)) == len(mine)
    for state in {p.state for p in mine}:
        page.locator(f'.gs-facets a[href="#f-s-{state.name.lower()}"]').click()
        rows = _visible_rows(page)
        assert sorted(r[0] for r in rows) == sorted(p.title for p in mine if p.state is state), state
        assert all(state.value in r[1] for r in rows)


@pytest.mark.browser
def test_units_sort_by_a_column_with_mouse_and_keyboard(sample_url, sample_view, browse):
    page, rec = browse()
    page.goto(sample_url + "units/", wait_until="load")
    page.wait_for_load_state("networkidle")
    head = page.locator("table.gs-sortable thead th", has_text="承诺")
    head.click()
    first = [int(r[2]) for r in _visible_rows(page)]
    assert head.get_attribute("aria-sort") in ("ascending", "descending")
    assert first in (sorted(first), sorted(first, reverse=True)) and len(set(first)) > 1
    order = head.get_attribute("aria-sort")
    head.focus()
    page.keyboard.press("Enter")  # the same column again, from the keyboard: the other direction
    again = [int(r[2]) for r in _visible_rows(page)]
    assert head.get_attribute("aria-sort") not in (order, None)
    assert again == sorted(first, reverse=(again[0] > again[-1])) and again != first
    assert not rec.errors, rec.errors
    # The scripts came from the site itself (the browse fixture fails the test on any other host).
    assert page.evaluate("typeof Tablesort") == "function"


def test_vendored_library_is_the_locked_package(tmp_path):
    """The copies under generator/site/assets/vendor/ are byte for byte the files of the package
    that tools/vendor/package-lock.json pins (installed by ./dev test with npm ci)."""
    import importlib.util
    import json

    lock = json.loads((VENDOR / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/tablesort"]["version"] == "5.7.1"
    modules = VENDOR / "node_modules"
    if not (modules / "tablesort").is_dir():
        if os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1" or not shutil.which("npm"):
            pytest.fail("tools/vendor/node_modules is missing: run npm ci --prefix tools/vendor (./dev test does)")
        pytest.skip("tools/vendor/node_modules is missing: npm ci --prefix tools/vendor")
    spec = importlib.util.spec_from_file_location("vendor_tool", K.REPO / "tools" / "vendor.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assets = K.REPO / "generator" / "site" / "assets" / "vendor"
    for to, frm in tool.FILES.items():
        assert (assets / to).read_bytes() == (modules / frm).read_bytes(), f"{to} differs from {frm}: run tools/vendor.py"


def test_facet_stylesheet_uses_no_data_text(sample_site):
    css = (sample_site / "assets" / "gongshi-facets.css").read_text(encoding="utf-8")
    assert "#f-c1:target" in css and "#f-s-overdue:target" in css
    assert not any(ord(ch) > 127 for ch in css), "only numbers and state names, never a category's text"
    assert Path(sample_site / "assets" / "vendor" / "tablesort" / "LICENCE").is_file()
