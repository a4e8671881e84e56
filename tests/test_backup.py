"""Automatic and manual backups (SQLite online backup API), their rotation, and restore."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from app.base.errors import UserError
from app.base.private import is_private
from app.ops.contracts import delete_contract
from app.ops.first_run import open_store
from app.store.backup import (
    KEEP_DAILY,
    KEEP_WEEKLY,
    auto_backup,
    list_backups,
    make_backup,
    prune_auto_backups,
    restore_database,
)

from .conftest import SAMPLE_NUMBER


def _numbers(path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT number FROM contracts ORDER BY number")]
    finally:
        con.close()


def test_open_backs_up_at_most_daily_readable_by_the_user_only(db_path):
    open_store(db_path).close()
    assert list_backups(db_path) == [], "a brand-new database needs no backup"
    open_store(db_path).close()
    open_store(db_path).close()
    backups = list_backups(db_path)
    assert [b.kind for b in backups] == ["auto"]
    assert backups[0].path.parent == db_path.parent / "backups"
    assert is_private(backups[0].path)
    assert is_private(backups[0].path.parent)
    assert _numbers(backups[0].path) == [SAMPLE_NUMBER]
    con = sqlite3.connect(backups[0].path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_rotation_keeps_the_last_seven_days_and_four_weeks(db, db_path):
    today = datetime(2026, 3, 31, 9, 0)
    made = []
    for back in range(60):
        when = today - timedelta(days=back)
        made.append((when, make_backup(db_path, "auto", now=when)))
        if back % 10 == 0:  # a second one the same day: only the newest of the day counts
            made.append((when - timedelta(hours=1), make_backup(db_path, "auto", now=when - timedelta(hours=1))))
    manual = make_backup(db_path, "manual", now=today - timedelta(days=100))
    prune_auto_backups(db_path)
    kept = {b.taken for b in list_backups(db_path) if b.kind == "auto"}
    days = sorted({w.date() for w, _p in made}, reverse=True)[:KEEP_DAILY]
    weeks: dict = {}
    for when, _p in sorted(made, reverse=True):
        weeks.setdefault(when.isocalendar()[:2], when)
    newest_weeks = sorted(weeks.items(), reverse=True)[:KEEP_WEEKLY]
    expected = {max(w for w, _p in made if w.date() == d) for d in days} | {w for _k, w in newest_weeks}
    assert kept == expected
    assert len(kept) <= KEEP_DAILY + KEEP_WEEKLY
    assert manual.exists(), "manual backups are never rotated away"


def test_auto_backup_is_skipped_when_one_exists_today(db, db_path):
    now = datetime.combine(date.today(), datetime.min.time()).replace(hour=8)
    assert auto_backup(db_path, now=now) is not None
    assert auto_backup(db_path, now=now + timedelta(hours=3)) is None
    assert auto_backup(db_path, now=now + timedelta(days=1)) is not None


def test_backup_before_a_migration(db_path):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from app.store import migrations

    engine = create_engine(f"sqlite:///{db_path}")
    cfg = Config()
    cfg.set_main_option("script_location", migrations.__path__[0])
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001_initial")
    engine.dispose()
    open_store(db_path).close()
    before = [b for b in list_backups(db_path) if b.kind == "before-0001_initial"]
    assert len(before) == 1
    con = sqlite3.connect(before[0].path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_initial"
    con.close()


def test_cli_backup_restore_and_list(cli, db_path, tmp_path):
    open_store(db_path).close()
    out_file = tmp_path / "elsewhere" / "copy.db"
    result = cli("backup", "--to", str(out_file))
    assert result.code == 0, result
    assert _numbers(out_file) == [SAMPLE_NUMBER]
    assert is_private(out_file)
    assert cli("delete", SAMPLE_NUMBER).code == 0
    assert _numbers(db_path) == []
    result = cli("restore", str(out_file))
    assert result.code == 0, result
    assert _numbers(db_path) == [SAMPLE_NUMBER]
    kept = [b for b in list_backups(db_path) if b.kind == "before-restore"]
    assert len(kept) == 1 and _numbers(kept[0].path) == [], "restore keeps what it replaced"
    listing = cli("backups")
    assert listing.code == 0 and "before-restore" in listing.out


def test_cli_restore_latest(cli, db_path):
    open_store(db_path).close()
    assert cli("backup").code == 0
    assert cli("delete", SAMPLE_NUMBER).code == 0
    result = cli("restore", "latest")
    assert result.code == 0, result
    assert _numbers(db_path) == [SAMPLE_NUMBER]


def test_cli_restore_refuses_a_database_open_in_the_app(cli, db_path):
    from app.store.lock import acquire

    open_store(db_path).close()
    assert cli("backup").code == 0
    assert cli("delete", SAMPLE_NUMBER).code == 0
    lock = acquire(db_path)  # what the desktop app holds while the database is open
    try:
        result = cli("restore", "latest")
    finally:
        lock.release()
    assert result.code == 2 and "Traceback" not in result.err
    assert _numbers(db_path) == []  # the open database was left alone
    assert cli("restore", "latest").code == 0  # once the app has closed it


def test_restore_refuses_a_bad_backup_and_changes_nothing(db, db_path, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    delete_contract(db, SAMPLE_NUMBER)
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(UserError):
        restore_database(bad, db_path)
    assert db_path.read_bytes() == before
    assert [b for b in list_backups(db_path) if b.kind == "before-restore"] == []


def test_cli_backup_of_a_server_database_points_to_its_tools(cli):
    result = cli("backup", db="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.code == 2
    assert "pg_dump" in result.err and "Traceback" not in result.err


def test_a_file_named_like_a_backup_with_an_impossible_time_is_not_taken_for_one(db, db_path):
    """A copied or hand-renamed file in the backups folder (month 13) once stopped the database from opening: the
    daily backup's look at the folder failed on its name. It is not a backup of ours; the others are listed."""
    db.close()
    made = auto_backup(db_path, now=datetime(2026, 3, 2, 8, 0, 0))
    assert made is not None
    stray = made.parent / f"{db_path.stem}-auto-20261399-080000.db"
    stray.write_bytes(made.read_bytes())
    assert [b.path for b in list_backups(db_path)] == [made]
    open_store(db_path).close()  # and the database opens
