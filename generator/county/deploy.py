"""``gongshi publish --to TARGET``: the site on a plain web server, release by release.

TARGET is ``user@host:/srv/gongshi`` (rsync over SSH; ``GONGSHI_SSH`` gives the ssh command, e.g.
with ``-i key -p 2222``) or a local folder.  Under it::

    releases/20261204T180000Z/   one folder per published build (the newest --keep are kept)
    current -> releases/…        what nginx serves (root …/current)

The steps, each of which stops the publish when it fails, leaving the live release as it was:

1. fetch ``data/gongshi.json``, ``manifest.json`` and the public log ``data/manifests/`` of the newest
   release from the target (the last name in ``releases/``, not ``current``: after a rollback ``current``
   points at an older release, and building on it would drop the rolled-back steps from the public log
   and check against an older export); the log's chain is checked as ``gongshi audit --chain-only`` does;
2. check the data, and against that export (``check --base-export``): nothing published may vanish;
3. build the site into a temporary folder, its manifest chained to the live one and its log the live
   log with this build's step appended;
4. upload it with rsync into ``releases/<name>.partial/`` (unchanged files hard-linked to the live
   release), then rename it to ``releases/<name>/``;
5. switch ``current`` atomically: a new symlink renamed over the old one (``mv -T``, one rename(2));
6. delete releases beyond the newest ``--keep`` and leftover ``.partial`` uploads.

Steps 4–6 run the same shell commands locally or through ssh, so the test of a local target
exercises what runs on a server.  Release names sort in publish order (the default UTC times do; a
given ``--release`` must sort after every release on the target), so the newest is the last name and
pruning keeps the newest.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple

RELEASE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,62}$")
REMOTE_RE = re.compile(r"^(?P<host>[^/:\s]+):(?P<path>.*)$")
DRIVE_RE = re.compile(r"^[A-Za-z]:[\\/]")  # C:\site on Windows is a folder, not host "C"
TOOLS_MISSING = "找不到 ssh/rsync：请安装 openssh-client / rsync"


class PublishError(Exception):
    """The publish stopped; the live release is untouched. The message says why, in Chinese."""


class Target:
    """Where releases go: a local folder or ``host:/path`` over SSH."""

    def __init__(self, spec: str):
        m = None if DRIVE_RE.match(spec) else REMOTE_RE.match(spec)
        if m and not m.group("path").startswith("/"):
            # rsync and ssh would take user@host:srv or host:~/x relative to the login's home; it is
            # almost always a typo for an absolute path, and before this it became a local folder.
            raise PublishError(f"发布目标“{spec}”不对：服务器上的文件夹要写绝对路径，即 用户@服务器:/绝对路径，"
                               "如 deploy@gongshi.example.gov.cn:/srv/gongshi")
        self.spec = spec
        self.host = m.group("host") if m else None
        self.base = m.group("path").rstrip("/") if m else str(Path(spec).resolve())
        if m is None and not Path(spec).is_absolute() and spec.startswith("-"):
            raise PublishError(f"发布目标“{spec}”不对：应为 用户@服务器:/绝对路径 或本机的文件夹")
        self.ssh = shlex.split(os.environ.get("GONGSHI_SSH") or "ssh -o BatchMode=yes")

    def rsync_path(self, rel: str) -> str:
        path = f"{self.base}/{rel}"
        return f"{self.host}:{path}" if self.host else path

    def rsync_args(self) -> list[str]:
        return ["-e", shlex.join(self.ssh)] if self.host else []

    def sh(self, script: str) -> subprocess.CompletedProcess:
        """Run a POSIX shell script in the target's base folder (created if missing)."""
        full = f"set -eu\nmkdir -p {shlex.quote(self.base)}\ncd {shlex.quote(self.base)}\n{script}"
        cmd = [*self.ssh, self.host, "sh -c " + shlex.quote(full)] if self.host else ["sh", "-c", full]
        try:
            return subprocess.run(cmd, capture_output=True, text=True)
        except OSError as exc:  # no ssh on this runner (or GONGSHI_SSH names a missing program)
            raise PublishError(f"{TOOLS_MISSING}（{cmd[0]}：{exc.strerror or exc}）") from None


def _rsync(args: list[str]) -> subprocess.CompletedProcess:
    exe = shutil.which("rsync")
    if exe is None:
        raise PublishError(f"{TOOLS_MISSING}（没有 rsync 命令）")
    try:
        return subprocess.run([exe, *args], capture_output=True, text=True)
    except OSError as exc:
        raise PublishError(f"{TOOLS_MISSING}（{exc.strerror or exc}）") from None


