"""The contract ledger (合同台账) and the office's settings on the command line.

    contractdesk ledger [--year Y] [--state S] [--counterparty TEXT] [--xlsx OUT] [--pdf OUT] [--json]
    contractdesk office show | export FILE | import FILE
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _, ngettext
from app.cli.cmd_schedule import parse_count_arg, parse_date_arg
from app.cli.common import open_store, print_json
from app.values.dates import FIRST_YEAR, LAST_YEAR
from app.values.money import format_amount


def register(sub) -> None:
    p = sub.add_parser("ledger", help=_("the contract ledger across all contracts: Excel, PDF or a list"))
    p.add_argument("--year", metavar="YYYY", help=_("only contracts of this year (signed, else drafted)"))
    p.add_argument("--state", metavar="STATE",
                   help=_("draft, in_review, awaiting_approval, approved, signed, filed or archived"))
    p.add_argument("--counterparty", default="", metavar="TEXT", help=_("only counterparties whose name contains this"))
    p.add_argument("--xlsx", metavar="OUT", help=_("write the ledger as an Excel workbook"))
    p.add_argument("--pdf", metavar="OUT", help=_("write the ledger as a PDF"))
    p.add_argument("--json", action="store_true", help=_("print the rows as JSON"))
    p.add_argument("--font", default="auto", help=_("auto, bundled, simsun or fangsong"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
    p.set_defaults(handler=run_ledger)

    p = sub.add_parser("office", help=_("the office's settings: show them, export them to a file, import a file"))
    osub = p.add_subparsers(dest="office_command", metavar="ACTION", required=True, parser_class=type(p))
    q = osub.add_parser("show", help=_("print the settings as the file holds them"))
    q.set_defaults(handler=run_office_show)
    q = osub.add_parser("export", help=_("write the settings to a file for the other desks"))
    q.add_argument("file", metavar="FILE")
    q.set_defaults(handler=run_office_export)
    q = osub.add_parser("import", help=_("take the settings from a file (checked whole first)"))
    q.add_argument("file", metavar="FILE")
    q.set_defaults(handler=run_office_import)


def _stage(text: str | None):
    from app.rules.lifecycle.steps import Stage

    if text is None:
        return None
    try:
        return Stage(text.strip().replace("-", "_"))
    except ValueError as exc:
        choices = ", ".join(s.value for s in Stage)
        raise UserError(_("\"{value}\" is not one of: {choices}").format(value=text, choices=choices), "--state") from exc


def _row_json(row) -> dict:
    def day(value):
        return value.isoformat() if value else None

    return {
        "number": row.number, "title": row.title, "counterparty": row.counterparty, "year": row.year,
        "kind": row.kind.value if row.kind else None,
        "procurement_method": row.procurement.value if row.procurement else None,
        "amount": f"{row.amount:.2f}", "signed_on": day(row.signed_on), "term_start": day(row.term_start),
        "term_end": day(row.term_end), "paid": f"{row.paid:.2f}", "unpaid": f"{row.unpaid:.2f}",
        "next_due": day(row.next_due), "next_due_for": row.next_due_what, "overdue": f"{row.overdue:.2f}",
        "state": row.stage.value, "filed_on": day(row.filed_on), "archived_on": day(row.archived_on),
    }


def run_ledger(args) -> int:
    from app.ops.archive import export_ledger
    from app.ops.standings import all_standings
    from app.rules.ledger import LedgerFilter

    year = parse_count_arg(args.year, "--year", FIRST_YEAR, LAST_YEAR) if args.year else None
    stage = _stage(args.state)
    today = parse_date_arg(args.today, "--today") if args.today else date.today()
    db = open_store(args)
    if args.xlsx or args.pdf:
        done = export_ledger(db, xlsx=Path(args.xlsx) if args.xlsx else None, pdf=Path(args.pdf) if args.pdf else None,
                             year=year, stage=stage, counterparty=args.counterparty, today=today, font=args.font)
        if not args.json:
            for path in done.value.written:
                n = done.value.rows
                print(ngettext("{file}: {n} contract", "{file}: {n} contracts", n).format(file=str(path), n=n))
    rows = LedgerFilter(year, stage, args.counterparty).apply(st.ledger_row() for st in all_standings(db, today))
    if args.json:
        print_json([_row_json(r) for r in rows])
    elif not (args.xlsx or args.pdf):
        for r in rows:
            print(f"{r.number}\t{r.title}\t{r.counterparty}\t{format_amount(r.amount)}\t{format_amount(r.paid)}\t"
                  f"{format_amount(r.unpaid)}\t{r.stage_text}")
        paid = sum((r.paid for r in rows), Decimal("0.00"))
        print(ngettext("{n} contract; paid ¥{paid}", "{n} contracts; paid ¥{paid}", len(rows)).format(
            n=len(rows), paid=format_amount(paid)))
    return 0


def run_office_show(args) -> int:
    import sys

    from app.codecs.office_settings import dumps
    from app.store.lifecycle import load_settings

    sys.stdout.write(dumps(load_settings(open_store(args))))
    return 0


def run_office_export(args) -> int:
    from app.ops.office import export_office_settings

    path = export_office_settings(open_store(args), Path(args.file)).value
    print(_("office settings written to {file}").format(file=str(path)))
    return 0


def run_office_import(args) -> int:
    from app.ops.office import import_office_settings

    settings = import_office_settings(open_store(args), Path(args.file)).value
    print(_("office settings of {office} imported").format(office=settings.office or _("the office")))
    return 0
