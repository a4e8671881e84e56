"""What falls due when, for one contract or across all: the schedule of deadlines and payments.

Each item is derived from the contract's terms and recorded events (app.domain.Events). Where the event
an item counts from has not happened, the item says what it waits for instead of inventing a date; where
a date is known it is compared with `today`. Periods follow app.rules.periods (Civil Code arts. 201–203 and
working days); every year a computation reaches that the holiday calendar does not cover is warned about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from app.base.i18n import _, ngettext
from app.domain import Contract, DueAfter, Payment
from app.domain.calendar import WorkCalendar
from app.rules.clause_lookup import cite, effectiveness_clause
from app.rules.periods import period_end, working_days_end
from app.values.money import format_amount


class ItemKind(StrEnum):
    DEADLINE = "deadline"
    PAYMENT = "payment"


class ItemState(StrEnum):
    DONE = "done"  # happened, or a period that has ended
    UPCOMING = "upcoming"  # a date after today
    TODAY = "today"
    OVERDUE = "overdue"  # the date has passed and the thing has not happened
    OPEN = "open"  # may be done since the date (an invoice that can be issued)
    WAITING = "waiting"  # no date yet: waits for an event


#: States that want someone's attention on or before their date.
ACTIVE_STATES = frozenset({ItemState.UPCOMING, ItemState.TODAY, ItemState.OVERDUE, ItemState.OPEN})


@dataclass
class ScheduleItem:
    """One deadline or payment. `date` is None while the item waits for an event (`waits_for`)."""

    key: str
    what: str
    rule: str
    kind: ItemKind
    date: dt.date | None
    waits_for: str | None
    state: ItemState
    days: int | None = None  # days from today to `date` (negative: in the past)
    done_on: dt.date | None = None
    payment: int | None = None  # 1-based instalment number
    amount: Decimal | None = None
    wording: str = ""  # the contract's own words for the rule, where it has them
    late_days: int | None = None  # a deadline done after its date: by how many days (None: on time)

    @property
    def status(self) -> str:
        """The state as a user reads it: done / done N days late / due in N days / overdue by N days …"""
        days = self.days or 0
        if self.state is ItemState.DONE:
            if self.late_days:
                return ngettext("done {n} day late", "done {n} days late", self.late_days).format(n=self.late_days)
            return _("done")
        if self.state is ItemState.TODAY:
            return _("due today")
        if self.state is ItemState.UPCOMING:
            return ngettext("due in {n} day", "due in {n} days", days).format(n=days)
        if self.state is ItemState.OVERDUE:
            return ngettext("overdue by {n} day", "overdue by {n} days", -days).format(n=-days)
        if self.state is ItemState.OPEN:
            return ngettext("open for {n} day", "open for {n} days", -days).format(n=-days)
        return _("waiting")

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "what": self.what,
            "rule": self.rule,
            "kind": self.kind.value,
            "date": self.date.isoformat() if self.date else None,
            "waits_for": self.waits_for,
            "state": self.state.value,
            "status": self.status,
            "days": self.days,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "late_days": self.late_days,
            "payment": self.payment,
            "amount": format_amount(self.amount, grouping=False) if self.amount is not None else None,
            "wording": self.wording,
        }


@dataclass
class Schedule:
    number: str
    today: date
    items: list[ScheduleItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The years reached without a (complete) holiday schedule: their warnings are among `warnings`, and the
    #: window and the command line each say how to add one.
    uncovered_years: list[int] = field(default_factory=list)

    def next_item(self) -> ScheduleItem | None:
        """The most pressing dated item that still wants action (what the contract list shows)."""
        active = [(i.date, n) for n, i in enumerate(self.items) if i.date is not None and i.state in ACTIVE_STATES]
        return self.items[min(active)[1]] if active else None

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "today": self.today.isoformat(),
            "items": [i.as_json() for i in self.items],
            "warnings": list(self.warnings),
        }


def _period_words(years: int = 0, months: int = 0, days: int = 0) -> str:
    parts = []
    if years:
        parts.append(ngettext("{n} year", "{n} years", years).format(n=years))
    if months:
        parts.append(ngettext("{n} month", "{n} months", months).format(n=months))
    if days:
        parts.append(ngettext("{n} day", "{n} days", days).format(n=days))
    return " ".join(parts)


def make_item(
    key: str,
    what: str,
    rule: str,
    when: date | None,
    waits_for: str | None,
    today: date,
    *,
    kind: ItemKind = ItemKind.DEADLINE,
    done_on: date | None = None,
    ends_period: bool = False,
    opens: bool = False,
    payment: int | None = None,
    amount: Decimal | None = None,
    wording: str = "",
) -> ScheduleItem:
    """One item with its state as of `today`; the one place the states are decided, so that items from
    other rules (the contract lifecycle, payments made) read like the schedule's own.

    `ends_period`: past the date the item is simply over; `opens`: the date is when it may be done.
    Otherwise the date is a deadline, and a `done_on` after it makes the item done late."""
    days = (when - today).days if when is not None else 0
    if done_on is not None:
        state = ItemState.DONE
    elif when is None:
        state = ItemState.WAITING
    elif days > 0:
        state = ItemState.UPCOMING
    elif ends_period and days < 0:
        state, done_on = ItemState.DONE, when
    elif opens:
        state = ItemState.OPEN if days < 0 else ItemState.TODAY
    else:
        state = ItemState.TODAY if days == 0 else ItemState.OVERDUE
    waits_for = None if when or state is ItemState.DONE else waits_for
    late = None
    if done_on is not None and when is not None and not (ends_period or opens) and done_on > when:
        late = (done_on - when).days
    item = ScheduleItem(
        key, what, rule, kind, when, waits_for, state, days if when else None, done_on, payment, amount, wording
    )
    item.late_days = late
    return item


class _Builder:
    """Collects items and the calendar years the computations reached."""

    def __init__(self, contract: Contract, calendar: WorkCalendar, today: date) -> None:
        self.c, self.cal, self.today = contract, calendar, today
        self.items: list[ScheduleItem] = []
        self.warnings: list[str] = []
        self._uncovered: set[int] = set()

    # -- arithmetic that remembers which years it needed
    def _note(self, start: date, end: date) -> date:
        self._uncovered.update(self.cal.uncovered_years(start, end))
        return end

    def after(self, start: date, *, years: int = 0, months: int = 0, days: int = 0) -> date | None:
        """The period's end, or None (with a warning) past the last date Python can hold."""
        if not (years or months or days):
            return start
        try:
            return self._note(start, period_end(start, self.cal, years=years, months=months, days=days))
        except OverflowError:
            self._beyond_calendar()
            return None

    def working(self, start: date, count: int) -> date | None:
        try:
            return self._note(start, working_days_end(start, self.cal, count))
        except OverflowError:
            self._beyond_calendar()
            return None

    def _beyond_calendar(self) -> None:
        """A mistyped year (9999 for 2025) must not stop the schedule, the due list or the contract list."""
        warning = _("a date of this contract would fall after the year 9999: check the recorded dates")
        if warning not in self.warnings:
            self.warnings.append(warning)

    # -- items
    def add(self, key: str, what: str, rule: str, when: date | None, waits_for: str | None, **kwargs) -> ScheduleItem:
        """An item compared with the builder's `today` (see `make_item`), appended to the schedule."""
        item = make_item(key, what, rule, when, waits_for, self.today, **kwargs)
        self.items.append(item)
        return item

    def build(self) -> Schedule:
        ev, terms = self.c.events, self.c.terms
        effective = ev.effective
        if effective is None:
            missing = [
                _("signature of party A") if ev.signed_a is None else None,
                _("signature of party B") if ev.signed_b is None else None,
            ]
            waits = _(" and ").join(m for m in missing if m)
        else:
            waits = None
        rule = _("on the later of the two signing dates")
        clause = effectiveness_clause(self.c)  # the contract's own clause, where it has one
        if clause:
            rule = _("{rule} ({clause})").format(rule=rule, clause=cite(clause))
        self.add(
            "effective",
            _("Contract takes effect"),
            rule,
            effective,
            waits,
            done_on=effective if effective is not None and effective <= self.today else None,
        )
        ready_on = ev.acceptance_requested or ev.accepted
        if terms.delivery_days is not None:
            self.add(
                "delivery",
                _("Work complete and ready for acceptance"),
                _("within {n} days after the contract takes effect").format(n=terms.delivery_days),
                self.after(effective, days=terms.delivery_days) if effective else None,
                _("the contract taking effect"),
                done_on=ready_on,
            )
        if terms.acceptance_request_days is not None:
            self.add(
                "acceptance_request",
                _("Acceptance request submitted"),
                _("within {n} days after both parties agree the work is ready").format(n=terms.acceptance_request_days),
                None,
                _("both parties agreeing the work is ready (record the request when it is made)"),
                done_on=ev.acceptance_requested or ev.accepted,
            )
        acceptance_deadline = None
        if terms.acceptance_working_days is not None:
            if ev.acceptance_requested:
                acceptance_deadline = self.working(ev.acceptance_requested, terms.acceptance_working_days)
            self.add(
                "acceptance",
                _("Acceptance organised"),
                _("within {n} working days after the acceptance request").format(n=terms.acceptance_working_days),
                acceptance_deadline,
                _("the acceptance request"),
                done_on=ev.accepted,
            )
        if terms.reminder_working_days is not None:
            self._deemed_acceptance(acceptance_deadline)
        if terms.maintenance_months is not None:
            self.add(
                "maintenance_end",
                _("End of maintenance"),
                _("{n} months from acceptance").format(n=terms.maintenance_months),
                self.after(ev.accepted, months=terms.maintenance_months) if ev.accepted else None,
                _("acceptance"),
                ends_period=True,
            )
        for number, payment in enumerate(self.c.payments, start=1):
            self._payment(number, payment)
        if terms.change_notice_days is not None:
            self.add(
                "change_notice",
                _("Notice before changing or ending the contract"),
                _("at least {n} days' written notice").format(n=terms.change_notice_days),
                None,
                _("a proposal to change or end the contract"),
            )
        years = sorted(self._uncovered)
        self.warnings.extend(self.cal.uncovered_warning(year) for year in years)
        return Schedule(self.c.number, self.today, self.items, self.warnings, years)

    def _deemed_acceptance(self, acceptance_deadline: date | None) -> None:
        """Clause 2.2 of the sample: deemed accepted when neither the acceptance window nor 3 working days after a
        reminder saw the acceptance organised; the later of the two ends decides."""
        ev, n = self.c.events, self.c.terms.reminder_working_days or 0
        when = None
        if acceptance_deadline is not None and ev.reminder_sent is not None:
            after_reminder = self.working(ev.reminder_sent, n)
            when = None if after_reminder is None else max(acceptance_deadline, after_reminder)
        waits = (
            _("the acceptance request") if acceptance_deadline is None else _("a reminder to organise the acceptance")
        )
        item = self.add(
            "deemed_acceptance",
            _("Deemed accepted if acceptance is still not organised"),
            _("{n} working days after a reminder, once the acceptance window has passed").format(n=n),
            when,
            waits,
            done_on=ev.accepted,
            ends_period=True,
        )
        if ev.accepted is None and when is not None and item.state is ItemState.DONE:
            self.warnings.append(
                _(
                    "acceptance counts as given on {date} (not organised after the reminder); record it as the accepted event"
                ).format(date=when.isoformat())
            )

    def _payment(self, number: int, payment: Payment) -> None:
        due, ev = payment.due, self.c.events
        if due.after is DueAfter.ACCEPTANCE:
            base, base_words = ev.accepted, _("acceptance")
        else:
            base, base_words = ev.effective, _("the contract taking effect")
        period = _period_words(due.years, due.months, due.days)
        from_words = f"{base_words} + {period}" if period else base_words
        opens = self.after(base, years=due.years, months=due.months, days=due.days) if base else None
        amount = f"¥{format_amount(payment.amount)}" if payment.amount is not None else _("(amount not set)")
        what = _("Instalment {n}: payment of {amount}").format(n=number, amount=amount)
        if due.invoice_days is None:
            self.add(
                f"payment[{number}]",
                what,
                _("on {event}").format(event=from_words),
                opens,
                from_words,
                kind=ItemKind.PAYMENT,
                payment=number,
                amount=payment.amount,
                wording=payment.wording,
            )
            return
        invoices = sorted((i for i in ev.invoices if i.payment == number), key=lambda i: i.date)
        invoice = invoices[0].date if invoices else None
        self.add(
            f"invoice[{number}]",
            _("Instalment {n}: invoice can be issued").format(n=number),
            _("from {event}").format(event=from_words),
            opens,
            from_words,
            kind=ItemKind.PAYMENT,
            done_on=invoice,
            opens=True,
            payment=number,
            amount=payment.amount,
            wording=payment.wording,
        )
        if invoice is not None:
            waits = None
        elif opens is not None:
            waits = _("the invoice for instalment {n} (can be issued from {date})").format(
                n=number, date=opens.isoformat()
            )
        else:
            waits = _("{event}, then the invoice").format(event=from_words)
        self.add(
            f"payment[{number}]",
            what,
            _("within {days} days after the invoice, issued from {event}").format(
                days=due.invoice_days, event=from_words
            ),
            self.after(invoice, days=due.invoice_days) if invoice else None,
            waits,
            kind=ItemKind.PAYMENT,
            payment=number,
            amount=payment.amount,
            wording=payment.wording,
        )


