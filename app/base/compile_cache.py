"""What a start compiles, kept for the next: regular expressions and generated source code.

Each start compiles things whose result never changes between starts, in Python code and only for the process:
≈130 regular expressions (the window, SQLAlchemy, PySide6's support, the log masks; an export adds ReportLab's) and
≈800 snippets of source that libraries generate and compile as they define classes (the `__init__`, `__eq__` … of
every dataclass and named tuple, SQLAlchemy's generated functions and its reading of `Mapped["…"]` annotations,
`typing`'s forward references). Together ≈55 ms before the window
is ready for editing, ≈20 ms of it before its first paint. Here the results are kept in the data folder
(cache/compiled) and used by the next start:

- *Patterns.* What the compiler hands the regular-expression engine (`_sre.compile`'s arguments) is handed to it
  directly; the engine validates the code it is given.
- *Source.* The code object, as `marshal` writes it for `.pyc` files, for the same source, file name, mode and
  compiler flags (those inherited from the caller's `from __future__` imports included). Only the modules in
  SERVED compile through it, by their own name for the built-in; their calls are known. PySide6's support package,
  whose dozen modules its embedded importer compiles from source (bytes) at every start, compiles through it too
  (ui.lean_pyside).

The file is one per Python build (version and the engine's MAGIC) and carries a checksum; anything unexpected in it
costs only the compile. Patterns and snippets built from data (a search term, or the members of a set, whose order
changes from one process to the next) would grow it: an entry that none of the last KEEP_SAVES processes that wrote
the file used is dropped, and no kind keeps more than MAX_ENTRIES. `start()` runs as the `app` package is imported,
before the standard library's modules that compile patterns as they load; `save()` runs when the program's command
or window is done (app.startup.main), so only the program writes the file.
"""

from __future__ import annotations
import __future__

import _sre
import builtins
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

#: The file's layout (in its name: a program of another layout, sharing the data folder, keeps its own file).
FORMAT = 2
#: How many entries of each kind the file keeps at most (the window and an export use ≈150 patterns, ≈900 snippets).
MAX_ENTRIES = 5000
#: An entry is dropped when none of this many writes of the file in a row came from a process that used it.
KEEP_SAVES = 20
#: The modules that compile generated source through the stored code, and the built-ins they do it with.
SERVED = {
    "collections": ("eval",),  # namedtuple
    "dataclasses": ("exec",),
    "typing": ("compile",),
    "sqlalchemy.util.langhelpers": ("compile", "exec"),  # these two are imported later: see app.base.lean_imports
    "sqlalchemy.util.typing": ("eval",),  # the ORM's Mapped["…"] annotations
}
#: The compiler flags a caller's `from __future__` imports add to what it compiles (as CPython merges them).
_FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    _FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag

_Kind = dict[Any, Any]
KINDS = ("patterns", "code")
_stored: dict[str, _Kind] = {kind: {} for kind in KINDS}
_used: set[Any] = set()
#: The file's count of writes, and for each entry the count at the last write by a process that used it.
_saves = 0
_last_used: dict[Any, int] = {}
_changed = False
_captured = threading.local()
_real_compile: Callable[..., Any] | None = None


def cache_file() -> Path | None:
    from app.base.paths import cache_dir

    folder = cache_dir("compiled")
    version = "-".join(map(str, sys.version_info[:3]))
    return folder / f"{sys.implementation.name}-{version}-sre{_sre.MAGIC}-v{FORMAT}.bin" if folder else None


def read_file(entry: Path | None) -> dict[str, Any]:
    """The file's contents: its entries by kind, "saves" and "last_used"; empty when there is none or it is damaged
    (then it is rewritten)."""
    empty: dict[str, Any] = {**{kind: {} for kind in KINDS}, "saves": 0, "last_used": {}}
    if entry is None:
        return empty
    try:
        data = entry.read_bytes()
        if len(data) < 4 or zlib.crc32(data[4:]) != int.from_bytes(data[:4], "little"):
            return empty
        stored = marshal.loads(data[4:])
    except (OSError, ValueError, EOFError, TypeError):
        return empty
    if (not isinstance(stored, dict) or not all(isinstance(stored.get(kind), dict) for kind in (*KINDS, "last_used"))
            or not isinstance(stored.get("saves"), int)):
        return empty
    return {key: stored[key] for key in empty}


