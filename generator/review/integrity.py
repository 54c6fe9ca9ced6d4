"""Integrity of the public record (contract §4): nothing published changes or disappears silently.

The record as it was — ``data/`` at a git revision (``check --base REV``, through
:class:`GitSource`) or a published ``/data/gongshi.json`` (``check --base-export FILE``) — becomes
a :class:`Snapshot` of each record's own fields as :func:`generator.model.serial.to_json` writes them;
:func:`compare` holds it against the dataset being checked and reports every violation as a
:class:`~generator.model.errors.Problem` that says what to do instead (withdraw, add a ``changes``
entry, append a correcting ledger entry).  ``gongshi diff`` (:mod:`generator.review.reviewdiff`) shows
the same comparison to reviewers.

A record counts as published when it was public in the old state: for a revision, its
``published`` / ``found`` / ``date`` is on or before the real today; everything in an export
was published.  Records never published may change freely.

The entry points add the history rules of :mod:`generator.review.history` (nothing may be dated
before the reference day, no past state may change): :func:`check_against_rev` (``check --base``),
:func:`check_against_export` (``check --base-export``) and :func:`compare_with_export`, which takes a
published ``gongshi.json`` and either a dataset or a later ``gongshi.json`` (``gongshi audit``).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.model import labels
from generator.model import records as R
from generator.model.errors import Problem, Problems
from generator.model.load import Memo, Source, blob_id_of, load
from generator.model.mkdocsconf import plugin_option
from generator.model.records import CHANGE_FIELDS, RECT_CHANGE_FIELDS
from generator.model.serial import to_json
from generator.publish.manifest import export_records, norm
from generator.review import history


class IntegrityError(Exception):
    """The earlier state cannot be read (unknown revision, not a git repository, unreadable
    export); the message is Chinese and meant for the person running the command."""


# ------------------------------------------------------------------------------------------
# Reading data/ at a git revision


def _git(root: Path, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=str(root), input=input, capture_output=True, check=False)
    except FileNotFoundError:
        raise IntegrityError("找不到 git 命令：与历史版本比较需要安装 git") from None


class GitSource(Source):
    """``data/`` as it was at a git revision: ``git ls-tree`` lists it, one ``git cat-file --batch``
    process reads the files the loader asks for."""

    def __init__(self, root: Path | str, rev: str, data_dir: str = "data"):
        super().__init__(Path(root), data_dir)
        self.rev = rev
        if not self.root.is_dir() or _git(self.root, "rev-parse", "--git-dir").returncode != 0:
            raise IntegrityError(f"{self.root} 不是 git 仓库：--base 和 diff 要在 git 仓库中运行"
                                 "（也可以用 check --base-export 与已发布的 gongshi.json 比较）")
        res = _git(self.root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        if res.returncode != 0 or rev.startswith("-"):
            raise IntegrityError(f"找不到 git 版本“{rev}”：请检查分支名或提交号是否写对；"
                                 "在 CI 中还要用 fetch-depth: 0 取回完整历史，并先 git fetch 基准分支")
        self.commit = res.stdout.decode().strip()
        res = _git(self.root, "ls-tree", "-r", "-z", self.commit, "--", f"{data_dir}/")
        if res.returncode != 0:
            raise IntegrityError(f"无法读取版本“{rev}”中的 {data_dir}/：{res.stderr.decode(errors='replace').strip()}")
        self._blobs: dict[str, str] = {}
        for item in res.stdout.split(b"\0"):
            if not item:
                continue
            meta, _, path = item.partition(b"\t")
            mode, kind, sha = meta.decode().split()
            name = path.decode("utf-8", errors="surrogateescape")
            if kind != "blob" or any(part.startswith(".") for part in name.split("/")):
                continue
            if mode == "120000":  # a symbolic link: left out, as the disk source does
                self.symlinks.append(name)
                continue
            self._blobs[name] = sha
        self._proc: subprocess.Popen | None = None

    @property
    def short(self) -> str:
        return self.commit[:7]

    def day(self, timezone: str | None) -> date:
        """The commit date of this revision in the site's timezone: the base's own date (contract §3b)."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        res = _git(self.root, "show", "-s", "--format=%ct", self.commit)
        try:
            tz = ZoneInfo(timezone or "Asia/Shanghai")
        except Exception:
            tz = ZoneInfo("Asia/Shanghai")
        return datetime.fromtimestamp(int(res.stdout.decode().strip()), tz).date()

    def list(self) -> list[str]:
        return sorted(self._blobs)

    def blob_id(self, rel: str) -> str | None:
        return self._blobs.get(rel)

    def read(self, rel: str) -> bytes:
        sha = self._blobs.get(rel)
        if sha is None:
            raise FileNotFoundError(rel)
        if self._proc is None:
            self._proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=str(self.root),
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(sha.encode() + b"\n")
        self._proc.stdin.flush()
        header = self._proc.stdout.readline().split()
        if len(header) != 3:
            raise FileNotFoundError(rel)
        data = self._proc.stdout.read(int(header[2]))
        self._proc.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait()
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None

    def __enter__(self) -> GitSource:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def load_rev(root: Path | str, rev: str, data_dir: str = "data", memo: Memo | None = None) -> tuple[R.Dataset, GitSource]:
    """The dataset at ``rev``; problems in it are not this check's business and are dropped.
    With ``memo`` (from loading the checked data), files with the same content are not read again.

    When ``rev`` has no ``site.yaml`` in ``data_dir`` but its own mkdocs.yml names a data folder that
    has one, the data folder was moved (or copied) by the change: the base is read at its own folder,
    so that the records are compared across the move (``ds.data_dir`` says which folder was read)."""
    src = GitSource(root, rev, data_dir)
    if f"{data_dir}/site.yaml" not in src._blobs:
        own_dir = _own_data_dir(src)
        if own_dir is not None and own_dir != data_dir:
            src.close()
            src = GitSource(root, rev, own_dir)
    with src:
        ds, _declared = load(src, Problems(), memo)
    return ds, src


