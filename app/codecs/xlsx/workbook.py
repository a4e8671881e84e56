"""The Excel packet: summary, payment schedule and one sheet per cost-table annex, with live formulas that carry
their computed results (see sheetdata), ruled tables, wrapped text and print setup (see sheet).

Written in openpyxl's write-only (streaming) mode with the rows rendered as XML, so a 20,000-row table stays
fast and small in memory. User text is always written as a string cell, never as a formula (formula
injection: a vendor's "=HYPERLINK(…)" must stay text). The workbook names its contract in a custom document
property as well as on the summary sheet and each table sheet, so the import can tell a packet of another
contract even when a sheet was deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty

from app.base.errors import UserError
from app.base.fileio import atomic_path, os_reason
from app.base.i18n import N_, _, ngettext
from app.codecs.xlsx.cost_sheet import write_cost_sheet
from app.codecs.xlsx.layout import CONTRACT_PROPERTY, NUMBER_LABEL, SUMMARY_SHEET, TOTAL_LABEL, annex_sheet_name
from app.codecs.xlsx.payments import payment_lines
from app.codecs.xlsx.sheet import (
    DATE_FORMAT,
    INTEGER_FORMAT,
    MONEY_FORMAT,
    PORTRAIT_WIDTH,
    Sheet,
    display_width,
    fit_widths,
)
from app.codecs.xlsx.sheetdata import splice
from app.domain import PARTY_ROLES, Contract, CostTable, TotalKind, party_name
from app.rules.field_text import describe_target
from app.values.money import format_amount, rmb_upper

#: Report progress (and honour a cancel request) every this many rows.
PROGRESS_STEP = 1000
#: Widest a wrapping text column of the summary and payment sheets starts (characters).
TEXT_CAP = 50


class ExportCancelled(UserError):
    """The user cancelled a long export; nothing was written."""


@dataclass
class XlsxOptions:
    """What `export_xlsx` writes besides the workbook itself.

    `schedule`: a computed payment schedule (``app.rules.schedule.Schedule``) for the due dates; without it
    the sheet shows the rules and what each date waits for. `progress(done, total)` is called every
    PROGRESS_STEP table rows; `cancelled()` returning True stops the export (ExportCancelled).
    """

    sign_with: Path | None = None
    #: The password of `sign_with`, asked by the caller (the core never asks).
    password: bytes = b""
    schedule: Any = None
    progress: Callable[[int, int], None] | None = None
    cancelled: Callable[[], bool] | None = None
    #: With include_review, a 审阅 (Review) sheet lists these comments (app.domain.comment.Comment).
    include_review: bool = False
    review_comments: list = field(default_factory=list)
    #: What stands against the contract (app.review.obstacles, one line each): when any, the summary sheet's
    #: first row marks the workbook as a draft that has not passed the check and lists them.
    draft_problems: list[str] = field(default_factory=list)

    #: The contract's digest and audit-chain head (app.store.anchor.Anchor), kept in the custom document
    #: properties so `audit --verify --against` can check the database against the packet.
    anchor: Any = None


def _serial(day: date) -> int:
    """A date as Excel's serial day number (1900 date system)."""
    return (day - date(1899, 12, 30)).days


