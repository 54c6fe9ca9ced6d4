"""The clerks' web editor at ``/admin/``: Decap CMS, configured from the schema declarations.

One editor per unit, ``/admin/<unit>/``, so that a clerk sees only their own unit's files and
a submission can touch only that unit's folder; ``/admin/`` lists the units. Each editor's
``config.yml`` is generated here from ``generator.model.schema`` (the declarations the checker
uses): Chinese labels and hints from each field's ``doc``, choices as selects, required fields,
patterns, dates as ``YYYY-MM-DD``. The list files are read and written by the custom formats of
``admin_assets/gongshi-admin.js`` (append-only, byte-exact); ``gongshi-spec.json`` tells that
script the key order and value types of every record, from the same declarations.

Decap itself (``decap-cms.js`` and its chunks) and the YAML library the formats use are
copied from ``tools/decap/node_modules`` (``npm ci --prefix tools/decap``; versions pinned by
``tools/decap/package-lock.json``), found by ``find_decap``. Nothing is fetched from another host.
A build without Decap still builds the public site: ``/admin/`` then explains how to edit without
it, and the build says how to install it. ``gongshi edit`` needs it and says so.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.model import records as R
from generator.model import schema as S
from generator.view.derive import Derived

ASSETS = Path(__file__).parent / "admin_assets"
# gongshi's own checkout (``./dev`` installs Decap there); a pip install from git has no such folder.
CHECKOUT_DECAP = Path(__file__).resolve().parents[2] / "tools" / "decap"
DECAP_ENV = "GONGSHI_DECAP_DIR"
INSTALL_HINT = "npm ci --prefix tools/decap"
NOT_INSTALLED = ("警告：网页编辑器（Decap CMS）没有安装，/admin/ 只生成了说明页，网站的其他部分照常生成。"
                 f"要开通网页编辑器，请在项目目录运行 {INSTALL_HINT}（需要 Node.js 和 npm，或运行 sh ci/install.sh）后重新生成")
LIST_FILES = {"pledges": "pledges.yaml", "ledger": "ledger.yaml", "rectifications": "rectifications.yaml"}
HEADER = "# yaml-language-server: $schema=../../../schema/{kind}.json\n"


class AdminError(Exception):
    """The editor cannot be built (Decap is not installed); the message says what to do."""


def decap_dirs(root: Path | None) -> list[Path]:
    """Where Decap may be installed, in the order they are tried.

    The project's own ``tools/decap`` first: a county pins Decap in its repository (``gongshi init``
    writes the lock file), so its build does not depend on what a machine happens to have. Then
    ``GONGSHI_DECAP_DIR``, a machine's explicit choice (a shared install on a runner), before the
    implicit last resort, gongshi's own checkout (an editable install, and this repository itself).
    """
    out: list[Path] = []
    if root is not None:
        out.append(Path(root).resolve() / "tools" / "decap")
    if os.environ.get(DECAP_ENV):
        out.append(Path(os.environ[DECAP_ENV]).resolve())
    out.append(CHECKOUT_DECAP)
    return list(dict.fromkeys(out))


def _dist(d: Path) -> tuple[Path, Path]:
    return d / "node_modules" / "decap-cms" / "dist", d / "node_modules" / "yaml" / "browser" / "dist"


def find_decap(root: Path | None) -> Path | None:
    """The first folder of ``decap_dirs`` where Decap and the YAML library are installed, or None."""
    for d in decap_dirs(root):
        dist, yaml_dist = _dist(d)
        if (dist / "decap-cms.js").is_file() and (yaml_dist / "index.js").is_file():
            return d
    return None


# ---------------------------------------------------------------------------------------
# Fields from the declarations


def _label(f: S.F) -> str:
    """The field's name as the form shows it: its doc up to the first pause, e.g. 完成时限."""
    head = re.split(r"[，；：（,;:(]", f.doc.removeprefix("（可选）"), maxsplit=1)[0].strip()
    return head or f.name


def _field(f: S.F, required: bool | None = None, options: dict[str, list] | None = None) -> dict:
    req = f.required if required is None else required
    out: dict = {"name": f.name, "label": _label(f), "required": req}
    if f.doc and f.doc != out["label"]:
        out["hint"] = f.doc
    out.update(_widget(f.name, f.type, req, options or {}))
    return out


