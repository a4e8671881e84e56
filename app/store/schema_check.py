"""Is a SQLite file's schema the one ContractDesk made? Checked before a backup is restored.

A restored file becomes the live database, so it must be what our migrations build at its revision, no more,
no less: a missing table would fail later in the middle of a clerk's work, and a trigger or view that is not
ours would run with every save (an injected trigger could quietly rewrite a payee's bank account). The
expected schema is built by running the migrations on an empty file, so it never drifts from them.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.base.i18n import _
from app.store.migrations import UNMANAGED_PREFIXES


@dataclass(frozen=True)
class Schema:
    tables: dict[str, frozenset[str]]  # table → its column names
    triggers: dict[str, str]  # trigger → its SQL, whitespace collapsed
    views: dict[str, str]


def _normalised(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def read_schema(con: sqlite3.Connection) -> Schema:
    tables: dict[str, frozenset[str]] = {}
    triggers: dict[str, str] = {}
    views: dict[str, str] = {}
    for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master"):
        if kind == "table" and not name.startswith("sqlite_"):
            quoted = name.replace('"', '""')
            tables[name] = frozenset(row[1] for row in con.execute(f'PRAGMA table_info("{quoted}")'))
        elif kind == "trigger":
            triggers[name] = _normalised(sql)
        elif kind == "view":
            views[name] = _normalised(sql)
    return Schema(tables, triggers, views)


@functools.cache
def expected_schema(revision: str) -> Schema:
    """The schema our migrations build up to `revision`, read from a scratch file."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "expected.db"
        engine = create_engine(f"sqlite:///{path}")
        try:
            cfg = Config()
            cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        finally:
            engine.dispose()
        con = sqlite3.connect(path)
        try:
            return read_schema(con)
        finally:
            con.close()


def _optional(name: str) -> bool:
    """The full-text search index (0003) exists only where SQLite has FTS5; a file may lack it."""
    return name.startswith(UNMANAGED_PREFIXES)


@functools.cache
def _search_triggers() -> dict[str, str]:
    """The search index's triggers as migration 0003 writes them, for a file made where SQLite has FTS5
    checked where it has not (the scratch file then has none)."""
    import importlib.util

    script = next((Path(__file__).parent / "migrations" / "versions").glob("0003_*.py"))
    spec = importlib.util.spec_from_file_location("_contractdesk_0003", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: _normalised(f"CREATE TRIGGER {name} {body}") for name, body in module.TRIGGERS.items()}


def schema_problem(con: sqlite3.Connection, revision: str) -> str | None:
    """Why the schema of the file open in `con` is not ContractDesk's at `revision`, or None when it is."""
    want, have = expected_schema(revision), read_schema(con)
    for table, columns in want.tables.items():
        if table not in have.tables:
            if _optional(table):
                continue
            return _("the table {name} is missing").format(name=table)
        if have.tables[table] != columns and not _optional(table):
            return _("the table {name} does not have ContractDesk's columns").format(name=table)
    for table in have.tables:
        if table not in want.tables and not _optional(table):
            return _("it holds a table that ContractDesk did not make ({name})").format(name=table)
    known = {**_search_triggers(), **want.triggers}
    for trigger, sql in have.triggers.items():
        if known.get(trigger) != sql:
            return _("it holds a trigger that ContractDesk did not make ({name})").format(name=trigger)
    for view, sql in have.views.items():
        if want.views.get(view) != sql:
            return _("it holds a view that ContractDesk did not make ({name})").format(name=view)
    return None