def _own_data_dir(src: GitSource) -> str | None:
    """The data folder the revision of ``src`` itself published from: its mkdocs.yml's gongshi
    ``data_dir`` (default ``data``), if that folder holds a site.yaml there; else None."""
    import posixpath

    res = _git(src.root, "show", f"{src.commit}:mkdocs.yml")
    given: Any = None
    if res.returncode == 0:
        try:
            given = plugin_option(res.stdout.decode("utf-8"), "data_dir")
        except UnicodeDecodeError:
            given = None
    folder = posixpath.normpath(given) if isinstance(given, str) and given.strip() else "data"
    if folder.startswith(("/", "..")) or folder == ".":
        return None
    found = _git(src.root, "cat-file", "-e", f"{src.commit}:{folder}/site.yaml")
    return folder if found.returncode == 0 else None


# ------------------------------------------------------------------------------------------
# The earlier state as own-field dicts


@dataclass
class Old:
    own: dict
    path: str
    line: int
    key: str
    public: bool = True
    unknown: frozenset[str] = frozenset()  # own fields the source cannot tell (see manifest._LISTS)


@dataclass
class Snapshot:
    label: str  # for messages: 版本 origin/main（abc1234） or 已发布的 gongshi.json（2026-01-01）
    export_as_of: date | None = None
    units: dict[str, Old] = field(default_factory=dict)
    pledges: dict[tuple[str, str], Old] = field(default_factory=dict)
    ledger: dict[tuple[str, str, str], list[Old]] = field(default_factory=dict)  # (unit, pledge, date) → file order
    rectifications: dict[tuple[str, str], Old] = field(default_factory=dict)
    inspections: dict[str, Old] = field(default_factory=dict)
    evaluations: dict[str, Old] = field(default_factory=dict)
    reports: dict[tuple[str, str], Old] = field(default_factory=dict)  # (unit, campaign); not in exports (no body there)


def own(record: Any) -> dict:
    """A record's own fields, as compared everywhere: serial.to_json, normalised."""
    return norm(to_json(record))


def snapshot_of_dataset(ds: R.Dataset, today: date, label: str, only: set[str] | None = None) -> Snapshot:
    """``ds`` as own-field snapshots; with ``only`` (the files that differ between the two sides),
    records in other files are left out: the same bytes hold the same records, so they cannot differ."""
    def wanted(loc: R.Loc) -> bool:
        return only is None or loc.path in only

    snap = Snapshot(label)
    for uid, f in ds.units.items():
        u = f.unit
        snap.units[uid] = Old(own(u), u.loc.path, u.loc.line, u.loc.key)
        published = {}
        for p in f.pledges:
            if p.id in published:
                continue
            public = p.published <= today
            published[p.id] = public
            if wanted(p.loc):
                snap.pledges[(uid, p.id)] = Old(own(p), p.loc.path, p.loc.line, p.loc.key, public)
        for e in f.ledger:
            if wanted(e.loc):
                public = published.get(e.pledge, False) and e.date <= today
                snap.ledger.setdefault((uid, e.pledge, e.date.isoformat()), []).append(
                    Old(own(e), e.loc.path, e.loc.line, e.loc.key, public))
        for r in f.rectifications:
            if (uid, r.id) not in snap.rectifications and wanted(r.loc):
                snap.rectifications[(uid, r.id)] = Old(own(r), r.loc.path, r.loc.line, r.loc.key, r.found <= today)
        for cid, rep in f.reports.items():
            if wanted(rep.loc):
                snap.reports[(uid, cid)] = Old({"title": rep.title, "submitted": rep.submitted.isoformat(), "body": rep.body},
                                               rep.loc.path, 1, "", rep.submitted <= today)
    for i in ds.inspections:
        if wanted(i.loc):
            snap.inspections.setdefault(i.id, Old(own(i), i.loc.path, i.loc.line, i.loc.key, i.date <= today))
    for cid, ev in ds.evaluations.items():
        if wanted(ev.loc):
            snap.evaluations[cid] = Old(own(ev), ev.loc.path, ev.loc.line, ev.loc.key, ev.published <= today)
    return snap


