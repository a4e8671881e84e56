"""Reading a cost table back from a workbook someone else filled in or marked up.

The file is untrusted: it is size-limited, its zip members are checked for bombs, every XML part is
refused if it declares a DTD (no entity expansion, via defusedxml), and the table is limited to
MAX_TABLE_ROWS rows. Values are parsed the way a clerk types them; formulas other than the exported ones
are not evaluated: their saved result is used and the row is flagged.

The sheet is read row by row as values (`app.codecs.sheet_stream`), each cell checked as it comes; then the
rows as read become the table: sections and their levels (from the exported outline, else from the numbering
style), 小计 rows, stated subtotals kept only where they differ, rates kept only where they differ from the one
inherited, the shape and the amounts checked whole. What a clerk could not see (hidden rows, columns, sheets)
is flagged; a column titled twice is refused.
"""

from __future__ import annotations

import gc
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.base.errors import UserError
from app.base.fileio import os_reason
from app.base.i18n import N_, _, ngettext
from app.codecs.office_zip import PartRules, check_parts
from app.codecs.sheet_stream import Book, DateValue, ErrorValue, SheetInfo, SheetRow
from app.domain import CostRow, CostTable, RowKind, TotalKind
from app.domain.cost_table import (
    MAX_NO_CHARS,
    MAX_UNIT_CHARS,
    QUANTITY_PLACES,
    figures_problem,
    is_settled_word,
    parse_rate,
    structure_problem,
)
from app.values.money import MAX_AMOUNT, MAX_TABLE_ROWS, AmountError, parse_decimal, quantize

# The workbook layout (app.codecs.xlsx.layout) is imported where it is used: importing it loads openpyxl, and
# this module is imported at start-up.

MAX_FILE_BYTES = 50 * 1024 * 1024
#: All members unpacked; a real 100,000-row table is far below this.
MAX_UNPACKED_BYTES = 600 * 1024 * 1024
#: Blank rows tolerated between data rows before the reader gives up looking.
MAX_BLANK_RUN = 1_000
#: The header must be within the first rows of the sheet.
HEADER_SEARCH_ROWS = 30
PRICE_PLACES = 2
#: Report progress every this many rows read.
PROGRESS_STEP = 1000

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
    #: The table read, with its options (its rates and total kind, from the rows above the header).
    rows: CostTable = field(default_factory=CostTable)
    #: Sheet row number of each entry of `rows`.
    sheet_rows: list[int] = field(default_factory=list)
    flags: list[RowFlag] = field(default_factory=list)


_RULES = PartRules(
    max_unpacked_bytes=MAX_UNPACKED_BYTES,
    xml_suffixes=(".xml", ".rels", ".vml"),
    too_large=N_("the workbook unpacks to more than {mb} MB; refused"),
    bomb=N_("the workbook part {part} is compressed suspiciously well (a zip bomb?); refused"),
    entities=N_("the workbook declares XML entities or a DTD ({part}); refused"),
    not_xml=N_("the workbook is damaged: {part} is not valid XML"),
)


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
            check_parts(archive, infos, _RULES, where)
    except zipfile.BadZipFile as exc:
        raise UserError(_("the workbook is damaged (not a readable zip file)"), where) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        raise UserError(_("the workbook is damaged or uses an unsupported compression"), where) from exc


def _find_header(rows: list[SheetRow]) -> tuple[int, dict[str, int], list[SheetRow]] | None:
    """(row number, column → 0-based index, the rows above it) of the first row naming at least item, quantity
    and unit price."""
    from app.codecs.xlsx.layout import column_for_header

    for k, row in enumerate(rows):
        columns: dict[str, int] = {}
        for i, value in enumerate(row.values):
            if value is None:
                continue
            name = column_for_header(value)
            if name and name not in columns:
                columns[name] = i
        if all(c in columns for c in REQUIRED_COLUMNS):
            return row.number, columns, rows[:k]
    return None


def _refuse_duplicate_columns(header: SheetRow, sheet: str) -> None:
    """A header that names a column twice (two 单价 columns, one of them perhaps hidden) leaves it unclear which
    is meant: refuse rather than take the first."""
    from app.codecs.xlsx.layout import COLUMN_LABELS, column_for_header

    seen: dict[str, int] = {}
    for i, value in enumerate(header.values):
        name = column_for_header(value) if value is not None else None
        if name is None:
            continue
        if name in seen:
            raise UserError(_("two columns are titled {label} ({first} and {second}); delete or rename one so it is "
                              "clear which is meant").format(label=_(COLUMN_LABELS[name]),
                                                             first=_letter(seen[name]), second=_letter(i)),
                            _cell_name(sheet, i, header.number))
        seen[name] = i


