"""/data/manifest.json: record fingerprints, chained from build to build."""

from __future__ import annotations

import copy
import json
from datetime import date

from helpers import LEDGER_FGW, PLEDGES_FGW, make_project, replace, write

from generator.model.serial import digest
from generator.publish.export import gongshi_json
from generator.publish.manifest import FORMAT, build_manifest, changed, record_hashes, verify_chain, verify_export
from generator.review.integrity import own
from generator.view.pipeline import check

PLEDGES = "data/units/fgw/pledges.yaml"
LEDGER = "data/units/fgw/ledger.yaml"

DUE_MID_DECEMBER = """\
- id: nianzhong
  campaign: zhudong-fuwu
  title: 年终走访
  commitment: 走访全部重点企业。
  published: 2025-11-01
  deadline: 2025-12-15
"""


def export(root, today: date) -> dict:
    # Through JSON, as a reader of the published file gets it.
    return json.loads(json.dumps(gongshi_json(check(root, today=today).derived), ensure_ascii=False))


def three_builds(tmp_path):
    root = make_project(tmp_path / "proj")
    j1 = export(root, date(2025, 12, 1))
    write(root, LEDGER, LEDGER_FGW + "- date: 2025-12-10\n  pledge: wangban\n  progress: 100\n  note: 年底复核。\n")
    j2 = export(root, date(2025, 12, 15))
    text = replace(PLEDGES_FGW, "title: 项目审批网上办", "title: 项目审批全程网上办")
    text = replace(text, "- id: zoufang", "  changes:\n    - date: 2025-12-20\n      field: title\n"
                                           "      from: 项目审批网上办\n      to: 项目审批全程网上办\n      why: 范围扩大。\n- id: zoufang")
    write(root, PLEDGES, text)
    j3 = export(root, date(2025, 12, 31))
    m1 = build_manifest(j1, None)
    m2 = build_manifest(j2, m1)
    m3 = build_manifest(j3, m2)
    return (j1, j2, j3), (m1, m2, m3)


def test_every_public_record_has_a_stable_key(tmp_path):
    root = make_project(tmp_path / "proj")
    keys = set(record_hashes(export(root, date(2025, 12, 31))))
    assert {"site", "campaign:zhudong-fuwu", "unit:fgw", "unit:swj", "pledge:fgw/wangban", "pledge:fgw/zoufang",
            "pledge:swj/jianfei", "ledger:fgw/wangban/2025-02-10/0", "ledger:fgw/wangban/2025-03-10/0",
            "ledger:fgw/zoufang/2025-03-05/0", "ledger:swj/jianfei/2025-02-20/0", "rectification:fgw/wenti-1",
            "inspection:ducha-1", "evaluation:zhudong-fuwu"} == keys


def test_a_record_hash_is_the_digest_of_its_own_fields(tmp_path):
    root = make_project(tmp_path / "proj")
    res = check(root, today=date(2025, 12, 31))
    hashes = record_hashes(export(root, date(2025, 12, 31)))
    folder = res.dataset.units["fgw"]
    assert hashes["pledge:fgw/wangban"] == digest(own(folder.pledges[0]))
    assert hashes["ledger:fgw/wangban/2025-02-10/0"] == digest(own(folder.ledger[0]))
    assert hashes["unit:fgw"] == digest(own(folder.unit))


def test_chain_of_three_builds_verifies(tmp_path):
    (j1, j2, j3), (m1, m2, m3) = three_builds(tmp_path)
    assert m1["format"] == FORMAT and m1["previous"] is None
    assert m2["previous"] == m1["hash"] and m3["previous"] == m2["hash"]
    assert m3["previous_as_of"] == "2025-12-15"
    assert m2["count"] == len(m2["records"])
    assert verify_chain([m1, m2, m3]) == []
    assert verify_export(m3, j3) == []
    assert changed(m1, m2) == {"added": ["ledger:fgw/wangban/2025-12-10/0"], "changed": [], "removed": []}
    assert changed(m2, m3) == {"added": [], "changed": ["pledge:fgw/wangban"], "removed": []}
    assert changed(None, m1)["added"] == sorted(m1["records"])


def test_a_tampered_record_is_detected(tmp_path):
    (j1, j2, j3), (m1, m2, m3) = three_builds(tmp_path)
    # The published data rewritten after the fact: its manifest no longer matches it.
    forged = copy.deepcopy(j2)
    next(p for p in forged["pledges"] if p["id"] == "wangban")["commitment"] = "部分审批事项网上可办。"
    assert verify_export(m2, forged) == ["记录 pledge:fgw/wangban 的内容与清单中的 SHA-256 不符：记录被改动过"]
    # ... and a ledger entry quietly dropped.
    dropped = copy.deepcopy(j2)
    dropped["ledger"] = [r for r in dropped["ledger"] if r["date"] != "2025-03-05"]
    assert verify_export(m2, dropped) == ["记录 ledger:fgw/zoufang/2025-03-05/0 在清单中，但不在 gongshi.json 中"]

    # The manifest itself edited to match: its own hash gives it away.
    m2_forged = copy.deepcopy(m2)
    m2_forged["records"]["pledge:fgw/wangban"] = record_hashes(forged)["pledge:fgw/wangban"]
    assert verify_chain([m1, m2_forged, m3]) == ["第 2 个清单（2025-12-15）的内容与它的 hash 不符：清单在发布后被改动过"]

    # Re-hashed as well: then the next manifest's link breaks.
    m2_rehashed = build_manifest(forged, m1)
    problems = verify_chain([m1, m2_rehashed, m3])
    assert problems == ["第 3 个清单（2025-12-31）的 previous 不是前一个清单的 hash：链条在这里断开"]


def test_a_state_flip_at_midnight_is_not_a_change(tmp_path):
    root = make_project(tmp_path / "proj")
    write(root, PLEDGES, PLEDGES_FGW + DUE_MID_DECEMBER)
    before = export(root, date(2025, 12, 15))
    after = export(root, date(2025, 12, 16))
    state = lambda j: next(p["state"] for p in j["pledges"] if p["id"] == "nianzhong")  # noqa: E731
    assert (state(before), state(after)) == ("未开始", "逾期")
    m1 = build_manifest(before, None)
    m2 = build_manifest(after, m1)
    assert changed(m1, m2) == {"added": [], "changed": [], "removed": []}
    assert m1["hash"] != m2["hash"]  # the manifests differ (dates, chain) while the records do not


def test_the_manifest_hash_covers_everything_but_itself(tmp_path):
    (_, _, _), (m1, _, _) = three_builds(tmp_path)
    assert m1["hash"] == digest({k: v for k, v in m1.items() if k != "hash"})
    for key in ("as_of", "previous", "count"):
        bad = dict(m1, **{key: "x"})
        assert verify_chain([bad]), key
