"""Opening the store: engine, SQLite pragmas, schema migrations, first-run sample.

A SQLite file by default (foreign keys on, WAL journal — a rollback journal on a network share, where
WAL does not work — busy timeout so two writers serialise);
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

from sqlalchemy import create_engine, event, inspect, make_url, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.base.errors import Conflict, UserError
from app.base.i18n import _
from app.store.backup import Connector, database_errors
from app.store.migrations import HEAD_REVISION, KNOWN_REVISIONS

log = logging.getLogger(__name__)


class DatabaseProblem(UserError):
    """The database cannot be opened as it is. `kind` says why, so the app can offer the right remedy.

    Kinds: ``folder``, ``cannot-create``, ``not-database``, ``not-ours``, ``damaged``, ``empty``, ``newer``,
    ``read-only``, ``passphrase``; for a server URL ``server`` (the server cannot be reached, refuses
    the login or fails), ``driver`` (its Python driver is not installed) and ``address`` (not a URL
    SQLAlchemy knows). `path` is the SQLite file (None for a server URL).
    """

    def __init__(self, message: str, where: str = "", *, kind: str = "damaged", path: Path | None = None) -> None:
        super().__init__(message, where)
        self.kind = kind
        self.path = path


def database_url(target: str | os.PathLike[str]) -> str:
    """A path becomes a sqlite URL; anything with "://" is taken as a SQLAlchemy URL.

    The path is quoted into the URL, so a file named "a?b.db" or "50%41.db" opens that file, not "a" or "50A.db".
    """
    text_target = os.fspath(target)
    if "://" in text_target:
        return text_target
    from app.base.fileio import name_problem

    problem = name_problem(text_target)  # resolve() of a name over 255 bytes would raise, not answer
    if problem:
        raise DatabaseProblem(problem, text_target, kind="cannot-create")
    path = str(Path(text_target).expanduser().resolve())
    return URL.create("sqlite", database=path).render_as_string(hide_password=False)


SQLITE_MAGIC = b"SQLite format 3\x00"
#: Files up to this size get a full `PRAGMA quick_check` on open; larger ones only the daily one.
QUICK_CHECK_LIMIT = 256 * 1024 * 1024


def _sqlite_connect_listener(journal_mode: str):
    """The "connect" listener setting each SQLite connection up. `journal_mode` is WAL, or DELETE for a
    file on a network share: WAL's shared-memory index does not work across machines."""
    statement = f"PRAGMA journal_mode={journal_mode}"

    def on_connect(dbapi_connection, _record) -> None:
        # Transactions are begun explicitly (see _on_sqlite_begin), not by the driver.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        try:
            cur.execute(statement)
        except database_errors():  # read-only media, or another connection holds the WAL: keep the mode
            pass
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    return on_connect


def _on_sqlite_begin(conn) -> None:
    """Writers take the write lock when their transaction starts (BEGIN IMMEDIATE), so two clerks'
    saves queue behind each other and each sees the other's committed version; readers never block."""
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _create_private_file(path: Path) -> None:
    """Create the database file readable by the user only, before SQLite creates it."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    from app.base.private import make_private

    make_private(path)  # Windows: the mode above sets no access control list


#: Driver errors that are the caller's business (a broken constraint, a bad statement), not the store's.
_CALLER_ERRORS = (IntegrityError, ProgrammingError, DataError, NotSupportedError)


def _server_name(url: URL) -> str:
    host = url.host or "localhost"
    return f"{host}:{url.port}" if url.port else host


def _driver_message(exc: BaseException, url: URL | None) -> str:
    """The driver's own words on one line, with the server password (if any) blanked out."""
    message = " ".join(line.strip() for line in str(getattr(exc, "orig", exc)).splitlines() if line.strip())
    password = url.password if url is not None else None
    if password:
        message = message.replace(str(password), "***")
    return message


