"""The ``gongshi`` command.  The boundary: problems become messages and exit codes here."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

from generator.model import schema
from generator.model.errors import Level, Problem, format_problems
from generator.model.forge import Forge
from generator.model.mkdocsconf import plugin_option
from generator.review.integrity import IntegrityError
from generator.view.pipeline import AsOfError, check, parse_as_of

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2


def _root(args) -> Path:
    return Path(args.root).resolve()


class UsageError(Exception):
    pass


def _data_dir(args) -> str:
    """The data folder, a posix path relative to the project root: ``--data``, else the gongshi
    plugin's ``data_dir`` in mkdocs.yml (as ``mkdocs build`` would read it), else ``data``."""
    root = _root(args)
    given = getattr(args, "data", None)
    where = "--data"
    if not given:
        given, where = _plugin_option(root / "mkdocs.yml", "data_dir"), "mkdocs.yml 中 gongshi 插件的 data_dir"
    if not given:
        return "data"
    if not isinstance(given, str):
        raise UsageError(f"{where} 应是文件夹路径，如 data")
    path = (root / given).resolve()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"{where}（{given}）不在项目目录 {root} 之内") from None


def _plugin_option(config_file: Path, name: str):
    """One option of the gongshi plugin in mkdocs.yml, or None (no mkdocs.yml: a data-only checkout)."""
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return plugin_option(text, name)


def _data_override(args) -> Path | None:
    """--data for build and serve, absolute (the plugin reads data_dir from mkdocs.yml otherwise)."""
    return _root(args) / _data_dir(args) if getattr(args, "data", None) else None


def _fmt(args) -> str:
    if args.format:
        return args.format
    return "text"


def _inside(root: Path, p: Problem) -> Problem:
    """The problem with its line inside its file: GitHub drops an annotation whose line the file does not
    have.  Line 0 (the file as a whole) stays a file annotation."""
    if p.line <= 0:
        return p
    try:
        n = (root / p.path).read_bytes().count(b"\n") + 1
    except OSError:
        n = 1  # a deleted file or a folder: its first line
    line = min(p.line, n)
    return p if line == p.line else replace(p, line=line)


def _annotations(root: Path, first: list[Problem], rest: list[Problem], touched: set[str] | None) -> tuple[list[str], list[Problem]]:
    """GitHub annotations, the real cause first: integrity and history problems, then errors, then warnings;
    only for the files the pull request touches (``touched``; None: every file).  GitHub shows ten
    annotations of each kind per step, so other units' 久未更新 warnings must not use them up.
    Returns (annotation lines, problems left for the plain log)."""
    ordered = first + [p for p in rest if p.level is Level.ERROR] + [p for p in rest if p.level is not Level.ERROR]
    shown, left = [], []
    for p in ordered:
        if touched is None or p.path in touched or any(t.startswith(p.path.rstrip("/") + "/") for t in touched):
            shown.append(_inside(root, p).github())
        else:
            left.append(p)
    return shown, left


def cmd_check(args) -> int:
    as_of = parse_as_of(args.as_of)
    base_problems: list[Problem] = []
    memo = None
    if args.base:
        from generator.model.load import Memo

        memo = Memo()  # the base revision shares most files with the working tree: convert those once
    res = check(_root(args), as_of, data_dir=_data_dir(args), memo=memo)
    problems = list(res.problems)
    touched: set[str] | None = None
    if args.base or args.base_export:
        from generator.review.integrity import check_against_export, check_against_rev

        if args.base:
            from generator.review.reviewdiff import changed_files

            base_problems = check_against_rev(_root(args), args.base, res)
            touched = set(changed_files(_root(args), args.base, None))
        if args.base_export:
            base_problems += check_against_export(Path(args.base_export), res)
    if args.strict:
        problems = [p if p.level is Level.ERROR else replace(p, level=Level.ERROR) for p in problems]
    # Integrity and history first: a clerk reads the real cause before any knock-on error or warning.
    base_problems = sorted(base_problems)
    errors = [p for p in base_problems + problems if p.level is Level.ERROR]
    fmt = _fmt(args)
    if fmt in ("json", "gitlab"):
        print(format_problems(base_problems + problems, fmt))
        return EXIT_DATA if errors else EXIT_OK
    github = fmt == "github" or (fmt == "text" and os.environ.get("GITHUB_ACTIONS") == "true")
    if fmt == "text":
        out = format_problems(base_problems + problems, "text")
        if out:
            print(out)
    if github and (base_problems or problems):
        shown, left = _annotations(_root(args), base_problems, problems, touched)
        if shown:
            print("\n".join(shown))
        if fmt == "github" and left:
            print(f"以下 {len(left)} 个问题不在这次修改的文件中（多为其他单位的久未更新提醒），只列在日志里：")
            print(format_problems(left, "text"))
    if fmt == "text":
        n_warn = len(base_problems) + len(problems) - len(errors)
        ds = res.dataset
        n_p = sum(len(f.pledges) for f in ds.units.values())
        n_l = sum(len(f.ledger) for f in ds.units.values())
        n_r = sum(len(f.rectifications) for f in ds.units.values())
        summary = (f"检查了 {len(ds.units)} 个单位、{n_p} 项承诺、{n_l} 条台账、{n_r} 个问题"
                   f"（视图日期 {res.derived.as_of}）：")
        if errors:
            print(f"{summary}{len(errors)} 个错误，{n_warn} 个警告。请按上面的提示修改后再提交。", file=sys.stderr)
        else:
            print(f"{summary}没有错误，{n_warn} 个警告。", file=sys.stderr)
    return EXIT_DATA if errors else EXIT_OK


