"""When CPython's cycle collector runs: seldom while a command runs, not at all while the window starts.

By default the young generation is collected every 700 new container objects, and every tenth collection walks the
older objects as well. While a start imports ReportLab, SQLAlchemy or Qt's modules, that is walk after walk over
objects that live as long as the process: ≈20 ms of the 230 ms a `contractdesk export --pdf` takes. A command
collects every 100,000 new objects instead, so cycles made while it runs are still freed, and a long command (a
100,000-row import) keeps its memory in bounds. Reference counting frees everything else as always.

The window's start collects nothing until it is ready for editing (`window_starting`). Even at 100,000 it walked
≈100,000 young objects just before the store was open (≈40 ms of the wait for "ready") and ≈120,000 older ones as
the clerk began to type (≈40 ms more), nearly all of them modules, classes, mappings and widgets that live as long as
the window. Once it is ready, `started` freezes what is alive (`gc.freeze`: moved where no collection walks) and
turns CPython's default collection back on, so a session's collections walk only what the session makes. The
start's own garbage in cycles, ≈600 of ≈117,000 objects, stays with the frozen ones, as does a frozen object in a
cycle that is let go later (the first database's panes, when the clerk opens another): once per process, not per use.
"""

from __future__ import annotations

import gc

#: The thresholds while a command runs (and the window's start, should it collect).
STARTING = (100_000, 10, 10)
#: CPython's own, saved when the start began; restored once the window is ready.
_default: tuple[int, int, int] | None = None


def starting() -> None:
    """The program has started: the entry point calls this first (app.startup.main)."""
    global _default
    if _default is None:
        _default = gc.get_threshold()
    gc.set_threshold(*STARTING)


def window_starting() -> None:
    """The program is the window: no collection until `started` (see the module). Without a `starting()` before it
    (a test building the window in its own process), nothing changes."""
    if _default is not None:
        gc.disable()


def started() -> None:
    """The window is ready for editing, or its start ended without being ready: from now on CPython's default
    collection, over what is made from now on. Without a `starting()` before it, nothing changes."""
    global _default
    if _default is None:
        return
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
    gc.set_threshold(*_default)
    _default = None
