"""Reading a cost table back from a workbook someone else filled in or marked up.

The file is untrusted: it is size-limited, its zip members are checked for bombs, every XML part is
refused if it declares a DTD (no entity expansion, via defusedxml), and the table is limited to
MAX_ROWS rows. Values are parsed the way a clerk types them; formulas other than the exported ones
are not evaluated: their saved result is used and the row is flagged.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain import CostRow
from app.errors import UserError
from app.fileio import os_reason
from app.i18n import _
from app.money import AmountError, check_row_amount, check_table_total, parse_decimal, quantize

# The workbook layout (app.export.xlsx.layout) is imported where it is used: importing it loads openpyxl, and
# this module is also imported for MAX_ROWS by the JSON reader, which runs at start-up (the bundled sample).

MAX_FILE_BYTES = 50 * 1024 * 1024
#: All members unpacked; a real 100,000-row table is far below this.
MAX_UNPACKED_BYTES = 600 * 1024 * 1024
#: Members larger than 1 MB may not compress better than this (a zip bomb does, by far).
MAX_RATIO = 150
#: The most rows a cost table may have (also applied to tables in a contractdesk/1 JSON document).
MAX_ROWS = 100_000
#: Blank rows tolerated between data rows before the reader gives up looking.
MAX_BLANK_RUN = 1_000
#: The header must be within the first rows of the sheet.
HEADER_SEARCH_ROWS = 30
QUANTITY_PLACES = 4
PRICE_PLACES = 2

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
REQUIRED_COLUMNS = ("item", "quantity", "unit_price")
TEXT_COLUMNS = ("item", "spec", "unit", "remark")


@dataclass(frozen=True)
class RowFlag:
    """Something the reviewer should look at; the row was still read."""

    cell: str
    message: str


@dataclass
class ImportedTable:
    sheet: str
    header_row: int
    rows: list[CostRow] = field(default_factory=list)
    #: Sheet row number of each entry of `rows`.
    sheet_rows: list[int] = field(default_factory=list)
    flags: list[RowFlag] = field(default_factory=list)


class _StopAtRoot(Exception):
    pass


class _RootTarget:
    def start(self, tag, attrib):
        raise _StopAtRoot

    def close(self):
        return None


def _refuse_dtd(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> None:
    """Parse the XML prolog with defusedxml (DTDs forbidden) up to the root element: entity bombs and
    external entities can only be declared there."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, ParseError

    parser = DefusedXMLParser(target=_RootTarget(), forbid_dtd=True)
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(64 * 1024):
                parser.feed(chunk)
    except _StopAtRoot:
        return
    except DefusedXmlException as exc:
        raise UserError(_("the workbook declares XML entities or a DTD ({part}); refused").format(part=info.filename),
                        where) from exc
    except ParseError as exc:
        raise UserError(_("the workbook is damaged: {part} is not valid XML").format(part=info.filename), where) from exc


