"""The store round trip on every backend: SQLite and (when CONTRACTDESK_TEST_PG_URL is set) PostgreSQL.

The PostgreSQL run builds its schema with the same Alembic migrations as SQLite, from an empty database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import inspect

from app.base.errors import Conflict, NotFound
from app.codecs.json_codec import dumps
from app.domain import CostRow
from app.ops.annexes import update_cells
from app.ops.contracts import delete_contract, set_event
from app.ops.first_run import open_store
from app.store import annex_rows, contracts
from app.store.db import current_revision
from app.store.migrations import HEAD_REVISION
from tests.conftest import store_edit

from .conftest import SAMPLE_NUMBER


def test_all_migrations_run_and_build_every_table(store_db):
    assert current_revision(store_db.engine) == HEAD_REVISION
    with store_db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    assert {"contracts", "parties", "payments", "clauses", "annexes", "annex_rows", "signings", "holidays"} <= tables


def test_sample_round_trips(store_db, sample):
    assert dumps(contracts.load(store_db, SAMPLE_NUMBER)) == dumps(sample)


def test_reopening_does_not_migrate_or_reload(store_url, store_db):
    store_db.close()
    again = open_store(store_url)
    try:
        assert [r.number for r in contracts.list_contracts(again)] == [SAMPLE_NUMBER]
    finally:
        again.close()


def test_money_is_exact_and_rows_keep_their_order(store_db, sample):
    sample.number = "EXACT-PG"
    sample.total = Decimal("9999999999999.99")
    sample.annexes[2].table = [CostRow(f"item {i}", "", "台", Decimal("3.3333"), Decimal("0.03"), "") for i in range(50)]
    contracts.save(store_db, sample)
    loaded = contracts.load(store_db, "EXACT-PG")
    assert loaded.total == Decimal("9999999999999.99")
    assert [r.item for r in loaded.annexes[2].table] == [f"item {i}" for i in range(50)]
    assert loaded.annexes[2].table[0].quantity == Decimal("3.3333")
    assert loaded.annexes[2].table[0].amount == Decimal("0.10")


def test_stale_edit_is_refused(store_db):
    mine, version = contracts.load_versioned(store_db, SAMPLE_NUMBER)
    theirs, their_version = contracts.load_versioned(store_db, SAMPLE_NUMBER)
    theirs.project = "他们的修改"
    store_edit(store_db, theirs, their_version)
    mine.project = "我的修改"
    with pytest.raises(Conflict):
        store_edit(store_db, mine, version)
    assert contracts.load(store_db, SAMPLE_NUMBER).project == "他们的修改"


def test_events_search_and_delete(store_db):
    set_event(store_db, SAMPLE_NUMBER, "signed_b", date(2025, 5, 22))
    assert contracts.load(store_db, SAMPLE_NUMBER).events.signed_b == date(2025, 5, 22)
    assert contracts.list_contracts(store_db, "汤阴县公安局")
    assert not contracts.list_contracts(store_db, "不存在的词")
    delete_contract(store_db, SAMPLE_NUMBER)
    with pytest.raises(NotFound):
        contracts.load(store_db, SAMPLE_NUMBER)
    with store_db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM annex_rows").scalar() == 0


def test_cost_table_cell_edits(store_db):
    table = next(a for a in annex_rows.list_annexes(store_db, SAMPLE_NUMBER) if a.kind.value == "table")
    before = annex_rows.fetch_rows(store_db, table.id)
    first = before.ids[0]
    update_cells(store_db, SAMPLE_NUMBER, table.id, [annex_rows.CellChange(first, "quantity", Decimal("7"))])
    after = annex_rows.fetch_rows(store_db, table.id)
    assert after.columns["quantity"][0] == Decimal("7")
    assert len(after.ids) == len(before.ids)
