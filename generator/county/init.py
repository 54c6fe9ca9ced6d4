"""``gongshi init DIR``: a new county's repository that checks and builds at once.

The files come from ``templates/`` (package data): ``common/`` for every county and one folder per
forge for its CI, issue form and the like.  A leading ``dot-`` in a template's name becomes ``.``,
so that gongshi's own repository never runs a county's CI file.  Templates are Jinja with ``[[ ]]``
and ``[% %]`` as delimiters (the CI files are full of ``${{ }}`` and ``{ }``); values that come from
the user are written into YAML through the ``q`` filter, a quoted scalar.  ``unit.yaml`` files are
dumped by PyYAML, never templated.

Everything is written into a temporary folder beside DIR and moved into place at the end: a bad
unit list or any other problem leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from generator.county.unitlist import UnitRow, read_units
from generator.model import schema, yamltext
from generator.model.forge import FACTS, OWNER_RE, Forge, facts

TEMPLATES = Path(__file__).parent / "templates"
GONGSHI_PIN = "gongshi.txt"


class InitError(Exception):
    """``gongshi init`` cannot go on; the message says why, in Chinese."""


@dataclass(frozen=True)
class Options:
    name: str  # the county, e.g. 清河县
    units_file: Path | None = None
    forge: Forge = Forge.FORGEJO
    base_url: str | None = None
    repo_url: str | None = None
    start: date | None = None
    office_team: str = "@oversight-office"
    gongshi: str | None = None  # the pip requirement that pins gongshi (gongshi.txt)


def _q(value) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(str(value), ensure_ascii=False)


def _zh(d: date) -> str:
    return f"{d.year} 年 {d.month} 月 {d.day} 日"


def campaign_dates(start: date) -> tuple[dict, dict]:
    """Phase and duty dates of the two campaign templates, from the day the county starts."""
    d = start
    zd = {"qidong_start": d, "qidong_end": d + timedelta(days=30), "pledges_due": d + timedelta(days=24)}
    zd["shishi_start"] = zd["qidong_end"] + timedelta(days=1)
    zd["shishi_end"] = zd["shishi_start"] + timedelta(days=181)
    zd["pingbi_start"] = zd["shishi_end"] + timedelta(days=1)
    zd["pingbi_end"] = zd["pingbi_start"] + timedelta(days=30)
    zd["report_due"] = zd["pingbi_start"] + timedelta(days=9)
    zf = {"bushu_start": d, "bushu_end": d + timedelta(days=30), "problems_due": d + timedelta(days=30)}
    zf["shishi_start"] = zf["bushu_end"] + timedelta(days=1)
    zf["shishi_end"] = zf["shishi_start"] + timedelta(days=274)
    zf["zongjie_start"] = zf["shishi_end"] + timedelta(days=1)
    zf["zongjie_end"] = zf["zongjie_start"] + timedelta(days=30)
    zf["report_due"] = zf["zongjie_start"] + timedelta(days=19)
    return zd, zf


def gongshi_requirement() -> str:
    """The pip requirement that pins the gongshi running now: where it was installed from, at which commit."""
    import subprocess
    from importlib import metadata

    try:
        dist = metadata.distribution("gongshi")
        direct = json.loads(dist.read_text("direct_url.json") or "null")
        version = dist.version
    except (metadata.PackageNotFoundError, ValueError):
        direct, version = None, None
    if direct and direct.get("vcs_info", {}).get("commit_id"):
        return f"gongshi @ git+{direct['url']}@{direct['vcs_info']['commit_id']}"
    # A checkout (editable install, or run from the source tree): its commit, at the address of its remote.
    src = Path(__file__).resolve().parents[2]
    if (src / ".git").exists():
        def git(*args: str) -> str:
            p = subprocess.run(["git", "-C", str(src), *args], capture_output=True, text=True)
            return p.stdout.strip() if p.returncode == 0 else ""

        commit = git("rev-parse", "HEAD")
        remote = git("remote", "get-url", "origin")
        if commit:
            if not remote.startswith(("https://", "http://", "ssh://", "git@")):
                remote = "https://git.example.gov.cn/mirror/gongshi.git"  # to be replaced by the county's mirror
            return f"gongshi @ git+{remote}@{commit}"
    return f"gongshi=={version}" if version else "gongshi"


def _env():
    import jinja2

    env = jinja2.Environment(
        variable_start_string="[[", variable_end_string="]]", block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]", keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined, autoescape=False,  # YAML, Markdown and shell, never HTML
    )
    env.filters["q"] = _q
    env.filters["zh"] = _zh
    return env


def _templates(forge: Forge) -> list[tuple[Path, str]]:
    """(template file, path in the new repository) for the common files and the forge's."""
    out = []
    for top in (TEMPLATES / "common", TEMPLATES / forge.value):
        for dirpath, _dirs, files in os.walk(top, followlinks=True):
            for f in sorted(files):
                src = Path(dirpath) / f
                rel = src.relative_to(top).as_posix()
                rel = "/".join("." + p[4:] if p.startswith("dot-") else p for p in rel.split("/"))
                out.append((src, rel))
    return sorted(out, key=lambda t: t[1])


