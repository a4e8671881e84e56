"""The cost-table sheet layout shared by the Excel writer and the Excel reader.

One place for the column order, the header titles (written in the current language, recognised in
Chinese and English on import) and the sheet names, so an exported workbook always reads back.
"""

from __future__ import annotations

import re
import unicodedata

from app.domain import COST_COLUMN_LABELS, COST_COLUMNS
from app.i18n import N_, _

#: The amount column is computed (quantity × unit price); it sits after the unit price as printed.
AMOUNT = "amount"
#: Sheet columns in order: the domain's cost columns with the computed amount after the unit price.
SHEET_COLUMNS: tuple[str, ...] = (*COST_COLUMNS[:5], AMOUNT, *COST_COLUMNS[5:])

COLUMN_LABELS = COST_COLUMN_LABELS

#: Titles the reader accepts for each column, compared after `header_key` normalisation.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "item": ("项目", "名称", "项目名称", "品名", "费用项目", "item", "name", "description"),
    "spec": ("规格", "规格型号", "型号", "规格及型号", "spec", "specification", "model"),
    "unit": ("单位", "计量单位", "unit", "uom"),
    "quantity": ("数量", "quantity", "qty"),
    "unit_price": ("单价", "单价元", "综合单价", "unitprice", "price"),
    AMOUNT: ("金额", "金额元", "合价", "小计", "amount", "total", "subtotal"),
    "remark": ("备注", "说明", "remark", "remarks", "note", "notes", "comment"),
}

#: The label of the total row; the reader stops at a row whose item cell holds one of these.
TOTAL_LABEL = N_("Total")
TOTAL_WORDS = ("合计", "总计", "合计金额", "total", "grandtotal", "sum")

#: The summary sheet and its contract-number row: an exported packet says which contract it came from.
SUMMARY_SHEET = N_("Contract summary")
NUMBER_LABEL = N_("Contract number")
SUMMARY_SHEET_NAMES = ("合同概要", "contract summary")
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


def is_total_label(text: object) -> bool:
    """Whether a cell reads 合计 / Total (the row that ends a cost table)."""
    if not isinstance(text, str) or len(text) > 20:
        return False
    key = header_key(text)
    return key in _TOTAL_KEYS or key == header_key(_(TOTAL_LABEL))


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
