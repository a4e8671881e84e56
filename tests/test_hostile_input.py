"""Hostile input that once ended in a traceback, a later crash or a look-alike record (issue 22, items 6, 7,
14, 15 and parts of 16): each is refused in one line naming the field, at entry, with nothing stored."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.base.errors import UserError
from app.codecs.json_codec import dumps, loads
from app.rules.fields import parse_value
from app.store import annex_rows, contracts
from app.values.money import MAX_AMOUNT, MAX_ROW_AMOUNT, MAX_TABLE_ROWS, AmountError, parse_decimal, row_amount

from .conftest import SAMPLE_NUMBER, database_digest

pytestmark = pytest.mark.hostile
TABLE_SHEET = "Annex 3 费用明细表"


def _document(sample, change) -> str:
    doc = json.loads(dumps(sample))
    change(doc)
    return json.dumps(doc, ensure_ascii=False)


def _import_refused(cli, db_path, tmp_path, text: str, where: str) -> str:
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    before = database_digest(db_path)
    result = cli("import", str(path), "--replace")
    assert result.code == 2 and "Traceback" not in result.err, result
    assert len(result.err.strip().splitlines()) == 1 and f"error: {where}:" in result.err, result.err
    assert database_digest(db_path) == before
    return result.err


# ------------------------------------------------------------------ JSON numbers and text (item 6)


@pytest.mark.parametrize(("raw", "shown"), [("1.005", "1.005 has more than two decimal places"),
                                            ("1e5", "1E+5 is not an amount"),
                                            ("9" * 5000, "is too large")])
def test_amounts_written_as_json_numbers_are_one_line(cli, db, db_path, sample, tmp_path, raw, shown):
    text = _document(sample, lambda d: d.__setitem__("total", "@@")).replace('"@@"', raw)
    err = _import_refused(cli, db_path, tmp_path, text, "total")
    assert shown in err and len(err) < 200  # a 5,000-digit number is not echoed whole


def test_a_5000_digit_integer_in_a_count_is_one_line(cli, db, db_path, sample, tmp_path):
    text = _document(sample, lambda d: d["terms"].__setitem__("delivery_days", "@@")).replace('"@@"', "9" * 5000)
    assert "is too large" in _import_refused(cli, db_path, tmp_path, text, "terms.delivery_days")


@pytest.mark.parametrize("path", [("title",), ("parties", "b", "name"), ("clauses", 0, "text"), ("preamble",)])
def test_a_lone_surrogate_in_any_text_is_one_line(cli, db, db_path, sample, tmp_path, path):
    def change(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = "@@"

    text = _document(sample, change).replace('"@@"', '"x\\ud800y"')
    where = ".".join(str(p) for p in path).replace(".0.", "[0].")
    assert "not valid text (U+D800)" in _import_refused(cli, db_path, tmp_path, text, where)


def test_undecodable_bytes_on_the_command_line_are_one_line(db, db_path):
    """Bytes that are not UTF-8 in an argument arrive as lone surrogates; they are refused, never stored."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    for args in ([b"list", b"--search", b"\xff\xfe"], [b"export", b"\xff", b"--json", b"x.json"]):
        proc = subprocess.run([sys.executable, "-m", "app", "--db", os.fsencode(db_path), *args], capture_output=True,
                              cwd=ROOT, timeout=120)
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == 2 and "Traceback" not in err, err
        assert "is not valid text" in err


@pytest.mark.parametrize("args", [
    ("due", "--within", "9" * 5000),
    ("invoice", SAMPLE_NUMBER, "2025-01-01", "--payment", "9" * 5000),
    ("comment", "add", SAMPLE_NUMBER, "x", "--row", "3#" + "9" * 5000),
    ("calendar", "list", "--year", "9" * 5000),
], ids=["due", "invoice", "comment row", "calendar year"])
def test_a_5000_digit_number_on_the_command_line_is_one_short_line(cli, db, args):
    result = cli(*args)
    assert result.code == 2 and "Traceback" not in result.err, result
    assert len(result.err.strip().splitlines()) <= 2 and len(result.err.splitlines()[-1]) < 600


