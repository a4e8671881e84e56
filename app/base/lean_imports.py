"""Libraries imported without start-up costs the app never uses: ≈40 ms of every PDF from a fresh process, ≈10 ms
before the window is ready for editing, and a little of its first paint.

- `reportlab.platypus.paragraph` compiles `uri_pat` when it loads: a case-insensitive pattern over the whole Basic
  Multilingual Plane, ≈30 ms of case folding. Only a paragraph style with `uriWasteReduce` reads it (ours never set
  it), so while that module loads, such a pattern is compiled the first time it is used instead.
- `reportlab.pdfbase.ttfonts` imports uharfbuzz (≈10 ms, its HarfBuzz library) for text shaping, which only a
  paragraph style with `shaping` asks for (ours never do: Chinese needs none). While that module loads, its import
  gets a stand-in that imports uharfbuzz the first time it is used; an import after that (pyHanko's, for the
  signature stamp) gets the real module.
- `reportlab.lib.utils` imports Pillow's Image module (≈8 ms with its EXIF tables) for the images a page may hold:
  only a packet with a picture in it draws one. While that module loads, its import gets a stand-in the same way.
- `logging.handlers` imports socket and pickle for its network handlers; the log's rotating file handler needs
  neither. While it loads, those imports get stand-ins in the same way (pickle is ≈1.5 ms before the window's first
  paint; socket the database lock imports anyway, for the computer's name).
- SQLAlchemy imports asyncio (≈10–15 ms, with ssl and concurrent.futures) in five modules, for its asyncio engines,
  which the app does not use, and `importlib.metadata` (≈15 ms, with the email package) for plug-in entry points and
  the version of a database driver that does not say its own, which SQLite's does. While those load, their imports
  get stand-ins the same way; the one attribute a module reads as it loads (`asyncio.iscoroutine`) is a function
  that imports asyncio when it is first called. Its SQLite
  dialect package imports its asyncio and SQLCipher drivers, which the app does not use (≈1.5 ms as the store opens;
  an encrypted store connects through the plain driver): they are stand-ins too, loaded when a URL names them.
- SQLAlchemy's `util.langhelpers` generates and compiles ≈200 functions as the rest of SQLAlchemy loads (≈10 ms), and
  its `util.typing` evaluates the schema's ≈450 `Mapped["…"]` annotations. Once each has loaded, it compiles through
  the code kept by an earlier start (app.base.compile_cache).

All are done by a finder on `sys.meta_path` that wraps exactly those modules' loading; whoever imports them first
(an export, the ledger, a review report, a test), the import is the same. Installed by `app/__init__.py`; nothing is
imported until one of those modules is.
"""

from __future__ import annotations

import importlib
import re
import sys
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager


class CompiledOnUse:
    """A regular expression compiled the first time one of its methods is used; then it is the compiled pattern."""

    def __init__(self, compile_: Callable[..., re.Pattern[str]], pattern: str, flags: int) -> None:
        self._compile = compile_
        self.pattern = pattern
        self.flags = flags
        self.compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self.compiled is None:
            self.compiled = self._compile(self.pattern, self.flags)
        return getattr(self.compiled, name)


def _costly(pattern: object, flags: int) -> bool:
    """Case-insensitive with a class running to U+FFFF: case folding walks every character of the range."""
    return isinstance(pattern, str) and bool(flags & re.IGNORECASE) and "\uffff" in pattern


@contextmanager
def _wide_patterns_compiled_on_use():
    real = re.compile

    def compile_(pattern: Any, flags: int = 0) -> Any:
        return CompiledOnUse(real, pattern, flags) if _costly(pattern, flags) else real(pattern, flags)

    re.compile = compile_  # type: ignore[assignment]
    try:
        yield
    finally:
        re.compile = real


