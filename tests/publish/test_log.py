"""The public log (/data/manifests/): compact steps that rebuild every manifest and every published record."""

from __future__ import annotations

import json

import pytest
from test_manifest import three_builds

from generator.model.serial import digest
from generator.publish.log import Log, LogError, build_log, parse_index, replay
from generator.publish.manifest import build_manifest, export_records


def publish(exports, log=None, previous_manifest=None):
    """Each export published in turn, each build carrying the log before it forward."""
    log = log or Log()
    manifests = []
    for data in exports:
        manifest, files = build_log(data, log, previous_manifest)
        index = dict(files)["data/manifests/index.json"]
        entries = parse_index(index, "index.json")
        log = Log(entries, [dict(files)[f"data/manifests/{e.file}"] for e in entries])
        manifests.append(manifest)
    return log, manifests


def test_replaying_the_steps_rebuilds_every_manifest_and_record(tmp_path):
    exports, expected = three_builds(tmp_path)
    log, manifests = publish(exports)
    assert [m["hash"] for m in manifests] == [m["hash"] for m in expected]  # the same manifests as without a log
    steps = list(replay(log))
    assert [s.problems for s in steps] == [[], [], []]
    for step, manifest, data in zip(steps, manifests, exports, strict=True):
        assert step.manifest == manifest
        assert step.content == {k: own for k, (own, _unknown) in export_records(data).items()}
    # Only what changed is carried by the later steps.
    second = json.loads(log.steps[1])
    assert set(second["added"]) == {"ledger:fgw/wangban/2025-12-10/0"} and not second["changed"]
    third = json.loads(log.steps[2])
    assert set(third["changed"]) == {"pledge:fgw/wangban"}
    assert third["content"]["pledge:fgw/wangban"]["title"] == "项目审批全程网上办"


def test_a_second_build_on_the_same_day_gets_its_own_step(tmp_path):
    exports, _ = three_builds(tmp_path)
    log, _ = publish([exports[0], exports[0]])
    assert [e.file for e in log.entries] == [f"{exports[0]['as_of']}.json", f"{exports[0]['as_of']}-2.json"]
    assert log.entries[1].added == log.entries[1].changed == log.entries[1].removed == 0
    assert log.entries[1].previous == log.entries[0].hash


def test_a_site_published_before_the_log_chains_its_first_step_to_the_live_manifest(tmp_path):
    exports, _ = three_builds(tmp_path)
    old = build_manifest(exports[0], None)
    log, manifests = publish(exports[1:], previous_manifest=old)
    assert manifests[0]["previous"] == old["hash"]
    assert log.entries[0].added == log.entries[0].count  # the first step holds every record
    assert all(not s.problems for s in replay(log))


def test_tampering_with_a_published_step_is_found(tmp_path):
    exports, _ = three_builds(tmp_path)
    log, _ = publish(exports)
    step = json.loads(log.steps[1])
    key = next(iter(step["content"]))
    step["content"][key]["note"] = "改过的内容"
    tampered = Log(log.entries, [log.steps[0], json.dumps(step, ensure_ascii=False).encode(), log.steps[2]])
    problems = [p for s in replay(tampered) for p in s.problems]
    assert any("SHA-256 不符" in p[0] and p[1] is None for p in problems)  # the file against the index
    assert any(p[1] == key and p[2] == step["added"][key] and p[3] == digest(step["content"][key]) for p in problems)


def test_a_build_refuses_a_broken_log_and_an_earlier_date(tmp_path):
    exports, _ = three_builds(tmp_path)
    log, _ = publish(exports[:2])
    broken = Log(log.entries, [log.steps[0], log.steps[1].replace(b"2025-12-10", b"2025-12-09")])
    with pytest.raises(LogError, match="清单日志有问题"):
        build_log(exports[2], broken)
    with pytest.raises(LogError, match="早于线上清单日志的最新一期"):
        build_log(exports[0], log)
