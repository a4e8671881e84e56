"""The cost-table sheet layout shared by the Excel writer and the Excel reader.

One place for the column order, the header titles (written in the current language, recognised in
Chinese and English on import) and the sheet names, so an exported workbook always reads back.
"""

from __future__ import annotations

import re
import unicodedata

from app.base.i18n import N_, _
from app.domain import COST_COLUMN_LABELS, COST_COLUMNS, TableFigures

#: The amount column is computed (quantity × unit price); it sits after the unit price as printed.
AMOUNT = "amount"
#: Computed columns of a table with a discount or VAT: the discounted unit price, the tax, the amount with VAT.
DISCOUNTED, TAX, GROSS = "discounted", "tax", "gross"
#: Sheet columns of a flat table, in order: the domain's cost columns with the computed amount after the unit
#: price (the layout every earlier export used).
SHEET_COLUMNS: tuple[str, ...] = (*COST_COLUMNS[:5], AMOUNT, *COST_COLUMNS[5:])
#: Columns whose values the reader recomputes (it compares what the sheet shows and flags a difference).
COMPUTED_COLUMNS = frozenset({AMOUNT, DISCOUNTED, TAX, GROSS})

COLUMN_LABELS = {
    **COST_COLUMN_LABELS,
    DISCOUNTED: N_("Discounted unit price"),
    TAX: N_("Tax"),
    GROSS: N_("Amount with VAT"),
}


def sheet_columns(f: TableFigures | None) -> tuple[str, ...]:
    """The columns of a table's sheet: a flat table's (None) as always; with sections, numbers, discounts or
    VAT, a 序号 column first, and the discount and VAT columns only when the table uses them."""
    if f is None:
        return SHEET_COLUMNS
    cols = ["no", *COST_COLUMNS[:5]]
    if f.uses_discount:
        cols += ["discount", DISCOUNTED]
    cols.append(AMOUNT)
    if f.uses_vat:
        cols += ["vat_rate", TAX, GROSS]
    cols.append("remark")
    return tuple(cols)


def column_title(column: str, f: TableFigures | None) -> str:
    """A column's header in the current language: 基准单价 when a discount applies, 不含税金额 with VAT."""
    if column == "unit_price" and f is not None and f.uses_discount:
        return _("Base unit price")
    if column == AMOUNT and f is not None and f.uses_vat:
        return _("Amount before VAT")
    return _(COLUMN_LABELS[column])

#: Titles the reader accepts for each column, compared after `header_key` normalisation.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "item": ("项目", "名称", "项目名称", "品名", "费用项目", "item", "name", "description"),
    "spec": ("规格", "规格/内容", "规格型号", "型号", "规格及型号", "spec", "specification", "model"),
    "unit": ("单位", "计量单位", "unit", "uom"),
    "quantity": ("数量", "quantity", "qty"),
    "unit_price": ("单价", "单价元", "综合单价", "基准单价", "基准价", "unitprice", "price", "baseunitprice"),
    AMOUNT: ("金额", "金额元", "合价", "小计", "不含税金额", "amount", "total", "subtotal", "amountbeforevat"),
    "remark": ("备注", "说明", "remark", "remarks", "note", "notes", "comment"),
    "no": ("序号", "编号", "no", "number"),
    "discount": ("折扣率", "折扣", "discountrate", "discount"),
    DISCOUNTED: ("折扣单价", "折后单价", "discountedunitprice", "discountedprice"),
    "vat_rate": ("税率", "增值税税率", "vatrate", "taxrate"),
    TAX: ("税额", "增值税额", "tax", "vat"),
    GROSS: ("含税金额", "价税合计", "含税合价", "amountwithvat", "grossamount"),
}

#: The label of the total row; the reader stops at a row whose item cell holds one of these.
TOTAL_LABEL = N_("Total")
TOTAL_WORDS = ("合计", "总计", "合计金额", "total", "grandtotal", "sum")

#: Words of a subtotal row under a section's rows (小计, 一小计, 小计（一）).
SUBTOTAL_WORDS = ("小计", "subtotal")
#: Total row labels of an estimate, and the row under a ceiling's total that states the ceiling.
ESTIMATE_TOTAL_LABEL = N_("Total (estimate)")
CEILING_LABEL = N_("Contract ceiling")
#: Option rows above the header: the table's discount rate, VAT rate and what its total is.
OPTION_LABEL_WORDS: dict[str, tuple[str, ...]] = {
    "discount": ("折扣率", "折扣", "discountrate", "discount"),
    "vat_rate": ("税率", "增值税税率", "vatrate", "taxrate"),
    "total_kind": ("合同金额性质", "合计性质", "合同金额", "totalkind", "contractsum"),
}
OPTION_LABELS = {"discount": N_("Discount rate"), "vat_rate": N_("VAT rate"), "total_kind": N_("Contract sum")}
#: Words for each total kind in an option row (besides their labels in the current language).
TOTAL_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "fixed": ("固定", "固定总价", "fixed", "fixedtotal"),
    "ceiling": ("上限", "最高限价", "封顶", "ceiling"),
    "estimate": ("暂定", "暂估", "estimate", "estimated"),
}

