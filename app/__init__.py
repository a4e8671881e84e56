"""ContractDesk core: everything that runs without Qt (model, store, rules, export, CLI)."""

__version__ = "0.1.0"
