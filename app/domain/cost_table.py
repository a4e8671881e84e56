"""Cost tables (费用明细表) as county offices write them: sections with subtotals, unit-price-only rows,
discounts and VAT.

A table is a flat list of rows in document order. A row is an item (quantity × unit price) or a section
(一 / 1 / 1.1 …) whose figures are computed from the rows below it; `level` says how deep a row sits
(0 = top), so the rows after a section at level L with a level above L belong to it, as a clause tree is
stored flat with depths. Nothing computed is ever typed: a section's subtotal, an item's amount, a
discounted price, a tax amount are always derived from the rows.

Rounding, stated once (printing, Excel, the check and the import all follow it):

- a discounted unit price is the base price × the discount rate, rounded half up to the fen
  (基准价 × 折扣率 = 折扣单价);
- an item's amount is its quantity × its (discounted) unit price, rounded half up to the fen;
- its tax is the amount × the VAT rate, rounded half up to the fen; its gross amount is amount + tax;
- a section's amount, tax and gross amount, and the table's, are sums of those rounded row figures
  (so a printed table always adds up), never a rounding of unrounded products.

Rates are fractions (0.955 for 95.5 %, 0.13 for 13 %). A row without its own rate takes its nearest
enclosing section's, else the table's. Unit prices are before VAT (不含税): the table's VAT columns give
不含税金额, 税额 and 含税金额, and the contract's tax-inclusive total is compared with the gross total.

A row with no quantity (None) is priced by unit only and settled on actual quantities (按实结算): it has no
amount, and a section with only such rows has no subtotal. The table says whether its total is the fixed
contract sum, a ceiling (上限) or an estimate (暂定).

`CostTable` is a list of `CostRow` (so every caller that walks rows keeps working) carrying the table's own
options; a plain list of rows is a table with no options.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from app.base.i18n import N_, _
from app.values.money import MAX_AMOUNT, AmountError, parse_decimal, quantize, row_amount_problem, table_total_problem

#: Decimal places a quantity may have (money has two).
QUANTITY_PLACES = 4
#: Decimal places of a rate as a fraction: 95.55 % is 0.9555.
RATE_PLACES = 4
#: The deepest level a row may sit at (0 = top); Excel's outline has seven levels below the top.
MAX_LEVEL = 7
#: The longest row number (一, 1.2.3, (十二) …).
MAX_NO_CHARS = 20
#: The longest unit (the store's column).
MAX_UNIT_CHARS = 32
ZERO = Decimal("0.00")
ONE = Decimal(1)


class RowKind(StrEnum):
    ITEM = "item"
    SECTION = "section"


class TotalKind(StrEnum):
    """What a table's total is: the contract sum, a ceiling on it (上限) or an estimate of it (暂定)."""

    FIXED = "fixed"
    CEILING = "ceiling"
    ESTIMATE = "estimate"

    @property
    def label(self) -> str:
        return _(TOTAL_KIND_LABELS[self])


TOTAL_KIND_LABELS = {
    TotalKind.FIXED: N_("fixed total"),
    TotalKind.CEILING: N_("ceiling"),
    TotalKind.ESTIMATE: N_("estimate"),
}

#: The words a clerk writes in a quantity cell for a row settled on actual quantities (compared after
#: `rate_key`-like folding: no spaces, lower case).
SETTLED_LABEL = N_("settled on actuals")
SETTLED_WORDS = ("按实结算", "据实结算", "按实", "按实际结算", "按实际发生结算", "settledonactuals", "asmeasured",
                 "actual", "actuals")


