#!/usr/bin/env python3
"""Size of the public manifest log after a year of nightly builds.

    python bench/log_size.py --scale 1 [--days 365] [--today 2026-11-23]

generates ``bench/make_data.py --scale S`` data (in a temporary folder), then publishes one build per
night for ``--days`` nights ending on ``--today``: each night the view moves one day on (what is public
that night), and the build's log is made by the code a real build runs
(:func:`generator.publish.log.build_log`), carrying the night before's log forward.  It prints the size
of ``/data/manifests/`` (raw and gzip -6, as nginx would send it), of the first step, of the largest and
the median later step, next to one full manifest and one gongshi.json, and the time ``gongshi audit``
takes over the finished log (chain only, and every step recomputed for the last 7 nights).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.publish.export import gongshi_json  # noqa: E402
from generator.publish.log import Log, build_log  # noqa: E402
from generator.view.derive import derive  # noqa: E402
from generator.view.pipeline import check  # noqa: E402


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} KB"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="1")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--today", default="2026-11-23")
    ap.add_argument("--audit", action="store_true", help="also time gongshi audit over the finished log")
    args = ap.parse_args()
    today = date.fromisoformat(args.today)
    with tempfile.TemporaryDirectory(prefix="gongshi-logsize-") as tmp:
        root = Path(tmp) / "proj"
        subprocess.run([sys.executable, str(REPO / "bench" / "make_data.py"), "--scale", args.scale,
                        "--out", str(root), "--today", args.today], check=True, capture_output=True)
        res = check(root, today=today)
        ds = res.dataset
        log = Log()
        t0 = time.perf_counter()
        full_manifest = export_size = 0
        for n in range(args.days):
            day = today - timedelta(days=args.days - 1 - n)
            data = json.loads(json.dumps(gongshi_json(derive(ds, day)), ensure_ascii=False))
            manifest, files = build_log(data, log)
            steps = [raw for path, raw in files if not path.endswith("index.json")]
            log = Log(log.entries + [_entry(files)], steps)
            if n % 30 == 0:
                print(f"  … night {n + 1} ({day}): {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
            if n == args.days - 1:
                full_manifest = len(json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode())
                export_size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
                index = next(raw for path, raw in files if path.endswith("index.json"))
        took = time.perf_counter() - t0
        sizes = [len(s) for s in log.steps]
        gz = [len(gzip.compress(s, 6)) for s in log.steps]
        later = sizes[1:] or [0]
        print(f"scale {args.scale}, {args.days} nightly builds ending {today} ({took:.0f} s to publish them all)")
        print(f"  records in the last manifest: {log.entries[-1].count:,}")
        print(f"  one full manifest.json: {mb(full_manifest)}; one gongshi.json: {mb(export_size)}")
        print(f"  log /data/manifests/ total: {mb(sum(sizes) + len(index))} raw; {mb(sum(gz) + len(gzip.compress(index, 6)))} gzip -6;"
              f" {len(sizes) + 1} files")
        print(f"  first step (every record): {mb(sizes[0])} raw, {mb(gz[0])} gzip")
        print(f"  later steps: median {mb(statistics.median(later))}, largest {mb(max(later))}, sum {mb(sum(later))} raw;"
              f" index.json {mb(len(index))}")
        print(f"  records added/changed/removed over the year after the first night: "
              f"{sum(e.added for e in log.entries[1:]):,} / {sum(e.changed for e in log.entries[1:]):,} / "
              f"{sum(e.removed for e in log.entries[1:]):,}")
        if args.audit:
            site = Path(tmp) / "site"
            for path, raw in [(f"data/manifests/{e.file}", s) for e, s in zip(log.entries, log.steps, strict=True)] + [
                    ("data/manifests/index.json", index)]:
                (site / path).parent.mkdir(parents=True, exist_ok=True)
                (site / path).write_bytes(raw)
            (site / "data" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
            for extra in (["--chain-only"], ["--since", (today - timedelta(days=6)).isoformat()]):
                t = time.perf_counter()
                p = subprocess.run([sys.executable, "-m", "generator", "audit", str(site), *extra],
                                   capture_output=True, text=True, cwd=REPO)
                print(f"  gongshi audit {' '.join(extra)}: {time.perf_counter() - t:.1f} s, exit {p.returncode}"
                      f" ({p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ''})")
                if p.returncode:
                    # A fixed data set viewed as of earlier nights holds changes and withdrawals dated
                    # after those nights, which a real publish refuses ("晚于今天"): findings of the
                    # simulation, not of the log.
                    print(f"    ({len(p.stdout.splitlines())} findings, the first: "
                          f"{p.stdout.splitlines()[0][:160] if p.stdout else ''})")
    return 0


def _entry(files):
    from generator.publish.log import parse_index

    index = next(raw for path, raw in files if path.endswith("index.json"))
    return parse_index(index, "index.json")[-1]


if __name__ == "__main__":
    sys.exit(main())
