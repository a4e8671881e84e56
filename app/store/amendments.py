"""Amendments in the store: add one to a signed contract, list them, the contract's effective values."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.base.clock import current_user, now_iso
from app.base.errors import Conflict, NotFound, UserError
from app.base.i18n import _
from app.codecs.amended import effective_contract
from app.domain import Annex, Clause, Contract, CostRow, CostTable, Status
from app.domain.amendment import Amendment
from app.store import audit
from app.store.db import Database
from app.store.schema import AmendmentAnnexRow, AmendmentClauseRow, AmendmentRow, ContractRow


def _contract(s: Session, number: str) -> ContractRow:
    row = s.scalar(select(ContractRow).where(ContractRow.number == number))
    if row is None:
        raise NotFound(_("no contract with this number"), number)
    return row


def _flat_clauses(clauses: list[Clause]) -> list[tuple[int, Clause]]:
    """(depth, clause) in document order, as the rows store them."""
    return [(depth, sub) for c in clauses for depth, sub in c.walk()]


def _nested_clauses(rows: list[tuple[int, Clause]]) -> list[Clause]:
    """The tree back from (depth, clause) rows in document order; a depth deeper than its parent's child
    (a damaged row) hangs under the nearest open clause."""
    top: list[Clause] = []
    open_path: list[Clause] = []
    for depth, clause in rows:
        del open_path[depth:]
        (open_path[-1].clauses if open_path else top).append(clause)
        open_path.append(clause)
    return top


def _table_json(rows: list[CostRow]) -> str:
    """A flat table as the list of six-value rows earlier versions stored; any other as its exchange-file form."""
    from app.codecs.json_codec import table_to_dict

    if not CostTable.of(rows).is_flat:
        return json.dumps(table_to_dict(rows), ensure_ascii=False)
    return json.dumps(
        [[r.item, r.spec, r.unit, format(r.quantity, "f"), format(r.unit_price, "f"), r.remark] for r in rows], ensure_ascii=False
    )


def _table_rows(text: str) -> CostTable:
    from app.codecs.json_codec import table_from_dict

    data = json.loads(text)
    if isinstance(data, dict):
        return table_from_dict(data)
    return CostTable(CostRow(i, s, u, Decimal(q), Decimal(p), rem) for i, s, u, q, p, rem in data)


def _insert(s: Session, contract_id: int, a: Amendment, user: str) -> None:
    position = (s.scalar(select(func.max(AmendmentRow.position)).where(AmendmentRow.contract_id == contract_id)) or 0) + 1
    row = AmendmentRow(contract_id=contract_id, position=position, number=a.number, title=a.title, signed=a.signed,
                       changes=json.dumps(a.changes, ensure_ascii=False, sort_keys=True), created_at=now_iso(), created_by=user)
    s.add(row)
    s.flush()
    for i, (depth, c) in enumerate(_flat_clauses(a.clauses)):
        s.add(AmendmentClauseRow(amendment_id=row.id, position=i, no=c.no, title=c.title, text=c.text, depth=depth))
    for i, x in enumerate(a.annexes):
        s.add(AmendmentAnnexRow(amendment_id=row.id, position=i, no=x.no, title=x.title, text=x.text,
                                table=_table_json(x.table) if x.table is not None else None))
    s.flush()


def _load(s: Session, contract_id: int) -> list[Amendment]:
    out: list[Amendment] = []
    for r in s.scalars(select(AmendmentRow).where(AmendmentRow.contract_id == contract_id).order_by(AmendmentRow.position)):
        clauses = _nested_clauses([(c.depth, Clause(c.no, c.title, c.text)) for c in s.scalars(
            select(AmendmentClauseRow).where(AmendmentClauseRow.amendment_id == r.id).order_by(AmendmentClauseRow.position))])
        annexes = [Annex(x.no, x.title, x.text if x.table is None else None, _table_rows(x.table) if x.table is not None else None)
                   for x in s.scalars(select(AmendmentAnnexRow).where(AmendmentAnnexRow.amendment_id == r.id).order_by(AmendmentAnnexRow.position))]
        out.append(Amendment(r.number, r.title, r.signed, json.loads(r.changes), clauses, annexes))
    return out


def list_amendments(db: Database, number: str) -> list[Amendment]:
    with db.read() as s:
        return _load(s, _contract(s, number).id)


def add_amendment_in(s: Session, row: ContractRow, amendment: Amendment, *, user: str) -> None:
    """Record an amendment to a signed contract in the caller's transaction; its changes must apply and give
    a valid contract."""
    from app.store.contracts import load_in
    from app.values.text_checks import check_identifier

    if not amendment.number.strip():
        raise UserError(_("the amendment needs a number"))
    check_identifier(amendment.number, amendment.number)
    if Status(row.status) != Status.SIGNED:
        raise UserError(_("only a signed contract is amended; change this one directly"), row.number)
    existing = _load(s, row.id)
    if any(a.number == amendment.number for a in existing):
        raise Conflict(_("the contract already has an amendment with this number"), amendment.number)
    effective_contract(load_in(s, row.number)[0], [*existing, amendment])  # refuses changes that do not apply
    _insert(s, row.id, amendment, user)
    audit.record(s, row.number, f"amendment {amendment.number}", None,
                 {"title": amendment.title, "changes": amendment.changes, "clauses": len(amendment.clauses),
                  "annexes": len(amendment.annexes)}, user=user)


def merge_in(s: Session, number: str, amendments: Iterable[Amendment]) -> int:
    """Add the amendments this contract does not have yet (by number), in the caller's transaction.

    Each must apply to the contract as stored here, as in `add_amendment`: one that does not would
    break every later view of the contract's effective values.
    """
    from app.store.contracts import load_in

    row = _contract(s, number)
    existing = _load(s, row.id)
    known = {a.number for a in existing}
    added = 0
    stored: Contract | None = None
    for a in amendments:
        if a.number not in known:
            existing.append(a)
            stored = stored or load_in(s, number)[0]
            effective_contract(stored, existing)  # refuses changes that do not apply
            _insert(s, row.id, a, current_user())
            audit.record(s, number, f"amendment {a.number}", None, {"title": a.title, "changes": a.changes, "imported": True})
            known.add(a.number)
            added += 1
    return added


def load_effective(db: Database, number: str) -> tuple[Contract, list[Amendment], Contract]:
    """(contract as stored, its amendments, the effective contract with the amendments applied)."""
    from app.store.contracts import load_in

    with db.read() as s:
        contract = load_in(s, number)[0]
        amendments = _load(s, _contract(s, number).id)
    return contract, amendments, effective_contract(contract, amendments)
