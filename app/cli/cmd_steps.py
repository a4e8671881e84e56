"""The contract's steps on the command line: step (record one, skip one, send back), steps (where it stands),
ledger-entry (kind, procurement method, major, term).

    contractdesk step NUMBER checked DATE --result passed
    contractdesk step NUMBER review-sent DATE --office 县司法局
    contractdesk step NUMBER paused DATE --note "向市场监管局核实"   (outside investigation: not counted)
    contractdesk step NUMBER resumed DATE
    contractdesk step NUMBER opinion DATE --conclusion agreed [--file OPINION.pdf]
    contractdesk step NUMBER approved DATE --approver leader_in_charge --by 王副县长 [--file SHEET.pdf]
    contractdesk step NUMBER registered DATE --reference 测合登〔2025〕112号
    contractdesk step NUMBER sealed DATE --copies 4 --requested-by 李四 --approved-by 张主任
    contractdesk step NUMBER filed DATE --office 县司法局
    contractdesk step NUMBER archived DATE [--reference 2026-长期-012]
    contractdesk step NUMBER returned DATE --reason "金额调整，重新审查"
    contractdesk step NUMBER skip STEP [DATE] --reason "采用省级示范文本"
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.base.errors import UserError
from app.base.i18n import _
from app.cli.cmd_schedule import parse_count_arg, parse_date_arg
from app.cli.common import open_store, print_json

#: The command line's names for the events (hyphens, as commands are typed).
ACTIONS = ("checked", "review-sent", "paused", "resumed", "opinion", "approved", "registered", "sealed", "filed",
           "archived", "returned", "skip")


def _choice(text: str, enum, where: str):
    value = text.strip().replace("-", "_")
    try:
        return enum(value)
    except ValueError as exc:
        choices = ", ".join(v.value.replace("_", "-") for v in enum)
        raise UserError(_("\"{value}\" is not one of: {choices}").format(value=text, choices=choices), where) from exc


def register(sub) -> None:
    p = sub.add_parser("step", help=_("record a step of the contract (review, approval, sealing, filing …) or skip one"))
    p.add_argument("number", metavar="NUMBER")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))

    def action(name: str, help: str, *, dated: bool = True):
        q = actions.add_parser(name, help=help)
        if dated:
            q.add_argument("date", metavar="DATE", help=_("the day it happened, YYYY-MM-DD"))
        q.add_argument("--note", default="", help=_("a note kept with the step"))
        q.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
        q.set_defaults(handler=run_step)
        return q

    q = action("checked", _("the counterparty's standing was checked"))
    q.add_argument("--result", required=True, help=_("passed, concerns or failed"))
    q.add_argument("--file", metavar="FILE", help=_("attach the licence or check record with it"))
    q = action("review-sent", _("sent to the legal office for legality review"))
    q.add_argument("--office", default="", help=_("the legal office it went to"))
    action("paused", _("the legal office starts an outside investigation (its days are not counted)"))
    action("resumed", _("the outside investigation ended"))
    q = action("opinion", _("the legality review opinion was received"))
    q.add_argument("--conclusion", required=True, help=_("agreed, agreed-with-changes or not-agreed"))
    q.add_argument("--file", metavar="FILE", help=_("attach the opinion with it"))
    q = action("approved", _("approved by the level the amount needs (or a higher one)"))
    q.add_argument("--approver", required=True,
                   help=_("department-head, leader-in-charge, principal, office-meeting or executive-meeting"))
    q.add_argument("--by", dest="approved_by", default="", help=_("who approved it (a person or a meeting)"))
    q.add_argument("--file", metavar="FILE", help=_("attach the approval sheet with it"))
    q = action("registered", _("registered with an internal number"))
    q.add_argument("--reference", required=True, help=_("the registration number"))
    q = action("sealed", _("an entry in the seal register (one per use of the seal)"))
    q.add_argument("--copies", required=True, help=_("how many copies were sealed"))
    q.add_argument("--requested-by", dest="requested_by", required=True, help=_("who asked for the seal"))
    q.add_argument("--approved-by", dest="approved_by", required=True, help=_("who allowed the use of the seal"))
    q = action("filed", _("filed with an office (one entry per office)"))
    q.add_argument("--office", required=True, help=_("the office it was filed with"))
    q = action("archived", _("handed to the archive"))
    q.add_argument("--reference", default="", help=_("the archive's file number, if it gives one"))
    q = action("returned", _("sent back for changes (before sealing): the review and what follows are done again"))
    q.add_argument("--reason", required=True, help=_("why it was sent back"))
    q = action("skip", _("skip a step, with a reason (kept in the audit trail)"), dated=False)
    q.add_argument("step", metavar="STEP",
                   help=_("counterparty-check, review, opinion, approval, registration, sealing or filing"))
    q.add_argument("date", metavar="DATE", nargs="?", help=_("the day it was decided (default: today)"))
    q.add_argument("--reason", required=True, help=_("why the step is skipped"))

    p = sub.add_parser("steps", help=_("show the contract's steps, their deadlines and the seal register"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", action="store_true", help=_("print a JSON document"))
    p.add_argument("--today", metavar="YYYY-MM-DD", help=_("compare with this day instead of today"))
    p.set_defaults(handler=run_steps)

    p = sub.add_parser("ledger-entry",
                       help=_("show or set what the ledger records of a contract: kind, procurement method, major, term"))
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--kind", help=_("procurement, construction, service, lease, transfer, concession, cooperation or other"))
    p.add_argument("--procurement", metavar="METHOD", help=_("open-tender, invited-tender, competitive-negotiation, "
                                                             "competitive-consultation, single-source, "
                                                             "request-for-quotation, framework-agreement, direct or "
                                                             "not-applicable"))
    major = p.add_mutually_exclusive_group()
    major.add_argument("--major", dest="major", action="store_true", default=None, help=_("mark it a major contract"))
    major.add_argument("--not-major", dest="major", action="store_false", help=_("clear the major mark"))
    p.add_argument("--term", nargs=2, metavar=("START", "END"), help=_("the contract's term, YYYY-MM-DD YYYY-MM-DD"))
    p.add_argument("--json", action="store_true", help=_("print a JSON document"))
    p.set_defaults(handler=run_ledger_entry)


def _today(args) -> date:
    return parse_date_arg(args.today, "--today") if getattr(args, "today", None) else date.today()


def _event(args, today: date):
    from app.codecs.office_settings import Approver
    from app.rules.lifecycle.steps import CheckResult, Conclusion, Event, EventKind, Step

    note = args.note.strip()
    if args.action == "skip":
        when = parse_date_arg(args.date, "DATE") if args.date else today
        return Event(EventKind.SKIPPED, when, step=_choice(args.step, Step, "STEP"), note=args.reason.strip())
    when = parse_date_arg(args.date, "DATE")
    kind = {
        "checked": EventKind.COUNTERPARTY_CHECKED, "review-sent": EventKind.REVIEW_SENT,
        "paused": EventKind.REVIEW_PAUSED, "resumed": EventKind.REVIEW_RESUMED,
        "opinion": EventKind.OPINION_RECEIVED, "approved": EventKind.APPROVED, "registered": EventKind.REGISTERED,
        "sealed": EventKind.SEALED, "filed": EventKind.FILED, "archived": EventKind.ARCHIVED,
        "returned": EventKind.RETURNED,
    }[args.action]
    details: dict = {}
    if kind is EventKind.COUNTERPARTY_CHECKED:
        details["result"] = _choice(args.result, CheckResult, "--result")
    elif kind is EventKind.OPINION_RECEIVED:
        details["conclusion"] = _choice(args.conclusion, Conclusion, "--conclusion")
    elif kind is EventKind.APPROVED:
        details["approver"] = _choice(args.approver, Approver, "--approver")
        details["approved_by"] = args.approved_by.strip()
    elif kind is EventKind.SEALED:
        details.update(copies=parse_count_arg(args.copies, "--copies", 1, 1000),
                       requested_by=args.requested_by.strip(), approved_by=args.approved_by.strip())
    elif kind in (EventKind.REVIEW_SENT, EventKind.FILED):
        details["office"] = args.office.strip()
    elif kind in (EventKind.REGISTERED, EventKind.ARCHIVED):
        details["reference"] = args.reference.strip()
    elif kind is EventKind.RETURNED:
        note = args.reason.strip()
    return Event(kind, when, note=note, **details)


def run_step(args) -> int:
    from app.ops.lifecycle import NewFile, record_step

    today = _today(args)
    event = _event(args, today)
    file = NewFile.read(Path(args.file)) if getattr(args, "file", None) else None
    db = open_store(args)
    lifecycle = record_step(db, args.number, event, file=file, today=today).value
    step = event.for_step
    view = lifecycle.view(step)
    if event.kind.value == "skipped":
        print(_("{number}: {step} skipped: {reason}").format(number=args.number, step=step.label, reason=event.note))
    else:
        print(_("{number}: {step}: {status}").format(number=args.number, step=step.label, status=view.status))
    current = lifecycle.current
    if current is not None:
        nxt = lifecycle.view(current)
        print(_("next: {step} ({status})").format(step=current.label, status=nxt.status))
    return 0


def steps_json(st) -> dict:
    from app.store.lifecycle import event_json

    lc = st.lifecycle
    return {
        "number": st.number,
        "stage": lc.stage.value,
        "required_approval": lc.required_approval.approver.value,
        "major": lc.major,
        "steps": [{
            "step": v.step.value, "state": v.state.value, "status": v.status,
            "done_on": v.done_on.isoformat() if v.done_on else None, "detail": v.detail, "reason": v.reason,
            "deadline": v.item.as_json() if v.item is not None else None,
        } for v in lc.steps],
        "seal_register": [event_json(e) for e in lc.seal_register],
        "events": [event_json(e) for e in lc.events],
        "record": st.record.as_json(),
    }


def run_steps(args) -> int:
    from app.ops.standings import standing

    today = _today(args)
    st = standing(open_store(args), args.number, today)
    if args.json:
        print_json(steps_json(st))
        return 0
    lc = st.lifecycle
    print(f"{st.number}  {st.contract.title}")
    print(_("as of {date}: {stage}; approval needed: {level}").format(
        date=today.isoformat(), stage=lc.stage_text, level=lc.required_approval.label))
    for v in lc.steps:
        when = v.done_on.isoformat() if v.done_on else (v.item.date.isoformat() if v.item and v.item.date else "—")
        print(f"{when:<10}  {v.step.label}  {v.status}  {v.detail}".rstrip())
    if lc.seal_register:
        print(_("Seal register:"))
        for e in lc.seal_register:
            copies = str(e.copies) if e.copies is not None else "—"
            print(f"  {e.on.isoformat()}  {copies}  {e.requested_by}  {e.approved_by}".rstrip())
    return 0


def run_ledger_entry(args) -> int:
    from app.domain.kinds import ContractKind, ProcurementMethod
    from app.ops.lifecycle import change_record, contract_record

    db = open_store(args)
    changes: dict = {}
    if args.kind is not None:
        changes["kind"] = _choice(args.kind, ContractKind, "--kind") if args.kind.strip() else None
    if args.procurement is not None:
        changes["procurement"] = (_choice(args.procurement, ProcurementMethod, "--procurement")
                                  if args.procurement.strip() else None)
    if args.major is not None:
        changes["major"] = args.major
    if args.term is not None:
        changes["term_start"] = parse_date_arg(args.term[0], "--term")
        changes["term_end"] = parse_date_arg(args.term[1], "--term")
    record = change_record(db, args.number, changes).value if changes else contract_record(db, args.number)
    if args.json:
        print_json(record.as_json())
        return 0
    term = ""
    if record.term_start or record.term_end:
        term = f"{record.term_start or ''} — {record.term_end or ''}"
    for label, value in ((_("Contract kind"), record.kind.label if record.kind else ""),
                         (_("Procurement method"), record.procurement.label if record.procurement else ""),
                         (_("Major contract"), _("yes") if record.major else _("no")),
                         (_("Contract term"), term)):
        print(f"{label}: {value}")
    return 0
