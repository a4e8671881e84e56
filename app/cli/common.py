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
    warning = network_share_warning(target)
    if warning:
        print(f"{_('warning')}: {warning}", file=sys.stderr)
    return db


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def refuse_obstacles(exc, option: str = "--despite") -> None:
    """A step refused by the guardrail (app.review.obstacles.Obstacles): list the problems on stderr, one a line,
    and raise the one-line error that says how to go ahead anyway (exit 2)."""
    from app.errors import UserError
    from app.i18n import _

    for problem in exc.problems:
        print("  · " + problem.text, file=sys.stderr)
    raise UserError(_("{problems}; to go ahead anyway, give the reason with {option} \"…\"").format(
        problems=exc.message, option=option), exc.where) from exc


def refuse_approved_edit(exc) -> None:
    """An edit of an approved contract refused (app.ops.unit.ApprovedEdit): say which option makes it."""
    from app.errors import UserError
    from app.i18n import _

    raise UserError(_("{problem}; add --reopen to make the change and return it to review").format(
        problem=exc.message), exc.where) from exc
