"""ContractDesk core: everything that runs without Qt (model, store, rules, export, CLI)."""

__version__ = "0.1.0"

from app.base import compile_cache as _compile_cache

_compile_cache.start()  # what an earlier start compiled is not compiled again (see the module)

from app.base import lean_imports as _lean_imports  # noqa: E402

_lean_imports.install()  # libraries imported without costs the app never uses (see the module)
