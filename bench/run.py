#!/usr/bin/env python3
"""Issue #6 benchmarks: check, build, serve rebuild, page and download sizes, search.

    bench/run.py [--scales 1,10] [--repeat N] [--quick] [--no-serve] [--material] [--profile]

For every scale S it generates S counties of data (``bench/make_data.py``) into
``bench/out/run/s<S>/`` and measures, each in a fresh process:

* ``gongshi check`` next to the floor: PyYAML's C loader alone reading the same ``*.yaml``
  files, in a subprocess of its own (interpreter start-up included on both sides);
* a clean ``gongshi build`` next to a plain ``mkdocs build`` of the same pages, written out
  beforehand as Markdown files (the rendered content HTML as the body, the escaped title in
  front matter) with the same ``mkdocs.yml`` minus the gongshi plugin; the difference is the
  generator's share, and load/validate/derive/plan/render are also timed in-process;
* under ``gongshi serve``: the time from appending a ledger entry to the pledge page showing it;
* sizes: the site, the largest page, pledge pages, the home page's first load and a reader's
  first search, both as fetched by Chromium (Playwright) from a plain static server;
* search: the site's search page (Pagefind, built by ``gongshi build``) against Material's
  built-in search: index size, first-search download, time to first results, and top-5 hits for
  the same Chinese queries. Material's figures are those measured when gongshi still shipped it
  (``bench/material-baseline.json``, with its commit); ``--material`` measures stock Material
  search on the current site instead (a second build with Material's search plugin).

It prints one Markdown table (budgets met or missed) and the search comparison, and writes
them to ``bench/out/latest.md`` (raw figures in ``bench/out/latest.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
VPY = VENV / "bin" / "python"
OUT = REPO / "bench" / "out"
RUN = OUT / "run"
TODAY = "2026-11-23"
CHROMIUM = "/usr/bin/chromium"
KB, MB, GB = 1000, 1000**2, 1000**3  # decimal units throughout

if __name__ == "__main__" and VPY.exists() and Path(sys.prefix).resolve() != VENV.resolve():
    os.execv(str(VPY), [str(VPY), str(Path(__file__).resolve()), *sys.argv[1:]])


# ---------------------------------------------------------------------------------------
# small helpers


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def env_for() -> dict[str, str]:
    return dict(os.environ, GONGSHI_AS_OF=TODAY, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")


LOADS: list[float] = []  # 1-minute load average sampled before each timed run
SPEED: list[float] = []  # seconds of a fixed pure-Python loop, run before each timed run


def speed_probe() -> float:
    """A fixed CPU-bound loop: how fast this (virtual) CPU is right now, whatever the load says."""
    t0 = time.process_time()
    x = 0
    for i in range(2_000_000):
        x += i * i % 7
    return time.process_time() - t0


def timed(cmd: list[str | Path], cwd: Path = REPO, env: dict | None = None) -> tuple[float, int, int, str, float]:
    """(wall s, exit code, peak RSS in bytes, output, CPU s) of one fresh subprocess (wait4 rusage).

    CPU time (user + system) is printed next to wall time: other work on the machine
    stretches the wall time of a run much more than its CPU time."""
    LOADS.append(os.getloadavg()[0])
    SPEED.append(speed_probe())
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env or env_for(),
                                stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return wall, proc.returncode, usage.ru_maxrss * 1024, text, usage.ru_utime + usage.ru_stime


def must(res: tuple, what: str) -> tuple:
    if res[1] != 0:
        tail = "\n".join(res[3].splitlines()[-25:])
        raise SystemExit(f"{what} failed (exit {res[1]}):\n{tail}")
    return res


def med(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def fsec(s: float | None) -> str:
    if s is None:
        return "—"
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s" if s < 100 else f"{s:.0f} s"


def fbytes(n: float | None) -> str:
    if n is None:
        return "—"
    if n >= GB:
        return f"{n / GB:.2f} GB"
    if n >= MB:
        return f"{n / MB:.2f} MB" if n < 10 * MB else f"{n / MB:.1f} MB"
    if n >= KB:
        return f"{n / KB:.1f} KB"
    return f"{n:.0f} B"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_bytes(path: Path) -> tuple[int, int]:
    n = total = 0
    for dirpath, _dirs, files in os.walk(path):
        for f in files:
            n += 1
            total += os.path.getsize(os.path.join(dirpath, f))
    return n, total


def du_bytes(path: Path) -> int:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True).stdout
    return int(out.split()[0]) * 1024 if out else 0


# ---------------------------------------------------------------------------------------
# internal commands, run by this script in fresh subprocesses (``bench/run.py _stages ROOT``)


def _as_of():
    from datetime import date

    return date.fromisoformat(TODAY)


def cmd_stages(root: Path) -> None:
    """Time load / validate / derive / plan / render (and exports) in one process, as JSON."""
    t: dict[str, Any] = {}
    t0 = time.perf_counter()
    from generator.check.validate import validate
    from generator.model.errors import Problems
    from generator.model.load import Source, load
    from generator.publish.files import static_files
    from generator.site.render import Renderer, plan
    from generator.view.derive import derive
    t["import"] = time.perf_counter() - t0

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        t[name] = now - start
        return now

    s = time.perf_counter()
    c0 = time.process_time()
    problems = Problems()
    ds, declared = load(Source(root), problems)
    s = lap("load", s)
    validate(ds, declared, _as_of(), problems)
    s = lap("validate", s)
    view = derive(ds, _as_of())
    s = lap("derive", s)
    pages = plan(view)
    s = lap("plan", s)
    r = Renderer(view, root / "theme_overrides" / "gongshi")
    nbytes = 0
    by_kind: dict[str, list[float]] = {}
    for p in pages:
        k0 = time.perf_counter()
        nbytes += len(r.render(p))
        acc = by_kind.setdefault(p.kind or "?", [0, 0.0])
        acc[0] += 1
        acc[1] += time.perf_counter() - k0
    s = lap("render", s)
    t["render_by_kind"] = by_kind
    t["core_cpu"] = time.process_time() - c0
    c1 = time.process_time()
    for _uri, _spec in static_files(view, root, None):
        pass
    lap("exports", s)
    t["exports_cpu"] = time.process_time() - c1
    t["pages"] = len(pages)
    t["content_bytes"] = nbytes
    print(json.dumps(t))


def cmd_plain(root: Path, plain: Path) -> None:
    """Write the generated pages as Markdown files under ``plain/content`` (+ mkdocs.yml)."""
    import html

    from generator.site.charts import stylesheet
    from generator.site.render import Renderer, plan
    from generator.view.pipeline import check

    res = check(root, _as_of(), today=_as_of())
    view = res.derived
    pages = plan(view)
    r = Renderer(view, root / "theme_overrides" / "gongshi")
    if plain.exists():
        shutil.rmtree(plain)
    content = plain / "content"
    content.mkdir(parents=True)
    for p in pages:
        body = r.render(p)
        meta = [
            "---",
            f"title: {json.dumps(html.escape(p.title, quote=True), ensure_ascii=False)}",
        ]
        if p.description:
            meta.append(f"description: {json.dumps(html.escape(p.description, quote=True), ensure_ascii=False)}")
        # the same page metadata the plugin gives Material for a generated page
        meta += ["hide: [toc]", "search:", "  exclude: true", "---", "", body, ""]
        f = content / p.src_uri
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("\n".join(meta), encoding="utf-8")
    (content / "assets").mkdir(exist_ok=True)
    (content / "assets" / "gongshi.css").write_text(stylesheet(), encoding="utf-8")
    shutil.copytree(root / "theme_overrides", plain / "theme_overrides")
    cfg = (root / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = re.sub(r"^  - gongshi:\n(?:    .*\n)*", "", cfg, flags=re.M)
    # An empty plugins: would give MkDocs' default (search): the plain build has no plugin at all.
    cfg = re.sub(r"^plugins:\s*$", "plugins: []", cfg, flags=re.M)
    cfg = re.sub(r"^site_name: .*$", "site_name: " + json.dumps(html.escape(view.site.title, quote=True),
                                                                ensure_ascii=False), cfg, flags=re.M)
    cfg += "\nextra_css:\n  - assets/gongshi.css\n"
    assert "gongshi:" not in cfg
    (plain / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    # the same, with a hook that hands each body to Material as it is, without Markdown:
    # what MkDocs + Material cost with no content conversion at all
    (plain / "passthrough.py").write_text(PASSTHROUGH, encoding="utf-8")
    raw = cfg.replace("site_dir: site\n", "site_dir: site-raw\n") + "\nhooks:\n  - passthrough.py\n"
    assert "site-raw" in raw
    (plain / "mkdocs-raw.yml").write_text(raw, encoding="utf-8")
    print(json.dumps({"pages": len(pages)}))


PASSTHROUGH = '''"""MkDocs hook for the benchmark: the page body is HTML already; skip Markdown."""


def on_page_markdown(markdown, page, config, files):
    page.bench_html = markdown
    return ""


def on_page_content(html, page, config, files):
    return getattr(page, "bench_html", html)
'''


def cmd_queries(root: Path) -> None:
    """The search queries (same county-1 records at every scale) and the pages each should find."""
    import importlib.util

    from generator.model.records import PledgeState
    from generator.site.render import plan
    from generator.view.pipeline import check

    spec = importlib.util.spec_from_file_location("make_data", REPO / "bench" / "make_data.py")
    assert spec is not None and spec.loader is not None
    md = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(md)
    view = check(root, _as_of(), today=_as_of()).derived
    ds = view.dataset
    urls = {p.url for p in plan(view)}
    c1 = sorted(u for u in ds.units if u.startswith("c01-")) or sorted(ds.units)
    visible = [v for v in view.pledges if f"units/{v.pledge.unit}/{v.pledge.id}/" in urls]

    def purl(v) -> str:
        return f"units/{v.pledge.unit}/{v.pledge.id}/"

    def split(title: str):
        s = next((x for x in md.SERVICES if x in title), None)
        m = next((x for x in md.MODES if x in title and (s is None or x not in s)), None)
        return s, m

    # the pledge: an open pledge of a county-1 approval department, title made of service + mode
    order = [u for u in c1 if u.endswith("-scjg")] + [u for u in c1 if not u.endswith("-scjg")]
    target = None
    for uid in order:
        for v in view.by_unit.get(uid, []):
            s, m = split(v.title)
            if v.state is PledgeState.IN_PROGRESS and s and m and v.responsible and purl(v) in urls:
                target = v
                break
        if target:
            break
    if target is None:
        raise SystemExit("no open pledge to search for")
    s, m = split(target.title)
    unit = ds.units[target.pledge.unit].unit
    qs = []

    def add(kind: str, q: str, expected: set[str], note: str) -> None:
        qs.append({"kind": kind, "q": q, "expected": sorted(expected & urls), "note": note})

    add("承诺标题", target.title, {purl(v) for v in visible if v.title == target.title}, purl(target))
    add("标题片段", s + m, {purl(v) for v in visible if s in v.title and m in v.title},
        f"pledges whose title has {s} and {m}")
    add("单位全称", unit.name, {f"units/{u}/" for u, f in ds.units.items() if f.unit.name == unit.name},
        f"units/{unit.id}/")
    other = ds.units[next(u for u in c1 if u.endswith("-xzsp"))].unit if any(u.endswith("-xzsp") for u in c1) else unit
    add("单位简称", other.short_name or other.name,
        {f"units/{u}/" for u, f in ds.units.items() if (f.unit.short_name or f.unit.name) == (other.short_name or other.name)},
        "the unit page(s) with this short name")
    for term in ("作风建设年", "主动服务活动"):
        add("活动名称", term, {f"campaigns/{cid}/" for cid, c in ds.campaigns.items() if term in c.title},
            "the campaign page(s)")
    add("营商环境", "营商环境",
        {purl(v) for v in visible if "营商环境" in v.pledge.tags}
        | {f"units/{u}/" for u, f in ds.units.items() if "营商环境" in f.unit.name},
        "a pledge tagged 营商环境 or the 营商环境 task force")
    name = (target.responsible or "").split("（")[0]
    add("责任人", name, {purl(v) for v in visible if (v.responsible or "").split("（")[0] == name},
        "the pledge(s) this person is responsible for")
    head_unit = next((ds.units[u].unit for u in c1 if ds.units[u].unit.head), unit)
    head = (head_unit.head or "").split("（")[0]
    add("单位负责人", head, {f"units/{u}/" for u, f in ds.units.items() if (f.unit.head or "").split("（")[0] == head},
        f"units/{head_unit.id}/")
    rect_q = None
    for uid in order:
        for r in view.rects_by_unit.get(uid, []):
            issue = next((x for x in md.ISSUES if x in r.rect.problem), None)
            if issue:
                u = ds.units[uid].unit
                rect_q = (f"{u.short_name or u.name} {issue}", f"units/{uid}/rectifications/")
                break
        if rect_q:
            break
    if rect_q:
        add("问题整改", rect_q[0], {rect_q[1]}, rect_q[1])
    serve = {"unit": target.pledge.unit, "pledge": target.pledge.id, "url": purl(target),
             "progress": target.progress}
    print(json.dumps({"queries": qs, "serve": serve}, ensure_ascii=False))


def cmd_profile(root: Path, top: int) -> None:
    """cProfile of an in-process ``build_site``; prints the top entries by own and cumulative time."""
    import cProfile
    import io
    import pstats

    os.environ["GONGSHI_AS_OF"] = TODAY
    from generator.site.build import build_site

    prof = cProfile.Profile()
    out = RUN / "profile-site"
    t0 = time.perf_counter()
    prof.enable()
    build_site(root, out=str(out))
    prof.disable()
    wall = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    prof.dump_stats(str(RUN / "build.prof"))
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats(key).print_stats(top)
        text = buf.getvalue().replace(str(VENV / "lib" / "python3.11" / "site-packages") + "/", "")
        text = text.replace(str(REPO) + "/", "")
        lines = [ln for ln in text.splitlines() if ln.strip()]
        start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
        print(f"\n### top {top} by {key} (profiled build_site wall {wall:.1f} s; cProfile roughly doubles it)\n")
        print("```")
        print("\n".join(lines[start:]))
        print("```")


# ---------------------------------------------------------------------------------------
# setting up a scale


def prepare(scale: float, generate: bool) -> Path:
    tag = f"{scale:g}".replace(".", "_")
    root = RUN / f"s{tag}"
    root.mkdir(parents=True, exist_ok=True)
    if generate or not (root / "data" / "site.yaml").is_file():
        log(f"S={scale:g}: generating data")
        must(timed([VPY, REPO / "bench" / "make_data.py", "--scale", str(scale), "--out", root,
                    "--today", TODAY, "-q"]), "make_data")
    cfg = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = re.sub(r"^  - 编辑指南:\n(?:      - .*\n)+", "", cfg, flags=re.M)
    assert "guide/" not in cfg
    (root / "mkdocs.yml").write_text(cfg, encoding="utf-8")
    if (root / "theme_overrides").exists():
        shutil.rmtree(root / "theme_overrides")
    shutil.copytree(REPO / "theme_overrides", root / "theme_overrides")
    if (root / "content").exists():
        shutil.rmtree(root / "content")
    (root / "content").mkdir()
    return root


def internal(args: list) -> str:
    res = must(timed([VPY, Path(__file__).resolve(), *args]), " ".join(map(str, args[:1])))
    return res[3].strip().splitlines()[-1]


# ---------------------------------------------------------------------------------------
# measurements


def bench_check(root: Path, n: int) -> dict:
    gongshi = VENV / "bin" / "gongshi"
    walls, rss, cpus = [], [], []
    out = ""
    for i in range(n):
        w, rc, m, out, cpu = timed([gongshi, "--root", root, "check"])
        if rc != 0:
            raise SystemExit(f"check failed:\n{out[-3000:]}")
        walls.append(w)
        rss.append(m)
        cpus.append(cpu)
        log(f"  check run {i + 1}: {w:.2f} s (CPU {cpu:.2f} s), {m / MB:.0f} MB")
    floor_code = ("import sys, pathlib, yaml\n"
                  "for f in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
                  "    yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)\n")
    floors, fcpus = [], []
    for i in range(n):
        w, rc, _m, text, cpu = timed([VPY, "-c", floor_code, root / "data"])
        if rc != 0:
            raise SystemExit(f"floor failed:\n{text}")
        floors.append(w)
        fcpus.append(cpu)
        log(f"  YAML floor run {i + 1}: {w:.2f} s (CPU {cpu:.2f} s)")
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    return {"runs": n, "wall": med(walls), "walls": walls, "rss": max(rss), "cpu": med(cpus), "floor": med(floors),
            "floors": floors, "floor_cpu": med(fcpus), "summary": summary}


def bench_check_base(root: Path, n: int) -> dict:
    """``gongshi check --base HEAD`` on a one-entry change next to plain ``gongshi check`` of the same tree,
    alternating, in a git repository holding the generated data (committed on TODAY, so the new entry,
    dated TODAY, is inside the grace window and the check passes)."""
    repo = root.parent / (root.name + "-git")
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    shutil.copytree(root / "data", repo / "data")
    shutil.copy(root / "mkdocs.yml", repo / "mkdocs.yml")
    genv = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.org", GIT_COMMITTER_NAME="bench",
                GIT_COMMITTER_EMAIL="bench@example.org", GIT_AUTHOR_DATE=f"{TODAY}T12:00:00+08:00",
                GIT_COMMITTER_DATE=f"{TODAY}T12:00:00+08:00", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", *cmd], cwd=repo, env=genv, check=True)
    ledger = next(f for f in sorted((repo / "data" / "units").glob("*/ledger.yaml")) if "pledge:" in f.read_text("utf-8"))
    found = re.search(r"^  pledge: (\S+)", ledger.read_text("utf-8"), re.M)
    assert found is not None  # the file was picked for having one
    pid = found.group(1)
    with ledger.open("a", encoding="utf-8") as f:  # progress 100 never falls below an earlier entry
        f.write(f"- date: {TODAY}\n  pledge: {pid}\n  progress: 100\n  note: 基准测试：新增一条台账。\n")
    gongshi = VENV / "bin" / "gongshi"
    walls, cpus, plain, plain_cpu, rss = [], [], [], [], []
    for i in range(n):
        w, rc, _m, out, cpu = timed([gongshi, "--root", repo, "check"])
        if rc != 0:
            raise SystemExit(f"check failed:\n{out[-3000:]}")
        plain.append(w)
        plain_cpu.append(cpu)
        w, rc, m, out, cpu = timed([gongshi, "--root", repo, "check", "--base", "HEAD"])
        if rc != 0:
            raise SystemExit(f"check --base failed:\n{out[-3000:]}")
        walls.append(w)
        cpus.append(cpu)
        rss.append(m)
        log(f"  check run {i + 1}: {plain[-1]:.2f} s (CPU {plain_cpu[-1]:.2f} s); "
            f"check --base HEAD: {w:.2f} s (CPU {cpu:.2f} s), {m / MB:.0f} MB")
    return {"runs": n, "wall": med(walls), "walls": walls, "cpu": med(cpus), "rss": max(rss),
            "plain": med(plain), "plains": plain, "plain_cpu": med(plain_cpu)}


def bench_build(root: Path, n: int) -> dict:
    gongshi = VENV / "bin" / "gongshi"
    walls, rss, cpus = [], [], []
    for i in range(n):
        shutil.rmtree(root / "site", ignore_errors=True)
        w, rc, m, out, cpu = timed([gongshi, "--root", root, "build"])
        if rc != 0:
            raise SystemExit(f"build failed:\n{out[-3000:]}")
        walls.append(w)
        rss.append(m)
        cpus.append(cpu)
        log(f"  build run {i + 1}: {w:.1f} s (CPU {cpu:.1f} s), {m / MB:.0f} MB")
    return {"runs": n, "wall": med(walls), "walls": walls, "rss": max(rss), "cpu": med(cpus)}


def bench_plain(root: Path, n: int, variant: str = "mkdocs.yml") -> dict:
    plain = root.with_name(root.name + "-plain")
    if variant == "mkdocs.yml":
        internal(["_plain", root, plain])
    site = plain / ("site" if variant == "mkdocs.yml" else "site-raw")
    mkdocs = VENV / "bin" / "mkdocs"
    walls, rss, cpus = [], [], []
    for i in range(n):
        shutil.rmtree(site, ignore_errors=True)
        w, rc, m, out, cpu = timed([mkdocs, "build", "-q", "-f", plain / variant], cwd=plain)
        if rc != 0:
            raise SystemExit(f"plain mkdocs build ({variant}) failed:\n{out[-3000:]}")
        walls.append(w)
        rss.append(m)
        cpus.append(cpu)
        log(f"  plain mkdocs build ({variant}) run {i + 1}: {w:.1f} s (CPU {cpu:.1f} s), {m / MB:.0f} MB")
    nfiles, nbytes = tree_bytes(site)
    return {"runs": n, "wall": med(walls), "walls": walls, "rss": max(rss), "cpu": med(cpus),
            "files": nfiles, "bytes": nbytes}


def bench_stages(root: Path, n: int) -> dict:
    runs = []
    for i in range(n):
        runs.append(json.loads(internal(["_stages", root])))
        log(f"  in-process stages run {i + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in runs[-1].items()
                                                            if isinstance(v, float)))
    keys = [k for k in runs[0] if isinstance(runs[0][k], float)]
    res: dict[str, Any] = {k: med([r[k] for r in runs]) for k in keys}
    res["runs"] = n
    res["pages"] = runs[0]["pages"]
    kinds = runs[0].get("render_by_kind", {})
    res["render_by_kind"] = {k: [v[0], med([r["render_by_kind"][k][1] for r in runs])] for k, v in kinds.items()}
    res["core"] = sum(res[k] for k in ("load", "validate", "derive", "plan", "render"))
    return res


def bench_sizes(site: Path) -> dict:
    pages = []
    for dirpath, _dirs, files in os.walk(site):
        for f in files:
            if f.endswith(".html"):
                p = Path(dirpath) / f
                pages.append((p.stat().st_size, p.relative_to(site).as_posix()))
    pages.sort()
    pledge_re = re.compile(r"^units/[^/]+/(?!rectifications/|notice/)[^/]+/index\.html$")
    pledges = [s for s, p in pages if pledge_re.match(p)]
    nfiles, nbytes = tree_bytes(site)
    return {
        "files": nfiles, "bytes": nbytes, "du": du_bytes(site), "html_pages": len(pages),
        "largest": pages[-1], "pledge_max": max(pledges), "pledge_median": med(pledges),
        "pledge_count": len(pledges), "home": (site / "index.html").stat().st_size,
        "search_bundle": tree_bytes(site / "pagefind")[1] if (site / "pagefind").is_dir() else 0,
    }


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_rss(pid: int) -> int:
    """Peak resident memory of a running process so far, in bytes (Linux /proc, VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def bench_serve(root: Path, target: dict, timeout: float) -> dict:
    import urllib.request

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    ledger = root / "data" / "units" / target["unit"] / "ledger.yaml"
    original = ledger.read_bytes()
    marker = f"bench-{os.getpid()}-{int(time.time())}"
    log_path = RUN / f"serve-{root.name}.log"
    t0 = time.perf_counter()
    # The server writes to its own copy of the descriptor; ours closes at once.
    with open(log_path, "wb") as logf:
        proc = subprocess.Popen([str(VENV / "bin" / "gongshi"), "--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                cwd=root, env=env_for(), stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)

    def get(url: str) -> str | None:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.read().decode("utf-8", "replace")
        except Exception:
            return None

    res: dict = {}
    try:
        while get(base) is None:
            if proc.poll() is not None:
                raise SystemExit(f"gongshi serve exited with {proc.returncode}; see {log_path}")
            if time.perf_counter() - t0 > timeout:
                raise SystemExit(f"gongshi serve did not serve within {timeout:.0f} s; see {log_path}")
            time.sleep(0.25)
        res["startup"] = time.perf_counter() - t0
        page = base + target["url"]
        first = get(page)
        if first is None or marker in first:
            raise SystemExit(f"cannot read {page} before the edit")
        time.sleep(1.0)  # let the file watcher settle after the first build
        entry = (f"- date: {TODAY}\n  pledge: \"{target['pledge']}\"\n  progress: {target['progress']}\n"
                 f"  note: |\n    基准测试追加的台账记录 {marker}。\n")
        text = original.decode("utf-8")
        if not text.endswith("\n"):
            text += "\n"
        c1 = proc_cpu(proc.pid)
        t1 = time.perf_counter()
        ledger.write_text(text + entry, encoding="utf-8")
        while True:
            body = get(page)
            if body is not None and marker in body:
                res["rebuild"] = time.perf_counter() - t1
                # The server's own CPU time for it: on a loaded shared machine the wall time
                # above mostly measures the other processes.
                res["rebuild_cpu"] = proc_cpu(proc.pid) - c1
                break
            if proc.poll() is not None:
                raise SystemExit(f"gongshi serve exited with {proc.returncode} during the rebuild; see {log_path}")
            if time.perf_counter() - t1 > timeout:
                raise SystemExit(f"the edit did not show within {timeout:.0f} s; see {log_path}")
            time.sleep(0.1)
        res["rss"] = proc_peak_rss(proc.pid)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        ledger.write_bytes(original)
    return res


# ---------------------------------------------------------------------------------------
# browser: sizes as fetched by Chromium, Material search vs Pagefind


SEARCH_URL = re.compile(r"/search/search_index\.json|/assets/javascripts/workers/|/assets/javascripts/lunr/|/pagefind/"
                        r"|/assets/gongshi-search\.js")


class StaticServer:
    """A plain static file server (no compression) on a free port, in a thread."""

    def __init__(self, root: Path):
        import functools
        import http.server
        import threading

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *a):
                pass

        self.root = root
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class Traffic:
    """Every finished request of a browser context, with its body size on the wire (no compression
    here) and what it would be gzipped (level 6, as a static host would typically serve it)."""

    def __init__(self, ctx, server: StaticServer):
        self.server = server
        self.items: list[dict] = []
        self.pending = 0
        self._gz: dict[str, int] = {}
        ctx.on("request", self._start)
        ctx.on("requestfinished", self._finish)
        ctx.on("requestfailed", self._failed)

    def _start(self, _req):
        self.pending += 1

    def _failed(self, req):
        self.pending -= 1
        self.items.append({"url": req.url, "bytes": 0, "gz": 0, "failed": True})

    def _finish(self, req):
        import gzip
        from urllib.parse import unquote, urlparse

        self.pending -= 1
        try:
            body = req.sizes()["responseBodySize"]
        except Exception:
            body = 0
        path = unquote(urlparse(req.url).path).lstrip("/")
        f = self.server.root / path
        if f.is_dir() or path == "" or path.endswith("/"):
            f = f / "index.html"
        gz = body
        if f.is_file():
            body = max(body, f.stat().st_size)  # worker scripts report 0 through the page session
            key = str(f)
            if key not in self._gz:
                self._gz[key] = len(gzip.compress(f.read_bytes(), 6))
            gz = self._gz[key]
        self.items.append({"url": req.url, "bytes": body, "gz": gz})

    def settle(self, page, quiet: float = 0.75, timeout: float = 600) -> None:
        """Wait until no request is pending and none finished for ``quiet`` seconds."""
        t0 = time.perf_counter()
        n, since = len(self.items), time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            page.wait_for_timeout(100)
            if len(self.items) != n or self.pending > 0:
                n, since = len(self.items), time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return

    @staticmethod
    def total(items: list[dict], pred=lambda it: True) -> tuple[int, int]:
        sel = [it for it in items if pred(it)]
        return sum(it["bytes"] for it in sel), sum(it["gz"] for it in sel)


def _norm(href: str) -> str:
    from urllib.parse import unquote, urlparse

    p = unquote(urlparse(href).path).lstrip("/")
    if p.endswith("index.html"):
        p = p[: -len("index.html")]
    return p


def _rank(groups: list[list[str]], expected: list[str]) -> int | None:
    exp = set(expected)
    for i, links in enumerate(groups[:5]):
        if any(_norm(h) in exp for h in links):
            return i + 1
    return None


MATERIAL_TOP = """() => Array.from(document.querySelectorAll('.md-search-result__list > li.md-search-result__item'))
  .slice(0, 5).map(li => Array.from(li.querySelectorAll('a.md-search-result__link')).map(a => a.href))"""
MATERIAL_DONE = """() => { const m = document.querySelector('.md-search-result__meta');
  return m && /符合条件/.test(m.textContent) }"""
GS_TOP = """() => Array.from(document.querySelectorAll('[data-gs-search-results] > li:not(.gs-search__more)'))
  .slice(0, 5).map(li => Array.from(li.querySelectorAll('a.gs-search__title')).map(a => a.href))"""
GS_DONE = """(q) => { const l = document.querySelector('[data-gs-search-results]'); return !!l && l.dataset.query === q }"""


def _browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])


