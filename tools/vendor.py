#!/usr/bin/env python3
"""Copy the browser libraries the site serves from itself out of tools/vendor/node_modules
(installed with ``npm ci --prefix tools/vendor``, pinned by its package-lock.json) into
generator/site/assets/vendor/, so that a build needs no Node. tests/site/test_facets.py checks
that the copies are byte for byte the locked package's files."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = {  # destination under generator/site/assets/vendor/ → source under tools/vendor/node_modules/
    "tablesort/tablesort.min.js": "tablesort/dist/tablesort.min.js",
    "tablesort/tablesort.number.min.js": "tablesort/dist/sorts/tablesort.number.min.js",
    "tablesort/LICENCE": "tablesort/LICENCE",
}


def main() -> int:
    src, dst = ROOT / "tools" / "vendor" / "node_modules", ROOT / "generator" / "site" / "assets" / "vendor"
    for to, frm in FILES.items():
        if not (src / frm).is_file():
            print(f"missing {src / frm}: run npm ci --prefix tools/vendor first", file=sys.stderr)
            return 1
        (dst / to).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / frm, dst / to)
        print(f"{frm} -> generator/site/assets/vendor/{to}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
