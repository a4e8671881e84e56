"""Contracts in the store: read and write whole contracts or some of their parts. Persistence only.

The writers (`insert_in`, `replace_in`, `write_parts`, `delete_in`) run inside the caller's transaction
and decide nothing: whether a change is allowed, what the audit trail records and which revision is kept
is app.ops's business, which calls them. Every write of the contract's row advances its `version`
(optimistic locking: the ops layer refuses an edit made on an older version).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session, selectinload

from app.base.errors import Conflict, NotFound
from app.base.i18n import _
from app.domain import (
    Annex,
    BankAccount,
    Clause,
    Contract,
    Copies,
    CostRow,
    CostTable,
    Due,
    DueAfter,
    Events,
    Invoice,
    Party,
    Payment,
    RowKind,
    Signing,
    Status,
    Terms,
    TotalKind,
)
from app.store.contract_list import ContractSummary, count_contracts, search_contracts
from app.store.db import Database
from app.store.schema import (
    AnnexRow,
    ClauseRow,
    ContractRow,
    CostRowRow,
    InvoiceRow,
    PartyRow,
    PaymentRow,
    SigningRow,
)


def _get_row(session: Session, number: str) -> ContractRow:
    row = session.scalar(select(ContractRow).where(ContractRow.number == number))
    if row is None:
        raise NotFound(_("no contract with this number"), number)
    return row


def contract_id(db: Database, number: str) -> int:
    with db.read() as s:
        return _get_row(s, number).id


def exists(db: Database, number: str) -> bool:
    with db.read() as s:
        return bool(s.scalar(select(func.count()).where(ContractRow.number == number)))


def version_of(db: Database, number: str) -> int:
    with db.read() as s:
        return _get_row(s, number).version


# ------------------------------------------------------------------ writing


def _fill_row(row: ContractRow, c: Contract) -> None:
    t, e = c.terms, c.events
    row.number = c.number
    row.party_a_number = c.party_a_number
    row.party_b_number = c.party_b_number
    row.title = c.title
    row.project = c.project
    row.drafted = c.drafted
    row.jurisdiction = c.jurisdiction
    row.currency = c.currency
    row.total = c.total
    row.tax_inclusive = c.tax_inclusive
    row.fixed_price = c.fixed_price
    row.status = c.status.value
    row.payee = c.payee
    row.preamble = c.preamble
    row.delivery_days = t.delivery_days
    row.maintenance_months = t.maintenance_months
    row.acceptance_request_days = t.acceptance_request_days
    row.acceptance_working_days = t.acceptance_working_days
    row.reminder_working_days = t.reminder_working_days
    row.change_notice_days = t.change_notice_days
    row.copies_total, row.copies_a, row.copies_b = t.copies.total, t.copies.a, t.copies.b
    row.signed_a, row.signed_b = e.signed_a, e.signed_b
    row.acceptance_requested, row.reminder_sent, row.accepted = (
        e.acceptance_requested,
        e.reminder_sent,
        e.accepted,
    )
    row.updated_at = func.current_timestamp()


def _party_row(role: str, p: Party) -> PartyRow:
    b = p.bank or BankAccount()
    return PartyRow(
        role=role,
        name=p.name,
        representative=p.representative,
        address=p.address,
        credit_code=p.credit_code,
        has_bank=p.bank is not None,
        account_name=b.account_name,
        bank_name=b.bank_name,
        account_no=b.account_no,
        bank_address=b.address,
        phone=b.phone,
    )


def _insert_clauses(session: Session, contract_id: int, clauses: list[Clause], parent_id: int | None) -> None:
    for pos, clause in enumerate(clauses):
        row = ClauseRow(
            contract_id=contract_id,
            parent_id=parent_id,
            position=pos,
            no=clause.no,
            title=clause.title,
            text=clause.text,
        )
        session.add(row)
        session.flush()
        _insert_clauses(session, contract_id, clause.clauses, row.id)


def insert_cost_rows(session: Session, annex_id: int, rows: list[CostRow], start: int = 0) -> None:
    """Bulk-insert cost rows at positions start, start+1, … (Core insert: fast for 100k rows).

    From position 0 (a whole table) the table's own options are written to its annex too: a `CostTable`'s,
    or none for a plain list of rows."""
    if start == 0:
        table = rows if isinstance(rows, CostTable) else CostTable()
        session.execute(
            update(AnnexRow)
            .where(AnnexRow.id == annex_id)
            .values(discount=table.discount, vat_rate=table.vat_rate, total_kind=table.total_kind.value)
            .execution_options(synchronize_session=False)
        )
    if not rows:
        return
    plain = all(r.is_plain for r in rows)  # a flat table: the structure columns keep their defaults
    session.execute(
        insert(CostRowRow),
        [
            {
                "annex_id": annex_id,
                "position": start + i,
                "item": r.item,
                "spec": r.spec,
                "unit": r.unit,
                "quantity": r.quantity,
                "unit_price": r.unit_price,
                "remark": r.remark,
            }
            if plain else
            {
                "annex_id": annex_id,
                "position": start + i,
                "item": r.item,
                "spec": r.spec,
                "unit": r.unit,
                "quantity": r.quantity,
                "unit_price": r.unit_price,
                "remark": r.remark,
                "kind": r.kind.value,
                "level": r.level,
                "no": r.no,
                "discount": r.discount,
                "vat_rate": r.vat_rate,
                "stated": r.stated,
            }
            for i, r in enumerate(rows)
        ],
    )


def _payment_rows(c: Contract) -> list[PaymentRow]:
    return [
        PaymentRow(
            position=i,
            amount=p.amount,
            due_after=p.due.after.value,
            due_years=p.due.years,
            due_months=p.due.months,
            due_days=p.due.days,
            invoice_days=p.due.invoice_days,
            wording=p.wording,
        )
        for i, p in enumerate(c.payments)
    ]


def _invoice_rows(c: Contract) -> list[InvoiceRow]:
    return [InvoiceRow(position=i, date=inv.date, payment=inv.payment, note=inv.note) for i, inv in enumerate(c.events.invoices)]


def _signing_rows(c: Contract) -> list[SigningRow]:
    return [
        SigningRow(
            role=role,
            seal_caption=s.seal_caption,
            signatory=s.signatory,
            date=s.date,
            seal_image=s.seal_image,
            signature_image=s.signature_image,
        )
        for role, s in (("a", c.signing_a), ("b", c.signing_b))
    ]


def _write_children(session: Session, row: ContractRow, c: Contract) -> None:
    row.parties = [_party_row("a", c.party_a), _party_row("b", c.party_b)]
    row.payments = _payment_rows(c)
    row.invoices = _invoice_rows(c)
    row.signings = _signing_rows(c)
    session.flush()
    _insert_clauses(session, row.id, c.clauses, None)
    for pos, annex in enumerate(c.annexes):
        arow = AnnexRow(
            contract_id=row.id,
            position=pos,
            no=annex.no,
            title=annex.title,
            kind=annex.kind.value,
            text=annex.text,
            pdf=annex.pdf,
        )
        session.add(arow)
        session.flush()
        if annex.table is not None:
            insert_cost_rows(session, arow.id, annex.table)


#: Parts of a contract that `write_parts` can rewrite on their own (the annexes have their own writers).
PART_TABLES = {
    "parties": PartyRow,
    "payments": PaymentRow,
    "invoices": InvoiceRow,
    "signing": SigningRow,
    "clauses": ClauseRow,
}
_RELATIONSHIPS = {"parties": "parties", "payments": "payments", "invoices": "invoices", "signing": "signings",
                  "clauses": "clauses"}


def _clear_children(session: Session, row: ContractRow, parts: Iterable[str] = (*PART_TABLES, "annexes")) -> None:
    parts = list(parts)
    for part in parts:
        table = AnnexRow if part == "annexes" else PART_TABLES[part]
        session.execute(delete(table).where(table.contract_id == row.id))  # type: ignore[attr-defined]
    session.expire(row, [_RELATIONSHIPS.get(p, p) for p in parts])


def row_of(session: Session, number: str, *, lock: bool = False) -> ContractRow:
    """The contract's row (NotFound for an unknown number), for a writer that already holds a transaction.

    With `lock` the row is locked until the transaction ends (SELECT … FOR UPDATE on a server; SQLite writers
    hold the whole file from BEGIN IMMEDIATE), so the version read here is the one the write will replace.
    """
    row = session.scalar(select(ContractRow).where(ContractRow.number == number).with_for_update(of=ContractRow)
                         if lock else select(ContractRow).where(ContractRow.number == number))
    if row is None:
        raise NotFound(_("no contract with this number"), number)
    return row


def insert_in(session: Session, c: Contract) -> ContractRow:
    """Store a new contract (its number must be free); returns its row."""
    from app.values.text_checks import check_identifier

    check_identifier(c.number, _("Contract number"))  # a new number, from any entry: it must look as it is
    if session.scalar(select(func.count()).where(ContractRow.number == c.number)):
        raise Conflict(_("a contract with this number already exists (use --replace to overwrite it)"), c.number)
    row = ContractRow()
    _fill_row(row, c)
    session.add(row)
    session.flush()
    _write_children(session, row, c)
    session.flush()
    return row


def replace_in(session: Session, row: ContractRow, c: Contract) -> None:
    """Overwrite everything stored for the contract of `row` with `c`, annexes and their rows included."""
    _clear_children(session, row)
    _fill_row(row, c)
    session.flush()
    _write_children(session, row, c)
    session.flush()


def write_parts(session: Session, row: ContractRow, c: Contract, parts: Iterable[str]) -> None:
    """Write the contract's own fields and rewrite the child tables named in `parts` (see PART_TABLES).

    The annexes and their rows are never touched here: an edit of a field costs what it changes, not a
    rewrite of a 100,000-row cost table.
    """
    parts = [p for p in dict.fromkeys(parts) if p in PART_TABLES]
    _clear_children(session, row, parts)
    _fill_row(row, c)
    session.flush()
    if "parties" in parts:
        row.parties = [_party_row("a", c.party_a), _party_row("b", c.party_b)]
    if "payments" in parts:
        row.payments = _payment_rows(c)
    if "invoices" in parts:
        row.invoices = _invoice_rows(c)
    if "signing" in parts:
        row.signings = _signing_rows(c)
    session.flush()
    if "clauses" in parts:
        _insert_clauses(session, row.id, c.clauses, None)
        session.flush()


def save(db: Database, c: Contract, *, replace: bool = False) -> int:
    """Store a contract as it is, in one transaction, without audit or revision; returns its version.

    Persistence only: what a clerk does goes through app.ops, which audits it and keeps its revisions.
    This is for first-run content and tests.
    """
    with db.transaction() as s:
        row = s.scalar(select(ContractRow).where(ContractRow.number == c.number))
        if row is None:
            row = insert_in(s, c)
        elif replace:
            replace_in(s, row, c)
        else:
            raise Conflict(_("a contract with this number already exists (use --replace to overwrite it)"), c.number)
        s.flush()
        return row.version


def delete_in(session: Session, row: ContractRow) -> None:
    session.delete(row)
    session.flush()


# ------------------------------------------------------------------ reading


def _clause_tree(rows: list[ClauseRow]) -> list[Clause]:
    children: dict[int | None, list[ClauseRow]] = {}
    for r in rows:
        children.setdefault(r.parent_id, []).append(r)
    for siblings in children.values():
        siblings.sort(key=lambda r: r.position)

    def build(parent: int | None) -> list[Clause]:
        return [Clause(r.no, r.title, r.text, build(r.id)) for r in children.get(parent, [])]

    return build(None)


def load_cost_rows(session: Session, annex_id: int) -> CostTable:
    """The annex's cost table: its rows in stored order with the table's own options.

    Read without the ORM's per-value type processing (most of the time for 100,000 rows): exact decimals come
    back as text on SQLite and as Decimal on PostgreSQL, and either is made a Decimal here."""
    options = session.execute(
        select(AnnexRow.discount, AnnexRow.vat_rate, AnnexRow.total_kind).where(AnnexRow.id == annex_id)
    ).first()
    result = session.execute(
        text("SELECT item, spec, unit, quantity, unit_price, remark, kind, level, no, discount, vat_rate, stated "
             "FROM annex_rows WHERE annex_id = :annex ORDER BY position"),
        {"annex": annex_id},
    )
    item, section = RowKind.ITEM, RowKind.SECTION

    def number(v):
        return v if v is None or isinstance(v, Decimal) else Decimal(v)

    rows = [
        CostRow(r[0], r[1], r[2], number(r[3]), number(r[4]), r[5], item if r[6] == "item" else section, r[7], r[8],
                number(r[9]), number(r[10]), number(r[11]))
        for r in result
    ]
    if options is None:
        return CostTable(rows)
    return CostTable(rows, discount=options[0], vat_rate=options[1], total_kind=TotalKind(options[2] or "fixed"))


def _no_rows(a: AnnexRow) -> CostTable:
    """A cost table's options without its rows (for readers that must not pay for 100,000 rows)."""
    return CostTable([], discount=a.discount, vat_rate=a.vat_rate, total_kind=TotalKind(a.total_kind or "fixed"))


