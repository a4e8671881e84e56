"""Reading a cost table back: exact change reports, clerk-typed values, and hostile files refused with nothing changed."""

from __future__ import annotations

import json
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.base.errors import UserError
from app.codecs import xlsx_import as reader
from app.codecs.xlsx import export_xlsx
from app.codecs.xlsx_import import read_cost_table
from app.domain import CostRow
from app.rules.tablediff import diff_cost_rows

from .conftest import SAMPLE_NUMBER, database_digest
from .xlsx_helpers import patch_member, sheet_part

TABLE_SHEET = "Annex 3 费用明细表"
PRICE = Decimal("1424430.00")






def _edit(path, change) -> None:
    wb = load_workbook(path)
    change(wb[TABLE_SHEET])
    wb.save(path)


# ------------------------------------------------------------------ the diff


def _row(item: str, qty: str = "1", price: str = "10.00", **kw) -> CostRow:
    return CostRow(item, kw.get("spec", ""), kw.get("unit", "台"), Decimal(qty), Decimal(price), kw.get("remark", ""))


def test_diff_of_equal_tables_is_empty():
    rows = [_row("a"), _row("b")]
    diff = diff_cost_rows(rows, [_row("a", "1.00"), _row("b", "1.0000")])  # numbers compare as numbers
    assert diff.is_empty and diff.total_change == 0


def test_diff_insert_at_top_does_not_change_the_rows_below():
    old = [_row("a"), _row("b"), _row("c")]
    new = [_row("x", price="5.00"), *old]
    diff = diff_cost_rows(old, new)
    assert [(a.index, a.row.item) for a in diff.added] == [(0, "x")]
    assert not diff.removed and not diff.changed and not diff.moved
    assert diff.total_change == Decimal("5.00")


def test_diff_edit_delete_and_move():
    old = [_row("a"), _row("b"), _row("c"), _row("d")]
    new = [_row("d"), _row("a", qty="3"), _row("c")]  # d moved to the top, a edited, b deleted
    diff = diff_cost_rows(old, new)
    assert [(r.index, r.row.item) for r in diff.removed] == [(1, "b")]
    assert [(c.old_index, c.new_index, [(x.column, x.old, x.new) for x in c.cells]) for c in diff.changed] == [
        (0, 1, [("quantity", Decimal("1"), Decimal("3"))])
    ]
    assert [(m.old_index, m.new_index) for m in diff.moved] == [(3, 0)]
    assert diff.old_total == Decimal("40.00") and diff.new_total == Decimal("50.00")


def test_diff_renamed_item_in_place_is_a_change():
    diff = diff_cost_rows([_row("a"), _row("b")], [_row("a"), _row("b2", remark="new")])
    assert not diff.added and not diff.removed
    assert [(x.column, x.new) for x in diff.changed[0].cells] == [("item", "b2"), ("remark", "new")]


def test_diff_duplicate_rows():
    diff = diff_cost_rows([_row("a"), _row("a")], [_row("a"), _row("a"), _row("a")])
    assert [a.index for a in diff.added] == [2] and not diff.changed


# ------------------------------------------------------------------ round trip


def test_unchanged_workbook_reports_no_changes(cli, exported):
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported))
    assert result.code == 0, result
    assert "no changes" in result.out
    assert "total: ¥4,273,290.00 → ¥4,273,290.00" in result.out


def test_text_cells_come_back_exactly(cli, db, tmp_path):
    """A leading tab (how "=cmd" is kept from being a formula), edge spaces and line breaks survive the round trip."""
    from dataclasses import replace

    from app.store.contracts import load, save

    contract = load(db, SAMPLE_NUMBER)
    table = contract.annex("3").table
    table[0] = replace(table[0], spec="\t=cmd", remark="  two lines\nend ")
    table[1] = replace(table[1], item="\t@SUM(1)", unit=" 项")
    save(db, contract, replace=True)
    out = tmp_path / "tab.xlsx"
    assert cli("export", SAMPLE_NUMBER, "--xlsx", str(out)).code == 0
    rows = read_cost_table(out, "3").rows
    assert (rows[0].spec, rows[0].remark, rows[1].item, rows[1].unit) == ("\t=cmd", "  two lines\nend ", "\t@SUM(1)", " 项")
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(out))
    assert result.code == 0, result
    assert "no changes" in result.out
    _edit(out, lambda ws: None)  # saved again by another program: shared strings instead of inline ones
    assert "no changes" in cli("import-annex", SAMPLE_NUMBER, "3", str(out)).out


