"""Files another program holds open (Excel, an indexer, antivirus, a second window): Windows refuses to replace,
delete or rename them (WinError 5, 32, 33). ContractDesk retries briefly, then says which file is held in one line
(exit code 2), never a traceback, and leaves everything as it was.

Windows' refusal is simulated here by making os.replace raise what Windows raises, for the held file only; the
Windows CI job holds a real file open (tools/windows_checks.py, held-export).
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import pytest

from app.base.fileio import FileHeld, retry_while_held
from app.cli import main
from app.store.backup import make_backup, restore_database

from .conftest import SAMPLE_NUMBER, database_digest


def _stale_logs(db_path: Path, monkeypatch) -> tuple[Path, Path]:
    """-wal and -shm files beside a database that an indexer holds open. SQLite's own attempt to delete them (when the
    restore reads the database to keep a copy of it) fails silently on Windows; here they are put back after it."""
    from app.store import backup

    wal, shm = (db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm"))
    logs = {wal: b"", shm: b"\0" * 32768}
    for path, data in logs.items():
        path.write_bytes(data)
    real_set_aside = backup._set_aside

    def set_aside(*args, **kwargs):
        kept = real_set_aside(*args, **kwargs)
        for path, data in logs.items():
            path.write_bytes(data)
        return kept

    monkeypatch.setattr(backup, "_set_aside", set_aside)
    return wal, shm


def _windows_error(winerror: int, path: Path) -> PermissionError:
    error = PermissionError(errno.EACCES, "The process cannot access the file", str(path))
    error.winerror = winerror  # type: ignore[attr-defined]  # what Windows sets; absent elsewhere
    return error


@pytest.fixture
def held(monkeypatch):
    """Files named in the returned set cannot be replaced or renamed (as source or target) while they are in it."""
    paths: set[Path] = set()
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        for path in (Path(src), Path(dst)):
            if path in paths:
                raise _windows_error(32, path)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return paths


def test_a_brief_hold_is_waited_out(tmp_path):
    target = tmp_path / "合同.pdf"
    attempts, slept = [], []

    def action():
        attempts.append(1)
        if len(attempts) < 3:
            raise _windows_error(32, target)
        return "done"

    assert retry_while_held(action, target, sleep=slept.append) == "done"
    assert len(attempts) == 3 and slept == [0.05, 0.1]


def test_a_file_that_stays_held_is_named_after_the_retries(tmp_path):
    target = tmp_path / "合同 packet.xlsx"

    def action():
        raise _windows_error(5, target)

    with pytest.raises(FileHeld) as caught:
        retry_while_held(action, target, seconds=0.3)
    assert caught.value.where == str(target)
    assert str(caught.value) == f"{target}: permission denied, or the file is open in another program (Excel, WPS, a PDF viewer)"


def test_other_errors_are_not_retried(tmp_path):
    attempts = []

    def action():
        attempts.append(1)
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        retry_while_held(action, tmp_path / "x", seconds=5)
    assert attempts == [1]


def test_an_export_onto_a_workbook_open_in_excel_is_one_clear_line(db, tmp_path, held, capsys):
    target = tmp_path / "合同 packet.xlsx"
    target.write_bytes(b"the workbook the clerk has open")
    held.add(target)
    db.close()
    assert main(["--db", str(db.path), "export", SAMPLE_NUMBER, "--xlsx", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(target) in err and "the file is open in another program (Excel, WPS, a PDF viewer)" in err
    assert target.read_bytes() == b"the workbook the clerk has open"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    held.discard(target)  # Excel closed it: the same export now goes through
    assert main(["--db", str(db.path), "export", SAMPLE_NUMBER, "--xlsx", str(target)]) == 0
    assert target.read_bytes().startswith(b"PK")


def test_a_restore_whose_wal_is_held_names_it_and_changes_nothing(db, db_path, held, capsys, monkeypatch):
    good = make_backup(db_path, "manual")
    db.close()
    before = database_digest(db_path)
    wal, _shm = _stale_logs(db_path, monkeypatch)
    held.add(wal)
    assert main(["--db", str(db_path), "restore", str(good)]) == 2
    err = capsys.readouterr().err
    assert f"{wal}: the file is open in another program" in err and err.count("\n") == 1
    assert wal.exists()
    assert database_digest(db_path) == before
    assert not list(db_path.parent.glob(f".{db_path.name}.restore*"))


def test_a_restore_whose_database_is_held_puts_the_logs_back(db, db_path, held, monkeypatch):
    good = make_backup(db_path, "manual")
    db.close()
    before = database_digest(db_path)
    wal, shm = _stale_logs(db_path, monkeypatch)
    held.add(db_path)
    with pytest.raises(FileHeld) as caught:
        restore_database(good, db_path)
    assert caught.value.where == str(db_path)
    assert wal.read_bytes() == b"" and shm.read_bytes() == b"\0" * 32768, "the logs moved aside are put back"
    assert database_digest(db_path) == before
    assert not list(db_path.parent.glob(f".{db_path.name}.restore*"))


def test_log_rotation_with_a_second_window_holding_the_log(tmp_path, held, monkeypatch):
    """The other window holds contractdesk.log: rotation gives up after a brief retry, writes on into the same file,
    says once which file is held, loses no record and no older log; once free, it rotates again."""
    from app.base.logs import SharedRotatingFileHandler

    log_file = tmp_path / "contractdesk.log"
    handler = SharedRotatingFileHandler(log_file, maxBytes=300, backupCount=3, encoding="utf-8")
    handler.retry_seconds = 0.1
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("test.held.rotation")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        older = tmp_path / "contractdesk.log.1"
        older.write_text("yesterday\n", encoding="utf-8")
        held.add(log_file)
        for i in range(20):
            logger.warning("record %02d %s", i, "x" * 40)
        text = log_file.read_text(encoding="utf-8")
        assert all(f"record {i:02d}" in text for i in range(20)), "no record is lost"
        assert text.count(f"cannot rotate {log_file}: the file is open in another program") == 1
        assert older.read_text(encoding="utf-8") == "yesterday\n"
        assert not (tmp_path / "contractdesk.log.2").exists()
        held.discard(log_file)
        monkeypatch.setattr(handler, "_paused_until", 0.0)  # ten minutes later
        logger.warning("after the other window closed %s", "y" * 300)
        assert (tmp_path / "contractdesk.log.2").read_text(encoding="utf-8") == "yesterday\n"
        assert "record 19" in (tmp_path / "contractdesk.log.1").read_text(encoding="utf-8")
    finally:
        logger.removeHandler(handler)
        handler.close()
