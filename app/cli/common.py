"""What the subcommands share: opening the store named by --db, printing JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.store.db import Database, DatabaseProblem

#: Problems of a file that held a database: the latest good backup is named with the command that restores it.
RESTORABLE = ("empty", "damaged")


def open_store(args) -> Database:
    """Open the store; a SQLite file on a network share is opened with a warning on stderr."""
    from app.base.i18n import _
    from app.ops import first_run  # here, not at the top: `contractdesk gui` paints before SQLAlchemy is imported
    from app.store.db import DatabaseProblem
    from app.store.location import default_database, network_share_warning

    target = args.db or default_database()
    try:
        db = first_run.open_store(target)
    except DatabaseProblem as problem:
        raise _with_restore_hint(problem, args) from problem
    _opened.append(db)
    warning = network_share_warning(target)
    if warning:
        print(_("warning") + f": {warning}", file=sys.stderr)
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


def _with_restore_hint(problem: DatabaseProblem, args) -> DatabaseProblem:
    """The problem as one line that also names the latest good backup and the command restoring it (the window
    offers the same in its dialog); the file itself is never touched."""
    from app.base.i18n import _
    from app.store.db import DatabaseProblem

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
