"""Field-level edits of a stored contract with optimistic locking.

Every edit reads the contract, changes it in memory and writes it back in one transaction, but only
if the stored version is still the one the editor read (`expected_version`): a change made meanwhile
by another window or process is refused with Conflict, never overwritten. Signed and archived
contracts are refused outright (they change only through an amendment). Annexes are left alone
here: their rows keep their ids, which the annex editor's undo history relies on.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select

from app import clauses as clause_ops
from app.domain import Clause, Contract, Payment, Status
from app.errors import Conflict, UserError
from app.fields import get_value, parse_value, set_value
from app.i18n import _
from app.store import contracts as store
from app.store.db import Database
from app.store.schema import ClauseRow, ContractRow, InvoiceRow, PartyRow, PaymentRow, SigningRow

READ_ONLY_STATUSES = (Status.SIGNED, Status.ARCHIVED)


def is_read_only(status: Status) -> bool:
    return status in READ_ONLY_STATUSES


def _refuse_read_only(contract: Contract) -> None:
    if is_read_only(contract.status):
        raise UserError(
            _("the contract is {status}: a signed contract changes only through an amendment").format(
                status=contract.status.label
            ),
            contract.number,
        )


def _stale() -> str:
    return _("someone else changed this contract since you opened it; reload it and apply your change again")


def _copy_for_diff(contract: Contract) -> Contract:
    """A deep copy that shares the cost-table rows: edits here never touch annex rows (they have their own
    store), and copying a 100,000-row table row by row took longer than the whole rest of the save."""
    memo: dict[int, Any] = {}
    for annex in contract.annexes:
        if annex.table is not None:
            memo[id(annex.table)] = copy.copy(annex.table)  # a CostTable keeps its options
    return copy.deepcopy(contract, memo)


def update_contract(db: Database, number: str, expected_version: int, mutate: Callable[[Contract], None]) -> int:
    """Apply `mutate` to the stored contract and save it; returns the new version.

    Conflict when the stored version is not `expected_version`; UserError when the contract is
    signed/archived or `mutate` refuses (raises UserError) — in every refusal nothing is written.
    """
    contract, version = store.load_versioned(db, number)
    if version != expected_version:
        raise Conflict(_stale(), number)
    _refuse_read_only(contract)
    before = _copy_for_diff(contract)
    mutate(contract)
    if contract.number != number:
        raise UserError(_("the registry number cannot be changed here"), "number")
    with db.transaction() as session:
        row = session.scalar(select(ContractRow).where(ContractRow.number == number))
        if row is None or row.version != expected_version:
            raise Conflict(_stale(), number)
        if is_read_only(Status(row.status)):
            raise UserError(_("the contract was signed meanwhile: it changes only through an amendment"), number)
        # Everything but the annexes is written afresh; annex rows and their ids stay as they are.
        for table in (PartyRow, PaymentRow, InvoiceRow, SigningRow, ClauseRow):
            session.execute(delete(table).where(table.contract_id == row.id))
        session.expire(row, ["parties", "payments", "invoices", "signings", "clauses"])
        from app.review.hooks import after_save, check_replace

        diff = check_replace(number, row.status, before, contract)  # the store's read-only rules, and the audit
        store._fill_row(row, contract)
        session.flush()
        store._write_children(session, row, dataclasses.replace(contract, annexes=[]))
        session.flush()
        after_save(session, row, contract, diff)
        return row.version


def set_field(db: Database, number: str, path: str, value: Any, expected_version: int) -> tuple[Any, int]:
    """Set one field (parsing `value` if it is typed text); returns (previous value, new version).

    UserError names `path` when the value is invalid; nothing is stored then.
    """
    parsed = parse_value(path, value)
    old: list[Any] = []

    def mutate(contract: Contract) -> None:
        old.append(get_value(contract, path))
        set_value(contract, path, parsed)

    version = update_contract(db, number, expected_version, mutate)
    return old[0], version


def set_clauses(db: Database, number: str, clauses: list[Clause], expected_version: int) -> tuple[list[Clause], int]:
    """Replace the whole clause tree (the unit a structural edit and its undo write); returns (old tree, version)."""
    old: list[list[Clause]] = []

    def mutate(contract: Contract) -> None:
        old.append(contract.clauses)
        contract.clauses = clause_ops.snapshot(clauses)

    version = update_contract(db, number, expected_version, mutate)
    return old[0], version


def edit_clauses(
    db: Database, number: str, expected_version: int, operation: Callable[[list[Clause]], Any]
) -> tuple[list[Clause], list[Clause], Any, int]:
    """Run a clause operation (from app.clauses) on the stored tree.

    Returns (tree before, tree after, what the operation returned, new version) so the caller can
    record an undo step.
    """
    captured: dict[str, Any] = {}

    def mutate(contract: Contract) -> None:
        captured["before"] = clause_ops.snapshot(contract.clauses)
        captured["result"] = operation(contract.clauses)
        captured["after"] = clause_ops.snapshot(contract.clauses)

    version = update_contract(db, number, expected_version, mutate)
    return captured["before"], captured["after"], captured["result"], version


def set_payments(db: Database, number: str, payments: list[Payment], expected_version: int) -> tuple[list[Payment], int]:
    """Replace the instalment list (adding or removing an instalment); returns (old list, new version)."""
    old: list[list[Payment]] = []

    def mutate(contract: Contract) -> None:
        old.append(contract.payments)
        contract.payments = [dataclasses.replace(p, due=dataclasses.replace(p.due)) for p in payments]

    version = update_contract(db, number, expected_version, mutate)
    return old[0], version