def check_container(path: Path) -> None:
    """Refuse what is not a plain, reasonably sized .xlsx before any XML is parsed."""
    where = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError as exc:
        raise UserError(_("no such file"), str(path)) from exc
    except OSError as exc:
        raise UserError(_("cannot read the file: {error}").format(error=os_reason(exc)), str(path)) from exc
    if size > MAX_FILE_BYTES:
        raise UserError(_("the file is larger than {mb} MB").format(mb=MAX_FILE_BYTES // (1024 * 1024)), where)
    if head.startswith(OLE_MAGIC):
        raise UserError(
            _("the workbook is password-protected (encrypted) or an old .xls file; save it as an .xlsx without a password"),
            where)
    if not head.startswith(ZIP_MAGIC):
        raise UserError(_("not an Excel .xlsx workbook"), where)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
                raise UserError(_("not an Excel .xlsx workbook (no workbook part inside)"), where)
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise UserError(_("the workbook unpacks to more than {mb} MB; refused").format(
                    mb=MAX_UNPACKED_BYTES // (1024 * 1024)), where)
            for info in infos:
                if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise UserError(_("the workbook part {part} is compressed suspiciously well (a zip bomb?); refused")
                                    .format(part=info.filename), where)
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _refuse_dtd(archive, info, where)
    except zipfile.BadZipFile as exc:
        raise UserError(_("the workbook is damaged (not a readable zip file)"), where) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        raise UserError(_("the workbook is damaged or uses an unsupported compression"), where) from exc


def _find_header(ws) -> tuple[int, dict[str, int]] | None:
    """(row number, column → 0-based index) of the first row naming at least item, quantity and unit price."""
    from app.export.xlsx.layout import column_for_header

    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        columns: dict[str, int] = {}
        for i, value in enumerate(values):
            if value is None:
                continue
            name = column_for_header(value)
            if name and name not in columns:
                columns[name] = i
        if all(c in columns for c in REQUIRED_COLUMNS):
            return r, columns
    return None


def _choose_sheet(wb, annex_no: str | None, annex_title: str, where: str):
    from app.export.xlsx.layout import COLUMN_LABELS, annex_sheet_name

    found = []
    for ws in wb.worksheets:
        header = _find_header(ws)
        if header:
            found.append((ws, *header))
    if not found:
        labels = ", ".join(_(COLUMN_LABELS[c]) for c in REQUIRED_COLUMNS)
        raise UserError(_("no sheet has a header row with the columns {labels} (or 项目, 数量, 单价)").format(labels=labels),
                        where)
    if len(found) == 1:
        return found[0]
    if annex_no is not None:
        exact = annex_sheet_name(annex_no, annex_title).lower()
        marks = (f"附件{annex_no}", f"annex {annex_no}", _("Annex {no}").format(no=annex_no).lower())
        for match in (lambda t: t == exact, lambda t: any(t.startswith(m.lower()) for m in marks)):
            hits = [f for f in found if match(f[0].title.lower())]
            if len(hits) == 1:
                return hits[0]
    names = ", ".join(f[0].title for f in found)
    raise UserError(_("several sheets hold a cost table ({names}); keep only the one for this annex").format(names=names),
                    where)


def _check_contract(wb, contract_number: str) -> None:
    """An exported packet names its contract on the summary sheet: refuse one exported from another contract."""
    from app.export.xlsx.layout import is_number_label, is_summary_sheet

    for ws in wb.worksheets:
        if not is_summary_sheet(ws.title):
            continue
        rows = ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, max_col=2, values_only=True)
        for r, values in enumerate(rows, start=1):
            if len(values) == 2 and is_number_label(values[0]):
                found = _text(values[1]).strip()
                if found and found != contract_number.strip():
                    raise UserError(_("the workbook was exported from contract {other}, not {number}; refused").format(
                        other=found, number=contract_number), f"{ws.title}!B{r}")
                return


def _check_annex(sheet: str, annex_no: str) -> None:
    """A sheet titled as an exported annex (附件4 …) must be the annex being imported."""
    from app.export.xlsx.layout import annex_no_of_sheet

    found = annex_no_of_sheet(sheet)
    if found is not None and found.lower() != annex_no.strip().lower():
        raise UserError(_("the sheet holds annex {other}, not annex {no}; refused").format(other=found, no=annex_no),
                        sheet)


_SIMPLE_AMOUNT = re.compile(r"=\s*(?:ROUND\(\s*)?\$?([A-Z]+)\$?(\d+)\s*\*\s*\$?([A-Z]+)\$?(\d+)\s*(?:,\s*2\s*\))?\s*",
                            re.IGNORECASE)


def _cell_name(sheet: str, col: int, row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{sheet}!{get_column_letter(col + 1)}{row}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A text column's value. Strings are kept exactly as written (a leading tab is how text such as "=cmd" is
    kept from being read as a formula), so an unchanged workbook reads back unchanged; only header and total
    labels are matched loosely (`header_key`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any, places: int, label: str, where: str, *, cached: bool = False) -> Decimal:
    """A non-negative number with at most `places` decimals, from a cell value as a clerk left it."""
    if _blank(value):  # also the covered part of a merged cell
        raise UserError(_("{column} is empty").format(column=label), where)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise UserError(_("{column} is not a number").format(column=label), where)
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, (int, Decimal)):
            number = Decimal(value)
        else:
            number = parse_decimal(value, places=places + 6, allow_negative=True)
    except (AmountError, ArithmeticError) as exc:
        raise UserError(_("{column} is not a number: {value}").format(column=label, value=value), where) from exc
    if not number.is_finite():
        raise UserError(_("{column} is not a number: {value}").format(column=label, value=value), where)
    if number < 0:
        raise UserError(_("{column} is negative: {value}").format(column=label, value=value), where)
    number = abs(number)  # "-0" is zero, not a negative zero that prints as -0.00
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if cached:  # a computed result carries binary noise; round it like the app does
            return number.quantize(Decimal(1).scaleb(-places))
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise UserError(_("{column} has more than {n} decimal places: {value}").format(
                column=label, n=places, value=value), where)
        number = number.quantize(Decimal(1).scaleb(-places))
    if number > Decimal("1e15"):
        raise UserError(_("{column} is too large: {value}").format(column=label, value=value), where)
    return number


@dataclass
class _RawRow:
    sheet_row: int
    values: dict[str, Any]
    formulas: dict[str, str]


def _formula(cell) -> str | None:
    """A cell's formula as Excel shows it, or None. Array formulas (also Excel 365's dynamic arrays) read as
    objects, not text: they are shown as {=…} and, like any other formula, their saved result is used."""
    if getattr(cell, "data_type", None) != "f" or cell.value is None:
        return None
    if isinstance(cell.value, str):
        return cell.value
    text = getattr(cell.value, "text", None)  # ArrayFormula; a what-if data table has no text
    return f"{{{text}}}" if text else "{=TABLE()}"


def _row_values(cells: tuple, columns: dict[str, int]) -> tuple[dict[str, Any], dict[str, str]]:
    """(value, formula) of each named column of a row; a formula cell's value is None here."""
    values: dict[str, Any] = {}
    formulas: dict[str, str] = {}
    for name, i in columns.items():
        cell = cells[i] if i < len(cells) else None
        formula = _formula(cell)
        if formula is not None:
            formulas[name] = formula
        values[name] = None if formula is not None else getattr(cell, "value", None)
    return values, formulas


def _filled_rows(ws, header_row: int, columns: dict[str, int]) -> Iterator[tuple[int, dict[str, Any], dict[str, str]]]:
    """(sheet row, values, formulas) of each row below the header that holds something; the table ends after
    MAX_BLANK_RUN empty rows in a row (a sheet's formatting may reach a million rows)."""
    blank_run = 0
    for r, cells in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
        values, formulas = _row_values(cells, columns)
        if all(_blank(v) for v in values.values()) and not formulas:
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                return
            continue
        blank_run = 0
        yield r, values, formulas


def _refuse_rows_after_total(rest: Iterator[tuple[int, dict[str, Any], dict[str, str]]], columns: dict[str, int],
                             sheet: str, total_row: int) -> None:
    """A cost row below the total row (a second section after a 小计, rows pasted under 合计) would be
    silently dropped: refuse it instead. Notes under the total (合计（大写）, remarks) are fine."""
    for r, values, formulas in rest:
        has_item = not _blank(values.get("item")) or "item" in formulas
        has_number = any(not _blank(values.get(c)) or c in formulas for c in ("quantity", "unit_price"))
        if has_item and has_number:
            raise UserError(_("a cost row follows the total row (sheet row {total}); move it above the total row or delete it")
                            .format(total=total_row), _cell_name(sheet, columns["item"], r))


def _read_raw(ws, header_row: int, columns: dict[str, int], sheet: str) -> list[_RawRow]:
    from app.export.xlsx.layout import AMOUNT, is_total_label

    raw: list[_RawRow] = []
    item_col = columns["item"]
    rows = _filled_rows(ws, header_row, columns)
    for r, values, formulas in rows:
        if is_total_label(values.get("item")) or (
            "item" not in formulas and _blank(values.get("item"))
            and re.match(r"\s*=\s*SUM\(", formulas.get(AMOUNT, ""), re.IGNORECASE)
        ):
            _refuse_rows_after_total(rows, columns, sheet, r)
            break
        if len(raw) >= MAX_ROWS:
            raise UserError(_("the table has more than {n} rows").format(n=f"{MAX_ROWS:,}"),
                            _cell_name(sheet, item_col, r))
        raw.append(_RawRow(r, values, formulas))
    return raw


def _cached_values(path: Path, sheet: str, rows: set[int]) -> dict[int, tuple]:
    """The saved results (as Excel last computed them) of the given sheet rows."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet]
        first, last = min(rows), max(rows)
        return {
            r: values
            for r, values in enumerate(ws.iter_rows(min_row=first, max_row=last, values_only=True), start=first)
            if r in rows
        }
    finally:
        wb.close()


def _simple_amount(formula: str, row: int, q_letter: str, p_letter: str) -> bool:
    m = _SIMPLE_AMOUNT.fullmatch(formula)
    if not m:
        return False
    refs = {(m.group(1).upper(), int(m.group(2))), (m.group(3).upper(), int(m.group(4)))}
    return refs == {(q_letter, row), (p_letter, row)}


def _build_rows(table: ImportedTable, raw: list[_RawRow], columns: dict[str, int], cached: dict[int, tuple]) -> None:
    from openpyxl.utils import get_column_letter

    from app.export.xlsx.layout import AMOUNT, COLUMN_LABELS
    from app.store.annex_rows import MAX_UNIT_CHARS

    sheet = table.sheet
    letters = {name: get_column_letter(i + 1) for name, i in columns.items()}
    labels = {name: _(COLUMN_LABELS[name]) for name in columns}
    for rr in raw:
        r = rr.sheet_row
        values = dict(rr.values)
        for name, formula in rr.formulas.items():
            if name == AMOUNT and _simple_amount(formula, r, letters["quantity"], letters["unit_price"]):
                continue
            saved = cached.get(r, ())
            idx = columns[name]
            value = saved[idx] if idx < len(saved) else None
            where = _cell_name(sheet, idx, r)
            if value is None and name != AMOUNT:
                raise UserError(_("the formula {formula} has no saved result; open and save the workbook in Excel, "
                                  "or type the value").format(formula=formula), where)
            if value is None:  # an amount is recomputed anyway; say so rather than "saved result None"
                table.flags.append(RowFlag(where, _("formula {formula} was not evaluated and has no saved result; "
                                                    "quantity × unit price is used").format(formula=formula)))
                continue
            values[name] = value
            table.flags.append(RowFlag(where, _("formula {formula} was not evaluated; its saved result {value} is used")
                                       .format(formula=formula, value=value)))
        row = CostRow(
            item=_text(values.get("item")),
            spec=_text(values.get("spec")),
            unit=_text(values.get("unit")),
            quantity=_number(values.get("quantity"), QUANTITY_PLACES, labels["quantity"],
                             _cell_name(sheet, columns["quantity"], r), cached="quantity" in rr.formulas),
            unit_price=_number(values.get("unit_price"), PRICE_PLACES, labels["unit_price"],
                               _cell_name(sheet, columns["unit_price"], r),
                               cached="unit_price" in rr.formulas).quantize(Decimal("0.01")),
            remark=_text(values.get("remark")),
        )
        check_row_amount(row.quantity, row.unit_price, _cell_name(sheet, columns["quantity"], r))  # the one bound
        if _blank(row.item):
            raise UserError(_("{column} is empty").format(column=labels["item"]), _cell_name(sheet, columns["item"], r))
        if len(row.unit) > MAX_UNIT_CHARS:  # the store's limit (a PostgreSQL column would refuse it mid-apply)
            raise UserError(_("a unit has at most {n} characters").format(n=MAX_UNIT_CHARS),
                            _cell_name(sheet, columns["unit"], r))
        if AMOUNT in columns and not _blank(values.get(AMOUNT)) and (
            AMOUNT not in rr.formulas or not _simple_amount(rr.formulas[AMOUNT], r, letters["quantity"],
                                                            letters["unit_price"])):
            where = _cell_name(sheet, columns[AMOUNT], r)
            try:
                shown = quantize(_number(values[AMOUNT], 6, labels[AMOUNT], where, cached=True))
            except UserError:
                shown = None
            if shown != row.amount:
                table.flags.append(RowFlag(where, _("the sheet's amount {shown} differs from quantity × unit price "
                                                    "{amount}; the computed amount is used").format(
                    shown=values[AMOUNT], amount=row.amount)))
        table.rows.append(row)
        table.sheet_rows.append(r)
    check_table_total((row.amount for row in table.rows), sheet)


@contextmanager
def _damaged_as_user_error(message: str, where: str) -> Iterator[None]:
    """openpyxl raises many kinds (ParseError, KeyError, ValueError, TypeError…) on a damaged part, some only
    when a sheet is read lazily: report each as `message` (translated, with {error}) at `where`."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:
        raise UserError(message.format(error=type(exc).__name__), where) from exc


def read_cost_table(path: str | Path, annex_no: str | None = None, annex_title: str = "",
                    contract_number: str | None = None) -> ImportedTable:
    """The cost table in the workbook at `path` (the exported layout, or any sheet whose header row names
    the columns in Chinese or English). UserError with sheet!cell and the reason on anything wrong.

    With `contract_number`, a packet exported from another contract is refused; with `annex_no`, so is a
    sheet titled as another annex's table."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from app.export.xlsx.layout import AMOUNT

    path = Path(path)
    check_container(path)
    damaged = _("the workbook is damaged or not an .xlsx: {error}")
    with _damaged_as_user_error(damaged, path.name):
        wb = load_workbook(path, read_only=True, data_only=False)
    try:
        with _damaged_as_user_error(damaged, path.name):
            if contract_number is not None:
                _check_contract(wb, contract_number)
            ws, header_row, columns = _choose_sheet(wb, annex_no, annex_title, path.name)
        if annex_no is not None:
            _check_annex(ws.title, annex_no)
        table = ImportedTable(ws.title, header_row)
        with _damaged_as_user_error(_("the sheet cannot be read: {error}"), f"{path.name} {ws.title}"):
            raw = _read_raw(ws, header_row, columns, ws.title)
    finally:
        wb.close()
    q, p = get_column_letter(columns["quantity"] + 1), get_column_letter(columns["unit_price"] + 1)
    need = {
        rr.sheet_row
        for rr in raw
        for name, formula in rr.formulas.items()
        if not (name == AMOUNT and _simple_amount(formula, rr.sheet_row, q, p))
    }
    with _damaged_as_user_error(_("the sheet cannot be read: {error}"), f"{path.name} {ws.title}"):
        cached = _cached_values(path, table.sheet, need) if need else {}
    _build_rows(table, raw, columns, cached)
    return table