@dataclass
class _Found:
    sheet: SheetInfo
    header_row: int
    columns: dict[str, int]
    above: list[SheetRow]
    header: SheetRow


def _choose_sheet(book: Book, annex_no: str | None, annex_title: str, where: str) -> _Found:
    from app.codecs.xlsx.layout import COLUMN_LABELS, annex_sheet_name

    found: list[_Found] = []
    for info in book.sheets:
        first_rows = list(book.rows(info, last=HEADER_SEARCH_ROWS))
        header = _find_header(first_rows)
        if header:
            number, columns, above = header
            found.append(_Found(info, number, columns, above, next(r for r in first_rows if r.number == number)))
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
            hits = [f for f in found if match(f.sheet.title.lower())]
            if len(hits) == 1:
                return hits[0]
    names = ", ".join(f.sheet.title for f in found)
    raise UserError(_("several sheets hold a cost table ({names}); keep only the one for this annex").format(names=names),
                    where)


def _custom_contract_number(archive: zipfile.ZipFile) -> str | None:
    """The contract number an exported packet carries in its document properties (kept when sheets are deleted)."""
    from xml.etree.ElementTree import parse

    from app.codecs.xlsx.layout import CONTRACT_PROPERTY

    try:
        with archive.open("docProps/custom.xml") as fh:
            root = parse(fh).getroot()
    except KeyError:
        return None
    for prop in root:
        if prop.get("name") == CONTRACT_PROPERTY:
            return "".join(prop.itertext()).strip() or None
    return None


def _labelled_number(rows: list[SheetRow]) -> tuple[str, int, int] | None:
    """(number, row, column) of a 合同编号 / Contract number label's value in these rows."""
    from app.codecs.xlsx.layout import is_number_label

    for row in rows:
        for i, value in enumerate(row.values[:-1]):
            if value is not None and is_number_label(value):
                found = next((v for v in row.values[i + 1:] if not _blank(v)), None)
                if found is not None:
                    return _text(found).strip(), row.number, row.values.index(found, i + 1)
    return None


def _check_contract(book: Book, chosen: _Found, contract_number: str, where: str) -> None:
    """An exported packet names its contract on the summary sheet, in its document properties and on each table
    sheet: refuse one exported from another contract, whichever of these is left (deleting the summary sheet
    does not get a packet past this)."""
    from app.codecs.xlsx.layout import is_summary_sheet

    wanted = contract_number.strip()
    places: list[tuple[str, str]] = []
    for info in book.sheets:
        if is_summary_sheet(info.title):
            rows = [SheetRow(r.number, r.values[:2], {}) for r in book.rows(info, last=HEADER_SEARCH_ROWS)]
            hit = _labelled_number(rows)
            if hit:
                places.append((hit[0], _cell_name(info.title, hit[2], hit[1])))
    hit = _labelled_number(chosen.above)
    if hit:
        places.append((hit[0], _cell_name(chosen.sheet.title, hit[2], hit[1])))
    prop = _custom_contract_number(book.archive)
    if prop:
        places.append((prop, where))
    for found, at in places:
        if found and found != wanted:
            raise UserError(_("the workbook was exported from contract {other}, not {number}; refused").format(
                other=found, number=contract_number), at)


def _check_annex(sheet: str, annex_no: str) -> None:
    """A sheet titled as an exported annex (附件4 …) must be the annex being imported."""
    from app.codecs.xlsx.layout import annex_no_of_sheet

    found = annex_no_of_sheet(sheet)
    if found is not None and found.lower() != annex_no.strip().lower():
        raise UserError(_("the sheet holds annex {other}, not annex {no}; refused").format(other=found, no=annex_no),
                        sheet)


#: A formula that only points at another cell (=J6, =$B$2): how an exported table writes an inherited rate.
_REFERENCE = re.compile(r"=\s*\$?[A-Z]{1,3}\$?\d+\s*", re.IGNORECASE)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)