def blob_ids(src: Source, known: dict[str, str] | None = None) -> dict[str, str]:
    """Every file under the data folder with its git blob id: from the revision for a :class:`GitSource`, hashed
    from the bytes on disk otherwise (the same id for the same bytes); ``known`` ids are not hashed again."""
    if isinstance(src, GitSource):
        return dict(src._blobs)
    out = {}
    for rel in src.list():
        if known and rel in known:
            out[rel] = known[rel]
            continue
        try:
            out[rel] = blob_id_of(src.read(rel))
        except OSError:
            continue
    return out


def differing(a: dict[str, str], b: dict[str, str]) -> set[str]:
    """The files whose bytes differ between two sides (or that exist on one side only)."""
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}


def snapshot_of_export(data: dict, label: str, data_dir: str = "data") -> Snapshot:
    try:
        as_of = date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        as_of = None
    snap = Snapshot(label, as_of)
    for key, (rec, unknown) in export_records(data).items():
        kind, _, ident = key.partition(":")
        parts = ident.split("/")
        if kind == "unit":
            snap.units[ident] = Old(rec, f"{data_dir}/units/{ident}/unit.yaml", 0, "", True, unknown)
        elif kind == "pledge" and len(parts) == 2:
            snap.pledges[(parts[0], parts[1])] = Old(rec, f"{data_dir}/units/{parts[0]}/pledges.yaml", 0, "", True, unknown)
        elif kind == "ledger" and len(parts) == 4:
            snap.ledger.setdefault((parts[0], parts[1], parts[2]), []).append(
                Old(rec, f"{data_dir}/units/{parts[0]}/ledger.yaml", 0, "", True, unknown))
        elif kind == "rectification" and len(parts) == 2:
            snap.rectifications[(parts[0], parts[1])] = Old(rec, f"{data_dir}/units/{parts[0]}/rectifications.yaml", 0, "",
                                                            True, unknown)
        elif kind == "inspection":
            snap.inspections[ident] = Old(rec, f"{data_dir}/inspections/", 0, "", True, unknown)
        elif kind == "evaluation":
            snap.evaluations[ident] = Old(rec, f"{data_dir}/evaluations/{ident}.yaml", 0, "", True, unknown)
    return snap


# ------------------------------------------------------------------------------------------
# Matching list items


def match_in_order(old: list, new: list, same=lambda a, b: a == b) -> tuple[dict[int, int], list[int], list[int]]:
    """Old items found again in ``new`` in the same order (new ones may be inserted anywhere):
    (old index → new index, unmatched old indexes, unmatched new indexes)."""
    pairs: dict[int, int] = {}
    j = 0
    for i, a in enumerate(old):
        k = j
        while k < len(new) and not same(a, new[k]):
            k += 1
        if k < len(new):
            pairs[i] = k
            j = k + 1
    used = set(pairs.values())
    return pairs, [i for i in range(len(old)) if i not in pairs], [k for k in range(len(new)) if k not in used]


def multiset_new(old: list[dict], new: list[dict]) -> tuple[list[int], list[dict]]:
    """(indexes of ``new`` items that are not in ``old``, ``old`` items missing from ``new``)."""
    left = Counter(json.dumps(x, sort_keys=True, ensure_ascii=False) for x in old)
    added = []
    for i, x in enumerate(new):
        k = json.dumps(x, sort_keys=True, ensure_ascii=False)
        if left[k] > 0:
            left[k] -= 1
        else:
            added.append(i)
    missing = [json.loads(k) for k, n in left.items() for _ in range(n)]
    return added, missing


def short(value: Any, n: int = 40) -> str:
    """A value as a short one-line text for messages."""
    if value is None or value == [] or value == "":
        return "（空）"
    if isinstance(value, list):
        text = "、".join(short(v, n) for v in value)
    elif isinstance(value, dict):
        text = "，".join(f"{k}: {short(v, n)}" for k, v in value.items())
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def changed_keys(a: dict | None, b: dict | None) -> list[str]:
    """The keys whose values differ between two own-field dicts, in the order they were written."""
    a, b = a or {}, b or {}
    return [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]


# ------------------------------------------------------------------------------------------
# The rules