class Live(NamedTuple):
    """What is on the target: the release ``current`` points at, the newest completed release (the
    base of the next one) and every completed release's name."""

    current: str | None
    newest: str | None
    releases: list[str]


def survey(target: Target) -> tuple[Live, bool]:
    """The releases on the target, and whether the newest carries the public log; one shell call."""
    proc = target.sh("""
cur=
if [ -L current ]; then cur=$(basename "$(readlink current)"); fi
echo "current=$cur"
if [ -d releases ]; then
  ls -1 releases | grep -v '\\.partial$' | while read -r r; do
    if [ -d "releases/$r" ]; then echo "release=$r"; fi
    if [ -f "releases/$r/data/manifests/index.json" ]; then echo "log=$r"; fi
  done
fi
echo end
""")
    # Anything but a complete answer (ssh exits 255 when the connection fails) stops the publish:
    # reading a failure as "no log" would start a fresh one-step log and wipe the public one.
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or not lines or lines[-1] != "end":
        raise PublishError(f"无法访问发布目标 {target.spec}（退出码 {proc.returncode}）："
                           f"{proc.stderr.strip() or proc.stdout.strip()}")
    current = next((ln[8:] for ln in lines if ln.startswith("current=")), "") or None
    releases = sorted(ln[8:] for ln in lines if ln.startswith("release="))  # str order = C locale order
    newest = releases[-1] if releases else None
    return Live(current, newest, releases), newest is not None and f"log={newest}" in lines


def fetch_live(target: Target, into: Path) -> Live:
    """Copy the newest release's gongshi.json, manifest.json and public log into INTO."""
    live, has_log = survey(target)
    base = live.newest
    if base is None:
        return live
    into.mkdir(parents=True, exist_ok=True)
    for name in ("gongshi.json", "manifest.json"):
        p = _rsync(["-q", *target.rsync_args(), target.rsync_path(f"releases/{base}/data/{name}"), str(into / name)])
        if p.returncode != 0:
            raise PublishError(f"无法取回线上的 data/{name}（rsync 退出码 {p.returncode}）：{p.stderr.strip()}；"
                               "为免跳过完整性检查，本次不发布")
    # The public log (issue 13): carried forward whole; a site published before the log has none.
    if has_log:
        (into / "log" / "data").mkdir(parents=True, exist_ok=True)
        p = _rsync(["-a", *target.rsync_args(), target.rsync_path(f"releases/{base}/data/manifests/"),
                    str(into / "log" / "data" / "manifests")])
        if p.returncode != 0:
            raise PublishError(f"无法取回线上的清单日志 data/manifests/（rsync 退出码 {p.returncode}）：{p.stderr.strip()}；"
                               "日志不能断开，本次不发布")
        # The copy is laid out as a site (data/manifests/ and data/manifest.json), so that it audits.
        shutil.copyfile(into / "manifest.json", into / "log" / "data" / "manifest.json")
    return live


def upload(site: Path, target: Target, name: str, live: str | None) -> None:
    if not (site / "index.html").is_file() or not (site / "data" / "gongshi.json").is_file():
        raise PublishError(f"{site} 不是完整生成的网站（缺少 index.html 或 data/gongshi.json）：不上传")
    prep = target.sh("mkdir -p releases")
    if prep.returncode != 0:
        raise PublishError(f"无法在发布目标上创建 releases/：{prep.stderr.strip()}")
    # --checksum: every build writes every file anew, so size and time cannot tell unchanged files;
    # unchanged ones are then hard-linked to the live release (--link-dest) instead of sent again, which
    # needs --no-times (a preserved time must match for a link) and keeps their ETag for browsers.
    args = ["-a", "--no-times", "--checksum", "--delete", "--chmod=D755,F644", *target.rsync_args()]
    if live:
        args.append(f"--link-dest=../{live}/")  # relative to the destination folder
    p = _rsync([*args, f"{site}/", target.rsync_path(f"releases/{name}.partial/")])
    if p.returncode != 0:
        raise PublishError(f"上传失败（rsync 退出码 {p.returncode}）：{p.stderr.strip()}；线上的网站没有改变")