def _cell_name(sheet: str, col: int, row: int) -> str:
    return f"{sheet}!{_letter(col)}{row}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A text column's value. Strings are kept exactly as written (a leading tab is how text such as "=cmd" is
    kept from being read as a formula), so an unchanged workbook reads back unchanged; only header and total
    labels are matched loosely (`header_key`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any, places: int, label: str, where: str, *, cached: bool = False) -> Decimal:
    """A non-negative number with at most `places` decimals, from a cell value as a clerk left it."""
    if _blank(value):  # also the covered part of a merged cell
        raise UserError(_("{column} is empty").format(column=label), where)
    if isinstance(value, (bool, DateValue, ErrorValue)) or not isinstance(value, (int, float, Decimal, str)):
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
    if number > Decimal("1e15"):
        raise UserError(_("{column} is too large: {value}").format(column=label, value=value), where)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        if cached:  # a computed result carries binary noise; round it like the app does
            return number.quantize(Decimal(1).scaleb(-places))
        if number != number.quantize(Decimal(1).scaleb(-places)):
            raise UserError(_("{column} has more than {n} decimal places: {value}").format(
                column=label, n=places, value=value), where)
        number = number.quantize(Decimal(1).scaleb(-places))
    return number


@dataclass(slots=True)
class TableLine:
    """One table row as read (before sections and levels are worked out by `rows_from_lines`)."""

    sheet_row: int
    texts: dict[str, str]
    quantity: Decimal | None
    quantity_blank: bool
    unit_price: Decimal | None
    rates: dict[str, Decimal | None]
    inherited: set[str]
    shown: dict[str, Any]
    formulas: dict[str, str]
    outline: int
    subtotal: bool = False


@contextmanager
def _damaged_as_user_error(message: str, where: str) -> Iterator[None]:
    """Damaged parts raise many kinds of error (ParseError, KeyError, ValueError, zlib…), some only when a sheet
    is read lazily: report each as `message` (translated, with {error}) at `where`."""
    try:
        yield
    except UserError:
        raise
    except Exception as exc:
        raise UserError(message.format(error=type(exc).__name__), where) from exc


