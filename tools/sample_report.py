#!/usr/bin/env python3
"""Which derived states the sample data covers, as of today and as of each phase end.

    .venv/bin/python tools/sample_report.py [--data DIR] [--as-of YYYY-MM-DD ...]

For every view date it prints, per kind (pledge, rectification, duty), how many records are in
each state and which states are missing.  Without --as-of the dates are the sample's "today"
(2026-11-23) and the end of every phase that has ended by then.  Exit status 1 when a state is
missing at some date (the sample is designed so that none is; see tools/make_sample.py).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.model.load import load_dataset  # noqa: E402
from generator.model.records import DutyState, PledgeState, RectState  # noqa: E402
from generator.view.derive import derive  # noqa: E402

SAMPLE_TODAY = date(2026, 11, 23)
STALE = "久未更新"


def view_dates(ds, today: date) -> list[date]:
    ends = {ph.end for c in ds.campaigns.values() for ph in c.phases if ph.end is not None and ph.end <= today}
    return sorted(ends) + [today]


def line(label: str, counts: Counter, names: list[str]) -> tuple[str, list[str]]:
    missing = [n for n in names if not counts.get(n)]
    shown = "  ".join(f"{n} {counts.get(n, 0)}" for n in names)
    return f"  {label:<6} {shown}" + (f"\n         缺少：{'、'.join(missing)}" if missing else ""), missing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT / "data"))
    ap.add_argument("--as-of", action="append", type=date.fromisoformat, help="view date (repeatable)")
    ap.add_argument("--today", type=date.fromisoformat, default=SAMPLE_TODAY)
    args = ap.parse_args()

    ds, problems = load_dataset(Path(args.data))
    errors = [p for p in problems if getattr(getattr(p, "level", None), "name", "ERROR") == "ERROR"]
    if errors:
        print(f"注意：读取数据时有 {len(errors)} 个问题（请运行 gongshi check）", file=sys.stderr)

    dates = args.as_of or view_dates(ds, args.today)
    any_missing = False
    for when in dates:
        v = derive(ds, when)
        pc = Counter(p.state.value for p in v.pledges)
        pc[STALE] = sum(1 for p in v.pledges if p.stale)
        rc = Counter(r.state.value for r in v.rectifications)
        dc = Counter(x.state.value for x in v.duties)
        by_kind: dict[str, Counter] = {}
        for x in v.duties:
            by_kind.setdefault(x.kind.value, Counter())[x.state.value] += 1
        print(f"== 视图日期 {when}：承诺 {len(v.pledges)}，问题 {len(v.rectifications)}，责任 {len(v.duties)}")
        for label, counts, names in (
            ("承诺", pc, [s.value for s in PledgeState] + [STALE]),
            ("问题", rc, [s.value for s in RectState]),
            ("责任", dc, [s.value for s in DutyState]),
        ):
            text, missing = line(label, counts, names)
            any_missing |= bool(missing)
            print(text)
        detail = "；".join(f"{k}: " + "、".join(f"{s} {n}" for s, n in sorted(c.items())) for k, c in sorted(by_kind.items()))
        print(f"         按类别：{detail}")
    print("全部状态均已出现。" if not any_missing else "有状态缺失（见上）。")
    return 1 if any_missing else 0


if __name__ == "__main__":
    sys.exit(main())
