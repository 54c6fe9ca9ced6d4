"""The public log of every published manifest: ``/data/manifests/index.json`` and one step file per build.

A manifest (:mod:`generator.publish.manifest`) lists some 27,000 record hashes for one county (about
3 MB), and a gongshi.json is larger still, so the log does not keep either whole for every nightly build.
Each build adds one *step*, ``/data/manifests/<as_of>.json`` (``<as_of>-2.json`` … for a second build
on the same day), which holds:

* ``manifest``: the build's manifest without its record list (format, as_of, generator, previous,
  previous_as_of, count, hash);
* ``added`` / ``changed``: record key → SHA-256 of the records that are new or different since the
  step before, and ``removed``: the keys that are gone;
* ``content``: the own fields (what an editor wrote, as public on that day) of every added or
  changed record, so that anyone can rebuild what each build published and apply the integrity
  rules to it, not only compare hashes.

Applying the steps in order rebuilds every manifest exactly: its own hash (``manifest.hash``) and
its link to the one before (``previous``) can be checked by anyone from the site alone.  The first
step holds every record.  ``index.json`` lists the steps in order with each manifest's hash and the
SHA-256 of each step file, so that a copy kept by a monitor can be compared entry by entry.

The publish step hands the live site's log to the next build (plugin option ``previous_log``: a
folder holding a copy of the live ``/data/manifests/``); the build copies the earlier step files
unchanged and appends its own.  :func:`read_log` / :func:`replay` are the reading side, used by
the build and by ``gongshi audit`` (:mod:`generator.review.audit`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model.serial import digest
from generator.publish.manifest import FORMAT, _self_hash, build_manifest, export_records

STEP_FORMAT = "gongshi-log-step/1"
INDEX_FORMAT = "gongshi-log/1"
LOG_DIR = "data/manifests"


class LogError(Exception):
    """The earlier log cannot be read or does not hold together; the message is Chinese."""


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@dataclass
class Entry:
    """One line of index.json."""

    as_of: str
    file: str
    hash: str
    previous: str | None
    count: int
    sha256: str
    added: int = 0
    changed: int = 0
    removed: int = 0

    def to_json(self) -> dict:
        return {"as_of": self.as_of, "file": self.file, "hash": self.hash, "previous": self.previous,
                "count": self.count, "sha256": self.sha256,
                "added": self.added, "changed": self.changed, "removed": self.removed}


@dataclass
class Log:
    """A log as read: its index entries and each step file's bytes (same order)."""

    entries: list[Entry] = field(default_factory=list)
    steps: list[bytes] = field(default_factory=list)