class _Reader:
    """Reads the rows under the header one at a time, checking each cell as it comes."""

    def __init__(self, table: ImportedTable, columns: dict[str, int]) -> None:
        from app.codecs.xlsx.layout import COLUMN_LABELS

        self.table = table
        self.sheet = table.sheet
        self.columns = columns
        self.labels = {name: _(COLUMN_LABELS[name]) for name in columns}
        self.lines: list[TableLine] = []
        self.hidden: list[int] = []

    def where(self, name: str, row: int) -> str:
        return _cell_name(self.sheet, self.columns[name], row)

    def read(self, rows: Iterator[SheetRow], progress: Callable[[int, int], None] | None, total: int | None) -> None:
        read = self._read(rows, progress, total)
        if progress is not None:
            progress(read, max(total or read, read))

    def _read(self, rows: Iterator[SheetRow], progress: Callable[[int, int], None] | None, total: int | None) -> int:
        """Read rows up to the total row; returns how many sheet rows were looked at."""

        columns = self.columns
        item_col = columns["item"]
        blank_run = 0
        count = 0
        for sr in rows:
            count += 1
            if progress is not None and count % PROGRESS_STEP == 0:
                progress(count, total or count)
            values = sr.values
            width = len(values)
            cells = {name: values[i] if i < width else None for name, i in columns.items()}
            formulas = {name: sr.formulas[i] for name, i in columns.items() if i in sr.formulas}
            if not formulas and all(_blank(v) for v in cells.values()):
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:
                    return count
                continue
            blank_run = 0
            item = cells.get("item")
            if _blank(item):  # 合计 written in the 序号 column (or another one left of 项目) with 项目 empty
                item = next((v for v in values[:item_col] if not _blank(v)), item)
            if self._is_total(item, formulas):
                self._refuse_rows_after_total(rows, sr.number)
                return count
            if len(self.lines) >= MAX_TABLE_ROWS:
                raise UserError(_("the table has more than {n} rows").format(n=f"{MAX_TABLE_ROWS:,}"),
                                _cell_name(self.sheet, item_col, sr.number))
            if sr.hidden:
                self.hidden.append(sr.number)
            self.lines.append(self._line(sr, cells, formulas))
        return count

    @staticmethod
    def _is_total(item: Any, formulas: dict[str, str]) -> bool:
        from app.codecs.xlsx.layout import AMOUNT, is_total_label

        if is_total_label(item):
            return True
        return "item" not in formulas and _blank(item) and bool(
            re.match(r"\s*=\s*(SUM|SUBTOTAL)\(", formulas.get(AMOUNT, ""), re.IGNORECASE))

    def _refuse_rows_after_total(self, rest: Iterator[SheetRow], total_row: int) -> None:
        """A cost row below the total row (a second table after a 合计, rows pasted under it) would be silently
        dropped: refuse it instead. Notes under the total (合计（大写）, the ceiling, remarks) are fine."""
        columns = self.columns
        for sr in rest:
            if _filled(sr, columns.get("item")) and (_filled(sr, columns.get("quantity"))
                                                     or _filled(sr, columns.get("unit_price"))):
                raise UserError(_("a cost row follows the total row (sheet row {total}); move it above the total row "
                                  "or delete it").format(total=total_row), _cell_name(self.sheet, columns["item"], sr.number))

    def _input(self, name: str, cells: dict[str, Any], formulas: dict[str, str], row: int) -> tuple[Any, bool]:
        """(value, inherited) of a column the clerk types: a formula's saved result is used and flagged (an
        exported table's reference to an inherited rate is read as inherited); none saved is refused."""
        value = cells.get(name)
        formula = formulas.get(name)
        if formula is None:
            return value, False
        if name in ("discount", "vat_rate") and _REFERENCE.fullmatch(formula):
            return value, True
        if value is None:
            raise UserError(_("the formula {formula} has no saved result; open and save the workbook in Excel, "
                              "or type the value").format(formula=formula), self.where(name, row))
        self.table.flags.append(RowFlag(self.where(name, row), _(
            "formula {formula} was not evaluated; its saved result {value} is used").format(formula=formula, value=_text(value))))
        return value, False

    def _line(self, sr: SheetRow, cells: dict[str, Any], formulas: dict[str, str]) -> TableLine:
        from app.codecs.xlsx.layout import COMPUTED_COLUMNS, is_subtotal_label

        r = sr.number
        texts: dict[str, str] = {}
        for name in ("item", "spec", "unit", "remark", "no"):
            if name in self.columns:
                texts[name] = _text(self._input(name, cells, formulas, r)[0])
        if len(texts.get("unit", "")) > MAX_UNIT_CHARS:  # the store's limit (a PostgreSQL column would refuse it)
            raise UserError(_("a unit has at most {n} characters").format(n=MAX_UNIT_CHARS), self.where("unit", r))
        if len(texts.get("no", "")) > MAX_NO_CHARS:
            raise UserError(_("a row number has at most {n} characters").format(n=MAX_NO_CHARS), self.where("no", r))
        shown = {name: cells.get(name) for name in COMPUTED_COLUMNS if name in self.columns}
        if is_subtotal_label(texts.get("item")):
            return TableLine(r, texts, None, True, None, {}, set(), shown, formulas, sr.outline, subtotal=True)
        raw_q, _inh = self._input("quantity", cells, formulas, r)
        raw_p, _inh = self._input("unit_price", cells, formulas, r)
        quantity: Decimal | None = None
        quantity_blank = _blank(raw_q)
        if not quantity_blank:
            if is_settled_word(raw_q):
                quantity = None
            else:
                quantity = _number(raw_q, QUANTITY_PLACES, self.labels["quantity"], self.where("quantity", r),
                                   cached="quantity" in formulas)
        price = None if _blank(raw_p) else _number(raw_p, PRICE_PLACES, self.labels["unit_price"],
                                                  self.where("unit_price", r),
                                                  cached="unit_price" in formulas).quantize(Decimal("0.01"))
        rates: dict[str, Decimal | None] = {}
        inherited: set[str] = set()
        for name in ("discount", "vat_rate"):
            if name not in self.columns:
                continue
            value, from_reference = self._input(name, cells, formulas, r)
            if from_reference:
                inherited.add(name)
            rates[name] = None if _blank(value) else self._rate(value, name, r)
        return TableLine(r, texts, quantity, quantity_blank, price, rates, inherited, shown,
                         {k: v for k, v in formulas.items() if k in COMPUTED_COLUMNS}, sr.outline)

    def _rate(self, value: Any, name: str, row: int) -> Decimal:
        try:
            if isinstance(value, (DateValue, bool, ErrorValue)):
                raise AmountError(N_("not a number"))
            return parse_rate(value if isinstance(value, (str, Decimal)) else Decimal(repr(value)),
                              discount=name == "discount")
        except (AmountError, ArithmeticError) as exc:
            message = exc.message if isinstance(exc, AmountError) else _("not a number")
            raise UserError(_("{column}: {reason}").format(column=self.labels[name], reason=message),
                            self.where(name, row)) from exc


