"""The disk fills up while a large import is being saved: one clear line, nothing half-imported, every
earlier contract intact."""

from __future__ import annotations

from decimal import Decimal

from app.cli import main
from app.codecs.json_codec import dumps
from app.domain import CostRow
from app.ops.first_run import open_store
from app.store import contracts
from app.store import db as store_db
from app.store.db import integrity_problems

from .conftest import SAMPLE_NUMBER


def test_full_disk_during_a_large_import_saves_nothing_and_keeps_the_rest(db, tmp_path, sample, monkeypatch, capsys):
    with db.engine.connect() as con:
        pages = con.exec_driver_sql("PRAGMA page_count").scalar()
    db.close()
    sample.number = "FULL-2025-001"
    sample.annexes[2].table = [CostRow(f"设备{i}", "规格", "台", Decimal(1), Decimal("9.99"), "") for i in range(3000)]
    sample.total = sum((r.amount for r in sample.annexes[2].table), Decimal(0))
    source = tmp_path / "large.json"
    source.write_text(dumps(sample), encoding="utf-8")
    real = store_db._sqlite_connect_listener

    def with_a_full_disk(journal_mode):  # SQLite's own "database or disk is full" once the file has grown a little
        setup = real(journal_mode)

        def on_connect(con, record):
            setup(con, record)
            con.execute(f"PRAGMA max_page_count = {pages + 8}")

        return on_connect

    monkeypatch.setattr(store_db, "_sqlite_connect_listener", with_a_full_disk)
    capsys.readouterr()
    assert main(["--db", str(db.path), "import", str(source)]) == 2
    err = capsys.readouterr().err
    assert "the disk is full; nothing was saved" in err and str(db.path) in err, err
    assert err.strip().count("\n") == 0

    monkeypatch.undo()
    again = open_store(db.path)
    try:
        assert integrity_problems(again) == []
        assert [c.number for c in contracts.list_contracts(again)] == [SAMPLE_NUMBER]
        assert contracts.load(again, SAMPLE_NUMBER).total == Decimal("4273290.00")
    finally:
        again.close()
