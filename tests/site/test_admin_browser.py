"""The clerks' web editor (/admin/) driven in Chromium, as a clerk uses it.

``gongshi edit`` runs in a temporary git clone of this repository (the sample county): Decap's
local backend (decap-server's file-system middleware, from tools/decap) writes into the clone's
working tree, and the preview site is rebuilt from it. Each test fills a form, saves, and then
looks at the bytes on disk, runs ``gongshi check`` and ``gongshi check --base HEAD`` and reads the
rebuilt pages. The ``browse`` fixture fails a test on any request to a host other than 127.0.0.1.
The tests run in file order and build on each other's saved data.
"""

from __future__ import annotations

import difflib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
import sitekit as K
import yaml

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNIT = "chengguan-ju"
DECAP = K.REPO / "tools" / "decap" / "node_modules" / "decap-cms" / "dist" / "decap-cms.js"


def _today() -> str:
    # The site's "today" is Asia/Shanghai's; the UTC date is never later than it.
    return time.strftime("%Y-%m-%d", time.gmtime())


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """(clone, base URL) of ``gongshi edit --dev-addr 127.0.0.1:0`` running in a fresh clone."""
    if not DECAP.is_file():
        if os.environ.get("GONGSHI_REQUIRE_BROWSER") == "1":
            pytest.fail("Decap CMS is not installed: npm ci --prefix tools/decap (./dev test does it)", pytrace=False)
        pytest.skip("Decap CMS is not installed (npm ci --prefix tools/decap)")
    clone = tmp_path_factory.mktemp("edit") / "repo"
    K.run(["git", "clone", "-q", str(K.REPO), str(clone)]).check_returncode()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGSHI_")}
    # Run from this checkout with --root: `python -m generator` inside the clone would run the
    # clone's copy of the code (its last commit), not the code under test.
    proc = subprocess.Popen(K.GONGSHI + ["--root", str(clone), "edit", "--dev-addr", "127.0.0.1:0"], cwd=K.REPO, env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, encoding="utf-8")
    lines: list[str] = []
    url: dict[str, str] = {}
    got = threading.Event()

    def read():
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            m = re.search(r"预览网站：(http://127\.0\.0\.1:\d+/)", line)
            if m and not url:
                url["base"] = m.group(1)
                got.set()
        got.set()

    threading.Thread(target=read, daemon=True).start()
    got.wait(600)
    try:
        assert "base" in url, "gongshi edit did not start:\n" + "".join(lines)
        yield clone, url["base"], lines
    finally:
        proc.send_signal(signal.SIGINT)  # gongshi edit stops decap-server and removes its build
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _shot(page, name: str) -> None:
    """Screenshots for the guide (content/guide/img/) when GONGSHI_ADMIN_SHOTS names a folder."""
    out = os.environ.get("GONGSHI_ADMIN_SHOTS")
    if out:
        page.screenshot(path=str(Path(out) / f"{name}.png"))


def _login(page, base: str, collection: str, entry: str):
    page.goto(f"{base}admin/{UNIT}/")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{base}admin/{UNIT}/#/collections/{collection}/entries/{entry}")
    page.locator("label").first.wait_for()


def _field(page, label: str):
    """The input of the last field labelled ``label`` (a new item's, at the end of its list)."""
    exact = re.compile(rf"^\s*{re.escape(label)}(\s*\(可选\))?\s*$")
    fid = page.locator("label").filter(has_text=exact).last.get_attribute("for")
    return page.locator(f"[id='{fid}']")


def _choose(page, label: str, text: str):
    box = _field(page, label)
    box.fill(text)
    page.keyboard.press("Enter")


def _upload(page, add_button: str, path: Path):
    page.get_by_role("button", name=add_button).last.click()
    page.get_by_role("button", name="选择文件").last.click()
    page.locator("input[type=file]").last.set_input_files(str(path))
    page.get_by_role("button", name="选用已选中项目").click()


def _publish(page):
    page.get_by_role("button", name="发布").first.click()
    page.get_by_text("立即发布").click()


def _saved(page):
    page.get_by_text("修改已保存").wait_for(timeout=60_000)


def _check(clone: Path) -> None:
    for extra in ([], ["--base", "HEAD"]):
        res = K.run(K.GONGSHI + ["--root", str(clone), "check", *extra], cwd=K.REPO)
        assert res.returncode == 0, f"gongshi check {' '.join(extra)}:\n{res.stdout}\n{res.stderr}"


def _only_inserted(old: str, new: str) -> None:
    """The old text is still there byte for byte, with text inserted (or, for a deadline, one value replaced)."""
    ops = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    assert all(op[0] == "insert" for op in ops), [(op, old[op[1]:op[2]], new[op[3]:op[4]]) for op in ops if op[0] != "insert"]