def _filled(row: SheetRow, i: int | None) -> bool:
    return i is not None and ((i < len(row.values) and not _blank(row.values[i])) or i in row.formulas)


def _number_style(no: str) -> str:
    """The numbering style of a section number, which sets its depth when a sheet has no outline levels:
    一 / 一、 → "cn", （一） → "pcn", 1 / 1. → "ar1", 1.1 → "ar2" …, （1） → "par", anything else by its shape."""
    text = unicodedata.normalize("NFKC", no).strip().rstrip("、.．")
    if re.fullmatch(r"第?[一二三四五六七八九十百零〇]+(部分|章|节)?", text):
        return "cn"
    if re.fullmatch(r"\([一二三四五六七八九十百零〇]+\)", text):
        return "pcn"
    if re.fullmatch(r"\d+(\.\d+)*", text):
        return f"ar{text.count('.') + 1}"
    if re.fullmatch(r"\(\d+\)", text):
        return "par"
    return "other:" + re.sub(r"\d+", "9", re.sub(r"[A-Za-z]", "a", text))


def rows_from_lines(lines: Sequence[TableLine], *, has_no: bool, labels: Mapping[str, str],
                    where: Callable[[str, int], str]) -> tuple[list[CostRow], list[int], dict[int, Any]]:
    """Sections and their levels from rows as read — a sheet's, or rows pasted from one (the annex editor).

    A row with no quantity and no unit price is a section when it has a number (or the sheet an outline); its
    depth comes from the sheet's outline levels when it has them, else from its numbering style (一 above 1
    above 1.1); an item sits under the innermost open section, except that a numbered item in the style of an
    open section (1.2 after the rows of 1.1) closes it, unless that section numbers its own rows in that style
    (1 设备 → 1 服务器, 2 交换机). A 小计 row closes the innermost section and is not a row. A 序号 column that only counts the rows is not kept. Answers the rows, the line each came from
    and, by row index, the subtotal the sheet shows for a section; UserError at `where(column, line)` for a
    row that is neither a section nor a priced item (`labels` name the columns)."""
    from app.codecs.xlsx.layout import AMOUNT

    outline_mode = any(line.outline for line in lines)
    rows: list[CostRow] = []
    sheet_rows: list[int] = []
    stated: dict[int, Any] = {}  # row index → the subtotal the sheet shows for that section
    styles: list[tuple[str, int]] = []  # open sections when levels come from numbering: (style, row index)
    open_sections: list[int] = []  # open sections by level, when levels come from the outline
    child_styles: dict[int, set[str]] = {}  # section row index → numbering styles of the rows directly in it
    for line in lines:
        r = line.sheet_row
        no = line.texts.get("no", "")
        if line.subtotal:  # 小计: the subtotal of the innermost open section, which it closes
            target = styles.pop()[1] if not outline_mode and styles else (open_sections[-1] if open_sections else None)
            if target is not None:
                stated[target] = line.shown.get(AMOUNT)
            continue
        amount_formula = line.formulas.get(AMOUNT, "")
        is_section = line.quantity_blank and line.unit_price is None and (
            bool(no) or outline_mode or (has_no and bool(re.search(r"SUBTOTAL|SUM\(", amount_formula, re.I))))
        if not is_section:
            if line.quantity_blank:
                hint = _("{column} is empty (write 按实结算 for a row priced by unit only)").format(
                    column=labels["quantity"])
                if line.unit_price is None:
                    hint = _("{column} is empty (a section heading needs its number, 一 or 1.1, in the {no} column)").format(
                        column=labels["quantity"], no=_("No."))
                raise UserError(hint, where("quantity", r))
            if line.unit_price is None:
                raise UserError(_("{column} is empty").format(column=labels["unit_price"]),
                                where("unit_price", r))
        if _blank(line.texts.get("item")):
            raise UserError(_("{column} is empty").format(column=labels["item"]), where("item", r))
        if outline_mode:
            level = line.outline
            del open_sections[level:]
        elif is_section:
            style = _number_style(no) if no else "heading"
            depth = next((k for k, (s, _i) in enumerate(styles) if s == style), None)
            if depth is not None:
                del styles[depth:]
            level = len(styles)
        else:
            if no:  # 1.2 after the rows of section 1.1 is 1.1's sibling, unless 1.1's rows are numbered so
                style = _number_style(no)
                depth = next((k for k, (s, _i) in enumerate(styles) if s == style), None)
                if depth is not None and style not in child_styles.get(styles[depth][1], ()) and \
                        len(rows) > styles[depth][1] + 1:
                    del styles[depth:]
            level = len(styles)
        index = len(rows)
        if no and styles and not outline_mode:  # the numbering styles of each open section's own rows
            child_styles.setdefault(styles[-1][1], set()).add(_number_style(no))
        if is_section:
            if outline_mode:
                open_sections.append(index)
            else:
                styles.append((_number_style(no) if no else "heading", index))
            stated[index] = line.shown.get(AMOUNT)
        rows.append(CostRow(
            item=line.texts.get("item", ""), spec=line.texts.get("spec", ""), unit=line.texts.get("unit", ""),
            quantity=None if is_section else line.quantity,
            unit_price=Decimal("0.00") if is_section or line.unit_price is None else line.unit_price,
            remark=line.texts.get("remark", ""), kind=RowKind.SECTION if is_section else RowKind.ITEM, level=level,
            no=no, discount=line.rates.get("discount"), vat_rate=line.rates.get("vat_rate")))
        sheet_rows.append(r)
    if not any(row.is_section for row in rows) and all(row.no in ("", str(k)) for k, row in enumerate(rows, start=1)):
        for row in rows:  # a 序号 column that only counts the rows 1, 2, 3 … is not kept
            row.no = ""
    return rows, sheet_rows, stated


