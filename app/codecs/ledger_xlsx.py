"""The contract ledger as an Excel workbook: the 合同台账 sheet and the 年度统计 (yearly statistics) sheet.

Totals are formulas, so a clerk who edits a paid amount sees the totals follow: the ledger's totals use
SUBTOTAL, which adds only the rows Excel's filter shows; each unpaid cell is amount − paid; the statistics
count and add the ledger's rows with SUMPRODUCT. Every formula's result is also computed here and returned
(`LedgerWorkbook.values`), so it can be stored with the formula for viewers that do not recalculate.
User text is always written as text, never as a formula (a counterparty called "=HYPERLINK(…)" stays text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.base.errors import UserError
from app.base.fileio import atomic_path, os_reason
from app.base.i18n import N_, _
from app.codecs.xlsx.layout import TOTAL_LABEL
from app.codecs.xlsx.sheet import DATE_FORMAT, INTEGER_FORMAT, MONEY_FORMAT, PAGE_FOOTER, display_width
from app.rules.ledger import LedgerFilter, LedgerRow, YearStatistics, kind_label, statistics
from app.values.money import quantize

LEDGER_SHEET = N_("Contract ledger")
STATISTICS_SHEET = N_("Yearly statistics")
#: Rows above the table: the title, the filter and date line, then the header row.
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # msgid
    kind: str  # text, money, date, int
    width: int  # minimum, in characters (a CJK character counts two)


#: The ledger's columns in order; one place for the workbook, the PDF and the tests.
#: The widest a ledger column grows for its longest value (characters).
MAX_WIDTH = 50

COLUMNS: tuple[Column, ...] = (
    Column("no", N_("No."), "int", 5),
    Column("year", N_("Year"), "int", 6),
    Column("number", N_("Contract number"), "text", 16),
    Column("title", N_("Contract title"), "text", 24),
    Column("counterparty", N_("Counterparty"), "text", 20),
    Column("kind", N_("Contract kind"), "text", 8),
    Column("procurement", N_("Procurement method"), "text", 10),
    Column("amount", N_("Contract amount"), "money", 14),
    Column("signed_on", N_("Signing date"), "date", 11),
    Column("term", N_("Contract term"), "text", 23),
    Column("paid", N_("Paid to date"), "money", 14),
    Column("unpaid", N_("Unpaid"), "money", 14),
    Column("next_due", N_("Next due"), "date", 11),
    Column("next_due_what", N_("Due for"), "text", 18),
    Column("overdue", N_("Overdue amount"), "money", 14),
    Column("stage", N_("State"), "text", 10),
    Column("filed_on", N_("Filing date"), "date", 11),
    Column("archived_on", N_("Archiving date"), "date", 11),
)
LETTER = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
#: Columns the totals row adds up.
SUMMED = ("amount", "paid", "unpaid", "overdue")


@dataclass
class LedgerWorkbook:
    """What was written: the rows (after the filter), the statistics, and each formula cell's computed value
    keyed by (sheet title, cell reference) — the value a spreadsheet shows once it recalculates."""

    rows: list[LedgerRow]
    statistics: list[YearStatistics]
    values: dict[tuple[str, str], Decimal | int] = field(default_factory=dict)
    total_row: int = 0


def cell_value(row: LedgerRow, index: int, key: str) -> object:
    """The value a ledger cell holds (the unpaid cell's formula aside)."""
    return {
        "no": index,
        "year": row.year,
        "number": row.number,
        "title": row.title,
        "counterparty": row.counterparty,
        "kind": kind_label(row.kind),
        "procurement": row.procurement_label,
        "amount": row.amount,
        "signed_on": row.signed_on,
        "term": row.term_text,
        "paid": row.paid,
        "unpaid": row.unpaid,
        "next_due": row.next_due,
        "next_due_what": row.next_due_what,
        "overdue": row.overdue,
        "stage": row.stage.label,
        "filed_on": row.filed_on,
        "archived_on": row.archived_on,
    }[key]


def _put_text(ws: Worksheet, ref: str, text: str, *, font: Font | None = None, alignment: Alignment | None = None,
              fill: PatternFill | None = None) -> None:
    cell = ws[ref]
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    if font:
        cell.font = font
    if alignment:
        cell.alignment = alignment
    if fill:
        cell.fill = fill


def _put(ws: Worksheet, ref: str, column: Column, value: object) -> None:
    if value is None or value == "":
        return
    if column.kind == "text":
        _put_text(ws, ref, str(value), alignment=_WRAP)
        return
    cell = ws[ref]
    cell.value = value
    cell.number_format = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "int": "0"}[column.kind]


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    """A4 landscape, one page wide, the header row on every page, 第 N 页 共 M 页 below."""
    ws.page_setup.paperSize = "9"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.evenFooter.center.text = PAGE_FOOTER