def _context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    return ctx


def _nocache(ctx, page) -> None:
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})


def material_type(page, q: str, timeout_ms: int) -> float:
    inp = page.locator("input.md-search__input")
    inp.click()
    inp.fill("")
    inp.press("End")  # Material reads the query on keyup
    page.wait_for_function("() => !/符合条件/.test(document.querySelector('.md-search-result__meta').textContent)",
                           timeout=timeout_ms)
    inp.press_sequentially(q, delay=20)
    t0 = time.perf_counter()
    inp.press("End")  # an IME commits text without key events; a real keyup follows
    page.wait_for_function(MATERIAL_DONE, timeout=timeout_ms)
    return time.perf_counter() - t0


def gs_type(page, q: str, timeout_ms: int) -> float:
    """Type ``q`` into the search page's box and press Enter; seconds until its results are shown."""
    inp = page.locator("#gs-search-q")
    inp.fill(q)  # as an IME commits a phrase
    t0 = time.perf_counter()
    inp.press("Enter")
    page.wait_for_function(GS_DONE, arg=q, timeout=timeout_ms)
    return time.perf_counter() - t0


def first_query(queries: list[dict]) -> str:
    """The query of the first-search measures: a pledge title fragment."""
    return next((q["q"] for q in queries if q["kind"] == "标题片段"), queries[0]["q"])


