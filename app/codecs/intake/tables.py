"""Tables read from a contract (标的信息, 合同标的及金额明细, 费用明细表, 工程量清单), in intake's own structure.

A contract's table holds sections numbered 一/1/1.1 with their subtotals as stated (on the section's row or
in a 小计 row under it), rows with a unit price only (按实结算, no quantity), discount and VAT columns, 合计 and
合计金额（大写） rows. `RecognisedTable` keeps all of it as the text states it, so the arithmetic review can
check what the text says; `cost_rows` is the one place that maps it onto the cost-table model
(app.domain.cost_table): sections and levels, 按实结算 rows, rates, and a section's subtotal kept as `stated`
where the text's figure differs from the sum of its rows (so `check` reports it).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from app.base.i18n import _
from app.codecs.intake.document import Span
from app.codecs.intake.patterns import upper_amounts
from app.domain import CostRow, CostTable, TotalKind
from app.domain import RowKind as CostRowKind
from app.domain.cost_table import MAX_NO_CHARS, MAX_UNIT_CHARS, is_settled_word, structure_problem
from app.values.money import quantize


class RowKind(StrEnum):
    ITEM = "item"
    SECTION = "section"
    SUBTOTAL = "subtotal"
    TOTAL = "total"
    UPPER_TOTAL = "upper_total"
    #: 合同金额上限：¥… under a table whose total is a ceiling: not a figure of the table.
    CEILING = "ceiling"
    NOTE = "note"


#: Header words for each column, longest first where one contains another.
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "项次", "序"),
    "item": ("项目名称", "标的名称", "货物名称", "服务名称", "产品名称", "设备名称", "分项名称", "工程名称", "费用名称",
             "子目名称", "品名", "名称", "项目", "服务项目", "费用项目"),
    "spec": ("规格/内容", "规格型号", "型号规格", "型号/参数", "技术参数", "主要参数", "服务内容", "项目特征", "规格",
             "型号", "参数", "配置", "内容", "品牌产地", "品牌", "产地", "制造商"),
    "unit": ("计量单位", "数量单位", "单位"),
    "quantity": ("工程量", "数量", "台数", "工作量"),
    "unit_price": ("综合单价", "含税单价", "预算单价", "报价单价", "投标单价", "基准单价", "基准价", "单价"),
    "discounted": ("折扣单价", "折后单价"),
    "discount": ("折扣率", "折扣"),
    "rebate": ("优惠率", "下浮率", "让利率"),
    "vat": ("增值税税率", "税率"),
    "tax": ("增值税额", "税额", "税金"),
    "gross": ("含税金额", "价税合计", "含税合价", "含税总价"),
    "amount": ("不含税金额", "合计金额", "金额", "总价", "合价", "价格", "报价", "小计", "合计", "费用"),
    "remark": ("备注", "说明"),
}
#: Column keys whose header may repeat (spec + brand both go to the specification).
_MULTI = {"spec", "remark"}


@dataclass
class TableLine:
    """One row as the text states it; numbers are None where the cell is empty or not a number."""

    kind: RowKind
    row: int
    number: str = ""
    level: int = 0
    item: str = ""
    spec: str = ""
    unit: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    discount: Decimal | None = None  # the multiplier (95% or 9.5折 → 0.95; 优惠率 5% → 0.95)
    discounted: Decimal | None = None  # 折扣单价 as stated
    vat: Decimal | None = None  # the rate as a fraction (13% → 0.13)
    tax: Decimal | None = None  # 税额 as stated
    gross: Decimal | None = None  # 含税金额 as stated
    remark: str = ""
    upper: str = ""
    #: A quantity or amount cell says 按实结算: priced by unit only, settled on the quantities delivered.
    settled: bool = False
    spans: dict[str, Span] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # columns whose cell is not a number
    children: list[int] = field(default_factory=list)  # row indexes (into RecognisedTable.lines) of a section
    parent: int | None = None  # the row index of the enclosing section
    #: Of a 小计 row: the row index of the section whose subtotal it states.
    section: int | None = None

    @property
    def priced(self) -> bool:
        """Whether the row states a figure of its own (not an item settled on actual quantities)."""
        return not (self.kind is RowKind.ITEM and self.amount is None and (self.quantity is None or self.unit_price is None)
                    and (self.settled or (self.unit_price is not None and self.quantity is None)))


@dataclass
class RecognisedTable:
    columns: list[str | None]
    header: list[str]
    lines: list[TableLine]
    span: Span
    caption: str = ""
    amount_multiplier: Decimal = Decimal(1)
    header_row: int = 0
    #: What the table's total is, as the text around it says (上限, 暂定); set by the recogniser.
    total_kind: TotalKind = TotalKind.FIXED

    @property
    def items(self) -> list[TableLine]:
        return [ln for ln in self.lines if ln.kind is RowKind.ITEM]

    @property
    def sections(self) -> list[TableLine]:
        return [ln for ln in self.lines if ln.kind is RowKind.SECTION]

    @property
    def is_cost_table(self) -> bool:
        return "item" in self.columns and any(c in self.columns for c in ("amount", "unit_price"))

    def stated(self, kind: RowKind) -> TableLine | None:
        return next((ln for ln in self.lines if ln.kind is kind), None)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def _header_key(cell: str) -> tuple[str | None, Decimal]:
    """The column a header cell names and the multiplier its unit implies ((万元) → 10000)."""
    text = _norm(cell)
    multiplier = Decimal(10000) if "万元" in text else Decimal(1)
    bare = re.sub(r"\(.*?\)|（.*?）", "", text) or text
    for key, words in HEADER_WORDS.items():
        if any(bare == w or bare.startswith(w) for w in words):
            return key, multiplier
    for key, words in HEADER_WORDS.items():
        if any(w in bare for w in words if len(w) >= 2):
            return key, multiplier
    return None, multiplier


def find_header(rows: list[list[str]]) -> tuple[int, list[str | None], Decimal] | None:
    """(row index, column keys, amount multiplier) of the first of the first five rows naming an item and a number column."""
    for r, row in enumerate(rows[:5]):
        keys: list[str | None] = []
        multiplier = Decimal(1)
        seen: set[str] = set()
        for cell in row:
            key, mult = _header_key(cell)
            if key in seen and key not in _MULTI:
                key = None
            if key:
                seen.add(key)
            if key in ("amount", "unit_price") and mult != 1:
                multiplier = mult
            keys.append(key)
        if "item" in seen and seen & {"amount", "unit_price", "quantity"}:
            return r, keys, multiplier
    return None


_NUMBER_CELL = re.compile(r"^[（(]?([一二三四五六七八九十]+|\d+(?:[.．]\d+)*)[）)]?[、.．]?$")
_NO_VALUE = {"", "-", "—", "--", "/", "／", "无", "——", "\\"}


def cell_number(text: str, places: int = 6) -> tuple[Decimal | None, bool]:
    """(value, readable): ¥1,424,430.00 → 1424430.00; "—" → (None, True); "按实结算" → (None, False)."""
    raw = _norm(text).replace("¥", "").replace("￥", "").replace(",", "").replace("，", "").removesuffix("元")
    if raw in _NO_VALUE:
        return None, True
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)([\u4e00-\u9fff]{0,3})", raw)
    if not m:
        return None, False
    try:
        value = Decimal(m.group(1))
    except InvalidOperation:
        return None, False
    return value, True


def _discount(text: str) -> Decimal | None:
    raw = _norm(text)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)折", raw)
    if m:
        value = Decimal(m.group(1))
        return value / (10 if value < 10 else 100)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)[%％]", raw)
    if m:
        return Decimal(m.group(1)) / 100
    number, _ok = cell_number(raw)
    if number is not None and 0 < number <= 1:
        return number
    return None


def _vat_rate(text: str) -> Decimal | None:
    """A VAT rate cell: 13%, 0.13, or 13 (a VAT column's bare number is a percentage)."""
    raw = _norm(text)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)[%％]", raw)
    if m:
        return (Decimal(m.group(1)) / 100).normalize()
    number, _ok = cell_number(raw)
    if number is None or number < 0 or number >= 100:
        return None
    return (number if number < 1 else number / 100).normalize()