def test_blank_item_is_still_refused(exported):
    _edit(exported, lambda ws: ws.__setitem__("A3", "\t "))
    with pytest.raises(UserError, match="is empty"):
        read_cost_table(exported, "3")


def test_edits_inserts_and_deletes_are_reported_exactly(cli, exported, db_path):
    def change(ws):
        ws["E3"] = "¥1,424,431.50"  # as a clerk types it, stored as text
        ws.delete_rows(4)  # the second year's row
        ws.insert_rows(4)
        ws["A4"], ws["D4"], ws["E4"], ws["F4"], ws["G4"] = "设备费", "２", "100", "=D4*E4", "新增"

    _edit(exported, change)
    before = database_digest(db_path)
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported), "--json")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert [(a["row"], a["sheet_row"], a["item"], a["quantity"], a["amount"]) for a in data["added"]] == [
        (2, 4, "设备费", "2", "200.00")
    ]
    assert [(r["row"], r["item"]) for r in data["removed"]] == [(2, "云存储服务费（第二年）")]
    assert data["changed"] == [
        {"old_row": 1, "row": 1, "sheet_row": 3, "cells": [{"column": "unit_price", "old": "1424430.00", "new": "1424431.50"}]}
    ]
    assert data["moved"] == [] and data["flags"] == []
    assert (data["old_total"], data["new_total"]) == ("4273290.00", "2849061.50")
    assert [c["code"] for c in data["check_new"]] == ["cost-table-total"]
    assert data["applied"] is False
    assert database_digest(db_path) == before  # a review stores nothing

    text = cli("import-annex", SAMPLE_NUMBER, "3", str(exported)).out
    assert "changed  row 1 → row 1 (sheet row 3): Unit price: 1424430.00 → 1424431.50" in text
    assert "added    row 2 (sheet row 4): 设备费" in text
    assert "removed  row 2: 云存储服务费（第二年）" in text
    assert "total: ¥4,273,290.00 → ¥2,849,061.50 (-¥1,424,228.50)" in text
    assert "check: new finding cost-table-total" in text


def test_apply_stores_the_table_in_one_go(cli, exported, db_path):
    from app.ops.first_run import open_store
    from app.store.contracts import load, load_versioned

    _edit(exported, lambda ws: ws.__setitem__("D5", 2))
    db = open_store(db_path)
    _c, version = load_versioned(db, SAMPLE_NUMBER)
    db.close()
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported), "--apply")
    assert result.code == 0, result
    assert "applied: annex 3 now holds 3 rows" in result.out
    db = open_store(db_path)
    contract, new_version = load_versioned(db, SAMPLE_NUMBER)
    db.close()
    assert [r.quantity for r in contract.annex("3").table] == [1, 1, 2]
    assert new_version == version + 1  # other editors see the change
    again = cli("import-annex", SAMPLE_NUMBER, "3", str(exported), "--apply")
    assert "no changes" in again.out
    assert load is not None
    audit_lines = cli("audit", SAMPLE_NUMBER).out
    assert "annex 3: table replaced from a workbook" in audit_lines.lower() and "3 rows" in audit_lines
    assert cli("audit", SAMPLE_NUMBER, "--verify").code == 0


def test_apply_is_refused_once_the_contract_is_signed(cli, exported, db_path):
    from app.ops.first_run import open_store
    from app.store.contracts import load

    for state in ("review", "approved"):
        assert cli("state", SAMPLE_NUMBER, state).code == 0
    assert cli("state", SAMPLE_NUMBER, "signed", "--despite", "原件已签").code == 0
    _edit(exported, lambda ws: ws.__setitem__("D5", 2))
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported), "--apply")
    assert result.code == 2 and "read-only" in result.err and "Traceback" not in result.err
    db = open_store(db_path)
    assert [r.quantity for r in load(db, SAMPLE_NUMBER).annex("3").table] == [1, 1, 1]  # nothing changed
    db.close()


