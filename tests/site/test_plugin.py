"""The MkDocs plugin and `gongshi build`: a real build writes every public URL of contract §5,
a failed build leaves the previous site untouched, and the navigation stays small."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import sitekit as K

pytestmark = pytest.mark.slow


def _exists(site, url: str) -> bool:
    return (site / url / "index.html").is_file() if url.endswith("/") or not url else (site / url).is_file()


def test_plain_mkdocs_build_strict_succeeds(bench_build):
    res, site = bench_build
    assert res.returncode == 0, f"mkdocs build --strict failed:\n{res.stdout}\n{res.stderr}"
    assert "Traceback" not in res.stderr
    assert (site / "index.html").is_file()


def test_every_contract_url_is_written(bench_site, bench_view):
    view, ds = bench_view, bench_view.dataset
    missing = []

    def need(url: str) -> None:
        if not _exists(bench_site, url):
            missing.append("/" + url)

    for url in ("", "campaigns/", "units/", "inspections/", "evaluations/", "updates/", "data/", "feed.xml",
                "sitemap.xml", "robots.txt"):
        need(url)
    for uid in ds.units:
        need(f"units/{uid}/")
        need(f"units/{uid}/notice/")
        need(f"units/{uid}/rectifications/")
    for v in view.pledges:
        need(f"units/{v.unit}/{v.pledge.id}/")
    for cid, camp in ds.campaigns.items():
        need(f"campaigns/{cid}/")
        for ph in camp.phases:
            need(f"campaigns/{cid}/{ph.id}/")
    for cid in ds.campaigns:  # every campaign's, published or not yet (it then says so)
        need(f"evaluations/{cid}/")
    for t in ("units", "pledges", "ledger", "rectifications", "duties"):
        need(f"data/{t}.csv")
    need("data/gongshi.json")
    from generator.model import schema

    for kind in schema.KINDS:
        need(f"schema/{kind}.json")
    assert not missing, "contract §5 URLs missing from the build:\n" + "\n".join(missing)
    assert view.pledges and view.rectifications and view.evaluations, "the fixture should exercise every page kind"


def test_feed_and_data_package_are_written(bench_site):
    """Contract §5 also fixes /feed.xml (Atom) and /data/datapackage.json."""
    missing = [u for u in ("feed.xml", "data/datapackage.json") if not (bench_site / u).is_file()]
    assert not missing, f"contract §5 files missing from the build: {missing}"
    feed = (bench_site / "feed.xml").read_text(encoding="utf-8")
    assert "http://www.w3.org/2005/Atom" in feed
    json.loads((bench_site / "data" / "datapackage.json").read_text(encoding="utf-8"))


def test_rectification_anchors(bench_site, bench_view):
    missing = []
    for r in bench_view.rectifications:
        html = (bench_site / "units" / r.unit / "rectifications" / "index.html").read_text(encoding="utf-8")
        if f'id="{r.id}"' not in html:
            missing.append(f"/units/{r.unit}/rectifications/#{r.id}")
    assert not missing, "rectification anchors missing:\n" + "\n".join(missing)


def test_csv_files_have_bom(bench_site):
    for t in ("units", "pledges", "ledger", "rectifications", "duties"):
        assert (bench_site / "data" / f"{t}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), t


def _nav_labels(html_text: str) -> list[str]:
    out = []
    for m in re.finditer(r'<(a|label)\b[^>]*class="(?:md-nav__link|md-tabs__link)[^"]*"[^>]*>(.*?)</\1>',
                         html_text, re.S):
        out.append(re.sub(r"<[^>]+>|\s+", " ", m.group(2)).strip())
    return out


@pytest.mark.parametrize("url", ["", "units/", K.SAMPLE_PLEDGE_URL, "units/fgw/", "units/fgw/rectifications/",
                                 "campaigns/yingshang/shishi/"])
def test_nav_holds_only_top_level_entries(sample_site, sample_view, url):
    html_text = (sample_site / url / "index.html").read_text(encoding="utf-8")
    labels = _nav_labels(html_text)
    assert labels, "no navigation links found"
    extra = [x for x in labels if x not in K.TOP_NAV]
    assert not extra, f"/{url}: unexpected navigation entries {extra}"
    titles = {v.title for v in sample_view.pledges}
    assert not titles & set(labels)
    # Each top-level entry once in the tabs and once in the drawer, nothing more.
    assert len(labels) <= 2 * len(K.TOP_NAV), labels


def test_bench_pledge_page_nav_is_small(bench_site, bench_view):
    v = bench_view.pledges[0]
    html_text = (bench_site / "units" / v.unit / v.pledge.id / "index.html").read_text(encoding="utf-8")
    assert html_text.count('class="md-nav__link') <= len(K.TOP_NAV) + 1
    assert v.title not in " ".join(_nav_labels(html_text))


# ---------------------------------------------------------------------------------------
# Atomic builds


def _break_yaml(root):
    p = root / "data" / "units" / "fgw" / "pledges.yaml"
    text = p.read_text(encoding="utf-8")
    title = f'title: "{K.SAMPLE_PLEDGE_TITLE}"'
    assert title in text
    p.write_text(text.replace(title, f'title: "{K.SAMPLE_PLEDGE_TITLE}', 1), encoding="utf-8")  # no closing quote
    return "data/units/fgw/pledges.yaml", None


def _bad_value(root):
    p = root / "data" / "units" / "spj" / "ledger.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace("progress: 10\n", "progress: 150\n", 1), encoding="utf-8")
    line = text[: text.index("progress: 10\n")].count("\n") + 1
    return "data/units/spj/ledger.yaml", line


def _bad_reference(root):
    p = root / "data" / "units" / "fgw" / "ledger.yaml"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace('pledge: "xiangmu-bangban"', 'pledge: "xiangmu-bangbna"', 1), encoding="utf-8")
    line = text[: text.index('pledge: "xiangmu-bangban"')].count("\n") + 1
    return "data/units/fgw/ledger.yaml", line


@pytest.fixture(scope="module")
def built_copy(sample_project, tmp_path_factory):
    """A copy of the sample built once; each atomicity test works on its own copy of that."""
    root = tmp_path_factory.mktemp("atomic") / "proj"
    shutil.copytree(sample_project, root)
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    return root


@pytest.mark.parametrize("breaker", [_break_yaml, _bad_value, _bad_reference], ids=["yaml", "range", "reference"])
def test_failed_build_leaves_previous_site_untouched(built_copy, tmp_path, breaker):
    root = tmp_path / "proj"
    shutil.copytree(built_copy, root, symlinks=True)
    before = K.tree_digest(root / "site")
    assert before
    path, line = breaker(root)
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert "Traceback" not in out, out
    loc = re.search(rf"{re.escape(path)}:(\d+):", out)
    assert loc, f"the error should name {path}:<line>:\n{out}"
    if line is not None:
        assert int(loc.group(1)) == line, out
    assert "错误" in out or "失败" in out, out
    assert re.search(r"[\u4e00-\u9fff]", out)
    assert K.tree_digest(root / "site") == before, "a failed build changed the previous site/"
    leftovers = [p.name for p in root.iterdir() if p.name.startswith((".site-building-", ".site-old-"))]
    assert not leftovers, leftovers


def test_successful_rebuild_replaces_site(built_copy, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(built_copy, root, symlinks=True)
    (root / "site" / "stale-file.txt").write_text("from an older build", encoding="utf-8")
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    assert not (root / "site" / "stale-file.txt").exists()
    assert (root / "site" / K.SAMPLE_PLEDGE_URL / "index.html").is_file()
    assert not [p.name for p in root.iterdir() if p.name.startswith((".site-building-", ".site-old-"))]


def test_build_as_of_hides_later_records(sample_site):
    """The sample's `weilai` pledge is published 2025-11-15, after the build's as-of date: it
    appears nowhere (no page, no CSV row, no JSON record, no search entry, no update)."""
    assert not (sample_site / "units" / "spj" / "weilai").exists()
    assert (sample_site / "units" / "spj" / "zhengzhao" / "index.html").is_file()
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert 'datetime="2025-10-31"' in home
    everything = [
        json.dumps(K.search_records(sample_site), ensure_ascii=False),
        (sample_site / "data" / "pledges.csv").read_text(encoding="utf-8-sig"),
        (sample_site / "data" / "ledger.csv").read_text(encoding="utf-8-sig"),
        (sample_site / "data" / "gongshi.json").read_text(encoding="utf-8"),
        (sample_site / "updates" / "index.html").read_text(encoding="utf-8"),
        (sample_site / "units" / "spj" / "index.html").read_text(encoding="utf-8"),
        (sample_site / "units" / "spj" / "notice" / "index.html").read_text(encoding="utf-8"),
    ]
    for text in everything:
        assert "weilai" not in text and "尚未公示的承诺" not in text
    assert json.loads(everything[3])["as_of"] == "2025-10-31"


# ---------------------------------------------------------------------------------------
# Plugin options that do what they say: data_dir, strict, previous_manifest; quiet commands


def _with_options(root: Path, **options: str) -> None:
    """Set gongshi plugin options in the project's mkdocs.yml (replacing the same keys)."""
    cfg = root / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    for key, value in options.items():
        text = re.sub(rf"^      {key}:.*\n", "", text, flags=re.M)
        text = text.replace("  - gongshi:\n", f"  - gongshi:\n      {key}: {value}\n", 1)
    cfg.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def records_project(sample_project, tmp_path_factory) -> Path:
    """The sample with its data folder named records/ and ``data_dir: records`` in mkdocs.yml."""
    root = tmp_path_factory.mktemp("records") / "proj"
    shutil.copytree(sample_project, root)
    (root / "data").rename(root / "records")
    _with_options(root, data_dir="records")
    return root


