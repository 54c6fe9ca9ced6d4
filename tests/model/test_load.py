"""The file layout: which files exist, their names, and files that are empty."""

import pytest
from helpers import CAMPAIGN, CAMPAIGN_YAML, FILES, REPORT_FGW, UNIT_FGW, clean, errors_of, find, make_project, replace, write

from generator.model import records as R
from generator.model.errors import Problems
from generator.model.load import Source, load, load_dataset

UNIT = "data/units/fgw/unit.yaml"


def test_fixture_loads_completely(project):
    ds, problems = load_dataset(project / "data")
    assert problems == []
    assert sorted(ds.units) == ["fgw", "swj"]
    fgw = ds.units["fgw"]
    assert [p.id for p in fgw.pledges] == ["wangban", "zoufang"]
    assert [e.seq for e in fgw.ledger] == [0, 1, 2]
    assert all(p.unit == "fgw" for p in fgw.pledges)
    assert fgw.evidence == frozenset({"evidence/qingdan.pdf"})
    assert fgw.reports[CAMPAIGN].submitted.isoformat() == "2025-07-15"
    assert "全部" in fgw.reports[CAMPAIGN].body
    assert {d.kind for ph in ds.campaigns[CAMPAIGN].phases for d in ph.duties} == set(R.DutyKind)
    assert ds.site.stale_after_days == 45 and ds.site.closure_notice_days == 7
    assert ds.units["swj"].rectifications == ()  # an optional file that is absent


def test_record_locations(project):
    ds, _ = load_dataset(project / "data")
    p = ds.units["fgw"].pledges[1]
    assert (p.loc.path, p.loc.line, p.loc.key) == ("data/units/fgw/pledges.yaml", 18, "pledges[1]")
    assert p.loc.at("published") == ("data/units/fgw/pledges.yaml", 22, "pledges[1].published")
    assert p.withdrawn.loc.at("date") == ("data/units/fgw/pledges.yaml", 24, "pledges[1].withdrawn.date")


def test_site_defaults(project):
    write(project, "data/site.yaml", "title: 县平台\nowner: 县政府\noversight:\n  hotline: '12345'\n")
    ds, problems = load_dataset(project / "data")
    assert problems == []
    assert ds.site.timezone == "Asia/Shanghai"
    assert ds.site.stale_after_days == 45
    assert ds.site.closure_notice_days == 7
    assert ds.site.unit_categories == R.DEFAULT_CATEGORIES


def test_unit_id_must_equal_folder(project):
    write(project, UNIT, replace(UNIT_FGW, "id: fgw", "id: fgw2"))
    find(errors_of(project), UNIT, 1, "id", "“fgw2”", "文件夹名“fgw”")


def test_campaign_id_must_equal_file_name(project):
    rel = f"data/campaigns/{CAMPAIGN}.yaml"
    write(project, rel, replace(CAMPAIGN_YAML, f"id: {CAMPAIGN}", "id: zhudong"))
    find(errors_of(project), rel, 1, "id", "“zhudong”", f"文件名“{CAMPAIGN}.yaml”")


def test_evaluation_campaign_must_equal_file_name(project):
    rel = f"data/evaluations/{CAMPAIGN}.yaml"
    write(project, rel, replace(FILES[rel], f"campaign: {CAMPAIGN}", "campaign: qita"))
    lines = errors_of(project)
    find(lines, rel, 1, "campaign", f"文件名“{CAMPAIGN}.yaml”")


@pytest.mark.parametrize("name", ["pledges.yaml", "ledger.yaml", "rectifications.yaml"])
@pytest.mark.parametrize("content", ["", "\n", "# 暂无\n", "[]\n"])
def test_empty_optional_list_file_is_an_empty_list(project, name, content):
    write(project, f"data/units/swj/{name}", content)
    if name == "pledges.yaml":
        write(project, "data/units/swj/ledger.yaml", "")  # its entries would point at nothing
    clean(project)


def test_empty_inspections_file_is_fine(project):
    write(project, "data/inspections/2026.yaml", "")
    clean(project)