@dataclass
class CostRow:
    """A row of the cost table: an item, or a section heading (`kind`) whose figures are computed.

    The first six fields are the columns a flat table always had, in their order (positional construction
    keeps working); the rest are only set when used. `quantity` None: priced by unit only, settled on
    actual quantities (按实结算). `discount` and `vat_rate`: this row's own rates (a section's apply to the
    rows in it), None to inherit. `stated`: on a section read from a workbook, the subtotal as the workbook
    wrote it when it differs from the computed one, kept so the check can report it (never used as the
    subtotal).
    """

    item: str = ""
    spec: str = ""
    unit: str = ""
    quantity: Decimal | None = Decimal("0")
    unit_price: Decimal = Decimal("0.00")
    remark: str = ""
    kind: RowKind = RowKind.ITEM
    level: int = 0
    no: str = ""
    discount: Decimal | None = None
    vat_rate: Decimal | None = None
    stated: Decimal | None = None

    @property
    def is_section(self) -> bool:
        return self.kind is RowKind.SECTION

    @property
    def settled_on_actuals(self) -> bool:
        """An item priced by unit only (no quantity: 按实结算)."""
        return self.kind is RowKind.ITEM and self.quantity is None

    @property
    def amount(self) -> Decimal | None:
        """This row on its own: quantity × unit price (× its own discount, if it has one), rounded to the fen;
        None for a section or a unit-price-only row. Inherited discounts, VAT and subtotals come from
        `CostTable.figures()`, which printing, export and the check use."""
        if self.kind is not RowKind.ITEM or self.quantity is None:
            return None
        price = self.unit_price if self.discount is None else quantize(self.unit_price * self.discount)
        return quantize(self.quantity * price)

    @property
    def label(self) -> str:
        """How a message names the row: its number and item (一 绿化、卫生保洁部分)."""
        return f"{self.no} {self.item}".strip()

    @property
    def is_plain(self) -> bool:
        """Whether the row uses nothing a flat table of earlier versions could not hold."""
        return (self.kind is RowKind.ITEM and self.level == 0 and not self.no and self.quantity is not None
                and self.discount is None and self.vat_rate is None and self.stated is None)


@dataclass(frozen=True, slots=True)
class RowFigures:
    """What one row computes to (see the module's rounding rules). `unit_price` is the unit price after the
    discount (None for a section); `net` the amount before VAT, which is the amount of a table without VAT
    (None: nothing priced); `parent` the index of the enclosing section; `end` the index after the row's
    last descendant (a section's rows are `rows[index + 1:end]`)."""

    discount: Decimal | None
    unit_price: Decimal | None
    vat_rate: Decimal | None
    net: Decimal | None
    tax: Decimal | None
    gross: Decimal | None
    parent: int | None
    end: int

    @property
    def amount(self) -> Decimal | None:
        return self.net


@dataclass(frozen=True)
class TableFigures:
    """A whole table computed: one `RowFigures` per row, the totals, and what the table uses (which decides
    the columns printed and exported)."""

    rows: list[RowFigures]
    net: Decimal
    tax: Decimal
    gross: Decimal
    uses_discount: bool
    uses_vat: bool
    has_sections: bool
    has_settled: bool
    numbered: bool

    @property
    def total(self) -> Decimal:
        """The table's total: the gross amount when VAT is shown, else the sum of the amounts."""
        return self.gross if self.uses_vat else self.net


class CostTable(list[CostRow]):
    """The rows of a cost table plus the table's own options: a discount rate and a VAT rate that rows
    inherit, and what its total is (`TotalKind`). Compares equal to another table with the same rows and
    options, and to a plain list of the same rows when it has no options."""

    def __init__(self, rows: Iterable[CostRow] = (), *, discount: Decimal | None = None,
                 vat_rate: Decimal | None = None, total_kind: TotalKind = TotalKind.FIXED) -> None:
        super().__init__(rows)
        self.discount = discount
        self.vat_rate = vat_rate
        self.total_kind = total_kind

    @classmethod
    def of(cls, rows: Iterable[CostRow]) -> CostTable:
        """`rows` itself when it is a CostTable, else a table with no options holding them."""
        return rows if isinstance(rows, CostTable) else cls(rows)

    def with_rows(self, rows: Iterable[CostRow]) -> CostTable:
        """Other rows with this table's options."""
        return CostTable(rows, discount=self.discount, vat_rate=self.vat_rate, total_kind=self.total_kind)

    @property
    def options(self) -> tuple[Decimal | None, Decimal | None, TotalKind]:
        return self.discount, self.vat_rate, self.total_kind

    @property
    def has_options(self) -> bool:
        return self.options != (None, None, TotalKind.FIXED)

    @property
    def is_flat(self) -> bool:
        """No options and only plain rows: a table earlier versions could hold, written as they wrote it."""
        return not self.has_options and all(row.is_plain for row in self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CostTable):
            return self.options == other.options and list.__eq__(self, other)
        if isinstance(other, list):
            return not self.has_options and list.__eq__(self, other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"CostTable({list.__repr__(self)}, discount={self.discount!r}, vat_rate={self.vat_rate!r}, "
                f"total_kind={self.total_kind.value!r})")

    def copy(self) -> CostTable:  # type: ignore[override]
        return self.with_rows(self)

    def figures(self) -> TableFigures:
        return compute(self)

    @property
    def total(self) -> Decimal:
        return compute(self).total


