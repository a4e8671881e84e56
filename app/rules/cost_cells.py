"""What a cost-table cell accepts: the columns of a stored row, and the parsing of what a clerk types or pastes
into one (the store writes only what this lets through; the paste reader and the editor use it too)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from app.base.errors import UserError
from app.base.i18n import N_, _
from app.domain import COST_COLUMN_LABELS, COST_COLUMNS, COST_STRUCTURE_COLUMNS, RowKind
from app.domain.cost_table import MAX_LEVEL, MAX_NO_CHARS, MAX_UNIT_CHARS, QUANTITY_PLACES, is_settled_word, parse_rate
from app.values.money import MAX_AMOUNT, AmountError, check_row_amount, parse_decimal

#: Column → the label used in messages (translated where shown).
COLUMN_LABELS = COST_COLUMN_LABELS
NUMBER_COLUMNS = ("quantity", "unit_price")
#: Every stored column of a row, in the order of `RowValues`.
ROW_COLUMNS = (*COST_COLUMNS, *COST_STRUCTURE_COLUMNS)
#: Stored values of a row's structure columns when a caller gives only the first six.
STRUCTURE_DEFAULTS = ("item", 0, "", None, None, None)
DECIMAL_COLUMNS = ("quantity", "unit_price", "discount", "vat_rate", "stated")
_AMOUNT_REASONS = {
    "empty": N_("a number is required"),
    "not a number": N_("not a number"),
    "negative": N_("must not be negative"),
    "too large": N_("too large"),
}

#: One row's stored values in ROW_COLUMNS order: (item, spec, unit, quantity, unit_price, remark) and, when
#: given, (kind, level, no, discount, vat_rate, stated); a six-value row is a top-level item without rates.
#: A quantity of None is a row priced by unit only (按实结算).
RowValues = tuple


def column_label(column: str) -> str:
    return _(COLUMN_LABELS[column])


def cell_where(row: int, column: str) -> str:
    """How a message names a cell: "row 12, Unit price" (rows counted from 1)."""
    return _("row {row}, {column}").format(row=row, column=column_label(column))


def parse_cell(column: str, value: str | Decimal | int | None, where: str) -> str | Decimal | int | None:
    """The stored value for what a clerk typed or pasted; refuses (UserError) what may not be stored.

    Numbers accept thousands separators, full-width digits and a ¥ sign; a quantity may have up to
    four decimals, a unit price two; neither may be negative. A quantity written 按实结算 (or left to the
    row kind) is None: priced by unit only. Rates accept "95.5%" or "0.955"; empty means inherited (None).
    A level is 0 to MAX_LEVEL; whether the table keeps its shape is checked when rows are written.
    """
    if column not in ROW_COLUMNS:
        raise UserError(_("this column cannot be edited"), where)
    if column == "quantity" and (value is None or is_settled_word(value)):
        return None
    if column in NUMBER_COLUMNS or column == "stated":
        if column == "stated" and (value is None or value == ""):
            return None
        places = QUANTITY_PLACES if column == "quantity" else 2
        try:
            number = parse_decimal(value, places=places)  # type: ignore[arg-type]
        except AmountError as exc:
            raise UserError(_amount_reason(exc, places), where) from exc
        if number > MAX_AMOUNT:
            raise UserError(_("too large"), where)
        return number if column == "quantity" else number.quantize(Decimal(1).scaleb(-2))
    if column in ("discount", "vat_rate"):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_rate(value, discount=column == "discount")  # type: ignore[arg-type]
        except AmountError as exc:
            raise UserError(exc.message, where) from exc
    if column == "kind":
        try:
            return RowKind(str(value)).value
        except ValueError as exc:
            raise UserError(_("a row is an item or a section"), where) from exc
    if column == "level":
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
            raise UserError(_("a level is from 0 to {n}").format(n=MAX_LEVEL), where)
        level = int(str(value).strip())
        if level > MAX_LEVEL:
            raise UserError(_("a level is from 0 to {n}").format(n=MAX_LEVEL), where)
        return level
    text = str(value if value is not None else "").replace("\r\n", "\n").strip()
    if column == "unit" and len(text) > MAX_UNIT_CHARS:
        raise UserError(_("a unit has at most {n} characters").format(n=MAX_UNIT_CHARS), where)
    if column == "no" and len(text) > MAX_NO_CHARS:
        raise UserError(_("a row number has at most {n} characters").format(n=MAX_NO_CHARS), where)
    return text


def _amount_reason(exc: AmountError, places: int) -> str:
    reason = str(exc)
    if reason.startswith("more than"):
        return _("more than {places} decimal places").format(places=places)
    return _(_AMOUNT_REASONS.get(reason, N_("not a number")))


def parse_row(cells: Sequence[str | Decimal | int | None], row: int) -> RowValues:
    """A whole row from cells in ROW_COLUMNS order (missing cells are empty, numbers zero; a row of six
    cells is a top-level item). A section's quantity and unit price are stored as none and zero."""
    out: list[str | Decimal | int | None] = []
    for i, column in enumerate(ROW_COLUMNS):
        if i < len(cells):
            raw = cells[i]
        else:
            raw = STRUCTURE_DEFAULTS[i - len(COST_COLUMNS)] if i >= len(COST_COLUMNS) else ""
        if column in NUMBER_COLUMNS and (raw == "" or (raw is None and column == "unit_price")):
            raw = "0"
        out.append(parse_cell(column, raw, cell_where(row, column)))
    if out[ROW_COLUMNS.index("kind")] == RowKind.SECTION.value:
        out[ROW_COLUMNS.index("quantity")] = None
        out[ROW_COLUMNS.index("unit_price")] = Decimal("0.00")
    elif out[ROW_COLUMNS.index("stated")] is not None:
        raise UserError(_("only a section has a stated subtotal"), cell_where(row, "stated"))
    quantity, price = out[ROW_COLUMNS.index("quantity")], out[ROW_COLUMNS.index("unit_price")]
    if quantity is not None:
        check_row_amount(quantity, price, cell_where(row, "quantity"))  # type: ignore[arg-type]  # the one bound
    return tuple(out)