def test_header_found_by_titles_in_any_order(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "报价"
    ws.append(["汤阴县项目报价单"])
    ws.append([])
    ws.append(["序号", "单价（元）", "名称", "数量", "规格型号", "计量单位", "金额", "备注"])
    ws.append([1, "¥1424430", "云存储服务费（第一年）", "１", "云存储", "年", 1424430, "首年"])
    ws.append([2, "1,000.5", "安装费", 3, "", "项", None, ""])
    ws.append([None, None, "合计", None, None, None, "=SUM(G4:G5)"])
    ws.append([None, None, "这一行在合计之后，不读"])
    path = tmp_path / "vendor.xlsx"
    wb.save(path)
    table = read_cost_table(path, "3")
    assert table.sheet == "报价" and table.header_row == 3
    assert table.rows == [
        CostRow("云存储服务费（第一年）", "云存储", "年", Decimal(1), PRICE, "首年"),
        CostRow("安装费", "", "项", Decimal(3), Decimal("1000.50"), ""),
    ]
    assert table.flags == []


def test_english_headers_and_wrong_amount_is_flagged(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Item", "Qty", "Unit price", "Amount"])
    ws.append(["Disk", 2, 10.5, 99])
    path = tmp_path / "en.xlsx"
    wb.save(path)
    table = read_cost_table(path)
    assert table.rows == [CostRow("Disk", "", "", Decimal(2), Decimal("10.50"), "")]
    assert [f.cell for f in table.flags] == ["Sheet!D2"]
    assert "differs from quantity × unit price 21.00" in table.flags[0].message


def _with_cached_formula(path, part, cell, formula, cached):
    """Put a formula with a saved result into a cell, as Excel leaves it (openpyxl cannot write one)."""
    def edit(data: bytes) -> bytes:
        text = data.decode()
        start = text.index(f'<c r="{cell}"')
        end = text.index("</c>", start) + 4
        style = text[start:end].split(' s="')[1].split('"')[0] if ' s="' in text[start:end] else "0"
        return (text[:start] + f'<c r="{cell}" s="{style}"><f>{formula}</f><v>{cached}</v></c>' + text[end:]).encode()

    patch_member(path, part, edit)


def test_other_formulas_use_the_saved_result_and_are_flagged(exported):
    part = sheet_part(exported, TABLE_SHEET)
    _with_cached_formula(exported, part, "D4", "1+1", "2")
    _with_cached_formula(exported, part, "F3", "D3*E3+1", "1424431")
    table = read_cost_table(exported, "3")
    assert table.rows[1].quantity == 2
    assert table.rows[0].amount == PRICE  # the computed amount wins
    flagged = {f.cell for f in table.flags}
    assert flagged == {f"{TABLE_SHEET}!D4", f"{TABLE_SHEET}!F3"}


def test_formula_without_saved_result_is_refused(exported):
    _edit(exported, lambda ws: ws.__setitem__("D3", "=1+1"))
    with pytest.raises(UserError) as err:
        read_cost_table(exported, "3")
    assert err.value.where == f"{TABLE_SHEET}!D3" and "no saved result" in err.value.message


# ------------------------------------------------------------------ refused input, database unchanged


@pytest.mark.parametrize(
    ("cell", "value", "reason"),
    [
        ("D4", "两个", "Quantity is not a number"),
        ("E5", -5, "Unit price is negative"),
        ("E3", "12.345", "more than 2 decimal places"),
        ("A4", None, "Item is empty"),
    ],
)
def test_bad_cells_are_refused_with_sheet_and_cell(cli, exported, db_path, cell, value, reason):
    _edit(exported, lambda ws: ws.__setitem__(cell, value))
    before = database_digest(db_path)
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported), "--apply")
    assert result.code == 2, result
    assert f"{TABLE_SHEET}!{cell}" in result.err and reason in result.err
    assert "Traceback" not in result.err
    assert database_digest(db_path) == before


def _refused(cli, db_path, path, expected: str) -> None:
    before = database_digest(db_path)
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(path), "--apply")
    assert result.code == 2, result
    assert expected in result.err and "Traceback" not in result.err, result.err
    assert database_digest(db_path) == before