def _problem_for(exc: BaseException, shown: str, path: Path | None, url: URL | None = None) -> UserError:
    """A user-facing error for a driver error raised while reading or writing the store.

    `url` is the server's URL (None for a SQLite file): its errors are the server's, never a damaged file.
    """
    message = _driver_message(exc, url)
    low = message.lower()
    if isinstance(exc, StaleDataError):
        return Conflict(_("someone else changed this record since you opened it; reload it and apply your change again"),
                        shown)
    if "readonly" in low or "read-only" in low:
        return DatabaseProblem(_("the database file is read-only"), shown, kind="read-only", path=path)
    if "locked" in low or "busy" in low:
        return UserError(_("the database is busy (another ContractDesk is saving); try again in a moment"), shown)
    if "could not serialize" in low or "deadlock" in low:
        return Conflict(_("someone else changed this record at the same time; reload it and apply your change again"),
                        shown)
    if "disk is full" in low or "no space" in low:
        return UserError(_("the disk is full; nothing was saved"), shown)
    if url is not None:
        connecting = ("connect", "resolve", "authentication", "password", "timeout expired")
        if isinstance(exc, InterfaceError) or getattr(exc, "connection_invalidated", False) or (
                isinstance(exc, OperationalError) and any(word in low for word in connecting)):
            detail = message.removeprefix("connection failed: ")
            return DatabaseProblem(_("cannot connect to the database server {host}: {error}").format(
                host=_server_name(url), error=detail), shown, kind="server")
        return DatabaseProblem(_("the database server {host} reported an error: {error}").format(
            host=_server_name(url), error=message), shown, kind="server")
    if "file is not a database" in low and path is not None and _has_sqlite_magic(path) is False:
        return DatabaseProblem(_("the file is not a ContractDesk database, or it is encrypted and needs its passphrase"),
                               shown, kind="passphrase", path=path)
    return DatabaseProblem(_("the file is damaged or is not a database ({error})").format(error=message), shown,
                           kind="damaged", path=path)


class Database:
    """An open store: the engine plus a session factory. One user action = one `transaction()`."""

    def __init__(self, engine: Engine, connector: Connector | None = None) -> None:
        self.engine = engine
        #: How the backup code opens this file with the DB-API (None: plain sqlite3).
        self.connector = connector
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        writer = engine.execution_options(sqlite_immediate=True) if engine.dialect.name == "sqlite" else engine
        self._writer = sessionmaker(writer, expire_on_commit=False)
        #: True when opening made a new, empty SQLite file (the first start: app.ops.first_run fills it).
        self.created = False

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
        """A session whose work is committed at the end of the block, or rolled back on error.

        A stale edit (version column) becomes Conflict; a busy, read-only, full or damaged store a
        UserError naming it; nothing is half-written either way.
        """
        try:
            with self._writer() as session, session.begin():
                yield session
        except (DBAPIError, StaleDataError) as exc:
            if isinstance(exc, _CALLER_ERRORS):
                raise
            raise self._problem(exc) from exc

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except DBAPIError as exc:
            if isinstance(exc, _CALLER_ERRORS):
                raise
            raise self._problem(exc) from exc

    def _problem(self, exc: BaseException) -> UserError:
        if self.is_sqlite:
            return _problem_for(exc, str(self.path), self.path)
        return _problem_for(exc, self.url, None, self.engine.url)

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


def _has_sqlite_magic(path: Path) -> bool | None:
    """True/False for a file that does/does not start like SQLite; None for an empty or unreadable one."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if not head:
        return None
    return head == SQLITE_MAGIC


def _check_sqlite_file(path: Path, shown: str, encrypted: bool) -> None:
    """Cheap checks before SQLite touches the file: not a database at all, or cut short."""
    size = path.stat().st_size
    if size == 0 or encrypted:
        return
    with open(path, "rb") as fh:
        header = fh.read(100)
    if header[:16] != SQLITE_MAGIC:
        raise DatabaseProblem(
            _("the file is not a ContractDesk database, or it is encrypted and needs its passphrase"),
            shown, kind="not-database", path=path)
    if len(header) < 100:
        raise DatabaseProblem(_("the file is cut short (truncated)"), shown, kind="damaged", path=path)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        raise DatabaseProblem(_("the file is damaged (bad header)"), shown, kind="damaged", path=path)
    if header_valid and pages and size < pages * page_size:
        raise DatabaseProblem(_("the file is cut short (truncated): {have} of {want} bytes").format(
            have=f"{size:,}", want=f"{pages * page_size:,}"), shown, kind="damaged", path=path)


def _refuse_emptied(path: Path, shown: str) -> None:
    """A zero-byte file is a new database only when nothing says it held one: with backups beside it, it is a
    database that lost its content (a full disk, a failed copy or sync), which a new one holding only the sample
    would hide. It is refused untouched, so the user can restore a backup."""
    from app.store.backup import list_backups

    if list_backups(path):
        raise DatabaseProblem(
            _("the database file is empty (0 bytes), though backups of it exist; no new database was made in its place"),
            shown, kind="empty", path=path)


def _check_writable(path: Path, shown: str) -> None:
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseProblem(
            _("the database file is read-only (check its permissions, or copy it to a folder you can write to)"),
            shown, kind="read-only", path=path)


def integrity_problems(db: Database, *, quick: bool = False) -> list[str]:
    """SQLite's own integrity check plus foreign keys: an empty list when the file is sound."""
    if not db.is_sqlite:
        return []
    with db.engine.connect() as conn:
        verdict = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    problems = [] if verdict == ["ok"] else verdict
    problems += [f"foreign key: {row[0]} row {row[1]} -> {row[2]}" for row in fk]
    return problems