def _build(table: ImportedTable, reader: _Reader, options: dict[str, Any]) -> None:
    """Sections, levels, stated subtotals and rates from the rows as read; then the table is checked whole."""
    from app.codecs.xlsx.layout import AMOUNT, DISCOUNTED, GROSS, TAX

    lines = reader.lines
    rows, sheet_rows, stated = rows_from_lines(lines, has_no="no" in reader.columns, labels=reader.labels,
                                               where=reader.where)
    result = CostTable(rows, discount=options.get("discount"), vat_rate=options.get("vat_rate"),
                       total_kind=TotalKind(options.get("total_kind", "fixed")))
    problem = structure_problem(result)
    if problem is not None:
        index, column, message = problem
        name = column if column in reader.columns else "item"
        raise UserError(message, reader.where(name, sheet_rows[index]))
    problem = figures_problem(result)
    if problem is not None:
        index, _column, message = problem  # named at the quantity the clerk typed (the amount cell is a formula)
        raise UserError(message, reader.where("quantity" if "quantity" in reader.columns else AMOUNT, sheet_rows[index]))
    _inherit_rates(result)
    f = result.figures()
    by_row = {line.sheet_row: line for line in lines}
    whats = (_("quantity × unit price"), _("the discounted unit price"), _("the tax"), _("the amount with VAT"))
    for index, (row, x) in enumerate(zip(result, f.rows, strict=True)):
        line = by_row[sheet_rows[index]]
        if row.is_section and not _exported_formula(line.formulas.get(AMOUNT), line.sheet_row, True):
            row.stated = _stated(stated.get(index), x.net)  # typed (or a foreign formula's): the check compares it
        checks = [(AMOUNT, x.net, whats[0]), (DISCOUNTED, x.unit_price, whats[1]), (TAX, x.tax, whats[2]),
                  (GROSS, x.gross, whats[3])]
        if row.is_section:
            checks = checks[2:]  # its amount is the stated subtotal (the check compares it)
        for column, computed, what in checks:
            if column in reader.columns:
                _compare(table, reader, line, column, computed, what, row.is_section)
    table.rows = result
    table.sheet_rows = sheet_rows


def _inherit_rates(table: CostTable) -> None:
    """A rate equal to the one the row would inherit (its section's, else the table's) is not kept: an exported
    table shows every inherited rate, and reading it back must give the table that was exported. Dropping such a
    rate changes no row's effective rate, so the figures computed first stay right for every row."""
    f_rows = table.figures().rows
    for row, x in zip(table, f_rows, strict=True):
        for name in ("discount", "vat_rate"):
            inherited = getattr(f_rows[x.parent], name) if x.parent is not None else getattr(table, name)
            if getattr(row, name) is not None and getattr(row, name) == inherited:
                setattr(row, name, None)


