"""`contractdesk set NUMBER FIELD VALUE`: the form's op on the command line, refused exactly as the form refuses."""

from __future__ import annotations

import json

from app.cli import main
from app.store import audit, contracts
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import database_digest, sign


def run(db_path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_set_a_field_named_as_check_names_it(db, db_path, capsys):
    code, out, _err = run(db_path, capsys, "check", N, "--json")
    blank = next(f["where"] for f in json.loads(out) if f["code"] == "blank-field" and f["where"] == "party_a_number")
    code, out, err = run(db_path, capsys, "set", N, blank, "TY-2025-001")
    assert code == 0, err
    assert out.strip() == f"{N}: Party A contract number: (blank) → TY-2025-001"
    assert contracts.load(db, N).party_a_number == "TY-2025-001"
    entry = audit.entries(db, N)[-1]
    assert entry.what == "edit" and json.loads(entry.new) == {"party_a_number": "TY-2025-001"}
    code, out, _err = run(db_path, capsys, "check", N, "--json")
    assert "party_a_number" not in [f["where"] for f in json.loads(out)]


def test_nested_and_listed_fields_parse_as_the_form_parses_them(db, db_path, capsys):
    assert run(db_path, capsys, "set", N, "payments[1].amount", "¥1,424,431")[0] == 0
    assert run(db_path, capsys, "set", N, "parties.b.bank.account_no", "4105 0100 0000 0001")[0] == 0
    assert run(db_path, capsys, "set", N, "terms.delivery_days", "四十五")[0] == 0
    stored = contracts.load(db, N)
    assert str(stored.payments[1].amount) == "1424431.00"
    assert stored.party_b.bank.account_no == "4105 0100 0000 0001"
    assert stored.terms.delivery_days == 45


def test_a_bad_value_is_one_line_naming_the_field_and_nothing_is_stored(db, db_path, capsys):
    before = database_digest(db_path)
    code, out, err = run(db_path, capsys, "set", N, "payments[1].amount", "12,3x")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: payments[1].amount: ") and "not an amount" in err
    code, _out, err = run(db_path, capsys, "--lang", "zh_CN", "set", N, "nonsense", "1")
    assert code == 2 and err.strip() == "错误：nonsense：不是可编辑的字段"
    assert database_digest(db_path) == before


def test_a_signed_contract_is_refused(db, db_path, capsys):
    sign(db)
    before = database_digest(db_path)
    code, _out, err = run(db_path, capsys, "set", N, "title", "改")
    assert code == 2 and "read-only" in err and "amendment" in err
    assert database_digest(db_path) == before
    assert run(db_path, capsys, "set", N, "events.accepted", "2025-09-29")[0] == 0  # the schedule's events still are


def test_review_list_as_json_says_why_each_revision_was_kept(db, db_path, capsys):
    assert run(db_path, capsys, "review", "mark", N, "--name", "初审")[0] == 0
    assert run(db_path, capsys, "review", "save", N, "--name", "送审稿")[0] == 0
    _code, out, _err = run(db_path, capsys, "review", "list", N, "--json")
    listed = json.loads(out)
    assert [(r["revision"], r["name"], r["reason"], r["reviewed"]) for r in listed] == [
        (1, None, "imported", False), (2, "初审", "reviewed", True), (3, "送审稿", "saved", False)]