def _widget(name: str, t: S.Type, required: bool, options: dict[str, list]) -> dict:
    if name in options:
        return {"widget": "select", "options": options[name]}
    if isinstance(t, S.Str):
        if t.choices is not None:
            return {"widget": "select", "options": list(t.choices)}
        if t.markdown:
            return {"widget": "text"}
        if t.pattern is not None:
            return {"widget": "string", "pattern": [t.pattern.pattern, t.pattern_hint]}
        return {"widget": "string"}
    if isinstance(t, S.Date):
        w = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False}
        if not required:
            w["default"] = ""
        return w
    if isinstance(t, S.Int):
        w = {"widget": "number", "value_type": "float" if isinstance(t, S.Number) else "int"}
        if t.lo is not None:
            w["min"] = t.lo
        if t.hi is not None:
            w["max"] = t.hi
        return w
    if isinstance(t, S.TargetType):
        return {"widget": "string", "pattern": [S.TARGET_RE.pattern, "运算符加数字，如 >= 90"]}
    if isinstance(t, S.ListOf):
        if isinstance(t.item, S.Obj):
            fields = [_field(f, options=options) for f in t.item.fields.values()]
            return {"widget": "list", "fields": fields, "collapsed": True, "minimize_collapsed": False}
        item = {"widget": "file", "choose_url": False} if name == "evidence" else _widget("", t.item, True, {})
        return {"widget": "list", "field": {"name": "item", "label": "一项", **item}, "collapsed": False,
                **({"min": t.min_items} if t.min_items else {})}
    if isinstance(t, S.Obj):
        # The inner fields of an optional group are optional in the form; `gongshi check` says
        # which one is missing once the group is filled in.
        fields = [_field(f, required=f.required and required, options=options) for f in t.fields.values()]
        return {"widget": "object", "fields": fields, "collapsed": not required}
    return {"widget": "string"}


def _spec(obj: S.Obj) -> dict:
    """Key order, value types and nested specs of a record, for the script that writes YAML."""
    types: dict[str, str] = {}
    sub: dict[str, dict] = {}
    for f in obj.fields.values():
        t = f.type
        if isinstance(t, S.ListOf):
            t = t.item
        if isinstance(t, S.Obj):
            sub[f.name] = _spec(t)
        types[f.name] = ("date" if isinstance(t, S.Date) else "number" if isinstance(t, S.Number)
                         else "int" if isinstance(t, S.Int) else "str")
    return {"order": list(obj.fields), "types": types, "sub": sub}


def spec_json() -> dict:
    """What gongshi-admin.js needs to know about the list files, the same for every unit."""
    deadline_change = _spec(S.CHANGE)
    deadline_change["types"].update({"from": "date", "to": "date"})  # written as plain dates, as the sample does
    action = {
        "pledges": [
            {"name": "deadline_changes", "kind": "deadline", "target": "pledge", "key": "changes", "list": True,
             "copy": [], "spec": deadline_change},
            {"name": "withdrawals", "kind": "insert", "target": "pledge", "key": "withdrawn", "list": False,
             "copy": ["date", "why"], "spec": _spec(S.WITHDRAWAL)},
        ],
        "ledger": [],
        "rectifications": [
            {"name": "progress_updates", "kind": "insert", "target": "rectification", "key": "updates", "list": True,
             "copy": ["date", "note"], "spec": _spec(S.UPDATE)},
            {"name": "closures", "kind": "insert", "target": "rectification", "key": "closure", "list": False,
             "copy": ["date", "summary", "evidence", "verified_by", "verified_on"], "spec": _spec(S.CLOSURE)},
        ],
    }
    zh = {"pledges": ("承诺", "撤回承诺"), "ledger": ("台账记录", ""), "rectifications": ("问题", "整改进展")}
    specs = {"pledges": S.PLEDGE, "ledger": S.LEDGER, "rectifications": S.RECTIFICATION}
    return {
        "files": LIST_FILES,
        "headers": {k: HEADER.format(kind=k) for k in LIST_FILES},
        "kinds": {k: {"item_zh": zh[k][0], "undo_zh": zh[k][1], "spec": _spec(specs[k]), "actions": action[k]}
                  for k in LIST_FILES},
    }


