"""PySide6 started without work the app never uses: ≈15 ms of its bootstrap, ≈15 ms of its import hook and half of
its enums' making.

- *Its support package, compiled once.* Importing shiboken6 runs PySide6's signature support: a dozen modules kept
  as source inside the binary and compiled at every start. They compile through app.base.compile_cache, which keeps
  their code objects in the data folder with the program's other compiled entries, each for its exact source.
- *Its stub generator, run when used.* That support loads `pyi_generator` and `enum_sig`, which only write `.pyi`
  stubs for developers' tools, compiling regular expressions as they load. They are loaded as modules whose code
  runs the first time anything is asked of them (`run_deferred`).
- *Its import hook, taken out.* So that a module can opt into `from __feature__ import snake_case, true_property`,
  PySide6 replaces `__import__`: around every import statement the process runs it calls two Python functions, and
  of every new module it asks whether its source mentions "PySide6" (through `inspect`, ≈0.2 ms a module). The app
  opts into no feature (a test checks that no module of ours imports `__feature__`), and PySide6 treats a module it
  has not seen as one without features, so `install` puts back the import PySide6 wrapped (`__orig_import__`):
  ≈15 ms while SQLAlchemy loads after the first paint, and the source reads before it.
- *Its enums, made the fast way* (ui.lean_enums): ≈15–25 ms before the first paint.

`start` does the first two and the last around PySide6's first import, `install` all four; `ui/__init__.py` calls
`install`. A PySide6 that works differently is left as it is: nothing here is needed for it to work. In the PyInstaller bundle,
PyInstaller's runtime hook for PySide6 imports QtCore before the program's code; our own runtime hook, which runs
before it, imports `ui` first (tools/pyi_rth_lean_start.py; the bundle smoke test checks that the compile cache holds
the support code).
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

#: Where the support package's modules are compiled from (the names PySide6's embedded importer gives them).
SUPPORT_PREFIX = "shibokensupport/"
#: The support modules that only generate stubs: their code runs when something is first asked of them.
DEFERRED = frozenset({
    "shibokensupport/signature/lib/pyi_generator.py",
    "shibokensupport/signature/lib/enum_sig.py",
})
_STUB = '''
def __getattr__(name):
    """The module's code has not run yet (ui.lean_pyside): run it, then answer."""
    from ui.lean_pyside import run_deferred

    return run_deferred(globals(), {filename!r}, name)
'''
_deferred_code: dict[str, CodeType] = {}


def run_deferred(namespace: dict[str, Any], filename: str, name: str) -> Any:
    """Run a deferred module's own code in its namespace (once), then return its attribute `name`."""
    code = _deferred_code.pop(filename, None)
    if namespace.get("__getattr__") is not None and code is not None:
        del namespace["__getattr__"]
        exec(code, namespace)  # PySide6's own module code, run as its importer would have run it
    try:
        return namespace[name]
    except KeyError:
        raise AttributeError(f"module {namespace.get('__name__')!r} has no attribute {name!r}") from None


@contextmanager
def _support_compiled_once() -> Iterator[None]:
    """While PySide6's support package is imported, its modules' sources are compiled through the compile cache
    (written when the program is done, app.startup.main)."""
    from app.base import compile_cache

    real = builtins.compile

    def compile_(source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if not (isinstance(filename, str) and filename.startswith(SUPPORT_PREFIX) and isinstance(source, bytes)
                and mode == "exec" and not args and not kwargs):
            return real(source, filename, mode, *args, **kwargs)
        code = compile_cache.compile_source(source, filename, mode, compiler=real)
        if filename in DEFERRED:
            _deferred_code[filename] = code
            return real(_STUB.format(filename=filename), filename, "exec")
        return code

    builtins.compile = compile_  # type: ignore[assignment]  # PySide6's embedded importer calls the built-in
    try:
        yield
    finally:
        builtins.compile = real


def start() -> None:
    """Import PySide6's support package (shiboken6) the lean way, unless it is imported already; its enums are made
    the fast way (ui.lean_enums) from here on."""
    from ui import lean_enums

    lean_enums.install()
    if "shiboken6" in sys.modules:
        return
    with _support_compiled_once():
        import shiboken6  # noqa: F401


def install() -> None:
    """PySide6 imported the lean way (`start`), then its import hook taken out (see the module)."""
    start()
    wrapped = getattr(builtins, "__orig_import__", None)
    if getattr(builtins.__import__, "__name__", None) == "__feature_import__" and callable(wrapped):
        builtins.__import__ = wrapped
