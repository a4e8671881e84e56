"""Restoring over a database SQLite cannot read keeps what it replaces, as private as the database itself
(mode 0o600 on POSIX, an access-control list for this user only on Windows)."""

from __future__ import annotations

import os
import sqlite3

from app.base.private import is_private
from app.store import backup
from app.store.backup import list_backups, make_backup, restore_database


def test_the_unreadable_file_and_its_log_are_kept_readable_by_the_user_only(db, db_path, monkeypatch):
    good = make_backup(db_path, "manual")
    db.close()
    damaged = b"\xff" * 8192
    db_path.write_bytes(damaged)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.write_bytes(b"the last edits of the day" * 100)
    os.chmod(wal, 0o644)

    def unreadable(*_args, **_kwargs):
        raise sqlite3.DatabaseError("file is not a database")

    monkeypatch.setattr(backup, "make_backup", unreadable)  # SQLite cannot copy it: the raw files are kept
    kept = restore_database(good, db_path)

    assert kept is not None and [b.path for b in list_backups(db_path) if b.kind == "before-restore"] == [kept]
    assert kept.read_bytes() == damaged, "the damaged file is kept as it was, for a specialist to rescue"
    kept_wal = kept.with_name(kept.name + "-wal")
    assert kept_wal.read_bytes() == b"the last edits of the day" * 100
    for path in (kept, kept_wal):
        assert is_private(path), path
    assert not wal.exists(), "the old log is never replayed onto the restored file"