def _level(number: str) -> tuple[int, str] | None:
    m = _NUMBER_CELL.match(_norm(number))
    if not m:
        return None
    raw = m.group(1)
    if raw[0].isdigit():
        return raw.count(".") + raw.count("．"), "digit"
    return -1, "cn"  # 一、二: above the numbered rows


def recognise_table(rows: list[list[str]], spans: list[list[Span]], whole: Span, caption: str = "") -> RecognisedTable | None:
    """The table as a cost table, or None when no header row names an item and an amount, quantity or price."""
    found = find_header(rows)
    if found is None:
        return None
    header_row, keys, multiplier = found
    table = RecognisedTable(columns=keys, header=rows[header_row], lines=[], span=whole, caption=caption,
                            amount_multiplier=multiplier, header_row=header_row)
    for r in range(header_row + 1, len(rows)):
        line = _read_row(rows[r], spans[r], keys, r, multiplier)
        if line is not None:
            table.lines.append(line)
    _nest(table)
    return table


#: Columns holding a figure of the row (scaled by the header's 万元), and those holding a rate.
_FIGURES = ("quantity", "unit_price", "amount", "discounted", "tax", "gross")
_MONEY = ("unit_price", "amount", "discounted", "tax", "gross")
_CEILING_WORDS = re.compile(r"上限|封顶|最高限价|最高限额")