def compare(old: Snapshot, ds: R.Dataset, today: date, declared=None, problems: Iterable[Problem] = ()) -> list[Problem]:
    """Every integrity violation of ``ds`` against ``old``; ``declared`` and ``problems`` (the
    current check's) keep records that merely failed to load from being called deleted."""
    out = Problems()
    bad_files = {p.path for p in problems if p.level.value == "error"}
    bad_keys = {(p.path, p.key) for p in problems if p.level.value == "error" and p.key}
    declared_units = set(declared.units) if declared is not None else set()
    declared_pledges = declared.pledges if declared is not None else {}
    declared_rects = declared.rectifications if declared is not None else {}
    declared_insp = set(declared.inspections) if declared is not None else set()
    insp_complete = getattr(declared, "inspections_complete", True)

    def broken(path: str) -> bool:
        return path in bad_files

    # Units ---------------------------------------------------------------------------------
    gone_units = set()
    for uid, o in old.units.items():
        if uid in ds.units or uid in declared_units:
            continue
        gone_units.add(uid)
        n_p = sum(1 for (u, _), x in old.pledges.items() if u == uid and x.public)
        n_r = sum(1 for (u, _), x in old.rectifications.items() if u == uid and x.public)
        n_l = sum(len([e for e in lst if e.public]) for (u, _, _), lst in old.ledger.items() if u == uid)
        name = o.own.get("name", uid)
        out.error(o.path, 0, "", f"已公开的单位“{name}”（{uid}）连同它的 {n_p} 项承诺、{n_l} 条台账、{n_r} 个问题被删除了："
                                 f"单位和它公开过的记录都不能删除。请恢复 {ds.data_dir}/units/{uid}/；"
                                 "单位撤并时保留原有文件夹，把不再履行的承诺公开撤回（withdrawn）")

    # Pledges -------------------------------------------------------------------------------
    new_pledges: dict[tuple[str, str], R.Pledge] = {}
    for uid, f in ds.units.items():
        for pledge in f.pledges:
            new_pledges.setdefault((uid, pledge.id), pledge)
    for (uid, pid), o in old.pledges.items():
        if not o.public or uid in gone_units:
            continue
        p = new_pledges.get((uid, pid))
        if p is None:
            path = f"{ds.data_dir}/units/{uid}/pledges.yaml"
            ids = declared_pledges.get(uid, set())
            if ids is None or pid in ids or broken(path):
                continue  # written, or in a file that could not be read: its own error says why
            out.error(o.path, 0, "", f"已公示的承诺“{short(o.own.get('title'))}”（{uid}/{pid}，{o.own.get('published')} 公示）被删除了："
                                     "公示后的承诺不能删除，只能公开撤回。请恢复它，如不再履行，在它下面添加 "
                                     "withdrawn: {date: 撤回日期, why: 撤回原因}")
            continue
        _pledge_rules(out, old, o, p, today, bad_keys)

    # Ledger --------------------------------------------------------------------------------
    new_groups: dict[tuple[str, str, str], list[R.LedgerEntry]] = defaultdict(list)
    for uid, f in ds.units.items():
        for e in f.ledger:
            new_groups[(uid, e.pledge, e.date.isoformat())].append(e)
    for (uid, pid, day), olds in old.ledger.items():
        olds = [o for o in olds if o.public]
        if not olds or uid in gone_units:
            continue
        news = new_groups.get((uid, pid, day), [])
        new_own = [own(e) for e in news]
        pairs, lost, spare = match_in_order([o.own for o in olds], new_own)
        path = f"{ds.data_dir}/units/{uid}/ledger.yaml"
        for i in lost:
            o = olds[i]
            what = f"承诺 {pid} 在 {day} 的台账" + (f"（当天第 {i + 1} 条）" if len(olds) > 1 else "")
            if i < len(news) and i in spare:
                e = news[i]
                fields = "、".join(changed_keys(o.own, new_own[i]))
                out.error(e.loc.path, e.loc.line, e.loc.key,
                          f"已公示的{what}被修改了（改动了 {fields}）：台账只增不改。请恢复原来的内容；"
                          "如原记录有误，在 ledger.yaml 末尾追加一条更正台账（写明 correction，说明更正什么、为什么）")
            else:
                if broken(path):
                    continue
                out.error(path, 0, "",
                          f"已公示的{what}“{short(o.own.get('note'), 30)}”（进度 {o.own.get('progress')}%）被删除了：台账只增不改。"
                          "请恢复它；如原记录有误，在 ledger.yaml 末尾追加一条更正台账（写明 correction）")

    # Rectifications ------------------------------------------------------------------------
    new_rects: dict[tuple[str, str], R.Rectification] = {}
    for uid, f in ds.units.items():
        for rect in f.rectifications:
            new_rects.setdefault((uid, rect.id), rect)
    for (uid, rid), o in old.rectifications.items():
        if not o.public or uid in gone_units:
            continue
        r = new_rects.get((uid, rid))
        if r is None:
            path = f"{ds.data_dir}/units/{uid}/rectifications.yaml"
            ids = declared_rects.get(uid, set())
            if ids is None or rid in ids or broken(path):
                continue
            out.error(o.path, 0, "", f"已公开的问题“{short(o.own.get('problem'))}”（{uid}/{rid}，{o.own.get('found')} 发现）被删除了："
                                     "问题清单公开后不能删除。请恢复它；整改完成后按销号程序填写 closure，由验收单位验收")
            continue
        _rect_rules(out, old, o, r, today)

    # Inspections and evaluations -----------------------------------------------------------
    new_insp: dict[str, R.Inspection] = {}
    for ins in ds.inspections:
        new_insp.setdefault(ins.id, ins)
    for iid, o in old.inspections.items():
        if not o.public:
            continue
        found = new_insp.get(iid)
        if found is None:
            if iid in declared_insp or not insp_complete or any(p.startswith(f"{ds.data_dir}/inspections/") for p in bad_files):
                continue
            out.error(o.path, 0, "", f"已公开的督查“{iid}”（{o.own.get('date')}，{short(o.own.get('by'))}）被删除了："
                                     "督查记录公开后不能删除，请恢复它；如有错误，在 summary 中补充说明")
            continue
        if o.own.get("date") != own(found).get("date"):
            out.error(*found.loc.at("date"), f"已公开督查的日期由 {o.own.get('date')} 改为 {found.date.isoformat()}："
                                         f"公开后的日期不能改动，请恢复为 {o.own.get('date')}")
        _inspection_rules(out, o, found)
    for (uid, cid), o in old.reports.items():
        if o.public and uid not in gone_units:
            _report_rules(out, o, ds.units[uid].reports.get(cid) if uid in ds.units else None, broken(o.path))
    for cid, o in old.evaluations.items():
        if not o.public:
            continue
        ev = ds.evaluations.get(cid)
        if ev is None:
            if broken(f"{ds.data_dir}/evaluations/{cid}.yaml"):
                continue
            out.error(o.path, 0, "", f"已公布的考核评比结果（活动 {cid}，{o.own.get('published')} 公布）被删除了："
                                     "考核结果公布后不能删除，请恢复它")
            continue
        if o.own.get("published") != ev.published.isoformat():
            out.error(*ev.loc.at("published"), f"已公布的考核评比结果的公布日期由 {o.own.get('published')} 改为 "
                                               f"{ev.published.isoformat()}：公布日期不能改动，请恢复为 {o.own.get('published')}")
    return out.sorted()


