"""Regular expressions compiled once across starts, not at every start.

Python compiles a pattern in Python code (parse, then code generation) and keeps the result only for the process.
The window, its libraries (SQLAlchemy, PySide6's support, the log masks) and an export (ReportLab) compile about a
hundred patterns at each start: ≈10 ms before the window's first paint and ≈18 ms before it is ready. Here what the
compiler hands the regular-expression engine for a pattern (`_sre.compile`'s arguments) is kept in the data folder
(cache/regex) and handed to the engine directly at the next start.

- *Safe to be wrong.* The file is one per Python build (version and the engine's MAGIC) and carries a checksum; the
  engine validates the code it is given; a stored pattern that it refuses is compiled as Python would.
- *Bounded.* Patterns built from data (a search term) would grow it: past MAX_PATTERNS, those not used by this
  process are dropped when it is written.
- *Where.* `start()` runs as the `app` package is imported, before the standard library's modules that compile
  patterns as they load; `save()` runs when the program's command or window is done (app.startup.main), so only
  the program writes the file.
"""

from __future__ import annotations

import _sre
import logging
import marshal
import re
import sys
import threading
import types
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How many patterns the file keeps (the window and an export use ≈150).
MAX_PATTERNS = 1000
_Key = tuple[str | bytes, int]

_stored: dict[_Key, tuple[Any, ...]] = {}
_used: set[_Key] = set()
_changed = False
_captured = threading.local()
_real_compile: Callable[..., Any] | None = None


def cache_file() -> Path | None:
    from app.base.paths import cache_dir

    folder = cache_dir("regex")
    version = "-".join(map(str, sys.version_info[:3]))
    return folder / f"patterns-{sys.implementation.name}-{version}-sre{_sre.MAGIC}.bin" if folder else None


def _read(entry: Path | None) -> dict[_Key, tuple[Any, ...]]:
    """The stored patterns; {} when there are none or the file is damaged (then it is rewritten)."""
    if entry is None:
        return {}
    try:
        data = entry.read_bytes()
        if len(data) < 4 or zlib.crc32(data[4:]) != int.from_bytes(data[:4], "little"):
            return {}
        stored = marshal.loads(data[4:])
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return stored if isinstance(stored, dict) else {}


def start() -> None:
    """Compile patterns through the stored ones from now on (once per process). Never fails: a Python whose
    compiler looks different, or a data folder that cannot be read, leaves compiling as it is."""
    global _real_compile, _changed
    compiler: Any = getattr(re, "_compiler", None)
    if _real_compile is not None or not callable(getattr(compiler, "compile", None)) or not hasattr(compiler, "_sre"):
        return
    _real_compile = compiler.compile
    engine = types.SimpleNamespace(**vars(_sre))  # the engine as the compiler sees it, noting what it is handed
    engine.compile = _noting
    compiler._sre = engine
    compiler.compile = _compile  # re._compile calls it for a pattern that is not in its in-process cache
    try:  # after the above: modules imported to find the data folder compile through the stored patterns too
        kept = _read(cache_file())
    except Exception:  # the start must not fail for a cache
        log.debug("stored patterns not read", exc_info=True)
        return
    _changed = any(key not in kept for key in _stored)  # compiled while the file was found: new only if not in it
    _stored.update(kept)


def _noting(*args: Any) -> Any:
    _captured.args = args
    return _sre.compile(*args)


def _compile(pattern: Any, flags: int = 0) -> Any:
    global _changed
    assert _real_compile is not None
    if type(pattern) not in (str, bytes) or flags & re.DEBUG:  # a parsed pattern, or one whose code is printed
        return _real_compile(pattern, flags)
    key = (pattern, flags)
    kept = _stored.get(key)
    if kept is not None:
        try:
            compiled = _sre.compile(pattern, *kept)
        except Exception:  # not code this engine accepts: compile it as Python would
            del _stored[key]
        else:
            _used.add(key)
            return compiled
    _captured.args = None
    compiled = _real_compile(pattern, flags)
    args = _captured.args
    if args is not None and args[0] is pattern:
        final_flags, code, groups, groupindex, indexgroup = args[1:]
        # The code holds the compiler's named constants (an int subclass, which marshal does not write).
        _stored[key] = (int(final_flags), [int(op) for op in code], int(groups), dict(groupindex), tuple(indexgroup))
        _used.add(key)
        _changed = True
    return compiled


def save() -> None:
    """Write the patterns compiled for the first time by this process (nothing when there are none); never fails."""
    global _changed
    if not _changed:
        return
    _changed = False
    if len(_stored) > MAX_PATTERNS:
        for key in [key for key in _stored if key not in _used][: len(_stored) - MAX_PATTERNS]:
            del _stored[key]
    try:
        entry = cache_file()
        data = marshal.dumps(_stored)
    except Exception:  # no data folder, or something marshal cannot write: keep none rather than a part
        log.debug("compiled patterns not kept", exc_info=True)
        return
    if entry is None:
        return
    from app.base.fileio import write_cache_entry

    problem = write_cache_entry(entry, zlib.crc32(data).to_bytes(4, "little") + data)
    _changed = False  # not the patterns of the writing itself (tempfile's): the next start would write again for them
    if problem is not None:
        log.info("compiled patterns not kept: %s", problem)