def _read_row(cells: list[str], spans: list[Span], keys: list[str | None], r: int, multiplier: Decimal) -> TableLine | None:
    joined = "".join(cells)
    if not joined.strip():
        return None
    line = TableLine(kind=RowKind.ITEM, row=r)
    texts: dict[str, list[str]] = {}
    extra: list[str] = []
    for c, cell in enumerate(cells):
        key = keys[c] if c < len(keys) else None
        span = spans[c] if c < len(spans) else None
        value = cell.strip()
        if key is None:
            if value:
                extra.append(value)
            continue
        if span is not None and key not in line.spans:
            line.spans[key] = span
        if key in _FIGURES:
            if key in ("quantity", "amount", "gross", "tax", "discounted") and is_settled_word(value):
                line.settled = True  # 按实结算 where a figure would stand
                continue
            figure, readable = cell_number(value)
            if not readable:
                line.unreadable.append(key)
                texts.setdefault("remark", []).append(value)
                continue
            if figure is not None and key in _MONEY and multiplier != 1:
                figure = quantize(figure * multiplier)
            setattr(line, key, figure)
        elif key == "vat":
            line.vat = _vat_rate(value)
            if value not in _NO_VALUE and line.vat is None:
                line.unreadable.append(key)
        elif key in ("discount", "rebate"):
            rate = _discount(value)
            # 折扣率 95% (or 9.5折) is what is paid; 优惠率/下浮率 5% is what is taken off
            line.discount = rate if key == "discount" or rate is None else 1 - rate
            if value.strip() not in _NO_VALUE and rate is None:
                line.unreadable.append(key)
        else:
            texts.setdefault(key, []).append(value)
    line.number = " ".join(texts.get("number", []))
    line.item = " ".join(t for t in texts.get("item", []) if t)
    line.spec = "；".join(t for t in texts.get("spec", []) if t)
    line.unit = " ".join(texts.get("unit", []))
    line.remark = "；".join(t for t in texts.get("remark", []) + extra if t)
    label = _norm(line.item or line.number or joined)
    uppers = upper_amounts(joined)
    if _CEILING_WORDS.search(label) and line.quantity is None and line.unit_price is None:
        line.kind = RowKind.CEILING  # 合同金额上限：¥300,000.00（大写：…）: the ceiling, not the table's total
        stated = re.search(r"[¥￥]\s*([\d,，]+(?:\.\d+)?)", unicodedata.normalize("NFKC", joined))
        if stated:
            line.amount = Decimal(stated.group(1).replace(",", ""))
        line.upper = uppers[0].text if uppers else ""
    elif "大写" in _norm(joined) or (uppers and line.amount is None and line.quantity is None):
        line.kind = RowKind.UPPER_TOTAL
        line.upper = uppers[0].text if uppers else ""
        if "小写" in _norm(joined):  # 合计金额小写：X元 合计金额大写：… in one merged cell
            stated = re.search(r"小写[:：]?\s*[¥￥]?\s*([\d,，]+(?:\.\d+)?)", unicodedata.normalize("NFKC", joined))
            if stated:
                line.amount = Decimal(stated.group(1).replace(",", ""))
    elif label.startswith(("合计", "总计", "总价", "合计金额", "总金额")) or label in ("合计", "总计"):
        line.kind = RowKind.TOTAL
    elif label.startswith("小计") or label.endswith("小计"):
        line.kind = RowKind.SUBTOTAL
    elif not line.item and line.quantity is None and line.unit_price is None and line.amount is None:
        line.kind = RowKind.NOTE
    return line


