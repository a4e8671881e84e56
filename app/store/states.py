"""Approval states in the store: each step with who and when (and its note), the state history, the state now.
What may change in which state is the workflow's (app.domain.workflow)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.base.clock import now_iso
from app.base.errors import UserError
from app.base.i18n import _
from app.domain import Status
from app.domain.workflow import TRANSITIONS, StateStep, label
from app.store import audit
from app.store.db import Database
from app.store.schema import ContractRow, StateChangeRow

#: The audit entry that carries a state step's note (right after the step's own entry).
STATE_NOTE = "state note"


def change_state_in(s: Session, row: ContractRow, target: Status, *, user: str, note: str = "") -> StateStep:
    """Move the contract of `row` to `target` if the workflow allows it, in the caller's transaction;
    records who and when (and audits it)."""
    current = Status(row.status)
    if target not in TRANSITIONS[current]:
        raise UserError(
            _("a contract that is {current} cannot become {target}").format(current=label(current), target=label(target)),
            row.number,
        )
    return _record_step(s, row, current, target, user=user, note=note)


def import_state_in(s: Session, row: ContractRow, target: Status, *, user: str, source: str = "") -> StateStep:
    """A contract imported in a state other than draft: the state it had where it came from, recorded in its
    history as imported (with the file it came from and who brought it), never as a step taken here. Only a
    new contract gets this; an import never changes the state of one already stored."""
    note = _("imported from {file}").format(file=source) if source else _("imported")
    return _record_step(s, row, Status(row.status), target, user=user, note=note)


def _record_step(s: Session, row: ContractRow, current: Status, target: Status, *, user: str, note: str) -> StateStep:
    """Store a step with who and when, and audit it with the same time (and its note), so the history and the
    trail can be checked against each other (app.ops.integrity)."""
    row.status = target.value
    step = StateStep(current, target, user, now_iso(), note)
    s.add(StateChangeRow(contract_id=row.id, from_state=current.value, to_state=target.value, user=user, at=step.at, note=note))
    audit.record(s, row.number, "state", current.value, target.value, user=user, at=step.at)
    if note:
        audit.record(s, row.number, STATE_NOTE, None, note, user=user, at=step.at)
    from app.store.lifecycle import follow_state_in  # the contract's steps record what the new state stands for

    follow_state_in(s, row, current, target, user=user, note=note)
    s.flush()
    return step


def _row(s: Session, number: str) -> ContractRow:
    row = s.scalar(select(ContractRow).where(ContractRow.number == number))
    if row is None:
        from app.base.errors import NotFound

        raise NotFound(_("no contract with this number"), number)
    return row


def state_of(db: Database, number: str) -> Status:
    with db.read() as s:
        return Status(_row(s, number).status)


def history(db: Database, number: str) -> list[StateStep]:
    """Every state change of the contract, oldest first."""
    with db.read() as s:
        row = _row(s, number)
        return [
            StateStep(Status(r.from_state), Status(r.to_state), r.user, r.at, r.note)
            for r in s.scalars(select(StateChangeRow).where(StateChangeRow.contract_id == row.id).order_by(StateChangeRow.id))
        ]
