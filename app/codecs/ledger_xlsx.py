"""The contract ledger as an Excel workbook: the 合同台账 sheet and the 年度统计 (yearly statistics) sheet.

Totals are formulas, so a clerk who edits a paid amount sees the totals follow: the ledger's totals use
SUBTOTAL, which adds only the rows Excel's filter shows; each unpaid cell is amount − paid; the statistics
count and add the ledger's rows with SUMPRODUCT. Every formula is stored with its result, the way the Excel
packet stores them (app.codecs.xlsx.sheetdata: rows rendered as SpreadsheetML and spliced into the saved
workbook), so viewers that do not recalculate (phone and chat previews, pandas) still show the figures; the
results are also returned (`LedgerWorkbook.values`) for the tests. User text is always written as text, never
as a formula (a counterparty called "=HYPERLINK(…)" stays text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.base.errors import UserError
from app.base.fileio import atomic_path, os_reason
from app.base.i18n import N_, _
from app.codecs.xlsx.layout import TOTAL_LABEL
from app.codecs.xlsx.sheet import DATE_FORMAT, INTEGER_FORMAT, MONEY_FORMAT, Sheet, display_width
from app.codecs.xlsx.sheetdata import splice
from app.codecs.xlsx.workbook import _serial
from app.rules.ledger import LedgerFilter, LedgerRow, YearStatistics, kind_label, statistics
from app.values.money import quantize

LEDGER_SHEET = N_("Contract ledger")
STATISTICS_SHEET = N_("Yearly statistics")
#: Rows above the table: the title, the filter and date line, then the header row.
HEADER_ROW = 3
FIRST_ROW = HEADER_ROW + 1


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
    Column("stage", N_("Stage"), "text", 10),
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
        "stage": row.stage_text,
        "filed_on": row.filed_on,
        "archived_on": row.archived_on,
    }[key]


class _Cells:
    """The styles of the ledger's cells, registered once per sheet."""

    def __init__(self, sheet: Sheet) -> None:
        st = sheet.style
        self.title = st(bold=True, size=14)
        self.caption = st()
        self.header = st(bold=True, wrap=True, align="center", border=True, header=True)
        self.text = st(wrap=True, border=True)
        self.label = st(bold=True, border=True)
        self.plain_label = st(bold=True)
        self.kinds = {
            "text": self.text,
            "money": st(fmt=MONEY_FORMAT, border=True),
            "date": st(fmt=DATE_FORMAT, border=True),
            "int": st(fmt="0", border=True),
        }
        self.money_total = st(fmt=MONEY_FORMAT, bold=True, border=True)
        self.count_total = st(fmt=INTEGER_FORMAT, bold=True, border=True)
        self.count = st(fmt=INTEGER_FORMAT, border=True)


def _cell(sheet: Sheet, cells: _Cells, ref: str, column: Column, value: object) -> str:
    style = cells.kinds[column.kind]
    out = sheet.rows
    empty = f'<c r="{ref}" s="{style}"/>'
    if value is None or value == "":
        return empty
    if column.kind == "text":
        return out.text(ref, str(value), style) or empty
    if column.kind == "date":
        assert isinstance(value, date)
        return out.date(ref, _serial(value), style)
    assert isinstance(value, Decimal | int)
    return out.number(ref, value, style)