def test_review_diff_from_a_huge_revision_number_is_one_line(cli, db):
    for rev in ("99999999999999999999999", "9" * 5000, "¹²³"):
        result = cli("review", "diff", SAMPLE_NUMBER, "--from", rev)
        assert result.code == 2 and "Traceback" not in result.err, result
        assert "no such revision" in result.err


def test_a_workbook_picked_by_mistake_for_calendar_import_is_one_line(cli, db, exported):
    result = cli("calendar", "import", str(exported))
    assert result.code == 2 and "Traceback" not in result.err, result
    assert "Excel workbook, not a CSV file" in result.err


def test_an_unterminated_quote_in_a_calendar_csv_is_refused(cli, db, db_path, tmp_path):
    csv_file = tmp_path / "holidays.csv"
    csv_file.write_text('date,kind,name\n2031-01-01,holiday,"New Year\n2031-01-02,holiday,x\n', encoding="utf-8")
    before = database_digest(db_path)
    result = cli("calendar", "import", str(csv_file))
    assert result.code == 2 and "line 2" in result.err and "quote" in result.err, result
    assert database_digest(db_path) == before


# ------------------------------------------------------------------ one bound for amounts and products (item 7)


def test_forty_nines_as_a_quantity_are_refused_at_import(cli, db, db_path, sample, tmp_path):
    text = _document(sample, lambda d: d["annexes"][2]["table"]["rows"][0].__setitem__("quantity", "9" * 40))
    err = _import_refused(cli, db_path, tmp_path, text, "annexes[2].table.rows[0]")
    assert "largest amount" in err
    assert cli("check", SAMPLE_NUMBER).code in (0, 1)  # and everything still works


def test_a_product_past_the_bound_is_refused_at_import(sample):
    def rows(*pairs):
        return lambda d: d["annexes"][2]["table"].__setitem__("rows", [
            {"item": "x", "spec": "", "unit": "", "quantity": q, "unit_price": p, "remark": ""} for q, p in pairs])

    with pytest.raises(UserError, match="quantity × unit price") as refused:
        loads(_document(sample, rows(("1", "1.00"), ("100000000", "1000000000.00"))))
    assert refused.value.where == "annexes[2].table.rows[1]"
    assert loads(_document(sample, rows(("1", str(MAX_ROW_AMOUNT))))).annex("3").table[0].amount == MAX_ROW_AMOUNT


def test_no_table_can_total_more_than_the_largest_amount():
    """Rows within MAX_ROW_AMOUNT and no more than MAX_TABLE_ROWS of them (the cap of every table)."""
    assert MAX_ROW_AMOUNT * MAX_TABLE_ROWS <= MAX_AMOUNT


@pytest.mark.parametrize(("quantity", "price"), [(10**15, 10**15), (10**8, 10**9)])
def test_excel_cells_whose_product_passes_the_bound_are_refused(cli, exported, db_path, quantity, price):
    wb = load_workbook(exported)
    wb[TABLE_SHEET]["D3"], wb[TABLE_SHEET]["E3"] = quantity, price
    wb.save(exported)
    before = database_digest(db_path)
    result = cli("import-annex", SAMPLE_NUMBER, "3", str(exported), "--apply")
    assert result.code == 2 and "Traceback" not in result.err, result
    assert f"{TABLE_SHEET}!D3" in result.err and "largest amount" in result.err
    assert database_digest(db_path) == before
    assert cli("export", SAMPLE_NUMBER, "--pdf", str(exported.with_suffix(".pdf"))).code == 0