def _heading_like(line: TableLine) -> bool:
    """A numbered row with a title and no quantity or price of its own: a section heading, even before its rows."""
    return bool(line.number and line.item) and line.quantity is None and line.unit_price is None


def _nest(table: RecognisedTable) -> None:
    """Sections: a numbered row followed by rows numbered one level deeper (一 → 1 → 1.1), or by unnumbered rows
    right under a heading, is a section of them; a 小计 row closes the section whose rows it adds up. Levels are
    then the depth in that tree (0 at the top), whatever the numbers skipped."""
    lines = table.lines
    has_cn = any((_level(ln.number) or (0, ""))[1] == "cn" for ln in lines)
    levels: list[int | None] = []
    for ln in lines:
        found = _level(ln.number) if ln.number else None
        if found is None:
            levels.append(None)
            continue
        depth, style = found
        levels.append(0 if style == "cn" else depth + (1 if has_cn else 0))
    stack: list[int] = []  # open rows, innermost last (any of them may turn out to be a section)
    stated_levels: dict[int, int] = {}
    last_level: int | None = None
    for i, ln in enumerate(lines):
        if ln.kind is RowKind.SUBTOTAL:
            while stack and not lines[stack[-1]].children:
                stack.pop()
            if stack:
                ln.section = stack.pop()
            continue
        if ln.kind is not RowKind.ITEM:
            continue
        lv = levels[i]
        if lv is None:
            top = lines[stack[-1]] if stack else None
            if top is not None and _heading_like(top) and not top.children:
                lv = stated_levels[stack[-1]] + 1
            else:
                lv = last_level if last_level is not None else 0
        while stack and stated_levels[stack[-1]] >= lv:
            stack.pop()
        if stack:
            lines[stack[-1]].children.append(i)
            ln.parent = stack[-1]
        stack.append(i)
        stated_levels[i] = lv
        last_level = lv
    for ln in lines:
        if ln.children:
            ln.kind = RowKind.SECTION
        if ln.kind in (RowKind.ITEM, RowKind.SECTION):
            ln.level = lines[ln.parent].level + 1 if ln.parent is not None else 0
        elif ln.kind is RowKind.SUBTOTAL and ln.section is not None:
            ln.level = lines[ln.section].level + 1


# ---------------------------------------------------------------- onto the cost-table model

_OPTION_LINE = re.compile(r"^\s*(?:全表)?(?P<label>折扣率|增值税税率|税率)\s*[:：]\s*(?P<value>\S+?)\s*$")
_ESTIMATE_WORDS = re.compile(r"暂定|暂估")


