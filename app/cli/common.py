"""What the subcommands share: opening the store named by --db, printing JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.store.db import Database


def open_store(args) -> Database:
    """Open the store; a SQLite file on a network share is opened with a warning on stderr."""
    from app.base.i18n import _
    from app.ops import first_run  # here, not at the top: `contractdesk gui` paints before SQLAlchemy is imported
    from app.store.location import default_database, network_share_warning

    target = args.db or default_database()
    db = first_run.open_store(target)
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


@dataclass(frozen=True)
class Desktop:
    """What the command line asks of the desktop part, handed in by the program's entry (app.startup): the command
    line never imports the window itself. `run(args)` opens the window; `print_check()` is the selftest's print
    check, or None where Qt cannot be loaded."""

    run: Callable[[Any], int]
    print_check: Callable[[], Any]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