def bench_material_browser(site: Path, queries: list[dict], timeout_ms: int) -> dict:
    from playwright.sync_api import sync_playwright

    res: dict = {}
    with StaticServer(site) as srv, sync_playwright() as p:
        browser = _browser(p)
        try:
            # 1. the home page's first load, cache disabled, until the network is quiet
            ctx = _context(browser)
            page = ctx.new_page()
            _nocache(ctx, page)
            tr = Traffic(ctx, srv)
            page.goto(srv.url, wait_until="load")
            tr.settle(page)
            items = list(tr.items)
            res["home_load"] = tr.total(items)
            res["home_load_search"] = tr.total(items, lambda it: SEARCH_URL.search(it["url"]))
            res["home_load_requests"] = len(items)
            res["home_load_list"] = [(it["url"].replace(srv.url, "/"), it["bytes"]) for it in items]
            # 2. a reader's first search on that page: what search fetched while the page loaded,
            #    plus everything requested from the moment the search box gets focus
            mark = len(tr.items)
            material_type(page, first_query(queries), timeout_ms)
            tr.settle(page)
            sel = [it for it in items if SEARCH_URL.search(it["url"])] + tr.items[mark:]
            res["first_search"] = tr.total(sel)
            res["first_search_list"] = [(it["url"].replace(srv.url, "/"), it["bytes"]) for it in sel]
            ctx.close()
            # time from the page's load event to the first results, for a reader who types at once
            ctx = _context(browser)
            page = ctx.new_page()
            _nocache(ctx, page)
            page.goto(srv.url, wait_until="load")
            res["first_results_after_load"] = material_type(page, first_query(queries), timeout_ms)
            # 3. quality: top 5 for every query, on the same page (index already loaded)
            qual = []
            undefined = 0
            for q in queries:
                lat = material_type(page, q["q"], timeout_ms)
                page.wait_for_timeout(150)
                groups = page.evaluate(MATERIAL_TOP)
                undefined += sum(1 for g in groups for h in g if _norm(h).startswith("undefined"))
                qual.append({"rank": _rank(groups, q["expected"]), "latency": lat,
                             "top": [(_norm(g[0]) or "/") if g else "?" for g in groups]})
            res["quality"] = qual
            res["undefined_links"] = undefined
            ctx.close()
        finally:
            browser.close()
    return res


