"""Restoring over a database SQLite cannot read keeps what it replaces, as private as the database itself."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from app.store import backup
from app.store.backup import list_backups, make_backup, restore_database


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
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
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not wal.exists(), "the old log is never replayed onto the restored file"
