"""The Excel packet: summary, payment schedule and one sheet per cost-table annex, with live formulas.

Written in openpyxl's write-only (streaming) mode so a 20,000-row table stays fast and small in memory.
User text is always written as a string cell, never as a formula (formula injection: a vendor's
"=HYPERLINK(…)" must stay text).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from app.domain import PARTY_ROLES, Annex, Contract, party_name, table_total
from app.errors import UserError
from app.export.xlsx.layout import (
    AMOUNT,
    COLUMN_LABELS,
    NUMBER_LABEL,
    SHEET_COLUMNS,
    SUMMARY_SHEET,
    TOTAL_LABEL,
    annex_sheet_name,
    safe_sheet_name,
)
from app.export.xlsx.payments import payment_lines
from app.export.xlsx.sheetdata import SheetRows, splice
from app.fileio import atomic_path, os_reason
from app.i18n import _
from app.money import rmb_upper

MONEY_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
QUANTITY_FORMAT = "#,##0.00##"
DATE_FORMAT = "yyyy-mm-dd"
#: Footer as the printed contract numbers its pages (&P page, &N pages).
PAGE_FOOTER = "第 &P 页 共 &N 页"
#: Widths are in characters; a CJK character counts two. Long text wraps past this.
MAX_WIDTH = 50
#: Report progress (and honour a cancel request) every this many rows.
PROGRESS_STEP = 1000

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


class ExportCancelled(UserError):
    """The user cancelled a long export; nothing was written."""


@dataclass
class XlsxOptions:
    """What `export_xlsx` writes besides the workbook itself.

    `schedule`: a computed payment schedule (``app.schedule.Schedule``) for the due dates; without it
    the sheet shows the rules and what each date waits for. `progress(done, total)` is called every
    PROGRESS_STEP table rows; `cancelled()` returning True stops the export (ExportCancelled).
    """

    sign_with: Path | None = None
    #: The password of `sign_with`, asked by the caller (the core never asks).
    password: bytes = b""
    schedule: Any = None
    progress: Callable[[int, int], None] | None = None
    cancelled: Callable[[], bool] | None = None
    #: With include_review, a 审阅 (Review) sheet lists these comments (app.review.model.Comment).
    include_review: bool = False
    review_comments: list = field(default_factory=list)


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet cell: wide (CJK, full-width) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sheet:
    """A write-only sheet plus the column widths its content needs (set before the first row)."""

    def __init__(self, wb: Workbook, title: str, taken: set[str]) -> None:
        name = safe_sheet_name(title, taken)
        taken.add(name)
        self.ws = wb.create_sheet(name)
        self.rows = 0

    def text(self, value: str | None, *, font: Font | None = None, alignment: Alignment | None = None,
             fill: PatternFill | None = None) -> WriteOnlyCell:
        """A string cell whatever the text starts with (=, +, -, @, tab): never a formula."""
        cell = WriteOnlyCell(self.ws, value=ILLEGAL_CHARACTERS_RE.sub("", value or ""))
        cell.data_type = "s"
        if font:
            cell.font = font
        if alignment:
            cell.alignment = alignment
        if fill:
            cell.fill = fill
        return cell

    def number(self, value: Decimal | int | None, fmt: str = MONEY_FORMAT, *, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = fmt
        if font:
            cell.font = font
        return cell

    def formula(self, formula: str, fmt: str | None = MONEY_FORMAT, *, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=formula)
        if fmt:
            cell.number_format = fmt
        if font:
            cell.font = font
        return cell

    def date(self, value: date | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    def append(self, cells: Iterable[Any]) -> int:
        self.ws.append(list(cells))
        self.rows += 1
        return self.rows

    def set_widths(self, widths: list[int]) -> None:
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = min(max(width, 6), MAX_WIDTH) + 2

    def print_setup(self, *, landscape: bool, title_rows: str | None = None) -> None:
        """A4, fit to one page wide, header row repeated, the contract's page footer."""
        ws = self.ws
        ws.page_setup.paperSize = "9"  # A4 (ECMA-376 paper size code)
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        if title_rows:
            ws.print_title_rows = title_rows
        ws.oddFooter.center.text = PAGE_FOOTER
        ws.evenFooter.center.text = PAGE_FOOTER


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