def bench_home(site: Path) -> dict:
    """The home page's first load with the cache off, until the network is quiet."""
    from playwright.sync_api import sync_playwright

    with StaticServer(site) as srv, sync_playwright() as p:
        browser = _browser(p)
        try:
            ctx = _context(browser)
            page = ctx.new_page()
            _nocache(ctx, page)
            tr = Traffic(ctx, srv)
            page.goto(srv.url, wait_until="load")
            tr.settle(page)
            items = list(tr.items)
            ctx.close()
        finally:
            browser.close()
    return {"home_load": tr.total(items), "home_load_search": tr.total(items, lambda it: SEARCH_URL.search(it["url"])),
            "home_load_requests": len(items),
            "home_load_list": [(it["url"].replace(srv.url, "/"), it["bytes"]) for it in items]}


def bench_search(site: Path, queries: list[dict], timeout_ms: int) -> dict:
    """gongshi's search page (/search/, Pagefind): first-search download, latency and quality."""
    from playwright.sync_api import sync_playwright

    nfiles, nbytes = tree_bytes(site / "pagefind")
    res: dict = {"index_files": nfiles, "index_bytes": nbytes,
                 "indexed": len(list((site / "pagefind" / "fragment").glob("*.pf_fragment")))}
    search_url = None

    def first(page, tr_ctx, q):
        """A reader opens the search page and searches ``q``: everything search-related fetched."""
        tr = Traffic(tr_ctx, srv)
        page.goto(search_url, wait_until="load")
        tr.settle(page)
        pre = [it for it in tr.items if SEARCH_URL.search(it["url"])]
        mark = len(tr.items)
        lat = gs_type(page, q, timeout_ms)
        tr.settle(page)
        return pre + tr.items[mark:], lat

    with StaticServer(site) as srv, sync_playwright() as p:
        search_url = srv.url + "search/"
        browser = _browser(p)
        try:
            ctx = _context(browser)
            page = ctx.new_page()
            _nocache(ctx, page)
            sel, lat = first(page, ctx, first_query(queries))
            res["first_search"] = Traffic.total(sel)
            res["first_search_list"] = [(it["url"].replace(srv.url, "/"), it["bytes"]) for it in sel]
            res["first_results_after_load"] = lat
            qual = []
            for q in queries:
                lat = gs_type(page, q["q"], timeout_ms)
                groups = page.evaluate(GS_TOP)
                qual.append({"rank": _rank(groups, q["expected"]), "latency": lat,
                             "top": [(_norm(g[0]) or "/") if g else "?" for g in groups]})
            res["quality"] = qual
            ctx.close()
            # the download depends on the words searched: every query as a reader's first search
            per_query = []
            for q in queries:
                ctx = _context(browser)
                page = ctx.new_page()
                _nocache(ctx, page)
                sel, _lat = first(page, ctx, q["q"])
                per_query.append(Traffic.total(sel)[0])
                ctx.close()
            res["first_search_per_query"] = per_query
        finally:
            browser.close()
    return res


