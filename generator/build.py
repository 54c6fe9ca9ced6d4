"""`gongshi build` and `gongshi serve`: MkDocs with the gongshi plugin, built atomically.

The build goes into a fresh directory next to ``site/``; only when it and its checks pass
does it replace ``site/``, so a failed build never leaves a half-written site.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from mkdocs.commands import build as mk_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError


def _env(as_of: date | None, strict: bool) -> None:
    if as_of is not None:
        os.environ["GONGSHI_AS_OF"] = as_of.isoformat()
    if strict:
        os.environ["GONGSHI_STRICT"] = "1"


def build_site(root: Path, as_of: date | None = None, strict: bool = False, out: str | None = None) -> int:
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        print(f"gongshi: 找不到 {config_file}：请在项目根目录运行，或用 --root 指定", file=sys.stderr)
        return 2
    _env(as_of, strict)
    target = Path(out).resolve() if out else root / "site"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".site-building-", dir=target.parent))
    try:
        cfg = load_config(str(config_file), site_dir=str(tmp), strict=strict)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build.build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except (PluginError, Abort, ConfigurationError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"gongshi: 构建失败，原有的 site/ 没有改动。\n{exc}", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".site-old-{os.getpid()}")
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    print(f"已生成网站：{target}", file=sys.stderr)
    return 0


def serve(root: Path, as_of: date | None = None, dev_addr: str = "127.0.0.1:8000") -> int:
    from mkdocs.commands.serve import serve as mk_serve

    _env(as_of, False)
    try:
        mk_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)
    except (PluginError, Abort, ConfigurationError) as exc:
        print(f"gongshi: 预览失败。\n{exc}", file=sys.stderr)
        return 1
    return 0