def test_cost_table_edits_cannot_pass_the_bound(store_db, monkeypatch):
    """On SQLite and PostgreSQL: a row's product within MAX_ROW_AMOUNT, no more than MAX_TABLE_ROWS rows."""
    from app.ops.annexes import insert_rows, update_cells

    annex = next(a for a in annex_rows.list_annexes(store_db, SAMPLE_NUMBER) if a.kind.value == "table")
    rows = annex_rows.fetch_rows(store_db, annex.id)
    first = rows.ids[0]
    with pytest.raises(UserError, match="largest amount"):
        update_cells(store_db, SAMPLE_NUMBER, annex.id, [
            annex_rows.CellChange(first, "quantity", Decimal("100000000")),
            annex_rows.CellChange(first, "unit_price", Decimal("1000000000.00"))])
    with pytest.raises(UserError, match="largest amount of a row"):
        update_cells(store_db, SAMPLE_NUMBER, annex.id, [annex_rows.CellChange(first, "quantity", Decimal("10000000"))])
    monkeypatch.setattr(annex_rows, "MAX_TABLE_ROWS", len(rows) + 1)
    with pytest.raises(UserError, match="more than"):
        insert_rows(store_db, SAMPLE_NUMBER, annex.id, None, [("a", "", "", Decimal(1), Decimal(1), ""),
                                                          ("b", "", "", Decimal(1), Decimal(1), "")])
    with pytest.raises(UserError, match="largest amount"):
        insert_rows(store_db, SAMPLE_NUMBER, annex.id, None, [("a", "", "", "9" * 16, "9" * 16, "")])
    assert annex_rows.fetch_rows(store_db, annex.id).columns == rows.columns  # nothing was stored


def test_the_bound_is_decided_exactly():
    assert row_amount(Decimal("49999.99"), Decimal("1000000.00")) == Decimal("49999990000.00")
    assert row_amount(Decimal("1"), MAX_ROW_AMOUNT) == MAX_ROW_AMOUNT
    assert row_amount(Decimal("0.0001"), Decimal("1.00")) == Decimal("0.00")
    with pytest.raises(AmountError):
        row_amount(Decimal("1.0001"), MAX_ROW_AMOUNT)
    with pytest.raises(AmountError):
        row_amount(Decimal("9" * 40), Decimal("0.00"))


# ------------------------------------------------------------------ database addresses (item 14)


@pytest.mark.parametrize("name", ["a?b.db", "50%41.db", "c#d.db"])
def test_a_database_path_with_url_characters_opens_that_file(cli, tmp_path, name):
    result = cli("list", db=tmp_path / name)
    assert result.code == 0, result
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [name]


@pytest.mark.parametrize("url", ["sqlite:///file:x?mode=memory&uri=true", "sqlite:///file::memory:?uri=true",
                                 "sqlite:///x.db?vfs=memdb", "sqlite:///file:x.db?uri=true"])
def test_an_in_memory_or_uri_database_is_refused(cli, tmp_path, monkeypatch, url):
    monkeypatch.chdir(tmp_path)
    result = cli("list", db=url)
    assert result.code == 2 and "Traceback" not in result.err, result
    assert "in-memory" in result.err or "uri=true" in result.err


# ------------------------------------------------------------------ look-alike identifiers, terminal escapes (item 15)

HIDDEN = {"zero-width space": "\u200b", "right-to-left override": "\u202e", "NUL": "\x00", "escape": "\x1b",
          "C1 control": "\x9b", "no-break space": "\u00a0", "Hangul filler": "\u3164", "BOM": "\ufeff"}


@pytest.mark.parametrize("char", HIDDEN.values(), ids=HIDDEN.keys())
def test_an_invisible_or_control_character_in_a_contract_number_is_refused(cli, db, db_path, sample, tmp_path, char):
    look_alike = SAMPLE_NUMBER[:4] + char + SAMPLE_NUMBER[4:]
    text = _document(sample, lambda d: d.__setitem__("number", look_alike))
    err = _import_refused(cli, db_path, tmp_path, text, "number")
    assert f"U+{ord(char):04X}" in err
    with pytest.raises(UserError, match="invisible or control character"):
        contracts.save(db, type(sample)(number="X" + char, title="t"))


def test_identifiers_are_checked_at_every_entry(db, sample):
    from app.domain.amendment import Amendment
    from app.ops.review import add_amendment, mark_reviewed

    with pytest.raises(UserError, match="invisible"):
        parse_value("party_a_number", "HT-1\u200b")
    assert parse_value("title", "标题\u200b") == "标题\u200b"  # free text keeps what was typed
    with pytest.raises(UserError, match="invisible"):
        mark_reviewed(db, SAMPLE_NUMBER, "审核\u202e")
    with pytest.raises(UserError, match="invisible"):
        add_amendment(db, SAMPLE_NUMBER, Amendment(number="BC-1\u200b"))
    for member, value in (("annexes", "3\u200b"), ("party_b_number", "\u202eX")):
        def change(d, member=member, value=value):
            if member == "annexes":
                d["annexes"][0]["no"] = value
            else:
                d[member] = value
        with pytest.raises(UserError, match="invisible"):
            loads(_document(sample, change))