MATERIAL_BASELINE = REPO / "bench" / "material-baseline.json"


def bench_material(root: Path, queries: list[dict], timeout_ms: int) -> dict:
    """Stock Material search on the same site: gongshi's search off, Material's search plugin on."""
    cfg = (root / "mkdocs.yml").read_text(encoding="utf-8")
    cfg = cfg.replace("site_dir: site\n", "site_dir: site-material\n")
    cfg = re.sub(r"^plugins:\n", "plugins:\n  - search:\n      lang: zh\n", cfg, flags=re.M)
    cfg = cfg.replace("  - gongshi:\n", "  - gongshi:\n      search: false\n")
    assert "site-material" in cfg and "search: false" in cfg
    (root / "mkdocs-material.yml").write_text(cfg, encoding="utf-8")
    env = env_for()
    env["GONGSHI_AS_OF"] = TODAY
    w, rc, m, out, cpu = timed([VENV / "bin" / "mkdocs", "build", "-q", "-f", root / "mkdocs-material.yml"], cwd=root, env=env)
    if rc != 0:
        raise SystemExit(f"Material variant build failed:\n{out[-3000:]}")
    site = root / "site-material"
    res = bench_material_browser(site, queries, timeout_ms)
    res["build"] = {"wall": w, "cpu": cpu, "rss": m}
    res["index_bytes"] = (site / "search" / "search_index.json").stat().st_size
    res["measured"] = "stock Material search, this run"
    return res


def material_baseline(scale: float) -> dict | None:
    if not MATERIAL_BASELINE.is_file():
        return None
    b = json.loads(MATERIAL_BASELINE.read_text(encoding="utf-8"))
    m = b["scales"].get(f"{scale:g}")
    if m is None:
        return None
    return {**m, "measured": b["note"]}


# ---------------------------------------------------------------------------------------
# the report


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**MISSED**")


