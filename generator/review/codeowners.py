"""``gongshi codeowners [--check]``: ``.github/CODEOWNERS`` from each unit's ``maintainers``.

Each unit's folder ``/data/units/<id>/`` is owned by the accounts or teams in its ``unit.yaml``
``maintainers`` (contract §1), so that a unit's editors review changes to their own folder and
nobody else's.  The oversight office owns what belongs to no unit — ``site.yaml``, campaigns,
inspections, evaluations — and ``/.github/`` (the workflows and this file itself), plus the folder
of any unit that names no maintainers.

The office's owners come from the environment variable ``GONGSHI_OFFICE_TEAM`` (one or more
owners separated by spaces, e.g. ``@shixian/ducha``), default :data:`OFFICE_DEFAULT`.  Set it in
CI (a repository variable) and locally the same way, or ``--check`` will see a different file.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from generator.model.errors import Problems
from generator.model.load import Source, load

OFFICE_ENV = "GONGSHI_OFFICE_TEAM"
OFFICE_DEFAULT = "@oversight-office"
OFFICE_PATHS = ("/data/site.yaml", "/data/campaigns/", "/data/inspections/", "/data/evaluations/", "/.github/")
TARGET = ".github/CODEOWNERS"

# @user, @org/team, or an e-mail address: nothing that could add a line or a pattern to the file.
OWNER_RE = re.compile(r"^(@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?|[^@\s]+@[^@\s]+\.[A-Za-z]{2,})$")


def office_owners() -> list[str]:
    """The oversight office's owners, from ``GONGSHI_OFFICE_TEAM`` (default ``@oversight-office``)."""
    return (os.environ.get(OFFICE_ENV) or OFFICE_DEFAULT).split()


def render(root: Path) -> tuple[str, list[str]]:
    """(the CODEOWNERS text, problems as ``path:line: message`` lines)."""
    problems = Problems()
    ds, _declared = load(Source(Path(root)), problems)
    errors = [p.text() for p in problems.errors if p.path.endswith("/unit.yaml")]
    office = office_owners()
    for o in office:
        if not OWNER_RE.match(o):
            errors.append(f"环境变量 {OFFICE_ENV}：“{o}”不是有效的账号或团队（应写成 @用户名 或 @组织/团队）")
    lines = [
        "# 由 gongshi codeowners 根据 data/units/*/unit.yaml 中的 maintainers 生成，请勿手工修改。",
        "# 更换某单位的维护人：修改该单位 unit.yaml 的 maintainers，运行 gongshi codeowners，连同本文件一起提交。",
        f"# 督查考核办公室的账号来自环境变量 {OFFICE_ENV}（默认 {OFFICE_DEFAULT}）。",
        "",
        "# 网站设置、活动、督查、考核评比，以及工作流和本文件：督查考核办公室",
    ]
    owners = " ".join(office)
    lines += [f"{path} {owners}" for path in OFFICE_PATHS]
    lines += ["", "# 各单位的文件夹：该单位 unit.yaml 中的 maintainers；没有填写的，由督查考核办公室负责"]
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
                errors.append(f"{path}:{line}: {key}[{i}]：“{' '.join(m.split())}”不是有效的账号或团队：请写成 @用户名 或 @组织/团队，如 @shixian/fagaiwei")
        lines.append(f"/data/units/{uid}/ {' '.join(dict.fromkeys(good)) or owners}")
    return "\n".join(lines) + "\n", errors


def codeowners_command(root: Path, check_only: bool = False) -> int:
    root = Path(root)
    text, errors = render(root)
    if errors:
        print("\n".join(errors))
        print("gongshi: 上面的错误改正之前，不能生成 .github/CODEOWNERS", file=sys.stderr)
        return 1
    target = root / TARGET
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check_only:
        if current is None:
            print(f"gongshi: 还没有 {TARGET}：请运行 gongshi codeowners，并提交生成的文件", file=sys.stderr)
            return 1
        if current != text:
            print(f"gongshi: {TARGET} 已过期，与各单位 unit.yaml 中的 maintainers 不一致："
                  "请运行 gongshi codeowners，并提交生成的文件", file=sys.stderr)
            return 1
        print(f"{TARGET} 是最新的。", file=sys.stderr)
        return 0
    if current == text:
        print(f"{TARGET} 已是最新，没有改动。", file=sys.stderr)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"已写入 {TARGET}。", file=sys.stderr)
    return 0
