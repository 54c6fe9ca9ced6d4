"""`gongshi codeowners [--check]`: .github/CODEOWNERS from each unit's maintainers."""

from __future__ import annotations

from helpers import REPO, UNIT_FGW, cli, replace, write

TARGET = ".github/CODEOWNERS"


def test_writes_one_line_per_unit_and_the_office_paths(project):
    rc, out, err = cli(project, "codeowners")
    assert rc == 0, out + err
    lines = [ln for ln in (project / TARGET).read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    assert lines == [
        "/data/site.yaml @oversight-office",
        "/data/campaigns/ @oversight-office",
        "/data/inspections/ @oversight-office",
        "/data/evaluations/ @oversight-office",
        "/mkdocs.yml @oversight-office",  # it names the data folder
        "/.github/ @oversight-office",
        "/data/units/fgw/ @example/fgw",
        "/data/units/swj/ @oversight-office",  # names no maintainers: the office looks after it
    ]


def test_the_office_comes_from_the_environment(project):
    rc, out, err = cli(project, "codeowners", env={"GONGSHI_OFFICE_TEAM": "@shixian/ducha @shixian/kaohe"})
    assert rc == 0, out + err
    text = (project / TARGET).read_text(encoding="utf-8")
    assert "/data/inspections/ @shixian/ducha @shixian/kaohe\n" in text
    assert "/data/units/swj/ @shixian/ducha @shixian/kaohe\n" in text


def test_check_fails_when_missing_or_stale_and_passes_when_current(project):
    rc, _, err = cli(project, "codeowners", "--check")
    assert rc == 1 and "还没有 .github/CODEOWNERS" in err
    assert not (project / TARGET).exists()  # --check never writes

    assert cli(project, "codeowners")[0] == 0
    rc, _, err = cli(project, "codeowners", "--check")
    assert rc == 0 and "是最新的" in err

    write(project, "data/units/fgw/unit.yaml", replace(UNIT_FGW, '  - "@example/fgw"', '  - "@example/fgw"\n  - "@zhangsan"'))
    rc, _, err = cli(project, "codeowners", "--check")
    assert rc == 1 and "已过期" in err and "gongshi codeowners" in err
    assert cli(project, "codeowners")[0] == 0
    assert "/data/units/fgw/ @example/fgw @zhangsan\n" in (project / TARGET).read_text(encoding="utf-8")


def test_a_maintainer_that_is_not_an_account_is_refused(project):
    write(project, "data/units/fgw/unit.yaml", replace(UNIT_FGW, '  - "@example/fgw"', '  - "@example/fgw\\n* @evil"'))
    rc, out, err = cli(project, "codeowners")
    assert rc == 1
    assert out.startswith("data/units/fgw/unit.yaml:12: maintainers[0]：“@example/fgw * @evil”") and "不是有效的账号或团队" in out
    assert not (project / TARGET).exists()


def test_a_bad_office_team_is_refused(project):
    rc, out, _ = cli(project, "codeowners", env={"GONGSHI_OFFICE_TEAM": "oversight"})
    assert rc == 1 and "GONGSHI_OFFICE_TEAM" in out


def test_the_repository_codeowners_is_current():
    rc, out, err = cli(REPO, "codeowners", "--check")
    assert rc == 0, out + err


def test_the_office_comes_from_site_yaml_and_the_environment_overrides_it(project):
    from helpers import SITE

    write(project, "data/site.yaml", SITE + 'office_team: "@shixian/ducha @shixian/kaohe"\n')
    assert cli(project, "codeowners")[0] == 0
    text = (project / TARGET).read_text(encoding="utf-8")
    assert "/data/site.yaml @shixian/ducha @shixian/kaohe\n" in text and "/data/units/swj/ @shixian/ducha @shixian/kaohe\n" in text
    assert cli(project, "codeowners", "--check", env={"GONGSHI_OFFICE_TEAM": "@other/team"})[0] == 1


def test_a_bad_office_team_in_site_yaml_is_a_check_error(project):
    from helpers import SITE

    write(project, "data/site.yaml", SITE + 'office_team: "@shixian/ducha\\n* @evil"\n')
    rc, out, _ = cli(project, "check")
    assert rc == 1 and "data/site.yaml:9: office_team：“*”不是有效的账号或团队" in out


def test_forgejo_gets_regular_expressions_in_its_own_folder(project):
    import re

    from helpers import SITE

    write(project, "data/site.yaml", SITE + "forge: forgejo\n")
    rc, out, err = cli(project, "codeowners")
    assert rc == 0, out + err
    assert not (project / TARGET).exists()
    lines = [ln for ln in (project / ".forgejo/CODEOWNERS").read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    assert lines[0] == "data/site\\\\.yaml @oversight-office" and "\\\\.forgejo/.* @oversight-office" in lines
    assert "data/units/fgw/.* @example/fgw" in lines
    # Forgejo reads "\\" as an escaped backslash, then matches the Go regexp against the whole path.
    rules = [(re.compile("^" + ln.split(" ")[0].replace("\\\\", "\\") + "$"), ln.split(" ")[1:]) for ln in lines]

    def owners(path: str) -> list[str]:
        return [o for rx, os_ in rules if rx.match(path) for o in os_]

    assert owners("data/units/fgw/ledger.yaml") == ["@example/fgw"]
    assert owners("data/site.yaml") == ["@oversight-office"] and owners("data/siteXyaml") == []
    assert owners("data/units/fgwx/ledger.yaml") == []