def report(results: dict, scales: list[float], meta: dict) -> str:
    def col(fn, s):
        r = results.get(s)
        if r is None:
            return "—"
        try:
            return fn(r)
        except (KeyError, TypeError, ZeroDivisionError):
            return "—"

    def runs(r, key):
        n = r[key]["runs"]
        return "1 run" if n == 1 else f"median of {n}"

    def wc(r, key, wall="wall", cpu="cpu"):
        return f"{fsec(r[key][wall])} (CPU {fsec(r[key][cpu])}; {runs(r, key)})"

    s1 = 1.0 if 1.0 in results else None
    s10 = 10.0 if 10.0 in results else None
    hdr = "| measure | " + " | ".join(f"S={s:g}" for s in scales) + " | budget | verdict |"
    sep = "|---|" + "---:|" * len(scales) + "---|---|"
    rows = [hdr, sep]

    def row(label, fn, budget="", ver=""):
        rows.append(f"| {label} | " + " | ".join(col(fn, s) for s in scales) + f" | {budget} | {ver} |")

    def get(s, *path):
        r = results.get(s)
        for k in path:
            if r is None:
                return None
            r = r.get(k) if isinstance(r, dict) else None
        return r

    row("data (units / pledges / ledger entries; YAML files, size)",
        lambda r: f"{r['data']['units']:,} / {r['data']['pledges']:,} / {r['data']['entries']:,}; "
                  f"{r['data']['yaml_files']:,} files, {fbytes(r['data']['yaml_bytes'])}")
    row("`gongshi check`", lambda r: wc(r, "check"))
    row("PyYAML CSafeLoader alone on the same files (floor, own process)", lambda r: wc(r, "check", "floor", "floor_cpu"))
    c_ok = None
    if s1 is not None and get(s1, "check", "wall"):
        c_ok = get(s1, "check", "wall") <= 1.5 * get(s1, "check", "floor")
    row("check ÷ floor (wall; CPU)", lambda r: f"{r['check']['wall'] / r['check']['floor']:.2f}×; "
                                               f"{r['check']['cpu'] / r['check']['floor_cpu']:.2f}×",
        "≤ 1.5× at S=1", verdict(c_ok))
    row("check peak RSS", lambda r: fbytes(r["check"]["rss"]))
    row("`gongshi check`, same tree in a git repository (alternating with the next row)",
        lambda r: wc(r, "check_base", "plain", "plain_cpu"))
    row("`gongshi check --base HEAD`, one new ledger entry (history and integrity rules)", lambda r: wc(r, "check_base"))
    kb = []
    for s_, name in ((s1, "S=1"), (s10, "S=10")):
        if get(s_, "check_base", "wall"):
            kb.append(f"{name} {verdict(get(s_, 'check_base', 'wall') <= 3 * get(s_, 'check_base', 'plain'))}")
    row("check --base ÷ check (wall; CPU)", lambda r: f"{r['check_base']['wall'] / r['check_base']['plain']:.2f}×; "
                                                   f"{r['check_base']['cpu'] / r['check_base']['plain_cpu']:.2f}×",
        "≤ 3× at S=1 and S=10", "; ".join(kb) or "—")
    b1, b10 = get(s1, "build", "wall"), get(s10, "build", "wall")
    bver = []
    if b1 is not None:
        bver.append(f"S=1 {verdict(b1 < 20)}")
    if b10 is not None:
        bver.append(f"S=10 {verdict(b10 < 240)}")
    row("`gongshi build` (clean, fresh process)", lambda r: wc(r, "build"),
        "< 20 s at S=1; < 240 s at S=10", "; ".join(bver) or "—")
    m10 = get(s10, "build", "rss")
    row("build peak RSS", lambda r: fbytes(r["build"]["rss"]), "< 2 GB at S=10", verdict(None if m10 is None else m10 < 2 * GB))
    ratio = b10 / b1 if b1 and b10 else None
    cells = [""] * len(scales)
    cells[-1] = f"{ratio:.1f}×" if ratio else "—"
    rows.append("| build time S=10 ÷ S=1 | " + " | ".join(cells)
                + f" | < 12× | {verdict(None if ratio is None else ratio < 12)} |")
    row("plain `mkdocs build` of the same pages (no plugin)", lambda r: wc(r, "plain"))
    row("plain build peak RSS", lambda r: fbytes(r["plain"]["rss"]))
    pver = []
    for s in scales:
        b, pl = get(s, "build", "wall"), get(s, "plain", "wall")
        if b and pl:
            pver.append(f"S={s:g} {verdict(b <= 1.25 * pl)}")
    row("gongshi build ÷ plain mkdocs build (wall; CPU)",
        lambda r: f"{r['build']['wall'] / r['plain']['wall']:.2f}×; {r['build']['cpu'] / r['plain']['cpu']:.2f}×", "≤ 1.25×",
        "; ".join(pver) or "—")
    row("generator's share: gongshi build − plain build (wall; CPU)",
        lambda r: f"{fsec(r['build']['wall'] - r['plain']['wall'])}; {fsec(r['build']['cpu'] - r['plain']['cpu'])}")
    row("plain build with the bodies passed through a hook, no Markdown (MkDocs + Material alone)", lambda r: wc(r, "raw"))
    row("gongshi build ÷ that (wall; CPU)",
        lambda r: f"{r['build']['wall'] / r['raw']['wall']:.2f}×; {r['build']['cpu'] / r['raw']['cpu']:.2f}×")
    row("generator's share against that (wall; CPU)",
        lambda r: f"{fsec(r['build']['wall'] - r['raw']['wall'])}; {fsec(r['build']['cpu'] - r['raw']['cpu'])}")
    row("in-process load + validate + derive + plan + render", lambda r: wc(r, "stages", "core", "core_cpu"))
    row("… load / validate / derive / plan / render",
        lambda r: " / ".join(f"{r['stages'][k]:.2f}" for k in ("load", "validate", "derive", "plan", "render")) + " s")
    row("… open-data exports (CSV, JSON, manifest, feeds), not in the line above",
        lambda r: f"{fsec(r['stages']['exports'])} (CPU {fsec(r['stages']['exports_cpu'])})")
    sver, ever = [], []
    for s in scales:
        st, b, ed = get(s, "serve", "startup"), get(s, "build", "wall"), get(s, "serve", "rebuild")
        if st is not None and b is not None:
            sver.append(f"S={s:g} {verdict(st <= b)}")
        limit = {1.0: 1.0, 10.0: 3.0}.get(float(s))
        if ed is not None and limit is not None:
            ever.append(f"S={s:g} {verdict(ed <= limit)}")
    row("`gongshi serve`: start until it serves", lambda r: fsec(r["serve"]["startup"]),
        "≤ the clean build above", "; ".join(sver) or "—")
    row("`gongshi serve`: one ledger entry appended → pledge page shows it (server's CPU time)",
        lambda r: fsec(r["serve"]["rebuild"]) + (f" ({fsec(r['serve']['rebuild_cpu'])})" if "rebuild_cpu" in r["serve"] else ""),
        "≤ 1 s at S=1; ≤ 3 s at S=10", "; ".join(ever) or "—")
    row("`gongshi serve` peak RSS (start, the edit, the pledge page)",
        lambda r: fbytes(r["serve"]["rss"]) if r["serve"].get("rss") else "—")
    row("site (files; bytes; du)", lambda r: f"{r['sizes']['files']:,}; {fbytes(r['sizes']['bytes'])}; {fbytes(r['sizes']['du'])}")
    row("largest page (HTML)", lambda r: f"{fbytes(r['sizes']['largest'][0])} `{r['sizes']['largest'][1]}`")
    pl10 = get(s10, "sizes", "pledge_max")
    row("pledge page HTML (largest / median)",
        lambda r: f"{fbytes(r['sizes']['pledge_max'])} / {fbytes(r['sizes']['pledge_median'])}",
        "< 60 KB at S=10", verdict(None if pl10 is None else pl10 < 60 * KB))
    hver = []
    for s in scales:
        h = get(s, "home", "home_load")
        if h:
            hver.append(f"S={s:g} {verdict(h[0] < 500 * KB)}")
    row("home page first load, all requests (raw; gzip -6)",
        lambda r: f"{fbytes(r['home']['home_load'][0])}; {fbytes(r['home']['home_load'][1])} ({r['home']['home_load_requests']} requests)",
        "< 500 KB", "; ".join(hver) or "—")
    row("… of which search (fetched at page load)",
        lambda r: f"{fbytes(r['home']['home_load_search'][0])}; {fbytes(r['home']['home_load_search'][1])}")
    pf10 = get(s10, "pagefind", "first_search")
    row("a reader's first search (search page + Pagefind files for a pledge title fragment; raw; gzip -6)",
        lambda r: f"{fbytes(r['pagefind']['first_search'][0])}; {fbytes(r['pagefind']['first_search'][1])}",
        "< 1 MB at S=10", verdict(None if pf10 is None else pf10[0] < 1 * MB))
    pq10 = get(s10, "pagefind", "first_search_per_query")
    row("… the largest over all 10 queries as the first search",
        lambda r: fbytes(max(r['pagefind']['first_search_per_query'])),
        "< 1 MB at S=10", verdict(None if not pq10 else max(pq10) < 1 * MB))
    fs10 = get(s10, "material", "first_search")
    row("… the same with Material's built-in search, which this replaced (see below)",
        lambda r: f"{fbytes(r['material']['first_search'][0])}; {fbytes(r['material']['first_search'][1])}",
        "< 1 MB at S=10", verdict(None if fs10 is None else fs10[0] < 1 * MB))
    loads = f"1-min load average before the timed runs {min(LOADS):.1f}–{max(LOADS):.1f}" if LOADS else ""
    if SPEED:
        loads += (f"; CPU speed probe (a fixed Python loop, CPU time) {min(SPEED):.2f}–{max(SPEED):.2f} s, "
                  f"median {med(SPEED):.2f} s: the same work took up to {max(SPEED) / min(SPEED):.1f}× as long "
                  "from one run to the next")
    lines = ["## Benchmarks (issue #6)", "",
             f"{meta['when']}; {meta['machine']}; {loads}; as of {TODAY}; `bench/run.py {meta['argv']}`. "
             "KB/MB/GB are decimal (1 KB = 1000 B). Times are wall-clock medians of fresh processes "
             "(runs per cell in parentheses); peak RSS from `wait4`. Sizes are uncompressed bytes as served "
             "by a plain static server (budgets judged on these); gzip -6 of the same files for reference.", ""]
    def same_digest(code: str) -> str:  # an older run flagged a new HEAD with the same files as a change
        if " → changed during the run to " in code:
            a, b = code.split(" → changed during the run to ")
            if a.split("digest ")[-1] == b.split("digest ")[-1]:
                return a
        return code

    codes = sorted({same_digest(results[s].get("code", "?")) for s in scales})
    lines += [f"Code: {'; '.join(codes)}.", ""]
    lines += rows
    lines += [""] + search_report(results, scales)
    return "\n".join(lines) + "\n"