def _report_rules(out: Problems, o: Old, rep: R.Report | None, broken: bool) -> None:
    """A submitted summary report, once shown, keeps its title, date and text; more may be added at its end."""
    name = f"已公开的总结报告“{short(o.own['title'])}”（{o.own['submitted']} 提交）"
    if rep is None:
        if not broken:  # a file that no longer reads has its own error
            out.error(o.path, 1, "", f"{name}被删除了：报告公开后不能删除，请恢复这个文件")
        return
    for key, zh in (("title", "标题"), ("submitted", "提交日期")):
        now = rep.title if key == "title" else rep.submitted.isoformat()
        if now != o.own[key]:
            out.error(rep.loc.path, 1, key, f"{name}的{zh}（{key}）由“{short(o.own[key])}”改为“{short(now)}”：公开后不能改动，"
                                            f"请恢复为“{o.own[key]}”")
    if not rep.body.rstrip().startswith(o.own["body"].rstrip()):
        out.error(rep.loc.path, 1, "", f"{name}的正文被改动了：报告公开后原文不能改写或删减。请恢复原文；"
                                       "要更正或补充，在正文末尾另起一段写“补充说明（日期）：……”")


def _inspection_rules(out: Problems, o: Old, ins: R.Inspection) -> None:
    """A published inspection keeps who inspected, how, for which campaign and what it found, in
    place; findings may be appended, an empty ``rectification`` filled in, the ``summary`` amended."""
    n = own(ins)
    zh = labels.INSPECTION_FIELDS
    name = f"已公开的督查“{ins.id}”（{o.own.get('date')}）"
    fix = "督查记录公开后不能改动。如有错误，请在 summary 中补充说明"
    for fname in ("campaign", "method", "by"):
        if fname in o.unknown or o.own.get(fname) == n.get(fname):
            continue
        out.error(*ins.loc.at(fname), f"{name}的{zh[fname]}（{fname}）由“{short(o.own.get(fname))}”改为"
                                      f"“{short(n.get(fname))}”：{fix}，并把 {fname} 恢复为“{o.own.get(fname)}”")
    if "findings" in o.unknown:
        return
    olds, news = o.own.get("findings", []), n.get("findings", [])
    for i, of in enumerate(olds):
        what = f"对 {of.get('unit')} 的督查结果（{short(of.get('result'))}）"
        if i >= len(news):
            out.error(*ins.loc.at("findings"), f"{name}{what}被删除了：{fix}，并恢复这条结果（findings 第 {i + 1} 条）；"
                                               "新的结果只能加在 findings 末尾")
            continue
        nf, loc = news[i], ins.findings[i].loc
        for k in ("unit", "result", "note"):
            if of.get(k) != nf.get(k):
                out.error(*loc.at(k), f"{name}{what}的{zh[k]}（{k}）由“{short(of.get(k))}”改为“{short(nf.get(k))}”：{fix}，"
                                      f"并恢复为“{short(of.get(k), 200)}”；新的结果只能加在 findings 末尾")
        if of.get("rectification") is not None and of.get("rectification") != nf.get("rectification"):
            out.error(*loc.at("rectification"),
                      f"{name}{what}关联的整改问题（rectification）由“{of.get('rectification')}”改为"
                      f"“{short(nf.get('rectification'))}”：关联公开后不能改动或删除，请恢复为“{of.get('rectification')}”"
                      "（空的 rectification 可以补填）")


