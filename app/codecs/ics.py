"""Reminders as an iCalendar file (RFC 5545) that Outlook, WPS and phone calendars import.

Each reminder is an all-day event on its date (DTSTART;VALUE=DATE, DTEND the next day), free time, with an
alarm at 09:00 the day before. Its UID depends only on the contract and the item, so importing a newer file
updates the events instead of doubling them. Written with the `icalendar` package.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from app.base.fileio import atomic_write_bytes
from app.base.i18n import _
from app.rules.reminders import Reminder

PRODUCT_ID = "-//ContractDesk//ContractDesk//ZH"
#: The alarm: 15 hours before the (midnight) start of the day, i.e. 09:00 the day before.
ALARM_BEFORE = timedelta(hours=15)


def summary(reminder: Reminder) -> str:
    """【付款】Instalment 1: payment of ¥…（CMHA-AY-202500441）, in the user's language."""
    return _("[{kind}] {what} ({number})").format(kind=reminder.kind.label, what=reminder.what, number=reminder.number)


def _description(reminder: Reminder, today_text: str) -> str:
    lines = [reminder.title, reminder.rule, _("As of {date}: {status}").format(date=today_text, status=reminder.status)]
    return "\n".join(line for line in lines if line)


def ics_bytes(reminders: Iterable[Reminder], *, now: datetime, today: date) -> bytes:
    """The calendar as bytes; `now` (timezone-aware) stamps each event (DTSTAMP), so newer files win; `today`
    is the day the reminders' states were computed for, which each description names."""
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("ContractDesk: due dates"))
    today_text = today.isoformat()
    for r in reminders:
        event = Event()
        event.add("uid", r.uid)
        event.add("dtstamp", now)
        event.add("last-modified", now)
        event.add("dtstart", r.date)
        event.add("dtend", r.date + timedelta(days=1))
        event.add("summary", summary(r))
        event.add("description", _description(r, today_text))
        event.add("categories", [r.kind.label])
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(r))
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def write_ics(reminders: Iterable[Reminder], out: Path, *, now: datetime, today: date) -> None:
    """Write the calendar file atomically."""
    atomic_write_bytes(out, ics_bytes(reminders, now=now, today=today))