@pytest.mark.parametrize("content", ["", "\n\n", "# 待填写\n"])
def test_empty_unit_yaml_is_an_error(project, content):
    write(project, "data/units/swj/unit.yaml", content)
    find(errors_of(project), "data/units/swj/unit.yaml", 1, "", "文件是空的")


def test_empty_site_yaml_is_an_error(project):
    write(project, "data/site.yaml", "")
    find(errors_of(project), "data/site.yaml", 1, "", "文件是空的")


def test_empty_campaign_file_is_an_error(project):
    rel = f"data/campaigns/{CAMPAIGN}.yaml"
    write(project, rel, "")
    find(errors_of(project), rel, 1, "", "文件是空的")


def test_missing_site_yaml(project):
    write(project, "data/site.yaml", None)
    find(errors_of(project), "data/site.yaml", 0, "", "缺少网站设置文件")


def test_unit_folder_without_unit_yaml(project):
    write(project, "data/units/swj/unit.yaml", None)
    find(errors_of(project), "data/units/swj/unit.yaml", 0, "", "缺少 unit.yaml")


def test_yml_extension_gets_a_hint(project):
    write(project, "data/units/swj/notes.yml", "- a\n")
    find(errors_of(project), "data/units/swj/notes.yml", 0, "", "无法识别的文件", ".yaml，不是 .yml")


def test_unknown_folder_in_data(project):
    write(project, "data/misc/readme.txt", "x")
    find(errors_of(project), "data/misc", 0, "", "无法识别的文件或文件夹")


def test_report_without_front_matter(project):
    rel = f"data/units/fgw/reports/{CAMPAIGN}.md"
    write(project, rel, "今年的总结。\n")
    find(errors_of(project), rel, 1, "", "front matter")


def test_report_front_matter_missing_submitted(project):
    rel = f"data/units/fgw/reports/{CAMPAIGN}.md"
    write(project, rel, replace(REPORT_FGW, "submitted: 2025-07-15\n", ""))
    find(errors_of(project), rel, 2, "submitted", "缺少必填的键“submitted”")


def test_report_front_matter_lines_are_true(project):
    rel = f"data/units/fgw/reports/{CAMPAIGN}.md"
    write(project, rel, replace(REPORT_FGW, "submitted: 2025-07-15", "submitted: 2025-07-32"))
    find(errors_of(project), rel, 3, "submitted", "不是真实存在的日期")


def test_one_broken_pledge_does_not_make_its_ledger_unknown(project):
    """A pledge with an error is still "declared", so its ledger entries are not also errors."""
    rel = "data/units/fgw/pledges.yaml"
    write(project, rel, replace(FILES[rel], "  published: 2025-01-10", "  published: 2025-13-10"))
    lines = errors_of(project)
    assert [ln for ln in lines if "ledger.yaml" in ln] == [], "\n".join(lines)


def test_loader_reads_from_any_source(project):
    class Memory(Source):
        def __init__(self, files):
            super().__init__(project)
            self.files = files

        def list(self):
            return sorted(self.files)

        def read(self, rel):
            v = self.files[rel]
            return v if isinstance(v, bytes) else v.encode("utf-8")

    problems = Problems()
    ds, declared = load(Memory(FILES), problems)
    assert problems.errors == []
    assert declared.pledges["fgw"] == {"wangban", "zoufang"}
    assert declared.inspections == {"ducha-1"}


def test_an_error_in_unit_yaml_does_not_hide_the_units_other_files(project):
    """One run reports every problem (contract §4): a unit.yaml with a missing key must not stop
    its ledger from being checked, nor make the inspection's reference to its problem "unknown"."""
    from helpers import LEDGER_FGW

    write(project, UNIT, replace(UNIT_FGW, "name: 县发展和改革委员会\n", ""))
    write(project, "data/units/fgw/ledger.yaml", replace(LEDGER_FGW, "  progress: 30", "  progress: 120"))
    lines = errors_of(project)
    find(lines, UNIT, 1, "name", "缺少必填的键“name”")
    find(lines, "data/units/fgw/ledger.yaml", 3, "ledger[0].progress", "超出范围")
    assert [ln for ln in lines if ln.startswith("data/inspections/")] == [], "\n".join(lines)