def _write_summary(sheet: _Sheet, c: Contract) -> None:
    rows = _summary_rows(c)
    values = [v if isinstance(v, str) else "" for _label, v in rows]
    sheet.set_widths([max(display_width(label) for label, _v in rows), max(display_width(v) for v in [*values, "0" * 16])])
    # Write-only: sheet properties, views and columns are written with the first row, so set them first.
    sheet.ws.freeze_panes = "A2"
    sheet.print_setup(landscape=False, title_rows="1:1")
    sheet.append([sheet.text(_("Field"), font=_BOLD, fill=_HEADER_FILL), sheet.text(_("Value"), font=_BOLD, fill=_HEADER_FILL)])
    for label, value in rows:
        if isinstance(value, Decimal):
            cell = sheet.number(value)
        elif isinstance(value, date):
            cell = sheet.date(value)
        elif isinstance(value, int):
            cell = sheet.number(value, INTEGER_FORMAT)
        elif value is None:
            cell = None
        else:
            cell = sheet.text(str(value), alignment=_WRAP)
        sheet.append([sheet.text(label, font=_BOLD), cell])


def _write_payments(sheet: _Sheet, c: Contract, schedule: Any) -> None:
    lines = payment_lines(c, schedule)
    headers = [_("No."), _("Amount"), _("Rule"), _("Due date"), _("Waits for")]
    widths = [display_width(h) for h in headers]
    widths[1] = max(widths[1], 16)
    widths[3] = max(widths[3], 12)
    for line in lines:
        widths[2] = max(widths[2], display_width(line.rule))
        widths[4] = max(widths[4], display_width(line.waits_for))
    sheet.set_widths(widths)
    sheet.ws.freeze_panes = "A2"
    sheet.print_setup(landscape=False, title_rows="1:1")
    sheet.append([sheet.text(h, font=_BOLD, alignment=_CENTER, fill=_HEADER_FILL) for h in headers])
    for line in lines:
        sheet.append([
            sheet.number(line.no, INTEGER_FORMAT),
            sheet.number(line.amount),
            sheet.text(line.rule, alignment=_WRAP),
            sheet.date(line.due),
            sheet.text(line.waits_for, alignment=_WRAP),
        ])
    first, last = 2, sheet.rows
    total_formula = f"=SUM(B{first}:B{last})" if lines else "=0"
    total_row = sheet.append([sheet.text(_(TOTAL_LABEL), font=_BOLD), sheet.formula(total_formula, font=_BOLD)])
    contract_row = sheet.append([sheet.text(_("Contract total"), font=_BOLD), sheet.number(c.total, font=_BOLD)])
    ok, bad = _quote(_("OK: the instalments add up to the contract total")), _quote(
        _("MISMATCH: the instalments do not add up to the contract total"))
    sheet.append([
        sheet.text(_("Check"), font=_BOLD),
        sheet.formula(f"=IF(ROUND(B{total_row}-B{contract_row},2)=0,{ok},{bad})", None, font=_BOLD),
    ])


def _table_widths(annex: Annex) -> list[int]:
    rows = annex.table or []
    widths = [display_width(_(COLUMN_LABELS[col])) for col in SHEET_COLUMNS]
    text_cols = [(i, col) for i, col in enumerate(SHEET_COLUMNS) if col in ("item", "spec", "unit", "remark")]
    for row in rows:
        for i, col in text_cols:
            w = display_width(getattr(row, col))
            if w > widths[i]:
                widths[i] = w
    total = table_total(rows)
    money_width = len(f"{total:,.2f}") + 1
    for i, col in enumerate(SHEET_COLUMNS):
        if col in ("unit_price", AMOUNT):
            widths[i] = max(widths[i], money_width, max((len(f"{r.unit_price:,.2f}") for r in rows), default=0))
        elif col == "quantity":
            widths[i] = max(widths[i], max((len(f"{r.quantity:,}") for r in rows), default=0))
    widths[SHEET_COLUMNS.index("item")] = max(widths[SHEET_COLUMNS.index("item")], display_width(_("Total in words")))
    return widths