def _wait_page(base: str, path: str, text: str) -> str:
    """The preview site's page once its rebuild shows ``text`` (gongshi edit rebuilds on every save)."""
    body = ""
    for _ in range(300):
        try:
            body = urllib.request.urlopen(base + path, timeout=10).read().decode("utf-8")
        except OSError:
            body = ""
        if text in body:
            return body
        time.sleep(1)
    raise AssertionError(f"{path} never showed {text!r}")


def test_ledger_entry_with_a_photo(editor, browse, tmp_path):
    clone, base, _ = editor
    ledger = clone / "data" / "units" / UNIT / "ledger.yaml"
    before = ledger.read_bytes()
    entries = yaml.safe_load(before)
    last = max((e for e in entries if e["pledge"] == "tanfan-shudu"), key=lambda e: str(e["date"]))
    progress = min(100, last["progress"] + 1)
    photo = tmp_path / "现场照片-0001.jpg"
    photo.write_bytes(K.TINY_JPEG)

    page, rec = browse(width=1280)
    _login(page, base, "ledger", "ledger")
    page.get_by_role("button", name="新增台账记录").click()
    _field(page, "工作日期").fill(_today())
    _choose(page, "本单位承诺的标识", "tanfan-shudu")
    _field(page, "本条记录后的完成百分比").fill(str(progress))
    _field(page, "做了什么").fill("网页编辑器测试：新设便民摊点群 1 处，现场照片见佐证。")
    _upload(page, "新增佐证", photo)
    _field(page, "做了什么").scroll_into_view_if_needed()
    _shot(page, "web-editor-ledger")
    _publish(page)
    _saved(page)

    after = ledger.read_bytes()
    assert after.startswith(before), "the ledger's earlier bytes changed"
    added = yaml.safe_load(after[len(before):])
    assert added == [{"date": date.fromisoformat(_today()), "pledge": "tanfan-shudu", "progress": progress,
                      "note": "网页编辑器测试：新设便民摊点群 1 处，现场照片见佐证。",
                      "evidence": [f"evidence/{photo.name}"]}]
    assert (ledger.parent / "evidence" / photo.name).read_bytes() == K.TINY_JPEG
    _check(clone)
    body = _wait_page(base, f"units/{UNIT}/tanfan-shudu/", "网页编辑器测试：新设便民摊点群")
    assert f"evidence/{photo.name}" in body
    assert not rec.errors, rec.errors


def test_a_pledge_is_added(editor, browse):
    clone, base, _ = editor
    path = clone / "data" / "units" / UNIT / "pledges.yaml"
    before = path.read_text(encoding="utf-8")
    page, rec = browse(width=1280)
    page.goto(f"{base}admin/{UNIT}/")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("本单位公开的服务承诺").wait_for()
    _shot(page, "web-editor-home")
    page.goto(f"{base}admin/{UNIT}/#/collections/pledges/entries/pledges")
    page.locator("label").first.wait_for()
    page.get_by_role("button", name="新增承诺").first.click()
    _field(page, "承诺标识").fill("wangye-ceshi")
    _choose(page, "所属活动的标识", "zhudong-fuwu")
    _field(page, "服务事项名称").fill("夜间施工许可“网上办”")
    _field(page, "承诺内容").fill("夜间施工许可申请全程网上办理，材料齐全的 1 个工作日内办结。")
    _field(page, "公示日期").fill(_today())
    _field(page, "完成时限").fill("2027-06-30")
    _publish(page)
    _saved(page)
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    new = yaml.safe_load(after[len(before):])
    assert new[0]["id"] == "wangye-ceshi" and new[0]["title"] == "夜间施工许可“网上办”"
    assert new[0]["deadline"] == date(2027, 6, 30)
    _check(clone)
    _wait_page(base, f"units/{UNIT}/wangye-ceshi/", "夜间施工许可")
    assert not rec.errors, rec.errors