def _write_ledger(ws: Worksheet, rows: list[LedgerRow], heading: str, caption: str, out: LedgerWorkbook) -> None:
    title = ws.title
    _put_text(ws, "A1", heading, font=_TITLE)
    _put_text(ws, "A2", caption)
    widths = [max(c.width, display_width(_(c.title))) for c in COLUMNS]
    for column in COLUMNS:
        _put_text(ws, f"{LETTER[column.key]}{HEADER_ROW}", _(column.title), font=_BOLD, alignment=_CENTER,
                  fill=_HEADER_FILL)
    for n, row in enumerate(rows, start=1):
        r = HEADER_ROW + n
        for i, column in enumerate(COLUMNS):
            ref = f"{LETTER[column.key]}{r}"
            if column.key == "unpaid":
                ws[ref] = f"=ROUND({LETTER['amount']}{r}-{LETTER['paid']}{r},2)"
                ws[ref].number_format = MONEY_FORMAT
                out.values[(title, ref)] = quantize(row.amount - row.paid)
                continue
            value = cell_value(row, n, column.key)
            _put(ws, ref, column, value)
            if column.kind == "text" and value:
                widths[i] = max(widths[i], min(display_width(str(value)), MAX_WIDTH))
    last = HEADER_ROW + len(rows)
    total = last + 1
    out.total_row = total
    _put_text(ws, f"A{total}", _(TOTAL_LABEL), font=_BOLD)
    number_ref = f"{LETTER['number']}{total}"
    # SUBTOTAL adds only the rows a filter shows (3: count, 9: sum).
    ws[number_ref] = f"=SUBTOTAL(3,{LETTER['number']}{FIRST_ROW}:{LETTER['number']}{max(last, FIRST_ROW)})"
    ws[number_ref].font = _BOLD
    ws[number_ref].number_format = INTEGER_FORMAT
    out.values[(title, number_ref)] = len(rows)
    for key in SUMMED:
        ref = f"{LETTER[key]}{total}"
        ws[ref] = f"=SUBTOTAL(9,{LETTER[key]}{FIRST_ROW}:{LETTER[key]}{max(last, FIRST_ROW)})"
        ws[ref].font = _BOLD
        ws[ref].number_format = MONEY_FORMAT
        value = sum((quantize(r.amount - r.paid) if key == "unpaid" else getattr(r, key) for r in rows), Decimal("0.00"))
        out.values[(title, ref)] = value
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width, MAX_WIDTH) + 2
    ws.freeze_panes = f"D{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{LETTER[COLUMNS[-1].key]}{max(last, HEADER_ROW)}"
    _print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW}")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_statistics(ws: Worksheet, ledger: str, rows_last: int, stats: list[YearStatistics],
                      out: LedgerWorkbook) -> None:
    """Per year: count and amount by kind, then by state; each figure a formula over the ledger sheet."""
    title = ws.title
    sheet = "'" + ledger.replace("'", "''") + "'!"

    def rng(key: str) -> str:
        return f"{sheet}${LETTER[key]}${FIRST_ROW}:${LETTER[key]}${max(rows_last, FIRST_ROW)}"

    def year_test(year: int | None) -> str:
        return f"--({rng('year')}={year})" if year is not None else f"--({rng('year')}=\"\")"

    _put_text(ws, "A1", _("Yearly statistics"), font=_TITLE)
    r = 2
    for year_stats in stats:
        r += 1
        year_text = _("Year {year}").format(year=year_stats.year) if year_stats.year else _("year not known")
        _put_text(ws, f"A{r}", year_text, font=_BOLD)
        for heading, key, groups in (
            (_("By kind"), "kind", [(kind_label(k), t) for k, t in year_stats.by_kind.items()]),
            (_("By state"), "stage", [(s.label, t) for s, t in year_stats.by_stage.items()]),
        ):
            r += 1
            for col, text in zip("ABC", (heading, _("Contracts"), _("Amount")), strict=True):
                _put_text(ws, f"{col}{r}", text, font=_BOLD, alignment=_CENTER, fill=_HEADER_FILL)
            first = r + 1
            for label, tally in groups:
                r += 1
                _put_text(ws, f"A{r}", label)
                test = f"{year_test(year_stats.year)},--({rng(key)}={_quote(label)})"
                ws[f"B{r}"] = f"=SUMPRODUCT({test})"
                ws[f"B{r}"].number_format = INTEGER_FORMAT
                ws[f"C{r}"] = f"=SUMPRODUCT({test},{rng('amount')})"
                ws[f"C{r}"].number_format = MONEY_FORMAT
                out.values[(title, f"B{r}")] = tally.count
                out.values[(title, f"C{r}")] = tally.amount
            r += 1
            _put_text(ws, f"A{r}", _(TOTAL_LABEL), font=_BOLD)
            for col, value, fmt in (("B", year_stats.total.count, INTEGER_FORMAT),
                                    ("C", year_stats.total.amount, MONEY_FORMAT)):
                ws[f"{col}{r}"] = f"=SUM({col}{first}:{col}{r - 1})"
                ws[f"{col}{r}"].number_format = fmt
                ws[f"{col}{r}"].font = _BOLD
                out.values[(title, f"{col}{r}")] = value
        r += 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 20
    _print_setup(ws, "1:1")
    ws.page_setup.orientation = "portrait"


