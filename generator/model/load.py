"""Reading the data folder (``data/``, or the plugin's ``data_dir``) from disk (or from any file
source) into a :class:`Dataset`.

The loader only knows the file layout and the shape of each file; rules that span records
(references, chronology, "not after today") live in :mod:`generator.check.validate`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from generator.model import records as R
from generator.model import schema
from generator.model.errors import Problem, Problems
from generator.model.yamlsource import Map, Scalar, YamlFileError, YamlProblem, decode, parse, take_invisible

LIST_FILES = {"pledges.yaml": "pledges", "ledger.yaml": "ledger", "rectifications.yaml": "rectifications"}
UNIT_ENTRIES = {"unit.yaml", *LIST_FILES, "reports", "evidence"}


@dataclasses.dataclass
class Declared:
    """Ids written in the files even where the record around them had errors.

    Cross-reference checks use these, so that one broken pledge does not also make every
    ledger entry that points at it an "unknown pledge".
    """

    units: set[str] = dataclasses.field(default_factory=set)
    campaigns: set[str] = dataclasses.field(default_factory=set)
    pledges: dict[str, set[str] | None] = dataclasses.field(default_factory=dict)
    rectifications: dict[str, set[str] | None] = dataclasses.field(default_factory=dict)
    inspections: set[str] = dataclasses.field(default_factory=set)
    inspections_complete: bool = True
    # Units whose ledger.yaml had problems on reading: (line, pledge written) of each item, in
    # file order; None when the file did not parse.  Warnings that follow from a broken ledger
    # (久未更新) are held back for these pledges.  Only filled on the error path.
    ledger_items: dict[str, tuple[tuple[int, str | None], ...] | None] = dataclasses.field(default_factory=dict)


class Source:
    """Files of the data folder ``data_dir`` (a posix path relative to ``root``; ``data`` unless the
    plugin's ``data_dir`` says otherwise); a git revision can stand in for the disk."""

    def __init__(self, root: Path, data_dir: str = "data"):
        self.root = Path(root)
        self.data_dir = data_dir
        self.symlinks: list[str] = []

    def list(self) -> list[str]:
        """Every file under the data folder, as posix paths relative to the root, sorted.

        Symbolic links are left out (and listed in ``symlinks``): a link could pull a file
        from outside the repository into the public site.
        """
        base = self.root / self.data_dir
        out: list[str] = []
        self.symlinks = []

        # os.scandir rather than os.walk with a stat per name: `gongshi serve` lists after every edit.
        def walk(folder: str, rel: str) -> None:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                return
            for e in entries:
                path = f"{rel}/{e.name}"
                if e.is_dir():  # as os.walk sorts them: a link to a folder counts as a folder
                    if e.is_symlink():
                        self.symlinks.append(path)
                    elif not e.name.startswith("."):
                        walk(e.path, path)
                elif not e.name.startswith("."):
                    (self.symlinks if e.is_symlink() else out).append(path)

        walk(str(base), base.relative_to(self.root).as_posix())
        return sorted(out)

    def read(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def blob_id(self, rel: str) -> str | None:
        """The git blob id of a file when the source knows it without reading it (a revision); None here."""
        return None

    def stamp(self, rel: str) -> tuple | None:
        """What identifies this version of a file for :class:`CachedSource`; None: do not cache."""
        return None


def blob_id_of(data: bytes) -> str:
    """The git blob id of some bytes: the same id git gives the same file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Memo:
    """Files converted before, by their content: a second load that shares most files with the first
    (``check --base``: the base revision after the working tree) converts only the files that differ.

    Each entry keeps the records, the ids written in the file and the file's own problems, not the
    parsed tree, so memory stays near that of the records themselves."""

    def __init__(self) -> None:
        self.items: dict[tuple, tuple] = {}
        self.ids: dict[str, str] = {}  # path -> blob id, of the files this memo has seen last


class CachedSource(Source):
    """The disk, with each file's parsed records kept between loads (``gongshi serve``).

    A file whose size, modification time and inode are unchanged is not read or parsed again:
    its records and the problems its parsing found are replayed. Records are frozen, so sharing
    them between loads is safe; everything that spans files is checked afresh on each load.
    """

    def __init__(self, root: Path, data_dir: str = "data"):
        super().__init__(root, data_dir)
        self.cache: dict[tuple, tuple] = {}
        self.parsed: list[str] = []  # files parsed (not replayed) by the last load, for the preview's log

    def stamp(self, rel: str) -> tuple | None:
        try:
            st = os.stat(self.root / rel)
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns, st.st_ino)

    def at(self, data_dir: str) -> CachedSource:
        """This source for the data folder ``data_dir``; a different folder than before starts afresh."""
        if data_dir != self.data_dir:
            self.data_dir = data_dir
            self.cache.clear()
        return self


def load_dataset(data_dir: Path | str) -> tuple[R.Dataset, list[Problem]]:
    """Load a data folder (a project's ``data/``); returns the dataset and the problems found."""
    problems = Problems()
    path = Path(data_dir)
    ds, _declared = load(Source(path.parent, path.name), problems)
    return ds, problems.sorted()


def _convert(src: Source, rel: str, kind: str, problems: Problems, required: bool, unit: str | None = None,
             memo: Memo | None = None, names: dict[str, dict[str, str]] | None = None):
    """(records, :class:`Facts` of the file) of one file; (None, None) when it cannot be read."""
    if memo is None:
        return _convert_cached(src, rel, kind, problems, required, unit, names)
    # ``names`` only words the "您是不是想写" hints, so the key leaves it out: a file converted
    # for the working tree gives the same records for the base revision.
    bid = src.blob_id(rel)
    key = (rel, kind, unit, required, bid)
    if bid is not None and key in memo.items:
        value, facts, probs = memo.items[key]
        problems.extend(probs)
        memo.ids[rel] = bid
        return value, facts
    try:
        data = src.read(rel)
    except FileNotFoundError:
        data = None
    if data is not None:
        bid = blob_id_of(data)
        memo.ids[rel] = bid
        key = (rel, kind, unit, required, bid)
        if key in memo.items:
            value, facts, probs = memo.items[key]
            problems.extend(probs)
            return value, facts
    own = Problems()
    value, facts = _convert_now(src, rel, kind, own, required, unit, names, data)
    probs = own.sorted()
    problems.extend(probs)
    if data is not None:
        memo.items[key] = (value, facts, probs)
    return value, facts


def _convert_cached(src: Source, rel: str, kind: str, problems: Problems, required: bool, unit: str | None,
                    names: dict[str, dict[str, str]] | None):
    """One file through :class:`CachedSource`'s cache (``gongshi serve``), or read afresh."""
    stamp = src.stamp(rel)
    if stamp is None:
        return _convert_now(src, rel, kind, problems, required, unit, names)
    assert isinstance(src, CachedSource)
    key = (rel, kind, required, unit)
    hit = src.cache.get(key)
    # A file with problems is read again each time: its messages may quote other files'
    # records (``names``); a file without problems converts the same whatever they are.
    if hit is None or hit[0] != stamp or hit[3]:
        mine = Problems()
        value, facts = _convert_now(src, rel, kind, mine, required, unit, names)
        hit = src.cache[key] = (stamp, value, facts, mine.sorted())
        src.parsed.append(rel)
    problems.extend(hit[3])
    return hit[1], hit[2]


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the loader needs from a file's tree besides its records, read even where the records had
    errors: the ids written in it, the names that "您是不是想写" answers use, a broken ledger's items,
    a broken site.yaml's unit categories.  Small, so that the memo need not keep the tree."""

    ids: frozenset[str] = frozenset()
    scalars: tuple[tuple[str, str], ...] = ()  # top-level title / name / short_name
    titles: tuple[tuple[str, str], ...] = ()  # (title, id) of each item of a pledges file
    items: tuple[tuple[int, str | None], ...] = ()  # (line, pledge written) of each ledger item
    categories: tuple[str, ...] = R.DEFAULT_CATEGORIES

    def scalar(self, key: str) -> str | None:
        return dict(self.scalars).get(key)


def _facts(kind: str, node) -> Facts:
    if node is None:
        return Facts()
    if kind == "site":
        return Facts(categories=_categories_anyway(node))
    scalars = tuple((k, v) for k in ("title", "name", "short_name") if (v := _scalar(node, k)))
    titles = tuple(_names(node, "title").items()) if kind == "pledges" else ()
    items = tuple((item.line, _scalar(item, "pledge")) for item in getattr(node, "items", ())) if kind == "ledger" else ()
    return Facts(frozenset(_declared_ids(node)), scalars, titles, items)


def _read_tree(text: bytes, rel: str, problems: Problems):
    """Parse one YAML file; (None, False) when it cannot be read (the problem is reported)."""
    invisible: list[YamlProblem] = []
    try:
        decoded = decode(text, invisible)
        for p in invisible:
            problems.error(rel, p.line, "", p.message)
        return parse(decoded), True
    except YamlFileError as exc:
        problems.error(rel, exc.line, "", exc.message)
        return None, False


def _convert_now(src: Source, rel: str, kind: str, problems: Problems, required: bool, unit: str | None = None,
                 names: dict[str, dict[str, str]] | None = None, data: bytes | None = None):
    node, ok = _read_tree(src.read(rel) if data is None else data, rel, problems)
    if not ok:
        return None, None
    if node is None:
        if required:
            # Line 1, not 0: the file exists, and an annotation (GitHub, Forgejo) needs a line to point at.
            problems.error(rel, 1, "", "文件是空的：请按字段参考填写内容")
            return None, None
        return (), Facts()
    return schema.convert(kind, node, schema.Ctx(rel, problems, names), unit), _facts(kind, node)


def _scalar(node, key: str) -> str | None:
    """The text of ``key`` in a mapping node, whatever else is wrong with it."""
    if isinstance(node, Map) and key in node.entries:
        v = node.entries[key][1]
        if isinstance(v, Scalar):
            return v.value
    return None


def _names(node, *keys: str, id_key: str = "id") -> dict[str, str]:
    """{title or name: id} of every item of a list file's tree, for "您是不是想写" answers."""
    out: dict[str, str] = {}
    for item in getattr(node, "items", ()):
        ident = _scalar(item, id_key)
        for k in keys:
            label = _scalar(item, k)
            if ident and label:
                out.setdefault(label.strip(), ident)
    return out


def _declared_ids(node, key: str = "id") -> set[str]:
    out = set()
    for item in getattr(node, "items", ()):
        if isinstance(item, Map) and key in item.entries:
            v = item.entries[key][1]
            if hasattr(v, "value"):
                out.add(v.value)
    return out


def load(src: Source, problems: Problems, memo: Memo | None = None) -> tuple[R.Dataset, Declared]:
    """Every file of ``src``; ``memo`` (optional) remembers converted files by content for a later load."""
    data = src.data_dir  # paths in messages and records are relative to the project root: data/…
    files = src.list()
    if isinstance(src, CachedSource):
        src.parsed = []
        listed = set(files)
        for key in [k for k in src.cache if k[0] not in listed]:
            del src.cache[key]  # a deleted file's records go with it
    for link in getattr(src, "symlinks", ()):
        problems.error(link, 0, "", "不能使用符号链接（快捷方式）：请把文件本身放进仓库")
    declared = Declared()
    # Titles and names of what has been read so far: a reference written as a title gets its id.
    names: dict[str, dict[str, str]] = {"campaign": {}, "unit": {}, "pledge": {}}
    by_dir: dict[str, list[str]] = {}
    for f in files:
        inner = f[len(data) + 1:]  # the path inside the data folder
        by_dir.setdefault(inner.split("/")[0] if "/" in inner else "", []).append(f)

    site = None
    site_facts = None
    if f"{data}/site.yaml" in files:
        site, site_facts = _convert(src, f"{data}/site.yaml", "site", problems, True, None, memo)
    else:
        problems.error(f"{data}/site.yaml", 0, "", f"缺少网站设置文件 {data}/site.yaml")
    if not isinstance(site, R.Site):
        site = R.Site(loc=R.NOWHERE, title="（site.yaml 有错误）", owner="", oversight=R.Oversight(R.NOWHERE),
                      unit_categories=site_facts.categories if site_facts else R.DEFAULT_CATEGORIES)
    elif site.unit_categories is not None:
        site = dataclasses.replace(site, unit_categories=tuple(site.unit_categories))

    for f in by_dir.get("", []):
        if f != f"{data}/site.yaml":
            problems.error(f, 0, "", _unknown_file(f, f"{data}/ 下只能有 site.yaml 和 campaigns、units、inspections、evaluations 文件夹"))
    known_dirs = {"", "campaigns", "units", "inspections", "evaluations"}
    for d in sorted(set(by_dir) - known_dirs):
        problems.error(f"{data}/{d}", 0, "", _unknown_file(d, f"{data}/ 下只能有 campaigns、units、inspections、evaluations 文件夹"))

    campaigns: dict[str, R.Campaign] = {}
    for f in by_dir.get("campaigns", []):
        stem = _yaml_stem(f, data, problems, "campaigns/ 中每个活动一个 .yaml 文件")
        if stem is None:
            continue
        declared.campaigns.add(stem)
        c, facts = _convert(src, f, "campaign", problems, True, None, memo)
        title = facts.scalar("title") if facts else None
        if title:
            names["campaign"].setdefault(title.strip(), stem)
        if isinstance(c, R.Campaign):
            if c.id != stem:
                problems.error(*c.loc.at("id"), f"活动标识“{c.id}”与文件名“{stem}.yaml”不一致：两者必须相同")
            campaigns[stem] = c

    units: dict[str, R.UnitFolder] = {}
    unit_files: dict[str, list[str]] = {}
    for f in by_dir.get("units", []):
        parts = f[len(data) + 1:].split("/")  # units/<uid>/…
        if len(parts) < 3:
            problems.error(f, 0, "", _unknown_file(f, "units/ 下应是每个单位一个文件夹"))
            continue
        unit_files.setdefault(parts[1], []).append(f)
    for uid in sorted(unit_files):
        folder = unit_files[uid]
        base = f"{data}/units/{uid}"
        declared.units.add(uid)
        ok_files = set()
        evidence = set()
        for f in folder:
            rest = f[len(base) + 1:]
            top = rest.split("/")[0]
            if top == "evidence":
                evidence.add(rest)
            elif top == "reports":
                if not rest.endswith(".md") or rest.count("/") != 1:
                    problems.error(f, 0, "", _unknown_file(rest, "reports/ 中只能放 <活动标识>.md 总结报告"))
            elif rest in UNIT_ENTRIES and "/" not in rest:
                ok_files.add(rest)
            else:
                hint = "单位文件夹中只能有 unit.yaml、pledges.yaml、ledger.yaml、rectifications.yaml 以及 reports/、evidence/ 文件夹"
                problems.error(f, 0, "", _unknown_file(rest, hint, UNIT_ENTRIES))
        if "unit.yaml" not in ok_files:
            problems.error(f"{base}/unit.yaml", 0, "", f"单位文件夹 {uid} 缺少 unit.yaml")
            continue
        unit, unit_facts = _convert(src, f"{base}/unit.yaml", "unit", problems, True, None, memo)
        for k in ("name", "short_name"):
            label = unit_facts.scalar(k) if unit_facts else None
            if label:
                names["unit"].setdefault(label.strip(), uid)
        if not isinstance(unit, R.Unit):
            # Its own errors are reported; a stand-in lets the rest of the folder be checked.
            unit = R.Unit(loc=R.Loc(f"{base}/unit.yaml", 0, ""), id=uid, name=uid, category="")
        elif unit.id != uid:
            problems.error(*unit.loc.at("id"), f"单位标识“{unit.id}”与文件夹名“{uid}”不一致：两者必须相同")
        lists: dict[str, tuple] = {}
        names["pledge"] = {}
        for fname, kind in LIST_FILES.items():
            rel = f"{base}/{fname}"
            if fname not in ok_files:
                lists[kind] = ()
                continue
            before = len(problems)
            value, facts = _convert(src, rel, kind, problems, False, uid, memo, names)
            if kind == "ledger" and len(problems) > before:
                declared.ledger_items[uid] = None if value is None else facts.items
            if kind == "pledges":
                names["pledge"] = dict(facts.titles) if facts else {}
            if kind in ("pledges", "rectifications"):
                # None: the file could not be read (or is not a list), so references into it cannot be judged.
                getattr(declared, kind)[uid] = None if value is None or value is schema.BAD else set(facts.ids)
            if value is None or value is schema.BAD:
                value = ()
            lists[kind] = value
        reports = {}
        for f in folder:
            if f.startswith(f"{base}/reports/") and f.endswith(".md") and f.count("/") == base.count("/") + 2:
                rep = _cached_report(src, f, uid, problems)
                if rep is not None:
                    reports[rep.campaign] = rep
        units[uid] = R.UnitFolder(unit, lists["pledges"], lists["ledger"], lists["rectifications"], reports,
                                  frozenset(evidence))

    inspections: list[R.Inspection] = []
    for f in by_dir.get("inspections", []):
        if _yaml_stem(f, data, problems, "inspections/ 中只能放 .yaml 文件") is None:
            continue
        value, facts = _convert(src, f, "inspections", problems, False, None, memo, names)
        if value is None or value is schema.BAD:
            declared.inspections_complete = False
        declared.inspections |= set(facts.ids if facts else ())
        if value and value is not schema.BAD:
            inspections.extend(value)

    evaluations: dict[str, R.Evaluation] = {}
    for f in by_dir.get("evaluations", []):
        stem = _yaml_stem(f, data, problems, "evaluations/ 中每个活动一个 <活动标识>.yaml 文件")
        if stem is None:
            continue
        e, _ = _convert(src, f, "evaluation", problems, True, None, memo, names)
        if isinstance(e, R.Evaluation):
            if e.campaign != stem:
                problems.error(*e.loc.at("campaign"), f"活动标识“{e.campaign}”与文件名“{stem}.yaml”不一致：两者必须相同")
            evaluations[stem] = e

    ds = R.Dataset(str(src.root), site, campaigns, units, tuple(inspections), evaluations, data)
    return ds, declared


def _categories_anyway(node) -> tuple[str, ...]:
    """The unit categories of a site.yaml that has other errors, so units are not wrongly rejected."""
    if isinstance(node, Map) and "unit_categories" in node.entries:
        value = schema.SITE.fields["unit_categories"].type.convert(
            node.entries["unit_categories"][1], schema.Ctx("", Problems()), "unit_categories")
        if value is not schema.BAD and value:
            return tuple(value)
    return R.DEFAULT_CATEGORIES


def _yaml_stem(rel: str, data: str, problems: Problems, hint: str) -> str | None:
    p = PurePosixPath(rel)
    if p.suffix != ".yaml" or len(p.relative_to(data).parts) != 2:
        problems.error(rel, 0, "", _unknown_file(p.name, hint))
        return None
    return p.stem


def _unknown_file(name: str, hint: str, options: Iterable[str] = ()) -> str:
    near = schema.did_you_mean(name, options) if options else ""
    if name.endswith(".yml"):
        near = "（扩展名应为 .yaml，不是 .yml）"
    return f"无法识别的文件或文件夹“{name}”{near}：{hint}"


def _cached_report(src: Source, rel: str, uid: str, problems: Problems) -> R.Report | None:
    stamp = src.stamp(rel)
    if stamp is None:
        return _load_report(src, rel, uid, problems)
    assert isinstance(src, CachedSource)
    key = (rel, "report", True, uid)
    hit = src.cache.get(key)
    if hit is None or hit[0] != stamp:
        mine = Problems()
        hit = src.cache[key] = (stamp, _load_report(src, rel, uid, mine), None, mine.sorted())
        src.parsed.append(rel)
    problems.extend(hit[3])
    return hit[1]


def _load_report(src: Source, rel: str, uid: str, problems: Problems) -> R.Report | None:
    try:
        text = decode(src.read(rel))
    except YamlFileError as exc:
        problems.error(rel, exc.line, "", exc.message)
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.error(rel, 1, "", "总结报告应以 front matter 开头：第一行写“---”，然后写 title 和 submitted，再以“---”结束")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.error(rel, 1, "", "front matter 没有结束：请在 title 和 submitted 之后加一行“---”")
        return None
    invisible: list[YamlProblem] = []
    front = take_invisible("\n" + "\n".join(lines[1:end]), invisible)  # the leading newline keeps line numbers true
    for p in invisible:
        problems.error(rel, p.line, "", p.message)
    try:
        node = parse(front)
    except YamlFileError as exc:
        problems.error(rel, exc.line, "", exc.message)
        return None
    if node is None:
        problems.error(rel, 1, "", "front matter 是空的：需要 title 和 submitted")
        return None
    rep = schema.convert("report", node, schema.Ctx(rel, problems))
    if not isinstance(rep, R.Report):
        return None
    campaign = PurePosixPath(rel).stem
    return dataclasses.replace(rep, unit=uid, campaign=campaign, body="\n".join(lines[end + 1:]).strip("\n"))

