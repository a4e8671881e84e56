"""A cost-table annex as a sheet with live formulas, each stored with its result.

A flat table keeps the layout every earlier export used: row 1 the annex heading, row 2 the column titles,
one row per item with 金额 = ROUND(数量 × 单价, 2), a 合计 row (SUM) and the total in words.

A table with sections, numbers, 按实结算 rows, a discount or VAT adds a 序号 column and, only when used, the
discount columns (基准单价, 折扣率, 折扣单价 = IF(折扣率 = "", 基准单价, ROUND(基准单价 × 折扣率, 2))) and the VAT
columns (不含税金额, 税率, 税额 = ROUND(金额 × 税率, 2), 含税金额 = 金额 + 税额). A section's figures are
SUBTOTAL(9, …) over its rows, which leaves out the subtotals of the sections inside it, so nothing is counted
twice; the 合计 row is SUBTOTAL(9, …) over the whole table. Rows are grouped under their sections (Excel's
outline), so a section folds. A rate a row inherits is a reference to its section's (or the table's) rate cell,
so changing that one cell changes every row under it. The table's own rates and what its total is (上限, 暂定)
are rows above the header.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from app.base.i18n import _
from app.codecs.xlsx.layout import (
    AMOUNT,
    CEILING_LABEL,
    DISCOUNTED,
    ESTIMATE_TOTAL_LABEL,
    GROSS,
    NUMBER_LABEL,
    OPTION_LABELS,
    TAX,
    TOTAL_LABEL,
    column_title,
    sheet_columns,
)
from app.codecs.xlsx.sheet import (
    INTEGER_FORMAT,
    LANDSCAPE_WIDTH,
    MONEY_FORMAT,
    QUANTITY_FORMAT,
    RATE_FORMAT,
    Sheet,
    display_width,
    fit_widths,
)
from app.domain import Annex, Contract, CostTable, RowFigures, TotalKind
from app.domain.cost_table import SETTLED_LABEL
from app.values.money import format_amount, rmb_upper

#: Widest a text column starts (characters); long text wraps inside it.
TEXT_CAPS = {"item": 30, "spec": 50, "unit": 10, "remark": 40, "no": 12}
#: Narrowest a wrapping text column may become so the sheet prints at full size.
TEXT_MINIMUMS: dict[str, float] = {"item": 12, "spec": 14, "remark": 10}
WRAPPED = ("item", "spec", "remark")
TEXT_COLUMNS = ("no", "item", "spec", "unit", "remark")


def _quantity_text(value: Decimal) -> str:
    return f"{value:,}"


def _widths(cols: tuple[str, ...], table: CostTable, figures, contract: Contract, titles: list[str]) -> list[float]:
    """Each column as wide as its widest value (text capped, so it wraps), headers included (a header wraps
    between words: only its longest word counts)."""
    widths = [float(_longest_word(t)) for t in titles]
    index = {c: i for i, c in enumerate(cols)}
    for c in TEXT_COLUMNS:
        if c not in index:
            continue
        i = index[c]
        widest = max((display_width(line) for row in table for line in getattr(row, c).split("\n")), default=0)
        widths[i] = max(widths[i], min(widest, TEXT_CAPS[c]))
    settled = _longest_word(_(SETTLED_LABEL))  # 按实结算 wraps in its cell
    money = [format_amount(v) for v in (figures.net, figures.tax, figures.gross, contract.total)]
    for c in cols:
        i = index[c]
        if c == "quantity":
            texts = [_quantity_text(r.quantity) if r.quantity is not None else "" for r in table]
            widths[i] = max(widths[i], max((len(t) for t in texts), default=0),
                            settled if figures.has_settled else 0)
        elif c in ("unit_price",):
            widths[i] = max(widths[i], max((len(format_amount(r.unit_price)) for r in table), default=0))
        elif c == DISCOUNTED:
            widths[i] = max(widths[i], max((len(format_amount(x.unit_price)) for x in figures.rows
                                            if x.unit_price is not None), default=0))
        elif c in (AMOUNT, TAX, GROSS):
            field = {AMOUNT: "net", TAX: "tax", GROSS: "gross"}[c]
            values = [getattr(x, field) for x in figures.rows if getattr(x, field) is not None]
            widths[i] = max(widths[i], max((len(format_amount(v)) for v in values), default=0),
                            max(len(m) for m in money), settled if c == AMOUNT and figures.has_settled else 0)
        elif c in ("discount", "vat_rate"):
            widths[i] = max(widths[i], 6)
    widths = [w + 2 for w in widths]
    widths[index["item"]] = max(widths[index["item"]], display_width(_("Total in words")) + 2)
    shrinkable = {index[c]: TEXT_MINIMUMS[c] for c in WRAPPED if c in index}
    return fit_widths(widths, shrinkable, LANDSCAPE_WIDTH)


def _longest_word(text: str) -> int:
    """The width of a text's longest word: what a wrapping cell must hold on one line (all of a Chinese text)."""
    return max((display_width(word) for word in text.split()), default=0)


