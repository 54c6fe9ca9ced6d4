"""gongshi (公示): publishes local government pledges, ledgers and rectifications as a static site.

The package is a plain library — load → validate → derive → render → export — used by the
``gongshi`` command and by the thin MkDocs plugin in :mod:`generator.plugin`.
"""

__version__ = "0.1.0"
