"""Operations on a contract's own content: create, import, delete, fields, clauses, instalments, events.

Each is one transaction (app.ops.unit) and answers with what it changed. An edit loads the contract without
its cost-table rows, changes it, refuses what its state does not allow, writes back only the parts that
changed and records every changed field in the audit trail with its old and new value.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select

from app.base.clock import current_user
from app.base.errors import Conflict, NotFound, UserError
from app.base.i18n import _
from app.domain import EVENT_NAMES, Clause, Contract, Invoice, Payment, Status, workflow
from app.ops.changes import CONTENT, Changes, Done, Part, part_of
from app.ops.unit import EditSession, Unit, contract_unit
from app.review.diff import audit_changes
from app.rules import clauses as clause_ops
from app.rules.fields import get_value, parse_value, set_value
from app.rules.signing_dates import fill_signing_dates, keep_one_signing_date
from app.store import amendments as amendments_store
from app.store import comments as comments_store
from app.store import contracts as store
from app.store import states
from app.store.db import Database
from app.store.revisions import Reason
from app.store.schema import ContractRow
from app.values.money import format_amount

T = TypeVar("T")

#: The child tables of the store that hold each part (the contract's own row is always written).
_PART_TABLES = {Part.PARTIES: "parties", Part.PAYMENTS: "payments", Part.EVENTS: "invoices", Part.SIGNING: "signing",
                Part.CLAUSES: "clauses"}


def edit_contract(db: Database, number: str, mutate: Callable[[Contract], T], *, expected_version: int | None = None,
                  session: EditSession | None = None, reopen: bool = False) -> Done[T]:
    """Apply `mutate` to the stored contract and store what it changed; the value is what `mutate` returned.

    The contract comes without its cost-table rows (annexes change through app.ops.annexes); `mutate` may
    change anything else. This is the op every field, clause and instalment edit is made of, and what a
    script uses for a change no narrower op covers. A signing date set on the signing page or as the signing
    event sets both (app.rules.signing_dates). An approved contract is changed only with `reopen`, which returns it
    to review (app.ops.unit.Unit.content_edit); recording events and the signing itself needs no reopening.
    """
    with contract_unit(db, number, expected_version) as u:
        contract, _version = store.load_in(u.s, number, rows=False)
        before = copy.deepcopy(contract)
        value = mutate(contract)
        if contract.number != number:
            raise UserError(_("the registry number cannot be changed here"), "number")
        keep_one_signing_date(before, contract)
        old, new = audit_changes(before, contract)
        if not old and not new:
            return Done(u.result(), value)
        if "status" in old:
            raise UserError(_("the state changes only by the review's steps (send for review, approve, sign …)"),
                            "status")
        workflow.check_save_allowed(number, u.row.status, list(old), old)
        if not all(workflow.is_record(path) for path in (*old, *new)):
            u.content_edit(reopen)
            contract.status = Status(u.row.status)  # back in review when it was approved
        u.before_edit(session)
        parts = {part_of(path) for path in (*old, *new)}
        store.write_parts(u.s, u.row, contract, [_PART_TABLES[p] for p in parts if p in _PART_TABLES])
        u.changed(*parts)
        u.audit("edit", old, new)
        return Done(u.result(), value)


def set_field(db: Database, number: str, path: str, value: Any, *, expected_version: int | None = None,
              session: EditSession | None = None, reopen: bool = False) -> Done[Any]:
    """Set one field by path (typed text is parsed as the form parses it); the value is the previous one.

    UserError naming `path` when the value is invalid or the contract's state refuses the change; nothing
    is stored then.
    """
    parsed = parse_value(path, value)

    def mutate(contract: Contract) -> Any:
        old = get_value(contract, path)
        set_value(contract, path, parsed)
        return old

    return edit_contract(db, number, mutate, expected_version=expected_version, session=session, reopen=reopen)


def set_clauses(db: Database, number: str, clauses: list[Clause], *, expected_version: int | None = None,
                session: EditSession | None = None, reopen: bool = False) -> Done[list[Clause]]:
    """Replace the whole clause tree (the unit a structural edit and its undo write); the value is the old tree."""

    def mutate(contract: Contract) -> list[Clause]:
        old = contract.clauses
        contract.clauses = clause_ops.snapshot(clauses)
        return old

    return edit_contract(db, number, mutate, expected_version=expected_version, session=session, reopen=reopen)


@dataclass(frozen=True)
class ClauseEdit:
    """A clause operation's effect, for its undo step: the tree before and after, and what it returned."""

    before: list[Clause]
    after: list[Clause]
    result: Any