def start() -> None:
    """Compile through the stored entries from now on (once per process). Never fails: a Python whose compiler
    looks different, or a data folder that cannot be read, leaves compiling as it is."""
    global _real_compile, _changed, _saves
    compiler: Any = getattr(re, "_compiler", None)
    if _real_compile is not None or not callable(getattr(compiler, "compile", None)) or not hasattr(compiler, "_sre"):
        return
    _real_compile = compiler.compile
    engine = types.SimpleNamespace(**vars(_sre))  # the engine as the compiler sees it, noting what it is handed
    engine.compile = _noting
    compiler._sre = engine
    compiler.compile = _compile_pattern  # re._compile calls it for a pattern that is not in its in-process cache
    import dataclasses  # noqa: F401  (the window and the store import both; served from now on)
    import typing  # noqa: F401

    for name in SERVED:
        if name in sys.modules:
            serve(sys.modules[name])
    try:  # after the above: modules imported to find the data folder compile through the stored entries too
        kept = read_file(cache_file())
    except Exception:  # the start must not fail for a cache
        log.debug("stored compiled entries not read", exc_info=True)
        return
    _changed = any(key not in kept[kind] for kind, entries in _stored.items() for key in entries)
    for kind in KINDS:
        _stored[kind].update(kept[kind])
    _saves = kept["saves"]
    _last_used.update(kept["last_used"])


def serve(module: types.ModuleType) -> None:
    """Let `module` (one of SERVED) compile its generated source through the stored code."""
    served = {"compile": compile_source, "exec": exec_source, "eval": eval_source}
    for name in SERVED.get(module.__name__, ()):
        setattr(module, name, served[name])


# ---------------------------------------------------------------------------------------------- patterns


def _noting(*args: Any) -> Any:
    _captured.args = args
    return _sre.compile(*args)


def _compile_pattern(pattern: Any, flags: int = 0) -> Any:
    global _changed
    assert _real_compile is not None
    if type(pattern) not in (str, bytes) or flags & re.DEBUG:  # a parsed pattern, or one whose code is printed
        return _real_compile(pattern, flags)
    patterns = _stored["patterns"]
    key = (pattern, int(flags))  # Python 3.13's re.sub and re.split pass an int subclass (_ZeroSentinel)
    kept = patterns.get(key)
    if kept is not None:
        try:
            compiled = _sre.compile(pattern, *kept)
        except Exception:  # not code this engine accepts: compile it as Python would
            del patterns[key]
        else:
            _used.add(key)
            return compiled
    _captured.args = None
    compiled = _real_compile(pattern, flags)
    args = _captured.args
    if args is not None and args[0] is pattern:
        final_flags, code, groups, groupindex, indexgroup = args[1:]
        # The code holds the compiler's named constants (an int subclass, which marshal does not write).
        patterns[key] = (int(final_flags), [int(op) for op in code], int(groups), dict(groupindex), tuple(indexgroup))
        _used.add(key)
        _changed = True
    return compiled


# ---------------------------------------------------------------------------------------------- source


def _code_for(source: Any, filename: Any, mode: str, flags: int, optimize: int,
              compiler: Callable[..., Any] | None = None) -> Any:
    """The code object for source text (or bytes), from the file when it holds it; flags are the final ones.
    `compiler`: what compiles it when the file does not hold it (the built-in compile by default)."""
    global _changed
    compiler = compiler or builtins.compile
    if type(source) not in (str, bytes) or type(filename) is not str or flags & ~_FUTURE_FLAGS:  # an AST, only-AST
        return compiler(source, filename, mode, flags, True, optimize)
    key = (source, filename, mode, flags, optimize if optimize != -1 else sys.flags.optimize)
    codes = _stored["code"]
    kept = codes.get(key)
    if kept is not None:
        try:
            code = marshal.loads(kept)
        except (ValueError, EOFError, TypeError):
            del codes[key]
        else:
            if isinstance(code, types.CodeType):
                _used.add(key)
                return code
            del codes[key]
    code = compiler(source, filename, mode, flags, True, optimize)
    codes[key] = marshal.dumps(code)
    _used.add(key)
    _changed = True
    return code