def search_report(results: dict, scales: list[float]) -> list[str]:
    have = [s for s in scales if results.get(s, {}).get("material") and results.get(s, {}).get("pagefind")]
    if not have:
        have_m = [s for s in scales if results.get(s, {}).get("material")]
        if not have_m:
            return []
    have = [s for s in scales if results.get(s, {}).get("material")]
    out = ["### Search: Material's built-in search vs Pagefind (the site's search page)", ""]
    notes = sorted({results[s]["material"].get("measured", "") for s in have} - {""})
    if notes:
        out += ["Material: " + " ".join(notes), ""]
    hdr = "| | " + " | ".join(f"Material S={s:g} | Pagefind S={s:g}" for s in have) + " |"
    out += [hdr, "|---|" + "---:|---:|" * len(have)]

    def r2(label, fm, fp):
        cells = []
        for s in have:
            r = results[s]
            for f, key in ((fm, "material"), (fp, "pagefind")):
                try:
                    cells.append(f(r) if r.get(key) else "—")
                except (KeyError, TypeError):
                    cells.append("—")
        out.append(f"| {label} | " + " | ".join(cells) + " |")

    r2("index on disk", lambda r: f"{fbytes(r['material']['index_bytes'])} (1 file)",
       lambda r: f"{fbytes(r['pagefind']['index_bytes'])} ({r['pagefind']['index_files']:,} files)")
    r2("fetched on every first page view", lambda r: fbytes(r["material"]["home_load_search"][0]),
       lambda r: fbytes(r["home"]["home_load_search"][0]))
    r2("first search download, title fragment (raw; gzip -6)",
       lambda r: f"{fbytes(r['material']['first_search'][0])}; {fbytes(r['material']['first_search'][1])}",
       lambda r: f"{fbytes(r['pagefind']['first_search'][0])}; {fbytes(r['pagefind']['first_search'][1])}")
    r2("… over all 10 queries as the first search (min–max)", lambda r: "same (whole index)",
       lambda r: f"{fbytes(min(r['pagefind']['first_search_per_query']))}–{fbytes(max(r['pagefind']['first_search_per_query']))}")
    r2("first results, query typed right after the load event", lambda r: fsec(r["material"]["first_results_after_load"]),
       lambda r: fsec(r["pagefind"]["first_results_after_load"]))
    r2("later queries: median time to results",
       lambda r: fsec(med([q["latency"] for q in r["material"]["quality"]])),
       lambda r: fsec(med([q["latency"] for q in r["pagefind"]["quality"]])))
    r2("expected page in top 5",
       lambda r: f"{sum(1 for q in r['material']['quality'] if q['rank'])}/{len(r['material']['quality'])}",
       lambda r: f"{sum(1 for q in r['pagefind']['quality'] if q['rank'])}/{len(r['pagefind']['quality'])}")
    out += ["", "Rank of the first expected page in the top 5 (— = not in the top 5):", ""]
    hdr = "| # | kind | query | expected | " + " | ".join(f"Material S={s:g} | Pagefind S={s:g}" for s in have) + " |"
    out += [hdr, "|---|---|---|---|" + "---:|---:|" * len(have)]
    base = results[have[-1]]["queries"]
    for i, q in enumerate(base):
        cells = []
        for s in have:
            for key in ("material", "pagefind"):
                try:
                    rk = results[s][key]["quality"][i]["rank"]
                    cells.append(str(rk) if rk else "—")
                except (KeyError, TypeError, IndexError):
                    cells.append("—")
        exp = q["note"] if len(q["expected"]) != 1 else f"`{q['expected'][0]}`"
        nexp = "; ".join(f"S={s:g}: {len(results[s]['queries'][i]['expected'])}" for s in have)
        out.append(f"| {i + 1} | {q['kind']} | {q['q']} | {exp} ({nexp} pages) | " + " | ".join(cells) + " |")
    notes = []
    for s in have:
        u = results[s]["material"].get("undefined_links")
        if u:
            notes.append(f"S={s:g}: Material listed {u} result link(s) to `undefined` in the top 5 of these queries")
    if notes:
        out += ["", "Note: " + "; ".join(notes) + " (anchor entries whose page has no entry of its own)."]
    return out


# ---------------------------------------------------------------------------------------


def code_version() -> str:
    """HEAD and a digest of the generator's files as they are on disk (uncommitted edits included)."""
    import hashlib

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    h = hashlib.sha256()
    for f in sorted((REPO / "generator").rglob("*")):
        if f.is_file() and "__pycache__" not in f.parts:
            h.update(f.relative_to(REPO).as_posix().encode() + b"\0" + f.read_bytes())
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "generator", "mkdocs.yml", "theme_overrides"],
                           cwd=REPO, capture_output=True, text=True).stdout.strip()
    return f"{head}{' + uncommitted changes' if dirty else ''} (generator/ digest {h.hexdigest()[:10]})"


def data_counts(root: Path, stages: dict | None) -> dict:
    data = root / "data"
    yaml_files = sorted(data.rglob("*.yaml"))
    entries = 0
    pledges = 0
    units = 0
    for f in yaml_files:
        if f.name == "ledger.yaml":
            entries += sum(1 for ln in f.open(encoding="utf-8") if ln.startswith("- date:"))
        elif f.name == "pledges.yaml":
            pledges += sum(1 for ln in f.open(encoding="utf-8") if ln.startswith("- id:"))
        elif f.name == "unit.yaml":
            units += 1
    return {"units": units, "pledges": pledges, "entries": entries, "yaml_files": len(yaml_files),
            "yaml_bytes": sum(f.stat().st_size for f in yaml_files)}


PARTS = ("check", "stages", "build", "plain", "browser", "material", "serve")


