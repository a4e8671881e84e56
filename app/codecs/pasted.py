"""Rows pasted into the cost-table editor from Excel or WPS (tab-separated text), read as the Excel import
reads a sheet.

A first line whose cells are column titles (项目 / 数量 / 单价 …, in Chinese or English, the Excel import's
own titles: app.codecs.xlsx.layout) is a header: it is not pasted, and it says which column each pasted
column fills, wherever the clerk pastes. Without one, the pasted columns fill the table's columns from the
current cell on, as before. Computed columns (金额, 税额 …) are never pasted: they are computed.

A block that carries numbers (序号 一 / 1 / 1.1) beside quantities and prices, or 小计 rows, is an indented
table as vendors send them: its sections, their depths and its 小计 rows are recognised by the Excel import's
own rules (`app.codecs.xlsx_import.rows_from_lines`), and a 合计 row ends it. Every cell is checked; what is refused
is listed whole (line, column, what was pasted, why) so the clerk can put it right at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from app.base.errors import UserError
from app.base.i18n import _
from app.domain import CostRow
from app.rules.cost_cells import NUMBER_COLUMNS, column_label, parse_cell

#: The columns a pasted cell may fill (a row's kind and level come from the recognised sections).
PASTED_COLUMNS = ("no", "item", "spec", "unit", "quantity", "unit_price", "discount", "vat_rate", "remark")
#: Columns shown in the editor that are computed, never pasted (the Excel layout's names).
COMPUTED = frozenset({"amount", "discounted", "tax", "gross"})
_TEXT = ("no", "item", "spec", "unit", "remark")


class Blank:
    """A number cell left empty: not given (an appended row takes the default, an existing row refuses it)."""

    def __repr__(self) -> str:
        return "BLANK"


BLANK = Blank()


@dataclass(frozen=True)
class Refusal:
    """A cell that cannot be pasted: the line of the pasted text (from 1, the header counted), the column it
    would fill, what was pasted there and why it is refused (translated)."""

    line: int
    column: str
    pasted: str
    problem: str

    @property
    def label(self) -> str:
        return column_title(self.column)


@dataclass
class PastedRows:
    """A pasted block as read. `rows[k]` holds the parsed value of each pasted column (`BLANK` for an empty
    number cell) and, when `structured`, `kind` and `level` (0 for the block's outermost rows); `lines[k]` is
    the line it came from."""

    columns: list[str | None]
    header: list[str] | None = None
    rows: list[dict[str, object]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    structured: bool = False
    #: Lines not pasted, with why: (line, reason).
    skipped: list[tuple[int, str]] = field(default_factory=list)
    #: Pasted columns not written, with why: (title, reason).
    ignored: list[tuple[str, str]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def sectioned(self) -> bool:
        """Whether the pasted rows hold sections (recognised from their numbers)."""
        return any(row.get("kind") == "section" for row in self.rows)

    @property
    def filled(self) -> list[str]:
        """The table columns the paste writes, in pasted order."""
        return [c for c in self.columns if c is not None]


def column_title(column: str) -> str:
    if column in COMPUTED:
        from app.codecs.xlsx.layout import COLUMN_LABELS

        return _(COLUMN_LABELS[column])
    return column_label(column)


def header_columns(cells: Sequence[str]) -> list[str | None] | None:
    """The column each cell of a header line names, or None when the line is not a header: at least two
    of its cells name a column, or every filled cell does."""
    from app.codecs.xlsx.layout import column_for_header

    names = [column_for_header(c) if c.strip() else None for c in cells]
    named = sum(n is not None for n in names)
    filled = sum(bool(c.strip()) for c in cells)
    if named >= 2 or (named and named == filled):
        return names
    return None


def read_pasted(block: Sequence[Sequence[str]], columns: Sequence[str]) -> PastedRows:
    """Read a pasted block. `columns` are the table's columns from the current cell on, filled in turn when
    the block has no header."""
    from app.codecs.xlsx.layout import is_subtotal_label, is_total_label

    header = header_columns(block[0]) if block else None
    result = PastedRows(columns=[])
    if header is not None:
        result.header = list(block[0])
        body = list(enumerate(block[1:], start=2))
        mapped: list[str | None] = []
        seen: dict[str, int] = {}
        for j, (title, name) in enumerate(zip(block[0], header, strict=True)):
            if name is None:
                if title.strip():
                    result.ignored.append((title.strip(), _("not a column of the cost table")))
                mapped.append(None)
            elif name in COMPUTED:
                result.ignored.append((title.strip(), _("computed, not pasted")))
                mapped.append(None)
            elif name in seen:
                result.refused.append(Refusal(1, name, title, _("two pasted columns are titled {label}").format(
                    label=column_title(name))))
                mapped.append(None)
            else:
                seen[name] = j
                mapped.append(name)
    else:
        body = list(enumerate(block, start=1))
        width = max((len(cells) for cells in block), default=0)
        mapped = []
        for j in range(width):
            name = columns[j] if j < len(columns) else None
            if name in COMPUTED:
                result.ignored.append((column_title(name), _("computed, not pasted")))  # type: ignore[arg-type]
                name = None
            elif name is None:
                result.ignored.append((_("column {n}").format(n=j + 1), _("beyond the table's last column")))
            mapped.append(name)
    result.columns = mapped
    has = set(result.filled)
    items = [cells[mapped.index("item")] if "item" in has and mapped.index("item") < len(cells) else ""
             for _line, cells in body]
    structured = {"quantity", "unit_price"} <= has and (
        any(_cell(cells, mapped, "no").strip() for _line, cells in body) or any(map(is_subtotal_label, items)))
    result.structured = structured
    rows: list[dict[str, object]] = []
    lines: list[int] = []
    subtotal_lines: set[int] = set()
    for (line, cells), item in zip(body, items, strict=True):
        if structured and is_total_label(item):
            result.skipped.append((line, _("a total row: the total is computed")))
            later = [n for n, _c in body if n > line]
            if later:
                result.skipped.append((later[0], _("after the total row: not read")))
            break
        if structured and not any(c.strip() for c in cells):
            result.skipped.append((line, _("an empty row")))
            continue
        if structured and is_subtotal_label(item):
            result.skipped.append((line, _("a subtotal row: subtotals are computed")))
            subtotal_lines.add(line)
        values: dict[str, object] = {}
        for j, name in enumerate(mapped):
            if name is None or (j >= len(cells) and not structured):
                continue  # a short line fills only its own cells
            raw = cells[j] if j < len(cells) else ""
            if name in NUMBER_COLUMNS and not raw.strip():
                values[name] = BLANK
                continue
            try:
                values[name] = parse_cell(name, raw, "")
            except UserError as exc:
                result.refused.append(Refusal(line, name, raw, exc.message))
        rows.append(values)
        lines.append(line)
    if result.refused or not structured:
        result.rows, result.lines = [r for r, n in zip(rows, lines, strict=True) if n not in subtotal_lines], [
            n for n in lines if n not in subtotal_lines]
        return result
    pasted = {(line, name): _cell(block[line - 1], mapped, name) for line in lines for name in mapped if name}
    _recognise(result, rows, lines, subtotal_lines, pasted)
    return result


def _cell(cells: Sequence[str], mapped: Sequence[str | None], name: str) -> str:
    if name not in mapped:
        return ""
    j = mapped.index(name)
    return cells[j] if j < len(cells) else ""


def _recognise(result: PastedRows, rows: list[dict[str, object]], lines: list[int], subtotals: set[int],
               pasted: dict[tuple[int, str], str]) -> None:
    """Sections and levels by the Excel import's rules; a row it refuses is listed as refused (`pasted`: the
    text of each cell by (line, column))."""
    from app.codecs.xlsx_import import TableLine, rows_from_lines

    table_lines = []
    for values, line in zip(rows, lines, strict=True):
        quantity = values.get("quantity", BLANK)
        price = values.get("unit_price", BLANK)
        texts = {name: str(values.get(name, "")) for name in _TEXT}
        rates = {name: cast("Decimal | None", values.get(name)) for name in ("discount", "vat_rate")}
        table_lines.append(TableLine(
            line, texts, None if quantity is BLANK else cast(Decimal, quantity), quantity is BLANK,
            None if price is BLANK else cast(Decimal, price), rates, set(), {}, {}, 0, subtotal=line in subtotals))
    places: dict[str, tuple[int, str]] = {}

    def where(name: str, line: int) -> str:
        text = f"{line}:{name}"
        places[text] = (line, name)
        return text

    labels = {name: column_label(name) for name in ("item", "quantity", "unit_price")}
    try:
        recognised, from_lines, _stated = rows_from_lines(table_lines, has_no=True, labels=labels, where=where)
    except UserError as exc:
        line, name = places.get(exc.where, (lines[0] if lines else 1, "item"))
        result.refused.append(Refusal(line, name, pasted.get((line, name), ""), exc.message))
        return
    by_line = dict(zip(lines, rows, strict=True))
    result.rows, result.lines = [], []
    for row, line in zip(recognised, from_lines, strict=True):
        result.rows.append(_values(row, by_line[line]))
        result.lines.append(line)


def _values(row: CostRow, pasted: dict[str, object]) -> dict[str, object]:
    """A recognised row's values: what was pasted, with its kind, level and number (a section's quantity and
    price are none and zero; a 序号 that only counted the rows is dropped)."""
    out = dict(pasted)
    out["kind"] = row.kind.value
    out["level"] = row.level
    if "no" in out:
        out["no"] = row.no
    if row.is_section:
        out["quantity"] = None
        out["unit_price"] = Decimal("0.00")
    return out