# ---------------------------------------------------------------------------------------
# One unit's editor


def _backend(site: R.Site, local_api: str | None) -> tuple[dict, bool]:
    """(Decap's backend map, whether submissions go through the editorial workflow)."""
    if local_api:
        return {"name": "proxy", "proxy_url": local_api, "branch": "main"}, False
    e = site.editing
    assert e is not None
    b: dict = {"name": e.backend, "repo": e.repo, "branch": e.branch}
    if e.api_root:
        b["api_root"] = e.api_root
    if e.app_id:
        b["app_id"] = e.app_id
    if e.backend == "gitlab":
        b["auth_type"] = "pkce"
    base_url = e.base_url
    if base_url is None and e.backend in ("forgejo", "gitlab") and e.api_root:
        # Decap signs in at base_url, which defaults to a public host: the county's own forge is the
        # API address without its API path.
        base_url = re.sub(r"/api/v\d+/*$", "", e.api_root.rstrip("/"))
    if base_url:
        b["base_url"] = base_url
    if e.auth_endpoint:
        b["auth_endpoint"] = e.auth_endpoint
    # Labels on the pull requests the office reviews, in Chinese.
    b["commit_messages"] = {
        "create": "{{collection}}：新建 {{slug}}（网页编辑器）",
        "update": "{{collection}}：{{slug}}（网页编辑器）",
        "uploadMedia": "上传佐证 {{path}}（网页编辑器）",
        "deleteMedia": "删除文件 {{path}}（网页编辑器）",
    }
    return b, True


def _title(text: str, ident: str) -> str:
    return f"{text}（{ident}）"


