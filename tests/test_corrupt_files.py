"""A damaged, truncated, foreign, too-new or read-only database: a clear message naming the problem,
an offer to restore the latest good backup, never a traceback and never a write to the file."""

from __future__ import annotations

import os
import sqlite3

import pytest

from app.ops.first_run import open_store
from app.store import contracts
from app.store.backup import latest_good_backup, make_backup
from app.store.db import DatabaseProblem

from .conftest import SAMPLE_NUMBER


@pytest.fixture
def with_backup(db, db_path):
    """A database holding the sample and a good backup of it; the database is closed."""
    backup = make_backup(db_path, "manual")
    db.close()
    return backup


def _refused(db_path, kind: str) -> DatabaseProblem:
    before = db_path.read_bytes()
    with pytest.raises(DatabaseProblem) as caught:
        open_store(db_path)
    assert caught.value.kind == kind, caught.value
    assert db_path.read_bytes() == before, "a refused file is never written to"
    assert str(db_path) in str(caught.value)
    return caught.value


def test_truncated_file(with_backup, db_path):
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    problem = _refused(db_path, "damaged")
    assert "truncated" in problem.message
    assert latest_good_backup(db_path).path == with_backup


def test_damaged_pages(with_backup, db_path):
    data = bytearray(db_path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for n in range(2, len(data) // page):  # scribble over the b-tree page headers, keep the file header
        data[n * page : n * page + 12] = b"\xff" * 12
    db_path.write_bytes(bytes(data))
    problem = _refused(db_path, "damaged")
    assert "damaged" in problem.message


def test_not_a_database(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes("合同清单，不是数据库\n".encode() * 200)
    _refused(bogus, "not-database")
    assert latest_good_backup(bogus) is None


def test_tiny_file_starting_like_sqlite(tmp_path):
    bogus = tmp_path / "cut.db"
    bogus.write_bytes(b"SQLite format 3\x00\x10\x00")
    _refused(bogus, "damaged")


def test_someone_elses_sqlite_database(tmp_path):
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    _refused(other, "not-ours")


def test_database_from_a_newer_version(with_backup, db_path):
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    problem = _refused(db_path, "newer")
    assert "newer version" in problem.message


def test_read_only_file(with_backup, db_path, monkeypatch):
    if os.geteuid() == 0:  # root ignores permissions: make the check see what a clerk would
        real = os.access
        monkeypatch.setattr("app.store.db.os.access",
                            lambda p, mode: False if mode == os.W_OK and str(p) == str(db_path) else real(p, mode))
    db_path.chmod(0o400)
    try:
        problem = _refused(db_path, "read-only")
        assert "read-only" in problem.message
    finally:
        db_path.chmod(0o600)


def test_latest_good_backup_skips_damaged_backups(with_backup, db_path):
    newer = make_backup(db_path, "manual")
    newer.write_bytes(newer.read_bytes()[:3000])
    assert latest_good_backup(db_path).path == with_backup


def test_cli_on_a_damaged_file_is_one_clear_line(cli, with_backup, db_path):
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 3])
    before = db_path.read_bytes()
    result = cli("list")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert result.err.strip().count("\n") == 0
    assert "truncated" in result.err
    assert db_path.read_bytes() == before
    restored = cli("restore", "latest")
    assert restored.code == 0, restored
    assert cli("list").out.startswith(SAMPLE_NUMBER)


# ------------------------------------------------------------------ the dialog


def _click(role):
    def exec_(self):
        for button in self.buttons():
            if self.buttonRole(button) == role:
                button.click()
                return 0
        raise AssertionError("no such button")

    return exec_


def test_dialog_restores_the_latest_good_backup(qtbot, with_backup, db_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.database_problem_dialog import offer_restore

    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatabaseProblem) as caught:
        open_store(db_path)
    texts = []
    real_exec = _click(QMessageBox.ButtonRole.AcceptRole)

    def exec_(self):
        texts.append(self.text() + "\n" + self.informativeText())
        return real_exec(self)

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    db = offer_restore(None, caught.value)
    assert db is not None
    try:
        assert [r.number for r in contracts.list_contracts(db)] == [SAMPLE_NUMBER]
    finally:
        db.close()
    assert "truncated" in texts[0] and "Restore it?" in texts[0]


def test_dialog_without_a_backup_only_explains(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.database_problem_dialog import offer_restore

    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"not a database" * 100)
    with pytest.raises(DatabaseProblem) as caught:
        open_store(bogus)
    seen = []

    def exec_(self):
        seen.append([b.text() for b in self.buttons()])
        return _click(QMessageBox.ButtonRole.RejectRole)(self)

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    assert offer_restore(None, caught.value) is None
    assert seen == [["Quit"]]
    assert bogus.read_bytes() == b"not a database" * 100