#: pip packages of the server drivers SQLAlchemy may import (by module name).
DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
    "pymysql": "PyMySQL",
    "MySQLdb": "mysqlclient",
    "mysql": "mysql-connector-python",
    "pyodbc": "pyodbc",
    "oracledb": "oracledb",
}


def _server_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError as exc:  # its message would not help; it never holds the URL (nor its password)
        raise DatabaseProblem(
            _("not a database address (expected e.g. postgresql+psycopg://user@server/contractdesk)"), "--db",
            kind="address") from exc


def _server_engine(url: str) -> Engine:
    """The engine of a server URL (no connection yet); DatabaseProblem for an unknown database type or
    a driver that is not installed, naming the package to install."""
    parsed = _server_url(url)
    shown = parsed.render_as_string(hide_password=True)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        module = (exc.name or parsed.get_driver_name()).split(".")[0]
        package = DRIVER_PACKAGES.get(module, module)
        raise DatabaseProblem(
            _("the database driver {module} is not installed: install the package {package}").format(
                module=module, package=package), shown, kind="driver") from exc
    except ArgumentError as exc:  # NoSuchModuleError: no such dialect or driver in SQLAlchemy
        raise DatabaseProblem(_("unknown database type {name}").format(name=parsed.drivername), shown,
                              kind="address") from exc


def sqlite_path(url: str, shown: str) -> Path:
    """The file a sqlite URL names. An in-memory database is refused: it would keep nothing once the
    program ends, and the user would believe their imports and edits saved."""
    parsed = _server_url(url)
    database = parsed.database
    query = {key: str(value).lower() for key, value in parsed.query.items()}
    if (not database or database == ":memory:" or database.startswith("file::memory:")
            or query.get("mode") == "memory" or "memdb" in query.get("vfs", "")):
        raise DatabaseProblem(_("an in-memory database keeps nothing; give a database file (e.g. --db contracts.db)"),
                              shown, kind="address")
    if query.get("uri") in ("true", "1", "yes", "on"):  # a "file:…" URI names its file in its own syntax
        raise DatabaseProblem(_("a SQLite URI (uri=true) is not supported; give the database file's path"), shown,
                              kind="address")
    return Path(database)


def _make_engine(url: str, passphrase: str | None) -> tuple[Engine, Connector | None]:
    if not url.startswith("sqlite"):
        return _server_engine(url), None
    connector = None
    if passphrase:
        from app.store import encryption

        engine = create_engine(url, module=encryption.driver())
        event.listen(engine, "connect", encryption.key_listener(passphrase))
        connector = encryption.connector(passphrase)
    else:
        engine = create_engine(url)
    from app.store.location import on_network_share

    file = engine.url.database
    journal_mode = "DELETE" if file and file != ":memory:" and on_network_share(file) else "WAL"
    event.listen(engine, "connect", _sqlite_connect_listener(journal_mode))
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine, connector


def _read_only(path: Path, passphrase: str | None) -> sqlite3.Connection:
    """A connection that can neither create nor change the file (the existing file is inspected first)."""
    uri = path.resolve().as_uri() + "?mode=ro"
    if passphrase:
        from app.store import encryption

        return encryption.connector(passphrase)(uri, uri=True)
    return sqlite3.connect(uri, uri=True)