def parse_index(raw: bytes, where: str) -> list[Entry]:
    """index.json's entries, or LogError with what is wrong in Chinese."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise LogError(f"{where} 不是 UTF-8 文本：它不是 gongshi 的清单日志") from None
    except json.JSONDecodeError as exc:
        raise LogError(f"{where} 不是完整的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）："
                       "文件可能被截断，或地址指向的不是清单日志") from None
    if not isinstance(data, dict) or "format" not in data:
        raise LogError(f"{where} 不是 gongshi 的清单日志：缺少 format")
    if data.get("format") != INDEX_FORMAT:
        raise LogError(f"{where} 的格式“{data.get('format')}”无法识别：本程序只认 {INDEX_FORMAT}，"
                       "请升级 gongshi 后再核对")
    listed = data.get("entries")
    if not isinstance(listed, list):
        raise LogError(f"{where} 不是 gongshi 的清单日志：缺少 entries 列表")
    entries = []
    for i, e in enumerate(listed):
        try:
            entries.append(Entry(as_of=str(e["as_of"]), file=str(e["file"]), hash=str(e["hash"]),
                                 previous=e.get("previous"), count=int(e["count"]), sha256=str(e["sha256"]),
                                 added=int(e.get("added", 0)), changed=int(e.get("changed", 0)),
                                 removed=int(e.get("removed", 0))))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise LogError(f"{where} 的第 {i + 1} 条记录不完整：缺少 as_of、file、hash、count 或 sha256") from None
        if "/" in entries[-1].file or "\\" in entries[-1].file or entries[-1].file.startswith("."):
            raise LogError(f"{where} 的第 {i + 1} 条记录的文件名“{entries[-1].file}”无效")
    return entries


def parse_step(raw: bytes, where: str) -> dict:
    try:
        step = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise LogError(f"{where} 不是 UTF-8 文本") from None
    except json.JSONDecodeError as exc:
        raise LogError(f"{where} 不是完整的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）：文件可能被截断") from None
    if not isinstance(step, dict) or step.get("format") != STEP_FORMAT:
        fmt = step.get("format") if isinstance(step, dict) else None
        raise LogError(f"{where} 的格式“{fmt}”无法识别：本程序只认 {STEP_FORMAT}，请升级 gongshi 后再核对")
    m = step.get("manifest")
    if not isinstance(m, dict) or not all(isinstance(step.get(k), t) for k, t in
                                          (("added", dict), ("changed", dict), ("removed", list), ("content", dict))):
        raise LogError(f"{where} 不完整：缺少 manifest、added、changed、removed 或 content")
    return step


def read_log(folder: Path | str) -> Log:
    """The log kept in ``folder`` (a copy of a site's /data/manifests/).

    A folder without index.json is an error, not an empty log: a publish that lost the live log on
    its way (a wrong path, a failed download) must not start a new one and break the chain."""
    folder = Path(folder)
    index = folder / "index.json"
    if not index.is_file():
        raise LogError(f"找不到上一次发布的清单日志 {index}（previous_log）：新网站要带上线上已发布的日志，再接上本次的一期。"
                       "请先取回线上的 /data/manifests/（gongshi audit 网站地址 --chain-only --keep 文件夹）；"
                       "线上还没有日志时（第一次发布）不要设置 previous_log")
    entries = parse_index(index.read_bytes(), str(index))
    steps = []
    for e in entries:
        path = folder / e.file
        try:
            steps.append(path.read_bytes())
        except OSError:
            raise LogError(f"清单日志 {index} 列出的 {e.file} 不存在：日志不完整") from None
    return Log(entries, steps)


# ------------------------------------------------------------------------------------------
# Replaying the steps


@dataclass
class Replayed:
    """One step rebuilt: its full manifest, every record's own fields as published, the problems."""

    index: int
    entry: Entry
    step: dict
    manifest: dict
    content: dict[str, dict]
    problems: list[tuple[str, str | None, str | None, str | None]]  # (message, record key, hash before, hash after)


def replay(log: Log, where: str = "清单日志", every_manifest: bool = True) -> Iterator[Replayed]:
    """Each step rebuilt in order from the ones before, with what does not hold together.

    Checked: each step file against its SHA-256 in the index; each record's content against its
    hash; each rebuilt manifest against its own hash and the index; each ``previous`` against the
    hash of the manifest before; dates in order.  A step that cannot be read stops the replay
    (raises LogError): nothing after it can be rebuilt.

    The own hash of a rebuilt manifest costs a digest over every record (0.1–0.2 s for a county):
    ``every_manifest=False`` checks it for the last step only (a build extending the log, which the
    publish step has audited just before); ``gongshi audit`` checks every one.
    """
    records: dict[str, str] = {}
    content: dict[str, dict] = {}
    prev: dict | None = None
    for i, (e, raw) in enumerate(zip(log.entries, log.steps, strict=True)):
        name = f"{where}第 {i + 1} 期（{e.as_of}，{e.file}）"
        problems: list[tuple[str, str | None, str | None, str | None]] = []
        if sha256(raw) != e.sha256:
            problems.append((f"{name}的文件内容与 index.json 记下的 SHA-256 不符：文件在发布后被改动过",
                             None, e.sha256, sha256(raw)))
        step = parse_step(raw, name)
        for k in step["removed"]:
            if k not in records:
                problems.append((f"{name}删除了前一期没有的记录", k, None, None))
            records.pop(k, None)
            content.pop(k, None)
        for part in ("changed", "added"):
            for k, h in step[part].items():
                before = records.get(k)
                if part == "changed" and before is None:
                    problems.append((f"{name}改动了前一期没有的记录", k, None, h))
                if part == "added" and before is not None:
                    problems.append((f"{name}新增的记录前一期已有", k, before, h))
                rec = step["content"].get(k)
                if not isinstance(rec, dict):
                    problems.append((f"{name}缺少记录的内容", k, before, h))
                    rec = {}
                elif digest(rec) != h:
                    problems.append((f"{name}中记录的内容与它的 SHA-256 不符：内容被改动过", k, h, digest(rec)))
                records[k] = h
                content[k] = rec
        m = dict(step["manifest"])
        m["records"] = dict(records)  # the digest sorts the keys itself
        own_hash = m.get("hash")
        if m.get("format") != FORMAT:
            problems.append((f"{name}的清单格式“{m.get('format')}”无法识别（应为 {FORMAT}）", None, None, None))
        if (every_manifest or i == len(log.entries) - 1) and _self_hash(m) != own_hash:
            problems.append((f"{name}按日志重建的清单与它自己的 hash 不符：清单或日志在发布后被改动过", None, own_hash, _self_hash(m)))
        if own_hash != e.hash:
            problems.append((f"{name}的清单 hash 与 index.json 记下的不符", None, e.hash, own_hash))
        if m.get("count") != len(records):
            problems.append((f"{name}的记录数 {m.get('count')} 与重建出的 {len(records)} 条不符", None, None, None))
        if m.get("as_of") != e.as_of:
            problems.append((f"{name}的清单日期 {m.get('as_of')} 与 index.json 不符", None, None, None))
        if prev is not None:
            if m.get("previous") != prev.get("hash"):
                problems.append((f"{name}的 previous 不是前一期（{prev.get('as_of')}）清单的 hash：链条在这里断开，"
                                 "中间的清单被删除或替换了", None, prev.get("hash"), m.get("previous")))
            if str(m.get("as_of") or "") < str(prev.get("as_of") or ""):
                problems.append((f"{name}的日期早于前一期（{prev.get('as_of')}）", None, None, None))
        if e.previous != m.get("previous"):
            problems.append((f"{name}的 previous 与 index.json 记下的不符", None, e.previous, m.get("previous")))
        yield Replayed(i, e, step, m, dict(content), problems)
        prev = m


def head(log: Log) -> tuple[dict | None, dict[str, dict]]:
    """The last manifest of a log (with its records) and the own fields of its records; raises
    LogError when the log does not hold together (a build must not extend a broken log)."""
    last: Replayed | None = None
    for r in replay(log, "上一次发布的清单日志", every_manifest=False):
        if r.problems:
            raise LogError("上一次发布的清单日志有问题，本次不发布（请先用 gongshi audit 核对线上网站）：\n"
                           + "\n".join(p[0] for p in r.problems))
        last = r
    if last is None:
        return None, {}
    return last.manifest, last.content


# ------------------------------------------------------------------------------------------
# Writing: the files one build adds


def _step_name(as_of: str, taken: set[str]) -> str:
    name = f"{as_of}.json"
    n = 2
    while name in taken:
        name = f"{as_of}-{n}.json"
        n += 1
    return name


def build_log(gongshi_json: dict, previous_log: Log | None = None,
              previous_manifest: dict | None = None) -> tuple[dict, list[tuple[str, bytes]]]:
    """This build's manifest and the files of the log it publishes: (site path, bytes), the earlier
    steps unchanged, the new step and the new index.

    ``previous_log`` is the live site's log (its last manifest is the one this build follows);
    ``previous_manifest`` is used only when there is no log yet (a site published before the log).
    """
    log = previous_log or Log()
    prev_manifest, _prev_content = head(log)
    if prev_manifest is None:
        prev_manifest = previous_manifest
    base_records = (prev_manifest or {}).get("records") or {} if log.entries else {}
    own = export_records(gongshi_json)
    manifest = build_manifest(gongshi_json, prev_manifest,
                              {k: digest(rec) for k, (rec, _unknown) in sorted(own.items())})
    if log.entries and str(manifest["as_of"]) < log.entries[-1].as_of:
        raise LogError(f"本次生成的视图日期 {manifest['as_of']} 早于线上清单日志的最新一期（{log.entries[-1].as_of}）："
                       "发布的日志只能往后接。预览过去的日期时不要设置 previous_log")
    now = manifest["records"]
    added = {k: h for k, h in now.items() if k not in base_records}
    changed = {k: h for k, h in now.items() if k in base_records and base_records[k] != h}
    removed = sorted(set(base_records) - set(now))
    step = {
        "format": STEP_FORMAT,
        "manifest": {k: v for k, v in manifest.items() if k != "records"},
        "added": added,
        "changed": changed,
        "removed": removed,
        "content": {k: own[k][0] for k in sorted({*added, *changed})},
    }
    raw = _json_bytes(step)
    name = _step_name(str(manifest["as_of"]), {e.file for e in log.entries})
    entry = Entry(as_of=str(manifest["as_of"]), file=name, hash=manifest["hash"], previous=manifest["previous"],
                  count=manifest["count"], sha256=sha256(raw), added=len(added), changed=len(changed),
                  removed=len(removed))
    entries = [*log.entries, entry]
    index = {"format": INDEX_FORMAT, "algorithm": "sha256", "head": entry.hash,
             "entries": [e.to_json() for e in entries]}
    files = [(f"{LOG_DIR}/{e.file}", b) for e, b in zip(log.entries, log.steps, strict=True)]
    files.append((f"{LOG_DIR}/{name}", raw))
    files.append((f"{LOG_DIR}/index.json", json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"))
    return manifest, files