def _stated(shown: Any, computed: Decimal | None) -> Decimal | None:
    """A section's subtotal as the sheet shows it, kept only when it differs from the sum of its rows."""
    if shown is None or isinstance(shown, (str, bool, DateValue)):
        return None
    try:
        value = quantize(Decimal(repr(shown)) if isinstance(shown, float) else Decimal(shown))
    except (ArithmeticError, ValueError, TypeError):
        return None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        return None
    return None if value == (computed if computed is not None else Decimal("0.00")) else value


_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_STRING = re.compile(r'"[^"]*"')
#: The formulas an export writes in computed columns, with cell references as @ and texts as "S".
_OUR_FORMULAS = frozenset({
    "ROUND(@*@,2)", "@*@", 'IF(ISNUMBER(@),ROUND(@*@,2),"S")', 'IF(@="S",@,ROUND(@*@,2))',
    'IF(OR(@="S",@="S"),"S",ROUND(@*@,2))', 'IF(@="S","S",@+N(@))', 'IF(COUNT(@:@),SUBTOTAL(9,@:@),"S")',
})


def _exported_formula(formula: str | None, row: int, section: bool) -> bool:
    """Whether a computed column's formula is one an export writes (its result follows the row's cells whenever
    the workbook is recalculated, so a stale saved result means only that it was not): an item's refers to its
    own row, a section's sums the rows below it."""
    if not formula:
        return False
    text = _STRING.sub('"S"', formula.upper().replace(" ", "").removeprefix("="))
    shape = _CELL_REF.sub("@", text)
    if shape not in _OUR_FORMULAS:
        return False
    rows = {int(m.group(2)) for m in _CELL_REF.finditer(text)}
    return all(r > row for r in rows) if section else rows == {row}


def _compare(table: ImportedTable, reader: _Reader, line: TableLine, column: str, computed: Decimal | None, what: str,
             section: bool = False) -> None:
    """Flag a computed column whose shown value differs from what the app computes (the computed one is used).
    An exported formula is not compared: it computes the same when the workbook is recalculated."""
    from app.codecs.xlsx.layout import AMOUNT

    formula = line.formulas.get(column)
    if _exported_formula(formula, line.sheet_row, section):
        return
    shown = line.shown.get(column)
    where = reader.where(column, line.sheet_row)
    if formula is not None and shown is None:
        message = (_("formula {formula} was not evaluated and has no saved result; quantity × unit price is used")
                   if column == AMOUNT else
                   _("formula {formula} was not evaluated and has no saved result; {what} is used"))
        table.flags.append(RowFlag(where, message.format(formula=formula, what=what)))
        return
    if _blank(shown) or isinstance(shown, (bool, DateValue, ErrorValue)) or is_settled_word(shown):
        return
    try:
        value = quantize(_number(shown, 6, reader.labels[column], where, cached=True))
    except UserError:
        value = None
    if value == computed:
        return
    amount = computed if computed is not None else "—"
    if column == AMOUNT:
        message = _("the sheet's amount {shown} differs from quantity × unit price {amount}; the computed amount is used")
    else:
        message = _("the sheet's {column} {shown} differs from {what} {amount}; the computed value is used")
    table.flags.append(RowFlag(where, message.format(column=reader.labels[column], shown=_text(shown), what=what,
                                                     amount=amount)))


def _options(above: list[SheetRow], sheet: str) -> dict[str, Any]:
    """The table's own rates and total kind from the option rows above the header (折扣率 95.5%, 税率 13%,
    合同金额 上限)."""
    from app.codecs.xlsx.layout import option_for_label, total_kind_for

    found: dict[str, Any] = {}
    for row in above:
        for i, value in enumerate(row.values):
            option = option_for_label(value)
            if option is None:
                continue
            j, raw = next(((k, v) for k, v in enumerate(row.values) if k > i and not _blank(v)), (None, None))
            if raw is None or j is None:
                continue
            where = _cell_name(sheet, j, row.number)
            if option == "total_kind":
                kind = total_kind_for(raw)
                if kind is None:
                    raise UserError(_("\"{value}\" is not one of: {choices}").format(
                        value=_text(raw), choices="、".join(k.label for k in TotalKind)), where)
                found[option] = kind
                continue
            try:
                if isinstance(raw, (DateValue, bool, ErrorValue)):
                    raise AmountError(N_("not a number"))
                found[option] = parse_rate(raw if isinstance(raw, (str, Decimal)) else Decimal(repr(raw)),
                                           discount=option == "discount")
            except (AmountError, ArithmeticError) as exc:
                raise UserError(exc.message if isinstance(exc, AmountError) else _("not a number"), where) from exc
    return found