def write_cost_sheet(sheet: Sheet, annex: Annex, contract: Contract, tick: Callable[[int], None]) -> int:
    """Render the annex's table into `sheet`; `tick(n)` after every n-th row (progress, cancel). Returns the
    number of table rows written."""
    table = CostTable.of(annex.table or [])
    f = table.figures()
    flat = table.is_flat
    cols = sheet_columns(None if flat else f)
    titles = [column_title(c, None if flat else f) for c in cols]
    out = sheet.rows
    L = {name: out.letter(i) for i, name in enumerate(cols)}
    last_col = L[cols[-1]]
    widths = _widths(cols, table, f, contract, titles)
    sheet.set_widths(widths, {i for i, c in enumerate(cols) if c in WRAPPED or c in ("quantity", AMOUNT)})

    st = sheet.style
    title_s = st(bold=True, size=14)
    plain_s = st()
    header_s = st(bold=True, wrap=True, align="center", border=True, header=True)
    bold_s = st(bold=True, border=True)
    label_s = st(bold=True)
    label_right_s = st(bold=True, align="right")
    note_s = st(wrap=True)
    text_s = {c: st(border=True, wrap=c in WRAPPED, align="center" if c in ("no", "unit") else None) for c in TEXT_COLUMNS}
    section_text_s = {c: st(bold=True, border=True, wrap=c in WRAPPED, section=True) for c in TEXT_COLUMNS}
    money_s, money_bold_s = st(fmt=MONEY_FORMAT, border=True), st(fmt=MONEY_FORMAT, bold=True, border=True)
    section_money_s = st(fmt=MONEY_FORMAT, bold=True, border=True, section=True)
    rate_s, section_rate_s = st(fmt=RATE_FORMAT, border=True), st(fmt=RATE_FORMAT, bold=True, border=True, section=True)
    option_rate_s = st(fmt=RATE_FORMAT, bold=True)
    int_s, qty_s = st(fmt=INTEGER_FORMAT, border=True), st(fmt=QUANTITY_FORMAT, border=True)
    settled_s = st(border=True, align="right", wrap=True)
    section_settled_s = st(bold=True, border=True, align="right", wrap=True, section=True)
    empty_s, section_empty_s = st(border=True), st(border=True, section=True)

    # Row 1: the annex heading as the contract prints it, and the contract it belongs to.
    # The number sits in the second-to-last column, so it runs on into the last one rather than past the page.
    first_cells = [out.text("A1", f"附件{annex.no}：{annex.title}", title_s)]
    if len(cols) >= 4:
        first_cells += [out.text(f"{L[cols[-3]]}1", _(NUMBER_LABEL), label_right_s),
                        out.text(f"{L[cols[-2]]}1", contract.number, plain_s)]
    out.add(first_cells)

    # Rows above the header: the table's own rates and what its total is (only when set).
    # (the label runs on over the 项目 column; the value is in the next one)
    option_cell: dict[str, str] = {}
    value_col = L["spec"]
    for name, value in (("discount", table.discount), ("vat_rate", table.vat_rate)):
        if value is not None:
            r = out.next_row
            out.add([out.text(f"A{r}", _(OPTION_LABELS[name]), label_s), out.number(f"{value_col}{r}", value, option_rate_s)])
            option_cell[name] = f"${value_col}${r}"
    if table.total_kind is not TotalKind.FIXED:
        r = out.next_row
        out.add([out.text(f"A{r}", _(OPTION_LABELS["total_kind"]), label_s),
                 out.text(f"{value_col}{r}", table.total_kind.label, label_s)])

    header = out.next_row
    out.add([out.text(f"{L[c]}{header}", t, header_s) for c, t in zip(cols, titles, strict=True)],
            height=_header_height(titles, widths))
    first = header + 1
    sheet_row = [first + n for n in range(len(table))]
    # where each row's inherited rates come from: its section's rate cell, else the table's option row
    rate_source: list[dict[str, str | None]] = []
    for x in f.rows:
        source: dict[str, str | None] = {}
        for name in ("discount", "vat_rate"):
            if x.parent is None:
                source[name] = option_cell.get(name)
            elif name in L and getattr(f.rows[x.parent], name) is not None:
                source[name] = f"{L[name]}{sheet_row[x.parent]}"
            else:
                source[name] = None
        rate_source.append(source)

    settled_text = _(SETTLED_LABEL)
    for n, (row, x) in enumerate(zip(table, f.rows, strict=True)):
        r = sheet_row[n]
        section = row.is_section
        cells: dict[str, str] = {}
        texts = {c: getattr(row, c) for c in TEXT_COLUMNS if c in L}
        if "no" in texts and not f.numbered and not f.has_sections:
            texts["no"] = str(n + 1)  # the rows counted, as the PDF prints them (an import drops such a count)
        for c, value in texts.items():
            style = (section_text_s if section else text_s)[c]
            cells[c] = out.text(f"{L[c]}{r}", value, style) or _empty(f"{L[c]}{r}", style)
        if flat:
            q_style = int_s if row.quantity == row.quantity.to_integral_value() else qty_s  # type: ignore[union-attr]
            cells["quantity"] = out.number(f"{L['quantity']}{r}", row.quantity, q_style)
            cells["unit_price"] = out.number(f"{L['unit_price']}{r}", row.unit_price, money_s)
            # Rounded to the fen per row, as the app (and a printed table) adds up.
            cells[AMOUNT] = out.formula(f"{L[AMOUNT]}{r}", f"ROUND({L['quantity']}{r}*{L['unit_price']}{r},2)",
                                        money_s, x.net)
        elif section:
            _section_cells(out, cells, L, n, row, x, sheet_row, rate_source[n], section_money_s, section_rate_s,
                           section_settled_s, section_empty_s, settled_text)
        else:
            _item_cells(out, cells, L, r, row, x, rate_source[n], money_s, rate_s, int_s, qty_s, settled_s, empty_s,
                        settled_text)
        shown = {i: texts.get(c, "") for i, c in enumerate(cols) if c in texts}
        if row.quantity is None and not flat:  # 按实结算 wraps in the quantity column (a section's, in its amount)
            shown[cols.index(AMOUNT if section else "quantity")] = settled_text
        out.add([cells.get(c, "") for c in cols], outline=row.level, height=sheet.height(shown))
        tick(n + 1)
    last = out.count

    total_row = out.next_row
    label = _(ESTIMATE_TOTAL_LABEL) if table.total_kind is TotalKind.ESTIMATE else _(TOTAL_LABEL)
    total_cells = [out.text(f"A{total_row}", label, bold_s)]
    for c in cols[1:]:
        ref = f"{L[c]}{total_row}"
        if c in (AMOUNT, TAX, GROSS):
            value = {AMOUNT: f.net, TAX: f.tax, GROSS: f.gross}[c]
            if not table:
                total_cells.append(out.formula(ref, "0", money_bold_s, value))
            elif flat:
                total_cells.append(out.formula(ref, f"SUM({L[c]}{first}:{L[c]}{last})", money_bold_s, value))
            else:
                total_cells.append(out.formula(ref, f"SUBTOTAL(9,{L[c]}{first}:{L[c]}{last})", money_bold_s, value))
        else:
            total_cells.append(_empty(ref, bold_s))
    out.add(total_cells)
    total_col = L[GROSS] if GROSS in L else L[AMOUNT]
    if table.total_kind is TotalKind.CEILING:
        r = out.next_row
        out.add([out.text(f"A{r}", _(CEILING_LABEL), label_s), out.number(f"{total_col}{r}", contract.total, money_bold_s)])
    words_row = out.next_row
    out.add([
        out.text(f"A{words_row}", _("Total in words"), label_s),
        out.text(f"B{words_row}", rmb_upper(f.total), label_s),
        out.text(f"{last_col}{words_row}", _("the total in words is as exported; it does not follow edits"), note_s),
    ], height=sheet.height({len(cols) - 1: _("the total in words is as exported; it does not follow edits")}))
    sheet.ws.freeze_panes = f"A{header + 1}"
    sheet.print_setup(title_rows=f"{header}:{header}", columns=len(cols), last_row=words_row,
                      outline=f.has_sections)
    return len(table)


