"""``gongshi audit``: a real sequence of ``gongshi build`` runs, each publishing the log it carries
forward, served over HTTP on 127.0.0.1, audited the way a monitor outside the county would.

Honest publishes: 2025-11-01, 2025-11-20, 2025-12-01 (each adds something).  Then four rewrites of
history, each published on 2025-12-10 after the honest three: an old ledger entry edited, a pledge
removed, a withdrawal dated back into October, and a log rebuilt from scratch (consistent in itself,
caught only against a kept copy); and a log with one step dropped.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import sys
import threading
from pathlib import Path

import pytest
from helpers import LEDGER_FGW, PLEDGES_SWJ, replace, write
from helpers import make_project as make_data

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))

import sitekit as K  # noqa: E402

from generator.publish.log import read_log, replay  # noqa: E402

LEDGER = "data/units/fgw/ledger.yaml"
PLEDGES_SWJ_PATH = "data/units/swj/pledges.yaml"

# Overdue from 2025-11-01 on: a later withdrawal dated before that would hide it.
NIANZHONG = """\
- id: nianzhong
  campaign: zhudong-fuwu
  title: 年终走访重点企业
  commitment: 走访全部重点企业。
  published: 2025-10-15
  deadline: 2025-10-31
"""

DAYS = ["2025-11-01", "2025-11-20", "2025-12-01"]
REWRITE_DAY = "2025-12-10"


def _project(root: Path) -> Path:
    K.make_project(root)
    make_data(root)
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    # Search off: Pagefind is not what is tested here, and each build is a few seconds shorter.
    (root / "mkdocs.yml").write_text(text.replace("  - gongshi:\n", "  - gongshi:\n      search: false\n", 1),
                                     encoding="utf-8")
    write(root, PLEDGES_SWJ_PATH, PLEDGES_SWJ + NIANZHONG)
    return root


def _publish(root: Path, day: str, www: Path, live: Path | None) -> None:
    """Build as of ``day`` carrying forward the log of the live site ``live``, then put the site in ``www``."""
    env = {}
    if live is not None:
        env["GONGSHI_PREVIOUS_LOG"] = str(live / "data" / "manifests")
        env["GONGSHI_PREVIOUS_MANIFEST"] = str(live / "data" / "manifest.json")
    res = K.run(K.GONGSHI + ["--root", str(root), "build", "--as-of", day], cwd=root, env=env)
    assert res.returncode == 0, f"build {day} failed:\n{res.stdout}\n{res.stderr}"
    if www.exists():
        shutil.rmtree(www)
    shutil.copytree(root / "site", www)


def _honest_steps(root: Path, i: int) -> None:
    if i == 1:
        write(root, LEDGER, LEDGER_FGW + "- date: 2025-11-18\n  pledge: wangban\n  progress: 100\n  note: 年终复核。\n")
    if i == 2:
        write(root, "data/units/swj/ledger.yaml",
              "- date: 2025-02-20\n  pledge: jianfei\n  progress: 100\n  note: 完成宣讲。\n"
              "- date: 2025-11-28\n  pledge: nianzhong\n  progress: 40\n  note: 走访了 12 家企业。\n")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """www/<name>/: the honest site after three publishes, and each rewritten site; plus the kept copy
    a monitor made after the honest publishes."""
    base = tmp_path_factory.mktemp("audit")
    www = base / "www"
    www.mkdir()
    root = _project(base / "proj")
    live = None
    for i, day in enumerate(DAYS):
        _honest_steps(root, i)
        _publish(root, day, www / "honest", live)
        live = www / "honest"
    snapshot = base / "proj-honest"
    shutil.copytree(root, snapshot, ignore=shutil.ignore_patterns("site"))

    def rewrite(name: str, change) -> None:
        proj = base / f"proj-{name}"
        shutil.copytree(snapshot, proj)
        change(proj)
        _publish(proj, REWRITE_DAY, www / name, www / "honest")

    rewrite("edited", lambda p: write(p, LEDGER, replace((p / LEDGER).read_text(encoding="utf-8"),
                                                         "note: 梳理了事项清单。", "note: 梳理了全部事项清单并公开。")))
    def remove(p: Path) -> None:  # the pledge and its ledger entry
        write(p, PLEDGES_SWJ_PATH, NIANZHONG)
        write(p, "data/units/swj/ledger.yaml", "- date: 2025-11-28\n  pledge: nianzhong\n  progress: 40\n"
                                                "  note: 走访了 12 家企业。\n")

    rewrite("removed", remove)
    rewrite("backdated", lambda p: write(p, PLEDGES_SWJ_PATH, PLEDGES_SWJ + NIANZHONG
                                         + "  withdrawn:\n    date: 2025-10-20\n    why: 与年度走访计划合并。\n"))
    # The whole history rebuilt from scratch with the edited entry: a log that holds together.
    proj = base / "proj-rebuilt"
    shutil.copytree(snapshot, proj)
    write(proj, LEDGER, replace((proj / LEDGER).read_text(encoding="utf-8"), "progress: 30", "progress: 50"))
    _publish(proj, DAYS[-1], www / "rebuilt", None)
    # A step dropped from the log: its file and its index line gone, the rest published as it was.
    shutil.copytree(www / "honest", www / "dropped")
    folder = www / "dropped" / "data" / "manifests"
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    gone = index["entries"].pop(1)
    (folder / gone["file"]).unlink()
    (folder / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")

    handler = functools.partial(_Quiet, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_address[1]}/", "www": www, "base": base}
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def audit(*args: str) -> tuple[int, list[str], str]:
    res = K.run(K.GONGSHI + ["audit", *args], timeout=300)
    assert "Traceback" not in res.stderr, res.stderr
    return res.returncode, [line for line in res.stdout.splitlines() if line.strip()], res.stderr


def test_the_log_holds_every_publish_and_chains_them(published):
    log = read_log(published["www"] / "honest" / "data" / "manifests")
    assert [e.as_of for e in log.entries] == DAYS
    assert [e.file for e in log.entries] == [f"{d}.json" for d in DAYS]
    steps = list(replay(log))
    assert all(not s.problems for s in steps)
    assert steps[1].manifest["previous"] == steps[0].manifest["hash"]
    assert steps[2].manifest["previous"] == steps[1].manifest["hash"]
    # Later steps carry only what changed: the ledger entry of 2025-11-18, then the one of 2025-11-28.
    assert log.entries[0].added == log.entries[0].count
    assert set(json.loads(log.steps[1])["added"]) == {"ledger:fgw/wangban/2025-11-18/0"}
    assert set(json.loads(log.steps[2])["added"]) == {"ledger:swj/nianzhong/2025-11-28/0"}
    live = json.loads((published["www"] / "honest" / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert live["hash"] == log.entries[-1].hash


def test_three_honest_publishes_audit_clean_over_http(published, tmp_path):
    code, lines, err = audit(published["url"] + "honest/", "--keep", str(tmp_path / "kept"))
    assert code == 0, lines
    assert lines == []
    assert "3 期" in err and "全部一致" in err
    assert (tmp_path / "kept" / "data" / "manifests" / "index.json").is_file()
    # The kept copy is itself a site folder that audits clean.
    code, lines, _ = audit(str(tmp_path / "kept"))
    assert code == 0, lines


def _one(lines: list[str], *needles: str) -> str:
    hits = [line for line in lines if all(n in line for n in needles)]
    assert hits, f"no line with {needles} in:\n" + "\n".join(lines)
    return hits[0]


def test_an_edited_old_ledger_entry_is_reported(published):
    code, lines, _ = audit(published["url"] + "edited/")
    assert code == 1
    line = _one(lines, "ledger:fgw/wangban/2025-02-10/0", "被修改了")
    assert f"[{DAYS[-1]} → {REWRITE_DAY}]" in line
    hashes = line.rsplit("SHA-256 ", 1)[1]
    before, after = hashes.rstrip("）").split(" → ")
    assert len(before) == 64 and len(after) == 64 and before != after


def test_a_removed_pledge_is_reported(published):
    code, lines, _ = audit(published["url"] + "removed/")
    assert code == 1
    line = _one(lines, "pledge:swj/jianfei", "被删除了")
    assert f"[{DAYS[-1]} → {REWRITE_DAY}]" in line and line.endswith("→ 无）")


def test_a_backdated_withdrawal_is_reported(published):
    code, lines, _ = audit(published["url"] + "backdated/")
    assert code == 1
    # 2025-11-20 is the last publish before the reference day (2025-12-01 minus 7 days): it showed 逾期.
    line = _one(lines, "pledge:swj/nianzhong", "逾期", "已撤回")
    assert f"[{DAYS[1]} → {REWRITE_DAY}]" in line


def test_a_dropped_step_breaks_the_chain(published):
    code, lines, _ = audit(published["url"] + "dropped/")
    assert code == 1
    _one(lines, "previous", "链条在这里断开", DAYS[2])


def test_a_rebuilt_log_is_consistent_alone_but_not_with_the_kept_copy(published, tmp_path):
    kept = tmp_path / "kept"
    assert audit(published["url"] + "honest/", "--keep", str(kept))[0] == 0
    code, lines, _ = audit(published["url"] + "rebuilt/")
    assert code == 0, lines  # internally consistent: only a kept copy can tell
    before = (kept / "data" / "manifests" / "index.json").read_bytes()
    code, lines, err = audit(published["url"] + "rebuilt/", "--keep", str(kept))
    assert code == 1
    _one(lines, "保存的副本中第 1 期", "已没有")
    _one(lines, "保存的副本中第 2 期", "已没有")
    _one(lines, "保存的副本中第 3 期", "替换")
    line = _one(lines, "ledger:fgw/wangban/2025-02-10/0", "改写")
    assert f"[{DAYS[-1]} → {DAYS[-1]}]" in line
    assert len([x for x in lines if x.startswith("[") and "ledger:" in x]) == 1, lines
    # The kept copy is evidence: not overwritten; the new fetch is set aside.
    assert (kept / "data" / "manifests" / "index.json").read_bytes() == before
    assert any(p.name.startswith("mismatch-") for p in kept.iterdir())


def test_since_limits_the_recomputation_not_the_chain(published):
    code, lines, err = audit(published["url"] + "edited/", "--since", REWRITE_DAY)
    assert code == 1
    _one(lines, "ledger:fgw/wangban/2025-02-10/0")
    code, lines, err = audit(published["url"] + "dropped/", "--chain-only")
    assert code == 1 and "只核对了哈希链" in err


# ------------------------------------------------------------------------------------------
# Bad input: a clear message, exit 2, no traceback


def test_unreachable_url(published):
    # A port that was just free: nothing listens there.
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    code, lines, err = audit(f"http://127.0.0.1:{port}/")
    assert code == 2 and "无法连接" in err


def test_not_a_gongshi_site(published):
    code, _, err = audit(published["url"] + "nothing-here/")
    assert code == 2 and "没有公开的清单日志" in err
    code, _, err = audit("ftp://example.org/")
    assert code == 2 and "无法识别的地址" in err
    code, _, err = audit(str(published["base"] / "no-such-folder"))
    assert code == 2 and "找不到文件夹" in err


def _broken_copy(published, name: str) -> Path:
    site = published["www"] / name
    if not site.exists():
        shutil.copytree(published["www"] / "honest", site)
    return site / "data" / "manifests"


def test_truncated_or_non_json_log(published):
    folder = _broken_copy(published, "truncated")
    raw = (folder / "index.json").read_bytes()
    (folder / "index.json").write_bytes(raw[: len(raw) // 2])
    code, _, err = audit(published["url"] + "truncated/")
    assert code == 2 and "不是完整的 JSON" in err and "截断" in err
    folder = _broken_copy(published, "html")
    (folder / "index.json").write_text("<html><body>404</body></html>", encoding="utf-8")
    code, _, err = audit(published["url"] + "html/")
    assert code == 2 and "不是完整的 JSON" in err
    folder = _broken_copy(published, "truncated-step")
    raw = (folder / f"{DAYS[1]}.json").read_bytes()
    (folder / f"{DAYS[1]}.json").write_bytes(raw[:100])
    code, _, err = audit(published["url"] + "truncated-step/")
    assert code == 2 and "截断" in err and DAYS[1] in err


def test_unknown_format_version(published):
    folder = _broken_copy(published, "future")
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    index["format"] = "gongshi-log/9"
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    code, _, err = audit(published["url"] + "future/")
    assert code == 2 and "gongshi-log/9" in err and "升级" in err


def test_a_build_refuses_to_extend_a_broken_log(published):
    proj = published["base"] / "proj-honest"
    res = K.run(K.GONGSHI + ["--root", str(proj), "build", "--as-of", REWRITE_DAY], cwd=proj,
                env={"GONGSHI_PREVIOUS_LOG": str(published["www"] / "dropped" / "data" / "manifests")})
    assert res.returncode != 0
    assert "清单日志有问题" in res.stderr and "链条在这里断开" in res.stderr
    assert "Traceback" not in res.stderr
    # A log that was set but not fetched (a wrong path, a failed download) must not start a new one.
    res = K.run(K.GONGSHI + ["--root", str(proj), "build", "--as-of", REWRITE_DAY], cwd=proj,
                env={"GONGSHI_PREVIOUS_LOG": str(published["base"] / "not-fetched")})
    assert res.returncode != 0 and "找不到上一次发布的清单日志" in res.stderr and "Traceback" not in res.stderr