def edit_clauses(db: Database, number: str, operation: Callable[[list[Clause]], Any], *,
                 expected_version: int | None = None, session: EditSession | None = None,
                 reopen: bool = False) -> Done[ClauseEdit]:
    """Run a clause operation (from app.rules.clauses) on the stored tree."""

    def mutate(contract: Contract) -> ClauseEdit:
        before = clause_ops.snapshot(contract.clauses)
        result = operation(contract.clauses)
        return ClauseEdit(before, clause_ops.snapshot(contract.clauses), result)

    return edit_contract(db, number, mutate, expected_version=expected_version, session=session, reopen=reopen)


def set_payments(db: Database, number: str, payments: list[Payment], *, expected_version: int | None = None,
                 session: EditSession | None = None, reopen: bool = False) -> Done[list[Payment]]:
    """Replace the instalment list (adding or removing an instalment); the value is the old list."""

    def mutate(contract: Contract) -> list[Payment]:
        old = contract.payments
        contract.payments = [dataclasses.replace(p, due=dataclasses.replace(p.due)) for p in payments]
        return old

    return edit_contract(db, number, mutate, expected_version=expected_version, session=session, reopen=reopen)


def add_invoice(db: Database, number: str, when: date, payment: int | None, note: str = "", *,
                expected_version: int | None = None) -> Done[Invoice]:
    """Record an invoice the payee issued (for instalment `payment`, 1-based); allowed after signing."""
    invoice = Invoice(when, payment, note)

    def mutate(contract: Contract) -> Invoice:
        if payment is not None and not 1 <= payment <= max(1, len(contract.payments)):
            raise UserError(_("the contract has no instalment {n}").format(n=payment), "payment")
        contract.events.invoices.append(invoice)
        return invoice

    return edit_contract(db, number, mutate, expected_version=expected_version, session=None)


def set_event(db: Database, number: str, name: str, when: date | None, *,
              expected_version: int | None = None) -> Done[date | None]:
    """Record (or with None clear) one of the schedule events; the value is the previous date.

    A signed contract still records the events its schedule needs after signing (acceptance, reminders).
    A signing event is the signing page's date too (app.rules.signing_dates): both are set.
    """
    if name not in EVENT_NAMES:
        raise NotFound(_("unknown event name"), name)
    if name in ("signed_a", "signed_b"):
        def mutate(contract: Contract) -> date | None:
            old = getattr(contract.events, name)
            setattr(contract.events, name, when)
            return old

        return edit_contract(db, number, mutate, expected_version=expected_version)
    with contract_unit(db, number, expected_version) as u:
        old = getattr(u.row, name)
        workflow.check_event_allowed(number, u.row.status, name, old)
        if old != when:
            u.audit(f"event {name}", old.isoformat() if old else None, when.isoformat() if when else None)
            setattr(u.row, name, when)
            u.changed(Part.EVENTS)
        return Done(u.result(), old)


# ------------------------------------------------------------------ whole contracts


def create_contract(db: Database, number: str, title: str = "") -> Done[Contract]:
    """A new, empty contract under `number` (which must be free)."""
    number = number.strip()
    if not number:
        raise UserError(_("a contract needs a number"), _("Contract number"))
    return add_contract(db, Contract(number=number, title=title), Reason.CREATED)


def add_contract(db: Database, contract: Contract, reason: Reason = Reason.IMPORTED, *, source: str = "") -> Done[Contract]:
    """Store a contract under a number that must be free (Conflict otherwise), audited and kept as a revision."""
    with db.transaction() as s:
        u = insert_in(s, contract, reason, source=source)
        return Done(u.result(), contract)


def insert_in(s, contract: Contract, reason: Reason, *, source: str = "") -> Unit:
    """Store a new contract in the caller's transaction, audited as created and kept as a revision.

    A contract that arrives in a later state than draft (a signed contract from another office) is created as a
    draft and its state recorded in its history as imported from `source`, by whom: never a state without a
    history, never a workflow step nobody took here.
    """
    if s.scalar(select(ContractRow.id).where(ContractRow.number == contract.number)) is not None:
        raise Conflict(_("a contract with this number already exists"), contract.number)
    fill_signing_dates(contract)
    arrived = contract.status
    row = store.insert_in(s, dataclasses.replace(contract, status=Status.DRAFT))
    u = Unit(s, row, current_user())
    u.audit("create", None, {"title": contract.title, "total": format_amount(contract.total, grouping=False)})
    if arrived is not Status.DRAFT:
        states.import_state_in(s, row, arrived, user=u.user, source=source)
    u.keep(reason)
    u.parts.update({Part.CONTRACTS, Part.STATE, *CONTENT})
    return u