def structure_problem(rows: list[CostRow]) -> tuple[int, str, str] | None:
    """(row index, field, message) for the first row that breaks the table's shape, or None.

    A row sits at most one level below the section before it, never below an item; a section at level L
    holds the rows that follow with a level above L. Rates are fractions: a discount above 0 and at most 1,
    a VAT rate from 0 to below 1. Only a section has a stated subtotal, only an item a quantity or price.
    """
    limit = 0  # the deepest level the next row may have
    for i, row in enumerate(rows):
        if not 0 <= row.level <= MAX_LEVEL:
            return i, "level", _("a level is from 0 to {n}").format(n=MAX_LEVEL)
        if row.level > limit:
            return i, "level", _("the row is deeper than the section above it allows (level {level}, at most {limit})").format(
                level=row.level, limit=limit)
        limit = row.level + 1 if row.is_section else row.level
        if len(row.no) > MAX_NO_CHARS:
            return i, "no", _("a row number has at most {n} characters").format(n=MAX_NO_CHARS)
        if row.discount is not None and not ZERO < row.discount <= ONE:
            return i, "discount", _("a discount rate is above 0 and at most 100%")
        if row.vat_rate is not None and not ZERO <= row.vat_rate < ONE:
            return i, "vat_rate", _("a VAT rate is from 0 to below 100%")
        if row.stated is not None and not row.is_section:
            return i, "stated", _("only a section has a stated subtotal")
    return None


def figures_problem(rows: list[CostRow]) -> tuple[int, str, str] | None:
    """(row index, field, message) for the first row beyond the one bound (app.values.money: a row's quantity × unit
    price within MAX_ROW_AMOUNT), or for a table whose total would pass MAX_AMOUNT, or None. Checked where rows
    enter (exchange file, workbook, a typed cell), so the computations, the check and the exports never meet
    such a figure. A discount never raises an amount and VAT at most doubles it, so the bound is checked on the
    products, the total with the table's highest VAT rate."""
    rates = [r.vat_rate for r in rows if r.vat_rate is not None]
    if isinstance(rows, CostTable) and rows.vat_rate is not None:
        rates.append(rows.vat_rate)
    factor = 1 + max(rates, default=Decimal(0))  # the highest rate anywhere: a bound, not the exact total
    total = Decimal(0)
    for i, row in enumerate(rows):
        if row.kind is not RowKind.ITEM or row.quantity is None:
            continue
        problem = row_amount_problem(row.quantity, row.unit_price)
        if problem is not None:
            return i, "quantity", problem
        total += row.quantity * row.unit_price * factor
        if total > MAX_AMOUNT:
            return i, "quantity", table_total_problem()
    return None