def _pledge_rules(out: Problems, old: Snapshot, o: Old, p: R.Pledge, today: date,
                  bad_keys: frozenset | set = frozenset()) -> None:
    n = own(p)

    def has_error(name: str) -> bool:  # a field that failed to load is not a change, its own error says why
        prefix = f"{p.loc.key}.{name}"
        return any(path == p.loc.path and (key == prefix or key.startswith(prefix + ".") or key.startswith(prefix + "["))
                   for path, key in bad_keys)

    name = f"承诺“{short(n.get('title'), 30)}”"
    if o.own.get("published") != n.get("published") and not has_error("published"):
        out.error(*p.loc.at("published"), f"已公示{name}的公示日期由 {o.own.get('published')} 改为 {n.get('published')}："
                                          f"公示日期不能改动，请恢复为 {o.own.get('published')}。内容有变请在 changes 中记录，"
                                          "不再履行请公开撤回（withdrawn）")
    ow, nw = o.own.get("withdrawn"), n.get("withdrawn")
    if ow is not None:
        if nw is None:
            out.error(p.loc.path, p.loc.lines.get("id", p.loc.line), f"{p.loc.key}.withdrawn",
                      f"{name}已于 {ow.get('date')} 公开撤回，撤回不能取消：请恢复 withdrawn"
                      f"（date: {ow.get('date')}，why: {short(ow.get('why'))}）；如要重新履行，请另立一项新承诺（用新的 id）")
        elif ow != nw:
            out.error(*p.loc.at("withdrawn"),
                      f"{name}的撤回记录被修改了（改动了 {'、'.join(changed_keys(ow, nw))}）：公开撤回后日期和原因都不能改动，"
                      f"请恢复为 date: {ow.get('date')}，why: {short(ow.get('why'))}")

    _changes_rules(out, old, o, n, p, CHANGE_FIELDS, labels.PLEDGE_FIELDS, name, has_error)


def _changes_rules(out: Problems, old: Snapshot, o: Old, n: dict, rec: R.Pledge | R.Rectification, fields: tuple[str, ...],
                   zh: dict[str, str], name: str, has_error=lambda _f: False) -> None:
    """A published record's fields listed under ``changes`` (a pledge's or a rectification's):
    the old entries stay; a field that differs needs a new entry (with from/to where required)."""
    new_changes = n.get("changes", [])
    if "changes" in o.unknown:
        since = old.export_as_of
        added = [i for i, c in enumerate(new_changes) if since is None or str(c.get("date", "")) >= since.isoformat()]
    else:
        added, missing = multiset_new(o.own.get("changes", []), new_changes)
        for c in missing:
            out.error(*rec.loc.at("changes"), f"{name}已公开的变更记录（{c.get('date')}，{c.get('field')}：{short(c.get('why'))}）"
                                              "被删除或修改了：变更记录是公开记录，不能改动。请恢复它；有新的变更请另加一条")
    for fname in fields:
        ov, nv = o.own.get(fname), n.get(fname)
        if ov == nv or has_error(fname):
            continue
        target_moved = True
        if fname == "indicator":
            # from/to as the loader typed them and serial wrote them (a target as ">= 90"), so they compare as written
            ov, nv = (ov or {}).get("target"), (nv or {}).get("target")
            target_moved = ov != nv
        cands = [i for i in added if new_changes[i].get("field") == fname]
        label = f"{zh.get(fname, fname)}（{fname}）"
        if not cands:
            detail = "" if fname in ("commitment", "problem") else f"由“{short(ov)}”改为“{short(nv)}”"
            hint = f"，from: {ov or '原来的值'}，to: {nv or '新的值'}" if fname in ("deadline", "indicator") else ""
            out.error(*rec.loc.at(fname),
                      f"已公开{name}的{label}{detail}，但 changes 中没有这次变更的记录：请在 changes 中添加一条"
                      f"（date: 今天，field: {fname}{hint}，why: 变更原因），公开说明为什么改")
            continue
        if fname in ("deadline", "indicator") and target_moved and not any(
                new_changes[i].get("from") == ov and new_changes[i].get("to") == nv for i in cands):
            ch = rec.changes[cands[-1]]
            q = (lambda v: v or "（无）") if fname == "deadline" else (lambda v: f"“{v or '（无）'}”")
            what = "时限" if fname == "deadline" else "目标"
            out.error(ch.loc.path, ch.loc.line, ch.loc.key,
                      f"{name}的{zh.get(fname, fname)}由 {q(ov)} 改为 {q(nv)}，但这条变更记录写的是 from: "
                      f"{new_changes[cands[-1]].get('from')}，to: {new_changes[cands[-1]].get('to')}："
                      f"from 应为原{what}{' ' if fname == 'deadline' else ''}{q(ov)}，"
                      f"to 应为新{what}{' ' if fname == 'deadline' else ''}{q(nv)}")


