"""The contract list query shared by the desktop list and `contractdesk list`: search, filter, sort, page.

Search covers the number, title, project, both parties' names and the clause text. On SQLite the clause
text is searched through the FTS5 `trigram` index `clause_search` (migration 0003; substring search that
works for Chinese), so typing stays fast on 10,000 contracts; a query shorter than three characters cannot
use a trigram index and searches the small fields only. PostgreSQL (or a SQLite without FTS5) uses ILIKE.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from sqlalchemy import Float, and_, case, cast, func, literal_column, or_, select, text
from sqlalchemy.sql import ColumnElement, Select

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Contract, Copies, Due, DueAfter, Events, Invoice, Payment, Status, Terms
from app.store.db import Database
from app.store.quick_read import ContractSummary  # defined there: the first paint builds list rows without SQLAlchemy
from app.store.schema import ClauseRow, ContractRow, InvoiceRow, PartyRow, PaymentRow

#: FTS5 tables (trigram tokenizer) that migration 0003 creates on SQLite: one document per contract
#: (number, title, project, party names) and an index over clauses.text.
CONTRACT_FTS = "contract_search"
CLAUSE_FTS = "clause_search"

#: The shortest query a trigram index can answer.
FTS_MIN_CHARS = 3

#: Columns the list can be sorted by (what the user clicks), mapped to SQL in `_order_column`.
ORDER_KEYS = ("number", "title", "party_a", "party_b", "total", "status")

_pa = PartyRow.__table__.alias("pa")
_pb = PartyRow.__table__.alias("pb")
_fts_known: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def has_fts(db: Database) -> bool:
    """Whether this database has the clause index (cached per engine: it only appears by migration)."""
    known = _fts_known.get(db.engine)
    if known is None:
        if not db.is_sqlite:
            known = False
        else:
            with db.engine.connect() as conn:
                known = bool(
                    conn.execute(
                        text("SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN (:a, :b)"),
                        {"a": CONTRACT_FTS, "b": CLAUSE_FTS},
                    ).scalar()
                    == 2
                )
        _fts_known[db.engine] = known
    return known


def searches_clause_text(db: Database, needle: str) -> bool:
    """Whether a search for `needle` also looks in the clause text (not for 1–2 characters on the index)."""
    needle = needle.strip()
    return bool(needle) and (len(needle) >= FTS_MIN_CHARS or not has_fts(db))


def _fts_phrase(needle: str) -> str:
    """The needle as one FTS5 string literal: matched as a substring, never parsed as a query."""
    return '"' + needle.replace('"', '""') + '"'


def _contains(column, needle: str, ilike: bool) -> ColumnElement[bool]:
    if ilike:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.ilike(f"%{escaped}%", escape="\\")
    return column.contains(needle, autoescape=True)


def _fts_rowids(table: str, condition: str, **params: str) -> Select:
    return select(literal_column("rowid")).select_from(text(table)).where(text(condition).bindparams(**params))


def _where(db: Database, stmt: Select, needle: str, status: Status | None) -> tuple[Select, bool]:
    """The filtered statement, and whether it refers to the party joins (count can skip them if not)."""
    if status is not None:
        stmt = stmt.where(ContractRow.status == status.value)
    needle = needle.strip()
    if not needle:
        return stmt, False
    if has_fts(db):
        if len(needle) >= FTS_MIN_CHARS:
            phrase = _fts_phrase(needle)
            in_fields = _fts_rowids(CONTRACT_FTS, f"{CONTRACT_FTS} MATCH :p", p=phrase)
            in_clauses = (
                select(ClauseRow.contract_id)
                .with_hint(ClauseRow, "INDEXED BY clause_search_owner", "sqlite")
                .where(ClauseRow.id.in_(_fts_rowids(CLAUSE_FTS, f"{CLAUSE_FTS} MATCH :q", q=phrase)))
            )
            # `id + 0`: SQLite builds each match list once and walks the number index, stopping after a page,
            # instead of looking up and sorting every match (4,600 matches: ~2x faster for the first page)
            owner = ContractRow.id + 0
            return stmt.where(or_(owner.in_(in_fields), owner.in_(in_clauses))), False
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # FTS5 keeps the documents in the ordinary table <name>_content (column c0); scanning it with
        # LIKE is several times faster than a scan through the virtual table
        like: Select = select(literal_column("id")).select_from(text(f"{CONTRACT_FTS}_content")).where(
            text("c0 LIKE :l ESCAPE '\\'").bindparams(l=f"%{escaped}%")
        )
        return stmt.where(ContractRow.id.in_(like)), False
    ilike = not db.is_sqlite
    fields = [ContractRow.number, ContractRow.title, ContractRow.project, _pa.c.name, _pb.c.name]
    conditions = [_contains(f, needle, ilike) for f in fields]
    conditions.append(ContractRow.id.in_(select(ClauseRow.contract_id).where(_contains(ClauseRow.text, needle, ilike))))
    return stmt.where(or_(*conditions)), True


def _joined(stmt: Select) -> Select:
    return stmt.outerjoin(_pa, and_(_pa.c.contract_id == ContractRow.id, _pa.c.role == "a")).outerjoin(
        _pb, and_(_pb.c.contract_id == ContractRow.id, _pb.c.role == "b")
    )


def _order_column(db: Database, order_by: str):
    if order_by not in ORDER_KEYS:
        raise UserError(_("cannot sort by this column"), order_by)
    if order_by == "total":
        # exact decimal text on SQLite: compare as numbers, not as strings ("9" > "10")
        return cast(ContractRow.total, Float) if db.is_sqlite else ContractRow.total
    return {
        "number": ContractRow.number,
        "title": ContractRow.title,
        "party_a": func.coalesce(_pa.c.name, ""),
        "party_b": func.coalesce(_pb.c.name, ""),
        # the order of the contract's life (草稿, 审核中, 已批准, 已签署, 已归档), not of the stored English words
        "status": case({st.value: rank for rank, st in enumerate(Status)}, value=ContractRow.status, else_=len(Status)),
    }[order_by]


def search_contracts(
    db: Database,
    text: str = "",
    status: Status | None = None,
    *,
    offset: int = 0,
    limit: int = 200,
    order_by: str = "number",
    descending: bool = False,
) -> list[ContractSummary]:
    """One page of the contracts matching `text` (and `status`), sorted; ties keep number order.

    The page's ids are chosen first, without the party joins unless the order or filter needs them, and
    only those rows are then joined for display: a page costs the same whether 10 or 10,000 rows match.
    """
    column = _order_column(db, order_by)
    ids, uses_joins = _where(db, select(ContractRow.id).select_from(ContractRow), text, status)
    if uses_joins or order_by in ("party_a", "party_b"):
        ids = _joined(ids)
    primary = column.desc() if descending else column.asc()
    ids = ids.order_by(primary, ContractRow.number).offset(max(0, offset)).limit(max(0, limit))
    with db.read() as s:
        page = list(s.scalars(ids))
        if not page:
            return []
        rows = s.execute(
            _joined(
                select(
                    ContractRow.id,
                    ContractRow.number,
                    ContractRow.title,
                    _pa.c.name,
                    _pb.c.name,
                    ContractRow.total,
                    ContractRow.status,
                    ContractRow.version,
                ).select_from(ContractRow)
            ).where(ContractRow.id.in_(page))
        )
        by_id = {
            cid: ContractSummary(n, t or "", pa or "", pb or "", total, Status(st), v)
            for cid, n, t, pa, pb, total, st, v in rows
        }
    return [by_id[cid] for cid in page if cid in by_id]


def count_contracts(db: Database, text: str = "", status: Status | None = None) -> int:
    """How many contracts `search_contracts` would return over all pages."""
    stmt, uses_joins = _where(db, select(func.count()).select_from(ContractRow), text, status)
    if uses_joins:
        stmt = _joined(stmt)
    with db.read() as s:
        return int(s.scalar(stmt) or 0)


# ------------------------------------------------------------------ next deadlines for a page of rows


def schedule_contracts(db: Database, numbers: Iterable[str]) -> dict[str, tuple[int, Contract]]:
    """{number: (contract id, the contract)} with just enough of each contract for `app.rules.schedule` (terms,
    events, payments, invoices), in three queries.

    The list shows the next deadline of thousands of rows; loading whole packets (clauses, annexes,
    cost tables) for that would make scrolling stutter.
    """
    wanted = list(dict.fromkeys(numbers))
    if not wanted:
        return {}
    with db.read() as s:
        rows = list(s.scalars(select(ContractRow).where(ContractRow.number.in_(wanted))))
        ids = [r.id for r in rows]
        payments: dict[int, list[PaymentRow]] = {}
        for p in s.scalars(select(PaymentRow).where(PaymentRow.contract_id.in_(ids)).order_by(PaymentRow.position)):
            payments.setdefault(p.contract_id, []).append(p)
        invoices: dict[int, list[InvoiceRow]] = {}
        for i in s.scalars(select(InvoiceRow).where(InvoiceRow.contract_id.in_(ids)).order_by(InvoiceRow.position)):
            invoices.setdefault(i.contract_id, []).append(i)
    out: dict[str, tuple[int, Contract]] = {}
    for row in rows:
        out[row.number] = row.id, Contract(
            number=row.number,
            title=row.title,
            total=row.total,
            status=Status(row.status),
            payments=[
                Payment(p.amount, Due(DueAfter(p.due_after), p.due_years, p.due_months, p.due_days, p.invoice_days), p.wording)
                for p in payments.get(row.id, [])
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
                [Invoice(i.date, i.payment, i.note) for i in invoices.get(row.id, [])],
            ),
        )
    return out


def get_summary(db: Database, number: str) -> ContractSummary | None:
    """The list row of one contract (after an edit), or None once it is gone."""
    stmt = _joined(
        select(
            ContractRow.number,
            ContractRow.title,
            _pa.c.name,
            _pb.c.name,
            ContractRow.total,
            ContractRow.status,
            ContractRow.version,
        ).select_from(ContractRow)
    ).where(ContractRow.number == number)
    with db.read() as s:
        row = s.execute(stmt).first()
    if row is None:
        return None
    n, t, pa, pb, total, st, v = row
    return ContractSummary(n, t or "", pa or "", pb or "", total, Status(st), v)
