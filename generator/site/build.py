"""`gongshi build` and `gongshi serve`: MkDocs with the gongshi plugin, built atomically.

The build goes into a fresh directory next to ``site/``; only when it and its checks pass
does it replace ``site/``, so a failed build never leaves a half-written site.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from mkdocs.commands import build as mk_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from generator.site import staging


@contextmanager
def _env(as_of: date | None, data: Path | None):
    """The plugin reads the command's as-of date and data folder from the environment, as MkDocs
    gives a plugin no other way in; restore it afterwards."""
    saved = {k: os.environ.get(k) for k in ("GONGSHI_AS_OF", "GONGSHI_DATA")}
    if as_of is not None:
        os.environ["GONGSHI_AS_OF"] = as_of.isoformat()
    if data is not None:
        os.environ["GONGSHI_DATA"] = str(data)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def build_site(root: Path, as_of: date | None = None, strict: bool = False, out: str | None = None,
               data: Path | None = None) -> int:
    """``gongshi build``: ``strict`` is MkDocs' strictness; ``data`` overrides the plugin's data_dir."""
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        print(f"gongshi: 找不到 {config_file}：请在项目根目录运行，或用 --root 指定", file=sys.stderr)
        return 2
    # --strict is MkDocs' strictness (broken links, nav problems). Data warnings such as 久未更新
    # are public facts about a unit, not faults of the build: they never stop the site.
    with _env(as_of, data):
        return _build(config_file, root, strict, out)


def _build(config_file: Path, root: Path, strict: bool, out: str | None) -> int:
    target = Path(out).resolve() if out else root / "site"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging.sweep(target)  # what builds killed midway left beside site/
    stage = staging.Staging(target.parent)
    tmp = stage.path
    try:
        cfg = load_config(str(config_file), site_dir=str(tmp), strict=strict)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            mk_build.build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except (PluginError, Abort, ConfigurationError) as exc:
        stage.release()
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"gongshi: 构建失败，原有的 site/ 没有改动。\n{exc}", file=sys.stderr)
        return 1
    except BaseException:
        stage.release()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f"{staging.OLD}{os.getpid()}")
        os.replace(target, old)
    os.replace(tmp, target)
    stage.release()
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    print(f"已生成网站：{target}", file=sys.stderr)
    return 0


def serve(root: Path, as_of: date | None = None, dev_addr: str = "127.0.0.1:8000", data: Path | None = None) -> int:
    from mkdocs.commands.serve import serve as mk_serve

    with _env(as_of, data):
        try:
            mk_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)
        except (PluginError, Abort, ConfigurationError) as exc:
            print(f"gongshi: 预览失败。\n{exc}", file=sys.stderr)
            return 1
    return 0
