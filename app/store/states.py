"""Approval states: draft → under review → approved → signed → archived, with who and when.

A signed or archived contract is read-only. app.ops enforces it through the rules here (`ensure_writable`,
`check_event_allowed`, `check_save_allowed`); the only changes still accepted on a *signed*
contract are the events the schedule needs after signing — acceptance requested, reminder sent,
accepted, invoices, and a signing date that is still blank. Everything else goes through an
amendment (app.store.amendments). An archived contract accepts nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.base.clock import now_iso
from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain import READ_ONLY, Status
from app.store import audit
from app.store.db import Database
from app.store.schema import ContractRow, StateChangeRow

#: Allowed steps; going back to draft (or from approved back to review) sends a contract back for changes.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.REVIEW}),
    Status.REVIEW: frozenset({Status.APPROVED, Status.DRAFT}),
    Status.APPROVED: frozenset({Status.SIGNED, Status.REVIEW, Status.DRAFT}),
    Status.SIGNED: frozenset({Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}


#: The audit entry that carries a state step's note (right after the step's own entry).
STATE_NOTE = "state note"

#: Events a signed contract still records (the schedule runs after signing).
POST_SIGNING_EVENTS = frozenset({"acceptance_requested", "reminder_sent", "accepted", "invoices"})


@dataclass(frozen=True)
class StateStep:
    from_state: Status
    to_state: Status
    user: str
    at: str
    note: str


def label(status: Status) -> str:
    return status.label


def read_only_error(number: str, status: Status) -> UserError:
    if status == Status.ARCHIVED:
        return UserError(_("the contract is archived and can no longer be changed"), number)
    return UserError(_("the contract is signed and read-only; change it through an amendment"), number)


def ensure_writable(number: str, status: str | Status) -> None:
    status = Status(status)
    if status in READ_ONLY:
        raise read_only_error(number, status)


def check_event_allowed(number: str, status: str | Status, name: str, old_value: object) -> None:
    """Refuse an event change on a read-only contract unless the schedule needs it after signing."""
    status = Status(status)
    if status not in READ_ONLY:
        return
    if status == Status.SIGNED and (name in POST_SIGNING_EVENTS or old_value is None):
        return
    raise read_only_error(number, status)


def check_save_allowed(number: str, status: str | Status, changed_paths: list[str], old_values: dict[str, object]) -> None:
    """A whole-contract save of a read-only contract passes only when it changes nothing but allowed events
    (and a signing page's date still blank: it is the signing event's date, app.rules.signing_dates)."""
    status = Status(status)
    if status not in READ_ONLY:
        return
    for path in changed_paths:
        head, _dot, rest = path.partition(".")
        name = rest.split(".")[0].split("[")[0]
        if head == "signing" and path.endswith(".date"):
            name, head = "signed_" + name, "events"
        if head != "events":
            raise read_only_error(number, status)
        check_event_allowed(number, status, name, old_values.get(path))


#: What a clerk records about an approved contract without changing what it says: the dated events (signing,
#: acceptance, invoices) and the signing itself (its date, who signed, the seal and signature images). Anything
#: else is an edit of the approved text, which returns it to review (app.ops.unit.Unit.content_edit).
_RECORD_PATH = re.compile(r"events(\.|$)|signing\.[ab]\.(date|signatory|seal_image|signature_image)$")


def is_record(path: str) -> bool:
    """Whether a changed field path records what happened rather than changing what the contract says."""
    return _RECORD_PATH.match(path) is not None


def note_text(note: str) -> str:
    """A state step's note as shown: a note ContractDesk wrote itself (e.g. REOPENED_NOTE) is kept as its English
    msgid and shown in the reader's language; a clerk's own note is shown as typed."""
    return _(note) if note else ""


#: The note of the step an edit of an approved contract takes back to review (app.ops.unit.Unit.content_edit).
REOPENED_NOTE = N_("returned to review by an edit of the approved contract")


def allowed_targets(status: Status) -> frozenset[Status]:
    return TRANSITIONS[status]


def parse_state(target: Status | str) -> Status:
    try:
        return Status(target)
    except ValueError as exc:
        choices = ", ".join(s.value for s in Status)
        raise UserError(_("\"{value}\" is not one of: {choices}").format(value=target, choices=choices)) from exc


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
