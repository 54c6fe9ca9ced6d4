"""Page bodies rendered ahead, in forked worker processes, while MkDocs does other work.

MkDocs asks for one page body at a time (``on_page_content``) on one core. The bodies depend
only on the derived view, never on each other or on MkDocs, so workers forked after the view
is derived render them in page order, and each body is scanned for executable markup right
where it is made. Meanwhile the main process writes the open-data files; by the time MkDocs
asks for the first body, most are waiting. On one core, or where ``fork`` is missing, bodies
are rendered in the main process as before. Nothing is cached across builds.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator

CHUNK = 24  # pages per task: large enough to amortise pickling, small enough to balance the load

# What the forked workers render: set just before the fork, inherited, never pickled.
_JOB: tuple | None = None


def _render_chunk(bounds: tuple[int, int]) -> list[tuple[str, str, list[str]]]:
    renderer, pages, scan = _JOB  # type: ignore[misc]
    out = []
    for i in range(*bounds):
        body = renderer.render(pages[i])
        out.append((pages[i].src_uri, body, scan(body) if scan else []))
    return out


def default_workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


class Prerender:
    """Bodies of ``pages`` by ``src_uri``; ``get`` returns each one once, ``problems`` the scan's findings."""

    def __init__(self, renderer, pages: list, workers: int, scan: Callable[[str], list[str]] | None):
        self.renderer = renderer
        self.scan = scan
        self.problems: dict[str, list[str]] = {}
        self._ready: dict[str, str] = {}
        self._pending: set[str] = set()
        self._pool = None
        self._results: Iterator | None = None
        if workers > 1 and len(pages) >= 2 * CHUNK and "fork" in mp.get_all_start_methods():
            global _JOB
            _JOB = (renderer, pages, scan)
            gc.freeze()  # objects made so far stay shared with the workers instead of being copied
            try:
                self._pool = mp.get_context("fork").Pool(workers)
            finally:
                _JOB = None
                gc.unfreeze()
            bounds = [(i, min(i + CHUNK, len(pages))) for i in range(0, len(pages), CHUNK)]
            self._results = self._pool.imap(_render_chunk, bounds)
            self._pending = {p.src_uri for p in pages}

    def get(self, page) -> str:
        uri = page.src_uri
        if uri not in self._ready and uri in self._pending:
            assert self._results is not None
            # Results arrive in page order, which is the order MkDocs asks in.
            for chunk in self._results:
                for u, body, found in chunk:
                    self._pending.discard(u)
                    self._ready[u] = body
                    if found:
                        self.problems[u] = found
                if uri in self._ready:
                    break
        if uri in self._ready:
            return self._ready.pop(uri)
        body = self.renderer.render(page)
        if self.scan:
            found = self.scan(body)
            if found:
                self.problems[uri] = found
        return body

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        self._results = None
        self._ready.clear()
        self._pending.clear()