class ImportedOnUse(ModuleType):
    """Stands for a module that is not imported yet: the first attribute asked of it imports the module. Its
    metadata (`__file__`, `__path__` …) it does not have, as a module not loaded has none: PySide6's import hook asks
    every module imported for its `__file__`, which must not load it."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def _imported_on_use(*names: str, given: dict[str, Any] | None = None) -> Callable[[], AbstractContextManager[None]]:
    """A trim: while the module loads, its imports of `names` get stand-ins (ImportedOnUse) that import the real
    module the first time they are used; an import after that gets the real module. `given`: attributes the stand-ins
    have from the start ("module.name": value), for a module that reads one as it loads. A submodule's stand-in is
    also its package's attribute (`import importlib.metadata` binds the package, whose attribute is read when used),
    until the real submodule's import puts itself there."""

    @contextmanager
    def trim() -> Iterator[None]:
        import importlib.util

        placed = {}
        for name in names:
            if name not in sys.modules and importlib.util.find_spec(name) is not None:  # else: paid, or absent
                placed[name] = sys.modules[name] = ImportedOnUse(name)
                package, _, child = name.rpartition(".")
                if package in sys.modules and not hasattr(sys.modules[package], child):
                    setattr(sys.modules[package], child, placed[name])
                for key, value in (given or {}).items():
                    module, _, attribute = key.rpartition(".")
                    if module == name:
                        setattr(placed[name], attribute, value)
        try:
            yield
        finally:
            for name, stand_in in placed.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]

    return trim


def _iscoroutine(obj: object) -> bool:
    """asyncio.iscoroutine, asyncio imported when it is first asked (SQLAlchemy's concurrency module keeps the
    function as it loads; only its asyncio engines call it)."""
    import asyncio

    return asyncio.iscoroutine(obj)


def _served_compiled_code(name: str) -> Callable[[], AbstractContextManager[None]]:
    """A trim: once the module has loaded, it compiles its generated source through app.base.compile_cache."""

    @contextmanager
    def trim() -> Iterator[None]:
        yield
        from app.base import compile_cache

        compile_cache.serve(sys.modules[name])

    return trim


#: The modules whose loading is wrapped, and what it is wrapped in.
TRIMS: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "reportlab.platypus.paragraph": _wide_patterns_compiled_on_use,
    "reportlab.pdfbase.ttfonts": _imported_on_use("uharfbuzz"),
    "reportlab.lib.utils": _imported_on_use("PIL.Image"),
    "logging.handlers": _imported_on_use("socket", "pickle"),
    "sqlalchemy.util": _imported_on_use("importlib.metadata"),
    "sqlalchemy.util.compat": _imported_on_use("asyncio"),
    "sqlalchemy.util.concurrency": _imported_on_use("asyncio", given={"asyncio.iscoroutine": _iscoroutine}),
    "sqlalchemy.util.queue": _imported_on_use("asyncio"),
    "sqlalchemy.connectors.asyncio": _imported_on_use("asyncio"),
    "sqlalchemy.dialects.sqlite.aiosqlite": _imported_on_use("asyncio"),
    "sqlalchemy.dialects.sqlite": _imported_on_use("sqlalchemy.dialects.sqlite.aiosqlite",
                                                   "sqlalchemy.dialects.sqlite.pysqlcipher"),
    "sqlalchemy.util.langhelpers": _served_compiled_code("sqlalchemy.util.langhelpers"),
    "sqlalchemy.util.typing": _served_compiled_code("sqlalchemy.util.typing"),
}


class _TrimmedLoader:
    """The module's own loader, its code run inside the trim. (Not an importlib.abc.Loader: that module would cost
    the window's start 9 ms of imports.)"""

    def __init__(self, loader: Any, trim: Callable[[], AbstractContextManager[None]]) -> None:
        self._loader = loader
        self._trim = trim

    def create_module(self, spec: Any) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        with self._trim():
            self._loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_code, is_package… as the real loader has them
        return getattr(self._loader, name)


class _Finder:
    def find_spec(self, name: str, path: Any, target: ModuleType | None = None) -> Any:
        trim = TRIMS.get(name)
        if trim is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: Any = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _TrimmedLoader(spec.loader, trim)
                return spec
        return None


def install() -> None:
    """Put the finder first on sys.meta_path (once)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