def _write_table(wb: Workbook, annex: Annex, taken: set[str], options: XlsxOptions, done: int, grand: int,
                 pending: dict[_Sheet, SheetRows]) -> int:
    """The annex's sheet; its rows are rendered as XML (see sheetdata) and spliced in after saving."""
    rows = annex.table or []
    sheet = _Sheet(wb, annex_sheet_name(annex.no, annex.title), taken)
    widths = _table_widths(annex)
    sheet.set_widths(widths)
    sheet.ws.freeze_panes = "A3"
    sheet.print_setup(landscape=sum(min(w, MAX_WIDTH) for w in widths) > 90, title_rows="2:2")
    out = pending[sheet] = SheetRows()
    # Style ids registered through openpyxl, so the workbook's style table holds them.
    title_s = sheet.text("-", font=_TITLE).style_id
    header_s = sheet.text("-", font=_BOLD, alignment=_CENTER, fill=_HEADER_FILL).style_id
    bold_s = sheet.text("-", font=_BOLD).style_id
    wrap_s = sheet.text("-", alignment=_WRAP).style_id
    money_s = sheet.number(0).style_id
    money_bold_s = sheet.number(0, font=_BOLD).style_id
    int_s = sheet.number(0, INTEGER_FORMAT).style_id
    qty_s = sheet.number(0, QUANTITY_FORMAT).style_id
    L = {name: out.letter(i) for i, name in enumerate(SHEET_COLUMNS)}
    q, p, a = L["quantity"], L["unit_price"], L[AMOUNT]
    text_columns = [(L[name], name, wrap_s if name in ("spec", "remark") else 0)
                    for name in SHEET_COLUMNS if name in ("item", "spec", "unit", "remark")]

    # Row 1: the annex heading as the contract prints it; row 2: the header (frozen, repeated on print).
    out.add([out.text("A1", f"附件{annex.no}：{annex.title}", title_s)])
    out.add([out.text(f"{L[c]}2", _(COLUMN_LABELS[c]), header_s) for c in SHEET_COLUMNS])
    first = 3
    for n, row in enumerate(rows):
        r = first + n
        cells = {name: out.text(f"{letter}{r}", getattr(row, name), style) for letter, name, style in text_columns}
        quantity_s = int_s if row.quantity == row.quantity.to_integral_value() else qty_s
        cells["quantity"] = out.number(f"{q}{r}", row.quantity, quantity_s)
        cells["unit_price"] = out.number(f"{p}{r}", row.unit_price, money_s)
        # Rounded to the fen per row, as the app (and a printed table) adds up.
        cells[AMOUNT] = out.formula(f"{a}{r}", f"ROUND({q}{r}*{p}{r},2)", money_s)
        out.add([cells[name] for name in SHEET_COLUMNS])
        if (n + 1) % PROGRESS_STEP == 0:
            _tick(options, done + n + 1, grand)
    last = out.count
    total_row = last + 1
    out.add([
        out.text(f"A{total_row}", _(TOTAL_LABEL), bold_s),
        out.formula(f"{a}{total_row}", f"SUM({a}{first}:{a}{last})" if rows else "0", money_bold_s),
    ])
    words_row = total_row + 1
    out.add([
        out.text(f"A{words_row}", _("Total in words"), bold_s),
        out.text(f"B{words_row}", rmb_upper(table_total(rows)), bold_s),
        out.text(f"{L[SHEET_COLUMNS[-1]]}{words_row}", _("the total in words is as exported; it does not follow edits")),
    ])
    return done + len(rows)


