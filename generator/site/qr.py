"""QR codes for the printed notice, drawn by ``segno`` as inline SVG.

The SVG is written here from segno's module matrix, not taken as markup from anywhere: it
holds only numbers we compute and an escaped alt text, so nothing from the data can become
markup.  The data encoded is a URL built from ids (``[a-z0-9-]``) and ``base_url``.

Mask choice: segno tries all eight masks and keeps the one with the lowest penalty, which is
what the QR standard asks for and costs about 5 ms per code.  The unit's code (one per notice,
the one most people scan) gets that; the small per-pledge codes use one fixed mask, about five
times faster, because a county has thousands of pledges.  Every decoder reads every mask; the
tests decode both kinds with zbar.
"""

from __future__ import annotations

import html
from functools import lru_cache
from urllib.parse import urlsplit

import segno
from markupsafe import Markup

FIXED_MASK = 0  # (row + column) mod 2: breaks up long runs, the main thing the penalty rules avoid


def site_base(value: str | None) -> str:
    """``base_url`` of site.yaml as ``https://host/path/`` (ending in a slash), or "" when unusable."""
    v = (value or "").strip()
    if not v.startswith(("https://", "http://")) or not urlsplit(v).hostname:
        return ""
    return v if v.endswith("/") else v + "/"


def public_url(base_url: str | None, path: str) -> tuple[str, bool]:
    """The address a printed code should hold for a site path like ``units/fgw/``: (url, absolute?).

    Absolute with ``base_url`` (``https://…``); without it, only the path (``/units/fgw/``),
    which the notice says plainly.
    """
    base = site_base(base_url)
    if base:
        return base + path, True
    return "/" + path, False


@lru_cache(maxsize=4096)
def _matrix_path(data: str, best_mask: bool) -> tuple[int, str]:
    """(size in modules, SVG path data) of the code for ``data``, without the quiet zone."""
    q = segno.make_qr(data, error="m", boost_error=True, mask=None if best_mask else FIXED_MASK)
    parts = []
    for y, row in enumerate(q.matrix):
        x, n = 0, len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return len(q.matrix), "".join(parts)


def svg(data: str, alt: str, *, css_class: str = "gs-qr", border: int = 4, best_mask: bool = True) -> Markup:
    """An inline ``<svg>`` QR code for ``data`` with ``alt`` as its accessible name.

    ``border`` is the quiet zone in modules (the standard asks for 4); the SVG scales to the
    size CSS gives it.
    """
    size, path = _matrix_path(data, best_mask)
    full = size + 2 * border
    label = html.escape(alt, quote=True)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{html.escape(css_class, quote=True)}" '
        f'viewBox="0 0 {full} {full}" role="img" aria-label="{label}" shape-rendering="crispEdges">'
        f"<title>{label}</title>"
        f'<rect width="{full}" height="{full}" fill="#fff"/>'
        f'<path transform="translate({border} {border})" fill="#000" d="{path}"/></svg>'
    )
