"""The public pages: page plan, templates, Markdown, charts, QR codes, search and the MkDocs build."""

from pathlib import Path

ASSETS = Path(__file__).parent / "assets"
"""The site's own CSS and scripts, copied into ``site/assets/``."""
