"""Opening the store the way the app and the command line do, with its first-run content.

The store layer only opens, creates and upgrades the file; what a new database holds is decided here:
the bundled holiday calendar (also for a database made before the calendar existed, whose table is
still empty; a table that holds any row is the user's to edit and is never touched again) and, in a
new file, the sample contract so that the first launch shows it.
"""

from __future__ import annotations

import logging
import os

from sqlalchemy import select

from app.codecs.sample import sample_path
from app.store.db import Database, open_database
from app.store.schema import HolidayRow

log = logging.getLogger(__name__)


def seed_holidays(db: Database) -> int:
    """Fill an empty holiday table from the bundled package data; returns how many rows were added."""
    from app.codecs.calendar_package import package_days

    with db.transaction() as s:
        if s.scalars(select(HolidayRow.day).limit(1)).first() is not None:
            return 0
        days = package_days()
        s.add_all(HolidayRow(day=d.day, kind=d.kind.value, name=d.name) for d in days)
    log.info("holiday calendar seeded with %d days", len(days))
    return len(days)


def open_store(target: str | os.PathLike[str], *, load_sample: bool = True, passphrase: str | None = None,
               backup: bool = True) -> Database:
    """`open_database`, then the first-run content; raises DatabaseProblem as that does."""
    db = open_database(target, passphrase=passphrase, backup=backup)
    try:
        seed_holidays(db)
        if db.created and load_sample:
            install_sample(db)
    except BaseException:
        db.close()
        raise
    return db


def install_sample(db: Database) -> None:
    """Load the bundled sample contract into the database."""
    from app.ops.contracts import import_document

    import_document(db, sample_path().read_bytes())
