"""When CPython's cycle collector runs: seldom while the program starts, as by default once the window is ready.

By default the young generation is collected every 700 new container objects, and every tenth collection walks the
older objects as well. While a start imports ReportLab, SQLAlchemy or Qt's modules, that is walk after walk over
objects that live as long as the process: ≈20 ms of the 230 ms a `contractdesk export --pdf` takes, ≈40 ms of the
window's start. A start collects every 100,000 new objects instead, so cycles made while it runs are still freed,
and a long command (a 100,000-row import) keeps its memory in bounds. Reference counting frees everything else as
always.
"""

from __future__ import annotations

import gc

#: The thresholds while the program starts (a command: while it runs).
STARTING = (100_000, 10, 10)
#: CPython's own, saved when the start began; restored once the window is ready.
_default: tuple[int, int, int] | None = None


def starting() -> None:
    """The program has started: the entry point calls this first (app.startup.main)."""
    global _default
    if _default is None:
        _default = gc.get_threshold()
    gc.set_threshold(*STARTING)


def started() -> None:
    """The window is ready for editing: from now on the default thresholds (a long session's garbage is collected
    as CPython would). Without a `starting()` before it, nothing changes."""
    global _default
    if _default is not None:
        gc.set_threshold(*_default)
        _default = None
