"""What the subcommands share: opening the store named by --db, printing JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

from app.store.db import Database, DatabaseProblem, open_database

#: Problems of a file that held a database: the latest good backup is named with the command that restores it.
RESTORABLE = ("empty", "damaged")


def open_store(args) -> Database:
    """Open the store; a SQLite file on a network share is opened with a warning on stderr."""
    from app.i18n import _
    from app.paths import default_database
    from app.store.location import network_share_warning

    target = args.db or default_database()
    try:
        db = open_database(target)
    except DatabaseProblem as problem:
        raise _with_restore_hint(problem, args) from problem
    warning = network_share_warning(target)
    if warning:
        print(f"{_('warning')}: {warning}", file=sys.stderr)
    return db


def _with_restore_hint(problem: DatabaseProblem, args) -> DatabaseProblem:
    """The problem as one line that also names the latest good backup and the command restoring it (the window
    offers the same in its dialog); the file itself is never touched."""
    from app.i18n import _

    if problem.kind not in RESTORABLE or problem.path is None:
        return problem
    from app.cli.cmd_backup import _connector
    from app.store.backup import latest_good_backup

    found = latest_good_backup(problem.path, _connector())
    if found is None:
        hint = _("no backup of it passes the integrity check")
    else:
        command = "contractdesk " + (f'--db "{args.db}" ' if getattr(args, "db", None) else "") + "restore latest"
        hint = _("the latest good backup is {file} ({when}): restore it with {command}").format(
            file=found.path, when=f"{found.taken:%Y-%m-%d %H:%M}", command=command)
    return DatabaseProblem(_("{problem}; {hint}").format(problem=problem.message, hint=hint), problem.where,
                           kind=problem.kind, path=problem.path)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
