"""Tables read from a contract (标的信息, 合同标的及金额明细, 费用明细表, 工程量清单), in intake's own structure.

A contract's table has more than today's flat cost table holds: sections numbered 一/1/1.1 with their
subtotals as stated, rows with a unit price only (按实结算, no quantity), discount and VAT columns, 合计 and
合计金额（大写） rows. `RecognisedTable` keeps all of it so the arithmetic review can check what the text says;
`cost_rows` is the one place that maps it onto the cost-table model (today: the leaf rows as `CostRow`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from app.domain import CostRow
from app.i18n import _
from app.intake.document import Span
from app.intake.patterns import upper_amounts
from app.money import quantize


class RowKind(StrEnum):
    ITEM = "item"
    SECTION = "section"
    SUBTOTAL = "subtotal"
    TOTAL = "total"
    UPPER_TOTAL = "upper_total"
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
    "unit_price": ("综合单价", "含税单价", "预算单价", "报价单价", "投标单价", "单价"),
    "discount": ("折扣率", "折扣"),
    "rebate": ("优惠率", "下浮率", "让利率"),
    "vat": ("增值税税率", "税率"),
    "amount": ("合计金额", "金额", "总价", "合价", "价格", "报价", "小计", "合计", "费用"),
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
    vat: Decimal | None = None
    remark: str = ""
    upper: str = ""
    spans: dict[str, Span] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # columns whose cell is not a number
    children: list[int] = field(default_factory=list)  # row indexes (into RecognisedTable.lines) of a section


@dataclass
class RecognisedTable:
    columns: list[str | None]
    header: list[str]
    lines: list[TableLine]
    span: Span
    caption: str = ""
    amount_multiplier: Decimal = Decimal(1)
    header_row: int = 0

    @property
    def items(self) -> list[TableLine]:
        return [ln for ln in self.lines if ln.kind is RowKind.ITEM]

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
            if value and c < len(keys):
                extra.append(value)
            elif value and c >= len(keys):
                extra.append(value)
            continue
        if span is not None and key not in line.spans:
            line.spans[key] = span
        if key in ("quantity", "unit_price", "amount", "vat"):
            figure, readable = cell_number(value)
            if not readable:
                line.unreadable.append(key)
                texts.setdefault("remark", []).append(value)
                continue
            if figure is not None and key in ("unit_price", "amount") and multiplier != 1:
                figure = quantize(figure * multiplier)
            setattr(line, key, figure)
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
    if "大写" in _norm(joined) or (uppers and line.amount is None and line.quantity is None):
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


def _nest(table: RecognisedTable) -> None:
    """Sections: a numbered row followed by rows numbered one level deeper (一 → 1 → 1.1) is a section of them."""
    levels: list[int | None] = []
    has_cn = any((_level(ln.number) or (0, ""))[1] == "cn" for ln in table.lines)
    for ln in table.lines:
        found = _level(ln.number) if ln.number else None
        if found is None:
            levels.append(None)
            continue
        depth, style = found
        levels.append(0 if style == "cn" else depth + (1 if has_cn else 0))
    current: list[int] = []  # stack of section row indexes
    last_level: int | None = None
    for i, ln in enumerate(table.lines):
        if ln.kind is not RowKind.ITEM:
            if ln.kind is RowKind.SUBTOTAL and current:
                ln.level = table.lines[current[-1]].level + 1
            continue
        stated_level = levels[i]
        lv = stated_level if stated_level is not None else (last_level if last_level is not None else 0)
        ln.level = lv
        while current and table.lines[current[-1]].level >= lv:
            current.pop()
        if current:
            table.lines[current[-1]].children.append(i)
        current.append(i)
        last_level = lv
    for ln in table.lines:
        if ln.children:
            ln.kind = RowKind.SECTION


@dataclass
class CostRowMapping:
    rows: list[CostRow]
    notes: list[tuple[int, str]]  # (table row, what was assumed), for the recognition record


def cost_rows(table: RecognisedTable) -> CostRowMapping:
    """The table's leaf rows as today's flat `CostRow` list: the one switch point to the sectioned cost-table model.

    Sections and subtotals are left out (their rows are summed again from the leaves); a row without a
    quantity is entered as quantity 1 at its stated amount, or, with a unit price only (按实结算), as
    quantity 0 at that price; a discount is folded into the unit price when the stated amount says so.
    """
    from app.store.annex_rows import MAX_UNIT_CHARS

    out: list[CostRow] = []
    notes: list[tuple[int, str]] = []
    for ln in table.items:
        quantity, price = ln.quantity, ln.unit_price
        if quantity is None and price is None and ln.amount is None:
            continue
        if quantity is None and price is None:
            quantity, price = Decimal(1), ln.amount
            notes.append((ln.row, _("no quantity or unit price: entered as 1 × the stated amount")))
        elif quantity is None and ln.amount is not None and price:
            ratio = ln.amount / price
            if ratio == ratio.quantize(Decimal("0.0001")):
                quantity = ratio.normalize()
            else:
                quantity, price = Decimal(1), ln.amount
            notes.append((ln.row, _("no quantity: taken from the amount and the unit price")))
        elif quantity is None:
            quantity = Decimal(0)
            notes.append((ln.row, _("unit price only (settled by actual quantity): entered with quantity 0")))
        elif price is None:
            price = quantize(ln.amount / quantity) if ln.amount is not None and quantity else Decimal(0)
            notes.append((ln.row, _("no unit price: taken from the amount and the quantity")))
        assert price is not None and quantity is not None
        if ln.discount is not None and ln.amount is not None and quantity and quantize(quantity * price) != ln.amount:
            if quantize(quantity * quantize(price * ln.discount)) == ln.amount:
                price = quantize(price * ln.discount)
                notes.append((ln.row, _("the discount is folded into the unit price")))
        exponent = quantity.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -4:
            quantity = quantity.quantize(Decimal("0.0001"))
        out.append(CostRow(item=ln.item or ln.number, spec=ln.spec, unit=ln.unit[:MAX_UNIT_CHARS], quantity=quantity,
                           unit_price=quantize(price), remark=ln.remark))
    return CostRowMapping(out, notes)