def switch(target: Target, name: str, keep: int) -> list[str]:
    """Make releases/NAME live and prune; returns the releases left."""
    n = shlex.quote(name)
    script = f"""
test -f releases/{n}.partial/data/gongshi.json
rm -rf releases/{n}
mv releases/{n}.partial releases/{n}
ln -s releases/{n} .current.new
mv -T .current.new current
live=$(basename "$(readlink current)")
ls -1 releases | grep -v '\\.partial$' | LC_ALL=C sort -r | tail -n +{keep + 1} | while read -r old; do
  [ "$old" = "$live" ] || rm -rf "releases/$old"
done
for p in releases/*.partial; do [ -e "$p" ] && rm -rf "$p"; done
ls -1 releases
"""
    p = target.sh(script)
    if p.returncode != 0:
        raise PublishError(f"切换到新版本失败：{p.stderr.strip()}；线上的网站仍是原来的版本")
    return p.stdout.split()


def publish(root: Path, spec: str, keep: int = 5, as_of: date | None = None, release: str | None = None,
            check_live: bool = True, out=sys.stderr) -> int:
    from generator.model.errors import Level, format_problems
    from generator.review.integrity import IntegrityError, check_against_export
    from generator.site.build import build_site
    from generator.view.pipeline import check

    if keep < 1:
        raise PublishError("--keep 至少为 1")
    name = release or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if not RELEASE_RE.match(name) or name.endswith(".partial"):
        raise PublishError(f"版本名“{name}”只能用字母、数字、点、下划线和连字符")
    target = Target(spec)
    with tempfile.TemporaryDirectory(prefix="gongshi-publish-") as tmp:
        live_dir = Path(tmp) / "live"
        state = fetch_live(target, live_dir)
        live = state.newest  # what this release builds on, even when current was rolled back
        if name in state.releases or (live is not None and name < live):
            # Reusing a name would delete that release before the switch (current dangles if it is
            # the live one); a name sorting before the newest would be taken for an older release.
            raise PublishError(f"版本名“{name}”{'已经存在' if name in state.releases else f'排在最新的版本“{live}”之前'}："
                               "请换一个排在所有已有版本之后的名字，或不写 --release（默认用当前时间）")
        print(f"线上的版本：{state.current or live or '（还没有，第一次发布）'}", file=out)
        if live and state.current != live:
            print(f"注意：current 指向 {state.current or '（无）'}（已回退），本次发布接在最新的版本 {live} 之后："
                  f"{live} 公示过的记录仍要在数据中，公开的清单日志保留它的那一期", file=out)
        res = check(root, as_of)
        problems = list(res.problems)
        if live and check_live:
            try:
                problems = sorted(problems + check_against_export(live_dir / "gongshi.json", res))
            except IntegrityError as exc:  # a truncated or foreign gongshi.json on the server
                raise PublishError(f"线上版本 {live} 的 data/gongshi.json 读不了：{exc}；为免跳过完整性检查，本次不发布") from None
        errors = [p for p in problems if p.level is Level.ERROR]
        if problems:
            print(format_problems(problems, "text"), file=out)
        if errors:
            print(f"gongshi: 数据有 {len(errors)} 个错误（含与线上已发布记录的比较）：没有发布", file=out)
            return 1
        log_dir = live_dir / "log" / "data" / "manifests"
        if log_dir.is_dir():
            from generator.review.audit import audit

            # The live log must hold together before this build extends it (as the CI workflows do
            # with `gongshi audit URL --chain-only`).
            if audit(str(live_dir / "log"), chain_only=True, out=out, err=out) != 0:
                print("gongshi: 线上的清单日志不一致（见上面）：没有发布，请先核查", file=out)
                return 1
        site = Path(tmp) / "site"
        previous = {"GONGSHI_PREVIOUS_MANIFEST": live_dir / "manifest.json", "GONGSHI_PREVIOUS_LOG": log_dir}
        old_env = {k: os.environ.get(k) for k in previous}
        for k, path in previous.items():
            if path.exists():
                os.environ[k] = str(path)
            else:
                os.environ.pop(k, None)
        try:
            rc = build_site(root, as_of, strict=False, out=str(site))
        finally:
            for k, v in old_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        if rc != 0:
            print("gongshi: 网站没有生成成功：没有发布", file=out)
            return rc
        upload(site, target, name, live)
        left = switch(target, name, keep)
    print(f"已发布 releases/{name}，current 已指向它；保留的版本：{'、'.join(left)}", file=out)
    return 0
