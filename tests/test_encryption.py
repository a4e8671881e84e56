"""Encryption at rest (SQLCipher): the file, its backups and the passphrase never show the contract."""

from __future__ import annotations

import pytest

from app.ops.first_run import open_store
from app.store import contracts
from app.store.backup import latest_good_backup, list_backups, make_backup
from app.store.db import DatabaseProblem

from .conftest import SAMPLE_NUMBER

encryption = pytest.importorskip("app.store.encryption")
if not encryption.available():
    pytest.skip("SQLCipher (sqlcipher3-binary) is not installed", allow_module_level=True)

PASSPHRASE = "县局'合同 2025"


def _plain_secrets(sample) -> list[bytes]:
    return [sample.party_b.bank.account_no.encode(), "汤阴县公安局".encode(), b"SQLite format 3", PASSPHRASE.encode()]


def test_encrypted_store_round_trip_and_nothing_in_clear(db_path, sample):
    db = open_store(db_path, passphrase=PASSPHRASE)
    assert contracts.load(db, SAMPLE_NUMBER).party_b.bank.account_no == sample.party_b.bank.account_no
    backup = make_backup(db_path, "manual", connect=db.connector)
    db.close()
    for path in (db_path, backup):
        data = path.read_bytes()
        for secret in _plain_secrets(sample):
            assert secret not in data, (path.name, secret)
    assert db_path.stat().st_mode & 0o077 == 0
    again = open_store(db_path, passphrase=PASSPHRASE)
    try:
        assert [r.number for r in contracts.list_contracts(again)] == [SAMPLE_NUMBER]
    finally:
        again.close()
    found = latest_good_backup(db_path, encryption.connector(PASSPHRASE))
    assert found is not None and found.path.read_bytes()[:16] != b"SQLite format 3\x00"


def test_wrong_or_missing_passphrase_is_refused_untouched(db_path):
    open_store(db_path, passphrase=PASSPHRASE).close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseProblem) as wrong:
        open_store(db_path, passphrase="wrong")
    assert wrong.value.kind in ("passphrase", "damaged")
    with pytest.raises(DatabaseProblem) as missing:
        open_store(db_path)
    assert missing.value.kind == "not-database"
    assert "passphrase" in missing.value.message
    assert db_path.read_bytes() == before


def test_cli_uses_the_passphrase_from_the_environment(cli, db_path, tmp_path):
    env = {"CONTRACTDESK_PASSPHRASE": PASSPHRASE}
    assert cli("list", env=env).code == 0
    assert cli("backup", env=env).code == 0
    assert [b.kind for b in list_backups(db_path)] == ["manual"]
    result = cli("list")
    assert result.code == 2 and "passphrase" in result.err and "Traceback" not in result.err
    assert PASSPHRASE not in result.err


def test_an_existing_plain_store_can_be_encrypted(db, db_path, tmp_path):
    db.close()
    target = encryption.encrypt_copy(db_path, tmp_path / "secret.db", PASSPHRASE)
    assert b"SQLite format 3" not in target.read_bytes()[:16]
    enc = open_store(target, passphrase=PASSPHRASE)
    try:
        assert [r.number for r in contracts.list_contracts(enc)] == [SAMPLE_NUMBER]
    finally:
        enc.close()


def test_an_encrypted_store_at_an_older_revision_is_upgraded_with_its_backup(db_path, sample):
    """The backup before a schema upgrade is taken through SQLCipher, not plain sqlite3."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, event

    from app.store import migrations
    from app.store.migrations import HEAD_REVISION

    open_store(db_path, passphrase=PASSPHRASE).close()
    engine = create_engine(f"sqlite:///{db_path}", module=encryption.driver())
    event.listen(engine, "connect", encryption.key_listener(PASSPHRASE))
    cfg = Config()
    cfg.set_main_option("script_location", migrations.__path__[0])
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002_review")
    engine.dispose()

    db = open_store(db_path, passphrase=PASSPHRASE)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD_REVISION
        assert contracts.load(db, SAMPLE_NUMBER).party_b.bank.account_no == sample.party_b.bank.account_no
    finally:
        db.close()
    before = [b for b in list_backups(db_path) if b.kind == "before-0002_review"]
    assert len(before) == 1
    data = before[0].path.read_bytes()
    for secret in _plain_secrets(sample):
        assert secret not in data
    con = encryption.connector(PASSPHRASE)(str(before[0].path))
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0002_review"
    finally:
        con.close()
