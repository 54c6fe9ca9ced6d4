"""Charts drawn at build time as inline SVG, each with a text alternative.

No JavaScript and no outside request: the SVG is part of the page, scales to the phone's
width (viewBox, no fixed size) and carries ``role="img"`` with a Chinese description.  The
caller shows the same figures as a table for screen readers and for copying.
"""

from __future__ import annotations

from datetime import date
from html import escape

from generator.model.records import DutyState, PledgeState, RectState
from generator.site import ASSETS

State = PledgeState | RectState | DutyState

# The one table of state colours: the charts' bars and the badges (gs-s-<state>, gs-d-<duty state>)
# in the stylesheet both come from it. White badge text on each passes WCAG AA (4.5:1).
STATE_COLOURS: dict[State, str] = {
    PledgeState.DONE: "#1b7f3b", PledgeState.DONE_LATE: "#7a5d00", PledgeState.OVERDUE: "#b3261e",
    PledgeState.IN_PROGRESS: "#1a5fb4", PledgeState.NOT_STARTED: "#5f6368", PledgeState.WITHDRAWN: "#6b6b70",
    RectState.CLOSED: "#1b7f3b", RectState.CLOSED_LATE: "#7a5d00", RectState.NOTICE: "#6f42c1",
    RectState.AWAITING: "#1a5fb4", RectState.OVERDUE: "#b3261e", RectState.OPEN: "#5f6368", RectState.OBJECTED: "#b04000",
    DutyState.MET: "#1b7f3b", DutyState.MET_LATE: "#7a5d00", DutyState.MISSED: "#b3261e", DutyState.NOT_DUE: "#5f6368",
}


def state_class(state: State) -> str:
    """The badge's CSS class of a state, as the templates write it."""
    return f"gs-{'d' if isinstance(state, DutyState) else 's'}-{state.name.lower()}"


def stylesheet() -> str:
    """The site's stylesheet: gongshi.css, then each state's colour as a custom property
    (``--gs-s-done``) and as its badge's background."""
    by_class: dict[str, str] = {}
    for state, colour in STATE_COLOURS.items():
        # A pledge's and a problem's OVERDUE share one class, so they must share one colour.
        assert by_class.setdefault(state_class(state), colour) == colour, state
    props = " ".join(f"--{cls}: {colour};" for cls, colour in by_class.items())
    rules = "".join(f".{cls} {{ background: var(--{cls}) !important; }}\n" for cls in by_class)
    return ((ASSETS / "gongshi.css").read_text(encoding="utf-8")
            + f"\n/* State colours, from generator/site/charts.py (STATE_COLOURS) */\n:root {{ {props} }}\n{rules}")


def state_bar(counts: list[tuple[State, int]], label: str) -> str:
    """A horizontal stacked bar of counts by state; empty when there is nothing to show."""
    total = sum(n for _s, n in counts)
    if not total:
        return ""
    desc = f"{label}：" + "，".join(f"{s.value} {n}" for s, n in counts if n)
    parts = []
    x = 0.0
    for s, n in counts:
        if not n:
            continue
        w = 1000 * n / total
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="40" fill="{STATE_COLOURS[s]}">'
                     f"<title>{escape(s.value)} {n}</title></rect>")
        x += w
    return (f'<svg class="gs-chart gs-bar" viewBox="0 0 1000 40" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(desc)}">{"".join(parts)}</svg>')


def line_chart(points: list[tuple[date, float]], target: float | None, unit: str, label: str,
               baseline: float | None = None) -> str:
    """Measurements over time with the target as a dashed line."""
    if not points:
        return ""
    w, h, left, right, top, bottom = 600, 240, 48, 16, 16, 40
    values = [v for _d, v in points] + [x for x in (target, baseline) if x is not None]
    lo, hi = min(values + [0.0]), max(values)
    if hi == lo:
        hi = lo + 1
    hi += (hi - lo) * 0.08
    d0, d1 = points[0][0], points[-1][0]
    span = max((d1 - d0).days, 1)

    def px(d: date) -> float:
        return left + (w - left - right) * ((d - d0).days / span if len(points) > 1 else 0.5)

    def py(v: float) -> float:
        return top + (h - top - bottom) * (1 - (v - lo) / (hi - lo))

    desc = f"{label}：" + "，".join(f"{d.isoformat()} {_num(v)}{unit}" for d, v in points)
    if target is not None:
        desc += f"；目标 {_num(target)}{unit}"
    out = [f'<svg class="gs-chart gs-line" viewBox="0 0 {w} {h}" role="img" aria-label="{escape(desc)}">']
    for frac in (0, 0.5, 1):
        v = lo + (hi - lo) * frac
        y = py(v)
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}" class="gs-grid"/>'
                   f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="gs-axis">{escape(_num(v))}</text>')
    if target is not None:
        y = py(target)
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y:.1f}" y2="{y:.1f}" class="gs-target"/>'
                   f'<text x="{w - right}" y="{y - 6:.1f}" text-anchor="end" class="gs-axis">目标 '
                   f'{escape(_num(target))}{escape(unit)}</text>')
    coords = " ".join(f"{px(d):.1f},{py(v):.1f}" for d, v in points)
    out.append(f'<polyline points="{coords}" class="gs-series"/>')
    for d, v in points:
        out.append(f'<circle cx="{px(d):.1f}" cy="{py(v):.1f}" r="4" class="gs-point"><title>{d.isoformat()} '
                   f'{escape(_num(v))}{escape(unit)}</title></circle>')
    out.append(f'<text x="{left}" y="{h - 12}" class="gs-axis">{d0.isoformat()}</text>')
    if len(points) > 1:
        out.append(f'<text x="{w - right}" y="{h - 12}" text-anchor="end" class="gs-axis">{d1.isoformat()}</text>')
    out.append("</svg>")
    return "".join(out)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"
