"""Every generated page of the site, rendered with Jinja (autoescape on) from the derived view.

:func:`plan` lists the pages (URL, title, template, context); :class:`Renderer` turns one page
into the HTML that goes inside Material's content area.  Templates live in the package and can
be overridden one by one from ``theme_overrides/gongshi/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.utils import get_relative_url

from generator.model import labels, text
from generator.model import records as R
from generator.model.forge import report_query
from generator.model.records import DutyKind, DutyState, PledgeState, RectState
from generator.site import charts, facets, markup, qr
from generator.view.derive import DONE_PLEDGE, OPEN_PLEDGE, Derived, RectView, derive, pledge_indicator
from generator.view.events import Event
from generator.view.events import events as all_events

KIND_ZH = labels.DUTY_KINDS
DATA_FILES = {
    "units": "单位及其汇总数字", "pledges": "承诺及其状态", "ledger": "工作台账（每条进展一行）",
    "rectifications": "问题整改及其状态", "duties": "各单位各阶段责任及其状态",
    "gongshi": "全部公开记录（JSON），含计算日期 as_of", "datapackage": "数据包说明（Frictionless Data Package）",
    "manifest": "每条公开记录的 SHA-256 指纹清单，用于核对记录是否被改动", "feed": "动态订阅（Atom）",
    "log": "清单日志：以往每一次发布的清单，按日期排列（见下面“核对网站有没有改写过去”）",
}


@dataclass
class Page:
    src_uri: str  # where MkDocs believes the page lives in docs_dir
    url: str  # its public URL, relative to the site root, ending in /
    title: str  # plain text; escaped by the plugin before MkDocs sees it
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    edit: tuple[str, int] | None = None  # file and line that hold the record
    updated: date | None = None  # when the record last changed, from its own dates
    kind: str = ""


def _max_date(*dates) -> date | None:
    ds = [d for d in dates if d is not None]
    return max(ds) if ds else None


class Site:
    """The derived views the pages need, each computed once per build, when first asked for.

    A phase's page shows the record as of the phase's end: deriving it only when that page is
    rendered keeps the plan cheap, which ``gongshi serve`` redoes after every edit.
    """

    def __init__(self, view: Derived):
        self.view = view
        self.ds = view.dataset
        self._frozen: dict[date, Derived] = {view.as_of: view}

    def as_of(self, d: date) -> Derived:
        if d not in self._frozen:
            self._frozen[d] = derive(self.ds, d)
        return self._frozen[d]


def data_page(sizes: dict[str, int] | None = None) -> Page:
    """The open-data page; ``sizes``: the byte size of each file it lists (site path → bytes), once
    the files are made (the plugin plans it again then)."""
    from generator.view.tables import CSV_TABLES, TABLES

    files = [(f"data/{t}.csv", DATA_FILES[t]) for t in CSV_TABLES] + [
        ("data/gongshi.json", DATA_FILES["gongshi"]), ("data/datapackage.json", DATA_FILES["datapackage"]),
        ("data/manifest.json", DATA_FILES["manifest"]), ("data/manifests/index.json", DATA_FILES["log"]),
        ("feed.xml", DATA_FILES["feed"])]
    return Page("data/index.md", "data/", "开放数据", "data.html",
                {"files": files, "tables": {t: TABLES[t] for t in CSV_TABLES}, "sizes": sizes or {}}, kind="data")


def plan(view: Derived, events: list[Event] | None = None) -> list[Page]:
    """All generated pages, in a stable order. ``events``: the view's event stream if the caller has it."""
    site = Site(view)
    ds = view.dataset
    stream = all_events(view) if events is None else events
    pages: list[Page] = [
        Page("index.md", "", ds.site.title, "home.html", {"events": stream}, kind="home",
             description=f"{ds.site.title}：承诺、台账、问题整改与督查考核的公开记录"),
        Page("campaigns/index.md", "campaigns/", "活动", "campaigns.html", kind="campaigns"),
        Page("units/index.md", "units/", "单位", "units.html", kind="units"),
        Page("inspections/index.md", "inspections/", "督查", "inspections.html", kind="inspections"),
        Page("evaluations/index.md", "evaluations/", "考核评比", "evaluations.html", kind="evaluations"),
        Page("updates/index.md", "updates/", "动态", "updates.html", {"events": stream}, kind="updates"),
        data_page(),
        Page("search/index.md", "search/", "搜索", "search.html", kind="search",
             description=f"在{ds.site.title}搜索承诺、单位、问题整改和活动"),
    ]
    for cid, c in ds.campaigns.items():
        pages.append(Page(f"campaigns/{cid}/index.md", f"campaigns/{cid}/", c.title, "campaign.html",
                          {"campaign": c, "phase": None}, edit=(c.loc.path, 1),
                          description=text.plain(c.summary, 140) or c.title, kind="campaign"))
        for ph in c.phases:
            frozen_on = ph.end if ph.end is not None and ph.end <= view.as_of else view.as_of
            pages.append(Page(f"campaigns/{cid}/{ph.id}/index.md", f"campaigns/{cid}/{ph.id}/",
                              f"{c.title} · {ph.name}阶段公示", "campaign.html",
                              {"campaign": c, "phase": ph, "frozen_on": frozen_on, "views": site,
                               "final": ph.end is not None and ph.end <= view.as_of},
                              edit=(ph.loc.path, ph.loc.line), kind="phase",
                              description=f"{c.title}{ph.name}阶段各单位责任完成情况（截至 {frozen_on}）"))
    for cid, ev in view.evaluations.items():
        campaign = ds.campaigns.get(cid)
        pages.append(Page(f"evaluations/{cid}/index.md", f"evaluations/{cid}/",
                          f"{campaign.title if campaign else cid} · 考核评比结果", "evaluation.html", {"ev": ev, "campaign": campaign},
                          edit=(ev.evaluation.loc.path, 1), updated=ev.evaluation.published, kind="evaluation"))
    # /evaluations/<campaign>/ is a stable URL (contract §5): before its evaluation is published
    # it answers that it is not yet, with the planned date when the evaluation file gives one.
    for cid, c in ds.campaigns.items():
        if cid in view.evaluations:
            continue
        planned = ds.evaluations.get(cid)
        pages.append(Page(f"evaluations/{cid}/index.md", f"evaluations/{cid}/", f"{c.title} · 考核评比结果",
                          "evaluation_pending.html", {"campaign": c, "planned": planned.published if planned else None},
                          kind="evaluation-pending",
                          description=f"{c.title}的考核评比结果尚未公布"))
    for uid, folder in ds.units.items():
        u = folder.unit
        pv = view.by_unit.get(uid, [])
        rv = view.rects_by_unit.get(uid, [])
        updated = _max_date(*(p.last_activity for p in pv), *(_rect_updated(r) for r in rv))
        pages.append(Page(f"units/{uid}/index.md", f"units/{uid}/", u.name, "unit.html", {"unit": folder},
                          edit=(u.loc.path, 1), updated=updated, kind="unit",
                          description=f"{u.name}的公开承诺、工作台账和问题整改"))
        pages.append(Page(f"units/{uid}/rectifications/index.md", f"units/{uid}/rectifications/",
                          f"{u.name} · 问题整改", "rectifications.html", {"unit": folder},
                          edit=(f"{ds.data_dir}/units/{uid}/rectifications.yaml", 1),
                          updated=_max_date(*(_rect_updated(r) for r in rv)), kind="rectifications"))
        pages.append(Page(f"units/{uid}/notice/index.md", f"units/{uid}/notice/", f"{u.name} · 公示单",
                          "notice.html", {"unit": folder}, edit=(u.loc.path, 1), updated=updated, kind="notice"))
        for v in pv:
            p = v.pledge
            pages.append(Page(f"units/{uid}/{p.id}/index.md", f"units/{uid}/{p.id}/", v.title, "pledge.html",
                              {"unit": folder, "p": v}, edit=(p.loc.path, p.loc.line),
                              updated=_max_date(v.last_activity, *(c.date for c in v.changes),
                                                v.withdrawn.date if v.withdrawn else None),
                              description=f"{u.name}承诺：{text.plain(v.commitment, 120)}", kind="pledge"))
    return pages


