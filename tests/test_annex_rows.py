"""The annex row service: cell parsing, row edits in one transaction each, and what undo needs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.base.errors import Conflict, UserError
from app.ops import annexes as annex_ops
from app.rules import cost_cells
from app.store import annex_rows as ar
from app.store.annex_rows import CellChange
from app.store.contracts import insert_cost_rows, load, version_of
from app.values import annex_pdf
from app.values.annex_pdf import read_pdf_file
from app.values.tsv import format_tsv, parse_tsv
from tests.conftest import sign

NUMBER = "CMHA-AY-202500441"


def table_id(db) -> int:
    return next(a.id for a in ar.list_annexes(db, NUMBER) if a.kind.value == "table")


def text_id(db, no: str = "1") -> int:
    return next(a.id for a in ar.list_annexes(db, NUMBER) if a.no == no)


def stored(db) -> list[tuple]:
    """The cost table as the contract store loads it (what an export would print)."""
    table = load(db, NUMBER).annex("3").table
    return [(r.item, r.spec, r.unit, r.quantity, r.unit_price, r.remark) for r in table]


@pytest.mark.parametrize(
    ("column", "text", "expected"),
    [
        ("unit_price", "1,424,430.00", Decimal("1424430.00")),
        ("unit_price", "¥1424430", Decimal("1424430.00")),
        ("unit_price", "１，２３４.５", Decimal("1234.50")),
        ("quantity", "２", Decimal("2")),
        ("quantity", "1.2345", Decimal("1.2345")),
        ("item", "  服务器  ", "服务器"),
        ("remark", "", ""),
    ],
)
def test_parse_cell_accepts_what_clerks_type(column, text, expected):
    value = cost_cells.parse_cell(column, text, "row 1")
    assert value == expected
    if isinstance(expected, Decimal):
        assert str(value) == str(expected)


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("unit_price", "abc", "not a number"),
        ("unit_price", "-5", "must not be negative"),
        ("unit_price", "1.234", "more than 2 decimal places"),
        ("quantity", "1.23456", "more than 4 decimal places"),
        ("quantity", "", "a number is required"),
        ("quantity", "二", "not a number"),
        ("unit", "台" * 33, "a unit has at most 32 characters"),
    ],
)
def test_parse_cell_refuses_with_the_cell_named(column, text, message):
    with pytest.raises(UserError) as err:
        cost_cells.parse_cell(column, text, cost_cells.cell_where(3, column))
    assert err.value.message == message
    assert err.value.where == f"row 3, {cost_cells.COLUMN_LABELS[column]}"


def test_update_cells_writes_returns_old_values_and_bumps_the_version(db):
    aid = table_id(db)
    ids = ar.fetch_rows(db, aid).ids
    version = version_of(db, NUMBER)
    old = annex_ops.update_cells(
        db, NUMBER, aid, [CellChange(ids[1], "unit_price", Decimal("10.50")), CellChange(ids[0], "item", "甲")]
    ).value
    assert old == [
        CellChange(ids[1], "unit_price", Decimal("1424430.00")),
        CellChange(ids[0], "item", "云存储服务费（第一年）"),
    ]
    rows = stored(db)
    assert rows[1][4] == Decimal("10.50") and rows[0][0] == "甲"
    assert version_of(db, NUMBER) == version + 1
    annex_ops.update_cells(db, NUMBER, aid, old)
    assert stored(db)[1][4] == Decimal("1424430.00")


def test_update_cells_refuses_unparsed_values_and_stores_nothing(db):
    aid = table_id(db)
    ids = ar.fetch_rows(db, aid).ids
    before = stored(db)
    with pytest.raises(UserError):
        annex_ops.update_cells(db, NUMBER, aid, [CellChange(ids[0], "item", "ok"), CellChange(ids[1], "unit_price", Decimal("-1"))])
    with pytest.raises(UserError):
        annex_ops.update_cells(db, NUMBER, aid, [CellChange(ids[0], "quantity", "3")])
    assert stored(db) == before


def test_insert_rows_before_a_row_and_at_the_end(db):
    aid = table_id(db)
    ids = ar.fetch_rows(db, aid).ids
    row = ("新增", "", "台", Decimal("2"), Decimal("3.00"), "")
    mid = annex_ops.insert_rows(db, NUMBER, aid, ids[1], [row, row]).value
    end = annex_ops.insert_rows(db, NUMBER, aid, None, [row]).value
    loaded = ar.fetch_rows(db, aid)
    assert loaded.ids == [ids[0], mid[0].id, mid[1].id, ids[1], ids[2], end[0].id]
    assert [r[0] for r in stored(db)][1:3] == ["新增", "新增"]


def test_delete_then_restore_puts_rows_back_with_ids_and_order(db):
    aid = table_id(db)
    ids = ar.fetch_rows(db, aid).ids
    before = stored(db)
    deleted = annex_ops.delete_rows(db, NUMBER, aid, [ids[2], ids[0]]).value
    assert [d.id for d in deleted] == [ids[0], ids[2]]
    assert stored(db) == [before[1]]
    annex_ops.restore_rows(db, NUMBER, aid, deleted)
    assert ar.fetch_rows(db, aid).ids == ids
    assert stored(db) == before
    with pytest.raises(Conflict):
        annex_ops.restore_rows(db, NUMBER, aid, deleted)  # already there: refused, not duplicated
    assert stored(db) == before


def test_reorder_and_its_undo(db):
    aid = table_id(db)
    ids = ar.fetch_rows(db, aid).ids
    previous = annex_ops.reorder_rows(db, NUMBER, aid, [ids[2], ids[0]]).value
    assert ar.fetch_rows(db, aid).ids == [ids[2], ids[1], ids[0]]
    annex_ops.reorder_rows(db, NUMBER, aid, previous)
    assert ar.fetch_rows(db, aid).ids == ids


def test_replace_block_and_its_undo_in_one_transaction_each(db):
    aid = table_id(db)
    ids = ar.fetch_rows(db, aid).ids
    before = stored(db)
    changes = [CellChange(ids[2], "quantity", Decimal("2"))]
    appended = [("乙", "", "年", Decimal("1"), Decimal("5.00"), "")] * 3
    pasted = annex_ops.paste(db, NUMBER, aid, changes, appended).value
    assert len(stored(db)) == 6 and stored(db)[2][3] == Decimal("2")
    annex_ops.unpaste(db, NUMBER, aid, pasted)
    assert stored(db) == before
    annex_ops.paste(db, NUMBER, aid, changes, pasted.appended)  # redo: the same ids come back
    assert ar.fetch_rows(db, aid).ids == ids + [r.id for r in pasted.appended]


def test_fetch_rows_in_pages_follows_stored_order(db):
    aid = table_id(db)
    with db.transaction() as s:
        insert_cost_rows(s, aid, [load(db, NUMBER).annex("3").table[0]] * 7, start=10)
    first = ar.fetch_rows(db, aid, limit=4)
    rest = ar.fetch_rows(db, aid, after_position=first.last_position)
    assert len(first) == 4 and len(rest) == 6
    assert first.ids + rest.ids == ar.fetch_rows(db, aid).ids


def test_text_and_pdf_of_a_text_annex(db, tmp_path):
    aid = text_id(db)
    previous = annex_ops.set_annex_text(db, NUMBER, aid, "技术规范：……").value
    assert previous == "（源合同文本未附本附件正文，待补充。）"
    assert load(db, NUMBER).annex("1").text == "技术规范：……"
    pdf = tmp_path / "spec.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%test\n")
    assert annex_ops.set_annex_pdf(db, NUMBER, aid, read_pdf_file(pdf)).value is None
    assert load(db, NUMBER).annex("1").pdf == b"%PDF-1.4\n%test\n"
    assert ar.list_annexes(db, NUMBER)[0].pdf_size == len(b"%PDF-1.4\n%test\n")
    not_pdf = tmp_path / "x.pdf"
    not_pdf.write_bytes(b"hello")
    with pytest.raises(UserError, match="not a PDF"):
        read_pdf_file(not_pdf)
    with pytest.raises(UserError, match="table"):
        annex_ops.set_annex_text(db, NUMBER, table_id(db), "x")


def test_pdf_size_cap(db, tmp_path, monkeypatch):
    monkeypatch.setattr(annex_pdf, "MAX_PDF_BYTES", 10)
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.4" + b"0" * 20)
    with pytest.raises(UserError, match="larger than"):
        read_pdf_file(big)


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("a\tb\nc\td\n", [["a", "b"], ["c", "d"]]),
        ("a\tb", [["a", "b"]]),
        ('"多行\n备注"\t1,000.00\n', [["多行\n备注", "1,000.00"]]),
        ('"say ""hi"""\t\n', [['say "hi"', ""]]),
        ("x\r\ny\r\n", [["x"], ["y"]]),
        ("", []),
    ],
)
def test_parse_tsv_as_excel_writes_it(text, rows):
    assert parse_tsv(text) == rows