def table_option(text: str) -> tuple[str, Decimal] | None:
    """("discount" or "vat_rate", rate) for a line stating a whole table's rate ("全表折扣率：95.5%", as the Word
    packet writes it above a table), else None."""
    m = _OPTION_LINE.match(unicodedata.normalize("NFKC", text))
    if m is None:
        return None
    if m.group("label") == "折扣率":
        rate = _discount(m.group("value"))
        return ("discount", rate) if rate is not None and 0 < rate <= 1 else None
    rate = _vat_rate(m.group("value"))
    return ("vat_rate", rate) if rate is not None and rate < 1 else None


def total_kind_in(texts: list[str]) -> TotalKind | None:
    """CEILING where a text says the total is a ceiling (上限, 封顶, 最高限价), ESTIMATE where it says 暂定/暂估,
    else None."""
    for text in texts:
        if _CEILING_WORDS.search(text):
            return TotalKind.CEILING
    for text in texts:
        if _ESTIMATE_WORDS.search(text):
            return TotalKind.ESTIMATE
    return None


def table_texts(table: RecognisedTable) -> list[str]:
    """The table's own words about its total: the caption and its 合计, 大写 and ceiling rows."""
    kinds = (RowKind.TOTAL, RowKind.UPPER_TOTAL, RowKind.CEILING)
    return [table.caption] + [f"{ln.number}{ln.item}{ln.remark}{ln.upper}" for ln in table.lines if ln.kind in kinds]


@dataclass
class CostRowMapping:
    rows: CostTable
    notes: list[tuple[int, str]]  # (table row, what was assumed), for the recognition record
    #: Rows with nothing a cost row holds (a note, a heading without figures or rows): their text, kept elsewhere.
    skipped: list[TableLine] = field(default_factory=list)
    #: The line of the text each row came from (aligned with `rows`).
    sources: list[TableLine] = field(default_factory=list)


def cost_rows(table: RecognisedTable, *, discount: Decimal | None = None, vat_rate: Decimal | None = None) -> CostRowMapping:
    """The table as the cost-table model: the one switch point from what the text states to what is stored.

    Sections keep their number, title, level and own rates; an item without a quantity is settled on actual
    quantities (按实结算) when it has a unit price and no amount, else its quantity is taken from the amount and
    the price (or 1 × the amount when neither is stated). A rate equal to the one the row inherits (its section's,
    else the table's `discount` / `vat_rate`) is not kept, as the Excel import does. A section's subtotal as the
    text states it (on its row or in a 小计 row) is kept as `stated` only where it differs from the sum of its
    rows. The table's total kind is `table.total_kind`.
    """
    out: list[CostRow] = []
    notes: list[tuple[int, str]] = []
    skipped: list[TableLine] = []
    lines_of: list[TableLine] = []  # the line each row came from
    index_of: dict[int, int] = {}  # line index → row index
    for i, ln in enumerate(table.lines):
        if ln.kind is RowKind.SECTION:
            row = CostRow(item=ln.item or ln.number, spec=ln.spec, unit=ln.unit[:MAX_UNIT_CHARS], quantity=None,
                          remark=ln.remark, kind=CostRowKind.SECTION, level=ln.level,
                          no=ln.number[:MAX_NO_CHARS] if ln.item else "", discount=ln.discount, vat_rate=ln.vat)
        elif ln.kind is RowKind.ITEM:
            item = _item_row(ln, notes)
            if item is None:
                skipped.append(ln)
                continue
            row = item
        else:
            if ln.kind is RowKind.NOTE:
                skipped.append(ln)
            continue
        index_of[i] = len(out)
        out.append(row)
        lines_of.append(ln)
    result = CostTable(out, discount=discount, vat_rate=vat_rate, total_kind=table.total_kind)
    _fix_shape(result, lines_of, notes)
    if not any(r.is_section for r in result) and all(r.no in ("", str(k)) for k, r in enumerate(result, start=1)):
        for r in result:  # a 序号 column that only counts the rows 1, 2, 3 … is not kept
            r.no = ""
    _inherit_rates(result)
    _stated_subtotals(table, result, index_of)
    return CostRowMapping(result, notes, skipped, lines_of)