def unit_config(view: Derived, uid: str, local_api: str | None = None, data_dir: str = "data") -> dict:
    ds = view.dataset
    folder = ds.units[uid]
    unit = folder.unit
    base = f"{data_dir.strip('/')}/units/{uid}"
    backend, workflow = _backend(ds.site, local_api)
    campaigns = [{"label": _title(c.title, cid), "value": cid} for cid, c in ds.campaigns.items()]
    pledges = [{"label": _title(p.title, p.id), "value": p.id} for p in folder.pledges]
    open_pledges = [{"label": _title(p.title, p.id), "value": p.id} for p in folder.pledges
                    if p.withdrawn is None]
    dated = [{"label": _title(p.title, p.id), "value": p.id} for p in folder.pledges
             if p.withdrawn is None and p.deadline is not None]
    rects = [{"label": _title(_short(r.problem), r.id), "value": r.id} for r in folder.rectifications]
    unclosed = [{"label": _title(_short(r.problem), r.id), "value": r.id} for r in folder.rectifications
                if r.closure is None]
    media = {"media_folder": f"/{base}/evidence", "public_folder": "evidence"}

    def files_collection(name: str, label: str, fmt: str, files: list[dict], description: str) -> dict:
        return {"name": name, "label": label, "description": description, "format": fmt, "files": files,
                "editor": {"preview": False}, **media}

    def list_field(kind: str, obj: S.Obj, label: str, summary: str, skip: tuple[str, ...], options: dict) -> dict:
        fields = [_field(f, options=options) for f in obj.fields.values() if f.name not in skip]
        return {"name": "items", "label": label, "widget": "list", "required": False, "collapsed": True,
                "minimize_collapsed": False, "summary": summary, "add_to_top": False,
                "label_singular": label.removeprefix("全部"), "fields": fields,
                "hint": "已有的记录只能查看，不能修改、删除或调换顺序；新的一条请点最下面的“添加”。"}

    def action(name: str, label: str, target: str, opts: list, fields: list[dict], hint: str) -> dict:
        tfield = {"name": target, "label": "哪一项", "widget": "select", "options": opts or [{"label": "（没有可选的）", "value": ""}]}
        return {"name": name, "label": label, "widget": "list", "required": False, "collapsed": False,
                "hint": hint, "fields": [tfield, *fields]}

    wd = S.WITHDRAWAL.fields
    ch = S.CHANGE.fields
    upd = S.UPDATE.fields
    clo = S.CLOSURE.fields
    deadline_to = {**_field(ch["to"]), "label": "新的完成时限", "required": True,
                   **_widget("", S.DATE, True, {})}
    collections = [
        files_collection("pledges", "承诺", "gongshi-pledges", [{
            "name": "pledges", "label": f"{unit.name}的承诺（pledges.yaml）", "file": f"{base}/pledges.yaml",
            "fields": [
                list_field("pledges", S.PLEDGE, "全部承诺", "{{fields.title}}（{{fields.id}}）",
                           ("changes", "withdrawn"), {"campaign": campaigns}),
                action("deadline_changes", "变更完成时限", "pledge", dated,
                       [_field(ch["date"]), deadline_to, _field(ch["why"])],
                       "公示后的时限变更要公开说明原因：保存后 deadline 改为新的时限，并在 changes 中记下原时限、新时限和原因。"),
                action("withdrawals", "撤回承诺", "pledge", open_pledges,
                       [_field(wd["date"]), _field(wd["why"])],
                       "承诺不能删除，只能公开撤回：撤回后仍在网站上显示，并写明原因。"),
            ]}], "本单位公开的服务承诺；新增承诺、变更时限、撤回承诺都在这里。"),
        files_collection("ledger", "工作台账", "gongshi-ledger", [{
            "name": "ledger", "label": f"{unit.name}的工作台账（ledger.yaml）", "file": f"{base}/ledger.yaml",
            "fields": [list_field("ledger", S.LEDGER, "全部台账记录", "{{fields.date}} {{fields.pledge}} 进度 {{fields.progress}}%",
                                  (), {"pledge": pledges})]}],
            "每做一次工作记一条：日期、哪项承诺、进度、做了什么，可上传照片或文件作佐证。"),
        files_collection("rectifications", "问题整改", "gongshi-rectifications", [{
            "name": "rectifications", "label": f"{unit.name}的问题清单（rectifications.yaml）",
            "file": f"{base}/rectifications.yaml",
            "fields": [
                list_field("rectifications", S.RECTIFICATION, "全部问题", "{{fields.id}}：{{fields.problem}}",
                           ("updates", "closure", "objections"), {"campaign": campaigns}),
                action("progress_updates", "整改进展", "rectification", rects,
                       [_field(upd["date"]), _field(upd["note"])], "记下一次整改进展，追加在该问题的 updates 中。"),
                action("closures", "申请销号", "rectification", unclosed,
                       [_field(f) for f in clo.values()],
                       "整改完成后申请销号：写明整改结果，并上传佐证（照片、文件）。验收单位和日期可由验收后再填。"),
            ]}], "督查和自查发现的问题、整改措施和销号。"),
        files_collection("unit", "单位信息", "gongshi-unit", [{
            "name": "unit", "label": f"{unit.name}（unit.yaml）", "file": f"{base}/unit.yaml",
            "fields": [{**_field(f), **({"widget": "hidden"} if f.name == "id" else {})}
                       if f.name != "category" else
                       {**_field(f), "widget": "select", "options": list(ds.site.unit_categories)}
                       for f in S.UNIT.fields.values()]}], "单位名称、负责人、联系方式。"),
    ]
    participating = [cid for cid in ds.campaigns if uid in view.participants.get(cid, [])] or list(ds.campaigns)
    if participating:
        collections.append(files_collection("reports", "总结报告", "frontmatter", [{
            "name": cid, "label": f"{ds.campaigns[cid].title}（reports/{cid}.md）", "file": f"{base}/reports/{cid}.md",
            "fields": [_field(f) for f in S.REPORT.fields.values()]
            + [{"name": "body", "label": "报告正文", "widget": "markdown", "required": True,
                "buttons": ["bold", "italic", "link", "heading-two", "heading-three", "bulleted-list", "numbered-list"],
                "editor_components": [], "modes": ["rich_text", "raw"]}]} for cid in participating],
            "各活动阶段的总结报告。"))
    cfg: dict = {
        "locale": "zh_Hans",
        "backend": backend,
        **({"publish_mode": "editorial_workflow"} if workflow else {}),
        "media_folder": f"{base}/evidence",
        "public_folder": "evidence",
        "show_preview_links": False,
        "search": False,
        "collections": collections,
    }
    if ds.site.base_url:
        cfg["site_url"] = cfg["display_url"] = ds.site.base_url.rstrip("/") + f"/units/{uid}/"
    return cfg


def _short(text: str, n: int = 24) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[:n] + "…"


