"""``gongshi audit URL_OR_DIR``: anyone checks from the published site alone that nothing was rewritten.

It reads a site's public log (:mod:`generator.publish.log`) over HTTP(S) or from a local copy, and

1. rebuilds every manifest from the steps and checks every hash and every link of the chain, and that
   the live ``/data/manifest.json`` is the log's last entry;
2. rebuilds what each step published (:class:`generator.review.exportsource.RecordSource`) and holds it
   against the step before with the rules of ``check --base-export``
   (:func:`generator.review.integrity.check_against_export`, called as that option calls it): no record
   gone, nothing rewritten without a public ``changes`` entry;
3. re-derives each step's records as of the day an earlier step was published (the latest one before
   that step's reference day, contract §3b) and compares the states with what that step showed: a
   withdrawal, closure or ledger entry dated back into the past changes them;
4. with ``--keep DIR``, compares the log with the copy kept by an earlier run: an entry lost or replaced
   is reported even when the rewritten log holds together; a consistent log is then kept.

Every finding is one Chinese line with the record, the dates and the two hashes.  Exit 0 only when
everything is consistent, 1 on findings, 2 when the input cannot be read.
"""

from __future__ import annotations

import http.client
import json
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from generator.model import records as R
from generator.model.errors import Level, Problem
from generator.publish.export import gongshi_json, rows
from generator.publish.log import LOG_DIR, Log, LogError, parse_index, replay
from generator.review.exportsource import RecordSource
from generator.review.integrity import check_against_export
from generator.view.derive import derive
from generator.view.pipeline import Checked, check

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
TIMEOUT = 60  # seconds per request
USER_AGENT = "gongshi-audit"


class AuditInputError(Exception):
    """The site or the copy cannot be read; the message is Chinese (exit 2)."""


class Missing(AuditInputError):
    """The site answered, but does not have this file."""


# ------------------------------------------------------------------------------------------
# Reading a site: over HTTP(S) or from a folder


class Site:
    """A published site, or a copy of one, read file by file (paths relative to the site root)."""

    def __init__(self, where: str):
        self.where = where
        self.url: str | None = None
        self.dir: Path | None = None
        parsed = urllib.parse.urlsplit(where)
        if parsed.scheme in ("http", "https"):
            self.url = where if where.endswith("/") else where + "/"
            self.dir = None
        elif parsed.scheme and len(parsed.scheme) > 1:
            raise AuditInputError(f"无法识别的地址“{where}”：请写网站地址（http:// 或 https:// 开头）或本地文件夹")
        else:
            self.url = None
            d = Path(where)
            if not d.is_dir():
                raise AuditInputError(f"找不到文件夹 {where}：请写网站地址（http:// 或 https:// 开头），"
                                      "或已发布网站（或 --keep 保存的副本）所在的文件夹")
            if not (d / LOG_DIR / "index.json").is_file() and (d / "index.json").is_file() and d.name == "manifests":
                d = d.parent.parent  # the data/manifests folder itself
            self.dir = d

    def get(self, rel: str) -> bytes:
        if self.dir is not None:
            path = self.dir / rel
            if not path.is_file():
                raise Missing(f"{path} 不存在")
            try:
                return path.read_bytes()
            except OSError as exc:
                raise AuditInputError(f"无法读取 {path}：{exc.strerror}") from None
        assert self.url is not None  # one of the two is set by __init__
        url = urllib.parse.urljoin(self.url, rel)
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - http(s) only, checked above
                return resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                raise Missing(f"{url} 不存在（HTTP {exc.code}）") from None
            raise AuditInputError(f"网站没有正常返回 {url}（HTTP {exc.code}）：请稍后再试，或确认网站地址") from None
        except http.client.IncompleteRead as exc:
            raise AuditInputError(f"从 {url} 只收到 {len(exc.partial)} 字节，传输中断了：请稍后再试") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                why = f"{TIMEOUT} 秒内没有响应"
            else:
                why = str(reason) or type(reason).__name__
            raise AuditInputError(f"无法连接 {url}（{why}）：请检查网站地址和网络") from None

    @property
    def label(self) -> str:
        return self.url or str(self.dir)


def fetch_log(site: Site) -> tuple[Log, dict[str, bytes]]:
    """The site's log and every file read, by path relative to the site root (for --keep)."""
    rel = f"{LOG_DIR}/index.json"
    try:
        raw = site.get(rel)
    except Missing:
        raise AuditInputError(f"{site.label} 没有公开的清单日志（{rel}）：它不是 gongshi 网站，"
                              "或者是日志功能启用前发布的；请确认网站地址（应是网站首页的地址）") from None
    files = {rel: raw}
    try:
        entries = parse_index(raw, f"{site.label} 的 {rel}")
    except LogError as exc:
        raise AuditInputError(str(exc)) from None
    steps = []
    for e in entries:
        path = f"{LOG_DIR}/{e.file}"
        try:
            data = site.get(path)
        except Missing:
            raise AuditInputError(f"清单日志列出的 {path}（{e.as_of}）在 {site.label} 上不存在：日志不完整，无法核对"
                                  ) from None
        files[path] = data
        steps.append(data)
    return Log(entries, steps), files


