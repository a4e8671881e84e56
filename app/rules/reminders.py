"""What wants the clerk's attention across all contracts: overdue items and those falling due soon.

Payments and acceptance come from each contract's schedule (with payments made settled in), the legality
review's answer and filing from its steps, and renewal from the end of its term, 90, 60 and 30 days ahead.
The window shows the list on opening (the clerk dismisses items one by one); `due --ics` writes the same items
as calendar events. Pure: `today` comes in, and dismissals are the keys the caller kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.base.i18n import N_, _, ngettext
from app.rules.schedule import ACTIVE_STATES, ItemState, ScheduleItem, make_item

#: Days before the end of a contract's term at which its renewal is brought up.
RENEWAL_DAYS = (90, 60, 30)
#: What the window's panel looks ahead by default: the coming week.
PANEL_DAYS = 7


class ReminderKind(StrEnum):
    PAYMENT = "payment"
    ACCEPTANCE = "acceptance"
    REVIEW = "review"
    FILING = "filing"
    RENEWAL = "renewal"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(REMINDER_KIND_LABELS[self])


REMINDER_KIND_LABELS = {
    ReminderKind.PAYMENT: N_("payment"),
    ReminderKind.ACCEPTANCE: N_("acceptance"),
    ReminderKind.REVIEW: N_("review opinion"),
    ReminderKind.FILING: N_("filing"),
    ReminderKind.RENEWAL: N_("renewal"),
    ReminderKind.OTHER: N_("deadline"),
}

_ACCEPTANCE_KEYS = frozenset({"delivery", "acceptance_request", "acceptance", "deemed_acceptance"})


def kind_of(key: str) -> ReminderKind:
    """The sort of reminder a schedule item is, from its key."""
    if key.startswith(("payment[", "invoice[")):
        return ReminderKind.PAYMENT
    if key in _ACCEPTANCE_KEYS:
        return ReminderKind.ACCEPTANCE
    if key == "lifecycle.opinion":
        return ReminderKind.REVIEW
    if key == "lifecycle.filing":
        return ReminderKind.FILING
    if key.startswith("renewal."):
        return ReminderKind.RENEWAL
    return ReminderKind.OTHER


@dataclass(frozen=True)
class ReminderSource:
    """One contract's dated items: its schedule (payments made settled in) and its steps' deadlines, and the
    last day of its term, if it has one."""

    number: str
    title: str
    items: Sequence[ScheduleItem]
    ends_on: date | None = None


@dataclass(frozen=True)
class Reminder:
    number: str
    title: str
    key: str
    kind: ReminderKind
    what: str
    rule: str
    date: date
    state: ItemState
    status: str

    @property
    def uid(self) -> str:
        """The same for the same item of the same contract, whatever its date: a calendar that imports the
        file again updates the event instead of adding a second one."""
        digest = hashlib.sha256(f"{self.number}\x00{self.key}".encode()).hexdigest()[:24]
        return f"{digest}@contractdesk"

    @property
    def dismiss_key(self) -> str:
        """What the window keeps when the clerk dismisses the item: it comes back if its date moves."""
        return f"{self.number}\x00{self.key}\x00{self.date.isoformat()}"

    @property
    def dismiss_digest(self) -> str:
        """The dismiss key as the store keeps it (SHA-256: the key holds control characters a server refuses)."""
        return hashlib.sha256(self.dismiss_key.encode("utf-8")).hexdigest()

    @property
    def overdue(self) -> bool:
        return self.state is ItemState.OVERDUE


def renewal_items(ends_on: date, today: date) -> list[ScheduleItem]:
    """One item per renewal milestone: the term ends in 90, 60 and 30 days."""
    items = []
    for days in RENEWAL_DAYS:
        items.append(make_item(
            f"renewal.{days}",
            _("Contract ends on {date}: renew it or close it").format(date=ends_on.isoformat()),
            ngettext("{n} day before the end of the term", "{n} days before the end of the term", days).format(n=days),
            ends_on - timedelta(days=days),
            None,
            today,
            opens=True,
        ))
    return items


def _reminder(source: ReminderSource, item: ScheduleItem, status: str | None = None) -> Reminder:
    assert item.date is not None
    return Reminder(source.number, source.title, item.key, kind_of(item.key), item.what, item.rule, item.date,
                    item.state, status or item.status)


def _ends_status(ends_on: date, today: date) -> str:
    days = (ends_on - today).days
    if days == 0:
        return _("the contract ends today")
    return ngettext("the contract ends in {n} day", "the contract ends in {n} days", days).format(n=days)


def _due(source: ReminderSource, horizon: date) -> Iterator[Reminder]:
    """The contract's open dated items falling due up to `horizon`, overdue ones included."""
    for item in source.items:
        if item.date is not None and item.state in ACTIVE_STATES and item.date <= horizon:
            yield _reminder(source, item)


def reminders(sources: Iterable[ReminderSource], today: date, within_days: int = PANEL_DAYS,
              dismissed: frozenset[str] | set[str] = frozenset()) -> list[Reminder]:
    """The panel's list: everything overdue, everything due up to `within_days` ahead, and, for a term ending
    within 90 days, its latest renewal milestone reached; dismissed items (by dismiss key or its digest) left out.
    Overdue first, then by date."""
    horizon = today + timedelta(days=within_days)
    out: list[Reminder] = []
    for source in sources:
        out.extend(_due(source, horizon))
        if source.ends_on is not None and source.ends_on >= today:
            reached = [i for i in renewal_items(source.ends_on, today) if i.date is not None and i.date <= horizon]
            if reached:
                out.append(_reminder(source, reached[-1], _ends_status(source.ends_on, today)))
    out = [r for r in out if r.dismiss_key not in dismissed and r.dismiss_digest not in dismissed]
    out.sort(key=lambda r: (not r.overdue, r.date, r.number, r.key))
    return out


def calendar_entries(sources: Iterable[ReminderSource], today: date, within_days: int) -> list[Reminder]:
    """What `due --ics` writes: the items `due` lists (overdue ones included, up to `within_days` ahead) and
    each renewal milestone from today up to the same horizon, soonest first."""
    horizon = today + timedelta(days=within_days)
    out: list[Reminder] = []
    for source in sources:
        out.extend(_due(source, horizon))
        if source.ends_on is not None:
            for item in renewal_items(source.ends_on, today):
                if item.date is not None and today <= item.date <= horizon:
                    out.append(_reminder(source, item, _ends_status(source.ends_on, today)))
    out.sort(key=lambda r: (r.date, r.number, r.key))
    return out