def test_a_problem_is_closed_with_evidence(editor, browse, tmp_path):
    clone, base, _ = editor
    path = clone / "data" / "units" / UNIT / "rectifications.yaml"
    before = path.read_text(encoding="utf-8")
    target = next(r for r in yaml.safe_load(before) if "closure" not in r)
    scan = tmp_path / "整改照片.jpg"
    scan.write_bytes(K.TINY_JPEG)
    page, rec = browse(width=1280)
    _login(page, base, "rectifications", "rectifications")
    page.get_by_role("button", name="新增申请销号").click()
    _choose(page, "哪一项", target["id"])
    _field(page, "整改完成").fill(_today())
    _field(page, "整改结果").fill("已按整改措施全部完成，现场照片见佐证。")
    _upload(page, "新增佐证", scan)
    _field(page, "整改结果").scroll_into_view_if_needed()
    _shot(page, "web-editor-closure")
    _publish(page)
    _saved(page)
    after = path.read_text(encoding="utf-8")
    _only_inserted(before, after)
    closed = next(r for r in yaml.safe_load(after) if r["id"] == target["id"])
    assert closed["closure"]["evidence"] == [f"evidence/{scan.name}"]
    assert closed["closure"]["date"] == date.fromisoformat(_today())
    assert (path.parent / "evidence" / scan.name).is_file()
    _check(clone)
    _wait_page(base, f"units/{UNIT}/rectifications/", "已按整改措施全部完成")
    assert not rec.errors, rec.errors


def test_a_deadline_change_is_a_public_change(editor, browse):
    clone, base, _ = editor
    path = clone / "data" / "units" / UNIT / "pledges.yaml"
    before = path.read_text(encoding="utf-8")
    target = next(p for p in yaml.safe_load(before) if p.get("deadline") and "withdrawn" not in p)
    page, rec = browse(width=1280)
    _login(page, base, "pledges", "pledges")
    page.get_by_role("button", name="新增变更完成时限").click()
    _choose(page, "哪一项", target["id"])
    _field(page, "变更日期").fill(_today())
    _field(page, "新的完成时限").fill("2027-12-31")
    _field(page, "变更原因").fill("上级调整了工作安排，时限相应顺延。")
    _publish(page)
    _saved(page)
    after = path.read_text(encoding="utf-8")
    changed = next(p for p in yaml.safe_load(after) if p["id"] == target["id"])
    assert changed["deadline"] == date(2027, 12, 31)
    assert changed["changes"][-1] == {"date": date.fromisoformat(_today()), "field": "deadline",
                                      "from": target["deadline"], "to": date(2027, 12, 31),
                                      "why": "上级调整了工作安排，时限相应顺延。"}
    # Only the deadline's value was replaced; everything else was kept or inserted.
    old_line = f"deadline: {target['deadline']}"
    _only_inserted(before.replace(old_line, "deadline: "), after.replace("deadline: 2027-12-31", "deadline: ", 1))
    _check(clone)
    assert not rec.errors, rec.errors


def test_changing_or_removing_an_old_entry_is_refused(editor, browse):
    clone, base, _ = editor
    ledger = clone / "data" / "units" / UNIT / "ledger.yaml"
    before = ledger.read_bytes()
    entries = yaml.safe_load(before)
    page, rec = browse(width=1280)
    _login(page, base, "ledger", "ledger")

    def item(entry):
        return page.get_by_text(f"{entry['date']} {entry['pledge']} 进度 {entry['progress']}%").first.locator("xpath=..")

    first = item(entries[0])
    first.locator("button").first.click()  # unfold it
    first.locator("textarea").first.fill("把已公示的记录改掉")
    _publish(page)
    toast = page.get_by_text("是已有的记录，不能修改、删除或调换顺序")
    toast.wait_for(timeout=60_000)
    assert "第 1 条台账记录" in toast.inner_text()
    _shot(page, "web-editor-refused")
    assert ledger.read_bytes() == before

    # Removing one (the × on its bar) is refused too. (A fresh window: leaving the page now
    # would ask whether to drop the unsaved change.)
    page, rec = browse(width=1280)
    _login(page, base, "ledger", "ledger")
    item(entries[1]).locator("xpath=./div[1]/button").last.click()  # the × on its bar
    _publish(page)
    page.get_by_text("第 2 条台账记录是已有的记录").wait_for(timeout=60_000)
    assert ledger.read_bytes() == before
    # Decap logs the refused save and leaves its rejected promise unhandled ("pageerror: Object").
    assert not [e for e in rec.errors if "已有的记录" not in e and e != "pageerror: Object"], rec.errors


def test_the_editor_on_a_phone_and_its_size(editor, browse):
    clone, base, _ = editor
    page, rec = browse(width=390, height=844)
    _login(page, base, "ledger", "ledger")
    page.get_by_role("button", name="新增台账记录").wait_for()
    _shot(page, "web-editor-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 420, f"the editor is {width}px wide on a 390px phone"
    assert page.get_by_text("工作台账").count() >= 1  # the interface is in Chinese (zh_Hans)
    assert not rec.errors, rec.errors


def test_admin_index_without_editing_explains_the_other_path(sample_site):
    body = (sample_site / "admin" / "index.html").read_text(encoding="utf-8")
    assert "还没有开通网页编辑器" in body
    assert not (sample_site / "admin" / "decap-cms.js").exists()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