def _inherited(depth: int) -> int:
    """The `from __future__` flags of the code `depth` frames up, as the built-ins merge them into what they compile."""
    return sys._getframe(depth + 1).f_code.co_flags & _FUTURE_FLAGS


def compile_source(source: Any, filename: Any, mode: str, flags: int = 0, dont_inherit: bool = False,
                   optimize: int = -1, *, compiler: Callable[..., Any] | None = None) -> Any:
    """The built-in compile, for a SERVED module: the same code object, from the file when it holds it. `compiler`:
    the built-in as it was before the caller replaced it (ui.lean_pyside compiles through here from its own)."""
    return _code_for(source, filename, mode, flags | (0 if dont_inherit else _inherited(1)), optimize, compiler)


def exec_source(source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /) -> None:
    """The built-in exec, for a SERVED module (whose calls give their namespace): source text is compiled as exec
    compiles it ("<string>", the caller's `from __future__` flags), from the file when it holds it."""
    if globals is None:  # not how SERVED modules call it; the caller's namespace, as the built-in takes it
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    if type(source) is str:
        source = _code_for(source, "<string>", "exec", _inherited(1), -1)
    builtins.exec(source, globals, locals)


def eval_source(source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /) -> Any:
    """The built-in eval, for a SERVED module, as exec_source is the built-in exec. (The built-in strips leading
    spaces and tabs from source text, so that "  x" is an expression.)"""
    if globals is None:
        frame = sys._getframe(1)
        globals, locals = frame.f_globals, frame.f_locals if locals is None else locals
    if type(source) is str:
        source = _code_for(source.lstrip(" \t"), "<string>", "eval", _inherited(1), -1)
    return builtins.eval(source, globals, locals)


# ---------------------------------------------------------------------------------------------- the file


def save() -> None:
    """Write what this process compiled for the first time (nothing when there is nothing new); never fails. What
    the writing itself compiles (tempfile's patterns, a message's catalog) is written by a second pass, so that the
    next start does not find it new."""
    global _changed, _saves
    if not _changed:
        return
    _saves += 1  # this process's write
    for _pass in range(2):
        if not _changed:
            return
        _changed = False
        for key in _used:
            _last_used[key] = _saves
        present: set[Any] = set()
        for entries in _stored.values():
            ranked = sorted(entries, key=lambda key: _last_used.get(key, 0), reverse=True)
            for position, key in enumerate(ranked):
                if position >= MAX_ENTRIES or _last_used.get(key, 0) <= _saves - KEEP_SAVES:
                    del entries[key]
            present.update(entries)
        for key in [key for key in _last_used if key not in present]:
            del _last_used[key]
        try:
            entry = cache_file()
            data = _dumps()
        except Exception:  # no data folder
            log.debug("compiled entries not kept", exc_info=True)
            return
        if entry is None:
            return
        from app.base.fileio import write_cache_entry

        problem = write_cache_entry(entry, zlib.crc32(data).to_bytes(4, "little") + data)
        if problem is not None:
            log.info("compiled entries not kept: %s", problem)
            return


def _dumps() -> bytes:
    """The file's contents; an entry that marshal cannot write (an object of a subclass in it) is left out."""
    try:
        return marshal.dumps({**_stored, "saves": _saves, "last_used": _last_used})
    except ValueError:
        for entries in _stored.values():
            for key, value in list(entries.items()):
                try:
                    marshal.dumps((key, value))
                except ValueError:
                    log.debug("compiled entry not kept: %r", key)
                    del entries[key]
                    _last_used.pop(key, None)
        return marshal.dumps({**_stored, "saves": _saves, "last_used": _last_used})