def _hidden_flags(table: ImportedTable, rows: list[int], sheet: str) -> None:
    """One flag per run of hidden rows that were read (a hidden row is part of the table, but nobody saw it)."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][-1] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    for run in runs:
        shown = str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}"
        table.flags.append(RowFlag(f"{sheet}!A{run[0]}", ngettext(
            "sheet row {rows} is hidden in the workbook; it was read — check it",
            "sheet rows {rows} are hidden in the workbook; they were read — check them", len(run)).format(rows=shown)))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while rows are read: reading makes many small objects and no cycles, and
    the collector would otherwise rescan everything the app holds (a 20,000-row table in memory) again and
    again — a third of the import's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_cost_table(path: str | Path, annex_no: str | None = None, annex_title: str = "",
                    contract_number: str | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ImportedTable:
    """The cost table in the workbook at `path`; see `_read_cost_table`."""
    with _collector_paused():
        return _read_cost_table(path, annex_no, annex_title, contract_number, progress)


def _read_cost_table(path: str | Path, annex_no: str | None, annex_title: str, contract_number: str | None,
                     progress: Callable[[int, int], None] | None) -> ImportedTable:
    """The cost table in the workbook at `path` (the exported layout, or any sheet whose header row names
    the columns in Chinese or English). UserError with sheet!cell and the reason on anything wrong.

    With `contract_number`, a packet exported from another contract is refused; with `annex_no`, so is a
    sheet titled as another annex's table. `progress(rows read, rows in the sheet)` is called every
    PROGRESS_STEP rows. Hidden rows, a hidden column or a hidden sheet that were read are flagged."""
    from app.codecs.xlsx.layout import COLUMN_LABELS

    path = Path(path)
    check_container(path)
    damaged = _("the workbook is damaged or not an .xlsx: {error}")
    with _damaged_as_user_error(damaged, path.name):
        archive = zipfile.ZipFile(path)
    try:
        with _damaged_as_user_error(damaged, path.name):
            book = Book(archive)
            found = _choose_sheet(book, annex_no, annex_title, path.name)
        sheet = found.sheet
        if contract_number is not None:
            with _damaged_as_user_error(damaged, path.name):
                _check_contract(book, found, contract_number, path.name)
        if annex_no is not None:
            _check_annex(sheet.title, annex_no)
        _refuse_duplicate_columns(found.header, sheet.title)
        table = ImportedTable(sheet.title, found.header_row)
        if sheet.hidden:
            table.flags.append(RowFlag(sheet.title, _("the sheet is hidden in the workbook; its table was read")))
        with _damaged_as_user_error(_("the sheet cannot be read: {error}"), f"{path.name} {sheet.title}"):
            hidden_columns = book.hidden_columns(sheet)
            total = book.dimension_rows(sheet)
        for name, i in found.columns.items():
            if i in hidden_columns:
                table.flags.append(RowFlag(f"{sheet.title}!{_letter(i)}{found.header_row}", _(
                    "the column {column} ({label}) is hidden in the workbook; its values were read").format(
                        column=_letter(i), label=_(COLUMN_LABELS[name]))))
        options = _options(found.above, sheet.title)
        reader = _Reader(table, found.columns)
        # closed here when the reader stops early (a refused row): the sheet's stream in the archive would keep the
        # workbook file open after archive.close() until the collector got to it (on Windows, the file in use)
        with closing(book.rows(sheet, first=found.header_row + 1, wanted=set(found.columns.values()))) as rows, \
                _damaged_as_user_error(_("the sheet cannot be read: {error}"), f"{path.name} {sheet.title}"):
            reader.read(rows, progress, total)
    finally:
        archive.close()
    _build(table, reader, options)
    _hidden_flags(table, reader.hidden, sheet.title)
    return table