# ---------------------------------------------------------------------------------------
# The pages and files


_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="{icon}">
<title>{title}</title>
{head}</head>
<body>
{body}
</body>
</html>
"""


# Decap's editor is laid out for 800 px and wider; on a phone (clerks photograph evidence with
# one) its panes are let down to the screen's width. Decap's class names carry their labels.
_PHONE_CSS = """
@media (max-width: 820px) {
  body { min-width: 0 !important; }
  [class*="-EditorContainer"], [class*="-ToolbarContainer"], [class*="-AppMainContainer"],
  [class*="-CollectionContainer"], [class*="-AppHeaderContent"], [class*="-MediaLibraryModal"] {
    min-width: 0 !important; max-width: 100vw !important; }
  [class*="-ControlPaneContainer"] { padding: 0 4px 16px !important; max-width: 100vw !important; }
  [class*="-CollectionContainer"] { margin: 8px 0 !important; display: block !important; }
  [class*="-SidebarContainer"] { position: static !important; width: auto !important; margin: 0 8px 8px !important; }
  [class*="-CollectionMain"] { padding: 0 8px !important; }
  [class*="-BackCollection"], [class*="-BackStatus"], [class*="-ToolbarSectionMeta"] { display: none !important; }
  [class*="-ToolbarSectionBackLink"] { padding: 0 8px !important; }
}
"""


def unit_page(site_title: str, unit_name: str) -> str:
    head = ('<link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
            f"<style>{_PHONE_CSS}</style>\n"
            "<script>window.CMS_MANUAL_INIT = true;</script>\n"
            '<script src="../decap-cms.js"></script>\n'
            '<script type="module" src="../gongshi-admin.js"></script>\n')
    return _PAGE.format(title=html.escape(f"{unit_name} · 网页编辑器 · {site_title}"), head=head, body="",
                        icon="../../assets/images/favicon.png")


def index_page(view: Derived, enabled: bool) -> str:
    ds = view.dataset
    esc = html.escape
    rows = "\n".join(f'<li><a href="{esc(uid)}/">{esc(f.unit.name)}</a></li>' for uid, f in
                     sorted(ds.units.items(), key=lambda kv: kv[1].unit.name))
    if enabled:
        intro = ("<p>请点本单位的名称，用代码托管平台的账号登录后填写。每次保存都会成为一个修改请求（合并请求），"
                 "由县里的督查办审核后才在网站上公开。</p>")
        units = f"<ul>\n{rows}\n</ul>"
    else:
        intro = ("<p>本站还没有开通网页编辑器（site.yaml 中没有 <code>editing</code> 设置）。"
                 "请在代码托管平台的网页上直接修改本单位文件夹中的文件，方法见"
                 '<a href="../guide/web-editor/">网页编辑器指南</a>的最后一节。</p>')
        units = ""
    body = (f"<main style=\"max-width:40rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,sans-serif\">"
            f"<h1>网页编辑器</h1>\n{intro}\n{units}\n"
            '<p><a href="../guide/web-editor/">使用说明</a> · <a href="../">返回首页</a></p></main>')
    return _PAGE.format(title=esc(f"网页编辑器 · {ds.site.title}"), head="", body=body, icon="../assets/images/favicon.png")


def missing_page(site_title: str, up: str) -> str:
    """``/admin/`` on a build without Decap: what a clerk can do instead, and what IT must install."""
    guide = f"{up}../guide/web-editor/"
    body = ("<main style=\"max-width:40rem;margin:2rem auto;padding:0 1rem;font-family:system-ui,sans-serif\">"
            "<h1>网页编辑器</h1>\n"
            "<p>本次生成网站时没有安装网页编辑器，这里暂时不能在线填写。</p>\n"
            "<p>现在可以这样提交修改：登录县里的代码托管平台，在数据仓库本单位的文件夹（<code>data/units/本单位编号/</code>）中"
            "用平台网页上的“编辑文件”修改，提交时选择新建分支并发起合并请求，由督查办审核后公开。"
            f'具体步骤见<a href="{guide}">网页编辑器指南</a>的“没有网页编辑器时”一节。</p>\n'
            "<p>给县信息中心：在生成网站的电脑或运行器上装好 Node.js 和 npm，在项目目录运行 "
            f"<code style=\"white-space:nowrap\">{INSTALL_HINT}</code>（或 <code>sh ci/install.sh</code>），再重新生成网站。</p>\n"
            f'<p><a href="{guide}">使用说明</a> · <a href="{up}../">返回首页</a></p></main>')
    return _PAGE.format(title=html.escape(f"网页编辑器 · {site_title}"), head="", body=body,
                        icon=f"{up}../assets/images/favicon.png")


def decap_files(decap: Path) -> Iterator[tuple[str, Path]]:
    """Decap's bundle and its chunks, and the YAML library, from ``decap``/node_modules."""
    dist, yaml_dist = _dist(decap)
    yield "admin/decap-cms.js", dist / "decap-cms.js"
    for p in sorted(dist.iterdir()):
        # The chunks Decap loads on demand, and its WebAssembly; not the source maps or cms.js.
        if p.name.endswith(".decap-cms.js") or p.suffix == ".wasm":
            yield f"admin/{p.name}", p
    for p in sorted(yaml_dist.rglob("*.js")):
        yield f"admin/yaml/{p.relative_to(yaml_dist).as_posix()}", p