def _quote(text: str) -> str:
    """A string literal inside a formula."""
    return '"' + text.replace('"', '""') + '"'


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def _summary_rows(c: Contract) -> list[tuple[str, Any]]:
    payee = c.party(c.payee)
    bank = payee.bank
    terms = c.terms
    rows: list[tuple[str, Any]] = [
        (_(NUMBER_LABEL), c.number),
        (_("Party A's number"), c.party_a_number),
        (_("Party B's number"), c.party_b_number),
        (_("Title"), c.title),
        (_("Project"), c.project),
        (_("Drafted"), c.drafted),
        (_("Status"), c.status.label),
        (_("Jurisdiction"), c.jurisdiction),
    ]
    for role, label in ((r, party_name(r)) for r in PARTY_ROLES):
        p = c.party(role)
        rows += [
            (label, p.name),
            (_("{party}: representative").format(party=label), p.representative),
            (_("{party}: address").format(party=label), p.address),
            (_("{party}: credit code").format(party=label), p.credit_code),
        ]
    rows += [
        (_("Payee"), payee.name),
        (_("Account name"), bank.account_name if bank else ""),
        (_("Bank"), bank.bank_name if bank else ""),
        (_("Account number"), bank.account_no if bank else ""),
        (_("Bank address"), bank.address if bank else ""),
        (_("Phone"), bank.phone if bank else ""),
        (_("Currency"), c.currency),
        (_("Total"), c.total),
        (_("Total in words"), rmb_upper(c.total)),
        (_("Tax inclusive"), _yes_no(c.tax_inclusive)),
        (_("Fixed price"), _yes_no(c.fixed_price)),
        (_("Delivery (days)"), terms.delivery_days),
        (_("Maintenance (months)"), terms.maintenance_months),
        (_("Acceptance request (days)"), terms.acceptance_request_days),
        (_("Acceptance (working days)"), terms.acceptance_working_days),
        (_("Reminder (working days)"), terms.reminder_working_days),
        (_("Change notice (days)"), terms.change_notice_days),
        (_("Copies"), _("{total} (Party A {a}, Party B {b})").format(
            total=terms.copies.total, a=terms.copies.a, b=terms.copies.b)),
        (_("Signed by Party A"), c.events.signed_a),
        (_("Signed by Party B"), c.events.signed_b),
        (_("Effective"), c.events.effective),
        (_("Acceptance requested"), c.events.acceptance_requested),
        (_("Reminder sent"), c.events.reminder_sent),
        (_("Accepted"), c.events.accepted),
    ]
    for inv in c.events.invoices:
        what = _("Invoice for instalment {n}").format(n=inv.payment) if inv.payment else _("Invoice")
        rows.append((what, inv.date))
    return rows


class _Cells:
    """Renders label/value cells of the small sheets with their styles."""

    def __init__(self, sheet: Sheet) -> None:
        st = sheet.style
        self.sheet, self.out = sheet, sheet.rows
        self.header = st(bold=True, wrap=True, align="center", border=True, header=True)
        self.label = st(bold=True, border=True, wrap=True)
        self.text = st(border=True, wrap=True)
        self.money = st(fmt=MONEY_FORMAT, border=True)
        self.money_bold = st(fmt=MONEY_FORMAT, bold=True, border=True)
        self.integer = st(fmt=INTEGER_FORMAT, border=True)
        self.date = st(fmt=DATE_FORMAT, border=True)
        self.bold_text = st(bold=True, border=True, wrap=True)

    def value(self, ref: str, value: Any) -> str:
        out = self.out
        if isinstance(value, Decimal):
            return out.number(ref, value, self.money)
        if isinstance(value, date):
            return out.date(ref, _serial(value), self.date)
        if isinstance(value, bool):
            return out.text(ref, _yes_no(value), self.text)
        if isinstance(value, int):
            return out.number(ref, value, self.integer)
        if value is None:
            return f'<c r="{ref}" s="{self.text}"/>'
        return out.text(ref, str(value), self.text) or f'<c r="{ref}" s="{self.text}"/>'


#: The summary sheet's first row when the packet has not passed the check.
DRAFT_LABEL = N_("Draft — check not passed")
#: The most problems that row lists (the 校验 tab and `contractdesk check` have them all).
DRAFT_LINES = 10


def _draft_text(problems: list[str]) -> str:
    shown = problems[:DRAFT_LINES]
    more = len(problems) - len(shown)
    return "\n".join(shown + ([ngettext("… and {n} more", "… and {n} more", more).format(n=more)] if more else []))


def _write_summary(sheet: Sheet, c: Contract, draft_problems: list[str] | None = None) -> None:
    rows = _summary_rows(c)
    if draft_problems:
        rows.insert(0, (_(DRAFT_LABEL), _draft_text(draft_problems)))
    values = [v if isinstance(v, str) else "" for _label, v in rows]
    label_width = max(display_width(label) for label, _v in rows) + 2
    value_width = min(max(display_width(v) for v in [*values, "0" * 16]), TEXT_CAP) + 2
    sheet.set_widths([label_width, value_width], {0, 1})
    cells = _Cells(sheet)
    out = sheet.rows
    out.add([out.text("A1", _("Field"), cells.header), out.text("B1", _("Value"), cells.header)])
    for label, value in rows:
        r = out.next_row
        shown = value if isinstance(value, str) else ""
        out.add([out.text(f"A{r}", label, cells.label), cells.value(f"B{r}", value)],
                height=sheet.height({0: label, 1: shown}))
    sheet.ws.freeze_panes = "A2"
    sheet.print_setup(title_rows="1:1", columns=2, last_row=out.count)


