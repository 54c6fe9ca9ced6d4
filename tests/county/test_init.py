"""``gongshi init``: a new county that checks and builds at once, for each forge; nothing written on error."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
from countykit import IDS, ROWS, csv_text, init, write_csv, write_xlsx
from helpers import REPO, cli

from generator.model.forge import FACTS, Forge


def test_a_new_county_from_a_chinese_csv_checks_and_has_codeowners(tmp_path):
    rc, out, err, dest = init(tmp_path, "--units", str(write_csv(tmp_path / "单位名单.csv", encoding="gbk")),
                              "--repo-url", "https://git.qinghe.gov.cn/qinghe/gongshi", "--office-team", "@qinghe/ducha")
    assert rc == 0, out + err
    assert "4 个单位" not in err and "5 个单位" in err
    assert sorted(p.name for p in (dest / "data" / "units").iterdir()) == sorted(IDS)
    unit = yaml.safe_load((dest / "data/units/qinghe-zhen/unit.yaml").read_text(encoding="utf-8"))
    assert unit == {"id": "qinghe-zhen", "name": "清河镇", "category": "乡镇政府", "head": "张三", "service_officer": "李四",
                    "contact": {"phone": "0375-1234567", "address": "清河镇人民路1号"}}
    site = yaml.safe_load((dest / "data/site.yaml").read_text(encoding="utf-8"))
    assert site["title"] == "清河县政务承诺公开平台" and site["forge"] == "forgejo" and site["office_team"] == "@qinghe/ducha"
    assert site["oversight"]["report_url"] == ("https://git.qinghe.gov.cn/qinghe/gongshi/issues/new"
                                               "?template=.forgejo%2Fissue_template%2Freport.yaml")
    zd = yaml.safe_load((dest / "data/campaigns/zhudong-fuwu.yaml").read_text(encoding="utf-8"))
    assert [(p["id"], str(p["start"])) for p in zd["phases"]][:2] == [("qidong", "2026-11-01"), ("shishi", "2026-12-02")]
    assert zd["phases"][0]["duties"] == [{"kind": "pledges", "due": __import__("datetime").date(2026, 11, 25)}]
    rc, out, err = cli(dest, "check")
    assert rc == 0 and out == "", out + err
    assert "检查了 5 个单位" in err
    rc, out, err = cli(dest, "codeowners", "--check")
    assert rc == 0, out + err
    owners = (dest / ".forgejo/CODEOWNERS").read_text(encoding="utf-8")
    assert "data/site\\\\.yaml @qinghe/ducha\n" in owners and "data/units/fagai-wei/.* @qinghe/ducha\n" in owners
    assert (dest / ".forgejo/issue_template/report.yaml").is_file()
    assert "0" * 40 in (dest / "gongshi.txt").read_text(encoding="utf-8")
    assert os.access(dest / "ci/install.sh", os.X_OK)
    assert not list(tmp_path.glob(".county.init-*"))  # the temporary folder is gone


@pytest.mark.parametrize("forge", list(Forge), ids=lambda f: f.value)
def test_each_forge_gets_its_ci_codeowners_and_report_form(tmp_path, forge):
    rc, out, err, dest = init(tmp_path, "--units", str(write_xlsx(tmp_path / "units.xlsx")), "--forge", forge.value)
    assert rc == 0, out + err
    facts = FACTS[forge]
    for f in (*facts.ci, facts.codeowners, facts.issue_form):
        assert (dest / f).is_file(), f
    others = [g for g in Forge if g is not forge]
    for g in others:
        for f in FACTS[g].ci:
            assert not (dest / f).exists(), f
    assert cli(dest, "check")[0] == 0
    assert cli(dest, "codeowners", "--check")[0] == 0
    text = (dest / facts.codeowners).read_text(encoding="utf-8")
    if forge is Forge.GITLAB:
        assert "[督查考核办公室]\n" in text and "/.gitlab-ci.yml @oversight-office\n" in text
        assert "/data/units/qinghe-zhen/ @oversight-office\n" in text
    elif forge is Forge.GITHUB:
        assert "/.github/ @oversight-office\n" in text


def test_a_bad_list_writes_nothing_and_names_the_rows(tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text(csv_text([*ROWS, ["", "其他", "", "", "", "", ""], ["清河镇", "乡镇政府", "", "", "", "", ""]]), encoding="utf-8-sig")
    rc, out, err, dest = init(tmp_path, "--units", str(bad))
    assert rc == 1
    assert "units.csv: 第 7 行：缺少单位名称" in err and "units.csv: 第 8 行：单位“清河镇”重复，第 2 行已经有了" in err
    assert "什么都没有写入" in err and "Traceback" not in err
    assert not dest.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["units.csv"]


def test_init_refuses_a_folder_that_is_not_empty_and_leaves_it_alone(tmp_path):
    dest = tmp_path / "county"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me", encoding="utf-8")
    rc, out, err, _ = init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")))
    assert rc == 1 and "不是空文件夹" in err
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]
    dest.joinpath("notes.txt").unlink()
    assert init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")))[0] == 0  # an empty folder is fine


def test_bad_options_are_chinese_messages(tmp_path):
    assert "不能用" in init(tmp_path, name="清河县/../x")[2]
    assert "不是有效的账号或团队" in init(tmp_path, "--office-team", "ducha")[2]
    assert "应以 https:// 或 http:// 开头" in init(tmp_path, "--base-url", "gongshi.qinghe.gov.cn")[2]
    rc, _, err = cli(tmp_path, "init", str(tmp_path / "c"), "--name", "清河县", "--start", "2026-13-01")
    assert rc == 2 and "不是日期" in err
    assert not (tmp_path / "c").exists() and not (tmp_path / "county").exists()


def test_without_a_list_the_county_still_checks(tmp_path):
    rc, out, err, dest = init(tmp_path, "--base-url", "https://gongshi.qinghe.gov.cn")
    assert rc == 0, out + err
    assert yaml.safe_load((dest / "data/site.yaml").read_text(encoding="utf-8"))["base_url"] == "https://gongshi.qinghe.gov.cn/"
    assert "server_name gongshi.qinghe.gov.cn;" in (dest / "deploy/nginx.conf").read_text(encoding="utf-8")
    assert cli(dest, "check")[0] == 0


def test_a_name_with_quotes_stays_data(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text(csv_text([['清河镇"\n: x', "乡镇政府", "", "", "", "", ""]]), encoding="utf-8")
    rc, out, err, dest = init(tmp_path, "--units", str(p))
    assert rc == 0, out + err
    (folder,) = (dest / "data/units").iterdir()
    unit = yaml.safe_load((folder / "unit.yaml").read_text(encoding="utf-8"))
    assert unit["name"] == '清河镇" : x'
    assert cli(dest, "check")[0] == 0


def test_the_county_lock_is_the_runtime_part_of_requirements_lock():
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "county_lock.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lock = (REPO / "generator/county/templates/common/requirements.lock").read_text(encoding="utf-8")
    assert "mkdocs-material==" in lock and "pypinyin==0.55.0" in lock and "--hash=sha256:" in lock
    assert "pytest==" not in lock and "playwright==" not in lock


@pytest.mark.slow
def test_the_new_county_builds_a_page_per_unit(tmp_path):
    rc, out, err, dest = init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")), "--forge", "gitlab",
                              "--repo-url", "https://gitlab.qinghe.gov.cn/qinghe/gongshi")
    assert rc == 0, out + err
    proc = subprocess.run([sys.executable, "-m", "generator", "build"], cwd=dest, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = dest / "site"
    for uid in IDS:
        page = (site / "units" / uid / "index.html").read_text(encoding="utf-8")
        assert "<title>" in page
    page = (site / "units/qinghe-zhen/index.html").read_text(encoding="utf-8")
    assert "清河镇" in page and "张三" in page
    assert "https://gitlab.qinghe.gov.cn/qinghe/gongshi/-/blob/main/data/units/qinghe-zhen/unit.yaml" in page
    assert (site / "campaigns/zhudong-fuwu/index.html").is_file() and (site / "campaigns/zuofeng/index.html").is_file()
    assert (site / "guide/index.html").is_file() and (site / "about/index.html").is_file()
    data = json.loads((site / "data/gongshi.json").read_text(encoding="utf-8"))
    assert sorted(u["id"] for u in data["units"]) == sorted(IDS)


def test_the_office_in_codeowners_is_the_one_written_to_site_yaml(tmp_path):
    rc, out, err, dest = init(tmp_path, "--units", str(write_csv(tmp_path / "u.csv")), "--office-team", "@qinghe/ducha")
    assert rc == 0, out + err
    os.environ["GONGSHI_OFFICE_TEAM"] = "@somewhere/else"
    try:
        assert init(tmp_path / "second", "--office-team", "@qinghe/ducha")[0] == 0
    finally:
        del os.environ["GONGSHI_OFFICE_TEAM"]
    text = (tmp_path / "second/county/.forgejo/CODEOWNERS").read_text(encoding="utf-8")
    assert "@qinghe/ducha" in text and "@somewhere/else" not in text
    assert cli(tmp_path / "second/county", "codeowners", "--check")[0] == 0


@pytest.mark.parametrize("pin", ["gongshi @ git+https://github.com/gongshi/gongshi.git@" + "0" * 40,
                                 "gongshi @ git+https://git.example.gov.cn/mirror/gongshi.git@" + "0" * 40])
def test_a_pin_on_github_or_the_example_host_is_pointed_out(tmp_path, pin):
    # County CI installs gongshi from this pin; github.com is often unreachable from China.
    rc, out, err, dest = init(tmp_path, "--gongshi", pin)
    assert rc == 0, out + err
    assert "注意：请把 gongshi.txt 中的地址改为本县镜像的 gongshi 仓库" in err


def test_a_pin_on_the_county_mirror_is_not_warned_about(tmp_path):
    rc, out, err, dest = init(tmp_path, "--gongshi", "gongshi @ git+https://git.qinghe.gov.cn/mirror/gongshi.git@" + "0" * 40)
    assert rc == 0, out + err
    assert "gongshi 的版本锁定为" in err and "注意：请把 gongshi.txt" not in err
