"""A real git repository around the fixture project, for the integrity, diff and codeowners tests.

Commits get fixed names and dates and ignore the user's and the system's git configuration, so
that they behave the same on every machine.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from helpers import make_project

GIT_ENV = {
    "GIT_AUTHOR_NAME": "测试编辑", "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "测试编辑", "GIT_COMMITTER_EMAIL": "editor@example.org",
    "GIT_AUTHOR_DATE": "2025-12-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2025-12-01T10:00:00+08:00",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    proc = subprocess.run(["git", *args], cwd=str(root), env=env, capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def commit(root: Path, message: str = "修改") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def repo(tmp_path: Path, overrides: dict | None = None) -> Path:
    """The fixture project (with ``overrides``) committed as the first commit of a new repository."""
    root = make_project(tmp_path / "proj", overrides)
    git(root, "init", "-q", "-b", "main")
    commit(root, "公示")
    return root


def first_import(tmp_path: Path, overrides: dict | None = None) -> Path:
    """A county's repository that held only a README, then the whole data folder in one commit."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "README.md").write_text("县里的仓库\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "空仓库")
    make_project(root, overrides)
    commit(root, "首次导入")
    return root


def line_of(root: Path, rel: str, needle: str, nth: int = 1) -> int:
    """1-based number of the line of ``rel`` holding the ``nth`` occurrence of ``needle``."""
    seen = 0
    for i, line in enumerate((Path(root) / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == nth:
                return i
    raise AssertionError(f"{needle!r} not in {rel}")
