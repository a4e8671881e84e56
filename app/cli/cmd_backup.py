"""Backup subcommands: backup [--to FILE], restore FILE, backups (the list)."""

from __future__ import annotations

from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _


def register(sub) -> None:
    p = sub.add_parser("backup", help=_("back up the database now (to its backups folder, or to FILE)"))
    p.add_argument("--to", metavar="FILE", help=_("write the backup to this file instead"))
    p.set_defaults(handler=run_backup)

    p = sub.add_parser("restore", help=_("replace the database with a backup (what it replaces is kept as a backup)"))
    p.add_argument("file", metavar="FILE", help=_("the backup file, or 'latest' for the newest good backup"))
    p.set_defaults(handler=run_restore)

    p = sub.add_parser("backups", help=_("list the backups of the database"))
    p.set_defaults(handler=run_backups)


def _database_file(args) -> Path:
    """The SQLite file named by --db (backups are SQLite files; a server is backed up by its own tools)."""
    from app.store.db import database_url, sqlite_path
    from app.store.location import default_database

    target = args.db or default_database()
    url = database_url(target)
    if not url.startswith("sqlite"):
        raise UserError(_("a PostgreSQL server is backed up with its own tools (pg_dump); see the README"), "--db")
    return sqlite_path(url, str(target))


def _connector():
    import os

    passphrase = os.environ.get("CONTRACTDESK_PASSPHRASE")
    if not passphrase:
        return None
    from app.store.encryption import connector

    return connector(passphrase)


def run_backup(args) -> int:
    from app.ops.database import backup

    destination = Path(args.to).expanduser() if args.to else None
    print(backup(_database_file(args), destination, connect=_connector()).value)
    return 0


def run_restore(args) -> int:
    from app.ops.database import restore
    from app.store.backup import latest_good_backup

    path = _database_file(args)
    if args.file == "latest":
        found = latest_good_backup(path, _connector())
        if found is None:
            raise UserError(_("there is no good backup of this database"), str(path))
        source = found.path
    else:
        source = Path(args.file).expanduser()
    kept = restore(source, path, connect=_connector()).value
    print(_("restored {database} from {backup}").format(database=path, backup=source))
    if kept is not None:
        print(_("the replaced database was kept as {file}").format(file=kept))
    return 0


def run_backups(args) -> int:
    from app.store.backup import list_backups

    for info in list_backups(_database_file(args)):
        print(f"{info.taken:%Y-%m-%d %H:%M:%S}\t{info.kind}\t{info.size}\t{info.path}")
    return 0