def _inspect_file(path: Path, shown: str, passphrase: str | None) -> str:
    """Check an existing SQLite file read-only before anything may write to it; returns its revision."""
    try:
        con = _read_only(path, passphrase)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = None
            if "alembic_version" in tables:
                row = con.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            if revision is None:
                if tables:
                    raise DatabaseProblem(_("this database was not made by ContractDesk"), shown, kind="not-ours",
                                          path=path)
                return ""
            if revision not in KNOWN_REVISIONS:
                raise DatabaseProblem(
                    _("this database was written by a newer version of ContractDesk; please update the program"),
                    shown, kind="newer", path=path)
            if path.stat().st_size <= QUICK_CHECK_LIMIT:
                verdict = [r[0] for r in con.execute("PRAGMA quick_check")]
                if verdict != ["ok"]:
                    raise DatabaseProblem(_("the file is damaged ({error})").format(error=verdict[0]), shown,
                                          kind="damaged", path=path)
            return revision
        finally:
            con.close()
    except database_errors() as exc:
        problem = _problem_for(exc, shown, path)
        if isinstance(problem, DatabaseProblem):
            raise problem from exc
        raise DatabaseProblem(problem.message, shown, kind="damaged", path=path) from exc


def open_database(target: str | os.PathLike[str], *, passphrase: str | None = None,
                  backup: bool = True) -> Database:
    """Open (creating or upgrading as needed) the store at `target`; its content is app.ops.first_run's.

    Raises DatabaseProblem with a user-facing message (and a `kind`) for a file that is not a
    ContractDesk database, is damaged or truncated, is read-only, or was written by a newer
    ContractDesk; such a file is inspected read-only and never written to. An existing SQLite store
    is backed up on open (at most daily) and before any schema upgrade. `passphrase` (or
    CONTRACTDESK_PASSPHRASE) opens an encrypted store (SQLCipher).
    """
    url = database_url(target)
    is_sqlite = url.startswith("sqlite")
    passphrase = (passphrase or os.environ.get("CONTRACTDESK_PASSPHRASE") or None) if is_sqlite else None
    new_file = False
    path: Path | None = None
    server_url = None if is_sqlite else _server_url(url)
    shown = str(target) if server_url is None else server_url.render_as_string(hide_password=True)
    file_revision = ""
    if is_sqlite:
        path = sqlite_path(url, shown)
        if path.is_dir():
            raise DatabaseProblem(_("is a folder, not a database file"), str(path), kind="folder", path=path)
        new_file = not path.exists() or path.stat().st_size == 0
        if new_file and path.exists():
            _refuse_emptied(path, shown)
        if not new_file:
            _check_sqlite_file(path, shown, encrypted=bool(passphrase))
            file_revision = _inspect_file(path, shown, passphrase)
            _check_writable(path, shown)
        try:
            _create_private_file(path)
        except OSError as exc:
            from app.base.fileio import os_reason

            raise DatabaseProblem(_("cannot create the database file: {error}").format(error=os_reason(exc)), str(path),
                                  kind="cannot-create", path=path) from exc
    engine, connector = _make_engine(url, passphrase)
    db = Database(engine, connector)
    try:
        revision = current_revision(engine)
        if revision is None:
            with engine.connect() as conn:
                tables = inspect(conn).get_table_names()
            if tables:
                raise DatabaseProblem(_("this database was not made by ContractDesk"), shown, kind="not-ours", path=path)
            new_file = True
        elif revision not in KNOWN_REVISIONS:
            raise DatabaseProblem(
                _("this database was written by a newer version of ContractDesk; please update the program"),
                shown, kind="newer", path=path,
            )
        if path is not None and file_revision and backup:
            _back_up_on_open(db, path)
        if revision != HEAD_REVISION:
            if revision is not None:
                from app.store.backup import backup_before_migration

                backup_before_migration(engine, revision, connect=connector)
            _upgrade(engine)
    except (DBAPIError, *database_errors()) as exc:  # type: ignore[misc]  # a tuple built at run time
        engine.dispose()
        problem = _problem_for(exc, shown, path, server_url)
        if isinstance(problem, DatabaseProblem):
            raise problem from exc
        raise DatabaseProblem(problem.message, shown, kind="server" if server_url else "damaged",
                              path=path) from exc
    except BaseException:
        engine.dispose()
        raise
    db.created = new_file
    return db


def _back_up_on_open(db: Database, path: Path) -> None:
    """The daily backup; a failed backup is logged and never stops the app."""
    from app.store.backup import auto_backup

    failures: tuple[type[Exception], ...] = (OSError, sqlite3.Error, *database_errors())
    try:
        auto_backup(path, connect=db.connector)
    except failures as exc:
        log.warning("automatic backup of %s failed: %s", path.name, exc)
