"""What the window shows first, read with the standard library's `sqlite3` alone: start-up paints before SQLAlchemy.

Importing SQLAlchemy and mapping the schema takes longer than Python and Qt together, so the desktop reads the
first page of the contract list, the match count, the open-comment badges, the open contract's 概要 fields and its
amendments' field changes straight from the file (read-only, one transaction), paints them, and opens the store the ordinary way after the
paint (ui.first_paint). Only a plain SQLite file that is already at this program's schema is read here: an
encrypted, foreign, older or newer file, and PostgreSQL, are left to `open_store` (`read_start` returns None).

The statements mirror `app.store.contract_list.search_contracts` (no search, no filter, by number), `count_contracts`
and `app.store.comments.open_comment_counts`, the amendments `app.store.amendments.list_amendments`, and
`contract_summary` mirrors `app.store.contracts.load_in` for the
parts the 概要 tab shows; tests/test_first_paint.py checks that each answers exactly what its ORM twin does.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain import (
    BankAccount,
    Contract,
    Copies,
    Due,
    DueAfter,
    Events,
    Invoice,
    Party,
    Payment,
    Status,
    Terms,
)


@dataclass(frozen=True)
class ContractSummary:
    """A row of the contract list."""

    number: str
    title: str
    party_a: str
    party_b: str
    total: Decimal
    status: Status
    version: int


@dataclass
class StartView:
    """The first screen's data: the list's first page by number, how many contracts there are, the open review
    comments per contract, and the first contract (its 概要 parts) with the version it was read at and its
    amendments' field changes as (amendment number, {field path: value}) in their order."""

    rows: list[ContractSummary]
    count: int
    open_comments: dict[str, int]
    contract: Contract | None = None
    version: int | None = None
    limit: int = 0
    amendments: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


_PAGE = """
SELECT c.number, c.title, pa.name, pb.name, c.total, c.status, c.version
FROM contracts AS c
LEFT OUTER JOIN parties AS pa ON pa.contract_id = c.id AND pa.role = 'a'
LEFT OUTER JOIN parties AS pb ON pb.contract_id = c.id AND pb.role = 'b'
ORDER BY c.number
LIMIT ?
"""
_COUNT = "SELECT count(*) FROM contracts"
_OPEN_COMMENTS = """
SELECT c.number, count(m.id) FROM contracts AS c JOIN comments AS m ON m.contract_id = c.id
WHERE m.resolved_at IS NULL GROUP BY c.number
"""
_CONTRACT = """
SELECT id, number, party_a_number, party_b_number, title, project, drafted, jurisdiction, currency, total,
       tax_inclusive, fixed_price, status, payee, preamble, delivery_days, maintenance_months,
       acceptance_request_days, acceptance_working_days, reminder_working_days, change_notice_days,
       copies_total, copies_a, copies_b, signed_a, signed_b, acceptance_requested, reminder_sent, accepted, version
FROM contracts WHERE number = ?
"""
_PARTIES = """
SELECT role, name, representative, address, credit_code, has_bank, account_name, bank_name, account_no,
       bank_address, phone
FROM parties WHERE contract_id = ?
"""
_PAYMENTS = """
SELECT amount, due_after, due_years, due_months, due_days, invoice_days, wording
FROM payments WHERE contract_id = ? ORDER BY position
"""
_INVOICES = "SELECT date, payment, note FROM invoices WHERE contract_id = ? ORDER BY position"
_AMENDMENTS = """
SELECT a.number, a.changes FROM amendments AS a JOIN contracts AS c ON c.id = a.contract_id
WHERE c.number = ? ORDER BY a.position
"""


def connect_read_only(path: Path) -> sqlite3.Connection:
    """The file opened read-only (never created, never written); sqlite3.Error when it cannot be."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def read_start(path: Path, head_revision: str, *, limit: int, number: str | None = None) -> StartView | None:
    """The first screen of the database at `path`, or None when the ordinary open must decide (see the module).

    `number`: the contract to open; None opens the first one listed.
    """
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":  # encrypted (SQLCipher) or not a database at all
                return None
        conn = connect_read_only(path)
    except (OSError, sqlite3.Error):
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for every statement below
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        if revision != [(head_revision,)]:
            return None
        rows = [
            ContractSummary(n, t or "", pa or "", pb or "", Decimal(total), Status(st), v)
            for n, t, pa, pb, total, st, v in conn.execute(_PAGE, (limit,))
        ]
        count = int(conn.execute(_COUNT).fetchone()[0])
        comments = {n: c for n, c in conn.execute(_OPEN_COMMENTS)}
        if number is None and rows:
            number = rows[0].number
        found = contract_summary(conn, number) if number is not None else None
        contract, version = found if found is not None else (None, None)
        amendments = [(n, json.loads(changes)) for n, changes in conn.execute(_AMENDMENTS, (number,))] \
            if contract is not None else []
        return StartView(rows, count, comments, contract, version, limit, amendments)
    except (sqlite3.Error, ValueError, TypeError, ArithmeticError):  # whatever is odd: the ordinary open reports it
        return None
    finally:
        conn.close()


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def contract_summary(conn: sqlite3.Connection, number: str) -> tuple[Contract, int] | None:
    """The contract's 概要 parts (fields, parties, terms, events, instalments, invoices) and version; its clauses,
    annexes and signing blocks are left empty (other tabs read them). None for an unknown number."""
    row = conn.execute(_CONTRACT, (number,)).fetchone()
    if row is None:
        return None
    (cid, number, pa_no, pb_no, title, project, drafted, jurisdiction, currency, total, tax_inclusive, fixed_price,
     status, payee, preamble, delivery, maintenance, request_days, working_days, reminder_days, notice_days,
     copies_total, copies_a, copies_b, signed_a, signed_b, requested, reminded, accepted, version) = row
    parties: dict[str, Party] = {}
    for role, name, rep, address, code, has_bank, account_name, bank_name, account_no, bank_address, phone in \
            conn.execute(_PARTIES, (cid,)):
        bank = BankAccount(account_name, bank_name, account_no, bank_address, phone) if has_bank else None
        parties[role] = Party(name, rep, address, code, bank)
    payments = [
        Payment(_decimal(amount), Due(DueAfter(after), years, months, days, invoice_days), wording)
        for amount, after, years, months, days, invoice_days, wording in conn.execute(_PAYMENTS, (cid,))
    ]
    invoices = [Invoice(date.fromisoformat(day), payment, note) for day, payment, note in conn.execute(_INVOICES, (cid,))]
    contract = Contract(
        number=number,
        party_a_number=pa_no,
        party_b_number=pb_no,
        title=title,
        project=project,
        drafted=drafted,
        jurisdiction=jurisdiction,
        currency=currency,
        total=Decimal(total),
        tax_inclusive=bool(tax_inclusive),
        fixed_price=bool(fixed_price),
        status=Status(status),
        payee=payee,
        party_a=parties.get("a", Party()),
        party_b=parties.get("b", Party()),
        preamble=preamble,
        payments=payments,
        terms=Terms(delivery, maintenance, request_days, working_days, reminder_days, notice_days,
                    Copies(copies_total, copies_a, copies_b)),
        events=Events(_date(signed_a), _date(signed_b), _date(requested), _date(reminded), _date(accepted), invoices),
    )
    return contract, version
