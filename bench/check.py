#!/usr/bin/env python3
"""Time ``gongshi check`` on generated data, against the floor of parsing the same YAML.

    .venv/bin/python bench/check.py [--scale 1] [--runs 5] [--seed 1] [--out DIR] [--no-generate]

1. generates ``--scale`` counties of data with ``bench/make_data.py`` into ``--out``
   (default ``bench/out/s<scale>``, git-ignored);
2. runs ``python -m generator --root <out> check`` as a subprocess ``--runs`` times, with
   ``GONGSHI_AS_OF`` set to the generator's reference date, and reports min/median wall
   time, its peak RSS (``wait4``), and the errors and warnings it printed;
3. times PyYAML's C loader alone (``yaml.load(..., Loader=yaml.CSafeLoader)``) on every
   ``*.yaml`` file of the tree, in this process, which is the floor for any checker that
   reads the files, and prints the ratio check/floor.  The bare cost of starting Python and
   importing ``generator.cli`` is printed as well, since every ``check`` run pays it.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MAKE_DATA = REPO / "bench" / "make_data.py"
DEFAULT_TODAY = "2026-11-23"


def run_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """(wall seconds, exit code, peak RSS in KiB, combined output) of one subprocess."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return wall, proc.returncode, usage.ru_maxrss, text  # ru_maxrss is KiB on Linux


def check_cmd(root: Path) -> list[str]:
    """The check command; ``--root`` is a global option, tried before and after ``check``."""
    first = [sys.executable, "-m", "generator", "--root", str(root), "check"]
    probe = subprocess.run(first + ["--help"], cwd=REPO, capture_output=True, text=True)
    if probe.returncode == 0:
        return first
    return [sys.executable, "-m", "generator", "check", "--root", str(root)]


def yaml_floor(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in files:
        with open(f, "rb") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - t0


def events_floor(files: list[Path]) -> float:
    """libyaml's parser alone (no constructor): what generator.model.yamlsource builds its tree from."""
    t0 = time.perf_counter()
    for f in files:
        with open(f, "rb") as fh:
            for _ in yaml.parse(fh.read(), Loader=yaml.CSafeLoader):
                pass
    return time.perf_counter() - t0


def fmt(seconds: float) -> str:
    return f"{seconds:7.3f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--today", default=DEFAULT_TODAY, help="reference date of the data and the check's as-of date")
    ap.add_argument("--out", help="project root to generate into (default bench/out/s<scale>)")
    ap.add_argument("--no-generate", action="store_true", help="reuse the data already in --out")
    ap.add_argument("--show", type=int, default=5, help="print this many of the problems check reported")
    args = ap.parse_args(argv)
    if not hasattr(yaml, "CSafeLoader"):
        print("PyYAML has no C loader here (libyaml missing): the floor would be meaningless", file=sys.stderr)
        return 2

    scale_tag = f"{args.scale:g}".replace(".", "_")
    root = Path(args.out) if args.out else REPO / "bench" / "out" / f"s{scale_tag}"
    env = dict(os.environ, GONGSHI_AS_OF=args.today, PYTHONDONTWRITEBYTECODE="1")

    if not args.no_generate:
        t0 = time.perf_counter()
        gen = subprocess.run(
            [sys.executable, str(MAKE_DATA), "--scale", str(args.scale), "--seed", str(args.seed),
             "--today", args.today, "--out", str(root), "-q"],
            cwd=REPO, capture_output=True, text=True,
        )
        if gen.returncode:
            print(gen.stdout + gen.stderr, file=sys.stderr)
            return 1
        print(f"generated scale {args.scale:g} into {root} in {time.perf_counter() - t0:.2f} s: {gen.stdout.strip()}")
    data = root / "data"
    if not (data / "site.yaml").is_file():
        print(f"no data at {data}", file=sys.stderr)
        return 1

    files = sorted(data.rglob("*.yaml"))
    nbytes = sum(f.stat().st_size for f in files)
    print(f"{len(files):,} YAML files, {nbytes / 1e6:.1f} MB")

    # startup: interpreter + importing the CLI, which every check run pays
    startup = []
    for _ in range(3):
        w, rc, _, _ = run_timed([sys.executable, "-c", "import generator.cli"], env)
        if rc == 0:
            startup.append(w)

    cmd = check_cmd(root)
    print(f"$ GONGSHI_AS_OF={args.today} {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}")
    walls, rss = [], []
    last_text, last_rc = "", 0
    for i in range(args.runs):
        w, rc, maxrss, text = run_timed(cmd, env)
        walls.append(w)
        rss.append(maxrss)
        last_text, last_rc = text, rc
        print(f"  run {i + 1}: {fmt(w)}  exit {rc}  peak RSS {maxrss / 1024:.0f} MiB")

    floors = [yaml_floor(files) for _ in range(args.runs)]
    events = [events_floor(files) for _ in range(min(args.runs, 3))]

    lines = last_text.splitlines()
    problems = [ln for ln in lines if re.match(r"^data/\S*?:\d*:? ", ln) or re.match(r"^data/\S+: ", ln)]
    warnings = [ln for ln in problems if ": 警告：" in ln]
    errors = [ln for ln in problems if ": 警告：" not in ln]
    summary = lines[-1] if lines else ""

    med, flo = statistics.median(walls), statistics.median(floors)
    print()
    print(f"check            min {fmt(min(walls))}  median {fmt(med)}  ({args.runs} runs)")
    print(f"CSafeLoader only min {fmt(min(floors))}  median {fmt(flo)}  (in-process, every *.yaml)")
    print(f"CParser events   min {fmt(min(events))}  (yaml.parse only, no constructor; for reference)")
    if startup:
        print(f"python + import  min {fmt(min(startup))}  (python -c 'import generator.cli')")
    print(f"ratio check/floor (median): {med / flo:.1f}x"
          + (f";  excluding startup: {(med - min(startup)) / flo:.1f}x" if startup else ""))
    print(f"peak RSS of check: {max(rss) / 1024:.0f} MiB")
    print(f"check exit {last_rc}: {len(errors)} errors, {len(warnings)} warnings")
    if summary:
        print(f"  {summary}")
    for ln in (errors or warnings)[: args.show]:
        print(f"  {ln}")
    if last_rc and not errors:
        print("\n".join("  " + ln for ln in lines[-20:]))
    return 0 if last_rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
