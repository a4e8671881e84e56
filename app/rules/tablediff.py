"""What changed between two versions of a cost table, row by row and cell by cell.

Used by `import-annex` to review a workbook before it is applied, and meant for the review and
revision views. Rows are matched in order first (so an inserted row does not make every row below
it look changed), then rows that only moved, then rows with the same item, then rows left in place that
still share most cells; everything unmatched is added or removed. A matched row whose enclosing section
changed (indented into a section, taken out of one) says so, whether or not its cells changed; a change of
the table's own options (discount, VAT rate, total kind) is listed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher

from app.domain import COST_COLUMNS, CostRow, CostTable

#: The row fields compared cell by cell (a row's level shows as a change of its section instead).
DIFF_COLUMNS = (*COST_COLUMNS, "kind", "no", "discount", "vat_rate", "stated")
#: The table options compared.
OPTION_COLUMNS = ("discount", "vat_rate", "total_kind")


@dataclass(frozen=True)
class CellChange:
    column: str
    old: object
    new: object


@dataclass(frozen=True)
class RowChange:
    """A row present in both tables: `old_index`/`new_index` are 0-based positions; `old_section` and
    `new_section` are the labels (一 绿化部分) of its enclosing sections when they differ (None: top level)."""

    old_index: int
    new_index: int
    old: CostRow
    new: CostRow
    cells: tuple[CellChange, ...]
    old_section: str | None = None
    new_section: str | None = None
    section_changed: bool = False


@dataclass(frozen=True)
class RowAt:
    """An added or removed row; `amount` as its table computes it (None: a section or 按实结算 row)."""

    index: int
    row: CostRow
    amount: Decimal | None = None


@dataclass
class TableDiff:
    added: list[RowAt] = field(default_factory=list)
    removed: list[RowAt] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    #: Rows whose content is the same but whose position changed (other than by inserts/deletes around them).
    moved: list[RowChange] = field(default_factory=list)
    old_total: Decimal = Decimal("0.00")
    new_total: Decimal = Decimal("0.00")
    #: The table's own options that changed (column: discount, vat_rate or total_kind).
    options: tuple[CellChange, ...] = ()

    @property
    def total_change(self) -> Decimal:
        return self.new_total - self.old_total

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.moved or self.options)


def _key(row: CostRow) -> tuple:
    return tuple(getattr(row, c) for c in DIFF_COLUMNS)


def cell_changes(old: CostRow, new: CostRow) -> tuple[CellChange, ...]:
    return tuple(
        CellChange(c, getattr(old, c), getattr(new, c)) for c in DIFF_COLUMNS if getattr(old, c) != getattr(new, c)
    )


def option_changes(old: CostTable, new: CostTable) -> tuple[CellChange, ...]:
    return tuple(CellChange(c, getattr(old, c), getattr(new, c)) for c in OPTION_COLUMNS
                 if getattr(old, c) != getattr(new, c))


def diff_cost_rows(old: list[CostRow], new: list[CostRow]) -> TableDiff:
    """The changes that turn `old` into `new`; quantities and prices compare as numbers (1 == 1.00)."""
    old_t, new_t = CostTable.of(old), CostTable.of(new)
    old_f, new_f = old_t.figures(), new_t.figures()
    result = TableDiff(old_total=old_f.total, new_total=new_f.total, options=option_changes(old_t, new_t))
    old_keys, new_keys = [_key(r) for r in old], [_key(r) for r in new]
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    blocks: list[tuple[list[int], list[int]]] = []
    equal: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            blocks.append((list(range(i1, i2)), list(range(j1, j2))))
        else:
            equal += zip(range(i1, i2), range(j1, j2), strict=True)
    free_old = {i for olds, _news in blocks for i in olds}
    free_new = {j for _olds, news in blocks for j in news}
    pairs: list[tuple[int, int]] = []

    def pair_by(key_of) -> None:
        waiting: dict[object, list[int]] = {}
        for i in sorted(free_old):
            waiting.setdefault(key_of(old[i]), []).append(i)
        for j in sorted(free_new):
            bucket = waiting.get(key_of(new[j]))
            if bucket:
                i = bucket.pop(0)
                free_old.discard(i)
                free_new.discard(j)
                pairs.append((i, j))

    pair_by(_key)  # moved rows, unchanged
    pair_by(lambda r: (r.item, r.spec))  # same item and specification, other cells edited
    pair_by(lambda r: r.item)  # same item
    for olds, news in blocks:  # what is left where it was and still mostly alike: edited in place
        for i, j in zip([i for i in olds if i in free_old], [j for j in news if j in free_new], strict=False):
            if len(cell_changes(old[i], new[j])) * 2 > len(COST_COLUMNS):
                continue  # a different row in the same place: removed and added
            free_old.discard(i)
            free_new.discard(j)
            pairs.append((i, j))

    old_to_new = dict(equal)
    old_to_new.update(pairs)

    def sections(i: int, j: int) -> tuple[str | None, str | None, bool]:
        """The labels of row i's old and row j's new enclosing sections, and whether the section changed."""
        po, pn = old_f.rows[i].parent, new_f.rows[j].parent
        expected = None if po is None else old_to_new.get(po, -1)  # -1: the old section has no match
        label_o = old[po].label if po is not None else None
        label_n = new[pn].label if pn is not None else None
        return label_o, label_n, expected != pn

    structured = old_f.has_sections or new_f.has_sections
    moved_in_place: list[RowChange] = []
    if structured:
        for i, j in equal:
            label_o, label_n, changed = sections(i, j)
            if changed:
                moved_in_place.append(RowChange(i, j, old[i], new[j], (), label_o, label_n, True))
    for i, j in sorted(pairs, key=lambda p: p[1]):
        cells = cell_changes(old[i], new[j])
        label_o, label_n, changed = sections(i, j) if structured else (None, None, False)
        change = RowChange(i, j, old[i], new[j], cells, label_o, label_n, changed)
        (result.changed if cells else result.moved).append(change)
    result.moved = sorted(result.moved + moved_in_place, key=lambda c: c.new_index)
    result.added = [RowAt(j, new[j], new_f.rows[j].net) for j in sorted(free_new)]
    result.removed = [RowAt(i, old[i], old_f.rows[i].net) for i in sorted(free_old)]
    return result