def _party(p: PartyRow | None) -> Party:
    if p is None:
        return Party()
    bank = (
        BankAccount(p.account_name, p.bank_name, p.account_no, p.bank_address, p.phone) if p.has_bank else None
    )
    return Party(p.name, p.representative, p.address, p.credit_code, bank)


def _signing(s: SigningRow | None) -> Signing:
    if s is None:
        return Signing()
    return Signing(s.seal_caption, s.signatory, s.date, s.seal_image, s.signature_image)


_WHOLE = (
    selectinload(ContractRow.parties),
    selectinload(ContractRow.payments),
    selectinload(ContractRow.invoices),
    selectinload(ContractRow.clauses),
    selectinload(ContractRow.annexes),
    selectinload(ContractRow.signings),
)


def load_in(session: Session, number: str, *, rows: bool = True) -> tuple[Contract, int]:
    """The contract and its version. With `rows=False` cost tables come back empty (their rows are not read):
    for writers and editors of the other parts, which must not pay for a 100,000-row table."""
    row = session.scalar(select(ContractRow).where(ContractRow.number == number).options(*_WHOLE))
    if row is None:
        raise NotFound(_("no contract with this number"), number)
    return _contract(session, row, rows), row.version


def load_all_in(session: Session) -> list[tuple[int, Contract]]:
    """Every contract (by number) with its row id, its cost tables empty: a handful of queries for all of them,
    for reports across contracts (the ledger, the reminders)."""
    found = session.scalars(select(ContractRow).order_by(ContractRow.number).options(*_WHOLE)).all()
    return [(row.id, _contract(session, row, False)) for row in found]