def test_data_dir_plain_mkdocs_build(records_project, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    res = K.run(K.MKDOCS + ["build", "-f", str(root / "mkdocs.yml")], cwd=root, as_of=K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    site = root / "site"
    assert (site / K.SAMPLE_PLEDGE_URL / "index.html").is_file()
    assert (site / "units" / "fgw" / "evidence" / "tuijinhui.jpg").read_bytes() == K.TINY_JPEG
    assert "data/site.yaml" not in res.stderr


def test_data_dir_gongshi_build(records_project, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (root / "site" / K.SAMPLE_PLEDGE_URL / "index.html").is_file()
    pledges = (root / "site" / "data" / "pledges.csv").read_text(encoding="utf-8-sig")
    assert K.SAMPLE_PLEDGE_TITLE in pledges


def test_data_dir_gongshi_check_finds_it(records_project, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    res = K.run(K.GONGSHI + ["--root", str(root), "check", "--as-of", K.SAMPLE_AS_OF.isoformat()], cwd=root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert re.search(r"检查了 [1-9]\d* 个单位", res.stderr), res.stderr
    # A mistake is reported at its real path, records/…, which is where the clerk has to look.
    unit = root / "records" / "units" / "fgw" / "unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("category:", "category: 不存在的类别\nx_category:"),
                    encoding="utf-8")
    res = K.run(K.GONGSHI + ["--root", str(root), "check"], cwd=root)
    assert res.returncode == 1
    assert "records/units/fgw/unit.yaml:" in res.stdout, res.stdout
    assert "data/" not in res.stdout.replace("records/", "")


def test_data_dir_check_base_refuses_backdating(records_project, tmp_path):
    """check --base reads the base revision's records/ too (issue 11's data_dir with issue 12's history
    rules and the load memo): a backdated ledger entry is refused at its records/ path; dated today, it passes."""
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    genv = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        assert K.run(["git", *cmd], cwd=root, env=genv).returncode == 0
    ledger = root / "records" / "units" / "fgw" / "ledger.yaml"
    before = ledger.read_text(encoding="utf-8")
    today = K.run([str(K.VENV_BIN / "python"), "-c", "from generator.view.pipeline import today_in; print(today_in(None))"],
                  cwd=root).stdout.strip()
    old = (date.fromisoformat(today) - timedelta(days=30)).isoformat()
    entry = "- date: {}\n  pledge: qiye-kaiban\n  progress: 100\n  note: 全部事项上线运行。\n"
    ledger.write_text(before + entry.format(old), encoding="utf-8")
    res = K.run(K.GONGSHI + ["--root", str(root), "check", "--base", "main"], cwd=root)
    assert res.returncode == 1, res.stdout + res.stderr
    line = next((x for x in res.stdout.splitlines() if "早于基准日" in x), "")
    assert line.startswith("records/units/fgw/ledger.yaml:"), res.stdout
    assert old in line and "data/" not in res.stdout.replace("records/", "")
    ledger.write_text(before + entry.format(today), encoding="utf-8")
    res = K.run(K.GONGSHI + ["--root", str(root), "check", "--base", "main"], cwd=root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "早于基准日" not in res.stdout and "records/units/fgw/ledger.yaml" not in res.stdout, res.stdout
    assert re.search(r"检查了 [1-9]\d* 个单位", res.stderr), res.stderr


def test_data_flag_overrides_mkdocs_yml(records_project, tmp_path):
    """--data works before or after the command, and for a project without mkdocs.yml."""
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    (root / "mkdocs.yml").unlink()
    as_of = ["--as-of", K.SAMPLE_AS_OF.isoformat()]
    res = K.run(K.GONGSHI + ["--root", str(root), "check", *as_of], cwd=root)
    assert res.returncode == 1 and "缺少网站设置文件 data/site.yaml" in res.stdout, res.stdout
    for cmd in (["--data", "records", "check", *as_of], ["check", "--data", "records", *as_of]):
        res = K.run(K.GONGSHI + ["--root", str(root), *cmd], cwd=root)
        assert res.returncode == 0, res.stdout + res.stderr
    res = K.run(K.GONGSHI + ["--root", str(root), "--data", "../elsewhere", "check"], cwd=root)
    assert res.returncode == 2 and "不在项目目录" in res.stderr and "Traceback" not in res.stderr


def test_commands_print_only_their_own_messages(records_project, tmp_path):
    """Material 9.8's end-of-life banner stays out of gongshi's commands."""
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    res = K.run([str(K.VENV_BIN / "gongshi"), "build", "--as-of", K.SAMPLE_AS_OF.isoformat()], cwd=root)
    assert res.returncode == 0, res.stderr
    out = res.stdout + res.stderr
    for banner in ("end of life", "Zensical", "NO_MKDOCS_2_WARNING"):
        assert banner not in out, out
    assert out.strip().splitlines()[-1].startswith("已生成网站"), out


def test_missing_previous_manifest_is_a_clear_error(built_copy, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(built_copy, root, symlinks=True)
    before = K.tree_digest(root / "site")
    res = K.run(K.GONGSHI + ["--root", str(root), "build", "--as-of", K.SAMPLE_AS_OF.isoformat()], cwd=root,
                env={"GONGSHI_PREVIOUS_MANIFEST": "live/manifest.json"})
    out = res.stdout + res.stderr
    assert res.returncode == 1, out
    assert "找不到上一份清单" in out and "live/manifest.json" in out and "Traceback" not in out, out
    assert K.tree_digest(root / "site") == before
    # With the file there, the new manifest chains to it.
    (root / "live").mkdir()
    (root / "live" / "manifest.json").write_bytes((root / "site" / "data" / "manifest.json").read_bytes())
    res = K.run(K.GONGSHI + ["--root", str(root), "build", "--as-of", K.SAMPLE_AS_OF.isoformat()], cwd=root,
                env={"GONGSHI_PREVIOUS_MANIFEST": "live/manifest.json"})
    assert res.returncode == 0, res.stdout + res.stderr


def test_strict_option_and_build_strict(built_copy, tmp_path):
    """Data warnings (久未更新) never stop `gongshi build --strict` (MkDocs' strictness); the plugin
    option `strict: true` makes them fail the build, as documented."""
    root = tmp_path / "proj"
    shutil.copytree(built_copy, root, symlinks=True)
    as_of = ["--as-of", K.SAMPLE_AS_OF.isoformat()]
    check = K.run(K.GONGSHI + ["--root", str(root), "check", *as_of], cwd=root)
    assert "久未更新" in check.stdout, "the sample should have a stale pledge"
    res = K.run(K.GONGSHI + ["--root", str(root), "build", "--strict", *as_of], cwd=root)
    assert res.returncode == 0, res.stdout + res.stderr
    _with_options(root, strict="true")
    res = K.run(K.GONGSHI + ["--root", str(root), "build", *as_of], cwd=root)
    out = res.stdout + res.stderr
    assert res.returncode == 1 and "久未更新" in out and "Traceback" not in out, out


def test_chart_bars_and_badges_share_each_state_colour(sample_site):
    """One table of state colours: every bar of the home page's state charts has the colour the
    built stylesheet gives the badge of the same state (the legend under the bar)."""
    css = (sample_site / "assets" / "gongshi.css").read_text(encoding="utf-8")
    props = dict(re.findall(r"--(gs-[sd]-[a-z_]+):\s*(#[0-9a-f]{6})", css))
    rules = dict(re.findall(r"\.(gs-[sd]-[a-z_]+) \{ background: var\(--(gs-[sd]-[a-z_]+)\) !important; \}", css))
    assert len(props) >= 15 and all(rules[cls] == cls for cls in props)
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg class="gs-chart gs-bar".*?</svg>\s*<ul class="gs-legend">(.*?)</ul>', home, re.S)
    assert len(charts) == 3, "pledges, problems and phase duties by state"
    checked = 0
    for chart in re.finditer(r'(<svg class="gs-chart gs-bar".*?</svg>)\s*<ul class="gs-legend">(.*?)</ul>', home, re.S):
        fills = re.findall(r'<rect [^>]*fill="(#[0-9a-f]{6})"', chart.group(1))
        classes = re.findall(r'class="gs-badge (gs-[sd]-[a-z_]+)"', chart.group(2))
        assert fills and len(fills) == len(classes)
        for fill, cls in zip(fills, classes, strict=True):
            assert props[cls] == fill, f"{cls}: badge {props[cls]}, chart {fill}"
            checked += 1
    assert checked >= 8


def test_data_dir_codeowners(records_project, tmp_path):
    """CODEOWNERS names the data folder the project really has."""
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    res = K.run(K.GONGSHI + ["--root", str(root), "codeowners"], cwd=root)
    assert res.returncode == 0, res.stdout + res.stderr
    text = next(p for p in (root / ".github" / "CODEOWNERS", root / ".forgejo" / "CODEOWNERS",
                            root / ".gitlab" / "CODEOWNERS") if p.is_file()).read_text(encoding="utf-8")
    assert "/records/units/fgw/" in text and "/records/site.yaml" in text
    assert "/data/" not in text


def test_data_dir_check_against_a_revision(records_project, tmp_path):
    """check --base reads the earlier revision's records/ too, and says which published unit went."""
    root = tmp_path / "proj"
    shutil.copytree(records_project, root)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "records"]):
        assert K.run(git + cmd).returncode == 0
    shutil.rmtree(root / "records" / "units" / "spj")
    res = K.run(K.GONGSHI + ["--root", str(root), "check", "--base", "main", "--as-of", K.SAMPLE_AS_OF.isoformat()], cwd=root)
    assert res.returncode == 1, res.stdout + res.stderr
    assert re.search(r"records/units/spj/unit\.yaml:.*（spj）.*被删除了", res.stdout), res.stdout