def page_view(page: Page) -> Derived | None:
    """The record as of the date a page is frozen at (a phase's end), or None: as of the build."""
    if "frozen_on" not in page.context:
        return None
    return page.context["views"].as_of(page.context["frozen_on"])


def _rect_updated(r: RectView) -> date:
    dates = [r.rect.found, *(u.date for u in r.updates), *(o.date for o in r.objections)]
    if r.closure:
        dates.append(r.closure.date)
        if r.verified and r.closure.verified_on:
            dates.append(r.closure.verified_on)
    return max(dates)


def relative(from_url: str, to_url: str) -> str:
    """A link from one page URL to another (both relative to the site root), for any base path:
    MkDocs' own rule (the plugin uses it too), with the site root written "./" and a fragment kept."""
    to_url, _, frag = to_url.partition("#")
    rel = get_relative_url(to_url or "./", from_url or ".")
    return rel + "#" + frag if frag else rel


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory, by name and source checksum, across Jinja environments:
    ``gongshi serve`` makes new environments after every edit and need not compile again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


BYTECODE = _MemoryBytecode()


class Renderer:
    def __init__(self, view: Derived, overrides: Path | None = None):
        self.view = view
        # A county's override of a template (or of one partial) wins over the packaged one; the
        # packaged one stays reachable as "gongshi:<name>", so an override can extend it
        # ({% extends "gongshi:pledge.html" %}) or wrap a packaged macro instead of copying it.
        packaged = jinja2.PackageLoader("generator.site", "templates")
        loaders: list[jinja2.BaseLoader] = []
        if overrides is not None and overrides.is_dir():
            loaders.append(jinja2.FileSystemLoader(str(overrides)))
        loaders += [packaged, jinja2.PrefixLoader({"gongshi": packaged}, delimiter=":")]
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=BYTECODE,
        )
        self.env.filters["md"] = lambda t: jinja2.utils.markupsafe.Markup(markup.render(t))
        self.env.filters["plain"] = text.plain
        self.env.filters["pct"] = _pct
        self.env.filters["num"] = lambda v: "" if v is None else (str(int(v)) if float(v).is_integer() else f"{v:g}")
        self.env.filters["zh_date"] = _zh_date
        self.env.filters["change_value"] = labels.change_value
        self.env.globals.update(
            PledgeState=PledgeState, RectState=RectState, DutyState=DutyState, DutyKind=DutyKind,
            KIND_ZH=KIND_ZH, PLEDGE_FIELDS=labels.PLEDGE_FIELDS, RECT_FIELDS=labels.RECT_FIELDS,
            OPEN_PLEDGE=OPEN_PLEDGE, DONE_PLEDGE=DONE_PLEDGE,
            state_bar=lambda *a: jinja2.utils.markupsafe.Markup(charts.state_bar(*a)), state_class=charts.state_class,
            line_chart=lambda *a, **k: jinja2.utils.markupsafe.Markup(charts.line_chart(*a, **k)),
            pledge_indicator=pledge_indicator,
            qr=qr.svg, public_url=lambda path: qr.public_url(view.site.base_url, path),
            unit_facets=facets.unit_facets, pledge_facets=facets.pledge_facets, pledge_tokens=facets.pledge_tokens,
        )

    def render(self, page: Page) -> str:
        view = page_view(page) or self.view
        ds = self.view.dataset

        def u(target: str) -> str:
            return relative(page.url, target)

        ctx = dict(page.context)
        ctx.update(page=page, view=view, today_view=self.view, ds=ds, site=ds.site, u=u, units=ds.units,
                   unit_name=lambda uid: ds.units[uid].unit.name if uid in ds.units else uid,
                   report_url=lambda **kw: report_link(ds.site, **kw))
        return self.env.get_template(page.template).render(ctx)


def report_link(site: R.Site, **params: str) -> str | None:
    """Where a citizen reports a problem, with the item filled in when the channel allows it."""
    url = site.oversight.report_url
    if not url:
        return None
    q = report_query(site.forge, params.get("unit"), params.get("item"), params.get("url"))
    return f"{url}{'&' if '?' in url else '?'}{q}" if q else url


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def _zh_date(d: date | None) -> str:
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"
