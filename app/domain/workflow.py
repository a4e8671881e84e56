"""The approval workflow: draft → under review → approved → signed → archived, and what each state lets through.

A signed or archived contract is read-only. app.ops enforces it through the rules here (`ensure_writable`,
`check_event_allowed`, `check_save_allowed`); the only changes still accepted on a *signed* contract are the
events the schedule needs after signing — acceptance requested, reminder sent, accepted, invoices, and a signing
date that is still blank. Everything else goes through an amendment. An archived contract accepts nothing. The
store records the steps (app.store.states); the rules are the same for the window and the command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain.contract import READ_ONLY, Status
from app.domain.field_path import split_path

#: Allowed steps; going back to draft (or from approved back to review) sends a contract back for changes.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.REVIEW}),
    Status.REVIEW: frozenset({Status.APPROVED, Status.DRAFT}),
    Status.APPROVED: frozenset({Status.SIGNED, Status.REVIEW, Status.DRAFT}),
    Status.SIGNED: frozenset({Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}



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


def event_allowed(status: str | Status, name: str, old_value: object) -> bool:
    """Whether the event `name` (its value now `old_value`) may still be recorded in `status`."""
    status = Status(status)
    return status not in READ_ONLY or (
        status == Status.SIGNED and (name in POST_SIGNING_EVENTS or old_value is None))


def check_event_allowed(number: str, status: str | Status, name: str, old_value: object) -> None:
    """Refuse an event change on a read-only contract unless the schedule needs it after signing."""
    if not event_allowed(status, name, old_value):
        raise read_only_error(number, Status(status))


def field_allowed(status: str | Status, path: str, old_value: object) -> bool:
    """Whether the field `path` (its value now `old_value`) may still change in `status`: on a signed contract only
    the events above and a signing page's date still blank (it is the signing event's date,
    app.rules.signing_dates). The window asks this to leave those editors open."""
    if Status(status) not in READ_ONLY:
        return True
    steps = split_path(path)
    head, name = steps[0], steps[1] if len(steps) > 1 else ""
    if head == "signing" and steps[-1] == "date":
        head, name = "events", f"signed_{name}"
    return head == "events" and isinstance(name, str) and event_allowed(status, name, old_value)


def check_save_allowed(number: str, status: str | Status, changed_paths: list[str], old_values: dict[str, object]) -> None:
    """A whole-contract save of a read-only contract passes only when it changes nothing but allowed events
    (and a signing page's date still blank)."""
    for path in changed_paths:
        if not field_allowed(status, path, old_values.get(path)):
            raise read_only_error(number, Status(status))


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
