"""``gongshi codeowners [--check]``: the CODEOWNERS file from each unit's ``maintainers``.

Each unit's folder ``data/units/<id>/`` is owned by the accounts or teams in its ``unit.yaml``
``maintainers`` (contract §1), so that a unit's editors review changes to their own folder and
nobody else's.  The oversight office owns what belongs to no unit — ``site.yaml``, campaigns,
inspections, evaluations, ``mkdocs.yml`` (which names the data folder) — and the forge's own folder
(the CI and this file itself), plus the folder of any unit that names no maintainers.

The forge (``site.yaml`` ``forge``) decides where the file goes and how it is written: GitHub
``.github/CODEOWNERS`` and GitLab ``.gitlab/CODEOWNERS`` (GitLab with one section per kind of
owner) take gitignore-style paths; Forgejo/Gitea ``.forgejo/CODEOWNERS`` takes Go regular
expressions matched against the whole path.

The office's owners come from ``site.yaml`` ``office_team`` (one or more owners separated by
spaces, e.g. ``@shixian/ducha``), default :data:`OFFICE_DEFAULT`.  The environment variable
``GONGSHI_OFFICE_TEAM`` still overrides it (the way earlier versions were configured).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from generator.model import records as R
from generator.model.errors import Problems
from generator.model.forge import OWNER_RE, Forge, facts
from generator.model.load import Source, load

OFFICE_ENV = "GONGSHI_OFFICE_TEAM"
OFFICE_DEFAULT = "@oversight-office"
OFFICE_PATHS = ("site.yaml", "campaigns/", "inspections/", "evaluations/")  # inside the data folder
# mkdocs.yml names the data folder (the plugin's data_dir): moving it is the office's change to make.
OFFICE_ROOT = ("/mkdocs.yml",)
FORGE_PATHS = {Forge.GITHUB: ("/.github/",), Forge.FORGEJO: ("/.forgejo/",), Forge.GITLAB: ("/.gitlab/", "/.gitlab-ci.yml")}
# What ``gongshi diff`` flags as the office's, whatever forge the county uses: a change could add a
# CODEOWNERS file or CI settings that another forge (or the county's next one) would read, at any of
# the places forges read them from (Forgejo/Gitea also read the root, docs/ and .gitea/), and the CI script.
REVIEW_OFFICE_PATHS = (*OFFICE_ROOT, *dict.fromkeys(p for paths in FORGE_PATHS.values() for p in paths),
                       "/CODEOWNERS", "/docs/CODEOWNERS", "/.gitea/", "/.ci/")
TARGET = facts(Forge.GITHUB).codeowners  # the default forge's; see target()


def target(site: R.Site | None) -> str:
    return facts(site.forge if site is not None else Forge.GITHUB).codeowners


def office_owners(site: R.Site | None = None, use_env: bool = True) -> tuple[list[str], str]:
    """(the oversight office's owners, where they came from)."""
    env = os.environ.get(OFFICE_ENV) if use_env else None
    if env and env.strip():
        return env.split(), f"环境变量 {OFFICE_ENV}"
    if site is not None and site.office_team:
        return site.office_team.split(), f"{site.loc.path} 的 office_team"
    return [OFFICE_DEFAULT], "默认值"


def _pattern(forge: Forge, path: str) -> str:
    """A path as this forge's CODEOWNERS spells it: ``/dir/`` or ``/file`` (gitignore) or a regexp."""
    if forge is not Forge.FORGEJO:
        return path
    body = path.lstrip("/")
    # Go regexp, whole path; a backslash is itself escaped in Forgejo's file, hence "\\." for "\.".
    rx = re.sub(r"([.+*?()|\[\]{}^$])", r"\\\\\1", body.rstrip("/"))
    return f"{rx}/.*" if body.endswith("/") else rx


def render(root: Path, use_env: bool = True, data: str = "data") -> tuple[str, list[str], str]:
    """(the CODEOWNERS text, problems as ``path:line: message`` lines, the file's path); ``data`` is
    the data folder relative to ``root`` (the plugin's ``data_dir``)."""
    problems = Problems()
    ds, _declared = load(Source(Path(root), data), problems)
    errors = [p.text() for p in problems.errors if p.path.endswith("/unit.yaml") or p.path == f"{data}/site.yaml"]
    site = ds.site if ds.site.loc is not R.NOWHERE else None
    forge = site.forge if site is not None else Forge.GITHUB
    office, source = office_owners(site, use_env)
    for o in office:
        if not OWNER_RE.match(o):
            errors.append(f"{source}：“{o}”不是有效的账号或团队（应写成 @用户名 或 @组织/团队）")
    owners = " ".join(office)
    lines = [
        f"# 由 gongshi codeowners 根据 {data}/units/*/unit.yaml 中的 maintainers 生成，请勿手工修改。",
        "# 更换某单位的维护人：修改该单位 unit.yaml 的 maintainers，运行 gongshi codeowners，连同本文件一起提交。",
        f"# 督查考核办公室的账号来自 {data}/site.yaml 的 office_team（默认 {OFFICE_DEFAULT}；环境变量 {OFFICE_ENV} 优先）。",
        "",
        "# 网站设置、活动、督查、考核评比、mkdocs.yml（数据文件夹设在这里），以及持续集成配置和本文件：督查考核办公室",
    ]
    if forge is Forge.GITLAB:
        lines.append("[督查考核办公室]")
    office_paths = tuple(f"/{data}/{p}" for p in OFFICE_PATHS) + OFFICE_ROOT + FORGE_PATHS[forge]
    lines += [f"{_pattern(forge, path)} {owners}" for path in office_paths]
    lines += ["", "# 各单位的文件夹：该单位 unit.yaml 中的 maintainers；没有填写的，由督查考核办公室负责"]
    if forge is Forge.GITLAB:
        lines.append("[各单位]")
    for uid in sorted(ds.units):
        unit = ds.units[uid].unit
        good = []
        item_lines = getattr(unit.maintainers, "lines", ())
        for i, m in enumerate(unit.maintainers):
            if OWNER_RE.match(m):
                good.append(m)
            else:
                path, line, key = unit.loc.at("maintainers")
                if i < len(item_lines):
                    line = item_lines[i]
                errors.append(f"{path}:{line}: {key}[{i}]：“{' '.join(m.split())}”不是有效的账号或团队："
                              "请写成 @用户名 或 @组织/团队，如 @shixian/fagaiwei")
        lines.append(f"{_pattern(forge, f'/{data}/units/{uid}/')} {' '.join(dict.fromkeys(good)) or owners}")
    return "\n".join(lines) + "\n", errors, target(site)


def codeowners_command(root: Path, check_only: bool = False, data: str = "data") -> int:
    root = Path(root)
    text, errors, where = render(root, data=data)
    if errors:
        print("\n".join(errors))
        print(f"gongshi: 上面的错误改正之前，不能生成 {where}", file=sys.stderr)
        return 1
    dest = root / where
    current = dest.read_text(encoding="utf-8") if dest.is_file() else None
    if check_only:
        if current is None:
            print(f"gongshi: 还没有 {where}：请运行 gongshi codeowners，并提交生成的文件", file=sys.stderr)
            return 1
        if current != text:
            print(f"gongshi: {where} 已过期，与各单位 unit.yaml 中的 maintainers 或 site.yaml 的 office_team 不一致："
                  "请运行 gongshi codeowners，并提交生成的文件", file=sys.stderr)
            return 1
        print(f"{where} 是最新的。", file=sys.stderr)
        return 0
    if current == text:
        print(f"{where} 已是最新，没有改动。", file=sys.stderr)
        return 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text, encoding="utf-8")
    print(f"已写入 {where}。", file=sys.stderr)
    return 0