@given(st.lists(st.lists(st.text(alphabet='ab 甲\t\n"', max_size=6), min_size=2, max_size=4), max_size=5))
def test_tsv_round_trip(rows):
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    assert parse_tsv(format_tsv(rows)) == rows


def test_an_annex_is_added_after_the_last_one_and_audited(db):
    from app.domain import AnnexKind
    from app.store.audit import entries
    from app.store.revisions import list_revisions

    revisions = len(list_revisions(db, NUMBER))
    added = annex_ops.add_annex(db, NUMBER, AnnexKind.TABLE, "  设备 清单 ").value
    assert (added.no, added.title, added.kind) == ("4", "设备 清单", AnnexKind.TABLE)
    annex = load(db, NUMBER).annex("4")
    assert annex.table == [] and annex.title == "设备 清单"
    assert annex_ops.add_annex(db, NUMBER, AnnexKind.TEXT, "保密协议（补充）").value.no == "5"
    assert load(db, NUMBER).annex("5").text == ""
    assert [e.what for e in entries(db, NUMBER)][-2:] == ["annex 4: added", "annex 5: added"]
    # The import kept a revision a moment ago: an edit right after it keeps none of its own (the trail has it).
    assert len(list_revisions(db, NUMBER)) == revisions


def test_adding_an_annex_is_refused_without_a_title_or_once_signed(db):
    from app.domain import AnnexKind

    with pytest.raises(UserError):
        annex_ops.add_annex(db, NUMBER, AnnexKind.TEXT, "　 ")
    sign(db, NUMBER)
    with pytest.raises(UserError):
        annex_ops.add_annex(db, NUMBER, AnnexKind.TEXT, "补充说明")
    assert [a.no for a in load(db, NUMBER).annexes] == ["1", "2", "3"]