# ------------------------------------------------------------------------------------------
# Findings


@dataclass(frozen=True)
class Finding:
    message: str
    record: str | None = None
    before: str | None = None  # date of the earlier state
    after: str | None = None
    hash_before: str | None = None
    hash_after: str | None = None

    def line(self) -> str:
        dates = f"{self.before or '—'} → {self.after or '—'}"
        rec = f"{self.record}：" if self.record else ""
        hashes = f"SHA-256 {self.hash_before or '无'} → {self.hash_after or '无'}"
        return f"[{dates}] {rec}{self.message}（{hashes}）"


def _record_of(problem: Problem, src: RecordSource, old_keys: set[str], new_keys: set[str]) -> str | None:
    """The manifest key a problem of the integrity check is about."""
    key = src.record_at.get((problem.path, problem.line)) or src.record_at.get((problem.path, 0))
    if key:
        return key
    # A record that is gone: the message names it; pick the missing record of that file it names.
    folder = problem.path.split("/")
    unit = folder[2] if len(folder) > 3 and folder[1] == "units" else None
    kinds = {"pledges.yaml": "pledge", "ledger.yaml": "ledger", "rectifications.yaml": "rectification",
             "unit.yaml": "unit"}
    kind = kinds.get(folder[-1]) or ("inspection" if "inspections" in folder else
                                     "evaluation" if "evaluations" in folder else None)
    cands = []
    for k in sorted(old_keys - new_keys):
        k_kind, _, ident = k.partition(":")
        parts = ident.split("/")
        if k_kind != kind or (unit and parts[0] != unit):
            continue
        if all(p in problem.message for p in parts[1:] or parts):
            cands.append(k)
    return cands[0] if cands else None


@dataclass
class Step:
    """One step rebuilt as a dataset, with what it published."""

    index: int
    as_of: str
    checked: Checked
    src: RecordSource
    export_path: Path
    records: dict[str, str]
    states: dict[str, str]


@dataclass
class Shown:
    """What an earlier step showed: each record's state as of its day."""

    as_of: str
    states: dict[str, str]


def _states(view) -> dict[str, str]:
    """Each record's public state in a view: pledges, rectifications and duties (not report duties:
    the published record holds no reports)."""
    t = rows(view)
    out = {f"pledge:{r['unit']}/{r['id']}": r["state"] for r in t["pledges"]}
    out.update({f"rectification:{r['unit']}/{r['id']}": r["state"] for r in t["rectifications"]})
    out.update({f"duty:{r['unit']}/{r['campaign']}/{r['phase']}/{r['kind']}": r["state"]
                for r in t["duties"] if r["kind"] != "report"})
    return out


STATE_ZH = {"pledge": "承诺", "rectification": "问题", "duty": "阶段任务"}