def compute(rows: list[CostRow]) -> TableFigures:
    """Every row's figures and the totals, by the rounding rules in this module's docstring.

    Inherited rates come from the nearest enclosing section that has one, else from the table (a plain
    list has none). A section whose rows price nothing (all 按实结算) has no amount (None), not zero.
    """
    table_discount = rows.discount if isinstance(rows, CostTable) else None
    table_vat = rows.vat_rate if isinstance(rows, CostTable) else None
    out: list[RowFigures | None] = [None] * len(rows)
    # open sections, innermost last: [index, level, discount, vat, net, tax, gross, priced]
    stack: list[list[Any]] = []
    net_total = tax_total = gross_total = ZERO
    uses_discount = table_discount is not None
    uses_vat = table_vat is not None
    has_sections = has_settled = numbered = False

    def close(entry: list[Any], end: int) -> None:
        nonlocal net_total, tax_total, gross_total
        index, _level, discount, vat, net, tax, gross, priced = entry
        parent = stack[-1][0] if stack else None
        out[index] = RowFigures(discount, None, vat, net if priced else None, tax if priced else None,
                                gross if priced else None, parent, end)
        if priced:
            add(net, tax, gross)

    def add(net: Decimal, tax: Decimal, gross: Decimal) -> None:
        nonlocal net_total, tax_total, gross_total
        if stack:
            top = stack[-1]
            top[4] += net
            top[5] += tax
            top[6] += gross
            top[7] = True
        else:
            net_total += net
            tax_total += tax
            gross_total += gross

    for i, row in enumerate(rows):
        while stack and stack[-1][1] >= row.level:
            close(stack.pop(), i)
        if row.no:
            numbered = True
        inherited_discount = stack[-1][2] if stack else table_discount
        inherited_vat = stack[-1][3] if stack else table_vat
        discount = row.discount if row.discount is not None else inherited_discount
        vat = row.vat_rate if row.vat_rate is not None else inherited_vat
        if row.discount is not None:
            uses_discount = True
        if row.vat_rate is not None:
            uses_vat = True
        if row.kind is RowKind.SECTION:
            has_sections = True
            stack.append([i, row.level, discount, vat, ZERO, ZERO, ZERO, False])
            continue
        price = row.unit_price if discount is None else quantize(row.unit_price * discount)
        parent = stack[-1][0] if stack else None
        if row.quantity is None:
            has_settled = True
            out[i] = RowFigures(discount, price, vat, None, None, None, parent, i + 1)
            continue
        net = quantize(row.quantity * price)
        tax = quantize(net * vat) if vat is not None else None
        gross = net + tax if tax is not None else net
        out[i] = RowFigures(discount, price, vat, net, tax, gross, parent, i + 1)
        add(net, tax or ZERO, gross)
    while stack:
        close(stack.pop(), len(rows))
    return TableFigures(out, net_total, tax_total, gross_total, uses_discount, uses_vat,  # type: ignore[arg-type]
                        has_sections, has_settled, numbered)


def table_total(rows: list[CostRow]) -> Decimal:
    """The table's total by the rounding rules above: the sum of the rounded item amounts (their gross
    amounts when the table shows VAT), as a printed table adds up."""
    if not isinstance(rows, CostTable) or not rows.has_options:
        total = ZERO
        for row in rows:
            if not row.is_plain:
                return compute(rows).total
            total += quantize(row.quantity * row.unit_price)  # type: ignore[operator]
        return total
    return compute(rows).total


def parse_rate(text: str | int | Decimal, *, discount: bool) -> Decimal:
    """A rate as a clerk writes it: "95.5%", "９５.５％", "0.955"; a number above 1 without a % sign is refused
    (95.5 could mean 95.5 % or a typo) rather than guessed. AmountError with the reason in English."""
    raw: str | int | Decimal = text if isinstance(text, (int, Decimal)) else str(text).strip().replace("％", "%")
    percent = isinstance(raw, str) and raw.endswith("%")
    if percent and isinstance(raw, str):
        raw = raw[:-1].strip()
    value = parse_decimal(raw, places=RATE_PLACES - 2 if percent else RATE_PLACES)
    if percent:
        value = value / 100
    elif value > ONE:
        raise AmountError(N_("write a rate as a percentage (13%) or a fraction (0.13)"))
    if discount and not ZERO < value <= ONE:
        raise AmountError(N_("a discount rate is above 0 and at most 100%"))
    if not discount and not ZERO <= value < ONE:
        raise AmountError(N_("a VAT rate is from 0 to below 100%"))
    return value.normalize() if value else Decimal(0)


def format_rate(value: Decimal) -> str:
    """0.955 → "95.5%", 0.13 → "13%"."""
    return f"{(value * 100).normalize():f}%"


def rate_text(value: Decimal) -> str:
    """A rate as the exchange file writes it: the fraction with no trailing zeros (0.955, 0.13)."""
    return f"{value.normalize():f}"


def is_settled_word(value: object) -> bool:
    """Whether a quantity cell says the row is settled on actual quantities (按实结算)."""
    if not isinstance(value, str) or len(value) > 30:
        return False
    key = "".join(value.split()).lower()
    return key in SETTLED_WORDS or key == "".join(_(SETTLED_LABEL).split()).lower()
