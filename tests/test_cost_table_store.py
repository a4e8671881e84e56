"""Cost tables with sections in the store: saved and loaded whole, edited row by row without losing their shape, and
databases of the previous revision upgraded in place with their tables as they were."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from app.base.errors import UserError
from app.codecs.json_codec import dumps
from app.domain import CostRow, CostTable, RowKind, TotalKind, table_total
from app.ops.annexes import delete_rows, insert_rows, set_table_options, update_cells
from app.ops.first_run import open_store
from app.ops.review import add_amendment
from app.rules import cost_cells
from app.store import annex_rows, contracts
from app.store.db import current_revision
from app.store.migrations import HEAD_REVISION

from .conftest import SAMPLE_NUMBER, downgrade_database, sign
from .cost_tables import GROSS, showcase_table, use_showcase

D = Decimal


def _annex_id(db, no: str = "3") -> int:
    return next(a.id for a in annex_rows.list_annexes(db, SAMPLE_NUMBER) if a.no == no)


def test_a_table_with_sections_rates_and_a_ceiling_round_trips_through_the_store(store_db, sample):
    use_showcase(sample)
    contracts.save(store_db, sample, replace=True)
    loaded = contracts.load(store_db, SAMPLE_NUMBER)
    table = loaded.annex("3").table
    assert isinstance(table, CostTable)
    assert table == showcase_table()
    assert (table.vat_rate, table.total_kind, table_total(table)) == (D("0.13"), TotalKind.CEILING, GROSS)
    assert table[8].quantity is None and table[7].discount == D("0.955") and table[0].kind is RowKind.SECTION
    assert dumps(loaded) == dumps(sample)


def test_a_plain_list_saved_over_a_table_with_options_clears_them(db, sample):
    use_showcase(sample)
    contracts.save(db, sample, replace=True)
    sample.annex("3").table = [CostRow("设备", "", "台", D(2), D("10.00"))]
    contracts.save(db, sample, replace=True)
    table = contracts.load(db, SAMPLE_NUMBER).annex("3").table
    assert table.options == (None, None, TotalKind.FIXED) and table.is_flat


def test_rows_come_with_their_structure_and_a_misshapen_edit_is_refused(db, sample):
    use_showcase(sample)
    contracts.save(db, sample, replace=True)
    aid = _annex_id(db)
    loaded = annex_rows.fetch_rows(db, aid)
    assert loaded.structure["kind"][:3] == ["section", "section", "section"]
    assert loaded.structure["level"][:4] == [0, 1, 2, 3]
    assert loaded.columns["quantity"][8] is None and loaded.structure["discount"][7] == D("0.955")
    version = contracts.version_of(db, SAMPLE_NUMBER)
    # 乔木修剪 (level 3) may not sit at level 5, and 病虫害防治 left below an item is refused the same way
    with pytest.raises(UserError) as caught:
        update_cells(db, SAMPLE_NUMBER, aid, [annex_rows.CellChange(loaded.ids[3], "level", 5)])
    assert "deeper" in caught.value.message and caught.value.where == "row 4, Level"
    with pytest.raises(UserError):
        update_cells(db, SAMPLE_NUMBER, aid, [annex_rows.CellChange(loaded.ids[2], "kind", "item")])
    with pytest.raises(UserError):  # deleting 1.1 would leave its rows two levels below 1
        delete_rows(db, SAMPLE_NUMBER, aid, [loaded.ids[2]])
    assert contracts.version_of(db, SAMPLE_NUMBER) == version
    assert contracts.load(db, SAMPLE_NUMBER).annex("3").table == showcase_table()
    # a row pasted into the 按实结算 section at level 1, written 按实结算, keeps its shape
    stored = insert_rows(db, SAMPLE_NUMBER, aid, None, [("清理落叶", "", "次", "按实结算", "120", "", "item", 1, "4")]).value
    assert stored[0].values[3] is None
    assert contracts.load(db, SAMPLE_NUMBER).annex("3").table[-1].settled_on_actuals


def test_cells_of_the_new_columns_are_parsed_as_clerks_type_them():
    assert cost_cells.parse_cell("discount", "95.5%", "x") == D("0.955")
    assert cost_cells.parse_cell("vat_rate", "", "x") is None
    assert cost_cells.parse_cell("quantity", "按实结算", "x") is None
    assert cost_cells.parse_cell("level", "2", "x") == 2
    for column, value in (("vat_rate", "13"), ("level", "-1"), ("kind", "heading"), ("no", "1" * 21)):
        with pytest.raises(UserError):
            cost_cells.parse_cell(column, value, "x")


def test_table_options_are_set_audited_and_returned_for_undo(db):
    aid = _annex_id(db)
    previous = set_table_options(db, SAMPLE_NUMBER, aid,
                                 annex_rows.TableOptions(D("0.955"), D("0.13"), TotalKind.ESTIMATE)).value
    assert previous == annex_rows.TableOptions()
    assert annex_rows.table_options(db, aid) == annex_rows.TableOptions(D("0.955"), D("0.13"), TotalKind.ESTIMATE)
    table = contracts.load(db, SAMPLE_NUMBER).annex("3").table
    assert table.options == (D("0.955"), D("0.13"), TotalKind.ESTIMATE)


def test_a_database_of_the_previous_revision_upgrades_with_its_tables_as_they_were(db, db_path, sample):
    """A 0004 database (before sections): its rows read as top-level items of a fixed-total table."""
    before = dumps(contracts.load(db, SAMPLE_NUMBER))
    db.close()
    downgrade_database(db_path, "0004_amendment_clause_depth")
    con = sqlite3.connect(db_path)
    try:
        columns = {r[1] for r in con.execute("PRAGMA table_info(annex_rows)")}
        notnull = {r[1]: r[3] for r in con.execute("PRAGMA table_info(annex_rows)")}
        assert "level" not in columns and notnull["quantity"] == 1
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004_amendment_clause_depth"
    finally:
        con.close()
    upgraded = open_store(db_path)
    try:
        assert current_revision(upgraded.engine) == HEAD_REVISION
        loaded = contracts.load(upgraded, SAMPLE_NUMBER)
        assert dumps(loaded) == before
        table = loaded.annex("3").table
        assert isinstance(table, CostTable) and table.is_flat and table_total(table) == D("4273290.00")
        use_showcase(sample)
        contracts.save(upgraded, sample, replace=True)
        assert contracts.load(upgraded, SAMPLE_NUMBER).annex("3").table == showcase_table()
    finally:
        upgraded.close()


def test_downgrading_keeps_unit_price_only_rows_as_quantity_zero(db, db_path, sample):
    use_showcase(sample)
    contracts.save(db, sample, replace=True)
    db.close()
    downgrade_database(db_path, "0004_amendment_clause_depth")
    con = sqlite3.connect(db_path)
    try:
        quantities = [r[0] for r in con.execute("SELECT quantity FROM annex_rows WHERE item = '修补人行道砖'")]
    finally:
        con.close()
    assert quantities == ["0"]


def test_a_product_too_large_is_refused_where_it_is_typed(db):
    aid = _annex_id(db)
    first = annex_rows.fetch_rows(db, aid).ids[0]
    version = contracts.version_of(db, SAMPLE_NUMBER)
    with pytest.raises(UserError) as caught:
        update_cells(db, SAMPLE_NUMBER, aid, [annex_rows.CellChange(first, "quantity", D("1000000000000000"))])
    assert caught.value.message == "quantity × unit price is more than the largest amount of a row (49,999,999,999.99)"
    assert caught.value.where == "row 1, Quantity"
    second = annex_rows.fetch_rows(db, aid).ids[1]  # a unit price typed too large is named, not the quantity
    with pytest.raises(UserError) as caught:
        update_cells(db, SAMPLE_NUMBER, aid, [annex_rows.CellChange(second, "unit_price", D("1000000000000000"))])
    assert caught.value.where == "row 2, Unit price"
    with pytest.raises(UserError):
        insert_rows(db, SAMPLE_NUMBER, aid, None, [("服务器", "", "台", "1000000000000000", "1000000000000000", "")])
    assert contracts.version_of(db, SAMPLE_NUMBER) == version


def test_forty_nines_in_an_exchange_file_are_refused(sample):
    import json

    from app.codecs.json_codec import loads

    data = json.loads(dumps(sample))
    data["annexes"][2]["table"]["rows"][0]["quantity"] = "9" * 40
    with pytest.raises(UserError) as caught:
        loads(json.dumps(data, ensure_ascii=False))
    assert caught.value.where == "annexes[2].table.rows[0]" and "larger than the largest amount" in caught.value.message
    data["annexes"][2]["table"]["rows"][0]["quantity"] = "100000000000"
    with pytest.raises(UserError) as caught:
        loads(json.dumps(data, ensure_ascii=False))
    assert caught.value.message == "quantity × unit price is more than the largest amount of a row (49,999,999,999.99)"


def test_an_amendment_keeps_a_table_with_sections(db):
    """An amendment that replaces annex 3 with the showcase keeps its sections, rates and ceiling."""
    from app.domain import Annex
    from app.domain.amendment import Amendment
    from app.store import amendments

    sign(db)
    add_amendment(db, SAMPLE_NUMBER, Amendment("BC-1", "补充协议", None, {},
                                                          annexes=[Annex("3", "费用明细表", table=showcase_table())]))
    [stored] = amendments.list_amendments(db, SAMPLE_NUMBER)
    assert stored.annexes[0].table == showcase_table()