#: The summary sheet and its contract-number row: an exported packet says which contract it came from.
SUMMARY_SHEET = N_("Contract summary")
NUMBER_LABEL = N_("Contract number")
SUMMARY_SHEET_NAMES = ("合同概要", "contract summary")
#: The workbook's custom document property naming the contract (deleting a sheet does not remove it).
CONTRACT_PROPERTY = "ContractDesk contract number"
NUMBER_LABELS = ("合同编号", "contract number")

_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def header_key(text: object) -> str:
    """Normalise a header title for matching: width-folded, lower case, no spaces, brackets or units."""
    raw = unicodedata.normalize("NFKC", str(text or "")).lower()
    raw = re.sub(r"[（(][^）)]*[）)]", "", raw)  # "单价（元）" → "单价"
    return re.sub(r"[\s_:：.\-]", "", raw)


_ALIAS_TO_COLUMN = {header_key(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases}


def column_for_header(text: object) -> str | None:
    """The sheet column a header title names, or None."""
    return _ALIAS_TO_COLUMN.get(header_key(text))


_TOTAL_KEYS = frozenset(header_key(w) for w in TOTAL_WORDS)


#: A cheap first look: a label that names a total or subtotal holds one of these (most item texts hold none).
_LABEL_HINT = re.compile(r"合|总|计|total|sum", re.IGNORECASE)


def is_total_label(text: object) -> bool:
    """Whether a cell reads 合计 / Total (合计（暂定） too: the row that ends a cost table)."""
    if not isinstance(text, str) or len(text) > 20 or not _LABEL_HINT.search(text):
        return False
    key = header_key(text)
    return key in _TOTAL_KEYS or key in (header_key(_(TOTAL_LABEL)), header_key(_(ESTIMATE_TOTAL_LABEL)))


def is_subtotal_label(text: object) -> bool:
    """Whether a cell reads 小计 (小计, 一小计, 小计（一）, Subtotal): the row closing a section's rows."""
    if not isinstance(text, str) or len(text) > 20 or not _LABEL_HINT.search(text):
        return False
    key = header_key(text)
    return key in SUBTOTAL_WORDS or (key.endswith("小计") and len(key) <= 6)


def option_for_label(text: object) -> str | None:
    """The table option an option row's label names (discount, vat_rate, total_kind), or None."""
    if not isinstance(text, str) or len(text) > 20:
        return None
    key = header_key(text)
    for option, words in OPTION_LABEL_WORDS.items():
        if key in {header_key(w) for w in words} or key == header_key(_(OPTION_LABELS[option])):
            return option
    return None


def total_kind_for(text: object) -> str | None:
    """The total kind a cell's word names (fixed, ceiling, estimate), or None."""
    from app.domain import TotalKind

    key = header_key(text)
    for kind, words in TOTAL_KIND_WORDS.items():
        if key in {header_key(w) for w in words} or key == header_key(TotalKind(kind).label):
            return kind
    return None


def is_summary_sheet(title: object) -> bool:
    """Whether a sheet is an exported packet's 合同概要 (Contract summary), in any language."""
    return header_key(title) in {header_key(t) for t in (*SUMMARY_SHEET_NAMES, _(SUMMARY_SHEET))}


def is_number_label(text: object) -> bool:
    """Whether a summary-sheet label reads 合同编号 / Contract number."""
    return header_key(text) in {header_key(t) for t in (*NUMBER_LABELS, _(NUMBER_LABEL))}


_ANNEX_SHEET = re.compile(r"(?:附件|annex\s+)([0-9a-z]+)(?:[\s：:]|$)", re.IGNORECASE)


def annex_no_of_sheet(title: str) -> str | None:
    """The annex number an exported sheet title (附件3 费用明细表 / Annex 3 …) names, or None."""
    m = _ANNEX_SHEET.match(title.strip())
    return m.group(1) if m else None


def safe_sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, not blank."""
    cleaned = _INVALID_SHEET_CHARS.sub(" ", name).strip().strip("'") or "Sheet"
    cleaned = cleaned[:31]
    taken = taken or set()
    candidate, n = cleaned, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate = cleaned[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


def annex_sheet_name(no: str, title: str) -> str:
    """附件3 费用明细表 — the sheet that holds annex `no`'s cost table (before `safe_sheet_name`)."""
    return _("Annex {no} {title}").format(no=no, title=title).strip()