def test_list_shows_control_characters_escaped(cli, db, sample):
    sample.number = "ESC-1"
    sample.title = "标题\x1b[2J\x1b]0;owned\x07\u202e反向\tTAB\x9b"
    contracts.save(db, sample)
    for args in (("list",), ("list", "--json"), ("check", "ESC-1")):
        result = cli(*args)
        for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
            assert raw not in result.out and raw not in result.err, (args, result)
    line = next(line for line in cli("list").out.splitlines() if line.startswith("ESC-1"))
    assert line.split("\t")[-1] == "标题\\u001b[2J\\u001b]0;owned\\u0007\\u202e反向\\u0009TAB\\u009b"
    assert json.loads(cli("list", "--json").out)[-1]["title"] == sample.title  # JSON keeps the value exactly


# ------------------------------------------------------------------ dates and digits read strictly (item 16)


@pytest.mark.parametrize("day", ["20250101", "2025-W01-1", "2025-001", "２０２５-01-01"])
def test_json_dates_must_be_written_yyyy_mm_dd(sample, day):
    with pytest.raises(UserError, match="is not a date") as refused:
        loads(_document(sample, lambda d: d["events"].__setitem__("signed_a", day)))
    assert refused.value.where == "events.signed_a"


@pytest.mark.parametrize("drafted", ["２０２５-05", "2025-0٥"])
def test_json_year_month_is_ascii(sample, drafted):
    with pytest.raises(UserError, match="year and month"):
        loads(_document(sample, lambda d: d.__setitem__("drafted", drafted)))


@pytest.mark.parametrize("typed", ["¹²³", "١٢٣", "①", "1²"])
def test_digits_that_are_not_digits_are_refused(typed):
    with pytest.raises(AmountError):
        parse_decimal(typed)
    with pytest.raises(UserError):
        parse_value("terms.delivery_days", typed)
    with pytest.raises(UserError):
        parse_value("events.accepted", f"2025-0{typed}-01")


def test_full_width_digits_a_chinese_input_method_types_are_still_read():
    assert parse_decimal("１，４２４，４３０．００") == Decimal("1424430.00")
    assert parse_value("terms.delivery_days", "３０") == 30
    assert parse_value("events.accepted", "２０２５／５／２２").isoformat() == "2025-05-22"
    assert parse_value("events.accepted", "2025年5月22日").isoformat() == "2025-05-22"


# ------------------------------------------------------------------ restore checks the schema (item 16)


def _backup_with(db, db_path, tmp_path, sql: str):
    assert db is not None
    copy = tmp_path / "suspect.db"
    src, dst = sqlite3.connect(db_path), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.executescript(sql)
    dst.close()
    return copy


@pytest.mark.parametrize("sql", [
    "DROP TABLE comments;",
    "CREATE TRIGGER payee_swap AFTER UPDATE ON contracts BEGIN UPDATE bank_accounts SET account_no = '6222'; END;",
    "CREATE VIEW everything AS SELECT * FROM contracts;",
    "DROP TRIGGER IF EXISTS contract_search_ad; "
    "CREATE TRIGGER contract_search_ad AFTER DELETE ON contracts BEGIN DELETE FROM audit_log; END;",
    "CREATE TABLE stash (x);",
], ids=["missing table", "trigger", "view", "rewritten trigger", "extra table"])
def test_restore_refuses_a_database_that_is_not_as_contractdesk_made_it(cli, db, db_path, tmp_path, sql):
    suspect = _backup_with(db, db_path, tmp_path, sql)
    before = database_digest(db_path)
    db.close()
    result = cli("restore", str(suspect))
    assert result.code == 2 and "Traceback" not in result.err, result
    assert "not a ContractDesk database as it was made" in result.err
    assert database_digest(db_path) == before


def test_restore_of_a_sound_backup_still_works(cli, db, db_path, tmp_path):
    sound = _backup_with(db, db_path, tmp_path, "")
    db.close()
    result = cli("restore", str(sound))
    assert result.code == 0, result