def _write_payments(sheet: Sheet, c: Contract, schedule: Any) -> None:
    lines = payment_lines(c, schedule)
    headers = [_("No."), _("Amount"), _("Rule"), _("Due date"), _("Waits for")]
    ceiling = any(CostTable.of(a.table).total_kind is TotalKind.CEILING for a in c.annexes if a.table is not None)
    labels = [_(TOTAL_LABEL), _("Contract ceiling") if ceiling else _("Contract total"), _("Check")]
    widths = [float(display_width(h)) for h in headers]
    widths[0] = max(widths[0], *(display_width(label) for label in labels))
    widths[1] = max(widths[1], 16, len(format_amount(c.total)) + 1)
    widths[3] = max(widths[3], 12)
    for line in lines:
        widths[2] = max(widths[2], min(display_width(line.rule), TEXT_CAP))
        widths[4] = max(widths[4], min(display_width(line.waits_for), 30))
    # the rule and what it waits for wrap: narrowed first, so the schedule prints on portrait A4
    sheet.set_widths(fit_widths([w + 2 for w in widths], {2: 20, 4: 10}, PORTRAIT_WIDTH), {1, 2, 4})
    cells = _Cells(sheet)
    out = sheet.rows
    out.add([out.text(f"{out.letter(i)}1", h, cells.header) for i, h in enumerate(headers)])
    for line in lines:
        r = out.next_row
        out.add([
            out.number(f"A{r}", line.no, cells.integer),
            out.number(f"B{r}", line.amount, cells.money) or f'<c r="B{r}" s="{cells.money}"/>',
            out.text(f"C{r}", line.rule, cells.text) or f'<c r="C{r}" s="{cells.text}"/>',
            out.date(f"D{r}", _serial(line.due), cells.date) if line.due else f'<c r="D{r}" s="{cells.date}"/>',
            out.text(f"E{r}", line.waits_for, cells.text) or f'<c r="E{r}" s="{cells.text}"/>',
        ], height=sheet.height({2: line.rule, 4: line.waits_for}))
    first, last = 2, out.count
    paid = sum((line.amount or Decimal(0) for line in lines), Decimal("0.00"))
    total_row = out.next_row
    out.add([out.text(f"A{total_row}", _(TOTAL_LABEL), cells.bold_text),
             out.formula(f"B{total_row}", f"SUM(B{first}:B{last})" if lines else "0", cells.money_bold, paid)])
    contract_row = out.next_row
    out.add([out.text(f"A{contract_row}", labels[1], cells.bold_text),
             out.number(f"B{contract_row}", c.total, cells.money_bold)])
    if ceiling:
        ok, bad = _("OK: the instalments stay within the contract's ceiling"), _(
            "MISMATCH: the instalments exceed the contract's ceiling")
        test = f"ROUND(B{total_row}-B{contract_row},2)<=0"
        passed = paid <= c.total
    else:
        ok, bad = _("OK: the instalments add up to the contract total"), _(
            "MISMATCH: the instalments do not add up to the contract total")
        test = f"ROUND(B{total_row}-B{contract_row},2)=0"
        passed = paid == c.total
    r = out.next_row
    out.add([out.text(f"A{r}", _("Check"), cells.bold_text),
             out.formula(f"B{r}", f"IF({test},{_quote(ok)},{_quote(bad)})", cells.bold_text, ok if passed else bad)],
            height=sheet.height({1: ok if passed else bad}))
    sheet.ws.freeze_panes = "A2"
    sheet.print_setup(title_rows="1:1", columns=5, last_row=out.count)


def _tick(options: XlsxOptions, done: int, total: int) -> None:
    if options.cancelled is not None and options.cancelled():
        raise ExportCancelled(_("export cancelled"))
    if options.progress is not None:
        options.progress(done, total)