def _header_height(titles: list[str], widths: list[float]) -> float | None:
    """The header row's height when a title wraps (titles wrap between words)."""
    from app.codecs.xlsx.sheet import LINE_HEIGHT, text_lines

    lines = max(text_lines(t, w) for t, w in zip(titles, widths, strict=True))
    return None if lines == 1 else lines * LINE_HEIGHT


def _empty(ref: str, style: int) -> str:
    """An empty cell that still carries its style (the table's borders)."""
    return f'<c r="{ref}" s="{style}"/>'


def _rate_cell(out, ref: str, own: Decimal | None, effective: Decimal | None, source: str | None, style: int) -> str:
    """A row's rate: its own as a number; an inherited one as a reference to where it comes from (so it
    follows that cell); nothing when there is none."""
    if own is not None:
        return out.number(ref, own, style)
    if source is not None and effective is not None:
        return out.formula(ref, source, style, effective)
    return _empty(ref, style)


def _item_cells(out, cells: dict[str, str], L: dict[str, str], r: int, row, x: RowFigures, source: dict,
                money_s: int, rate_s: int, int_s: int, qty_s: int, settled_s: int, empty_s: int, settled_text: str) -> None:
    q, p = f"{L['quantity']}{r}", f"{L['unit_price']}{r}"
    if row.quantity is None:
        cells["quantity"] = out.text(q, settled_text, settled_s)
    else:
        style = int_s if row.quantity == row.quantity.to_integral_value() else qty_s
        cells["quantity"] = out.number(q, row.quantity, style)
    cells["unit_price"] = out.number(p, row.unit_price, money_s)
    price = p
    if "discount" in L:
        d, dp = f"{L['discount']}{r}", f"{L[DISCOUNTED]}{r}"
        cells["discount"] = _rate_cell(out, d, row.discount, x.discount, source.get("discount"), rate_s)
        cells[DISCOUNTED] = out.formula(dp, f'IF({d}="",{p},ROUND({p}*{d},2))', money_s, x.unit_price)
        price = dp
    a = f"{L[AMOUNT]}{r}"
    if row.quantity is None:
        cells[AMOUNT] = out.formula(a, f'IF(ISNUMBER({q}),ROUND({q}*{price},2),"")', money_s, None)
    else:
        cells[AMOUNT] = out.formula(a, f"ROUND({q}*{price},2)", money_s, x.net)
    if "vat_rate" in L:
        v, t = f"{L['vat_rate']}{r}", f"{L[TAX]}{r}"
        cells["vat_rate"] = _rate_cell(out, v, row.vat_rate, x.vat_rate, source.get("vat_rate"), rate_s)
        cells[TAX] = out.formula(t, f'IF(OR({a}="",{v}=""),"",ROUND({a}*{v},2))', money_s, x.tax)
        cells[GROSS] = out.formula(f"{L[GROSS]}{r}", f'IF({a}="","",{a}+N({t}))', money_s, x.gross)


