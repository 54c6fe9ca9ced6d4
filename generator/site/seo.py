"""What search engines and feed readers find in a built site: its public address, robots.txt, feed links.

The public address is ``base_url`` in ``data/site.yaml`` and nowhere else. The plugin hands it to
MkDocs as ``site_url``, from which MkDocs and Material write the sitemap's absolute URLs and each
page's canonical link. A site without ``base_url`` still builds: its pages carry no canonical
link, ``sitemap.xml`` lists no URL (the sitemap protocol allows only absolute ones) and
``robots.txt`` names no sitemap.
"""

from __future__ import annotations

from generator.site.qr import site_base


class AddressError(ValueError):
    """mkdocs.yml sets a second public address."""


def site_url(base_url: str | None, configured: str | None, serving: bool) -> str | None:
    """MkDocs' ``site_url`` for a build: ``base_url`` normalised, or None without one.

    ``configured`` is the ``site_url`` mkdocs.yml holds. ``mkdocs serve`` sets it to the preview
    address, which the preview keeps (its live reload and 404 page need it).
    """
    if serving:
        return configured
    base = site_base(base_url) or None
    if configured and configured.rstrip("/") + "/" != base:
        raise AddressError(
            f"mkdocs.yml 中设置了 site_url（{configured}）：网站的公开地址只写在 data/site.yaml 的 base_url 中"
            f"（现在是 {base_url or '未设置'}），请删去 mkdocs.yml 中的 site_url")
    return base


def robots_txt(base_url: str | None) -> str:
    """``/robots.txt``: everything may be indexed but the clerks' editor; the sitemap when known."""
    lines = ["User-agent: *", "Disallow: /admin/", ""]
    base = site_base(base_url)
    if base:
        lines.insert(2, f"Sitemap: {base}sitemap.xml")
    return "\n".join(lines) + "\n"


def unit_of(context: dict) -> str | None:
    """The unit id of a generated page about one unit (its page, a pledge, its problems, its notice)."""
    folder = context.get("unit")
    return getattr(getattr(folder, "unit", None), "id", None)