def cmd_schema(args) -> int:
    out = Path(args.out) if args.out else _root(args) / "schema"
    out.mkdir(parents=True, exist_ok=True)
    for kind in schema.KINDS:
        text = json.dumps(schema.json_schema(kind), ensure_ascii=False, indent=2) + "\n"
        (out / f"{kind}.json").write_text(text, encoding="utf-8")
    print(f"已写入 {len(schema.KINDS)} 个 JSON Schema 到 {out}", file=sys.stderr)
    return EXIT_OK


def cmd_build(args) -> int:
    from generator.site.build import build_site

    return build_site(_root(args), parse_as_of(args.as_of), strict=args.strict, out=args.site_dir, data=_data_override(args))


def cmd_serve(args) -> int:
    from generator.site.build import serve

    return serve(_root(args), parse_as_of(args.as_of), args.dev_addr, data=_data_override(args))


def cmd_edit(args) -> int:
    from generator.publish.admin import AdminError, start_local_backend
    from generator.site.build import serve_built

    root = _root(args)
    # Read --dev-addr before the backend starts: a bad one must not leave it running behind a traceback.
    host, sep, port = args.dev_addr.rpartition(":")
    port = port or "0"
    if not sep or not (port.isascii() and port.isdigit()) or int(port) > 65535:
        print(f"gongshi: --dev-addr “{args.dev_addr}”不对：请写成 地址:端口，如 127.0.0.1:8000（端口写 0 则由系统分配）",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        proc, api = start_local_backend(root, args.api_port)
    except AdminError as exc:
        print(f"gongshi: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"网页编辑器的本地后端：{api}（保存的内容直接写入 {root / _data_dir(args)}，不会提交）", file=sys.stderr)
    os.environ["GONGSHI_EDIT_API"] = api
    try:
        return serve_built(root, parse_as_of(args.as_of), host or "127.0.0.1", int(port),
                           data_dir=_data_dir(args), data=_data_override(args))
    finally:
        os.environ.pop("GONGSHI_EDIT_API", None)
        proc.terminate()
        proc.wait(timeout=10)


def cmd_diff(args) -> int:
    from generator.review.reviewdiff import diff_command

    return diff_command(_root(args), args.base, args.head, parse_as_of(args.as_of), _data_dir(args))


def cmd_codeowners(args) -> int:
    from generator.review.codeowners import codeowners_command

    return codeowners_command(_root(args), check_only=args.check, data=_data_dir(args))


def cmd_notices(args) -> int:
    from generator.publish.notices import notices_command

    return notices_command(_root(args), args.out, args.units, data=_data_override(args))


def cmd_init(args) -> int:
    from datetime import date

    from generator.county.init import InitError, Options, init_county
    from generator.county.unitlist import UnitListError
    from generator.model.forge import Forge

    start = None
    if args.start:
        try:
            start = date.fromisoformat(args.start)
        except ValueError:
            print(f"gongshi: --start “{args.start}”不是日期：请写成 YYYY-MM-DD，如 2027-01-01", file=sys.stderr)
            return EXIT_USAGE
    opts = Options(args.name, Path(args.units) if args.units else None, Forge(args.forge), args.base_url,
                   args.repo_url, start, args.office_team, args.gongshi)
    dest = Path(args.dir)
    try:
        # "Today" where the county is: the campaign templates start on it unless --start says otherwise.
        from datetime import datetime
        from zoneinfo import ZoneInfo

        files = init_county(dest, opts, datetime.now(ZoneInfo("Asia/Shanghai")).date())
    except UnitListError as exc:
        print("\n".join(f"{exc.path}: {m}" for m in exc.messages), file=sys.stderr)
        print(f"gongshi: 单位名单有 {len(exc.messages)} 处问题，什么都没有写入。请改好名单后再运行。", file=sys.stderr)
        return EXIT_DATA
    except InitError as exc:
        print(f"gongshi: {exc}", file=sys.stderr)
        return EXIT_DATA
    units = sum(1 for f in files if f.endswith("/unit.yaml"))
    pin = (dest / "gongshi.txt").read_text(encoding="utf-8").splitlines()[-1]
    print(f"gongshi 的版本锁定为：{pin}", file=sys.stderr)
    if "example.gov.cn" in pin or "@" not in pin or "github.com" in pin.lower():
        # github.com is often unreachable in China: a county's CI must install from its own mirror.
        print("注意：请把 gongshi.txt 中的地址改为本县镜像的 gongshi 仓库（或用 --gongshi 指定），否则持续集成装不上 gongshi"
              "（github.com 在国内常常无法访问）。", file=sys.stderr)
    print(f"已在 {dest} 创建{args.name}的仓库：{len(files)} 个文件，{units} 个单位。下一步：\n"
          f"  cd {dest}\n  sh ci/install.sh && . .venv/bin/activate\n  gongshi check && gongshi build\n"
          "然后按 README.md 的“下一步”补全监督渠道、活动日期和各单位的维护人。", file=sys.stderr)
    return EXIT_OK


def cmd_publish(args) -> int:
    from generator.county.deploy import PublishError, publish

    try:
        return publish(_root(args), args.to, keep=args.keep, as_of=parse_as_of(args.as_of), release=args.release)
    except PublishError as exc:
        print(f"gongshi: {exc}", file=sys.stderr)
        return EXIT_DATA


def cmd_audit(args) -> int:
    from generator.review.audit import audit

    since = parse_as_of(args.since) if args.since else None
    return audit(args.site, since, Path(args.keep) if args.keep else None, args.chain_only)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gongshi", description="gongshi（公示）：把承诺、台账和整改数据发布为公开网站")
    p.add_argument("--root", default=os.environ.get("GONGSHI_ROOT", "."), help="项目根目录（包含 data/ 和 mkdocs.yml），默认当前目录")
    data_help = "数据文件夹，相对于项目根目录；默认读 mkdocs.yml 中 gongshi 插件的 data_dir，没有时为 data"
    p.add_argument("--data", metavar="DIR", default=None, help=data_help)
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    def as_of(sp):
        sp.add_argument("--as-of", metavar="DATE", help="以这一天的视角计算状态（YYYY-MM-DD）；也可用环境变量 GONGSHI_AS_OF；默认今天")
        # Also after the command (gongshi check --data records); SUPPRESS keeps the one before it.
        sp.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help=data_help)

    c = sub.add_parser("check", help="检查数据文件夹（data/）中的数据")
    as_of(c)
    c.add_argument("--base", metavar="REV", help="与 git 版本 REV 比较，检查已公示的记录是否被删除或改写")
    c.add_argument("--base-export", metavar="FILE", help="与已发布的 gongshi.json 比较，检查已公示的记录是否被删除或改写")
    c.add_argument("--format", choices=["text", "github", "json", "gitlab"],
                   help="输出格式，默认 text；gitlab 是 GitLab 的 Code Quality 报告（JSON），显示在合并请求上")
    c.add_argument("--strict", action="store_true", help="把警告也当作错误")
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("build", help="生成网站到 site/")
    as_of(b)
    b.add_argument("--strict", action="store_true",
                   help="MkDocs 的警告（如失效链接）也当作错误；数据警告（如久未更新）不影响构建（插件选项 strict 除外）")
    b.add_argument("--site-dir", default=None, help="输出目录，默认 site/")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("serve", help="本地预览网站，修改 data/ 或 content/ 后自动刷新")
    as_of(s)
    s.add_argument("--dev-addr", default="127.0.0.1:8000", help="监听地址，默认 127.0.0.1:8000")
    s.set_defaults(func=cmd_serve)

    e = sub.add_parser("edit", help="在本机运行网页编辑器（/admin/），保存的内容直接写入工作目录，供试用和测试")
    as_of(e)
    e.add_argument("--dev-addr", default="127.0.0.1:8000", help="预览网站的监听地址，默认 127.0.0.1:8000；端口写 0 则由系统分配")
    e.add_argument("--api-port", type=int, default=0, help="本地后端（decap-server）的端口，默认由系统分配")
    e.set_defaults(func=cmd_edit)

    d = sub.add_parser("diff", help="以 Markdown 列出一次修改对公开记录的影响，供审核")
    d.add_argument("base", metavar="BASE")
    d.add_argument("head", metavar="HEAD", nargs="?", default=None)
    as_of(d)
    d.set_defaults(func=cmd_diff)

    a = sub.add_parser("audit", help="核对已发布网站的清单日志：已公开的记录有没有被删除或改写（只需网站本身）")
    a.add_argument("site", metavar="URL_OR_DIR", help="网站地址（如 https://gongshi.example.gov.cn/），或网站文件、保存的副本所在的文件夹")
    a.add_argument("--since", metavar="DATE", help="只逐期重算这一天（YYYY-MM-DD）以后发布的各期；哈希链始终从头核对")
    a.add_argument("--keep", metavar="DIR", help="把取回的日志保存到 DIR，并与上次保存的副本比较：已保存的条目丢失或被替换都会报告")
    a.add_argument("--chain-only", action="store_true", help="只核对哈希链和保存的副本，不逐期重算记录（发布前取回日志时用）")
    a.set_defaults(func=cmd_audit)

    sc = sub.add_parser("schema", help="写出每种文件的 JSON Schema 到 schema/")
    sc.add_argument("--out", default=None, help="输出目录，默认 schema/")
    sc.set_defaults(func=cmd_schema)

    co = sub.add_parser("codeowners", help="根据各单位的 maintainers 生成 CODEOWNERS（位置和写法随 site.yaml 的 forge）")
    co.add_argument("--check", action="store_true", help="只检查已提交的文件是否过期")
    co.set_defaults(func=cmd_codeowners)

    i = sub.add_parser("init", help="为一个县新建数据仓库（网站设置、两个活动模板、每个单位一个文件夹、持续集成）")
    i.add_argument("dir", metavar="DIR", help="新仓库的文件夹（不存在或为空）")
    i.add_argument("--name", required=True, help="县（市、区）的名称，如 清河县")
    i.add_argument("--units", metavar="FILE", help="单位名单（.csv 或 .xlsx；表头如 单位名称、单位类别、简称……）")
    i.add_argument("--forge", choices=[f.value for f in Forge], default="forgejo",
                   help="数据仓库所在的平台，默认 forgejo（也适用于 Gitea）")
    i.add_argument("--base-url", metavar="URL", help="网站的公开地址，如 https://gongshi.qinghe.gov.cn/")
    i.add_argument("--repo-url", metavar="URL", help="数据仓库的网址（“编辑此页”和反映问题的链接）")
    i.add_argument("--start", metavar="DATE", help="活动开始日期（YYYY-MM-DD），两个活动模板的阶段从这天起算；默认今天")
    i.add_argument("--office-team", default="@oversight-office", help="督查考核办公室的账号或团队，如 @qinghe/ducha")
    i.add_argument("--gongshi", metavar="REQUIREMENT",
                   help="写入 gongshi.txt 的 pip 依赖说明，如 \"gongshi @ git+https://git.example.gov.cn/mirror/gongshi.git@<提交>\"；"
                        "默认为正在运行的 gongshi 的来源和提交")
    i.set_defaults(func=cmd_init)

    pb = sub.add_parser("publish", help="检查、生成网站，用 rsync 上传到服务器的 releases/<时间>/，再原子地切换 current")
    pb.add_argument("--to", required=True, metavar="TARGET",
                    help="用户@服务器:/绝对路径（经 SSH，ssh 命令可由 GONGSHI_SSH 指定）或本机的文件夹")
    pb.add_argument("--keep", type=int, default=5, help="保留最近几个版本，默认 5")
    pb.add_argument("--release", default=None, help="版本名，默认当前的 UTC 时间，如 20261204T180000Z")
    as_of(pb)
    pb.set_defaults(func=cmd_publish)

    n = sub.add_parser("notices", help="为每个单位生成可打印的公示单 PDF")
    n.add_argument("--out", default="notices", help="输出目录，默认 notices/")
    n.add_argument("units", nargs="*", help="只生成这些单位（默认全部）")
    n.set_defaults(func=cmd_notices)
    return p


def main(argv: list[str] | None = None) -> int:
    # Material 9.8 prints an end-of-life banner when it thinks MkDocs is running; gongshi's
    # commands print only their own messages (the banner's own switch; see README, "Material").
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (AsOfError, UsageError) as exc:
        print(f"gongshi: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except IntegrityError as exc:  # --base / --base-export / diff: the earlier state cannot be read
        print(f"gongshi: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
