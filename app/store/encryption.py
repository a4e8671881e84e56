"""Optional encryption at rest of the SQLite store with SQLCipher (the ``sqlcipher3`` driver).

The passphrase lives only in memory: it is handed to SQLCipher as ``PRAGMA key`` on every new
connection and is never written to a file, a URL that is shown, or a log. Without the driver an
encrypted store cannot be opened: a source install on Linux is told what to install; the Windows bundle (SQLCipher
wheels exist for Linux only) says that this build has no encryption.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from app.base.errors import UserError
from app.base.i18n import _
from app.base.private import make_private


def driver() -> ModuleType:
    """The SQLCipher DB-API module; UserError when it is not installed."""
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        try:
            from pysqlcipher3 import dbapi2  # type: ignore[no-redef]
        except ImportError as exc:
            if getattr(sys, "frozen", False) or not sys.platform.startswith("linux"):
                # SQLCipher wheels exist for Linux only; a clerk cannot install anything into the bundle
                raise UserError(_("encrypted databases are not available in this build of ContractDesk"),
                                "passphrase") from exc
            raise UserError(
                _("encrypted databases need SQLCipher: install the package sqlcipher3-binary"), "passphrase"
            ) from exc
    return dbapi2


def available() -> bool:
    try:
        driver()
    except UserError:
        return False
    return True


def key_statement(passphrase: str) -> str:
    if not passphrase:
        raise UserError(_("the passphrase is empty"), "passphrase")
    return "PRAGMA key = '" + passphrase.replace("'", "''") + "'"


def _quiet(con: Any) -> None:
    """SQLCipher reports a wrong key on stderr by default; the app says it in one line instead."""
    with contextlib.suppress(Exception):
        con.execute("PRAGMA cipher_log_level = NONE").fetchall()


def key_listener(passphrase: str) -> Callable[[Any, Any], None]:
    """A SQLAlchemy "connect" listener that keys each new connection (must run before any other statement)."""
    statement = key_statement(passphrase)

    def on_connect(dbapi_connection, _record) -> None:
        _quiet(dbapi_connection)
        cur = dbapi_connection.cursor()
        cur.execute(statement)
        cur.close()

    return on_connect


def connector(passphrase: str) -> Callable[..., sqlite3.Connection]:
    """Opens a DB-API connection to an encrypted file, keyed (used by the backup code)."""
    statement = key_statement(passphrase)
    module = driver()

    def connect(path: str, uri: bool = False) -> sqlite3.Connection:
        con = module.connect(path, uri=uri)
        _quiet(con)
        con.execute(statement)
        return con

    return connect


def encrypt_copy(source: Path, target: Path, passphrase: str) -> Path:
    """Write an encrypted copy of the plain SQLite file `source` to `target` (readable by the user only)."""
    module = driver()
    if target.exists():
        raise UserError(_("the file already exists"), str(target))
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(fd)
    make_private(target)
    try:
        con = module.connect(str(source))
        try:
            con.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), passphrase))
            con.execute("SELECT sqlcipher_export('encrypted')")
            con.execute("DETACH DATABASE encrypted")
        finally:
            con.close()
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    return target
