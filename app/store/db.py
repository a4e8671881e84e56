"""Opening the store: engine, SQLite pragmas, schema migrations, first-run sample.

A SQLite file by default (foreign keys on, WAL journal, busy timeout so two writers serialise);
any SQLAlchemy URL (e.g. postgresql+psycopg://…) for a shared server. The schema is upgraded on
open with Alembic; a database newer than this program is refused, never touched.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.i18n import _
from app.store.migrations import HEAD_REVISION, KNOWN_REVISIONS

log = logging.getLogger(__name__)


class DatabaseProblem(UserError):
    """The database cannot be opened as it is (corrupt, not ours, too new, read-only)."""


def database_url(target: str | os.PathLike[str]) -> str:
    """A path becomes a sqlite URL; anything with "://" is taken as a SQLAlchemy URL."""
    text_target = os.fspath(target)
    if "://" in text_target:
        return text_target
    return "sqlite:///" + str(Path(text_target).expanduser().resolve())


def _on_sqlite_connect(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError:  # read-only media: keep the existing journal mode
        pass
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _create_private_file(path: Path) -> None:
    """Create the database file readable by the user only, before SQLite creates it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)


class Database:
    """An open store: the engine plus a session factory. One user action = one `transaction()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def path(self) -> Path | None:
        return Path(self.engine.url.database) if self.is_sqlite and self.engine.url.database else None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_database(target: str | os.PathLike[str], *, load_sample: bool = True) -> Database:
    """Open (creating or upgrading as needed) the store at `target`.

    Raises DatabaseProblem with a user-facing message for a file that is not a ContractDesk
    database, is corrupt, or was written by a newer ContractDesk.
    """
    url = database_url(target)
    is_sqlite = url.startswith("sqlite")
    new_file = False
    if is_sqlite:
        path = Path(url.removeprefix("sqlite:///"))
        new_file = not path.exists() or path.stat().st_size == 0
        if path.is_dir():
            raise DatabaseProblem(_("is a folder, not a database file"), str(path))
        try:
            _create_private_file(path)
        except OSError as exc:
            raise DatabaseProblem(_("cannot create the database file: {error}").format(error=exc.strerror), str(path)) from exc
        engine = create_engine(url)
        event.listen(engine, "connect", _on_sqlite_connect)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    shown = str(target)
    try:
        revision = current_revision(engine)
        if revision is None:
            with engine.connect() as conn:
                tables = inspect(conn).get_table_names()
            if tables:
                raise DatabaseProblem(_("this database was not made by ContractDesk"), shown)
            new_file = True
        elif revision not in KNOWN_REVISIONS:
            raise DatabaseProblem(
                _("this database was written by a newer version of ContractDesk; please update the program"),
                shown,
            )
        if revision != HEAD_REVISION:
            if revision is not None:
                from app.store.backup import backup_before_migration

                backup_before_migration(engine, revision)
            _upgrade(engine)
    except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        message = str(getattr(exc, "orig", exc))
        if "readonly" in message or "read-only" in message:
            raise DatabaseProblem(_("the database file is read-only"), shown) from exc
        raise DatabaseProblem(_("the file is damaged or is not a database ({error})").format(error=message), shown) from exc
    except DatabaseProblem:
        engine.dispose()
        raise
    db = Database(engine)
    if new_file:
        from app.store.seed import seed_holidays

        seed_holidays(db)
    if new_file and load_sample:
        from app.sample import install_sample

        install_sample(db)
    return db