def _section_cells(out, cells: dict[str, str], L: dict[str, str], index: int, row, x: RowFigures,
                   sheet_row: list[int], source: dict, money_s: int, rate_s: int, settled_s: int, empty_s: int,
                   settled_text: str) -> None:
    """A section's subtotals: SUBTOTAL(9, …) over its rows (nested subtotals left out), 按实结算 when its rows
    price nothing."""
    r = sheet_row[index]
    end = x.end - 1  # the section's last row (0-based), itself when it is empty
    for c in ("quantity", "unit_price", DISCOUNTED):
        if c in L:
            cells[c] = _empty(f"{L[c]}{r}", empty_s)
    for name in ("discount", "vat_rate"):
        if name in L:
            cells[name] = _rate_cell(out, f"{L[name]}{r}", getattr(row, name), getattr(x, name), source.get(name), rate_s)
    for c, value in ((AMOUNT, x.net), (TAX, x.tax), (GROSS, x.gross)):
        if c not in L:
            continue
        ref = f"{L[c]}{r}"
        if end == index:
            cells[c] = _empty(ref, empty_s)
            continue
        span = f"{L[c]}{sheet_row[index + 1]}:{L[c]}{sheet_row[end]}"
        otherwise = f'"{settled_text}"' if c == AMOUNT else '""'
        shown: Decimal | str | None = value if value is not None else (settled_text if c == AMOUNT else None)
        style = money_s if value is not None or c != AMOUNT else settled_s
        cells[c] = out.formula(ref, f"IF(COUNT({span}),SUBTOTAL(9,{span}),{otherwise})", style, shown)
