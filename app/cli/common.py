"""What the subcommands share: opening the store named by --db, printing JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.ops import first_run
from app.store.db import Database


def open_store(args) -> Database:
    """Open the store; a SQLite file on a network share is opened with a warning on stderr."""
    from app.base.i18n import _
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


def refuse_obstacles(exc, option: str = "--despite") -> None:
    """A step refused by the guardrail (app.review.obstacles.Obstacles): list the problems on stderr, one a line,
    and raise the one-line error that says how to go ahead anyway (exit 2)."""
    from app.base.errors import UserError
    from app.base.i18n import _

    for problem in exc.problems:
        print("  · " + problem.text, file=sys.stderr)
    raise UserError(_("{problems}; to go ahead anyway, give the reason with {option} \"…\"").format(
        problems=exc.message, option=option), exc.where) from exc


def refuse_approved_edit(exc) -> None:
    """An edit of an approved contract refused (app.ops.unit.ApprovedEdit): say which option makes it."""
    from app.base.errors import UserError
    from app.base.i18n import _

    raise UserError(_("{problem}; add --reopen to make the change and return it to review").format(
        problem=exc.message), exc.where) from exc
