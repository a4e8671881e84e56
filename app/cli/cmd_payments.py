"""Payments made on the command line: pay (record one, or remove one recorded by mistake) and payments (what each
instalment has had paid, what is unpaid and how late).

    contractdesk pay NUMBER --payment 1 2026-03-03 10000.00 --voucher 记-0301
    contractdesk pay NUMBER --remove 3 --reason "凭证号录错"
    contractdesk payments NUMBER [--json]
"""

from __future__ import annotations

from datetime import date

from app.base.errors import UserError
from app.base.i18n import _
from app.cli.cmd_schedule import parse_count_arg, parse_date_arg
from app.cli.common import open_store, print_json
from app.values.money import format_amount


def register(sub) -> None:
    p = sub.add_parser("pay", help=_("record a payment made on an instalment (part payments allowed)"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--payment", nargs=3, metavar=("N", "DATE", "AMOUNT"),
                   help=_("the instalment it pays (1, 2, …), the day it was paid (YYYY-MM-DD) and the amount"))
    p.add_argument("--voucher", default="", metavar="NO", help=_("the voucher number"))
    p.add_argument("--note", default="", help=_("a note kept with the payment"))
    p.add_argument("--remove", metavar="ID", help=_("remove the payment with this id (see `payments`)"))
    p.add_argument("--reason", default="", help=_("why a payment is removed"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
    p.set_defaults(handler=run_pay)

    p = sub.add_parser("payments", help=_("the payments made on each instalment: paid, unpaid and how late"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", action="store_true", help=_("print a JSON document"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
    p.set_defaults(handler=run_payments)


def _today(args) -> date:
    return parse_date_arg(args.today, "--today") if args.today else date.today()


def parse_amount_arg(text: str, where: str):
    from app.values.money import AmountError, parse_amount

    try:
        return parse_amount(text)
    except AmountError as exc:
        raise UserError(_("'{text}' is not an amount: {reason}").format(text=text, reason=exc.message), where) from exc


def run_pay(args) -> int:
    from app.ops.payments import record_payment, remove_payment
    from app.rules.payments_made import PaymentMade

    if args.remove is not None:
        if args.payment:
            raise UserError(_("give either a payment to record or --remove, not both"), "--remove")
        payment_id = parse_count_arg(args.remove, "--remove", 1, 2**31 - 1)
        removed = remove_payment(open_store(args), args.number, payment_id, reason=args.reason).value
        p = removed.payment
        print(_("{number}: payment {id} removed (instalment {n}, {date}, ¥{amount})").format(
            number=args.number, id=removed.id, n=p.instalment, date=p.paid_on.isoformat(),
            amount=format_amount(p.amount)))
        return 0
    if not args.payment:
        raise UserError(_("give the payment: pay NUMBER --payment N DATE AMOUNT"), "--payment")
    number, day, amount = args.payment
    payment = PaymentMade(parse_count_arg(number, "--payment", 1, 10_000), parse_date_arg(day, "DATE"),
                          parse_amount_arg(amount, "AMOUNT"), args.voucher, args.note)
    stored = record_payment(open_store(args), args.number, payment, today=_today(args)).value
    print(_("{number}: ¥{amount} paid on {date} for instalment {n} (payment {id})").format(
        number=args.number, amount=format_amount(stored.payment.amount), date=stored.payment.paid_on.isoformat(),
        n=stored.payment.instalment, id=stored.id))
    return 0


def run_payments(args) -> int:
    from app.ops.standings import standing

    st = standing(open_store(args), args.number, _today(args))
    totals = st.totals
    if args.json:
        print_json({
            "number": st.number,
            "total": f"{st.contract.total:.2f}",
            "paid": f"{totals.paid:.2f}",
            "unpaid": f"{totals.unpaid:.2f}",
            "overdue": f"{totals.overdue:.2f}",
            "instalments": [{
                "instalment": i.no, "amount": f"{i.amount:.2f}" if i.amount is not None else None,
                "due": i.due.isoformat() if i.due else None, "paid": f"{i.paid:.2f}", "unpaid": f"{i.unpaid:.2f}",
                "settled_on": i.settled_on.isoformat() if i.settled_on else None, "late_days": i.late_days,
                "status": i.status,
            } for i in st.instalments],
            "payments": [p.as_json() for p in st.payments],
        })
        return 0
    print(f"{st.number}  {st.contract.title}")
    for i in st.instalments:
        amount = format_amount(i.amount) if i.amount is not None else "—"
        due = i.due.isoformat() if i.due else "—"
        print(_("instalment {n}: ¥{amount}, due {due}: {status}").format(n=i.no, amount=amount, due=due,
                                                                         status=i.status))
    for p in st.payments:
        m = p.payment
        print(f"  #{p.id}  {m.paid_on.isoformat()}  {m.instalment}  ¥{format_amount(m.amount)}  {m.voucher}  "
              f"{m.note}".rstrip())
    print(_("paid ¥{paid}, unpaid ¥{unpaid}, overdue ¥{overdue}").format(
        paid=format_amount(totals.paid), unpaid=format_amount(totals.unpaid), overdue=format_amount(totals.overdue)))
    return 0