class Auditor:
    def __init__(self, log: Log, workdir: Path):
        self.log = log
        self.workdir = workdir

    def rebuild(self, r, records: dict[str, str]) -> Step:
        day = date.fromisoformat(r.entry.as_of)
        src = RecordSource(r.content)
        checked = check(".", as_of=day, today=day, source=src)
        path = self.workdir / f"step-{r.index}.gongshi.json"
        path.write_text(json.dumps(gongshi_json(checked.derived), ensure_ascii=False), encoding="utf-8")
        return Step(r.index, r.entry.as_of, checked, src, path, records, _states(checked.derived))

    def run(self, since: date | None, chain_only: bool) -> list[Finding]:
        findings: list[Finding] = []
        entries = self.log.entries
        first = 0
        if since is not None:
            first = next((i for i, e in enumerate(entries) if e.as_of >= since.isoformat()), len(entries))
        # The steps rebuilt: from the first checked one's base back to the last one published before
        # its reference day (contract §3b, default grace window), whose states the past-state rule
        # compares.  A site with a longer window gets that rule from the step whose reference day
        # falls after the first rebuilt step.
        start = max(first - 1, 0)
        if first > 0:
            ref = (date.fromisoformat(entries[first - 1].as_of) - timedelta(days=R.DEFAULT_GRACE_DAYS)).isoformat()
            start = next((i for i in range(first - 1, -1, -1) if entries[i].as_of < ref), 0)
        prev: Step | None = None
        shown: list[Shown] = []  # earlier steps whose published states may still be compared
        for r in replay(self.log, "网站的清单日志"):
            for msg, key, h1, h2 in r.problems:
                findings.append(Finding(msg, key, entries[r.index - 1].as_of if r.index else None, r.entry.as_of, h1, h2))
            if chain_only or r.index < start or first >= len(entries):
                continue
            step = self.rebuild(r, dict(r.manifest["records"]))
            if prev is not None and r.index >= first:
                findings += self.compare(prev, step)
                findings += self.past_states(prev, step, shown)
            # Only the states stay for later steps; the export (20 MB for a county) goes with its step.
            shown.append(Shown(step.as_of, step.states))
            if prev is not None:
                prev.export_path.unlink()
            prev = step
        return findings

    def compare(self, prev: Step, step: Step) -> list[Finding]:
        """The rules of check --base-export, the earlier step's export as the base."""
        out = []
        ds_errors = [p for p in step.checked.problems if p.level is Level.ERROR]
        for p in ds_errors:
            key = step.src.record_at.get((p.path, p.line)) or step.src.record_at.get((p.path, 0))
            out.append(Finding(f"这一期发布的数据本身不能通过检查：{p.message}", key, prev.as_of, step.as_of,
                               prev.records.get(key or ""), step.records.get(key or "")))
        old_keys, new_keys = set(prev.records), set(step.records)
        for p in check_against_export(prev.export_path, step.checked):
            if p.level is not Level.ERROR:
                continue
            key = _record_of(p, step.src, old_keys, new_keys)
            out.append(Finding(p.message, key, prev.as_of, step.as_of,
                               prev.records.get(key or ""), step.records.get(key or "")))
        return out

    def past_states(self, prev: Step, step: Step, shown: list[Shown]) -> list[Finding]:
        """What an earlier step showed, against this step's records viewed as of that step's day."""
        # The earlier step's window, as check --base reads the base's: a step cannot widen its own.
        grace = prev.checked.dataset.site.backdate_grace_days
        ref = (date.fromisoformat(prev.as_of) - timedelta(days=grace)).isoformat()
        earlier = [s for s in shown if s.as_of < ref]
        if not earlier:
            return []
        then = earlier[-1]
        del shown[: shown.index(then)]  # the reference day only moves forward
        now = _states(derive(step.checked.dataset, date.fromisoformat(then.as_of)))
        out = []
        for key, state in then.states.items():
            again = now.get(key)
            if again is None or again == state:
                continue  # a record that is gone is reported by the rules above
            name = STATE_ZH.get(key.partition(":")[0], "记录")
            out.append(Finding(f"{then.as_of} 网站公示的{name}状态是“{state}”，按 {step.as_of} 发布的数据重算同一天却是“{again}”："
                               f"过去某一天显示的内容被改写了（{ref} 以前的状态不能再变）",
                               key, then.as_of, step.as_of, prev.records.get(key), step.records.get(key)))
        return out


# ------------------------------------------------------------------------------------------
# --keep: the copy a monitor holds


def _kept(keep: Path) -> Log | None:
    index = keep / LOG_DIR / "index.json"
    if not index.is_file():
        return None
    try:
        site = Site(str(keep))
        log, _files = fetch_log(site)
    except AuditInputError as exc:
        raise AuditInputError(f"保存的副本 {keep} 无法读取：{exc}") from None
    return log


def compare_kept(kept: Log, log: Log) -> list[Finding]:
    """A kept log must be the beginning of the site's log, entry for entry."""
    out: list[Finding] = []
    pairs: list[tuple[int, int]] = []  # (kept index, site index) of entries replaced on the same day
    for i, ke in enumerate(kept.entries):
        fe = log.entries[i] if i < len(log.entries) else None
        if fe is not None and fe.hash == ke.hash and fe.sha256 == ke.sha256:
            continue
        where = next((j for j, e in enumerate(log.entries) if e.hash == ke.hash), None)
        if where is not None:
            out.append(Finding(f"保存的副本中第 {i + 1} 期在网站的日志里排到了第 {where + 1} 期：日志的顺序被改动了",
                               None, ke.as_of, log.entries[where].as_of, ke.hash, log.entries[where].hash))
            continue
        same_day = next((j for j, e in enumerate(log.entries) if e.as_of == ke.as_of), None)
        if same_day is None:
            out.append(Finding(f"保存的副本中第 {i + 1} 期（{ke.file}）网站的日志里已没有：日志丢失了已发布的条目",
                               None, ke.as_of, None, ke.hash, None))
        else:
            fe = log.entries[same_day]
            out.append(Finding(f"保存的副本中第 {i + 1} 期（{ke.file}）在网站的日志里换成了另一份：已发布的条目被替换了",
                               None, ke.as_of, fe.as_of, ke.hash, fe.hash))
            pairs.append((i, same_day))
    if out and not pairs:
        # Entries lost with nothing in their place: hold the kept copy's last step against the
        # site's last step up to that day, to show which records the site no longer has.
        last = len(kept.entries) - 1
        j = max((j for j, e in enumerate(log.entries) if e.as_of <= kept.entries[last].as_of), default=None)
        if j is not None:
            pairs.append((last, j))
    return out + _record_differences(kept, log, pairs)


