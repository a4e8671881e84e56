"""A database file emptied to zero bytes (a full disk, a failed copy or sync) while its backups sit beside it
(issue 22, item 12): never silently replaced by a new database holding only the sample; the window explains and
offers the latest good backup, the command line names it and the command that restores it."""

from __future__ import annotations

import argparse

import pytest

from app.ops.contracts import set_field
from app.ops.first_run import open_store
from app.store import contracts
from app.store.backup import make_backup
from app.store.db import DatabaseProblem, open_database

from .conftest import SAMPLE_NUMBER

pytestmark = pytest.mark.hostile
TITLE = "仅在备份中的标题"


@pytest.fixture
def emptied(db, db_path):
    """A database whose contract was edited and backed up, then emptied to zero bytes; returns the backup."""
    set_field(db, SAMPLE_NUMBER, "title", TITLE)
    backup = make_backup(db_path, "auto")
    db.close()
    for side in ("-wal", "-shm"):
        db_path.with_name(db_path.name + side).unlink(missing_ok=True)
    db_path.write_bytes(b"")
    return backup


def test_a_zero_byte_file_with_backups_is_refused_untouched(emptied, db_path):
    with pytest.raises(DatabaseProblem) as caught:
        open_database(db_path)
    assert caught.value.kind == "empty"
    assert "empty (0 bytes)" in caught.value.message and "backups" in caught.value.message
    assert db_path.stat().st_size == 0  # no new database (and no sample) was written into it


def test_the_command_line_names_the_backup_and_the_restore_command(cli, emptied, db_path):
    result = cli("list")
    assert result.code == 2 and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert str(emptied) in result.err
    assert f'contractdesk --db "{db_path}" restore latest' in result.err
    assert db_path.stat().st_size == 0
    assert cli("restore", "latest").code == 0
    listed = cli("list")
    assert listed.code == 0 and TITLE in listed.out


def test_the_window_explains_and_restores_the_latest_good_backup(qtbot, emptied, db_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.main import _open_store

    seen: list[str] = []

    def exec_(self):
        seen.append(self.text() + "\n" + self.informativeText())
        restore = next(b for b in self.buttons() if self.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
        restore.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    opened = _open_store(argparse.Namespace(db=str(db_path)), str(db_path))
    assert opened is not None
    db, _target = opened
    try:
        assert contracts.load(db, SAMPLE_NUMBER).title == TITLE  # the backup's content, not a fresh sample
    finally:
        db.close()
    assert len(seen) == 1 and "empty (0 bytes)" in seen[0] and "Restore it?" in seen[0]


def test_the_window_quit_leaves_the_empty_file_alone(qtbot, emptied, db_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from ui.main import _open_store

    def exec_(self):
        next(b for b in self.buttons() if self.buttonRole(b) == QMessageBox.ButtonRole.RejectRole).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    assert _open_store(argparse.Namespace(db=str(db_path)), str(db_path)) is None
    assert db_path.stat().st_size == 0


def test_a_zero_byte_file_without_backups_is_still_a_new_database(tmp_path):
    """What the first start leaves when it is stopped between creating the file and writing it: nothing to lose."""
    fresh = tmp_path / "new.db"
    fresh.write_bytes(b"")
    db = open_store(fresh)
    try:
        assert [r.number for r in contracts.list_contracts(db)] == [SAMPLE_NUMBER]
    finally:
        db.close()