def build_schedule(contract: Contract, calendar: WorkCalendar, today: date) -> Schedule:
    """Every deadline and payment of `contract`, with dates where the events allow, compared with `today`."""
    return _Builder(contract, calendar, today).build()


def next_deadline(contract: Contract, calendar: WorkCalendar, today: date) -> ScheduleItem | None:
    """The contract's most pressing dated item still wanting action, or None."""
    return build_schedule(contract, calendar, today).next_item()


@dataclass
class DueEntry:
    """An item of one contract in the cross-contract `due` list."""

    number: str
    title: str
    item: ScheduleItem

    def as_json(self) -> dict:
        return {"number": self.number, "title": self.title, **self.item.as_json()}


@dataclass
class DueList:
    entries: list[DueEntry]
    warnings: list[str]
    uncovered_years: list[int] = field(default_factory=list)  # as Schedule's


def due_within(contracts: Iterable[Contract], calendar: WorkCalendar, today: date, within_days: int) -> DueList:
    """What falls due up to `within_days` after today across the contracts (overdue included), soonest first."""
    return due_among(((c.number, c.title, build_schedule(c, calendar, today).items) for c in contracts), calendar,
                     today, within_days)


def due_among(schedules: Iterable[tuple[str, str, Iterable[ScheduleItem]]], calendar: WorkCalendar, today: date,
              within_days: int) -> DueList:
    """`due_within` over items already computed, by (number, title, items) — schedules with the steps' deadlines
    and the payments made settled in (app.rules.lifecycle.standing)."""
    horizon = today + timedelta(days=within_days)
    entries: list[DueEntry] = []
    for number, title, items in schedules:
        for item in items:
            if item.date is not None and item.state in ACTIVE_STATES and item.date <= horizon:
                entries.append(DueEntry(number, title, item))
    entries.sort(key=lambda e: (e.item.date, e.number))
    # Only the years the listed dates and the look-ahead reach matter here (covered years, those with a
    # complete-looking schedule, are contiguous, so a date in a covered year was computed without guessing).
    years = set(calendar.uncovered_years(today, horizon))
    for entry in entries:
        if entry.item.date is not None:
            years.update(calendar.uncovered_years(entry.item.date, entry.item.date))
    return DueList(entries, [calendar.uncovered_warning(y) for y in sorted(years)], sorted(years))
