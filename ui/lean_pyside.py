"""PySide6 without its slow look at the source of every module imported after it.

PySide6 lets a module opt into `from __feature__ import snake_case, true_property`. To know which modules might,
it asks of every module imported after PySide6 whether its source mentions "PySide6", and reads that source with
`inspect.getsource` (linecache and the tokenizer): ≈0.2 ms a module, ≈80 ms over the window's start, most of it
SQLAlchemy's modules while the store opens. The same question is answered here from the file's bytes, the same
answer for every module. (A bundled program has no sources, so there both answers are "no" and already cheap.)
"""

from __future__ import annotations

import sys
from types import ModuleType

import shiboken6  # noqa: F401  loads PySide6's support package, whose `feature` module asks the question


def uses_pyside(module: ModuleType) -> bool:
    """Whether the module's source file mentions PySide6: False when it has none (built in, an extension, bytecode
    only), as when `inspect.getsource` cannot find it."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def install() -> None:
    """Answer PySide6's question with `uses_pyside`; a PySide6 that no longer asks it is left as it is."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010  a private name of PySide6's support package