def _records(log: Log, wanted: set[int]) -> dict[int, dict[str, str]]:
    """The records of the steps ``wanted`` of ``log`` (as far as it can be replayed)."""
    out: dict[int, dict[str, str]] = {}
    try:
        for r in replay(log):
            if r.index in wanted:
                out[r.index] = dict(r.manifest["records"])
            if r.index >= max(wanted, default=-1):
                break
    except LogError:
        pass
    return out


def _record_differences(kept: Log, log: Log, pairs: list[tuple[int, int]]) -> list[Finding]:
    """Which records the site's log shows differently from the kept copy, each once."""
    if not pairs:
        return []
    old = _records(kept, {i for i, _ in pairs})
    new = _records(log, {j for _, j in pairs})
    seen = set()
    out = []
    for i, j in pairs:
        a, b = old.get(i, {}), new.get(j, {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) == b.get(key) or (key, a.get(key), b.get(key)) in seen:
                continue
            seen.add((key, a.get(key), b.get(key)))
            if key not in b:
                what = "在保存的副本中有，网站现在的日志中没有了"
            elif key not in a:
                what = "在保存的副本中没有，网站现在的日志中却有（补进了过去）"
            else:
                what = "的内容与保存的副本不同：已发布的记录被改写了"
            out.append(Finding(f"记录{what}", key, kept.entries[i].as_of, log.entries[j].as_of, a.get(key), b.get(key)))
    return out


def _save(keep: Path, files: dict[str, bytes]) -> None:
    """Write the fetched files under ``keep`` atomically, file by file (the log only grows)."""
    for rel, raw in files.items():
        path = keep / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(raw)
        tmp.replace(path)


# ------------------------------------------------------------------------------------------
# The command


def audit(where: str, since: date | None = None, keep: Path | None = None, chain_only: bool = False,
          out=None, err=None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        site = Site(where)
        kept = _kept(keep) if keep is not None else None
        log, files = fetch_log(site)
        try:
            live = site.get("data/manifest.json")
        except Missing:
            live = None
        if live is not None:
            files["data/manifest.json"] = live
        with tempfile.TemporaryDirectory(prefix="gongshi-audit-") as tmp:
            findings = Auditor(log, Path(tmp)).run(since, chain_only)
    except (AuditInputError, LogError) as exc:
        print(f"gongshi audit: {exc}", file=err)
        return EXIT_INPUT
    if log.entries:
        last = log.entries[-1]
        if live is None:
            findings.append(Finding("网站没有发布 /data/manifest.json（最新一期清单）", None, last.as_of, None, last.hash, None))
        else:
            try:
                m = json.loads(live.decode("utf-8-sig"))
                live_hash, live_as_of = m.get("hash"), m.get("as_of")
            except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
                live_hash, live_as_of = None, None
            if live_hash != last.hash:
                findings.append(Finding("网站的 /data/manifest.json 不是清单日志的最新一期：线上清单与日志对不上",
                                        None, last.as_of, live_as_of, last.hash, live_hash))
    keep_findings = compare_kept(kept, log) if kept is not None else []
    findings += keep_findings
    for f in findings:
        print(f.line(), file=out)
    n = len(log.entries)
    span = f"{log.entries[0].as_of} 至 {log.entries[-1].as_of}" if n else "（空）"
    if keep is not None:
        if keep_findings:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = keep / f"mismatch-{stamp}"
            _save(aside, files)
            print(f"保存的副本 {keep} 没有覆盖（它是证据）；这次取回的日志另存在 {aside}", file=err)
        else:
            _save(keep, files)
    what = "只核对了哈希链" if chain_only else ("逐期核对了" + (f" {since.isoformat()} 以后的各期" if since else "全部各期"))
    if findings:
        print(f"核对了 {site.label} 的清单日志（{n} 期，{span}；{what}）：发现 {len(findings)} 处不一致。", file=err)
        return EXIT_FINDINGS
    print(f"核对了 {site.label} 的清单日志（{n} 期，{span}；{what}）：全部一致，没有发现改写或删除。", file=err)
    return EXIT_OK
