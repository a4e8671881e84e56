"""ContractDesk core: everything that runs without Qt (model, store, rules, export, CLI)."""

__version__ = "0.1.0"

from app.base import regex_cache as _regex_cache

_regex_cache.start()  # regular expressions compiled by an earlier start are not compiled again (see the module)

from app.base import lean_imports as _lean_imports  # noqa: E402

_lean_imports.install()  # libraries imported without costs the app never uses (see the module)