def admin_files(view: Derived, local_api: str | None = None, data_dir: str = "data", root: Path | None = None,
                warn: Callable[[str], None] | None = None) -> Iterator[tuple[str, Path | str]]:
    """(site path, file or text) of everything under /admin/.

    Without Decap, ``/admin/`` and each unit's ``/admin/<unit>/`` (clerks keep it as a bookmark)
    say how to edit instead and ``warn`` is called once; under ``gongshi edit`` (``local_api``)
    that is an error, since the editor is the point there.
    """
    ds = view.dataset
    enabled = bool(local_api) or ds.site.editing is not None
    if not enabled:
        yield "admin/index.html", index_page(view, enabled)
        return
    decap = find_decap(root)
    if decap is None:
        if local_api:
            where = (Path(root) / "tools" / "decap") if root is not None else CHECKOUT_DECAP
            raise AdminError(f"网页编辑器（Decap CMS）没有安装：请运行 npm ci --prefix {where}（gongshi 自己的仓库中 ./dev 会自动安装）")
        if warn is not None:
            warn(NOT_INSTALLED)
        yield "admin/index.html", missing_page(ds.site.title, "")
        for uid in ds.units:
            yield f"admin/{uid}/index.html", missing_page(ds.site.title, "../")
        return
    yield "admin/index.html", index_page(view, enabled)
    yield from decap_files(decap)
    yield "admin/gongshi-admin.js", ASSETS / "gongshi-admin.js"
    yield "admin/gongshi-spec.json", json.dumps(spec_json(), ensure_ascii=False) + "\n"
    for uid, folder in ds.units.items():
        yield f"admin/{uid}/index.html", unit_page(ds.site.title, folder.unit.name)
        # JSON is YAML: Decap reads it as config.yml, and text from the data stays quoted.
        yield f"admin/{uid}/config.yml", json.dumps(unit_config(view, uid, local_api, data_dir), ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------------------------------
# The local backend (`gongshi edit`)


def start_local_backend(root: Path, port: int = 0):
    """Start Decap's file-system backend on 127.0.0.1 for ``root``: (process, API URL).

    Saves from the editor are written into the working tree; nothing is committed.
    """
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        raise AdminError("找不到 node：gongshi edit 需要 Node.js 20（Debian 上：apt-get install nodejs npm）")
    found = [d for d in decap_dirs(root) if (d / "serve.cjs").is_file() and (d / "node_modules" / "decap-server").is_dir()]
    if not found:
        raise AdminError(f"Decap 的本地后端（decap-server）没有安装：请运行 npm ci --prefix {Path(root) / 'tools' / 'decap'}"
                         "（gongshi 自己的仓库中 ./dev 会自动安装）")
    decap = found[0]
    proc = subprocess.Popen([node, str(decap / "serve.cjs"), str(root), str(port)], stdout=subprocess.PIPE, text=True,
                            cwd=str(decap))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("GONGSHI_DECAP_PORT "):
        proc.kill()
        raise AdminError(f"Decap 的本地后端没有启动：{line.strip() or '没有输出'}")
    return proc, f"http://127.0.0.1:{int(line.split()[1])}/api/v1"