def _tick(options: XlsxOptions, done: int, total: int) -> None:
    if options.cancelled is not None and options.cancelled():
        raise ExportCancelled(_("export cancelled"))
    if options.progress is not None:
        options.progress(done, total)


def _build(contract: Contract, options: XlsxOptions) -> tuple[Workbook, dict[_Sheet, SheetRows]]:
    """The packet as a write-only workbook, plus the table rows to splice in after it is saved."""
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    pending: dict[_Sheet, SheetRows] = {}
    summary = _Sheet(wb, _(SUMMARY_SHEET), taken)
    payments = _Sheet(wb, _("Payment schedule"), taken)
    tables = [a for a in contract.annexes if a.table is not None]
    grand = sum(len(a.table or []) for a in tables)
    done = 0
    # Tables first (the long, cancellable part): they only render strings; the small sheets open
    # openpyxl's streaming writers, which should not be left half-written by a cancel.
    for annex in tables:
        done = _write_table(wb, annex, taken, options, done, grand, pending)
    _tick(options, done, grand)
    _write_summary(summary, contract)
    _write_payments(payments, contract, options.schedule)
    if options.include_review:
        _write_review(_Sheet(wb, _("Review"), taken), options.review_comments)
    return wb, pending


def _write_review(sheet: _Sheet, comments: list) -> None:
    """The 审阅 sheet: one row per comment, open ones first."""
    headers = [_("Comment id"), _("On"), _("Comment"), _("Author"), _("Written"), _("State"), _("Resolved by")]
    rows = sorted(comments, key=lambda c: (not c.is_open, c.created_at))
    sheet.set_widths([10, 20, 60, 12, 20, 10, 12])
    sheet.ws.freeze_panes = "A2"
    sheet.print_setup(landscape=True, title_rows="1:1")
    sheet.append([sheet.text(h, font=_BOLD, fill=_HEADER_FILL) for h in headers])
    for c in rows:
        sheet.append([sheet.text(c.uid[:8]), sheet.text(c.target_text()), sheet.text(c.text, alignment=_WRAP), sheet.text(c.author),
                      sheet.text(c.created_at[:19].replace("T", " ")), sheet.text(_("open") if c.is_open else _("resolved")),
                      sheet.text(c.resolved_by or "")])


def export_xlsx(contract: Contract, out: Path, options: XlsxOptions | None = None) -> None:
    """Write the workbook atomically; with `sign_with`, also OUT.xlsx.p7s (detached CMS over its bytes).

    Credentials are read first, so a wrong password leaves no file behind. An unsigned export removes
    a stale OUT.xlsx.p7s, which could only report the new workbook as changed.
    """
    from app.signing.cms import sign_bytes, signature_path

    options = options or XlsxOptions()
    out = Path(out)
    credentials = None
    if options.sign_with is not None:
        from app.signing.credentials import load_p12

        credentials = load_p12(options.sign_with, options.password)
    sig_path = signature_path(out)
    # The target is checked (a folder, an unwritable place) before openpyxl's sheet writers are started:
    # a writer left open is only closed, noisily, by the garbage collector.
    with atomic_path(out) as tmp:
        wb, pending = _build(contract, options)
        try:
            wb.save(tmp)
            splice(tmp, {sheet.ws.path.lstrip("/"): (rows, len(SHEET_COLUMNS)) for sheet, rows in pending.items()})
        except OSError as exc:
            raise UserError(_("cannot write the file: {error}").format(error=os_reason(exc)), str(out)) from exc
        if credentials is not None:
            from app.fileio import atomic_write_bytes

            key, cert, extra = credentials
            atomic_write_bytes(sig_path, sign_bytes(tmp.read_bytes(), key, cert, extra))
        elif sig_path.exists():
            sig_path.unlink()
