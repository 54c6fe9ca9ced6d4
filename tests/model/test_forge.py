"""The forge named in site.yaml decides the report link's query and the edit links' paths."""

from __future__ import annotations


def test_the_report_link_fills_in_the_form_as_each_forge_allows():
    from urllib.parse import parse_qs, urlsplit

    from generator.model import records as R
    from generator.model.forge import Forge
    from generator.site.render import report_link

    def link(forge, url):
        site = R.Site(R.NOWHERE, "t", "o", R.Oversight(R.NOWHERE, report_url=url), forge=forge)
        return report_link(site, unit="fgw", item="项目审批", url="https://g.example/units/fgw/")

    gh = link(Forge.GITHUB, "https://github.com/o/r/issues/new?template=report.yml")
    assert parse_qs(urlsplit(gh).query) == {"template": ["report.yml"], "unit": ["fgw"], "item": ["项目审批"],
                                            "url": ["https://g.example/units/fgw/"]}
    gl = parse_qs(urlsplit(link(Forge.GITLAB, "https://gitlab.example/o/r/-/issues/new?issuable_template=report")).query)
    assert gl["issue[title]"] == ["[反映] fgw：项目审批"] and "https://g.example/units/fgw/" in gl["issue[description]"][0]
    fj = parse_qs(urlsplit(link(Forge.FORGEJO, "https://git.example/o/r/issues/new")).query)
    assert fj["title"] == ["[反映] fgw：项目审批"] and "https://g.example/units/fgw/" in fj["body"][0]


def test_edit_links_follow_the_forge():
    from generator.model.forge import Forge, file_url

    assert file_url(Forge.GITHUB, "https://github.com/o/r/", "main", "data/a.yaml", 3) == "https://github.com/o/r/blob/main/data/a.yaml#L3"
    assert file_url(Forge.GITLAB, "https://gl.example/o/r", "main", "data/a.yaml", 1) == "https://gl.example/o/r/-/blob/main/data/a.yaml"
    assert file_url(Forge.FORGEJO, "https://fj.example/o/r", "main", "data/a.yaml", 9) == "https://fj.example/o/r/src/branch/main/data/a.yaml#L9"