def test_an_error_in_site_yaml_does_not_reject_its_own_unit_categories(project):
    """site.yaml with custom unit_categories and an unrelated error: units using those
    categories must not get errors of their own."""
    from helpers import SITE, UNIT_SWJ

    site = replace(SITE, "owner: 测试县人民政府办公室\n", "") + "unit_categories:\n  - 局机关\n  - 综合性部门\n"
    write(project, "data/site.yaml", site)
    write(project, "data/units/swj/unit.yaml", replace(UNIT_SWJ, "category: 审批职能部门", "category: 局机关"))
    lines = errors_of(project)
    find(lines, "data/site.yaml", 1, "owner", "缺少必填的键“owner”")
    assert [ln for ln in lines if not ln.startswith("data/site.yaml")] == [], "\n".join(lines)


def test_symlinked_evidence_pointing_outside_is_an_error(project, tmp_path):
    """Evidence files are published as they are: a link to a file outside the unit's evidence/
    folder (here a secret outside the project) must not pass check."""
    secret = tmp_path / "secret.txt"
    secret.write_text("token", encoding="utf-8")
    link = project / "data/units/fgw/evidence/link.pdf"
    link.symlink_to(secret)
    lines = errors_of(project)
    assert any("evidence/link.pdf" in ln for ln in lines), "\n".join(lines)


def test_symlinked_data_file_pointing_outside_is_an_error(project, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("", encoding="utf-8")
    (project / "data/units/swj/rectifications.yaml").symlink_to(outside)
    lines = errors_of(project)
    assert any(ln.startswith("data/units/swj/rectifications.yaml") for ln in lines), "\n".join(lines)


def test_cached_source_reparses_only_changed_files_and_loads_the_same(project):
    """`gongshi serve` keeps each file's records: a second load parses only what changed, and
    every load equals a fresh one, problems included (a broken file, then a deleted one)."""
    from generator.model.load import CachedSource

    def fresh():
        p = Problems()
        ds, declared = load(Source(project), p)
        return ds, declared, p.sorted()

    def cached():
        p = Problems()
        ds, declared = load(src, p)
        return ds, declared, p.sorted()

    src = CachedSource(project)
    assert cached() == fresh()
    assert len(src.parsed) == len([f for f in src.list() if f.endswith((".yaml", ".md"))])  # data and reports
    assert cached() == fresh() and src.parsed == []

    ledger = project / "data/units/fgw/ledger.yaml"
    write(project, "data/units/fgw/ledger.yaml", ledger.read_text(encoding="utf-8") + "- date: [2025\n")
    broken = cached()
    assert src.parsed == ["data/units/fgw/ledger.yaml"]
    assert broken == fresh() and any(p.path == "data/units/fgw/ledger.yaml" for p in broken[2])

    # A file with problems is read again each time (its messages may name other files' records).
    (project / "data/units/swj/ledger.yaml").unlink()
    assert cached() == fresh() and src.parsed == ["data/units/fgw/ledger.yaml"]
    assert not any(k[0] == "data/units/swj/ledger.yaml" for k in src.cache)


def test_a_list_file_written_as_a_mapping_is_one_error_not_a_cascade(tmp_path):
    # A clerk writes one pledge without the leading "- ": the file is a mapping, not a list. The
    # ledger's references to its pledges cannot be judged then, and are not reported as unknown.
    root = make_project(tmp_path)
    pledges = FILES["data/units/fgw/pledges.yaml"]
    one = pledges.split("\n- ", 1)[0].removeprefix("- ").replace("\n  ", "\n")
    write(root, "data/units/fgw/pledges.yaml", one)
    errs = errors_of(root)
    assert any("data/units/fgw/pledges.yaml" in e for e in errs), errs
    assert not any("ledger.yaml" in e and "没有标识为" in e for e in errs), errs
    write(root, "data/inspections/2025.yaml", "id: x\n")
    errs = errors_of(root)
    assert not any("rectifications.yaml" in e and "督查" in e and "没有标识为" in e for e in errs), errs