@dataclass(frozen=True)
class ImportResult:
    number: str
    created: bool
    replaced: bool
    comments_added: int
    comments_updated: int
    amendments_added: int
    #: The state a new contract arrived in when it is not draft (recorded in its history as imported).
    imported_state: Status | None = None
    #: Comments of ours whose text the file changed: kept as new comments beside the untouched originals.
    comments_kept_apart: int = 0


def import_document(db: Database, text: str | bytes, *, replace: bool = False,
                    contract_too: bool = True, reopen: bool = False, source: str = "") -> Done[ImportResult]:
    """Store a contractdesk/1 document's contract and merge its comments and amendments, in one transaction.

    A new number is added; an existing one is replaced only with `replace` (and as its state allows), else
    it is left as it is and only the review members merge (a reviewer's file coming back). With
    `contract_too=False` the contract is never touched. Importing the same file twice adds nothing.

    The file's state is never a shortcut through the review: a new contract in a later state than draft gets
    that state recorded in its history as imported from `source` (the file's name); a replacing import whose
    state differs from the stored one is refused (the state changes only by the review's steps).
    """
    from app.codecs.json_codec import loads_document

    contract, comments, amendments = loads_document(text)
    fill_signing_dates(contract)
    number = contract.number
    with db.transaction() as s:
        row = s.scalar(select(ContractRow).where(ContractRow.number == number))
        created = replaced = False
        if row is None:
            u = insert_in(s, contract, Reason.IMPORTED, source=source)
            created = True
        else:
            u = Unit(s, row, current_user())
            if replace and contract_too:
                if contract.status.value != row.status:
                    raise UserError(
                        _("the file says {file}, but the contract here is {stored}; an import never changes the "
                          "state (use the review's steps)").format(file=contract.status.label,
                                                                   stored=Status(row.status).label), "status")
                stored, _version = store.load_in(s, number)
                old, new = audit_changes(stored, contract, annexes=True)
                workflow.check_save_allowed(number, row.status, list(old), old)
                if old or new:
                    if row.status == Status.APPROVED.value:
                        u.content_edit(reopen)
                        contract.status = Status.REVIEW
                    u.keep(Reason.REPLACED)
                    store.replace_in(s, row, contract)
                    u.changed(*CONTENT, Part.STATE)
                    u.audit("edit", old, new)
                    u.keep(Reason.IMPORTED)
                replaced = True
            elif contract_too and not comments and not amendments:
                raise Conflict(_("a contract with this number already exists; use --replace to overwrite it"), number)
        merged = comments_store.merge_in(s, number, comments, user=u.user, source=source)
        amended = amendments_store.merge_in(s, number, amendments)
        if merged.added or merged.updated or merged.kept_apart:
            u.parts.add(Part.COMMENTS)
        if amended:
            u.parts.add(Part.AMENDMENTS)
        arrived = contract.status if created and contract.status is not Status.DRAFT else None
        return Done(u.result(), ImportResult(number, created, replaced, merged.added, merged.updated, amended, arrived,
                                             merged.kept_apart))


def delete_contract(db: Database, number: str, *, expected_version: int | None = None) -> Done[None]:
    """Delete a contract; a signed or archived one is refused like any other change. The audit trail stays."""
    with contract_unit(db, number, expected_version) as u:
        workflow.ensure_writable(number, u.row.status)
        u.audit("delete")
        store.delete_in(u.s, u.row)
        return Done(Changes(number, None, frozenset({Part.CONTRACTS})))


def save_version(db: Database, number: str, name: str = "") -> Done[int | None]:
    """Keep the contract as it stands now as a revision ("save a version"), with an optional name.

    Without a name an unchanged contract keeps no second copy (the value is then None).
    """
    from app.store.revisions import check_name

    with contract_unit(db, number) as u:
        named = check_name(u.s, u.row.id, name) if name.strip() else None
        seq = u.keep(Reason.SAVED, name=named, unless_unchanged=named is None)
        if seq is not None:
            u.audit("version saved", None, {"revision": seq, "name": named})
        return Done(u.result(), seq)


def require(db: Database, number: str) -> None:
    """NotFound unless the contract exists (a command checks before it reads a file or asks for a password)."""
    if not store.exists(db, number):
        raise NotFound(_("no contract with this number"), number)