def _build(contract: Contract, options: XlsxOptions) -> tuple[Workbook, list[Sheet]]:
    """The packet as a write-only workbook, plus its sheets, whose rows are spliced in after it is saved."""
    wb = Workbook(write_only=True)
    wb.custom_doc_props.append(StringProperty(name=CONTRACT_PROPERTY, value=contract.number))
    if options.anchor is not None:
        from app.codecs.anchor import xlsx_values

        for name, value in xlsx_values(options.anchor):
            wb.custom_doc_props.append(StringProperty(name=name, value=value))
    taken: set[str] = set()
    summary = Sheet(wb, _(SUMMARY_SHEET), taken)
    payments = Sheet(wb, _("Payment schedule"), taken)
    sheets = [summary, payments]
    tables = [a for a in contract.annexes if a.table is not None]
    grand = sum(len(a.table or []) for a in tables)
    done = 0
    for annex in tables:
        sheet = Sheet(wb, annex_sheet_name(annex.no, annex.title), taken)
        sheets.append(sheet)
        base = done

        def tick(n: int, base: int = base) -> None:
            if n % PROGRESS_STEP == 0:
                _tick(options, base + n, grand)

        done += write_cost_sheet(sheet, annex, contract, tick)
    _tick(options, done, grand)
    _write_summary(summary, contract, options.draft_problems)
    _write_payments(payments, contract, options.schedule)
    if options.include_review:
        review = Sheet(wb, _("Review"), taken)
        sheets.append(review)
        _write_review(review, options.review_comments)
    return wb, sheets


def _write_review(sheet: Sheet, comments: list) -> None:
    """The 审阅 sheet: one row per comment, open ones first."""
    headers = [_("Comment id"), _("On"), _("Comment"), _("Author"), _("Written"), _("State"), _("Resolved by")]
    rows = sorted(comments, key=lambda c: (not c.is_open, c.created_at))
    sheet.set_widths([10, 20, 60, 12, 20, 10, 12], {1, 2})
    cells = _Cells(sheet)
    out = sheet.rows
    out.add([out.text(f"{out.letter(i)}1", h, cells.header) for i, h in enumerate(headers)])
    for c in rows:
        r = out.next_row
        values = [c.uid[:8], describe_target(c.target_kind, c.target), c.text, c.author, c.created_at[:19].replace("T", " "),
                  _("open") if c.is_open else _("resolved"), c.resolved_by or ""]
        out.add([cells.value(f"{out.letter(i)}{r}", v) for i, v in enumerate(values)],
                height=sheet.height({1: values[1], 2: values[2]}))
    sheet.ws.freeze_panes = "A2"
    sheet.print_setup(title_rows="1:1", columns=len(headers), last_row=out.count)


def export_xlsx(contract: Contract, out: Path, options: XlsxOptions | None = None) -> None:
    """Write the workbook atomically; with `sign_with`, also OUT.xlsx.p7s (detached CMS over its bytes).

    Credentials are read first, so a wrong password leaves no file behind. An unsigned export removes
    a stale OUT.xlsx.p7s, which could only report the new workbook as changed.
    """
    from app.codecs.signing.cms import sign_bytes, signature_path

    options = options or XlsxOptions()
    out = Path(out)
    credentials = None
    if options.sign_with is not None:
        from app.codecs.signing.credentials import load_p12

        credentials = load_p12(options.sign_with, options.password)
    sig_path = signature_path(out)
    # The target is checked (a folder, an unwritable place) before openpyxl's sheet writers are started:
    # a writer left open is only closed, noisily, by the garbage collector.
    with atomic_path(out) as tmp:
        wb, sheets = _build(contract, options)
        try:
            wb.save(tmp)
            splice(tmp, {sheet.ws.path.lstrip("/"): (sheet.rows, max(len(sheet.widths), 1)) for sheet in sheets})
        except OSError as exc:
            raise UserError(_("cannot write the file: {error}").format(error=os_reason(exc)), str(out)) from exc
        if credentials is not None:
            from app.base.fileio import atomic_write_bytes

            key, cert, extra = credentials
            atomic_write_bytes(sig_path, sign_bytes(tmp.read_bytes(), key, cert, extra))
        elif sig_path.exists():
            sig_path.unlink()