# Files copied as they are: pages and templates that are Jinja or Markdown of their own.
BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
VERBATIM_PREFIXES = ("theme_overrides/", "content/guide/", ".github/ISSUE_TEMPLATE/", "requirements.lock")


def unit_yaml(u: UnitRow) -> str:
    head = ["# yaml-language-server: $schema=../../../schema/unit.json",
            f"# 由 gongshi init 根据单位名单第 {u.row} 行生成。maintainers：本单位在代码托管平台上的账号或团队。"]
    return yamltext.dump({
        "id": u.id, "name": u.name, "short_name": u.short_name or None, "category": u.category,
        "head": u.head or None, "service_officer": u.service_officer or None,
        "contact": {"phone": u.phone or None, "address": u.address or None},
        "notice_location": u.notice_location or None, "maintainers": list(u.maintainers),
    }, head=head)


def plan(opts: Options, today: date) -> dict[str, str | bytes]:
    """Every file of the new repository: path → text.  Raises InitError or UnitListError."""
    name = " ".join(opts.name.split())
    if not name or len(name) > 40 or any(c in name for c in "/\\<>\"'`$"):
        raise InitError(f"县名“{opts.name}”不能用：请写县（市、区）的名称，如 清河县，不超过 40 个字，不含符号")
    for o in opts.office_team.split():
        if not OWNER_RE.match(o):
            raise InitError(f"--office-team：“{o}”不是有效的账号或团队：请写成 @用户名 或 @组织/团队，如 @qinghe/ducha")
    for label, url in (("--base-url", opts.base_url), ("--repo-url", opts.repo_url)):
        if url and not url.startswith(("https://", "http://")):
            raise InitError(f"{label}：“{url}”应以 https:// 或 http:// 开头")
    units = read_units(opts.units_file, name) if opts.units_file else []
    start = opts.start or today
    zd, zf = campaign_dates(start)
    f = facts(opts.forge)
    repo_url = opts.repo_url.rstrip("/") if opts.repo_url else None
    base_url = (opts.base_url.rstrip("/") + "/") if opts.base_url else None
    server_name = base_url.split("/")[2] if base_url else "gongshi.example.gov.cn"
    ctx = {
        "county": name, "title": f"{name}政务承诺公开平台", "owner": f"{name}优化营商环境工作领导小组办公室",
        "forge": opts.forge.value, "forge_label": f.label, "forge_org": "qinghe", "office_team": opts.office_team,
        "base_url": base_url, "repo_url": repo_url,
        "report_url": f"{repo_url}/{f.issue_new}" if repo_url else None,
        "start": start, "today": today, "zd": zd, "zf": zf, "units": units,
        "codeowners": f.codeowners, "ci_files": f.ci, "server_name": server_name,
    }
    env = _env()
    files: dict[str, str | bytes] = {}
    for src, rel in _templates(opts.forge):
        if src.suffix.lower() in BINARY_SUFFIXES:  # the guide's screenshots
            files[rel] = src.read_bytes()
            continue
        text = src.read_text(encoding="utf-8")
        files[rel] = text if rel.startswith(VERBATIM_PREFIXES) else env.from_string(text).render(ctx)
    files[GONGSHI_PIN] = (
        "# gongshi 本身的版本：一行 pip 依赖说明，指向一个确定的提交（ci/install.sh 安装它）。\n"
        "# 国内请把 gongshi 的仓库镜像到本县的代码托管平台，把下面的地址改为镜像的地址。\n"
        f"{opts.gongshi or gongshi_requirement()}\n")
    for u in units:
        files[f"data/units/{u.id}/unit.yaml"] = unit_yaml(u)
    for kind in schema.KINDS:
        files[f"schema/{kind}.json"] = json.dumps(schema.json_schema(kind), ensure_ascii=False, indent=2) + "\n"
    for d in ("data/inspections", "data/evaluations"):
        files[f"{d}/.gitkeep"] = ""
    return files


def init_county(dest: Path, opts: Options, today: date) -> list[str]:
    """Write the new repository into DEST (absent or empty); returns the files written."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InitError(f"{dest} 已存在且不是空文件夹：gongshi init 只在新的或空的文件夹中创建仓库，不会覆盖已有的文件")
    files = plan(opts, today)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.init-", dir=dest.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp's 0700 would become the new repository's
    try:
        for rel, text in files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                p.write_bytes(text)
            else:
                p.write_text(text, encoding="utf-8", newline="\n")
            if rel.endswith(".sh"):
                p.chmod(0o755)
        # CODEOWNERS from the units just written, as `gongshi codeowners` would write it; the office is
        # the one just written into site.yaml, whatever GONGSHI_OFFICE_TEAM says on this machine.
        from generator.review.codeowners import render

        text, errors, where = render(tmp, use_env=False)
        if errors:
            raise InitError("生成 CODEOWNERS 时出错：\n" + "\n".join(errors))
        (tmp / where).parent.mkdir(parents=True, exist_ok=True)
        (tmp / where).write_text(text, encoding="utf-8", newline="\n")
        files[where] = text
        if dest.exists():
            dest.rmdir()
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(files)


FORGES = tuple(f.value for f in FACTS)
