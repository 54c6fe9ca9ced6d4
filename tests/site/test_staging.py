"""A build killed midway (power cut, CI timeout): what it leaves beside site/ is swept by the next build."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import sitekit as K

from generator.site import staging


def _leftovers(root):
    return sorted(p.name for p in root.iterdir() if p.name.startswith((staging.BUILDING, staging.OLD)))


def _kill_midway(root):
    """Start a real build and kill -9 it once it has written part of its staging folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    proc = subprocess.Popen(K.GONGSHI + ["--root", str(root), "build", "--as-of", K.SAMPLE_AS_OF.isoformat()],
                            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            written = [p for d in root.glob(staging.BUILDING + "*") for p in d.rglob("*.html")]
            if written:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the build ended before it could be killed midway"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    return proc.pid


def test_killed_build_leaves_site_and_the_next_build_sweeps(sample_project, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(sample_project, root)
    assert K.gongshi_build(root, K.SAMPLE_AS_OF).returncode == 0
    before = K.tree_digest(root / "site")

    _kill_midway(root)
    left = _leftovers(root)
    assert left, "the killed build should have left its staging folder (else this test proves nothing)"
    assert K.tree_digest(root / "site") == before, "a killed build changed site/"

    # Another build in progress at the same time: a live process holding its own staging folder.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from generator.site import staging;"
                               " s = staging.Staging(Path(sys.argv[1])); print(s.path.name, flush=True); time.sleep(600)",
         str(root)], stdout=subprocess.PIPE, text=True)
    try:
        busy = holder.stdout.readline().strip()
        assert busy.startswith(staging.BUILDING)
        res = K.gongshi_build(root, K.SAMPLE_AS_OF)
        assert res.returncode == 0, res.stderr
        assert _leftovers(root) == [busy], "the next build should sweep the dead build's folder and keep the live one's"
    finally:
        holder.kill()
        holder.wait()
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 0, res.stderr
    assert _leftovers(root) == [], "once its build is gone, its folder is swept too"
    assert (root / "site" / K.SAMPLE_PLEDGE_URL / "index.html").is_file()


def test_gitignore_covers_staging_folders(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shutil.copy(K.REPO / ".gitignore", repo / ".gitignore")
    for name in (".site-building-123-abc", ".site-old-123"):
        (repo / name).mkdir()
        (repo / name / "index.html").write_text("x", encoding="utf-8")
    out = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=all"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "?? .gitignore", out


def test_a_site_moved_aside_by_a_killed_build_is_put_back(tmp_path):
    """Killed between moving the old site aside and moving the new one in: no site/ at all."""
    old = tmp_path / ".site-old-999999999"
    old.mkdir()
    (old / "index.html").write_text("published", encoding="utf-8")
    staging.sweep(tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "published"
    assert _leftovers(tmp_path) == []


def test_a_broken_county_template_is_one_chinese_line(sample_project, tmp_path):
    """A county's edited template with a syntax error: the build names the file and line and keeps
    the published site/, with no Python traceback."""
    root = tmp_path / "proj"
    shutil.copytree(sample_project, root)
    assert K.gongshi_build(root, K.SAMPLE_AS_OF).returncode == 0
    before = (root / "site" / "index.html").read_bytes()
    override = root / "theme_overrides" / "gongshi" / "pledge.html"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('{% extends "gongshi:pledge.html" %}\n{% block gs_pledge_extra %}{% if %}{% endblock %}\n',
                        encoding="utf-8")
    res = K.gongshi_build(root, K.SAMPLE_AS_OF)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "页面模板有语法错误" in res.stderr and "pledge.html 第 2 行" in res.stderr, res.stderr
    assert (root / "site" / "index.html").read_bytes() == before