def _rect_rules(out: Problems, old: Snapshot, o: Old, r: R.Rectification, today: date) -> None:
    n = own(r)
    name = f"问题“{r.id}”"  # the problem's text itself may be what changed
    if o.own.get("found") != n.get("found"):
        out.error(*r.loc.at("found"), f"已公开{name}的发现日期由 {o.own.get('found')} 改为 {n.get('found')}："
                                      f"发现日期不能改动，请恢复为 {o.own.get('found')}")
    _changes_rules(out, old, o, n, r, RECT_CHANGE_FIELDS, labels.RECT_FIELDS, name)
    if "updates" not in o.unknown:
        olds = [x for x in o.own.get("updates", []) if str(x.get("date", "")) <= today.isoformat()]
        news = n.get("updates", [])
        _pairs, lost, spare = match_in_order(olds, news)
        for i in lost:
            x = olds[i]
            k = next((k for k in spare if news[k].get("date") == x.get("date")), None)
            where = r.updates[k].loc if k is not None and k < len(r.updates) else None
            path, line, key = (where.path, where.line, where.key) if where else r.loc.at("updates")
            what = "修改" if where else "删除"
            out.error(path, line, key,
                      f"{name}已公开的整改进展（{x.get('date')}：{short(x.get('note'), 30)}）被{what}了：整改进展与台账一样只往后加。"
                      "请恢复原来的内容；如有错误或补充，在 updates 末尾另加一条，写明更正什么、为什么")
    oc, nc = o.own.get("closure"), n.get("closure")
    if oc is not None and oc.get("date", "") <= today.isoformat():
        if nc is None:
            out.error(r.loc.path, r.loc.lines.get("id", r.loc.line), f"{r.loc.key}.closure",
                      f"{name}已于 {oc.get('date')} 申请销号，销号记录（closure）不能删除：请恢复它；"
                      "如整改不到位，在 updates 中追加说明，由验收单位另行处理")
        elif oc.get("verified_on") and oc.get("verified_on") <= today.isoformat() and oc != nc:
            changed = "、".join(changed_keys(oc, nc))
            out.error(*r.loc.at("closure"),
                      f"{name}的销号已于 {oc.get('verified_on')} 经 {short(oc.get('verified_by'))} 验收，验收后的销号记录不能修改"
                      f"（改动了 {changed}）：请恢复原来的 closure；有新情况在 updates 中追加说明，群众异议记在 objections 中")
    if "objections" in o.unknown:
        return
    olds = [x for x in o.own.get("objections", []) if str(x.get("date", "")) <= today.isoformat()]
    news = n.get("objections", [])
    core = lambda x: (x.get("date"), x.get("summary"))  # noqa: E731
    pairs, lost, spare = match_in_order(olds, news, lambda a, b: core(a) == core(b))
    for i in lost:
        x = olds[i]
        where = r.objections[i].loc if i < len(r.objections) and i in spare else None
        path, line, key = (where.path, where.line, where.key) if where else r.loc.at("objections")
        out.error(path, line, key,
                  f"{name}的群众异议（{x.get('date')}：{short(x.get('summary'), 30)}）被删除或修改了：异议是公开记录，"
                  "不能删除或修改，只能追加答复（resolution）。请恢复原来的异议")
    for i, k in pairs.items():
        ores = olds[i].get("resolution")
        if ores is None or str(ores.get("date", "")) > today.isoformat():
            continue
        nres = news[k].get("resolution")
        if nres != ores:
            loc = r.objections[k].loc
            what = "删除" if nres is None else "修改"
            out.error(loc.path, loc.line, f"{loc.key}.resolution",
                      f"对{name}异议（{olds[i].get('date')}）的答复已经公开，不能{what}：请恢复原来的 resolution"
                      f"（date: {ores.get('date')}）；有补充说明请在 updates 中追加")


# ------------------------------------------------------------------------------------------
# Entry points for the command line


def rev_label(rev: str, src: GitSource) -> str:
    return f"版本 {rev}（{src.short}）"


def check_against_rev(root: Path | str, rev: str, checked, source: Source | None = None) -> list[Problem]:
    """Integrity of the checked data against the data folder at git revision ``rev`` (``check --base``):
    nothing published removed or rewritten, and no history rewritten before the reference day
    (the commit date of ``rev`` in the site's timezone minus ``backdate_grace_days``).

    ``source`` is where the checked data was read (default: the working tree under ``root``); only
    records in files whose bytes differ are compared, which keeps a one-entry change fast."""
    memo = getattr(checked, "memo", None)
    data_dir = checked.dataset.data_dir
    new_ids = blob_ids(source or Source(Path(root), data_dir), memo.ids if memo is not None and source is None else None)
    old_ds, src = load_rev(root, rev, data_dir, memo)
    only = differing(blob_ids(src), new_ids)
    label = rev_label(rev, src)
    snap = snapshot_of_dataset(old_ds, checked.today, label, only)
    found = compare(snap, checked.dataset, checked.today, checked.declared, checked.problems)
    base_day = src.day(old_ds.site.timezone or checked.dataset.site.timezone)  # the base's clock first, as its grace
    return _with_history(found, old_ds, checked.dataset, base_day, f"基准版本（{src.short}）", checked.today,
                         checked.problems, only)


