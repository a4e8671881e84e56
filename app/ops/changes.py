"""What an operation changed: the contract, its new version and which of its parts.

Every op returns one of these (inside `Done`), and the window redraws from it: each view updates when a part it
shows is in `parts`, and the window's version of the contract advances to `version`, whichever tab made the
edit. The command line prints from the op's value and ignores the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Part(StrEnum):
    """A part of a contract (or of the database) that an operation can change."""

    CONTRACTS = "contracts"  # contracts added or removed: the list
    FIELDS = "fields"  # the contract's own fields: numbers, title, total, currency, payee …
    PARTIES = "parties"
    TERMS = "terms"
    EVENTS = "events"  # dated events and invoices
    PAYMENTS = "payments"
    CLAUSES = "clauses"
    ANNEXES = "annexes"  # the annex list, titles, texts, attached PDFs
    ROWS = "rows"  # cost-table rows (which annexes: Changes.annexes)
    SIGNING = "signing"
    STATE = "state"
    COMMENTS = "comments"
    AMENDMENTS = "amendments"
    REVISIONS = "revisions"
    CALENDAR = "calendar"  # the holiday calendar: every schedule
    DATABASE = "database"  # the whole database was replaced (restore)
    # The office's records about a contract (issue 20): they never change what the contract says.
    LIFECYCLE = "lifecycle"  # the steps (review, approval, sealing, filing …) and the contract's record (kind, term)
    PAYMENTS_MADE = "payments_made"  # payments recorded as made
    ATTACHMENTS = "attachments"  # files kept with the contract
    OFFICE = "office"  # the office's settings: every contract's steps and deadlines (number None)
    REMINDERS = "reminders"  # a reminder dismissed (number None)


#: What the contract says (its text, numbers and tables), as opposed to the records kept about it.
CONTENT = frozenset({Part.FIELDS, Part.PARTIES, Part.TERMS, Part.EVENTS, Part.PAYMENTS, Part.CLAUSES, Part.ANNEXES,
                     Part.ROWS, Part.SIGNING})
#: What the contract list shows of a contract (its 下一期限 is the contract's standing: the steps, the payments made
#: and the office's periods count too).
LISTED = frozenset({Part.CONTRACTS, Part.FIELDS, Part.PARTIES, Part.STATE, Part.COMMENTS, Part.EVENTS, Part.PAYMENTS,
                    Part.TERMS, Part.CALENDAR, Part.LIFECYCLE, Part.PAYMENTS_MADE, Part.OFFICE})

_PATH_PARTS = {
    "parties": Part.PARTIES,
    "terms": Part.TERMS,
    "events": Part.EVENTS,
    "payments": Part.PAYMENTS,
    "signing": Part.SIGNING,
    "status": Part.STATE,
    "clauses": Part.CLAUSES,
    "clause": Part.CLAUSES,  # the audit trail's clause keys: clause[4.1]
    "clause-order": Part.CLAUSES,
    "annexes": Part.ANNEXES,
    "annex": Part.ANNEXES,
}


def part_of(path: str) -> Part:
    """The part a field path belongs to: ``parties.b.name`` → PARTIES, ``total`` → FIELDS."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    return _PATH_PARTS.get(head, Part.FIELDS)


@dataclass(frozen=True)
class Changes:
    """What one operation changed. `number` None: nothing of one contract (the calendar, the database)."""

    number: str | None = None
    version: int | None = None
    parts: frozenset[Part] = frozenset()
    #: Ids of the annexes whose rows, text or PDF changed.
    annexes: frozenset[int] = frozenset()

    def touches(self, *parts: Part) -> bool:
        return bool(self.parts.intersection(parts))

    @property
    def content(self) -> bool:
        """Whether what the contract says changed (not only records about it: comments, revisions, state)."""
        return bool(self.parts & CONTENT)


@dataclass(frozen=True)
class Done(Generic[T]):
    """An operation's answer: what changed, and its own result (what undo needs, the comment added, …)."""

    changes: Changes
    value: T = field(default=None)  # type: ignore[assignment]
