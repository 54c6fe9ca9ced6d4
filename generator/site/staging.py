"""The folders an atomic build writes beside ``site/``, and the sweep of those a killed build left.

A build writes into ``.site-building-<pid>-<random>`` and swaps it in only when it passed; on the
swap the old site goes to ``.site-old-<pid>`` for a moment. A build killed midway (power cut, CI
timeout, ``kill -9``) leaves such a folder behind: up to a GB at ten counties. Each build holds an
exclusive ``flock`` on its own staging folder for as long as it runs, and the kernel drops the lock
when the process dies however it dies; the next build removes every such folder whose lock it can
take and whose process is gone, so two builds running side by side never delete each other's.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; the process id alone decides (see _alive)
    fcntl = None  # type: ignore[assignment]

BUILDING = ".site-building-"
OLD = ".site-old-"
_PID = re.compile(r"^\.site-(?:building|old)-(\d+)(?:-|$)")


class Staging:
    """One build's staging folder, locked until :meth:`release`."""

    def __init__(self, parent: Path):
        self.path = Path(tempfile.mkdtemp(prefix=f"{BUILDING}{os.getpid()}-", dir=parent))
        self._fd: int | None = None
        if fcntl is not None:  # (Windows cannot open a folder as a file: there the pid alone tells)
            self._fd = os.open(self.path, os.O_RDONLY)
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _in_use(folder: Path) -> bool:
    """Whether a running build holds this folder: its process lives, or it holds the lock."""
    m = _PID.match(folder.name)
    if m and _alive(int(m.group(1))):
        return True  # between mkdtemp and flock, or a live build: leave it
    if fcntl is None:
        return False
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return True  # vanished or unreadable: not ours to remove
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also drops the lock just taken
    return False


def sweep(target: Path) -> list[Path]:
    """Remove the staging folders that dead builds left beside ``target``; the ones removed.

    A build killed between moving the old site aside and moving the new one in leaves no
    ``target`` at all: then the old site it moved aside is put back instead of removed.
    """
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    stale = [p for p in target.parent.iterdir()
             if p.is_dir() and p.name.startswith((BUILDING, OLD)) and not _in_use(p)]
    for p in sorted(stale, key=lambda p: p.name):
        if p.name.startswith(OLD) and not target.exists():
            with contextlib.suppress(OSError):
                os.replace(p, target)
            continue  # never remove what may be the only copy of the published site
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed
