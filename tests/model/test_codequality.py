"""``gongshi check --format gitlab``: GitLab's Code Quality report, so problems show in the merge request."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from helpers import LEDGER_FGW, cli, replace, write

SCHEMA = json.loads((Path(__file__).parent / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))


def test_problems_become_code_quality_issues_that_validate(project):
    write(project, "data/units/fgw/ledger.yaml", replace(LEDGER_FGW, "progress: 30", "progress: 130"))
    write(project, "data/units/swj/unit.yaml", "id: swj\nname: 商务局\ncategory: 局机关\n")
    rc, out, err = cli(project, "check", "--format", "gitlab")
    assert rc == 1
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert {r["location"]["path"] for r in report} == {"data/units/fgw/ledger.yaml", "data/units/swj/unit.yaml"}
    cat = next(r for r in report if r["location"]["path"] == "data/units/swj/unit.yaml")
    assert cat["location"]["lines"]["begin"] == 3 and cat["severity"] == "major" and "局机关" in cat["description"]
    assert len({r["fingerprint"] for r in report}) == len(report)


def test_a_clean_check_is_an_empty_report_and_fingerprints_survive_moved_lines(project):
    rc, out, _ = cli(project, "check", "--format", "gitlab")
    assert rc == 0 and json.loads(out) == []
    write(project, "data/units/swj/unit.yaml", "id: swj\nname: 商务局\ncategory: 局机关\n")
    first = json.loads(cli(project, "check", "--format", "gitlab")[1])
    write(project, "data/units/swj/unit.yaml", "# 注释\n\nid: swj\nname: 商务局\ncategory: 局机关\n")
    moved = json.loads(cli(project, "check", "--format", "gitlab")[1])
    assert [r["fingerprint"] for r in first] == [r["fingerprint"] for r in moved]
    assert [r["location"]["lines"]["begin"] for r in moved] == [5]


def test_the_schema_rejects_what_gitlab_would_not_show():
    bad = [{"description": "x", "check_name": "c", "fingerprint": "f", "severity": "error", "location": {"path": "a"}}]
    try:
        jsonschema.validate(bad, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a report with severity 'error' and no lines validated")