def _contract(session: Session, row: ContractRow, rows: bool) -> Contract:
    parties = {p.role: p for p in row.parties}
    signings = {s.role: s for s in row.signings}
    annexes = [
        Annex(
            no=a.no,
            title=a.title,
            text=a.text if a.kind != "table" else None,
            table=(load_cost_rows(session, a.id) if rows else _no_rows(a)) if a.kind == "table" else None,
            pdf=a.pdf,
        )
        for a in row.annexes
    ]
    return Contract(
        number=row.number,
        party_a_number=row.party_a_number,
        party_b_number=row.party_b_number,
        title=row.title,
        project=row.project,
        drafted=row.drafted,
        jurisdiction=row.jurisdiction,
        currency=row.currency,
        total=row.total,
        tax_inclusive=row.tax_inclusive,
        fixed_price=row.fixed_price,
        status=Status(row.status),
        payee=row.payee,
        party_a=_party(parties.get("a")),
        party_b=_party(parties.get("b")),
        preamble=row.preamble,
        payments=[
            Payment(
                p.amount,
                Due(DueAfter(p.due_after), p.due_years, p.due_months, p.due_days, p.invoice_days),
                p.wording,
            )
            for p in row.payments
        ],
        terms=Terms(
            row.delivery_days,
            row.maintenance_months,
            row.acceptance_request_days,
            row.acceptance_working_days,
            row.reminder_working_days,
            row.change_notice_days,
            Copies(row.copies_total, row.copies_a, row.copies_b),
        ),
        events=Events(
            row.signed_a,
            row.signed_b,
            row.acceptance_requested,
            row.reminder_sent,
            row.accepted,
            [Invoice(i.date, i.payment, i.note) for i in row.invoices],
        ),
        clauses=_clause_tree(list(row.clauses)),
        annexes=annexes,
        signing_a=_signing(signings.get("a")),
        signing_b=_signing(signings.get("b")),
    )


def load(db: Database, number: str, *, rows: bool = True) -> Contract:
    """The whole contract packet (see `load_in` for `rows`); NotFound for an unknown number."""
    with db.read() as s:
        return load_in(s, number, rows=rows)[0]


def load_versioned(db: Database, number: str, *, rows: bool = True) -> tuple[Contract, int]:
    """The contract and the version it was read at (pass it back as `expected_version`)."""
    with db.read() as s:
        return load_in(s, number, rows=rows)


def list_contracts(db: Database, query: str = "", status: Status | None = None) -> list[ContractSummary]:
    """Contracts whose number, title, parties or clause text contain `query`, by number (all of them)."""
    return search_contracts(db, query, status, limit=max(1, count_contracts(db, query, status)))
