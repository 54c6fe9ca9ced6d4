"""The web editor's configuration (/admin/<unit>/config.yml) comes from the schema declarations.

What a clerk meets in the form is checked here without a browser (tests/site/test_admin_browser.py drives
the real editor): Chinese labels and hints, selects for choices and for the unit's own records,
required fields, patterns, dates as YYYY-MM-DD, and paths that never leave the unit's folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SITE, make_project

from generator.model import records as R
from generator.model import schema as S
from generator.publish.admin import admin_files, spec_json, unit_config
from generator.view.pipeline import check

FORGEJO = SITE + """editing:
  backend: forgejo
  repo: county/gongshi-data
  api_root: https://git.example.gov.cn/api/v1
  app_id: 5d1f0c2e-abcd
"""
GITLAB = SITE + """editing:
  backend: gitlab
  repo: county/gongshi-data
  api_root: https://gitlab.example.gov.cn/api/v4
  base_url: https://gitlab.example.gov.cn
  app_id: abc123
"""


def _view(tmp_path: Path, site: str = FORGEJO):
    root = make_project(tmp_path / "p", {"data/site.yaml": site})
    res = check(root)
    assert not res.errors, [p.text() for p in res.errors]
    return res.derived


def _fields(cfg: dict, collection: str) -> dict[str, dict]:
    coll = next(c for c in cfg["collections"] if c["name"] == collection)
    return {f["name"]: f for f in coll["files"][0]["fields"]}


def _items(cfg: dict, collection: str) -> dict[str, dict]:
    return {f["name"]: f for f in _fields(cfg, collection)["items"]["fields"]}


def test_every_path_stays_in_the_units_folder(tmp_path):
    view = _view(tmp_path)
    cfg = unit_config(view, "fgw")
    assert cfg["locale"] == "zh_Hans"
    for coll in cfg["collections"]:
        assert coll["media_folder"] == "/data/units/fgw/evidence" and coll["public_folder"] == "evidence"
        for f in coll["files"]:
            assert f["file"].startswith("data/units/fgw/"), f["file"]
    assert cfg["media_folder"] == "data/units/fgw/evidence"
    formats = {c["name"]: c["format"] for c in cfg["collections"]}
    assert formats == {"pledges": "gongshi-pledges", "ledger": "gongshi-ledger",
                       "rectifications": "gongshi-rectifications", "unit": "gongshi-unit", "reports": "frontmatter"}


def test_fields_follow_the_declarations(tmp_path):
    view = _view(tmp_path)
    cfg = unit_config(view, "fgw")
    ledger = _items(cfg, "ledger")
    assert list(ledger) == list(S.LEDGER.fields)
    assert ledger["progress"] == {**ledger["progress"], "widget": "number", "value_type": "int", "min": 0, "max": 100,
                                  "required": True, "label": "本条记录后的完成百分比"}
    assert ledger["date"]["format"] == "YYYY-MM-DD" and ledger["date"]["time_format"] is False
    assert ledger["date"]["hint"] == S.LEDGER.fields["date"].doc
    assert ledger["correction"]["required"] is False
    # The pledge a ledger entry belongs to is chosen from the unit's own pledges.
    own = {p.id for p in view.dataset.units["fgw"].pledges}
    assert {o["value"] for o in ledger["pledge"]["options"]} == own
    assert ledger["evidence"]["field"]["widget"] == "file"
    rect = _items(cfg, "rectifications")
    assert rect["source"]["widget"] == "select" and rect["source"]["options"] == list(R.RECT_SOURCES)
    assert rect["id"]["pattern"] == [S.ID_RE.pattern, S.ID.pattern_hint]
    assert rect["measures"]["min"] == 1
    # Existing records' public history is not in the item form: it has forms of its own.
    assert "closure" not in rect and "changes" not in _items(cfg, "pledges")
    actions = _fields(cfg, "pledges")
    assert {"deadline_changes", "withdrawals"} <= set(actions)
    closures = {f["name"]: f for f in _fields(cfg, "rectifications")["closures"]["fields"]}
    assert closures["evidence"]["field"]["widget"] == "file"


def test_a_forgejo_submission_is_a_pull_request(tmp_path):
    cfg = unit_config(_view(tmp_path), "fgw")
    assert cfg["publish_mode"] == "editorial_workflow"
    assert cfg["backend"]["name"] == "forgejo"
    assert cfg["backend"]["api_root"] == "https://git.example.gov.cn/api/v1"
    assert cfg["backend"]["app_id"] == "5d1f0c2e-abcd"
    assert cfg["backend"]["branch"] == "main"


def test_gitlab_logs_in_with_pkce(tmp_path):
    cfg = unit_config(_view(tmp_path, GITLAB), "fgw")
    assert cfg["backend"]["auth_type"] == "pkce" and cfg["backend"]["base_url"] == "https://gitlab.example.gov.cn"
    assert cfg["publish_mode"] == "editorial_workflow"


def test_the_editor_signs_in_at_the_countys_own_forge(tmp_path):
    # Decap's defaults are public hosts (try.gitea.io, gitlab.com): base_url comes from api_root.
    cfg = unit_config(_view(tmp_path / "f"), "fgw")
    assert cfg["backend"]["base_url"] == "https://git.example.gov.cn"
    gitlab = GITLAB.replace("  base_url: https://gitlab.example.gov.cn\n", "")
    cfg = unit_config(_view(tmp_path / "g", gitlab), "fgw")
    assert cfg["backend"]["base_url"] == "https://gitlab.example.gov.cn"


@pytest.mark.parametrize("site, what", [
    (FORGEJO.replace("  api_root: https://git.example.gov.cn/api/v1\n", ""), "请填写 api_root"),
    (GITLAB.replace("  api_root: https://gitlab.example.gov.cn/api/v4\n", ""), "请填写 api_root"),
    (SITE + "editing:\n  backend: github\n  repo: county/data\n", "请填写 base_url"),
])
def test_an_editor_that_would_reach_a_public_host_is_refused(tmp_path, site, what):
    root = make_project(tmp_path / "p", {"data/site.yaml": site})
    errors = [p.text() for p in check(root).errors]
    assert any("data/site.yaml" in e and "editing.backend" in e and what in e for e in errors), errors


def test_plain_gitea_is_refused_with_the_reason(tmp_path):
    root = make_project(tmp_path / "p", {"data/site.yaml": FORGEJO.replace("backend: forgejo", "backend: gitea")})
    errors = [p.text() for p in check(root).errors]
    assert any("editing.backend" in e and "不是可选值" in e and "forgejo" in e for e in errors), errors


def test_without_editing_admin_says_how_to_edit_instead(tmp_path):
    view = _view(tmp_path, SITE)
    files = dict(admin_files(view))
    assert list(files) == ["admin/index.html"]
    assert "还没有开通网页编辑器" in files["admin/index.html"]


def test_with_editing_there_is_one_editor_per_unit(tmp_path):
    view = _view(tmp_path)
    files = dict(admin_files(view))  # Decap from this checkout's tools/decap (./dev installs it)
    for uid in view.dataset.units:
        assert f"admin/{uid}/index.html" in files
        json.loads(files[f"admin/{uid}/config.yml"])  # JSON, which YAML reads as is
        assert "../decap-cms.js" in files[f"admin/{uid}/index.html"]
    assert "admin/decap-cms.js" in files and "admin/yaml/index.js" in files
    assert not [u for u in files if u.endswith(".map")]


def test_the_writer_knows_every_key_in_schema_order():
    spec = spec_json()
    assert spec["kinds"]["pledges"]["spec"]["order"] == list(S.PLEDGE.fields)
    assert spec["kinds"]["ledger"]["spec"]["types"]["date"] == "date"
    assert spec["kinds"]["ledger"]["spec"]["types"]["progress"] == "int"
    assert spec["kinds"]["rectifications"]["spec"]["sub"]["closure"]["order"] == list(S.CLOSURE.fields)


def test_the_projects_own_decap_comes_first_then_the_variable_then_the_checkout(tmp_path, monkeypatch):
    from generator.publish.admin import CHECKOUT_DECAP, decap_dirs, find_decap

    view = _view(tmp_path)
    root = tmp_path / "p"
    monkeypatch.delenv("GONGSHI_DECAP_DIR", raising=False)
    assert find_decap(root) == CHECKOUT_DECAP  # nothing in the project: this checkout's (./dev installs it)
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "node_modules").symlink_to(CHECKOUT_DECAP / "node_modules")
    monkeypatch.setenv("GONGSHI_DECAP_DIR", str(shared))
    assert find_decap(root) == shared.resolve()
    (root / "tools/decap").mkdir(parents=True)
    (root / "tools/decap/node_modules").symlink_to(CHECKOUT_DECAP / "node_modules")
    assert decap_dirs(root) == [(root / "tools/decap").resolve(), shared.resolve(), CHECKOUT_DECAP]
    files = dict(admin_files(view, root=root))
    assert files["admin/decap-cms.js"] == (root / "tools/decap").resolve() / "node_modules/decap-cms/dist/decap-cms.js"
