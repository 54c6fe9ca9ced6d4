"""The printable notice /units/<unit>/notice/ and `gongshi notices` (issue #5).

The browser test prints a notice to PDF in Debian's Chromium and reads the QR codes back with
zbar; it is skipped when Chromium, Playwright or zbarimg is missing, unless
GONGSHI_REQUIRE_BROWSER=1 (CI), which turns a missing tool into a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from helpers import SITE, cli, make_project

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 10, 31)
BASE = "https://gongshi.example.org/"
CHROMIUM = Path(os.environ.get("GONGSHI_CHROMIUM", "/usr/bin/chromium"))
A4_PT = (595.28, 841.89)
SVG = "{http://www.w3.org/2000/svg}"

# The fixture's fgw has two pledges: wangban (done) and zoufang (withdrawn, so not on the notice).
# A third, with markup in its title and a long responsible name, shows escaping and wrapping.
EXTRA_PLEDGE = """- id: tuijin
  campaign: zhudong-fuwu
  title: '企业开办 <b>“一网通办”</b> & 全程帮办'
  commitment: 企业开办**一日办结**，全程免费帮办代办，群众只跑一次。
  published: 2025-02-01
  deadline: 2025-12-31
  responsible: 县市场监督管理局企业注册登记股股长赵六
- id: bingban
  campaign: zhudong-fuwu
  title: 工程建设项目“并联审批”
  commitment: 工程建设项目审批各环节由“串联”改为“并联”。
  published: 2025-02-01
  deadline: 2026-12-31
  responsible: 毛文杰（审批股股长）
"""


def _mkdocs_yml() -> str:
    out, skipping = [], False
    for line in (REPO / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if skipping and (line.startswith("      ") or not line.strip()):
            continue
        skipping = line.strip().startswith("- 编辑指南")
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def project(root: Path, base_url: str | None) -> Path:
    from helpers import PLEDGES_FGW

    site = SITE + (f"base_url: {base_url}\n" if base_url else "")
    make_project(root, {"data/site.yaml": site, "data/units/fgw/pledges.yaml": PLEDGES_FGW + EXTRA_PLEDGE})
    (root / "mkdocs.yml").write_text(_mkdocs_yml(), encoding="utf-8")
    shutil.copytree(REPO / "theme_overrides", root / "theme_overrides", dirs_exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    return root


def gongshi(root: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    e["PYTHONPATH"] = str(REPO)
    e.update(env or {})
    res = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *args], cwd=str(REPO), env=e,
                         capture_output=True, text=True, encoding="utf-8", timeout=600)
    if check:
        assert res.returncode == 0, f"gongshi {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}"
    return res


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """{"abs": (root, site), "rel": (root, site)}: with and without base_url, as of AS_OF."""
    out = {}
    for name, base in (("abs", BASE), ("rel", None)):
        root = project(tmp_path_factory.mktemp(f"notice-{name}") / "proj", base)
        gongshi(root, "build", "--as-of", AS_OF.isoformat())
        out[name] = (root, root / "site")
    return out


@pytest.fixture(scope="module")
def view(built):
    from generator.view.pipeline import check

    res = check(built["abs"][0], AS_OF)
    assert not res.errors
    return res.derived


def notice_html(site: Path, uid: str = "fgw") -> str:
    return (site / "units" / uid / "notice" / "index.html").read_text(encoding="utf-8")


def svgs(page: str) -> list[ET.Element]:
    """Every inline <svg> of the page, parsed as XML (so each one is well-formed)."""
    return [ET.fromstring(m.group(0)) for m in re.finditer(r"<svg\b.*?</svg>", page, re.S)]


def qr_svgs(page: str) -> list[ET.Element]:
    return [s for s in svgs(page) if "gs-qr" in (s.get("class") or "")]


def current_pledges(view, uid: str):
    from generator.model.records import PledgeState

    return [p for p in view.by_unit[uid] if p.state is not PledgeState.WITHDRAWN]


# ---------------------------------------------------------------------------------------
# The page


def test_notice_lists_every_current_pledge(built, view):
    import html

    page = notice_html(built["abs"][1])
    fgw = view.dataset.units["fgw"].unit
    for text in (fgw.name, fgw.head, fgw.service_officer, "0375-1234567", "监督电话"):
        assert text in page, text
    current = current_pledges(view, "fgw")
    assert {p.id for p in current} == {"wangban", "tuijin", "bingban"}
    for p in current:
        assert html.escape(p.title, quote=False) in page, p.title
        assert html.escape(p.responsible, quote=False) in re.sub(r"<[^>]+>", "", page)  # name and post in two spans
        assert f"{p.deadline.year}年{p.deadline.month}月{p.deadline.day}日" in page
    assert "常态化走访企业" not in page  # withdrawn
    assert "<b>“一网通办”</b>" not in page and "&lt;b&gt;“一网通办”&lt;/b&gt;" in page
    assert "状态计算日期" in page


def test_notice_has_a_qr_code_for_the_unit_and_each_pledge(built, view):
    page = notice_html(built["abs"][1])
    codes = qr_svgs(page)
    assert len(codes) == 1 + len(current_pledges(view, "fgw"))
    for code in codes:
        assert code.get("role") == "img"
        label = code.get("aria-label")
        assert label and label == code.find(f"{SVG}title").text
        assert "二维码" in label
    assert codes[0].get("aria-label").endswith(f"{BASE}units/fgw/")
    assert any(c.get("aria-label").endswith(f"{BASE}units/fgw/tuijin/") for c in codes[1:])
    assert "<b>" not in page  # the title with markup in it is text, in the alt text too
    assert f"{BASE}units/fgw/" in page  # printed under the code, for people who type it
    assert "base_url" not in page  # no warning when the address is known


def test_without_base_url_the_code_holds_the_path_and_the_page_says_so(built):
    page = notice_html(built["rel"][1])
    assert "base_url" in page and "手机扫码后不能直接打开" in page
    codes = qr_svgs(page)
    assert codes[0].get("aria-label").endswith("，/units/fgw/")


def test_qr_svg_draws_segno_matrix_exactly():
    """Read the modules back from the SVG path: they are segno's matrix, quiet zone around it."""
    import segno

    from generator.site import qr

    data = f"{BASE}units/fgw/wangban/"
    for best_mask, border in ((True, 4), (False, 2)):
        el = ET.fromstring(str(qr.svg(data, "二维码", border=border, best_mask=best_mask)))
        path = el.find(f"{SVG}path")
        assert path.get("transform") == f"translate({border} {border})"
        q = segno.make_qr(data, error="m", boost_error=True, mask=None if best_mask else qr.FIXED_MASK)
        n = len(q.matrix)
        assert el.get("viewBox") == f"0 0 {n + 2 * border} {n + 2 * border}"
        grid = [[0] * n for _ in range(n)]
        for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path.get("d")):
            for i in range(int(w)):
                grid[int(y)][int(x) + i] = 1
        assert grid == [[1 if v else 0 for v in row] for row in q.matrix]