def test_not_an_xlsx(cli, db, db_path, tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_text("项目,数量\n", encoding="utf-8")
    _refused(cli, db_path, path, "not an Excel .xlsx workbook")


def test_password_protected(cli, db, db_path, tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(reader.OLE_MAGIC + b"\0" * 4096)  # encrypted OOXML is an OLE compound file
    _refused(cli, db_path, path, "password-protected")


def test_corrupt_zip(cli, exported, db_path):
    data = exported.read_bytes()
    exported.write_bytes(data[: len(data) // 2])
    _refused(cli, db_path, exported, "damaged")


def test_missing_header(cli, db, db_path, tmp_path):
    wb = Workbook()
    wb.active.append(["随便", "什么"])
    wb.active.append(["a", 1])
    path = tmp_path / "nohdr.xlsx"
    wb.save(path)
    _refused(cli, db_path, path, "no sheet has a header row")


def test_entity_expansion_is_refused(cli, exported, db_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>')
    part = sheet_part(exported, TABLE_SHEET)
    patch_member(exported, part, lambda data: bomb + data.split(b"?>", 1)[-1] if data.startswith(b"<?xml") else bomb + data)
    _refused(cli, db_path, exported, "declares XML entities or a DTD")


def test_zip_bomb_is_refused(cli, exported, db_path):
    with zipfile.ZipFile(exported, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * (16 * 1024 * 1024))
    _refused(cli, db_path, exported, "compressed suspiciously well")


def test_oversized_file_is_refused(cli, db, db_path, tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(reader.MAX_FILE_BYTES + 1)  # sparse: no 50 MB written
    _refused(cli, db_path, path, "larger than 50 MB")


def test_too_many_rows_are_refused_and_the_workbook_is_left_closed(monkeypatch, sample, tmp_path):
    """A refusal in the middle of the rows once left the sheet's stream, and with it the workbook file, open until
    the cycle collector got to it: on Windows the clerk could not save over the file or delete it."""
    monkeypatch.setattr(reader, "MAX_TABLE_ROWS", 5)
    sample.annex("3").table = [CostRow(f"r{i}", "", "", Decimal(1), Decimal("1.00")) for i in range(6)]
    out = tmp_path / "many.xlsx"
    export_xlsx(sample, out)
    with pytest.raises(UserError) as err:
        read_cost_table(out, "3")
    assert "more than 5 rows" in err.value.message and err.value.where == f"{TABLE_SHEET}!A8"
    fds = Path("/proc/self/fd")  # the process's open files, where the system lists them (Linux)
    if fds.is_dir():  # the refusal is still held here, as a window holds it to show it
        assert str(out.resolve()) not in {os.path.realpath(fds / name) for name in os.listdir(fds)}


def test_text_annex_is_refused(cli, exported):
    result = cli("import-annex", SAMPLE_NUMBER, "1", str(exported))
    assert result.code == 2 and "text annex" in result.err


@pytest.mark.slow
def test_large_table_round_trip(sample, tmp_path):
    rows = [CostRow(f"设备{i}", "型号", "台", Decimal(i % 7 + 1), Decimal(f"{i % 1000}.{i % 100:02d}")) for i in range(20_000)]
    sample.annex("3").table = rows
    out = tmp_path / "big.xlsx"
    export_xlsx(sample, out)
    table = read_cost_table(out, "3")
    assert diff_cost_rows(rows, table.rows).is_empty


def test_diff_unrelated_row_in_the_same_place_is_removed_and_added():
    diff = diff_cost_rows([_row("a"), _row("b")], [_row("a"), _row("z", "9", "1.00", unit="项", remark="x")])
    assert [r.row.item for r in diff.removed] == ["b"] and [a.row.item for a in diff.added] == ["z"]
    assert not diff.changed


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_exported_titles_are_recognised_in_every_language(lang):
    from app.base.i18n import _, set_language
    from app.codecs.xlsx.layout import COLUMN_LABELS, SHEET_COLUMNS, column_for_header, is_total_label

    set_language(lang)
    assert [column_for_header(_(COLUMN_LABELS[c])) for c in SHEET_COLUMNS] == list(SHEET_COLUMNS)
    assert is_total_label(_("Total")) and is_total_label("合计") and is_total_label("Total")
    set_language("en")
    assert is_total_label("合计")
