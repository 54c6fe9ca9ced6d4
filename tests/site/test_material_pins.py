"""The Material partials gongshi copies into theme_overrides/ are tied to the Material version they
were copied from: each copy names the version and the sha256 of Material's original. An upgrade that
changes an original fails here, so the copy is redone on the new original instead of silently
shadowing Material's fixes."""

from __future__ import annotations

import hashlib
import re
from importlib.metadata import version
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PIN = re.compile(r"Copied from mkdocs-material (\S+) (partials/\S+\.html), sha256 ([0-9a-f]{64})")
COPIES = sorted((REPO / "theme_overrides").rglob("*.html"))


def _material_templates() -> Path:
    import material

    return Path(material.__file__).parent / "templates"


def _copies_of_material() -> list[Path]:
    """Every override that replaces a template Material ships (main.html extends base.html instead)."""
    templates = _material_templates()
    return [p for p in COPIES if (templates / p.relative_to(REPO / "theme_overrides")).is_file()
            and p.name != "main.html"]


def test_the_copies_are_found():
    names = {p.relative_to(REPO / "theme_overrides").as_posix() for p in _copies_of_material()}
    assert {"partials/header.html", "partials/search.html"} <= names


@pytest.mark.parametrize("copy", _copies_of_material(), ids=lambda p: p.name)
def test_copy_matches_the_installed_material(copy):
    head = copy.read_text(encoding="utf-8")[:1500]
    m = PIN.search(head)
    rel = copy.relative_to(REPO / "theme_overrides").as_posix()
    assert m, f"{rel} copies Material's {rel} but does not say from which version (\"Copied from mkdocs-material …\")"
    pinned, original, digest = m.groups()
    assert original == rel
    installed = version("mkdocs-material")
    now = hashlib.sha256((_material_templates() / rel).read_bytes()).hexdigest()
    assert now == digest, (
        f"Material {installed}'s {rel} differs from the {pinned} original that theme_overrides/{rel} was copied from: "
        f"redo gongshi's changes on the new file and record its version and sha256 {now}")


def test_the_lock_pins_the_copied_version():
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = re.search(r"^mkdocs-material==(\S+)", lock, re.M)
    assert pinned
    for copy in _copies_of_material():
        m = PIN.search(copy.read_text(encoding="utf-8")[:1500])
        assert m and m.group(1) == pinned.group(1), f"{copy.name} was copied from another Material than the lock pins"