def test_qr_alt_text_is_escaped():
    from generator.site import qr

    el = ET.fromstring(str(qr.svg("https://x.example/", 'a<script>"&\'')))
    assert el.get("aria-label") == 'a<script>"&\''
    assert el.find(f"{SVG}script") is None


def test_public_url():
    from generator.site.qr import public_url

    assert public_url("https://gs.example.org", "units/a/") == ("https://gs.example.org/units/a/", True)
    assert public_url("https://gs.example.org/county/", "units/a/") == ("https://gs.example.org/county/units/a/", True)
    assert public_url(None, "units/a/") == ("/units/a/", False)
    assert public_url("gs.example.org", "units/a/") == ("/units/a/", False)  # no scheme: not an address


# ---------------------------------------------------------------------------------------
# `gongshi notices` without a browser


def test_notices_command_without_chromium_says_so_in_chinese(built, tmp_path):
    root, _ = built["abs"]
    rc, out, err = cli(root, "notices", "--out", str(tmp_path / "pdf"),
                       env={"GONGSHI_CHROMIUM": str(tmp_path / "no-such-chromium")})
    assert rc == 2
    assert "找不到 Chromium" in err and "Traceback" not in out + err
    assert not (tmp_path / "pdf").exists()


def test_notices_command_names_an_unknown_unit(built, tmp_path):
    root, _ = built["abs"]
    # Any existing file passes the "is Chromium there" test; the unit check comes before launching it.
    res = gongshi(root, "notices", "--out", str(tmp_path / "pdf"), "nosuchunit",
                  env={"GONGSHI_CHROMIUM": sys.executable}, check=False)
    assert res.returncode == 2
    assert "没有这些单位：nosuchunit" in res.stderr and "fgw" in res.stderr
    assert "Traceback" not in res.stdout + res.stderr


# ---------------------------------------------------------------------------------------
# In Chromium


def _no_browser(why: str):
    if os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GONGSHI_REQUIRE_BROWSER=1 but the browser test cannot run: {why}", pytrace=False)
    pytest.skip(f"browser test skipped: {why}")