def ledger_heading(office: str) -> str:
    return _("{office} contract ledger").format(office=office).strip() if office else _("Contract ledger")


def ledger_caption(filter: LedgerFilter, today: date) -> str:
    return _("{filter}; as of {date}").format(filter=filter.describe(), date=today.isoformat())


def build_ledger_workbook(rows: list[LedgerRow], *, office: str, filter: LedgerFilter,
                          today: date) -> tuple[Workbook, LedgerWorkbook]:
    """The workbook in memory and what it holds (rows kept by the filter, statistics, formula values)."""
    kept = filter.apply(rows)
    result = LedgerWorkbook(kept, statistics(kept))
    wb = Workbook()
    ledger = wb.active
    ledger.title = _(LEDGER_SHEET)
    _write_ledger(ledger, kept, ledger_heading(office), ledger_caption(filter, today), result)
    _write_statistics(wb.create_sheet(_(STATISTICS_SHEET)), ledger.title, HEADER_ROW + len(kept), result.statistics,
                      result)
    return wb, result


def export_ledger_xlsx(rows: list[LedgerRow], out: Path, *, office: str = "", filter: LedgerFilter | None = None,
                       today: date) -> LedgerWorkbook:
    """Write the ledger workbook atomically; returns what it holds (see LedgerWorkbook)."""
    wb, result = build_ledger_workbook(rows, office=office, filter=filter or LedgerFilter(), today=today)
    with atomic_path(out) as tmp:
        try:
            wb.save(tmp)
        except OSError as exc:
            raise UserError(_("cannot write the file: {error}").format(error=os_reason(exc)), str(out)) from exc
    return result