def bench_scale(scale: float, args, parts: set[str], old: dict | None) -> dict:
    small = scale <= 1
    n_check = args.repeat or (3 if small else 2)
    n_build = args.repeat or (3 if small else 1)
    timeout_ms = int((60 + 120 * scale) * 1000)
    t0 = time.perf_counter()
    root = prepare(scale, not args.no_generate and "build" in parts)
    res: dict = dict(old or {})
    res.update({"scale": scale, "data": data_counts(root, None)})
    res["code"] = code_version()
    log(f"S={scale:g}: {res['data']}")
    if "check" in parts:
        log(f"S={scale:g}: check ×{n_check}")
        res["check"] = bench_check(root, n_check)
        log(f"S={scale:g}: check --base on a one-entry change ×{n_check}")
        res["check_base"] = bench_check_base(root, n_check)
    if "stages" in parts:
        log(f"S={scale:g}: in-process stages ×{n_build}")
        res["stages"] = bench_stages(root, n_build)
    if "build" in parts:
        log(f"S={scale:g}: gongshi build ×{n_build}")
        res["build"] = bench_build(root, n_build)
    if not (root / "site" / "index.html").is_file():
        if parts <= {"check", "stages"}:  # data-only measurements need no site
            res["elapsed"] = time.perf_counter() - t0
            return res
        raise SystemExit(f"no built site in {root / 'site'}: include the build")
    res["sizes"] = bench_sizes(root / "site")
    q = json.loads(internal(["_queries", root]))
    res["queries"] = q["queries"]
    if "plain" in parts:
        log(f"S={scale:g}: plain mkdocs build ×{n_build}")
        res["plain"] = bench_plain(root, n_build)
        log(f"S={scale:g}: plain mkdocs build, bodies passed through ×{n_build}")
        res["raw"] = bench_plain(root, n_build, "mkdocs-raw.yml")
    if "browser" in parts:
        log(f"S={scale:g}: Chromium: home first load, search page (Pagefind)")
        res["home"] = bench_home(root / "site")
        res["pagefind"] = bench_search(root / "site", res["queries"], timeout_ms)
    if "material" in parts:
        log(f"S={scale:g}: stock Material search variant: build and Chromium")
        res["material"] = bench_material(root, res["queries"], timeout_ms)
    elif not res.get("material"):
        res["material"] = material_baseline(scale)
    if "serve" in parts:
        log(f"S={scale:g}: gongshi serve rebuild")
        res["serve"] = bench_serve(root, q["serve"], timeout=120 + 60 * scale * 3)
    res["elapsed"] = time.perf_counter() - t0
    end_code = code_version()
    if end_code.split("digest ")[-1] != res["code"].split("digest ")[-1]:
        log(f"S={scale:g}: WARNING: generator/ changed during the run ({res['code']} -> {end_code})")
        res["code"] += f" → changed during the run to {end_code}"
    log(f"S={scale:g}: done in {res['elapsed']:.0f} s")
    return res


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0].startswith("_"):
        cmd, rest = argv[0], argv[1:]
        sys.path.insert(0, str(REPO))
        if cmd == "_stages":
            cmd_stages(Path(rest[0]))
        elif cmd == "_plain":
            cmd_plain(Path(rest[0]), Path(rest[1]))
        elif cmd == "_queries":
            cmd_queries(Path(rest[0]))
        elif cmd == "_profile":
            cmd_profile(Path(rest[0]), int(rest[1]) if len(rest) > 1 else 10)
        else:
            raise SystemExit(f"unknown internal command {cmd}")
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--scales", default=None, help="comma-separated scales (default 1,10; with --quick 1)")
    ap.add_argument("--repeat", type=int, default=None,
                    help="runs per timing (default: 3 at S≤1; at larger S 2 for check, 1 for builds)")
    ap.add_argument("--quick", action="store_true", help="one run of everything, S=1 unless --scales is given")
    ap.add_argument("--no-generate", action="store_true", help="reuse bench/out/run/s<S>/data if present")
    ap.add_argument("--only", default=None, help=f"comma-separated parts to measure, of: {','.join(PARTS)}")
    ap.add_argument("--merge", action="store_true",
                    help="start from bench/out/latest.json and replace only the parts measured now (implies --no-generate)")
    ap.add_argument("--no-serve", action="store_true", help="skip the gongshi serve rebuild")
    ap.add_argument("--no-plain", action="store_true", help="skip the plain mkdocs build")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    ap.add_argument("--material", action="store_true",
                    help="also build a variant with stock Material search and measure it (else: the recorded baseline)")
    ap.add_argument("--report", action="store_true", help="only print the table again from bench/out/latest.json")
    ap.add_argument("--profile", action="store_true", help="also print the top cProfile entries of an S=1 build")
    ap.add_argument("--top", type=int, default=10, help="cProfile entries to print (with --profile)")
    args = ap.parse_args(argv)
    if args.quick and args.repeat is None:
        args.repeat = 1
    scales = [float(x) for x in (args.scales or ("1" if args.quick else "1,10")).split(",")]
    parts = set(PARTS) - {"material"} if args.only is None else {x.strip() for x in args.only.split(",") if x.strip()}
    if args.material:
        parts.add("material")
    if parts - set(PARTS):
        ap.error(f"unknown parts: {', '.join(sorted(parts - set(PARTS)))}")
    for flag, part in (("no_serve", "serve"), ("no_plain", "plain"), ("no_browser", "browser"),
                       ("no_browser", "material")):
        if getattr(args, flag):
            parts.discard(part)
    if args.merge:
        args.no_generate = True
    if args.report:
        saved = json.loads((OUT / "latest.json").read_text(encoding="utf-8"))
        old_meta = saved.pop("_meta", {"when": "?", "argv": "?", "machine": "?"})
        LOADS.extend(old_meta.get("loads", []))
        SPEED.extend(old_meta.get("speed", []))
        results: dict = {float(k): v for k, v in saved.items()}
        text = report(results, sorted(results), old_meta)
        prof = RUN / "profile.md"
        if prof.is_file():
            text += "\n" + prof.read_text(encoding="utf-8")
        print(text)
        (OUT / "latest.md").write_text(text, encoding="utf-8")
        return 0
    RUN.mkdir(parents=True, exist_ok=True)
    results = {}
    meta = {"when": time.strftime("%Y-%m-%d %H:%M"), "argv": " ".join(argv),
            "machine": f"{os.cpu_count()} CPUs, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / GB:.0f} GB RAM, "
                       f"Python {sys.version.split()[0]}"}
    if args.merge and (OUT / "latest.json").is_file():
        saved = json.loads((OUT / "latest.json").read_text(encoding="utf-8"))
        old_meta = saved.pop("_meta", {})
        results = {float(k): v for k, v in saved.items()}
        LOADS.extend(old_meta.get("loads", []))
        SPEED.extend(old_meta.get("speed", []))
        meta["argv"] = (old_meta.get("argv", "?") + f"`, then `bench/run.py {' '.join(argv)}").strip()
        meta["when"] = old_meta.get("when", "?") + f" (merged {meta['when']})"
    for s in scales:
        results[s] = bench_scale(s, args, parts, results.get(s))
        dump = {f"{k:g}": v for k, v in results.items()}
        dump["_meta"] = dict(meta, loads=LOADS, speed=SPEED)
        (OUT / "latest.json").write_text(json.dumps(dump, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    scales = sorted(results)
    text = report(results, scales, meta)
    if args.profile:
        root = RUN / "s1"
        if not (root / "data").is_dir():
            prepare(1.0, True)
        log("cProfile of an in-process S=1 build")
        prof = must(timed([VPY, Path(__file__).resolve(), "_profile", root, args.top]), "profile")[3]
        prof = prof[prof.index("\n### "):] + "\n" if "\n### " in prof else prof
        (RUN / "profile.md").write_text(prof, encoding="utf-8")
        text += "\n" + prof
    print(text)
    (OUT / "latest.md").write_text(text, encoding="utf-8")
    log(f"wrote {OUT / 'latest.md'} and {OUT / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