def _with_history(found: list[Problem], old_ds: R.Dataset, new_ds: R.Dataset, base_day: date, label: str,
                  today: date, problems: Iterable[Problem] = (), only: set[str] | None = None) -> list[Problem]:
    """``found`` plus the history rules of :mod:`generator.review.history`; a place that already has an
    integrity error (a moved ``published`` date, say) is not reported twice."""
    if old_ds.site.loc is R.NOWHERE:
        return found  # the base has no site yet (a county's first import): nothing was ever published
    grace = old_ds.site.backdate_grace_days  # the base's setting: a change cannot widen its own window
    ref = history.reference_day(base_day, grace)
    taken = {(p.path, p.line) for p in found if p.line}

    def said(h: Problem) -> bool:  # the same place, or the same record, already has an integrity error
        return (h.path, h.line) in taken or any(
            p.path == h.path and h.key and (p.key == h.key or p.key.startswith(h.key + ".") or h.key.startswith(p.key + "."))
            for p in found)

    more = [p for p in history.backdating(old_ds, new_ds, ref, label, base_day, grace, today, problems, only)
            if not said(p)]
    return sorted(found + more)


def read_export(path: Path | str) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise IntegrityError(f"找不到文件 {path}：--base-export 要指向已发布网站的 /data/gongshi.json 的副本") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IntegrityError(f"无法读取 {path}：它不是有效的 gongshi.json（{exc}）") from None
    if not isinstance(data, dict) or "as_of" not in data or not isinstance(data.get("pledges"), list):
        raise IntegrityError(f"{path} 不是 gongshi.json：缺少 as_of 或 pledges")
    wrong = export_shape_error(data)
    if wrong:
        raise IntegrityError(f"{path} 不是有效的 gongshi.json：{wrong}。请用已发布网站的 /data/gongshi.json 原样的副本")
    return data


# The record lists of gongshi.json and the fields that name a record (see publish/export.py).
_EXPORT_LISTS = ("campaigns", "units", "pledges", "ledger", "rectifications", "inspections", "evaluations", "duties")
_EXPORT_NAMES = ("id", "unit", "pledge", "campaign", "date")


def export_shape_error(data: dict) -> str | None:
    """What makes ``data`` unusable as a published gongshi.json (its record lists, the fields that
    name a record, the ledger's ``seq``), in Chinese, or None: the comparison reads these unchecked."""
    if data.get("site") is not None and not isinstance(data["site"], dict):
        return "site 应是一个对象"
    for name in _EXPORT_LISTS:
        rows = data.get(name)
        if rows is None:
            continue
        if not isinstance(rows, list):
            return f"{name} 应是一个列表"
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                return f"{name} 第 {i + 1} 项应是一个对象，却是 {short(json.dumps(row, ensure_ascii=False))}"
            for key in _EXPORT_NAMES:
                if row.get(key) is not None and not isinstance(row[key], str):
                    return f"{name} 第 {i + 1} 项的 {key} 应是文字，却是 {short(json.dumps(row[key], ensure_ascii=False))}"
            seq = row.get("seq") if name == "ledger" else None
            if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int)):
                return f"ledger 第 {i + 1} 项的 seq 应是整数，却是 {short(json.dumps(seq, ensure_ascii=False))}"
    return None


def compare_with_export(old: dict, new: R.Dataset | dict, today: date | None = None, declared=None,
                        problems: Iterable[Problem] = (), data_dir: str | None = None) -> list[Problem]:
    """Every integrity and history violation of ``new`` against a published ``gongshi.json`` ``old``:
    the rules of ``check --base-export`` (and of ``gongshi audit``, step by step along the manifest log).

    ``new`` is the dataset being checked, or a later published ``gongshi.json`` (then ``today`` defaults
    to its ``as_of``).  The reference day is ``old``'s ``as_of`` minus its ``backdate_grace_days``.
    ``data_dir`` names the data folder in messages (default: the dataset's, else ``data``).
    """
    if data_dir is None:
        data_dir = new.data_dir if isinstance(new, R.Dataset) else "data"
    problems = list(problems)
    if isinstance(new, dict):
        new_ds = history.dataset_of_export(new, data_dir)
        if today is None:
            today = date.fromisoformat(str(new.get("as_of")))
    else:
        new_ds = new
    if today is None:
        raise ValueError("today is required when new is a dataset")
    label = f"已发布的 gongshi.json（{old.get('as_of')}）"
    snap = snapshot_of_export(old, label, data_dir)
    found = compare(snap, new_ds, today, declared, problems)
    if snap.export_as_of is None:
        return found
    return _with_history(found, history.dataset_of_export(old, data_dir), new_ds, snap.export_as_of, label, today, problems)


def check_against_export(path: Path | str, checked) -> list[Problem]:
    """Integrity of the checked data against a published gongshi.json (``check --base-export``)."""
    return compare_with_export(read_export(path), checked.dataset, checked.today, checked.declared, checked.problems)
