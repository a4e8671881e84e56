"""What the subcommands share: opening the store named by --db, printing JSON."""

from __future__ import annotations

import json
import sys
from typing import Any

from app.store.db import Database, open_database


def open_store(args) -> Database:
    """Open the store; a SQLite file on a network share is opened with a warning on stderr."""
    from app.i18n import _
    from app.paths import default_database
    from app.store.location import network_share_warning

    target = args.db or default_database()
    db = open_database(target)
    _opened.append(db)
    warning = network_share_warning(target)
    if warning:
        print(f"{_('warning')}: {warning}", file=sys.stderr)
    return db


#: The stores the running command opened, closed when it ends (app.cli.main).
_opened: list[Database] = []


def close_stores() -> None:
    """Close what the command opened: its connections and files, before the next command in one process."""
    while _opened:
        _opened.pop().close()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