@pytest.fixture(scope="module")
def chromium(chromium_browser):
    return chromium_browser


@pytest.fixture(scope="module")
def served(built):
    """The built site (with base_url) on 127.0.0.1."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Quiet, directory=str(built["abs"][1])))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """Page sizes (points) from the /MediaBox entries of a PDF (Chromium writes them in clear)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def zbar(png: Path) -> list[str]:
    res = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, f"zbarimg found no code in {png.name}: {res.stderr}"
    return res.stdout.splitlines()


@pytest.mark.browser
def test_notice_prints_to_a4_pdf_with_every_pledge_and_scannable_codes(built, view, chromium, served, tmp_path):
    if not shutil.which("zbarimg"):
        _no_browser("zbarimg is not installed (apt-get install zbar-tools)")
    root, _ = built["abs"]

    # 1. `gongshi notices fgw` prints an A4 portrait PDF.
    out = tmp_path / "notices"
    res = gongshi(root, "notices", "--out", str(out), "fgw", env={"GONGSHI_CHROMIUM": str(CHROMIUM)})
    assert "Traceback" not in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["fgw.pdf"]
    pdf = (out / "fgw.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    boxes = media_boxes(pdf)
    assert boxes, "no /MediaBox in the PDF"
    for w, h in boxes:
        assert abs(w - A4_PT[0]) < 2 and abs(h - A4_PT[1]) < 2, f"page is {w}×{h} pt, not A4 portrait"

    # 2. The same page as Chromium prints it: every current pledge is there and visible, the
    #    sheet fits the width of A4 (794 CSS px at 96 dpi), and Material's chrome is hidden.
    ctx = chromium.new_context(viewport={"width": 794, "height": 1123}, device_scale_factor=3)
    try:
        page = ctx.new_page()
        page.goto(served + "units/fgw/notice/", wait_until="load")
        page.emulate_media(media="print")
        text = page.locator("article.gs-notice-sheet").inner_text()
        for p in current_pledges(view, "fgw"):
            assert p.title in text, p.title
            assert page.get_by_text(p.title, exact=True).is_visible()
        assert "常态化走访企业" not in text
        assert page.evaluate("document.documentElement.scrollWidth") <= 794
        for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".md-search"):
            loc = page.locator(chrome)
            assert loc.count() == 0 or not loc.first.is_visible(), f"{chrome} shows in print"

        # The 责任人 column: a name on one line, its post (审批股股长) on the next, not cut every
        # two or three characters; the deadline on one line. Lines counted from the text's boxes.
        lines = page.evaluate("""() => Array.from(document.querySelectorAll('.gs-notice-table tbody tr')).map(tr => {
            const n = (el) => { if (!el) return 0; const r = document.createRange(); r.selectNodeContents(el);
                                return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; };
            return [tr.querySelector('.gs-notice-name')?.textContent, n(tr.querySelector('.gs-notice-name')),
                    n(tr.querySelector('.gs-notice-post')), n(tr.querySelector('.gs-notice-due'))]; })""")
        rows = {name: (nl, pl, dl) for name, nl, pl, dl in lines}
        assert rows["毛文杰"] == (1, 1, 1), lines
        assert all(dl == 1 for _, _, _, dl in lines), lines
        assert page.locator("tr", has_text="毛文杰").locator(".gs-notice-post").inner_text() == "（审批股股长）"

        # 3. The QR codes, photographed, decode to the pages' addresses.
        shot = tmp_path / "unit-qr.png"
        page.locator(".gs-notice-qr svg").screenshot(path=str(shot))
        assert zbar(shot) == [f"{BASE}units/fgw/"]
        for p in current_pledges(view, "fgw"):
            row = page.locator("table.gs-notice-table tbody tr").filter(has_text=p.title)
            shot = tmp_path / f"qr-{p.id}.png"
            row.locator("svg.gs-qr").screenshot(path=str(shot))
            assert zbar(shot) == [f"{BASE}units/fgw/{p.id}/"]
    finally:
        ctx.close()


@pytest.mark.browser
def test_notices_command_prints_every_unit(built, chromium, tmp_path):
    """Without unit names, every unit gets its PDF (the fixture has two)."""
    root, _ = built["rel"]
    out = tmp_path / "all"
    res = gongshi(root, "notices", "--out", str(out), env={"GONGSHI_CHROMIUM": str(CHROMIUM)})
    assert sorted(p.name for p in out.iterdir()) == ["fgw.pdf", "swj.pdf"]
    assert "已生成公示单" in res.stderr and "Traceback" not in res.stderr
    for f in out.iterdir():
        assert media_boxes(f.read_bytes())