def _write_ledger(sheet: Sheet, rows: list[LedgerRow], heading: str, caption: str, out: LedgerWorkbook) -> None:
    title = sheet.ws.title
    widths = [float(max(c.width, display_width(_(c.title)))) for c in COLUMNS]
    for n, row in enumerate(rows, start=1):
        for i, column in enumerate(COLUMNS):
            value = cell_value(row, n, column.key)
            if column.kind == "text" and value:
                widths[i] = max(widths[i], min(display_width(str(value)), MAX_WIDTH))
    sheet.set_widths([w + 2 for w in widths], {i for i, c in enumerate(COLUMNS) if c.kind == "text"})
    cells = _Cells(sheet)
    put = sheet.rows
    put.add([put.text("A1", heading, cells.title)], height=22)
    put.add([put.text("A2", caption, cells.caption)])
    put.add([put.text(f"{LETTER[c.key]}{HEADER_ROW}", _(c.title), cells.header) for c in COLUMNS],
            height=sheet.height({i: _(c.title) for i, c in enumerate(COLUMNS)}))
    for n, row in enumerate(rows, start=1):
        r = HEADER_ROW + n
        line, texts = [], {}
        for i, column in enumerate(COLUMNS):
            ref = f"{LETTER[column.key]}{r}"
            if column.key == "unpaid":
                value = quantize(row.amount - row.paid)
                line.append(put.formula(ref, f"ROUND({LETTER['amount']}{r}-{LETTER['paid']}{r},2)",
                                        cells.kinds["money"], value))
                out.values[(title, ref)] = value
                continue
            value = cell_value(row, n, column.key)
            line.append(_cell(sheet, cells, ref, column, value))
            if column.kind == "text" and value:
                texts[i] = str(value)
        put.add(line, height=sheet.height(texts))
    last = HEADER_ROW + len(rows)
    total = last + 1
    out.total_row = total
    line = [put.text(f"A{total}", _(TOTAL_LABEL), cells.label)]
    span = f"{FIRST_ROW}:{{col}}{max(last, FIRST_ROW)}"
    number = LETTER["number"]
    # SUBTOTAL adds only the rows a filter shows (3: count, 9: sum).
    line.append(put.formula(f"{number}{total}", f"SUBTOTAL(3,{number}{span.format(col=number)})", cells.count_total,
                            len(rows)))
    out.values[(title, f"{number}{total}")] = len(rows)
    for key in SUMMED:
        col = LETTER[key]
        value = sum((quantize(r.amount - r.paid) if key == "unpaid" else getattr(r, key) for r in rows),
                    Decimal("0.00"))
        line.append(put.formula(f"{col}{total}", f"SUBTOTAL(9,{col}{span.format(col=col)})", cells.money_total, value))
        out.values[(title, f"{col}{total}")] = value
    put.add(line)  # A, then the count and the sums, in column order
    ws = sheet.ws
    ws.freeze_panes = f"D{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{LETTER[COLUMNS[-1].key]}{max(last, HEADER_ROW)}"
    sheet.print_setup(title_rows=f"{HEADER_ROW}:{HEADER_ROW}", columns=len(COLUMNS), last_row=total)
    ws.page_setup.orientation = "landscape"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_statistics(sheet: Sheet, ledger: str, rows_last: int, stats: list[YearStatistics],
                      out: LedgerWorkbook) -> None:
    """Per year: count and amount by kind, then by state; each figure a formula over the ledger sheet."""
    title = sheet.ws.title
    ref_sheet = "'" + ledger.replace("'", "''") + "'!"

    def rng(key: str) -> str:
        return f"{ref_sheet}${LETTER[key]}${FIRST_ROW}:${LETTER[key]}${max(rows_last, FIRST_ROW)}"

    def year_test(year: int | None) -> str:
        return f"--({rng('year')}={year})" if year is not None else f"--({rng('year')}=\"\")"

    sheet.set_widths([30, 12, 20], {0})
    cells = _Cells(sheet)
    put = sheet.rows
    put.add([put.text("A1", _("Yearly statistics"), cells.title)], height=22)
    put.add([])
    for year_stats in stats:
        year_text = _("Year {year}").format(year=year_stats.year) if year_stats.year else _("year not known")
        put.add([put.text(f"A{put.next_row}", year_text, cells.plain_label)])
        for heading, key, groups in (
            (_("By kind"), "kind", [(kind_label(k), t) for k, t in year_stats.by_kind.items()]),
            (_("By stage"), "stage", [(s.label, t) for s, t in year_stats.by_stage.items()]),
        ):
            r = put.next_row
            put.add([put.text(f"{col}{r}", text, cells.header)
                     for col, text in zip("ABC", (heading, _("Contracts"), _("Amount")), strict=True)])
            first = put.next_row
            for label, tally in groups:
                r = put.next_row
                test = f"{year_test(year_stats.year)},--({rng(key)}={_quote(label)})"
                put.add([put.text(f"A{r}", label, cells.text),
                         put.formula(f"B{r}", f"SUMPRODUCT({test})", cells.count, tally.count),
                         put.formula(f"C{r}", f"SUMPRODUCT({test},{rng('amount')})", cells.kinds["money"],
                                     tally.amount)])
                out.values[(title, f"B{r}")] = tally.count
                out.values[(title, f"C{r}")] = tally.amount
            r = put.next_row
            put.add([put.text(f"A{r}", _(TOTAL_LABEL), cells.label),
                     put.formula(f"B{r}", f"SUM(B{first}:B{r - 1})", cells.count_total, year_stats.total.count),
                     put.formula(f"C{r}", f"SUM(C{first}:C{r - 1})", cells.money_total, year_stats.total.amount)])
            out.values[(title, f"B{r}")] = year_stats.total.count
            out.values[(title, f"C{r}")] = year_stats.total.amount
        put.add([])
    sheet.print_setup(title_rows="1:1", columns=3, last_row=put.count)
    sheet.ws.page_setup.orientation = "portrait"


def ledger_heading(office: str) -> str:
    return _("{office} contract ledger").format(office=office).strip() if office else _("Contract ledger")


def ledger_caption(filter: LedgerFilter, today: date) -> str:
    return _("{filter}; as of {date}").format(filter=filter.describe(), date=today.isoformat())


def build_ledger_workbook(rows: list[LedgerRow], *, office: str, filter: LedgerFilter,
                          today: date) -> tuple[Workbook, list[Sheet], LedgerWorkbook]:
    """The workbook's frame (write-only), its sheets whose rows are spliced in after saving, and what it holds
    (rows kept by the filter, statistics, formula values)."""
    kept = filter.apply(rows)
    result = LedgerWorkbook(kept, statistics(kept))
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    ledger = Sheet(wb, _(LEDGER_SHEET), taken)
    stats = Sheet(wb, _(STATISTICS_SHEET), taken)
    _write_ledger(ledger, kept, ledger_heading(office), ledger_caption(filter, today), result)
    _write_statistics(stats, ledger.ws.title, HEADER_ROW + len(kept), result.statistics, result)
    return wb, [ledger, stats], result


def export_ledger_xlsx(rows: list[LedgerRow], out: Path, *, office: str = "", filter: LedgerFilter | None = None,
                       today: date) -> LedgerWorkbook:
    """Write the ledger workbook atomically; returns what it holds (see LedgerWorkbook)."""
    with atomic_path(out) as tmp:
        wb, sheets, result = build_ledger_workbook(rows, office=office, filter=filter or LedgerFilter(), today=today)
        try:
            wb.save(tmp)
            splice(tmp, {sheet.ws.path.lstrip("/"): (sheet.rows, max(len(sheet.widths), 1)) for sheet in sheets})
        except OSError as exc:
            raise UserError(_("cannot write the file: {error}").format(error=os_reason(exc)), str(out)) from exc
    return result