def _item_row(ln: TableLine, notes: list[tuple[int, str]]) -> CostRow | None:
    quantity, price = ln.quantity, ln.unit_price
    discount = ln.discount
    if quantity is None and price is None and ln.amount is None:
        return None
    if quantity is None and price is None:
        quantity, price, discount = Decimal(1), ln.amount, None
        notes.append((ln.row, _("no quantity or unit price: entered as 1 × the stated amount")))
    elif quantity is None and ln.amount is not None and price:
        effective = quantize(price * discount) if discount is not None else price
        ratio = ln.amount / effective if effective else Decimal(0)
        if ratio and ratio == ratio.quantize(Decimal("0.0001")):
            quantity = ratio.normalize()
        else:
            quantity, price, discount = Decimal(1), ln.amount, None
        notes.append((ln.row, _("no quantity: taken from the amount and the unit price")))
    elif quantity is None:
        if not ln.settled and "按实" not in ln.remark:
            notes.append((ln.row, _("no quantity and no amount: taken as settled on actual quantities (按实结算)")))
    elif price is None:
        price = quantize(ln.amount / quantity) if ln.amount is not None and quantity else Decimal(0)
        discount = None
        notes.append((ln.row, _("no unit price: taken from the amount and the quantity")))
    assert price is not None
    if quantity is not None:
        exponent = quantity.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            quantity = quantity.quantize(Decimal("0.0001"))
    item, no = (ln.item, ln.number) if ln.item else (ln.number, "")
    return CostRow(item=item, spec=ln.spec, unit=ln.unit[:MAX_UNIT_CHARS], quantity=quantity, unit_price=quantize(price),
                   remark=ln.remark, level=ln.level, no=no[:MAX_NO_CHARS], discount=discount, vat_rate=ln.vat)


def _fix_shape(table: CostTable, lines: list[TableLine], notes: list[tuple[int, str]]) -> None:
    """Rates a table cannot hold are dropped, and a nesting it cannot hold is flattened, each said in a note."""
    for _attempt in range(len(table) + 1):
        problem = structure_problem(table)
        if problem is None:
            return
        index, column, _message = problem
        row = table[index]
        if column in ("discount", "vat_rate"):
            setattr(row, column, None)
            notes.append((lines[index].row, _("a rate out of range was left out")))
            continue
        for r in table:
            r.level = 0
        notes.append((lines[index].row, _("the sections could not be nested as numbered: every row is kept at the top level")))
        return


def _inherit_rates(table: CostTable) -> None:
    """A rate equal to the one the row would inherit (its section's, else the table's) is not kept: a table shows
    every inherited rate on its rows, and reading it back must give the table that was written."""
    f_rows = table.figures().rows
    for row, x in zip(table, f_rows, strict=True):
        for name in ("discount", "vat_rate"):
            inherited = getattr(f_rows[x.parent], name) if x.parent is not None else getattr(table, name)
            if getattr(row, name) is not None and getattr(row, name) == inherited:
                setattr(row, name, None)


def _stated_subtotals(table: RecognisedTable, rows: CostTable, index_of: dict[int, int]) -> None:
    """A section's subtotal as the text states it, kept where it differs from what its rows add up to (before
    VAT, or with VAT where the text states that figure)."""
    stated: dict[int, Decimal] = {}
    for i, ln in enumerate(table.lines):
        if ln.kind is RowKind.SECTION and ln.amount is not None:
            stated[i] = ln.amount
        elif ln.kind is RowKind.SUBTOTAL and ln.section is not None and ln.amount is not None:
            stated.setdefault(ln.section, ln.amount)
            if quantize(ln.amount) != quantize(stated[ln.section]):
                stated[ln.section] = ln.amount  # the 小计 row disagrees with the heading: the check shows it
    if not stated:
        return
    figures = rows.figures().rows
    for i, value in stated.items():
        r = index_of.get(i)
        if r is None or not rows[r].is_section:
            continue
        x = figures[r]
        value = quantize(value)
        if value != (x.net if x.net is not None else Decimal("0.00")) and value != x.gross:
            rows[r].stated = value
