"""Schedule subcommands: schedule, due, event, invoice, calendar (list/import/add/remove)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _
from app.cli.common import open_store, print_json
from app.values.dates import FIRST_YEAR, LAST_YEAR, out_of_range

DEFAULT_WITHIN_DAYS = 30


def register(sub) -> None:
    p = sub.add_parser("schedule", help=_("show every deadline and payment of a contract"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", action="store_true", help=_("print the schedule as JSON"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
    p.set_defaults(handler=run_schedule)

    p = sub.add_parser("due", help=_("what falls due soon across all contracts, soonest first"))
    p.add_argument(
        "--within", metavar="DAYS", default=str(DEFAULT_WITHIN_DAYS), help=_("look this many days ahead (default 30)")
    )
    p.add_argument("--json", action="store_true", help=_("print a JSON document"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
    p.add_argument("--ics", metavar="OUT", help=_("also write the items as an iCalendar file (Outlook, WPS, phones)"))
    p.set_defaults(handler=run_due)

    p = sub.add_parser("event", help=_("record (or clear) a dated event of a contract"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument(
        "name", metavar="NAME", help=_("signed_a, signed_b, acceptance_requested, reminder_sent or accepted")
    )
    p.add_argument("date", metavar="DATE", nargs="?", help=_("the day it happened, YYYY-MM-DD"))
    p.add_argument("--clear", action="store_true", help=_("remove the recorded date"))
    p.set_defaults(handler=run_event)

    p = sub.add_parser("invoice", help=_("record an invoice issued for an instalment"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("date", metavar="DATE", help=_("the invoice date, YYYY-MM-DD"))
    p.add_argument("--payment", metavar="N", required=True, help=_("the instalment the invoice is for (1, 2, …)"))
    p.add_argument("--note", default="", help=_("a note, e.g. the invoice number"))
    p.set_defaults(handler=run_invoice)

    p = sub.add_parser("calendar", help=_("the holiday calendar: public holidays and make-up working days"))
    csub = p.add_subparsers(dest="calendar_command", metavar="ACTION", required=True, parser_class=type(p))
    q = csub.add_parser("list", help=_("list the holidays and make-up working days of a year"))
    q.add_argument("--year", metavar="YYYY", help=_("the year (default: this year)"))
    q.add_argument("--json", action="store_true", help=_("print a JSON array"))
    q.set_defaults(handler=run_calendar_list)
    q = csub.add_parser("import", help=_("import a State Council schedule from a CSV file (date,kind,name)"))
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument(
        "--replace-years", action="store_true", help=_("first remove every stored day of the years in the file")
    )
    q.set_defaults(handler=run_calendar_import)
    q = csub.add_parser("add", help=_("add or change one day"))
    q.add_argument("date", metavar="DATE", help=_("YYYY-MM-DD"))
    q.add_argument("kind", metavar="KIND", help=_("holiday or workday (a make-up working day)"))
    q.add_argument("name", metavar="NAME", nargs="?", default="", help=_("e.g. 春节"))
    q.set_defaults(handler=run_calendar_add)
    q = csub.add_parser("remove", help=_("remove one day"))
    q.add_argument("date", metavar="DATE", help=_("YYYY-MM-DD"))
    q.set_defaults(handler=run_calendar_remove)


def parse_date_arg(text: str | None, where: str) -> date:
    from app.codecs.calendar_csv import parse_day

    try:
        day = parse_day(text or "")
    except ValueError as exc:
        raise UserError(_("'{text}' is not a date (YYYY-MM-DD)").format(text=text or ""), where) from exc
    problem = out_of_range(day)
    if problem:
        raise UserError(problem, where)
    return day


def parse_count_arg(text: str, where: str, low: int = 0, high: int = 100_000) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise UserError(_("'{text}' is not a whole number").format(text=text), where) from exc
    if not low <= value <= high:
        raise UserError(_("must be between {low} and {high}").format(low=low, high=high), where)
    return value


def _today(args) -> date:
    return parse_date_arg(args.today, "--today") if args.today else date.today()


def _warn(warnings: list[str], *, uncovered: bool) -> None:
    """Print the warnings; `uncovered`: some are years without a (complete) holiday schedule, so say how to add one."""
    for warning in warnings:
        print(_("warning") + f": {warning}", file=sys.stderr)
    if uncovered:
        print(_("The State Council schedule is imported with: contractdesk calendar import FILE.csv"), file=sys.stderr)


def run_schedule(args) -> int:
    from app.ops.standings import standing

    today = _today(args)
    st = standing(open_store(args), args.number, today)
    contract, schedule = st.contract, st.schedule  # the steps' deadlines first, payments made settled in
    if args.json:
        print_json(schedule.as_json())
        return 0
    print(f"{contract.number}  {contract.title}")
    print(_("as of {date}").format(date=today.isoformat()))
    for item in schedule.items:
        shown = item.date.isoformat() if item.date else "—"
        print(f"{shown:<10}  {item.status:<24}  {item.what}")
        detail = item.rule
        if item.waits_for:
            detail += "; " + _("waits for: {event}").format(event=item.waits_for)
        if item.done_on and item.done_on != item.date:
            detail += "; " + _("done on {date}").format(date=item.done_on.isoformat())
        print(f"{'':<10}  {'':<24}  {detail}")
    _warn(schedule.warnings, uncovered=bool(schedule.uncovered_years))
    return 0


def run_due(args) -> int:
    from app.ops.standings import all_standings
    from app.rules.schedule import due_among
    from app.store.calendar import load_calendar

    within = parse_count_arg(args.within, "--within")
    today = _today(args)
    db = open_store(args)
    calendar = load_calendar(db)
    standings = all_standings(db, today, calendar)
    result = due_among(((st.number, st.contract.title, st.schedule.items) for st in standings), calendar, today, within)
    if args.ics:
        _write_ics(standings, today, within, Path(args.ics), db.path)
    if args.json:
        print_json(
            {
                "today": today.isoformat(),
                "within_days": within,
                "items": [e.as_json() for e in result.entries],
                "warnings": result.warnings,
            }
        )
        return 0
    if not result.entries:
        print(_("nothing falls due within {n} days").format(n=within))
    for entry in result.entries:
        print(f"{entry.item.date}  {entry.item.status:<24}  {entry.number}  {entry.item.what}")
    _warn(result.warnings, uncovered=bool(result.uncovered_years))
    return 0


def _write_ics(standings, today: date, within: int, out: Path, database: Path | None) -> None:
    """What `due` lists, and each contract's renewal milestones, as all-day calendar events (app.reminders); each
    keeps its UID across exports."""
    from datetime import UTC, datetime

    from app.codecs.ics import write_ics
    from app.rules.reminders import calendar_entries
    from app.store.output_targets import check_output_targets

    check_output_targets({"--ics": out}, database)
    sources = [st.reminder_source() for st in standings]
    write_ics(calendar_entries(sources, today, within), out, now=datetime.now(UTC), today=today)


def run_event(args) -> int:
    from app.domain import EVENT_NAMES
    from app.ops.contracts import set_event

    if args.name not in EVENT_NAMES:
        raise UserError(_("unknown event; use one of: {names}").format(names=", ".join(EVENT_NAMES)), args.name)
    if args.clear:
        if args.date:
            raise UserError(_("give either a date or --clear, not both"), args.name)
        when = None
    else:
        if not args.date:
            raise UserError(_("give the date (YYYY-MM-DD) or --clear"), args.name)
        when = parse_date_arg(args.date, args.name)
    db = open_store(args)
    set_event(db, args.number, args.name, when)
    if when is None:
        print(_("{number}: {event} cleared").format(number=args.number, event=args.name))
    else:
        print(_("{number}: {event} = {date}").format(number=args.number, event=args.name, date=when.isoformat()))
    return 0


def run_invoice(args) -> int:
    from app.ops.contracts import add_invoice
    from app.store.contracts import load_versioned

    when = parse_date_arg(args.date, "date")
    db = open_store(args)
    contract, version = load_versioned(db, args.number, rows=False)
    instalment = parse_count_arg(args.payment, "--payment", 1, max(1, len(contract.payments)))
    add_invoice(db, args.number, when, instalment, args.note, expected_version=version)
    print(
        _("{number}: invoice of {date} recorded for instalment {n}").format(
            number=args.number, date=when.isoformat(), n=instalment
        )
    )
    return 0


def run_calendar_list(args) -> int:
    from app.store.calendar import holiday_rows, load_calendar

    year = parse_count_arg(args.year, "--year", FIRST_YEAR, LAST_YEAR) if args.year else date.today().year
    db = open_store(args)
    calendar = load_calendar(db)
    rows = holiday_rows(db, year)
    warnings = [] if year in calendar.covered_years else [calendar.uncovered_warning(year)]
    if args.json:
        print_json([{"date": r.day.isoformat(), "kind": r.kind.value, "name": r.name} for r in rows])
    else:
        for r in rows:
            print(f"{r.day.isoformat()}\t{r.kind.value}\t{r.name}")
    _warn(warnings, uncovered=bool(warnings))
    return 0


def run_calendar_import(args) -> int:
    from app.codecs.calendar_csv import read_calendar_csv
    from app.ops.calendar import set_days
    from app.store.calendar import load_calendar

    days = read_calendar_csv(Path(args.file))  # every line checked before the database is opened
    db = open_store(args)
    years = sorted({d.day.year for d in days})
    set_days(db, days, clear_years=years if args.replace_years else ())
    print(_("{n} days imported for {years}").format(n=len(days), years=", ".join(map(str, years))))
    calendar = load_calendar(db)
    missing = [y for y in years if y not in calendar.covered_years]
    _warn([calendar.uncovered_warning(y) for y in missing], uncovered=bool(missing))
    return 0


def run_calendar_add(args) -> int:
    from app.codecs.calendar_csv import day_problem, parse_kind
    from app.domain.calendar import HolidayDay
    from app.ops.calendar import set_days

    day = parse_date_arg(args.date, "date")
    kind = parse_kind(args.kind)
    if kind is None:
        raise UserError(_("kind must be holiday or workday, not '{text}'").format(text=args.kind), "kind")
    problem = day_problem(day, kind)
    if problem:
        raise UserError(problem, "date")
    db = open_store(args)
    set_days(db, [HolidayDay(day, kind, args.name)])
    print(f"{day.isoformat()}\t{kind.value}\t{args.name}")
    return 0


def run_calendar_remove(args) -> int:
    from app.ops.calendar import remove_day

    day = parse_date_arg(args.date, "date")
    db = open_store(args)
    remove_day(db, day)
    print(_("{date} removed").format(date=day.isoformat()))
    return 0
