"""Field-level edits with optimistic locking (app.ops.contracts), the field table and the typed-date parser."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.base.errors import Conflict, UserError
from app.domain import Status
from app.ops.contracts import edit_clauses, set_clauses, set_field
from app.ops.review import set_state
from app.rules import clauses as ops
from app.rules.fields import FIELDS, get_value, parse_value
from app.store import contracts
from app.values.dates import DateError, parse_date, parse_year_month
from tests.conftest import SAMPLE_NUMBER as N
from tests.conftest import record_signing


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-05-22", date(2025, 5, 22)), ("2025年5月22日", date(2025, 5, 22)), ("２０２５/５/２２", date(2025, 5, 22)),
     (" 2025.05.02 ", date(2025, 5, 2)), ("2025 年 5 月 2 号", date(2025, 5, 2))],
)
def test_typed_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "2025-02-30", "22/05/2025", "2025年13月1日", "tomorrow"])
def test_bad_dates(text):
    with pytest.raises(DateError):
        parse_date(text)


def test_year_month():
    assert parse_year_month("2025年5月") == parse_year_month("2025-5") == "2025-05"
    with pytest.raises(DateError):
        parse_year_month("2025-13")


@pytest.mark.parametrize(
    ("path", "typed", "stored"),
    [("total", "1,424,430.00", Decimal("1424430.00")), ("total", "¥1424430", Decimal("1424430.00")),
     ("total", "１４２４４３０", Decimal("1424430.00")), ("payments[2].amount", "", None),
     ("terms.delivery_days", "三十", 30), ("terms.delivery_days", "", None), ("terms.copies.a", "2", 2),
     ("events.accepted", "2025年9月29日", date(2025, 9, 29)), ("parties.b.credit_code", "91410500721816077t", "91410500721816077T"),
     ("payee", "甲方", "a"), ("tax_inclusive", "否", False), ("currency", "cny", "CNY"), ("drafted", "2025年5月", "2025-05"),
     ("currency", "usd", "USD"), ("parties.b.bank.account_no", "６２２２　０２１０ 0101", "6222 0210 0101"),
     ("parties.b.bank.account_no", "1706-0201-2904", "1706-0201-2904"), ("parties.b.bank.account_no", "", "")],
)
def test_field_parsers(path, typed, stored):
    assert parse_value(path, typed) == stored


@pytest.mark.parametrize(
    ("path", "typed", "words"),
    [("total", "12,3x", "not an amount"), ("total", "-5", "negative"), ("total", "1.005", "decimal places"),
     ("parties.a.credit_code", "91410500721816077A", "check character"), ("events.signed_a", "2025-02-30", "not a date"),
     ("terms.copies.total", "four", "whole number"), ("nonsense", "1", "not an editable field"),
     # A comma for a decimal point is refused, not read as a ten times larger amount.
     ("total", "1424430,5", "not an amount"), ("payments[0].amount", "1,42443", "not an amount"),
     # A year no contract has (2205 typed for 2025) is refused, typed or picked.
     ("events.accepted", "2205-10-15", "outside the years"), ("signing.b.date", date(9999, 12, 31), "outside the years"),
     # Stored as typed before (walked through the window): letters in an account number, a currency no one has,
     # a negative count called "not a whole number", and 99999999999 days of delivery.
     ("parties.b.bank.account_no", "abc", "not an account number"), ("parties.a.bank.account_no", "-1", "account"),
     ("currency", "XYZ", "not a currency code"), ("currency", "RMB", "人民币 is CNY"),
     ("terms.copies.total", "-3", "negative"), ("terms.delivery_days", "99999999999", "more than 36,500")],
)
def test_field_parsers_refuse_with_the_field_named(path, typed, words):
    with pytest.raises(UserError) as err:
        parse_value(path, typed)
    assert err.value.where == path and words in err.value.message


def test_every_field_of_the_sample_reads_back_as_typed(sample):
    """What the form shows of each field, typed back in, is the stored value again (nothing shifts on a save)."""
    from app.rules.fields import Kind, format_value

    for pattern in FIELDS:
        path = pattern.replace("[]", "[0]")
        value = get_value(sample, path)
        if FIELDS[pattern].kind is Kind.IMAGE:
            continue  # images are picked from files, not typed
        assert parse_value(path, format_value(path, value)) == value, path


def test_set_field_stores_and_returns_old_value_and_version(db):
    v = contracts.version_of(db, N)
    done = set_field(db, N, "total", "¥1,424,430.00", expected_version=v)
    old, v2 = done.value, done.changes.version
    assert old == Decimal("4273290.00") and v2 == v + 1
    c = contracts.load(db, N)
    assert c.total == Decimal("1424430.00")
    assert len(c.annexes) == 3 and len(c.annexes[2].table) == 3  # annexes untouched
    done = set_field(db, N, "parties.a.bank.phone", "0372-1", expected_version=v2)
    assert done.value == "" and contracts.load(db, N).party_a.bank.phone == "0372-1"
    set_field(db, N, "parties.a.bank.phone", "", expected_version=done.changes.version)
    assert contracts.load(db, N).party_a.bank is None  # all-blank bank account is dropped again


def test_invalid_value_stores_nothing(db):
    v = contracts.version_of(db, N)
    with pytest.raises(UserError):
        set_field(db, N, "total", "12,3x", expected_version=v)
    assert contracts.version_of(db, N) == v
    assert contracts.load(db, N).total == Decimal("4273290.00")


def test_stale_version_is_a_conflict_and_nothing_is_overwritten(db):
    v = contracts.version_of(db, N)
    set_field(db, N, "title", "changed elsewhere", expected_version=v)
    with pytest.raises(Conflict):
        set_field(db, N, "total", "1", expected_version=v)
    c = contracts.load(db, N)
    assert c.title == "changed elsewhere" and c.total == Decimal("4273290.00")


def test_signed_contract_is_refused(db):
    for state in ("review", "approved"):
        set_state(db, N, state)
    record_signing(db)
    v = set_state(db, N, "signed").changes.version
    assert contracts.load(db, N).status is Status.SIGNED
    with pytest.raises(UserError) as err:
        set_field(db, N, "total", "1", expected_version=v)
    assert "amendment" in err.value.message
    assert contracts.version_of(db, N) == v


def test_clause_edits_round_trip_through_the_store(db):
    v = contracts.version_of(db, N)
    done = edit_clauses(db, N, lambda cl: ops.move(cl, (0,), 1), expected_version=v)
    before, after, path, v2 = done.value.before, done.value.after, done.value.result, done.changes.version
    assert path == (1,)
    assert [c.no for c in contracts.load(db, N).clauses][:2] == ["第二条", "第一条"]
    v3 = set_clauses(db, N, before, expected_version=v2).changes.version
    assert [c.no for c in contracts.load(db, N).clauses][:2] == ["第一条", "第二条"]
    assert v3 == v2 + 1 and after[0].no == "第二条"
